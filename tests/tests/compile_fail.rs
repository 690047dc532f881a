//! The `asl!` macro's diagnostics as a user sees them: every definition in `ui/fail/` must fail
//! to compile with the errors recorded next to it in `<name>.stderr` (each naming the JSON file,
//! line and column), and every program in `ui/pass/` must compile and run.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p asl-tests --test
//! compile_fail`, then read the diff.
//!
//! trybuild compiles the cases as binaries of a crate it generates under
//! `<target>/tests/trybuild/asl-tests/`, so `CARGO_MANIFEST_DIR`, against which `asl!` resolves
//! its path, is that directory and not this crate's. A symlink `ui` there, pointing at this
//! crate's `ui/`, lets the cases write `asl!("ui/fail/<name>.json")`, the path relative to this
//! crate, and keeps that short path in the messages.

use std::path::{Path, PathBuf};

#[test]
fn ui() {
    link_ui_dir();
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/*.rs");
    t.pass("ui/pass/*.rs");
}

/// Makes `<trybuild project>/ui` point at this crate's `ui/`.
fn link_ui_dir() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project_dir = target_dir().join("tests").join("trybuild").join(env!("CARGO_PKG_NAME"));
    std::fs::create_dir_all(&project_dir).expect("create the trybuild project directory");
    let link = project_dir.join("ui");
    let source = manifest_dir.join("ui");
    if std::fs::read_link(&link).is_ok_and(|current| current == source) {
        return;
    }
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&source, &link).expect("symlink ui/ into the trybuild project");
    #[cfg(windows)]
    std::os::windows::fs::symlink_dir(&source, &link).expect("symlink ui/ into the trybuild project");
}

/// The target directory trybuild builds in: the one `cargo metadata` reports, as trybuild asks.
fn target_dir() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version=1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata output is JSON");
    PathBuf::from(meta["target_directory"].as_str().expect("target_directory in cargo metadata"))
}
