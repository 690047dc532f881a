//! `http:invoke`: a call to any HTTP API. AWS takes the credentials from an EventBridge
//! connection (`Authentication.ConnectionArn`); here a connection is described in the shape of
//! EventBridge's CreateConnection (`AuthorizationType`, `AuthParameters` with
//! `ApiKeyAuthParameters`, `BasicAuthParameters` and `InvocationHttpParameters`), given in code
//! ([`HttpConnections`]) or in the JSON file `ASL_HTTP_CONNECTIONS` names, keyed by the
//! connection's ARN or name. An answer outside 2xx fails with `States.Http.StatusCode.<code>`,
//! no answer with `States.Http.Socket`, as AWS does.

use super::Params;
use crate::client::AwsClient;
use crate::error::CallError;
use crate::protocol::UNRESERVED;
use crate::transport::HttpRequest;
use asl_runtime::error::names;
use asl_runtime::Failure;
use base64::Engine as _;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The connections `http:invoke` Tasks may name, by ARN or by name.
#[derive(Debug, Clone, Default)]
pub struct HttpConnections {
    by_key: HashMap<String, Value>,
}

impl HttpConnections {
    /// Connections as a JSON object `{ "<arn or name>": <CreateConnection request>, ... }`.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let Value::Object(all) = serde_json::from_str::<Value>(text).map_err(|e| e.to_string())? else {
            return Err("the connections must be a JSON object keyed by connection ARN or name".into());
        };
        let mut by_key = HashMap::new();
        for (key, connection) in all {
            check(&connection).map_err(|e| format!("connection '{key}': {e}"))?;
            by_key.insert(key, connection);
        }
        Ok(HttpConnections { by_key })
    }

    /// The file `ASL_HTTP_CONNECTIONS` names, if it is set.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var_os("ASL_HTTP_CONNECTIONS") {
            None => Ok(Self::default()),
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.to_string_lossy()))?;
                Self::from_json(&text).map_err(|e| format!("{}: {e}", path.to_string_lossy()))
            }
        }
    }

    /// The connection an ARN names: by the whole ARN, else by its name
    /// (`arn:aws:events:<r>:<a>:connection/<name>/<id>`).
    fn find(&self, arn: &str) -> Option<&Value> {
        self.by_key.get(arn).or_else(|| arn.split_once(":connection/").and_then(|(_, rest)| self.by_key.get(rest.split('/').next()?)))
    }
}

fn check(connection: &Value) -> Result<(), String> {
    match connection.get("AuthorizationType").and_then(Value::as_str) {
        Some("API_KEY" | "BASIC") => Ok(()),
        Some("OAUTH_CLIENT_CREDENTIALS") => Err("OAUTH_CLIENT_CREDENTIALS is not supported yet: use API_KEY or BASIC".into()),
        Some(other) => Err(format!("unknown AuthorizationType '{other}'")),
        None => Err("AuthorizationType is required".into()),
    }
}

pub(crate) async fn invoke(client: &AwsClient, connections: &HttpConnections, input: &Value) -> Result<Value, Failure> {
    let params = Params::of(input)?;
    params.only(&["ApiEndpoint", "Method", "Authentication", "Headers", "QueryParameters", "RequestBody", "Transform"])?;
    let endpoint = params.text("ApiEndpoint")?;
    let method: http::Method = params.text("Method")?.parse().map_err(|_| params.bad("The field \"Method\" must be an HTTP method"))?;
    let arn = params.get("Authentication").and_then(|a| a.get("ConnectionArn")).and_then(Value::as_str);
    let arn = arn.ok_or_else(|| params.bad("The field \"Authentication.ConnectionArn\" is required"))?;
    let connection = connections.find(arn).ok_or_else(|| {
        Failure::new(
            names::RUNTIME,
            format!("The connection '{arn}' is not configured: describe it in the JSON file ASL_HTTP_CONNECTIONS names, keyed by its ARN or name, in the shape of EventBridge's CreateConnection"),
        )
    })?;
    let auth = connection.get("AuthParameters").cloned().unwrap_or(Value::Null);
    let invocation = auth.get("InvocationHttpParameters");

    let mut headers: Vec<(String, String)> = Vec::new();
    let mut query: Vec<(String, String)> = Vec::new();
    let mut body_extra: Vec<(String, Value)> = Vec::new();
    for (param, into) in [("HeaderParameters", 0), ("QueryStringParameters", 1), ("BodyParameters", 2)] {
        for p in invocation.and_then(|i| i.get(param)).and_then(Value::as_array).into_iter().flatten() {
            let (Some(k), Some(v)) = (p.get("Key").and_then(Value::as_str), p.get("Value").and_then(Value::as_str)) else { continue };
            match into {
                0 => headers.push((k.into(), v.into())),
                1 => query.push((k.into(), v.into())),
                _ => body_extra.push((k.into(), v.into())),
            }
        }
    }
    if let Some(Value::Object(h)) = params.get("Headers") {
        headers.extend(h.iter().map(|(k, v)| (k.clone(), text(v))));
    }
    if let Some(Value::Object(q)) = params.get("QueryParameters") {
        query.extend(q.iter().map(|(k, v)| (k.clone(), text(v))));
    }
    match connection["AuthorizationType"].as_str() {
        Some("API_KEY") => {
            let key = auth.get("ApiKeyAuthParameters").unwrap_or(&Value::Null);
            let (Some(name), Some(value)) = (key.get("ApiKeyName").and_then(Value::as_str), key.get("ApiKeyValue").and_then(Value::as_str)) else {
                return Err(Failure::new(names::RUNTIME, format!("The connection '{arn}' has no ApiKeyAuthParameters.ApiKeyName and ApiKeyValue")));
            };
            headers.push((name.into(), value.into()));
        }
        _ => {
            let basic = auth.get("BasicAuthParameters").unwrap_or(&Value::Null);
            let (Some(user), Some(password)) = (basic.get("Username").and_then(Value::as_str), basic.get("Password").and_then(Value::as_str)) else {
                return Err(Failure::new(names::RUNTIME, format!("The connection '{arn}' has no BasicAuthParameters.Username and Password")));
            };
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            headers.push(("authorization".into(), format!("Basic {token}")));
        }
    }

    let url_encoded = params.get("Transform").and_then(|t| t.get("RequestBodyEncoding")).and_then(Value::as_str) == Some("URL_ENCODED");
    let body = match params.get("RequestBody") {
        None | Some(Value::Null) if body_extra.is_empty() => String::new(),
        body => {
            let mut body = body.cloned().unwrap_or(Value::Object(Map::new()));
            if let Value::Object(m) = &mut body {
                m.extend(body_extra);
            }
            match (url_encoded, &body) {
                (true, Value::Object(m)) => {
                    let format = params.get("Transform").and_then(|t| t.get("RequestEncodingOptions")).and_then(|o| o.get("ArrayFormat")).and_then(Value::as_str).unwrap_or("INDICES");
                    let mut pairs = Vec::new();
                    for (k, v) in m {
                        form_pairs(k, v, format, &mut pairs);
                    }
                    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
                        headers.push(("content-type".into(), "application/x-www-form-urlencoded".into()));
                    }
                    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
                }
                (_, Value::String(s)) => s.clone(),
                _ => {
                    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
                        headers.push(("content-type".into(), "application/json".into()));
                    }
                    body.to_string()
                }
            }
        }
    };
    let mut uri = endpoint.to_owned();
    if !query.is_empty() {
        uri.push(if uri.contains('?') { '&' } else { '?' });
        uri.push_str(&query.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&"));
    }
    let request = HttpRequest { method, uri, headers, body: body.into() };
    let response = match client.send_unsigned(request).await {
        Ok(r) => r,
        Err(CallError::Client(reason)) => return Err(Failure::new("States.Http.Socket", reason)),
        Err(CallError::Service(e)) => return Err(Failure::new("States.Http.Socket", e.message)),
    };
    let mut response_headers = Map::new();
    for (k, v) in &response.headers {
        match response_headers.entry(k.clone()).or_insert_with(|| Value::Array(vec![])) {
            Value::Array(values) => values.push(v.clone().into()),
            _ => unreachable!("header values are arrays"),
        }
    }
    let text = String::from_utf8_lossy(&response.body).into_owned();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    let status_text = http::StatusCode::from_u16(response.status).ok().and_then(|s| s.canonical_reason()).unwrap_or_default();
    let result = serde_json::json!({
        "Headers": response_headers,
        "ResponseBody": body,
        "StatusCode": response.status,
        "StatusText": status_text,
    });
    match response.status {
        200..=299 => Ok(result),
        status => Err(Failure::new(format!("States.Http.StatusCode.{status}"), result.to_string())),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `key=value` pairs of a URL-encoded body, arrays written in `format` (AWS's ArrayFormat).
fn form_pairs(key: &str, value: &Value, format: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => match format {
            "REPEAT" => items.iter().for_each(|v| form_pairs(key, v, format, out)),
            "COMMAS" => out.push((key.to_owned(), items.iter().map(text).collect::<Vec<_>>().join(","))),
            "BRACKETS" => items.iter().for_each(|v| form_pairs(&format!("{key}[]"), v, format, out)),
            _ => items.iter().enumerate().for_each(|(i, v)| form_pairs(&format!("{key}[{i}]"), v, format, out)),
        },
        Value::Object(m) => m.iter().for_each(|(k, v)| form_pairs(&format!("{key}[{k}]"), v, format, out)),
        other => out.push((key.to_owned(), text(other))),
    }
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}
