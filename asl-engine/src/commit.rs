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

/// A transaction takes no more executions' writes once it holds this many, so that none
/// holds the store's write lock for long.
const MAX_BATCH: usize = 1024;

/// The writes queued for the next commit, and whether an execution leads.
pub struct Committer {
    store: Arc<dyn Store>,
    state: Mutex<Queue>,
}

/// What a queued request hears back.
enum Answer {
    Done(Result<Vec<Result<Written>>>),
    /// Its turn to lead, with its writes handed back: commit the queue with them.
    Lead(Baton),
}

/// One execution's writes, committed in the same transaction, and where their answers go.
type Queued = (Vec<Write>, tokio::sync::oneshot::Sender<Answer>);

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

    /// Makes `writes` durable with the others queued, in one transaction, and answers them
    /// as [`Store::commit`] would.
    pub async fn write(self: &Arc<Self>, writes: Vec<Write>) -> Result<Vec<Result<Written>>> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        // Deciding to lead and queueing happen under one lock: a leader handing on meanwhile
        // either sees this write queued or leaves the lead free for it.
        let lead = {
            let mut queue = self.lock();
            if queue.leading {
                queue.writes.push_back((writes, answer));
                None
            } else {
                queue.leading = true;
                Some(writes)
            }
        };
        if let Some(writes) = lead {
            let baton = Baton { committer: self.clone(), writes: Some(writes) };
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
    fn commit_batch(self: &Arc<Self>, own: Vec<Write>) -> Result<Vec<Result<Written>>> {
        let mut counts = vec![own.len()];
        let mut writes = own;
        let mut answers = Vec::new();
        {
            let mut queue = self.lock();
            while writes.len() < MAX_BATCH {
                let Some((more, answer)) = queue.writes.pop_front() else { break };
                counts.push(more.len());
                writes.extend(more);
                answers.push(answer);
            }
        }
        // A store that panics fails this batch, not every write queued after it: the lead is
        // handed on whatever happens.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.store.commit(&writes)))
            .unwrap_or_else(|_| Err(StoreError::Backend("the store panicked during a group commit".into())));
        self.hand_on();
        match result {
            Ok(results) if results.len() == writes.len() => {
                let mut results = results.into_iter();
                let mut next = |count: usize| results.by_ref().take(count).collect::<Vec<_>>();
                let mine = next(counts[0]);
                for (answer, count) in answers.into_iter().zip(&counts[1..]) {
                    // A write whose execution stopped waiting (it was aborted) needs no answer.
                    let _ = answer.send(Answer::Done(Ok(next(*count))));
                }
                Ok(mine)
            }
            Ok(results) => {
                let e = StoreError::Backend(format!("the store answered {} writes of {}", results.len(), writes.len()));
                for answer in answers {
                    let _ = answer.send(Answer::Done(Err(e.clone())));
                }
                Err(e)
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
        while let Some((writes, answer)) = queue.writes.pop_front() {
            match answer.send(Answer::Lead(Baton { committer: self.clone(), writes: Some(writes) })) {
                Ok(()) => return,
                // Its execution is gone, and its writes with it; disarmed, so that dropping it
                // does not commit (this holds the lock).
                Err(Answer::Lead(mut baton)) => drop(baton.writes.take()),
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
    writes: Option<Vec<Write>>,
}

impl Baton {
    fn commit(mut self) -> Result<Vec<Result<Written>>> {
        let writes = self.writes.take().expect("a baton commits once");
        self.committer.commit_batch(writes)
    }
}

impl Drop for Baton {
    fn drop(&mut self) {
        if let Some(writes) = self.writes.take() {
            let _ = self.committer.commit_batch(writes);
        }
    }
}
