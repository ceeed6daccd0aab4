//! An app client's configuration ([`AppClientConfig`](super::AppClientConfig)) and its builder.

use std::str::FromStr;
use std::time::Duration;

use crate::error::{Constraint, Error, Result, Shown, Violation};
use crate::schema::standard_attribute;

use super::oauth::{self, OAuthFlow};
use super::*;

// ---------------------------------------------------------------------------
// Small settings
// ---------------------------------------------------------------------------

/// `PreventUserExistenceErrors`: whether sign-in and recovery answers reveal
/// that a user does not exist (cognito-protocol.md §5.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PreventUserExistenceErrors {
    /// `LEGACY`: unknown users get `UserNotFoundException`. The default.
    #[default]
    Legacy,
    /// `ENABLED`: unknown users get the same answer as a wrong password.
    Enabled,
}

impl PreventUserExistenceErrors {
    /// The wire name: `LEGACY` or `ENABLED`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Legacy => "LEGACY",
            Self::Enabled => "ENABLED",
        }
    }

    /// Parses `LEGACY` or `ENABLED`.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) for
    /// any other value.
    pub fn parse(value: &str) -> Result<Self> {
        match value {
            "LEGACY" => Ok(Self::Legacy),
            "ENABLED" => Ok(Self::Enabled),
            _ => Err(Error::violation(
                "preventUserExistenceErrors",
                Shown::Value(value.to_owned()),
                Constraint::OneOf(vec!["LEGACY", "ENABLED"]),
            )),
        }
    }
}

impl FromStr for PreventUserExistenceErrors {
    type Err = Error;

    /// [`PreventUserExistenceErrors::parse`].
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// `RefreshTokenRotation`: whether `GetTokensFromRefreshToken` issues a new
/// refresh token and invalidates the old one, and for how long the old one
/// keeps working (to absorb a client's retry). Disabled by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RefreshTokenRotation {
    enabled: bool,
    retry_grace_period: Duration,
}

impl RefreshTokenRotation {
    /// Longest [`retry_grace_period`](Self::retry_grace_period): 60 seconds.
    pub const MAX_RETRY_GRACE_PERIOD_SECONDS: u32 = 60;

    /// Rotation off (`Feature = DISABLED`), the default.
    pub const DISABLED: Self = Self {
        enabled: false,
        retry_grace_period: Duration::ZERO,
    };

    /// `{Feature, RetryGracePeriodSeconds}`.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// the grace period is over 60 seconds.
    pub fn new(enabled: bool, retry_grace_period_seconds: u32) -> Result<Self> {
        if retry_grace_period_seconds > Self::MAX_RETRY_GRACE_PERIOD_SECONDS {
            return Err(Error::violation(
                "refreshTokenRotation.retryGracePeriodSeconds",
                Shown::Value(retry_grace_period_seconds.to_string()),
                Constraint::MaxValue(i64::from(Self::MAX_RETRY_GRACE_PERIOD_SECONDS)),
            ));
        }
        Ok(Self {
            enabled,
            retry_grace_period: Duration::from_secs(u64::from(retry_grace_period_seconds)),
        })
    }

    /// Rotation on, with a grace period of 0 to 60 seconds.
    ///
    /// # Errors
    ///
    /// As [`RefreshTokenRotation::new`].
    pub fn enabled(retry_grace_period_seconds: u32) -> Result<Self> {
        Self::new(true, retry_grace_period_seconds)
    }

    /// Whether rotation is on. Defaults to `false`.
    #[must_use]
    pub const fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// How long a rotated-out refresh token is still accepted, 0 to 60
    /// seconds. Defaults to zero.
    #[must_use]
    pub const fn retry_grace_period(&self) -> Duration {
        self.retry_grace_period
    }
}

// ---------------------------------------------------------------------------
// AppClientConfig
// ---------------------------------------------------------------------------

/// An app client's settings: `CreateUserPoolClient` without the OAuth fields,
/// always within Cognito's limits. Build one with [`AppClientConfig::builder`].
#[derive(Clone, Debug)]
pub struct AppClientConfig {
    pub(super) name: String,
    pub(super) generate_secret: bool,
    pub(super) client_secret: Option<ClientSecret>,
    pub(super) explicit_auth_flows: Vec<AuthFlow>,
    pub(super) token_validity: TokenValidity,
    pub(super) read_attributes: Option<Vec<String>>,
    pub(super) write_attributes: Option<Vec<String>>,
    pub(super) prevent_user_existence_errors: PreventUserExistenceErrors,
    pub(super) enable_token_revocation: bool,
    pub(super) auth_session_validity_minutes: u32,
    pub(super) refresh_token_rotation: RefreshTokenRotation,
    pub(super) allowed_oauth_flows_user_pool_client: bool,
    pub(super) allowed_oauth_flows: Vec<OAuthFlow>,
    pub(super) allowed_oauth_scopes: Vec<String>,
    pub(super) callback_urls: Vec<String>,
    pub(super) logout_urls: Vec<String>,
    pub(super) default_redirect_uri: Option<String>,
    pub(super) supported_identity_providers: Vec<String>,
}

impl AppClientConfig {
    /// Longest [`name`](Self::name), in characters.
    pub const MAX_NAME_CHARS: usize = 128;
    /// Shortest explicit client secret, in characters.
    pub const MIN_SECRET_CHARS: usize = 24;
    /// Longest explicit client secret, in characters.
    pub const MAX_SECRET_CHARS: usize = 64;
    /// Shortest [`auth_session_validity`](Self::auth_session_validity), in minutes.
    pub const MIN_AUTH_SESSION_VALIDITY_MINUTES: u32 = 3;
    /// Longest [`auth_session_validity`](Self::auth_session_validity), in minutes.
    pub const MAX_AUTH_SESSION_VALIDITY_MINUTES: u32 = 15;
    /// Default [`auth_session_validity`](Self::auth_session_validity), in minutes.
    pub const DEFAULT_AUTH_SESSION_VALIDITY_MINUTES: u32 = 3;
    /// Longest name in a read or write attribute list, in characters (model).
    pub const MAX_ATTRIBUTE_NAME_CHARS: usize = 2048;

    /// A builder for a client called `name`, holding Cognito's defaults.
    pub fn builder(name: impl Into<String>) -> AppClientConfigBuilder {
        AppClientConfigBuilder {
            name: name.into(),
            generate_secret: false,
            client_secret: None,
            explicit_auth_flows: Vec::new(),
            token_validity: TokenValidity::DEFAULT,
            read_attributes: None,
            write_attributes: None,
            prevent_user_existence_errors: PreventUserExistenceErrors::Legacy,
            enable_token_revocation: true,
            auth_session_validity_minutes: Self::DEFAULT_AUTH_SESSION_VALIDITY_MINUTES,
            refresh_token_rotation: RefreshTokenRotation::DISABLED,
            allowed_oauth_flows_user_pool_client: false,
            allowed_oauth_flows: Vec::new(),
            allowed_oauth_scopes: Vec::new(),
            callback_urls: Vec::new(),
            logout_urls: Vec::new(),
            default_redirect_uri: None,
            supported_identity_providers: Vec::new(),
        }
    }

    /// `ClientName`: 1–128 characters of `[\w\s+=,.@-]`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `GenerateSecret`: whether the pool draws a secret for the client when
    /// it creates it. Defaults to `false`.
    #[must_use]
    pub const fn generate_secret(&self) -> bool {
        self.generate_secret
    }

    /// An explicit `ClientSecret` the client is to use. Defaults to `None`.
    ///
    /// [`AppClient::new`] moves it into the client, so the configuration an
    /// [`AppClient`] holds always answers `None`: ask [`AppClient::secret`].
    #[must_use]
    pub const fn client_secret(&self) -> Option<&ClientSecret> {
        self.client_secret.as_ref()
    }

    /// Whether the client will have or has a secret: [`generate_secret`](Self::generate_secret)
    /// or an explicit [`client_secret`](Self::client_secret).
    #[must_use]
    pub const fn has_secret(&self) -> bool {
        self.generate_secret || self.client_secret.is_some()
    }

    /// `ExplicitAuthFlows`, in [`AuthFlow`] declaration order without
    /// duplicates. Defaults to [`AuthFlow::DEFAULT`] (`ALLOW_USER_SRP_AUTH`,
    /// `ALLOW_CUSTOM_AUTH`, `ALLOW_REFRESH_TOKEN_AUTH`).
    #[must_use]
    pub fn explicit_auth_flows(&self) -> &[AuthFlow] {
        &self.explicit_auth_flows
    }

    /// Whether the client allows `flow`: exactly whether it is in
    /// [`explicit_auth_flows`](Self::explicit_auth_flows).
    ///
    /// This is the literal setting. Cognito's `ALLOW_USER_AUTH` also lets a
    /// user complete password or SRP challenges inside `USER_AUTH` without the
    /// corresponding flow being allowed; that is the sign-in code's concern.
    #[must_use]
    pub fn allows(&self, flow: AuthFlow) -> bool {
        self.explicit_auth_flows.contains(&flow)
    }

    /// Access, ID and refresh token lifetimes. Defaults to
    /// [`TokenValidity::DEFAULT`] (60 minutes, 60 minutes, 30 days).
    #[must_use]
    pub const fn token_validity(&self) -> TokenValidity {
        self.token_validity
    }

    /// `ReadAttributes` as configured, or `None` for Cognito's default set
    /// (see [`can_read`](Self::can_read)). Defaults to `None`. Only a
    /// configured list is echoed by `DescribeUserPoolClient`, as in Cognito.
    #[must_use]
    pub fn read_attributes(&self) -> Option<&[String]> {
        self.read_attributes.as_deref()
    }

    /// `WriteAttributes` as configured, or `None` for Cognito's default set
    /// (see [`can_write`](Self::can_write)). Defaults to `None`.
    #[must_use]
    pub fn write_attributes(&self) -> Option<&[String]> {
        self.write_attributes.as_deref()
    }

    /// Whether the client may read attribute `attr` (its API name, e.g.
    /// `email`, `custom:plan`): whether `GetUser` and the ID token include it.
    ///
    /// * `dev:` attributes are never readable by a client (cognito-protocol.md §7.2).
    /// * `sub` is always readable.
    /// * With a configured [`read_attributes`](Self::read_attributes) list,
    ///   exactly the names in it (case-sensitive).
    /// * Without one, Cognito's default (§4.3): every standard attribute,
    ///   including `email_verified` and `phone_number_verified`, **and every
    ///   `custom:` attribute**. The model documentation names only standard
    ///   attributes; we include custom ones so that a client created without
    ///   a list sees everything a user can have, which is what applications
    ///   that never configure lists expect to find in their ID tokens.
    ///
    /// This does not check that the attribute exists in the pool's schema.
    #[must_use]
    pub fn can_read(&self, attr: &str) -> bool {
        if is_developer_only(attr) {
            return false;
        }
        if attr == "sub" {
            return true;
        }
        match &self.read_attributes {
            Some(list) => list.iter().any(|a| a == attr),
            None => standard_attribute(attr).is_some() || is_custom(attr),
        }
    }

    /// Whether the client may write attribute `attr` in `SignUp` and
    /// `UpdateUserAttributes` (a refused write is `NotAuthorizedException`,
    /// cognito-protocol.md §4.3).
    ///
    /// * `dev:` attributes are never writable by a client: only admin
    ///   operations write them (§7.2).
    /// * `sub` is never writable.
    /// * With a configured [`write_attributes`](Self::write_attributes) list,
    ///   exactly the names in it (case-sensitive), including a `_verified`
    ///   flag if it is listed.
    /// * Without one: every standard attribute except the `email_verified`
    ///   and `phone_number_verified` flags, which the pool sets when a code is
    ///   confirmed, **and every `custom:` attribute** (our choice, matching
    ///   [`can_read`](Self::can_read)).
    ///
    /// Whether the attribute is mutable is the schema's concern, not this one.
    #[must_use]
    pub fn can_write(&self, attr: &str) -> bool {
        if is_developer_only(attr) || attr == "sub" {
            return false;
        }
        match &self.write_attributes {
            Some(list) => list.iter().any(|a| a == attr),
            None => {
                standard_attribute(attr).is_some_and(|info| !info.is_system()) || is_custom(attr)
            }
        }
    }

    /// `PreventUserExistenceErrors`. Defaults to
    /// [`PreventUserExistenceErrors::Legacy`].
    #[must_use]
    pub const fn prevent_user_existence_errors(&self) -> PreventUserExistenceErrors {
        self.prevent_user_existence_errors
    }

    /// Whether the client hides which users exist
    /// (`PreventUserExistenceErrors=ENABLED`).
    #[must_use]
    pub const fn prevents_user_existence_errors(&self) -> bool {
        matches!(
            self.prevent_user_existence_errors,
            PreventUserExistenceErrors::Enabled
        )
    }

    /// `EnableTokenRevocation`: whether `RevokeToken` works for this client
    /// and tokens carry `origin_jti`. Defaults to `true`.
    #[must_use]
    pub const fn enable_token_revocation(&self) -> bool {
        self.enable_token_revocation
    }

    /// `AuthSessionValidity`: how long a `Session` between sign-in steps
    /// stays usable, 3 to 15 minutes. Defaults to 3 minutes.
    #[must_use]
    pub const fn auth_session_validity(&self) -> Duration {
        Duration::from_secs(self.auth_session_validity_minutes as u64 * 60)
    }

    /// [`auth_session_validity`](Self::auth_session_validity) in minutes, as
    /// the API reports it. Defaults to 3.
    #[must_use]
    pub const fn auth_session_validity_minutes(&self) -> u32 {
        self.auth_session_validity_minutes
    }

    /// `RefreshTokenRotation`. Defaults to [`RefreshTokenRotation::DISABLED`].
    #[must_use]
    pub const fn refresh_token_rotation(&self) -> RefreshTokenRotation {
        self.refresh_token_rotation
    }

    /// `AllowedOAuthFlowsUserPoolClient`: the master switch of the OAuth
    /// endpoints for this client. Defaults to `false`. The other OAuth
    /// settings are stored and echoed whether it is on or off.
    #[must_use]
    pub const fn allowed_oauth_flows_user_pool_client(&self) -> bool {
        self.allowed_oauth_flows_user_pool_client
    }

    /// `AllowedOAuthFlows`, in the order given, without duplicates.
    /// Defaults to none.
    #[must_use]
    pub fn allowed_oauth_flows(&self) -> &[OAuthFlow] {
        &self.allowed_oauth_flows
    }

    /// Whether `flow` is in [`allowed_oauth_flows`](Self::allowed_oauth_flows).
    #[must_use]
    pub fn allows_oauth_flow(&self, flow: OAuthFlow) -> bool {
        self.allowed_oauth_flows.contains(&flow)
    }

    /// `AllowedOAuthScopes`, as given: standard scopes
    /// ([`STANDARD_SCOPES`](super::STANDARD_SCOPES)) and custom
    /// `<identifier>/<name>` scopes. Defaults to none.
    #[must_use]
    pub fn allowed_oauth_scopes(&self) -> &[String] {
        &self.allowed_oauth_scopes
    }

    /// `CallbackURLs`: the allowed `redirect_uri` values. Defaults to none.
    #[must_use]
    pub fn callback_urls(&self) -> &[String] {
        &self.callback_urls
    }

    /// `LogoutURLs`: the allowed `logout_uri` values. Defaults to none.
    #[must_use]
    pub fn logout_urls(&self) -> &[String] {
        &self.logout_urls
    }

    /// `DefaultRedirectURI`, one of the [`callback_urls`](Self::callback_urls).
    /// Defaults to none.
    #[must_use]
    pub fn default_redirect_uri(&self) -> Option<&str> {
        self.default_redirect_uri.as_deref()
    }

    /// `SupportedIdentityProviders` (`COGNITO` for the pool's own users).
    /// Defaults to none.
    #[must_use]
    pub fn supported_identity_providers(&self) -> &[String] {
        &self.supported_identity_providers
    }
}

/// `dev:<name>` or `dev:custom:<name>` (cognito-protocol.md §7.2 accepts both).
fn is_developer_only(attr: &str) -> bool {
    attr.starts_with("dev:")
}

fn is_custom(attr: &str) -> bool {
    attr.starts_with("custom:")
}

/// Builds an [`AppClientConfig`], checking every value against Cognito's limits.
///
/// ```
/// use userpool::client::{AppClientConfig, AuthFlow, PreventUserExistenceErrors};
///
/// # fn main() -> userpool::Result<()> {
/// let config = AppClientConfig::builder("mobile")
///     .explicit_auth_flows([AuthFlow::UserSrpAuth, AuthFlow::RefreshTokenAuth])
///     .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled)
///     .auth_session_validity(5)
///     .build()?;
/// assert!(config.allows(AuthFlow::UserSrpAuth));
/// assert!(!config.allows(AuthFlow::UserPasswordAuth));
/// assert!(config.can_read("email_verified"));
/// assert!(!config.can_write("email_verified"));
/// # Ok(())
/// # }
/// ```
#[must_use]
#[derive(Clone, Debug)]
pub struct AppClientConfigBuilder {
    name: String,
    generate_secret: bool,
    client_secret: Option<ClientSecret>,
    explicit_auth_flows: Vec<AuthFlow>,
    token_validity: TokenValidity,
    read_attributes: Option<Vec<String>>,
    write_attributes: Option<Vec<String>>,
    prevent_user_existence_errors: PreventUserExistenceErrors,
    enable_token_revocation: bool,
    auth_session_validity_minutes: u32,
    refresh_token_rotation: RefreshTokenRotation,
    allowed_oauth_flows_user_pool_client: bool,
    allowed_oauth_flows: Vec<OAuthFlow>,
    allowed_oauth_scopes: Vec<String>,
    callback_urls: Vec<String>,
    logout_urls: Vec<String>,
    default_redirect_uri: Option<String>,
    supported_identity_providers: Vec<String>,
}

impl AppClientConfigBuilder {
    /// `GenerateSecret`: the pool draws a 51-character secret when it creates
    /// the client. Defaults to `false`. Cannot be combined with
    /// [`client_secret`](Self::client_secret).
    pub fn generate_secret(mut self, value: bool) -> Self {
        self.generate_secret = value;
        self
    }

    /// `ClientSecret`: use this secret (24–64 characters of `[\w+]`, that is
    /// ASCII letters, digits, `_` and `+`). Defaults to none. Cannot be
    /// combined with [`generate_secret`](Self::generate_secret).
    pub fn client_secret(mut self, secret: ClientSecret) -> Self {
        self.client_secret = Some(secret);
        self
    }

    /// `ExplicitAuthFlows`. Defaults to [`AuthFlow::DEFAULT`]; an empty set is
    /// treated as omitted and also gives the default. Duplicates are dropped.
    /// To parse wire values (legacy or `ALLOW_*`), use [`AuthFlow::parse_list`].
    pub fn explicit_auth_flows(mut self, flows: impl IntoIterator<Item = AuthFlow>) -> Self {
        self.explicit_auth_flows = flows.into_iter().collect();
        self
    }

    /// Token lifetimes. Defaults to [`TokenValidity::DEFAULT`].
    pub fn token_validity(mut self, validity: TokenValidity) -> Self {
        self.token_validity = validity;
        self
    }

    /// `ReadAttributes`: the attributes the client may read. Defaults to
    /// Cognito's default set; see [`AppClientConfig::can_read`]. Names are
    /// not checked against a schema here.
    pub fn read_attributes<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.read_attributes = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// `WriteAttributes`: the attributes the client may write. Defaults to
    /// Cognito's default set; see [`AppClientConfig::can_write`]. Names are
    /// not checked against a schema here.
    pub fn write_attributes<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.write_attributes = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// `PreventUserExistenceErrors`. Defaults to [`PreventUserExistenceErrors::Legacy`].
    pub fn prevent_user_existence_errors(mut self, value: PreventUserExistenceErrors) -> Self {
        self.prevent_user_existence_errors = value;
        self
    }

    /// `EnableTokenRevocation`. Defaults to `true`. Turning it off makes
    /// `RevokeToken` fail for this client.
    pub fn enable_token_revocation(mut self, value: bool) -> Self {
        self.enable_token_revocation = value;
        self
    }

    /// `AuthSessionValidity`, in minutes: 3 to 15. Defaults to 3.
    pub fn auth_session_validity(mut self, minutes: u32) -> Self {
        self.auth_session_validity_minutes = minutes;
        self
    }

    /// `RefreshTokenRotation`. Defaults to [`RefreshTokenRotation::DISABLED`].
    pub fn refresh_token_rotation(mut self, value: RefreshTokenRotation) -> Self {
        self.refresh_token_rotation = value;
        self
    }

    /// `AllowedOAuthFlowsUserPoolClient`. Defaults to `false`. When `true`,
    /// [`allowed_oauth_flows`](Self::allowed_oauth_flows) and
    /// [`allowed_oauth_scopes`](Self::allowed_oauth_scopes) must not be empty.
    pub fn allowed_oauth_flows_user_pool_client(mut self, value: bool) -> Self {
        self.allowed_oauth_flows_user_pool_client = value;
        self
    }

    /// `AllowedOAuthFlows`. Defaults to none. Duplicates are dropped. To
    /// parse wire values, use [`OAuthFlow::parse_list`].
    pub fn allowed_oauth_flows(mut self, flows: impl IntoIterator<Item = OAuthFlow>) -> Self {
        self.allowed_oauth_flows.clear();
        for flow in flows {
            if !self.allowed_oauth_flows.contains(&flow) {
                self.allowed_oauth_flows.push(flow);
            }
        }
        self
    }

    /// `AllowedOAuthScopes` (at most 50). Defaults to none. Custom scopes
    /// are checked against the pool's resource servers when the pool
    /// creates or updates the client, not here.
    pub fn allowed_oauth_scopes<S: Into<String>>(
        mut self,
        scopes: impl IntoIterator<Item = S>,
    ) -> Self {
        self.allowed_oauth_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// `CallbackURLs` (at most 100). Defaults to none.
    pub fn callback_urls<S: Into<String>>(mut self, urls: impl IntoIterator<Item = S>) -> Self {
        self.callback_urls = urls.into_iter().map(Into::into).collect();
        self
    }

    /// `LogoutURLs` (at most 100). Defaults to none.
    pub fn logout_urls<S: Into<String>>(mut self, urls: impl IntoIterator<Item = S>) -> Self {
        self.logout_urls = urls.into_iter().map(Into::into).collect();
        self
    }

    /// `DefaultRedirectURI`: must be one of the
    /// [`callback_urls`](Self::callback_urls). Defaults to none.
    pub fn default_redirect_uri(mut self, url: impl Into<String>) -> Self {
        self.default_redirect_uri = Some(url.into());
        self
    }

    /// `SupportedIdentityProviders`. Defaults to none. Names other than
    /// `COGNITO` are refused when the pool creates or updates the client
    /// (the pool has no identity providers).
    pub fn supported_identity_providers<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        self.supported_identity_providers = names.into_iter().map(Into::into).collect();
        self
    }

    /// The configuration, if Cognito would accept it.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter):
    ///
    /// * for model constraints, in Cognito's model-validation wording, every
    ///   problem at once (`N validation errors detected: …; …`): `clientName`
    ///   not 1–128 characters of `[\w\s+=,.@-]`; `clientSecret` not 24–64
    ///   characters of `[\w+]` (the message never contains the secret);
    ///   `authSessionValidity` outside 3–15; a read or write attribute name
    ///   empty or over 2048 characters;
    ///   and the OAuth lists past their maxima (50 scopes, 100 callback or
    ///   logout URLs) or with an element of the wrong length or characters
    ///   (cognito-oauth.md §3.2 V12);
    /// * then, if both [`generate_secret`](Self::generate_secret) and
    ///   [`client_secret`](Self::client_secret) were given;
    /// * then the OAuth rules that need only the client's settings, with
    ///   Cognito's types and messages (`InvalidParameterException` or
    ///   [`ErrorCode::InvalidOAuthFlow`](crate::ErrorCode::InvalidOAuthFlow);
    ///   cognito-oauth.md §3.2 V2, V3, V5, V6, V8, V9, in that order). V4,
    ///   V7 and V10 need the pool and are checked when it creates or
    ///   updates the client.
    pub fn build(self) -> Result<AppClientConfig> {
        let mut problems = Vec::new();

        let name_chars = self.name.chars().count();
        let name_char_ok =
            |c: char| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c);
        if !(1..=AppClientConfig::MAX_NAME_CHARS).contains(&name_chars)
            || !self.name.chars().all(name_char_ok)
        {
            problems.push(Violation::new(
                "clientName",
                Shown::Value(self.name.clone()),
                Constraint::Pattern {
                    pattern: "[\\w\\s+=,.@-]+",
                    length: Some((1, AppClientConfig::MAX_NAME_CHARS as u64)),
                },
            ));
        }

        if let Some(secret) = &self.client_secret
            && let Some(problem) = secret_format_problem(secret.expose_secret(), "clientSecret")
        {
            problems.push(problem);
        }

        let minutes = self.auth_session_validity_minutes;
        let out_of_range = if minutes < AppClientConfig::MIN_AUTH_SESSION_VALIDITY_MINUTES {
            Some(Constraint::MinValue(i64::from(
                AppClientConfig::MIN_AUTH_SESSION_VALIDITY_MINUTES,
            )))
        } else if minutes > AppClientConfig::MAX_AUTH_SESSION_VALIDITY_MINUTES {
            Some(Constraint::MaxValue(i64::from(
                AppClientConfig::MAX_AUTH_SESSION_VALIDITY_MINUTES,
            )))
        } else {
            None
        };
        if let Some(constraint) = out_of_range {
            problems.push(Violation::new(
                "authSessionValidity",
                Shown::Value(minutes.to_string()),
                constraint,
            ));
        }

        for (member, list) in [
            ("readAttributes", &self.read_attributes),
            ("writeAttributes", &self.write_attributes),
        ] {
            for (i, name) in list.iter().flatten().enumerate() {
                let n = name.chars().count();
                if !(1..=AppClientConfig::MAX_ATTRIBUTE_NAME_CHARS).contains(&n) {
                    problems.push(Violation::new(
                        format!("{member}.{}.member", i + 1),
                        Shown::Hidden,
                        Constraint::LengthBetween(
                            1,
                            AppClientConfig::MAX_ATTRIBUTE_NAME_CHARS as u64,
                        ),
                    ));
                }
            }
        }

        let mut flows = self.explicit_auth_flows;
        if flows.is_empty() {
            flows = AuthFlow::DEFAULT.to_vec();
        }
        flows.sort_unstable();
        flows.dedup();

        let config = AppClientConfig {
            name: self.name,
            generate_secret: self.generate_secret,
            client_secret: self.client_secret,
            explicit_auth_flows: flows,
            token_validity: self.token_validity,
            read_attributes: self.read_attributes,
            write_attributes: self.write_attributes,
            prevent_user_existence_errors: self.prevent_user_existence_errors,
            enable_token_revocation: self.enable_token_revocation,
            auth_session_validity_minutes: self.auth_session_validity_minutes,
            refresh_token_rotation: self.refresh_token_rotation,
            allowed_oauth_flows_user_pool_client: self.allowed_oauth_flows_user_pool_client,
            allowed_oauth_flows: self.allowed_oauth_flows,
            allowed_oauth_scopes: self.allowed_oauth_scopes,
            callback_urls: self.callback_urls,
            logout_urls: self.logout_urls,
            default_redirect_uri: self.default_redirect_uri,
            supported_identity_providers: self.supported_identity_providers,
        };

        oauth::model_problems(&config, &mut problems);
        if !problems.is_empty() {
            return Err(Error::validation(problems));
        }

        if config.generate_secret && config.client_secret.is_some() {
            return Err(Error::invalid_parameter(
                "GenerateSecret and ClientSecret cannot both be specified.",
            ));
        }

        oauth::check_settings(&config)?;
        Ok(config)
    }
}

/// The model-validation problem with a client secret, if any: 24–64
/// characters of `[\w+]` (ASCII word characters and `+`). The value is left
/// out of the message, as Cognito does for secrets.
pub(super) fn secret_format_problem(secret: &str, member: &str) -> Option<Violation> {
    let ok_len = (AppClientConfig::MIN_SECRET_CHARS..=AppClientConfig::MAX_SECRET_CHARS)
        .contains(&secret.len());
    let ok_chars = secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+');
    (!(ok_len && ok_chars)).then(|| {
        Violation::new(
            member,
            Shown::Hidden,
            Constraint::Pattern {
                pattern: "[\\w+]+",
                length: Some((
                    AppClientConfig::MIN_SECRET_CHARS as u64,
                    AppClientConfig::MAX_SECRET_CHARS as u64,
                )),
            },
        )
    })
}
