//! The `asl` command: `asl check FILE...` validates definitions the way AWS's
//! CreateStateMachine does and prints every problem as `FILE:LINE:COL: message`;
//! `asl expand FILE` prints the Rust that `asl!` would generate; the other commands are those of
//! `aws stepfunctions`, against the embedded execution store (see `aws.rs`).

mod aws;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "asl", version, about = "Amazon States Language tools: validate and compile Step Functions definitions")]
struct Cli {
    /// The execution store (SQLite file); default `$ASL_STORE`, else `.asl/store.db`.
    #[arg(long, global = true)]
    store: Option<PathBuf>,
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
    #[command(flatten)]
    Api(aws::Api),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Api(api) => aws::run(&aws::store_path(cli.store), api),
        Command::Check { files } => check(&files),
        Command::Expand { file } => match asl_codegen::generate_file(&file) {
            Ok(source) => {
                print!("{source}");
                ExitCode::SUCCESS
            }
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                ExitCode::FAILURE
            }
        },
    }
}

fn check(files: &[PathBuf]) -> ExitCode {
    let mut ok = true;
    for file in files {
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                println!("{name}: cannot read: {e}");
                ok = false;
                continue;
            }
        };
        let diags = asl_codegen::check_source(&text);
        if !diags.is_empty() {
            ok = false;
            println!("{}", asl_codegen::render(&name, &text, &diags));
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
