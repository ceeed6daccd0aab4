//! The OAuth 2.0 / OpenID Connect side of a pool (cognito-oauth.md): the
//! pieces of its endpoints that need no socket, so that a Rust backend and
//! the server parse and decide alike.
//!
//! This first part holds the request-level building blocks of §5 and §7:
//!
//! * [`form`]: `application/x-www-form-urlencoded` bodies and queries,
//!   decoded once, with conflicting duplicates refused;
//! * [`client_auth`]: the client credentials of a token or revoke request
//!   (`client_secret_basic` or `client_secret_post`, §7.1);
//! * [`pkce`]: `S256` challenges and verifiers (RFC 7636, §5.2 step 7,
//!   §7.3 step 4), compared in constant time;
//! * [`scope`]: which scopes a request is granted (§5.5, §7.4);
//! * [`OAuthError`]: the protocol's error codes (§5.2, §7.2);
//! * [`http`]: the request and response every endpoint takes and gives,
//!   and [`handle`], which routes a request to its endpoint;
//! * [`html`]: the escaping of the hosted pages;
//! * [`token`]: `/oauth2/token`, `/oauth2/userInfo` and `/oauth2/revoke`.
//!
//! [`handle`] serves every endpoint of a domain: the token side
//! (`/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke`) and the browser
//! side: `/oauth2/authorize`, the hosted
//! sign-in page `/login` and the pages that follow it
//! (`/forceChangePassword`, `/mfa`), sign-up (`/signup`, `/confirm`),
//! password recovery (`/forgotPassword`, `/confirmForgotPassword`),
//! `/logout` and `/error`.

pub mod client_auth;
pub mod form;
mod hosted;
pub mod html;
pub mod http;
pub mod pkce;
pub mod scope;
pub mod token;

pub use http::{Base, OAuthRequest, OAuthResponse};

use crate::UserPool;

/// Answers one request to an endpoint of `pool`'s domain (cognito-oauth.md
/// §4): the request's `path` names the endpoint. A path no endpoint has is
/// `404` with an empty body (§1.6 consequence 4).
#[must_use]
pub fn handle(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    // HEAD is answered as GET, without the body.
    if request.method == "HEAD" {
        let get = OAuthRequest {
            method: "GET".to_owned(),
            ..request.clone()
        };
        let mut answer = handle(pool, &get);
        answer.body.clear();
        return answer;
    }
    // The endpoints (§5–§11) are routed here as they land.
    match request.path.as_str() {
        "/oauth2/authorize" => hosted::authorize(pool, request),
        "/login" => hosted::login(pool, request),
        "/forceChangePassword" | "/mfa" => hosted::answer(pool, request),
        "/signup" => hosted::sign_up(pool, request),
        "/confirm" => hosted::confirm(pool, request),
        "/forgotPassword" => hosted::forgot_password(pool, request),
        "/confirmForgotPassword" => hosted::confirm_forgot_password(pool, request),
        "/logout" => hosted::logout(pool, request),
        "/error" => hosted::error_page(request),
        "/oauth2/token" => token::token(pool, request),
        "/oauth2/userInfo" | "/oauth2/userinfo" => token::user_info(pool, request),
        "/oauth2/revoke" => token::revoke(pool, request),
        _ => OAuthResponse::new(404),
    }
}

/// An OAuth 2.0 error code, as the token endpoint's `{"error": …}` body and
/// the authorize redirect's `error` parameter carry it (RFC 6749 §4.1.2.1,
/// §5.2; cognito-oauth.md §5.2, §7.2).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OAuthError {
    /// A parameter is missing, repeated with another value, or malformed.
    InvalidRequest,
    /// The client is unknown or failed to authenticate.
    InvalidClient,
    /// The code, refresh token or PKCE verifier is not valid.
    InvalidGrant,
    /// The client may not use this grant or response type.
    UnauthorizedClient,
    /// The grant type is not one the endpoint knows.
    UnsupportedGrantType,
    /// A requested scope is not allowed.
    InvalidScope,
    /// The token is not of a type `/oauth2/revoke` takes.
    UnsupportedTokenType,
    /// `prompt=none` without a usable session.
    LoginRequired,
}

impl OAuthError {
    /// The code on the wire: `invalid_request`, `invalid_client`, ...
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::LoginRequired => "login_required",
        }
    }
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for OAuthError {}
