//! Parallel and Map states: each branch, and the Map's processor, is a machine of its own in a
//! nested module (`<state>_branch_<i>`, `<state>_iteration`), run as child executions by
//! `asl_runtime::children`. The state itself is framed like a Task: Retry, Catch,
//! ResultSelector, ResultPath, OutputPath (`task::with_outcome`).

use super::state::{context, ident, input_path};
use super::task::{keeps_raw, with_outcome};
use super::value::{path_ref, root, template};
use crate::ir::{Concurrency, Map, MapMode, Parallel, State, Template, Tolerated, Workflow};
use crate::lower::jsonpath::Root;
use proc_macro2::TokenStream;
use quote::quote;

/// The module holding branch `i` of Parallel state `s`.
pub fn branch_module(s: &State, i: usize) -> proc_macro2::Ident {
    ident(&format!("{}_branch_{i}", s.ident))
}

/// The module holding the processor of Map state `s`.
pub fn processor_module(s: &State) -> proc_macro2::Ident {
    ident(&format!("{}_iteration", s.ident))
}

/// Parameters (or the effective input) as `input`, for the branches.
fn effective_input(parameters: &Option<Template>) -> TokenStream {
    match parameters {
        Some(p) => {
            let p = template(p);
            quote! { let input = { let input = &input; #p }; }
        }
        None => quote! {},
    }
}

pub fn parallel(w: &Workflow, s: &State, p: &Parallel) -> TokenStream {
    let input = input_path(s, keeps_raw(&p.outcome));
    let ctx = context(s, quote! { ::core::option::Option::None });
    let effective = effective_input(&p.parameters);
    let name = &s.name;
    let branches = (0..p.branches.len()).map(|i| {
        let m = branch_module(s, i);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote! { ::asl_runtime::children::child::<#m::Workflow, _, _>(&exec.info, env, #name, #i, input.clone()) }
    });
    let attempt = quote! {
        #ctx
        #input
        #effective
        exec.record(1); // ParallelStateStarted
        let (results, events) = ::asl_runtime::children::parallel(::std::vec![#(#branches),*]).await;
        exec.record(events);
        results.map(::asl_runtime::Value::Array)
    };
    with_outcome(w, s, &p.outcome, attempt)
}

pub fn map(w: &Workflow, s: &State, m: &Map) -> TokenStream {
    let name = &s.name;
    let ctx = context(s, quote! { ::core::option::Option::None });
    let input = input_path(s, keeps_raw(&m.outcome));
    let items_path = match &m.items_path {
        Some(p) => {
            let p = path_ref(p);
            quote! { ::core::option::Option::Some(#p) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let max_concurrency = match &m.max_concurrency {
        Concurrency::Literal(n) => {
            let n = usize::try_from(*n).unwrap_or(usize::MAX);
            quote! { #n }
        }
        Concurrency::Path(p) => {
            let (text, r) = (&p.text, root(p));
            let p = path_ref(p);
            quote! { ::asl_runtime::children::max_concurrency_from(::asl_runtime::path::get(#p, #r), #text)? }
        }
    };
    let inputs = match &m.item_selector {
        Some(sel) => {
            let reads_context = uses_context(sel);
            let ctx = reads_context.then(|| quote! { let context = exec.item_context(#name, index, &item); });
            let sel = template(sel);
            let item = if reads_context { quote! {} } else { quote! { let _ = (index, item); } };
            quote! {
                items
                    .into_iter()
                    .enumerate()
                    .map(|(index, item)| -> ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault> {
                        #ctx
                        #item
                        let input = &input;
                        ::core::result::Result::Ok(#sel)
                    })
                    .collect::<::core::result::Result<::std::vec::Vec<_>, _>>()?
            }
        }
        None => quote! { items },
    };
    let module = processor_module(s);
    let mode = map_mode(&m.mode);
    let attempt = quote! {
        #ctx
        #input
        let items = ::asl_runtime::children::items(#items_path, &input)?;
        let max_concurrency: usize = #max_concurrency;
        let count = items.len() as u64;
        let inputs = #inputs;
        exec.record(1); // MapStateStarted
        let mode = #mode;
        let (results, events) = ::asl_runtime::children::map::<#module::Workflow, _, _>(&exec.info, env, #name, inputs, max_concurrency, mode).await;
        // MapIterationStarted and …Succeeded per item, MapStateSucceeded.
        exec.record(events + 2 * count + 1);
        results.map(::asl_runtime::Value::Array)
    };
    with_outcome(w, s, &m.outcome, attempt)
}

fn map_mode(mode: &MapMode) -> TokenStream {
    let MapMode::Distributed { tolerated_count, tolerated_percentage } = mode else {
        return quote! { ::asl_runtime::children::MapMode::Inline };
    };
    let count = match tolerated_count {
        None => quote! { ::core::option::Option::None },
        Some(Tolerated::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
        Some(Tolerated::Path(p)) => {
            let (text, r) = (&p.text, root(p));
            let p = path_ref(p);
            quote! { ::core::option::Option::Some(::asl_runtime::children::tolerated_count_from(::asl_runtime::path::get(#p, #r), #text)?) }
        }
    };
    let percentage = match tolerated_percentage {
        None => quote! { ::core::option::Option::None },
        Some(Tolerated::Literal(n)) => quote! { ::core::option::Option::Some(#n) },
        Some(Tolerated::Path(p)) => {
            let (text, r) = (&p.text, root(p));
            let p = path_ref(p);
            quote! { ::core::option::Option::Some(::asl_runtime::children::tolerated_percentage_from(::asl_runtime::path::get(#p, #r), #text)?) }
        }
    };
    quote! {
        ::asl_runtime::children::MapMode::Distributed(::asl_runtime::children::Tolerance { count: #count, percentage: #percentage })
    }
}

fn uses_context(t: &Template) -> bool {
    let mut found = false;
    t.visit(&mut |p| found |= p.root == Root::Context, &mut |_| {});
    found
}
