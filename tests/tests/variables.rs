//! Workflow variables in JSONPath states, compiled: every expression of an Assign sees the
//! values the state entered with and the new ones apply from the next state; `$` is the Pass
//! result, the raw Task result, the error output in a Catcher; the chosen Choice rule assigns
//! (the state's own Assign only on Default); each Map iteration has a scope of its own; and
//! the StateExited events say what was assigned, as AWS records it.

use asl_runtime::history::HistoryEvent;
use asl_runtime::{Env, Failure, TaskCall, TaskHandler, TokioClock, Value};
use serde_json::json;

mod order { asl_macro::asl!("workflows/variables_order.json"); }
mod map_scope { asl_macro::asl!("workflows/variables_map_scope.json"); }
mod unassigned { asl_macro::asl!("workflows/variables_unassigned.json"); }
mod limits { asl_macro::asl!("workflows/variables_limits.json"); }

/// `Call` answers `{"value": 1}`, `Fails` fails with `Boom`.
struct Answers;

impl TaskHandler for Answers {
    async fn call(&self, call: TaskCall) -> Result<Value, Failure> {
        match call.state {
            "Call" => Ok(json!({"value": 1})),
            _ => Err(Failure::new("Boom", "it broke")),
        }
    }
}

async fn run<M: asl_runtime::Machine>(input: Value) -> (asl_runtime::Outcome, Vec<HistoryEvent>) {
    let env = Env::with_clock(Answers, TokioClock::starting_at("2024-05-01T12:00:00Z".parse().unwrap())).with_history();
    let mut exec = asl_runtime::start::<M, _>("vars", input, &env.clock);
    let outcome = asl_runtime::run::<M, _, _>(&mut exec, &env).await;
    (outcome, exec.take_history())
}

/// The `assignedVariables` of the StateExited event of `state`, if it has them.
fn assigned(history: &[HistoryEvent], state: &str) -> Option<Value> {
    exited(history, state).and_then(|d| d.get("assignedVariables").cloned())
}

/// The `stateExitedEventDetails` of `state`.
fn exited<'a>(history: &'a [HistoryEvent], state: &str) -> Option<&'a Value> {
    history.iter().filter_map(|e| e.details.get("stateExitedEventDetails")).find(|d| d["name"] == state)
}

#[tokio::test(start_paused = true)]
async fn an_assign_sees_the_values_the_state_entered_with_and_applies_from_the_next_state() {
    let (outcome, history) = run::<order::Workflow>(json!({})).await;
    assert_eq!(
        outcome.unwrap(),
        json!({
            // The Catcher's Assign is the last to set x; Swap's own Parameters saw the old 5.
            "x": 7, "old": 5, "fromResult": 5,
            // $ in a Task's Assign is the raw result, before ResultSelector.
            "raw": {"value": 1},
            // The chosen rule assigns (reading the x of before Route), not the state's Assign.
            "route": "rule 42",
            // $ in a Catcher's Assign is the error output.
            "error": "Boom",
            "task": {"picked": 1}
        })
    );
    assert_eq!(assigned(&history, "Init"), Some(json!({"x": "5"})));
    assert_eq!(assigned(&history, "Swap"), Some(json!({"x": "42", "old": "5", "fromResult": "5"})));
    assert_eq!(assigned(&history, "Call"), Some(json!({"raw": "{\"value\":1}"})));
    assert_eq!(assigned(&history, "Route"), Some(json!({"route": "\"rule 42\""})));
    // The failed Task's own Assign ("never") did not run; its Catcher's did.
    assert_eq!(assigned(&history, "Fails"), Some(json!({"error": "\"Boom\"", "x": "7"})));
    assert_eq!(assigned(&history, "Done"), None);
    assert_eq!(exited(&history, "Swap").unwrap()["assignedVariablesDetails"], json!({"truncated": false}));
}

#[tokio::test(start_paused = true)]
async fn each_map_iteration_assigns_in_its_own_scope_and_reads_the_outer_one() {
    // The iterations run at once and wait different times between assigning and reading, so a
    // shared scope would hand one iteration another's value.
    let (outcome, history) = run::<map_scope::Workflow>(json!({})).await;
    assert_eq!(
        outcome.unwrap(),
        json!({
            "results": [
                {"mine": 1, "base": "outer"},
                {"mine": 2, "base": "outer"},
                {"mine": 3, "base": "outer"}
            ],
            "base": "outer"
        })
    );
    let mine: Vec<Value> = history
        .iter()
        .filter(|e| e.details.get("stateExitedEventDetails").is_some_and(|d| d["name"] == "Mine"))
        .map(|e| e.details["stateExitedEventDetails"]["assignedVariables"]["mine"].clone())
        .collect();
    assert_eq!(mine.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_variable_read_on_a_way_that_did_not_assign_it_is_a_runtime_error() {
    let (outcome, _) = run::<unassigned::Workflow>(json!({"set": true})).await;
    assert_eq!(outcome.unwrap(), json!({"x": 1}));
    let (outcome, _) = run::<unassigned::Workflow>(json!({"set": false})).await;
    let failure = outcome.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert_eq!(
        failure.cause.as_deref(),
        Some("An error occurred while executing the state 'Read' (entered at the event id #4). The JSONPath '$x' reads the variable 'x', which no state has assigned.")
    );
}

#[tokio::test(start_paused = true)]
async fn an_assign_over_256_kib_fails_the_execution() {
    let big = "x".repeat(150 * 1024);
    let (outcome, history) = run::<limits::Workflow>(json!({ "big": big })).await;
    let failure = outcome.unwrap_err();
    assert_eq!(failure.error, "States.DataLimitExceeded");
    assert!(failure.cause.as_deref().is_some_and(|c| c.contains("over the limit of 262144 bytes for one Assign")), "{failure:?}");
    assert!(exited(&history, "Twice").is_none(), "the state did not exit");
}
