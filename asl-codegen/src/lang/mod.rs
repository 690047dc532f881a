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
    variable_name(text).is_some()
}

/// The variable a path reads: `$order.items[0]` → `order`; `None` for `$…` and `$$…` paths.
/// The name runs to the first `.` or `[`, as the path's own steps start there.
pub fn variable_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('$')?;
    if !rest.chars().next().is_some_and(starts_variable_name) {
        return None;
    }
    let end = rest.find(|c: char| !continues_variable_name(c)).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// AWS's longest variable name.
pub const MAX_VARIABLE_NAME_CHARS: usize = 80;

/// Why `name` cannot name a variable (AWS: a Unicode identifier, ID_Start then ID_Continue,
/// of at most 80 characters, and not `states`, which JSONata reserves); `None` when it can.
pub fn variable_name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    if !chars.next().is_some_and(starts_variable_name) || !chars.all(continues_variable_name) {
        return Some("a variable name starts with a letter or `_` and goes on with letters, digits or `_`".into());
    }
    if name.chars().count() > MAX_VARIABLE_NAME_CHARS {
        return Some(format!("a variable name has at most {MAX_VARIABLE_NAME_CHARS} characters"));
    }
    (name == "states").then(|| "`states` is reserved (JSONata's `$states`)".into())
}

/// Unicode ID_Start, approximated by `char::is_alphabetic`, and `_`.
fn starts_variable_name(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Unicode ID_Continue, approximated by `char::is_alphanumeric`, and `_`.
fn continues_variable_name(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A JSONata expression string: `{%` … `%}` (the two may not overlap: `"{%}"` is text).
pub fn is_jsonata(text: &str) -> bool {
    text.len() >= 4 && text.starts_with("{%") && text.ends_with("%}")
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
    fn a_variable_name_runs_to_the_first_step() {
        assert_eq!(variable_name("$order.items[0]"), Some("order"));
        assert_eq!(variable_name("$x[1]"), Some("x"));
        assert_eq!(variable_name("$_a1"), Some("_a1"));
        assert_eq!(variable_name("$"), None);
        assert_eq!(variable_name("$.a"), None);
        assert_eq!(variable_name("$$.Execution"), None);
        assert_eq!(variable_name_problem("états"), None);
        assert!(variable_name_problem("1a").is_some());
        assert!(variable_name_problem("a-b").is_some());
        assert!(variable_name_problem("states").is_some());
        assert!(variable_name_problem(&"a".repeat(81)).is_some());
    }

    #[test]
    fn jsonata_delimiters_do_not_overlap() {
        assert!(is_jsonata("{%%}"));
        assert!(is_jsonata("{% $x %}"));
        assert!(!is_jsonata("{%}"));
        assert!(!is_jsonata("{% 10 %"));
    }

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
