//! AWS service integrations for compiled state machines: [`AwsHandler`] is a
//! [`asl_runtime::TaskHandler`] that performs a Task's Resource as AWS Step Functions does
//! (Lambda, DynamoDB, SQS, SNS, EventBridge, S3, the JSON-protocol services of `aws-sdk:`,
//! `http:invoke`), usable alone or behind a user's own handlers.
//!
//! One signed HTTP path serves every service: aws-sigv4 signs, hyper over rustls sends,
//! aws-config finds the credentials and region as the AWS CLI does. Files, bottom first (each
//! imports only files above it in this list; `tests/tests/layering.rs` checks):
//!
//! | file | owns |
//! |---|---|
//! | `transport.rs` | one HTTP exchange and its limits |
//! | `sdk_http.rs` | the transport as the AWS SDK's HTTP client, for aws-config's credential providers |
//! | `error.rs` | a service's error answer, and AWS's names for failures |
//! | `credentials.rs` | credentials and their cache |
//! | `config.rs` | region, endpoints, transport settings |
//! | `sign.rs` | SigV4 |
//! | `client.rs` | one signed call with the transport's retries |
//! | `protocol.rs` | JSON, Query and XML shapes, the optimized integrations' metadata |
//! | `services/` | one file per service |
//! | `resource.rs` | what a Resource asks for |
//! | `handler.rs` | [`coverage`] and the handler |
//! | `items.rs` | Distributed Map's ItemReader and ResultWriter on S3 |

mod client;
mod config;
mod credentials;
mod error;
mod handler;
mod items;
mod protocol;
mod resource;
mod sdk_http;
mod services;
mod sign;
mod transport;

pub use client::AwsClient;
pub use config::AwsConfig;
pub use credentials::CredentialSource;
pub use error::{CallError, ServiceError};
pub use handler::{coverage, AwsHandler, Coverage};
pub use items::{S3Items, S3Results};
pub use resource::{Pattern, Resource};
pub use services::bad_parameters;
pub use services::http::HttpConnections;
pub use transport::TransportSettings;
