//! What happened to each state of an execution, read from its history as the AWS console
//! reads it: a state entered and exited succeeded, or was caught if its last attempt failed
//! (the Catcher took it on); one still open is running, or waiting if a task token of it is
//! open; one open when the execution failed, timed out or was aborted failed; one never
//! entered was not reached. A state entered many times (a loop, Map iterations) shows the
//! most telling of its visits, and keeps the input and output of its last.

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A state's outcome, as the console colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    NotReached,
    Succeeded,
    Caught,
    Failed,
    Running,
    Waiting,
}

impl Outcome {
    /// The CSS class and the word shown.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::NotReached => "not-reached",
            Outcome::Succeeded => "succeeded",
            Outcome::Caught => "caught",
            Outcome::Failed => "failed",
            Outcome::Running => "running",
            Outcome::Waiting => "waiting",
        }
    }
}

/// One state as the execution saw it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StateRun {
    pub outcome: Option<Outcome>,
    pub visits: u32,
    /// The last visit's input and output (JSON text), as the history holds them.
    pub input: Option<String>,
    pub output: Option<String>,
    /// Whether the visit under way has failed an attempt that nothing has made good yet.
    failing: bool,
    open: u32,
}

/// One visit, for the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub state: String,
    pub entered: DateTime<Utc>,
    pub exited: Option<DateTime<Utc>>,
}

/// An execution's states and visits.
#[derive(Debug, Clone, Default)]
pub struct Outcomes {
    pub states: HashMap<String, StateRun>,
    pub visits: Vec<Visit>,
}

/// How an execution ended, as far as its states are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Running,
    Succeeded,
    /// Failed, timed out or aborted: the states still open failed with it.
    Failed,
}

/// Reads `events` (AWS's shape: `type`, `id`, `previousEventId`, `timestamp`, the details);
/// `waiting`: the states holding an open task token.
pub fn read(events: &[Value], ending: Ending, waiting: &HashSet<String>) -> Outcomes {
    let mut out = Outcomes::default();
    // The state each event belongs to, found through previousEventId to a StateEntered.
    let mut owner: HashMap<u64, String> = HashMap::new();
    let mut open_visits: HashMap<String, Vec<usize>> = HashMap::new();
    for event in events {
        let kind = event["type"].as_str().unwrap_or("");
        let id = event["id"].as_u64().unwrap_or(0);
        let at = event["timestamp"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc));
        if let Some(details) = event.get("stateEnteredEventDetails") {
            let name = details["name"].as_str().unwrap_or("").to_string();
            let run = out.states.entry(name.clone()).or_default();
            run.visits += 1;
            run.open += 1;
            run.failing = false;
            run.input = details["input"].as_str().map(str::to_string);
            run.output = None;
            if let Some(at) = at {
                open_visits.entry(name.clone()).or_default().push(out.visits.len());
                out.visits.push(Visit { state: name.clone(), entered: at, exited: None });
            }
            owner.insert(id, name);
            continue;
        }
        if let Some(details) = event.get("stateExitedEventDetails") {
            let name = details["name"].as_str().unwrap_or("").to_string();
            let run = out.states.entry(name.clone()).or_default();
            run.open = run.open.saturating_sub(1);
            run.output = details["output"].as_str().map(str::to_string);
            let this = if run.failing { Outcome::Caught } else { Outcome::Succeeded };
            run.outcome = run.outcome.max(Some(this));
            run.failing = false;
            if let Some(i) = open_visits.get_mut(&name).and_then(Vec::pop) {
                out.visits[i].exited = at;
            }
            continue;
        }
        let previous = event["previousEventId"].as_u64().unwrap_or(0);
        let Some(name) = owner.get(&previous).cloned() else { continue };
        owner.insert(id, name.clone());
        if kind.starts_with("Execution") {
            continue;
        }
        let run = out.states.entry(name).or_default();
        if kind.ends_with("Failed") || kind.ends_with("TimedOut") || kind.ends_with("Aborted") {
            run.failing = true;
        } else if kind.ends_with("Succeeded") {
            run.failing = false;
        }
    }
    for (name, run) in &mut out.states {
        if run.open == 0 {
            continue;
        }
        let now = match ending {
            Ending::Running if waiting.contains(name) => Outcome::Waiting,
            Ending::Running => Outcome::Running,
            Ending::Failed => Outcome::Failed,
            // A succeeded execution leaves no state open; say what the history says.
            Ending::Succeeded => Outcome::Succeeded,
        };
        run.outcome = run.outcome.max(Some(now));
    }
    out
}

impl Outcomes {
    /// A state's outcome: not reached unless the history entered it.
    pub fn outcome(&self, state: &str) -> Outcome {
        self.states.get(state).and_then(|r| r.outcome).unwrap_or(Outcome::NotReached)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entered(id: u64, prev: u64, name: &str) -> Value {
        json!({"id": id, "previousEventId": prev, "type": "TaskStateEntered", "timestamp": "2026-12-05T10:00:00Z",
               "stateEnteredEventDetails": {"name": name, "input": "{}"}})
    }
    fn exited(id: u64, prev: u64, name: &str) -> Value {
        json!({"id": id, "previousEventId": prev, "type": "TaskStateExited", "timestamp": "2026-12-05T10:00:01Z",
               "stateExitedEventDetails": {"name": name, "output": "{\"ok\":1}"}})
    }
    fn event(id: u64, prev: u64, kind: &str) -> Value {
        json!({"id": id, "previousEventId": prev, "type": kind, "timestamp": "2026-12-05T10:00:00Z"})
    }

    #[test]
    fn a_caught_failure_a_retried_one_and_the_open_state() {
        let events = vec![
            event(1, 0, "ExecutionStarted"),
            entered(2, 1, "Caught"),
            event(3, 2, "TaskScheduled"),
            event(4, 3, "TaskFailed"),
            exited(5, 4, "Caught"),
            entered(6, 5, "Retried"),
            event(7, 6, "TaskScheduled"),
            event(8, 7, "TaskFailed"),
            event(9, 8, "TaskScheduled"),
            event(10, 9, "TaskSucceeded"),
            exited(11, 10, "Retried"),
            entered(12, 11, "Approve"),
            event(13, 12, "TaskSubmitted"),
        ];
        let waiting = HashSet::from(["Approve".to_string()]);
        let read = read(&events, Ending::Running, &waiting);
        assert_eq!(read.outcome("Caught"), Outcome::Caught);
        assert_eq!(read.outcome("Retried"), Outcome::Succeeded);
        assert_eq!(read.outcome("Approve"), Outcome::Waiting);
        assert_eq!(read.outcome("Never"), Outcome::NotReached);
        assert_eq!(read.states["Retried"].output.as_deref(), Some("{\"ok\":1}"));
        assert_eq!(read.visits.len(), 3);
        assert!(read.visits[2].exited.is_none());

        let failed = super::read(&events, Ending::Failed, &HashSet::new());
        assert_eq!(failed.outcome("Approve"), Outcome::Failed);
        assert_eq!(super::read(&events, Ending::Running, &HashSet::new()).outcome("Approve"), Outcome::Running);
    }
}
