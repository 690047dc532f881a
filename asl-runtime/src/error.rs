//! The one run-time error type: an error name (`States.*` or the user's) and an optional cause,
//! with AWS's Retry/Catch matching rules kept here and nowhere else.

use std::fmt;

/// A failure as Step Functions reports it: `{"Error": ..., "Cause": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// The error name, e.g. `States.TaskFailed` or a handler's own `InvalidOrderError`.
    pub error: String,
    /// Free-form detail; AWS omits it when absent.
    pub cause: Option<String>,
}

/// Predefined error names (ASL spec, "Error names").
pub mod names {
    pub const ALL: &str = "States.ALL";
    pub const TASK_FAILED: &str = "States.TaskFailed";
    pub const TIMEOUT: &str = "States.Timeout";
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    pub const RUNTIME: &str = "States.Runtime";
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    pub const PERMISSIONS: &str = "States.Permissions";
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
}

impl Failure {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Failure { error: error.into(), cause: Some(cause.into()) }
    }

    /// A failure with no cause.
    pub fn bare(error: impl Into<String>) -> Self {
        Failure { error: error.into(), cause: None }
    }

    /// `States.Runtime`: bad paths and bad values. Never retried, never caught.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Failure::new(names::RUNTIME, cause)
    }

    /// `States.IntrinsicFailure`: an intrinsic function rejected its arguments.
    pub fn intrinsic(cause: impl Into<String>) -> Self {
        Failure::new(names::INTRINSIC_FAILURE, cause)
    }

    /// Whether a Retrier or Catcher whose `ErrorEquals` holds `name` handles this failure.
    ///
    /// `States.ALL` matches every error but `States.Runtime`; `States.TaskFailed` matches every
    /// error but `States.Timeout` and `States.Runtime`. Other names match exactly.
    pub fn is_matched_by(&self, name: &str) -> bool {
        if self.error == names::RUNTIME {
            return false;
        }
        match name {
            names::ALL => true,
            names::TASK_FAILED => self.error != names::TIMEOUT && self.error != names::HEARTBEAT_TIMEOUT,
            _ => self.error == name,
        }
    }

    /// Whether any name of an `ErrorEquals` list matches.
    pub fn is_matched_by_any(&self, error_equals: &[&str]) -> bool {
        error_equals.iter().any(|n| self.is_matched_by(n))
    }

    /// The error output a Catcher places at its ResultPath.
    pub fn to_error_output(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("Error".into(), self.error.clone().into());
        m.insert("Cause".into(), self.cause.clone().map_or(serde_json::Value::Null, Into::into));
        serde_json::Value::Object(m)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cause {
            Some(c) => write!(f, "{}: {}", self.error, c),
            None => f.write_str(&self.error),
        }
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::{names, Failure};

    #[test]
    fn states_all_matches_everything_but_runtime_errors() {
        for e in ["MyError", names::TIMEOUT, names::TASK_FAILED, names::DATA_LIMIT_EXCEEDED, names::PERMISSIONS] {
            assert!(Failure::bare(e).is_matched_by(names::ALL), "{e}");
        }
        assert!(!Failure::runtime("bad path").is_matched_by(names::ALL));
        assert!(!Failure::runtime("bad path").is_matched_by(names::RUNTIME));
    }

    #[test]
    fn task_failed_matches_everything_but_timeouts() {
        assert!(Failure::bare("Lambda.Unknown").is_matched_by(names::TASK_FAILED));
        assert!(Failure::bare(names::DATA_LIMIT_EXCEEDED).is_matched_by(names::TASK_FAILED));
        assert!(!Failure::bare(names::TIMEOUT).is_matched_by(names::TASK_FAILED));
        assert!(!Failure::bare(names::HEARTBEAT_TIMEOUT).is_matched_by(names::TASK_FAILED));
    }

    #[test]
    fn other_names_match_exactly() {
        assert!(Failure::bare("A").is_matched_by_any(&["B", "A"]));
        assert!(!Failure::bare("A").is_matched_by("a"));
        assert!(Failure::bare(names::TIMEOUT).is_matched_by(names::TIMEOUT));
    }

    #[test]
    fn error_output_has_error_and_cause() {
        assert_eq!(Failure::new("E", "c").to_error_output(), serde_json::json!({"Error": "E", "Cause": "c"}));
        assert_eq!(Failure::bare("E").to_error_output(), serde_json::json!({"Error": "E", "Cause": null}));
    }
}
