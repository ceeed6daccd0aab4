//! `ExplicitAuthFlows`: the sign-in flows an app client allows.

use std::fmt;
use std::str::FromStr;

use crate::error::{Constraint, Error, Result, Shown};

// ---------------------------------------------------------------------------
// AuthFlow
// ---------------------------------------------------------------------------

/// An authentication flow an app client may allow (`ExplicitAuthFlows`).
///
/// Variants are ordered as declared; [`AppClientConfig::explicit_auth_flows`](super::AppClientConfig::explicit_auth_flows)
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
    /// An empty list is returned as an empty set; [`AppClientConfigBuilder`](super::AppClientConfigBuilder)
    /// treats an empty set like an omitted one (the default flows), see
    /// [`AppClientConfigBuilder::explicit_auth_flows`](super::AppClientConfigBuilder::explicit_auth_flows).
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
