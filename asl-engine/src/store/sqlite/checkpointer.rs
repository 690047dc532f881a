//! Copies the WAL back into the database file on a thread of its own, so that the workers'
//! commits only append to the WAL.
//!
//! SQLite checkpoints from the committing connection by default: every commit that finds the
//! WAL past 1,000 pages copies it into the file and syncs, while holding the write lock, and
//! every execution waiting on that commit waits for the copy too. A PASSIVE checkpoint from
//! another connection takes no write lock: commits go on appending meanwhile, and the next
//! transaction that finds the whole WAL copied starts it over from the beginning. The
//! committing connection keeps a checkpoint of its own for a WAL past [`BACKSTOP_PAGES`], so
//! the WAL stays bounded should this thread fall behind or fail to open the file.
//!
//! Started by a store's first group commit (a worker's); the CLI's short-lived stores never
//! start one.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the thread looks at the WAL. Each look that finds frames to copy copies them all.
const EVERY: Duration = Duration::from_millis(50);

/// The committing connection's own checkpoint threshold (`wal_autocheckpoint`, pages) while a
/// checkpointer runs: 64 MiB of WAL at 4 KiB pages.
pub const BACKSTOP_PAGES: i64 = 16_384;

/// The checkpointing thread of one store; stopped and joined when dropped.
pub struct Checkpointer {
    stopping: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the store at `path` on a connection of its own.
    pub fn start(path: &Path, busy_timeout: Duration) -> Checkpointer {
        let stopping = Arc::new((Mutex::new(false), Condvar::new()));
        let path = path.to_path_buf();
        let signal = stopping.clone();
        let thread = std::thread::Builder::new()
            .name("asl-sqlite-checkpoint".into())
            .spawn(move || run(&path, busy_timeout, &signal))
            .ok();
        Checkpointer { stopping, thread }
    }
}

fn run(path: &Path, busy_timeout: Duration, stopping: &(Mutex<bool>, Condvar)) {
    // Failing to open is no loss but speed: the committing connection's backstop checkpoints.
    let Ok(conn) = Connection::open(path) else { return };
    if conn.busy_timeout(busy_timeout).is_err() {
        return;
    }
    let (stop, wake) = stopping;
    loop {
        let stopped = stop.lock().unwrap_or_else(PoisonError::into_inner);
        let stopped = wake.wait_timeout_while(stopped, EVERY, |stopped| !*stopped).unwrap_or_else(PoisonError::into_inner).0;
        if *stopped {
            return;
        }
        drop(stopped);
        // PASSIVE copies what it can without waiting for anyone; a busy answer is tried again
        // at the next look.
        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (stop, wake) = &*self.stopping;
        *stop.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
