//! A valid workflow compiles and runs through its typed `Tasks` binding.

mod greet {
    asl_macro::asl!("ui/pass/greet.json");
}

use asl_runtime::{Failure, TaskContext, Value};
use serde_json::json;

struct Lambdas;

impl greet::Tasks for Lambdas {
    async fn say_hello(&self, input: Value, _context: TaskContext) -> Result<Value, Failure> {
        let name = input["name"].as_str().unwrap_or("nobody");
        Ok(json!(format!("Hello, {name}!")))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let output = greet::run_typed(json!({ "who": "Ada" }), Lambdas).await;
    assert_eq!(output.unwrap(), json!({ "name": "Ada", "greeting": "Hello, Ada!" }));
    assert_eq!(greet::State::SayHello.name(), "SayHello");
}
