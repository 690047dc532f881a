//! A Task attempt in a durable run: its outcome recorded once and replayed after a restart;
//! callbacks (`.waitForTaskToken`) and activities waiting in the journal for the answer sent for
//! their token, from this process or another, with TimeoutSeconds counted from when the wait
//! first began and HeartbeatSeconds from the last heartbeat.

use super::events::Family;
use super::invoke::{invoke, limited, Window};
use super::limits::Limits;
use crate::clock::Clock;
use crate::durable::{outcome_from_value, outcome_to_value, recorded_time, Journal, TokenEvents, TokenRequest};
use crate::env::Env;
use crate::flow::{Interrupted, Outcome};
use crate::handler::{TaskCall, TaskHandler};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// What a durable attempt tells its Task state while it waits, for the history.
pub(super) enum Progress<'a> {
    /// A callback's token went out (with what the handler returned), or an activity's task
    /// was offered: the moment its wait begins.
    Submitted(Option<&'a Value>),
    /// An activity's task was taken by the worker of this name.
    Taken(Option<&'a str>),
}

/// Reports [`Progress`] to the Task state (which records it in the history).
pub(super) type OnProgress<'p> = dyn FnMut(Progress<'_>) -> Result<(), Interrupted> + Send + 'p;

/// A durable attempt: the recorded outcome if there is one; else the call (or the wait for
/// the token), whose outcome is then recorded, telling `progress` how the wait goes.
/// `top`: the Task is the execution's own, not a branch's or an iteration's, so its wait may
/// be parked.
pub(super) async fn perform_durably<H: TaskHandler, C: Clock>(
    journal: &dyn Journal,
    env: &Env<H, C>,
    call: TaskCall,
    limits: Limits,
    family: Family,
    top: bool,
    progress: &mut OnProgress<'_>,
) -> Result<Outcome, Interrupted> {
    let key = call.context.idempotency_key.clone();
    if let Some(recorded) = journal.effect(&key)? {
        let outcome = recorded_outcome(&key, &recorded)?;
        // A replayed activity was taken before its outcome, by the worker remembered then.
        if family == Family::Activity {
            if let Some(worker) = journal.effect(&taken_key(&key))? {
                progress(Progress::Taken(worker.as_str()))?;
            }
        }
        return Ok(outcome);
    }
    let kept = match call.context.task_token.clone() {
        None if family != Family::Activity => {
            // What the run recorded so far is durable before the handler acts on any of it.
            journal.settle().await?;
            let outcome = invoke(&env.tasks, &env.clock, call, limits).await;
            // Durable with the run's next write, before anything outside the run can learn of
            // it: one transaction per Task rather than two.
            journal.defer_effect(&key, &outcome_to_value(&outcome))?
        }
        token => {
            // An activity's token is the runtime's own; a callback's came with the call.
            let token = match token {
                Some(token) => token,
                None => super::issued_token(Some(journal), &key).await?,
            };
            let outcome = wait_for_token(journal, env, call, limits, family, &key, token, top, progress).await?;
            journal.record_effect(&key, &outcome_to_value(&outcome)).await?
        }
    };
    recorded_outcome(&key, &kept)
}

/// An outcome as the journal keeps it. One it cannot read (a damaged store, another build)
/// stops the run rather than doing the task again.
fn recorded_outcome(key: &str, recorded: &Value) -> Result<Outcome, Interrupted> {
    outcome_from_value(recorded).ok_or_else(|| Interrupted::unreadable(format!("the recorded outcome of '{key}' is unreadable: {recorded}")))
}

/// A callback: the handler hands the token out (to a queue, a person, …) and the task's result
/// is what is later sent for the token. An activity: no handler at all, the activity's workers
/// fetch the task with GetActivityTask. A wait that ends without an answer (timeout, a failing
/// handler) closes the token, so a late answer gets AWS's TaskTimedOut rather than vanishing.
#[allow(clippy::too_many_arguments)]
async fn wait_for_token<H: TaskHandler, C: Clock>(
    journal: &dyn Journal,
    env: &Env<H, C>,
    call: TaskCall,
    limits: Limits,
    family: Family,
    key: &str,
    token: String,
    top: bool,
    progress: &mut OnProgress<'_>,
) -> Result<Outcome, Interrupted> {
    let request = TokenRequest {
        token: token.clone(),
        state: call.state.to_string(),
        activity: (family == Family::Activity).then(|| call.resource.to_string()),
        input: call.input.clone(),
    };
    journal.issue_token(&request)?;
    let beat = call.context.heartbeats();
    let state = call.state;
    let submit_key = format!("{key}/submitted");
    let submission = match family {
        Family::Activity => None,
        _ => match journal.effect(&submit_key)? {
            Some(done) => Some(done),
            None => match invoke(&env.tasks, &env.clock, call, Limits::default()).await {
                // The token never went out: the attempt fails, and its token is dead.
                Err(f) => return closing(journal, &token, Err(f)),
                Ok(v) => Some(journal.record_effect(&submit_key, &v).await?),
            },
        },
    };
    progress(Progress::Submitted(submission.as_ref()))?;
    // The wait may span restarts: its TimeoutSeconds counts from when it first began, and its
    // HeartbeatSeconds from the last heartbeat (see `Heard`) or, before any, that beginning.
    let elapsed = elapsed_since_first(journal, &format!("{key}/started"), env).await?;
    let window = Window::default();
    window.next(limits.heartbeat.map(|h| h.saturating_sub(elapsed)));
    let limits = Limits { timeout: limits.timeout.map(|t| t.saturating_sub(elapsed)), ..limits };
    let now = env.clock.now();
    let after = |d: Option<Duration>| d.and_then(|d| chrono::Duration::from_std(d).ok()).and_then(|d| now.checked_add_signed(d));
    let heard = Heard {
        env,
        limits,
        window: &window,
        beat: beat.clone(),
        taken: Default::default(),
        taken_signal: Notify::new(),
        timeout_at: after(limits.timeout),
        // The window it is in: from the wait's start, until a heartbeat says otherwise.
        heartbeat_due: Mutex::new(after(limits.heartbeat.map(|h| h.saturating_sub(elapsed)))),
        parkable: top,
    };
    let wait = limited(state, journal.await_token(&token, &heard), beat, &window, &env.clock, limits);
    tokio::pin!(wait);
    let answer = loop {
        tokio::select! {
            biased;
            answer = &mut wait => break answer?,
            () = heard.taken_signal.notified() => {
                if let Some(worker) = heard.take_taken() {
                    taken(journal, key, worker.as_deref(), progress).await?;
                }
            }
        }
    };
    // Taken and answered at once: the start comes before the end.
    if let Some(worker) = heard.take_taken() {
        taken(journal, key, worker.as_deref(), progress).await?;
    }
    closing(journal, &token, answer)
}

/// An activity task was taken: remembered (a replay of the recorded outcome writes the same
/// ActivityStarted), then told to the Task state.
async fn taken(journal: &dyn Journal, key: &str, worker: Option<&str>, progress: &mut OnProgress<'_>) -> Result<(), Interrupted> {
    journal.record_effect(&taken_key(key), &worker.map_or(Value::Null, Value::from)).await?;
    progress(Progress::Taken(worker))
}

/// Where the worker that took an activity task is remembered.
fn taken_key(key: &str) -> String {
    format!("{key}/taken")
}

/// What a token wait hears: heartbeats restart the HeartbeatSeconds window (a resumed wait
/// continues the window of the last heartbeat before it, from when the store says it came);
/// an activity task taken by a worker is handed to the Task state, which records
/// ActivityStarted.
struct Heard<'a, H, C> {
    env: &'a Env<H, C>,
    limits: Limits,
    window: &'a Window,
    beat: Arc<Notify>,
    /// `Some(worker name)` once the task was taken, until the Task state takes it.
    taken: Mutex<Option<Option<String>>>,
    taken_signal: Notify,
    /// When TimeoutSeconds runs out, and when the current HeartbeatSeconds window does, if
    /// they are set: the latest a parked wait wakes.
    timeout_at: Option<chrono::DateTime<chrono::Utc>>,
    heartbeat_due: Mutex<Option<chrono::DateTime<chrono::Utc>>>,
    parkable: bool,
}

impl<H, C> Heard<'_, H, C> {
    fn take_taken(&self) -> Option<Option<String>> {
        self.taken.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }
}

impl<H: TaskHandler, C: Clock> TokenEvents for Heard<'_, H, C> {
    fn heartbeat(&self, _count: u64, came: Option<chrono::DateTime<chrono::Utc>>) {
        let now = self.env.clock.now();
        let since = came.map_or(Duration::ZERO, |t| (now - t).to_std().unwrap_or(Duration::ZERO));
        let left = self.limits.heartbeat.map(|h| h.saturating_sub(since));
        self.window.next(left);
        let due = left.and_then(|d| chrono::Duration::from_std(d).ok()).and_then(|d| now.checked_add_signed(d));
        *self.heartbeat_due.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = due;
        self.beat.notify_one();
    }

    fn park_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        if !self.parkable {
            return None;
        }
        let heartbeat = *self.heartbeat_due.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let until = [self.timeout_at, heartbeat].into_iter().flatten().min().unwrap_or_else(crate::durable::never);
        // A limit about to run out (or run out already: a resumed wait whose time is up) is
        // waited for here; parking would only wake the execution again at once.
        let left = (until - self.env.clock.now()).to_std().unwrap_or(Duration::ZERO);
        (left >= crate::wait::PARK_AFTER).then_some(until)
    }

    fn taken(&self, worker_name: Option<&str>) {
        *self.taken.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(worker_name.map(str::to_owned));
        self.taken_signal.notify_one();
    }
}

/// The outcome of a token wait, closing the token when the wait ended without an answer; an
/// answer that arrived in the meantime wins.
fn closing(journal: &dyn Journal, token: &str, outcome: Outcome) -> Result<Outcome, Interrupted> {
    if outcome.is_ok() {
        return Ok(outcome);
    }
    Ok(journal.close_token(token)?.unwrap_or(outcome))
}

/// How long ago the effect `key` was first recorded (now, if this is the first time).
async fn elapsed_since_first<H, C: Clock>(journal: &dyn Journal, key: &str, env: &Env<H, C>) -> Result<Duration, Interrupted> {
    let now = env.clock.now();
    let first = recorded_time(journal, key, now).await?;
    Ok((now - first).to_std().unwrap_or(Duration::ZERO))
}
