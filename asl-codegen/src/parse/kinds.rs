//! Readers for the fields specific to one leaf state kind (Task, Wait, Fail, Choice and its
//! rules), and for Retriers and Catchers. The kinds that hold machines of their own, Parallel
//! and Map, are read in `machine`, which this module does not know.

use super::fields::Fields;
use crate::ast::*;
use crate::diag::{Diagnostics, Span};
use crate::json::{Node, NodeKind};

pub fn task(f: &mut Fields, span: Span) -> Task {
    let resource = f.string("Resource").unwrap_or_else(|| {
        if !f.has("Resource") {
            let msg = format!("{}: field \"Resource\" is required", f.owner);
            f.diags.error(span, msg);
        }
        Spanned { value: String::new(), span }
    });
    Task {
        resource,
        timeout: seconds_field(f, "TimeoutSeconds"),
        heartbeat: seconds_field(f, "HeartbeatSeconds"),
        credentials: f.node("Credentials").cloned(),
    }
}

fn seconds_field(f: &mut Fields, key: &str) -> SecondsField {
    let seconds = if f.has(key) && f.jsonata(key).is_none() { f.uint(key) } else { None };
    SecondsField { seconds, path: f.string(&format!("{key}Path")) }
}

pub fn wait(f: &mut Fields) -> Wait {
    let given = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
        .into_iter()
        .filter_map(|k| f.key_span(k))
        .collect();
    // JSONata forms of Seconds/Timestamp were taken by `common` already.
    let seconds = if f.has("Seconds") && f.jsonata("Seconds").is_none() { f.uint("Seconds") } else { None };
    let timestamp = if f.has("Timestamp") && f.jsonata("Timestamp").is_none() { f.string("Timestamp") } else { None };
    Wait { given, seconds, seconds_path: f.string("SecondsPath"), timestamp, timestamp_path: f.string("TimestampPath") }
}

pub fn fail(f: &mut Fields) -> Fail {
    Fail {
        error: f.string("Error"),
        cause: f.string("Cause"),
        error_path: f.string("ErrorPath"),
        cause_path: f.string("CausePath"),
    }
}

pub fn choice(f: &mut Fields, span: Span) -> Choice {
    let owner = f.owner.clone();
    let choices = match f.array("Choices") {
        Some((items, cspan)) => {
            let rules = items
                .iter()
                .enumerate()
                .map(|(i, n)| rule(n, &format!("{owner}, Choices[{i}]"), true, f.diags))
                .collect();
            Spanned { value: rules, span: cspan }
        }
        None => {
            if !f.has("Choices") {
                f.diags.error(span, format!("{owner}: field \"Choices\" is required"));
            }
            Spanned { value: Vec::new(), span }
        }
    };
    Choice { choices, default: f.string("Default") }
}

/// A Choice rule; `top` rules take `Next`, `Comment` and `Assign`, nested ones only the test.
fn rule(node: &Node, owner: &str, top: bool, diags: &mut Diagnostics) -> ChoiceRule {
    let mut f = Fields::new(node, owner.to_string(), "a Choice rule object", diags);
    let next = if top { f.string("Next") } else { None };
    let (mut assign, mut output) = (None, None);
    if top {
        f.string("Comment");
        assign = f.node("Assign").cloned().map(Box::new);
        output = f.node("Output").cloned().map(Box::new);
    }
    let kind = rule_kind(&mut f, node.span, owner);
    let mut allowed: Vec<&str> = vec!["Variable", "And", "Or", "Not", "Condition"];
    allowed.extend(ComparisonOp::ALL.iter().map(|op| op.name()));
    if top {
        allowed.extend(["Next", "Comment", "Assign", "Output"]);
    }
    f.finish(&allowed);
    ChoiceRule { span: node.span, next, assign, output, kind }
}

fn rule_kind(f: &mut Fields, span: Span, owner: &str) -> RuleKind {
    let mut found: Vec<(&str, Span)> = Vec::new();
    let mut kind = RuleKind::Invalid;
    for key in ["And", "Or"] {
        if let Some((items, s)) = f.array(key) {
            found.push((key, s));
            if items.is_empty() {
                f.diags.error(s, format!("{owner}: \"{key}\" needs at least one rule"));
            }
            let rules = items
                .iter()
                .enumerate()
                .map(|(i, n)| rule(n, &format!("{owner}.{key}[{i}]"), false, f.diags))
                .collect();
            kind = if key == "And" { RuleKind::And(rules) } else { RuleKind::Or(rules) };
        }
    }
    if let Some(n) = f.node("Not") {
        found.push(("Not", n.span));
        kind = RuleKind::Not(Box::new(rule(n, &format!("{owner}.Not"), false, f.diags)));
    }
    if let Some(n) = f.node("Condition") {
        found.push(("Condition", n.span));
        kind = RuleKind::Condition(n.clone());
    }
    let variable = f.string("Variable");
    for op in ComparisonOp::ALL {
        if let Some(m) = f.member(op.name()) {
            found.push((op.name(), m.key_span));
            if let Some(variable) = variable.clone() {
                let op = Spanned { value: *op, span: m.key_span };
                kind = RuleKind::Data { variable, op, operand: m.value.clone() };
            }
        }
    }
    match found.len() {
        0 => {
            // A misspelt operator is also reported by `finish`, with a "did you mean".
            f.diags.error(span, format!("{owner}: the rule has no comparison operator and no And/Or/Not"));
            RuleKind::Invalid
        }
        1 => {
            if matches!(kind, RuleKind::Invalid) && variable.is_none() {
                let (op, s) = found[0];
                f.diags.error(s, format!("{owner}: operator \"{op}\" needs a \"Variable\""));
            }
            if variable.is_some() && matches!(kind, RuleKind::And(_) | RuleKind::Or(_) | RuleKind::Not(_)) {
                let s = variable.as_ref().map_or(span, |v| v.span);
                f.diags.error(s, format!("{owner}: \"Variable\" cannot be used with And/Or/Not"));
            }
            kind
        }
        _ => {
            let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
            let msg = format!("{owner}: a rule takes exactly one operator, found {}", names.join(", "));
            f.diags.error(found[1].1, msg);
            RuleKind::Invalid
        }
    }
}

pub fn retrier(node: &Node, owner: &str, index: usize, diags: &mut Diagnostics) -> Retrier {
    let mut f = Fields::new(node, format!("{owner}, Retry[{index}]"), "a Retrier object", diags);
    let error_equals = error_equals(&mut f, node.span);
    let jitter_strategy = f.one_of("JitterStrategy", &[("FULL", JitterStrategy::Full), ("NONE", JitterStrategy::None)]);
    let r = Retrier {
        span: node.span,
        error_equals,
        interval_seconds: f.uint("IntervalSeconds"),
        max_attempts: f.uint("MaxAttempts"),
        backoff_rate: f.number("BackoffRate"),
        max_delay_seconds: f.uint("MaxDelaySeconds"),
        jitter_strategy,
    };
    f.string("Comment");
    f.finish(&["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
        "JitterStrategy", "Comment"]);
    r
}

pub fn catcher(node: &Node, owner: &str, index: usize, diags: &mut Diagnostics) -> Option<Catcher> {
    let owner = format!("{owner}, Catch[{index}]");
    let mut f = Fields::new(node, owner.clone(), "a Catcher object", diags);
    let error_equals = error_equals(&mut f, node.span);
    let next = f.string("Next");
    if next.is_none() && !f.has("Next") && node.as_members().is_some() {
        f.diags.error(node.span, format!("{owner}: field \"Next\" is required"));
    }
    let c = Catcher {
        span: node.span,
        error_equals,
        next: next.unwrap_or(Spanned { value: String::new(), span: node.span }),
        result_path: f.nullable_path("ResultPath"),
        assign: f.node("Assign").cloned(),
        output: f.node("Output").cloned(),
    };
    f.string("Comment");
    f.finish(&["ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment"]);
    node.as_members().map(|_| c)
}

fn error_equals(f: &mut Fields, span: Span) -> Spanned<Vec<Spanned<String>>> {
    // A missing or empty ErrorEquals is reported by `check`.
    let Some((items, s)) = f.array("ErrorEquals") else {
        return Spanned { value: Vec::new(), span };
    };
    let names = items
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::String(v) => Some(Spanned { value: v.to_string(), span: n.span }),
            _ => {
                f.type_error("ErrorEquals", n, "an array of error names (strings)");
                None
            }
        })
        .collect();
    Spanned { value: names, span: s }
}
