//! Children are executions too: a Parallel branch or a Map iteration runs as a child
//! [`Execution`] of its own machine, driven by the same loop as the parent, so it will
//! checkpoint, cancel and report like one. Cancelling is dropping: when one child fails, the
//! futures of the others are dropped, and with them their in-flight Task calls.

use crate::clock::Clock;
use crate::context::ExecutionInfo;
use crate::error::{names, Failure};
use crate::execution::{Env, Execution, Fault, Machine, Outcome};
use crate::history::HistoryEvent;
use crate::task::TaskHandler;
use futures_util::stream::{self, FuturesUnordered, StreamExt};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A child run: its outcome and the history events it added to the parent's history.
pub type ChildFuture<'a> = Pin<Box<dyn Future<Output = ChildEnd> + Send + 'a>>;

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
    fn of<S: Copy>(outcome: Outcome, exec: &mut Execution<S>) -> Self {
        ChildEnd { outcome, events: exec.events.saturating_sub(1), history: exec.take_history(), kept: false }
    }

    /// A child that could not run on (its journal failed): the parent stops too.
    fn interrupted(failure: Failure) -> Self {
        ChildEnd { outcome: Err(failure), events: 0, history: Vec::new(), kept: false }
    }

    fn to_value(&self) -> Value {
        serde_json::json!({
            "outcome": crate::durable::outcome_to_value(&self.outcome),
            "events": self.events,
            "history": self.history,
            "kept": self.kept,
        })
    }

    fn from_value(v: &Value) -> Option<Self> {
        Some(ChildEnd {
            outcome: crate::durable::outcome_from_value(v.get("outcome")?)?,
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

/// Runs Parallel branch `index` of `M` on `input` as a child execution sharing the parent's
/// execution facts (the Context object shows the parent execution, as AWS's does).
/// `siblings` comes from [`siblings`], made once for all the branches.
pub fn child<'a, M, H, C>(parent: &ExecutionInfo, env: &'a Env<H, C>, siblings: &Siblings, index: usize, input: Value) -> ChildFuture<'a>
where
    M: Machine + 'a,
    H: TaskHandler,
    C: Clock,
{
    let info = child_info::<M>(parent, siblings, index, &input, false);
    Box::pin(run_child::<M, H, C>(info, env, input, env.history, siblings.redriven(index)))
}

/// Where the children of one attempt of a Parallel or Map state sit, made once per attempt,
/// not per child: `<parent's place>/<state>@<visit>.<attempt>` (`Execution::children_place`),
/// to which each child adds `#<index>`, so that the idempotency keys and task tokens of
/// every branch or iteration, of every attempt and visit, are distinct. And, for the first
/// attempt after a redrive, where the children of the attempt that failed sat (see
/// [`Execution::redriven_children`]).
#[derive(Debug, Clone)]
pub struct Siblings {
    place: Arc<str>,
    redriven: Option<Arc<str>>,
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
    Siblings { place, redriven }
}

/// The execution facts of a child (see [`child`]).
fn child_info<M: Machine>(parent: &ExecutionInfo, siblings: &Siblings, index: usize, input: &Value, own_execution: bool) -> ExecutionInfo {
    let mut info = parent.clone();
    info.child_of = Some((siblings.place.clone(), index));
    if own_execution {
        info.name = crate::execution::new_name().into();
        info.input = if M::READS_CONTEXT { input.clone() } else { Value::Null };
    }
    info
}

/// A child execution at its start, recording history when its events belong to the parent's
/// history and the environment records history (a distributed Map's children are executions
/// of their own, whose events the parent's history does not show).
fn new_child<M: Machine>(info: ExecutionInfo, input: Value, history: bool) -> Execution<M::State> {
    let mut exec = Execution::new(info, M::START, input);
    if history {
        exec.history = Some(Vec::new());
    }
    exec
}

/// Drives a child to its end. In a durable run, a child that ended before a restart gives its
/// recorded end, and one that had started carries on from its last checkpoint; after a
/// redrive, a child whose counterpart in the failed attempt (at `redriven`) succeeded keeps
/// that result without running (its events are already in the history). Children that never
/// wait run in place without a journal ([`map_now`], [`branch_now`]) and simply run again.
async fn run_child<M: Machine, H: TaskHandler, C: Clock>(
    info: ExecutionInfo,
    env: &Env<H, C>,
    input: Value,
    history: bool,
    redriven: Option<String>,
) -> ChildEnd {
    let Some(journal) = &env.journal else {
        let mut exec = new_child::<M>(info, input, history);
        // Nested machines have no TimeoutSeconds of their own: straight to the driver, which
        // keeps the boxed child future small.
        let outcome = crate::execution::drive::<M, H, C>(&mut exec, env, |_| {}).await;
        return ChildEnd::of(outcome, &mut exec);
    };
    let place = info.child_path();
    let end_key = format!("{place}/end");
    match journal.effect(&end_key) {
        Err(f) => return ChildEnd::interrupted(f),
        Ok(Some(v)) => match ChildEnd::from_value(&v) {
            Some(end) => return end,
            None => return ChildEnd::interrupted(crate::durable::interrupted(format!("the recorded end of '{place}' is unreadable"))),
        },
        Ok(None) => {}
    }
    if let Some(earlier) = redriven {
        match journal.effect(&format!("{earlier}/end")) {
            Err(f) => return ChildEnd::interrupted(f),
            Ok(Some(v)) => {
                if let Some(ChildEnd { outcome: Ok(output), .. }) = ChildEnd::from_value(&v) {
                    let kept = ChildEnd { outcome: Ok(output), events: 0, history: Vec::new(), kept: true };
                    return record_end(&**journal, &end_key, kept);
                }
            }
            Ok(None) => {}
        }
    }
    let mut exec = match journal.progress(&place) {
        Err(f) => return ChildEnd::interrupted(f),
        Ok(None) => new_child::<M>(info, input, history),
        Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
            Ok(exec) => exec,
            Err(e) => return ChildEnd::interrupted(crate::durable::interrupted(format!("the checkpoint of '{place}' is unreadable: {e}"))),
        },
    };
    let outcome = crate::execution::drive::<M, H, C>(&mut exec, env, |_| {}).await;
    let end = ChildEnd::of(outcome, &mut exec);
    if end.outcome.as_ref().is_err_and(|f| f.error == crate::durable::INTERRUPTED) {
        return end;
    }
    record_end(&**journal, &end_key, end)
}

/// Records a child's end under `key`; the end kept is the first one recorded there.
fn record_end(journal: &dyn crate::durable::Journal, key: &str, end: ChildEnd) -> ChildEnd {
    match journal.record_effect(key, &end.to_value()) {
        Err(f) => ChildEnd::interrupted(f),
        Ok(kept) => ChildEnd::from_value(&kept).unwrap_or(end),
    }
}

/// A child's failure as the parent state sees it: its own error, which the parent's Retry and
/// Catch may handle, except a `States.Runtime` error, which already names the state where it
/// happened and passes through unchanged.
fn child_fault(failure: Failure) -> Fault {
    if failure.error == names::RUNTIME || failure.error == crate::durable::INTERRUPTED {
        Fault::Fatal(Box::new(failure))
    } else {
        Fault::Error(Box::new(failure))
    }
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
    while let Some((i, mut end)) = running.next().await {
        ended.add(i, &mut end);
        match end.outcome {
            Ok(v) => outputs[i] = Some(v),
            Err(failure) => return (Err(child_fault(failure)), ended),
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
) -> ChildEnd {
    let info = child_info::<M>(parent, siblings, index, &input, false);
    let mut exec = new_child::<M>(info, input, env.history);
    let outcome = crate::execution::run_now::<M, H, C>(&mut exec, env);
    ChildEnd::of(outcome, &mut exec)
}

/// The result of a Parallel whose branches ran in place ([`branch_now`]): outputs in branch
/// order, or the first branch's failure.
pub fn parallel_now(branches: Vec<ChildEnd>) -> (Result<Vec<Value>, Fault>, Ended) {
    let mut ended = Ended::default();
    let mut outputs = Vec::with_capacity(branches.len());
    for (i, mut end) in branches.into_iter().enumerate() {
        ended.add(i, &mut end);
        match end.outcome {
            Ok(v) => outputs.push(v),
            Err(failure) => return (Err(child_fault(failure)), ended),
        }
    }
    (Ok(outputs), ended)
}

/// ParallelStateStarted.
pub fn parallel_started<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>) {
    exec.note(|| env.clock.now(), "ParallelStateStarted", || None);
}

/// Adds the branches' events to the parent's history and, when all succeeded,
/// ParallelStateSucceeded (a failure is recorded once Retry gives up: [`state_failed`]).
pub fn parallel_ended<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, succeeded: bool, ended: Ended) {
    if !exec.records_history() {
        exec.record(ended.events + u64::from(succeeded));
        return;
    }
    for (_, _, count, events) in ended.logs {
        splice(exec, count, events);
    }
    if succeeded {
        exec.note(|| env.clock.now(), "ParallelStateSucceeded", || None);
    }
}

/// MapStateFailed / ParallelStateFailed: the state failed for good (Retry gave up). A Map
/// Run that started and did not end (its ItemReader failed) fails first.
pub fn state_failed<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, kind: &'static str, failure: &Failure) {
    let run_open = exec.history.as_ref().and_then(|h| h.last()).is_some_and(|e| e.kind == "MapRunStarted");
    if run_open {
        let details = crate::history::failure(&failure.error, failure.cause.as_deref());
        exec.note(|| env.clock.now(), "MapRunFailed", || Some(("mapRunFailedEventDetails", details)));
    }
    exec.note(|| env.clock.now(), kind, || None);
}

/// MapStateStarted; its `length` (the number of items) is filled in by [`map_ended`], since
/// items are read lazily.
pub fn map_started<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>) {
    exec.note(|| env.clock.now(), "MapStateStarted", || Some(("mapStateStartedEventDetails", serde_json::json!({ "length": 0 }))));
}

/// MapRunStarted, for a distributed Map: its iterations are child executions of a Map Run,
/// whose events are not part of this execution's history.
pub fn map_run_started<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, mode: MapMode) {
    if let MapMode::Distributed(_) = mode {
        let arn = format!("{}/map-run{}", exec.info.state_machine_id().replace(":stateMachine:", ":mapRun:"), exec.info.child_path());
        exec.note(|| env.clock.now(), "MapRunStarted", || Some(("mapRunStartedEventDetails", serde_json::json!({ "mapRunArn": arn }))));
    }
}

/// Ends a Map's history: inline, the iterations' events, each between MapIterationStarted and
/// MapIterationSucceeded (or …Failed), in the order they ended; distributed, MapRunSucceeded or
/// MapRunFailed. Then MapStateSucceeded on success (a failure is recorded once Retry gives
/// up: [`state_failed`]).
pub fn map_ended<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, name: &str, mode: MapMode, result: &Result<Value, Fault>, ended: Ended) {
    let distributed = matches!(mode, MapMode::Distributed(_));
    if !exec.records_history() {
        let own = if distributed { 1 } else { 2 * (ended.count - ended.kept) + ended.events };
        exec.record(own + u64::from(result.is_ok()));
        return;
    }
    if let Some(started) = exec.history.iter_mut().flatten().rev().find(|e| e.kind == "MapStateStarted") {
        started.details.insert("mapStateStartedEventDetails".into(), serde_json::json!({ "length": ended.count }));
    }
    let now = || env.clock.now();
    if distributed {
        match result {
            Ok(_) => exec.note(now, "MapRunSucceeded", || None),
            Err(fault) => {
                let details = match fault {
                    Fault::Error(f) | Fault::Fatal(f) => crate::history::failure(&f.error, f.cause.as_deref()),
                    _ => serde_json::json!({}),
                };
                exec.note(now, "MapRunFailed", || Some(("mapRunFailedEventDetails", details)));
            }
        }
    } else {
        let details = |index: usize| serde_json::json!({ "index": index, "name": name });
        for (index, ok, count, events) in ended.logs {
            exec.note(now, "MapIterationStarted", || Some(("mapIterationStartedEventDetails", details(index))));
            splice(exec, count, events);
            match ok {
                true => exec.note(now, "MapIterationSucceeded", || Some(("mapIterationSucceededEventDetails", details(index)))),
                false => exec.note(now, "MapIterationFailed", || Some(("mapIterationFailedEventDetails", details(index)))),
            }
        }
    }
    if result.is_ok() {
        exec.note(now, "MapStateSucceeded", || None);
    }
}

/// Appends a child's events after the parent's last one, renumbered: the child's ids follow
/// on, and its first event points back at the parent event before it.
fn splice<S: Copy>(exec: &mut Execution<S>, count: u64, events: Vec<HistoryEvent>) {
    let base = exec.events;
    if let Some(history) = &mut exec.history {
        for mut e in events {
            // Child ids start at 2 (its own ExecutionStarted is 1, not copied).
            e.id = base + e.id - 1;
            e.previous_event_id = if e.previous_event_id == 0 { base } else { base + e.previous_event_id - 1 };
            history.push(e);
        }
    }
    exec.events = base + count;
}

/// AWS runs at most 40 iterations of an inline Map at once.
pub const INLINE_MAP_CONCURRENCY: usize = 40;
/// A distributed Map runs at most 10,000 child executions at once.
pub const DISTRIBUTED_MAP_CONCURRENCY: usize = 10_000;

/// How a Map runs its iterations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MapMode {
    /// The first failed iteration fails the state.
    Inline,
    /// Iterations are child executions; failures are tolerated up to a threshold.
    Distributed(Tolerance),
}

/// ToleratedFailureCount / ToleratedFailurePercentage. Neither given: no failure is tolerated.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tolerance {
    pub count: Option<u64>,
    pub percentage: Option<f64>,
}

impl Tolerance {
    /// Whether `failed` failures already breach the count (known before all items ran).
    pub fn count_exceeded(&self, failed: u64) -> bool {
        match (self.count, self.percentage) {
            (None, None) => failed > 0,
            (count, _) => count.is_some_and(|c| failed > c),
        }
    }

    /// Whether `failed` of `total` iterations breaches a threshold (either, when both are set).
    pub fn exceeded(&self, failed: u64, total: u64) -> bool {
        let share = if total == 0 { 0.0 } else { failed as f64 * 100.0 / total as f64 };
        match (self.count, self.percentage) {
            (None, None) => failed > 0,
            (count, percentage) => count.is_some_and(|c| failed > c) || percentage.is_some_and(|p| share > p),
        }
    }
}

/// A distributed Map's ResultWriter, open for this map run.
pub type Writer = Box<dyn crate::items::MapRunWriter>;

/// Runs Map iterations with at most `max_concurrency` in flight (0: the mode's limit), pulling
/// items lazily (an ItemReader's stream is never held whole). Results come in item order
/// whatever order they finish in, into the output array or, with a ResultWriter, into its
/// files (the output is then the writer's summary). Inline, the first failure wins;
/// distributed, failed iterations are kept until the tolerance is exceeded, which fails the
/// state with `States.ExceedToleratedFailureThreshold`. Also returns the events the children
/// added and how many items ran.
pub async fn map<'a, M, H, C>(
    parent: &ExecutionInfo,
    env: &'a Env<H, C>,
    siblings: &Siblings,
    items: impl Iterator<Item = Result<Value, Fault>> + Send,
    max_concurrency: usize,
    mode: MapMode,
    writer: Option<Writer>,
) -> (Result<Value, Fault>, Ended)
where
    M: Machine + 'a,
    H: TaskHandler,
    C: Clock,
{
    let (cap, own_execution) = match mode {
        MapMode::Inline => (INLINE_MAP_CONCURRENCY, false),
        MapMode::Distributed(_) => (DISTRIBUTED_MAP_CONCURRENCY, true),
    };
    let limit = if max_concurrency == 0 { cap } else { max_concurrency.min(cap) };
    if !M::WAITS && matches!(mode, MapMode::Inline) && writer.is_none() {
        return map_now::<M, H, C>(parent, env, siblings, items).await;
    }
    let keep_inputs = writer.is_some();
    // The child's (large) future is boxed, so the stream moves only a pointer per item.
    let runs = items.enumerate().map(|(index, item)| async move {
        match item {
            Err(fault) => (index, None, Err(fault)),
            Ok(input) => {
                let copy = keep_inputs.then(|| input.clone());
                let info = child_info::<M>(parent, siblings, index, &input, own_execution);
                let history = env.history && !own_execution;
                let run: ChildFuture<'_> = Box::pin(run_child::<M, H, C>(info, env, input, history, siblings.redriven(index)));
                (index, copy, Ok(run.await))
            }
        }
    });
    // Unordered: a slow item neither holds a concurrency slot once others finish nor hides a
    // later failure; outputs go back to their item's place.
    let mut runs = stream::iter(runs).buffer_unordered(limit);
    let mut results = Results::new(writer);
    let mut ended = Ended::default();
    let mut failed = 0u64;
    while let Some((index, input, run)) = runs.next().await {
        let mut end = match run {
            Ok(end) => end,
            Err(fault) => return (Err(fault), ended),
        };
        ended.add(index, &mut end);
        let outcome = match (end.outcome, mode) {
            (Ok(v), _) => crate::items::IterationOutcome::Succeeded(v),
            (Err(failure), MapMode::Inline) => return (Err(child_fault(failure)), ended),
            (Err(failure), _) if failure.error == crate::durable::INTERRUPTED => return (Err(child_fault(failure)), ended),
            (Err(failure), MapMode::Distributed(tolerance)) => {
                failed += 1;
                if tolerance.count_exceeded(failed) {
                    return (Err(threshold_exceeded()), ended);
                }
                crate::items::IterationOutcome::Failed(failure)
            }
        };
        if let Err(fault) = results.keep(index, input, outcome) {
            return (Err(fault), ended);
        }
    }
    if let MapMode::Distributed(tolerance) = mode {
        if tolerance.exceeded(failed, ended.count) {
            return (Err(threshold_exceeded()), ended);
        }
    }
    (results.finish(), ended)
}

/// An inline Map whose processor never waits: nothing could run concurrently, so the
/// iterations run one after another in place (same results, same first failure), yielding to
/// the scheduler now and then.
async fn map_now<M: Machine, H: TaskHandler, C: Clock>(
    parent: &ExecutionInfo,
    env: &Env<H, C>,
    siblings: &Siblings,
    items: impl Iterator<Item = Result<Value, Fault>>,
) -> (Result<Value, Fault>, Ended) {
    let mut results = Results::new(None);
    let mut ended = Ended::default();
    for (index, item) in items.enumerate() {
        let input = match item {
            Ok(input) => input,
            Err(fault) => return (Err(fault), ended),
        };
        let info = child_info::<M>(parent, siblings, index, &input, false);
        let mut exec = new_child::<M>(info, input, env.history);
        let outcome = crate::execution::run_now::<M, H, C>(&mut exec, env);
        let mut end = ChildEnd::of(outcome, &mut exec);
        ended.add(index, &mut end);
        let outcome = match end.outcome {
            Ok(v) => crate::items::IterationOutcome::Succeeded(v),
            Err(failure) => return (Err(child_fault(failure)), ended),
        };
        if let Err(fault) = results.keep(index, None, outcome) {
            return (Err(fault), ended);
        }
        if index % 1024 == 1023 {
            tokio::task::yield_now().await;
        }
    }
    (results.finish(), ended)
}

/// Where finished iterations go: the ResultWriter, or the output array in item order, whose
/// size is watched so a Map result over 256 KiB fails before it can fill memory.
struct Results {
    writer: Option<Writer>,
    outputs: Vec<Option<Value>>,
    size_bound: usize,
}

impl Results {
    fn new(writer: Option<Writer>) -> Self {
        Results { writer, outputs: Vec::new(), size_bound: 2 }
    }

    fn keep(&mut self, index: usize, input: Option<Value>, outcome: crate::items::IterationOutcome) -> Result<(), Fault> {
        use crate::items::IterationOutcome;
        if let Some(w) = &mut self.writer {
            let input = input.unwrap_or(Value::Null);
            let record = crate::items::IterationRecord { index: index as u64, input, outcome, start_date: None, stop_date: None };
            return w.write(record).map_err(Fault::from);
        }
        let value = match outcome {
            IterationOutcome::Succeeded(v) => v,
            IterationOutcome::Failed(f) | IterationOutcome::TimedOut(f) | IterationOutcome::Aborted(f) => f.to_error_output(),
            IterationOutcome::Pending => Value::Null,
        };
        self.size_bound += crate::io::json_len_bound(&value) + 1;
        if self.outputs.len() <= index {
            self.outputs.resize(index + 1, None);
        }
        self.outputs[index] = Some(value);
        if self.size_bound > crate::task::MAX_PAYLOAD_BYTES {
            self.check_exact_size()?;
        }
        Ok(())
    }

    /// The bound is loose (strings count six bytes a character); near the limit, measure.
    fn check_exact_size(&mut self) -> Result<(), Fault> {
        let exact: usize = 2 + self.outputs.iter().flatten().map(|v| crate::io::json_len(v) + 1).sum::<usize>();
        if exact > crate::task::MAX_PAYLOAD_BYTES {
            let cause = format!("The Map state's result exceeds the maximum number of bytes service limit ({exact} bytes so far).");
            return Err(Fault::Error(Box::new(Failure::new(names::DATA_LIMIT_EXCEEDED, cause))));
        }
        self.size_bound = exact;
        Ok(())
    }

    fn finish(self) -> Result<Value, Fault> {
        match self.writer {
            Some(w) => w.finish().map_err(Fault::from),
            None => Ok(Value::Array(self.outputs.into_iter().map(|v| v.unwrap_or(Value::Null)).collect())),
        }
    }
}

fn threshold_exceeded() -> Fault {
    let exceeded = Failure::new(names::EXCEED_TOLERATED_FAILURE_THRESHOLD, "The specified tolerated failure threshold was exceeded");
    Fault::Error(Box::new(exceeded))
}

/// `ToleratedFailureCountPath`: a whole number ≥ 0 read from the input.
pub fn tolerated_count_from(value: Option<&Value>, path: &str) -> Result<u64, Fault> {
    let v = value.ok_or_else(|| Fault::runtime(format!("Invalid path '{path}' : No results for path: {path}")))?;
    match (v.as_u64(), v.as_i64()) {
        (Some(n), _) => Ok(n),
        (None, Some(_)) => Err(Fault::runtime("ToleratedFailureCount cannot be negative.")),
        _ => Err(Fault::runtime(format!(
            "The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: {path}",
            quoted(v)
        ))),
    }
}

/// `ToleratedFailurePercentagePath`: a number from 0 to 100 read from the input.
pub fn tolerated_percentage_from(value: Option<&Value>, path: &str) -> Result<f64, Fault> {
    let v = value.ok_or_else(|| Fault::runtime(format!("Invalid path '{path}' : No results for path: {path}")))?;
    match v.as_f64() {
        Some(p) if (0.0..=100.0).contains(&p) => Ok(p),
        Some(_) => Err(Fault::runtime("ToleratedFailurePercentage must be between 0 and 100.")),
        None => Err(Fault::runtime(format!(
            "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {path}",
            quoted(v)
        ))),
    }
}

/// A value as AWS quotes it in these messages: strings bare, the rest as JSON.
fn quoted(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => crate::io::compact(other),
    }
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
            quoted(v)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::Tolerance;

    #[test]
    fn tolerance_thresholds() {
        assert!(Tolerance::default().exceeded(1, 10));
        assert!(!Tolerance::default().exceeded(0, 10));
        let count = Tolerance { count: Some(2), percentage: None };
        assert!(!count.exceeded(2, 3) && count.exceeded(3, 100));
        let share = Tolerance { count: None, percentage: Some(10.0) };
        assert!(!share.exceeded(1, 10) && share.exceeded(2, 10));
        let both = Tolerance { count: Some(5), percentage: Some(10.0) };
        assert!(both.exceeded(2, 10), "either threshold breached fails the run");
    }
}
