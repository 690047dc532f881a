//! `dynamodb:getItem`, `putItem`, `updateItem` and `deleteItem`: DynamoDB's own operations
//! (JSON 1.0), their parameters passed as written (PascalCase, typed attribute values).

use super::{JsonService, Params};
use crate::client::{AwsClient, Endpoint};
use crate::error::Naming;
use crate::sign::Signing;
use asl_runtime::Failure;
use serde_json::Value;

pub(crate) const SERVICE: JsonService = JsonService {
    endpoint: Endpoint { env_name: "DYNAMODB", prefix: "dynamodb", signing: Signing { name: "dynamodb", s3: false } },
    version: "1.0",
    target: "DynamoDB_20120810",
    naming: Naming::Optimized {
        prefix: "DynamoDB",
        service: "AmazonDynamoDBv2",
        generic: "AmazonDynamoDBException",
        modeled: &[
            "ConditionalCheckFailedException",
            "ProvisionedThroughputExceededException",
            "ResourceNotFoundException",
            "ItemCollectionSizeLimitExceededException",
            "TransactionConflictException",
            "RequestLimitExceeded",
            "InternalServerError",
        ],
    },
    headers: &[],
};

/// The operations served, by their name in the Resource.
pub(crate) fn operation(action: &str) -> Option<&'static str> {
    Some(match action {
        "getItem" => "GetItem",
        "putItem" => "PutItem",
        "updateItem" => "UpdateItem",
        "deleteItem" => "DeleteItem",
        _ => return None,
    })
}

pub(crate) async fn call(client: &AwsClient, operation: &str, input: &Value) -> Result<Value, Failure> {
    Params::of(input)?.text("TableName")?;
    SERVICE.call(client, operation, input).await
}
