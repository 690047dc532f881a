//! The intrinsic functions of Amazon States Language (`States.Format`, `States.ArrayPartition`, …),
//! one plain function each, on arguments that the generated code has already evaluated.
//!
//! Generated code calls these directly, e.g. `::asl_runtime::intrinsics::array_partition(a, b)`;
//! there is no dispatcher. Every function takes its arguments by value and returns the result or a
//! `States.IntrinsicFailure` whose cause names the function and what was wrong. Nothing here
//! panics, whatever the arguments.
//!
//! Semantics follow executions recorded against AWS (`conformance/intrinsic_functions`) first and
//! AWS's documentation second:
//! - numbers that must be integers are rounded like Java's `Math.round` (half up: -1.5 → -1);
//! - `States.Format` renders strings unquoted and objects as `{k=v, …}` (see [`format`]);
//! - `States.StringSplit` drops empty parts; `States.StringToJson` of a blank string is `null`;
//! - `States.MathRandom` is start-inclusive, end-exclusive.

mod array;
mod encoding;
mod format;
mod json;
mod math;
mod string;

pub use array::{
    array, array_contains, array_get_item, array_length, array_partition, array_range, array_unique,
};
pub use encoding::{base64_decode, base64_encode, hash, HASH_ALGORITHMS};
pub use format::{format, render_format_value};
pub use json::{json_merge, json_to_string, string_to_json};
pub use math::{java_round, math_add, math_random, math_random_seeded};
pub use string::{string_split, uuid};

use crate::error::Failure;
use serde_json::Value;

/// The most characters AWS accepts in the string argument of Base64Encode, Base64Decode and Hash.
pub const MAX_STRING_CHARS: usize = 10_000;

/// The most items `States.ArrayRange` may produce.
pub const MAX_RANGE_ITEMS: usize = 1000;

/// A `States.IntrinsicFailure` whose cause starts by naming the function, as every cause here does.
fn fail(function: &str, detail: impl std::fmt::Display) -> Failure {
    Failure::intrinsic(format!("The function 'States.{function}' {detail}"))
}

/// A short, bounded description of a value for error causes (payloads can be 256 KiB).
fn describe(value: &Value) -> String {
    let text = value.to_string();
    const LIMIT: usize = 80;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The JSON type name AWS's messages use for a value.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn expect_string(function: &str, what: &str, value: Value) -> Result<String, Failure> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(fail(function, format_args!("expects a string as its {what}, but got {} {}", type_name(&other), describe(&other)))),
    }
}

fn expect_array(function: &str, what: &str, value: Value) -> Result<Vec<Value>, Failure> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(fail(function, format_args!("expects an array as its {what}, but got {} {}", type_name(&other), describe(&other)))),
    }
}

/// A number argument rounded to an integer the way AWS (Java's `Math.round`) rounds it.
#[inline]
fn expect_rounded_int(function: &str, what: &str, value: &Value) -> Result<i64, Failure> {
    let not_int = || fail(function, format_args!("expects an integer as its {what}, but got {}", describe(value)));
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(i),
            None => n.as_f64().and_then(java_round).ok_or_else(not_int),
        },
        _ => Err(not_int()),
    }
}

/// Whether a string is longer than `max` characters, counted as Java counts them (UTF-16 units).
fn longer_than(s: &str, max: usize) -> bool {
    s.len() > max && s.encode_utf16().nth(max).is_some()
}

/// Deep JSON equality where numbers compare by value (`1` equals `1.0`), object key order is
/// ignored, and everything else compares structurally.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

fn numbers_equal(x: &serde_json::Number, y: &serde_json::Number) -> bool {
    if let (Some(p), Some(q)) = (x.as_i64(), y.as_i64()) {
        return p == q;
    }
    if let (Some(p), Some(q)) = (x.as_u64(), y.as_u64()) {
        return p == q;
    }
    x.as_f64() == y.as_f64()
}

#[cfg(test)]
mod tests;
