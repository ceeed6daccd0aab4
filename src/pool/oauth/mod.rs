//! The engine side of the OAuth 2.0 endpoints (cognito-oauth.md §5–§11):
//! the rules of codes, grants and hosted sessions, which `crate::oauth`'s
//! HTTP endpoints only translate.

use crate::clock::Timestamp;
use crate::error::Error;
use crate::oauth::OAuthError;

pub(crate) mod authorize;
pub(crate) mod code;
mod grants;
pub(crate) mod hosted;
#[cfg(test)]
mod tests;

/// Why a grant (`/oauth2/token`, `/oauth2/revoke`) failed: an OAuth error
/// the endpoint answers as such, or the pool's own failure (its store, a
/// trigger) that it answers as a server error.
#[derive(Debug)]
pub(crate) enum GrantError {
    /// An OAuth error code (§7.2, §10).
    OAuth(OAuthError),
    /// The engine's failure.
    Engine(Error),
}

impl From<OAuthError> for GrantError {
    fn from(e: OAuthError) -> Self {
        Self::OAuth(e)
    }
}

impl From<Error> for GrantError {
    fn from(e: Error) -> Self {
        Self::Engine(e)
    }
}

/// Why `/oauth2/userInfo` refused a token (§9).
#[derive(Debug)]
pub(crate) enum UserInfoError {
    /// Invalid, expired, revoked, without `openid`, or its user gone.
    InvalidToken,
    /// The engine's failure.
    Engine(Error),
}

/// The tokens of a `/oauth2/token` answer (§7.5).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct OAuthTokens {
    /// The ID token, only when `openid` was granted.
    pub id_token: Option<String>,
    /// The access token.
    pub access_token: String,
    /// A refresh token: from `authorization_code`, and from `refresh_token`
    /// with rotation.
    pub refresh_token: Option<String>,
    /// The access token's lifetime in seconds.
    pub expires_in: u64,
}

impl std::fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthTokens")
            .field("id_token", &self.id_token.is_some())
            .field("refresh_token", &self.refresh_token.is_some())
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// What an authorization, proven by a hosted sign-in or a usable hosted
/// session, grants: the input of a `code` or `token` (implicit) answer
/// (§5.4). Constructed only by the hosted sign-in, after the user proved
/// their credentials.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CodeGrant {
    /// The app client the authorization is for.
    pub client_id: String,
    /// The `redirect_uri` exactly as the authorize request sent it (or the
    /// client's `DefaultRedirectURI` when it sent none).
    pub redirect_uri: String,
    /// Whether `redirect_uri` was the default, filled in for a request
    /// without one (§7.3 step 3).
    pub redirect_defaulted: bool,
    /// The granted scopes, resolved by §5.5, in order.
    pub scopes: Vec<String>,
    /// The request's `nonce`, copied into the ID token.
    pub nonce: Option<String>,
    /// The request's PKCE `code_challenge` (method `S256`).
    pub code_challenge: Option<String>,
    /// The internal username of the user who signed in.
    pub username: String,
    /// Their `sub`.
    pub sub: String,
    /// When they proved their credentials (kept across session reuse).
    pub auth_time: Timestamp,
}

impl std::fmt::Debug for CodeGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeGrant")
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("pkce", &self.code_challenge.is_some())
            .finish_non_exhaustive()
    }
}

/// The tokens of an implicit (`response_type=token`) answer (§5.4): no
/// refresh token ever.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ImplicitTokens {
    /// The access token.
    pub access_token: String,
    /// The ID token, only when `openid` was granted.
    pub id_token: Option<String>,
    /// The access token's lifetime in seconds.
    pub expires_in: u64,
}

impl std::fmt::Debug for ImplicitTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImplicitTokens")
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}
