//! Every expression of JSONata's suite that `asl_codegen::emit::jsonata_native` writes as Rust
//! (build.rs compiled them next to their trees) runs both ways on its case's input and
//! bindings, and the two must give the same value or the same error, code and message.
//! Whether either is what the suite expects is `jsonata.rs`'s business.
//!
//! Left out: cases whose tree stops at a depth or time limit (native code counts neither; it
//! has no recursion), and cases whose tree gives different answers on two runs (`$now()`,
//! `$random()`, …).

use asl_runtime::jsonata::{evaluate_within, Error, Expression, Limits, NativeExpr};
use asl_tests::jsonata_native::{EXTRA, NATIVE};
use asl_tests::jsonata_suite::{SuiteCase, SUITE};
use asl_tests::report;
use serde_json::Value;

type Outcome = Result<Option<Value>, Error>;

/// A case's input, its bindings and its limits.
type Loaded = (Option<Value>, Vec<(String, Value)>, Limits);

/// A case's input, bindings and limits, read as `jsonata.rs` reads them. The native code has
/// no clock (it has no recursion), so only the depth limit applies.
fn load(case: &SuiteCase) -> Result<Loaded, String> {
    let spec = asl_tests::jsonata_suite::load(case)?;
    let limits = Limits { depth: spec.limits.depth, ..Limits::default() };
    Ok((spec.input, spec.bindings, limits))
}

fn run(expr: Expression, input: Option<&Value>, bindings: &[(String, Value)], limits: Limits) -> Result<Outcome, String> {
    let bindings: Vec<(&str, &Value)> = bindings.iter().map(|(k, v)| (k.as_str(), v)).collect();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| evaluate_within(expr, input, &bindings, limits)))
        .map_err(|_| "PANIC".to_owned())
}

enum Verdict {
    Agree,
    Skipped,
    Differ(String),
}

fn compare(case: &SuiteCase, native: NativeExpr) -> Verdict {
    let Some(tree) = case.expr else { return Verdict::Differ("written as Rust but does not parse".into()) };
    let (input, bindings, limits) = match load(case) {
        Ok(loaded) => loaded,
        Err(e) => return Verdict::Differ(e),
    };
    let by_tree = run(Expression::Tree(tree), input.as_ref(), &bindings, limits);
    let again = run(Expression::Tree(tree), input.as_ref(), &bindings, limits);
    let by_native = run(Expression::Native(native), input.as_ref(), &bindings, limits);
    match (by_tree, by_native) {
        (Ok(Err(e)), _) if e.code() == "U1001" => Verdict::Skipped,
        (Ok(t), _) if again.as_ref().ok() != Some(&t) => Verdict::Skipped,
        (Ok(t), Ok(n)) if t == n => Verdict::Agree,
        (t, n) => Verdict::Differ(format!("tree {t:?}, native {n:?}")),
    }
}

#[test]
fn native_code_agrees_with_the_evaluator() {
    let (mut agree, mut differ, mut skipped) = (0, 0, 0);
    for &(i, native) in NATIVE {
        let case = &SUITE[i];
        match compare(case, native) {
            Verdict::Agree => agree += 1,
            Verdict::Skipped => skipped += 1,
            Verdict::Differ(why) => {
                differ += 1;
                report(&format!("DIFFER {}#{}: {why}", case.id, case.index));
            }
        }
    }
    let parsed = SUITE.iter().filter(|c| c.expr.is_some()).count();
    report(&format!(
        "jsonata native: {} of {parsed} parsed expressions written as Rust; {agree} agree with the evaluator, {differ} differ, {skipped} left out",
        NATIVE.len()
    ));
    assert!(NATIVE.len() > parsed / 3, "most of the suite's expressions are in the native subset");
    assert_eq!(differ, 0, "native code and the evaluator must agree");
}

/// Cases beyond the suite's where native code once parted from the evaluator (tests/build.rs).
#[test]
fn native_code_agrees_on_the_extra_cases() {
    for &(text, input, tree, native) in EXTRA {
        let input: Value = serde_json::from_str(input).expect("the extra inputs are JSON");
        let Some(native) = native else { continue };
        let by_tree = run(Expression::Tree(tree), Some(&input), &[], Limits::default());
        let by_native = run(Expression::Native(native), Some(&input), &[], Limits::default());
        assert_eq!(by_tree, by_native, "{text}");
    }
    // The `:=` in a key is left to the evaluator.
    assert!(EXTRA.iter().any(|(text, _, _, native)| text.contains(":=") && native.is_none()));
}
