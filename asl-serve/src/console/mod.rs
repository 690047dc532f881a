//! The web console: state machines, their executions, and one execution drawn with each state
//! coloured by its outcome, its history as a table and a timeline, each state's input and
//! output, and its open task tokens with buttons that answer them. Server-rendered HTML
//! (askama templates compiled into the binary) and one small script, both served from here:
//! nothing is fetched from the network, and `cargo build` needs no JavaScript toolchain.
//!
//! Floors: `outcome` (what happened to each state, from the history) < `pages` (what each page
//! shows, from the [`Engine`]) < this file (routes, the loopback rule, the write rule).
//!
//! It reads through the same [`Engine`] as the API. It is read-only unless
//! [`ConsoleOptions::writes`]; its forms then carry a per-server secret, so that another site
//! cannot post them from a user's browser. It answers loopback clients only unless
//! [`ConsoleOptions::remote`] (when the server can tell: `serve` records each connection's
//! address).

mod outcome;
mod pages;

use asl_engine::{ApiError, Engine};
use axum::extract::{ConnectInfo, Form, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use pages::Frame;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;

/// Where the console is served, unless told otherwise.
pub const DEFAULT_BASE: &str = "/console";

const STYLE: &str = include_str!("../../console/console.css");
const SCRIPT: &str = include_str!("../../console/console.js");

/// What the console may do.
#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    /// The path it is served under (`/console`).
    pub base: String,
    /// Whether its buttons may answer task tokens (SendTaskSuccess, SendTaskFailure).
    pub writes: bool,
    /// Whether it answers clients off loopback.
    pub remote: bool,
}

impl Default for ConsoleOptions {
    fn default() -> Self {
        ConsoleOptions { base: DEFAULT_BASE.to_string(), writes: false, remote: false }
    }
}

struct Console {
    engine: Engine,
    options: ConsoleOptions,
    /// Every form carries it; a post without it is refused.
    csrf: String,
}

impl Console {
    fn frame(&self) -> Frame {
        Frame { base: self.options.base.clone(), writes: self.options.writes }
    }
}

/// The console over `engine`, as routes under `options.base` to merge into a server.
pub fn router(engine: Engine, options: ConsoleOptions) -> Router {
    let base = options.base.trim_end_matches('/').to_string();
    let options = ConsoleOptions { base: base.clone(), ..options };
    let csrf = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let remote = options.remote;
    let console = Arc::new(Console { engine, options, csrf });
    let routes = Router::new()
        .route(&base, get(machines))
        .route(&format!("{base}/"), get(machines))
        .route(&format!("{base}/machines/{{name}}"), get(machine))
        .route(&format!("{base}/executions/{{arn}}"), get(execution))
        .route(&format!("{base}/executions/{{arn}}/live"), get(live))
        .route(&format!("{base}/tokens/success"), post(send_success))
        .route(&format!("{base}/tokens/failure"), post(send_failure))
        .route(&format!("{base}/static/console.css"), get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE) }))
        .route(&format!("{base}/static/console.js"), get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT) }))
        .with_state(console);
    routes.layer(middleware::from_fn(move |request: Request, next: Next| loopback_only(remote, request, next)))
}

/// Refuses clients off loopback unless the console is told to serve them. A server that does
/// not record connection addresses cannot tell, and serves.
async fn loopback_only(remote: bool, request: Request, next: Next) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    match peer {
        Some(peer) if !remote && !peer.ip().is_loopback() => {
            (StatusCode::FORBIDDEN, "The console answers loopback clients only (asl serve --console-remote serves others).").into_response()
        }
        _ => next.run(request).await,
    }
}

/// Runs a page's engine calls on the blocking pool (the engine is synchronous), and renders it.
async fn page<T: askama::Template + Send + 'static>(console: &Arc<Console>, build: impl FnOnce(&Console) -> Result<T, ApiError> + Send + 'static) -> Response {
    let console = console.clone();
    let built = tokio::task::spawn_blocking(move || build(&console)).await;
    match built {
        Ok(Ok(page)) => match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(e) => failure(StatusCode::INTERNAL_SERVER_ERROR, &format!("rendering the page: {e}")),
        },
        Ok(Err(e)) => failure(status_of(&e), &pages::problem(&e)),
        Err(e) => failure(StatusCode::INTERNAL_SERVER_ERROR, &format!("the page's work ended: {e}")),
    }
}

fn status_of(e: &ApiError) -> StatusCode {
    match e.code {
        "StateMachineDoesNotExist" | "ExecutionDoesNotExist" | "TaskDoesNotExist" | "InvalidArn" => StatusCode::NOT_FOUND,
        "InternalError" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn failure(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>asl console</title></head><body><h1>{}</h1><p>{}</p></body></html>",
        status,
        asl_codegen::graph::escape_xml(message)
    );
    (status, Html(body)).into_response()
}

#[derive(Deserialize)]
struct Paging {
    next: Option<String>,
    status: Option<String>,
}

async fn machines(State(console): State<Arc<Console>>, Query(paging): Query<Paging>) -> Response {
    page(&console, move |c| pages::machines(&c.engine, c.frame(), paging.next)).await
}

async fn machine(State(console): State<Arc<Console>>, Path(name): Path<String>, Query(paging): Query<Paging>) -> Response {
    page(&console, move |c| pages::machine(&c.engine, c.frame(), &name, paging.status, paging.next)).await
}

async fn execution(State(console): State<Arc<Console>>, Path(arn): Path<String>) -> Response {
    page(&console, move |c| pages::execution(&c.engine, c.frame(), &c.csrf, &arn)).await
}

async fn live(State(console): State<Arc<Console>>, Path(arn): Path<String>) -> Response {
    let console = console.clone();
    match tokio::task::spawn_blocking(move || pages::version(&console.engine, &arn)).await {
        Ok(Ok(version)) => Json(serde_json::json!({ "version": version })).into_response(),
        Ok(Err(e)) => (status_of(&e), Json(serde_json::json!({ "error": pages::problem(&e) }))).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Deserialize)]
struct Answer {
    csrf: String,
    execution: String,
    token: String,
    output: Option<String>,
    error: Option<String>,
    cause: Option<String>,
}

async fn send_success(State(console): State<Arc<Console>>, Form(answer): Form<Answer>) -> Response {
    let output = answer.output.clone().filter(|o| !o.trim().is_empty()).unwrap_or_else(|| "{}".to_string());
    answered(console, answer, move |engine, token| engine.send_task_success(token, &output)).await
}

async fn send_failure(State(console): State<Arc<Console>>, Form(answer): Form<Answer>) -> Response {
    let (error, cause) = (answer.error.clone().filter(|e| !e.is_empty()), answer.cause.clone().filter(|c| !c.is_empty()));
    answered(console, answer, move |engine, token| engine.send_task_failure(token, error.as_deref(), cause.as_deref())).await
}

/// Answers a token when writes are allowed and the form is the console's own, then shows the
/// execution again.
async fn answered(
    console: Arc<Console>,
    answer: Answer,
    send: impl FnOnce(&Engine, &str) -> Result<serde_json::Value, ApiError> + Send + 'static,
) -> Response {
    if !console.options.writes {
        return failure(StatusCode::FORBIDDEN, "This console is read-only: start asl serve with --console-writes to answer task tokens here.");
    }
    if answer.csrf != console.csrf {
        return failure(StatusCode::FORBIDDEN, "This form is not one this server rendered (reload the page and try again).");
    }
    let engine = console.engine.clone();
    let token = answer.token.clone();
    match tokio::task::spawn_blocking(move || send(&engine, &token)).await {
        Ok(Ok(_)) => {
            let to = format!("{}/executions/{}", console.options.base, encode(&answer.execution));
            Redirect::to(&to).into_response()
        }
        Ok(Err(e)) => failure(status_of(&e), &pages::problem(&e)),
        Err(_) => failure(StatusCode::INTERNAL_SERVER_ERROR, "answering the token ended unexpectedly"),
    }
}

/// A path segment: everything but unreserved characters percent-encoded.
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use asl_engine::store::TokenRecord;
    use asl_engine::{MachineType, MemoryStore};
    use axum::body::Body;
    use axum::http::Request as HttpRequest;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    const DEFINITION: &str = r#"{"StartAt": "Approve", "States": {"Approve": {"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "End": true}}}"#;

    /// An engine with a machine, an execution and an open token of it.
    fn engine() -> (Engine, String) {
        let engine = Engine::new(Arc::new(MemoryStore::new()));
        engine.create_state_machine("approval", DEFINITION, MachineType::Standard, None).unwrap();
        let started = engine.start_execution(&asl_runtime::context::state_machine_arn("approval"), Some("order-1"), Some("{}")).unwrap();
        let arn = started["executionArn"].as_str().unwrap().to_string();
        let token = TokenRecord {
            token: "tok-1".into(),
            execution_arn: arn.clone(),
            state: "Approve".into(),
            activity_arn: None,
            input: "{}".into(),
            outcome: None,
            last_heartbeat: None,
            heartbeats: 0,
            taken: false,
            worker_name: None,
        };
        engine.store().issue_token(&token).unwrap();
        (engine, arn)
    }

    async fn get(app: &Router, path: &str, peer: Option<&str>) -> (StatusCode, String) {
        let mut request = HttpRequest::get(path).body(Body::empty()).unwrap();
        if let Some(peer) = peer {
            request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        }
        let answer = app.clone().oneshot(request).await.unwrap();
        let status = answer.status();
        (status, String::from_utf8(answer.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
    }

    async fn post(app: &Router, path: &str, form: &str) -> StatusCode {
        let request = HttpRequest::post(path).header("content-type", "application/x-www-form-urlencoded").body(Body::from(form.to_string())).unwrap();
        app.clone().oneshot(request).await.unwrap().status()
    }

    fn form(csrf: &str, arn: &str) -> String {
        format!("csrf={csrf}&execution={}&token=tok-1&output=%7B%22ok%22%3A1%7D", encode(arn))
    }

    #[tokio::test]
    async fn a_token_is_answered_only_with_writes_on_and_the_page_s_own_form() {
        let (engine, arn) = engine();
        let page = format!("/console/executions/{}", encode(&arn));

        let read_only = router(engine.clone(), ConsoleOptions::default());
        let (status, html) = get(&read_only, &page, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-outcome=") && html.contains("tok-1") && !html.contains("send-success"), "{html}");
        assert_eq!(post(&read_only, "/console/tokens/success", &form("x", &arn)).await, StatusCode::FORBIDDEN);

        let writable = router(engine.clone(), ConsoleOptions { writes: true, ..ConsoleOptions::default() });
        let (_, html) = get(&writable, &page, None).await;
        let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("the form's secret");
        assert_eq!(post(&writable, "/console/tokens/success", &form("forged", &arn)).await, StatusCode::FORBIDDEN);
        assert!(engine.store().token("tok-1").unwrap().unwrap().outcome.is_none());
        assert_eq!(post(&writable, "/console/tokens/success", &form(csrf, &arn)).await, StatusCode::SEE_OTHER);
        assert!(engine.store().token("tok-1").unwrap().unwrap().outcome.is_some());
        // Answered: no longer offered, and a second answer is AWS's TaskTimedOut.
        let (_, html) = get(&writable, &page, None).await;
        assert!(!html.contains("send-success"), "{html}");
        assert_eq!(post(&writable, "/console/tokens/success", &form(csrf, &arn)).await, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn clients_off_loopback_are_refused_unless_told() {
        let (engine, _) = engine();
        let local = router(engine.clone(), ConsoleOptions::default());
        assert_eq!(get(&local, "/console", Some("127.0.0.1:5000")).await.0, StatusCode::OK);
        assert_eq!(get(&local, "/console", Some("[::1]:5000")).await.0, StatusCode::OK);
        assert_eq!(get(&local, "/console", Some("10.1.2.3:5000")).await.0, StatusCode::FORBIDDEN);
        let remote = router(engine, ConsoleOptions { remote: true, ..ConsoleOptions::default() });
        assert_eq!(get(&remote, "/console", Some("10.1.2.3:5000")).await.0, StatusCode::OK);
    }

    #[tokio::test]
    async fn pages_list_and_name_what_is_missing() {
        let (engine, arn) = engine();
        let app = router(engine, ConsoleOptions::default());
        let (status, html) = get(&app, "/console", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("/console/machines/approval"), "{html}");
        let (status, html) = get(&app, "/console/machines/approval?status=RUNNING", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("order-1") && html.contains("<svg"), "{html}");
        let (_, html) = get(&app, "/console/machines/approval?status=SUCCEEDED", None).await;
        assert!(!html.contains(">order-1<"), "{html}");
        let (status, live) = get(&app, &format!("/console/executions/{}/live", encode(&arn)), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(live.contains("RUNNING:"), "{live}");
        assert_eq!(get(&app, "/console/machines/nope", None).await.0, StatusCode::NOT_FOUND);
        let missing = arn.replace("order-1", "nope");
        assert_eq!(get(&app, &format!("/console/executions/{}", encode(&missing)), None).await.0, StatusCode::NOT_FOUND);
        let (status, css) = get(&app, "/console/static/console.css", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(css.contains("data-outcome"));
    }
}
