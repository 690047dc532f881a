//! "No panic on any definition or input": the validator and the compiler get arbitrary JSON and
//! mutated real definitions; compiled workflows get arbitrary inputs.

use asl_runtime::{Failure, TaskCall, TaskHandler, Value};
use proptest::prelude::*;
use serde_json::json;

mod io_processing { asl_macro::asl!("workflows/io_processing.json"); }
mod choice_wait { asl_macro::asl!("workflows/choice_wait.json"); }

const ASL_KEYS: &[&str] = &[
    "StartAt", "States", "Type", "Next", "End", "Pass", "Task", "Choice", "Wait", "Fail", "Succeed", "Parallel", "Map",
    "Resource", "Parameters", "InputPath", "OutputPath", "ResultPath", "ResultSelector", "Retry", "Catch",
    "ErrorEquals", "Choices", "Variable", "StringEquals", "NumericLessThan", "And", "Not", "Default", "Seconds",
    "SecondsPath", "Timestamp", "Branches", "ItemProcessor", "x.$", "Error", "CausePath", "TimeoutSeconds",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        prop_oneof![
            "[ -~]{0,12}",
            Just("$.a".to_string()),
            Just("$$.Execution.Id".to_string()),
            Just("States.Format('{}', $.a)".to_string()),
            Just("S".to_string()),
            Just("States.ALL".to_string()),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(ASL_KEYS), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

/// Replaces the node reached by following `steps` (indexes into objects/arrays) with `with`.
fn mutate(v: &mut Value, steps: &[usize], with: Value) {
    let child = match v {
        Value::Object(m) if !m.is_empty() => {
            let len = m.len();
            steps.first().and_then(|i| m.values_mut().nth(i % len))
        }
        Value::Array(a) if !a.is_empty() => steps.first().map(|i| i % a.len()).and_then(|i| a.get_mut(i)),
        _ => None,
    };
    match child {
        Some(c) if steps.len() > 1 => mutate(c, &steps[1..], with),
        Some(c) => *c = with,
        None => *v = with,
    }
}

fn seeds() -> Vec<Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/workflows");
    let mut out: Vec<Value> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| serde_json::from_str(&std::fs::read_to_string(e.path()).ok()?).ok())
        .collect();
    out.sort_by_key(|v| v.to_string());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn checker_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = asl_codegen::check_source(&text);
        let _ = asl_codegen::compile_source(&text, "x");
    }

    #[test]
    fn compiler_never_panics_on_arbitrary_json(v in json_value()) {
        let text = serde_json::to_string_pretty(&v).unwrap();
        let _ = asl_codegen::compile_source(&text, "x");
    }

    #[test]
    fn compiler_never_panics_on_mutated_definitions(
        which in any::<usize>(),
        steps in prop::collection::vec(any::<usize>(), 1..6),
        with in json_value(),
    ) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let mut def = seeds[which % seeds.len()].clone();
        mutate(&mut def, &steps, with);
        let text = serde_json::to_string_pretty(&def).unwrap();
        let diags = asl_codegen::check_source(&text);
        // Every diagnostic points inside the file.
        for d in &diags {
            prop_assert!(d.span.start() <= text.len());
        }
        let _ = asl_codegen::compile_source(&text, "x");
    }

    #[test]
    fn compiled_workflows_never_panic_on_arbitrary_input(input in json_value()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
        rt.block_on(async {
            let _ = io_processing::run(input.clone(), Echo).await;
            let _ = choice_wait::run(input, Echo).await;
        });
    }
}

/// Answers every Task with its own input.
struct Echo;

impl TaskHandler for Echo {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        Ok(call.input)
    }
}
