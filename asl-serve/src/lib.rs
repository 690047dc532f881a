//! `asl serve`: AWS's Step Functions API (the AWS JSON 1.0 protocol the aws CLI and the SDKs
//! speak) over the durable engine, and the workers that run registered definitions as
//! compiled code.
//!
//! Floors, bottom first:
//! - `sigv4.rs`: AWS Signature Version 4: the access keys accepted, and checking a request's
//!   signature against them (when none are configured, requests are accepted unchecked).
//! - `protocol.rs`: AWS JSON 1.0 framing: the target header, the content type, a bounded
//!   JSON body, members read with AWS's validation texts, answers with epoch-second dates,
//!   errors as `{"__type": "...#Code", "message"}` (what botocore and the SDK for Rust read).
//! - `actions.rs`: one small fn per action: read its members, call the `Engine`, shape the
//!   answer; the waiting actions (GetActivityTask, StartSyncExecution) wait here.
//! - `console/`: the web console (state machines, executions drawn with their states'
//!   outcomes, history, task tokens answered by a click), HTML rendered here.
//! - `server.rs`: the axum router, binding, graceful shutdown ([`router`], [`serve`]: the API
//!   can be embedded in another binary).
//! - `workers/`: generates a worker crate from the registered definitions (a module per
//!   definition, by definition hash, compiled with `asl!`), builds it with cargo in a cache
//!   directory next to the store, and keeps one worker process running the newest build.
//! - `oneshot.rs`: `asl run` and `asl test`, executions in the foreground through the same
//!   workers, each on a store of its own.
//! - `test_state.rs`: TestState, the state compiled and run once through `oneshot`.

pub mod actions;
pub mod console;
pub mod oneshot;
pub mod test_state;
pub mod protocol;
pub mod server;
pub mod sigv4;
pub mod workers;

pub use server::{router, router_with_credentials, serve, serve_with, serve_with_credentials, shutdown_signal, ServeOptions, DEFAULT_HOST, DEFAULT_PORT};
pub use sigv4::Credentials;
pub use console::ConsoleOptions;
