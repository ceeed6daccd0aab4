//! Pool configuration: plain data with Cognito's defaults, validated once.
//!
//! [`PoolConfig::builder`] starts from the defaults `CreateUserPool` applies
//! when a field is omitted (cognito-protocol.md §4.2), and
//! [`PoolConfigBuilder::build`] refuses what Cognito refuses.

use std::collections::BTreeMap;

use crate::error::{Constraint, Error, Result, Shown};

mod add_ons;
mod definition;
mod domain;
mod email;
mod lambda;
mod mfa;
mod mfa_rules;
mod oauth;
mod tags;
pub(crate) use lambda::token_version_unavailable;

/// The AWS account id in every ARN and `AWSAccountId` the engine emits
/// (pools, devices, domains): it has no AWS account, so one made-up id,
/// the same everywhere, lets a client match ARNs against each other.
pub const ACCOUNT_ID: &str = "000000000000";

pub use crate::policy::{PasswordPolicy, PasswordPolicyBuilder};
use crate::schema::{CustomAttribute, Schema, StandardAttribute};
pub use add_ons::{AdvancedSecurityMode, UserPoolAddOns};
pub use definition::DefinitionError;
pub(crate) use definition::{
    config_members, create_config, email_mfa_json, lambda_config_json, read_mfa_request, read_mode,
    sms_configuration_json, update_config, with_custom_attributes,
};
pub use domain::{
    MAX_CUSTOM_DOMAINS, RESERVED_DOMAIN_NAMES, RESERVED_DOMAIN_WORDS, managed_login_version,
};
pub(crate) use domain::{
    custom_domain_config_json, domain_not_found, domain_of_another_pool, read_custom_domain_config,
};
pub use email::{DEFAULT_EMAIL_SENDER, EmailConfiguration, EmailSendingAccount};
pub use lambda::{LambdaConfig, LambdaVersion, UserPoolTier, VersionedLambda};
pub use mfa::{
    DEFAULT_MFA_MESSAGE, DEFAULT_MFA_SUBJECT, DeviceConfiguration, EmailMfa, MfaFactor, MfaMode,
    MfaSettings, SmsMfa,
};
pub use mfa_rules::{MfaConfigRequest, SmsConfiguration, SmsMfaConfig};
pub use oauth::{
    DomainKind, MAX_RESOURCE_SERVERS, MAX_SCOPES_PER_SERVER, PoolDomain, ResourceServer,
    ResourceServerScope,
};
pub(crate) use oauth::{read_resource_server, resource_server_json, stored_resource_servers};
pub(crate) use tags::check_tag_key;
pub use tags::{MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TAGS, check_tags};

/// An attribute that can stand in for the username (`UsernameAttributes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UsernameAttribute {
    /// Users sign up and sign in with an email address.
    Email,
    /// Users sign up and sign in with a phone number.
    PhoneNumber,
}

/// An alias users can sign in with besides their username (`AliasAttributes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AliasAttribute {
    /// A verified email address.
    Email,
    /// A verified phone number.
    PhoneNumber,
    /// The `preferred_username` attribute.
    PreferredUsername,
}

/// An attribute Cognito verifies by sending a code (`AutoVerifiedAttributes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerifiedAttribute {
    /// `email`, by email.
    Email,
    /// `phone_number`, by SMS.
    PhoneNumber,
}

impl VerifiedAttribute {
    /// The attribute's API name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::PhoneNumber => "phone_number",
        }
    }
}

/// A way to recover an account (`AccountRecoverySetting.RecoveryMechanisms`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecoveryMechanism {
    /// A code to the verified email address.
    VerifiedEmail,
    /// A code to the verified phone number.
    VerifiedPhoneNumber,
    /// Only an administrator can reset the password.
    AdminOnly,
}

/// Whether verification emails carry a code or a link (`DefaultEmailOption`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmailStyle {
    /// `CONFIRM_WITH_CODE`: the message contains `{####}`.
    Code,
    /// `CONFIRM_WITH_LINK`: not simulated; refused at construction.
    Link,
}

/// The messages that carry verification codes (`VerificationMessageTemplate`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationMessageTemplate {
    /// Email subject, 1–140 characters. Defaults to `Your verification code`.
    pub email_subject: String,
    /// Email body, 6–20000 characters, must contain `{####}` and not
    /// `{username}`. Defaults to `Your verification code is {####}. `.
    pub email_message: String,
    /// SMS text, 6–140 characters, must contain `{####}`.
    /// Defaults to `Your verification code is {####}. `.
    pub sms_message: String,
    /// Code or link. Defaults to [`EmailStyle::Code`].
    pub default_email_option: EmailStyle,
}

impl Default for VerificationMessageTemplate {
    fn default() -> Self {
        Self {
            email_subject: "Your verification code".to_owned(),
            email_message: "Your verification code is {####}. ".to_owned(),
            sms_message: "Your verification code is {####}. ".to_owned(),
            default_email_option: EmailStyle::Code,
        }
    }
}

/// The invitation `AdminCreateUser` sends (`InviteMessageTemplate`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InviteMessageTemplate {
    /// Email subject. Defaults to `Your temporary password`.
    pub email_subject: String,
    /// Email body; must contain `{username}` and `{####}` (the temporary
    /// password). Defaults to `Your username is {username} and temporary password is {####}. `.
    pub email_message: String,
    /// SMS text; must contain `{username}` and `{####}`. Same default as the email.
    pub sms_message: String,
}

impl Default for InviteMessageTemplate {
    fn default() -> Self {
        let body = "Your username is {username} and temporary password is {####}. ";
        Self {
            email_subject: "Your temporary password".to_owned(),
            email_message: body.to_owned(),
            sms_message: body.to_owned(),
        }
    }
}

/// A validated user pool configuration. Build one with [`PoolConfig::builder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolConfig {
    name: String,
    username_attributes: Vec<UsernameAttribute>,
    alias_attributes: Vec<AliasAttribute>,
    auto_verified_attributes: Vec<VerifiedAttribute>,
    case_sensitive: bool,
    allow_admin_create_user_only: bool,
    verification_message: VerificationMessageTemplate,
    invite_message: InviteMessageTemplate,
    schema: Schema,
    password_policy: PasswordPolicy,
    account_recovery: Vec<RecoveryMechanism>,
    lambda_config: LambdaConfig,
    tier: UserPoolTier,
    mfa: MfaSettings,
    device_configuration: Option<DeviceConfiguration>,
    sms_configuration: Option<SmsConfiguration>,
    sms_authentication_message: Option<String>,
    email_configuration: Option<EmailConfiguration>,
    domains: Vec<PoolDomain>,
    resource_servers: Vec<ResourceServer>,
    tags: BTreeMap<String, String>,
    deletion_protection: bool,
    add_ons: UserPoolAddOns,
}

impl PoolConfig {
    /// A builder for a pool called `name`, starting from Cognito's defaults.
    #[must_use]
    pub fn builder(name: impl Into<String>) -> PoolConfigBuilder {
        PoolConfigBuilder {
            name: name.into(),
            username_attributes: Vec::new(),
            alias_attributes: Vec::new(),
            auto_verified_attributes: Vec::new(),
            case_sensitive: true,
            allow_admin_create_user_only: false,
            verification_message: VerificationMessageTemplate::default(),
            invite_message: InviteMessageTemplate::default(),
            standard: Vec::new(),
            custom: Vec::new(),
            password_policy: PasswordPolicy::default(),
            account_recovery: Vec::new(),
            lambda_config: LambdaConfig::default(),
            tier: UserPoolTier::default(),
            mfa: MfaSettings::default(),
            device_configuration: None,
            sms_configuration: None,
            sms_authentication_message: None,
            email_configuration: None,
            domains: Vec::new(),
            resource_servers: Vec::new(),
            tags: BTreeMap::new(),
            deletion_protection: false,
            add_ons: UserPoolAddOns::default(),
        }
    }

    /// The pool's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Attributes that replace the username. Defaults to none.
    #[must_use]
    pub fn username_attributes(&self) -> &[UsernameAttribute] {
        &self.username_attributes
    }

    /// Aliases users can sign in with. Defaults to none.
    #[must_use]
    pub fn alias_attributes(&self) -> &[AliasAttribute] {
        &self.alias_attributes
    }

    /// Attributes verified by a code at sign-up. Defaults to none.
    #[must_use]
    pub fn auto_verified_attributes(&self) -> &[VerifiedAttribute] {
        &self.auto_verified_attributes
    }

    /// Whether usernames (and email / preferred-username lookups) are case
    /// sensitive. Defaults to `true`, the API default.
    #[must_use]
    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    /// Whether only administrators can create users. Defaults to `false`.
    #[must_use]
    pub fn allow_admin_create_user_only(&self) -> bool {
        self.allow_admin_create_user_only
    }

    /// The verification message templates.
    #[must_use]
    pub fn verification_message(&self) -> &VerificationMessageTemplate {
        &self.verification_message
    }

    /// The invitation templates.
    #[must_use]
    pub fn invite_message(&self) -> &InviteMessageTemplate {
        &self.invite_message
    }

    /// The attribute schema.
    #[must_use]
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The password policy.
    #[must_use]
    pub fn password_policy(&self) -> &PasswordPolicy {
        &self.password_policy
    }

    /// Recovery mechanisms in priority order. Empty means Cognito's legacy
    /// rule: a verified phone number first, then a verified email.
    #[must_use]
    pub fn account_recovery(&self) -> &[RecoveryMechanism] {
        &self.account_recovery
    }

    /// The Lambda triggers (`LambdaConfig`). Defaults to none.
    ///
    /// Both PreTokenGeneration forms are set whenever one was given (see
    /// [`LambdaConfig`]). A pool whose configuration names a trigger is
    /// refused by [`UserPoolBuilder::build`](crate::UserPoolBuilder::build)
    /// until the engine calls triggers; only `KMSKeyID` may be set.
    #[must_use]
    pub fn lambda_config(&self) -> &LambdaConfig {
        &self.lambda_config
    }

    /// The MFA settings (`MfaConfiguration` and the factors of
    /// `SetUserPoolMfaConfig`).
    #[must_use]
    pub fn mfa(&self) -> &MfaSettings {
        &self.mfa
    }

    /// `DeviceConfiguration`: `Some` when the pool tracks devices.
    #[must_use]
    pub fn device_configuration(&self) -> Option<DeviceConfiguration> {
        self.device_configuration
    }

    /// The pool's domains: at most one prefix and one custom domain.
    #[must_use]
    pub fn domains(&self) -> &[PoolDomain] {
        &self.domains
    }

    /// The pool's resource servers.
    #[must_use]
    pub fn resource_servers(&self) -> &[ResourceServer] {
        &self.resource_servers
    }

    /// Whether `scope` (`<identifier>/<name>`) is a custom scope of one of
    /// the pool's resource servers.
    #[must_use]
    pub fn has_custom_scope(&self, scope: &str) -> bool {
        self.resource_servers.iter().any(|r| r.has_scope(scope))
    }

    /// `SmsConfiguration`, as given (`None` when the pool has none).
    #[must_use]
    pub fn sms_configuration(&self) -> Option<&SmsConfiguration> {
        self.sms_configuration.as_ref()
    }

    /// `SmsAuthenticationMessage`, as given (`None` when the pool has
    /// none). While the SMS factor is on it is also
    /// [`MfaSettings::sms_message`]'s source.
    #[must_use]
    pub fn sms_authentication_message(&self) -> Option<&str> {
        self.sms_authentication_message.as_deref()
    }

    /// `EmailConfiguration`, as given (`None` when the pool has none:
    /// Cognito's default sending).
    #[must_use]
    pub fn email_configuration(&self) -> Option<&EmailConfiguration> {
        self.email_configuration.as_ref()
    }

    /// The sender of the pool's email messages (see
    /// [`EmailConfiguration::sender`]).
    #[must_use]
    pub fn email_sender(&self) -> String {
        self.email_configuration.as_ref().map_or_else(
            || DEFAULT_EMAIL_SENDER.to_owned(),
            EmailConfiguration::sender,
        )
    }

    /// The feature plan (`UserPoolTier`). Defaults to
    /// [`UserPoolTier::Essentials`], Cognito's default for new pools.
    #[must_use]
    pub fn tier(&self) -> UserPoolTier {
        self.tier
    }

    /// The pool's tags (`UserPoolTags`; `TagResource`): stored and
    /// reported, with no effect on the engine.
    #[must_use]
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.tags
    }

    /// Whether deletion protection is `ACTIVE`: `DeleteUserPool` is then
    /// refused (see [`Registry::delete_pool`](crate::registry::Registry::delete_pool)).
    #[must_use]
    pub fn deletion_protection(&self) -> bool {
        self.deletion_protection
    }

    /// `UserPoolAddOns` (threat protection): stored and reported, not
    /// simulated.
    #[must_use]
    pub fn add_ons(&self) -> UserPoolAddOns {
        self.add_ons
    }

    /// A builder holding this configuration, to change some of it
    /// (`UpdateUserPool`, `AddCustomAttributes`).
    #[must_use]
    pub fn to_builder(&self) -> PoolConfigBuilder {
        PoolConfigBuilder {
            name: self.name.clone(),
            username_attributes: self.username_attributes.clone(),
            alias_attributes: self.alias_attributes.clone(),
            auto_verified_attributes: self.auto_verified_attributes.clone(),
            case_sensitive: self.case_sensitive,
            allow_admin_create_user_only: self.allow_admin_create_user_only,
            verification_message: self.verification_message.clone(),
            invite_message: self.invite_message.clone(),
            standard: self.schema.standard().to_vec(),
            custom: self.schema.custom().to_vec(),
            password_policy: self.password_policy,
            account_recovery: self.account_recovery.clone(),
            lambda_config: self.lambda_config.clone(),
            tier: self.tier,
            mfa: self.mfa.clone(),
            device_configuration: self.device_configuration,
            sms_configuration: self.sms_configuration.clone(),
            sms_authentication_message: self.sms_authentication_message.clone(),
            email_configuration: self.email_configuration.clone(),
            domains: self.domains.clone(),
            resource_servers: self.resource_servers.clone(),
            tags: self.tags.clone(),
            deletion_protection: self.deletion_protection,
            add_ons: self.add_ons,
        }
    }

    /// Whether `attr` is a username attribute.
    #[must_use]
    pub fn is_username_attribute(&self, attr: UsernameAttribute) -> bool {
        self.username_attributes.contains(&attr)
    }

    /// Whether `attr` is an alias.
    #[must_use]
    pub fn is_alias(&self, attr: AliasAttribute) -> bool {
        self.alias_attributes.contains(&attr)
    }
}

/// Builds a [`PoolConfig`]; see [`PoolConfig::builder`].
#[derive(Clone, Debug)]
pub struct PoolConfigBuilder {
    name: String,
    username_attributes: Vec<UsernameAttribute>,
    alias_attributes: Vec<AliasAttribute>,
    auto_verified_attributes: Vec<VerifiedAttribute>,
    case_sensitive: bool,
    allow_admin_create_user_only: bool,
    verification_message: VerificationMessageTemplate,
    invite_message: InviteMessageTemplate,
    standard: Vec<StandardAttribute>,
    custom: Vec<CustomAttribute>,
    password_policy: PasswordPolicy,
    account_recovery: Vec<RecoveryMechanism>,
    lambda_config: LambdaConfig,
    tier: UserPoolTier,
    mfa: MfaSettings,
    device_configuration: Option<DeviceConfiguration>,
    sms_configuration: Option<SmsConfiguration>,
    sms_authentication_message: Option<String>,
    email_configuration: Option<EmailConfiguration>,
    domains: Vec<PoolDomain>,
    resource_servers: Vec<ResourceServer>,
    tags: BTreeMap<String, String>,
    deletion_protection: bool,
    add_ons: UserPoolAddOns,
}

impl PoolConfigBuilder {
    /// Sign in with these attributes instead of a username (`UsernameAttributes`):
    /// the internal username becomes the generated `sub`.
    #[must_use]
    pub fn username_attributes(mut self, attrs: &[UsernameAttribute]) -> Self {
        self.username_attributes = attrs.to_vec();
        self
    }

    /// Let users sign in with these aliases besides the username (`AliasAttributes`).
    #[must_use]
    pub fn alias_attributes(mut self, attrs: &[AliasAttribute]) -> Self {
        self.alias_attributes = attrs.to_vec();
        self
    }

    /// Verify these attributes by code at sign-up (`AutoVerifiedAttributes`).
    #[must_use]
    pub fn auto_verified_attributes(mut self, attrs: &[VerifiedAttribute]) -> Self {
        self.auto_verified_attributes = attrs.to_vec();
        self
    }

    /// Case sensitivity of usernames (`UsernameConfiguration.CaseSensitive`).
    #[must_use]
    pub fn case_sensitive(mut self, yes: bool) -> Self {
        self.case_sensitive = yes;
        self
    }

    /// Allow only administrators to create users
    /// (`AdminCreateUserConfig.AllowAdminCreateUserOnly`).
    #[must_use]
    pub fn allow_admin_create_user_only(mut self, yes: bool) -> Self {
        self.allow_admin_create_user_only = yes;
        self
    }

    /// The verification message templates.
    #[must_use]
    pub fn verification_message(mut self, template: VerificationMessageTemplate) -> Self {
        self.verification_message = template;
        self
    }

    /// The invitation templates.
    #[must_use]
    pub fn invite_message(mut self, template: InviteMessageTemplate) -> Self {
        self.invite_message = template;
        self
    }

    /// Configures one standard attribute (required, immutable).
    #[must_use]
    pub fn standard_attribute(mut self, attr: StandardAttribute) -> Self {
        self.standard.push(attr);
        self
    }

    /// Adds a custom attribute.
    #[must_use]
    pub fn custom_attribute(mut self, attr: CustomAttribute) -> Self {
        self.custom.push(attr);
        self
    }

    /// The password policy (which also holds the temporary password validity).
    #[must_use]
    pub fn password_policy(mut self, policy: PasswordPolicy) -> Self {
        self.password_policy = policy;
        self
    }

    /// Account recovery mechanisms, highest priority first (1 or 2 entries).
    #[must_use]
    pub fn account_recovery(mut self, mechanisms: &[RecoveryMechanism]) -> Self {
        self.account_recovery = mechanisms.to_vec();
        self
    }

    /// The Lambda triggers (`LambdaConfig`), validated by
    /// [`build`](Self::build) as described on [`LambdaConfig`].
    #[must_use]
    pub fn lambda_config(mut self, config: LambdaConfig) -> Self {
        self.lambda_config = config;
        self
    }

    /// The feature plan (`UserPoolTier`).
    #[must_use]
    pub fn tier(mut self, tier: UserPoolTier) -> Self {
        self.tier = tier;
        self
    }

    /// The MFA settings (what `SetUserPoolMfaConfig` sets).
    #[must_use]
    pub fn mfa(mut self, mfa: MfaSettings) -> Self {
        self.mfa = mfa;
        self
    }

    /// `DeviceConfiguration`; `Some` turns device tracking on.
    #[must_use]
    pub fn device_configuration(mut self, config: Option<DeviceConfiguration>) -> Self {
        self.device_configuration = config;
        self
    }

    /// The pool's tags (`UserPoolTags`), checked by
    /// [`build`](Self::build) with AWS's tag rules (see [`check_tags`]).
    #[must_use]
    pub fn tags(mut self, tags: BTreeMap<String, String>) -> Self {
        self.tags = tags;
        self
    }

    /// `DeletionProtection`: `true` is `ACTIVE`, `false` (the default)
    /// `INACTIVE`.
    #[must_use]
    pub fn deletion_protection(mut self, active: bool) -> Self {
        self.deletion_protection = active;
        self
    }

    /// `UserPoolAddOns`; [`build`](Self::build) refuses any threat
    /// protection outside the `PLUS` plan.
    #[must_use]
    pub fn add_ons(mut self, add_ons: UserPoolAddOns) -> Self {
        self.add_ons = add_ons;
        self
    }

    /// The pool's domains (`CreateUserPoolDomain`).
    #[must_use]
    pub fn domains(mut self, domains: Vec<PoolDomain>) -> Self {
        self.domains = domains;
        self
    }

    /// The pool's resource servers (`CreateResourceServer`).
    #[must_use]
    pub fn resource_servers(mut self, servers: Vec<ResourceServer>) -> Self {
        self.resource_servers = servers;
        self
    }

    /// `SmsConfiguration` (stored and reported; SMS goes through the
    /// `MessageSender` whatever it says).
    #[must_use]
    pub fn sms_configuration(mut self, config: Option<SmsConfiguration>) -> Self {
        self.sms_configuration = config;
        self
    }

    /// `EmailConfiguration`, checked by [`build`](Self::build) (see
    /// [`EmailConfiguration::validate`]).
    #[must_use]
    pub fn email_configuration(mut self, config: Option<EmailConfiguration>) -> Self {
        self.email_configuration = config;
        self
    }

    /// `SmsAuthenticationMessage`, the SMS MFA message. When the SMS factor
    /// is on, [`build`](Self::build) makes the two agree: the factor's own
    /// [`SmsMfa::message`] wins when set, else it takes this one.
    #[must_use]
    pub fn sms_authentication_message(mut self, message: Option<String>) -> Self {
        self.sms_authentication_message = message;
        self
    }

    /// Validates and returns the configuration.
    ///
    /// # Errors
    /// `InvalidParameterException` when: the name is empty, over 128
    /// characters or outside `[\w\s+=,.@-]`; both username and alias
    /// attributes are set; a list repeats an entry; a verification template
    /// lacks `{####}`, contains `{username}` or breaks its length limits; an
    /// invitation template lacks `{username}` or `{####}`; the link style is
    /// chosen; the recovery setting is empty-but-given incorrectly (more than
    /// two entries, duplicates, `AdminOnly` combined with another); or the
    /// schema is invalid (see [`Schema::new`]); or the Lambda configuration
    /// is invalid (see [`LambdaConfig`]); or the `EmailConfiguration` is
    /// (see [`EmailConfiguration::validate`]).
    ///
    /// The MFA settings: a template (`SmsAuthenticationMessage`,
    /// `EmailMfaConfiguration.Message` / `Subject`) or `SmsConfiguration`
    /// breaking the model's constraints is refused in its validation form
    /// (`1 validation error detected: …`); MFA `OFF` with a factor, or `ON`
    /// / `OPTIONAL` with none, as `SetUserPoolMfaConfig` refuses them (see
    /// [`PoolConfig::with_mfa_config`]).
    ///
    /// `FeatureUnavailableInTierException` when a PreTokenGeneration
    /// trigger of version `V2_0` or `V3_0` is configured on the `LITE`
    /// plan, or email MFA is on in it.
    pub fn build(self) -> Result<PoolConfig> {
        validate_name(&self.name)?;
        if !self.username_attributes.is_empty() && !self.alias_attributes.is_empty() {
            return Err(Error::invalid_parameter(
                "Username attributes and alias attributes cannot both be set.",
            ));
        }
        no_duplicates("UsernameAttributes", &self.username_attributes)?;
        no_duplicates("AliasAttributes", &self.alias_attributes)?;
        no_duplicates("AutoVerifiedAttributes", &self.auto_verified_attributes)?;
        no_duplicates("RecoveryMechanisms", &self.account_recovery)?;
        validate_verification(&self.verification_message)?;
        validate_invite(&self.invite_message)?;
        if self.account_recovery.len() > 2 {
            return Err(Error::invalid_parameter(
                "AccountRecoverySetting takes at most 2 recovery mechanisms.",
            ));
        }
        if self.account_recovery.len() > 1
            && self
                .account_recovery
                .contains(&RecoveryMechanism::AdminOnly)
        {
            return Err(Error::invalid_parameter(
                "admin_only cannot be combined with another recovery mechanism.",
            ));
        }
        if self.password_policy.password_history_size() > 0 {
            // Accepting it without enforcing it would be a silent lie.
            return Err(Error::invalid_parameter(
                "PasswordHistorySize is not supported by this engine; it must be 0.",
            ));
        }
        let schema = Schema::new(self.standard, self.custom)?;
        check_tags(&self.tags)?;
        self.add_ons.check(self.tier)?;
        if let Some(email) = &self.email_configuration {
            email.validate()?;
        }
        self.lambda_config.validate()?;
        self.lambda_config.check_tier(self.tier)?;
        let mut mfa = self.mfa;
        let mut sms_message = self.sms_authentication_message;
        if let Some(sms) = &mut mfa.sms {
            match &sms.message {
                Some(m) => sms_message = Some(m.clone()),
                None => sms.message.clone_from(&sms_message),
            }
        }
        mfa_rules::validate(
            &mfa,
            sms_message.as_deref(),
            self.sms_configuration.as_ref(),
            self.tier,
        )?;
        Ok(PoolConfig {
            name: self.name,
            username_attributes: self.username_attributes,
            alias_attributes: self.alias_attributes,
            auto_verified_attributes: self.auto_verified_attributes,
            case_sensitive: self.case_sensitive,
            allow_admin_create_user_only: self.allow_admin_create_user_only,
            verification_message: self.verification_message,
            invite_message: self.invite_message,
            schema,
            password_policy: self.password_policy,
            account_recovery: self.account_recovery,
            lambda_config: self.lambda_config.normalized(),
            tier: self.tier,
            mfa,
            device_configuration: self.device_configuration,
            sms_configuration: self.sms_configuration,
            sms_authentication_message: sms_message,
            email_configuration: self.email_configuration,
            domains: self.domains,
            resource_servers: self.resource_servers,
            tags: self.tags,
            deletion_protection: self.deletion_protection,
            add_ons: self.add_ons,
        })
    }
}

fn validate_name(name: &str) -> Result<()> {
    let len = name.chars().count();
    let ok_char =
        |c: char| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c);
    if !(1..=128).contains(&len) || !name.chars().all(ok_char) {
        return Err(Error::violation(
            "poolName",
            Shown::Value(name.to_owned()),
            Constraint::Pattern {
                pattern: "[\\w\\s+=,.@-]+",
                length: Some((1, 128)),
            },
        ));
    }
    Ok(())
}

fn no_duplicates<T: PartialEq + std::fmt::Debug>(what: &str, items: &[T]) -> Result<()> {
    for (i, a) in items.iter().enumerate() {
        if items[..i].contains(a) {
            return Err(Error::invalid_parameter(format!(
                "{what} contains {a:?} more than once."
            )));
        }
    }
    Ok(())
}

fn check_len(what: &str, s: &str, min: usize, max: usize) -> Result<()> {
    let n = s.chars().count();
    if n < min || n > max {
        return Err(Error::invalid_parameter(format!(
            "{what} must be between {min} and {max} characters long."
        )));
    }
    Ok(())
}

fn validate_verification(t: &VerificationMessageTemplate) -> Result<()> {
    if t.default_email_option == EmailStyle::Link {
        return Err(Error::invalid_parameter(
            "DefaultEmailOption CONFIRM_WITH_LINK is not supported by this engine.",
        ));
    }
    check_len("EmailSubject", &t.email_subject, 1, 140)?;
    check_len("EmailMessage", &t.email_message, 6, 20_000)?;
    check_len("SmsMessage", &t.sms_message, 6, 140)?;
    for (what, body) in [
        ("EmailMessage", &t.email_message),
        ("SmsMessage", &t.sms_message),
    ] {
        if !body.contains("{####}") {
            return Err(Error::invalid_parameter(format!(
                "{what} must contain the {{####}} placeholder for the verification code."
            )));
        }
        if body.contains("{username}") {
            return Err(Error::invalid_parameter(format!(
                "{what} of a verification message cannot contain {{username}}."
            )));
        }
    }
    Ok(())
}

fn validate_invite(t: &InviteMessageTemplate) -> Result<()> {
    check_len(
        "InviteMessageTemplate.EmailSubject",
        &t.email_subject,
        1,
        140,
    )?;
    check_len(
        "InviteMessageTemplate.EmailMessage",
        &t.email_message,
        6,
        20_000,
    )?;
    check_len("InviteMessageTemplate.SMSMessage", &t.sms_message, 6, 140)?;
    for (what, body) in [
        ("InviteMessageTemplate.EmailMessage", &t.email_message),
        ("InviteMessageTemplate.SMSMessage", &t.sms_message),
    ] {
        if !body.contains("{####}") || !body.contains("{username}") {
            return Err(Error::invalid_parameter(format!(
                "{what} must contain both the {{username}} and {{####}} placeholders."
            )));
        }
    }
    Ok(())
}
