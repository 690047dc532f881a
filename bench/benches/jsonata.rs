//! JSONata evaluations per second on the `jsonata-order` workload (four expressions of the kind
//! JSONata-mode states use, on one ~2 KB order document), ours against jsonata-core, the
//! fastest Rust JSONata engine, in the same run.
//!
//! Each expression reads `$states.input`, so every engine binds `states` to
//! `{"input": document}` (and gets the document as its context too). Measured per evaluation:
//!   - `ours/tree`: the expression as a static tree (what build.rs emitted), walked by
//!     `asl_runtime::jsonata::evaluate`: `serde_json::Value` in, `serde_json::Value` out, as
//!     a workflow state evaluates one;
//!   - `ours/native`: the same call on the expression written as Rust (`Expression::Native`);
//!   - `jsonata-core`: its `Evaluator` on its own value type, the document and binding converted
//!     once and the expression parsed once, outside the timed loop, as its API intends (its
//!     bytecode `Expression` takes no bindings). Its result stays a `JValue`.
//!
//! All engines must give the same result before anything is timed. After criterion, a plain
//! interleaved timing prints evaluations per second and the time ratios.
//!
//! Run: `cargo bench -p asl-bench --bench jsonata` (one expression: `… -- jsonata/filter`).
//! `cargo test -p asl-bench --bench jsonata` runs the agreement check and each benchmark once.

use std::hint::black_box;
use std::time::{Duration, Instant};

use asl_runtime::jsonata::{evaluate, Expression};
use criterion::{Criterion, Throughput};
use jsonata_core::evaluator::{Context, Evaluator};
use jsonata_core::value::JValue;
use serde_json::Value;

#[path = "../common/jsonata_order.rs"]
mod jsonata_order;
use jsonata_order::{Compiled, EXPRESSIONS, WORKLOAD};

/// The document, the `states` binding, and both as jsonata-core's values.
struct Data {
    document: Value,
    states: Value,
    core_document: JValue,
    core_states: JValue,
}

impl Data {
    fn load() -> Data {
        let workload: Value = serde_json::from_str(WORKLOAD).expect("the workload is JSON");
        let document = workload["document"].clone();
        let states = serde_json::json!({ "input": document });
        Data { core_document: JValue::from(document.clone()), core_states: JValue::from(states.clone()), document, states }
    }

    fn ours(&self, expr: Expression) -> Option<Value> {
        evaluate(expr, Some(&self.document), &[("states", &self.states)]).expect("our evaluation succeeds")
    }
}

/// jsonata-core, ready to evaluate one expression: parsed, with `states` bound.
struct Core {
    ast: jsonata_core::ast::AstNode,
    evaluator: Evaluator,
}

impl Core {
    fn new(text: &str, data: &Data) -> Core {
        let ast = jsonata_core::parser::parse(text).unwrap_or_else(|e| panic!("jsonata-core does not parse {text}: {e:?}"));
        let mut context = Context::new();
        context.bind("states".to_owned(), data.core_states.clone());
        Core { ast, evaluator: Evaluator::with_context(context) }
    }

    fn eval(&mut self, data: &Data) -> JValue {
        self.evaluator.evaluate(&self.ast, &data.core_document).expect("jsonata-core's evaluation succeeds")
    }
}

/// JSON equality with numbers compared as numbers, to 1e-12 relative (engines may add in a
/// different order).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || ((x - y) / y).abs() < 1e-12
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

/// Every engine gives the same value for `e`.
fn check(e: &Compiled, data: &Data, core: &mut Core) {
    let tree = data.ours(e.as_tree()).unwrap_or_else(|| panic!("{}: undefined", e.name));
    let native = data.ours(e.as_native());
    assert_eq!(native.as_ref(), Some(&tree), "{}: native code and the tree differ", e.name);
    let theirs = Value::from(&core.eval(data));
    assert!(same(&tree, &theirs), "{}: ours {tree}, jsonata-core {theirs}", e.name);
}

fn bench(c: &mut Criterion, e: &Compiled, data: &Data, core: &mut Core) {
    let mut group = c.benchmark_group(format!("jsonata/{}", e.name));
    // Criterion's "thrpt" is then evaluations per second.
    group.throughput(Throughput::Elements(1));
    group.bench_function("ours/tree", |b| b.iter(|| black_box(data.ours(e.as_tree()))));
    if e.native.is_some() {
        group.bench_function("ours/native", |b| b.iter(|| black_box(data.ours(e.as_native()))));
    }
    group.bench_function("jsonata-core", |b| b.iter(|| black_box(core.eval(data))));
    group.finish();
}

/// An engine under timing: its name and one evaluation.
type Engine<'e> = (&'static str, Box<dyn FnMut() + 'e>);

/// Plain timing, the engines interleaved round by round: mean seconds per evaluation of each.
fn summarize(e: &Compiled, data: &Data, core: &mut Core) {
    // Batches of about 1 ms, 200 rounds of one batch per engine.
    const BATCH: Duration = Duration::from_millis(1);
    const ROUNDS: usize = 200;
    let mut engines: [Engine<'_>; 3] = [
        ("tree", Box::new(|| drop(black_box(data.ours(e.as_tree()))))),
        ("native", Box::new(|| drop(black_box(data.ours(e.as_native()))))),
        ("jsonata-core", Box::new(|| drop(black_box(core.eval(data))))),
    ];
    let time = |f: &mut dyn FnMut(), n: usize| {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        start.elapsed()
    };
    let sizes: Vec<usize> = engines
        .iter_mut()
        .map(|(_, f)| {
            let mut n = 1;
            loop {
                let t = time(f, n);
                if t >= BATCH / 4 {
                    break ((n as f64) * BATCH.as_secs_f64() / t.as_secs_f64()).ceil() as usize;
                }
                n *= 2;
            }
        })
        .collect();
    let mut totals = [Duration::ZERO; 3];
    for _ in 0..ROUNDS {
        for (k, (_, f)) in engines.iter_mut().enumerate() {
            totals[k] += time(f, sizes[k]);
        }
    }
    let mean = |k: usize| totals[k].as_secs_f64() / (sizes[k] * ROUNDS) as f64;
    let rate = |k: usize| 1.0 / mean(k) / 1e3;
    let native = if e.native.is_some() { "native" } else { "tree again (not native)" };
    println!(
        "{:>7}: ours tree {:7.0} k/s, ours {native} {:7.0} k/s, jsonata-core {:7.0} k/s; time ours/jsonata-core: tree {:.2}x, native {:.2}x",
        e.name,
        rate(0),
        rate(1),
        rate(2),
        mean(0) / mean(2),
        mean(1) / mean(2),
    );
}

fn main() {
    let data = Data::load();
    let mut cores: Vec<Core> = EXPRESSIONS.iter().map(|e| Core::new(e.text, &data)).collect();
    for (e, core) in EXPRESSIONS.iter().zip(&mut cores) {
        check(e, &data, core);
    }

    let mut c = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3)).configure_from_args();
    for (e, core) in EXPRESSIONS.iter().zip(&mut cores) {
        bench(&mut c, e, &data, core);
    }
    c.final_summary();

    // As in workloads.rs: no timing in criterion's test mode, `--profile-time` or `--list`.
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    if has("--bench") && !has("--profile-time") && !has("--list") && !has("--test") {
        println!("\nevaluations per second (k/s = thousands), engines interleaved:");
        for (e, core) in EXPRESSIONS.iter().zip(&mut cores) {
            summarize(e, &data, core);
        }
    }
}
