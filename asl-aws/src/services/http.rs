//! `http:invoke`: a call to any HTTP API. AWS takes the credentials from an EventBridge
//! connection (`Authentication.ConnectionArn`); here a connection is described in the shape of
//! EventBridge's CreateConnection (`AuthorizationType`, `AuthParameters` with
//! `ApiKeyAuthParameters`, `BasicAuthParameters` or `OAuthParameters` (a client-credentials
//! grant whose token is kept until a minute before it expires), and `InvocationHttpParameters`), given in code
//! ([`HttpConnections`]) or in the JSON file `ASL_HTTP_CONNECTIONS` names, keyed by the
//! connection's ARN or name. An answer outside 2xx fails with `States.Http.StatusCode.<code>`,
//! no answer with `States.Http.Socket`, as AWS does.

use super::Params;
use crate::client::AwsClient;
use crate::protocol::{as_text, encode, headers_by_name, json_or_text};
use crate::transport::HttpRequest;
use asl_runtime::error::names;
use asl_runtime::Failure;
use base64::Engine as _;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The connections `http:invoke` Tasks may name, by ARN or by name. Clones share the OAuth
/// tokens obtained. Its `Debug` shows the names, never a secret.
#[derive(Clone, Default)]
pub struct HttpConnections {
    by_key: Arc<HashMap<String, Connection>>,
    /// OAuth access tokens by connection, with when they expire.
    tokens: Arc<Mutex<HashMap<String, (String, Instant)>>>,
}

impl std::fmt::Debug for HttpConnections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpConnections").field("names", &self.by_key.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

/// A connection: how it authorizes, and what it adds to every call.
struct Connection {
    auth: Auth,
    invocation: Parameters,
}

enum Auth {
    ApiKey { name: String, value: String },
    Basic { username: String, password: String },
    /// A client-credentials grant: a token from `endpoint`, sent as `Bearer`.
    ClientCredentials { endpoint: String, method: http::Method, client_id: String, client_secret: String, parameters: Parameters },
}

/// Key–value parameters a connection adds (`InvocationHttpParameters`, `OAuthHttpParameters`).
#[derive(Default)]
struct Parameters {
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Vec<(String, String)>,
}

impl HttpConnections {
    /// Connections as a JSON object `{ "<arn or name>": <CreateConnection request>, ... }`,
    /// each checked now: a missing field is named here, not when a Task calls.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let Value::Object(all) = serde_json::from_str::<Value>(text).map_err(|e| e.to_string())? else {
            return Err("the connections must be a JSON object keyed by connection ARN or name".into());
        };
        let mut by_key = HashMap::new();
        for (key, connection) in all {
            let connection = Connection::read(&connection).map_err(|e| format!("connection '{key}': {e}"))?;
            by_key.insert(key, connection);
        }
        Ok(HttpConnections { by_key: Arc::new(by_key), tokens: Arc::default() })
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

    /// The connection an ARN names (by the whole ARN, else by its name,
    /// `arn:aws:events:<r>:<a>:connection/<name>/<id>`), with the key it is kept under.
    fn find(&self, arn: &str) -> Option<(&str, &Connection)> {
        let by_name = || arn.split_once(":connection/").map(|(_, rest)| rest.split('/').next().unwrap_or(rest));
        [Some(arn), by_name()].into_iter().flatten().find_map(|k| self.by_key.get_key_value(k)).map(|(k, c)| (k.as_str(), c))
    }

    /// The `Authorization` header's value for an OAuth connection: the token kept, or a new one.
    async fn bearer(&self, client: &AwsClient, key: &str, auth: &Auth) -> Result<String, Failure> {
        let Auth::ClientCredentials { endpoint, method, client_id, client_secret, parameters } = auth else { unreachable!("only OAuth connections have tokens") };
        if let Some((token, until)) = self.tokens.lock().unwrap_or_else(|p| p.into_inner()).get(key) {
            if Instant::now() < *until {
                return Ok(format!("Bearer {token}"));
            }
        }
        let failed = |reason: String| Failure::new(names::RUNTIME, format!("The connection '{key}' could not obtain an OAuth token from {endpoint}: {reason}"));
        let mut headers = parameters.headers.clone();
        headers.push(("authorization".into(), basic(client_id, client_secret)));
        let mut body = parameters.body.clone();
        if !body.iter().any(|(k, _)| k == "grant_type") {
            body.push(("grant_type".into(), "client_credentials".into()));
        }
        headers.push(("content-type".into(), "application/x-www-form-urlencoded".into()));
        let request = HttpRequest { method: method.clone(), uri: with_query(endpoint, &parameters.query), headers, body: form(&body).into() };
        let response = client.send_unsigned(request).await.map_err(|e| failed(e.to_string()))?;
        if !(200..300).contains(&response.status) {
            return Err(failed(format!("status {}", response.status)));
        }
        let answer: Value = serde_json::from_slice(&response.body).map_err(|e| failed(format!("the answer is not JSON: {e}")))?;
        let token = answer["access_token"].as_str().ok_or_else(|| failed("the answer has no access_token".into()))?.to_owned();
        // Renewed a minute before it expires; an hour when the answer does not say.
        let lasts = answer["expires_in"].as_u64().unwrap_or(3600).saturating_sub(60);
        self.tokens.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_owned(), (token.clone(), Instant::now() + Duration::from_secs(lasts)));
        Ok(format!("Bearer {token}"))
    }
}

impl Connection {
    fn read(connection: &Value) -> Result<Connection, String> {
        let auth = &connection["AuthParameters"];
        let text = |v: &Value, path: &str| -> Result<String, String> {
            path.split('.').try_fold(v, |v, k| v.get(k)).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| format!("AuthParameters.{path} is required"))
        };
        let auth_kind = match connection.get("AuthorizationType").and_then(Value::as_str) {
            Some("API_KEY") => Auth::ApiKey { name: text(auth, "ApiKeyAuthParameters.ApiKeyName")?, value: text(auth, "ApiKeyAuthParameters.ApiKeyValue")? },
            Some("BASIC") => Auth::Basic { username: text(auth, "BasicAuthParameters.Username")?, password: text(auth, "BasicAuthParameters.Password")? },
            Some("OAUTH_CLIENT_CREDENTIALS") => {
                let method = text(auth, "OAuthParameters.HttpMethod")?;
                Auth::ClientCredentials {
                    endpoint: text(auth, "OAuthParameters.AuthorizationEndpoint")?,
                    method: method.parse().map_err(|_| format!("AuthParameters.OAuthParameters.HttpMethod '{method}' is not an HTTP method"))?,
                    client_id: text(auth, "OAuthParameters.ClientParameters.ClientID")?,
                    client_secret: text(auth, "OAuthParameters.ClientParameters.ClientSecret")?,
                    parameters: Parameters::read(&auth["OAuthParameters"]["OAuthHttpParameters"])?,
                }
            }
            Some(other) => return Err(format!("unknown AuthorizationType '{other}' (API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS)")),
            None => return Err("AuthorizationType is required".into()),
        };
        Ok(Connection { auth: auth_kind, invocation: Parameters::read(&auth["InvocationHttpParameters"])? })
    }
}

impl Parameters {
    /// `{HeaderParameters, QueryStringParameters, BodyParameters}`, each a list of `{Key, Value}`.
    fn read(v: &Value) -> Result<Parameters, String> {
        let list = |name: &str| -> Result<Vec<(String, String)>, String> {
            let mut out = Vec::new();
            for p in v.get(name).and_then(Value::as_array).into_iter().flatten() {
                match (p.get("Key").and_then(Value::as_str), p.get("Value").and_then(Value::as_str)) {
                    (Some(k), Some(v)) => out.push((k.to_owned(), v.to_owned())),
                    _ => return Err(format!("{name}: each parameter needs a Key and a Value, both strings")),
                }
            }
            Ok(out)
        };
        Ok(Parameters { headers: list("HeaderParameters")?, query: list("QueryStringParameters")?, body: list("BodyParameters")? })
    }
}

fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

fn form(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

/// `url` with `query` appended.
fn with_query(url: &str, query: &[(String, String)]) -> String {
    match query.is_empty() {
        true => url.to_owned(),
        false => format!("{url}{}{}", if url.contains('?') { '&' } else { '?' }, form(query)),
    }
}

pub(crate) async fn invoke(client: &AwsClient, connections: &HttpConnections, input: &Value) -> Result<Value, Failure> {
    let params = Params::of(input)?;
    params.only(&["ApiEndpoint", "Method", "Authentication", "Headers", "QueryParameters", "RequestBody", "Transform"])?;
    let endpoint = params.text("ApiEndpoint")?;
    let method: http::Method = params.text("Method")?.parse().map_err(|_| params.bad("The field \"Method\" must be an HTTP method"))?;
    let arn = params.get("Authentication").and_then(|a| a.get("ConnectionArn")).and_then(Value::as_str);
    let arn = arn.ok_or_else(|| params.bad("The field \"Authentication.ConnectionArn\" is required"))?;
    let (key, connection) = connections.find(arn).ok_or_else(|| {
        Failure::new(
            names::RUNTIME,
            format!("The connection '{arn}' is not configured: describe it in the JSON file ASL_HTTP_CONNECTIONS names, keyed by its ARN or name, in the shape of EventBridge's CreateConnection"),
        )
    })?;
    let mut headers = connection.invocation.headers.clone();
    let mut query = connection.invocation.query.clone();
    let body_extra: Vec<(String, Value)> = connection.invocation.body.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect();
    if let Some(Value::Object(h)) = params.get("Headers") {
        headers.extend(h.iter().map(|(k, v)| (k.clone(), as_text(v))));
    }
    if let Some(Value::Object(q)) = params.get("QueryParameters") {
        query.extend(q.iter().map(|(k, v)| (k.clone(), as_text(v))));
    }
    match &connection.auth {
        Auth::ApiKey { name, value } => headers.push((name.clone(), value.clone())),
        Auth::Basic { username, password } => headers.push(("authorization".into(), basic(username, password))),
        oauth @ Auth::ClientCredentials { .. } => headers.push(("authorization".into(), connections.bearer(client, key, oauth).await?)),
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
                    form(&pairs)
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
    let uri = with_query(endpoint, &query);
    let request = HttpRequest { method, uri, headers, body: body.into() };
    let response = client.send_unsigned(request).await.map_err(|e| Failure::new("States.Http.Socket", e.to_string()))?;
    let response_headers = headers_by_name(&response);
    let body = json_or_text(&response.body);
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

/// `key=value` pairs of a URL-encoded body, arrays written in `format` (AWS's ArrayFormat).
fn form_pairs(key: &str, value: &Value, format: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => match format {
            "REPEAT" => items.iter().for_each(|v| form_pairs(key, v, format, out)),
            "COMMAS" => out.push((key.to_owned(), items.iter().map(as_text).collect::<Vec<_>>().join(","))),
            "BRACKETS" => items.iter().for_each(|v| form_pairs(&format!("{key}[]"), v, format, out)),
            _ => items.iter().enumerate().for_each(|(i, v)| form_pairs(&format!("{key}[{i}]"), v, format, out)),
        },
        Value::Object(m) => m.iter().for_each(|(k, v)| form_pairs(&format!("{key}[{k}]"), v, format, out)),
        other => out.push((key.to_owned(), as_text(other))),
    }
}

