//! `aws-sdk:s3:` the common object actions over S3's REST-XML protocol: GetObject, PutObject,
//! HeadObject, CopyObject, DeleteObject, ListObjectsV2, ListObjects and ListBuckets. The
//! answer is the SDK's shape: headers as members (`ContentLength`, `ETag`, `Metadata` from
//! `x-amz-meta-*`), XML lists as arrays, the object's `Body` as text. Buckets are addressed by
//! host name at AWS and by path at an endpoint that was set (emulators).

use super::Params;
use crate::client::{AwsClient, Endpoint, ServiceRequest};
use crate::error::{CallError, Naming};
use crate::protocol::{as_text, encode, xml};
use crate::sign::Signing;
use crate::transport::HttpResponse;
use asl_runtime::Failure;
use serde_json::{Map, Value};

const ENDPOINT: Endpoint = Endpoint { env_name: "S3", prefix: "s3", signing: Signing { name: "s3", s3: true } };
const NAMING: Naming = Naming::Sdk { prefix: "S3", service: "S3" };

/// The actions served, by their name in the Resource.
pub(crate) const ACTIONS: &[&str] = &["getObject", "putObject", "headObject", "copyObject", "deleteObject", "listObjectsV2", "listObjects", "listBuckets"];

/// Response headers and the members they become.
const HEADERS: &[(&str, &str)] = &[
    ("accept-ranges", "AcceptRanges"),
    ("cache-control", "CacheControl"),
    ("content-disposition", "ContentDisposition"),
    ("content-encoding", "ContentEncoding"),
    ("content-language", "ContentLanguage"),
    ("content-range", "ContentRange"),
    ("content-type", "ContentType"),
    ("etag", "ETag"),
    ("expires", "Expires"),
    ("x-amz-server-side-encryption", "ServerSideEncryption"),
    ("x-amz-version-id", "VersionId"),
    ("x-amz-storage-class", "StorageClass"),
    ("x-amz-checksum-crc32", "ChecksumCRC32"),
    ("x-amz-checksum-type", "ChecksumType"),
];

/// Request members sent as headers.
const REQUEST_HEADERS: &[(&str, &str)] = &[
    ("ContentType", "content-type"),
    ("CacheControl", "cache-control"),
    ("ContentDisposition", "content-disposition"),
    ("ContentEncoding", "content-encoding"),
    ("ContentLanguage", "content-language"),
    ("Range", "range"),
    ("IfMatch", "if-match"),
    ("IfNoneMatch", "if-none-match"),
    ("CopySource", "x-amz-copy-source"),
    ("ServerSideEncryption", "x-amz-server-side-encryption"),
    ("StorageClass", "x-amz-storage-class"),
];

pub(crate) async fn call(client: &AwsClient, action: &str, input: &Value) -> Result<Value, Failure> {
    let params = Params::of(input)?;
    if action == "listBuckets" {
        let response = send(client, None, http::Method::GET, "/".into(), Vec::new(), Default::default()).await?;
        return xml_members(&response, &["Bucket"], &[]);
    }
    let bucket = params.text("Bucket")?;
    let mut headers = Vec::new();
    for (member, header) in REQUEST_HEADERS {
        if let Some(v) = params.optional_text(member)? {
            let v = if *member == "CopySource" { copy_source(v) } else { v.to_owned() };
            headers.push((header.to_string(), v));
        }
    }
    if let Some(Value::Object(metadata)) = params.get("Metadata") {
        headers.extend(metadata.iter().map(|(k, v)| (format!("x-amz-meta-{k}"), as_text(v))));
    }
    let version = params.optional_text("VersionId")?.map(|v| format!("?versionId={}", encode(v))).unwrap_or_default();
    let object = |params: &Params<'_>| -> Result<String, Failure> { Ok(format!("/{}{version}", encode_path(params.text("Key")?))) };
    match action {
        "getObject" | "headObject" => {
            let method = if action == "getObject" { http::Method::GET } else { http::Method::HEAD };
            let response = send(client, Some(bucket), method, object(&params)?, headers, Default::default()).await?;
            let mut result = object_members(&response);
            if action == "getObject" {
                result.insert("Body".into(), String::from_utf8_lossy(&response.body).into_owned().into());
            }
            Ok(Value::Object(result))
        }
        "putObject" => {
            let body = params.get("Body").map(as_text).unwrap_or_default();
            let response = send(client, Some(bucket), http::Method::PUT, object(&params)?, headers, body.into()).await?;
            let mut result = Map::new();
            for (header, member) in HEADERS {
                if matches!(*member, "ETag" | "ServerSideEncryption" | "VersionId" | "ChecksumCRC32" | "ChecksumType") {
                    if let Some(v) = response.header(header) {
                        result.insert(member.to_string(), v.into());
                    }
                }
            }
            Ok(Value::Object(result))
        }
        "copyObject" => {
            params.text("CopySource")?;
            let response = send(client, Some(bucket), http::Method::PUT, object(&params)?, headers, Default::default()).await?;
            error_in_ok(&response)?;
            let mut result = Map::new();
            let copied = xml_members(&response, &[], &[])?;
            result.insert("CopyObjectResult".into(), copied);
            for (header, member) in [("x-amz-version-id", "VersionId"), ("x-amz-server-side-encryption", "ServerSideEncryption")] {
                if let Some(v) = response.header(header) {
                    result.insert(member.into(), v.into());
                }
            }
            Ok(Value::Object(result))
        }
        "deleteObject" => {
            let response = send(client, Some(bucket), http::Method::DELETE, object(&params)?, headers, Default::default()).await?;
            let mut result = Map::new();
            if let Some(v) = response.header("x-amz-delete-marker") {
                result.insert("DeleteMarker".into(), (v == "true").into());
            }
            if let Some(v) = response.header("x-amz-version-id") {
                result.insert("VersionId".into(), v.into());
            }
            Ok(Value::Object(result))
        }
        "listObjectsV2" | "listObjects" => {
            let mut query = vec![];
            if action == "listObjectsV2" {
                query.push("list-type=2".to_owned());
            }
            for (member, name) in [("Prefix", "prefix"), ("Delimiter", "delimiter"), ("ContinuationToken", "continuation-token"), ("StartAfter", "start-after"), ("Marker", "marker")] {
                if let Some(v) = params.optional_text(member)? {
                    query.push(format!("{name}={}", encode(v)));
                }
            }
            if let Some(n) = params.get("MaxKeys").and_then(Value::as_u64) {
                query.push(format!("max-keys={n}"));
            }
            query.sort();
            let path = if query.is_empty() { "/".to_owned() } else { format!("/?{}", query.join("&")) };
            let response = send(client, Some(bucket), http::Method::GET, path, headers, Default::default()).await?;
            xml_members(&response, &["Contents", "CommonPrefixes"], &["Size", "KeyCount", "MaxKeys"])
        }
        _ => unreachable!("the handler serves only ACTIONS"),
    }
}

async fn send(client: &AwsClient, bucket: Option<&str>, method: http::Method, path: String, headers: Vec<(String, String)>, body: bytes::Bytes) -> Result<HttpResponse, Failure> {
    exchange(client, bucket, method, path, headers, body).await.map_err(|e| NAMING.failure(&e))
}

async fn exchange(client: &AwsClient, bucket: Option<&str>, method: http::Method, path: String, headers: Vec<(String, String)>, body: bytes::Bytes) -> Result<HttpResponse, CallError> {
    // At AWS the bucket is the host's first label; at an emulator's endpoint, the path's first
    // segment, and so for a bucket with dots, which no TLS certificate of S3's hosts covers.
    let (path, host_label) = match bucket {
        Some(b) if client.has_endpoint(&ENDPOINT) || !dns_label(b) => (format!("/{}{}", encode(b), path), None),
        Some(b) => (path, Some(b.to_owned())),
        None => (path, None),
    };
    let request = ServiceRequest { method, path, headers, body, region: None, host_label };
    client.send(&ENDPOINT, request).await
}

/// Whether a bucket name can be a host's label (3 to 63 of `a-z0-9-`, no dash at either end);
/// any other is addressed by path, so a name never changes the host a request goes to.
fn dns_label(bucket: &str) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !bucket.starts_with('-')
        && !bucket.ends_with('-')
}

/// Bytes `start..start + len` of an object (fewer at its end), the object's whole size and its
/// ETag; an empty object has no range to read and gives no bytes. With `if_match` (the ETag of
/// the first range) a range of another version of the object fails rather than being spliced in.
pub(crate) async fn get_range(client: &AwsClient, bucket: &str, key: &str, start: u64, len: u64, if_match: Option<&str>) -> Result<(bytes::Bytes, u64, Option<String>), Failure> {
    let mut headers = vec![("range".to_owned(), format!("bytes={start}-{}", start + len - 1))];
    if let Some(etag) = if_match {
        headers.push(("if-match".to_owned(), etag.to_owned()));
    }
    match exchange(client, Some(bucket), http::Method::GET, format!("/{}", encode_path(key)), headers, Default::default()).await {
        Ok(response) => {
            // `Content-Range: bytes 0-1023/4096`: the size is after the slash.
            let size = response.header("content-range").and_then(|r| r.rsplit('/').next()).and_then(|n| n.parse().ok());
            let size = size.unwrap_or(start + response.body.len() as u64);
            let etag = response.header("etag").map(str::to_owned);
            Ok((response.body, size, etag))
        }
        Err(CallError::Service(e)) if e.status == 416 && start == 0 => Ok((Default::default(), 0, None)),
        Err(CallError::Service(e)) if e.status == 412 => {
            Err(NAMING.failure(&CallError::Client(format!("s3://{bucket}/{key} changed while it was read ({})", e.message))))
        }
        Err(e) => Err(NAMING.failure(&e)),
    }
}

/// Writes the file `path` as the object `key` of `bucket`: one PutObject when it holds at most
/// `part` bytes, else a multipart upload of `part`-byte parts read one at a time (S3 takes
/// parts of 5 MiB to 5 GiB, at most 10,000), so memory holds one part, never the file.
pub(crate) async fn put_file(client: &AwsClient, bucket: &str, key: &str, path: &std::path::Path, part: u64) -> Result<(), Failure> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| NAMING.failure(&CallError::Client(format!("{}: {e}", path.display())));
    let mut file = std::fs::File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    let object = format!("/{}", encode_path(key));
    if size <= part {
        let mut body = Vec::with_capacity(size as usize);
        file.read_to_end(&mut body).map_err(unreadable)?;
        return send(client, Some(bucket), http::Method::PUT, object, Vec::new(), body.into()).await.map(drop);
    }
    let started = send(client, Some(bucket), http::Method::POST, format!("{object}?uploads"), Vec::new(), Default::default()).await?;
    let upload = xml_members(&started, &[], &[])?["UploadId"].as_str().map(str::to_owned);
    let upload = upload.ok_or_else(|| NAMING.failure(&CallError::Client("CreateMultipartUpload answered without an UploadId".into())))?;
    let upload_query = format!("uploadId={}", encode(&upload));
    let mut parts = String::new();
    let uploaded: Result<(), Failure> = async {
        let mut buffer = vec![0; part as usize];
        for number in 1.. {
            let n = read_full(&mut file, &mut buffer).map_err(unreadable)?;
            if n == 0 {
                break;
            }
            let body = bytes::Bytes::copy_from_slice(&buffer[..n]);
            let put = send(client, Some(bucket), http::Method::PUT, format!("{object}?partNumber={number}&{upload_query}"), Vec::new(), body).await?;
            let etag = put.header("etag").ok_or_else(|| NAMING.failure(&CallError::Client(format!("UploadPart {number} answered without an ETag"))))?;
            parts.push_str(&format!("<Part><PartNumber>{number}</PartNumber><ETag>{}</ETag></Part>", xml_escape(etag)));
        }
        let complete = format!("<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>");
        let completed = send(client, Some(bucket), http::Method::POST, format!("{object}?{upload_query}"), Vec::new(), complete.into()).await?;
        error_in_ok(&completed)
    }
    .await;
    if uploaded.is_err() {
        // The parts sent so far are not kept (nor billed) once the upload is aborted.
        let _ = send(client, Some(bucket), http::Method::DELETE, format!("{object}?{upload_query}"), Vec::new(), Default::default()).await;
    }
    uploaded
}

/// Fills `buffer` from `file` as far as the file goes; how many bytes it holds.
fn read_full(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// CopyObject and CompleteMultipartUpload may answer `200 OK` with an `<Error>` body when they
/// fail after the answer began.
fn error_in_ok(response: &HttpResponse) -> Result<(), Failure> {
    let is_error = xml(response).is_ok_and(|d| d.root_element().has_tag_name("Error"));
    match is_error {
        true => Err(NAMING.failure(&CallError::Service(crate::error::ServiceError::read(&HttpResponse { status: 500, ..response.clone() })))),
        false => Ok(()),
    }
}

/// `x-amz-copy-source`: `bucket/key` encoded as a path, a `?versionId=…` kept as a query.
fn copy_source(source: &str) -> String {
    match source.split_once('?') {
        Some((path, query)) => format!("{}?{query}", encode_path(path)),
        None => encode_path(source),
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An object's headers as the SDK's members.
fn object_members(response: &HttpResponse) -> Map<String, Value> {
    let mut result = Map::new();
    for (header, member) in HEADERS {
        if let Some(v) = response.header(header) {
            result.insert(member.to_string(), v.into());
        }
    }
    if let Some(n) = response.header("content-length").and_then(|v| v.parse::<u64>().ok()) {
        result.insert("ContentLength".into(), n.into());
    }
    if let Some(date) = response.header("last-modified").and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok()) {
        result.insert("LastModified".into(), date.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string().into());
    }
    let metadata: Map<String, Value> =
        response.headers.iter().filter_map(|(k, v)| Some((k.to_ascii_lowercase().strip_prefix("x-amz-meta-")?.to_owned(), Value::from(v.as_str())))).collect();
    result.insert("Metadata".into(), Value::Object(metadata));
    result
}

/// An XML answer's root element as JSON: `lists` are always arrays, `numbers` numbers,
/// `IsTruncated` a boolean.
fn xml_members(response: &HttpResponse, lists: &[&str], numbers: &[&str]) -> Result<Value, Failure> {
    let doc = xml(response).map_err(|e| NAMING.failure(&e))?;
    Ok(element(doc.root_element(), lists, numbers))
}

fn element(node: roxmltree::Node<'_, '_>, lists: &[&str], numbers: &[&str]) -> Value {
    let children: Vec<_> = node.children().filter(|c| c.is_element()).collect();
    if children.is_empty() {
        let text = node.text().unwrap_or_default();
        let name = node.tag_name().name();
        if numbers.contains(&name) {
            if let Ok(n) = text.parse::<i64>() {
                return n.into();
            }
        }
        if name == "IsTruncated" {
            return (text == "true").into();
        }
        return text.into();
    }
    let mut out = Map::new();
    for child in children {
        let name = child.tag_name().name();
        let value = element(child, lists, numbers);
        // A wrapper of repeated elements (<Buckets><Bucket/>…</Buckets>) is a list too.
        let value = match (&value, lists.iter().any(|l| child.children().any(|g| g.has_tag_name(*l)))) {
            (Value::Object(m), true) => m.values().next().cloned().unwrap_or(Value::Array(vec![])),
            _ => value,
        };
        if lists.contains(&name) {
            match out.entry(name).or_insert_with(|| Value::Array(vec![])) {
                Value::Array(items) => items.push(value),
                _ => unreachable!("list members are arrays"),
            }
        } else {
            out.insert(name.to_owned(), value);
        }
    }
    Value::Object(out)
}


/// A key as a path: each segment encoded, the slashes kept.
fn encode_path(key: &str) -> String {
    key.split('/').map(encode).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dns_safe_bucket_names_become_host_labels() {
        assert!(dns_label("receipts-2024"));
        for name in ["my.bucket", "x.evil.net/", "UPPER", "-lead", "ab", "a#b", "a@b"] {
            assert!(!dns_label(name), "{name}");
        }
    }

    #[test]
    fn a_copy_source_keeps_its_version_query() {
        assert_eq!(copy_source("b/dir/a b.json?versionId=3/L4kq"), "b/dir/a%20b.json?versionId=3/L4kq");
        assert_eq!(copy_source("b/k+1"), "b/k%2B1");
    }
}
