//! The create-time checks AWS applies to one intrinsic call: argument count, and literal (or
//! nested-call) arguments of an obviously wrong type or value, e.g. `States.MathAdd(1, '-1')`,
//! `States.Hash($.a, 'SHA-3')`, `States.JsonMerge($.a, $.b, true)`. Paths are only known at run
//! time, so they always pass here and the runtime checks them.

use super::{Arg, IntrinsicError, IntrinsicFn};
use serde_json::Value;

/// What one parameter accepts.
#[derive(Clone, Copy, PartialEq)]
enum Param {
    Any,
    Text,
    /// A string of at most 10,000 characters (Base64Encode, Base64Decode, Hash).
    BoundedText,
    Number,
    /// A number that rounds to an integer > 0 (ArrayPartition's chunk size).
    PositiveInt,
    /// A number that does not round to 0 (ArrayRange's step).
    NonZeroInt,
    /// A non-negative integer (ArrayGetItem's index).
    Index,
    Array,
    Object,
    HashAlgorithm,
    /// The boolean `false` (JsonMerge's deep-merge flag).
    False,
}

/// The parameters of a function, and the type of any further (variadic) arguments.
fn signature(func: IntrinsicFn) -> (&'static [Param], Option<Param>) {
    use Param::*;
    match func {
        IntrinsicFn::Format => (&[Text], Some(Any)),
        IntrinsicFn::StringToJson => (&[Text], None),
        IntrinsicFn::JsonToString => (&[Any], None),
        IntrinsicFn::Array => (&[], Some(Any)),
        IntrinsicFn::ArrayPartition => (&[Array, PositiveInt], None),
        IntrinsicFn::ArrayContains => (&[Array, Any], None),
        IntrinsicFn::ArrayRange => (&[Number, Number, NonZeroInt], None),
        IntrinsicFn::ArrayGetItem => (&[Array, Index], None),
        IntrinsicFn::ArrayLength | IntrinsicFn::ArrayUnique => (&[Array], None),
        IntrinsicFn::Base64Encode | IntrinsicFn::Base64Decode => (&[BoundedText], None),
        IntrinsicFn::Hash => (&[BoundedText, HashAlgorithm], None),
        IntrinsicFn::JsonMerge => (&[Object, Object, False], None),
        IntrinsicFn::MathRandom => (&[Number, Number, Number], None),
        IntrinsicFn::MathAdd => (&[Number, Number], None),
        IntrinsicFn::StringSplit => (&[Text, Text], None),
        IntrinsicFn::Uuid => (&[], None),
    }
}

pub(super) fn arity(func: IntrinsicFn) -> (usize, Option<usize>) {
    let (params, rest) = signature(func);
    // MathRandom's third parameter, the seed, is optional.
    let min = if func == IntrinsicFn::MathRandom { 2 } else { params.len() };
    (min, rest.is_none().then_some(params.len()))
}

/// The JSON type a nested call returns, where it is always the same.
fn returned_type(func: IntrinsicFn) -> Option<&'static str> {
    use IntrinsicFn::*;
    match func {
        Format | JsonToString | Base64Encode | Base64Decode | Hash | Uuid => Some("string"),
        Array | ArrayPartition | ArrayRange | ArrayUnique | StringSplit => Some("array"),
        ArrayLength | MathRandom | MathAdd => Some("number"),
        ArrayContains => Some("boolean"),
        JsonMerge => Some("object"),
        StringToJson | ArrayGetItem => None,
    }
}

pub(super) fn unknown_function(offset: usize, name: &str) -> IntrinsicError {
    let error = IntrinsicError::new(offset, format!("'States.{name}' is not an intrinsic function"));
    let best = IntrinsicFn::ALL
        .into_iter()
        .map(|f| (f, similarity(name, f.name().trim_start_matches("States."))))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match best {
        Some((f, score)) if score >= 0.8 => error.with_help(format!("did you mean '{}'?", f.name())),
        _ => error.with_help(format!(
            "the intrinsic functions are {}",
            IntrinsicFn::ALL.map(IntrinsicFn::name).join(", ")
        )),
    }
}

pub(super) fn check_call(func: IntrinsicFn, offset: usize, args: &[Arg], arg_offsets: &[usize]) -> Result<(), IntrinsicError> {
    check_arity(func, offset, args.len())?;
    let (params, rest) = signature(func);
    for (i, arg) in args.iter().enumerate() {
        let param = params.get(i).copied().or(rest).unwrap_or(Param::Any);
        let at = arg_offsets.get(i).copied().unwrap_or(offset);
        check_arg(func, i, param, arg).map_err(|(message, help)| IntrinsicError { offset: at, message, help })?;
    }
    check_values(func, offset, args, arg_offsets)
}

fn check_arity(func: IntrinsicFn, offset: usize, given: usize) -> Result<(), IntrinsicError> {
    let (min, max) = arity(func);
    if given >= min && given <= max.unwrap_or(usize::MAX) {
        return Ok(());
    }
    let expected = match (min, max) {
        (0, Some(0)) => "no arguments".to_string(),
        (min, None) => format!("at least {}", count(min)),
        (min, Some(max)) if min == max => count(min),
        (min, Some(max)) => format!("{min} or {}", count(max)),
    };
    let given = if given == 1 { "1 was given".to_string() } else { format!("{given} were given") };
    Err(IntrinsicError::new(offset, format!("{func} takes {expected}, but {given}")))
}

fn count(n: usize) -> String {
    if n == 1 { "1 argument".to_string() } else { format!("{n} arguments") }
}

pub(super) fn ordinal(i: usize) -> String {
    match i {
        0 => "first argument".to_string(),
        1 => "second argument".to_string(),
        2 => "third argument".to_string(),
        _ => format!("argument {}", i + 1),
    }
}

type ArgProblem = (String, Option<String>);

fn check_arg(func: IntrinsicFn, i: usize, param: Param, arg: &Arg) -> Result<(), ArgProblem> {
    let wanted = match param {
        Param::Any => return Ok(()),
        Param::Text | Param::BoundedText | Param::HashAlgorithm => "string",
        Param::Number | Param::PositiveInt | Param::NonZeroInt | Param::Index => "number",
        Param::Array => "array",
        Param::Object => "object",
        Param::False => "boolean",
    };
    let (found, literal) = match arg {
        Arg::Path { .. } => return Ok(()),
        Arg::Call(call) => match returned_type(call.func) {
            Some(found) => (found, None),
            None => return Ok(()),
        },
        Arg::Literal(value) => (type_of(value), Some(value)),
    };
    if found != wanted {
        let what = literal.map_or_else(|| format!("a call returning {}", article(found)), describe_literal);
        return Err((format!("{func} expects {} as its {}, but got {what}", article(wanted), ordinal(i)), None));
    }
    match literal {
        Some(value) => check_literal(func, i, param, value),
        None => Ok(()),
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "array" | "object" => format!("an {type_name}"),
        "null" => "null".to_string(),
        _ => format!("a {type_name}"),
    }
}

fn describe_literal(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string '{s}'"),
        Value::Null => "null".to_string(),
        other => format!("the {} {other}", type_of(other)),
    }
}

/// Case-insensitive likeness of two names, 0.0 to 1.0.
fn similarity(a: &str, b: &str) -> f64 {
    strsim::jaro_winkler(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// The most characters AWS accepts in the string argument of Base64Encode, Base64Decode and Hash.
const MAX_STRING_CHARS: usize = 10_000;
const MAX_RANGE_ITEMS: i128 = 1000;
const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// Value checks on a literal already known to have the right type.
fn check_literal(func: IntrinsicFn, i: usize, param: Param, value: &Value) -> Result<(), ArgProblem> {
    let rounded = value.as_f64().and_then(java_round);
    let problem = match param {
        Param::BoundedText => {
            let chars = value.as_str().map_or(0, |s| s.encode_utf16().count());
            (chars > MAX_STRING_CHARS).then(|| format!(
                "{func} accepts at most {MAX_STRING_CHARS} characters in its {}, but this string has {chars}",
                ordinal(i)
            ))
        }
        Param::HashAlgorithm => return check_algorithm(func, value.as_str().unwrap_or("")),
        Param::PositiveInt => (rounded.unwrap_or(0) <= 0)
            .then(|| format!("{func} expects a chunk size of at least 1 as its {}, but got {value}", ordinal(i))),
        Param::NonZeroInt => (rounded.unwrap_or(0) == 0)
            .then(|| format!("{func} expects a step other than 0 as its {}, but got {value}", ordinal(i))),
        Param::Index => (!is_index(value))
            .then(|| format!("{func} expects a non-negative integer index as its {}, but got {value}", ordinal(i))),
        Param::False => (value != &Value::Bool(false)).then(|| {
            format!("{func} supports only shallow merging, so its {} must be false", ordinal(i))
        }),
        _ => None,
    };
    problem.map_or(Ok(()), |message| Err((message, None)))
}

fn check_algorithm(func: IntrinsicFn, algorithm: &str) -> Result<(), ArgProblem> {
    if HASH_ALGORITHMS.contains(&algorithm) {
        return Ok(());
    }
    let message = format!("{func} does not support the hash algorithm '{algorithm}'");
    let best = HASH_ALGORITHMS.into_iter().max_by(|a, b| similarity(algorithm, a).total_cmp(&similarity(algorithm, b)));
    let help = match best {
        Some(best) if similarity(algorithm, best) >= 0.85 => format!("did you mean '{best}'?"),
        _ => format!("the algorithms are {}", HASH_ALGORITHMS.join(", ")),
    };
    Err((message, Some(help)))
}

fn is_index(value: &Value) -> bool {
    value.as_u64().is_some() || value.as_f64().is_some_and(|f| f >= 0.0 && f.fract() == 0.0)
}

/// Java's `Math.round` (halves up), as the runtime rounds number arguments.
fn java_round(x: f64) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let floor = x.floor();
    let rounded = if x - floor >= 0.5 { floor + 1.0 } else { floor };
    (x.is_finite() && (-LIMIT..LIMIT).contains(&rounded)).then_some(rounded as i64)
}

/// Checks that need several literal arguments together.
fn check_values(func: IntrinsicFn, offset: usize, args: &[Arg], arg_offsets: &[usize]) -> Result<(), IntrinsicError> {
    let rounded = |i: usize| match args.get(i) {
        Some(Arg::Literal(value)) => value.as_f64().and_then(java_round),
        _ => None,
    };
    match func {
        IntrinsicFn::Format => match args.first() {
            Some(Arg::Literal(Value::String(template))) => {
                let at = arg_offsets.first().copied().unwrap_or(offset);
                check_placeholders(func, at, template, args.len().saturating_sub(1))
            }
            _ => Ok(()),
        },
        IntrinsicFn::ArrayRange => match (rounded(0), rounded(1), rounded(2)) {
            (Some(first), Some(last), Some(step)) => check_range_size(func, offset, first, last, step),
            _ => Ok(()),
        },
        IntrinsicFn::MathRandom => match (rounded(0), rounded(1)) {
            (Some(start), Some(end)) if start >= end => Err(IntrinsicError::new(offset, format!(
                "{func} needs a start ({start}) less than its end ({end}); the end is exclusive"
            ))),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// AWS documents that a Format template needs exactly one value per `{}`.
fn check_placeholders(func: IntrinsicFn, at: usize, template: &str, values: usize) -> Result<(), IntrinsicError> {
    let placeholders = count_placeholders(template);
    if placeholders == values {
        return Ok(());
    }
    Err(IntrinsicError::new(at, format!(
        "{func} has {placeholders} '{{}}' placeholder(s) in its template but {values} value(s) to fill them"
    ))
    .with_help("write \\\\{ and \\\\} in the JSON text for braces that are not placeholders"))
}

fn check_range_size(func: IntrinsicFn, offset: usize, first: i64, last: i64, step: i64) -> Result<(), IntrinsicError> {
    let distance = last as i128 - first as i128;
    let towards = distance == 0 || (distance < 0) == (step < 0);
    let items = if towards && step != 0 { distance / step as i128 + 1 } else { 0 };
    if items <= MAX_RANGE_ITEMS {
        return Ok(());
    }
    Err(IntrinsicError::new(offset, format!(
        "{func} would create {items} items, more than the limit of {MAX_RANGE_ITEMS}"
    )))
}

/// The `{}` placeholders of a template in intrinsic-escaped form (`\{` `\}` `\\` are escapes).
pub(super) fn count_placeholders(template: &str) -> usize {
    let mut count = 0;
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some('{' | '}' | '\\')) | ('{', Some('}')) => {
                count += usize::from(c == '{');
                chars.next();
            }
            _ => {}
        }
    }
    count
}
