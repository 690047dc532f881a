//! The runtime's [`Journal`] over a [`Store`]: one per execution a worker runs.
//!
//! Every write checks that this worker still holds the execution; when it does not (the
//! execution was stopped, or its lease ran out and another worker took it over) the journal
//! refuses, marks itself interrupted, and the run ends without an outcome: the execution's
//! fate is decided elsewhere.

use crate::commit::Committer;
use crate::pressure::Pressure;
use crate::store::{MapRunRecord, Store, StoreError, TokenOutcome, TokenRecord, Write, Written};
use asl_runtime::durable::{Answer, BoxFuture, Journal, MapRunReport, MapRunSettings, TokenEvents, TokenRequest};
use asl_runtime::history::HistoryEvent;
use asl_runtime::{Failure, Interrupted, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Wakes the token waiters of this process when an answer is stored here, so a callback
/// answered in-process resumes at once; answers from other processes are seen by polling.
#[derive(Debug, Default)]
pub struct Answers {
    notify: tokio::sync::Notify,
}

impl Answers {
    pub fn answered(&self) {
        self.notify.notify_waiters();
    }
}

pub struct StoreJournal {
    store: Arc<dyn Store>,
    arn: String,
    worker: String,
    answers: Arc<Answers>,
    poll: Duration,
    /// Checkpoints and effects go through the worker's group commit, when it has one.
    committer: Option<Arc<Committer>>,
    /// Told how long each write took (the worker's back-pressure).
    pressure: Option<Arc<Pressure>>,
    /// Waits park the execution in the store (see `Journal::park`) instead of waiting here.
    parking: bool,
    /// When the execution's own time limit runs out (a Standard one's year): a parked wait
    /// wakes then at the latest, and the resumed run times out.
    deadline: Option<chrono::DateTime<chrono::Utc>>,
    interrupted: AtomicBool,
    /// The run started the execution (no checkpoint existed): it has recorded every effect
    /// there is itself, each under a key of its own, so looking one up can only find nothing.
    fresh: AtomicBool,
    /// Effects recorded with `defer_effect` and not written yet (key, value as JSON text), in
    /// the order recorded; they go with the next write.
    deferred: Mutex<Vec<(String, String)>>,
}

impl StoreJournal {
    pub fn new(store: Arc<dyn Store>, arn: String, worker: String, answers: Arc<Answers>, poll: Duration) -> Self {
        StoreJournal {
            store,
            arn,
            worker,
            answers,
            poll,
            committer: None,
            pressure: None,
            parking: false,
            deadline: None,
            interrupted: AtomicBool::new(false),
            fresh: AtomicBool::new(false),
            deferred: Mutex::default(),
        }
    }

    /// Parks executions that wait, so they hold no memory here (see [`Journal::park`]), never
    /// past `deadline`, the end of the execution's own time limit.
    pub fn parking(mut self, on: bool, deadline: Option<chrono::DateTime<chrono::Utc>>) -> Self {
        self.parking = on;
        self.deadline = deadline;
        self
    }

    /// Writes checkpoints and effects through `committer`, with other executions' writes.
    pub fn grouped(mut self, committer: Option<Arc<Committer>>) -> Self {
        self.committer = committer;
        self
    }

    /// Makes `write` durable, after the deferred effects and in the same transaction: with
    /// the group, or alone. `None`: only the deferred effects.
    async fn write(&self, write: Option<Write>) -> Result<Option<Written>, Interrupted> {
        let mut writes = self.take_deferred();
        if writes.is_empty() && write.is_none() {
            return Ok(None);
        }
        writes.extend(write);
        let began = std::time::Instant::now();
        let answers = match &self.committer {
            Some(committer) => committer.write(writes).await,
            None => self.store.commit(&writes),
        };
        if let Some(pressure) = &self.pressure {
            pressure.observe(began.elapsed());
        }
        self.last_answer(answers)
    }

    /// Tells `pressure` how long each write takes to become durable.
    pub fn observed_by(mut self, pressure: Arc<Pressure>) -> Self {
        self.pressure = Some(pressure);
        self
    }

    /// Makes the deferred effects durable before a write that goes to the store directly.
    fn settle_now(&self) -> Result<(), Interrupted> {
        let writes = self.take_deferred();
        if writes.is_empty() {
            return Ok(());
        }
        self.last_answer(self.store.commit(&writes)).map(drop)
    }

    /// The value deferred under `key`, if one is.
    fn deferred_value(&self, key: &str) -> Option<String> {
        self.deferred.lock().unwrap_or_else(PoisonError::into_inner).iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    fn take_deferred(&self) -> Vec<Write> {
        let deferred = std::mem::take(&mut *self.deferred.lock().unwrap_or_else(PoisonError::into_inner));
        deferred.into_iter().map(|(key, value)| Write::Effect { arn: self.arn.clone(), key, value }).collect()
    }

    /// The answer to the last of a commit's writes, once every one of them was written.
    fn last_answer(&self, answers: Result<Vec<Result<Written, StoreError>>, StoreError>) -> Result<Option<Written>, Interrupted> {
        let mut last = None;
        for answer in answers.map_err(|e| self.fail(e))? {
            last = Some(answer.map_err(|e| self.fail(e))?);
        }
        Ok(last)
    }

    /// Marks the run as the execution's first (see `fresh`): effect lookups skip the store.
    pub fn starting_fresh(self) -> Self {
        self.fresh.store(true, Ordering::SeqCst);
        self
    }

    /// Whether the store refused a call (the execution is not this worker's any more, or the
    /// store failed): the run must end without recording an outcome, even if the refusal was
    /// lost on the way (a sibling branch's failure that won the race, say).
    pub fn is_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    fn fail(&self, e: StoreError) -> Interrupted {
        self.interrupted.store(true, Ordering::SeqCst);
        Interrupted::refused(e)
    }

    /// A value the store kept as JSON text; text that is not JSON is a damaged record.
    fn parse(&self, text: &str) -> Result<Value, Interrupted> {
        serde_json::from_str(text).map_err(|e| Interrupted::unreadable(format!("a recorded effect of {} is not JSON: {e}", self.arn)))
    }
}

/// A history event as the store keeps it.
pub fn stored(e: &HistoryEvent) -> crate::store::StoredEvent {
    crate::store::StoredEvent { id: e.id, json: e.to_json_text() }
}

/// The events a run writes as it goes, up to AWS's quota: those past event 24,999 are cut when
/// the run ends (`asl_runtime::driver` fails it there), and must not take the id of the
/// ExecutionFailed that then ends the history.
fn within_quota(events: &[HistoryEvent]) -> Vec<crate::store::StoredEvent> {
    events.iter().filter(|e| e.id < asl_runtime::driver::MAX_HISTORY_EVENTS).map(stored).collect()
}

impl Journal for StoreJournal {
    fn checkpoint<'a>(&'a self, place: &'a str, progress: &'a [u8], events: &'a [HistoryEvent]) -> BoxFuture<'a, Result<(), Interrupted>> {
        let write = Write::Checkpoint {
            arn: self.arn.clone(),
            worker: self.worker.clone(),
            place: place.to_owned(),
            progress: Some(progress.to_vec()),
            events: within_quota(events),
        };
        if place.is_empty() {
            // Superseded by this checkpoint (see the trait): a Task's outcome costs no row of
            // its own when the next state checkpoints.
            self.deferred.lock().unwrap_or_else(PoisonError::into_inner).clear();
        }
        Box::pin(async move { self.write(Some(write)).await.map(drop) })
    }

    fn progress(&self, place: &str) -> Result<Option<Vec<u8>>, Interrupted> {
        self.store.progress(&self.arn, place).map_err(|e| self.fail(e))
    }

    fn effect(&self, key: &str) -> Result<Option<Value>, Interrupted> {
        if let Some(text) = self.deferred_value(key) {
            return self.parse(&text).map(Some);
        }
        if self.fresh.load(Ordering::Relaxed) {
            return Ok(None);
        }
        match self.store.effect(&self.arn, key).map_err(|e| self.fail(e))? {
            None => Ok(None),
            Some(text) => self.parse(&text).map(Some),
        }
    }

    fn record_effect<'a>(&'a self, key: &'a str, value: &'a Value) -> BoxFuture<'a, Result<Value, Interrupted>> {
        // No holder check: the first value wins, and a value recorded by a worker that has
        // since lost the execution still is what happened.
        let write = Write::Effect { arn: self.arn.clone(), key: key.to_owned(), value: value.to_string() };
        Box::pin(async move {
            match self.write(Some(write)).await? {
                Some(Written::Effect(kept)) => self.parse(&kept),
                _ => Err(self.fail(StoreError::Backend("the store answered an effect as a checkpoint".into()))),
            }
        })
    }

    fn defer_effect(&self, key: &str, value: &Value) -> Result<Value, Interrupted> {
        // The caller found nothing recorded under `key` before the effect; a value deferred
        // under it since is the first, as the store would keep it. (Keys name positions in
        // the run, so no two branches defer under one key at once.)
        if let Some(kept) = self.deferred_value(key) {
            return self.parse(&kept);
        }
        self.deferred.lock().unwrap_or_else(PoisonError::into_inner).push((key.to_owned(), value.to_string()));
        Ok(value.clone())
    }

    fn settle(&self) -> BoxFuture<'_, Result<(), Interrupted>> {
        Box::pin(async move { self.write(None).await.map(drop) })
    }

    fn append_events(&self, events: &[HistoryEvent]) -> Result<(), Interrupted> {
        if events.is_empty() {
            return Ok(());
        }
        self.settle_now()?;
        let events = within_quota(events);
        self.store.checkpoint(&self.arn, &self.worker, "", None, &events).map_err(|e| self.fail(e))
    }

    fn close_token(&self, token: &str) -> Result<Option<Answer>, Interrupted> {
        self.settle_now()?;
        match self.store.close_token(token).map_err(|e| self.fail(e))? {
            None => Ok(None),
            Some(TokenOutcome::Success(output)) => self.parse(&output).map(|v| Some(Ok(v))),
            Some(TokenOutcome::Failure { error, cause }) => Ok(Some(Err(Failure { error: error.unwrap_or_default(), cause }))),
        }
    }

    fn park(&self, token: Option<&str>, wake: chrono::DateTime<chrono::Utc>) -> Result<bool, Interrupted> {
        if !self.parking {
            return Ok(false);
        }
        let wake = self.deadline.map_or(wake, |deadline| wake.min(deadline));
        self.settle_now()?;
        self.store.park(&self.arn, &self.worker, token, wake).map_err(|e| self.fail(e))
    }

    fn activity_exists(&self, arn: &str) -> Result<bool, Interrupted> {
        let found = self.store.activity(&asl_runtime::context::local_activity_arn(arn)).map_err(|e| self.fail(e))?;
        Ok(found.is_some())
    }

    fn map_run(&self, report: &MapRunReport) -> Result<Option<MapRunSettings>, Interrupted> {
        let record = MapRunRecord { execution_arn: self.arn.clone(), report: report.clone() };
        self.settle_now()?;
        self.store.put_map_run(&self.worker, &record).map_err(|e| self.fail(e))
    }

    fn issue_token(&self, request: &TokenRequest) -> Result<(), Interrupted> {
        let record = TokenRecord {
            token: request.token.clone(),
            execution_arn: self.arn.clone(),
            state: request.state.clone(),
            activity_arn: request.activity.as_deref().map(asl_runtime::context::local_activity_arn),
            input: request.input.to_string(),
            outcome: None,
            last_heartbeat: None,
            taken: false,
            heartbeats: 0,
            worker_name: None,
        };
        self.settle_now()?;
        self.store.issue_token(&record).map_err(|e| self.fail(e))
    }

    fn await_token<'a>(&'a self, token: &'a str, events: &'a dyn TokenEvents) -> BoxFuture<'a, Result<Answer, Interrupted>> {
        Box::pin(async move {
            let mut beats_seen = 0;
            let mut taken_seen = false;
            let mut first_look = true;
            loop {
                // Register for in-process answers before reading, so none is missed between.
                let woken = self.answers.notify.notified();
                tokio::pin!(woken);
                woken.as_mut().enable();
                let record = self.store.token(token).map_err(|e| self.fail(e))?;
                let Some(record) = record else {
                    return Err(self.fail(StoreError::TaskDoesNotExist));
                };
                // Before the answer: a worker that took the task and answered between two
                // looks still started it first.
                if record.taken && !taken_seen {
                    events.taken(record.worker_name.as_deref());
                    taken_seen = true;
                }
                match record.outcome {
                    Some(TokenOutcome::Success(output)) => return self.parse(&output).map(Ok),
                    Some(TokenOutcome::Failure { error, cause }) => {
                        return Ok(Err(Failure { error: error.unwrap_or_default(), cause }));
                    }
                    None => {}
                }
                if record.heartbeats != beats_seen {
                    events.heartbeat(record.heartbeats, if first_look { record.last_heartbeat } else { None });
                    beats_seen = record.heartbeats;
                }
                // No answer yet: the execution waits in the store, not here, until the answer
                // wakes it or its time limit does (after what it learnt on this first look).
                if first_look {
                    if let Some(wake) = events.park_until() {
                        if self.park(Some(token), wake)? {
                            return Err(Interrupted::parked(format!("waiting for a task token, at the latest until {wake}")));
                        }
                        // Answered meanwhile: read it at once.
                        first_look = false;
                        continue;
                    }
                }
                first_look = false;
                tokio::select! {
                    () = &mut woken => {}
                    () = tokio::time::sleep(self.poll) => {}
                }
            }
        })
    }
}
