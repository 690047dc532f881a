//! Compiled workflows against the same logic written by hand, on the shared benchmark workloads
//! (`shared/workloads/{chain100,loop1000}.json`, extracted into `bench/workflows/` by build.rs).
//!
//! For each workload, criterion measures one execution of:
//!   - `compiled/run`: the generated `run(input, ())`, the public entry point (it also makes an
//!     `Env`, seeding its random source, and a UUID execution name);
//!   - `compiled/shared-env`: `asl_runtime::start` + `asl_runtime::run` on one `Env` made up
//!     front, with a fixed execution name: the engine's cost per execution without the setup;
//!   - `hand-written`: the same logic in plain Rust over `serde_json::Value`.
//!
//! After criterion, a plain `Instant` timing runs the three variants interleaved in the same
//! process and prints state transitions per second (the workload's `states_entered` divided by
//! the mean time of one execution) and the time ratio compiled / hand-written.
//!
//! Run: `cargo bench -p asl-bench` (filter criterion with `cargo bench -p asl-bench -- chain100`).

use asl_runtime::{Env, Machine, Outcome};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput};
use serde_json::{Map, Value};
use futures_util::StreamExt;
use std::future::Future;
use std::hint::black_box;
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

#[path = "../common/compiled.rs"]
mod compiled;
use compiled::{chain100, loop1000, map1000, parallel3, run_on};

/// The workloads' logic written by hand, as one would without the compiler.
mod hand {
    use super::*;

    /// A state enum and a `match` loop: each of the 100 Pass states hands its input on
    /// unchanged to the next one; the last one (End) returns it.
    macro_rules! pass_chain {
        ($($from:ident -> $to:ident,)* ; end $last:ident) => {
            #[derive(Debug, Clone, Copy)]
            enum Chain { $($from,)* $last }

            pub fn chain100(input: Value) -> Value {
                let mut state = Chain::S0;
                let value = input;
                loop {
                    state = match state {
                        $(Chain::$from => Chain::$to,)*
                        Chain::$last => return value,
                    };
                }
            }
        };
    }

    pass_chain! {
        S0 -> S1, S1 -> S2, S2 -> S3, S3 -> S4, S4 -> S5, S5 -> S6, S6 -> S7, S7 -> S8, S8 -> S9,
        S9 -> S10, S10 -> S11, S11 -> S12, S12 -> S13, S13 -> S14, S14 -> S15, S15 -> S16,
        S16 -> S17, S17 -> S18, S18 -> S19, S19 -> S20, S20 -> S21, S21 -> S22, S22 -> S23,
        S23 -> S24, S24 -> S25, S25 -> S26, S26 -> S27, S27 -> S28, S28 -> S29, S29 -> S30,
        S30 -> S31, S31 -> S32, S32 -> S33, S33 -> S34, S34 -> S35, S35 -> S36, S36 -> S37,
        S37 -> S38, S38 -> S39, S39 -> S40, S40 -> S41, S41 -> S42, S42 -> S43, S43 -> S44,
        S44 -> S45, S45 -> S46, S46 -> S47, S47 -> S48, S48 -> S49, S49 -> S50, S50 -> S51,
        S51 -> S52, S52 -> S53, S53 -> S54, S54 -> S55, S55 -> S56, S56 -> S57, S57 -> S58,
        S58 -> S59, S59 -> S60, S60 -> S61, S61 -> S62, S62 -> S63, S63 -> S64, S64 -> S65,
        S65 -> S66, S66 -> S67, S67 -> S68, S68 -> S69, S69 -> S70, S70 -> S71, S71 -> S72,
        S72 -> S73, S73 -> S74, S74 -> S75, S75 -> S76, S76 -> S77, S77 -> S78, S78 -> S79,
        S79 -> S80, S80 -> S81, S81 -> S82, S82 -> S83, S83 -> S84, S84 -> S85, S85 -> S86,
        S86 -> S87, S87 -> S88, S88 -> S89, S89 -> S90, S90 -> S91, S91 -> S92, S92 -> S93,
        S93 -> S94, S94 -> S95, S95 -> S96, S96 -> S97, S97 -> S98, S98 -> S99,
        ; end S99
    }

    /// `Inc` (Pass, Parameters `{"i.$": "States.MathAdd($.i, 1)"}`: a fresh object each time)
    /// then `Check` (`$.i < 1000` → Inc, else Done).
    pub fn loop1000(input: Value) -> Result<Value, &'static str> {
        let mut value = input;
        loop {
            let i = value.get("i").ok_or("$.i not found")?;
            let next = math_add_int(i)? + 1;
            let mut fresh = Map::with_capacity(1);
            fresh.insert("i".to_owned(), Value::from(next));
            value = Value::Object(fresh);
            match value["i"].as_f64() {
                Some(i) if i < 1000.0 => continue,
                _ => return Ok(value),
            }
        }
    }

    /// map1000: an inline Map whose processor is one Pass state: each item, run concurrently
    /// as tokio code would (at most 40 at once, AWS's inline limit), results in item order.
    pub async fn map1000(input: Value) -> Value {
        let items = match input.get("items") {
            Some(Value::Array(items)) => items.clone(),
            _ => return Value::Null,
        };
        let results: Vec<Value> =
            futures_util::stream::iter(items.into_iter().map(|item| async move { item })).buffered(40).collect().await;
        Value::Array(results)
    }

    /// parallel3: three branches, each building `{"branch": i, "payload": $.payload}`, joined.
    pub async fn parallel3(input: Value) -> Value {
        let branch = |i: u64| {
            let payload = input.get("payload").cloned().unwrap_or(Value::Null);
            async move {
                let mut m = Map::with_capacity(2);
                m.insert("branch".to_owned(), Value::from(i));
                m.insert("payload".to_owned(), payload);
                Value::Object(m)
            }
        };
        let (a, b, c) = tokio::join!(branch(0), branch(1), branch(2));
        Value::Array(vec![a, b, c])
    }

    /// A MathAdd operand: an integer, or a number rounded as Java's `Math.round` does, within
    /// Java's `int` range.
    fn math_add_int(v: &Value) -> Result<i64, &'static str> {
        let n = match v.as_i64() {
            Some(n) => n,
            None => v.as_f64().and_then(asl_runtime::intrinsics::java_round).ok_or("not an integer")?,
        };
        if (i64::from(i32::MIN)..=i64::from(i32::MAX)).contains(&n) {
            Ok(n)
        } else {
            Err("out of int range")
        }
    }
}

/// One workload's run file, written by build.rs next to the definition.
struct Workload {
    name: &'static str,
    input: Value,
    states_entered: u64,
}

impl Workload {
    fn load(name: &'static str, run_json: &str) -> Self {
        let run: Value = serde_json::from_str(run_json).expect("run file is JSON");
        let states_entered = run["states_entered"].as_u64().expect("states_entered is a count");
        Workload { name, input: run["input"].clone(), states_entered }
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread().build().expect("tokio runtime")
}


/// The three variants of one workload, run once each by criterion and by the summary timing.
struct Variants<R, S, H> {
    run: R,
    shared: S,
    hand: H,
}

fn bench_workload<R, RF, S, SF, H, HF>(c: &mut Criterion, rt: &Runtime, w: &Workload, v: &Variants<R, S, H>)
where
    R: Fn(Value) -> RF,
    RF: Future<Output = Outcome>,
    S: Fn(Value) -> SF,
    SF: Future<Output = Outcome>,
    H: Fn(Value) -> HF,
    HF: Future<Output = Value>,
{
    let mut group = c.benchmark_group(w.name);
    // Criterion's "thrpt" is then state transitions per second.
    group.throughput(Throughput::Elements(w.states_entered));
    let input = || w.input.clone();
    group.bench_function(BenchmarkId::new("compiled", "run"), |b| {
        b.to_async(rt).iter_batched(input, |i| async { black_box((v.run)(i).await) }, BatchSize::SmallInput)
    });
    group.bench_function(BenchmarkId::new("compiled", "shared-env"), |b| {
        b.to_async(rt).iter_batched(input, |i| async { black_box((v.shared)(i).await) }, BatchSize::SmallInput)
    });
    group.bench_function("hand-written", |b| {
        b.to_async(rt).iter_batched(input, |i| async { black_box((v.hand)(i).await) }, BatchSize::SmallInput)
    });
    group.finish();
}

/// What one execution of a variant gives: the output (a compiled run must have succeeded).
trait IntoOutput {
    fn into_output(self) -> Value;
}

impl IntoOutput for Value {
    fn into_output(self) -> Value {
        self
    }
}

impl IntoOutput for Outcome {
    fn into_output(self) -> Value {
        self.expect("workflow succeeds")
    }
}

/// Times `f` over `inputs` inside one `block_on`, keeping the outputs for dropping later. All
/// variants, hand-written ones included, are timed this same way.
fn async_batch<F, Fut>(rt: &Runtime, f: &F, inputs: Vec<Value>, outputs: &mut Vec<Value>) -> Duration
where
    F: Fn(Value) -> Fut,
    Fut: Future,
    Fut::Output: IntoOutput,
{
    rt.block_on(async {
        let start = Instant::now();
        for i in inputs {
            outputs.push(black_box(f(i).await.into_output()));
        }
        start.elapsed()
    })
}

/// Plain timing, the variants interleaved round by round: mean time of one execution of each.
fn summarize<R, RF, S, SF, H, HF>(rt: &Runtime, w: &Workload, v: &Variants<R, S, H>)
where
    R: Fn(Value) -> RF,
    RF: Future<Output = Outcome>,
    S: Fn(Value) -> SF,
    SF: Future<Output = Outcome>,
    H: Fn(Value) -> HF,
    HF: Future<Output = Value>,
{
    // Each timed batch runs `n` executions on inputs cloned beforehand; outputs are dropped
    // after the clock stops (as criterion's `iter_batched` does).
    type Batch<'a> = &'a dyn Fn(Vec<Value>, &mut Vec<Value>) -> Duration;
    let time_batch = |n: usize, f: Batch| {
        let mut outputs = Vec::with_capacity(n);
        f(vec![w.input.clone(); n], &mut outputs)
    };
    let run_batch = |inputs: Vec<Value>, outputs: &mut Vec<Value>| async_batch(rt, &v.run, inputs, outputs);
    let shared_batch = |inputs: Vec<Value>, outputs: &mut Vec<Value>| async_batch(rt, &v.shared, inputs, outputs);
    let hand_batch = |inputs: Vec<Value>, outputs: &mut Vec<Value>| async_batch(rt, &v.hand, inputs, outputs);
    let variants: [Batch; 3] = [&run_batch, &shared_batch, &hand_batch];

    // A batch size per variant (about 1 ms, at most 4096 executions so the inputs stay in
    // cache), then 200 rounds, each running one batch of every variant in turn.
    const BATCH: Duration = Duration::from_millis(1);
    const MAX_BATCH: usize = 4096;
    const ROUNDS: usize = 200;
    let sizes: Vec<usize> = variants
        .iter()
        .map(|f| {
            let mut n = 1;
            loop {
                let t = time_batch(n, *f);
                if t >= BATCH / 4 || n >= MAX_BATCH {
                    let fit = (n as f64) * BATCH.as_secs_f64() / t.as_secs_f64().max(1e-9);
                    break (fit.ceil() as usize).clamp(1, MAX_BATCH);
                }
                n *= 2;
            }
        })
        .collect();
    let mut totals = [Duration::ZERO; 3];
    let mut counts = [0usize; 3];
    for _ in 0..ROUNDS {
        for (k, f) in variants.iter().enumerate() {
            totals[k] += time_batch(sizes[k], *f);
            counts[k] += sizes[k];
        }
    }
    let mean = |k: usize| totals[k].as_secs_f64() / counts[k] as f64;
    let rate = |k: usize| w.states_entered as f64 / mean(k) / 1e6;
    let (run, shared, hand) = (0, 1, 2);
    println!(
        "{}: compiled {:.1} M transitions/s, hand-written {:.1} M transitions/s, ratio {:.2}x",
        w.name,
        rate(run),
        rate(hand),
        mean(run) / mean(hand)
    );
    println!(
        "{}: compiled (shared Env) {:.1} M transitions/s, ratio {:.2}x  [per execution: run {:.2} µs, shared Env {:.2} µs, hand-written {:.2} µs]",
        w.name,
        rate(shared),
        mean(shared) / mean(hand),
        mean(run) * 1e6,
        mean(shared) * 1e6,
        mean(hand) * 1e6
    );
}

/// The compiled workflow and the hand-written version agree, and the compiled one enters the
/// number of states the workload says (reported, not enforced).
fn check<M: Machine>(rt: &Runtime, w: &Workload, hand: Value) {
    let env = Env::new(());
    let mut exec = asl_runtime::start::<M, _>("check", w.input.clone(), &env.clock);
    let mut entered = 0u64;
    let out = rt
        .block_on(asl_runtime::run_observed::<M, _, _>(&mut exec, &env, |_| entered += 1))
        .unwrap_or_else(|f| panic!("{}: the compiled workflow failed: {f:?}", w.name));
    assert_eq!(out, hand, "{}: compiled and hand-written outputs differ", w.name);
    if entered != w.states_entered {
        eprintln!("note: {}: the compiled workflow entered {entered} states; the workload says {}", w.name, w.states_entered);
    }
}

fn main() {
    let chain = Workload::load("chain100", include_str!("../workflows/chain100.run.json"));
    let looped = Workload::load("loop1000", include_str!("../workflows/loop1000.run.json"));
    let mapped = Workload::load("map1000", include_str!("../workflows/map1000.run.json"));
    let fanned = Workload::load("parallel3", include_str!("../workflows/parallel3.run.json"));
    let rt = runtime();
    let env = rt.block_on(async { Env::new(()) });

    check::<chain100::Workflow>(&rt, &chain, hand::chain100(chain.input.clone()));
    check::<loop1000::Workflow>(&rt, &looped, hand::loop1000(looped.input.clone()).expect("hand-written loop1000"));
    check::<map1000::Workflow>(&rt, &mapped, rt.block_on(hand::map1000(mapped.input.clone())));
    check::<parallel3::Workflow>(&rt, &fanned, rt.block_on(hand::parallel3(fanned.input.clone())));

    let chain_v = Variants {
        run: |i| chain100::run(i, ()),
        shared: |i| run_on::<chain100::Workflow>(&env, i),
        hand: |i| std::future::ready(hand::chain100(i)),
    };
    let loop_v = Variants {
        run: |i| loop1000::run(i, ()),
        shared: |i| run_on::<loop1000::Workflow>(&env, i),
        hand: |i| std::future::ready(hand::loop1000(i).expect("hand-written loop1000 succeeds")),
    };
    let map_v = Variants {
        run: |i| map1000::run(i, ()),
        shared: |i| run_on::<map1000::Workflow>(&env, i),
        hand: hand::map1000,
    };
    let parallel_v = Variants {
        run: |i| parallel3::run(i, ()),
        shared: |i| run_on::<parallel3::Workflow>(&env, i),
        hand: hand::parallel3,
    };

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    bench_workload(&mut c, &rt, &chain, &chain_v);
    bench_workload(&mut c, &rt, &looped, &loop_v);
    bench_workload(&mut c, &rt, &mapped, &map_v);
    bench_workload(&mut c, &rt, &fanned, &parallel_v);
    c.final_summary();

    // `cargo test --benches` runs this binary without `--bench` (criterion's test mode, each
    // benchmark once), and `--profile-time`/`--list` are not measurements: no timing then.
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    if has("--bench") && !has("--profile-time") && !has("--list") && !has("--test") {
        println!();
        summarize(&rt, &chain, &chain_v);
        summarize(&rt, &looped, &loop_v);
        summarize(&rt, &mapped, &map_v);
        summarize(&rt, &fanned, &parallel_v);
    }
}
