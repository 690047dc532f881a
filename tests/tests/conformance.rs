//! Runs every conformance case (executions recorded against AWS) and prints
//! `conformance: N passed, M failed`. Cases listed in `conformance-known-gaps.txt` may fail
//! (with the reason given there); the test fails when an unlisted case fails or a listed one
//! passes, so the list only shrinks. With `ASL_CONFORMANCE_DIR` set, the cases of that
//! directory run instead and no list applies.
//!
//! A case listed in `conformance-repairs.txt` (its recorded definition holds a placeholder, not
//! what AWS ran) runs a second time with the listed text in place; those runs are counted apart
//! and must all pass, outcome and history.
//!
//! Each passing case's history (recorded with `Env::with_history`) is also compared with the
//! one AWS recorded, event by event; `history-known-gaps.txt` lists the exceptions.

use asl_tests::cases::{CASES, CASES_DIR};
use asl_tests::harness::{known_gaps, run_case_with_history};

use asl_tests::report;

#[tokio::test(start_paused = true)]
async fn conformance() {
    let custom_dir = std::env::var_os("ASL_CONFORMANCE_DIR").is_some();
    let gaps = if custom_dir {
        Default::default()
    } else {
        known_gaps(include_str!("../conformance-known-gaps.txt"))
    };
    let (mut passed, mut failed, mut unexpected) = (0usize, 0usize, 0usize);
    let mut surprises = Vec::new();
    let history_gaps = if custom_dir {
        Default::default()
    } else {
        known_gaps(include_str!("../history-known-gaps.txt"))
    };
    let mut history_matched = 0usize;
    let (mut repaired, mut repaired_passed) = (0usize, 0usize);
    for case in CASES.iter().filter(|c| c.repaired.is_some()) {
        repaired += 1;
        let verdict = run_case_with_history(case).await;
        match (verdict.outcome, verdict.history) {
            (Ok(()), Ok(())) => repaired_passed += 1,
            (Err(diff), _) | (Ok(()), Err(diff)) => surprises.push(format!("{} (repaired): {diff}", case.id)),
        }
    }
    for case in CASES.iter().filter(|c| c.repaired.is_none()) {
        let verdict = run_case_with_history(case).await;
        let result = verdict.outcome;
        if result.is_ok() {
            match (verdict.history, history_gaps.get(case.id)) {
                (Ok(()), None) => history_matched += 1,
                (Ok(()), Some(_)) => surprises.push(format!("{}: its history matches now; remove it from history-known-gaps.txt", case.id)),
                (Err(diff), Some(reason)) => report(&format!("known history gap {}: {reason} ({diff})", case.id)),
                (Err(diff), None) => {
                    report(&format!("HISTORY {}: {diff}", case.id));
                    surprises.push(format!("{}: history differs: {diff}", case.id));
                }
            }
        }
        match (&result, gaps.get(case.id)) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => {
                passed += 1;
                surprises.push(format!("{}: passes now; remove it from conformance-known-gaps.txt", case.id));
            }
            (Err(diff), gap) => {
                failed += 1;
                match gap {
                    Some(reason) => report(&format!("known gap {}: {reason}", case.id)),
                    None => {
                        unexpected += 1;
                        report(&format!("FAIL {}: {diff}", case.id));
                        surprises.push(format!("{}: {diff}", case.id));
                    }
                }
            }
        }
    }
    for id in gaps.keys().filter(|id| !CASES.iter().any(|c| c.id == id.as_str())) {
        surprises.push(format!("{id}: listed in conformance-known-gaps.txt but no such case in {CASES_DIR}"));
    }
    report(&format!("conformance: {passed} passed, {failed} failed"));
    if repaired > 0 {
        report(&format!("conformance repaired: {repaired_passed} of the {repaired} cases listed in tests/conformance-repairs.txt pass, outcome and history, with the definition AWS ran"));
    }
    report(&format!("conformance history: {history_matched} of the {passed} passing cases record AWS's event sequence (type, id, previousEventId, state)"));
    if !custom_dir {
        let listed = failed - unexpected;
        report(&format!("conformance: {listed} of the failures are listed known gaps (tests/conformance-known-gaps.txt), {unexpected} unexpected"));
    }
    assert!(!CASES.is_empty() || custom_dir, "no conformance cases found in {CASES_DIR}");
    assert!(surprises.is_empty(), "unexpected conformance results:\n{}", surprises.join("\n"));
}
