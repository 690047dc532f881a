//! The definition's JSON tree → the ASL AST ([`crate::ast`]): the object reader that reports
//! wrong types, duplicate and unknown fields (`fields`), the machine and state readers
//! (`machine`), and the readers of one state kind's own fields (`kinds`). Shape problems are
//! collected while an AST is still built from what could be read; rules are `check`'s.

mod fields;
mod kinds;
mod machine;

use crate::ast::StateMachine;
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::json::parse_json_deferring_states;

/// AWS's limit on a definition's length, in characters (CreateStateMachine refuses longer ones).
pub const MAX_DEFINITION_CHARS: usize = 1_048_576;

/// Parses a definition: its length, JSON syntax (one fatal diagnostic), then the ASL shape,
/// whose problems are collected into `diags` while an AST is still built from what could be
/// read.
pub fn parse_definition(text: &str, diags: &mut Diagnostics) -> Option<StateMachine> {
    if let Some(chars) = too_long(text) {
        let msg = format!("the definition is {chars} characters long; AWS accepts at most {MAX_DEFINITION_CHARS}");
        diags.push(Diagnostic::new(Span::new(0, 0), msg).with_help("move parts of it into state machines of their own, started by Task states (arn:aws:states:::states:startExecution)"));
        return None;
    }
    let node = match parse_json_deferring_states(text) {
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
    // The top-level states were checked but not built: each is built from the text when it
    // is read and dropped once read, so no more than one state's tree exists at a time.
    Some(machine::machine(&node, Some(text), machine::Level::Top, "state machine", diags))
}

/// The definition's length in characters, if it is over [`MAX_DEFINITION_CHARS`]; counted
/// only when its bytes could be.
pub fn too_long(text: &str) -> Option<usize> {
    if text.len() <= MAX_DEFINITION_CHARS {
        return None;
    }
    Some(text.chars().count()).filter(|&n| n > MAX_DEFINITION_CHARS)
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

    #[test]
    fn a_definition_over_aws_length_limit_is_refused_before_it_is_read() {
        let padding = " ".repeat(super::MAX_DEFINITION_CHARS);
        let long = format!(r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Succeed"}}}}}}{padding}"#);
        let got = messages(&long);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with(&format!("the definition is {} characters long; AWS accepts at most 1048576", long.chars().count())), "{got:?}");
        // Counted in characters, as AWS counts: a megabyte of two-byte characters is not over.
        let wide = format!(r#"{{"Comment": "{}", "StartAt": "A", "States": {{"A": {{"Type": "Succeed"}}}}}}"#, "é".repeat(600_000));
        assert!(wide.len() > super::MAX_DEFINITION_CHARS && super::too_long(&wide).is_none());
    }
}
