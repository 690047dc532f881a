//! Our transport as the AWS SDK's `HttpClient`, for aws-config's credential providers (IMDS,
//! ECS, STS for web identity and assumed-role profiles). It saves building
//! aws-smithy-http-client, its own hyper and HTTP/2 stack (about 35 s of a cold build on two
//! cores, paid again by every `asl serve` worker cache), for a few small requests. The timeouts
//! the providers ask for (IMDS's one second to connect) are the transport's for their calls.

use crate::transport::{HttpRequest, Transport, TransportSettings};
use aws_smithy_runtime_api::client::http::{HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest as SdkRequest, HttpResponse as SdkResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Hands aws-config a connector over [`Transport`] with the settings it asks for, one per
/// distinct settings, kept (as the trait asks: a connector owns its connection pool).
#[derive(Debug, Clone, Default)]
pub(crate) struct SdkHttpClient {
    connectors: Arc<Mutex<HashMap<Timeouts, SharedHttpConnector>>>,
}

/// A connector's connect and read timeouts.
type Timeouts = (Option<Duration>, Option<Duration>);

impl HttpClient for SdkHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, _components: &RuntimeComponents) -> SharedHttpConnector {
        let key = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self.connectors.lock().unwrap_or_else(|p| p.into_inner());
        connectors.entry(key).or_insert_with(|| connector(settings)).clone()
    }
}

fn connector(settings: &HttpConnectorSettings) -> SharedHttpConnector {
    let defaults = TransportSettings::default();
    let transport = Transport::new(TransportSettings {
        connect_timeout: settings.connect_timeout().or(defaults.connect_timeout),
        attempt_timeout: settings.read_timeout().or(defaults.attempt_timeout),
        // The SDK's orchestrator retries on its own.
        max_attempts: 1,
        ..defaults
    });
    SharedHttpConnector::new(Connector { transport })
}

struct Connector {
    transport: Transport,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("asl-aws Connector")
    }
}

impl HttpConnector for Connector {
    fn call(&self, request: SdkRequest) -> HttpConnectorFuture {
        let transport = self.transport.clone();
        HttpConnectorFuture::new(async move {
            let Some(body) = request.body().bytes() else {
                return Err(ConnectorError::other("a streaming request body is not supported here".into(), None));
            };
            let method = request.method().parse().map_err(|e| ConnectorError::other(Box::new(e), None))?;
            let headers = request.headers().iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            let ours = HttpRequest { method, uri: request.uri().to_owned(), headers, body: bytes::Bytes::copy_from_slice(body) };
            let answer = transport.send(&ours).await.map_err(|e| match e.is_retryable() {
                true => ConnectorError::io(e.into()),
                false => ConnectorError::other(e.into(), None),
            })?;
            let status = StatusCode::try_from(answer.status).map_err(|e| ConnectorError::other(Box::new(e), None))?;
            let mut response = SdkResponse::new(status, SdkBody::from(answer.body));
            for (name, value) in answer.headers {
                response.headers_mut().append(name, value);
            }
            Ok(response)
        })
    }
}
