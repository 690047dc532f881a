//! Paths, payload templates and intrinsic calls inside a definition: each must parse, and a
//! template may not hold the same key twice once `.$` is stripped.

use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::json::{Node, NodeKind};
use crate::lang::{intrinsic, is_variable, jsonpath, looks_like_intrinsic};
use std::collections::HashSet;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PathRole {
    /// InputPath, OutputPath, `.$` values, `…Path` fields: `$…`, `$$…` or a variable.
    Path,
    /// ResultPath: input only, never the Context object or a variable.
    ResultPath,
}

/// Where inside a JSON string node a byte offset of its text falls (skips the opening quote;
/// exact when the string has no escapes before that point).
pub fn span_in_string(node_span: Span, offset: usize) -> Span {
    let start = (node_span.start() + 1 + offset).min(node_span.end().saturating_sub(1).max(node_span.start()));
    Span::new(start, start + 1)
}

/// Checks a Path (`$…`, `$$…` or a variable's `$name…`).
pub fn check_path(who: &str, field: &str, text: &str, span: Span, role: PathRole, diags: &mut Diagnostics) {
    check_path_with(who, field, text, span, role, diags, jsonpath::parse_path)
}

/// Checks a Reference Path: a Path that identifies exactly one node.
pub fn check_reference_path(who: &str, field: &str, text: &str, span: Span, role: PathRole, diags: &mut Diagnostics) {
    check_path_with(who, field, text, span, role, diags, jsonpath::parse_reference_path)
}

fn check_path_with<T, E: PathErr>(
    who: &str, field: &str, text: &str, span: Span, role: PathRole, diags: &mut Diagnostics,
    parse: impl Fn(&str) -> Result<T, E>,
) {
    if role == PathRole::ResultPath && (text.starts_with("$$") || is_variable(text)) {
        diags.error(span, format!("{who}: {field} \"{text}\" must be a path into the state's input ($…), not the Context object or a variable"));
        return;
    }
    if let Err(e) = parse(text) {
        let (offset, message) = e.parts();
        diags.push(Diagnostic::new(span_in_string(span, offset), format!("{who}: {field} \"{text}\" is not a valid path: {message}")));
    }
}

/// The parts of a parser error a diagnostic needs.
pub trait PathErr {
    fn parts(&self) -> (usize, String);
}

impl PathErr for jsonpath::PathSyntaxError {
    fn parts(&self) -> (usize, String) {
        (self.offset, self.message.clone())
    }
}

pub fn check_intrinsic(who: &str, field: &str, text: &str, span: Span, diags: &mut Diagnostics) {
    match intrinsic::parse_intrinsic(text) {
        Ok(call) => check_intrinsic_paths(who, field, &call, span, diags),
        Err(e) => {
            let mut d = Diagnostic::new(span_in_string(span, e.offset), format!("{who}: {field}: {}", e.message));
            if let Some(h) = e.help {
                d = d.with_help(h);
            }
            diags.push(d);
        }
    }
}

fn check_intrinsic_paths(who: &str, field: &str, call: &intrinsic::Call, span: Span, diags: &mut Diagnostics) {
    for arg in &call.args {
        match arg {
            intrinsic::Arg::Path { text, offset } => {
                let inner = Span::new(span.start() + 1 + offset, span.start() + 2 + offset);
                check_path(who, field, text, inner, PathRole::Path, diags);
            }
            intrinsic::Arg::Call(c) => check_intrinsic_paths(who, field, c, span, diags),
            intrinsic::Arg::Literal(_) => {}
        }
    }
}

/// A payload template (Parameters, ResultSelector, ItemSelector, Credentials, …).
pub fn check_template(who: &str, field: &str, node: &Node, diags: &mut Diagnostics) {
    match &node.kind {
        NodeKind::Object(members) => {
            let mut seen = HashSet::new();
            for m in members.iter() {
                let key = m.key.strip_suffix(".$").unwrap_or(&m.key);
                if !seen.insert(key) {
                    diags.error(m.key_span, format!("{who}: {field}: field \"{key}\" appears twice once the \".$\" suffix is removed"));
                }
                if m.key.ends_with(".$") {
                    check_dynamic_value(who, &format!("{field}.{}", m.key), &m.value, diags);
                } else {
                    check_template(who, field, &m.value, diags);
                }
            }
        }
        NodeKind::Array(items) => items.iter().for_each(|n| check_template(who, field, n, diags)),
        _ => {}
    }
}

/// The value of a `key.$` field: a path or an intrinsic call, as a string.
fn check_dynamic_value(who: &str, field: &str, node: &Node, diags: &mut Diagnostics) {
    let Some(text) = node.as_str() else {
        diags.error(node.span, format!("{who}: {field} must be a string holding a path or an intrinsic function, found {}", node.type_name()));
        return;
    };
    if looks_like_intrinsic(text) {
        check_intrinsic(who, field, text, node.span, diags);
    } else {
        check_path(who, field, text, node.span, PathRole::Path, diags);
    }
}
