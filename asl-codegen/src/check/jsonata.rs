//! JSONata expressions: every `"{% … %}"` string of a JSONata state's fields parses, and a
//! syntax error points at the offending character inside the JSON string (JSONata's code and
//! message).

use super::templates::span_in_string;
use crate::ast::{RuleKind, StateDecl, StateKind};
use crate::diag::{Diagnostic, Diagnostics};
use crate::json::{Node, NodeKind};
use crate::lang::{is_jsonata, jsonata};

/// Checks the expressions of a JSONata state.
pub fn check_state(who: &str, decl: &StateDecl, diags: &mut Diagnostics) {
    let c = &decl.state.common;
    let has_result = matches!(decl.state.kind, StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_));
    let mut fields: Vec<(&str, &Node)> = Vec::new();
    // `$states.result` is there for the Output and Assign of a state that has a result.
    let (assign, output) = if has_result { ("Assign+result", "Output+result") } else { ("Assign", "Output") };
    fields.extend(c.assign.as_deref().map(|n| (assign, n)));
    fields.extend(c.output.as_deref().map(|n| (output, n)));
    fields.extend(c.arguments.as_deref().map(|n| ("Arguments", n)));
    fields.extend(c.jsonata.iter().map(|m| (&*m.key, &m.value)));
    for k in &c.catch {
        fields.extend(k.assign.as_ref().map(|n| ("Catch Assign+errorOutput", n)));
        fields.extend(k.output.as_ref().map(|n| ("Catch Output+errorOutput", n)));
    }
    match &decl.state.kind {
        StateKind::Choice(ch) => {
            for rule in &ch.choices.value {
                if let RuleKind::Condition(n) = &rule.kind {
                    fields.push(("Condition", n));
                }
                fields.extend(rule.assign.as_deref().map(|n| ("Assign", n)));
                fields.extend(rule.output.as_deref().map(|n| ("Output", n)));
            }
        }
        StateKind::Map(m) => {
            fields.extend(m.items.as_ref().map(|n| ("Items", n)));
            fields.extend(m.item_selector.as_ref().map(|n| ("ItemSelector", n)));
            fields.extend(m.item_reader.as_ref().map(|n| ("ItemReader", n)));
            fields.extend(m.item_batcher.as_ref().map(|n| ("ItemBatcher", n)));
            fields.extend(m.result_writer.as_ref().map(|n| ("ResultWriter", n)));
        }
        _ => {}
    }
    for (field, node) in fields {
        check_node(who, field, node, diags);
    }
}

/// `field` is the field's name, with `+result` or `+errorOutput` where `$states` holds that too.
fn check_node(who: &str, field: &str, node: &Node, diags: &mut Diagnostics) {
    match &node.kind {
        NodeKind::Object(members) => members.iter().for_each(|m| check_node(who, field, &m.value, diags)),
        NodeKind::Array(items) => items.iter().for_each(|n| check_node(who, field, n, diags)),
        _ => {
            let Some(text) = node.as_str().filter(|t| is_jsonata(t)) else { return };
            let inner = &text[2..text.len() - 2];
            let (name, extra) = field.split_once('+').unwrap_or((field, ""));
            match jsonata::parse(inner) {
                // The offset counts in the expression, after `{%`, inside the quotes.
                Err(e) => {
                    let span = span_in_string(node.span, 2 + e.offset);
                    diags.push(Diagnostic::new(span, format!("{who}: field '{name}': the JSONata expression does not parse: {e}")));
                }
                Ok(mut expr) => {
                    for read in jsonata::states_fields(&mut expr) {
                        let available = matches!(read.as_str(), "input" | "context") || read == extra;
                        if !available {
                            let at = inner.find(&format!("$states.{read}")).map_or(0, |i| 2 + i);
                            diags.push(Diagnostic::new(
                                span_in_string(node.span, at),
                                format!("{who}: field '{name}': $states.{read} is not available here ({})", where_available(&read)),
                            ));
                        }
                    }
                }
            }
        }
    }
}

fn where_available(field: &str) -> &'static str {
    match field {
        "result" => "only the Output and Assign of Task, Parallel and Map states read the result",
        "errorOutput" => "only a Catcher's Output and Assign read the error output",
        _ => "$states holds input, context, and where AWS provides them result and errorOutput",
    }
}
