//! Workers: processes that link compiled workflows and serve them from the store.
//!
//! A worker claims RUNNING executions of the state machines it serves (a lease in the store,
//! renewed while it runs them), drives each one with a [`StoreJournal`], and records how it
//! ended. Executions another process started, and ones a dead worker left (its lease ran
//! out), are claimed the same way. A worker serves a registered state machine only when the
//! definition it was compiled from hashes the same as the registered one.

use crate::commit::Committer;
use crate::journal::{stored, Answers, StoreJournal};
use crate::pressure::Pressure;
use crate::store::{definition_hash, ExecutionEnd, ExecutionRecord, MachineType, Page, StateMachineRecord, Status, Store, StoreError};
use asl_runtime::durable::{BoxFuture, Journal};
use asl_runtime::items::{ItemSource, ResultSink};
use asl_runtime::{Clock, Env, Execution, Interruption, Machine, TaskHandler, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a claim lasts without renewal, by default: a worker that dies is replaced after this.
pub const LEASE: Duration = Duration::from_secs(10);
/// Express executions end after five minutes, as on AWS (Standard ones after a year).
pub const EXPRESS_LIMIT: Duration = Duration::from_secs(300);
/// How long after it ended an execution may be redriven (AWS's 14 days): retention keeps
/// what a redrive reads until then.
pub const REDRIVE_WINDOW: Duration = Duration::from_secs(14 * 24 * 3600);
/// How often a worker sweeps ended executions (when it keeps a retention), unless the last
/// sweep left more to do.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Executions forgotten per sweep: one short transaction, between two ticks.
const SWEEP_BATCH: usize = 200;

/// How long ended executions are kept ([`Worker::with_retention`]): their history for
/// `history` (AWS keeps it 90 days), what only a redrive reads (progress, effects, tokens) for
/// the redrive window ([`REDRIVE_WINDOW`]) or `history` if shorter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub history: Duration,
}

impl Default for Retention {
    /// AWS's: 90 days.
    fn default() -> Self {
        Retention { history: Duration::from_secs(90 * 24 * 3600) }
    }
}

/// Everything one execution's run needs from its worker.
#[derive(Clone)]
pub struct RunContext {
    pub store: Arc<dyn Store>,
    /// The executions' clock (Wait states, backoff, timeouts, the Context object's times).
    pub clock: asl_runtime::TokioClock,
    pub worker: String,
    pub answers: Arc<Answers>,
    /// How often a task-token wait looks for an answer sent from another process.
    pub poll: Duration,
    /// Where distributed Maps read items and write results (`None`: the runtime's default,
    /// local files in the working directory).
    pub items: Option<(Arc<dyn ItemSource>, Arc<dyn ResultSink>)>,
    /// The group commit of this worker's executions (`None`: each writes alone).
    pub committer: Option<Arc<Committer>>,
    /// Executions that wait (a task token, a long Wait or backoff) are parked in the store.
    pub parking: bool,
    /// How long the executions' writes take, which paces the worker's claims.
    pub pressure: Arc<Pressure>,
}

/// A compiled machine with its task handler, as a worker serves it.
trait Served: Send + Sync {
    /// Drives `record` (an execution of `machine`) until it ends or is lost.
    fn run(&self, ctx: RunContext, machine: StateMachineRecord, record: ExecutionRecord) -> BoxFuture<'static, ()>;
}

struct Compiled<M, H> {
    tasks: Arc<H>,
    _machine: std::marker::PhantomData<fn() -> M>,
}

impl<M: Machine + 'static, H: TaskHandler + 'static> Served for Compiled<M, H> {
    fn run(&self, ctx: RunContext, machine: StateMachineRecord, record: ExecutionRecord) -> BoxFuture<'static, ()> {
        let tasks = self.tasks.clone();
        Box::pin(async move {
            let (store, worker, arn) = (ctx.store.clone(), ctx.worker.clone(), record.arn.clone());
            match run_execution::<M, H>(ctx, machine, record, tasks).await {
                Ok(()) => {}
                // The store failed: the claim runs out and a worker tries again.
                Err(RunError::Store(e)) => eprintln!("asl worker: {e}"),
                // What cannot be read now will not be readable on the next claim either: the
                // execution fails, rather than being taken up again and again.
                Err(RunError::Unreadable(e)) => {
                    eprintln!("asl worker: {arn}: {e}");
                    let _ = fail_unrunnable(&*store, &worker, &arn, &e);
                }
            }
        })
    }
}

/// Why a run could not go on.
#[derive(Debug)]
pub enum RunError {
    /// The store failed; another attempt may succeed.
    Store(String),
    /// The stored input or checkpoint cannot be read (by this build): no attempt will succeed.
    Unreadable(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Store(e) | RunError::Unreadable(e) => f.write_str(e),
        }
    }
}

/// Runs one execution: resumes it from its last checkpoint (or starts it), drives it to its
/// end, and records the end, unless the journal was refused (the execution is no longer ours).
pub async fn run_execution<M: Machine, H: TaskHandler>(
    ctx: RunContext,
    machine: StateMachineRecord,
    record: ExecutionRecord,
    tasks: Arc<H>,
) -> Result<(), RunError> {
    let store_error = |e: crate::store::StoreError| RunError::Store(format!("{}: {e}", record.arn));
    let input: Value = serde_json::from_str(&record.input).map_err(|e| RunError::Unreadable(format!("the stored input is not JSON: {e}")))?;
    let standard = machine.machine_type == MachineType::Standard;
    let progress = match standard {
        true => ctx.store.progress(&record.arn, "").map_err(store_error)?,
        false => None,
    };
    let mut journal =
        StoreJournal::new(ctx.store.clone(), record.arn.clone(), ctx.worker.clone(), ctx.answers.clone(), ctx.poll)
            .grouped(ctx.committer.clone())
            .observed_by(ctx.pressure.clone())
            .parking(ctx.parking, record.start_date.checked_add_signed(chrono::Duration::days(365)));
    // A redriven execution may have no checkpoint yet its failed effects were forgotten, and
    // others kept: only a first run with no checkpoint can skip looking effects up.
    if progress.is_none() && record.redrive_count == 0 {
        journal = journal.starting_fresh();
    }
    let journal = Arc::new(journal);
    let mut env = Env::with_clock(tasks, ctx.clock.clone());
    if let Some((items, results)) = &ctx.items {
        (env.items, env.results) = (items.clone(), results.clone());
    }
    if standard {
        env = env.with_journal(journal.clone());
    }
    let mut exec: Execution<M::State> = match progress {
        Some(bytes) => asl_runtime::resume::<M>(&bytes)
            .map_err(|e| RunError::Unreadable(format!("the checkpoint is unreadable (written by another build?): {e}")))?,
        None => asl_runtime::start_registered::<M>(machine.name.clone(), record.name.clone(), input, record.start_date),
    };
    asl_runtime::enter_redrive::<M, _>(&mut exec, record.redrive_count, || ctx.store.last_event_id(&record.arn)).map_err(store_error)?;
    // AWS's limits on a whole execution: a year for Standard (from its start, whatever
    // restarts happened since), five minutes for Express (from this run: it keeps nothing).
    let limit = match standard {
        true => ((record.start_date + chrono::Duration::days(365)) - ctx.clock.now()).to_std().unwrap_or(Duration::ZERO),
        false => EXPRESS_LIMIT,
    };
    let ending = asl_runtime::run_to_end::<M, _, _>(&mut exec, &env, Some(limit)).await;
    let now = chrono::Utc::now();
    let ending = match ending {
        // Not ours any more: the execution's end is decided elsewhere.
        _ if journal.is_interrupted() => return Ok(()),
        asl_runtime::Ending::Interrupted(i) => match i.cause() {
            // Refused: whoever holds it carries on. Parked: it waits in the store, and a worker
            // resumes it when it wakes.
            Interruption::Refused | Interruption::Parked => return Ok(()),
            // No run will read it either: fail the execution rather than claim it forever.
            Interruption::Unreadable => return Err(RunError::Unreadable(i.reason().to_string())),
        },
        asl_runtime::Ending::Succeeded(output) => {
            ExecutionEnd { status: Status::Succeeded, output: Some(output.to_string()), error: None, cause: None, stop_date: now }
        }
        // A Fail state without Error ends the execution with no error name, as on AWS.
        asl_runtime::Ending::Failed(f) => {
            ExecutionEnd { status: Status::Failed, output: None, error: Some(f.error).filter(|e| !e.is_empty()), cause: f.cause, stop_date: now }
        }
        asl_runtime::Ending::TimedOut(f) => ExecutionEnd { status: Status::TimedOut, output: None, error: Some(f.error), cause: f.cause, stop_date: now },
    };
    let events = exec.take_history();
    let mut events: Vec<_> = events.iter().map(stored).collect();
    if standard && ending.status != Status::Succeeded {
        // A redrive may read the effects the run deferred (a branch's Task outcome, say). A
        // succeeded execution is never redriven: its deferred effects go unwritten.
        if journal.settle().await.is_err() {
            return Ok(());
        }
        // Where a redrive starts: the state that failed, as it was entered. Saved with the
        // events before it, so a crash before the end is recorded resumes there too.
        if let Some(point) = exec.redrive_point() {
            let bytes = serde_json::to_vec(&point).map_err(|e| RunError::Unreadable(e.to_string()))?;
            let later = events.iter().position(|e| e.id > point.last_event_id()).unwrap_or(events.len());
            let rest = events.split_off(later);
            match ctx.store.checkpoint(&record.arn, &ctx.worker, "", Some(&bytes), &events) {
                Ok(()) => events = rest,
                Err(crate::store::StoreError::LeaseLost(_)) => return Ok(()),
                Err(e) => return Err(store_error(e)),
            }
        }
    }
    match ctx.store.finish(&record.arn, Some(&ctx.worker), &ending, &events) {
        Ok(()) | Err(crate::store::StoreError::LeaseLost(_)) => Ok(()),
        Err(e) => Err(store_error(e)),
    }
}

/// A process serving compiled workflows from a store.
pub struct Worker {
    ctx: RunContext,
    /// Served machines by definition hash.
    served: HashMap<String, Arc<dyn Served>>,
    /// At most this many executions at once.
    concurrency: usize,
    lease: Duration,
    running: Arc<Mutex<HashMap<String, tokio::task::AbortHandle>>>,
    warned: Mutex<std::collections::HashSet<String>>,
    retention: Option<Retention>,
    /// When this worker sweeps next (see `sweep`); `None`: at once.
    next_sweep: Mutex<Option<std::time::Instant>>,
    /// When the leases of the running executions were last renewed (see `tick`).
    renewed: Mutex<Option<std::time::Instant>>,
    /// Claims made so far: whose turn it is to be served first (see `claim_fairly`).
    claims: std::sync::atomic::AtomicUsize,
}

impl Worker {
    /// A worker on `store`, named after the host and process (claims carry the name).
    pub fn new(store: Arc<dyn Store>) -> Self {
        let name = format!("{}-{}-{:08x}", hostname(), std::process::id(), rand_u32());
        Worker::named(store, name)
    }

    pub fn named(store: Arc<dyn Store>, name: impl Into<String>) -> Self {
        Worker {
            ctx: RunContext {
                committer: Some(Arc::new(Committer::new(store.clone()))),
                store,
                clock: asl_runtime::TokioClock::new(),
                worker: name.into(),
                answers: Arc::new(Answers::default()),
                poll: Duration::from_millis(200),
                items: None,
                parking: false,
                pressure: Arc::default(),
            },
            served: HashMap::new(),
            concurrency: 1000,
            lease: LEASE,
            running: Arc::default(),
            warned: Mutex::default(),
            retention: Some(Retention::default()),
            next_sweep: Mutex::default(),
            renewed: Mutex::default(),
            claims: Default::default(),
        }
    }

    /// Answers sent through an [`Engine`](crate::Engine) sharing these wake token waiters at once.
    pub fn answers(&self) -> Arc<Answers> {
        self.ctx.answers.clone()
    }

    /// Shares `answers` with an engine of this process.
    pub fn with_answers(mut self, answers: Arc<Answers>) -> Self {
        self.ctx.answers = answers;
        self
    }

    /// The clock executions run on (by default, tokio's, starting at the wall-clock time).
    pub fn with_clock(mut self, clock: asl_runtime::TokioClock) -> Self {
        self.ctx.clock = clock;
        self
    }

    /// How often token waits look at the store for answers from other processes.
    pub fn with_poll(mut self, poll: Duration) -> Self {
        self.ctx.poll = poll;
        self
    }

    /// How long a claim lasts unless renewed (a tick renews every fifth of it): the time a
    /// dead worker's executions wait before another worker takes them over.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Where distributed Maps read their items (ItemReader) and write their results
    /// (ResultWriter): S3 through asl-aws, say.
    pub fn with_items(mut self, items: Arc<dyn ItemSource>, results: Arc<dyn ResultSink>) -> Self {
        self.ctx.items = Some((items, results));
        self
    }

    /// Whether the executions' checkpoints and effects are committed together (on by
    /// default; see [`crate::commit`]) or each in a transaction of its own.
    pub fn with_group_commit(mut self, on: bool) -> Self {
        self.ctx.committer = on.then(|| Arc::new(Committer::new(self.ctx.store.clone())));
        self
    }

    /// Takes on fewer executions while the executions' writes take longer than `slow` on
    /// average (see [`crate::pressure`]; by default [`crate::pressure::SLOW_WRITES`]).
    pub fn with_slow_writes(mut self, slow: Duration) -> Self {
        self.ctx.pressure = Arc::new(Pressure::new(slow));
        self
    }

    /// Parks executions that wait (for a task token's answer, or a Wait state or Retry
    /// backoff of a second or more, at the top level of the execution): the run ends, the
    /// execution waits in the store with the time it wakes at, and an answer or that time
    /// wakes it for any worker to resume. The worker then holds no memory, no concurrency slot
    /// and no poll for it, whatever the number of waiting executions. Off by default: the
    /// store wakes executions by the wall clock, so a worker on a virtual clock (tokio's
    /// paused time, `asl test`) must keep its waits in memory.
    pub fn with_parking(mut self, on: bool) -> Self {
        self.ctx.parking = on;
        self
    }

    /// How long ended executions are kept (AWS's 90 days of history by default); `None`:
    /// forever. Every worker of a store sweeps now and then; sweeps are idempotent.
    pub fn with_retention(mut self, retention: Option<Retention>) -> Self {
        self.retention = retention;
        self
    }

    /// Forgets what ended executions no longer need (see [`Retention`]): one bounded batch,
    /// once a minute, or at once again while a backlog is left. [`run`](Self::run) calls it
    /// between ticks.
    pub fn sweep(&self) -> Result<crate::store::Swept, String> {
        let Some(retention) = self.retention else { return Ok(Default::default()) };
        let mut next = self.next_sweep.lock().unwrap_or_else(|p| p.into_inner());
        if next.is_some_and(|at| std::time::Instant::now() < at) {
            return Ok(Default::default());
        }
        *next = Some(std::time::Instant::now() + SWEEP_EVERY);
        let now = chrono::Utc::now();
        let ago = |d: Duration| chrono::Duration::from_std(d).ok().and_then(|d| now.checked_sub_signed(d));
        // A retention longer than the calendar keeps history for ever.
        let remove_before = ago(retention.history).unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        let compact_before = ago(REDRIVE_WINDOW.min(retention.history)).unwrap_or(remove_before);
        let swept = self.ctx.store.sweep(compact_before, remove_before, SWEEP_BATCH).map_err(|e| e.to_string())?;
        if swept.compacted == SWEEP_BATCH || swept.removed == SWEEP_BATCH {
            *next = None;
        }
        Ok(swept)
    }

    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    pub fn name(&self) -> &str {
        &self.ctx.worker
    }

    /// Serves every state machine registered with `M`'s definition, calling `tasks` for its
    /// Task states.
    pub fn serve<M: Machine + 'static, H: TaskHandler + 'static>(&mut self, tasks: H) -> &mut Self {
        let hash = definition_hash(M::DEFINITION).unwrap_or_default();
        self.served.insert(hash, Arc::new(Compiled::<M, H> { tasks: Arc::new(tasks), _machine: std::marker::PhantomData }));
        self
    }

    /// Warns once about each registered state machine whose current definition no served
    /// machine was compiled from (its executions wait for a worker that has it).
    fn warn_unserved(&self) -> Result<(), String> {
        let mut page = Page::default();
        loop {
            let machines = self.ctx.store.list_state_machines(&page).map_err(|e| e.to_string())?;
            for m in machines.items.iter().filter(|m| !self.served.contains_key(&m.definition_hash)) {
                let mut warned = self.warned.lock().unwrap_or_else(|p| p.into_inner());
                if warned.insert(m.name.clone()) {
                    eprintln!(
                        "asl worker {}: not serving state machine '{}': no workflow compiled into this worker has its definition (hash {})",
                        self.ctx.worker, m.name, &m.definition_hash[..12.min(m.definition_hash.len())]
                    );
                }
            }
            match machines.next_token {
                Some(t) => page.next_token = Some(t),
                None => return Ok(()),
            }
        }
    }

    /// One round: renews the leases of running executions when a fifth of the lease has
    /// passed since the last renewal (aborting the ones lost), claims new ones up to the
    /// limit the store's pace allows (at most the concurrency; see [`crate::pressure`]),
    /// shared out across the definitions served, and starts them. Returns how many it started.
    ///
    /// Not every tick renews: a renewal writes every running execution's row, and ticks come
    /// often (a worker claims at its ticks). A run that lost its execution between renewals
    /// learns it at its next checkpoint, which the store refuses.
    pub fn tick(&self) -> Result<usize, String> {
        let store = &self.ctx.store;
        let now = chrono::Utc::now();
        let lease = now + chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::seconds(10));
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.retain(|_, handle| !handle.is_finished());
        if !running.is_empty() && self.renewal_due() {
            let arns: Vec<String> = running.keys().cloned().collect();
            let held = store.renew(&self.ctx.worker, &arns, lease).map_err(|e| e.to_string())?;
            for arn in arns.iter().filter(|a| !held.contains(a)) {
                // Stopped, or taken over after our lease ran out: stop driving it here.
                if let Some(handle) = running.remove(arn) {
                    handle.abort();
                }
            }
        }
        let free = self.ctx.pressure.admit(self.concurrency).saturating_sub(running.len());
        if free == 0 {
            return Ok(0);
        }
        if self.served.is_empty() {
            return Ok(0);
        }
        self.warn_unserved()?;
        let claimed = self.claim_fairly(now, lease, free).map_err(|e| e.to_string())?;
        let mut started = 0;
        for record in claimed {
            let served = self.served.get(&record.definition_hash).cloned();
            let machine = store.state_machine(&record.state_machine_name).map_err(|e| e.to_string())?;
            let (Some(served), Some(machine)) = (served, machine) else {
                let _ = store.release(&self.ctx.worker, &record.arn);
                continue;
            };
            let arn = record.arn.clone();
            let task = tokio::spawn(served.run(self.ctx.clone(), machine, record));
            running.insert(arn, task.abort_handle());
            started += 1;
        }
        Ok(started)
    }

    /// Claims up to `free` executions, shared out evenly across the definitions served, each
    /// share oldest first: a definition with a backlog does not starve the others. What a
    /// definition leaves of its share goes to those that filled theirs, in a second claim.
    /// The definition served first turns with every claim, so that the remainder of the
    /// division goes round too. By definition, not by machine: an execution runs the
    /// definition it started with, whatever UpdateStateMachine did to its machine since.
    fn claim_fairly(&self, now: chrono::DateTime<chrono::Utc>, lease: chrono::DateTime<chrono::Utc>, free: usize) -> Result<Vec<ExecutionRecord>, StoreError> {
        let (store, worker) = (&self.ctx.store, &self.ctx.worker);
        let mut definitions: Vec<String> = self.served.keys().cloned().collect();
        if definitions.len() == 1 {
            return store.claim(worker, &definitions, now, lease, free);
        }
        definitions.sort();
        let turn = self.claims.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % definitions.len();
        definitions.rotate_left(turn);
        let share = free.div_ceil(definitions.len());
        let mut claimed = Vec::new();
        let mut filled = Vec::new();
        for definition in definitions {
            let wanted = share.min(free - claimed.len());
            if wanted == 0 {
                break;
            }
            let got = store.claim(worker, std::slice::from_ref(&definition), now, lease, wanted)?;
            if got.len() == wanted {
                filled.push(definition);
            }
            claimed.extend(got);
        }
        let left = free - claimed.len();
        if left > 0 && !filled.is_empty() {
            claimed.extend(store.claim(worker, &filled, now, lease, left)?);
        }
        Ok(claimed)
    }

    /// Whether the leases are due for renewal (a fifth of the lease since the last), noting
    /// the renewal if so.
    fn renewal_due(&self) -> bool {
        let mut renewed = self.renewed.lock().unwrap_or_else(|p| p.into_inner());
        let now = std::time::Instant::now();
        let due = renewed.is_none_or(|at| now.duration_since(at) >= self.lease / 5);
        if due {
            *renewed = Some(now);
        }
        due
    }

    /// How many executions this worker admits now: its concurrency, or less while the store
    /// is slow (see [`crate::pressure`]).
    pub fn admitted(&self) -> usize {
        self.ctx.pressure.limit().min(self.concurrency)
    }

    /// How many executions this worker is running now.
    pub fn in_flight(&self) -> usize {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        running.retain(|_, handle| !handle.is_finished());
        running.len()
    }

    /// Serves until `shutdown` completes: a tick every `every`, then releases what it holds.
    pub async fn run(&self, every: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.tick() {
                eprintln!("asl worker {}: {e}", self.ctx.worker);
            }
            // Housekeeping after the tick, whose leases are fresh: a sweep that fails is said and
            // tried again next minute.
            if let Err(e) = self.sweep() {
                eprintln!("asl worker {}: retention sweep: {e}", self.ctx.worker);
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(every) => {}
            }
        }
        let running: Vec<(String, tokio::task::AbortHandle)> =
            self.running.lock().unwrap_or_else(|p| p.into_inner()).drain().collect();
        for (arn, handle) in running {
            handle.abort();
            let _ = self.ctx.store.release(&self.ctx.worker, &arn);
        }
    }

    /// Drops every run at once and keeps the claims, as a killed process would (its leases
    /// then run out and another worker takes the executions over): for recovery tests.
    pub fn abandon(&self) {
        for (_, handle) in self.running.lock().unwrap_or_else(|p| p.into_inner()).drain() {
            handle.abort();
        }
    }

    /// Runs until no execution this worker could claim is left and none is in flight: for
    /// tests and one-shot commands. Executions waiting for a task token keep it busy.
    pub async fn run_until_idle(&self, every: Duration) -> Result<(), String> {
        loop {
            let started = self.tick()?;
            if started == 0 && self.in_flight() == 0 {
                return Ok(());
            }
            tokio::time::sleep(every).await;
        }
    }
}

/// Ends `arn`, an execution that no worker can run (its stored input or checkpoint is
/// unreadable, its definition does not compile, the worker that would run it does not build),
/// as FAILED with `States.Runtime` and `cause`, recording AWS's ExecutionFailed event.
/// `worker` must hold its claim.
pub fn fail_unrunnable(store: &dyn Store, worker: &str, arn: &str, cause: &str) -> Result<(), crate::store::StoreError> {
    let now = chrono::Utc::now();
    let error = asl_runtime::error::names::RUNTIME;
    let event = crate::store::failed_event(store.last_event_id(arn)? + 1, error, cause, now);
    let ending = ExecutionEnd { status: Status::Failed, output: None, error: Some(error.to_string()), cause: Some(cause.to_string()), stop_date: now };
    store.finish(arn, Some(worker), &ending, &[event])
}

fn hostname() -> String {
    std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty()).unwrap_or_else(|| "worker".into())
}

fn rand_u32() -> u32 {
    let name = asl_runtime::execution::new_name();
    u32::from_str_radix(&name[..8], 16).unwrap_or(0)
}
