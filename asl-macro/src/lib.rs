//! `asl!("workflows/order.json")`: compiles an Amazon States Language definition into the
//! calling module at build time. A thin shell over `asl_codegen::compile_source`: read the
//! file, run the pipeline, turn each diagnostic into a `compile_error!` naming the JSON file,
//! line and column.
//!
//! ```ignore
//! mod order { asl_macro::asl!("workflows/order.json"); }
//! ```
//! The path is relative to the calling crate's `CARGO_MANIFEST_DIR`. The generated module holds
//! `State`, `Workflow`, `Tasks`, `Typed`, `run`, `run_typed` and a private `paths` module.

use proc_macro::TokenStream;
use quote::quote;
use std::path::PathBuf;

#[proc_macro]
pub fn asl(input: TokenStream) -> TokenStream {
    let lit = match syn::parse::<syn::LitStr>(input) {
        Ok(lit) => lit,
        Err(e) => return e.to_compile_error().into(),
    };
    let relative = lit.value();
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    let path = root.join(&relative);
    let text = match asl_codegen::read_definition(&path) {
        Ok(text) => text,
        Err(e) => {
            let msg = format!("cannot read the state machine definition {relative}: {e}");
            return syn::Error::new(lit.span(), msg).to_compile_error().into();
        }
    };
    let name = asl_codegen::machine_name(&path);
    let path_str = path.display().to_string();
    match asl_codegen::compile_source(&text, &name) {
        Ok(items) => quote! {
            // Makes cargo rebuild this crate when the definition changes.
            const _: &[u8] = ::core::include_bytes!(#path_str);
            #items
        }
        .into(),
        Err(diags) => {
            let errors = asl_codegen::diag::render_all(&relative, &text, &diags)
                .into_iter()
                .map(|msg| syn::Error::new(lit.span(), msg).to_compile_error());
            let stub = asl_codegen::stub_source(&text, &name);
            quote! {
                const _: &[u8] = ::core::include_bytes!(#path_str);
                #(#errors)*
                #stub
            }
            .into()
        }
    }
}
