// A broken definition is one error: the user's `impl Tasks`, `Typed`, `run_typed` and the
// engine-facing `Workflow: Machine` and `DEFINITION` still type-check against the stub.
use asl_runtime::{Failure, TaskContext, Value};

mod order {
    asl_macro::asl!("ui/fail/user_code_sees_only_the_definition_error.json");
}

struct Services;

impl order::Tasks for Services {
    async fn validate(&self, input: Value, _: TaskContext) -> Result<Value, Failure> {
        Ok(input)
    }
    async fn charge(&self, input: Value, _: TaskContext) -> Result<Value, Failure> {
        Ok(input)
    }
}

fn uses_the_machine<M: asl_runtime::Machine>() -> &'static str {
    M::DEFINITION
}

fn main() {
    let _ = order::run_typed(Value::Null, Services);
    let _ = uses_the_machine::<order::Workflow>();
    let _ = order::DEFINITION;
}
