//! Tokens: the signed JWT pair (access, ID), the opaque refresh token, the
//! pool's signing keys and their JWKS document, and a verifier.
//!
//! Pure machinery: nothing here reads a store, a pool or the clock. The pool
//! builds the claims, calls [`KeySet::sign_access`] / [`KeySet::sign_id`] and
//! [`new_refresh_token`], and stores only the refresh token's digest.
//!
//! ```text
//!   KeySet ──sign_access / sign_id──▶  header.payload.signature   (RS256, JWS compact)
//!     │  └──jwks_json──▶ {"keys":[…]} ──TokenVerifier::from_jwks──┐
//!     └──verifier(issuer)─────────────────────────────────────────▶ TokenVerifier
//!                                                                   verify_access / verify_id
//! ```
//!
//! # Cognito's shape (`cognito-protocol.md` §6)
//!
//! * RS256 over RSA-2048 keys, header exactly `{"kid":"…","alg":"RS256"}`.
//! * Access and ID tokens are signed with two different keys, so they carry
//!   different `kid`s (§6.1). A [`KeySet`] therefore holds an access key and an
//!   ID key, plus the previous generation of both after a rotation, which still
//!   verify but never sign.
//! * A `kid` is the 44-character standard base64 (with `=`) of SHA-256 over the
//!   key's DER `RSAPublicKey` (PKCS#1): the shape of real Cognito kids.
//! * Claims are typed ([`AccessClaims`], [`IdClaims`]) and match §6.3 / §6.4:
//!   absent optional claims are omitted, never `null`; an access token has
//!   `client_id` and no `aud`, an ID token `aud` and no `client_id`.
//! * Refresh tokens are opaque, JWE-shaped random strings (§6.5): five
//!   base64url segments behind the header `{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}`,
//!   carrying no information at all. The pool stores their SHA-256.
//!
//! # Performance
//!
//! Keys are parsed into ring's `RsaKeyPair` once, when the [`KeySet`] is built,
//! and public keys are kept decoded in the [`TokenVerifier`]: issuing costs the
//! raw RSA signature plus a few microseconds of JSON and base64, and verifying
//! the raw RSA verification plus the same (`benches/token.rs` measures both
//! against ring's floors).
//!
//! # What the verifier does not check
//!
//! Revocation (global sign-out, `RevokeToken`, a disabled or deleted user) is
//! state, and this module holds none: the pool checks it after
//! [`TokenVerifier::verify_access`] succeeds. A backend verifying tokens from
//! the JWKS alone accepts a revoked token until it expires, exactly as
//! `aws-jwt-verify` does (§6.7, item 6).

#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
pub(crate) mod claims;
mod keys;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
pub(crate) mod refresh;
mod verify;

#[cfg(test)]
mod tests;

pub use claims::{AccessClaims, IdClaims, TokenUse};
pub(crate) use claims::{
    ClientCredentialsClaims, GroupInfo, SCOPE_USER_ADMIN, group_claims, id_token_attributes,
};
#[cfg(test)]
pub(crate) use keys::tests::shared_keys;
pub use keys::{KeySet, Pkcs8Pair};
pub(crate) use refresh::{new_refresh_token, parse_refresh_token_shape, refresh_token_digest};
pub use verify::TokenVerifier;

/// The only signature algorithm this module signs or accepts (RFC 7518 §3.3).
const ALG_RS256: &str = "RS256";
