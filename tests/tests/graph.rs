//! `asl graph` (`asl_codegen::graph_source`) on every definition we have: the conformance
//! recordings and asl-validator's valid fixtures (less those `validation-known-gaps.txt` says
//! AWS would refuse). Each must draw in all three formats, and each drawing must be valid for
//! the tool that reads it: the SVG is parsed as XML (every state a `data-state` group), the DOT
//! by Graphviz's `dot` (all files in one run, no message allowed), the Mermaid by mermaid's own
//! parser in headless Chromium (`tests/browser/mermaid-check.mjs`). `dot` and the browser
//! harness are installed by `.ci/run`; elsewhere their checks say they are skipped.
//! Snapshots keep a few drawings as they are.

use asl_codegen::graph::Format;
use std::path::{Path, PathBuf};
use std::process::Command;

const CONFORMANCE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/conformance");
const VALIDATION_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/validation/asl-validator");
const BROWSER_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/browser");

/// Every definition: (a name for its files, its text).
fn definitions() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut areas: Vec<PathBuf> = std::fs::read_dir(CONFORMANCE_DIR).map(|d| d.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect()).unwrap_or_default();
    areas.sort();
    for area in areas {
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&area).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
        cases.sort();
        for case in cases {
            let recorded: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
            let definition = match &recorded["definition"] {
                serde_json::Value::String(text) => text.clone(),
                other => serde_json::to_string_pretty(other).unwrap(),
            };
            out.push((stem(&case), definition));
        }
    }
    let gaps = include_str!("../validation-known-gaps.txt");
    let refused: Vec<&str> = gaps.lines().filter_map(|l| l.split_once(": ")).map(|(file, _)| file).collect();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(VALIDATION_DIR).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    fixtures.sort();
    for fixture in fixtures {
        let name = fixture.file_name().unwrap().to_str().unwrap().to_string();
        if name.starts_with("valid-") && name.ends_with(".json") && !refused.contains(&name.as_str()) {
            out.push((stem(&fixture), std::fs::read_to_string(&fixture).unwrap()));
        }
    }
    out
}

fn stem(path: &Path) -> String {
    path.file_name().unwrap().to_str().unwrap().trim_end_matches(".json").trim_end_matches(".asl").to_string()
}

/// Writes every definition's drawings into a fresh folder, one file per format.
fn drawn() -> (PathBuf, usize) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graphs");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let definitions = definitions();
    assert!(definitions.len() > 250, "only {} definitions found under ../shared", definitions.len());
    let mut problems = Vec::new();
    for (name, text) in &definitions {
        match asl_codegen::graph_source(text) {
            Ok(graph) => {
                for format in Format::ALL {
                    std::fs::write(dir.join(format!("{name}.{}", format.extension())), graph.write(format)).unwrap();
                }
                let svg = graph.to_svg();
                if let Err(e) = svg_states(&svg, &graph) {
                    problems.push(format!("{name}: {e}"));
                }
            }
            Err(diags) => problems.push(format!("{name}: not drawn: {}", asl_codegen::render(name, text, &diags))),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    (dir, definitions.len())
}

/// The SVG is XML with an `svg` root and a `data-state` group for every state.
fn svg_states(svg: &str, graph: &asl_codegen::graph::Graph) -> Result<(), String> {
    let doc = roxmltree::Document::parse(svg).map_err(|e| format!("the SVG is not XML: {e}"))?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err("the root element is not <svg>".into());
    }
    let drawn: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("data-state")).collect();
    for state in graph.states() {
        if !drawn.contains(&state.name.as_str()) {
            return Err(format!("state {:?} is not drawn", state.name));
        }
    }
    Ok(())
}

fn installed(program: &str) -> bool {
    Command::new(program).arg("-V").output().is_ok()
}

#[test]
fn every_definition_draws_in_every_format_and_each_tool_reads_it() {
    let (dir, count) = drawn();
    println!("graph: {count} definitions drawn as SVG (parsed as XML), DOT and Mermaid into {}", dir.display());

    // Graphviz: every DOT file in one run; any message (an error or a warning) fails.
    if installed("dot") {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "dot")).collect();
        files.sort();
        let out = Command::new("dot").arg("-Tsvg").args(&files).output().expect("dot runs");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && said.trim().is_empty(), "dot refused or warned:\n{said}");
        println!("graph: Graphviz read all {} DOT files", files.len());
    } else {
        println!("graph: skipped the DOT check: Graphviz's `dot` is not installed (apt-get install graphviz)");
    }

    // Mermaid: its own parser, in headless Chromium.
    if Path::new(BROWSER_DIR).join("node_modules/mermaid").exists() && Path::new("/usr/bin/chromium").exists() {
        let out = Command::new("node").arg(Path::new(BROWSER_DIR).join("mermaid-check.mjs")).arg(&dir).output().expect("node runs");
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "mermaid refused some drawings:\n{said}");
        println!("graph: {}", said.lines().last().unwrap_or(""));
    } else {
        println!("graph: skipped the Mermaid check: run `npm ci --prefix tests/browser` and install chromium");
    }
}

fn snapshot_of(file: &str) -> asl_codegen::graph::Graph {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    asl_codegen::graph_source(&text).unwrap_or_else(|d| panic!("{}", asl_codegen::render(file, &text, &d)))
}

const APPROVAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/workflows/approval.json");
const ORDER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/workflows/order.json");
const POLLER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/validation/asl-validator/valid-job-status-poller.json");
const NESTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/workflows/graph_nested.json");

#[test]
fn snapshots_of_a_few_drawings() {
    insta::assert_snapshot!("approval_mermaid", snapshot_of(APPROVAL).to_mermaid());
    insta::assert_snapshot!("approval_dot", snapshot_of(APPROVAL).to_dot());
    insta::assert_snapshot!("approval_svg", snapshot_of(APPROVAL).to_svg());
    insta::assert_snapshot!("order_mermaid", snapshot_of(ORDER).to_mermaid());
    insta::assert_snapshot!("nested_mermaid", snapshot_of(NESTED).to_mermaid());
    insta::assert_snapshot!("nested_dot", snapshot_of(NESTED).to_dot());
    if Path::new(POLLER).exists() {
        insta::assert_snapshot!("poller_mermaid", snapshot_of(POLLER).to_mermaid());
    }
}

#[test]
fn labels_are_escaped_for_each_format() {
    let definition = r#"{"StartAt": "Say \"hi\" <b>#1;</b> `x` \\n & ok", "States": {
        "Say \"hi\" <b>#1;</b> `x` \\n & ok": {"Type": "Choice", "Choices": [
            {"Variable": "$.a", "StringEquals": "<\"quoted\">", "Next": "Done"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}}"#;
    let graph = asl_codegen::graph_source(definition).unwrap();
    let mermaid = graph.to_mermaid();
    assert!(mermaid.contains(r#"s0["Say #quot;hi#quot; #lt;b#gt;#35;1;#lt;/b#gt; #96;x#96; #92;n #amp; ok"]:::choice"#), "{mermaid}");
    assert!(!mermaid.contains("<b>"), "{mermaid}");
    let dot = graph.to_dot();
    assert!(dot.contains(r#"Say \"hi\" <b>#1;</b> `x` \\n & ok"#), "{dot}");
    let svg = graph.to_svg();
    roxmltree::Document::parse(&svg).expect("XML");
    assert!(svg.contains("Say &quot;hi&quot; &lt;b&gt;#1;&lt;/b&gt;"), "{svg}");
}

/// 3,000 Task states in a chain, each caught by one handler at the end: the edges into the
/// handler share their route, so the drawing grows with the states, not with their square.
#[test]
fn a_long_chain_caught_by_one_handler_draws_in_bounded_size() {
    const STATES: usize = 3000;
    let mut states = serde_json::Map::new();
    for i in 0..STATES {
        let next = if i + 1 < STATES { serde_json::json!({ "Next": format!("Step{}", i + 1) }) } else { serde_json::json!({ "End": true }) };
        let mut state = serde_json::json!({ "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Handler" }] });
        state.as_object_mut().unwrap().extend(next.as_object().unwrap().clone());
        states.insert(format!("Step{i}"), state);
    }
    states.insert("Handler".into(), serde_json::json!({ "Type": "Fail", "Error": "Caught" }));
    let definition = serde_json::json!({ "StartAt": "Step0", "States": states }).to_string();
    let graph = asl_codegen::graph_source(&definition).unwrap();
    let svg = graph.to_svg();
    assert!(svg.len() < 8 * 1024 * 1024, "the SVG of {STATES} states is {} bytes", svg.len());
    roxmltree::Document::parse(&svg).expect("XML");
    assert!(graph.to_dot().len() < 2 * 1024 * 1024);
}
