//! The authorization request's rules (cognito-oauth.md §5.1, §5.2, §5.5):
//! which requests are refused, to the error page or to the client, and what
//! an accepted one asks for. `/oauth2/authorize` and every hosted page
//! (§6.1 step 1) check their query here.

use super::CodeGrant;
use super::hosted::HostedProof;
use crate::client::OAuthFlow;
use crate::oauth::form::Form;
use crate::oauth::{OAuthError, pkce, scope};
use crate::pool::UserPool;

/// The error page's text for a missing `redirect_uri` (§5.2 step 3).
pub(crate) const REDIRECT_URI_MISSING: &str =
    "Required String parameter 'redirect_uri' is not present";

/// `response_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResponseType {
    /// `code`: an authorization code in the query.
    Code,
    /// `token`: implicit tokens in the fragment.
    Token,
}

/// An authorization request that passed §5.2 steps 1–9.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AuthorizeRequest {
    /// The app client.
    pub client_id: String,
    /// The redirect URI, as sent or defaulted.
    pub redirect_uri: String,
    /// Whether `redirect_uri` was the client's default.
    pub redirect_defaulted: bool,
    /// `response_type`.
    pub response_type: ResponseType,
    /// The granted scopes (§5.5).
    pub scopes: Vec<String>,
    /// `state`, byte-identical.
    pub state: Option<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// The PKCE `S256` challenge (`code` only).
    pub code_challenge: Option<String>,
    /// `prompt=none`.
    pub prompt_none: bool,
    /// `prompt=login` or `prompt=select_account`: the session is ignored.
    pub prompt_login: bool,
    /// Whether the client offers the password form (`COGNITO` in its
    /// `SupportedIdentityProviders`, §3.3).
    pub cognito: bool,
}

/// Why an authorization request is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// To the error page (§4.2) with this `error` and the `client_id` sent.
    Page(String),
    /// To the client's redirect URI (§5.2 steps 5–10).
    Redirect {
        /// The validated redirect URI.
        redirect_uri: String,
        /// `error`.
        error: OAuthError,
        /// `error_description`.
        description: Option<&'static str>,
        /// `state`, byte-identical.
        state: Option<String>,
    },
}

impl AuthorizeRequest {
    /// The refusal that sends `error` (and `description`) back to the
    /// client, with its `state`.
    pub(crate) fn refuse(&self, error: OAuthError, description: Option<&'static str>) -> Refusal {
        Refusal::Redirect {
            redirect_uri: self.redirect_uri.clone(),
            error,
            description,
            state: self.state.clone(),
        }
    }

    /// Whether a usable hosted session may answer this request without the
    /// form (§5.3, §6.3): not under `prompt=login` / `select_account`, and
    /// only for a client that takes the pool's own users (`COGNITO` among
    /// its providers, §3.3); any other client never signs them in, session
    /// or not.
    pub(crate) const fn may_reuse_session(&self) -> bool {
        self.cognito && !self.prompt_login
    }

    /// What `proof` grants under this request: the input of a code or of
    /// implicit tokens (§5.4).
    pub(crate) fn grant(&self, proof: &HostedProof) -> CodeGrant {
        CodeGrant {
            client_id: self.client_id.clone(),
            redirect_uri: self.redirect_uri.clone(),
            redirect_defaulted: self.redirect_defaulted,
            scopes: self.scopes.clone(),
            nonce: self.nonce.clone(),
            code_challenge: self.code_challenge.clone(),
            username: proof.username.clone(),
            sub: proof.sub.clone(),
            auth_time: proof.auth_time,
        }
    }
}

impl UserPool {
    /// Checks an authorization request's parameters (§5.2 steps 1–9, in
    /// that order; step 10 needs the session and is the caller's).
    ///
    /// # Errors
    /// The [`Refusal`] of the first failing step.
    pub(crate) fn check_authorize(&self, query: &Form) -> Result<AuthorizeRequest, Refusal> {
        // 1. The client.
        let client = query
            .non_empty("client_id")
            .and_then(|id| self.client(id).ok())
            .ok_or_else(|| Refusal::Page(OAuthError::InvalidRequest.as_str().to_owned()))?;
        let config = client.config();
        // 2. The master switch.
        if !config.allowed_oauth_flows_user_pool_client() {
            return Err(Refusal::Page(
                OAuthError::UnauthorizedClient.as_str().to_owned(),
            ));
        }
        // 3, 4. The redirect URI, byte for byte.
        let (redirect_uri, redirect_defaulted) = match query.non_empty("redirect_uri") {
            Some(uri) => (uri.to_owned(), false),
            None => match config.default_redirect_uri() {
                Some(uri) => (uri.to_owned(), true),
                None => return Err(Refusal::Page(REDIRECT_URI_MISSING.to_owned())),
            },
        };
        if !config.callback_urls().contains(&redirect_uri) {
            return Err(Refusal::Page("redirect_mismatch".to_owned()));
        }
        let state = query.get("state").map(str::to_owned);
        let refuse = |error: OAuthError, description: Option<&'static str>| Refusal::Redirect {
            redirect_uri: redirect_uri.clone(),
            error,
            description,
            state: state.clone(),
        };
        // 5, 6. The response type, and whether the client may use it.
        let response_type = match query.get("response_type") {
            Some("code") => ResponseType::Code,
            Some("token") => ResponseType::Token,
            _ => return Err(refuse(OAuthError::InvalidRequest, None)),
        };
        let flow = match response_type {
            ResponseType::Code => OAuthFlow::Code,
            ResponseType::Token => OAuthFlow::Implicit,
        };
        if !config.allows_oauth_flow(flow) {
            return Err(refuse(OAuthError::UnauthorizedClient, None));
        }
        // 7. PKCE, for codes only.
        let code_challenge = match response_type {
            ResponseType::Token => None,
            ResponseType::Code => {
                match (
                    query.get("code_challenge"),
                    query.get("code_challenge_method"),
                ) {
                    (None, None) => None,
                    (Some(c), Some("S256")) if pkce::is_s256_challenge(c) => Some(c.to_owned()),
                    _ => return Err(refuse(OAuthError::InvalidRequest, None)),
                }
            }
        };
        // 8. Scopes.
        let pool_config = self.config();
        let scopes =
            scope::authorize_scopes(query.get("scope"), config.allowed_oauth_scopes(), |s| {
                pool_config.has_custom_scope(s)
            })
            .map_err(|_| refuse(OAuthError::InvalidRequest, Some("invalid_scope")))?;
        // 9. Identity providers: only the pool's own users.
        let other_idp = query
            .get("identity_provider")
            .is_some_and(|p| p != "COGNITO")
            || query.contains("idp_identifier");
        if other_idp {
            return Err(refuse(
                OAuthError::InvalidRequest,
                Some("unsupported identity provider"),
            ));
        }
        let prompts: Vec<String> = query
            .get("prompt")
            .unwrap_or("")
            .split(' ')
            .map(str::to_ascii_lowercase)
            .collect();
        let has = |p: &str| prompts.iter().any(|x| x == p);
        Ok(AuthorizeRequest {
            client_id: client.id().to_owned(),
            redirect_uri,
            redirect_defaulted,
            response_type,
            scopes,
            state,
            nonce: query.get("nonce").map(str::to_owned),
            code_challenge,
            prompt_none: has("none"),
            prompt_login: has("login") || has("select_account"),
            cognito: config
                .supported_identity_providers()
                .iter()
                .any(|p| p == "COGNITO"),
        })
    }
}

/// Where a valid `/logout` request goes (§11).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LogoutTarget {
    /// A registered `logout_uri`, as sent, nothing appended.
    LogoutUri(String),
    /// Back to the sign-in page with these parameters, in this order:
    /// `client_id`, `redirect_uri`, `response_type`, `scope` (every client
    /// scope when none was sent), `state` when sent.
    Login(Vec<(&'static str, String)>),
}

impl UserPool {
    /// Checks a `/logout` request (§11 steps 1–4).
    ///
    /// # Errors
    /// The error page's `error`: `invalid_request` for a missing or unknown
    /// client or a bad `response_type`, the missing-`redirect_uri` text,
    /// `redirect_mismatch`.
    pub(crate) fn check_logout(&self, query: &Form) -> Result<LogoutTarget, String> {
        let invalid = || OAuthError::InvalidRequest.as_str().to_owned();
        let client = query
            .non_empty("client_id")
            .and_then(|id| self.client(id).ok())
            .ok_or_else(invalid)?;
        let config = client.config();
        if let Some(uri) = query.get("logout_uri")
            && config.logout_urls().iter().any(|u| u == uri)
        {
            return Ok(LogoutTarget::LogoutUri(uri.to_owned()));
        }
        let redirect_uri = query
            .non_empty("redirect_uri")
            .ok_or_else(|| REDIRECT_URI_MISSING.to_owned())?;
        if !config.callback_urls().iter().any(|u| u == redirect_uri) {
            return Err("redirect_mismatch".to_owned());
        }
        let response_type = match query.get("response_type") {
            Some(t @ ("code" | "token")) => t,
            _ => return Err(invalid()),
        };
        let scope = query
            .non_empty("scope")
            .map_or_else(|| config.allowed_oauth_scopes().join(" "), str::to_owned);
        let mut params = vec![
            ("client_id", client.id().to_owned()),
            ("redirect_uri", redirect_uri.to_owned()),
            ("response_type", response_type.to_owned()),
            ("scope", scope),
        ];
        if let Some(state) = query.get("state") {
            params.push(("state", state.to_owned()));
        }
        Ok(LogoutTarget::Login(params))
    }
}
