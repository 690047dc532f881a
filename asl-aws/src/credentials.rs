//! As whom requests are signed: a [`CredentialSource`] hands out credentials, cached until
//! shortly before they expire. [`CredentialSource::standard`] is AWS's own chain (through
//! aws-config): the `AWS_*` environment variables, the shared config and credentials files
//! (profiles, `credential_process`, web identity), then the ECS and EC2 instance metadata
//! endpoints. [`CredentialSource::fixed`] takes keys as given (tests, emulators).

use crate::transport::error_chain;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use std::sync::Mutex;

/// Where credentials come from. Clones share the cache.
#[derive(Clone)]
pub struct CredentialSource {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Provider,
    cached: Mutex<Option<Credentials>>,
}

enum Provider {
    Fixed(Credentials),
    Chain(SharedCredentialsProvider),
    None(String),
}

/// Credentials are renewed this long before they expire, so a signed request never carries
/// keys that lapse on the way.
const RENEW_BEFORE: Duration = Duration::from_secs(300);

impl CredentialSource {
    /// Keys as given.
    pub fn fixed(access_key_id: &str, secret_access_key: &str, session_token: Option<&str>) -> Self {
        let creds = Credentials::new(access_key_id, secret_access_key, session_token.map(str::to_owned), None, "asl-aws");
        Self::with(Provider::Fixed(creds))
    }

    /// AWS's credential chain, as aws-config resolved it.
    pub(crate) fn chain(provider: SharedCredentialsProvider) -> Self {
        Self::with(Provider::Chain(provider))
    }

    /// No credentials at all: every request fails with `reason`.
    pub(crate) fn missing(reason: impl Into<String>) -> Self {
        Self::with(Provider::None(reason.into()))
    }

    fn with(provider: Provider) -> Self {
        CredentialSource { inner: Arc::new(Inner { provider, cached: Mutex::new(None) }) }
    }

    /// Credentials to sign with now. The error says why there are none, in the words of the
    /// provider that failed (it never holds a secret).
    pub async fn credentials(&self) -> Result<Credentials, String> {
        let provider = match &self.inner.provider {
            Provider::Fixed(c) => return Ok(c.clone()),
            Provider::None(reason) => return Err(reason.clone()),
            Provider::Chain(p) => p,
        };
        // Never held across the provider's await: a thread that blocks on another runtime (the
        // S3 item streams) must not wait for a lock a parked task holds.
        if let Some(c) = self.inner.cached.lock().unwrap_or_else(|p| p.into_inner()).as_ref().filter(|c| fresh(c)) {
            return Ok(c.clone());
        }
        let creds = provider.provide_credentials().await.map_err(|e| format!("Unable to load AWS credentials from any provider in the chain: {}", error_chain(&e)))?;
        *self.inner.cached.lock().unwrap_or_else(|p| p.into_inner()) = Some(creds.clone());
        Ok(creds)
    }
}

fn fresh(c: &Credentials) -> bool {
    c.expiry().is_none_or(|at| at.duration_since(SystemTime::now()).is_ok_and(|left| left > RENEW_BEFORE))
}
