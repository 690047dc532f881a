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
    let sub = |name: &str, node: &Option<Node>, fields: &[&str], pairs: &[(&str, &str)], diags: &mut Diagnostics| {
        if let Some(n) = node {
            check_sub_object(&format!("{who}, {name}"), n, fields, pairs, diags);
        }
    };
    sub("ItemBatcher", &m.item_batcher, &["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
        "MaxInputBytesPerBatchPath", "BatchInput"], &[("MaxItemsPerBatch", "MaxItemsPerBatchPath"), ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")], diags);
    sub("ItemReader", &m.item_reader, &["Resource", "Parameters", "Arguments", "ReaderConfig"], &[], diags);
    sub("ResultWriter", &m.result_writer, &["Resource", "Parameters", "Arguments", "WriterConfig"], &[], diags);
    if let Some(cfg) = m.item_reader.as_ref().and_then(|r| member(r, "ReaderConfig")) {
        check_sub_object(&format!("{who}, ItemReader.ReaderConfig"), cfg,
            &["InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath", "ManifestType"],
            &[("MaxItems", "MaxItemsPath")], diags);
    }
}

fn c_span(c: &Common, m: &Map) -> crate::diag::Span {
    c.next.as_ref().map(|n| n.span).or(m.items_path.as_ref().map(|p| p.span)).unwrap_or_default()
}

fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.as_members()?.iter().find(|m| m.key == key).map(|m| &m.value)
}

/// An object with known fields, some of them pairs of which only one may be given.
fn check_sub_object(who: &str, node: &Node, fields: &[&str], pairs: &[(&str, &str)], diags: &mut Diagnostics) {
    let NodeKind::Object(members) = &node.kind else {
        diags.error(node.span, format!("{who} must be an object, found {}", node.type_name()));
        return;
    };
    for m in members {
        if !fields.contains(&m.key.as_str()) {
            diags.error(m.key_span, format!("{who}: field \"{}\" is not supported here", m.key));
        }
    }
    for (a, b) in pairs {
        let find = |k: &str| members.iter().find(|m| m.key == k).map(|m| m.key_span);
        exclusive(who, (a, find(a)), (b, find(b)), diags);
    }
}

fn check_label(who: &str, l: &Spanned<String>, diags: &mut Diagnostics) {
    const FORBIDDEN: &str = " ?*<>{}[]:;,\\|^~$#%&`\"";
    let bad = l.value.is_empty() || l.value.chars().count() > 40
        || l.value.chars().any(|c| FORBIDDEN.contains(c) || c.is_control());
    if bad {
        diags.error(l.span, format!("{who}: Label must be 1 to 40 characters, without whitespace, control characters or any of ?*<>{{}}[]:;,\\|^~$#%&`\""));
    }
}
