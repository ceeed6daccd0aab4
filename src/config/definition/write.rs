//! A [`PoolConfig`] as the JSON members Cognito uses for it: the
//! `CreateUserPool` request that creates it, and the members of
//! `UserPoolType` (`DescribeUserPool`) that come from it.

use serde_json::{Map, Value, json};

use super::lambda::lambda_config_json;
use super::mfa::{factor_blocks, mfa_members};
use crate::config::{
    AliasAttribute, EmailConfiguration, EmailStyle, PoolConfig, RecoveryMechanism,
    UsernameAttribute,
};
use crate::schema::{
    AttributeDataType, CustomAttribute, STANDARD_ATTRIBUTES, Schema, StandardAttributeInfo,
};

/// The order in which Cognito lists the standard attributes in
/// `SchemaAttributes` (as a live `DescribeUserPool` answer shows it).
const COGNITO_ORDER: [&str; 20] = [
    "sub",
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "updated_at",
];

/// The `CreateUserPool` request that creates a pool configured exactly as
/// `config` (the inverse of [`PoolConfig::from_create_user_pool_json`]).
pub(crate) fn create_request(config: &PoolConfig) -> Value {
    let mut out = config_members(config);
    // Not `SchemaAttributes`, which lists every standard attribute: only
    // the ones the configuration names, so it reads back equal.
    out.remove("SchemaAttributes");
    let standard = config.schema().standard().iter().map(|s| {
        let data_type = STANDARD_ATTRIBUTES
            .iter()
            .find(|info| info.name() == s.name())
            .map_or("String", |info| info.data_type().as_str());
        json!({
            "Name": s.name(),
            "AttributeDataType": data_type,
            "Required": s.required,
            "Mutable": s.mutable,
        })
    });
    let custom = config.schema().custom().iter().map(custom_attribute);
    let schema: Vec<Value> = standard.chain(custom).collect();
    // The model refuses an empty list: no schema is no member.
    if !schema.is_empty() {
        out.insert("Schema".into(), Value::Array(schema));
    }
    out.insert("PoolName".into(), json!(config.name()));
    factor_blocks(config, &mut out);
    // Like the factor blocks, a member only a stored definition has.
    if !config.resource_servers().is_empty() {
        out.insert(
            "ResourceServers".into(),
            crate::config::stored_resource_servers(config.resource_servers()),
        );
    }
    if !config.domains().is_empty() {
        out.insert(
            "Domains".into(),
            crate::config::domain::stored_domains(config.domains()),
        );
    }
    Value::Object(out)
}

/// The members of `UserPoolType` that come from the configuration, in the
/// shapes `CreateUserPool` takes them, so they can be given back.
pub(crate) fn config_members(config: &PoolConfig) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(
        "LambdaConfig".into(),
        lambda_config_json(config.lambda_config()),
    );
    out.insert("UserPoolTier".into(), json!(config.tier().as_str()));
    out.insert(
        "DeletionProtection".into(),
        json!(if config.deletion_protection() {
            "ACTIVE"
        } else {
            "INACTIVE"
        }),
    );
    let add_ons = config.add_ons();
    let mut add_ons_json = json!({"AdvancedSecurityMode": add_ons.advanced_security_mode.as_str()});
    if let Some(m) = add_ons.custom_auth_mode {
        add_ons_json["AdvancedSecurityAdditionalFlows"] = json!({"CustomAuthMode": m.as_str()});
    }
    out.insert("UserPoolAddOns".into(), add_ons_json);
    // Cognito leaves `UserPoolTags` out of a pool that has none.
    if !config.tags().is_empty() {
        out.insert("UserPoolTags".into(), json!(config.tags()));
    }
    mfa_members(config, &mut out);
    if let Some(email) = config.email_configuration() {
        out.insert("EmailConfiguration".into(), email_configuration_json(email));
    }
    let policy = config.password_policy();
    out.insert(
        "Policies".into(),
        json!({
            "PasswordPolicy": {
                "MinimumLength": policy.minimum_length(),
                "RequireUppercase": policy.require_uppercase(),
                "RequireLowercase": policy.require_lowercase(),
                "RequireNumbers": policy.require_numbers(),
                "RequireSymbols": policy.require_symbols(),
                "PasswordHistorySize": policy.password_history_size(),
                "TemporaryPasswordValidityDays": policy.temporary_password_validity_days(),
            },
            "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD"]},
        }),
    );
    out.insert(
        "SchemaAttributes".into(),
        Value::Array(schema_attributes(config.schema())),
    );
    let names = |list: Vec<&str>| json!(list);
    if !config.auto_verified_attributes().is_empty() {
        out.insert(
            "AutoVerifiedAttributes".into(),
            names(
                config
                    .auto_verified_attributes()
                    .iter()
                    .map(|a| a.name())
                    .collect(),
            ),
        );
    }
    if !config.alias_attributes().is_empty() {
        out.insert(
            "AliasAttributes".into(),
            names(
                config
                    .alias_attributes()
                    .iter()
                    .map(|a| alias_name(*a))
                    .collect(),
            ),
        );
    }
    if !config.username_attributes().is_empty() {
        out.insert(
            "UsernameAttributes".into(),
            names(
                config
                    .username_attributes()
                    .iter()
                    .map(|a| username_name(*a))
                    .collect(),
            ),
        );
    }
    let v = config.verification_message();
    out.insert("SmsVerificationMessage".into(), json!(v.sms_message));
    out.insert("EmailVerificationMessage".into(), json!(v.email_message));
    out.insert("EmailVerificationSubject".into(), json!(v.email_subject));
    out.insert(
        "VerificationMessageTemplate".into(),
        json!({
            "SmsMessage": v.sms_message,
            "EmailMessage": v.email_message,
            "EmailSubject": v.email_subject,
            "DefaultEmailOption": match v.default_email_option {
                EmailStyle::Code => "CONFIRM_WITH_CODE",
                EmailStyle::Link => "CONFIRM_WITH_LINK",
            },
        }),
    );
    let invite = config.invite_message();
    out.insert(
        "AdminCreateUserConfig".into(),
        json!({
            "AllowAdminCreateUserOnly": config.allow_admin_create_user_only(),
            "UnusedAccountValidityDays": policy.temporary_password_validity_days(),
            "InviteMessageTemplate": {
                "SMSMessage": invite.sms_message,
                "EmailMessage": invite.email_message,
                "EmailSubject": invite.email_subject,
            },
        }),
    );
    out.insert(
        "UsernameConfiguration".into(),
        json!({"CaseSensitive": config.case_sensitive()}),
    );
    if !config.account_recovery().is_empty() {
        let mechanisms: Vec<Value> = config
            .account_recovery()
            .iter()
            .zip(1..)
            .map(|(m, priority)| json!({"Priority": priority, "Name": recovery_name(*m)}))
            .collect();
        out.insert(
            "AccountRecoverySetting".into(),
            json!({"RecoveryMechanisms": mechanisms}),
        );
    }
    out
}

/// `SchemaAttributes`: every standard attribute in Cognito's order, then
/// the custom ones in the order they were added.
fn schema_attributes(schema: &Schema) -> Vec<Value> {
    let position = |info: &StandardAttributeInfo| {
        COGNITO_ORDER
            .iter()
            .position(|n| *n == info.name())
            .unwrap_or(COGNITO_ORDER.len())
    };
    let mut standard: Vec<&StandardAttributeInfo> = STANDARD_ATTRIBUTES.iter().collect();
    standard.sort_by_key(|info| position(info));
    standard
        .into_iter()
        .map(|info| standard_attribute(schema, info))
        .chain(schema.custom().iter().map(custom_attribute))
        .collect()
}

fn standard_attribute(schema: &Schema, info: &StandardAttributeInfo) -> Value {
    let configured = schema.standard().iter().find(|s| s.name() == info.name());
    // `sub`, the one attribute no request writes, is the pool's own:
    // required and immutable.
    let required = !info.is_writable() || configured.is_some_and(|s| s.required);
    let mutable = info.is_writable() && configured.is_none_or(|s| s.mutable);
    let mut out = json!({
        "Name": info.name(),
        "AttributeDataType": info.data_type().as_str(),
        "DeveloperOnlyAttribute": false,
        "Mutable": mutable,
        "Required": required,
    });
    match info.data_type() {
        AttributeDataType::String => {
            out["StringAttributeConstraints"] = bounds(
                "MinLength",
                info.min_length(),
                "MaxLength",
                info.max_length(),
            );
        }
        AttributeDataType::Number => {
            out["NumberAttributeConstraints"] =
                bounds("MinValue", info.min_value(), "MaxValue", None::<i64>);
        }
        AttributeDataType::DateTime | AttributeDataType::Boolean => {}
    }
    out
}

fn custom_attribute(attr: &CustomAttribute) -> Value {
    let mut out = json!({
        "Name": attr.api_name(),
        "AttributeDataType": attr.data_type().as_str(),
        "DeveloperOnlyAttribute": attr.developer_only,
        "Mutable": attr.is_mutable(),
        "Required": attr.required,
    });
    // As Cognito (and moto) do, a String or Number attribute always carries
    // its constraints structure, empty when it has no bounds.
    match attr.data_type() {
        AttributeDataType::String => {
            out["StringAttributeConstraints"] =
                bounds("MinLength", attr.min_length, "MaxLength", attr.max_length);
        }
        AttributeDataType::Number => {
            out["NumberAttributeConstraints"] =
                bounds("MinValue", attr.min_value, "MaxValue", attr.max_value);
        }
        AttributeDataType::DateTime | AttributeDataType::Boolean => {}
    }
    out
}

/// A constraints structure; its values are strings on the wire.
fn bounds<T: ToString>(lo_name: &str, lo: Option<T>, hi_name: &str, hi: Option<T>) -> Value {
    let mut out = Map::new();
    if let Some(lo) = lo {
        out.insert(lo_name.into(), json!(lo.to_string()));
    }
    if let Some(hi) = hi {
        out.insert(hi_name.into(), json!(hi.to_string()));
    }
    Value::Object(out)
}

fn alias_name(a: AliasAttribute) -> &'static str {
    match a {
        AliasAttribute::Email => "email",
        AliasAttribute::PhoneNumber => "phone_number",
        AliasAttribute::PreferredUsername => "preferred_username",
    }
}

fn username_name(a: UsernameAttribute) -> &'static str {
    match a {
        UsernameAttribute::Email => "email",
        UsernameAttribute::PhoneNumber => "phone_number",
    }
}

fn recovery_name(m: RecoveryMechanism) -> &'static str {
    match m {
        RecoveryMechanism::VerifiedEmail => "verified_email",
        RecoveryMechanism::VerifiedPhoneNumber => "verified_phone_number",
        RecoveryMechanism::AdminOnly => "admin_only",
    }
}

/// `EmailConfigurationType` as given (members left out stay out; the
/// account always, `COGNITO_DEFAULT` when it was left out).
fn email_configuration_json(c: &EmailConfiguration) -> Value {
    let mut out = Map::new();
    out.insert(
        "EmailSendingAccount".into(),
        json!(c.sending_account.as_str()),
    );
    for (name, value) in [
        ("SourceArn", &c.source_arn),
        ("From", &c.from),
        ("ReplyToEmailAddress", &c.reply_to),
        ("ConfigurationSet", &c.configuration_set),
    ] {
        if let Some(v) = value {
            out.insert(name.into(), json!(v));
        }
    }
    Value::Object(out)
}
