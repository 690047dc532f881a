//! [`AwsHandler`]: the [`TaskHandler`] that performs a Task's Resource as AWS Step Functions
//! does, and [`coverage`], which says beforehand whether it serves a Resource.

use crate::client::AwsClient;
use crate::config::AwsConfig;
use crate::resource::{Pattern, Resource};
use crate::services::http::HttpConnections;
use crate::services::sts::Roles;
use crate::services::{dynamodb, events, http, jobs, lambda, s3, sdk, sns, sqs};
use asl_runtime::error::names;
use asl_runtime::{Failure, TaskCall, TaskHandler, Value};
use std::sync::Arc;

/// Whether [`AwsHandler`] performs a Resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// It calls the service.
    Served,
    /// An AWS integration it does not serve, by AWS's name for it (`ecs:runTask.sync`): a
    /// call fails with `States.Runtime` saying so.
    NotServed(String),
    /// Not an AWS integration: an activity, or a name of the user's own.
    NotAws,
}

/// What [`AwsHandler`] does with `resource`.
pub fn coverage(resource: &str) -> Coverage {
    match Integration::of(resource) {
        Ok(_) => Coverage::Served,
        Err(None) => Coverage::NotAws,
        Err(Some(name)) => Coverage::NotServed(name),
    }
}

/// A served integration, resolved from its Resource once: the one table of what is served.
enum Integration<'a> {
    LambdaFunction { arn: &'a str, region: &'a str },
    LambdaInvoke,
    DynamoDb(&'static str),
    SqsSendMessage,
    SnsPublish,
    EventsPutEvents,
    HttpInvoke,
    BedrockInvokeModel,
    /// A Glue, Athena, ECS or Batch job; `sync`: wait for its end.
    Job { job: jobs::Job, sync: bool },
    S3(&'a str),
    Sdk(&'static sdk::SdkService, &'a str),
}

impl<'a> Integration<'a> {
    /// The integration `resource` names; else `Err(Some(name))` for an AWS integration not
    /// served, `Err(None)` for no AWS integration at all.
    fn of(resource: &'a str) -> Result<Integration<'a>, Option<String>> {
        let parsed = Resource::parse(resource);
        let waits_or_not = |p: Pattern| matches!(p, Pattern::RequestResponse | Pattern::WaitForTaskToken);
        let request_response = |p: Pattern| p == Pattern::RequestResponse;
        let found = match parsed {
            Resource::LambdaFunction { arn, region } => Some(Integration::LambdaFunction { arn, region }),
            Resource::Optimized { service, action, pattern } => match (service, action) {
                ("lambda", "invoke") if waits_or_not(pattern) => Some(Integration::LambdaInvoke),
                ("sqs", "sendMessage") if waits_or_not(pattern) => Some(Integration::SqsSendMessage),
                ("sns", "publish") if waits_or_not(pattern) => Some(Integration::SnsPublish),
                ("events", "putEvents") if waits_or_not(pattern) => Some(Integration::EventsPutEvents),
                ("dynamodb", action) if request_response(pattern) => dynamodb::operation(action).map(Integration::DynamoDb),
                ("http", "invoke") if request_response(pattern) => Some(Integration::HttpInvoke),
                ("bedrock", "invokeModel") if request_response(pattern) => Some(Integration::BedrockInvokeModel),
                (service, action) if pattern != Pattern::Sync2 => jobs::Job::of(service, action).map(|job| Integration::Job { job, sync: pattern == Pattern::Sync }),
                _ => None,
            },
            Resource::Sdk { service: "s3", action, pattern } if waits_or_not(pattern) => s3::ACTIONS.contains(&action).then_some(Integration::S3(action)),
            Resource::Sdk { service, action, pattern } if waits_or_not(pattern) => sdk::find(service).map(|s| Integration::Sdk(s, action)),
            Resource::Sdk { .. } => None,
            Resource::Activity | Resource::Other => return Err(None),
        };
        found.ok_or_else(|| Some(parsed.integration_name()))
    }
}

/// Performs Task states by their Resource against AWS (or the endpoints configured): Lambda,
/// DynamoDB, SQS, SNS, EventBridge, S3, the JSON-protocol services of the `aws-sdk:` form, and
/// `http:invoke`. A service's error fails the Task with AWS's name for it, so the workflow's
/// Retry and Catch see what they would see at AWS. For `.waitForTaskToken` it makes the call
/// that hands the token out; the wait for the answer is the engine's. Clones share the
/// connection pool and credentials.
#[derive(Clone)]
pub struct AwsHandler {
    client: AwsClient,
    connections: HttpConnections,
    roles: Arc<Roles>,
}

impl AwsHandler {
    pub fn new(config: AwsConfig) -> Self {
        AwsHandler { client: AwsClient::new(config), connections: HttpConnections::default(), roles: Arc::default() }
    }

    /// The configuration the AWS CLI would use ([`AwsConfig::from_env`]), and the `http:invoke`
    /// connections of `ASL_HTTP_CONNECTIONS`.
    pub async fn from_env() -> Result<Self, String> {
        let connections = HttpConnections::from_env()?;
        Ok(Self::new(AwsConfig::from_env().await).with_connections(connections))
    }

    /// The connections `http:invoke` Tasks may name.
    pub fn with_connections(mut self, connections: HttpConnections) -> Self {
        self.connections = connections;
        self
    }

    pub fn client(&self) -> &AwsClient {
        &self.client
    }

    /// The result of the Task whose Resource is `resource`, from its effective input.
    pub async fn perform(&self, resource: &str, input: &Value) -> Result<Value, Failure> {
        self.perform_with(&self.client, resource, input).await
    }

    async fn perform_with(&self, client: &AwsClient, resource: &str, input: &Value) -> Result<Value, Failure> {
        let integration = match Integration::of(resource) {
            Ok(integration) => integration,
            Err(Some(name)) => return Err(not_served(resource, &name)),
            Err(None) => {
                let cause = format!("The Resource '{resource}' names no AWS service integration: bind the state with a TaskHandler of your own");
                return Err(Failure::new(names::RUNTIME, cause));
            }
        };
        match integration {
            Integration::LambdaFunction { arn, region } => lambda::invoke_function(client, arn, region, input).await,
            Integration::LambdaInvoke => lambda::invoke(client, input).await,
            Integration::DynamoDb(operation) => dynamodb::call(client, operation, input).await,
            Integration::SqsSendMessage => sqs::send_message(client, input).await,
            Integration::SnsPublish => sns::publish(client, input).await,
            Integration::EventsPutEvents => events::put_events(client, input).await,
            Integration::HttpInvoke => http::invoke(client, &self.connections, input).await,
            Integration::BedrockInvokeModel => jobs::invoke_model(client, input).await,
            Integration::Job { job, sync } => jobs::call(client, job, input, sync).await,
            Integration::S3(action) => s3::call(client, action, input).await,
            Integration::Sdk(service, action) => service.call(client, action, input).await,
        }
    }
}

impl TaskHandler for AwsHandler {
    /// A Task with `Credentials` is signed as the role it names, assumed with STS by the
    /// configured credentials.
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        if Resource::parse(call.resource).pattern() == Pattern::WaitForTaskToken && !call.context.awaits_token() {
            let cause = format!(
                "Task state '{}' is a callback ({}): it needs a durable run, which waits for the answer sent for its token \
                 (asl-engine's Worker, asl serve or asl run); in a plain run the handler's answer would be taken as the callback's",
                call.state, call.resource
            );
            return Err(Failure::new(names::RUNTIME, cause));
        }
        let Some(credentials) = &call.credentials else { return self.perform(call.resource, &call.input).await };
        let Some(role) = credentials.get("RoleArn").and_then(Value::as_str) else {
            return Err(Failure::new(names::RUNTIME, format!("Task state '{}': its Credentials ({credentials}) name no RoleArn", call.state)));
        };
        // Session names are at most 64 characters of [\w+=,.@-].
        let session: String = format!("asl-{}", call.context.execution_id).chars().filter(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(*c)).take(64).collect();
        let assumed = self.roles.assume(&self.client, role, &session).await?;
        self.perform_with(&self.client.signing_as(assumed), call.resource, &call.input).await
    }
}

/// The cause of a Task whose integration is not served.
fn not_served(resource: &str, integration: &str) -> Failure {
    Failure::new(
        names::RUNTIME,
        format!(
            "The integration '{integration}' (Resource '{resource}') is not served by asl: the README lists the integrations served. \
             Bind the state with a TaskHandler of your own or a mocked response"
        ),
    )
}
