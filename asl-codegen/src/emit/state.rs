//! One async function per state, named after it. Each takes the current state's raw input
//! from the execution, applies the state's fields in AWS's order, and returns the transition.

use super::choice::condition;
use super::value::{literal, path_ref, root, template};
use crate::ir::{self, Kind, PathSetting, ResultPath, Source, State, Transition, Workflow};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

pub fn ident(s: &str) -> Ident {
    syn::parse_str::<Ident>(s).unwrap_or_else(|_| Ident::new_raw(s, Span::call_site()))
}

pub fn variant(w: &Workflow, index: usize) -> TokenStream {
    let v = w.states.get(index).map_or_else(|| ident("Unknown"), |s| ident(&s.variant));
    quote! { State::#v }
}

/// Whether the state awaits anything (a Task call, a timer): only those are `async fn`s.
pub fn waits(s: &State) -> bool {
    matches!(s.kind, Kind::Task(_) | Kind::Wait(_) | Kind::Parallel(_) | Kind::Map(_))
}

/// The function for one state.
pub fn state_fn(w: &Workflow, s: &State) -> TokenStream {
    let name = ident(&s.ident);
    let doc = doc(s);
    let (body, uses_env) = match &s.kind {
        Kind::Pass(p) => (pass(w, s, p), s.needs_rng()),
        Kind::Task(t) => (super::task::task(w, s, t), true),
        Kind::Choice(c) => (choice(w, s, c), false),
        Kind::Wait(wait) => (wait_state(w, s, wait), true),
        Kind::Succeed => (succeed(s), false),
        Kind::Fail(f) => (fail(s, f), s.needs_rng()),
        Kind::Parallel(p) => (super::children::parallel(w, s, p), true),
        Kind::Map(m) => (super::children::map(w, s, m), true),
    };
    let env = if uses_env { quote! { env } } else { quote! { _env } };
    let asyncness = if waits(s) { quote! { async } } else { quote! { #[inline] } };
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

/// `let input = …;`: InputPath applied to `raw` (cloned if `raw` is needed afterwards). A `$$`
/// InputPath reads the Context object, which the caller has built as `context`.
pub fn input_path(s: &State, keep_raw: bool) -> TokenStream {
    let raw = if keep_raw { quote! { raw.clone() } } else { quote! { raw } };
    match &s.input_path {
        PathSetting::Identity => quote! { let input = #raw; },
        PathSetting::Path(p) if p.root == crate::lang::jsonpath::Root::Context => {
            let p = path_ref(p);
            quote! { let input = ::asl_runtime::io::apply_path(context.clone(), ::core::option::Option::Some(#p))?; }
        }
        other => {
            let p = path_arg(other);
            quote! { let input = ::asl_runtime::io::apply_path(#raw, #p)?; }
        }
    }
}

/// OutputPath applied to `output` (or to the Context object, for a `$$` path).
pub fn output_path(s: &State) -> TokenStream {
    match &s.output_path {
        PathSetting::Identity => quote! {},
        PathSetting::Path(p) if p.root == crate::lang::jsonpath::Root::Context => {
            let p = path_ref(p);
            quote! { let output = { let _ = output; ::asl_runtime::io::apply_path(context.clone(), ::core::option::Option::Some(#p))? }; }
        }
        other => {
            let p = path_arg(other);
            quote! { let output = ::asl_runtime::io::apply_path(output, #p)?; }
        }
    }
}

fn path_arg(p: &PathSetting) -> TokenStream {
    match p {
        PathSetting::Path(p) => {
            let p = path_ref(p);
            quote! { ::core::option::Option::Some(#p) }
        }
        _ => quote! { ::core::option::Option::None },
    }
}

pub fn result_path(rp: &ResultPath) -> TokenStream {
    match rp {
        ResultPath::Replace => quote! { ::asl_runtime::io::ResultPath::Replace },
        ResultPath::Discard => quote! { ::asl_runtime::io::ResultPath::Discard },
        ResultPath::At(p) => {
            let p = path_ref(p);
            quote! { ::asl_runtime::io::ResultPath::At(#p) }
        }
    }
}

/// `let output = …;` from `result`, ResultPath merging into `raw`.
pub fn apply_result_path(rp: &ResultPath) -> TokenStream {
    match rp {
        ResultPath::Replace => quote! { let output = result; },
        other => {
            let rp = result_path(other);
            quote! { let output = ::asl_runtime::io::apply_result_path(raw, result, #rp)?; }
        }
    }
}

pub fn transition(w: &Workflow, t: &Transition) -> TokenStream {
    match t {
        Transition::Next(i) => {
            let v = variant(w, *i);
            quote! { exec.goto(#v, output) }
        }
        Transition::End => quote! { exec.succeed(output) },
    }
}

/// `let context = …;` where the state reads `$$`.
pub fn context(s: &State, token: TokenStream) -> TokenStream {
    if !s.uses_context() {
        return quote! {};
    }
    let name = &s.name;
    quote! { let context = exec.context(#name, #token); }
}

fn pass(w: &Workflow, s: &State, p: &ir::Pass) -> TokenStream {
    let keep_raw = !matches!(p.result_path, ResultPath::Replace);
    let input = input_path(s, keep_raw);
    let ctx = context(s, quote! { ::core::option::Option::None });
    let result = match (&p.result, &p.parameters) {
        (Some(r), _) => literal(r),
        (None, Some(t)) => {
            let t = template(t);
            quote! { { let input = &input; #t } }
        }
        (None, None) => quote! { input },
    };
    let rp = apply_result_path(&p.result_path);
    let op = output_path(s);
    let next = transition(w, &p.transition);
    let minimal = p.result.is_none() && p.parameters.is_none() && !keep_raw;
    if minimal && matches!(s.input_path, PathSetting::Identity) && matches!(s.output_path, PathSetting::Identity) {
        // A bare Pass state only moves on.
        return match &p.transition {
            Transition::Next(i) => {
                let v = variant(w, *i);
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
        #rp
        #op
        #next
    }
}

/// `exec.goto`, or `exec.goto_within` where the output can only be part of the state's input
/// (no `$$` OutputPath), which was size-checked already.
fn goto_within(s: &State) -> TokenStream {
    match &s.output_path {
        PathSetting::Path(p) if p.root == crate::lang::jsonpath::Root::Context => quote! { exec.goto },
        _ => quote! { exec.goto_within },
    }
}

fn choice(w: &Workflow, s: &State, c: &ir::Choice) -> TokenStream {
    let goto = goto_within(s);
    let ctx = context(s, quote! { ::core::option::Option::None });
    let input = input_path(s, false);
    let branches = c.rules.iter().map(|(cond, next)| {
        let cond = condition(cond);
        let v = variant(w, *next);
        quote! { if #cond { #v } }
    });
    let default = match c.default {
        Some(d) => {
            let v = variant(w, d);
            quote! { #v }
        }
        None => quote! {
            return ::core::result::Result::Err(::asl_runtime::Fault::fail(
                ::asl_runtime::Failure::bare("States.NoChoiceMatched"),
            ))
        },
    };
    if matches!(s.input_path, PathSetting::Identity) && matches!(s.output_path, PathSetting::Identity) {
        // The rules read the state's input where it is, and the input moves on unchanged.
        return quote! {
            #ctx
            let input = &exec.input;
            let next = #(#branches else)* { #default };
            ::core::result::Result::Ok(exec.pass_to(next))
        };
    }
    let op = output_path(s);
    quote! {
        let raw = exec.take_input();
        #ctx
        #input
        let next = {
            let input = &input;
            #(#branches else)* { #default }
        };
        let output = input;
        #op
        #goto(next, output)
    }
}

fn wait_state(w: &Workflow, s: &State, wait: &ir::Wait) -> TokenStream {
    let ctx = context(s, quote! { ::core::option::Option::None });
    let input = input_path(s, false);
    let delay = match &wait.wait_for {
        ir::WaitFor::Seconds(n) => quote! { ::asl_runtime::wait::check_delay(::core::time::Duration::from_secs(#n))? },
        ir::WaitFor::SecondsPath(p) => {
            let r = root(p);
            let p = path_ref(p);
            quote! { ::asl_runtime::wait::seconds_from_path(#p, #r)? }
        }
        ir::WaitFor::Timestamp(t) => quote! {
            ::asl_runtime::wait::until(env.clock.now(), ::asl_runtime::wait::timestamp(#t)?)?
        },
        ir::WaitFor::TimestampPath(p) => {
            let r = root(p);
            let p = path_ref(p);
            quote! { ::asl_runtime::wait::until(env.clock.now(), ::asl_runtime::wait::timestamp_from_path(#p, #r)?)? }
        }
    };
    let op = output_path(s);
    let next = transition(w, &wait.transition);
    quote! {
        let raw = exec.take_input();
        #ctx
        #input
        ::asl_runtime::wait::sleep(exec, env, #delay).await?;
        let output = input;
        #op
        #next
    }
}

fn succeed(s: &State) -> TokenStream {
    let ctx = context(s, quote! { ::core::option::Option::None });
    let input = input_path(s, false);
    let op = output_path(s);
    quote! {
        let raw = exec.take_input();
        #ctx
        #input
        let output = input;
        #op
        exec.succeed(output)
    }
}

fn fail(s: &State, f: &ir::Fail) -> TokenStream {
    let uses_input = [&f.error, &f.cause].iter().any(|x| matches!(x, Some(Source::Template(_))));
    let ctx = context(s, quote! { ::core::option::Option::None });
    let field = |src: &Option<Source>, name: &str| match src {
        None => quote! { ::core::option::Option::None },
        Some(Source::Literal(l)) => quote! { ::core::option::Option::Some(::std::string::String::from(#l)) },
        Some(Source::Template(t)) => {
            let t = template(t);
            quote! { ::core::option::Option::Some(::asl_runtime::io::fail_text({ let input = &input; #t }, #name)?) }
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
