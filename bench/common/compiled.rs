//! The benchmark workloads compiled with `asl!`, and one execution of any of them on a shared
//! `Env`: what `benches/workloads.rs` times and `examples/count_instructions.rs` counts.

use asl_runtime::{Env, Machine, Outcome, Value};

pub mod chain100 {
    asl_macro::asl!("workflows/chain100.json");
}
pub mod loop1000 {
    asl_macro::asl!("workflows/loop1000.json");
}
pub mod map1000 {
    asl_macro::asl!("workflows/map1000.json");
}
pub mod parallel3 {
    asl_macro::asl!("workflows/parallel3.json");
}

/// One execution of `M` on `env`, with a fixed name: the engine's cost per execution without
/// making an `Env`.
pub async fn run_on<M: Machine>(env: &Env<()>, input: Value) -> Outcome {
    let mut exec = asl_runtime::start::<M, _>("bench", input, &env.clock);
    asl_runtime::run::<M, _, _>(&mut exec, env).await
}
