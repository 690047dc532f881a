//! Mocked Task responses from a mock config file in AWS Step Functions Local's format
//! (`MockConfigFile.json`), so a workflow's tests written for Step Functions Local run here
//! unchanged: [`MockConfig`] is the file, [`MockHandler`] one test case of one state machine
//! serving Task states, alone or in front of another handler ([`MockHandler::or`]).
//!
//! | file | owns |
//! |---|---|
//! | `locate.rs` | a JSON pointer's `line:col` in the file's text |
//! | `responses.rs` | a mocked response: invocation ranges and their Return/Throw answers |
//! | `parse.rs` | reading and checking the file, every problem with its place |
//! | `count.rs` | which invocation of a state a call is, kept across retries, visits and resumes |
//! | `mod.rs` | the config, the handler and its fallback |

mod count;
mod locate;
mod parse;
mod responses;

pub use parse::MockConfigError;
pub use responses::{Answer, Invocations, MockedResponse};

use crate::error::Failure;
use crate::handler::{TaskCall, TaskHandler};
use count::Counts;
use parse::{TestCase, TestCases};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A mock config file, read and checked.
#[derive(Debug, Clone)]
pub struct MockConfig {
    machines: BTreeMap<String, TestCases>,
}

impl MockConfig {
    /// Reads the file's text; every problem in it is reported, each with its JSON pointer and
    /// `line:col`, in file order.
    pub fn parse(text: &str) -> Result<MockConfig, Vec<MockConfigError>> {
        parse::parse(text).map(|machines| MockConfig { machines })
    }

    /// The handler of test case `test_case` of state machine `state_machine` (the names under
    /// `StateMachines` and `TestCases`), with its own invocation counts.
    pub fn handler(&self, state_machine: &str, test_case: &str) -> Result<MockHandler, UnknownTestCase> {
        let unknown = |known: Vec<&String>| UnknownTestCase {
            state_machine: state_machine.to_string(),
            test_case: self.machines.contains_key(state_machine).then(|| test_case.to_string()),
            known: known.into_iter().cloned().collect(),
        };
        let cases = self.machines.get(state_machine).ok_or_else(|| unknown(self.machines.keys().collect()))?;
        let states = cases.get(test_case).ok_or_else(|| unknown(cases.keys().collect()))?;
        Ok(MockHandler {
            case: Arc::new(Case { state_machine: state_machine.to_string(), test_case: test_case.to_string(), states: states.clone() }),
            counts: Arc::default(),
        })
    }

    /// The state machines the file mocks.
    pub fn state_machines(&self) -> impl Iterator<Item = &str> {
        self.machines.keys().map(String::as_str)
    }

    /// The test cases of `state_machine`, none when the file does not mock it.
    pub fn test_cases(&self, state_machine: &str) -> impl Iterator<Item = &str> {
        self.machines.get(state_machine).into_iter().flat_map(|cases| cases.keys().map(String::as_str))
    }
}

/// A state machine or test case the file does not have, with the names it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTestCase {
    state_machine: String,
    /// `None` when the state machine itself is missing.
    test_case: Option<String>,
    /// The state machines the file has, or the test cases of the state machine.
    known: Vec<String>,
}

impl fmt::Display for UnknownTestCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |names: &[String]| match names {
            [] => "none".to_string(),
            names => names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", "),
        };
        match &self.test_case {
            None => write!(f, "the mock config has no state machine '{}' under StateMachines; it has: {}", self.state_machine, list(&self.known)),
            Some(case) => write!(f, "state machine '{}' of the mock config has no test case '{case}'; its TestCases are: {}", self.state_machine, list(&self.known)),
        }
    }
}

impl std::error::Error for UnknownTestCase {}

/// One test case: what it mocks, named for the messages.
#[derive(Debug)]
struct Case {
    state_machine: String,
    test_case: String,
    states: TestCase,
}

/// Serves the Task states one test case mocks: the k-th invocation of a state (retries
/// included, per execution) answers from the range of its mocked response holding k. A
/// `Return` is the Task's result, for a `.waitForTaskToken` resource too (the callback is taken
/// as sent with it, as Step Functions Local does); a `Throw` fails the Task with its error and
/// cause, which the state's Retry and Catch see. A Task state the test case does not mock, or an
/// invocation past the last range, fails the execution with `States.Runtime` (which no Retry or
/// Catch handles: the test is wrong, not the workflow) naming the state and how to mock it.
///
/// Clones share their counts: clone it to hand one handler to several runs of one execution.
/// In a durable run, a `.waitForTaskToken` Task waits for its token's answer whatever the mock
/// returns; mocks are for runs without a journal, like Step Functions Local's.
#[derive(Debug, Clone)]
pub struct MockHandler {
    case: Arc<Case>,
    counts: Arc<Counts>,
}

impl MockHandler {
    /// Whether the test case mocks Task state `state`.
    pub fn mocks(&self, state: &str) -> bool {
        self.case.states.contains_key(state)
    }

    /// This handler for the states it mocks, `other` for the rest (a real service integration,
    /// a handler of the workflow's own): Step Functions Local's calls to the real endpoint for
    /// states a test case leaves out.
    pub fn or<H: TaskHandler>(self, other: H) -> MockOr<H> {
        MockOr { mock: self, other }
    }

    /// The answer to `call` from its state's mocked response.
    fn answer(&self, call: &TaskCall) -> Result<Value, Failure> {
        let Some(response) = self.case.states.get(call.state) else {
            return Err(Failure::runtime(format!(
                "no mocked response for Task state '{}' (Resource {}) in test case '{}' of state machine '{}'; add it to the mock config's TestCases",
                call.state, call.resource, self.case.test_case, self.case.state_machine
            )));
        };
        let k = self.counts.number(call.state, &call.context);
        match response.answer(k) {
            Some(answer) => answer.outcome(),
            None => Err(Failure::runtime(format!(
                "mocked response '{}' has no answer for invocation {k} of Task state '{}' (Resource {}) in test case '{}' of state machine '{}': it answers {}; add a range for {k} to it in MockedResponses",
                response.name(),
                call.state,
                call.resource,
                self.case.test_case,
                self.case.state_machine,
                match response.invocations() {
                    1 => "invocation 0".to_string(),
                    n => format!("invocations 0-{}", n - 1),
                }
            ))),
        }
    }
}

impl TaskHandler for MockHandler {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        self.answer(&call)
    }
}

/// A [`MockHandler`] in front of another handler: mocked states answer from the mock, the
/// others go to `other`.
#[derive(Debug, Clone)]
pub struct MockOr<H> {
    mock: MockHandler,
    other: H,
}

impl<H> MockOr<H> {
    /// The handler behind the mock.
    pub fn other(&self) -> &H {
        &self.other
    }
}

impl<H: TaskHandler> TaskHandler for MockOr<H> {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        if self.mock.mocks(call.state) {
            self.mock.answer(&call)
        } else {
            self.other.call(call).await
        }
    }

    /// A mocked activity task is answered by the mock, so its activity need not exist.
    fn activity_exists(&self, state: &str, activity_arn: &str) -> bool {
        self.mock.mocks(state) || self.other.activity_exists(state, activity_arn)
    }
}

#[cfg(test)]
mod tests;
