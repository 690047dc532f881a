//! Connections to PostgreSQL, and one transaction run on one of them.
//!
//! The [`Store`](crate::store::Store) trait is synchronous (the SQLite store's calls block too),
//! and it is called from inside the workers' tokio runtime, where a runtime cannot be entered
//! again. So the store owns a small runtime of its own, which only drives the connections' I/O
//! (tokio-postgres splits each connection into a `Client`, which sends requests over a
//! channel, and a `Connection` future, which does the I/O). A call's own future (its queries)
//! runs on the calling thread with [`block_on`]: it only talks to the connection's channel, so
//! it needs no runtime, may borrow the caller's arguments, and blocks that thread as an SQLite
//! call does.
//!
//! A connection is taken from the idle ones, or opened while fewer than the pool's size are
//! open; otherwise the call waits for one to come back (at most [`CHECKOUT_TIMEOUT`]). A
//! connection that broke (the server restarted, say) is dropped instead of coming back, and a
//! transaction that failed before its COMMIT was sent because of it runs again on a new one.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, IsolationLevel, NoTls};

use super::tx::{Fail, Tx};
use crate::store::{Result, StoreError};

/// How long a call waits for a connection when all of the pool's are in use.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a call keeps trying to (re)connect, so that a database restart is waited out
/// rather than failing every execution in flight.
const RECONNECT_FOR: Duration = Duration::from_secs(30);
/// How many times a transaction runs again after a serialization failure or a deadlock.
const MAX_RETRIES: u32 = 20;

/// How a transaction sees others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Isolation {
    /// As if transactions ran one after another (what SQLite's single writer gives): for the
    /// read-then-write operations of the control API. A conflict runs the transaction again.
    Serializable,
    /// Row locks taken explicitly (`FOR UPDATE`, `FOR SHARE`, `SKIP LOCKED`): for the hot
    /// paths of workers (claim, checkpoint, effects, leases), which touch rows of their own.
    ReadCommitted,
}

/// A bounded set of connections to one database, all with `search_path` set to the store's
/// schema.
pub(super) struct Pool {
    config: Config,
    /// `SET search_path` for each new connection.
    setup: String,
    size: usize,
    /// Idle connections, and how many are open in all.
    state: Mutex<PoolState>,
    returned: Condvar,
    /// Drives the connections' I/O; shut down without waiting when the pool goes (a drop may
    /// happen inside another runtime, where waiting is not allowed).
    runtime: Option<tokio::runtime::Runtime>,
}

struct PoolState {
    idle: Vec<Conn>,
    open: usize,
}

/// One connection and the statements prepared on it.
pub(super) struct Conn {
    pub(super) client: Client,
    pub(super) statements: std::collections::HashMap<String, tokio_postgres::Statement>,
}

impl Pool {
    pub(super) fn new(config: Config, schema: &str, size: usize) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("asl-postgres")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Backend(format!("starting the PostgreSQL store's I/O thread: {e}")))?;
        Ok(Self {
            config,
            setup: format!("SET search_path TO {}", quote_ident(schema)),
            size: size.max(1),
            state: Mutex::new(PoolState { idle: Vec::new(), open: 0 }),
            returned: Condvar::new(),
            runtime: Some(runtime),
        })
    }

    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // The state is two counters and a list; a panic cannot leave them half-changed.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection: an idle one, a new one, or the first to come back.
    fn checkout(&self) -> Result<Pooled<'_>> {
        let deadline = Instant::now() + CHECKOUT_TIMEOUT;
        let mut state = self.lock();
        loop {
            while let Some(conn) = state.idle.pop() {
                if !conn.client.is_closed() {
                    return Ok(Pooled { pool: self, conn: Some(conn) });
                }
                state.open -= 1;
            }
            if state.open < self.size {
                state.open += 1;
                drop(state);
                return match self.connect() {
                    Ok(conn) => Ok(Pooled { pool: self, conn: Some(conn) }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(StoreError::Backend(format!(
                    "all {} connections to PostgreSQL stayed in use for {} s",
                    self.size,
                    CHECKOUT_TIMEOUT.as_secs()
                )));
            }
            state = self.returned.wait_timeout(state, deadline - now).unwrap_or_else(PoisonError::into_inner).0;
        }
    }

    /// Opens a connection, trying again for [`RECONNECT_FOR`] while the server cannot be
    /// reached (it may be restarting).
    fn connect(&self) -> Result<Conn> {
        let runtime = self.runtime.as_ref().expect("the runtime lives as long as the pool");
        let started = Instant::now();
        let mut pause = Duration::from_millis(50);
        loop {
            let config = self.config.clone();
            let setup = self.setup.clone();
            // Connected on the pool's runtime: the socket belongs to its reactor, and the
            // connection's future is spawned there.
            let attempt = runtime.spawn(async move {
                let (client, connection) = config.connect(NoTls).await?;
                tokio::spawn(async move {
                    // The error, if any, also reaches the client's next call.
                    let _ = connection.await;
                });
                client.batch_execute(&setup).await?;
                Ok::<_, tokio_postgres::Error>(client)
            });
            match block_on(attempt) {
                Ok(Ok(client)) => return Ok(Conn { client, statements: Default::default() }),
                Ok(Err(e)) if unreachable(&e) && started.elapsed() < RECONNECT_FOR => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(1));
                }
                Ok(Err(e)) => return Err(StoreError::Backend(format!("connecting to PostgreSQL: {}", describe(&e)))),
                Err(e) => return Err(StoreError::Backend(format!("connecting to PostgreSQL: {e}"))),
            }
        }
    }

    /// Runs `f` in one transaction, committed if it succeeds and rolled back otherwise; again
    /// (from the start, on a fresh snapshot) after a serialization failure, a deadlock, or a
    /// connection that broke before the COMMIT was sent. A connection that broke during the
    /// COMMIT is an error: whether it took effect is unknown.
    pub(super) fn transact<T>(&self, what: &str, isolation: Isolation, f: impl AsyncFn(&Tx<'_>) -> Result<T, Fail>) -> Result<T> {
        block_on(async {
            let mut attempt = 0;
            let mut isolation = isolation;
            loop {
                attempt += 1;
                let mut pooled = self.checkout()?;
                let conn = pooled.conn.as_mut().expect("a checked-out connection");
                let level = match isolation {
                    Isolation::Serializable => IsolationLevel::Serializable,
                    Isolation::ReadCommitted => IsolationLevel::ReadCommitted,
                };
                let failed = match conn.client.build_transaction().isolation_level(level).start().await {
                    Err(e) => Fail::Db { what: what.to_owned(), error: e },
                    Ok(tx) => {
                        let tx = Tx::new(tx, &mut conn.statements, what, isolation == Isolation::Serializable);
                        match f(&tx).await {
                            Ok(value) => match tx.commit().await {
                                Ok(()) => return Ok(value),
                                // A serialization failure or a deadlock at COMMIT committed
                                // nothing: run it again. A connection lost there may have
                                // committed: that is said, not retried.
                                Err(e) if conflict(&e) && attempt <= MAX_RETRIES => Fail::Db { what: what.to_owned(), error: e },
                                Err(e) => return Err(backend(what, &e)),
                            },
                            Err(fail) => fail,
                        }
                    }
                };
                match failed {
                    Fail::Store(e) => return Err(e),
                    Fail::NeedsSerializable if isolation == Isolation::ReadCommitted => {
                        isolation = Isolation::Serializable;
                        attempt -= 1;
                    }
                    Fail::NeedsSerializable => {
                        return Err(StoreError::Backend(format!("{what}: asked to run as SERIALIZABLE while it did")));
                    }
                    Fail::Db { what, error } => {
                        if attempt <= MAX_RETRIES && retryable(&error) {
                            drop(pooled);
                            // A short, growing pause spreads out transactions that collided.
                            std::thread::sleep(Duration::from_millis(u64::from(attempt.min(10))));
                            continue;
                        }
                        return Err(backend(&what, &error));
                    }
                }
            }
        })
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// A connection on loan; back to the pool when dropped, unless it broke.
struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let mut state = self.pool.lock();
        if conn.client.is_closed() {
            state.open -= 1;
        } else {
            state.idle.push(conn);
        }
        drop(state);
        self.pool.returned.notify_one();
    }
}

/// A transaction worth running again: it lost a serialization conflict or a deadlock, or its
/// connection broke (the statements before COMMIT did nothing then).
fn retryable(e: &tokio_postgres::Error) -> bool {
    conflict(e) || unreachable(e)
}

/// A serialization failure or a deadlock: the transaction was rolled back.
fn conflict(e: &tokio_postgres::Error) -> bool {
    matches!(e.code(), Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED)
}

/// The server could not be reached or went away (refused, reset, shutting down).
fn unreachable(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(code) = e.code() {
        return *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
            || code.code().starts_with("08");
    }
    // No SQLSTATE: an I/O error before or instead of an answer.
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

/// A database error as a store error saying what was being done.
pub(super) fn backend(what: &str, e: &tokio_postgres::Error) -> StoreError {
    StoreError::Backend(format!("{what}: {}", describe(e)))
}

/// tokio-postgres's own text is terse ("db error"); the server's message and code, or the
/// I/O error underneath, say what happened.
pub(super) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {} (SQLSTATE {})", db.severity(), db.message(), db.code().code());
    }
    match std::error::Error::source(e) {
        Some(source) => format!("{e}: {source}"),
        None => e.to_string(),
    }
}

/// An SQL identifier, quoted.
pub(super) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Runs a future to completion on this thread, parking it while the future waits. The
/// store's futures wait only on its connections, which the pool's runtime drives.
pub(super) fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = TaskContext::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(value) => return value,
            // A spurious wake-up only polls again.
            Poll::Pending => std::thread::park(),
        }
    }
}
