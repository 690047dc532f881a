//! Why a call failed, and the names AWS Step Functions gives those failures: a service's error
//! answer read from any of AWS's protocols ([`ServiceError::read`]), and named as the optimized
//! integrations name it (AWS SDK for Java 1.x exception classes, `DynamoDB.ConditionalCheckFailedException`,
//! `SQS.AmazonSQSException`) or as the `aws-sdk:` integrations do (SDK 2.x, `S3.NoSuchKeyException`).

use crate::transport::{HttpResponse, TransportError};
use asl_runtime::Failure;

/// Why a call to a service gave no result.
#[derive(Debug, Clone)]
pub enum CallError {
    /// The service answered with an error.
    Service(ServiceError),
    /// No answer to read: no credentials or region, the connection failed, a timeout, an
    /// answer that is not what the service sends.
    Client(String),
}

impl From<TransportError> for CallError {
    fn from(e: TransportError) -> Self {
        CallError::Client(e.to_string())
    }
}

/// A service's error answer.
#[derive(Debug, Clone)]
pub struct ServiceError {
    pub status: u16,
    /// The error code (`ConditionalCheckFailedException`, `NoSuchKey`, `NotFound`, ...).
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    /// S3's `x-amz-id-2`.
    pub extended_request_id: Option<String>,
}

/// Codes that mean "slow down": tried again by the transport before the workflow sees them.
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

impl ServiceError {
    /// The error in an answer of status 300 or more, in whichever of AWS's shapes it comes:
    /// the `x-amzn-ErrorType` header, a JSON `__type`/`code` with `message`, or XML
    /// `<Error><Code>…<Message>` (Query and REST-XML). SQS's JSON answers also carry the
    /// legacy Query code (`x-amzn-query-error`), which is the one AWS reports.
    pub fn read(response: &HttpResponse) -> ServiceError {
        let request_id = response.header("x-amzn-requestid").or(response.header("x-amz-request-id")).map(str::to_owned);
        let extended_request_id = response.header("x-amz-id-2").map(str::to_owned);
        let (mut code, mut message) = (None, None);
        if let Some(v) = response.header("x-amzn-query-error") {
            code = v.split(';').next().map(str::to_owned);
        }
        if let Ok(serde_json::Value::Object(body)) = serde_json::from_slice::<serde_json::Value>(&response.body) {
            let text = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            code = code.or_else(|| text("__type").or_else(|| text("code")).or_else(|| text("Code")));
            message = text("message").or_else(|| text("Message")).or_else(|| text("errorMessage"));
        } else if let Ok(text) = std::str::from_utf8(&response.body) {
            if let Ok(doc) = roxmltree::Document::parse(text) {
                let find = |name: &str| doc.descendants().find(|n| n.has_tag_name(name)).and_then(|n| n.text()).map(str::to_owned);
                code = code.or_else(|| find("Code"));
                message = find("Message");
            }
        }
        let code = code.or_else(|| response.header("x-amzn-errortype").map(str::to_owned));
        let code = code.map(|c| tidy_code(&c)).unwrap_or_else(|| fallback_code(response.status));
        ServiceError {
            status: response.status,
            code,
            message: message.unwrap_or_else(|| format!("Service returned HTTP status {}", response.status)),
            request_id,
            extended_request_id,
        }
    }

    /// Whether the transport tries the call again: throttling, and the server's own failures.
    pub fn is_retryable(&self) -> bool {
        matches!(self.status, 429 | 500 | 502 | 503 | 504) || THROTTLING.contains(&self.code.as_str())
    }
}

/// `com.amazonaws.dynamodb.v20120810#ResourceNotFoundException` and
/// `ResourceNotFoundException:http://internal.amazon.com/...` name `ResourceNotFoundException`.
fn tidy_code(code: &str) -> String {
    let code = code.rsplit('#').next().unwrap_or(code);
    code.split(':').next().unwrap_or(code).to_owned()
}

/// A code for an error answer without one (S3's HEAD answers have no body).
fn fallback_code(status: u16) -> String {
    match status {
        301 => "PermanentRedirect",
        400 => "BadRequest",
        403 => "Forbidden",
        404 => "NotFound",
        412 => "PreconditionFailed",
        _ => "ServiceError",
    }
    .to_owned()
}

/// How an integration names its failures.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Naming {
    /// The optimized integrations (`arn:aws:states:::dynamodb:putItem`): AWS SDK for Java
    /// 1.x's classes. An error the operation models is `<prefix>.<Code>Exception`; any other is
    /// the service's generic class (`DynamoDB.AmazonDynamoDBException`).
    Optimized { prefix: &'static str, service: &'static str, generic: &'static str, modeled: &'static [&'static str] },
    /// The `aws-sdk:` integrations: AWS SDK for Java 2.x's, `<prefix>.<Code>Exception`.
    Sdk { prefix: &'static str, service: &'static str },
}

impl Naming {
    fn prefix(self) -> &'static str {
        match self {
            Naming::Optimized { prefix, .. } | Naming::Sdk { prefix, .. } => prefix,
        }
    }

    /// The Task's failure for `error`.
    pub(crate) fn failure(self, error: &CallError) -> Failure {
        let e = match error {
            CallError::Client(reason) => return Failure::new(format!("{}.SdkClientException", self.prefix()), reason.clone()),
            CallError::Service(e) => e,
        };
        let request_id = e.request_id.as_deref().unwrap_or("null");
        match self {
            Naming::Optimized { prefix, service, generic, modeled } => {
                let class = match modeled.contains(&e.code.as_str()) {
                    true => exception_class(&e.code),
                    false => generic.to_owned(),
                };
                let cause = format!(
                    "{} (Service: {service}; Status Code: {}; Error Code: {}; Request ID: {request_id}; Proxy: null)",
                    e.message, e.status, e.code
                );
                Failure::new(format!("{prefix}.{class}"), cause)
            }
            Naming::Sdk { prefix, service } => {
                let mut cause = format!("{} (Service: {service}, Status Code: {}, Request ID: {request_id}", e.message, e.status);
                if let Some(ext) = &e.extended_request_id {
                    cause.push_str(&format!(", Extended Request ID: {ext}"));
                }
                cause.push(')');
                Failure::new(format!("{prefix}.{}", exception_class(&e.code)), cause)
            }
        }
    }
}

/// The Java class of an error code: `NoSuchKey` → `NoSuchKeyException`; a code that already
/// ends in `Exception` stays; the legacy SQS codes keep their last part
/// (`AWS.SimpleQueueService.NonExistentQueue` → `NonExistentQueueException`).
fn exception_class(code: &str) -> String {
    let code = code.rsplit('.').next().unwrap_or(code);
    match code.ends_with("Exception") {
        true => code.to_owned(),
        false => format!("{code}Exception"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        HttpResponse { status, headers, body: bytes::Bytes::from(body.to_owned()) }
    }

    #[test]
    fn codes_are_read_from_every_protocol() {
        let json = answer(400, &[("x-amzn-RequestId", "r1")], r#"{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}"#);
        let e = ServiceError::read(&json);
        assert_eq!((e.code.as_str(), e.message.as_str(), e.request_id.as_deref()), ("ConditionalCheckFailedException", "The conditional request failed", Some("r1")));
        let xml = answer(404, &[], "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error></ErrorResponse>");
        assert_eq!(ServiceError::read(&xml).code, "NotFound");
        let header = answer(404, &[("X-Amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/")], "");
        assert_eq!(ServiceError::read(&header).code, "ResourceNotFoundException");
        let sqs = answer(400, &[("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")], r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}"#);
        assert_eq!(ServiceError::read(&sqs).code, "AWS.SimpleQueueService.NonExistentQueue");
        assert_eq!(ServiceError::read(&answer(404, &[], "")).code, "NotFound");
    }

    #[test]
    fn optimized_and_sdk_integrations_name_errors_as_aws_does() {
        let e = |code: &str| CallError::Service(ServiceError { status: 400, code: code.into(), message: "m".into(), request_id: Some("r".into()), extended_request_id: None });
        let dynamo = Naming::Optimized { prefix: "DynamoDB", service: "AmazonDynamoDBv2", generic: "AmazonDynamoDBException", modeled: &["ConditionalCheckFailedException"] };
        assert_eq!(dynamo.failure(&e("ConditionalCheckFailedException")).error, "DynamoDB.ConditionalCheckFailedException");
        let f = dynamo.failure(&e("ValidationException"));
        assert_eq!(f.error, "DynamoDB.AmazonDynamoDBException");
        assert_eq!(f.cause.as_deref(), Some("m (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; Request ID: r; Proxy: null)"));
        let s3 = Naming::Sdk { prefix: "S3", service: "S3" };
        assert_eq!(s3.failure(&e("NoSuchKey")).error, "S3.NoSuchKeyException");
        assert_eq!(s3.failure(&CallError::Client("no route".into())).error, "S3.SdkClientException");
    }
}
