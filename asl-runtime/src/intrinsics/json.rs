//! The JSON intrinsics: `States.StringToJson`, `States.JsonToString` and `States.JsonMerge`.

use super::{describe, expect_string, fail, type_name};
use crate::error::Failure;
use serde_json::{Map, Value};

/// `States.StringToJson(string)`: the string parsed as JSON. A blank string (empty or only
/// whitespace) gives `null`, as the recorded test_string_to_json-0/1 executions show.
pub fn string_to_json(string: Value) -> Result<Value, Failure> {
    let text = expect_string("StringToJson", "argument", string)?;
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&integer_zeros_unsigned(&text)).map_err(|e| {
        fail("StringToJson", format_args!("could not parse its argument as JSON ({e}): {}", describe(&Value::String(text.clone()))))
    })
}

/// `-0` written as an integer is the integer 0 for AWS's parser (Jackson: integers have no
/// negative zero); serde_json would keep it as the double -0.0. `-0.0` and `-0e0` stay doubles.
fn integer_zeros_unsigned(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut minus_zeros = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        match (in_string, b) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'-') if bytes.get(i + 1) == Some(&b'0') => {
                let after = bytes.get(i + 2).copied();
                if !matches!(after, Some(b'.' | b'e' | b'E' | b'0'..=b'9')) {
                    minus_zeros.push(i);
                }
            }
            _ => {}
        }
    }
    if minus_zeros.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for i in minus_zeros {
        out.push_str(&text[from..i]);
        from = i + 1;
    }
    out.push_str(&text[from..]);
    std::borrow::Cow::Owned(out)
}

/// `States.JsonToString(value)`: the value as compact JSON text (no spaces, key order kept), e.g.
/// `{"Arg1":1,"Arg2":[]}` (recorded: test_json_to_string-7).
pub fn json_to_string(value: Value) -> Result<Value, Failure> {
    serde_json::to_string(&value)
        .map(Value::String)
        .map_err(|e| fail("JsonToString", format_args!("could not serialise its argument: {e}")))
}

/// `States.JsonMerge(json1, json2, false)`: a shallow merge; keys of `json2` replace those of
/// `json1` (keeping `json1`'s key order, new keys appended), nested objects are not merged.
/// AWS supports only shallow mode, so the third argument must be the boolean `false`.
pub fn json_merge(json1: Value, json2: Value, deep: Value) -> Result<Value, Failure> {
    match deep {
        Value::Bool(false) => {}
        Value::Bool(true) => {
            return Err(fail("JsonMerge", "supports only shallow merging: its third argument must be false"))
        }
        other => {
            return Err(fail("JsonMerge", format_args!("expects the boolean false as its third argument, but got {}", describe(&other))))
        }
    }
    let mut merged = expect_object("first argument", json1)?;
    for (key, value) in expect_object("second argument", json2)? {
        merged.insert(key, value);
    }
    Ok(Value::Object(merged))
}

fn expect_object(what: &str, value: Value) -> Result<Map<String, Value>, Failure> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(fail("JsonMerge", format_args!("expects an object as its {what}, but got {} {}", type_name(&other), describe(&other)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The recorded test_string_to_json-* executions.
    #[test]
    fn string_to_json_matches_recordings() {
        assert_eq!(string_to_json(json!("")), Ok(json!(null)));
        assert_eq!(string_to_json(json!(" ")), Ok(json!(null)));
        assert_eq!(string_to_json(json!("null")), Ok(json!(null)));
        assert_eq!(string_to_json(json!("true")), Ok(json!(true)));
        assert_eq!(string_to_json(json!("\"HelloWorld\"")), Ok(json!("HelloWorld")));
        assert_eq!(string_to_json(json!("[1, 2, \"HelloWorld\"]")), Ok(json!([1, 2, "HelloWorld"])));
        assert_eq!(string_to_json(json!("{\"Arg1\": 1, \"Arg2\": []}")), Ok(json!({"Arg1": 1, "Arg2": []})));
        assert_eq!(string_to_json(json!("1.1")), Ok(json!(1.1)));
    }

    /// AWS (Jackson) reads an integer negative zero as 0; a decimal one stays a double.
    #[test]
    fn string_to_json_reads_an_integer_negative_zero_as_zero() {
        assert_eq!(string_to_json(json!("-0")), Ok(json!(0)));
        assert_eq!(json_to_string(string_to_json(json!("[-0, {\"a\": -0}]")).unwrap()), Ok(json!("[0,{\"a\":0}]")));
        assert_eq!(string_to_json(json!("-0.0")).unwrap().as_f64().map(f64::is_sign_negative), Some(true));
        assert!(string_to_json(json!("-05")).is_err(), "still not JSON");
        assert_eq!(string_to_json(json!("[-10, \"-0\"]")), Ok(json!([-10, "-0"])), "other numbers and strings unchanged");
    }

    #[test]
    fn string_to_json_rejects_bad_json_and_non_strings() {
        let err = string_to_json(json!("{not json")).unwrap_err();
        assert_eq!(err.error, "States.IntrinsicFailure");
        assert!(string_to_json(json!("1 2")).is_err());
        assert!(string_to_json(json!(1)).is_err());
        assert!(string_to_json(json!(null)).is_err());
    }

    /// The recorded test_json_to_string-* executions.
    #[test]
    fn json_to_string_matches_recordings() {
        assert_eq!(json_to_string(json!(null)), Ok(json!("null")));
        assert_eq!(json_to_string(json!(0)), Ok(json!("0")));
        assert_eq!(json_to_string(json!(1.1)), Ok(json!("1.1")));
        assert_eq!(json_to_string(json!(true)), Ok(json!("true")));
        assert_eq!(json_to_string(json!("HelloWorld")), Ok(json!("\"HelloWorld\"")));
        assert_eq!(json_to_string(json!({"Arg1": 1, "Arg2": []})), Ok(json!("{\"Arg1\":1,\"Arg2\":[]}")));
    }

    #[test]
    fn json_to_string_keeps_key_order() {
        assert_eq!(json_to_string(json!({"z": 1, "a": {"y": 2, "b": 3}})), Ok(json!(r#"{"z":1,"a":{"y":2,"b":3}}"#)));
    }

    /// The recorded test_json_merge-0 and test_json_merge_escaped_argument-0 executions.
    #[test]
    fn json_merge_matches_recordings() {
        let merged = json_merge(
            json!({"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}),
            json!({"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}),
            json!(false),
        );
        assert_eq!(merged, Ok(json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3, "d": 4})));
        let merged = json_merge(
            json!({"constant_in_literal": "false"}),
            json!({"constant_input_field": "constant_value"}),
            json!(false),
        );
        assert_eq!(merged, Ok(json!({"constant_in_literal": "false", "constant_input_field": "constant_value"})));
    }

    #[test]
    fn json_merge_keeps_first_key_order() {
        let merged = json_merge(json!({"b": 1, "a": 2}), json!({"c": 3, "b": 4}), json!(false)).unwrap();
        let keys: Vec<_> = merged.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["b", "a", "c"]);
    }

    #[test]
    fn json_merge_rejects_deep_mode_and_non_objects() {
        assert!(json_merge(json!({}), json!({}), json!(true)).is_err());
        assert!(json_merge(json!({}), json!({}), json!("false")).is_err());
        assert!(json_merge(json!([]), json!({}), json!(false)).is_err());
        assert!(json_merge(json!({}), json!(null), json!(false)).is_err());
    }
}
