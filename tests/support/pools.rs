//! The quickstart example's pool (`examples/quickstart.rs`) in the two
//! forms tests build it from: the builder the API tests start from, and
//! the JSON the AWS CLI sends, which the wire tests create it from (and
//! check against the builder).

use serde_json::{Value, json};
use userpool::config::{
    PasswordPolicy, PoolConfig, PoolConfigBuilder, UsernameAttribute, VerificationMessageTemplate,
    VerifiedAttribute,
};
use userpool::schema::{CustomAttribute, StandardAttribute};

/// The quickstart pool's verification email: its subject, and its message
/// up to the code.
pub(crate) const SUBJECT: &str = "You need to verify your email";
pub(crate) const BODY_PREFIX: &str = "Thanks for signing up Your verification code is ";

/// The quickstart example's pool: email as username, email auto-verified,
/// its own verification templates, `family_name` required and immutable,
/// `address`, custom `tenant_id` (String 10..15, immutable), `created_at`
/// (DateTime), `employee_id` (Number 1..100, immutable), `is_admin`
/// (Boolean), and a policy requiring 8 characters of all four classes.
/// No recovery setting: a test that needs one adds it.
pub(crate) fn quickstart_config() -> PoolConfigBuilder {
    PoolConfig::builder("quickstart")
        .username_attributes(&[UsernameAttribute::Email])
        .auto_verified_attributes(&[VerifiedAttribute::Email])
        .verification_message(VerificationMessageTemplate {
            email_subject: SUBJECT.into(),
            email_message: format!("{BODY_PREFIX}{{####}}"),
            ..VerificationMessageTemplate::default()
        })
        .standard_attribute(StandardAttribute::new("family_name").required().immutable())
        .standard_attribute(StandardAttribute::new("address"))
        .custom_attribute(
            CustomAttribute::string("tenant_id")
                .length(10, 15)
                .immutable(),
        )
        .custom_attribute(CustomAttribute::date_time("created_at"))
        .custom_attribute(
            CustomAttribute::number("employee_id")
                .range(1, 100)
                .immutable(),
        )
        .custom_attribute(CustomAttribute::boolean("is_admin"))
        .password_policy(
            PasswordPolicy::builder()
                .minimum_length(8)
                .require_lowercase(true)
                .require_uppercase(true)
                .require_numbers(true)
                .require_symbols(true)
                .build()
                .expect("the quickstart policy is valid"),
        )
}

/// The quickstart example's pool as `create-user-pool --cli-input-json`
/// takes it: email as username, email auto-verified, a verification email
/// of its own, `family_name` required and immutable, four custom
/// attributes with string-valued constraints, every character class
/// required, recovery by verified email.
pub(crate) fn quickstart_json() -> Value {
    json!({
        "PoolName": "quickstart",
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": true,
                "RequireLowercase": true,
                "RequireNumbers": true,
                "RequireSymbols": true,
                "TemporaryPasswordValidityDays": 7
            }
        },
        "UsernameAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "VerificationMessageTemplate": {
            "EmailSubject": "You need to verify your email",
            "EmailMessage": "Thanks for signing up Your verification code is {####}",
            "DefaultEmailOption": "CONFIRM_WITH_CODE"
        },
        "Schema": [
            {"Name": "family_name", "Required": true, "Mutable": false},
            {"Name": "address", "AttributeDataType": "String", "Required": false, "Mutable": true},
            {
                "Name": "tenant_id",
                "AttributeDataType": "String",
                "Mutable": false,
                "StringAttributeConstraints": {"MinLength": "10", "MaxLength": "15"}
            },
            {"Name": "custom:created_at", "AttributeDataType": "DateTime"},
            {
                "Name": "employee_id",
                "AttributeDataType": "Number",
                "Mutable": false,
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "100"}
            },
            {"Name": "is_admin", "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": false}
        ],
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
        },
        "MfaConfiguration": "OFF"
    })
}
