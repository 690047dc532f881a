//! JSONata, evaluated over trees the compiler built (`tree`): values that read the input in
//! place (`value`), the evaluator (`eval`), the built-in functions (`functions`) and the
//! formatting they share (`text`: numbers, URLs, regular expressions; `format`: picture
//! strings for integers and dates).
//!
//! Floors, bottom first: `error`, `tree` < `text`, `format` < `value` < `functions` ⇄ `eval`
//! (built-ins call back into the evaluator for the functions they are given) < `compiled` (what
//! expressions the compiler wrote as Rust call: the evaluator's rules, children as closures).

pub mod compiled;
pub mod error;
pub mod format;
pub mod text;
pub mod tree;
pub mod value;

pub mod eval;
pub mod functions;
pub mod state;

pub use error::Error;
pub use eval::Eval;
pub use value::{Env, Value};

/// A compiled JSONata expression: a Rust function where the compiler wrote the expression as
/// code, else a tree the evaluator walks. Both run with the same [`Eval`] and variables.
#[derive(Clone, Copy)]
pub enum Expression {
    Tree(&'static tree::Node),
    Native(NativeExpr),
}

/// An expression written as Rust: its context value and variables in, its value out.
pub type NativeExpr = for<'a> fn(&Eval<'a>, &Value<'a>, &Env<'a>) -> error::Result<Value<'a>>;

impl Expression {
    pub fn eval<'a>(&self, ev: &Eval<'a>, input: &Value<'a>, env: &Env<'a>) -> error::Result<Value<'a>> {
        match self {
            Expression::Tree(node) => ev.eval(node, input, env),
            Expression::Native(f) => f(ev, input, env),
        }
    }
}

impl From<&'static tree::Node> for Expression {
    fn from(node: &'static tree::Node) -> Expression {
        Expression::Tree(node)
    }
}

/// Evaluates `expr` on `input` with `bindings` as variables; `None` when the result is
/// undefined.
pub fn evaluate(expr: impl Into<Expression>, input: Option<&serde_json::Value>, bindings: &[(&str, &serde_json::Value)]) -> Result<Option<serde_json::Value>, Error> {
    evaluate_within(expr, input, bindings, Limits::default())
}

/// How far one evaluation may go before it stops with `U1001`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Nested expressions (and function calls).
    pub depth: usize,
    pub time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { depth: eval::MAX_DEPTH, time: std::time::Duration::from_secs(10) }
    }
}

/// [`evaluate`] within `limits`.
pub fn evaluate_within(
    expr: impl Into<Expression>,
    input: Option<&serde_json::Value>,
    bindings: &[(&str, &serde_json::Value)],
    limits: Limits,
) -> Result<Option<serde_json::Value>, Error> {
    let input = input.map_or(Value::Undefined, Value::from_json);
    let env = Env::root(bindings.iter().map(|(name, v)| (*name, Value::from_json(v))).collect());
    let ev = Eval::new(input.clone()).with_max_depth(limits.depth).with_time_limit(limits.time);
    let result = expr.into().eval(&ev, &wrap_input(input), &env)?;
    Ok(result.to_json())
}

/// An array input is a sequence of one array (JSONata's outer wrapper), so the first step of
/// a path reads the whole array (`phone[0]` is the first phone of all) rather than running on
/// each member; `$` and a function's context unwrap it.
fn wrap_input(input: Value<'_>) -> Value<'_> {
    match input {
        v if v.is_array() => Value::array(vec![v], value::ArrayKind::SEQUENCE),
        v => v,
    }
}
