//! Runtime support for state machines compiled from Amazon States Language.
//!
//! Generated code wires these pieces together; every piece of logic longer than a few lines
//! lives here as an ordinary, unit-tested function.

pub mod children;
pub mod choice;
pub mod clock;
pub mod context;
pub mod durable;
pub mod error;
pub mod execution;
pub mod history;
pub mod intrinsics;
pub mod io;
pub mod items;
pub mod path;
pub mod retry;
pub mod task;
pub mod wait;

pub use clock::{Clock, TokioClock};
pub use error::Failure;
pub use execution::{run, run_observed, start, Env, Execution, Fault, Flow, Machine, Outcome};
pub use serde_json::Value;
pub use task::{TaskCall, TaskContext, TaskHandler};

/// Items only generated code should name.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}
