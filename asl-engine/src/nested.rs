//! `arn:aws:states:::states:startExecution` in its four patterns, served by the engine that
//! runs the workflow (the child is an execution of this store, run by its workers):
//! request–response answers `ExecutionArn` and `StartDate`; `.sync` waits for the child's end
//! and answers its description (`Output` as JSON text; `.sync:2` parses it); a child that does
//! not succeed fails the Task with `States.TaskFailed` and that description as the cause;
//! `.waitForTaskToken` starts the child, which is to send the token back.
//!
//! A child started without a `Name` is named after the attempt (its idempotency key), so an
//! attempt made again after a crash finds the child it started rather than starting another.

use crate::engine::{ApiError, Engine};
use asl_aws::{bad_parameters, Pattern, Resource};
use asl_runtime::error::names;
use asl_runtime::{Failure, TaskCall, Value};
use serde_json::{json, Map};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How often a `.sync` Task looks at its child.
const POLL: Duration = Duration::from_millis(200);

/// Whether the engine serves `resource` as a nested execution.
pub fn serves(resource: &str) -> bool {
    matches!(Resource::parse(resource), Resource::Optimized { service: "states", action: "startExecution", .. })
}

/// Starts (and for `.sync`, awaits) the child execution a Task asks for.
pub async fn start_execution(engine: &Engine, call: &TaskCall) -> Result<Value, Failure> {
    let pattern = Resource::parse(call.resource).pattern();
    let Value::Object(params) = &call.input else { return Err(bad_parameters(&call.input, "The parameters must be a JSON object")) };
    let machine = match params.get("StateMachineArn") {
        Some(Value::String(arn)) => arn.as_str(),
        _ => return Err(bad_parameters(&call.input, "The field \"StateMachineArn\" is required")),
    };
    let input = match params.get("Input") {
        None | Some(Value::Null) => "{}".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(json) => json.to_string(),
    };
    let name = match params.get("Name") {
        Some(Value::String(name)) => name.clone(),
        None | Some(Value::Null) => attempt_name(&call.context.idempotency_key),
        Some(_) => return Err(bad_parameters(&call.input, "The field \"Name\" must be a string")),
    };
    let started = match engine.start_execution(machine, Some(&name), Some(&input)) {
        Ok(started) => started,
        // The attempt ran before a crash and its child has ended since: that child is ours.
        Err(e) if e.code == "ExecutionAlreadyExists" => {
            let arn = engine.execution_arn_of(machine, &name).map_err(failure)?;
            let existing = engine.describe_execution(&arn).map_err(failure)?;
            if existing["input"].as_str() != Some(input.as_str()) {
                return Err(failure(e));
            }
            json!({ "executionArn": existing["executionArn"], "startDate": existing["startDate"] })
        }
        Err(e) => return Err(failure(e)),
    };
    let arn = started["executionArn"].as_str().unwrap_or_default().to_owned();
    if !matches!(pattern, Pattern::Sync | Pattern::Sync2) {
        return Ok(json!({ "ExecutionArn": arn, "StartDate": millis(&started["startDate"]) }));
    }
    loop {
        let described = engine.describe_execution(&arn).map_err(failure)?;
        match described["status"].as_str() {
            Some("RUNNING") | Some("PENDING_REDRIVE") => tokio::time::sleep(POLL).await,
            Some(status) => {
                let answer = description(&described, pattern == Pattern::Sync2);
                return match status {
                    "SUCCEEDED" => Ok(answer),
                    _ => Err(Failure::new(names::TASK_FAILED, answer.to_string())),
                };
            }
            None => return Err(Failure::new(names::RUNTIME, format!("the child execution {arn} has no status"))),
        }
    }
}

/// DescribeExecution as the `.sync` integrations answer it: PascalCase members, dates in
/// epoch milliseconds, `Output` as text (parsed for `.sync:2`).
fn description(described: &Value, parse_output: bool) -> Value {
    let mut out = Map::new();
    for (from, to) in [("executionArn", "ExecutionArn"), ("input", "Input"), ("name", "Name"), ("output", "Output"), ("stateMachineArn", "StateMachineArn"), ("status", "Status"), ("error", "Error"), ("cause", "Cause")] {
        if let Some(v) = described.get(from) {
            let v = match (to, parse_output) {
                ("Output", true) => v.as_str().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_else(|| v.clone()),
                _ => v.clone(),
            };
            out.insert(to.into(), v);
        }
    }
    out.insert("InputDetails".into(), json!({ "Included": true }));
    if out.contains_key("Output") {
        out.insert("OutputDetails".into(), json!({ "Included": true }));
    }
    for (from, to) in [("startDate", "StartDate"), ("stopDate", "StopDate")] {
        if let Some(v) = described.get(from) {
            out.insert(to.into(), millis(v));
        }
    }
    Value::Object(out)
}

/// An RFC 3339 date of the engine's answers as epoch milliseconds.
fn millis(date: &Value) -> Value {
    date.as_str().and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok()).map_or(Value::Null, |d| d.timestamp_millis().into())
}

/// A child's name drawn from the attempt: 36 characters of its hash, as an execution name.
fn attempt_name(idempotency_key: &str) -> String {
    let hash = Sha256::digest(idempotency_key.as_bytes());
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// An engine error as the optimized integration names it (AWS SDK for Java 1.x's classes).
fn failure(e: ApiError) -> Failure {
    let class = if e.code.ends_with("Exception") { e.code.to_owned() } else { format!("{}Exception", e.code) };
    Failure::new(format!("StepFunctions.{class}"), format!("{} (Service: AWSStepFunctions; Status Code: 400; Error Code: {}; Request ID: null; Proxy: null)", e.message, e.code))
}
