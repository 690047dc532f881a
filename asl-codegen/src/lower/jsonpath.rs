//! JSONPath parsing (owned by the JSONPath work).
