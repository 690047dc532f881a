//! ir → Rust tokens. Nothing here fails: everything that can fail has failed in `check`/`lower`.
//! What could only be a bug here (a path that was not collected, a state that does not exist)
//! is emitted as a `compile_error!` that names it, never papered over.
//!
//! The generated module holds: the `State` enum, `Workflow` (implementing
//! `asl_runtime::Machine`, with one fn per state), the typed `Tasks` trait with its `Typed`
//! adapter, and `run` / `run_typed` entry points.
//!
//! The files form a tree, leaves first: `names` (identifiers, nested modules), `jsonpath` (a
//! path as a constant), `paths` (a machine's path statics), `scope` (what one machine's
//! emitters share), `value` (literals, templates, intrinsic calls and the runtime's calling
//! convention for them), `choice` (Choice rules), `io` (InputPath, OutputPath, ResultPath,
//! transitions), `outcome` (Retry, Catch and result handling), `task` and `children` (Parallel,
//! Map), `state` (one fn per state, dispatching on its kind), and this module (the machine).

pub mod jsonata;
pub mod jsonata_native;
pub mod jsonpath;
pub mod piece;

mod children;
mod choice;
mod io;
mod names;
mod outcome;
mod paths;
mod query;
mod scope;
mod state;
mod task;
mod value;

use crate::ir::{Kind, TaskSignature, Workflow};
use names::{branch_module, ident, processor_module};
use paths::Paths;
use piece::{Body, Sink, Tokens};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use scope::Scope;
use state::state_fn;

/// The items of the module generated for `w`, compiled from the definition `text`, handed to
/// `out` piece by piece.
pub fn workflow(w: &Workflow, text: &str, out: &mut dyn Sink) {
    machine_items(w, true, out);
    tasks(&w.task_signatures(), out);
    out.item(entry_points());
    out.definition(text);
}

/// A machine's own items: its paths, `State`, `Workflow` with one fn per state, and a module
/// per nested machine (Parallel branch, Map processor).
/// `top`: the machine of the definition itself (nested ones have no definition of their own).
fn machine_items(w: &Workflow, top: bool, out: &mut dyn Sink) {
    let paths = Paths::new(w);
    paths.module(out);
    state_enum(w, out);
    machine(&Scope { w, paths: &paths }, top, out);
    for s in &w.states {
        let nested: Vec<(Ident, &Workflow)> = match &s.kind {
            Kind::Parallel(p) => p.branches.iter().enumerate().map(|(i, b)| (branch_module(s, i), b)).collect(),
            Kind::Map(m) => vec![(processor_module(s), &m.processor)],
            _ => Vec::new(),
        };
        for (name, nested) in nested {
            let doc = format!(" A nested machine of state `{}`.", s.name);
            out.open(quote! { #[doc = #doc] mod #name }, Body::Items);
            machine_items(nested, false, out);
            out.close();
        }
    }
}

fn state_enum(w: &Workflow, out: &mut dyn Sink) {
    // `repr(u32)`: the driver's loop keeps the current state in a register, and a one-byte
    // state written into it merges with the register's old value (a dependency from one
    // transition to the next); a four-byte one replaces it (chain100, measured the day it
    // changed: 0.26 µs an execution with one byte, 0.09–0.15 µs with four).
    out.open(
        quote! {
            /// The states of this workflow, one variant per state of the definition.
            #[derive(
                Debug, Clone, Copy, PartialEq, Eq, Hash,
                ::asl_runtime::__private::serde::Serialize, ::asl_runtime::__private::serde::Deserialize,
            )]
            #[serde(crate = "::asl_runtime::__private::serde")]
            #[repr(u32)]
            pub enum State
        },
        Body::Variants,
    );
    for s in &w.states {
        let v = ident(&s.variant);
        let doc = format!(" `{}`", s.name);
        out.item(quote! { #[doc = #doc] #v, });
    }
    out.close();
    out.open(quote! { impl State }, Body::Items);
    let names = w.states.iter().map(|s| {
        let v = ident(&s.variant);
        let n = &s.name;
        quote! { State::#v => #n, }
    });
    let header = quote! {
        /// The state's name as written in the definition.
        pub const fn name(self) -> &'static str
    };
    match_fn(out, header, quote! { match self }, names);
    out.close();
}

fn machine(cx: &Scope, top: bool, out: &mut dyn Sink) {
    let w = cx.w;
    let definition = match top {
        true => quote! { DEFINITION },
        false => quote! { "" },
    };
    let name = &w.name;
    let start = cx.variant(w.start);
    let timeout = match w.timeout_seconds {
        Some(t) => quote! { ::core::option::Option::Some(#t) },
        None => quote! { ::core::option::Option::None },
    };
    let entered = w.reads_entered_time();
    let reads_context = w.reads_context();
    let waits = w.states.iter().any(|s| s.kind.waits());
    let doc = w.comment.iter().map(|c| format!(" {c}"));
    out.item(quote! {
        /// The compiled state machine.
        #( #[doc = ""] #[doc = #doc] )*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct Workflow;
    });
    out.open(quote! { impl ::asl_runtime::Machine for Workflow }, Body::Items);
    out.item(quote! {
        type State = State;
        const NAME: &'static str = #name;
        const START: State = #start;
        const TIMEOUT_SECONDS: ::core::option::Option<u64> = #timeout;
        const TRACKS_ENTERED_TIME: bool = #entered;
        const READS_CONTEXT: bool = #reads_context;
        const WAITS: bool = #waits;
        const DEFINITION: &'static str = #definition;

        fn state_name(state: State) -> &'static str {
            state.name()
        }
    });
    let types = w.states.iter().map(|s| {
        let v = ident(&s.variant);
        let t = s.kind.type_name();
        quote! { State::#v => #t, }
    });
    match_fn(out, quote! { fn state_type(state: State) -> &'static str }, quote! { match state }, types);
    steps(w, out);
    out.close();
    out.open(quote! { impl Workflow }, Body::Items);
    for s in &w.states {
        out.item(state_fn(cx, s));
    }
    out.close();
}

/// `Machine::step_now` (the states that never wait, run in place; `None` for the others) and
/// `Machine::step` (every state), each a dispatch to the state's fn.
fn steps(w: &Workflow, out: &mut dyn Sink) {
    let header = quote! {
        #[inline(always)]
        fn step_now<H: ::asl_runtime::TaskHandler, C: ::asl_runtime::Clock>(
            exec: &mut ::asl_runtime::Execution<State>,
            env: &::asl_runtime::Env<H, C>,
        ) -> ::core::option::Option<::core::result::Result<::asl_runtime::Flow, ::asl_runtime::Fault>>
    };
    let arms = w.states.iter().map(|s| {
        let (v, f) = (ident(&s.variant), ident(&s.ident));
        match s.kind.waits() {
            true => quote! { State::#v => ::core::option::Option::None, },
            false => quote! { State::#v => ::core::option::Option::Some(Self::#f(exec, env)), },
        }
    });
    match_fn(out, header, quote! { match exec.state() }, arms);
    let header = quote! {
        async fn step<H: ::asl_runtime::TaskHandler, C: ::asl_runtime::Clock>(
            exec: &mut ::asl_runtime::Execution<State>,
            env: &::asl_runtime::Env<H, C>,
        ) -> ::core::result::Result<::asl_runtime::Flow, ::asl_runtime::Fault>
    };
    let arms = w.states.iter().map(|s| {
        let (v, f) = (ident(&s.variant), ident(&s.ident));
        match s.kind.waits() {
            true => quote! { State::#v => Self::#f(exec, env).await, },
            false => quote! { State::#v => Self::#f(exec, env), },
        }
    });
    match_fn(out, header, quote! { match exec.state() }, arms);
}

/// A fn whose body is one match: `header { matched { arms } }`, each arm a piece of its own
/// (the state-by-state dispatch tables hold one arm per state).
fn match_fn(out: &mut dyn Sink, header: TokenStream, matched: TokenStream, arms: impl Iterator<Item = TokenStream>) {
    out.open(header, Body::Expr);
    out.open(matched, Body::Arms);
    arms.for_each(|arm| out.item(arm));
    out.close();
    out.close();
}

fn tasks(signatures: &[TaskSignature], out: &mut dyn Sink) {
    out.open(
        quote! {
            /// Typed binding: one method per Task state. Wrap an implementation in [`Typed`] to
            /// run it.
            pub trait Tasks: Send + Sync
        },
        Body::Items,
    );
    for t in signatures {
        let f = ident(&t.ident);
        let doc = format!(" Task state `{}` (Resource `{}`).", t.name, t.resource);
        out.item(quote! {
            #[doc = #doc]
            fn #f(&self, input: ::asl_runtime::Value, context: ::asl_runtime::TaskContext)
                -> impl ::core::future::Future<Output = ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Failure>> + Send;
        });
    }
    out.close();
    out.item(quote! {
        /// Adapts a [`Tasks`] implementation to the generic `asl_runtime::TaskHandler`.
        #[derive(Debug, Clone, Default)]
        pub struct Typed<T>(pub T);
    });
    out.open(quote! { impl<T: Tasks> ::asl_runtime::TaskHandler for Typed<T> }, Body::Items);
    let header = quote! {
        async fn call(&self, call: ::asl_runtime::TaskCall)
            -> ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Failure>
    };
    let arms = signatures.iter().map(|t| {
        let f = ident(&t.ident);
        let n = &t.name;
        quote! { #n => self.0.#f(call.input, call.context).await, }
    });
    let other = quote! {
        other => ::core::result::Result::Err(::asl_runtime::Failure::new(
            "States.Runtime",
            ::std::format!("no Task state named '{other}' in this workflow"),
        )),
    };
    let matched = quote! { #[allow(clippy::match_single_binding)] match call.state };
    match_fn(out, header, matched, arms.chain(std::iter::once(other)));
    out.close();
}

fn entry_points() -> TokenStream {
    quote! {
        /// Runs one execution to its end with a generic task handler; returns the output or the
        /// failure (error, cause).
        pub async fn run(input: ::asl_runtime::Value, tasks: impl ::asl_runtime::TaskHandler) -> ::asl_runtime::Outcome {
            let env = ::asl_runtime::Env::new(tasks);
            let mut exec = ::asl_runtime::start::<Workflow, _>(::asl_runtime::execution::new_name(), input, &env.clock);
            ::asl_runtime::run::<Workflow, _, _>(&mut exec, &env).await
        }

        /// Runs one execution to its end with typed task bindings.
        pub async fn run_typed(input: ::asl_runtime::Value, tasks: impl Tasks) -> ::asl_runtime::Outcome {
            run(input, Typed(tasks)).await
        }
    }
}

/// What the module of a definition that did not compile holds, so that the user's code sees
/// only the definition's own errors: the names it may use (`State`, `Workflow` as a
/// `Machine`, `Tasks` with a method for each Task state that could be read, `Typed`, `run`,
/// `run_typed`, `DEFINITION`), none of which can run.
pub fn stub(name: &str, signatures: &[TaskSignature]) -> TokenStream {
    let mut tasks_tokens = Tokens::default();
    tasks(signatures, &mut tasks_tokens);
    let tasks = tasks_tokens.finish();
    let never = quote! { ::core::unreachable!("the definition did not compile") };
    quote! {
        /// The definition did not compile: no states.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            ::asl_runtime::__private::serde::Serialize, ::asl_runtime::__private::serde::Deserialize,
        )]
        #[serde(crate = "::asl_runtime::__private::serde")]
        pub enum State { NotCompiled }

        /// The definition did not compile.
        #[derive(Debug, Clone, Copy, Default)]
        pub struct Workflow;

        impl ::asl_runtime::Machine for Workflow {
            type State = State;
            const NAME: &'static str = #name;
            const START: State = State::NotCompiled;
            const TIMEOUT_SECONDS: ::core::option::Option<u64> = ::core::option::Option::None;
            const TRACKS_ENTERED_TIME: bool = false;
            const READS_CONTEXT: bool = false;
            const WAITS: bool = false;
            const DEFINITION: &'static str = DEFINITION;

            fn state_name(_: State) -> &'static str { #never }
            fn state_type(_: State) -> &'static str { #never }

            fn step_now<H: ::asl_runtime::TaskHandler, C: ::asl_runtime::Clock>(
                _: &mut ::asl_runtime::Execution<State>,
                _: &::asl_runtime::Env<H, C>,
            ) -> ::core::option::Option<::core::result::Result<::asl_runtime::Flow, ::asl_runtime::Fault>> {
                #never
            }

            async fn step<H: ::asl_runtime::TaskHandler, C: ::asl_runtime::Clock>(
                _: &mut ::asl_runtime::Execution<State>,
                _: &::asl_runtime::Env<H, C>,
            ) -> ::core::result::Result<::asl_runtime::Flow, ::asl_runtime::Fault> {
                #never
            }
        }

        #tasks

        pub async fn run(_input: ::asl_runtime::Value, _tasks: impl ::asl_runtime::TaskHandler) -> ::asl_runtime::Outcome {
            #never
        }

        pub async fn run_typed(_input: ::asl_runtime::Value, _tasks: impl Tasks) -> ::asl_runtime::Outcome {
            #never
        }

        /// The definition did not compile.
        pub const DEFINITION: &str = "";
    }
}
