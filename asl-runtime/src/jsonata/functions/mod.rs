//! JSONata's built-in functions and AWS's additions, each an ordinary Rust function over
//! [`Args`], found by name through [`lookup`]. A file per family.

mod array;
mod aws;
mod hof;
mod numeric;
mod object;
pub(crate) mod regex;
mod signatures;
mod string;
mod time;

use super::error::{Error, Result};
use signatures::*;
use super::value::{ArrayKind, Native, Value};

macro_rules! natives {
    ($($name:literal => $arity:literal $run:path, $signature:expr;)*) => {
        static NATIVES: &[Native] = &[$(Native {
            name: $name,
            arity: $arity,
            run: |caller, values, context| $run(caller, Args::new($name, values, context)),
            signature: $signature,
        },)*];
    };
}

natives! {
    "sum" => 1 numeric::sum, Some(&[array_of("n")]);
    "count" => 1 array::count, Some(&[A]);
    "max" => 1 numeric::max, Some(&[array_of("n")]);
    "min" => 1 numeric::min, Some(&[array_of("n")]);
    "average" => 1 numeric::average, Some(&[array_of("n")]);
    "string" => 1 string::string, Some(&[ctx(X), opt(B)]);
    "substring" => 3 string::substring, Some(&[ctx(S), N, opt(N)]);
    "substringBefore" => 2 string::substring_before, Some(&[ctx(S), S]);
    "substringAfter" => 2 string::substring_after, Some(&[ctx(S), S]);
    "lowercase" => 1 string::lowercase, Some(&[ctx(S)]);
    "uppercase" => 1 string::uppercase, Some(&[ctx(S)]);
    "length" => 1 string::length, Some(&[ctx(S)]);
    "trim" => 1 string::trim, Some(&[ctx(S)]);
    "pad" => 3 string::pad, Some(&[ctx(S), N, opt(S)]);
    "match" => 3 regex::match_all, Some(&[ctx(S), F, opt(N)]);
    "contains" => 2 regex::contains, Some(&[ctx(S), STRING_OR_MATCHER]);
    "replace" => 4 regex::replace, Some(&[ctx(S), STRING_OR_MATCHER, STRING_OR_MATCHER, opt(N)]);
    "split" => 3 regex::split, Some(&[ctx(S), STRING_OR_MATCHER, opt(N)]);
    "join" => 2 string::join, Some(&[array_of("s"), opt(S)]);
    "formatNumber" => 3 string::format_number, Some(&[ctx(N), S, opt(O)]);
    "formatBase" => 2 string::format_base, Some(&[ctx(N), opt(N)]);
    "formatInteger" => 2 string::format_integer, Some(&[ctx(N), S]);
    "parseInteger" => 2 string::parse_integer, Some(&[ctx(S), S]);
    "number" => 1 numeric::number, Some(&[ctx(NUMBER_STRING_OR_BOOLEAN)]);
    "floor" => 1 numeric::floor, Some(&[ctx(N)]);
    "ceil" => 1 numeric::ceil, Some(&[ctx(N)]);
    "round" => 2 numeric::round, Some(&[ctx(N), opt(N)]);
    "abs" => 1 numeric::abs, Some(&[ctx(N)]);
    "sqrt" => 1 numeric::sqrt, Some(&[ctx(N)]);
    "power" => 2 numeric::power, Some(&[ctx(N), N]);
    "random" => 1 aws::random, None;
    "boolean" => 1 object::boolean, Some(&[ctx(X)]);
    "not" => 1 object::not, Some(&[ctx(X)]);
    "map" => 2 hof::map, Some(&[A, F]);
    "zip" => 1 array::zip, Some(&[many(A)]);
    "filter" => 2 hof::filter, Some(&[A, F]);
    "single" => 2 hof::single, Some(&[A, opt(F)]);
    "reduce" => 3 hof::reduce, Some(&[A, F, opt(J)]);
    "sift" => 2 hof::sift, Some(&[ctx(O), F]);
    "keys" => 1 object::keys, Some(&[ctx(X)]);
    "lookup" => 2 object::lookup, Some(&[ctx(X), S]);
    "append" => 2 array::append, Some(&[X, X]);
    "exists" => 1 object::exists, Some(&[X]);
    "spread" => 1 object::spread, Some(&[ctx(X)]);
    "merge" => 1 object::merge, Some(&[array_of("o")]);
    "reverse" => 1 array::reverse, Some(&[A]);
    "each" => 2 hof::each, Some(&[ctx(O), F]);
    "error" => 1 object::error, Some(&[opt(S)]);
    "assert" => 2 object::assert, Some(&[B, opt(S)]);
    "type" => 1 object::type_of, Some(&[X]);
    "sort" => 2 hof::sort, Some(&[A, opt(F)]);
    "shuffle" => 1 array::shuffle, Some(&[A]);
    "distinct" => 1 array::distinct, Some(&[X]);
    "base64encode" => 1 string::base64_encode, Some(&[ctx(S)]);
    "base64decode" => 1 string::base64_decode, Some(&[ctx(S)]);
    "encodeUrlComponent" => 1 string::encode_url_component, Some(&[ctx(S)]);
    "encodeUrl" => 1 string::encode_url, Some(&[ctx(S)]);
    "decodeUrlComponent" => 1 string::decode_url_component, Some(&[ctx(S)]);
    "decodeUrl" => 1 string::decode_url, Some(&[ctx(S)]);
    "now" => 2 time::now, Some(&[opt(S), opt(S)]);
    "millis" => 0 time::millis, Some(&[]);
    "toMillis" => 2 time::to_millis, Some(&[ctx(S), opt(S)]);
    "fromMillis" => 3 time::from_millis, Some(&[ctx(N), opt(S), opt(S)]);
    "clone" => 1 object::clone, None;
    "partition" => 2 aws::partition, None;
    "range" => 3 aws::range, None;
    "hash" => 2 aws::hash, None;
    "uuid" => 0 aws::uuid, None;
    "parse" => 1 aws::parse, None;
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
            for _ in 0..depth {
                out.push_str("  ");
            }
        }
    };
    match v {
        Value::Undefined | Value::Function(_) if depth > 0 => out.push_str("\"\""),
        Value::Undefined | Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if !n.is_finite() => return Err(Error::new("D1001", format!("Number out of range: {n}"))),
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
            if !v.is_empty() {
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
