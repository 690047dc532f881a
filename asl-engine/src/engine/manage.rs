//! The actions that change or inspect state machines beyond creating and running them
//! (UpdateStateMachine, DeleteStateMachine, ValidateStateMachineDefinition) and tags of state
//! machines and activities (TagResource, UntagResource, ListTagsForResource).

use super::{checked_definition, check_definition_length, date, express_unsupported, machine_name, new_revision, ApiError, ApiResult, Engine};
use crate::store::{MachineStatus, MachineType, MachineUpdate, Tag};
use asl_codegen::diag::Positions;
use serde_json::{json, Value};

/// AWS's default and largest `maxResults` of ValidateStateMachineDefinition.
const MAX_DIAGNOSTICS: usize = 100;

/// How ValidateStateMachineDefinition filters diagnostics (`severity`): ERROR only, or
/// WARNING and ERROR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn parse(s: &str) -> ApiResult<Severity> {
        match s {
            "ERROR" => Ok(Severity::Error),
            "WARNING" => Ok(Severity::Warning),
            other => Err(ApiError::new(
                "ValidationException",
                format!("1 validation error detected: Value '{}' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]", asl_codegen::printable(other)),
            )),
        }
    }
}

impl Engine {
    /// UpdateStateMachine: a new definition (validated as CreateStateMachine does) and/or role.
    pub fn update_state_machine(&self, arn: &str, definition: Option<&str>, role: Option<&str>) -> ApiResult {
        self.update_state_machine_publishing(arn, definition, role, None)
    }

    /// UpdateStateMachine with `publish` (`Some(description)`): the updated machine is
    /// published as a version.
    pub fn update_state_machine_publishing(&self, arn: &str, definition: Option<&str>, role: Option<&str>, publish: Option<Option<&str>>) -> ApiResult {
        if definition.is_none() && role.is_none() {
            return Err(ApiError::new("MissingRequiredParameter", "Either the definition or the roleArn must be specified"));
        }
        Engine::check_version_description(publish)?;
        let m = self.machine(arn)?;
        if m.status == MachineStatus::Deleting {
            return Err(ApiError::new("StateMachineDeleting", format!("State machine is being deleted: '{}'", m.arn)));
        }
        let definition = match definition {
            Some(d) => Some((d.to_string(), checked_definition(&m.name, d, m.machine_type)?)),
            None => None,
        };
        let now = (self.now)();
        let update = MachineUpdate { definition, role_arn: role.map(str::to_string), update_date: now, revision_id: new_revision() };
        let updated = self.store.update_state_machine(&m.name, &update)?;
        let mut answer = json!({ "updateDate": date(updated.update_date.unwrap_or(now)), "revisionId": updated.revision_id });
        if let Some(description) = publish {
            // This update's revision: one that came after it is not published for it.
            answer["stateMachineVersionArn"] = self.publish(&updated.name, Some(&updated.revision_id), description)?.arn.into();
        }
        Ok(answer)
    }

    /// DeleteStateMachine: gone at once, or DELETING while executions of it run (they may
    /// finish; the last one to end removes it). Deleting what does not exist is no error.
    pub fn delete_state_machine(&self, arn: &str) -> ApiResult {
        let name = machine_name(arn)?;
        self.store.delete_state_machine(name)?;
        Ok(json!({}))
    }

    /// ValidateStateMachineDefinition: every problem CreateStateMachine would refuse, as a
    /// diagnostic whose `location` is its line and column in the definition.
    pub fn validate_state_machine_definition(&self, definition: &str, machine_type: MachineType, severity: Severity, max_results: usize) -> ApiResult {
        if max_results > MAX_DIAGNOSTICS {
            return Err(ApiError::new(
                "ValidationException",
                format!("1 validation error detected: Value '{max_results}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to {MAX_DIAGNOSTICS}"),
            ));
        }
        check_definition_length(definition)?;
        // Every diagnostic is an ERROR, so `severity` (WARNING adds warnings) filters nothing yet.
        let _ = severity;
        let mut diagnostics = definition_diagnostics(definition);
        if diagnostics.is_empty() && machine_type == MachineType::Express {
            if let Some(problem) = express_unsupported(definition) {
                let (message, location) = problem.rsplit_once(" at ").map_or((problem.as_str(), None), |(m, l)| (m, Some(l)));
                diagnostics.push(diagnostic(message, location.map(str::to_string)));
            }
        }
        let limit = if max_results == 0 { MAX_DIAGNOSTICS } else { max_results };
        let truncated = diagnostics.len() > limit;
        diagnostics.truncate(limit);
        let result = if diagnostics.is_empty() { "OK" } else { "FAIL" };
        Ok(json!({ "result": result, "diagnostics": diagnostics, "truncated": truncated }))
    }

    /// TagResource: adds or replaces tags of a state machine or an activity.
    pub fn tag_resource(&self, arn: &str, tags: &[Tag]) -> ApiResult {
        for tag in tags {
            check_tag_length("tags.member.key", &tag.key, 1, 128)?;
            check_tag_length("tags.member.value", &tag.value, 0, 256)?;
        }
        let resource = self.tagged(arn)?;
        self.store.tag_resource(&resource, tags)?;
        Ok(json!({}))
    }

    pub fn untag_resource(&self, arn: &str, keys: &[String]) -> ApiResult {
        let resource = self.tagged(arn)?;
        self.store.untag_resource(&resource, keys)?;
        Ok(json!({}))
    }

    pub fn list_tags_for_resource(&self, arn: &str) -> ApiResult {
        let resource = self.tagged(arn)?;
        let tags: Vec<Value> = self.store.tags(&resource)?.into_iter().map(|t| json!({ "key": t.key, "value": t.value })).collect();
        Ok(json!({ "tags": tags }))
    }

    /// The stored ARN of the state machine or activity `arn` names (in any region and
    /// account); AWS's ResourceNotFound when there is none.
    fn tagged(&self, arn: &str) -> ApiResult<String> {
        let found = if arn.contains(":activity:") { self.activity(arn).map(|a| a.arn) } else { self.machine(arn).map(|m| m.arn) };
        found.map_err(|e| match e.code {
            "StateMachineDoesNotExist" | "ActivityDoesNotExist" => ApiError::new("ResourceNotFound", format!("Resource not found: '{arn}'")),
            _ => e,
        })
    }
}

/// The definition's problems as AWS's diagnostics, with our line and column as the location.
fn definition_diagnostics(definition: &str) -> Vec<Value> {
    let mut positions = Positions::new(definition);
    asl_codegen::check_source(definition)
        .into_iter()
        .map(|d| {
            let (line, col) = positions.line_col(d.span.start());
            let message = match &d.help {
                Some(help) => format!("{} ({help})", d.message),
                None => d.message.clone(),
            };
            diagnostic(&message, Some(format!("line {line}, column {col}")))
        })
        .collect()
}

fn diagnostic(message: &str, location: Option<String>) -> Value {
    let mut d = json!({ "severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": message });
    if let Some(location) = location {
        d["location"] = location.into();
    }
    d
}

/// AWS's tag limits: keys of 1–128 characters, values of up to 256.
fn check_tag_length(member: &str, text: &str, min: usize, max: usize) -> ApiResult<()> {
    let n = text.chars().count();
    if n < min {
        return Err(ApiError::new("ValidationException", format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length greater than or equal to {min}")));
    }
    if n > max {
        return Err(ApiError::new("ValidationException", format!("1 validation error detected: Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {max}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;
    use std::sync::Arc;

    const DEFINITION: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;

    fn engine() -> Engine {
        Engine::new(Arc::new(MemoryStore::new()))
    }

    #[test]
    fn validation_reports_each_problem_with_its_line_and_column() {
        let e = engine();
        let ok = e.validate_state_machine_definition(DEFINITION, MachineType::Standard, Severity::Error, 0).unwrap();
        assert_eq!(ok, json!({ "result": "OK", "diagnostics": [], "truncated": false }));
        let bad = "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}\n}";
        let answer = e.validate_state_machine_definition(bad, MachineType::Standard, Severity::Error, 0).unwrap();
        assert_eq!(answer["result"], "FAIL");
        let diagnostics = answer["diagnostics"].as_array().unwrap();
        assert!(diagnostics.iter().all(|d| d["severity"] == "ERROR" && d["code"] == "SCHEMA_VALIDATION_FAILED"), "{answer}");
        let next = diagnostics.iter().find(|d| d["message"].as_str().is_some_and(|m| m.contains("\"B\""))).expect("the Next");
        assert!(next["location"].as_str().is_some_and(|l| l.starts_with("line 3, column ")), "{next}");
        let waits = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}}}"#;
        let express = e.validate_state_machine_definition(waits, MachineType::Express, Severity::Error, 0).unwrap();
        assert_eq!(express["diagnostics"][0]["location"], "/States/T/Resource");
        assert_eq!(e.validate_state_machine_definition(DEFINITION, MachineType::Standard, Severity::Error, 101).unwrap_err().code, "ValidationException");
    }

    #[test]
    fn a_test_case_rides_on_the_execution_and_arns_resolve_by_name() {
        let e = engine();
        e.create_state_machine("m", DEFINITION, MachineType::Standard, None).unwrap();
        let started = e.start_execution("arn:aws:states:us-east-1:123456789:stateMachine:m#HappyPath", Some("x"), None).unwrap();
        let arn = started["executionArn"].as_str().unwrap();
        assert!(arn.ends_with(":execution:m:x"), "{arn}");
        assert_eq!(e.store().execution(arn).unwrap().unwrap().test_case.as_deref(), Some("HappyPath"));
        let elsewhere = "arn:aws:states:eu-west-1:123456789:execution:m:x";
        assert_eq!(e.describe_execution(elsewhere).unwrap()["executionArn"], arn);
        assert_eq!(e.start_execution("m#", None, None).unwrap_err().code, "InvalidArn");
    }

    #[test]
    fn update_delete_and_tags() {
        let e = engine();
        let arn = e.create_state_machine("m", DEFINITION, MachineType::Standard, None).unwrap()["stateMachineArn"].as_str().unwrap().to_string();
        assert_eq!(e.update_state_machine(&arn, None, None).unwrap_err().code, "MissingRequiredParameter");
        assert_eq!(e.update_state_machine(&arn, Some("{}"), None).unwrap_err().code, "InvalidDefinition");
        assert!(e.update_state_machine(&arn, None, Some("arn:aws:iam::1:role/r")).unwrap()["updateDate"].is_string());
        let tags = [Tag { key: "team".into(), value: "orders".into() }];
        e.tag_resource(&arn, &tags).unwrap();
        assert_eq!(e.list_tags_for_resource(&arn).unwrap(), json!({ "tags": [{ "key": "team", "value": "orders" }] }));
        assert_eq!(e.tag_resource("arn:aws:states:us-east-1:1:stateMachine:nope", &tags).unwrap_err().code, "ResourceNotFound");
        e.delete_state_machine(&arn).unwrap();
        assert_eq!(e.describe_state_machine(&arn).unwrap_err().code, "StateMachineDoesNotExist");
    }
}
