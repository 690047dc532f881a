//! The actions, one small fn each: read the members AWS's model gives the action, call the
//! [`Engine`], shape the answer. Above `protocol` (members, error codes); knows nothing of
//! HTTP. Engine calls are synchronous (SQLite), so each runs on tokio's blocking pool; the two
//! that wait (GetActivityTask's long poll, StartSyncExecution) wait here, asynchronously, and
//! give up when the server shuts down.

use crate::protocol::{code, Members};
use crate::test_state::TestStateRunner;
use asl_engine::engine::test_state::{self, InspectionLevel, Mock, TestStatePlan, TestStateRequest};
use asl_engine::engine::{ApiResult, Routing, Severity};
use std::sync::Arc;
use asl_engine::{ApiError, Engine, MachineType, Tag};
use serde_json::{Map, Value};
use std::time::Duration;
use tokio::sync::watch;

/// Every operation of AWS's Step Functions model (2016-11-23), all served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateStateMachine,
    DescribeStateMachine,
    UpdateStateMachine,
    DeleteStateMachine,
    ListStateMachines,
    DescribeStateMachineForExecution,
    ValidateStateMachineDefinition,
    StartExecution,
    StartSyncExecution,
    DescribeExecution,
    ListExecutions,
    GetExecutionHistory,
    StopExecution,
    RedriveExecution,
    SendTaskSuccess,
    SendTaskFailure,
    SendTaskHeartbeat,
    CreateActivity,
    DescribeActivity,
    ListActivities,
    DeleteActivity,
    GetActivityTask,
    TagResource,
    UntagResource,
    ListTagsForResource,
    PublishStateMachineVersion,
    ListStateMachineVersions,
    DeleteStateMachineVersion,
    CreateStateMachineAlias,
    DescribeStateMachineAlias,
    UpdateStateMachineAlias,
    DeleteStateMachineAlias,
    ListStateMachineAliases,
    TestState,
    DescribeMapRun,
    ListMapRuns,
    UpdateMapRun,
}

impl Action {
    /// The action named by `X-Amz-Target` (without its `AWSStepFunctions.` prefix).
    pub fn parse(name: &str) -> Result<Action, ApiError> {
        use Action::*;
        Ok(match name {
            "CreateStateMachine" => CreateStateMachine,
            "DescribeStateMachine" => DescribeStateMachine,
            "UpdateStateMachine" => UpdateStateMachine,
            "DeleteStateMachine" => DeleteStateMachine,
            "ListStateMachines" => ListStateMachines,
            "DescribeStateMachineForExecution" => DescribeStateMachineForExecution,
            "ValidateStateMachineDefinition" => ValidateStateMachineDefinition,
            "StartExecution" => StartExecution,
            "StartSyncExecution" => StartSyncExecution,
            "DescribeExecution" => DescribeExecution,
            "ListExecutions" => ListExecutions,
            "GetExecutionHistory" => GetExecutionHistory,
            "StopExecution" => StopExecution,
            "RedriveExecution" => RedriveExecution,
            "SendTaskSuccess" => SendTaskSuccess,
            "SendTaskFailure" => SendTaskFailure,
            "SendTaskHeartbeat" => SendTaskHeartbeat,
            "CreateActivity" => CreateActivity,
            "DescribeActivity" => DescribeActivity,
            "ListActivities" => ListActivities,
            "DeleteActivity" => DeleteActivity,
            "GetActivityTask" => GetActivityTask,
            "TagResource" => TagResource,
            "UntagResource" => UntagResource,
            "ListTagsForResource" => ListTagsForResource,
            "PublishStateMachineVersion" => PublishStateMachineVersion,
            "ListStateMachineVersions" => ListStateMachineVersions,
            "DeleteStateMachineVersion" => DeleteStateMachineVersion,
            "CreateStateMachineAlias" => CreateStateMachineAlias,
            "DescribeStateMachineAlias" => DescribeStateMachineAlias,
            "UpdateStateMachineAlias" => UpdateStateMachineAlias,
            "DeleteStateMachineAlias" => DeleteStateMachineAlias,
            "ListStateMachineAliases" => ListStateMachineAliases,
            "TestState" => TestState,
            "DescribeMapRun" => DescribeMapRun,
            "ListMapRuns" => ListMapRuns,
            "UpdateMapRun" => UpdateMapRun,
            other => {
                let shown = asl_codegen::printable(other);
                return Err(ApiError::new(code::UNKNOWN_OPERATION, format!("Unknown operation '{shown}' of AWSStepFunctions")));
            }
        })
    }
}

/// The actions over one engine. `stopping` turns true when the server shuts down, which ends
/// the waits of the actions that wait.
#[derive(Clone)]
pub struct Actions {
    engine: Engine,
    stopping: watch::Receiver<bool>,
    test_state: Option<Arc<TestStateRunner>>,
}

/// How long GetActivityTask waits for a task (AWS's long poll), and how often it looks.
const ACTIVITY_POLL: Duration = Duration::from_secs(60);
const POLL_EVERY: Duration = Duration::from_millis(100);
/// How long StartSyncExecution waits: AWS's limit on an Express execution, and a margin for
/// the worker to record its timeout.
const SYNC_LIMIT: Duration = Duration::from_secs(5 * 60 + 10);
/// Express executions are short: look often.
const SYNC_POLL_EVERY: Duration = Duration::from_millis(20);

impl Actions {
    pub fn new(engine: Engine, stopping: watch::Receiver<bool>) -> Self {
        Actions { engine, stopping, test_state: None }
    }

    /// Serves TestState with `runner` (none: TestState says what it needs).
    pub fn with_test_state(mut self, runner: Option<Arc<TestStateRunner>>) -> Self {
        self.test_state = runner;
        self
    }

    /// Runs `action` with the request's members.
    pub async fn call(&self, action: Action, m: Members) -> ApiResult {
        match action {
            Action::GetActivityTask => self.get_activity_task(m).await,
            Action::StartSyncExecution => self.start_sync_execution(m).await,
            Action::TestState => self.test_state(m).await,
            _ => {
                let engine = self.engine.clone();
                blocking(move || call_engine(&engine, action, &m)).await
            }
        }
    }

    /// GetActivityTask: a task of the activity as soon as one waits, else `{}` after 60 s
    /// (AWS's long poll), or at once when the server shuts down.
    async fn get_activity_task(&self, m: Members) -> ApiResult {
        let arn = m.string("activityArn")?.to_string();
        let worker = m.opt_string("workerName")?.map(str::to_string);
        let until = tokio::time::Instant::now() + ACTIVITY_POLL;
        let mut stopping = self.stopping.clone();
        loop {
            let (engine, arn, worker) = (self.engine.clone(), arn.clone(), worker.clone());
            let task = blocking(move || engine.get_activity_task(&arn, worker.as_deref())).await?;
            if task.get("taskToken").is_some() || tokio::time::Instant::now() >= until || *stopping.borrow() {
                return Ok(task);
            }
            tokio::select! {
                _ = tokio::time::sleep(POLL_EVERY) => {}
                _ = stopping.changed() => {}
            }
        }
    }

    /// TestState: the state compiled and run once (see `test_state`).
    async fn test_state(&self, m: Members) -> ApiResult {
        let plan = test_state_plan(&m)?;
        let Some(runner) = &self.test_state else {
            return Err(ApiError::new(
                code::UNKNOWN_OPERATION,
                "TestState compiles the state it tests, which needs asl serve's workers (this server runs without them)",
            ));
        };
        runner.run(&plan).await
    }

    /// StartSyncExecution: starts an Express execution and answers when it has ended (the
    /// engine's workers run it), with AWS's answer shape.
    async fn start_sync_execution(&self, m: Members) -> ApiResult {
        let machine = m.string("stateMachineArn")?.to_string();
        let engine = self.engine.clone();
        let started = blocking(move || {
            // Before anything starts: only Express machines run synchronously.
            let plain = machine.split_once('#').map_or(machine.as_str(), |(arn, _)| arn);
            if engine.machine_type(plain)? != MachineType::Express {
                return Err(ApiError::new("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine"));
            }
            engine.start_execution(&machine, m.opt_string("name")?, m.opt_string("input")?)
        })
        .await?;
        let arn = started["executionArn"].as_str().unwrap_or_default().to_string();
        let until = tokio::time::Instant::now() + SYNC_LIMIT;
        let mut stopping = self.stopping.clone();
        loop {
            let (engine, execution) = (self.engine.clone(), arn.clone());
            let described = blocking(move || engine.describe_execution(&execution)).await?;
            if described["status"] != "RUNNING" {
                return Ok(sync_answer(described));
            }
            if *stopping.borrow() || tokio::time::Instant::now() >= until {
                let why = if *stopping.borrow() { "asl serve is shutting down" } else { "no worker ended it within 5 minutes (is one serving this state machine?)" };
                return Err(ApiError::new(code::INTERNAL, format!("Execution '{arn}' is still RUNNING: {why}")));
            }
            tokio::select! {
                _ = tokio::time::sleep(SYNC_POLL_EVERY) => {}
                _ = stopping.changed() => {}
            }
        }
    }
}

/// StartSyncExecution's answer from DescribeExecution's: its members, and a status of its
/// enum (SUCCEEDED, FAILED, TIMED_OUT; an execution stopped counts as failed). No
/// `billingDetails`: nothing is billed here, and the member is optional.
fn sync_answer(described: Value) -> Value {
    let Value::Object(mut members) = described else { return described };
    for kept_by_describe_only in ["redriveCount", "redriveStatus", "redriveStatusReason"] {
        members.remove(kept_by_describe_only);
    }
    if members.get("status").and_then(Value::as_str) == Some("ABORTED") {
        members.insert("status".into(), "FAILED".into());
    }
    Value::Object(members)
}

/// Runs a synchronous engine call on tokio's blocking pool; a panic in it is an internal
/// error, not a dropped connection.
async fn blocking(f: impl FnOnce() -> ApiResult + Send + 'static) -> ApiResult {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(ApiError::new(code::INTERNAL, format!("the request failed inside the engine: {e}"))))
}

/// The actions that only call the engine.
fn call_engine(engine: &Engine, action: Action, m: &Members) -> ApiResult {
    use Action::*;
    match action {
        CreateStateMachine => create_state_machine(engine, m),
        DescribeStateMachine => engine.describe_state_machine(m.string("stateMachineArn")?),
        ListStateMachines => engine.list_state_machines(max_results(m)?, next_token(m)?),
        DescribeStateMachineForExecution => engine.describe_state_machine_for_execution(m.string("executionArn")?),
        StartExecution => {
            m.require(&["stateMachineArn"])?;
            engine.start_execution(m.string("stateMachineArn")?, m.opt_string("name")?, m.opt_string("input")?)
        }
        DescribeExecution => engine.describe_execution(m.string("executionArn")?),
        ListExecutions => list_executions(engine, m),
        GetExecutionHistory => {
            let arn = m.string("executionArn")?;
            let reverse = m.opt_bool("reverseOrder")?.unwrap_or(false);
            let mut history = engine.get_execution_history(arn, reverse, max_results(m)?, next_token(m)?)?;
            if m.opt_bool("includeExecutionData")? == Some(false) {
                without_execution_data(&mut history);
            }
            Ok(history)
        }
        StopExecution => engine.stop_execution(m.string("executionArn")?, m.opt_string("error")?, m.opt_string("cause")?),
        RedriveExecution => engine.redrive_execution(m.string("executionArn")?),
        SendTaskSuccess => {
            m.require(&["taskToken", "output"])?;
            engine.send_task_success(m.string("taskToken")?, m.string("output")?)
        }
        SendTaskFailure => engine.send_task_failure(m.string("taskToken")?, m.opt_string("error")?, m.opt_string("cause")?),
        SendTaskHeartbeat => engine.send_task_heartbeat(m.string("taskToken")?),
        CreateActivity => {
            let created = engine.create_activity(m.string("name")?)?;
            tag_created(engine, created, "activityArn", m)
        }
        DescribeActivity => engine.describe_activity(m.string("activityArn")?),
        ListActivities => engine.list_activities(max_results(m)?, next_token(m)?),
        DeleteActivity => engine.delete_activity(m.string("activityArn")?),
        UpdateStateMachine => {
            let publish = publish(m)?;
            engine.update_state_machine_publishing(m.string("stateMachineArn")?, m.opt_string("definition")?, m.opt_string("roleArn")?, publish)
        }
        DeleteStateMachine => engine.delete_state_machine(m.string("stateMachineArn")?),
        ValidateStateMachineDefinition => validate_state_machine_definition(engine, m),
        TagResource => {
            m.require(&["resourceArn", "tags"])?;
            engine.tag_resource(m.string("resourceArn")?, &tags(m)?)
        }
        UntagResource => {
            m.require(&["resourceArn", "tagKeys"])?;
            engine.untag_resource(m.string("resourceArn")?, &tag_keys(m)?)
        }
        ListTagsForResource => engine.list_tags_for_resource(m.string("resourceArn")?),
        PublishStateMachineVersion => {
            engine.publish_state_machine_version(m.string("stateMachineArn")?, m.opt_string("revisionId")?, m.opt_string("description")?)
        }
        ListStateMachineVersions => engine.list_state_machine_versions(m.string("stateMachineArn")?, max_results(m)?, next_token(m)?),
        DeleteStateMachineVersion => engine.delete_state_machine_version(m.string("stateMachineVersionArn")?),
        CreateStateMachineAlias => {
            m.require(&["name", "routingConfiguration"])?;
            engine.create_state_machine_alias(m.string("name")?, m.opt_string("description")?, &routing(m)?.unwrap_or_default())
        }
        DescribeStateMachineAlias => engine.describe_state_machine_alias(m.string("stateMachineAliasArn")?),
        UpdateStateMachineAlias => {
            let routing = routing(m)?;
            engine.update_state_machine_alias(m.string("stateMachineAliasArn")?, m.opt_string("description")?, routing.as_deref())
        }
        DeleteStateMachineAlias => engine.delete_state_machine_alias(m.string("stateMachineAliasArn")?),
        ListStateMachineAliases => engine.list_state_machine_aliases(m.string("stateMachineArn")?, max_results(m)?, next_token(m)?),
        DescribeMapRun => engine.describe_map_run(m.string("mapRunArn")?),
        ListMapRuns => engine.list_map_runs(m.string("executionArn")?, max_results(m)?, next_token(m)?),
        UpdateMapRun => {
            let count = |name| m.opt_count(name).map(|n| n.map(|n| n as u64));
            engine.update_map_run(m.string("mapRunArn")?, count("maxConcurrency")?, count("toleratedFailureCount")?, m.opt_number("toleratedFailurePercentage")?)
        }
        GetActivityTask | StartSyncExecution | TestState => unreachable_here(action),
    }
}

/// The waiting actions are answered by [`Actions::call`] before `call_engine`; reaching here
/// would be this file's bug, answered as an internal error rather than a panic.
fn unreachable_here(action: Action) -> ApiResult {
    Err(ApiError::new(code::INTERNAL, format!("{action:?} reached the synchronous dispatcher")))
}

fn create_state_machine(engine: &Engine, m: &Members) -> ApiResult {
    m.require(&["name", "definition", "roleArn"])?;
    let machine_type = machine_type(m)?;
    let publish = publish(m)?;
    let created = engine.create_state_machine_publishing(m.string("name")?, m.string("definition")?, machine_type, m.opt_string("roleArn")?, publish)?;
    tag_created(engine, created, "stateMachineArn", m)
}

/// `publish` and `versionDescription` of CreateStateMachine and UpdateStateMachine: whether to
/// publish a version, with which description.
fn publish(m: &Members) -> Result<Option<Option<&str>>, ApiError> {
    let description = m.opt_string("versionDescription")?;
    match (m.opt_bool("publish")?, description) {
        (Some(true), description) => Ok(Some(description)),
        (_, Some(_)) => Err(ApiError::new(code::VALIDATION, "Version description can only be set when publish is true")),
        (_, None) => Ok(None),
    }
}

/// `routingConfiguration`: a list of `{"stateMachineVersionArn": ..., "weight": ...}`.
fn routing(m: &Members) -> Result<Option<Vec<Routing>>, ApiError> {
    let Some(list) = m.opt_list("routingConfiguration")? else { return Ok(None) };
    let wrong = |what: &str| ApiError::new(code::SERIALIZATION, format!("The members of 'routingConfiguration' must be objects with {what}"));
    list.iter()
        .map(|route| {
            let version_arn = route.get("stateMachineVersionArn").and_then(Value::as_str).ok_or_else(|| wrong("a string 'stateMachineVersionArn'"))?;
            let weight = route.get("weight").and_then(Value::as_i64).ok_or_else(|| wrong("an integer 'weight'"))?;
            Ok(Routing { version_arn: version_arn.to_string(), weight })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The `tags` a Create action was given, set on what it created (`arn_member` of the answer).
fn tag_created(engine: &Engine, created: Value, arn_member: &str, m: &Members) -> ApiResult {
    let tags = tags(m)?;
    if let (false, Some(arn)) = (tags.is_empty(), created.get(arn_member).and_then(Value::as_str)) {
        engine.tag_resource(arn, &tags)?;
    }
    Ok(created)
}

/// `tags`: a list of `{"key": ..., "value": ...}`.
fn tags(m: &Members) -> Result<Vec<Tag>, ApiError> {
    let member = |tag: &Map<String, Value>, name: &str| match tag.get(name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(ApiError::new(code::SERIALIZATION, format!("The member 'tags.member.{name}' must be a string"))),
    };
    let list = m.opt_list("tags")?.unwrap_or_default();
    list.iter()
        .map(|tag| {
            let tag = tag.as_object().ok_or_else(|| ApiError::new(code::SERIALIZATION, "The members of 'tags' must be objects"))?;
            Ok(Tag { key: member(tag, "key")?, value: member(tag, "value")? })
        })
        .collect()
}

fn tag_keys(m: &Members) -> Result<Vec<String>, ApiError> {
    let list = m.opt_list("tagKeys")?.unwrap_or_default();
    list.iter()
        .map(|k| k.as_str().map(str::to_string).ok_or_else(|| ApiError::new(code::SERIALIZATION, "The members of 'tagKeys' must be strings")))
        .collect()
}

fn validate_state_machine_definition(engine: &Engine, m: &Members) -> ApiResult {
    let definition = m.string("definition")?;
    let severity = m.opt_string("severity")?.map(Severity::parse).transpose()?.unwrap_or(Severity::Error);
    engine.validate_state_machine_definition(definition, machine_type(m)?, severity, max_results(m)?)
}

fn machine_type(m: &Members) -> Result<MachineType, ApiError> {
    match m.opt_string("type")? {
        None => Ok(MachineType::Standard),
        Some(t) => MachineType::parse(t).ok_or_else(|| {
            let t = asl_codegen::printable(t);
            ApiError::new(code::VALIDATION, format!("1 validation error detected: Value '{t}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"))
        }),
    }
}

fn list_executions(engine: &Engine, m: &Members) -> ApiResult {
    if m.opt_string("mapRunArn")?.is_some() {
        return Err(ApiError::new(
            code::VALIDATION,
            "asl serve runs a Map Run's iterations inside its execution, not as executions of their own: DescribeMapRun gives their counts",
        ));
    }
    let Some(machine) = m.opt_string("stateMachineArn")? else {
        return Err(ApiError::new(code::VALIDATION, "Must provide a StateMachine ARN or MapRun ARN"));
    };
    engine.list_executions_redriven(machine, m.opt_string("statusFilter")?, m.opt_string("redriveFilter")?, max_results(m)?, next_token(m)?)
}

/// GetExecutionHistory with `includeExecutionData` false: the events without the inputs and
/// outputs they carry.
fn without_execution_data(history: &mut Value) {
    let events = history.get_mut("events").and_then(Value::as_array_mut).into_iter().flatten();
    for details in events.filter_map(Value::as_object_mut).flat_map(|e| e.values_mut()).filter_map(Value::as_object_mut) {
        details.remove("input");
        details.remove("output");
    }
}

/// TestState's request, checked and planned by the engine.
fn test_state_plan(m: &Members) -> Result<TestStatePlan, ApiError> {
    let mock = match m.opt_structure("mock")? {
        None => None,
        Some(mock) => {
            let error = mock.opt_structure("errorOutput")?;
            match (mock.opt_string("result")?, error) {
                (Some(result), None) => Some(Mock::Result(result.to_string())),
                (None, Some(e)) => Some(Mock::Error { error: e.opt_string("error")?.map(str::to_string), cause: e.opt_string("cause")?.map(str::to_string) }),
                _ => return Err(ApiError::new(code::VALIDATION, "A test mock should have only one of the following fields: [result, errorOutput].")),
            }
        }
    };
    let mut unsupported = Vec::new();
    if m.has("context") {
        unsupported.push("context");
    }
    let configuration = m.opt_structure("stateConfiguration")?.unwrap_or_default();
    for member in ["errorCausedByState", "mapIterationFailureCount", "mapItemReaderData"] {
        if configuration.has(member) {
            unsupported.push(member);
        }
    }
    let request = TestStateRequest {
        definition: m.string("definition")?,
        state_name: m.opt_string("stateName")?,
        role_arn: m.opt_string("roleArn")?,
        input: m.opt_string("input")?,
        inspection_level: m.opt_string("inspectionLevel")?.map(InspectionLevel::parse).transpose()?.unwrap_or_default(),
        variables: m.opt_string("variables")?,
        mock,
        reveal_secrets: m.opt_bool("revealSecrets")?.unwrap_or(false),
        retrier_retry_count: u32::try_from(configuration.opt_count("retrierRetryCount")?.unwrap_or(0)).unwrap_or(u32::MAX),
        unsupported,
    };
    test_state::plan(&request)
}

fn max_results(m: &Members) -> Result<usize, ApiError> {
    Ok(m.opt_count("maxResults")?.unwrap_or(0))
}

fn next_token(m: &Members) -> Result<Option<String>, ApiError> {
    Ok(m.opt_string("nextToken")?.map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_outside_aws_model_are_unknown() {
        assert_eq!(Action::parse("StartExecution").unwrap(), Action::StartExecution);
        let e = Action::parse("LaunchRockets").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (code::UNKNOWN_OPERATION, "Unknown operation 'LaunchRockets' of AWSStepFunctions"));
        assert_eq!(Action::parse("UpdateMapRun").unwrap(), Action::UpdateMapRun);
    }
}
