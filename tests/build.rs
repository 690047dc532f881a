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
    // Repairs apply to the shared cases only; a custom directory runs as it is.
    let repairs = match std::env::var_os("ASL_CONFORMANCE_DIR") {
        Some(_) => Vec::new(),
        None => repairs(),
    };
    let mut out = String::new();
    let mut table = String::new();
    for (i, file) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", file.display());
        let id = file.strip_prefix(&dir).unwrap_or(file).display().to_string();
        let path = file.display().to_string();
        let repair = repairs.iter().find(|(listed, _)| *listed == id).map(|(_, r)| r);
        // A repaired case runs as recorded too, so the plain count stays the recordings'.
        let mut variants = vec![(format!("case_{i}"), None)];
        if let Some(repair) = repair {
            variants.push((format!("case_{i}_repaired"), Some(repair)));
        }
        for (module, repair) in &variants {
            let repaired = match repair {
                Some(r) => format!("Some({:?})", serde_json::Value::Object((*r).clone()).to_string()),
                None => "None".to_owned(),
            };
            match compile_case(file, *repair) {
                Ok(items) => {
                    let _ = writeln!(out, "mod {module} {{\n{items}\n}}");
                    let _ = writeln!(table, "    Case {{ id: {id:?}, file: {path:?}, run: Some({module}::run_case), diagnostics: \"\", repaired: {repaired} }},");
                }
                Err(diagnostics) => {
                    let _ = writeln!(table, "    Case {{ id: {id:?}, file: {path:?}, run: None, diagnostics: {diagnostics:?}, repaired: {repaired} }},");
                }
            }
        }
    }
    let _ = writeln!(out, "/// Every case found, in file order.\npub static CASES: &[Case] = &[\n{table}];");
    let _ = writeln!(out, "/// Where the cases came from.\npub const CASES_DIR: &str = {:?};", dir.display().to_string());
    write_if_changed("conformance_cases.rs", &out);
    jsonata_suite();
}

fn write_if_changed(name: &str, text: &str) {
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(name);
    if std::fs::read_to_string(&target).ok().as_deref() != Some(text) {
        std::fs::write(&target, text).expect("OUT_DIR is writable");
    }
}

/// JSONata's own test suite, each expression compiled as a workflow's are: parsed here, written
/// out as a `static` tree. An expression that does not parse keeps its error code (some cases
/// expect exactly that).
fn jsonata_suite() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/jsonata-suite");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(&dir.join("groups"), &mut files);
    files.sort();
    let mut out = String::new();
    let mut table = String::new();
    // The same expressions written as Rust where they can be, by suite position.
    let mut native = String::new();
    let mut native_table = String::new();
    let mut n = 0;
    for file in &files {
        let id = file.strip_prefix(dir.join("groups")).unwrap_or(file).display().to_string();
        // A file serde_json cannot read (a lone surrogate in a string) is one case that fails
        // with serde_json's reason, so the test reports it rather than losing it.
        let json = std::fs::read_to_string(file).ok().and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
        let Some(json) = json else {
            let _ = writeln!(table, "    SuiteCase {{ id: {id:?}, index: 0, file: {:?}, expr: None, parse_error: \"\" }},", file.display().to_string());
            // `n` is the case's position in `SUITE`, which `NATIVE` names cases by.
            n += 1;
            continue;
        };
        let cases = match json {
            serde_json::Value::Array(cases) => cases,
            case => vec![case],
        };
        for (i, case) in cases.iter().enumerate() {
            // Some cases keep a long expression in a file of its own next to the case.
            let from_file = case.get("expr-file").and_then(|f| f.as_str()).and_then(|name| {
                let path = file.parent()?.join(name);
                println!("cargo:rerun-if-changed={}", path.display());
                std::fs::read_to_string(path).ok()
            });
            let Some(expr) = case.get("expr").and_then(|e| e.as_str()).or(from_file.as_deref()) else { continue };
            let (tree, error) = match asl_codegen::lang::jsonata::parse(expr) {
                Ok(e) => {
                    let _ = writeln!(out, "static EXPR_{n}: ::asl_runtime::jsonata::tree::Node = {};", asl_codegen::emit::jsonata::node_expr(&e));
                    let name = format!("native_{n}");
                    if let Some(f) = asl_codegen::emit::jsonata_native::native_fn(&e, &name) {
                        let _ = writeln!(native, "{f}");
                        let _ = writeln!(native_table, "    ({n}, {name}),");
                    }
                    (format!("Some(&EXPR_{n})"), String::new())
                }
                Err(e) => ("None".to_owned(), e.code.to_owned()),
            };
            let _ = writeln!(table, "    SuiteCase {{ id: {id:?}, index: {i}, file: {:?}, expr: {tree}, parse_error: {error:?} }},", file.display().to_string());
            n += 1;
        }
    }
    let _ = writeln!(out, "/// Every case of the suite, in file order.\npub static SUITE: &[SuiteCase] = &[\n{table}];");
    let _ = writeln!(out, "/// Where the suite lives.\npub const SUITE_DIR: &str = {:?};", dir.display().to_string());
    write_if_changed("jsonata_cases.rs", &out);
    extra_native_cases(&mut native);
    let _ = writeln!(
        native,
        "/// The suite's expressions that were written as Rust, by their position in `SUITE`.\npub static NATIVE: &[(usize, ::asl_runtime::jsonata::NativeExpr)] = &[\n{native_table}];"
    );
    write_if_changed("jsonata_native_cases.rs", &native);
}

/// Expressions beyond the suite's where native code once parted from the evaluator, each with
/// an input (JSON text): `EXTRA`, the tree and, where it is written as Rust, the fn.
fn extra_native_cases(out: &mut String) {
    const EXTRA: &[(&str, &str)] = &[
        // A path that ends early still groups (the grouping runs once, on nothing).
        (r#"nothing.here{"a": 1}"#, r#"{"x": 1}"#),
        (r#"x.nothing{"k": $count($)}"#, r#"{"x": [1, 2]}"#),
        // A path's first array constructor hands on its members; one that ends it stays whole.
        ("[[1, 2], [3]].$", "null"),
        ("x.[1, 2]", r#"{"x": [1, 2]}"#),
        // Grouped members are appended: arrays among them spliced in.
        (r#"[[1, 2], [3]]{"all": $}"#, "null"),
        // A `:=` in one key reaches the next key of the same member.
        (r#"x{($k := "a"): 1, $k & "b": 2}"#, r#"{"x": 1}"#),
    ];
    let mut table = String::new();
    for (i, (expr, input)) in EXTRA.iter().enumerate() {
        let e = asl_codegen::lang::jsonata::parse(expr).expect("the extra cases parse");
        let _ = writeln!(out, "static EXTRA_TREE_{i}: ::asl_runtime::jsonata::tree::Node = {};", asl_codegen::emit::jsonata::node_expr(&e));
        let native = match asl_codegen::emit::jsonata_native::native_fn(&e, &format!("extra_native_{i}")) {
            Some(f) => {
                let _ = writeln!(out, "{f}");
                format!("Some(extra_native_{i})")
            }
            None => "None".to_owned(),
        };
        let _ = writeln!(table, "    ({expr:?}, {input:?}, &EXTRA_TREE_{i}, {native}),");
    }
    let _ = writeln!(
        out,
        "/// Expressions beyond the suite's, with an input: text, input, tree, native fn.\npub static EXTRA: &[(&str, &str, &::asl_runtime::jsonata::tree::Node, ::core::option::Option<::asl_runtime::jsonata::NativeExpr>)] = &[\n{table}];"
    );
}

/// What replaces a recorded definition's placeholder strings: placeholder → text AWS ran.
type Repair = serde_json::Map<String, serde_json::Value>;

/// `conformance-repairs.txt`: `id: {"placeholder": "replacement"}` per line.
fn repairs() -> Vec<(String, Repair)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance-repairs.txt");
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).expect("tests/conformance-repairs.txt is readable");
    let lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    lines
        .map(|(n, line)| {
            let at = || format!("{}:{}", path.display(), n + 1);
            let (id, json) = line.split_once(": ").unwrap_or_else(|| panic!("{}: expected `id: {{...}}`", at()));
            let repair = serde_json::from_str::<Repair>(json).unwrap_or_else(|e| panic!("{}: {e}", at()));
            (id.trim().to_owned(), repair)
        })
        .collect()
}

/// Replaces every string value equal to a placeholder (keys stay).
fn replace_strings(value: &mut serde_json::Value, repair: &Repair) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(serde_json::Value::String(with)) = repair.get(s.as_str()) {
                *s = with.clone();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| replace_strings(v, repair)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| replace_strings(v, repair)),
        _ => {}
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
/// With a repair, each placeholder string of the definition is replaced first.
fn compile_case(file: &Path, repair: Option<&Repair>) -> Result<String, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let case: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let mut definition = case.get("definition").ok_or("no `definition` field")?.clone();
    if let Some(repair) = repair {
        replace_strings(&mut definition, repair);
    }
    let definition = serde_json::to_string_pretty(&definition).map_err(|e| e.to_string())?;
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
