//! Runs one workload `n` times on a shared `Env`, for counting its instructions:
//!
//! ```sh
//! cargo build --release -p asl-bench --example count_instructions
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/count_instructions chain100 0
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/count_instructions chain100 2000
//! ```
//!
//! The difference of the two totals divided by `n` is the workload's cost per execution, a
//! count that code placement and a busy machine do not move (wall-clock time they do: see the
//! README's benchmark section). The inputs are cloned before the runs, in both counts.

use asl_runtime::{Env, Value};

#[path = "../common/compiled.rs"]
mod compiled;
use compiled::{chain100, loop1000, map1000, parallel3, run_on};

/// The input a workload's `.run.json` gives.
fn input(run: &str) -> Value {
    let run: Value = serde_json::from_str(run).expect("the workload's run file is JSON");
    run.get("input").cloned().unwrap_or(Value::Null)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let workload = args.next().unwrap_or_else(|| "chain100".into());
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let run = match workload.as_str() {
        "chain100" => include_str!("../workflows/chain100.run.json"),
        "loop1000" => include_str!("../workflows/loop1000.run.json"),
        "map1000" => include_str!("../workflows/map1000.run.json"),
        "parallel3" => include_str!("../workflows/parallel3.run.json"),
        other => panic!("no workload '{other}': chain100, loop1000, map1000 or parallel3"),
    };
    let input = input(run);
    let inputs: Vec<Value> = (0..n).map(|_| input.clone()).collect();
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("a tokio runtime");
    let env = Env::new(());
    rt.block_on(async {
        for i in inputs {
            let outcome = match workload.as_str() {
                "chain100" => run_on::<chain100::Workflow>(&env, i).await,
                "loop1000" => run_on::<loop1000::Workflow>(&env, i).await,
                "map1000" => run_on::<map1000::Workflow>(&env, i).await,
                _ => run_on::<parallel3::Workflow>(&env, i).await,
            };
            std::hint::black_box(outcome).expect("the workload succeeds");
        }
    });
}
