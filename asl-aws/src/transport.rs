//! One HTTP exchange: hyper's HTTP/1 client over rustls (ring), plain `http://` for local
//! emulators, a connect timeout, a limit on each attempt and on the size of an answer. It knows
//! nothing of AWS: signing and retries are the client's ([`crate::client`]).

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use std::time::Duration;

/// The transport's limits, apart from the workflow's own TimeoutSeconds and Retry.
#[derive(Debug, Clone)]
pub struct TransportSettings {
    /// How long to wait for a TCP connection; `None`: as long as the system does.
    pub connect_timeout: Option<Duration>,
    /// How long one attempt may take, answer included; `None`: no limit but the Task's.
    pub attempt_timeout: Option<Duration>,
    /// Attempts per call, the first included: connection failures, timeouts, throttling and
    /// 5xx answers are tried again with jittered exponential backoff, as the AWS SDKs'
    /// standard retry mode does. What is left reaches the workflow's Retry.
    pub max_attempts: u32,
    /// The first backoff; each next one doubles, up to 20 s.
    pub base_delay: Duration,
    /// The largest answer read, in bytes.
    pub max_response_bytes: usize,
}

impl Default for TransportSettings {
    fn default() -> Self {
        TransportSettings {
            connect_timeout: Some(Duration::from_millis(3100)),
            // A synchronous Lambda invocation may run 15 minutes.
            attempt_timeout: Some(Duration::from_secs(16 * 60)),
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_response_bytes: 64 << 20,
        }
    }
}

impl TransportSettings {
    /// Without timeouts: under a virtual clock (`asl test`), which jumps ahead whenever every
    /// task waits, a timer would fire while the socket is still being read.
    pub fn without_timeouts(self) -> Self {
        TransportSettings { connect_timeout: None, attempt_timeout: None, ..self }
    }
}

/// An HTTP request, ready to send (signed, when it goes to AWS).
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: http::Method,
    pub uri: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// An answer, read whole.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl HttpResponse {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why an exchange gave no answer.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransportError {
    /// The connection failed or broke: worth another attempt.
    #[error("Unable to execute HTTP request: {0}")]
    Connection(String),
    /// The attempt outlasted its limit: worth another attempt.
    #[error("Unable to execute HTTP request: the request did not complete within {0:?}")]
    Timeout(Duration),
    /// The request cannot be sent as it is (a bad URL, a header that is not one).
    #[error("Unable to build the HTTP request: {0}")]
    Invalid(String),
    #[error("The response was larger than {0} bytes")]
    TooLarge(usize),
}

impl TransportError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, TransportError::Connection(_) | TransportError::Timeout(_))
    }
}

/// The HTTP client. Clones share its connection pool.
#[derive(Clone)]
pub struct Transport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    settings: TransportSettings,
}

impl Transport {
    /// A client trusting the system's root certificates; without any, only `http://` works
    /// and an `https://` request fails with the reason.
    pub fn new(settings: TransportSettings) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(settings.connect_timeout);
        let builder = hyper_rustls::HttpsConnectorBuilder::new();
        let builder = match builder.with_provider_and_native_roots(ring()) {
            Ok(b) => b,
            Err(_) => {
                // No system roots: a TLS config that trusts nothing, so a handshake fails
                // loudly instead of the whole client being unavailable for local endpoints.
                let config = rustls::ClientConfig::builder_with_provider(ring())
                    .with_safe_default_protocol_versions()
                    .expect("ring supports the default protocol versions")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth();
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
            }
        };
        let https = builder.https_or_http().enable_http1().wrap_connector(http);
        let client = Client::builder(hyper_util::rt::TokioExecutor::new()).pool_idle_timeout(Duration::from_secs(30)).build(https);
        Transport { client, settings }
    }

    pub fn settings(&self) -> &TransportSettings {
        &self.settings
    }

    /// One attempt.
    pub async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let exchange = self.exchange(request);
        match self.settings.attempt_timeout {
            None => exchange.await,
            Some(limit) => tokio::time::timeout(limit, exchange).await.unwrap_or(Err(TransportError::Timeout(limit))),
        }
    }

    async fn exchange(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder = http::Request::builder().method(request.method.clone()).uri(&request.uri);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let req = builder.body(Full::new(request.body.clone())).map_err(|e| TransportError::Invalid(e.to_string()))?;
        let response = self.client.request(req).await.map_err(|e| TransportError::Connection(error_chain(&e)))?;
        let (parts, body) = response.into_parts();
        let limit = self.settings.max_response_bytes;
        let body = match Limited::new(body, limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => return Err(TransportError::TooLarge(limit)),
            Err(e) => return Err(TransportError::Connection(e.to_string())),
        };
        let headers = parts.headers.iter().map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
        Ok(HttpResponse { status: parts.status.as_u16(), headers, body })
    }
}

/// rustls's provider over ring. rustls 0.23.48 deprecates it for lacking post-quantum key
/// exchange and points to aws-lc-rs, whose C and assembly build costs minutes on two cores
/// (ARCHITECTURE.md, "Crates chosen"); X25519 with AES-GCM or ChaCha20 is what AWS's endpoints
/// and emulators speak today.
#[allow(deprecated)]
fn ring() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}

/// An error and its sources, on one line (hyper's own text is only "client error (Connect)").
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
