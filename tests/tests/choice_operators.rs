//! Every Choice comparison operator, compiled, against expectations from the ASL spec and the
//! Step Functions documentation: type mismatches are false (never errors), strings compare
//! without case folding, numbers as numbers, timestamps as instants, `StringMatches` knows only
//! `*` and its escapes, `IsNull` needs a present null.

use serde_json::{json, Value};

mod operators { asl_macro::asl!("workflows/choice_operators.json"); }

async fn matches(op: &str, v: Value, other: Option<Value>) -> bool {
    let mut input = json!({ "op": op, "v": v });
    if let Some(o) = other {
        input["other"] = o;
    }
    let out = operators::run(input.clone(), ()).await;
    out.unwrap_or_else(|f| panic!("{op} on {input}: {f}")).as_bool().unwrap()
}

#[tokio::test]
async fn string_operators() {
    let cases: &[(&str, Value, bool)] = &[
        ("StringEquals", json!("m"), true),
        ("StringEquals", json!("M"), false),
        ("StringEquals", json!(1), false),
        ("StringLessThan", json!("a"), true),
        ("StringLessThan", json!("m"), false),
        ("StringLessThan", json!("Z"), true), // uppercase sorts before lowercase
        ("StringGreaterThan", json!("z"), true),
        ("StringGreaterThan", json!("m"), false),
        ("StringLessThanEquals", json!("m"), true),
        ("StringLessThanEquals", json!("n"), false),
        ("StringGreaterThanEquals", json!("m"), true),
        ("StringGreaterThanEquals", json!("l"), false),
        ("StringMatches", json!("log-2024.txt"), true),
        ("StringMatches", json!("log-.txt"), true),
        ("StringMatches", json!("log.txt"), false),
        ("StringMatches", json!(7), false),
    ];
    for (op, v, want) in cases {
        assert_eq!(matches(op, v.clone(), None).await, *want, "{op} {v}");
    }
}

#[tokio::test]
async fn numeric_and_boolean_operators() {
    let cases: &[(&str, Value, bool)] = &[
        ("NumericEquals", json!(5), true),
        ("NumericEquals", json!(5.0), true),
        ("NumericEquals", json!("5"), false),
        ("NumericLessThan", json!(4.99), true),
        ("NumericLessThan", json!(5), false),
        ("NumericGreaterThan", json!(6), true),
        ("NumericGreaterThan", json!(-6), false),
        ("NumericLessThanEquals", json!(5), true),
        ("NumericGreaterThanEquals", json!(5), true),
        ("NumericGreaterThanEquals", json!(4), false),
        ("BooleanEquals", json!(true), true),
        ("BooleanEquals", json!(false), false),
        ("BooleanEquals", json!("true"), false),
    ];
    for (op, v, want) in cases {
        assert_eq!(matches(op, v.clone(), None).await, *want, "{op} {v}");
    }
}

#[tokio::test]
async fn timestamp_operators() {
    let cases: &[(&str, Value, bool)] = &[
        ("TimestampEquals", json!("2020-06-15T12:00:00Z"), true),
        ("TimestampEquals", json!("2020-06-15T14:00:00+02:00"), true), // the same instant
        ("TimestampEquals", json!("2020-06-15 12:00:00Z"), false),      // not RFC 3339 as AWS reads it
        ("TimestampLessThan", json!("2020-06-15T11:59:59.999Z"), true),
        ("TimestampLessThan", json!("2020-06-15T12:00:00Z"), false),
        ("TimestampGreaterThan", json!("2021-01-01T00:00:00Z"), true),
        ("TimestampLessThanEquals", json!("2020-06-15T12:00:00Z"), true),
        ("TimestampGreaterThanEquals", json!("2019-01-01T00:00:00Z"), false),
        ("TimestampGreaterThanEquals", json!(20200615), false),
    ];
    for (op, v, want) in cases {
        assert_eq!(matches(op, v.clone(), None).await, *want, "{op} {v}");
    }
}

#[tokio::test]
async fn path_operators_compare_two_input_values() {
    let cases: &[(&str, Value, Value, bool)] = &[
        ("StringEqualsPath", json!("a"), json!("a"), true),
        ("StringEqualsPath", json!("a"), json!(1), false),
        ("StringLessThanPath", json!("a"), json!("b"), true),
        ("StringGreaterThanPath", json!("a"), json!("b"), false),
        ("StringLessThanEqualsPath", json!("b"), json!("b"), true),
        ("StringGreaterThanEqualsPath", json!("c"), json!("b"), true),
        ("NumericEqualsPath", json!(2), json!(2.0), true),
        ("NumericLessThanPath", json!(1), json!(2), true),
        ("NumericGreaterThanPath", json!(1), json!(2), false),
        ("NumericLessThanEqualsPath", json!(2), json!(2), true),
        ("NumericGreaterThanEqualsPath", json!(3), json!("2"), false),
        ("BooleanEqualsPath", json!(false), json!(false), true),
        ("BooleanEqualsPath", json!(false), json!(true), false),
        ("TimestampEqualsPath", json!("2020-01-01T00:00:00Z"), json!("2020-01-01T01:00:00+01:00"), true),
        ("TimestampLessThanPath", json!("2020-01-01T00:00:00Z"), json!("2020-01-02T00:00:00Z"), true),
        ("TimestampGreaterThanPath", json!("2020-01-01T00:00:00Z"), json!("2020-01-02T00:00:00Z"), false),
        ("TimestampLessThanEqualsPath", json!("2020-01-01T00:00:00Z"), json!("2020-01-01T00:00:00Z"), true),
        ("TimestampGreaterThanEqualsPath", json!("2020-01-03T00:00:00Z"), json!("2020-01-02T00:00:00Z"), true),
    ];
    for (op, v, other, want) in cases {
        assert_eq!(matches(op, v.clone(), Some(other.clone())).await, *want, "{op} {v} {other}");
    }
}

#[tokio::test]
async fn type_tests() {
    let cases: &[(&str, Value, bool)] = &[
        ("IsNull", json!(null), true),
        ("IsNull", json!(0), false),
        ("IsPresent", json!(null), true),
        ("IsNumeric", json!(1.5), true),
        ("IsNumeric", json!("1.5"), false),
        ("IsString", json!(""), true),
        ("IsString", json!(null), false),
        ("IsBoolean", json!(false), true),
        ("IsBoolean", json!("false"), false),
        ("IsTimestamp", json!("2020-06-15T12:00:00Z"), true),
        ("IsTimestamp", json!("2020-06-15"), false),
    ];
    for (op, v, want) in cases {
        assert_eq!(matches(op, v.clone(), None).await, *want, "{op} {v}");
    }
}

#[tokio::test]
async fn is_present_is_the_only_test_of_a_missing_value() {
    let out = operators::run(json!({ "op": "IsPresent" }), ()).await.unwrap();
    assert_eq!(out, json!(false));
    let failure = operators::run(json!({ "op": "StringEquals" }), ()).await.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert!(failure.cause.unwrap().contains("Invalid path '$.v'"));
}
