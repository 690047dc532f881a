//! `asl serve` driven by the AWS CLI (`aws --endpoint-url ... stepfunctions`), with the
//! commands a user copies from AWS's documentation, verbatim but for the endpoint.

mod server;

use server::{have, stdout_json, write, Server};

const WORKFLOW: &str = r#"{
  "Comment": "An order workflow",
  "StartAt": "Validate",
  "States": {
    "Validate": { "Type": "Pass", "Next": "Charge" },
    "Charge": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789:function:charge", "End": true }
  }
}"#;

#[test]
fn the_aws_cli_creates_starts_lists_and_describes() {
    if !have("aws", &["--version"]) {
        return;
    }
    let mut server = Server::start();
    write(server.dir.path(), "workflow.json", WORKFLOW);
    let created = stdout_json(&server.aws(&[
        "create-state-machine", "--name", "order-workflow", "--definition", "file://workflow.json",
        "--role-arn", "arn:aws:iam::123456789:role/step-functions-role", "--type", "STANDARD",
    ]));
    let machine = created["stateMachineArn"].as_str().unwrap();
    assert!(machine.ends_with(":stateMachine:order-workflow"), "{created}");
    // AWS CLI v1 prints the epoch seconds it read as they came; v2 formats them as ISO 8601.
    assert!(created["creationDate"].is_number() || created["creationDate"].is_string(), "{created}");

    // The ARN the user writes names another account and region than ours: found by name.
    let started = stdout_json(&server.aws(&[
        "start-execution", "--state-machine-arn", "arn:aws:states:us-east-1:123456789:stateMachine:order-workflow",
        "--input", r#"{"orderId": "ord-001", "amount": 99.99}"#,
    ]));
    let execution = started["executionArn"].as_str().unwrap().to_string();
    assert!(execution.contains(":execution:order-workflow:"), "{started}");

    let listed = stdout_json(&server.aws(&["list-executions", "--state-machine-arn", machine]));
    let executions = listed["executions"].as_array().unwrap();
    assert_eq!(executions.len(), 1, "{listed}");
    assert_eq!((executions[0]["executionArn"].as_str(), executions[0]["status"].as_str()), (Some(execution.as_str()), Some("RUNNING")));

    let described = stdout_json(&server.aws(&["describe-execution", "--execution-arn", &execution]));
    assert_eq!(described["status"], "RUNNING");
    assert_eq!(described["input"], r#"{"orderId": "ord-001", "amount": 99.99}"#);
    assert!(described["startDate"].as_f64().is_some_and(|d| d > 1.7e9) || described["startDate"].is_string(), "{described}");

    // A service error: the CLI's line, and its exit code for one (255 in v1, 254 in v2).
    let missing = server.aws(&["describe-state-machine", "--state-machine-arn", "arn:aws:states:us-east-1:123456789:stateMachine:nope"]);
    assert!(matches!(missing.status.code(), Some(254 | 255)), "{:?}", missing.status);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("An error occurred (StateMachineDoesNotExist) when calling the DescribeStateMachine operation: State Machine Does Not Exist:"),
        "{stderr}"
    );

    let status = server.terminate();
    assert!(status.success(), "SIGTERM ends asl serve cleanly: {status:?}");
}
