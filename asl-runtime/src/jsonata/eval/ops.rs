//! Operators: arithmetic, comparison, boolean, `&`, `..`, `in`, `??`, `?:`, and `~>`.

use super::Eval;
use crate::jsonata::error::{Error, Result};
use crate::jsonata::functions::{compare_strings, stringify};
use crate::jsonata::tree::{BinaryOp, Node};
use crate::jsonata::value::{ArrayKind, Env, Function, Value};

/// The most members a range may have (JSONata's limit).
const MAX_RANGE: f64 = 10_000_000.0;

impl<'a> Eval<'a> {
    pub(super) fn binary(&self, op: BinaryOp, l: &'static Node, r: &'static Node, input: &Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        use BinaryOp::*;
        // The boolean and defaulting operators do not evaluate their right side when the left
        // decides.
        match op {
            And => {
                let left = self.eval(l, input, env)?.truthy();
                return Ok(Value::Bool(left && self.eval(r, input, env)?.truthy()));
            }
            Or => {
                let left = self.eval(l, input, env)?.truthy();
                return Ok(Value::Bool(left || self.eval(r, input, env)?.truthy()));
            }
            Coalesce => {
                let left = self.eval(l, input, env)?;
                return if left.is_undefined() { self.eval(r, input, env) } else { Ok(left) };
            }
            Default => {
                let left = self.eval(l, input, env)?;
                return if left.truthy() { Ok(left) } else { self.eval(r, input, env) };
            }
            _ => {}
        }
        let left = self.eval(l, input, env)?;
        let right = self.eval(r, input, env)?;
        match op {
            Add | Subtract | Multiply | Divide | Modulo => arithmetic(op, &left, &right),
            Equal => Ok(equal(&left, &right, false)),
            NotEqual => Ok(equal(&left, &right, true)),
            Less | LessOrEqual | Greater | GreaterOrEqual => compare(op, &left, &right),
            Concat => Ok(Value::string(format!("{}{}", concat_part(&left)?, concat_part(&right)?))),
            Range => range(&left, &right),
            In => Ok(Value::Bool(includes(&right, &left))),
            And | Or | Coalesce | Default => unreachable!("handled above"),
        }
    }

    /// `x ~> f`: `f(x)`; with a call on the right, `x` goes in as its first argument; with two
    /// functions, their composition.
    pub(super) fn apply_operator(&self, l: &'static Node, r: &'static Node, input: &Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        let left = self.eval(l, input, env)?;
        // A call on the right takes `x` as its first argument; a partial application (`?`
        // arguments) is a function value like any other, so the two are chained.
        if let Node::Call(call) = r {
            if !call.args.iter().any(|a| matches!(a, Node::Placeholder)) {
                return self.call(call, input, env, Some(left));
            }
        }
        let f = match self.eval(r, input, env)? {
            Value::Function(f) => f,
            _ => return Err(Error::new("T2006", "The right side of the function application operator ~> must be a function")),
        };
        match left {
            Value::Function(g) => Ok(Value::function(Function::Chain(g, f))),
            left => super::apply(self, &f, vec![left], input),
        }
    }
}

/// `=`, or `!=` when `negated`: false when either side is undefined.
pub(crate) fn equal<'a>(left: &Value<'a>, right: &Value<'a>, negated: bool) -> Value<'a> {
    Value::Bool(!left.is_undefined() && !right.is_undefined() && left.deep_equals(right) != negated)
}

/// `needle in haystack`: a member of an array, or the value itself.
pub(crate) fn includes(haystack: &Value<'_>, needle: &Value<'_>) -> bool {
    match haystack {
        r if r.is_array() => r.members().any(|m| same(&m, needle)),
        r => same(r, needle),
    }
}

/// `in` compares like JavaScript's `===`: values of scalars, nothing else.
pub(crate) fn same(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x.as_str() == y.as_str(),
        _ => false,
    }
}

#[inline]
pub(crate) fn arithmetic<'a>(op: BinaryOp, left: &Value<'a>, right: &Value<'a>) -> Result<Value<'a>> {
    // Two finite numbers, the usual case: no check can fail.
    if let (Value::Number(a), Value::Number(b)) = (left, right) {
        if a.is_finite() && b.is_finite() {
            return Ok(Value::Number(apply_arithmetic(op, *a, *b)));
        }
    }
    checked_arithmetic(op, left, right)
}

fn apply_arithmetic(op: BinaryOp, a: f64, b: f64) -> f64 {
    match op {
        BinaryOp::Add => a + b,
        BinaryOp::Subtract => a - b,
        BinaryOp::Multiply => a * b,
        BinaryOp::Divide => a / b,
        _ => a % b,
    }
}

#[inline(never)]
fn checked_arithmetic<'a>(op: BinaryOp, left: &Value<'a>, right: &Value<'a>) -> Result<Value<'a>> {
    let symbol = match op {
        BinaryOp::Add => "+",
        BinaryOp::Subtract => "-",
        BinaryOp::Multiply => "*",
        BinaryOp::Divide => "/",
        _ => "%",
    };
    // An operand out of range (JavaScript's Infinity, from an earlier `1/0`) is D1001; a result
    // out of range is not checked here but where it is used, as JSONata does.
    let number = |v: &Value<'_>, code: &'static str, side: &str| match v {
        Value::Number(n) if n.is_infinite() => Err(Error::new("D1001", format!("Number out of range: {n}"))),
        Value::Undefined => Ok(None),
        Value::Number(n) if !n.is_nan() => Ok(Some(*n)),
        _ => Err(Error::new(code, format!("The {side} side of the \"{symbol}\" operator must evaluate to a number"))),
    };
    let a = number(left, "T2001", "left")?;
    let b = number(right, "T2002", "right")?;
    let (Some(a), Some(b)) = (a, b) else { return Ok(Value::Undefined) };
    Ok(Value::Number(apply_arithmetic(op, a, b)))
}

pub(crate) fn compare<'a>(op: BinaryOp, left: &Value<'a>, right: &Value<'a>) -> Result<Value<'a>> {
    let comparable = |v: &Value<'_>| matches!(v, Value::Undefined | Value::Number(_) | Value::String(_));
    if !comparable(left) || !comparable(right) {
        return Err(Error::new(
            "T2010",
            format!("The expressions either side of operator \"{}\" must evaluate to numbers or strings", symbol(op)),
        ));
    }
    let ordering = match (left, right) {
        (Value::Undefined, _) | (_, Value::Undefined) => return Ok(Value::Undefined),
        (Value::Number(a), Value::Number(b)) => a.partial_cmp(b),
        (Value::String(a), Value::String(b)) => Some(compare_strings(a.as_str(), b.as_str())),
        _ => {
            return Err(Error::new(
                "T2009",
                format!("The values {left:?} and {right:?} either side of operator \"{}\" must be of the same data type", symbol(op)),
            ))
        }
    };
    use std::cmp::Ordering::*;
    Ok(Value::Bool(match (op, ordering) {
        (_, None) => false,
        (BinaryOp::Less, Some(o)) => o == Less,
        (BinaryOp::LessOrEqual, Some(o)) => o != Greater,
        (BinaryOp::Greater, Some(o)) => o == Greater,
        (_, Some(o)) => o != Less,
    }))
}

fn symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Less => "<",
        BinaryOp::LessOrEqual => "<=",
        BinaryOp::Greater => ">",
        _ => ">=",
    }
}

/// One side of `&`: undefined is empty, strings are themselves, other values as `$string`.
pub(crate) fn concat_part(v: &Value<'_>) -> Result<String> {
    Ok(match v {
        Value::Undefined => String::new(),
        Value::String(s) => s.as_str().to_owned(),
        v => stringify(v, false)?,
    })
}

/// `a..b`: the integers from a to b; empty if a > b.
pub(crate) fn range<'a>(left: &Value<'a>, right: &Value<'a>) -> Result<Value<'a>> {
    let integer = |v: &Value<'_>, code: &'static str, side: &str| match v {
        Value::Undefined => Ok(None),
        Value::Number(n) if n.fract() == 0.0 => Ok(Some(*n)),
        _ => Err(Error::new(code, format!("The {side} side of the range operator (..) must evaluate to an integer"))),
    };
    let a = integer(left, "T2003", "left")?;
    let b = integer(right, "T2004", "right")?;
    let (Some(a), Some(b)) = (a, b) else { return Ok(Value::Undefined) };
    if a > b {
        return Ok(Value::Undefined);
    }
    if b - a + 1.0 > MAX_RANGE {
        return Err(Error::new(
            "D2014",
            format!("The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate {}.", b - a + 1.0),
        ));
    }
    let members = (0..(b - a + 1.0) as usize).map(|i| Value::Number(a + i as f64)).collect();
    Ok(Value::array(members, ArrayKind::SEQUENCE))
}
