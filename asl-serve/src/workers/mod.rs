//! Registered definitions run as compiled code: the server generates a worker crate holding
//! every registered definition (a module each, by definition hash, compiled with `asl!`),
//! builds it with cargo in a cache directory next to the store, and keeps one worker process
//! of the newest build running against the same store.
//!
//! Floors, bottom first: `source.rs` (where asl's own crates are, for the worker crate's path
//! dependencies), `generate.rs` (the crate's files), `cargo.rs` (one build, its progress and
//! errors to the log), `supervisor.rs` (watches the store, rebuilds, swaps worker processes,
//! fails the executions of machines that cannot be built).

mod cargo;
mod generate;
mod source;
mod supervisor;

pub use source::Source;
pub use supervisor::{shared_target_dir, Supervisor, SupervisorConfig};
