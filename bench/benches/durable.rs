//! Durable executions on the embedded store (SQLite file, WAL): Standard executions, which
//! checkpoint, against Express executions of the same compiled workflow on the same store,
//! which do not, measured in the same run.
//!
//! - `chain100` (the shared workload: 100 Pass states) and `tasks100` (100 Task states whose
//!   handler answers at once): one execution = StartExecution, a worker claiming it, running
//!   it and recording its end. Reported as transitions per second and Standard / Express.
//! - `start`: StartExecution alone (a transaction with the ExecutionStarted event), as
//!   executions started per second.
//!
//! Run: `cargo bench -p asl-bench --bench durable`.

use asl_engine::{Engine, MachineType, SqliteStore, Store, Worker};
use asl_runtime::{Failure, TaskCall, TaskHandler, Value};
use criterion::{BenchmarkId, Criterion, Throughput};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod chain100 {
    asl_macro::asl!("workflows/chain100.json");
}
mod tasks100 {
    asl_macro::asl!("workflows/tasks100.json");
}

/// Answers every Task at once with its input's `Payload`.
struct Echo;

impl TaskHandler for Echo {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        Ok(call.input.get("Payload").cloned().unwrap_or(Value::Null))
    }
}

/// A fresh store in a fresh directory (removed on drop).
struct Scratch {
    dir: std::path::PathBuf,
    store: Arc<dyn Store>,
}

impl Scratch {
    fn new() -> Scratch {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("asl-bench-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.join("store.db")).unwrap());
        Scratch { dir, store }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Clone, Copy)]
enum Workload {
    Chain100,
    Tasks100,
}

impl Workload {
    fn name(self) -> &'static str {
        match self {
            Workload::Chain100 => "chain100",
            Workload::Tasks100 => "tasks100",
        }
    }
    fn definition(self) -> &'static str {
        match self {
            Workload::Chain100 => chain100::DEFINITION,
            Workload::Tasks100 => tasks100::DEFINITION,
        }
    }
    fn input(self) -> &'static str {
        match self {
            Workload::Chain100 => r#"{"payload": "x"}"#,
            Workload::Tasks100 => r#"{"i": 1}"#,
        }
    }
}

/// Runs `n` executions of `workload` as `machine_type` on a fresh store: starts them all, then
/// one worker runs them to the end. Returns the time of the runs (not the starts).
fn run_batch(rt: &tokio::runtime::Runtime, workload: Workload, machine_type: MachineType, n: u64) -> Duration {
    let scratch = Scratch::new();
    let engine = Engine::new(scratch.store.clone());
    engine.create_state_machine("m", workload.definition(), machine_type, None).unwrap();
    for i in 0..n {
        engine.start_execution("m", Some(&format!("e{i}")), Some(workload.input())).unwrap();
    }
    let mut worker = Worker::named(scratch.store.clone(), "bench").with_concurrency(64);
    match workload {
        Workload::Chain100 => worker.serve::<chain100::Workflow, _>(Echo),
        Workload::Tasks100 => worker.serve::<tasks100::Workflow, _>(Echo),
    };
    let start = Instant::now();
    rt.block_on(worker.run_until_idle(Duration::from_micros(200))).unwrap();
    let elapsed = start.elapsed();
    let done = engine.list_executions("m", Some("SUCCEEDED"), 1000, None).unwrap()["executions"].as_array().unwrap().len();
    assert_eq!(done as u64, n.min(1000), "every execution succeeded");
    elapsed
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    for workload in [Workload::Chain100, Workload::Tasks100] {
        let mut group = c.benchmark_group(format!("durable/{}", workload.name()));
        group.throughput(Throughput::Elements(100)); // state transitions per execution
        group.sample_size(10);
        for (label, t) in [("standard", MachineType::Standard), ("express", MachineType::Express)] {
            group.bench_function(BenchmarkId::from_parameter(label), |b| {
                b.iter_custom(|iters| run_batch(&rt, workload, t, iters));
            });
        }
        group.finish();
    }
    let mut group = c.benchmark_group("durable/start");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.bench_function("start-execution", |b| {
        b.iter_custom(|iters| {
            let scratch = Scratch::new();
            let engine = Engine::new(scratch.store.clone());
            engine.create_state_machine("m", chain100::DEFINITION, MachineType::Standard, None).unwrap();
            let start = Instant::now();
            for i in 0..iters {
                engine.start_execution("m", Some(&format!("e{i}")), Some(r#"{"payload": "x"}"#)).unwrap();
            }
            start.elapsed()
        });
    });
    group.finish();

    // The same, interleaved in one process, for the ratios the README quotes.
    println!("\nStandard (checkpointed) vs Express on the same SQLite store, 200 executions a batch, 3 rounds:");
    for workload in [Workload::Chain100, Workload::Tasks100] {
        let (mut standard, mut express) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..3 {
            standard += run_batch(&rt, workload, MachineType::Standard, 200);
            express += run_batch(&rt, workload, MachineType::Express, 200);
        }
        let per_s = |d: Duration| 600.0 * 100.0 / d.as_secs_f64();
        println!(
            "  {:<9} standard {:>9.0} transitions/s, express {:>9.0} transitions/s, standard/express time ratio {:.2}",
            workload.name(),
            per_s(standard),
            per_s(express),
            standard.as_secs_f64() / express.as_secs_f64()
        );
    }
    let scratch = Scratch::new();
    let engine = Engine::new(scratch.store.clone());
    engine.create_state_machine("m", chain100::DEFINITION, MachineType::Standard, None).unwrap();
    let start = Instant::now();
    for i in 0..2000 {
        engine.start_execution("m", Some(&format!("s{i}")), Some(r#"{"payload": "x"}"#)).unwrap();
    }
    println!("  start-execution: {:.0} executions started per second", 2000.0 / start.elapsed().as_secs_f64());
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
