//! JSONata's values. Parts of the input are read in place (`Json…` variants borrow the
//! `serde_json::Value` the expression runs on), so a path that only navigates copies nothing;
//! what evaluation builds is reference-counted, so a value handed from step to step is not
//! copied either.

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use indexmap::IndexMap;
use serde_json::Value as Json;

use super::tree;

#[derive(Clone, Default)]
pub enum Value<'a> {
    /// No value: a missing field, an empty sequence. Never part of an array or an object.
    #[default]
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(Str<'a>),
    Array(Rc<Array<'a>>),
    Object(Rc<Object<'a>>),
    /// An array of the input, read in place.
    JsonArray(&'a [Json]),
    /// An object of the input, read in place.
    JsonObject(&'a serde_json::Map<String, Json>),
    Function(Rc<Function<'a>>),
}

/// A string, borrowed from the input or the expression, or built.
#[derive(Clone, Debug)]
pub enum Str<'a> {
    Borrowed(&'a str),
    Owned(Rc<str>),
}

impl<'a> Str<'a> {
    pub fn as_str(&self) -> &str {
        match self {
            Str::Borrowed(s) => s,
            Str::Owned(s) => s,
        }
    }
}

impl PartialEq for Str<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str<'_> {}

impl Hash for Str<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl From<String> for Str<'_> {
    fn from(s: String) -> Self {
        Str::Owned(Rc::from(s))
    }
}

/// An array built by evaluation, and what JSONata remembers of how it was made.
pub struct Array<'a> {
    pub items: Vec<Value<'a>>,
    pub kind: ArrayKind,
}

/// How an array came to be, which decides whether a path flattens it and whether a single
/// member stands for the whole.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArrayKind {
    /// A sequence: the results of a path or a function over several values. One member stands
    /// for itself, none is undefined.
    pub sequence: bool,
    /// A sequence written with `[]`: a single member stays an array.
    pub keep_singleton: bool,
    /// Made by an array constructor `[…]`: a path step does not flatten it.
    pub constructed: bool,
}

impl ArrayKind {
    pub const PLAIN: ArrayKind = ArrayKind { sequence: false, keep_singleton: false, constructed: false };
    pub const SEQUENCE: ArrayKind = ArrayKind { sequence: true, keep_singleton: false, constructed: false };
}

pub type Object<'a> = IndexMap<Str<'a>, Value<'a>>;

/// A function value.
pub enum Function<'a> {
    /// A built-in (`$sum`, `$string`, …).
    Native(&'static Native),
    Lambda(Closure<'a>),
    /// A partial application: `None` marks an argument still to be given.
    Partial(Rc<Function<'a>>, Vec<Option<Value<'a>>>),
    /// A regular expression, as a function from a string to its first match.
    Regex(&'static tree::Regex),
    /// The `next` function of a match object: the next match of `regex` in `text` from `from`.
    NextMatch { regex: &'static tree::Regex, text: Str<'a>, from: usize },
    /// `| pattern | update, delete |`, applied to its argument.
    Transform { node: &'static tree::Node, env: Env<'a> },
    /// `f ~> g` with two functions: `g(f(x))`.
    Chain(Rc<Function<'a>>, Rc<Function<'a>>),
    /// A call in tail position of a lambda body, not made yet: the caller's loop makes it, so
    /// tail recursion does not grow the stack.
    Thunk { call: &'static tree::Call, input: Value<'a>, env: Env<'a> },
}

/// A built-in function: its body is in `functions`, which gets the evaluation that calls
/// it as a [`Caller`] (so values know nothing of the evaluator).
pub struct Native {
    pub name: &'static str,
    /// How many arguments it takes, as higher-order functions ask.
    pub arity: usize,
    /// The body: the calling evaluation, the arguments (checked against `signature`), and the
    /// context a left-out argument stands for.
    pub run: NativeFn,
    /// What the call checks the arguments against before `run` sees them (JSONata's
    /// signature); `None` for AWS's additions, which check their own.
    pub signature: Option<&'static [tree::Param]>,
}

pub type NativeFn = for<'a> fn(&dyn Caller<'a>, Vec<Value<'a>>, Value<'a>) -> super::error::Result<Value<'a>>;

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "${}", self.name)
    }
}

/// What a built-in may ask of the evaluation that calls it.
pub trait Caller<'a> {
    /// Applies a function value (a higher-order function's argument) to arguments.
    fn apply(&self, f: &Rc<Function<'a>>, args: Vec<Value<'a>>) -> super::error::Result<Value<'a>>;
    /// The instant the evaluation sees as now (`$now()`, `$millis()`).
    fn now_millis(&self) -> f64;
}

/// A lambda and what it closed over.
pub struct Closure<'a> {
    pub lambda: &'static tree::Lambda,
    pub env: Env<'a>,
    pub input: Value<'a>,
}

impl Function<'_> {
    /// How many arguments the function takes, as `$map` and friends ask to decide what to
    /// pass (value, index, array).
    pub fn arity(&self) -> usize {
        match self {
            Function::Native(n) => n.arity,
            Function::Lambda(c) => c.lambda.params.len(),
            Function::Partial(_, args) => args.iter().filter(|a| a.is_none()).count(),
            Function::Regex(_) | Function::Transform { .. } | Function::Chain(..) => 1,
            Function::NextMatch { .. } | Function::Thunk { .. } => 0,
        }
    }
}

/// Variables in scope: a chain of frames, innermost first. `:=` binds in the innermost.
#[derive(Clone)]
pub struct Env<'a>(Rc<Frame<'a>>);

struct Frame<'a> {
    vars: RefCell<Vec<(&'a str, Value<'a>)>>,
    parent: Option<Env<'a>>,
    /// Where the outermost frame finds the names it does not hold: a workflow's variables.
    outer: Option<Lookup<'a>>,
}

/// Variables from outside the expression, read in place.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<&'a Json>;

impl<'a> Env<'a> {
    pub fn root(vars: Vec<(&'a str, Value<'a>)>) -> Env<'a> {
        Env(Rc::new(Frame { vars: RefCell::new(vars), parent: None, outer: None }))
    }

    /// A root frame that finds names it does not hold through `outer`.
    pub fn with_outer(vars: Vec<(&'a str, Value<'a>)>, outer: Lookup<'a>) -> Env<'a> {
        Env(Rc::new(Frame { vars: RefCell::new(vars), parent: None, outer: Some(outer) }))
    }

    pub fn child(&self) -> Env<'a> {
        Env(Rc::new(Frame { vars: RefCell::new(Vec::new()), parent: Some(self.clone()), outer: None }))
    }

    pub fn bind(&self, name: &'a str, value: Value<'a>) {
        let mut vars = self.0.vars.borrow_mut();
        match vars.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => vars.push((name, value)),
        }
    }

    pub fn lookup(&self, name: &str) -> Option<Value<'a>> {
        let mut frame = self;
        loop {
            if let Some((_, v)) = frame.0.vars.borrow().iter().rev().find(|(n, _)| *n == name) {
                return Some(v.clone());
            }
            match frame.0.parent.as_ref() {
                Some(parent) => frame = parent,
                None => return frame.0.outer.and_then(|outer| outer(name)).map(Value::from_json),
            }
        }
    }
}

impl<'a> Value<'a> {
    /// A copy in which every array and object is built (none read in place), each with its
    /// own identity: what a transform changes.
    pub fn deep_copy(&self) -> Value<'a> {
        match self {
            v if v.is_array() => Value::array(v.members().map(|m| m.deep_copy()).collect(), v.array_kind().unwrap_or_default()),
            v if v.is_object() => {
                Value::Object(Rc::new(v.entries().into_iter().map(|(k, m)| (k, m.deep_copy())).collect()))
            }
            v => v.clone(),
        }
    }

    /// The input as a JSONata value, read in place.
    pub fn from_json(json: &'a Json) -> Value<'a> {
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => Value::String(Str::Borrowed(s)),
            Json::Array(a) => Value::JsonArray(a),
            Json::Object(o) => Value::JsonObject(o),
        }
    }

    pub fn string(s: impl Into<Rc<str>>) -> Value<'a> {
        Value::String(Str::Owned(s.into()))
    }

    pub fn array(items: Vec<Value<'a>>, kind: ArrayKind) -> Value<'a> {
        Value::Array(Rc::new(Array { items, kind }))
    }

    /// The results of evaluating something over several values: none is undefined, one is
    /// itself, more are a sequence.
    pub fn sequence(mut items: Vec<Value<'a>>) -> Value<'a> {
        match items.len() {
            0 => Value::Undefined,
            1 => items.pop().unwrap_or_default(),
            _ => Value::array(items, ArrayKind::SEQUENCE),
        }
    }

    pub fn function(f: Function<'a>) -> Value<'a> {
        Value::Function(Rc::new(f))
    }

    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_) | Value::JsonArray(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_) | Value::JsonObject(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_function(&self) -> Option<&Rc<Function<'a>>> {
        match self {
            Value::Function(f) => Some(f),
            _ => None,
        }
    }

    /// The array's kind; a plain array for one of the input; `None` for other values.
    pub fn array_kind(&self) -> Option<ArrayKind> {
        match self {
            Value::Array(a) => Some(a.kind),
            Value::JsonArray(_) => Some(ArrayKind::PLAIN),
            _ => None,
        }
    }

    pub fn is_sequence(&self) -> bool {
        self.array_kind().is_some_and(|k| k.sequence)
    }

    /// The number of members of an array (0 for other values).
    pub fn len(&self) -> usize {
        match self {
            Value::Array(a) => a.items.len(),
            Value::JsonArray(a) => a.len(),
            _ => 0,
        }
    }

    /// Whether the value is an empty array (or not an array at all).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The members of an array, in order; nothing for other values.
    pub fn members(&self) -> Members<'_, 'a> {
        match self {
            Value::Array(a) => Members::Built(a.items.iter()),
            Value::JsonArray(a) => Members::Json(a.iter()),
            _ => Members::Built([].iter()),
        }
    }

    /// Member `i` of an array.
    pub fn member(&self, i: usize) -> Option<Value<'a>> {
        match self {
            Value::Array(a) => a.items.get(i).cloned(),
            Value::JsonArray(a) => a.get(i).map(Value::from_json),
            _ => None,
        }
    }

    /// The members of an array, or the value itself as the only one (undefined: none).
    pub fn into_items(self) -> Vec<Value<'a>> {
        match self {
            Value::Undefined => Vec::new(),
            Value::Array(a) => match Rc::try_unwrap(a) {
                Ok(a) => a.items,
                Err(a) => a.items.clone(),
            },
            Value::JsonArray(a) => a.iter().map(Value::from_json).collect(),
            v => vec![v],
        }
    }

    /// Field `key` of an object.
    pub fn field(&self, key: &str) -> Option<Value<'a>> {
        match self {
            Value::Object(o) => o.get(&Str::Borrowed(key)).cloned(),
            Value::JsonObject(o) => o.get(key).map(Value::from_json),
            _ => None,
        }
    }

    /// The fields of an object, in order.
    pub fn entries(&self) -> Vec<(Str<'a>, Value<'a>)> {
        match self {
            Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Value::JsonObject(o) => o.iter().map(|(k, v)| (Str::Borrowed(k.as_str()), Value::from_json(v))).collect(),
            _ => Vec::new(),
        }
    }

    /// The number of fields of an object.
    pub fn field_count(&self) -> usize {
        match self {
            Value::Object(o) => o.len(),
            Value::JsonObject(o) => o.len(),
            _ => 0,
        }
    }

    /// JSONata's truthiness (`$boolean`): empty strings, zero, empty arrays and objects,
    /// null, undefined and functions are false; an array is true if any member is.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0,
            Value::String(s) => !s.as_str().is_empty(),
            Value::Array(_) | Value::JsonArray(_) => self.members().any(|m| m.truthy()),
            Value::Object(_) | Value::JsonObject(_) => self.field_count() > 0,
            Value::Function(_) => false,
        }
    }

    /// JSONata's `$type`.
    pub fn type_name(&self) -> Option<&'static str> {
        Some(match self {
            Value::Undefined => return None,
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) | Value::JsonArray(_) => "array",
            Value::Object(_) | Value::JsonObject(_) => "object",
            Value::Function(_) => "function",
        })
    }

    /// Deep equality, as `=` and `$distinct` compare.
    pub fn deep_equals(&self, other: &Value<'_>) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a.as_str() == b.as_str(),
            (a, b) if a.is_array() && b.is_array() => {
                a.len() == b.len() && a.members().zip(b.members()).all(|(x, y)| x.deep_equals(&y))
            }
            (a, b) if a.is_object() && b.is_object() => {
                a.field_count() == b.field_count()
                    && a.entries().iter().all(|(k, v)| b.field(k.as_str()).is_some_and(|w| v.deep_equals(&w)))
            }
            (Value::Function(a), Value::Function(b)) => std::ptr::eq(Rc::as_ptr(a) as *const u8, Rc::as_ptr(b) as *const u8),
            _ => false,
        }
    }

    /// The value as JSON; `None` for undefined. Functions become `""` as JSON.stringify would
    /// leave them out; numbers that are whole become integers.
    pub fn to_json(&self) -> Option<Json> {
        Some(match self {
            Value::Undefined => return None,
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => Json::String(s.as_str().to_owned()),
            Value::Array(a) => Json::Array(a.items.iter().filter_map(Value::to_json).collect()),
            Value::JsonArray(a) => Json::Array(a.to_vec()),
            Value::Object(o) => {
                Json::Object(o.iter().filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_json()?))).collect())
            }
            Value::JsonObject(o) => Json::Object((*o).clone()),
            Value::Function(_) => Json::String(String::new()),
        })
    }
}

/// A JSON value made during evaluation (a parsed string, an intrinsic's result) as a value
/// that owns its parts.
pub fn from_owned_json<'a>(json: Json) -> Value<'a> {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => Value::string(s),
        Json::Array(a) => Value::array(a.into_iter().map(from_owned_json).collect(), ArrayKind::PLAIN),
        Json::Object(o) => Value::Object(Rc::new(o.into_iter().map(|(k, v)| (Str::from(k), from_owned_json(v))).collect())),
    }
}

/// A number as JSON: whole numbers that an `i64` holds exactly become integers.
pub fn number_to_json(n: f64) -> Json {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    if n.fract() == 0.0 && n.abs() < EXACT {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

/// The members of an array value.
pub enum Members<'v, 'a> {
    Built(std::slice::Iter<'v, Value<'a>>),
    Json(std::slice::Iter<'a, Json>),
}

impl<'a> Iterator for Members<'_, 'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        match self {
            Members::Built(it) => it.next().cloned(),
            Members::Json(it) => it.next().map(Value::from_json),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Members::Built(it) => it.size_hint(),
            Members::Json(it) => it.size_hint(),
        }
    }
}

impl std::fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Undefined => f.write_str("undefined"),
            Value::Function(_) => f.write_str("<function>"),
            v => write!(f, "{}", v.to_json().unwrap_or(Json::Null)),
        }
    }
}
