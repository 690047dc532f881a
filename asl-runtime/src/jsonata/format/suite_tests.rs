//! JSONata's own test suite (`shared/jsonata-suite/groups/`) for these functions: each case
//! whose expression only calls them on literals is run here. A few shapes that combine them
//! are understood as well — `$toMillis(…) ~> $fromMillis()`, `$toMillis(…) = $toMillis(…)` and
//! `($ts := $toMillis(…); $fromMillis($ts, …))` — by a tiny evaluator for exactly that much.
//! The rest (paths, other functions, comparisons) waits for the real evaluator; so do cases
//! whose first argument is `undefined`, which the evaluator answers without calling us.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::datetime::{from_millis, to_millis};
use super::integer::{format_integer, parse_integer};
use super::FormatError;

/// (group, cases expected to pass).
const GROUPS: [(&str, usize); 4] = [
    ("function-formatInteger", 64),
    ("function-parseInteger", 60),
    ("function-fromMillis", 90),
    ("function-tomillis", 56),
];

#[derive(Debug, Clone, PartialEq)]
enum Val {
    Undefined,
    Number(f64),
    Text(String),
    Bool(bool),
}

/// Why a case cannot run here.
#[derive(Debug)]
struct Skip(&'static str);

#[derive(Debug, Clone)]
enum Expr {
    Literal(Val),
    Variable,
    Call(String, Vec<Expr>),
    /// `($ts := first; then)`
    Bind(Box<Expr>, Box<Expr>),
    Equals(Box<Expr>, Box<Expr>),
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn peek(&mut self) -> Option<char> {
        while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
            self.at += 1;
        }
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, text: &str) -> bool {
        self.peek();
        let wanted: Vec<char> = text.chars().collect();
        let found = self.chars.get(self.at..self.at + wanted.len()) == Some(&wanted[..]);
        if found {
            self.at += wanted.len();
        }
        found
    }

    fn expect(&mut self, text: &str) -> Result<(), Skip> {
        self.eat(text).then_some(()).ok_or(Skip("not a call on literals"))
    }

    /// comparison := chain ("=" chain)?
    fn comparison(&mut self) -> Result<Expr, Skip> {
        let left = self.chain()?;
        if self.eat("=") {
            return Ok(Expr::Equals(Box::new(left), Box::new(self.chain()?)));
        }
        Ok(left)
    }

    /// chain := primary ("~>" call)*
    fn chain(&mut self) -> Result<Expr, Skip> {
        let mut expr = self.primary()?;
        while self.eat("~>") {
            let Expr::Call(name, mut args) = self.primary()? else {
                return Err(Skip("not a call on literals"));
            };
            args.insert(0, expr);
            expr = Expr::Call(name, args);
        }
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, Skip> {
        match self.peek() {
            Some('(') if self.eat("()") => Ok(Expr::Literal(Val::Undefined)),
            Some('(') => {
                self.expect("(")?;
                self.expect("$ts")?;
                self.expect(":=")?;
                let first = self.chain()?;
                self.expect(";")?;
                let then = self.chain()?;
                self.expect(")")?;
                Ok(Expr::Bind(Box::new(first), Box::new(then)))
            }
            Some('$') if self.eat("$ts") => Ok(Expr::Variable),
            Some('$') => self.call(),
            Some(quote @ ('\'' | '"')) => self.string(quote),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            _ if self.eat("undefined") => Ok(Expr::Literal(Val::Undefined)),
            _ => Err(Skip("not a call on literals")),
        }
    }

    fn call(&mut self) -> Result<Expr, Skip> {
        self.expect("$")?;
        let start = self.at;
        while self.chars.get(self.at).is_some_and(|c| c.is_alphanumeric()) {
            self.at += 1;
        }
        let name: String = self.chars[start..self.at].iter().collect();
        self.expect("(")?;
        let mut args = Vec::new();
        while !self.eat(")") {
            if !args.is_empty() {
                self.expect(",")?;
            }
            args.push(self.chain()?);
        }
        Ok(Expr::Call(name, args))
    }

    fn string(&mut self, quote: char) -> Result<Expr, Skip> {
        self.at += 1;
        let mut text = String::new();
        loop {
            let c = *self.chars.get(self.at).ok_or(Skip("unterminated string"))?;
            self.at += 1;
            match c {
                c if c == quote => return Ok(Expr::Literal(Val::Text(text))),
                '\\' => {
                    let escaped = *self.chars.get(self.at).ok_or(Skip("bad escape"))?;
                    self.at += 1;
                    text.push(match escaped {
                        'n' => '\n',
                        't' => '\t',
                        other => other,
                    });
                }
                c => text.push(c),
            }
        }
    }

    fn number(&mut self) -> Result<Expr, Skip> {
        let start = self.at;
        while self.chars.get(self.at).is_some_and(|c| c.is_ascii_digit() || "-+.eE".contains(*c)) {
            self.at += 1;
        }
        let text: String = self.chars[start..self.at].iter().collect();
        text.parse().map(|n| Expr::Literal(Val::Number(n))).map_err(|_| Skip("bad number"))
    }
}

enum Outcome {
    Value(Val),
    Error(FormatError),
}

fn eval(expr: &Expr, ts: &Val) -> Result<Outcome, Skip> {
    let (name, args) = match expr {
        Expr::Literal(value) => return Ok(Outcome::Value(value.clone())),
        Expr::Variable => return Ok(Outcome::Value(ts.clone())),
        Expr::Bind(first, then) => {
            return match eval(first, ts)? {
                Outcome::Value(value) => eval(then, &value),
                error => Ok(error),
            }
        }
        Expr::Equals(left, right) => {
            return match (eval(left, ts)?, eval(right, ts)?) {
                (Outcome::Value(left), Outcome::Value(right)) => {
                    Ok(Outcome::Value(Val::Bool(left == right)))
                }
                (Outcome::Error(error), _) | (_, Outcome::Error(error)) => {
                    Ok(Outcome::Error(error))
                }
            }
        }
        Expr::Call(name, args) => (name, args),
    };
    let mut values = Vec::new();
    for arg in args {
        match eval(arg, ts)? {
            Outcome::Value(value) => values.push(value),
            error => return Ok(error),
        }
    }
    let text = |i: usize| match values.get(i) {
        Some(Val::Text(text)) => Ok(Some(text.as_str())),
        Some(Val::Undefined) | None => Ok(None),
        Some(_) => Err(Skip("a number where a string goes")),
    };
    let result = match (name.as_str(), values.first()) {
        (_, Some(Val::Undefined)) => return Ok(Outcome::Value(Val::Undefined)),
        ("formatInteger", Some(Val::Number(n))) => {
            format_integer(*n, text(1)?.unwrap_or_default()).map(Val::Text)
        }
        ("parseInteger", Some(Val::Text(s))) => {
            parse_integer(s, text(1)?.unwrap_or_default()).map(number_or_undefined)
        }
        ("fromMillis", Some(Val::Number(n))) => from_millis(*n, text(1)?, text(2)?).map(Val::Text),
        ("toMillis", Some(Val::Text(s))) => to_millis(s, text(1)?).map(number_or_undefined),
        _ => return Err(Skip("a function or argument only the evaluator has")),
    };
    Ok(match result {
        Ok(value) => Outcome::Value(value),
        Err(error) => Outcome::Error(error),
    })
}

fn number_or_undefined(n: Option<f64>) -> Val {
    n.map_or(Val::Undefined, Val::Number)
}

/// Runs one case: Ok(None) passed, Ok(Some(reason)) failed, Err skipped.
fn run(case: &Json) -> Result<Option<String>, Skip> {
    let expr = case["expr"].as_str().ok_or(Skip("no expr"))?;
    let mut parser = Parser { chars: expr.chars().collect(), at: 0 };
    let parsed = parser.comparison()?;
    if parser.peek().is_some() {
        return Err(Skip("not a call on literals"));
    }
    if let Expr::Call(_, args) = &parsed {
        if matches!(args.first(), Some(Expr::Literal(Val::Undefined))) {
            return Err(Skip("undefined argument: the evaluator's job"));
        }
    }
    let outcome = eval(&parsed, &Val::Undefined)?;
    let expected = if let Some(code) = case["code"].as_str() {
        format!("error {code}")
    } else if case["undefinedResult"] == true {
        "undefined".to_owned()
    } else {
        format!("{}", case["result"])
    };
    let got = match outcome {
        Outcome::Error(e) => format!("error {}", e.code),
        Outcome::Value(Val::Undefined) => "undefined".to_owned(),
        Outcome::Value(Val::Text(t)) => Json::from(t).to_string(),
        Outcome::Value(Val::Bool(b)) => b.to_string(),
        Outcome::Value(Val::Number(n)) => match case["result"].as_f64() {
            Some(want) if want == n => format!("{}", case["result"]),
            _ => format!("{n}"),
        },
    };
    Ok((got != expected).then(|| format!("{expr}\n    expected {expected}\n    got      {got}")))
}

fn cases(group: &Path) -> Vec<Json> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(group)
        .unwrap_or_else(|e| panic!("{}: {e}", group.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| match serde_json::from_str(&std::fs::read_to_string(path).unwrap()) {
            Ok(Json::Array(cases)) => cases,
            Ok(case) => vec![case],
            Err(e) => panic!("{}: {e}", path.display()),
        })
        .collect()
}

#[test]
fn jsonata_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/jsonata-suite/groups");
    let mut report = String::new();
    let mut passes = Vec::new();
    for (group, _) in GROUPS {
        let (mut passed, mut failed, mut skipped) = (0, Vec::new(), Vec::new());
        for case in cases(&root.join(group)) {
            match run(&case) {
                Ok(None) => passed += 1,
                Ok(Some(failure)) => failed.push(failure),
                Err(Skip(reason)) => skipped.push(format!("{reason}: {}", case["expr"])),
            }
        }
        report += &format!(
            "{group}: {passed} passed, {} failed, {} skipped\n",
            failed.len(),
            skipped.len()
        );
        for line in failed.iter().map(|f| format!("  FAIL {f}\n")) {
            report += &line;
        }
        for line in skipped.iter().map(|s| format!("  skip {s}\n")) {
            report += &line;
        }
        passes.push((group, passed));
    }
    println!("{report}");
    let expected: Vec<_> = GROUPS.to_vec();
    assert_eq!(passes, expected, "\n{report}");
}
