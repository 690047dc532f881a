//! Control flow, at the bottom of the runtime: how a state ends ([`Flow`] or [`Fault`]), how a
//! run ends ([`Ending`]), and [`Interrupted`], the one way a run stops without an outcome.
//!
//! Interruption is a type, not an error name: a [`Journal`](crate::durable::Journal) that
//! refuses to go on, or a durable run that cannot read what its journal holds, produces it; no
//! task handler, Fail state or SendTaskFailure can forge it, since none of them returns
//! anything but a [`Failure`].

use crate::error::Failure;
use serde_json::Value;
use std::fmt;

/// What a finished state asks for next. Fieldless, so `Result<Flow, Fault>` fits in two
/// registers: the hot loop of Pass and Choice states never copies a large result through memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The execution now holds the next state and its input.
    Next,
    /// End / Succeed: the execution's input is its output.
    Succeed,
}

/// Why a state stopped without a transition: a Fail state, an uncaught error, a run-time
/// error, or an interruption. Boxed, since it is rare and the common result must stay small.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// `States.Runtime`: the text after AWS's "An error occurred while executing the state …"
    /// prefix, which the driver adds. Never retried or caught.
    Runtime(Box<String>),
    /// An error Retry and Catch may handle, or a Fail state's error.
    Error(Box<Failure>),
    /// A failure that is neither retried, caught nor rewritten: a child's `States.Runtime`
    /// error, whose cause already names the state it happened in.
    Fatal(Box<Failure>),
    /// `States.QueryEvaluationError`: a JSONata expression failed. The driver adds AWS's "An
    /// error occurred while executing the state …" prefix and records an EvaluationFailed
    /// event naming the field (`location`).
    Evaluation(Box<Evaluation>),
    /// The state's output is over 256 KiB (this many bytes): the execution fails with
    /// `States.DataLimitExceeded`, naming the state.
    OutputTooLarge(usize),
    /// The durable run cannot go on in this process: it stops where it is, with no outcome.
    Interrupted(Box<Interrupted>),
}

/// A JSONata expression of a state that failed: which field (`Output`, `Arguments/x`,
/// `Items`) and why, after AWS's prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The field, when the failure is an expression's (AWS names none for a Map input that
    /// is not an array).
    pub location: Option<String>,
    pub cause: String,
}

impl Fault {
    pub fn evaluation(location: impl Into<String>, cause: impl Into<String>) -> Self {
        Fault::Evaluation(Box::new(Evaluation { location: Some(location.into()), cause: cause.into() }))
    }

    /// A `States.QueryEvaluationError` that names no field.
    pub fn evaluation_unplaced(cause: impl Into<String>) -> Self {
        Fault::Evaluation(Box::new(Evaluation { location: None, cause: cause.into() }))
    }

    pub fn runtime(cause: impl Into<String>) -> Self {
        Fault::Runtime(Box::new(cause.into()))
    }

    /// A Fail state ends the execution (or its branch) with exactly this error.
    pub fn fail(failure: Failure) -> Self {
        Fault::Error(Box::new(failure))
    }
}

/// A `States.Runtime` failure raised by the runtime (a bad intrinsic argument, say) keeps its
/// uncatchable nature; anything else may be retried and caught.
impl From<Failure> for Fault {
    fn from(f: Failure) -> Self {
        if f.error == crate::error::names::RUNTIME {
            Fault::runtime(f.cause.unwrap_or_default())
        } else {
            Fault::Error(Box::new(f))
        }
    }
}

impl From<Interrupted> for Fault {
    fn from(i: Interrupted) -> Self {
        Fault::Interrupted(Box::new(i))
    }
}

/// A durable run stopped where it stood, without deciding anything about its execution, which
/// stays as the store has it. Why ([`Interruption`]) tells what may happen next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    cause: Interruption,
    reason: String,
}

/// Why a durable run was interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// The journal refused: the worker no longer holds the execution (it was stopped, or taken
    /// over after its lease ran out) or the store failed. Whoever holds it carries on.
    Refused,
    /// What the journal holds for the execution (a recorded outcome, a child's end, a time, a
    /// checkpoint) cannot be read by this build, or the execution cannot be saved: no run of
    /// it will get further, so the engine fails it rather than claiming it again.
    Unreadable,
    /// The run waits (for a task token's answer, or a time) and its journal parked it: the
    /// execution waits in the store, not in memory, and a worker resumes it when the answer
    /// comes or the time is up ([`crate::durable::Journal::park`]).
    Parked,
}

impl Interrupted {
    /// The journal refuses to go on (see [`Interruption::Refused`]).
    pub fn refused(reason: impl fmt::Display) -> Self {
        Interrupted { cause: Interruption::Refused, reason: reason.to_string() }
    }

    /// A record the run needs cannot be read (see [`Interruption::Unreadable`]).
    pub fn unreadable(reason: impl fmt::Display) -> Self {
        Interrupted { cause: Interruption::Unreadable, reason: reason.to_string() }
    }

    /// The journal parked the run (see [`Interruption::Parked`]).
    pub fn parked(reason: impl fmt::Display) -> Self {
        Interrupted { cause: Interruption::Parked, reason: reason.to_string() }
    }

    pub fn cause(&self) -> Interruption {
        self.cause
    }

    /// What happened, in words.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the run was interrupted: {}", self.reason)
    }
}

impl std::error::Error for Interrupted {}

/// How an execution ended, as a caller learns it: `Ok` with its output, or `Err` with its error
/// and cause.
pub type Outcome = Result<Value, Failure>;

/// How a run of an execution (or of a child: a Parallel branch, a Map iteration) ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    Succeeded(Value),
    Failed(Failure),
    /// The definition's TimeoutSeconds, or a limit the caller set, ran out
    /// (`States.Timeout`, ExecutionTimedOut). Children never time out on their own.
    TimedOut(Failure),
    /// The durable run could not go on: nothing is decided about the execution (see
    /// [`Interrupted`]).
    Interrupted(Interrupted),
}

/// The error name [`Ending::into_outcome`] gives an interrupted run, which only a run with a
/// journal can be. Nothing reads it back: callers that need to tell an interruption apart use
/// the [`Ending`].
pub const INTERRUPTED_ERROR: &str = "asl.Interrupted";

impl Ending {
    /// The outcome as [`Outcome`] reports it: the output, or the failure (a timeout is
    /// `States.Timeout`; an interruption, possible only with a journal, is reported as
    /// [`INTERRUPTED_ERROR`] with its reason).
    pub fn into_outcome(self) -> Outcome {
        match self {
            Ending::Succeeded(output) => Ok(output),
            Ending::Failed(failure) | Ending::TimedOut(failure) => Err(failure),
            Ending::Interrupted(i) => Err(Failure::new(INTERRUPTED_ERROR, i.reason)),
        }
    }
}
