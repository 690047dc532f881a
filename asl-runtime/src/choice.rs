//! Choice rule comparisons. The generated code evaluates `Variable` once and calls one of
//! these per operator; a value of the wrong type makes the comparison false, never an error.

use crate::flow::Fault;
use crate::path::{self, Path};
use chrono::{DateTime, FixedOffset};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;

/// The comparison in `String<X>`, `Numeric<X>`, `Timestamp<X>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Cmp {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            Cmp::Equals => ord == Ordering::Equal,
            Cmp::LessThan => ord == Ordering::Less,
            Cmp::GreaterThan => ord == Ordering::Greater,
            Cmp::LessThanEquals => ord != Ordering::Greater,
            Cmp::GreaterThanEquals => ord != Ordering::Less,
        }
    }
}

/// The value a rule's `Variable` (or a `…Path` operand) names. A path that matches nothing is
/// a `States.Runtime` error (only `IsPresent` tests for absence, through [`is_present`]).
#[inline]
pub fn variable<'a>(p: &Path, input: &'a Value) -> Result<Cow<'a, Value>, Fault> {
    if let Some(v) = path::lookup(p, input) {
        return Ok(v);
    }
    // Text as AWS reports it for a Choice rule whose Variable matches nothing.
    Err(Fault::runtime(format!(
        "Invalid path '{}': The choice state's condition path references an invalid value.",
        p.text()
    )))
}

pub fn is_present(p: &Path, input: &Value) -> bool {
    path::lookup(p, input).is_some()
}

/// `IsPresent` on a variable's path: a variable no state assigned (`None`) is not present.
pub fn is_present_in(p: &Path, variable: Option<&Value>) -> bool {
    variable.is_some_and(|v| is_present(p, v))
}

/// Strings compare as Java does: by UTF-16 code units, no normalisation or case folding.
pub fn string(v: &Value, cmp: Cmp, operand: &str) -> bool {
    match v {
        Value::String(s) => cmp.holds(s.encode_utf16().cmp(operand.encode_utf16())),
        _ => false,
    }
}

pub fn numeric(v: &Value, cmp: Cmp, operand: f64) -> bool {
    match v.as_f64() {
        Some(n) if v.is_number() => n.partial_cmp(&operand).is_some_and(|o| cmp.holds(o)),
        _ => false,
    }
}

pub fn boolean(v: &Value, operand: bool) -> bool {
    v.as_bool() == Some(operand)
}

/// A timestamp as AWS reads one: RFC 3339 with an uppercase `T`.
pub fn parse_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    if s.as_bytes().get(10) != Some(&b'T') || s.ends_with('z') {
        return None;
    }
    DateTime::parse_from_rfc3339(s).ok()
}

/// `operand` is the literal from the definition, already checked to parse.
pub fn timestamp(v: &Value, cmp: Cmp, operand: &str) -> bool {
    match (v.as_str().and_then(parse_timestamp), parse_timestamp(operand)) {
        (Some(a), Some(b)) => cmp.holds(a.cmp(&b)),
        _ => false,
    }
}

/// `…Path` operators: the operand comes from the input; both sides must have the family's type.
pub fn string_path(v: &Value, cmp: Cmp, other: &Value) -> bool {
    other.as_str().is_some_and(|o| string(v, cmp, o))
}

pub fn numeric_path(v: &Value, cmp: Cmp, other: &Value) -> bool {
    other.is_number() && other.as_f64().is_some_and(|o| numeric(v, cmp, o))
}

pub fn boolean_path(v: &Value, other: &Value) -> bool {
    other.as_bool().is_some_and(|o| boolean(v, o))
}

pub fn timestamp_path(v: &Value, cmp: Cmp, other: &Value) -> bool {
    other.as_str().is_some_and(|o| timestamp(v, cmp, o))
}

pub fn is_null(v: &Value) -> bool {
    v.is_null()
}

pub fn is_numeric(v: &Value) -> bool {
    v.is_number()
}

pub fn is_string(v: &Value) -> bool {
    v.is_string()
}

pub fn is_boolean(v: &Value) -> bool {
    v.is_boolean()
}

pub fn is_timestamp(v: &Value) -> bool {
    v.as_str().and_then(parse_timestamp).is_some()
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are a literal `*` and `\`.
pub fn string_matches(v: &Value, pattern: &str) -> bool {
    let Value::String(s) = v else { return false };
    let tokens = glob_tokens(pattern);
    glob_match(&tokens, &s.chars().collect::<Vec<_>>())
}

#[derive(Debug, PartialEq)]
enum Glob {
    Star,
    Char(char),
}

fn glob_tokens(pattern: &str) -> Vec<Glob> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(Glob::Char(chars.next().unwrap_or('\\'))),
            '*' => out.push(Glob::Star),
            c => out.push(Glob::Char(c)),
        }
    }
    out
}

/// Linear-time wildcard matching with backtracking to the last star only.
fn glob_match(p: &[Glob], s: &[char]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some(Glob::Char(c)) if *c == s[si] => {
                pi += 1;
                si += 1;
            }
            Some(Glob::Star) => {
                star = Some((pi, si));
                pi += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|g| *g == Glob::Star)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_comparisons_are_by_code_unit() {
        assert!(string(&json!("abc"), Cmp::Equals, "abc"));
        assert!(!string(&json!("abc"), Cmp::Equals, "ABC"));
        assert!(string(&json!("a"), Cmp::LessThan, "b"));
        assert!(string(&json!("B"), Cmp::LessThan, "a"));
        assert!(string(&json!("b"), Cmp::GreaterThanEquals, "b"));
        // U+FFFD sorts after a surrogate pair in UTF-16 order, not in code-point order.
        assert!(string(&json!("\u{FFFD}"), Cmp::GreaterThan, "\u{1F600}"));
        assert!(!string(&json!(1), Cmp::Equals, "1"));
    }

    #[test]
    fn numeric_comparisons_ignore_other_types() {
        assert!(numeric(&json!(1), Cmp::Equals, 1.0));
        assert!(numeric(&json!(1.0), Cmp::Equals, 1.0));
        assert!(numeric(&json!(22), Cmp::GreaterThanEquals, 20.0));
        assert!(numeric(&json!(22), Cmp::LessThan, 30.0));
        assert!(!numeric(&json!("1"), Cmp::Equals, 1.0));
        assert!(!numeric(&json!(null), Cmp::LessThanEquals, 1.0));
    }

    #[test]
    fn timestamps_compare_as_instants() {
        assert!(timestamp(&json!("2016-03-14T01:59:00Z"), Cmp::Equals, "2016-03-14T02:59:00+01:00"));
        assert!(timestamp(&json!("2016-03-14T01:59:00.5Z"), Cmp::GreaterThan, "2016-03-14T01:59:00Z"));
        assert!(!timestamp(&json!("2016-03-14 01:59:00Z"), Cmp::Equals, "2016-03-14T01:59:00Z"));
        assert!(is_timestamp(&json!("2016-03-14T01:59:00Z")));
        assert!(!is_timestamp(&json!("2016-03-14T01:59:00")));
    }

    #[test]
    fn string_matches_wildcards_and_escapes() {
        assert!(string_matches(&json!("log-2024.txt"), "log-*.txt"));
        assert!(string_matches(&json!("anything"), "*"));
        assert!(string_matches(&json!(""), "*"));
        assert!(!string_matches(&json!("log.txt"), "log-*.txt"));
        assert!(string_matches(&json!("a*b"), "a\\*b"));
        assert!(!string_matches(&json!("axb"), "a\\*b"));
        assert!(string_matches(&json!("a\\b"), "a\\\\b"));
        assert!(string_matches(&json!("a?c"), "a?c"));
        assert!(!string_matches(&json!("abc"), "a?c"));
        assert!(string_matches(&json!("aXbYc"), "a*b*c"));
    }

    #[test]
    fn type_tests() {
        assert!(is_null(&json!(null)));
        assert!(is_numeric(&json!(1.5)) && !is_numeric(&json!("1")));
        assert!(is_string(&json!("")) && is_boolean(&json!(false)));
    }
}
