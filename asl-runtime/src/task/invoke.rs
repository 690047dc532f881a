//! Calling a handler once: TimeoutSeconds and HeartbeatSeconds around the call, a panic turned
//! into a failure, and the 256 KiB limit on its result.

use super::limits::Limits;
use crate::clock::Clock;
use crate::error::{names, Failure};
use crate::flow::Outcome;
use crate::handler::{TaskCall, TaskHandler};
use serde_json::Value;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Notify;

/// Calls the handler once under `limits`. A panic in the handler becomes a `States.TaskFailed`
/// failure naming the state, so one bad handler cannot take the process down.
pub async fn invoke<H: TaskHandler, C: Clock>(tasks: &H, clock: &C, call: TaskCall, limits: Limits) -> Outcome {
    let state = call.state;
    let beat = call.context.heartbeats();
    let work = CatchUnwind(Box::pin(tasks.call(call)));
    let work = async move {
        Ok::<_, Infallible>(match work.await {
            Err(panic) => Err(Failure::new(names::TASK_FAILED, format!("the handler of Task state '{state}' panicked: {panic}"))),
            Ok(result) => result,
        })
    };
    match limited(state, work, beat, &Window::default(), clock, limits).await {
        Ok(outcome) => outcome,
        Err(never) => match never {},
    }
}

/// Runs `work` under TimeoutSeconds and HeartbeatSeconds (each `beat` notification restarts
/// the heartbeat clock, for the whole HeartbeatSeconds unless `window` says less), then checks
/// the result against the 256 KiB limit. `work` may stop for a reason of its own (`E`), which
/// passes through.
pub(super) async fn limited<C: Clock, E>(
    state: &str,
    work: impl Future<Output = Result<Outcome, E>>,
    beat: Arc<Notify>,
    window: &Window,
    clock: &C,
    limits: Limits,
) -> Result<Outcome, E> {
    tokio::pin!(work);
    let overall = optional_sleep(clock, limits.timeout);
    tokio::pin!(overall);
    loop {
        let heartbeat = optional_sleep(clock, limits.heartbeat.map(|whole| window.take().unwrap_or(whole)));
        // In this order: a heartbeat the work reports as it is polled (a resumed wait learns
        // of past heartbeats on its first poll) counts before a window that has run out.
        tokio::select! {
            biased;
            result = &mut work => return Ok(result?.and_then(|value| check_size(state, value))),
            () = beat.notified() => continue,
            () = &mut overall => return Ok(Err(Failure::bare(names::TIMEOUT))),
            () = heartbeat => return Ok(Err(Failure::bare(names::TIMEOUT))),
        }
    }
}

/// The length of the next HeartbeatSeconds window, when it is not the whole of it (a wait
/// resumed after a restart continues the window its first run was in).
#[derive(Default)]
pub(super) struct Window(Mutex<Option<Duration>>);

impl Window {
    pub(super) fn next(&self, left: Option<Duration>) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = left;
    }

    fn take(&self) -> Option<Duration> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }
}

async fn optional_sleep<C: Clock>(clock: &C, d: Option<Duration>) {
    match d {
        Some(d) => clock.sleep(d).await,
        None => std::future::pending().await,
    }
}

fn check_size(state: &str, value: Value) -> Outcome {
    if crate::payload::oversized(&value).is_some() {
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
