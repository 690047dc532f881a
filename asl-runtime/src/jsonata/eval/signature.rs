//! Function signatures (`<s-nn?:s>`) checked at a call, as JSONata checks them: each argument
//! is one letter (`s`tring, `n`umber, `b`oolean, nu`l`l, `a`rray, `o`bject, `f`unction, `m`issing)
//! and the signature is a regular expression over those letters, one group per parameter,
//! matched greedily with backtracking. What the groups take decides the arguments the function
//! gets: a `-` parameter left empty takes the context value, an `a` parameter wraps a single
//! value in an array. The same rules serve built-ins and lambdas.

use crate::jsonata::error::{Error, Result};
use crate::jsonata::tree::Param;
use crate::jsonata::value::{ArrayKind, Value};

/// The arguments as the function receives them, or JSONata's error: `T0410` (no match),
/// `T0411` (the context cannot stand for a left-out argument), `T0412` (wrong array members).
pub(crate) fn validate<'a>(params: &[Param], args: Vec<Value<'a>>, context: &Value<'a>, name: &str) -> Result<Vec<Value<'a>>> {
    let symbols: Vec<char> = args.iter().map(symbol).collect();
    let Some(counts) = matching(params, &symbols) else {
        return Err(mismatch(params, &symbols, name));
    };
    let mut out = Vec::with_capacity(params.len().max(args.len()));
    // `at` is the next argument; `taken` the next letter the groups matched. They part when an
    // empty group hands on an argument anyway.
    let (mut at, mut matched) = (0, 0);
    for (param, count) in params.iter().zip(counts) {
        if count == 0 {
            if param.context {
                if !allows(param, symbol(context)) {
                    return Err(Error::new(
                        "T0411",
                        format!("Context value is not a compatible type with argument {} of function {}", at + 1, quoted(name)),
                    ));
                }
                out.push(context.clone());
            } else {
                // JSONata hands on the argument in this position even though the group took
                // none: an optional parameter left out is undefined, or the next argument.
                out.push(args.get(at).cloned().unwrap_or_default());
                at += 1;
            }
            continue;
        }
        let taken = &symbols[matched..matched + count];
        matched += count;
        for _ in 0..count {
            let arg = args.get(at).cloned().unwrap_or_default();
            out.push(if param.types == "a" { as_array(param, arg, taken, at, name)? } else { arg });
            at += 1;
        }
    }
    Ok(out)
}

/// A value's letter.
fn symbol(v: &Value<'_>) -> char {
    match v {
        Value::Undefined => 'm',
        Value::Null => 'l',
        Value::Bool(_) => 'b',
        Value::Number(_) => 'n',
        Value::String(_) => 's',
        Value::Function(_) => 'f',
        v if v.is_array() => 'a',
        _ => 'o',
    }
}

/// Whether a parameter's group takes a value of letter `s` (an array parameter takes any
/// value, a function parameter only a function; only those two refuse a missing one).
fn allows(param: &Param, s: char) -> bool {
    let class = match param.types {
        "a" | "x" => "asnblfom",
        "f" => "f",
        "j" => "asnblom",
        "u" => "bnslm",
        types => return s == 'm' || types.contains(s),
    };
    class.contains(s)
}

/// How many letters a parameter's group takes at least and at most.
fn bounds(param: &Param) -> (usize, usize) {
    let min = if param.optional || param.context { 0 } else { 1 };
    let max = if param.variadic { usize::MAX } else { 1 };
    (min, max)
}

/// How many arguments each parameter takes when the whole signature matches.
fn matching(params: &[Param], symbols: &[char]) -> Option<Vec<usize>> {
    Matcher::new(params, symbols, true).run()
}

/// Matches parameters against letters greedily with backtracking, as a regular expression
/// does, remembering the (parameter, position) pairs that cannot lead to a match so that a
/// signature of several `+` groups stays polynomial.
struct Matcher<'p> {
    params: &'p [Param],
    symbols: &'p [char],
    /// The match must reach the last letter.
    whole: bool,
    dead: Vec<bool>,
    counts: Vec<usize>,
    end: usize,
}

impl<'p> Matcher<'p> {
    fn new(params: &'p [Param], symbols: &'p [char], whole: bool) -> Self {
        let dead = vec![false; (params.len() + 1) * (symbols.len() + 1)];
        Matcher { params, symbols, whole, dead, counts: Vec::with_capacity(params.len()), end: 0 }
    }

    /// How many letters each parameter took.
    fn run(mut self) -> Option<Vec<usize>> {
        self.extend(0, 0).then_some(self.counts)
    }

    /// Where a match of the parameters from the start ends.
    fn end(mut self) -> Option<usize> {
        self.extend(0, 0).then_some(self.end)
    }

    fn extend(&mut self, i: usize, at: usize) -> bool {
        let Some(param) = self.params.get(i) else {
            self.end = at;
            return !self.whole || at == self.symbols.len();
        };
        let key = i * (self.symbols.len() + 1) + at;
        if self.dead[key] {
            return false;
        }
        let (min, max) = bounds(param);
        let available = self.symbols[at..].iter().take_while(|s| allows(param, **s)).count().min(max);
        for n in (min..=available).rev() {
            self.counts.push(n);
            if self.extend(i + 1, at + n) {
                return true;
            }
            self.counts.pop();
        }
        self.dead[key] = true;
        false
    }
}

/// `T0410` naming the first argument the signature cannot take: the one after the longest
/// run of parameters that matches from the start.
fn mismatch(params: &[Param], symbols: &[char], name: &str) -> Error {
    let mut good_to = 0;
    for k in 1..=params.len() {
        match Matcher::new(&params[..k], symbols, false).end() {
            Some(end) => good_to = end,
            None => break,
        }
    }
    Error::new("T0410", format!("Argument {} of function {} does not match function signature", good_to + 1, quoted(name)))
}

/// An argument of an array parameter: a single value becomes an array of one; `a<n>` wants
/// members of one type (JSONata looks at the letter the group took, or at an array's members).
fn as_array<'a>(param: &Param, arg: Value<'a>, taken: &[char], at: usize, name: &str) -> Result<Value<'a>> {
    let single = symbol(&arg);
    if single == 'm' {
        return Ok(Value::Undefined);
    }
    if let Some(items) = param.items {
        let ok = if single != 'a' {
            taken.iter().collect::<String>() == items
        } else {
            let mut members = arg.members().map(|m| symbol(&m));
            match members.next() {
                None => true,
                Some(first) => items.starts_with(first) && members.all(|m| m == first),
            }
        };
        if !ok {
            return Err(Error::new(
                "T0412",
                format!("Argument {} of function {} must be an array of {}", at + 1, quoted(name), type_name(items)),
            ));
        }
    }
    Ok(if single == 'a' { arg } else { Value::array(vec![arg], ArrayKind::PLAIN) })
}

fn type_name(items: &str) -> &str {
    match items {
        "a" => "arrays",
        "b" => "booleans",
        "f" => "functions",
        "n" => "numbers",
        "o" => "objects",
        "s" => "strings",
        other => other,
    }
}

fn quoted(name: &str) -> String {
    if name.is_empty() {
        "(anonymous)".to_owned()
    } else {
        format!("\"{name}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn p(types: &'static str) -> Param {
        Param { types, items: None, optional: false, variadic: false, context: false }
    }

    fn n(x: f64) -> Value<'static> {
        Value::Number(x)
    }

    fn numbers(v: &[Value<'_>]) -> Vec<Option<f64>> {
        v.iter().map(Value::as_number).collect()
    }

    #[test]
    fn a_context_parameter_left_empty_takes_the_context_even_before_a_given_argument() {
        // `<n-n:n>` called with one argument: the regex gives it to the second group.
        let sig = [Param { context: true, ..p("n") }, p("n")];
        let out = validate(&sig, vec![n(6.0)], &n(1.0), "f").unwrap();
        assert_eq!(numbers(&out), [Some(1.0), Some(6.0)]);
        let out = validate(&sig, vec![n(2.0), n(6.0)], &n(1.0), "f").unwrap();
        assert_eq!(numbers(&out), [Some(2.0), Some(6.0)]);
    }

    #[test]
    fn a_context_of_the_wrong_type_is_t0411() {
        let sig = [Param { context: true, ..p("s") }, p("s")];
        let e = validate(&sig, vec![Value::string("x")], &n(1.0), "substringBefore").unwrap_err();
        assert_eq!(e.code(), "T0411");
    }

    #[test]
    fn an_empty_optional_group_still_hands_on_the_next_argument() {
        // `<s?n+>` with (1, 2, 3): JSONata's $arg1 is 1 and $arg2 is 2.
        let sig = [Param { optional: true, ..p("s") }, Param { variadic: true, ..p("n") }];
        let out = validate(&sig, vec![n(1.0), n(2.0), n(3.0)], &Value::Undefined, "").unwrap();
        assert_eq!(numbers(&out), [Some(1.0), Some(2.0), Some(3.0), None]);
    }

    #[test]
    fn the_failing_argument_is_the_first_the_prefix_cannot_take() {
        let sig = [p("s"), p("n")];
        let e = validate(&sig, vec![Value::string("a"), Value::string("b")], &Value::Undefined, "f").unwrap_err();
        assert_eq!((e.code(), e.message()), ("T0410", "Argument 2 of function \"f\" does not match function signature"));
        let e = validate(&[Param { items: Some("s"), ..p("a") }, Param { optional: true, ..p("s") }], vec![], &Value::Undefined, "join").unwrap_err();
        assert!(e.message().starts_with("Argument 1 "));
    }

    #[test]
    fn array_parameters_wrap_single_values_and_check_members() {
        let sig = [Param { items: Some("n"), ..p("a") }];
        let out = validate(&sig, vec![n(5.0)], &Value::Undefined, "sum").unwrap();
        assert!(out[0].is_array() && out[0].len() == 1);
        assert_eq!(validate(&sig, vec![Value::string("f")], &Value::Undefined, "").unwrap_err().code(), "T0412");
        let nested = [Param { items: Some("a<n>"), ..p("a") }];
        let inner = Value::array(vec![n(1.0)], ArrayKind::PLAIN);
        assert!(validate(&nested, vec![Value::array(vec![inner], ArrayKind::PLAIN)], &Value::Undefined, "").is_ok());
    }

    #[test]
    fn many_variadic_groups_do_not_backtrack_for_ever() {
        const ANY: Param = Param { variadic: true, ..p("x") };
        const NUMBERS: Param = Param { variadic: true, ..p("n") };
        let mut args = vec![n(1.0); 200];
        args.push(Value::Undefined);
        let started = std::time::Instant::now();
        assert!(validate(&[ANY; 12], args, &Value::Undefined, "").is_ok());
        let mut args = vec![n(1.0); 200];
        args.push(Value::Null);
        let e = validate(&[NUMBERS; 12], args, &Value::Undefined, "").unwrap_err();
        assert_eq!(e.code(), "T0410");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_function_parameter_refuses_a_missing_argument() {
        let sig = [p("a"), p("f")];
        let e = validate(&sig, vec![n(1.0), Value::Undefined], &Value::Undefined, "map").unwrap_err();
        assert_eq!(e.code(), "T0410");
    }
}
