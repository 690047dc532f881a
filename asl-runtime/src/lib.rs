//! Runtime support for state machines compiled from Amazon States Language.
//!
//! Generated code wires these pieces together; every piece of logic longer than a few lines
//! lives here as an ordinary, unit-tested function.

pub mod error;
pub mod intrinsics;
pub mod path;

pub use error::Failure;
pub use serde_json::Value;
