//! Transitions and reachability: StartAt, Next, Default, Choices[].Next and Catch[].Next name a
//! state of the same machine; Next xor End; every state reachable; a terminal state exists;
//! state names at most 80 characters and unique across the whole definition.

use crate::ast::{ChoiceRule, StateDecl, StateKind, StateMachine, Spanned};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics};
use std::collections::{HashMap, HashSet};

/// How many name comparisons "did you mean" may make for one machine: a suggestion compares a
/// missing name with every state name, so thousands of bad names in a machine of thousands of
/// states would take quadratic time. The first ones still get their suggestion.
const SUGGESTION_BUDGET: usize = 2_000_000;

pub fn check_graph(machine: &StateMachine, diags: &mut Diagnostics) {
    let names: HashSet<&str> =
        machine.states.iter().map(|d| d.name.as_str()).chain(machine.unreadable.iter().map(String::as_str)).collect();
    // In definition order, so that equally close suggestions are chosen the same way every run.
    let ordered: Vec<&str> = machine.states.iter().map(|d| d.name.as_str()).chain(machine.unreadable.iter().map(String::as_str)).collect();
    let budget = std::cell::Cell::new(SUGGESTION_BUDGET);
    let target = |t: &Spanned<String>, what: &str, diags: &mut Diagnostics| {
        if !names.contains(t.value.as_str()) {
            let mut d = Diagnostic::new(t.span, format!("{what} \"{}\" does not exist", t.value));
            if let Some(left) = budget.get().checked_sub(ordered.len()) {
                budget.set(left);
                if let Some(near) = did_you_mean(&t.value, ordered.iter().copied()) {
                    d = d.with_help(format!("did you mean \"{near}\"?"));
                }
            }
            diags.push(d);
        }
    };
    if let Some(start) = &machine.start_at {
        target(start, "StartAt: state", diags);
    }
    for decl in &machine.states {
        let who = format!("state \"{}\"", decl.name);
        for (t, what) in transitions(decl) {
            target(t, &format!("{who}: {what}"), diags);
        }
        check_next_or_end(decl, diags);
        if decl.name.chars().count() > 80 {
            diags.error(decl.name_span, format!("{who}: a state name can have at most 80 characters"));
        }
    }
    if !machine.states.iter().any(is_terminal) && !machine.states.is_empty() && machine.unreadable.is_empty() {
        diags.error(machine.span, "the workflow has no terminal state (End, Succeed or Fail)");
        return; // AWS skips the reachability check then
    }
    // With a misspelt Next, what it pointed at would look unreachable: one error is enough.
    if machine.states.iter().any(|d| d.state.common.transition_misspelt) {
        return;
    }
    check_reachable(machine, diags);
}

/// Every state name this state may transition to, with what names it.
pub fn transitions(decl: &StateDecl) -> Vec<(&Spanned<String>, &'static str)> {
    let mut out = Vec::new();
    if let Some(n) = &decl.state.common.next {
        out.push((n, "Next"));
    }
    for c in &decl.state.common.catch {
        if !c.next.value.is_empty() {
            out.push((&c.next, "Catch Next"));
        }
    }
    if let StateKind::Choice(choice) = &decl.state.kind {
        out.extend(choice.choices.value.iter().filter_map(|r: &ChoiceRule| r.next.as_ref()).map(|n| (n, "Choice rule Next")));
        if let Some(d) = &choice.default {
            out.push((d, "Default"));
        }
    }
    out
}

fn is_terminal(decl: &StateDecl) -> bool {
    matches!(decl.state.kind, StateKind::Succeed | StateKind::Fail(_))
        || decl.state.common.end.as_ref().is_some_and(|e| e.value)
}

fn check_next_or_end(decl: &StateDecl, diags: &mut Diagnostics) {
    let c = &decl.state.common;
    let who = format!("state \"{}\"", decl.name);
    let flows = matches!(decl.state.kind, StateKind::Pass(_) | StateKind::Task(_) | StateKind::Wait(_)
        | StateKind::Parallel(_) | StateKind::Map(_));
    if !flows || c.transition_misspelt {
        return;
    }
    let end = c.end.as_ref();
    match (&c.next, end) {
        (Some(n), Some(e)) if e.value => {
            diags.error(n.span, format!("{who}: a state cannot have both \"Next\" and \"End\": true"));
        }
        (None, None) => diags.push(
            Diagnostic::new(decl.name_span, format!("{who}: a {} state needs \"Next\" or \"End\": true", decl.state.kind.type_name()))
                .with_help("add \"End\": true to finish the workflow here, or \"Next\" to go on"),
        ),
        (None, Some(e)) if !e.value => {
            diags.error(e.span, format!("{who}: \"End\" must be true; use \"Next\" to continue"));
        }
        _ => {}
    }
}

fn check_reachable(machine: &StateMachine, diags: &mut Diagnostics) {
    let index: HashMap<&str, &StateDecl> = machine.states.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = machine.start_at.iter().map(|s| s.value.as_str()).collect();
    while let Some(name) = stack.pop() {
        let Some(decl) = index.get(name) else { continue };
        if seen.insert(name) {
            stack.extend(transitions(decl).into_iter().map(|(t, _)| t.value.as_str()));
        }
    }
    for decl in &machine.states {
        if !seen.contains(decl.name.as_str()) && machine.start_at.is_some() {
            diags.error(decl.name_span, format!("state \"{}\" is not reachable", decl.name));
        }
    }
}

/// State names are unique across the whole definition, nested machines included.
pub fn check_unique_names(machine: &StateMachine, diags: &mut Diagnostics) {
    let mut seen = HashSet::new();
    visit_names(machine, &mut seen, diags);
}

fn visit_names<'a>(machine: &'a StateMachine, seen: &mut HashSet<&'a str>, diags: &mut Diagnostics) {
    for decl in &machine.states {
        if !seen.insert(decl.name.as_str()) {
            diags.error(decl.name_span, format!("duplicate state name \"{}\": names must be unique across the whole definition, branches and processors included", decl.name));
        }
        for nested in decl.state.kind.nested_machines() {
            visit_names(nested, seen, diags);
        }
    }
}
