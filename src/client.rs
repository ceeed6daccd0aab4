//! App clients: what `CreateUserPoolClient` configures, as plain validated data,
//! and the client-secret checks (`SECRET_HASH`) every public operation makes.
//!
//! An [`AppClientConfig`] is Cognito's `CreateUserPoolClient` request without
//! the OAuth fields (cognito-protocol.md §4.3). It is a validated parameter
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

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::hmac;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::clock::Timestamp;
use crate::error::{Constraint, Error, Result, Shown, Violation};
use crate::random;
use crate::schema::standard_attribute;

mod stored;

/// The alphabet of generated client ids and secrets: what real Cognito ids
/// and secrets use (cognito-protocol.md §3.6).
const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

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
pub struct ClientSecret(String);

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
// AuthFlow
// ---------------------------------------------------------------------------

/// An authentication flow an app client may allow (`ExplicitAuthFlows`).
///
/// Variants are ordered as declared; [`AppClientConfig::explicit_auth_flows`]
/// lists them in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthFlow {
    /// `ALLOW_USER_SRP_AUTH`: `USER_SRP_AUTH`, the password never leaves the client.
    UserSrpAuth,
    /// `ALLOW_USER_PASSWORD_AUTH`: `USER_PASSWORD_AUTH`, the password is sent
    /// in `InitiateAuth`. Legacy name `USER_PASSWORD_AUTH`.
    UserPasswordAuth,
    /// `ALLOW_ADMIN_USER_PASSWORD_AUTH`: `ADMIN_USER_PASSWORD_AUTH` in
    /// `AdminInitiateAuth`. Legacy name `ADMIN_NO_SRP_AUTH`.
    AdminUserPasswordAuth,
    /// `ALLOW_CUSTOM_AUTH`: Lambda-driven `CUSTOM_AUTH`. Legacy name
    /// `CUSTOM_AUTH_FLOW_ONLY`.
    CustomAuth,
    /// `ALLOW_REFRESH_TOKEN_AUTH`: `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN`.
    RefreshTokenAuth,
    /// `ALLOW_USER_AUTH`: choice-based sign-in (`USER_AUTH`).
    UserAuth,
}

impl AuthFlow {
    /// Every flow, in declaration order.
    pub const ALL: [Self; 6] = [
        Self::UserSrpAuth,
        Self::UserPasswordAuth,
        Self::AdminUserPasswordAuth,
        Self::CustomAuth,
        Self::RefreshTokenAuth,
        Self::UserAuth,
    ];

    /// The flows a client allows when `ExplicitAuthFlows` is omitted
    /// (cognito-protocol.md §4.3): `ALLOW_REFRESH_TOKEN_AUTH`,
    /// `ALLOW_USER_SRP_AUTH`, `ALLOW_CUSTOM_AUTH`.
    pub const DEFAULT: [Self; 3] = [Self::RefreshTokenAuth, Self::UserSrpAuth, Self::CustomAuth];

    /// The legacy `ExplicitAuthFlows` values and the flow each one maps to.
    const LEGACY: [(&'static str, Self); 3] = [
        ("ADMIN_NO_SRP_AUTH", Self::AdminUserPasswordAuth),
        ("CUSTOM_AUTH_FLOW_ONLY", Self::CustomAuth),
        ("USER_PASSWORD_AUTH", Self::UserPasswordAuth),
    ];

    /// The `ALLOW_*` name, as `DescribeUserPoolClient` reports it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UserSrpAuth => "ALLOW_USER_SRP_AUTH",
            Self::UserPasswordAuth => "ALLOW_USER_PASSWORD_AUTH",
            Self::AdminUserPasswordAuth => "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            Self::CustomAuth => "ALLOW_CUSTOM_AUTH",
            Self::RefreshTokenAuth => "ALLOW_REFRESH_TOKEN_AUTH",
            Self::UserAuth => "ALLOW_USER_AUTH",
        }
    }

    /// Parses one `ExplicitAuthFlows` value: an `ALLOW_*` name or one of the
    /// legacy names `ADMIN_NO_SRP_AUTH`, `USER_PASSWORD_AUTH`,
    /// `CUSTOM_AUTH_FLOW_ONLY`. Case-sensitive, as the model's enum is.
    ///
    /// A list must not mix the two kinds; use [`AuthFlow::parse_list`] for a
    /// whole `ExplicitAuthFlows` member.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) for
    /// any other value, in Cognito's model-validation wording.
    pub fn parse(value: &str) -> Result<Self> {
        Self::parse_tagged(value).map(|(flow, _legacy)| flow)
    }

    /// Parses a whole `ExplicitAuthFlows` list into a set, in declaration
    /// order without duplicates.
    ///
    /// An empty list is returned as an empty set; [`AppClientConfigBuilder`]
    /// treats an empty set like an omitted one (the default flows), see
    /// [`AppClientConfigBuilder::explicit_auth_flows`].
    ///
    /// Legacy values map to one flow each (`ADMIN_NO_SRP_AUTH` →
    /// [`AdminUserPasswordAuth`](Self::AdminUserPasswordAuth),
    /// `USER_PASSWORD_AUTH` → [`UserPasswordAuth`](Self::UserPasswordAuth),
    /// `CUSTOM_AUTH_FLOW_ONLY` → [`CustomAuth`](Self::CustomAuth)) and nothing
    /// else is implied: a legacy list does not also allow SRP or refresh.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) for
    /// an unknown value, or when the list mixes legacy values with `ALLOW_*`
    /// values, which Cognito refuses (cognito-protocol.md §4.3).
    pub fn parse_list<S: AsRef<str>>(values: &[S]) -> Result<Vec<Self>> {
        let mut flows = Vec::with_capacity(values.len());
        let (mut legacy, mut current) = (false, false);
        for value in values {
            let (flow, is_legacy) = Self::parse_tagged(value.as_ref())?;
            legacy |= is_legacy;
            current |= !is_legacy;
            flows.push(flow);
        }
        if legacy && current {
            return Err(Error::invalid_parameter(
                "ExplicitAuthFlows cannot mix legacy values (ADMIN_NO_SRP_AUTH, \
                 CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH) with ALLOW_ values.",
            ));
        }
        flows.sort_unstable();
        flows.dedup();
        Ok(flows)
    }

    /// The flow and whether `value` was a legacy name.
    fn parse_tagged(value: &str) -> Result<(Self, bool)> {
        if let Some(flow) = Self::ALL.into_iter().find(|f| f.as_str() == value) {
            return Ok((flow, false));
        }
        if let Some((_, flow)) = Self::LEGACY.into_iter().find(|(name, _)| *name == value) {
            return Ok((flow, true));
        }
        Err(Error::violation(
            "explicitAuthFlows",
            Shown::Value(value.to_owned()),
            Constraint::OneOf(vec![
                "ADMIN_NO_SRP_AUTH",
                "CUSTOM_AUTH_FLOW_ONLY",
                "USER_PASSWORD_AUTH",
                "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                "ALLOW_CUSTOM_AUTH",
                "ALLOW_USER_PASSWORD_AUTH",
                "ALLOW_USER_SRP_AUTH",
                "ALLOW_REFRESH_TOKEN_AUTH",
                "ALLOW_USER_AUTH",
            ]),
        ))
    }
}

impl FromStr for AuthFlow {
    type Err = Error;

    /// [`AuthFlow::parse`].
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

impl fmt::Display for AuthFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------
// Token validity
// ---------------------------------------------------------------------------

/// The unit of a token validity value (`TokenValidityUnits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenUnit {
    /// `seconds`.
    Seconds,
    /// `minutes`.
    Minutes,
    /// `hours`: the default unit for access and ID tokens.
    Hours,
    /// `days`: the default unit for refresh tokens.
    Days,
}

impl TokenUnit {
    /// The wire name: `seconds`, `minutes`, `hours` or `days`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Seconds => "seconds",
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
        }
    }

    /// One unit, in seconds.
    const fn seconds(self) -> u64 {
        match self {
            Self::Seconds => 1,
            Self::Minutes => 60,
            Self::Hours => 3600,
            Self::Days => 86_400,
        }
    }

    /// `value` of this unit as a [`Duration`]. Never overflows: the largest
    /// value is `u32::MAX` days.
    #[must_use]
    pub const fn duration(self, value: u32) -> Duration {
        Duration::from_secs(value as u64 * self.seconds())
    }

    /// Parses a wire name (`seconds`, `minutes`, `hours`, `days`; lowercase,
    /// as the model's enum).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) for
    /// any other value.
    pub fn parse(value: &str) -> Result<Self> {
        [Self::Seconds, Self::Minutes, Self::Hours, Self::Days]
            .into_iter()
            .find(|u| u.as_str() == value)
            .ok_or_else(|| {
                Error::violation(
                    "tokenValidityUnits",
                    Shown::Value(value.to_owned()),
                    Constraint::OneOf(vec!["seconds", "minutes", "hours", "days"]),
                )
            })
    }

    /// `"1 minute"`, `"4 minutes"`.
    fn amount(self, value: u32) -> String {
        let name = self.as_str();
        if value == 1 {
            format!("1 {}", name.trim_end_matches('s'))
        } else {
            format!("{value} {name}")
        }
    }
}

impl FromStr for TokenUnit {
    type Err = Error;

    /// [`TokenUnit::parse`].
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// Cognito's `TokenValidityUnits`: the unit of each validity value, where
/// `None` means the member's default unit (hours for access and ID tokens,
/// days for refresh tokens). Only used by [`TokenValidity::from_api`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TokenValidityUnits {
    /// Unit of `AccessTokenValidity`. Defaults to hours.
    pub access_token: Option<TokenUnit>,
    /// Unit of `IdTokenValidity`. Defaults to hours.
    pub id_token: Option<TokenUnit>,
    /// Unit of `RefreshTokenValidity`. Defaults to days.
    pub refresh_token: Option<TokenUnit>,
}

/// How long an app client's access, ID and refresh tokens live, always within
/// Cognito's ranges (cognito-protocol.md §4.3, §6.6).
///
/// Build one with [`TokenValidity::builder`] from `(value, unit)` pairs, with
/// [`TokenValidity::from_api`] from the raw `CreateUserPoolClient` members, or
/// with [`TokenValidity::new`] from durations. [`TokenValidity::DEFAULT`] is
/// Cognito's default: access and ID tokens 60 minutes, refresh tokens 30 days.
///
/// ```
/// use std::time::Duration;
/// use userpool::client::{TokenUnit, TokenValidity};
///
/// # fn main() -> userpool::Result<()> {
/// let v = TokenValidity::builder()
///     .access_token(15, TokenUnit::Minutes)
///     .refresh_token(7, TokenUnit::Days)
///     .build()?;
/// assert_eq!(v.access_token(), Duration::from_secs(15 * 60));
/// assert_eq!(v.id_token(), Duration::from_secs(60 * 60)); // default
/// assert_eq!(v.refresh_token(), Duration::from_secs(7 * 86_400));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TokenValidity {
    access_token: Duration,
    id_token: Duration,
    refresh_token: Duration,
    /// The units the lifetimes were given in (access, ID, refresh), so a
    /// client describes back as it was created.
    units: [TokenUnit; 3],
}

impl TokenValidity {
    /// Shortest access token lifetime: 5 minutes.
    pub const MIN_ACCESS_TOKEN: Duration = Duration::from_secs(5 * 60);
    /// Longest access token lifetime: 1 day.
    pub const MAX_ACCESS_TOKEN: Duration = Duration::from_secs(86_400);
    /// Default access token lifetime: 60 minutes.
    pub const DEFAULT_ACCESS_TOKEN: Duration = Duration::from_secs(60 * 60);

    /// Shortest ID token lifetime: 5 minutes.
    pub const MIN_ID_TOKEN: Duration = Duration::from_secs(5 * 60);
    /// Longest ID token lifetime: 1 day.
    pub const MAX_ID_TOKEN: Duration = Duration::from_secs(86_400);
    /// Default ID token lifetime: 60 minutes.
    pub const DEFAULT_ID_TOKEN: Duration = Duration::from_secs(60 * 60);

    /// Shortest refresh token lifetime: 60 minutes.
    pub const MIN_REFRESH_TOKEN: Duration = Duration::from_secs(60 * 60);
    /// Longest refresh token lifetime: 3650 days.
    pub const MAX_REFRESH_TOKEN: Duration = Duration::from_secs(3650 * 86_400);
    /// Default refresh token lifetime: 30 days. Also what a
    /// `RefreshTokenValidity` of `0` means.
    pub const DEFAULT_REFRESH_TOKEN: Duration = Duration::from_secs(30 * 86_400);

    /// Cognito's defaults: access and ID tokens 60 minutes, refresh tokens 30 days.
    pub const DEFAULT: Self = Self {
        access_token: Self::DEFAULT_ACCESS_TOKEN,
        id_token: Self::DEFAULT_ID_TOKEN,
        refresh_token: Self::DEFAULT_REFRESH_TOKEN,
        units: Self::DEFAULT_UNITS,
    };

    /// The units Cognito reports for lifetimes given without one: minutes
    /// for access and ID tokens, days for refresh tokens.
    const DEFAULT_UNITS: [TokenUnit; 3] = [TokenUnit::Minutes, TokenUnit::Minutes, TokenUnit::Days];

    /// The units the lifetimes were given in (`TokenValidityUnits`); for
    /// lifetimes not given in a unit, minutes for access and ID tokens and
    /// days for refresh tokens.
    #[must_use]
    pub const fn units(&self) -> TokenValidityUnits {
        TokenValidityUnits {
            access_token: Some(self.units[0]),
            id_token: Some(self.units[1]),
            refresh_token: Some(self.units[2]),
        }
    }

    /// A builder that starts from [`TokenValidity::DEFAULT`].
    pub const fn builder() -> TokenValidityBuilder {
        TokenValidityBuilder {
            access_token: None,
            id_token: None,
            refresh_token: None,
        }
    }

    /// Lifetimes given as durations, checked against the ranges. Unlike the
    /// `(value, unit)` forms, a zero refresh lifetime is refused here rather
    /// than read as the default.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter)
    /// naming the first member out of range, as in
    /// [`TokenValidityBuilder::build`].
    pub fn new(
        access_token: Duration,
        id_token: Duration,
        refresh_token: Duration,
    ) -> Result<Self> {
        let shown = |d: Duration| {
            if d.subsec_nanos() == 0 {
                format!("{} seconds", d.as_secs())
            } else {
                format!("{d:?}")
            }
        };
        check_validity(Member::Access, access_token, || shown(access_token))?;
        check_validity(Member::Id, id_token, || shown(id_token))?;
        check_validity(Member::Refresh, refresh_token, || shown(refresh_token))?;
        Ok(Self {
            access_token,
            id_token,
            refresh_token,
            units: Self::DEFAULT_UNITS,
        })
    }

    /// Lifetimes from the raw `CreateUserPoolClient` members
    /// `AccessTokenValidity`, `IdTokenValidity`, `RefreshTokenValidity` and
    /// `TokenValidityUnits`, with Cognito's rules (cognito-protocol.md §4.3):
    ///
    /// * an omitted value is the default lifetime, whatever its unit says;
    /// * a value without a unit is in hours (access, ID) or days (refresh);
    /// * `RefreshTokenValidity = 0` means 30 days, in any unit.
    ///
    /// # Errors
    ///
    /// As [`TokenValidityBuilder::build`].
    pub fn from_api(
        access_token: Option<u32>,
        id_token: Option<u32>,
        refresh_token: Option<u32>,
        units: TokenValidityUnits,
    ) -> Result<Self> {
        TokenValidityBuilder {
            access_token: access_token.map(|v| (v, units.access_token.unwrap_or(TokenUnit::Hours))),
            id_token: id_token.map(|v| (v, units.id_token.unwrap_or(TokenUnit::Hours))),
            refresh_token: refresh_token
                .map(|v| (v, units.refresh_token.unwrap_or(TokenUnit::Days))),
        }
        .build()
    }

    /// Access token lifetime, 5 minutes to 1 day. Defaults to 60 minutes.
    #[must_use]
    pub const fn access_token(&self) -> Duration {
        self.access_token
    }

    /// ID token lifetime, 5 minutes to 1 day. Defaults to 60 minutes.
    #[must_use]
    pub const fn id_token(&self) -> Duration {
        self.id_token
    }

    /// Refresh token lifetime, 60 minutes to 3650 days. Defaults to 30 days.
    #[must_use]
    pub const fn refresh_token(&self) -> Duration {
        self.refresh_token
    }
}

impl Default for TokenValidity {
    /// [`TokenValidity::DEFAULT`].
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Builds a [`TokenValidity`] from `(value, unit)` pairs; a member not set
/// keeps its default lifetime.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TokenValidityBuilder {
    access_token: Option<(u32, TokenUnit)>,
    id_token: Option<(u32, TokenUnit)>,
    refresh_token: Option<(u32, TokenUnit)>,
}

impl TokenValidityBuilder {
    /// `AccessTokenValidity` in `unit`: 5 minutes to 1 day. Defaults to 60 minutes.
    pub const fn access_token(mut self, value: u32, unit: TokenUnit) -> Self {
        self.access_token = Some((value, unit));
        self
    }

    /// `IdTokenValidity` in `unit`: 5 minutes to 1 day. Defaults to 60 minutes.
    pub const fn id_token(mut self, value: u32, unit: TokenUnit) -> Self {
        self.id_token = Some((value, unit));
        self
    }

    /// `RefreshTokenValidity` in `unit`: 60 minutes to 3650 days, where `0`
    /// (in any unit) means the default. Defaults to 30 days.
    pub const fn refresh_token(mut self, value: u32, unit: TokenUnit) -> Self {
        self.refresh_token = Some((value, unit));
        self
    }

    /// The lifetimes, if each is in range.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter)
    /// naming the first member (access, ID, refresh) out of range, e.g.
    /// `Invalid range for token validity: AccessTokenValidity must be between
    /// 5 minutes and 1 day, got 4 minutes.`
    pub fn build(self) -> Result<TokenValidity> {
        let resolve = |member: Member, set: Option<(u32, TokenUnit)>| -> Result<Duration> {
            match set {
                None => Ok(member.default()),
                // cognito-protocol.md §4.3: RefreshTokenValidity 0 means 30 days.
                Some((0, _)) if member == Member::Refresh => Ok(member.default()),
                Some((value, unit)) => {
                    let d = unit.duration(value);
                    check_validity(member, d, || unit.amount(value))?;
                    Ok(d)
                }
            }
        };
        let [a, i, r] = TokenValidity::DEFAULT_UNITS;
        Ok(TokenValidity {
            access_token: resolve(Member::Access, self.access_token)?,
            id_token: resolve(Member::Id, self.id_token)?,
            refresh_token: resolve(Member::Refresh, self.refresh_token)?,
            units: [
                self.access_token.map_or(a, |(_, u)| u),
                self.id_token.map_or(i, |(_, u)| u),
                self.refresh_token.map_or(r, |(_, u)| u),
            ],
        })
    }
}

impl Default for TokenValidityBuilder {
    fn default() -> Self {
        TokenValidity::builder()
    }
}

/// The three validity members, for defaults, ranges and messages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Member {
    Access,
    Id,
    Refresh,
}

impl Member {
    const fn name(self) -> &'static str {
        match self {
            Self::Access => "AccessTokenValidity",
            Self::Id => "IdTokenValidity",
            Self::Refresh => "RefreshTokenValidity",
        }
    }

    const fn default(self) -> Duration {
        match self {
            Self::Access => TokenValidity::DEFAULT_ACCESS_TOKEN,
            Self::Id => TokenValidity::DEFAULT_ID_TOKEN,
            Self::Refresh => TokenValidity::DEFAULT_REFRESH_TOKEN,
        }
    }

    /// The inclusive range and how the message spells it.
    const fn range(self) -> (Duration, Duration, &'static str) {
        match self {
            Self::Access => (
                TokenValidity::MIN_ACCESS_TOKEN,
                TokenValidity::MAX_ACCESS_TOKEN,
                "5 minutes and 1 day",
            ),
            Self::Id => (
                TokenValidity::MIN_ID_TOKEN,
                TokenValidity::MAX_ID_TOKEN,
                "5 minutes and 1 day",
            ),
            Self::Refresh => (
                TokenValidity::MIN_REFRESH_TOKEN,
                TokenValidity::MAX_REFRESH_TOKEN,
                "60 minutes and 3650 days",
            ),
        }
    }
}

/// Refuses a lifetime outside the member's range (cognito-protocol.md §6.6).
fn check_validity(member: Member, d: Duration, shown: impl FnOnce() -> String) -> Result<()> {
    let (min, max, spelled) = member.range();
    if d < min || d > max {
        return Err(Error::invalid_parameter(format!(
            "Invalid range for token validity: {} must be between {spelled}, got {}.",
            member.name(),
            shown()
        )));
    }
    Ok(())
}

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
    /// * then, if both [`generate_secret`](Self::generate_secret) and
    ///   [`client_secret`](Self::client_secret) were given.
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

        if !problems.is_empty() {
            return Err(Error::validation(problems));
        }

        if self.generate_secret && self.client_secret.is_some() {
            return Err(Error::invalid_parameter(
                "GenerateSecret and ClientSecret cannot both be specified.",
            ));
        }

        let mut flows = self.explicit_auth_flows;
        if flows.is_empty() {
            flows = AuthFlow::DEFAULT.to_vec();
        }
        flows.sort_unstable();
        flows.dedup();

        Ok(AppClientConfig {
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
        })
    }
}

/// The model-validation problem with a client secret, if any: 24–64
/// characters of `[\w+]` (ASCII word characters and `+`). The value is left
/// out of the message, as Cognito does for secrets.
fn secret_format_problem(secret: &str, member: &str) -> Option<Violation> {
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

// ---------------------------------------------------------------------------
// AppClient
// ---------------------------------------------------------------------------

/// An app client of a pool: its id, its secret if it is confidential, its
/// configuration, and when it was created and last modified.
#[derive(Clone, Debug)]
pub struct AppClient {
    id: String,
    secret: Option<ClientSecret>,
    config: AppClientConfig,
    created_at: Timestamp,
    modified_at: Timestamp,
}

impl AppClient {
    /// Length of a generated client id (cognito-protocol.md §3.6).
    pub const GENERATED_ID_CHARS: usize = 26;
    /// Length of a generated client secret (cognito-protocol.md §3.6).
    pub const GENERATED_SECRET_CHARS: usize = 51;
    /// Longest client id accepted by [`AppClient::from_parts`] (model `ClientIdType`).
    pub const MAX_ID_CHARS: usize = 128;

    /// A new client created at `now`: a fresh 26-character id, and a fresh
    /// 51-character secret if the configuration asks for one, both drawn from
    /// the operating system's CSPRNG. An explicit secret in `config` moves
    /// into the client.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if the
    /// system random number generator fails.
    pub fn new(mut config: AppClientConfig, now: Timestamp) -> Result<Self> {
        let id = generate_client_id()?;
        let secret = match config.client_secret.take() {
            Some(explicit) => Some(explicit),
            None if config.generate_secret => Some(generate_client_secret()?),
            None => None,
        };
        Ok(Self {
            id,
            secret,
            config,
            created_at: now,
            modified_at: now,
        })
    }

    /// A client with a known id, for restoring one from storage or for tests.
    /// Its secret is the configuration's explicit
    /// [`client_secret`](AppClientConfig::client_secret), which moves into the
    /// client; [`generate_secret`](AppClientConfig::generate_secret) is ignored
    /// here (nothing is drawn).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// `id` is not 1–128 characters of `[\w+]` (model `ClientIdType`).
    pub fn from_parts(
        id: impl Into<String>,
        mut config: AppClientConfig,
        created_at: Timestamp,
        modified_at: Timestamp,
    ) -> Result<Self> {
        let id = id.into();
        let ok_chars = id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+');
        if id.is_empty() || id.len() > Self::MAX_ID_CHARS || !ok_chars {
            return Err(Error::violation(
                "clientId",
                Shown::Value(id),
                Constraint::Pattern {
                    pattern: "[\\w+]+",
                    length: Some((1, Self::MAX_ID_CHARS as u64)),
                },
            ));
        }
        let secret = config.client_secret.take();
        Ok(Self {
            id,
            secret,
            config,
            created_at,
            modified_at,
        })
    }

    /// A client read back from a store: its parts are already validated.
    pub(crate) const fn restore(
        id: String,
        secret: Option<ClientSecret>,
        config: AppClientConfig,
        created_at: Timestamp,
        modified_at: Timestamp,
    ) -> Self {
        Self {
            id,
            secret,
            config,
            created_at,
            modified_at,
        }
    }

    /// This client with a new configuration at `now`: the id, the secret and
    /// the creation time stay (`UpdateUserPoolClient` cannot change them).
    #[must_use]
    pub(crate) fn reconfigured(&self, mut config: AppClientConfig, now: Timestamp) -> Self {
        config.client_secret = None;
        Self {
            id: self.id.clone(),
            secret: self.secret.clone(),
            config,
            created_at: self.created_at,
            modified_at: now,
        }
    }

    /// The client id (`ClientId`).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client secret, if the client is confidential.
    #[must_use]
    pub const fn secret(&self) -> Option<&ClientSecret> {
        self.secret.as_ref()
    }

    /// The client's settings. Its [`client_secret`](AppClientConfig::client_secret)
    /// is always `None`; the secret is [`AppClient::secret`].
    #[must_use]
    pub const fn config(&self) -> &AppClientConfig {
        &self.config
    }

    /// When the client was created (`CreationDate`).
    #[must_use]
    pub const fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// When the client was last modified (`LastModifiedDate`).
    #[must_use]
    pub const fn modified_at(&self) -> Timestamp {
        self.modified_at
    }
}

/// A fresh client id: 26 characters from `[a-z0-9]`, each uniform
/// (cognito-protocol.md §3.6).
pub(crate) fn generate_client_id() -> Result<String> {
    let mut id = String::with_capacity(AppClient::GENERATED_ID_CHARS);
    for _ in 0..AppClient::GENERATED_ID_CHARS {
        id.push(random_id_char()?);
    }
    Ok(id)
}

/// A fresh client secret: 51 characters from `[a-z0-9]`, each uniform
/// (about 263 bits; cognito-protocol.md §3.6).
pub(crate) fn generate_client_secret() -> Result<ClientSecret> {
    // Zeroizing: an early return must not leave half a secret in freed memory.
    // The capacity is exact, so the buffer never reallocates and leaves no copy.
    let mut buf = Zeroizing::new(String::with_capacity(AppClient::GENERATED_SECRET_CHARS));
    for _ in 0..AppClient::GENERATED_SECRET_CHARS {
        buf.push(random_id_char()?);
    }
    Ok(ClientSecret(std::mem::take(&mut *buf)))
}

fn random_id_char() -> Result<char> {
    // ID_ALPHABET has 36 entries, so the cast and the index are in range.
    let i = random::below(ID_ALPHABET.len() as u32)? as usize;
    ID_ALPHABET
        .get(i)
        .map(|&b| char::from(b))
        .ok_or_else(|| Error::internal("A random index fell outside its alphabet."))
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
///   canonical padded base64 Cognito's clients send is accepted).
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
    let Some(secret) = client.secret() else {
        return Ok(());
    };
    let Some(provided) = provided else {
        return Err(Error::not_authorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.id()
        )));
    };
    let expected = Zeroizing::new(secret_hash(secret, username, client.id()));
    if bool::from(expected.as_bytes().ct_eq(provided.as_bytes())) {
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
/// * A client with a secret: `true` only if `provided` equals it, compared in
///   constant time; a missing secret is `false`.
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
    match (client.secret(), provided) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(secret), Some(provided)) => {
            bool::from(secret.expose_secret().as_bytes().ct_eq(provided.as_bytes()))
        }
    }
}

#[cfg(test)]
mod api_tests;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::error::ErrorCode;

    const SECRET: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

    fn confidential(id: &str) -> AppClient {
        let config = AppClientConfig::builder("web")
            .client_secret(ClientSecret::new(SECRET))
            .build()
            .unwrap();
        AppClient::from_parts(id, config, Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH).unwrap()
    }

    /// cognito-protocol.md §2, verified there with pycognito's `get_secret_hash`.
    #[test]
    fn secret_hash_known_answer() {
        assert_eq!(
            secret_hash(&ClientSecret::new(SECRET), "alice", "1example23456789"),
            "WozKlcsNn42vw+GNgYnkjUawOBKW3mhoGnHQ4vT3VxA="
        );
    }

    #[test]
    fn generated_ids_and_secrets_have_cognitos_shape() {
        for _ in 0..20 {
            let id = generate_client_id().unwrap();
            assert_eq!(id.len(), 26);
            assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));
            let secret = generate_client_secret().unwrap();
            assert_eq!(secret.expose_secret().len(), 51);
            assert!(
                secret
                    .expose_secret()
                    .bytes()
                    .all(|b| ID_ALPHABET.contains(&b))
            );
            assert!(secret_format_problem(secret.expose_secret(), "clientSecret").is_none());
        }
        assert_ne!(generate_client_id().unwrap(), generate_client_id().unwrap());
    }

    #[test]
    fn new_client_draws_a_secret_only_when_asked() {
        let now = Timestamp::from_unix_seconds(1_700_000_000);
        let public = AppClient::new(AppClientConfig::builder("a").build().unwrap(), now).unwrap();
        assert!(public.secret().is_none());
        assert_eq!(public.id().len(), 26);
        assert_eq!(public.created_at(), now);
        assert_eq!(public.modified_at(), now);

        let generated = AppClientConfig::builder("b")
            .generate_secret(true)
            .build()
            .unwrap();
        let c = AppClient::new(generated, now).unwrap();
        assert_eq!(c.secret().map(|s| s.expose_secret().len()), Some(51));

        let explicit = AppClientConfig::builder("c")
            .client_secret(ClientSecret::new(SECRET))
            .build()
            .unwrap();
        let c = AppClient::new(explicit, now).unwrap();
        assert_eq!(c.secret().map(ClientSecret::expose_secret), Some(SECRET));
        assert!(c.config().client_secret().is_none());
    }

    #[test]
    fn public_client_ignores_secret_hash() {
        let config = AppClientConfig::builder("web").build().unwrap();
        let client =
            AppClient::from_parts("abc", config, Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH)
                .unwrap();
        assert!(check_secret_hash(&client, "alice", None).is_ok());
        assert!(check_secret_hash(&client, "alice", Some("garbage")).is_ok());
        assert!(check_client_secret(&client, None));
        assert!(check_client_secret(&client, Some("anything")));
    }

    #[test]
    fn secret_hash_errors_use_cognitos_messages() {
        let client = confidential("1example23456789");
        let missing = check_secret_hash(&client, "alice", None).unwrap_err();
        assert_eq!(missing.code(), ErrorCode::NotAuthorized);
        assert_eq!(
            missing.message(),
            "Client 1example23456789 is configured with secret but SECRET_HASH was not received"
        );
        for wrong in ["", "WozKlcsNn42vw+GNgYnkjUawOBKW3mhoGnHQ4vT3VxA", "x"] {
            let err = check_secret_hash(&client, "alice", Some(wrong)).unwrap_err();
            assert_eq!(err.code(), ErrorCode::NotAuthorized);
            assert_eq!(
                err.message(),
                "Unable to verify secret hash for client 1example23456789"
            );
        }
        check_secret_hash(
            &client,
            "alice",
            Some("WozKlcsNn42vw+GNgYnkjUawOBKW3mhoGnHQ4vT3VxA="),
        )
        .unwrap();
    }

    #[test]
    fn raw_client_secret_check() {
        let client = confidential("1example23456789");
        assert!(check_client_secret(&client, Some(SECRET)));
        assert!(!check_client_secret(&client, None));
        assert!(!check_client_secret(
            &client,
            Some("abcdefghijklmnopqrstuvwxyz012345678")
        ));
        assert!(!check_client_secret(&client, Some("")));
    }

    #[test]
    fn secret_never_appears_in_debug_output() {
        let client = confidential("id");
        let printed = format!("{client:?}");
        assert!(printed.contains("ClientSecret([redacted])"));
        assert!(!printed.contains("abcdefghij"));
    }

    #[test]
    fn client_secret_format_is_checked() {
        for bad in [
            "short",
            "has space in the middle of it",
            "ä23456789012345678901234",
        ] {
            let err = AppClientConfig::builder("web")
                .client_secret(ClientSecret::new(bad))
                .build()
                .unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidParameter);
            assert!(!err.message().contains(bad));
        }
        let ok = "a_b+".repeat(6);
        assert!(
            AppClientConfig::builder("web")
                .client_secret(ClientSecret::new(ok))
                .build()
                .is_ok()
        );
        let too_long = "a".repeat(65);
        assert!(
            AppClientConfig::builder("web")
                .client_secret(ClientSecret::new(too_long))
                .build()
                .is_err()
        );
    }

    #[test]
    fn both_secret_options_are_refused() {
        let err = AppClientConfig::builder("web")
            .generate_secret(true)
            .client_secret(ClientSecret::new(SECRET))
            .build()
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
    }

    #[test]
    fn client_name_limits() {
        assert!(AppClientConfig::builder("").build().is_err());
        assert!(AppClientConfig::builder("a".repeat(128)).build().is_ok());
        assert!(AppClientConfig::builder("a".repeat(129)).build().is_err());
        assert!(
            AppClientConfig::builder("my app+1=2,3.4@5-6_7")
                .build()
                .is_ok()
        );
        assert!(AppClientConfig::builder("no/slashes").build().is_err());
    }

    #[test]
    fn model_problems_are_reported_together() {
        let err = AppClientConfig::builder("")
            .auth_session_validity(16)
            .build()
            .unwrap_err();
        assert!(
            err.message().starts_with("2 validation errors detected: "),
            "{}",
            err.message()
        );
    }

    #[test]
    fn client_id_format_is_checked() {
        let config = || AppClientConfig::builder("web").build().unwrap();
        let t = Timestamp::UNIX_EPOCH;
        assert!(AppClient::from_parts("", config(), t, t).is_err());
        assert!(AppClient::from_parts("a-b", config(), t, t).is_err());
        assert!(AppClient::from_parts("a".repeat(129), config(), t, t).is_err());
        assert!(AppClient::from_parts("a_b+C9", config(), t, t).is_ok());
    }

    #[test]
    fn unit_amounts_read_naturally() {
        assert_eq!(TokenUnit::Minutes.amount(1), "1 minute");
        assert_eq!(TokenUnit::Days.amount(3651), "3651 days");
    }

    #[test]
    fn attribute_names_in_lists_are_bounded() {
        assert!(
            AppClientConfig::builder("w")
                .read_attributes([""])
                .build()
                .is_err()
        );
        assert!(
            AppClientConfig::builder("w")
                .write_attributes(["x".repeat(2049)])
                .build()
                .is_err()
        );
    }

    #[test]
    fn refresh_token_rotation_grace_period() {
        assert_eq!(
            RefreshTokenRotation::default(),
            RefreshTokenRotation::DISABLED
        );
        let r = RefreshTokenRotation::enabled(60).unwrap();
        assert!(r.is_enabled());
        assert_eq!(r.retry_grace_period(), Duration::from_secs(60));
        let err = RefreshTokenRotation::enabled(61).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
    }
}
