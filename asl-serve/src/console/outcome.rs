//! What happened to each state of an execution, read from its history as the AWS console
//! reads it: a state entered and exited succeeded, or was caught if its last attempt failed
//! (the Catcher took it on); one still open is running, or waiting if a task token of it is
//! open; one open when the execution failed, timed out or was aborted failed, and so did a Fail
//! state and one whose attempt failed; one never entered was not reached. A state entered many
//! times (a loop, Map iterations) shows the most telling of its visits, and keeps the input and
//! output of its last.
//!
//! The history is read an event at a time ([`Reader::event`]), so a page holds one page of
//! events, not the execution's 25,000, and the inputs and outputs kept are cut to a budget.

use asl_codegen::graph::{Graph, Kind};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The longest input or output kept per state, and the most kept for all states together.
const STATE_TEXT: usize = 16 * 1024;
const ALL_TEXT: usize = 2 * 1024 * 1024;

/// A state's outcome, as the console colours it; the order is how telling it is.
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
    /// The last visit's input and output, indented and cut to [`STATE_TEXT`].
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
    /// Whether inputs and outputs were left out past [`ALL_TEXT`].
    pub texts_omitted: bool,
}

impl Outcomes {
    /// A state's outcome: not reached unless the history entered it.
    pub fn outcome(&self, state: &str) -> Outcome {
        self.states.get(state).and_then(|r| r.outcome).unwrap_or(Outcome::NotReached)
    }
}

/// How an execution ended, as far as its states are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Running,
    Succeeded,
    /// Failed, timed out or aborted: the states still open failed with it.
    Failed,
}

/// Reads a history an event at a time (AWS's shape: `type`, `id`, `previousEventId`,
/// `timestamp`, the details).
#[derive(Default)]
pub struct Reader {
    out: Outcomes,
    /// The state each event belongs to, found through previousEventId to a StateEntered.
    owner: HashMap<u64, String>,
    open_visits: HashMap<String, Vec<usize>>,
    /// The Map and Parallel states under way, innermost last.
    containers: Vec<String>,
    /// Each container's nested states, from the definition.
    descendants: HashMap<String, Vec<String>>,
    fail_states: HashSet<String>,
    text_kept: usize,
}

impl Reader {
    /// A reader for an execution of the definition drawn as `graph` (none: one that no longer
    /// parses; its outcomes are read without knowing which states nest in which).
    pub fn new(graph: Option<&Graph>) -> Reader {
        let mut reader = Reader::default();
        for state in graph.map(Graph::states).unwrap_or_default() {
            if state.kind == Kind::Fail {
                reader.fail_states.insert(state.name.clone());
            }
            if !state.scopes.is_empty() {
                let mut nested = Vec::new();
                let mut stack: Vec<&asl_codegen::graph::Scope> = state.scopes.iter().collect();
                while let Some(scope) = stack.pop() {
                    for inner in &scope.states {
                        nested.push(inner.name.clone());
                        stack.extend(inner.scopes.iter());
                    }
                }
                reader.descendants.insert(state.name.clone(), nested);
            }
        }
        reader
    }

    pub fn event(&mut self, event: &Value) {
        let kind = event["type"].as_str().unwrap_or("");
        let id = event["id"].as_u64().unwrap_or(0);
        let at = event["timestamp"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc));
        if let Some(details) = event.get("stateEnteredEventDetails") {
            let name = details["name"].as_str().unwrap_or("").to_string();
            self.entered(&name, details["input"].as_str(), at);
            if matches!(kind, "MapStateEntered" | "ParallelStateEntered") {
                self.containers.push(name.clone());
            }
            self.owner.insert(id, name);
            return;
        }
        if let Some(details) = event.get("stateExitedEventDetails") {
            let name = details["name"].as_str().unwrap_or("").to_string();
            self.exited(&name, details["output"].as_str(), at);
            if matches!(kind, "MapStateExited" | "ParallelStateExited") {
                if let Some(i) = self.containers.iter().rposition(|c| *c == name) {
                    self.containers.remove(i);
                }
                self.close_nested(&name, at);
            }
            self.owner.insert(id, name);
            return;
        }
        match kind {
            // These link to an event of an iteration or a branch, not to their own state.
            "MapStateFailed" | "ParallelStateFailed" | "MapRunFailed" | "MapRunAborted" => {
                if let Some(container) = self.containers.last().cloned() {
                    self.run(&container).failing = true;
                    self.owner.insert(id, container);
                }
                return;
            }
            // A redrive enters the failed state afresh: its earlier visit is over.
            "ExecutionRedriven" => {
                let open: Vec<String> = self.out.states.iter().filter(|(_, r)| r.open > 0).map(|(n, _)| n.clone()).collect();
                for name in open {
                    self.close(&name, at, None);
                }
                self.containers.clear();
                return;
            }
            _ => {}
        }
        let previous = event["previousEventId"].as_u64().unwrap_or(0);
        let Some(name) = self.owner.get(&previous).cloned() else { return };
        self.owner.insert(id, name.clone());
        if kind.starts_with("Execution") {
            return;
        }
        let run = self.run(&name);
        if kind.ends_with("Failed") || kind.ends_with("TimedOut") || kind.ends_with("Aborted") {
            run.failing = true;
        } else if kind.ends_with("Succeeded") {
            run.failing = false;
        }
    }

    /// The state an event read so far belongs to (none for the execution's own events).
    pub fn state_of(&self, event: u64) -> Option<&str> {
        self.owner.get(&event).map(String::as_str)
    }

    fn run(&mut self, name: &str) -> &mut StateRun {
        self.out.states.entry(name.to_string()).or_default()
    }

    fn entered(&mut self, name: &str, input: Option<&str>, at: Option<DateTime<Utc>>) {
        let input = input.and_then(|t| self.kept(name, t, |r| &r.input));
        let run = self.run(name);
        run.visits += 1;
        run.open += 1;
        run.failing = false;
        run.input = input;
        run.output = None;
        if let Some(at) = at {
            self.open_visits.entry(name.to_string()).or_default().push(self.out.visits.len());
            self.out.visits.push(Visit { state: name.to_string(), entered: at, exited: None });
        }
    }

    fn exited(&mut self, name: &str, output: Option<&str>, at: Option<DateTime<Utc>>) {
        let output = output.and_then(|t| self.kept(name, t, |r| &r.output));
        let run = self.run(name);
        run.output = output;
        let this = if run.failing { Outcome::Caught } else { Outcome::Succeeded };
        run.open = run.open.saturating_sub(1);
        run.outcome = run.outcome.max(Some(this));
        run.failing = false;
        if let Some(i) = self.open_visits.get_mut(name).and_then(Vec::pop) {
            self.out.visits[i].exited = at;
        }
    }

    /// Ends a state's open visits: with `outcome`, or with none (a redrive runs it again).
    fn close(&mut self, name: &str, at: Option<DateTime<Utc>>, outcome: Option<Outcome>) {
        let run = self.run(name);
        run.open = 0;
        run.failing = false;
        run.outcome = match outcome {
            Some(o) => run.outcome.max(Some(o)),
            None => None,
        };
        for i in self.open_visits.remove(name).unwrap_or_default() {
            self.out.visits[i].exited = at;
        }
    }

    /// A container exited: what is still open inside it (a failed iteration's Task, a Fail
    /// state, a branch cut short) ended with it, unsuccessfully.
    fn close_nested(&mut self, container: &str, at: Option<DateTime<Utc>>) {
        let nested = self.descendants.get(container).cloned().unwrap_or_default();
        for name in nested {
            if self.out.states.get(&name).is_some_and(|r| r.open > 0) {
                self.close(&name, at, Some(Outcome::Failed));
            }
        }
    }

    /// The text kept of a state's input or output: indented, cut to [`STATE_TEXT`], none once
    /// [`ALL_TEXT`] is spent (counting what it replaces as given back).
    fn kept(&mut self, name: &str, text: &str, field: fn(&StateRun) -> &Option<String>) -> Option<String> {
        let replaced = self.out.states.get(name).and_then(|r| field(r).as_ref()).map_or(0, String::len);
        self.text_kept -= replaced.min(self.text_kept);
        let shown = cut(&pretty(text), STATE_TEXT);
        if self.text_kept + shown.len() > ALL_TEXT {
            self.out.texts_omitted = true;
            return None;
        }
        self.text_kept += shown.len();
        Some(shown)
    }

    /// The outcomes, once every event is read; `waiting`: the states holding an open token.
    pub fn finish(mut self, ending: Ending, waiting: &HashSet<String>) -> Outcomes {
        for (name, run) in &mut self.out.states {
            if run.open == 0 {
                continue;
            }
            let now = match ending {
                _ if run.failing || self.fail_states.contains(name) => Outcome::Failed,
                Ending::Running if waiting.contains(name) => Outcome::Waiting,
                Ending::Running => Outcome::Running,
                Ending::Failed => Outcome::Failed,
                // A succeeded execution leaves no state open but those of a branch cut short.
                Ending::Succeeded => Outcome::Failed,
            };
            run.outcome = run.outcome.max(Some(now));
        }
        self.out
    }
}

/// JSON text indented, or as it is if it is not JSON.
pub fn pretty(text: &str) -> String {
    serde_json::from_str::<Value>(text).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_else(|| text.to_string())
}

/// `text` cut to at most `most` bytes (on a character boundary), saying so.
pub fn cut(text: &str, most: usize) -> String {
    if text.len() <= most {
        return text.to_string();
    }
    let mut at = most;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..at], text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entered(id: u64, prev: u64, kind: &str, name: &str) -> Value {
        json!({"id": id, "previousEventId": prev, "type": format!("{kind}StateEntered"), "timestamp": "2026-12-05T10:00:00Z",
               "stateEnteredEventDetails": {"name": name, "input": "{}"}})
    }
    fn exited(id: u64, prev: u64, kind: &str, name: &str) -> Value {
        json!({"id": id, "previousEventId": prev, "type": format!("{kind}StateExited"), "timestamp": "2026-12-05T10:00:01Z",
               "stateExitedEventDetails": {"name": name, "output": "{\"ok\":1}"}})
    }
    fn event(id: u64, prev: u64, kind: &str) -> Value {
        json!({"id": id, "previousEventId": prev, "type": kind, "timestamp": "2026-12-05T10:00:00Z"})
    }

    fn read(events: &[Value], graph: Option<&Graph>, ending: Ending, waiting: &[&str]) -> Outcomes {
        let mut reader = Reader::new(graph);
        events.iter().for_each(|e| reader.event(e));
        reader.finish(ending, &waiting.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn a_caught_failure_a_retried_one_and_the_open_state() {
        let events = vec![
            event(1, 0, "ExecutionStarted"),
            entered(2, 1, "Task", "Caught"),
            event(3, 2, "TaskScheduled"),
            event(4, 3, "TaskFailed"),
            exited(5, 4, "Task", "Caught"),
            entered(6, 5, "Task", "Retried"),
            event(7, 6, "TaskScheduled"),
            event(8, 7, "TaskFailed"),
            event(9, 8, "TaskScheduled"),
            event(10, 9, "TaskSucceeded"),
            exited(11, 10, "Task", "Retried"),
            entered(12, 11, "Task", "Approve"),
            event(13, 12, "TaskSubmitted"),
        ];
        let running = read(&events, None, Ending::Running, &["Approve"]);
        assert_eq!(running.outcome("Caught"), Outcome::Caught);
        assert_eq!(running.outcome("Retried"), Outcome::Succeeded);
        assert_eq!(running.outcome("Approve"), Outcome::Waiting);
        assert_eq!(running.outcome("Never"), Outcome::NotReached);
        assert_eq!(running.states["Retried"].output.as_deref(), Some("{\n  \"ok\": 1\n}"));
        assert_eq!(running.visits.len(), 3);
        assert!(running.visits[2].exited.is_none());
        assert_eq!(read(&events, None, Ending::Failed, &[]).outcome("Approve"), Outcome::Failed);
        assert_eq!(read(&events, None, Ending::Running, &[]).outcome("Approve"), Outcome::Running);
    }

    const NESTED: &str = r#"{"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "Next": "Done"},
        "Done": {"Type": "Succeed"}}}"#;

    #[test]
    fn a_caught_map_and_its_failed_iteration() {
        let graph = asl_codegen::graph_source(NESTED).unwrap();
        let events = vec![
            event(1, 0, "ExecutionStarted"),
            entered(2, 1, "Map", "Each"),
            event(3, 2, "MapStateStarted"),
            event(4, 3, "MapIterationStarted"),
            entered(5, 4, "Task", "Work"),
            event(6, 5, "TaskScheduled"),
            event(7, 6, "TaskFailed"),
            event(8, 7, "MapIterationFailed"),
            // AWS links it to the iteration's event, not to the Map's own.
            event(9, 7, "MapStateFailed"),
            exited(10, 9, "Map", "Each"),
            entered(11, 10, "Succeed", "Done"),
            exited(12, 11, "Succeed", "Done"),
            event(13, 12, "ExecutionSucceeded"),
        ];
        let read = read(&events, Some(&graph), Ending::Succeeded, &[]);
        assert_eq!(read.outcome("Each"), Outcome::Caught);
        assert_eq!(read.outcome("Work"), Outcome::Failed);
        assert_eq!(read.outcome("Done"), Outcome::Succeeded);
    }

    #[test]
    fn a_redriven_state_shows_its_new_run() {
        let events = vec![
            event(1, 0, "ExecutionStarted"),
            entered(2, 1, "Task", "Flaky"),
            event(3, 2, "TaskScheduled"),
            event(4, 3, "TaskFailed"),
            event(5, 4, "ExecutionFailed"),
            event(6, 5, "ExecutionRedriven"),
            entered(7, 6, "Task", "Flaky"),
            event(8, 7, "TaskScheduled"),
            event(9, 8, "TaskSucceeded"),
            exited(10, 9, "Task", "Flaky"),
            event(11, 10, "ExecutionSucceeded"),
        ];
        let read = read(&events, None, Ending::Succeeded, &[]);
        assert_eq!(read.outcome("Flaky"), Outcome::Succeeded);
        assert!(read.visits.iter().all(|v| v.exited.is_some()));
    }

    #[test]
    fn texts_are_cut_and_budgeted() {
        assert_eq!(cut("ééé", 3), "é… (6 bytes in all)");
        let mut reader = Reader::new(None);
        let big = format!("\"{}\"", "x".repeat(STATE_TEXT * 2));
        for i in 0..(ALL_TEXT / STATE_TEXT + 10) as u64 {
            reader.event(&json!({"id": i + 1, "type": "PassStateEntered", "stateEnteredEventDetails": {"name": format!("s{i}"), "input": big}}));
        }
        let read = reader.finish(Ending::Running, &HashSet::new());
        assert!(read.texts_omitted);
        let kept: usize = read.states.values().filter_map(|r| r.input.as_ref()).map(String::len).sum();
        assert!(kept <= ALL_TEXT, "{kept}");
    }
}
