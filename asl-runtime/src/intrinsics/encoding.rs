//! `States.Base64Encode`, `States.Base64Decode` and `States.Hash`: byte-level encodings of a
//! string of at most 10,000 characters.

use super::{describe, expect_string, fail, longer_than, MAX_STRING_CHARS};
use crate::error::Failure;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde_json::Value;

/// `States.Base64Encode(string)`: the UTF-8 bytes of the string in Base64 (standard alphabet,
/// padded, no line breaks), e.g. `Data to encode` → `RGF0YSB0byBlbmNvZGU=`.
pub fn base64_encode(data: Value) -> Result<Value, Failure> {
    let text = bounded_string("Base64Encode", "argument", data)?;
    Ok(Value::String(STANDARD.encode(text.as_bytes())))
}

/// Decoding accepts input with or without `=` padding, as MIME decoders do.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// `States.Base64Decode(string)`: the Base64 text decoded and read as UTF-8. Like Java's MIME
/// decoder it skips line breaks and other whitespace; bytes that are not UTF-8 become U+FFFD,
/// as Java's `new String(bytes, UTF_8)` makes them.
pub fn base64_decode(data: Value) -> Result<Value, Failure> {
    let text = bounded_string("Base64Decode", "argument", data)?;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = LENIENT.decode(compact.as_bytes()).map_err(|e| {
        fail("Base64Decode", format_args!("could not decode its argument as Base64 ({e}): {}", describe(&Value::String(text.clone()))))
    })?;
    Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

/// The algorithms `States.Hash` accepts, spelled as AWS spells them.
pub const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// `States.Hash(data, algorithm)`: the lowercase hex digest of the string's UTF-8 bytes with one
/// of [`HASH_ALGORITHMS`] (exact spelling), e.g. `input data` with `SHA-1` →
/// `aaff4a450a104cd177d28d18d74485e8cae074b7`.
pub fn hash(data: Value, algorithm: Value) -> Result<Value, Failure> {
    let text = bounded_string("Hash", "data (first argument)", data)?;
    let algorithm = expect_string("Hash", "algorithm (second argument)", algorithm)?;
    let bytes = text.as_bytes();
    let digest = match algorithm.as_str() {
        "MD5" => hex::<md5::Md5>(bytes),
        "SHA-1" => hex::<sha1::Sha1>(bytes),
        "SHA-256" => hex::<sha2::Sha256>(bytes),
        "SHA-384" => hex::<sha2::Sha384>(bytes),
        "SHA-512" => hex::<sha2::Sha512>(bytes),
        other => {
            return Err(fail("Hash", format_args!(
                "does not support the algorithm {}; use one of {}",
                describe(&Value::String(other.to_string())),
                HASH_ALGORITHMS.join(", ")
            )))
        }
    };
    Ok(Value::String(digest))
}

fn hex<D: sha2::Digest>(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    D::digest(bytes).iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

fn bounded_string(function: &str, what: &str, value: Value) -> Result<String, Failure> {
    let text = expect_string(function, what, value)?;
    if longer_than(&text, MAX_STRING_CHARS) {
        return Err(fail(function, format_args!("accepts at most {MAX_STRING_CHARS} characters in its {what}")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The recorded test_base_64_encode-* / test_base_64_decode-* executions.
    #[test]
    fn base64_matches_recordings() {
        assert_eq!(base64_encode(json!("")), Ok(json!("")));
        assert_eq!(base64_encode(json!("Data to encode")), Ok(json!("RGF0YSB0byBlbmNvZGU=")));
        assert_eq!(base64_decode(json!("")), Ok(json!("")));
        assert_eq!(base64_decode(json!("RGF0YSB0byBlbmNvZGU=")), Ok(json!("Data to encode")));
    }

    #[test]
    fn base64_round_trips_unicode_and_tolerates_mime_input() {
        assert_eq!(base64_encode(json!("héllo ✓")), Ok(json!("aMOpbGxvIOKckw==")));
        assert_eq!(base64_decode(json!("aMOpbGxvIOKckw==")), Ok(json!("héllo ✓")));
        assert_eq!(base64_decode(json!("RGF0YSB0\r\nbyBlbmNvZGU")), Ok(json!("Data to encode")));
        assert_eq!(base64_decode(json!("/w==")), Ok(json!("\u{FFFD}")));
    }

    #[test]
    fn base64_rejects_bad_input() {
        assert!(base64_decode(json!("not base64!")).is_err());
        assert!(base64_encode(json!(1)).is_err());
        assert!(base64_decode(json!(null)).is_err());
        assert!(base64_encode(json!("a".repeat(10_000))).is_ok());
        assert!(base64_encode(json!("a".repeat(10_001))).is_err());
        assert!(base64_decode(json!("A".repeat(10_004))).is_err());
    }

    /// The recorded test_hash-* executions and digests of "input data" for the other algorithms.
    #[test]
    fn hash_matches_recordings() {
        let sha1 = hash(json!("input data"), json!("SHA-1"));
        assert_eq!(sha1, Ok(json!("aaff4a450a104cd177d28d18d74485e8cae074b7")));
        let sha256 = hash(json!("input data"), json!("SHA-256"));
        assert_eq!(sha256, Ok(json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")));
    }

    #[test]
    fn hash_supports_every_documented_algorithm() {
        // Digests of the empty string, from the algorithms' specifications.
        let cases = [
            ("MD5", "d41d8cd98f00b204e9800998ecf8427e"),
            ("SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("SHA-256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("SHA-384", "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"),
            ("SHA-512", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"),
        ];
        for (algorithm, digest) in cases {
            assert_eq!(hash(json!(""), json!(algorithm)), Ok(json!(digest)), "{algorithm}");
        }
    }

    #[test]
    fn hash_rejects_unknown_algorithms_and_long_or_non_string_data() {
        assert!(hash(json!("x"), json!("SHA-3")).is_err());
        assert!(hash(json!("x"), json!("sha-256")).is_err());
        assert!(hash(json!("x"), json!(256)).is_err());
        assert!(hash(json!(1), json!("MD5")).is_err());
        assert!(hash(json!("é".repeat(10_000)), json!("MD5")).is_ok());
        assert!(hash(json!("é".repeat(10_001)), json!("MD5")).is_err());
    }
}
