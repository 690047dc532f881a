//! A compiled distributed Map over a 100,000-line JSON Lines file with a Pass processor runs in
//! bounded memory: items are pulled from the reader as iterations finish (at most
//! MaxConcurrency 100 in flight) and each result goes straight to the ResultWriter's files.
//!
//! The file is 100,000 lines of 100 bytes (10 MB); held as text it would exceed the 8 MiB
//! bound on its own, and as parsed values several times over. Peak memory (`VmHWM`) is
//! process-wide, so the measurement runs alone in a child process: this test binary re-run on
//! the ignored `probe`.

use serde_json::json;
use std::io::Write;

mod distributed_pass { asl_macro::asl!("workflows/distributed_pass.json"); }

const LINES: u64 = 100_000;
const BOUND_KIB: u64 = 8 * 1024;
const PROBE_ENV: &str = "ASL_DISTRIBUTED_MEMORY_PROBE";

#[test]
fn a_distributed_map_over_100_000_lines_runs_in_bounded_memory() {
    if status_kib("VmHWM").is_none() {
        return; // no /proc here: nothing to measure with
    }
    let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["probe", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(PROBE_ENV, "1")
        .output()
        .expect("run the probe");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let _ = writeln!(std::io::stderr().lock(), "{}", stdout.lines().filter(|l| l.contains("memory:")).collect::<Vec<_>>().join("\n"));
    assert!(out.status.success(), "probe failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the probe did not run:\n{stdout}");
}

#[test]
#[ignore = "run by a_distributed_map_over_100_000_lines_runs_in_bounded_memory in a process of its own"]
fn probe() {
    if std::env::var_os(PROBE_ENV).is_none() {
        return;
    }
    let root = std::env::temp_dir().join(format!("asl-distributed-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let bytes = write_lines(&root.join("data/big.jsonl"));
    assert!(bytes / 1024 > BOUND_KIB, "the file must be larger than the bound");
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let before = status_kib("VmHWM").unwrap_or(0);
    let output = rt.block_on(async {
        let env = asl_runtime::Env::new(())
            .with_items(asl_runtime::items::LocalFiles::new(&root), asl_runtime::items::LocalResultWriter::new(&root));
        let mut exec = asl_runtime::start::<distributed_pass::Workflow, _>("memory", json!({ "key": "big.jsonl" }), &env.clock);
        asl_runtime::run::<distributed_pass::Workflow, _, _>(&mut exec, &env).await
    });
    let after = status_kib("VmHWM").unwrap_or(0);
    let output = output.expect("the map run succeeds");
    let manifest_key = output["ResultWriterDetails"]["Key"].as_str().expect("manifest key").to_string();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("results").join(&manifest_key)).expect("manifest")).expect("JSON");
    let written: u64 = manifest["ResultFiles"]["SUCCEEDED"].as_array().expect("files").iter().filter_map(|f| f["Size"].as_u64()).sum();
    let growth = after.saturating_sub(before);
    println!("memory: {LINES} lines ({bytes} bytes) through a compiled distributed Map; {written} bytes of results; VmHWM {before} -> {after} kB (growth {growth} kB, bound {BOUND_KIB} kB)");
    let _ = std::fs::remove_dir_all(&root);
    assert!(written > bytes / 2, "every iteration's result was written");
    assert!(growth < BOUND_KIB, "peak memory grew by {growth} kB");
}

/// `LINES` JSON lines of 100 bytes each; returns the file size.
fn write_lines(path: &std::path::Path) -> u64 {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for i in 0..LINES {
        let head = format!("{{\"id\":{i},\"payload\":\"");
        writeln!(out, "{head}{}\"}}", "x".repeat(100 - head.len() - 3)).expect("write");
    }
    out.flush().expect("flush");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// A `kB` field of /proc/self/status.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
