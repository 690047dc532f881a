//! A definition as a diagram, in the AWS console's shape: Start and End, Choice edges
//! labelled with their rules, Catch and Retry edges drawn apart from Next, Parallel branches
//! and Map processors as nested boxes. What `asl graph` prints and the console shows.
//!
//! Floors, bottom first: `labels` (the text on states and edges) < `model` (the [`Graph`]:
//! scopes, states, edges) < `mermaid`, `dot` (text for other tools to lay out) and `layout` <
//! `svg` (laid out here, so no Graphviz is needed).

mod dot;
mod labels;
mod layout;
mod mermaid;
mod model;
mod svg;

pub use model::{Edge, EdgeKind, Graph, Kind, Scope, StateNode};
pub use svg::escape as escape_xml;

/// The formats a graph is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
    Svg,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Mermaid, Format::Dot, Format::Svg];

    /// `mermaid`, `dot`, `svg`: what `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Mermaid => "mermaid",
            Format::Dot => "dot",
            Format::Svg => "svg",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The file extension of the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Mermaid => "mmd",
            Format::Dot => "dot",
            Format::Svg => "svg",
        }
    }
}

impl Graph {
    /// A Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        mermaid::write(self.root())
    }

    /// A Graphviz DOT digraph.
    pub fn to_dot(&self) -> String {
        dot::write(self.root())
    }

    /// A standalone SVG image, laid out here.
    pub fn to_svg(&self) -> String {
        svg::write(self.root(), &|_| Vec::new())
    }

    /// [`Graph::to_svg`], each state's `<g data-state=…>` given the `data-<name>="<value>"`
    /// attributes `data` returns for it (how a page marks states: `data-outcome`, say).
    pub fn to_svg_with(&self, data: &dyn Fn(&StateNode) -> Vec<(&'static str, String)>) -> String {
        svg::write(self.root(), data)
    }

    /// The graph in `format`.
    pub fn write(&self, format: Format) -> String {
        match format {
            Format::Mermaid => self.to_mermaid(),
            Format::Dot => self.to_dot(),
            Format::Svg => self.to_svg(),
        }
    }
}
