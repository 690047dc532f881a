//! Where durable executions live: state machines, executions, their history, their progress
//! (checkpoints), the results of effects already performed, and task tokens.
//!
//! One trait, [`Store`], with an embedded SQLite implementation ([`SqliteStore`], the default:
//! no server, and several processes may open the same file), a PostgreSQL one
//! ([`PostgresStore`], when workers on several hosts share one database) and an in-memory one
//! ([`MemoryStore`], for tests and Express executions). A [`Location`] is what the user names
//! (`--store`, `ASL_STORE`): a file or a database URL. Methods are synchronous: every call is one short
//! transaction.

mod common;
mod location;
mod memory;
mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

pub use common::{failed_event, qualified_arn};
pub use memory::MemoryStore;
pub use location::Location;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

pub use asl_runtime::durable::{MapRunReport, MapRunSettings, MapRunStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Standard (durable, exactly-once, full history) or Express (in memory, at-least-once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MachineType {
    Standard,
    Express,
}

impl MachineType {
    pub fn as_str(self) -> &'static str {
        match self {
            MachineType::Standard => "STANDARD",
            MachineType::Express => "EXPRESS",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "STANDARD" => Some(MachineType::Standard),
            "EXPRESS" => Some(MachineType::Express),
            _ => None,
        }
    }
}

/// Whether a state machine can be used (ACTIVE), or was deleted while executions of it still
/// ran (DELETING: they may finish, nothing new starts; the machine goes with the last of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MachineStatus {
    #[default]
    Active,
    Deleting,
}

impl MachineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MachineStatus::Active => "ACTIVE",
            MachineStatus::Deleting => "DELETING",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ACTIVE" => Some(MachineStatus::Active),
            "DELETING" => Some(MachineStatus::Deleting),
            _ => None,
        }
    }
}

/// A registered state machine (CreateStateMachine).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateMachineRecord {
    pub name: String,
    pub arn: String,
    /// The definition text as given.
    pub definition: String,
    /// `definition_hash(definition)`: a worker serves the machine only when its compiled
    /// definition has the same hash.
    pub definition_hash: String,
    pub machine_type: MachineType,
    pub role_arn: String,
    pub creation_date: DateTime<Utc>,
    /// The last UpdateStateMachine; `None` until there is one.
    #[serde(default)]
    pub update_date: Option<DateTime<Utc>>,
    #[serde(default)]
    pub status: MachineStatus,
    /// Names the machine's configuration (definition and role) as it is: a new one with each
    /// UpdateStateMachine. A version records the revision it was published from, which makes
    /// PublishStateMachineVersion idempotent and lets it refuse a stale `revisionId`.
    #[serde(default)]
    pub revision_id: String,
}

/// A distributed Map's Map Run, as its execution last reported it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapRunRecord {
    pub execution_arn: String,
    pub report: MapRunReport,
}



/// What UpdateStateMachine changes: the definition (with its hash) and/or the role, under a
/// new revision.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineUpdate {
    pub definition: Option<(String, String)>,
    pub role_arn: Option<String>,
    pub update_date: DateTime<Utc>,
    pub revision_id: String,
}

/// A published version of a state machine (PublishStateMachineVersion): the definition and
/// role as they were, never changed afterwards. Numbered 1, 2, … per machine; a number is never
/// given twice, even after its version is deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRecord {
    pub machine: String,
    pub number: u32,
    /// `<state machine arn>:<number>`.
    pub arn: String,
    pub definition: String,
    pub definition_hash: String,
    pub role_arn: String,
    pub description: Option<String>,
    /// The machine's revision it was published from.
    pub revision_id: String,
    pub creation_date: DateTime<Utc>,
}

/// One route of an alias: the share of its executions (0–100) that run `version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    pub version: u32,
    pub weight: u8,
}

/// A state machine alias (CreateStateMachineAlias): a name whose executions run one or two of
/// the machine's versions, by weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AliasRecord {
    pub machine: String,
    pub name: String,
    /// `<state machine arn>:<name>`.
    pub arn: String,
    pub description: Option<String>,
    pub routing: Vec<Route>,
    pub creation_date: DateTime<Utc>,
    pub update_date: Option<DateTime<Utc>>,
}

/// What UpdateStateMachineAlias changes.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasUpdate {
    pub description: Option<String>,
    pub routing: Option<Vec<Route>>,
    pub update_date: DateTime<Utc>,
}

/// AWS's quotas: published versions per state machine, aliases per state machine.
pub const MAX_VERSIONS: usize = 1000;
pub const MAX_ALIASES: usize = 100;

/// A registered activity (CreateActivity): Task states whose Resource is its ARN wait for a
/// worker of the user's to fetch the task with GetActivityTask.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityRecord {
    pub name: String,
    /// `arn:aws:states:<region>:<account>:activity:<name>`.
    pub arn: String,
    pub creation_date: DateTime<Utc>,
}

/// An execution's status, as AWS names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "RUNNING" => Status::Running,
            "SUCCEEDED" => Status::Succeeded,
            "FAILED" => Status::Failed,
            "TIMED_OUT" => Status::TimedOut,
            "ABORTED" => Status::Aborted,
            _ => return None,
        })
    }
}

/// One execution (StartExecution / DescribeExecution).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionRecord {
    /// `arn:aws:states:<region>:<account>:execution:<machine>:<name>`.
    pub arn: String,
    pub state_machine_name: String,
    pub name: String,
    pub status: Status,
    /// JSON text.
    pub input: String,
    /// JSON text, when SUCCEEDED.
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub start_date: DateTime<Utc>,
    pub stop_date: Option<DateTime<Utc>>,
    pub redrive_count: u32,
    /// The worker running it, and until when its claim holds; `None` when unclaimed.
    pub owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    /// The mock test case chosen at start (`StartExecution` with `<stateMachineArn>#<TestCase>`,
    /// Step Functions Local's convention), for a worker that serves mocked integrations.
    #[serde(default)]
    pub test_case: Option<String>,
    /// The hash of the definition the execution runs: its machine's when it started, which
    /// the store writes then (whatever the record passed in says). An UpdateStateMachine does
    /// not change it: as on AWS, a running execution finishes with the definition it began.
    #[serde(default)]
    pub definition_hash: String,
    /// The version it runs, when started through a version's or an alias's ARN.
    #[serde(default)]
    pub version: Option<u32>,
    /// The alias it was started through.
    #[serde(default)]
    pub alias: Option<String>,
    /// Parked ([`Store::park`]): no worker claims it before this time, unless an answer to
    /// the token it waits for wakes it first. `None`: not parked.
    #[serde(default)]
    pub wake_at: Option<DateTime<Utc>>,
}

/// Which executions ListExecutions lists: of one machine (or all), started through one
/// version or alias (or any), in one status (or any), redriven or not (or either).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ExecutionFilter<'a> {
    pub machine: Option<&'a str>,
    pub qualifier: Option<Qualifier<'a>>,
    pub status: Option<Status>,
    /// `Some(true)`: only executions redriven at least once; `Some(false)`: only the others.
    pub redriven: Option<bool>,
}

/// What qualifies a state machine ARN: `:<number>` names a version, any other `:<name>` an
/// alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier<'a> {
    Version(u32),
    Alias(&'a str),
}

/// One history event, in the shape GetExecutionHistory returns it:
/// `{"timestamp", "type", "id", "previousEventId", "<kind>EventDetails": {...}}`, as JSON text:
/// written once by whoever recorded the event, kept and handed back as it is (a worker writes
/// every event it records; only a history read needs the tree).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: u64,
    /// The whole event as JSON text.
    pub json: String,
}

impl StoredEvent {
    pub fn new(id: u64, event: &Value) -> Self {
        StoredEvent { id, json: event.to_string() }
    }

    /// The event as JSON. Text that is not JSON (a damaged store) is an error naming it.
    pub fn event(&self) -> Result<Value> {
        serde_json::from_str(&self.json).map_err(|e| StoreError::Backend(format!("history event {} is not JSON: {e}", self.id)))
    }
}

/// How an execution ended (for [`Store::finish`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionEnd {
    pub status: Status,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub stop_date: DateTime<Utc>,
}

/// A task token handed out by a `.waitForTaskToken` Task or an activity, and what was sent
/// back for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub token: String,
    pub execution_arn: String,
    /// The Task state that issued it.
    pub state: String,
    /// For activities: the activity ARN whose workers may fetch it; `None` for callbacks.
    pub activity_arn: Option<String>,
    /// The task's input (JSON text), for GetActivityTask.
    pub input: String,
    /// `None` while open.
    pub outcome: Option<TokenOutcome>,
    pub last_heartbeat: Option<DateTime<Utc>>,
    /// How many SendTaskHeartbeat calls it has had.
    #[serde(default)]
    pub heartbeats: u64,
    /// For activities: set when a worker fetched the task.
    pub taken: bool,
    /// For activities: the name the worker that fetched the task gave (GetActivityTask's
    /// `workerName`), which the ActivityStarted event shows.
    #[serde(default)]
    pub worker_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TokenOutcome {
    /// SendTaskSuccess: the output, as JSON text.
    Success(String),
    /// SendTaskFailure.
    Failure { error: Option<String>, cause: Option<String> },
}

/// Paging, as AWS's list calls take it.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// At most this many (0: the store's default of 100).
    pub max_results: usize,
    /// The `next_token` a previous page returned.
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum StoreError {
    /// A state machine of that name exists with another definition or type.
    #[error("State Machine Already Exists: '{0}'")]
    StateMachineAlreadyExists(String),
    #[error("State Machine Does Not Exist: '{0}'")]
    StateMachineDoesNotExist(String),
    /// The machine is DELETING: executions of it may finish, nothing else happens to it.
    #[error("State machine is being deleted: '{0}'")]
    StateMachineDeleting(String),
    /// A version or alias that does not exist (AWS's ResourceNotFound).
    #[error("Resource not found: '{0}'")]
    ResourceNotFound(String),
    /// The change contradicts what is there (AWS's ConflictException): an alias of that name
    /// with other routes, a version an alias still routes to, a stale revision.
    #[error("{0}")]
    Conflict(String),
    /// Past one of AWS's quotas ([`MAX_VERSIONS`], [`MAX_ALIASES`]).
    #[error("{0}")]
    QuotaExceeded(String),
    /// More than [`MAX_TAGS`] tags on one resource.
    #[error("Too many tags: a resource has at most 50 tags: '{0}'")]
    TooManyTags(String),
    /// An execution of that name exists, and it is not the same running execution.
    #[error("Execution Already Exists: '{0}'")]
    ExecutionAlreadyExists(String),
    #[error("Execution Does Not Exist: '{0}'")]
    ExecutionDoesNotExist(String),
    /// No activity has that ARN.
    #[error("Activity Does Not Exist: '{0}'")]
    ActivityDoesNotExist(String),
    /// The token was never issued (or is malformed).
    #[error("Provided task does not exist")]
    TaskDoesNotExist,
    /// The token was already answered, or its execution has ended.
    #[error("Task Timed Out: 'Provided task does not exist anymore'")]
    TaskTimedOut,
    /// The caller no longer holds the execution (another worker claimed it, or it ended).
    #[error("the execution '{0}' is no longer held by this worker")]
    LeaseLost(String),
    /// The execution is not in a state that allows the call (e.g. redrive of a running one).
    #[error("{0}")]
    InvalidState(String),
    #[error("invalid paging token")]
    InvalidToken,
    /// The database failed (I/O, corruption, a lock held too long).
    #[error("store: {0}")]
    Backend(String),
    /// No store at this path, and the caller asked not to create one.
    #[error("the store {0} does not exist")]
    Missing(String),
    /// The file is not one (another program's database, not a database, a directory, a
    /// read-only file).
    #[error("{0}")]
    NotAStore(String),
    /// The store lost its write-ahead log or has damaged pages: nothing is written into it.
    #[error("{0}")]
    Damaged(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What [`Store::start_execution`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    pub record: ExecutionRecord,
    /// False when an execution of that name and input was already running: AWS answers with
    /// the existing execution (StartExecution is idempotent for Standard machines).
    pub created: bool,
}

/// One write of a group commit ([`Store::commit`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// As [`Store::checkpoint`].
    Checkpoint { arn: String, worker: String, place: String, progress: Option<Vec<u8>>, events: Vec<StoredEvent> },
    /// As [`Store::record_effect`].
    Effect { arn: String, key: String, value: String },
}

/// What a write of a group commit answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    Checkpointed,
    /// The value kept under the effect's key (the first one written).
    Effect(String),
}

/// What a retention sweep ([`Store::sweep`]) forgot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Ended executions whose progress, recorded effects and tokens were removed.
    pub compacted: usize,
    /// Ended executions removed altogether, with their history.
    pub removed: usize,
}

/// The execution store. Every method is one atomic transaction.
pub trait Store: Send + Sync + 'static {
    // ---- state machines
    /// Registers a machine. The same name with the same definition and type returns the
    /// existing record (AWS's idempotent CreateStateMachine); another definition or type is
    /// `StateMachineAlreadyExists`; a DELETING one is `StateMachineDeleting`.
    fn create_state_machine(&self, machine: StateMachineRecord) -> Result<StateMachineRecord>;
    fn state_machine(&self, name: &str) -> Result<Option<StateMachineRecord>>;
    /// All machines, by name.
    fn list_state_machines(&self, page: &Page) -> Result<Paged<StateMachineRecord>>;
    /// UpdateStateMachine: replaces what `update` gives and sets the update date. An ACTIVE
    /// machine only: `StateMachineDoesNotExist`, `StateMachineDeleting` otherwise.
    fn update_state_machine(&self, name: &str, update: &MachineUpdate) -> Result<StateMachineRecord>;
    /// DeleteStateMachine: removes the machine and its tags, or, while executions of it are
    /// RUNNING, marks it DELETING; the last of them to end (finish, stop) removes it. A machine
    /// that does not exist is no error (AWS's delete is idempotent).
    fn delete_state_machine(&self, name: &str) -> Result<()>;

    // ---- versions and aliases (of ACTIVE machines; they go with their machine)
    /// PublishStateMachineVersion: the machine's definition and role as its next version. A
    /// version already published from the current revision is returned instead (AWS's
    /// idempotency); a `revision` that is not the current one is `Conflict`; past
    /// [`MAX_VERSIONS`], `QuotaExceeded`.
    fn publish_version(&self, machine: &str, revision: Option<&str>, description: Option<&str>, now: DateTime<Utc>) -> Result<VersionRecord>;
    fn version(&self, machine: &str, number: u32) -> Result<Option<VersionRecord>>;
    /// A machine's versions, newest first.
    fn list_versions(&self, machine: &str, page: &Page) -> Result<Paged<VersionRecord>>;
    /// Every version of every machine, as (machine, number, definition hash): what workers
    /// must be ready to run.
    fn published_definitions(&self) -> Result<Vec<(String, u32, String)>>;
    /// DeleteStateMachineVersion: `Conflict` while an alias routes to it; one that does not
    /// exist is no error. Executions running it carry on.
    fn delete_version(&self, machine: &str, number: u32) -> Result<()>;
    /// CreateStateMachineAlias: the same name with the same description and routes returns
    /// the existing alias; with others, `Conflict`. Every routed version must exist
    /// (`ResourceNotFound`); past [`MAX_ALIASES`], `QuotaExceeded`.
    fn create_alias(&self, alias: AliasRecord) -> Result<AliasRecord>;
    /// UpdateStateMachineAlias (`ResourceNotFound` for an alias or routed version that does
    /// not exist).
    fn update_alias(&self, machine: &str, name: &str, update: &AliasUpdate) -> Result<AliasRecord>;
    fn alias(&self, machine: &str, name: &str) -> Result<Option<AliasRecord>>;
    /// A machine's aliases, by name; with `version`, only those that route to it.
    fn list_aliases(&self, machine: &str, version: Option<u32>, page: &Page) -> Result<Paged<AliasRecord>>;
    /// DeleteStateMachineAlias (`ResourceNotFound` when there is none).
    fn delete_alias(&self, machine: &str, name: &str) -> Result<()>;

    // ---- executions
    /// Inserts a RUNNING execution with its first history events (ExecutionStarted). If one of
    /// that machine and name exists: RUNNING with the same input → `created: false` and the
    /// existing record; otherwise `ExecutionAlreadyExists`. The machine must exist and be
    /// ACTIVE (`StateMachineDeleting` otherwise); with `record.version`, that version must
    /// exist (`StateMachineDoesNotExist`), and its definition is the one the execution runs.
    fn start_execution(&self, record: ExecutionRecord, events: &[StoredEvent]) -> Result<Started>;
    fn execution(&self, arn: &str) -> Result<Option<ExecutionRecord>>;
    /// Newest first (by start date, then name), optionally only one machine and one status.
    fn list_executions(&self, machine: Option<&str>, status: Option<Status>, page: &Page) -> Result<Paged<ExecutionRecord>> {
        self.list_executions_where(&ExecutionFilter { machine, status, ..ExecutionFilter::default() }, page)
    }
    /// Newest first (by start date, then name), those `filter` keeps.
    fn list_executions_where(&self, filter: &ExecutionFilter<'_>, page: &Page) -> Result<Paged<ExecutionRecord>>;

    /// Claims up to `limit` RUNNING executions of the given definitions (by definition hash,
    /// [`ExecutionRecord::definition_hash`]) that nobody holds (no owner, or a lease that
    /// ended before `now`) and that are not parked past `now`: sets their owner to `worker`
    /// and their lease to `lease_until`, wakes them, and returns them. Two workers never get
    /// the same execution.
    fn claim(&self, worker: &str, definitions: &[String], now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: usize) -> Result<Vec<ExecutionRecord>>;
    /// The definition hashes of the RUNNING executions, each once: what workers must serve,
    /// besides the machines' current definitions.
    fn running_definitions(&self) -> Result<Vec<String>>;
    /// Extends the lease of the executions `worker` still holds and that are still RUNNING;
    /// returns those arns (an execution missing from the answer was lost: stopped, or claimed
    /// by another worker after the lease ran out).
    fn renew(&self, worker: &str, arns: &[String], lease_until: DateTime<Utc>) -> Result<Vec<String>>;
    /// Gives up the claim (the worker shuts down cleanly); the execution stays RUNNING.
    fn release(&self, worker: &str, arn: &str) -> Result<()>;
    /// Parks an execution `worker` holds (`LeaseLost` otherwise) while it waits: gives up the
    /// claim, and no worker claims it before `wake` ([`ExecutionRecord::wake_at`]) unless
    /// `token` is answered first, which wakes it ([`answer_token`](Self::answer_token)).
    /// Answers false and changes nothing when `token` is answered (or closed) already: the
    /// run goes on with the answer.
    fn park(&self, arn: &str, worker: &str, token: Option<&str>, wake: DateTime<Utc>) -> Result<bool>;

    /// Atomically: checks that `worker` holds `arn` and that it is RUNNING (else `LeaseLost`),
    /// stores `progress` (if given) under (`arn`, `place`) replacing what was there, and appends `events`
    /// to the history (an event whose id is already there is ignored: replays are harmless).
    /// `place` is "" for the execution itself, the child path for a Map iteration or a
    /// Parallel branch.
    fn checkpoint(&self, arn: &str, worker: &str, place: &str, progress: Option<&[u8]>, events: &[StoredEvent]) -> Result<()>;
    /// The last progress stored under (`arn`, `place`).
    fn progress(&self, arn: &str, place: &str) -> Result<Option<Vec<u8>>>;

    /// Atomically: checks as `checkpoint` does (`worker: None` skips the owner check, for
    /// Express or administrative ends), sets the ending, clears the claim, closes the
    /// execution's open tokens, appends `events`.
    fn finish(&self, arn: &str, worker: Option<&str>, ending: &ExecutionEnd, events: &[StoredEvent]) -> Result<()>;
    /// StopExecution: a RUNNING execution becomes ABORTED with `error`/`cause`; an
    /// ExecutionAborted event is appended with the next id (the store sets `id` and
    /// `previousEventId` in the event JSON). Not RUNNING: no change, Ok(false).
    fn stop_execution(&self, arn: &str, error: Option<&str>, cause: Option<&str>, now: DateTime<Utc>) -> Result<bool>;
    /// RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution becomes RUNNING again, its
    /// `redrive_count` one more, its stop date, output, error and cause cleared, unclaimed, with
    /// an ExecutionRedriven event appended (next id). Progress is kept: the worker carries on
    /// from the last checkpoint. Other statuses: `InvalidState`.
    fn redrive_execution(&self, arn: &str, now: DateTime<Utc>) -> Result<ExecutionRecord>;

    /// History in id order (`reverse`: newest first), paged.
    fn history(&self, arn: &str, reverse: bool, page: &Page) -> Result<Paged<StoredEvent>>;
    /// The id of the last event of `arn` (0 when none).
    fn last_event_id(&self, arn: &str) -> Result<u64>;

    /// Group commit: the checkpoints and effects of many executions in one transaction, in
    /// order, each checked and answered as its own method would (a checkpoint of an execution
    /// the worker no longer holds answers `LeaseLost` and writes nothing, and the others go on).
    /// A failure of the database fails them all and writes none (the outer `Err`). The default
    /// makes each write on its own, for stores where a transaction costs nothing.
    fn commit(&self, writes: &[Write]) -> Result<Vec<Result<Written>>> {
        Ok(writes
            .iter()
            .map(|w| match w {
                Write::Checkpoint { arn, worker, place, progress, events } => {
                    self.checkpoint(arn, worker, place, progress.as_deref(), events).map(|()| Written::Checkpointed)
                }
                Write::Effect { arn, key, value } => self.record_effect(arn, key, value).map(Written::Effect),
            })
            .collect())
    }

    /// Retention: forgets what ended executions no longer need. Of those that ended before
    /// `compact_before` (past AWS's redrive window), the progress, the recorded effects and the
    /// task tokens, which only a redrive reads; of those that ended before `remove_before`
    /// (AWS keeps history 90 days), everything: the execution, its history, its Map Runs. At
    /// most `limit` executions of each kind per call, so that no sweep holds the store long.
    fn sweep(&self, compact_before: DateTime<Utc>, remove_before: DateTime<Utc>, limit: usize) -> Result<Swept>;

    // ---- effects already performed (task results, timer deadlines, children's outcomes)
    /// Records `value` under (`arn`, `key`) unless something is there already; returns what is
    /// stored afterwards (the first value written wins).
    fn record_effect(&self, arn: &str, key: &str, value: &str) -> Result<String>;
    fn effect(&self, arn: &str, key: &str) -> Result<Option<String>>;

    // ---- Map Runs (reported by the executions that run them)
    /// Keeps the report `worker` makes of a Map Run of an execution it holds (`LeaseLost`
    /// otherwise), replacing what was kept under its ARN but for the start date (a resumed run
    /// reports anew) and the settings (MaxConcurrency, tolerated failures): those kept win,
    /// since UpdateMapRun may have changed them, and are answered when they differ.
    fn put_map_run(&self, worker: &str, record: &MapRunRecord) -> Result<Option<MapRunSettings>>;
    /// UpdateMapRun: new settings for the Map Run `arn` (`ResourceNotFound` when there is none).
    fn update_map_run(&self, arn: &str, settings: &MapRunSettings) -> Result<()>;
    fn map_run(&self, arn: &str) -> Result<Option<MapRunRecord>>;
    /// An execution's Map Runs, oldest first. (A run still RUNNING when its execution ends,
    /// finishes or is stopped, ends with it: ABORTED, or FAILED when the execution failed.)
    fn list_map_runs(&self, execution_arn: &str, page: &Page) -> Result<Paged<MapRunRecord>>;

    // ---- activities
    /// Registers an activity; the same name again returns the existing record (AWS's
    /// CreateActivity is idempotent on the name). A new name with an ARN another activity has
    /// is `InvalidState`, and nothing is written.
    fn create_activity(&self, activity: ActivityRecord) -> Result<ActivityRecord>;
    fn activity(&self, arn: &str) -> Result<Option<ActivityRecord>>;
    /// All activities, by name.
    fn list_activities(&self, page: &Page) -> Result<Paged<ActivityRecord>>;
    /// Removes the activity (`ActivityDoesNotExist` if there is none). Tasks already waiting
    /// on it keep their tokens.
    fn delete_activity(&self, arn: &str) -> Result<()>;

    // ---- task tokens
    /// Issues a token (idempotent: the same token again changes nothing).
    fn issue_token(&self, token: &TokenRecord) -> Result<()>;
    fn token(&self, token: &str) -> Result<Option<TokenRecord>>;
    /// The tokens of `execution_arn` still waiting for an answer (unanswered and not closed),
    /// oldest first: what the console offers to answer.
    fn open_tokens(&self, execution_arn: &str) -> Result<Vec<TokenRecord>>;
    /// SendTaskSuccess / SendTaskFailure: `TaskDoesNotExist` for a token never issued,
    /// `TaskTimedOut` for one already answered or whose execution is no longer RUNNING. Wakes
    /// the execution if it is parked.
    fn answer_token(&self, token: &str, outcome: TokenOutcome) -> Result<()>;
    /// Closes a token whose wait ended without an answer (a later answer gets `TaskTimedOut`)
    /// and returns `None`; if it was answered first, returns that answer and changes nothing.
    /// `TaskDoesNotExist` for a token never issued.
    fn close_token(&self, token: &str) -> Result<Option<TokenOutcome>>;
    /// SendTaskHeartbeat: same errors as `answer_token`; records `now` and counts it.
    fn heartbeat_token(&self, token: &str, now: DateTime<Utc>) -> Result<()>;
    /// GetActivityTask: takes the oldest open, untaken token of `activity_arn`, marking it taken
    /// by `worker_name`.
    fn take_activity_task(&self, activity_arn: &str, worker_name: Option<&str>) -> Result<Option<TokenRecord>>;

    // ---- tags (of state machines and activities, by their ARN; the caller checks it exists)
    /// TagResource: adds or replaces `tags`; more than [`MAX_TAGS`] afterwards is
    /// `TooManyTags`, and nothing is written.
    fn tag_resource(&self, arn: &str, tags: &[Tag]) -> Result<()>;
    /// UntagResource: removes the tags with these keys (absent keys are no error).
    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<()>;
    /// ListTagsForResource: by key.
    fn tags(&self, arn: &str) -> Result<Vec<Tag>>;
}

/// AWS's limit of tags on one resource.
pub const MAX_TAGS: usize = 50;

/// A tag of a state machine or an activity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// The hash a state machine's definition is known by: SHA-256 of its JSON with object keys
/// sorted and no whitespace, so formatting and key order do not matter.
pub fn definition_hash(definition: &str) -> Result<String, serde_json::Error> {
    use sha2::{Digest, Sha256};
    let value: Value = serde_json::from_str(definition)?;
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    let digest = Sha256::digest(canonical.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
