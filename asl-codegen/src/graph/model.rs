//! The state machine as a drawing sees it: each scope (the top level, a Parallel branch, a
//! Map's ItemProcessor) a list of states and the edges between them, each edge of a kind
//! (Next, a Choice rule, Default, Catch) with its label. Built from a checked definition,
//! so every transition names a state of its own scope; the writers (`mermaid`, `dot`, `svg`)
//! only read it.

use super::labels;
use crate::ast::{self, StateKind, StateMachine};

/// A state's `Type`, as the drawing styles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

impl Kind {
    fn of(kind: &StateKind) -> Kind {
        match kind {
            StateKind::Pass(_) => Kind::Pass,
            StateKind::Task(_) => Kind::Task,
            StateKind::Choice(_) => Kind::Choice,
            StateKind::Wait(_) => Kind::Wait,
            StateKind::Succeed => Kind::Succeed,
            StateKind::Fail(_) => Kind::Fail,
            StateKind::Parallel(_) => Kind::Parallel,
            StateKind::Map(_) => Kind::Map,
        }
    }

    /// The `Type` string as written in ASL.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Pass => "Pass",
            Kind::Task => "Task",
            Kind::Choice => "Choice",
            Kind::Wait => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail => "Fail",
            Kind::Parallel => "Parallel",
            Kind::Map => "Map",
        }
    }

    /// The CSS class and DOT/Mermaid style name: the type in lower case.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Pass => "pass",
            Kind::Task => "task",
            Kind::Choice => "choice",
            Kind::Wait => "wait",
            Kind::Succeed => "succeed",
            Kind::Fail => "fail",
            Kind::Parallel => "parallel",
            Kind::Map => "map",
        }
    }
}

/// How one state leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// `Next`.
    Next,
    /// A Choice rule's `Next`, labelled with the rule.
    Rule,
    /// A Choice state's `Default`.
    Default,
    /// A Catcher's `Next`, labelled with its `ErrorEquals`.
    Catch,
}

impl EdgeKind {
    pub fn class(self) -> &'static str {
        match self {
            EdgeKind::Next => "next",
            EdgeKind::Rule => "rule",
            EdgeKind::Default => "default",
            EdgeKind::Catch => "catch",
        }
    }
}

/// An edge between two states of one scope, by their indexes in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub label: Option<String>,
}

/// One state.
#[derive(Debug, Clone, PartialEq)]
pub struct StateNode {
    /// Its number, in the order the definition is written (parents before their children):
    /// what the writers name it by (`s3`), as a name may hold any character.
    pub id: usize,
    /// The state's name: unique across the whole definition, branches included.
    pub name: String,
    pub kind: Kind,
    /// A second line: the Task's resource, the Wait's duration, the Map's mode, the Fail's error.
    pub detail: Option<String>,
    /// One label per Retrier (`Retry States.Timeout ×3`).
    pub retries: Vec<String>,
    /// Whether reaching it ends its scope (`End`, Succeed, Fail).
    pub ends: bool,
    /// The branches of a Parallel, the ItemProcessor of a Map.
    pub scopes: Vec<Scope>,
}

impl StateNode {
    /// The title of its `i`th scope: `Branch 2` of a Parallel, a Map's `ItemProcessor`.
    pub fn scope_title(&self, i: usize) -> String {
        match self.kind {
            Kind::Parallel => format!("Branch {}", i + 1),
            _ => "ItemProcessor".to_string(),
        }
    }
}

/// A top-level machine, a Parallel branch or a Map's ItemProcessor.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// The index of the `StartAt` state.
    pub start: usize,
    pub states: Vec<StateNode>,
    pub edges: Vec<Edge>,
}

/// A definition as a graph: [`Graph::to_mermaid`], [`Graph::to_dot`], [`Graph::to_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    root: Scope,
}

impl Graph {
    /// The graph of a definition that passed `check`.
    pub(crate) fn of(machine: &StateMachine) -> Graph {
        Graph { root: scope(machine, &mut 0) }
    }

    /// The top-level machine.
    pub fn root(&self) -> &Scope {
        &self.root
    }

    /// Every state, nested ones included, parents before their children.
    pub fn states(&self) -> Vec<&StateNode> {
        let mut out = Vec::new();
        fn walk<'a>(scope: &'a Scope, out: &mut Vec<&'a StateNode>) {
            for state in &scope.states {
                out.push(state);
                state.scopes.iter().for_each(|s| walk(s, out));
            }
        }
        walk(&self.root, &mut out);
        out
    }
}

fn scope(machine: &StateMachine, ids: &mut usize) -> Scope {
    let index = |name: &str| machine.states.iter().position(|d| d.name == name);
    let start = machine.start_at.as_ref().and_then(|s| index(&s.value)).unwrap_or(0);
    let mut edges = Vec::new();
    let mut states = Vec::with_capacity(machine.states.len());
    for (from, decl) in machine.states.iter().enumerate() {
        let mut edge = |to: &str, kind: EdgeKind, label: Option<String>| {
            // A checked definition names only states of this scope; an unknown name (a state
            // that could not be read) draws nothing rather than a wrong edge.
            if let Some(to) = index(to) {
                edges.push(Edge { from, to, kind, label });
            }
        };
        let state = &decl.state;
        if let StateKind::Choice(choice) = &state.kind {
            // Numbered: the first rule that matches is the one taken.
            for (k, rule) in choice.choices.value.iter().enumerate() {
                if let Some(next) = &rule.next {
                    edge(&next.value, EdgeKind::Rule, Some(format!("#{} {}", k + 1, labels::rule(rule))));
                }
            }
            if let Some(default) = &choice.default {
                edge(&default.value, EdgeKind::Default, Some("Default".to_string()));
            }
        }
        if let Some(next) = &state.common.next {
            edge(&next.value, EdgeKind::Next, None);
        }
        for catcher in &state.common.catch {
            edge(&catcher.next.value, EdgeKind::Catch, Some(format!("Catch {}", labels::errors(&catcher.error_equals.value))));
        }
        states.push(node(decl, ids));
    }
    Scope { start, states, edges }
}

fn node(decl: &ast::StateDecl, ids: &mut usize) -> StateNode {
    let state = &decl.state;
    let id = *ids;
    *ids += 1;
    let ends = matches!(state.kind, StateKind::Succeed | StateKind::Fail(_)) || state.common.end.as_ref().is_some_and(|e| e.value);
    StateNode {
        id,
        name: decl.name.clone(),
        kind: Kind::of(&state.kind),
        detail: labels::detail(&state.kind),
        retries: state.common.retry.iter().map(labels::retry).collect(),
        ends,
        scopes: state.kind.nested_machines().into_iter().map(|m| scope(m, ids)).collect(),
    }
}
