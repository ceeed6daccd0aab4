//! `EmailConfiguration` (`EmailConfigurationType`): who the pool's email
//! messages come from.
//!
//! The engine sends nothing through SES: every message goes to the pool's
//! `MessageSender`. What the configuration changes is the sender each email
//! [`Message`](crate::Message) carries ([`EmailConfiguration::sender`]);
//! `ConfigurationSet` is stored and echoed only.

use crate::config::lambda::is_arn;
use crate::error::{Constraint, Error, Result, Shown, Violation};

/// Cognito's sender for `COGNITO_DEFAULT` email (the Amazon Cognito
/// Developer Guide, "Email settings for Amazon Cognito user pools").
pub const DEFAULT_EMAIL_SENDER: &str = "no-reply@verificationemail.com";

/// `COGNITO_DEFAULT` with a `From` address: Cognito's message, as the live
/// service answers it (quoted in aws/aws-cdk issue 9739).
pub(crate) const FROM_WITH_DEFAULT: &str =
    "Cannot configure From email address for default email configuration";

/// `DEVELOPER` without `SourceArn`. Cognito's wording is not published;
/// this engine's choice.
pub(crate) const DEVELOPER_NEEDS_SOURCE_ARN: &str =
    "SourceArn is required when EmailSendingAccount is DEVELOPER.";

/// A `SourceArn` that is an ARN, but not of an SES identity. Cognito's
/// wording is not published; this engine's choice.
pub(crate) const NOT_AN_SES_IDENTITY: &str = "SourceArn must be the ARN of an Amazon SES verified \
                                              identity: arn:aws:ses:<region>:<account>:identity/<identity>.";

/// `ArnType`'s pattern in the model.
const ARN_PATTERN: &str = "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?";
/// `EmailAddressType`'s pattern in the model.
const EMAIL_ADDRESS_PATTERN: &str =
    "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+@[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+";
/// `SESConfigurationSet`'s pattern in the model.
const CONFIGURATION_SET_PATTERN: &str = "^[a-zA-Z0-9_-]+$";

/// `EmailSendingAccount`: who sends the pool's email.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum EmailSendingAccount {
    /// Cognito's own sending (the default).
    #[default]
    CognitoDefault,
    /// The developer's Amazon SES identity (`SourceArn`).
    Developer,
}

impl EmailSendingAccount {
    /// Cognito's name: `COGNITO_DEFAULT` or `DEVELOPER`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CognitoDefault => "COGNITO_DEFAULT",
            Self::Developer => "DEVELOPER",
        }
    }

    /// The account Cognito names `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "COGNITO_DEFAULT" => Some(Self::CognitoDefault),
            "DEVELOPER" => Some(Self::Developer),
            _ => None,
        }
    }
}

/// A pool's `EmailConfiguration`, as given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmailConfiguration {
    /// `EmailSendingAccount` (`COGNITO_DEFAULT` when left out).
    pub sending_account: EmailSendingAccount,
    /// `SourceArn`: the SES identity's ARN.
    pub source_arn: Option<String>,
    /// `From`: the sender, such as `Example <no-reply@example.com>`.
    pub from: Option<String>,
    /// `ReplyToEmailAddress`.
    pub reply_to: Option<String>,
    /// `ConfigurationSet`: stored and echoed; nothing is sent through SES.
    pub configuration_set: Option<String>,
}

impl EmailConfiguration {
    /// Checks the configuration as `CreateUserPool` / `UpdateUserPool` do.
    ///
    /// # Errors
    /// `InvalidParameterException`: in its validation form (`1 validation
    /// error detected: …`) for a `SourceArn` that is not an ARN of 20–2048
    /// characters, a `ReplyToEmailAddress` that is not an address, or a
    /// `ConfigurationSet` outside 1–64 characters of `[a-zA-Z0-9_-]`
    /// (botocore's `EmailConfigurationType`); then `Cannot configure From
    /// email address for default email configuration` for `From` with
    /// `COGNITO_DEFAULT` (Cognito's message); `SourceArn is required when
    /// EmailSendingAccount is DEVELOPER.` and, for an ARN that is not
    /// `arn:<partition>:ses:<region>:<account>:identity/<identity>`,
    /// `SourceArn must be the ARN of an Amazon SES verified identity: …`
    /// (this engine's wording).
    pub fn validate(&self) -> Result<()> {
        let mut violations = Vec::new();
        let value = |s: &str| Shown::Value(s.chars().take(256).collect());
        if let Some(arn) = &self.source_arn {
            let len = arn.chars().count();
            if !is_arn(arn) {
                violations.push(Violation::new(
                    "emailConfiguration.sourceArn",
                    value(arn),
                    Constraint::Pattern {
                        pattern: ARN_PATTERN,
                        length: None,
                    },
                ));
            }
            if !(20..=2048).contains(&len) {
                violations.push(Violation::new(
                    "emailConfiguration.sourceArn",
                    value(arn),
                    Constraint::LengthBetween(20, 2048),
                ));
            }
        }
        if let Some(address) = &self.reply_to {
            let part =
                |s: &str| !s.is_empty() && s.chars().all(|c| !c.is_whitespace() && !c.is_control());
            let ok = address
                .split_once('@')
                .is_some_and(|(local, domain)| part(local) && part(domain));
            if !ok {
                violations.push(Violation::new(
                    "emailConfiguration.replyToEmailAddress",
                    value(address),
                    Constraint::Pattern {
                        pattern: EMAIL_ADDRESS_PATTERN,
                        length: None,
                    },
                ));
            }
        }
        if let Some(set) = &self.configuration_set {
            let len = set.chars().count();
            if !set
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                violations.push(Violation::new(
                    "emailConfiguration.configurationSet",
                    value(set),
                    Constraint::Pattern {
                        pattern: CONFIGURATION_SET_PATTERN,
                        length: None,
                    },
                ));
            }
            if !(1..=64).contains(&len) {
                violations.push(Violation::new(
                    "emailConfiguration.configurationSet",
                    value(set),
                    Constraint::LengthBetween(1, 64),
                ));
            }
        }
        if !violations.is_empty() {
            return Err(Error::validation(violations));
        }
        match self.sending_account {
            EmailSendingAccount::CognitoDefault => {
                if self.from.is_some() {
                    return Err(Error::invalid_parameter(FROM_WITH_DEFAULT));
                }
            }
            EmailSendingAccount::Developer => {
                if self.source_arn.is_none() {
                    return Err(Error::invalid_parameter(DEVELOPER_NEEDS_SOURCE_ARN));
                }
            }
        }
        if self
            .source_arn
            .as_deref()
            .is_some_and(|arn| ses_identity(arn).is_none())
        {
            return Err(Error::invalid_parameter(NOT_AN_SES_IDENTITY));
        }
        Ok(())
    }

    /// The SES identity `SourceArn` names (after `identity/`), if any.
    #[must_use]
    pub fn identity(&self) -> Option<&str> {
        self.source_arn.as_deref().and_then(ses_identity)
    }

    /// The sender of the pool's email: with `DEVELOPER`, `From` if given,
    /// else the `SourceArn` identity (verbatim, a domain identity
    /// included); with `COGNITO_DEFAULT`, the `SourceArn` identity when one
    /// is given (Cognito then sends "from" that verified address, as the
    /// API reference's `SourceArn` describes), else
    /// [`DEFAULT_EMAIL_SENDER`].
    #[must_use]
    pub fn sender(&self) -> String {
        match self.sending_account {
            EmailSendingAccount::Developer => self
                .from
                .clone()
                .or_else(|| self.identity().map(str::to_owned))
                .unwrap_or_else(|| DEFAULT_EMAIL_SENDER.to_owned()),
            EmailSendingAccount::CognitoDefault => self
                .identity()
                .map_or_else(|| DEFAULT_EMAIL_SENDER.to_owned(), str::to_owned),
        }
    }
}

/// The identity of `arn:<partition>:ses:<region>:<account>:identity/<id>`.
fn ses_identity(arn: &str) -> Option<&str> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    match fields.as_slice() {
        ["arn", partition, "ses", region, account, resource]
            if !partition.is_empty() && !region.is_empty() && !account.is_empty() =>
        {
            resource
                .strip_prefix("identity/")
                .filter(|id| !id.is_empty())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn developer(arn: &str) -> EmailConfiguration {
        EmailConfiguration {
            sending_account: EmailSendingAccount::Developer,
            source_arn: Some(arn.to_owned()),
            ..EmailConfiguration::default()
        }
    }

    #[test]
    fn the_sender_follows_the_account() {
        assert_eq!(EmailConfiguration::default().sender(), DEFAULT_EMAIL_SENDER);
        let dev = developer("arn:aws:ses:us-east-1:123456789012:identity/ops@example.com");
        assert_eq!(dev.sender(), "ops@example.com");
        let named = EmailConfiguration {
            from: Some("Example <no-reply@example.com>".to_owned()),
            ..dev
        };
        assert_eq!(named.sender(), "Example <no-reply@example.com>");
    }

    #[test]
    fn an_arn_of_another_service_is_refused() {
        let err = developer("arn:aws:iam::123456789012:role/sender")
            .validate()
            .err()
            .map(|e| e.message().to_owned());
        assert_eq!(err.as_deref(), Some(NOT_AN_SES_IDENTITY));
    }
}
