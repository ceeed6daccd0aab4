//! The members of `CreateUserPool`, `UpdateUserPool` and
//! `AddCustomAttributes` as a [`PoolConfig`] (cognito-protocol.md §4.2, §7,
//! Appendix A).
//!
//! Every member either maps onto the configuration, is accepted because the
//! value given turns nothing on (listed on
//! [`PoolConfig::from_create_user_pool_json`]), or is refused by name with
//! `InvalidParameterException`. Validation of the values themselves is the
//! configuration builders' ([`PoolConfigBuilder::build`],
//! [`PasswordPolicyBuilder::build`](crate::policy::PasswordPolicyBuilder::build),
//! [`Schema::new`]).

use std::collections::BTreeMap;

use serde_json::Value;

use super::lambda::{read_lambda_config, read_tier};
use super::mfa::MfaMembers;
use crate::config::{
    AdvancedSecurityMode, AliasAttribute, EmailConfiguration, EmailSendingAccount, EmailStyle,
    InviteMessageTemplate, LambdaConfig, PoolConfig, PoolConfigBuilder, RecoveryMechanism,
    UserPoolAddOns, UserPoolTier, UsernameAttribute, VerificationMessageTemplate,
    VerifiedAttribute,
};
use crate::error::Error;
use crate::json::{
    Failure, Members, Read, bad_length, missing, not_in_enum, obj_list, str_list, truncate,
    unsupported,
};
use crate::policy::{PasswordPolicy, PasswordPolicyBuilder};
use crate::schema::{
    AttributeDataType, CustomAttribute, STANDARD_ATTRIBUTES, Schema, StandardAttribute,
    StandardAttributeInfo, standard_attribute,
};

/// The most entries a `Schema` list may have (model `SchemaAttributesListType`).
const MAX_SCHEMA_ENTRIES: usize = 50;
/// The most entries one `AddCustomAttributes` call may add (model
/// `CustomAttributesListType`).
const MAX_ADDED_ATTRIBUTES: usize = 25;

/// `CreateUserPool`'s members as a configuration.
pub(crate) fn create_config(input: &Members<'_>) -> Read<PoolConfig> {
    read_create(input, false)
}

/// A stored (or Rust caller's) definition: `CreateUserPool`'s members and
/// `SetUserPoolMfaConfig`'s factor blocks (see
/// [`PoolConfig::from_create_user_pool_json`]).
pub(crate) fn definition_config(input: &Members<'_>) -> Read<PoolConfig> {
    read_create(input, true)
}

fn read_create(input: &Members<'_>, definition: bool) -> Read<PoolConfig> {
    let builder = PoolConfig::builder(input.str("PoolName")?);
    let fixed = Fixed::read(input)?;
    let settings = Settings::read(input, definition)?;
    // A stored definition's resource servers (an extra member: a request
    // leaves it unread, so `finish` refuses it by name).
    let mut servers = Vec::new();
    if definition && let Some(list) = input.value("ResourceServers") {
        let Value::Array(items) = list else {
            return Err(crate::json::wrong_type("ResourceServers", "list"));
        };
        for (i, item) in items.iter().enumerate() {
            let m = Members::new(format!("ResourceServers[{i}]"), item)?;
            servers.push(crate::config::read_resource_server(&m)?);
            m.finish()?;
        }
    }
    // Likewise its domains.
    let mut domains = Vec::new();
    if definition && let Some(list) = input.value("Domains") {
        let Value::Array(items) = list else {
            return Err(crate::json::wrong_type("Domains", "list"));
        };
        for (i, item) in items.iter().enumerate() {
            let m = Members::new(format!("Domains[{i}]"), item)?;
            domains.push(crate::config::domain::read_stored_domain(&m)?);
        }
    }
    let builder = fixed
        .apply(builder)
        .resource_servers(servers)
        .domains(domains);
    Ok(settings.apply(builder, None)?.build()?)
}

/// `UpdateUserPool`: `current` with every changeable setting taken from the
/// request. As in Cognito, a changeable member left out returns to its
/// default (the password policy, auto-verification, message templates,
/// admin-only creation, account recovery, `LambdaConfig`: every trigger
/// is removed, and the MFA members: `MfaConfiguration` left out is `OFF`,
/// see [`MfaMembers::apply`]); the name stays unless `PoolName` is given, and the feature
/// plan stays unless `UserPoolTier` is given (a plan is a billing choice,
/// which an update that does not name it should not downgrade).
///
/// `UsernameAttributes`, `AliasAttributes`, `UsernameConfiguration` and
/// `Schema` are not members of `UpdateUserPool`; when a request carries them
/// anyway they must repeat the pool's settings (a change is refused with
/// `... cannot be changed after the user pool is created.`).
pub(crate) fn update_config(input: &Members<'_>, current: &PoolConfig) -> Read<PoolConfig> {
    Fixed::read(input)?.check_unchanged(current)?;
    let settings = Settings::read(input, false)?;
    let base = match input.opt_str("PoolName")? {
        Some(name) if name != current.name() => renamed(current, name),
        _ => current.to_builder(),
    };
    Ok(settings.apply(base, Some(current))?.build()?)
}

/// `AddCustomAttributes`: `current` with the request's `CustomAttributes`
/// appended. Every name is a custom attribute's (`email` means
/// `custom:email`).
pub(crate) fn with_custom_attributes(
    input: &Members<'_>,
    current: &PoolConfig,
) -> Read<PoolConfig> {
    const MEMBER: &str = "CustomAttributes";
    let entries = obj_list(MEMBER, input.value(MEMBER))?.ok_or_else(|| missing(MEMBER))?;
    if let Some(e) = bad_length(MEMBER, entries.len(), 1, MAX_ADDED_ATTRIBUTES) {
        return Err(e.into());
    }
    let mut builder = current.to_builder();
    for entry in &entries {
        let added = RawAttribute::read(entry)?.into_custom()?;
        if let Some(existing) = current
            .schema()
            .custom()
            .iter()
            .find(|c| c.name() == added.name())
        {
            return Err(Error::invalid_parameter(format!(
                "custom:{}: Existing attribute already has name {}.",
                added.name(),
                existing.api_name()
            ))
            .into());
        }
        builder = builder.custom_attribute(added);
    }
    Ok(builder.build()?)
}

/// A builder holding `current` under a new name (`PoolConfigBuilder` has no
/// setter for the name). The changeable settings are all replaced
/// afterwards by [`Settings::apply`].
fn renamed(current: &PoolConfig, name: &str) -> PoolConfigBuilder {
    let mut builder = PoolConfig::builder(name)
        .username_attributes(current.username_attributes())
        .alias_attributes(current.alias_attributes())
        .case_sensitive(current.case_sensitive())
        .tier(current.tier())
        // Not UpdateUserPool's to change: the pool keeps them.
        .domains(current.domains().to_vec())
        .resource_servers(current.resource_servers().to_vec());
    for s in current.schema().standard() {
        builder = builder.standard_attribute(s.clone());
    }
    for c in current.schema().custom() {
        builder = builder.custom_attribute(c.clone());
    }
    builder
}

// ---------------------------------------------------------------------------
// What CreateUserPool fixes for the pool's lifetime
// ---------------------------------------------------------------------------

/// The members only `CreateUserPool` sets.
struct Fixed {
    username: Option<Vec<UsernameAttribute>>,
    alias: Option<Vec<AliasAttribute>>,
    case_sensitive: Option<bool>,
    schema: Option<(Vec<StandardAttribute>, Vec<CustomAttribute>)>,
}

impl Fixed {
    fn read(input: &Members<'_>) -> Read<Self> {
        let username = enum_list(
            "UsernameAttributes",
            input.value("UsernameAttributes"),
            &[
                ("phone_number", UsernameAttribute::PhoneNumber),
                ("email", UsernameAttribute::Email),
            ],
        )?;
        let alias = enum_list(
            "AliasAttributes",
            input.value("AliasAttributes"),
            &[
                ("phone_number", AliasAttribute::PhoneNumber),
                ("email", AliasAttribute::Email),
                ("preferred_username", AliasAttribute::PreferredUsername),
            ],
        )?;
        let case_sensitive = match Members::optional(
            "UsernameConfiguration",
            input.value("UsernameConfiguration"),
        )? {
            Some(m) => {
                let yes = m
                    .opt_bool("CaseSensitive")?
                    .ok_or_else(|| missing("UsernameConfiguration.caseSensitive"))?;
                m.finish()?;
                Some(yes)
            }
            None => None,
        };
        Ok(Self {
            username,
            alias,
            case_sensitive,
            schema: read_schema(input.value("Schema"))?,
        })
    }

    fn apply(self, mut builder: PoolConfigBuilder) -> PoolConfigBuilder {
        if let Some(attrs) = &self.username {
            builder = builder.username_attributes(attrs);
        }
        if let Some(attrs) = &self.alias {
            builder = builder.alias_attributes(attrs);
        }
        if let Some(yes) = self.case_sensitive {
            builder = builder.case_sensitive(yes);
        }
        if let Some((standard, custom)) = self.schema {
            for s in standard {
                builder = builder.standard_attribute(s);
            }
            for c in custom {
                builder = builder.custom_attribute(c);
            }
        }
        builder
    }

    /// Refuses any of these members that differs from `current`.
    fn check_unchanged(&self, current: &PoolConfig) -> Read<()> {
        let changed = [
            (
                "UsernameAttributes",
                self.username
                    .as_ref()
                    .is_some_and(|u| !same_set(u, current.username_attributes())),
            ),
            (
                "AliasAttributes",
                self.alias
                    .as_ref()
                    .is_some_and(|a| !same_set(a, current.alias_attributes())),
            ),
            (
                "UsernameConfiguration",
                self.case_sensitive
                    .is_some_and(|yes| yes != current.case_sensitive()),
            ),
            (
                "Schema",
                self.schema
                    .as_ref()
                    .is_some_and(|(s, c)| !same_schema(s, c, current.schema())),
            ),
        ];
        match changed.iter().find(|(_, changed)| *changed) {
            Some((member, _)) => Err(Error::invalid_parameter(format!(
                "{member} cannot be changed after the user pool is created."
            ))
            .into()),
            None => Ok(()),
        }
    }
}

fn same_set<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// Whether a `Schema` given again describes `current`: the same required /
/// mutable setting for every standard attribute (listed or not) and the
/// same custom attributes.
fn same_schema(
    standard: &[StandardAttribute],
    custom: &[CustomAttribute],
    current: &Schema,
) -> bool {
    let effective = |list: &[StandardAttribute], name: &str| {
        list.iter()
            .find(|s| s.name == name)
            .map_or((false, true), |s| (s.required, s.mutable))
    };
    STANDARD_ATTRIBUTES
        .iter()
        .all(|info| effective(standard, info.name()) == effective(current.standard(), info.name()))
        && same_set(custom, current.custom())
}

/// A list member of enum strings.
fn enum_list<T: Copy>(
    member: &str,
    value: Option<&Value>,
    values: &[(&'static str, T)],
) -> Read<Option<Vec<T>>> {
    let Some(items) = str_list(member, value)? else {
        return Ok(None);
    };
    items
        .iter()
        .map(|item| {
            values
                .iter()
                .find(|(name, _)| name == item)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    let names: Vec<&'static str> = values.iter().map(|(n, _)| *n).collect();
                    Failure::from(not_in_enum(member, item, &names))
                })
        })
        .collect::<Read<Vec<_>>>()
        .map(Some)
}

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

/// One `SchemaAttributeType` once classified.
enum SchemaEntry {
    Standard(StandardAttribute),
    Custom(CustomAttribute),
    /// `sub`, `email_verified`, `phone_number_verified` as the pool has them.
    System,
}

fn read_schema(
    value: Option<&Value>,
) -> Read<Option<(Vec<StandardAttribute>, Vec<CustomAttribute>)>> {
    const MEMBER: &str = "Schema";
    let Some(entries) = obj_list(MEMBER, value)? else {
        return Ok(None);
    };
    if let Some(e) = bad_length(MEMBER, entries.len(), 1, MAX_SCHEMA_ENTRIES) {
        return Err(e.into());
    }
    let (mut standard, mut custom) = (Vec::new(), Vec::new());
    for entry in &entries {
        match RawAttribute::read(entry)?.classify()? {
            SchemaEntry::Standard(s) => standard.push(s),
            SchemaEntry::Custom(c) => custom.push(c),
            SchemaEntry::System => {}
        }
    }
    Ok(Some((standard, custom)))
}

/// A `SchemaAttributeType` as given.
struct RawAttribute<'a> {
    name: &'a str,
    data_type: Option<AttributeDataType>,
    developer_only: Option<bool>,
    mutable: Option<bool>,
    required: Option<bool>,
    min_length: Option<i64>,
    max_length: Option<i64>,
    min_value: Option<i64>,
    max_value: Option<i64>,
}

impl<'a> RawAttribute<'a> {
    fn read(m: &Members<'a>) -> Read<Self> {
        let name = m.str("Name")?;
        let data_type = match m.opt_str("AttributeDataType")? {
            None => None,
            Some(t) => Some(parse_data_type(&m.path_of("AttributeDataType"), t)?),
        };
        let bounds = |member: &str, lo: &str, hi: &str| -> Read<(Option<i64>, Option<i64>)> {
            let Some(c) = m.opt_obj(member)? else {
                return Ok((None, None));
            };
            let bound = |key: &str| -> Read<Option<i64>> {
                c.opt_str(key)?
                    .map(|s| {
                        s.trim().parse::<i64>().map_err(|_| {
                            Error::invalid_parameter(format!(
                                "{name}: {member}.{key} must be an integer, got '{}'.",
                                truncate(s, 32)
                            ))
                        })
                    })
                    .transpose()
                    .map_err(Failure::from)
            };
            let pair = (bound(lo)?, bound(hi)?);
            c.finish()?;
            Ok(pair)
        };
        let (min_length, max_length) =
            bounds("StringAttributeConstraints", "MinLength", "MaxLength")?;
        let (min_value, max_value) = bounds("NumberAttributeConstraints", "MinValue", "MaxValue")?;
        let raw = Self {
            name,
            data_type,
            developer_only: m.opt_bool("DeveloperOnlyAttribute")?,
            mutable: m.opt_bool("Mutable")?,
            required: m.opt_bool("Required")?,
            min_length,
            max_length,
            min_value,
            max_value,
        };
        m.finish()?;
        Ok(raw)
    }

    /// A standard attribute when the name is one without prefix, else custom.
    fn classify(self) -> Read<SchemaEntry> {
        if let Some(info) = standard_attribute(self.name) {
            return self.into_standard(info);
        }
        self.into_custom().map(SchemaEntry::Custom)
    }

    fn into_standard(self, info: &'static StandardAttributeInfo) -> Read<SchemaEntry> {
        let name = self.name;
        let refuse = |why: &str| Err(Error::invalid_parameter(format!("{name}: {why}")).into());
        if self.data_type.is_some_and(|t| t != info.data_type()) {
            return refuse(&format!(
                "The data type of a standard attribute is {} and cannot be changed.",
                info.data_type().as_str()
            ));
        }
        if self.developer_only == Some(true) {
            return refuse("A standard attribute cannot be developer-only.");
        }
        let differs = |given: Option<i64>, fixed: Option<i64>| given.is_some() && given != fixed;
        if differs(self.min_length, info.min_length().map(i64::from))
            || differs(self.max_length, info.max_length().map(i64::from))
            || differs(self.min_value, info.min_value())
            || self.max_value.is_some()
        {
            return refuse("The constraints of a standard attribute cannot be changed.");
        }
        if info.is_system() {
            // `sub`, the one attribute no request writes, is required and
            // immutable; the `_verified` flags are optional and mutable.
            let (required, mutable) = (!info.is_writable(), info.is_writable());
            if self.required.is_some_and(|r| r != required)
                || self.mutable.is_some_and(|m| m != mutable)
            {
                return refuse("The user pool maintains this attribute; it cannot be configured.");
            }
            return Ok(SchemaEntry::System);
        }
        let mut attr = StandardAttribute::new(name);
        if self.required == Some(true) {
            attr = attr.required();
        }
        if self.mutable == Some(false) {
            attr = attr.immutable();
        }
        Ok(SchemaEntry::Standard(attr))
    }

    /// The custom attribute this entry defines, named with or without its
    /// `custom:` / `dev:custom:` / `dev:` prefix (a `dev:` prefix makes it
    /// developer-only).
    fn into_custom(self) -> Read<CustomAttribute> {
        let (dev, rest) = match self.name.strip_prefix("dev:") {
            Some(rest) => (true, rest),
            None => (false, self.name),
        };
        let base = rest.strip_prefix("custom:").unwrap_or(rest);
        let refuse =
            |why: &str| Err(Error::invalid_parameter(format!("custom:{base}: {why}")).into());
        let Some(data_type) = self.data_type else {
            return refuse("AttributeDataType is required for a custom attribute.");
        };
        if dev && self.developer_only == Some(false) {
            return refuse("A dev: attribute must have DeveloperOnlyAttribute true.");
        }
        let mut attr = match data_type {
            AttributeDataType::String => CustomAttribute::string(base),
            AttributeDataType::Number => CustomAttribute::number(base),
            AttributeDataType::DateTime => CustomAttribute::date_time(base),
            AttributeDataType::Boolean => CustomAttribute::boolean(base),
        };
        if self.mutable == Some(false) {
            attr = attr.immutable();
        }
        if self.required == Some(true) {
            attr = attr.required();
        }
        if self.developer_only.unwrap_or(dev) {
            attr = attr.developer_only();
        }
        let length = |v: Option<i64>| -> Read<Option<u32>> {
            v.map(|n| {
                u32::try_from(n).map_err(|_| {
                    Error::invalid_parameter(format!(
                        "custom:{base}: Length constraints must be between 0 and {}.",
                        Schema::MAX_VALUE_LENGTH
                    ))
                })
            })
            .transpose()
            .map_err(Failure::from)
        };
        // Schema::new refuses bounds on the wrong data type.
        attr.min_length = length(self.min_length)?;
        attr.max_length = length(self.max_length)?;
        attr.min_value = self.min_value;
        attr.max_value = self.max_value;
        Ok(attr)
    }
}

fn parse_data_type(path: &str, value: &str) -> Read<AttributeDataType> {
    const ALL: [AttributeDataType; 4] = [
        AttributeDataType::String,
        AttributeDataType::Number,
        AttributeDataType::DateTime,
        AttributeDataType::Boolean,
    ];
    ALL.into_iter()
        .find(|t| t.as_str() == value)
        .ok_or_else(|| not_in_enum(path, value, &ALL.map(AttributeDataType::as_str)).into())
}

// ---------------------------------------------------------------------------
// What UpdateUserPool may change
// ---------------------------------------------------------------------------

/// The changeable settings, each from the request or its default.
struct Settings {
    policy: PasswordPolicy,
    auto_verified: Vec<VerifiedAttribute>,
    verification: VerificationMessageTemplate,
    allow_admin_create_user_only: bool,
    invite: InviteMessageTemplate,
    recovery: Vec<RecoveryMechanism>,
    lambda: LambdaConfig,
    /// `None` when not given: the builder's plan stays.
    tier: Option<UserPoolTier>,
    mfa: MfaMembers,
    /// `None` when not given: an update keeps the pool's tags.
    tags: Option<BTreeMap<String, String>>,
    deletion_protection: bool,
    add_ons: UserPoolAddOns,
    /// Left out, Cognito's default sending (UpdateUserPool resets it).
    email: Option<EmailConfiguration>,
}

impl Settings {
    fn read(input: &Members<'_>, definition: bool) -> Read<Self> {
        no_effect_members(input)?;
        let tier = read_tier(input)?;
        let lite = tier == Some(UserPoolTier::Lite);
        let mfa = MfaMembers::read(input, definition)?;
        let (policy, temporary_days) = read_policies(input)?;
        let admin = AdminCreateUser::read(input)?;
        // cognito-protocol.md §7.3: UnusedAccountValidityDays is the legacy
        // name of TemporaryPasswordValidityDays; 0 means the default, 7.
        let days = |d: u32| {
            if d == 0 {
                PasswordPolicy::DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS
            } else {
                d
            }
        };
        let temporary_days = match (temporary_days, admin.unused_account_validity_days) {
            (Some(t), Some(u)) if days(t) != days(u) => {
                return Err(Error::invalid_parameter(
                    "Policies.PasswordPolicy.TemporaryPasswordValidityDays and \
                     AdminCreateUserConfig.UnusedAccountValidityDays differ; give only \
                     TemporaryPasswordValidityDays.",
                )
                .into());
            }
            (Some(d), _) | (None, Some(d)) => d,
            (None, None) => 0,
        };
        let policy = policy
            .temporary_password_validity_days(temporary_days)
            .build()?;
        if lite && policy.password_history_size() > 0 {
            return Err(Error::invalid_parameter(
                "PasswordHistorySize is not available in the LITE feature plan.",
            )
            .into());
        }
        Ok(Self {
            policy,
            auto_verified: enum_list(
                "AutoVerifiedAttributes",
                input.value("AutoVerifiedAttributes"),
                &[
                    ("phone_number", VerifiedAttribute::PhoneNumber),
                    ("email", VerifiedAttribute::Email),
                ],
            )?
            .unwrap_or_default(),
            verification: read_verification(input)?,
            allow_admin_create_user_only: admin.allow_admin_create_user_only,
            invite: admin.invite,
            recovery: read_recovery(input)?,
            lambda: read_lambda_config(input)?,
            tier,
            mfa,
            tags: input.opt_str_map("UserPoolTags")?,
            deletion_protection: read_deletion_protection(input)?,
            add_ons: read_add_ons(input)?,
            email: read_email_configuration(input)?,
        })
    }

    /// `builder` with these settings; `current` is the pool an
    /// `UpdateUserPool` changes (see [`MfaMembers::apply`]).
    fn apply(
        self,
        builder: PoolConfigBuilder,
        current: Option<&PoolConfig>,
    ) -> Read<PoolConfigBuilder> {
        let builder = match self.tier {
            Some(tier) => builder.tier(tier),
            None => builder,
        };
        let builder = match self.tags {
            Some(tags) => builder.tags(tags),
            None => builder,
        };
        let builder = self.mfa.apply(builder, current)?;
        Ok(builder
            .deletion_protection(self.deletion_protection)
            .add_ons(self.add_ons)
            .email_configuration(self.email)
            .lambda_config(self.lambda)
            .password_policy(self.policy)
            .auto_verified_attributes(&self.auto_verified)
            .verification_message(self.verification)
            .allow_admin_create_user_only(self.allow_admin_create_user_only)
            .invite_message(self.invite)
            .account_recovery(&self.recovery))
    }
}

/// `UserPoolAddOns`: left out, threat protection is `OFF` (also in
/// `UpdateUserPool`, which sets an omitted member to its default).
fn read_add_ons(input: &Members<'_>) -> Read<UserPoolAddOns> {
    const MODES: [AdvancedSecurityMode; 3] = [
        AdvancedSecurityMode::Off,
        AdvancedSecurityMode::Audit,
        AdvancedSecurityMode::Enforced,
    ];
    let Some(m) = Members::optional("UserPoolAddOns", input.value("UserPoolAddOns"))? else {
        return Ok(UserPoolAddOns::default());
    };
    let mode_of = |path: &str, value: &str, allowed: &[AdvancedSecurityMode]| {
        allowed
            .iter()
            .copied()
            .find(|a| a.as_str() == value)
            .ok_or_else(|| {
                Failure::from(not_in_enum(
                    path,
                    value,
                    &allowed.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
                ))
            })
    };
    let mode = mode_of(
        &m.path_of("AdvancedSecurityMode"),
        m.str("AdvancedSecurityMode")?,
        &MODES,
    )?;
    let mut custom = None;
    if let Some(flows) = m.opt_obj("AdvancedSecurityAdditionalFlows")? {
        if let Some(v) = flows.opt_str("CustomAuthMode")? {
            custom = Some(mode_of(&flows.path_of("CustomAuthMode"), v, &MODES[1..])?);
        }
        flows.finish()?;
    }
    m.finish()?;
    Ok(UserPoolAddOns::new(mode).with_custom_auth_mode(custom))
}

/// `DeletionProtection`: `ACTIVE` is `true`; left out it is `INACTIVE`,
/// also in `UpdateUserPool` (Cognito sets a member an update leaves out to
/// its default, and `INACTIVE` is `CreateUserPool`'s default).
fn read_deletion_protection(input: &Members<'_>) -> Read<bool> {
    match input.opt_str("DeletionProtection")? {
        None | Some("INACTIVE") => Ok(false),
        Some("ACTIVE") => Ok(true),
        Some(other) => {
            Err(not_in_enum("DeletionProtection", other, &["ACTIVE", "INACTIVE"]).into())
        }
    }
}

/// The password policy (without its temporary-password validity) and the
/// `TemporaryPasswordValidityDays` given, if any.
fn read_policies(input: &Members<'_>) -> Read<(PasswordPolicyBuilder, Option<u32>)> {
    let Some(policies) = Members::optional("Policies", input.value("Policies"))? else {
        return Ok((PasswordPolicy::builder(), None));
    };
    if let Some(sign_in) = policies.opt_obj("SignInPolicy")? {
        let factors = sign_in.opt_str_list("AllowedFirstAuthFactors")?;
        if factors.is_some_and(|f| f != ["PASSWORD"]) {
            return Err(Error::invalid_parameter(
                "Policies.SignInPolicy.AllowedFirstAuthFactors: only [PASSWORD] is supported by \
                 this engine.",
            )
            .into());
        }
        sign_in.finish()?;
    }
    let out = match policies.opt_obj("PasswordPolicy")? {
        None => (PasswordPolicy::builder(), None),
        Some(p) => {
            let builder = PasswordPolicy::builder()
                .minimum_length(
                    p.opt_u32("MinimumLength")?
                        .unwrap_or(PasswordPolicy::DEFAULT_MINIMUM_LENGTH),
                )
                .require_uppercase(p.opt_bool("RequireUppercase")?.unwrap_or(false))
                .require_lowercase(p.opt_bool("RequireLowercase")?.unwrap_or(false))
                .require_numbers(p.opt_bool("RequireNumbers")?.unwrap_or(false))
                .require_symbols(p.opt_bool("RequireSymbols")?.unwrap_or(false))
                .password_history_size(p.opt_u32("PasswordHistorySize")?.unwrap_or(0));
            let temporary_days = p.opt_u32("TemporaryPasswordValidityDays")?;
            p.finish()?;
            (builder, temporary_days)
        }
    };
    policies.finish()?;
    Ok(out)
}

/// `AdminCreateUserConfig`.
struct AdminCreateUser {
    allow_admin_create_user_only: bool,
    unused_account_validity_days: Option<u32>,
    invite: InviteMessageTemplate,
}

impl AdminCreateUser {
    fn read(input: &Members<'_>) -> Read<Self> {
        let mut out = Self {
            allow_admin_create_user_only: false,
            unused_account_validity_days: None,
            invite: InviteMessageTemplate::default(),
        };
        let Some(a) = Members::optional(
            "AdminCreateUserConfig",
            input.value("AdminCreateUserConfig"),
        )?
        else {
            return Ok(out);
        };
        out.allow_admin_create_user_only = a.opt_bool("AllowAdminCreateUserOnly")?.unwrap_or(false);
        out.unused_account_validity_days = a.opt_u32_in(
            "UnusedAccountValidityDays",
            0,
            i64::from(PasswordPolicy::MAX_TEMPORARY_PASSWORD_VALIDITY_DAYS),
        )?;
        if let Some(t) = a.opt_obj("InviteMessageTemplate")? {
            if let Some(s) = t.opt_str("EmailMessage")? {
                out.invite.email_message = s.to_owned();
            }
            if let Some(s) = t.opt_str("EmailSubject")? {
                out.invite.email_subject = s.to_owned();
            }
            if let Some(s) = t.opt_str("SMSMessage")? {
                out.invite.sms_message = s.to_owned();
            }
            t.finish()?;
        }
        a.finish()?;
        Ok(out)
    }
}

/// `VerificationMessageTemplate` and its legacy top-level equivalents.
fn read_verification(input: &Members<'_>) -> Read<VerificationMessageTemplate> {
    let legacy_email = input.opt_str("EmailVerificationMessage")?;
    let legacy_subject = input.opt_str("EmailVerificationSubject")?;
    let legacy_sms = input.opt_str("SmsVerificationMessage")?;
    let (mut email, mut subject, mut sms, mut style) = (None, None, None, None);
    if let Some(t) = Members::optional(
        "VerificationMessageTemplate",
        input.value("VerificationMessageTemplate"),
    )? {
        email = t.opt_str("EmailMessage")?;
        subject = t.opt_str("EmailSubject")?;
        sms = t.opt_str("SmsMessage")?;
        style = t.opt_str("DefaultEmailOption")?;
        t.finish()?;
    }
    let mut template = VerificationMessageTemplate::default();
    if let Some(s) = one_of(
        "EmailVerificationMessage",
        legacy_email,
        "EmailMessage",
        email,
    )? {
        template.email_message = s.to_owned();
    }
    if let Some(s) = one_of(
        "EmailVerificationSubject",
        legacy_subject,
        "EmailSubject",
        subject,
    )? {
        template.email_subject = s.to_owned();
    }
    if let Some(s) = one_of("SmsVerificationMessage", legacy_sms, "SmsMessage", sms)? {
        template.sms_message = s.to_owned();
    }
    template.default_email_option = match style {
        None | Some("CONFIRM_WITH_CODE") => EmailStyle::Code,
        // Refused by PoolConfigBuilder::build, with its own message.
        Some("CONFIRM_WITH_LINK") => EmailStyle::Link,
        Some(other) => {
            return Err(not_in_enum(
                "VerificationMessageTemplate.DefaultEmailOption",
                other,
                &["CONFIRM_WITH_LINK", "CONFIRM_WITH_CODE"],
            )
            .into());
        }
    };
    Ok(template)
}

/// A legacy member and its `VerificationMessageTemplate` counterpart: either
/// may be given, both only if equal.
fn one_of<'a>(
    legacy_name: &str,
    legacy: Option<&'a str>,
    template_name: &str,
    template: Option<&'a str>,
) -> Read<Option<&'a str>> {
    match (legacy, template) {
        (Some(a), Some(b)) if a != b => Err(Error::invalid_parameter(format!(
            "{legacy_name} and VerificationMessageTemplate.{template_name} differ; give only \
             VerificationMessageTemplate.{template_name}."
        ))
        .into()),
        (a, b) => Ok(b.or(a)),
    }
}

/// `AccountRecoverySetting.RecoveryMechanisms`, by `Priority`.
fn read_recovery(input: &Members<'_>) -> Read<Vec<RecoveryMechanism>> {
    const PATH: &str = "AccountRecoverySetting.RecoveryMechanisms";
    let Some(setting) = Members::optional(
        "AccountRecoverySetting",
        input.value("AccountRecoverySetting"),
    )?
    else {
        return Ok(Vec::new());
    };
    let list = obj_list(PATH, setting.value("RecoveryMechanisms"))?;
    setting.finish()?;
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    if let Some(e) = bad_length(PATH, list.len(), 1, 2) {
        return Err(e.into());
    }
    let mut ranked = Vec::with_capacity(list.len());
    for m in &list {
        let priority = m.u32_in("Priority", 1, 2)?;
        let mechanism = match m.str("Name")? {
            "verified_email" => RecoveryMechanism::VerifiedEmail,
            "verified_phone_number" => RecoveryMechanism::VerifiedPhoneNumber,
            "admin_only" => RecoveryMechanism::AdminOnly,
            other => {
                return Err(not_in_enum(
                    &m.path_of("Name"),
                    other,
                    &["verified_email", "verified_phone_number", "admin_only"],
                )
                .into());
            }
        };
        m.finish()?;
        ranked.push((priority, mechanism));
    }
    ranked.sort_by_key(|(priority, _)| *priority);
    if ranked.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(Error::invalid_parameter(
            "Two recovery mechanisms cannot have the same Priority.",
        )
        .into());
    }
    Ok(ranked.into_iter().map(|(_, m)| m).collect())
}

/// `EmailConfiguration` (`EmailConfigurationType`), checked by
/// [`EmailConfiguration::validate`] when the configuration is built.
fn read_email_configuration(input: &Members<'_>) -> Read<Option<EmailConfiguration>> {
    const MEMBER: &str = "EmailConfiguration";
    let Some(m) = Members::optional(MEMBER, input.value(MEMBER))? else {
        return Ok(None);
    };
    let sending_account = match m.opt_str("EmailSendingAccount")? {
        None => EmailSendingAccount::CognitoDefault,
        Some(s) => EmailSendingAccount::parse(s).ok_or_else(|| {
            not_in_enum(
                "EmailConfiguration.EmailSendingAccount",
                s,
                &["COGNITO_DEFAULT", "DEVELOPER"],
            )
        })?,
    };
    let owned = |s: Option<&str>| s.map(str::to_owned);
    let out = EmailConfiguration {
        sending_account,
        source_arn: owned(m.opt_str("SourceArn")?),
        from: owned(m.opt_str("From")?),
        reply_to: owned(m.opt_str("ReplyToEmailAddress")?),
        configuration_set: owned(m.opt_str("ConfigurationSet")?),
    };
    m.finish()?;
    Ok(Some(out))
}

/// The members accepted only with a value that turns nothing on (see
/// [`PoolConfig::from_create_user_pool_json`]).
fn no_effect_members(input: &Members<'_>) -> Read<()> {
    if let Some(m) = Members::optional(
        "UserAttributeUpdateSettings",
        input.value("UserAttributeUpdateSettings"),
    )? {
        const LIST: &str = "AttributesRequireVerificationBeforeUpdate";
        if m.opt_str_list(LIST)?.is_some_and(|l| !l.is_empty()) {
            return Err(unsupported(&m.path_of(LIST)).into());
        }
        m.finish()?;
    }
    Ok(())
}
