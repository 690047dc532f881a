//! Where a JSONPath state reads workflow variables: every `$name…` path of its fields (paths,
//! `.$` values of templates and Assign, intrinsic arguments, Choice rules, Map settings), with
//! the place it is written, for the scope rules in `variables`. The nested machines of
//! Parallel and Map states read on their own account and are not included.

use super::templates::span_in_string;
use crate::ast::{Catcher, ChoiceRule, Common, Map, RuleKind, StateDecl, StateKind};
use crate::diag::Span;
use crate::json::{Node, NodeKind};
use crate::lang::{intrinsic, looks_like_intrinsic, variable_name};

/// One variable read: the name, and where the `$name` is written.
pub struct Read {
    pub name: String,
    pub span: Span,
}

/// Every variable `decl` reads, in field order.
pub fn reads(decl: &StateDecl) -> Vec<Read> {
    let mut out = Reads(Vec::new());
    let c = &decl.state.common;
    out.common(c);
    match &decl.state.kind {
        StateKind::Task(t) => {
            out.path_field(t.timeout.path.as_ref().map(|p| (p.value.as_str(), p.span)));
            out.path_field(t.heartbeat.path.as_ref().map(|p| (p.value.as_str(), p.span)));
            out.template(t.credentials.as_ref());
        }
        StateKind::Wait(w) => {
            out.path_field(w.seconds_path.as_ref().map(|p| (p.value.as_str(), p.span)));
            out.path_field(w.timestamp_path.as_ref().map(|p| (p.value.as_str(), p.span)));
        }
        StateKind::Fail(f) => {
            for p in [&f.error_path, &f.cause_path].into_iter().flatten() {
                out.dynamic(&p.value, p.span);
            }
        }
        StateKind::Choice(ch) => ch.choices.value.iter().for_each(|r| out.rule(r)),
        StateKind::Map(m) => out.map(m),
        StateKind::Pass(_) | StateKind::Succeed | StateKind::Parallel(_) => {}
    }
    out.0
}

struct Reads(Vec<Read>);

impl Reads {
    fn common(&mut self, c: &Common) {
        for p in [c.input_path.as_deref(), c.output_path.as_deref()].into_iter().flatten() {
            self.path_field(p.value.as_deref().map(|text| (text, p.span)));
        }
        for t in [&c.parameters, &c.result_selector, &c.assign] {
            self.template(t.as_deref());
        }
        c.catch.iter().for_each(|k: &Catcher| self.template(k.assign.as_ref()));
    }

    fn rule(&mut self, rule: &ChoiceRule) {
        self.template(rule.assign.as_deref());
        match &rule.kind {
            RuleKind::And(rules) | RuleKind::Or(rules) => rules.iter().for_each(|r| self.rule(r)),
            RuleKind::Not(r) => self.rule(r),
            RuleKind::Data { variable, op, operand } => {
                self.path_field(Some((&variable.value, variable.span)));
                if op.value.name().ends_with("Path") {
                    self.path_field(operand.as_str().map(|text| (text, operand.span)));
                }
            }
            RuleKind::Condition(_) | RuleKind::Invalid => {}
        }
    }

    fn map(&mut self, m: &Map) {
        for p in [&m.items_path, &m.max_concurrency_path, &m.tolerated_failure_count_path, &m.tolerated_failure_percentage_path] {
            self.path_field(p.as_ref().map(|p| (p.value.as_str(), p.span)));
        }
        self.template(m.item_selector.as_ref());
        if let Some(reader) = &m.item_reader {
            self.template(member(reader, "Parameters"));
            self.path_node(member(reader, "ReaderConfig").and_then(|c| member(c, "MaxItemsPath")));
        }
        if let Some(batcher) = &m.item_batcher {
            self.path_node(member(batcher, "MaxItemsPerBatchPath"));
            self.path_node(member(batcher, "MaxInputBytesPerBatchPath"));
            self.template(member(batcher, "BatchInput"));
        }
        self.template(m.result_writer.as_ref().and_then(|w| member(w, "Parameters")));
    }

    /// A field holding a path, written as a JSON string at `span`.
    fn path_field(&mut self, path: Option<(&str, Span)>) {
        if let Some((text, span)) = path {
            self.path(text, span_in_string(span, 0));
        }
    }

    fn path_node(&mut self, node: Option<&Node>) {
        self.path_field(node.and_then(|n| Some((n.as_str()?, n.span))));
    }

    /// A path whose `$` is at `at`.
    fn path(&mut self, text: &str, at: Span) {
        if let Some(name) = variable_name(text) {
            self.0.push(Read { name: name.to_owned(), span: at });
        }
    }

    /// A payload template (or an Assign): the `.$` values at any depth.
    fn template(&mut self, node: Option<&Node>) {
        match node.map(|n| &n.kind) {
            Some(NodeKind::Object(members)) => {
                for m in members.iter() {
                    match (m.key.ends_with(".$"), m.value.as_str()) {
                        (true, Some(text)) => self.dynamic(text, m.value.span),
                        _ => self.template(Some(&m.value)),
                    }
                }
            }
            Some(NodeKind::Array(items)) => items.iter().for_each(|n| self.template(Some(n))),
            _ => {}
        }
    }

    /// The value of a `.$` field (or ErrorPath / CausePath): a path or an intrinsic call.
    fn dynamic(&mut self, text: &str, span: Span) {
        if !looks_like_intrinsic(text) {
            return self.path(text, span_in_string(span, 0));
        }
        if let Ok(call) = intrinsic::parse_intrinsic(text) {
            self.call(&call, span);
        }
    }

    fn call(&mut self, call: &intrinsic::Call, span: Span) {
        for arg in &call.args {
            match arg {
                intrinsic::Arg::Path { text, offset } => self.path(text, span_in_string(span, *offset)),
                intrinsic::Arg::Call(inner) => self.call(inner, span),
                intrinsic::Arg::Literal(_) => {}
            }
        }
    }
}

fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.as_members()?.iter().find(|m| &*m.key == key).map(|m| &m.value)
}
