//! JSON text → a tree that keeps the span of every key and value. Knows nothing of ASL.
//!
//! jsonc-parser's scanner reads the tokens (strict JSON: every JSON5/JSONC extension off,
//! surrogate pairs joined) and this module's small recursive descent builds our own [`Node`]
//! from them directly, so duplicate keys, which AWS rejects, stay visible, and no second tree
//! is built and thrown away: a 1 MB definition's tree takes a few times its size, not the
//! fifteen times jsonc-parser's AST and ours did together. Nesting deeper than [`MAX_DEPTH`]
//! and numbers beyond `f64` are refused here, before anything reads them.

use crate::diag::{Diagnostic, Span};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::tokens::Token;
use jsonc_parser::{Scanner, ScannerOptions};
use std::sync::Arc;

/// A JSON value with its span. Objects keep every key in order, duplicates included.
/// Arrays and objects are shared slices: a tree is built once and never changes, the AST keeps
/// subtrees of it (Parameters, Result, …) without copying them, and a definition may hold
/// hundreds of thousands of values.
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
    /// them, and no text is kept per number.
    Number(serde_json::Number),
    String(Box<str>),
    Array(Arc<[Node]>),
    Object(Arc<[Member]>),
}

/// One `"key": value` pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: Box<str>,
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

    /// How many values this holds (itself included), counting no further than `limit`.
    pub fn values_up_to(&self, limit: usize) -> usize {
        let mut count = 1;
        let children: Box<dyn Iterator<Item = &Node>> = match &self.kind {
            NodeKind::Array(items) => Box::new(items.iter()),
            NodeKind::Object(members) => Box::new(members.iter().map(|m| &m.value)),
            _ => return count,
        };
        for child in children {
            if count >= limit {
                break;
            }
            count += child.values_up_to(limit - count);
        }
        count
    }

    /// The value as compact JSON text (spans dropped), written without building a
    /// `serde_json::Value` first.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
        match &self.kind {
            NodeKind::Null => out.push_str("null"),
            NodeKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            NodeKind::Number(n) => out.push_str(&n.to_string()),
            NodeKind::String(s) => out.push_str(&quoted(s)),
            NodeKind::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            NodeKind::Object(members) => {
                out.push('{');
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quoted(&m.key));
                    out.push(':');
                    m.value.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// The plain JSON value (spans dropped), for literals copied into generated code.
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::String(s) => Value::String(s.to_string()),
            NodeKind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            NodeKind::Object(members) => Value::Object(
                members.iter().map(|m| (m.key.to_string(), m.value.to_value())).collect(),
            ),
        }
    }
}

/// Deeper nesting than this is refused before parsing (Jackson, which AWS uses, refuses 1000),
/// so no definition can exhaust the stack of the compiler.
pub const MAX_DEPTH: usize = 512;

/// Parses strict JSON. A syntax error is one diagnostic at the offending position.
pub fn parse_json(text: &str) -> Result<Node, Diagnostic> {
    parse_whole(text, false)
}

/// [`parse_json`] for a definition: the whole text is read and checked, but the values of the
/// members of the top-level `States` object (the states) are not built: each is `null` with
/// the span of the value, for [`parse_json_at`] to build when its state is read. A
/// definition's tree is then never whole: 20,000 states would take ten times the text.
pub fn parse_json_deferring_states(text: &str) -> Result<Node, Diagnostic> {
    parse_whole(text, true)
}

/// The value at `span` of a text [`parse_json_deferring_states`] read, with its spans in the
/// whole text.
pub fn parse_json_at(text: &str, span: Span) -> Result<Node, Diagnostic> {
    let mut parser = Parser::new(text.get(span.range()).unwrap_or_default(), span.start(), false);
    parser.advance()?;
    parser.value()
}

fn parse_whole(text: &str, defer_states: bool) -> Result<Node, Diagnostic> {
    prescan(text)?;
    let mut parser = Parser::new(text, 0, defer_states);
    parser.advance()?;
    if parser.token.is_none() {
        return Err(Diagnostic::new(Span::new(0, 0), "malformed JSON: the file holds no JSON value"));
    }
    let node = parser.value()?;
    parser.advance()?;
    if parser.token.is_some() {
        return Err(parser.error(ParseErrorKind::MultipleRootJsonValues));
    }
    control_character(text)?;
    match parser.too_large {
        Some(span) => Err(Diagnostic::new(span, "this number is too large to represent (beyond ±1.8e308)")),
        None => Ok(node),
    }
}

/// Strict JSON (RFC 8259) over jsonc-parser's scanner. Recursion is bounded by [`prescan`],
/// which refused deeper nesting than [`MAX_DEPTH`] before this runs.
struct Parser<'a> {
    scanner: Scanner<'a>,
    /// Where the scanned text starts in the definition (spans are the definition's).
    base: usize,
    /// The current token; `None` at the end of the text.
    token: Option<Token<'a>>,
    /// The first number too large for a double.
    too_large: Option<Span>,
    /// How many arrays and objects hold the current value.
    depth: usize,
    /// Whether the values of the top-level `States` object's members are left unbuilt.
    defer_states: bool,
    /// Values this deep or deeper are checked but not built (`null` with their span).
    unbuilt_from: Option<usize>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, base: usize, defer_states: bool) -> Self {
        // Every JSON5/JSONC extension off.
        let options = ScannerOptions {
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        Parser { scanner: Scanner::new(text, &options), base, token: None, too_large: None, depth: 0, defer_states, unbuilt_from: None }
    }

    /// Whether the current value is built (see `unbuilt_from`).
    fn building(&self) -> bool {
        !matches!(self.unbuilt_from, Some(from) if self.depth >= from)
    }

    /// The end of the current token in the definition.
    fn end(&self) -> usize {
        self.base + self.scanner.token_end()
    }

    /// Moves to the next token; comments are an error.
    fn advance(&mut self) -> Result<(), Diagnostic> {
        self.token = self.scanner.scan().map_err(|e| {
            let range = e.range();
            Diagnostic::new(Span::new(self.base + range.start, self.base + range.end), format!("malformed JSON: {}", e.kind()))
        })?;
        match self.token {
            Some(Token::CommentLine(_) | Token::CommentBlock(_)) => Err(self.error(ParseErrorKind::CommentsNotAllowed)),
            _ => Ok(()),
        }
    }

    /// The current token's span.
    fn span(&self) -> Span {
        Span::new(self.base + self.scanner.token_start(), self.end())
    }

    fn error(&self, kind: ParseErrorKind) -> Diagnostic {
        Diagnostic::new(self.span(), format!("malformed JSON: {kind}"))
    }

    /// The value that starts at the current token; the current token is then its last.
    fn value(&mut self) -> Result<Node, Diagnostic> {
        let span = self.span();
        let kind = match self.token.take() {
            Some(Token::OpenBrace) => return self.object(span),
            Some(Token::OpenBracket) => return self.array(span),
            Some(Token::String(s)) if self.building() => NodeKind::String(s.into()),
            Some(Token::String(_)) => NodeKind::Null,
            Some(Token::Number(n)) => NodeKind::Number(n.parse::<serde_json::Number>().unwrap_or_else(|_| {
                self.too_large.get_or_insert(span);
                serde_json::Number::from(0)
            })),
            Some(Token::Boolean(b)) => NodeKind::Bool(b),
            Some(Token::Null) => NodeKind::Null,
            other => {
                let kind = match other {
                    Some(Token::CloseBracket) => ParseErrorKind::UnexpectedCloseBracket,
                    Some(Token::CloseBrace) => ParseErrorKind::UnexpectedCloseBrace,
                    Some(Token::Comma) => ParseErrorKind::UnexpectedComma,
                    Some(Token::Colon) => ParseErrorKind::UnexpectedColon,
                    Some(Token::Word(_)) => ParseErrorKind::UnexpectedWord,
                    _ => ParseErrorKind::ExpectedObjectValue,
                };
                return Err(self.error(kind));
            }
        };
        Ok(Node { span, kind })
    }

    /// `{ "key": value, … }`, from its `{` (at `open`).
    fn object(&mut self, open: Span) -> Result<Node, Diagnostic> {
        let mut members = Vec::new();
        let building = self.building();
        self.depth += 1;
        self.advance()?;
        if !matches!(self.token, Some(Token::CloseBrace)) {
            loop {
                let key_span = self.span();
                let key = match self.token.take() {
                    Some(Token::String(k)) => k,
                    None => return Err(Diagnostic::new(open, format!("malformed JSON: {}", ParseErrorKind::UnterminatedObject))),
                    Some(Token::Word(_)) => return Err(self.error(ParseErrorKind::ExpectedStringObjectProperty)),
                    Some(_) => return Err(self.error(ParseErrorKind::UnexpectedTokenInObject)),
                };
                self.advance()?;
                if !matches!(self.token, Some(Token::Colon)) {
                    return Err(self.error(ParseErrorKind::ExpectedColonAfterObjectKey));
                }
                self.advance()?;
                // The top-level States: its members' values (the states) are left unbuilt.
                let states = self.defer_states && self.depth == 1 && key == "States";
                if states {
                    self.unbuilt_from = Some(self.depth + 1);
                }
                let value = self.value()?;
                if states {
                    self.unbuilt_from = None;
                }
                if building {
                    members.push(Member { key: key.into(), key_span, value });
                }
                if self.separator(open, ParseErrorKind::UnterminatedObject, |t| matches!(t, Token::CloseBrace))? {
                    break;
                }
            }
        }
        self.depth -= 1;
        let span = Span::new(open.start(), self.end());
        let kind = if building { NodeKind::Object(members.into()) } else { NodeKind::Null };
        Ok(Node { span, kind })
    }

    /// `[ value, … ]`, from its `[` (at `open`).
    fn array(&mut self, open: Span) -> Result<Node, Diagnostic> {
        let mut items = Vec::new();
        let building = self.building();
        self.depth += 1;
        self.advance()?;
        if !matches!(self.token, Some(Token::CloseBracket)) {
            loop {
                if self.token.is_none() {
                    return Err(Diagnostic::new(open, format!("malformed JSON: {}", ParseErrorKind::UnterminatedArray)));
                }
                let item = self.value()?;
                if building {
                    items.push(item);
                }
                if self.separator(open, ParseErrorKind::UnterminatedArray, |t| matches!(t, Token::CloseBracket))? {
                    break;
                }
            }
        }
        self.depth -= 1;
        let span = Span::new(open.start(), self.end());
        let kind = if building { NodeKind::Array(items.into()) } else { NodeKind::Null };
        Ok(Node { span, kind })
    }

    /// After a member or an element: `true` at the closing bracket, `false` past a comma
    /// (at the next member or element, which must not be the closing bracket).
    fn separator(&mut self, open: Span, unterminated: ParseErrorKind, is_close: fn(&Token) -> bool) -> Result<bool, Diagnostic> {
        let value_end = self.end();
        self.advance()?;
        match &self.token {
            Some(t) if is_close(t) => Ok(true),
            Some(Token::Comma) => {
                let comma = self.span();
                self.advance()?;
                match &self.token {
                    Some(t) if is_close(t) => Err(Diagnostic::new(comma, format!("malformed JSON: {}", ParseErrorKind::TrailingCommasNotAllowed))),
                    _ => Ok(false),
                }
            }
            None => Err(Diagnostic::new(open, format!("malformed JSON: {unterminated}"))),
            Some(_) => Err(Diagnostic::new(Span::new(value_end, value_end), format!("malformed JSON: {}", ParseErrorKind::ExpectedComma))),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_and_duplicates() {
        let text = r#"{"a": 1, "a": [true, null]}"#;
        let node = parse_json(text).unwrap();
        let members = node.as_members().unwrap();
        assert_eq!(members.len(), 2);
        assert_eq!(&text[members[1].key_span.range()], "\"a\"");
        assert_eq!(&text[members[1].value.span.range()], "[true, null]");
    }

    #[test]
    fn reads_surrogate_pairs_and_refuses_what_json_forbids() {
        // What Python's json.dump writes for a character outside the Basic Multilingual Plane.
        let node = parse_json(r#"{"s": "\ud83d\ude00"}"#).unwrap();
        assert_eq!(node.to_value(), serde_json::json!({"s": "\u{1F600}"}));
        assert!(parse_json(r#"{"s": "\ud83d"}"#).unwrap_err().message.contains("surrogate"));
        let bom = parse_json("\u{feff}{}").unwrap_err();
        assert!(bom.message.contains("byte-order mark") && bom.span.start() == 0, "{bom:?}");
        let control = parse_json("{\"s\": \"a\tb\"}").unwrap_err();
        assert_eq!(control.span.start(), 8);
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
    fn deferred_states_are_checked_whole_and_built_one_at_a_time() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": [1, {"x": "y"}]}, "B": null}}"#;
        let root = parse_json_deferring_states(text).unwrap();
        assert_eq!(root.as_members().unwrap()[0].value, parse_json(text).unwrap().as_members().unwrap()[0].value, "StartAt is built");
        let members = root.as_members().unwrap()[1].value.as_members().unwrap();
        assert!(members.iter().all(|m| m.value.kind == NodeKind::Null), "the states are not built");
        // Built from the text, each state is what the whole parse gives, spans included.
        let whole = parse_json(text).unwrap();
        let whole_states = whole.as_members().unwrap()[1].value.as_members().unwrap().to_vec();
        for (m, w) in members.iter().zip(&whole_states) {
            assert_eq!(parse_json_at(text, m.value.span).unwrap(), w.value);
        }
        // A syntax error or a huge number inside a state is still found by the first parse.
        assert!(parse_json_deferring_states(r#"{"States": {"A": {"Type": "Pass",}}}"#).unwrap_err().message.contains("Trailing commas"));
        assert!(parse_json_deferring_states(r#"{"States": {"A": {"Seconds": 1e400}}}"#).unwrap_err().message.contains("too large"));
    }

    #[test]
    fn rejects_comments_and_trailing_commas() {
        assert!(parse_json("{\"a\": 1, }").is_err());
        assert!(parse_json("{\"a\": 1 // x\n}").is_err());
        assert!(parse_json("{a: 1}").is_err());
        assert!(parse_json("").is_err());
    }
}
