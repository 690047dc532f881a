//! Path fields → parsed JSONPath. `check` has already parsed every path, so the only failure
//! left is a workflow variable (`$name…`): valid ASL that cannot run yet, reported here.

use crate::diag::{Diagnostics, Span};
use crate::lang::is_variable;
use crate::lang::jsonpath::{parse_path, parse_reference_path, JsonPath, PathSyntaxError};

/// A Path (InputPath, OutputPath, `.$` values, Choice `Variable` and `…Path` operands).
pub fn path(text: &str, span: Span, diags: &mut Diagnostics) -> Option<JsonPath> {
    lower_path(text, span, parse_path, diags)
}

/// A Reference Path (ResultPath, ItemsPath and every `…Path` field of a state).
pub fn reference_path(text: &str, span: Span, diags: &mut Diagnostics) -> Option<JsonPath> {
    lower_path(text, span, parse_reference_path, diags)
}

fn lower_path(
    text: &str, span: Span, parse: fn(&str) -> Result<JsonPath, PathSyntaxError>, diags: &mut Diagnostics,
) -> Option<JsonPath> {
    if is_variable(text) {
        diags.error(span, format!("the variable reference \"{text}\" is valid ASL but workflow variables are not supported yet by asl-codegen"));
        return None;
    }
    parse(text).ok()
}
