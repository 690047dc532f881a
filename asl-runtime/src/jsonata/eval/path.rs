//! Paths: field steps over sequences, predicates, `@`/`#` bindings and `%` (as a stream of
//! tuples), `^(…)` sorting and `{…}` grouping.

use indexmap::IndexMap;

use super::{keep_singleton, Eval};
use crate::jsonata::error::{Error, Result};
use crate::jsonata::tree::{Node, Path, SortTerm, Stage, Step};
use crate::jsonata::value::{ArrayKind, Env, Str, Value};

/// One value of a tuple stream and the variables bound on the way to it.
#[derive(Clone)]
pub(super) struct Tuple<'a> {
    pub(super) context: Value<'a>,
    bindings: Vec<(&'static str, Value<'a>)>,
}

impl<'a> Tuple<'a> {
    fn frame(&self, env: &Env<'a>) -> Env<'a> {
        let frame = env.child();
        for (name, value) in &self.bindings {
            frame.bind(name, value.clone());
        }
        frame
    }

    fn bind(&mut self, name: &'static str, value: Value<'a>) {
        match self.bindings.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.bindings.push((name, value)),
        }
    }
}

/// `name` on a value: the field of an object; over an array, the fields of its members, arrays
/// among them spliced in.
pub(crate) fn field<'a>(input: &Value<'a>, name: &str) -> Value<'a> {
    if input.is_array() {
        let mut out = Vec::new();
        for member in input.members() {
            match field(&member, name) {
                Value::Undefined => {}
                v if v.is_array() => out.extend(v.members()),
                v => out.push(v),
            }
        }
        return Value::array(out, ArrayKind::SEQUENCE);
    }
    input.field(name).unwrap_or_default()
}

/// `*`: the values of every field, arrays flattened.
pub(crate) fn wildcard<'a>(input: &Value<'a>) -> Value<'a> {
    let mut out = Vec::new();
    let mut push = |v: Value<'a>| {
        if v.is_array() {
            flatten_into(&v, &mut out)
        } else {
            out.push(v)
        }
    };
    if input.is_object() {
        input.entries().into_iter().for_each(|(_, v)| push(v));
    } else if input.is_array() {
        input.members().for_each(push);
    }
    Value::array(out, ArrayKind::SEQUENCE)
}

fn flatten_into<'a>(v: &Value<'a>, out: &mut Vec<Value<'a>>) {
    for m in v.members() {
        if m.is_array() {
            flatten_into(&m, out)
        } else {
            out.push(m)
        }
    }
}

/// `**`: the value and everything below it, depth first.
pub(crate) fn descendants<'a>(input: &Value<'a>) -> Value<'a> {
    fn walk<'a>(v: &Value<'a>, out: &mut Vec<Value<'a>>) {
        if v.is_array() {
            v.members().for_each(|m| walk(&m, out));
            return;
        }
        out.push(v.clone());
        if v.is_object() {
            v.entries().iter().for_each(|(_, m)| walk(m, out));
        }
    }
    let mut out = Vec::new();
    if !input.is_undefined() {
        walk(input, &mut out);
    }
    Value::sequence(out)
}

/// An array constructor as a path's first or last step keeps its shape: JSONata's `consarray`.
fn constructs_array(node: &Node) -> bool {
    matches!(node, Node::Array(_))
}

/// An array built by a constructor that ends a path: a step does not splice it in, and `[]`
/// keeps it as one member.
pub(crate) fn mark_constructed(v: Value<'_>) -> Value<'_> {
    match v {
        Value::Array(a) => {
            let kind = ArrayKind { constructed: true, ..a.kind };
            let items = std::rc::Rc::try_unwrap(a).map_or_else(|a| a.items.clone(), |a| a.items);
            Value::array(items, kind)
        }
        v => v,
    }
}

/// A step that makes its path a stream of tuples from here on: it binds a focus, an index or
/// a `%` label, or is an expression that hands up a tuple stream of its own.
fn starts_tuples(step: &Step) -> bool {
    step.focus.is_some()
        || step.index.is_some()
        || step.ancestor.is_some()
        || step.stages.iter().any(|s| matches!(s, Stage::Index(_)))
        || yields_tuples(&step.node)
}

/// An expression a `%` reaches into (JSONata's `tuple` on a block or path): as a step, it
/// hands its tuple stream up, so the labels its steps bind stay visible after it.
pub(super) fn yields_tuples(node: &Node) -> bool {
    match node {
        Node::Path(p) => p.tuple && p.group.is_none(),
        Node::Block(items) => items.last().is_some_and(yields_tuples),
        Node::Filtered(f) => f.group.is_none() && yields_tuples(&f.node),
        _ => false,
    }
}

impl<'a> Eval<'a> {
    pub(super) fn path(&self, path: &'static Path, input: &Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        let (mut result, tuples) = self.walk(path, input, env)?;
        if let Some(ts) = tuples {
            if let Some(pairs) = path.group {
                return self.group_tuples(pairs, ts, env);
            }
            result = Value::array(ts.into_iter().map(|t| t.context).collect(), ArrayKind::SEQUENCE);
        }
        if path.keep_singleton {
            result = keep_singleton(result);
        }
        match path.group {
            Some(pairs) => self.group(pairs, result, None, env),
            None => Ok(result),
        }
    }

    /// An expression that hands a tuple stream up (see [`yields_tuples`]), as that stream;
    /// another expression's values as tuples that bind nothing.
    pub(super) fn tuples_of(&self, node: &'static Node, context: &Value<'a>, env: &Env<'a>) -> Result<Vec<Tuple<'a>>> {
        match node {
            Node::Path(p) if yields_tuples(node) => {
                if let (_, Some(tuples)) = self.walk(p, context, env)? {
                    return Ok(tuples);
                }
            }
            Node::Block(items) if yields_tuples(node) => {
                let scope = env.child();
                let (last, before) = items.split_last().expect("a block that yields tuples has an expression");
                for item in before {
                    self.eval(item, context, &scope)?;
                }
                return self.tuples_of(last, context, &scope);
            }
            Node::Filtered(f) if yields_tuples(node) => {
                let mut tuples = self.tuples_of(&f.node, context, env)?;
                for stage in f.stages {
                    tuples = self.tuple_stage(stage, tuples, env)?;
                }
                return Ok(tuples);
            }
            _ => {}
        }
        let values = match self.eval(node, context, env)? {
            Value::Undefined => Vec::new(),
            v if v.is_array() => v.members().collect(),
            v => vec![v],
        };
        Ok(values.into_iter().map(|context| Tuple { context, bindings: Vec::new() }).collect())
    }

    /// Runs a path's steps: the last step's result, or the tuple stream once a step started one.
    fn walk(&self, path: &'static Path, input: &Value<'a>, env: &Env<'a>) -> Result<(Value<'a>, Option<Vec<Tuple<'a>>>)> {
        let first_is_variable = matches!(path.steps.first(), Some(Step { node: Node::Variable(_) | Node::Context | Node::Root, .. }));
        let mut inputs: Vec<Value<'a>> = match input {
            v if v.is_array() && !first_is_variable => v.members().collect(),
            v => vec![v.clone()],
        };
        let mut result = Value::array(Vec::new(), ArrayKind::SEQUENCE);
        let mut tuples: Option<Vec<Tuple<'a>>> = None;
        for (i, step) in path.steps.iter().enumerate() {
            let first_tuple_step = tuples.is_none() && starts_tuples(step);
            if first_tuple_step {
                tuples = Some(inputs.iter().map(|v| Tuple { context: v.clone(), bindings: Vec::new() }).collect());
            }
            if let Some(ts) = tuples.take() {
                tuples = Some(self.tuple_step(step, ts, env, first_tuple_step)?);
                continue;
            }
            let last = i + 1 == path.steps.len();
            result = if i == 0 && constructs_array(&step.node) {
                // An array constructor that starts a path runs once, on the whole input.
                let whole = Value::array(std::mem::take(&mut inputs), ArrayKind::SEQUENCE);
                let v = self.eval(&step.node, &super::unwrap_sequence(whole), env)?;
                self.stages(step.stages, v, env)?
            } else {
                self.step(step, &inputs, env, last)?
            };
            if ends_path(&result) {
                break;
            }
            // The next step runs on each member of this one's result.
            inputs = match &result {
                v if v.is_array() => v.members().collect(),
                v => vec![v.clone()],
            };
        }
        Ok((result, tuples))
    }

    /// One step over every value of the previous one; array results are spliced into the
    /// sequence, except those of an array constructor that ends the path, and a last step that
    /// gives a single array gives that array.
    fn step(&self, step: &'static Step, inputs: &[Value<'a>], env: &Env<'a>, last: bool) -> Result<Value<'a>> {
        if let Some(terms) = step.sort {
            let sorted = self.sort(terms, inputs.to_vec(), env)?;
            return self.stages(step.stages, Value::array(sorted, ArrayKind::SEQUENCE), env);
        }
        let constructed = last && constructs_array(&step.node) && step.stages.is_empty();
        let mut results = Vec::with_capacity(inputs.len());
        for input in inputs {
            let mut v = self.eval(&step.node, input, env)?;
            for stage in step.stages {
                if let Stage::Filter(p) = stage {
                    v = self.filter(p, v, env)?;
                }
            }
            if !v.is_undefined() {
                results.push(if constructed { mark_constructed(v) } else { v });
            }
        }
        Ok(step_value(results, last))
    }

    pub(super) fn stages(&self, stages: &'static [Stage], mut v: Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        for stage in stages {
            if let Stage::Filter(p) = stage {
                v = self.filter(p, v, env)?;
            }
        }
        Ok(v)
    }

    /// A step of a tuple stream: each tuple's context goes through the step; the bindings
    /// travel along, and the step adds its own.
    /// `first`: the stream starts at this step (JSONata binds a sort step's `#` only then).
    fn tuple_step(&self, step: &'static Step, tuples: Vec<Tuple<'a>>, env: &Env<'a>, first: bool) -> Result<Vec<Tuple<'a>>> {
        let mut out = Vec::new();
        if let Some(terms) = step.sort {
            out = self.sort_tuples(terms, tuples, env)?;
            if let (Some(name), true) = (step.index, first) {
                for (i, t) in out.iter_mut().enumerate() {
                    t.bind(name, Value::Number(i as f64));
                }
            }
        } else if yields_tuples(&step.node) {
            // The step's own tuples join each incoming one, their bindings added to its.
            for tuple in tuples {
                for inner in self.tuples_of(&step.node, &tuple.context, &tuple.frame(env))? {
                    let mut t = tuple.clone();
                    t.context = inner.context;
                    for (name, value) in inner.bindings {
                        t.bind(name, value);
                    }
                    out.push(t);
                }
            }
        } else {
            for tuple in tuples {
                let frame = tuple.frame(env);
                let v = self.eval(&step.node, &tuple.context, &frame)?;
                let results: Vec<Value<'a>> = match v {
                    Value::Undefined => continue,
                    v if v.is_array() => v.members().collect(),
                    v => vec![v],
                };
                for (i, r) in results.into_iter().enumerate() {
                    let mut t = tuple.clone();
                    match step.focus {
                        Some(name) => t.bind(name, r),
                        None => t.context = r,
                    }
                    if let Some(name) = step.index {
                        t.bind(name, Value::Number(i as f64));
                    }
                    if let Some(label) = step.ancestor {
                        t.bind(label, tuple.context.clone());
                    }
                    out.push(t);
                }
            }
        }
        for stage in step.stages {
            out = self.tuple_stage(stage, out, env)?;
        }
        Ok(out)
    }

    fn tuple_stage(&self, stage: &'static Stage, mut tuples: Vec<Tuple<'a>>, env: &Env<'a>) -> Result<Vec<Tuple<'a>>> {
        match stage {
            Stage::Filter(p) => self.filter_tuples(p, tuples, env),
            Stage::Index(name) => {
                for (i, t) in tuples.iter_mut().enumerate() {
                    t.bind(name, Value::Number(i as f64));
                }
                Ok(tuples)
            }
        }
    }

    /// `[predicate]` over a value: a number picks by position (negative from the end), anything
    /// else keeps the members for which it is true (or whose position it names).
    pub(super) fn filter(&self, predicate: &'static Node, input: Value<'a>, env: &Env<'a>) -> Result<Value<'a>> {
        match predicate {
            Node::Number(n) => Ok(pick(input, *n)),
            p => select(input, |item| self.eval(p, item, env)),
        }
    }

    fn filter_tuples(&self, predicate: &'static Node, tuples: Vec<Tuple<'a>>, env: &Env<'a>) -> Result<Vec<Tuple<'a>>> {
        if let Node::Number(n) = predicate {
            let i = position(*n, tuples.len());
            return Ok(i.and_then(|i| tuples.into_iter().nth(i)).into_iter().collect());
        }
        let len = tuples.len();
        let mut out = Vec::new();
        for (i, t) in tuples.into_iter().enumerate() {
            let r = self.eval(predicate, &t.context, &t.frame(env))?;
            if selects(&r, i, len) {
                out.push(t);
            }
        }
        Ok(out)
    }

    /// `{key: value, …}` over a value: members are grouped by the string each key expression
    /// gives, and each value expression runs once per group, on the group's members.
    pub(super) fn group(&self, pairs: &'static [(Node, Node)], input: Value<'a>, _t: Option<()>, env: &Env<'a>) -> Result<Value<'a>> {
        let tuples = group_items(input).into_iter().map(|context| Tuple { context, bindings: Vec::new() }).collect();
        self.group_tuples(pairs, tuples, env)
    }

    fn group_tuples(&self, pairs: &'static [(Node, Node)], tuples: Vec<Tuple<'a>>, env: &Env<'a>) -> Result<Value<'a>> {
        let groups = group_by(tuples, pairs.len(), |t| t.frame(env), |t, frame, index| self.eval(&pairs[index].0, &t.context, frame))?;
        let mut object = IndexMap::with_capacity(groups.len());
        for (key, (index, members)) in groups {
            let (context, frame) = match members.len() {
                1 => {
                    let t = &members[0];
                    (t.context.clone(), t.frame(env))
                }
                _ => {
                    let frame = env.child();
                    let mut merged: Vec<(&'static str, Vec<Value<'a>>)> = Vec::new();
                    for t in &members {
                        for (name, value) in &t.bindings {
                            match merged.iter_mut().find(|(n, _)| n == name) {
                                Some((_, vs)) => vs.push(value.clone()),
                                None => merged.push((name, vec![value.clone()])),
                            }
                        }
                    }
                    for (name, values) in merged {
                        frame.bind(name, appended(values));
                    }
                    let contexts = members.into_iter().map(|t| t.context).collect();
                    (group_context(contexts), frame)
                }
            };
            let v = self.eval(&pairs[index].1, &context, &frame)?;
            if !v.is_undefined() {
                object.insert(key, v);
            }
        }
        Ok(Value::Object(std::rc::Rc::new(object)))
    }

    /// `^(…)`: a stable sort by the terms in turn.
    fn sort(&self, terms: &'static [SortTerm], items: Vec<Value<'a>>, env: &Env<'a>) -> Result<Vec<Value<'a>>> {
        let tuples = items.into_iter().map(|context| Tuple { context, bindings: Vec::new() }).collect();
        Ok(self.sort_tuples(terms, tuples, env)?.into_iter().map(|t| t.context).collect())
    }

    fn sort_tuples(&self, terms: &'static [SortTerm], tuples: Vec<Tuple<'a>>, env: &Env<'a>) -> Result<Vec<Tuple<'a>>> {
        let mut keyed = Vec::with_capacity(tuples.len());
        for t in tuples {
            let frame = t.frame(env);
            let mut keys = Vec::with_capacity(terms.len());
            for term in terms {
                keys.push(self.eval(&term.key, &t.context, &frame)?);
            }
            keyed.push((keys, t));
        }
        let mut failure = None;
        keyed.sort_by(|(a, _), (b, _)| {
            for (i, term) in terms.iter().enumerate() {
                match compare_keys(&a[i], &b[i]) {
                    Ok(std::cmp::Ordering::Equal) => continue,
                    Ok(o) => return if term.descending { o.reverse() } else { o },
                    Err(e) => {
                        failure.get_or_insert(e);
                        return std::cmp::Ordering::Equal;
                    }
                }
            }
            std::cmp::Ordering::Equal
        });
        match failure {
            Some(e) => Err(e),
            None => Ok(keyed.into_iter().map(|(_, t)| t).collect()),
        }
    }
}

/// What a step over several inputs gives, `results` its values on each (none undefined): array
/// results are spliced into one sequence, except those an array constructor made; a last
/// step that gives a single array that is not a sequence gives that array.
pub(crate) fn step_value(mut results: Vec<Value<'_>>, last: bool) -> Value<'_> {
    if last && results.len() == 1 && results[0].is_array() && !results[0].is_sequence() {
        return results.pop().unwrap_or_default();
    }
    let mut out = Vec::with_capacity(results.len());
    for v in results {
        splice(&mut out, v);
    }
    Value::array(out, ArrayKind::SEQUENCE)
}

/// One result of a step added to the sequence of results: an array's members, unless an array
/// constructor made it.
#[inline]
pub(crate) fn splice<'a>(out: &mut Vec<Value<'a>>, v: Value<'a>) {
    match v.array_kind() {
        Some(kind) if !kind.constructed => out.extend(v.members()),
        _ => out.push(v),
    }
}

/// Whether a step's result ends its path: undefined, or a sequence of nothing.
pub(crate) fn ends_path(r: &Value<'_>) -> bool {
    r.is_undefined() || (r.is_sequence() && r.is_empty())
}

/// What a grouping `{…}` runs on: the members of an array, else the value; when that is
/// nothing, one undefined member, so the keys and values still run once (`{"a": 1}` is an
/// object).
pub(crate) fn group_items(input: Value<'_>) -> Vec<Value<'_>> {
    let mut items: Vec<Value<'_>> = match input {
        Value::Undefined => Vec::new(),
        v if v.is_array() => v.members().collect(),
        v => vec![v],
    };
    if items.is_empty() {
        items.push(Value::Undefined);
    }
    items
}

/// Groups `items` by the string each of `pairs` key expressions gives on each (`key(item,
/// frame, pair)`, the frame made once per item by `frame`): key → (the pair that made it, its
/// members in order). An undefined key leaves the item out of that pair; a key that is not a
/// string is T1003; one key from two pairs is D1009.
pub(crate) fn group_by<'a, T: Clone, F>(
    items: Vec<T>,
    pairs: usize,
    mut frame: impl FnMut(&T) -> F,
    mut key: impl FnMut(&T, &F, usize) -> Result<Value<'a>>,
) -> Result<IndexMap<Str<'a>, (usize, Vec<T>)>> {
    let mut groups: IndexMap<Str<'a>, (usize, Vec<T>)> = IndexMap::new();
    for item in items {
        let frame = frame(&item);
        for index in 0..pairs {
            let k = match key(&item, &frame, index)? {
                Value::Undefined => continue,
                Value::String(s) => s,
                other => return Err(key_not_string(&other)),
            };
            match groups.get_mut(&k) {
                Some((i, _)) if *i != index => {
                    return Err(Error::new("D1009", format!("Multiple key definitions evaluate to same key: {:?}", k.as_str())))
                }
                Some((_, members)) => members.push(item.clone()),
                None => {
                    groups.insert(k, (index, vec![item.clone()]));
                }
            }
        }
    }
    Ok(groups)
}

/// The context a group's value expression runs on: its one member, or all of them
/// [`appended`].
pub(crate) fn group_context(mut contexts: Vec<Value<'_>>) -> Value<'_> {
    match contexts.len() {
        1 => contexts.pop().unwrap_or_default(),
        _ => appended(contexts),
    }
}

/// The members of a group as JSONata collects them, with `$append`: arrays among them are
/// spliced in, undefined ones left out.
pub(crate) fn appended(values: Vec<Value<'_>>) -> Value<'_> {
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        match v {
            Value::Undefined => {}
            v if v.is_array() => out.extend(v.members()),
            v => out.push(v),
        }
    }
    Value::array(out, ArrayKind::SEQUENCE)
}

/// How sort keys order: undefined last, numbers with numbers, strings with strings.
pub(super) fn compare_keys(a: &Value<'_>, b: &Value<'_>) -> Result<std::cmp::Ordering> {
    use std::cmp::Ordering::*;
    match (a, b) {
        (Value::Undefined, Value::Undefined) => Ok(Equal),
        (Value::Undefined, _) => Ok(Greater),
        (_, Value::Undefined) => Ok(Less),
        (Value::Number(x), Value::Number(y)) => Ok(x.partial_cmp(y).unwrap_or(Equal)),
        (Value::String(x), Value::String(y)) => Ok(crate::jsonata::functions::compare_strings(x.as_str(), y.as_str())),
        (Value::Number(_) | Value::String(_), Value::Number(_) | Value::String(_)) => Err(Error::new(
            "T2007",
            format!("Type mismatch when comparing values {a:?} and {b:?} in order-by clause"),
        )),
        _ => Err(Error::new("T2008", "The expressions within an order-by clause must evaluate to numeric or string values")),
    }
}

/// `[n]` with a number literal over a value (its members, or itself as the only one): the
/// member at position `n` (negative from the end); an array member is itself, another is a
/// sequence of one.
pub(crate) fn pick(input: Value<'_>, n: f64) -> Value<'_> {
    let member = match &input {
        Value::Undefined => None,
        v if v.is_array() => position(n, v.len()).and_then(|i| v.member(i)),
        v => position(n, 1).map(|_| v.clone()),
    };
    match member {
        Some(v) if v.is_array() => v,
        Some(v) => Value::array(vec![v], ArrayKind::SEQUENCE),
        None => Value::array(Vec::new(), ArrayKind::SEQUENCE),
    }
}

/// `[predicate]` (not a number literal) over a value (its members, or itself as the only
/// one): the members it selects ([`selects`]), as a sequence.
pub(crate) fn select<'a>(input: Value<'a>, mut predicate: impl FnMut(&Value<'a>) -> Result<Value<'a>>) -> Result<Value<'a>> {
    let mut out = Vec::new();
    match &input {
        Value::Undefined => {}
        Value::JsonArray(a) => {
            for (i, j) in a.iter().enumerate() {
                let item = Value::from_json(j);
                if selects(&predicate(&item)?, i, a.len()) {
                    out.push(item);
                }
            }
        }
        Value::Array(a) => {
            for (i, item) in a.items.iter().enumerate() {
                if selects(&predicate(item)?, i, a.items.len()) {
                    out.push(item.clone());
                }
            }
        }
        v => {
            if selects(&predicate(v)?, 0, 1) {
                out.push(v.clone());
            }
        }
    }
    Ok(Value::array(out, ArrayKind::SEQUENCE))
}

/// A predicate's index `n` into `len` members (negative counts from the end).
pub(crate) fn position(n: f64, len: usize) -> Option<usize> {
    let i = n.floor();
    let i = if i < 0.0 { len as f64 + i } else { i };
    (i >= 0.0 && i < len as f64).then_some(i as usize)
}

/// Whether a predicate's value keeps member `i`: numbers name positions, other values are
/// cast to a boolean.
pub(crate) fn selects(r: &Value<'_>, i: usize, len: usize) -> bool {
    match r {
        Value::Number(n) => position(*n, len) == Some(i),
        v if v.is_array() && v.members().all(|m| matches!(m, Value::Number(_))) => {
            v.members().any(|m| position(m.as_number().unwrap_or(f64::NAN), len) == Some(i))
        }
        v => v.truthy(),
    }
}

pub(crate) fn key_not_string(v: &Value<'_>) -> Error {
    Error::new("T1003", format!("Key in object structure must evaluate to a string; got: {v:?}"))
}
