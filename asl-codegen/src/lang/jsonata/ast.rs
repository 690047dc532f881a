//! A JSONata expression in the shape the runtime evaluates (`asl_runtime::jsonata::tree`),
//! owned, so `emit` can write it out as a `static`. Field for field the same as the runtime's
//! tree; see there for what each part means.

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Regex { pattern: String, flags: String },
    Name(String),
    Wildcard,
    Descendants,
    Parent(String),
    Context,
    Root,
    Variable(String),
    Path(Path),
    Negate(Box<Expr>),
    Array(Vec<Expr>),
    Object(Vec<(Expr, Expr)>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Condition(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    Block(Vec<Expr>),
    Bind(String, Box<Expr>),
    Call(Call),
    Placeholder,
    Lambda(Lambda),
    Apply(Box<Expr>, Box<Expr>),
    Transform(Box<Expr>, Box<Expr>, Option<Box<Expr>>),
    Filtered(Filtered),
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
    Concat,
    Range,
    Coalesce,
    Default,
}

impl BinaryOp {
    pub fn from_symbol(op: &str) -> Option<BinaryOp> {
        use BinaryOp::*;
        Some(match op {
            "+" => Add,
            "-" => Subtract,
            "*" => Multiply,
            "/" => Divide,
            "%" => Modulo,
            "=" => Equal,
            "!=" => NotEqual,
            "<" => Less,
            "<=" => LessOrEqual,
            ">" => Greater,
            ">=" => GreaterOrEqual,
            "and" => And,
            "or" => Or,
            "in" => In,
            "&" => Concat,
            ".." => Range,
            "??" => Coalesce,
            "?:" => Default,
            _ => return None,
        })
    }

    /// The variant's name, as the runtime spells it.
    pub fn name(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "Add",
            Subtract => "Subtract",
            Multiply => "Multiply",
            Divide => "Divide",
            Modulo => "Modulo",
            Equal => "Equal",
            NotEqual => "NotEqual",
            Less => "Less",
            LessOrEqual => "LessOrEqual",
            Greater => "Greater",
            GreaterOrEqual => "GreaterOrEqual",
            And => "And",
            Or => "Or",
            In => "In",
            Concat => "Concat",
            Range => "Range",
            Coalesce => "Coalesce",
            Default => "Default",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Path {
    pub steps: Vec<Step>,
    pub keep_singleton: bool,
    pub group: Option<Vec<(Expr, Expr)>>,
    pub tuple: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub node: Expr,
    pub stages: Vec<Stage>,
    pub focus: Option<String>,
    pub index: Option<String>,
    pub ancestor: Option<String>,
    pub sort: Option<Vec<SortTerm>>,
}

impl Step {
    pub fn new(node: Expr) -> Step {
        Step { node, stages: Vec::new(), focus: None, index: None, ancestor: None, sort: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Filter(Expr),
    Index(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SortTerm {
    pub descending: bool,
    pub key: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filtered {
    pub node: Box<Expr>,
    pub stages: Vec<Stage>,
    pub group: Option<Vec<(Expr, Expr)>>,
    pub keep_singleton: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub callee: Box<Expr>,
    pub args: Vec<Expr>,
    pub tail: bool,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lambda {
    pub params: Vec<String>,
    pub signature: Option<Vec<Param>>,
    pub body: Box<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub types: String,
    pub items: Option<String>,
    pub optional: bool,
    pub variadic: bool,
    pub context: bool,
}
