//! Durable executions through the engine: Standard executions, which checkpoint, against
//! Express executions of the same compiled workflow on the same store, which do not; and
//! Standard executions on SQLite and on PostgreSQL, by 1, 2 and 4 workers, with each write in a
//! transaction of its own and with group commit, all measured in the same run.
//!
//! - `chain100` (the shared workload: 100 Pass states) and `tasks100` (100 Task states whose
//!   handler answers at once): one execution = StartExecution, workers claiming it, running
//!   it and recording its end. Reported as transitions per second.
//! - `start`: StartExecution alone (a transaction with the ExecutionStarted event), as
//!   executions started per second.
//!
//! PostgreSQL is the database `ASL_TEST_POSTGRES` names (default: the machine's), in a fresh
//! schema per batch.
//!
//! Run: `cargo bench -p asl-bench --bench durable`.

use asl_engine::{Engine, Location, MachineType, Store};
use criterion::{BenchmarkId, Criterion, Throughput};
use std::time::{Duration, Instant};

#[path = "../common/durable_runs.rs"]
mod durable_runs;
use durable_runs::{run_batch, Backend, Setup};

mod chain100 {
    asl_macro::asl!("workflows/chain100.json");
}
mod tasks100 {
    asl_macro::asl!("workflows/tasks100.json");
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
    fn input(self) -> &'static str {
        match self {
            Workload::Chain100 => r#"{"payload": "x"}"#,
            Workload::Tasks100 => r#"{"i": 1}"#,
        }
    }
}

impl Workload {
    fn run(self, rt: &tokio::runtime::Runtime, setup: Setup, n: u64) -> Duration {
        match self {
            Workload::Chain100 => run_batch::<chain100::Workflow>(rt, setup, self.input(), n),
            Workload::Tasks100 => run_batch::<tasks100::Workflow>(rt, setup, self.input(), n),
        }
    }
}

/// Executions per batch in the comparisons: enough that most of a batch runs with the workers
/// full (64 executions each), as a loaded worker runs, rather than in the ramp up and down of
/// its first and last executions.
const BATCH: u64 = 400;

fn sqlite(machine_type: MachineType) -> Setup {
    Setup { backend: Backend::Sqlite, machine_type, workers: 1, group_commit: true }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    for workload in [Workload::Chain100, Workload::Tasks100] {
        let mut group = c.benchmark_group(format!("durable/{}", workload.name()));
        group.throughput(Throughput::Elements(100)); // state transitions per execution
        group.sample_size(10);
        for (label, t) in [("standard", MachineType::Standard), ("express", MachineType::Express)] {
            group.bench_function(BenchmarkId::from_parameter(label), |b| {
                b.iter_custom(|iters| workload.run(&rt, sqlite(t), iters));
            });
        }
        group.finish();
    }
    let mut group = c.benchmark_group("durable/start");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.bench_function("start-execution", |b| {
        b.iter_custom(|iters| {
            let (engine, _dir) = scratch_engine();
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
    println!("\nStandard (checkpointed) vs Express on the same SQLite store, {BATCH} executions a batch, 3 rounds:");
    for workload in [Workload::Chain100, Workload::Tasks100] {
        let (mut standard, mut express) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..3 {
            standard += workload.run(&rt, sqlite(MachineType::Standard), BATCH);
            express += workload.run(&rt, sqlite(MachineType::Express), BATCH);
        }
        let per_s = |d: Duration| (3 * BATCH) as f64 * 100.0 / d.as_secs_f64();
        println!(
            "  {:<9} standard {:>9.0} transitions/s, express {:>9.0} transitions/s, standard/express time ratio {:.2}",
            workload.name(),
            per_s(standard),
            per_s(express),
            standard.as_secs_f64() / express.as_secs_f64()
        );
    }
    let (engine, _dir) = scratch_engine();
    engine.create_state_machine("m", chain100::DEFINITION, MachineType::Standard, None).unwrap();
    let start = Instant::now();
    for i in 0..2000 {
        engine.start_execution("m", Some(&format!("s{i}")), Some(r#"{"payload": "x"}"#)).unwrap();
    }
    println!("  start-execution: {:.0} executions started per second", 2000.0 / start.elapsed().as_secs_f64());

    // Standard executions on both stores, by several workers, before and after group commit:
    // every setting interleaved in each of 3 rounds, so that they meet the same machine.
    let setups: Vec<Setup> = [false, true]
        .into_iter()
        .flat_map(|group_commit| {
            let on_sqlite = Setup { backend: Backend::Sqlite, machine_type: MachineType::Standard, workers: 1, group_commit };
            let on_postgres = [1, 2, 4].map(|workers| Setup { backend: Backend::Postgres, machine_type: MachineType::Standard, workers, group_commit });
            std::iter::once(on_sqlite).chain(on_postgres)
        })
        .collect();
    println!("\nStandard executions, {BATCH} a batch, 3 rounds, transitions/s (each write alone / group commit):");
    for workload in [Workload::Chain100, Workload::Tasks100] {
        let mut totals = vec![Duration::ZERO; setups.len()];
        for _ in 0..3 {
            for (setup, total) in setups.iter().zip(&mut totals) {
                *total += workload.run(&rt, *setup, BATCH);
            }
        }
        let per_s = |d: Duration| (3 * BATCH) as f64 * 100.0 / d.as_secs_f64();
        let half = setups.len() / 2;
        for (i, setup) in setups[..half].iter().enumerate() {
            let (alone, grouped) = (totals[i], totals[half + i]);
            println!(
                "  {:<9} {:<13} {:>9.0} / {:>9.0}  (group commit: {:.2}x)",
                workload.name(),
                setup.label().replace(" alone", ""),
                per_s(alone),
                per_s(grouped),
                alone.as_secs_f64() / grouped.as_secs_f64()
            );
        }
    }
}

/// An engine on a fresh SQLite file, and its folder (removed when it goes).
fn scratch_engine() -> (Engine, TempDir) {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = TempDir(std::env::temp_dir().join(format!("asl-bench-start-{}-{nanos}", std::process::id())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let store: std::sync::Arc<dyn Store> = Location::File(dir.0.join("store.db")).open(true).unwrap();
    (Engine::new(store), dir)
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// As the worker binaries `asl serve` builds run (see `asl_engine::hosted::Allocator`).
#[global_allocator]
static ALLOCATOR: asl_engine::hosted::Allocator = asl_engine::hosted::Allocator;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
