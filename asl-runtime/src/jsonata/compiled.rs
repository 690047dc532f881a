//! What an expression the compiler wrote as Rust (`asl_codegen::emit::jsonata_native`) calls:
//! the evaluator's rules for paths, predicates, object and array constructors, operators and
//! calls of built-ins, taking the parts of the expression as closures instead of tree nodes.
//! Each function here is the evaluator's code for one node kind with the node's children
//! already compiled, or calls the evaluator's own helper, so both ways of running an expression
//! give the same values and the same errors (`tests/tests/jsonata_native.rs` runs JSONata's
//! suite both ways).
//!
//! Where the evaluator builds a `Vec` of inputs at every path step, [`Seq`] borrows what exists
//! already (the one input, an array of the document, an array evaluation built).
//!
//! Native code counts no depth and reads no clock: it has no recursion and no loop but over the
//! data, and its nesting is bounded by the parser's.

use std::rc::Rc;
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde_json::Value as Json;

use super::error::{Error, Result};
use super::eval::{self, ops, path, Eval};
use super::functions;
use super::value::Native;
use super::tree::BinaryOp;
use super::value::{Array, ArrayKind, Env, Str, Value};

/// A sequence of one value is that value; an empty one is undefined: what the evaluator does
/// to the value of every node.
#[inline]
pub fn unwrap(v: Value<'_>) -> Value<'_> {
    eval::unwrap_sequence(v)
}

/// A path written with `[]`: a single result stays an array.
pub fn keep_singleton(v: Value<'_>) -> Value<'_> {
    eval::keep_singleton(v)
}

/// `[]` after an expression that is not a path.
pub fn keep_sequence(v: Value<'_>) -> Value<'_> {
    eval::keep_sequence(v)
}

/// The values a path step runs on, in order: the evaluator's `Vec` of inputs.
pub enum Seq<'a> {
    One(Value<'a>),
    /// The members of an array of the input.
    Json(&'a [Json]),
    /// The members of an array evaluation built.
    Built(Rc<Array<'a>>),
    Many(Vec<Value<'a>>),
}

impl<'a> Seq<'a> {
    /// A path's first inputs: the members of an array context (unless the path starts at a
    /// variable, `$` or `$$`), else the context.
    pub fn start(input: &Value<'a>, first_is_variable: bool) -> Seq<'a> {
        match input {
            Value::JsonArray(a) if !first_is_variable => Seq::Json(a),
            Value::Array(a) if !first_is_variable => Seq::Built(a.clone()),
            v => Seq::One(v.clone()),
        }
    }

        /// The members of an array value (the inputs after a path's first step when that is an
    /// array constructor), else the value.
    pub fn members_of(v: Value<'a>) -> Seq<'a> {
        match v {
            Value::JsonArray(a) => Seq::Json(a),
            Value::Array(a) => Seq::Built(a),
            v => Seq::One(v),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Seq::One(_) => 1,
            Seq::Json(a) => a.len(),
            Seq::Built(a) => a.items.len(),
            Seq::Many(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn for_each(&self, mut f: impl FnMut(&Value<'a>) -> Result<()>) -> Result<()> {
        match self {
            Seq::One(v) => f(v),
            Seq::Json(a) => a.iter().try_for_each(|j| f(&Value::from_json(j))),
            Seq::Built(a) => a.items.iter().try_for_each(f),
            Seq::Many(v) => v.iter().try_for_each(f),
        }
    }

    fn to_vec(&self) -> Vec<Value<'a>> {
        let mut out = Vec::with_capacity(self.len());
        let _ = self.for_each(|v| {
            out.push(v.clone());
            Ok(())
        });
        out
    }
}

/// The context of a path's first step when that step is an array constructor: all the inputs
/// at once, as one sequence.
pub fn whole<'a>(inputs: &Seq<'a>) -> Value<'a> {
    match inputs {
        Seq::One(v) => unwrap(Value::array(vec![v.clone()], ArrayKind::SEQUENCE)),
        s => unwrap(Value::array(s.to_vec(), ArrayKind::SEQUENCE)),
    }
}

/// Whether a step's result ends its path: undefined, or a sequence of nothing.
pub fn is_nothing(r: &Value<'_>) -> bool {
    path::ends_path(r)
}

/// A step before the last: `f` over every input, array results spliced in (except arrays made
/// by a constructor). An empty result ends the path.
pub fn step<'a>(inputs: &Seq<'a>, mut f: impl FnMut(&Value<'a>) -> Result<Value<'a>>) -> Result<Seq<'a>> {
    if let Seq::One(x) = inputs {
        let v = f(x)?;
        return Ok(match v.array_kind() {
            None if v.is_undefined() => Seq::Many(Vec::new()),
            Some(kind) if !kind.constructed => Seq::members_of(v),
            _ => Seq::One(v),
        });
    }
    let mut out = Vec::with_capacity(inputs.len());
    inputs.for_each(|x| {
        let v = f(x)?;
        if !v.is_undefined() {
            path::splice(&mut out, v);
        }
        Ok(())
    })?;
    Ok(Seq::Many(out))
}

/// The last step of a path, as the evaluator returns the path's value before `[]` and a
/// grouping: a single array result that is not a sequence is that array; otherwise the results
/// spliced into a sequence; nothing is undefined.
pub fn last_step_raw<'a>(inputs: &Seq<'a>, mut f: impl FnMut(&Value<'a>) -> Result<Value<'a>>) -> Result<Value<'a>> {
    let mut results = Vec::with_capacity(inputs.len());
    inputs.for_each(|x| {
        let v = f(x)?;
        if !v.is_undefined() {
            results.push(v);
        }
        Ok(())
    })?;
    Ok(path::step_value(results, true))
}

/// The last step of a path with neither `[]` nor a grouping: [`last_step_raw`] as the
/// evaluator hands it on (a sequence of one is its member). On one input, what
/// `unwrap(step_value(vec![v], true))` gives, without building the sequence.
pub fn last_step<'a>(inputs: &Seq<'a>, mut f: impl FnMut(&Value<'a>) -> Result<Value<'a>>) -> Result<Value<'a>> {
    let Seq::One(x) = inputs else { return Ok(unwrap(last_step_raw(inputs, f)?)) };
    let v = f(x)?;
    Ok(match v.array_kind() {
        Some(kind) if kind.sequence && !kind.constructed => {
            if kind == ArrayKind::SEQUENCE && v.len() >= 2 {
                v
            } else {
                unwrap(Value::array(v.members().collect(), ArrayKind::SEQUENCE))
            }
        }
        // Undefined, a single value, an array that is not a sequence, a constructed one.
        _ => v,
    })
}

/// `[predicate]` (not a number literal) over a value: the members it selects, as a sequence.
pub fn filter<'a>(input: Value<'a>, predicate: impl FnMut(&Value<'a>) -> Result<Value<'a>>) -> Result<Value<'a>> {
    path::select(input, predicate)
}

/// `[n]` with a number literal: the member at position `n` (negative from the end).
pub fn pick(input: Value<'_>, n: f64) -> Value<'_> {
    path::pick(input, n)
}

/// `{k: v, …}` whose keys are distinct string literals, over a context: every member goes
/// into every group, so each value runs once, on the one context of them all.
pub fn object<'a>(
    input: &Value<'a>,
    keys: &'static [&'static str],
    mut value: impl FnMut(usize, &Value<'a>) -> Result<Value<'a>>,
) -> Result<Value<'a>> {
    let context = match input {
        // The evaluator's answer for one value, without its detour through a `Vec`.
        v if !v.is_array() => v.clone(),
        v => path::group_context(path::group_items(v.clone())),
    };
    let mut object = IndexMap::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let v = value(i, &context)?;
        if !v.is_undefined() {
            object.insert(Str::Borrowed(key), v);
        }
    }
    Ok(Value::Object(Rc::new(object)))
}

/// `{k: v, …}` over a value, any keys: members are grouped by the string each key expression
/// gives, and each value expression runs once per group, on the group's members.
pub fn group<'a>(
    input: Value<'a>,
    pairs: usize,
    mut key: impl FnMut(usize, &Value<'a>) -> Result<Value<'a>>,
    mut value: impl FnMut(usize, &Value<'a>) -> Result<Value<'a>>,
) -> Result<Value<'a>> {
    let groups = path::group_by(path::group_items(input), pairs, |_| (), |item, _, index| key(index, item))?;
    let mut object = IndexMap::with_capacity(groups.len());
    for (k, (index, members)) in groups {
        let v = value(index, &path::group_context(members))?;
        if !v.is_undefined() {
            object.insert(k, v);
        }
    }
    Ok(Value::Object(Rc::new(object)))
}

/// A member of `[a, b, …]` not itself written as `[…]`: nothing if undefined, an array's
/// members spliced in.
pub fn push_item<'a>(out: &mut Vec<Value<'a>>, v: Value<'a>) {
    eval::push_member(out, false, v)
}

/// A member of `[a, b, …]` written as `[…]`: kept whole.
pub fn push_array<'a>(out: &mut Vec<Value<'a>>, v: Value<'a>) {
    eval::push_member(out, true, v)
}

/// The array `[a, b, …]` makes.
pub fn constructed(items: Vec<Value<'_>>) -> Value<'_> {
    eval::array_of(items)
}

/// An array constructor as the last step of a path (no predicates): the path keeps it whole.
pub fn mark_constructed(v: Value<'_>) -> Value<'_> {
    path::mark_constructed(v)
}

/// Objects of up to this many fields are searched in order rather than through their hash
/// index: comparing a few keys costs less than hashing the name (a quarter of the time of
/// `$states.input.items[…].{…}` went to SipHash).
const SCAN_FIELDS: usize = 16;

/// `name` as a path step: the evaluator's `path::field`.
pub fn field<'a>(input: &Value<'a>, name: &str) -> Value<'a> {
    match input {
        // The evaluator's answer for a single object, without its detour through arrays.
        Value::JsonObject(o) if o.len() <= SCAN_FIELDS => {
            o.iter().find(|(k, _)| k.as_str() == name).map_or(Value::Undefined, |(_, v)| Value::from_json(v))
        }
        Value::JsonObject(o) => o.get(name).map_or(Value::Undefined, Value::from_json),
        v => unwrap(path::field(v, name)),
    }
}

pub fn wildcard<'a>(input: &Value<'a>) -> Value<'a> {
    unwrap(path::wildcard(input))
}

pub fn descendants<'a>(input: &Value<'a>) -> Value<'a> {
    unwrap(path::descendants(input))
}

/// `$name`: a variable in scope, else the built-in function of that name.
pub fn variable<'a>(env: &Env<'a>, name: &str) -> Value<'a> {
    unwrap(eval::variable(env, name))
}

/// `$name` as predicates after it see it: a sequence of one not unwrapped.
pub fn variable_raw<'a>(env: &Env<'a>, name: &str) -> Value<'a> {
    eval::variable(env, name)
}

/// `$$`.
pub fn root<'a>(ev: &Eval<'a>) -> Value<'a> {
    ev.root.clone()
}

/// `-x`.
pub fn negate(v: Value<'_>) -> Result<Value<'_>> {
    eval::negate(v)
}

/// `+ - * / %`.
#[inline]
pub fn arithmetic<'a>(op: BinaryOp, l: &Value<'a>, r: &Value<'a>) -> Result<Value<'a>> {
    ops::arithmetic(op, l, r)
}

/// `< <= > >=`.
pub fn compare<'a>(op: BinaryOp, l: &Value<'a>, r: &Value<'a>) -> Result<Value<'a>> {
    ops::compare(op, l, r)
}

/// `=`, or `!=` when `negated`.
pub fn equal<'a>(l: &Value<'a>, r: &Value<'a>, negated: bool) -> Value<'a> {
    ops::equal(l, r, negated)
}

/// `l in r`.
pub fn is_in<'a>(l: &Value<'a>, r: &Value<'a>) -> Value<'a> {
    Value::Bool(ops::includes(r, l))
}

/// `l..r`.
pub fn range<'a>(l: &Value<'a>, r: &Value<'a>) -> Result<Value<'a>> {
    Ok(unwrap(ops::range(l, r)?))
}

/// One operand of a chain of `&`, appended to the text so far.
pub fn concat(out: &mut String, v: &Value<'_>) -> Result<()> {
    match v {
        Value::Undefined => {}
        Value::String(s) => out.push_str(s.as_str()),
        v => out.push_str(&ops::concat_part(v)?),
    }
    Ok(())
}

/// A call of `$name(…)` where `name` is a built-in's: looked up once, then called directly
/// unless a variable of that name hides it.
pub struct Builtin {
    name: &'static str,
    native: OnceLock<Option<&'static Native>>,
}

/// What a call calls.
pub enum Callee<'a> {
    Native(&'static Native),
    Value(Value<'a>),
}

impl Builtin {
    pub const fn new(name: &'static str) -> Builtin {
        Builtin { name, native: OnceLock::new() }
    }

    /// `$name` as the call evaluates it, before its arguments.
    pub fn callee<'a>(&self, env: &Env<'a>) -> Callee<'a> {
        if let Some(v) = env.lookup(self.name) {
            return Callee::Value(unwrap(v));
        }
        match self.native.get_or_init(|| functions::lookup(self.name)) {
            Some(native) => Callee::Native(native),
            None => Callee::Value(Value::Undefined),
        }
    }
}

/// Calls `callee` with `args`; `input` is the context a left-out argument stands for.
pub fn call<'a>(ev: &Eval<'a>, callee: Callee<'a>, args: Vec<Value<'a>>, input: &Value<'a>) -> Result<Value<'a>> {
    Ok(unwrap(call_raw(ev, callee, args, input)?))
}

/// [`call`] as predicates after it see its value: a sequence of one not unwrapped.
pub fn call_raw<'a>(ev: &Eval<'a>, callee: Callee<'a>, args: Vec<Value<'a>>, input: &Value<'a>) -> Result<Value<'a>> {
    match callee {
        // Built-ins never hand back a tail call, so `apply`'s loop has nothing to run.
        Callee::Native(native) => eval::call_native(ev, native, args, input),
        Callee::Value(Value::Function(f)) => eval::apply(ev, &f, args, input),
        Callee::Value(_) => Err(Error::new("T1006", "Attempted to invoke a non-function")),
    }
}

#[cfg(test)]
#[path = "compiled_tests.rs"]
mod tests;
