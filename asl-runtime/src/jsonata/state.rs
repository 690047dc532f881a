//! Where a workflow state meets JSONata: a field's expression evaluated with `$states` (the
//! state's input, its result, its error output, the Context object) and the workflow's
//! variables, its value checked the way AWS checks it, and its failures as AWS words them
//! (`States.QueryEvaluationError`).

use serde_json::Value as Json;

use super::value::{Env, Object, Str, Value};
use super::{Eval, Expression};
use crate::flow::Fault;
use crate::variables::Variables;

/// What `$states` holds while a state's field is evaluated.
#[derive(Clone, Copy)]
pub struct States<'s> {
    pub input: &'s Json,
    /// A Task's, Map's or Parallel's result: in `Output` and `Assign` only.
    pub result: Option<&'s Json>,
    /// `{"Error", "Cause"}`: in a Catcher's `Output` and `Assign` only.
    pub error_output: Option<&'s Json>,
    pub context: Option<&'s Json>,
}

impl<'s> States<'s> {
    pub fn input(input: &'s Json) -> Self {
        States { input, result: None, error_output: None, context: None }
    }

    pub fn with_result(self, result: &'s Json) -> Self {
        States { result: Some(result), ..self }
    }

    pub fn with_error_output(self, error_output: &'s Json) -> Self {
        States { error_output: Some(error_output), ..self }
    }

    pub fn with_context(self, context: &'s Json) -> Self {
        States { context: Some(context), ..self }
    }

    fn value(&self) -> Value<'s> {
        let mut o = Object::new();
        o.insert(Str::Borrowed("input"), Value::from_json(self.input));
        if let Some(r) = self.result {
            o.insert(Str::Borrowed("result"), Value::from_json(r));
        }
        if let Some(e) = self.error_output {
            o.insert(Str::Borrowed("errorOutput"), Value::from_json(e));
        }
        if let Some(c) = self.context {
            o.insert(Str::Borrowed("context"), Value::from_json(c));
        }
        Value::Object(std::rc::Rc::new(o))
    }
}

/// The value of one expression of a state's field: `text` is the expression as written,
/// `location` the field (`Output`, `Arguments/FunctionName`). Undefined and functions are
/// errors here, as in AWS.
pub fn query<'s>(expr: Expression, text: &str, location: &str, states: &States<'s>, variables: &'s Variables) -> Result<Json, Fault> {
    let root = states.value();
    let lookup = |name: &str| variables.get(name);
    let env = Env::with_outer(vec![("states", root)], &lookup);
    let ev = Eval::new(Value::Undefined);
    let fail = |why: String| Fault::evaluation(location, format!("The JSONata expression '{text}' specified for the field '{location}' {why}"));
    match expr.eval(&ev, &Value::Undefined, &env) {
        Err(e) => Err(fail(format!("threw an error during evaluation. {e}"))),
        Ok(Value::Undefined) => Err(fail("returned nothing (undefined).".into())),
        Ok(Value::Function(_)) => Err(fail("returned an unsupported result type.".into())),
        Ok(v) => Ok(v.to_json().unwrap_or(Json::Null)),
    }
}

/// The input of a JSONata Map without `Items`: it must be an array.
pub fn input_items(input: &Json) -> Result<Vec<Json>, Fault> {
    match input {
        Json::Array(items) => Ok(items.clone()),
        other => Err(Fault::evaluation_unplaced(format!("Map state input must be an array but was: {}", crate::payload::compact(other)))),
    }
}

/// `Items` of a Map: an array, else AWS's "unexpected result type".
pub fn expect_array(value: Json, text: &str, location: &str) -> Result<Vec<Json>, Fault> {
    match value {
        Json::Array(items) => Ok(items),
        other => Err(unexpected(&other, "array", text, location)),
    }
}

/// The error for a value of the wrong type, quoting it as AWS does.
pub fn unexpected(value: &Json, expected: &str, text: &str, location: &str) -> Fault {
    let kind = match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    };
    Fault::evaluation(
        location,
        format!("The JSONata expression '{text}' specified for the field '{location}' returned an unexpected result type. Expected '{expected}', but was '{kind}' for value: {value}"),
    )
}

/// A Choice rule's `Condition`: a boolean, else AWS's "unexpected result type".
pub fn condition(value: Json, text: &str, location: &str) -> Result<bool, Fault> {
    match value {
        Json::Bool(b) => Ok(b),
        other => Err(unexpected(&other, "boolean", text, location)),
    }
}
