//! The console's pages: what each shows, read from the [`Engine`]'s answers (the same
//! AWS-shaped JSON the API serves), and the askama templates (`asl-serve/templates/`) that
//! render them. Everything here is synchronous; `mod.rs` runs it on the blocking pool.

use super::outcome::{cut, pretty, Ending, Outcome, Outcomes, Reader};
use askama::Template;
use asl_engine::engine::ApiResult;
use asl_codegen::graph::Graph;
use asl_engine::{ApiError, Engine};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Arc;

/// Executions listed a page at a time.
pub const EXECUTIONS_PER_PAGE: usize = 100;
/// History rows shown in the table (the outcomes read them all).
pub const EVENT_ROWS: usize = 2000;
/// Timeline bars shown.
pub const TIMELINE_BARS: usize = 300;
/// Open task tokens offered (an execution may wait on many, in a Map).
pub const TOKEN_ROWS: usize = 50;

/// Where the console is mounted, and what every page links with.
#[derive(Debug, Clone)]
pub struct Frame {
    pub base: String,
    pub writes: bool,
    /// Whether this server runs workers (`asl serve --no-workers` does not).
    pub workers: bool,
}

#[derive(Template)]
#[template(path = "machines.html")]
pub struct MachinesPage {
    pub frame: Frame,
    pub machines: Vec<MachineRow>,
    pub next: Option<String>,
    /// Past the first page.
    pub paged: bool,
}

#[derive(Template)]
#[template(path = "problem.html")]
pub struct ProblemPage {
    pub frame: Frame,
    pub status: String,
    pub message: String,
}

pub struct MachineRow {
    pub name: String,
    pub kind: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "machine.html")]
pub struct MachinePage {
    pub frame: Frame,
    pub csrf: String,
    /// ACTIVE, or DELETING while executions of it still run.
    pub machine_status: String,
    pub name: String,
    pub arn: String,
    pub kind: String,
    pub graph: String,
    pub status: Option<String>,
    pub statuses: &'static [&'static str],
    pub executions: Vec<ExecutionRow>,
    pub next: Option<String>,
    pub paged: bool,
}

pub struct ExecutionRow {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub started: String,
    pub stopped: String,
}

#[derive(Template)]
#[template(path = "execution.html")]
pub struct ExecutionPage {
    pub frame: Frame,
    pub csrf: String,
    pub name: String,
    pub arn: String,
    pub machine: String,
    pub status: String,
    pub started: String,
    pub stopped: String,
    pub input: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub redrives: u64,
    pub graph: String,
    /// The states' outcomes, visits, inputs and outputs as JSON, safe inside `<script>`.
    pub states: String,
    pub tokens: Vec<TokenRow>,
    pub more_tokens: usize,
    pub texts_omitted: bool,
    pub events: Vec<EventRow>,
    pub event_count: usize,
    pub timeline: Vec<Bar>,
    /// Changes whenever the page would: what the live script compares.
    pub version: String,
}

pub struct TokenRow {
    pub token: String,
    pub state: String,
}

pub struct EventRow {
    pub id: u64,
    pub time: String,
    pub kind: String,
    pub state: String,
    pub details: String,
}

pub struct Bar {
    pub state: String,
    pub outcome: &'static str,
    pub left: String,
    pub width: String,
    pub took: String,
}

/// Execution statuses, as ListExecutions filters them.
pub const STATUSES: &[&str] = &["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

/// An RFC 3339 date as `2026-12-05 10:00:00.123` (UTC).
fn when(v: &Value) -> String {
    let date = v.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    date.map(|d| d.with_timezone(&Utc).format("%Y-%m-%d %H:%M:%S%.3f").to_string()).unwrap_or_default()
}

pub fn machines(engine: &Engine, frame: Frame, next: Option<String>) -> ApiResult<MachinesPage> {
    let paged = next.is_some();
    let page = engine.list_state_machines(100, next)?;
    let machines = page["stateMachines"].as_array().into_iter().flatten();
    let machines = machines.map(|m| MachineRow { name: text(&m["name"]), kind: text(&m["type"]), created: when(&m["creationDate"]) }).collect();
    Ok(MachinesPage { frame, machines, next: page["nextToken"].as_str().map(str::to_string), paged })
}

pub fn machine(engine: &Engine, drawings: &Drawings, frame: Frame, csrf: &str, name: &str, status: Option<String>, next: Option<String>) -> ApiResult<MachinePage> {
    let arn = asl_runtime::context::state_machine_arn(name);
    let described = engine.describe_state_machine(&arn)?;
    let graph = drawn(&drawings.of(&text(&described["definition"])), None);
    let status = status.filter(|s| !s.is_empty());
    let paged = next.is_some();
    let page = engine.list_executions(&arn, status.as_deref(), EXECUTIONS_PER_PAGE, next)?;
    let executions = page["executions"].as_array().into_iter().flatten();
    let executions = executions
        .map(|e| ExecutionRow {
            name: text(&e["name"]),
            arn: text(&e["executionArn"]),
            status: text(&e["status"]),
            started: when(&e["startDate"]),
            stopped: when(&e["stopDate"]),
        })
        .collect();
    Ok(MachinePage {
        frame,
        csrf: csrf.to_string(),
        machine_status: text(&described["status"]),
        name: name.to_string(),
        arn,
        kind: text(&described["type"]),
        graph,
        status,
        statuses: STATUSES,
        executions,
        next: page["nextToken"].as_str().map(str::to_string),
        paged,
    })
}

/// The SVG of a definition, each state marked with its outcome when `outcomes` are given;
/// a definition that no longer draws (it was stored before a rule it breaks) says why.
fn drawn(definition: &Result<Graph, String>, outcomes: Option<&Outcomes>) -> String {
    match (definition, outcomes) {
        (Ok(graph), None) => graph.to_svg(),
        (Ok(graph), Some(outcomes)) => graph.to_svg_with(&|state| vec![("outcome", outcomes.outcome(&state.name).name().to_string())]),
        (Err(problem), _) => format!("<p class=\"problem\">This definition cannot be drawn: {}</p>", asl_codegen::graph::escape_xml(problem)),
    }
}

/// A definition's graph, or why it cannot be drawn.
type Drawing = Arc<Result<Graph, String>>;

/// The graphs of the definitions shown lately. Parsing and checking a definition of thousands
/// of states takes a while, and a running execution's page asks again at each change.
#[derive(Default)]
pub struct Drawings {
    recent: std::sync::Mutex<std::collections::VecDeque<(String, Drawing)>>,
}

impl Drawings {
    const KEPT: usize = 16;

    /// The graph of `definition`, or why it cannot be drawn.
    fn of(&self, definition: &str) -> Drawing {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = recent.iter().position(|(text, _)| text == definition) {
            let hit = recent.remove(i).expect("found above");
            recent.push_front(hit.clone());
            return hit.1;
        }
        drop(recent);
        let graph = asl_codegen::graph_source(definition).map_err(|problems| problems.first().map(|d| d.message.clone()).unwrap_or_default());
        let graph = Arc::new(graph);
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        recent.push_front((definition.to_string(), graph.clone()));
        recent.truncate(Self::KEPT);
        graph
    }
}

/// Reads an execution's history a page at a time into `reader`, keeping the first
/// [`EVENT_ROWS`] as rows; answers how many events there are and the last one's id.
fn read_history(engine: &Engine, arn: &str, reader: &mut Reader, rows: &mut Vec<EventRow>) -> ApiResult<(usize, Value)> {
    let (mut count, mut last) = (0, Value::Null);
    let mut next = None;
    loop {
        let page = engine.get_execution_history(arn, false, 1000, next)?;
        for event in page["events"].as_array().into_iter().flatten() {
            reader.event(event);
            if rows.len() < EVENT_ROWS {
                let id = event["id"].as_u64().unwrap_or(0);
                rows.push(event_row(event, reader.state_of(id)));
            }
            count += 1;
            last = event["id"].clone();
        }
        next = page["nextToken"].as_str().map(str::to_string);
        if next.is_none() {
            return Ok((count, last));
        }
    }
}

/// The live script's token: the status, the last event and the open tokens.
pub fn version(engine: &Engine, arn: &str) -> ApiResult<String> {
    let described = engine.describe_execution(arn)?;
    let last = engine.get_execution_history(arn, true, 1, None)?;
    let tokens = engine.open_task_tokens(arn)?;
    Ok(version_of(&text(&described["status"]), &last["events"][0]["id"], tokens.as_array().map_or(0, Vec::len)))
}

/// What [`version`] answers and the page carries: the two must agree, or the page reloads
/// its content every second.
fn version_of(status: &str, last_event: &Value, open_tokens: usize) -> String {
    format!("{status}:{last_event}:{open_tokens}")
}

pub fn execution(engine: &Engine, drawings: &Drawings, frame: Frame, csrf: &str, arn: &str) -> ApiResult<ExecutionPage> {
    let described = engine.describe_execution(arn)?;
    let arn = text(&described["executionArn"]);
    let definition = engine.describe_state_machine_for_execution(&arn)?;
    let graph = drawings.of(&text(&definition["definition"]));
    let tokens = engine.open_task_tokens(&arn)?;
    let tokens: Vec<TokenRow> = tokens
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| TokenRow { token: text(&t["taskToken"]), state: text(&t["stateName"]) })
        .collect();
    let status = text(&described["status"]);
    let ending = match status.as_str() {
        "RUNNING" => Ending::Running,
        "SUCCEEDED" => Ending::Succeeded,
        _ => Ending::Failed,
    };
    let mut reader = Reader::new(graph.as_ref().as_ref().ok());
    let mut events = Vec::new();
    let (event_count, last) = read_history(engine, &arn, &mut reader, &mut events)?;
    let waiting: HashSet<String> = tokens.iter().map(|t| t.state.clone()).collect();
    let outcomes = reader.finish(ending, &waiting);
    let version = version_of(&status, &last, tokens.len());
    let more_tokens = tokens.len().saturating_sub(TOKEN_ROWS);
    Ok(ExecutionPage {
        csrf: csrf.to_string(),
        name: text(&described["name"]),
        machine: text(&definition["name"]),
        started: when(&described["startDate"]),
        stopped: when(&described["stopDate"]),
        input: pretty(&text(&described["input"])),
        output: described["output"].as_str().map(pretty),
        error: described["error"].as_str().map(str::to_string),
        cause: described["cause"].as_str().map(str::to_string),
        redrives: described["redriveCount"].as_u64().unwrap_or(0),
        graph: drawn(&graph, Some(&outcomes)),
        states: panel(&outcomes),
        timeline: timeline(&outcomes, &described, ending),
        texts_omitted: outcomes.texts_omitted,
        event_count,
        events,
        tokens: tokens.into_iter().take(TOKEN_ROWS).collect(),
        more_tokens,
        status,
        arn,
        version,
        frame,
    })
}

/// The states' panel data, as JSON safe to put inside `<script>`.
fn panel(outcomes: &Outcomes) -> String {
    let states: serde_json::Map<String, Value> = outcomes
        .states
        .iter()
        .map(|(name, run)| {
            let outcome = run.outcome.unwrap_or(Outcome::NotReached).name();
            (name.clone(), json!({ "outcome": outcome, "visits": run.visits, "input": run.input, "output": run.output }))
        })
        .collect();
    // `<` only occurs inside JSON strings, where `\u003c` means the same: no `</script>`.
    Value::Object(states).to_string().replace('<', "\\u003c")
}

fn timeline(outcomes: &Outcomes, described: &Value, ending: Ending) -> Vec<Bar> {
    let parse = |v: &Value| v.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc));
    let Some(start) = parse(&described["startDate"]) else { return Vec::new() };
    let end = parse(&described["stopDate"]).unwrap_or_else(Utc::now);
    let total = (end - start).num_milliseconds().max(1) as f64;
    outcomes
        .visits
        .iter()
        .take(TIMELINE_BARS)
        .map(|visit| {
            let until = visit.exited.unwrap_or(end);
            let took = (until - visit.entered).num_milliseconds().max(0);
            let left = ((visit.entered - start).num_milliseconds().max(0) as f64 / total * 100.0).min(99.5);
            let width = (took as f64 / total * 100.0).clamp(0.5, 100.0 - left);
            // A visit still open in a running execution is under way, whatever came before.
            let outcome = match (visit.exited, ending) {
                (None, Ending::Running) => outcomes.outcome(&visit.state).max(Outcome::Running),
                _ => outcomes.outcome(&visit.state),
            };
            Bar { state: visit.state.clone(), outcome: outcome.name(), left: format!("{left:.2}"), width: format!("{width:.2}"), took: duration(took) }
        })
        .collect()
}

/// `840 ms`, `54.1 s`, `3 min 12 s`, `2 h 5 min`.
fn duration(ms: i64) -> String {
    match ms {
        ..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
        _ => format!("{} h {} min", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

/// A row of the events table; `state`: the state the event belongs to, if any.
fn event_row(event: &Value, state: Option<&str>) -> EventRow {
    let details = event.as_object().and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v));
    let state = state.unwrap_or_default().to_string();
    EventRow {
        id: event["id"].as_u64().unwrap_or(0),
        time: when(&event["timestamp"]),
        kind: text(&event["type"]),
        state,
        details: details.map(|d| cut(&d.to_string(), 300)).unwrap_or_default(),
    }
}

/// An error page's message.
pub fn problem(e: &ApiError) -> String {
    format!("{}: {}", e.code, e.message)
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(super::duration(840), "840 ms");
        assert_eq!(super::duration(54_139), "54.1 s");
        assert_eq!(super::duration(192_000), "3 min 12 s");
        assert_eq!(super::duration(7_500_000), "2 h 5 min");
    }
}
