//! One mocked response of a mock config file: its invocation ranges (`"0"`, `"1-2"`), each
//! answering with a `Return` or a `Throw`, and which answer the k-th invocation gets. A range is
//! kept as its two ends, never expanded, so `"0-4000000000"` costs what `"0"` costs.

use crate::error::Failure;
use serde_json::Value;

/// What one range of invocations answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `{"Return": <json>}`: the Task's result.
    Return(Value),
    /// `{"Throw": {"Error": …, "Cause": …}}`: the Task fails with this error, so its Retry
    /// and Catch apply as they would to the service's own error.
    Throw(Failure),
}

impl Answer {
    /// The Task's outcome.
    pub fn outcome(&self) -> Result<Value, Failure> {
        match self {
            Answer::Return(v) => Ok(v.clone()),
            Answer::Throw(f) => Err(f.clone()),
        }
    }
}

/// A range of invocation numbers, both ends included (`"1-2"` is 1 and 2; `"3"` is 3 alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Invocations {
    first: u32,
    last: u32,
}

impl Invocations {
    /// Reads a key of a mocked response: `N` or `N-M` with `N <= M`, decimal digits only (no
    /// sign, no spaces), each at most `u32::MAX`.
    pub fn parse(text: &str) -> Result<Invocations, String> {
        let (first, last) = match text.split_once('-') {
            None => (number(text, text)?, number(text, text)?),
            Some((a, b)) => (number(a, text)?, number(b, text)?),
        };
        if first > last {
            return Err(format!("invocation range '{text}' ends before it begins; write '{last}-{first}'"));
        }
        Ok(Invocations { first, last })
    }

    pub fn first(&self) -> u32 {
        self.first
    }

    pub fn last(&self) -> u32 {
        self.last
    }

    pub fn contains(&self, k: u64) -> bool {
        u64::from(self.first) <= k && k <= u64::from(self.last)
    }
}

impl std::fmt::Display for Invocations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// One end of a range. The whole key is named in the message: that is what the user wrote.
fn number(digits: &str, key: &str) -> Result<u32, String> {
    let expected = || format!("'{key}' is not an invocation number or range: write \"0\", \"1\" or a range like \"1-2\"");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(expected());
    }
    // Digits only, so the one way to fail is being too large.
    digits.parse::<u32>().map_err(|_| format!("invocation number {digits} in '{key}' is too large (at most {})", u32::MAX))
}

/// A mocked response: ranges that cover invocations 0 to some last one without gap or
/// overlap (checked when the file is read), in order.
#[derive(Debug, Clone, PartialEq)]
pub struct MockedResponse {
    name: String,
    ranges: Vec<(Invocations, Answer)>,
}

impl MockedResponse {
    /// `ranges` sorted, contiguous from 0 (the reader checks this and reports where not).
    pub(super) fn new(name: String, ranges: Vec<(Invocations, Answer)>) -> Self {
        MockedResponse { name, ranges }
    }

    /// Its name in `MockedResponses`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The answer to invocation `k` (0 for the first), or `None` past the last range.
    pub fn answer(&self, k: u64) -> Option<&Answer> {
        let i = self.ranges.partition_point(|(r, _)| u64::from(r.last) < k);
        self.ranges.get(i).filter(|(r, _)| r.contains(k)).map(|(_, a)| a)
    }

    /// How many invocations it answers (0 to this, excluded).
    pub fn invocations(&self) -> u64 {
        self.ranges.last().map_or(0, |(r, _)| u64::from(r.last) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_numbers_or_inclusive_ranges() {
        assert_eq!(Invocations::parse("0").unwrap(), Invocations { first: 0, last: 0 });
        assert_eq!(Invocations::parse("1-2").unwrap(), Invocations { first: 1, last: 2 });
        assert_eq!(Invocations::parse("3-3").unwrap().to_string(), "3");
        assert_eq!(Invocations::parse("0-4294967295").unwrap().last(), u32::MAX);
    }

    #[test]
    fn bad_keys_say_what_to_write() {
        for bad in ["", "-", "1-", "-1", "a", "1 - 2", "+1", "1-2-3", "0x1", "1.5", "١"] {
            let e = Invocations::parse(bad).unwrap_err();
            assert!(e.contains("is not an invocation number or range"), "{bad}: {e}");
        }
        assert!(Invocations::parse("2-1").unwrap_err().contains("ends before it begins"));
        assert!(Invocations::parse("4294967296").unwrap_err().contains("too large"));
        assert!(Invocations::parse("0-99999999999999999999999").unwrap_err().contains("too large"));
    }

    #[test]
    fn each_invocation_answers_from_the_range_that_holds_it() {
        let throw = Answer::Throw(Failure::new("Lambda.TimeoutException", "Lambda timed out."));
        let r = MockedResponse::new(
            "Retry".into(),
            vec![
                (Invocations::parse("0").unwrap(), Answer::Throw(Failure::new("A", "a"))),
                (Invocations::parse("1-2").unwrap(), throw.clone()),
                (Invocations::parse("3-4000000000").unwrap(), Answer::Return(json!(1))),
            ],
        );
        assert_eq!(r.answer(0), Some(&Answer::Throw(Failure::new("A", "a"))));
        assert_eq!(r.answer(1), Some(&throw));
        assert_eq!(r.answer(2), Some(&throw));
        assert_eq!(r.answer(3), Some(&Answer::Return(json!(1))));
        assert_eq!(r.answer(4_000_000_000), Some(&Answer::Return(json!(1))));
        assert_eq!(r.answer(4_000_000_001), None);
        assert_eq!(r.invocations(), 4_000_000_001);
    }
}
