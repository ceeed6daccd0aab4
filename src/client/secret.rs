//! Client secrets and `SECRET_HASH` (cognito-protocol.md §2).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::hmac;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::clock::Timestamp;
use crate::error::{Error, Result};

use super::*;

// ---------------------------------------------------------------------------
// ClientSecret
// ---------------------------------------------------------------------------

/// An app client's secret.
///
/// Like the crate's other secrets (`crate::secret`) it zeroizes its memory
/// on drop, prints as `ClientSecret([redacted])`, implements neither
/// `Display`, `Serialize` nor `PartialEq` (compare with
/// `check_client_secret`, which is constant-time), and is read only through
/// [`expose_secret`](Self::expose_secret).
///
/// Constructing one does not validate it; [`AppClientConfigBuilder::build`]
/// and [`AppClient::from_parts`] check Cognito's format (24–64 characters of
/// `[\w+]`).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ClientSecret(pub(super) String);

impl ClientSecret {
    /// Wraps a secret string.
    #[must_use]
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Never log or print the result.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret([redacted])")
    }
}

impl From<&str> for ClientSecret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for ClientSecret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

// ---------------------------------------------------------------------------
// ClientSecretDescriptor
// ---------------------------------------------------------------------------

/// One secret of an app client (model `ClientSecretDescriptorType`): its id,
/// its value and when it was created. A client holds up to two during a
/// rotation (`AddUserPoolClientSecret`); its `Debug` form redacts the value.
#[derive(Clone, Debug)]
pub struct ClientSecretDescriptor {
    pub(super) id: String,
    pub(super) value: ClientSecret,
    pub(super) created_at: Timestamp,
}

impl ClientSecretDescriptor {
    /// `ClientSecretId`: `<client id>--<creation time in epoch milliseconds>`.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The secret (`ClientSecretValue`).
    #[must_use]
    pub const fn secret(&self) -> &ClientSecret {
        &self.value
    }

    /// `ClientSecretCreateDate`.
    #[must_use]
    pub const fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// A descriptor read back from a store.
    pub(crate) const fn restore(id: String, value: ClientSecret, created_at: Timestamp) -> Self {
        Self {
            id,
            value,
            created_at,
        }
    }
}

// ---------------------------------------------------------------------------
// SECRET_HASH and raw secret checks
// ---------------------------------------------------------------------------

/// `SECRET_HASH` for `username` at client `client_id`:
/// `base64(HMAC-SHA256(key = UTF-8 secret, msg = UTF-8(username ‖ client_id)))`
/// with the standard, padded base64 alphabet (cognito-protocol.md §2).
///
/// Which username goes in is the caller's choice and matters: the `USERNAME`
/// sent in the same request for most flows, the internal username for
/// `REFRESH_TOKEN_AUTH` (§2).
#[must_use]
pub fn secret_hash(client_secret: &ClientSecret, username: &str, client_id: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, client_secret.expose_secret().as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(username.as_bytes());
    ctx.update(client_id.as_bytes());
    BASE64.encode(ctx.sign().as_ref())
}

/// Checks the `SECRET_HASH` (or `SecretHash`) a request carried for `username`.
///
/// * A client without a secret accepts anything, including a hash: Cognito
///   ignores `SECRET_HASH` for public clients, and so do we.
/// * A client with a secret requires the hash, and compares it with
///   [`secret_hash`] in constant time (over the encoded form, so only the
///   canonical padded base64 Cognito's clients send is accepted). During a
///   rotation a hash under either secret is accepted; both are computed and
///   compared, with no early exit.
///
/// # Errors
///
/// [`ErrorCode::NotAuthorized`](crate::ErrorCode::NotAuthorized), with
/// Cognito's messages (cognito-protocol.md §2, §5.2):
///
/// * no hash: `Client <clientId> is configured with secret but SECRET_HASH
///   was not received`;
/// * wrong hash: `Unable to verify secret hash for client <clientId>`.
pub(crate) fn check_secret_hash(
    client: &AppClient,
    username: &str,
    provided: Option<&str>,
) -> Result<()> {
    if client.secrets().is_empty() {
        return Ok(());
    }
    let Some(provided) = provided else {
        return Err(Error::not_authorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.id()
        )));
    };
    let mut good = subtle::Choice::from(0);
    for s in client.secrets() {
        let expected = Zeroizing::new(secret_hash(&s.value, username, client.id()));
        good |= expected.as_bytes().ct_eq(provided.as_bytes());
    }
    if bool::from(good) {
        Ok(())
    } else {
        Err(Error::not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id()
        )))
    }
}

/// Whether the raw `ClientSecret` of a `RevokeToken` or
/// `GetTokensFromRefreshToken` request is acceptable for `client`.
///
/// * A client without a secret: always `true`, whatever was provided (as
///   with `SECRET_HASH`, a public client has nothing to check).
/// * A client with a secret: `true` only if `provided` equals one of its
///   secrets (two during a rotation), compared in constant time against
///   each with no early exit; a missing secret is `false`.
///
/// It returns a `bool` rather than an error because the two operations
/// answer differently (cognito-protocol.md §4.10, Appendix A): `RevokeToken`
/// with [`ErrorCode::Unauthorized`](crate::ErrorCode::Unauthorized)
/// (`UnauthorizedException`, which `GetTokensFromRefreshToken` does not
/// declare), `GetTokensFromRefreshToken` with
/// [`ErrorCode::NotAuthorized`](crate::ErrorCode::NotAuthorized). The caller
/// picks the error.
#[must_use]
pub(crate) fn check_client_secret(client: &AppClient, provided: Option<&str>) -> bool {
    if client.secrets().is_empty() {
        return true;
    }
    provided.is_some_and(|p| matches_a_secret(client, p))
}

/// Whether `provided` equals one of `client`'s secrets: compared in
/// constant time against every secret, with no early exit.
#[must_use]
pub(crate) fn matches_a_secret(client: &AppClient, provided: &str) -> bool {
    let mut good = subtle::Choice::from(0);
    for s in client.secrets() {
        good |= s
            .value
            .expose_secret()
            .as_bytes()
            .ct_eq(provided.as_bytes());
    }
    bool::from(good)
}
