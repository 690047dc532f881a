//! Human approval, durably: the execution stops at a `.waitForTaskToken` Task and waits in the
//! store (an SQLite file) until someone answers; the process may end meanwhile.
//!
//! ```sh
//! cargo run -p asl-examples --bin approval -- start              # prints the task token
//! cargo run -p asl-examples --bin approval -- approve TOKEN ann  # or: reject TOKEN "too expensive"
//! ```
//!
//! The answer can also come from the `asl` command, as it would from `aws stepfunctions`:
//! `asl send-task-success --task-token TOKEN --task-output '{"approver": "ann"}'`; then
//! `approval resume` (or any worker serving the workflow) finishes the execution.
//! The store is `$ASL_STORE`, else `.asl/store.db`, the `asl` command's default.

use asl_engine::{Engine, MachineType, SqliteStore, Store, Worker};
use asl_runtime::{Failure, TaskContext, Value};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

mod approval {
    asl_macro::asl!("workflows/approval.json");
}

/// The services behind the two Task states.
struct Services {
    /// Told when an approval request went out, so `start` can end.
    requested: Arc<tokio::sync::Notify>,
}

impl approval::Tasks for Services {
    async fn request_approval(&self, input: Value, context: TaskContext) -> Result<Value, Failure> {
        let body = &input["MessageBody"];
        println!("Approval requested for order {} ({}).", body["orderId"], body["amount"]);
        println!("  task token: {}", body["taskToken"].as_str().unwrap_or_default());
        println!("  idempotency key of this request: {}", context.idempotency_key);
        self.requested.notify_one();
        Ok(json!({ "MessageId": "approval-request-1" }))
    }

    async fn ship_order(&self, input: Value, _context: TaskContext) -> Result<Value, Failure> {
        println!("Shipping order {} (approved by {}).", input["orderId"], input["approvedBy"]);
        Ok(json!({ "trackingId": format!("TRK-{}", input["orderId"].as_str().unwrap_or("?")) }))
    }
}

const TICK: Duration = Duration::from_millis(50);

fn store() -> Result<Arc<dyn Store>, String> {
    let path = std::env::var_os("ASL_STORE").map(std::path::PathBuf::from).unwrap_or_else(|| ".asl/store.db".into());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let store = SqliteStore::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Arc::new(store))
}

fn worker(store: Arc<dyn Store>, requested: Arc<tokio::sync::Notify>) -> Worker {
    let mut worker = Worker::new(store);
    worker.serve::<approval::Workflow, _>(approval::Typed(Services { requested }));
    worker
}

/// Completes when execution `arn` is no longer RUNNING.
async fn ended(engine: &Engine, arn: &str) {
    while engine.describe_execution(arn).is_ok_and(|d| d["status"] == "RUNNING") {
        tokio::time::sleep(TICK).await;
    }
}

fn print_outcome(engine: &Engine, arn: &str) -> Result<(), String> {
    let d = engine.describe_execution(arn).map_err(|e| e.to_string())?;
    println!("\nExecution {}: {}", d["name"].as_str().unwrap_or_default(), d["status"].as_str().unwrap_or_default());
    for key in ["output", "error", "cause"] {
        if let Some(v) = d[key].as_str() {
            println!("  {key}: {v}");
        }
    }
    println!("\nHistory (asl get-execution-history --execution-arn {arn}):");
    let history = engine.get_execution_history(arn, false, 1000, None).map_err(|e| e.to_string())?;
    for e in history["events"].as_array().into_iter().flatten() {
        let details = e.as_object().and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v.to_string()));
        let mut details = details.unwrap_or_default();
        if details.len() > 90 {
            details = format!("{}…", details.chars().take(90).collect::<String>());
        }
        let (id, previous) = (e["id"].as_u64().unwrap_or(0), e["previousEventId"].as_u64().unwrap_or(0));
        println!("  {id:>3} {previous:>3}  {:<24} {details}", e["type"].as_str().unwrap_or_default());
    }
    Ok(())
}

async fn start(order_id: &str) -> Result<(), String> {
    let store = store()?;
    let engine = Engine::new(store.clone());
    engine.create_state_machine("approval", approval::DEFINITION, MachineType::Standard, None).map_err(|e| e.to_string())?;
    let input = json!({ "orderId": order_id, "amount": 1250 }).to_string();
    let started = engine.start_execution("approval", None, Some(&input)).map_err(|e| e.to_string())?;
    let arn = started["executionArn"].as_str().unwrap_or_default().to_string();
    println!("Started {arn}");
    let requested = Arc::new(tokio::sync::Notify::new());
    let w = worker(store, requested.clone());
    // Serve until the request is out; the execution then waits in the store, not in memory.
    w.run(TICK, requested.notified()).await;
    println!("\nThe execution now waits for an answer. Approve or reject it with");
    println!("  cargo run -p asl-examples --bin approval -- approve TOKEN [APPROVER]");
    println!("  cargo run -p asl-examples --bin approval -- reject TOKEN [REASON]");
    Ok(())
}

async fn answer(token: &str, approve: bool, who_or_why: &str) -> Result<(), String> {
    let store = store()?;
    let record = store.token(token).map_err(|e| e.to_string())?.ok_or("TaskDoesNotExist: Provided task does not exist")?;
    let w = worker(store.clone(), Arc::default());
    let engine = Engine::new(store).with_answers(w.answers());
    let sent = match approve {
        true => engine.send_task_success(token, &json!({ "approver": who_or_why }).to_string()),
        false => engine.send_task_failure(token, Some("Rejected"), Some(who_or_why)),
    };
    sent.map_err(|e| e.to_string())?;
    w.run(TICK, ended(&engine, &record.execution_arn)).await;
    print_outcome(&engine, &record.execution_arn)
}

/// Finishes every approval execution whose answer came from elsewhere (`asl send-task-*`).
async fn resume() -> Result<(), String> {
    let store = store()?;
    let w = worker(store.clone(), Arc::default());
    let engine = Engine::new(store).with_answers(w.answers());
    let running = engine.list_executions("approval", Some("RUNNING"), 100, None).map_err(|e| e.to_string())?;
    for e in running["executions"].as_array().into_iter().flatten() {
        let arn = e["executionArn"].as_str().unwrap_or_default();
        // An execution still waiting for its answer is left to wait.
        let waiting = tokio::time::sleep(Duration::from_secs(2));
        w.run(TICK, async { tokio::select! { () = waiting => {}, () = ended(&engine, arn) => {} } }).await;
        print_outcome(&engine, arn)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["start"] => start("order-42").await,
        ["start", order] => start(order).await,
        ["approve", token] => answer(token, true, "ann").await,
        ["approve", token, approver] => answer(token, true, approver).await,
        ["reject", token] => answer(token, false, "no reason given").await,
        ["reject", token, reason] => answer(token, false, reason).await,
        ["resume"] => resume().await,
        _ => Err("usage: approval start [ORDER] | approve TOKEN [APPROVER] | reject TOKEN [REASON] | resume".into()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("approval: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
