//! Where a Distributed Map's items come from and where its results go, at run time.
//!
//! A Map state with an `ItemReader` does not take its items from the state input: it asks an
//! [`ItemSource`] to [`open`](ItemSource::open) the data set (an S3 object, here a local file)
//! and receives an [`ItemStream`], which it pulls one item at a time, so a data set of millions
//! of rows never sits in memory. [`ItemBatcher`] regroups that stream into batch inputs, and a
//! [`ResultSink`] receives each child execution's record as it finishes and writes AWS's
//! `ResultWriter` layout (result files plus `manifest.json`).
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the [`ItemSource`] / [`ReaderRequest`] / [`ItemStream`] seam, the error constructors |
//! | `config.rs` | [`ReaderConfig`] (`InputType`, `CSVHeaderLocation`, `CSVHeaders`, `CSVDelimiter`, `MaxItems`) and its validation |
//! | `local.rs` | [`LocalFiles`]: `s3:getObject` / `s3:listObjectsV2` against a directory |
//! | `json.rs` | JSON arrays and JSON Lines as item streams |
//! | `csv.rs` | CSV rows as items, streamed; AWS's key order |
//! | `batch.rs` | [`ItemBatcher`]: `MaxItemsPerBatch`, `MaxInputBytesPerBatch`, `BatchInput` |
//! | `writer.rs` | [`ResultSink`] / [`MapRunWriter`], [`WriterConfig`], [`IterationRecord`] and the record format |
//! | `local_writer.rs` | [`LocalResultWriter`]: result files, size-based splitting, `manifest.json` |
//! | `writer_tests.rs`, `memory_tests.rs` | the writer's tests; the bounded-memory test of the whole pipeline |
//! | `test_support.rs` | scratch directories for the tests |

mod batch;
mod config;
mod csv;
mod json;
mod local;
mod local_writer;
#[cfg(test)]
mod memory_tests;
#[cfg(test)]
mod test_support;
mod writer;
#[cfg(test)]
mod writer_tests;

pub use batch::{ItemBatcher, MAX_BATCH_BYTES};
pub use config::{max_items_from, CsvDelimiter, CsvHeaderLocation, InputType, ReaderConfig, MAX_ITEMS_LIMIT};
pub use local::LocalFiles;
pub use local_writer::{LocalResultWriter, AWS_RESULT_FILE_SIZE};
pub use writer::{
    IterationOutcome, IterationRecord, MapRun, MapRunWriter, OutputType, ResultSink, Transformation, WriterConfig,
    WriterRequest,
};

use crate::error::{names, Failure};
use serde_json::Value;

/// `States.ResultWriterFailed`: the Map Run could not export its results.
pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";

/// The items of a data set, read lazily. An `Err` ends the Map Run; nothing after it is read.
pub type ItemStream = Box<dyn Iterator<Item = Result<Value, Failure>> + Send>;

/// The bytes of a data set: a file, or an object streamed from S3.
pub type Source = Box<dyn std::io::Read + Send>;

/// The items of the data set `source` (named `name` in errors) holds, read as `config`'s
/// `InputType` says (JSON, JSON Lines or CSV), one at a time.
pub fn items_of(source: Source, name: &std::path::Path, config: &ReaderConfig) -> Result<ItemStream, Failure> {
    match config.input_type {
        Some(InputType::Json) => Ok(json::json_array(source, name)),
        Some(InputType::Jsonl) => Ok(json::json_lines(source, name)),
        Some(InputType::Csv) => csv::csv_rows(source, name, config),
        Some(other) => Err(reader_failed(format!("InputType {other:?} is not supported yet"))),
        None => Err(reader_failed("ReaderConfig.InputType is required for s3:getObject")),
    }
}

/// What a Map state's `ItemReader` asks for, after its `Parameters` (or `Arguments`) and
/// `ReaderConfig` paths have been evaluated against the state input.
#[derive(Debug, Clone, PartialEq)]
pub struct ReaderRequest {
    /// The `ItemReader.Resource`, e.g. `arn:aws:states:::s3:getObject`.
    pub resource: String,
    /// The evaluated `Parameters`, e.g. `{"Bucket": "b", "Key": "k.jsonl"}`.
    pub parameters: Value,
    pub config: ReaderConfig,
}

/// A place data sets are read from. Implementations decide what `resource` and `parameters`
/// mean; a failure to open or to read is a `States.ItemReaderFailed` failure.
pub trait ItemSource: Send + Sync {
    fn open(&self, request: &ReaderRequest) -> Result<ItemStream, Failure>;
}

/// `States.ItemReaderFailed` with `cause`: every reader problem surfaces under this name.
pub fn reader_failed(cause: impl Into<String>) -> Failure {
    Failure::new(names::ITEM_READER_FAILED, cause)
}

/// `States.ResultWriterFailed` with `cause`.
pub fn writer_failed(cause: impl Into<String>) -> Failure {
    Failure::new(RESULT_WRITER_FAILED, cause)
}

/// A string field of evaluated `Parameters`, or the failure `make` builds.
pub fn string_param<'a>(
    parameters: &'a Value,
    field: &str,
    make: fn(String) -> Failure,
) -> Result<&'a str, Failure> {
    match parameters.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(make(format!("field {field} must be a string, got {other}"))),
        None => Err(make(format!("field {field} is required"))),
    }
}

/// Limits an item stream to `max_items` items (`None`: all of them). Reading stops there, so
/// the rest of the data set is never touched.
pub fn limited(items: ItemStream, max_items: Option<u64>) -> ItemStream {
    match max_items {
        Some(n) => Box::new(items.take(usize::try_from(n).unwrap_or(usize::MAX))),
        None => items,
    }
}
