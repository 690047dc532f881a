//! Fuzz targets, one per entry point a user's bytes reach:
//!
//! | target | the bytes are | what must hold |
//! |---|---|---|
//! | [`definition`] | a definition file | check and compile end with diagnostics inside the text, or code, never a panic |
//! | [`execution_input`] | an execution's input | compiled workflows end with an output or a `Failure`, never a panic |
//! | [`control_api`] | a sequence of control-API calls | every call answers a value or an `ApiError`, never a panic, and nothing acknowledged is lost |
//!
//! The same functions are driven three ways: by libFuzzer (`fuzz/libfuzzer`, coverage-guided,
//! nightly), by this crate's own binary (`cargo run --release -p asl-fuzz -- TARGET`, stable,
//! random mutations of the corpus), and by the test suite (`tests/tests/fuzz.rs`: the corpus
//! in `fuzz/corpus/TARGET` and a fixed number of mutations, a few seconds each).

pub mod mutate;

/// The files of a corpus folder, in name order.
pub fn corpus(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

use asl_engine::{Engine, MachineType, MemoryStore};
use asl_runtime::{Failure, TaskCall, TaskHandler, Value};
use std::sync::Arc;

/// A fuzz target: it panics when what must hold does not.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, as the driver and the corpus folders call them.
pub const TARGETS: &[(&str, Target)] =
    &[("definition", definition), ("execution-input", execution_input), ("control-api", control_api)];

/// Definition text → `check_source` and `compile_source`.
pub fn definition(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let diags = asl_codegen::check_source(text);
    for d in &diags {
        assert!(d.span.end() <= text.len() && d.span.start() <= d.span.end(), "a diagnostic outside the text: {d:?}");
        // Rendering must find the line and column of every diagnostic.
        let _ = asl_codegen::render("fuzz.json", text, std::slice::from_ref(d));
    }
    match asl_codegen::compile_source(text, "fuzz") {
        Ok(_) => assert!(diags.is_empty(), "compiled a definition check refused: {diags:?}"),
        Err(errors) => assert!(!errors.is_empty(), "compile failed without saying why"),
    }
}

mod io_processing { asl_macro::asl!("../tests/workflows/io_processing.json"); }
mod choice_wait { asl_macro::asl!("../tests/workflows/choice_wait.json"); }
mod retry_catch { asl_macro::asl!("../tests/workflows/retry_catch.json"); }
mod map_concurrency { asl_macro::asl!("../tests/workflows/map_concurrency.json"); }
mod parallel_cancel { asl_macro::asl!("../tests/workflows/parallel_cancel.json"); }
mod intrinsic_catch { asl_macro::asl!("../tests/workflows/intrinsic_catch.json"); }
mod escaped_names { asl_macro::asl!("../tests/workflows/escaped_names.json"); }
mod jsonata { asl_macro::asl!("../tests/workflows/jsonata_fuzz.json"); }

/// Execution input → compiled workflows (I/O processing, Choice and Wait, Retry and Catch,
/// Map, Parallel, intrinsics, JSONata expressions of many kinds), with tasks that answer their input and tasks that fail. Bytes
/// that are not JSON are the input as a string. Time is paused, so Waits end at once.
pub fn execution_input(data: &[u8]) {
    let input: Value = serde_json::from_slice(data).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(data).into_owned()));
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().expect("a runtime");
    rt.block_on(async {
        for fails in [false, true] {
            let tasks = Tasks { fails };
            ended(io_processing::run(input.clone(), tasks).await);
            ended(choice_wait::run(input.clone(), tasks).await);
            ended(retry_catch::run(input.clone(), tasks).await);
            ended(map_concurrency::run(input.clone(), tasks).await);
            ended(parallel_cancel::run(input.clone(), tasks).await);
            ended(intrinsic_catch::run(input.clone(), tasks).await);
            ended(escaped_names::run(input.clone(), tasks).await);
            ended(jsonata::run(input.clone(), tasks).await);
        }
    });
}

/// An execution's end: an output AWS could return as JSON, or a failure.
fn ended(outcome: asl_runtime::Outcome) {
    if let Ok(output) = outcome {
        serde_json::to_string(&output).expect("an output is JSON");
    }
}

/// Answers every Task with its input, or fails it.
#[derive(Clone, Copy)]
struct Tasks {
    fails: bool,
}

impl TaskHandler for Tasks {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        match self.fails {
            false => Ok(call.input),
            true => Err(Failure::new("Fuzz.Failed", "the fuzz target fails every task")),
        }
    }
}

/// A sequence of control-API calls (the bytes read as operations and their arguments, see
/// [`Calls`]) against an engine over a fresh store. Every call answers; an execution that was
/// started stays describable.
pub fn control_api(data: &[u8]) {
    let engine = Engine::new(Arc::new(MemoryStore::default()));
    let mut calls = Calls { data, at: 0 };
    let mut started = Vec::new();
    let mut names = vec!["m".to_string()];
    // A valid machine to start executions of, whatever the bytes.
    let _ = engine.create_state_machine("m", r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#, MachineType::Standard, None);
    while let Some(op) = calls.byte() {
        let machine = format!("arn:aws:states:us-east-1:123456789012:stateMachine:{}", calls.pick(&names));
        let answer = match op % 12 {
            0 => {
                let name = calls.text();
                let definition = calls.text();
                let answer = engine.create_state_machine(&name, &definition, MachineType::Standard, None);
                if answer.is_ok() {
                    names.push(name);
                }
                answer
            }
            1 => {
                let name = calls.text();
                let input = calls.text();
                let answer = engine.start_execution(&machine, Some(name.as_str()).filter(|n| !n.is_empty()), Some(&input));
                if let Ok(Value::Object(o)) = &answer {
                    started.extend(o.get("executionArn").and_then(Value::as_str).map(str::to_string));
                }
                answer
            }
            2 => engine.describe_execution(&calls.arn(&started)),
            3 => engine.stop_execution(&calls.arn(&started), Some(&calls.text()), Some(&calls.text())),
            4 => engine.list_executions(&machine, None, calls.number(), calls.token()),
            5 => engine.get_execution_history(&calls.arn(&started), calls.byte().unwrap_or(0).is_multiple_of(2), calls.number(), calls.token()),
            6 => engine.send_task_success(&calls.text(), &calls.text()),
            7 => engine.send_task_failure(&calls.text(), Some(&calls.text()), Some(&calls.text())),
            8 => engine.redrive_execution(&calls.arn(&started)),
            9 => engine.create_activity(&calls.text()),
            10 => engine.list_state_machines(calls.number(), calls.token()),
            _ => engine.describe_state_machine(&calls.text()),
        };
        if let Err(e) = answer {
            assert!(!e.code.is_empty() && !e.message.is_empty(), "an error without a code or a message: {e:?}");
        }
    }
    for arn in &started {
        assert!(engine.describe_execution(arn).is_ok(), "the started execution {arn} was lost");
    }
}

/// Reads operations' arguments from the fuzz bytes: lengths and choices are single bytes.
struct Calls<'a> {
    data: &'a [u8],
    at: usize,
}

impl Calls<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = self.data.get(self.at).copied();
        self.at += 1;
        b
    }

    /// A string of up to 255 bytes (lossily UTF-8).
    fn text(&mut self) -> String {
        let len = self.byte().unwrap_or(0) as usize;
        let end = (self.at + len).min(self.data.len());
        let text = String::from_utf8_lossy(self.data.get(self.at..end).unwrap_or_default()).into_owned();
        self.at = end;
        text
    }

    /// A page size as callers give it, 0 to 1,100 (AWS accepts up to 1,000).
    fn number(&mut self) -> usize {
        let (hi, lo) = (self.byte().unwrap_or(0) as usize, self.byte().unwrap_or(0) as usize);
        (hi * 256 + lo) % 1_101
    }

    fn token(&mut self) -> Option<String> {
        Some(self.text()).filter(|t| !t.is_empty())
    }

    /// One of `known`, or a made-up string.
    fn pick(&mut self, known: &[String]) -> String {
        match self.byte() {
            Some(b) if (b as usize) < known.len() * 4 => known[b as usize % known.len()].clone(),
            _ => self.text(),
        }
    }

    fn arn(&mut self, started: &[String]) -> String {
        match started.is_empty() {
            true => self.text(),
            false => self.pick(started),
        }
    }
}
