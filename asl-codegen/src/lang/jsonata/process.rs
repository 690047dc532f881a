//! From [`Raw`] (JSONata as written) to [`Expr`] (the shape the runtime evaluates): `.` chains
//! become paths of steps, predicates and bindings attach to their step, `%` finds the step whose
//! input it names, and calls in tail position of a lambda are marked.

use std::collections::HashMap;

use super::ast::*;
use super::parser::{Raw, RawKind};
use super::signature;
use super::SyntaxError;

pub struct Processor {
    parents: usize,
}

impl Processor {
    pub fn new() -> Self {
        Processor { parents: 0 }
    }

    /// The whole expression, with every `%` resolved.
    pub fn run(mut self, raw: Raw) -> Result<Expr, SyntaxError> {
        let pos = raw.pos;
        let mut expr = self.process(raw)?;
        let mut renames = HashMap::new();
        let seeks = resolve(&mut expr, &mut renames);
        if !seeks.is_empty() {
            return Err(SyntaxError::new("S0217", pos, "The object representing the 'parent' cannot be derived from this expression"));
        }
        if !renames.is_empty() {
            rename(&mut expr, &renames);
        }
        Ok(expr)
    }

    fn process(&mut self, raw: Raw) -> Result<Expr, SyntaxError> {
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
                self.parents += 1;
                single_step(Expr::Parent(format!("!{}", self.parents - 1)))
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
            RawKind::Focus(l, name) => {
                let mut path = as_path(self.process(*l)?);
                let step = path.steps.last_mut().expect("a path has a step");
                if !step.stages.is_empty() {
                    return Err(SyntaxError::new("S0215", pos, "A context variable binding must precede any predicates on a step"));
                }
                if step.sort.is_some() {
                    return Err(SyntaxError::new("S0216", pos, "A context variable binding must precede the 'order-by' clause on a step"));
                }
                step.focus = Some(name);
                path.tuple = true;
                Expr::Path(path)
            }
            RawKind::Index(l, name) => {
                let mut path = as_path(self.process(*l)?);
                let step = path.steps.last_mut().expect("a path has a step");
                if step.stages.is_empty() {
                    step.index = Some(name);
                } else {
                    step.stages.push(Stage::Index(name));
                }
                path.tuple = true;
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
                let signature = signature.map(|(text, at)| signature::parse(&text, at)).transpose()?;
                let mut body = self.process(*body)?;
                mark_tail_calls(&mut body);
                Expr::Lambda(Lambda { params, signature, body: Box::new(body) })
            }
            RawKind::Apply(l, r) => Expr::Apply(Box::new(self.process(*l)?), Box::new(self.process(*r)?)),
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
        let mut path = as_path(self.process(l)?);
        let r_pos = r.pos;
        match self.process(r)? {
            Expr::Path(rest) => {
                path.keep_singleton |= rest.keep_singleton;
                path.tuple |= rest.tuple;
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
        Expr::Filtered(f) if f.group.is_none() && !f.keep_singleton => {
            Path { steps: vec![Step { stages: f.stages, ..Step::new(*f.node) }], ..Path::default() }
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

/// A `%` still looking for its step: its label and how many levels above the context of the
/// expression it sits in.
struct Seek {
    label: String,
    level: usize,
}

/// Gives each step that a `%` names the label `%` reads, and returns the `%`s that look above
/// this expression's context.
fn resolve(e: &mut Expr, renames: &mut HashMap<String, String>) -> Vec<Seek> {
    match e {
        Expr::Path(path) => resolve_path(path, renames),
        Expr::Parent(label) => vec![Seek { label: label.clone(), level: 1 }],
        _ => {
            let mut seeks = Vec::new();
            for child in children(e) {
                seeks.extend(resolve(child, renames));
            }
            seeks
        }
    }
}

fn resolve_path(path: &mut Path, renames: &mut HashMap<String, String>) -> Vec<Seek> {
    let mut bubbled = Vec::new();
    // For a step that is a `%`: the step whose input it stands for, or how many levels above
    // the path's input it looks.
    let mut parent_step: Vec<Option<Result<usize, usize>>> = vec![None; path.steps.len()];
    for k in 0..path.steps.len() {
        let step = &mut path.steps[k];
        let mut from_node = match &step.node {
            Expr::Parent(label) => vec![Seek { label: label.clone(), level: 1 }],
            _ => resolve(&mut step.node, renames),
        };
        let mut from_stages = Vec::new();
        for stage in &mut step.stages {
            if let Stage::Filter(p) = stage {
                from_stages.extend(resolve(p, renames));
            }
        }
        if let Some(terms) = &mut step.sort {
            for t in terms {
                from_stages.extend(resolve(&mut t.key, renames));
            }
        }
        let is_parent_step = matches!(path.steps[k].node, Expr::Parent(_));
        // The node's context is the previous step's result; the stages' is this step's.
        let mut seeks: Vec<(Seek, isize)> = from_node.drain(..).map(|s| (s, k as isize - 1)).collect();
        seeks.extend(from_stages.into_iter().map(|s| (s, k as isize)));
        for (seek, context) in seeks {
            let mut at = context;
            let mut level = seek.level;
            let mut above = 0;
            loop {
                // A step that is a `%` yields the input of the step it names.
                while at >= 0 {
                    match parent_step[at as usize] {
                        Some(Ok(t)) => at = t as isize - 1,
                        Some(Err(l)) => {
                            above = l;
                            at = -1;
                        }
                        None => break,
                    }
                }
                if at < 0 || level == 1 {
                    break;
                }
                at -= 1;
                level -= 1;
            }
            if at < 0 {
                if is_parent_step && parent_step[k].is_none() {
                    parent_step[k] = Some(Err(level + above));
                }
                bubbled.push(Seek { label: seek.label, level: level + above });
                continue;
            }
            let target = &mut path.steps[at as usize];
            match &target.ancestor {
                Some(existing) if *existing != seek.label => {
                    renames.insert(seek.label, existing.clone());
                }
                Some(_) => {}
                None => target.ancestor = Some(seek.label),
            }
            path.tuple = true;
            if is_parent_step && parent_step[k].is_none() {
                parent_step[k] = Some(Ok(at as usize));
            }
        }
    }
    if let Some(pairs) = &mut path.group {
        for (k, v) in pairs {
            bubbled.extend(resolve(k, renames));
            bubbled.extend(resolve(v, renames));
        }
    }
    bubbled
}

/// The expressions directly inside `e` (for the whole-tree passes).
pub(super) fn children(e: &mut Expr) -> Vec<&mut Expr> {
    match e {
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
            v.extend(f.stages.iter_mut().filter_map(|s| match s {
                Stage::Filter(p) => Some(p),
                Stage::Index(_) => None,
            }));
            if let Some(pairs) = &mut f.group {
                v.extend(pairs.iter_mut().flat_map(|(k, v)| [k, v]));
            }
            v
        }
        Expr::Path(p) => {
            let mut v = Vec::new();
            for s in &mut p.steps {
                v.push(&mut s.node);
                v.extend(s.stages.iter_mut().filter_map(|s| match s {
                    Stage::Filter(p) => Some(p),
                    Stage::Index(_) => None,
                }));
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

fn rename(e: &mut Expr, renames: &HashMap<String, String>) {
    if let Expr::Parent(label) = e {
        if let Some(new) = renames.get(label) {
            *label = new.clone();
        }
    }
    for child in children(e) {
        rename(child, renames);
    }
}
