//! The graph in Graphviz's DOT language: states as nodes `s<number>`, Parallel and Map states
//! as clusters holding a cluster per branch. Graphviz joins edges to nodes, not to clusters,
//! so a container has two small nodes of its own inside its cluster: where its edges come in
//! (`s<number>`, drawn as its title) and where they leave (`s<number>_out`), each edge clipped
//! at the cluster's border (`lhead`, `ltail`).

use super::model::{EdgeKind, Kind, Scope, StateNode};
use std::fmt::Write;

/// The graph of `root` as DOT text.
pub fn write(root: &Scope) -> String {
    let mut out = String::from("digraph workflow {\n");
    out.push_str("    graph [compound=true, fontname=\"Helvetica\", fontsize=11, nodesep=0.35, ranksep=0.45];\n");
    out.push_str("    node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", color=\"#687078\", fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("    edge [color=\"#687078\", fontname=\"Helvetica\", fontsize=9];\n");
    out.push_str("    Start [label=\"Start\", shape=oval, fillcolor=\"#f2f3f3\"];\n");
    out.push_str("    End [label=\"End\", shape=oval, fillcolor=\"#f2f3f3\"];\n");
    nodes(root, 1, &mut out);
    let _ = writeln!(out, "    Start -> {};", entry(&root.states[root.start]));
    edges(root, &mut out);
    for state in root.states.iter().filter(|s| s.ends) {
        let _ = writeln!(out, "    {} -> End{};", exit(state), clip("ltail", state));
    }
    out.push_str("}\n");
    out
}

fn entry(state: &StateNode) -> String {
    format!("s{}", state.id)
}

fn exit(state: &StateNode) -> String {
    match state.scopes.is_empty() {
        true => entry(state),
        false => format!("s{}_out", state.id),
    }
}

/// `[lhead=cluster_s3]` for an edge into a container, `ltail` out of one.
fn clip(side: &str, state: &StateNode) -> String {
    match state.scopes.is_empty() {
        true => String::new(),
        false => format!(" [{side}=cluster_s{}]", state.id),
    }
}

fn nodes(scope: &Scope, depth: usize, out: &mut String) {
    let indent = "    ".repeat(depth);
    for state in &scope.states {
        let color = match state.kind {
            Kind::Choice => "#0073bb",
            Kind::Succeed => "#1d8102",
            Kind::Fail => "#d13212",
            _ => "#687078",
        };
        if state.scopes.is_empty() {
            let label = match &state.detail {
                Some(detail) => format!("{}\\n{}", text(&state.name), text(detail)),
                None => text(&state.name),
            };
            let _ = writeln!(out, "{indent}{} [label=\"{label}\", color=\"{color}\"];", entry(state));
            continue;
        }
        let _ = writeln!(out, "{indent}subgraph cluster_s{} {{", state.id);
        let _ = writeln!(out, "{indent}    label=\"\"; style=\"dashed,rounded\"; color=\"#687078\";");
        let _ = writeln!(out, "{indent}    {} [label=\"{} ({})\", shape=plaintext, style=\"\"];", entry(state), text(&state.name), state.kind.type_name());
        for (i, branch) in state.scopes.iter().enumerate() {
            let title = state.scope_title(i);
            let _ = writeln!(out, "{indent}    subgraph cluster_s{}_{i} {{", state.id);
            let _ = writeln!(out, "{indent}        label=\"{title}\"; style=\"dotted,rounded\"; color=\"#aab7b8\";");
            nodes(branch, depth + 2, out);
            let _ = writeln!(out, "{indent}    }}");
        }
        let _ = writeln!(out, "{indent}    {} [shape=point, width=0.08];", exit(state));
        let _ = writeln!(out, "{indent}}}");
    }
}

fn edges(scope: &Scope, out: &mut String) {
    for edge in &scope.edges {
        let (from, to) = (&scope.states[edge.from], &scope.states[edge.to]);
        let mut attributes = Vec::new();
        if !from.scopes.is_empty() {
            attributes.push(format!("ltail=cluster_s{}", from.id));
        }
        if !to.scopes.is_empty() {
            attributes.push(format!("lhead=cluster_s{}", to.id));
        }
        match edge.kind {
            EdgeKind::Catch => attributes.push("style=dashed, color=\"#ec7211\"".to_string()),
            EdgeKind::Default => attributes.push("style=dashed".to_string()),
            EdgeKind::Next | EdgeKind::Rule => {}
        }
        if let Some(label) = &edge.label {
            attributes.push(format!("label=\"{}\"", text(label)));
        }
        let attributes = if attributes.is_empty() { String::new() } else { format!(" [{}]", attributes.join(", ")) };
        let _ = writeln!(out, "    {} -> {}{attributes};", exit(from), entry(to));
    }
    for state in &scope.states {
        for retry in &state.retries {
            let _ = writeln!(out, "    {0} -> {0} [style=dotted, color=\"#8d6605\", label=\"{1}\"];", exit(state), text(retry));
        }
        for branch in &state.scopes {
            // The container's title leads into each branch, and each branch's ends lead out.
            let _ = writeln!(out, "    {} -> {} [style=dotted, arrowhead=none];", entry(state), entry(&branch.states[branch.start]));
            for end in branch.states.iter().filter(|s| s.ends) {
                let _ = writeln!(out, "    {} -> {} [style=dotted, arrowhead=none];", exit(end), exit(state));
            }
            edges(branch, out);
        }
    }
}

/// A string's text inside `"…"`: DOT reads backslash escapes there (`\n`, `\"`, and `\N`
/// for the node's name), so backslashes and quotes are escaped and nothing else is.
fn text(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
