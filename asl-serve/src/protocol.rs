//! AWS JSON 1.0 framing, the bottom floor: what a request must look like (POST, the target
//! header, the content type, a bounded JSON object body), reading its members with AWS's
//! validation texts, and writing answers and errors the way botocore and the AWS SDK for Rust
//! parse them. Knows no action and no engine call; errors are the engine's [`ApiError`], so an
//! action's error and a framing error are written alike.
//!
//! Errors are `{"__type": "<namespace>#<Code>", "message": "..."}`: both clients keep what
//! follows the last `#` (after cutting at a `:`), so `Code` is what `client.exceptions.<Code>`
//! and the SDK's error enums match on. Timestamps are epoch seconds (numbers), which the JSON
//! protocol requires (the SDK for Rust refuses strings); the engine writes RFC 3339 text for the
//! CLI, converted here ([`epoch_dates`]).

use crate::sigv4::code as auth;
use asl_engine::ApiError;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use asl_codegen::printable;
use serde_json::{Map, Value};

/// The content type of requests and answers.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
/// `X-Amz-Target: AWSStepFunctions.<Action>`.
pub const TARGET_PREFIX: &str = "AWSStepFunctions.";
/// The largest body read. A definition may hold 1,048,576 characters (AWS's limit, checked by
/// the engine), which botocore sends escaped: up to six bytes a character (`\u00e9`). Six of
/// those and room for the other members; anything longer is refused unread.
pub const MAX_BODY: usize = 6 * 1_048_576 + 65_536;

/// The error codes the protocol itself answers (the engine's are its own).
pub mod code {
    pub const UNKNOWN_OPERATION: &str = "UnknownOperationException";
    pub const SERIALIZATION: &str = "SerializationException";
    pub const VALIDATION: &str = "ValidationException";
    pub const TOO_LARGE: &str = "RequestEntityTooLargeException";
    pub const INTERNAL: &str = "InternalError";
}

/// The namespace AWS writes before an error code: the service's model for its own errors,
/// the framework's for framing and validation errors.
fn namespace(code: &str) -> &'static str {
    match code {
        code::UNKNOWN_OPERATION | code::SERIALIZATION | code::TOO_LARGE | code::INTERNAL => "com.amazon.coral.service",
        auth::MISSING_TOKEN | auth::UNRECOGNIZED_CLIENT | auth::INVALID_SIGNATURE | auth::INCOMPLETE_SIGNATURE => "com.amazon.coral.service",
        code::VALIDATION => "com.amazon.coral.validate",
        _ => "com.amazonaws.swf.service.v2.model",
    }
}

/// AWS's statuses: 403 for a request without a signature, 400 for one it cannot accept (as
/// for every client error of the JSON protocol).
fn status(code: &str) -> StatusCode {
    match code {
        auth::MISSING_TOKEN => StatusCode::FORBIDDEN,
        code::INTERNAL => StatusCode::INTERNAL_SERVER_ERROR,
        code::TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The action a request names (`X-Amz-Target`), still as text: which actions exist is the
/// floor above's business.
pub fn target(headers: &HeaderMap) -> Result<&str, ApiError> {
    let Some(value) = headers.get("x-amz-target") else {
        return Err(ApiError::new(code::UNKNOWN_OPERATION, "Missing the X-Amz-Target header (AWSStepFunctions.<Action>)"));
    };
    let text = value.to_str().map_err(|_| ApiError::new(code::UNKNOWN_OPERATION, "The X-Amz-Target header is not ASCII text"))?;
    text.strip_prefix(TARGET_PREFIX)
        .filter(|action| !action.is_empty())
        .ok_or_else(|| ApiError::new(code::UNKNOWN_OPERATION, format!("Unknown operation target '{}'", printable(text))))
}

/// Refuses a body that does not say it is AWS JSON 1.0 (parameters such as a charset are
/// allowed).
pub fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("(not text)"));
    let media_type = given.and_then(|v| v.split(';').next()).map(str::trim);
    if media_type.is_some_and(|m| m.eq_ignore_ascii_case(CONTENT_TYPE)) {
        return Ok(());
    }
    let given = given.map_or_else(|| "none".to_string(), |g| format!("'{}'", printable(g)));
    Err(ApiError::new(code::SERIALIZATION, format!("Expected Content-Type {CONTENT_TYPE}, got {given}")))
}

/// The request body as a JSON object. An empty body is an empty object (what curl sends for
/// an action without members).
pub fn members(body: &[u8]) -> Result<Members, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Members(Map::new()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(Members(map)),
        Ok(_) => Err(ApiError::new(code::SERIALIZATION, "The request body must be a JSON object")),
        Err(e) => Err(ApiError::new(code::SERIALIZATION, format!("The request body is not JSON: {e}"))),
    }
}

/// A body over [`MAX_BODY`], refused before it is read further.
pub fn too_large() -> ApiError {
    ApiError::new(code::TOO_LARGE, format!("Request body too large: the limit is {MAX_BODY} bytes"))
}

/// The members of a request, read with AWS's texts for a missing or mistyped member.
#[derive(Debug, Default)]
pub struct Members(Map<String, Value>);

impl Members {
    /// AWS's "Value null at 'x' failed to satisfy constraint: Member must not be null", for
    /// every one of `names` that is missing or null, counted as AWS counts them.
    pub fn require(&self, names: &[&str]) -> Result<(), ApiError> {
        let missing: Vec<String> = names
            .iter()
            .filter(|n| matches!(self.0.get(**n), None | Some(Value::Null)))
            .map(|n| format!("Value null at '{n}' failed to satisfy constraint: Member must not be null"))
            .collect();
        match missing.len() {
            0 => Ok(()),
            1 => Err(ApiError::new(code::VALIDATION, format!("1 validation error detected: {}", missing[0]))),
            n => Err(ApiError::new(code::VALIDATION, format!("{n} validation errors detected: {}", missing.join("; ")))),
        }
    }

    /// A required string member.
    pub fn string(&self, name: &str) -> Result<&str, ApiError> {
        self.require(&[name])?;
        self.opt_string(name).map(|s| s.unwrap_or_default())
    }

    pub fn opt_string(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_type(name, "a string")),
        }
    }

    pub fn opt_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(wrong_type(name, "a boolean")),
        }
    }

    /// An integer member that cannot be negative (`maxResults`): a negative one is AWS's
    /// "must have value greater than or equal to 0".
    pub fn opt_count(&self, name: &str) -> Result<Option<usize>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match (n.as_u64(), n.as_i64()) {
                (Some(v), _) => Ok(Some(usize::try_from(v).unwrap_or(usize::MAX))),
                (None, Some(v)) => Err(ApiError::new(
                    code::VALIDATION,
                    format!("1 validation error detected: Value '{v}' at '{name}' failed to satisfy constraint: Member must have value greater than or equal to 0"),
                )),
                (None, None) => Err(wrong_type(name, "an integer")),
            },
            Some(_) => Err(wrong_type(name, "an integer")),
        }
    }

    /// A number member (`toleratedFailurePercentage`).
    pub fn opt_number(&self, name: &str) -> Result<Option<f64>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| wrong_type(name, "a number")),
            Some(_) => Err(wrong_type(name, "a number")),
        }
    }

    /// A structure member (TestState's `mock`), its members read the same way.
    pub fn opt_structure(&self, name: &str) -> Result<Option<Members>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(members)) => Ok(Some(Members(members.clone()))),
            Some(_) => Err(wrong_type(name, "a structure")),
        }
    }

    /// Whether the request has member `name` (null counts as absent).
    pub fn has(&self, name: &str) -> bool {
        !matches!(self.0.get(name), None | Some(Value::Null))
    }

    /// A list member (`tags`, `tagKeys`), each element as it is.
    pub fn opt_list(&self, name: &str) -> Result<Option<&[Value]>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(wrong_type(name, "a list")),
        }
    }
}

/// AWS answers a member of the wrong JSON type as a SerializationException.
fn wrong_type(name: &str, expected: &str) -> ApiError {
    ApiError::new(code::SERIALIZATION, format!("The member '{name}' must be {expected}"))
}

/// The members of answers that are timestamps (the JSON protocol's epoch seconds).
const DATE_MEMBERS: &[&str] = &["creationDate", "startDate", "stopDate", "timestamp", "updateDate", "redriveDate"];

/// Rewrites the timestamp members of an answer from RFC 3339 text to epoch seconds (with
/// milliseconds as a fraction): those of the answer itself and those of the objects in its
/// lists (`executions`, `events`, ...). Nothing deeper is touched: event details carry user
/// data as JSON text, never as members named like dates.
pub fn epoch_dates(answer: &mut Value) {
    let Value::Object(members) = answer else { return };
    for (name, value) in members.iter_mut() {
        match value {
            Value::Array(items) => items.iter_mut().filter_map(Value::as_object_mut).for_each(epoch_members),
            _ if DATE_MEMBERS.contains(&name.as_str()) => epoch_value(value),
            _ => {}
        }
    }
}

fn epoch_members(object: &mut Map<String, Value>) {
    for name in DATE_MEMBERS {
        if let Some(value) = object.get_mut(*name) {
            epoch_value(value);
        }
    }
}

fn epoch_value(value: &mut Value) {
    if let Some(date) = value.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()) {
        *value = epoch_seconds(date.with_timezone(&Utc));
    }
}

/// Seconds since the epoch, milliseconds as the fraction (what AWS sends: `1714564800.123`).
pub fn epoch_seconds(date: DateTime<Utc>) -> Value {
    let millis = date.timestamp_millis();
    if millis % 1000 == 0 {
        Value::from(millis / 1000)
    } else {
        serde_json::Number::from_f64(millis as f64 / 1000.0).map_or(Value::Null, Value::Number)
    }
}

/// A request id, sent with every answer as AWS does.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A successful answer: the members, dates as epoch seconds.
pub fn answer(mut members: Value, request_id: &str) -> Response {
    epoch_dates(&mut members);
    respond(StatusCode::OK, members.to_string(), request_id)
}

/// An error answer, in the shape botocore and the SDK for Rust read.
pub fn error(e: &ApiError, request_id: &str) -> Response {
    let body = serde_json::json!({ "__type": format!("{}#{}", namespace(e.code), e.code), "message": e.message });
    respond(status(e.code), body.to_string(), request_id)
}

fn respond(status: StatusCode, body: String, request_id: &str) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_become_epoch_seconds_at_the_top_and_in_lists_only() {
        let mut answer = json!({
            "creationDate": "2024-05-01T12:00:00.123+00:00",
            "executions": [{ "startDate": "2024-05-01T12:00:00.000Z", "name": "2024-05-01T12:00:00Z" }],
            "events": [{ "timestamp": "2024-05-01T12:00:01Z", "details": { "startDate": "2024-05-01T12:00:00Z" } }],
            "name": "x",
        });
        epoch_dates(&mut answer);
        assert_eq!(answer["creationDate"], json!(1714564800.123));
        assert_eq!(answer["executions"][0]["startDate"], json!(1714564800));
        assert_eq!(answer["executions"][0]["name"], "2024-05-01T12:00:00Z", "not a date member");
        assert_eq!(answer["events"][0]["timestamp"], json!(1714564801));
        assert_eq!(answer["events"][0]["details"]["startDate"], "2024-05-01T12:00:00Z", "deeper members are left alone");
    }

    #[test]
    fn missing_members_are_counted_as_aws_counts_them() {
        let m = members(br#"{"name": "x", "roleArn": null}"#).unwrap();
        assert_eq!(
            m.string("stateMachineArn").unwrap_err().message,
            "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null"
        );
        let e = m.require(&["name", "definition", "roleArn"]).unwrap_err();
        assert_eq!(e.message, "2 validation errors detected: Value null at 'definition' failed to satisfy constraint: Member must not be null; Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
        assert_eq!(m.opt_count("name").unwrap_err().code, code::SERIALIZATION);
    }

    #[test]
    fn bodies_that_are_not_objects_are_serialization_errors() {
        for body in [&b"garbage"[..], b"[1]", b"\"s\"", b"{\"a\":", &[0xff, 0xfe]] {
            assert_eq!(members(body).unwrap_err().code, code::SERIALIZATION);
        }
        assert!(members(b"").is_ok() && members(b" \n").is_ok());
        assert_eq!(members(br#"{"maxResults": -1}"#).unwrap().opt_count("maxResults").unwrap_err().code, code::VALIDATION);
    }

    #[test]
    fn error_types_carry_the_namespace_clients_strip() {
        assert_eq!(namespace("StateMachineDoesNotExist"), "com.amazonaws.swf.service.v2.model");
        assert_eq!(namespace(code::VALIDATION), "com.amazon.coral.validate");
        assert_eq!(status(code::INTERNAL), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(namespace(auth::INVALID_SIGNATURE), "com.amazon.coral.service");
        assert_eq!((status(auth::MISSING_TOKEN), status(auth::UNRECOGNIZED_CLIENT)), (StatusCode::FORBIDDEN, StatusCode::BAD_REQUEST));
    }
}
