//! AWS service integrations for compiled state machines: [`AwsHandler`] is a
//! [`asl_runtime::TaskHandler`] that performs a Task's Resource as AWS Step Functions does
//! (Lambda, DynamoDB, SQS, SNS, EventBridge, S3, the JSON-protocol services of `aws-sdk:`,
//! `http:invoke`), usable alone or behind a user's own handlers.
//!
//! One signed HTTP path serves every service: aws-sigv4 signs, hyper over rustls sends,
//! aws-config finds the credentials and region as the AWS CLI does. Floors, bottom first:
//!
//! | floor | files | owns |
//! |---|---|---|
//! | wire | `transport.rs`, `credentials.rs`, `error.rs` | one HTTP exchange; credentials and their cache; a service's error answer and AWS's names for it |
//! | reaching AWS | `config.rs`, `sign.rs` | region, endpoints, transport limits; SigV4 |
//! | calls | `client.rs`, `protocol.rs` | one signed call with the transport's retries; JSON, Query and XML shapes |
//! | integrations | `services/` | one file per service |
//! | binding | `resource.rs`, `handler.rs` | what a Resource asks for; the handler |

mod client;
mod config;
mod credentials;
mod error;
mod handler;
mod protocol;
mod resource;
mod services;
mod sign;
mod transport;

pub use client::AwsClient;
pub use config::AwsConfig;
pub use credentials::CredentialSource;
pub use error::{CallError, ServiceError};
pub use handler::{coverage, AwsHandler, Coverage};
pub use resource::{Pattern, Resource};
pub use services::http::HttpConnections;
pub use transport::TransportSettings;
