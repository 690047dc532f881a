//! Reading an object's fields by name with type checks, reporting wrong types, duplicate keys
//! and unknown fields (with a "did you mean") into the shared diagnostics.

use crate::ast::Spanned;
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Span};
use crate::json::{Member, Node, NodeKind};
use crate::lang::is_jsonata;

/// A view of one JSON object being turned into an AST node.
pub struct Fields<'a, 'd> {
    members: &'a [Member],
    used: Vec<bool>,
    /// Who owns these fields, for messages: `state "Pay"`, `a Retrier of state "Pay"`.
    pub owner: String,
    pub diags: &'d mut Diagnostics,
}

impl<'a, 'd> Fields<'a, 'd> {
    /// Reports `expected` if `node` is not an object; the fields are then empty.
    pub fn new(node: &'a Node, owner: String, expected: &str, diags: &'d mut Diagnostics) -> Self {
        let members: &[Member] = match &node.kind {
            NodeKind::Object(m) => m,
            _ => {
                diags.error(node.span, format!("{owner}: expected {expected}, found {}", node.type_name()));
                &[]
            }
        };
        report_duplicates(members, &owner, diags);
        Fields { members, used: vec![false; members.len()], owner, diags }
    }

    pub fn has(&self, key: &str) -> bool {
        self.members.iter().any(|m| &*m.key == key)
    }

    /// Where `key` is written, without reading it.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.members.iter().find(|m| &*m.key == key).map(|m| m.key_span)
    }

    /// The member itself (key span and value), marking it used.
    pub fn member(&mut self, key: &str) -> Option<&'a Member> {
        let i = self.members.iter().position(|m| &*m.key == key)?;
        // Duplicates are reported once, as duplicates, not again as unknown fields.
        for (used, m) in self.used.iter_mut().zip(self.members) {
            *used |= &*m.key == key;
        }
        Some(&self.members[i])
    }

    pub fn node(&mut self, key: &str) -> Option<&'a Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn type_error(&mut self, key: &str, node: &Node, expected: &str) {
        let found = match &node.kind {
            NodeKind::Number(n) => n.to_string(),
            NodeKind::String(s) if s.chars().count() <= 40 => format!("\"{s}\""),
            _ => node.type_name().to_string(),
        };
        let msg = format!("{}: field \"{key}\" must be {expected}, found {found}", self.owner);
        self.diags.error(node.span, msg);
    }

    pub fn string(&mut self, key: &str) -> Option<Spanned<String>> {
        let node = self.node(key)?;
        match &node.kind {
            NodeKind::String(s) => Some(Spanned { value: s.to_string(), span: node.span }),
            _ => {
                self.type_error(key, node, "a string");
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<Spanned<bool>> {
        let node = self.node(key)?;
        match &node.kind {
            NodeKind::Bool(b) => Some(Spanned { value: *b, span: node.span }),
            _ => {
                self.type_error(key, node, "a boolean");
                None
            }
        }
    }

    /// A whole non-negative number (AWS's integer fields).
    pub fn uint(&mut self, key: &str) -> Option<Spanned<u64>> {
        let node = self.node(key)?;
        match node.as_uint() {
            Some(v) => Some(Spanned { value: v, span: node.span }),
            None => {
                self.type_error(key, node, "a non-negative whole number");
                None
            }
        }
    }

    pub fn number(&mut self, key: &str) -> Option<Spanned<f64>> {
        let node = self.node(key)?;
        match &node.kind {
            NodeKind::Number(n) => n.as_f64().map(|v| Spanned { value: v, span: node.span }),
            _ => {
                self.type_error(key, node, "a number");
                None
            }
        }
    }

    /// A string field that must be one of `options`, each given as AWS spells it.
    pub fn one_of<T: Clone>(&mut self, key: &str, options: &[(&str, T)]) -> Option<Spanned<T>> {
        let s = self.string(key)?;
        if let Some((_, value)) = options.iter().find(|(name, _)| *name == s.value) {
            return Some(Spanned { value: value.clone(), span: s.span });
        }
        let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
        let msg = format!("{}: {key} must be {}, found \"{}\"", self.owner, names.join(" or "), s.value);
        self.diags.error(s.span, msg);
        None
    }

    /// A path field that may be `null` (InputPath, OutputPath, ResultPath).
    pub fn nullable_path(&mut self, key: &str) -> Option<Spanned<Option<String>>> {
        let node = self.node(key)?;
        match &node.kind {
            NodeKind::Null => Some(Spanned { value: None, span: node.span }),
            NodeKind::String(s) => Some(Spanned { value: Some(s.to_string()), span: node.span }),
            _ => {
                self.type_error(key, node, "a path string or null");
                None
            }
        }
    }

    pub fn array(&mut self, key: &str) -> Option<(&'a [Node], Span)> {
        let node = self.node(key)?;
        match &node.kind {
            NodeKind::Array(items) => Some((items, node.span)),
            _ => {
                self.type_error(key, node, "an array");
                None
            }
        }
    }

    /// A field given as a JSONata expression string (`"{% … %}"`), taken as written.
    pub fn jsonata(&mut self, key: &str) -> Option<&'a Member> {
        let i = self.members.iter().position(|m| &*m.key == key && m.value.as_str().is_some_and(is_jsonata))?;
        self.used[i] = true;
        Some(&self.members[i])
    }

    /// Whether a field no reader asked for looks like a misspelling of `name`.
    pub fn misspells(&self, name: &str) -> bool {
        self.members
            .iter()
            .zip(&self.used)
            .any(|(m, used)| !used && did_you_mean(&m.key, [name]).is_some())
    }

    /// Reports every field no reader asked for, suggesting the nearest allowed name.
    pub fn finish(self, allowed: &[&str]) {
        for (member, used) in self.members.iter().zip(&self.used) {
            if *used {
                continue;
            }
            let mut d = Diagnostic::new(
                member.key_span,
                format!("{}: field \"{}\" is not supported here", self.owner, member.key),
            );
            if let Some(near) = did_you_mean(&member.key, allowed.iter().copied()) {
                d = d.with_help(format!("did you mean \"{near}\"?"));
            }
            self.diags.push(d);
        }
    }
}

fn report_duplicates(members: &[Member], owner: &str, diags: &mut Diagnostics) {
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|earlier| earlier.key == m.key) {
            diags.error(m.key_span, format!("{owner}: field \"{}\" is given more than once", m.key));
        }
    }
}
