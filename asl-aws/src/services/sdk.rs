//! `arn:aws:states:::aws-sdk:<service>:<action>` for the services that speak AWS's JSON
//! protocols: the action is the operation (`getItem` → `GetItem`), the Task's PascalCase
//! parameters are the request and the answer is the result. Services whose wire members are
//! camelCase (Step Functions, ECS, CloudWatch Logs, CodeBuild) have every key's first letter
//! turned down on the way out and up on the way back, as the SDK's PascalCase model does.
//! Errors are named `<Service>.<Code>Exception`, as AWS SDK for Java 2.x names them.

use crate::client::{AwsClient, Endpoint};
use crate::error::Naming;
use crate::protocol::{json_answer, json_request};
use crate::sign::Signing;
use asl_runtime::Failure;
use serde_json::{Map, Value};

/// A JSON-protocol service, as the `aws-sdk:` integrations find it.
pub(crate) struct SdkService {
    /// Its name in the Resource (`dynamodb`, `sfn`, `eventbridge`, ...).
    pub name: &'static str,
    pub endpoint: Endpoint,
    pub version: &'static str,
    pub target: &'static str,
    /// Wire members in camelCase.
    pub camel: bool,
    /// The SDK's class prefix in error names (`DynamoDb`, `Sfn`).
    pub prefix: &'static str,
}

/// One row of [`SERVICES`].
#[allow(clippy::too_many_arguments)]
const fn service(name: &'static str, env_name: &'static str, prefix: &'static str, signing: &'static str, version: &'static str, target: &'static str, camel: bool, class: &'static str) -> SdkService {
    SdkService { name, endpoint: Endpoint { env_name, prefix, signing: Signing { name: signing, s3: false } }, version, target, camel, prefix: class }
}

/// The services served, by their name in the Resource.
pub(crate) const SERVICES: &[SdkService] = &[
    service("dynamodb", "DYNAMODB", "dynamodb", "dynamodb", "1.0", "DynamoDB_20120810", false, "DynamoDb"),
    service("eventbridge", "EVENTBRIDGE", "events", "events", "1.1", "AWSEvents", false, "EventBridge"),
    service("sfn", "SFN", "states", "states", "1.0", "AWSStepFunctions", true, "Sfn"),
    service("sqs", "SQS", "sqs", "sqs", "1.0", "AmazonSQS", false, "Sqs"),
    service("glue", "GLUE", "glue", "glue", "1.1", "AWSGlue", false, "Glue"),
    service("athena", "ATHENA", "athena", "athena", "1.1", "AmazonAthena", false, "Athena"),
    service("secretsmanager", "SECRETS_MANAGER", "secretsmanager", "secretsmanager", "1.1", "secretsmanager", false, "SecretsManager"),
    service("ssm", "SSM", "ssm", "ssm", "1.1", "AmazonSSM", false, "Ssm"),
    service("kms", "KMS", "kms", "kms", "1.1", "TrentService", false, "Kms"),
    service("kinesis", "KINESIS", "kinesis", "kinesis", "1.1", "Kinesis_20131202", false, "Kinesis"),
    service("firehose", "FIREHOSE", "firehose", "firehose", "1.1", "Firehose_20150804", false, "Firehose"),
    service("ecs", "ECS", "ecs", "ecs", "1.1", "AmazonEC2ContainerServiceV20141113", true, "Ecs"),
    service("cloudwatchlogs", "CLOUDWATCH_LOGS", "logs", "logs", "1.1", "Logs_20140328", true, "CloudWatchLogs"),
    service("codebuild", "CODEBUILD", "codebuild", "codebuild", "1.1", "CodeBuild_20161006", true, "CodeBuild"),
    service("textract", "TEXTRACT", "textract", "textract", "1.1", "Textract", false, "Textract"),
    service("rekognition", "REKOGNITION", "rekognition", "rekognition", "1.1", "RekognitionService", false, "Rekognition"),
    service("comprehend", "COMPREHEND", "comprehend", "comprehend", "1.1", "Comprehend_20171127", false, "Comprehend"),
    service("translate", "TRANSLATE", "translate", "translate", "1.1", "AWSShineFrontendService_20170701", false, "Translate"),
    service("sagemaker", "SAGEMAKER", "api.sagemaker", "sagemaker", "1.1", "SageMaker", false, "SageMaker"),
    service("emr", "EMR", "elasticmapreduce", "elasticmapreduce", "1.1", "ElasticMapReduce", false, "Emr"),
];

pub(crate) fn find(name: &str) -> Option<&'static SdkService> {
    SERVICES.iter().find(|s| s.name == name)
}

impl SdkService {
    fn naming(&self) -> Naming {
        Naming::Sdk { prefix: self.prefix, service: self.prefix }
    }

    pub(crate) async fn call(&self, client: &AwsClient, action: &str, input: &Value) -> Result<Value, Failure> {
        let operation = upper_first(action);
        let body = match self.camel {
            true => recase(input, lower_first),
            false => input.clone(),
        };
        let request = json_request(self.version, self.target, &operation, &body, &[]);
        let response = client.send(&self.endpoint, request).await.map_err(|e| self.naming().failure(&e))?;
        let answer = json_answer(&response).map_err(|e| self.naming().failure(&e))?;
        Ok(match self.camel {
            true => recase(&answer, upper_first),
            false => answer,
        })
    }
}

/// Every key of every object in `value`, through `case`.
pub(crate) fn recase(value: &Value, case: fn(&str) -> String) -> Value {
    match value {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (case(k), recase(v, case))).collect::<Map<_, _>>()),
        Value::Array(items) => Value::Array(items.iter().map(|v| recase(v, case)).collect()),
        other => other.clone(),
    }
}

pub(crate) fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

pub(crate) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_ascii_lowercase().to_string() + chars.as_str()).unwrap_or_default()
}
