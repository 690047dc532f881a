//! A small HTTP/1.1 server for `http:invoke`: `/missing` answers 404, any other path answers
//! 200 with what it received (method, path and query, headers, body) as JSON. It also replays
//! answers AWS gives that moto cannot: Lambda's Invoke for a function's unhandled error and for
//! throttling (moto's Docker-free Lambda runs no code and answers every name), ECS RunTask and
//! DescribeTasks of a task that ran and stopped (moto's RunTask fails without container
//! instances), AWS Batch SubmitJob and DescribeJobs (moto's Batch runs jobs in Docker), and
//! Bedrock's InvokeModel (moto has no Bedrock runtime). Their shapes are those of the services'
//! API references. `/oauth/token` is an OAuth server's client-credentials grant for client
//! `app` with secret `s3cret`.

use serde_json::{json, Map, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// Starts the server on a port the system picks; its base URL.
pub fn start() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut parts = line.split_whitespace();
                let (method, target) = (parts.next().unwrap_or_default().to_owned(), parts.next().unwrap_or_default().to_owned());
                let mut headers = Map::new();
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    let h = h.trim_end();
                    if h.is_empty() {
                        break;
                    }
                    let (k, v) = h.split_once(':').unwrap();
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().into());
                }
                let length = headers.get("content-length").and_then(Value::as_str).and_then(|v| v.parse().ok()).unwrap_or(0);
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let amz_target = headers.get("x-amz-target").and_then(Value::as_str).unwrap_or_default().to_owned();
                let (status, extra, answer) = match (target.as_str(), amz_target.as_str()) {
                    (_, "AmazonEC2ContainerServiceV20141113.RunTask") => ("200 OK", "", json!({
                        "tasks": [{ "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/c/5d5a3b2b", "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
                            "lastStatus": "PROVISIONING", "desiredStatus": "RUNNING", "containers": [{ "name": "app", "lastStatus": "PENDING" }] }],
                        "failures": []
                    })),
                    (_, "AmazonEC2ContainerServiceV20141113.DescribeTasks") => ("200 OK", "", json!({
                        "tasks": [{ "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/c/5d5a3b2b", "lastStatus": "STOPPED", "desiredStatus": "STOPPED",
                            "stopCode": "EssentialContainerExited", "containers": [{ "name": "app", "lastStatus": "STOPPED", "exitCode": 0 }] }],
                        "failures": []
                    })),
                    // A client-credentials grant answered only to the right client.
                    ("/oauth/token", _) => match headers.get("authorization").and_then(Value::as_str) {
                        Some("Basic YXBwOnMzY3JldA==") if String::from_utf8_lossy(&body).contains("grant_type=client_credentials") => {
                            ("200 OK", "", json!({ "access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600 }))
                        }
                        _ => ("401 Unauthorized", "", json!({ "error": "invalid_client" })),
                    },
                    // The ECS container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI).
                    ("/ecs-credentials", _) => ("200 OK", "", json!({
                        "AccessKeyId": "ASIAECSCONTAINER", "SecretAccessKey": "container-secret", "Token": "container-token", "Expiration": "2099-01-01T00:00:00Z"
                    })),
                    ("/v1/submitjob", _) => ("200 OK", "", json!({ "jobArn": "arn:aws:batch:us-east-1:123456789012:job/8f2a", "jobName": "nightly", "jobId": "8f2a" })),
                    ("/v1/describejobs", _) => ("200 OK", "", json!({ "jobs": [{ "jobArn": "arn:aws:batch:us-east-1:123456789012:job/8f2a", "jobName": "nightly",
                        "jobId": "8f2a", "jobQueue": "q", "status": "SUCCEEDED", "startedAt": 1733360000000u64, "stoppedAt": 1733360060000u64,
                        "container": { "exitCode": 0 } }] })),
                    ("/model/amazon.titan-text-express-v1/invoke", _) => ("200 OK", "", json!({
                        "inputTextTokenCount": 5, "results": [{ "tokenCount": 3, "outputText": "Hello there.", "completionReason": "FINISH" }]
                    })),
                    (target, _) => match target {
                    t if t.starts_with("/missing") => ("404 Not Found", "", json!({ "message": "no such page" })),
                    "/2015-03-31/functions/failing/invocations" => ("200 OK", "x-amz-function-error: Unhandled\r\nx-amz-executed-version: $LATEST\r\n", json!({
                        "errorMessage": "division by zero", "errorType": "ZeroDivisionError", "requestId": "7d1e0c1a-3c55-4a2b-9a51-2f1d8b7a0c11",
                        "stackTrace": ["  File \"/var/task/index.py\", line 2, in handler\n    return 1 / 0\n"]
                    })),
                    t if t.starts_with("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Athrottled/") => (
                        "429 Too Many Requests",
                        "x-amzn-ErrorType: TooManyRequestsException\r\nx-amzn-RequestId: 0a5f5bd3-8c1e-4f9e-bb52-3c2a9f1e7d40\r\n",
                        json!({ "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "Type": "User", "message": "Rate Exceeded." }),
                    ),
                    _ => ("200 OK", "", json!({ "method": method, "target": target, "headers": headers, "body": String::from_utf8_lossy(&body) })),
                    },
                };
                let answer = answer.to_string();
                let mut stream = stream;
                let _ = write!(stream, "HTTP/1.1 {status}\r\n{extra}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}", answer.len());
            });
        }
    });
    url
}
