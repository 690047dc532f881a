//! `ResultWriter`: the [`ResultSink`] seam that exports a Map Run's child executions, the
//! evaluated [`WriterConfig`], and each child's [`IterationRecord`] in the shape AWS writes to
//! its result files.
//!
//! Values a local run cannot know get placeholders derived from the [`MapRun`]: a child's
//! `Name` is `<map-run-id>-<index>` (AWS: a UUID), its ARNs follow AWS's patterns under the
//! parent's account and Region, `RedriveCount` is 0, and a missing start or stop date is the
//! time the record reached the writer.

use super::writer_failed;
use crate::error::Failure;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

/// Where a Map Run's results go: opened once per Map Run, fed each child's record as it ends.
pub trait ResultSink: Send + Sync {
    fn open(&self, request: &WriterRequest) -> Result<Box<dyn MapRunWriter>, Failure>;
}

/// One Map Run's export in progress. Records arrive in the order children finish and are
/// written as they arrive; [`finish`](MapRunWriter::finish) returns the Map state's output.
pub trait MapRunWriter: Send {
    fn write(&mut self, record: IterationRecord) -> Result<(), Failure>;
    /// Closes the result files, writes the manifest and returns
    /// `{"MapRunArn": …, "ResultWriterDetails": {"Bucket": …, "Key": …}}`.
    fn finish(self: Box<Self>) -> Result<Value, Failure>;
}

/// What a Map state's `ResultWriter` asks for, its `Parameters` evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct WriterRequest {
    /// `arn:aws:states:::s3:putObject`.
    pub resource: String,
    /// `{"Bucket": …, "Prefix": …}` (`Prefix` optional).
    pub parameters: Value,
    pub config: WriterConfig,
    pub map_run: MapRun,
}

/// The identity of a Map Run and of the state machine its children run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRun {
    /// `arn:<p>:states:<r>:<acct>:mapRun:<machine>/<label>:<id>`.
    pub arn: String,
    /// The last part of the ARN; names the results folder.
    pub id: String,
    /// `arn:<p>:states:<r>:<acct>:stateMachine:<machine>/<label>`.
    pub state_machine_arn: String,
    /// `arn:<p>:states:<r>:<acct>:execution:<machine>/<label>`, to which `:<name>` is added.
    execution_arn_prefix: String,
}

impl MapRun {
    /// The Map Run of the Map state labelled `label` (its `Label`, else its name) in the state
    /// machine `state_machine_arn`. A bare machine name gets the local account and Region.
    pub fn new(state_machine_arn: &str, label: &str, id: &str) -> MapRun {
        let (head, machine) = state_machine_arn
            .split_once(":stateMachine:")
            .unwrap_or(("arn:aws:states:local:000000000000", state_machine_arn));
        MapRun {
            arn: format!("{head}:mapRun:{machine}/{label}:{id}"),
            id: id.to_owned(),
            state_machine_arn: format!("{head}:stateMachine:{machine}/{label}"),
            execution_arn_prefix: format!("{head}:execution:{machine}/{label}"),
        }
    }

    /// The placeholder name of the child execution for item (or batch) `index`.
    pub fn child_name(&self, index: u64) -> String {
        format!("{}-{index}", self.id)
    }
}

/// `WriterConfig.OutputType`: how a result file holds its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputType {
    /// One JSON array.
    #[default]
    Json,
    /// One entry per line.
    Jsonl,
}

/// `WriterConfig.Transformation`: what a succeeded child contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transformation {
    /// The whole record (the default when exporting).
    #[default]
    None,
    /// The child's output alone.
    Compact,
    /// The output alone, an array output spread into one entry per element.
    Flatten,
}

/// An evaluated `WriterConfig`; absent, the defaults AWS uses when exporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterConfig {
    pub output_type: OutputType,
    pub transformation: Transformation,
}

impl WriterConfig {
    /// Reads `WriterConfig` (`Value::Null`: the defaults). Problems are `States.ResultWriterFailed`.
    pub fn from_json(config: &Value) -> Result<WriterConfig, Failure> {
        let field = |name: &str, allowed: &[&'static str]| -> Result<Option<&'static str>, Failure> {
            match config.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => allowed.iter().find(|a| **a == s).copied().map(Some).ok_or_else(|| {
                    writer_failed(format!("Invalid {name} '{s}'. Expected one of {}", allowed.join(", ")))
                }),
                Some(other) => Err(writer_failed(format!("field {name} must be a string, got {other}"))),
            }
        };
        if !config.is_null() && !config.is_object() {
            return Err(writer_failed(format!("WriterConfig must be an object, got {config}")));
        }
        Ok(WriterConfig {
            output_type: match field("OutputType", &["JSON", "JSONL"])? {
                Some("JSONL") => OutputType::Jsonl,
                _ => OutputType::Json,
            },
            transformation: match field("Transformation", &["NONE", "COMPACT", "FLATTEN"])? {
                Some("COMPACT") => Transformation::Compact,
                Some("FLATTEN") => Transformation::Flatten,
                _ => Transformation::None,
            },
        })
    }
}

/// How a child execution ended, or that it never started.
#[derive(Debug, Clone, PartialEq)]
pub enum IterationOutcome {
    Succeeded(Value),
    Failed(Failure),
    TimedOut(Failure),
    Aborted(Failure),
    /// Never started: the Map Run stopped first (e.g. the tolerated failures were exceeded).
    Pending,
}

impl IterationOutcome {
    /// The execution status AWS records.
    pub fn status(&self) -> &'static str {
        match self {
            IterationOutcome::Succeeded(_) => "SUCCEEDED",
            IterationOutcome::Failed(_) => "FAILED",
            IterationOutcome::TimedOut(_) => "TIMED_OUT",
            IterationOutcome::Aborted(_) => "ABORTED",
            IterationOutcome::Pending => "PENDING",
        }
    }

    /// The result files it goes to: only these three kinds exist in the manifest, so timed-out
    /// and aborted children go with the failed ones (their `Status` tells them apart).
    pub fn result_group(&self) -> &'static str {
        match self {
            IterationOutcome::Succeeded(_) => "SUCCEEDED",
            IterationOutcome::Pending => "PENDING",
            _ => "FAILED",
        }
    }
}

/// One child execution of a Map Run, as the Map state hands it to the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct IterationRecord {
    /// The item's (or batch's) position in the data set.
    pub index: u64,
    /// The child's input: the item after ItemSelector, or the batch.
    pub input: Value,
    pub outcome: IterationOutcome,
    pub start_date: Option<DateTime<Utc>>,
    pub stop_date: Option<DateTime<Utc>>,
}

impl IterationRecord {
    /// The entries this record adds to its result file under `transformation`: failed and
    /// pending children always as the full record, as AWS does.
    pub fn into_entries(self, transformation: Transformation, run: &MapRun, now: DateTime<Utc>) -> Vec<Value> {
        match (transformation, self.outcome) {
            (Transformation::Compact, IterationOutcome::Succeeded(output)) => vec![output],
            (Transformation::Flatten, IterationOutcome::Succeeded(Value::Array(items))) => items,
            (Transformation::Flatten, IterationOutcome::Succeeded(output)) => vec![output],
            (_, outcome) => vec![IterationRecord { outcome, ..self }.to_json(run, now)],
        }
    }

    /// The full record, keys in AWS's (alphabetical) order.
    pub fn to_json(&self, run: &MapRun, now: DateTime<Utc>) -> Value {
        let mut r = Map::new();
        let failure = match &self.outcome {
            IterationOutcome::Failed(f) | IterationOutcome::TimedOut(f) | IterationOutcome::Aborted(f) => Some(f),
            IterationOutcome::Succeeded(_) => None,
            // No execution: only the item and its status.
            IterationOutcome::Pending => {
                r.insert("Input".into(), crate::payload::compact(&self.input).into());
                r.insert("InputDetails".into(), included());
                r.insert("Status".into(), "PENDING".into());
                return Value::Object(r);
            }
        };
        if let Some(f) = failure {
            if let Some(cause) = &f.cause {
                r.insert("Cause".into(), cause.clone().into());
            }
            r.insert("Error".into(), f.error.clone().into());
        }
        let name = run.child_name(self.index);
        r.insert("ExecutionArn".into(), format!("{}:{name}", run.execution_arn_prefix).into());
        r.insert("Input".into(), crate::payload::compact(&self.input).into());
        r.insert("InputDetails".into(), included());
        r.insert("Name".into(), name.into());
        if let IterationOutcome::Succeeded(output) = &self.outcome {
            r.insert("Output".into(), crate::payload::compact(output).into());
            r.insert("OutputDetails".into(), included());
        }
        r.insert("RedriveCount".into(), 0.into());
        let redrive = if failure.is_none() { "NOT_REDRIVABLE" } else { "REDRIVABLE_BY_MAP_RUN" };
        r.insert("RedriveStatus".into(), redrive.into());
        if failure.is_none() {
            r.insert("RedriveStatusReason".into(), "Execution is SUCCEEDED and cannot be redriven".into());
        }
        let date = |d: Option<DateTime<Utc>>| d.unwrap_or(now).to_rfc3339_opts(SecondsFormat::Millis, true).into();
        r.insert("StartDate".into(), date(self.start_date));
        r.insert("StateMachineArn".into(), run.state_machine_arn.clone().into());
        r.insert("Status".into(), self.outcome.status().into());
        r.insert("StopDate".into(), date(self.stop_date));
        Value::Object(r)
    }
}

/// `{"Included": true}`: AWS's `InputDetails` / `OutputDetails` when the data is in the record.
fn included() -> Value {
    Value::Object(Map::from_iter([("Included".to_owned(), Value::Bool(true))]))
}
