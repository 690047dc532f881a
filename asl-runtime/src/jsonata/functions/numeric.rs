//! Numeric and aggregation functions.

use super::Args;
use crate::jsonata::error::{Error, Result};

use crate::jsonata::text::number as text;
use crate::jsonata::value::Caller;
use crate::jsonata::value::Value;

type R<'a> = Result<Value<'a>>;

pub fn sum<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(args.numbers(0)?.map_or(Value::Undefined, |ns| Value::Number(ns.iter().sum())))
}

pub fn max<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(match args.numbers(0)? {
        Some(ns) if !ns.is_empty() => Value::Number(ns.into_iter().fold(f64::NEG_INFINITY, f64::max)),
        _ => Value::Undefined,
    })
}

pub fn min<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(match args.numbers(0)? {
        Some(ns) if !ns.is_empty() => Value::Number(ns.into_iter().fold(f64::INFINITY, f64::min)),
        _ => Value::Undefined,
    })
}

pub fn average<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(match args.numbers(0)? {
        Some(ns) if !ns.is_empty() => Value::Number(ns.iter().sum::<f64>() / ns.len() as f64),
        _ => Value::Undefined,
    })
}

/// `$number(arg)`: numbers as they are, numeric strings read, booleans as 1 and 0.
pub fn number<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let v = args.or_context(0);
    let cannot = |v: &Value<'_>| Error::new("D3030", format!("Unable to cast value to a number: {v:?}"));
    Ok(match &v {
        Value::Undefined => Value::Undefined,
        Value::Number(_) => v,
        Value::Bool(b) => Value::Number(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => match text::parse_number(s.as_str()) {
            Some(n) if n.is_finite() => Value::Number(n),
            _ => return Err(cannot(&v)),
        },
        Value::Null => return Err(cannot(&v)),
        _ if args.is_empty() => return Err(cannot(&v)),
        _ => return Err(args.mismatch(0)),
    })
}

fn unary<'a>(args: &Args<'a>, f: impl Fn(f64) -> f64) -> R<'a> {
    args.at_most(1)?;
    let n = match args.or_context(0) {
        Value::Undefined => return Ok(Value::Undefined),
        Value::Number(n) => n,
        _ => return Err(args.mismatch(0)),
    };
    Ok(Value::Number(f(n)))
}

pub fn floor<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    unary(&args, f64::floor)
}

pub fn ceil<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    unary(&args, f64::ceil)
}

pub fn abs<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    unary(&args, f64::abs)
}

pub fn sqrt<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    if args.number(0)?.is_some_and(|n| n < 0.0) {
        return Err(Error::new("D3060", "The sqrt function cannot be applied to a negative number"));
    }
    unary(&args, f64::sqrt)
}

pub fn power<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(base) = args.number(0)? else { return Ok(Value::Undefined) };
    let exponent = args.number(1)?.ok_or_else(|| args.mismatch(1))?;
    let n = base.powf(exponent);
    if !n.is_finite() {
        return Err(Error::new("D3061", format!("The power function has resulted in a value that cannot be represented as a JSON number: base={base}, exponent={exponent}")));
    }
    Ok(Value::Number(n))
}

/// `$round(number, precision)`: halves to even.
pub fn round<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(n) = args.number(0)? else { return Ok(Value::Undefined) };
    let precision = args.number(1)?.unwrap_or(0.0);
    Ok(Value::Number(text::round(n, precision as i32)))
}
