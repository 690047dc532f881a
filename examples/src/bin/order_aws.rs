//! The order workflow against AWS services: `workflows/order-aws.json` writes the order to
//! DynamoDB and reads it back, announces it on SNS, waits on SQS for an approval (a task token
//! that a consumer of the queue answers), stores a receipt in S3 and reads it, and invokes a
//! Lambda function. Its Tasks are performed by asl-aws's `AwsHandler`, exactly as AWS Step
//! Functions performs them, and the run is durable (the engine, on an in-memory store).
//!
//! It starts a moto server of its own (`pip install 'moto[server]'`), creates what the workflow
//! touches with `examples/aws/setup.py` (boto3), and points the AWS configuration at it through
//! `AWS_ENDPOINT_URL` and test keys, as a user points the AWS CLI at an emulator. Against real
//! AWS the same handler takes the credentials and region of the AWS CLI.

#[path = "../../../tests/tests/aws/moto.rs"]
mod moto;

use asl_aws::{AwsConfig, AwsHandler};
use asl_engine::{Engine, MachineType, MemoryStore, Store, Worker};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

mod order { asl_macro::asl!("workflows/order-aws.json"); }

#[tokio::main]
async fn main() -> Result<(), String> {
    let moto = moto::moto().ok_or("moto is not installed: pip install 'moto[server]'")?;
    println!("started moto at {}; creating the table, bucket, queues, topic and function with boto3", moto.url);
    let resources = moto.boto3(include_str!("../../aws/setup.py"))?;
    for (name, value) in moto::ENV.iter().copied().chain([("AWS_ENDPOINT_URL", moto.url.as_str())]) {
        std::env::set_var(name, value);
    }
    let aws = AwsHandler::new(AwsConfig::from_env().await);

    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::new(store.clone());
    engine.create_state_machine("order", order::DEFINITION, MachineType::Standard, None).map_err(|e| e.message)?;
    let mut input = resources.clone();
    input["orderId"] = json!("ord-001");
    input["total"] = json!(99);
    let arn = engine.start_execution("order", Some("ord-001"), Some(&input.to_string())).map_err(|e| e.message)?["executionArn"].as_str().unwrap_or_default().to_owned();

    let mut worker = Worker::new(store).with_poll(Duration::from_millis(20));
    let engine = engine.with_answers(worker.answers());
    worker.serve::<order::Workflow, _>(aws.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move { worker.run(Duration::from_millis(20), async { stopped.await.ok(); }).await });
    let queue = resources["queue"].as_str().unwrap_or_default().to_owned();
    let consumer = tokio::spawn(approve(aws, engine.clone(), queue));

    let ended = loop {
        let d = engine.describe_execution(&arn).map_err(|e| e.message)?;
        if d["status"] != "RUNNING" {
            break d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = stop.send(());
    let _ = running.await;
    consumer.abort();
    println!("{} {}", ended["status"].as_str().unwrap_or_default(), ended["output"].as_str().or(ended["cause"].as_str()).unwrap_or_default());
    for event in engine.get_execution_history(&arn, false, 1000, None).map_err(|e| e.message)?["events"].as_array().into_iter().flatten() {
        if let Some(details) = event.get("taskSucceededEventDetails") {
            println!("  {:<14} {}:{}", event["type"].as_str().unwrap_or_default(), details["resourceType"].as_str().unwrap_or_default(), details["resource"].as_str().unwrap_or_default());
        }
    }
    match ended["status"].as_str() {
        Some("SUCCEEDED") => Ok(()),
        _ => Err("the order did not succeed".into()),
    }
}

/// A consumer of the approval queue, as a reviewer's service would be: it takes the message
/// the workflow sent (through the same handler's `aws-sdk:sqs:receiveMessage`) and approves
/// the order with SendTaskSuccess.
async fn approve(aws: AwsHandler, engine: Engine, queue: String) {
    loop {
        let received = aws.perform("arn:aws:states:::aws-sdk:sqs:receiveMessage", &json!({ "QueueUrl": queue, "WaitTimeSeconds": 1 })).await;
        for message in received.ok().and_then(|r| r["Messages"].as_array().cloned()).into_iter().flatten() {
            let body: Value = serde_json::from_str(message["Body"].as_str().unwrap_or("{}")).unwrap_or_default();
            if let Some(token) = body["token"].as_str() {
                println!("approving {} (task token from SQS)", body["orderId"]);
                let _ = engine.send_task_success(token, &json!({ "by": "reviewer", "order": body["orderId"] }).to_string());
            }
        }
    }
}
