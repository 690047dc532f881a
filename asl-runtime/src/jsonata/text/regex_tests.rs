use super::*;
use crate::jsonata::text::suite::{self, Arg, Expected, Outcome};
use ::regex::{NoExpand, Regex};
use serde_json::Value;

fn compile(pattern: &str, flags: &str) -> Result<Regex, String> {
    let translated = translate(pattern, flags).map_err(|e| e.code.to_string())?;
    Regex::new(&translated).map_err(|e| format!("{translated}: {e}"))
}

fn string_list(items: Vec<&str>) -> Outcome {
    Expected::Value(Value::Array(
        items.into_iter().map(|s| Value::String(s.into())).collect(),
    ))
}

#[test]
fn suite_regex() {
    let contains = suite::run(&["regex"], "contains", |args| match args {
        [Arg::Str(s), Arg::Regex { pattern, flags }] => Some(match compile(pattern, flags) {
            Ok(re) => Expected::Value(Value::Bool(re.is_match(s))),
            Err(e) => Expected::Error(e),
        }),
        _ => None,
    });
    let split = suite::run(&["regex"], "split", |args| {
        let (s, pattern, flags, limit) = match args {
            [Arg::Str(s), Arg::Regex { pattern, flags }] => (s, pattern, flags, usize::MAX),
            [Arg::Str(s), Arg::Regex { pattern, flags }, Arg::Num(n)] => {
                (s, pattern, flags, *n as usize)
            }
            _ => return None,
        };
        Some(match compile(pattern, flags) {
            Ok(re) => string_list(re.split(s).take(limit).collect()),
            Err(e) => Expected::Error(e),
        })
    });
    // `$replace`'s `$1` substitutions belong to the evaluator; literal replacements are checked,
    // the others only compiled.
    let replace = suite::run(&["regex"], "replace", |args| {
        let (s, pattern, flags, with, limit) = match args {
            [Arg::Str(s), Arg::Regex { pattern, flags }, Arg::Str(w)] => {
                (s, pattern, flags, w, None)
            }
            [Arg::Str(s), Arg::Regex { pattern, flags }, Arg::Str(w), Arg::Num(n)] => {
                (s, pattern, flags, w, Some(*n as usize))
            }
            _ => return None,
        };
        let re = match compile(pattern, flags) {
            Err(e) => return Some(Expected::Error(e)),
            Ok(_) if with.contains('$') => return None,
            Ok(re) => re,
        };
        // The regex crate reads a limit of 0 as "all"; JSONata as "none".
        let replaced = match limit {
            Some(0) => s.clone(),
            limit => re
                .replacen(s, limit.unwrap_or(0), NoExpand(with))
                .into_owned(),
        };
        Some(Expected::Value(Value::String(replaced)))
    });
    for report in [&contains, &split, &replace] {
        assert!(report.failures.is_empty());
    }
    assert_eq!((contains.passed, split.passed, replace.passed), (2, 3, 10));
}

fn js(pattern: &str, flags: &str) -> Regex {
    compile(pattern, flags).unwrap_or_else(|e| panic!("/{pattern}/{flags}: {e}"))
}

#[test]
fn javascript_classes_keep_their_meaning() {
    assert!(!js(r"^\d$", "").is_match("٣")); // ARABIC-INDIC DIGIT THREE
    assert!(!js(r"^\w$", "").is_match("é"));
    assert!(!js(r"^\w$", "i").is_match("\u{212A}")); // KELVIN SIGN
    assert!(js(r"^\s$", "").is_match("\u{FEFF}"));
    assert!(!js(r"^\s$", "").is_match("\u{85}"));
    assert!(!js(r"^.$", "").is_match("\r"));
    assert!(js(r"^.$", "").is_match("é"));
    assert!(js(r"^[^]$", "").is_match("\n"));
    assert!(!js(r"[]", "").is_match("]"));
    assert!(js(r"\bé", "").is_match("aé") == js(r"\bé", "").is_match("aé"));
    assert!(js(r"a\b", "").is_match("aé"));
    assert!(js(r"^[\d-z]+$", "").is_match("1-z"));
    assert!(js(r"^[[&&~-]+$", "").is_match("[&&~-"));
    assert!(js(r"^[\w\s]+$", "").is_match("a b"));
    assert!(!js(r"^[^\d\s]$", "").is_match("1"));
    assert!(js(r"^[\b]$", "").is_match("\u{8}"));
}

#[test]
fn escapes_and_annex_b_literals() {
    assert!(js(r"^\/\u00e9\x41$", "").is_match("/éA"));
    assert!(js(r"^\uD834\uDD1E$", "").is_match("𝄞"));
    assert!(js(r"^\a\-\8\cJ$", "").is_match("a-8\n"));
    assert!(js(r"^\c1$", "").is_match("\\c1"));
    assert!(js(r"^\x\u12$", "").is_match("xu12"));
    assert!(js(r"^a{,2}}]$", "").is_match("a{,2}}]"));
    assert!(js(r"^a{2}$", "").is_match("aa"));
    assert!(js(r"^\0\101\377$", "").is_match("\0A\u{FF}"));
    assert!(js(r"^(a)\2$", "").is_match("a\u{2}"));
    assert!(js(r"^\k$", "").is_match("k"));
    assert!(js(r"^[\101-\132]+$", "").is_match("AZ"));
}

#[test]
fn anchors_flags_and_groups() {
    assert!(!js(r"^b$", "").is_match("a\nb"));
    assert!(js(r"^b$", "m").is_match("a\nb"));
    assert!(js(r"^b$", "m").is_match("a\rb"));
    assert!(js(r"^HAT$", "i").is_match("hat"));
    let re = js(r"(?<word>\w+) (\d+)", "");
    let caps = re.captures("abc 42").unwrap();
    assert_eq!(&caps["word"], "abc");
    assert_eq!(&caps[2], "42");
    assert!(js(r"(?:a|b)+", "").is_match("ab"));
}

#[test]
fn what_the_regex_crate_cannot_run_is_named() {
    for (pattern, feature) in [
        (r"(a)\1", "back-reference"),
        (r"(?<n>a)\k<n>", "named back-reference"),
        (r"a(?=b)", "lookaround"),
        (r"a(?!b)", "lookaround"),
        (r"(?<=a)b", "lookaround"),
        (r"(?<!a)b", "lookaround"),
        (r"\uD800", "lone surrogate"),
        (r"[a", "unterminated"),
        (r"[z-a]", "out of order"),
        ("a\\", "trailing backslash"),
    ] {
        let err = translate(pattern, "").unwrap_err();
        assert_eq!(err.code, UNSUPPORTED);
        assert!(err.detail.contains(feature), "{pattern}: {}", err.detail);
    }
    assert!(translate("a", "g").unwrap_err().detail.contains("flag"));
}

#[test]
fn arbitrary_patterns_do_not_panic() {
    let pieces = [
        "\\", "[", "]", "^", "(", "?", "<", "=", "{", "}", "1", ",", "u", "c", "x", "-", "é", "D8",
    ];
    for a in pieces {
        for b in pieces {
            for c in pieces {
                let pattern = format!("{a}{b}{c}");
                if let Ok(t) = translate(&pattern, "im") {
                    let _ = Regex::new(&t);
                }
            }
        }
    }
}
