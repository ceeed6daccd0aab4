//! Pool definitions: a [`PoolConfig`] as the JSON of Cognito's
//! `CreateUserPool` request (what `aws cognito-idp create-user-pool
//! --cli-input-json` takes), and back.
//!
//! The one reading of that JSON, shared by the wire adapter's
//! `CreateUserPool`, `UpdateUserPool` and `AddCustomAttributes`, the
//! registry's persistence (pools are stored in this form) and Rust callers
//! who keep their pool definition in a file.

use std::fmt;

use crate::error::Error;
use crate::json::{Failure, Members, parse_object};

#[cfg(doc)]
use super::LambdaConfig;
use super::PoolConfig;
#[cfg(doc)]
use super::PoolConfigBuilder;

mod lambda;
mod mfa;
mod read;
mod write;

pub(crate) use lambda::lambda_config_json;
pub(crate) use mfa::{email_mfa_json, read_mfa_request, read_mode, sms_configuration_json};
pub(crate) use read::{create_config, definition_config, update_config, with_custom_attributes};
pub(crate) use write::config_members;

/// Why a pool definition was not taken.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum DefinitionError {
    /// Not a JSON object, or a member of the wrong JSON type (what the wire
    /// answers with `SerializationException`). The text names the member.
    Malformed(String),
    /// Well-formed, and refused as Cognito refuses it.
    Invalid(Error),
}

impl DefinitionError {
    /// The refusal in Cognito's terms, for callers that report one
    /// [`Error`]: a malformed definition is `InvalidParameterException`
    /// with the same text.
    #[must_use]
    pub fn into_error(self) -> Error {
        match self {
            Self::Malformed(text) => Error::invalid_parameter(text),
            Self::Invalid(e) => e,
        }
    }
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(text) => write!(f, "malformed pool definition: {text}"),
            Self::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl fmt::Debug for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(text) => f.debug_tuple("Malformed").field(text).finish(),
            Self::Invalid(e) => f.debug_tuple("Invalid").field(e).finish(),
        }
    }
}

impl std::error::Error for DefinitionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Malformed(_) => None,
            Self::Invalid(e) => Some(e),
        }
    }
}

impl From<Failure> for DefinitionError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Malformed(text) => Self::Malformed(text),
            Failure::Refused(e) => Self::Invalid(e),
        }
    }
}

impl PoolConfig {
    /// Builds the [`PoolConfig`] a `CreateUserPool` request body describes: the
    /// JSON file given to `aws cognito-idp create-user-pool --cli-input-json`,
    /// or the body an SDK sends.
    ///
    /// Mapped members:
    ///
    /// * `PoolName` (required).
    /// * `Policies.PasswordPolicy`: `MinimumLength`, `RequireUppercase`,
    ///   `RequireLowercase`, `RequireNumbers`, `RequireSymbols`,
    ///   `TemporaryPasswordValidityDays`, `PasswordHistorySize`. Without
    ///   `PasswordPolicy` the pool gets Cognito's default policy; inside a given
    ///   `PasswordPolicy` an omitted `Require*` flag is `false`, an omitted
    ///   `MinimumLength` 8 and an omitted validity 7 days, as in Cognito.
    /// * `Schema`: a standard attribute (`email`, `family_name`, ...) with
    ///   `Required` / `Mutable` becomes a
    ///   [`StandardAttribute`](crate::schema::StandardAttribute); any other name, or a name given as
    ///   `custom:<name>` / `dev:custom:<name>`, a [`CustomAttribute`](crate::schema::CustomAttribute) with its
    ///   `AttributeDataType` (required), `Mutable` (default `true`),
    ///   `Required`, `DeveloperOnlyAttribute` and the string-valued
    ///   `StringAttributeConstraints {MinLength, MaxLength}` /
    ///   `NumberAttributeConstraints {MinValue, MaxValue}`. The pool's own
    ///   attributes (`sub`, `email_verified`, `phone_number_verified`) and a
    ///   standard attribute's data type and constraints are accepted only as
    ///   `DescribeUserPool` reports them, so its `SchemaAttributes` can be
    ///   given back as a `Schema`.
    /// * `UsernameAttributes`, `AliasAttributes`, `AutoVerifiedAttributes`,
    ///   `UsernameConfiguration.CaseSensitive`.
    /// * `VerificationMessageTemplate` (`EmailMessage`, `EmailSubject`,
    ///   `SmsMessage`, `DefaultEmailOption`) and the legacy top-level
    ///   `EmailVerificationMessage`, `EmailVerificationSubject`,
    ///   `SmsVerificationMessage` (refused when they contradict the template).
    /// * `AccountRecoverySetting.RecoveryMechanisms`, ordered by `Priority`.
    /// * `AdminCreateUserConfig`: `AllowAdminCreateUserOnly`,
    ///   `InviteMessageTemplate {EmailMessage, EmailSubject, SMSMessage}`, and
    ///   `UnusedAccountValidityDays`, the legacy name of
    ///   `TemporaryPasswordValidityDays` (refused when the two differ).
    /// * `LambdaConfig`: every member of the model (see [`LambdaConfig`]
    ///   for the validation and the PreTokenGeneration echo rule). The
    ///   definition holds triggers, but the engine does not call them yet:
    ///   [`UserPool::builder`](crate::UserPool::builder) refuses a pool that
    ///   names one, so through `CreateUserPool` only `{}` or a lone
    ///   `KMSKeyID` is accepted today.
    /// * `UserPoolTier` (`LITE`, `ESSENTIALS`, `PLUS`; `ESSENTIALS` when left
    ///   out, Cognito's default). The plan changes one rule: PreTokenGeneration
    ///   `V2_0` / `V3_0` are `FeatureUnavailableInTierException` on `LITE`;
    ///   `LITE` with a `PasswordHistorySize` is refused, as Cognito's Lite
    ///   plan has no password history.
    ///
    /// * MFA and devices (cognito-mfa-devices-passwordless.md §1):
    ///   `MfaConfiguration` (`OFF`, `ON`, `OPTIONAL`), `SmsConfiguration`
    ///   (`SnsCallerArn`, `ExternalId`, `SnsRegion`: stored and reported;
    ///   SMS goes through the engine's `MessageSender`),
    ///   `SmsAuthenticationMessage` (6–140 characters with `{####}`: the SMS
    ///   MFA message) and `DeviceConfiguration`
    ///   (`ChallengeRequiredOnNewDevice`, `DeviceOnlyRememberedOnUserPrompt`;
    ///   a boolean left out is `false`). `ON` / `OPTIONAL` need a
    ///   `SmsConfiguration`, which turns the SMS factor on (`SMS
    ///   configuration and Auto verification for phone_number are required
    ///   when MFA is required/optional` without one).
    /// * Beyond `CreateUserPool`'s members, a definition may carry
    ///   `SetUserPoolMfaConfig`'s factor blocks, `SmsMfaConfiguration`,
    ///   `SoftwareTokenMfaConfiguration` and `EmailMfaConfiguration`: when
    ///   one is present they set the factors exactly as that operation does
    ///   (a block left out is off), so a definition can describe a pool with
    ///   TOTP or email MFA. [`PoolConfig::to_create_user_pool_json`] writes
    ///   them whenever MFA is not `OFF`. The wire's `CreateUserPool` does
    ///   not take them (they are not members of that operation).
    /// * Likewise `ResourceServers`: a list of `ResourceServerType`s
    ///   (`Identifier`, `Name`, `Scopes`) as `CreateResourceServer` takes
    ///   them, each checked by [`ResourceServer::validate`](crate::config::ResourceServer::validate).
    ///   [`PoolConfig::to_create_user_pool_json`] writes it when the pool
    ///   has resource servers, so they persist with the pool.
    /// * Likewise `Domains`: the pool's user pool domains (`Domain`,
    ///   `ManagedLoginVersion`, `Version`, `CustomDomainConfig` for a custom
    ///   domain), each checked by [`PoolDomain::validate`](crate::config::PoolDomain::validate).
    ///
    /// * `UserPoolTags`: stored and reported (checked by
    ///   [`check_tags`](crate::config::check_tags)); `UpdateUserPool`
    ///   without it keeps the pool's tags.
    /// * `DeletionProtection` (`ACTIVE`, `INACTIVE`; `INACTIVE` when left
    ///   out, also by `UpdateUserPool`, which sets an omitted member to its
    ///   default): `ACTIVE` makes `DeleteUserPool` refuse.
    /// * `UserPoolAddOns` (`AdvancedSecurityMode` `OFF`, `AUDIT`,
    ///   `ENFORCED`; `AdvancedSecurityAdditionalFlows.CustomAuthMode`
    ///   `AUDIT`, `ENFORCED`): stored and reported, `OFF` when left out
    ///   (also by `UpdateUserPool`); anything but `OFF` needs the `PLUS` plan
    ///   (`FeatureUnavailableInTierException`). Threat protection itself
    ///   (risk scoring) is not simulated.
    /// * `EmailConfiguration` (`EmailSendingAccount`, `SourceArn`, `From`,
    ///   `ReplyToEmailAddress`, `ConfigurationSet`), checked by
    ///   [`EmailConfiguration::validate`](crate::config::EmailConfiguration::validate):
    ///   stored, written back, and the sender of the pool's email messages.
    ///
    /// Accepted with no effect, because the value given is the behaviour the
    /// engine has anyway: `UserAttributeUpdateSettings` with an empty
    /// `AttributesRequireVerificationBeforeUpdate`, and
    /// `Policies.SignInPolicy.AllowedFirstAuthFactors: ["PASSWORD"]`.
    ///
    /// Everything else is refused by name:
    /// `SmsConfiguration.EumsSms`, link verification (`EmailMessageByLink`,
    /// `CONFIRM_WITH_LINK`),
    /// `KeyConfiguration`, `IssuerConfiguration`, and any member the model
    /// does not have.
    ///
    /// ```
    /// let config = userpool::config::PoolConfig::from_create_user_pool_json(r#"{
    ///     "PoolName": "example",
    ///     "UsernameAttributes": ["email"],
    ///     "AutoVerifiedAttributes": ["email"],
    ///     "Schema": [{"Name": "tenant", "AttributeDataType": "String",
    ///                 "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "36"}}]
    /// }"#)?;
    /// assert_eq!(config.name(), "example");
    /// assert_eq!(config.schema().custom()[0].api_name(), "custom:tenant");
    /// # Ok::<(), userpool::config::DefinitionError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`DefinitionError::Malformed`] when `json` is not a JSON object or a
    /// member has the wrong JSON type (the wire answers
    /// `SerializationException`); [`DefinitionError::Invalid`] with
    /// `InvalidParameterException` for a missing `PoolName`, a member refused
    /// as above, or a configuration Cognito refuses (see
    /// [`PoolConfigBuilder::build`]);
    /// [`DefinitionError::Invalid`] with `FeatureUnavailableInTierException`
    /// for PreTokenGeneration `V2_0` / `V3_0`, or email MFA, on the `LITE`
    /// plan.
    pub fn from_create_user_pool_json(json: &str) -> Result<Self, DefinitionError> {
        let map = parse_object(json.as_bytes())?;
        let members = Members::top(&map);
        let config = definition_config(&members)?;
        members.finish()?;
        Ok(config)
    }

    /// The JSON of the `CreateUserPool` request that creates a pool
    /// configured exactly as `self`: what
    /// [`PoolConfig::from_create_user_pool_json`] reads back into an equal
    /// configuration. The registry persists pools in this form. When MFA is
    /// not `OFF` it also carries `SetUserPoolMfaConfig`'s factor blocks
    /// (see [`PoolConfig::from_create_user_pool_json`]), which the wire's
    /// `CreateUserPool` does not take.
    #[must_use]
    pub fn to_create_user_pool_json(&self) -> String {
        write::create_request(self).to_string()
    }
}
