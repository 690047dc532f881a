//! The languages written inside ASL strings, each with its parser and the create-time checks
//! AWS applies to it: JSONPath (`jsonpath`: paths and reference paths), intrinsic functions
//! (`intrinsic`: `States.Format(…)` and the catalogue of the 18 functions), timestamps
//! (`timestamp`), and the recognisers that tell which language a string is written in.
//!
//! What belongs here: a language that appears in a definition's string values (JSONata is
//! next), parsed into a plain Rust value, checked, and nothing more. A module here knows
//! neither the ASL AST nor the pipeline (`ast`, `parse`, `check`, `lower`, `ir`, `emit`), so
//! both `check` (to validate) and `lower` (to compile) use the same parser; and it knows
//! nothing of the runtime's calling conventions, which are `emit`'s.

pub mod intrinsic;
pub mod jsonata;
pub mod jsonpath;
pub mod timestamp;

/// A variable reference (`$name…`) rather than a JSONPath.
pub fn is_variable(text: &str) -> bool {
    text.strip_prefix('$').and_then(|r| r.chars().next()).is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// A JSONata expression string: `{%` … `%}`.
pub fn is_jsonata(text: &str) -> bool {
    text.starts_with("{%") && text.ends_with("%}")
}

/// Whether the value of a `.$` key is meant as an intrinsic call rather than a path: it starts
/// with `States.` (leading whitespace ignored). Such a value is then parsed, so a malformed call
/// gets an intrinsic diagnostic instead of a confusing path one. Without `.$` a value like
/// `"States.Format('x')"` is plain text and this is never asked (recorded: outputdecl base
/// literals, escape-sequence scenario).
pub fn looks_like_intrinsic(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_like_intrinsic_checks_the_prefix() {
        assert!(looks_like_intrinsic("States.Format('x')"));
        assert!(looks_like_intrinsic("  States.UUID()"));
        assert!(looks_like_intrinsic("States.Nope"));
        assert!(!looks_like_intrinsic("$.States.Format"));
        assert!(!looks_like_intrinsic("states.format()"));
        assert!(!looks_like_intrinsic("$"));
    }
}
