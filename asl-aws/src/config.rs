//! Where requests go and as whom: the region, the credentials, each service's endpoint and
//! the transport's limits. [`AwsConfig::from_env`] reads them as the AWS SDKs and CLI do;
//! every part can be set in code instead.

use crate::credentials::CredentialSource;
use crate::transport::TransportSettings;
use std::collections::HashMap;

/// How an [`crate::AwsHandler`] reaches AWS (or an emulator).
#[derive(Clone)]
pub struct AwsConfig {
    region: Option<String>,
    credentials: CredentialSource,
    /// `AWS_ENDPOINT_URL`, or set in code: every service goes there.
    endpoint: Option<String>,
    /// `AWS_ENDPOINT_URL_<SERVICE>`, by the service's environment name (`DYNAMODB`, `SQS`, ...).
    service_endpoints: HashMap<String, String>,
    transport: TransportSettings,
}

impl AwsConfig {
    /// The configuration the AWS CLI would use: region from `AWS_REGION` / `AWS_DEFAULT_REGION`
    /// or the profile, credentials from AWS's chain (environment, profile, `credential_process`,
    /// web identity, ECS, IMDS), `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` (unless
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true), and the profile's `endpoint_url`.
    pub async fn from_env() -> Self {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(crate::sdk_http::SdkHttpClient::default()).load().await;
        let credentials = match sdk.credentials_provider() {
            Some(p) => CredentialSource::chain(p),
            None => CredentialSource::missing("Unable to load AWS credentials from any provider in the chain"),
        };
        let ignore = std::env::var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
        let service_endpoints = match ignore {
            true => HashMap::new(),
            false => std::env::vars().filter_map(|(k, v)| Some((k.strip_prefix("AWS_ENDPOINT_URL_")?.to_owned(), v))).collect(),
        };
        AwsConfig {
            region: sdk.region().map(|r| r.to_string()),
            credentials,
            endpoint: if ignore { None } else { sdk.endpoint_url().map(str::to_owned) },
            service_endpoints,
            transport: TransportSettings::default(),
        }
    }

    /// Fixed keys and region, no endpoint set: for tests and emulators.
    pub fn fixed(region: &str, credentials: CredentialSource) -> Self {
        AwsConfig {
            region: Some(region.to_owned()),
            credentials,
            endpoint: None,
            service_endpoints: HashMap::new(),
            transport: TransportSettings::default(),
        }
    }

    pub fn with_region(mut self, region: &str) -> Self {
        self.region = Some(region.to_owned());
        self
    }

    pub fn with_credentials(mut self, credentials: CredentialSource) -> Self {
        self.credentials = credentials;
        self
    }

    /// Every service at `url` (a local emulator), unless one has an endpoint of its own.
    pub fn with_endpoint(mut self, url: &str) -> Self {
        self.endpoint = Some(url.to_owned());
        self
    }

    /// The service whose environment name is `service` (`DYNAMODB`, `S3`, ...) at `url`.
    pub fn with_service_endpoint(mut self, service: &str, url: &str) -> Self {
        self.service_endpoints.insert(service.to_ascii_uppercase(), url.to_owned());
        self
    }

    pub fn with_transport(mut self, transport: TransportSettings) -> Self {
        self.transport = transport;
        self
    }

    pub fn transport(&self) -> &TransportSettings {
        &self.transport
    }

    pub fn credentials(&self) -> &CredentialSource {
        &self.credentials
    }

    /// The region requests are signed for: the configured one, else (only when an endpoint is
    /// set, since emulators accept any) `us-east-1`.
    pub(crate) fn region(&self, env_name: &str) -> Result<&str, String> {
        match (&self.region, self.endpoint_override(env_name)) {
            (Some(r), _) => Ok(r),
            (None, Some(_)) => Ok("us-east-1"),
            (None, None) => Err("Unable to load region: set AWS_REGION or a profile's region".to_owned()),
        }
    }

    fn endpoint_override(&self, env_name: &str) -> Option<&str> {
        self.service_endpoints.get(env_name).or(self.endpoint.as_ref()).map(String::as_str)
    }

    /// The base URL of a service: its override, else AWS's regional endpoint
    /// `https://<prefix>.<region>.amazonaws.com` (`.amazonaws.com.cn` in China).
    pub(crate) fn endpoint(&self, env_name: &str, prefix: &str, region: &str) -> String {
        if let Some(url) = self.endpoint_override(env_name) {
            return url.trim_end_matches('/').to_owned();
        }
        let suffix = if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
        format!("https://{prefix}.{region}.{suffix}")
    }

    /// Whether `env_name`'s requests go to an endpoint that was set (an emulator), where S3
    /// buckets are addressed by path rather than by host name.
    pub(crate) fn has_endpoint(&self, env_name: &str) -> bool {
        self.endpoint_override(env_name).is_some()
    }
}
