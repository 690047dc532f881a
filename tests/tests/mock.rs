//! A workflow tested as with AWS Step Functions Local: AWS's LambdaSQSIntegration example and
//! its mock config file (`workflows/lambda_sqs_integration*.json`, the file unchanged), each test
//! case run on tokio's paused clock with the outcome AWS's documentation gives for it.

use asl_runtime::mock::{MockConfig, MockHandler};
use asl_runtime::{Env, Failure, TaskCall, TaskHandler, TokioClock, Value};
use serde_json::json;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

mod lambda_sqs { asl_macro::asl!("workflows/lambda_sqs_integration.json"); }

const MOCK_CONFIG: &str = include_str!("../workflows/lambda_sqs_integration.mock.json");

/// Records each call's state, attempt and input, then lets `inner` answer.
struct Recording<H> {
    inner: H,
    calls: Mutex<Vec<(&'static str, u32, Value)>>,
}

impl<H: TaskHandler> TaskHandler for Recording<H> {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        self.calls.lock().unwrap().push((call.state, call.context.attempt, call.input.clone()));
        self.inner.call(call).await
    }
}

impl<H> Recording<H> {
    fn calls(&self) -> Vec<(&'static str, u32)> {
        self.calls.lock().unwrap().iter().map(|(s, a, _)| (*s, *a)).collect()
    }

    fn input_of(&self, state: &str) -> Value {
        self.calls.lock().unwrap().iter().find(|c| c.0 == state).map(|c| c.2.clone()).unwrap_or_default()
    }
}

fn test_case(name: &str) -> MockHandler {
    MockConfig::parse(MOCK_CONFIG).unwrap().handler("LambdaSQSIntegration", name).unwrap()
}

async fn run<H: TaskHandler>(tasks: H) -> (asl_runtime::Outcome, Duration, Recording<H>) {
    let recording = Recording { inner: tasks, calls: Mutex::default() };
    let env = Env::with_clock(recording, TokioClock::starting_at("2024-05-01T12:00:00Z".parse().unwrap()));
    let mut exec = asl_runtime::start::<lambda_sqs::Workflow, _>("mock-test", json!({"order": 7}), &env.clock);
    let started = Instant::now();
    let outcome = asl_runtime::run::<lambda_sqs::Workflow, _, _>(&mut exec, &env).await;
    (outcome, started.elapsed(), env.tasks)
}

const LAMBDA_RESULT: &str = r#"{"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}"#;

fn sqs_result() -> Value {
    json!({"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51", "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"})
}

#[tokio::test(start_paused = true)]
async fn happy_path_returns_the_mocked_lambda_and_sqs_responses() {
    let (outcome, elapsed, calls) = run(test_case("HappyPath")).await;
    assert_eq!(outcome.unwrap(), sqs_result());
    assert_eq!(calls.calls(), [("LambdaState", 0), ("SQSState", 0)]);
    // The Lambda mock's Return is LambdaState's result, which SQSState sends as the message.
    let lambda: Value = serde_json::from_str(LAMBDA_RESULT).unwrap();
    assert_eq!(calls.input_of("SQSState")["MessageBody"], lambda);
    assert_eq!(elapsed, Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn retry_path_fails_three_times_then_succeeds_on_the_third_retry() {
    let (outcome, elapsed, calls) = run(test_case("RetryPath")).await;
    assert_eq!(outcome.unwrap(), sqs_result());
    // Invocation 0 throws ResourceNotReady, 1-2 throw Timeout, 3 returns: four attempts.
    assert_eq!(calls.calls(), [("LambdaState", 0), ("LambdaState", 1), ("LambdaState", 2), ("LambdaState", 3), ("SQSState", 0)]);
    // IntervalSeconds 2, BackoffRate 2: waits of 2, 4 and 8 seconds.
    assert_eq!(elapsed, Duration::from_secs(2 + 4 + 8));
}

/// Step Functions Local calls the real SQS endpoint for the state HybridPath leaves out; here
/// the handler behind the mock does.
#[tokio::test(start_paused = true)]
async fn hybrid_path_sends_unmocked_states_to_the_handler_behind() {
    struct Sqs;
    impl TaskHandler for Sqs {
        async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
            Ok(json!({"MessageId": "from-the-real-queue", "QueueUrl": call.input["QueueUrl"].clone()}))
        }
    }
    let (outcome, _, calls) = run(test_case("HybridPath").or(Sqs)).await;
    assert_eq!(outcome.unwrap(), json!({"MessageId": "from-the-real-queue", "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/myQueue"}));
    assert_eq!(calls.calls(), [("LambdaState", 0), ("SQSState", 0)]);
}

/// Alone, the mock fails the execution at the unmocked state, with States.Runtime (which the
/// States.ALL Catcher does not catch: the test is wrong, not the workflow).
#[tokio::test(start_paused = true)]
async fn hybrid_path_alone_fails_at_the_unmocked_state_saying_how_to_mock_it() {
    let (outcome, _, _) = run(test_case("HybridPath")).await;
    let failure = outcome.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    // AWS's States.Runtime preamble, then the mock's cause.
    assert_eq!(
        failure.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'SQSState' (entered at the event id #7). \
             no mocked response for Task state 'SQSState' (Resource arn:aws:states:::sqs:sendMessage) in test case 'HybridPath' \
             of state machine 'LambdaSQSIntegration'; add it to the mock config's TestCases"
        )
    );
}

/// A Throw on every attempt: the retries run out and the Catcher takes the mocked error.
#[tokio::test(start_paused = true)]
async fn thrown_errors_exhaust_the_retrier_and_reach_the_catcher() {
    let config = r#"{
      "StateMachines": {"LambdaSQSIntegration": {"TestCases": {"CatchPath": {"LambdaState": "NeverReady"}}}},
      "MockedResponses": {
        "NeverReady": {"0-3": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}}}
      }
    }"#;
    let mock = MockConfig::parse(config).unwrap().handler("LambdaSQSIntegration", "CatchPath").unwrap();
    let (outcome, elapsed, calls) = run(mock).await;
    assert_eq!(
        outcome.unwrap(),
        json!({"order": 7, "error": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}})
    );
    assert_eq!(calls.calls().len(), 4);
    assert_eq!(elapsed, Duration::from_secs(2 + 4 + 8));
}

/// A Throw range that ends before the retries do: the fifth call has no answer.
#[tokio::test(start_paused = true)]
async fn an_invocation_past_the_last_range_fails_the_execution() {
    let config = r#"{
      "StateMachines": {"LambdaSQSIntegration": {"TestCases": {"Short": {"LambdaState": "Once"}}}},
      "MockedResponses": {"Once": {"0": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}}}}
    }"#;
    let mock = MockConfig::parse(config).unwrap().handler("LambdaSQSIntegration", "Short").unwrap();
    let (outcome, _, calls) = run(mock).await;
    let failure = outcome.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert!(failure.cause.unwrap().contains(". mocked response 'Once' has no answer for invocation 1 of Task state 'LambdaState'"));
    assert_eq!(calls.calls(), [("LambdaState", 0), ("LambdaState", 1)]);
}
