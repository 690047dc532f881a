//! Validation: AWS's CreateStateMachine rules, one family a file. Every rule reports into the
//! shared `Diagnostics` and carries on, so a user sees every problem of a definition at once.

mod choice;
mod fields;
mod graph;
mod jsonata;
mod language;
mod map;
mod reads;
mod templates;
mod variables;

use crate::ast::{ProcessorMode, QueryLanguage, StateDecl, StateKind, StateMachine};
use crate::diag::Diagnostics;

/// Checks a whole definition: graph rules per machine (top level, branches, processors),
/// names unique across all of them, field rules per state.
pub fn check(machine: &StateMachine, diags: &mut Diagnostics) {
    let top_language = machine.query_language.as_ref().map_or(QueryLanguage::JsonPath, |q| q.value);
    graph::check_unique_names(machine, diags);
    check_machine(machine, top_language, diags);
    variables::check_scopes(machine, top_language, diags);
    if let Some(t) = &machine.timeout_seconds {
        if t.value == 0 || t.value > 99_999_999 {
            diags.error(t.span, "TimeoutSeconds must be between 1 and 99999999");
        }
    }
    if let Some(v) = &machine.version {
        if v.value != "1.0" {
            diags.error(v.span, format!("Version must be \"1.0\", found \"{}\"", v.value));
        }
    }
}

/// One machine and, recursively, the machines nested in its Parallel and Map states.
fn check_machine(machine: &StateMachine, top_language: QueryLanguage, diags: &mut Diagnostics) {
    graph::check_graph(machine, diags);
    for decl in &machine.states {
        let language = language::check_state(decl, top_language, diags);
        check_state(decl, language, diags);
        for nested in decl.state.kind.nested_machines() {
            check_machine(nested, nested_language(nested, top_language), diags);
        }
    }
}

/// The field rules of one state: those every kind shares, then its kind's own.
fn check_state(decl: &StateDecl, language: QueryLanguage, diags: &mut Diagnostics) {
    let who = format!("state \"{}\"", decl.name);
    let c = &decl.state.common;
    if language == QueryLanguage::JsonPath {
        fields::check_io(&who, c, diags);
    } else {
        jsonata::check_state(&who, decl, diags);
    }
    fields::check_retry(&who, &c.retry, diags);
    fields::check_catch(&who, &c.catch, language, diags);
    check_assigns(&who, decl, language, diags);
    match &decl.state.kind {
        StateKind::Task(t) => fields::check_task(&who, t, language, diags),
        StateKind::Wait(w) => fields::check_wait(&who, w, decl.name_span, diags),
        StateKind::Fail(f) => fields::check_fail(&who, f, diags),
        StateKind::Choice(ch) => choice::check_choice(&who, ch, language, diags),
        StateKind::Map(m) => map::check_map(&who, m, c, language, diags),
        StateKind::Pass(_) | StateKind::Succeed | StateKind::Parallel(_) => {}
    }
}

/// Every Assign of a state: its own, its Choice rules', its Catchers'.
fn check_assigns(who: &str, decl: &StateDecl, language: QueryLanguage, diags: &mut Diagnostics) {
    let c = &decl.state.common;
    if let Some(a) = &c.assign {
        variables::check_assign(who, a, language, diags);
    }
    if let StateKind::Choice(ch) = &decl.state.kind {
        for (i, rule) in ch.choices.value.iter().enumerate() {
            if let Some(a) = &rule.assign {
                variables::check_assign(&format!("{who}, Choices[{i}]"), a, language, diags);
            }
        }
    }
    for (i, k) in c.catch.iter().enumerate() {
        if let Some(a) = &k.assign {
            variables::check_assign(&format!("{who}, Catch[{i}]"), a, language, diags);
        }
    }
}

/// The language a nested machine's states default to. A Distributed Map's processor runs as
/// child executions, state machines of their own, whose states may choose JSONPath even when
/// the parent is JSONata.
fn nested_language(nested: &StateMachine, top: QueryLanguage) -> QueryLanguage {
    let distributed = nested
        .processor_config
        .as_ref()
        .and_then(|c| c.mode.as_ref())
        .is_some_and(|m| m.value == ProcessorMode::Distributed);
    if distributed { QueryLanguage::JsonPath } else { top }
}
