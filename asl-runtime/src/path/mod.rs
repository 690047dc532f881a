//! JSONPath at run time: the `'static` form of a compiled Path, its evaluation over
//! `serde_json::Value` with Jayway JsonPath's semantics (which AWS Step Functions uses), ResultPath
//! placement, and the exact error texts AWS reports when a path finds nothing.
//!
//! `asl-codegen` parses every path at compile time and emits a [`Path`] as a constant expression;
//! nothing here parses path text.

mod eval;
mod set;
#[cfg(test)]
mod tests;

use std::fmt;

pub use eval::{get, lookup, missing_path_message, read, select};
pub use set::set;

/// Where a path starts: `$` is the state's input (or template input), `$$` the Context object,
/// `$name` the value of workflow variable `name` (the caller looks it up, see
/// [`crate::io::variable`]; the path's steps then run on that value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Input,
    Context,
    Variable,
}

/// One step of a path, in Jayway's token vocabulary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Segment {
    /// `.name` or `['name']`.
    Field(&'static str),
    /// `['a','b']`: several names. As the last step Jayway merges them into one object (a
    /// definite result); elsewhere it visits each (indefinite).
    Fields(&'static [&'static str]),
    /// `[n]`; negative counts from the end.
    Index(i64),
    /// `[n,m,...]`.
    Indexes(&'static [i64]),
    /// `.*` or `[*]`: every member value of an object or every element of an array.
    Wildcard,
    /// `[start:end]`. Jayway ignores a third (step) part; it is kept only to render the path.
    Slice { start: Option<i64>, end: Option<i64>, step: Option<i64> },
    /// `..`: recursive descent; always followed by the step it searches for.
    Scan,
    /// `[?(...)]`.
    Filter(&'static Filter),
}

/// A filter expression `[?(...)]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Filter {
    Or(&'static Filter, &'static Filter),
    And(&'static Filter, &'static Filter),
    Not(&'static Filter),
    Compare(Operand, CompareOp, Operand),
    /// `[?(@.x)]`: true when the path finds something.
    Exists(Operand),
}

/// A comparison operator inside a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `=~ /pattern/flags`: the whole string must match.
    Matches,
}

/// A value inside a filter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operand {
    /// `@...`: relative to the item being filtered.
    Current(&'static [Segment]),
    /// `$...`: relative to the document the whole path runs on.
    Document(&'static [Segment]),
    Number(f64),
    String(&'static str),
    Bool(bool),
    Null,
    /// `/pattern/flags`.
    Regex { pattern: &'static str, flags: &'static str },
}

/// A compiled path: its text as written, its root and its steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Path {
    text: &'static str,
    root: Root,
    segments: &'static [Segment],
}

// Filter numbers are finite literals from the definition (the compiler rejects anything else),
// so equality is reflexive and `Eq` holds: compiled paths can sit in `Eq` types.
impl Eq for Path {}
impl Eq for Segment {}
impl Eq for Filter {}
impl Eq for Operand {}

impl Path {
    /// A path on the input (`$...`).
    pub const fn input(text: &'static str, segments: &'static [Segment]) -> Path {
        Path { text, root: Root::Input, segments }
    }

    /// A path on the Context object (`$$...`).
    pub const fn context(text: &'static str, segments: &'static [Segment]) -> Path {
        Path { text, root: Root::Context, segments }
    }

    /// A path on the value of a workflow variable (`$name...`); `text` is the whole path as
    /// written, `segments` the steps after the name.
    pub const fn variable(text: &'static str, segments: &'static [Segment]) -> Path {
        Path { text, root: Root::Variable, segments }
    }

    /// The path as written in the definition, e.g. `$.a.b[0]`.
    pub const fn text(&self) -> &'static str {
        self.text
    }

    pub const fn root(&self) -> Root {
        self.root
    }

    pub const fn segments(&self) -> &'static [Segment] {
        self.segments
    }

    /// `$$...`: evaluated on the Context object.
    pub const fn is_context(&self) -> bool {
        matches!(self.root, Root::Context)
    }

    /// Jayway: a path is definite when every step is a single name or a single index (or a
    /// trailing multi-name merge). Definite paths yield one value; others a JSON array.
    pub const fn is_definite(&self) -> bool {
        segments_are_definite(self.segments)
    }
}

/// Definiteness of a step sequence (also used for `@` paths inside filters).
pub(crate) const fn segments_are_definite(segments: &[Segment]) -> bool {
    let mut i = 0;
    while i < segments.len() {
        let is_last = i + 1 == segments.len();
        match segments[i] {
            Segment::Field(_) | Segment::Index(_) => {}
            Segment::Fields(_) if is_last => {}
            _ => return false,
        }
        i += 1;
    }
    true
}

/// Why a path could not be read or a result could not be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// Jayway found nothing (or could not walk the document). Displays as AWS reports it:
    /// `Invalid path '$.x' : No results for path: $['x']`.
    Invalid { path: String, reason: String },
    /// A ResultPath could not be applied to the state input (e.g. the input is not an object):
    /// `Unable to apply ReferencePath $.x to input "abc"`.
    CannotApply { path: String, input: String },
}

impl PathError {
    /// Jayway's own message, without the `Invalid path '...' : ` prefix.
    pub fn reason(&self) -> &str {
        match self {
            PathError::Invalid { reason, .. } => reason,
            PathError::CannotApply { .. } => "",
        }
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Invalid { path, reason } => write!(f, "Invalid path '{path}' : {reason}"),
            PathError::CannotApply { path, input } => {
                write!(f, "Unable to apply ReferencePath {path} to input {input}")
            }
        }
    }
}

impl std::error::Error for PathError {}
