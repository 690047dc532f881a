//! Task round trips per second against moto in server mode, for `lambda:invoke` and
//! `dynamodb:putItem`: a compiled one-Task workflow whose Task asl-aws performs, next to boto3
//! making the same calls (the client a user would write the glue in), measured in the same run
//! and interleaved (ours, then boto3's, five rounds), then the workflows alone with criterion.
//! `cargo bench -p asl-bench --bench aws` (needs `pip install 'moto[server]'`). The CI-sized
//! version is `task_round_trips_match_boto3s_calls` in tests/tests/aws_moto.rs.

#[path = "../../tests/tests/aws/moto.rs"]
mod moto;

use asl_aws::{AwsConfig, AwsHandler, CredentialSource};
use asl_runtime::{Env, Machine};
use criterion::Criterion;
use serde_json::json;
use std::time::{Duration, Instant};

mod invoke { asl_macro::asl!("aws/invoke.json"); }
mod put { asl_macro::asl!("aws/put.json"); }

const CALLS: usize = 200;
const ROUNDS: usize = 5;

/// boto3's round: `n` invocations and `n` puts, timed inside Python.
fn boto3_round(n: usize) -> String {
    format!("{}\nprint(json.dumps(round({n})))\n", include_str!("../aws/boto3_round.py"))
}

async fn run_once<M: Machine>(env: &Env<AwsHandler>, i: usize) {
    let mut exec = asl_runtime::start::<M, _>("bench", json!({ "id": i.to_string() }), &env.clock);
    asl_runtime::run::<M, _, _>(&mut exec, env).await.expect("the Task succeeds against moto");
}

async fn ours<M: Machine>(env: &Env<AwsHandler>, n: usize) -> Duration {
    run_once::<M>(env, usize::MAX).await;
    let t = Instant::now();
    for i in 0..n {
        run_once::<M>(env, i).await;
    }
    t.elapsed()
}

fn per_second(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let moto = moto::moto().expect("moto is installed (pip install 'moto[server]')");
    moto.boto3(include_str!("../aws/setup.py")).unwrap();
    let config = AwsConfig::fixed("us-east-1", CredentialSource::fixed("testing", "testing", None)).with_endpoint(&moto.url);
    let env = Env::new(AwsHandler::new(config));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();

    let (mut ours_invoke, mut ours_put, mut boto_invoke, mut boto_put) = (vec![], vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        ours_invoke.push(per_second(CALLS, runtime.block_on(ours::<invoke::Workflow>(&env, CALLS))));
        ours_put.push(per_second(CALLS, runtime.block_on(ours::<put::Workflow>(&env, CALLS))));
        let boto = moto.boto3(&boto3_round(CALLS)).unwrap();
        boto_invoke.push(CALLS as f64 / boto["invoke"].as_f64().unwrap());
        boto_put.push(CALLS as f64 / boto["put"].as_f64().unwrap());
    }
    for (what, ours, boto) in [("lambda:invoke", ours_invoke, boto_invoke), ("dynamodb:putItem", ours_put, boto_put)] {
        let (ours, boto) = (median(ours), median(boto));
        println!("{what:<17} compiled workflow {ours:>7.0} round trips/s   boto3 {boto:>7.0} calls/s   ratio {:.2}x", ours / boto);
    }

    let mut c = Criterion::default().configure_from_args().sample_size(30);
    let mut group = c.benchmark_group("moto");
    group.bench_function("lambda:invoke workflow", |b| b.to_async(&runtime).iter(|| run_once::<invoke::Workflow>(&env, 1)));
    group.bench_function("dynamodb:putItem workflow", |b| b.to_async(&runtime).iter(|| run_once::<put::Workflow>(&env, 1)));
    group.finish();
    c.final_summary();
}
