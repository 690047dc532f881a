//! The contract between generated code and the runtime: what a compiled state machine tells
//! the driver about itself, and the two ways it runs its current state.

use crate::clock::Clock;
use crate::env::Env;
use crate::execution::Execution;
use crate::flow::{Fault, Flow};
use crate::handler::TaskHandler;
use std::future::Future;

/// A compiled state machine. Implemented by the code `asl!` generates.
pub trait Machine: Sized {
    /// One variant per state. It serializes, so a checkpoint can say where an execution is.
    type State: Copy + Eq + std::fmt::Debug + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static;
    /// The machine's name (from the module or file it was generated for).
    const NAME: &'static str;
    const START: Self::State;
    /// Top-level `TimeoutSeconds`.
    const TIMEOUT_SECONDS: Option<u64>;
    /// Whether any state reads `$$.State.EnteredTime`: only then is the time taken per state.
    const TRACKS_ENTERED_TIME: bool;
    /// Whether any state reads the Context object: only then is the execution input kept.
    const READS_CONTEXT: bool;
    /// Whether any state waits (Task, Wait, Parallel, Map). A machine that never does runs to
    /// its end without yielding, so its Map iterations can run one after another in place.
    const WAITS: bool;

    /// The definition the machine was compiled from, as written: a durable engine serves a
    /// registered state machine only when its definition is this one.
    const DEFINITION: &'static str;

    /// The state's name as written in the definition.
    fn state_name(state: Self::State) -> &'static str;
    /// The state's `Type` (`Pass`, `Task`, …), which names its history events.
    fn state_type(state: Self::State) -> &'static str;

    /// Runs the current state if it needs no effect that waits (Pass, Choice, Succeed, Fail):
    /// `None` for Task and Wait states, which go through [`Machine::step`]. The driver runs
    /// chains of such states in a plain loop, without building a future per state.
    fn step_now<H: TaskHandler, C: Clock>(exec: &mut Execution<Self::State>, env: &Env<H, C>) -> Option<Result<Flow, Fault>>;

    /// Runs the current state to its end: a transition, the end of the execution, or a fault.
    fn step<H: TaskHandler, C: Clock>(
        exec: &mut Execution<Self::State>,
        env: &Env<H, C>,
    ) -> impl Future<Output = Result<Flow, Fault>> + Send;
}
