//! Filter expressions `[?(...)]`: Jayway's `ValueNode`s and relational evaluators, so that
//! comparisons across types behave as AWS's do (`1 == '1'` holds, `'a' < 1` does not, a missing
//! `@.x` is "undefined" and equals nothing).

use std::cmp::Ordering;

use serde_json::Value;

use super::super::{segments_are_definite, CompareOp, Filter, Operand, Segment};
use super::regex;

/// Whether `item` passes `filter`; `document` is what `$` means inside the filter.
pub(super) fn accept(filter: &Filter, item: &Value, document: &Value) -> bool {
    match filter {
        Filter::Or(left, right) => accept(left, item, document) || accept(right, item, document),
        Filter::And(left, right) => accept(left, item, document) && accept(right, item, document),
        Filter::Not(inner) => !accept(inner, item, document),
        Filter::Exists(operand) => exists(operand, item, document),
        Filter::Compare(left, op, right) => {
            let left = node(left, item, document);
            let right = node(right, item, document);
            compare(&left, *op, &right)
        }
    }
}

/// Jayway's `ValueNode` kinds after a path operand has been evaluated.
enum Node {
    Undefined,
    Null,
    Bool(bool),
    /// The number and its text (Jayway compares numbers as `BigDecimal`s and turns them into
    /// strings when compared with strings).
    Number(f64, String),
    String(String),
    /// An array or object.
    Json(Value),
    Pattern { pattern: &'static str, flags: &'static str },
}

fn operand_path(operand: &Operand) -> Option<(&'static [Segment], bool)> {
    match *operand {
        Operand::Current(segments) => Some((segments, false)),
        Operand::Document(segments) => Some((segments, true)),
        _ => None,
    }
}

/// Existence test: the path finds something (Jayway evaluates it with `REQUIRE_PROPERTIES`, so
/// any missing property makes it false; an indefinite path exists when it can be walked).
fn exists(operand: &Operand, item: &Value, document: &Value) -> bool {
    let Some((segments, from_document)) = operand_path(operand) else { return true };
    let model = if from_document { document } else { item };
    match super::run(segments, model, document) {
        Ok(hits) => !segments_are_definite(segments) || !hits.is_empty(),
        Err(_) => false,
    }
}

fn node(operand: &Operand, item: &Value, document: &Value) -> Node {
    match *operand {
        Operand::Current(_) | Operand::Document(_) => path_node(operand, item, document),
        // Jayway keeps a literal's `BigDecimal` text; Rust's shortest form matches it for the
        // usual literals (`1`, `2.5`).
        Operand::Number(n) => Node::Number(n, n.to_string()),
        Operand::String(s) => Node::String(s.to_owned()),
        Operand::Bool(b) => Node::Bool(b),
        Operand::Null => Node::Null,
        Operand::Regex { pattern, flags } => Node::Pattern { pattern, flags },
    }
}

fn path_node(operand: &Operand, item: &Value, document: &Value) -> Node {
    let Some((segments, from_document)) = operand_path(operand) else { return Node::Undefined };
    let model = if from_document { document } else { item };
    let Ok(hits) = super::run(segments, model, document) else { return Node::Undefined };
    if !segments_are_definite(segments) {
        return Node::Json(Value::Array(hits));
    }
    match hits.into_iter().next() {
        None => Node::Undefined,
        Some(value) => value_node(value),
    }
}

fn value_node(value: Value) -> Node {
    match value {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(b),
        Value::Number(n) => Node::Number(n.as_f64().unwrap_or(f64::NAN), n.to_string()),
        Value::String(s) => Node::String(s),
        json => Node::Json(json),
    }
}

fn compare(left: &Node, op: CompareOp, right: &Node) -> bool {
    match op {
        CompareOp::Eq => equals(left, right),
        CompareOp::Ne => !equals(left, right),
        CompareOp::Lt => order(left, right) == Some(Ordering::Less),
        CompareOp::Le => matches!(order(left, right), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => order(left, right) == Some(Ordering::Greater),
        CompareOp::Ge => matches!(order(left, right), Some(Ordering::Greater | Ordering::Equal)),
        CompareOp::Matches => regex_matches(left, right),
    }
}

/// Jayway `ValueNode.equals`: numbers and strings convert to the left side's kind.
fn equals(left: &Node, right: &Node) -> bool {
    match (left, right) {
        (Node::Number(a, _), Node::Number(b, _)) => a == b,
        (Node::Number(a, _), Node::String(s)) => parse_decimal(s).is_some_and(|b| *a == b),
        (Node::String(a), Node::String(b)) => a == b,
        (Node::String(a), Node::Number(_, text)) => a == text,
        (Node::Bool(a), Node::Bool(b)) => a == b,
        (Node::Null, Node::Null) => true,
        (Node::Json(a), Node::Json(b)) => a == b,
        _ => false,
    }
}

/// What Java's `new BigDecimal(s)` accepts, approximately: a plain decimal number.
fn parse_decimal(s: &str) -> Option<f64> {
    let plain = s.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
    if plain { s.parse::<f64>().ok() } else { None }
}

/// Jayway's `<`-family evaluators: only number/number and string/string compare; strings in
/// Java's UTF-16 order.
fn order(left: &Node, right: &Node) -> Option<Ordering> {
    match (left, right) {
        (Node::Number(a, _), Node::Number(b, _)) => a.partial_cmp(b),
        (Node::String(a), Node::String(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
        _ => None,
    }
}

/// `=~`: exactly one side is a `/pattern/`; the other is read as text and must match entirely.
fn regex_matches(left: &Node, right: &Node) -> bool {
    let (pattern, flags, subject) = match (left, right) {
        (Node::Pattern { .. }, Node::Pattern { .. }) => return false,
        (Node::Pattern { pattern, flags }, other) | (other, Node::Pattern { pattern, flags }) => (pattern, flags, other),
        _ => return false,
    };
    let text = match subject {
        Node::String(s) => s.clone(),
        Node::Number(_, text) => text.clone(),
        Node::Bool(b) => b.to_string(),
        // Jayway reads anything else as the empty string.
        _ => String::new(),
    };
    regex::full_match(pattern, flags, &text)
}
