//! `%`, the parent operator: which step's input each `%` reads. JSONata settles this when it
//! builds the tree, and so does this pass, with JSONata's rules: a `%` carries a slot that
//! climbs the steps before it (`%.%` two of them), through predicates and the expressions that
//! hand their slots up (operators, constructors, blocks, conditions, bindings, arguments); the
//! step it lands on (a name or `*`) is tagged with the label the `%` reads; a block or path on
//! the way is marked to hand its tuple stream up. A slot that cannot land is `S0217`.

use super::ast::{Expr, Path, Stage, Step};
use super::SyntaxError;

/// A `%` still looking for its step: how many steps up, and the label it will read.
struct Slot {
    label: String,
    level: usize,
    /// Where the `%` is written.
    pos: usize,
}

/// The slots of every `%` of an expression, by number (`%` number `i` is `Expr::Parent("!i")`).
pub struct Ancestry {
    slots: Vec<Slot>,
}

/// What an expression hands up: the slots it still seeks. `None` and `Some(vec![])` differ as
/// JSONata's `seekingParent` does: a node that ever had slots is one the top level refuses.
type Seeking = Option<Vec<usize>>;

impl Ancestry {
    /// `positions[i]`: where `%` number `i` is written.
    pub fn new(positions: &[usize]) -> Ancestry {
        let slots = positions.iter().enumerate().map(|(i, &pos)| Slot { label: format!("!{i}"), level: 1, pos }).collect();
        Ancestry { slots }
    }

    /// Resolves every `%` of the whole expression and gives each its final label.
    pub fn resolve(mut self, e: &mut Expr) -> Result<(), SyntaxError> {
        if self.slots.is_empty() {
            return Ok(());
        }
        if let Some(slots) = self.seeking(e)? {
            let pos = slots.first().map_or(0, |&s| self.slots[s].pos);
            return Err(SyntaxError::new("S0217", pos, "The object representing the 'parent' cannot be derived from this expression"));
        }
        self.relabel(e);
        Ok(())
    }

    fn seeking(&mut self, e: &mut Expr) -> Result<Seeking, SyntaxError> {
        stacker::maybe_grow(super::RED_ZONE, super::STACK_SEGMENT, || self.seeking_here(e))
    }

    fn seeking_here(&mut self, e: &mut Expr) -> Result<Seeking, SyntaxError> {
        Ok(match e {
            Expr::Parent(label) => Some(vec![slot_of(label)]),
            Expr::Path(path) => self.path(path)?,
            Expr::Filtered(f) => {
                let mut seeking = self.seeking(&mut f.node)?;
                for stage in &mut f.stages {
                    if let Stage::Filter(p) = stage {
                        let found = self.seeking(p)?;
                        self.predicate(found, &mut seeking, |anc, slot| anc.seek_node(&mut f.node, slot))?;
                    }
                }
                self.unseen(&mut f.group)?;
                seeking
            }
            Expr::Negate(x) => self.seeking(x)?,
            Expr::Bind(_, x) => self.seeking(x)?,
            Expr::Array(items) | Expr::Block(items) => self.all(items.iter_mut())?,
            Expr::Object(pairs) => self.all(pairs.iter_mut().flat_map(|(k, v)| [k, v]))?,
            Expr::Binary(_, l, r) => self.all([&mut **l, &mut **r].into_iter())?,
            Expr::Condition(c, t, o) => {
                let mut parts: Vec<&mut Expr> = vec![c, t];
                parts.extend(o.as_deref_mut());
                self.all(parts.into_iter())?
            }
            Expr::Call(c) => {
                self.seeking(&mut c.callee)?;
                self.all(c.args.iter_mut())?
            }
            // These keep their `%`s to themselves: JSONata does not hand them up.
            Expr::Lambda(l) => {
                self.seeking(&mut l.body)?;
                None
            }
            Expr::Apply(l, r) => {
                self.seeking(l)?;
                self.seeking(r)?;
                None
            }
            Expr::Transform(p, u, d) => {
                self.seeking(p)?;
                self.seeking(u)?;
                if let Some(d) = d {
                    self.seeking(d)?;
                }
                None
            }
            _ => None,
        })
    }

    /// The slots of several expressions, handed up together.
    fn all<'e>(&mut self, items: impl Iterator<Item = &'e mut Expr>) -> Result<Seeking, SyntaxError> {
        let mut seeking: Seeking = None;
        for item in items {
            if let Some(found) = self.seeking(item)? {
                seeking.get_or_insert_with(Vec::new).extend(found);
            }
        }
        Ok(seeking)
    }

    /// A grouping's pairs: resolved inside, nothing handed up.
    fn unseen(&mut self, group: &mut Option<Vec<(Expr, Expr)>>) -> Result<(), SyntaxError> {
        for (k, v) in group.iter_mut().flatten() {
            self.seeking(k)?;
            self.seeking(v)?;
        }
        Ok(())
    }

    /// A predicate's slots: one level up is the step the predicate filters (`seek` lands it);
    /// the others climb a level, and all join the step's own.
    fn predicate(
        &mut self,
        found: Seeking,
        step_seeking: &mut Seeking,
        mut seek: impl FnMut(&mut Ancestry, usize) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        let Some(found) = found else { return Ok(()) };
        for &slot in &found {
            if self.slots[slot].level == 1 {
                seek(self, slot)?;
            } else {
                self.slots[slot].level -= 1;
            }
        }
        step_seeking.get_or_insert_with(Vec::new).extend(found);
        Ok(())
    }

    /// A path, step by step as JSONata builds it: each step's slots climb the steps before it;
    /// those that climb past the first are the path's.
    fn path(&mut self, path: &mut Path) -> Result<Seeking, SyntaxError> {
        let mut bubbled: Seeking = None;
        for k in 0..path.steps.len() {
            let (before, rest) = path.steps.split_at_mut(k);
            let step = &mut rest[0];
            let mut seeking = self.step(step)?;
            if k == 0 {
                // A first step's slots stay with it, except a `%` that starts the path.
                if matches!(step.node, Expr::Parent(_)) {
                    bubbled = seeking;
                }
                continue;
            }
            for slot in seeking.take().into_iter().flatten() {
                if self.slots[slot].level > 0 && !self.climb(before, slot)? {
                    bubbled.get_or_insert_with(Vec::new).push(slot);
                }
            }
        }
        self.unseen(&mut path.group)?;
        Ok(bubbled)
    }

    /// A step's own slots: its node's, its predicates', its sort terms'.
    fn step(&mut self, step: &mut Step) -> Result<Seeking, SyntaxError> {
        let mut seeking = self.seeking(&mut step.node)?;
        let mut stages = std::mem::take(&mut step.stages);
        for stage in &mut stages {
            if let Stage::Filter(p) = stage {
                let found = self.seeking(p)?;
                self.predicate(found, &mut seeking, |anc, slot| anc.seek_step(step, slot))?;
            }
        }
        step.stages = stages;
        if let Some(terms) = &mut step.sort {
            for term in terms {
                if let Some(found) = self.seeking(&mut term.key)? {
                    seeking.get_or_insert_with(Vec::new).extend(found);
                }
            }
        }
        Ok(seeking)
    }

    /// Climbs the steps before a step (the last first) until the slot lands; `false` when it
    /// climbs past the first. Steps that bind a focus next to each other count as one.
    fn climb(&mut self, steps: &mut [Step], slot: usize) -> Result<bool, SyntaxError> {
        let mut index = steps.len();
        while self.slots[slot].level > 0 {
            if index == 0 {
                return Ok(false);
            }
            index -= 1;
            while index > 0 && steps[index].focus.is_some() && steps[index - 1].focus.is_some() {
                index -= 1;
            }
            self.seek_step(&mut steps[index], slot)?;
        }
        Ok(true)
    }

    /// JSONata's `seekParent` on a step: a name or `*` is one level (the slot lands when it
    /// reaches none left), a `%` one more, a block or path is entered from its end.
    fn seek_step(&mut self, step: &mut Step, slot: usize) -> Result<(), SyntaxError> {
        match &mut step.node {
            Expr::Name(_) | Expr::Wildcard if step.sort.is_none() => {
                self.slots[slot].level -= 1;
                if self.slots[slot].level == 0 {
                    match &step.ancestor {
                        // A second `%` that lands here reads the first one's label.
                        Some(label) => self.slots[slot].label = label.clone(),
                        None => step.ancestor = Some(self.slots[slot].label.clone()),
                    }
                }
                Ok(())
            }
            _ if step.sort.is_some() => Err(self.underivable(slot)),
            node => self.seek_node(node, slot),
        }
    }

    /// `seekParent` on an expression that is not a path step of its own.
    fn seek_node(&mut self, node: &mut Expr, slot: usize) -> Result<(), SyntaxError> {
        match node {
            Expr::Parent(_) => {
                self.slots[slot].level += 1;
                Ok(())
            }
            Expr::Block(items) => match items.last_mut() {
                Some(last) => self.seek_node(last, slot),
                None => Ok(()),
            },
            Expr::Path(path) => {
                path.tuple = true;
                for step in path.steps.iter_mut().rev() {
                    self.seek_step(step, slot)?;
                    if self.slots[slot].level == 0 {
                        break;
                    }
                }
                Ok(())
            }
            Expr::Filtered(f) if f.group.is_none() => self.seek_node(&mut f.node, slot),
            _ => Err(self.underivable(slot)),
        }
    }

    fn underivable(&self, slot: usize) -> SyntaxError {
        SyntaxError::new("S0217", self.slots[slot].pos, "The object representing the 'parent' cannot be derived from this expression")
    }

    /// Gives every `%` the label its slot ended with.
    fn relabel(&self, e: &mut Expr) {
        if let Expr::Parent(label) = e {
            *label = self.slots[slot_of(label)].label.clone();
        }
        for child in e.children_mut() {
            self.relabel(child);
        }
    }
}

/// The slot number of a `%` as the processor labels it (`!3`).
fn slot_of(label: &str) -> usize {
    label.trim_start_matches('!').parse().unwrap_or(0)
}
