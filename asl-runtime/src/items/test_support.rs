//! Helpers shared by this module's tests: scratch directories and draining streams.

use super::ItemStream;
use crate::error::Failure;
use serde_json::Value;
use std::path::PathBuf;

/// A fresh, empty directory under the system temp dir, unique to this process and `name`.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-items-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Every item of a stream, or its first failure.
pub(crate) fn collect(stream: ItemStream) -> Result<Vec<Value>, Failure> {
    stream.collect()
}
