//! `asl run` and `asl test`: executions in the foreground, through the same worker build as
//! `asl serve` (the build directory is shared, so a definition compiled once runs at once the
//! next time), each on a store of its own that is removed afterwards.

use crate::workers::{Supervisor, SupervisorConfig};
use asl_engine::{Engine, Location, MachineType, SqliteStore, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// One execution to run.
#[derive(Debug, Clone)]
pub struct OneShot {
    /// The definition file.
    pub definition: PathBuf,
    /// The execution input (JSON text).
    pub input: String,
    /// A mock test case of `workers.mock_config` (`<machine>#<case>` is how it is started).
    pub test_case: Option<String>,
    /// The state machine's name: the mock config's name for it.
    pub name: String,
}

/// How an execution ran: DescribeExecution's view of its end (status, output, error, cause)
/// and its history events.
#[derive(Debug, Clone)]
pub struct Ran {
    pub described: Value,
    pub events: Vec<Value>,
}

/// Why a one-shot run gave no answer: the definition does not validate (every diagnostic,
/// rendered), or something on the way failed (the store, the worker).
#[derive(Debug, Clone, PartialEq)]
pub enum NotRun {
    Invalid(String),
    Failed(String),
}

impl std::fmt::Display for NotRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRun::Invalid(text) | NotRun::Failed(text) => f.write_str(text),
        }
    }
}

/// Runs `run` to its end and answers DescribeExecution's view of it (status, output, error,
/// cause); a definition that does not validate is an error carrying every diagnostic.
pub async fn run(run: &OneShot, workers: &SupervisorConfig) -> Result<Value, String> {
    let text = asl_codegen::read_definition(&run.definition)?;
    let file = run.definition.display().to_string();
    let ran = run_definition(run, &file, &text, workers).await.map_err(|e| e.to_string())?;
    Ok(ran.described)
}

/// [`run`] with the definition's text (`file` names it in diagnostics), answering its history
/// too.
pub async fn run_definition(run: &OneShot, file: &str, text: &str, workers: &SupervisorConfig) -> Result<Ran, NotRun> {
    let diagnostics = asl_codegen::check_source(text);
    if !diagnostics.is_empty() {
        return Err(NotRun::Invalid(asl_codegen::render(file, text, &diagnostics)));
    }
    let runs = workers.build_dir.join("runs");
    std::fs::create_dir_all(&runs).map_err(|e| NotRun::Failed(format!("{}: {e}", runs.display())))?;
    let store_path = runs.join(format!("{}-{}.db", std::process::id(), asl_runtime::execution::new_name()));
    let result = run_on(run, text, &store_path, workers).await.map_err(NotRun::Failed);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = store_path.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    result
}

async fn run_on(run: &OneShot, definition: &str, store_path: &Path, workers: &SupervisorConfig) -> Result<Ran, String> {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(store_path).map_err(|e| e.to_string())?);
    let engine = Engine::new(store.clone());
    let api = |e: asl_engine::ApiError| e.to_string();
    let created = engine.create_state_machine(&run.name, definition, MachineType::Standard, None).map_err(api)?;
    let mut machine = created["stateMachineArn"].as_str().unwrap_or_default().to_string();
    if let Some(case) = &run.test_case {
        machine = format!("{machine}#{case}");
    }
    let started = engine.start_execution(&machine, None, Some(&run.input)).map_err(api)?;
    let arn = started["executionArn"].as_str().unwrap_or_default().to_string();
    let config = SupervisorConfig { store: Location::File(store_path.to_path_buf()), ..workers.clone() };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let supervisor = tokio::spawn(Supervisor::new(store, config).run(async {
        let _ = stopped.await;
    }));
    let ended = loop {
        let described = engine.describe_execution(&arn).map_err(api)?;
        if described["status"] != "RUNNING" || supervisor.is_finished() {
            break described;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let _ = stop.send(());
    let _ = supervisor.await;
    let mut events = Vec::new();
    let mut token = None;
    loop {
        let page = engine.get_execution_history(&arn, false, 1000, token).map_err(api)?;
        events.extend(page["events"].as_array().cloned().unwrap_or_default());
        match page["nextToken"].as_str() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
    }
    Ok(Ran { described: ended, events })
}
