//! Verification of access and ID tokens against a set of public keys.

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer};

use super::ALG_RS256;
use super::claims::{AccessClaims, IdClaims, TokenUse};
use crate::clock::Timestamp;
use crate::error::{Error, Result};

/// The longest token the verifier looks at, in bytes. Longer input is refused
/// before any decoding. Cognito's tokens are 1–2 KiB; a large group list or
/// many attributes stay far below this.
pub(super) const TOKEN_MAX_LEN: usize = 16 * 1024;

const INVALID_ACCESS: &str = "Invalid Access Token";
const EXPIRED_ACCESS: &str = "Access Token has expired";
const INVALID_ID: &str = "Invalid ID Token";
const EXPIRED_ID: &str = "ID Token has expired";

/// A public key the verifier accepts, decoded once.
pub(super) struct VerifyingKey {
    pub(super) kid: String,
    /// Modulus, big-endian, no leading zeros.
    pub(super) n: Vec<u8>,
    /// Public exponent, big-endian, no leading zeros.
    pub(super) e: Vec<u8>,
}

struct Inner {
    issuer: String,
    keys: Vec<VerifyingKey>,
}

/// Verifies access and ID tokens: signature, `kid`, `iss`, `token_use`,
/// app client and expiry, in that order.
///
/// Built from a [`KeySet`](super::KeySet) ([`KeySet::verifier`](super::KeySet::verifier))
/// or from a JWKS document alone ([`from_jwks`](Self::from_jwks)), so a
/// backend that only has the pool's public keys can verify its tokens.
/// Cheap to clone (an `Arc` inside), `Send` and `Sync`.
///
/// Every failure is [`ErrorCode::NotAuthorized`](crate::ErrorCode::NotAuthorized)
/// with Cognito's message: `Invalid Access Token` / `Invalid ID Token` for
/// anything malformed, unsigned, signed by an unknown key, or issued by
/// another issuer, for another client or as the other token type;
/// `Access Token has expired` / `ID Token has expired` for a token that is
/// otherwise valid but past its `exp`.
///
/// **Revocation is not checked here.** A verifier holds no state; the pool
/// checks global sign-out, `RevokeToken` and disabled users after this
/// succeeds. Tokens verified from the JWKS alone stay valid until they expire.
#[derive(Clone)]
pub struct TokenVerifier {
    inner: Arc<Inner>,
}

impl TokenVerifier {
    pub(super) fn new(issuer: String, keys: Vec<VerifyingKey>) -> Self {
        Self {
            inner: Arc::new(Inner { issuer, keys }),
        }
    }

    /// A verifier for the keys of a JWKS document (`{"keys":[…]}`, RFC 7517
    /// §5) and tokens issued by `issuer`.
    ///
    /// Keys that cannot sign RS256 tokens are skipped: a `kty` other than
    /// `RSA`, an `alg` other than `RS256`, a `use` other than `sig`. Each
    /// remaining key needs a `kid` and unpadded base64url `n` (2048 to 8192
    /// bits) and `e` (odd, 3 to 2^33 − 1), as ring accepts them.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// the document is not a JWKS, an RSA signing key in it is malformed, two
    /// keys share a `kid`, or no key can verify RS256 tokens.
    pub fn from_jwks(jwks_json: &str, issuer: impl Into<String>) -> Result<Self> {
        #[derive(Deserialize)]
        struct Jwks {
            keys: Vec<Jwk>,
        }
        #[derive(Deserialize)]
        struct Jwk {
            kty: Option<String>,
            kid: Option<String>,
            alg: Option<String>,
            #[serde(rename = "use")]
            use_: Option<String>,
            n: Option<String>,
            e: Option<String>,
        }

        let invalid = |why: &str| Error::invalid_parameter(format!("Invalid JWKS: {why}."));
        let jwks: Jwks =
            serde_json::from_str(jwks_json).map_err(|_| invalid("not a JSON Web Key Set"))?;
        let mut keys: Vec<VerifyingKey> = Vec::new();
        for jwk in jwks.keys {
            let usable = jwk.kty.as_deref() == Some("RSA")
                && jwk.alg.as_deref().is_none_or(|a| a == ALG_RS256)
                && jwk.use_.as_deref().is_none_or(|u| u == "sig");
            if !usable {
                continue;
            }
            let kid = jwk.kid.ok_or_else(|| invalid("an RSA key has no kid"))?;
            let decode = |v: Option<String>, what: &str| {
                v.and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
                    .map(strip_leading_zeros)
                    .ok_or_else(|| invalid(&format!("key {kid} has no valid {what}")))
            };
            let n = decode(jwk.n, "n")?;
            let e = decode(jwk.e, "e")?;
            if !modulus_is_acceptable(&n) {
                return Err(invalid(&format!("key {kid} is not 2048 to 8192 bits")));
            }
            if !exponent_is_acceptable(&e) {
                return Err(invalid(&format!("key {kid} has an unusable exponent")));
            }
            if keys.iter().any(|k| k.kid == kid) {
                return Err(invalid(&format!("kid {kid} appears twice")));
            }
            keys.push(VerifyingKey { kid, n, e });
        }
        if keys.is_empty() {
            return Err(invalid("no RS256 signing key"));
        }
        Ok(Self::new(issuer.into(), keys))
    }

    /// The issuer every accepted token must name in `iss`.
    #[must_use]
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// The `kid`s this verifier accepts.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.inner.keys.iter().map(|k| k.kid.as_str())
    }

    /// Verifies an access token and returns its claims.
    ///
    /// Checks, in order: shape (three unpadded base64url segments, at most
    /// `TOKEN_MAX_LEN` bytes), header (`alg` exactly `RS256`, a string `kid`
    /// this verifier knows, no `crit`), the signature with that key, then the
    /// claims: `iss` is the configured issuer, `token_use` is `access`,
    /// `client_id` equals `client_id` when one is given, and
    /// `now < exp` (whole seconds). Either of the pool's keys may have signed
    /// it; only the claims decide the token type. Revocation is not checked.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::NotAuthorized`](crate::ErrorCode::NotAuthorized):
    /// `Access Token has expired` for an otherwise valid token at or past its
    /// `exp`, `Invalid Access Token` for every other failure.
    pub fn verify_access(
        &self,
        token: &str,
        client_id: Option<&str>,
        now: Timestamp,
    ) -> Result<AccessClaims> {
        let claims: AccessClaims = self
            .verified_claims(token)
            .ok_or_else(|| Error::not_authorized(INVALID_ACCESS))?;
        if claims.iss != self.inner.issuer
            || claims.token_use != TokenUse::Access
            || client_id.is_some_and(|c| c != claims.client_id)
        {
            return Err(Error::not_authorized(INVALID_ACCESS));
        }
        if now.unix_seconds() >= claims.exp {
            return Err(Error::not_authorized(EXPIRED_ACCESS));
        }
        Ok(claims)
    }

    /// Verifies an ID token and returns its claims.
    ///
    /// The same checks as [`verify_access`](Self::verify_access), except that
    /// `token_use` must be `id` and the app client is checked against `aud`.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::NotAuthorized`](crate::ErrorCode::NotAuthorized):
    /// `ID Token has expired` for an otherwise valid token at or past its
    /// `exp`, `Invalid ID Token` for every other failure.
    pub fn verify_id(
        &self,
        token: &str,
        client_id: Option<&str>,
        now: Timestamp,
    ) -> Result<IdClaims> {
        let claims: IdClaims = self
            .verified_claims(token)
            .ok_or_else(|| Error::not_authorized(INVALID_ID))?;
        if claims.iss != self.inner.issuer
            || claims.token_use != TokenUse::Id
            || client_id.is_some_and(|c| c != claims.aud)
        {
            return Err(Error::not_authorized(INVALID_ID));
        }
        if now.unix_seconds() >= claims.exp {
            return Err(Error::not_authorized(EXPIRED_ID));
        }
        Ok(claims)
    }

    /// The token's claims if its shape, header and signature are valid.
    /// Nothing of the payload is parsed before the signature checks out.
    fn verified_claims<T: DeserializeOwned>(&self, token: &str) -> Option<T> {
        if token.len() > TOKEN_MAX_LEN {
            return None;
        }
        let mut segments = token.split('.');
        let (header_b64, payload_b64, signature_b64) =
            (segments.next()?, segments.next()?, segments.next()?);
        if segments.next().is_some() {
            return None;
        }

        let header: Header =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header_b64).ok()?).ok()?;
        if header.alg != ALG_RS256 || header.crit.0 {
            return None;
        }
        let key = self.inner.keys.iter().find(|k| k.kid == header.kid)?;

        let signature = URL_SAFE_NO_PAD.decode(signature_b64).ok()?;
        // The signing input is the ASCII of `header.payload` (RFC 7515 §5.2).
        let signing_input = token.get(..header_b64.len() + 1 + payload_b64.len())?;
        RsaPublicKeyComponents {
            n: key.n.as_slice(),
            e: key.e.as_slice(),
        }
        .verify(
            &RSA_PKCS1_2048_8192_SHA256,
            signing_input.as_bytes(),
            &signature,
        )
        .ok()?;

        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload_b64).ok()?).ok()
    }
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuer", &self.inner.issuer)
            .field("kids", &self.kids().collect::<Vec<_>>())
            .finish()
    }
}

/// The members of a JOSE header the verifier reads. Unknown members are ignored,
/// except `crit` (RFC 7515 §4.1.11: extensions we do not understand must fail).
#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: String,
    #[serde(default)]
    crit: Present,
}

/// Whether a header member was present at all, whatever its value.
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer)?;
        Ok(Self(true))
    }
}

fn strip_leading_zeros(mut bytes: Vec<u8>) -> Vec<u8> {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    bytes.drain(..zeros);
    bytes
}

/// 2048 to 8192 bits: what `RSA_PKCS1_2048_8192_SHA256` accepts.
fn modulus_is_acceptable(n: &[u8]) -> bool {
    let Some(&top) = n.first() else {
        return false;
    };
    let bits = (n.len() - 1) * 8 + (8 - top.leading_zeros() as usize);
    (2048..=8192).contains(&bits)
}

/// Odd, at least 3, at most 2^33 − 1: what ring accepts.
fn exponent_is_acceptable(e: &[u8]) -> bool {
    if e.is_empty() || e.len() > 5 {
        return false;
    }
    let value = e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    value >= 3 && value % 2 == 1 && value < (1 << 33)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use super::super::keys::tests::shared_keys;
    use super::super::{KeySet, SCOPE_USER_ADMIN};
    use super::*;
    use crate::ErrorCode;

    const ISSUER: &str = "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_eYpv1mFHB";
    const CLIENT: &str = "5015ncg0dvmsd4vbmskke3j1tv";
    const IAT: i64 = 1_700_000_000;

    fn access_claims() -> AccessClaims {
        AccessClaims {
            sub: "f81d4fae-7dec-41d0-a765-00a0c91e6bf6".to_owned(),
            cognito_groups: None,
            iss: ISSUER.to_owned(),
            client_id: CLIENT.to_owned(),
            origin_jti: Some("0d7ab3c4-0b3e-4a27-9b43-6a3c7d0e9f11".to_owned()),
            event_id: "4a3a1e6c-1d0e-4c5e-9b0f-2f0e2d1c3b4a".to_owned(),
            token_use: TokenUse::Access,
            scope: SCOPE_USER_ADMIN.to_owned(),
            auth_time: IAT,
            exp: IAT + 3600,
            iat: IAT,
            jti: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
            username: "jane".to_owned(),
            device_key: None,
            extra: std::collections::BTreeMap::new(),
        }
    }

    fn id_claims() -> IdClaims {
        IdClaims {
            sub: "f81d4fae-7dec-41d0-a765-00a0c91e6bf6".to_owned(),
            aud: CLIENT.to_owned(),
            iss: ISSUER.to_owned(),
            token_use: TokenUse::Id,
            auth_time: IAT,
            exp: IAT + 3600,
            iat: IAT,
            jti: "1a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
            origin_jti: None,
            event_id: "4a3a1e6c-1d0e-4c5e-9b0f-2f0e2d1c3b4a".to_owned(),
            cognito_username: "jane".to_owned(),
            cognito_groups: None,
            cognito_roles: None,
            cognito_preferred_role: None,
            attributes: [("email".to_owned(), "jane@example.com".into())].into(),
        }
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_unix_seconds(seconds)
    }

    fn keys() -> &'static KeySet {
        &shared_keys()[0]
    }

    #[test]
    fn a_signed_access_token_verifies_back_to_its_claims() {
        let token = keys().sign_access(&access_claims()).unwrap();
        let verifier = keys().verifier(ISSUER);
        let claims = verifier
            .verify_access(&token, Some(CLIENT), at(IAT))
            .unwrap();
        assert_eq!(claims, access_claims());
        assert!(verifier.verify_access(&token, None, at(IAT)).is_ok());
    }

    #[test]
    fn a_signed_id_token_verifies_back_to_its_claims() {
        let token = keys().sign_id(&id_claims()).unwrap();
        let claims = keys()
            .verifier(ISSUER)
            .verify_id(&token, Some(CLIENT), at(IAT))
            .unwrap();
        assert_eq!(claims, id_claims());
    }

    #[test]
    fn expiry_is_exclusive_of_exp() {
        let token = keys().sign_access(&access_claims()).unwrap();
        let verifier = keys().verifier(ISSUER);
        assert!(verifier.verify_access(&token, None, at(IAT + 3599)).is_ok());
        let err = verifier
            .verify_access(
                &token,
                None,
                Timestamp::from_unix_millis((IAT + 3600) * 1000),
            )
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotAuthorized);
        assert_eq!(err.message(), "Access Token has expired");
    }

    #[test]
    fn the_wrong_token_type_is_invalid() {
        let verifier = keys().verifier(ISSUER);
        let id = keys().sign_id(&id_claims()).unwrap();
        let access = keys().sign_access(&access_claims()).unwrap();
        assert_eq!(
            verifier
                .verify_access(&id, None, at(IAT))
                .unwrap_err()
                .message(),
            "Invalid Access Token"
        );
        assert_eq!(
            verifier
                .verify_id(&access, None, at(IAT))
                .unwrap_err()
                .message(),
            "Invalid ID Token"
        );
    }

    #[test]
    fn signing_refuses_the_wrong_token_use_and_shadowing_attributes() {
        let mut access = access_claims();
        access.token_use = TokenUse::Id;
        assert_eq!(
            keys().sign_access(&access).unwrap_err().code(),
            ErrorCode::InternalError
        );
        let mut id = id_claims();
        id.attributes.insert("iss".to_owned(), "evil".into());
        assert_eq!(
            keys().sign_id(&id).unwrap_err().code(),
            ErrorCode::InternalError
        );
        let mut access = access_claims();
        access.extra.insert("scope".to_owned(), "evil".into());
        assert_eq!(
            keys().sign_access(&access).unwrap_err().code(),
            ErrorCode::InternalError
        );
    }

    #[test]
    fn extra_access_claims_and_an_empty_scope_round_trip() {
        let mut access = access_claims();
        access.extra.insert("tenant".to_owned(), 7.into());
        access.scope = String::new();
        let token = keys().sign_access(&access).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_slice(
            &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .unwrap(),
        )
        .unwrap();
        assert!(json.get("scope").is_none(), "an empty scope is omitted");
        assert_eq!(json["tenant"], 7);
        let read = keys()
            .verifier(ISSUER)
            .verify_access(&token, Some(CLIENT), at(IAT))
            .unwrap();
        assert_eq!(read, access);
    }

    #[test]
    fn a_jwks_verifier_accepts_what_the_key_set_verifier_accepts() {
        let token = keys().sign_access(&access_claims()).unwrap();
        let verifier = TokenVerifier::from_jwks(&keys().jwks_json(), ISSUER).unwrap();
        assert_eq!(
            verifier.kids().collect::<Vec<_>>(),
            [keys().access_kid(), keys().id_kid()]
        );
        assert!(
            verifier
                .verify_access(&token, Some(CLIENT), at(IAT))
                .is_ok()
        );
    }

    #[test]
    fn from_jwks_skips_other_keys_and_refuses_broken_ones() {
        let other = r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA","kid":"ec"}]}"#;
        let err = TokenVerifier::from_jwks(other, ISSUER).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        let short = r#"{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB"}]}"#;
        assert!(TokenVerifier::from_jwks(short, ISSUER).is_err());
        assert!(TokenVerifier::from_jwks("[]", ISSUER).is_err());
        let doubled = keys()
            .jwks_json()
            .replace(keys().id_kid(), keys().access_kid());
        assert!(TokenVerifier::from_jwks(&doubled, ISSUER).is_err());
    }

    #[test]
    fn a_crit_header_is_refused() {
        let token = keys().sign_access(&access_claims()).unwrap();
        let (_, rest) = token.split_once('.').unwrap();
        let header = format!(
            r#"{{"kid":"{}","alg":"RS256","crit":["exp"]}}"#,
            keys().access_kid()
        );
        let forged = format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header));
        assert!(
            keys()
                .verifier(ISSUER)
                .verify_access(&forged, None, at(IAT))
                .is_err()
        );
    }

    #[test]
    fn overlong_input_is_refused() {
        let long = "a".repeat(TOKEN_MAX_LEN + 1);
        assert_eq!(
            keys()
                .verifier(ISSUER)
                .verify_access(&long, None, at(IAT))
                .unwrap_err()
                .message(),
            "Invalid Access Token"
        );
    }

    #[test]
    fn acceptable_key_sizes() {
        assert!(modulus_is_acceptable(&[0x80; 256]));
        assert!(!modulus_is_acceptable(&[0x7f; 256]));
        assert!(!modulus_is_acceptable(&[]));
        assert!(exponent_is_acceptable(&[1, 0, 1]));
        assert!(exponent_is_acceptable(&[3]));
        assert!(!exponent_is_acceptable(&[1]));
        assert!(!exponent_is_acceptable(&[2]));
        assert!(!exponent_is_acceptable(&[2, 0, 0, 0, 1]));
        assert_eq!(strip_leading_zeros(vec![0, 0, 1, 0]), vec![1, 0]);
    }

    #[test]
    fn the_verifier_is_cheap_to_share() {
        fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
        assert_send_sync_clone::<TokenVerifier>();
        assert_send_sync_clone::<KeySet>();
    }
}
