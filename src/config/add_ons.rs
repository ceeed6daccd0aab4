//! `UserPoolAddOns`: threat protection (advanced security). Stored and
//! reported; risk scoring, compromised-credential checks and adaptive
//! authentication are not simulated. The one rule kept is Cognito's plan
//! gate: any mode but `OFF` needs the `PLUS` plan.

use crate::error::{Error, ErrorCode, Result};

use super::UserPoolTier;

/// The operating mode of threat protection (`AdvancedSecurityModeType`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AdvancedSecurityMode {
    /// `OFF`: the default.
    #[default]
    Off,
    /// `AUDIT`: log risk, take no action (not simulated).
    Audit,
    /// `ENFORCED`: act on risk (not simulated).
    Enforced,
}

impl AdvancedSecurityMode {
    /// The mode's wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::Audit => "AUDIT",
            Self::Enforced => "ENFORCED",
        }
    }
}

/// A pool's `UserPoolAddOns`.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct UserPoolAddOns {
    /// `AdvancedSecurityMode`: threat protection for password and SRP
    /// sign-in.
    pub advanced_security_mode: AdvancedSecurityMode,
    /// `AdvancedSecurityAdditionalFlows.CustomAuthMode`: threat protection
    /// for custom authentication, `AUDIT` or `ENFORCED` when given.
    pub custom_auth_mode: Option<AdvancedSecurityMode>,
}

impl UserPoolAddOns {
    /// Add-ons with `mode` for the standard flows and none for custom
    /// authentication.
    #[must_use]
    pub fn new(mode: AdvancedSecurityMode) -> Self {
        Self {
            advanced_security_mode: mode,
            custom_auth_mode: None,
        }
    }

    /// These add-ons with `CustomAuthMode` set.
    #[must_use]
    pub fn with_custom_auth_mode(mut self, mode: Option<AdvancedSecurityMode>) -> Self {
        self.custom_auth_mode = mode;
        self
    }

    /// Whether any threat protection is asked for.
    fn active(self) -> bool {
        self.advanced_security_mode != AdvancedSecurityMode::Off
            || self
                .custom_auth_mode
                .is_some_and(|m| m != AdvancedSecurityMode::Off)
    }

    /// Cognito's rules for add-ons on `tier`.
    ///
    /// The message of the tier refusal is this engine's choice (AWS
    /// documents only that the setting needs the Plus plan).
    pub(crate) fn check(self, tier: UserPoolTier) -> Result<()> {
        if self.custom_auth_mode == Some(AdvancedSecurityMode::Off) {
            return Err(Error::invalid_parameter(
                "UserPoolAddOns.AdvancedSecurityAdditionalFlows.CustomAuthMode must be AUDIT or \
                 ENFORCED.",
            ));
        }
        if self.active() && tier != UserPoolTier::Plus {
            return Err(Error::new(
                ErrorCode::FeatureUnavailableInTier,
                format!(
                    "Threat protection (UserPoolAddOns) is not available in the {} feature plan; \
                     it needs PLUS.",
                    tier.as_str()
                ),
            ));
        }
        Ok(())
    }
}
