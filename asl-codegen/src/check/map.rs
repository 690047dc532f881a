//! Map state settings (inline and distributed): the processor, ItemsPath, concurrency,
//! tolerated failures, Label, and the shapes of ItemReader, ItemBatcher and ResultWriter.

use super::fields::exclusive;
use super::templates::{check_reference_path, check_template, PathRole};
use crate::ast::{Common, Map, ProcessorMode, QueryLanguage, Spanned};
use crate::diag::Diagnostics;
use crate::json::{Node, NodeKind};

pub fn check_map(who: &str, m: &Map, c: &Common, language: QueryLanguage, diags: &mut Diagnostics) {
    if m.processor.is_none() {
        diags.error(c_span(c, m), format!("{who}: a Map state needs \"ItemProcessor\" (or the older \"Iterator\")"));
    }
    exclusive(who, ("ItemsPath", m.items_path.as_ref().map(|s| s.span)), ("Items", m.items.as_ref().map(|n| n.span)), diags);
    exclusive(who, ("ItemSelector", m.item_selector.as_ref().map(|n| n.span)), ("Parameters", c.parameters.as_ref().map(|n| n.span)), diags);
    exclusive(who, ("MaxConcurrency", m.max_concurrency.as_ref().map(|s| s.span)), ("MaxConcurrencyPath", m.max_concurrency_path.as_ref().map(|s| s.span)), diags);
    exclusive(who, ("ToleratedFailureCount", m.tolerated_failure_count.as_ref().map(|s| s.span)), ("ToleratedFailureCountPath", m.tolerated_failure_count_path.as_ref().map(|s| s.span)), diags);
    exclusive(who, ("ToleratedFailurePercentage", m.tolerated_failure_percentage.as_ref().map(|s| s.span)), ("ToleratedFailurePercentagePath", m.tolerated_failure_percentage_path.as_ref().map(|s| s.span)), diags);
    if let Some(p) = &m.tolerated_failure_percentage {
        if !(0.0..=100.0).contains(&p.value) {
            diags.error(p.span, format!("{who}: ToleratedFailurePercentage must be between 0 and 100"));
        }
    }
    if let Some(l) = &m.label {
        check_label(who, l, diags);
    }
    if language == QueryLanguage::JsonPath {
        for (name, p) in [("ItemsPath", &m.items_path), ("MaxConcurrencyPath", &m.max_concurrency_path),
            ("ToleratedFailureCountPath", &m.tolerated_failure_count_path),
            ("ToleratedFailurePercentagePath", &m.tolerated_failure_percentage_path)] {
            if let Some(p) = p {
                check_reference_path(who, name, &p.value, p.span, PathRole::Path, diags);
            }
        }
        if let Some(sel) = &m.item_selector {
            check_template(who, "ItemSelector", sel, diags);
        }
    } else if let Some(p) = &m.items_path {
        diags.error(p.span, format!("{who}: the QueryLanguage is set to 'JSONata', but field 'ItemsPath' is only supported for the 'JSONPath' QueryLanguage"));
    }
    let distributed = m.processor.as_ref().and_then(|p| p.processor_config.as_ref());
    if let Some(cfg) = distributed {
        let is_distributed = cfg.mode.as_ref().is_some_and(|m| m.value == ProcessorMode::Distributed);
        match (&cfg.execution_type, is_distributed) {
            (None, true) => diags.error(cfg.span, format!("{who}: a DISTRIBUTED ProcessorConfig needs ExecutionType (STANDARD or EXPRESS)")),
            (Some(t), _) if t.value != "STANDARD" && t.value != "EXPRESS" => {
                diags.error(t.span, format!("{who}: ExecutionType must be STANDARD or EXPRESS, found \"{}\"", t.value))
            }
            _ => {}
        }
    }
    use Value::{Any, Count, Path, Text};
    let sub = |name: &str, node: &Option<Node>, shape: &Shape, diags: &mut Diagnostics| {
        if let Some(n) = node {
            check_sub_object(&format!("{who}, {name}"), n, shape, language, diags);
        }
    };
    let batcher = Shape {
        fields: &[("MaxItemsPerBatch", Count), ("MaxItemsPerBatchPath", Path), ("MaxInputBytesPerBatch", Count),
            ("MaxInputBytesPerBatchPath", Path), ("BatchInput", Any)],
        required: &[],
        pairs: &[("MaxItemsPerBatch", "MaxItemsPerBatchPath"), ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")],
    };
    let reader = Shape { fields: &[("Resource", Text), ("Parameters", Any), ("Arguments", Any), ("ReaderConfig", Any)], required: &["Resource"], pairs: &[] };
    let writer = Shape { fields: &[("Resource", Text), ("Parameters", Any), ("Arguments", Any), ("WriterConfig", Any)], required: &["Resource"], pairs: &[] };
    sub("ItemBatcher", &m.item_batcher, &batcher, diags);
    sub("ItemReader", &m.item_reader, &reader, diags);
    sub("ResultWriter", &m.result_writer, &writer, diags);
    if let Some(cfg) = m.item_reader.as_ref().and_then(|r| member(r, "ReaderConfig")) {
        let config = Shape {
            fields: &[("InputType", Text), ("CSVHeaderLocation", Text), ("CSVHeaders", Any), ("CSVDelimiter", Text),
                ("MaxItems", Count), ("MaxItemsPath", Path), ("ManifestType", Text)],
            required: &[],
            pairs: &[("MaxItems", "MaxItemsPath")],
        };
        check_sub_object(&format!("{who}, ItemReader.ReaderConfig"), cfg, &config, language, diags);
    }
}

/// What a field of an ItemReader, ItemBatcher, ResultWriter or ReaderConfig holds.
#[derive(Clone, Copy)]
enum Value {
    /// Checked elsewhere (templates, nested objects) or at run time.
    Any,
    Text,
    /// A non-negative whole number (a JSONata expression in a JSONata state).
    Count,
    /// A Reference Path to such a number (JSONPath states only).
    Path,
}

/// The fields an object of a Map state's settings accepts.
struct Shape<'a> {
    fields: &'a [(&'a str, Value)],
    required: &'a [&'a str],
    /// Pairs of which only one may be given.
    pairs: &'a [(&'a str, &'a str)],
}

fn c_span(c: &Common, m: &Map) -> crate::diag::Span {
    c.next.as_ref().map(|n| n.span).or(m.items_path.as_ref().map(|p| p.span)).unwrap_or_default()
}

fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.as_members()?.iter().find(|m| &*m.key == key).map(|m| &m.value)
}

/// An object of known fields, each holding what its [`Value`] says.
fn check_sub_object(who: &str, node: &Node, shape: &Shape, language: QueryLanguage, diags: &mut Diagnostics) {
    let NodeKind::Object(members) = &node.kind else {
        diags.error(node.span, format!("{who} must be an object, found {}", node.type_name()));
        return;
    };
    for m in members.iter() {
        match shape.fields.iter().find(|(name, _)| *name == &*m.key) {
            None => diags.error(m.key_span, format!("{who}: field \"{}\" is not supported here", m.key)),
            Some((name, value)) => check_value(who, name, *value, &m.value, language, diags),
        }
    }
    for name in shape.required {
        if !members.iter().any(|m| &*m.key == *name) {
            diags.error(node.span, format!("{who}: field \"{name}\" is required"));
        }
    }
    for (a, b) in shape.pairs {
        let find = |k: &str| members.iter().find(|m| &*m.key == k).map(|m| m.key_span);
        exclusive(who, (a, find(a)), (b, find(b)), diags);
    }
}

fn check_value(who: &str, name: &str, value: Value, node: &Node, language: QueryLanguage, diags: &mut Diagnostics) {
    let jsonata = language == QueryLanguage::Jsonata && node.as_str().is_some_and(crate::lang::is_jsonata);
    let expected = match value {
        Value::Any => return,
        Value::Text if node.as_str().is_some() => return,
        Value::Count if node.as_uint().is_some() || jsonata => return,
        Value::Path => match node.as_str() {
            Some(path) if language == QueryLanguage::JsonPath => return check_reference_path(who, name, path, node.span, PathRole::Path, diags),
            Some(_) => return,
            None => "a path string",
        },
        Value::Text => "a string",
        Value::Count => "a non-negative whole number",
    };
    let found = match &node.kind {
        NodeKind::Number(n) => n.to_string(),
        _ => node.type_name().to_string(),
    };
    diags.error(node.span, format!("{who}: field \"{name}\" must be {expected}, found {found}"));
}

fn check_label(who: &str, l: &Spanned<String>, diags: &mut Diagnostics) {
    const FORBIDDEN: &str = " ?*<>{}[]:;,\\|^~$#%&`\"";
    let bad = l.value.is_empty() || l.value.chars().count() > 40
        || l.value.chars().any(|c| FORBIDDEN.contains(c) || c.is_control());
    if bad {
        diags.error(l.span, format!("{who}: Label must be 1 to 40 characters, without whitespace, control characters or any of ?*<>{{}}[]:;,\\|^~$#%&`\""));
    }
}

#[cfg(test)]
mod tests {
    fn messages(definition: &str) -> Vec<String> {
        crate::check_source(definition).into_iter().map(|d| d.message).collect()
    }

    fn distributed_map(settings: &str) -> String {
        format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", {settings}, "End": true,
                "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}},
                    "StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn reader_writer_and_batcher_fields_hold_what_they_must() {
        let got = messages(&distributed_map(
            r#""ItemReader": {"ReaderConfig": {"MaxItemsPath": 5}},
               "ItemBatcher": {"MaxItemsPerBatch": 1.5, "MaxInputBytesPerBatchPath": "$.a[?"},
               "ResultWriter": {"Resource": 3}"#,
        ));
        assert_eq!(
            got,
            [
                r#"state "M", ItemReader: field "Resource" is required"#,
                r#"state "M", ItemReader.ReaderConfig: field "MaxItemsPath" must be a path string, found 5"#,
                r#"state "M", ItemBatcher: field "MaxItemsPerBatch" must be a non-negative whole number, found 1.5"#,
                r#"state "M", ItemBatcher: MaxInputBytesPerBatchPath "$.a[?" is not a valid path: expected `(` after `[?`: filters are written [?(@.x == 1)]"#,
                r#"state "M", ResultWriter: field "Resource" must be a string, found 3"#,
            ]
        );
        let ok = distributed_map(
            r#""ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"MaxItemsPath": "$.max"}},
               "ItemBatcher": {"MaxItemsPerBatch": 10}"#,
        );
        assert_eq!(messages(&ok), Vec::<String>::new());
    }
}
