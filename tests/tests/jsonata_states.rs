//! JSONata states compiled, beyond what the recordings cover: a Task's Arguments,
//! TimeoutSeconds, Assign and Output from expressions; an expression that throws is
//! `States.QueryEvaluationError`, caught with `$states.errorOutput`, after an EvaluationFailed
//! event; variables assigned in JSONata are read by later states.

use asl_runtime::{Env, Failure, TaskCall, TaskHandler, TokioClock, Value};
use serde_json::json;

mod task { asl_macro::asl!("workflows/jsonata_task.json"); }

/// `Price` answers a unit price of 12 and records what it was given; `Check` echoes.
struct Shop;

impl TaskHandler for Shop {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        match call.state {
            "Price" => {
                assert_eq!(call.input, json!({"sku": "A-1", "qty": call.input["qty"].clone()}));
                Ok(json!({"unit": 12}))
            }
            _ => Ok(call.input),
        }
    }
}

async fn run(input: Value) -> (asl_runtime::Outcome, Vec<asl_runtime::history::HistoryEvent>) {
    let env = Env::with_clock(Shop, TokioClock::starting_at("2024-05-01T12:00:00Z".parse().unwrap())).with_history();
    let mut exec = asl_runtime::start::<task::Workflow, _>("jsonata", input, &env.clock);
    let outcome = asl_runtime::run::<task::Workflow, _, _>(&mut exec, &env).await;
    (outcome, exec.take_history())
}

#[tokio::test(start_paused = true)]
async fn a_jsonata_task_reads_arguments_output_and_variables() {
    let (outcome, _) = run(json!({"sku": "A-1", "qty": 3})).await;
    assert_eq!(outcome.unwrap(), json!({"rejected": false, "unit": 12, "qty": 3, "why": "none"}));
}

#[tokio::test(start_paused = true)]
async fn a_throwing_expression_is_caught_as_a_query_evaluation_error() {
    let (outcome, history) = run(json!({"sku": "A-1", "qty": 10})).await;
    let output = outcome.unwrap();
    assert_eq!(output["rejected"], true);
    assert_eq!(output["error"], "States.QueryEvaluationError");
    assert_eq!(output["unit"], 12);
    let why = output["why"].as_str().unwrap();
    assert!(
        why.starts_with("An error occurred while executing the state 'Check' (entered at the event id #")
            && why.ends_with("The JSONata expression '$states.input.total > 100 ? $error('too dear') : $states.input' specified for the field 'Arguments' threw an error during evaluation. D3137: too dear"),
        "{why}"
    );
    let failed = history.iter().find(|e| e.kind == "EvaluationFailed").expect("an EvaluationFailed event");
    let details = &failed.details["evaluationFailedEventDetails"];
    assert_eq!(details["location"], "Arguments");
    assert_eq!(details["state"], "Check");
}
