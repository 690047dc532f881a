//! Tests of the ResultWriter side: record shape, result-file layout, splitting, manifest.

use super::test_support::scratch;
use super::*;
use crate::error::Failure;
use serde_json::{json, Value};
use std::path::Path;

const MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:csvProcess";

fn request(parameters: Value, config: Value) -> WriterRequest {
    WriterRequest {
        resource: "arn:aws:states:::s3:putObject".into(),
        parameters,
        config: WriterConfig::from_json(&config).expect("config"),
        map_run: MapRun::new(MACHINE, "Map", "ad9b5f27"),
    }
}

fn record(index: u64, outcome: IterationOutcome) -> IterationRecord {
    IterationRecord { index, input: json!({"n": index}), outcome, start_date: None, stop_date: None }
}

fn read(path: &Path) -> Value {
    let text = std::fs::read(path).expect("read");
    serde_json::from_slice(&text).expect("json")
}

#[test]
fn map_run_arns_follow_aws_patterns() {
    let run = MapRun::new(MACHINE, "Map", "ad9b5f27");
    assert_eq!(run.arn, "arn:aws:states:us-east-1:123456789012:mapRun:csvProcess/Map:ad9b5f27");
    assert_eq!(run.state_machine_arn, "arn:aws:states:us-east-1:123456789012:stateMachine:csvProcess/Map");
    let local = MapRun::new("wf", "Each", "1");
    assert_eq!(local.arn, "arn:aws:states:local:000000000000:mapRun:wf/Each:1");
}

#[test]
fn records_carry_aws_fields() {
    let run = MapRun::new(MACHINE, "Map", "ad9b5f27");
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    let ok = record(3, IterationOutcome::Succeeded(json!({"r": 1}))).to_json(&run, now);
    let keys: Vec<&str> = ok.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(
        keys,
        [
            "ExecutionArn",
            "Input",
            "InputDetails",
            "Name",
            "Output",
            "OutputDetails",
            "RedriveCount",
            "RedriveStatus",
            "RedriveStatusReason",
            "StartDate",
            "StateMachineArn",
            "Status",
            "StopDate"
        ]
    );
    assert_eq!(ok["ExecutionArn"], json!("arn:aws:states:us-east-1:123456789012:execution:csvProcess/Map:ad9b5f27-3"));
    assert_eq!((&ok["Input"], &ok["Output"]), (&json!("{\"n\":3}"), &json!("{\"r\":1}")), "JSON text, as AWS");
    assert_eq!(ok["InputDetails"], json!({"Included": true}));
    assert_eq!(ok["StartDate"], json!("2023-11-14T22:13:20.000Z"));
    let failed = record(4, IterationOutcome::Failed(Failure::new("Boom", "why"))).to_json(&run, now);
    assert_eq!(
        (&failed["Error"], &failed["Cause"], &failed["Status"]),
        (&json!("Boom"), &json!("why"), &json!("FAILED"))
    );
    assert!(failed.get("Output").is_none());
    let pending = record(5, IterationOutcome::Pending).to_json(&run, now);
    assert_eq!(pending, json!({"Input": "{\"n\":5}", "InputDetails": {"Included": true}, "Status": "PENDING"}));
}

#[test]
fn layout_and_manifest() {
    let root = scratch("writer-layout");
    let sink = LocalResultWriter::new(&root);
    let mut run = sink.open(&request(json!({"Bucket": "out", "Prefix": "jobs"}), Value::Null)).expect("opens");
    run.write(record(0, IterationOutcome::Succeeded(json!(1)))).expect("write");
    run.write(record(1, IterationOutcome::TimedOut(Failure::bare("States.Timeout")))).expect("write");
    run.write(record(2, IterationOutcome::Succeeded(json!(2)))).expect("write");
    let output = run.finish().expect("finish");
    assert_eq!(
        output,
        json!({
            "MapRunArn": "arn:aws:states:us-east-1:123456789012:mapRun:csvProcess/Map:ad9b5f27",
            "ResultWriterDetails": {"Bucket": "out", "Key": "jobs/ad9b5f27/manifest.json"}
        })
    );
    let dir = root.join("out/jobs/ad9b5f27");
    let succeeded = read(&dir.join("SUCCEEDED_0.json"));
    assert_eq!(succeeded.as_array().map(Vec::len), Some(2));
    assert_eq!(read(&dir.join("FAILED_0.json"))[0]["Status"], json!("TIMED_OUT"));
    assert!(!dir.join("PENDING_0.json").exists(), "no file for a kind without entries");
    let size = |name: &str| std::fs::metadata(dir.join(name)).map(|m| m.len()).unwrap_or(0);
    assert_eq!(
        read(&dir.join("manifest.json")),
        json!({
            "DestinationBucket": "out",
            "MapRunArn": "arn:aws:states:us-east-1:123456789012:mapRun:csvProcess/Map:ad9b5f27",
            "ResultFiles": {
                "FAILED": [{"Key": "jobs/ad9b5f27/FAILED_0.json", "Size": size("FAILED_0.json")}],
                "PENDING": [],
                "SUCCEEDED": [{"Key": "jobs/ad9b5f27/SUCCEEDED_0.json", "Size": size("SUCCEEDED_0.json")}]
            }
        })
    );
}

#[test]
fn files_split_past_the_threshold() {
    let root = scratch("writer-split");
    let sink = LocalResultWriter::new(&root).with_max_file_bytes(20);
    let config = json!({"Transformation": "COMPACT"});
    let mut run = sink.open(&request(json!({"Bucket": "out", "Prefix": "p/"}), config)).expect("opens");
    for i in 0..5 {
        run.write(record(i, IterationOutcome::Succeeded(json!("0123456789")))).expect("write");
    }
    let output = run.finish().expect("finish");
    assert_eq!(output["ResultWriterDetails"]["Key"], json!("p/ad9b5f27/manifest.json"));
    let manifest = read(&root.join("out/p/ad9b5f27/manifest.json"));
    let files = manifest["ResultFiles"]["SUCCEEDED"].as_array().cloned().unwrap_or_default();
    assert_eq!(files.len(), 5, "each 12-byte entry fills a 20-byte file: {manifest}");
    for (i, f) in files.iter().enumerate() {
        assert_eq!(f["Key"], json!(format!("p/ad9b5f27/SUCCEEDED_{i}.json")));
        assert_eq!(read(&root.join("out").join(f["Key"].as_str().unwrap_or_default())), json!(["0123456789"]));
        assert_eq!(f["Size"], json!(14));
    }
}

#[test]
fn jsonl_and_flatten() {
    let root = scratch("writer-jsonl");
    let config = json!({"OutputType": "JSONL", "Transformation": "FLATTEN"});
    let mut run = LocalResultWriter::new(&root).open(&request(json!({"Bucket": "out"}), config)).expect("opens");
    run.write(record(0, IterationOutcome::Succeeded(json!([1, 2])))).expect("write");
    run.write(record(1, IterationOutcome::Succeeded(json!({"a": 3})))).expect("write");
    run.write(record(2, IterationOutcome::Failed(Failure::bare("E")))).expect("write");
    let output = run.finish().expect("finish");
    assert_eq!(output["ResultWriterDetails"]["Key"], json!("ad9b5f27/manifest.json"), "no prefix");
    let text = std::fs::read_to_string(root.join("out/ad9b5f27/SUCCEEDED_0.json")).expect("read");
    assert_eq!(text, "1\n2\n{\"a\":3}\n");
    let failed = std::fs::read_to_string(root.join("out/ad9b5f27/FAILED_0.json")).expect("read");
    assert!(failed.starts_with("{\"Error\":\"E\""), "failures keep the full record: {failed}");
}

#[test]
fn bad_requests_are_result_writer_failures() {
    let root = scratch("writer-bad");
    let sink = LocalResultWriter::new(&root);
    for (parameters, config) in [
        (json!({"Prefix": "p"}), Value::Null),
        (json!({"Bucket": "b", "Prefix": "../x"}), Value::Null),
        (json!({"Bucket": "b", "Prefix": 3}), Value::Null),
    ] {
        let err = sink.open(&request(parameters, config)).err().expect("fails");
        assert_eq!(err.error, RESULT_WRITER_FAILED);
    }
    assert_eq!(
        WriterConfig::from_json(&json!({"OutputType": "CSV"})).err().map(|e| e.error),
        Some(RESULT_WRITER_FAILED.to_owned())
    );
    let mut wrong = request(json!({"Bucket": "b"}), Value::Null);
    wrong.resource = "arn:aws:states:::s3:getObject".into();
    assert!(sink.open(&wrong).is_err());
}
