//! Function application: calls, lambdas and their signatures, partial application, and tail
//! calls, which run in [`apply`]'s loop instead of on the Rust stack.

use std::rc::Rc;

use super::Eval;
use crate::jsonata::error::{Error, Result};
use crate::jsonata::functions::Args;
use crate::jsonata::tree::{Call, Node, Param, Signature};
use crate::jsonata::value::{Env, Function, Value};

impl<'a> Eval<'a> {
    /// A call; `first` is the left side of `~>`, which goes in before the written arguments.
    pub(super) fn call(&self, call: &'static Call, input: &Value<'a>, env: &Env<'a>, first: Option<Value<'a>>) -> Result<Value<'a>> {
        if call.tail && first.is_none() {
            return Ok(Value::function(Function::Thunk { call, input: input.clone(), env: env.clone() }));
        }
        let callee = self.eval(&call.callee, input, env)?;
        if call.args.iter().any(|a| matches!(a, Node::Placeholder)) {
            return self.partial(call, callee, input, env, first);
        }
        let mut args = Vec::with_capacity(call.args.len() + first.is_some() as usize);
        args.extend(first);
        for a in call.args {
            args.push(self.eval(a, input, env)?);
        }
        match callee {
            Value::Function(f) => apply(self, &f, args, input),
            _ => Err(not_a_function(call, env)),
        }
    }

    /// `$f(?, x)`: a function of the `?` arguments.
    fn partial(&self, call: &'static Call, callee: Value<'a>, input: &Value<'a>, env: &Env<'a>, first: Option<Value<'a>>) -> Result<Value<'a>> {
        let Value::Function(f) = callee else {
            return Err(match &call.callee {
                Node::Path(_) | Node::Name(_) => Error::new("T1008", format!("Attempted to partially apply a non-function. Did you mean ${}?", call.name)),
                _ => Error::new("T1007", "Attempted to partially apply a non-function"),
            });
        };
        let mut bound = Vec::with_capacity(call.args.len() + 1);
        bound.extend(first.map(Some));
        for a in call.args {
            bound.push(match a {
                Node::Placeholder => None,
                a => Some(self.eval(a, input, env)?),
            });
        }
        Ok(Value::function(Function::Partial(f, bound)))
    }
}

fn not_a_function(call: &'static Call, env: &Env<'_>) -> Error {
    // `sum(x)` for `$sum(x)`: JSONata points at the missing `$`.
    let forgot_dollar = matches!(call.callee, Node::Path(_) | Node::Name(_))
        && (env.lookup(call.name).is_some() || crate::jsonata::functions::lookup(call.name).is_some());
    if forgot_dollar {
        Error::new("T1005", format!("Attempted to invoke a non-function. Did you mean ${}?", call.name))
    } else {
        Error::new("T1006", "Attempted to invoke a non-function")
    }
}

/// Applies a function to arguments, then runs the tail calls it hands back until a value
/// comes out.
pub(crate) fn apply<'a>(ev: &Eval<'a>, f: &Rc<Function<'a>>, args: Vec<Value<'a>>, input: &Value<'a>) -> Result<Value<'a>> {
    let mut result = apply_once(ev, f, args, input)?;
    loop {
        let thunk = match &result {
            Value::Function(t) if matches!(**t, Function::Thunk { .. }) => t.clone(),
            _ => return Ok(result),
        };
        let Function::Thunk { call, input: context, env } = &*thunk else { return Ok(result) };
        let callee = ev.eval(&call.callee, context, env)?;
        let mut args = Vec::with_capacity(call.args.len());
        for a in call.args {
            args.push(ev.eval(a, context, env)?);
        }
        result = match callee {
            Value::Function(f) => apply_once(ev, &f, args, input)?,
            _ => return Err(not_a_function(call, env)),
        };
    }
}

fn apply_once<'a>(ev: &Eval<'a>, f: &Rc<Function<'a>>, mut args: Vec<Value<'a>>, input: &Value<'a>) -> Result<Value<'a>> {
    match &**f {
        Function::Native(native) => (native.run)(ev, Args::new(native.name, args, input.clone())),
        Function::Lambda(closure) => {
            if let Some(signature) = closure.lambda.signature {
                args = validate(signature, args, input)?;
            }
            let frame = closure.env.child();
            for (i, param) in closure.lambda.params.iter().enumerate() {
                frame.bind(param, args.get(i).cloned().unwrap_or_default());
            }
            ev.eval(&closure.lambda.body, &closure.input, &frame)
        }
        Function::Partial(g, bound) => {
            let mut given = args.into_iter();
            let filled = bound.iter().map(|b| b.clone().unwrap_or_else(|| given.next().unwrap_or_default())).collect();
            apply_once(ev, g, filled, input)
        }
        Function::Regex(regex) => {
            let text = args.first().and_then(Value::as_str).unwrap_or_default();
            crate::jsonata::functions::regex::first_match(regex, text.to_owned().into(), 0)
        }
        Function::NextMatch { regex, text, from } => crate::jsonata::functions::regex::first_match(regex, text.clone(), *from),
        Function::Transform { node, env } => ev.transform(node, args.into_iter().next().unwrap_or_default(), env),
        Function::Chain(g, h) => {
            let inner = apply(ev, g, args, input)?;
            apply(ev, h, vec![inner], input)
        }
        Function::Thunk { .. } => Ok(Value::Function(f.clone())),
    }
}

/// Checks a lambda's arguments against its signature: fills a left-out `-` argument with the
/// context, wraps a single value where an array is expected.
fn validate<'a>(signature: &Signature, args: Vec<Value<'a>>, context: &Value<'a>) -> Result<Vec<Value<'a>>> {
    let mismatch = |i: usize| Error::new("T0410", format!("Argument {} of function does not match function signature", i + 1));
    let mut out = Vec::with_capacity(signature.params.len());
    let mut given = args.into_iter().peekable();
    let mut index = 0;
    for param in signature.params {
        if param.variadic {
            let mut any = false;
            while let Some(arg) = given.next_if(|a| accepts(param, a)) {
                out.push(coerce(param, arg, index)?);
                index += 1;
                any = true;
            }
            if !any && !param.optional {
                return Err(mismatch(index));
            }
            continue;
        }
        match given.next_if(|a| accepts(param, a)) {
            Some(arg) => {
                out.push(coerce(param, arg, index)?);
                index += 1;
            }
            None if param.context && given.peek().is_none() => {
                if !accepts(param, context) || context.is_undefined() {
                    return Err(Error::new("T0411", format!("Context value is not a compatible type with argument {} of function", index + 1)));
                }
                out.push(coerce(param, context.clone(), index)?);
            }
            None if param.optional => out.push(Value::Undefined),
            None => return Err(mismatch(index)),
        }
    }
    if given.next().is_some() {
        return Err(mismatch(index));
    }
    Ok(out)
}

fn accepts(param: &Param, v: &Value<'_>) -> bool {
    let symbol = match v {
        Value::Undefined => return true,
        Value::Null => 'l',
        Value::Bool(_) => 'b',
        Value::Number(_) => 'n',
        Value::String(_) => 's',
        Value::Function(_) => 'f',
        v if v.is_array() => 'a',
        _ => 'o',
    };
    param.types.chars().any(|t| {
        t == symbol
            || t == 'x'
            || (t == 'j' && symbol != 'f')
            || (t == 'u' && matches!(symbol, 'b' | 'n' | 's' | 'l'))
            // A single value where an array of its type is expected is wrapped.
            || (t == 'a' && symbol != 'f' && param.items.map_or(true, |items| items.contains(symbol) || items == "x"))
    })
}

fn coerce<'a>(param: &Param, v: Value<'a>, index: usize) -> Result<Value<'a>> {
    if !param.types.contains('a') || v.is_undefined() {
        return Ok(v);
    }
    let v = if v.is_array() { v } else { Value::array(vec![v], crate::jsonata::value::ArrayKind::PLAIN) };
    if let Some(items) = param.items {
        let ok = |m: Value<'_>| {
            let p = Param { types: items, items: None, optional: false, variadic: false, context: false };
            !m.is_array() && accepts(&p, &m)
        };
        if !v.members().all(ok) {
            return Err(Error::new("T0412", format!("Argument {} of function must be an array of {items}", index + 1)));
        }
    }
    Ok(v)
}
