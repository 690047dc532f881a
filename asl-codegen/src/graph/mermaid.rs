//! The graph as a Mermaid flowchart (what GitHub and most documentation sites draw from a
//! code block): states as nodes named `s<number>` with their names as quoted labels,
//! Parallel and Map states as subgraphs holding a subgraph per branch, Catch and Retry edges
//! dotted.

use super::model::{EdgeKind, Kind, Scope, StateNode};
use std::fmt::Write;

/// The graph of `root` as Mermaid text.
pub fn write(root: &Scope) -> String {
    let mut out = String::from("flowchart TD\n");
    out.push_str("    Start([\"Start\"]):::terminal\n");
    nodes(root, 1, &mut out);
    out.push_str("    End([\"End\"]):::terminal\n");
    let _ = writeln!(out, "    Start --> {}", id(&root.states[root.start]));
    edges(root, &mut out);
    for state in root.states.iter().filter(|s| s.ends) {
        let _ = writeln!(out, "    {} --> End", id(state));
    }
    out.push_str(CLASSES);
    out
}

const CLASSES: &str = "    classDef terminal fill:#f2f3f3,stroke:#879596
    classDef state fill:#ffffff,stroke:#687078
    classDef choice fill:#ffffff,stroke:#0073bb
    classDef succeed fill:#ffffff,stroke:#1d8102
    classDef fail fill:#ffffff,stroke:#d13212
    classDef container fill:#fafafa,stroke:#687078,stroke-dasharray:6 3
";

fn id(state: &StateNode) -> String {
    format!("s{}", state.id)
}

fn nodes(scope: &Scope, depth: usize, out: &mut String) {
    let indent = "    ".repeat(depth);
    for state in &scope.states {
        if state.scopes.is_empty() {
            let label = match &state.detail {
                Some(detail) => format!("{}<br/><small>{}</small>", text(&state.name), text(detail)),
                None => text(&state.name),
            };
            let class = match state.kind {
                Kind::Choice | Kind::Succeed | Kind::Fail => state.kind.class(),
                _ => "state",
            };
            let _ = writeln!(out, "{indent}{}[\"{label}\"]:::{class}", id(state));
            continue;
        }
        // Mermaid cannot draw an edge from a subgraph to itself: a container's Retriers are in its title.
        let retries: String = state.retries.iter().map(|r| format!("<br/>{}", text(r))).collect();
        let _ = writeln!(out, "{indent}subgraph {} [\"{} ({}){retries}\"]", id(state), text(&state.name), state.kind.type_name());
        let _ = writeln!(out, "{indent}    direction TB");
        for (i, branch) in state.scopes.iter().enumerate() {
            let title = state.scope_title(i);
            let _ = writeln!(out, "{indent}    subgraph {}_{i} [\"{title}\"]", id(state));
            nodes(branch, depth + 2, out);
            let _ = writeln!(out, "{indent}    end");
        }
        let _ = writeln!(out, "{indent}end");
        let _ = writeln!(out, "{indent}class {} container", id(state));
    }
}

fn edges(scope: &Scope, out: &mut String) {
    for edge in &scope.edges {
        let (from, to) = (id(&scope.states[edge.from]), id(&scope.states[edge.to]));
        let arrow = match edge.kind {
            EdgeKind::Catch => "-.->",
            _ => "-->",
        };
        match &edge.label {
            Some(label) => writeln!(out, "    {from} {arrow}|\"{}\"| {to}", text(label)),
            None => writeln!(out, "    {from} {arrow} {to}"),
        }
        .unwrap_or(());
    }
    for state in &scope.states {
        for retry in state.retries.iter().filter(|_| state.scopes.is_empty()) {
            let _ = writeln!(out, "    {0} -.->|\"{1}\"| {0}", id(state), text(retry));
        }
        state.scopes.iter().for_each(|s| edges(s, out));
    }
}

/// A label's text inside `"…"`: Mermaid reads `#name;` and `#number;` entities there (so `#`
/// itself is one), HTML tags, `\n` and Markdown in backticks; each of those characters is
/// written as an entity, and nothing else needs to be. A label is never empty here.
fn text(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            // `\n` would break the line, a backtick make the label Markdown.
            '\\' => out.push_str("#92;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
