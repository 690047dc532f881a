//! Compiled workflows calling AWS services through asl-aws's `AwsHandler`, run durably by the
//! engine against moto in server mode (a real AWS-compatible server of the services' own
//! protocols), set up and checked with boto3.

#[path = "aws/http_echo.rs"]
mod http_echo;
#[path = "aws/moto.rs"]
mod moto;

use asl_aws::{AwsConfig, AwsHandler, CredentialSource, HttpConnections, S3Items, S3Results, TransportSettings};
use asl_engine::{Engine, MachineType, MemoryStore, Store, Worker};
use moto::{moto, Moto};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod aws_order { asl_macro::asl!("../examples/workflows/order-aws.json"); }
mod aws_errors { asl_macro::asl!("workflows/aws_errors.json"); }
mod bench_invoke { asl_macro::asl!("../bench/aws/invoke.json"); }
mod bench_put { asl_macro::asl!("../bench/aws/put.json"); }
mod aws_s3_map { asl_macro::asl!("workflows/aws_s3_map.json"); }
mod aws_jobs { asl_macro::asl!("workflows/aws_jobs.json"); }
mod integrations_corpus { asl_macro::asl!("workflows/integrations_corpus.json"); }

/// A handler whose every service is the moto server.
fn handler(moto: &Moto) -> AwsHandler {
    let config = AwsConfig::fixed("us-east-1", CredentialSource::fixed("testing", "testing", None)).with_endpoint(&moto.url);
    AwsHandler::new(config)
}

/// The connection `http:invoke` Tasks name: an API key sent as a header, and a query
/// parameter the connection adds to every call.
const CONNECTIONS: &str = r#"{"site": {"AuthorizationType": "API_KEY", "AuthParameters": {
    "ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret-key"},
    "InvocationHttpParameters": {"QueryStringParameters": [{"Key": "from", "Value": "connection"}]}}}}"#;

/// Runs `machine` once with `input` through a durable worker whose Tasks go to `aws`; the
/// execution's description and history.
async fn run_once<M: asl_runtime::Machine + 'static>(definition: &str, input: Value, aws: AwsHandler) -> (Value, Vec<Value>) {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::new(store.clone());
    engine.create_state_machine("m", definition, MachineType::Standard, None).unwrap();
    let arn = engine.start_execution("m", Some("run"), Some(&input.to_string())).unwrap()["executionArn"].as_str().unwrap().to_owned();
    let mut worker = Worker::new(store).with_poll(Duration::from_millis(20));
    worker.serve::<M, _>(aws);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move { worker.run(Duration::from_millis(20), async { stopped.await.ok(); }).await });
    let described = until_done(&engine, &arn).await;
    stop.send(()).unwrap();
    running.await.unwrap();
    let events = engine.get_execution_history(&arn, false, 1000, None).unwrap()["events"].as_array().unwrap().clone();
    (described, events)
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
        if let Some(message) = received["Messages"].as_array().and_then(|m| m.first()) {
            let body: Value = serde_json::from_str(message["Body"].as_str().unwrap()).unwrap();
            engine.send_task_success(body["token"].as_str().unwrap(), &json!({ "by": "consumer", "order": body["orderId"] }).to_string()).unwrap();
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_workflow_writes_reads_publishes_waits_on_sqs_stores_and_invokes_against_moto() {
    let Some(moto) = moto() else { return };
    let setup = moto.boto3(include_str!("../../examples/aws/setup.py")).unwrap();

    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::new(store.clone());
    engine.create_state_machine("order", aws_order::DEFINITION, MachineType::Standard, None).unwrap();
    let mut input = setup.clone();
    input["orderId"] = json!("o-1");
    input["total"] = json!(42);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_services_errors_reach_retry_and_catch_under_aws_names() {
    let Some(moto) = moto() else { return };
    let setup = moto
        .boto3(r#"
ddb = client("dynamodb"); ddb.create_table(TableName="taken", AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
ddb.put_item(TableName="taken", Item={"id": {"S": "taken"}})
client("s3").create_bucket(Bucket="errors")
url = client("sqs").create_queue(QueueName="errors")["QueueUrl"]
print(json.dumps({"missingQueue": url.rsplit("/", 1)[0] + "/no-such-queue"}))
"#)
        .unwrap();
    let site = http_echo::start();
    let input = json!({ "table": "taken", "bucket": "errors", "missingQueue": setup["missingQueue"], "missingPage": format!("{site}/missing") });
    let lambda = AwsConfig::fixed("us-east-1", CredentialSource::fixed("testing", "testing", None)).with_endpoint(&moto.url).with_service_endpoint("LAMBDA", &site);
    let aws = AwsHandler::new(lambda).with_connections(HttpConnections::from_json(CONNECTIONS).unwrap());
    let (described, events) = run_once::<aws_errors::Workflow>(aws_errors::DEFINITION, input, aws).await;
    assert_eq!(described["status"], "SUCCEEDED", "{described:#}");
    let output: Value = serde_json::from_str(described["output"].as_str().unwrap()).unwrap();
    let caught: Vec<(String, String)> = output.as_array().unwrap().iter().map(|b| (b["state"].as_str().unwrap().to_owned(), b["error"].as_str().unwrap_or_else(|| panic!("not caught by name: {b}")).to_owned())).collect();
    let expected = [
        ("ConditionalPut", "DynamoDB.ConditionalCheckFailedException"),
        ("MissingTable", "DynamoDB.ResourceNotFoundException"),
        ("MissingTableSdk", "DynamoDb.ResourceNotFoundException"),
        ("FailingFunction", "ZeroDivisionError"),
        ("ThrottledFunction", "Lambda.TooManyRequestsException"),
        ("MissingQueue", "SQS.AmazonSQSException"),
        ("MissingTopic", "SNS.NotFoundException"),
        ("MissingKey", "S3.NoSuchKeyException"),
        ("MissingBucket", "S3.NoSuchBucketException"),
        ("MissingBus", "EventBridge.ResourceNotFoundException"),
        ("MissingPage", "States.Http.StatusCode.404"),
        ("MissingEventBus", "EventBridge.AmazonEventBridgeException"),
    ];
    assert_eq!(caught, expected.map(|(s, e)| (s.to_owned(), e.to_owned())));
    // The Retry saw the name too: the conditional put was attempted twice.
    let puts = events.iter().filter(|e| e["type"] == "TaskScheduled" && e["taskScheduledEventDetails"]["resource"] == "putItem").count();
    assert_eq!(puts, 2);
    let failed = events.iter().find(|e| e["type"] == "TaskFailed" && e["taskFailedEventDetails"]["error"] == "DynamoDB.ConditionalCheckFailedException").unwrap();
    let cause = failed["taskFailedEventDetails"]["cause"].as_str().unwrap();
    assert!(cause.contains("(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: "), "{cause}");
    // A function's error: its errorType, and its payload as the cause; Lambda events for a function's ARN.
    let failed = events.iter().find(|e| e["type"] == "TaskFailed" && e["taskFailedEventDetails"]["error"] == "ZeroDivisionError").unwrap();
    let cause: Value = serde_json::from_str(failed["taskFailedEventDetails"]["cause"].as_str().unwrap()).unwrap();
    assert_eq!(cause["errorMessage"], "division by zero");
    let throttled = events.iter().find(|e| e["type"] == "LambdaFunctionFailed").unwrap();
    assert_eq!(throttled["lambdaFunctionFailedEventDetails"]["error"], "Lambda.TooManyRequestsException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_invoke_sends_the_connections_key_oauth_token_query_and_body() {
    let site = http_echo::start();
    let aws = handler_without_services().with_connections(HttpConnections::from_json(CONNECTIONS).unwrap());
    let params = json!({
        "ApiEndpoint": format!("{site}/orders"),
        "Method": "POST",
        "Authentication": { "ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/site/0c4e" },
        "Headers": { "x-trace": "t-1" },
        "QueryParameters": { "page": "2" },
        "RequestBody": { "id": 7 }
    });
    let answer = aws.perform("arn:aws:states:::http:invoke", &params).await.unwrap();
    assert_eq!((answer["StatusCode"].clone(), answer["StatusText"].clone()), (json!(200), json!("OK")));
    let seen = &answer["ResponseBody"];
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["target"], "/orders?from=connection&page=2");
    assert_eq!(seen["headers"]["x-api-key"], "secret-key");
    assert_eq!(seen["headers"]["x-trace"], "t-1");
    assert_eq!(seen["headers"]["content-type"], "application/json");
    assert_eq!(seen["body"], r#"{"id":7}"#);

    let form = json!({
        "ApiEndpoint": format!("{site}/form"), "Method": "PUT",
        "Authentication": { "ConnectionArn": "site" },
        "RequestBody": { "tags": ["a", "b"], "n": 1 },
        "Transform": { "RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": { "ArrayFormat": "BRACKETS" } }
    });
    let answer = aws.perform("arn:aws:states:::http:invoke", &form).await.unwrap();
    assert_eq!(answer["ResponseBody"]["body"], "tags%5B%5D=a&tags%5B%5D=b&n=1");

    // A client-credentials connection: a token from the OAuth server, sent as Bearer.
    let oauth = format!(
        r#"{{"orders-api": {{"AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {{"OAuthParameters": {{
            "AuthorizationEndpoint": "{site}/oauth/token", "HttpMethod": "POST",
            "ClientParameters": {{"ClientID": "app", "ClientSecret": "s3cret"}}}}}}}}}}"#
    );
    let oauth = handler_without_services().with_connections(HttpConnections::from_json(&oauth).unwrap());
    let call = json!({ "ApiEndpoint": format!("{site}/orders"), "Method": "GET", "Authentication": { "ConnectionArn": "arn:aws:events:us-east-1:1:connection/orders-api/9" } });
    let answer = oauth.perform("arn:aws:states:::http:invoke", &call).await.unwrap();
    assert_eq!(answer["ResponseBody"]["headers"]["authorization"], "Bearer tok-1");
    let wrong = format!(r#"{{"orders-api": {{"AuthorizationType": "OAUTH_CLIENT_CREDENTIALS", "AuthParameters": {{"OAuthParameters": {{
        "AuthorizationEndpoint": "{site}/oauth/token", "HttpMethod": "POST", "ClientParameters": {{"ClientID": "app", "ClientSecret": "wrong"}}}}}}}}}}"#);
    let wrong = handler_without_services().with_connections(HttpConnections::from_json(&wrong).unwrap());
    let failure = wrong.perform("arn:aws:states:::http:invoke", &call).await.unwrap_err();
    assert!(failure.cause.unwrap().contains("could not obtain an OAuth token"), "no secret in it either");
    // A connection missing what its type needs is refused when it is read, naming the field.
    let broken = HttpConnections::from_json(r#"{"c": {"AuthorizationType": "BASIC", "AuthParameters": {"BasicAuthParameters": {"Username": "u"}}}}"#).unwrap_err();
    assert_eq!(broken, "connection 'c': AuthParameters.BasicAuthParameters.Password is required");
    assert!(!format!("{:?}", HttpConnections::from_json(CONNECTIONS).unwrap()).contains("secret-key"));

    let unknown = json!({ "ApiEndpoint": site, "Method": "GET", "Authentication": { "ConnectionArn": "arn:aws:events:us-east-1:1:connection/other/1" } });
    let failure = aws.perform("arn:aws:states:::http:invoke", &unknown).await.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert!(failure.cause.unwrap().contains("The connection 'arn:aws:events:us-east-1:1:connection/other/1' is not configured"));
}

/// A handler whose services are a port nothing listens on, tried once.
fn handler_without_services() -> AwsHandler {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let transport = TransportSettings { max_attempts: 1, ..TransportSettings::default() };
    let config = AwsConfig::fixed("us-east-1", CredentialSource::fixed("k", "s", None)).with_endpoint(&format!("http://{closed}")).with_transport(transport);
    AwsHandler::new(config)
}

#[tokio::test]
async fn a_service_that_cannot_be_reached_fails_as_the_sdk_client_does_and_unserved_integrations_say_so() {
    let aws = handler_without_services();
    let failure = aws.perform("arn:aws:states:::dynamodb:getItem", &json!({ "TableName": "t", "Key": {} })).await.unwrap_err();
    assert_eq!(failure.error, "DynamoDB.SdkClientException");
    assert!(failure.cause.unwrap().starts_with("Unable to execute HTTP request"));
    let failure = aws.perform("arn:aws:states:::eks:runJob.sync", &json!({})).await.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert!(failure.cause.unwrap().starts_with("The integration 'eks:runJob.sync' (Resource 'arn:aws:states:::eks:runJob.sync') is not served by asl"));
    // A callback outside a durable run: nothing would wait for the token's answer.
    let callback = asl_runtime::TaskCall {
        state: "Approve",
        resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        input: json!({ "QueueUrl": "q", "MessageBody": "m" }),
        credentials: None,
        context: asl_runtime::TaskContext::new("e".into(), "k".into(), 0, Some("token".into())),
    };
    let failure = asl_runtime::TaskHandler::call(&aws, callback).await.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert!(failure.cause.unwrap().contains("is a callback (arn:aws:states:::sqs:sendMessage.waitForTaskToken): it needs a durable run"));
    let failure = aws.perform("arn:aws:states:::lambda:invoke", &json!({ "Payload": {} })).await.unwrap_err();
    assert_eq!(failure.error, "States.Runtime");
    assert_eq!(failure.cause.unwrap(), r#"The Parameters '{"Payload":{}}' could not be used to start the Task: [The field "FunctionName" is required]"#);
}

/// Every Resource form of AWS's integrations that the public sample workflows use compiles
/// (the `asl!` above), and is either served or fails, when reached, with `States.Runtime`
/// naming the integration; the README's table lists the same split.
#[tokio::test]
async fn every_integration_form_of_the_samples_is_served_or_named_when_reached() {
    let definition: Value = serde_json::from_str(integrations_corpus::DEFINITION).unwrap();
    let aws = handler_without_services();
    let mut not_served = Vec::new();
    for (state, task) in definition["States"].as_object().unwrap() {
        let resource = task["Resource"].as_str().unwrap();
        match asl_aws::coverage(resource) {
            asl_aws::Coverage::Served => {}
            // The engine's own: a hosted worker's bindings send it there before AWS.
            asl_aws::Coverage::NotServed(_) if asl_engine::nested::serves(resource) => {}
            asl_aws::Coverage::NotAws => panic!("{state}: {resource} is an AWS integration"),
            asl_aws::Coverage::NotServed(name) => {
                let failure = aws.perform(resource, task.get("Parameters").unwrap_or(&json!({}))).await.unwrap_err();
                assert_eq!(failure.error, "States.Runtime");
                assert!(failure.cause.unwrap().starts_with(&format!("The integration '{name}' (Resource '{resource}') is not served")));
                not_served.push(name);
            }
        }
    }
    assert!(not_served.is_empty(), "{not_served:?}");
}

/// The CI-sized version of `cargo bench -p asl-bench --bench aws`: the compiled one-Task
/// workflows and boto3 make the same 20 calls each against moto; the rates are printed, not
/// judged (a timed test proves nothing about speed; the benchmark reports the ratio).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_round_trips_match_boto3s_calls() {
    let Some(moto) = moto() else { return };
    moto.boto3(include_str!("../../bench/aws/setup.py")).unwrap();
    const N: usize = 20;
    let env = asl_runtime::Env::new(handler(moto));
    let t = Instant::now();
    for i in 0..N {
        let mut exec = asl_runtime::start::<bench_invoke::Workflow, _>("bench", json!({ "id": i.to_string() }), &env.clock);
        let output = asl_runtime::run::<bench_invoke::Workflow, _, _>(&mut exec, &env).await.unwrap();
        assert_eq!(output, json!({ "id": i.to_string() }));
    }
    let invoke = t.elapsed();
    let t = Instant::now();
    for i in 0..N {
        let mut exec = asl_runtime::start::<bench_put::Workflow, _>("bench", json!({ "id": i.to_string() }), &env.clock);
        asl_runtime::run::<bench_put::Workflow, _, _>(&mut exec, &env).await.unwrap();
    }
    let put = t.elapsed();
    let boto = moto.boto3(&format!("{}\nprint(json.dumps(round({N})))", include_str!("../../bench/aws/boto3_round.py"))).unwrap();
    let rate = |secs: f64| N as f64 / secs;
    println!(
        "lambda:invoke {:.0}/s (boto3 {:.0}/s); dynamodb:putItem {:.0}/s (boto3 {:.0}/s)",
        rate(invoke.as_secs_f64()), rate(boto["invoke"].as_f64().unwrap()), rate(put.as_secs_f64()), rate(boto["put"].as_f64().unwrap())
    );
    let count = moto.boto3("print(json.dumps(client('dynamodb').scan(TableName='bench', Select='COUNT')['Count']))").unwrap();
    assert_eq!(count, json!(N + 1), "our puts and boto3's wrote the same items, and its warm-up one");
}

/// Distributed Maps over S3: a CSV object read in ranges of 64 bytes (so its rows cross
/// ranges), its results written back to S3 in AWS's ResultWriter layout (the result file as a
/// multipart upload of 1 KiB parts), then a listing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_distributed_map_reads_csv_and_listings_from_s3_and_writes_its_results_there() {
    let Some(moto) = moto() else { return };
    moto.boto3(r#"
s3 = client("s3"); s3.create_bucket(Bucket="lines")
s3.put_object(Bucket="lines", Key="orders.csv", Body="sku,qty\n" + "".join(f"item-{i:03},{i}\n" for i in range(40)))
for name in ["a.json", "b.json", "c.json"]:
    s3.put_object(Bucket="lines", Key="data/" + name, Body="{}")
print("{}")
"#)
    .unwrap();
    let config = AwsConfig::fixed("us-east-1", CredentialSource::fixed("testing", "testing", None)).with_endpoint(&moto.url);
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = Engine::new(store.clone());
    engine.create_state_machine("lines", aws_s3_map::DEFINITION, MachineType::Standard, None).unwrap();
    let arn = engine.start_execution("lines", Some("l-1"), Some(r#"{"bucket": "lines"}"#)).unwrap()["executionArn"].as_str().unwrap().to_owned();
    let mut worker = Worker::new(store)
        .with_poll(Duration::from_millis(20))
        .with_items(Arc::new(S3Items::new(config.clone()).with_chunk_bytes(64)), Arc::new(S3Results::new(config.clone()).with_part_bytes(1024)));
    worker.serve::<aws_s3_map::Workflow, _>(AwsHandler::new(config));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(async move { worker.run(Duration::from_millis(20), async { stopped.await.ok(); }).await });
    let described = until_done(&engine, &arn).await;
    stop.send(()).unwrap();
    running.await.unwrap();
    assert_eq!(described["status"], "SUCCEEDED", "{described:#}");
    let output: Value = serde_json::from_str(described["output"].as_str().unwrap()).unwrap();
    let listed: Vec<&str> = output["listed"].as_array().unwrap().iter().map(|i| i["key"].as_str().unwrap()).collect();
    assert_eq!(listed, ["data/a.json", "data/b.json", "data/c.json"]);
    assert_eq!(output["listed"][0]["size"], 2);
    let details = &output["written"]["ResultWriterDetails"];
    assert_eq!(details["Bucket"], "lines");
    let manifest_key = details["Key"].as_str().unwrap();
    assert!(manifest_key.starts_with("runs/") && manifest_key.ends_with("/manifest.json"), "{manifest_key}");
    // What the Map Run wrote, as boto3 reads it from the bucket.
    let seen = moto
        .boto3(&format!(
            r#"
s3 = client("s3")
manifest = json.loads(s3.get_object(Bucket="lines", Key={manifest_key:?})["Body"].read())
succeeded = manifest["ResultFiles"]["SUCCEEDED"]
result = s3.get_object(Bucket="lines", Key=succeeded[0]["Key"])
entries = json.loads(result["Body"].read())
print(json.dumps({{"files": len(succeeded), "outputs": sorted([json.loads(e["Output"])["qty"] for e in entries]),
    "size": succeeded[0]["Size"], "multipart": result["ETag"].endswith('-' + str(-(-succeeded[0]["Size"] // 1024)) + '"')}}))
"#
        ))
        .unwrap();
    assert_eq!(seen["files"], 1);
    assert!(seen["size"].as_u64().unwrap() > 2048, "a file of several parts: {seen}");
    assert_eq!(seen["multipart"], true, "S3 gives a multipart object an ETag ending in -<parts>: {seen}");
    assert_eq!(seen["outputs"], json!((0..40).collect::<Vec<_>>()));
}

/// `.sync` jobs run to their end: Glue and Athena on moto; ECS, Batch and Bedrock (which moto
/// cannot run) against their recorded answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_jobs_wait_for_their_end_and_bedrock_answers() {
    let Some(moto) = moto() else { return };
    moto.boto3(r#"client("glue").create_job(Name="transform", Role="r", Command={"Name": "glueetl", "ScriptLocation": "s3://x/y.py"}); print("{}")"#).unwrap();
    let site = http_echo::start();
    let config = AwsConfig::fixed("us-east-1", CredentialSource::fixed("testing", "testing", None))
        .with_endpoint(&moto.url)
        .with_service_endpoint("ECS", &site)
        .with_service_endpoint("BATCH", &site)
        .with_service_endpoint("BEDROCK_RUNTIME", &site);
    let (described, _) = run_once::<aws_jobs::Workflow>(aws_jobs::DEFINITION, json!({}), AwsHandler::new(config)).await;
    assert_eq!(described["status"], "SUCCEEDED", "{described:#}");
    let output: Value = serde_json::from_str(described["output"].as_str().unwrap()).unwrap();
    assert_eq!(
        output,
        json!({
            "glue": { "state": "SUCCEEDED" },
            "athena": { "state": "SUCCEEDED" },
            "ecs": { "status": "STOPPED", "exit": 0 },
            "batch": { "status": "SUCCEEDED", "id": "8f2a" },
            "bedrock": { "text": "Hello there." }
        })
    );
}

/// A Task's `Credentials`: the role is assumed with STS (moto's), and the Task's request is
/// signed with the role's keys, not the configured ones (seen by a server that echoes it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_with_credentials_is_signed_as_the_role_it_assumes() {
    use asl_runtime::{TaskCall, TaskContext, TaskHandler};
    let Some(moto) = moto() else { return };
    let site = http_echo::start();
    let config = AwsConfig::fixed("us-east-1", CredentialSource::fixed("configured", "secret", None)).with_endpoint(&moto.url).with_service_endpoint("DYNAMODB", &site);
    let aws = AwsHandler::new(config);
    let call = |credentials: Option<Value>| TaskCall {
        state: "Put",
        resource: "arn:aws:states:::dynamodb:putItem",
        input: json!({ "TableName": "t", "Item": {} }),
        credentials,
        context: TaskContext::new("arn:aws:states:us-east-1:123456789012:execution:m:e-1".into(), "k".into(), 0, None),
    };
    let signed_by = |answer: &Value| {
        let authorization = answer["headers"]["authorization"].as_str().unwrap().to_owned();
        authorization.split("Credential=").nth(1).unwrap().split('/').next().unwrap().to_owned()
    };
    let plain = aws.call(call(None)).await.unwrap();
    assert_eq!(signed_by(&plain), "configured");
    let role = json!({ "RoleArn": "arn:aws:iam::210987654321:role/orders-writer" });
    let assumed = aws.call(call(Some(role.clone()))).await.unwrap();
    let key = signed_by(&assumed);
    assert!(key.starts_with("ASIA"), "a temporary key from STS: {key}");
    assert!(assumed["headers"]["x-amz-security-token"].is_string());
    // Kept until it expires: the second Task signs with the same role credentials.
    assert_eq!(signed_by(&aws.call(call(Some(role))).await.unwrap()), key);
}

/// `AwsConfig::from_env` finds credentials as the AWS CLI does, through aws-config's chain over
/// our own HTTP client: here from the ECS container credentials endpoint (the one provider of
/// the chain a test can serve), with which a request is then signed. The only test of this
/// binary that reads the environment.
#[tokio::test]
async fn the_credential_chain_reads_the_container_endpoint_through_our_http_client() {
    let site = http_echo::start();
    for variable in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
        std::env::remove_var(variable);
    }
    let missing = std::env::temp_dir().join("asl-no-such-aws-file");
    std::env::set_var("AWS_CONFIG_FILE", &missing);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &missing);
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    std::env::set_var("AWS_REGION", "eu-west-1");
    std::env::set_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", format!("{site}/ecs-credentials"));
    std::env::set_var("AWS_ENDPOINT_URL_DYNAMODB", &site);
    let aws = AwsHandler::new(AwsConfig::from_env().await);
    let answer = aws.perform("arn:aws:states:::dynamodb:getItem", &json!({ "TableName": "t", "Key": {} })).await.unwrap();
    let authorization = answer["headers"]["authorization"].as_str().unwrap();
    assert!(authorization.contains("Credential=ASIAECSCONTAINER/"), "{authorization}");
    assert!(authorization.contains("/eu-west-1/dynamodb/aws4_request"), "the region of the environment: {authorization}");
    assert_eq!(answer["headers"]["x-amz-security-token"], "container-token");
}
