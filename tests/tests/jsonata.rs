//! Runs JSONata's own test suite (../shared/jsonata-suite) through the compile path workflows
//! use: each expression was parsed and written out as a `static` tree by build.rs; here each
//! runs on its case's input and bindings. Prints `jsonata: N passed, M failed`, and each
//! failure with its reason.
//!
//! Cases listed in `jsonata-known-gaps.txt` (`group/file.json#index: reason`) may fail; the test
//! fails when an unlisted case fails, a listed one passes (so the list only shrinks) or any case
//! panics. A case that expects nothing (no `result`, `undefinedResult` or error code) is skipped.

use asl_runtime::jsonata::{evaluate_within, Error, Limits};
use asl_tests::harness::known_gaps;
use asl_tests::jsonata_suite::{SuiteCase, SUITE, SUITE_DIR};
use asl_tests::report;
use serde_json::Value;

/// What a case expects.
enum Expected {
    Value(Value),
    Undefined,
    Error(String),
}

/// A case: its input, bindings, nesting limit and what it expects.
type Loaded = (Option<Value>, Vec<(String, Value)>, Limits, Expected);

fn load(case: &SuiteCase) -> Result<Loaded, String> {
    let asl_tests::jsonata_suite::Spec { input, bindings, limits, case: spec } = asl_tests::jsonata_suite::load(case)?;
    // The error a case expects is `code`, or `error.code` where the suite also gives the message.
    let code = spec.get("code").or_else(|| spec.get("error").and_then(|e| e.get("code")));
    let expected = if let Some(code) = code.and_then(Value::as_str) {
        Expected::Error(code.to_owned())
    } else if spec.get("undefinedResult").and_then(Value::as_bool) == Some(true) {
        Expected::Undefined
    } else if let Some(result) = spec.get("result") {
        Expected::Value(result.clone())
    } else {
        return Err(NOTHING_EXPECTED.into());
    };
    Ok((input, bindings, limits, expected))
}

/// Why a case that says nothing of its outcome is skipped.
const NOTHING_EXPECTED: &str = "the case expects nothing";

/// JSON equality with numbers compared as numbers (`1` and `1.0` are the same).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || ((x - y) / y).abs() < 1e-14
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

fn run(case: &SuiteCase) -> Result<(), String> {
    let (input, bindings, limits, expected) = load(case)?;
    let outcome: Result<Option<Value>, Error> = match case.expr {
        None => return match expected {
            Expected::Error(code) if code == case.parse_error => Ok(()),
            _ => Err(format!("does not parse: {}", case.parse_error)),
        },
        Some(expr) => {
            let bindings: Vec<(&str, &Value)> = bindings.iter().map(|(k, v)| (k.as_str(), v)).collect();
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| evaluate_within(expr, input.as_ref(), &bindings, limits)))
                .map_err(|_| "PANIC".to_owned())?
        }
    };
    match (expected, outcome) {
        (Expected::Value(want), Ok(Some(got))) if same(&want, &got) => Ok(()),
        (Expected::Undefined, Ok(None)) => Ok(()),
        (Expected::Error(code), Err(e)) if e.code() == code => Ok(()),
        (Expected::Value(want), got) => Err(format!("expected {want}, got {got:?}")),
        (Expected::Undefined, got) => Err(format!("expected undefined, got {got:?}")),
        (Expected::Error(code), got) => Err(format!("expected error {code}, got {got:?}")),
    }
}

/// The id a case has in the known-gaps list.
fn case_id(case: &SuiteCase) -> String {
    format!("{}#{}", case.id, case.index)
}

#[test]
fn jsonata_suite() {
    let gaps = known_gaps(include_str!("../jsonata-known-gaps.txt"));
    let (mut passed, mut failed, mut skipped, mut listed) = (0, 0, 0, 0);
    let mut surprises = Vec::new();
    for case in SUITE {
        let id = case_id(case);
        match (run(case), gaps.get(&id)) {
            (Err(reason), _) if reason == NOTHING_EXPECTED => skipped += 1,
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => {
                passed += 1;
                surprises.push(format!("{id}: passes now; remove it from jsonata-known-gaps.txt"));
            }
            (Err(reason), gap) => {
                failed += 1;
                match gap {
                    Some(why) if reason != "PANIC" => {
                        listed += 1;
                        report(&format!("known gap {id}: {why}"));
                    }
                    _ => {
                        report(&format!("FAIL {id}: {reason}"));
                        surprises.push(format!("{id}: {reason}"));
                    }
                }
            }
        }
    }
    for id in gaps.keys().filter(|id| !SUITE.iter().any(|c| case_id(c) == **id)) {
        surprises.push(format!("{id}: listed in jsonata-known-gaps.txt but no such case in {SUITE_DIR}"));
    }
    let runnable = passed + failed;
    report(&format!("jsonata: {passed} passed, {failed} failed"));
    report(&format!(
        "jsonata: {runnable} runnable cases, {:.1}% pass; {listed} of the failures are listed known gaps (tests/jsonata-known-gaps.txt); {skipped} skipped (they expect nothing)",
        100.0 * passed as f64 / runnable.max(1) as f64
    ));
    assert!(!SUITE.is_empty(), "no JSONata cases found in {SUITE_DIR}");
    assert!(surprises.is_empty(), "unexpected JSONata suite results:\n{}", surprises.join("\n"));
}
