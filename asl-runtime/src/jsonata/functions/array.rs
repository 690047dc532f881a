//! Array functions.

use rand::seq::SliceRandom;

use super::{array, Args};
use crate::jsonata::error::Result;

use crate::jsonata::value::Caller;
use crate::jsonata::value::Value;

type R<'a> = Result<Value<'a>>;

pub fn count<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(Value::Number(args.array(0).map_or(0, |a| a.len()) as f64))
}

/// `$append(a, b)`: both as arrays, joined; an undefined side gives the other.
pub fn append<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    match (args.get(0), args.get(1)) {
        (Value::Undefined, b) => Ok(b),
        (a, Value::Undefined) => Ok(a),
        _ => {
            let mut a = args.array(0).unwrap_or_default();
            a.extend(args.array(1).unwrap_or_default());
            Ok(array(a))
        }
    }
}

pub fn reverse<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(args.array(0).map_or(Value::Undefined, |mut a| {
        a.reverse();
        array(a)
    }))
}

pub fn shuffle<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(args.array(0).map_or(Value::Undefined, |mut a| {
        a.shuffle(&mut rand::thread_rng());
        array(a)
    }))
}

/// `$distinct(array)`: the first of each set of deeply equal members.
pub fn distinct<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let v = args.get(0);
    if !v.is_array() {
        return Ok(v);
    }
    let mut out: Vec<Value<'a>> = Vec::new();
    for m in v.members() {
        if !out.iter().any(|o| o.deep_equals(&m)) {
            out.push(m);
        }
    }
    Ok(array(out))
}

/// `$zip(a, b, …)`: arrays of the members at each position, as long as the shortest.
pub fn zip<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    let arrays: Vec<Vec<Value<'a>>> = (0..args.len()).map(|i| args.array(i).unwrap_or_default()).collect();
    let shortest = arrays.iter().map(Vec::len).min().unwrap_or(0);
    Ok(array((0..shortest).map(|i| array(arrays.iter().map(|a| a[i].clone()).collect())).collect()))
}
