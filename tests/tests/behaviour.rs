//! Behaviour of compiled workflows, with expectations from AWS's documentation (the ASL spec's
//! Retry example, the I/O-processing order, the timeout rules), on tokio's paused clock so
//! retries, waits and timeouts take no real time and are measured exactly.

use asl_runtime::{Env, Failure, TaskCall, TaskHandler, TokioClock, Value};
use serde_json::json;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

mod retry_catch { asl_macro::asl!("workflows/retry_catch.json"); }
mod io_processing { asl_macro::asl!("workflows/io_processing.json"); }
mod choice_wait { asl_macro::asl!("workflows/choice_wait.json"); }
mod timeouts { asl_macro::asl!("workflows/timeouts.json"); }
mod whole_timeout { asl_macro::asl!("workflows/whole_timeout.json"); }
mod intrinsic_catch { asl_macro::asl!("workflows/intrinsic_catch.json"); }
mod wait_until { asl_macro::asl!("workflows/wait_until.json"); }

/// Answers calls in order from a script; records each call's input and attempt.
#[derive(Default)]
struct Script {
    answers: Mutex<VecDeque<Result<Value, Failure>>>,
    calls: Mutex<Vec<(String, Value, u32)>>,
}

impl Script {
    fn new(answers: Vec<Result<Value, Failure>>) -> Self {
        Script { answers: Mutex::new(answers.into()), calls: Mutex::default() }
    }

    fn calls(&self) -> Vec<(String, Value, u32)> {
        self.calls.lock().unwrap().clone()
    }
}

impl TaskHandler for Script {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        self.calls.lock().unwrap().push((call.state.to_string(), call.input.clone(), call.context.attempt));
        self.answers.lock().unwrap().pop_front().unwrap_or_else(|| Err(Failure::bare("NoScriptedAnswer")))
    }
}

fn err(name: &str) -> Result<Value, Failure> {
    Err(Failure::new(name, format!("{name} happened")))
}

async fn run<M: asl_runtime::Machine, H: TaskHandler>(input: Value, tasks: H) -> (asl_runtime::Outcome, Duration, Env<H>) {
    let env = Env::with_clock(tasks, TokioClock::starting_at("2024-05-01T12:00:00Z".parse().unwrap())).seeded(7);
    let mut exec = asl_runtime::start::<M, _>("test-execution", input, &env.clock);
    let started = Instant::now();
    let outcome = asl_runtime::run::<M, _, _>(&mut exec, &env).await;
    (outcome, started.elapsed(), env)
}

#[tokio::test(start_paused = true)]
async fn retries_back_off_exponentially_up_to_max_delay() {
    let script = Script::new(vec![err("Transient"), err("Transient"), err("Transient"), Ok(json!("paid"))]);
    let (outcome, elapsed, env) = run::<retry_catch::Workflow, _>(json!({"order": 1}), script).await;
    assert_eq!(outcome.unwrap(), json!({"order": 1, "charge": "paid"}));
    // IntervalSeconds 2, BackoffRate 3, MaxDelaySeconds 10: waits of 2, 6 and min(18, 10) s.
    assert_eq!(elapsed, Duration::from_secs(2 + 6 + 10));
    let attempts: Vec<u32> = env.tasks.calls().iter().map(|c| c.2).collect();
    assert_eq!(attempts, [0, 1, 2, 3]);
}

#[tokio::test(start_paused = true)]
async fn an_exhausted_retrier_hands_over_to_the_catchers_not_to_later_retriers() {
    let script = Script::new(vec![err("Transient"), err("Transient"), err("Transient"), err("Transient")]);
    let (outcome, _, env) = run::<retry_catch::Workflow, _>(json!({"order": 2}), script).await;
    // The States.ALL retrier would allow one more attempt, but the first match decides.
    assert_eq!(env.tasks.calls().len(), 4);
    // Caught by the States.ALL catcher, whose ResultPath null keeps the raw input.
    assert_eq!(outcome.unwrap(), json!({"order": 2, "outcome": "other"}));
}

#[tokio::test(start_paused = true)]
async fn catcher_places_the_error_output_at_its_result_path() {
    let script = Script::new(vec![err("Fatal"), err("Fatal")]);
    let (outcome, elapsed, env) = run::<retry_catch::Workflow, _>(json!({"order": 3}), script).await;
    // "Fatal" is retried once by the States.ALL retrier (default IntervalSeconds 1).
    assert_eq!(env.tasks.calls().len(), 2);
    assert_eq!(elapsed, Duration::from_secs(1));
    assert_eq!(
        outcome.unwrap(),
        json!({"order": 3, "error": {"Error": "Fatal", "Cause": "Fatal happened"}, "outcome": "recovered"})
    );
}

#[tokio::test(start_paused = true)]
async fn io_processing_follows_aws_order() {
    let script = Script::new(vec![Ok(json!({"Item": {"price": 12.5, "other": 1}})), Ok(json!({"MessageId": "m"}))]);
    let input = json!({"order": {"id": "o-1", "lines": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 3}]}, "ignored": true});
    let (outcome, _, env) = run::<io_processing::Workflow, _>(input, script).await;
    let calls = env.tasks.calls();
    // Lookup's Parameters see Shape's output: the shaped object (OutputPath $.shaped).
    assert_eq!(calls[0].1, json!({"Key": "o-1"}));
    // Discard gets its whole input, including ResultSelector's output under $.lookup.
    assert_eq!(calls[1].1["lookup"], json!({"price": 12.5, "fixed": true}));
    assert_eq!(calls[1].1["literal"], json!("$.not-a-path"));
    assert_eq!(calls[1].1["nested"], json!({"first": "a", "all": ["a", "b"], "list": [1, {"qty": 3}]}));
    assert_eq!(calls[1].1["state"], json!("Shape"));
    assert_eq!(calls[1].1["execution"], json!("test-execution"));
    assert_eq!(calls[1].1["count"], json!(2));
    // Discard: ResultPath null keeps its input, OutputPath $.lookup; Empty: InputPath null is {}.
    assert_eq!(outcome.unwrap(), json!({}));
}

#[tokio::test(start_paused = true)]
async fn missing_input_path_is_a_runtime_error_naming_the_state_and_event() {
    let (outcome, _, _) = run::<io_processing::Workflow, _>(json!({"no_order": 1}), Script::default()).await;
    let failure = outcome.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert_eq!(
        failure.cause.as_deref(),
        Some("An error occurred while executing the state 'Shape' (entered at the event id #2). Invalid path '$.order' : No results for path: $['order']")
    );
}

#[tokio::test(start_paused = true)]
async fn choice_rules_and_waits() {
    let cases = [
        (json!({"kind": "seconds"}), Ok(json!("seconds")), 30),
        // Not(IsPresent) fails, Or's StringMatches path* matches.
        (json!({"kind": "seconds", "skip": 1, "delay": 7}), Err("no rule"), 0),
        (json!({"kind": "pathway", "delay": 7}), Ok(json!("pathway")), 7),
        (json!({"kind": "x", "n": 5, "limit": 4, "delay": 3}), Ok(json!("x")), 3),
        (json!({"kind": "x", "n": 0, "limit": 1, "at": "2024-05-01T12:01:40Z"}), Ok(json!("x")), 100),
        (json!({"kind": "x", "n": 0, "limit": 1, "at": "2031-01-01T00:00:00Z", "flag": true}), Ok(json!("x")), 0),
    ];
    for (input, expected, waited) in cases {
        let (outcome, elapsed, _) = run::<choice_wait::Workflow, _>(input.clone(), ()).await;
        match expected {
            Ok(v) => {
                assert_eq!(outcome.as_ref().ok(), Some(&v), "input {input}");
                assert_eq!(elapsed, Duration::from_secs(waited), "input {input}");
            }
            // {"kind": "seconds", "skip": 1}: And fails, Or's StringMatches fails ("seconds"),
            // NumericGreaterThanPath on a missing $.n is a States.Runtime error.
            Err(_) => assert_eq!(outcome.unwrap_err().error, "States.Runtime", "input {input}"),
        }
    }
}

/// TimestampPath: a timestamp with an offset waits until then (a past one not at all); a
/// string that is not an ISO-8601 extended offset date-time fails the execution with the
/// causes AWS recorded for these very strings (conformance cases
/// `scenarios/test_wait_timestamp_path_*`, whose inputs the recording anonymised).
#[tokio::test(start_paused = true)]
async fn timestamp_path_waits_until_then_or_fails_with_aws_causes() {
    // The test clock starts at 2024-05-01T12:00:00Z.
    for (at, waited) in [("2024-05-01T12:01:40Z", 100), ("2024-05-01T14:01:40+02:00", 100), ("2016-12-05T21:29:29Z", 0)] {
        let (outcome, elapsed, _) = run::<wait_until::Workflow, _>(json!({"TimestampValue": at}), ()).await;
        assert_eq!(outcome.unwrap(), json!({"TimestampValue": at}), "{at}");
        assert_eq!(elapsed, Duration::from_secs(waited), "{at}");
    }
    for bad in ["2016-12-05T21:29:29", "2016-13-05T21:29:29Z", "2016-12-05T25:29:29Z", "05-12-2016T21:29:29Z"] {
        let (outcome, elapsed, _) = run::<wait_until::Workflow, _>(json!({"TimestampValue": bad}), ()).await;
        let failure = outcome.unwrap_err();
        assert_eq!(failure.error, "States.Runtime", "{bad}");
        assert_eq!(
            failure.cause.as_deref(),
            Some(format!(
                "An error occurred while executing the state 'WaitUntil' (entered at the event id #2). The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == {bad}"
            ).as_str()),
        );
        assert_eq!(elapsed, Duration::ZERO, "{bad}");
    }
}

#[tokio::test(start_paused = true)]
async fn no_matching_rule_and_no_default_is_no_choice_matched() {
    // Route: kind is null → Nothing (Fail with ErrorPath/CausePath).
    let (outcome, _, _) = run::<choice_wait::Workflow, _>(json!({"kind": null, "why": "Empty", "n": 0, "limit": 1, "at": "2031-01-01T00:00:00Z", "flag": false}), ()).await;
    let failure = outcome.unwrap_err();
    assert_eq!((failure.error.as_str(), failure.cause.as_deref()), ("Empty", Some("kind was null")));
    // Route's Default leads to NoMatch, a Choice without Default.
    let (outcome, _, _) = run::<choice_wait::Workflow, _>(json!({"kind": "z", "n": 0, "limit": 1, "at": "2031-01-01T00:00:00Z", "flag": false}), ()).await;
    assert_eq!(outcome.unwrap_err().error, "States.NoChoiceMatched");
}

/// Heartbeats every `every` for `total`, then answers.
struct Heartbeats {
    every: Duration,
    total: Duration,
}

impl TaskHandler for Heartbeats {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        let mut spent = Duration::ZERO;
        while spent < self.total {
            tokio::time::sleep(self.every).await;
            spent += self.every;
            call.context.heartbeat();
        }
        Ok(json!("done"))
    }
}

#[tokio::test(start_paused = true)]
async fn heartbeats_keep_a_task_alive_until_its_timeout() {
    let alive = Heartbeats { every: Duration::from_secs(5), total: Duration::from_secs(30) };
    let (outcome, elapsed, _) = run::<timeouts::Workflow, _>(json!({}), alive).await;
    assert_eq!(outcome.unwrap(), json!("done"));
    assert_eq!(elapsed, Duration::from_secs(30));

    // Silent for longer than HeartbeatSeconds: States.Timeout at 10 s, which States.TaskFailed
    // does not catch.
    let silent = Heartbeats { every: Duration::from_secs(11), total: Duration::from_secs(11) };
    let (outcome, elapsed, _) = run::<timeouts::Workflow, _>(json!({}), silent).await;
    assert_eq!(outcome.unwrap_err().error, "States.Timeout");
    assert_eq!(elapsed, Duration::from_secs(10));

    // Heartbeating forever: TimeoutSeconds still ends it at 60 s.
    let forever = Heartbeats { every: Duration::from_secs(5), total: Duration::from_secs(3600) };
    let (outcome, elapsed, _) = run::<timeouts::Workflow, _>(json!({}), forever).await;
    assert_eq!(outcome.unwrap_err().error, "States.Timeout");
    assert_eq!(elapsed, Duration::from_secs(60));
}

struct Panics;

impl TaskHandler for Panics {
    async fn call(&self, _call: TaskCall) -> Result<Value, Failure> {
        panic!("boom")
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_handler_is_a_task_failure_naming_the_state() {
    let (outcome, _, _) = run::<timeouts::Workflow, _>(json!({}), Panics).await;
    // States.TaskFailed is caught by the Catcher → the Fail state.
    assert_eq!(outcome.unwrap_err().error, "CaughtTaskFailed");
    let (outcome, _, _) = run::<retry_catch::Workflow, _>(json!({}), Panics).await;
    assert_eq!(outcome.unwrap(), json!({"outcome": "other"}));
}

struct Huge;

impl TaskHandler for Huge {
    async fn call(&self, _call: TaskCall) -> Result<Value, Failure> {
        Ok(Value::String("x".repeat(300 * 1024)))
    }
}

#[tokio::test(start_paused = true)]
async fn results_over_256_kib_fail_with_data_limit_exceeded() {
    let (outcome, _, _) = run::<timeouts::Workflow, _>(json!({}), Huge).await;
    // States.DataLimitExceeded is a States.TaskFailed-matchable error here: caught.
    assert_eq!(outcome.unwrap_err().error, "CaughtTaskFailed");
}

#[tokio::test(start_paused = true)]
async fn an_input_over_256_kib_is_refused_before_any_state_runs() {
    let big = json!({ "blob": "x".repeat(262_144) });
    let (outcome, _, env) = run::<retry_catch::Workflow, _>(big, Script::default()).await;
    assert_eq!(outcome.unwrap_err().error, "States.DataLimitExceeded");
    assert!(env.tasks.calls().is_empty());
}

#[tokio::test(start_paused = true)]
async fn the_execution_timeout_ends_a_long_wait() {
    let (outcome, elapsed, _) = run::<whole_timeout::Workflow, _>(json!({}), ()).await;
    assert_eq!(outcome.unwrap_err().error, "States.Timeout");
    assert_eq!(elapsed, Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn an_intrinsic_failure_in_parameters_is_retried_and_caught() {
    let (outcome, elapsed, env) = run::<intrinsic_catch::Workflow, _>(json!({"items": [1, 2], "index": 5}), Script::default()).await;
    // Never called: the call's input could not be built. Two retries (1 s, 2 s), then caught.
    assert!(env.tasks.calls().is_empty());
    assert_eq!(elapsed, Duration::from_secs(3));
    let output = outcome.unwrap();
    assert_eq!(output["error"]["Error"], json!("States.IntrinsicFailure"));
    let (outcome, _, env) = run::<intrinsic_catch::Workflow, _>(json!({"items": [1, 2], "index": 1}), Script::new(vec![Ok(json!("ok"))])).await;
    assert_eq!(outcome.unwrap(), json!("ok"));
    assert_eq!(env.tasks.calls()[0].1, json!({"item": 2}));
}

mod context_everywhere { asl_macro::asl!("workflows/context_everywhere.json"); }

/// Answers with a body to parse and records the credentials it was handed.
#[derive(Default)]
struct Body {
    body: &'static str,
    credentials: Mutex<Option<Value>>,
}

impl TaskHandler for Body {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        *self.credentials.lock().unwrap() = call.credentials.clone();
        Ok(json!({ "body": self.body }))
    }
}

#[tokio::test(start_paused = true)]
async fn the_context_object_is_usable_wherever_a_path_is() {
    let input = json!({ "delay": 7, "role": "arn:aws:iam::1:role/r" });
    let (outcome, elapsed, env) = run::<context_everywhere::Workflow, _>(input, Body { body: "[1]", ..Body::default() }).await;
    assert_eq!(outcome.unwrap(), json!({ "state": "Call", "parsed": [1] }));
    assert_eq!(elapsed, Duration::from_secs(7), "SecondsPath read $$.Execution.Input.delay");
    assert_eq!(*env.tasks.credentials.lock().unwrap(), Some(json!({ "RoleArn": "arn:aws:iam::1:role/r" })));
}

#[tokio::test(start_paused = true)]
async fn an_intrinsic_failure_in_result_selector_goes_to_the_catchers() {
    let input = json!({ "delay": 0, "role": "r" });
    let (outcome, _, _) = run::<context_everywhere::Workflow, _>(input, Body { body: "not json", ..Body::default() }).await;
    let output = outcome.unwrap();
    assert_eq!(output["error"]["Error"], json!("States.IntrinsicFailure"), "{output}");
}

mod double { asl_macro::asl!("workflows/double.json"); }
mod large_literal { asl_macro::asl!("workflows/large_literal.json"); }
mod escaped_names { asl_macro::asl!("workflows/escaped_names.json"); }

/// `$['Test\"Name']` names the key `Test"Name` wherever a path is written: a Choice
/// Variable, InputPath, a `.$` value, an intrinsic's argument.
#[tokio::test(start_paused = true)]
async fn bracket_names_with_escaped_quotes_find_their_keys() {
    let (outcome, _, _) = run::<escaped_names::Workflow, _>(json!({ "Test\"Name": "x", "it's": 1, "list": [{ "Test\"Name": "x", "n": 1 }, { "n": 2 }] }), ()).await;
    assert_eq!(outcome.unwrap(), json!({ "plain": "x", "format": "got x", "double": "x", "single": 1, "raw": "x", "filtered": [1] }));
}

/// Literals of many values are kept as JSON text and read once: the same output, every run.
#[tokio::test(start_paused = true)]
async fn large_literals_come_out_as_written() {
    let items: Vec<u32> = (0..100).collect();
    for _ in 0..2 {
        let (outcome, _, _) = run::<large_literal::Workflow, _>(json!({ "x": 1 }), ()).await;
        assert_eq!(outcome.unwrap(), json!({ "constant": { "n": items }, "first": 0 }));
    }
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/workflows/large_literal.json")).unwrap();
    let generated = asl_codegen::format_tokens("large_literal.json", asl_codegen::compile_source(&text, "large_literal").unwrap());
    assert_eq!(generated.matches("literal_from_json").count(), 2, "{generated}");
}

#[tokio::test(start_paused = true)]
async fn a_state_output_over_256_kib_fails_the_execution_naming_the_state() {
    let input = json!({ "blob": "x".repeat(200 * 1024) });
    let (outcome, _, _) = run::<double::Workflow, _>(input, ()).await;
    let failure = outcome.unwrap_err();
    assert_eq!(failure.error, "States.DataLimitExceeded");
    assert!(failure.cause.unwrap().starts_with("The state 'Double' produced an output of 4096"), "400 KiB and a bit");
    let (outcome, _, _) = run::<double::Workflow, _>(json!({ "small": 1 }), ()).await;
    assert_eq!(outcome.unwrap(), json!({ "a": { "small": 1 }, "b": { "small": 1 } }));
}

/// An execution saved after any step and driven on from the saved copy ends as an
/// uninterrupted one does: all progress lives in the `Execution` value.
#[tokio::test(start_paused = true)]
async fn an_execution_resumes_from_its_serialized_form() {
    let input = json!({"order": {"id": "o-9", "lines": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]}});
    let answers = || Script::new(vec![Ok(json!({"Item": {"price": 3}})), Ok(json!({"MessageId": "m"}))]);
    let (uninterrupted, _, _) = run::<io_processing::Workflow, _>(input.clone(), answers()).await;
    for steps_before_saving in 1..4 {
        let env = Env::with_clock(answers(), TokioClock::starting_at("2024-05-01T12:00:00Z".parse().unwrap())).seeded(7);
        let mut exec = asl_runtime::start::<io_processing::Workflow, _>("test-execution", input.clone(), &env.clock);
        for _ in 0..steps_before_saving {
            asl_runtime::step_once::<io_processing::Workflow, _, _>(&mut exec, &env).await.unwrap();
        }
        let saved = serde_json::to_string(&exec).unwrap();
        let mut restored: asl_runtime::Execution<io_processing::State> = serde_json::from_str(&saved).unwrap();
        assert_eq!(restored.state(), exec.state());
        let resumed = asl_runtime::run::<io_processing::Workflow, _, _>(&mut restored, &env).await;
        assert_eq!(resumed, uninterrupted, "saved after {steps_before_saving} step(s)");
    }
}
