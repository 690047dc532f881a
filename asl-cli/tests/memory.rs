//! `asl expand` of a definition near AWS's size limit stays within a small multiple of its
//! size: the CI-sized version of `cargo run --release -p asl-bench --example scaling`.
//! Peak memory is the child's maximum resident set (`getrusage(RUSAGE_CHILDREN)`), which is
//! the largest of every child this process has waited for: this file is its own test process,
//! and its one test runs the smaller case first. Debug builds take more memory than release
//! ones (the numbers the README reports): the bounds leave room for that.

use serde_json::json;
use std::process::Command;

const ASL: &str = env!("CARGO_BIN_EXE_asl");

/// The largest resident set, in KiB, of the children waited for so far.
fn children_peak_kib() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let done = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(done, 0, "getrusage");
    usage.ru_maxrss as u64
}

fn expand_peak_kib(definition: &serde_json::Value, dir: &std::path::Path, name: &str) -> (usize, u64) {
    let text = definition.to_string();
    let path = dir.join(name);
    std::fs::write(&path, &text).unwrap();
    let out = Command::new(ASL).arg("expand").arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.len() > text.len(), "the source was written");
    (text.len(), children_peak_kib())
}

#[test]
fn expanding_a_one_megabyte_definition_takes_memory_proportional_to_it() {
    let dir = std::env::temp_dir().join(format!("asl-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 1,900 Task states as workflows write them, then 20,000 bare Pass states (the worst case:
    // 52 bytes a state).
    let mut states = serde_json::Map::new();
    for i in 0..1_900 {
        let mut state = json!({
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": { "FunctionName": format!("arn:aws:lambda:us-east-1:123456789012:function:step{i}"), "Payload": { "order.$": "$.order", "step": i } },
            "ResultSelector": { "body.$": "$.Payload" }, "ResultPath": format!("$.results.s{i}"),
            "Retry": [{ "ErrorEquals": ["Lambda.ServiceException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2 }],
            "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed" }],
        });
        state["Next"] = json!(if i + 1 < 1_900 { format!("Step{}", i + 1) } else { "Failed".to_string() });
        states.insert(format!("Step{i}"), state);
    }
    states.insert("Failed".into(), json!({ "Type": "Fail", "Error": "StepFailed" }));
    let (tasks_bytes, tasks_kib) = expand_peak_kib(&json!({ "StartAt": "Step0", "States": states }), &dir, "tasks.json");
    let passes: serde_json::Map<String, serde_json::Value> = (0..20_000)
        .map(|i| (format!("S{i}"), if i + 1 < 20_000 { json!({ "Type": "Pass", "Next": format!("S{}", i + 1) }) } else { json!({ "Type": "Succeed" }) }))
        .collect();
    let (passes_bytes, passes_kib) = expand_peak_kib(&json!({ "StartAt": "S0", "States": passes }), &dir, "passes.json");
    std::fs::remove_dir_all(&dir).unwrap();
    eprintln!("memory: asl expand of {tasks_bytes} bytes of Task states: {tasks_kib} KiB peak; of {passes_bytes} bytes of Pass states: {passes_kib} KiB");
    assert!(tasks_bytes > 900_000 && passes_bytes > 750_000, "near AWS's limit");
    // Release: 18 MiB and 36 MiB (README). It took 1 GB before expand streamed its output.
    assert!(tasks_kib < 32 * 1024, "{tasks_kib} KiB for {tasks_bytes} bytes");
    assert!(passes_kib < 64 * 1024, "{passes_kib} KiB for {passes_bytes} bytes");
}
