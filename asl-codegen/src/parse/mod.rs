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

#[cfg(test)]
mod tests {
    use super::parse_definition;
    use crate::diag::Diagnostics;

    fn messages(text: &str) -> Vec<String> {
        let mut diags = Diagnostics::default();
        parse_definition(text, &mut diags);
        diags.into_sorted().into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn a_word_not_among_the_options_names_them() {
        let retry = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::x",
            "End": true, "Retry": [{"ErrorEquals": ["States.ALL"], "JitterStrategy": "SOME"}]}}}"#;
        assert_eq!(messages(retry), ["state \"A\", Retry[0]: JitterStrategy must be FULL or NONE, found \"SOME\""]);
        let map = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "inline"}, "StartAt": "P", "States": {"P": {"Type": "Succeed"}}}}}}"#;
        assert_eq!(messages(map), ["ProcessorConfig: Mode must be INLINE or DISTRIBUTED, found \"inline\""]);
    }
}
