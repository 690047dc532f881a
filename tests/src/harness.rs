//! Running one recorded AWS execution: replaying the recorded Task answers in order, on
//! tokio's paused clock, and comparing the outcome with what AWS produced.

use asl_runtime::history::HistoryEvent;
use asl_runtime::{Env, Failure, Outcome, TaskCall, TaskHandler, TokioClock};
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

/// One generated case.
pub struct Case {
    /// `area/name.json`, relative to the cases directory.
    pub id: &'static str,
    pub file: &'static str,
    /// `None` when the compiler rejected the definition.
    pub run: Option<for<'a> fn(Value, &'a CaseEnv) -> CaseFuture<'a>>,
    /// The compiler's diagnostics when `run` is `None`.
    pub diagnostics: &'static str,
    /// For a case run with a listed repair (tests/conformance-repairs.txt): the replacements,
    /// as JSON text. `None` for a case run as recorded.
    pub repaired: Option<&'static str>,
}

pub type CaseEnv = Env<Replay, TokioClock>;
/// The outcome and the history the execution recorded.
pub type CaseFuture<'a> = Pin<Box<dyn Future<Output = (Outcome, Vec<HistoryEvent>)> + 'a>>;

/// Gives the k-th call of state S the k-th recorded answer of `tasks[S]`.
#[derive(Debug, Default)]
pub struct Replay {
    answers: Mutex<HashMap<String, Vec<Value>>>,
    problems: Mutex<Vec<String>>,
}

impl Replay {
    pub fn new(tasks: &Value) -> Self {
        let answers = tasks
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_array().cloned().unwrap_or_default().into_iter().rev().collect()))
                    .collect()
            })
            .unwrap_or_default();
        Replay { answers: Mutex::new(answers), problems: Mutex::default() }
    }

    /// Calls that found no answer, and answers never asked for.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.problems.lock().map(|p| p.clone()).unwrap_or_default();
        if let Ok(answers) = self.answers.lock() {
            for (state, left) in answers.iter().filter(|(_, l)| !l.is_empty()) {
                out.push(format!("{} recorded answer(s) of Task state '{state}' were not used", left.len()));
            }
        }
        out
    }

    fn next_answer(&self, state: &str) -> Option<Value> {
        self.answers.lock().ok()?.get_mut(state)?.pop()
    }
}

impl TaskHandler for Replay {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        let Some(answer) = self.next_answer(call.state) else {
            let msg = format!("Task state '{}' was called but has no recorded answer left", call.state);
            if let Ok(mut p) = self.problems.lock() {
                p.push(msg.clone());
            }
            return Err(Failure::new("Harness.NoAnswer", msg));
        };
        if let Some(result) = answer.get("result") {
            return Ok(result.clone());
        }
        if answer.get("no_answer").and_then(Value::as_bool) == Some(true) {
            return std::future::pending().await;
        }
        let text = |k: &str| answer.get(k).and_then(Value::as_str).map(str::to_string);
        Err(Failure { error: text("error").unwrap_or_default(), cause: text("cause") })
    }

    /// The cases' README: an activity Resource whose state has no entry in `tasks` names an
    /// activity that does not exist.
    fn activity_exists(&self, state: &str, _activity_arn: &str) -> bool {
        self.answers.lock().map_or(true, |answers| answers.contains_key(state))
    }
}

/// What AWS recorded, in comparable form.
#[derive(Debug, PartialEq)]
pub enum Expected {
    Succeeded(Value),
    Failed { error: Option<String>, cause: Option<String> },
}

impl Expected {
    pub fn from_case(case: &Value) -> Result<Self, String> {
        let e = case.get("expected").ok_or("no `expected` field")?;
        let text = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
        match e.get("status").and_then(Value::as_str) {
            Some("SUCCEEDED") => Ok(Expected::Succeeded(e.get("output").cloned().unwrap_or(Value::Null))),
            Some("FAILED") => Ok(Expected::Failed { error: text("error"), cause: text("cause") }),
            other => Err(format!("unsupported expected status {other:?}")),
        }
    }

    pub fn from_outcome(outcome: &Outcome) -> Self {
        match outcome {
            Ok(v) => Expected::Succeeded(v.clone()),
            // A Fail state without Error reports no error at all.
            Err(f) => Expected::Failed { error: Some(f.error.clone()).filter(|e| !e.is_empty()), cause: f.cause.clone() },
        }
    }
}

/// How a case went: its outcome against AWS's, and its history against AWS's.
pub struct Verdict {
    /// `Err`: a one-line description of the difference in outcome.
    pub outcome: Result<(), String>,
    /// `Err`: the first difference in the event sequence (type, id, previousEventId).
    pub history: Result<(), String>,
}

/// Runs one case to completion; `Err` is a one-line description of the difference.
pub async fn run_case(case: &Case) -> Result<(), String> {
    run_case_with_history(case).await.outcome
}

/// Runs one case, comparing its outcome and its history with what AWS recorded.
pub async fn run_case_with_history(case: &Case) -> Verdict {
    match run_recorded(case).await {
        Err(e) => Verdict { outcome: Err(e.clone()), history: Err(e) },
        Ok((outcome, history)) => Verdict { outcome, history },
    }
}

async fn run_recorded(case: &Case) -> Result<(Result<(), String>, Result<(), String>), String> {
    let Some(run) = case.run else {
        let first = case.diagnostics.lines().next().unwrap_or_default();
        return Err(format!("rejected by the compiler: {first}"));
    };
    let text = std::fs::read_to_string(case.file).map_err(|e| format!("cannot read: {e}"))?;
    let data: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let expected = Expected::from_case(&data)?;
    let replay = Replay::new(data.get("tasks").unwrap_or(&Value::Null));
    let start = "2024-01-01T00:00:00Z".parse().map_err(|e| format!("{e}"))?;
    let env = Env::with_clock(replay, TokioClock::starting_at(start)).seeded(0).with_history();
    let input = data.get("input").cloned().unwrap_or(Value::Null);
    // Virtual time: a year passes instantly when nothing else can happen.
    let limit = std::time::Duration::from_secs(366 * 24 * 3600);
    let (outcome, events) = tokio::time::timeout(limit, run(input, &env))
        .await
        .map_err(|_| "the execution did not finish within a (virtual) year".to_string())?;
    let history = compare_history(data.get("history").unwrap_or(&Value::Null), &events);
    let got = Expected::from_outcome(&outcome);
    if got != expected {
        return Ok((Err(format!("expected {}, got {}", describe(&expected), describe(&got))), history));
    }
    let outcome = match env.tasks.problems().first() {
        Some(p) => Err(p.clone()),
        None => Ok(()),
    };
    Ok((outcome, history))
}

/// Compares the recorded history with ours event by event: type, id and previousEventId,
/// the state name where the event names one, and the variables a state assigned. Where the recording numbers no event (the
/// branches of a Parallel, recorded unordered with placeholder ids), the types of those events
/// must be among ours that the recording does not number.
pub fn compare_history(recorded: &Value, got: &[HistoryEvent]) -> Result<(), String> {
    let recorded = recorded.as_array().ok_or("no recorded history")?;
    let state_name = |e: &Value| {
        let details = e.get("stateEnteredEventDetails").or(e.get("stateExitedEventDetails"))?;
        details.get("name").and_then(Value::as_str).map(str::to_string)
    };
    let show = |kind: &str, id: u64, previous: u64, name: Option<String>| {
        format!("{id}/{previous} {kind}{}", name.map(|n| format!(" '{n}'")).unwrap_or_default())
    };
    let ours: Vec<(u64, String)> = got
        .iter()
        .map(|e| (e.id, show(&e.kind, e.id, e.previous_event_id, state_name(&e.to_json()))))
        .collect();
    let mut unnumbered: Vec<String> = Vec::new();
    let mut numbered = std::collections::BTreeSet::new();
    let mut last_id = 0;
    for e in recorded {
        let kind = e["type"].as_str().unwrap_or("?");
        let Some(id) = e["id"].as_u64() else {
            unnumbered.push(kind.to_string());
            continue;
        };
        numbered.insert(id);
        last_id = last_id.max(id);
        let theirs = show(kind, id, e["previousEventId"].as_u64().unwrap_or(0), state_name(e));
        match ours.iter().find(|(i, _)| *i == id) {
            Some((_, mine)) if *mine == theirs => {
                let ours = got.iter().find(|g| g.id == id).map(HistoryEvent::to_json).unwrap_or_default();
                compare_assigned(e, &ours).map_err(|diff| format!("event {id} ({theirs}): {diff}"))?;
            }
            Some((_, mine)) => return Err(format!("event {id}: AWS has {theirs}, we have {mine}")),
            None => return Err(format!("event {id}: AWS has {theirs}, we have no such event")),
        }
    }
    if let Some((_, extra)) = ours.iter().find(|(i, _)| *i > last_id) {
        return Err(format!("AWS's history ends at event {last_id}; ours goes on with {extra}"));
    }
    let mut spare: Vec<&str> = got.iter().filter(|e| !numbered.contains(&e.id)).map(|e| e.kind.as_str()).collect();
    for kind in &unnumbered {
        match spare.iter().position(|k| k == kind) {
            Some(i) => {
                spare.swap_remove(i);
            }
            None => return Err(format!("AWS has a {kind} event (unnumbered) that we do not")),
        }
    }
    Ok(())
}

/// The variables a …StateExited event says its state assigned (`assignedVariables`, each value
/// as JSON text): the same names, and the same values where the recording kept them. The
/// recordings parse some of these texts into JSON (LocalStack's snapshots do so for objects)
/// and put placeholders where a value varies between runs (a date, a UUID); such a value is
/// compared only by name.
fn compare_assigned(recorded: &Value, ours: &Value) -> Result<(), String> {
    let assigned = |e: &Value| e.get("stateExitedEventDetails").and_then(|d| d.get("assignedVariables")).cloned();
    let (theirs, mine) = match (assigned(recorded), assigned(ours)) {
        (None, None) => return Ok(()),
        (Some(t), Some(m)) => (t, m),
        (t, m) => return Err(format!("AWS's assignedVariables are {}, ours {}", show(t), show(m))),
    };
    let (Some(theirs), Some(mine)) = (theirs.as_object(), mine.as_object()) else {
        return Err("assignedVariables is not an object".into());
    };
    let names = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<std::collections::BTreeSet<_>>();
    if names(theirs) != names(mine) {
        return Err(format!("AWS assigned {:?}, we assigned {:?}", names(theirs), names(mine)));
    }
    for (name, their_value) in theirs {
        let our_text = mine[name].as_str().ok_or_else(|| format!("our value of '{name}' is not JSON text"))?;
        let ours: Value = serde_json::from_str(our_text).map_err(|e| format!("our value of '{name}' is not JSON: {e}"))?;
        let theirs = match their_value {
            Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| their_value.clone()),
            other => other.clone(),
        };
        if !has_placeholder(&theirs) && theirs != ours {
            return Err(format!("AWS assigned {name} = {theirs}, we assigned {ours}"));
        }
    }
    Ok(())
}

fn show(v: Option<Value>) -> String {
    v.map_or_else(|| "absent".into(), |v| short(&v.to_string()))
}

/// Whether the recording replaced a value (or part of it) by a placeholder.
fn has_placeholder(v: &Value) -> bool {
    match v {
        Value::String(s) => s == "date" || s == "timestamp" || (s.contains('<') && s.contains('>')),
        Value::Array(items) => items.iter().any(has_placeholder),
        Value::Object(m) => m.values().any(has_placeholder),
        _ => false,
    }
}

fn describe(e: &Expected) -> String {
    match e {
        Expected::Succeeded(v) => format!("SUCCEEDED {}", short(&v.to_string())),
        Expected::Failed { error, cause } => format!(
            "FAILED error={} cause={}",
            error.as_deref().unwrap_or("null"),
            short(cause.as_deref().unwrap_or("null"))
        ),
    }
}

fn short(s: &str) -> String {
    if s.chars().count() > 300 { format!("{}…", s.chars().take(300).collect::<String>()) } else { s.to_string() }
}

/// The known-gaps list: `id: reason` lines; `#` starts a comment.
pub fn known_gaps(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(": ").map(|(id, why)| (id.trim().to_string(), why.trim().to_string())))
        .collect()
}
