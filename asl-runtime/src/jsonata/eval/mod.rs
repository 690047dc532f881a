//! The evaluator: walks a [`tree::Node`](super::tree::Node) over a value. Each submodule owns
//! one part of the language: `path` (steps, predicates, tuple bindings, grouping, sorting),
//! `ops` (operators), `call` (function application, lambdas, partial application, tail calls),
//! `transform` (`| … | … |`).

mod call;
pub(crate) mod ops;
pub(crate) mod path;
mod signature;
mod transform;

use std::cell::Cell;

use super::error::{Error, Result};
use super::tree::{Node, Stage};
use super::value::{ArrayKind, Env, Function, Value};

pub(crate) use call::{apply, call_native};

/// How deep evaluation may nest (expressions within expressions, function calls) before it
/// stops with JSONata's stack-overflow error. The Rust stack grows on demand below it.
pub const MAX_DEPTH: usize = 10_000;

/// How many evaluation steps pass between looks at the clock (a power of two).
const CLOCK_EVERY: u32 = 1024;

/// Stack left below which an evaluation step moves to a new stack segment, and that
/// segment's size.
const RED_ZONE: usize = 128 * 1024;
const SEGMENT: usize = 2 * 1024 * 1024;

/// One evaluation: what stays the same while it runs.
pub struct Eval<'a> {
    /// `$$`.
    pub(crate) root: Value<'a>,
    depth: Cell<usize>,
    max_depth: usize,
    /// When evaluation must have ended (an expression can loop for ever through tail calls);
    /// checked every [`CLOCK_EVERY`] steps.
    deadline: Option<std::time::Instant>,
    steps: Cell<u32>,
    /// The instant `$now()` and `$millis()` report, read once.
    now: Cell<Option<f64>>,
}

impl<'a> Eval<'a> {
    pub fn new(root: Value<'a>) -> Eval<'a> {
        Eval { root, depth: Cell::new(0), max_depth: MAX_DEPTH, deadline: None, steps: Cell::new(0), now: Cell::new(None) }
    }

    /// Stops evaluation deeper than `depth` nested expressions.
    pub fn with_max_depth(mut self, depth: usize) -> Eval<'a> {
        self.max_depth = depth;
        self
    }

    /// Stops evaluation that runs longer than `limit` with `U1001`.
    pub fn with_time_limit(mut self, limit: std::time::Duration) -> Eval<'a> {
        self.deadline = std::time::Instant::now().checked_add(limit);
        self
    }

    /// Fixes the instant `$now()` and `$millis()` report (milliseconds since the epoch).
    pub fn at(self, millis: f64) -> Eval<'a> {
        self.now.set(Some(millis));
        self
    }

    pub(crate) fn now_millis(&self) -> f64 {
        if let Some(t) = self.now.get() {
            return t;
        }
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_millis() as f64);
        self.now.set(Some(t));
        t
    }

    /// Evaluates `node` with `input` as its context. A sequence of one value is that value and
    /// an empty one is undefined, as everywhere in JSONata.
    pub fn eval(&self, node: &'static Node, input: &Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        Ok(unwrap_sequence(self.eval_raw(node, input, env)?))
    }

    /// [`Eval::eval`] without the unwrapping of a sequence, for `[]` after an expression.
    fn eval_raw(&self, node: &'static Node, input: &Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        let depth = self.depth.get() + 1;
        if depth > self.max_depth {
            return Err(Error::new("U1001", "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive."));
        }
        self.check_time()?;
        self.depth.set(depth);
        let result = stacker::maybe_grow(RED_ZONE, SEGMENT, || self.eval_node(node, input, env));
        self.depth.set(depth - 1);
        result
    }

    fn check_time(&self) -> Result<()> {
        let steps = self.steps.get().wrapping_add(1);
        self.steps.set(steps);
        if steps & (CLOCK_EVERY - 1) == 0 && self.deadline.is_some_and(|d| std::time::Instant::now() > d) {
            return Err(Error::new("U1001", "Expression evaluation timeout: Check for infinite loop"));
        }
        Ok(())
    }

    fn eval_node(&self, node: &'static Node, input: &Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        Ok(match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(*n),
            Node::String(s) => Value::String(super::value::Str::Borrowed(s)),
            Node::Regex(r) => Value::function(Function::Regex(r)),
            Node::Name(name) => path::field(input, name),
            Node::Wildcard => path::wildcard(input),
            Node::Descendants => path::descendants(input),
            Node::Parent(label) => env.lookup(label).unwrap_or_default(),
            Node::Context => context(input),
            Node::Root => self.root.clone(),
            Node::Variable(name) => variable(env, name),
            Node::Path(p) => self.path(p, input, env)?,
            Node::Negate(x) => negate(self.eval(x, input, env)?)?,
            Node::Array(items) => self.array(items, input, env)?,
            Node::Object(pairs) => self.group(pairs, input.clone(), None, env)?,
            Node::Binary(op, l, r) => self.binary(*op, l, r, input, env)?,
            Node::Condition(c, then, otherwise) => {
                if self.eval(c, input, env)?.truthy() {
                    self.eval(then, input, env)?
                } else if let Some(o) = otherwise {
                    self.eval(o, input, env)?
                } else {
                    Value::Undefined
                }
            }
            Node::Block(items) => {
                let scope = env.child();
                let mut last = Value::Undefined;
                for item in *items {
                    last = self.eval(item, input, &scope)?;
                }
                last
            }
            Node::Bind(name, value) => {
                let v = self.eval(value, input, env)?;
                env.bind(name, v.clone());
                v
            }
            Node::Call(c) => self.call(c, input, env, None)?,
            Node::Placeholder => Value::Undefined,
            Node::Lambda(l) => Value::function(Function::Lambda(super::value::Closure {
                lambda: l,
                env: env.clone(),
                input: input.clone(),
            })),
            Node::Apply(l, r) => self.apply_operator(l, r, input, env)?,
            Node::Transform(..) => Value::function(Function::Transform { node, env: env.clone() }),
            Node::Filtered(f) if path::yields_tuples(node) => {
                // Predicates that read `%` labels the expression's own steps bind.
                let tuples = self.tuples_of(node, input, env)?;
                let v = Value::array(tuples.into_iter().map(|t| t.context).collect(), ArrayKind::SEQUENCE);
                if f.keep_singleton {
                    keep_sequence(v)
                } else {
                    v
                }
            }
            Node::Filtered(f) => {
                // Predicates, `[]` and a grouping see the value as it was made, a sequence
                // of one not yet unwrapped.
                let mut v = self.eval_raw(&f.node, input, env)?;
                for stage in f.stages {
                    if let Stage::Filter(p) = stage {
                        v = self.filter(p, v, env)?;
                    }
                }
                if f.keep_singleton {
                    v = keep_sequence(v);
                }
                match f.group {
                    Some(pairs) => self.group(pairs, v, None, env)?,
                    None => v,
                }
            }
        })
    }

    /// `[a, b, …]`: members that are arrays are spliced in, except those written as array
    /// constructors themselves.
    fn array(&self, items: &'static [Node], input: &Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            push_member(&mut out, matches!(item, Node::Array(_)), self.eval(item, input, env)?);
        }
        Ok(array_of(out))
    }
}

/// A member of `[a, b, …]`: nothing if undefined; an array's members spliced in, unless the
/// member is written as `[…]` itself (`written_as_array`), which is kept whole.
pub(crate) fn push_member<'a>(out: &mut Vec<Value<'a>>, written_as_array: bool, v: Value<'a>) {
    match v {
        Value::Undefined => {}
        v if v.is_array() && !written_as_array => out.extend(v.members()),
        v => out.push(v),
    }
}

/// The array `[a, b, …]` makes of its members.
pub(crate) fn array_of(items: Vec<Value<'_>>) -> Value<'_> {
    Value::array(items, ArrayKind::PLAIN)
}

/// `-x`.
pub(crate) fn negate(v: Value<'_>) -> Result<Value<'_>> {
    match v {
        Value::Undefined => Ok(Value::Undefined),
        Value::Number(n) if n.is_infinite() => Err(Error::new("D1001", format!("Number out of range: {n}"))),
        Value::Number(n) => Ok(Value::Number(-n)),
        _ => Err(Error::new("D1002", "Cannot negate a non-numeric value")),
    }
}

/// `$`: the context (an array input is wrapped for the paths; `$` is the array itself).
fn context<'a>(input: &Value<'a>) -> Value<'a> {
    unwrap_sequence(input.clone())
}

/// `$name`: a variable in scope, else a built-in function of that name.
pub(crate) fn variable<'a>(env: &Env<'a>, name: &str) -> Value<'a> {
    if let Some(v) = env.lookup(name) {
        return v;
    }
    match super::functions::lookup(name) {
        Some(native) => Value::function(Function::Native(native)),
        None => Value::Undefined,
    }
}

/// A sequence of one value is that value; an empty one is undefined.
pub(crate) fn unwrap_sequence(v: Value<'_>) -> Value<'_> {
    match &v {
        Value::Array(a) if a.kind.sequence => match a.items.len() {
            0 => Value::Undefined,
            1 if !a.kind.keep_singleton => a.items[0].clone(),
            _ => v,
        },
        _ => v,
    }
}

/// A path's result when a step was written with `[]`: stays an array even with one member.
pub(crate) fn keep_singleton(v: Value<'_>) -> Value<'_> {
    let singleton = |v| Value::array(vec![v], ArrayKind { sequence: true, keep_singleton: true, constructed: false });
    match v {
        Value::Undefined => Value::Undefined,
        Value::Array(a) if a.kind.sequence => {
            Value::array(a.items.clone(), ArrayKind { keep_singleton: true, ..a.kind })
        }
        Value::Array(a) if a.kind.constructed => singleton(Value::Array(a)),
        v if v.is_array() => v,
        v => singleton(v),
    }
}

/// `[]` after an expression that is not a path: a sequence keeps a single member as an array.
pub(crate) fn keep_sequence(v: Value<'_>) -> Value<'_> {
    match v {
        Value::Array(a) if a.kind.sequence => {
            Value::array(a.items.clone(), ArrayKind { keep_singleton: true, ..a.kind })
        }
        v => v,
    }
}

#[cfg(test)]
mod tests;
