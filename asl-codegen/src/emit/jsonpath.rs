//! JSONPath emission (owned by the JSONPath work).
