//! `lambda:invoke` and a function's ARN as the Resource: Lambda's Invoke over REST-JSON
//! (`POST /2015-03-31/functions/<name>/invocations`). A function error (the
//! `X-Amz-Function-Error` header) fails the Task with the payload's `errorType` (else
//! `Lambda.Unknown`) and the payload as the cause, as AWS does.

use super::Params;
use crate::client::{AwsClient, Endpoint, ServiceRequest};
use crate::error::Naming;
use crate::protocol::{encode, json_or_text, with_metadata};
use crate::sign::Signing;
use crate::transport::HttpResponse;
use asl_runtime::Failure;
use serde_json::{Map, Value};

pub(crate) const ENDPOINT: Endpoint = Endpoint { env_name: "LAMBDA", prefix: "lambda", signing: Signing { name: "lambda", s3: false } };

pub(crate) const NAMING: Naming = Naming::Optimized {
    prefix: "Lambda",
    service: "AWSLambda",
    generic: "AWSLambdaException",
    modeled: &[
        "ServiceException",
        "ResourceNotFoundException",
        "InvalidRequestContentException",
        "RequestTooLargeException",
        "UnsupportedMediaTypeException",
        "TooManyRequestsException",
        "InvalidParameterValueException",
        "EC2UnexpectedException",
        "EC2ThrottledException",
        "EC2AccessDeniedException",
        "SubnetIPAddressLimitReachedException",
        "ENILimitReachedException",
        "InvalidSubnetIDException",
        "InvalidSecurityGroupIDException",
        "InvalidZipFileException",
        "InvalidRuntimeException",
        "KMSDisabledException",
        "KMSInvalidStateException",
        "KMSAccessDeniedException",
        "KMSNotFoundException",
        "EFSMountConnectivityException",
        "EFSMountFailureException",
        "EFSMountTimeoutException",
        "EFSIOException",
        "ResourceConflictException",
        "ResourceNotReadyException",
        "SnapStartException",
        "SnapStartTimeoutException",
        "SnapStartNotReadyException",
        "RecursiveInvocationException",
    ],
};

/// `arn:aws:states:::lambda:invoke`: the whole Invoke answer (`Payload`, `StatusCode`,
/// `ExecutedVersion`, `LogResult`, and the HTTP metadata).
pub(crate) async fn invoke(client: &AwsClient, input: &Value) -> Result<Value, Failure> {
    let params = Params::of(input)?;
    params.only(&["FunctionName", "Payload", "InvocationType", "Qualifier", "ClientContext", "LogType"])?;
    let function = params.text("FunctionName")?;
    let mut request = request(function, params.get("Payload"));
    if let Some(qualifier) = params.optional_text("Qualifier")? {
        request.path.push_str(&format!("?Qualifier={}", encode(qualifier)));
    }
    for (param, header) in [("InvocationType", "x-amz-invocation-type"), ("LogType", "x-amz-log-type"), ("ClientContext", "x-amz-client-context")] {
        if let Some(v) = params.optional_text(param)? {
            request.headers.push((header.into(), v.into()));
        }
    }
    request.region = region_of(function);
    let response = client.send(&ENDPOINT, request).await.map_err(|e| NAMING.failure(&e))?;
    let payload = function_result(&response)?;
    let mut result = Map::new();
    if let Some(v) = response.header("x-amz-executed-version") {
        result.insert("ExecutedVersion".into(), v.into());
    }
    if let Some(v) = response.header("x-amz-log-result") {
        result.insert("LogResult".into(), v.into());
    }
    result.insert("Payload".into(), payload);
    result.insert("StatusCode".into(), response.status.into());
    Ok(with_metadata(result, &response))
}

/// A function's ARN as the Resource: the effective input is the payload and the function's
/// answer is the result.
pub(crate) async fn invoke_function(client: &AwsClient, arn: &str, region: &str, input: &Value) -> Result<Value, Failure> {
    let mut request = request(arn, Some(input));
    request.region = Some(region.to_owned());
    let response = client.send(&ENDPOINT, request).await.map_err(|e| NAMING.failure(&e))?;
    function_result(&response)
}

fn request(function: &str, payload: Option<&Value>) -> ServiceRequest {
    let body = payload.map(|p| p.to_string()).unwrap_or_default();
    ServiceRequest {
        method: http::Method::POST,
        path: format!("/2015-03-31/functions/{}/invocations", encode(function)),
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
        region: None,
        host_label: None,
    }
}

/// The function's answer: JSON when it is JSON, else its text; a function error fails.
fn function_result(response: &HttpResponse) -> Result<Value, Failure> {
    let payload = json_or_text(&response.body);
    if response.header("x-amz-function-error").is_some() {
        let error = payload.get("errorType").and_then(Value::as_str).unwrap_or("Lambda.Unknown");
        return Err(Failure::new(error, String::from_utf8_lossy(&response.body)));
    }
    Ok(payload)
}

/// The region a function's ARN names, if it is one (else the configured region applies).
fn region_of(function: &str) -> Option<String> {
    let parts: Vec<&str> = function.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", region, ..] if !region.is_empty() => Some((*region).to_owned()),
        _ => None,
    }
}

