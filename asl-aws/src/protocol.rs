//! The wire shapes AWS's services speak, as far as the integrations need them: JSON 1.0/1.1
//! with `X-Amz-Target`, Query (form-encoded, XML answers) and the response metadata the
//! optimized integrations add to every result (`SdkHttpMetadata`, `SdkResponseMetadata`).

use crate::client::ServiceRequest;
use crate::error::CallError;
use crate::transport::HttpResponse;
use serde_json::{Map, Value};

/// A JSON-protocol operation: `POST /` with the target `<prefix>.<Operation>`.
pub(crate) fn json_request(version: &str, target: &str, operation: &str, body: &Value, extra: &[(&str, &str)]) -> ServiceRequest {
    let mut headers = vec![
        ("content-type".to_owned(), format!("application/x-amz-json-{version}")),
        ("x-amz-target".to_owned(), format!("{target}.{operation}")),
    ];
    headers.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    ServiceRequest { method: http::Method::POST, path: "/".into(), headers, body: body.to_string().into(), region: None, host_label: None }
}

/// A JSON answer's body (an empty body is `{}`).
pub(crate) fn json_answer(response: &HttpResponse) -> Result<Value, CallError> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(&response.body).map_err(unmarshall)
}

/// A body that is JSON when it parses as JSON, else its text (a Lambda payload, an HTTP API's
/// or a model's answer).
pub(crate) fn json_or_text(body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(body).into_owned();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// An answer that is not what the service sends.
pub(crate) fn unmarshall(e: impl std::fmt::Display) -> CallError {
    CallError::Client(format!("Unable to unmarshall response ({e})"))
}

/// A Query-protocol operation: `POST /` with the form `Action=…&Version=…&…`.
pub(crate) fn query_request(action: &str, version: &str, params: &[(String, String)]) -> ServiceRequest {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", action).append_pair("Version", version);
    for (k, v) in params {
        form.append_pair(k, v);
    }
    let headers = vec![("content-type".to_owned(), "application/x-www-form-urlencoded; charset=utf-8".to_owned())];
    ServiceRequest { method: http::Method::POST, path: "/".into(), headers, body: form.finish().into(), region: None, host_label: None }
}

/// An XML answer's document.
pub(crate) fn xml(response: &HttpResponse) -> Result<roxmltree::Document<'_>, CallError> {
    let text = std::str::from_utf8(&response.body).map_err(unmarshall)?;
    roxmltree::Document::parse(text).map_err(unmarshall)
}

/// The text of the first element named `name` in an XML answer.
pub(crate) fn xml_text(response: &HttpResponse, name: &str) -> Result<Option<String>, CallError> {
    let doc = xml(response)?;
    Ok(doc.descendants().find(|n| n.has_tag_name(name)).and_then(|n| n.text()).map(str::to_owned))
}

/// An answer's headers by name, each with every value it came with.
pub(crate) fn headers_by_name(response: &HttpResponse) -> Map<String, Value> {
    let mut all = Map::new();
    for (name, value) in &response.headers {
        match all.entry(name.clone()).or_insert_with(|| Value::Array(vec![])) {
            Value::Array(values) => values.push(value.clone().into()),
            _ => unreachable!("header values are arrays"),
        }
    }
    all
}

/// What the optimized integrations add to a service's answer: the HTTP headers and status
/// (`SdkHttpMetadata`) and the request id (`SdkResponseMetadata`), as AWS SDK for Java 1.x
/// exposes them.
pub(crate) fn with_metadata(mut result: Map<String, Value>, response: &HttpResponse) -> Value {
    let all = headers_by_name(response);
    let single: Map<String, Value> = all.iter().map(|(name, values)| (name.clone(), values[0].clone())).collect();
    let mut http = Map::new();
    http.insert("AllHttpHeaders".into(), Value::Object(all));
    http.insert("HttpHeaders".into(), Value::Object(single));
    http.insert("HttpStatusCode".into(), response.status.into());
    result.insert("SdkHttpMetadata".into(), Value::Object(http));
    let request_id = response.header("x-amzn-requestid").or(response.header("x-amz-request-id")).unwrap_or_default();
    result.insert("SdkResponseMetadata".into(), serde_json::json!({ "RequestId": request_id }));
    Value::Object(result)
}

/// A parameter AWS takes as text but a workflow may give as JSON (SQS's MessageBody, SNS's
/// Message, EventBridge's Detail): JSON other than a string is sent as its JSON text.
pub(crate) fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Everything but RFC 3986's unreserved characters is percent-encoded, as SigV4 requires.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `s` as a path segment or a query key or value: percent-encoded but for RFC 3986's
/// unreserved characters (`:` and `/` of an ARN included).
pub(crate) fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}
