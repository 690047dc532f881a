//! `asl serve`: AWS's Step Functions API (the AWS JSON 1.0 protocol the aws CLI and the SDKs
//! speak) over the durable engine, and the workers that run registered definitions as
//! compiled code.
//!
//! Floors, bottom first:
//! - `workers/`: generates a worker crate from the registered definitions (a module per
//!   definition, by definition hash, compiled with `asl!`), builds it with cargo in a cache
//!   directory next to the store, and keeps one worker process running the newest build.
//! - `oneshot.rs`: `asl run` and `asl test`, executions in the foreground through the same
//!   workers, each on a store of its own.

pub mod oneshot;
pub mod workers;
