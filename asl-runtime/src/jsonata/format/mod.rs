//! JSONata's picture-string functions as pure functions over plain Rust values: `$formatInteger`
//! and `$parseInteger` ([`integer`]), `$fromMillis`, `$toMillis` and `$now` ([`datetime`]).
//!
//! They follow XPath's `fn:format-integer` / `fn:format-dateTime` as JSONata implements them; JSONata's
//! test suite is the judge (`suite_tests`). The evaluator turns JSONata values into these
//! arguments and maps an undefined argument to an undefined result before calling.

pub mod datetime;
mod decimal;
pub mod integer;
mod numerals;
mod words;

#[cfg(test)]
mod no_panic_tests;
#[cfg(test)]
mod suite_tests;

use std::fmt;

/// A failure with JSONata's error code (`"D3130"`, …) and a message saying what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub code: &'static str,
    pub detail: String,
}

impl FormatError {
    pub(crate) fn new(code: &'static str, detail: impl Into<String>) -> Self {
        FormatError { code, detail: detail.into() }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for FormatError {}
