//! ast → ir: state names become Rust identifiers, transitions become indexes, and paths,
//! templates, intrinsic calls, Choice rules and Assigns are compiled to small programs. Features
//! that cannot run yet (JSONata, an ItemBatcher with an ItemSelector) are reported here as
//! "not supported yet", after `check` validated them fully. What `check`
//! guarantees (every transition names a state, every path parses) is not guessed at when it
//! fails to hold: lowering returns `None` without a diagnostic, which `compile_source` reports
//! as an internal error.

mod choice;
mod jsonata;
mod paths;
mod template;

use crate::ast::{self, NullablePath, SecondsField, StateKind};
use crate::diag::{Diagnostics, Span};
use crate::ir;
use crate::json::Node;
use paths::{path, reference_path};
use std::collections::HashMap;

/// Lowers a checked definition. Unsupported features are reported into `diags`.
pub fn lower(machine: &ast::StateMachine, name: &str, diags: &mut Diagnostics) -> Option<ir::Workflow> {
    let top = machine.query_language.as_ref().map_or(ast::QueryLanguage::JsonPath, |q| q.value);
    lower_machine(machine, name, top, diags)
}

/// A machine; `top` is the whole definition's QueryLanguage, which nested machines inherit.
fn lower_machine(machine: &ast::StateMachine, name: &str, top: ast::QueryLanguage, diags: &mut Diagnostics) -> Option<ir::Workflow> {
    let index: HashMap<&str, usize> = machine.states.iter().enumerate().map(|(i, d)| (d.name.as_str(), i)).collect();
    let idents = ir::names::idents(machine.states.iter().map(|d| d.name.as_str()));
    let mut cx = Lower { index: &index, name, top, diags };
    // Sized once (a definition may hold 20,000 states); a state that does not lower is
    // reported and leaves the vector short.
    let mut states = Vec::with_capacity(machine.states.len());
    for (decl, (variant, ident)) in machine.states.iter().zip(idents) {
        states.extend(cx.state(decl, variant, ident));
    }
    let start = machine.start_at.as_ref().and_then(|s| index.get(s.value.as_str()).copied())?;
    if states.len() != machine.states.len() {
        return None;
    }
    Some(ir::Workflow {
        name: name.to_string(),
        comment: machine.comment.clone(),
        timeout_seconds: machine.timeout_seconds.as_ref().map(|t| t.value),
        start,
        states,
    })
}

struct Lower<'a, 'd> {
    index: &'a HashMap<&'a str, usize>,
    /// The workflow's name, shared by its nested machines.
    name: &'a str,
    top: ast::QueryLanguage,
    diags: &'d mut Diagnostics,
}

impl Lower<'_, '_> {
    fn unsupported(&mut self, span: Span, what: &str) {
        self.diags.error(span, format!("{what} is valid ASL but not supported yet by asl-codegen: this definition passes `asl check` but cannot be compiled to Rust until a later release"));
    }

    /// The index of the state `name`; `None` (an internal error: `check` found every target)
    /// when there is none.
    fn target(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    fn transition(&self, c: &ast::Common) -> Option<ir::Transition> {
        Some(match &c.next {
            Some(n) => ir::Transition::Next(self.target(&n.value)?),
            None => ir::Transition::End,
        })
    }

    fn state(&mut self, decl: &ast::StateDecl, variant: String, ident: String) -> Option<ir::State> {
        let c = &decl.state.common;
        let language = c.query_language.as_ref().map_or(self.top, |q| q.value);
        let jsonata = language == ast::QueryLanguage::Jsonata;
        let kind = if jsonata { self.jsonata_kind(decl)? } else { self.kind(decl)? };
        let (assign, output) = match jsonata {
            true => (
                c.assign.as_deref().map(|a| jsonata::query_template(a, "Assign")).transpose_some()?,
                c.output.as_deref().map(|o| jsonata::query_template(o, "Output")).transpose_some()?,
            ),
            false => (self.template(c.assign.as_deref())?, None),
        };
        Some(ir::State {
            name: decl.name.clone(),
            variant,
            ident,
            comment: c.comment.clone(),
            input_path: path_setting(c.input_path.as_deref())?,
            output_path: path_setting(c.output_path.as_deref())?,
            assign: assign.map(Box::new),
            output: output.map(Box::new),
            jsonata,
            kind,
        })
    }

    /// A JSONata state's kind: its fields' expressions are templates of queries.
    fn jsonata_kind(&mut self, decl: &ast::StateDecl) -> Option<ir::Kind> {
        let c = &decl.state.common;
        let expression = |key: &str| c.jsonata.iter().find(|m| &*m.key == key).and_then(|m| m.value.as_str());
        let query = |key: &str| expression(key).map(|text| jsonata::query(text, key)).transpose_some();
        Some(match &decl.state.kind {
            StateKind::Pass(_) => ir::Kind::Pass(ir::Pass {
                parameters: None,
                result: None,
                result_path: ir::ResultPath::Replace,
                transition: self.transition(c)?,
            }),
            StateKind::Succeed => ir::Kind::Succeed,
            StateKind::Choice(ch) => ir::Kind::Choice(choice::lower_choice(ch, self.index, true)?),
            StateKind::Wait(w) => {
                let wait_for = match (query("Seconds")?, query("Timestamp")?) {
                    (Some(q), _) => ir::WaitFor::Jsonata { seconds: true, query: Box::new(q) },
                    (None, Some(q)) => ir::WaitFor::Jsonata { seconds: false, query: Box::new(q) },
                    (None, None) => wait_for(w)?,
                };
                ir::Kind::Wait(ir::Wait { wait_for, transition: self.transition(c)? })
            }
            StateKind::Fail(f) => {
                let source = |lit: &Option<ast::Spanned<String>>, key: &str| -> Option<Option<ir::Source>> {
                    if let Some(q) = query(key)? {
                        return Some(Some(ir::Source::Template(ir::Template::Jsonata(Box::new(q)))));
                    }
                    Some(lit.as_ref().map(|l| ir::Source::Literal(l.value.clone())))
                };
                ir::Kind::Fail(Box::new(ir::Fail { error: source(&f.error, "Error")?, cause: source(&f.cause, "Cause")? }))
            }
            StateKind::Task(t) => {
                let limit = |key: &str, literal: &SecondsField| match query(key)? {
                    Some(q) => Some(ir::Seconds::Jsonata(Box::new(q))),
                    None => seconds(literal),
                };
                ir::Kind::Task(Box::new(ir::Task {
                    resource: t.resource.value.clone(),
                    parameters: c.arguments.as_deref().map(|a| jsonata::query_template(a, "Arguments")).transpose_some()?,
                    credentials: self.template(t.credentials.as_ref())?,
                    timeout: limit("TimeoutSeconds", &t.timeout)?,
                    heartbeat: limit("HeartbeatSeconds", &t.heartbeat)?,
                    outcome: self.jsonata_outcome(c)?,
                }))
            }
            StateKind::Parallel(p) => ir::Kind::Parallel(Box::new(ir::Parallel {
                parameters: c.arguments.as_deref().map(|a| jsonata::query_template(a, "Arguments")).transpose_some()?,
                branches: p.branches.iter().map(|b| lower_machine(b, self.name, self.top, self.diags)).collect::<Option<_>>()?,
                outcome: self.jsonata_outcome(c)?,
            })),
            StateKind::Map(m) => ir::Kind::Map(Box::new(self.jsonata_map(decl, m, c)?)),
        })
    }

    /// Retry, and Catchers with their JSONata Output and Assign; the result is the state's.
    fn jsonata_outcome(&mut self, c: &ast::Common) -> Option<ir::Outcome> {
        self.outcome_with(c, true)
    }

    fn jsonata_map(&mut self, decl: &ast::StateDecl, m: &ast::Map, c: &ast::Common) -> Option<ir::Map> {
        let processor = m.processor.as_ref()?;
        let distributed = processor.processor_config.as_ref().and_then(|p| p.mode.as_ref()).is_some_and(|m| m.value == ast::ProcessorMode::Distributed);
        let expression = |key: &str| c.jsonata.iter().find(|m| &*m.key == key);
        let mode = match distributed {
            true => self.distributed(decl, m, c, true)?,
            false => ir::MapMode::Inline,
        };
        let max_concurrency = match (jsonata_setting(c, "MaxConcurrency")?, &m.max_concurrency) {
            (Some(e), _) => e,
            (None, Some(n)) => ir::NumberSetting::Literal(n.value),
            (None, None) => ir::NumberSetting::Literal(0),
        };
        let items = match (expression("Items"), &m.items) {
            (Some(e), _) => Some(jsonata::query_template(&e.value, "Items")?),
            (None, Some(n)) => Some(jsonata::query_template(n, "Items")?),
            (None, None) => None,
        };
        // Without Items or an ItemReader, the items are the state's input.
        let reads = matches!(&mode, ir::MapMode::Distributed { reader: Some(_), .. });
        Some(ir::Map {
            items_path: None,
            jsonata_input: items.is_none() && !reads,
            items,
            item_selector: m.item_selector.as_ref().map(|s| jsonata::query_template(s, "ItemSelector")).transpose_some()?,
            max_concurrency,
            mode,
            processor: lower_machine(processor, self.name, self.top, self.diags)?,
            outcome: self.jsonata_outcome(c)?,
        })
    }

    fn kind(&mut self, decl: &ast::StateDecl) -> Option<ir::Kind> {
        let c = &decl.state.common;
        Some(match &decl.state.kind {
            StateKind::Pass(p) => ir::Kind::Pass(ir::Pass {
                parameters: self.template(c.parameters.as_deref())?.map(Box::new),
                result: p.result.as_ref().map(|r| Box::new(template::literal(r))),
                result_path: result_path(c.result_path.as_deref())?,
                transition: self.transition(c)?,
            }),
            StateKind::Task(t) => ir::Kind::Task(Box::new(self.task(t, c)?)),
            StateKind::Choice(ch) => ir::Kind::Choice(choice::lower_choice(ch, self.index, false)?),
            StateKind::Wait(w) => ir::Kind::Wait(ir::Wait { wait_for: wait_for(w)?, transition: self.transition(c)? }),
            StateKind::Succeed => ir::Kind::Succeed,
            StateKind::Fail(f) => ir::Kind::Fail(Box::new(self.fail(f)?)),
            StateKind::Parallel(p) => ir::Kind::Parallel(Box::new(ir::Parallel {
                parameters: self.template(c.parameters.as_deref())?,
                branches: p.branches.iter().map(|b| lower_machine(b, self.name, self.top, self.diags)).collect::<Option<_>>()?,
                outcome: self.outcome(c)?,
            })),
            StateKind::Map(m) => ir::Kind::Map(Box::new(self.map(decl, m, c)?)),
        })
    }

    fn template(&mut self, node: Option<&Node>) -> Option<Option<ir::Template>> {
        match node {
            None => Some(None),
            Some(n) => template::lower_template(n).map(Some),
        }
    }

    fn task(&mut self, t: &ast::Task, c: &ast::Common) -> Option<ir::Task> {
        Some(ir::Task {
            resource: t.resource.value.clone(),
            parameters: self.template(c.parameters.as_deref())?,
            credentials: self.template(t.credentials.as_ref())?,
            timeout: seconds(&t.timeout)?,
            heartbeat: seconds(&t.heartbeat)?,
            outcome: self.outcome(c)?,
        })
    }

    /// Result and error handling shared by Task, Parallel and Map.
    fn outcome(&mut self, c: &ast::Common) -> Option<ir::Outcome> {
        self.outcome_with(c, false)
    }

    /// Retry and Catch; JSONPath's ResultSelector and ResultPaths, or JSONata's Catcher Output
    /// (a JSONata state's result is its output unless its Output says otherwise).
    fn outcome_with(&mut self, c: &ast::Common, jsonata: bool) -> Option<ir::Outcome> {
        let mut catch = Vec::with_capacity(c.catch.len());
        for k in &c.catch {
            catch.push(ir::Catcher {
                error_equals: k.error_equals.value.iter().map(|e| e.value.clone()).collect(),
                next: self.target(&k.next.value)?,
                result_path: if jsonata { ir::ResultPath::Replace } else { result_path(k.result_path.as_ref())? },
                assign: match jsonata {
                    true => k.assign.as_ref().map(|a| jsonata::query_template(a, "Assign")).transpose_some()?,
                    false => self.template(k.assign.as_ref())?,
                },
                output: match jsonata {
                    true => k.output.as_ref().map(|o| jsonata::query_template(o, "Output")).transpose_some()?,
                    false => None,
                },
            });
        }
        Some(ir::Outcome {
            result_selector: if jsonata { None } else { self.template(c.result_selector.as_deref())? },
            result_path: if jsonata { ir::ResultPath::Replace } else { result_path(c.result_path.as_deref())? },
            retry: c.retry.iter().map(retrier).collect(),
            catch,
            transition: self.transition(c)?,
        })
    }

    /// A distributed Map's settings: tolerances, ItemReader, ItemBatcher, ResultWriter. In a
    /// JSONata state (`jsonata`), numbers may be expressions and `Arguments` replaces
    /// `Parameters`.
    fn distributed(&mut self, decl: &ast::StateDecl, m: &ast::Map, c: &ast::Common, jsonata: bool) -> Option<ir::MapMode> {
        let tolerated_count = match (jsonata_setting(c, "ToleratedFailureCount")?, &m.tolerated_failure_count, &m.tolerated_failure_count_path) {
            (Some(e), ..) => Some(e),
            (None, _, Some(p)) => Some(ir::NumberSetting::Path(reference_path(&p.value)?)),
            (None, Some(n), None) => Some(ir::NumberSetting::Literal(n.value)),
            (None, None, None) => None,
        };
        let tolerated_percentage = match (jsonata_setting(c, "ToleratedFailurePercentage")?, &m.tolerated_failure_percentage, &m.tolerated_failure_percentage_path) {
            (Some(e), ..) => Some(e),
            (None, _, Some(p)) => Some(ir::NumberSetting::Path(reference_path(&p.value)?)),
            (None, Some(n), None) => Some(ir::NumberSetting::Literal(n.value)),
            (None, None, None) => None,
        };
        if let (Some(b), Some(_)) = (&m.item_batcher, &m.item_selector) {
            self.unsupported(b.span, "an ItemBatcher together with an ItemSelector");
            return None;
        }
        Some(ir::MapMode::Distributed {
            tolerated_count,
            tolerated_percentage,
            reader: match &m.item_reader {
                Some(n) => Some(self.item_reader(n, jsonata)?),
                None => None,
            },
            batcher: match &m.item_batcher {
                Some(n) => Some(self.item_batcher(n, jsonata)?),
                None => None,
            },
            writer: match &m.result_writer {
                Some(n) => Some(self.result_writer(n, jsonata)?),
                None => None,
            },
            label: m.label.as_ref().map_or_else(|| decl.name.clone(), |l| l.value.clone()),
        })
    }

    /// `Parameters` of an ItemReader or ResultWriter, or in a JSONata state its `Arguments`.
    fn settings_arguments(&mut self, node: &Node, jsonata: bool) -> Option<Option<ir::Template>> {
        match jsonata {
            true => member(node, "Arguments").map(|n| jsonata::query_template(n, "Arguments")).transpose_some(),
            false => self.template(member(node, "Parameters")),
        }
    }

    /// A settings object (ReaderConfig, WriterConfig) as written; in a JSONata state only its
    /// `runtime` field may be an expression (taken out, and returned apart).
    fn settings_config(&mut self, node: Option<&Node>, runtime: &str, jsonata: bool) -> Option<(serde_json::Value, Option<ir::NumberSetting<u64>>)> {
        let Some(node) = node else { return Some((serde_json::Value::Null, None)) };
        let mut config = node.to_value();
        let mut read = None;
        let expressions = node.as_members().into_iter().flatten().filter(|m| jsonata && m.value.as_str().is_some_and(crate::lang::is_jsonata));
        for m in expressions {
            if &*m.key != runtime {
                self.unsupported(m.value.span, &format!("a JSONata {}", m.key));
                return None;
            }
            read = Some(ir::NumberSetting::Jsonata(Box::new(jsonata::query(m.value.as_str()?, runtime)?)));
            config.as_object_mut().map(|c| c.remove(runtime));
        }
        Some((config, read))
    }

    fn item_reader(&mut self, node: &Node, jsonata: bool) -> Option<ir::ItemReader> {
        let config = member(node, "ReaderConfig");
        let (config_value, max_items) = self.settings_config(config, "MaxItems", jsonata)?;
        let max_items = match config.and_then(|c| member(c, "MaxItemsPath")) {
            Some(p) => Some(ir::NumberSetting::Path(reference_path(p.as_str()?)?)),
            None => max_items,
        };
        Some(ir::ItemReader {
            resource: member(node, "Resource")?.as_str()?.to_string(),
            parameters: self.settings_arguments(node, jsonata)?,
            config: config_value,
            max_items,
        })
    }

    fn item_batcher(&mut self, node: &Node, jsonata: bool) -> Option<ir::ItemBatcher> {
        let field = |k: &str| member(node, k);
        let limit = |k: &str| -> Option<Option<ir::NumberSetting<u64>>> {
            if let Some(p) = field(&format!("{k}Path")) {
                return Some(Some(ir::NumberSetting::Path(reference_path(p.as_str()?)?)));
            }
            let Some(n) = field(k) else { return Some(None) };
            // `check` let only whole numbers through, and expressions in JSONata states.
            Some(Some(match n.as_str() {
                Some(text) => ir::NumberSetting::Jsonata(Box::new(jsonata::query(text, k)?)),
                None => ir::NumberSetting::Literal(n.as_uint()?),
            }))
        };
        let max_items = limit("MaxItemsPerBatch")?;
        let max_bytes = limit("MaxInputBytesPerBatch")?;
        let batch_input = match (jsonata, field("BatchInput")) {
            (true, Some(n)) => Some(jsonata::query_template(n, "BatchInput")?),
            (false, n) => self.template(n)?,
            (true, None) => None,
        };
        Some(ir::ItemBatcher { max_items, max_bytes, batch_input })
    }

    fn result_writer(&mut self, node: &Node, jsonata: bool) -> Option<ir::ResultWriter> {
        // No WriterConfig field is read at run time.
        let (config, _) = self.settings_config(member(node, "WriterConfig"), "", jsonata)?;
        Some(ir::ResultWriter {
            resource: member(node, "Resource")?.as_str()?.to_string(),
            parameters: self.settings_arguments(node, jsonata)?,
            config,
        })
    }

    fn map(&mut self, decl: &ast::StateDecl, m: &ast::Map, c: &ast::Common) -> Option<ir::Map> {
        let processor = m.processor.as_ref()?;
        let mode = processor.processor_config.as_ref().and_then(|p| p.mode.as_ref());
        let mode = match mode {
            Some(mode) if mode.value == ast::ProcessorMode::Distributed => self.distributed(decl, m, c, false)?,
            _ => ir::MapMode::Inline,
        };
        let max_concurrency = match (&m.max_concurrency, &m.max_concurrency_path) {
            (_, Some(p)) => ir::NumberSetting::Path(reference_path(&p.value)?),
            (Some(n), None) => ir::NumberSetting::Literal(n.value),
            (None, None) => ir::NumberSetting::Literal(0),
        };
        let items_path = match &m.items_path {
            Some(p) if p.value != "$" => Some(reference_path(&p.value)?),
            _ => None,
        };
        // The older `Parameters` of a Map state is what `ItemSelector` is now.
        let selector = m.item_selector.as_ref().or(c.parameters.as_deref());
        Some(ir::Map {
            items_path,
            items: None,
            jsonata_input: false,
            item_selector: self.template(selector)?,
            max_concurrency,
            mode,
            processor: lower_machine(processor, self.name, self.top, self.diags)?,
            outcome: self.outcome(c)?,
        })
    }

    fn fail(&mut self, f: &ast::Fail) -> Option<ir::Fail> {
        let source = |lit: &Option<ast::Spanned<String>>, path: &Option<ast::Spanned<String>>, field: &str| {
            if let Some(l) = lit {
                return Some(Some(ir::Source::Literal(l.value.clone())));
            }
            let Some(p) = path else { return Some(None) };
            let t = template::lower_dynamic(&p.value, field)?;
            Some(Some(ir::Source::Template(t)))
        };
        Some(ir::Fail { error: source(&f.error, &f.error_path, "ErrorPath")?, cause: source(&f.cause, &f.cause_path, "CausePath")? })
    }
}

/// `Option<Option<T>>` from an optional field whose lowering may fail: `None` only when it
/// failed.
trait TransposeSome<T> {
    fn transpose_some(self) -> Option<Option<T>>;
}

impl<T> TransposeSome<T> for Option<Option<T>> {
    fn transpose_some(self) -> Option<Option<T>> {
        match self {
            None => Some(None),
            Some(None) => None,
            Some(Some(t)) => Some(Some(t)),
        }
    }
}

fn wait_for(w: &ast::Wait) -> Option<ir::WaitFor> {
    if let Some(s) = &w.seconds {
        return Some(ir::WaitFor::Seconds(s.value));
    }
    if let Some(t) = &w.timestamp {
        return Some(ir::WaitFor::Timestamp(t.value.clone()));
    }
    if let Some(p) = &w.seconds_path {
        return reference_path(&p.value).map(ir::WaitFor::SecondsPath);
    }
    let p = w.timestamp_path.as_ref()?;
    reference_path(&p.value).map(ir::WaitFor::TimestampPath)
}

fn seconds(f: &SecondsField) -> Option<ir::Seconds> {
    Some(match (&f.seconds, &f.path) {
        (Some(s), _) => ir::Seconds::Literal(s.value),
        (None, Some(p)) => ir::Seconds::Path(reference_path(&p.value)?),
        (None, None) => ir::Seconds::None,
    })
}

fn retrier(r: &ast::Retrier) -> ir::Retrier {
    ir::Retrier {
        error_equals: r.error_equals.value.iter().map(|e| e.value.clone()).collect(),
        interval_seconds: r.interval_seconds.as_ref().map_or(1, |v| v.value),
        max_attempts: r.max_attempts.as_ref().map_or(3, |v| v.value),
        backoff_rate: r.backoff_rate.as_ref().map_or(2.0, |v| v.value),
        max_delay_seconds: r.max_delay_seconds.as_ref().map(|v| v.value),
        full_jitter: r.jitter_strategy.as_ref().is_some_and(|j| j.value == ast::JitterStrategy::Full),
    }
}

fn path_setting(p: Option<&NullablePath>) -> Option<ir::PathSetting> {
    Some(match p {
        None => ir::PathSetting::Identity,
        Some(ast::Spanned { value: None, .. }) => ir::PathSetting::Null,
        Some(ast::Spanned { value: Some(text), .. }) if text == "$" => ir::PathSetting::Identity,
        Some(ast::Spanned { value: Some(text), .. }) => ir::PathSetting::Path(Box::new(path(text)?)),
    })
}

fn result_path(p: Option<&NullablePath>) -> Option<ir::ResultPath> {
    Some(match p {
        None => ir::ResultPath::Replace,
        Some(ast::Spanned { value: None, .. }) => ir::ResultPath::Discard,
        Some(ast::Spanned { value: Some(text), .. }) if text == "$" => ir::ResultPath::Replace,
        Some(ast::Spanned { value: Some(text), .. }) => ir::ResultPath::At(Box::new(reference_path(text)?)),
    })
}

/// The value of field `key` of an object node.
fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.as_members()?.iter().find(|m| &*m.key == key).map(|m| &m.value)
}

/// A number field given as a JSONata expression (kept in `c.jsonata`, not in the field).
/// `None` when it does not lower.
fn jsonata_setting<T>(c: &ast::Common, key: &str) -> Option<Option<ir::NumberSetting<T>>> {
    let Some(e) = c.jsonata.iter().find(|m| &*m.key == key) else { return Some(None) };
    Some(Some(ir::NumberSetting::Jsonata(Box::new(jsonata::query(e.value.as_str()?, key)?))))
}

#[cfg(test)]
mod tests {
    use super::lower;
    use crate::diag::Diagnostics;

    /// What `lower` makes of a definition that skipped `check`.
    fn lowered(text: &str) -> (bool, Diagnostics) {
        let mut diags = Diagnostics::default();
        let machine = crate::parse::parse_definition(text, &mut diags).expect("reads");
        (lower(&machine, "m", &mut diags).is_some(), diags)
    }

    #[test]
    fn a_transition_to_no_state_is_no_workflow() {
        let next = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
        let catch = r#"{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::x",
            "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nowhere"}]}}}"#;
        for text in [next, catch] {
            let (some, diags) = lowered(text);
            assert!(!some && diags.is_empty(), "{text}");
        }
        let (some, diags) = lowered(r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#);
        assert!(some && diags.is_empty());
    }
}

