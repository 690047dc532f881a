//! `asl check` reports exactly what the `asl!` macro reports. The CLI prints
//! `asl_codegen::render(file, text, &asl_codegen::check_source(text))`; these tests run those two
//! functions (not the binary, which would need a build of asl-cli) and compare the output with
//! the errors the macro produced in `ui/fail/<name>.stderr` (see `compile_fail.rs`).
//!
//! They also classify asl-validator's fixtures: every `valid-*.json` must pass `asl check` and
//! every `invalid-*.json` must give at least one located diagnostic, except the fixtures listed
//! in `validation-known-gaps.txt` (`file-name: reason`). The test fails when a listed fixture
//! is classified right, so the list only shrinks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const UI_FAIL_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/fail");
const VALIDATION_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/validation/asl-validator");

use asl_tests::report;

/// The `.json` files of a directory, sorted by name.
fn json_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).expect("UTF-8 file name")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The messages of the `error: …` blocks of a trybuild `.stderr` file, each as `asl check` prints
/// it: rustc writes a multi-line message with its continuation lines indented by the width of
/// `error: `, and ends it at the ` --> ` line that points into the `.rs` file.
fn macro_errors(stderr: &str) -> Vec<String> {
    const INDENT: &str = "       ";
    let mut errors = Vec::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(first) = line.strip_prefix("error: ") else { continue };
        let mut message = first.to_string();
        while let Some(next) = lines.next_if(|l| !l.starts_with(" --> ") && !l.is_empty()) {
            message.push('\n');
            message.push_str(next.strip_prefix(INDENT).unwrap_or(next));
        }
        errors.push(message);
    }
    errors
}

/// A definition that is valid ASL but that asl-codegen cannot compile yet: `asl check` accepts it.
fn not_supported_yet(name: &str) -> bool {
    name.ends_with("_not_supported_yet.json")
}

#[test]
fn asl_check_prints_the_diagnostics_of_the_macro() {
    let files = json_files(UI_FAIL_DIR);
    assert!(files.len() >= 18, "expected at least 18 compile-fail definitions in {UI_FAIL_DIR}, found {}", files.len());
    let mut mismatches = Vec::new();
    for path in &files {
        let name = file_name(path);
        let text = read(path);
        let stderr = read(&path.with_extension("stderr"));
        let expected = macro_errors(&stderr);
        assert!(!expected.is_empty(), "{name}: the .stderr holds no `error: ` line");
        let diags = asl_codegen::check_source(&text);
        if not_supported_yet(name) {
            assert!(diags.is_empty(), "{name} must pass `asl check`, got:\n{}", asl_codegen::render(name, &text, &diags));
            assert!(
                expected.iter().all(|e| e.contains("not supported yet")),
                "{name}: the macro should only say \"not supported yet\", got:\n{}",
                expected.join("\n")
            );
            continue;
        }
        // The cases name their definition `ui/fail/<name>.json`, relative to this crate.
        let printed = asl_codegen::render(&format!("ui/fail/{name}"), &text, &diags);
        let expected = expected.join("\n");
        if printed != expected {
            mismatches.push(format!("{name}\n--- asl check:\n{printed}\n--- asl! (the .stderr):\n{expected}\n"));
        }
    }
    assert!(mismatches.is_empty(), "`asl check` and `asl!` disagree:\n\n{}", mismatches.join("\n"));
}

#[test]
fn macro_errors_reads_multi_line_messages() {
    let stderr = "error: a.json:1:2: first\n         help: did you mean \"X\"?\n --> a.rs:1:1\n  |\n\nerror: a.json:3:4: second\n --> a.rs:1:1\n";
    assert_eq!(macro_errors(stderr), ["a.json:1:2: first\n  help: did you mean \"X\"?", "a.json:3:4: second"]);
}

/// `file-name: reason` lines; `#` starts a comment.
fn known_gaps() -> BTreeMap<String, String> {
    include_str!("../validation-known-gaps.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (file, reason) = l.split_once(": ").unwrap_or_else(|| panic!("validation-known-gaps.txt: `{l}` is not `file-name: reason`"));
            (file.trim().to_string(), reason.trim().to_string())
        })
        .collect()
}

/// Whether `asl check` classifies the fixture as its name says; on a wrong answer, why.
fn classify(name: &str, text: &str) -> Result<(), String> {
    let diags = asl_codegen::check_source(text);
    if name.starts_with("valid-") {
        return match diags.is_empty() {
            true => Ok(()),
            false => Err(format!("a valid definition gets diagnostics:\n{}", asl_codegen::render(name, text, &diags))),
        };
    }
    if diags.is_empty() {
        return Err("an invalid definition gets no diagnostic".to_string());
    }
    // Located: every diagnostic points inside the file, so `file:line:col` names a real place.
    let lines = text.lines().count().max(1);
    for d in &diags {
        let (line, col) = d.position(text);
        if d.span.start() > text.len() || line > lines || col == 0 {
            return Err(format!("diagnostic outside the file ({line}:{col}): {}", d.render(name, text)));
        }
    }
    Ok(())
}

#[test]
fn asl_check_classifies_the_asl_validator_fixtures() {
    let gaps = known_gaps();
    let files = json_files(VALIDATION_DIR);
    assert!(!files.is_empty(), "no fixtures in {VALIDATION_DIR}");
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let (mut right, mut known) = (0, 0);
    for path in &files {
        let name = file_name(path);
        if !name.starts_with("valid-") && !name.starts_with("invalid-") {
            continue;
        }
        seen.push(name.to_string());
        let text = read(path);
        match (classify(name, &text), gaps.get(name)) {
            (Ok(()), None) => right += 1,
            (Err(_), Some(_)) => known += 1,
            (Ok(()), Some(reason)) => problems.push(format!(
                "{name}: classified right now; remove it from validation-known-gaps.txt (it said: {reason})"
            )),
            (Err(why), None) => problems.push(format!("{name}: {why}")),
        }
    }
    for file in gaps.keys() {
        if !seen.contains(file) {
            problems.push(format!("{file}: listed in validation-known-gaps.txt but not a fixture of {VALIDATION_DIR}"));
        }
    }
    report(&format!("asl-validator fixtures: {right} classified right, {known} known gaps, {} unexpected", problems.len()));
    assert!(problems.is_empty(), "asl check on the asl-validator fixtures:\n{}", problems.join("\n"));
}
