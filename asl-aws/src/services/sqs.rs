//! `sqs:sendMessage`: SQS's SendMessage (JSON 1.0). A `MessageBody` that is not a string is
//! sent as its JSON text, as AWS does, so a message can carry `$$.Task.Token` in an object.

use super::{JsonService, Params};
use crate::client::{AwsClient, Endpoint};
use crate::error::Naming;
use crate::protocol::as_text;
use crate::sign::Signing;
use asl_runtime::Failure;
use serde_json::Value;

pub(crate) const SERVICE: JsonService = JsonService {
    endpoint: Endpoint { env_name: "SQS", prefix: "sqs", signing: Signing { name: "sqs", s3: false } },
    version: "1.0",
    target: "AmazonSQS",
    naming: Naming::Optimized {
        prefix: "SQS",
        service: "AmazonSQS",
        generic: "AmazonSQSException",
        modeled: &["InvalidMessageContents", "UnsupportedOperation"],
    },
    // SQS answers errors with the codes of its older Query protocol too (what AWS reports).
    headers: &[("x-amzn-query-mode", "true")],
};

pub(crate) async fn send_message(client: &AwsClient, input: &Value) -> Result<Value, Failure> {
    let params = Params::of(input)?;
    params.text("QueueUrl")?;
    let mut body = params.fields().clone();
    match body.get("MessageBody") {
        Some(message) => {
            let text = as_text(message);
            body.insert("MessageBody".into(), text.into());
        }
        None => return Err(params.bad("The field \"MessageBody\" is required")),
    }
    SERVICE.call(client, "SendMessage", &Value::Object(body)).await
}
