//! Runtime support for state machines compiled from Amazon States Language.
//!
//! Generated code wires these pieces together; every piece of logic longer than a few lines
//! lives here as an ordinary, unit-tested function. The modules are floors, each importing only
//! the ones listed before it (ARCHITECTURE.md has the map):
//!
//! 1. errors and control flow: [`error`], [`flow`], [`payload`], [`clock`];
//! 2. values: [`path`], [`io`], [`choice`], [`intrinsics`], [`jsonata`], [`context`], [`history`],
//!    [`retry`], [`variables`], [`wait`]'s readers;
//! 3. the execution and its effects' seams: [`handler`] and [`mock`] (Task answers from a
//!    Step Functions Local mock config file), [`execution`], [`durable`], [`items`], [`env`],
//!    [`machine`];
//! 4. effects: [`wait`], [`task`];
//! 5. running: [`driver`], [`start`], [`children`].

pub mod choice;
pub mod clock;
pub mod context;
pub mod error;
pub mod flow;
pub mod history;
pub mod intrinsics;
pub mod io;
pub mod jsonata;
pub mod path;
pub mod payload;
pub mod retry;
pub mod variables;

pub mod durable;
pub mod env;
pub mod execution;
pub mod handler;
pub mod items;
pub mod machine;
pub mod mock;

pub mod task;
pub mod wait;

pub mod children;
pub mod driver;
pub mod start;

pub use clock::{Clock, TokioClock};
pub use driver::{run, run_observed, run_to_end, step_once};
pub use env::Env;
pub use error::Failure;
pub use execution::Execution;
pub use flow::{Ending, Fault, Flow, Interrupted, Interruption, Outcome};
pub use handler::{TaskCall, TaskContext, TaskHandler};
pub use machine::Machine;
pub use serde_json::Value;
pub use start::{enter_redrive, resume, start, start_registered};

/// Items only generated code should name.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}
