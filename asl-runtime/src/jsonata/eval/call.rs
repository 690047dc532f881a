//! Function application: calls, lambdas and their signatures, partial application, and tail
//! calls, which run in [`apply`]'s loop instead of on the Rust stack.

use std::rc::Rc;

use super::{signature, Eval};
use crate::jsonata::error::{Error, Result};
use crate::jsonata::tree::{Call, Node};
use crate::jsonata::value::{Env, Function, Native, Value};

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
            // `substring(?, 0)` for `$substring(?, 0)`: JSONata points at the missing `$`.
            return Err(if forgot_dollar(call, env) {
                Error::new("T1007", format!("Attempted to partially apply a non-function. Did you mean ${}?", call.name))
            } else {
                Error::new("T1008", "Attempted to partially apply a non-function")
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

/// The callee is a field name that names a variable or a built-in when written with `$`.
fn forgot_dollar(call: &'static Call, env: &Env<'_>) -> bool {
    matches!(call.callee, Node::Path(_) | Node::Name(_))
        && (env.lookup(call.name).is_some() || crate::jsonata::functions::lookup(call.name).is_some())
}

fn not_a_function(call: &'static Call, env: &Env<'_>) -> Error {
    // `sum(x)` for `$sum(x)`: JSONata points at the missing `$`.
    if forgot_dollar(call, env) {
        Error::new("T1005", format!("Attempted to invoke a non-function. Did you mean ${}?", call.name))
    } else {
        Error::new("T1006", "Attempted to invoke a non-function")
    }
}

impl<'a> crate::jsonata::value::Caller<'a> for Eval<'a> {
    fn apply(&self, f: &Rc<Function<'a>>, args: Vec<Value<'a>>) -> Result<Value<'a>> {
        apply(self, f, args, &Value::Undefined)
    }

    fn now_millis(&self) -> f64 {
        Eval::now_millis(self)
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

/// A built-in, its arguments checked against its signature first; `input` is the context a
/// left-out argument stands for.
pub(crate) fn call_native<'a>(ev: &Eval<'a>, native: &'static Native, mut args: Vec<Value<'a>>, input: &Value<'a>) -> Result<Value<'a>> {
    let context = super::unwrap_sequence(input.clone());
    if let Some(params) = native.signature {
        args = signature::validate(params, args, &context, native.name)?;
    }
    (native.run)(ev, args, context)
}

fn apply_once<'a>(ev: &Eval<'a>, f: &Rc<Function<'a>>, mut args: Vec<Value<'a>>, input: &Value<'a>) -> Result<Value<'a>> {
    match &**f {
        Function::Native(native) => call_native(ev, native, args, input),
        Function::Lambda(closure) => {
            if let Some(sig) = closure.lambda.signature {
                args = signature::validate(sig.params, args, &super::unwrap_sequence(input.clone()), "")?;
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
