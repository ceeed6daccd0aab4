//! The client credentials of a token or revoke request (cognito-oauth.md
//! §7.1): `client_secret_basic` (`Authorization: Basic base64(id:secret)`,
//! each half form-encoded first, RFC 6749 §2.3.1) or `client_secret_post`
//! (`client_id` and `client_secret` in the body); a public client sends its
//! `client_id` alone.
//!
//! What is decided here is only what the request claims; whether the
//! client exists and the secret is right is the pool's to check (in
//! constant time).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::OAuthError;
use super::form::{Form, percent_decode_strict};

/// The longest `Authorization` header value read.
const MAX_HEADER: usize = 4096;

/// Who a request says it comes from. `Debug` redacts the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    /// The app client id.
    pub client_id: String,
    /// The secret presented, if any.
    pub client_secret: Option<String>,
    /// Whether they came in an `Authorization: Basic` header.
    pub basic: bool,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("basic", &self.basic)
            .finish()
    }
}

/// Reads the client credentials of a request from its `Authorization`
/// header (if any) and its form.
///
/// Rules (§7.1 and its choices): a Basic header is base64, then split at
/// the first `:`, each half percent-decoded (never `+` as a space); a body
/// `client_id` that differs from the header's, or a body secret that
/// differs from the header's, is `invalid_client`; an empty
/// `client_secret` is absent; no client id anywhere is `invalid_client`.
///
/// # Errors
/// [`OAuthError::InvalidClient`] as above, and for an `Authorization`
/// header that is not a well-formed Basic credential.
pub fn client_credentials(
    authorization: Option<&str>,
    form: &Form,
) -> Result<ClientCredentials, OAuthError> {
    let body_id = form.non_empty("client_id");
    let body_secret = form.non_empty("client_secret");
    let Some(header) = authorization else {
        return Ok(ClientCredentials {
            client_id: body_id.ok_or(OAuthError::InvalidClient)?.to_owned(),
            client_secret: body_secret.map(str::to_owned),
            basic: false,
        });
    };
    let (id, secret) = parse_basic(header).ok_or(OAuthError::InvalidClient)?;
    if body_id.is_some_and(|b| b != id) || body_secret.is_some_and(|b| b != secret) {
        return Err(OAuthError::InvalidClient);
    }
    Ok(ClientCredentials {
        client_id: id,
        client_secret: Some(secret).filter(|s| !s.is_empty()),
        basic: true,
    })
}

/// `(id, secret)` of an `Authorization: Basic …` value.
fn parse_basic(header: &str) -> Option<(String, String)> {
    if header.len() > MAX_HEADER {
        return None;
    }
    let (scheme, value) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(value.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let id = percent_decode_strict(id)?;
    if id.is_empty() {
        return None;
    }
    Some((id, percent_decode_strict(secret)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    #[test]
    fn basic_and_post_and_public() {
        let empty = Form::default();
        let c = client_credentials(Some(&basic("abc", "s%2Bt+x")), &empty).unwrap();
        assert_eq!(
            (c.client_id.as_str(), c.client_secret.as_deref(), c.basic),
            ("abc", Some("s+t+x"), true)
        );
        let post = Form::parse("client_id=abc&client_secret=xyz").unwrap();
        let c = client_credentials(None, &post).unwrap();
        assert_eq!(
            (c.client_id.as_str(), c.client_secret.as_deref(), c.basic),
            ("abc", Some("xyz"), false)
        );
        let public = Form::parse("client_id=abc&client_secret=").unwrap();
        assert_eq!(
            client_credentials(None, &public).unwrap().client_secret,
            None
        );
    }

    #[test]
    fn mismatches_and_garbage_are_invalid_client() {
        let other = Form::parse("client_id=other").unwrap();
        assert_eq!(
            client_credentials(Some(&basic("abc", "s")), &other),
            Err(OAuthError::InvalidClient)
        );
        let other_secret = Form::parse("client_secret=t").unwrap();
        assert_eq!(
            client_credentials(Some(&basic("abc", "s")), &other_secret),
            Err(OAuthError::InvalidClient)
        );
        let empty = Form::default();
        for bad in ["Bearer abc", "Basic !!!", "Basic YWJj", "Basic OnM="] {
            assert_eq!(
                client_credentials(Some(bad), &empty),
                Err(OAuthError::InvalidClient),
                "{bad}"
            );
        }
        assert_eq!(
            client_credentials(None, &empty),
            Err(OAuthError::InvalidClient)
        );
    }

    #[test]
    fn debug_redacts_the_secret() {
        let c = client_credentials(Some(&basic("abc", "hunter22")), &Form::default()).unwrap();
        assert!(!format!("{c:?}").contains("hunter22"));
    }
}
