//! [`LocalResultWriter`]: AWS's `ResultWriter` export written to a directory. Bucket `B`,
//! prefix `P` and Map Run id `I` give `root/B/P/I/` holding `SUCCEEDED_0.json`,
//! `FAILED_0.json`, `PENDING_0.json` (each only when it has entries, the next index once a
//! file reaches the size threshold) and `manifest.json` listing them with their sizes.
//! Entries go to disk as they arrive, through one buffered file per kind.

use super::writer::{IterationRecord, MapRunWriter, OutputType, ResultSink, WriterConfig, WriterRequest};
use super::{string_param, writer_failed};
use crate::error::Failure;
use serde_json::{json, Value};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// AWS starts a new result file once one reaches 5 GB.
pub const AWS_RESULT_FILE_SIZE: u64 = 5 * 1024 * 1024 * 1024;

/// Writes Map Run results under `root`, each bucket a subdirectory.
#[derive(Debug, Clone)]
pub struct LocalResultWriter {
    pub root: PathBuf,
    /// A result file takes no more entries once this many bytes are written (one entry alone
    /// may exceed it). AWS's threshold by default.
    pub max_file_bytes: u64,
}

impl LocalResultWriter {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalResultWriter { root: root.into(), max_file_bytes: AWS_RESULT_FILE_SIZE }
    }

    pub fn with_max_file_bytes(self, max_file_bytes: u64) -> Self {
        LocalResultWriter { max_file_bytes, ..self }
    }
}

impl ResultSink for LocalResultWriter {
    fn open(&self, request: &WriterRequest) -> Result<Box<dyn MapRunWriter>, Failure> {
        if !request.resource.ends_with(":s3:putObject") {
            return Err(writer_failed(format!("Unsupported ResultWriter resource '{}'", request.resource)));
        }
        let bucket = string_param(&request.parameters, "Bucket", writer_failed)?;
        let prefix = match request.parameters.get("Prefix") {
            None => "",
            Some(_) => string_param(&request.parameters, "Prefix", writer_failed)?,
        };
        // As AWS (and LocalStack): a non-empty prefix is a folder.
        let key_prefix = match prefix {
            "" => format!("{}/", request.map_run.id),
            p if p.ends_with('/') => format!("{p}{}/", request.map_run.id),
            p => format!("{p}/{}/", request.map_run.id),
        };
        let bucket_dir = folder(&self.root, bucket)?;
        let dir = folder(&bucket_dir, &key_prefix)?;
        std::fs::create_dir_all(&dir).map_err(|e| writer_failed(format!("{}: {e}", dir.display())))?;
        let files = |kind| ResultFiles::new(kind, &dir, &key_prefix, request.config.output_type, self.max_file_bytes);
        Ok(Box::new(LocalMapRun {
            bucket: bucket.to_owned(),
            key_prefix: key_prefix.clone(),
            dir: dir.clone(),
            request: request.clone(),
            groups: [files("FAILED"), files("PENDING"), files("SUCCEEDED")],
        }))
    }
}

/// `base` joined with the `/`-separated `relative`, refusing `..` so nothing lands outside.
fn folder(base: &Path, relative: &str) -> Result<PathBuf, Failure> {
    let mut path = base.to_path_buf();
    for segment in relative.split('/').filter(|s| !s.is_empty() && *s != ".") {
        if segment == ".." {
            return Err(writer_failed(format!("'{relative}' cannot be written to a local directory")));
        }
        path.push(segment);
    }
    Ok(path)
}

struct LocalMapRun {
    bucket: String,
    key_prefix: String,
    dir: PathBuf,
    request: WriterRequest,
    /// In the manifest's order: FAILED, PENDING, SUCCEEDED.
    groups: [ResultFiles; 3],
}

impl MapRunWriter for LocalMapRun {
    fn write(&mut self, record: IterationRecord) -> Result<(), Failure> {
        let kind = record.outcome.result_group();
        let WriterConfig { transformation, .. } = self.request.config;
        let entries = record.into_entries(transformation, &self.request.map_run, chrono::Utc::now());
        let group = self.groups.iter_mut().find(|g| g.kind == kind).ok_or_else(|| writer_failed("no result files"))?;
        entries.iter().try_for_each(|entry| group.append(entry))
    }

    fn finish(self: Box<Self>) -> Result<Value, Failure> {
        let mut listed = serde_json::Map::new();
        for group in self.groups {
            let kind = group.kind;
            let files = group.close()?.into_iter().map(|(key, size)| json!({"Key": key, "Size": size}));
            listed.insert(kind.to_owned(), Value::Array(files.collect()));
        }
        let manifest = json!({
            "DestinationBucket": self.bucket,
            "MapRunArn": self.request.map_run.arn,
            "ResultFiles": listed,
        });
        let path = self.dir.join("manifest.json");
        let text = serde_json::to_vec(&manifest).map_err(|e| writer_failed(e.to_string()))?;
        std::fs::write(&path, text).map_err(|e| writer_failed(format!("{}: {e}", path.display())))?;
        Ok(json!({
            "MapRunArn": self.request.map_run.arn,
            "ResultWriterDetails": {"Bucket": self.bucket, "Key": format!("{}manifest.json", self.key_prefix)},
        }))
    }
}

/// The result files of one kind: the open one, and the (key, size) of those closed.
struct ResultFiles {
    kind: &'static str,
    dir: PathBuf,
    key_prefix: String,
    output_type: OutputType,
    max_bytes: u64,
    open: Option<OpenFile>,
    closed: Vec<(String, u64)>,
    /// Reused to serialize each entry, so its size is known before it is written.
    scratch: Vec<u8>,
}

struct OpenFile {
    out: BufWriter<File>,
    name: String,
    bytes: u64,
    entries: u64,
}

impl ResultFiles {
    fn new(kind: &'static str, dir: &Path, key_prefix: &str, output_type: OutputType, max_bytes: u64) -> Self {
        let (dir, key_prefix) = (dir.to_path_buf(), key_prefix.to_owned());
        ResultFiles {
            kind,
            dir,
            key_prefix,
            output_type,
            max_bytes,
            open: None,
            closed: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn append(&mut self, entry: &Value) -> Result<(), Failure> {
        self.scratch.clear();
        serde_json::to_writer(&mut self.scratch, entry).map_err(|e| writer_failed(e.to_string()))?;
        let len = self.scratch.len() as u64 + 2; // separator and closing bracket / newline
        if self.open.as_ref().is_some_and(|f| f.entries > 0 && f.bytes + len > self.max_bytes) {
            self.close_open()?;
        }
        if self.open.is_none() {
            self.open = Some(self.start()?);
        }
        let (output_type, scratch) = (self.output_type, &self.scratch);
        let Some(file) = self.open.as_mut() else { return Err(writer_failed("result file not open")) };
        let sep: &[u8] = match (output_type, file.entries) {
            (OutputType::Json, 0) => b"",
            (OutputType::Json, _) => b",",
            (OutputType::Jsonl, _) => b"",
        };
        let end: &[u8] = if output_type == OutputType::Jsonl { b"\n" } else { b"" };
        let written = [sep, scratch.as_slice(), end].iter().try_for_each(|part| file.out.write_all(part));
        written.map_err(|e| writer_failed(format!("{}: {e}", self.dir.join(&file.name).display())))?;
        file.bytes += (sep.len() + scratch.len() + end.len()) as u64;
        file.entries += 1;
        Ok(())
    }

    fn start(&self) -> Result<OpenFile, Failure> {
        let name = format!("{}_{}.json", self.kind, self.closed.len());
        let path = self.dir.join(&name);
        let fail = |e: std::io::Error| writer_failed(format!("{}: {e}", path.display()));
        let mut out = BufWriter::new(File::create(&path).map_err(fail)?);
        let opening: &[u8] = if self.output_type == OutputType::Json { b"[" } else { b"" };
        out.write_all(opening).map_err(fail)?;
        Ok(OpenFile { out, name, bytes: opening.len() as u64, entries: 0 })
    }

    fn close_open(&mut self) -> Result<(), Failure> {
        let Some(mut file) = self.open.take() else { return Ok(()) };
        let closing: &[u8] = if self.output_type == OutputType::Json { b"]" } else { b"" };
        let path = self.dir.join(&file.name);
        let done = file.out.write_all(closing).and_then(|()| file.out.flush());
        done.map_err(|e| writer_failed(format!("{}: {e}", path.display())))?;
        self.closed.push((format!("{}{}", self.key_prefix, file.name), file.bytes + closing.len() as u64));
        Ok(())
    }

    fn close(mut self) -> Result<Vec<(String, u64)>, Failure> {
        self.close_open()?;
        Ok(self.closed)
    }
}
