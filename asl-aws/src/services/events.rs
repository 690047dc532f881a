//! `events:putEvents`: EventBridge's PutEvents (JSON 1.1). An entry's `Detail` that is not a
//! string is sent as its JSON text, as AWS does.

use super::{JsonService, Params};
use crate::client::{AwsClient, Endpoint};
use crate::error::Naming;
use crate::protocol::as_text;
use crate::sign::Signing;
use asl_runtime::Failure;
use serde_json::Value;

pub(crate) const SERVICE: JsonService = JsonService {
    endpoint: Endpoint { env_name: "EVENTBRIDGE", prefix: "events", signing: Signing { name: "events", s3: false } },
    version: "1.1",
    target: "AWSEvents",
    naming: Naming::Optimized { prefix: "EventBridge", service: "AmazonEventBridge", generic: "AmazonEventBridgeException", modeled: &["InternalException"] },
    headers: &[],
};

pub(crate) async fn put_events(client: &AwsClient, input: &Value) -> Result<Value, Failure> {
    let params = Params::of(input)?;
    let mut body = params.fields().clone();
    let Some(Value::Array(entries)) = body.get_mut("Entries") else {
        return Err(params.bad("The field \"Entries\" must be an array"));
    };
    for entry in entries.iter_mut() {
        if let Some(detail) = entry.get_mut("Detail") {
            *detail = Value::String(as_text(detail));
        }
    }
    SERVICE.call(client, "PutEvents", &Value::Object(body)).await
}
