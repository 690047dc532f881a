//! The one trait a harness implements to serve any workflow's Task states ([`TaskHandler`]),
//! the call it receives ([`TaskCall`]) and what it may know of its invocation
//! ([`TaskContext`]). Generated code also offers a typed trait per workflow (one method per Task
//! state) and an adapter from it to this one.

use crate::error::{names, Failure};
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Notify;

/// Serves Task states.
pub trait TaskHandler: Send + Sync {
    fn call(&self, call: TaskCall) -> impl Future<Output = Result<Value, Failure>> + Send;

    /// Whether the activity `activity_arn`, which Task state `state` names, exists. Without a
    /// durable engine the handler serves activity tasks itself (with one, the activity's
    /// workers do, and the engine's registry answers); answering `false` fails the state as AWS
    /// does for an activity that does not exist, before anything is scheduled.
    fn activity_exists(&self, state: &str, activity_arn: &str) -> bool {
        let _ = (state, activity_arn);
        true
    }
}

impl<T: TaskHandler> TaskHandler for &T {
    fn call(&self, call: TaskCall) -> impl Future<Output = Result<Value, Failure>> + Send {
        (**self).call(call)
    }

    fn activity_exists(&self, state: &str, activity_arn: &str) -> bool {
        (**self).activity_exists(state, activity_arn)
    }
}

impl<T: TaskHandler> TaskHandler for Arc<T> {
    fn call(&self, call: TaskCall) -> impl Future<Output = Result<Value, Failure>> + Send {
        (**self).call(call)
    }

    fn activity_exists(&self, state: &str, activity_arn: &str) -> bool {
        (**self).activity_exists(state, activity_arn)
    }
}

/// A workflow without Task states needs no handler.
impl TaskHandler for () {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        Err(Failure::new(names::TASK_FAILED, format!("no handler is bound for Task state '{}'", call.state)))
    }
}

/// One invocation of a Task state.
#[derive(Debug, Clone)]
pub struct TaskCall {
    /// The Task state's name.
    pub state: &'static str,
    /// Its `Resource`, as written.
    pub resource: &'static str,
    /// The effective input (after InputPath and Parameters).
    pub input: Value,
    /// The evaluated `Credentials` field (`{"RoleArn": …}`), for handlers that assume a role.
    pub credentials: Option<Value>,
    pub context: TaskContext,
}

/// What a handler may know and do about its invocation.
#[derive(Debug, Clone)]
pub struct TaskContext {
    pub execution_id: String,
    /// The top-level execution the Task runs under: `execution_id`, unless the Task runs in a
    /// distributed Map's iteration, an execution of its own.
    pub top_level_execution_id: String,
    /// 0 for the first attempt, then one more per retry.
    pub attempt: u32,
    /// (execution id, state, visit, attempt): the same on a replay of the same attempt, so a
    /// handler can make its side effect happen once.
    pub idempotency_key: String,
    /// `$$.Task.Token` for `.waitForTaskToken` resources.
    pub task_token: Option<String>,
    /// Whether the run waits for the answer sent for `task_token` (a durable run: the handler
    /// only hands the token out) or takes the handler's own result as the callback's answer.
    awaits_token: bool,
    heartbeat: Arc<Notify>,
}

impl TaskContext {
    /// The context of attempt number `attempt` (0 for the first) of a Task of execution
    /// `execution_id`, whose identity is `idempotency_key`.
    pub fn new(execution_id: String, idempotency_key: String, attempt: u32, task_token: Option<String>) -> Self {
        let top_level_execution_id = execution_id.clone();
        TaskContext { execution_id, top_level_execution_id, attempt, idempotency_key, task_token, awaits_token: false, heartbeat: Arc::new(Notify::new()) }
    }

    /// The same context, under top-level execution `id`.
    pub fn under(mut self, id: String) -> Self {
        self.top_level_execution_id = id;
        self
    }

    /// Whether the answer to [`TaskContext::task_token`] is awaited by the run (durable runs),
    /// rather than being the handler's own result. A handler that only sends the token
    /// somewhere (an SQS message, a Lambda payload) cannot answer a callback itself.
    pub fn awaits_token(&self) -> bool {
        self.awaits_token
    }

    /// The same context, in a run that awaits the token's answer.
    pub(crate) fn awaiting_token(mut self) -> Self {
        self.awaits_token = true;
        self
    }

    /// Tells the runner the task is alive (resets the HeartbeatSeconds clock).
    pub fn heartbeat(&self) {
        self.heartbeat.notify_one();
    }

    /// What [`TaskContext::heartbeat`] notifies: the runner of the attempt listens to it.
    pub(crate) fn heartbeats(&self) -> Arc<Notify> {
        self.heartbeat.clone()
    }
}
