//! [`LocalFiles`]: the ItemReader's S3 resources served from a directory, for local runs and
//! tests. Object `Key` in bucket `Bucket` is the file `root/Bucket/Key`.

use super::{items_of, limited, reader_failed, string_param, ItemSource, ItemStream, ReaderRequest};
use crate::error::Failure;
use md5::{Digest, Md5};
use serde_json::{json, Value};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Reads `s3:getObject` data sets (JSON, JSONL, CSV) and `s3:listObjectsV2` listings from the
/// directory `root`, where each bucket is a subdirectory.
#[derive(Debug, Clone)]
pub struct LocalFiles {
    pub root: PathBuf,
}

impl LocalFiles {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalFiles { root: root.into() }
    }

    /// The file holding `key` of `bucket`. Keys are split on `/`; empty and `.` segments are
    /// skipped and `..` is refused, so no key reaches outside the bucket's directory.
    pub fn object_path(&self, bucket: &str, key: &str) -> Result<PathBuf, Failure> {
        let mut path = self.bucket_path(bucket)?;
        let mut segments = 0;
        for segment in key.split('/').filter(|s| !s.is_empty() && *s != ".") {
            if segment == ".." {
                return Err(reader_failed(format!("The key '{key}' cannot be read from a local directory")));
            }
            path.push(segment);
            segments += 1;
        }
        if segments == 0 {
            return Err(reader_failed(format!("The key '{key}' names no object")));
        }
        Ok(path)
    }

    fn bucket_path(&self, bucket: &str) -> Result<PathBuf, Failure> {
        if bucket.is_empty() || bucket.contains('/') || bucket == "." || bucket == ".." {
            return Err(reader_failed(format!("Invalid bucket name '{bucket}'")));
        }
        Ok(self.root.join(bucket))
    }

    fn get_object(&self, request: &ReaderRequest) -> Result<ItemStream, Failure> {
        let bucket = string_param(&request.parameters, "Bucket", reader_failed)?;
        let key = string_param(&request.parameters, "Key", reader_failed)?;
        let path = self.object_path(bucket, key)?;
        let file = File::open(&path).map_err(|e| reader_failed(format!("{}: {e}", path.display())))?;
        items_of(Box::new(file), &path, &request.config)
    }

    /// The objects of `Bucket` whose key starts with `Prefix`, in key order as S3 lists them,
    /// each as the item AWS passes: `{Etag, Key, LastModified, Size, StorageClass}`.
    fn list_objects(&self, request: &ReaderRequest) -> Result<ItemStream, Failure> {
        let bucket = string_param(&request.parameters, "Bucket", reader_failed)?;
        let prefix = match request.parameters.get("Prefix") {
            None => "",
            Some(_) => string_param(&request.parameters, "Prefix", reader_failed)?,
        };
        let dir = self.bucket_path(bucket)?;
        let mut keys = Vec::new();
        walk(&dir, "", &mut keys)?;
        keys.retain(|k| k.starts_with(prefix));
        keys.sort_unstable();
        Ok(Box::new(keys.into_iter().map(move |key| object_summary(&dir, key))))
    }
}

impl ItemSource for LocalFiles {
    fn open(&self, request: &ReaderRequest) -> Result<ItemStream, Failure> {
        let items = if request.resource.ends_with(":s3:getObject") {
            self.get_object(request)?
        } else if request.resource.ends_with(":s3:listObjectsV2") {
            self.list_objects(request)?
        } else {
            return Err(reader_failed(format!("Unsupported ItemReader resource '{}'", request.resource)));
        };
        Ok(limited(items, request.config.max_items))
    }
}

/// Collects the keys (paths relative to the bucket, `/`-separated) of every file under `dir`.
fn walk(dir: &Path, prefix: &str, keys: &mut Vec<String>) -> Result<(), Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| reader_failed(format!("{}: {e}", dir.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| reader_failed(format!("{}: {e}", dir.display())))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let key = format!("{prefix}{name}");
        if entry.path().is_dir() {
            walk(&entry.path(), &format!("{key}/"), keys)?;
        } else {
            keys.push(key);
        }
    }
    Ok(())
}

fn object_summary(dir: &Path, key: String) -> Result<Value, Failure> {
    let path = dir.join(&key);
    let fail = |e: std::io::Error| reader_failed(format!("{}: {e}", path.display()));
    let meta = std::fs::metadata(&path).map_err(fail)?;
    let mut hasher = Md5::new();
    std::io::copy(&mut File::open(&path).map_err(fail)?, &mut hasher).map_err(fail)?;
    let modified =
        meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs());
    let etag = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>();
    Ok(json!({
        "Etag": format!("\"{etag}\""),
        "Key": key,
        "LastModified": modified,
        "Size": meta.len(),
        "StorageClass": "STANDARD",
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::items::test_support::{collect, scratch};
    use crate::items::ReaderConfig;

    fn request(resource: &str, parameters: Value, config: Value) -> ReaderRequest {
        let config = ReaderConfig::from_json(&config).expect("config");
        ReaderRequest { resource: resource.into(), parameters, config }
    }

    fn setup(name: &str) -> LocalFiles {
        let root = scratch(name);
        std::fs::create_dir_all(root.join("b/data")).expect("mkdir");
        std::fs::write(root.join("b/data/items.json"), "[1,2,3,4]").expect("write");
        std::fs::write(root.join("b/data/items.jsonl"), "1\n2\n3\n4\n").expect("write");
        std::fs::write(root.join("b/data/items.csv"), "h\n1\n2\n3\n4\n").expect("write");
        std::fs::write(root.join("b/other.txt"), "x").expect("write");
        LocalFiles::new(root)
    }

    const GET: &str = "arn:aws:states:::s3:getObject";

    #[test]
    fn every_format_honours_max_items() {
        let files = setup("local-max");
        for (key, input_type) in [("data/items.json", "JSON"), ("data/items.jsonl", "JSONL"), ("data/items.csv", "CSV")]
        {
            let all = request(GET, json!({"Bucket": "b", "Key": key}), json!({"InputType": input_type}));
            assert_eq!(collect(files.open(&all).expect("opens")).map(|v| v.len()), Ok(4), "{key}");
            let two = request(GET, json!({"Bucket": "b", "Key": key}), json!({"InputType": input_type, "MaxItems": 2}));
            let items = collect(files.open(&two).expect("opens")).expect("reads");
            assert_eq!(items.len(), 2, "{key}");
            let first = if input_type == "CSV" { json!({"h": "1"}) } else { json!(1) };
            assert_eq!(items[0], first, "{key}: from the first item (after the header)");
        }
    }

    #[test]
    fn open_failures_are_item_reader_failures() {
        let files = setup("local-fail");
        let cases = [
            (GET, json!({"Bucket": "b", "Key": "missing.json"}), "missing.json"),
            (GET, json!({"Bucket": "b", "Key": "../../etc/passwd"}), "cannot be read"),
            (GET, json!({"Bucket": "b"}), "field Key is required"),
            (GET, json!({"Bucket": 1, "Key": "k"}), "field Bucket must be a string"),
            ("arn:aws:states:::s3:putObject", json!({}), "Unsupported ItemReader resource"),
        ];
        for (resource, parameters, expected) in cases {
            let err = files.open(&request(resource, parameters, json!({"InputType": "JSON"}))).err().expect("fails");
            assert_eq!(err.error, "States.ItemReaderFailed");
            assert!(err.cause.as_deref().unwrap_or_default().contains(expected), "{err:?}");
        }
        let no_type = request(GET, json!({"Bucket": "b", "Key": "data/items.json"}), Value::Null);
        assert!(files.open(&no_type).is_err());
    }

    #[test]
    fn list_objects_v2_lists_keys_in_order() {
        let files = setup("local-list");
        let list = "arn:aws:states:::s3:listObjectsV2";
        let items =
            collect(files.open(&request(list, json!({"Bucket": "b"}), Value::Null)).expect("opens")).expect("lists");
        let keys: Vec<_> = items.iter().filter_map(|i| i["Key"].as_str()).collect();
        assert_eq!(keys, ["data/items.csv", "data/items.json", "data/items.jsonl", "other.txt"]);
        assert_eq!(items[3]["Size"], json!(1));
        assert_eq!(items[3]["Etag"], json!("\"9dd4e461268c8034f5c8564e155c67a6\""), "md5 of \"x\"");
        let some = request(list, json!({"Bucket": "b", "Prefix": "data/"}), json!({"MaxItems": 1}));
        assert_eq!(collect(files.open(&some).expect("opens")).map(|v| v.len()), Ok(1));
    }
}
