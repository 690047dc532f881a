//! Reading a mock config file (AWS Step Functions Local's `MockConfigFile.json`): every problem
//! is collected, with its JSON pointer and `line:col`, and reported together in file order.
//!
//! ```json
//! {"StateMachines": {"<machine>": {"TestCases": {"<case>": {"<Task state>": "<response>"}}}},
//!  "MockedResponses": {"<response>": {"0": {"Return": …}, "1-2": {"Throw": {"Error": …, "Cause": …}}}}}
//! ```

use super::locate::locate;
use super::responses::{Answer, Invocations, MockedResponse};
use crate::error::Failure;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// A test case: Task state name → its mocked response.
pub type TestCase = BTreeMap<String, Arc<MockedResponse>>;
/// A state machine's test cases, by name.
pub type TestCases = BTreeMap<String, TestCase>;

/// Finding the place of an error walks the text, so only this many are placed; a file with
/// more problems than that has its first ones to fix.
const PLACED_ERRORS: usize = 100;

/// A problem in a mock config file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockConfigError {
    pointer: String,
    position: Option<(u32, u32)>,
    message: String,
}

impl MockConfigError {
    /// The JSON pointer of the offending key (`/MockedResponses/Lambda/1-2`); empty for the whole
    /// file.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// Line and column (from 1) of the offending key, when known.
    pub fn position(&self) -> Option<(u32, u32)> {
        self.position
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

/// `12:7: /MockedResponses/Lambda/1-2: message`.
impl fmt::Display for MockConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, col)) = self.position {
            write!(f, "{line}:{col}: ")?;
        }
        if !self.pointer.is_empty() {
            write!(f, "{}: ", self.pointer)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for MockConfigError {}

/// The file's state machines (name → test cases), when it has no problem.
pub fn parse(text: &str) -> Result<BTreeMap<String, TestCases>, Vec<MockConfigError>> {
    let mut reader = Reader { errors: Vec::new() };
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) => {
            let full = e.to_string();
            let message = full.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())).unwrap_or(&full);
            let position = u32::try_from(e.line()).ok().zip(u32::try_from(e.column()).ok());
            return Err(vec![MockConfigError { pointer: String::new(), position, message: format!("not JSON: {message}") }]);
        }
    };
    let machines = reader.root(&root);
    if reader.errors.is_empty() {
        return Ok(machines);
    }
    Err(reader.placed(text))
}

/// Collects problems while reading; each names the path of keys it is about.
struct Reader {
    errors: Vec<(Vec<String>, String)>,
}

impl Reader {
    fn error(&mut self, path: &[&str], message: impl Into<String>) {
        self.errors.push((path.iter().map(|s| s.to_string()).collect(), message.into()));
    }

    /// The problems with their pointers and places, in file order.
    fn placed(self, text: &str) -> Vec<MockConfigError> {
        let mut out: Vec<MockConfigError> = self
            .errors
            .into_iter()
            .enumerate()
            .map(|(i, (path, message))| {
                let tokens: Vec<&str> = path.iter().map(String::as_str).collect();
                let position = if i < PLACED_ERRORS { locate(text, &tokens) } else { None };
                MockConfigError { pointer: pointer(&tokens), position, message }
            })
            .collect();
        // Stable: problems at one place keep the order they were found in; unplaced go last.
        out.sort_by_key(|e| e.position.unwrap_or((u32::MAX, u32::MAX)));
        out
    }

    /// An object, or a problem saying what `what` should have been.
    fn object<'v>(&mut self, value: &'v Value, path: &[&str], what: &str) -> Option<&'v Map<String, Value>> {
        let object = value.as_object();
        if object.is_none() {
            self.error(path, format!("{what} must be an object, not {}", kind(value)));
        }
        object
    }

    fn root(&mut self, root: &Value) -> BTreeMap<String, TestCases> {
        let Some(root) = self.object(root, &[], "a mock config") else { return BTreeMap::new() };
        for key in root.keys().filter(|k| !matches!(k.as_str(), "StateMachines" | "MockedResponses")) {
            self.error(&[key], format!("unknown field '{key}': a mock config has \"StateMachines\" and \"MockedResponses\""));
        }
        // Responses first: test cases refer to them. A response with a problem is known by name
        // all the same, so a test case naming it is not reported a second time.
        let mut responses = BTreeMap::new();
        let mut named = BTreeSet::new();
        if let Some(all) = root.get("MockedResponses").and_then(|v| self.object(v, &["MockedResponses"], "MockedResponses")) {
            for (name, value) in all {
                named.insert(name.as_str());
                if let Some(response) = self.response(name, value) {
                    responses.insert(name.clone(), Arc::new(response));
                }
            }
        }
        let mut machines = BTreeMap::new();
        if let Some(all) = root.get("StateMachines").and_then(|v| self.object(v, &["StateMachines"], "StateMachines")) {
            for (name, value) in all {
                machines.insert(name.clone(), self.machine(name, value, &responses, &named));
            }
        }
        machines
    }

    fn machine(&mut self, name: &str, value: &Value, responses: &BTreeMap<String, Arc<MockedResponse>>, named: &BTreeSet<&str>) -> TestCases {
        let path = ["StateMachines", name];
        let mut cases = TestCases::new();
        let Some(machine) = self.object(value, &path, &format!("state machine '{name}'")) else { return cases };
        for key in machine.keys().filter(|k| k.as_str() != "TestCases") {
            self.error(&["StateMachines", name, key], format!("unknown field '{key}': a state machine has \"TestCases\""));
        }
        let Some(all) = machine.get("TestCases") else {
            self.error(&path, format!("state machine '{name}' has no \"TestCases\""));
            return cases;
        };
        let Some(all) = self.object(all, &["StateMachines", name, "TestCases"], "TestCases") else { return cases };
        for (case, states) in all {
            let path = ["StateMachines", name, "TestCases", case];
            let Some(states) = self.object(states, &path, &format!("test case '{case}'")) else { continue };
            let mut bound = TestCase::new();
            for (state, response) in states {
                let path = ["StateMachines", name, "TestCases", case, state];
                match response.as_str() {
                    None => self.error(&path, format!("the mock of state '{state}' must name a mocked response, not be {}", kind(response))),
                    Some(r) => match responses.get(r) {
                        Some(found) => {
                            bound.insert(state.clone(), found.clone());
                        }
                        None if named.contains(r) => {}
                        None => self.error(&path, format!("state '{state}' names mocked response '{r}', which \"MockedResponses\" does not define")),
                    },
                }
            }
            cases.insert(case.clone(), bound);
        }
        cases
    }

    /// One mocked response: its ranges, sorted, checked to run from 0 without gap or overlap.
    fn response(&mut self, name: &str, value: &Value) -> Option<MockedResponse> {
        let path = ["MockedResponses", name];
        let ranges = self.object(value, &path, &format!("mocked response '{name}'"))?;
        if ranges.is_empty() {
            self.error(&path, format!("mocked response '{name}' answers no invocation; add \"0\": {{\"Return\": …}}"));
            return None;
        }
        let errors_before = self.errors.len();
        let mut read = Vec::new();
        for (key, answer) in ranges {
            let path = ["MockedResponses", name, key];
            let range = Invocations::parse(key).map_err(|e| self.error(&path, e)).ok();
            let answer = self.answer(answer, &path);
            if let (Some(range), Some(answer)) = (range, answer) {
                read.push((range, key.as_str(), answer));
            }
        }
        read.sort_by_key(|(range, _, _)| *range);
        self.contiguous(name, &read);
        (self.errors.len() == errors_before).then(|| MockedResponse::new(name.to_string(), read.into_iter().map(|(r, _, a)| (r, a)).collect()))
    }

    /// Ranges (sorted) that cover 0, 1, 2, … with no invocation twice and none left out: what
    /// Step Functions Local requires, since a retry reaching a hole fails the execution.
    fn contiguous(&mut self, name: &str, read: &[(Invocations, &str, Answer)]) {
        let mut next: u64 = 0; // the first invocation not yet covered
        let mut reach: Option<&str> = None; // the key that covers up to `next`
        for (range, key, _) in read {
            let path = ["MockedResponses", name, key];
            let first = u64::from(range.first());
            if first < next {
                let other = reach.unwrap_or_default();
                self.error(&path, format!("invocations '{key}' overlap '{other}' (invocation {first} is in both); each invocation has one answer"));
            } else if first > next {
                let missing = if first - next == 1 { format!("invocation {next} has") } else { format!("invocations {next}-{} have", first - 1) };
                let after = reach.map_or_else(|| "the ranges begin at 0".to_string(), |p| format!("after '{p}'"));
                self.error(&path, format!("{missing} no answer ({after}); every invocation up to the last needs one"));
            }
            if u64::from(range.last()) + 1 > next {
                next = u64::from(range.last()) + 1;
                reach = Some(key);
            }
        }
    }

    /// `{"Return": …}` or `{"Throw": {"Error": …, "Cause": …}}`.
    fn answer(&mut self, value: &Value, path: &[&str]) -> Option<Answer> {
        let object = self.object(value, path, "an invocation's answer")?;
        for key in object.keys().filter(|k| !matches!(k.as_str(), "Return" | "Throw")) {
            self.error(&with(path, key), format!("unknown field '{key}': an answer is {{\"Return\": …}} or {{\"Throw\": …}}"));
        }
        match (object.get("Return"), object.get("Throw")) {
            (Some(_), Some(_)) => {
                self.error(path, "an answer has \"Return\" or \"Throw\", not both");
                None
            }
            (None, None) => {
                self.error(path, "an answer needs \"Return\" (the Task's result) or \"Throw\" (its error and cause)");
                None
            }
            (Some(result), None) => Some(Answer::Return(result.clone())),
            (None, Some(throw)) => self.throw(throw, &with(path, "Throw")).map(Answer::Throw),
        }
    }

    /// The error a Throw fails the Task with. AWS's documentation asks for both fields; a
    /// missing Cause is accepted (an error output without a cause is one AWS also produces).
    fn throw(&mut self, value: &Value, path: &[&str]) -> Option<Failure> {
        let object = self.object(value, path, "Throw")?;
        for key in object.keys().filter(|k| !matches!(k.as_str(), "Error" | "Cause")) {
            self.error(&with(path, key), format!("unknown field '{key}': Throw has \"Error\" and \"Cause\""));
        }
        let error = match object.get("Error") {
            Some(Value::String(e)) => Some(e.clone()),
            Some(other) => {
                self.error(&with(path, "Error"), format!("Error must be a string, not {}", kind(other)));
                None
            }
            None => {
                self.error(path, "Throw needs \"Error\", the error name Retry and Catch match");
                None
            }
        };
        let cause = match object.get("Cause") {
            None => Some(None),
            Some(Value::String(c)) => Some(Some(c.clone())),
            Some(other) => {
                self.error(&with(path, "Cause"), format!("Cause must be a string, not {}", kind(other)));
                None
            }
        };
        let (error, cause) = (error?, cause?);
        Some(Failure { error, cause })
    }
}

fn with<'a>(path: &[&'a str], key: &'a str) -> Vec<&'a str> {
    let mut p = path.to_vec();
    p.push(key);
    p
}

/// RFC 6901: `~` and `/` escaped in each token.
fn pointer(tokens: &[&str]) -> String {
    tokens.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
