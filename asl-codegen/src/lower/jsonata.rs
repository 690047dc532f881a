//! JSONata fields → ir: a field's value is a template whose `"{% … %}"` strings are parsed
//! expressions (checked already by `check`); everything else in it is a literal.

use super::template::literal;
use crate::ir::{Query, Template};
use crate::json::{Node, NodeKind};
use crate::lang::{is_jsonata, jsonata};

/// A JSONata field's value; `location` names it in AWS's errors (`Output`, `Assign/x`).
pub fn query_template(node: &Node, location: &str) -> Option<Template> {
    if !has_expression(node) {
        return Some(Template::Literal(literal(node)));
    }
    Some(match &node.kind {
        NodeKind::Object(members) => Template::Object(
            members
                .iter()
                .map(|m| Some((m.key.to_string(), query_template(&m.value, &format!("{location}/{}", m.key))?)))
                .collect::<Option<_>>()?,
        ),
        NodeKind::Array(items) => Template::Array(
            items.iter().enumerate().map(|(i, n)| query_template(n, &format!("{location}[{i}]"))).collect::<Option<_>>()?,
        ),
        _ => Template::Jsonata(Box::new(query(node.as_str()?, location)?)),
    })
}

/// One `"{% … %}"` string, parsed.
pub fn query(text: &str, location: &str) -> Option<Query> {
    let inner = text.strip_prefix("{%")?.strip_suffix("%}")?;
    let expr = jsonata::parse(inner).ok()?;
    Some(Query {
        expr,
        text: inner.trim().to_string(),
        location: location.to_string(),
        reads_context: inner.contains("$states.context"),
    })
}

fn has_expression(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Object(members) => members.iter().any(|m| has_expression(&m.value)),
        NodeKind::Array(items) => items.iter().any(has_expression),
        _ => node.as_str().is_some_and(is_jsonata),
    }
}
