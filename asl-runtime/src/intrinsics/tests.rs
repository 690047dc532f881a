//! Tests of the helpers shared by every intrinsic.

use super::*;
use serde_json::json;

#[test]
fn failures_are_intrinsic_failures_naming_the_function() {
    let failure = fail("ArrayLength", "expects an array");
    assert_eq!(failure.error, "States.IntrinsicFailure");
    assert_eq!(failure.cause.as_deref(), Some("The function 'States.ArrayLength' expects an array"));
}

#[test]
fn describe_bounds_long_values() {
    let long = json!("x".repeat(500));
    assert!(describe(&long).chars().count() <= 81);
    assert_eq!(describe(&json!({"a": 1})), r#"{"a":1}"#);
}

#[test]
fn rounded_ints_follow_java_and_reject_non_numbers() {
    assert_eq!(expect_rounded_int("F", "x", &json!(2.5)), Ok(3));
    assert_eq!(expect_rounded_int("F", "x", &json!(-2.5)), Ok(-2));
    assert_eq!(expect_rounded_int("F", "x", &json!(7)), Ok(7));
    assert!(expect_rounded_int("F", "x", &json!(u64::MAX)).is_err());
    assert!(expect_rounded_int("F", "x", &json!("1")).is_err());
    assert!(expect_rounded_int("F", "x", &json!(true)).is_err());
}

#[test]
fn length_limits_count_utf16_units_like_java() {
    assert!(!longer_than("abc", 3));
    assert!(longer_than("abcd", 3));
    assert!(!longer_than("ééé", 3));
    // One astral character is two UTF-16 units in Java.
    assert!(longer_than("😀😀", 3));
}

#[test]
fn json_equal_compares_numbers_by_value_and_ignores_key_order() {
    assert!(json_equal(&json!(1), &json!(1.0)));
    assert!(!json_equal(&json!(1), &json!(1.5)));
    assert!(json_equal(&json!({"a": [1, {"b": null}]}), &json!({"a": [1.0, {"b": null}]})));
    assert!(json_equal(&json!({"a": 1, "b": 2}), &json!({"b": 2, "a": 1})));
    assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
    assert!(!json_equal(&json!([1]), &json!([1, 1])));
    assert!(!json_equal(&json!("1"), &json!(1)));
}
