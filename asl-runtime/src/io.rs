//! Input and output processing in AWS's order and with AWS's null semantics:
//! InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath.
//! Each step is a function the generated code calls; the texts of the `States.Runtime`
//! causes are AWS's own.

use crate::flow::Fault;
use crate::payload::compact;
use crate::path::{self, Path};
use crate::variables::Variables;
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

/// The value of workflow variable `name`, on which a `$name…` path (`path`) runs its steps.
/// A variable no state has assigned is a `States.Runtime` error (asl-codegen rejects a read
/// that no path from the start could reach after an assignment; this is the rest: a read on
/// a path where the assignment was skipped).
#[inline]
pub fn variable<'a>(variables: &'a Variables, name: &str, path: &Path) -> Result<&'a Value, Fault> {
    variables.get(name).ok_or_else(|| {
        Fault::runtime(format!("The JSONPath '{}' reads the variable '{name}', which no state has assigned.", path.text()))
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

/// A large literal of the definition, which the generated code keeps as JSON text (written by
/// asl-codegen from a parsed value, so always JSON) and reads on first use into `cell`.
pub fn literal_from_json(cell: &'static std::sync::OnceLock<Value>, json: &'static str) -> Value {
    cell.get_or_init(|| match serde_json::from_str(json) {
        Ok(value) => value,
        // Only a bug of the code generator can get here; it must not pass unnoticed.
        Err(e) => panic!("asl-codegen wrote a literal that is not JSON ({e}); please report it"),
    })
    .clone()
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
