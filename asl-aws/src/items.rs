//! Distributed Map's ItemReader and ResultWriter on S3. [`S3Items`] reads `s3:getObject` data
//! sets (JSON, JSON Lines, CSV, by the runtime's own parsers) streamed in ranges, and
//! `s3:listObjectsV2` listings page by page; [`S3Results`] writes AWS's ResultWriter layout
//! (result files and `manifest.json` under `<Prefix>/<Map Run id>/`) by writing it to a scratch
//! directory with the runtime's local writer as results come, then uploading it when the Map
//! Run ends (a file above 16 MiB as a multipart upload, a part at a time).
//!
//! The runtime's item traits are synchronous: a Map pulls one item at a time. So each stream's
//! requests run on a thread of their own, with a client of their own (a connection pool
//! belongs to the runtime that made it), handing chunks or items over a bounded channel: memory
//! holds a few chunks, never the object.

use crate::client::AwsClient;
use crate::config::AwsConfig;
use crate::services::s3;
use asl_runtime::items::{
    items_of, limited, reader_failed, string_param, writer_failed, IterationRecord, ItemSource, ItemStream, LocalResultWriter, MapRunWriter, ReaderRequest,
    ResultSink, WriterRequest,
};
use asl_runtime::{Failure, Value};
use bytes::Bytes;
use serde_json::json;
use std::future::Future;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// How much of an object one request reads, by default.
const CHUNK: u64 = 8 << 20;
/// Chunks (or listed items) fetched ahead of the reader.
const AHEAD: usize = 2;

/// Reads a Distributed Map's items from S3.
#[derive(Clone)]
pub struct S3Items {
    config: AwsConfig,
    chunk: u64,
}

impl S3Items {
    pub fn new(config: AwsConfig) -> Self {
        S3Items { config, chunk: CHUNK }
    }

    /// Objects read `bytes` at a time (8 MiB by default): what memory holds per chunk.
    pub fn with_chunk_bytes(self, bytes: u64) -> Self {
        S3Items { chunk: bytes.max(1), ..self }
    }
}

impl ItemSource for S3Items {
    fn open(&self, request: &ReaderRequest) -> Result<ItemStream, Failure> {
        let params = &request.parameters;
        let bucket = string_param(params, "Bucket", reader_failed)?.to_owned();
        let items = if request.resource.ends_with(":s3:getObject") {
            let key = string_param(params, "Key", reader_failed)?.to_owned();
            let name = PathBuf::from(format!("s3://{bucket}/{key}"));
            items_of(Box::new(ObjectReader::open(&self.config, bucket, key, self.chunk)?), &name, &request.config)?
        } else if request.resource.ends_with(":s3:listObjectsV2") {
            let prefix = match params.get("Prefix") {
                None => String::new(),
                Some(_) => string_param(params, "Prefix", reader_failed)?.to_owned(),
            };
            listing(&self.config, bucket, prefix)
        } else {
            return Err(reader_failed(format!("Unsupported ItemReader resource '{}'", request.resource)));
        };
        Ok(limited(items, request.config.max_items))
    }
}

/// Runs `work` on a thread of its own, on a runtime and a client of its own.
fn on_thread<F, Fut>(config: &AwsConfig, work: F) -> Result<(), Failure>
where
    F: FnOnce(AwsClient) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let client = AwsClient::new(config.clone());
    std::thread::Builder::new()
        .name("asl-s3".into())
        .spawn(move || match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime.block_on(work(client)),
            Err(e) => eprintln!("asl-aws: cannot start a runtime for S3: {e}"),
        })
        .map(drop)
        .map_err(|e| Failure::new(asl_runtime::error::names::RUNTIME, format!("cannot start a thread for S3: {e}")))
}

/// What a helper thread hands its reader: a chunk or an item, the end, or why it stopped (a
/// `States.ItemReaderFailed`, ready to be the Map's failure). A thread that ends without saying
/// `Done` (it could not start its runtime, it panicked) is a failure, never a shorter data set.
enum Part<T> {
    Next(T),
    Done,
    Failed(Failure),
}

/// The next part, waiting for it.
fn receive<T>(parts: &Receiver<Part<T>>) -> Part<T> {
    blocking(|| parts.recv().unwrap_or_else(|_| Part::Failed(reader_failed("the S3 reader stopped before the end of the data set"))))
}

/// Runs `wait`, which blocks the calling thread (the item traits are synchronous): on a
/// multi-threaded runtime, that thread's other tasks move to another thread first.
fn blocking<T>(wait: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(wait),
        _ => wait(),
    }
}

/// An object's bytes, read in ranges by a helper thread.
struct ObjectReader {
    chunks: Receiver<Part<Bytes>>,
    current: Bytes,
    done: bool,
}

impl ObjectReader {
    /// Fetches the first range now, so that a missing bucket or key fails the open.
    fn open(config: &AwsConfig, bucket: String, key: String, chunk: u64) -> Result<Self, Failure> {
        let (tx, rx) = sync_channel(AHEAD);
        on_thread(config, move |client| fetch_ranges(client, bucket, key, chunk, tx)).map_err(|f| reader_failed(f.cause.unwrap_or_default()))?;
        let mut reader = ObjectReader { chunks: rx, current: Bytes::new(), done: false };
        match receive(&reader.chunks) {
            Part::Next(bytes) => reader.current = bytes,
            Part::Done => reader.done = true,
            Part::Failed(f) => return Err(f),
        }
        Ok(reader)
    }
}

async fn fetch_ranges(client: AwsClient, bucket: String, key: String, chunk: u64, tx: SyncSender<Part<Bytes>>) {
    let (mut start, mut etag) = (0, None);
    loop {
        match s3::get_range(&client, &bucket, &key, start, chunk, etag.as_deref()).await {
            Ok((bytes, size, tag)) => {
                etag = etag.or(tag);
                start += bytes.len() as u64;
                let done = bytes.is_empty() || start >= size;
                // A receiver gone: the Map stopped reading.
                if tx.send(Part::Next(bytes)).is_err() {
                    return;
                }
                if done {
                    let _ = tx.send(Part::Done);
                    return;
                }
            }
            Err(f) => {
                let _ = tx.send(Part::Failed(reader_failed(f.to_string())));
                return;
            }
        }
    }
}

impl Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            if self.done {
                return Ok(0);
            }
            match receive(&self.chunks) {
                Part::Next(bytes) => self.current = bytes,
                Part::Done => self.done = true,
                // The parsers make their own States.ItemReaderFailed of it, from its cause.
                Part::Failed(f) => return Err(std::io::Error::other(f.cause.unwrap_or(f.error))),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// The objects of `bucket` under `prefix`, listed page by page by a helper thread, each as the
/// item AWS passes: `{Etag, Key, LastModified (epoch seconds), Size, StorageClass}`.
fn listing(config: &AwsConfig, bucket: String, prefix: String) -> ItemStream {
    let (tx, rx) = sync_channel(1000);
    let started = on_thread(config, move |client| async move {
        let mut token: Option<String> = None;
        loop {
            let mut params = json!({ "Bucket": bucket, "Prefix": prefix });
            if let Some(t) = &token {
                params["ContinuationToken"] = t.clone().into();
            }
            let page = match s3::call(&client, "listObjectsV2", &params).await {
                Ok(page) => page,
                Err(f) => {
                    let _ = tx.send(Part::Failed(reader_failed(f.to_string())));
                    return;
                }
            };
            for object in page["Contents"].as_array().into_iter().flatten() {
                if tx.send(Part::Next(listed(object))).is_err() {
                    return;
                }
            }
            token = page["NextContinuationToken"].as_str().map(str::to_owned);
            if page["IsTruncated"] != true || token.is_none() {
                let _ = tx.send(Part::Done);
                return;
            }
        }
    });
    match started {
        Ok(()) => {
            let mut ended = false;
            Box::new(std::iter::from_fn(move || match ended {
                true => None,
                false => match receive(&rx) {
                    Part::Next(item) => Some(Ok(item)),
                    Part::Done => {
                        ended = true;
                        None
                    }
                    Part::Failed(f) => {
                        ended = true;
                        Some(Err(f))
                    }
                },
            }))
        }
        Err(f) => Box::new(std::iter::once(Err(reader_failed(f.cause.unwrap_or_default())))),
    }
}

fn listed(object: &Value) -> Value {
    let modified = object["LastModified"].as_str().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map_or(0, |t| t.timestamp());
    let size = object["Size"].as_u64().or_else(|| object["Size"].as_str().and_then(|s| s.parse().ok())).unwrap_or(0);
    json!({
        "Etag": object["ETag"],
        "Key": object["Key"],
        "LastModified": modified,
        "Size": size,
        "StorageClass": object.get("StorageClass").cloned().unwrap_or_else(|| "STANDARD".into()),
    })
}

/// Result files larger than this go up as multipart uploads of parts this large.
const PART: u64 = 16 << 20;

/// Writes a Distributed Map's results to S3.
#[derive(Clone)]
pub struct S3Results {
    config: AwsConfig,
    scratch: PathBuf,
    part: u64,
}

impl S3Results {
    /// Results are gathered under the system's temporary directory until the run ends.
    pub fn new(config: AwsConfig) -> Self {
        S3Results { config, scratch: std::env::temp_dir(), part: PART }
    }

    /// Files larger than `bytes` (16 MiB by default) are uploaded in parts of `bytes`: what
    /// memory holds during the upload. S3 takes parts of 5 MiB and more (emulators may take less).
    pub fn with_part_bytes(self, bytes: u64) -> Self {
        S3Results { part: bytes.max(1), ..self }
    }
}

impl ResultSink for S3Results {
    fn open(&self, request: &WriterRequest) -> Result<Box<dyn MapRunWriter>, Failure> {
        let bucket = string_param(&request.parameters, "Bucket", writer_failed)?.to_owned();
        let root = Scratch(self.scratch.join(format!("asl-results-{}-{:016x}", std::process::id(), rand::random::<u64>())));
        let local = LocalResultWriter::new(&root.0).open(request)?;
        Ok(Box::new(S3MapRun { local, root, bucket, config: self.config.clone(), part: self.part }))
    }
}

/// A scratch directory, removed with its contents when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct S3MapRun {
    local: Box<dyn MapRunWriter>,
    root: Scratch,
    bucket: String,
    config: AwsConfig,
    part: u64,
}

impl MapRunWriter for S3MapRun {
    fn write(&mut self, record: IterationRecord) -> Result<(), Failure> {
        self.local.write(record)
    }

    /// The local layout is complete: each of its files is put under the same key in the bucket.
    fn finish(self: Box<Self>) -> Result<Value, Failure> {
        let S3MapRun { local, root, bucket, config, part } = *self;
        let details = local.finish()?;
        let dir = root.0.join(&bucket);
        let mut files = Vec::new();
        walk(&dir, "", &mut files)?;
        let (tx, rx) = sync_channel(1);
        on_thread(&config, move |client| async move {
            for (key, path) in files {
                if let Err(f) = s3::put_file(&client, &bucket, &key, &path, part).await {
                    let _ = tx.send(Err(writer_failed(f.to_string())));
                    return;
                }
            }
            let _ = tx.send(Ok(()));
        })?;
        blocking(|| rx.recv().unwrap_or_else(|_| Err(writer_failed("the upload of the results stopped"))))?;
        drop(root);
        Ok(details)
    }
}

/// The files under `dir`, with their keys (paths relative to `dir`, `/`-separated).
fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> Result<(), Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| writer_failed(format!("{}: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| writer_failed(format!("{}: {e}", dir.display())))?;
        let key = format!("{prefix}{}", entry.file_name().to_string_lossy());
        match entry.path().is_dir() {
            true => walk(&entry.path(), &format!("{key}/"), out)?,
            false => out.push((key, entry.path())),
        }
    }
    Ok(())
}
