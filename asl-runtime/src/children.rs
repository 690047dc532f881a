//! Children are executions too: a Parallel branch or a Map iteration runs as a child
//! [`Execution`] of its own machine, driven by the same loop as the parent, so it will
//! checkpoint, cancel and report like one. Cancelling is dropping: when one child fails, the
//! futures of the others are dropped, and with them their in-flight Task calls.

use crate::clock::Clock;
use crate::context::ExecutionInfo;
use crate::error::{names, Failure};
use crate::execution::{Env, Execution, Fault, Machine, Outcome};
use crate::task::TaskHandler;
use futures_util::stream::{self, StreamExt};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// A child run: its outcome and the history events it added to the parent's history.
pub type ChildFuture<'a> = Pin<Box<dyn Future<Output = (Outcome, u64)> + Send + 'a>>;

/// Runs one child execution of `M` on `input`, sharing the parent's execution facts.
pub fn child<'a, M, H, C>(parent: &ExecutionInfo, env: &'a Env<H, C>, input: Value) -> ChildFuture<'a>
where
    M: Machine + 'a,
    H: TaskHandler,
    C: Clock,
{
    let info = parent.clone();
    Box::pin(async move {
        let mut exec = Execution::new(info, M::START, input);
        let outcome = crate::execution::run::<M, H, C>(&mut exec, env).await;
        // The child's own ExecutionStarted is not part of the parent's history.
        (outcome, exec.events.saturating_sub(1))
    })
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

/// Runs Parallel branches concurrently. Results in branch order; the first failure wins and
/// the other branches are dropped. Also returns the events the branches added.
pub async fn parallel(branches: Vec<ChildFuture<'_>>) -> (Result<Vec<Value>, Fault>, u64) {
    let count = branches.len();
    collect(stream::iter(branches).buffered(count.max(1)), count).await
}

/// AWS runs at most 40 iterations of an inline Map at once.
pub const INLINE_MAP_CONCURRENCY: usize = 40;

/// Runs Map iterations with at most `max_concurrency` in flight (0: AWS's inline limit).
/// Results in item order whatever order they finish in; the first failure wins.
pub async fn map<'a, M, H, C>(
    parent: &ExecutionInfo,
    env: &'a Env<H, C>,
    inputs: Vec<Value>,
    max_concurrency: usize,
) -> (Result<Vec<Value>, Fault>, u64)
where
    M: Machine + 'a,
    H: TaskHandler,
    C: Clock,
{
    let limit = match max_concurrency {
        0 => INLINE_MAP_CONCURRENCY,
        n => n.min(INLINE_MAP_CONCURRENCY),
    };
    let count = inputs.len();
    let runs = inputs.into_iter().map(|input| child::<M, H, C>(parent, env, input));
    collect(stream::iter(runs).buffered(limit), count).await
}

/// Takes results in order until the first failure (dropping the stream cancels the rest).
async fn collect(
    mut results: impl futures_util::Stream<Item = (Outcome, u64)> + Unpin,
    count: usize,
) -> (Result<Vec<Value>, Fault>, u64) {
    let mut outputs = Vec::with_capacity(count);
    let mut events = 0;
    while let Some((outcome, added)) = results.next().await {
        events += added;
        match outcome {
            Ok(v) => outputs.push(v),
            Err(failure) => return (Err(child_fault(failure)), events),
        }
    }
    (Ok(outputs), events)
}

/// The items a Map iterates over: the value at ItemsPath (`None`: the whole effective input),
/// which must be an array. Only the items are copied.
pub fn items(items_path: Option<&crate::path::Path>, input: &Value) -> Result<Vec<Value>, Fault> {
    let value = match items_path {
        None => std::borrow::Cow::Borrowed(input),
        Some(p) => crate::path::lookup(p, input)
            .ok_or_else(|| Fault::runtime(crate::path::missing_path_message(p, input)))?,
    };
    match value.as_ref() {
        Value::Array(items) => Ok(items.clone()),
        other => Err(Fault::runtime(format!(
            "Map state input must be an array but was: {}",
            crate::io::compact(other)
        ))),
    }
}

/// `MaxConcurrencyPath`: a non-negative integer read from the input.
pub fn max_concurrency_from(value: Option<&Value>, path: &str) -> Result<usize, Fault> {
    let v = value.ok_or_else(|| Fault::runtime(format!("Invalid path '{path}' : No results for path: {path}")))?;
    match v.as_u64() {
        Some(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        None => Err(Fault::runtime(format!(
            "The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: {path}",
            match v {
                Value::String(s) => s.clone(),
                other => crate::io::compact(other),
            }
        ))),
    }
}
