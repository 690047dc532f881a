//! The control API, shaped like AWS's (`aws stepfunctions …`): requests take what the AWS CLI
//! takes, answers serialize to the JSON the AWS CLI prints, and errors carry AWS's error codes.
//! State machines, executions, tokens and activities here; `manage.rs` updates and deletes
//! state machines, tags resources and validates definitions; `versions.rs` publishes versions
//! and routes aliases; `map_runs.rs` describes the Map Runs executions report;
//! `test_state.rs` turns a TestState request into a machine to run and its history into the
//! answer.

mod manage;
mod map_runs;
pub mod test_state;
mod versions;
pub use manage::Severity;
pub use versions::Routing;

use crate::arn;
use crate::journal::{stored, Answers};
use crate::store::{
    definition_hash, qualified_arn, ActivityRecord, ExecutionFilter, ExecutionRecord, MachineStatus, MachineType, Page, Paged, Qualifier, StateMachineRecord,
    Status, Store, StoreError, StoredEvent, TokenOutcome, VersionRecord,
};
use asl_runtime::context::{activity_arn, execution_arn, local_activity_arn, role_arn, state_machine_arn};
use asl_runtime::history::HistoryEvent;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// AWS redrives an execution at most this many times.
pub const MAX_REDRIVES: u32 = 1000;
/// An API error as AWS reports it: a code (`ExecutionDoesNotExist`) and a message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::StateMachineAlreadyExists(_) => "StateMachineAlreadyExists",
            StoreError::StateMachineDoesNotExist(_) => "StateMachineDoesNotExist",
            StoreError::StateMachineDeleting(_) => "StateMachineDeleting",
            StoreError::ResourceNotFound(_) => "ResourceNotFound",
            StoreError::Conflict(_) => "ConflictException",
            StoreError::QuotaExceeded(_) => "ServiceQuotaExceededException",
            StoreError::TooManyTags(_) => "TooManyTags",
            StoreError::ExecutionAlreadyExists(_) => "ExecutionAlreadyExists",
            StoreError::ExecutionDoesNotExist(_) => "ExecutionDoesNotExist",
            StoreError::ActivityDoesNotExist(_) => "ActivityDoesNotExist",
            StoreError::TaskDoesNotExist => "TaskDoesNotExist",
            StoreError::TaskTimedOut => "TaskTimedOut",
            StoreError::InvalidToken => "InvalidToken",
            StoreError::InvalidState(_) => "ExecutionNotRedrivable",
            StoreError::LeaseLost(_) | StoreError::Backend(_) | StoreError::Missing(_) | StoreError::NotAStore(_) | StoreError::Damaged(_) => "InternalError",
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<arn::InvalidArn> for ApiError {
    fn from(e: arn::InvalidArn) -> Self {
        ApiError::new("InvalidArn", e.to_string())
    }
}

pub type ApiResult<T = Value> = Result<T, ApiError>;

/// The control API over a store.
#[derive(Clone)]
pub struct Engine {
    store: Arc<dyn Store>,
    answers: Arc<Answers>,
    /// The time the engine stamps (start, stop, heartbeat, creation dates): the system's, or
    /// the clock a test shares with its workers.
    now: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
}

/// AWS's limit on execution input and task output: 256 KiB of UTF-8.
const MAX_PAYLOAD: usize = 262_144;

impl Engine {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Engine { store, answers: Arc::default(), now: Arc::new(Utc::now) }
    }

    /// Stamps times from `clock` (a worker's, e.g. tokio's paused clock in tests) instead of
    /// the system clock.
    pub fn with_clock(mut self, clock: impl asl_runtime::Clock + 'static) -> Self {
        self.now = Arc::new(move || clock.now());
        self
    }

    /// Shares in-process wake-ups with a [`Worker`](crate::Worker) of this process, so that a
    /// task token answered here resumes its execution at once.
    pub fn with_answers(mut self, answers: Arc<Answers>) -> Self {
        self.answers = answers;
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// CreateStateMachine: validates the definition as AWS does (every problem, with line and
    /// column), then registers it. Idempotent for the same name, definition and type.
    pub fn create_state_machine(&self, name: &str, definition: &str, machine_type: MachineType, role: Option<&str>) -> ApiResult {
        self.create_state_machine_publishing(name, definition, machine_type, role, None)
    }

    /// CreateStateMachine with `publish` (`Some(description)`): the machine and its first version.
    pub fn create_state_machine_publishing(
        &self,
        name: &str,
        definition: &str,
        machine_type: MachineType,
        role: Option<&str>,
        publish: Option<Option<&str>>,
    ) -> ApiResult {
        check_name(name)?;
        Engine::check_version_description(publish)?;
        let hash = checked_definition(name, definition, machine_type)?;
        let record = StateMachineRecord {
            name: name.to_string(),
            arn: state_machine_arn(name),
            definition: definition.to_string(),
            definition_hash: hash,
            machine_type,
            role_arn: role.unwrap_or(role_arn()).to_string(),
            creation_date: (self.now)(),
            update_date: None,
            status: MachineStatus::Active,
            // None until the first update (AWS's "INITIAL").
            revision_id: String::new(),
        };
        let record = self.store.create_state_machine(record)?;
        let mut answer = json!({ "stateMachineArn": record.arn, "creationDate": date(record.creation_date) });
        if let Some(description) = publish {
            answer["stateMachineVersionArn"] = self.publish(&record.name, Some(&record.revision_id), description)?.arn.into();
        }
        Ok(answer)
    }

    /// The state machine named by `arn_or_name` (an ARN in any region and account, as local
    /// emulators take them, or the bare name); not a version's or an alias's.
    fn machine(&self, arn_or_name: &str) -> ApiResult<StateMachineRecord> {
        self.named_machine(machine_name(arn_or_name)?)
    }

    fn named_machine(&self, name: &str) -> ApiResult<StateMachineRecord> {
        self.store
            .state_machine(name)?
            .ok_or_else(|| ApiError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{}'", state_machine_arn(name))))
    }

    /// The type of the machine an ARN names (qualified or not).
    pub fn machine_type(&self, arn: &str) -> ApiResult<MachineType> {
        let (name, _) = machine_ref(arn)?;
        Ok(self.named_machine(name)?.machine_type)
    }

    /// DescribeStateMachine, of the machine or of one of its versions.
    pub fn describe_state_machine(&self, arn: &str) -> ApiResult {
        let (name, qualifier) = machine_ref(arn)?;
        let m = self.named_machine(name)?;
        let mut answer = json!({
            "stateMachineArn": m.arn, "name": m.name, "status": m.status.as_str(), "definition": m.definition,
            "roleArn": m.role_arn, "type": m.machine_type.as_str(), "creationDate": date(m.creation_date),
        });
        match qualifier {
            None => {}
            Some(Qualifier::Version(n)) => {
                let v = self.version(&m, n)?;
                answer["stateMachineArn"] = v.arn.into();
                answer["definition"] = v.definition.into();
                answer["roleArn"] = v.role_arn.into();
                answer["creationDate"] = date(v.creation_date).into();
                if let Some(description) = v.description {
                    answer["description"] = description.into();
                }
                answer["revisionId"] = v.revision_id.into();
                return Ok(answer);
            }
            Some(Qualifier::Alias(_)) => return Err(arn::InvalidArn::new(format!("Resource type not valid in this context: stateMachine alias: {arn}")).into()),
        }
        if !m.revision_id.is_empty() {
            answer["revisionId"] = m.revision_id.into();
        }
        Ok(answer)
    }

    /// Version `number` of `m`; AWS answers StateMachineDoesNotExist for one that is not there.
    fn version(&self, m: &StateMachineRecord, number: u32) -> ApiResult<VersionRecord> {
        self.store.version(&m.name, number)?.ok_or_else(|| {
            ApiError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{}'", qualified_arn(&m.arn, number)))
        })
    }

    /// DescribeStateMachineForExecution: the state machine an execution runs, with its
    /// definition (`updateDate`: the last update, else the creation); for an execution of a
    /// version, the version's.
    pub fn describe_state_machine_for_execution(&self, execution_arn: &str) -> ApiResult {
        let e = self.execution(execution_arn)?;
        let m = self.named_machine(&e.state_machine_name)?;
        let mut answer = json!({
            "stateMachineArn": m.arn, "name": m.name, "definition": m.definition,
            "roleArn": m.role_arn, "updateDate": date(m.update_date.unwrap_or(m.creation_date)),
        });
        if let Some(n) = e.version {
            let v = self.version(&m, n)?;
            answer["definition"] = v.definition.into();
            answer["roleArn"] = v.role_arn.into();
            answer["revisionId"] = v.revision_id.into();
            answer["updateDate"] = date(v.creation_date).into();
            answer["stateMachineVersionArn"] = v.arn.into();
        }
        if let Some(alias) = &e.alias {
            answer["stateMachineAliasArn"] = qualified_arn(&m.arn, alias).into();
        }
        Ok(answer)
    }

    pub fn list_state_machines(&self, max_results: usize, next_token: Option<String>) -> ApiResult {
        check_max_results(max_results)?;
        let page = self.store.list_state_machines(&Page { max_results, next_token })?;
        let items: Vec<Value> = page
            .items
            .iter()
            .map(|m| json!({ "stateMachineArn": m.arn, "name": m.name, "type": m.machine_type.as_str(), "creationDate": date(m.creation_date) }))
            .collect();
        Ok(paged("stateMachines", items, page.next_token))
    }

    /// StartExecution: records a RUNNING execution with its ExecutionStarted event; a worker
    /// serving the machine picks it up. Idempotent for the same name and input while running.
    /// `<stateMachineArn>#<TestCase>` chooses a mock test case (Step Functions Local's way),
    /// kept on the execution; its ARN is the usual one.
    pub fn start_execution(&self, state_machine: &str, name: Option<&str>, input: Option<&str>) -> ApiResult {
        let (state_machine, test_case) = match state_machine.split_once('#') {
            Some((_, "")) => return Err(arn::InvalidArn::new(format!("Invalid test case in: {state_machine}")).into()),
            Some((machine, case)) => (machine, Some(case.to_string())),
            None => (state_machine, None),
        };
        let (machine, qualifier) = machine_ref(state_machine)?;
        let m = self.named_machine(machine)?;
        let (version, alias) = match qualifier {
            None => (None, None),
            Some(Qualifier::Version(n)) => (Some(n), None),
            Some(Qualifier::Alias(a)) => {
                // StartExecution knows no ResourceNotFound: an alias is a state machine here.
                let alias = self.store.alias(&m.name, a)?.ok_or_else(|| {
                    ApiError::new("StateMachineDoesNotExist", format!("State Machine Does Not Exist: '{}'", qualified_arn(&m.arn, a)))
                })?;
                (Some(versions::route(&alias)?), Some(alias.name))
            }
        };
        let name = match name {
            Some(n) => {
                check_name(n)?;
                n.to_string()
            }
            None => asl_runtime::execution::new_name(),
        };
        let input = input.unwrap_or("{}");
        let value: Value = serde_json::from_str(input)
            .map_err(|e| ApiError::new("InvalidExecutionInput", format!("Invalid execution input: {e}")))?;
        if input.len() > MAX_PAYLOAD {
            return Err(ApiError::new("InvalidExecutionInput", format!("The execution input is {} bytes, over the limit of {MAX_PAYLOAD} bytes", input.len())));
        }
        let now = (self.now)();
        let record = ExecutionRecord {
            arn: execution_arn(&m.name, &name),
            state_machine_name: m.name.clone(),
            name,
            status: Status::Running,
            input: input.to_string(),
            output: None,
            error: None,
            cause: None,
            start_date: now,
            stop_date: None,
            redrive_count: 0,
            owner: None,
            lease_until: None,
            test_case,
            // The store writes the machine's (or the version's), in the transaction that starts
            // the execution.
            definition_hash: String::new(),
            version,
            alias,
            wake_at: None,
        };
        let mut details = asl_runtime::history::execution_started(&value);
        for (key, arn) in qualified_arns(&m.arn, &record) {
            details[key] = arn.into();
        }
        let started = HistoryEvent::new(now, "ExecutionStarted", 1, 0).with("executionStartedEventDetails", details);
        let started = self.store.start_execution(record, &[stored(&started)])?;
        Ok(json!({ "executionArn": started.record.arn, "startDate": date(started.record.start_date) }))
    }

    /// The ARN an execution named `name` of the state machine `state_machine` (an ARN, maybe
    /// qualified, or a name) has or would have.
    pub(crate) fn execution_arn_of(&self, state_machine: &str, name: &str) -> ApiResult<String> {
        let (machine, _) = machine_ref(state_machine.split('#').next().unwrap_or(state_machine))?;
        Ok(execution_arn(&self.named_machine(machine)?.name, name))
    }

    /// The execution an ARN names, in any region and account (see `machine`).
    fn execution(&self, arn: &str) -> ApiResult<ExecutionRecord> {
        arn::check(arn, arn::Kind::Execution)?;
        let local = match arn.split_once(":execution:").and_then(|(_, rest)| rest.split_once(':')) {
            Some((machine, name)) => execution_arn(machine, name),
            None => arn.to_string(),
        };
        self.store
            .execution(&local)?
            .ok_or_else(|| ApiError::new("ExecutionDoesNotExist", format!("Execution Does Not Exist: '{arn}'")))
    }

    pub fn describe_execution(&self, arn: &str) -> ApiResult {
        let e = self.execution(arn)?;
        let mut out = Map::new();
        out.insert("executionArn".into(), e.arn.clone().into());
        out.insert("stateMachineArn".into(), state_machine_arn(&e.state_machine_name).into());
        out.insert("name".into(), e.name.clone().into());
        out.insert("status".into(), e.status.as_str().into());
        out.insert("startDate".into(), date(e.start_date).into());
        if let Some(stop) = e.stop_date {
            out.insert("stopDate".into(), date(stop).into());
        }
        out.insert("input".into(), e.input.clone().into());
        out.insert("inputDetails".into(), json!({ "included": true }));
        if let Some(output) = &e.output {
            out.insert("output".into(), output.clone().into());
            out.insert("outputDetails".into(), json!({ "included": true }));
        }
        if let Some(error) = &e.error {
            out.insert("error".into(), error.clone().into());
        }
        if let Some(cause) = &e.cause {
            out.insert("cause".into(), cause.clone().into());
        }
        for (key, arn) in qualified_arns(&state_machine_arn(&e.state_machine_name), &e) {
            out.insert(key.into(), arn.into());
        }
        out.insert("redriveCount".into(), e.redrive_count.into());
        let redrivable = matches!(e.status, Status::Failed | Status::TimedOut | Status::Aborted);
        out.insert("redriveStatus".into(), if redrivable { "REDRIVABLE" } else { "NOT_REDRIVABLE" }.into());
        Ok(Value::Object(out))
    }

    pub fn list_executions(&self, state_machine: &str, status: Option<&str>, max_results: usize, next_token: Option<String>) -> ApiResult {
        self.list_executions_redriven(state_machine, status, None, max_results, next_token)
    }

    /// ListExecutions with a `redriveFilter` (`REDRIVEN`, `NOT_REDRIVEN`).
    pub fn list_executions_redriven(
        &self,
        state_machine: &str,
        status: Option<&str>,
        redrive_filter: Option<&str>,
        max_results: usize,
        next_token: Option<String>,
    ) -> ApiResult {
        let redriven = match redrive_filter {
            None => None,
            Some("REDRIVEN") => Some(true),
            Some("NOT_REDRIVEN") => Some(false),
            Some(other) => {
                return Err(ApiError::new(
                    "ValidationException",
                    format!("1 validation error detected: Value '{}' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]", asl_codegen::printable(other)),
                ))
            }
        };
        check_max_results(max_results)?;
        let (machine, qualifier) = machine_ref(state_machine)?;
        let m = self.named_machine(machine)?;
        match qualifier {
            Some(Qualifier::Version(n)) => drop(self.version(&m, n)?),
            Some(Qualifier::Alias(a)) => drop(self.alias(&m, a)?),
            None => {}
        }
        let status = match status {
            None => None,
            Some(s) => Some(Status::parse(s).ok_or_else(|| {
                ApiError::new("ValidationException", format!("1 validation error detected: Value '{s}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]"))
            })?),
        };
        let filter = ExecutionFilter { machine: Some(&m.name), qualifier, status, redriven };
        let page: Paged<ExecutionRecord> = self.store.list_executions_where(&filter, &Page { max_results, next_token })?;
        let items: Vec<Value> = page
            .items
            .iter()
            .map(|e| {
                let mut v = json!({
                    "executionArn": e.arn, "stateMachineArn": state_machine_arn(&e.state_machine_name),
                    "name": e.name, "status": e.status.as_str(), "startDate": date(e.start_date),
                });
                if let Some(stop) = e.stop_date {
                    v["stopDate"] = date(stop).into();
                }
                for (key, arn) in qualified_arns(&state_machine_arn(&e.state_machine_name), e) {
                    v[key] = arn.into();
                }
                v
            })
            .collect();
        Ok(paged("executions", items, page.next_token))
    }

    pub fn get_execution_history(&self, arn: &str, reverse: bool, max_results: usize, next_token: Option<String>) -> ApiResult {
        check_max_results(max_results)?;
        let e = self.execution(arn)?;
        let page = self.store.history(&e.arn, reverse, &Page { max_results, next_token })?;
        let items = page.items.iter().map(StoredEvent::event).collect::<Result<Vec<_>, _>>()?;
        Ok(paged("events", items, page.next_token))
    }

    /// StopExecution: ABORTED with the given error and cause; the worker running it lets go.
    pub fn stop_execution(&self, arn: &str, error: Option<&str>, cause: Option<&str>) -> ApiResult {
        check_failure(error, cause)?;
        let e = self.execution(arn)?;
        let now = (self.now)();
        self.store.stop_execution(&e.arn, error, cause, now)?;
        let e = self.execution(&e.arn)?;
        Ok(json!({ "stopDate": date(e.stop_date.unwrap_or(now)) }))
    }

    /// RedriveExecution: a FAILED, TIMED_OUT or ABORTED Standard execution runs on from the
    /// state that did not finish, entered afresh; the states before it are not run again.
    /// RedriveExecution: a FAILED, TIMED_OUT or ABORTED Standard execution carries on from
    /// where it stopped, within AWS's limits (14 days, 24,999 events, 1,000 redrives).
    pub fn redrive_execution(&self, arn: &str) -> ApiResult {
        let e = self.execution(arn)?;
        let m = self.machine(&e.state_machine_name)?;
        if m.machine_type == MachineType::Express {
            return Err(ApiError::new("ExecutionNotRedrivable", format!("Execution '{arn}' is an Express execution, which cannot be redriven")));
        }
        if !matches!(e.status, Status::Failed | Status::TimedOut | Status::Aborted) {
            return Err(ApiError::new("ExecutionNotRedrivable", format!("Execution '{arn}' is {}, not FAILED, TIMED_OUT or ABORTED", e.status.as_str())));
        }
        // AWS's other conditions: closed within the redrive window (after it, retention may
        // have removed what a redrive reads), room left in the history, fewer than 1,000
        // redrives.
        let not_redrivable = |why: String| ApiError::new("ExecutionNotRedrivable", format!("Execution '{arn}' cannot be redriven: {why}"));
        if e.stop_date.is_some_and(|stopped| (self.now)() - stopped > chrono::Duration::from_std(crate::worker::REDRIVE_WINDOW).unwrap_or_default()) {
            return Err(not_redrivable("it closed more than 14 days ago".into()));
        }
        if self.store.last_event_id(&e.arn)? >= asl_runtime::driver::MAX_HISTORY_EVENTS - 1 {
            return Err(not_redrivable(format!("its history has {} events or more", asl_runtime::driver::MAX_HISTORY_EVENTS - 1)));
        }
        if e.redrive_count >= MAX_REDRIVES {
            return Err(not_redrivable(format!("it was redriven {MAX_REDRIVES} times")));
        }
        // The worker that takes it up carries on from where it failed (see `worker`).
        let now = (self.now)();
        self.store.redrive_execution(&e.arn, now)?;
        Ok(json!({ "redriveDate": date(now) }))
    }

    /// The task tokens an execution waits on, oldest first: `[{"taskToken", "stateName",
    /// "activityArn"?}]`. Not an AWS action (AWS hands tokens only to the Task's own
    /// integration): the web console offers them for answering by hand.
    pub fn open_task_tokens(&self, execution_arn: &str) -> ApiResult {
        let arn = self.execution(execution_arn)?.arn;
        let tokens = self.store.open_tokens(&arn)?;
        let listed = tokens.into_iter().map(|t| {
            let mut token = json!({ "taskToken": t.token, "stateName": t.state });
            if let Some(activity) = t.activity_arn {
                token["activityArn"] = json!(activity);
            }
            token
        });
        Ok(Value::Array(listed.collect()))
    }

    pub fn send_task_success(&self, token: &str, output: &str) -> ApiResult {
        serde_json::from_str::<Value>(output).map_err(|e| ApiError::new("InvalidOutput", format!("Invalid output: {e}")))?;
        if output.len() > MAX_PAYLOAD {
            return Err(ApiError::new("InvalidOutput", format!("The output is {} bytes, over the limit of {MAX_PAYLOAD} bytes", output.len())));
        }
        self.store.answer_token(token, TokenOutcome::Success(output.to_string()))?;
        self.answers.answered();
        Ok(json!({}))
    }

    pub fn send_task_failure(&self, token: &str, error: Option<&str>, cause: Option<&str>) -> ApiResult {
        check_failure(error, cause)?;
        let outcome = TokenOutcome::Failure { error: error.map(str::to_string), cause: cause.map(str::to_string) };
        self.store.answer_token(token, outcome)?;
        self.answers.answered();
        Ok(json!({}))
    }

    pub fn send_task_heartbeat(&self, token: &str) -> ApiResult {
        self.store.heartbeat_token(token, (self.now)())?;
        self.answers.answered();
        Ok(json!({}))
    }

    /// CreateActivity: idempotent on the name.
    pub fn create_activity(&self, name: &str) -> ApiResult {
        check_name(name)?;
        let record = ActivityRecord { name: name.to_string(), arn: activity_arn(name), creation_date: (self.now)() };
        let record = self.store.create_activity(record)?;
        Ok(json!({ "activityArn": record.arn, "creationDate": date(record.creation_date) }))
    }

    /// The activity an ARN (local or AWS-written, see `local_activity_arn`) or a name names.
    fn activity(&self, arn: &str) -> ApiResult<ActivityRecord> {
        arn::check(arn, arn::Kind::Activity)?;
        let arn = local_activity_arn(arn);
        self.store.activity(&arn)?.ok_or_else(|| ApiError::new("ActivityDoesNotExist", format!("Activity Does Not Exist: '{arn}'")))
    }

    pub fn describe_activity(&self, arn: &str) -> ApiResult {
        let a = self.activity(arn)?;
        Ok(json!({ "activityArn": a.arn, "name": a.name, "creationDate": date(a.creation_date) }))
    }

    pub fn list_activities(&self, max_results: usize, next_token: Option<String>) -> ApiResult {
        check_max_results(max_results)?;
        let page = self.store.list_activities(&Page { max_results, next_token })?;
        let items = page.items.iter().map(|a| json!({ "activityArn": a.arn, "name": a.name, "creationDate": date(a.creation_date) })).collect();
        Ok(paged("activities", items, page.next_token))
    }

    pub fn delete_activity(&self, arn: &str) -> ApiResult {
        arn::check(arn, arn::Kind::Activity)?;
        self.store.delete_activity(&local_activity_arn(arn))?;
        Ok(json!({}))
    }

    /// GetActivityTask: the oldest task waiting for this activity (`{}` when none is).
    pub fn get_activity_task(&self, activity_arn: &str, worker_name: Option<&str>) -> ApiResult {
        let activity = self.activity(activity_arn)?;
        match self.store.take_activity_task(&activity.arn, worker_name)? {
            Some(t) => Ok(json!({ "taskToken": t.token, "input": t.input })),
            None => Ok(json!({})),
        }
    }

    /// GetActivityTask as AWS serves it: a long poll that waits up to `within` for a task.
    pub fn get_activity_task_within(&self, activity_arn: &str, worker_name: Option<&str>, within: std::time::Duration) -> ApiResult {
        let until = std::time::Instant::now() + within;
        loop {
            let task = self.get_activity_task(activity_arn, worker_name)?;
            if task.get("taskToken").is_some() || std::time::Instant::now() >= until {
                return Ok(task);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

/// AWS's rule for state machine and execution names: 1–80 characters, none of whitespace,
/// `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /` or control characters.
/// AWS's limit on `maxResults` (0 asks for the default page).
fn check_max_results(max_results: usize) -> ApiResult<()> {
    if max_results <= 1000 {
        return Ok(());
    }
    Err(ApiError::new(
        "ValidationException",
        format!("1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000"),
    ))
}

/// AWS's limits on an error name (256 characters) and a cause (32,768), which it does not
/// quote back (they are sensitive fields).
fn check_failure(error: Option<&str>, cause: Option<&str>) -> ApiResult<()> {
    for (field, value, limit) in [("error", error, 256), ("cause", cause, 32_768)] {
        if value.is_some_and(|v| v.chars().count() > limit) {
            return Err(ApiError::new(
                "ValidationException",
                format!("1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length less than or equal to {limit}"),
            ));
        }
    }
    Ok(())
}

/// A definition as CreateStateMachine and UpdateStateMachine take it: within AWS's length,
/// valid (every problem, with line and column, under the machine's `name`), and, for Express
/// machines, without what they cannot run. Answers its hash.
fn checked_definition(name: &str, definition: &str, machine_type: MachineType) -> ApiResult<String> {
    check_definition_length(definition)?;
    let diags = asl_codegen::check_source(definition);
    if !diags.is_empty() {
        let text = asl_codegen::render(name, definition, &diags);
        return Err(ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition:\n{text}")));
    }
    if machine_type == MachineType::Express {
        if let Some(problem) = express_unsupported(definition) {
            return Err(ApiError::new("InvalidDefinition", format!("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: {problem}'")));
        }
    }
    definition_hash(definition).map_err(|e| ApiError::new("InvalidDefinition", e.to_string()))
}

/// AWS's API refuses a definition over its length before reading it, with its usual
/// validation text.
fn check_definition_length(definition: &str) -> ApiResult<()> {
    if asl_codegen::parse::too_long(definition).is_none() {
        return Ok(());
    }
    let limit = asl_codegen::parse::MAX_DEFINITION_CHARS;
    Err(ApiError::new(
        "ValidationException",
        format!("1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to {limit}"),
    ))
}

fn check_name(name: &str) -> ApiResult<()> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c);
    if name.is_empty() || name.chars().count() > 80 || name.chars().any(bad) {
        return Err(ApiError::new("InvalidName", format!("Invalid Name: '{name}'")));
    }
    Ok(())
}

/// The first Task of `definition` (nested ones included) using what Express machines lack, as
/// AWS words it: the message and the Resource's location.
fn express_unsupported(definition: &str) -> Option<String> {
    fn walk(states: &Value, at: &str) -> Option<String> {
        for (name, state) in states.as_object()? {
            let here = format!("{at}/States/{name}");
            if let Some(r) = state.get("Resource").and_then(Value::as_str) {
                let problem = if r.contains(".sync") {
                    Some("Express state machine does not support '.sync' service integration")
                } else if r.ends_with(".waitForTaskToken") {
                    Some("Express state machine does not support '.waitForTaskToken' service integration ")
                } else if r.split(':').nth(5) == Some("activity") {
                    Some("Express state machine does not support Activity ARN")
                } else {
                    None
                };
                if let Some(p) = problem {
                    return Some(format!("{p} at {here}/Resource"));
                }
            }
            for (i, branch) in state.get("Branches").and_then(Value::as_array).into_iter().flatten().enumerate() {
                if let Some(found) = branch.get("States").and_then(|s| walk(s, &format!("{here}/Branches[{i}]"))) {
                    return Some(found);
                }
            }
            for key in ["ItemProcessor", "Iterator"] {
                if let Some(found) = state.get(key).and_then(|p| p.get("States")).and_then(|s| walk(s, &format!("{here}/{key}"))) {
                    return Some(found);
                }
            }
        }
        None
    }
    let definition: Value = serde_json::from_str(definition).ok()?;
    walk(definition.get("States")?, "")
}

/// The name of the state machine an ARN (any region and account) or a bare name names, and
/// the version (`:<number>`) or alias (`:<name>`) it is qualified with.
fn machine_ref(arn_or_name: &str) -> ApiResult<(&str, Option<Qualifier<'_>>)> {
    arn::check(arn_or_name, arn::Kind::StateMachine)?;
    let rest = arn_or_name.rsplit_once(":stateMachine:").map_or(arn_or_name, |(_, n)| n);
    let Some((name, qualifier)) = rest.split_once(':') else {
        return Ok((rest, None));
    };
    let invalid = || ApiError::from(arn::InvalidArn::new(format!("Invalid qualifier in: {arn_or_name}")));
    if qualifier.is_empty() || qualifier.contains(':') {
        return Err(invalid());
    }
    if qualifier.bytes().all(|b| b.is_ascii_digit()) {
        let number = qualifier.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(invalid)?;
        return Ok((name, Some(Qualifier::Version(number))));
    }
    Ok((name, Some(Qualifier::Alias(qualifier))))
}

/// The name of the state machine an unqualified ARN (any region and account) or a bare name
/// names; a version's or an alias's ARN is InvalidArn here.
fn machine_name(arn_or_name: &str) -> ApiResult<&str> {
    match machine_ref(arn_or_name)? {
        (name, None) => Ok(name),
        (_, Some(_)) => Err(arn::InvalidArn::new(format!("Unqualified state machine ARN expected: {arn_or_name}")).into()),
    }
}

/// An execution's `stateMachineVersionArn` and `stateMachineAliasArn`, those it has.
fn qualified_arns(machine_arn: &str, e: &ExecutionRecord) -> Vec<(&'static str, String)> {
    let mut arns = Vec::new();
    if let Some(n) = e.version {
        arns.push(("stateMachineVersionArn", qualified_arn(machine_arn, n)));
    }
    if let Some(alias) = &e.alias {
        arns.push(("stateMachineAliasArn", qualified_arn(machine_arn, alias)));
    }
    arns
}

/// A new revision id: a machine's configuration changed.
fn new_revision() -> String {
    asl_runtime::execution::new_name()
}

fn paged(key: &str, items: Vec<Value>, next_token: Option<String>) -> Value {
    let mut out = Map::new();
    out.insert(key.into(), Value::Array(items));
    if let Some(t) = next_token {
        out.insert("nextToken".into(), t.into());
    }
    Value::Object(out)
}

/// Dates as the AWS CLI prints them (ISO 8601 with milliseconds and offset).
pub fn date(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Millis, false)
}
