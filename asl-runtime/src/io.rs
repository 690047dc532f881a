//! Input and output processing in AWS's order and with AWS's null semantics:
//! InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath.
//! Each step is a function the generated code calls; the texts of the `States.Runtime`
//! causes are AWS's own.

use crate::execution::Fault;
use crate::path::{self, Path};
use serde_json::{Map, Value};

/// InputPath / OutputPath. `None` is the JSON `null` setting, which yields `{}`.
pub fn apply_path(value: Value, path: Option<&Path>) -> Result<Value, Fault> {
    let Some(path) = path else { return Ok(Value::Object(Map::new())) };
    match path::lookup(path, &value) {
        Some(v) => Ok(v.into_owned()),
        None => Err(Fault::runtime(path::missing_path_message(path, &value))),
    }
}

/// Where a state puts its result.
#[derive(Debug, Clone, Copy)]
pub enum ResultPath {
    /// `null`: keep the raw input, discard the result.
    Discard,
    /// `$` (the default): the result replaces the input.
    Replace,
    At(&'static Path),
}

/// ResultPath: merges `result` into the state's raw input.
pub fn apply_result_path(raw_input: Value, result: Value, rp: ResultPath) -> Result<Value, Fault> {
    match rp {
        ResultPath::Discard => Ok(raw_input),
        ResultPath::Replace => Ok(result),
        ResultPath::At(p) => path::set(raw_input, p, result).map_err(|e| Fault::runtime(e.to_string())),
    }
}

/// The value of a `key.$` template field given as a path.
#[inline]
pub fn template_path(p: &Path, root: &Value, field: &str) -> Result<Value, Fault> {
    path::lookup(p, root).map(std::borrow::Cow::into_owned).ok_or_else(|| {
        Fault::runtime(format!(
            "The JSONPath '{}' specified for the field '{field}' could not be found in the input '{}'",
            p.text(),
            compact(root)
        ))
    })
}

/// A Fail state's ErrorPath / CausePath result, which must be a string.
pub fn fail_text(v: Value, field: &str) -> Result<String, Fault> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(Fault::runtime(format!(
            "The value of the field '{field}' must be a string, but was: {}",
            compact(&other)
        ))),
    }
}

/// Builds a JSON object from evaluated entries, keeping their order.
#[inline]
pub fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut map = Map::with_capacity(N);
    for (k, v) in entries {
        map.insert(k.to_owned(), v);
    }
    Value::Object(map)
}

/// A string value.
pub fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// A number literal as written in the definition (integers stay integers).
pub fn number_i64(n: i64) -> Value {
    Value::Number(n.into())
}

pub fn number_u64(n: u64) -> Value {
    Value::Number(n.into())
}

pub fn number_f64(n: f64) -> Value {
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// Compact JSON text, as AWS quotes inputs in error causes.
pub fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The size of `v` as compact JSON if it is over AWS's 256 KiB payload limit; the cheap
/// [`json_len_bound`] first, the exact count only when the bound is over.
pub fn oversized(v: &Value) -> Option<usize> {
    let limit = crate::task::MAX_PAYLOAD_BYTES;
    if json_len_bound(v) <= limit {
        return None;
    }
    Some(json_len(v)).filter(|&len| len > limit)
}

/// An upper bound of [`json_len`], cheap to compute (numbers and escapes are counted at their
/// longest), for the common case of payloads far below the limit.
pub fn json_len_bound(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(_) => 5,
        Value::Number(_) => 24,
        // Every char escaped as \uXXXX at worst.
        Value::String(s) => 2 + 6 * s.len(),
        Value::Array(items) => 2 + items.iter().map(|i| json_len_bound(i) + 1).sum::<usize>(),
        Value::Object(m) => 2 + m.iter().map(|(k, v)| 8 + 6 * k.len() + json_len_bound(v)).sum::<usize>(),
    }
}

/// The size of `v` as compact JSON text, counted without building the text.
pub fn json_len(v: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Counter(0);
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}
