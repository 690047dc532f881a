//! The `asl` command: `asl check FILE...` validates definitions the way AWS's
//! CreateStateMachine does and prints every problem as `FILE:LINE:COL: message`;
//! `asl expand FILE` prints the Rust that `asl!` would generate; `asl graph FILE` draws it
//! (Mermaid, DOT, SVG); the other commands are those of
//! `aws stepfunctions`, against the embedded execution store (see `aws.rs`); `asl serve` serves
//! the same API over HTTP (see `serve.rs`).

mod aws;
mod output;
mod serve;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "asl", version, about = "Amazon States Language tools: validate and compile Step Functions definitions")]
struct Cli {
    /// The execution store: an SQLite file, or a PostgreSQL database (`postgres://user@host/db`,
    /// `?schema=NAME` for the tables' schema, `asl` by default); default `$ASL_STORE`, else
    /// `.asl/store.db`.
    #[arg(long, global = true)]
    store: Option<std::ffi::OsString>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate definitions; exit 0 when all are valid, 1 otherwise.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the Rust code generated for a definition.
    Expand { file: PathBuf },
    /// Draw a definition: Mermaid (for Markdown), Graphviz DOT, or SVG laid out here (no
    /// Graphviz needed). Exit 1, with its problems, for a definition that is not valid.
    Graph {
        /// The definition file (`-`: standard input).
        file: PathBuf,
        #[arg(long, default_value = "svg", value_parser = ["mermaid", "dot", "svg"])]
        format: String,
    },
    /// Serve the Step Functions API over HTTP (`aws --endpoint-url`, the SDKs) until SIGINT/SIGTERM.
    Serve {
        /// The address to listen on (loopback by default: without --credentials the API
        /// accepts every request).
        #[arg(long, default_value = asl_serve::DEFAULT_HOST)]
        host: String,
        #[arg(long, default_value_t = asl_serve::DEFAULT_PORT)]
        port: u16,
        /// Mocked Task responses: AWS Step Functions Local's mock config file. An execution
        /// started with `<stateMachineArn>#<TestCaseName>` answers its mocked states from it.
        #[arg(long)]
        mock_config: Option<PathBuf>,
        /// Serve the API only; no worker runs the registered definitions here.
        #[arg(long)]
        no_workers: bool,
        /// Refuse requests not signed (AWS Signature Version 4) with this access key and its
        /// secret, as AWS does; repeat for several keys. Default: `$ASL_SERVE_CREDENTIALS`
        /// (pairs separated by commas; out of `ps`'s sight). Neither: requests are not checked.
        #[arg(long, value_name = "ACCESS_KEY_ID:SECRET_ACCESS_KEY")]
        credentials: Vec<String>,
        /// Send no Task to AWS: only mocks and the engine's own integrations answer; a callback
        /// (`.waitForTaskToken`) nothing answers waits for its token, any other Task fails.
        #[arg(long)]
        no_integrations: bool,
        /// Serve no web console (by default it is at /console, read-only, for loopback clients).
        #[arg(long, conflicts_with_all = ["console", "console_writes", "console_remote"])]
        no_console: bool,
        /// Serve the web console even though --credentials protect the API (it has no login
        /// of its own, so with credentials it is off unless asked for).
        #[arg(long)]
        console: bool,
        /// Let the web console act: answer task tokens (SendTaskSuccess/SendTaskFailure
        /// buttons), start, stop and redrive executions.
        #[arg(long)]
        console_writes: bool,
        /// Let the web console answer clients off loopback (it has no login of its own).
        #[arg(long)]
        console_remote: bool,
    },
    /// Compile a definition and run one execution in the foreground: prints its output (exit 0)
    /// or its error and cause (exit 1).
    Run {
        definition: PathBuf,
        /// The execution input: JSON text, or file://PATH.
        #[arg(long, default_value = "{}")]
        input: String,
        /// AWS Step Functions Local's mock config file.
        #[arg(long)]
        mock_config: Option<PathBuf>,
        /// The test case of the mock config to run.
        #[arg(long, requires = "mock_config")]
        test_case: Option<String>,
        /// Send no Task to AWS: only mocks and the engine's own integrations answer; a callback
        /// (`.waitForTaskToken`) nothing answers waits for its token, any other Task fails.
        #[arg(long)]
        no_integrations: bool,
    },
    /// Run every test case of a mock config file against its definitions (a file per state
    /// machine, named after it), on virtual time: one line per case with its outcome.
    Test {
        #[arg(long)]
        mock_config: PathBuf,
        #[arg(required = true)]
        definitions: Vec<PathBuf>,
        /// The input of every execution: JSON text, or file://PATH.
        #[arg(long, default_value = "{}")]
        input: String,
        /// Send no Task to AWS: only mocks and the engine's own integrations answer; a callback
        /// (`.waitForTaskToken`) nothing answers waits for its token, any other Task fails.
        #[arg(long)]
        no_integrations: bool,
    },
    #[command(flatten)]
    Api(aws::Api),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Api(api) => aws::run(&aws::store_location(cli.store), api),
        Command::Check { files } => check(&files),
        Command::Graph { file, format } => graph(&file, &format),
        Command::Serve { host, port, mock_config, no_workers, credentials, no_integrations, no_console, console, console_writes, console_remote } => {
            let integrations = !no_integrations;
            let console = serve::Console { off: no_console, asked: console || console_writes || console_remote, writes: console_writes, remote: console_remote };
            serve::run(&aws::store_location(cli.store), serve::ServeOptions { host, port, mock_config, no_workers, credentials, integrations, console })
        }
        Command::Run { definition, input, mock_config, test_case, no_integrations } => match aws::text(&input) {
            Ok(input) => serve::run_once(&aws::store_location(cli.store), definition, input, mock_config, test_case, !no_integrations),
            Err(problem) => {
                output::err(&format!("asl: --input: {problem}"));
                ExitCode::from(2)
            }
        },
        Command::Test { mock_config, definitions, input, no_integrations } => match aws::text(&input) {
            Ok(input) => serve::test(&aws::store_location(cli.store), mock_config, definitions, input, !no_integrations),
            Err(problem) => {
                output::err(&format!("asl: --input: {problem}"));
                ExitCode::from(2)
            }
        },
        Command::Expand { file } => match asl_codegen::expand_file(&file, output::Stdout::default()) {
            // `expand_file` flushed what it wrote.
            Ok(_) => ExitCode::SUCCESS,
            Err(asl_codegen::ExpandError::Write(e)) => output::finish(Err(e)).map_or_else(|code| code, |()| ExitCode::SUCCESS),
            Err(asl_codegen::ExpandError::Definition(diagnostics)) => {
                output::err(&diagnostics);
                ExitCode::FAILURE
            }
        },
    }
}

fn graph(file: &std::path::Path, format: &str) -> ExitCode {
    // clap has already refused any other name.
    let format = asl_codegen::graph::Format::parse(format).unwrap_or(asl_codegen::graph::Format::Svg);
    // `-`: the definition comes on standard input (`… | asl graph -`).
    let text = match file == std::path::Path::new("-") {
        true => asl_codegen::read_definition_from(std::io::stdin().lock(), "<stdin>"),
        false => asl_codegen::read_definition(file),
    };
    let drawn = text.and_then(|text| {
        asl_codegen::graph_source(&text).map_err(|diags| asl_codegen::render(&file.display().to_string(), &text, &diags))
    });
    match drawn {
        Ok(graph) => output::out(&graph.write(format)).map_or_else(|code| code, |()| ExitCode::SUCCESS),
        Err(problems) => {
            output::err(&problems);
            ExitCode::FAILURE
        }
    }
}

fn check(files: &[PathBuf]) -> ExitCode {
    let mut ok = true;
    for file in files {
        let name = file.display().to_string();
        let printed = match asl_codegen::read_definition(file) {
            Err(e) => Some(e),
            Ok(text) => {
                let diags = asl_codegen::check_source(&text);
                (!diags.is_empty()).then(|| asl_codegen::render(&name, &text, &diags))
            }
        };
        if let Some(problems) = printed {
            ok = false;
            if let Err(code) = output::out(&format!("{problems}\n")) {
                return code;
            }
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
