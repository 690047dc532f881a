//! Children are executions too: a Parallel branch or a Map iteration runs as a child
//! [`Execution`] of its own machine, driven by the same loop as the parent, so it will
//! checkpoint, cancel and report like one. Cancelling is dropping: when one child fails, the
//! futures of the others are dropped, and with them their in-flight Task calls.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | one child: where it sits ([`Siblings`]), how it runs and ends ([`ChildEnd`]), its recorded end in a durable run |
//! | `parallel.rs` | the branches of a Parallel state |
//! | `map.rs` | the iterations of a Map state: concurrency, tolerated failures, results |
//! | `map_run.rs` | a distributed Map's Map Run: its counts, reported to the journal |
//! | `events.rs` | the Parallel, Map and Map Run events of the parent's history |

mod events;
mod map;
mod map_run;
mod parallel;

pub use events::{map_ended, map_run_started, map_started, parallel_ended, parallel_started, state_failed};
pub use map_run::{map_run, writer_map_run, MapRunProgress};
pub use map::{
    items, map, max_concurrency_from, tolerated_count_from, tolerated_percentage_from, MapMode, Tolerance, Writer,
    DISTRIBUTED_MAP_CONCURRENCY, INLINE_MAP_CONCURRENCY,
};
pub use parallel::{branch_now, child, parallel, parallel_now};

use crate::clock::Clock;
use crate::context::ExecutionInfo;
use crate::durable::{outcome_from_value, outcome_to_value, Journal};
use crate::env::Env;
use crate::error::{names, Failure};
use crate::execution::Execution;
use crate::flow::{Ending, Fault, Interrupted, Outcome};
use crate::handler::TaskHandler;
use crate::history::HistoryEvent;
use crate::machine::Machine;
use crate::variables::Variables;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A child run: how it ended, or the interruption that stopped it (and with it its parent).
pub type ChildFuture<'a> = Pin<Box<dyn Future<Output = Result<ChildEnd, Interrupted>> + Send + 'a>>;

/// How a child ended, and the events it adds to its parent's history: counted always,
/// recorded (renumbered from the child's own ids) when the parent records history.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildEnd {
    pub outcome: Outcome,
    /// Events the child added (its own ExecutionStarted is not the parent's).
    pub events: u64,
    pub history: Vec<HistoryEvent>,
    /// The success of the same child in the attempt a redrive continues: it did not run now,
    /// and adds nothing to the history (its events are there from that attempt).
    pub kept: bool,
}

impl ChildEnd {
    /// The end of a child run, unless it was interrupted.
    fn of<S: Copy>(ending: Ending, exec: &mut Execution<S>) -> Result<Self, Interrupted> {
        let outcome = match ending {
            Ending::Succeeded(output) => Ok(output),
            Ending::Failed(failure) | Ending::TimedOut(failure) => Err(failure),
            Ending::Interrupted(interrupted) => return Err(interrupted),
        };
        Ok(ChildEnd { outcome, events: exec.last_event_id().saturating_sub(1), history: exec.take_history(), kept: false })
    }

    fn to_value(&self) -> Value {
        serde_json::json!({
            "outcome": outcome_to_value(&self.outcome),
            "events": self.events,
            "history": self.history,
            "kept": self.kept,
        })
    }

    fn from_value(v: &Value) -> Option<Self> {
        Some(ChildEnd {
            outcome: outcome_from_value(v.get("outcome")?)?,
            events: v.get("events")?.as_u64()?,
            history: serde_json::from_value(v.get("history")?.clone()).ok()?,
            kept: v.get("kept").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

/// What children ended with, for the parent's history: how many, their events, and (when
/// the parent records history) each one's events in the order they ended.
#[derive(Debug, Default)]
pub struct Ended {
    pub count: u64,
    /// Of `count`, the children a redrive kept from the attempt it continues (no events).
    pub kept: u64,
    pub events: u64,
    /// (index, succeeded, event count, events), when recording history.
    pub logs: Vec<(usize, bool, u64, Vec<HistoryEvent>)>,
}

impl Ended {
    fn add(&mut self, index: usize, end: &mut ChildEnd) {
        self.count += 1;
        self.kept += u64::from(end.kept);
        self.events += end.events;
        if !end.history.is_empty() {
            self.logs.push((index, end.outcome.is_ok(), end.events, std::mem::take(&mut end.history)));
        }
    }
}

/// Where the children of one attempt of a Parallel or Map state sit, made once per attempt,
/// not per child: `<parent's place>/<state>@<visit>.<attempt>` (`Execution::children_place`),
/// to which each child adds `#<index>`, so that the idempotency keys and task tokens of
/// every branch or iteration, of every attempt and visit, are distinct. And, for the first
/// attempt after a redrive, where the children of the attempt that failed sat.
#[derive(Debug, Clone)]
pub struct Siblings {
    place: Arc<str>,
    redriven: Option<Arc<str>>,
    /// The parent's variables as the state entered, which every child reads (`None`: there
    /// are none, and the children start with nothing to share).
    variables: Option<Arc<Variables>>,
}

impl Siblings {
    /// The earlier place of child `index`, whose recorded end a redrive keeps if it succeeded.
    fn redriven(&self, index: usize) -> Option<String> {
        self.redriven.as_ref().map(|place| format!("{place}#{index}"))
    }
}

/// The siblings of the current attempt of `exec`'s current state, named `state_name`. The
/// execution remembers them until the state ends: where a redrive finds them if it fails.
pub fn siblings<S: Copy>(exec: &mut Execution<S>, state_name: &str) -> Siblings {
    let place: Arc<str> = exec.children_place(state_name).into();
    let redriven = match exec.retries.total() {
        0 => exec.redriven_children.as_deref().map(Arc::from),
        // A retry of the state runs all its children again, redriven or not.
        _ => None,
    };
    exec.children_ran = Some(place.clone());
    let variables = (!exec.variables.is_empty()).then(|| Arc::new(exec.variables.clone()));
    Siblings { place, redriven, variables }
}

impl Siblings {
    /// The scope a child starts with: its own, inside the parent's.
    fn scope(&self) -> Variables {
        self.variables.as_ref().map(Variables::inner).unwrap_or_default()
    }
}

/// The execution facts of a child. A Parallel branch or inline Map iteration shares the
/// parent's (the Context object shows the parent execution, as AWS's does); a distributed
/// Map's iteration is an execution of its own (`own_execution`).
fn child_info<M: Machine>(parent: &ExecutionInfo, siblings: &Siblings, index: usize, input: &Value, own_execution: bool) -> ExecutionInfo {
    let mut info = parent.clone();
    info.child_of = Some((siblings.place.clone(), index));
    if own_execution {
        info.top_level = Some(parent.top_level_id().into());
        info.name = crate::execution::new_name().into();
        info.input = if M::READS_CONTEXT { input.clone() } else { Value::Null };
    }
    info
}

/// A child execution at its start, recording history when its events belong to the parent's
/// history and the environment records history (a distributed Map's children are executions
/// of their own, whose events the parent's history does not show).
fn new_child<M: Machine>(info: ExecutionInfo, input: Value, history: bool, variables: Variables) -> Execution<M::State> {
    let mut exec = Execution::new(info, M::START, input);
    exec.variables = variables;
    if history {
        exec.history = Some(Vec::new());
    }
    exec
}

/// Drives a child to its end. In a durable run, a child that ended before a restart gives its
/// recorded end, and one that had started carries on from its last checkpoint; after a
/// redrive, a child whose counterpart in the failed attempt (at `redriven`) succeeded keeps
/// that result without running (its events are already in the history). Children that never
/// wait run in place without a journal (`map_now`, [`branch_now`]) and simply run again.
async fn run_child<M: Machine, H: TaskHandler, C: Clock>(
    info: ExecutionInfo,
    env: &Env<H, C>,
    input: Value,
    history: bool,
    redriven: Option<String>,
    variables: Variables,
) -> Result<ChildEnd, Interrupted> {
    let Some(journal) = env.journal() else {
        let mut exec = new_child::<M>(info, input, history, variables);
        // Nested machines have no TimeoutSeconds of their own: straight to the driver, which
        // keeps the boxed child future small.
        let ending = crate::driver::drive::<M, H, C>(&mut exec, env, |_| {}).await;
        return ChildEnd::of(ending, &mut exec);
    };
    let place = info.child_path();
    let end_key = format!("{place}/end");
    if let Some(end) = recorded_end(journal, &end_key)? {
        return Ok(end);
    }
    if let Some(earlier) = redriven {
        if let Some(ChildEnd { outcome: Ok(output), .. }) = recorded_end(journal, &format!("{earlier}/end"))? {
            let kept = ChildEnd { outcome: Ok(output), events: 0, history: Vec::new(), kept: true };
            return record_end(journal, &end_key, kept).await;
        }
    }
    let mut exec = match journal.progress(&place)? {
        None => new_child::<M>(info, input, history, variables),
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Interrupted::unreadable(format!("the checkpoint of '{place}' is unreadable: {e}")))?,
    };
    let ending = crate::driver::drive::<M, H, C>(&mut exec, env, |_| {}).await;
    let end = ChildEnd::of(ending, &mut exec)?;
    record_end(journal, &end_key, end).await
}

/// Records a child's end under `key`; the end kept is the first one recorded there.
async fn record_end(journal: &dyn Journal, key: &str, end: ChildEnd) -> Result<ChildEnd, Interrupted> {
    let kept = journal.record_effect(key, &end.to_value()).await?;
    read_end(key, &kept)
}

/// The end recorded under `key`, if any.
fn recorded_end(journal: &dyn Journal, key: &str) -> Result<Option<ChildEnd>, Interrupted> {
    journal.effect(key)?.map(|v| read_end(key, &v)).transpose()
}

/// A recorded end. One that cannot be read (a damaged store, another build) stops the run
/// rather than running the child again.
fn read_end(key: &str, recorded: &Value) -> Result<ChildEnd, Interrupted> {
    ChildEnd::from_value(recorded).ok_or_else(|| Interrupted::unreadable(format!("the recorded end '{key}' is unreadable")))
}

/// A child's failure as the parent state sees it: its own error, which the parent's Retry and
/// Catch may handle, except a `States.Runtime` error, which already names the state where it
/// happened and passes through unchanged.
fn child_fault(failure: Failure) -> Fault {
    if failure.error == names::RUNTIME {
        Fault::Fatal(Box::new(failure))
    } else {
        Fault::Error(Box::new(failure))
    }
}
