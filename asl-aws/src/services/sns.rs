//! `sns:publish`: SNS's Publish over the Query protocol (a form; an XML answer). A `Message`
//! that is not a string is sent as its JSON text, as AWS does.

use super::Params;
use crate::client::{AwsClient, Endpoint};
use crate::error::{CallError, Naming};
use crate::protocol::{as_text, query_request, with_metadata, xml_text};
use crate::sign::Signing;
use asl_runtime::Failure;
use serde_json::{Map, Value};

const ENDPOINT: Endpoint = Endpoint { env_name: "SNS", prefix: "sns", signing: Signing { name: "sns", s3: false } };

const NAMING: Naming = Naming::Optimized {
    prefix: "SNS",
    service: "AmazonSNS",
    generic: "AmazonSNSException",
    modeled: &[
        "InvalidParameter",
        "InvalidParameterValue",
        "InternalError",
        "NotFound",
        "EndpointDisabled",
        "PlatformApplicationDisabled",
        "AuthorizationError",
        "KMSDisabled",
        "KMSInvalidState",
        "KMSNotFound",
        "KMSOptInRequired",
        "KMSThrottling",
        "KMSAccessDenied",
        "InvalidSecurity",
        "ValidationException",
    ],
};

/// The text parameters of Publish.
const TEXT: &[&str] = &["TopicArn", "TargetArn", "PhoneNumber", "Subject", "MessageStructure", "MessageGroupId", "MessageDeduplicationId"];

pub(crate) async fn publish(client: &AwsClient, input: &Value) -> Result<Value, Failure> {
    let params = Params::of(input)?;
    let mut known = TEXT.to_vec();
    known.extend(["Message", "MessageAttributes"]);
    params.only(&known)?;
    let mut form = Vec::new();
    match params.get("Message") {
        Some(m) => form.push(("Message".to_owned(), as_text(m))),
        None => return Err(params.bad("The field \"Message\" is required")),
    }
    for name in TEXT {
        if let Some(v) = params.optional_text(name)? {
            form.push((name.to_string(), v.to_owned()));
        }
    }
    if let Some(attributes) = params.get("MessageAttributes") {
        let Value::Object(attributes) = attributes else { return Err(params.bad("The field \"MessageAttributes\" must be an object")) };
        for (n, (name, attribute)) in attributes.iter().enumerate() {
            let prefix = format!("MessageAttributes.entry.{}", n + 1);
            form.push((format!("{prefix}.Name"), name.clone()));
            for member in ["DataType", "StringValue", "BinaryValue"] {
                if let Some(v) = attribute.get(member).and_then(Value::as_str) {
                    form.push((format!("{prefix}.Value.{member}"), v.to_owned()));
                }
            }
        }
    }
    let response = client.send(&ENDPOINT, query_request("Publish", "2010-03-31", &form)).await.map_err(|e| NAMING.failure(&e))?;
    let mut result = Map::new();
    for member in ["MessageId", "SequenceNumber"] {
        if let Some(v) = xml_text(&response, member).map_err(|e: CallError| NAMING.failure(&e))? {
            result.insert(member.into(), v.into());
        }
    }
    Ok(with_metadata(result, &response))
}
