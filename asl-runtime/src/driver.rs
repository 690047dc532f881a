//! The driver: runs an execution from wherever it stands to its end, one state at a time,
//! with the definition's TimeoutSeconds (and any limit its caller sets), the history events of
//! entering and leaving states, and, in a durable run, a checkpoint on entering each state
//! that waits.

use crate::clock::Clock;
use crate::env::Env;
use crate::error::{names, Failure};
use crate::execution::Execution;
use crate::flow::{Ending, Fault, Flow, Interrupted, Outcome};
use crate::handler::TaskHandler;
use crate::machine::Machine;
use crate::payload::MAX_PAYLOAD_BYTES;
use std::time::Duration;

/// Drives `exec` until it ends, applying the definition's TimeoutSeconds.
pub async fn run<M: Machine, H: TaskHandler, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Outcome {
    run_limited::<M, H, C>(exec, env, None, |_| {}).await.into_outcome()
}

/// [`run`], calling `on_enter` with each state as the execution enters it.
pub async fn run_observed<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    on_enter: impl FnMut(M::State) + Send,
) -> Outcome {
    run_limited::<M, H, C>(exec, env, None, on_enter).await.into_outcome()
}

/// Drives `exec` until it ends, within the definition's TimeoutSeconds and, if given, within
/// `limit` from now (an engine's limit on a whole execution: a year for Standard, five minutes
/// for Express). Tells a timeout and an interruption (the durable run could not go on) apart
/// from a failure, and records how the execution ended in its history (none for an interruption).
pub async fn run_to_end<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    limit: Option<Duration>,
) -> Ending {
    run_limited::<M, H, C>(exec, env, limit, |_| {}).await
}

async fn run_limited<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    limit: Option<Duration>,
    on_enter: impl FnMut(M::State) + Send,
) -> Ending {
    if env.records_history() && exec.history.is_none() {
        exec.history = Some(Vec::new());
    }
    if exec.entered_event == 0 {
        if exec.records_history() && exec.events == 1 {
            let input = exec.input.clone();
            let details = || Some(("executionStartedEventDetails", crate::history::execution_started(&input)));
            exec.record_counted_event(1, || env.clock.now(), "ExecutionStarted", details);
        }
        if let Err(failure) = check_input_size(&exec.input) {
            return ended(exec, env, Ending::Failed(failure));
        }
    }
    let ending = match (M::TIMEOUT_SECONDS, limit) {
        (None, None) => drive::<M, H, C>(exec, env, on_enter).await,
        // Boxed: the timers would otherwise make the future of every run larger (crossing 1 KiB
        // for the smallest machines), whether it has a limit or not.
        (timeout, limit) => Box::pin(drive_within::<M, H, C>(exec, env, timeout, limit, on_enter)).await,
    };
    ended(exec, env, ending)
}

/// [`drive`] within TimeoutSeconds (`timeout`) and the caller's `limit`, whichever ends first.
async fn drive_within<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    timeout: Option<u64>,
    limit: Option<Duration>,
    on_enter: impl FnMut(M::State) + Send,
) -> Ending {
    // Durable runs count TimeoutSeconds from the execution's first start (or its redrive),
    // not this resume.
    let key = format!("{}/timeout@{}", exec.info.child_path(), exec.info.redrive_count);
    let timeout = async {
        match timeout {
            Some(secs) => crate::wait::sleep_keyed(env, &key, Duration::from_secs(secs)).await,
            None => std::future::pending().await,
        }
    };
    let limit = async {
        match limit {
            Some(limit) => env.clock.sleep(limit).await,
            None => std::future::pending().await,
        }
    };
    // Biased, the run first: one that ends as a limit passes has ended, as AWS would have it.
    tokio::select! {
        biased;
        ending = drive::<M, H, C>(exec, env, on_enter) => ending,
        timer = timeout => match timer {
            Ok(()) => timed_out(),
            Err(interrupted) => Ending::Interrupted(interrupted),
        },
        () = limit => timed_out(),
    }
}

fn timed_out() -> Ending {
    Ending::TimedOut(Failure::new(names::TIMEOUT, "The execution timed out."))
}

/// Records how the execution ended (ExecutionSucceeded, ExecutionFailed, ExecutionTimedOut).
fn ended<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, ending: Ending) -> Ending {
    if !exec.records_history() {
        return ending;
    }
    let now = || env.clock.now();
    let failure = |f: &Failure| crate::history::failure(&f.error, f.cause.as_deref());
    match &ending {
        Ending::Succeeded(output) => {
            exec.add_event(now, "ExecutionSucceeded", || Some(("executionSucceededEventDetails", crate::history::output_details(output))));
        }
        Ending::Failed(f) => exec.add_event(now, "ExecutionFailed", || Some(("executionFailedEventDetails", failure(f)))),
        Ending::TimedOut(f) => exec.add_event(now, "ExecutionTimedOut", || Some(("executionTimedOutEventDetails", failure(f)))),
        Ending::Interrupted(_) => {}
    }
    ending
}

/// AWS refuses to start an execution whose input is over 256 KiB.
fn check_input_size(input: &serde_json::Value) -> Result<(), Failure> {
    match crate::payload::oversized(input) {
        None => Ok(()),
        Some(len) => Err(Failure::new(
            names::DATA_LIMIT_EXCEEDED,
            format!("The execution input is {len} bytes, over the limit of {MAX_PAYLOAD_BYTES} bytes."),
        )),
    }
}

/// Runs `exec` state after state to its end (no time limit: children have none of their own).
pub(crate) async fn drive<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    mut on_enter: impl FnMut(M::State) + Send,
) -> Ending {
    // States that never wait run back to back in a plain loop; after a budget of them the
    // driver yields, so a long Pass/Choice loop cannot hold the thread (or the execution
    // timeout) off.
    //
    // A durable run checkpoints on entering a state that waits, before it acts: the
    // transitions since the last checkpoint had no effect anyone could see, so a run resumed
    // from there replays them to the same place (and the same history event ids). Long runs
    // of such states are checkpointed every budget too.
    const BUDGET: u32 = 1024;
    loop {
        let (result, budget_spent) = if exec.in_state {
            // Resumed inside a state that waits: carry on without entering it again.
            (run_entered::<M, H, C>(exec, env).await, false)
        } else {
            match run_ready::<M, H, C>(exec, env, &mut on_enter, BUDGET) {
                Ready::Stopped(result) => (result, false),
                Ready::MustWait => {
                    if let Some(full) = history_full(exec, env, false) {
                        return full;
                    }
                    exec.in_state = true;
                    if let Err(interrupted) = save::<M, H, C>(exec, env).await {
                        return Ending::Interrupted(interrupted);
                    }
                    (run_entered::<M, H, C>(exec, env).await, false)
                }
                Ready::Budget => (Ok(Flow::Next), true),
            }
        };
        if let Some(full) = history_full(exec, env, matches!(result, Ok(Flow::Succeed) | Err(_))) {
            return full;
        }
        if let Some(ending) = finish_step::<M, H, C>(exec, env, result) {
            return ending;
        }
        if budget_spent {
            if let Err(interrupted) = save::<M, H, C>(exec, env).await {
                return Ending::Interrupted(interrupted);
            }
            tokio::task::yield_now().await;
        }
    }
}

/// AWS's hard quota of events in an execution's history (Standard executions; Express ones
/// keep none).
pub const MAX_HISTORY_EVENTS: u64 = 25_000;

/// The end of a durable execution whose history is full, as AWS ends it: when 24,999 events
/// are in and the next would not end the execution (`ending`: the step just taken ends it, so
/// the next event is the execution's last), that event is an ExecutionFailed with
/// `States.Runtime`. A step that went past the quota (a run of Pass states, the events of one
/// Task) is cut back to the 24,999 events AWS keeps: the ExecutionFailed is always event
/// 25,000. Children (branches, iterations) count in their parent, which checks.
fn history_full<S: Copy, H, C>(exec: &mut Execution<S>, env: &Env<H, C>, ending: bool) -> Option<Ending> {
    let last_kept = MAX_HISTORY_EVENTS - 1;
    let full = exec.events > last_kept || (exec.events == last_kept && !ending);
    if !full || env.journal().is_none() || exec.info().child_of.is_some() {
        return None;
    }
    exec.truncate_history(last_kept);
    Some(Ending::Failed(Failure::runtime(format!("The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."))))
}

/// Runs the current state, already entered, to its end.
async fn run_entered<M: Machine, H: TaskHandler, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Result<Flow, Fault> {
    let state = exec.state;
    if env.journal().is_some() && exec.entry_input.is_none() {
        // Resumed inside the state: its checkpoint kept the input it entered with.
        exec.entry_input = Some(exec.input.clone());
    }
    let result = M::step(exec, env).await;
    exec.in_state = false;
    exited::<M, H, C>(exec, env, state, &result);
    result
}

/// Hands the journal (if any) the execution as it stands and the events recorded since the
/// last call, atomically. A top-level execution's events go to the history now; a child keeps
/// them in its progress (they reach the parent's history through the parent).
async fn save<M: Machine, H, C>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Result<(), Interrupted> {
    let Some(journal) = env.journal() else { return Ok(()) };
    let place = exec.info.child_path();
    let events = if place.is_empty() { exec.take_history() } else { Vec::new() };
    let bytes = serde_json::to_vec(&*exec).map_err(|e| Interrupted::unreadable(format!("cannot serialize the execution: {e}")))?;
    journal.checkpoint(&place, &bytes, &events).await
}

/// Runs an execution of a machine that never waits ([`Machine::WAITS`] is false) to its end,
/// synchronously.
pub(crate) fn run_now<M: Machine, H: TaskHandler, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Ending {
    loop {
        let result = match run_ready::<M, H, C>(exec, env, &mut |_| {}, u32::MAX) {
            Ready::Stopped(result) => result,
            // Not reached for such a machine; ending the run beats looping.
            Ready::MustWait | Ready::Budget => Err(Fault::runtime("a state that waits reached the synchronous driver")),
        };
        if let Some(ending) = finish_step::<M, H, C>(exec, env, result) {
            return ending;
        }
    }
}

/// What the driver does with a step's result: `None` to go on, or how the run ended.
fn finish_step<M: Machine, H, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>, result: Result<Flow, Fault>) -> Option<Ending> {
    Some(match result {
        Ok(Flow::Next) => return None,
        Ok(Flow::Succeed) => Ending::Succeeded(exec.take_input()),
        Err(Fault::Error(failure) | Fault::Fatal(failure)) => Ending::Failed(*failure),
        Err(Fault::Interrupted(interrupted)) => Ending::Interrupted(*interrupted),
        Err(Fault::OutputTooLarge(len)) => {
            let state = M::state_name(exec.state);
            Ending::Failed(Failure::new(
                names::DATA_LIMIT_EXCEEDED,
                format!("The state '{state}' produced an output of {len} bytes, over the limit of {MAX_PAYLOAD_BYTES} bytes."),
            ))
        }
        Err(Fault::Evaluation(e)) => Ending::Failed(exec.evaluation_failed(|| env.clock.now(), M::state_name(exec.state), *e)),
        Err(Fault::Runtime(cause)) => {
            let state = M::state_name(exec.state);
            Ending::Failed(Failure::runtime(format!(
                "An error occurred while executing the state '{state}' (entered at the event id #{}). {cause}",
                exec.entered_event
            )))
        }
    })
}

/// Enters the current state and runs it: one step of the execution, after which `exec` may be
/// saved (it serializes) and later driven on by [`run`] from where it stopped. The driver does
/// the same, without building a future per non-waiting state.
pub async fn step_once<M: Machine, H: TaskHandler, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Result<Flow, Fault> {
    if exec.in_state {
        return run_entered::<M, H, C>(exec, env).await;
    }
    match run_ready::<M, H, C>(exec, env, &mut |_| {}, 1) {
        Ready::Stopped(result) => result,
        Ready::MustWait => {
            exec.in_state = true;
            run_entered::<M, H, C>(exec, env).await
        }
        Ready::Budget => Ok(Flow::Next),
    }
}

/// How a run of non-waiting states ended.
enum Ready {
    /// A state ended other than by moving on (or moved on after a waiting state).
    Stopped(Result<Flow, Fault>),
    /// The current state, already entered, waits: run it with `Machine::step`.
    MustWait,
    /// `budget` states ran; the next one is not entered yet.
    Budget,
}

/// Enters and runs states for as long as they need no waiting, up to `budget` of them.
fn run_ready<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    on_enter: &mut impl FnMut(M::State),
    budget: u32,
) -> Ready {
    // Two copies of the loop: one that records history or journals each state, and one
    // that does neither. The second calls nothing it cannot inline for Pass states, so the
    // compiler keeps the execution's counters and current state in registers across
    // iterations instead of going through memory on every transition.
    if exec.records_history() || env.journal().is_some() {
        run_ready_loop::<M, H, C, true>(exec, env, on_enter, budget)
    } else {
        run_ready_loop::<M, H, C, false>(exec, env, on_enter, budget)
    }
}

#[inline(always)]
fn run_ready_loop<M: Machine, H: TaskHandler, C: Clock, const OBSERVED: bool>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    on_enter: &mut impl FnMut(M::State),
    budget: u32,
) -> Ready {
    for _ in 0..budget {
        let state = exec.state;
        on_enter(state);
        exec.events += 1; // …StateEntered
        exec.entered_event = exec.events;
        exec.retries.reset();
        if M::TRACKS_ENTERED_TIME {
            exec.entered_time = Some(env.clock.now());
        }
        if OBSERVED && exec.records_history() {
            entered::<M, H, C>(exec, env, state);
        }
        if OBSERVED && env.journal().is_some() {
            exec.entry_input = Some(exec.input.clone());
        }
        match M::step_now(exec, env) {
            Some(Ok(Flow::Next)) => {
                if OBSERVED {
                    exited::<M, H, C>(exec, env, state, &Ok(Flow::Next));
                }
            }
            Some(result) => {
                if OBSERVED {
                    exited::<M, H, C>(exec, env, state, &result);
                }
                return Ready::Stopped(result);
            }
            None => return Ready::MustWait,
        }
    }
    Ready::Budget
}

/// `…StateEntered`, with the state's input.
#[cold]
fn entered<M: Machine, H, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>, state: M::State) {
    let kind = format!("{}StateEntered", M::state_type(state));
    let details = crate::history::state_entered(M::state_name(state), &exec.input);
    exec.record_counted_event(exec.entered_event, || env.clock.now(), &kind, || Some(("stateEnteredEventDetails", details)));
}

/// `…StateExited` (already counted by the state), with its output, when the state moved on
/// or ended the execution successfully.
#[inline(always)]
fn exited<M: Machine, H, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>, state: M::State, result: &Result<Flow, Fault>) {
    // A state that moved on is done with its children; one that failed ends the execution,
    // whose redrive point still needs to know where they sit.
    if result.is_ok() && (exec.redriven_children.is_some() || exec.children_ran.is_some()) {
        exec.redriven_children = None;
        exec.children_ran = None;
    }
    if exec.records_history() && result.is_ok() {
        exited_event::<M, H, C>(exec, env, state);
    }
}

#[cold]
fn exited_event<M: Machine, H, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>, state: M::State) {
    let kind = format!("{}StateExited", M::state_type(state));
    let mut details = crate::history::state_exited(M::state_name(state), &exec.input);
    if let Some(assigned) = exec.assigned.take() {
        crate::history::assigned_variables(&mut details, &assigned);
    }
    exec.record_counted_event(exec.events, || env.clock.now(), &kind, || Some(("stateExitedEventDetails", details)));
}
