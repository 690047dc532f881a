//! The generated code, reviewed as text: one snapshot per workflow. The same workflows are
//! compiled by `asl!` elsewhere in this crate (the example and `behaviour.rs`), so a snapshot
//! cannot drift from code that builds.

use std::path::Path;

fn generated(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let source = asl_codegen::generate_file(&path).unwrap_or_else(|e| panic!("{relative} does not compile:\n{e}"));
    // The header names the absolute path; keep snapshots machine-independent.
    source.replace(&path.display().to_string(), relative)
}

#[test]
fn order_example() {
    insta::assert_snapshot!(generated("../examples/workflows/order.json"));
}

#[test]
fn retry_catch() {
    insta::assert_snapshot!(generated("workflows/retry_catch.json"));
}

#[test]
fn io_processing() {
    insta::assert_snapshot!(generated("workflows/io_processing.json"));
}

#[test]
fn choice_wait() {
    insta::assert_snapshot!(generated("workflows/choice_wait.json"));
}

#[test]
fn map_with_nested_machine() {
    insta::assert_snapshot!(generated("workflows/map_concurrency.json"));
}
