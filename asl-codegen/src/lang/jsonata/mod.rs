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
pub const MAX_NESTING: usize = 500;

/// Stack left below which the recursive passes over an expression move to a new stack
/// segment, and that segment's size.
pub const RED_ZONE: usize = 64 * 1024;
pub const STACK_SEGMENT: usize = 1024 * 1024;

/// Parses an expression.
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let raw = parser::Parser::new(text)?.parse()?;
    process::Processor::new().run(raw)
}

/// The fields of `$states` an expression reads (`input`, `result`, `errorOutput`, `context`),
/// so `check` can refuse one read where AWS does not provide it.
/// (`&mut` only because the tree's one walker, `Expr::children_mut`, hands out `&mut`.)
pub fn states_fields(expr: &mut Expr) -> Vec<String> {
    let mut out = Vec::new();
    collect_states_fields(expr, &mut out);
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

#[cfg(test)]
mod nesting {
    #[test]
    fn deep_expressions_are_refused_not_overflowing_the_stack() {
        for text in ["(".repeat(100_000), "a.".repeat(100_000) + "a", "1 & ".repeat(100_000) + "1", "-".repeat(100_000) + "1", "[".repeat(100_000)] {
            let e = super::parse(&text).unwrap_err();
            assert_eq!(e.code, "S0201", "{}", e.message);
        }
        for n in [100, 200] {
            for text in ["(".repeat(n) + &")".repeat(n), "a.".repeat(n) + "a", "1 & ".repeat(n) + "1", "[".repeat(n) + &"]".repeat(n), "{'a':".repeat(n) + "1" + &"}".repeat(n)] {
                assert!(super::parse(&text).is_ok());
            }
        }
    }
}
