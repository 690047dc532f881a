//! The input and output processing every state kind shares, as statements of a state
//! function: InputPath, OutputPath, ResultPath, the Context object, Assign, and the transition.

use super::scope::Scope;
use super::value::template;
use crate::ir::{PathSetting, ResultPath, State, Template, Transition};
use crate::lang::jsonpath::{JsonPath, Root};
use proc_macro2::TokenStream;
use quote::quote;

/// `let input = …;`: InputPath applied to `raw` (cloned if `raw` is needed afterwards). A `$$`
/// InputPath reads the Context object, which the caller has built as `context`.
pub fn input_path(cx: &Scope, s: &State, keep_raw: bool) -> TokenStream {
    let raw = if keep_raw { quote! { raw.clone() } } else { quote! { raw } };
    match &s.input_path {
        PathSetting::Identity => quote! { let input = #raw; },
        PathSetting::Path(p) if p.root != Root::Input => {
            let document = document(cx, p);
            let p = cx.paths.get(p);
            quote! { let input = ::asl_runtime::io::apply_path(#document, ::core::option::Option::Some(#p))?; }
        }
        other => {
            let p = path_arg(cx, other);
            quote! { let input = ::asl_runtime::io::apply_path(#raw, #p)?; }
        }
    }
}

/// OutputPath applied to `output` (or to the Context object, for a `$$` path).
pub fn output_path(cx: &Scope, s: &State) -> TokenStream {
    match &s.output_path {
        PathSetting::Identity => quote! {},
        PathSetting::Path(p) if p.root != Root::Input => {
            let document = document(cx, p);
            let p = cx.paths.get(p);
            quote! { let output = { let _ = output; ::asl_runtime::io::apply_path(#document, ::core::option::Option::Some(#p))? }; }
        }
        other => {
            let p = path_arg(cx, other);
            quote! { let output = ::asl_runtime::io::apply_path(output, #p)?; }
        }
    }
}

/// What an InputPath or OutputPath on the Context object or a variable reads, as an owned
/// `Value`.
fn document(cx: &Scope, p: &JsonPath) -> TokenStream {
    match &p.root {
        Root::Variable(name) => {
            let v = super::value::variable(cx.paths, p, name);
            quote! { ::core::clone::Clone::clone(#v) }
        }
        _ => quote! { context.clone() },
    }
}

/// Whether OutputPath reads the Context object (`$$`) or a variable rather than the state's
/// result (so the output was not size-checked as part of the state's input).
pub fn output_reads_context(s: &State) -> bool {
    matches!(&s.output_path, PathSetting::Path(p) if p.root != Root::Input)
}

fn path_arg(cx: &Scope, p: &PathSetting) -> TokenStream {
    match p {
        PathSetting::Path(p) => {
            let p = cx.paths.get(p);
            quote! { ::core::option::Option::Some(#p) }
        }
        _ => quote! { ::core::option::Option::None },
    }
}

pub fn result_path(cx: &Scope, rp: &ResultPath) -> TokenStream {
    match rp {
        ResultPath::Replace => quote! { ::asl_runtime::io::ResultPath::Replace },
        ResultPath::Discard => quote! { ::asl_runtime::io::ResultPath::Discard },
        ResultPath::At(p) => {
            let p = cx.paths.get(p);
            quote! { ::asl_runtime::io::ResultPath::At(#p) }
        }
    }
}

/// `let output = …;` from `result`, ResultPath merging into `raw`.
pub fn apply_result_path(cx: &Scope, rp: &ResultPath) -> TokenStream {
    match rp {
        ResultPath::Replace => quote! { let output = result; },
        other => {
            let rp = result_path(cx, other);
            quote! { let output = ::asl_runtime::io::apply_result_path(raw, result, #rp)?; }
        }
    }
}

/// The transition with `output`; `assigns`: the state's evaluated Assign, in the local
/// `assigned`, is applied with it.
pub fn transition(cx: &Scope, t: &Transition, assigns: bool) -> TokenStream {
    match (t, assigns) {
        (Transition::Next(i), false) => {
            let v = cx.variant(*i);
            quote! { exec.goto(#v, output) }
        }
        (Transition::Next(i), true) => {
            let v = cx.variant(*i);
            quote! { exec.goto_assigning(#v, output, assigned) }
        }
        (Transition::End, false) => quote! { exec.succeed(output) },
        (Transition::End, true) => quote! { exec.succeed_assigning(output, assigned) },
    }
}

/// `let assigned = …;`: an Assign evaluated with `$` being `on` (a `&Value`), against the
/// variables the state entered with.
pub fn assign(cx: &Scope, a: &Template, on: TokenStream) -> TokenStream {
    let value = template(cx.paths, a);
    quote! { let assigned = { let input = #on; #value }; }
}

/// `let context = …;` where the state reads `$$`.
pub fn context(s: &State, token: TokenStream) -> TokenStream {
    if !s.uses_context() {
        return quote! {};
    }
    let name = &s.name;
    quote! { let context = exec.context(#name, #token); }
}
