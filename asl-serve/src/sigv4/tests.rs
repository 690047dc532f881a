//! AWS's published vectors (the signing-key example of the SigV4 documentation, and cases of
//! the Signature Version 4 test suite: key AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1,
//! service `service`), then `verify` on requests scoped to `states`.

use super::*;
use axum::http::HeaderValue;

const SUITE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_DATE: &str = "20150830T123600Z";
const SUITE_SCOPE: &str = "20150830/us-east-1/service/aws4_request";

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let name = axum::http::HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes()).unwrap();
        map.append(name, HeaderValue::from_str(value).unwrap());
    }
    map
}

/// The signature of a suite case, computed with this module's pieces.
fn suite_signature(method: &str, query: Option<&str>, extra: &[(&str, &str)], body: &[u8], signed: &str) -> (String, String) {
    let mut all = vec![("Host", "example.amazonaws.com"), ("X-Amz-Date", SUITE_DATE)];
    all.extend_from_slice(extra);
    let headers = headers(&all);
    let request = Request { method, path: "/", query, headers: &headers, body };
    let canonical = canonical_request(&request, signed, &payload_hash(&request).unwrap());
    let key = signing_key(SUITE_SECRET, "20150830", "us-east-1", "service");
    (canonical.clone(), hex(&hmac(&key, string_to_sign(SUITE_DATE, SUITE_SCOPE, &canonical).as_bytes())))
}

#[test]
fn the_signing_key_of_awss_documentation() {
    let key = signing_key(SUITE_SECRET, "20120215", "us-east-1", "iam");
    assert_eq!(hex(&key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

#[test]
fn get_vanilla() {
    let (canonical, signature) = suite_signature("GET", None, &[], b"", "host;x-amz-date");
    assert_eq!(
        canonical,
        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        string_to_sign(SUITE_DATE, SUITE_SCOPE, &canonical),
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
    );
    assert_eq!(signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

#[test]
fn post_vanilla_and_its_query() {
    assert_eq!(suite_signature("POST", None, &[], b"", "host;x-amz-date").1, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    let (canonical, signature) = suite_signature("POST", Some("Param1=value1"), &[], b"", "host;x-amz-date");
    assert!(canonical.starts_with("POST\n/\nParam1=value1\n"), "{canonical}");
    assert_eq!(signature, "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
}

#[test]
fn query_parameters_are_sorted() {
    let (canonical, signature) = suite_signature("GET", Some("Param2=value2&Param1=value1"), &[], b"", "host;x-amz-date");
    assert!(canonical.starts_with("GET\n/\nParam1=value1&Param2=value2\n"), "{canonical}");
    assert_eq!(signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

#[test]
fn header_names_are_lower_cased_and_values_trimmed() {
    let signed = "host;my-header1;x-amz-date";
    assert_eq!(suite_signature("POST", None, &[("MY-HEADER1", "value1")], b"", signed).1, "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c");
    let (canonical, signature) =
        suite_signature("GET", None, &[("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")], b"", "host;my-header1;my-header2;x-amz-date");
    assert!(canonical.contains("my-header1:value1\nmy-header2:\"a b c\"\n"), "{canonical}");
    assert_eq!(signature, "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

#[test]
fn the_body_is_signed_by_its_hash() {
    let extra = [("Content-Type", "application/x-www-form-urlencoded")];
    let (_, signature) = suite_signature("POST", None, &extra, b"Param1=value1", "content-type;host;x-amz-date");
    assert_eq!(signature, "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

#[test]
fn queries_are_decoded_and_encoded_again() {
    assert_eq!(canonical_query("b=%7e&a=x%20y&a=+&c"), "a=%2B&a=x%20y&b=~&c=");
    assert_eq!(canonical_uri("/a%20b/"), "/a%2520b/");
}

// `verify`, on requests scoped to `states` as botocore signs them.

const NOW: &str = "20240501T120000Z";

fn now() -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(NOW, DATE_FORMAT).unwrap().and_utc()
}

fn credentials() -> Credentials {
    let pair = format!("AKIDEXAMPLE:{SUITE_SECRET}");
    Credentials::parse([pair.as_str(), "other:x:y"]).unwrap()
}

/// A ListStateMachines request signed with `secret` at `date` by `key_id`.
fn signed(key_id: &str, secret: &str, date: &str, body: &[u8]) -> HeaderMap {
    let mut map = headers(&[("Host", "127.0.0.1:8083"), ("X-Amz-Date", date), ("X-Amz-Target", "AWSStepFunctions.ListStateMachines")]);
    let request = Request { method: "POST", path: "/", query: None, headers: &map, body };
    let header = authorization(key_id, secret, "us-east-1", date, &request, "host;x-amz-date;x-amz-target");
    map.insert("authorization", HeaderValue::from_str(&header).unwrap());
    map
}

fn check(headers: &HeaderMap, body: &[u8]) -> Result<(), ApiError> {
    verify(&credentials(), &Request { method: "POST", path: "/", query: None, headers, body }, now())
}

#[test]
fn a_request_signed_with_a_configured_key_passes() {
    assert!(check(&signed("AKIDEXAMPLE", SUITE_SECRET, NOW, b"{}"), b"{}").is_ok());
    assert!(check(&signed("other", "x:y", "20240501T121000Z", b""), b"").is_ok(), "a secret with ':' and ten minutes ahead");
}

#[test]
fn without_credentials_nothing_is_checked() {
    let none = Credentials::default();
    assert!(verify(&none, &Request { method: "POST", path: "/", query: None, headers: &HeaderMap::new(), body: b"" }, now()).is_ok());
}

#[test]
fn failures_carry_awss_codes() {
    let code_of = |headers: &HeaderMap, body: &[u8]| check(headers, body).unwrap_err();
    let e = code_of(&HeaderMap::new(), b"");
    assert_eq!((e.code, e.message.as_str()), (code::MISSING_TOKEN, "Missing Authentication Token"));
    let e = code_of(&signed("AKIDUNKNOWN", SUITE_SECRET, NOW, b""), b"");
    assert_eq!((e.code, e.message.as_str()), (code::UNRECOGNIZED_CLIENT, "The security token included in the request is invalid."));
    let e = code_of(&signed("AKIDEXAMPLE", "wrong", NOW, b""), b"");
    assert_eq!(e.code, code::INVALID_SIGNATURE);
    assert!(e.message.starts_with("The request signature we calculated does not match"), "{}", e.message);
    assert!(!e.message.contains(SUITE_SECRET));
    assert_eq!(code_of(&signed("AKIDEXAMPLE", SUITE_SECRET, NOW, b"{}"), b"{\"a\":1}").code, code::INVALID_SIGNATURE, "another body");
    let mut claimed = signed("AKIDEXAMPLE", SUITE_SECRET, NOW, b"{}");
    claimed.insert("x-amz-content-sha256", HeaderValue::from_static("UNSIGNED-PAYLOAD"));
    assert_eq!(code_of(&claimed, b"{}").code, code::INVALID_SIGNATURE, "a claimed hash that is not the body's");
    let mut bare = HeaderMap::new();
    bare.insert("authorization", HeaderValue::from_static("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/us-east-1/states/aws4_request"));
    let e = code_of(&bare, b"");
    assert_eq!(e.code, code::INCOMPLETE_SIGNATURE);
    assert_eq!(e.message, "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.");
}

#[test]
fn a_clock_more_than_15_minutes_off_is_refused() {
    let e = check(&signed("AKIDEXAMPLE", SUITE_SECRET, "20240501T114459Z", b""), b"").unwrap_err();
    assert_eq!(e.code, code::INVALID_SIGNATURE);
    assert_eq!(e.message, "Signature expired: 20240501T114459Z is now earlier than 20240501T114500Z (20240501T120000Z - 15 min.)");
    assert!(check(&signed("AKIDEXAMPLE", SUITE_SECRET, "20240501T114500Z", b""), b"").is_ok(), "15 minutes exactly");
    let e = check(&signed("AKIDEXAMPLE", SUITE_SECRET, "20240501T121501Z", b""), b"").unwrap_err();
    assert_eq!(e.message, "Signature not yet current: 20240501T121501Z is still later than 20240501T121500Z (20240501T120000Z + 15 min.)");
}

#[test]
fn the_scope_must_name_states_and_the_request_day() {
    let mut other_service = signed("AKIDEXAMPLE", SUITE_SECRET, NOW, b"");
    let header = other_service["authorization"].to_str().unwrap().replace("/states/", "/lambda/");
    other_service.insert("authorization", HeaderValue::from_str(&header).unwrap());
    assert!(check(&other_service, b"").unwrap_err().message.contains("correct service: 'states'"));
    let mut other_day = signed("AKIDEXAMPLE", SUITE_SECRET, NOW, b"");
    other_day.insert("x-amz-date", HeaderValue::from_static("20240502T000000Z"));
    assert!(check(&other_day, b"").unwrap_err().message.starts_with("Date in Credential scope does not match"));
}

#[test]
fn credentials_parse_without_echoing_secrets() {
    let parsed = Credentials::parse(["AK1:s1", " AK2:s:2 "]).unwrap();
    assert_eq!(parsed.key_ids(), ["AK1", "AK2"]);
    assert_eq!(parsed.secrets["AK2"], "s:2");
    assert!(!format!("{parsed:?}").contains("s1"));
    for bad in ["AK1", "AK1:", ":secret", "A/K:secret", "AK 1:secret"] {
        let e = Credentials::parse(["ok:fine", bad]).unwrap_err();
        assert!(e.starts_with("credential 2:") && !e.contains("secret:") && !e.contains("fine"), "{e}");
    }
}
