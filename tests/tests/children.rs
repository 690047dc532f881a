//! Parallel branches and Map iterations as concurrent child executions, on tokio's paused
//! clock: MaxConcurrency bounds the iterations in flight, results keep item order, and a
//! failing branch stops the others (their Task futures are dropped, not run to completion).

use asl_runtime::{Env, Failure, TaskCall, TaskHandler, TokioClock, Value};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

mod map_concurrency { asl_macro::asl!("workflows/map_concurrency.json"); }
mod parallel_cancel { asl_macro::asl!("workflows/parallel_cancel.json"); }

/// Sleeps a time that depends on the item (so iterations finish out of order) and records how
/// many calls are in flight.
#[derive(Default)]
struct Tracked {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

impl TaskHandler for Tracked {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let value = call.input["value"].as_u64().unwrap_or(0);
        tokio::time::sleep(Duration::from_secs(10 - value)).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(json!({ "doubled": value * 2, "index": call.input["index"], "batch": call.input["batch"] }))
    }
}

#[tokio::test(start_paused = true)]
async fn map_never_runs_more_than_max_concurrency_iterations_and_keeps_item_order() {
    let env = Env::with_clock(Tracked::default(), TokioClock::new());
    let items: Vec<u64> = (0..10).collect();
    let mut exec = asl_runtime::start::<map_concurrency::Workflow, _>("map", json!({ "items": items, "batch": "b7" }), &env.clock);
    let output = asl_runtime::run::<map_concurrency::Workflow, _, _>(&mut exec, &env).await.unwrap();
    assert_eq!(env.tasks.peak.load(Ordering::SeqCst), 3, "MaxConcurrency 3 is reached and never exceeded");
    let results = output["results"].as_array().unwrap();
    let expected: Vec<Value> = (0..10u64).map(|i| json!({ "doubled": i * 2, "index": i, "batch": "b7" })).collect();
    assert_eq!(results, &expected, "results in item order, ItemSelector saw $$.Map.Item and the Map's input");
}

#[tokio::test(start_paused = true)]
async fn map_over_a_non_array_is_a_runtime_error() {
    let failure = map_concurrency::run(json!({ "items": { "a": 1 } }), Tracked::default()).await.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert!(failure.cause.unwrap().ends_with("Map state input must be an array but was: {\"a\":1}"));
}

/// Quick fails after 1 s; Slow would answer after an hour, and notes whether it finished or
/// was dropped.
#[derive(Default)]
struct OneFails {
    slow_finished: AtomicBool,
    slow_dropped: AtomicBool,
}

struct DropFlag<'a>(&'a AtomicBool);

impl Drop for DropFlag<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl TaskHandler for OneFails {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        if call.state == "Quick" {
            tokio::time::sleep(Duration::from_secs(1)).await;
            return Err(Failure::new("BranchBroke", "quick branch failed"));
        }
        let _guard = DropFlag(&self.slow_dropped);
        tokio::time::sleep(Duration::from_secs(3600)).await;
        self.slow_finished.store(true, Ordering::SeqCst);
        Ok(json!("slow done"))
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_branch_stops_the_others() {
    let env = Env::with_clock(OneFails::default(), TokioClock::new());
    let started = tokio::time::Instant::now();
    let mut exec = asl_runtime::start::<parallel_cancel::Workflow, _>("p", json!({ "n": 1 }), &env.clock);
    let output = asl_runtime::run::<parallel_cancel::Workflow, _, _>(&mut exec, &env).await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(1), "the state ends when the first branch fails");
    assert!(env.tasks.slow_dropped.load(Ordering::SeqCst), "the other branch's task was cancelled");
    assert!(!env.tasks.slow_finished.load(Ordering::SeqCst), "and did not run to completion");
    // The branch's own error reaches the Parallel state's Catcher.
    assert_eq!(output, json!({ "n": 1, "error": { "Error": "BranchBroke", "Cause": "quick branch failed" } }));
}

/// Records the idempotency key of every call.
#[derive(Default)]
struct Keys(std::sync::Mutex<Vec<String>>);

impl TaskHandler for Keys {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        self.0.lock().unwrap().push(call.context.idempotency_key.clone());
        Ok(json!({}))
    }
}

#[tokio::test(start_paused = true)]
async fn every_iteration_gets_its_own_idempotency_key() {
    let env = Env::with_clock(Keys::default(), TokioClock::new());
    let mut exec = asl_runtime::start::<map_concurrency::Workflow, _>("keys", json!({ "items": [1, 2, 3, 4], "batch": 0 }), &env.clock);
    asl_runtime::run::<map_concurrency::Workflow, _, _>(&mut exec, &env).await.unwrap();
    let mut keys = env.tasks.0.lock().unwrap().clone();
    assert_eq!(keys.len(), 4);
    assert!(keys.iter().all(|k| k.contains("/Each@")), "{keys:?}");
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 4, "distinct keys");
}

mod distributed_jsonl { asl_macro::asl!("workflows/distributed_jsonl.json"); }
mod distributed_jsonl_jsonata { asl_macro::asl!("workflows/distributed_jsonl_jsonata.json"); }

/// A bucket directory holding eight JSON Lines orders, for one test.
fn orders_bucket(test: &str) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("asl-distributed-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("b1")).unwrap();
    let lines: String = (0..8).map(|i| format!("{{\"order\": {i}}}\n")).collect();
    std::fs::write(root.join("b1/orders.jsonl"), lines).unwrap();
    root
}

/// MaxItems 5 → batches of 2, 2, 1, each counted by an iteration; the output points at the
/// manifest the ResultWriter wrote, which lists them.
fn assert_batches_written(root: &std::path::Path, output: &Value) {
    let key = output["ResultWriterDetails"]["Key"].as_str().unwrap().to_string();
    assert_eq!(output["ResultWriterDetails"]["Bucket"], json!("b1"));
    assert!(key.starts_with("runs/") && key.ends_with("/manifest.json"), "{key}");
    assert!(output["MapRunArn"].as_str().unwrap().contains(":mapRun:"), "{output}");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(root.join("b1").join(&key)).unwrap()).unwrap();
    let succeeded = manifest["ResultFiles"]["SUCCEEDED"].as_array().unwrap();
    let file = succeeded[0]["Key"].as_str().unwrap();
    let records: Value = serde_json::from_str(&std::fs::read_to_string(root.join("b1").join(file)).unwrap()).unwrap();
    let mut counts: Vec<Value> = records.as_array().unwrap().iter().map(|r| serde_json::from_str::<Value>(r["Output"].as_str().unwrap()).unwrap()).collect();
    counts.sort_by_key(|v| v["n"].as_u64());
    assert_eq!(counts, vec![json!({"n": 1, "of": "b1"}), json!({"n": 2, "of": "b1"}), json!({"n": 2, "of": "b1"})]);
}

#[tokio::test(start_paused = true)]
async fn a_distributed_map_reads_batches_and_writes_results_in_aws_layout() {
    let root = orders_bucket("jsonpath");
    let env = Env::with_clock((), TokioClock::new())
        .with_items(asl_runtime::items::LocalFiles::new(&root), asl_runtime::items::LocalResultWriter::new(&root));
    let mut exec = asl_runtime::start::<distributed_jsonl::Workflow, _>("d", json!({ "bucket": "b1" }), &env.clock);
    let output = asl_runtime::run::<distributed_jsonl::Workflow, _, _>(&mut exec, &env).await.unwrap();
    assert_batches_written(&root, &output);
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test(start_paused = true)]
async fn a_jsonata_distributed_map_evaluates_its_reader_batcher_writer_and_tolerances() {
    let root = orders_bucket("jsonata");
    let env = Env::with_clock((), TokioClock::new())
        .with_items(asl_runtime::items::LocalFiles::new(&root), asl_runtime::items::LocalResultWriter::new(&root));
    let mut exec = asl_runtime::start::<distributed_jsonl_jsonata::Workflow, _>("d", json!({ "bucket": "b1", "max": 5 }), &env.clock);
    let output = asl_runtime::run::<distributed_jsonl_jsonata::Workflow, _, _>(&mut exec, &env).await.unwrap();
    assert_batches_written(&root, &output);
    // A setting that evaluates to no whole number fails the Map with AWS's error.
    let mut exec = asl_runtime::start::<distributed_jsonl_jsonata::Workflow, _>("d", json!({ "bucket": "b1", "max": 5.5 }), &env.clock);
    let failure = asl_runtime::run::<distributed_jsonl_jsonata::Workflow, _, _>(&mut exec, &env).await.unwrap_err();
    assert_eq!(failure.error, "States.Runtime", "{failure:?}");
    let _ = std::fs::remove_dir_all(&root);
}

mod map_fail_order { asl_macro::asl!("workflows/map_fail_order.json"); }
mod batch_from_input { asl_macro::asl!("workflows/batch_from_input.json"); }

#[tokio::test(start_paused = true)]
async fn the_first_iteration_to_fail_in_time_fails_the_map() {
    let started = tokio::time::Instant::now();
    let input = json!([{ "w": 10, "e": "Late" }, { "w": 0, "e": "Early" }]);
    let failure = map_fail_order::run(input, ()).await.unwrap_err();
    assert_eq!(failure.error, "Early");
    assert_eq!(started.elapsed(), Duration::ZERO, "the slow iteration is not waited for");
}

#[tokio::test(start_paused = true)]
async fn items_from_the_input_are_batched_too() {
    let output = batch_from_input::run(json!({ "items": [1, 2, 3, 4, 5] }), ()).await.unwrap();
    assert_eq!(
        output,
        json!([
            { "BatchInput": { "tag": "t" }, "Items": [1, 2] },
            { "BatchInput": { "tag": "t" }, "Items": [3, 4] },
            { "BatchInput": { "tag": "t" }, "Items": [5] }
        ])
    );
}
