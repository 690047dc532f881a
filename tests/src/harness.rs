//! Running one recorded AWS execution: replaying the recorded Task answers in order, on
//! tokio's paused clock, and comparing the outcome with what AWS produced.

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
}

pub type CaseEnv = Env<Replay, TokioClock>;
pub type CaseFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + 'a>>;

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

/// Runs one case to completion; `Err` is a one-line description of the difference.
pub async fn run_case(case: &Case) -> Result<(), String> {
    let Some(run) = case.run else {
        let first = case.diagnostics.lines().next().unwrap_or_default();
        return Err(format!("rejected by the compiler: {first}"));
    };
    let text = std::fs::read_to_string(case.file).map_err(|e| format!("cannot read: {e}"))?;
    let data: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let expected = Expected::from_case(&data)?;
    let replay = Replay::new(data.get("tasks").unwrap_or(&Value::Null));
    let start = "2024-01-01T00:00:00Z".parse().map_err(|e| format!("{e}"))?;
    let env = Env::with_clock(replay, TokioClock::starting_at(start)).seeded(0);
    let input = data.get("input").cloned().unwrap_or(Value::Null);
    // Virtual time: a year passes instantly when nothing else can happen.
    let limit = std::time::Duration::from_secs(366 * 24 * 3600);
    let outcome = tokio::time::timeout(limit, run(input, &env))
        .await
        .map_err(|_| "the execution did not finish within a (virtual) year".to_string())?;
    let got = Expected::from_outcome(&outcome);
    if got != expected {
        return Err(format!("expected {}, got {}", describe(&expected), describe(&got)));
    }
    match env.tasks.problems().first() {
        Some(p) => Err(p.clone()),
        None => Ok(()),
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
