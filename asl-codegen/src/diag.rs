//! Build-time diagnostics: a span in the definition file, a message, an optional help line.
//! Rendered as `file:line:col: message` (the form `asl check` prints and the macro reports).

use std::fmt;

/// A byte range in the definition text. Kept as two `u32`: a definition is at most
/// 1,048,576 characters (4 MiB), and a span is in every node of a definition's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        let at = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Span { start: at(start), end: at(end) }
    }

    /// The byte offset where the span starts.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// The byte offset just past the span.
    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The span as a range of byte offsets.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

/// One problem found in a definition. Never fatal on its own: the pipeline collects them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { span, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The line:column (both 1-based, column counted in characters) where the span starts.
    pub fn position(&self, text: &str) -> (usize, usize) {
        line_col(text, self.span.start())
    }

    /// `file:line:col: message` and, where there is one, a `help:` line.
    pub fn render(&self, file: &str, text: &str) -> String {
        self.render_at(file, &mut Positions::new(text))
    }

    /// [`Diagnostic::render`] with positions found by `positions`, which diagnostics rendered
    /// in file order share. What the definition's author wrote (a state name, a file name)
    /// has its control characters escaped, so no terminal sequence is passed on.
    pub fn render_at(&self, file: &str, positions: &mut Positions<'_>) -> String {
        let (line, col) = positions.line_col(self.span.start());
        let mut out = format!("{}:{line}:{col}: {}", printable(file), printable(&self.message));
        if let Some(help) = &self.help {
            out.push_str("\n  help: ");
            out.push_str(&printable(help));
        }
        out
    }
}

/// Renders diagnostics (in file order, as [`Diagnostics::into_sorted`] gives them) in time
/// linear in the text and their number.
pub fn render_all(file: &str, text: &str, diags: &[Diagnostic]) -> Vec<String> {
    let mut positions = Positions::new(text);
    diags.iter().map(|d| d.render_at(file, &mut positions)).collect()
}

/// `text` with its control characters escaped (`\n`, `\u{1b}`), for echoing what a user
/// wrote (a file name, a state name) into a terminal or a one-line comment.
pub fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// 1-based line and character column of a byte offset (clamped to the text).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    Positions::new(text).line_col(offset)
}

/// Lines and columns of offsets into one text. Each answer carries on from the last one, so
/// offsets asked in increasing order cost one pass over the text in all, even on a single
/// line of a megabyte (a minified definition).
#[derive(Debug, Clone)]
pub struct Positions<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    col: usize,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str) -> Self {
        Positions { text, offset: 0, line: 1, col: 1 }
    }

    /// 1-based line and character column of `offset` (clamped to the text).
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.offset {
            *self = Positions::new(self.text);
        }
        let between = &self.text[self.offset..offset];
        match between.rfind('\n') {
            Some(last) => {
                self.line += between.matches('\n').count();
                self.col = 1 + between[last + 1..].chars().count();
            }
            None => self.col += between.chars().count(),
        }
        self.offset = offset;
        (self.line, self.col)
    }
}

/// The closest of `candidates` to `name`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A collector in the style of serde_derive's `Ctxt`: every pass pushes here, nobody stops early.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn error(&mut self, span: Span, message: impl Into<String>) {
        self.push(Diagnostic::new(span, message));
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// All diagnostics in file order (the order a reader meets them).
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort_by_key(|d| (d.span.start, d.span.end));
        self.list.dedup();
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_any_order_are_those_of_a_fresh_count() {
        let text = "ab\nçd\n\nxyz";
        let fresh = |offset: usize| {
            let before = &text[..offset];
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            (before.matches('\n').count() + 1, before[start..].chars().count() + 1)
        };
        let mut positions = Positions::new(text);
        for offset in [0, 1, 3, 5, 6, 2, 8, 9, 12, 4, 12] {
            let offset = if text.is_char_boundary(offset) { offset } else { offset - 1 };
            assert_eq!(positions.line_col(offset), fresh(offset), "offset {offset}");
        }
    }

    #[test]
    fn rendering_escapes_control_characters() {
        let d = Diagnostic::new(Span::new(0, 1), "state \"\u{1b}[31mred\" does not exist").with_help("did you mean \"a\nb\"?");
        assert_eq!(d.render("f\n.json", "x"), "f\\n.json:1:1: state \"\\u{1b}[31mred\" does not exist\n  help: did you mean \"a\\nb\"?");
    }
}
