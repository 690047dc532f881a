//! Task states: InputPath and Parameters, the handler call under its timeouts (one attempt),
//! framed by Retry, Catch and the result handling of `outcome`.

use super::io::{context, input_path};
use super::outcome::{keeps_raw, with_outcome};
use super::scope::Scope;
use super::value::{root, template_on_input};
use crate::ir::{Seconds, State, Task};
use proc_macro2::TokenStream;
use quote::quote;

pub fn task(cx: &Scope, s: &State, t: &Task) -> TokenStream {
    let name = &s.name;
    let resource = &t.resource;
    let input = input_path(cx, s, keeps_raw(s, &t.outcome));
    // Only `.waitForTaskToken` Tasks have a token (`$$.Task.Token`).
    let (token, token_ref, token_arg) = if t.wants_token() {
        (quote! { let token = ::asl_runtime::task::token(exec, env, #name).await?; }, quote! { ::core::option::Option::Some(token.as_str()) }, quote! { ::core::option::Option::Some(token.clone()) })
    } else {
        (quote! {}, quote! { ::core::option::Option::None }, quote! { ::core::option::Option::None })
    };
    let ctx = context(s, token_ref);
    let parameters = match &t.parameters {
        Some(p) => template_on_input(cx.paths, p),
        None => quote! { input },
    };
    let credentials = match &t.credentials {
        Some(c) => {
            let c = template_on_input(cx.paths, c);
            quote! { ::core::option::Option::Some(#c) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let limits = limits(cx, t);
    let states = super::query::states(s, quote! { &input }, quote! {});
    let submitted = t.waits_for_completion();
    // One attempt: an error while preparing the call (an intrinsic failing in Parameters)
    // goes through Retry and Catch like the task's own errors; States.Runtime does not.
    let attempt = quote! {
        #token
        #ctx
        #input
        #states
        let call = ::asl_runtime::TaskCall {
            state: #name,
            resource: #resource,
            credentials: #credentials,
            input: #parameters,
            context: exec.task_context(#name, #token_arg),
        };
        let limits = #limits;
        ::asl_runtime::task::perform(exec, env, call, limits, #submitted).await
    };
    with_outcome(cx, s, &t.outcome, attempt)
}

fn limits(cx: &Scope, t: &Task) -> TokenStream {
    let secs = |s: &Seconds| match s {
        Seconds::None => quote! { ::core::option::Option::None },
        Seconds::Literal(n) => quote! { ::core::option::Option::Some(::core::time::Duration::from_secs(#n)) },
        Seconds::Path(p) => {
            let r = root(cx.paths, p);
            let p = cx.paths.get(p);
            quote! { ::core::option::Option::Some(::asl_runtime::task::seconds_from_path(#p, #r)?) }
        }
        Seconds::Jsonata(q) => {
            let value = super::value::query(q);
            let location = &q.location;
            quote! { ::core::option::Option::Some(::asl_runtime::wait::seconds_from_query(&#value, #location)?) }
        }
    };
    let (timeout, heartbeat) = (secs(&t.timeout), secs(&t.heartbeat));
    quote! { ::asl_runtime::task::Limits { timeout: #timeout, heartbeat: #heartbeat } }
}
