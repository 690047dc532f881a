use super::{perform, Limits};
use crate::context::ExecutionInfo;
use crate::durable::testing::TestJournal;
use crate::env::Env;
use crate::error::Failure;
use crate::execution::Execution;
use crate::flow::Fault;
use crate::handler::{TaskCall, TaskHandler};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Counts its calls; answers `{"done": true}`, or with the error name `answer` if given.
#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
    answer: Option<&'static str>,
}

impl TaskHandler for Counting {
    async fn call(&self, _: TaskCall) -> Result<Value, Failure> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match self.answer {
            Some(error) => Err(Failure::new(error, "from the handler")),
            None => Ok(json!({ "done": true })),
        }
    }
}

fn attempt(exec: &Execution<u32>, resource: &'static str) -> TaskCall {
    TaskCall { state: "Work", resource, input: json!({}), credentials: None, context: exec.task_context("Work", None) }
}

fn execution() -> Execution<u32> {
    Execution::new(ExecutionInfo::new("m", "e", Value::Null, None), 0, json!({}))
}

#[tokio::test]
async fn a_recorded_outcome_that_cannot_be_read_stops_the_run_instead_of_repeating_the_task() {
    let journal = Arc::new(TestJournal::reading(json!("garbage")));
    let env = Env::new(Counting::default()).with_journal(journal);
    let mut exec = execution();
    let call = attempt(&exec, "arn:aws:states:::lambda:invoke");
    let result = perform(&mut exec, &env, call, Limits::default(), false).await;
    assert!(matches!(result, Err(Fault::Interrupted(ref i)) if i.reason().contains("unreadable")), "{result:?}");
    assert_eq!(env.tasks.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_journal_that_refuses_interrupts_the_attempt() {
    let env = Env::new(Counting::default()).with_journal(Arc::new(TestJournal::refusing()));
    let mut exec = execution();
    let call = attempt(&exec, "arn:aws:states:::lambda:invoke");
    let result = perform(&mut exec, &env, call, Limits::default(), false).await;
    assert!(matches!(result, Err(Fault::Interrupted(_))), "{result:?}");
}

#[tokio::test]
async fn no_error_a_handler_returns_is_an_interruption() {
    for name in [crate::flow::INTERRUPTED_ERROR, "asl.ExecutionInterrupted", "States.Runtime"] {
        let env = Env::new(Counting { answer: Some(name), ..Counting::default() });
        let mut exec = execution();
        let call = attempt(&exec, "arn:aws:states:::lambda:invoke");
        let result = perform(&mut exec, &env, call, Limits::default(), false).await;
        assert!(!matches!(result, Err(Fault::Interrupted(_))), "{name}: {result:?}");
    }
}

#[tokio::test]
async fn without_a_journal_the_handler_says_which_activities_exist() {
    struct NoActivities;
    impl TaskHandler for NoActivities {
        async fn call(&self, _: TaskCall) -> Result<Value, Failure> {
            Ok(Value::Null)
        }
        fn activity_exists(&self, _: &str, _: &str) -> bool {
            false
        }
    }
    let env = Env::new(NoActivities);
    let mut exec = execution();
    let arn = "arn:aws:states:us-east-1:111111111111:activity:gone";
    let call = attempt(&exec, arn);
    let result = perform(&mut exec, &env, call, Limits::default(), false).await;
    assert_eq!(result, Err(Fault::runtime(format!("The activity {arn} does not exist."))));
    assert_eq!(exec.last_event_id(), 1, "nothing was scheduled");
}

#[tokio::test]
async fn tokens_are_random_secrets_that_a_durable_run_keeps() {
    let exec = execution();
    let env = Env::new(());
    let (a, b) = (super::token(&exec, &env, "Approve").await.unwrap(), super::token(&exec, &env, "Approve").await.unwrap());
    assert_ne!(a, b, "a run without a journal draws a new one each time");
    assert_eq!(a.len(), 43, "256 bits, base64url without padding: {a}");
    assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{a}");
    assert!(!a.contains("Approve") && !a.contains("arn:"), "nothing of the execution shows: {a}");
    // A journal that recorded a token for the attempt gives that one back (a replay).
    let replay = Env::new(()).with_journal(Arc::new(TestJournal::reading(json!("kept-token"))));
    assert_eq!(super::token(&exec, &replay, "Approve").await.unwrap(), "kept-token");
    let fresh = Env::new(()).with_journal(Arc::new(TestJournal::default()));
    assert_eq!(super::token(&exec, &fresh, "Approve").await.unwrap().len(), 43);
}
