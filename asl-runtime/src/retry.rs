//! Retry and Catch as data the generated code declares once per state, and the rules that
//! apply them: the first matching Retrier decides, each Retrier counts its own attempts for
//! the current visit of the state, and an exhausted Retrier hands the error to the Catchers.

use crate::error::Failure;
use std::time::Duration;

/// One entry of a state's `Retry` array, with AWS's defaults already filled in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retrier {
    pub error_equals: &'static [&'static str],
    pub interval_seconds: u32,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<u32>,
    pub jitter: Jitter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    None,
    Full,
}

impl Retrier {
    /// ASL defaults: IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0, no cap, no jitter.
    pub const DEFAULT: Retrier = Retrier {
        error_equals: &[],
        interval_seconds: 1,
        max_attempts: 3,
        backoff_rate: 2.0,
        max_delay_seconds: None,
        jitter: Jitter::None,
    };

    /// The wait before retry number `attempt` (1-based) granted by this Retrier, before jitter:
    /// `IntervalSeconds × BackoffRate^(attempt−1)`, capped by `MaxDelaySeconds`.
    pub fn base_delay_seconds(&self, attempt: u32) -> f64 {
        let exp = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let base = f64::from(self.interval_seconds) * self.backoff_rate.powi(exp);
        match self.max_delay_seconds {
            Some(cap) => base.min(f64::from(cap)),
            None => base,
        }
    }
}

/// Attempts used per Retrier during the current visit of a state.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetryCounters {
    used: Vec<u32>,
}

impl RetryCounters {
    /// Leaving a state resets every counter.
    pub fn reset(&mut self) {
        self.used.clear();
    }

    /// Retries made so far in this visit (`$$.State.RetryCount`).
    pub fn total(&self) -> u32 {
        self.used.iter().sum()
    }

    /// Decides whether `failure` is retried. `Some(delay)` counts the attempt; `None` means
    /// no Retrier matched or the first matching one is exhausted, so the Catchers decide.
    /// `uniform` draws from [0, 1) for FULL jitter.
    pub fn next_delay(&mut self, retriers: &[Retrier], failure: &Failure, uniform: impl FnOnce() -> f64) -> Option<Duration> {
        let index = retriers.iter().position(|r| failure.is_matched_by_any(r.error_equals))?;
        let retrier = &retriers[index];
        if self.used.len() < retriers.len() {
            self.used.resize(retriers.len(), 0);
        }
        let used = self.used.get_mut(index)?;
        if *used >= retrier.max_attempts {
            return None;
        }
        *used += 1;
        let delay = retrier.base_delay_seconds(*used);
        let delay = match retrier.jitter {
            Jitter::None => delay,
            Jitter::Full => delay * uniform(),
        };
        Some(crate::clock::seconds(delay))
    }
}

/// One entry of a state's `Catch` array.
#[derive(Debug, Clone, Copy)]
pub struct Catcher<S: 'static> {
    pub error_equals: &'static [&'static str],
    pub next: S,
    /// Where the error output goes in the state's raw input (default `$`).
    pub result_path: crate::io::ResultPath,
}

/// The first Catcher whose ErrorEquals matches.
pub fn find_catcher<'a, S>(catchers: &'a [Catcher<S>], failure: &Failure) -> Option<&'a Catcher<S>> {
    find_catcher_at(catchers, failure).map(|(_, c)| c)
}

/// [`find_catcher`] with the Catcher's place in the `Catch` array (which names its Assign).
pub fn find_catcher_at<'a, S>(catchers: &'a [Catcher<S>], failure: &Failure) -> Option<(usize, &'a Catcher<S>)> {
    catchers.iter().enumerate().find(|(_, c)| failure.is_matched_by_any(c.error_equals))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retrier(errors: &'static [&'static str], max: u32) -> Retrier {
        Retrier { error_equals: errors, max_attempts: max, ..Retrier::DEFAULT }
    }

    fn secs(d: Option<Duration>) -> Option<f64> {
        d.map(|d| d.as_secs_f64())
    }

    #[test]
    fn spec_example_counts_each_retrier_separately() {
        // ASL spec: retrier1 {A,B; MaxAttempts 2}, retrier2 {C}; errors A, B, C, B
        // → waits 1 s, 2 s, 1 s (retrier2's first), then retrier1 is exhausted.
        let retriers = [retrier(&["A", "B"], 2), retrier(&["C"], 3)];
        let mut c = RetryCounters::default();
        let never = || 0.0;
        assert_eq!(secs(c.next_delay(&retriers, &Failure::bare("A"), never)), Some(1.0));
        assert_eq!(secs(c.next_delay(&retriers, &Failure::bare("B"), never)), Some(2.0));
        assert_eq!(secs(c.next_delay(&retriers, &Failure::bare("C"), never)), Some(1.0));
        assert_eq!(c.next_delay(&retriers, &Failure::bare("B"), never), None);
        assert_eq!(c.total(), 3);
    }

    #[test]
    fn backoff_is_capped_by_max_delay() {
        let r = Retrier { interval_seconds: 3, max_delay_seconds: Some(4), ..Retrier::DEFAULT };
        assert_eq!(r.base_delay_seconds(1), 3.0);
        assert_eq!(r.base_delay_seconds(2), 4.0);
        let r = Retrier { interval_seconds: 3, ..Retrier::DEFAULT };
        assert_eq!(r.base_delay_seconds(2), 6.0);
        assert_eq!(r.base_delay_seconds(3), 12.0);
    }

    #[test]
    fn max_attempts_zero_never_retries() {
        let mut c = RetryCounters::default();
        assert_eq!(c.next_delay(&[retrier(&["States.ALL"], 0)], &Failure::bare("X"), || 0.0), None);
    }

    #[test]
    fn first_matching_retrier_decides_even_when_exhausted() {
        let retriers = [retrier(&["A"], 1), retrier(&["States.ALL"], 5)];
        let mut c = RetryCounters::default();
        assert!(c.next_delay(&retriers, &Failure::bare("A"), || 0.0).is_some());
        assert_eq!(c.next_delay(&retriers, &Failure::bare("A"), || 0.0), None);
    }

    #[test]
    fn full_jitter_scales_the_delay() {
        let r = [Retrier { interval_seconds: 10, jitter: Jitter::Full, ..retrier(&["A"], 2) }];
        let mut c = RetryCounters::default();
        assert_eq!(secs(c.next_delay(&r, &Failure::bare("A"), || 0.25)), Some(2.5));
    }

    #[test]
    fn runtime_errors_are_never_retried() {
        let mut c = RetryCounters::default();
        let r = [retrier(&["States.ALL"], 3), retrier(&["States.Runtime"], 3)];
        assert_eq!(c.next_delay(&r, &Failure::runtime("x"), || 0.0), None);
    }
}
