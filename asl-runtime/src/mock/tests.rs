//! The mock config as a whole: the file AWS documents, problems with their places, handlers
//! answering invocation by invocation.

use super::*;
use crate::error::names;
use crate::handler::TaskContext;
use serde_json::json;

/// AWS's documented example (Step Functions Local, "Configuration File for Mocked Service
/// Integrations"), verbatim.
const AWS_EXAMPLE: &str = include_str!("../../../tests/workflows/lambda_sqs_integration.mock.json");

fn call(state: &'static str, resource: &'static str, visit: u64, attempt: u32) -> TaskCall {
    let key = format!("exec/{state}/{visit}/{attempt}");
    TaskCall { state, resource, input: json!({}), credentials: None, context: TaskContext::new("exec".into(), key, attempt, None) }
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

/// The errors' `Display`, one a line.
fn problems(text: &str) -> Vec<String> {
    MockConfig::parse(text).unwrap_err().iter().map(ToString::to_string).collect()
}

#[test]
fn reads_aws_documented_example() {
    let config = MockConfig::parse(AWS_EXAMPLE).unwrap();
    assert_eq!(config.state_machines().collect::<Vec<_>>(), ["LambdaSQSIntegration"]);
    assert_eq!(config.test_cases("LambdaSQSIntegration").collect::<Vec<_>>(), ["HappyPath", "HybridPath", "RetryPath"]);
    let hybrid = config.handler("LambdaSQSIntegration", "HybridPath").unwrap();
    assert!(hybrid.mocks("LambdaState") && !hybrid.mocks("SQSState"));
}

#[test]
fn a_missing_machine_or_test_case_names_what_exists() {
    let config = MockConfig::parse(AWS_EXAMPLE).unwrap();
    let e = config.handler("Order", "HappyPath").unwrap_err().to_string();
    assert_eq!(e, "the mock config has no state machine 'Order' under StateMachines; it has: 'LambdaSQSIntegration'");
    let e = config.handler("LambdaSQSIntegration", "SadPath").unwrap_err().to_string();
    assert_eq!(e, "state machine 'LambdaSQSIntegration' of the mock config has no test case 'SadPath'; its TestCases are: 'HappyPath', 'HybridPath', 'RetryPath'");
}

#[test]
fn every_problem_is_reported_with_its_place_in_file_order() {
    let text = r#"{
  "StateMachines": {
    "Order": {
      "TestCases": {
        "Happy": {"Pay": "Missing", "Ship": 3, "Bill": "Broken"}
      }
    }
  },
  "MockedResponses": {
    "Broken": {
      "0": {"Return": 1, "Throw": {"Error": "E", "Cause": "c"}},
      "1": {},
      "2-1": {"Return": 1},
      "x": {"Return": 1},
      "3": {"Throw": {"Cause": "c", "Eror": "E"}}
    },
    "Gaps": {"1-2": {"Return": 1}, "4": {"Return": 2}, "6-7": {"Return": 3}},
    "Overlap": {"0-5": {"Return": 1}, "1": {"Return": 2}, "2-9": {"Return": 3}},
    "Empty": {},
    "a/b~": [1]
  },
  "Extra": true
}"#;
    assert_eq!(
        problems(text),
        [
            "5:19: /StateMachines/Order/TestCases/Happy/Pay: state 'Pay' names mocked response 'Missing', which \"MockedResponses\" does not define",
            "5:37: /StateMachines/Order/TestCases/Happy/Ship: the mock of state 'Ship' must name a mocked response, not be a number",
            "11:7: /MockedResponses/Broken/0: an answer has \"Return\" or \"Throw\", not both",
            "12:7: /MockedResponses/Broken/1: an answer needs \"Return\" (the Task's result) or \"Throw\" (its error and cause)",
            "13:7: /MockedResponses/Broken/2-1: invocation range '2-1' ends before it begins; write '1-2'",
            "14:7: /MockedResponses/Broken/x: 'x' is not an invocation number or range: write \"0\", \"1\" or a range like \"1-2\"",
            "15:13: /MockedResponses/Broken/3/Throw: Throw needs \"Error\", the error name Retry and Catch match",
            "15:37: /MockedResponses/Broken/3/Throw/Eror: unknown field 'Eror': Throw has \"Error\" and \"Cause\"",
            "17:14: /MockedResponses/Gaps/1-2: invocation 0 has no answer (the ranges begin at 0); every invocation up to the last needs one",
            "17:36: /MockedResponses/Gaps/4: invocation 3 has no answer (after '1-2'); every invocation up to the last needs one",
            "17:56: /MockedResponses/Gaps/6-7: invocation 5 has no answer (after '4'); every invocation up to the last needs one",
            "18:39: /MockedResponses/Overlap/1: invocations '1' overlap '0-5' (invocation 1 is in both); each invocation has one answer",
            "18:59: /MockedResponses/Overlap/2-9: invocations '2-9' overlap '0-5' (invocation 2 is in both); each invocation has one answer",
            "19:5: /MockedResponses/Empty: mocked response 'Empty' answers no invocation; add \"0\": {\"Return\": …}",
            "20:5: /MockedResponses/a~1b~0: mocked response 'a/b~' must be an object, not an array",
            "22:3: /Extra: unknown field 'Extra': a mock config has \"StateMachines\" and \"MockedResponses\"",
        ]
    );
}

#[test]
fn text_that_is_not_json_names_its_line() {
    assert_eq!(problems("{\n  \"StateMachines\": {,}\n}"), ["2:21: not JSON: key must be a string"]);
    assert_eq!(problems("[]"), ["1:1: a mock config must be an object, not an array"]);
    assert_eq!(problems(r#"{"StateMachines": {"M": {}}}"#), ["1:20: /StateMachines/M: state machine 'M' has no \"TestCases\""]);
}

#[test]
fn absurd_ranges_are_refused_and_huge_ones_cost_nothing() {
    let e = problems(r#"{"MockedResponses": {"R": {"0-99999999999": {"Return": 1}}}}"#);
    assert_eq!(e, ["1:28: /MockedResponses/R/0-99999999999: invocation number 99999999999 in '0-99999999999' is too large (at most 4294967295)"]);
    let config = MockConfig::parse(r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}}, "MockedResponses": {"R": {"0-4294967295": {"Return": 1}}}}"#);
    assert!(config.is_ok());
}

#[tokio::test]
async fn retries_walk_through_the_ranges_then_run_out() {
    let config = MockConfig::parse(AWS_EXAMPLE).unwrap();
    let mock = config.handler("LambdaSQSIntegration", "RetryPath").unwrap();
    let mut seen = Vec::new();
    for attempt in 0..5 {
        seen.push(mock.call(call("LambdaState", LAMBDA, 2, attempt)).await);
    }
    assert_eq!(seen[0], Err(Failure::new("Lambda.ResourceNotReadyException", "Lambda resource is not ready.")));
    assert_eq!(seen[1], Err(Failure::new("Lambda.TimeoutException", "Lambda timed out.")));
    assert_eq!(seen[2], seen[1]);
    assert_eq!(seen[3], Ok(json!({"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}})));
    let past = seen[4].clone().unwrap_err();
    assert_eq!(past.error, names::RUNTIME);
    assert_eq!(
        past.cause.unwrap(),
        "mocked response 'MockedLambdaRetry' has no answer for invocation 4 of Task state 'LambdaState' (Resource arn:aws:states:::lambda:invoke) \
         in test case 'RetryPath' of state machine 'LambdaSQSIntegration': it answers invocations 0-3; add a range for 4 to it in MockedResponses"
    );
}

#[tokio::test]
async fn a_state_entered_again_goes_on_counting() {
    let config = MockConfig::parse(AWS_EXAMPLE).unwrap();
    let mock = config.handler("LambdaSQSIntegration", "RetryPath").unwrap();
    assert!(mock.call(call("LambdaState", LAMBDA, 2, 0)).await.is_err());
    assert!(mock.call(call("LambdaState", LAMBDA, 2, 1)).await.is_err());
    // Caught and entered again (a new visit, attempt 0): invocation 2, then 3.
    assert_eq!(mock.call(call("LambdaState", LAMBDA, 9, 0)).await.unwrap_err().error, "Lambda.TimeoutException");
    assert!(mock.call(call("LambdaState", LAMBDA, 9, 1)).await.is_ok());
}

#[tokio::test]
async fn an_unmocked_state_fails_naming_how_to_mock_it_unless_another_handler_serves_it() {
    let config = MockConfig::parse(AWS_EXAMPLE).unwrap();
    let mock = config.handler("LambdaSQSIntegration", "HybridPath").unwrap();
    let sqs = "arn:aws:states:::sqs:sendMessage";
    let e = mock.call(call("SQSState", sqs, 5, 0)).await.unwrap_err();
    assert_eq!(e.error, names::RUNTIME);
    assert_eq!(
        e.cause.unwrap(),
        "no mocked response for Task state 'SQSState' (Resource arn:aws:states:::sqs:sendMessage) in test case 'HybridPath' \
         of state machine 'LambdaSQSIntegration'; add it to the mock config's TestCases"
    );

    struct Sqs;
    impl TaskHandler for Sqs {
        async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
            Ok(json!({"MessageId": "real", "state": call.state}))
        }
        fn activity_exists(&self, _: &str, _: &str) -> bool {
            false
        }
    }
    let both = mock.or(Sqs);
    assert_eq!(both.call(call("SQSState", sqs, 5, 0)).await.unwrap(), json!({"MessageId": "real", "state": "SQSState"}));
    assert_eq!(both.call(call("LambdaState", LAMBDA, 2, 0)).await.unwrap()["StatusCode"], 200);
    assert!(both.activity_exists("LambdaState", "arn:aws:states:us-east-1:1:activity:a"));
    assert!(!both.activity_exists("SQSState", "arn:aws:states:us-east-1:1:activity:a"));
}

#[tokio::test]
async fn a_callback_task_returns_the_mock_as_its_result() {
    let config = MockConfig::parse(AWS_EXAMPLE).unwrap();
    let mock = config.handler("LambdaSQSIntegration", "HappyPath").unwrap();
    let mut callback = call("SQSState", "arn:aws:states:::sqs:sendMessage.waitForTaskToken", 5, 0);
    callback.context = TaskContext::new("exec".into(), "exec/SQSState/5/0".into(), 0, Some("token".into()));
    assert_eq!(mock.call(callback).await.unwrap()["MessageId"], "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51");
}
