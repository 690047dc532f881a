//! Workflow variables: the shape of every `Assign` (an object of variable names, its `.$`
//! values paths or intrinsic calls, as in a template), and the scope rules. The top-level
//! states share a scope; each Parallel branch and Map processor has its own, which reads the
//! enclosing ones. An inner state may not assign a name an enclosing scope assigns, and a
//! state may read only a variable that some state before it, on some way from the start,
//! assigned (AWS could only fail such a read at run time).

use super::reads::{reads, Read};
use super::templates::check_template;
use crate::ast::{QueryLanguage, StateDecl, StateKind, StateMachine};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Span};
use crate::json::Node;
use crate::lang::variable_name_problem;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Checks one Assign (of a state, a Choice rule or a Catcher): an object whose keys are
/// variable names (a `.$` key evaluates its value), at most one key per name.
pub fn check_assign(who: &str, node: &Node, language: QueryLanguage, diags: &mut Diagnostics) {
    let Some(members) = node.as_members() else {
        diags.error(node.span, format!("{who}: Assign must be an object of variable names, found {}", node.type_name()));
        return;
    };
    for m in members.iter() {
        let name = m.key.strip_suffix(".$").unwrap_or(&m.key);
        if let Some(problem) = variable_name_problem(name) {
            diags.error(m.key_span, format!("{who}: Assign: \"{name}\" is not a valid variable name: {problem}"));
        }
    }
    if language == QueryLanguage::JsonPath {
        check_template(who, "Assign", node, diags);
    }
}

/// The scope rules for a whole definition (see the module's documentation).
pub fn check_scopes(machine: &StateMachine, language: QueryLanguage, diags: &mut Diagnostics) {
    check_scope(machine, language, &BTreeSet::new(), &HashSet::new(), diags);
}

/// A name one state assigns, and where.
struct Assigned<'a> {
    name: &'a str,
    span: Span,
}

/// One machine's states: the variables each may have on entry (only states reached from
/// StartAt have an entry), then its reads and writes against them and the enclosing scopes.
/// `outer`: what the enclosing scopes may hold when this machine starts; `outer_names`: every
/// name they assign anywhere.
fn check_scope(machine: &StateMachine, language: QueryLanguage, outer: &BTreeSet<String>, outer_names: &HashSet<&str>, diags: &mut Diagnostics) {
    let on_entry = may_hold_on_entry(machine);
    let mut own_names: HashSet<&str> = outer_names.clone();
    for decl in &machine.states {
        for a in assigned_anywhere(decl) {
            if outer_names.contains(a.name) {
                let msg = format!("state \"{}\": Assign cannot set \"{}\": the variable belongs to an enclosing scope, and a Parallel branch or Map iteration may only read it", decl.name, a.name);
                diags.push(Diagnostic::new(a.span, msg).with_help("assign a variable of another name here, or return the value in the state's output"));
            }
            own_names.insert(a.name);
        }
    }
    for decl in &machine.states {
        let state_language = decl.state.common.query_language.as_ref().map_or(language, |q| q.value);
        let Some(held) = on_entry.get(decl.name.as_str()) else { continue };
        let visible: BTreeSet<String> = outer.union(held).cloned().collect();
        if state_language == QueryLanguage::JsonPath {
            for read in reads(decl) {
                if !visible.contains(&read.name) {
                    diags.push(unassigned(decl, &read, &own_names));
                }
            }
        }
        for nested in decl.state.kind.nested_machines() {
            check_scope(nested, super::nested_language(nested, language), &visible, &own_names, diags);
        }
    }
}

fn unassigned(decl: &StateDecl, read: &Read, known: &HashSet<&str>) -> Diagnostic {
    let msg = format!("state \"{}\": the variable \"${}\" is read here, but no state that can run before this one assigns it", decl.name, read.name);
    let mut sorted: Vec<&str> = known.iter().copied().collect();
    sorted.sort_unstable();
    let help = match did_you_mean(&read.name, sorted.iter().copied()) {
        Some(near) if near != read.name => format!("did you mean \"${near}\"?"),
        _ if known.contains(read.name.as_str()) => format!("\"{}\" is assigned only by states that run after this one (or in another branch or iteration)", read.name),
        _ => format!("assign it first: \"Assign\": {{\"{}\": …}} in a state before this one", read.name),
    };
    Diagnostic::new(read.span, msg).with_help(help)
}

/// For every state reached from StartAt, the variables that may hold a value when it is
/// entered: those assigned along some way to it (a transition carries what the state that
/// takes it assigns: its Assign for Next and Default, a Choice rule's for that rule, a
/// Catcher's for that Catcher).
fn may_hold_on_entry(machine: &StateMachine) -> HashMap<&str, BTreeSet<String>> {
    let index: HashMap<&str, &StateDecl> = machine.states.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut held: HashMap<&str, BTreeSet<String>> = HashMap::new();
    let Some(start) = machine.start_at.as_ref().filter(|s| index.contains_key(s.value.as_str())) else { return held };
    held.insert(start.value.as_str(), BTreeSet::new());
    let mut work = vec![start.value.as_str()];
    while let Some(name) = work.pop() {
        let (Some(decl), Some(before)) = (index.get(name), held.get(name).cloned()) else { continue };
        for (target, assigns) in edges(decl) {
            if !index.contains_key(target) {
                continue;
            }
            let reached = held.contains_key(target);
            let entry = held.entry(target).or_default();
            let size = entry.len();
            entry.extend(before.iter().cloned());
            entry.extend(assigns.into_iter().map(str::to_owned));
            if !reached || entry.len() != size {
                work.push(target);
            }
        }
    }
    held
}

/// The transitions of a state, each with the names it assigns when taken.
fn edges(decl: &StateDecl) -> Vec<(&str, Vec<&str>)> {
    let c = &decl.state.common;
    let own = names(c.assign.as_deref());
    let mut out = Vec::new();
    if let Some(next) = &c.next {
        out.push((next.value.as_str(), own.clone()));
    }
    if let StateKind::Choice(ch) = &decl.state.kind {
        for rule in &ch.choices.value {
            if let Some(next) = &rule.next {
                out.push((next.value.as_str(), names(rule.assign.as_deref())));
            }
        }
        if let Some(d) = &ch.default {
            out.push((d.value.as_str(), own));
        }
    }
    for k in &c.catch {
        out.push((k.next.value.as_str(), names(k.assign.as_ref())));
    }
    out
}

/// The variable names an Assign sets.
fn names(assign: Option<&Node>) -> Vec<&str> {
    assign.and_then(Node::as_members).map_or_else(Vec::new, |members| {
        members.iter().map(|m| m.key.strip_suffix(".$").unwrap_or(&m.key)).collect()
    })
}

/// Every name a state may assign (its own Assign, its Choice rules', its Catchers'), and where.
fn assigned_anywhere(decl: &StateDecl) -> Vec<Assigned<'_>> {
    let c = &decl.state.common;
    let mut nodes: Vec<&Node> = c.assign.as_deref().into_iter().collect();
    if let StateKind::Choice(ch) = &decl.state.kind {
        nodes.extend(ch.choices.value.iter().filter_map(|r| r.assign.as_deref()));
    }
    nodes.extend(c.catch.iter().filter_map(|k| k.assign.as_ref()));
    nodes
        .into_iter()
        .filter_map(Node::as_members)
        .flat_map(|members| members.iter())
        .map(|m| Assigned { name: m.key.strip_suffix(".$").unwrap_or(&m.key), span: m.key_span })
        .collect()
}
