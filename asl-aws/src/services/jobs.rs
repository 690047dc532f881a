//! The optimized integrations that start a job: `glue:startJobRun`, `athena:startQueryExecution`,
//! `ecs:runTask`, `batch:submitJob`. Request–response answers the start; `.sync` then looks at
//! the job until it ends and answers its description, or fails the Task with
//! `States.TaskFailed` and that description as the cause when the job did not succeed (for ECS:
//! a container that exited with another code than 0). `bedrock:invokeModel` is here too: one
//! call whose answer is the model's.

use super::sdk::{lower_first, recase, upper_first};
use super::{JsonService, Params};
use crate::client::{AwsClient, Endpoint, ServiceRequest};
use crate::error::Naming;
use crate::protocol::{as_text, encode, json_answer, json_or_text};
use crate::sign::Signing;
use asl_runtime::error::names;
use asl_runtime::{Failure, Value};
use std::time::Duration;

/// How often a `.sync` Task looks at its job.
const POLL: Duration = Duration::from_secs(1);

const GLUE: JsonService = JsonService {
    endpoint: Endpoint { env_name: "GLUE", prefix: "glue", signing: Signing { name: "glue", s3: false } },
    version: "1.1",
    target: "AWSGlue",
    naming: Naming::Optimized {
        prefix: "Glue",
        service: "AWSGlue",
        generic: "AWSGlueException",
        modeled: &["InvalidInputException", "EntityNotFoundException", "InternalServiceException", "OperationTimeoutException", "ResourceNumberLimitExceededException", "ConcurrentRunsExceededException"],
    },
    headers: &[],
};

const ATHENA: JsonService = JsonService {
    endpoint: Endpoint { env_name: "ATHENA", prefix: "athena", signing: Signing { name: "athena", s3: false } },
    version: "1.1",
    target: "AmazonAthena",
    naming: Naming::Optimized { prefix: "Athena", service: "AmazonAthena", generic: "AmazonAthenaException", modeled: &["InternalServerException", "InvalidRequestException", "TooManyRequestsException"] },
    headers: &[],
};

const ECS: JsonService = JsonService {
    endpoint: Endpoint { env_name: "ECS", prefix: "ecs", signing: Signing { name: "ecs", s3: false } },
    version: "1.1",
    target: "AmazonEC2ContainerServiceV20141113",
    naming: Naming::Optimized {
        prefix: "ECS",
        service: "AmazonECS",
        generic: "AmazonECSException",
        modeled: &["ServerException", "ClientException", "InvalidParameterException", "ClusterNotFoundException", "UnsupportedFeatureException", "PlatformUnknownException", "PlatformTaskDefinitionIncompatibilityException", "AccessDeniedException", "BlockedException"],
    },
    headers: &[],
};

const BATCH: Endpoint = Endpoint { env_name: "BATCH", prefix: "batch", signing: Signing { name: "batch", s3: false } };
const BATCH_NAMING: Naming = Naming::Optimized { prefix: "Batch", service: "AWSBatch", generic: "AWSBatchException", modeled: &["ClientException", "ServerException"] };

const BEDROCK: Endpoint = Endpoint { env_name: "BEDROCK_RUNTIME", prefix: "bedrock-runtime", signing: Signing { name: "bedrock", s3: false } };
const BEDROCK_NAMING: Naming = Naming::Sdk { prefix: "Bedrock", service: "BedrockRuntime" };

/// A job integration served.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Job {
    Glue,
    Athena,
    Ecs,
    Batch,
}

impl Job {
    /// The job `<service>:<action>` starts, if it is one served.
    pub(crate) fn of(service: &str, action: &str) -> Option<Job> {
        Some(match (service, action) {
            ("glue", "startJobRun") => Job::Glue,
            ("athena", "startQueryExecution") => Job::Athena,
            ("ecs", "runTask") => Job::Ecs,
            ("batch", "submitJob") => Job::Batch,
            _ => return None,
        })
    }
}

/// Starts the job; with `sync`, waits for its end.
pub(crate) async fn call(client: &AwsClient, job: Job, input: &Value, sync: bool) -> Result<Value, Failure> {
    Params::of(input)?;
    match job {
        Job::Glue => {
            let started = GLUE.call(client, "StartJobRun", input).await?;
            if !sync {
                return Ok(started);
            }
            let query = serde_json::json!({ "JobName": input["JobName"], "RunId": started["JobRunId"] });
            until_done(|| async {
                let answer = GLUE.call(client, "GetJobRun", &query).await?;
                let run = answer.get("JobRun").cloned().unwrap_or(Value::Null);
                Ok(match run["JobRunState"].as_str() {
                    Some("SUCCEEDED") => Some(Ok(run)),
                    Some("FAILED" | "ERROR" | "STOPPED" | "TIMEOUT") => Some(Err(run)),
                    Some(_) => None,
                    None => Some(Err(answer)),
                })
            })
            .await
        }
        Job::Athena => {
            let started = ATHENA.call(client, "StartQueryExecution", input).await?;
            if !sync {
                return Ok(started);
            }
            let query = serde_json::json!({ "QueryExecutionId": started["QueryExecutionId"] });
            until_done(|| async {
                let mut answer = ATHENA.call(client, "GetQueryExecution", &query).await?;
                strip_metadata(&mut answer);
                Ok(match answer["QueryExecution"]["Status"]["State"].as_str() {
                    Some("SUCCEEDED") => Some(Ok(answer)),
                    Some("FAILED" | "CANCELLED") => Some(Err(answer)),
                    _ => None,
                })
            })
            .await
        }
        Job::Ecs => {
            // The integration's parameters are PascalCase; ECS's wire members are camelCase.
            let mut started = recase(&ECS.call(client, "RunTask", &recase(input, lower_first)).await?, upper_first);
            if !sync {
                return Ok(started);
            }
            strip_metadata(&mut started);
            let Some(task) = started["Tasks"][0]["TaskArn"].as_str().map(str::to_owned) else {
                return Err(Failure::new(names::TASK_FAILED, started.to_string()));
            };
            let query = serde_json::json!({ "cluster": input.get("Cluster").cloned().unwrap_or(Value::Null), "tasks": [task] });
            until_done(|| async {
                let answer = recase(&ECS.call(client, "DescribeTasks", &query).await?, upper_first);
                let Some(task) = answer.get("Tasks").and_then(|t| t.get(0)).cloned() else {
                    // No such task (a wrong cluster, a task long gone): `Failures` says why.
                    return Ok(Some(Err(answer)));
                };
                Ok(match task["LastStatus"].as_str() {
                    Some("STOPPED") => {
                        let exited = |c: &Value| c["ExitCode"].as_i64() == Some(0);
                        let containers = task["Containers"].as_array().cloned().unwrap_or_default();
                        Some(if !containers.is_empty() && containers.iter().all(exited) { Ok(task) } else { Err(task) })
                    }
                    _ => None,
                })
            })
            .await
        }
        Job::Batch => {
            let started = batch(client, "/v1/submitjob", &recase_members(input)).await?;
            if !sync {
                return Ok(started);
            }
            let query = serde_json::json!({ "jobs": [started["JobId"]] });
            until_done(|| async {
                let answer = batch(client, "/v1/describejobs", &query).await?;
                let Some(job) = answer.get("Jobs").and_then(|j| j.get(0)).cloned() else { return Ok(Some(Err(answer))) };
                Ok(match job["Status"].as_str() {
                    Some("SUCCEEDED") => Some(Ok(job)),
                    Some("FAILED") | None => Some(Err(job)),
                    Some(_) => None,
                })
            })
            .await
        }
    }
}

/// Polls every [`POLL`] until `look` says the job ended: its description, or the failure.
async fn until_done<F, Fut>(look: F) -> Result<Value, Failure>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Option<Result<Value, Value>>, Failure>>,
{
    loop {
        match look().await? {
            Some(Ok(done)) => return Ok(done),
            Some(Err(failed)) => return Err(Failure::new(names::TASK_FAILED, failed.to_string())),
            None => tokio::time::sleep(POLL).await,
        }
    }
}

/// A `.sync` answer is the job's description, without the start's HTTP metadata.
fn strip_metadata(answer: &mut Value) {
    if let Value::Object(m) = answer {
        m.remove("SdkHttpMetadata");
        m.remove("SdkResponseMetadata");
    }
}

/// SubmitJob's members in Batch's camelCase; the keys of `Parameters` and `Tags` are the
/// user's (`Ref::` names), kept as written.
fn recase_members(input: &Value) -> Value {
    let Value::Object(members) = input else { return input.clone() };
    let recased = members.iter().map(|(k, v)| {
        let v = if matches!(k.as_str(), "Parameters" | "Tags") { v.clone() } else { recase(v, lower_first) };
        (lower_first(k), v)
    });
    Value::Object(recased.collect())
}

/// An AWS Batch operation (REST-JSON: `POST <path>`), its answer in PascalCase.
async fn batch(client: &AwsClient, path: &str, body: &Value) -> Result<Value, Failure> {
    let request = ServiceRequest {
        method: http::Method::POST,
        path: path.to_owned(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string().into(),
        region: None,
        host_label: None,
    };
    let response = client.send(&BATCH, request).await.map_err(|e| BATCH_NAMING.failure(&e))?;
    Ok(recase(&json_answer(&response).map_err(|e| BATCH_NAMING.failure(&e))?, upper_first))
}

/// `bedrock:invokeModel`: the model's answer (`Body`, parsed when it is JSON) and its
/// `ContentType`.
pub(crate) async fn invoke_model(client: &AwsClient, input: &Value) -> Result<Value, Failure> {
    let params = Params::of(input)?;
    params.only(&["ModelId", "Body", "ContentType", "Accept", "GuardrailIdentifier", "GuardrailVersion", "Trace", "Input", "Output"])?;
    let model = params.text("ModelId")?;
    if params.get("Input").is_some() || params.get("Output").is_some() {
        return Err(params.bad("Input and Output (S3 URIs) are not supported yet: give Body"));
    }
    let body = params.get("Body").map(as_text).ok_or_else(|| params.bad("The field \"Body\" is required"))?;
    let mut headers = vec![
        ("content-type".to_owned(), params.optional_text("ContentType")?.unwrap_or("application/json").to_owned()),
        ("accept".to_owned(), params.optional_text("Accept")?.unwrap_or("application/json").to_owned()),
    ];
    for (param, header) in [("GuardrailIdentifier", "x-amzn-bedrock-guardrailidentifier"), ("GuardrailVersion", "x-amzn-bedrock-guardrailversion"), ("Trace", "x-amzn-bedrock-trace")] {
        if let Some(v) = params.optional_text(param)? {
            headers.push((header.into(), v.into()));
        }
    }
    let path = format!("/model/{}/invoke", encode(model));
    let request = ServiceRequest { method: http::Method::POST, path, headers, body: body.into(), region: None, host_label: None };
    let response = client.send(&BEDROCK, request).await.map_err(|e| BEDROCK_NAMING.failure(&e))?;
    let body = json_or_text(&response.body);
    let content_type = response.header("content-type").unwrap_or("application/json").to_owned();
    Ok(serde_json::json!({ "Body": body, "ContentType": content_type }))
}
