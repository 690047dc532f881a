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

/// tokio's clock: wall time is taken once at creation and advanced by tokio's `Instant`, so
/// with `tokio::time::pause()` a wait of a year takes no real time and stays consistent.
#[derive(Debug, Clone)]
pub struct TokioClock {
    wall_at_start: DateTime<Utc>,
    instant_at_start: tokio::time::Instant,
}

impl TokioClock {
    pub fn new() -> Self {
        TokioClock { wall_at_start: Utc::now(), instant_at_start: tokio::time::Instant::now() }
    }

    /// A clock whose wall time starts at `start` (for deterministic tests).
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        TokioClock { wall_at_start: start, instant_at_start: tokio::time::Instant::now() }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = self.instant_at_start.elapsed();
        self.wall_at_start + chrono::Duration::from_std(elapsed).unwrap_or(chrono::Duration::zero())
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
