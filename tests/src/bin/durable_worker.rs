//! A worker process for the crash and cross-process tests (tests/tests/durable_process.rs):
//! serves `durable50`, `approval` and `parked` from the store given on the command line (an
//! SQLite file or a PostgreSQL URL), until it is killed. Executions that wait are parked in the
//! store.
//!
//! Its Task handler does its side effect the way AWS recommends for at-least-once delivery: it
//! appends the call's idempotency key to a ledger file unless the key is already there. Every
//! invocation is also appended to `<ledger>.calls`, so the test can count re-invocations.
//! Several worker processes may share one ledger: each check-and-append holds an exclusive
//! lock on `<ledger>.lock`.
//!
//! Usage: `durable_worker STORE LEDGER LEASE_MS`

use asl_engine::{Location, Worker};
use asl_runtime::{Failure, TaskCall, TaskHandler, Value};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod durable50 { asl_macro::asl!("workflows/durable50.json"); }
mod approval { asl_macro::asl!("workflows/approval.json"); }
mod parked { asl_macro::asl!("workflows/parked.json"); }

struct Ledger {
    path: PathBuf,
    lock: Mutex<()>,
}

impl Ledger {
    fn append(path: &PathBuf, line: &str) -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        f.write_all(format!("{line}\n").as_bytes())
    }

    /// An exclusive lock on the ledger across processes, held until the value is dropped.
    fn lock_file(&self) -> std::io::Result<std::fs::File> {
        let mut path = self.path.clone().into_os_string();
        path.push(".lock");
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(PathBuf::from(path))?;
        file.lock()?;
        Ok(file)
    }

    /// The side effect, once per idempotency key.
    fn effect_once(&self, key: &str) -> std::io::Result<()> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let _file = self.lock_file()?;
        let mut calls = self.path.clone().into_os_string();
        calls.push(".calls");
        Ledger::append(&PathBuf::from(calls), key)?;
        let done = std::fs::read_to_string(&self.path).unwrap_or_default();
        if !done.lines().any(|l| l == key) {
            Ledger::append(&self.path, key)?;
        }
        Ok(())
    }
}

struct Work(Arc<Ledger>);

impl TaskHandler for Work {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        let io = |e: std::io::Error| Failure::new("Ledger.Failed", e.to_string());
        if call.state == "RequestApproval" || call.state == "AwaitAnswer" {
            let token = call.context.task_token.clone().unwrap_or_default();
            let _guard = self.0.lock.lock().unwrap_or_else(|p| p.into_inner());
            let _file = self.0.lock_file().map_err(io)?;
            Ledger::append(&self.0.path, &format!("token {token}")).map_err(io)?;
            return Ok(json!({ "MessageId": "m-1" }));
        }
        let step = call.input["step"].as_str().unwrap_or(call.state).to_string();
        // Two steps fail on their first attempt, so Retry is part of what must survive a crash.
        if matches!(step.as_str(), "Task07" | "Task21") && call.context.attempt == 0 {
            return Err(Failure::new("Work.Flaky", "first attempt fails"));
        }
        self.0.effect_once(&call.context.idempotency_key).map_err(io)?;
        // The answer takes a moment after the side effect: a kill landing here makes the
        // resumed run call again with the same key, which the ledger must absorb.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let count = call.input["count"].as_i64().unwrap_or(0) + 1;
        Ok(json!({ "count": count, "step": step, "item": call.input.get("item") }))
    }
}

/// As the worker binaries `asl serve` builds run (see `asl_engine::hosted::Allocator`).
#[global_allocator]
static ALLOCATOR: asl_engine::hosted::Allocator = asl_engine::hosted::Allocator;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, store, ledger, lease_ms] = args.as_slice() else {
        eprintln!("usage: durable_worker STORE LEDGER LEASE_MS");
        std::process::exit(2);
    };
    let lease = Duration::from_millis(lease_ms.parse().unwrap_or(1000));
    let store = match Location::parse(store).open(true) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("durable_worker: {store}: {e}");
            std::process::exit(1);
        }
    };
    let ledger = Arc::new(Ledger { path: PathBuf::from(ledger), lock: Mutex::new(()) });
    let mut worker = Worker::new(store).with_lease(lease).with_poll(Duration::from_millis(50)).with_parking(true);
    worker.serve::<durable50::Workflow, _>(Work(ledger.clone()));
    worker.serve::<approval::Workflow, _>(Work(ledger.clone()));
    worker.serve::<parked::Workflow, _>(Work(ledger));
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(worker.run(Duration::from_millis(50), std::future::pending()));
}
