//! Task states: InputPath and Parameters, the handler call under its timeouts, Retry as a
//! loop with backoff on the environment's clock, then ResultSelector/ResultPath/OutputPath, or
//! the first matching Catcher. The Retry/Catch frame (`with_outcome`) serves Parallel and Map
//! too.

use super::state::{apply_result_path, context, input_path, output_path, result_path, transition, variant};
use super::value::{path_ref, root, template};
use crate::ir::{Catcher, Outcome, ResultPath, Retrier, Seconds, State, Task, Workflow};
use proc_macro2::TokenStream;
use quote::quote;

pub fn task(w: &Workflow, s: &State, t: &Task) -> TokenStream {
    let name = &s.name;
    let resource = &t.resource;
    let input = input_path(s, keeps_raw(&t.outcome));
    // Only `.waitForTaskToken` Tasks have a token (`$$.Task.Token`).
    let (token, token_ref, token_arg) = if t.wants_token() {
        (quote! { let token = exec.task_token(#name); }, quote! { ::core::option::Option::Some(token.as_str()) }, quote! { ::core::option::Option::Some(token.clone()) })
    } else {
        (quote! {}, quote! { ::core::option::Option::None }, quote! { ::core::option::Option::None })
    };
    let ctx = context(s, token_ref);
    let parameters = match &t.parameters {
        Some(p) => {
            let p = template(p);
            quote! { { let input = &input; #p } }
        }
        None => quote! { input },
    };
    let credentials = match &t.credentials {
        Some(c) => {
            let c = template(c);
            quote! { ::core::option::Option::Some({ let input = &input; #c }) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let limits = limits(t);
    let submitted = t.waits_for_completion();
    // One attempt: an error while preparing the call (an intrinsic failing in Parameters)
    // goes through Retry and Catch like the task's own errors; States.Runtime does not.
    let attempt = quote! {
        #token
        #ctx
        #input
        let call = ::asl_runtime::TaskCall {
            state: #name,
            resource: #resource,
            credentials: #credentials,
            input: #parameters,
            context: exec.task_context(#name, #token_arg),
        };
        let limits = #limits;
        ::asl_runtime::task::perform(exec, env, call, limits, #submitted).await.map_err(::asl_runtime::Fault::from)
    };
    with_outcome(w, s, &t.outcome, attempt)
}

/// Whether an attempt must leave the raw input for ResultPath, a retry or a Catcher.
pub fn keeps_raw(o: &Outcome) -> bool {
    !o.catch.is_empty() || !o.retry.is_empty() || !matches!(o.result_path, ResultPath::Replace)
}

/// The body of a state whose work can fail (Task, Parallel, Map): `attempt` is the body of an
/// async block giving `Result<Value, Fault>`; Retry runs it again, then ResultSelector,
/// ResultPath, OutputPath and the transition apply, or the first matching Catcher.
pub fn with_outcome(w: &Workflow, s: &State, o: &Outcome, attempt: TokenStream) -> TokenStream {
    let rp = apply_result_path(&o.result_path);
    let op = output_path(s);
    // The attempt's `context` is gone by now; a `$$` OutputPath needs its own.
    let op = match &s.output_path {
        crate::ir::PathSetting::Path(p) if p.root == crate::lang::jsonpath::Root::Context => {
            let name = &s.name;
            quote! { let context = exec.context(#name, ::core::option::Option::None); #op }
        }
        _ => op,
    };
    let next = transition(w, &o.transition);
    let retrying = !o.retry.is_empty();
    // An error in ResultSelector (an intrinsic failing) goes to the Catchers, not to Retry.
    let to_catch = if retrying { quote! { break *failure } } else { quote! { *failure } };
    let on_success = match &o.result_selector {
        None => quote! { #rp #op return #next; },
        Some(sel) => {
            let ctx = super::value::reads_context(sel).then(|| {
                let name = &s.name;
                quote! { let context = exec.context(#name, ::core::option::Option::None); }
            });
            let sel = template(sel);
            quote! {
                #ctx
                let selected = (|| -> ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault> {
                    let input = &result;
                    ::core::result::Result::Ok(#sel)
                })();
                match selected {
                    ::core::result::Result::Ok(result) => { #rp #op return #next; }
                    ::core::result::Result::Err(::asl_runtime::Fault::Error(failure)) => #to_catch,
                    ::core::result::Result::Err(fault) => return ::core::result::Result::Err(fault),
                }
            }
        }
    };
    let attempt = quote! {
        let outcome: ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault> = async { #attempt }.await;
    };
    let failure = if !retrying {
        quote! {
            #attempt
            let failure = match outcome {
                ::core::result::Result::Ok(result) => { #on_success }
                ::core::result::Result::Err(::asl_runtime::Fault::Error(failure)) => *failure,
                ::core::result::Result::Err(fault) => return ::core::result::Result::Err(fault),
            };
        }
    } else {
        let retriers = o.retry.iter().map(retrier);
        quote! {
            const RETRY: &[::asl_runtime::retry::Retrier] = &[#(#retriers),*];
            let failure = loop {
                #attempt
                match outcome {
                    ::core::result::Result::Ok(result) => { #on_success }
                    ::core::result::Result::Err(::asl_runtime::Fault::Error(failure)) => {
                        match exec.retries.next_delay(RETRY, &failure, || env.uniform()) {
                            ::core::option::Option::Some(delay) => ::asl_runtime::wait::sleep(exec, env, delay).await?,
                            ::core::option::Option::None => break *failure,
                        }
                    }
                    ::core::result::Result::Err(fault) => return ::core::result::Result::Err(fault),
                }
            };
        }
    };
    let catch = catch(w, &o.catch);
    // Map and Parallel record that they failed once Retry gives up (a Task records each
    // failed attempt itself).
    let failed = match &s.kind {
        crate::ir::Kind::Map(_) => quote! { ::asl_runtime::children::state_failed(exec, env, "MapStateFailed", &failure); },
        crate::ir::Kind::Parallel(_) => quote! { ::asl_runtime::children::state_failed(exec, env, "ParallelStateFailed", &failure); },
        _ => quote! {},
    };
    quote! {
        let raw = exec.take_input();
        #failure
        #failed
        #catch
        ::core::result::Result::Err(::core::convert::From::from(failure))
    }
}


fn limits(t: &Task) -> TokenStream {
    let secs = |s: &Seconds| match s {
        Seconds::None => quote! { ::core::option::Option::None },
        Seconds::Literal(n) => quote! { ::core::option::Option::Some(::core::time::Duration::from_secs(#n)) },
        Seconds::Path(p) => {
            let r = root(p);
            let p = path_ref(p);
            quote! { ::core::option::Option::Some(::asl_runtime::task::seconds_from_path(#p, #r)?) }
        }
    };
    let (timeout, heartbeat) = (secs(&t.timeout), secs(&t.heartbeat));
    quote! { ::asl_runtime::task::Limits { timeout: #timeout, heartbeat: #heartbeat } }
}

fn retrier(r: &Retrier) -> TokenStream {
    let errors = &r.error_equals;
    let interval = u32::try_from(r.interval_seconds).unwrap_or(u32::MAX);
    let max_attempts = u32::try_from(r.max_attempts).unwrap_or(u32::MAX);
    let rate = r.backoff_rate;
    let max_delay = match r.max_delay_seconds {
        Some(d) => {
            let d = u32::try_from(d).unwrap_or(u32::MAX);
            quote! { ::core::option::Option::Some(#d) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let jitter = if r.full_jitter { quote! { Full } } else { quote! { None } };
    quote! {
        ::asl_runtime::retry::Retrier {
            error_equals: &[#(#errors),*],
            interval_seconds: #interval,
            max_attempts: #max_attempts,
            backoff_rate: #rate,
            max_delay_seconds: #max_delay,
            jitter: ::asl_runtime::retry::Jitter::#jitter,
        }
    }
}

fn catch(w: &Workflow, catchers: &[Catcher]) -> TokenStream {
    if catchers.is_empty() {
        return quote! {};
    }
    let entries = catchers.iter().map(|c| {
        let errors = &c.error_equals;
        let next = variant(w, c.next);
        let rp = result_path(&c.result_path);
        quote! { ::asl_runtime::retry::Catcher { error_equals: &[#(#errors),*], next: #next, result_path: #rp } }
    });
    quote! {
        const CATCH: &[::asl_runtime::retry::Catcher<State>] = &[#(#entries),*];
        if let ::core::option::Option::Some(catcher) = ::asl_runtime::retry::find_catcher(CATCH, &failure) {
            let output = ::asl_runtime::io::apply_result_path(raw, failure.to_error_output(), catcher.result_path)?;
            return exec.goto(catcher.next, output);
        }
    }
}
