//! The definition's JSON tree → the ASL AST ([`crate::ast`]): the object reader that reports
//! wrong types, duplicate and unknown fields (`fields`), the machine and state readers
//! (`machine`), and the readers of one state kind's own fields (`kinds`). Shape problems are
//! collected while an AST is still built from what could be read; rules are `check`'s.

mod fields;
mod kinds;
mod machine;

use crate::ast::StateMachine;
use crate::diag::Diagnostics;
use crate::json::parse_json;

/// Parses a definition: JSON syntax first (one fatal diagnostic), then the ASL shape, whose
/// problems are collected into `diags` while an AST is still built from what could be read.
pub fn parse_definition(text: &str, diags: &mut Diagnostics) -> Option<StateMachine> {
    let node = match parse_json(text) {
        Ok(node) => node,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    if node.as_members().is_none() {
        diags.error(node.span, "Definition must be a valid JSON object");
        return None;
    }
    Some(machine::machine(&node, machine::Level::Top, "state machine", diags))
}
