//! How generated code names things: identifiers (raw where a state's name is a keyword), the
//! modules of nested machines, and the `compile_error!` emitted where a name cannot be found,
//! since emit never returns an error but must not guess either.

use crate::ir::State;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub fn ident(s: &str) -> Ident {
    syn::parse_str::<Ident>(s).unwrap_or_else(|_| Ident::new_raw(s, Span::call_site()))
}

/// The module holding branch `i` of Parallel state `s`.
pub fn branch_module(s: &State, i: usize) -> Ident {
    ident(&format!("{}_branch_{i}", s.ident))
}

/// The module holding the processor of Map state `s`.
pub fn processor_module(s: &State) -> Ident {
    ident(&format!("{}_iteration", s.ident))
}

/// An expression that stops the build of the generated code with "internal error:
/// asl-codegen `what` (please report it)": a bug here, never a problem of the definition.
pub fn internal_error(what: &str) -> TokenStream {
    let message = format!("internal error: asl-codegen {what} (please report it)");
    quote! { ::core::compile_error!(#message) }
}
