//! JSONata's built-in functions and AWS's additions, each an ordinary Rust function over
//! [`Args`], found by name through [`lookup`]. A file per family.

mod array;
mod aws;
mod hof;
mod numeric;
mod object;
pub(crate) mod regex;
mod string;
mod time;

use super::error::{Error, Result};
use super::eval::Eval;
use super::value::{ArrayKind, Value};

pub type NativeFn = for<'a> fn(&Eval<'a>, Args<'a>) -> Result<Value<'a>>;

/// A built-in function.
pub struct Native {
    pub name: &'static str,
    /// How many arguments it takes, as higher-order functions ask.
    pub arity: usize,
    pub run: NativeFn,
}

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "${}", self.name)
    }
}

macro_rules! natives {
    ($($name:literal => $arity:literal $run:path,)*) => {
        static NATIVES: &[Native] = &[$(Native { name: $name, arity: $arity, run: $run },)*];
    };
}

natives! {
    "sum" => 1 numeric::sum,
    "count" => 1 array::count,
    "max" => 1 numeric::max,
    "min" => 1 numeric::min,
    "average" => 1 numeric::average,
    "string" => 1 string::string,
    "substring" => 3 string::substring,
    "substringBefore" => 2 string::substring_before,
    "substringAfter" => 2 string::substring_after,
    "lowercase" => 1 string::lowercase,
    "uppercase" => 1 string::uppercase,
    "length" => 1 string::length,
    "trim" => 1 string::trim,
    "pad" => 3 string::pad,
    "match" => 3 regex::match_all,
    "contains" => 2 regex::contains,
    "replace" => 4 regex::replace,
    "split" => 3 regex::split,
    "join" => 2 string::join,
    "formatNumber" => 3 string::format_number,
    "formatBase" => 2 string::format_base,
    "formatInteger" => 2 string::format_integer,
    "parseInteger" => 2 string::parse_integer,
    "number" => 1 numeric::number,
    "floor" => 1 numeric::floor,
    "ceil" => 1 numeric::ceil,
    "round" => 2 numeric::round,
    "abs" => 1 numeric::abs,
    "sqrt" => 1 numeric::sqrt,
    "power" => 2 numeric::power,
    "random" => 1 aws::random,
    "boolean" => 1 object::boolean,
    "not" => 1 object::not,
    "map" => 2 hof::map,
    "zip" => 1 array::zip,
    "filter" => 2 hof::filter,
    "single" => 2 hof::single,
    "reduce" => 3 hof::reduce,
    "sift" => 2 hof::sift,
    "keys" => 1 object::keys,
    "lookup" => 2 object::lookup,
    "append" => 2 array::append,
    "exists" => 1 object::exists,
    "spread" => 1 object::spread,
    "merge" => 1 object::merge,
    "reverse" => 1 array::reverse,
    "each" => 2 hof::each,
    "error" => 1 object::error,
    "assert" => 2 object::assert,
    "type" => 1 object::type_of,
    "sort" => 2 hof::sort,
    "shuffle" => 1 array::shuffle,
    "distinct" => 1 array::distinct,
    "base64encode" => 1 string::base64_encode,
    "base64decode" => 1 string::base64_decode,
    "encodeUrlComponent" => 1 string::encode_url_component,
    "encodeUrl" => 1 string::encode_url,
    "decodeUrlComponent" => 1 string::decode_url_component,
    "decodeUrl" => 1 string::decode_url,
    "now" => 2 time::now,
    "millis" => 0 time::millis,
    "toMillis" => 2 time::to_millis,
    "fromMillis" => 3 time::from_millis,
    "clone" => 1 object::clone,
    "partition" => 2 aws::partition,
    "range" => 3 aws::range,
    "hash" => 2 aws::hash,
    "uuid" => 0 aws::uuid,
    "parse" => 1 aws::parse,
}

/// The built-in function called `name` (without its `$`).
pub fn lookup(name: &str) -> Option<&'static Native> {
    NATIVES.iter().find(|n| n.name == name)
}

/// The arguments of a built-in call, and the context a left-out argument may stand for.
pub struct Args<'a> {
    name: &'static str,
    values: Vec<Value<'a>>,
    context: Value<'a>,
}

impl<'a> Args<'a> {
    pub fn new(name: &'static str, values: Vec<Value<'a>>, context: Value<'a>) -> Args<'a> {
        Args { name, values, context }
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Argument `i` (undefined when left out).
    pub fn get(&self, i: usize) -> Value<'a> {
        self.values.get(i).cloned().unwrap_or_default()
    }

    /// Argument `i`, which, when the call gives none at all, is the context (JSONata's `-`).
    pub fn or_context(&self, i: usize) -> Value<'a> {
        if self.values.is_empty() && i == 0 {
            self.context.clone()
        } else {
            self.get(i)
        }
    }

    /// Fails unless at most `n` arguments were given.
    pub fn at_most(&self, n: usize) -> Result<()> {
        if self.values.len() > n {
            return Err(self.mismatch(n));
        }
        Ok(())
    }

    pub fn mismatch(&self, i: usize) -> Error {
        Error::new("T0410", format!("Argument {} of function \"{}\" does not match function signature", i + 1, self.name))
    }

    /// Argument `i` as a string; undefined stays `None`; another type fails.
    pub fn string(&self, i: usize) -> Result<Option<Value<'a>>> {
        match self.get(i) {
            Value::Undefined => Ok(None),
            v @ Value::String(_) => Ok(Some(v)),
            _ => Err(self.mismatch(i)),
        }
    }

    /// The first argument as a string, the context when none is given.
    pub fn string_or_context(&self) -> Result<Option<Value<'a>>> {
        match self.or_context(0) {
            Value::Undefined => Ok(None),
            v @ Value::String(_) => Ok(Some(v)),
            _ if self.values.is_empty() => Err(Error::new(
                "T0411",
                format!("Context value is not a compatible type with argument 1 of function \"{}\"", self.name),
            )),
            _ => Err(self.mismatch(0)),
        }
    }

    pub fn number(&self, i: usize) -> Result<Option<f64>> {
        match self.get(i) {
            Value::Undefined => Ok(None),
            Value::Number(n) => Ok(Some(n)),
            _ => Err(self.mismatch(i)),
        }
    }

    /// Argument `i` as an array of members (a single value is an array of one).
    pub fn array(&self, i: usize) -> Option<Vec<Value<'a>>> {
        match self.get(i) {
            Value::Undefined => None,
            v if v.is_array() => Some(v.members().collect()),
            v => Some(vec![v]),
        }
    }

    /// Argument `i` as an array of numbers.
    pub fn numbers(&self, i: usize) -> Result<Option<Vec<f64>>> {
        let Some(items) = self.array(i) else { return Ok(None) };
        items
            .iter()
            .map(|m| m.as_number().ok_or_else(|| self.array_of(i, "number")))
            .collect::<Result<Vec<f64>>>()
            .map(Some)
    }

    pub fn array_of(&self, i: usize, what: &str) -> Error {
        Error::new("T0412", format!("Argument {} of function \"{}\" must be an array of {what}", i + 1, self.name))
    }

    pub fn function(&self, i: usize) -> Result<Option<std::rc::Rc<super::value::Function<'a>>>> {
        match self.get(i) {
            Value::Undefined => Ok(None),
            Value::Function(f) => Ok(Some(f)),
            _ => Err(self.mismatch(i)),
        }
    }

    pub fn context(&self) -> &Value<'a> {
        &self.context
    }

    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// How JSONata orders strings: by UTF-16 code units, as JavaScript's `<` does.
pub fn compare_strings(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `$string`: strings as they are, other values as JSON (numbers to 15 significant digits,
/// functions as empty strings); `prettify` indents by two spaces.
pub fn stringify(v: &Value<'_>, prettify: bool) -> Result<String> {
    if let Value::String(s) = v {
        return Ok(s.as_str().to_owned());
    }
    if let Value::Function(_) = v {
        return Ok(String::new());
    }
    let mut out = String::new();
    write_json(v, prettify, 0, &mut out)?;
    Ok(out)
}

fn write_json(v: &Value<'_>, pretty: bool, depth: usize, out: &mut String) -> Result<()> {
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            out.extend(std::iter::repeat("  ").take(depth));
        }
    };
    match v {
        Value::Undefined | Value::Function(_) if depth > 0 => out.push_str("\"\""),
        Value::Undefined | Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&crate::jsonata::text::number::number_to_string(*n)?),
        Value::String(s) => out.push_str(&serde_json::to_string(s.as_str()).unwrap_or_default()),
        Value::Function(_) => {}
        v if v.is_array() => {
            out.push('[');
            for (i, m) in v.members().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(&m, pretty, depth + 1, out)?;
            }
            if v.len() > 0 {
                newline(out, depth);
            }
            out.push(']');
        }
        v => {
            out.push('{');
            let entries = v.entries();
            let mut first = true;
            for (k, m) in &entries {
                if m.is_undefined() {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                newline(out, depth + 1);
                out.push_str(&serde_json::to_string(k.as_str()).unwrap_or_default());
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_json(m, pretty, depth + 1, out)?;
            }
            if !first {
                newline(out, depth);
            }
            out.push('}');
        }
    }
    Ok(())
}

/// A sequence from a list of values (one is itself, none undefined).
pub(crate) fn sequence(items: Vec<Value<'_>>) -> Value<'_> {
    Value::sequence(items)
}

/// An array (never unwrapped) from a list of values.
pub(crate) fn array(items: Vec<Value<'_>>) -> Value<'_> {
    Value::array(items, ArrayKind::PLAIN)
}
