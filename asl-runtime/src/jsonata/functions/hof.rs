//! Higher-order functions: those that call a function given as an argument.

use std::rc::Rc;

use super::{array, sequence, Args};
use crate::jsonata::error::{Error, Result};

use crate::jsonata::value::Caller;
use crate::jsonata::value::{Function, Object, Value};

type R<'a> = Result<Value<'a>>;

/// Calls `f` with as many of (value, index/key, whole) as it takes.
fn call<'a>(ev: &dyn Caller<'a>, f: &Rc<Function<'a>>, value: Value<'a>, second: Value<'a>, whole: &Value<'a>) -> R<'a> {
    let arity = f.arity().max(1);
    let mut args = vec![value];
    if arity >= 2 {
        args.push(second);
    }
    if arity >= 3 {
        args.push(whole.clone());
    }
    ev.apply(f, args)
}

fn function<'a>(args: &Args<'a>, i: usize) -> Result<Rc<Function<'a>>> {
    args.function(i)?.ok_or_else(|| args.mismatch(i))
}

/// The array argument and the value to hand functions as "the whole array".
fn items<'a>(args: &Args<'a>) -> Option<(Vec<Value<'a>>, Value<'a>)> {
    let items = args.array(0)?;
    let whole = array(items.clone());
    Some((items, whole))
}

pub fn map<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let f = function(&args, 1)?;
    let Some((items, whole)) = items(&args) else { return Ok(Value::Undefined) };
    let mut out = Vec::with_capacity(items.len());
    for (i, m) in items.into_iter().enumerate() {
        let r = call(ev, &f, m, Value::Number(i as f64), &whole)?;
        if !r.is_undefined() {
            out.push(r);
        }
    }
    Ok(Value::array(out, crate::jsonata::value::ArrayKind::SEQUENCE))
}

pub fn filter<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let f = function(&args, 1)?;
    let Some((items, whole)) = items(&args) else { return Ok(Value::Undefined) };
    let mut out = Vec::new();
    for (i, m) in items.into_iter().enumerate() {
        if call(ev, &f, m.clone(), Value::Number(i as f64), &whole)?.truthy() {
            out.push(m);
        }
    }
    Ok(Value::array(out, crate::jsonata::value::ArrayKind::SEQUENCE))
}

/// `$single(array, f)`: the one member `f` accepts; none or several is an error.
pub fn single<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let f = args.function(1)?;
    let Some((items, whole)) = items(&args) else { return Ok(Value::Undefined) };
    let mut found = None;
    for (i, m) in items.into_iter().enumerate() {
        let accepted = match &f {
            Some(f) => call(ev, f, m.clone(), Value::Number(i as f64), &whole)?.truthy(),
            None => true,
        };
        if accepted {
            if found.is_some() {
                return Err(Error::new("D3138", "The $single() function expected exactly 1 matching result.  Instead it matched more."));
            }
            found = Some(m);
        }
    }
    found.ok_or_else(|| Error::new("D3139", "The $single() function expected exactly 1 matching result.  Instead it matched 0."))
}

/// `$reduce(array, f, init)`.
pub fn reduce<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(3)?;
    let f = function(&args, 1)?;
    if f.arity() < 2 {
        return Err(Error::new("D3050", "The second argument of reduce function must be a function with at least two arguments"));
    }
    let Some((items, whole)) = items(&args) else { return Ok(Value::Undefined) };
    let mut members = items.into_iter().enumerate();
    let mut acc = match args.get(2) {
        Value::Undefined => match members.next() {
            Some((_, first)) => first,
            None => return Ok(Value::Undefined),
        },
        init => init,
    };
    for (i, m) in members {
        let mut call_args = vec![acc, m];
        if f.arity() >= 3 {
            call_args.push(Value::Number(i as f64));
        }
        if f.arity() >= 4 {
            call_args.push(whole.clone());
        }
        acc = ev.apply(&f, call_args)?;
    }
    Ok(acc)
}

/// The object and the function of `$sift` and `$each`: with one argument, the object is the
/// context.
fn object_and_function<'a>(args: &Args<'a>) -> Result<(Value<'a>, Rc<Function<'a>>)> {
    args.at_most(2)?;
    Ok(match args.len() {
        1 => (args.context().clone(), function(args, 0)?),
        _ => (args.get(0), function(args, 1)?),
    })
}

/// `$sift(object, f)`: the fields `f(value, key, object)` accepts.
pub fn sift<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    let (object, f) = object_and_function(&args)?;
    if object.is_undefined() {
        return Ok(Value::Undefined);
    }
    let mut out = Object::new();
    for (k, v) in object.entries() {
        if call(ev, &f, v.clone(), Value::String(k.clone()), &object)?.truthy() {
            out.insert(k, v);
        }
    }
    Ok(if out.is_empty() { Value::Undefined } else { Value::Object(Rc::new(out)) })
}

/// `$each(object, f)`: `f(value, key, object)` for every field.
pub fn each<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    let (object, f) = object_and_function(&args)?;
    if object.is_undefined() {
        return Ok(Value::Undefined);
    }
    let mut out = Vec::new();
    for (k, v) in object.entries() {
        let r = call(ev, &f, v, Value::String(k), &object)?;
        if !r.is_undefined() {
            out.push(r);
        }
    }
    Ok(sequence(out))
}

/// `$sort(array, before)`: stable; without a function, numbers or strings in their order.
pub fn sort<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let v = args.get(0);
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    let mut items = args.array(0).unwrap_or_default();
    if items.len() <= 1 {
        return Ok(array(items));
    }
    match args.function(1)? {
        None => {
            if items.iter().all(|m| matches!(m, Value::Number(_))) {
                items.sort_by(|a, b| a.as_number().partial_cmp(&b.as_number()).unwrap_or(std::cmp::Ordering::Equal));
            } else if items.iter().all(|m| matches!(m, Value::String(_))) {
                items.sort_by(|a, b| super::compare_strings(a.as_str().unwrap_or_default(), b.as_str().unwrap_or_default()));
            } else {
                return Err(Error::new("D3070", "The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function"));
            }
            Ok(array(items))
        }
        Some(f) => Ok(array(merge_sort(ev, &f, items)?)),
    }
}

/// A merge sort driven by a JSONata function that says whether its first argument goes after
/// its second (JSONata's own order for equal members).
fn merge_sort<'a>(ev: &dyn Caller<'a>, f: &Rc<Function<'a>>, items: Vec<Value<'a>>) -> Result<Vec<Value<'a>>> {
    if items.len() <= 1 {
        return Ok(items);
    }
    let mut left = items;
    let right = left.split_off(left.len() / 2);
    let left = merge_sort(ev, f, left)?;
    let right = merge_sort(ev, f, right)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        let swap = ev.apply(f, vec![a.clone(), b.clone()])?.truthy();
        out.push(if swap { r.next() } else { l.next() }.unwrap_or_default());
    }
    out.extend(l);
    out.extend(r);
    Ok(out)
}
