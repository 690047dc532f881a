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

pub mod jsonpath;

mod children;
mod choice;
mod io;
mod names;
mod outcome;
mod paths;
mod scope;
mod state;
mod task;
mod value;

use crate::ir::{Kind, TaskSignature, Workflow};
use names::{branch_module, ident, processor_module};
use paths::Paths;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use scope::Scope;
use state::state_fn;
use value::raw_string;

/// The items of the module generated for `w`, compiled from the definition `text`.
pub fn workflow(w: &Workflow, text: &str) -> TokenStream {
    let machine = machine_items(w, true);
    let tasks = tasks(&w.task_signatures());
    let entry = entry_points(w);
    let definition = raw_string(text);
    quote! {
        #machine #tasks #entry
        /// The definition this module was compiled from, as written.
        pub const DEFINITION: &str = #definition;
    }
}

/// A machine's own items: its paths, `State`, `Workflow` with one fn per state, and a module
/// per nested machine (Parallel branch, Map processor).
/// `top`: the machine of the definition itself (nested ones have no definition of their own).
fn machine_items(w: &Workflow, top: bool) -> TokenStream {
    let paths = Paths::new(w);
    let module = paths.module();
    let state_enum = state_enum(w);
    let machine = machine(&Scope { w, paths: &paths }, top);
    let nested = w.states.iter().flat_map(|s| {
        let modules: Vec<(Ident, &Workflow)> = match &s.kind {
            Kind::Parallel(p) => p.branches.iter().enumerate().map(|(i, b)| (branch_module(s, i), b)).collect(),
            Kind::Map(m) => vec![(processor_module(s), &m.processor)],
            _ => Vec::new(),
        };
        modules.into_iter().map(|(name, nested)| {
            let items = machine_items(nested, false);
            let doc = format!(" A nested machine of state `{}`.", s.name);
            quote! { #[doc = #doc] mod #name { #items } }
        })
    });
    quote! { #module #state_enum #machine #(#nested)* }
}

fn state_enum(w: &Workflow) -> TokenStream {
    let variants = w.states.iter().map(|s| {
        let v = ident(&s.variant);
        let doc = format!(" `{}`", s.name);
        quote! { #[doc = #doc] #v }
    });
    let names = w.states.iter().map(|s| {
        let v = ident(&s.variant);
        let n = &s.name;
        quote! { State::#v => #n }
    });
    // `repr(u32)`: the driver's loop keeps the current state in a register, and a one-byte
    // state written into it merges with the register's old value (a dependency from one
    // transition to the next); a four-byte one replaces it (chain100, measured the day it
    // changed: 0.26 µs an execution with one byte, 0.09–0.15 µs with four).
    quote! {
        /// The states of this workflow, one variant per state of the definition.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            ::asl_runtime::__private::serde::Serialize, ::asl_runtime::__private::serde::Deserialize,
        )]
        #[serde(crate = "::asl_runtime::__private::serde")]
        #[repr(u32)]
        pub enum State { #(#variants),* }

        impl State {
            /// The state's name as written in the definition.
            pub const fn name(self) -> &'static str {
                match self { #(#names),* }
            }
        }
    }
}

fn machine(cx: &Scope, top: bool) -> TokenStream {
    let w = cx.w;
    let definition = match top {
        true => quote! { DEFINITION },
        false => quote! { "" },
    };
    let name = &w.name;
    let types = w.states.iter().map(|s| {
        let v = ident(&s.variant);
        let t = s.kind.type_name();
        quote! { State::#v => #t }
    });
    let start = cx.variant(w.start);
    let timeout = match w.timeout_seconds {
        Some(t) => quote! { ::core::option::Option::Some(#t) },
        None => quote! { ::core::option::Option::None },
    };
    let entered = w.reads_entered_time();
    let reads_context = w.reads_context();
    let waits = w.states.iter().any(|s| s.kind.waits());
    let steps = steps(w);
    let fns = w.states.iter().map(|s| state_fn(cx, s));
    let doc = w.comment.iter().map(|c| format!(" {c}"));
    quote! {
        /// The compiled state machine.
        #( #[doc = ""] #[doc = #doc] )*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct Workflow;

        impl ::asl_runtime::Machine for Workflow {
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

            fn state_type(state: State) -> &'static str {
                match state { #(#types),* }
            }

            #steps
        }

        impl Workflow { #(#fns)* }
    }
}

/// `Machine::step_now` (the states that never wait, run in place; `None` for the others) and
/// `Machine::step` (every state), each a dispatch to the state's fn.
fn steps(w: &Workflow) -> TokenStream {
    let arms = w.states.iter().map(|s| {
        let v = ident(&s.variant);
        let f = ident(&s.ident);
        match s.kind.waits() {
            true => quote! { State::#v => Self::#f(exec, env).await },
            false => quote! { State::#v => Self::#f(exec, env) },
        }
    });
    let now_arms = w.states.iter().map(|s| {
        let v = ident(&s.variant);
        let f = ident(&s.ident);
        match s.kind.waits() {
            true => quote! { State::#v => ::core::option::Option::None },
            false => quote! { State::#v => ::core::option::Option::Some(Self::#f(exec, env)) },
        }
    });
    quote! {
        #[inline(always)]
        fn step_now<H: ::asl_runtime::TaskHandler, C: ::asl_runtime::Clock>(
            exec: &mut ::asl_runtime::Execution<State>,
            env: &::asl_runtime::Env<H, C>,
        ) -> ::core::option::Option<::core::result::Result<::asl_runtime::Flow, ::asl_runtime::Fault>> {
            match exec.state() { #(#now_arms),* }
        }

        async fn step<H: ::asl_runtime::TaskHandler, C: ::asl_runtime::Clock>(
            exec: &mut ::asl_runtime::Execution<State>,
            env: &::asl_runtime::Env<H, C>,
        ) -> ::core::result::Result<::asl_runtime::Flow, ::asl_runtime::Fault> {
            match exec.state() { #(#arms),* }
        }
    }
}

fn tasks(signatures: &[TaskSignature]) -> TokenStream {
    let methods = signatures.iter().map(|t| {
        let f = ident(&t.ident);
        let doc = format!(" Task state `{}` (Resource `{}`).", t.name, t.resource);
        quote! {
            #[doc = #doc]
            fn #f(&self, input: ::asl_runtime::Value, context: ::asl_runtime::TaskContext)
                -> impl ::core::future::Future<Output = ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Failure>> + Send;
        }
    });
    let arms = signatures.iter().map(|t| {
        let f = ident(&t.ident);
        let n = &t.name;
        quote! { #n => self.0.#f(call.input, call.context).await }
    });
    quote! {
        /// Typed binding: one method per Task state. Wrap an implementation in [`Typed`] to
        /// run it.
        pub trait Tasks: Send + Sync { #(#methods)* }

        /// Adapts a [`Tasks`] implementation to the generic `asl_runtime::TaskHandler`.
        #[derive(Debug, Clone, Default)]
        pub struct Typed<T>(pub T);

        impl<T: Tasks> ::asl_runtime::TaskHandler for Typed<T> {
            async fn call(&self, call: ::asl_runtime::TaskCall)
                -> ::core::result::Result<::asl_runtime::Value, ::asl_runtime::Failure> {
                #[allow(clippy::match_single_binding)]
                match call.state {
                    #(#arms,)*
                    other => ::core::result::Result::Err(::asl_runtime::Failure::new(
                        "States.Runtime",
                        ::std::format!("no Task state named '{other}' in this workflow"),
                    )),
                }
            }
        }
    }
}

fn entry_points(_w: &Workflow) -> TokenStream {
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
    let tasks = tasks(signatures);
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
