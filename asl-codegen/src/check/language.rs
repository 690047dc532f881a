//! QueryLanguage: which fields a JSONPath state and a JSONata state may use.

use crate::ast::{QueryLanguage, StateDecl};
use crate::diag::Diagnostics;

/// Reports fields of the other language and returns the state's effective language.
pub fn check_state(decl: &StateDecl, top: QueryLanguage, diags: &mut Diagnostics) -> QueryLanguage {
    let c = &decl.state.common;
    let who = format!("state \"{}\"", decl.name);
    let language = match &c.query_language {
        Some(q) => {
            if top == QueryLanguage::Jsonata && q.value == QueryLanguage::JsonPath {
                diags.error(q.span, format!("{who}: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"));
            }
            q.value
        }
        None => top,
    };
    let jsonata_only = [("Output", c.output.as_ref().map(|n| n.span)), ("Arguments", c.arguments.as_ref().map(|n| n.span))];
    let jsonpath_only = [
        ("InputPath", c.input_path.as_ref().map(|p| p.span)),
        ("OutputPath", c.output_path.as_ref().map(|p| p.span)),
        ("Parameters", c.parameters.as_ref().map(|n| n.span)),
        ("ResultSelector", c.result_selector.as_ref().map(|n| n.span)),
        ("ResultPath", c.result_path.as_ref().map(|p| p.span)),
    ];
    let (wrong, current, other) = match language {
        QueryLanguage::JsonPath => (&jsonata_only[..], "JSONPath", "JSONata"),
        QueryLanguage::Jsonata => (&jsonpath_only[..], "JSONata", "JSONPath"),
    };
    for (field, span) in wrong {
        if let Some(span) = span {
            diags.error(*span, format!("{who}: the QueryLanguage is set to '{current}', but field '{field}' is only supported for the '{other}' QueryLanguage"));
        }
    }
    if language == QueryLanguage::JsonPath {
        for m in &c.jsonata {
            diags.error(m.value.span, format!("{who}: field '{}' holds a JSONata expression, but the state's QueryLanguage is 'JSONPath'", m.key));
        }
    }
    language
}
