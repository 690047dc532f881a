//! TestState, as data: the request checked as AWS checks it and turned into a state machine
//! that runs the state once (`TestStatePlan`), and that machine's history read back into
//! TestState's answer (`TestStatePlan::answer`). Running it is the caller's: the state is
//! compiled and run like any definition (`asl serve` builds it into a worker), never
//! interpreted.
//!
//! The machine: the state under test (its name from `stateName`, else AWS's `StateName`) with
//! its Retry taken away, so one attempt is made; every state it can go to (Next, Choices,
//! Default, Catch) a Succeed state that passes its input on, so the state's output and next
//! state can be read from the history; and, when `variables` are given, a Pass state before it
//! that assigns them. Whether a Retrier would have retried the failure is decided from the
//! original Retry (the first Retrier whose ErrorEquals matches, with `retrierRetryCount`
//! attempts made), by the runtime's own matching rules.

use super::{ApiError, ApiResult};
use asl_runtime::error::Failure;
use asl_runtime::retry::Retrier;
use serde_json::{json, Map, Value};

/// The name AWS gives a state tested on its own.
const STATE_NAME: &str = "StateName";
/// The Pass state that assigns the request's `variables` before the state under test.
const SETUP: &str = "asl-test-state-variables";
/// The mock test case the plan's mock config defines.
pub const TEST_CASE: &str = "TestState";
/// The state machine's name in the plan's mock config.
pub const MACHINE: &str = "test-state";

/// TestState's `inspectionLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectionLevel {
    #[default]
    Info,
    Debug,
    Trace,
}

impl InspectionLevel {
    pub fn parse(text: &str) -> ApiResult<Self> {
        match text {
            "INFO" => Ok(InspectionLevel::Info),
            "DEBUG" => Ok(InspectionLevel::Debug),
            "TRACE" => Ok(InspectionLevel::Trace),
            other => Err(ApiError::new(
                "ValidationException",
                format!("1 validation error detected: Value '{}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]", asl_codegen::printable(other)),
            )),
        }
    }
}

/// TestState's `mock`: the Task's result (JSON text), or the error it fails with.
#[derive(Debug, Clone, PartialEq)]
pub enum Mock {
    Result(String),
    Error { error: Option<String>, cause: Option<String> },
}

/// A TestState request, as the API gives it.
#[derive(Debug, Clone, Default)]
pub struct TestStateRequest<'a> {
    pub definition: &'a str,
    pub state_name: Option<&'a str>,
    pub role_arn: Option<&'a str>,
    pub input: Option<&'a str>,
    pub inspection_level: InspectionLevel,
    pub variables: Option<&'a str>,
    pub mock: Option<Mock>,
    pub reveal_secrets: bool,
    /// `stateConfiguration.retrierRetryCount`.
    pub retrier_retry_count: u32,
    /// Members this server does not take yet (`context`, the other `stateConfiguration`
    /// members), by name: refused rather than ignored.
    pub unsupported: Vec<&'static str>,
}

/// What to run, and how to read what ran.
#[derive(Debug, Clone)]
pub struct TestStatePlan {
    /// The state machine to run, once, with [`TestStatePlan::input`].
    pub definition: String,
    pub input: String,
    /// A mock config (Step Functions Local's format) answering the Task under test, for
    /// test case [`TEST_CASE`] of machine [`MACHINE`].
    pub mock_config: Option<String>,
    state: String,
    jsonata: bool,
    level: InspectionLevel,
    retriers: Vec<(Vec<String>, Retrier)>,
    catchers: Vec<Vec<String>>,
    retry_count: u32,
    variables: Map<String, Value>,
    /// The state is a Map or Parallel whose mocked result a Task stands for (whose request
    /// is not the state's).
    stand_in: bool,
}

fn invalid_definition(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidDefinition", message.into())
}

fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new("ValidationException", message.into())
}

/// Checks `request` as AWS does and plans the run.
pub fn plan(request: &TestStateRequest<'_>) -> ApiResult<TestStatePlan> {
    if let Some(member) = request.unsupported.first() {
        return Err(validation(format!("TestState's '{member}' is not supported by asl serve yet")));
    }
    let parsed: Value = serde_json::from_str(request.definition)
        .map_err(|e| invalid_definition(format!("Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: {e}'")))?;
    let (name, state, query_language) = match request.state_name {
        Some(name) => {
            let state = find_state(&parsed, name).ok_or_else(|| validation("State not found in definition"))?;
            (name.to_string(), state.clone(), parsed.get("QueryLanguage").cloned())
        }
        None => (STATE_NAME.to_string(), parsed, None),
    };
    let Value::Object(mut state) = state else {
        return Err(invalid_definition("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: a state must be a JSON object'"));
    };
    let kind = state.get("Type").and_then(Value::as_str).unwrap_or_default().to_string();
    let mock = check_mock(request, &kind)?;
    let stand_in = matches!((&mock, kind.as_str()), (Some(_), "Map" | "Parallel"));
    if let (true, Some(mock)) = (stand_in, &mock) {
        check_mocked_result(&state, &kind, mock)?;
        state = as_mocked_task(state);
    }
    let jsonata = state.get("QueryLanguage").or(query_language.as_ref()).and_then(Value::as_str) == Some("JSONata");
    // The machine around the state is JSONPath (its setup Pass and Succeed states); a state of
    // a JSONata machine says so itself.
    if jsonata {
        state.insert("QueryLanguage".into(), "JSONata".into());
    }
    let input = request.input.unwrap_or("{}");
    serde_json::from_str::<Value>(input).map_err(|e| ApiError::new("InvalidExecutionInput", format!("Invalid State Machine Execution Input: '{e}'")))?;
    let variables = match request.variables {
        None => Map::new(),
        Some(text) => match serde_json::from_str(text) {
            Ok(Value::Object(map)) => map,
            _ => return Err(validation("TestState's 'variables' must be a JSON object")),
        },
    };

    let retriers = state.remove("Retry").map(|r| read_retriers(&r)).transpose()?.unwrap_or_default();
    let catchers = state
        .get("Catch")
        .and_then(Value::as_array)
        .map(|c| c.iter().map(|c| strings(c.get("ErrorEquals"))).collect())
        .unwrap_or_default();
    let targets = targets(&state);
    if targets.contains(&name) {
        return Err(validation(format!("asl serve cannot test state '{name}': it can go to itself")));
    }
    let mut states = Map::new();
    let start = if variables.is_empty() {
        name.clone()
    } else {
        states.insert(SETUP.into(), json!({ "Type": "Pass", "Assign": variables, "Next": name }));
        SETUP.to_string()
    };
    states.insert(name.clone(), Value::Object(state));
    for target in targets {
        states.insert(target, json!({ "Type": "Succeed" }));
    }
    let machine = json!({ "StartAt": start, "States": states });
    let mock_config = mock.map(|m| -> ApiResult<String> {
        let response = match m {
            Mock::Result(text) => json!({ "Return": serde_json::from_str::<Value>(&text).map_err(|_| validation("Mocked result must be valid JSON"))? }),
            Mock::Error { error, cause } => {
                let mut thrown = Map::new();
                if let Some(error) = error {
                    thrown.insert("Error".into(), error.into());
                }
                if let Some(cause) = cause {
                    thrown.insert("Cause".into(), cause.into());
                }
                json!({ "Throw": thrown })
            }
        };
        let config = json!({
            "StateMachines": { MACHINE: { "TestCases": { TEST_CASE: { name.clone(): "Mocked" } } } },
            "MockedResponses": { "Mocked": { "0": response } },
        });
        Ok(config.to_string())
    });
    let mock_config = mock_config.transpose()?;
    Ok(TestStatePlan {
        definition: machine.to_string(),
        input: input.to_string(),
        mock_config,
        state: name,
        jsonata,
        level: request.inspection_level,
        retriers,
        catchers,
        retry_count: request.retrier_retry_count,
        variables,
        stand_in,
    })
}

/// AWS's rules on which states may be tested, with and without a mock, and on the mock.
fn check_mock(request: &TestStateRequest<'_>, kind: &str) -> ApiResult<Option<Mock>> {
    match (&request.mock, kind) {
        (None, "Map" | "Parallel") => Err(invalid_definition(
            "TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]",
        )),
        (Some(_), "Pass" | "Fail" | "Succeed" | "Choice" | "Wait") => Err(validation(format!("State type '{kind}' is not supported when a mock is specified"))),
        (Some(_), _) if request.reveal_secrets => Err(validation("TestState does not support RevealSecrets when a mock is specified.")),
        (Some(Mock::Result(text)), _) => match serde_json::from_str::<Value>(text) {
            Ok(_) => Ok(request.mock.clone()),
            Err(_) => Err(validation("Mocked result must be valid JSON")),
        },
        (Some(mock), _) => Ok(Some(mock.clone())),
        (None, "Task") if request.role_arn.is_none() => Err(validation("RoleArn must be specified when testing a Task state")),
        (None, _) => Ok(None),
    }
}

/// AWS's rules on the mocked result of a Map or Parallel state: an array (a JSON object for a
/// Map with a ResultWriter), as long as the Parallel has branches.
fn check_mocked_result(state: &Map<String, Value>, kind: &str, mock: &Mock) -> ApiResult<()> {
    let Mock::Result(text) = mock else { return Ok(()) };
    let result: Value = serde_json::from_str(text).map_err(|_| validation("Mocked result must be valid JSON"))?;
    if kind == "Map" && state.contains_key("ResultWriter") {
        return match result.is_object() {
            true => Ok(()),
            false => Err(validation("Mocked result must be a JSON object.")),
        };
    }
    let Some(items) = result.as_array() else { return Err(validation("Mocked result must be an array.")) };
    let branches = state.get("Branches").and_then(Value::as_array).map(Vec::len);
    if kind == "Parallel" && branches != Some(items.len()) {
        return Err(validation("Mocked result must contain the same number of items as number of Parallel branches."));
    }
    Ok(())
}

/// A Map or Parallel state whose result is mocked, as the Task state that stands for it: its
/// children never run, so what is kept is what acts on the state's input and result (InputPath,
/// ResultSelector, ResultPath, OutputPath, Assign, Output, Retry, Catch and the transition);
/// the mock answers the Task.
fn as_mocked_task(state: Map<String, Value>) -> Map<String, Value> {
    const KEPT: &[&str] = &[
        "Comment", "QueryLanguage", "InputPath", "ResultSelector", "ResultPath", "OutputPath", "Assign", "Output", "Retry", "Catch", "Next", "End",
    ];
    let mut task: Map<String, Value> = state.into_iter().filter(|(k, _)| KEPT.contains(&k.as_str())).collect();
    task.insert("Type".into(), "Task".into());
    task.insert("Resource".into(), MOCKED_RESOURCE.into());
    task
}

/// The Resource of the Task that stands for a mocked Map or Parallel state.
const MOCKED_RESOURCE: &str = "arn:aws:states:::lambda:invoke";

/// State `name` of a machine, at the top or inside a Parallel branch or a Map's processor.
fn find_state<'a>(machine: &'a Value, name: &str) -> Option<&'a Value> {
    let states = machine.get("States")?.as_object()?;
    if let Some(state) = states.get(name) {
        return Some(state);
    }
    states.values().find_map(|state| {
        let branches = state.get("Branches").and_then(Value::as_array).into_iter().flatten();
        let processors = ["ItemProcessor", "Iterator"].into_iter().filter_map(|k| state.get(k));
        branches.chain(processors).find_map(|inner| find_state(inner, name))
    })
}

/// Every state `state` can go to.
fn targets(state: &Map<String, Value>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(name) = v.and_then(Value::as_str) {
            if !out.iter().any(|o| o == name) {
                out.push(name.to_string());
            }
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for rule in state.get("Choices").and_then(Value::as_array).into_iter().flatten() {
        add(rule.get("Next"));
    }
    for catcher in state.get("Catch").and_then(Value::as_array).into_iter().flatten() {
        add(catcher.get("Next"));
    }
    out
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

/// The numbers of each Retrier (its ErrorEquals kept apart: the runtime's `Retrier` holds
/// static names), AWS's defaults filled in.
fn read_retriers(retry: &Value) -> ApiResult<Vec<(Vec<String>, Retrier)>> {
    let number = |r: &Value, key: &str| r.get(key).and_then(Value::as_f64);
    let whole = |r: &Value, key: &str| number(r, key).map(|n| n.max(0.0).min(f64::from(u32::MAX)) as u32);
    Ok(retry
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let numbers = Retrier {
                error_equals: &[],
                interval_seconds: whole(r, "IntervalSeconds").unwrap_or(Retrier::DEFAULT.interval_seconds),
                max_attempts: whole(r, "MaxAttempts").unwrap_or(Retrier::DEFAULT.max_attempts),
                backoff_rate: number(r, "BackoffRate").unwrap_or(Retrier::DEFAULT.backoff_rate),
                max_delay_seconds: whole(r, "MaxDelaySeconds"),
                jitter: Retrier::DEFAULT.jitter,
            };
            (strings(r.get("ErrorEquals")), numbers)
        })
        .collect())
}

/// What the state did, read from the history of its run.
#[derive(Debug, Default)]
struct Observed<'a> {
    input: Option<&'a Value>,
    parameters: Option<&'a Value>,
    result: Option<&'a Value>,
    output: Option<&'a Value>,
    assigned: Option<&'a Map<String, Value>>,
    next_state: Option<&'a str>,
    /// The last error inside the state (a caught one), or the execution's.
    failure: Option<(String, Option<String>)>,
    execution_failed: bool,
}

impl TestStatePlan {
    /// TestState's answer from the run's DescribeExecution answer (`status`) and its history
    /// events (GetExecutionHistory's shape).
    pub fn answer(&self, described: &Value, events: &[Value]) -> Value {
        let seen = self.observe(described, events);
        let mut answer = Map::new();
        let mut details = Map::new();
        let status = match &seen.failure {
            None => {
                if let Some(output) = seen.output {
                    answer.insert("output".into(), output.clone());
                }
                "SUCCEEDED"
            }
            Some((error, cause)) => {
                answer.insert("error".into(), error.clone().into());
                if let Some(cause) = cause {
                    answer.insert("cause".into(), cause.clone().into());
                }
                let failure = Failure::new(error.clone(), cause.clone().unwrap_or_default());
                let matching = |names: &Vec<String>| failure.is_matched_by_any(&names.iter().map(String::as_str).collect::<Vec<_>>());
                let retrier = self.retriers.iter().position(|(names, _)| matching(names));
                let catcher = self.catchers.iter().position(matching);
                match (retrier, catcher) {
                    (Some(i), _) if self.retry_count < self.retriers[i].1.max_attempts => {
                        details.insert("retryIndex".into(), i.into());
                        let delay = self.retriers[i].1.base_delay_seconds(self.retry_count + 1);
                        details.insert("retryBackoffIntervalSeconds".into(), json!(delay.round() as u64));
                        answer.remove("output");
                        "RETRIABLE"
                    }
                    (retrier, Some(i)) if !seen.execution_failed => {
                        if let Some(r) = retrier {
                            details.insert("retryIndex".into(), r.into());
                        }
                        details.insert("catchIndex".into(), i.into());
                        if let Some(output) = seen.output {
                            answer.insert("output".into(), output.clone());
                        }
                        "CAUGHT_ERROR"
                    }
                    (retrier, _) => {
                        if let Some(r) = retrier {
                            details.insert("retryIndex".into(), r.into());
                        }
                        "FAILED"
                    }
                }
            }
        };
        if matches!(status, "SUCCEEDED" | "CAUGHT_ERROR") {
            if let Some(next) = seen.next_state {
                answer.insert("nextState".into(), next.into());
            }
        }
        answer.insert("status".into(), status.into());
        if self.level != InspectionLevel::Info {
            answer.insert("inspectionData".into(), self.inspection(&seen, details));
        }
        Value::Object(answer)
    }

    fn observe<'a>(&self, described: &'a Value, events: &'a [Value]) -> Observed<'a> {
        let mut seen = Observed::default();
        let details = |e: &'a Value| e.as_object().and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v));
        let mut inside = false;
        let mut exited = false;
        for event in events {
            let kind = event["type"].as_str().unwrap_or_default();
            let Some(d) = details(event) else { continue };
            let named = d.get("name").and_then(Value::as_str);
            if kind.ends_with("StateEntered") {
                if exited && seen.next_state.is_none() {
                    seen.next_state = named;
                }
                if named == Some(self.state.as_str()) && !exited {
                    inside = true;
                    seen.input = d.get("input");
                }
                continue;
            }
            if !inside {
                continue;
            }
            if kind.ends_with("StateExited") && named == Some(self.state.as_str()) {
                seen.output = d.get("output");
                seen.assigned = d.get("assignedVariables").and_then(Value::as_object);
                (inside, exited) = (false, true);
            } else if kind.ends_with("Scheduled") {
                seen.parameters = d.get("parameters").or_else(|| d.get("input"));
            } else if matches!(kind, "TaskSucceeded" | "LambdaFunctionSucceeded" | "ActivitySucceeded") {
                seen.result = d.get("output");
            } else if let Some(error) = d.get("error").and_then(Value::as_str) {
                seen.failure = Some((error.to_string(), d.get("cause").and_then(Value::as_str).map(str::to_string)));
            }
        }
        if described["status"] != "SUCCEEDED" && !exited {
            seen.execution_failed = true;
            seen.output = None;
            let error = described["error"].as_str().unwrap_or("States.Runtime").to_string();
            seen.failure = Some((error, described["cause"].as_str().map(str::to_string)));
        }
        seen
    }

    /// `inspectionData` (DEBUG and TRACE): what the history shows of the state's steps.
    fn inspection(&self, seen: &Observed<'_>, error_details: Map<String, Value>) -> Value {
        let mut data = Map::new();
        if let Some(input) = seen.input {
            data.insert("input".into(), input.clone());
        }
        if let Some(parameters) = seen.parameters.filter(|_| !self.stand_in) {
            let key = if self.jsonata { "afterArguments" } else { "afterParameters" };
            data.insert(key.into(), parameters.clone());
        }
        if let Some(result) = seen.result {
            data.insert("result".into(), result.clone());
        }
        let mut variables = self.variables.clone();
        for (name, text) in seen.assigned.into_iter().flatten() {
            let value = text.as_str().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_else(|| text.clone());
            variables.insert(name.clone(), value);
        }
        if !variables.is_empty() {
            data.insert("variables".into(), Value::Object(variables).to_string().into());
        }
        if !error_details.is_empty() {
            data.insert("errorDetails".into(), Value::Object(error_details));
        }
        Value::Object(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(definition: &str) -> TestStateRequest<'_> {
        TestStateRequest { definition, role_arn: Some("arn:aws:iam::1:role/r"), ..Default::default() }
    }

    #[test]
    fn a_state_becomes_a_machine_that_runs_it_once() {
        let task = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Retry": [{"ErrorEquals": ["States.ALL"]}],
            "Catch": [{"ErrorEquals": ["Oops"], "Next": "Handle"}], "Next": "After"}"#;
        let plan = plan(&TestStateRequest { mock: Some(Mock::Result(r#"{"ok": 1}"#.into())), ..request(task) }).unwrap();
        let machine: Value = serde_json::from_str(&plan.definition).unwrap();
        assert_eq!(machine["StartAt"], "StateName");
        assert!(machine["States"]["StateName"].get("Retry").is_none(), "{machine}");
        assert_eq!((machine["States"]["After"]["Type"].as_str(), machine["States"]["Handle"]["Type"].as_str()), (Some("Succeed"), Some("Succeed")));
        let mocks: Value = serde_json::from_str(plan.mock_config.as_deref().unwrap()).unwrap();
        assert_eq!(mocks["MockedResponses"]["Mocked"]["0"]["Return"], json!({"ok": 1}));
    }

    #[test]
    fn a_jsonata_state_with_variables_makes_a_valid_machine() {
        let machine = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% $x + 1 %}", "End": true}}}"#;
        let plan = plan(&TestStateRequest { state_name: Some("A"), variables: Some(r#"{"x": 1}"#), ..request(machine) }).unwrap();
        assert!(asl_codegen::check_source(&plan.definition).is_empty(), "{}", plan.definition);
    }

    #[test]
    fn aws_refusals() {
        let code = |r: TestStateRequest<'_>| plan(&r).unwrap_err().code;
        assert_eq!(code(request(r#"{"Type": "Map"}"#)), "InvalidDefinition");
        let parallel = r#"{"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}], "End": true}"#;
        assert_eq!(code(TestStateRequest { mock: Some(Mock::Result("[1, 2]".into())), ..request(parallel) }), "ValidationException");
        assert_eq!(code(TestStateRequest { mock: Some(Mock::Result("{}".into())), ..request(r#"{"Type": "Map", "End": true}"#) }), "ValidationException");
        assert_eq!(code(TestStateRequest { mock: Some(Mock::Result("1".into())), ..request(r#"{"Type": "Pass", "End": true}"#) }), "ValidationException");
        assert_eq!(code(TestStateRequest { role_arn: None, ..request(r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}"#) }), "ValidationException");
        assert_eq!(code(TestStateRequest { state_name: Some("Nope"), ..request(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#) }), "ValidationException");
        assert_eq!(code(TestStateRequest { input: Some("{"), ..request(r#"{"Type": "Pass", "End": true}"#) }), "InvalidExecutionInput");
    }

    fn event(kind: &str, details: Value) -> Value {
        let key = format!("{}{}EventDetails", kind[..1].to_lowercase(), &kind[1..]);
        json!({ "type": kind, key: details })
    }

    #[test]
    fn retry_beats_catch_and_catch_gives_the_next_state() {
        let task = r#"{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "After",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle"}]}"#;
        let events = |error: &str| {
            vec![
                event("TaskStateEntered", json!({ "name": "StateName", "input": "{}" })),
                event("TaskScheduled", json!({ "parameters": "{\"FunctionName\":\"f\"}" })),
                event("TaskFailed", json!({ "error": error, "cause": "why" })),
                event("TaskStateExited", json!({ "name": "StateName", "output": "{\"Error\":\"x\"}" })),
                event("SucceedStateEntered", json!({ "name": "Handle", "input": "{}" })),
            ]
        };
        let succeeded = json!({ "status": "SUCCEEDED" });
        let retried = plan(&TestStateRequest { retrier_retry_count: 4, inspection_level: InspectionLevel::Debug, ..request(task) }).unwrap();
        let answer = retried.answer(&succeeded, &events("Busy"));
        assert_eq!(answer["status"], "RETRIABLE", "{answer}");
        assert_eq!(answer["inspectionData"]["errorDetails"], json!({ "retryIndex": 0, "retryBackoffIntervalSeconds": 16 }));
        assert!(answer.get("nextState").is_none());
        let caught = plan(&request(task)).unwrap().answer(&succeeded, &events("Other"));
        assert_eq!((caught["status"].as_str(), caught["nextState"].as_str(), caught["error"].as_str()), (Some("CAUGHT_ERROR"), Some("Handle"), Some("Other")));
        let exhausted = plan(&TestStateRequest { retrier_retry_count: 5, ..request(task) }).unwrap().answer(&succeeded, &events("Busy"));
        assert_eq!(exhausted["status"], "CAUGHT_ERROR", "{exhausted}");
    }
}
