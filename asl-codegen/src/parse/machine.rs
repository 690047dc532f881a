//! The JSON tree → the ASL AST: a machine (top level, Parallel branch, Map processor), its
//! states, the fields every kind shares, and the two kinds that hold machines of their own
//! (Parallel, Map), read recursively. The leaf kinds' own fields are read in `kinds`. Shape
//! errors (unknown fields, wrong types, a field on a kind that lacks it) are reported here;
//! graph rules are `check`'s.

use super::fields::Fields;
use super::kinds;
use crate::ast::*;
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Span};
use crate::json::{parse_json_at, Node};

/// Where a machine sits: the top level accepts more fields than a branch or a processor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Top,
    Branch,
    Processor,
}

const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];
const IO: &[&str] = &["InputPath", "OutputPath"];
const RESULT: &[&str] = &["Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Arguments"];

/// Every field a state kind accepts (JSONPath and JSONata forms alike; `check` sorts them out).
fn allowed_fields(kind: &str) -> Vec<&'static str> {
    let specific: &[&str] = match kind {
        "Pass" => &["Next", "End", "Parameters", "ResultPath", "Result", "Assign", "Output"],
        "Task" => &["Next", "End", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
            "HeartbeatSecondsPath", "Credentials", "Assign", "Output"],
        "Choice" => &["Choices", "Default", "Assign", "Output"],
        "Wait" => &["Next", "End", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign", "Output"],
        "Succeed" => &["Output"],
        "Fail" => &["Error", "Cause", "ErrorPath", "CausePath"],
        "Parallel" => &["Next", "End", "Branches", "Assign", "Output"],
        "Map" => &["Next", "End", "ItemProcessor", "Iterator", "ItemsPath", "Items", "ItemSelector",
            "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath",
            "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ItemReader", "ItemBatcher",
            "ResultWriter", "Label", "Assign", "Output"],
        _ => &[],
    };
    let mut all: Vec<&str> = COMMON.iter().chain(specific).copied().collect();
    if kind != "Fail" {
        all.extend(IO);
    }
    if matches!(kind, "Task" | "Parallel" | "Map") {
        all.extend(RESULT);
    }
    all
}

/// Reads a state machine object (top level, branch or processor). `unbuilt_in`: for the top
/// level, the definition's text, from which its states are built one at a time (the JSON
/// reader left them unbuilt, see `json::parse_json_deferring_states`).
pub fn machine(node: &Node, unbuilt_in: Option<&str>, level: Level, owner: &str, diags: &mut Diagnostics) -> StateMachine {
    let mut f = Fields::new(node, owner.to_string(), "an object with StartAt and States", diags);
    let comment = f.string("Comment").map(|s| s.value);
    let start_at = f.string("StartAt");
    let states_node = f.node("States");
    let (version, timeout_seconds, query_language) = if level == Level::Top {
        (f.string("Version"), f.uint("TimeoutSeconds"), query_language(&mut f))
    } else {
        (None, None, None)
    };
    let processor_config = match level {
        Level::Processor => f.node("ProcessorConfig").map(|n| processor_config(n, f.diags)),
        _ => None,
    };
    if node.as_members().is_some() {
        let mut missing = Vec::new();
        if !f.has("States") { missing.push("States") }
        if !f.has("StartAt") { missing.push("StartAt") }
        if !missing.is_empty() {
            let msg = format!("{owner}: these fields are required: [{}]", missing.join(", "));
            f.diags.error(node.span, msg);
        }
    }
    let (states, unreadable) = states_node.map(|n| states(n, unbuilt_in, f.diags)).unwrap_or_default();
    let allowed: &[&str] = match level {
        Level::Top => &["Comment", "StartAt", "States", "Version", "TimeoutSeconds", "QueryLanguage"],
        Level::Branch => &["Comment", "StartAt", "States"],
        Level::Processor => &["Comment", "StartAt", "States", "ProcessorConfig"],
    };
    f.finish(allowed);
    StateMachine { span: node.span, comment, start_at, states, unreadable, version, timeout_seconds, query_language, processor_config }
}

fn query_language(f: &mut Fields) -> Option<Spanned<QueryLanguage>> {
    let s = f.string("QueryLanguage")?;
    let lang = match s.value.as_str() {
        "JSONPath" => QueryLanguage::JsonPath,
        "JSONata" => QueryLanguage::Jsonata,
        other => {
            let msg = format!("{}: QueryLanguage must be \"JSONPath\" or \"JSONata\", found \"{other}\"", f.owner);
            f.diags.error(s.span, msg);
            return None;
        }
    };
    Some(Spanned { value: lang, span: s.span })
}

/// The states that could be read, and the names of those that could not (already reported).
/// With `unbuilt_in`, each state is built from its span of that text and dropped once read
/// (what the AST keeps of it, Parameters and the like, is shared, not copied).
fn states(node: &Node, unbuilt_in: Option<&str>, diags: &mut Diagnostics) -> (Vec<StateDecl>, Vec<String>) {
    let Some(members) = node.as_members() else {
        diags.error(node.span, format!("field \"States\" must be an object, found {}", node.type_name()));
        return Default::default();
    };
    // Sized once: a definition may hold 20,000 states, and a doubled vector of them would
    // leave a third of its room unused.
    let mut read = Vec::with_capacity(members.len());
    let mut unreadable = Vec::new();
    for m in members {
        let built;
        let value = match unbuilt_in {
            Some(text) => match parse_json_at(text, m.value.span) {
                Ok(value) => {
                    built = value;
                    &built
                }
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            },
            None => &m.value,
        };
        match state(&m.key, value, diags) {
            Some(state) => read.push(StateDecl { name: m.key.to_string(), name_span: m.key_span, span: value.span, state }),
            None => unreadable.push(m.key.to_string()),
        }
    }
    (read, unreadable)
}

const STATE_TYPES: &[&str] = &["Task", "Wait", "Pass", "Succeed", "Fail", "Choice", "Parallel", "Map"];

fn state(name: &str, node: &Node, diags: &mut Diagnostics) -> Option<State> {
    let mut f = Fields::new(node, format!("state \"{name}\""), "a state object", diags);
    node.as_members()?;
    let Some(ty) = f.string("Type") else {
        if !f.has("Type") {
            f.diags.error(node.span, format!("state \"{name}\": field \"Type\" is required"));
        }
        return None;
    };
    if !STATE_TYPES.contains(&ty.value.as_str()) {
        let mut d = Diagnostic::new(
            ty.span,
            format!("state \"{name}\": the field 'Type' should have one of these values: [{}]", STATE_TYPES.join(", ")),
        );
        if let Some(near) = did_you_mean(&ty.value, STATE_TYPES.iter().copied()) {
            d = d.with_help(format!("did you mean \"{near}\"?"));
        }
        f.diags.push(d);
        return None;
    }
    let common = common(&mut f, &ty.value);
    let kind = match ty.value.as_str() {
        "Pass" => StateKind::Pass(Pass { result: f.node("Result").cloned() }),
        "Task" => StateKind::Task(Box::new(kinds::task(&mut f, node.span))),
        "Choice" => StateKind::Choice(kinds::choice(&mut f, node.span)),
        "Wait" => StateKind::Wait(Box::new(kinds::wait(&mut f))),
        "Succeed" => StateKind::Succeed,
        "Fail" => StateKind::Fail(Box::new(kinds::fail(&mut f))),
        "Parallel" => StateKind::Parallel(parallel(&mut f, node.span)),
        _ => StateKind::Map(Box::new(map(&mut f))),
    };
    let mut common = common;
    common.transition_misspelt = f.misspells("Next") || f.misspells("End");
    let allowed = allowed_fields(&ty.value);
    f.finish(&allowed);
    Some(State { type_span: ty.span, common, kind })
}

/// Fields that are not specific to one kind. A field the kind does not accept is left unread
/// here, so `finish` reports it as "not supported".
fn common(f: &mut Fields, ty: &str) -> Common {
    let allowed = allowed_fields(ty);
    let ok = |k: &str| allowed.contains(&k);
    let mut c = Common { comment: f.string("Comment").map(|s| s.value), ..Common::default() };
    c.query_language = query_language(f);
    for key in ["TimeoutSeconds", "HeartbeatSeconds", "Seconds", "Timestamp", "Error", "Cause",
        "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage", "Items"] {
        if ok(key) {
            if let Some(m) = f.jsonata(key) {
                c.jsonata.push(m.clone());
            }
        }
    }
    if ok("Next") { c.next = f.string("Next"); }
    if ok("End") {
        // A mistyped End (already reported) counts as `End: true`, so no "needs Next or End"
        // or "no terminal state" follows from the same mistake.
        let span = f.node("End").map(|n| n.span);
        c.end = f.bool("End").or(span.map(|span| Spanned { value: true, span }));
    }
    if ok("InputPath") { c.input_path = f.nullable_path("InputPath").map(Box::new); }
    if ok("OutputPath") { c.output_path = f.nullable_path("OutputPath").map(Box::new); }
    if ok("Parameters") { c.parameters = f.node("Parameters").cloned().map(Box::new); }
    if ok("ResultSelector") { c.result_selector = f.node("ResultSelector").cloned().map(Box::new); }
    if ok("ResultPath") { c.result_path = f.nullable_path("ResultPath").map(Box::new); }
    if ok("Assign") { c.assign = f.node("Assign").cloned().map(Box::new); }
    if ok("Output") { c.output = f.node("Output").cloned().map(Box::new); }
    if ok("Arguments") { c.arguments = f.node("Arguments").cloned().map(Box::new); }
    if ok("Retry") {
        if let Some((items, _)) = f.array("Retry") {
            let owner = f.owner.clone();
            c.retry = items.iter().enumerate().map(|(i, n)| kinds::retrier(n, &owner, i, f.diags)).collect();
        }
    }
    if ok("Catch") {
        if let Some((items, _)) = f.array("Catch") {
            let owner = f.owner.clone();
            c.catch = items.iter().enumerate().filter_map(|(i, n)| kinds::catcher(n, &owner, i, f.diags)).collect();
        }
    }
    c
}

fn parallel(f: &mut Fields, span: Span) -> Parallel {
    let owner = f.owner.clone();
    let branches = match f.array("Branches") {
        Some((items, bspan)) => {
            if items.is_empty() {
                f.diags.error(bspan, format!("{owner}: Branches cannot be empty"));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, n)| machine(n, None, Level::Branch, &format!("{owner}, branch {i}"), f.diags))
                .collect()
        }
        None => {
            if !f.has("Branches") {
                f.diags.error(span, format!("{owner}: field \"Branches\" is required"));
            }
            Vec::new()
        }
    };
    Parallel { branches }
}

fn map(f: &mut Fields) -> Map {
    let owner = f.owner.clone();
    let processor = ["ItemProcessor", "Iterator"]
        .into_iter()
        .filter_map(|key| {
            let n = f.node(key)?;
            Some(machine(n, None, Level::Processor, &format!("{owner}, {key}"), f.diags))
        })
        .next();
    let uint_or_jsonata = |f: &mut Fields, key: &str| if f.jsonata(key).is_some() { None } else { f.uint(key) };
    Map {
        processor,
        items_path: f.string("ItemsPath"),
        items: f.node("Items").cloned(),
        item_selector: f.node("ItemSelector").cloned(),
        max_concurrency: uint_or_jsonata(f, "MaxConcurrency"),
        max_concurrency_path: f.string("MaxConcurrencyPath"),
        tolerated_failure_count: uint_or_jsonata(f, "ToleratedFailureCount"),
        tolerated_failure_count_path: f.string("ToleratedFailureCountPath"),
        tolerated_failure_percentage: if f.jsonata("ToleratedFailurePercentage").is_some() {
            None
        } else {
            f.number("ToleratedFailurePercentage")
        },
        tolerated_failure_percentage_path: f.string("ToleratedFailurePercentagePath"),
        item_reader: f.node("ItemReader").cloned(),
        item_batcher: f.node("ItemBatcher").cloned(),
        result_writer: f.node("ResultWriter").cloned(),
        label: f.string("Label"),
    }
}

fn processor_config(node: &Node, diags: &mut Diagnostics) -> ProcessorConfig {
    let mut f = Fields::new(node, "ProcessorConfig".into(), "an object", diags);
    let mode = f.one_of("Mode", &[("INLINE", ProcessorMode::Inline), ("DISTRIBUTED", ProcessorMode::Distributed)]);
    let execution_type = f.string("ExecutionType");
    f.finish(&["Mode", "ExecutionType"]);
    ProcessorConfig { span: node.span, mode, execution_type }
}
