//! The generated module as a stream of pieces: items, and the opening and closing of the
//! blocks that hold them (a nested module, an impl block, a match).
//!
//! The emitters hand pieces to a [`Sink`] one at a time instead of building one token tree
//! for the whole module, so a writer can format and write each piece and let it go: the
//! memory `asl expand` needs is then that of the largest piece (one state's fn, one match
//! arm), not of the whole module, which for a 20,000-state definition is 15 MB of text and
//! took a gigabyte as tokens and a syntax tree. [`Tokens`] collects the same pieces into one
//! token stream, for the `asl!` macro.

use proc_macro2::TokenStream;
use quote::quote;

/// What a block holds, which decides how a writer holds its place when formatting one piece
/// inside it (see `crate::format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Items: of a module, an impl block or a trait.
    Items,
    /// Match arms, each written with its trailing comma.
    Arms,
    /// Enum variants, each written with its trailing comma.
    Variants,
    /// A fn body that holds one expression (a match), opened as a block of its own.
    Expr,
}

/// Where pieces go. The pieces of a block come between its `open` and its `close`.
pub trait Sink {
    /// Opens a block: `header { … }`, `header` being everything before the brace (attributes
    /// included).
    fn open(&mut self, header: TokenStream, body: Body);
    /// One or more items, arms or variants of the innermost open block (or of the module).
    fn item(&mut self, item: TokenStream);
    /// Closes the innermost open block.
    fn close(&mut self);
    /// The module's `DEFINITION` constant: the definition's text, which may be a megabyte and
    /// needs no formatting, so a writer may write it as it is (see [`raw_literal`]).
    fn definition(&mut self, text: &str);
}

/// The doc line of the `DEFINITION` constant.
pub const DEFINITION_DOC: &str = " The definition this module was compiled from, as written.";

/// `text` as the source of a raw string literal (`r#"…"#`), which keeps it readable in the
/// generated source; as many `#` as needed so the text cannot end it.
pub fn raw_literal(text: &str) -> String {
    let hashes = "#".repeat((1..).find(|n| !text.contains(&format!("\"{}", "#".repeat(*n)))).unwrap_or(1));
    format!("r{hashes}\"{text}\"{hashes}")
}

/// `text` as a raw string literal token ([`raw_literal`]), or as a plain string literal if
/// the raw one does not lex.
pub fn raw_string(text: &str) -> TokenStream {
    raw_literal(text).parse().unwrap_or_else(|_| {
        let plain = proc_macro2::Literal::string(text);
        quote! { #plain }
    })
}

/// Collects the pieces into one token stream.
#[derive(Default)]
pub struct Tokens {
    /// The module's own items, then one entry per open block: its header and body so far.
    top: TokenStream,
    open: Vec<(TokenStream, TokenStream)>,
}

impl Tokens {
    /// The collected items. Blocks left open are closed.
    pub fn finish(mut self) -> TokenStream {
        while !self.open.is_empty() {
            self.close();
        }
        self.top
    }

    fn body(&mut self) -> &mut TokenStream {
        match self.open.last_mut() {
            Some((_, body)) => body,
            None => &mut self.top,
        }
    }
}

impl Sink for Tokens {
    fn open(&mut self, header: TokenStream, _: Body) {
        self.open.push((header, TokenStream::new()));
    }

    fn item(&mut self, item: TokenStream) {
        self.body().extend(item);
    }

    fn close(&mut self) {
        if let Some((header, body)) = self.open.pop() {
            self.body().extend(quote! { #header { #body } });
        }
    }

    fn definition(&mut self, text: &str) {
        let literal = raw_string(text);
        self.item(quote! {
            #[doc = #DEFINITION_DOC]
            pub const DEFINITION: &str = #literal;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_what_it_is_given() {
        let mut t = Tokens::default();
        t.item(quote! { struct A; });
        t.open(quote! { mod m }, Body::Items);
        t.open(quote! { fn f(x: u8) -> u8 }, Body::Expr);
        t.open(quote! { match x }, Body::Arms);
        t.item(quote! { 0 => 1, });
        t.item(quote! { _ => 2, });
        t.close();
        t.close();
        t.item(quote! { struct B; });
        let got = t.finish().to_string();
        assert_eq!(got, quote! { struct A; mod m { fn f(x: u8) -> u8 { match x { 0 => 1, _ => 2, } } struct B; } }.to_string());
    }
}
