//! The functions AWS adds to JSONata in Step Functions: `$partition`, `$range`, `$hash`,
//! `$random` (with an optional seed), `$uuid`, `$parse`. Where a `States.*` intrinsic does the
//! same work, it is called, so the two languages agree.

use rand::{Rng, SeedableRng};

use super::Args;
use crate::error::Failure;
use crate::intrinsics;
use crate::jsonata::error::{Error, Result};

use crate::jsonata::value::Caller;
use crate::jsonata::value::Value;

type R<'a> = Result<Value<'a>>;

fn json(v: &Value<'_>) -> serde_json::Value {
    v.to_json().unwrap_or(serde_json::Value::Null)
}

fn failed(f: Failure) -> Error {
    Error::new("D3137", f.cause.unwrap_or_default())
}

/// A JSON result of an intrinsic, as a value that owns its parts.
fn owned<'a>(j: serde_json::Value) -> Value<'a> {
    crate::jsonata::value::from_owned_json(j)
}

pub fn partition<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    intrinsics::array_partition(json(&args.get(0)), json(&args.get(1))).map(owned).map_err(failed)
}

/// `$range(start, end, step)`: a sequence, so one number stands for itself (recorded: AWS
/// answers `$range(1, 9, 9)` with `1`).
pub fn range<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(3)?;
    let items = intrinsics::array_range(json(&args.get(0)), json(&args.get(1)), json(&args.get(2))).map_err(failed)?;
    Ok(super::sequence(owned(items).into_items()))
}

pub fn hash<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    intrinsics::hash(json(&args.get(0)), json(&args.get(1))).map(owned).map_err(failed)
}

/// `$random(seed)`: a number in [0, 1); the same seed gives the same number.
pub fn random<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(Value::Number(match args.number(0)? {
        Some(seed) => rand::rngs::StdRng::seed_from_u64(seed as i64 as u64).gen::<f64>(),
        None => rand::thread_rng().gen::<f64>(),
    }))
}

pub fn uuid<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(0)?;
    intrinsics::uuid(&mut rand::thread_rng()).map(owned).map_err(failed)
}

/// `$parse(text)`: the JSON value the string holds.
pub fn parse<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let Some(text) = args.string_or_context()? else { return Ok(Value::Undefined) };
    let parsed: serde_json::Value = serde_json::from_str(text.as_str().unwrap_or_default())
        .map_err(|e| Error::new("D3137", format!("The string is not valid JSON: {e}")))?;
    Ok(owned(parsed))
}
