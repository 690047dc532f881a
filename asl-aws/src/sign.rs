//! AWS Signature Version 4 on a request, with aws-sigv4 (AWS's own signer): the canonical
//! request, the scope (day, region, service) and the `Authorization`, `X-Amz-Date` and
//! `X-Amz-Security-Token` headers it adds.

use crate::transport::HttpRequest;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings, UriPathNormalizationMode};
use aws_sigv4::sign::v4;
use std::time::SystemTime;

/// How a service wants its requests signed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signing {
    /// The service's signing name (`dynamodb`, `s3`, `lambda`, ...).
    pub name: &'static str,
    /// S3's rules: the path encoded once and kept as written, `x-amz-content-sha256` sent.
    pub s3: bool,
}

/// Signs `request` in place for `region`, as of now.
pub(crate) fn sign_request(request: &mut HttpRequest, credentials: &Credentials, region: &str, signing: Signing) -> Result<(), String> {
    let mut settings = SigningSettings::default();
    if signing.s3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing.name)
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let headers = request.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let signable = SignableRequest::new(request.method.as_str(), &request.uri, headers, SignableBody::Bytes(&request.body)).map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| e.to_string())?.into_parts();
    let (headers, params) = instructions.into_parts();
    debug_assert!(params.is_empty(), "header signing adds no query parameters");
    for header in headers {
        request.headers.push((header.name().to_owned(), header.value().to_owned()));
    }
    Ok(())
}
