//! The branches of a Parallel state: each a child execution of its branch's machine, run
//! concurrently (or, when no branch ever waits, one after another in place).

use super::{child_fault, child_info, new_child, run_child, ChildEnd, ChildFuture, Ended, Siblings};
use crate::clock::Clock;
use crate::context::ExecutionInfo;
use crate::env::Env;
use crate::flow::{Fault, Interrupted};
use crate::handler::TaskHandler;
use crate::machine::Machine;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;

/// Runs Parallel branch `index` of `M` on `input` as a child execution sharing the parent's
/// execution facts (the Context object shows the parent execution, as AWS's does).
/// `siblings` comes from [`super::siblings`], made once for all the branches.
pub fn child<'a, M, H, C>(parent: &ExecutionInfo, env: &'a Env<H, C>, siblings: &Siblings, index: usize, input: Value) -> ChildFuture<'a>
where
    M: Machine + 'a,
    H: TaskHandler,
    C: Clock,
{
    let info = child_info::<M>(parent, siblings, index, &input, false);
    Box::pin(run_child::<M, H, C>(info, env, input, env.records_history(), siblings.redriven(index), siblings.scope()))
}

/// Runs Parallel branches concurrently. Results in branch order; the first failure wins and
/// the other branches are dropped. Also returns what the branches add to the history.
pub async fn parallel(branches: Vec<ChildFuture<'_>>) -> (Result<Vec<Value>, Fault>, Ended) {
    let count = branches.len();
    let mut running: FuturesUnordered<_> =
        branches.into_iter().enumerate().map(|(i, branch)| async move { (i, branch.await) }).collect();
    let mut outputs: Vec<Option<Value>> = vec![None; count];
    let mut ended = Ended::default();
    // The first branch to fail, in time, wins; dropping `running` cancels the others.
    while let Some((i, end)) = running.next().await {
        if let Err(fault) = take_branch(i, end, &mut ended, |v| outputs[i] = Some(v)) {
            return (Err(fault), ended);
        }
    }
    (Ok(outputs.into_iter().map(|v| v.unwrap_or(Value::Null)).collect()), ended)
}

/// Runs branch `index` of a Parallel whose branches never wait ([`Machine::WAITS`] false) to its
/// end, in place: nothing could overlap, so no future is needed.
pub fn branch_now<M: Machine, H: TaskHandler, C: Clock>(
    parent: &ExecutionInfo,
    env: &Env<H, C>,
    siblings: &Siblings,
    index: usize,
    input: Value,
) -> Result<ChildEnd, Interrupted> {
    let info = child_info::<M>(parent, siblings, index, &input, false);
    let mut exec = new_child::<M>(info, input, env.records_history(), siblings.scope());
    let ending = crate::driver::run_now::<M, H, C>(&mut exec, env);
    ChildEnd::of(ending, &mut exec)
}

/// The result of a Parallel whose branches ran in place ([`branch_now`]): outputs in branch
/// order, or the first branch's failure.
pub fn parallel_now(branches: Vec<Result<ChildEnd, Interrupted>>) -> (Result<Vec<Value>, Fault>, Ended) {
    let mut ended = Ended::default();
    let mut outputs = Vec::with_capacity(branches.len());
    for (i, end) in branches.into_iter().enumerate() {
        if let Err(fault) = take_branch(i, end, &mut ended, |v| outputs.push(v)) {
            return (Err(fault), ended);
        }
    }
    (Ok(outputs), ended)
}

/// Counts branch `i`'s end and hands its output to `keep`; its failure (or interruption) ends
/// the Parallel state.
fn take_branch(i: usize, end: Result<ChildEnd, Interrupted>, ended: &mut Ended, keep: impl FnOnce(Value)) -> Result<(), Fault> {
    let mut end = end?;
    ended.add(i, &mut end);
    match end.outcome {
        Ok(v) => {
            keep(v);
            Ok(())
        }
        Err(failure) => Err(child_fault(failure)),
    }
}
