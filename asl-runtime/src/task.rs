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

/// Calls the handler once under `limits`. A panic in the handler becomes a `States.TaskFailed`
/// failure naming the state, so one bad handler cannot take the process down.
pub async fn invoke<H: TaskHandler, C: Clock>(tasks: &H, clock: &C, call: TaskCall, limits: Limits) -> Result<Value, Failure> {
    let state = call.state;
    let beat = call.context.heartbeat.clone();
    let work = CatchUnwind(Box::pin(tasks.call(call)));
    tokio::pin!(work);
    let overall = optional_sleep(clock, limits.timeout);
    tokio::pin!(overall);
    loop {
        let heartbeat = optional_sleep(clock, limits.heartbeat);
        tokio::select! {
            result = &mut work => {
                let value = result.map_err(|panic| Failure::new(names::TASK_FAILED,
                    format!("the handler of Task state '{state}' panicked: {panic}")))??;
                return check_size(state, value);
            }
            () = &mut overall => return Err(Failure::bare(names::TIMEOUT)),
            () = heartbeat => return Err(Failure::bare(names::TIMEOUT)),
            () = beat.notified() => continue,
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
