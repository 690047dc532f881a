use super::*;
use crate::jsonata::text::suite::{self, Arg, Expected};

fn options(fields: &[(String, Arg)]) -> Result<DecimalFormat, TextError> {
    let mut format = DecimalFormat::default();
    for (name, value) in fields {
        match value {
            Arg::Str(value) => format.set(name, value)?,
            _ => return Err(TextError::new("T0410", "not a string")),
        }
    }
    Ok(format)
}

#[test]
fn suite_format_number() {
    let report = suite::run(
        &["function-formatNumber"],
        "formatNumber",
        |args| match args {
            [Arg::Num(n), Arg::Str(picture)] => Some(suite::text(format_number(
                *n,
                picture,
                &DecimalFormat::default(),
            ))),
            [Arg::Num(n), Arg::Str(picture), Arg::Obj(fields)] => Some(match options(fields) {
                Ok(format) => suite::text(format_number(*n, picture, &format)),
                Err(e) => Expected::Error(e.code.to_string()),
            }),
            _ => None,
        },
    );
    assert!(report.failures.is_empty());
    assert_eq!(report.passed, 42);
}

fn fmt(n: f64, picture: &str) -> String {
    format_number(n, picture, &DecimalFormat::default()).unwrap_or_else(|e| e.code.to_string())
}

#[test]
fn where_the_reference_has_accidents_xpath_decides() {
    assert_eq!(fmt(20.0, "0e"), "20e");
    assert_eq!(fmt(1234.5, "x0.0e0"), "x1.2e3");
    assert_eq!(fmt(1.5, "0.0,0,0"), "1.5,0,0");
    assert_eq!(fmt(5.0, "#,#,##0"), "5");
    assert_eq!(fmt(12345.0, "#,#,##0"), "1,2,345");
    assert_eq!(fmt(1e21, "#,###"), "1,000,000,000,000,000,000,000");
    assert_eq!(fmt(0.123, "#e0"), "0.1e0");
}

#[test]
fn several_broken_rules_report_the_reference_s_code() {
    // Codes the reference (jsonata 2.2.2) reports for pictures breaking several rules.
    assert_eq!(fmt(1.0, ".#.,;x.0#.#"), "D3081");
    assert_eq!(fmt(1.0, "...,-\u{2030}"), "D3085");
    assert_eq!(fmt(1.0, "e.\u{2030}.,0."), "D3086");
    assert_eq!(fmt(1.0, "%%"), "D3086");
}

#[test]
fn pictures_and_options() {
    assert_eq!(fmt(-1234.5, "#,##0.00;(#,##0.00)"), "(1,234.50)");
    assert_eq!(fmt(0.0, "#"), "0");
    assert_eq!(fmt(0.5, "#"), "0");
    assert_eq!(fmt(1.5, "#"), "2");
    assert_eq!(fmt(0.000001234, "0.00e00"), "1.23e-06");
    assert_eq!(fmt(1e300, "0.0e0"), "1.0e300");
    assert_eq!(fmt(5e-324, "0.0e0"), "4.9e-324");
    assert_eq!(fmt(f64::NAN, "0"), "NaN");
    assert_eq!(fmt(f64::NEG_INFINITY, "0"), "-Infinity");
    let mut german = DecimalFormat::default();
    german.set("decimal-separator", ",").unwrap();
    german.set("grouping-separator", ".").unwrap();
    assert_eq!(
        format_number(1234567.891, "#.##0,00", &german).unwrap(),
        "1.234.567,89"
    );
    assert_eq!(german.set("digit", "##").unwrap_err().code, "T0410");
    assert_eq!(german.set("colour", "red").unwrap_err().code, "T0410");
    assert_eq!(
        german.set("zero-digit", "\u{10FFFF}").unwrap_err().code,
        "T0410"
    );
}

#[test]
fn long_pictures_and_odd_characters_do_not_panic() {
    let long = format!("#,##0.{}", "0".repeat(5000));
    assert_eq!(fmt(1.0 / 3.0, &long).len(), 5000 + 2);
    let long_int = format!("{}.0e0", "0".repeat(400));
    let _ = fmt(1.0, &long_int);
    for picture in [
        "",
        ";",
        "é",
        "0é0",
        "\u{2030}",
        "e",
        "0.e",
        "#;#",
        "ee0e",
        ",",
        ".",
        "0,0.0,0e0",
    ] {
        let _ = fmt(123.456, picture);
        let _ = fmt(-123.456, picture);
    }
}
