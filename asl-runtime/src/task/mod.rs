//! Running one attempt of a Task state: its history events, the call under its limits and, in
//! a durable run, the journal.
//!
//! | file | owns |
//! |---|---|
//! | `limits.rs` | TimeoutSeconds / HeartbeatSeconds of an attempt, and their `…Path` forms |
//! | `events.rs` | the history events' names and details for each resource family |
//! | `invoke.rs` | one handler call: timeouts, heartbeats, panics, the 256 KiB result limit |
//! | `durable.rs` | recorded outcomes, callback and activity token waits |
//! | `mod.rs` | [`perform`]: one attempt, tying the above together |

mod durable;
mod events;
mod invoke;
mod limits;

pub use invoke::invoke;
pub use limits::{seconds_from_path, Limits};

use crate::clock::Clock;
use crate::env::Env;
use crate::error::names;
use crate::execution::Execution;
use crate::flow::{Fault, Interrupted};
use crate::handler::{TaskCall, TaskHandler};
use durable::{perform_durably, Progress};
use events::{Family, Step};
use serde_json::Value;

/// Runs one attempt of a Task state: its history events (scheduled, started, [submitted],
/// succeeded | failed | timed out), the call under its limits and, in a durable run, the
/// journal: an attempt whose outcome is recorded is not made again, and a callback
/// (`.waitForTaskToken`) or activity task waits for the answer sent for its token, from this
/// process or another. `submitted`: the Task waits for completion (a callback or `.sync`).
pub async fn perform<S: Copy + Send, H: TaskHandler, C: Clock>(
    exec: &mut Execution<S>,
    env: &Env<H, C>,
    call: TaskCall,
    limits: Limits,
    submitted: bool,
) -> Result<Value, Fault> {
    let family = Family::of(call.resource);
    if family == Family::Activity && !activity_exists(env, &call)? {
        // AWS fails the state before anything is scheduled.
        return Err(Fault::runtime(format!("The activity {} does not exist.", call.resource)));
    }
    let history = exec.records_history().then(|| crate::history::resource_parts(call.resource));
    // A durable activity task starts when one of the activity's workers takes it (AWS's
    // ActivityStarted names that worker); any other starts as it is scheduled.
    let started_when_taken = family == Family::Activity && env.journal().is_some();
    match &history {
        // Scheduled, Started unless it waits to be taken, and Submitted for a callback.
        None => exec.count_events(1 + u64::from(!started_when_taken) + u64::from(submitted)),
        Some((kind, resource)) => {
            let now = || env.clock.now();
            exec.add_event(now, family.event(Step::Scheduled).0, || Some(family.scheduled(kind, resource, &call.input, limits)));
            if !started_when_taken {
                exec.add_event(now, family.event(Step::Started).0, || Some(family.started(kind, resource, None)));
            }
        }
    }
    let mut submission_noted = false;
    let outcome = match env.journal() {
        None => invoke(&env.tasks, &env.clock, call, limits).await,
        Some(journal) => {
            let call = TaskCall { context: call.context.awaiting_token(), ..call };
            // TaskSubmitted once the token is out, ActivityStarted once a worker took the
            // task; a wait that may last days shows its events in the history meanwhile.
            let top = exec.info().child_of.is_none();
            let mut progress = |step: Progress<'_>| -> Result<(), Interrupted> {
                match (&history, step) {
                    (Some((kind, resource)), Progress::Submitted(output)) if submitted && family == Family::Task => {
                        let output = output.cloned().unwrap_or_else(|| Value::Object(Default::default()));
                        let details = family.with_resource(kind, resource, crate::history::output_details(&output));
                        exec.add_event(|| env.clock.now(), "TaskSubmitted", || Some(("taskSubmittedEventDetails", details)));
                        submission_noted = true;
                    }
                    (Some((kind, resource)), Progress::Taken(worker)) => {
                        let started = family.event(Step::Started).0;
                        exec.add_event(|| env.clock.now(), started, || Some(family.started(kind, resource, worker)));
                    }
                    (None, Progress::Taken(_)) => exec.count_events(1),
                    _ => {}
                }
                if top {
                    journal.append_events(&exec.take_history())?;
                }
                Ok(())
            };
            perform_durably(journal, env, call, limits, family, top, &mut progress).await?
        }
    };
    match &history {
        None => exec.count_events(1),
        Some((kind, resource)) => {
            let now = || env.clock.now();
            if submitted && family == Family::Task && !submission_noted {
                // Without a journal (or replayed from a recorded outcome): no submission to show.
                let output = Value::Object(Default::default());
                let details = family.with_resource(kind, resource, crate::history::output_details(&output));
                exec.add_event(now, "TaskSubmitted", || Some(("taskSubmittedEventDetails", details)));
            }
            let (step, details) = match &outcome {
                Ok(v) => (Step::Succeeded, family.succeeded(kind, resource, v)),
                Err(f) if f.error == names::TIMEOUT => (Step::TimedOut, family.failed(Step::TimedOut, kind, resource, f)),
                Err(f) => (Step::Failed, family.failed(Step::Failed, kind, resource, f)),
            };
            exec.add_event(now, family.event(step).0, || Some(details));
        }
    }
    outcome.map_err(Fault::from)
}

/// The task token of the current attempt of Task state `state_name` (`$$.Task.Token`): 256
/// bits from the thread's cryptographically secure generator, so no one can guess another
/// execution's token and answer for it. A durable run records it with the attempt, so a run
/// resumed after a crash hands out the same token, to which the answer may already have come.
pub async fn token<S: Copy, H, C>(exec: &Execution<S>, env: &Env<H, C>, state_name: &str) -> Result<String, Fault> {
    Ok(issued_token(env.journal(), &exec.attempt_key(state_name)).await?)
}

/// A new token, or the one recorded for the attempt `key` already.
async fn issued_token(journal: Option<&dyn crate::durable::Journal>, key: &str) -> Result<String, Interrupted> {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let fresh = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let Some(journal) = journal else { return Ok(fresh) };
    let kept = journal.record_effect(&format!("{key}/token"), &Value::String(fresh)).await?;
    kept.as_str().map(str::to_owned).ok_or_else(|| Interrupted::unreadable(format!("the recorded token of '{key}' is unreadable: {kept}")))
}

/// Whether the activity a Task names exists: the journal's registry in a durable run (unless
/// the attempt happened already: its recorded outcome is replayed whatever became of the
/// activity), the handler's word otherwise.
fn activity_exists<H: TaskHandler, C>(env: &Env<H, C>, call: &TaskCall) -> Result<bool, Interrupted> {
    match env.journal() {
        None => Ok(env.tasks.activity_exists(call.state, call.resource)),
        Some(journal) => Ok(journal.effect(&call.context.idempotency_key)?.is_some() || journal.activity_exists(call.resource)?),
    }
}

#[cfg(test)]
mod tests;
