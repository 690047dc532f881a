//! An execution as a value: everything needed to carry on from its current state.
//!
//! The generated code advances an [`Execution`] one state at a time; all of its progress lives
//! in this struct, never in a suspended future between states, so a store can checkpoint it
//! after any step (it serializes with serde) and resume it in another process. Its fields are
//! the runtime's own: generated code moves it on through the transitions below, and an engine
//! starts, resumes and redrives it through [`crate::start`].

use crate::context::{context_object, ExecutionInfo, StateInfo};
use crate::flow::{Fault, Flow};
use crate::handler::TaskContext;
use crate::history::HistoryEvent;
use crate::retry::{Retrier, RetryCounters};
use crate::variables::Variables;
use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// One execution's progress. It serializes (with serde) between any two steps, which is what a
/// store checkpoints.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Execution<S> {
    pub(crate) info: ExecutionInfo,
    pub(crate) state: S,
    /// The raw input of the current state.
    pub(crate) input: Value,
    pub(crate) retries: RetryCounters,
    /// Id of the last history event AWS would have recorded (AWS numbers events from 1).
    pub(crate) events: u64,
    /// Id of the current state's `…StateEntered` event (quoted in States.Runtime causes).
    pub(crate) entered_event: u64,
    pub(crate) entered_time: Option<DateTime<Utc>>,
    /// The current state was entered and has not ended: a run resumed from a checkpoint
    /// carries on inside it (durable runs checkpoint on entering a state that waits).
    #[serde(default)]
    pub(crate) in_state: bool,
    /// The current state's input as it entered, kept by durable runs only: where a redrive
    /// starts again if the state fails.
    #[serde(skip)]
    pub(crate) entry_input: Option<Value>,
    /// History events not yet handed to a store, when the environment records history. A
    /// child keeps its events here until its parent takes them into its own history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) history: Option<Vec<HistoryEvent>>,
    /// Set by a redrive of a failed Parallel or Map state: where the children of its attempt
    /// that failed sit. The state's first attempt after the redrive keeps the results of those
    /// that succeeded and runs only the others, as AWS redrives only the branches and
    /// iterations that failed or were aborted. Cleared when the state ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) redriven_children: Option<String>,
    /// Where the children of the current state's last attempt that ran any sit (set by
    /// `children::siblings`, cleared when the state ends): what a redrive point names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) children_ran: Option<Arc<str>>,
    /// The workflow variables this execution (or branch, or iteration) reads and assigns.
    #[serde(default, skip_serializing_if = "Variables::is_empty")]
    pub(crate) variables: Variables,
    /// What the current state assigned, for its …StateExited event (history runs only).
    /// Boxed: the execution of a workflow without variables carries one empty pointer.
    #[serde(skip)]
    pub(crate) assigned: Option<Box<Map<String, Value>>>,
}

/// Reading an execution.
impl<S: Copy> Execution<S> {
    /// An execution at `start` whose first input is `input`; `info.input` is what
    /// `$$.Execution.Input` shows.
    pub fn new(info: ExecutionInfo, start: S, input: Value) -> Self {
        Execution {
            info,
            state: start,
            input,
            retries: RetryCounters::default(),
            events: 1, // ExecutionStarted
            entered_event: 0,
            entered_time: None,
            in_state: false,
            entry_input: None,
            history: None,
            redriven_children: None,
            children_ran: None,
            variables: Variables::default(),
            assigned: None,
        }
    }

    /// The current state.
    #[inline(always)]
    pub fn state(&self) -> S {
        self.state
    }

    /// The current state's raw input (the output, once the execution succeeded).
    #[inline(always)]
    pub fn input(&self) -> &Value {
        &self.input
    }

    /// The workflow variables the current state reads: their values as it entered.
    #[inline(always)]
    pub fn variables(&self) -> &Variables {
        &self.variables
    }

    /// What the execution knows about itself (name, machine, place of a child).
    pub fn info(&self) -> &ExecutionInfo {
        &self.info
    }

    /// Id of the last history event AWS would have recorded for it so far.
    pub fn last_event_id(&self) -> u64 {
        self.events
    }

    /// Whether history events are being recorded (not just counted).
    pub fn records_history(&self) -> bool {
        self.history.is_some()
    }

    /// Takes the events recorded since the last call.
    pub fn take_history(&mut self) -> Vec<HistoryEvent> {
        self.history.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Where a redrive of this execution starts: the current state, entered afresh with the
    /// input it entered with (durable runs keep it), remembering where the children of its
    /// last attempt that ran any sit. `None` when that input is not known.
    pub fn redrive_point(&self) -> Option<Self> {
        let input = self.entry_input.clone()?;
        Some(Execution {
            info: self.info.clone(),
            state: self.state,
            input,
            retries: RetryCounters::default(),
            // Entering it again numbers its events as the first time.
            events: self.entered_event.saturating_sub(1),
            entered_event: self.entered_event,
            entered_time: None,
            in_state: false,
            entry_input: None,
            history: None,
            redriven_children: self.children_ran.as_deref().map(str::to_owned),
            children_ran: None,
            // A failed state assigned nothing: these are the values it entered with.
            variables: self.variables.clone(),
            assigned: None,
        })
    }

    /// Where the children of the current attempt of the current state (named `state_name`)
    /// sit: `<this execution's place>/<state>@<visit>.<attempt>` (see `children::Siblings`).
    pub(crate) fn children_place(&self, state_name: &str) -> String {
        let (visit, attempt) = (self.entered_event, self.retries.total());
        match &self.info.child_of {
            None => format!("/{state_name}@{visit}.{attempt}"),
            Some((place, index)) => format!("{place}#{index}/{state_name}@{visit}.{attempt}"),
        }
    }

    /// What the current attempt of the current state is called in the journal's effect keys:
    /// `<place>@<visit>.<attempt>` (see `wait::sleep`).
    pub(crate) fn attempt_place(&self) -> String {
        format!("{}@{}.{}", self.info.child_path(), self.entered_event, self.retries.total())
    }

    /// The context handed to a Task handler for this attempt.
    pub fn task_context(&self, state_name: &str, task_token: Option<String>) -> TaskContext {
        TaskContext::new(self.info.id(), self.attempt_key(state_name), self.retries.total(), task_token).under(self.info.top_level_id())
    }

    /// The identity of the current attempt of Task state `state_name`: (execution, place,
    /// state, visit, attempt), the same on a replay (the handler's idempotency key).
    pub(crate) fn attempt_key(&self, state_name: &str) -> String {
        format!("{}{}/{state_name}/{}/{}", self.info.id(), self.info.child_path(), self.entered_event, self.retries.total())
    }

    /// The Context object for an item of the current (Map) state: `$$.Map.Item.Index/Value`.
    pub fn item_context(&self, state_name: &str, index: usize, item: &Value) -> Value {
        context_object(&self.info, &self.state_info(state_name, None, Some((index, item))))
    }

    /// The Context object for the current state.
    pub fn context(&self, state_name: &str, task_token: Option<&str>) -> Value {
        context_object(&self.info, &self.state_info(state_name, task_token, None))
    }

    fn state_info<'a>(&self, name: &'a str, task_token: Option<&'a str>, map_item: Option<(usize, &'a Value)>) -> StateInfo<'a> {
        StateInfo { name, entered_time: self.entered_time, retry_count: self.retries.total(), task_token, map_item }
    }
}

/// Moving on: what a state does when it ends.
impl<S: Copy> Execution<S> {
    /// Takes the current state's raw input, leaving `null` (the state replaces it on exit).
    pub fn take_input(&mut self) -> Value {
        std::mem::take(&mut self.input)
    }

    /// Moves to `next` with the current input unchanged: a Pass state with nothing to do.
    pub fn pass_to(&mut self, next: S) -> Flow {
        self.events += 1;
        self.state = next;
        Flow::Next
    }

    /// Ends the execution with the current input as its output: a bare Pass state with `End`.
    /// The input stays where it is (moving it out and back would make the driver's loop drop
    /// the placeholder left behind on every transition).
    pub fn pass_to_end(&mut self) -> Flow {
        self.events += 1;
        Flow::Succeed
    }

    /// Moves to `next` with `output` as its input (the …StateExited event). An output over
    /// AWS's 256 KiB limit fails the execution instead.
    pub fn goto(&mut self, next: S, output: Value) -> Result<Flow, Fault> {
        check_output_size(&output)?;
        self.goto_within(next, output)
    }

    /// [`Execution::goto`] for an output that is (part of) the state's own input, which was
    /// size-checked when the previous state produced it: Choice, Wait, Succeed.
    pub fn goto_within(&mut self, next: S, output: Value) -> Result<Flow, Fault> {
        self.events += 1;
        self.state = next;
        self.input = output;
        Ok(Flow::Next)
    }

    /// Ends the execution successfully (the …StateExited event of the last state); the output
    /// stays in `input`.
    pub fn succeed(&mut self, output: Value) -> Result<Flow, Fault> {
        check_output_size(&output)?;
        self.events += 1;
        self.input = output;
        Ok(Flow::Succeed)
    }

    /// Applies the current state's `Assign`, `assigned` (a JSON object: name → value),
    /// computed against the values the state entered with; recorded for its …StateExited
    /// event. Called once the state's output is final, as the last thing before the
    /// transition, so nothing the state evaluates sees the new values.
    pub fn assign(&mut self, assigned: Value) -> Result<(), Fault> {
        let Value::Object(batch) = assigned else {
            return Err(Fault::runtime("internal error: an Assign evaluated to something other than an object (please report it)"));
        };
        if batch.is_empty() {
            return Ok(());
        }
        let recorded = self.history.is_some().then(|| Box::new(batch.clone()));
        self.variables.assign(batch)?;
        self.assigned = recorded;
        Ok(())
    }

    /// [`Execution::goto`] for a state with `Assign`: the output's size is checked before the
    /// variables change, so a state that fails changes none.
    /// A JSONata expression of the current state (`state`) failed: records EvaluationFailed
    /// and gives the `States.QueryEvaluationError` that Retry and Catch then see, its cause
    /// with AWS's prefix.
    pub fn evaluation_failed(&mut self, now: impl FnOnce() -> DateTime<Utc>, state: &str, e: crate::flow::Evaluation) -> crate::error::Failure {
        use crate::error::names::QUERY_EVALUATION_ERROR;
        let cause = format!("An error occurred while executing the state '{state}' (entered at the event id #{}). {}", self.entered_event, e.cause);
        let details = crate::history::evaluation_failed(QUERY_EVALUATION_ERROR, &cause, e.location.as_deref(), state);
        self.add_event(now, "EvaluationFailed", || Some(("evaluationFailedEventDetails", details)));
        crate::error::Failure::new(QUERY_EVALUATION_ERROR, cause)
    }

    pub fn goto_assigning(&mut self, next: S, output: Value, assigned: Value) -> Result<Flow, Fault> {
        check_output_size(&output)?;
        self.assign(assigned)?;
        self.goto_within(next, output)
    }

    /// [`Execution::succeed`] for a state with `Assign` (see [`Execution::goto_assigning`]).
    pub fn succeed_assigning(&mut self, output: Value, assigned: Value) -> Result<Flow, Fault> {
        check_output_size(&output)?;
        self.assign(assigned)?;
        self.succeed(output)
    }

    /// Decides whether `failure` is retried by the state's `retriers` and counts the attempt
    /// (see [`RetryCounters::next_delay`]): `Some(delay)` to wait and try again, `None` to hand
    /// the failure to the Catchers.
    pub fn next_retry_delay(&mut self, retriers: &[Retrier], failure: &crate::error::Failure, uniform: impl FnOnce() -> f64) -> Option<Duration> {
        self.retries.next_delay(retriers, failure, uniform)
    }
}

/// History: every event AWS would record is counted (the ids quoted in causes depend on it);
/// it is also recorded when the environment asks for history.
impl<S: Copy> Execution<S> {
    /// Counts one more event and records it when history is recorded: `kind` with the details
    /// `details()` builds (only then) under their AWS key. Its previousEventId is the event
    /// before it, except right after ExecutionStarted, where AWS gives 0.
    pub(crate) fn add_event(&mut self, now: impl FnOnce() -> DateTime<Utc>, kind: &str, details: impl FnOnce() -> Option<(&'static str, Value)>) {
        self.events += 1;
        self.record_counted_event(self.events, now, kind, details);
    }

    /// Records event `id`, counted already, when history is recorded.
    pub(crate) fn record_counted_event(&mut self, id: u64, now: impl FnOnce() -> DateTime<Utc>, kind: &str, details: impl FnOnce() -> Option<(&'static str, Value)>) {
        if let Some(history) = &mut self.history {
            let previous = match history.last().filter(|last| last.id + 1 == id) {
                Some(last) => crate::history::previous_event(last, kind),
                None if id == 2 => 0,
                None => id - 1,
            };
            let mut event = HistoryEvent::new(now(), kind, id, previous);
            if let Some((key, d)) = details() {
                event.details.insert(key.to_string(), d);
            }
            history.push(event);
        }
    }

    /// Forgets the events after `last` (counted or recorded): the history quota cuts there.
    pub(crate) fn truncate_history(&mut self, last: u64) {
        self.events = self.events.min(last);
        if let Some(history) = &mut self.history {
            history.retain(|e| e.id <= last);
        }
    }

    /// Counts `n` events without recording them (TaskScheduled, TaskStarted, … of a run that
    /// records no history).
    pub(crate) fn count_events(&mut self, n: u64) {
        self.events += n;
    }

    /// The type of the last event recorded, if history is recorded.
    pub(crate) fn last_recorded_kind(&self) -> Option<&str> {
        self.history.as_ref()?.last().map(|e| e.kind.as_str())
    }

    /// The last recorded event of type `kind`, to complete its details once they are known.
    pub(crate) fn last_recorded_mut(&mut self, kind: &str) -> Option<&mut HistoryEvent> {
        self.history.as_mut()?.iter_mut().rev().find(|e| e.kind == kind)
    }

    /// Appends a child's events after the last one, renumbered: the child's ids follow on, and
    /// its first event points back at the event before it. `count`: how many events the child
    /// added (also counted when history is not recorded).
    pub(crate) fn splice_child_events(&mut self, count: u64, events: Vec<HistoryEvent>) {
        let base = self.events;
        if let Some(history) = &mut self.history {
            for mut e in events {
                // Child ids start at 2 (its own ExecutionStarted is 1, not copied).
                e.id = base + e.id - 1;
                e.previous_event_id = if e.previous_event_id == 0 { base } else { base + e.previous_event_id - 1 };
                history.push(e);
            }
        }
        self.events = base + count;
    }
}

fn check_output_size(output: &Value) -> Result<(), Fault> {
    crate::payload::oversized(output).map_or(Ok(()), |len| Err(Fault::OutputTooLarge(len)))
}

/// A fresh execution name (a version-4 UUID, as AWS chooses when none is given), drawn from
/// the thread's generator rather than a system call per name.
pub fn new_name() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    // Encoded into a stack buffer: `to_string` would go through `fmt` and cost twice as much.
    let mut text = uuid::Uuid::encode_buffer();
    uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().encode_lower(&mut text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::{new_name, Execution};
    use crate::context::ExecutionInfo;
    use serde_json::json;

    #[test]
    fn variables_go_into_checkpoints_and_redrive_points_and_assignments_into_the_exit_record() {
        let mut exec = Execution::new(ExecutionInfo::new("m", "e", json!(null), None), 0u32, json!({}));
        exec.history = Some(Vec::new());
        exec.assign(json!({"x": 1, "y": "a"})).unwrap();
        assert_eq!(exec.assigned.as_deref(), json!({"x": 1, "y": "a"}).as_object());
        let resumed: Execution<u32> = serde_json::from_slice(&serde_json::to_vec(&exec).unwrap()).unwrap();
        assert_eq!(resumed.variables().get("y"), Some(&json!("a")));
        exec.entry_input = Some(json!({"in": 1}));
        let redrive = exec.redrive_point().unwrap();
        assert_eq!(redrive.variables().get("x"), Some(&json!(1)));
        // Nothing assigned, nothing recorded; something that is not an object is a bug, said so.
        let mut plain = Execution::new(ExecutionInfo::new("m", "e", json!(null), None), 0u32, json!({}));
        plain.assign(json!({})).unwrap();
        assert!(plain.assigned.is_none() && plain.variables().is_empty());
        assert!(plain.assign(json!([1])).is_err());
        assert!(!serde_json::to_string(&plain).unwrap().contains("variables"));
    }

    #[test]
    fn execution_names_are_distinct_v4_uuids() {
        let (a, b) = (new_name(), new_name());
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }
}
