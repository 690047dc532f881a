//! [`AwsHandler`]: the [`TaskHandler`] that performs a Task's Resource as AWS Step Functions
//! does, and [`coverage`], which says beforehand whether it serves a Resource.

use crate::client::AwsClient;
use crate::config::AwsConfig;
use crate::resource::{Pattern, Resource};
use crate::services::http::HttpConnections;
use crate::services::sts::Roles;
use crate::services::{dynamodb, events, http, jobs, lambda, s3, sdk, sns, sqs};
use std::sync::Arc;
use asl_runtime::error::names;
use asl_runtime::{Failure, TaskCall, TaskHandler, Value};

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
    let parsed = Resource::parse(resource);
    let waits_or_not = |p: Pattern| matches!(p, Pattern::RequestResponse | Pattern::WaitForTaskToken);
    let served = match parsed {
        Resource::LambdaFunction { .. } => true,
        Resource::Optimized { service, action, pattern } => match (service, action) {
            ("lambda", "invoke") | ("sqs", "sendMessage") | ("sns", "publish") | ("events", "putEvents") => waits_or_not(pattern),
            ("dynamodb", action) => dynamodb::operation(action).is_some() && pattern == Pattern::RequestResponse,
            ("http", "invoke") | ("bedrock", "invokeModel") => pattern == Pattern::RequestResponse,
            (service, action) if jobs::serves(service, action) => true,
            _ => false,
        },
        Resource::Sdk { service: "s3", action, pattern } => s3::ACTIONS.contains(&action) && waits_or_not(pattern),
        Resource::Sdk { service, pattern, .. } => sdk::find(service).is_some() && waits_or_not(pattern),
        Resource::Activity | Resource::Other => return Coverage::NotAws,
    };
    match served {
        true => Coverage::Served,
        false => Coverage::NotServed(parsed.integration_name()),
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
        match Resource::parse(resource) {
            Resource::LambdaFunction { arn, region } => lambda::invoke_function(client, arn, region, input).await,
            r if coverage(resource) != Coverage::Served => Err(not_served(resource, &r.integration_name())),
            Resource::Optimized { service, action, .. } => match (service, action) {
                ("lambda", _) => lambda::invoke(client, input).await,
                ("sqs", _) => sqs::send_message(client, input).await,
                ("sns", _) => sns::publish(client, input).await,
                ("events", _) => events::put_events(client, input).await,
                ("http", _) => http::invoke(client, &self.connections, input).await,
                ("dynamodb", action) => dynamodb::call(client, dynamodb::operation(action).expect("covered"), input).await,
                ("bedrock", _) => jobs::invoke_model(client, input).await,
                (service, _) if jobs::serves(service, action) => {
                    jobs::call(client, service, input, matches!(Resource::parse(resource).pattern(), Pattern::Sync | Pattern::Sync2)).await
                }
                (service, action) => unreachable!("coverage serves no other optimized integration ({service}:{action})"),
            },
            Resource::Sdk { service: "s3", action, .. } => s3::call(client, action, input).await,
            Resource::Sdk { service, action, .. } => sdk::find(service).expect("covered").call(client, action, input).await,
            Resource::Activity | Resource::Other => unreachable!("coverage serves neither activities nor other resources"),
        }
    }
}

impl TaskHandler for AwsHandler {
    /// A Task with `Credentials` is signed as the role it names, assumed with STS by the
    /// configured credentials.
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
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
