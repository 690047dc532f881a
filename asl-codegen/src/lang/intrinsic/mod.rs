//! Intrinsic function expressions (`States.Format('x {}', $.a)`, the value of a `.$` key) parsed
//! and checked at compile time, so that a definition AWS would reject at creation is rejected by
//! the compiler with the place and a hint, and generated code only wires runtime calls together.
//!
//! Owns the grammar, the catalogue of the 18 functions (names, arities, which calls draw
//! randomness) and the create-time checks: unknown names, wrong argument counts, literal
//! arguments of a wrong type or value, nesting deeper than AWS allows. Path arguments are kept
//! as raw text with their offset; the JSONPath module parses them. How the runtime implements
//! each function, and how generated code calls it, is `emit`'s business.
//!
//! ```text
//! call := "States." Name ws* "(" ws* [arg (ws* "," ws* arg)*] ws* ")"
//! arg  := 'string' | number | true | false | null | $path | $$path | $var… | call
//! ```
//! Strings are single-quoted; `\'` `\{` `\}` `\\` escape the reserved characters (any other `\x`
//! is kept as the two characters `\x`, and a `\` that ends the text is an error).

mod check;
mod parser;

use serde_json::Value;
use std::fmt;

/// AWS allows intrinsic calls nested up to 10 deep in one field.
pub const MAX_NESTING: usize = 10;

/// The intrinsic functions, named as in the Amazon States Language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntrinsicFn {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

impl IntrinsicFn {
    pub const ALL: [IntrinsicFn; 18] = [
        Self::Format, Self::StringToJson, Self::JsonToString, Self::Array, Self::ArrayPartition,
        Self::ArrayContains, Self::ArrayRange, Self::ArrayGetItem, Self::ArrayLength,
        Self::ArrayUnique, Self::Base64Encode, Self::Base64Decode, Self::Hash, Self::JsonMerge,
        Self::MathRandom, Self::MathAdd, Self::StringSplit, Self::Uuid,
    ];

    /// The name as written in a definition, e.g. `States.ArrayPartition`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Format => "States.Format",
            Self::StringToJson => "States.StringToJson",
            Self::JsonToString => "States.JsonToString",
            Self::Array => "States.Array",
            Self::ArrayPartition => "States.ArrayPartition",
            Self::ArrayContains => "States.ArrayContains",
            Self::ArrayRange => "States.ArrayRange",
            Self::ArrayGetItem => "States.ArrayGetItem",
            Self::ArrayLength => "States.ArrayLength",
            Self::ArrayUnique => "States.ArrayUnique",
            Self::Base64Encode => "States.Base64Encode",
            Self::Base64Decode => "States.Base64Decode",
            Self::Hash => "States.Hash",
            Self::JsonMerge => "States.JsonMerge",
            Self::MathRandom => "States.MathRandom",
            Self::MathAdd => "States.MathAdd",
            Self::StringSplit => "States.StringSplit",
            Self::Uuid => "States.UUID",
        }
    }

    /// Whether a call with `arg_count` arguments draws randomness: `States.UUID`, and
    /// `States.MathRandom` without its optional third argument, the seed.
    pub fn draws_randomness(self, arg_count: usize) -> bool {
        match self {
            Self::Uuid => true,
            Self::MathRandom => arg_count < 3,
            _ => false,
        }
    }

    /// The function whose name (after `States.`) is exactly `short_name`.
    pub fn from_short_name(short_name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name().strip_prefix("States.") == Some(short_name))
    }

    /// The fewest and most arguments it takes (`None`: no upper bound).
    pub fn arity(self) -> (usize, Option<usize>) {
        check::arity(self)
    }
}

impl fmt::Display for IntrinsicFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One call, e.g. `States.ArrayPartition($.items, 4)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub func: IntrinsicFn,
    pub args: Vec<Arg>,
    /// Byte offset of `States.` in the parsed text.
    pub offset: usize,
}

/// One argument of a [`Call`].
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A string, number, `true`, `false` or `null` written in the expression. Strings have their
    /// escapes resolved, except the literal template of `States.Format` (its first argument),
    /// which keeps `\{` `\}` `\\` escaped (only `\'` is resolved) so that the runtime's
    /// `format` can tell an escaped brace from a `{}` placeholder.
    Literal(Value),
    /// A path on the input (`$…`), the context object (`$$…`) or a variable (`$name…`), as written
    /// (surrounding whitespace trimmed); `offset` is the byte offset of its `$` in the text.
    Path { text: String, offset: usize },
    /// A nested call.
    Call(Box<Call>),
}

/// Why an intrinsic expression was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrinsicError {
    /// Byte offset in the parsed text of the culprit.
    pub offset: usize,
    /// What is wrong, in plain English, naming the function.
    pub message: String,
    /// A suggestion, e.g. `did you mean 'States.Format'?`.
    pub help: Option<String>,
}

impl IntrinsicError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        IntrinsicError { offset, message: message.into(), help: None }
    }

    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)?;
        if let Some(help) = &self.help {
            write!(f, "; help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for IntrinsicError {}

/// Parse and check one intrinsic expression; whitespace around the call is allowed.
pub fn parse_intrinsic(text: &str) -> Result<Call, IntrinsicError> {
    parser::Parser::new(text).parse_expression()
}

#[cfg(test)]
mod tests;
