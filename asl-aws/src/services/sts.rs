//! A Task's `Credentials` (`{"RoleArn": …}`): the role assumed with STS's AssumeRole (Query
//! protocol) by the configured credentials, and the Task signed as that role, as Step Functions
//! does for cross-account tasks. Roles are kept until five minutes before their credentials
//! expire (the [`CredentialSource`] they become renews nothing: the handler asks again).

use crate::client::{AwsClient, Endpoint};
use crate::credentials::CredentialSource;
use crate::error::Naming;
use crate::protocol::{query_request, xml_text};
use crate::sign::Signing;
use asl_runtime::error::names;
use asl_runtime::Failure;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

const ENDPOINT: Endpoint = Endpoint { env_name: "STS", prefix: "sts", signing: Signing { name: "sts", s3: false } };
const NAMING: Naming = Naming::Sdk { prefix: "Sts", service: "Sts" };

/// Assumed roles by ARN, with when to assume them again.
#[derive(Default)]
pub(crate) struct Roles {
    assumed: Mutex<HashMap<String, (CredentialSource, SystemTime)>>,
}

impl Roles {
    /// Credentials of `role_arn`, assumed now or earlier.
    pub(crate) async fn assume(&self, client: &AwsClient, role_arn: &str, session: &str) -> Result<CredentialSource, Failure> {
        if let Some((creds, renew)) = self.assumed.lock().unwrap_or_else(|p| p.into_inner()).get(role_arn) {
            if SystemTime::now() < *renew {
                return Ok(creds.clone());
            }
        }
        let params = [("RoleArn".to_owned(), role_arn.to_owned()), ("RoleSessionName".to_owned(), session.to_owned())];
        let answer = client.send(&ENDPOINT, query_request("AssumeRole", "2011-06-15", &params)).await;
        let unable = |reason: String| Failure::new(names::RUNTIME, format!("Unable to assume the role '{role_arn}' of the Task's Credentials: {reason}"));
        let response = answer.map_err(|e| unable(NAMING.failure(&e).to_string()))?;
        let text = |name: &str| xml_text(&response, name).ok().flatten().ok_or_else(|| unable(format!("AssumeRole answered without {name}")));
        let (key, secret, token) = (text("AccessKeyId")?, text("SecretAccessKey")?, text("SessionToken")?);
        let expires = xml_text(&response, "Expiration").ok().flatten().and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok());
        let renew = expires.map_or(SystemTime::now() + Duration::from_secs(600), |t| SystemTime::from(t) - Duration::from_secs(300));
        let creds = CredentialSource::fixed(&key, &secret, Some(&token));
        self.assumed.lock().unwrap_or_else(|p| p.into_inner()).insert(role_arn.to_owned(), (creds.clone(), renew));
        Ok(creds)
    }
}
