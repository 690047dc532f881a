//! Generates one Rust module per conformance case (through the same pipeline `asl!` uses), so
//! every recorded AWS execution runs as compiled code in one test binary. A definition the
//! compiler rejects becomes a case that fails with its diagnostics; it never breaks the build.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=ASL_CONFORMANCE_DIR");
    let dir = match std::env::var_os("ASL_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    };
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut out = String::new();
    let mut table = String::new();
    for (i, file) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", file.display());
        let id = file.strip_prefix(&dir).unwrap_or(file).display().to_string();
        let path = file.display().to_string();
        match compile_case(file) {
            Ok(items) => {
                let _ = writeln!(out, "mod case_{i} {{\n{items}\n}}");
                let _ = writeln!(table, "    Case {{ id: {id:?}, file: {path:?}, run: Some(case_{i}::run_case), diagnostics: \"\" }},");
            }
            Err(diagnostics) => {
                let _ = writeln!(table, "    Case {{ id: {id:?}, file: {path:?}, run: None, diagnostics: {diagnostics:?} }},");
            }
        }
    }
    let _ = writeln!(out, "/// Every case found, in file order.\npub static CASES: &[Case] = &[\n{table}];");
    let _ = writeln!(out, "/// Where the cases came from.\npub const CASES_DIR: &str = {:?};", dir.display().to_string());
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("conformance_cases.rs");
    if std::fs::read_to_string(&target).ok().as_deref() != Some(out.as_str()) {
        std::fs::write(&target, out).expect("OUT_DIR is writable");
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// The generated items for one case, or why there are none.
fn compile_case(file: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let case: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let definition = case.get("definition").ok_or("no `definition` field")?;
    let definition = serde_json::to_string_pretty(definition).map_err(|e| e.to_string())?;
    let tokens = asl_codegen::compile_source(&definition, "case")
        .map_err(|d| asl_codegen::render("definition", &definition, &d))?;
    Ok(format!(
        "{tokens}\n\
         pub fn run_case(input: ::asl_runtime::Value, env: &crate::harness::CaseEnv) -> crate::harness::CaseFuture<'_> {{\n\
             ::std::boxed::Box::pin(async move {{\n\
                 let mut exec = ::asl_runtime::start::<Workflow, _>(\"case\", input, &env.clock);\n\
                 let outcome = ::asl_runtime::run::<Workflow, _, _>(&mut exec, env).await;\n\
                 (outcome, exec.take_history())\n\
             }})\n\
         }}"
    ))
}
