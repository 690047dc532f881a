use super::*;
use crate::jsonata::text::suite::{self, Arg, Expected};

#[test]
fn suite_string() {
    let report = suite::run(
        &["function-string", "literals"],
        "string",
        |args| match args {
            [Arg::Num(n)] => Some(suite::text(number_to_string(*n))),
            _ => None,
        },
    );
    assert!(report.failures.is_empty());
    assert_eq!(report.passed, 7);
}

#[test]
fn suite_number() {
    let report = suite::run(&["function-number"], "number", |args| match args {
        [Arg::Str(s)] => Some(match parse_number(s) {
            Some(n) => suite::number(n),
            None => Expected::Error("D3030".into()),
        }),
        _ => None,
    });
    assert!(report.failures.is_empty());
    assert_eq!(report.passed, 18);
}

#[test]
fn suite_round() {
    let report = suite::run(&["function-round"], "round", |args| match args {
        [Arg::Num(n)] => Some(suite::number(round(*n, 0))),
        [Arg::Num(n), Arg::Num(p)] => Some(suite::number(round(*n, *p as i32))),
        _ => None,
    });
    assert!(report.failures.is_empty());
    assert_eq!(report.passed, 17);
}

#[test]
fn suite_format_base() {
    let report = suite::run(&["function-formatBase"], "formatBase", |args| match args {
        [Arg::Num(n)] => Some(suite::text(format_base(*n, 10.0))),
        [Arg::Num(n), Arg::Num(radix)] => Some(suite::text(format_base(*n, *radix))),
        _ => None,
    });
    assert!(report.failures.is_empty());
    assert_eq!(report.passed, 7);
}

#[test]
fn strings_of_numbers_round_to_15_digits_unless_integers() {
    let s = |n: f64| number_to_string(n).unwrap();
    assert_eq!(s(0.1 + 0.2), "0.3");
    assert_eq!(s(22.0 / 7.0), "3.14285714285714");
    assert_eq!(s(5890840712243076.0), "5890840712243076");
    assert_eq!(s(1e21), "1e+21");
    assert_eq!(s(-1.5e-7), "-1.5e-7");
    assert_eq!(s(-0.0), "0");
    // Ties at the 15th digit go up (JavaScript), not to even (Rust's formatter).
    assert_eq!(s(12345678901234.25), "12345678901234.3");
    assert_eq!(s(0.000001234567890123456), "0.00000123456789012346");
    assert_eq!(number_to_string(f64::INFINITY).unwrap_err().code, "D3001");
    assert_eq!(number_to_string(f64::NAN).unwrap_err().code, "D3001");
    assert_eq!(number_to_json(0.1 + 0.2), "0.30000000000000004");
    // Exactly between two shortest candidates (…620.76562|5): JavaScript takes the even one.
    assert_eq!(
        number_to_json(-(76260835620.0 + 49.0 / 64.0)),
        "-76260835620.76562"
    );
    assert_eq!(number_to_json(f64::NAN), "null");
    assert_eq!(number_to_js(f64::NEG_INFINITY), "-Infinity");
}

#[test]
fn number_parsing_accepts_json_numbers_and_prefixed_integers_only() {
    for (text, want) in [
        ("007", Some(7.0)),
        ("-0.5e1", Some(-5.0)),
        ("1E+2", Some(100.0)),
        ("0xff", Some(255.0)),
        ("0XFF", Some(255.0)),
        ("0o17", Some(15.0)),
        ("0b11", Some(3.0)),
        ("0x", None),
        ("0x1g", None),
        ("-0x1", None),
        ("1.", None),
        (".5", None),
        ("+1", None),
        (" 1", None),
        ("1e", None),
        ("1e400", None),
        ("Infinity", None),
        ("", None),
        ("é", None),
    ] {
        assert_eq!(parse_number(text), want, "{text:?}");
    }
    // Long hexadecimal rounds to nearest, ties to even, like JavaScript's Number().
    assert_eq!(parse_number("0x20000000000001"), Some(9007199254740992.0));
    assert_eq!(parse_number("0x20000000000003"), Some(9007199254740996.0));
    let long = format!("0x1{}1", "0".repeat(40));
    assert_eq!(parse_number(&long), Some(2f64.powi(164)));
    let sticky = format!("0x20000000000001{}1", "0".repeat(40));
    assert_eq!(
        parse_number(&sticky),
        Some(9007199254740994.0 * 2f64.powi(164))
    );
    assert_eq!(parse_number(&format!("0x{}", "f".repeat(300))), None);
}

#[test]
fn rounding_is_half_even_on_the_decimal_text() {
    assert_eq!(round(4.525, 2), 4.52);
    assert_eq!(round(4.535, 2), 4.54);
    assert_eq!(round(-2.5, 0), -2.0);
    assert_eq!(round(-0.4, 0).to_bits(), 0f64.to_bits());
    assert_eq!(round(12350.0, -2), 12400.0);
    assert_eq!(round(1e300, -400), 0.0);
    assert_eq!(round(1.5, 400), 1.5);
    assert_eq!(round(1.5, i32::MAX), 1.5);
    assert_eq!(round(123.456, i32::MIN), 0.0);
    assert_eq!(round(0.49999999999999994, 0), 0.0);
    assert_eq!(round(4503599627370497.0, 0), 4503599627370497.0);
    assert_eq!(round(1.23e25, -24), 1.2e25);
}

#[test]
fn bases_follow_javascript() {
    let b = |n: f64, r: f64| format_base(n, r).unwrap();
    assert_eq!(b(255.0, 16.0), "ff");
    assert_eq!(b(-255.0, 2.0), "-11111111");
    assert_eq!(b(0.5, 2.0), "0");
    assert_eq!(b(1e21, 10.0), "1e+21");
    // V8 fills the digits below the double's precision with zeros.
    assert_eq!(b(1e21, 36.0), "5v1j4f4ds7c000");
    assert_eq!(b(2f64.powi(60), 2.0), format!("1{}", "0".repeat(60)));
    assert_eq!(format_base(1.0, 36.6).unwrap_err().code, "D3100");
    assert_eq!(format_base(1.0, f64::NAN).unwrap_err().code, "D3100");
}
