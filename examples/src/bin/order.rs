//! The order workflow of the Step Functions documentation, compiled at build time from
//! `workflows/order.json` and run with Rust task handlers: a good order, then an invalid one.
//! Then the same two orders through its JSONata twin, `workflows/order-jsonata.json`, which
//! gives the same outputs.
//!
//! Run with `cargo run -p asl-examples --bin order`.

use asl_runtime::{Env, Failure, Machine, TaskContext, TaskHandler, Value};
use serde_json::json;
use std::sync::atomic::{AtomicU32, Ordering};

mod order {
    asl_macro::asl!("workflows/order.json");
}

mod order_jsonata {
    asl_macro::asl!("workflows/order-jsonata.json");
}

/// The services behind the three Task states.
#[derive(Default)]
struct OrderService {
    payment_attempts: AtomicU32,
}

/// The JSONata twin's Task states have the same names, so they go to the same services.
impl order_jsonata::Tasks for OrderService {
    async fn validate_order(&self, input: Value, context: TaskContext) -> Result<Value, Failure> {
        order::Tasks::validate_order(self, input, context).await
    }

    async fn process_payment(&self, input: Value, context: TaskContext) -> Result<Value, Failure> {
        order::Tasks::process_payment(self, input, context).await
    }

    async fn send_confirmation(&self, input: Value, context: TaskContext) -> Result<Value, Failure> {
        order::Tasks::send_confirmation(self, input, context).await
    }
}

impl order::Tasks for OrderService {
    async fn validate_order(&self, input: Value, _context: TaskContext) -> Result<Value, Failure> {
        let items = input["items"].as_array().map_or(0, Vec::len);
        if items == 0 {
            return Err(Failure::new("InvalidOrderError", "the order has no items"));
        }
        Ok(json!({ "valid": true, "items": items }))
    }

    async fn process_payment(&self, input: Value, context: TaskContext) -> Result<Value, Failure> {
        // The first attempt hits a transient outage; the Retrier tries again after 1 s.
        if self.payment_attempts.fetch_add(1, Ordering::SeqCst) == 0 {
            return Err(Failure::new("PaymentGatewayTimeout", "the gateway did not answer"));
        }
        println!("    charged {} for {} (attempt {}, key {})", input["amount"], input["orderId"], context.attempt, input["idempotencyKey"]);
        Ok(json!({ "id": "pay-7731", "status": "CAPTURED", "provider": "example" }))
    }

    async fn send_confirmation(&self, input: Value, _context: TaskContext) -> Result<Value, Failure> {
        Ok(json!({ "MessageId": "msg-1", "Message": input["Message"] }))
    }
}

/// Runs one order through a compiled workflow `M`, its Tasks answered by `handler`, printing
/// the states it visits and how it ends.
async fn run_order<M: Machine, H: TaskHandler>(title: &str, input: Value, handler: H) -> Result<Value, Failure> {
    println!("{title}");
    let env = Env::new(handler);
    let mut exec = asl_runtime::start::<M, _>("example", input, &env.clock);
    let mut visited = Vec::new();
    let outcome = asl_runtime::run_observed::<M, _, _>(&mut exec, &env, |s| visited.push(M::state_name(s))).await;
    println!("  states: {}", visited.join(" -> "));
    report(&outcome);
    outcome
}

fn report(outcome: &Result<Value, Failure>) {
    match outcome {
        Ok(output) => println!("  SUCCEEDED\n  output: {}", serde_json::to_string_pretty(output).unwrap_or_default().replace('\n', "\n  ")),
        Err(failure) => println!("  FAILED\n  error: {}\n  cause: {}", failure.error, failure.cause.clone().unwrap_or_default()),
    }
}

#[tokio::main]
async fn main() {
    let good = json!({ "orderId": "ord-42", "items": ["book", "lamp"], "total": 59.90 });
    let invalid = json!({ "orderId": "ord-43", "items": [], "total": 0 });
    let a = run_order::<order::Workflow, _>("A good order:", good.clone(), order::Typed(OrderService::default())).await;
    println!();
    let b = run_order::<order::Workflow, _>("An invalid order:", invalid.clone(), order::Typed(OrderService::default())).await;
    println!();
    let jsonata = |title, input| {
        run_order::<order_jsonata::Workflow, _>(title, input, order_jsonata::Typed(OrderService::default()))
    };
    let c = jsonata("A good order, through the JSONata twin:", good).await;
    println!();
    let d = jsonata("An invalid order, through the JSONata twin:", invalid).await;
    assert_eq!((a, b), (c, d), "the JSONata twin behaves as order.json does");
    println!("\nBoth definitions gave the same outcomes.");
}
