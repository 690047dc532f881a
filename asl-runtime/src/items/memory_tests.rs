//! Memory stays flat however large the data set: a 100,000-line JSON Lines file (and the same
//! items as one JSON array) streamed through the reader, the batcher and the result writer
//! must not raise the process's peak resident memory by more than [`BOUND_KIB`].
//!
//! The numbers: each line is 100 bytes, so the file is 10,000,000 bytes (~9.5 MiB). Holding it
//! as text would alone take more than the 8 MiB bound, and as parsed `serde_json` values
//! (about 4–5× the text) several times more; streaming holds one line, one batch of 100 items
//! (~10 kB) and the writers' buffers, well under 1 MiB. The bound leaves room for allocator
//! slack while failing any implementation that collects the items.
//!
//! Peak memory (`VmHWM`) is process-wide, so the measuring test runs alone in a child process
//! (this test binary re-run on [`probe`] only), away from the tests running beside it.

use super::test_support::scratch;
use super::*;
use serde_json::json;
use std::io::Write;

const LINES: u64 = 100_000;
const LINE_BYTES: usize = 100;
const BOUND_KIB: u64 = 8 * 1024;
const PROBE_ENV: &str = "ASL_ITEMS_MEMORY_PROBE";

#[test]
fn streaming_memory_is_bounded() {
    if status_kib("VmHWM").is_none() {
        return; // no /proc: not Linux, nothing to measure with
    }
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args(["items::memory_tests::probe", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(PROBE_ENV, "1")
        .output()
        .expect("run the probe");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "probe failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the probe did not run:\n{stdout}");
}

#[test]
#[ignore = "run by streaming_memory_is_bounded in a process of its own"]
fn probe() {
    if std::env::var_os(PROBE_ENV).is_none() {
        return;
    }
    let root = scratch("memory");
    let file_bytes = write_data_set(&root.join("b/big.jsonl"), false);
    write_data_set(&root.join("b/big.json"), true);
    assert!(file_bytes / 1024 > BOUND_KIB, "the file must be larger than the bound");
    let (peak_before, rss_before) = (status_kib("VmHWM").unwrap_or(0), status_kib("VmRSS").unwrap_or(0));
    let (items, batches) = stream_through(&root, "big.jsonl", "JSONL");
    assert_eq!(stream_through(&root, "big.json", "JSON"), (items, batches), "the JSON array streams too");
    let (peak_after, rss_after) = (status_kib("VmHWM").unwrap_or(0), status_kib("VmRSS").unwrap_or(0));
    let growth = peak_after.saturating_sub(peak_before);
    println!(
        "memory probe: file {file_bytes} bytes, {items} items in {batches} batches; \
         VmHWM {peak_before} -> {peak_after} kB (growth {growth} kB), VmRSS {rss_before} -> {rss_after} kB"
    );
    assert_eq!((items, batches), (LINES, LINES / 100));
    assert!(growth < BOUND_KIB, "peak memory grew by {growth} kB (bound {BOUND_KIB} kB)");
}

/// Writes `LINES` JSON lines of exactly `LINE_BYTES` bytes each (as JSON Lines, or as the
/// elements of one array); returns the file size.
fn write_data_set(path: &std::path::Path, array: bool) -> u64 {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    for i in 0..LINES {
        let head = format!("{{\"id\":{i},\"name\":\"item-{i:09}\",\"payload\":\"");
        let pad = LINE_BYTES - head.len() - 3; // closing quote, brace, newline
        let sep = if !array {
            ""
        } else if i == 0 {
            "["
        } else {
            ","
        };
        writeln!(out, "{sep}{head}{}\"}}", "x".repeat(pad)).expect("write");
    }
    if array {
        writeln!(out, "]").expect("write");
    }
    out.flush().expect("flush");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Reader → batcher (100 items a batch) → result writer (1 MB files); returns the item and
/// batch counts.
fn stream_through(root: &std::path::Path, key: &str, input_type: &str) -> (u64, u64) {
    let request = ReaderRequest {
        resource: "arn:aws:states:::s3:getObject".into(),
        parameters: json!({"Bucket": "b", "Key": key}),
        config: ReaderConfig::from_json(&json!({"InputType": input_type})).expect("config"),
    };
    let items = LocalFiles::new(root).open(&request).expect("opens");
    let batcher = ItemBatcher { max_items_per_batch: Some(100), ..Default::default() };
    let sink = LocalResultWriter::new(root).with_max_file_bytes(1_000_000);
    let writer_request = WriterRequest {
        resource: "arn:aws:states:::s3:putObject".into(),
        parameters: json!({"Bucket": "out", "Prefix": "runs"}),
        config: WriterConfig::default(),
        map_run: MapRun::new("wf", "Map", "memory"),
    };
    let mut run = sink.open(&writer_request).expect("opens");
    let (mut count, mut batches) = (0, 0);
    for (index, batch) in batcher.batches(items).enumerate() {
        let batch = batch.expect("batch");
        let n = batch["Items"].as_array().map_or(0, Vec::len) as u64;
        count += n;
        batches += 1;
        let outcome = IterationOutcome::Succeeded(json!({"Count": n}));
        run.write(IterationRecord { index: index as u64, input: batch, outcome, start_date: None, stop_date: None })
            .expect("write");
    }
    run.finish().expect("finish");
    (count, batches)
}

/// A `kB` field of /proc/self/status.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
