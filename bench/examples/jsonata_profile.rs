//! Evaluates one expression of the jsonata-order workload `n` times with our engine, for a
//! profiler or for counting instructions:
//!
//! ```sh
//! cargo build --release -p asl-bench --example jsonata_profile
//! valgrind --tool=callgrind target/release/examples/jsonata_profile filter tree 20000
//! callgrind_annotate --inclusive=yes callgrind.out.PID | head -60
//! perf record -g target/release/examples/jsonata_profile sum native 2000000 && perf report
//! ```
//!
//! Arguments: the expression (`filter`, `sum`, `object`, `concat`), the way (`tree` or
//! `native`), the number of evaluations. Each evaluation is what `benches/jsonata.rs` times:
//! `serde_json::Value` in, `serde_json::Value` out, `states` bound to `{"input": document}`.

use std::hint::black_box;

use asl_runtime::jsonata::evaluate;
use serde_json::Value;

#[path = "../common/jsonata_order.rs"]
mod jsonata_order;
use jsonata_order::{EXPRESSIONS, WORKLOAD};

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "filter".into());
    let way = args.next().unwrap_or_else(|| "tree".into());
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let e = EXPRESSIONS.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no expression '{name}': filter, sum, object or concat"));
    eprintln!("{}: {}", e.name, e.text);
    let expr = match way.as_str() {
        "tree" => e.as_tree(),
        "native" => e.as_native(),
        other => panic!("no way '{other}': tree or native"),
    };
    let workload: Value = serde_json::from_str(WORKLOAD).expect("the workload is JSON");
    let document = workload["document"].clone();
    let states = serde_json::json!({ "input": document });
    for _ in 0..n {
        black_box(evaluate(expr, Some(&document), &[("states", &states)]).expect("evaluates"));
    }
}
