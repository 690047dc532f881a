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

#[cfg(test)]
mod tests {
    /// Each diagnostic as `line:col: message`.
    fn problems(definition: &str) -> Vec<String> {
        crate::check_source(definition)
            .into_iter()
            .map(|d| {
                let (line, col) = d.position(definition);
                format!("{line}:{col}: {}", d.message)
            })
            .collect()
    }

    #[test]
    fn a_read_no_state_before_could_have_assigned_is_reported_where_it_is_written() {
        let text = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Pass", "Parameters": {"v.$": "$later"}, "Next": "B"},
  "B": {"Type": "Pass", "Assign": {"later": 1}, "InputPath": "$later", "Next": "C"},
  "C": {"Type": "Pass", "Parameters": {"v.$": "States.Format('{}', $latr)"}, "End": true}}}"#;
        assert_eq!(
            problems(text),
            [
                "2:48: state \"A\": the variable \"$later\" is read here, but no state that can run before this one assigns it",
                "3:63: state \"B\": the variable \"$later\" is read here, but no state that can run before this one assigns it",
                "4:68: state \"C\": the variable \"$latr\" is read here, but no state that can run before this one assigns it",
            ]
        );
    }

    #[test]
    fn an_assignment_on_some_way_from_the_start_is_enough() {
        // Only the rule's way assigns `x`; AWS would fail the read only when Default is taken.
        let text = r#"{"StartAt": "C", "States": {
  "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsPresent": true, "Assign": {"x": 1}, "Next": "R"}], "Default": "R"},
  "R": {"Type": "Pass", "OutputPath": "$x", "End": true}}}"#;
        assert_eq!(problems(text), Vec::<String>::new());
        // A loop carries what its later states assign back to its start.
        let looped = r#"{"StartAt": "A", "States": {
  "A": {"Type": "Choice", "Choices": [{"Variable": "$n", "IsPresent": true, "Next": "Done"}], "Default": "B"},
  "B": {"Type": "Pass", "Assign": {"n": 1}, "Next": "A"},
  "Done": {"Type": "Succeed"}}}"#;
        assert_eq!(problems(looped), Vec::<String>::new());
    }

    #[test]
    fn a_catcher_assigns_only_on_its_way_and_the_state_only_on_its_own() {
        let text = r#"{"StartAt": "T", "States": {
  "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Assign": {"ok": 1},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"err": 1}, "Next": "F"}], "Next": "S"},
  "S": {"Type": "Pass", "Parameters": {"a.$": "$ok"}, "End": true},
  "F": {"Type": "Pass", "Parameters": {"a.$": "$err", "b.$": "$ok"}, "End": true}}}"#;
        let got = problems(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("5:63: state \"F\": the variable \"$ok\""), "{got:?}");
    }

    #[test]
    fn inner_states_read_outer_variables_but_may_not_assign_them() {
        let text = r#"{"StartAt": "Set", "States": {
  "Set": {"Type": "Pass", "Assign": {"x": 1}, "Next": "M"},
  "M": {"Type": "Map", "ItemsPath": "$x", "End": true, "ItemProcessor": {"StartAt": "In", "States": {
    "In": {"Type": "Pass", "Assign": {"y.$": "$x", "x": 2}, "End": true}}}},
  "Unused": {"Type": "Pass", "Parameters": {"y.$": "$y"}, "End": true}}}"#;
        let got = problems(text);
        assert!(got.contains(&"4:52: state \"In\": Assign cannot set \"x\": the variable belongs to an enclosing scope, and a Parallel branch or Map iteration may only read it".to_string()), "{got:?}");
        // What an iteration assigns is not the outer scope's (and Unused is unreachable anyway).
        assert!(!got.iter().any(|p| p.contains("\"$x\"")), "{got:?}");
        let siblings = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
  {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"v": 1}, "End": true}}},
  {"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"v": 2}, "Next": "C"}, "C": {"Type": "Pass", "InputPath": "$v", "End": true}}}]}}}"#;
        assert_eq!(problems(siblings), Vec::<String>::new(), "sibling branches are separate scopes");
    }

    #[test]
    fn assign_names_and_values_are_checked() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
  "Assign": {"1st": 1, "states": 2, "ok.$": "$.a[", "ok": 3, "fine": {"deep.$": "States.Nope()"}}}}}"#;
        let got = problems(text);
        assert_eq!(got.len(), 5, "{got:?}");
        assert!(got[0].contains("\"1st\" is not a valid variable name"), "{got:?}");
        assert!(got[1].contains("`states` is reserved"), "{got:?}");
        assert!(got[2].contains("Assign.ok.$ \"$.a[\" is not a valid path"), "{got:?}");
        assert!(got[3].contains("field \"ok\" appears twice"), "{got:?}");
        assert!(got[4].contains("Nope"), "{got:?}");
        let not_object = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Assign": [1]}}}"#;
        assert_eq!(problems(not_object), ["1:74: state \"A\": Assign must be an object of variable names, found an array"]);
    }

    #[test]
    fn result_path_never_names_a_variable() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"v": 1}, "Next": "B"},
  "B": {"Type": "Pass", "ResultPath": "$v", "End": true}}}"#;
        let got = problems(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("ResultPath \"$v\" must be a path into the state's input"), "{got:?}");
    }
}
