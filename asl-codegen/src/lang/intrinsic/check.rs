//! The create-time checks AWS applies to one intrinsic call: argument count, and literal (or
//! nested-call) arguments of the wrong JSON type, e.g. `States.MathAdd(1, '-1')` (rejected by
//! AWS, see the asl-validator fixture invalid-math-add.json), and `States.JsonMerge(…, true)`.
//! Values within the right type (a hash algorithm, a step of 0, a `{}` count) are left to the
//! runtime: nothing shows AWS rejects them at create time, and a definition AWS accepts must be
//! accepted. Paths are only known at run time, so they always pass here.

use super::{Arg, IntrinsicError, IntrinsicFn};
use serde_json::Value;

/// What one parameter accepts.
#[derive(Clone, Copy, PartialEq)]
enum Param {
    Any,
    Text,
    Number,
    Array,
    Object,
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
        IntrinsicFn::ArrayPartition => (&[Array, Number], None),
        IntrinsicFn::ArrayContains => (&[Array, Any], None),
        IntrinsicFn::ArrayRange => (&[Number, Number, Number], None),
        IntrinsicFn::ArrayGetItem => (&[Array, Number], None),
        IntrinsicFn::ArrayLength | IntrinsicFn::ArrayUnique => (&[Array], None),
        IntrinsicFn::Base64Encode | IntrinsicFn::Base64Decode => (&[Text], None),
        IntrinsicFn::Hash => (&[Text, Text], None),
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
    Ok(())
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
        Param::Text => "string",
        Param::Number => "number",
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

/// Value checks on a literal already known to have the right type.
fn check_literal(func: IntrinsicFn, i: usize, param: Param, value: &Value) -> Result<(), ArgProblem> {
    match param {
        Param::False if value != &Value::Bool(false) => Err((
            format!("{func} supports only shallow merging, so its {} must be false", ordinal(i)),
            None,
        )),
        _ => Ok(()),
    }
}
