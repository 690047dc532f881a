//! Regular expressions: a regex literal as a function, and the string functions that take a
//! pattern (`$match`, `$contains`, `$replace`, `$split`). Positions count characters.

use std::rc::Rc;

use super::{array, sequence, Args};
use crate::jsonata::error::{Error, Result};

use crate::jsonata::tree;
use crate::jsonata::value::Caller;
use crate::jsonata::value::{Function, Object, Str, Value};

type R<'a> = Result<Value<'a>>;

/// The compiled form of a regex literal, built on first use.
pub(crate) fn compiled(regex: &'static tree::Regex) -> Result<&'static regex::Regex> {
    regex
        .cell()
        .get_or_init(|| {
            let pattern = crate::jsonata::text::regex::translate(regex.pattern(), regex.flags()).map_err(|e| e.detail)?;
            regex::Regex::new(&pattern).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::new("S0302", format!("Invalid regular expression /{}/: {e}", regex.pattern())))
}

fn char_index(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

fn zero_length() -> Error {
    Error::new("D1004", "Regular expression matches zero length string")
}

/// The first match at or after byte `from`, as JSONata's match object
/// `{match, start, end, groups, next}`.
pub(crate) fn first_match<'a>(regex: &'static tree::Regex, text: Str<'a>, from: usize) -> R<'a> {
    let re = compiled(regex)?;
    let s = text.as_str();
    let Some(caps) = s.get(from..).and_then(|_| re.captures_at(s, from)) else { return Ok(Value::Undefined) };
    let whole = caps.get(0).map_or(0..0, |m| m.range());
    if whole.is_empty() {
        return Err(zero_length());
    }
    let mut object = Object::new();
    object.insert(Str::Borrowed("match"), Value::string(&s[whole.clone()]));
    object.insert(Str::Borrowed("start"), Value::Number(char_index(s, whole.start) as f64));
    object.insert(Str::Borrowed("end"), Value::Number(char_index(s, whole.end) as f64));
    object.insert(Str::Borrowed("groups"), groups(&caps));
    let next = Function::NextMatch { regex, text: text.clone(), from: whole.end };
    object.insert(Str::Borrowed("next"), Value::function(next));
    Ok(Value::Object(Rc::new(object)))
}

fn groups<'a>(caps: &regex::Captures<'_>) -> Value<'a> {
    array(caps.iter().skip(1).map(|g| Value::string(g.map_or("", |m| m.as_str()))).collect())
}

/// The pattern argument: a string, a regex literal, or another function that follows
/// JSONata's matcher protocol.
enum Pattern<'a> {
    Text(Value<'a>),
    Regex(&'static tree::Regex),
    Matcher(Rc<Function<'a>>),
}

fn pattern<'a>(args: &Args<'a>, i: usize) -> Result<Pattern<'a>> {
    match args.get(i) {
        v @ Value::String(_) => Ok(Pattern::Text(v)),
        Value::Function(f) => match &*f {
            Function::Regex(r) => Ok(Pattern::Regex(r)),
            _ => Ok(Pattern::Matcher(f)),
        },
        _ => Err(args.mismatch(i)),
    }
}

/// A match a matcher function reported (`{match, start, end, groups, next}`).
struct Found<'a> {
    text: Value<'a>,
    start: usize,
    end: usize,
    groups: Value<'a>,
}

/// The first `limit` matches of a matcher function that is not a regex literal: it is called
/// with the string, then each match's `next` with nothing, until one gives undefined. A result
/// without the match object's shape is `T1010`.
fn custom_matches<'a>(ev: &dyn Caller<'a>, args: &Args<'a>, f: &Rc<Function<'a>>, text: &Value<'a>, limit: usize) -> Result<Vec<Found<'a>>> {
    let mut found = Vec::new();
    let mut result = ev.apply(f, vec![text.clone()])?;
    while found.len() < limit && !result.is_undefined() {
        let number = |key: &str| result.field(key).and_then(|v| v.as_number());
        let next = result.field("next").filter(|n| n.as_function().is_some());
        let groups = result.field("groups").filter(Value::is_array);
        if number("start").is_none() && groups.is_none() && next.is_none() {
            return Err(Error::new(
                "T1010",
                format!("The matcher function argument passed to function \"{}\" does not return the correct object structure", args.name()),
            ));
        }
        let start = number("start").unwrap_or(0.0).max(0.0) as usize;
        found.push(Found {
            text: result.field("match").unwrap_or_default(),
            start,
            end: number("end").map_or(start, |e| e.max(0.0) as usize),
            groups: groups.unwrap_or_else(|| array(Vec::new())),
        });
        result = match next {
            Some(Value::Function(n)) => ev.apply(&n, Vec::new())?,
            _ => Value::Undefined,
        };
    }
    Ok(found)
}

/// The characters of `s` from `from` to `to` (character positions, clamped).
fn chars_between(s: &str, from: usize, to: usize) -> String {
    s.chars().skip(from).take(to.saturating_sub(from)).collect()
}

fn limit(args: &Args<'_>, i: usize, code: &'static str, what: &str) -> Result<usize> {
    match args.number(i)? {
        None => Ok(usize::MAX),
        Some(n) if n < 0.0 => Err(Error::new(code, format!("Fourth argument of {what} function must evaluate to a positive number"))),
        Some(n) => Ok(n as usize),
    }
}

/// `$match(str, regex, limit)`: `{match, index, groups}` for each match.
pub fn match_all<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(3)?;
    let Some(text) = args.string_or_context()? else { return Ok(Value::Undefined) };
    let limit = limit(&args, 2, "D3040", "match")?;
    let regex = match pattern(&args, 1)? {
        Pattern::Regex(regex) => regex,
        Pattern::Matcher(f) => {
            let found = custom_matches(ev, &args, &f, &text, limit)?;
            return Ok(sequence(found.into_iter().map(|m| match_object(m.text, m.start, m.groups)).collect()));
        }
        Pattern::Text(_) => return Err(args.mismatch(1)),
    };
    let re = compiled(regex)?;
    let s = text.as_str().unwrap_or_default();
    let mut out = Vec::new();
    for caps in re.captures_iter(s).take(limit) {
        let whole = caps.get(0).map_or(0..0, |m| m.range());
        if whole.is_empty() {
            return Err(zero_length());
        }
        out.push(match_object(Value::string(&s[whole.clone()]), char_index(s, whole.start), groups(&caps)));
    }
    Ok(sequence(out))
}

/// `{match, index, groups}`, what `$match` gives and a `$replace` function receives.
fn match_object<'a>(text: Value<'a>, index: usize, groups: Value<'a>) -> Value<'a> {
    let mut object = Object::new();
    object.insert(Str::Borrowed("match"), text);
    object.insert(Str::Borrowed("index"), Value::Number(index as f64));
    object.insert(Str::Borrowed("groups"), groups);
    Value::Object(Rc::new(object))
}

pub fn contains<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(text) = args.string_or_context()? else { return Ok(Value::Undefined) };
    // No pattern: nothing to look for (JavaScript's JSONata fails on it).
    if args.get(1).is_undefined() {
        return Ok(Value::Undefined);
    }
    let s = text.as_str().unwrap_or_default();
    Ok(Value::Bool(match pattern(&args, 1)? {
        Pattern::Text(t) => s.contains(t.as_str().unwrap_or_default()),
        Pattern::Regex(r) => compiled(r)?.is_match(s),
        Pattern::Matcher(f) => !custom_matches(ev, &args, &f, &text, 1)?.is_empty(),
    }))
}

/// `$replace(str, pattern, replacement, limit)`: the replacement is a string (`$0`, `$1`…
/// name groups of a regex) or a function of the match object.
pub fn replace<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(4)?;
    let Some(text) = args.string_or_context()? else { return Ok(Value::Undefined) };
    let s = text.as_str().unwrap_or_default();
    let pat = pattern(&args, 1)?;
    if let Pattern::Text(t) = &pat {
        if t.as_str().unwrap_or_default().is_empty() {
            return Err(Error::new("D3010", "Second argument of replace function cannot be an empty string"));
        }
    }
    let replacement = args.get(2);
    if !matches!(replacement, Value::String(_) | Value::Function(_)) {
        return Err(args.mismatch(2));
    }
    let limit = limit(&args, 3, "D3011", "replace")?;
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    match pat {
        Pattern::Text(t) => {
            let t = t.as_str().unwrap_or_default();
            for (at, _) in s.match_indices(t).take(limit) {
                out.push_str(&s[last..at]);
                out.push_str(replacement.as_str().unwrap_or_default());
                last = at + t.len();
            }
        }
        Pattern::Matcher(f) => {
            let chars: Vec<char> = s.chars().collect();
            let mut position = 0;
            let mut rebuilt = String::with_capacity(s.len());
            for m in custom_matches(ev, &args, &f, &text, limit)? {
                rebuilt.extend(chars.iter().take(m.start).skip(position));
                let groups: Vec<String> = m.groups.members().map(|g| g.as_str().unwrap_or_default().to_owned()).collect();
                let whole = m.text.as_str().unwrap_or_default().to_owned();
                match &replacement {
                    Value::Function(r) => match ev.apply(r, vec![match_object(m.text.clone(), m.start, m.groups.clone())])? {
                        Value::String(r) => rebuilt.push_str(r.as_str()),
                        _ => return Err(Error::new("D3012", "Attempted to replace a matched string with a non-string value")),
                    },
                    r => substitute(r.as_str().unwrap_or_default(), groups.len() + 1, |n| if n == 0 { Some(&whole) } else { groups.get(n - 1).map(String::as_str) }, &mut rebuilt),
                }
                position = m.start + whole.chars().count();
            }
            rebuilt.extend(chars.iter().skip(position));
            return Ok(Value::string(rebuilt));
        }
        Pattern::Regex(regex) => {
            let re = compiled(regex)?;
            for caps in re.captures_iter(s).take(limit) {
                let whole = caps.get(0).map_or(0..0, |m| m.range());
                if whole.is_empty() {
                    return Err(zero_length());
                }
                out.push_str(&s[last..whole.start]);
                match &replacement {
                    Value::Function(f) => {
                        let mut object = Object::new();
                        object.insert(Str::Borrowed("match"), Value::string(&s[whole.clone()]));
                        object.insert(Str::Borrowed("index"), Value::Number(char_index(s, whole.start) as f64));
                        object.insert(Str::Borrowed("groups"), groups(&caps));
                        match ev.apply(f, vec![Value::Object(Rc::new(object))])? {
                            Value::String(r) => out.push_str(r.as_str()),
                            _ => return Err(Error::new("D3012", "Attempted to replace a matched string with a non-string value")),
                        }
                    }
                    r => substitute(r.as_str().unwrap_or_default(), caps.len(), |n| caps.get(n).map(|m| m.as_str()), &mut out),
                }
                last = whole.end;
            }
        }
    }
    out.push_str(&s[last..]);
    Ok(Value::string(out))
}

/// A replacement string with `$n` replaced by group n (`$0` the whole match; of two digits,
/// as many as name a group) and `$$` by `$`.
fn substitute<'t>(replacement: &str, count: usize, group: impl Fn(usize) -> Option<&'t str>, out: &mut String) {
    let mut chars = replacement.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some((_, '$')) => {
                chars.next();
                out.push('$');
            }
            Some((_, d)) if d.is_ascii_digit() => {
                let mut number = 0usize;
                let mut used = false;
                while let Some((_, d)) = chars.peek() {
                    let Some(digit) = d.to_digit(10) else { break };
                    let candidate = number * 10 + digit as usize;
                    if used && candidate >= count {
                        break;
                    }
                    number = candidate;
                    used = true;
                    chars.next();
                }
                if number < count {
                    out.push_str(group(number).unwrap_or(""));
                }
            }
            _ => out.push('$'),
        }
    }
}

/// `$split(str, separator, limit)`.
pub fn split<'a>(ev: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(3)?;
    let Some(text) = args.string_or_context()? else { return Ok(Value::Undefined) };
    let s = text.as_str().unwrap_or_default();
    let limit = match args.number(2)? {
        None => usize::MAX,
        Some(n) if n < 0.0 => return Err(Error::new("D3020", "Third argument of split function must evaluate to a positive number")),
        Some(n) => n as usize,
    };
    let parts: Vec<Value<'a>> = match pattern(&args, 1)? {
        Pattern::Text(t) => {
            let t = t.as_str().unwrap_or_default();
            if t.is_empty() {
                s.chars().take(limit).map(|c| Value::string(c.to_string())).collect()
            } else {
                s.split(t).take(limit).map(Value::string).collect()
            }
        }
        Pattern::Regex(r) => compiled(r)?.split(s).take(limit).map(Value::string).collect(),
        Pattern::Matcher(f) => {
            let found = custom_matches(ev, &args, &f, &text, limit)?;
            let mut parts = Vec::with_capacity(found.len() + 1);
            let mut start = 0;
            for m in &found {
                parts.push(Value::string(chars_between(s, start, m.start)));
                start = m.end;
            }
            if found.len() < limit {
                parts.push(Value::string(chars_between(s, start, usize::MAX)));
            }
            parts
        }
    };
    Ok(array(parts))
}
