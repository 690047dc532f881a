//! The web console in a real browser: a real `asl serve` (with its workers and
//! `--console-writes`), the approval example registered and started with the aws CLI, and
//! headless Chromium (Debian's, driven by playwright-core: `tests/browser/console.mjs`) that
//! opens the console, finds the execution waiting on its task token, clicks "Send task
//! success" and sees it succeed; then keeps a second waiting execution's page open while its
//! token is answered through the API, and sees it succeed without a reload. Then a machine
//! with 10,000 executions: its page must load in under a second. Screenshots are kept in
//! `target/tmp/console-screenshots/`. Skipped with a note where node, the harness's packages
//! (`npm ci --prefix tests/browser`) or Chromium are missing; `.ci/run` installs them.

mod server;

use server::{stdout_json, write, Server};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const APPROVAL: &str = include_str!("../../examples/workflows/approval.json");
const BROWSER_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/browser");

/// ShipOrder answered by a mock; RequestApproval left to wait for its token.
const MOCKS: &str = r#"{
  "StateMachines": { "approval": { "TestCases": { "Approve": { "ShipOrder": "Shipped" } } } },
  "MockedResponses": { "Shipped": { "0": { "Return": { "trackingId": "T-1" } } } }
}"#;

const BULK: &str = r#"{"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": true}}}"#;
const BULK_EXECUTIONS: usize = 10_000;

fn harness_missing() -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    if !Path::new(BROWSER_DIR).join("node_modules/playwright-core").exists() {
        return Some("tests/browser has no node_modules (npm ci --prefix tests/browser)".into());
    }
    let chromium = std::env::var("ASL_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    (!Path::new(&chromium).exists()).then(|| format!("no Chromium at {chromium} (apt-get install chromium)"))
}

#[test]
fn a_waiting_approval_is_approved_from_the_console_in_a_browser() {
    if let Some(why) = harness_missing() {
        println!("console_browser: skipped: {why}");
        return;
    }
    let server = Server::with_workers(&[("mocks.json", MOCKS)], &["--mock-config", "mocks.json", "--no-integrations", "--console-writes"]);
    write(server.dir.path(), "approval.json", APPROVAL);
    write(server.dir.path(), "bulk.json", BULK);
    for name in ["approval", "bulk"] {
        let created = server.aws(&["create-state-machine", "--name", name, "--definition", &format!("file://{name}.json"), "--role-arn", "arn:aws:iam::123456789:role/r"]);
        stdout_json(&created);
    }
    for name in ["order-1", "order-2"] {
        let started = server.aws(&[
            "start-execution",
            "--state-machine-arn",
            "arn:aws:states:us-east-1:123456789:stateMachine:approval#Approve",
            "--name",
            name,
            "--input",
            r#"{"orderId": "o-1", "amount": 120}"#,
        ]);
        stdout_json(&started);
    }

    // 10,000 executions through the engine on the server's own store file (a second process
    // on one SQLite file, as the `asl` command is): the API would take minutes of aws calls.
    let store = asl_engine::SqliteStore::open(server.dir.path().join("store.db")).expect("the server's store opens");
    let engine = asl_engine::Engine::new(Arc::new(store));
    // The first worker build of a checkout takes minutes (the worker's dependencies); the
    // browser then finds both executions waiting.
    for name in ["order-1", "order-2"] {
        let arn = format!("arn:aws:states:us-east-1:123456789:execution:approval:{name}");
        let deadline = Instant::now() + Duration::from_secs(30 * 60);
        while engine.open_task_tokens(&arn).unwrap().as_array().unwrap().is_empty() {
            assert!(Instant::now() < deadline, "{name} never waited on its token");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let bulk = asl_runtime::context::state_machine_arn("bulk");
    for i in 0..BULK_EXECUTIONS {
        engine.start_execution(&bulk, Some(&format!("run-{i:05}")), Some("{}")).expect("StartExecution");
    }

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("console-screenshots");
    let url = format!("{}/console", server.endpoint());
    let run = Command::new("node")
        .arg(Path::new(BROWSER_DIR).join("console.mjs"))
        .args([&url, "approval", "order-1", "order-2", "bulk"])
        .arg(&shots)
        .output()
        .expect("node runs");
    let said = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "the browser's walk through the console failed:\n{said}");
    let measured: serde_json::Value = serde_json::from_str(said.lines().last().unwrap_or("")).unwrap_or_else(|_| panic!("no measurements in:\n{said}"));
    let load = measured["bulkPageMs"].as_f64().expect("bulkPageMs");
    println!("console_browser: approved in the browser; the page of a machine with {BULK_EXECUTIONS} executions loaded in {load:.0} ms; screenshots in {}", shots.display());
    assert!(load < 1000.0, "the page of a machine with {BULK_EXECUTIONS} executions took {load:.0} ms to load");
    let described = stdout_json(&server.aws(&["describe-execution", "--execution-arn", "arn:aws:states:us-east-1:123456789:execution:approval:order-1"]));
    assert_eq!(described["status"], "SUCCEEDED", "{described}");
    assert!(described["output"].as_str().unwrap().contains("\"approver\":\"ann\""), "{described}");
}
