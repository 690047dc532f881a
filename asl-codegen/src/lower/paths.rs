//! Path fields → parsed JSONPath (`$…`, `$$…`, `$name…`). `check` has already parsed every
//! path; one that does not parse here is `None`, an internal error.

use crate::lang::jsonpath::{parse_path, parse_reference_path, JsonPath};

/// A Path (InputPath, OutputPath, `.$` values, Choice `Variable` and `…Path` operands).
pub fn path(text: &str) -> Option<JsonPath> {
    parse_path(text).ok()
}

/// A Reference Path (ResultPath, ItemsPath and every `…Path` field of a state).
pub fn reference_path(text: &str) -> Option<JsonPath> {
    parse_reference_path(text).ok()
}
