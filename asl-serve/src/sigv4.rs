//! AWS Signature Version 4, the bottom floor: which access keys `asl serve` accepts
//! ([`Credentials`]), and checking a request's `Authorization: AWS4-HMAC-SHA256 ...` header
//! against them the way AWS does ([`verify`]): the canonical request, the string to sign, the
//! signing key derived for the date, region and service `states`, the signatures compared in
//! constant time, and X-Amz-Date at most 15 minutes off. Errors carry AWS's codes and texts,
//! so clients raise what they raise against AWS; a secret never appears in one.
//!
//! Knows HTTP headers and bytes, not the JSON protocol: `protocol` gives these codes their
//! namespace and status.

use asl_codegen::printable;
use asl_engine::ApiError;
use axum::http::HeaderMap;
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;

/// The error codes AWS answers a request it cannot authenticate with.
pub mod code {
    /// No `Authorization` header (HTTP 403).
    pub const MISSING_TOKEN: &str = "MissingAuthenticationTokenException";
    /// An access key that is not configured.
    pub const UNRECOGNIZED_CLIENT: &str = "UnrecognizedClientException";
    /// A signature that does not match, or one made too long ago (or ahead).
    pub const INVALID_SIGNATURE: &str = "InvalidSignatureException";
    /// An `Authorization` header without its parts, or without X-Amz-Date.
    pub const INCOMPLETE_SIGNATURE: &str = "IncompleteSignatureException";
}

/// The service name a credential must be scoped to.
pub const SERVICE: &str = "states";
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const TERMINATOR: &str = "aws4_request";
/// How far X-Amz-Date may be from the server's clock, either way (AWS's rule).
pub const MAX_SKEW: TimeDelta = TimeDelta::minutes(15);
const DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// The access keys requests may be signed with, each with its secret. Empty: requests are
/// accepted unchecked, as local emulators accept them. Its `Debug` shows the key ids only.
#[derive(Clone, Default)]
pub struct Credentials {
    secrets: HashMap<String, String>,
}

impl Credentials {
    /// `ACCESS_KEY_ID:SECRET_ACCESS_KEY` pairs (the secret may itself hold `:`). The error
    /// says which pair is wrong by position, never by its text.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = &'a str>) -> Result<Credentials, String> {
        let mut secrets = HashMap::new();
        for (n, pair) in pairs.into_iter().enumerate() {
            let (key, secret) = pair.trim().split_once(':').unwrap_or((pair.trim(), ""));
            let bad_key = key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if bad_key || secret.is_empty() {
                return Err(format!("credential {}: expected ACCESS_KEY_ID:SECRET_ACCESS_KEY (an access key id of letters, digits, '_' or '-', and a secret that is not empty)", n + 1));
            }
            secrets.insert(key.to_string(), secret.to_string());
        }
        Ok(Credentials { secrets })
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// The access key ids, sorted (to say which are accepted; ids are not secret).
    pub fn key_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.secrets.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("key_ids", &self.key_ids()).finish_non_exhaustive()
    }
}

/// What a signature covers: the request line, its headers and the body as read.
pub struct Request<'a> {
    pub method: &'a str,
    /// The path as sent (still percent-encoded).
    pub path: &'a str,
    /// The query string as sent, without `?`.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
#[derive(Debug, PartialEq)]
struct Authorization<'a> {
    key_id: &'a str,
    /// `DATE/REGION/SERVICE/aws4_request`.
    scope: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    terminator: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

/// Whether `request` is signed, at `now`, with one of `credentials`' keys. Always `Ok` when
/// no credentials are configured.
pub fn verify(credentials: &Credentials, request: &Request, now: DateTime<Utc>) -> Result<(), ApiError> {
    if credentials.is_empty() {
        return Ok(());
    }
    let Some(header) = request.headers.get("authorization") else {
        return Err(ApiError::new(code::MISSING_TOKEN, "Missing Authentication Token"));
    };
    let header = header.to_str().map_err(|_| incomplete("The Authorization header is not ASCII text."))?;
    let auth = parse_authorization(header)?;
    let Some(secret) = credentials.secrets.get(auth.key_id) else {
        return Err(ApiError::new(code::UNRECOGNIZED_CLIENT, "The security token included in the request is invalid."));
    };
    let date = request_date(request.headers)?;
    check_scope(&auth, date)?;
    check_skew(date, now)?;
    let payload_hash = payload_hash(request)?;
    let canonical = canonical_request(request, auth.signed_headers, &payload_hash);
    let to_sign = string_to_sign(&date.format(DATE_FORMAT).to_string(), auth.scope, &canonical);
    let key = signing_key(secret, auth.date, auth.region, auth.service);
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes a key of any length");
    mac.update(to_sign.as_bytes());
    // verify_slice compares in constant time.
    match decode_hex(auth.signature) {
        Some(given) if mac.verify_slice(&given).is_ok() => Ok(()),
        _ => Err(ApiError::new(
            code::INVALID_SIGNATURE,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        )),
    }
}

/// The `Authorization` header a client sends for `request` signed at `amz_date`
/// (`YYYYMMDD'T'HHMMSS'Z'`, which must also be its X-Amz-Date) over `signed_headers`
/// (lower-case names joined by `;`): to test a server, or to call one from Rust without an SDK.
pub fn authorization(key_id: &str, secret: &str, region: &str, amz_date: &str, request: &Request, signed_headers: &str) -> String {
    let day = amz_date.get(..8).unwrap_or_default();
    let scope = format!("{day}/{region}/{SERVICE}/{TERMINATOR}");
    let canonical = canonical_request(request, signed_headers, &hex(&Sha256::digest(request.body)));
    let key = signing_key(secret, day, region, SERVICE);
    let signature = hex(&hmac(&key, string_to_sign(amz_date, &scope, &canonical).as_bytes()));
    format!("{ALGORITHM} Credential={key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}")
}

fn incomplete(message: impl Into<String>) -> ApiError {
    ApiError::new(code::INCOMPLETE_SIGNATURE, message)
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(code::INVALID_SIGNATURE, message)
}

fn parse_authorization(header: &str) -> Result<Authorization<'_>, ApiError> {
    let (algorithm, rest) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    if algorithm != ALGORITHM {
        return Err(incomplete(format!("Unsupported AWS 'algorithm': '{}'; {ALGORITHM} is the one accepted.", printable(algorithm))));
    }
    let mut parts: HashMap<&str, &str> = HashMap::new();
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((name, value)) = part.split_once('=') {
            parts.insert(name.trim(), value.trim());
        }
    }
    let missing: Vec<String> = ["Credential", "Signature", "SignedHeaders"]
        .iter()
        .filter(|name| !parts.contains_key(**name))
        .map(|name| format!("Authorization header requires '{name}' parameter."))
        .collect();
    if !missing.is_empty() {
        return Err(incomplete(missing.join(" ")));
    }
    let credential = parts["Credential"];
    let scoped: Vec<&str> = credential.splitn(5, '/').collect();
    let [key_id, date, region, service, terminator] = scoped[..] else {
        return Err(incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
            printable(credential)
        )));
    };
    let scope = &credential[key_id.len() + 1..];
    Ok(Authorization { key_id, scope, date, region, service, terminator, signed_headers: parts["SignedHeaders"], signature: parts["Signature"] })
}

/// X-Amz-Date, which botocore and the SDKs always send (a `Date` header alone is not taken).
fn request_date(headers: &HeaderMap) -> Result<DateTime<Utc>, ApiError> {
    let text = headers.get("x-amz-date").and_then(|v| v.to_str().ok());
    let Some(text) = text else {
        return Err(incomplete("Authorization header requires existence of a 'X-Amz-Date' header."));
    };
    NaiveDateTime::parse_from_str(text, DATE_FORMAT)
        .map(|d| d.and_utc())
        .map_err(|_| incomplete(format!("X-Amz-Date '{}' is not in the basic ISO 8601 format YYYYMMDD'T'HHMMSS'Z'.", printable(text))))
}

fn check_scope(auth: &Authorization, date: DateTime<Utc>) -> Result<(), ApiError> {
    let day = date.format("%Y%m%d").to_string();
    if auth.date != day {
        return Err(invalid(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{day}', from '{}'.",
            printable(auth.date),
            date.format(DATE_FORMAT)
        )));
    }
    if auth.service != SERVICE {
        return Err(invalid(format!("Credential should be scoped to correct service: '{SERVICE}'. ")));
    }
    if auth.terminator != TERMINATOR {
        return Err(invalid(format!("Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'.", printable(auth.terminator))));
    }
    if !auth.signed_headers.split(';').any(|h| h == "host") {
        return Err(incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
    }
    Ok(())
}

/// AWS's texts for a request signed more than 15 minutes before or after the server's clock.
fn check_skew(date: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), ApiError> {
    let show = |d: DateTime<Utc>| d.format(DATE_FORMAT).to_string();
    if date < now - MAX_SKEW {
        return Err(invalid(format!("Signature expired: {} is now earlier than {} ({} - 15 min.)", show(date), show(now - MAX_SKEW), show(now))));
    }
    if date > now + MAX_SKEW {
        return Err(invalid(format!("Signature not yet current: {} is still later than {} ({} + 15 min.)", show(date), show(now + MAX_SKEW), show(now))));
    }
    Ok(())
}

/// The body's SHA-256, which `x-amz-content-sha256`, when sent, must repeat: a signature over
/// a claimed hash alone would let the body be swapped.
fn payload_hash(request: &Request) -> Result<String, ApiError> {
    let computed = hex(&Sha256::digest(request.body));
    match request.headers.get("x-amz-content-sha256").map(|v| v.to_str().unwrap_or_default()) {
        Some(claimed) if !claimed.eq_ignore_ascii_case(&computed) => {
            Err(invalid("The provided 'x-amz-content-sha256' header does not match what was computed."))
        }
        _ => Ok(computed),
    }
}

/// The canonical request: method, URI, query, the signed headers (names as the client listed
/// them, values trimmed with inner runs of spaces collapsed, repeated headers joined by `,`),
/// the signed header list and the payload hash.
fn canonical_request(request: &Request, signed_headers: &str, payload_hash: &str) -> String {
    let mut names: Vec<&str> = signed_headers.split(';').collect();
    names.sort_unstable();
    let headers: String = names.iter().map(|name| format!("{name}:{}\n", header_value(request.headers, name))).collect();
    format!(
        "{}\n{}\n{}\n{headers}\n{signed_headers}\n{payload_hash}",
        request.method.to_ascii_uppercase(),
        canonical_uri(request.path),
        canonical_query(request.query.unwrap_or_default()),
    )
}

fn header_value(headers: &HeaderMap, name: &str) -> String {
    let values = headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).split_whitespace().collect::<Vec<_>>().join(" "));
    values.collect::<Vec<_>>().join(",")
}

/// The path encoded once more, as every service but S3 signs it (so `%` of an encoded path
/// becomes `%25`). Paths with `.` or `..` segments are not normalised: the API is served at `/`.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".to_string();
    }
    uri_encode(path.as_bytes(), false)
}

/// The query's parameters decoded, encoded again AWS's way, sorted by name then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            (uri_encode(&percent_decode(name), true), uri_encode(&percent_decode(value), true))
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&")
}

/// AWS's URI encoding: unreserved characters as they are, every other byte as `%XX`; `/`
/// kept unless `slash` says to encode it.
fn uri_encode(bytes: &[u8], slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b'/' if !slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%').then(|| text.get(i + 1..i + 3)).flatten().and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{}", hex(&Sha256::digest(canonical_request.as_bytes())))
}

/// HMAC-SHA256 of "AWS4" + secret over the date, then the region, the service and
/// `aws4_request`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let first = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    [region, service, TERMINATOR].iter().fold(first, |key, part| hmac(&key, part.as_bytes()))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests;
