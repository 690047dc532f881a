//! From [`Raw`] (JSONata as written) to [`Expr`] (the shape the runtime evaluates): `.` chains
//! become paths of steps, predicates and bindings attach to their step, `%` finds the step whose
//! input it names (`ancestry`), and calls in tail position of a lambda are marked.

use super::ancestry::Ancestry;
use super::ast::*;
use super::parser::{Raw, RawKind};
use super::SyntaxError;

pub struct Processor {
    /// Where each `%` is written, by number.
    parents: Vec<usize>,
}

impl Processor {
    pub fn new() -> Self {
        Processor { parents: Vec::new() }
    }

    /// The whole expression, with every `%` resolved.
    pub fn run(mut self, raw: Raw) -> Result<Expr, SyntaxError> {
        let mut expr = self.process(raw)?;
        Ancestry::new(&self.parents).resolve(&mut expr)?;
        Ok(expr)
    }

    fn process(&mut self, raw: Raw) -> Result<Expr, SyntaxError> {
        stacker::maybe_grow(super::RED_ZONE, super::STACK_SEGMENT, || self.process_here(raw))
    }

    fn process_here(&mut self, raw: Raw) -> Result<Expr, SyntaxError> {
        let pos = raw.pos;
        Ok(match raw.kind {
            RawKind::Str(s) => Expr::String(s),
            RawKind::Num(n) => Expr::Number(n),
            RawKind::Bool(b) => Expr::Bool(b),
            RawKind::Null => Expr::Null,
            RawKind::Regex { pattern, flags } => Expr::Regex { pattern, flags },
            RawKind::Name(n) => single_step(Expr::Name(n)),
            RawKind::Var(v) if v.is_empty() => Expr::Context,
            RawKind::Var(v) if v == "$" => Expr::Root,
            RawKind::Var(v) => Expr::Variable(v),
            RawKind::Wildcard => single_step(Expr::Wildcard),
            RawKind::Descendants => single_step(Expr::Descendants),
            RawKind::Parent => {
                self.parents.push(pos);
                Expr::Parent(format!("!{}", self.parents.len() - 1))
            }
            RawKind::Negate(x) => match self.process(*x)? {
                Expr::Number(n) => Expr::Number(-n),
                e => Expr::Negate(Box::new(e)),
            },
            RawKind::Array(items) => Expr::Array(items.into_iter().map(|i| self.process(i)).collect::<Result<_, _>>()?),
            RawKind::Object(pairs) => Expr::Object(self.pairs(pairs)?),
            RawKind::Binary(op, l, r) => {
                let op = BinaryOp::from_symbol(op).ok_or_else(|| SyntaxError::new("S0204", pos, format!("Unknown operator: \"{op}\"")))?;
                Expr::Binary(op, Box::new(self.process(*l)?), Box::new(self.process(*r)?))
            }
            RawKind::Dot(l, r) => self.dot(*l, *r)?,
            RawKind::Predicate(l, p) => self.predicate(*l, p.map(|p| *p), pos)?,
            RawKind::Group(l, pairs) => {
                let pairs = self.pairs(pairs)?;
                match self.process(*l)? {
                    Expr::Path(mut path) => {
                        if path.group.is_some() {
                            return Err(SyntaxError::new("S0210", pos, "Each step can only have one grouping expression"));
                        }
                        path.group = Some(pairs);
                        Expr::Path(path)
                    }
                    Expr::Filtered(mut f) => {
                        if f.group.is_some() {
                            return Err(SyntaxError::new("S0210", pos, "Each step can only have one grouping expression"));
                        }
                        f.group = Some(pairs);
                        Expr::Filtered(f)
                    }
                    e => Expr::Filtered(Filtered { node: Box::new(e), stages: Vec::new(), group: Some(pairs), keep_singleton: false }),
                }
            }
            RawKind::Focus(l, name) => self.focus(*l, name, pos, false)?,
            RawKind::Index(l, name) => {
                let l = self.step_operand(*l)?;
                let mut path = as_path(l);
                let step = path.steps.last_mut().expect("a path has a step");
                if step.stages.is_empty() {
                    step.index = Some(name);
                } else {
                    step.stages.push(Stage::Index(name));
                }
                Expr::Path(path)
            }
            RawKind::Sort(l, terms) => {
                let mut path = as_path(self.process(*l)?);
                let terms = terms
                    .into_iter()
                    .map(|(descending, key)| Ok(SortTerm { descending, key: self.process(key)? }))
                    .collect::<Result<_, SyntaxError>>()?;
                path.steps.push(Step { sort: Some(terms), ..Step::new(Expr::Null) });
                Expr::Path(path)
            }
            RawKind::Condition(c, t, e) => Expr::Condition(
                Box::new(self.process(*c)?),
                Box::new(self.process(*t)?),
                e.map(|e| self.process(*e)).transpose()?.map(Box::new),
            ),
            RawKind::Block(items) => Expr::Block(items.into_iter().map(|i| self.process(i)).collect::<Result<_, _>>()?),
            RawKind::Bind(l, r) => match l.kind {
                RawKind::Var(name) => Expr::Bind(name, Box::new(self.process(*r)?)),
                _ => return Err(SyntaxError::new("S0212", l.pos, "The left side of := must be a variable name (start with $)")),
            },
            RawKind::Call(callee, args) => {
                let name = match &callee.kind {
                    RawKind::Var(v) | RawKind::Name(v) => v.clone(),
                    _ => String::new(),
                };
                Expr::Call(Call {
                    callee: Box::new(self.process(*callee)?),
                    args: args.into_iter().map(|a| self.process(a)).collect::<Result<_, _>>()?,
                    tail: false,
                    name,
                })
            }
            RawKind::Placeholder => Expr::Placeholder,
            RawKind::Lambda { params, signature, body } => {
                let mut body = self.process(*body)?;
                mark_tail_calls(&mut body);
                Expr::Lambda(Lambda { params, signature, body: Box::new(body) })
            }
            RawKind::Apply(l, r) => {
                let l = Box::new(self.process(*l)?);
                match self.process(*r)? {
                    // `x ~> $f()[]`: the `[]` keeps what the application gives.
                    Expr::Filtered(f) if f.keep_singleton && f.stages.is_empty() && f.group.is_none() && matches!(*f.node, Expr::Call(_)) => {
                        Expr::Filtered(Filtered { node: Box::new(Expr::Apply(l, f.node)), stages: Vec::new(), group: None, keep_singleton: true })
                    }
                    r => Expr::Apply(l, Box::new(r)),
                }
            }
            RawKind::Transform(p, u, d) => Expr::Transform(
                Box::new(self.process(*p)?),
                Box::new(self.process(*u)?),
                d.map(|d| self.process(*d)).transpose()?.map(Box::new),
            ),
        })
    }

    fn pairs(&mut self, pairs: Vec<(Raw, Raw)>) -> Result<Vec<(Expr, Expr)>, SyntaxError> {
        pairs.into_iter().map(|(k, v)| Ok((self.process(k)?, self.process(v)?))).collect()
    }

    /// `l.r`: one path, with `r`'s steps after `l`'s.
    fn dot(&mut self, l: Raw, r: Raw) -> Result<Expr, SyntaxError> {
        let mut path = as_path(self.step_operand(l)?);
        // A quoted name that starts a path names a field, as it does after a `.`.
        if let Some(first) = path.steps.first_mut() {
            if let Expr::String(s) = &first.node {
                first.node = Expr::Name(s.clone());
            }
        }
        let r_pos = r.pos;
        match self.process(r)? {
            Expr::Path(rest) => {
                path.keep_singleton |= rest.keep_singleton;
                let mut steps = rest.steps.into_iter();
                if let Some(first) = steps.next() {
                    path.steps.push(step_of(first, r_pos)?);
                }
                path.steps.extend(steps);
                if rest.group.is_some() {
                    path.group = rest.group;
                }
            }
            Expr::Filtered(f) if f.group.is_none() => {
                path.keep_singleton |= f.keep_singleton;
                path.steps.push(step_of(Step { stages: f.stages, ..Step::new(*f.node) }, r_pos)?);
            }
            e => path.steps.push(step_of(Step::new(e), r_pos)?),
        }
        Ok(Expr::Path(path))
    }

    /// An expression that becomes a path step: a focus binding (`x@$v`) is kept even on an
    /// expression that is not a path, which alone would not bind anything.
    fn step_operand(&mut self, raw: Raw) -> Result<Expr, SyntaxError> {
        match raw.kind {
            RawKind::Focus(l, name) => self.focus(*l, name, raw.pos, true),
            kind => self.process(Raw { kind, pos: raw.pos }),
        }
    }

    /// `x@$v`: binds each value of the step `x` to `$v` and keeps the context. JSONata makes a
    /// step of `x` only in a path; alone, an expression that is not a path stays itself.
    fn focus(&mut self, l: Raw, name: String, pos: usize, as_step: bool) -> Result<Expr, SyntaxError> {
        let inner = self.process(l)?;
        let is_path = match &inner {
            Expr::Path(p) => !(p.steps.len() == 1 && matches!(p.steps[0].node, Expr::Wildcard | Expr::Descendants)),
            _ => false,
        };
        if !is_path && !as_step {
            return Ok(inner);
        }
        let mut path = as_path(inner);
        let step = path.steps.last_mut().expect("a path has a step");
        if !step.stages.is_empty() {
            return Err(SyntaxError::new("S0215", pos, "A context variable binding must precede any predicates on a step"));
        }
        if step.sort.is_some() {
            return Err(SyntaxError::new("S0216", pos, "A context variable binding must precede the 'order-by' clause on a step"));
        }
        step.focus = Some(name);
        Ok(Expr::Path(path))
    }

    /// `l[p]`, or `l[]` (keep a single result as an array).
    fn predicate(&mut self, l: Raw, p: Option<Raw>, pos: usize) -> Result<Expr, SyntaxError> {
        let left = self.process(l)?;
        let Some(p) = p else {
            return Ok(match left {
                Expr::Path(mut path) => {
                    path.keep_singleton = true;
                    Expr::Path(path)
                }
                Expr::Filtered(mut f) => {
                    f.keep_singleton = true;
                    Expr::Filtered(f)
                }
                e => Expr::Filtered(Filtered { node: Box::new(e), stages: Vec::new(), group: None, keep_singleton: true }),
            });
        };
        let predicate = self.process(p)?;
        Ok(match left {
            Expr::Path(mut path) => {
                if path.group.is_some() {
                    return Err(SyntaxError::new("S0209", pos, "A predicate cannot follow a grouping expression in a step"));
                }
                path.steps.last_mut().expect("a path has a step").stages.push(Stage::Filter(predicate));
                Expr::Path(path)
            }
            Expr::Filtered(mut f) => {
                if f.group.is_some() {
                    return Err(SyntaxError::new("S0209", pos, "A predicate cannot follow a grouping expression in a step"));
                }
                f.stages.push(Stage::Filter(predicate));
                Expr::Filtered(f)
            }
            e => Expr::Filtered(Filtered { node: Box::new(e), stages: vec![Stage::Filter(predicate)], group: None, keep_singleton: false }),
        })
    }
}

fn single_step(node: Expr) -> Expr {
    Expr::Path(Path { steps: vec![Step::new(node)], ..Path::default() })
}

fn as_path(e: Expr) -> Path {
    match e {
        Expr::Path(p) => p,
        // `$x[p][]` as a step: the `[]` holds for the whole path.
        Expr::Filtered(f) if f.group.is_none() => {
            Path { steps: vec![Step { stages: f.stages, ..Step::new(*f.node) }], keep_singleton: f.keep_singleton, ..Path::default() }
        }
        e => Path { steps: vec![Step::new(e)], ..Path::default() },
    }
}

/// A step after the first: a quoted name is a field name, other literals are not steps.
fn step_of(mut step: Step, pos: usize) -> Result<Step, SyntaxError> {
    match &step.node {
        Expr::String(s) => step.node = Expr::Name(s.clone()),
        Expr::Number(_) | Expr::Bool(_) | Expr::Null if step.sort.is_none() => {
            return Err(SyntaxError::new("S0213", pos, "The literal value cannot be used as a step within a path expression"));
        }
        _ => {}
    }
    Ok(step)
}

/// Marks the calls a lambda's body ends with, so they run without growing the stack.
fn mark_tail_calls(e: &mut Expr) {
    match e {
        Expr::Call(c) if !c.args.iter().any(|a| matches!(a, Expr::Placeholder)) => c.tail = true,
        Expr::Condition(_, then, otherwise) => {
            mark_tail_calls(then);
            if let Some(o) = otherwise {
                mark_tail_calls(o);
            }
        }
        Expr::Block(items) => {
            if let Some(last) = items.last_mut() {
                mark_tail_calls(last);
            }
        }
        _ => {}
    }
}
