//! Token validity: how long access, ID and refresh tokens live, and in what units.

use std::str::FromStr;
use std::time::Duration;

use crate::error::{Constraint, Error, Result, Shown};

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
    pub(super) fn amount(self, value: u32) -> String {
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
    pub(super) access_token: Duration,
    pub(super) id_token: Duration,
    pub(super) refresh_token: Duration,
    /// The units the lifetimes were given in (access, ID, refresh), so a
    /// client describes back as it was created.
    pub(super) units: [TokenUnit; 3],
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
pub(super) enum Member {
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
pub(super) fn check_validity(
    member: Member,
    d: Duration,
    shown: impl FnOnce() -> String,
) -> Result<()> {
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
