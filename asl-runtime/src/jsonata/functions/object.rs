//! Object, boolean and type functions.

use std::rc::Rc;

use super::{sequence, Args};
use crate::jsonata::error::{Error, Result};

use crate::jsonata::value::Caller;
use crate::jsonata::value::{Object, Value};

type R<'a> = Result<Value<'a>>;

pub fn boolean<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(match args.or_context(0) {
        Value::Undefined => Value::Undefined,
        v => Value::Bool(v.truthy()),
    })
}

pub fn not<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(match args.or_context(0) {
        Value::Undefined => Value::Undefined,
        v => Value::Bool(!v.truthy()),
    })
}

pub fn exists<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    if args.len() != 1 {
        return Err(args.mismatch(args.len().min(1)));
    }
    Ok(Value::Bool(!args.get(0).is_undefined()))
}

pub fn type_of<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(args.get(0).type_name().map_or(Value::Undefined, Value::string))
}

/// `$keys(object)`: its keys; of an array of objects, every key once.
pub fn keys<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let v = args.or_context(0);
    let mut keys: Vec<Value<'a>> = Vec::new();
    let objects: Vec<Value<'a>> = if v.is_array() { v.members().collect() } else { vec![v] };
    for o in objects {
        for (k, _) in o.entries() {
            if !keys.iter().any(|x| x.as_str() == Some(k.as_str())) {
                keys.push(Value::String(k));
            }
        }
    }
    Ok(sequence(keys))
}

/// `$lookup(object, key)`: over an array, the key of every member.
pub fn lookup<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let key = args.string(1)?.ok_or_else(|| args.mismatch(1))?;
    let key = key.as_str().unwrap_or_default();
    let v = args.get(0);
    if v.is_array() {
        let mut out = Vec::new();
        for m in v.members() {
            match m.field(key) {
                Some(x) if x.is_array() => out.extend(x.members()),
                Some(x) => out.push(x),
                None => {}
            }
        }
        return Ok(sequence(out));
    }
    Ok(v.field(key).unwrap_or_default())
}

/// `$spread(object)`: an array of one-field objects.
pub fn spread<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let v = args.or_context(0);
    let objects: Vec<Value<'a>> = if v.is_array() { v.members().collect() } else { vec![v] };
    let mut out = Vec::new();
    for o in objects {
        if !o.is_object() {
            out.push(o);
            continue;
        }
        for (k, m) in o.entries() {
            let mut one = Object::new();
            one.insert(k, m);
            out.push(Value::Object(Rc::new(one)));
        }
    }
    Ok(sequence(out))
}

/// `$merge(array of objects)`: later keys win.
pub fn merge<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let Some(objects) = args.array(0) else { return Ok(Value::Undefined) };
    let mut out = Object::new();
    for o in objects {
        if !o.is_object() {
            return Err(args.array_of(0, "object"));
        }
        for (k, m) in o.entries() {
            out.insert(k, m);
        }
    }
    Ok(Value::Object(Rc::new(out)))
}

pub fn error<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let message = match args.string(0)? {
        Some(s) => s.as_str().unwrap_or_default().to_owned(),
        None => "$error() function evaluated".to_owned(),
    };
    Err(Error::new("D3137", message))
}

pub fn assert<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let condition = match args.get(0) {
        Value::Bool(b) => b,
        _ => return Err(args.mismatch(0)),
    };
    if !condition {
        let message = match args.string(1)? {
            Some(s) => s.as_str().unwrap_or_default().to_owned(),
            None => "$assert() statement failed".to_owned(),
        };
        return Err(Error::new("D3141", message));
    }
    Ok(Value::Undefined)
}

/// `$clone(value)`: a copy (the transform operator's first step).
pub fn clone<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    Ok(args.get(0).deep_copy())
}

