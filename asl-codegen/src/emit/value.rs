//! JSON literals, payload templates and intrinsic calls → Rust expressions.
//!
//! Template expressions read two locals of the generated state function: `input` (the
//! template's input, a `&Value`) and, where a `$$` path is used, `context` (the Context object).

use super::paths::Paths;
use crate::ir::{Arg, Call, Template};
use crate::lang::jsonpath::{JsonPath, Root};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// A literal JSON value built by direct constructors (no parsing at run time).
pub fn literal(v: &Value) -> TokenStream {
    match v {
        Value::Null => quote! { ::asl_runtime::Value::Null },
        Value::Bool(b) => quote! { ::asl_runtime::Value::Bool(#b) },
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                quote! { ::asl_runtime::io::number_i64(#i) }
            } else if let Some(u) = n.as_u64() {
                quote! { ::asl_runtime::io::number_u64(#u) }
            } else {
                let f = n.as_f64().unwrap_or_default();
                quote! { ::asl_runtime::io::number_f64(#f) }
            }
        }
        Value::String(s) => quote! { ::asl_runtime::io::string(#s) },
        Value::Array(items) => {
            let items = items.iter().map(literal);
            quote! { ::asl_runtime::Value::Array(::std::vec::Vec::from([#(#items),*])) }
        }
        Value::Object(members) => {
            let entries = members.iter().map(|(k, v)| {
                let v = literal(v);
                quote! { (#k, #v) }
            });
            quote! { ::asl_runtime::io::object([#(#entries),*]) }
        }
    }
}

/// An expression of type `Result<Value, Fault>`-compatible via `?`: evaluates a template.
pub fn template(paths: &Paths, t: &Template) -> TokenStream {
    match t {
        Template::Literal(v) => literal(v),
        Template::Array(items) => {
            let items = items.iter().map(|t| template(paths, t));
            quote! { ::asl_runtime::Value::Array(::std::vec::Vec::from([#(#items),*])) }
        }
        Template::Object(members) => {
            let entries = members.iter().map(|(k, v)| {
                let v = template(paths, v);
                quote! { (#k, #v) }
            });
            quote! { ::asl_runtime::io::object([#(#entries),*]) }
        }
        Template::Path { path, field } => path_value(paths, path, field),
        Template::Intrinsic { call: c, field } => call(paths, c, field),
    }
}

/// A template evaluated on the state function's local `input` (a `Value`, which the template
/// reads by reference).
pub fn template_on_input(paths: &Paths, t: &Template) -> TokenStream {
    let t = template(paths, t);
    quote! { { let input = &input; #t } }
}

/// What a path is evaluated on, where the state's own input is the local `input: Value`:
/// `&input`, or `&context` (the Context object) for `$$` paths.
pub fn root(p: &JsonPath) -> TokenStream {
    if p.root == Root::Context { quote! { &context } } else { quote! { &input } }
}

/// A `.$` path: on the template input (`input: &Value` there), or on the Context object.
fn path_value(paths: &Paths, p: &JsonPath, field: &str) -> TokenStream {
    let path = paths.get(p);
    let root = if p.root == Root::Context { quote! { &context } } else { quote! { input } };
    quote! { ::asl_runtime::io::template_path(#path, #root, #field)? }
}

/// An intrinsic call: arguments evaluated in order into locals, then the runtime function
/// (variadic functions take their tail as a `Vec`; random ones borrow the environment's RNG).
fn call(paths: &Paths, c: &Call, field: &str) -> TokenStream {
    use crate::lang::intrinsic::IntrinsicFn;
        let args: Vec<TokenStream> = c.args.iter().map(|a| match a {
        Arg::Literal(v) => literal(v),
        Arg::Path(p) => path_value(paths, p, field),
        Arg::Call(inner) => call(paths, inner, field),
    }).collect();
    let f = |name: &str| syn::Ident::new(name, proc_macro2::Span::call_site());
    match (c.func, args.as_slice()) {
        (IntrinsicFn::Format, [template, rest @ ..]) => {
            quote! { ::asl_runtime::intrinsics::format(#template, ::std::vec::Vec::from([#(#rest),*]))? }
        }
        (IntrinsicFn::Array, all) => quote! { ::asl_runtime::intrinsics::array(::std::vec::Vec::from([#(#all),*]))? },
        (IntrinsicFn::MathRandom, [start, end, seed]) => {
            quote! { ::asl_runtime::intrinsics::math_random_seeded(#start, #end, #seed)? }
        }
        _ if c.needs_rng() => {
            let func = f(c.func.runtime_fn());
            let names: Vec<_> = (0..args.len()).map(|i| f(&format!("arg{i}"))).collect();
            quote! { {
                #(let #names = #args;)*
                env.with_rng(|rng| ::asl_runtime::intrinsics::#func(rng, #(#names),*))?
            } }
        }
        _ => {
            let func = f(c.func.runtime_fn());
            quote! { ::asl_runtime::intrinsics::#func(#(#args),*)? }
        }
    }
}

/// Whether a template reads the Context object (`$$` paths).
pub fn reads_context(t: &Template) -> bool {
    let mut found = false;
    t.visit(&mut |p| found |= p.root == Root::Context, &mut |_| {});
    found
}
