//! JSON text → a tree that keeps the span of every key and value. Knows nothing of ASL.
//!
//! jsonc-parser does the scanning (strict JSON: no comments, no trailing commas, quoted keys);
//! this module turns its AST into our own owned [`Node`] so later passes never see a borrowed
//! parser type, and so duplicate keys, which AWS rejects, are still visible. Nesting deeper
//! than [`MAX_DEPTH`] and numbers beyond `f64` are refused here, before anything reads them.

use crate::diag::{Diagnostic, Span};
use jsonc_parser::ast;

/// A JSON value with its span. Objects keep every key in order, duplicates included.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    /// The number as serde_json reads it: `1.0` and `1` stay distinct where AWS distinguishes
    /// them, and no text is kept per number (a definition may hold hundreds of thousands).
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    /// What a user would call this kind of value in a message.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Number(_) => "a number",
            NodeKind::String(_) => "a string",
            NodeKind::Array(_) => "an array",
            NodeKind::Object(_) => "an object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_members(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// A whole non-negative number, if this is one.
    pub fn as_uint(&self) -> Option<u64> {
        match &self.kind {
            NodeKind::Number(n) => n.as_u64().or_else(|| {
                // `1.0` and `1e3` are whole numbers written another way; Jackson reads them as such.
                let f = n.as_f64()?;
                (f >= 0.0 && f.fract() == 0.0 && f < 9.0e15).then_some(f as u64)
            }),
            _ => None,
        }
    }

    /// The plain JSON value (spans dropped), for literals copied into generated code.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            NodeKind::Object(members) => Value::Object(
                members.iter().map(|m| (m.key.clone(), m.value.to_value())).collect(),
            ),
        }
    }
}

/// Deeper nesting than this is refused before parsing (Jackson, which AWS uses, refuses 1000),
/// so no definition can exhaust the stack of the compiler.
pub const MAX_DEPTH: usize = 512;

/// Parses strict JSON. A syntax error is one diagnostic at the offending position.
pub fn parse_json(text: &str) -> Result<Node, Diagnostic> {
    prescan(text)?;
    // Strict JSON (RFC 8259): every JSON5/JSONC extension off.
    let options = jsonc_parser::ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &Default::default(), &options).map_err(|e| {
        let range = e.range();
        Diagnostic::new(Span::new(range.start, range.end), format!("malformed JSON: {}", e.kind()))
    })?;
    let Some(value) = parsed.value else {
        return Err(Diagnostic::new(Span::new(0, 0), "malformed JSON: the file holds no JSON value"));
    };
    control_character(text)?;
    let mut too_large = None;
    let node = convert(value, &mut too_large);
    match too_large {
        Some(span) => Err(Diagnostic::new(span, "this number is too large to represent (beyond ±1.8e308)")),
        None => Ok(node),
    }
}

/// What the parser would report confusingly, or would not survive, checked before it runs: a
/// byte-order mark, and `[`/`{` nesting deeper than [`MAX_DEPTH`] (brackets inside strings
/// aside).
fn prescan(text: &str) -> Result<(), Diagnostic> {
    if text.starts_with('\u{feff}') {
        let d = Diagnostic::new(Span::new(0, 3), "malformed JSON: the file starts with a byte-order mark (U+FEFF), which JSON does not allow")
            .with_help("save the file as UTF-8 without a BOM");
        return Err(d);
    }
    let mut depth = 0usize;
    for (i, b, in_string) in bytes_outside_escapes(text) {
        match (in_string, b) {
            (false, b'[' | b'{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let msg = format!("the definition nests arrays and objects more than {MAX_DEPTH} levels deep");
                    return Err(Diagnostic::new(Span::new(i, i + 1), msg));
                }
            }
            (false, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// A raw control character inside a string, which JSON forbids and the parser lets through.
/// Looked for once the text parsed, when its strings are known to be where they seem.
fn control_character(text: &str) -> Result<(), Diagnostic> {
    let Some((i, b, _)) = bytes_outside_escapes(text).find(|&(_, b, in_string)| in_string && b < 0x20) else { return Ok(()) };
    let msg = format!("malformed JSON: a control character (U+{b:04X}) inside a string must be written as an escape");
    let help = match b {
        b'\n' => "write it as \\n".to_string(),
        b'\t' => "write it as \\t".to_string(),
        b'\r' => "write it as \\r".to_string(),
        _ => format!("write it as \\u{b:04x}"),
    };
    Err(Diagnostic::new(Span::new(i, i + 1), msg).with_help(help))
}

/// Each byte of `text` with its offset and whether it is inside a string, escaped bytes (the
/// one after a backslash) and the quotes themselves left out.
fn bytes_outside_escapes(text: &str) -> impl Iterator<Item = (usize, u8, bool)> + '_ {
    let (mut in_string, mut escaped) = (false, false);
    text.bytes().enumerate().filter_map(move |(i, b)| match (in_string, b) {
        (true, _) if escaped => {
            escaped = false;
            None
        }
        (true, b'\\') => {
            escaped = true;
            None
        }
        (_, b'"') => {
            in_string = !in_string;
            None
        }
        _ => Some((i, b, in_string)),
    })
}

fn span(r: jsonc_parser::common::Range) -> Span {
    Span::new(r.start, r.end)
}

/// The parser's tree as ours; the first number too large for a double goes to `too_large`.
fn convert(v: ast::Value<'_>, too_large: &mut Option<Span>) -> Node {
    match v {
        ast::Value::NullKeyword(n) => Node { span: span(n.range), kind: NodeKind::Null },
        ast::Value::BooleanLit(b) => Node { span: span(b.range), kind: NodeKind::Bool(b.value) },
        ast::Value::NumberLit(n) => {
            let number = n.value.parse::<serde_json::Number>().unwrap_or_else(|_| {
                too_large.get_or_insert(span(n.range));
                serde_json::Number::from(0)
            });
            Node { span: span(n.range), kind: NodeKind::Number(number) }
        }
        ast::Value::StringLit(s) => Node { span: span(s.range), kind: NodeKind::String(s.value.into_owned()) },
        ast::Value::Array(a) => Node {
            span: span(a.range),
            kind: NodeKind::Array(a.elements.into_iter().map(|e| convert(e, too_large)).collect()),
        },
        ast::Value::Object(o) => Node {
            span: span(o.range),
            kind: NodeKind::Object(
                o.properties
                    .into_iter()
                    .map(|p| {
                        let (key, key_span) = match p.name {
                            ast::ObjectPropName::String(s) => (s.value.into_owned(), span(s.range)),
                            ast::ObjectPropName::Word(w) => (w.value.to_string(), span(w.range)),
                        };
                        Member { key, key_span, value: convert(p.value, too_large) }
                    })
                    .collect(),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_duplicates() {
        let text = r#"{"a": 1, "a": [true, null]}"#;
        let node = parse_json(text).unwrap();
        let members = node.as_members().unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(&text[members[1].key_span.start..members[1].key_span.end], "\"a\"");
        assert_eq!(&text[members[1].value.span.start..members[1].value.span.end], "[true, null]");
    }

    #[test]
    fn reads_surrogate_pairs_and_refuses_what_json_forbids() {
        // What Python's json.dump writes for a character outside the Basic Multilingual Plane.
        let node = parse_json(r#"{"s": "\ud83d\ude00"}"#).unwrap();
        assert_eq!(node.to_value(), serde_json::json!({"s": "\u{1F600}"}));
        assert!(parse_json(r#"{"s": "\ud83d"}"#).unwrap_err().message.contains("surrogate"));
        let bom = parse_json("\u{feff}{}").unwrap_err();
        assert!(bom.message.contains("byte-order mark") && bom.span.start == 0, "{bom:?}");
        let control = parse_json("{\"s\": \"a\tb\"}").unwrap_err();
        assert_eq!(control.span.start, 8);
        assert_eq!(control.help.as_deref(), Some("write it as \\t"));
        // A string that ended early is the parser's error, not a newline "inside" what follows.
        let early = parse_json("{\"a\": \"x\\\\\"y\", \"b\": \"\n\"}").unwrap_err();
        assert!(!early.message.contains("control character"), "{early:?}");
        // Escaped, it is fine; outside strings, whitespace is whitespace.
        assert!(parse_json("{\"s\":\t\"a\\tb\"}").is_ok());
        // Every JSON5 extension stays off.
        for text in ["{'a': 1}", "{\"a\": 0x1F}", "{\"a\": +1}", "{\"a\": .5}", "{\"a\": NaN}", "{\"a\": 1 \"b\": 2}"] {
            assert!(parse_json(text).is_err(), "{text}");
        }
    }

    #[test]
    fn refuses_deep_nesting_and_huge_numbers() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse_json(&deep).unwrap_err().message.contains("levels deep"));
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_json(&ok).is_ok());
        assert!(parse_json(r#"{"s": "[[[[", "n": 1}"#).is_ok());
        assert!(parse_json(r#"{"n": 1e400}"#).unwrap_err().message.contains("too large"));
    }

    #[test]
    fn rejects_comments_and_trailing_commas() {
        assert!(parse_json("{\"a\": 1, }").is_err());
        assert!(parse_json("{\"a\": 1 // x\n}").is_err());
        assert!(parse_json("{a: 1}").is_err());
        assert!(parse_json("").is_err());
    }
}
