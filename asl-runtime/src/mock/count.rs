//! Which invocation of a Task state a call is: Step Functions Local counts the calls of each
//! state per execution, retries included, across visits (a state entered twice in a loop, or
//! once per Map iteration, goes on counting), and answers the k-th from the range holding k.
//! Map iterations that run at once take numbers in the order their calls arrive, as in Step
//! Functions Local, whose documentation advises MaxConcurrency 1 for answers that repeat.
//!
//! The count is kept per (execution, state) in memory, with two things taken from the call's
//! [`TaskContext`] so that a durable run that resumes keeps it:
//! - the idempotency key (execution, place, state, visit, attempt) is the same when an attempt
//!   is made again after a restart, and gets the number it had: a replay never shifts the
//!   count (a recorded attempt is not even called again; see `task::perform`);
//! - the attempt number comes from the execution's own retry counter, which is checkpointed:
//!   when the first call seen of a visit is attempt 3, attempts 0 to 2 were made before the
//!   resume, in a process whose count is gone, and they are counted as made. Earlier *visits*
//!   made in such a process cannot be told from the key (its visit is an event number, not a
//!   visit count), so a loop resumed in a new process counts from its current visit on.

use crate::handler::TaskContext;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// The invocation counts of the states of every execution that called.
#[derive(Debug, Default)]
pub struct Counts {
    by_state: Mutex<HashMap<(String, String), StateCount>>,
}

#[derive(Debug, Default)]
struct StateCount {
    /// The number the next new call gets.
    next: u64,
    /// Per visit (the idempotency key without its attempt), the last attempt seen.
    visits: HashMap<String, u32>,
    /// The number each attempt got, by idempotency key.
    given: HashMap<String, u64>,
}

impl Counts {
    /// The invocation number (0 for the first) of this call of Task state `state`.
    pub fn number(&self, state: &str, context: &TaskContext) -> u64 {
        // No panic in a handler can leave the map half-written, so a poisoned lock is sound.
        let mut all = self.by_state.lock().unwrap_or_else(PoisonError::into_inner);
        let count = all.entry((context.execution_id.clone(), state.to_string())).or_default();
        let key = &context.idempotency_key;
        if let Some(&k) = count.given.get(key) {
            return k;
        }
        let visit = key.strip_suffix(&format!("/{}", context.attempt)).unwrap_or(key);
        // Attempts of this visit made where this count cannot see them (before a resume).
        let unseen = match count.visits.get(visit) {
            Some(&last) => context.attempt.saturating_sub(last.saturating_add(1)),
            None => context.attempt,
        };
        let k = count.next + u64::from(unseen);
        count.next = k + 1;
        count.visits.insert(visit.to_string(), context.attempt);
        count.given.insert(key.clone(), k);
        k
    }
}

#[cfg(test)]
mod tests {
    use super::Counts;
    use crate::handler::TaskContext;

    fn context(execution: &str, visit: u64, attempt: u32) -> TaskContext {
        TaskContext::new(execution.into(), format!("{execution}/Pay/{visit}/{attempt}"), attempt, None)
    }

    #[test]
    fn retries_and_later_visits_go_on_counting() {
        let counts = Counts::default();
        let seen: Vec<u64> = [(2, 0), (2, 1), (2, 2), (9, 0), (9, 1)].iter().map(|&(v, a)| counts.number("Pay", &context("e1", v, a))).collect();
        assert_eq!(seen, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn each_execution_and_state_counts_alone() {
        let counts = Counts::default();
        assert_eq!(counts.number("Pay", &context("e1", 2, 0)), 0);
        assert_eq!(counts.number("Pay", &context("e2", 2, 0)), 0);
        assert_eq!(counts.number("Ship", &context("e1", 2, 0)), 0);
        assert_eq!(counts.number("Pay", &context("e1", 2, 1)), 1);
    }

    #[test]
    fn an_attempt_made_again_keeps_its_number() {
        let counts = Counts::default();
        assert_eq!(counts.number("Pay", &context("e1", 2, 0)), 0);
        assert_eq!(counts.number("Pay", &context("e1", 2, 1)), 1);
        // The worker lost the execution during attempt 1; another resumes it and calls again.
        assert_eq!(counts.number("Pay", &context("e1", 2, 1)), 1);
        assert_eq!(counts.number("Pay", &context("e1", 2, 2)), 2);
    }

    #[test]
    fn a_run_resumed_in_a_new_process_counts_the_attempts_made_before() {
        let counts = Counts::default();
        assert_eq!(counts.number("Pay", &context("e1", 2, 3)), 3);
        assert_eq!(counts.number("Pay", &context("e1", 2, 4)), 4);
        assert_eq!(counts.number("Pay", &context("e1", 7, 0)), 5);
    }
}
