//! String functions. Lengths and positions count characters (Unicode scalar values), as
//! JSONata counts code points.

use base64::Engine;

use super::{stringify, Args};
use crate::jsonata::error::{Error, Result};

use crate::jsonata::value::Caller;
use crate::jsonata::value::Value;

type R<'a> = Result<Value<'a>>;

/// `$string(arg, prettify)`.
pub fn string<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let v = args.or_context(0);
    if v.is_undefined() {
        return Ok(Value::Undefined);
    }
    if v.as_number().is_some_and(|n| !n.is_finite()) {
        return Err(Error::new("D3001", "Attempting to invoke string function on Infinity or NaN"));
    }
    let pretty = match args.get(1) {
        Value::Undefined => false,
        Value::Bool(b) => b,
        _ => return Err(args.mismatch(1)),
    };
    Ok(Value::string(stringify(&v, pretty)?))
}

/// The string argument (or the context), or `None` for undefined.
fn text<'a>(args: &Args<'a>) -> Result<Option<Value<'a>>> {
    args.string_or_context()
}

pub fn length<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(match text(&args)? {
        Some(s) => Value::Number(s.as_str().unwrap_or_default().chars().count() as f64),
        None => Value::Undefined,
    })
}

pub fn uppercase<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(text(&args)?.map_or(Value::Undefined, |s| Value::string(s.as_str().unwrap_or_default().to_uppercase())))
}

pub fn lowercase<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(text(&args)?.map_or(Value::Undefined, |s| Value::string(s.as_str().unwrap_or_default().to_lowercase())))
}

/// `$trim`: whitespace runs become one space, and none at either end.
pub fn trim<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    Ok(text(&args)?.map_or(Value::Undefined, |s| {
        let words: Vec<&str> = s.as_str().unwrap_or_default().split([' ', '\t', '\n', '\r']).filter(|w| !w.is_empty()).collect();
        Value::string(words.join(" "))
    }))
}

/// `$substring(str, start, length)`: a negative start counts from the end; positions are
/// cut to whole characters as JavaScript's `slice` cuts them (towards zero), not rounded.
pub fn substring<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(3)?;
    let Some(s) = text(&args)? else { return Ok(Value::Undefined) };
    let start = args.number(1)?.ok_or_else(|| args.mismatch(1))?;
    let length = args.number(2)?;
    let chars: Vec<char> = s.as_str().unwrap_or_default().chars().collect();
    Ok(Value::string(substring_of(&chars, start, length)))
}

/// JSONata's `substring` over characters.
fn substring_of(chars: &[char], start: f64, length: Option<f64>) -> String {
    let len = chars.len() as f64;
    let start = if len + start < 0.0 { 0.0 } else { start };
    let end = match length {
        None => len,
        Some(l) if l <= 0.0 => return String::new(),
        Some(l) if start >= 0.0 => start + l,
        Some(l) => len + start + l,
    };
    // JavaScript's `slice`: towards zero, negative from the end, clamped to the string.
    let position = |x: f64| {
        let x = if x.is_nan() { 0.0 } else { x.trunc() };
        (if x < 0.0 { (len + x).max(0.0) } else { x.min(len) }) as usize
    };
    let (from, to) = (position(start), position(end));
    if to <= from {
        return String::new();
    }
    chars[from..to].iter().collect()
}

pub fn substring_before<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(s) = text(&args)? else { return Ok(Value::Undefined) };
    let s = s.as_str().unwrap_or_default();
    let Some(chars) = args.string(1)? else { return Ok(Value::string(s)) };
    let chars = chars.as_str().unwrap_or_default();
    Ok(Value::string(s.find(chars).map_or(s, |i| &s[..i])))
}

pub fn substring_after<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(s) = text(&args)? else { return Ok(Value::Undefined) };
    let s = s.as_str().unwrap_or_default();
    let Some(chars) = args.string(1)? else { return Ok(Value::string(s)) };
    let chars = chars.as_str().unwrap_or_default();
    Ok(Value::string(s.find(chars).map_or(s, |i| &s[i + chars.len()..])))
}

/// `$pad(str, width, char)`: a positive width pads on the right, a negative one on the left.
pub fn pad<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(3)?;
    let Some(s) = text(&args)? else { return Ok(Value::Undefined) };
    let s = s.as_str().unwrap_or_default();
    let width = args.number(1)?.ok_or_else(|| args.mismatch(1))?;
    let fill = match args.string(2)? {
        Some(c) if !c.as_str().unwrap_or_default().is_empty() => c.as_str().unwrap_or_default().to_owned(),
        _ => " ".to_owned(),
    };
    let have = s.chars().count();
    let want = width.abs().min(1e7) as usize;
    if want <= have {
        return Ok(Value::string(s));
    }
    let padding: String = fill.chars().cycle().take(want - have).collect();
    Ok(Value::string(if width > 0.0 { format!("{s}{padding}") } else { format!("{padding}{s}") }))
}

/// `$join(array, separator)`.
pub fn join<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(items) = args.array(0) else { return Ok(Value::Undefined) };
    let mut parts = Vec::with_capacity(items.len());
    for m in &items {
        parts.push(m.as_str().ok_or_else(|| args.array_of(0, "string"))?.to_owned());
    }
    let separator = match args.string(1)? {
        Some(s) => s.as_str().unwrap_or_default().to_owned(),
        None => String::new(),
    };
    Ok(Value::string(parts.join(&separator)))
}

pub fn base64_encode<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let Some(s) = text(&args)? else { return Ok(Value::Undefined) };
    Ok(Value::string(base64::engine::general_purpose::STANDARD.encode(s.as_str().unwrap_or_default())))
}

pub fn base64_decode<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(1)?;
    let Some(s) = text(&args)? else { return Ok(Value::Undefined) };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.as_str().unwrap_or_default())
        .map_err(|e| Error::new("D3137", format!("The string is not valid base64: {e}")))?;
    Ok(Value::string(String::from_utf8_lossy(&bytes).into_owned()))
}

pub fn encode_url_component<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    url(args, crate::jsonata::text::url::encode_url_component)
}

pub fn encode_url<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    url(args, crate::jsonata::text::url::encode_url)
}

pub fn decode_url_component<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    url_fallible(args, crate::jsonata::text::url::decode_url_component)
}

pub fn decode_url<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    url_fallible(args, crate::jsonata::text::url::decode_url)
}

fn url<'a>(args: Args<'a>, f: fn(&str) -> String) -> R<'a> {
    args.at_most(1)?;
    let Some(s) = text(&args)? else { return Ok(Value::Undefined) };
    Ok(Value::string(f(s.as_str().unwrap_or_default())))
}

fn url_fallible<'a, E: Into<Error>>(args: Args<'a>, f: fn(&str) -> std::result::Result<String, E>) -> R<'a> {
    args.at_most(1)?;
    let Some(s) = text(&args)? else { return Ok(Value::Undefined) };
    Ok(Value::string(f(s.as_str().unwrap_or_default()).map_err(Into::into)?))
}

/// `$formatNumber(number, picture, options)`.
pub fn format_number<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(3)?;
    let Some(n) = args.number(0)? else { return Ok(Value::Undefined) };
    let picture = args.string(1)?.ok_or_else(|| args.mismatch(1))?;
    let mut format = crate::jsonata::text::DecimalFormat::default();
    let options = args.get(2);
    for (k, v) in options.entries() {
        let v = v.as_str().ok_or_else(|| args.mismatch(2))?.to_owned();
        format.set(k.as_str(), &v)?;
    }
    Ok(Value::string(crate::jsonata::text::format_number(n, picture.as_str().unwrap_or_default(), &format)?))
}

/// `$formatBase(number, radix)`.
pub fn format_base<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(n) = args.number(0)? else { return Ok(Value::Undefined) };
    let radix = args.number(1)?.unwrap_or(10.0);
    Ok(Value::string(crate::jsonata::text::number::format_base(n, radix)?))
}

/// `$formatInteger(number, picture)`.
pub fn format_integer<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(n) = args.number(0)? else { return Ok(Value::Undefined) };
    let picture = args.string(1)?.ok_or_else(|| args.mismatch(1))?;
    Ok(Value::string(crate::jsonata::format::integer::format_integer(n, picture.as_str().unwrap_or_default())?))
}

/// `$parseInteger(string, picture)`.
pub fn parse_integer<'a>(_: &dyn Caller<'a>, args: Args<'a>) -> R<'a> {
    args.at_most(2)?;
    let Some(s) = args.string(0)? else { return Ok(Value::Undefined) };
    let picture = args.string(1)?.ok_or_else(|| args.mismatch(1))?;
    let parsed = crate::jsonata::format::integer::parse_integer(s.as_str().unwrap_or_default(), picture.as_str().unwrap_or_default())?;
    Ok(parsed.map_or(Value::Undefined, Value::Number))
}

#[cfg(test)]
mod tests {
    use super::substring_of;

    fn sub(s: &str, start: f64, length: Option<f64>) -> String {
        substring_of(&s.chars().collect::<Vec<_>>(), start, length)
    }

    #[test]
    fn substring_cuts_fractional_positions_towards_zero() {
        assert_eq!(sub("Hello World", 5.5, Some(5.0)), " Worl");
        assert_eq!(sub("Hello World", -5.0, Some(2.0)), "Wo");
        assert_eq!(sub("Hello World", -20.0, Some(3.0)), "Hel");
        assert_eq!(sub("Hello World", 3.0, None), "lo World");
        assert_eq!(sub("Hello", 1.0, Some(0.0)), "");
        assert_eq!(sub("Hello", 10.0, Some(2.0)), "");
    }
}
