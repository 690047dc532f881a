//! Time as an effect: generated code never calls `tokio::time` or the system clock directly.
//! Waits, retry backoff and timeouts go through [`Clock`], so tests run on tokio's paused
//! clock and the durable engine can turn a sleep into a stored wake-up time.

use chrono::{DateTime, Utc};
use std::future::Future;
use std::time::Duration;

pub trait Clock: Send + Sync {
    /// The current wall-clock time (for `$$.Execution.StartTime`, `Timestamp` waits).
    fn now(&self) -> DateTime<Utc>;
    /// Completes after `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;
}

/// tokio's clock: wall time is taken once and advanced by tokio's `Instant`, so with
/// `tokio::time::pause()` a wait of a year takes no real time and stays consistent.
///
/// [`TokioClock::new`] takes its reading at the first [`Clock::now`], not at creation: reading
/// the system clocks costs more than a whole short execution, and the generated `run` makes
/// a clock per execution whether or not anything asks the time. Clones share the reading.
/// Under tokio's paused time, virtual time that passes before the first reading does not
/// count: tests that advance time before using a clock should read (or clone) it first.
#[derive(Debug)]
pub struct TokioClock {
    start: std::sync::OnceLock<(DateTime<Utc>, tokio::time::Instant)>,
}

impl TokioClock {
    pub fn new() -> Self {
        TokioClock { start: std::sync::OnceLock::new() }
    }

    /// A clock whose wall time starts at `start` (for deterministic tests).
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        TokioClock { start: std::sync::OnceLock::from((start, tokio::time::Instant::now())) }
    }

    fn start(&self) -> &(DateTime<Utc>, tokio::time::Instant) {
        self.start.get_or_init(|| (Utc::now(), tokio::time::Instant::now()))
    }
}

impl Clone for TokioClock {
    /// The clone reads the same time: the reading is taken now if it was not yet.
    fn clone(&self) -> Self {
        TokioClock { start: std::sync::OnceLock::from(*self.start()) }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let (wall, instant) = self.start();
        *wall + chrono::Duration::from_std(instant.elapsed()).unwrap_or(chrono::Duration::zero())
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(duration)
    }
}

/// Seconds as a `Duration`, saturating instead of panicking on huge or odd values.
pub fn seconds(s: f64) -> Duration {
    if s.is_finite() && s > 0.0 {
        Duration::try_from_secs_f64(s).unwrap_or(Duration::MAX)
    } else {
        Duration::ZERO
    }
}
