//! The web console: state machines, their executions, and one execution drawn with each state
//! coloured by its outcome, its history as a table and a timeline, each state's input and
//! output, and its open task tokens with buttons that answer them (and buttons that start, stop
//! and redrive executions). Server-rendered HTML
//! (askama templates compiled into the binary) and one small script, both served from here:
//! nothing is fetched from the network, and `cargo build` needs no JavaScript toolchain.
//!
//! Floors: `outcome` (what happened to each state, from the history) < `pages` (what each page
//! shows, from the [`Engine`]) < this file (routes, the loopback rule, the write rule).
//!
//! It reads through the same [`Engine`] as the API. It is read-only unless
//! [`ConsoleOptions::with_writes`]; its forms then carry a per-server secret and must come from
//! its own origin, so that another site cannot post them from a user's browser, and no page
//! may be framed by another. Unless [`ConsoleOptions::with_remote`], it answers loopback
//! clients only (`serve` records each connection's address), for the host names of loopback
//! only (another site's name rebound to 127.0.0.1 gets nothing).

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

/// What the console may do, and where it is served.
#[derive(Debug, Clone)]
pub struct ConsoleOptions {
    base: String,
    writes: bool,
    remote: bool,
    workers: bool,
}

impl Default for ConsoleOptions {
    /// At `/console`, read-only, for loopback clients.
    fn default() -> Self {
        ConsoleOptions { base: DEFAULT_BASE.to_string(), writes: false, remote: false, workers: true }
    }
}

impl ConsoleOptions {
    /// Served under `base` (`/ops/console`): a path of its own, not `/`, where the API is.
    pub fn at(self, base: &str) -> Result<Self, String> {
        let trimmed = base.trim_end_matches('/');
        if !trimmed.starts_with('/') || trimmed.contains(['?', '#', '{', '}']) {
            return Err(format!("the console's path must start with / and name a folder of its own (not the API's /): {base:?}"));
        }
        Ok(ConsoleOptions { base: trimmed.to_string(), ..self })
    }

    /// Whether its buttons may act: answer task tokens (SendTaskSuccess, SendTaskFailure),
    /// start, stop and redrive executions.
    pub fn with_writes(self, writes: bool) -> Self {
        ConsoleOptions { writes, ..self }
    }

    /// Whether it answers clients off loopback (and requests for another host name).
    pub fn with_remote(self, remote: bool) -> Self {
        ConsoleOptions { remote, ..self }
    }

    /// Whether the server runs workers; without (`asl serve --no-workers`), pages say that
    /// executions wait for workers started elsewhere.
    pub fn with_workers(self, workers: bool) -> Self {
        ConsoleOptions { workers, ..self }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn writes(&self) -> bool {
        self.writes
    }

    pub fn remote(&self) -> bool {
        self.remote
    }
}

struct Console {
    engine: Engine,
    drawings: pages::Drawings,
    options: ConsoleOptions,
    /// Every form carries it; a post without it is refused.
    csrf: String,
}

impl Console {
    fn frame(&self) -> Frame {
        Frame { base: self.options.base.clone(), writes: self.options.writes, workers: self.options.workers }
    }

    /// A page saying what went wrong, with the console's header and a way back.
    fn problem(&self, status: StatusCode, message: &str) -> Response {
        let page = pages::ProblemPage { frame: self.frame(), status: status.to_string(), message: message.to_string() };
        match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => failure(status, message),
        }
    }
}

/// The console over `engine`, as routes under its base path to merge into a server. Unless
/// [`ConsoleOptions::with_remote`], it answers only clients whose connection comes from
/// loopback, so the server must record connection addresses
/// (`into_make_service_with_connect_info::<SocketAddr>()`, as [`crate::serve_with`] does).
pub fn router(engine: Engine, options: ConsoleOptions) -> Router {
    let base = options.base.clone();
    let csrf = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let remote = options.remote;
    let console = Arc::new(Console { engine, drawings: pages::Drawings::default(), options, csrf });
    let routes = Router::new()
        .route(&base, get(machines))
        .route(&format!("{base}/"), get(machines))
        .route(&format!("{base}/machines/{{name}}"), get(machine))
        .route(&format!("{base}/executions/{{arn}}"), get(execution))
        .route(&format!("{base}/executions/{{arn}}/live"), get(live))
        // The writes, named after the AWS actions they run.
        .route(&format!("{base}/act/SendTaskSuccess"), post(send_success))
        .route(&format!("{base}/act/SendTaskFailure"), post(send_failure))
        .route(&format!("{base}/act/StopExecution"), post(stop))
        .route(&format!("{base}/act/RedriveExecution"), post(redrive))
        .route(&format!("{base}/act/StartExecution"), post(start))
        .route(&format!("{base}/{{*rest}}"), get(unknown))
        .route(&format!("{base}/static/console.css"), get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE) }))
        .route(&format!("{base}/static/console.js"), get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], SCRIPT) }))
        .with_state(console);
    routes.layer(middleware::from_fn(move |request: Request, next: Next| guard(remote, request, next)))
}

/// What every answer carries: no framing by another site (a click on "Send task success"
/// inside someone else's page), scripts and styles from here only, no referrer to other sites
/// (`no-referrer` would make the browser post its forms with `Origin: null`).
const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-frame-options", "DENY"),
    ("content-security-policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"),
    ("referrer-policy", "same-origin"),
    ("x-content-type-options", "nosniff"),
];

/// Unless `remote`: refuses clients off loopback, requests naming another host (a page of
/// another site whose name was rebound to 127.0.0.1), and posts from another origin; then adds
/// [`SECURITY_HEADERS`].
async fn guard(remote: bool, request: Request, next: Next) -> Response {
    if !remote {
        if let Err(why) = local(&request) {
            return failure(StatusCode::FORBIDDEN, &format!("{why} (asl serve --console-remote serves other clients)"));
        }
    }
    let mut answer = next.run(request).await;
    for (name, value) in SECURITY_HEADERS {
        answer.headers_mut().insert(name, header::HeaderValue::from_static(value));
    }
    answer
}

fn local(request: &Request) -> Result<(), &'static str> {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    match peer {
        Some(peer) if peer.ip().to_canonical().is_loopback() => {}
        Some(_) => return Err("The console answers loopback clients only"),
        None => return Err("The console answers loopback clients only, and this server does not record where connections come from"),
    }
    let host = |value: &str| {
        let name = value.rsplit_once(':').filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit())).map_or(value, |(name, _)| name);
        matches!(name, "localhost" | "127.0.0.1" | "[::1]")
    };
    let named = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
    if !named.is_some_and(host) {
        return Err("The console answers requests for localhost, 127.0.0.1 or [::1] only");
    }
    if request.method() == axum::http::Method::POST {
        let site = request.headers().get("sec-fetch-site").and_then(|h| h.to_str().ok());
        let origin = request.headers().get(header::ORIGIN).and_then(|h| h.to_str().ok());
        let same_origin = origin.is_none_or(|o| o.strip_prefix("http://").is_some_and(|rest| Some(rest) == named));
        if site.is_some_and(|s| s != "same-origin") || !same_origin {
            return Err("The console takes forms from its own pages only");
        }
    }
    Ok(())
}

/// Runs a page's engine calls on the blocking pool (the engine is synchronous), and renders it.
async fn page<T: askama::Template + Send + 'static>(console: &Arc<Console>, build: impl FnOnce(&Console) -> Result<T, ApiError> + Send + 'static) -> Response {
    let builder = console.clone();
    let built = tokio::task::spawn_blocking(move || build(&builder)).await;
    match built {
        Ok(Ok(page)) => match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(e) => console.problem(StatusCode::INTERNAL_SERVER_ERROR, &format!("rendering the page: {e}")),
        },
        Ok(Err(e)) => console.problem(status_of(&e), &pages::problem(&e)),
        Err(e) => console.problem(StatusCode::INTERNAL_SERVER_ERROR, &format!("the page's work ended: {e}")),
    }
}

fn status_of(e: &ApiError) -> StatusCode {
    match e.code {
        "StateMachineDoesNotExist" | "ExecutionDoesNotExist" | "TaskDoesNotExist" | "InvalidArn" => StatusCode::NOT_FOUND,
        "InternalError" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A page without the console's frame: for requests refused before they reach it.
fn failure(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>asl console</title></head><body><h1>{}</h1><p>{}</p></body></html>",
        status,
        asl_codegen::graph::escape_xml(message)
    );
    (status, Html(body)).into_response()
}

async fn unknown(State(console): State<Arc<Console>>) -> Response {
    console.problem(StatusCode::NOT_FOUND, "The console has no such page.")
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
    page(&console, move |c| pages::machine(&c.engine, &c.drawings, c.frame(), &c.csrf, &name, paging.status, paging.next)).await
}

async fn execution(State(console): State<Arc<Console>>, Path(arn): Path<String>) -> Response {
    page(&console, move |c| pages::execution(&c.engine, &c.drawings, c.frame(), &c.csrf, &arn)).await
}

async fn live(State(console): State<Arc<Console>>, Path(arn): Path<String>) -> Response {
    let console = console.clone();
    match tokio::task::spawn_blocking(move || pages::version(&console.engine, &arn)).await {
        Ok(Ok(version)) => Json(serde_json::json!({ "version": version })).into_response(),
        Ok(Err(e)) => (status_of(&e), Json(serde_json::json!({ "error": pages::problem(&e) }))).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// SendTaskSuccess / SendTaskFailure: a token of the execution shown.
#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    execution: String,
    token: String,
    output: Option<String>,
    error: Option<String>,
    cause: Option<String>,
}

/// StopExecution / RedriveExecution of the execution shown.
#[derive(Deserialize)]
struct ExecutionForm {
    #[serde(default)]
    csrf: String,
    execution: String,
    error: Option<String>,
    cause: Option<String>,
}

/// StartExecution of the machine shown.
#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    csrf: String,
    machine: String,
    name: Option<String>,
    input: Option<String>,
}

/// A form field left empty is one not given.
fn given(field: Option<String>) -> Option<String> {
    field.filter(|f| !f.trim().is_empty())
}

async fn send_success(State(console): State<Arc<Console>>, Form(form): Form<TokenForm>) -> Response {
    let output = given(form.output).unwrap_or_else(|| "{}".to_string());
    act(console, form.csrf, move |engine| engine.send_task_success(&form.token, &output).map(|_| form.execution)).await
}

async fn send_failure(State(console): State<Arc<Console>>, Form(form): Form<TokenForm>) -> Response {
    let (error, cause) = (given(form.error), given(form.cause));
    act(console, form.csrf, move |engine| engine.send_task_failure(&form.token, error.as_deref(), cause.as_deref()).map(|_| form.execution)).await
}

async fn stop(State(console): State<Arc<Console>>, Form(form): Form<ExecutionForm>) -> Response {
    let (error, cause) = (given(form.error), given(form.cause));
    act(console, form.csrf, move |engine| engine.stop_execution(&form.execution, error.as_deref(), cause.as_deref()).map(|_| form.execution)).await
}

async fn redrive(State(console): State<Arc<Console>>, Form(form): Form<ExecutionForm>) -> Response {
    act(console, form.csrf, move |engine| engine.redrive_execution(&form.execution).map(|_| form.execution)).await
}

async fn start(State(console): State<Arc<Console>>, Form(form): Form<StartForm>) -> Response {
    let (name, input) = (given(form.name), given(form.input));
    act(console, form.csrf, move |engine| {
        let arn = asl_runtime::context::state_machine_arn(&form.machine);
        let started = engine.start_execution(&arn, name.as_deref(), input.as_deref())?;
        Ok(started["executionArn"].as_str().unwrap_or_default().to_string())
    })
    .await
}

/// Runs one of the console's writes when writes are allowed and the form is one this server
/// rendered, then shows the execution it names (an AWS error is shown as a page).
async fn act(console: Arc<Console>, csrf: String, work: impl FnOnce(&Engine) -> Result<String, ApiError> + Send + 'static) -> Response {
    if !console.options.writes {
        return console.problem(StatusCode::FORBIDDEN, "This console is read-only: start asl serve with --console-writes to act from here.");
    }
    if csrf != console.csrf {
        return console.problem(StatusCode::FORBIDDEN, "This form is not one this server rendered (reload the page and try again).");
    }
    let engine = console.engine.clone();
    match tokio::task::spawn_blocking(move || work(&engine)).await {
        Ok(Ok(execution)) => Redirect::to(&format!("{}/executions/{}", console.options.base, encode(&execution))).into_response(),
        Ok(Err(e)) => console.problem(status_of(&e), &pages::problem(&e)),
        Err(_) => console.problem(StatusCode::INTERNAL_SERVER_ERROR, "the action ended unexpectedly"),
    }
}

/// Everything but RFC 3986's unreserved characters, which a path segment may hold as they are.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A path segment (an ARN in a link), percent-encoded.
fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
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

    /// A request from a browser on this machine.
    fn local(request: axum::http::request::Builder) -> axum::http::request::Builder {
        request.header("host", "127.0.0.1:8083").extension(ConnectInfo("127.0.0.1:40000".parse::<SocketAddr>().unwrap()))
    }

    async fn get(app: &Router, path: &str, peer: Option<&str>) -> (StatusCode, String) {
        let mut request = local(HttpRequest::get(path)).body(Body::empty()).unwrap();
        if let Some(peer) = peer {
            request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        }
        let answer = app.clone().oneshot(request).await.unwrap();
        let status = answer.status();
        (status, String::from_utf8(answer.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
    }

    async fn post(app: &Router, path: &str, form: &str) -> StatusCode {
        let request = local(HttpRequest::post(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "http://127.0.0.1:8083")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(form.to_string()))
            .unwrap();
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
        assert_eq!(post(&read_only, "/console/act/SendTaskSuccess", &form("x", &arn)).await, StatusCode::FORBIDDEN);

        let writable = router(engine.clone(), ConsoleOptions::default().with_writes(true));
        let (_, html) = get(&writable, &page, None).await;
        let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("the form's secret");
        assert_eq!(post(&writable, "/console/act/SendTaskSuccess", &form("forged", &arn)).await, StatusCode::FORBIDDEN);
        let unsigned = format!("execution={}&token=tok-1", encode(&arn));
        assert_eq!(post(&writable, "/console/act/SendTaskSuccess", &unsigned).await, StatusCode::FORBIDDEN);
        assert!(engine.store().token("tok-1").unwrap().unwrap().outcome.is_none());
        assert_eq!(post(&writable, "/console/act/SendTaskSuccess", &form(csrf, &arn)).await, StatusCode::SEE_OTHER);
        assert!(engine.store().token("tok-1").unwrap().unwrap().outcome.is_some());
        // Answered: no longer offered, and a second answer is AWS's TaskTimedOut.
        let (_, html) = get(&writable, &page, None).await;
        assert!(!html.contains("send-success"), "{html}");
        assert_eq!(post(&writable, "/console/act/SendTaskSuccess", &form(csrf, &arn)).await, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn executions_are_started_stopped_and_redriven_from_the_pages_forms() {
        let (engine, arn) = engine();
        let app = router(engine.clone(), ConsoleOptions::default().with_writes(true));
        let (_, html) = get(&app, "/console/machines/approval", None).await;
        assert!(html.contains("act/StartExecution"), "{html}");
        let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("the form's secret").to_string();
        let status = |arn: &str| engine.describe_execution(arn).unwrap()["status"].as_str().unwrap().to_string();

        assert_eq!(post(&app, "/console/act/StartExecution", &format!("csrf={csrf}&machine=approval&name=order-2&input=%7B%7D")).await, StatusCode::SEE_OTHER);
        let second = arn.replace("order-1", "order-2");
        assert_eq!(status(&second), "RUNNING");
        let (_, html) = get(&app, &format!("/console/executions/{}", encode(&second)), None).await;
        assert!(html.contains("act/StopExecution") && !html.contains("act/RedriveExecution"), "{html}");

        let stop = format!("csrf={csrf}&execution={}&error=Stopped&cause=by+hand", encode(&second));
        assert_eq!(post(&app, "/console/act/StopExecution", &stop).await, StatusCode::SEE_OTHER);
        assert_eq!(status(&second), "ABORTED");
        let (_, html) = get(&app, &format!("/console/executions/{}", encode(&second)), None).await;
        assert!(html.contains("act/RedriveExecution") && !html.contains("act/StopExecution"), "{html}");
        assert_eq!(post(&app, "/console/act/RedriveExecution", &format!("csrf={csrf}&execution={}", encode(&second))).await, StatusCode::SEE_OTHER);
        assert_eq!(status(&second), "RUNNING");
        // The same name again while it runs: AWS's ExecutionAlreadyExists, shown as a page.
        let again = post(&app, "/console/act/StartExecution", &format!("csrf={csrf}&machine=approval&name=order-2&input=%7B%22x%22%3A1%7D")).await;
        assert_eq!(again, StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn a_form_posted_from_another_site_is_refused() {
        let (engine, arn) = engine();
        let app = router(engine.clone(), ConsoleOptions::default().with_writes(true));
        let (_, html) = get(&app, &format!("/console/executions/{}", encode(&arn)), None).await;
        let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_string();
        let forged = local(HttpRequest::post("/console/act/SendTaskSuccess"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", "http://evil.example")
            .header("sec-fetch-site", "cross-site")
            .body(Body::from(form(&csrf, &arn)))
            .unwrap();
        assert_eq!(app.clone().oneshot(forged).await.unwrap().status(), StatusCode::FORBIDDEN);
        assert!(engine.store().token("tok-1").unwrap().unwrap().outcome.is_none());
    }

    #[test]
    fn path_segments_keep_unreserved_characters_only() {
        assert_eq!(encode("arn:a-b_c.d~e/f g"), "arn%3Aa-b_c.d~e%2Ff%20g");
    }

    #[test]
    fn the_base_path_is_a_folder_of_its_own() {
        assert_eq!(ConsoleOptions::default().at("/ops/console/").unwrap().base(), "/ops/console");
        for wrong in ["/", "", "console", "/a?b"] {
            assert!(ConsoleOptions::default().at(wrong).is_err(), "{wrong:?}");
        }
    }

    #[tokio::test]
    async fn clients_off_loopback_are_refused_unless_told() {
        let (engine, _) = engine();
        let local = router(engine.clone(), ConsoleOptions::default());
        assert_eq!(get(&local, "/console", Some("127.0.0.1:5000")).await.0, StatusCode::OK);
        assert_eq!(get(&local, "/console", Some("[::1]:5000")).await.0, StatusCode::OK);
        assert_eq!(get(&local, "/console", Some("[::ffff:127.0.0.1]:5000")).await.0, StatusCode::OK);
        assert_eq!(get(&local, "/console", Some("10.1.2.3:5000")).await.0, StatusCode::FORBIDDEN);
        // Another site's name rebound to 127.0.0.1; a server that records no addresses.
        let rebound = HttpRequest::get("/console").header("host", "evil.example:8083").extension(ConnectInfo("127.0.0.1:1".parse::<SocketAddr>().unwrap()));
        assert_eq!(local.clone().oneshot(rebound.body(Body::empty()).unwrap()).await.unwrap().status(), StatusCode::FORBIDDEN);
        let unknown = HttpRequest::get("/console").header("host", "localhost").body(Body::empty()).unwrap();
        assert_eq!(local.clone().oneshot(unknown).await.unwrap().status(), StatusCode::FORBIDDEN);
        // Frames and other sites' scripts are refused by the browser.
        let answer = local.clone().oneshot(super::tests::local(HttpRequest::get("/console")).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(answer.headers()["x-frame-options"], "DENY");
        let remote = router(engine, ConsoleOptions::default().with_remote(true));
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
        let (status, html) = get(&app, "/console/no/such/page", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("asl console") && html.contains("class=\"back\""), "{html}");
        let (status, html) = get(&app, "/console/machines/approval?status=BOGUS", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains("id=\"problem\""), "{html}");
        let (status, css) = get(&app, "/console/static/console.css", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(css.contains("data-outcome"));
    }
}
