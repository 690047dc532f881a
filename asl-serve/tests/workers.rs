//! Registered definitions run as compiled code: a real cargo build of the generated worker
//! crate and a real worker process, against a real SQLite store. One test, in steps, so that
//! the cold build happens once: the build directory is under cargo's target directory and
//! is kept between runs (a fresh clone builds it cold, as a user's first `asl serve` does).
//!
//! It prints the time from CreateStateMachine to the first state of the first execution, cold
//! (the first build) and warm (one more definition).

use asl_engine::{Engine, MachineType, SqliteStore, Store};
use asl_serve::workers::{Source, Supervisor, SupervisorConfig};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Long enough for a cold build of the worker's dependencies on a loaded 2-core machine.
const BUILD_LIMIT: Duration = Duration::from_secs(1800);

const HELLO: &str = r#"{"StartAt": "Greet", "States": {
    "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hello {}', $.name)"}, "Next": "Done"},
    "Done": {"Type": "Succeed"}}}"#;

const UNBOUND: &str = r#"{"StartAt": "Charge", "States": {
    "Charge": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge", "End": true}}}"#;

const CALLBACK: &str = r#"{"StartAt": "Approve", "States": {
    "Approve": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}}"#;

/// A definition in two versions: an execution started before the update finishes with the
/// first (as on AWS), one started after runs the second.
fn versioned(version: &str) -> String {
    format!(r#"{{"StartAt": "Hold", "States": {{
        "Hold": {{"Type": "Wait", "Seconds": 2, "Next": "Answer"}},
        "Answer": {{"Type": "Pass", "Result": "{version}", "End": true}}}}}}"#)
}

/// Valid ASL that the code generator does not support: its executions must fail, not hang.
const UNCOMPILABLE: &str = r#"{"StartAt": "Each", "States": {"Each": {"Type": "Map",
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
    "ItemBatcher": {"MaxItemsPerBatch": 2}, "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "End": true}}}"#;

struct Server {
    engine: Engine,
    store_path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn create(&self, name: &str, definition: &str) -> (String, Instant) {
        let created = Instant::now();
        let answer = self.engine.create_state_machine(name, definition, MachineType::Standard, None).unwrap();
        (answer["stateMachineArn"].as_str().unwrap().to_string(), created)
    }

    fn start(&self, machine: &str, input: &str) -> String {
        let answer = self.engine.start_execution(machine, None, Some(input)).unwrap();
        answer["executionArn"].as_str().unwrap().to_string()
    }

    /// Waits until `arn` is no longer RUNNING (or `limit` passes) and describes it.
    async fn ended(&self, arn: &str, limit: Duration) -> Value {
        let until = Instant::now() + limit;
        loop {
            let d = self.engine.describe_execution(arn).unwrap();
            if d["status"] != "RUNNING" || Instant::now() > until {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until `arn` has entered its first state and says when that was seen.
    async fn first_state(&self, arn: &str, limit: Duration) -> Instant {
        let until = Instant::now() + limit;
        loop {
            let history = self.engine.get_execution_history(arn, false, 0, None).unwrap();
            let entered = history["events"].as_array().unwrap().iter().any(|e| e["type"].as_str().is_some_and(|t| t.ends_with("StateEntered")));
            if entered || Instant::now() > until {
                return Instant::now();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn history(&self, arn: &str) -> Vec<Value> {
        self.engine.get_execution_history(arn, false, 0, None).unwrap()["events"].as_array().unwrap().clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registered_definitions_run_as_compiled_code() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("store.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&store_path).unwrap());
    let server = Server { engine: Engine::new(store.clone()), store_path: store_path.clone(), _dir: dir };
    let mut config = SupervisorConfig::next_to(asl_engine::Location::File(server.store_path.clone()), Source::locate().unwrap());
    // Kept between runs (and shared with the CLI's tests of `asl serve`): the cold build is
    // paid once per checkout.
    config.target_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("asl-serve-workers/target");
    let cold = !config.target_dir.exists();
    // Builds and bindings without AWS: a callback waits for its token, a Lambda is unbound.
    config.integrations = false;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let supervisor = tokio::spawn(Supervisor::new(store, config).run(async { let _ = stopped.await; }));

    // Cold: the first definition builds the worker.
    let (hello, created) = server.create("hello", HELLO);
    let first = server.start(&hello, r#"{"name": "world"}"#);
    let entered = server.first_state(&first, BUILD_LIMIT).await;
    let done = server.ended(&first, Duration::from_secs(30)).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(serde_json::from_str::<Value>(done["output"].as_str().unwrap()).unwrap(), serde_json::json!({"greeting": "hello world"}));
    println!(
        "asl serve: CreateStateMachine → first state: {:.1} s ({}, target/tmp/asl-serve-workers)",
        (entered - created).as_secs_f64(),
        if cold { "cold: empty build directory" } else { "build directory kept from an earlier run" },
    );

    // Warm: one more definition. A Task with no binding fails with a cause saying how to bind it.
    let (unbound, created) = server.create("unbound", UNBOUND);
    let run = server.start(&unbound, "{}");
    let entered = server.first_state(&run, BUILD_LIMIT).await;
    println!("asl serve: CreateStateMachine → first state: {:.1} s (warm: one more definition)", (entered - created).as_secs_f64());
    let done = server.ended(&run, Duration::from_secs(30)).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(done["error"], "States.Runtime");
    let cause = done["cause"].as_str().unwrap();
    assert!(cause.contains("'Charge'") && cause.contains("arn:aws:lambda:us-east-1:123456789012:function:charge") && cause.contains("--mock-config"), "{cause}");

    // A callback waits for its token, answered through the API from this process.
    let (callback, _) = server.create("callback", CALLBACK);
    let run = server.start(&callback, "{}");
    let token = loop {
        let scheduled = server.history(&run).into_iter().find(|e| e["type"] == "TaskScheduled");
        if let Some(e) = scheduled {
            let parameters: Value = serde_json::from_str(e["taskScheduledEventDetails"]["parameters"].as_str().unwrap()).unwrap();
            break parameters["MessageBody"]["token"].as_str().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(server.engine.describe_execution(&run).unwrap()["status"], "RUNNING");
    server.engine.send_task_success(&token, r#"{"approved": true}"#).unwrap();
    let done = server.ended(&run, Duration::from_secs(30)).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["output"], r#"{"approved":true}"#);

    // A definition the code generator cannot compile fails its executions, naming why.
    let (broken, _) = server.create("broken", UNCOMPILABLE);
    let run = server.start(&broken, "[1, 2, 3]");
    let done = server.ended(&run, Duration::from_secs(30)).await;
    assert_eq!(done["status"], "FAILED", "{done}");
    assert!(done["cause"].as_str().unwrap().contains("does not compile to Rust"), "{done}");
    assert_eq!(server.history(&run).last().unwrap()["type"], "ExecutionFailed");

    // An update leaves the running execution on the definition it started with.
    let (machine, _) = server.create("versioned", &versioned("v1"));
    let before = server.start(&machine, "{}");
    server.first_state(&before, Duration::from_secs(60)).await;
    server.engine.update_state_machine(&machine, Some(&versioned("v2")), None).unwrap();
    let after = server.start(&machine, "{}");
    let (before, after) = (server.ended(&before, Duration::from_secs(60)).await, server.ended(&after, Duration::from_secs(60)).await);
    assert_eq!((before["output"].as_str(), after["output"].as_str()), (Some(r#""v1""#), Some(r#""v2""#)), "{before}\n{after}");

    // The first machine is still served by the newest worker.
    let again = server.start(&hello, r#"{"name": "again"}"#);
    assert_eq!(server.ended(&again, Duration::from_secs(30)).await["status"], "SUCCEEDED");
    let _ = stop.send(());
    supervisor.await.unwrap();
}
