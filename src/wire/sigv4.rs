//! AWS Signature Version 4 verification, as a pure function of the request
//! and the time.
//!
//! Cognito's admin operations (every operation botocore signs, see
//! [`is_signed`](super::is_signed)) carry a SigV4 `Authorization` header
//! (cognito-protocol.md §3.2). A [`Verifier`] holds the access keys an
//! operator configured and checks such a request the way AWS does:
//!
//! ```text
//!  Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/cognito-idp/aws4_request,
//!                 SignedHeaders=host;x-amz-date;x-amz-target, Signature=<64 hex digits>
//!       │
//!       ├─ parse ────────────── IncompleteSignatureException
//!       ├─ access key known? ── UnrecognizedClientException
//!       ├─ scope: date = X-Amz-Date's, region = ours, service = cognito-idp,
//!       │  terminator aws4_request; X-Amz-Date within ±5 min of now
//!       │                        InvalidSignatureException
//!       ├─ canonical request ─► string to sign ─► HMAC with the derived signing key
//!       └─ constant-time compare ─ InvalidSignatureException
//! ```
//!
//! No sockets and no clock: the HTTP shell hands over the raw request
//! ([`HttpRequest`]: method, path and query as received, every header, the
//! body bytes) and the current time.
//!
//! # Decisions
//!
//! * **Clock skew: 5 minutes either way.** AWS's JSON services answer
//!   `Signature expired: 20190430T075732Z is now earlier than
//!   20190430T105409Z (20190430T105909Z - 5 min.)` and `Signature not yet
//!   current: … is still later than … (… + 5 min.)`; botocore signs with
//!   the local clock at send time, so 5 minutes covers any sane client.
//! * **Errors and status.** Real `cognito-idp` answers
//!   `UnrecognizedClientException` and `InvalidSignatureException` with HTTP
//!   400 (captures in `aws/aws-sdk-php` #2444 and
//!   `ArranJacques/laravel-aws-cognito-auth` #18, #25); a request without
//!   `Authorization` gets `MissingAuthenticationTokenException` ("Missing
//!   Authentication Token"), also 400 here like every JSON-service error
//!   (API Gateway's 403 for the same name is a REST API's answer, not a
//!   JSON service's). A malformed `Authorization` header is
//!   `IncompleteSignatureException`, AWS's name for it. botocore reads the
//!   code from `__type` whatever the status.
//! * **What must be signed.** `host` and `x-amz-date` always; and, when the
//!   request carries them, `x-amz-target` (the operation),
//!   `x-amz-security-token` and `x-amz-content-sha256`. botocore and the
//!   other SDKs sign every one of them; requiring it means a captured
//!   signature cannot be replayed within the skew window against another
//!   operation.
//! * **`X-Amz-Security-Token`** (temporary credentials) is accepted when it
//!   is signed; its value is not checked (there is no STS here): the access
//!   key and its secret are what authenticate.
//! * **`X-Amz-Content-Sha256`**: the payload hash in the canonical request
//!   is always the SHA-256 of the body received; a header that claims
//!   another hash (or `UNSIGNED-PAYLOAD`) is refused.
//! * **Only the `Authorization` header** form is accepted (no presigned
//!   query-string signatures, no `Date` header instead of `X-Amz-Date`):
//!   no Cognito client uses them.
//! * **Canonical URI** as for every service but S3: dot segments and empty
//!   segments removed, then every byte but the unreserved ones and `/`
//!   percent-encoded (so an encoded path is encoded twice), as botocore's
//!   signer does. **Canonical query**: each name and value percent-decoded,
//!   re-encoded (a `+` stays a literal plus, `%2B`), sorted.

use std::fmt;
use std::time::Duration;

use ring::{digest, hmac};
use time::PrimitiveDateTime;
use time::macros::format_description;
use zeroize::Zeroizing;

use super::{ProtocolError, WireResponse, protocol_error};
use crate::clock::Timestamp;
use crate::hex;

/// The signing name of Cognito User Pools, the service part of the
/// credential scope.
pub const SERVICE: &str = "cognito-idp";

/// How far `X-Amz-Date` may be from the verifier's clock, either way.
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

/// The only algorithm of SigV4 with symmetric keys.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last part of every credential scope.
const TERMINATOR: &str = "aws4_request";
/// The SHA-256 of nothing: the payload hash of a request without a body.
#[cfg(test)]
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Longer `Authorization` values are refused before they are parsed.
const MAX_AUTHORIZATION_LEN: usize = 4096;
/// Headers that must be among the signed ones whenever the request has them.
const SIGNED_WHEN_PRESENT: [&str; 3] = [
    "x-amz-target",
    "x-amz-security-token",
    "x-amz-content-sha256",
];

/// AWS's answer to a signature that does not verify.
pub const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the \
signature you provided. Check your AWS Secret Access Key and signing method. Consult the \
service documentation for details.";
/// AWS's answer to an access key it does not know.
pub const UNRECOGNIZED_CLIENT: &str = "The security token included in the request is invalid.";
/// AWS's answer to a request without `Authorization`.
pub const MISSING_TOKEN: &str = "Missing Authentication Token";

/// An access key: its id, and the secret it signs with. `Debug` shows the
/// id only; the secret zeroizes on drop.
#[derive(Clone)]
pub struct AccessKey {
    id: String,
    secret: Zeroizing<String>,
}

impl AccessKey {
    /// The key `id` (`AKIDEXAMPLE`) with its secret access key.
    #[must_use]
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            secret: Zeroizing::new(secret.into()),
        }
    }

    /// The access key id, which is not secret.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// One HTTP request as received, for [`Verifier::verify`].
#[derive(Clone, Copy)]
pub struct HttpRequest<'a> {
    /// `POST`, `GET`, ...
    pub method: &'a str,
    /// The path as received, still percent-encoded (`/`).
    pub path: &'a str,
    /// The query string as received, without the `?` (empty when none).
    pub query: &'a str,
    /// Every header in the order received, names in any case; a name may
    /// repeat. `Host` must be among them.
    pub headers: &'a [(&'a str, &'a [u8])],
    /// The body bytes.
    pub body: &'a [u8],
}

/// Never prints header values (`Authorization`, security tokens) or the body.
impl fmt::Debug for HttpRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers.len())
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Proof that a request was signed with a configured key: only
/// [`Verifier::verify`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    access_key_id: String,
}

impl Verified {
    /// The access key that signed the request.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }
}

/// Why a request was not authenticated: one of the SigV4
/// [`ProtocolError`]s, and AWS's message for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureError {
    error: ProtocolError,
    message: String,
}

impl SignatureError {
    fn new(error: ProtocolError, message: impl Into<String>) -> Self {
        Self {
            error,
            message: message.into(),
        }
    }

    fn incomplete(message: impl Into<String>) -> Self {
        Self::new(ProtocolError::IncompleteSignature, message)
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(ProtocolError::InvalidSignature, message)
    }

    /// `MissingAuthenticationToken`, `UnrecognizedClient`,
    /// `InvalidSignature` or `IncompleteSignature`.
    #[must_use]
    pub fn error(&self) -> ProtocolError {
        self.error
    }

    /// The message, in AWS's words.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The error response AWS sends for it (status 400).
    #[must_use]
    pub fn response(&self) -> WireResponse {
        protocol_error(self.error, &self.message)
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error.as_str(), self.message)
    }
}

impl std::error::Error for SignatureError {}

/// Checks SigV4 signatures against a set of access keys, for one region
/// and service.
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<AccessKey>,
    region: String,
    service: String,
}

/// Shows the region, the service and the access key ids; never a secret.
impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(AccessKey::id).collect();
        f.debug_struct("Verifier")
            .field("region", &self.region)
            .field("service", &self.service)
            .field("access_key_ids", &ids)
            .finish()
    }
}

/// The parts of an `Authorization` header.
struct Authorization<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    terminator: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

impl Verifier {
    /// A verifier of `cognito-idp` requests for `region` (`us-east-1`),
    /// accepting any of `keys`.
    #[must_use]
    pub fn new(region: impl Into<String>, keys: Vec<AccessKey>) -> Self {
        Self {
            keys,
            region: region.into(),
            service: SERVICE.to_owned(),
        }
    }

    /// The same verifier for another signing name: AWS's SigV4 test suite
    /// signs for the service `service`.
    #[must_use]
    pub fn with_service(mut self, service: impl Into<String>) -> Self {
        self.service = service.into();
        self
    }

    /// The access keys accepted.
    #[must_use]
    pub fn access_keys(&self) -> &[AccessKey] {
        &self.keys
    }

    /// Checks `request` for an operation named by `target` (the
    /// `X-Amz-Target` value, with or without the service prefix): `None`
    /// for the operations Cognito serves unsigned (see
    /// [`is_signed`](super::is_signed)), else the verified signature.
    ///
    /// # Errors
    /// Those of [`verify`](Self::verify), for a signed operation.
    pub fn check_operation(
        &self,
        target: &str,
        request: &HttpRequest<'_>,
        now: Timestamp,
    ) -> Result<Option<Verified>, SignatureError> {
        if super::is_signed(target) {
            self.verify(request, now).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Verifies the SigV4 signature of `request` at `now`.
    ///
    /// # Errors
    /// * `MissingAuthenticationTokenException`: no `Authorization` header;
    /// * `IncompleteSignatureException`: an `Authorization` header that is
    ///   not SigV4 or misses a part, no or an unreadable `X-Amz-Date`, a
    ///   header that must be signed and is not, a signed header missing;
    /// * `UnrecognizedClientException`: an access key id not configured;
    /// * `InvalidSignatureException`: a credential scope of another date,
    ///   region or service, an `X-Amz-Date` more than
    ///   [`MAX_CLOCK_SKEW`] from `now`, an `X-Amz-Content-Sha256` that is
    ///   not the body's hash, or a signature that does not match.
    pub fn verify(
        &self,
        request: &HttpRequest<'_>,
        now: Timestamp,
    ) -> Result<Verified, SignatureError> {
        let authorization = match header_values(request, "authorization").as_slice() {
            [] => {
                return Err(SignatureError::new(
                    ProtocolError::MissingAuthenticationToken,
                    MISSING_TOKEN,
                ));
            }
            [one] => *one,
            _ => {
                return Err(SignatureError::incomplete(
                    "The request carries more than one Authorization header.",
                ));
            }
        };
        let auth = parse_authorization(authorization)?;
        let amz_date = match header_values(request, "x-amz-date").as_slice() {
            [one] => std::str::from_utf8(one).map_err(|_| bad_date())?,
            [] => {
                return Err(SignatureError::incomplete(
                    "Authorization header requires existence of a 'X-Amz-Date' header.",
                ));
            }
            _ => {
                return Err(SignatureError::incomplete(
                    "The request carries more than one X-Amz-Date header.",
                ));
            }
        };
        let signed_at = parse_amz_date(amz_date).ok_or_else(bad_date)?;

        let Some(key) = self.keys.iter().find(|k| k.id == auth.access_key_id) else {
            return Err(SignatureError::new(
                ProtocolError::UnrecognizedClient,
                UNRECOGNIZED_CLIENT,
            ));
        };
        self.check_scope(&auth, amz_date)?;
        check_skew(signed_at, amz_date, now)?;
        check_signed_headers(request, auth.signed_headers)?;
        let payload_hash = hex::encode(digest::digest(&digest::SHA256, request.body).as_ref());
        if let [claimed] = header_values(request, "x-amz-content-sha256").as_slice()
            && !claimed.eq_ignore_ascii_case(payload_hash.as_bytes())
        {
            return Err(SignatureError::invalid(
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            ));
        }

        let canonical = canonical_request(request, auth.signed_headers, &payload_hash, true)
            .ok_or_else(|| {
                SignatureError::incomplete("A signed header is missing from the request.")
            })?;
        let scope = format!(
            "{}/{}/{}/{TERMINATOR}",
            auth.date, auth.region, auth.service
        );
        let to_sign = string_to_sign(amz_date, &scope, &canonical);
        let provided = hex::decode(auth.signature)
            .filter(|s| s.len() == digest::SHA256_OUTPUT_LEN)
            .ok_or_else(|| SignatureError::invalid(SIGNATURE_MISMATCH))?;
        let signing_key = signing_key(&key.secret, auth.date, auth.region, auth.service);
        // ring's verify compares the tags in constant time.
        hmac::verify(&signing_key, to_sign.as_bytes(), &provided)
            .map_err(|_| SignatureError::invalid(SIGNATURE_MISMATCH))?;
        Ok(Verified {
            access_key_id: key.id.clone(),
        })
    }

    /// The credential scope must name the date of `X-Amz-Date`, this
    /// region and service, and `aws4_request`.
    fn check_scope(&self, auth: &Authorization<'_>, amz_date: &str) -> Result<(), SignatureError> {
        let day = amz_date.get(..8).unwrap_or(amz_date);
        if auth.date != day {
            return Err(SignatureError::invalid(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
                 from HTTP: '{}' != '{day}', from '{amz_date}'.",
                clip(auth.date)
            )));
        }
        if auth.region != self.region {
            return Err(SignatureError::invalid(format!(
                "Credential should be scoped to a valid region, not '{}'. ",
                clip(auth.region)
            )));
        }
        if auth.service != self.service {
            return Err(SignatureError::invalid(format!(
                "Credential should be scoped to correct service: '{}'. ",
                self.service
            )));
        }
        if auth.terminator != TERMINATOR {
            return Err(SignatureError::invalid(format!(
                "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'. ",
                clip(auth.terminator)
            )));
        }
        Ok(())
    }
}

/// The values of every header named `name` (case-insensitive), in order.
fn header_values<'a>(request: &HttpRequest<'a>, name: &str) -> Vec<&'a [u8]> {
    request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
        .collect()
}

/// At most 64 characters of caller input, for a message.
fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

fn bad_date() -> SignatureError {
    SignatureError::incomplete(
        "Date must be in ISO-8601 'basic format' (YYYYMMDD'T'HHMMSS'Z') in the X-Amz-Date header.",
    )
}

/// `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
/// SignedHeaders=a;b, Signature=HEX`, its parts separated by commas and
/// optional spaces, in any order.
fn parse_authorization(value: &[u8]) -> Result<Authorization<'_>, SignatureError> {
    if value.len() > MAX_AUTHORIZATION_LEN {
        return Err(SignatureError::incomplete(
            "The Authorization header is too long.",
        ));
    }
    let text = std::str::from_utf8(value)
        .map_err(|_| SignatureError::incomplete("The Authorization header is not text."))?;
    let (algorithm, rest) = text.trim().split_once(' ').unwrap_or((text.trim(), ""));
    if algorithm != ALGORITHM {
        return Err(SignatureError::incomplete(format!(
            "Unsupported AWS 'algorithm': '{}'. Only {ALGORITHM} is accepted.",
            clip(algorithm)
        )));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {
                return Err(SignatureError::incomplete(format!(
                    "'{}' is not a part of a SigV4 Authorization header.",
                    clip(part.split('=').next().unwrap_or(part))
                )));
            }
        }
    }
    let mut missing = Vec::new();
    for (name, part) in [
        ("Credential", credential),
        ("Signature", signature),
        ("SignedHeaders", signed_headers),
    ] {
        if part.is_none_or(str::is_empty) {
            missing.push(format!("Authorization header requires '{name}' parameter."));
        }
    }
    if !missing.is_empty() {
        return Err(SignatureError::incomplete(missing.join(" ")));
    }
    let (credential, signed_headers, signature) = (
        credential.unwrap_or_default(),
        signed_headers.unwrap_or_default(),
        signature.unwrap_or_default(),
    );
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(SignatureError::incomplete(
            "Credential must have exactly 5 slash-delimited elements, e.g. \
             keyid/date/region/service/term.",
        ));
    };
    Ok(Authorization {
        access_key_id,
        date,
        region,
        service,
        terminator,
        signed_headers,
        signature,
    })
}

/// `20150830T123600Z` as an instant.
fn parse_amz_date(s: &str) -> Option<Timestamp> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    let t = PrimitiveDateTime::parse(s, format).ok()?.assume_utc();
    Some(Timestamp::from_unix_seconds(t.unix_timestamp()))
}

/// `t` as `X-Amz-Date` writes it.
fn format_amz_date(t: Timestamp) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::from_unix_timestamp(t.unix_seconds())
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// `X-Amz-Date` must be within [`MAX_CLOCK_SKEW`] of `now`, in AWS's words.
fn check_skew(signed_at: Timestamp, amz_date: &str, now: Timestamp) -> Result<(), SignatureError> {
    let minutes = MAX_CLOCK_SKEW.as_secs() / 60;
    let earliest = now.saturating_sub(MAX_CLOCK_SKEW);
    let latest = now.saturating_add(MAX_CLOCK_SKEW);
    if signed_at < earliest {
        return Err(SignatureError::invalid(format!(
            "Signature expired: {amz_date} is now earlier than {} ({} - {minutes} min.)",
            format_amz_date(earliest),
            format_amz_date(now)
        )));
    }
    if signed_at > latest {
        return Err(SignatureError::invalid(format!(
            "Signature not yet current: {amz_date} is still later than {} ({} + {minutes} min.)",
            format_amz_date(latest),
            format_amz_date(now)
        )));
    }
    Ok(())
}

/// `host` and `x-amz-date` must be signed, and so must the headers of
/// [`SIGNED_WHEN_PRESENT`] the request carries.
fn check_signed_headers(request: &HttpRequest<'_>, signed: &str) -> Result<(), SignatureError> {
    let is_signed = |name: &str| signed.split(';').any(|s| s == name);
    let present = |name: &str| {
        request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    let required = ["host", "x-amz-date"]
        .into_iter()
        .chain(SIGNED_WHEN_PRESENT.into_iter().filter(|h| present(h)));
    for name in required {
        if !is_signed(name) {
            return Err(SignatureError::incomplete(format!(
                "'{name}' must be a 'SignedHeader' in the AWS Authorization."
            )));
        }
    }
    Ok(())
}

/// The canonical request (SigV4 step 1): method, canonical URI, canonical
/// query, the signed headers' canonical lines, the signed header list and
/// the payload hash. `None` when a signed header is not in the request.
/// `normalize` removes dot and empty path segments, as for every service
/// but S3 (the test suite's `normalize: false` vectors sign without).
fn canonical_request(
    request: &HttpRequest<'_>,
    signed_headers: &str,
    payload_hash: &str,
    normalize: bool,
) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(request.method.as_bytes());
    out.push(b'\n');
    let path = if normalize {
        normalize_path(request.path)
    } else {
        request.path.to_owned()
    };
    uri_encode(path.as_bytes(), true, &mut out);
    out.push(b'\n');
    out.extend_from_slice(canonical_query(request.query).as_bytes());
    out.push(b'\n');
    for name in signed_headers.split(';') {
        let values = header_values(request, name);
        if values.is_empty() {
            return None;
        }
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            trim_and_collapse(value, &mut out);
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(signed_headers.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload_hash.as_bytes());
    Some(out)
}

/// The string to sign (SigV4 step 2).
fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &[u8]) -> String {
    let hash = digest::digest(&digest::SHA256, canonical_request);
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(hash.as_ref())
    )
}

/// The signing key (SigV4 step 3): HMAC-SHA256 chained over the date, the
/// region, the service and `aws4_request`, starting from `AWS4` + secret.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> hmac::Key {
    let seed = Zeroizing::new(format!("AWS4{secret}"));
    let mut key = hmac::Key::new(hmac::HMAC_SHA256, seed.as_bytes());
    for part in [date, region, service, TERMINATOR] {
        let tag = hmac::sign(&key, part.as_bytes());
        key = hmac::Key::new(hmac::HMAC_SHA256, tag.as_ref());
    }
    key
}

/// `path` without `.` and empty segments, `..` removing the segment before
/// it; the leading slash kept, and a trailing one when segments remain.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    out.push('/');
    out.push_str(&segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// Percent-encodes every byte but `A-Z a-z 0-9 - . _ ~` (and `/` when
/// `keep_slash`), with uppercase hex digits (SigV4's `UriEncode`).
fn uri_encode(bytes: &[u8], keep_slash: bool, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        }
    }
}

/// `%XX` sequences decoded; anything else (a `+`, a stray `%`) kept.
fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// The canonical query string: every `name=value` pair decoded and
/// re-encoded, a bare `name` as `name=`, sorted by name then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (mut n, mut v) = (Vec::new(), Vec::new());
            uri_encode(&percent_decode(name), false, &mut n);
            uri_encode(&percent_decode(value), false, &mut v);
            (n, v)
        })
        .collect();
    pairs.sort();
    let mut out = Vec::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(name);
        out.push(b'=');
        out.extend_from_slice(value);
    }
    // Only ASCII was pushed.
    String::from_utf8(out).unwrap_or_default()
}

/// A header value without leading and trailing whitespace, every inner
/// run of whitespace (folded lines included) one space.
fn trim_and_collapse(value: &[u8], out: &mut Vec<u8>) {
    let mut words = value
        .split(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .filter(|w| !w.is_empty());
    if let Some(first) = words.next() {
        out.extend_from_slice(first);
        for w in words {
            out.push(b' ');
            out.extend_from_slice(w);
        }
    }
}

#[cfg(test)]
mod tests;
