//! Field rules: the paths and templates of InputPath, OutputPath, ResultPath, Parameters and
//! ResultSelector; Retry and Catch; the fields of Task (Resource ARNs, timeouts, Credentials),
//! Wait and Fail; and `exclusive`, the rule for two fields of which only one may be given.

use super::templates::{check_path, check_reference_path, check_template, PathRole};
use crate::ast::*;
use crate::diag::{Diagnostics, Span};
use crate::lang::{intrinsic, is_jsonata, looks_like_intrinsic, timestamp};

pub fn check_io(who: &str, c: &Common, diags: &mut Diagnostics) {
    for (field, p) in [("InputPath", c.input_path.as_deref()), ("OutputPath", c.output_path.as_deref())] {
        if let Some(Spanned { value: Some(path), span }) = p {
            check_path(who, field, path, *span, PathRole::Path, diags);
        }
    }
    if let Some(Spanned { value: Some(path), span }) = c.result_path.as_deref() {
        check_reference_path(who, "ResultPath", path, *span, PathRole::ResultPath, diags);
    }
    for (field, t) in [("Parameters", &c.parameters), ("ResultSelector", &c.result_selector)] {
        if let Some(node) = t {
            check_template(who, field, node, diags);
        }
    }
}

/// `a` and `b` may not both be given.
pub fn exclusive(who: &str, a: (&str, Option<Span>), b: (&str, Option<Span>), diags: &mut Diagnostics) {
    if let (Some(_), Some(span)) = (a.1, b.1) {
        diags.error(span, format!("{who}: \"{}\" and \"{}\" cannot both be given", a.0, b.0));
    }
}

pub fn check_task(who: &str, t: &Task, language: QueryLanguage, diags: &mut Diagnostics) {
    check_resource(who, &t.resource, diags);
    for (name, f) in [("TimeoutSeconds", &t.timeout), ("HeartbeatSeconds", &t.heartbeat)] {
        let path_name = format!("{name}Path");
        exclusive(who, (name, f.seconds.as_ref().map(|s| s.span)), (&path_name, f.path.as_ref().map(|s| s.span)), diags);
        if let Some(s) = &f.seconds {
            if s.value == 0 || s.value > 99_999_999 {
                diags.error(s.span, format!("{who}: {name} must be between 1 and 99999999"));
            }
        }
        if let Some(p) = &f.path {
            check_reference_path(who, &path_name, &p.value, p.span, PathRole::Path, diags);
        }
    }
    if let (Some(hb), Some(to)) = (&t.heartbeat.seconds, &t.timeout.seconds) {
        if hb.value >= to.value {
            diags.error(hb.span, format!("{who}: HeartbeatSeconds ({}) must be smaller than TimeoutSeconds ({})", hb.value, to.value));
        }
    }
    if let Some(cred) = &t.credentials {
        match cred.as_members() {
            Some(_) if language == QueryLanguage::JsonPath => check_template(who, "Credentials", cred, diags),
            Some(_) => {}
            None => diags.error(cred.span, format!("{who}: Credentials must be an object, found {}", cred.type_name())),
        }
    }
}

/// A Resource is a URI; the forms AWS documents are ARNs, and templates keep `${…}` placeholders.
fn check_resource(who: &str, r: &Spanned<String>, diags: &mut Diagnostics) {
    let v = r.value.as_str();
    let placeholder_ok = v.matches("${").count() == v.matches('}').count();
    if v.is_empty() || !placeholder_ok || v.chars().any(char::is_whitespace) {
        diags.error(r.span, format!("{who}: Resource \"{v}\" is not a valid resource URI"));
        return;
    }
    if let Some(rest) = v.strip_prefix("arn:aws:lambda:") {
        let parts: Vec<&str> = rest.split(':').collect();
        let qualifier_ok = |q: &str| q == "$LATEST" || (!q.is_empty() && q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        let ok = match parts.as_slice() {
            [_, _, "function", name] => !name.is_empty(),
            [_, _, "function", name, q] => !name.is_empty() && qualifier_ok(q),
            _ => true,
        };
        if !ok {
            diags.error(r.span, format!("{who}: Resource \"{v}\" is not a valid Lambda function ARN (the qualifier must be $LATEST, a version or an alias)"));
        }
    }
}

pub fn check_wait(who: &str, w: &Wait, name_span: Span, diags: &mut Diagnostics) {
    if w.given.len() != 1 {
        let span = w.given.get(1).copied().unwrap_or(name_span);
        diags.error(span, format!("{who}: a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath"));
    }
    if let Some(s) = &w.seconds {
        if s.value > 99_999_999 {
            diags.error(s.span, format!("{who}: Seconds must be at most 99999999"));
        }
    }
    if let Some(t) = &w.timestamp {
        if !is_jsonata(&t.value) && !timestamp::is_valid(&t.value) {
            diags.error(t.span, format!("{who}: Timestamp \"{}\" is not an ISO-8601 extended offset date-time (e.g. 2016-03-14T01:59:00Z)", t.value));
        }
    }
    for (name, p) in [("SecondsPath", &w.seconds_path), ("TimestampPath", &w.timestamp_path)] {
        if let Some(p) = p {
            check_reference_path(who, name, &p.value, p.span, PathRole::Path, diags);
        }
    }
}

pub fn check_fail(who: &str, f: &Fail, diags: &mut Diagnostics) {
    exclusive(who, ("Error", f.error.as_ref().map(|s| s.span)), ("ErrorPath", f.error_path.as_ref().map(|s| s.span)), diags);
    exclusive(who, ("Cause", f.cause.as_ref().map(|s| s.span)), ("CausePath", f.cause_path.as_ref().map(|s| s.span)), diags);
    for (name, p) in [("ErrorPath", &f.error_path), ("CausePath", &f.cause_path)] {
        if let Some(p) = p {
            if looks_like_intrinsic(&p.value) {
                super::templates::check_intrinsic(who, name, &p.value, p.span, diags);
                check_fail_intrinsic(who, name, p, diags);
            } else {
                check_reference_path(who, name, &p.value, p.span, PathRole::Path, diags);
            }
        }
    }
}

/// ErrorPath and CausePath take only the intrinsics that return a string (AWS's list).
fn check_fail_intrinsic(who: &str, field: &str, p: &Spanned<String>, diags: &mut Diagnostics) {
    use crate::lang::intrinsic::IntrinsicFn as F;
    const STRINGS: &[F] = &[F::ArrayGetItem, F::Base64Encode, F::Base64Decode, F::Format, F::JsonToString, F::Hash, F::Uuid];
    if let Ok(call) = intrinsic::parse_intrinsic(&p.value) {
        if !STRINGS.contains(&call.func) {
            let allowed: Vec<&str> = STRINGS.iter().map(|f| f.name()).collect();
            diags.push(
                crate::diag::Diagnostic::new(p.span, format!("{who}: {field} cannot use {}: it does not return a string", call.func.name()))
                    .with_help(format!("{field} takes a path or one of {}", allowed.join(", "))),
            );
        }
    }
}

pub fn check_retry(who: &str, retry: &[Retrier], diags: &mut Diagnostics) {
    for (i, r) in retry.iter().enumerate() {
        let who = format!("{who}, Retry[{i}]");
        check_error_equals(&who, &r.error_equals, i + 1 == retry.len(), "Retrier", diags);
        let range = |v: &Option<Spanned<u64>>, name: &str, min: u64, max: u64, diags: &mut Diagnostics| {
            if let Some(s) = v {
                if s.value < min || s.value > max {
                    diags.error(s.span, format!("{who}: {name} must be between {min} and {max}, found {}", s.value));
                }
            }
        };
        range(&r.interval_seconds, "IntervalSeconds", 1, 99_999_999, diags);
        range(&r.max_attempts, "MaxAttempts", 0, 99_999_999, diags);
        range(&r.max_delay_seconds, "MaxDelaySeconds", 1, 31_622_400, diags);
        if let Some(b) = &r.backoff_rate {
            if b.value < 1.0 {
                diags.error(b.span, format!("{who}: BackoffRate must be at least 1.0, found {}", b.value));
            }
        }
    }
}

pub fn check_catch(who: &str, catch: &[Catcher], language: QueryLanguage, diags: &mut Diagnostics) {
    for (i, c) in catch.iter().enumerate() {
        let who = format!("{who}, Catch[{i}]");
        check_error_equals(&who, &c.error_equals, i + 1 == catch.len(), "Catcher", diags);
        if let Some(Spanned { value: Some(p), span }) = &c.result_path {
            if language == QueryLanguage::JsonPath {
                check_reference_path(&who, "ResultPath", p, *span, PathRole::ResultPath, diags);
            }
        }
    }
}

/// Non-empty; `States.ALL` alone in its list and in the last Retrier/Catcher.
fn check_error_equals(who: &str, e: &Spanned<Vec<Spanned<String>>>, last: bool, what: &str, diags: &mut Diagnostics) {
    if e.value.is_empty() {
        diags.error(e.span, format!("{who}: ErrorEquals needs at least one error name"));
    }
    for name in &e.value {
        if name.value == "States.ALL" {
            if e.value.len() > 1 {
                diags.error(name.span, format!("{who}: \"States.ALL\" must be the only error name in its ErrorEquals"));
            } else if !last {
                diags.error(name.span, format!("{who}: a {what} with \"States.ALL\" must be the last one"));
            }
        }
    }
}
