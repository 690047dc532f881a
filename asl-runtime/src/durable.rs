//! The seam a durable engine plugs into: a [`Journal`] in the [`Env`](crate::Env) keeps what an
//! execution has done, so that after a crash it carries on from there without doing it again.
//!
//! - **Checkpoints**: on entering a state that waits (before it acts), the driver hands the
//!   journal the execution's progress (the serialized [`Execution`](crate::Execution)) and the
//!   history events since the last checkpoint; a restarted worker deserializes the progress
//!   and drives on. The states in between had no visible effect, so replaying them gives the
//!   same transitions and event ids. Children (Parallel branches, Map iterations) checkpoint
//!   under their own place, so a restart keeps their progress too.
//! - **Effects**: inside a state, each effect has an identity (execution, place, state visit,
//!   attempt). A Task's outcome, a timer's deadline and a child's outcome are recorded under it
//!   once done; replaying the state after a crash reads them back instead of acting again.
//! - **Task tokens**: a `.waitForTaskToken` Task (or an activity) issues its token to the journal
//!   and waits there for SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat, which may come
//!   from another process.
//!
//! Without a journal (the default) nothing is kept and nothing is built for it.

use crate::error::Failure;
use crate::flow::{Interrupted, Outcome};
use crate::history::HistoryEvent;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A task token handed out by a Task state.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub token: String,
    /// The Task state's name.
    pub state: String,
    /// The activity ARN for activity tasks (workers fetch them with GetActivityTask); `None`
    /// for `.waitForTaskToken` callbacks.
    pub activity: Option<String>,
    /// The task's effective input.
    pub input: Value,
}

/// Where a distributed Map's Map Run stands (what DescribeMapRun shows), as the run reports it
/// to its journal: when it starts, now and then as its iterations end, and when it ends.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapRunReport {
    /// `arn:<p>:states:<r>:<acct>:mapRun:<machine>/<label>:<id>`.
    pub arn: String,
    pub status: MapRunStatus,
    pub start_date: DateTime<Utc>,
    pub stop_date: Option<DateTime<Utc>>,
    /// 0: as many as the service allows.
    pub max_concurrency: u64,
    pub tolerated_failure_count: u64,
    pub tolerated_failure_percentage: f64,
    /// The run's child executions (its iterations) so far: read from the items (all of them
    /// once the run ended), running, and ended.
    pub total: u64,
    pub running: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// Iterations whose result a ResultWriter took.
    pub results_written: u64,
}

impl MapRunReport {
    pub fn settings(&self) -> MapRunSettings {
        MapRunSettings {
            max_concurrency: self.max_concurrency,
            tolerated_failure_count: self.tolerated_failure_count,
            tolerated_failure_percentage: self.tolerated_failure_percentage,
        }
    }

    pub fn set_settings(&mut self, settings: MapRunSettings) {
        self.max_concurrency = settings.max_concurrency;
        self.tolerated_failure_count = settings.tolerated_failure_count;
        self.tolerated_failure_percentage = settings.tolerated_failure_percentage;
    }
}

/// A Map Run's settings, which UpdateMapRun changes while it runs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MapRunSettings {
    pub max_concurrency: u64,
    pub tolerated_failure_count: u64,
    pub tolerated_failure_percentage: f64,
}

/// A Map Run's status, as AWS names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MapRunStatus {
    Running,
    Succeeded,
    Failed,
    Aborted,
}

impl MapRunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MapRunStatus::Running => "RUNNING",
            MapRunStatus::Succeeded => "SUCCEEDED",
            MapRunStatus::Failed => "FAILED",
            MapRunStatus::Aborted => "ABORTED",
        }
    }
}

/// Keeps one top-level execution's progress, effects and tokens. Every method may refuse with
/// [`Interrupted`]: the execution cannot go on in this process (another worker took it over, it
/// was stopped, or the store is unreachable), and the run ends without deciding its outcome.
pub trait Journal: Send + Sync {
    /// Stores `progress` under `place` ("" for the execution itself, the child path for a
    /// branch or iteration), replacing the previous one, and appends `events` to the history,
    /// atomically. Asynchronous, like [`record_effect`](Self::record_effect): a store may
    /// commit the writes of many executions together (group commit), and each waits for its
    /// own to be durable without holding a thread.
    ///
    /// A checkpoint of the execution itself supersedes the effects deferred until then (see
    /// [`defer_effect`](Self::defer_effect)): the driver saves it between two states of the
    /// execution, when every state that deferred one has ended, and a restart resumes from
    /// it, past them; a journal may leave them unwritten.
    fn checkpoint<'a>(&'a self, place: &'a str, progress: &'a [u8], events: &'a [HistoryEvent]) -> BoxFuture<'a, Result<(), Interrupted>>;
    /// The progress last stored under `place`.
    fn progress(&self, place: &str) -> Result<Option<Vec<u8>>, Interrupted>;
    /// The value recorded under the effect `key`, if the effect already happened.
    fn effect(&self, key: &str) -> Result<Option<Value>, Interrupted>;
    /// Records `value` under `key` unless a value is there; returns the value kept (the first),
    /// once it is durable.
    fn record_effect<'a>(&'a self, key: &'a str, value: &'a Value) -> BoxFuture<'a, Result<Value, Interrupted>>;
    /// Records `value` under `key` as [`record_effect`](Self::record_effect) does, without
    /// waiting for it to be durable: it is written with the journal's next write (which every
    /// other method that writes makes), or by [`settle`](Self::settle). For what nothing
    /// outside the run learns of before the run writes again: a Task's outcome, which the
    /// next state's checkpoint then carries in the same transaction. Whatever the run does
    /// outside the journal after it (calling a handler) must [`settle`](Self::settle) first,
    /// so that a restart never repeats an effect whose consequences were seen.
    fn defer_effect(&self, key: &str, value: &Value) -> Result<Value, Interrupted>;
    /// Makes every effect recorded with [`defer_effect`](Self::defer_effect) durable.
    fn settle(&self) -> BoxFuture<'_, Result<(), Interrupted>>;
    /// Appends `events` to the execution's history without a checkpoint (a long wait shows its
    /// first events meanwhile; a replay writes the same ids again, which changes nothing).
    fn append_events(&self, events: &[HistoryEvent]) -> Result<(), Interrupted>;
    /// Closes a token whose wait ended without an answer, so a late answer is refused; if an
    /// answer came first, that answer (the output, or the failure sent).
    fn close_token(&self, token: &str) -> Result<Option<Answer>, Interrupted>;
    /// Whether activity `arn` exists (AWS fails a state whose activity does not). The default
    /// knows of no registry and accepts every activity.
    fn activity_exists(&self, arn: &str) -> Result<bool, Interrupted> {
        let _ = arn;
        Ok(true)
    }
    /// Keeps where a Map Run stands, replacing what was kept under its ARN, and answers the
    /// settings in force when they were changed since it started (UpdateMapRun). The default
    /// keeps nothing.
    fn map_run(&self, report: &MapRunReport) -> Result<Option<MapRunSettings>, Interrupted> {
        let _ = report;
        Ok(None)
    }
    /// Parks the execution: it stops running here, and the store wakes it (a worker claims it
    /// and resumes it from its last checkpoint) when `token` is answered, or at `wake`,
    /// whichever comes first. `Ok(false)`: not parked, the run goes on waiting in memory
    /// (the token was answered meanwhile, or this journal does not park, as the default).
    /// After `Ok(true)` the run must end at once, with [`Interrupted::parked`].
    fn park(&self, token: Option<&str>, wake: DateTime<Utc>) -> Result<bool, Interrupted> {
        let _ = (token, wake);
        Ok(false)
    }
    /// Issues a task token, before anyone is told of it (idempotent: a replay issues it again).
    fn issue_token(&self, request: &TokenRequest) -> Result<(), Interrupted>;
    /// Waits for the answer to `token`: the output sent with SendTaskSuccess, or the failure
    /// sent with SendTaskFailure, telling `events` what it learns of before that (a resumed
    /// wait: what happened so far, on its first look).
    fn await_token<'a>(&'a self, token: &'a str, events: &'a dyn TokenEvents) -> BoxFuture<'a, Result<Answer, Interrupted>>;
}

/// The answer sent for a task token: the output of SendTaskSuccess, or the failure of
/// SendTaskFailure.
pub type Answer = Result<Value, Failure>;

/// What a token wait hears of before the answer (see [`Journal::await_token`]).
pub trait TokenEvents: Send + Sync {
    /// SendTaskHeartbeat has been called `count` times so far. `came`: when the last of them
    /// came, for heartbeats that came before this wait first looked (a wait resumed after a
    /// restart); `None` for one heard as it came.
    fn heartbeat(&self, count: u64, came: Option<DateTime<Utc>>);
    /// A worker fetched the activity task with GetActivityTask, giving this name, if any.
    /// Told once, before the answer it may send.
    fn taken(&self, worker_name: Option<&str>);
    /// Whether the wait may be parked ([`Journal::park`]), and until when at the latest: the
    /// end of its TimeoutSeconds or HeartbeatSeconds window as known now (the far future
    /// without either). `None`: it must wait in memory (a branch or iteration, which runs
    /// beside others of its execution).
    fn park_until(&self) -> Option<DateTime<Utc>> {
        None
    }
}

/// The wake-up of a wait without a time limit: 9999-12-31T23:59:59Z, after any execution's
/// own limit.
pub fn never() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(253_402_300_799, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The time recorded under `key`: `candidate` if nothing was (which is then recorded), else
/// what the first run recorded. How timers and waits keep their times across restarts.
///
/// Times are kept as RFC 3339 text, which ends with the year 9999: a later candidate (a
/// backoff that overflowed, say) is kept as the last second of 9999, a wait no execution's
/// limit lets finish anyway.
pub async fn recorded_time(journal: &dyn Journal, key: &str, candidate: DateTime<Utc>) -> Result<DateTime<Utc>, Interrupted> {
    // 9999-12-31T23:59:59Z.
    let last = DateTime::<Utc>::from_timestamp(253_402_300_799, 0).unwrap_or(candidate);
    let stamp = Value::String(candidate.min(last).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true));
    let kept = journal.record_effect(key, &stamp).await?;
    let time = kept.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    time.map(|t| t.with_timezone(&Utc)).ok_or_else(|| Interrupted::unreadable(format!("the recorded time '{key}' is unreadable: {kept}")))
}

/// A recorded outcome of an effect that may fail, as the journal stores it.
pub fn outcome_to_value(outcome: &Outcome) -> Value {
    match outcome {
        Ok(v) => serde_json::json!({ "result": v }),
        Err(f) => serde_json::json!({ "error": f.error, "cause": f.cause }),
    }
}

/// The inverse of [`outcome_to_value`]; `None` for a value of another shape.
pub fn outcome_from_value(v: &Value) -> Option<Outcome> {
    if let Some(result) = v.get("result") {
        return Some(Ok(result.clone()));
    }
    let error = v.get("error")?.as_str()?.to_string();
    let cause = v.get("cause").and_then(Value::as_str).map(str::to_string);
    Some(Err(Failure { error, cause }))
}

/// A journal for the runtime's unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    /// Keeps what is recorded as a store does (the first value under a key wins), unless every
    /// effect is to read as one value (`reading`), or every write is refused (`refusing`).
    #[derive(Default)]
    pub(crate) struct TestJournal {
        effects: Mutex<HashMap<String, Value>>,
        every_effect: Option<Value>,
        refuse: bool,
    }

    impl TestJournal {
        /// Every effect reads as `value`, recorded before anything was.
        pub(crate) fn reading(value: Value) -> Self {
            TestJournal { every_effect: Some(value), ..TestJournal::default() }
        }

        /// The worker lost the execution: every write is refused.
        pub(crate) fn refusing() -> Self {
            TestJournal { refuse: true, ..TestJournal::default() }
        }

        fn write(&self) -> Result<(), Interrupted> {
            if self.refuse { Err(Interrupted::refused("the worker lost the execution")) } else { Ok(()) }
        }
    }

    impl Journal for TestJournal {
        fn checkpoint<'a>(&'a self, _: &'a str, _: &'a [u8], _: &'a [HistoryEvent]) -> BoxFuture<'a, Result<(), Interrupted>> {
            Box::pin(std::future::ready(self.write()))
        }
        fn progress(&self, _: &str) -> Result<Option<Vec<u8>>, Interrupted> {
            Ok(None)
        }
        fn effect(&self, key: &str) -> Result<Option<Value>, Interrupted> {
            Ok(self.every_effect.clone().or_else(|| self.effects.lock().unwrap().get(key).cloned()))
        }
        fn record_effect<'a>(&'a self, key: &'a str, value: &'a Value) -> BoxFuture<'a, Result<Value, Interrupted>> {
            let kept = self.write().map(|()| match &self.every_effect {
                Some(every) => every.clone(),
                None => self.effects.lock().unwrap().entry(key.to_string()).or_insert_with(|| value.clone()).clone(),
            });
            Box::pin(std::future::ready(kept))
        }
        fn defer_effect(&self, key: &str, value: &Value) -> Result<Value, Interrupted> {
            Ok(self.effects.lock().unwrap().entry(key.to_string()).or_insert_with(|| value.clone()).clone())
        }
        fn settle(&self) -> BoxFuture<'_, Result<(), Interrupted>> {
            Box::pin(std::future::ready(self.write()))
        }
        fn append_events(&self, _: &[HistoryEvent]) -> Result<(), Interrupted> {
            self.write()
        }
        fn close_token(&self, _: &str) -> Result<Option<Answer>, Interrupted> {
            Ok(None)
        }
        fn issue_token(&self, _: &TokenRequest) -> Result<(), Interrupted> {
            self.write()
        }
        fn await_token<'a>(&'a self, _: &'a str, _: &'a dyn TokenEvents) -> BoxFuture<'a, Result<Answer, Interrupted>> {
            Box::pin(std::future::pending())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::TestJournal;
    use super::*;

    #[tokio::test]
    async fn recorded_times_keep_the_first_and_survive_any_candidate() {
        let journal = TestJournal::default();
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(recorded_time(&journal, "a", t("2026-01-01T00:00:00.5Z")).await, Ok(t("2026-01-01T00:00:00.5Z")));
        assert_eq!(recorded_time(&journal, "a", t("2027-01-01T00:00:00Z")).await, Ok(t("2026-01-01T00:00:00.5Z")));
        // An overflowed backoff: past what RFC 3339 text holds.
        assert_eq!(recorded_time(&journal, "far", DateTime::<Utc>::MAX_UTC).await, Ok(t("9999-12-31T23:59:59Z")));
        assert_eq!(recorded_time(&journal, "far", t("2026-01-01T00:00:00Z")).await, Ok(t("9999-12-31T23:59:59Z")));
    }

    #[test]
    fn outcomes_round_trip() {
        let ok: Result<Value, Failure> = Ok(serde_json::json!({"a": [1, null]}));
        assert_eq!(outcome_from_value(&outcome_to_value(&ok)), Some(ok));
        let err: Result<Value, Failure> = Err(Failure::new("E", "c"));
        assert_eq!(outcome_from_value(&outcome_to_value(&err)), Some(err));
        let bare: Result<Value, Failure> = Err(Failure::bare("States.Timeout"));
        assert_eq!(outcome_from_value(&outcome_to_value(&bare)), Some(bare));
        assert_eq!(outcome_from_value(&serde_json::json!(3)), None);
    }
}
