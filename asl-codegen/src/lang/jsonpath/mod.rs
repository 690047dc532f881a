//! JSONPath at compile time: the parsed form of every Path and Reference Path in a definition
//! (InputPath, OutputPath, ResultPath, `.$` values, Choice `Variable`, `…Path` fields) and the
//! parser that produces it, with errors that point at the offending byte.
//!
//! The grammar is Jayway JsonPath's (what AWS evaluates): `$`/`$$`, `.name`, `['name']`,
//! `['a','b']`, `[n]`, `[n,m]`, `[*]`, `.*`, slices, `..`, and filters `[?(...)]` (in `filter`).

mod bracket;
mod filter;
#[cfg(test)]
mod tests;

use std::fmt;

/// Where a path starts: `$` (the input), `$$` (the Context object) or `$name` (the value of
/// workflow variable `name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    Input,
    Context,
    Variable(String),
}

/// One step of a path, in Jayway's token vocabulary (mirrors `asl_runtime::path::Segment`).
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.name` or `['name']`.
    Field(String),
    /// `['a','b']`.
    Fields(Vec<String>),
    /// `[n]`, negative from the end.
    Index(i64),
    /// `[n,m,...]`.
    Indexes(Vec<i64>),
    /// `.*` or `[*]`.
    Wildcard,
    /// `[start:end]` or `[start:end:step]` (Jayway ignores the step).
    Slice { start: Option<i64>, end: Option<i64>, step: Option<i64> },
    /// `..`, always followed by the step it searches for.
    Scan,
    /// `[?(...)]`.
    Filter(Filter),
}

/// A filter expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Or(Box<Filter>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare(Operand, CompareOp, Operand),
    /// `[?(@.x)]`.
    Exists(Operand),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `=~ /pattern/flags`.
    Matches,
}

/// A value in a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `@...`: relative to the item being filtered.
    Current(Vec<Segment>),
    /// `$...`: relative to the document the path runs on.
    Document(Vec<Segment>),
    /// Always finite.
    Number(f64),
    String(String),
    Bool(bool),
    Null,
    Regex { pattern: String, flags: String },
}

/// A parsed Path.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    pub root: Root,
    pub segments: Vec<Segment>,
    /// The path as written.
    pub text: String,
}

impl JsonPath {
    /// Jayway: definite when every step is a single name or index (a trailing `['a','b']` merges
    /// into one object and counts as definite). Indefinite paths yield a JSON array.
    pub fn is_definite(&self) -> bool {
        segments_are_definite(&self.segments)
    }

    /// `$$...`: a path on the Context object.
    pub fn is_context(&self) -> bool {
        self.root == Root::Context
    }

    /// The workflow variable the path reads (`$name...`), if it reads one.
    pub fn variable(&self) -> Option<&str> {
        match &self.root {
            Root::Variable(name) => Some(name),
            _ => None,
        }
    }

    /// Whether evaluating this path may read `$$.State.EnteredTime` (it names it, an object
    /// holding it, or reaches it through `*`, `..` or a filter), so the state must record it.
    pub fn reads_entered_time(&self) -> bool {
        const TARGET: [&str; 2] = ["State", "EnteredTime"];
        if !self.is_context() {
            return false;
        }
        for (i, segment) in self.segments.iter().enumerate() {
            let Some(wanted) = TARGET.get(i) else { return true };
            match segment {
                Segment::Field(name) if name != wanted => return false,
                Segment::Fields(names) if !names.iter().any(|n| n == wanted) => return false,
                Segment::Index(_) | Segment::Indexes(_) | Segment::Slice { .. } => return false,
                Segment::Scan => return true,
                _ => {}
            }
        }
        true
    }
}

pub(crate) fn segments_are_definite(segments: &[Segment]) -> bool {
    let last = segments.len().saturating_sub(1);
    segments.iter().enumerate().all(|(i, s)| match s {
        Segment::Field(_) | Segment::Index(_) => true,
        Segment::Fields(_) => i == last,
        _ => false,
    })
}

/// Why a path does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSyntaxError {
    /// Byte offset into the path text where the problem is.
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for PathSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for PathSyntaxError {}

/// Parses a Path: `$…` on the input or `$$…` on the Context object.
pub fn parse_path(text: &str) -> Result<JsonPath, PathSyntaxError> {
    parse_with_offsets(text).map(|(path, _)| path)
}

/// Parses a Reference Path (ResultPath, ItemsPath, every `…Path` field): a Path that names a
/// single node, i.e. only names and single indexes.
pub fn parse_reference_path(text: &str) -> Result<JsonPath, PathSyntaxError> {
    let (path, offsets) = parse_with_offsets(text)?;
    let plain = |s: &Segment| matches!(s, Segment::Field(_) | Segment::Index(_));
    match path.segments.iter().zip(offsets).find(|(s, _)| !plain(s)) {
        None => Ok(path),
        Some((_, offset)) => Err(PathSyntaxError {
            offset,
            message: "a reference path must identify a single node; `*`, `..`, filters, slices and unions are not allowed".into(),
        }),
    }
}

/// The path and the byte offset where each of its steps starts.
fn parse_with_offsets(text: &str) -> Result<(JsonPath, Vec<usize>), PathSyntaxError> {
    let mut cursor = Cursor { text, pos: 0 };
    let root = cursor.root()?;
    let steps = cursor.segments(Mode::Path)?;
    let (mut segments, offsets): (Vec<Segment>, _) = steps.into_iter().unzip();
    // Kept for the whole compile, thousands of them: no spare room.
    segments.shrink_to_fit();
    Ok((JsonPath { root, segments, text: text.to_owned() }, offsets))
}

/// Whether steps are read for a whole path (which must end at the end of the text) or for an
/// `@`/`$` path inside a filter (which ends where the expression goes on).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    InFilter,
}

pub(super) struct Cursor<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Cursor<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += c.len_utf8();
        }
        found
    }

    fn eat_str(&mut self, s: &str) -> bool {
        let found = self.rest().starts_with(s);
        if found {
            self.pos += s.len();
        }
        found
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    fn error<T>(&self, offset: usize, message: impl Into<String>) -> Result<T, PathSyntaxError> {
        Err(PathSyntaxError { offset, message: message.into() })
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), PathSyntaxError> {
        self.skip_spaces();
        if self.eat(c) { Ok(()) } else { self.error(self.pos, format!("expected `{c}` {what}")) }
    }

    fn root(&mut self) -> Result<Root, PathSyntaxError> {
        if self.eat_str("$$") {
            return Ok(Root::Context);
        }
        if !self.eat('$') {
            return self.error(0, "a path must start with `$` (the input) or `$$` (the context object)");
        }
        if let Some(name) = super::variable_name(self.text) {
            self.pos += name.len();
            return Ok(Root::Variable(name.to_owned()));
        }
        Ok(Root::Input)
    }

    /// The steps after a root, with their offsets.
    fn segments(&mut self, mode: Mode) -> Result<Vec<(Segment, usize)>, PathSyntaxError> {
        let mut segments = Vec::new();
        loop {
            let start = self.pos;
            match self.peek() {
                None => return Ok(segments),
                Some('.') if self.peek_second() == Some('.') => {
                    self.pos += 2;
                    segments.push((Segment::Scan, start));
                    let after = self.after_scan(mode)?;
                    segments.push((after, start + 2));
                }
                Some('.') => {
                    self.pos += 1;
                    segments.push((self.after_dot(mode)?, start));
                }
                Some('[') => segments.push((self.bracket()?, start)),
                Some(_) if mode == Mode::InFilter => return Ok(segments),
                Some(c) => return self.error(start, format!("unexpected `{c}`: expected `.` or `[` here")),
            }
        }
    }

    fn after_scan(&mut self, mode: Mode) -> Result<Segment, PathSyntaxError> {
        match self.peek() {
            None => self.error(self.pos.saturating_sub(2), "a path must not end with `..`"),
            Some('.') => self.error(self.pos, "`...` is not valid: use `..name` to search at any depth"),
            Some('[') => self.bracket(),
            Some('*') => {
                self.bump();
                Ok(Segment::Wildcard)
            }
            Some(_) => self.name(mode).map(Segment::Field),
        }
    }

    fn after_dot(&mut self, mode: Mode) -> Result<Segment, PathSyntaxError> {
        match self.peek() {
            None => self.error(self.pos.saturating_sub(1), "a path must not end with `.`"),
            Some('*') => {
                self.bump();
                Ok(Segment::Wildcard)
            }
            Some('[') => self.bracket(),
            Some(_) => self.name(mode).map(Segment::Field),
        }
    }

    /// A name in dot notation: up to the next `.` or `[` (or, in a filter, the next operator).
    fn name(&mut self, mode: Mode) -> Result<String, PathSyntaxError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == '.' || c == '[' || (mode == Mode::InFilter && ends_name_in_filter(c)) {
                break;
            }
            if c.is_whitespace() {
                return self.error(self.pos, "a name with spaces needs bracket notation, e.g. ['my name']");
            }
            if c == '(' {
                return self.error(self.pos, "functions such as `length()` are not supported in paths");
            }
            if matches!(c, ')' | ']' | '\'' | '"' | '*' | '?' | '@' | ',') {
                return self.error(self.pos, format!("`{c}` cannot appear in a name; use bracket notation, e.g. ['a{c}b']"));
            }
            self.bump();
        }
        if self.pos == start {
            return self.error(start, "expected a name here");
        }
        Ok(self.text.get(start..self.pos).unwrap_or_default().to_owned())
    }
}

/// Characters that end a dot-notation name inside a filter (`@.price<10`).
fn ends_name_in_filter(c: char) -> bool {
    c.is_whitespace() || matches!(c, ']' | '(' | ')' | '=' | '!' | '<' | '>' | '&' | '|' | ',' | '~')
}
