//! `asl serve` driven by the AWS SDK for Rust (aws-sdk-sfn): what its generated deserializers
//! make of our answers (timestamps as `DateTime`, lists, paging tokens) and that our errors
//! become its typed ones. The client speaks plain HTTP to 127.0.0.1 through aws-smithy's
//! hyper-1 client without TLS (see "Crates chosen" in ARCHITECTURE.md).

mod server;

use aws_sdk_sfn::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_sfn::error::ProvideErrorMetadata;
use aws_sdk_sfn::operation::create_state_machine::CreateStateMachineError;
use aws_sdk_sfn::operation::describe_execution::DescribeExecutionError;
use aws_sdk_sfn::operation::describe_state_machine::DescribeStateMachineError;
use aws_sdk_sfn::types::{ExecutionStatus, StateMachineType, ValidateStateMachineDefinitionResultCode};
use aws_sdk_sfn::Client;
use server::Server;
use std::time::{Duration, SystemTime};

const DEFINITION: &str = r#"{"StartAt": "Charge", "States": {"Charge": {"Type": "Task",
    "Resource": "arn:aws:lambda:us-east-1:123456789:function:charge", "End": true}}}"#;
const ROLE: &str = "arn:aws:iam::123456789:role/step-functions-role";
/// `Next` names no state, on line 3.
const BROKEN: &str = "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}}\n}";

/// Drops the `sync-` host prefix the SDK puts before the endpoint of StartSyncExecution and
/// TestState (AWS serves them from `sync-states.<region>.amazonaws.com`), which 127.0.0.1
/// cannot take. It runs after serialization, which sets the prefix, and before the endpoint
/// is applied to the request.
#[derive(Debug)]
struct NoHostPrefix;

impl aws_sdk_sfn::config::Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut aws_sdk_sfn::config::interceptors::BeforeTransmitInterceptorContextMut<'_>,
        _components: &aws_sdk_sfn::config::RuntimeComponents,
        cfg: &mut aws_sdk_sfn::config::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        cfg.interceptor_state().unset::<aws_smithy_runtime_api::client::endpoint::EndpointPrefix>();
        Ok(())
    }
}

/// A client of `server`: static credentials, no retries (an error must show at once), no
/// host prefix, and no profile, environment or IMDS look-ups, since the config is built here
/// rather than loaded.
fn client(server: &Server) -> Client {
    let http = aws_smithy_http_client::Builder::new().build_http();
    let config = aws_sdk_sfn::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .region(Region::new("us-east-1"))
        .endpoint_url(server.endpoint())
        .http_client(http)
        .retry_config(aws_sdk_sfn::config::retry::RetryConfig::disabled())
        .interceptor(NoHostPrefix)
        .build();
    Client::from_conf(config)
}

async fn machine(sfn: &Client, name: &str) -> String {
    let created = sfn
        .create_state_machine()
        .name(name)
        .definition(DEFINITION)
        .role_arn(ROLE)
        .r#type(StateMachineType::Standard)
        .send()
        .await
        .expect("created");
    created.state_machine_arn().to_string()
}

/// Within a minute of now: the server's clock is this machine's.
fn recent(date: &aws_sdk_sfn::primitives::DateTime) {
    let date = SystemTime::try_from(*date).expect("a DateTime in SystemTime's range");
    let skew = SystemTime::now().duration_since(date).unwrap_or_else(|e| e.duration());
    assert!(skew < Duration::from_secs(60), "{date:?} is not now");
}

#[tokio::test]
async fn state_machines_round_trip() {
    let server = Server::start();
    let sfn = client(&server);
    let created =
        sfn.create_state_machine().name("orders").definition(DEFINITION).role_arn(ROLE).r#type(StateMachineType::Standard).send().await.unwrap();
    let arn = created.state_machine_arn();
    assert!(arn.starts_with("arn:aws:states:") && arn.ends_with(":stateMachine:orders"), "{arn}");
    recent(created.creation_date());

    let described = sfn.describe_state_machine().state_machine_arn(arn).send().await.unwrap();
    assert_eq!(described.definition(), DEFINITION);
    assert_eq!((described.name(), described.role_arn()), ("orders", ROLE));
    assert_eq!(described.r#type(), &StateMachineType::Standard);
    assert_eq!(described.creation_date(), created.creation_date());

    machine(&sfn, "refunds").await;
    let listed = sfn.list_state_machines().send().await.unwrap();
    let mut names: Vec<&str> = listed.state_machines().iter().map(|m| m.name()).collect();
    names.sort();
    assert_eq!(names, ["orders", "refunds"]);
    assert!(listed.state_machines().iter().all(|m| m.r#type() == &StateMachineType::Standard));
}

#[tokio::test]
async fn executions_start_page_and_stop() {
    let server = Server::start();
    let sfn = client(&server);
    let arn = machine(&sfn, "orders").await;
    // An ARN of another account (and below, region): the server has one of each and resolves
    // the name, as the SDK's users write ARNs for AWS.
    let elsewhere = "arn:aws:states:us-east-1:123456789:stateMachine:orders";
    assert_ne!(arn, elsewhere);
    let started =
        sfn.start_execution().state_machine_arn(elsewhere).name("first").input(r#"{"order": 7}"#).send().await.unwrap();
    recent(started.start_date());
    let execution = started.execution_arn();

    let described = sfn.describe_execution().execution_arn(execution).send().await.unwrap();
    assert_eq!(described.status(), &ExecutionStatus::Running);
    assert_eq!((described.name(), described.state_machine_arn()), (Some("first"), arn.as_str()));
    assert_eq!(described.input(), Some(r#"{"order": 7}"#));
    assert_eq!(described.start_date(), started.start_date());
    assert_eq!(described.stop_date(), None);

    for (i, machine) in [(2, "arn:aws:states:eu-west-3:210987654321:stateMachine:orders"), (3, arn.as_str()), (4, &arn), (5, &arn)] {
        sfn.start_execution().state_machine_arn(machine).name(format!("run-{i}")).send().await.unwrap();
    }
    let pages: Vec<Vec<String>> = sfn
        .list_executions()
        .state_machine_arn(&arn)
        .max_results(2)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap()
        .iter()
        .map(|page| page.executions().iter().map(|e| e.name().to_string()).collect())
        .collect();
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1], "{pages:?}");
    let items = sfn.list_executions().state_machine_arn(&arn).max_results(2).into_paginator().items().send();
    let mut names: Vec<String> = items.try_collect().await.unwrap().iter().map(|e| e.name().to_string()).collect();
    names.sort();
    assert_eq!(names, ["first", "run-2", "run-3", "run-4", "run-5"]);

    let stopped = sfn.stop_execution().execution_arn(execution).error("Cancelled").cause("by the test").send().await.unwrap();
    recent(stopped.stop_date());
    let described = sfn.describe_execution().execution_arn(execution).send().await.unwrap();
    assert_eq!(described.status(), &ExecutionStatus::Aborted);
    assert_eq!(described.stop_date(), Some(stopped.stop_date()));
    assert_eq!((described.error(), described.cause()), (Some("Cancelled"), Some("by the test")));
}

#[tokio::test]
async fn errors_are_the_typed_errors() {
    let server = Server::start();
    let sfn = client(&server);

    let unknown = "arn:aws:states:us-east-1:123456789:execution:nope:x";
    let err = sfn.describe_execution().execution_arn(unknown).send().await.unwrap_err().into_service_error();
    assert!(matches!(err, DescribeExecutionError::ExecutionDoesNotExist(_)), "{err:?}");

    let err = sfn.create_state_machine().name("bad").definition(BROKEN).role_arn(ROLE).send().await.unwrap_err().into_service_error();
    let CreateStateMachineError::InvalidDefinition(invalid) = &err else { panic!("not InvalidDefinition: {err:?}") };
    let message = invalid.message().unwrap_or_default();
    assert!(message.contains("bad:3:") && message.contains("Nowhere"), "{message}");

    let activity = "arn:aws:states:us-east-1:123456789:activity:nope";
    let err = sfn.describe_state_machine().state_machine_arn(activity).send().await.unwrap_err().into_service_error();
    let DescribeStateMachineError::InvalidArn(invalid) = &err else { panic!("not InvalidArn: {err:?}") };
    assert!(invalid.message().unwrap_or_default().contains("activity"), "{invalid:?}");
    let err = sfn.describe_execution().execution_arn(activity).send().await.unwrap_err().into_service_error();
    assert!(matches!(err, DescribeExecutionError::InvalidArn(_)), "{err:?}");
    // The code and request id are read from the answer as well, not just the variant.
    assert_eq!(err.code(), Some("InvalidArn"));
}

#[tokio::test]
async fn validation_reports_where() {
    let server = Server::start();
    let sfn = client(&server);
    let ok = sfn.validate_state_machine_definition().definition(DEFINITION).send().await.unwrap();
    assert_eq!(ok.result(), &ValidateStateMachineDefinitionResultCode::Ok);
    assert!(ok.diagnostics().is_empty(), "{ok:?}");

    let failed =
        sfn.validate_state_machine_definition().definition(BROKEN).r#type(StateMachineType::Standard).send().await.unwrap();
    assert_eq!(failed.result(), &ValidateStateMachineDefinitionResultCode::Fail);
    let diagnostic = failed.diagnostics().iter().find(|d| d.message().contains("Nowhere")).expect("a diagnostic naming Nowhere");
    assert_eq!(diagnostic.code(), "SCHEMA_VALIDATION_FAILED");
    let location = diagnostic.location().unwrap_or_default();
    assert!(location.starts_with("line 3, column "), "{location}");
}

/// The two actions under the `sync-` host prefix, with the server's workers: an Express
/// execution run to its end, and a state tested on its own.
#[tokio::test]
async fn start_sync_execution_and_test_state() {
    let server = Server::with_workers(&[], &[]);
    let sfn = client(&server);
    let express = r#"{"StartAt": "Greet", "States": {"Greet": {"Type": "Pass", "Parameters": {"hello.$": "$.name"}, "End": true}}}"#;
    let arn = sfn
        .create_state_machine()
        .name("greeter")
        .definition(express)
        .role_arn(ROLE)
        .r#type(StateMachineType::Express)
        .send()
        .await
        .expect("created")
        .state_machine_arn()
        .to_string();
    let ran = sfn.start_sync_execution().state_machine_arn(&arn).input(r#"{"name": "sdk"}"#).send().await.expect("ran");
    assert_eq!(ran.status(), &aws_sdk_sfn::types::SyncExecutionStatus::Succeeded, "{ran:?}");
    assert_eq!(ran.output(), Some(r#"{"hello":"sdk"}"#));

    let tested = sfn
        .test_state()
        .definition(r#"{"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Big"}], "Default": "Small"}"#)
        .input(r#"{"n": 5}"#)
        .inspection_level(aws_sdk_sfn::types::InspectionLevel::Debug)
        .send()
        .await
        .expect("tested");
    assert_eq!((tested.status(), tested.next_state()), (Some(&aws_sdk_sfn::types::TestExecutionStatus::Succeeded), Some("Big")));
    assert_eq!(tested.inspection_data().and_then(|d| d.input()), Some(r#"{"n":5}"#));
}
