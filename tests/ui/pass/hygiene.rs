//! The generated code names everything by its full path: a module that declares its own
//! `Result`, `Ok`, `Option`, `Some`, `None`, `Vec`, `String` and `Value` next to the macro call
//! still compiles (the serde_derive convention).

#[allow(dead_code)]
mod order {
    struct Result;
    struct Ok;
    struct Option;
    struct Some;
    struct None;
    struct Vec;
    struct String;
    struct Value;

    asl_macro::asl!("ui/pass/hygiene.json");
}

use serde_json::json;

struct Lambdas;

impl order::Tasks for Lambdas {
    async fn charge(
        &self,
        _input: asl_runtime::Value,
        _context: asl_runtime::TaskContext,
    ) -> Result<asl_runtime::Value, asl_runtime::Failure> {
        Ok(json!({ "ok": true, "receipt": 7 }))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let output = order::run_typed(json!({ "id": 42, "items": [1, 2] }), Lambdas).await;
    assert_eq!(output.unwrap(), json!({ "ok": true }));
}
