//! Keeps `bench/workflows/` in step with the shared benchmark workloads.
//!
//! `asl!("…")` reads its definition relative to CARGO_MANIFEST_DIR, so a file this script wrote
//! into OUT_DIR could not be named by the macro. Instead the extracted files are checked in under
//! `bench/workflows/` (so the crate builds where `shared/` is absent), and this script refreshes
//! them from `../../shared/workloads/NAME.json` when that file exists, writing only when the text
//! changed (an unchanged file keeps its mtime, so nothing rebuilds needlessly). For each workload
//! it writes:
//!   - `workflows/NAME.json`: the ASL `definition`, what `asl!` compiles;
//!   - `workflows/NAME.run.json`: `{"input": …, "states_entered": …}`, what the bench runs.
//!
//! Build scripts run before the crate compiles, so the macro always sees the fresh definition.

use std::path::Path;

const WORKLOADS: &[&str] = &["chain100", "loop1000", "map1000"];

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = manifest.join("../../shared/workloads");
    let out = manifest.join("workflows");
    println!("cargo:rerun-if-changed=build.rs");
    for name in WORKLOADS {
        let source = shared.join(format!("{name}.json"));
        println!("cargo:rerun-if-changed={}", source.display());
        let Ok(text) = std::fs::read_to_string(&source) else {
            // No shared/ here: the checked-in copies are used as they are.
            continue;
        };
        let workload: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", source.display()));
        let field = |key: &str| {
            workload.get(key).cloned().unwrap_or_else(|| panic!("{}: no `{key}` field", source.display()))
        };
        let run = serde_json::json!({ "input": field("input"), "states_entered": field("states_entered") });
        for (file, value) in [(format!("{name}.json"), field("definition")), (format!("{name}.run.json"), run)] {
            let path = out.join(file);
            // A hand edit of a copy is undone on the next build.
            println!("cargo:rerun-if-changed={}", path.display());
            write_if_changed(&path, &value);
        }
    }
}

fn write_if_changed(path: &Path, value: &serde_json::Value) {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    text.push('\n');
    if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}
