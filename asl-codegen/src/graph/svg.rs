//! The graph as SVG, laid out by `layout`: a standalone image (its own style sheet, no
//! script, no font to fetch) whose elements a page can restyle. Each state is a
//! `<g class="state <type>" data-state="<name>">`, so the console colours an execution's states
//! by adding a class; edges are `<path class="edge <kind>">`.

use super::layout::{self, Block, Boxed, Line, LineKind, Rect, LABEL_FONT, NAME_FONT};
use super::model::{Kind, Scope, StateNode};
use std::fmt::Write;

/// The style the image carries; a page that inlines several may override any of it.
const STYLE: &str = "
.asl-graph { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; }
.asl-graph .state > rect { fill: #ffffff; stroke: #687078; stroke-width: 1.2; }
.asl-graph .state.container > rect { fill: #fafafa; stroke-dasharray: 6 3; }
.asl-graph .scope > rect { fill: none; stroke: #aab7b8; stroke-dasharray: 3 3; }
.asl-graph .terminal > rect { fill: #f2f3f3; stroke: #879596; }
.asl-graph .state.fail > rect { stroke: #d13212; }
.asl-graph .state.succeed > rect { stroke: #1d8102; }
.asl-graph .state.choice > rect { stroke: #0073bb; }
.asl-graph text { fill: #16191f; }
.asl-graph text.name { font-size: 13px; }
.asl-graph text.detail, .asl-graph text.title { font-size: 11px; fill: #545b64; }
.asl-graph text.label { font-size: 10.5px; fill: #545b64; }
.asl-graph .label-bg { fill: #ffffff; opacity: 0.85; }
.asl-graph path.edge { fill: none; stroke: #687078; stroke-width: 1.2; marker-end: url(#asl-arrow); }
.asl-graph path.edge.default { stroke-dasharray: 5 3; }
.asl-graph path.edge.catch { stroke: #ec7211; stroke-dasharray: 5 3; marker-end: url(#asl-arrow-catch); }
.asl-graph path.edge.retry { stroke: #8d6605; stroke-dasharray: 2 2; marker-end: url(#asl-arrow-retry); }
";

/// `data-<name>="<value>"` attributes to add to a state's group (values are escaped here).
pub type StateData<'a> = &'a dyn Fn(&StateNode) -> Vec<(&'static str, String)>;

/// The graph of `root` as an SVG document, each state's group given the attributes of `data`.
pub fn write(root: &Scope, data: StateData<'_>) -> String {
    let block = layout::lay_out(root);
    let (w, h) = (block.w.ceil(), block.h.ceil());
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"asl-graph\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n<style>{STYLE}</style>\n"
    );
    out.push_str("<defs>\n");
    for (id, color) in [("asl-arrow", "#687078"), ("asl-arrow-catch", "#ec7211"), ("asl-arrow-retry", "#8d6605")] {
        let _ = writeln!(
            out,
            "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    // Opaque, so the drawing reads the same on a dark page.
    out.push_str("<rect class=\"background\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    draw(&block, data, &mut out);
    out.push_str("</svg>\n");
    out
}

fn draw(block: &Block, data: StateData<'_>, out: &mut String) {
    // Containers first (their boxes come before what they hold), then the lines over them,
    // then the states over the lines.
    for (rect, what) in &block.boxes {
        match what {
            Boxed::State(state) if !state.scopes.is_empty() => {
                let _ = write!(out, "<g class=\"state container {}\" data-state=\"{}\"{}>", state.kind.class(), escape(&state.name), attributes(state, data));
                rectangle(rect, 8.0, out);
                let _ = write!(out, "<title>{}</title>", escape(&state.name));
                let (x, y) = (rect.x + 12.0, rect.y + 18.0);
                let _ = writeln!(
                    out,
                    "<text class=\"name\" x=\"{x:.1}\" y=\"{y:.1}\">{}<tspan class=\"title\" dx=\"8\">{}</tspan></text></g>",
                    escape(&state.name),
                    state.kind.type_name()
                );
            }
            Boxed::Scope(title) => {
                out.push_str("<g class=\"scope\">");
                rectangle(rect, 6.0, out);
                let _ = writeln!(out, "<text class=\"title\" x=\"{:.1}\" y=\"{:.1}\">{}</text></g>", rect.x + 8.0, rect.y + 15.0, escape(title));
            }
            _ => {}
        }
    }
    for line in &block.lines {
        path(line, out);
    }
    for line in &block.lines {
        if let Some((text, x, y)) = &line.label {
            let w = layout::text_width(text, LABEL_FONT);
            // A Retry loop's label starts at its x; the others are centred on it.
            let (left, anchor) = match line.kind {
                LineKind::Retry => (*x, "start"),
                _ => (x - w / 2.0, "middle"),
            };
            let _ = write!(out, "<rect class=\"label-bg\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" rx=\"3\"/>", left - 2.0, y - 9.0, w + 4.0);
            let _ = writeln!(out, "<text class=\"label\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>", y + 2.0, escape(text));
        }
    }
    for (rect, what) in &block.boxes {
        match what {
            Boxed::Terminal(name) => {
                out.push_str("<g class=\"terminal\">");
                rectangle(rect, rect.h / 2.0, out);
                centred(rect, rect.y + rect.h / 2.0 + 4.0, "name", name, out);
                out.push_str("</g>\n");
            }
            Boxed::State(state) if state.scopes.is_empty() => {
                let _ = write!(out, "<g class=\"state {}\" data-state=\"{}\"{}>", state.kind.class(), escape(&state.name), attributes(state, data));
                let radius = if state.kind == Kind::Choice { 14.0 } else { 6.0 };
                rectangle(rect, radius, out);
                let _ = write!(out, "<title>{} ({})</title>", escape(&state.name), state.kind.type_name());
                match &state.detail {
                    Some(detail) => {
                        centred(rect, rect.y + 19.0, "name", &state.name, out);
                        centred(rect, rect.y + 36.0, "detail", detail, out);
                    }
                    None => centred(rect, rect.y + rect.h / 2.0 + NAME_FONT / 3.0, "name", &state.name, out),
                }
                out.push_str("</g>\n");
            }
            _ => {}
        }
    }
}

fn attributes(state: &StateNode, data: StateData<'_>) -> String {
    data(state).into_iter().map(|(name, value)| format!(" data-{name}=\"{}\"", escape(&value))).collect()
}

fn rectangle(rect: &Rect, radius: f64, out: &mut String) {
    let _ = write!(out, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{radius:.1}\"/>", rect.x, rect.y, rect.w, rect.h);
}

fn centred(rect: &Rect, y: f64, class: &str, text: &str, out: &mut String) {
    let _ = write!(out, "<text class=\"{class}\" x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">{}</text>", rect.x + rect.w / 2.0, escape(text));
}

fn path(line: &Line, out: &mut String) {
    let class = match line.kind {
        LineKind::Flow => "next",
        LineKind::Edge(kind) => kind.class(),
        LineKind::Retry => "retry",
    };
    let mut d = String::new();
    let (x0, y0) = line.points[0];
    let _ = write!(d, "M{x0:.1},{y0:.1}");
    if line.around {
        if let [_, a, b, c] = line.points.as_slice() {
            let _ = write!(d, " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}", a.0, a.1, b.0, b.1, c.0, c.1);
        }
    } else {
        // Vertical tangents at every point: the edge leaves and enters boxes straight.
        for pair in line.points.windows(2) {
            let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
            let mid = (ay + by) / 2.0;
            let _ = write!(d, " C{ax:.1},{mid:.1} {bx:.1},{mid:.1} {bx:.1},{by:.1}");
        }
    }
    let _ = writeln!(out, "<path class=\"edge {class}\" d=\"{d}\"/>");
}

/// Text and attribute values: the five characters XML reserves, and control characters,
/// which XML 1.0 cannot hold at all, as U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
