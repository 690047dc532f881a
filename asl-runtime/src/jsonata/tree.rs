//! A JSONata expression as the compiler leaves it: a tree of `'static` data that generated code
//! writes as one `static` item, so nothing is parsed when a workflow runs.
//!
//! The shape is the one JSONata evaluates, not the one it is written in: a chain of `.` is a
//! [`Path`] of [`Step`]s, predicates and index bindings are a step's [`Stage`]s, `^(…)` is a
//! sort step, a trailing `{…}` is a grouping, and a call in tail position of a lambda body is
//! marked so the evaluator runs it without growing the Rust stack.

/// An expression.
#[derive(Debug, Clone, Copy)]
pub enum Node {
    Null,
    Bool(bool),
    Number(f64),
    String(&'static str),
    /// A regular expression literal, `/…/flags`; evaluates to a matcher function.
    Regex(&'static Regex),
    /// A field name (in a path step, or alone, meaning a step on the context).
    Name(&'static str),
    /// `*`: the values of every field of the context.
    Wildcard,
    /// `**`: the context and every value below it.
    Descendants,
    /// `%`: an ancestor of the context, found through the tuple bindings the path made.
    Parent(&'static str),
    /// `$`: the context value.
    Context,
    /// `$$`: the input of the whole expression.
    Root,
    /// `$name`.
    Variable(&'static str),
    Path(&'static Path),
    /// `-x`.
    Negate(&'static Node),
    /// `[a, b, …]`.
    Array(&'static [Node]),
    /// `{k: v, …}` not attached to a path: groups the context.
    Object(&'static [(Node, Node)]),
    Binary(BinaryOp, &'static Node, &'static Node),
    /// `c ? a : b`.
    Condition(&'static Node, &'static Node, Option<&'static Node>),
    /// `(a; b; …)`: a scope for `:=` bindings; its value is the last expression's.
    Block(&'static [Node]),
    /// `$name := value`.
    Bind(&'static str, &'static Node),
    /// A function call; `?` arguments ([`Node::Placeholder`]) make it a partial application.
    Call(&'static Call),
    /// `?` as an argument of a partial application.
    Placeholder,
    Lambda(&'static Lambda),
    /// `x ~> f`.
    Apply(&'static Node, &'static Node),
    /// `| pattern | update, delete |`.
    Transform(&'static Node, &'static Node, Option<&'static Node>),
    /// An expression that is not a path, with predicates or a grouping: `$x[0]`, `(a)[b]`,
    /// `$x{k: v}`.
    Filtered(&'static Filtered),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    In,
    /// `&`.
    Concat,
    /// `..` inside an array constructor.
    Range,
    /// `??`.
    Coalesce,
    /// `?:`.
    Default,
}

/// A chain of steps joined by `.`.
#[derive(Debug)]
pub struct Path {
    pub steps: &'static [Step],
    /// A step was written with `[]`: a single result stays an array.
    pub keep_singleton: bool,
    /// `{k: v}` after the last step.
    pub group: Option<&'static [(Node, Node)]>,
    /// A `%` outside this path reads one of its steps (JSONata's `tuple` on a path): as a step
    /// of another path (or the last expression of a block that is one), it hands up its stream
    /// of tuples, the values with the labels its steps bound, rather than values. (A path whose
    /// own steps bind `@`, `#` or `%` labels runs as a stream of tuples whatever this says.)
    pub tuple: bool,
}

#[derive(Debug)]
pub struct Step {
    pub node: Node,
    /// Predicates and index bindings in the order written.
    pub stages: &'static [Stage],
    /// `@$name`: binds each value of this step to a variable and keeps the context.
    pub focus: Option<&'static str>,
    /// `#$name`: binds each value's position in this step's results.
    pub index: Option<&'static str>,
    /// The names under which later steps find this step's values with `%`.
    pub ancestor: Option<&'static str>,
    /// `^(…)`: the step sorts its input instead of evaluating `node`.
    pub sort: Option<&'static [SortTerm]>,
}

#[derive(Debug)]
pub enum Stage {
    /// `[expr]`.
    Filter(Node),
    /// `#$name` after a predicate.
    Index(&'static str),
}

#[derive(Debug)]
pub struct SortTerm {
    pub descending: bool,
    pub key: Node,
}

#[derive(Debug)]
pub struct Filtered {
    pub node: Node,
    pub stages: &'static [Stage],
    pub group: Option<&'static [(Node, Node)]>,
    /// Written with `[]`.
    pub keep_singleton: bool,
}

#[derive(Debug)]
pub struct Call {
    pub callee: Node,
    pub args: &'static [Node],
    /// The call is the last thing its lambda's body does: run it in the caller's loop.
    pub tail: bool,
    /// The name the call was written with (`$sum`), for error messages.
    pub name: &'static str,
}

#[derive(Debug)]
pub struct Lambda {
    pub params: &'static [&'static str],
    pub signature: Option<&'static Signature>,
    pub body: Node,
}

/// A regular expression literal, `/pattern/flags`, as written (JavaScript syntax). It is
/// translated to the `regex` crate's syntax and compiled on first use, then kept: building the
/// automaton is run-time work whatever the compiler does.
#[derive(Debug)]
pub struct Regex {
    pattern: &'static str,
    flags: &'static str,
    compiled: std::sync::OnceLock<Result<regex::Regex, String>>,
}

impl Regex {
    pub const fn new(pattern: &'static str, flags: &'static str) -> Regex {
        Regex { pattern, flags, compiled: std::sync::OnceLock::new() }
    }

    pub fn pattern(&self) -> &'static str {
        self.pattern
    }

    pub fn flags(&self) -> &'static str {
        self.flags
    }

    pub(crate) fn cell(&self) -> &std::sync::OnceLock<Result<regex::Regex, String>> {
        &self.compiled
    }
}

/// A function signature, `<n-s?:s>`: what a lambda accepts.
#[derive(Debug)]
pub struct Signature {
    pub params: &'static [Param],
}

#[derive(Debug)]
pub struct Param {
    /// The types the argument may have (`a`, `b`, `f`, `j`, `l`, `n`, `o`, `s`, `x` as JSONata
    /// writes them; several for a choice `(ns)`).
    pub types: &'static str,
    /// For an array parameter `a<n>`: the type of its members.
    pub items: Option<&'static str>,
    /// `?`: the argument may be left out.
    pub optional: bool,
    /// `+`: one or more arguments.
    pub variadic: bool,
    /// `-`: if left out, the context value is used.
    pub context: bool,
}
