//! Execution history in AWS's shape: the events GetExecutionHistory returns, with ids and
//! previousEventIds numbered as AWS numbers them. Recorded only when asked for (a durable
//! engine asks; a plain in-memory run counts events without building them).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// One history event: `{"timestamp", "type", "id", "previousEventId", "<kind>EventDetails"}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HistoryEvent {
    pub timestamp: DateTime<Utc>,
    /// `TaskStateEntered`, `MapIterationStarted`, …
    #[serde(rename = "type")]
    pub kind: String,
    pub id: u64,
    #[serde(rename = "previousEventId")]
    pub previous_event_id: u64,
    /// The details object, under its AWS key (`stateEnteredEventDetails`, …), if the event
    /// type has one.
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl HistoryEvent {
    pub fn new(timestamp: DateTime<Utc>, kind: impl Into<String>, id: u64, previous_event_id: u64) -> Self {
        HistoryEvent { timestamp, kind: kind.into(), id, previous_event_id, details: Map::new() }
    }

    /// Adds the details object under `key`.
    pub fn with(mut self, key: &str, details: Value) -> Self {
        self.details.insert(key.to_string(), details);
        self
    }

    /// The event as AWS's API returns it (timestamps in RFC 3339 with milliseconds).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("timestamp".into(), self.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true).into());
        m.insert("type".into(), self.kind.clone().into());
        m.insert("id".into(), self.id.into());
        m.insert("previousEventId".into(), self.previous_event_id.into());
        for (k, v) in &self.details {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    /// The event as JSON text: [`to_json`](Self::to_json)'s event, written without building
    /// its tree first (a durable run writes every event it records).
    pub fn to_json_text(&self) -> String {
        #[derive(serde::Serialize)]
        struct Text<'a> {
            timestamp: String,
            #[serde(rename = "type")]
            kind: &'a str,
            id: u64,
            #[serde(rename = "previousEventId")]
            previous_event_id: u64,
            #[serde(flatten)]
            details: &'a Map<String, Value>,
        }
        let text = Text {
            timestamp: self.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
            kind: &self.kind,
            id: self.id,
            previous_event_id: self.previous_event_id,
            details: &self.details,
        };
        // JSON values with string keys always serialize; the tree is the fallback regardless.
        serde_json::to_string(&text).unwrap_or_else(|_| self.to_json().to_string())
    }
}

/// The previousEventId of a `kind` event that follows `last` (the last of `history`). AWS
/// links most events to the one before; these exceptions are what its recorded histories show.
///
/// (After a distributed Map, AWS's recordings disagree: most link MapStateExited to
/// MapRunSucceeded, as here; a few link it to MapRunStarted.)
pub fn previous_event(last: &HistoryEvent, kind: &str) -> u64 {
    match (last.kind.as_str(), kind) {
        ("MapIterationSucceeded", "MapIterationStarted") => last.previous_event_id,
        ("MapIterationFailed", "MapStateFailed" | "MapStateStarted") => last.previous_event_id,
        // A JSONata Map whose input is not an array (recorded four times).
        ("MapStateEntered", "EvaluationFailed") => last.previous_event_id,
        ("MapStateSucceeded" | "ParallelStateSucceeded", k) if k.ends_with("StateExited") => last.previous_event_id,
        _ if last.id == 1 => 0,
        _ => last.id,
    }
}

/// AWS gives payloads in event details as JSON text, with `{"truncated": false}` beside them.
pub fn payload(details: &mut Map<String, Value>, key: &str, value: &Value) {
    details.insert(key.to_string(), crate::payload::compact(value).into());
    details.insert(format!("{key}Details"), serde_json::json!({ "truncated": false }));
}

/// `stateEnteredEventDetails`.
pub fn state_entered(name: &str, input: &Value) -> Value {
    let mut d = Map::new();
    d.insert("name".into(), name.into());
    payload(&mut d, "input", input);
    Value::Object(d)
}

/// `stateExitedEventDetails`.
pub fn state_exited(name: &str, output: &Value) -> Value {
    let mut d = Map::new();
    d.insert("name".into(), name.into());
    payload(&mut d, "output", output);
    Value::Object(d)
}

/// The variables a state assigned, in its `stateExitedEventDetails`: each value as JSON text
/// (`{"answer": "42", "q": "\"text\""}`), with `{"truncated": false}` beside them.
pub fn assigned_variables(details: &mut Value, assigned: &Map<String, Value>) {
    let Value::Object(d) = details else { return };
    let texts = assigned.iter().map(|(name, v)| (name.clone(), Value::String(crate::payload::compact(v)))).collect();
    d.insert("assignedVariables".into(), Value::Object(texts));
    d.insert("assignedVariablesDetails".into(), serde_json::json!({ "truncated": false }));
}

/// `executionStartedEventDetails`.
/// EvaluationFailed: a JSONata expression of `state`'s field `location` failed.
pub fn evaluation_failed(error: &str, cause: &str, location: Option<&str>, state: &str) -> Value {
    let mut details = serde_json::json!({ "error": error, "cause": cause, "state": state });
    if let Some(location) = location {
        details["location"] = Value::String(location.to_owned());
    }
    details
}

pub fn execution_started(input: &Value) -> Value {
    let mut d = Map::new();
    payload(&mut d, "input", input);
    d.insert("roleArn".into(), crate::context::ROLE_ARN.into());
    Value::Object(d)
}

/// `{"output", "outputDetails"}` (ExecutionSucceeded, TaskSucceeded, …).
pub fn output_details(output: &Value) -> Value {
    let mut d = Map::new();
    payload(&mut d, "output", output);
    Value::Object(d)
}

/// `{"error", "cause"}` details, leaving out what is absent, as AWS does.
pub fn failure(error: &str, cause: Option<&str>) -> Value {
    let mut d = Map::new();
    if !error.is_empty() {
        d.insert("error".into(), error.into());
    }
    if let Some(c) = cause {
        d.insert("cause".into(), c.into());
    }
    Value::Object(d)
}

/// The AWS resource type and short resource name of a Task's `Resource`:
/// `arn:aws:states:::sqs:sendMessage.waitForTaskToken` → (`sqs`, `sendMessage.waitForTaskToken`),
/// `arn:aws:lambda:…:function:F` → (`lambda`, the ARN), an activity → (`activity`, the ARN).
pub fn resource_parts(resource: &str) -> (String, String) {
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "states", "", "", rest] => match rest.split_once(':') {
            // arn:aws:states:::aws-sdk:s3:getObject
            Some(("aws-sdk", more)) => match more.split_once(':') {
                Some((service, action)) => (format!("aws-sdk:{service}"), action.to_string()),
                None => ("aws-sdk".into(), more.to_string()),
            },
            Some((service, action)) => (service.to_string(), action.to_string()),
            None => (rest.to_string(), rest.to_string()),
        },
        ["arn", _, "states", _, _, rest] if rest.starts_with("activity:") => ("activity".into(), resource.to_string()),
        ["arn", _, service, ..] => (service.to_string(), resource.to_string()),
        _ => ("unknown".into(), resource.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_as_aws_reports_them() {
        assert_eq!(resource_parts("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), ("sqs".into(), "sendMessage.waitForTaskToken".into()));
        assert_eq!(resource_parts("arn:aws:states:::aws-sdk:s3:getObject"), ("aws-sdk:s3".into(), "getObject".into()));
        assert_eq!(resource_parts("arn:aws:states:::lambda:invoke"), ("lambda".into(), "invoke".into()));
        let f = "arn:aws:lambda:us-east-1:123456789012:function:F";
        assert_eq!(resource_parts(f), ("lambda".into(), f.into()));
        let a = "arn:aws:states:us-east-1:123456789012:activity:Approve";
        assert_eq!(resource_parts(a), ("activity".into(), a.into()));
    }

    #[test]
    fn the_text_of_an_event_is_its_json_written_out() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05.678Z").unwrap().with_timezone(&Utc);
        let bare = HistoryEvent::new(t, "ExecutionSucceeded", 9, 8);
        let detailed = HistoryEvent::new(t, "TaskSucceeded", 5, 4)
            .with("taskSucceededEventDetails", serde_json::json!({"output": "{\"a\":\"\\n\"}", "resourceType": "lambda", "z": [1, 2.5, null]}));
        for e in [bare, detailed] {
            assert_eq!(e.to_json_text(), e.to_json().to_string());
        }
    }

    #[test]
    fn events_serialize_in_aws_shape() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05.678Z").unwrap().with_timezone(&Utc);
        let e = HistoryEvent::new(t, "PassStateEntered", 2, 0).with("stateEnteredEventDetails", state_entered("A", &serde_json::json!({"x": 1})));
        let j = e.to_json();
        assert_eq!(j["type"], "PassStateEntered");
        assert_eq!(j["previousEventId"], 0);
        assert_eq!(j["timestamp"], "2026-01-02T03:04:05.678Z");
        assert_eq!(j["stateEnteredEventDetails"]["input"], "{\"x\":1}");
        assert_eq!(j["stateEnteredEventDetails"]["inputDetails"]["truncated"], false);
        let back: HistoryEvent = serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }
}
