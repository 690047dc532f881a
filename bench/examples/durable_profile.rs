//! tasks100 Standard by one worker, for perf: `cargo run --release -p asl-bench --example
//! durable_profile -- [executions] [rounds]`, on SQLite (`ASL_PROFILE_STORE=postgres`: on
//! PostgreSQL); prints transitions/s per round and the process's I/O counters. Not run by
//! `cargo test`.

use asl_engine::MachineType;

/// As the worker binaries `asl serve` builds run (see `asl_engine::hosted::Allocator`).
#[global_allocator]
static ALLOCATOR: asl_engine::hosted::Allocator = asl_engine::hosted::Allocator;

#[path = "../common/durable_runs.rs"]
mod durable_runs;
use durable_runs::{run_batch, Backend, Setup};

mod tasks100 {
    asl_macro::asl!("workflows/tasks100.json");
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map_or(200, |a| a.parse().unwrap());
    let rounds: u32 = args.next().map_or(3, |a| a.parse().unwrap());
    let backend = match std::env::var("ASL_PROFILE_STORE").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let setup = Setup {
        backend,
        machine_type: MachineType::Standard,
        workers: 1,
        group_commit: true,
    };
    for _ in 0..rounds {
        let d = run_batch::<tasks100::Workflow>(&rt, setup, r#"{"i": 1}"#, n);
        println!("{:>9.0} transitions/s", n as f64 * 100.0 / d.as_secs_f64());
    }
    if let Ok(io) = std::fs::read_to_string("/proc/self/io") { println!("{io}"); }
}
