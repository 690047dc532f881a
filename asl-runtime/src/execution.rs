//! An execution as a value, and the loop that drives it.
//!
//! The generated code advances an [`Execution`] one state at a time (`Machine::step`); all of
//! its progress lives in the struct, never in a suspended future between states, so a later
//! store can checkpoint it after any step and resume it in another process.

use crate::clock::{Clock, TokioClock};
use crate::context::{context_object, ExecutionInfo, StateInfo};
use crate::error::Failure;
use crate::retry::RetryCounters;
use crate::task::TaskHandler;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::future::Future;
use std::sync::Mutex;

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

/// What a finished state asks for next. Fieldless, so `Result<Flow, Fault>` fits in two
/// registers: the hot loop of Pass and Choice states never copies a large result through memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// `exec.state` and `exec.input` now hold the next state and its input.
    Next,
    /// End / Succeed: `exec.input` holds the execution's output.
    Succeed,
}

/// Why a state stopped without a transition: a Fail state, an uncaught error, or a run-time
/// error. Boxed, since it is rare and the common result must stay small.
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
    /// The state's output is over 256 KiB (this many bytes): the execution fails with
    /// `States.DataLimitExceeded`, naming the state.
    OutputTooLarge(usize),
}

impl Fault {
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
        } else if f.error == crate::durable::INTERRUPTED {
            Fault::Fatal(Box::new(f))
        } else {
            Fault::Error(Box::new(f))
        }
    }
}

/// The effects an execution may use: task handlers, a clock, a random source, and where a
/// distributed Map reads its items (ItemReader) and writes its results (ResultWriter).
pub struct Env<H, C = TokioClock> {
    pub tasks: H,
    pub clock: C,
    /// Default: `LocalFiles` in the working directory (Bucket/Key → `./Bucket/Key`).
    pub items: std::sync::Arc<dyn crate::items::ItemSource>,
    /// Default: `LocalResultWriter` in the working directory.
    pub results: std::sync::Arc<dyn crate::items::ResultSink>,
    /// Where a durable engine keeps progress and effects; `None` for an in-memory run.
    pub journal: Option<std::sync::Arc<dyn crate::durable::Journal>>,
    /// Whether executions record their history events (not just count them).
    pub history: bool,
    /// Seeded on first use: most executions draw nothing (no jitter, MathRandom or UUID).
    rng: Mutex<Option<rand::rngs::SmallRng>>,
}

impl<H: TaskHandler> Env<H, TokioClock> {
    pub fn new(tasks: H) -> Self {
        Env::with_clock(tasks, TokioClock::new())
    }
}

impl<H: TaskHandler, C: Clock> Env<H, C> {
    pub fn with_clock(tasks: H, clock: C) -> Self {
        // The default item source and result writer hold nothing but "."; one pair serves
        // every Env, so making one (the generated `run` makes one per execution) allocates
        // nothing.
        static LOCAL: std::sync::OnceLock<(std::sync::Arc<crate::items::LocalFiles>, std::sync::Arc<crate::items::LocalResultWriter>)> =
            std::sync::OnceLock::new();
        let (items, results) = LOCAL.get_or_init(|| {
            (std::sync::Arc::new(crate::items::LocalFiles::new(".")), std::sync::Arc::new(crate::items::LocalResultWriter::new(".")))
        });
        Env { tasks, clock, items: items.clone(), results: results.clone(), journal: None, history: false, rng: Mutex::new(None) }
    }

    /// Makes runs durable: progress, effects and history go to `journal` (see
    /// [`crate::durable`]). Turns history recording on.
    pub fn with_journal(mut self, journal: std::sync::Arc<dyn crate::durable::Journal>) -> Self {
        self.journal = Some(journal);
        self.history = true;
        self
    }

    /// Records history events in each execution (`Execution::history`).
    pub fn with_history(mut self) -> Self {
        self.history = true;
        self
    }

    /// Where distributed Maps read items and write results.
    pub fn with_items(mut self, items: impl crate::items::ItemSource + 'static, results: impl crate::items::ResultSink + 'static) -> Self {
        self.items = std::sync::Arc::new(items);
        self.results = std::sync::Arc::new(results);
        self
    }

    /// Makes jitter, `States.MathRandom` and `States.UUID` repeatable.
    pub fn seeded(mut self, seed: u64) -> Self {
        self.rng = Mutex::new(Some(rand::rngs::SmallRng::seed_from_u64(seed)));
        self
    }

    /// Runs `f` with the environment's random source.
    pub fn with_rng<T>(&self, f: impl FnOnce(&mut rand::rngs::SmallRng) -> T) -> T {
        let mut guard = self.rng.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Seeded from the thread's generator (itself seeded once from the OS): no system call.
        let rng = guard.get_or_insert_with(|| {
            rand::rngs::SmallRng::from_rng(rand::thread_rng()).unwrap_or_else(|_| rand::rngs::SmallRng::from_entropy())
        });
        f(rng)
    }

    /// A uniform draw from [0, 1).
    pub fn uniform(&self) -> f64 {
        self.with_rng(|r| r.gen::<f64>())
    }
}

/// One execution's progress: everything needed to carry on from the current state. It
/// serializes (with serde) between any two steps, which is what a store checkpoints.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Execution<S> {
    pub info: ExecutionInfo,
    pub state: S,
    /// The raw input of the current state.
    pub input: Value,
    pub retries: RetryCounters,
    /// Id of the last history event AWS would have recorded (AWS numbers events from 1).
    pub events: u64,
    /// Id of the current state's `…StateEntered` event (quoted in States.Runtime causes).
    pub entered_event: u64,
    pub entered_time: Option<chrono::DateTime<chrono::Utc>>,
    /// The current state was entered and has not ended: a run resumed from a checkpoint
    /// carries on inside it (durable runs checkpoint on entering a state that waits).
    #[serde(default)]
    pub in_state: bool,
    /// The current state's input as it entered, kept by durable runs only: where a redrive
    /// starts again if the state fails.
    #[serde(skip)]
    pub entry_input: Option<Value>,
    /// History events not yet handed to a store, when the environment records history. A
    /// child keeps its events here until its parent takes them into its own history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<crate::history::HistoryEvent>>,
    /// Set by a redrive of a failed Parallel or Map state: where the children of its attempt
    /// that failed sit. The state's first attempt after the redrive keeps the results of those
    /// that succeeded and runs only the others, as AWS redrives only the branches and
    /// iterations that failed or were aborted. Cleared when the state ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redriven_children: Option<String>,
    /// Where the children of the current state's last attempt that ran any sit (set by
    /// `children::siblings`, cleared when the state ends): what a redrive point names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children_ran: Option<std::sync::Arc<str>>,
}

impl<S: Copy> Execution<S> {
    /// An execution at `start` whose first input is `input`; `info.input` is what
    /// `$$.Execution.Input` shows.
    pub fn new(info: ExecutionInfo, start: S, input: Value) -> Self {
        Execution {
            info,
            state: start,
            input,
            retries: RetryCounters::default(),
            events: 1, // ExecutionStarted
            entered_event: 0,
            entered_time: None,
            in_state: false,
            entry_input: None,
            history: None,
            redriven_children: None,
            children_ran: None,
        }
    }

    /// Counts one history event and, when history is recorded, adds it: `kind` with the
    /// details `details()` builds (only then) under their AWS key. Its previousEventId is the
    /// event before it, except right after ExecutionStarted, where AWS gives 0.
    pub fn note(&mut self, now: impl FnOnce() -> chrono::DateTime<chrono::Utc>, kind: &str, details: impl FnOnce() -> Option<(&'static str, Value)>) {
        self.events += 1;
        self.log(self.events, now, kind, details);
    }

    /// Adds event `id` (already counted) when history is recorded.
    pub fn log(&mut self, id: u64, now: impl FnOnce() -> chrono::DateTime<chrono::Utc>, kind: &str, details: impl FnOnce() -> Option<(&'static str, Value)>) {
        if let Some(history) = &mut self.history {
            let previous = match history.last().filter(|last| last.id + 1 == id) {
                Some(last) => crate::history::previous_event(last, kind),
                None if id == 2 => 0,
                None => id - 1,
            };
            let mut event = crate::history::HistoryEvent::new(now(), kind, id, previous);
            if let Some((key, d)) = details() {
                event.details.insert(key.to_string(), d);
            }
            history.push(event);
        }
    }

    /// Whether history events are being recorded.
    pub fn records_history(&self) -> bool {
        self.history.is_some()
    }

    /// Where a redrive of this execution starts: the current state, entered afresh with the
    /// input it entered with (durable runs keep it), remembering where the children of its
    /// last attempt that ran any sit. `None` when that input is not known.
    pub fn redrive_point(&self) -> Option<Self> {
        let input = self.entry_input.clone()?;
        Some(Execution {
            info: self.info.clone(),
            state: self.state,
            input,
            retries: RetryCounters::default(),
            // Entering it again numbers its events as the first time.
            events: self.entered_event.saturating_sub(1),
            entered_event: self.entered_event,
            entered_time: None,
            in_state: false,
            entry_input: None,
            history: None,
            redriven_children: self.children_ran.as_deref().map(str::to_owned),
            children_ran: None,
        })
    }

    /// Where the children of the current attempt of the current state (named `state_name`)
    /// sit: `<this execution's place>/<state>@<visit>.<attempt>` (see `children::Siblings`).
    pub fn children_place(&self, state_name: &str) -> String {
        let (visit, attempt) = (self.entered_event, self.retries.total());
        match &self.info.child_of {
            None => format!("/{state_name}@{visit}.{attempt}"),
            Some((place, index)) => format!("{place}#{index}/{state_name}@{visit}.{attempt}"),
        }
    }

    /// Takes the events recorded since the last call.
    pub fn take_history(&mut self) -> Vec<crate::history::HistoryEvent> {
        self.history.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Takes the current state's raw input, leaving `null` (the state replaces it on exit).
    pub fn take_input(&mut self) -> Value {
        std::mem::take(&mut self.input)
    }

    /// Moves to `next` with the current input unchanged: a Pass state with nothing to do.
    pub fn pass_to(&mut self, next: S) -> Flow {
        self.events += 1;
        self.state = next;
        Flow::Next
    }

    /// Ends the execution with the current input as its output: a bare Pass state with `End`.
    /// The input stays where it is (moving it out and back would make the driver's loop drop
    /// the placeholder left behind on every transition).
    pub fn pass_to_end(&mut self) -> Flow {
        self.events += 1;
        Flow::Succeed
    }

    /// Moves to `next` with `output` as its input (the …StateExited event). An output over
    /// AWS's 256 KiB limit fails the execution instead.
    pub fn goto(&mut self, next: S, output: Value) -> Result<Flow, Fault> {
        check_output_size(&output)?;
        self.events += 1;
        self.state = next;
        self.input = output;
        Ok(Flow::Next)
    }

    /// [`Execution::goto`] for an output that is (part of) the state's own input, which was
    /// size-checked when the previous state produced it: Choice, Wait, Succeed.
    pub fn goto_within(&mut self, next: S, output: Value) -> Result<Flow, Fault> {
        self.events += 1;
        self.state = next;
        self.input = output;
        Ok(Flow::Next)
    }

    /// [`Execution::succeed`] for an output that is the state's own, already checked input.
    pub fn succeed_within(&mut self, output: Value) -> Result<Flow, Fault> {
        self.events += 1;
        self.input = output;
        Ok(Flow::Succeed)
    }

    /// Ends the execution successfully (the …StateExited event of the last state); the output
    /// stays in `input`.
    pub fn succeed(&mut self, output: Value) -> Result<Flow, Fault> {
        check_output_size(&output)?;
        self.events += 1;
        self.input = output;
        Ok(Flow::Succeed)
    }

    /// Counts `n` history events (TaskScheduled, TaskStarted, …).
    pub fn record(&mut self, n: u64) {
        self.events += n;
    }

    /// A fresh task token for a `.waitForTaskToken` Task: one per attempt, as AWS issues.
    pub fn task_token(&self, state_name: &str) -> String {
        format!("{}{}#{state_name}#{}#{}", self.info.id(), self.info.child_path(), self.entered_event, self.retries.total())
    }

    /// The context handed to a Task handler for this attempt.
    pub fn task_context(&self, state_name: &str, task_token: Option<String>) -> crate::task::TaskContext {
        let (visit, attempt) = (self.entered_event, self.retries.total());
        crate::task::TaskContext::new(&self.info.id(), &self.info.child_path(), state_name, visit, attempt, task_token)
    }

    /// The Context object for an item of the current (Map) state: `$$.Map.Item.Index/Value`.
    pub fn item_context(&self, state_name: &str, index: usize, item: &Value) -> Value {
        let state = StateInfo {
            name: state_name,
            entered_time: self.entered_time,
            retry_count: self.retries.total(),
            task_token: None,
            map_item: Some((index, item)),
        };
        context_object(&self.info, &state)
    }

    /// The Context object for the current state.
    pub fn context(&self, state_name: &str, task_token: Option<&str>) -> Value {
        let state = StateInfo {
            name: state_name,
            entered_time: self.entered_time,
            retry_count: self.retries.total(),
            task_token,
            map_item: None,
        };
        context_object(&self.info, &state)
    }
}

/// How an execution ended.
pub type Outcome = Result<Value, Failure>;

/// Starts an execution of `M` with `input`, named `name`. What only the Context object
/// shows (the input as given, the start time) is kept only when the machine reads it.
pub fn start<M: Machine, C: Clock>(name: impl Into<std::borrow::Cow<'static, str>>, input: Value, clock: &C) -> Execution<M::State> {
    let (kept, started) = match M::READS_CONTEXT {
        true => (input.clone(), Some(clock.now())),
        false => (Value::Null, None),
    };
    Execution::new(ExecutionInfo::new(M::NAME, name, kept, started), M::START, input)
}

/// Drives `exec` until it ends, applying the top-level TimeoutSeconds.
pub async fn run<M: Machine, H: TaskHandler, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Outcome {
    run_observed::<M, H, C>(exec, env, |_| {}).await
}

/// [`run`], calling `on_enter` with each state as the execution enters it.
pub async fn run_observed<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    on_enter: impl FnMut(M::State) + Send,
) -> Outcome {
    if env.history && exec.history.is_none() {
        exec.history = Some(Vec::new());
    }
    if exec.entered_event == 0 {
        if exec.records_history() && exec.events == 1 {
            let input = exec.input.clone();
            exec.log(1, || env.clock.now(), "ExecutionStarted", || Some(("executionStartedEventDetails", crate::history::execution_started(&input))));
        }
        if let Err(failure) = check_input_size(&exec.input) {
            ended(exec, env, "ExecutionFailed", &failure);
            return Err(failure);
        }
    }
    let outcome = match M::TIMEOUT_SECONDS {
        None => drive::<M, H, C>(exec, env, on_enter).await,
        Some(secs) => {
            // Durable runs count the limit from the execution's first start (or its redrive),
            // not this resume.
            let key = format!("{}/timeout@{}", exec.info.child_path(), exec.info.redrive_count);
            let limit = crate::wait::sleep_keyed(env, &key, std::time::Duration::from_secs(secs));
            tokio::select! {
                outcome = drive::<M, H, C>(exec, env, on_enter) => outcome,
                timer = limit => {
                    let failure = match timer {
                        Ok(()) => Failure::new(crate::error::names::TIMEOUT, "The execution timed out."),
                        Err(fault) => fault_failure(fault),
                    };
                    if failure.error != crate::durable::INTERRUPTED {
                        ended(exec, env, "ExecutionTimedOut", &failure);
                    }
                    return Err(failure);
                }
            }
        }
    };
    match &outcome {
        Ok(output) => {
            if exec.records_history() {
                let output = output.clone();
                exec.note(|| env.clock.now(), "ExecutionSucceeded", || Some(("executionSucceededEventDetails", crate::history::output_details(&output))));
            }
        }
        Err(failure) if failure.error == crate::durable::INTERRUPTED => {}
        Err(failure) => ended(exec, env, "ExecutionFailed", failure),
    }
    outcome
}

/// Records how the execution ended (`ExecutionFailed`, `ExecutionTimedOut`).
fn ended<S: Copy, H, C: Clock>(exec: &mut Execution<S>, env: &Env<H, C>, kind: &str, failure: &Failure) {
    if exec.records_history() {
        let key = match kind {
            "ExecutionTimedOut" => "executionTimedOutEventDetails",
            _ => "executionFailedEventDetails",
        };
        exec.note(|| env.clock.now(), kind, || Some((key, crate::history::failure(&failure.error, failure.cause.as_deref()))));
    }
}

fn check_output_size(output: &Value) -> Result<(), Fault> {
    crate::io::oversized(output).map_or(Ok(()), |len| Err(Fault::OutputTooLarge(len)))
}

/// AWS refuses to start an execution whose input is over 256 KiB.
pub fn check_input_size(input: &Value) -> Result<(), Failure> {
    match crate::io::oversized(input) {
        None => Ok(()),
        Some(len) => Err(Failure::new(
            crate::error::names::DATA_LIMIT_EXCEEDED,
            format!("The execution input is {len} bytes, over the limit of {} bytes.", crate::task::MAX_PAYLOAD_BYTES),
        )),
    }
}

pub(crate) async fn drive<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    mut on_enter: impl FnMut(M::State) + Send,
) -> Outcome {
    // States that never wait run back to back in a plain loop; after a budget of them the
    // driver yields, so a long Pass/Choice loop cannot hold the thread (or the execution
    // timeout) off.
    //
    // A durable run checkpoints on entering a state that waits, before it acts: the
    // transitions since the last checkpoint had no effect anyone could see, so a run resumed
    // from there replays them to the same place (and the same history event ids). Long runs
    // of such states are checkpointed every budget too.
    const BUDGET: u32 = 1024;
    loop {
        let (result, budget_spent) = if exec.in_state {
            // Resumed inside a state that waits: carry on without entering it again.
            (run_entered::<M, H, C>(exec, env).await, false)
        } else {
            match run_ready::<M, H, C>(exec, env, &mut on_enter, BUDGET) {
                Ready::Stopped(result) => (result, false),
                Ready::MustWait => {
                    exec.in_state = true;
                    save::<M, H, C>(exec, env)?;
                    (run_entered::<M, H, C>(exec, env).await, false)
                }
                Ready::Budget => (Ok(Flow::Next), true),
            }
        };
        if let Some(outcome) = finish_step::<M>(exec, result) {
            return outcome;
        }
        if budget_spent {
            save::<M, H, C>(exec, env)?;
            tokio::task::yield_now().await;
        }
    }
}

/// Runs the current state, already entered, to its end.
async fn run_entered<M: Machine, H: TaskHandler, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Result<Flow, Fault> {
    let state = exec.state;
    if env.journal.is_some() && exec.entry_input.is_none() {
        // Resumed inside the state: its checkpoint kept the input it entered with.
        exec.entry_input = Some(exec.input.clone());
    }
    let result = M::step(exec, env).await;
    exec.in_state = false;
    exited::<M, H, C>(exec, env, state, &result);
    result
}

/// Hands the journal (if any) the execution as it stands and the events recorded since the
/// last call, atomically. A top-level execution's events go to the history now; a child keeps
/// them in its progress (they reach the parent's history through the parent).
fn save<M: Machine, H, C>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Result<(), Failure> {
    let Some(journal) = &env.journal else { return Ok(()) };
    let place = exec.info.child_path();
    let events = if place.is_empty() { exec.take_history() } else { Vec::new() };
    let bytes = serde_json::to_vec(&*exec).map_err(|e| crate::durable::interrupted(format!("cannot serialize the execution: {e}")))?;
    journal.checkpoint(&place, &bytes, &events)
}

/// The failure a fault ends a run with, where no state name is needed.
fn fault_failure(fault: Fault) -> Failure {
    match fault {
        Fault::Error(f) | Fault::Fatal(f) => *f,
        Fault::Runtime(cause) => Failure::runtime(*cause),
        Fault::OutputTooLarge(len) => Failure::new(crate::error::names::DATA_LIMIT_EXCEEDED, format!("{len} bytes")),
    }
}

/// Runs an execution of a machine that never waits ([`Machine::WAITS`] is false) to its end,
/// synchronously.
pub(crate) fn run_now<M: Machine, H: TaskHandler, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Outcome {
    loop {
        let result = match run_ready::<M, H, C>(exec, env, &mut |_| {}, u32::MAX) {
            Ready::Stopped(result) => result,
            // Not reached for such a machine; ending the run beats looping.
            Ready::MustWait | Ready::Budget => Err(Fault::runtime("a state that waits reached the synchronous driver")),
        };
        if let Some(outcome) = finish_step::<M>(exec, result) {
            return outcome;
        }
    }
}

/// What the driver does with a step's result: `None` to go on, or the execution's outcome.
fn finish_step<M: Machine>(exec: &mut Execution<M::State>, result: Result<Flow, Fault>) -> Option<Outcome> {
    Some(match result {
        Ok(Flow::Next) => return None,
        Ok(Flow::Succeed) => Ok(exec.take_input()),
        Err(Fault::Error(failure) | Fault::Fatal(failure)) => Err(*failure),
        Err(Fault::OutputTooLarge(len)) => {
            let state = M::state_name(exec.state);
            Err(Failure::new(
                crate::error::names::DATA_LIMIT_EXCEEDED,
                format!("The state '{state}' produced an output of {len} bytes, over the limit of {} bytes.", crate::task::MAX_PAYLOAD_BYTES),
            ))
        }
        Err(Fault::Runtime(cause)) => {
            let state = M::state_name(exec.state);
            Err(Failure::runtime(format!(
                "An error occurred while executing the state '{state}' (entered at the event id #{}). {cause}",
                exec.entered_event
            )))
        }
    })
}

/// Enters the current state and runs it: one step of the execution, after which `exec` may be
/// saved (it serializes) and later driven on by [`run`] from where it stopped. The driver does
/// the same, without building a future per non-waiting state.
pub async fn step_once<M: Machine, H: TaskHandler, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>) -> Result<Flow, Fault> {
    if exec.in_state {
        return run_entered::<M, H, C>(exec, env).await;
    }
    match run_ready::<M, H, C>(exec, env, &mut |_| {}, 1) {
        Ready::Stopped(result) => result,
        Ready::MustWait => {
            exec.in_state = true;
            run_entered::<M, H, C>(exec, env).await
        }
        Ready::Budget => Ok(Flow::Next),
    }
}

/// How a run of non-waiting states ended.
enum Ready {
    /// A state ended other than by moving on (or moved on after a waiting state).
    Stopped(Result<Flow, Fault>),
    /// The current state, already entered, waits: run it with `Machine::step`.
    MustWait,
    /// `budget` states ran; the next one is not entered yet.
    Budget,
}

/// Enters and runs states for as long as they need no waiting, up to `budget` of them.
fn run_ready<M: Machine, H: TaskHandler, C: Clock>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    on_enter: &mut impl FnMut(M::State),
    budget: u32,
) -> Ready {
    // Two copies of the loop: one that records history or journals each state, and one
    // that does neither. The second calls nothing it cannot inline for Pass states, so the
    // compiler keeps the execution's counters and current state in registers across
    // iterations instead of going through memory on every transition.
    if exec.records_history() || env.journal.is_some() {
        run_ready_loop::<M, H, C, true>(exec, env, on_enter, budget)
    } else {
        run_ready_loop::<M, H, C, false>(exec, env, on_enter, budget)
    }
}

#[inline(always)]
fn run_ready_loop<M: Machine, H: TaskHandler, C: Clock, const OBSERVED: bool>(
    exec: &mut Execution<M::State>,
    env: &Env<H, C>,
    on_enter: &mut impl FnMut(M::State),
    budget: u32,
) -> Ready {
    for _ in 0..budget {
        let state = exec.state;
        on_enter(state);
        exec.events += 1; // …StateEntered
        exec.entered_event = exec.events;
        exec.retries.reset();
        if M::TRACKS_ENTERED_TIME {
            exec.entered_time = Some(env.clock.now());
        }
        if OBSERVED && exec.records_history() {
            entered::<M, H, C>(exec, env, state);
        }
        if OBSERVED && env.journal.is_some() {
            exec.entry_input = Some(exec.input.clone());
        }
        match M::step_now(exec, env) {
            Some(Ok(Flow::Next)) => {
                if OBSERVED {
                    exited::<M, H, C>(exec, env, state, &Ok(Flow::Next));
                }
            }
            Some(result) => {
                if OBSERVED {
                    exited::<M, H, C>(exec, env, state, &result);
                }
                return Ready::Stopped(result);
            }
            None => return Ready::MustWait,
        }
    }
    Ready::Budget
}

/// `…StateEntered`, with the state's input.
#[cold]
fn entered<M: Machine, H, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>, state: M::State) {
    let kind = format!("{}StateEntered", M::state_type(state));
    let details = crate::history::state_entered(M::state_name(state), &exec.input);
    exec.log(exec.entered_event, || env.clock.now(), &kind, || Some(("stateEnteredEventDetails", details)));
}

/// `…StateExited` (already counted by the state), with its output, when the state moved on
/// or ended the execution successfully.
#[inline(always)]
fn exited<M: Machine, H, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>, state: M::State, result: &Result<Flow, Fault>) {
    // A state that moved on is done with its children; one that failed ends the execution,
    // whose redrive point still needs to know where they sit.
    if result.is_ok() && (exec.redriven_children.is_some() || exec.children_ran.is_some()) {
        exec.redriven_children = None;
        exec.children_ran = None;
    }
    if exec.records_history() && result.is_ok() {
        exited_event::<M, H, C>(exec, env, state);
    }
}

#[cold]
fn exited_event<M: Machine, H, C: Clock>(exec: &mut Execution<M::State>, env: &Env<H, C>, state: M::State) {
    let kind = format!("{}StateExited", M::state_type(state));
    let details = crate::history::state_exited(M::state_name(state), &exec.input);
    exec.log(exec.events, || env.clock.now(), &kind, || Some(("stateExitedEventDetails", details)));
}

/// A fresh execution name (a version-4 UUID, as AWS chooses when none is given), drawn from
/// the thread's generator rather than a system call per name.
pub fn new_name() -> String {
    let bytes: [u8; 16] = rand::thread_rng().gen();
    // Encoded into a stack buffer: `to_string` would go through `fmt` and cost twice as much.
    let mut text = uuid::Uuid::encode_buffer();
    uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().encode_lower(&mut text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::new_name;

    #[test]
    fn execution_names_are_distinct_v4_uuids() {
        let (a, b) = (new_name(), new_name());
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }
}
