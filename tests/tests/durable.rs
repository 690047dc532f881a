//! Durable executions through the engine: a worker runs Standard executions from the store,
//! with AWS-shaped history, resumes them after a crash without redoing finished Tasks, and
//! pauses `.waitForTaskToken` Tasks until an answer is sent for the token. On tokio's paused
//! clock, so waits, heartbeats and timeouts take no real time.

use asl_engine::{Engine, MachineType, MemoryStore, Store, Worker};
use asl_runtime::{Failure, TaskCall, TaskHandler, Value};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod durable_order { asl_macro::asl!("workflows/durable_order.json"); }
mod approval { asl_macro::asl!("workflows/approval.json"); }

const TICK: Duration = Duration::from_millis(20);

/// Answers Charge and Ship (busy on its first call); counts calls per idempotency key.
#[derive(Default)]
struct Shop {
    calls: Mutex<Vec<String>>,
}

impl Shop {
    fn calls_of(&self, state: &str) -> usize {
        self.calls.lock().unwrap().iter().filter(|k| k.contains(&format!("/{state}/"))).count()
    }
}

impl TaskHandler for Shop {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        self.calls.lock().unwrap().push(call.context.idempotency_key.clone());
        match (call.state, call.context.attempt) {
            ("Charge", _) => Ok(json!({ "charged": call.input["total"] })),
            ("Ship", 0) => Err(Failure::new("Ship.Busy", "try later")),
            ("Ship", _) => Ok(json!({ "Payload": "TRACK-1" })),
            (other, _) => Err(Failure::bare(format!("unexpected {other}"))),
        }
    }
}

fn engine() -> (Engine, Arc<dyn Store>) {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    (Engine::new(store.clone()), store)
}

/// StartExecution; the new execution's ARN.
fn start(engine: &Engine, machine: &str, name: Option<&str>, input: Option<&str>) -> String {
    engine.start_execution(machine, name, input).unwrap()["executionArn"].as_str().unwrap().to_string()
}

fn status(engine: &Engine, arn: &str) -> String {
    engine.describe_execution(arn).unwrap()["status"].as_str().unwrap().to_string()
}

fn history(engine: &Engine, arn: &str) -> Vec<Value> {
    engine.get_execution_history(arn, false, 1000, None).unwrap()["events"].as_array().unwrap().clone()
}

fn kinds(events: &[Value]) -> Vec<String> {
    events.iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(start_paused = true)]
async fn a_standard_execution_runs_from_the_store_with_aws_shaped_history() {
    let (engine, store) = engine();
    engine.create_state_machine("order", durable_order::DEFINITION, MachineType::Standard, None).unwrap();
    let started = engine.start_execution("order", Some("o-1"), Some(r#"{"total": 30}"#)).unwrap();
    let arn = started["executionArn"].as_str().unwrap().to_string();
    assert_eq!(arn, "arn:aws:states:local:000000000000:execution:order:o-1");
    assert_eq!(status(&engine, &arn), "RUNNING");

    let mut worker = Worker::named(store, "w1");
    worker.serve::<durable_order::Workflow, _>(Shop::default());
    worker.run_until_idle(TICK).await.unwrap();

    let d = engine.describe_execution(&arn).unwrap();
    assert_eq!(d["status"], "SUCCEEDED");
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(output, json!({ "total": 30, "charge": { "charged": 30 }, "mark": "marked", "ship": { "tracking": "TRACK-1" } }));

    let events = history(&engine, &arn);
    assert_eq!(
        kinds(&events),
        [
            "ExecutionStarted",
            "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
            "WaitStateEntered", "WaitStateExited",
            "PassStateEntered", "PassStateExited",
            "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "SucceedStateEntered", "SucceedStateExited",
            "ExecutionSucceeded",
        ]
    );
    // Ids from 1 with no gap; each event points at the one before, except the first state's
    // …Entered, which AWS links to 0.
    for (i, e) in events.iter().enumerate() {
        let id = i as u64 + 1;
        assert_eq!(e["id"], id);
        let previous = if id <= 2 { 0 } else { id - 1 };
        assert_eq!(e["previousEventId"], previous, "event {e}");
    }
    assert_eq!(events[11]["taskScheduledEventDetails"]["resourceType"], "lambda");
    assert_eq!(events[11]["taskScheduledEventDetails"]["resource"], "invoke");
    assert_eq!(events[13]["taskFailedEventDetails"], json!({ "error": "Ship.Busy", "cause": "try later", "resourceType": "lambda", "resource": "invoke" }));
    assert_eq!(events[2]["lambdaFunctionScheduledEventDetails"]["input"], r#"{"total":30}"#);
    let last: Value = serde_json::from_str(events[20]["executionSucceededEventDetails"]["output"].as_str().unwrap()).unwrap();
    assert_eq!(last, output);

    // Reverse order and paging.
    let reversed = engine.get_execution_history(&arn, true, 5, None).unwrap();
    assert_eq!(reversed["events"][0]["type"], "ExecutionSucceeded");
    assert!(reversed["nextToken"].is_string());
}

#[tokio::test(start_paused = true)]
async fn a_run_abandoned_mid_way_resumes_in_another_worker_without_redoing_tasks() {
    let (engine, store) = engine();
    engine.create_state_machine("order", durable_order::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "order", Some("o-2"), Some(r#"{"total": 5}"#));

    let shop = Arc::new(Shop::default());
    // One clock for both "processes", as the wall clock is in production: on the paused
    // clock, virtual time does not move the wall clock.
    let clock = asl_runtime::TokioClock::new();
    let mut first = Worker::named(store.clone(), "first").with_lease(Duration::from_millis(200)).with_clock(clock.clone());
    first.serve::<durable_order::Workflow, _>(shop.clone());
    first.tick().unwrap();
    // Let it charge and enter the five-second Wait, then "kill" it.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(shop.calls_of("Charge"), 1);
    assert_eq!(status(&engine, &arn), "RUNNING");
    first.abandon();
    assert!(kinds(&history(&engine, &arn)).contains(&"WaitStateEntered".to_string()), "the Wait shows in the history while it waits");

    let mut second = Worker::named(store.clone(), "second").with_clock(clock);
    second.serve::<durable_order::Workflow, _>(shop.clone());
    // The first worker's claim still holds: nothing to take yet.
    assert_eq!(second.tick().unwrap(), 0);
    std::thread::sleep(Duration::from_millis(250)); // the lease is wall-clock time
    let resumed_at = tokio::time::Instant::now();
    second.run_until_idle(TICK).await.unwrap();

    assert_eq!(status(&engine, &arn), "SUCCEEDED");
    assert_eq!(shop.calls_of("Charge"), 1, "the finished Task is not run again");
    assert_eq!(shop.calls_of("Ship"), 2, "one failure, one retry");
    // The Wait fires when it was due (5 s after it began, 2 s before the takeover: 3 s
    // on), not 5 s after the restart; then the 2 s backoff of Ship's retry.
    let waited = resumed_at.elapsed();
    assert!(waited >= Duration::from_millis(4900) && waited < Duration::from_millis(5500), "resumed run took {waited:?}");
    // No event is lost or written twice across the takeover.
    let events = history(&engine, &arn);
    let ids: Vec<u64> = events.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=21).collect::<Vec<_>>());
}

/// Hands tokens out (as a queue would) and records them.
#[derive(Default, Clone)]
struct Outbox {
    tokens: Arc<Mutex<Vec<String>>>,
}

impl TaskHandler for Outbox {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        let token = call.input["MessageBody"]["token"].as_str().unwrap_or_default().to_string();
        assert_eq!(call.context.task_token.as_deref(), Some(token.as_str()), "$$.Task.Token is the token the runtime waits on");
        self.tokens.lock().unwrap().push(token);
        Ok(json!({ "MessageId": "m-1" }))
    }
}

struct Approval {
    engine: Engine,
    arn: String,
    outbox: Outbox,
    worker: Arc<Worker>,
    serving: tokio::task::JoinHandle<()>,
}

impl Approval {
    async fn start(name: &str) -> Approval {
        let (engine, store) = engine();
        engine.create_state_machine("approval", approval::DEFINITION, MachineType::Standard, None).unwrap();
        let arn = start(&engine, "approval", Some(name), Some(r#"{"order": 42}"#));
        let outbox = Outbox::default();
        let mut worker = Worker::named(store, "w").with_poll(Duration::from_secs(1));
        worker.serve::<approval::Workflow, _>(outbox.clone());
        let worker = Arc::new(worker);
        let engine = engine.with_answers(worker.answers());
        let w = worker.clone();
        let serving = tokio::spawn(async move { w.run(TICK, std::future::pending()).await });
        Approval { engine, arn, outbox, worker, serving }
    }

    async fn token(&self) -> String {
        for _ in 0..500 {
            if let Some(t) = self.outbox.tokens.lock().unwrap().first() {
                return t.clone();
            }
            tokio::time::sleep(TICK).await;
        }
        panic!("no token was handed out");
    }

    async fn ended(&self) -> Value {
        for _ in 0..100_000 {
            let d = self.engine.describe_execution(&self.arn).unwrap();
            if d["status"] != "RUNNING" {
                self.serving.abort();
                let _ = self.worker.in_flight();
                return d;
            }
            tokio::time::sleep(TICK).await;
        }
        panic!("the execution did not end");
    }
}

#[tokio::test(start_paused = true)]
async fn send_task_success_resumes_the_waiting_task() {
    let a = Approval::start("ok").await;
    let token = a.token().await;
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(status(&a.engine, &a.arn), "RUNNING", "the task waits for its token");
    // While it waits, the history already shows the request went out.
    assert_eq!(kinds(&history(&a.engine, &a.arn)), ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted"]);
    // An opaque secret: nothing of the execution, state or attempt can be read from it.
    assert!(token.len() >= 43 && !token.contains(a.arn.as_str()) && !token.contains("RequestApproval"), "{token}");
    a.engine.send_task_success(&token, r#"{"by": "ann"}"#).unwrap();
    let d = a.ended().await;
    assert_eq!(d["status"], "SUCCEEDED");
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(output, json!({ "order": 42, "approval": { "by": "ann" }, "decision": "approved" }));
    let events = history(&a.engine, &a.arn);
    let k = kinds(&events);
    assert_eq!(&k[1..6], ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]);
    assert_eq!(events[4]["taskSubmittedEventDetails"]["output"], r#"{"MessageId":"m-1"}"#);
    assert_eq!(events[4]["taskSubmittedEventDetails"]["resource"], "sendMessage.waitForTaskToken");
    // A token answers once: AWS's TaskTimedOut for a second answer, TaskDoesNotExist for one never issued.
    assert_eq!(a.engine.send_task_success(&token, "{}").unwrap_err().code, "TaskTimedOut");
    assert_eq!(a.engine.send_task_failure(&token, None, None).unwrap_err().code, "TaskTimedOut");
    assert_eq!(a.engine.send_task_heartbeat(&token).unwrap_err().code, "TaskTimedOut");
    assert_eq!(a.engine.send_task_success("no-such-token", "{}").unwrap_err().code, "TaskDoesNotExist");
    assert_eq!(a.engine.send_task_success(&token, "not json").unwrap_err().code, "InvalidOutput");
}

#[tokio::test(start_paused = true)]
async fn send_task_failure_fails_the_task_with_the_error_sent() {
    let a = Approval::start("no").await;
    let token = a.token().await;
    a.engine.send_task_failure(&token, Some("Rejected"), Some("too expensive")).unwrap();
    let d = a.ended().await;
    // Caught by the Catcher for "Rejected", which goes to the Fail state.
    assert_eq!(d["status"], "FAILED");
    assert_eq!(d["error"], "OrderRejected");
    let k = kinds(&history(&a.engine, &a.arn));
    assert!(k.contains(&"TaskFailed".to_string()) && k.ends_with(&["FailStateEntered".to_string(), "ExecutionFailed".to_string()]), "{k:?}");
}

/// Interruption is a type only a journal produces: a failure sent with the error name that
/// `run` reports for an interrupted run fails the task like any other error, and the execution
/// ends instead of being left to another worker.
#[tokio::test(start_paused = true)]
async fn no_error_name_sent_for_a_token_interrupts_the_run() {
    let a = Approval::start("forged").await;
    let token = a.token().await;
    a.engine.send_task_failure(&token, Some(asl_runtime::flow::INTERRUPTED_ERROR), Some("sent by a person")).unwrap();
    let d = a.ended().await;
    assert_eq!(d["status"], "FAILED");
    assert_eq!(d["error"], asl_runtime::flow::INTERRUPTED_ERROR);
    assert_eq!(d["cause"], "sent by a person");
    let k = kinds(&history(&a.engine, &a.arn));
    assert!(k.ends_with(&["TaskFailed".to_string(), "ExecutionFailed".to_string()]), "{k:?}");
}

#[tokio::test(start_paused = true)]
async fn a_task_without_heartbeats_times_out_after_heartbeat_seconds() {
    let a = Approval::start("silent").await;
    let token = a.token().await;
    let since = tokio::time::Instant::now();
    let d = a.ended().await;
    assert_eq!(d["status"], "FAILED");
    assert_eq!(d["error"], "States.Timeout");
    let waited = since.elapsed();
    assert!(waited >= Duration::from_secs(59) && waited <= Duration::from_secs(62), "{waited:?}");
    assert!(kinds(&history(&a.engine, &a.arn)).contains(&"TaskTimedOut".to_string()));
    // The wait is over: a late answer is refused, as AWS refuses it.
    assert_eq!(a.engine.send_task_success(&token, "{}").unwrap_err().code, "TaskTimedOut");
    // No error name is special: the one `run` gives an interrupted run is a late answer too.
    assert_eq!(a.engine.send_task_failure(&token, Some(asl_runtime::flow::INTERRUPTED_ERROR), None).unwrap_err().code, "TaskTimedOut");
}

#[tokio::test(start_paused = true)]
async fn a_redriven_callback_hands_out_a_new_token() {
    let a = Approval::start("again").await;
    let first = a.token().await;
    let d = a.ended().await; // no heartbeat: States.Timeout after 60 s
    assert_eq!(d["error"], "States.Timeout");
    a.engine.redrive_execution(&a.arn).unwrap();
    let w = a.worker.clone();
    let serving = tokio::spawn(async move { w.run(TICK, std::future::pending()).await });
    let second = loop {
        if let Some(t) = a.outbox.tokens.lock().unwrap().get(1).cloned() {
            break t;
        }
        tokio::time::sleep(TICK).await;
    };
    assert_ne!(first, second, "the redriven attempt has a token of its own");
    assert_eq!(a.engine.send_task_success(&first, "{}").unwrap_err().code, "TaskTimedOut");
    a.engine.send_task_success(&second, r#"{"by": "bea"}"#).unwrap();
    while status(&a.engine, &a.arn) == "RUNNING" {
        tokio::time::sleep(TICK).await;
    }
    serving.abort();
    let d = a.engine.describe_execution(&a.arn).unwrap();
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(d["redriveCount"], 1);
    let k = kinds(&history(&a.engine, &a.arn));
    let redriven = k.iter().position(|e| e == "ExecutionRedriven").unwrap();
    assert_eq!(k[redriven + 1], "TaskStateEntered");
}

#[tokio::test(start_paused = true)]
async fn heartbeats_keep_the_task_alive_until_timeout_seconds() {
    let a = Approval::start("beating").await;
    let token = a.token().await;
    let since = tokio::time::Instant::now();
    // A heartbeat every 40 s (HeartbeatSeconds is 60): the task lives on until its
    // TimeoutSeconds (600) ends it.
    let beats = {
        let engine = a.engine.clone();
        let token = token.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(40)).await;
                if engine.send_task_heartbeat(&token).is_err() {
                    return;
                }
            }
        })
    };
    let d = a.ended().await;
    beats.abort();
    assert_eq!(d["status"], "FAILED");
    assert_eq!(d["error"], "States.Timeout");
    let waited = since.elapsed();
    assert!(waited >= Duration::from_secs(599) && waited <= Duration::from_secs(602), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn a_stopped_execution_is_aborted_and_its_token_closed() {
    let a = Approval::start("stop").await;
    let token = a.token().await;
    a.engine.stop_execution(&a.arn, Some("Cancelled"), Some("by the test")).unwrap();
    let d = a.ended().await;
    assert_eq!(d["status"], "ABORTED");
    assert_eq!(d["error"], "Cancelled");
    assert_eq!(a.engine.send_task_success(&token, "{}").unwrap_err().code, "TaskTimedOut");
    let events = history(&a.engine, &a.arn);
    assert_eq!(events.last().unwrap()["type"], "ExecutionAborted");
    assert_eq!(events.last().unwrap()["executionAbortedEventDetails"], json!({ "error": "Cancelled", "cause": "by the test" }));
}

#[tokio::test(start_paused = true)]
async fn start_execution_is_idempotent_on_name_and_input() {
    let (engine, _) = engine();
    engine.create_state_machine("approval", approval::DEFINITION, MachineType::Standard, None).unwrap();
    let a = engine.start_execution("approval", Some("same"), Some(r#"{"order": 1}"#)).unwrap();
    let b = engine.start_execution("approval", Some("same"), Some(r#"{"order": 1}"#)).unwrap();
    assert_eq!(a, b);
    let e = engine.start_execution("approval", Some("same"), Some(r#"{"order": 2}"#)).unwrap_err();
    assert_eq!(e.code, "ExecutionAlreadyExists");
    assert_eq!(engine.start_execution("nope", None, None).unwrap_err().code, "StateMachineDoesNotExist");
    assert_eq!(engine.start_execution("approval", Some("bad name"), None).unwrap_err().code, "InvalidName");
    assert_eq!(engine.start_execution("approval", None, Some("{")).unwrap_err().code, "InvalidExecutionInput");
    // Express machines cannot wait for task tokens (AWS rejects them at creation).
    let e = engine.create_state_machine("fast", approval::DEFINITION, MachineType::Express, None).unwrap_err();
    assert_eq!(e.code, "InvalidDefinition");
    assert!(
        e.message.contains("Express state machine does not support '.waitForTaskToken' service integration  at /States/RequestApproval/Resource"),
        "{}",
        e.message
    );
    let e = engine.create_state_machine("broken", r#"{"StartAt": "A", "States": {}}"#, MachineType::Standard, None).unwrap_err();
    assert_eq!(e.code, "InvalidDefinition");
    assert!(e.message.contains("broken:1:"), "{}", e.message);
}

#[tokio::test(start_paused = true)]
async fn a_worker_serves_only_machines_registered_with_its_definition() {
    let (engine, store) = engine();
    // Registered under another name and with a different definition than the compiled one.
    let other = durable_order::DEFINITION.replace("\"Seconds\": 5", "\"Seconds\": 6");
    engine.create_state_machine("changed", &other, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "changed", None, None);
    let mut worker = Worker::named(store, "w");
    worker.serve::<durable_order::Workflow, _>(Shop::default());
    assert_eq!(worker.tick().unwrap(), 0);
    assert_eq!(status(&engine, &arn), "RUNNING");
}

mod activity { asl_macro::asl!("workflows/activity.json"); }

/// Waits (on the paused clock) until `arn` is no longer RUNNING while `worker` serves.
async fn serve_until_ended(engine: &Engine, worker: &Worker, arn: &str) -> Value {
    serve_until_ended_every(engine, worker, arn, TICK).await
}

/// [`serve_until_ended`], looking (and letting the worker tick) every `every` of virtual time.
async fn serve_until_ended_every(engine: &Engine, worker: &Worker, arn: &str, every: Duration) -> Value {
    let ended = async {
        while status(engine, arn) == "RUNNING" {
            tokio::time::sleep(every).await;
        }
    };
    worker.run(every, ended).await;
    engine.describe_execution(arn).unwrap()
}

#[tokio::test(start_paused = true)]
async fn an_activity_task_is_fetched_and_answered_by_an_activity_worker() {
    let (engine, store) = engine();
    engine.create_state_machine("review", activity::DEFINITION, MachineType::Standard, None).unwrap();
    // Created here, it has a local ARN; the definition names it with an AWS account's ARN.
    let created = engine.create_activity("Review").unwrap();
    assert_eq!(created["activityArn"], "arn:aws:states:local:000000000000:activity:Review");
    let arn = start(&engine, "review", Some("r1"), Some(r#"{"doc": "d-9"}"#));
    let mut worker = Worker::named(store, "w");
    worker.serve::<activity::Workflow, _>(());
    let worker = Arc::new(worker);
    let engine = engine.with_answers(worker.answers());
    let activity_arn = "arn:aws:states:us-east-1:123456789012:activity:Review";
    let polling = {
        let (engine, arn) = (engine.clone(), arn.clone());
        tokio::spawn(async move {
            // An activity worker polls GetActivityTask until a task is there.
            loop {
                let task = engine.get_activity_task(activity_arn, Some("reviewer-1")).unwrap();
                if let Some(token) = task["taskToken"].as_str() {
                    let input: Value = serde_json::from_str(task["input"].as_str().unwrap()).unwrap();
                    assert_eq!(input, json!({ "doc": "d-9" }));
                    // While the worker works on it, the history shows who started it.
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    let events = history(&engine, &arn);
                    let started = events.iter().find(|e| e["type"] == "ActivityStarted").expect("ActivityStarted while the worker works");
                    assert_eq!(started["activityStartedEventDetails"], json!({ "workerName": "reviewer-1" }));
                    engine.send_task_success(token, r#"{"verdict": "fine"}"#).unwrap();
                    return;
                }
                // Offered, not taken: scheduled, not started.
                let k = kinds(&history(&engine, &arn));
                assert!(!k.contains(&"ActivityStarted".to_string()), "{k:?}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let d = serve_until_ended(&engine, &worker, &arn).await;
    polling.await.unwrap();
    assert_eq!(d["status"], "SUCCEEDED");
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["review"], json!({ "verdict": "fine" }));
    let events = history(&engine, &arn);
    assert_eq!(kinds(&events)[1..5], ["TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]);
    let ids: Vec<u64> = events.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    assert_eq!(engine.get_activity_task(activity_arn, None).unwrap(), json!({}), "no task left");
    assert_eq!(engine.get_activity_task("arn:aws:states:local:000000000000:activity:Review", None).unwrap(), json!({}));
    assert_eq!(engine.get_activity_task("arn:aws:states:local:000000000000:activity:Nope", None).unwrap_err().code, "ActivityDoesNotExist");
}

/// A worker that takes the task and answers it before the execution looks again: the history
/// still has ActivityStarted (without a name, none was given) before ActivitySucceeded.
#[tokio::test(start_paused = true)]
async fn an_activity_taken_and_answered_at_once_is_still_started_first() {
    let (engine, store) = engine();
    engine.create_state_machine("review", activity::DEFINITION, MachineType::Standard, None).unwrap();
    engine.create_activity("Review").unwrap();
    let arn = start(&engine, "review", Some("r2"), Some(r#"{"doc": "d-1"}"#));
    let mut worker = Worker::named(store, "w").with_poll(Duration::from_secs(5));
    worker.serve::<activity::Workflow, _>(());
    let worker = Arc::new(worker);
    let serving = tokio::spawn({
        let w = worker.clone();
        async move { w.run(TICK, std::future::pending()).await }
    });
    let token = loop {
        if let Some(t) = engine.get_activity_task("Review", None).unwrap()["taskToken"].as_str() {
            break t.to_string();
        }
        tokio::time::sleep(TICK).await;
    };
    // No in-process wake-up (this engine has no answers handle): the wait sees both at its next look.
    engine.send_task_success(&token, r#"{"verdict": "quick"}"#).unwrap();
    while status(&engine, &arn) == "RUNNING" {
        tokio::time::sleep(TICK).await;
    }
    serving.abort();
    let events = history(&engine, &arn);
    assert_eq!(kinds(&events)[1..5], ["TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]);
    assert_eq!(events[3]["activityStartedEventDetails"], json!({}));
}

#[tokio::test(start_paused = true)]
async fn a_task_on_a_missing_activity_fails_the_execution_as_aws_does() {
    let (engine, store) = engine();
    engine.create_state_machine("review", activity::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "review", Some("r2"), Some(r#"{"doc": "d-1"}"#));
    let mut worker = Worker::named(store, "w");
    worker.serve::<activity::Workflow, _>(());
    let d = serve_until_ended(&engine, &worker, &arn).await;
    // As AWS recorded it (conformance case activities/test_activity_task_on_deleted).
    assert_eq!(d["error"], "States.Runtime");
    assert_eq!(
        d["cause"],
        "An error occurred while executing the state 'Review' (entered at the event id #2). The activity arn:aws:states:us-east-1:123456789012:activity:Review does not exist."
    );
    assert_eq!(kinds(&history(&engine, &arn)), ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"]);
}

/// Charge succeeds; Ship fails with a non-retried error until `ship_works` is set.
#[derive(Default)]
struct Outage {
    ship_works: std::sync::atomic::AtomicBool,
    calls: Mutex<Vec<String>>,
}

impl TaskHandler for Outage {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        self.calls.lock().unwrap().push(call.state.to_string());
        match call.state {
            "Charge" => Ok(json!({ "charged": true })),
            _ if self.ship_works.load(std::sync::atomic::Ordering::SeqCst) => Ok(json!({ "Payload": "TRACK-2" })),
            _ => Err(Failure::new("Ship.Down", "the carrier is down")),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_redriven_execution_runs_on_from_the_state_that_failed() {
    let (engine, store) = engine();
    engine.create_state_machine("order", durable_order::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "order", Some("o-3"), Some(r#"{"total": 1}"#));
    let outage = Arc::new(Outage::default());
    let mut worker = Worker::named(store, "w");
    worker.serve::<durable_order::Workflow, _>(outage.clone());
    let d = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("Ship.Down")));
    assert_eq!(d["redriveStatus"], "REDRIVABLE");
    let failed_history = history(&engine, &arn).len();

    outage.ship_works.store(true, std::sync::atomic::Ordering::SeqCst);
    engine.redrive_execution(&arn).unwrap();
    assert_eq!(status(&engine, &arn), "RUNNING");
    let d = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(d["redriveCount"], 1);
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["ship"], json!({ "tracking": "TRACK-2" }));
    // Charge and the Wait are not run again; Ship runs again from its first attempt.
    assert_eq!(*outage.calls.lock().unwrap(), ["Charge", "Ship", "Ship"]);
    let events = history(&engine, &arn);
    let k = kinds(&events);
    assert_eq!(k[failed_history - 1], "ExecutionFailed");
    assert_eq!(k[failed_history], "ExecutionRedriven");
    // Ship is entered afresh; Charge and the Wait before it are not run again.
    assert_eq!(k[failed_history + 1], "TaskStateEntered");
    assert_eq!(k.last().unwrap(), "ExecutionSucceeded");
    let ids: Vec<u64> = events.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    // A succeeded execution cannot be redriven.
    assert_eq!(engine.redrive_execution(&arn).unwrap_err().code, "ExecutionNotRedrivable");
}

mod redrive_fanout { asl_macro::asl!("workflows/redrive_fanout.json"); }

/// Work fails on the item "bad" until `work_fixed`; Right fails (after a second, so Left has
/// ended) until `right_fixed`. Every call is logged as `state(input)`.
#[derive(Default)]
struct Flaky {
    work_fixed: std::sync::atomic::AtomicBool,
    right_fixed: std::sync::atomic::AtomicBool,
    /// Work on "bad" hangs (for an hour) instead of failing.
    hang: std::sync::atomic::AtomicBool,
    calls: Mutex<Vec<String>>,
}

impl TaskHandler for Flaky {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        use std::sync::atomic::Ordering::SeqCst;
        self.calls.lock().unwrap().push(format!("{}({})", call.state, call.input));
        match call.state {
            "Work" if call.input == json!("bad") && !self.work_fixed.load(SeqCst) => {
                if self.hang.load(SeqCst) {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
                Err(Failure::new("Work.Down", "bad item"))
            }
            "Work" => Ok(json!(format!("did {}", call.input.as_str().unwrap_or("?")))),
            "Left" => Ok(json!("left")),
            _ if !self.right_fixed.load(SeqCst) => {
                tokio::time::sleep(Duration::from_secs(1)).await;
                Err(Failure::new("Right.Down", "right is down"))
            }
            _ => Ok(json!("right")),
        }
    }
}

/// An execution `name` of redrive_fanout over the items a, b, bad, c, started.
fn fanout(name: &str) -> (Engine, Arc<dyn Store>, String) {
    let (engine, store) = engine();
    engine.create_state_machine("fanout", redrive_fanout::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "fanout", Some(name), Some(r#"{"items": ["a", "b", "bad", "c"]}"#));
    (engine, store, arn)
}

#[tokio::test(start_paused = true)]
async fn a_redrive_runs_only_the_map_iterations_and_parallel_branches_that_failed() {
    use std::sync::atomic::Ordering::SeqCst;
    let (engine, store, arn) = fanout("f-1");
    let flaky = Arc::new(Flaky::default());
    let calls_since = |n: usize| flaky.calls.lock().unwrap()[n..].to_vec();
    let mut worker = Worker::named(store, "w");
    worker.serve::<redrive_fanout::Workflow, _>(flaky.clone());
    let d = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("Work.Down")));
    // One at a time (MaxConcurrency 1): "c" never started.
    assert_eq!(calls_since(0), [r#"Work("a")"#, r#"Work("b")"#, r#"Work("bad")"#]);

    // Redriven with "bad" still failing: a and b keep their results, bad runs (and fails) again.
    engine.redrive_execution(&arn).unwrap();
    let d = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("Work.Down")));
    assert_eq!(calls_since(3), [r#"Work("bad")"#]);

    // Work fixed: the Map runs only bad and c; then the Parallel fails in Right, Left done.
    flaky.work_fixed.store(true, SeqCst);
    engine.redrive_execution(&arn).unwrap();
    let d = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("Right.Down")));
    let calls = calls_since(4);
    assert_eq!(calls[..2], [r#"Work("bad")"#, r#"Work("c")"#]);
    let branch_input = r#"{"items":["a","b","bad","c"],"worked":["did a","did b","did bad","did c"]}"#;
    let mut branches = calls[2..].to_vec();
    branches.sort();
    assert_eq!(branches, [format!("Left({branch_input})"), format!("Right({branch_input})")]);

    // Right fixed: the Map, which succeeded, is not run again; Left keeps its result; only
    // Right runs.
    flaky.right_fixed.store(true, SeqCst);
    engine.redrive_execution(&arn).unwrap();
    let d = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    assert_eq!(d["redriveCount"], 3);
    assert_eq!(calls_since(8), [format!("Right({branch_input})")]);
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["worked"], json!(["did a", "did b", "did bad", "did c"]));
    assert_eq!(output["fanned"], json!(["left", "right"]));
    let ids: Vec<u64> = history(&engine, &arn).iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
}

/// Stopped while an iteration works: a redrive keeps the iterations that had succeeded.
#[tokio::test(start_paused = true)]
async fn a_redrive_after_a_stop_keeps_the_iterations_that_succeeded() {
    use std::sync::atomic::Ordering::SeqCst;
    let (engine, store, arn) = fanout("f-2");
    let flaky = Arc::new(Flaky::default());
    flaky.hang.store(true, SeqCst);
    flaky.right_fixed.store(true, SeqCst);
    let calls_since = |n: usize| flaky.calls.lock().unwrap()[n..].to_vec();
    let mut worker = Worker::named(store, "w");
    worker.serve::<redrive_fanout::Workflow, _>(flaky.clone());
    let worker = Arc::new(worker);
    let serving = tokio::spawn({
        let w = worker.clone();
        async move { w.run(TICK, std::future::pending()).await }
    });
    while !flaky.calls.lock().unwrap().iter().any(|c| c.as_str() == r#"Work("bad")"#) {
        tokio::time::sleep(TICK).await;
    }
    engine.stop_execution(&arn, None, None).unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    serving.abort();
    assert_eq!(status(&engine, &arn), "ABORTED");
    assert_eq!(calls_since(0), [r#"Work("a")"#, r#"Work("b")"#, r#"Work("bad")"#]);

    flaky.work_fixed.store(true, SeqCst);
    engine.redrive_execution(&arn).unwrap();
    let d = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    let calls = calls_since(3);
    assert_eq!(calls[..2], [r#"Work("bad")"#, r#"Work("c")"#], "a and b are kept: {calls:?}");
    assert_eq!(calls.len(), 4, "then Left and Right: {calls:?}");
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["worked"], json!(["did a", "did b", "did bad", "did c"]));
}

#[tokio::test(start_paused = true)]
async fn express_executions_keep_no_checkpoints_and_rerun_from_the_start_after_a_crash() {
    let (engine, store) = engine();
    engine.create_state_machine("quick", durable_order::DEFINITION, MachineType::Express, None).unwrap();
    let arn = start(&engine, "quick", Some("x1"), Some(r#"{"total": 2}"#));
    let shop = Arc::new(Shop::default());
    let clock = asl_runtime::TokioClock::new();
    let mut first = Worker::named(store.clone(), "first").with_lease(Duration::from_millis(100)).with_clock(clock.clone());
    first.serve::<durable_order::Workflow, _>(shop.clone());
    first.tick().unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await; // in the Wait
    assert_eq!(shop.calls_of("Charge"), 1);
    assert_eq!(store.progress(&arn, "").unwrap(), None, "Express keeps no checkpoint");
    first.abandon();
    std::thread::sleep(Duration::from_millis(150));
    let mut second = Worker::named(store.clone(), "second").with_clock(clock);
    second.serve::<durable_order::Workflow, _>(shop.clone());
    let d = serve_until_ended(&engine, &second, &arn).await;
    assert_eq!(d["status"], "SUCCEEDED");
    assert_eq!(shop.calls_of("Charge"), 2, "at-least-once: the whole execution ran again");
    assert_eq!(kinds(&history(&engine, &arn)), ["ExecutionStarted"], "Express records no per-step history");
}

mod long_wait { asl_macro::asl!("workflows/long_wait.json"); }

#[tokio::test(start_paused = true)]
async fn a_three_day_wait_survives_a_restart_and_fires_on_time() {
    let (engine, store) = engine();
    engine.create_state_machine("sleepy", long_wait::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "sleepy", Some("s1"), None);
    let clock = asl_runtime::TokioClock::new();
    let began = tokio::time::Instant::now();
    let mut first = Worker::named(store.clone(), "first").with_lease(Duration::from_millis(100)).with_clock(clock.clone());
    first.serve::<long_wait::Workflow, _>(());
    first.tick().unwrap();
    tokio::time::sleep(Duration::from_secs(24 * 3600)).await;
    first.abandon(); // a day in, the worker dies
    std::thread::sleep(Duration::from_millis(150));
    let mut second = Worker::named(store.clone(), "second").with_clock(clock);
    second.serve::<long_wait::Workflow, _>(());
    let d = serve_until_ended_every(&engine, &second, &arn, Duration::from_secs(60)).await;
    assert_eq!(d["status"], "SUCCEEDED");
    let took = began.elapsed();
    let three_days = Duration::from_secs(3 * 24 * 3600);
    // On time: not three days after the restart (four in all), and no later than the next look.
    assert!(took >= three_days && took <= three_days + Duration::from_secs(60), "woke after {took:?}");
}

#[tokio::test(start_paused = true)]
async fn a_callback_wait_keeps_its_timeout_across_a_restart() {
    let (engine, store) = engine();
    // One clock for the engine (which stamps heartbeats) and the workers (which time them).
    let clock = asl_runtime::TokioClock::new();
    let engine = engine.with_clock(clock.clone());
    engine.create_state_machine("approval", approval::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "approval", Some("t1"), Some(r#"{"order": 1}"#));
    let outbox = Outbox::default();
    let began = tokio::time::Instant::now();
    let mut first = Worker::named(store.clone(), "first").with_lease(Duration::from_millis(100)).with_clock(clock.clone());
    first.serve::<approval::Workflow, _>(outbox.clone());
    first.tick().unwrap();
    // Heartbeats every 40 s (HeartbeatSeconds is 60) for the whole test.
    let beats = {
        let engine = engine.clone();
        let tokens = outbox.tokens.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(40)).await;
                if let Some(t) = tokens.lock().unwrap().first().cloned() {
                    let _ = engine.send_task_heartbeat(&t);
                }
            }
        })
    };
    tokio::time::sleep(Duration::from_secs(300)).await;
    assert_eq!(status(&engine, &arn), "RUNNING");
    first.abandon(); // five minutes into the ten-minute TimeoutSeconds
    std::thread::sleep(Duration::from_millis(150));
    let mut second = Worker::named(store.clone(), "second").with_clock(clock);
    second.serve::<approval::Workflow, _>(outbox.clone());
    let second = Arc::new(second);
    let engine = engine.with_answers(second.answers());
    let d = serve_until_ended_every(&engine, &second, &arn, Duration::from_secs(1)).await;
    beats.abort();
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("States.Timeout")));
    let took = began.elapsed();
    assert!(took >= Duration::from_secs(600) && took <= Duration::from_secs(602), "timed out after {took:?}, not 600 s from the start");
    assert_eq!(outbox.tokens.lock().unwrap().len(), 1, "the resumed run did not hand the token out again");
}

/// HeartbeatSeconds (60) counts from the last heartbeat even when the worker that was waiting
/// died: (heartbeats at, worker abandoned at, another resumes at, times out at), in seconds.
/// Beats at 40 and 80, abandoned at 100: 140, not a whole window after the resume. No beat: 60
/// from the start. A beat at 55 while no worker runs (abandoned at 50, resumed at 100): 115.
#[tokio::test(start_paused = true)]
async fn a_callback_wait_keeps_its_heartbeat_window_across_a_restart() {
    let cases: [(&str, &[u64], u64, u64, u64); 3] =
        [("hb-beats", &[40, 80], 100, 100, 140), ("hb-none", &[], 30, 30, 60), ("hb-while-down", &[40, 55], 50, 100, 115)];
    for (name, beats, abandon_at, resume_at, expected) in cases {
        let (engine, store) = engine();
        let clock = asl_runtime::TokioClock::new();
        let engine = engine.with_clock(clock.clone());
        engine.create_state_machine("approval", approval::DEFINITION, MachineType::Standard, None).unwrap();
        let arn = start(&engine, "approval", Some(name), Some(r#"{"order": 1}"#));
        let outbox = Outbox::default();
        let began = tokio::time::Instant::now();
        let mut first = Worker::named(store.clone(), "first").with_lease(Duration::from_millis(100)).with_clock(clock.clone());
        first.serve::<approval::Workflow, _>(outbox.clone());
        let first = Arc::new(first);
        let serving = tokio::spawn({
            let w = first.clone();
            async move { w.run(Duration::from_secs(1), std::future::pending()).await }
        });
        let mut abandoned = false;
        let abandon = || {
            serving.abort();
            first.abandon();
            std::thread::sleep(Duration::from_millis(150));
        };
        for &at in beats {
            if at > abandon_at && !abandoned {
                tokio::time::sleep_until(began + Duration::from_secs(abandon_at)).await;
                abandon();
                abandoned = true;
            }
            tokio::time::sleep_until(began + Duration::from_secs(at)).await;
            let token = outbox.tokens.lock().unwrap().first().cloned().expect("the token went out");
            engine.send_task_heartbeat(&token).unwrap();
        }
        if !abandoned {
            tokio::time::sleep_until(began + Duration::from_secs(abandon_at)).await;
            assert_eq!(status(&engine, &arn), "RUNNING", "{name}");
            abandon();
        }
        tokio::time::sleep_until(began + Duration::from_secs(resume_at)).await;
        let mut second = Worker::named(store.clone(), "second").with_clock(clock);
        second.serve::<approval::Workflow, _>(outbox.clone());
        let d = serve_until_ended_every(&engine, &second, &arn, Duration::from_secs(1)).await;
        assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("FAILED"), Some("States.Timeout")), "{name}");
        let took = began.elapsed();
        let expected = Duration::from_secs(expected.max(resume_at));
        assert!(took >= expected && took <= expected + Duration::from_secs(2), "{name}: timed out after {took:?}, expected {expected:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn an_unreadable_checkpoint_fails_the_execution_instead_of_looping() {
    let (engine, store) = engine();
    engine.create_state_machine("order", durable_order::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "order", Some("bad"), None);
    // A checkpoint this build cannot read (as after an upgrade that renamed a state).
    let definition = asl_engine::store::definition_hash(durable_order::DEFINITION).unwrap();
    store.claim("someone", &[definition], chrono::Utc::now(), chrono::Utc::now() + chrono::Duration::seconds(1), 1).unwrap();
    store.checkpoint(&arn, "someone", "", Some(br#"{"state": "NoSuchState"}"#), &[]).unwrap();
    store.release("someone", &arn).unwrap();
    let mut worker = Worker::named(store, "w");
    worker.serve::<durable_order::Workflow, _>(Shop::default());
    let d = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!(d["status"], "FAILED");
    assert_eq!(d["error"], "States.Runtime");
    assert!(d["cause"].as_str().unwrap().contains("the checkpoint is unreadable"), "{d}");
}

/// A Task handler that never answers: its worker dies in the call.
struct Hang;

impl TaskHandler for Hang {
    async fn call(&self, _: TaskCall) -> Result<Value, Failure> {
        std::future::pending().await
    }
}

/// A recorded Task outcome the build cannot read (a damaged store, say) fails the execution
/// with States.Runtime, instead of leaving it to be claimed and dropped forever. (That a
/// resumed run does not do the Task again is the runtime's unit test.)
#[tokio::test(start_paused = true)]
async fn an_unreadable_recorded_outcome_fails_the_execution_instead_of_looping() {
    let (engine, store) = engine();
    engine.create_state_machine("one", durable_order::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "one", Some("run"), None);
    let clock = asl_runtime::TokioClock::new();
    let mut first = Worker::named(store.clone(), "first").with_lease(Duration::from_millis(100)).with_clock(clock.clone());
    first.serve::<durable_order::Workflow, _>(Hang);
    first.tick().unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await; // in Charge's call, checkpointed
    first.abandon();
    // Charge, entered as event 2, attempt 0: its outcome is "recorded", unreadably.
    store.record_effect(&arn, &format!("{arn}/Charge/2/0"), r#"{"neither": "result nor error"}"#).unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let mut second = Worker::named(store, "second").with_clock(clock);
    second.serve::<durable_order::Workflow, _>(Shop::default());
    let d = serve_until_ended(&engine, &second, &arn).await;
    assert_eq!(d["status"], "FAILED");
    assert_eq!(d["error"], "States.Runtime");
    assert!(d["cause"].as_str().unwrap().contains("recorded outcome") && d["cause"].as_str().unwrap().contains("is unreadable"), "{d}");
}

mod bare_fail { asl_macro::asl!("workflows/bare_fail.json"); }

/// A Fail state without Error: the execution fails with a cause and no error at all, as on AWS
/// (not an empty error name).
#[tokio::test(start_paused = true)]
async fn a_fail_state_without_error_reports_no_error() {
    let d = run_one::<bare_fail::Workflow, _>(MachineType::Standard, (), |_, _| {}).await;
    assert_eq!((d["status"].as_str(), d["cause"].as_str()), (Some("FAILED"), Some("no error name given")));
    assert!(d.get("error").is_none(), "{d}");
    let events = d["history"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["executionFailedEventDetails"], json!({ "cause": "no error name given" }));
}

mod whole_timeout { asl_macro::asl!("workflows/whole_timeout.json"); }

/// TimeoutSeconds ends an Express execution TIMED_OUT too, although Express keeps no history
/// that would say so.
#[tokio::test(start_paused = true)]
async fn an_express_execution_past_its_timeout_seconds_times_out() {
    let d = run_one::<whole_timeout::Workflow, _>(MachineType::Express, (), |_, _| {}).await;
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("TIMED_OUT"), Some("States.Timeout")));
}

/// Registers `M`'s definition, starts one execution (after `before` may touch the store), and
/// serves it to its end: DescribeExecution's answer, with the history under `history`.
async fn run_one<M: asl_runtime::Machine + 'static, H: TaskHandler + 'static>(
    kind: MachineType,
    tasks: H,
    before: impl FnOnce(&dyn Store, &str),
) -> Value {
    let (engine, store) = engine();
    engine.create_state_machine("one", M::DEFINITION, kind, None).unwrap();
    let arn = start(&engine, "one", Some("run"), None);
    before(&*store, &arn);
    let mut worker = Worker::named(store, "w");
    worker.serve::<M, _>(tasks);
    let mut d = serve_until_ended(&engine, &worker, &arn).await;
    d["history"] = Value::Array(history(&engine, &arn));
    d
}

mod year_wait { asl_macro::asl!("workflows/year_wait.json"); }

#[tokio::test(start_paused = true)]
async fn a_standard_execution_times_out_after_a_year() {
    let (engine, store) = engine();
    engine.create_state_machine("year", year_wait::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "year", Some("y1"), None);
    let began = tokio::time::Instant::now();
    let mut worker = Worker::named(store, "w");
    worker.serve::<year_wait::Workflow, _>(());
    let d = serve_until_ended_every(&engine, &worker, &arn, Duration::from_secs(3600)).await;
    assert_eq!((d["status"].as_str(), d["error"].as_str()), (Some("TIMED_OUT"), Some("States.Timeout")));
    let took = began.elapsed().as_secs_f64() / 86400.0;
    assert!((365.0..365.1).contains(&took), "timed out after {took} days");
    assert_eq!(kinds(&history(&engine, &arn)).last().unwrap(), "ExecutionTimedOut");
}

mod durable_variables { asl_macro::asl!("workflows/durable_variables.json"); }

/// Answers every Task with `{"items": [1, 2], "marked": <its input>}`.
struct Marker;

impl TaskHandler for Marker {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        Ok(json!({ "items": [1, 2], "marked": call.input }))
    }
}

#[tokio::test(start_paused = true)]
async fn variables_assigned_before_a_crash_are_read_after_the_resume() {
    let (engine, store) = engine();
    engine.create_state_machine("vars", durable_variables::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "vars", Some("v1"), Some(r#"{"who": "ada"}"#));
    let clock = asl_runtime::TokioClock::new();
    let worker = |name: &str| {
        let mut w = Worker::named(store.clone(), name).with_lease(Duration::from_millis(100)).with_clock(clock.clone());
        w.serve::<durable_variables::Workflow, _>(Marker);
        w
    };
    // The first worker assigns `who` and `n`, enters the hour's Wait (a checkpoint) and dies.
    let first = worker("first");
    first.tick().unwrap();
    tokio::time::sleep(Duration::from_secs(1800)).await;
    first.abandon();
    std::thread::sleep(Duration::from_millis(150)); // the lease is wall-clock time
    // The second resumes inside the Wait, runs the Task with the variables from before the
    // crash, and dies while the Map's iterations doze (each checkpointed in its own scope).
    let second = worker("second");
    second.tick().unwrap();
    tokio::time::sleep(Duration::from_secs(1800 + 300)).await;
    assert_eq!(status(&engine, &arn), "RUNNING");
    second.abandon();
    std::thread::sleep(Duration::from_millis(150));
    let third = worker("third");
    let d = serve_until_ended_every(&engine, &third, &arn, Duration::from_secs(60)).await;
    assert_eq!(d["status"], "SUCCEEDED", "{d}");
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(
        output,
        json!({
            "who": "ada", "n": 2, "before": 1,
            "fan": [{"who": "ada", "item": 1}, {"who": "ada", "item": 2}]
        })
    );
    let events = history(&engine, &arn);
    let assigned: Vec<&Value> = events.iter().filter_map(|e| e["stateExitedEventDetails"].get("assignedVariables")).collect();
    assert_eq!(assigned[0], &json!({"who": "\"ada\"", "n": "1"}));
    assert_eq!(assigned[1], &json!({"n": "2", "before": "1"}));
    assert_eq!(assigned.len(), 4, "Remember, Nap and each iteration's Mine: {assigned:?}");
}

mod distributed_tolerant { asl_macro::asl!("workflows/distributed_tolerant.json"); }

#[tokio::test(start_paused = true)]
async fn a_distributed_map_reports_its_map_run() {
    let (engine, store) = engine();
    engine.create_state_machine("batch", distributed_tolerant::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "batch", Some("b-1"), Some(r#"{"items": [{"ok": true}, {"ok": false}, {"ok": true}]}"#));
    let mut worker = Worker::named(store, "w1");
    worker.serve::<distributed_tolerant::Workflow, ()>(());
    let ended = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!(ended["status"], "SUCCEEDED", "{ended}");

    let events = history(&engine, &arn);
    let started = events.iter().find(|e| e["type"] == "MapRunStarted").expect("MapRunStarted");
    let run_arn = started["mapRunStartedEventDetails"]["mapRunArn"].as_str().unwrap();
    assert!(run_arn.starts_with("arn:aws:states:local:000000000000:mapRun:batch/Batch:"), "{run_arn}");
    let listed = engine.list_map_runs(&arn, 0, None).unwrap();
    assert_eq!(listed["mapRuns"][0]["mapRunArn"], run_arn, "{listed}");
    assert_eq!(listed["mapRuns"][0]["stateMachineArn"], "arn:aws:states:local:000000000000:stateMachine:batch/Batch");
    let run = engine.describe_map_run(run_arn).unwrap();
    assert_eq!((run["status"].as_str(), run["executionArn"].as_str()), (Some("SUCCEEDED"), Some(arn.as_str())), "{run}");
    assert_eq!((run["maxConcurrency"].as_u64(), run["toleratedFailureCount"].as_u64()), (Some(2), Some(1)));
    let counts = &run["itemCounts"];
    assert_eq!((counts["total"].as_u64(), counts["succeeded"].as_u64(), counts["failed"].as_u64(), counts["running"].as_u64()), (Some(3), Some(2), Some(1), Some(0)), "{run}");
    assert!(run["stopDate"].is_string());
    let elsewhere = run_arn.replace("local:000000000000", "us-east-1:123456789012");
    assert_eq!(engine.describe_map_run(&elsewhere).unwrap()["mapRunArn"], run_arn);
    assert_eq!(engine.describe_map_run("arn:aws:states:local:000000000000:mapRun:batch/Batch:nope").unwrap_err().code, "ResourceNotFound");
}

mod distributed_task { asl_macro::asl!("workflows/distributed_task.json"); }

/// Under `asl serve`, a mock test case reaches the Tasks of a distributed Map's iterations
/// (each an execution of its own, counted apart as Step Functions Local counts them).
#[tokio::test(start_paused = true)]
async fn a_mock_test_case_answers_the_tasks_of_distributed_map_iterations() {
    let (engine, store) = engine();
    engine.create_state_machine("priced", distributed_task::DEFINITION, MachineType::Standard, None).unwrap();
    let mocks = r#"{"StateMachines": {"priced": {"TestCases": {"Cheap": {"Price": "One"}}}},
        "MockedResponses": {"One": {"0": {"Return": {"price": 1}}}}}"#;
    let bindings = asl_engine::hosted::Bindings::new(engine.clone(), Some(asl_runtime::mock::MockConfig::parse(mocks).unwrap()), None);
    let arn = start(&engine, "priced#Cheap", Some("p-1"), Some(r#"{"items": [{"sku": "a"}, {"sku": "b"}]}"#));
    let mut worker = Worker::named(store, "w1");
    worker.serve::<distributed_task::Workflow, _>(bindings);
    let ended = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!(ended["status"], "SUCCEEDED", "{ended}");
    let output: Value = serde_json::from_str(ended["output"].as_str().unwrap()).unwrap();
    assert_eq!(output, json!([{ "price": 1 }, { "price": 1 }]));
}

mod distributed_slow { asl_macro::asl!("workflows/distributed_slow.json"); }

/// UpdateMapRun while the run waits on its first iteration: the failures that follow are
/// tolerated, as the update says, and DescribeMapRun shows the new settings.
#[tokio::test(start_paused = true)]
async fn update_map_run_changes_a_running_map_runs_thresholds() {
    let (engine, store) = engine();
    engine.create_state_machine("slow", distributed_slow::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "slow", Some("s-1"), Some(r#"{"items": [{"ok": true}, {"ok": false}, {"ok": false}]}"#));
    let mut worker = Worker::named(store, "w1");
    worker.serve::<distributed_slow::Workflow, ()>(());
    let started = async {
        while engine.list_map_runs(&arn, 0, None).unwrap()["mapRuns"].as_array().unwrap().is_empty() {
            tokio::time::sleep(TICK).await;
        }
    };
    worker.run(TICK, started).await;
    let run_arn = engine.list_map_runs(&arn, 0, None).unwrap()["mapRuns"][0]["mapRunArn"].as_str().unwrap().to_string();
    assert_eq!(engine.describe_map_run(&run_arn).unwrap()["status"], "RUNNING");
    assert_eq!(engine.update_map_run(&run_arn, None, None, None).unwrap_err().code, "ValidationException");
    assert_eq!(engine.update_map_run(&run_arn, None, None, Some(101.0)).unwrap_err().code, "ValidationException");
    engine.update_map_run(&run_arn, Some(3), Some(2), None).unwrap();

    let ended = serve_until_ended(&engine, &worker, &arn).await;
    assert_eq!(ended["status"], "SUCCEEDED", "{ended} {}", engine.describe_map_run(&run_arn).unwrap());
    let run = engine.describe_map_run(&run_arn).unwrap();
    assert_eq!((run["maxConcurrency"].as_u64(), run["toleratedFailureCount"].as_u64()), (Some(3), Some(2)), "{run}");
    assert_eq!((run["itemCounts"]["succeeded"].as_u64(), run["itemCounts"]["failed"].as_u64()), (Some(1), Some(2)), "{run}");
    assert_eq!(engine.update_map_run(&run_arn, Some(1), None, None).unwrap_err().code, "ValidationException", "it has ended");
}

mod nested_parent { asl_macro::asl!("workflows/nested_parent.json"); }
mod nested_child { asl_macro::asl!("workflows/nested_child.json"); }

/// `states:startExecution` served by the engine in its four patterns: `.sync:2` gives the
/// child's parsed output, `.sync` a failed child as `States.TaskFailed` with its description,
/// the plain form the child's ARN at once, `.waitForTaskToken` what is sent for the token the
/// child was given; a machine that does not exist is `StepFunctions.StateMachineDoesNotExistException`.
#[tokio::test(start_paused = true)]
async fn nested_executions_start_wait_fail_and_call_back() {
    let (engine, store) = engine();
    let child = engine.create_state_machine("child", nested_child::DEFINITION, MachineType::Standard, None).unwrap()["stateMachineArn"].as_str().unwrap().to_owned();
    engine.create_state_machine("parent", nested_parent::DEFINITION, MachineType::Standard, None).unwrap();
    let bindings = asl_engine::hosted::Bindings::new(engine.clone(), None, None);
    let arn = start(&engine, "parent", Some("p-1"), Some(&json!({ "child": child }).to_string()));
    let mut worker = Worker::named(store, "w1");
    worker.serve::<nested_parent::Workflow, _>(bindings.clone());
    worker.serve::<nested_child::Workflow, _>(bindings);
    // The callback's answer comes from whoever reads the token the child was started with.
    let answer_tokens = async {
        while status(&engine, &arn) == "RUNNING" {
            let children = engine.list_executions("child", None, 100, None).unwrap();
            for e in children["executions"].as_array().unwrap() {
                let input: Value = serde_json::from_str(engine.describe_execution(e["executionArn"].as_str().unwrap()).unwrap()["input"].as_str().unwrap()).unwrap();
                if let Some(token) = input["token"].as_str() {
                    let _ = engine.send_task_success(token, r#"{"answeredBy": "test"}"#);
                }
            }
            tokio::time::sleep(TICK).await;
        }
    };
    worker.run(TICK, answer_tokens).await;
    let ended = engine.describe_execution(&arn).unwrap();
    assert_eq!(ended["status"], "SUCCEEDED", "{ended}");
    let output: Value = serde_json::from_str(ended["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["synced"], json!({ "output": { "doubled": 42 }, "status": "SUCCEEDED" }));
    assert_eq!(output["failed"]["Error"], "States.TaskFailed");
    let failed_child: Value = serde_json::from_str(output["failed"]["Cause"].as_str().unwrap()).unwrap();
    assert_eq!((failed_child["Status"].as_str(), failed_child["Error"].as_str()), (Some("FAILED"), Some("ChildRefused")));
    assert!(failed_child["StartDate"].is_i64() && failed_child["StopDate"].is_i64(), "{failed_child}");
    assert_eq!(output["started"]["arn"], "arn:aws:states:local:000000000000:execution:child:fire-and-forget");
    assert_eq!(output["answered"], json!({ "answeredBy": "test" }));
    // The engine's errors as the optimized integration names them, caught by name.
    assert_eq!(output["missing"]["Error"], "StepFunctions.StateMachineDoesNotExistException");
    // Four children: the synchronous two, the one left to run, the one that was given the token.
    assert_eq!(engine.list_executions("child", None, 100, None).unwrap()["executions"].as_array().unwrap().len(), 4);
}

// ---- the CI-sized version of the durable benchmark's store matrix

#[path = "../../bench/common/durable_runs.rs"]
mod durable_runs;

mod chain100 { asl_macro::asl!("../bench/workflows/chain100.json"); }
mod tasks100 { asl_macro::asl!("../bench/workflows/tasks100.json"); }

/// What `cargo bench -p asl-bench --bench durable` measures, small: chain100 and tasks100
/// Standard on SQLite (1 worker) and PostgreSQL (1, 2 and 4 workers), each write alone and
/// with group commit. Every execution must succeed; the rates are reported, not judged (the
/// benchmark measures them, in release, with rounds).
#[test]
fn the_benchmark_matrix_runs_every_execution_to_its_end_on_both_stores() {
    use durable_runs::{run_batch, Backend, Setup};
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut lines = Vec::new();
    for group_commit in [false, true] {
        let setups = [(Backend::Sqlite, 1), (Backend::Postgres, 1), (Backend::Postgres, 2), (Backend::Postgres, 4)];
        for (backend, workers) in setups {
            let setup = Setup { backend, machine_type: MachineType::Standard, workers, group_commit };
            let chain = run_batch::<chain100::Workflow>(&rt, setup, r#"{"payload": "x"}"#, 20);
            let tasks = run_batch::<tasks100::Workflow>(&rt, setup, r#"{"i": 1}"#, 20);
            let per_s = |d: Duration| 2000.0 / d.as_secs_f64();
            lines.push(format!("{:<22} chain100 {:>8.0}/s  tasks100 {:>8.0}/s", setup.label(), per_s(chain), per_s(tasks)));
        }
    }
    asl_tests::report(&format!("durable matrix (debug build, 20 executions each, transitions/s):\n  {}", lines.join("\n  ")));
}

// ---- parking: waits that end by time while the execution sleeps in the store

mod parked_timeouts { asl_macro::asl!("workflows/parked_timeouts.json"); }

/// Runs one `parked_timeouts` execution on a worker that parks or does not (on the wall
/// clock: the store wakes parked executions by it), and answers its history's event types,
/// and whether it was seen parked (asleep in the store, held by nobody) on the way.
fn run_parked_timeouts(parking: bool) -> (Vec<String>, Value, bool) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::new(store.clone());
    engine.create_state_machine("timeouts", parked_timeouts::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "timeouts", Some("t1"), Some("{}"));
    let mut worker = Worker::named(store.clone(), "w").with_parking(parking);
    worker.serve::<parked_timeouts::Workflow, _>(Outbox::default());
    let worker = Arc::new(worker);
    let w = worker.clone();
    let serving = rt.spawn(async move { w.run(Duration::from_millis(20), std::future::pending()).await });
    let mut seen_parked = false;
    let output = rt.block_on(async {
        for _ in 0..1000 {
            let e = store.execution(&arn).unwrap().unwrap();
            seen_parked |= e.wake_at.is_some() && e.owner.is_none();
            if e.status != asl_engine::Status::Running {
                return e.output.map(|o| serde_json::from_str::<Value>(&o).unwrap()).unwrap_or(Value::Null);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the execution did not end");
    });
    serving.abort();
    let events = engine.get_execution_history(&arn, false, 1000, None).unwrap()["events"].as_array().unwrap().clone();
    let kinds = events.iter().map(|e| e["type"].as_str().unwrap().to_string()).collect();
    (kinds, output, seen_parked)
}

/// A Wait, a callback's TimeoutSeconds and another's HeartbeatSeconds run out while the
/// execution is parked: it wakes on time, each time, and ends as a run that waited in memory
/// does.
#[test]
fn a_parked_execution_wakes_when_its_wait_or_its_timeout_is_over() {
    let (in_memory, expected, parked_anyway) = run_parked_timeouts(false);
    assert!(!parked_anyway, "a worker that does not park keeps its waits");
    let (parked, output, seen_parked) = run_parked_timeouts(true);
    assert!(seen_parked, "the execution was parked on the way");
    assert_eq!(parked, in_memory);
    assert_eq!(output, expected);
    assert_eq!(output["timedOut"]["Error"], "States.Timeout");
    assert_eq!(output["silent"]["Error"], "States.Timeout");
}

// ---- AWS's 25,000-event history quota

mod endless { asl_macro::asl!("workflows/endless.json"); }

/// A Choice looping forever fails as on AWS: event 24,999 is the last the machine made (a
/// ChoiceStateExited), event 25,000 the ExecutionFailed with `States.Runtime`.
#[tokio::test(start_paused = true)]
async fn an_execution_whose_history_is_full_fails_at_event_25000() {
    let (engine, store) = engine();
    engine.create_state_machine("endless", endless::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = start(&engine, "endless", Some("spin"), Some(r#"{"spin": true}"#));
    let mut worker = Worker::named(store.clone(), "w");
    worker.serve::<endless::Workflow, _>(Marker);
    worker.run_until_idle(TICK).await.unwrap();
    let described = engine.describe_execution(&arn).unwrap();
    assert_eq!(described["status"], "FAILED");
    assert_eq!(described["error"], "States.Runtime");
    assert_eq!(described["cause"], "The execution reached the maximum number of history events (25000).");
    let last = engine.get_execution_history(&arn, true, 2, None).unwrap()["events"].as_array().unwrap().clone();
    assert_eq!((last[0]["id"].as_u64(), last[0]["type"].as_str(), last[0]["previousEventId"].as_u64()), (Some(25_000), Some("ExecutionFailed"), Some(24_999)));
    assert_eq!(last[0]["executionFailedEventDetails"]["cause"], "The execution reached the maximum number of history events (25000).");
    assert_eq!((last[1]["id"].as_u64(), last[1]["type"].as_str()), (Some(24_999), Some("ChoiceStateExited")));
    // No gap, nothing past the quota.
    let mut ids = Vec::new();
    let mut next = None;
    loop {
        let page = engine.get_execution_history(&arn, false, 1000, next).unwrap();
        ids.extend(page["events"].as_array().unwrap().iter().map(|e| e["id"].as_u64().unwrap()));
        match page["nextToken"].as_str() {
            Some(t) => next = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(ids, (1..=25_000).collect::<Vec<u64>>());
    // No room left for a redrive, as on AWS; nor after AWS's 14 days.
    let refused = engine.redrive_execution(&arn).unwrap_err();
    assert_eq!((refused.code, refused.message.contains("24999 events or more")), ("ExecutionNotRedrivable", true), "{refused:?}");
    let clock = asl_runtime::TokioClock::starting_at(chrono::Utc::now());
    tokio::time::advance(Duration::from_secs(15 * 24 * 3600)).await;
    let refused = Engine::new(store).with_clock(clock).redrive_execution(&arn).unwrap_err();
    assert!(refused.message.contains("closed more than 14 days ago"), "{refused:?}");
}

// ---- sharing: fair claims across definitions, back-pressure from a slow store

/// Who holds `arn` now.
fn owner(store: &dyn Store, arn: &str) -> Option<String> {
    store.execution(arn).unwrap().unwrap().owner
}

/// A worker serving two machines shares its free slots between them: executions of a machine
/// started after another's backlog of older ones are claimed at once, not after the backlog
/// drains; and slots one machine cannot fill go to the other.
#[tokio::test(start_paused = true)]
async fn claims_are_shared_across_machines_so_a_backlog_starves_no_one() {
    let (engine, store) = engine();
    engine.create_state_machine("backlog", durable_order::DEFINITION, MachineType::Standard, None).unwrap();
    engine.create_state_machine("newcomer", approval::DEFINITION, MachineType::Standard, None).unwrap();
    let backlog: Vec<String> = (0..20).map(|i| start(&engine, "backlog", Some(&format!("b{i}")), Some(r#"{"total": 1}"#))).collect();
    tokio::time::sleep(Duration::from_millis(10)).await;
    let newcomers: Vec<String> = (0..2).map(|i| start(&engine, "newcomer", Some(&format!("n{i}")), Some(r#"{"order": 1}"#))).collect();
    let mut worker = Worker::named(store.clone(), "w").with_concurrency(4);
    worker.serve::<durable_order::Workflow, _>(Shop::default());
    worker.serve::<approval::Workflow, _>(Outbox::default());
    assert_eq!(worker.tick().unwrap(), 4);
    let mine = |arns: &[String]| arns.iter().filter(|a| owner(&*store, a).as_deref() == Some("w")).count();
    assert_eq!((mine(&backlog), mine(&newcomers)), (2, 2), "two slots each, the oldest of each machine");
    assert!(backlog[..2].iter().all(|a| owner(&*store, a).is_some()), "oldest first within a machine");

    // Only the backlog has executions waiting: it gets every slot, the newcomer's share too.
    let (engine, store) = self::engine();
    engine.create_state_machine("backlog", durable_order::DEFINITION, MachineType::Standard, None).unwrap();
    engine.create_state_machine("newcomer", approval::DEFINITION, MachineType::Standard, None).unwrap();
    let backlog: Vec<String> = (0..20).map(|i| start(&engine, "backlog", Some(&format!("b{i}")), Some(r#"{"total": 1}"#))).collect();
    let mut worker = Worker::named(store.clone(), "w").with_concurrency(4);
    worker.serve::<durable_order::Workflow, _>(Shop::default());
    worker.serve::<approval::Workflow, _>(Outbox::default());
    assert_eq!(worker.tick().unwrap(), 4);
    assert_eq!(backlog.iter().filter(|a| owner(&*store, a).is_some()).count(), 4);
}

mod three_tasks { asl_macro::asl!("workflows/three_tasks.json"); }

/// While another process holds the SQLite file's write lock most of the time (a database that
/// takes a tenth of a second to commit), a worker admits fewer executions than its
/// concurrency and holds few; once the lock is gone it admits its full concurrency again, and
/// every execution ends.
#[test]
fn a_slow_store_makes_the_worker_take_on_fewer_executions() {
    let dir = std::env::temp_dir().join(format!("asl-pressure-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.db");
    let store: Arc<dyn Store> = Arc::new(asl_engine::SqliteStore::open(&path).unwrap());
    let engine = Engine::new(store.clone());
    engine.create_state_machine("tasks", three_tasks::DEFINITION, MachineType::Standard, None).unwrap();
    for i in 0..1000 {
        start(&engine, "tasks", Some(&format!("t{i}")), Some(r#"{"i": 1}"#));
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut worker = Worker::named(store.clone(), "w").with_concurrency(16).with_slow_writes(Duration::from_millis(20));
    worker.serve::<three_tasks::Workflow, _>(durable_runs::Echo);
    let worker = Arc::new(worker);
    // Another process takes the write lock for 100 ms at a time, leaving it free for 30 ms.
    let mut blocker = std::process::Command::new("python3")
        .args(["-c", "import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\nfor _ in range(30):\n    c.execute('BEGIN IMMEDIATE'); time.sleep(0.1); c.execute('COMMIT'); time.sleep(0.03)\n"])
        .arg(&path)
        .spawn()
        .expect("python3 runs the process that holds the lock");
    let (slow_held, slow_admitted, fast_admitted) = rt.block_on(async {
        let serving = {
            let w = worker.clone();
            tokio::spawn(async move { w.run_until_idle(Duration::from_millis(20)).await })
        };
        // The executions claimed before the first slow write drain meanwhile.
        tokio::time::sleep(Duration::from_millis(1000)).await;
        // The fewest it held at once: those claimed before the store turned slow end in time.
        let (mut held, mut admitted) = (usize::MAX, Vec::new());
        while blocker.try_wait().unwrap().is_none() {
            held = held.min(worker.in_flight());
            admitted.push(worker.admitted());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let mut fast = 0;
        while !serving.is_finished() {
            fast = fast.max(worker.admitted());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        serving.await.unwrap().unwrap();
        (held, admitted.iter().sum::<usize>() as f64 / admitted.len().max(1) as f64, fast)
    });
    let done = engine.list_executions("tasks", Some("SUCCEEDED"), 1000, None).unwrap()["executions"].as_array().unwrap().len();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(done, 1000, "every execution ended");
    asl_tests::report(&format!("slow store: the worker admitted {slow_admitted:.1} executions on average and held as few as {slow_held}, of 16"));
    assert!(slow_admitted <= 8.0 && slow_held <= 4, "while the store was slow the worker admitted {slow_admitted:.1} on average and held no fewer than {slow_held} of 16");
    assert_eq!(fast_admitted, 16, "once it was fast again the worker admitted its full concurrency");
}
