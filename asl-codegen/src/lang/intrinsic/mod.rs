//! Intrinsic function expressions (`States.Format('x {}', $.a)`, the value of a `.$` key) parsed
//! and checked at compile time, so that a definition AWS would reject at creation is rejected by
//! the compiler with the place and a hint, and generated code only wires runtime calls together.
//!
//! Owns the grammar, the catalogue of the 18 functions (names, arities, runtime function names)
//! and the create-time checks: unknown names, wrong argument counts, literal arguments of a wrong
//! type or value, nesting deeper than AWS allows. Path arguments are kept as raw text with their
//! offset; the JSONPath module parses them.
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

    /// The function implementing it in `asl_runtime::intrinsics` (but see [`Self::runtime_fn_for`]:
    /// `States.MathRandom` with a seed is `math_random_seeded`).
    ///
    /// Calling convention: arguments in order, each a `serde_json::Value`; functions for which
    /// [`Self::needs_rng_for`] holds take `&mut impl rand::RngCore` first; from the index
    /// [`Self::variadic_from`] on, the arguments go in one `Vec<Value>`.
    pub fn runtime_fn(self) -> &'static str {
        match self {
            Self::Format => "format",
            Self::StringToJson => "string_to_json",
            Self::JsonToString => "json_to_string",
            Self::Array => "array",
            Self::ArrayPartition => "array_partition",
            Self::ArrayContains => "array_contains",
            Self::ArrayRange => "array_range",
            Self::ArrayGetItem => "array_get_item",
            Self::ArrayLength => "array_length",
            Self::ArrayUnique => "array_unique",
            Self::Base64Encode => "base64_encode",
            Self::Base64Decode => "base64_decode",
            Self::Hash => "hash",
            Self::JsonMerge => "json_merge",
            Self::MathRandom => "math_random",
            Self::MathAdd => "math_add",
            Self::StringSplit => "string_split",
            Self::Uuid => "uuid",
        }
    }

    /// The runtime function for a call with `arg_count` arguments.
    pub fn runtime_fn_for(self, arg_count: usize) -> &'static str {
        match (self, arg_count) {
            (Self::MathRandom, 3) => "math_random_seeded",
            _ => self.runtime_fn(),
        }
    }

    /// Whether some call of it draws randomness: `States.UUID` and unseeded `States.MathRandom`.
    pub fn needs_rng(self) -> bool {
        matches!(self, Self::MathRandom | Self::Uuid)
    }

    /// Whether a call with `arg_count` arguments takes the execution's RNG as first parameter.
    pub fn needs_rng_for(self, arg_count: usize) -> bool {
        self.runtime_fn_for(arg_count) != "math_random_seeded" && self.needs_rng()
    }

    /// For the variadic functions, the index of the first argument that the runtime takes in a
    /// `Vec<Value>`: 1 for `States.Format` (after the template), 0 for `States.Array`.
    pub fn variadic_from(self) -> Option<usize> {
        match self {
            Self::Format => Some(1),
            Self::Array => Some(0),
            _ => None,
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
