//! The history events of a Task attempt, named as AWS names them for its resource: Lambda
//! functions and activities have event families of their own, every other resource records
//! `Task…` events that carry the resource type and name.

use super::limits::Limits;
use crate::error::Failure;
use serde_json::Value;

/// Which events a Task's resource gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Task,
    Lambda,
    Activity,
}

/// A step of an attempt that the history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Scheduled,
    Started,
    Succeeded,
    Failed,
    TimedOut,
}

impl Family {
    pub(super) fn of(resource: &str) -> Family {
        if resource.starts_with("arn:aws:lambda:") {
            Family::Lambda
        } else if resource.split(':').nth(5) == Some("activity") {
            Family::Activity
        } else {
            Family::Task
        }
    }

    /// The event type of `step` and the key its details go under.
    pub(super) fn event(self, step: Step) -> (&'static str, &'static str) {
        use {Family::*, Step::*};
        match (self, step) {
            (Task, Scheduled) => ("TaskScheduled", "taskScheduledEventDetails"),
            (Task, Started) => ("TaskStarted", "taskStartedEventDetails"),
            (Task, Succeeded) => ("TaskSucceeded", "taskSucceededEventDetails"),
            (Task, Failed) => ("TaskFailed", "taskFailedEventDetails"),
            (Task, TimedOut) => ("TaskTimedOut", "taskTimedOutEventDetails"),
            (Lambda, Scheduled) => ("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails"),
            (Lambda, Started) => ("LambdaFunctionStarted", "lambdaFunctionStartedEventDetails"),
            (Lambda, Succeeded) => ("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails"),
            (Lambda, Failed) => ("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails"),
            (Lambda, TimedOut) => ("LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails"),
            (Activity, Scheduled) => ("ActivityScheduled", "activityScheduledEventDetails"),
            (Activity, Started) => ("ActivityStarted", "activityStartedEventDetails"),
            (Activity, Succeeded) => ("ActivitySucceeded", "activitySucceededEventDetails"),
            (Activity, Failed) => ("ActivityFailed", "activityFailedEventDetails"),
            (Activity, TimedOut) => ("ActivityTimedOut", "activityTimedOutEventDetails"),
        }
    }

    /// `Task…` events name the resource (`kind`: its type, `resource`: its short name).
    pub(super) fn with_resource(self, kind: &str, resource: &str, details: Value) -> Value {
        let mut d = match details {
            Value::Object(m) => m,
            _ => Default::default(),
        };
        if self == Family::Task {
            d.insert("resourceType".into(), kind.into());
            d.insert("resource".into(), resource.into());
        }
        Value::Object(d)
    }

    pub(super) fn scheduled(self, kind: &str, resource: &str, input: &Value, limits: Limits) -> (&'static str, Value) {
        let mut d = serde_json::Map::new();
        match self {
            Family::Task => {
                d.insert("resourceType".into(), kind.into());
                d.insert("resource".into(), resource.into());
                d.insert("region".into(), "local".into());
                d.insert("parameters".into(), crate::payload::compact(input).into());
            }
            Family::Lambda | Family::Activity => {
                d.insert("resource".into(), resource.into());
                crate::history::payload(&mut d, "input", input);
            }
        }
        if let Some(t) = limits.timeout {
            d.insert("timeoutInSeconds".into(), t.as_secs().into());
        }
        if let (Some(h), false) = (limits.heartbeat, self == Family::Lambda) {
            d.insert("heartbeatInSeconds".into(), h.as_secs().into());
        }
        (self.event(Step::Scheduled).1, Value::Object(d))
    }

    /// `worker`: for an activity, the name the worker that took the task gave, if any.
    pub(super) fn started(self, kind: &str, resource: &str, worker: Option<&str>) -> (&'static str, Value) {
        let d = match (self, worker) {
            (Family::Task, _) => serde_json::json!({ "resourceType": kind, "resource": resource }),
            (Family::Activity, Some(name)) => serde_json::json!({ "workerName": name }),
            (Family::Lambda | Family::Activity, _) => serde_json::json!({}),
        };
        (self.event(Step::Started).1, d)
    }

    pub(super) fn succeeded(self, kind: &str, resource: &str, output: &Value) -> (&'static str, Value) {
        (self.event(Step::Succeeded).1, self.with_resource(kind, resource, crate::history::output_details(output)))
    }

    /// `step`: Failed or TimedOut.
    pub(super) fn failed(self, step: Step, kind: &str, resource: &str, f: &Failure) -> (&'static str, Value) {
        let details = crate::history::failure(&f.error, f.cause.as_deref());
        (self.event(step).1, self.with_resource(kind, resource, details))
    }
}
