//! The workflow's JSONPaths as named statics in a `paths` module, so state functions read
//! `&paths::ORDER_ID` instead of repeating a path's parsed form at every use.
//!
//! [`Paths`] is built once per machine from every path the ir says it evaluates
//! (`Workflow::paths`) and handed to the emitters; a path it does not hold is a bug in that
//! collection, and is emitted as a `compile_error!` naming the path rather than worked around.

use super::jsonpath::path_expr;
use super::names::internal_error;
use super::piece::{Body, Sink};
use crate::ir::names::words;
use crate::ir::Workflow;
use crate::lang::jsonpath::{JsonPath, Root};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::collections::{HashMap, HashSet};

/// One machine's path statics: path text → static name, and each static's name and path (its
/// tokens are made when the module is written, one at a time).
pub struct Paths<'w> {
    names: HashMap<String, Ident>,
    statics: Vec<(Ident, &'w JsonPath)>,
}

impl<'w> Paths<'w> {
    /// A static for every distinct path `w` evaluates, named after the path, in state order.
    pub fn new(w: &'w Workflow) -> Paths<'w> {
        let mut paths = Paths { names: HashMap::new(), statics: Vec::new() };
        let mut taken = HashSet::new();
        for p in w.paths() {
            if paths.names.contains_key(&p.text) {
                continue;
            }
            let base = base_name(p);
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            let ident = Ident::new(&name, Span::call_site());
            paths.statics.push((ident.clone(), p));
            paths.names.insert(p.text.clone(), ident);
        }
        paths
    }

    /// The `paths` module (nothing when the machine evaluates no path).
    pub fn module(&self, out: &mut dyn Sink) {
        if self.statics.is_empty() {
            return;
        }
        out.open(
            quote! {
                /// The JSONPaths of this workflow, parsed when it was compiled.
                mod paths
            },
            Body::Items,
        );
        for (ident, p) in &self.statics {
            let doc = format!(" `{}`", p.text);
            let expr = path_expr(p);
            out.item(quote! { #[doc = #doc] pub(super) static #ident: ::asl_runtime::path::Path = #expr; });
        }
        out.close();
    }

    /// A `&'static Path` expression for `p`: its static.
    pub fn get(&self, p: &JsonPath) -> TokenStream {
        match self.names.get(&p.text) {
            Some(name) => quote! { &paths::#name },
            None => internal_error(&format!("did not collect the path `{}`", p.text)),
        }
    }
}

/// `$.payment.paymentId` → `PAYMENT_PAYMENT_ID`, `$$.Execution.Id` → `CONTEXT_EXECUTION_ID`,
/// `$order.id` → `VAR_ORDER_ID`.
fn base_name(p: &JsonPath) -> String {
    let mut words = words(&p.text);
    match p.root {
        Root::Context => words.insert(0, "CONTEXT".into()),
        Root::Variable(_) => words.insert(0, "VAR".into()),
        Root::Input => {}
    }
    let name = if words.is_empty() { "INPUT".to_string() } else { words.join("_").to_ascii_uppercase() };
    if name.starts_with(|c: char| c.is_ascii_digit()) { format!("P_{name}") } else { name }
}
