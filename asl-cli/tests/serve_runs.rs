//! `asl serve` running what it is given: the aws CLI registers a definition, starts executions
//! of it with a mock test case (`<arn>#<TestCase>`, as with AWS Step Functions Local), and
//! watches them end; the server compiles the definition into a worker on the way. A callback's
//! token is answered by a second client (boto3). The first test to run pays for the worker's
//! cold build.

mod server;
#[path = "../../tests/tests/aws/moto.rs"]
mod moto;

use server::{have, stdout_json, write, Server};
use std::time::{Duration, Instant};

const ORDER: &str = include_str!("../../examples/workflows/order.json");

/// Step Functions Local's format: the order workflow's three Tasks, a happy path, and a
/// path where validation throws InvalidOrderError and the Catch sends the order to
/// HandleInvalidOrder, which fails it as OrderRejected.
const MOCKS: &str = r#"{
  "StateMachines": {
    "order-workflow": {
      "TestCases": {
        "HappyPath": { "ValidateOrder": "Valid", "ProcessPayment": "Paid", "SendConfirmation": "Sent" },
        "InvalidOrder": { "ValidateOrder": "Invalid" }
      }
    }
  },
  "MockedResponses": {
    "Valid": { "0": { "Return": { "valid": true } } },
    "Paid": { "0": { "Return": { "id": "pay-1", "status": "CAPTURED" } } },
    "Sent": { "0": { "Return": { "MessageId": "m-1" } } },
    "Invalid": { "0": { "Throw": { "Error": "InvalidOrderError", "Cause": "no items" } } }
  }
}"#;

/// A build on a cold cache compiles the worker's dependencies: about 8 minutes of CPU, which
/// took 20 on a 2-core machine running two other builds.
const FIRST_BUILD: Duration = Duration::from_secs(1800);

/// `describe-execution`, until it is no longer RUNNING.
fn ended(server: &Server, execution: &str, limit: Duration) -> serde_json::Value {
    let until = Instant::now() + limit;
    loop {
        let described = stdout_json(&server.aws(&["describe-execution", "--execution-arn", execution]));
        if described["status"] != "RUNNING" || Instant::now() > until {
            return described;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn start(server: &Server, machine: &str, input: &str) -> String {
    let started = stdout_json(&server.aws(&["start-execution", "--state-machine-arn", machine, "--input", input]));
    started["executionArn"].as_str().unwrap().to_string()
}

#[test]
fn mocked_executions_run_to_success_and_to_a_caught_failure() {
    if !have("aws", &["--version"]) {
        return;
    }
    let server = Server::with_workers(&[("mocks.json", MOCKS)], &["--mock-config", "mocks.json"]);
    write(server.dir.path(), "workflow.json", ORDER);
    stdout_json(&server.aws(&[
        "create-state-machine", "--name", "order-workflow", "--definition", "file://workflow.json",
        "--role-arn", "arn:aws:iam::123456789:role/step-functions-role", "--type", "STANDARD",
    ]));
    let machine = "arn:aws:states:us-east-1:123456789:stateMachine:order-workflow";
    let input = r#"{"orderId": "ord-001", "total": 99.99}"#;

    let happy = start(&server, &format!("{machine}#HappyPath"), input);
    let done = ended(&server, &happy, FIRST_BUILD);
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let output: serde_json::Value = serde_json::from_str(done["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["confirmation"], serde_json::json!({"MessageId": "m-1"}), "{output}");

    let invalid = start(&server, &format!("{machine}#InvalidOrder"), input);
    let done = ended(&server, &invalid, Duration::from_secs(60));
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(done["error"], "OrderRejected", "{done}");

    // Without a test case the Tasks go to AWS, and a machine with no credentials fails at once
    // with the error the SDK's client gives.
    let unmocked = start(&server, machine, input);
    let done = ended(&server, &unmocked, Duration::from_secs(60));
    assert_eq!(done["status"], "FAILED", "{done}");
    assert_eq!(done["error"], "Lambda.SdkClientException", "{done}");
    assert!(done["cause"].as_str().unwrap().starts_with("Unable to load AWS credentials from any provider in the chain"), "{done}");
}

const APPROVAL: &str = r#"{
  "StartAt": "RequestApproval",
  "States": {
    "RequestApproval": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": { "QueueUrl.$": "$.queue", "MessageBody": { "token.$": "$$.Task.Token" } },
      "End": true
    }
  }
}"#;

#[test]
fn a_callback_waits_until_a_consumer_of_its_queue_sends_the_token() {
    if !have("aws", &["--version"]) || !have("python3", &["-c", "import boto3"]) {
        return;
    }
    let Some(moto) = moto::moto() else { return };
    let queue = moto.boto3("print(json.dumps(client('sqs').create_queue(QueueName='cli-approvals')['QueueUrl']))").unwrap();
    let queue = queue.as_str().unwrap();
    let mut env = moto::ENV.to_vec();
    env.push(("AWS_ENDPOINT_URL", &moto.url));
    let server = Server::with_workers_env(&[], &[], &env);
    write(server.dir.path(), "approval.json", APPROVAL);
    let created = stdout_json(&server.aws(&["create-state-machine", "--name", "approval", "--definition", "file://approval.json", "--role-arn", "arn:aws:iam::123456789:role/r"]));
    let machine = created["stateMachineArn"].as_str().unwrap().to_string();
    let execution = start(&server, &machine, &serde_json::json!({ "queue": queue }).to_string());
    // The consumer: boto3 takes the message the workflow sent to moto's SQS and answers its
    // token through asl serve.
    let script = format!(
        r#"import boto3, json, os, time
sqs = boto3.client("sqs", endpoint_url={moto:?}, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
deadline = time.time() + {limit}
while time.time() < deadline:
    messages = sqs.receive_message(QueueUrl={queue:?}, WaitTimeSeconds=2).get("Messages", [])
    if messages:
        token = json.loads(messages[0]["Body"])["token"]
        sfn = boto3.client("stepfunctions", endpoint_url=os.environ["ENDPOINT"])
        sfn.send_task_success(taskToken=token, output='{{"approved": true}}')
        print("sent")
        break
else:
    raise SystemExit("no message came")
"#,
        moto = moto.url,
        limit = FIRST_BUILD.as_secs(),
    );
    let sent = server.python(&script);
    assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
    let done = ended(&server, &execution, Duration::from_secs(60));
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let output: serde_json::Value = serde_json::from_str(done["output"].as_str().unwrap()).unwrap();
    assert_eq!(output, serde_json::json!({"approved": true}));
}

/// Two definitions of one machine, each a Pass state with its own Result.
fn labelled(label: &str) -> String {
    format!(r#"{{"StartAt": "Label", "States": {{"Label": {{"Type": "Pass", "Result": {{"ran": "{label}"}}, "End": true}}}}}}"#)
}

#[test]
fn a_version_and_an_alias_run_the_definition_they_name() {
    if !have("aws", &["--version"]) {
        return;
    }
    let server = Server::with_workers(&[], &[]);
    write(server.dir.path(), "one.json", &labelled("one"));
    write(server.dir.path(), "two.json", &labelled("two"));
    let created = stdout_json(&server.aws(&[
        "create-state-machine", "--name", "labelled", "--definition", "file://one.json", "--role-arn", "arn:aws:iam::123456789:role/r", "--publish",
    ]));
    let machine = created["stateMachineArn"].as_str().unwrap().to_string();
    let v1 = created["stateMachineVersionArn"].as_str().unwrap().to_string();
    let updated = stdout_json(&server.aws(&["update-state-machine", "--state-machine-arn", &machine, "--definition", "file://two.json", "--publish"]));
    assert_eq!(updated["stateMachineVersionArn"], format!("{machine}:2"), "{updated}");
    let routing = format!(r#"[{{"stateMachineVersionArn": "{v1}", "weight": 100}}]"#);
    let alias = stdout_json(&server.aws(&["create-state-machine-alias", "--name", "stable", "--routing-configuration", &routing]));
    let alias = alias["stateMachineAliasArn"].as_str().unwrap().to_string();

    let ran = |target: &str, limit| {
        let done = ended(&server, &start(&server, target, "{}"), limit);
        assert_eq!(done["status"], "SUCCEEDED", "{done}");
        serde_json::from_str::<serde_json::Value>(done["output"].as_str().unwrap()).unwrap()["ran"].clone()
    };
    assert_eq!(ran(&alias, FIRST_BUILD), "one", "the alias routes to version 1");
    assert_eq!(ran(&machine, Duration::from_secs(120)), "two", "the machine runs its current definition");
    assert_eq!(ran(&v1, Duration::from_secs(120)), "one");
}

/// TestState through boto3: each state compiled and run once, its answer as AWS shapes it.
/// The first call may pay the worker's cold build (boto3 waits for it).
#[test]
fn test_state_runs_one_state_compiled() {
    if !have("python3", &["-c", "import boto3"]) {
        return;
    }
    let server = Server::with_workers(&[], &[]);
    server::python_ok(&server, server::BOTO3_CLIENT, r#"
pass_state = json.dumps({"Type": "Pass", "Parameters": {"total.$": "$.amount"}, "ResultPath": "$.charged", "Next": "Charge"})
a = sfn.test_state(definition=pass_state, input='{"amount": 5}', inspectionLevel='DEBUG')
assert (a['status'], a['nextState'], json.loads(a['output'])) == ('SUCCEEDED', 'Charge', {"amount": 5, "charged": {"total": 5}}), a
assert json.loads(a['inspectionData']['input']) == {"amount": 5}, a

choice = json.dumps({"Type": "Choice", "Choices": [{"Variable": "$.amount", "NumericGreaterThan": 100, "Next": "Review"}], "Default": "Approve"})
assert sfn.test_state(definition=choice, input='{"amount": 500}')['nextState'] == 'Review'
assert sfn.test_state(definition=choice, input='{"amount": 5}')['nextState'] == 'Approve'

task = json.dumps({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
    "ResultSelector": {"paid.$": "$.Payload.paid"}, "End": True,
    "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}],
    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Refund"}]})
ok = sfn.test_state(definition=task, input='{"amount": 5}', inspectionLevel='DEBUG', mock={'result': '{"Payload": {"paid": true}}'})
assert (ok['status'], json.loads(ok['output'])) == ('SUCCEEDED', {"paid": True}) and 'nextState' not in ok, ok
assert json.loads(ok['inspectionData']['afterParameters']) == {"FunctionName": "charge", "Payload": {"amount": 5}}, ok
assert json.loads(ok['inspectionData']['result']) == {"Payload": {"paid": True}}, ok
busy = sfn.test_state(definition=task, inspectionLevel='DEBUG', mock={'errorOutput': {'error': 'Busy', 'cause': 'try later'}},
                      stateConfiguration={'retrierRetryCount': 1})
assert (busy['status'], busy['error'], busy['cause']) == ('RETRIABLE', 'Busy', 'try later'), busy
assert busy['inspectionData']['errorDetails'] == {'retryIndex': 0, 'retryBackoffIntervalSeconds': 4}, busy
caught = sfn.test_state(definition=task, inspectionLevel='DEBUG', mock={'errorOutput': {'error': 'Declined', 'cause': 'card'}})
assert (caught['status'], caught['nextState'], caught['inspectionData']['errorDetails']) == ('CAUGHT_ERROR', 'Refund', {'catchIndex': 0}), caught
assert json.loads(caught['output']) == {"Error": "Declined", "Cause": "card"}, caught

fail = sfn.test_state(definition=json.dumps({"Type": "Fail", "Error": "Rejected", "Cause": "too big"}))
assert (fail['status'], fail['error'], fail['cause']) == ('FAILED', 'Rejected', 'too big'), fail
machine = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "Next": "B"}, "B": {"Type": "Succeed"}}})
assert sfn.test_state(definition=machine, stateName='A')['output'] == '1'

raises('InvalidDefinition', sfn.test_state, definition=json.dumps({"Type": "Map", "ItemProcessor": {}, "End": True}))
branch = lambda name: {"StartAt": name, "States": {name: {"Type": "Succeed"}}}
parallel = json.dumps({"Type": "Parallel", "Branches": [branch("A"), branch("B")], "ResultPath": "$.both", "Next": "After"})
both = sfn.test_state(definition=parallel, input='{"x": 1}', mock={'result': '[1, 2]'})
assert (both['status'], both['nextState'], json.loads(both['output'])) == ('SUCCEEDED', 'After', {"x": 1, "both": [1, 2]}), both
raises('ValidationException', sfn.test_state, definition=parallel, mock={'result': '[1]'})
raises('ValidationException', sfn.test_state, definition=task)
raises('ValidationException', sfn.test_state, definition=pass_state, mock={'result': '{}'})
raises('InvalidDefinition', sfn.test_state, definition=json.dumps({"Type": "Pass", "Nxt": "B"}))
"#);
}

/// A distributed Map over the input that tolerates one failed iteration.
const BATCH: &str = include_str!("../../tests/workflows/distributed_tolerant.json");

#[test]
fn a_distributed_map_is_listed_and_described_as_a_map_run() {
    if !have("aws", &["--version"]) {
        return;
    }
    let server = Server::with_workers(&[], &[]);
    write(server.dir.path(), "batch.json", BATCH);
    let created = stdout_json(&server.aws(&["create-state-machine", "--name", "batch", "--definition", "file://batch.json", "--role-arn", "arn:aws:iam::123456789:role/r"]));
    let machine = created["stateMachineArn"].as_str().unwrap().to_string();
    let execution = start(&server, &machine, r#"{"items": [{"ok": true}, {"ok": false}, {"ok": true}, {"ok": true}]}"#);
    let done = ended(&server, &execution, FIRST_BUILD);
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    let runs = stdout_json(&server.aws(&["list-map-runs", "--execution-arn", &execution]));
    let run_arn = runs["mapRuns"][0]["mapRunArn"].as_str().unwrap().to_string();
    assert!(run_arn.contains(":mapRun:batch/Batch:"), "{runs}");
    let run = stdout_json(&server.aws(&["describe-map-run", "--map-run-arn", &run_arn]));
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(run["itemCounts"]["total"], 4, "{run}");
    assert_eq!((run["executionCounts"]["succeeded"].as_u64(), run["executionCounts"]["failed"].as_u64()), (Some(3), Some(1)), "{run}");
    assert_eq!((run["maxConcurrency"].as_u64(), run["toleratedFailureCount"].as_u64()), (Some(2), Some(1)), "{run}");
}
