//! The frame of a state whose work can fail (Task, Parallel, Map): Retry as a loop with backoff
//! on the environment's clock, then Assign, ResultSelector, ResultPath, OutputPath and the
//! transition, or the first matching Catcher (and its Assign).

use super::io::{apply_result_path, assign, context, output_path, output_reads_context, result_path, transition};
use super::scope::Scope;
use super::value::{reads_context, template};
use crate::ir::{Catcher, Kind, Outcome, ResultPath, Retrier, State, Template};
use proc_macro2::TokenStream;
use quote::quote;

/// Whether an attempt must leave the raw input for ResultPath, a retry or a Catcher.
pub fn keeps_raw(s: &State, o: &Outcome) -> bool {
    // A JSONata state's Output and Assign read `$states.input` after the work.
    s.jsonata || !o.catch.is_empty() || !o.retry.is_empty() || !matches!(o.result_path, ResultPath::Replace)
}

/// The body of a state whose work can fail: `attempt` is the body of an async block giving
/// `Result<Value, Fault>`; Retry runs it again, then ResultSelector, ResultPath, OutputPath
/// and the transition apply, or the first matching Catcher.
pub fn with_outcome(cx: &Scope, s: &State, o: &Outcome, attempt: TokenStream) -> TokenStream {
    let failure = attempts(s, o, attempt, on_success(cx, s, o));
    let catch = catch(cx, s, &o.catch);
    // Map and Parallel record that they failed once Retry gives up (a Task records each
    // failed attempt itself).
    let failed = match &s.kind {
        Kind::Map(_) => quote! { ::asl_runtime::children::state_failed(exec, env, "MapStateFailed", &failure); },
        Kind::Parallel(_) => quote! { ::asl_runtime::children::state_failed(exec, env, "ParallelStateFailed", &failure); },
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

/// What follows a successful attempt, its value in `result`: ResultSelector, ResultPath,
/// OutputPath, then `return` the transition. A failing ResultSelector (an intrinsic) goes to
/// the Catchers, not to Retry.
fn on_success(cx: &Scope, s: &State, o: &Outcome) -> TokenStream {
    if s.jsonata {
        return jsonata_on_success(cx, s, o);
    }
    let rp = apply_result_path(cx, &o.result_path);
    let op = output_path(cx, s);
    // The attempt's `context` is gone by now; a `$$` OutputPath needs its own.
    let op = match output_reads_context(s) {
        true => {
            let name = &s.name;
            quote! { let context = exec.context(#name, ::core::option::Option::None); #op }
        }
        false => op,
    };
    // Assign sees the result as the work gave it, before ResultSelector.
    let assigned = s.assign.as_deref().map(|a| {
        let ctx = own_context(s, a);
        let a = assign(cx, a, quote! { &result });
        quote! { #ctx #a }
    });
    let next = transition(cx, &o.transition, assigned.is_some());
    let to_catch = if o.retry.is_empty() { quote! { *failure } } else { quote! { break *failure } };
    let Some(sel) = &o.result_selector else {
        return quote! { #assigned #rp #op return #next; };
    };
    let ctx = reads_context(sel).then(|| {
        let name = &s.name;
        quote! { let context = exec.context(#name, ::core::option::Option::None); }
    });
    let sel = template(cx.paths, sel);
    quote! {
        #assigned
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

/// `let failure = …;`: the attempt, run again as the Retriers allow, until it succeeds (and
/// `on_success` returns) or fails for good.
fn attempts(s: &State, o: &Outcome, attempt: TokenStream, on_success: TokenStream) -> TokenStream {
    // A JSONata expression's failure is recorded (EvaluationFailed) and then retried and
    // caught like any other error, as `States.QueryEvaluationError`.
    let name = &s.name;
    let evaluated = quote! { exec.evaluation_failed(|| env.clock.now(), #name, *evaluation) };
    let (evaluation, evaluation_retried) = match s.jsonata {
        true => (
            quote! { ::core::result::Result::Err(::asl_runtime::Fault::Evaluation(evaluation)) => #evaluated, },
            quote! {
                ::core::result::Result::Err(::asl_runtime::Fault::Evaluation(evaluation)) => {
                    let failure = #evaluated;
                    match exec.next_retry_delay(RETRY, &failure, || env.uniform()) {
                        ::core::option::Option::Some(delay) => ::asl_runtime::wait::sleep(exec, env, delay).await?,
                        ::core::option::Option::None => break failure,
                    }
                }
            },
        ),
        false => (quote! {}, quote! {}),
    };
    let attempt = quote! {
        let outcome: ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Fault> = async { #attempt }.await;
    };
    if o.retry.is_empty() {
        return quote! {
            #attempt
            let failure = match outcome {
                ::core::result::Result::Ok(result) => { #on_success }
                ::core::result::Result::Err(::asl_runtime::Fault::Error(failure)) => *failure,
                #evaluation
                ::core::result::Result::Err(fault) => return ::core::result::Result::Err(fault),
            };
        };
    }
    let retriers = o.retry.iter().map(retrier);
    quote! {
        const RETRY: &[::asl_runtime::retry::Retrier] = &[#(#retriers),*];
        let failure = loop {
            #attempt
            match outcome {
                ::core::result::Result::Ok(result) => { #on_success }
                ::core::result::Result::Err(::asl_runtime::Fault::Error(failure)) => {
                    match exec.next_retry_delay(RETRY, &failure, || env.uniform()) {
                        ::core::option::Option::Some(delay) => ::asl_runtime::wait::sleep(exec, env, delay).await?,
                        ::core::option::Option::None => break *failure,
                    }
                }
                #evaluation_retried
                ::core::result::Result::Err(fault) => return ::core::result::Result::Err(fault),
            }
        };
    }
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

/// `let context = …;` for an Assign evaluated after the attempt, whose `context` is gone.
fn own_context(s: &State, a: &Template) -> Option<TokenStream> {
    reads_context(a).then(|| {
        let name = &s.name;
        quote! { let context = exec.context(#name, ::core::option::Option::None); }
    })
}

/// JSONata: Assign and Output with `$states.result`, then the transition.
fn jsonata_on_success(cx: &Scope, s: &State, o: &Outcome) -> TokenStream {
    // The attempt's `context` is gone by now.
    let ctx = context(s, quote! { ::core::option::Option::None });
    let states = super::query::states(s, quote! { &raw }, quote! { .with_result(&result) });
    let assigned = s.assign.as_deref().map(|a| {
        let a = template(cx.paths, a);
        quote! { let assigned = #a; }
    });
    let output = match s.output.as_deref() {
        Some(out) => template(cx.paths, out),
        None => quote! { result.clone() },
    };
    let next = transition(cx, &o.transition, assigned.is_some());
    quote! {
        #ctx
        #states
        #assigned
        let output = #output;
        return #next;
    }
}

/// JSONata Catchers: the one taken gives the output (its Output, else the error output) and
/// what it assigns, with `$states.errorOutput`.
fn jsonata_catch(cx: &Scope, s: &State, catchers: &[Catcher], table: TokenStream) -> TokenStream {
    let ctx = context(s, quote! { ::core::option::Option::None });
    let states = super::query::states(s, quote! { &raw }, quote! { .with_error_output(&error_output) });
    let arms = catchers.iter().enumerate().map(|(i, c)| {
        let a = c.assign.as_ref().map_or_else(|| quote! { ::asl_runtime::io::object([]) }, |a| template(cx.paths, a));
        let o = c.output.as_ref().map_or_else(|| quote! { error_output.clone() }, |o| template(cx.paths, o));
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote! { #i => (#a, #o), }
    });
    quote! {
        #table
        if let ::core::option::Option::Some((index, catcher)) = ::asl_runtime::retry::find_catcher_at(CATCH, &failure) {
            let error_output = failure.to_error_output();
            #ctx
            #states
            let (assigned, output) = match index {
                #(#arms)*
                _ => (::asl_runtime::io::object([]), error_output.clone()),
            };
            return exec.goto_assigning(catcher.next, output, assigned);
        }
    }
}

fn catch(cx: &Scope, s: &State, catchers: &[Catcher]) -> TokenStream {
    if catchers.is_empty() {
        return quote! {};
    }
    let entries = catchers.iter().map(|c| {
        let errors = &c.error_equals;
        let next = cx.variant(c.next);
        let rp = result_path(cx, &c.result_path);
        quote! { ::asl_runtime::retry::Catcher { error_equals: &[#(#errors),*], next: #next, result_path: #rp } }
    });
    let table = quote! { const CATCH: &[::asl_runtime::retry::Catcher<State>] = &[#(#entries),*]; };
    if s.jsonata {
        return jsonata_catch(cx, s, catchers, table);
    }
    if catchers.iter().all(|c| c.assign.is_none()) {
        return quote! {
            #table
            if let ::core::option::Option::Some(catcher) = ::asl_runtime::retry::find_catcher(CATCH, &failure) {
                let output = ::asl_runtime::io::apply_result_path(raw, failure.to_error_output(), catcher.result_path)?;
                return exec.goto(catcher.next, output);
            }
        };
    }
    // The Catcher taken assigns, with `$` its error output; the state's own Assign does not run.
    let ctx = catchers.iter().filter_map(|c| c.assign.as_ref()).find_map(|a| own_context(s, a));
    let arms = catchers.iter().enumerate().filter_map(|(i, c)| {
        let a = template(cx.paths, c.assign.as_ref()?);
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        Some(quote! { #i => #a, })
    });
    quote! {
        #table
        if let ::core::option::Option::Some((index, catcher)) = ::asl_runtime::retry::find_catcher_at(CATCH, &failure) {
            let error_output = failure.to_error_output();
            #ctx
            let assigned = {
                let input = &error_output;
                match index {
                    #(#arms)*
                    _ => ::asl_runtime::io::object([]),
                }
            };
            let output = ::asl_runtime::io::apply_result_path(raw, error_output, catcher.result_path)?;
            return exec.goto_assigning(catcher.next, output, assigned);
        }
    }
}
