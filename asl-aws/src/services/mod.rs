//! The integrations, one file per service, over the client and the protocols below them.
//!
//! | file | serves |
//! |---|---|
//! | `lambda.rs` | `lambda:invoke` and a function's ARN as Resource |
//! | `dynamodb.rs` | `dynamodb:getItem`, `putItem`, `updateItem`, `deleteItem` |
//! | `sqs.rs`, `sns.rs`, `events.rs` | `sqs:sendMessage`, `sns:publish`, `events:putEvents` |
//! | `s3.rs` | `aws-sdk:s3:` GetObject, PutObject, HeadObject, CopyObject, DeleteObject, ListObjectsV2, ListBuckets |
//! | `sdk.rs` | `aws-sdk:<service>:<action>` for the services that speak AWS's JSON protocols |
//! | `http.rs` | `http:invoke` |
//! | `sts.rs` | the roles a Task's `Credentials` names, assumed with STS |
//! | `jobs.rs` | `glue:startJobRun`, `athena:startQueryExecution`, `ecs:runTask`, `batch:submitJob` (and `.sync`); `bedrock:invokeModel` |

pub(crate) mod dynamodb;
pub(crate) mod events;
pub(crate) mod http;
pub(crate) mod jobs;
pub(crate) mod lambda;
pub(crate) mod s3;
pub(crate) mod sdk;
pub(crate) mod sns;
pub(crate) mod sqs;
pub(crate) mod sts;

use asl_runtime::error::names;
use asl_runtime::Failure;
use serde_json::{Map, Value};

/// A Task's Parameters (or Arguments), as an integration reads them.
pub(crate) struct Params<'a> {
    input: &'a Value,
    fields: &'a Map<String, Value>,
}

impl<'a> Params<'a> {
    /// The Task's input, which must be an object.
    pub(crate) fn of(input: &'a Value) -> Result<Self, Failure> {
        match input {
            Value::Object(fields) => Ok(Params { input, fields }),
            _ => Err(bad_parameters(input, "The parameters must be a JSON object")),
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&'a Value> {
        self.fields.get(name)
    }

    pub(crate) fn fields(&self) -> &'a Map<String, Value> {
        self.fields
    }

    /// A string parameter that must be there.
    pub(crate) fn text(&self, name: &str) -> Result<&'a str, Failure> {
        match self.fields.get(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(self.bad(&format!("The field \"{name}\" must be a string"))),
            None => Err(self.bad(&format!("The field \"{name}\" is required"))),
        }
    }

    /// A string parameter that may be absent.
    pub(crate) fn optional_text(&self, name: &str) -> Result<Option<&'a str>, Failure> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.bad(&format!("The field \"{name}\" must be a string"))),
        }
    }

    /// Fails unless every parameter is one of `known`.
    pub(crate) fn only(&self, known: &[&str]) -> Result<(), Failure> {
        match self.fields.keys().find(|k| !known.contains(&k.as_str())) {
            Some(unknown) => Err(self.bad(&format!("The field \"{unknown}\" is not supported by Step Functions"))),
            None => Ok(()),
        }
    }

    pub(crate) fn bad(&self, reason: &str) -> Failure {
        bad_parameters(self.input, reason)
    }
}

/// AWS's failure for parameters an integration cannot use (`States.Runtime`), for the
/// integrations served here and those the engine serves itself (`states:startExecution`).
pub fn bad_parameters(input: &Value, reason: &str) -> Failure {
    Failure::new(names::RUNTIME, format!("The Parameters '{input}' could not be used to start the Task: [{reason}]"))
}

/// A JSON-protocol service as the optimized integrations call it.
pub(crate) struct JsonService {
    pub endpoint: crate::client::Endpoint,
    /// `1.0` or `1.1`.
    pub version: &'static str,
    /// The `X-Amz-Target` prefix (`DynamoDB_20120810`).
    pub target: &'static str,
    pub naming: crate::error::Naming,
    /// Headers every request carries.
    pub headers: &'static [(&'static str, &'static str)],
}

impl JsonService {
    /// `operation` with `body`: the answer with the HTTP metadata the optimized integrations add.
    pub(crate) async fn call(&self, client: &crate::AwsClient, operation: &str, body: &Value) -> Result<Value, Failure> {
        let request = crate::protocol::json_request(self.version, self.target, operation, body, self.headers);
        let response = client.send(&self.endpoint, request).await.map_err(|e| self.naming.failure(&e))?;
        let answer = crate::protocol::json_answer(&response).map_err(|e| self.naming.failure(&e))?;
        let answer = match answer {
            Value::Object(m) => m,
            other => return Err(self.naming.failure(&crate::protocol::unmarshall(other))),
        };
        Ok(crate::protocol::with_metadata(answer, &response))
    }
}
