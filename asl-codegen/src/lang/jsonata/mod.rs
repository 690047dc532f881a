//! JSONata, the expression language of `{% … %}` strings: tokens (`lexer`), a Pratt parser
//! (`parser`, JSONata as written), and `process`, which gives the tree the shape the runtime
//! evaluates (`ast`, mirrored by `asl_runtime::jsonata::tree`). Errors carry JSONata's codes
//! (`S0201`, …) and the byte offset of the offending character in the expression.

mod ancestry;
pub mod ast;
mod lexer;
mod parser;
mod process;
mod signature;

use std::fmt;

pub use ast::Expr;

/// Why an expression does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub code: &'static str,
    /// Byte offset into the expression text.
    pub offset: usize,
    pub message: String,
}

impl SyntaxError {
    pub fn new(code: &'static str, offset: usize, message: impl Into<String>) -> Self {
        SyntaxError { code, offset, message: message.into() }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// The most nested a JSONata expression may be (brackets, operators), so that parsing a
/// hostile definition cannot overflow the compiler's stack.
pub const MAX_NESTING: usize = 200;

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let raw = parser::Parser::new(text)?.parse()?;
    process::Processor::new().run(raw)
}

/// The fields of `$states` an expression reads (`input`, `result`, `errorOutput`, `context`),
/// so `check` can refuse one read where AWS does not provide it.
pub fn states_fields(expr: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    let mut e = expr.clone();
    collect_states_fields(&mut e, &mut out);
    out
}

fn collect_states_fields(e: &mut Expr, out: &mut Vec<String>) {
    if let Expr::Path(p) = e {
        if let [first, second, ..] = p.steps.as_slice() {
            if let (Expr::Variable(v), Expr::Name(field)) = (&first.node, &second.node) {
                if v == "states" && !out.contains(field) {
                    out.push(field.clone());
                }
            }
        }
    }
    for child in e.children_mut() {
        collect_states_fields(child, out);
    }
}

#[cfg(test)]
mod tests;
