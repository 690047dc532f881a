//! Payload templates → ir: `key.$` values become parsed paths or intrinsic calls, everything
//! else stays a literal.

use super::paths::path;
use crate::ir::{Arg, Call, Literal, Template};
use crate::json::{Node, NodeKind};
use crate::lang::{intrinsic, looks_like_intrinsic};

pub fn lower_template(node: &Node) -> Option<Template> {
    // A part with no `key.$` anywhere is one literal (emitted as JSON text when it is large).
    if is_constant(node) {
        return Some(Template::Literal(literal(node)));
    }
    Some(match &node.kind {
        NodeKind::Object(members) => {
            let mut out = Vec::with_capacity(members.len());
            for m in members.iter() {
                let value = match (m.key.strip_suffix(".$"), m.value.as_str()) {
                    (Some(key), Some(text)) => (key.to_string(), lower_dynamic(text, &m.key)?),
                    _ => (m.key.to_string(), lower_template(&m.value)?),
                };
                out.push(value);
            }
            Template::Object(out)
        }
        NodeKind::Array(items) => Template::Array(items.iter().map(lower_template).collect::<Option<_>>()?),
        _ => Template::Literal(literal(node)),
    })
}

/// A constant value: large ones as JSON text (see [`Literal`]).
pub fn literal(node: &Node) -> Literal {
    match node.values_up_to(Literal::LARGE) >= Literal::LARGE {
        true => Literal::Json(node.to_json()),
        false => Literal::Value(node.to_value()),
    }
}

/// Whether no key of `node`, at any depth, ends with `.$`.
fn is_constant(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Object(members) => members.iter().all(|m| !m.key.ends_with(".$") && is_constant(&m.value)),
        NodeKind::Array(items) => items.iter().all(is_constant),
        _ => true,
    }
}

/// One `key.$` value, or an ErrorPath / CausePath.
pub fn lower_dynamic(text: &str, field: &str) -> Option<Template> {
    if looks_like_intrinsic(text) {
        let call = intrinsic::parse_intrinsic(text).ok()?;
        return Some(Template::Intrinsic { call: lower_call(&call)?, field: field.to_string() });
    }
    Some(Template::Path { path: path(text)?, field: field.to_string() })
}

fn lower_call(call: &intrinsic::Call) -> Option<Call> {
    let args = call
        .args
        .iter()
        .map(|a| match a {
            intrinsic::Arg::Literal(v) => Some(Arg::Literal(v.clone())),
            intrinsic::Arg::Path { text, .. } => path(text).map(Arg::Path),
            intrinsic::Arg::Call(c) => lower_call(c).map(Arg::Call),
        })
        .collect::<Option<_>>()?;
    Some(Call { func: call.func, args })
}
