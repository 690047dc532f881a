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
    /// A `%` inside the step this path is part of reads one of its steps: the path hands its
    /// tuple stream (values with their bindings) up instead of values.
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

impl Expr {
    /// The expressions directly inside this one, for passes over the whole tree.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Expr::Negate(x) | Expr::Bind(_, x) => vec![x],
            Expr::Array(items) | Expr::Block(items) => items.iter_mut().collect(),
            Expr::Object(pairs) => pairs.iter_mut().flat_map(|(k, v)| [k, v]).collect(),
            Expr::Binary(_, l, r) | Expr::Apply(l, r) => vec![l, r],
            Expr::Condition(c, t, o) => {
                let mut v: Vec<&mut Expr> = vec![c, t];
                v.extend(o.as_deref_mut());
                v
            }
            Expr::Call(c) => {
                let mut v: Vec<&mut Expr> = vec![&mut c.callee];
                v.extend(c.args.iter_mut());
                v
            }
            Expr::Lambda(l) => vec![&mut l.body],
            Expr::Transform(p, u, d) => {
                let mut v: Vec<&mut Expr> = vec![p, u];
                v.extend(d.as_deref_mut());
                v
            }
            Expr::Filtered(f) => {
                let mut v: Vec<&mut Expr> = vec![&mut f.node];
                v.extend(filters(&mut f.stages));
                if let Some(pairs) = &mut f.group {
                    v.extend(pairs.iter_mut().flat_map(|(k, v)| [k, v]));
                }
                v
            }
            Expr::Path(p) => {
                let mut v = Vec::new();
                for s in &mut p.steps {
                    v.push(&mut s.node);
                    v.extend(filters(&mut s.stages));
                    if let Some(terms) = &mut s.sort {
                        v.extend(terms.iter_mut().map(|t| &mut t.key));
                    }
                }
                if let Some(pairs) = &mut p.group {
                    v.extend(pairs.iter_mut().flat_map(|(k, v)| [k, v]));
                }
                v
            }
            _ => Vec::new(),
        }
    }
}

/// The predicates among a step's stages.
fn filters(stages: &mut [Stage]) -> impl Iterator<Item = &mut Expr> {
    stages.iter_mut().filter_map(|s| match s {
        Stage::Filter(p) => Some(p),
        Stage::Index(_) => None,
    })
}
