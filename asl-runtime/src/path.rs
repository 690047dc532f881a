//! JSONPath evaluation (owned by the JSONPath work).
