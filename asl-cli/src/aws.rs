//! The commands of `aws stepfunctions …`, against the embedded store: the same flags, the same
//! JSON answers, the same error lines, so a script written for AWS runs with `asl` in its place.

use asl_engine::{ApiError, Engine, Location, MachineType};
use std::ffi::OsString;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum Api {
    /// Register a definition under a name (a worker serves it when its compiled definition matches).
    CreateStateMachine {
        #[arg(long)]
        name: String,
        /// The definition: JSON text, or file://PATH.
        #[arg(long)]
        definition: String,
        #[arg(long)]
        role_arn: Option<String>,
        /// STANDARD (durable, the default) or EXPRESS.
        #[arg(long = "type", default_value = "STANDARD")]
        machine_type: String,
    },
    DescribeStateMachine {
        #[arg(long)]
        state_machine_arn: String,
    },
    /// The state machine an execution runs, with its definition.
    DescribeStateMachineForExecution {
        #[arg(long)]
        execution_arn: String,
    },
    ListStateMachines {
        #[arg(long, default_value_t = 0)]
        max_results: usize,
        #[arg(long)]
        next_token: Option<String>,
    },
    /// Start an execution; a worker serving the state machine runs it.
    StartExecution {
        #[arg(long)]
        state_machine_arn: String,
        #[arg(long)]
        name: Option<String>,
        /// JSON text, or file://PATH.
        #[arg(long)]
        input: Option<String>,
    },
    DescribeExecution {
        #[arg(long)]
        execution_arn: String,
    },
    ListExecutions {
        #[arg(long)]
        state_machine_arn: String,
        #[arg(long)]
        status_filter: Option<String>,
        #[arg(long, default_value_t = 0)]
        max_results: usize,
        #[arg(long)]
        next_token: Option<String>,
    },
    GetExecutionHistory {
        #[arg(long)]
        execution_arn: String,
        #[arg(long)]
        reverse_order: bool,
        #[arg(long, default_value_t = 0)]
        max_results: usize,
        #[arg(long)]
        next_token: Option<String>,
    },
    StopExecution {
        #[arg(long)]
        execution_arn: String,
        #[arg(long)]
        error: Option<String>,
        #[arg(long)]
        cause: Option<String>,
    },
    RedriveExecution {
        #[arg(long)]
        execution_arn: String,
    },
    SendTaskSuccess {
        #[arg(long)]
        task_token: String,
        /// JSON text, or file://PATH.
        #[arg(long)]
        task_output: String,
    },
    SendTaskFailure {
        #[arg(long)]
        task_token: String,
        #[arg(long)]
        error: Option<String>,
        #[arg(long)]
        cause: Option<String>,
    },
    SendTaskHeartbeat {
        #[arg(long)]
        task_token: String,
    },
    /// Wait (up to 60 s, as AWS's long poll) for a task of this activity.
    GetActivityTask {
        #[arg(long)]
        activity_arn: String,
        #[arg(long)]
        worker_name: Option<String>,
    },
    CreateActivity {
        #[arg(long)]
        name: String,
    },
    DescribeActivity {
        #[arg(long)]
        activity_arn: String,
    },
    ListActivities {
        #[arg(long, default_value_t = 0)]
        max_results: usize,
        #[arg(long)]
        next_token: Option<String>,
    },
    DeleteActivity {
        #[arg(long)]
        activity_arn: String,
    },
}

impl Api {
    /// The AWS operation name, for error lines.
    /// Whether the command registers something, and so may create the store.
    fn creates(&self) -> bool {
        matches!(self, Api::CreateStateMachine { .. } | Api::CreateActivity { .. })
    }

    fn operation(&self) -> &'static str {
        match self {
            Api::CreateStateMachine { .. } => "CreateStateMachine",
            Api::DescribeStateMachine { .. } => "DescribeStateMachine",
            Api::DescribeStateMachineForExecution { .. } => "DescribeStateMachineForExecution",
            Api::ListStateMachines { .. } => "ListStateMachines",
            Api::StartExecution { .. } => "StartExecution",
            Api::DescribeExecution { .. } => "DescribeExecution",
            Api::ListExecutions { .. } => "ListExecutions",
            Api::GetExecutionHistory { .. } => "GetExecutionHistory",
            Api::StopExecution { .. } => "StopExecution",
            Api::RedriveExecution { .. } => "RedriveExecution",
            Api::SendTaskSuccess { .. } => "SendTaskSuccess",
            Api::SendTaskFailure { .. } => "SendTaskFailure",
            Api::SendTaskHeartbeat { .. } => "SendTaskHeartbeat",
            Api::GetActivityTask { .. } => "GetActivityTask",
            Api::CreateActivity { .. } => "CreateActivity",
            Api::DescribeActivity { .. } => "DescribeActivity",
            Api::ListActivities { .. } => "ListActivities",
            Api::DeleteActivity { .. } => "DeleteActivity",
        }
    }
}

/// The store: `--store`, else `$ASL_STORE`, else `.asl/store.db` here; an SQLite file, or a
/// PostgreSQL database (`postgres://…`).
pub fn store_location(flag: Option<OsString>) -> Location {
    Location::parse(flag.or_else(|| std::env::var_os("ASL_STORE")).unwrap_or_else(|| ".asl/store.db".into()))
}

pub fn run(store: &Location, api: Api) -> ExitCode {
    let operation = api.operation();
    let engine = match open(store, api.creates()) {
        Ok(engine) => engine,
        Err(problem) => {
            // Not a service error: the AWS CLI's code for a configuration it cannot use.
            crate::output::err(&format!("asl: {}", asl_codegen::printable(&problem)));
            return ExitCode::from(253);
        }
    };
    match call(&engine, api) {
        Ok(value) => {
            if value.as_object().is_some_and(|o| !o.is_empty()) {
                let text = serde_json::to_string_pretty(&value).unwrap_or_default();
                if let Err(code) = crate::output::out(&format!("{text}\n")) {
                    return code;
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            crate::output::err(&format!("\n{}", error_line(operation, &e)));
            ExitCode::from(254)
        }
    }
}

/// The line the AWS CLI prints for a service error (after an empty line, with exit code 254).
fn error_line(operation: &str, e: &ApiError) -> String {
    // The message may quote what the user passed (a name, an ARN): no terminal sequences.
    format!("An error occurred ({}) when calling the {operation} operation: {}", e.code, asl_codegen::printable(&e.message))
}

/// The engine over the store at `location`. Only a command that registers something may
/// create the store (and a file's folder); any other one on a missing store would answer from
/// an empty one, hiding a mistyped path.
pub(crate) fn open(location: &Location, create: bool) -> Result<Engine, String> {
    let shown = location;
    if let (Location::File(path), true) = (location, create) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Some(blocking) = dir.ancestors().find(|a| a.is_file()) {
                return Err(format!("cannot create the store {shown}: {} is a file, not a folder", blocking.display()));
            }
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the folder of the store {shown}: {e}"))?;
        }
    }
    match location.open(create) {
        Ok(store) => Ok(Engine::new(store)),
        Err(asl_engine::store::StoreError::Missing(_)) => Err(format!(
            "the store {shown} does not exist: create-state-machine or create-activity creates it; name another one with --store or ASL_STORE"
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// A parameter value as the AWS CLI reads it: `file://PATH` is the file's text.
pub fn text(value: &str) -> Result<String, ApiError> {
    match value.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path).map_err(|e| ApiError::new("ParamValidation", format!("Error parsing parameter: Unable to load paramfile {value}: {e}"))),
        None => Ok(value.to_string()),
    }
}

fn call(engine: &Engine, api: Api) -> Result<serde_json::Value, ApiError> {
    match api {
        Api::CreateStateMachine { name, definition, role_arn, machine_type } => {
            let machine_type = MachineType::parse(&machine_type).ok_or_else(|| {
                ApiError::new("ValidationException", format!("Value '{machine_type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]"))
            })?;
            engine.create_state_machine(&name, &text(&definition)?, machine_type, role_arn.as_deref())
        }
        Api::DescribeStateMachine { state_machine_arn } => engine.describe_state_machine(&state_machine_arn),
        Api::DescribeStateMachineForExecution { execution_arn } => engine.describe_state_machine_for_execution(&execution_arn),
        Api::ListStateMachines { max_results, next_token } => engine.list_state_machines(max_results, next_token),
        Api::StartExecution { state_machine_arn, name, input } => {
            let input = input.as_deref().map(text).transpose()?;
            engine.start_execution(&state_machine_arn, name.as_deref(), input.as_deref())
        }
        Api::DescribeExecution { execution_arn } => engine.describe_execution(&execution_arn),
        Api::ListExecutions { state_machine_arn, status_filter, max_results, next_token } => {
            engine.list_executions(&state_machine_arn, status_filter.as_deref(), max_results, next_token)
        }
        Api::GetExecutionHistory { execution_arn, reverse_order, max_results, next_token } => {
            engine.get_execution_history(&execution_arn, reverse_order, max_results, next_token)
        }
        Api::StopExecution { execution_arn, error, cause } => engine.stop_execution(&execution_arn, error.as_deref(), cause.as_deref()),
        Api::RedriveExecution { execution_arn } => engine.redrive_execution(&execution_arn),
        Api::SendTaskSuccess { task_token, task_output } => engine.send_task_success(&task_token, &text(&task_output)?),
        Api::SendTaskFailure { task_token, error, cause } => engine.send_task_failure(&task_token, error.as_deref(), cause.as_deref()),
        Api::SendTaskHeartbeat { task_token } => engine.send_task_heartbeat(&task_token),
        Api::GetActivityTask { activity_arn, worker_name } => {
            engine.get_activity_task_within(&activity_arn, worker_name.as_deref(), std::time::Duration::from_secs(60))
        }
        Api::CreateActivity { name } => engine.create_activity(&name),
        Api::DescribeActivity { activity_arn } => engine.describe_activity(&activity_arn),
        Api::ListActivities { max_results, next_token } => engine.list_activities(max_results, next_token),
        Api::DeleteActivity { activity_arn } => engine.delete_activity(&activity_arn),
    }
}

#[cfg(test)]
mod tests {
    //! The commands as a script written for `aws stepfunctions` uses them: its flags parse, its
    //! parameters may be `file://` paths, the answers have AWS's fields, and errors carry AWS's
    //! codes in the AWS CLI's words.

    use super::*;
    use asl_engine::MemoryStore;
    use std::sync::Arc;
    use clap::Parser;
    use serde_json::{json, Value};

    #[derive(Parser)]
    struct Line {
        #[command(subcommand)]
        api: Api,
    }

    /// Runs one command line (without the leading `asl`) against `engine`.
    fn aws(engine: &Engine, line: &[&str]) -> Result<Value, (String, ApiError)> {
        let api = Line::try_parse_from(std::iter::once("asl").chain(line.iter().copied())).unwrap_or_else(|e| panic!("{line:?}: {e}")).api;
        let operation = api.operation();
        call(engine, api).map_err(|e| (operation.to_string(), e))
    }

    const DEFINITION: &str = r#"{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}"#;

    #[test]
    fn a_script_for_the_aws_cli_drives_the_engine() {
        let engine = Engine::new(Arc::new(MemoryStore::new()));
        let dir = std::env::temp_dir().join(format!("asl-cli-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("definition.json");
        std::fs::write(&file, DEFINITION).unwrap();
        let definition = format!("file://{}", file.display());

        let created = aws(&engine, &["create-state-machine", "--name", "hello", "--definition", &definition, "--role-arn", "arn:aws:iam::123456789012:role/r"]).unwrap();
        let machine = created["stateMachineArn"].as_str().unwrap().to_string();
        assert_eq!(machine, "arn:aws:states:local:000000000000:stateMachine:hello");
        assert!(created["creationDate"].is_string());
        let d = aws(&engine, &["describe-state-machine", "--state-machine-arn", &machine]).unwrap();
        assert_eq!((d["name"].as_str(), d["type"].as_str(), d["status"].as_str()), (Some("hello"), Some("STANDARD"), Some("ACTIVE")));
        assert_eq!(d["definition"], DEFINITION, "the definition as given, read from the file");

        let started = aws(&engine, &["start-execution", "--state-machine-arn", &machine, "--name", "run-1", "--input", r#"{"a": 1}"#]).unwrap();
        let execution = started["executionArn"].as_str().unwrap().to_string();
        assert_eq!(execution, "arn:aws:states:local:000000000000:execution:hello:run-1");
        let d = aws(&engine, &["describe-execution", "--execution-arn", &execution]).unwrap();
        assert_eq!((d["status"].as_str(), d["input"].as_str()), (Some("RUNNING"), Some(r#"{"a": 1}"#)));
        let d = aws(&engine, &["describe-state-machine-for-execution", "--execution-arn", &execution]).unwrap();
        assert_eq!((d["stateMachineArn"].as_str(), d["definition"].as_str()), (Some(machine.as_str()), Some(DEFINITION)));
        assert!(d["updateDate"].is_string());
        let listed = aws(&engine, &["list-executions", "--state-machine-arn", &machine, "--status-filter", "RUNNING"]).unwrap();
        assert_eq!(listed["executions"].as_array().unwrap().len(), 1);
        let events = aws(&engine, &["get-execution-history", "--execution-arn", &execution, "--reverse-order"]).unwrap();
        assert_eq!(events["events"][0]["type"], "ExecutionStarted");

        let stopped = aws(&engine, &["stop-execution", "--execution-arn", &execution, "--error", "Cancelled", "--cause", "test"]).unwrap();
        assert!(stopped["stopDate"].is_string());
        let d = aws(&engine, &["describe-execution", "--execution-arn", &execution]).unwrap();
        assert_eq!((d["status"].as_str(), d["error"].as_str(), d["redriveStatus"].as_str()), (Some("ABORTED"), Some("Cancelled"), Some("REDRIVABLE")));

        let activity = aws(&engine, &["create-activity", "--name", "review"]).unwrap()["activityArn"].as_str().unwrap().to_string();
        assert_eq!(aws(&engine, &["list-activities"]).unwrap()["activities"][0]["name"], "review");
        assert_eq!(aws(&engine, &["delete-activity", "--activity-arn", &activity]).unwrap(), json!({}));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn errors_carry_aws_codes_in_the_aws_cli_words() {
        let engine = Engine::new(Arc::new(MemoryStore::new()));
        let missing = "arn:aws:states:local:000000000000:execution:nope:x";
        let (operation, e) = aws(&engine, &["describe-execution", "--execution-arn", missing]).unwrap_err();
        assert_eq!(
            error_line(&operation, &e),
            format!("An error occurred (ExecutionDoesNotExist) when calling the DescribeExecution operation: Execution Does Not Exist: '{missing}'")
        );
        let (_, e) = aws(&engine, &["describe-state-machine-for-execution", "--execution-arn", missing]).unwrap_err();
        assert_eq!(e.code, "ExecutionDoesNotExist");
        let (_, e) = aws(&engine, &["create-state-machine", "--name", "t", "--definition", DEFINITION, "--type", "BATCH"]).unwrap_err();
        assert_eq!(e.code, "ValidationException");
        let (_, e) = aws(&engine, &["create-state-machine", "--name", "t", "--definition", "file:///nonexistent/definition.json"]).unwrap_err();
        assert_eq!(e.code, "ParamValidation");
        assert!(e.message.starts_with("Error parsing parameter: Unable to load paramfile file:///nonexistent/definition.json"), "{}", e.message);
        let (_, e) = aws(&engine, &["create-state-machine", "--name", "t", "--definition", r#"{"StartAt": "Nowhere", "States": {}}"#]).unwrap_err();
        assert_eq!(e.code, "InvalidDefinition");
        let huge = format!("{DEFINITION}{}", " ".repeat(1_048_576));
        let (operation, e) = aws(&engine, &["create-state-machine", "--name", "t", "--definition", &huge]).unwrap_err();
        assert_eq!(
            error_line(&operation, &e),
            "An error occurred (ValidationException) when calling the CreateStateMachine operation: 1 validation error detected: \
             Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576"
        );
        // AWS's limits and ARN kinds.
        let activity = "arn:aws:states:local:000000000000:activity:review";
        let (operation, e) = aws(&engine, &["describe-state-machine", "--state-machine-arn", activity]).unwrap_err();
        assert_eq!(
            error_line(&operation, &e),
            "An error occurred (InvalidArn) when calling the DescribeStateMachine operation: Invalid Arn: 'Resource type not valid in this context: activity'"
        );
        let (_, e) = aws(&engine, &["list-state-machines", "--max-results", "1001"]).unwrap_err();
        assert_eq!(e.message, "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000");
        let long_cause = "c".repeat(32_769);
        let (_, e) = aws(&engine, &["stop-execution", "--execution-arn", missing, "--cause", &long_cause]).unwrap_err();
        assert_eq!(e.message, "1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768");
        let (_, e) = aws(&engine, &["send-task-failure", "--task-token", "t", "--error", &"e".repeat(257)]).unwrap_err();
        assert_eq!(e.code, "ValidationException");
        // What the user typed comes back without its terminal sequences.
        let (operation, e) = aws(&engine, &["start-execution", "--state-machine-arn", "\u{1b}[2Jghost"]).unwrap_err();
        assert!(error_line(&operation, &e).contains("\\u{1b}[2Jghost") && !error_line(&operation, &e).contains('\u{1b}'), "{}", e.message);
        let (_, e) = aws(&engine, &["start-execution", "--state-machine-arn", "ghost"]).unwrap_err();
        assert_eq!(e.code, "StateMachineDoesNotExist");
        let (_, e) = aws(&engine, &["send-task-success", "--task-token", "no-such-token", "--task-output", "{}"]).unwrap_err();
        assert_eq!(e.code, "TaskDoesNotExist");
    }
}
