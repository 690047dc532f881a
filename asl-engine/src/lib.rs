//! Durable executions of compiled state machines: an execution store, workers that run
//! executions from it, and the control API shaped like AWS's.
//!
//! ```text
//! Engine (start, stop, describe, history, send-task-*)  ──▶  Store  ◀──  Worker (claims, runs,
//!                                                      (SQLite)       checkpoints via Journal)
//! ```

pub mod arn;
pub mod commit;
pub mod engine;
pub mod hosted;
pub mod journal;
pub mod nested;
pub mod pressure;
pub mod store;
pub mod worker;

pub use engine::{ApiError, Engine};
pub use store::{Location, MachineStatus, MachineType, MemoryStore, PostgresStore, SqliteStore, Status, Store, Tag};
pub use worker::Worker;
