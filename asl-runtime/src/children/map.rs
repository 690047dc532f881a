//! The iterations of a Map state: each a child execution of the processor's machine, pulled
//! lazily from the items and run with bounded concurrency; inline, the first failure fails the
//! state; distributed, failures are tolerated up to a threshold and results may go to a
//! ResultWriter. Also the Map settings read from the input (ItemsPath, MaxConcurrencyPath,
//! ToleratedFailure…Path).

use super::map_run::MapRunProgress;
use super::{child_fault, child_info, new_child, run_child, ChildEnd, ChildFuture, Ended, Siblings};
use crate::clock::Clock;
use crate::context::ExecutionInfo;
use crate::env::Env;
use crate::error::{names, Failure};
use crate::flow::Fault;
use crate::handler::TaskHandler;
use crate::machine::Machine;
use crate::payload::{bare, json_len, json_len_bound, MAX_PAYLOAD_BYTES};
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::Value;

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
/// added and how many items ran. A distributed Map's Map Run is told of its iterations as they
/// end and, here, of how the run ended (`iterations` does the rest, so that every way out of
/// it is seen).
#[allow(clippy::too_many_arguments)]
pub async fn map<'a, M, H, C>(
    parent: &ExecutionInfo,
    env: &'a Env<H, C>,
    siblings: &Siblings,
    items: impl Iterator<Item = Result<Value, Fault>> + Send,
    max_concurrency: usize,
    mode: MapMode,
    writer: Option<Writer>,
    mut run: Option<MapRunProgress>,
) -> (Result<Value, Fault>, Ended)
where
    M: Machine + 'a,
    H: TaskHandler,
    C: Clock,
{
    let (result, ended) = iterations::<M, H, C>(parent, env, siblings, items, max_concurrency, mode, writer, &mut run).await;
    let Some(run) = &mut run else { return (result, ended) };
    // An interrupted run (the execution stopped, or moved to another worker) is not over.
    if let Err(Fault::Interrupted(_)) = result {
        return (result, ended);
    }
    match run.finish(env, result.is_ok(), env.clock.now()) {
        Ok(()) => (result, ended),
        Err(interrupted) => (Err(interrupted.into()), ended),
    }
}

#[allow(clippy::too_many_arguments)]
async fn iterations<'a, M, H, C>(
    parent: &ExecutionInfo,
    env: &'a Env<H, C>,
    siblings: &Siblings,
    items: impl Iterator<Item = Result<Value, Fault>> + Send,
    max_concurrency: usize,
    mode: MapMode,
    writer: Option<Writer>,
    map_run: &mut Option<MapRunProgress>,
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
    // The child's (large) future is boxed, so the set in flight moves only a pointer per item.
    let mut runs = items.enumerate().map(|(index, item)| async move {
        match item {
            Err(fault) => (index, None, Err(fault)),
            Ok(input) => {
                let copy = keep_inputs.then(|| input.clone());
                let info = child_info::<M>(parent, siblings, index, &input, own_execution);
                let history = env.records_history() && !own_execution;
                let run: ChildFuture<'_> = Box::pin(run_child::<M, H, C>(info, env, input, history, siblings.redriven(index), siblings.scope()));
                (index, copy, Ok(run.await))
            }
        }
    });
    // Unordered: a slow item neither holds a concurrency slot once others finish nor hides a
    // later failure; outputs go back to their item's place. Topped up to the limit after each
    // end, the limit being the Map Run's as it stands (UpdateMapRun may change it).
    let mut in_flight = FuturesUnordered::new();
    let mut pulled = 0u64;
    let mut results = Results::new(writer);
    let mut ended = Ended::default();
    let mut failed = 0u64;
    loop {
        let limit = map_run.as_ref().map_or(limit, |r| r.concurrency_limit(cap));
        while in_flight.len() < limit {
            let Some(run) = runs.next() else { break };
            in_flight.push(run);
            pulled += 1;
        }
        let Some((index, input, run)) = in_flight.next().await else { break };
        let mut end = match run {
            Ok(Ok(end)) => end,
            Ok(Err(interrupted)) => return (Err(interrupted.into()), ended),
            Err(fault) => return (Err(fault), ended),
        };
        ended.add(index, &mut end);
        let outcome = match (end.outcome, mode) {
            (Ok(v), _) => crate::items::IterationOutcome::Succeeded(v),
            (Err(failure), MapMode::Inline) => return (Err(child_fault(failure)), ended),
            (Err(failure), MapMode::Distributed(tolerance)) => {
                failed += 1;
                let tolerance = match map_run.as_mut() {
                    None => tolerance,
                    Some(map_run) => {
                        map_run.observe(pulled, false);
                        match map_run.tolerance_for(env, |t| t.count_exceeded(failed)) {
                            Ok(tolerance) => tolerance,
                            Err(interrupted) => return (Err(interrupted.into()), ended),
                        }
                    }
                };
                if tolerance.count_exceeded(failed) {
                    return (Err(threshold_exceeded()), ended);
                }
                crate::items::IterationOutcome::Failed(failure)
            }
        };
        let succeeded = matches!(outcome, crate::items::IterationOutcome::Succeeded(_));
        if let Err(fault) = results.keep(index, input, outcome) {
            return (Err(fault), ended);
        }
        if let Some(map_run) = map_run.as_mut() {
            if succeeded {
                map_run.observe(pulled, true);
            }
            if results.writes() {
                map_run.written();
            }
            if let Err(interrupted) = map_run.report(env) {
                return (Err(interrupted.into()), ended);
            }
        }
    }
    if let MapMode::Distributed(tolerance) = mode {
        let tolerance = match map_run.as_mut().map(|r| r.tolerance_for(env, |t| t.exceeded(failed, ended.count))) {
            None => tolerance,
            Some(Ok(tolerance)) => tolerance,
            Some(Err(interrupted)) => return (Err(interrupted.into()), ended),
        };
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
        let mut exec = new_child::<M>(info, input, env.records_history(), siblings.scope());
        let ending = crate::driver::run_now::<M, H, C>(&mut exec, env);
        let mut end = match ChildEnd::of(ending, &mut exec) {
            Ok(end) => end,
            Err(interrupted) => return (Err(interrupted.into()), ended),
        };
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

    /// Whether results go to a ResultWriter.
    fn writes(&self) -> bool {
        self.writer.is_some()
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
        self.size_bound += json_len_bound(&value) + 1;
        if self.outputs.len() <= index {
            self.outputs.resize(index + 1, None);
        }
        self.outputs[index] = Some(value);
        if self.size_bound > MAX_PAYLOAD_BYTES {
            self.check_exact_size()?;
        }
        Ok(())
    }

    /// The bound is loose (strings count six bytes a character); near the limit, measure.
    fn check_exact_size(&mut self) -> Result<(), Fault> {
        let exact: usize = 2 + self.outputs.iter().flatten().map(|v| json_len(v) + 1).sum::<usize>();
        if exact > MAX_PAYLOAD_BYTES {
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
            bare(v)
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
            bare(v)
        ))),
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
            crate::payload::compact(other)
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
            bare(v)
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
