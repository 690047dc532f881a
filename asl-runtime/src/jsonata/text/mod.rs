//! JSONata's number and string primitives as pure functions over Rust primitives: how numbers
//! print and parse, `$round`, `$formatNumber`, `$formatBase`, the URL codecs, and the
//! translation of JavaScript regex literals for the `regex` crate.
//!
//! Nothing here knows the evaluator's value type: the evaluator unwraps its arguments, calls
//! these, and wraps the result. JavaScript is the reference because JSONata's semantics are
//! whatever its JavaScript implementation does; where that implementation has an accident (a
//! bug that XPath's spec for the same function contradicts), the function's doc says which one
//! we follow. Nothing here panics, and every loop is bounded by the length of its input.

mod digits;
mod format_number;
pub use format_number::{format_number, DecimalFormat};
pub mod number;
pub mod regex;
pub mod url;

#[cfg(test)]
mod suite;

use std::fmt;

/// A JSONata dynamic error raised by one of these primitives: the code the reference
/// implementation throws (e.g. `"D3030"`), and a message for humans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub code: &'static str,
    pub detail: String,
}

impl TextError {
    pub(crate) fn new(code: &'static str, detail: impl Into<String>) -> Self {
        TextError {
            code,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.detail)
    }
}

impl std::error::Error for TextError {}
