//! The events a Parallel or Map state adds to its execution's history: started, its
//! children's events spliced in (inline Map iterations between MapIterationStarted and
//! MapIteration{Succeeded,Failed}), a distributed Map's Map Run, and how the state ended.
//! Counted always; recorded when the execution records history.

use super::map::MapMode;
use super::map_run::MapRunProgress;
use super::Ended;
use crate::items::MapRun;
use crate::clock::Clock;
use crate::env::Env;
use crate::error::Failure;
use crate::execution::Execution;
use crate::flow::Fault;
use serde_json::Value;

/// ParallelStateStarted.
pub fn parallel_started<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>) {
    exec.add_event(|| env.clock.now(), "ParallelStateStarted", || None);
}

/// Adds the branches' events to the parent's history and, when all succeeded,
/// ParallelStateSucceeded (a failure is recorded once Retry gives up: [`state_failed`]).
pub fn parallel_ended<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, succeeded: bool, ended: Ended) {
    if !exec.records_history() {
        exec.count_events(ended.events + u64::from(succeeded));
        return;
    }
    for (_, _, count, events) in ended.logs {
        exec.splice_child_events(count, events);
    }
    if succeeded {
        exec.add_event(|| env.clock.now(), "ParallelStateSucceeded", || None);
    }
}

/// MapStateFailed / ParallelStateFailed: the state failed for good (Retry gave up). A Map
/// Run that started and did not end (its ItemReader failed) fails first.
pub fn state_failed<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, kind: &'static str, failure: &Failure) {
    if exec.last_recorded_kind() == Some("MapRunStarted") {
        let details = crate::history::failure(&failure.error, failure.cause.as_deref());
        exec.add_event(|| env.clock.now(), "MapRunFailed", || Some(("mapRunFailedEventDetails", details)));
    }
    exec.add_event(|| env.clock.now(), kind, || None);
}

/// MapStateStarted; its `length` (the number of items) is filled in by [`map_ended`], since
/// items are read lazily.
pub fn map_started<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>) {
    exec.add_event(|| env.clock.now(), "MapStateStarted", || Some(("mapStateStartedEventDetails", serde_json::json!({ "length": 0 }))));
}

/// MapRunStarted, for a distributed Map: its iterations are child executions of the Map Run,
/// whose events are not part of this execution's history. The run is reported to the journal.
pub fn map_run_started<S: Copy, H, C: Clock>(
    exec: &mut Execution<S>,
    env: &Env<H, C>,
    run: Option<MapRun>,
    mode: MapMode,
    max_concurrency: usize,
) -> Result<Option<MapRunProgress>, Fault> {
    let (Some(run), MapMode::Distributed(tolerance)) = (run, mode) else { return Ok(None) };
    let arn = run.arn.clone();
    exec.add_event(|| env.clock.now(), "MapRunStarted", || Some(("mapRunStartedEventDetails", serde_json::json!({ "mapRunArn": arn }))));
    let mut progress = MapRunProgress::new(run, env.clock.now(), max_concurrency as u64, tolerance);
    progress.report(env)?;
    Ok(Some(progress))
}

/// Ends a Map's history: inline, the iterations' events, each between MapIterationStarted and
/// MapIterationSucceeded (or …Failed), in the order they ended; distributed, MapRunSucceeded or
/// MapRunFailed. Then MapStateSucceeded on success (a failure is recorded once Retry gives
/// up: [`state_failed`]).
pub fn map_ended<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, name: &str, mode: MapMode, result: &Result<Value, Fault>, ended: Ended) {
    let distributed = matches!(mode, MapMode::Distributed(_));
    if !exec.records_history() {
        let own = if distributed { 1 } else { 2 * (ended.count - ended.kept) + ended.events };
        exec.count_events(own + u64::from(result.is_ok()));
        return;
    }
    if let Some(started) = exec.last_recorded_mut("MapStateStarted") {
        started.details.insert("mapStateStartedEventDetails".into(), serde_json::json!({ "length": ended.count }));
    }
    let now = || env.clock.now();
    if distributed {
        match result {
            Ok(_) => exec.add_event(now, "MapRunSucceeded", || None),
            Err(fault) => {
                let details = match fault {
                    Fault::Error(f) | Fault::Fatal(f) => crate::history::failure(&f.error, f.cause.as_deref()),
                    _ => serde_json::json!({}),
                };
                exec.add_event(now, "MapRunFailed", || Some(("mapRunFailedEventDetails", details)));
            }
        }
    } else {
        let details = |index: usize| serde_json::json!({ "index": index, "name": name });
        for (index, ok, count, events) in ended.logs {
            exec.add_event(now, "MapIterationStarted", || Some(("mapIterationStartedEventDetails", details(index))));
            exec.splice_child_events(count, events);
            match ok {
                true => exec.add_event(now, "MapIterationSucceeded", || Some(("mapIterationSucceededEventDetails", details(index)))),
                false => exec.add_event(now, "MapIterationFailed", || Some(("mapIterationFailedEventDetails", details(index)))),
            }
        }
    }
    if result.is_ok() {
        exec.add_event(now, "MapStateSucceeded", || None);
    }
}
