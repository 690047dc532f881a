//! Task binding: the one trait a harness implements to serve any workflow's Task states, the
//! call it receives, and the runner that applies TimeoutSeconds, HeartbeatSeconds, panics and
//! the 256 KiB result limit around it.

use crate::clock::Clock;
use crate::error::{names, Failure};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Notify;

/// Serves Task states. Generated code also offers a typed trait per workflow (one method per
/// Task state) and an adapter from it to this one.
pub trait TaskHandler: Send + Sync {
    fn call(&self, call: TaskCall) -> impl Future<Output = Result<Value, Failure>> + Send;
}

impl<T: TaskHandler> TaskHandler for &T {
    fn call(&self, call: TaskCall) -> impl Future<Output = Result<Value, Failure>> + Send {
        (**self).call(call)
    }
}

impl<T: TaskHandler> TaskHandler for Arc<T> {
    fn call(&self, call: TaskCall) -> impl Future<Output = Result<Value, Failure>> + Send {
        (**self).call(call)
    }
}

/// A workflow without Task states needs no handler.
impl TaskHandler for () {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        Err(Failure::new(names::TASK_FAILED, format!("no handler is bound for Task state '{}'", call.state)))
    }
}

/// One invocation of a Task state.
#[derive(Debug, Clone)]
pub struct TaskCall {
    /// The Task state's name.
    pub state: &'static str,
    /// Its `Resource`, as written.
    pub resource: &'static str,
    /// The effective input (after InputPath and Parameters).
    pub input: Value,
    /// The evaluated `Credentials` field (`{"RoleArn": …}`), for handlers that assume a role.
    pub credentials: Option<Value>,
    pub context: TaskContext,
}

/// What a handler may know and do about its invocation.
#[derive(Debug, Clone)]
pub struct TaskContext {
    pub execution_id: String,
    /// 0 for the first attempt, then one more per retry.
    pub attempt: u32,
    /// (execution id, state, visit, attempt): the same on a replay of the same attempt, so a
    /// handler can make its side effect happen once.
    pub idempotency_key: String,
    /// `$$.Task.Token` for `.waitForTaskToken` resources.
    pub task_token: Option<String>,
    heartbeat: Arc<Notify>,
}

impl TaskContext {
    /// `child_path` places a Parallel branch or Map iteration inside its execution
    /// (`/Fan#1`), empty at the top level.
    pub fn new(execution_id: &str, child_path: &str, state: &str, visit: u64, attempt: u32, task_token: Option<String>) -> Self {
        TaskContext {
            execution_id: execution_id.to_string(),
            attempt,
            idempotency_key: format!("{execution_id}{child_path}/{state}/{visit}/{attempt}"),
            task_token,
            heartbeat: Arc::new(Notify::new()),
        }
    }

    /// Tells the runner the task is alive (resets the HeartbeatSeconds clock).
    pub fn heartbeat(&self) {
        self.heartbeat.notify_one();
    }
}

/// The timing limits of one Task attempt.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub timeout: Option<Duration>,
    pub heartbeat: Option<Duration>,
}

/// `TimeoutSecondsPath` / `HeartbeatSecondsPath`: a positive whole number read from the input.
pub fn seconds_from_path(p: &crate::path::Path, input: &Value) -> Result<Duration, crate::execution::Fault> {
    use crate::execution::Fault;
    let v = crate::path::get(p, input).ok_or_else(|| Fault::runtime(crate::path::missing_path_message(p, input)))?;
    match v.as_u64() {
        Some(n) if n > 0 => Ok(Duration::from_secs(n)),
        _ => Err(Fault::runtime(format!(
            "The value of '{}' must be a positive integer, but was: {}",
            p.text(),
            crate::io::compact(v)
        ))),
    }
}

/// Task results larger than this fail with `States.DataLimitExceeded`.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Runs one attempt of a Task state: its history events (scheduled, started, [submitted],
/// succeeded | failed | timed out), the call under its limits and, in a durable run, the
/// journal: an attempt whose outcome is recorded is not made again, and a callback
/// (`.waitForTaskToken`) or activity task waits for the answer sent for its token, from this
/// process or another. `submitted`: the Task waits for completion (a callback or `.sync`).
pub async fn perform<S: Copy + Send, H: TaskHandler, C: Clock>(
    exec: &mut crate::Execution<S>,
    env: &crate::Env<H, C>,
    call: TaskCall,
    limits: Limits,
    submitted: bool,
) -> Result<Value, Failure> {
    let family = Family::of(call.resource);
    if let (Family::Activity, Some(journal)) = (family, &env.journal) {
        // A missing activity fails the state before anything is scheduled; an attempt that
        // happened already (its outcome is recorded) is replayed whatever became of it.
        if journal.effect(&call.context.idempotency_key)?.is_none() {
            journal.check_activity(call.resource)?;
        }
    }
    let history = exec.records_history().then(|| crate::history::resource_parts(call.resource));
    // A durable activity task starts when one of the activity's workers takes it (AWS's
    // ActivityStarted names that worker); any other starts as it is scheduled.
    let started_when_taken = family == Family::Activity && env.journal.is_some();
    match &history {
        // Scheduled, Started unless it waits to be taken, and Submitted for a callback.
        None => exec.record(1 + u64::from(!started_when_taken) + u64::from(submitted)),
        Some((kind, resource)) => {
            let now = || env.clock.now();
            exec.note(now, family.name("Scheduled"), || Some(family.scheduled(kind, resource, &call.input, limits)));
            if !started_when_taken {
                exec.note(now, family.name("Started"), || Some(family.started(kind, resource, None)));
            }
        }
    }
    let mut submission_noted = false;
    let outcome = match &env.journal {
        None => invoke(&env.tasks, &env.clock, call, limits).await,
        Some(journal) => {
            // TaskSubmitted once the token is out, ActivityStarted once a worker took the
            // task; a wait that may last days shows its events in the history meanwhile.
            let top = exec.info.child_of.is_none();
            let mut progress = |step: Progress<'_>| -> Result<(), Failure> {
                match (&history, step) {
                    (Some((kind, resource)), Progress::Submitted(output)) if submitted && family == Family::Task => {
                        let output = output.cloned().unwrap_or_else(|| Value::Object(Default::default()));
                        let details = family.with_resource(kind, resource, crate::history::output_details(&output));
                        exec.note(|| env.clock.now(), "TaskSubmitted", || Some(("taskSubmittedEventDetails", details)));
                        submission_noted = true;
                    }
                    (Some((kind, resource)), Progress::Taken(worker)) => {
                        exec.note(|| env.clock.now(), family.name("Started"), || Some(family.started(kind, resource, worker)));
                    }
                    (None, Progress::Taken(_)) => exec.record(1),
                    _ => {}
                }
                if top {
                    journal.append_events(&exec.take_history())?;
                }
                Ok(())
            };
            perform_durably(&**journal, env, call, limits, family, &mut progress).await
        }
    };
    if let Some((kind, resource)) = &history {
        let now = || env.clock.now();
        if submitted && family == Family::Task && !submission_noted {
            // Without a journal (or replayed from a recorded outcome): no submission to show.
            let output = Value::Object(Default::default());
            exec.note(now, "TaskSubmitted", || Some(("taskSubmittedEventDetails", family.with_resource(kind, resource, crate::history::output_details(&output)))));
        }
        match &outcome {
            Ok(v) => exec.note(now, family.name("Succeeded"), || Some(family.succeeded(kind, resource, v))),
            Err(f) if f.error == names::TIMEOUT => exec.note(now, family.name("TimedOut"), || Some(family.failed("TimedOut", kind, resource, f))),
            Err(f) if f.error == crate::durable::INTERRUPTED => {}
            Err(f) => exec.note(now, family.name("Failed"), || Some(family.failed("Failed", kind, resource, f))),
        }
    } else {
        exec.record(1);
    }
    outcome
}

/// What a durable attempt tells its Task state while it waits, for the history.
enum Progress<'a> {
    /// A callback's token went out (with what the handler returned), or an activity's task
    /// was offered: the moment its wait begins.
    Submitted(Option<&'a Value>),
    /// An activity's task was taken by the worker of this name.
    Taken(Option<&'a str>),
}

/// A durable attempt: the recorded outcome if there is one; else the call (or the wait for
/// the token), whose outcome is then recorded, telling `progress` how the wait goes.
async fn perform_durably<H: TaskHandler, C: Clock>(
    journal: &dyn crate::durable::Journal,
    env: &crate::Env<H, C>,
    call: TaskCall,
    limits: Limits,
    family: Family,
    progress: &mut (dyn FnMut(Progress<'_>) -> Result<(), Failure> + Send),
) -> Result<Value, Failure> {
    use crate::durable::{outcome_from_value, outcome_to_value};
    let key = call.context.idempotency_key.clone();
    if let Some(recorded) = journal.effect(&key)? {
        if let Some(outcome) = outcome_from_value(&recorded) {
            // A replayed activity was taken before its outcome, by the worker remembered then.
            if family == Family::Activity {
                if let Some(worker) = journal.effect(&taken_key(&key))? {
                    progress(Progress::Taken(worker.as_str()))?;
                }
            }
            return outcome;
        }
    }
    let outcome = match call.context.task_token.clone() {
        None if family != Family::Activity => invoke(&env.tasks, &env.clock, call, limits).await,
        token => {
            let token = token.unwrap_or_else(|| format!("{key}#activity"));
            wait_for_token(journal, env, call, limits, family, &key, token, progress).await
        }
    };
    if outcome.as_ref().is_err_and(|f| f.error == crate::durable::INTERRUPTED) {
        return outcome;
    }
    let kept = journal.record_effect(&key, &outcome_to_value(&outcome))?;
    outcome_from_value(&kept).unwrap_or(outcome)
}

/// A callback: the handler hands the token out (to a queue, a person, …) and the task's result
/// is what is later sent for the token. An activity: no handler at all, the activity's workers
/// fetch the task with GetActivityTask. A wait that ends without an answer (timeout, a failing
/// handler) closes the token, so a late answer gets AWS's TaskTimedOut rather than vanishing.
#[allow(clippy::too_many_arguments)]
async fn wait_for_token<H: TaskHandler, C: Clock>(
    journal: &dyn crate::durable::Journal,
    env: &crate::Env<H, C>,
    call: TaskCall,
    limits: Limits,
    family: Family,
    key: &str,
    token: String,
    progress: &mut (dyn FnMut(Progress<'_>) -> Result<(), Failure> + Send),
) -> Result<Value, Failure> {
    let request = crate::durable::TokenRequest {
        token: token.clone(),
        state: call.state.to_string(),
        activity: (family == Family::Activity).then(|| call.resource.to_string()),
        input: call.input.clone(),
    };
    journal.issue_token(&request)?;
    let beat = call.context.heartbeat.clone();
    let state = call.state;
    let submit_key = format!("{key}/submitted");
    let submission = match family {
        Family::Activity => None,
        _ => match journal.effect(&submit_key)? {
            Some(done) => Some(done),
            None => match invoke(&env.tasks, &env.clock, call, Limits::default()).await {
                // The token never went out: the attempt fails, and its token is dead.
                Err(f) => return closing(journal, &token, Err(f)),
                Ok(v) => Some(journal.record_effect(&submit_key, &v)?),
            },
        },
    };
    progress(Progress::Submitted(submission.as_ref()))?;
    // The wait may span restarts: its TimeoutSeconds counts from when it first began, and its
    // HeartbeatSeconds from the last heartbeat (see `Heard`) or, before any, that beginning.
    let elapsed = elapsed_since_first(journal, &format!("{key}/started"), env)?;
    let window = Window::default();
    window.next(limits.heartbeat.map(|h| h.saturating_sub(elapsed)));
    let limits = Limits { timeout: limits.timeout.map(|t| t.saturating_sub(elapsed)), ..limits };
    let heard = Heard { env, limits, window: &window, beat: beat.clone(), taken: Default::default(), taken_signal: Notify::new() };
    let wait = limited(state, journal.await_token(&token, &heard), beat, &window, &env.clock, limits);
    tokio::pin!(wait);
    let answer = loop {
        tokio::select! {
            biased;
            answer = &mut wait => break answer,
            () = heard.taken_signal.notified() => {
                if let Some(worker) = heard.take_taken() {
                    taken(journal, key, worker.as_deref(), progress)?;
                }
            }
        }
    };
    // Taken and answered at once: the start comes before the end.
    if let Some(worker) = heard.take_taken() {
        taken(journal, key, worker.as_deref(), progress)?;
    }
    closing(journal, &token, answer)
}

/// An activity task was taken: remembered (a replay of the recorded outcome writes the same
/// ActivityStarted), then told to the Task state.
fn taken(
    journal: &dyn crate::durable::Journal,
    key: &str,
    worker: Option<&str>,
    progress: &mut (dyn FnMut(Progress<'_>) -> Result<(), Failure> + Send),
) -> Result<(), Failure> {
    journal.record_effect(&taken_key(key), &worker.map_or(Value::Null, Value::from))?;
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
    env: &'a crate::Env<H, C>,
    limits: Limits,
    window: &'a Window,
    beat: Arc<Notify>,
    /// `Some(worker name)` once the task was taken, until the Task state takes it.
    taken: std::sync::Mutex<Option<Option<String>>>,
    taken_signal: Notify,
}

impl<H, C> Heard<'_, H, C> {
    fn take_taken(&self) -> Option<Option<String>> {
        self.taken.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }
}

impl<H: TaskHandler, C: Clock> crate::durable::TokenEvents for Heard<'_, H, C> {
    fn heartbeat(&self, _count: u64, came: Option<chrono::DateTime<chrono::Utc>>) {
        let since = came.map_or(Duration::ZERO, |t| (self.env.clock.now() - t).to_std().unwrap_or(Duration::ZERO));
        self.window.next(self.limits.heartbeat.map(|h| h.saturating_sub(since)));
        self.beat.notify_one();
    }

    fn taken(&self, worker_name: Option<&str>) {
        *self.taken.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(worker_name.map(str::to_owned));
        self.taken_signal.notify_one();
    }
}

/// The length of the next HeartbeatSeconds window, when it is not the whole of it (a wait
/// resumed after a restart continues the window its first run was in).
#[derive(Default)]
struct Window(std::sync::Mutex<Option<Duration>>);

impl Window {
    fn next(&self, left: Option<Duration>) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = left;
    }

    fn take(&self) -> Option<Duration> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }
}

/// The outcome of a token wait, closing the token when the wait ended without an answer; an
/// answer that arrived in the meantime wins.
fn closing(journal: &dyn crate::durable::Journal, token: &str, outcome: Result<Value, Failure>) -> Result<Value, Failure> {
    match &outcome {
        Ok(_) => outcome,
        Err(f) if f.error == crate::durable::INTERRUPTED => outcome,
        Err(_) => match journal.close_token(token) {
            Err(f) => Err(f),
            Ok(Some(answer)) => answer,
            Ok(None) => outcome,
        },
    }
}

/// How long ago the effect `key` was first recorded (now, if this is the first time).
fn elapsed_since_first<H, C: Clock>(journal: &dyn crate::durable::Journal, key: &str, env: &crate::Env<H, C>) -> Result<Duration, Failure> {
    let now = env.clock.now();
    let first = crate::durable::recorded_time(journal, key, now)?;
    Ok((now - first).to_std().unwrap_or(Duration::ZERO))
}

/// Which events a Task's resource gives: Lambda functions and activities have their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Task,
    Lambda,
    Activity,
}

impl Family {
    fn of(resource: &str) -> Family {
        if resource.starts_with("arn:aws:lambda:") {
            Family::Lambda
        } else if resource.split(':').nth(5) == Some("activity") {
            Family::Activity
        } else {
            Family::Task
        }
    }

    fn name(self, what: &str) -> &'static str {
        match (self, what) {
            (Family::Task, "Scheduled") => "TaskScheduled",
            (Family::Task, "Started") => "TaskStarted",
            (Family::Task, "Succeeded") => "TaskSucceeded",
            (Family::Task, "Failed") => "TaskFailed",
            (Family::Task, _) => "TaskTimedOut",
            (Family::Lambda, "Scheduled") => "LambdaFunctionScheduled",
            (Family::Lambda, "Started") => "LambdaFunctionStarted",
            (Family::Lambda, "Succeeded") => "LambdaFunctionSucceeded",
            (Family::Lambda, "Failed") => "LambdaFunctionFailed",
            (Family::Lambda, _) => "LambdaFunctionTimedOut",
            (Family::Activity, "Scheduled") => "ActivityScheduled",
            (Family::Activity, "Started") => "ActivityStarted",
            (Family::Activity, "Succeeded") => "ActivitySucceeded",
            (Family::Activity, "Failed") => "ActivityFailed",
            (Family::Activity, _) => "ActivityTimedOut",
        }
    }

    /// The details key of event `kind` (`TaskScheduled` → `taskScheduledEventDetails`).
    fn key(kind: &str) -> &'static str {
        match kind {
            "TaskScheduled" => "taskScheduledEventDetails",
            "TaskStarted" => "taskStartedEventDetails",
            "TaskSucceeded" => "taskSucceededEventDetails",
            "TaskFailed" => "taskFailedEventDetails",
            "TaskTimedOut" => "taskTimedOutEventDetails",
            "LambdaFunctionScheduled" => "lambdaFunctionScheduledEventDetails",
            "LambdaFunctionStarted" => "lambdaFunctionStartedEventDetails",
            "LambdaFunctionSucceeded" => "lambdaFunctionSucceededEventDetails",
            "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
            "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
            "ActivityScheduled" => "activityScheduledEventDetails",
            "ActivityStarted" => "activityStartedEventDetails",
            "ActivitySucceeded" => "activitySucceededEventDetails",
            "ActivityFailed" => "activityFailedEventDetails",
            _ => "activityTimedOutEventDetails",
        }
    }

    fn with_resource(self, kind: &str, resource: &str, details: Value) -> Value {
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

    fn scheduled(self, kind: &str, resource: &str, input: &Value, limits: Limits) -> (&'static str, Value) {
        let mut d = serde_json::Map::new();
        match self {
            Family::Task => {
                d.insert("resourceType".into(), kind.into());
                d.insert("resource".into(), resource.into());
                d.insert("region".into(), "local".into());
                d.insert("parameters".into(), crate::io::compact(input).into());
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
        (Family::key(self.name("Scheduled")), Value::Object(d))
    }

    /// `worker`: for an activity, the name the worker that took the task gave, if any.
    fn started(self, kind: &str, resource: &str, worker: Option<&str>) -> (&'static str, Value) {
        let d = match (self, worker) {
            (Family::Task, _) => serde_json::json!({ "resourceType": kind, "resource": resource }),
            (Family::Activity, Some(name)) => serde_json::json!({ "workerName": name }),
            (Family::Lambda | Family::Activity, _) => serde_json::json!({}),
        };
        (Family::key(self.name("Started")), d)
    }

    fn succeeded(self, kind: &str, resource: &str, output: &Value) -> (&'static str, Value) {
        (Family::key(self.name("Succeeded")), self.with_resource(kind, resource, crate::history::output_details(output)))
    }

    fn failed(self, what: &str, kind: &str, resource: &str, f: &Failure) -> (&'static str, Value) {
        let details = crate::history::failure(&f.error, f.cause.as_deref());
        (Family::key(self.name(what)), self.with_resource(kind, resource, details))
    }
}

/// Calls the handler once under `limits`. A panic in the handler becomes a `States.TaskFailed`
/// failure naming the state, so one bad handler cannot take the process down.
pub async fn invoke<H: TaskHandler, C: Clock>(tasks: &H, clock: &C, call: TaskCall, limits: Limits) -> Result<Value, Failure> {
    let state = call.state;
    let beat = call.context.heartbeat.clone();
    let work = CatchUnwind(Box::pin(tasks.call(call)));
    let work = async move {
        match work.await {
            Err(panic) => Err(Failure::new(names::TASK_FAILED, format!("the handler of Task state '{state}' panicked: {panic}"))),
            // The name the runtime keeps for a run its journal stopped cannot come from a handler.
            Ok(Err(f)) if f.error == crate::durable::INTERRUPTED => {
                Err(Failure::new(names::TASK_FAILED, format!("the handler of Task state '{state}' failed with the reserved error name {}", f.error)))
            }
            Ok(result) => result,
        }
    };
    limited(state, work, beat, &Window::default(), clock, limits).await
}

/// Runs `work` under TimeoutSeconds and HeartbeatSeconds (each `beat` notification restarts
/// the heartbeat clock, for the whole HeartbeatSeconds unless `window` says less), then checks
/// the result against the 256 KiB limit.
async fn limited<C: Clock>(
    state: &str,
    work: impl Future<Output = Result<Value, Failure>>,
    beat: Arc<Notify>,
    window: &Window,
    clock: &C,
    limits: Limits,
) -> Result<Value, Failure> {
    tokio::pin!(work);
    let overall = optional_sleep(clock, limits.timeout);
    tokio::pin!(overall);
    loop {
        let heartbeat = optional_sleep(clock, limits.heartbeat.map(|whole| window.take().unwrap_or(whole)));
        // In this order: a heartbeat the work reports as it is polled (a resumed wait learns
        // of past heartbeats on its first poll) counts before a window that has run out.
        tokio::select! {
            biased;
            result = &mut work => return check_size(state, result?),
            () = beat.notified() => continue,
            () = &mut overall => return Err(Failure::bare(names::TIMEOUT)),
            () = heartbeat => return Err(Failure::bare(names::TIMEOUT)),
        }
    }
}

async fn optional_sleep<C: Clock>(clock: &C, d: Option<Duration>) {
    match d {
        Some(d) => clock.sleep(d).await,
        None => std::future::pending().await,
    }
}

fn check_size(state: &str, value: Value) -> Result<Value, Failure> {
    if crate::io::oversized(&value).is_some() {
        return Err(Failure::new(
            names::DATA_LIMIT_EXCEEDED,
            format!("The state/task '{state}' returned a result with a size exceeding the maximum number of bytes service limit."),
        ));
    }
    Ok(value)
}

/// Polls a future, turning a panic into an `Err` with the panic message.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => {
                let msg = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".to_string());
                Poll::Ready(Err(msg))
            }
        }
    }
}
