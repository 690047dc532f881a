//! The `main` of a worker process that `asl serve` generates from registered definitions: it
//! opens the store, serves every compiled definition with [`Bindings`] as their Task handler,
//! and runs until its standard input closes (the server that started it ended or replaced it)
//! or it is told to stop, releasing its claims so that the next worker carries on at once.
//!
//! Usage of the generated binary: `asl-worker --store PATH`.

use crate::store::SqliteStore;
use crate::worker::Worker;
use asl_runtime::error::names;
use asl_runtime::{Failure, TaskCall, TaskHandler, Value};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// How a hosted worker answers Task states: a callback (`.waitForTaskToken`) resource is
/// considered sent, and its execution waits for SendTaskSuccess/Failure through the API
/// (activities are served by the engine itself); any other Task has no binding and fails with
/// `States.Runtime`, naming its Resource and how to bind it.
#[derive(Debug, Default, Clone)]
pub struct Bindings {}

impl TaskHandler for Bindings {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        if call.resource.ends_with(".waitForTaskToken") {
            return Ok(Value::Null);
        }
        Err(Failure::new(names::RUNTIME, unbound(call.state, call.resource)))
    }
}

/// The cause of a Task that nothing answers.
fn unbound(state: &str, resource: &str) -> String {
    format!(
        "Task state '{state}' has no binding: nothing answers its Resource '{resource}' under asl serve. \
         Bind it with a mocked response (asl serve --mock-config FILE, and start the execution with \
         <stateMachineArn>#<TestCaseName>), make it a callback (.waitForTaskToken, answered with \
         SendTaskSuccess) or an activity, or serve the workflow from your own binary with a TaskHandler"
    )
}

/// Runs a hosted worker: `serve` registers the compiled machines on the worker with the
/// bindings. Returns when standard input closes.
pub fn main(serve: impl FnOnce(&mut Worker, &Bindings)) -> ExitCode {
    match run(serve) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("asl-worker: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(serve: impl FnOnce(&mut Worker, &Bindings)) -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut store = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--store" => store = args.next(),
            other => return Err(format!("unknown argument '{other}' (usage: asl-worker --store PATH)")),
        }
    }
    let store = store.ok_or("--store PATH is required")?;
    let store = SqliteStore::open(&store).map_err(|e| format!("{store}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let mut worker = Worker::new(Arc::new(store)).with_poll(Duration::from_millis(100));
        serve(&mut worker, &Bindings::default());
        worker.run(Duration::from_millis(50), stdin_closed()).await;
    });
    Ok(())
}

/// Completes when standard input reaches its end: the parent closed it, or died.
async fn stdin_closed() {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        use std::io::Read;
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    let _ = rx.await;
}
