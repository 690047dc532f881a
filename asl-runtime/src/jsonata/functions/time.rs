//! Date and time: `$now`, `$millis`, `$fromMillis`, `$toMillis`. One evaluation sees one
//! instant, as JSONata promises.

use super::Args;
use crate::jsonata::error::Result;

use crate::jsonata::format::datetime;
use crate::jsonata::value::Caller;
use crate::jsonata::value::Value;

type R<'a> = Result<Value<'a>>;

fn optional_text<'a>(args: &Args<'a>, i: usize) -> Result<Option<String>> {
    Ok(args.string(i)?.map(|s| s.as_str().unwrap_or_default().to_owned()))
}

pub fn millis<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(0)?;
    Ok(Value::Number(ev.now_millis()))
}

/// `$now(picture, timezone)`.
pub fn now<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let picture = optional_text(&args, 0)?;
    let zone = optional_text(&args, 1)?;
    Ok(Value::string(datetime::from_millis(ev.now_millis(), picture.as_deref(), zone.as_deref())?))
}

/// `$fromMillis(number, picture, timezone)`.
pub fn from_millis<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(3)?;
    let Some(n) = args.number(0)? else { return Ok(Value::Undefined) };
    let picture = optional_text(&args, 1)?;
    let zone = optional_text(&args, 2)?;
    Ok(Value::string(datetime::from_millis(n, picture.as_deref(), zone.as_deref())?))
}

/// `$toMillis(timestamp, picture)`.
pub fn to_millis<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(s) = args.string_or_context()? else { return Ok(Value::Undefined) };
    let picture = optional_text(&args, 1)?;
    Ok(datetime::to_millis_at(s.as_str().unwrap_or_default(), picture.as_deref(), ev.now_millis() as i64)?.map_or(Value::Undefined, Value::Number))
}
