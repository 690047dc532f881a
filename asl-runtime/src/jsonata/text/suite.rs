//! Test support: the cases of JSONata's own test suite (`shared/jsonata-suite/groups`) whose
//! expression is one call of a function on literal arguments, which these primitives can check
//! without an evaluator. Everything else in a group is counted as needing the full language.

use serde_json::Value;
use std::path::PathBuf;

/// A literal argument, as written in the expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Num(f64),
    Str(String),
    Bool(bool),
    Null,
    Regex { pattern: String, flags: String },
    Obj(Vec<(String, Arg)>),
}

/// What the suite expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    Value(Value),
    Undefined,
    Error(String),
}

/// What a check of one case produced, in the suite's terms.
pub type Outcome = Expected;

pub struct Case {
    pub name: String,
    pub expr: String,
    pub args: Vec<Arg>,
    pub expected: Expected,
}

/// Tallies of one function's run over its groups.
#[derive(Default)]
pub struct Report {
    pub passed: usize,
    pub failures: Vec<String>,
    /// Not one call on literal arguments, or inputs the file format cannot carry.
    pub needs_language: usize,
    /// A literal call whose arguments are the evaluator's to check (types, arity).
    pub evaluator: usize,
}

impl Report {
    pub fn print(&self, function: &str) {
        println!(
            "{function}: {} passed, {} failed, {} skipped (need the full language), {} skipped \
             (argument checks belong to the evaluator)",
            self.passed,
            self.failures.len(),
            self.needs_language,
            self.evaluator
        );
        for failure in &self.failures {
            println!("  FAIL {failure}");
        }
    }
}

fn groups_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/jsonata-suite/groups")
}

/// Runs `check` on every literal call of `function` in `groups`. `check` returns `None` when the
/// arguments are for the evaluator to reject.
pub fn run(groups: &[&str], function: &str, check: impl Fn(&[Arg]) -> Option<Outcome>) -> Report {
    let mut report = Report::default();
    for group in groups {
        let dir = groups_dir().join(group);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for file in files {
            let name = format!(
                "{group}/{}",
                file.file_name().unwrap_or_default().to_string_lossy()
            );
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            // serde_json refuses lone surrogates ("\uD800"), which no Rust string can hold.
            let Ok(json) = serde_json::from_str::<Value>(&text) else {
                report.needs_language += 1;
                continue;
            };
            let cases = match json {
                Value::Array(cases) => cases,
                case => vec![case],
            };
            for (i, case) in cases.iter().enumerate() {
                let name = if i == 0 {
                    name.clone()
                } else {
                    format!("{name}[{i}]")
                };
                match literal_case(name, case, function) {
                    Some(case) => match check(&case.args) {
                        None => report.evaluator += 1,
                        Some(got) if same(&got, &case.expected) => report.passed += 1,
                        Some(got) => report.failures.push(format!(
                            "{}: {} expected {:?}, got {:?}",
                            case.name, case.expr, case.expected, got
                        )),
                    },
                    None => report.needs_language += 1,
                }
            }
        }
    }
    report.print(function);
    report
}

/// Equality where JSON numbers compare by value (the suite's `0` against our `0.0`).
fn same(got: &Outcome, expected: &Expected) -> bool {
    match (got, expected) {
        (Expected::Value(Value::Number(a)), Expected::Value(Value::Number(b))) => {
            a.as_f64() == b.as_f64()
        }
        _ => got == expected,
    }
}

fn literal_case(name: String, case: &Value, function: &str) -> Option<Case> {
    let expr = case.get("expr")?.as_str()?.to_string();
    if case.get("data").is_some_and(|d| !d.is_null()) {
        return None;
    }
    let expected = if let Some(code) = case.get("code").or_else(|| case.pointer("/error/code")) {
        Expected::Error(code.as_str()?.to_string())
    } else if let Some(result) = case.get("result") {
        Expected::Value(result.clone())
    } else if case.get("undefinedResult").is_some() {
        Expected::Undefined
    } else {
        return None;
    };
    let mut p = Parser {
        s: expr.trim(),
        i: 0,
    };
    p.eat(&format!("${function}("))?;
    let mut args = Vec::new();
    p.ws();
    if p.eat(")").is_none() {
        loop {
            args.push(p.arg()?);
            p.ws();
            if p.eat(")").is_some() {
                break;
            }
            p.eat(",")?;
        }
    }
    p.ws();
    (p.i == p.s.len()).then_some(Case {
        name,
        expr,
        args,
        expected,
    })
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }
    fn ws(&mut self) {
        let n = self.rest().len() - self.rest().trim_start().len();
        self.i += n;
    }
    fn eat(&mut self, token: &str) -> Option<()> {
        self.rest()
            .starts_with(token)
            .then(|| self.i += token.len())
    }

    fn arg(&mut self) -> Option<Arg> {
        self.ws();
        let c = self.rest().chars().next()?;
        match c {
            '"' | '\'' => self.string().map(Arg::Str),
            '/' => self.regex(),
            '{' => self.object(),
            '-' | '0'..='9' => self.number(),
            _ if self.eat("true").is_some() => Some(Arg::Bool(true)),
            _ if self.eat("false").is_some() => Some(Arg::Bool(false)),
            _ if self.eat("null").is_some() => Some(Arg::Null),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<Arg> {
        let negative = self.eat("-").is_some();
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_digit() || ".eE".contains(c)))
            .unwrap_or(self.rest().len());
        // An exponent sign belongs to the literal.
        let mut len = len;
        let r = self.rest();
        if r[..len].ends_with(['e', 'E']) && r[len..].starts_with(['+', '-']) {
            len += 1 + r[len + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(r.len() - len - 1);
        }
        let value: f64 = r[..len].parse().ok()?;
        self.i += len;
        Some(Arg::Num(if negative { -value } else { value }))
    }

    fn string(&mut self) -> Option<String> {
        let quote = self.rest().chars().next()?;
        self.i += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((at, c)) = chars.next() {
            if c == quote {
                self.i += at + 1;
                return Some(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let (_, e) = chars.next()?;
            out.push(match e {
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    let unit = u32::from_str_radix(&hex, 16).ok()?;
                    if (0xD800..0xDC00).contains(&unit) {
                        chars.next().filter(|(_, c)| *c == '\\')?;
                        chars.next().filter(|(_, c)| *c == 'u')?;
                        let low: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, c)| c))
                            .collect();
                        let low = u32::from_str_radix(&low, 16).ok()?;
                        char::from_u32(
                            0x10000 + ((unit - 0xD800) << 10) + (low.checked_sub(0xDC00)?),
                        )?
                    } else {
                        char::from_u32(unit)?
                    }
                }
                other => other,
            });
        }
        None
    }

    fn regex(&mut self) -> Option<Arg> {
        self.i += 1;
        let mut pattern = String::new();
        let mut chars = self.rest().char_indices();
        let mut in_class = false;
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => {
                    pattern.push(c);
                    pattern.push(chars.next()?.1);
                }
                '[' => {
                    in_class = true;
                    pattern.push(c);
                }
                ']' => {
                    in_class = false;
                    pattern.push(c);
                }
                '/' if !in_class => {
                    self.i += at + 1;
                    let flags: String = self
                        .rest()
                        .chars()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .collect();
                    self.i += flags.len();
                    return Some(Arg::Regex { pattern, flags });
                }
                _ => pattern.push(c),
            }
        }
        None
    }

    fn object(&mut self) -> Option<Arg> {
        self.eat("{")?;
        let mut fields = Vec::new();
        self.ws();
        if self.eat("}").is_some() {
            return Some(Arg::Obj(fields));
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.eat(":")?;
            fields.push((key, self.arg()?));
            self.ws();
            if self.eat("}").is_some() {
                return Some(Arg::Obj(fields));
            }
            self.eat(",")?;
        }
    }
}

/// A number result as the suite's JSON would carry it.
pub fn number(n: f64) -> Outcome {
    serde_json::Number::from_f64(n).map_or(Expected::Error("non-finite".into()), |n| {
        Expected::Value(Value::Number(n))
    })
}

/// A string result, or the error's code.
pub fn text(result: Result<String, super::TextError>) -> Outcome {
    match result {
        Ok(s) => Expected::Value(Value::String(s)),
        Err(e) => Expected::Error(e.code.to_string()),
    }
}
