//! One call to an AWS service: the endpoint resolved, the request signed for each attempt, and
//! the attempts the transport's settings allow (connection failures, timeouts, throttling and
//! 5xx answers, with jittered exponential backoff). What the last attempt gives is the call's.

use crate::config::AwsConfig;
use crate::credentials::CredentialSource;
use crate::error::{CallError, ServiceError};
use crate::sign::{sign_request, Signing};
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use bytes::Bytes;
use rand::Rng;
use std::time::Duration;

/// Where a service is and how it signs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Endpoint {
    /// Its name in `AWS_ENDPOINT_URL_<NAME>`.
    pub env_name: &'static str,
    /// Its host's first label at AWS (`dynamodb` in `dynamodb.us-east-1.amazonaws.com`).
    pub prefix: &'static str,
    pub signing: Signing,
}

/// A request to a service, before it is addressed and signed.
#[derive(Debug, Clone)]
pub(crate) struct ServiceRequest {
    pub method: http::Method,
    /// The path and query, from `/`, encoded.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// The region of the resource when it names one (a Lambda function's ARN), else the
    /// configured region.
    pub region: Option<String>,
    /// A label put before the service's host at AWS (an S3 bucket, `bucket.`); an endpoint set
    /// for an emulator is used as it is, and the label goes into the path instead.
    pub host_label: Option<String>,
}

/// Calls AWS services. Clones share the connection pool and the credentials cache.
#[derive(Clone)]
pub struct AwsClient {
    config: AwsConfig,
    transport: Transport,
}

impl AwsClient {
    pub fn new(config: AwsConfig) -> Self {
        let transport = Transport::new(config.transport().clone());
        AwsClient { config, transport }
    }

    pub fn config(&self) -> &AwsConfig {
        &self.config
    }

    /// The same client (and connection pool) signing as `credentials`: a role a Task assumed.
    pub(crate) fn signing_as(&self, credentials: CredentialSource) -> AwsClient {
        AwsClient { config: self.config.clone().with_credentials(credentials), transport: self.transport.clone() }
    }

    /// Whether `endpoint`'s requests go to a configured endpoint (an emulator).
    pub(crate) fn has_endpoint(&self, endpoint: &Endpoint) -> bool {
        self.config.has_endpoint(endpoint.env_name)
    }

    /// The service's answer to `request`, signed with the configured credentials.
    pub(crate) async fn send(&self, endpoint: &Endpoint, request: ServiceRequest) -> Result<HttpResponse, CallError> {
        let region = match &request.region {
            Some(r) => r.as_str(),
            None => self.config.region(endpoint.env_name).map_err(CallError::Client)?,
        };
        // A region is a host's label: one from a Resource or the parameters must not move the
        // request to another host.
        if region.is_empty() || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(CallError::Client(format!("Invalid region '{region}'")));
        }
        let base = match (&request.host_label, self.has_endpoint(endpoint)) {
            (Some(label), false) => self.config.endpoint(endpoint.env_name, &format!("{label}.{}", endpoint.prefix), region),
            _ => self.config.endpoint(endpoint.env_name, endpoint.prefix, region),
        };
        let uri = format!("{base}{}", request.path);
        let host = host_of(&uri).ok_or_else(|| CallError::Client(format!("the endpoint '{base}' is not a URL")))?;
        let mut headers = request.headers;
        headers.push(("host".into(), host));
        let unsigned = HttpRequest { method: request.method, uri, headers, body: request.body };
        let credentials = self.config.credentials().credentials().await.map_err(CallError::Client)?;
        self.with_retries(|| {
            let mut signed = unsigned.clone();
            sign_request(&mut signed, &credentials, region, endpoint.signing).map_err(CallError::Client)?;
            Ok(signed)
        })
        .await
    }

    /// An unsigned request (http:invoke), once: whatever the answer's status, it is the
    /// caller's to judge, and the workflow's Retry decides what is tried again.
    pub(crate) async fn send_unsigned(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.transport.send(&request).await
    }

    async fn with_retries(&self, mut attempt: impl FnMut() -> Result<HttpRequest, CallError>) -> Result<HttpResponse, CallError> {
        let settings = self.transport.settings();
        let mut n = 0;
        loop {
            n += 1;
            let last = n >= settings.max_attempts.max(1);
            let request = attempt()?;
            match self.transport.send(&request).await {
                Ok(response) if response.status < 300 => return Ok(response),
                Ok(response) => {
                    let error = ServiceError::read(&response);
                    if last || !error.is_retryable() {
                        return Err(CallError::Service(error));
                    }
                }
                Err(e) if last || !e.is_retryable() => return Err(e.into()),
                Err(_) => {}
            }
            tokio::time::sleep(backoff(settings.base_delay, n)).await;
        }
    }
}

/// Full jitter: a random wait up to base × 2^(attempt−1), at most 20 s.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let ceiling = base.saturating_mul(1 << attempt.saturating_sub(1).min(16)).min(Duration::from_secs(20));
    ceiling.mul_f64(rand::thread_rng().gen_range(0.0..=1.0))
}

/// `host[:port]` of a URL.
fn host_of(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    uri.authority().map(|a| a.as_str().to_owned())
}
