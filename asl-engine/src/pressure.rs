//! Back-pressure: a worker takes on fewer executions while the store is slow to make its
//! writes durable, and more again once it is not.
//!
//! Every execution a worker runs writes at each state that waits; when the database cannot
//! keep up, taking on more executions only lengthens the queue of writes each of them waits
//! in (and the memory they hold meanwhile), while the executions left in the store cost
//! nothing. So the worker watches how long its writes take ([`Pressure::observe`]) and, at
//! each tick, admits executions up to a limit that halves while writes take longer than the
//! worker's threshold and grows back by a quarter (at least one) per tick once they do not:
//! additive-increase, multiplicative-decrease, as TCP paces a connection. Executions already
//! running are never dropped for it.
//!
//! The measure is the write time weighted by itself (Σt²/Σt over the last few dozen writes,
//! older ones counting less): how long the typical moment spent waiting on the store lasts.
//! A plain average would be pulled down by the many quick writes that follow a stall (every
//! execution that waited writes again at once, into a free database), though the stall is
//! what the executions spent their time in.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// When writes count as slow, by default: a group commit takes milliseconds on a healthy
/// store, a quarter of a second means the database is struggling (or restarting).
pub const SLOW_WRITES: Duration = Duration::from_millis(250);

/// How a worker's writes fare, and how many executions it admits because of it.
#[derive(Debug)]
pub struct Pressure {
    slow: Duration,
    /// Σt and Σt² of the write times, in seconds, each write counting 1/16 less than the next.
    sums: Mutex<(f64, f64)>,
    /// The number of executions admitted now; `usize::MAX` until the first tick sets it.
    limit: AtomicUsize,
}

impl Pressure {
    /// Writes slower than `slow` on average make the worker admit fewer executions.
    pub fn new(slow: Duration) -> Self {
        Pressure { slow, sums: Mutex::new((0.0, 0.0)), limit: AtomicUsize::new(usize::MAX) }
    }

    /// Notes that a write took `took` to become durable (or to fail).
    pub fn observe(&self, took: Duration) {
        const KEEP: f64 = 15.0 / 16.0;
        let took = took.as_secs_f64();
        let mut sums = self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        *sums = (sums.0 * KEEP + took, sums.1 * KEEP + took * took);
    }

    /// The recent write time, weighted by itself (see the module docs).
    pub fn write_time(&self) -> Duration {
        let (sum, squares) = *self.sums.lock().unwrap_or_else(PoisonError::into_inner);
        if sum <= 0.0 {
            return Duration::ZERO;
        }
        Duration::try_from_secs_f64(squares / sum).unwrap_or(Duration::MAX)
    }

    /// The limit the last [`admit`](Self::admit) set (`usize::MAX` before the first).
    pub fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }

    /// How many executions to hold now, of at most `most`: called once per tick, it halves
    /// the limit while writes are slow and grows it by a quarter (at least one) while not.
    pub fn admit(&self, most: usize) -> usize {
        let before = self.limit.load(Ordering::Relaxed).min(most);
        let limit = if self.write_time() > self.slow { (before / 2).max(1) } else { (before + (before / 4).max(1)).min(most) };
        self.limit.store(limit, Ordering::Relaxed);
        limit
    }
}

impl Default for Pressure {
    fn default() -> Self {
        Pressure::new(SLOW_WRITES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_writes_halve_the_limit_and_fast_ones_grow_it_back_gradually() {
        let pressure = Pressure::new(Duration::from_millis(100));
        assert_eq!(pressure.admit(64), 64, "a new worker admits its concurrency");
        for _ in 0..40 {
            pressure.observe(Duration::from_millis(500));
        }
        assert!(pressure.write_time() > Duration::from_millis(400), "{:?}", pressure.write_time());
        assert_eq!([pressure.admit(64), pressure.admit(64), pressure.admit(64)], [32, 16, 8]);
        for _ in 0..10 {
            pressure.admit(64);
        }
        assert_eq!(pressure.admit(64), 1, "never below one: the worker still makes progress");
        // The slow writes weigh for a while: a few hundred quick ones make up for them.
        for _ in 0..300 {
            pressure.observe(Duration::from_millis(1));
        }
        assert!(pressure.write_time() < Duration::from_millis(100));
        let growth: Vec<usize> = (0..6).map(|_| pressure.admit(64)).collect();
        assert_eq!(growth, [2, 3, 4, 5, 6, 7], "grows back a step at a time");
        for _ in 0..30 {
            pressure.admit(64);
        }
        assert_eq!(pressure.admit(64), 64, "up to the concurrency, no further");
    }
}
