//! The HTTP server, the top floor: the axum router (everything goes to one handler, which
//! checks the signature with `sigv4` when credentials are configured, frames the request with
//! `protocol` and runs it with `actions`; the web console's routes beside it), binding, and a graceful
//! shutdown on SIGINT/SIGTERM. [`router`] and [`serve`] are public so the API can be embedded
//! in a user's own binary next to their workers.

use crate::actions::{Action, Actions};
use crate::console::{self, ConsoleOptions};
use crate::protocol::{self, code, MAX_BODY};
use crate::sigv4::{self, Credentials};
use crate::test_state::TestStateRunner;
use asl_engine::{ApiError, Engine};
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{header, HeaderMap, Method, Uri};
use axum::response::Response;
use axum::routing::any;
use http_body_util::BodyExt;
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The address `asl serve` listens on unless told otherwise: loopback, as the API accepts
/// every request unless credentials are configured.
pub const DEFAULT_HOST: &str = "127.0.0.1";
pub const DEFAULT_PORT: u16 = 8083;

/// The API over `engine`, as a router to serve or to nest in another one. Waiting actions
/// (GetActivityTask) wait their full time; [`serve`] ends them early at shutdown.
/// Every request is accepted unchecked, as local emulators do.
pub fn router(engine: Engine) -> Router {
    router_with_credentials(engine, Credentials::default())
}

/// [`router`], with requests refused unless signed (SigV4) with one of `credentials`' keys
/// (none: unchecked).
pub fn router_with_credentials(engine: Engine, credentials: Credentials) -> Router {
    let (stop, stopping) = watch::channel(false);
    // Kept alive with the router: the waits never see a shutdown that cannot come.
    let actions = Actions::new(engine, stopping);
    with_actions(actions, credentials, Some(Arc::new(stop)))
}

fn with_actions(actions: Actions, credentials: Credentials, keep: Option<Arc<watch::Sender<bool>>>) -> Router {
    let state = Service { actions, credentials, _keep: keep };
    Router::new().route("/", any(handle)).fallback(not_found).with_state(Arc::new(state))
}

struct Service {
    actions: Actions,
    credentials: Credentials,
    _keep: Option<Arc<watch::Sender<bool>>>,
}

/// Serves the API over `engine` on `listener` until `shutdown` completes; then waits for the
/// requests under way (long polls answer at once) and returns.
/// Every request is accepted unchecked.
pub async fn serve(listener: TcpListener, engine: Engine, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    serve_with_credentials(listener, engine, Credentials::default(), shutdown).await
}

/// [`serve`], with requests refused unless signed with one of `credentials`' keys (none:
/// unchecked).
pub async fn serve_with_credentials(
    listener: TcpListener,
    engine: Engine,
    credentials: Credentials,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, engine, ServeOptions { credentials, ..ServeOptions::default() }, shutdown).await
}

/// What [`serve_with`] serves besides the engine's actions.
#[derive(Default)]
pub struct ServeOptions {
    /// The access keys requests must be signed with (none: unchecked).
    pub credentials: Credentials,
    /// Runs TestState (it builds the state with cargo, as the workers do); without it,
    /// TestState answers that it needs `asl serve`'s workers.
    pub test_state: Option<Arc<TestStateRunner>>,
    /// The web console, served beside the API (none: not served).
    pub console: Option<ConsoleOptions>,
}

/// [`serve`], with `options`.
pub async fn serve_with(listener: TcpListener, engine: Engine, options: ServeOptions, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let console = options.console.map(|console| console::router(engine.clone(), console));
    let mut app = with_actions(Actions::new(engine, stopping).with_test_state(options.test_state), options.credentials, None);
    if let Some(console) = console {
        app = app.merge(console);
    }
    let signal = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    // Each connection's address: the console answers loopback clients only unless told.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(signal).await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return interrupt.await.unwrap_or(()),
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    interrupt.await.unwrap_or(());
}

// `OriginalUri`: the path as the client sent and signed it, also when the router is nested.
async fn handle(State(service): State<Arc<Service>>, method: Method, OriginalUri(uri): OriginalUri, headers: HeaderMap, body: Body) -> Response {
    let request_id = protocol::request_id();
    match run(&service, method, &uri, &headers, body).await {
        Ok(answer) => protocol::answer(answer, &request_id),
        Err(e) => protocol::error(&e, &request_id),
    }
}

async fn run(service: &Service, method: Method, uri: &Uri, headers: &HeaderMap, body: Body) -> Result<serde_json::Value, ApiError> {
    if method != Method::POST {
        return Err(ApiError::new(code::UNKNOWN_OPERATION, format!("The Step Functions API takes POST requests, not {method}")));
    }
    // The signature covers the body, so a checked request is read before it is framed; an
    // unchecked one is framed first, its body read only when the framing is right.
    // (`Ok`: the body read and verified; `Err`: still unread.)
    let body = match service.credentials.is_empty() {
        true => Err(body),
        false => Ok(verified_body(&service.credentials, &method, uri, headers, body).await?),
    };
    let action = Action::parse(protocol::target(headers)?)?;
    protocol::check_content_type(headers)?;
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(body) => read_body(headers, body).await?,
    };
    service.actions.call(action, protocol::members(&bytes)?).await
}

/// The body, once the request's signature over it is one of `credentials`'.
async fn verified_body(credentials: &Credentials, method: &Method, uri: &Uri, headers: &HeaderMap, body: Body) -> Result<Vec<u8>, ApiError> {
    let bytes = read_body(headers, body).await?;
    let request = sigv4::Request { method: method.as_str(), path: uri.path(), query: uri.query(), headers, body: &bytes };
    sigv4::verify(credentials, &request, chrono::Utc::now())?;
    Ok(bytes)
}

/// The body, refused past [`MAX_BODY`] (by its Content-Length, else once it grows past it).
/// What follows is read and thrown away, up to [`DISCARD_LIMIT`]: a client still sending
/// when the answer comes would otherwise see a broken pipe instead of the error.
async fn read_body(headers: &HeaderMap, mut body: Body) -> Result<Vec<u8>, ApiError> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        discard(body, 0).await;
        return Err(protocol::too_large());
    }
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| ApiError::new(code::SERIALIZATION, "The request body could not be read"))?;
        let Ok(data) = frame.into_data() else { continue };
        if bytes.len() + data.len() > MAX_BODY {
            discard(body, bytes.len() + data.len()).await;
            return Err(protocol::too_large());
        }
        bytes.extend_from_slice(&data);
    }
    Ok(bytes)
}

/// How much of a refused body is read (and dropped) before the connection is closed on it.
const DISCARD_LIMIT: usize = 64 * 1_048_576;

async fn discard(mut body: Body, mut seen: usize) {
    while seen <= DISCARD_LIMIT {
        match body.frame().await {
            Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |d| d.len()),
            _ => return,
        }
    }
}

async fn not_found(uri: Uri) -> Response {
    let shown = asl_codegen::printable(uri.path());
    let e = ApiError::new(code::UNKNOWN_OPERATION, format!("No operation at '{shown}': the Step Functions API is served at /"));
    protocol::error(&e, &protocol::request_id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use asl_engine::MemoryStore;
    use axum::http::{HeaderValue, Request, StatusCode};
    use tower::ServiceExt;

    /// A ListStateMachines to `path`, signed with `test:test` when `sign`.
    fn request(path: &str, sign: bool) -> Request<Body> {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("localhost"));
        headers.insert("x-amz-target", HeaderValue::from_static("AWSStepFunctions.ListStateMachines"));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(protocol::CONTENT_TYPE));
        let date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
        headers.insert("x-amz-date", HeaderValue::from_str(&date).unwrap());
        if sign {
            let signed = sigv4::Request { method: "POST", path, query: None, headers: &headers, body: b"{}" };
            let authorization = sigv4::authorization("test", "test", "us-east-1", &date, &signed, "content-type;host;x-amz-date;x-amz-target");
            headers.insert("authorization", HeaderValue::from_str(&authorization).unwrap());
        }
        let mut request = Request::post(path).body(Body::from("{}")).unwrap();
        *request.headers_mut() = headers;
        request
    }

    #[tokio::test]
    async fn a_nested_router_checks_the_path_the_client_signed() {
        let credentials = Credentials::parse(["test:test"]).unwrap();
        let api = router_with_credentials(Engine::new(Arc::new(MemoryStore::new())), credentials);
        let app = Router::new().nest("/sfn", api);
        let signed = app.clone().oneshot(request("/sfn", true)).await.unwrap();
        assert_eq!(signed.status(), StatusCode::OK);
        let unsigned = app.oneshot(request("/sfn", false)).await.unwrap();
        assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    }
}
