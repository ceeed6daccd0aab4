//! The rules of a pool's MFA settings (cognito-mfa-devices-passwordless.md
//! §1.2–1.4): `SmsConfiguration`, the templates' model constraints, the
//! consistency `SetUserPoolMfaConfig` enforces, and
//! [`PoolConfig::with_mfa_config`], the change that operation makes.

use super::lambda::{ARN_MAX_LENGTH, is_arn};
use super::{EmailMfa, MfaMode, MfaSettings, PoolConfig, SmsMfa, UserPoolTier};
use crate::error::{Constraint, Error, ErrorCode, Result, Shown, Violation};
use crate::json::{model_path, truncate};

/// `SmsConfiguration`: the SNS role Cognito would send SMS messages with.
/// Stored and reported as given; this engine sends every SMS through its
/// `MessageSender` and never assumes the role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SmsConfiguration {
    /// `SnsCallerArn`: the IAM role's ARN.
    pub sns_caller_arn: Option<String>,
    /// `ExternalId`: the role's external id.
    pub external_id: Option<String>,
    /// `SnsRegion`: the region of the SNS service (5–32 characters).
    pub sns_region: Option<String>,
}

/// `SmsMfaConfiguration` of a `SetUserPoolMfaConfig` request: turns the SMS
/// factor on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmsMfaConfig {
    /// `SmsAuthenticationMessage`; `None` keeps the pool's (or the
    /// default, [`DEFAULT_MFA_MESSAGE`](super::DEFAULT_MFA_MESSAGE)).
    pub message: Option<String>,
    /// `SmsConfiguration`; `None` keeps the pool's.
    pub sms_configuration: Option<SmsConfiguration>,
}

/// A `SetUserPoolMfaConfig` request (§1.3). The factor set is replaced: a
/// factor left out (`None`, or `software_token: false`) is turned off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MfaConfigRequest {
    /// `MfaConfiguration`; `None` keeps the pool's mode (a choice the
    /// specification leaves open: "keep the stored value").
    pub mode: Option<MfaMode>,
    /// `SmsMfaConfiguration`: `Some` turns SMS on.
    pub sms: Option<SmsMfaConfig>,
    /// `SoftwareTokenMfaConfiguration.Enabled`.
    pub software_token: bool,
    /// `EmailMfaConfiguration`: `Some` turns email on.
    pub email: Option<EmailMfa>,
}

/// `MfaConfiguration` ON / OPTIONAL with no factor (§1.3).
pub(crate) const NO_FACTOR: &str = "Invalid MFA configuration given, can't disable all MFAs with a \
                                    required or optional configuration.";
/// `MfaConfiguration` OFF with a factor (§1.3).
pub(crate) const OFF_WITH_FACTOR: &str =
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.";
/// `CreateUserPool` / `UpdateUserPool` with MFA on and no factor it could
/// use (§1.3).
pub(crate) const SMS_REQUIRED: &str = "SMS configuration and Auto verification for phone_number \
                                       are required when MFA is required/optional";
/// Email MFA in the `LITE` plan (§1.4). Cognito's text is not published;
/// this one is worded like the other plan refusals of this engine.
pub(crate) const EMAIL_MFA_LITE: &str =
    "EmailMfaConfiguration is not available in the LITE feature plan.";

/// `OptionalArnType`'s pattern in the model.
const OPTIONAL_ARN_PATTERN: &str = "(arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?)?";
/// `SmsVerificationMessageType`'s pattern.
const SMS_MESSAGE_PATTERN: &str = ".*\\{####\\}.*";
/// `EmailMfaMessageType`'s pattern.
const EMAIL_MESSAGE_PATTERN: &str =
    "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*";
/// `EmailMfaSubjectType`'s pattern.
const EMAIL_SUBJECT_PATTERN: &str = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+";

/// The violations of a template `value` at `path` (a dotted member path,
/// as the request names it): its length outside `min..=max` (by
/// characters) and `pattern_ok` false.
fn template_violations(
    path: &str,
    value: &str,
    min: usize,
    max: Option<usize>,
    pattern: &'static str,
    pattern_ok: bool,
) -> Vec<Violation> {
    let member = model_path(path);
    let shown = || Shown::Value(truncate(value, 256));
    let mut out = Vec::new();
    if !pattern_ok {
        out.push(Violation::new(
            member.clone(),
            shown(),
            Constraint::Pattern {
                pattern,
                length: None,
            },
        ));
    }
    let len = value.chars().count();
    if len < min {
        out.push(Violation::new(
            member,
            shown(),
            Constraint::MinLength(min as u64),
        ));
    } else if max.is_some_and(|max| len > max) {
        out.push(Violation::new(
            member,
            shown(),
            Constraint::MaxLength(max.unwrap_or_default() as u64),
        ));
    }
    out
}

/// A character the model's `[\p{L}\p{M}\p{S}\p{N}\p{P}\s]` class takes:
/// letters, marks, symbols, numbers, punctuation and white space, which is
/// every character but the control and format ones. Rust's standard
/// library has no general categories, so control characters (other than
/// white space) stand for the excluded ones.
fn is_text_char(c: char) -> bool {
    c.is_whitespace() || !c.is_control()
}

/// Java's `.` (the model's regular expressions are Java's): any character
/// but a line terminator.
fn is_dot_char(c: char) -> bool {
    !matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// `SmsAuthenticationMessage` (`SmsVerificationMessageType`): 6–140
/// characters matching `.*\{####\}.*`, whose `.` takes no line break.
pub(crate) fn sms_message_violations(path: &str, value: &str) -> Vec<Violation> {
    let ok = value.contains("{####}") && value.chars().all(is_dot_char);
    template_violations(path, value, 6, Some(140), SMS_MESSAGE_PATTERN, ok)
}

/// `EmailMfaConfiguration.Message`: 6–20000 characters with `{####}`.
pub(crate) fn email_message_violations(path: &str, value: &str) -> Vec<Violation> {
    let ok = value.contains("{####}") && value.chars().all(is_text_char);
    template_violations(path, value, 6, Some(20_000), EMAIL_MESSAGE_PATTERN, ok)
}

/// `EmailMfaConfiguration.Subject`: one character or more, of text.
pub(crate) fn email_subject_violations(path: &str, value: &str) -> Vec<Violation> {
    let ok = !value.is_empty() && value.chars().all(is_text_char);
    template_violations(path, value, 0, None, EMAIL_SUBJECT_PATTERN, ok)
}

/// `SmsConfiguration` at `path`: `SnsCallerArn` an ARN (or empty) of at
/// most 2048 characters, `SnsRegion` 5–32 characters.
pub(crate) fn sms_configuration_violations(path: &str, c: &SmsConfiguration) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(arn) = &c.sns_caller_arn {
        let member = model_path(&format!("{path}.SnsCallerArn"));
        let len = arn.chars().count();
        if !arn.is_empty() && !is_arn(arn) {
            out.push(Violation::new(
                member.clone(),
                Shown::Value(truncate(arn, 256)),
                Constraint::Pattern {
                    pattern: OPTIONAL_ARN_PATTERN,
                    length: None,
                },
            ));
        }
        if len > ARN_MAX_LENGTH {
            out.push(Violation::new(
                member,
                Shown::Hidden,
                Constraint::MaxLength(ARN_MAX_LENGTH as u64),
            ));
        }
    }
    if let Some(region) = &c.sns_region {
        let len = region.chars().count();
        let member = model_path(&format!("{path}.SnsRegion"));
        let shown = Shown::Value(truncate(region, 64));
        if len < 5 {
            out.push(Violation::new(member, shown, Constraint::MinLength(5)));
        } else if len > 32 {
            out.push(Violation::new(member, shown, Constraint::MaxLength(32)));
        }
    }
    out
}

/// `Ok` when `violations` is empty, else their validation error.
pub(crate) fn refuse(violations: Vec<Violation>) -> Result<()> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::validation(violations))
    }
}

/// The checks [`PoolConfigBuilder::build`](super::PoolConfigBuilder::build)
/// makes of the MFA settings: the templates' model constraints, a mode
/// that agrees with the factors, and no email factor on `LITE`.
///
/// The specification wants email MFA to require
/// `EmailConfiguration.EmailSendingAccount = DEVELOPER` (§1.3, a choice).
/// This engine stores `EmailConfiguration` (for the sender of each email)
/// but delivers every email through its `MessageSender`, so it does not
/// require it.
pub(crate) fn validate(
    mfa: &MfaSettings,
    sms_message: Option<&str>,
    sms_configuration: Option<&SmsConfiguration>,
    tier: UserPoolTier,
) -> Result<()> {
    let mut violations = Vec::new();
    if let Some(m) = sms_message {
        violations.extend(sms_message_violations("SmsAuthenticationMessage", m));
    }
    if let Some(c) = sms_configuration {
        violations.extend(sms_configuration_violations("SmsConfiguration", c));
    }
    if let Some(email) = &mfa.email {
        if let Some(m) = &email.message {
            violations.extend(email_message_violations("EmailMfaConfiguration.Message", m));
        }
        if let Some(s) = &email.subject {
            violations.extend(email_subject_violations("EmailMfaConfiguration.Subject", s));
        }
    }
    refuse(violations)?;
    let any = !mfa.factors().is_empty();
    match mfa.mode {
        MfaMode::Off if any => return Err(Error::invalid_parameter(OFF_WITH_FACTOR)),
        MfaMode::On | MfaMode::Optional if !any => {
            return Err(Error::invalid_parameter(NO_FACTOR));
        }
        _ => {}
    }
    if tier == UserPoolTier::Lite && mfa.email.is_some() {
        return Err(Error::new(
            ErrorCode::FeatureUnavailableInTier,
            EMAIL_MFA_LITE,
        ));
    }
    Ok(())
}

impl PoolConfig {
    /// `SetUserPoolMfaConfig`: this configuration with `request`'s factors
    /// (replacing the pool's: a factor left out is off) and mode (the
    /// pool's when `None`). An `SmsMfaConfiguration` also sets the pool's
    /// `SmsAuthenticationMessage` and `SmsConfiguration` when it carries
    /// them, as Cognito's `DescribeUserPool` then reports them.
    ///
    /// # Errors
    /// `InvalidParameterException`: a template or `SmsConfiguration`
    /// breaking the model's constraints (`1 validation error detected: …`,
    /// at `smsMfaConfiguration.smsAuthenticationMessage`,
    /// `emailMfaConfiguration.message`, …); `OFF` with a factor (`Invalid
    /// MFA configuration given, can't turn off MFA and configure an MFA
    /// together.`); `ON` / `OPTIONAL` with none (`Invalid MFA configuration
    /// given, can't disable all MFAs with a required or optional
    /// configuration.`). `FeatureUnavailableInTierException`: email MFA on
    /// the `LITE` plan.
    ///
    /// Email MFA does not require `EmailConfiguration.EmailSendingAccount =
    /// DEVELOPER`, which the specification recommends (§1.3, a choice):
    /// this engine takes `EmailConfiguration` only for the sender and
    /// delivers every email through its `MessageSender`. For the same reason the
    /// SMS factor needs no `SmsConfiguration`: SMS codes go through the
    /// `MessageSender` too.
    pub fn with_mfa_config(&self, request: &MfaConfigRequest) -> Result<Self> {
        let mut violations = Vec::new();
        if let Some(sms) = &request.sms {
            if let Some(m) = &sms.message {
                violations.extend(sms_message_violations(
                    "SmsMfaConfiguration.SmsAuthenticationMessage",
                    m,
                ));
            }
            if let Some(c) = &sms.sms_configuration {
                violations.extend(sms_configuration_violations(
                    "SmsMfaConfiguration.SmsConfiguration",
                    c,
                ));
            }
        }
        if let Some(email) = &request.email {
            if let Some(m) = &email.message {
                violations.extend(email_message_violations("EmailMfaConfiguration.Message", m));
            }
            if let Some(s) = &email.subject {
                violations.extend(email_subject_violations("EmailMfaConfiguration.Subject", s));
            }
        }
        refuse(violations)?;
        let mode = request.mode.unwrap_or(self.mfa().mode());
        let mut builder = self.to_builder();
        let mut sms_message = self.sms_authentication_message().map(str::to_owned);
        if let Some(sms) = &request.sms {
            if let Some(m) = &sms.message {
                sms_message = Some(m.clone());
            }
            if let Some(c) = &sms.sms_configuration {
                builder = builder.sms_configuration(Some(c.clone()));
            }
        }
        let mfa = MfaSettings {
            mode,
            sms: request.sms.as_ref().map(|_| SmsMfa {
                message: sms_message.clone(),
            }),
            software_token: request.software_token,
            email: request.email.clone(),
        };
        builder
            .sms_authentication_message(sms_message)
            .mfa(mfa)
            .build()
    }
}

#[cfg(test)]
mod tests;
