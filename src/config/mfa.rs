//! Multi-factor authentication and device tracking settings of a pool
//! (cognito-mfa-devices-passwordless.md §1): `MfaConfiguration`, the
//! factors `SetUserPoolMfaConfig` turns on, and `DeviceConfiguration`.

/// `MfaConfiguration`: whether a second factor is never, always or
/// optionally asked for (§1.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MfaMode {
    /// No MFA challenge, ever.
    #[default]
    Off,
    /// Every sign-in ends in an MFA challenge or `MFA_SETUP` (except a
    /// remembered device).
    On,
    /// MFA for the users who turned a factor on.
    Optional,
}

impl MfaMode {
    /// Cognito's name: `OFF`, `ON`, `OPTIONAL`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::On => "ON",
            Self::Optional => "OPTIONAL",
        }
    }

    /// Parses Cognito's name (exact, upper case).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "OFF" => Self::Off,
            "ON" => Self::On,
            "OPTIONAL" => Self::Optional,
            _ => return None,
        })
    }
}

/// A second factor: a pool switch and a user's setting (§1.2, §2.1).
/// Ordered as Cognito lists them in `MFAS_CAN_SETUP`: SMS, TOTP, email.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MfaFactor {
    /// A code sent by SMS to `phone_number` (`SMS_MFA`).
    Sms,
    /// A TOTP authenticator app (`SOFTWARE_TOKEN_MFA`).
    SoftwareToken,
    /// A code sent by email to `email` (`EMAIL_OTP`).
    Email,
}

impl MfaFactor {
    /// Every factor, in Cognito's order.
    pub const ALL: [Self; 3] = [Self::Sms, Self::SoftwareToken, Self::Email];

    /// Cognito's name: `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "SMS_MFA",
            Self::SoftwareToken => "SOFTWARE_TOKEN_MFA",
            Self::Email => "EMAIL_OTP",
        }
    }

    /// Parses Cognito's name; `EMAIL_MFA` (the model's prose) is read as
    /// `EMAIL_OTP` (§5.2).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "SMS_MFA" => Self::Sms,
            "SOFTWARE_TOKEN_MFA" => Self::SoftwareToken,
            "EMAIL_OTP" | "EMAIL_MFA" => Self::Email,
            _ => return None,
        })
    }
}

/// The default SMS MFA message when the pool sets none (§1.2: a choice).
pub const DEFAULT_MFA_MESSAGE: &str = "Your authentication code is {####}. ";
/// The default subject of an email MFA message (§1.2: a choice).
pub const DEFAULT_MFA_SUBJECT: &str = "Your authentication code";

/// The SMS factor's settings (`SmsMfaConfiguration`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmsMfa {
    /// `SmsAuthenticationMessage`: contains `{####}`, 6–140 characters.
    /// `None`: [`DEFAULT_MFA_MESSAGE`].
    pub message: Option<String>,
}

/// The email factor's settings (`EmailMfaConfiguration`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmailMfa {
    /// `Message`: contains `{####}`, 6–20000 characters. `None`:
    /// [`DEFAULT_MFA_MESSAGE`].
    pub message: Option<String>,
    /// `Subject`. `None`: [`DEFAULT_MFA_SUBJECT`].
    pub subject: Option<String>,
}

/// What `SetUserPoolMfaConfig` sets: the mode and the factors on (§1.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MfaSettings {
    /// `MfaConfiguration`.
    pub mode: MfaMode,
    /// `SmsMfaConfiguration`; `None`: SMS is not a factor.
    pub sms: Option<SmsMfa>,
    /// `SoftwareTokenMfaConfiguration.Enabled`.
    pub software_token: bool,
    /// `EmailMfaConfiguration`; `None`: email is not a factor.
    pub email: Option<EmailMfa>,
}

impl MfaSettings {
    /// The mode.
    #[must_use]
    pub const fn mode(&self) -> MfaMode {
        self.mode
    }

    /// Whether the pool offers `factor` (whatever the mode).
    #[must_use]
    pub const fn factor_enabled(&self, factor: MfaFactor) -> bool {
        match factor {
            MfaFactor::Sms => self.sms.is_some(),
            MfaFactor::SoftwareToken => self.software_token,
            MfaFactor::Email => self.email.is_some(),
        }
    }

    /// The factors the pool offers, in Cognito's order.
    #[must_use]
    pub fn factors(&self) -> Vec<MfaFactor> {
        MfaFactor::ALL
            .into_iter()
            .filter(|f| self.factor_enabled(*f))
            .collect()
    }

    /// The SMS message of an MFA code.
    #[must_use]
    pub fn sms_message(&self) -> &str {
        self.sms
            .as_ref()
            .and_then(|s| s.message.as_deref())
            .unwrap_or(DEFAULT_MFA_MESSAGE)
    }

    /// The email message of an MFA code.
    #[must_use]
    pub fn email_message(&self) -> &str {
        self.email
            .as_ref()
            .and_then(|s| s.message.as_deref())
            .unwrap_or(DEFAULT_MFA_MESSAGE)
    }

    /// The email subject of an MFA code.
    #[must_use]
    pub fn email_subject(&self) -> &str {
        self.email
            .as_ref()
            .and_then(|s| s.subject.as_deref())
            .unwrap_or(DEFAULT_MFA_SUBJECT)
    }
}

/// `DeviceConfiguration` (§1.4): present means devices are tracked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DeviceConfiguration {
    /// `ChallengeRequiredOnNewDevice`: a remembered device skips MFA; a new
    /// one is challenged.
    pub challenge_required_on_new_device: bool,
    /// `DeviceOnlyRememberedOnUserPrompt`: a confirmed device is
    /// `not_remembered` until `UpdateDeviceStatus` remembers it.
    pub device_only_remembered_on_user_prompt: bool,
}
