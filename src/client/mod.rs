//! App clients: what `CreateUserPoolClient` configures, as plain validated data,
//! and the client-secret checks (`SECRET_HASH`) every public operation makes.
//!
//! An [`AppClientConfig`] is Cognito's `CreateUserPoolClient` request
//! (cognito-protocol.md §4.3), OAuth settings included (cognito-oauth.md §3). It is a validated parameter
//! type: [`AppClientConfig::builder`] starts from the defaults Cognito applies
//! when a field is omitted, and [`AppClientConfigBuilder::build`] refuses what
//! Cognito refuses, so every configuration in the program is one Cognito would
//! accept. An [`AppClient`] is a configuration plus what the pool assigns: the
//! client id, the secret, and the creation and modification times.
//!
//! # Defaults
//!
//! | Setting | Default | Range |
//! |---|---|---|
//! | [`explicit_auth_flows`](AppClientConfig::explicit_auth_flows) | `ALLOW_REFRESH_TOKEN_AUTH`, `ALLOW_USER_SRP_AUTH`, `ALLOW_CUSTOM_AUTH` | any of [`AuthFlow`] |
//! | access and ID token validity | 60 minutes | 5 minutes – 1 day |
//! | refresh token validity | 30 days | 60 minutes – 3650 days |
//! | [`auth_session_validity`](AppClientConfig::auth_session_validity) | 3 minutes | 3 – 15 minutes |
//! | [`prevent_user_existence_errors`](AppClientConfig::prevent_user_existence_errors) | `LEGACY` | `LEGACY`, `ENABLED` |
//! | [`enable_token_revocation`](AppClientConfig::enable_token_revocation) | `true` | |
//! | [`refresh_token_rotation`](AppClientConfig::refresh_token_rotation) | disabled | grace period 0 – 60 s |
//! | OAuth switch, flows, scopes, callback / logout URLs, default redirect, identity providers | off, none | see [`OAuthFlow`] and cognito-oauth.md §3.2 |
//! | read / write attributes | see [`AppClientConfig::can_read`] and [`AppClientConfig::can_write`] | |
//!
//! # `SECRET_HASH`
//!
//! A client with a secret is a *confidential* client: every public call that
//! names a user proves knowledge of the secret with
//! `SECRET_HASH = base64(HMAC-SHA256(key = secret, msg = username ‖ clientId))`
//! ([`secret_hash`], cognito-protocol.md §2). `check_secret_hash` verifies it
//! with Cognito's exact messages; `check_client_secret` compares the raw
//! secret that `RevokeToken` and `GetTokensFromRefreshToken` take instead. Both
//! comparisons are constant-time.
//!
//! ```
//! use userpool::client::{ClientSecret, secret_hash};
//!
//! let secret = ClientSecret::new("abcdefghijklmnopqrstuvwxyz0123456789");
//! assert_eq!(
//!     secret_hash(&secret, "alice", "1example23456789"),
//!     "WozKlcsNn42vw+GNgYnkjUawOBKW3mhoGnHQ4vT3VxA=",
//! );
//! ```
mod app_client;
mod config;
mod flows;
mod oauth;
mod secret;
mod stored;
mod validity;

#[cfg(test)]
mod api_tests;
#[cfg(test)]
mod oauth_tests;
#[cfg(test)]
mod tests;

pub use app_client::AppClient;
pub(crate) use app_client::secret_id;
pub use config::{
    AppClientConfig, AppClientConfigBuilder, PreventUserExistenceErrors, RefreshTokenRotation,
};
pub use flows::AuthFlow;
pub(crate) use oauth::check_against_pool;
pub use oauth::{MAX_SCOPES, MAX_URLS, OAuthFlow, STANDARD_SCOPES, is_standard_scope};
pub use secret::{ClientSecret, ClientSecretDescriptor, secret_hash};
pub(crate) use secret::{check_client_secret, check_secret_hash, matches_a_secret};
use validity::{Member, check_validity};
pub use validity::{TokenUnit, TokenValidity, TokenValidityBuilder, TokenValidityUnits};
