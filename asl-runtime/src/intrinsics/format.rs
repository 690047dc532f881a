//! `States.Format`: the template scanner and the way AWS prints a JSON value into a string.
//!
//! The template is in *intrinsic-escaped form*: `{}` is a placeholder, `\{` `\}` `\\` stand for
//! `{` `}` `\`, and any other character (a lone `{` or `}` included) is itself. The compiler keeps
//! a literal template in this form (it resolves only `\'`) so an escaped brace stays
//! distinguishable from a placeholder; a template read from a path is scanned the same way.

use super::{expect_string, fail};
use crate::error::Failure;
use serde_json::{Number, Value};

/// `States.Format(template, v…)`: the template with each `{}` replaced by the next argument,
/// rendered by [`render_format_value`]. There must be exactly one argument per `{}`.
pub fn format(template: Value, args: Vec<Value>) -> Result<Value, Failure> {
    let template = expect_string("Format", "template (first argument)", template)?;
    let pieces = scan_template(&template);
    let placeholders = pieces.iter().filter(|p| matches!(p, Piece::Placeholder)).count();
    if placeholders != args.len() {
        return Err(fail("Format", format_args!(
            "has {placeholders} '{{}}' placeholder(s) in its template but {} value(s) to fill them",
            args.len()
        )));
    }
    let mut values = args.iter();
    let mut out = String::with_capacity(template.len());
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(&text),
            Piece::Placeholder => {
                if let Some(value) = values.next() {
                    write_value(value, &mut out);
                }
            }
        }
    }
    Ok(Value::String(out))
}

enum Piece {
    Text(String),
    Placeholder,
}

fn scan_template(template: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().copied()) {
            ('\\', Some(next @ ('{' | '}' | '\\'))) => {
                chars.next();
                text.push(next);
            }
            ('{', Some('}')) => {
                chars.next();
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                pieces.push(Piece::Placeholder);
            }
            _ => text.push(c),
        }
    }
    pieces.push(Piece::Text(text));
    pieces
}

/// A value as `States.Format` prints it, which is how Java prints the parsed JSON: strings
/// without quotes, numbers as Java's `Double.toString`/`Long.toString` (`1.1`, `1.0E10`),
/// arrays as `[a, b]` and objects as `{Arg1=1, Arg2=[]}` (recorded: test_format_2-7).
pub fn render_format_value(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&java_number(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push('=');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// JSON integers print as integers; fractional or exponent numbers as Java prints a `double`.
fn java_number(n: &Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (_, Some(u), _) => u.to_string(),
        (_, _, Some(f)) => java_double(f),
        _ => n.to_string(),
    }
}

/// Java's `Double.toString`: plain notation with at least one fractional digit for magnitudes in
/// [10⁻³, 10⁷), otherwise `d.dddE±n`; always the shortest digits that read back the same value.
fn java_double(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    if !x.is_finite() {
        // JSON cannot hold these, but keep the function total.
        return if x.is_nan() { "NaN" } else if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "-1.2345e-5" or "1e10".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if x < 0.0 { "-" } else { "" };
    let body = if (1e-3..1e7).contains(&x.abs()) {
        plain_notation(&digits, exponent)
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{first}.{rest}E{exponent}")
    };
    format!("{sign}{body}")
}

/// `digits` (d₀d₁d₂…, meaning d₀.d₁d₂… × 10^exponent) in plain notation, with `-3 <= exponent < 7`.
fn plain_notation(digits: &str, exponent: i32) -> String {
    if exponent < 0 {
        let zeros = "0".repeat((exponent.unsigned_abs() as usize).saturating_sub(1));
        return format!("0.{zeros}{digits}");
    }
    let int_len = exponent as usize + 1;
    if digits.len() <= int_len {
        let zeros = "0".repeat(int_len.saturating_sub(digits.len()));
        format!("{digits}{zeros}.0")
    } else {
        let (int_part, frac_part) = digits.split_at(int_len);
        format!("{int_part}.{frac_part}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fmt(template: &str, args: Vec<Value>) -> Result<Value, Failure> {
        format(json!(template), args)
    }

    /// The recorded test_format_1-* executions: 'Formatting argument {}.' with one value.
    #[test]
    fn format_one_argument_matches_recordings() {
        let cases = [
            (json!(""), "Formatting argument ."),
            (json!(" "), "Formatting argument  ."),
            (json!("HelloWorld"), "Formatting argument HelloWorld."),
            (json!(null), "Formatting argument null."),
            (json!(1), "Formatting argument 1."),
            (json!(1.1), "Formatting argument 1.1."),
            (json!("{\"Arg1\": 1, \"Arg2\": []}"), "Formatting argument {\"Arg1\": 1, \"Arg2\": []}."),
        ];
        for (value, expected) in cases {
            assert_eq!(fmt("Formatting argument {}.", vec![value]), Ok(json!(expected)));
        }
    }

    /// The recorded test_format_2-* executions.
    #[test]
    fn format_two_arguments_matches_recordings() {
        let t = "Formatting arguments fst={} and snd={}.";
        let obj = json!({"Arg1": 1, "Arg2": []});
        assert_eq!(fmt(t, vec![json!(""), json!("")]), Ok(json!("Formatting arguments fst= and snd=.")));
        assert_eq!(fmt(t, vec![json!(1.1), json!(1.1)]), Ok(json!("Formatting arguments fst=1.1 and snd=1.1.")));
        assert_eq!(
            fmt(t, vec![obj.clone(), obj]),
            Ok(json!("Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}."))
        );
    }

    #[test]
    fn format_renders_nested_values_like_java() {
        let value = json!({"a": [1, "x", null, true], "b": {"c": 2.5}, "d": "q r"});
        assert_eq!(render_format_value(&value), "{a=[1, x, null, true], b={c=2.5}, d=q r}");
        assert_eq!(render_format_value(&json!([])), "[]");
        assert_eq!(render_format_value(&json!({})), "{}");
        assert_eq!(render_format_value(&json!(false)), "false");
    }

    #[test]
    fn format_prints_doubles_like_java() {
        let cases = [
            (1.0, "1.0"), (100.0, "100.0"), (0.001, "0.001"), (1.0e-4, "1.0E-4"),
            (1.2345e-5, "1.2345E-5"), (1.0e7, "1.0E7"), (9999999.5, "9999999.5"),
            (1.5e10, "1.5E10"), (-2.5, "-2.5"), (-0.0, "-0.0"), (123456.789, "123456.789"),
            (0.1, "0.1"), (1.0e21, "1.0E21"),
        ];
        for (x, expected) in cases {
            assert_eq!(java_double(x), expected, "{x:?}");
        }
    }

    #[test]
    fn format_resolves_escapes_and_keeps_lone_braces() {
        assert_eq!(fmt(r"\{\} {}", vec![json!(1)]), Ok(json!("{} 1")));
        assert_eq!(fmt(r"a\\{}", vec![json!("b")]), Ok(json!(r"a\b")));
        assert_eq!(fmt(r"C:\dir {", vec![]), Ok(json!(r"C:\dir {")));
        assert_eq!(fmt("It's {}!", vec![json!("Pikachu")]), Ok(json!("It's Pikachu!")));
        assert_eq!(fmt("{}{}", vec![json!("a"), json!(2)]), Ok(json!("a2")));
        assert_eq!(fmt("trailing \\", vec![]), Ok(json!("trailing \\")));
    }

    #[test]
    fn format_rejects_count_mismatches_and_non_string_templates() {
        let err = fmt("{} {}", vec![json!(1)]).unwrap_err();
        assert_eq!(err.error, "States.IntrinsicFailure");
        assert!(err.cause.unwrap().contains("States.Format"));
        assert!(fmt("{}", vec![]).is_err());
        assert!(fmt("no placeholder", vec![json!(1)]).is_err());
        assert!(format(json!(1), vec![]).is_err());
        assert!(format(json!(null), vec![]).is_err());
    }
}
