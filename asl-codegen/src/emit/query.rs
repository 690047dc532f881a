//! The states whose QueryLanguage is JSONata and that need no frame of their own (Pass,
//! Choice, Wait, Succeed, Fail). Each reads its raw input, makes `states` (what `$states`
//! holds), evaluates its fields' expressions against the variables it entered with, and hands
//! on `Output` (or its input).

use super::io::{context, transition};
use super::scope::Scope;
use super::value::template;
use crate::ir::{self, Source, State};
use proc_macro2::TokenStream;
use quote::quote;

/// `let states = …;`: `$states` over the state's input `on` (a `&Value`), with what `more`
/// adds (`.with_result(&result)`, say) and the Context object where the state reads it.
pub fn states(s: &State, on: TokenStream, more: TokenStream) -> TokenStream {
    if !s.jsonata {
        return quote! {};
    }
    let with_context = s.uses_context().then(|| quote! { .with_context(&context) });
    quote! { let states = ::asl_runtime::jsonata::state::States::input(#on) #more #with_context; }
}

/// `let raw = …; let states = …;`: the state's input and `$states` over it.
fn prelude(s: &State) -> TokenStream {
    let ctx = context(s, quote! { ::core::option::Option::None });
    let states = states(s, quote! { &raw }, quote! {});
    quote! {
        let raw = exec.take_input();
        #ctx
        #states
    }
}

/// `let assigned = …;` for the state's own Assign, if it has one.
fn assigned(cx: &Scope, s: &State) -> Option<TokenStream> {
    s.assign.as_deref().map(|a| {
        let value = template(cx.paths, a);
        quote! { let assigned = #value; }
    })
}

/// `let output = …;`: `Output`, else the state's input.
fn output(cx: &Scope, s: &State) -> TokenStream {
    match s.output.as_deref() {
        Some(o) => {
            let value = template(cx.paths, o);
            quote! { let output = #value; }
        }
        None => quote! { let output = raw.clone(); },
    }
}

pub fn pass(cx: &Scope, s: &State, p: &ir::Pass) -> TokenStream {
    let prelude = prelude(s);
    let assigned = assigned(cx, s);
    let output = output(cx, s);
    let next = transition(cx, &p.transition, assigned.is_some());
    quote! { #prelude #assigned #output #next }
}

pub fn succeed(cx: &Scope, s: &State) -> TokenStream {
    let prelude = prelude(s);
    let output = output(cx, s);
    quote! { #prelude #output exec.succeed(output) }
}

pub fn wait(cx: &Scope, s: &State, w: &ir::Wait) -> TokenStream {
    let prelude = prelude(s);
    let delay = match &w.wait_for {
        ir::WaitFor::Jsonata { seconds, query } => {
            let value = super::value::query(query);
            let location = &query.location;
            match seconds {
                true => quote! { ::asl_runtime::wait::seconds_from_query(&#value, #location)? },
                false => quote! {
                    ::asl_runtime::wait::until(env.clock.now(), ::asl_runtime::wait::timestamp_from_query(&#value, #location)?)?
                },
            }
        }
        ir::WaitFor::Seconds(n) => quote! { ::asl_runtime::wait::check_delay(::core::time::Duration::from_secs(#n))? },
        ir::WaitFor::Timestamp(t) => quote! { ::asl_runtime::wait::until(env.clock.now(), ::asl_runtime::wait::timestamp(#t)?)? },
        // Not written by lowering for a JSONata state (the …Path fields are JSONPath's).
        ir::WaitFor::SecondsPath(_) | ir::WaitFor::TimestampPath(_) => {
            quote! { ::core::compile_error!("internal error: a JSONata Wait state with a JSONPath field") }
        }
    };
    let assigned = assigned(cx, s);
    let output = output(cx, s);
    let next = transition(cx, &w.transition, assigned.is_some());
    quote! {
        #prelude
        let delay = #delay;
        #assigned
        #output
        ::asl_runtime::wait::sleep(exec, env, delay).await?;
        #next
    }
}

pub fn fail(cx: &Scope, s: &State, f: &ir::Fail) -> TokenStream {
    let prelude = prelude(s);
    let field = |src: &Option<Source>, name: &str| match src {
        None => quote! { ::core::option::Option::None },
        Some(Source::Literal(l)) => quote! { ::core::option::Option::Some(::std::string::String::from(#l)) },
        Some(Source::Template(t)) => {
            let t = template(cx.paths, t);
            quote! { ::core::option::Option::Some(::asl_runtime::io::fail_text(#t, #name)?) }
        }
    };
    let error = field(&f.error, "Error");
    let cause = field(&f.cause, "Cause");
    quote! {
        #prelude
        let error: ::core::option::Option<::std::string::String> = #error;
        ::core::result::Result::Err(::asl_runtime::Fault::fail(::asl_runtime::Failure {
            error: error.unwrap_or_default(),
            cause: #cause,
        }))
    }
}

/// A JSONata Choice: the first rule whose Condition holds decides the next state, what is
/// assigned (the rule's Assign, or the state's on Default) and the output (the rule's Output,
/// else the state's, else its input).
pub fn choice(cx: &Scope, s: &State, c: &ir::Choice) -> TokenStream {
    let prelude = prelude(s);
    let empty = quote! { ::asl_runtime::io::object([]) };
    let state_output = match s.output.as_deref() {
        Some(o) => template(cx.paths, o),
        None => quote! { raw.clone() },
    };
    let way = |next: TokenStream, assign: Option<&ir::Template>, output: Option<&ir::Template>| {
        let assign = assign.map_or_else(|| empty.clone(), |a| template(cx.paths, a));
        let output = output.map_or_else(|| state_output.clone(), |o| template(cx.paths, o));
        quote! { (#next, #assign, #output) }
    };
    let branches = c.rules.iter().map(|rule| {
        let cond = super::choice::condition(cx.paths, &rule.condition);
        let chosen = way(cx.variant(rule.next), rule.assign.as_ref(), rule.output.as_ref());
        quote! { if #cond { #chosen } }
    });
    let default = match c.default {
        Some(d) => way(cx.variant(d), s.assign.as_deref(), None),
        None => quote! {
            return ::core::result::Result::Err(::asl_runtime::Fault::fail(
                ::asl_runtime::Failure::bare("States.NoChoiceMatched"),
            ))
        },
    };
    quote! {
        #prelude
        let (next, assigned, output) = #(#branches else)* { #default };
        exec.goto_assigning(next, output, assigned)
    }
}

