//! One function per state, named after it: the dispatch on the state's kind, and the kinds
//! that need no frame of their own (Pass, Choice, Wait, Succeed, Fail). Each takes the current
//! state's raw input from the execution, applies the state's fields in AWS's order, and
//! returns the transition. Task, Parallel and Map are in `task` and `children`.

use super::choice::condition;
use super::children;
use super::io::{apply_result_path, assign, context, input_path, output_path, output_reads_context, transition};
use super::names::ident;
use super::scope::Scope;
use super::task::task;
use super::value::{literal, root, template, template_on_input};
use crate::ir::{self, Kind, PathSetting, ResultPath, Source, State, Transition};
use proc_macro2::TokenStream;
use quote::quote;

/// The function for one state.
pub fn state_fn(cx: &Scope, s: &State) -> TokenStream {
    let name = ident(&s.ident);
    let doc = doc(s);
    let (body, uses_env) = match &s.kind {
        Kind::Pass(p) if s.jsonata => (super::query::pass(cx, s, p), false),
        Kind::Succeed if s.jsonata => (super::query::succeed(cx, s), false),
        Kind::Fail(f) if s.jsonata => (super::query::fail(cx, s, f), false),
        Kind::Wait(w) if s.jsonata => (super::query::wait(cx, s, w), true),
        Kind::Choice(c) if s.jsonata => (super::query::choice(cx, s, c), false),
        Kind::Pass(p) => (pass(cx, s, p), s.needs_rng()),
        Kind::Task(t) => (task(cx, s, t), true),
        Kind::Choice(c) => (choice(cx, s, c), s.needs_rng()),
        Kind::Wait(wait) => (wait_state(cx, s, wait), true),
        Kind::Succeed => (succeed(cx, s), false),
        Kind::Fail(f) => (fail(cx, s, f), s.needs_rng()),
        Kind::Parallel(p) => (children::parallel(cx, s, p), true),
        Kind::Map(m) => (children::map(cx, s, m), true),
    };
    let env = if uses_env { quote! { env } } else { quote! { _env } };
    let asyncness = if s.kind.waits() { quote! { async } } else { quote! { #[inline] } };
    quote! {
        #doc
        #asyncness fn #name<H: ::asl_runtime::TaskHandler, C: ::asl_runtime::Clock>(
            exec: &mut ::asl_runtime::Execution<State>,
            #env: &::asl_runtime::Env<H, C>,
        ) -> ::core::result::Result<::asl_runtime::Flow, ::asl_runtime::Fault> {
            #body
        }
    }
}

fn doc(s: &State) -> TokenStream {
    let kind = s.kind.type_name();
    let head = format!(" {kind} state `{}`.", s.name);
    let comment = s.comment.iter().map(|c| format!(" {c}"));
    quote! { #[doc = #head] #( #[doc = ""] #[doc = #comment] )* }
}

fn pass(cx: &Scope, s: &State, p: &ir::Pass) -> TokenStream {
    let keep_raw = !matches!(p.result_path, ResultPath::Replace);
    let input = input_path(cx, s, keep_raw);
    let ctx = context(s, quote! { ::core::option::Option::None });
    let result = match (&p.result, &p.parameters) {
        (Some(r), _) => literal(r),
        (None, Some(t)) => template_on_input(cx.paths, t),
        (None, None) => quote! { input },
    };
    let assigned = s.assign.as_deref().map(|a| assign(cx, a, quote! { &result }));
    let rp = apply_result_path(cx, &p.result_path);
    let op = output_path(cx, s);
    let next = transition(cx, &p.transition, assigned.is_some());
    let minimal = p.result.is_none() && p.parameters.is_none() && !keep_raw && assigned.is_none();
    if minimal && matches!(s.input_path, PathSetting::Identity) && matches!(s.output_path, PathSetting::Identity) {
        // A bare Pass state only moves on.
        return match &p.transition {
            Transition::Next(i) => {
                let v = cx.variant(*i);
                quote! { ::core::result::Result::Ok(exec.pass_to(#v)) }
            }
            Transition::End => quote! { ::core::result::Result::Ok(exec.pass_to_end()) },
        };
    }
    quote! {
        let raw = exec.take_input();
        #ctx
        #input
        let result = #result;
        #assigned
        #rp
        #op
        #next
    }
}

/// `exec.goto`, or `exec.goto_within` where the output can only be part of the state's input
/// (no `$$` OutputPath), which was size-checked already.
fn goto_within(s: &State) -> TokenStream {
    match output_reads_context(s) {
        true => quote! { exec.goto },
        false => quote! { exec.goto_within },
    }
}

fn choice(cx: &Scope, s: &State, c: &ir::Choice) -> TokenStream {
    let goto = goto_within(s);
    let ctx = context(s, quote! { ::core::option::Option::None });
    let input = input_path(cx, s, false);
    // With an Assign anywhere, each way out also gives what it assigns: the chosen rule's, or
    // the state's own on Default.
    let assigns = !s.assigns().is_empty();
    let chosen = |next: TokenStream, a: Option<&ir::Template>| match (assigns, a) {
        (false, _) => next,
        (true, Some(a)) => {
            let a = template(cx.paths, a);
            quote! { (#next, #a) }
        }
        (true, None) => quote! { (#next, ::asl_runtime::io::object([])) },
    };
    let branches = c.rules.iter().map(|rule| {
        let cond = condition(cx.paths, &rule.condition);
        let way = chosen(cx.variant(rule.next), rule.assign.as_ref());
        quote! { if #cond { #way } }
    });
    let default = match c.default {
        Some(d) => chosen(cx.variant(d), s.assign.as_deref()),
        None => quote! {
            return ::core::result::Result::Err(::asl_runtime::Fault::fail(
                ::asl_runtime::Failure::bare("States.NoChoiceMatched"),
            ))
        },
    };
    let (picked, apply) = match assigns {
        true => (quote! { (next, assigned) }, quote! { exec.assign(assigned)?; }),
        false => (quote! { next }, quote! {}),
    };
    if matches!(s.input_path, PathSetting::Identity) && matches!(s.output_path, PathSetting::Identity) {
        // The rules read the state's input where it is, and the input moves on unchanged.
        return quote! {
            #ctx
            let input = exec.input();
            let #picked = #(#branches else)* { #default };
            #apply
            ::core::result::Result::Ok(exec.pass_to(next))
        };
    }
    let op = output_path(cx, s);
    let finish = match (assigns, output_reads_context(s)) {
        (true, true) => quote! { exec.goto_assigning(next, output, assigned) },
        _ => quote! { #apply #goto(next, output) },
    };
    quote! {
        let raw = exec.take_input();
        #ctx
        #input
        let #picked = {
            let input = &input;
            #(#branches else)* { #default }
        };
        let output = input;
        #op
        #finish
    }
}

fn wait_state(cx: &Scope, s: &State, wait: &ir::Wait) -> TokenStream {
    let ctx = context(s, quote! { ::core::option::Option::None });
    let input = input_path(cx, s, false);
    let delay = match &wait.wait_for {
        ir::WaitFor::Seconds(n) => quote! { ::asl_runtime::wait::check_delay(::core::time::Duration::from_secs(#n))? },
        ir::WaitFor::SecondsPath(p) => {
            let r = root(cx.paths, p);
            let p = cx.paths.get(p);
            quote! { ::asl_runtime::wait::seconds_from_path(#p, #r)? }
        }
        ir::WaitFor::Timestamp(t) => quote! {
            ::asl_runtime::wait::until(env.clock.now(), ::asl_runtime::wait::timestamp(#t)?)?
        },
        ir::WaitFor::Jsonata { .. } => quote! { ::core::compile_error!("internal error: a JSONata wait in a JSONPath state") },
        ir::WaitFor::TimestampPath(p) => {
            let r = root(cx.paths, p);
            let p = cx.paths.get(p);
            quote! { ::asl_runtime::wait::until(env.clock.now(), ::asl_runtime::wait::timestamp_from_path(#p, #r)?)? }
        }
    };
    let assigned = s.assign.as_deref().map(|a| assign(cx, a, quote! { &input }));
    let op = output_path(cx, s);
    let next = transition(cx, &wait.transition, assigned.is_some());
    quote! {
        let raw = exec.take_input();
        #ctx
        #input
        ::asl_runtime::wait::sleep(exec, env, #delay).await?;
        #assigned
        let output = input;
        #op
        #next
    }
}

fn succeed(cx: &Scope, s: &State) -> TokenStream {
    let ctx = context(s, quote! { ::core::option::Option::None });
    let input = input_path(cx, s, false);
    let op = output_path(cx, s);
    quote! {
        let raw = exec.take_input();
        #ctx
        #input
        let output = input;
        #op
        exec.succeed(output)
    }
}

fn fail(cx: &Scope, s: &State, f: &ir::Fail) -> TokenStream {
    let uses_input = [&f.error, &f.cause].iter().any(|x| matches!(x, Some(Source::Template(_))));
    let ctx = context(s, quote! { ::core::option::Option::None });
    let field = |src: &Option<Source>, name: &str| match src {
        None => quote! { ::core::option::Option::None },
        Some(Source::Literal(l)) => quote! { ::core::option::Option::Some(::std::string::String::from(#l)) },
        Some(Source::Template(t)) => {
            let t = template_on_input(cx.paths, t);
            quote! { ::core::option::Option::Some(::asl_runtime::io::fail_text(#t, #name)?) }
        }
    };
    let error = field(&f.error, "ErrorPath");
    let cause = field(&f.cause, "CausePath");
    let input = if uses_input { quote! { let input = exec.take_input(); } } else { quote! {} };
    quote! {
        #input
        #ctx
        let error: ::core::option::Option<::std::string::String> = #error;
        ::core::result::Result::Err(::asl_runtime::Fault::fail(::asl_runtime::Failure {
            error: error.unwrap_or_default(),
            cause: #cause,
        }))
    }
}
