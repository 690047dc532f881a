//! The workflow's JSONPaths as named statics in a `paths` module, so state functions read
//! `&paths::ORDER_ID` instead of repeating a path's parsed form at every use.
//!
//! Names are assigned once per workflow (`names`); while a workflow is emitted they are in
//! scope for [`path_ref`], so the emitters of templates, conditions and fields need no extra
//! parameter to refer to a path by name.

use super::jsonpath::path_expr;
use crate::ir::Workflow;
use crate::lang::jsonpath::{JsonPath, Root};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

thread_local! {
    /// Path text → static name, for the workflow being emitted.
    static NAMES: RefCell<Option<HashMap<String, String>>> = const { RefCell::new(None) };
}

/// Emits `paths` for `w` and runs `f` with the names in scope for [`path_ref`].
pub fn with_paths(w: &Workflow, f: impl FnOnce() -> TokenStream) -> TokenStream {
    let (module, names) = module(w);
    let previous = NAMES.with(|n| n.replace(Some(names)));
    let items = f();
    NAMES.with(|n| n.replace(previous));
    quote! { #module #items }
}

/// A `&'static Path` expression: the named static when one is in scope, else an inline constant.
pub fn path_ref(p: &JsonPath) -> TokenStream {
    let name = NAMES.with(|n| n.borrow().as_ref().and_then(|m| m.get(&p.text).cloned()));
    match name {
        Some(name) => {
            let name = Ident::new(&name, Span::call_site());
            quote! { &paths::#name }
        }
        None => {
            let expr = path_expr(p);
            quote! { const { &#expr } }
        }
    }
}

fn module(w: &Workflow) -> (TokenStream, HashMap<String, String>) {
    let mut names = HashMap::new();
    let mut taken = HashSet::new();
    let mut statics = Vec::new();
    for p in w.paths() {
        if names.contains_key(&p.text) {
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
        let doc = format!(" `{}`", p.text);
        let expr = path_expr(p);
        statics.push(quote! { #[doc = #doc] pub(super) static #ident: ::asl_runtime::path::Path = #expr; });
        names.insert(p.text.clone(), name);
    }
    if statics.is_empty() {
        return (quote! {}, names);
    }
    let module = quote! {
        /// The JSONPaths of this workflow, parsed when it was compiled.
        mod paths { #(#statics)* }
    };
    (module, names)
}

/// `$.payment.paymentId` → `PAYMENT_PAYMENT_ID`, `$$.Execution.Id` → `CONTEXT_EXECUTION_ID`.
fn base_name(p: &JsonPath) -> String {
    let mut words = crate::ir::names::words(&p.text);
    if p.root == Root::Context {
        words.insert(0, "CONTEXT".into());
    }
    let name = if words.is_empty() { "INPUT".to_string() } else { words.join("_").to_ascii_uppercase() };
    if name.starts_with(|c: char| c.is_ascii_digit()) { format!("P_{name}") } else { name }
}
