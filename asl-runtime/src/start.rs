//! Where runs of an execution begin: a new execution of a compiled machine, one an engine
//! starts for a registered state machine, and one it carries on after a checkpoint or a
//! RedriveExecution. The only ways in from outside the runtime: an engine never edits an
//! [`Execution`] itself.

use crate::clock::Clock;
use crate::context::ExecutionInfo;
use crate::execution::Execution;
use crate::machine::Machine;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::borrow::Cow;

/// Starts an execution of `M` with `input`, named `name`. What only the Context object
/// shows (the input as given, the start time) is kept only when the machine reads it.
pub fn start<M: Machine, C: Clock>(name: impl Into<Cow<'static, str>>, input: Value, clock: &C) -> Execution<M::State> {
    let (kept, started) = match M::READS_CONTEXT {
        true => (input.clone(), Some(clock.now())),
        false => (Value::Null, None),
    };
    Execution::new(ExecutionInfo::new(M::NAME, name, kept, started), M::START, input)
}

/// Starts execution `name` of the registered state machine `machine` (which `M` serves), as
/// StartExecution recorded it at `start_time`.
pub fn start_registered<M: Machine>(
    machine: impl Into<Cow<'static, str>>,
    name: impl Into<Cow<'static, str>>,
    input: Value,
    start_time: DateTime<Utc>,
) -> Execution<M::State> {
    let kept = if M::READS_CONTEXT { input.clone() } else { Value::Null };
    Execution::new(ExecutionInfo::new(machine, name, kept, Some(start_time)), M::START, input)
}

/// An execution as a checkpoint (or a redrive point) saved it: `Execution` serialized with
/// serde_json. Fails when the bytes are not one of `M`'s (written by another build, say).
pub fn resume<M: Machine>(progress: &[u8]) -> Result<Execution<M::State>, serde_json::Error> {
    serde_json::from_slice(progress)
}

/// Carries `exec` into redrive number `redrive_count` of its execution, if it was saved before
/// that redrive; `last_event_id` tells (only then asked) the id of the last event of the
/// execution's history (ExecutionRedriven). The state it stopped in is entered afresh: a new
/// visit, so new attempts, timers and tokens, its events numbered after ExecutionRedriven.
/// Stopped inside a state (a checkpoint, not a redrive point), the children its attempt had
/// started keep their results too.
pub fn enter_redrive<M: Machine, E>(
    exec: &mut Execution<M::State>,
    redrive_count: u32,
    last_event_id: impl FnOnce() -> Result<u64, E>,
) -> Result<(), E> {
    if exec.info.redrive_count >= redrive_count {
        return Ok(());
    }
    exec.events = last_event_id()?;
    if exec.in_state {
        exec.redriven_children = Some(exec.children_place(M::state_name(exec.state)));
    }
    exec.info.redrive_count = redrive_count;
    exec.in_state = false;
    Ok(())
}
