//! Payloads as AWS measures and quotes them: the 256 KiB limit on inputs, outputs and task
//! results, JSON sizes counted without building the text, and the compact JSON that error
//! causes and history events quote.

use serde_json::Value;

/// AWS's limit on a state's input or output, an execution's input and a task's result: 256 KiB
/// of UTF-8 JSON. Larger payloads fail with `States.DataLimitExceeded`.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Compact JSON text, as AWS quotes inputs in error causes and payloads in history events.
pub fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A value as AWS quotes it inside messages (`… == <value>`, `refers to value "<value>"`):
/// strings bare, anything else as compact JSON.
pub fn bare(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => compact(other),
    }
}

/// The size of `v` as compact JSON if it is over [`MAX_PAYLOAD_BYTES`]; the cheap
/// [`json_len_bound`] first, the exact count only when the bound is over.
pub fn oversized(v: &Value) -> Option<usize> {
    if json_len_bound(v) <= MAX_PAYLOAD_BYTES {
        return None;
    }
    Some(json_len(v)).filter(|&len| len > MAX_PAYLOAD_BYTES)
}

/// An upper bound of [`json_len`], cheap to compute (numbers and escapes are counted at their
/// longest), for the common case of payloads far below the limit.
pub fn json_len_bound(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(_) => 5,
        Value::Number(_) => 24,
        // Every char escaped as \uXXXX at worst.
        Value::String(s) => 2 + 6 * s.len(),
        Value::Array(items) => 2 + items.iter().map(|i| json_len_bound(i) + 1).sum::<usize>(),
        Value::Object(m) => 2 + m.iter().map(|(k, v)| 8 + 6 * k.len() + json_len_bound(v)).sum::<usize>(),
    }
}

/// The size of `v` as compact JSON text, counted without building the text.
pub fn json_len(v: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Counter(0);
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sizes_are_those_of_compact_json() {
        for v in [json!(null), json!({"a": [1, 2.5, "é\n"], "b": {}}), json!("x".repeat(100))] {
            assert_eq!(json_len(&v), compact(&v).len());
            assert!(json_len_bound(&v) >= json_len(&v));
        }
        assert_eq!(oversized(&json!("x".repeat(MAX_PAYLOAD_BYTES))), Some(MAX_PAYLOAD_BYTES + 2));
        assert_eq!(oversized(&json!("x".repeat(MAX_PAYLOAD_BYTES - 2))), None);
    }

    #[test]
    fn messages_quote_strings_bare() {
        assert_eq!(bare(&json!("a b")), "a b");
        assert_eq!(bare(&json!({"a": 1})), "{\"a\":1}");
    }
}
