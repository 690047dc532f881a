//! Group commit: the checkpoints and recorded effects of a worker's executions, queued as
//! they come and written together, one transaction for all that queued while the last one ran
//! ([`Store::commit`]). Each execution still waits for its own write to be durable before it
//! moves on, so a kill loses nothing that was acknowledged; what it saves is a transaction
//! (and on SQLite, the write lock and the WAL append) per write.
//!
//! No thread of its own: the first execution to queue a write while none is being committed
//! leads. It yields once, so that the other executions ready to run queue theirs, then commits
//! the queue, again and again until it is empty, and hands every execution its answer. The
//! leader's thread blocks during each commit (the store is synchronous), as a direct write
//! would; the runtime's other threads keep running executions, which fill the next batch.
//! Under tokio's paused clock (`asl test`) this matters: a thread waiting on another thread
//! would let the clock jump ahead, a leader committing does not.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::store::{Result, Store, StoreError, Write, Written};

/// At most this many writes go into one transaction: a long queue is committed in slices,
/// so no transaction holds the store's write lock for long.
const MAX_BATCH: usize = 1024;

/// The writes queued for the next commit, and whether an execution is leading.
pub struct Committer {
    store: Arc<dyn Store>,
    state: Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    writes: Vec<(Write, tokio::sync::oneshot::Sender<Result<Written>>)>,
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
    pub async fn write(&self, write: Write) -> Result<Written> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let lead = {
            let mut queue = self.lock();
            queue.writes.push((write, answer));
            !std::mem::replace(&mut queue.leading, true)
        };
        if lead {
            // Whatever happens to this execution now (it may be aborted at the yield), the
            // queue is committed: the others wait for it.
            let leader = Leader(self);
            // The other executions ready to run queue their writes meanwhile.
            tokio::task::yield_now().await;
            drop(leader);
        }
        answered.await.unwrap_or_else(|_| Err(StoreError::Backend("a group commit ended without answering".into())))
    }

    /// Commits the queue until it is empty, then stops leading. (Called by [`Leader`].)
    fn commit_all(&self) {
        loop {
            let batch = {
                let mut queue = self.lock();
                if queue.writes.is_empty() {
                    queue.leading = false;
                    return;
                }
                let cut = queue.writes.len().min(MAX_BATCH);
                let rest = queue.writes.split_off(cut);
                std::mem::replace(&mut queue.writes, rest)
            };
            let (writes, answers): (Vec<Write>, Vec<_>) = batch.into_iter().unzip();
            match self.store.commit(&writes) {
                Ok(results) => {
                    for (answer, result) in answers.into_iter().zip(results) {
                        // A write whose execution stopped waiting (aborted) is dropped.
                        let _ = answer.send(result);
                    }
                }
                Err(e) => {
                    for answer in answers {
                        let _ = answer.send(Err(e.clone()));
                    }
                }
            }
        }
    }
}

/// The execution leading the next commit: commits the queue when dropped, which is at once
/// after its yield, or when its execution is dropped there.
struct Leader<'a>(&'a Committer);

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        self.0.commit_all();
    }
}
