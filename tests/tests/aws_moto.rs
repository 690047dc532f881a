//! Compiled workflows calling AWS services through asl-aws's `AwsHandler`, run durably by the
//! engine against moto in server mode (a real AWS-compatible server of the services' own
//! protocols), set up and checked with boto3.

#[path = "aws/moto.rs"]
mod moto;

use asl_aws::{AwsConfig, AwsHandler, CredentialSource};
use asl_engine::{Engine, MachineType, MemoryStore, Store, Worker};
use moto::{moto, Moto};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod aws_order { asl_macro::asl!("workflows/aws_order.json"); }

/// A handler whose every service is the moto server.
fn handler(moto: &Moto) -> AwsHandler {
    let config = AwsConfig::fixed("us-east-1", CredentialSource::fixed("testing", "testing", None)).with_endpoint(&moto.url);
    AwsHandler::new(config)
}

/// Runs the workers until `arn` ends (or a minute passes); its description.
async fn until_done(engine: &Engine, arn: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let d = engine.describe_execution(arn).unwrap();
        if d["status"] != "RUNNING" || Instant::now() > deadline {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A consumer of the approval queue: answers each task token it finds with SendTaskSuccess.
async fn approve_from_queue(aws: AwsHandler, engine: Engine, queue: String) {
    loop {
        let received = aws
            .perform("arn:aws:states:::aws-sdk:sqs:receiveMessage", &json!({ "QueueUrl": queue, "WaitTimeSeconds": 1, "MaxNumberOfMessages": 1 }))
            .await
            .expect("ReceiveMessage");
        for message in received["Messages"].as_array().into_iter().flatten() {
            let body: Value = serde_json::from_str(message["Body"].as_str().unwrap()).unwrap();
            engine.send_task_success(body["token"].as_str().unwrap(), &json!({ "by": "consumer", "order": body["orderId"] }).to_string()).unwrap();
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_workflow_writes_reads_publishes_waits_on_sqs_stores_and_invokes_against_moto() {
    let Some(moto) = moto() else { return };
    let setup = moto
        .boto3(r#"
import io, zipfile
ddb = client("dynamodb"); ddb.create_table(TableName="orders", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
client("s3").create_bucket(Bucket="receipts")
sqs = client("sqs")
approvals = sqs.create_queue(QueueName="approvals")["QueueUrl"]
announcements = sqs.create_queue(QueueName="announcements")["QueueUrl"]
announcements_arn = sqs.get_queue_attributes(QueueUrl=announcements, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
sns = client("sns"); topic = sns.create_topic(Name="orders")["TopicArn"]
sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=announcements_arn, Attributes={"RawMessageDelivery": "true"})
role = client("iam").create_role(RoleName="notify", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
code = io.BytesIO(); zipfile.ZipFile(code, "w").writestr("index.py", "def handler(event, context):\n    return event\n")
fn = client("lambda").create_function(FunctionName="notify", Runtime="python3.11", Role=role, Handler="index.handler", Code={"ZipFile": code.getvalue()})["FunctionArn"]
print(json.dumps({"queue": approvals, "announcements": announcements, "topic": topic, "function": fn}))
"#)
        .unwrap();

    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::new(store.clone());
    engine.create_state_machine("order", aws_order::DEFINITION, MachineType::Standard, None).unwrap();
    let input = json!({ "orderId": "o-1", "total": 42, "table": "orders", "bucket": "receipts", "topic": setup["topic"], "queue": setup["queue"], "function": "notify" });
    let arn = engine.start_execution("order", Some("o-1"), Some(&input.to_string())).unwrap()["executionArn"].as_str().unwrap().to_owned();

    let aws = handler(moto);
    let mut worker = Worker::new(store).with_poll(Duration::from_millis(20));
    let engine = engine.with_answers(worker.answers());
    worker.serve::<aws_order::Workflow, _>(aws.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move { worker.run(Duration::from_millis(20), async { stopped.await.ok(); }).await });
    let consumer = tokio::spawn(approve_from_queue(aws, engine.clone(), setup["queue"].as_str().unwrap().to_owned()));

    let described = until_done(&engine, &arn).await;
    stop.send(()).unwrap();
    running.await.unwrap();
    consumer.await.unwrap();
    assert_eq!(described["status"], "SUCCEEDED", "{described:#}");
    let output: Value = serde_json::from_str(described["output"].as_str().unwrap()).unwrap();
    assert_eq!(output["loaded"], json!({ "total": "42" }));
    assert_eq!(output["approval"], json!({ "by": "consumer", "order": "o-1" }));
    assert_eq!(output["stored"], json!({ "receipt": { "orderId": "o-1", "approvedBy": "consumer" } }));
    assert_eq!(output["notified"], json!({ "payload": { "orderId": "o-1", "receipt": { "orderId": "o-1", "approvedBy": "consumer" } }, "status": 200 }));
    assert!(output["announced"]["messageId"].is_string());

    // What the workflow wrote, as boto3 sees it.
    let seen = moto
        .boto3(&format!(
            r#"
item = client("dynamodb").get_item(TableName="orders", Key={{"id": {{"S": "o-1"}}}})["Item"]
receipt = client("s3").get_object(Bucket="receipts", Key="receipts/o-1.json")["Body"].read().decode()
messages = client("sqs").receive_message(QueueUrl={announcements:?}, WaitTimeSeconds=1).get("Messages", [])
print(json.dumps({{"item": item, "receipt": json.loads(receipt), "announcements": [json.loads(m["Body"]) for m in messages]}}))
"#,
            announcements = setup["announcements"].as_str().unwrap()
        ))
        .unwrap();
    assert_eq!(seen["item"], json!({ "id": { "S": "o-1" }, "total": { "N": "42" } }));
    assert_eq!(seen["receipt"], json!({ "orderId": "o-1", "approvedBy": "consumer" }));
    assert_eq!(seen["announcements"], json!([{ "orderId": "o-1", "total": "42" }]));
}
