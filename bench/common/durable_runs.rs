//! Batches of whole executions through the engine: StartExecution for each, then workers
//! claim and run them to their recorded end, on SQLite or PostgreSQL, one or several workers,
//! with or without group commit. What `benches/durable.rs` measures, and what
//! `tests/tests/durable_scale.rs` runs CI-sized.

use asl_engine::{Engine, Location, MachineType, PostgresStore, Store, Worker};
use asl_runtime::{Failure, Machine, TaskCall, TaskHandler, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Answers every Task at once with its input's `Payload`.
pub struct Echo;

impl TaskHandler for Echo {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        Ok(call.input.get("Payload").cloned().unwrap_or(Value::Null))
    }
}

/// Which store the batch runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh schema of the database `ASL_TEST_POSTGRES` names (default: the machine's).
    Postgres,
}

/// How a batch runs.
#[derive(Debug, Clone, Copy)]
pub struct Setup {
    pub backend: Backend,
    pub machine_type: MachineType,
    /// Worker values in this process, each with its own connection(s) to the store, as
    /// worker processes would have.
    pub workers: usize,
    pub group_commit: bool,
}

impl Setup {
    pub fn label(&self) -> String {
        let store = match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let commit = if self.group_commit { "grouped" } else { "alone" };
        format!("{store} x{} {commit}", self.workers)
    }
}

/// A fresh store, removed when the value goes.
struct Scratch {
    location: Location,
    dir: Option<std::path::PathBuf>,
}

impl Scratch {
    fn new(backend: Backend) -> Scratch {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = format!("{}_{n}_{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos());
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("asl-bench-{tag}"));
                std::fs::create_dir_all(&dir).unwrap();
                Scratch { location: Location::File(dir.join("store.db")), dir: Some(dir) }
            }
            Backend::Postgres => {
                let url = std::env::var("ASL_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
                let joiner = if url.contains('?') { '&' } else { '?' };
                Scratch { location: Location::Postgres(format!("{url}{joiner}schema=asl_bench_{tag}")), dir: None }
            }
        }
    }

    fn open(&self) -> Arc<dyn Store> {
        self.location.open(true).unwrap_or_else(|e| panic!("opening {}: {e}", self.location))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Location::Postgres(url) = &self.location {
            if let Ok(store) = PostgresStore::open(url) {
                let _ = store.drop_schema();
            }
        }
    }
}

/// Runs `n` executions of `M` with `input` as `setup` says, on a fresh store: starts them all,
/// then the workers run them to the end. Returns the time of the runs (not of the starts).
pub fn run_batch<M: Machine + 'static>(rt: &tokio::runtime::Runtime, setup: Setup, input: &str, n: u64) -> Duration {
    let scratch = Scratch::new(setup.backend);
    let engine = Engine::new(scratch.open());
    engine.create_state_machine("m", M::DEFINITION, setup.machine_type, None).unwrap();
    for i in 0..n {
        engine.start_execution("m", Some(&format!("e{i}")), Some(input)).unwrap();
    }
    let workers: Vec<Arc<Worker>> = (0..setup.workers)
        .map(|i| {
            let mut worker = Worker::named(scratch.open(), format!("bench-{i}")).with_concurrency(64).with_group_commit(setup.group_commit);
            worker.serve::<M, _>(Echo);
            Arc::new(worker)
        })
        .collect();
    let start = Instant::now();
    rt.block_on(async {
        let runs: Vec<_> = workers
            .iter()
            .map(|w| {
                let w = w.clone();
                tokio::spawn(async move { w.run_until_idle(Duration::from_micros(200)).await })
            })
            .collect();
        for run in runs {
            run.await.unwrap().unwrap();
        }
    });
    let elapsed = start.elapsed();
    let done = engine.list_executions("m", Some("SUCCEEDED"), 1000, None).unwrap()["executions"].as_array().unwrap().len();
    assert_eq!(done as u64, n.min(1000), "every execution succeeded ({})", setup.label());
    elapsed
}
