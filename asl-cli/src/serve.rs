//! `asl serve`: the Step Functions API over HTTP (AWS JSON 1.0, what `aws --endpoint-url` and
//! the SDKs speak) against the store, and the workers that run its registered definitions as
//! compiled code, until SIGINT or SIGTERM. `asl run` and `asl test`: executions in the
//! foreground through the same workers.

use asl_runtime::mock::MockConfig;
use asl_serve::oneshot::OneShot;
use asl_serve::workers::{Source, Supervisor, SupervisorConfig};
use asl_engine::Location;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `asl serve` is asked for.
pub struct ServeOptions {
    pub host: String,
    pub port: u16,
    /// Step Functions Local's mock config file.
    pub mock_config: Option<PathBuf>,
    /// Serve the API only: registered definitions are run by workers started elsewhere.
    pub no_workers: bool,
    /// `ACCESS_KEY_ID:SECRET_ACCESS_KEY` pairs (`--credentials`); none: those of
    /// [`CREDENTIALS_VARIABLE`], if set.
    pub credentials: Vec<String>,
    /// Tasks that no mock answers go to AWS (or the endpoints configured).
    pub integrations: bool,
    pub console: Console,
}

/// What is asked of the web console.
pub struct Console {
    /// `--no-console`.
    pub off: bool,
    /// `--console`, or a flag that only makes sense with it.
    pub asked: bool,
    pub writes: bool,
    pub remote: bool,
}

impl Console {
    /// The console to serve: by default, unless credentials protect the API (the console has
    /// no login of its own), where it must be asked for.
    fn options(&self, credentials: &asl_serve::Credentials) -> Option<asl_serve::ConsoleOptions> {
        if self.off || (!credentials.is_empty() && !self.asked) {
            return None;
        }
        Some(asl_serve::ConsoleOptions::default().with_writes(self.writes).with_remote(self.remote))
    }
}

/// The variable that configures signature checking when `--credentials` is not given. Not
/// AWS's own variables: a developer's real keys in the environment must not switch it on.
pub const CREDENTIALS_VARIABLE: &str = "ASL_SERVE_CREDENTIALS";

/// The access keys requests must be signed with: the flags', else the variable's (split at
/// commas); none at all: requests are accepted unchecked. Errors never show a secret.
fn credentials(flags: &[String]) -> Result<asl_serve::Credentials, String> {
    if !flags.is_empty() {
        return asl_serve::Credentials::parse(flags.iter().map(String::as_str)).map_err(|e| format!("--credentials: {e}"));
    }
    match std::env::var(CREDENTIALS_VARIABLE) {
        Ok(text) => asl_serve::Credentials::parse(text.split(',').filter(|p| !p.trim().is_empty())).map_err(|e| format!("{CREDENTIALS_VARIABLE}: {e}")),
        Err(std::env::VarError::NotPresent) => Ok(asl_serve::Credentials::default()),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{CREDENTIALS_VARIABLE} is not UTF-8 text")),
    }
}

pub fn run(store: &Location, options: ServeOptions) -> ExitCode {
    let credentials = match credentials(&options.credentials) {
        Ok(credentials) => credentials,
        Err(problem) => return fail(2, &problem),
    };
    // Serving registers state machines and activities, so it may create the store.
    let engine = match crate::aws::open(store, true) {
        Ok(engine) => engine,
        Err(problem) => return fail(253, &problem),
    };
    let workers = match options.no_workers {
        true => None,
        false => match workers_config(store, options.mock_config.clone(), false, options.integrations) {
            Ok((config, _)) => Some(config),
            Err(problem) => return fail(2, &problem),
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(1, &format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind((options.host.as_str(), options.port)).await {
            Ok(listener) => listener,
            Err(e) => return fail(1, &format!("cannot listen on {}:{}: {e}", options.host, options.port)),
        };
        let address = listener.local_addr().map_or_else(|_| format!("{}:{}", options.host, options.port), |a| a.to_string());
        // One signal stops both the API and the workers.
        let (stop, stopping) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            asl_serve::shutdown_signal().await;
            let _ = stop.send(true);
        });
        let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stopped| *stopped).await;
        };
        // TestState builds the state it tests as the workers build definitions.
        let test_state = workers.as_ref().map(|config| std::sync::Arc::new(asl_serve::test_state::TestStateRunner::new(config)));
        let supervisor = workers.map(|config| {
            crate::output::err(&format!("asl serve: registered definitions are compiled in {}", config.build_dir.display()));
            tokio::spawn(Supervisor::new(engine.store().clone(), config).run(until_stopped(stopping.clone())))
        });
        if !credentials.is_empty() {
            crate::output::err(&format!("asl serve: requests must be signed (SigV4) with access key {}", credentials.key_ids().join(", ")));
        }
        // On stderr, so a script can wait for it; stdout stays empty.
        crate::output::err(&format!("asl serve: listening on http://{address} (store {store})"));
        let console = options.console.options(&credentials).map(|c| c.with_workers(!options.no_workers));
        match &console {
            Some(console) => {
                let mode = if console.writes() { "acts: answers task tokens, starts, stops and redrives executions" } else { "read-only" };
                let who = if console.remote() { "any client" } else { "loopback clients only" };
                crate::output::err(&format!("asl serve: web console at http://{address}{} ({mode}, {who})", console.base()));
            }
            None if !options.console.off => crate::output::err("asl serve: no web console: --credentials protect the API and the console has no login (--console serves it)"),
            None => {}
        }
        let options = asl_serve::ServeOptions { credentials, test_state, console };
        let served = asl_serve::serve_with(listener, engine, options, until_stopped(stopping)).await;
        if let Some(supervisor) = supervisor {
            let _ = supervisor.await;
        }
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(1, &e.to_string()),
        }
    })
}

/// The workers of `store`: built next to it, from the sources this binary was built from
/// (or `ASL_SOURCE_DIR`), with the mock config read and checked now so that its problems show
/// at once (and handed back, for the commands that look into it).
fn workers_config(store: &Location, mock_config: Option<PathBuf>, virtual_time: bool, integrations: bool) -> Result<(SupervisorConfig, Option<MockConfig>), String> {
    let source = Source::locate().map_err(|e| format!("{e} (or serve the API only with --no-workers)"))?;
    let mocks = match &mock_config {
        Some(path) => Some(asl_engine::hosted::read_mock_config(path).map_err(|e| format!("the mock config has problems:\n{e}"))?),
        None => None,
    };
    // The workers read the http:invoke connections when they start: a broken file is said now,
    // not by a worker that cannot start.
    if integrations {
        asl_aws::HttpConnections::from_env().map_err(|e| format!("ASL_HTTP_CONNECTIONS: {e}"))?;
    }
    let mut config = SupervisorConfig::next_to(store.clone(), source);
    config.mock_config = mock_config.map(|p| p.canonicalize().unwrap_or(p));
    config.virtual_time = virtual_time;
    config.integrations = integrations;
    Ok((config, mocks))
}

fn fail(code: u8, problem: &str) -> ExitCode {
    crate::output::err(&format!("asl: {}", asl_codegen::printable(problem)));
    ExitCode::from(code)
}

/// `asl run FILE --input JSON [--mock-config FILE --test-case NAME]`: prints the output and
/// exits 0 when the execution succeeds; prints its error and cause and exits 1 otherwise.
pub fn run_once(store: &Location, definition: PathBuf, input: String, mock_config: Option<PathBuf>, test_case: Option<String>, integrations: bool) -> ExitCode {
    if test_case.is_some() && mock_config.is_none() {
        return fail(2, "--test-case needs --mock-config");
    }
    let (config, mocks) = match workers_config(store, mock_config, false, integrations) {
        Ok(workers) => workers,
        Err(problem) => return fail(2, &problem),
    };
    let name = machine_name(&definition, mocks.as_ref());
    let one = OneShot { definition, input, test_case, name };
    match block_on(asl_serve::oneshot::run(&one, &config)) {
        Err(problem) | Ok(Err(problem)) => fail(1, &problem),
        Ok(Ok(ended)) => report(&ended, None),
    }
}

/// `asl test --mock-config FILE DEFINITION...`: every test case of every state machine of the
/// mock file whose name is a definition file's stem, on virtual time; one line per case.
/// Exits 0 when every case ran (whatever its outcome), 1 when one could not.
pub fn test(store: &Location, mock_config: PathBuf, definitions: Vec<PathBuf>, input: String, integrations: bool) -> ExitCode {
    let (config, mocks) = match workers_config(store, Some(mock_config), true, integrations) {
        Ok((config, Some(mocks))) => (config, mocks),
        Ok((_, None)) => return fail(2, "--mock-config was not read"),
        Err(problem) => return fail(2, &problem),
    };
    let mut cases = Vec::new();
    for machine in mocks.state_machines() {
        let Some(definition) = definitions.iter().find(|d| d.file_stem().is_some_and(|s| s == machine)) else {
            return fail(2, &format!("the mock config's state machine '{machine}' has no definition: give a file named {machine}.json"));
        };
        for case in mocks.test_cases(machine) {
            cases.push(OneShot { definition: definition.clone(), input: input.clone(), test_case: Some(case.to_string()), name: machine.to_string() });
        }
    }
    let mut code = ExitCode::SUCCESS;
    for case in cases {
        let label = format!("{}#{}", case.name, case.test_case.as_deref().unwrap_or_default());
        match block_on(asl_serve::oneshot::run(&case, &config)) {
            Ok(Ok(ended)) => {
                let _ = report(&ended, Some(&label));
            }
            Err(problem) | Ok(Err(problem)) => {
                crate::output::err(&format!("{label}: {}", asl_codegen::printable(&problem)));
                code = ExitCode::FAILURE;
            }
        }
    }
    code
}

/// The state machine's name: the one state machine of the mock config, else the file's stem
/// (which the mock config then names its test cases under).
fn machine_name(definition: &Path, mocks: Option<&MockConfig>) -> String {
    if let Some(mocks) = mocks {
        let machines: Vec<&str> = mocks.state_machines().collect();
        if let [only] = machines.as_slice() {
            return only.to_string();
        }
    }
    definition.file_stem().map_or_else(|| "workflow".to_string(), |s| s.to_string_lossy().into_owned())
}

fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| format!("cannot start the runtime: {e}"))?;
    Ok(runtime.block_on(future))
}

/// Prints how an execution ended: its output (stdout) when it succeeded, else its status,
/// error and cause (stderr). `label` prefixes the line (`asl test`).
fn report(ended: &serde_json::Value, label: Option<&str>) -> ExitCode {
    let status = ended["status"].as_str().unwrap_or("UNKNOWN");
    let prefix = label.map(|l| format!("{l}: {status} ")).unwrap_or_default();
    if status == "SUCCEEDED" {
        let _ = crate::output::out(&format!("{prefix}{}\n", ended["output"].as_str().unwrap_or("null")));
        return ExitCode::SUCCESS;
    }
    let line = format!(
        "{}{}: {}",
        if prefix.is_empty() { format!("{status} ") } else { prefix },
        ended["error"].as_str().unwrap_or(""),
        ended["cause"].as_str().unwrap_or("")
    );
    match label {
        Some(_) => {
            let _ = crate::output::out(&format!("{}\n", asl_codegen::printable(&line)));
        }
        None => crate::output::err(&asl_codegen::printable(&line)),
    }
    ExitCode::FAILURE
}
