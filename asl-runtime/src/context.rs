//! The Context object (`$$`): facts about the execution and the current state, built as JSON
//! only for states that read it.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The account part of the ARN-shaped ids of local executions.
const ARN_PREFIX: &str = "arn:aws:states:local:000000000000";
pub(crate) const ROLE_ARN: &str = "arn:aws:iam::000000000000:role/asl-local";

/// What an execution knows about itself; fixed when it starts. Kept small: ARNs are derived
/// when asked for, since most executions never read them.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ExecutionInfo {
    /// The execution's name (a `&'static str` costs no allocation).
    pub name: Cow<'static, str>,
    /// A `&'static str` for compiled machines: no allocation per execution.
    pub state_machine_name: Cow<'static, str>,
    /// The execution input, kept for `$$.Execution.Input` (`Null` when the machine never reads
    /// the Context object).
    pub input: Value,
    /// Where a child execution sits in its parent: the place shared by its siblings
    /// (`/Fan@2.0`, an `Arc` so a thousand iterations share one string) and its index.
    #[serde(default)]
    pub child_of: Option<(std::sync::Arc<str>, usize)>,
    /// When the execution started; `None` when the machine never reads the Context object, so
    /// executions that do not need it skip reading the clock.
    pub start_time: Option<DateTime<Utc>>,
    /// How many times the execution was redriven (`$$.Execution.RedriveCount`).
    #[serde(default)]
    pub redrive_count: u32,
    /// For a child that is an execution of its own (a distributed Map's iteration), the id of
    /// the top-level execution it runs under; `None` otherwise.
    #[serde(default)]
    pub top_level: Option<std::sync::Arc<str>>,
}

impl ExecutionInfo {
    pub fn new(
        state_machine_name: impl Into<Cow<'static, str>>,
        name: impl Into<Cow<'static, str>>,
        input: Value,
        start_time: Option<DateTime<Utc>>,
    ) -> Self {
        ExecutionInfo { name: name.into(), state_machine_name: state_machine_name.into(), input, child_of: None, start_time, redrive_count: 0, top_level: None }
    }

    /// `/Fan@2.0#1/Each@5.0#42`: this execution's place under its top-level execution.
    pub fn child_path(&self) -> String {
        match &self.child_of {
            None => String::new(),
            Some((place, index)) => format!("{place}#{index}"),
        }
    }

    /// `arn:aws:states:local:000000000000:execution:<machine>:<name>`.
    pub fn id(&self) -> String {
        execution_arn(&self.state_machine_name, &self.name)
    }

    /// The id of the top-level execution this one runs under (its own when it is one).
    pub fn top_level_id(&self) -> String {
        self.top_level.as_deref().map_or_else(|| self.id(), str::to_owned)
    }

    pub fn state_machine_id(&self) -> String {
        state_machine_arn(&self.state_machine_name)
    }
}

/// The ARN of execution `name` of state machine `machine`.
pub fn execution_arn(machine: &str, name: &str) -> String {
    format!("{ARN_PREFIX}:execution:{machine}:{name}")
}

/// The ARN of state machine `machine`.
pub fn state_machine_arn(machine: &str) -> String {
    format!("{ARN_PREFIX}:stateMachine:{machine}")
}

/// The ARN of activity `name`.
pub fn activity_arn(name: &str) -> String {
    format!("{ARN_PREFIX}:activity:{name}")
}

/// The local ARN of the activity an ARN names, whatever region and account it was written
/// with: a definition deployed to AWS names its activities with the AWS account's ARNs, and
/// the same file must find the activities created here by name.
pub fn local_activity_arn(arn: &str) -> String {
    match arn.rsplit_once(":activity:") {
        Some((_, name)) => activity_arn(name),
        None => activity_arn(arn),
    }
}

/// The role executions run as (AWS requires one; locally it is only reported).
pub fn role_arn() -> &'static str {
    ROLE_ARN
}

/// The per-state part of the Context object.
#[derive(Debug, Clone, Default)]
pub struct StateInfo<'a> {
    pub name: &'a str,
    pub entered_time: Option<DateTime<Utc>>,
    pub retry_count: u32,
    pub task_token: Option<&'a str>,
    /// `$$.Map.Item`, inside a Map's ItemSelector.
    pub map_item: Option<(usize, &'a Value)>,
}

/// The Context object as JSON, in the shape AWS documents.
pub fn context_object(exec: &ExecutionInfo, state: &StateInfo<'_>) -> Value {
    let time = |t: DateTime<Utc>| Value::String(t.to_rfc3339_opts(SecondsFormat::Millis, true));
    let mut execution = Map::new();
    execution.insert("Id".into(), exec.id().into());
    execution.insert("Input".into(), exec.input.clone());
    execution.insert("Name".into(), exec.name.to_string().into());
    execution.insert("RoleArn".into(), ROLE_ARN.into());
    execution.insert("StartTime".into(), exec.start_time.map_or(Value::Null, time));
    execution.insert("RedriveCount".into(), exec.redrive_count.into());
    let mut st = Map::new();
    st.insert("EnteredTime".into(), state.entered_time.map_or(Value::Null, time));
    st.insert("Name".into(), state.name.into());
    st.insert("RetryCount".into(), state.retry_count.into());
    let mut machine = Map::new();
    machine.insert("Id".into(), exec.state_machine_id().into());
    machine.insert("Name".into(), exec.state_machine_name.to_string().into());
    let mut root = Map::new();
    root.insert("Execution".into(), Value::Object(execution));
    root.insert("State".into(), Value::Object(st));
    root.insert("StateMachine".into(), Value::Object(machine));
    if let Some(token) = state.task_token {
        let mut task = Map::new();
        task.insert("Token".into(), token.into());
        root.insert("Task".into(), Value::Object(task));
    }
    if let Some((index, value)) = state.map_item {
        let mut item = Map::new();
        item.insert("Index".into(), index.into());
        item.insert("Value".into(), value.clone());
        let mut map = Map::new();
        map.insert("Item".into(), Value::Object(item));
        root.insert("Map".into(), Value::Object(map));
    }
    Value::Object(root)
}
