//! Group commit: the checkpoints and recorded effects of a worker's executions, queued as
//! they come and written together, one transaction for all that queued while the last one ran
//! ([`Store::commit`]). Each execution still waits for its own write to be durable before it
//! moves on, so a kill loses nothing that was acknowledged; what it saves is a transaction
//! (on SQLite the write lock and the WAL append, on PostgreSQL the round trips and the WAL
//! flush) per write.
//!
//! No thread of its own: the executions take turns leading. The first to queue a write while
//! nobody leads yields once (so that the other executions ready to run queue theirs), commits
//! the queue, answers every write in it, and hands the lead to the first execution whose
//! write queued meanwhile, which commits the next batch when it runs. A leader thus commits
//! one batch and goes on with its own execution; its thread blocks during that commit (the
//! store is synchronous), as a write alone would. Under tokio's paused clock (`asl test`)
//! this matters too: a task waiting on another thread would let the clock jump ahead, a
//! leader committing does not.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::store::{Result, Store, StoreError, Write, Written};

/// At most this many writes go into one transaction, so that none holds the store's write
/// lock for long.
const MAX_BATCH: usize = 1024;

/// The writes queued for the next commit, and whether an execution leads.
pub struct Committer {
    store: Arc<dyn Store>,
    state: Mutex<Queue>,
}

/// What a queued write hears back.
enum Answer {
    Done(Result<Written>),
    /// Its turn to lead, with its write handed back: commit the queue with it.
    Lead(Baton),
}

type Queued = (Write, tokio::sync::oneshot::Sender<Answer>);

#[derive(Default)]
struct Queue {
    writes: std::collections::VecDeque<Queued>,
    leading: bool,
}

impl Committer {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Committer { store, state: Mutex::default() }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A panic cannot leave the queue half-changed (pushes and takes only).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes `write` durable with the others queued, and answers it as the store's own method
    /// would.
    pub async fn write(self: &Arc<Self>, write: Write) -> Result<Written> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        // Deciding to lead and queueing happen under one lock: a leader handing on meanwhile
        // either sees this write queued or leaves the lead free for it.
        let lead = {
            let mut queue = self.lock();
            if queue.leading {
                queue.writes.push_back((write, answer));
                None
            } else {
                queue.leading = true;
                Some(write)
            }
        };
        if let Some(write) = lead {
            let baton = Baton { committer: self.clone(), write: Some(write) };
            // The other executions ready to run queue their writes meanwhile.
            tokio::task::yield_now().await;
            return baton.commit();
        }
        match answered.await {
            Ok(Answer::Done(result)) => result,
            Ok(Answer::Lead(baton)) => baton.commit(),
            Err(_) => Err(StoreError::Backend("a group commit ended without answering".into())),
        }
    }

    /// Commits `own` with the queue (one batch), answers the others, hands the lead on, and
    /// answers `own`.
    fn commit_batch(self: &Arc<Self>, own: Write) -> Result<Written> {
        let batch = {
            let mut queue = self.lock();
            let cut = queue.writes.len().min(MAX_BATCH - 1);
            queue.writes.drain(..cut).collect::<Vec<_>>()
        };
        let (others, answers): (Vec<Write>, Vec<_>) = batch.into_iter().unzip();
        let mut writes = Vec::with_capacity(others.len() + 1);
        writes.push(own);
        writes.extend(others);
        // A store that panics fails this batch, not every write queued after it: the lead is
        // handed on whatever happens.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.store.commit(&writes)))
            .unwrap_or_else(|_| Err(StoreError::Backend("the store panicked during a group commit".into())));
        self.hand_on();
        match result {
            Ok(results) => {
                let mut results = results.into_iter();
                let mine = results.next().unwrap_or_else(|| Err(StoreError::Backend("the store answered no write".into())));
                for (answer, result) in answers.into_iter().zip(results) {
                    // A write whose execution stopped waiting (it was aborted) needs no answer.
                    let _ = answer.send(Answer::Done(result));
                }
                mine
            }
            Err(e) => {
                for answer in answers {
                    let _ = answer.send(Answer::Done(Err(e.clone())));
                }
                Err(e)
            }
        }
    }

    /// Gives the lead to the oldest queued write whose execution still waits, or, with none
    /// queued, stops leading.
    fn hand_on(self: &Arc<Self>) {
        let mut queue = self.lock();
        while let Some((write, answer)) = queue.writes.pop_front() {
            match answer.send(Answer::Lead(Baton { committer: self.clone(), write: Some(write) })) {
                Ok(()) => return,
                // Its execution is gone, and its write with it; disarmed, so that dropping it
                // does not commit (this holds the lock).
                Err(Answer::Lead(mut baton)) => drop(baton.write.take()),
                Err(Answer::Done(_)) => {}
            }
        }
        queue.leading = false;
    }
}

/// The lead of the next commit, held by one execution. It commits when told to, or when
/// dropped unused (its execution was aborted, before or after the lead reached it): the
/// writes queued behind it wait for it.
struct Baton {
    committer: Arc<Committer>,
    write: Option<Write>,
}

impl Baton {
    fn commit(mut self) -> Result<Written> {
        let write = self.write.take().expect("a baton commits once");
        self.committer.commit_batch(write)
    }
}

impl Drop for Baton {
    fn drop(&mut self) {
        if let Some(write) = self.write.take() {
            let _ = self.committer.commit_batch(write);
        }
    }
}
