//! `CreateUserPool` and `DescribeUserPool`: the quickstart pool from JSON,
//! described back field by field and equal to the builder's, defaults, and
//! refused configurations; then `ListUserPools`' pages.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use userpool::config::DefinitionError;
use userpool::config::PoolConfig;
use userpool::{ErrorCode, SignUpRequest};

use crate::support::START;
use crate::support::pools::quickstart_json;
use crate::support::wire::{Calls as _, World};

use super::{quickstart_config, schema_attribute, with};

// ---------------------------------------------------------------------------
// CreateUserPool / DescribeUserPool
// ---------------------------------------------------------------------------

#[test]
fn the_quickstart_pool_is_created_from_json_and_described_field_by_field() {
    let w = World::new();
    let created = w.ok("CreateUserPool", &quickstart_json())["UserPool"].clone();
    let id = created["Id"].as_str().unwrap();
    let (region, suffix) = id.split_once('_').unwrap();
    assert_eq!(region, "us-east-1");
    assert!(!suffix.is_empty() && suffix.chars().all(|c| c.is_ascii_alphanumeric()));

    let pool = w.describe(id);
    assert_eq!(
        pool, created,
        "CreateUserPool answers with the described pool"
    );
    assert_eq!(pool["Name"], "quickstart");
    assert_eq!(
        pool["Arn"],
        format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}")
    );
    assert_eq!(
        pool["Policies"]["PasswordPolicy"],
        json!({
            "MinimumLength": 8,
            "RequireUppercase": true,
            "RequireLowercase": true,
            "RequireNumbers": true,
            "RequireSymbols": true,
            "PasswordHistorySize": 0,
            "TemporaryPasswordValidityDays": 7
        })
    );
    assert_eq!(pool["LambdaConfig"], json!({}));
    assert_eq!(pool["MfaConfiguration"], "OFF");
    assert_eq!(pool["EstimatedNumberOfUsers"], 0);
    assert_eq!(pool["CreationDate"], json!(START.unix_seconds() as f64));
    assert_eq!(pool["LastModifiedDate"], json!(START.unix_seconds() as f64));
    assert_eq!(pool["UsernameAttributes"], json!(["email"]));
    assert_eq!(pool["AutoVerifiedAttributes"], json!(["email"]));
    assert!(
        pool.get("AliasAttributes").is_none(),
        "absent lists are left out"
    );
    assert_eq!(
        pool["VerificationMessageTemplate"],
        json!({
            "SmsMessage": "Your verification code is {####}. ",
            "EmailMessage": "Thanks for signing up Your verification code is {####}",
            "EmailSubject": "You need to verify your email",
            "DefaultEmailOption": "CONFIRM_WITH_CODE"
        })
    );
    assert_eq!(
        pool["EmailVerificationMessage"],
        "Thanks for signing up Your verification code is {####}"
    );
    assert_eq!(
        pool["EmailVerificationSubject"],
        "You need to verify your email"
    );
    assert_eq!(
        pool["SmsVerificationMessage"],
        "Your verification code is {####}. "
    );
    assert_eq!(
        pool["AdminCreateUserConfig"],
        json!({
            "AllowAdminCreateUserOnly": false,
            "UnusedAccountValidityDays": 7,
            "InviteMessageTemplate": {
                "SMSMessage": "Your username is {username} and temporary password is {####}. ",
                "EmailMessage": "Your username is {username} and temporary password is {####}. ",
                "EmailSubject": "Your temporary password"
            }
        })
    );
    assert_eq!(
        pool["UsernameConfiguration"],
        json!({"CaseSensitive": true})
    );
    assert_eq!(
        pool["AccountRecoverySetting"],
        json!({"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]})
    );

    // Every standard attribute, in Cognito's order, then the custom ones.
    let names: Vec<&str> = pool["SchemaAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 20 + 4);
    assert_eq!(names[0], "sub");
    assert_eq!(names[19], "updated_at");
    assert_eq!(
        names[20..],
        [
            "custom:tenant_id",
            "custom:created_at",
            "custom:employee_id",
            "custom:is_admin"
        ]
    );
    assert_eq!(
        *schema_attribute(&pool, "sub"),
        json!({
            "Name": "sub",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": false,
            "Mutable": false,
            "Required": true,
            "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"}
        })
    );
    assert_eq!(
        *schema_attribute(&pool, "family_name"),
        json!({
            "Name": "family_name",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": false,
            "Mutable": false,
            "Required": true,
            "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"}
        })
    );
    assert_eq!(
        schema_attribute(&pool, "birthdate")["StringAttributeConstraints"],
        json!({"MinLength": "10", "MaxLength": "10"})
    );
    assert_eq!(
        *schema_attribute(&pool, "updated_at"),
        json!({
            "Name": "updated_at",
            "AttributeDataType": "Number",
            "DeveloperOnlyAttribute": false,
            "Mutable": true,
            "Required": false,
            "NumberAttributeConstraints": {"MinValue": "0"}
        })
    );
    assert_eq!(
        *schema_attribute(&pool, "email_verified"),
        json!({
            "Name": "email_verified",
            "AttributeDataType": "Boolean",
            "DeveloperOnlyAttribute": false,
            "Mutable": true,
            "Required": false
        })
    );
    assert_eq!(
        *schema_attribute(&pool, "custom:tenant_id"),
        json!({
            "Name": "custom:tenant_id",
            "AttributeDataType": "String",
            "DeveloperOnlyAttribute": false,
            "Mutable": false,
            "Required": false,
            "StringAttributeConstraints": {"MinLength": "10", "MaxLength": "15"}
        })
    );
    assert_eq!(
        *schema_attribute(&pool, "custom:employee_id"),
        json!({
            "Name": "custom:employee_id",
            "AttributeDataType": "Number",
            "DeveloperOnlyAttribute": false,
            "Mutable": false,
            "Required": false,
            "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "100"}
        })
    );
    assert_eq!(
        *schema_attribute(&pool, "custom:created_at"),
        json!({
            "Name": "custom:created_at",
            "AttributeDataType": "DateTime",
            "DeveloperOnlyAttribute": false,
            "Mutable": true,
            "Required": false
        })
    );

    // The pool behind the id is the configured one, and it counts its users.
    let behind = w.registry.pool(id).unwrap();
    assert_eq!(*behind.config(), quickstart_config());
    let client = behind
        .create_user_pool_client(
            userpool::client::AppClientConfig::builder("web")
                .build()
                .unwrap(),
        )
        .unwrap();
    behind
        .sign_up(
            SignUpRequest::new(client.id(), "jane@example.com", "1234Abcd^")
                .attribute("family_name", "Doe")
                .attribute("custom:tenant_id", "1234567890"),
        )
        .unwrap();
    assert_eq!(w.describe(id)["EstimatedNumberOfUsers"], 1);
}

#[test]
fn the_quickstart_json_builds_the_same_config_as_the_builder() {
    let config = PoolConfig::from_create_user_pool_json(&quickstart_json().to_string()).unwrap();
    assert_eq!(config, quickstart_config());
}

#[test]
fn a_described_pool_can_be_created_again_from_its_description() {
    let w = World::new();
    let first = w.describe(&w.create_pool(&quickstart_json()));
    let mut again = json!({"PoolName": "copy", "Schema": first["SchemaAttributes"]});
    for member in [
        "Policies",
        "UsernameAttributes",
        "AutoVerifiedAttributes",
        "VerificationMessageTemplate",
        "EmailVerificationMessage",
        "EmailVerificationSubject",
        "SmsVerificationMessage",
        "AdminCreateUserConfig",
        "UsernameConfiguration",
        "AccountRecoverySetting",
        "MfaConfiguration",
        "LambdaConfig",
    ] {
        again[member] = first[member].clone();
    }
    let second = w.describe(&w.create_pool(&again));
    for member in first.as_object().unwrap().keys() {
        if !["Id", "Name", "Arn"].contains(&member.as_str()) {
            assert_eq!(second[member], first[member], "{member}");
        }
    }
}

#[test]
fn defaults_apply_to_members_left_out() {
    let config = PoolConfig::from_create_user_pool_json(r#"{"PoolName": "bare"}"#).unwrap();
    assert_eq!(config, PoolConfig::builder("bare").build().unwrap());

    // Inside a given PasswordPolicy an omitted flag is false, as in Cognito.
    let config = PoolConfig::from_create_user_pool_json(
        r#"{"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 10}}}"#,
    )
    .unwrap();
    let policy = config.password_policy();
    assert_eq!(policy.minimum_length(), 10);
    assert!(!policy.require_uppercase() && !policy.require_symbols());
    assert_eq!(policy.temporary_password_validity_days(), 7);

    // The legacy members map onto the same settings.
    let config = PoolConfig::from_create_user_pool_json(
        &json!({
            "PoolName": "legacy",
            "EmailVerificationMessage": "Code: {####}",
            "EmailVerificationSubject": "Your code",
            "SmsVerificationMessage": "SMS code {####}",
            "AdminCreateUserConfig": {"UnusedAccountValidityDays": 3}
        })
        .to_string(),
    )
    .unwrap();
    assert_eq!(config.verification_message().email_message, "Code: {####}");
    assert_eq!(config.verification_message().email_subject, "Your code");
    assert_eq!(config.verification_message().sms_message, "SMS code {####}");
    assert_eq!(
        config.password_policy().temporary_password_validity_days(),
        3
    );
}

#[test]
fn members_that_turn_nothing_on_are_accepted() {
    let body = with(
        with(
            with(
                with(quickstart_json(), "DeletionProtection", json!("INACTIVE")),
                "UserPoolTier",
                json!("ESSENTIALS"),
            ),
            "LambdaConfig",
            json!({}),
        ),
        "UserPoolAddOns",
        json!({"AdvancedSecurityMode": "OFF"}),
    );
    let body = with(body, "UserPoolTags", json!({}));
    let body = with(
        body,
        "UserAttributeUpdateSettings",
        json!({"AttributesRequireVerificationBeforeUpdate": []}),
    );
    let mut body = body;
    body["Policies"]["SignInPolicy"] = json!({"AllowedFirstAuthFactors": ["PASSWORD"]});
    let config = PoolConfig::from_create_user_pool_json(&body.to_string()).unwrap();
    assert_eq!(config, quickstart_config());
}

#[test]
fn invalid_configurations_are_refused_and_create_nothing() {
    let w = World::new();
    let q = quickstart_json;
    let mut no_code = q();
    no_code["VerificationMessageTemplate"]["EmailMessage"] = json!("Welcome aboard, no code here");
    let mut short = q();
    short["Policies"]["PasswordPolicy"]["MinimumLength"] = json!(5);
    let mut required_custom = q();
    required_custom["Schema"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Name": "plan", "AttributeDataType": "String", "Required": true}));
    let mut link = q();
    link["VerificationMessageTemplate"]["DefaultEmailOption"] = json!("CONFIRM_WITH_LINK");
    let mut mismatch = q();
    mismatch["EmailVerificationMessage"] = json!("Another text {####}");
    let mut standard_type = q();
    standard_type["Schema"]
        .as_array_mut()
        .unwrap()
        .push(json!({"Name": "email", "AttributeDataType": "Number"}));
    let mut nested = q();
    nested["Policies"]["PasswordPolicy"]["MaximumLength"] = json!(64);

    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "template without {####}",
            no_code,
            "EmailMessage must contain the {####} placeholder",
        ),
        (
            "MinimumLength 5",
            short,
            "'userPool.policies.passwordPolicy.minimumLength'",
        ),
        (
            "required custom attribute",
            required_custom,
            "Required custom attributes are not supported currently.",
        ),
        (
            "username and alias attributes",
            with(q(), "AliasAttributes", json!(["email"])),
            "Username attributes and alias attributes cannot both be set.",
        ),
        (
            "SMS through AWS End User Messaging",
            with(
                q(),
                "SmsConfiguration",
                json!({"EumsSms": {"CallerArn": "arn:aws:iam::123456789012:role/r"}}),
            ),
            "The parameter SmsConfiguration.EumsSms is not supported by this engine.",
        ),
        (
            "a nested member the model lacks",
            nested,
            "The parameter Policies.PasswordPolicy.MaximumLength is not supported by this engine.",
        ),
        (
            "MFA on without an SMS configuration",
            with(q(), "MfaConfiguration", json!("ON")),
            "SMS configuration and Auto verification for phone_number are required when MFA \
             is required/optional",
        ),
        (
            "MFA optional without an SMS configuration",
            with(q(), "MfaConfiguration", json!("OPTIONAL")),
            "SMS configuration and Auto verification for phone_number are required when MFA \
             is required/optional",
        ),
        (
            "password history, which is not enforced",
            {
                let mut b = q();
                b["Policies"]["PasswordPolicy"]["PasswordHistorySize"] = json!(5);
                b
            },
            "PasswordHistorySize is not supported by this engine",
        ),
        (
            "password history in the Lite plan",
            {
                let mut b = with(q(), "UserPoolTier", json!("LITE"));
                b["Policies"]["PasswordPolicy"]["PasswordHistorySize"] = json!(5);
                b
            },
            "PasswordHistorySize is not available in the LITE feature plan.",
        ),
        (
            "link verification",
            link,
            "CONFIRM_WITH_LINK is not supported",
        ),
        ("legacy and template disagree", mismatch, "differ"),
        (
            "a standard attribute retyped",
            standard_type,
            "email: The data type of a standard attribute is String",
        ),
        (
            "two recovery mechanisms with one priority",
            with(
                q(),
                "AccountRecoverySetting",
                json!({"RecoveryMechanisms": [
                    {"Priority": 1, "Name": "verified_email"},
                    {"Priority": 1, "Name": "verified_phone_number"}
                ]}),
            ),
            "same Priority",
        ),
        (
            "an unknown username attribute",
            with(q(), "UsernameAttributes", json!(["nickname"])),
            "Member must satisfy enum value set: [phone_number, email]",
        ),
        (
            "no PoolName",
            with(q(), "PoolName", Value::Null),
            "Value null at 'poolName'",
        ),
    ];
    for (what, body, expected) in cases {
        let (code, message) = w.refused("CreateUserPool", &body);
        assert_eq!(code, "InvalidParameterException", "{what}: {message}");
        assert!(message.contains(expected), "{what}: {message}");
        let direct = PoolConfig::from_create_user_pool_json(&body.to_string()).unwrap_err();
        let DefinitionError::Invalid(direct) = direct else {
            panic!("{what}: a well-formed refusal, got {direct:?}");
        };
        assert_eq!(direct.code(), ErrorCode::InvalidParameter, "{what}");
    }
    let listed = w.ok("ListUserPools", &json!({"MaxResults": 60}));
    assert_eq!(
        listed["UserPools"],
        json!([]),
        "a refused request creates no pool"
    );

    // Wrong JSON types are serialization errors, not parameter errors.
    let (code, _) = w.refused(
        "CreateUserPool",
        &with(q(), "AutoVerifiedAttributes", json!("email")),
    );
    assert_eq!(code, "SerializationException");
    assert!(matches!(
        PoolConfig::from_create_user_pool_json("not json"),
        Err(DefinitionError::Malformed(_))
    ));
}

// ---------------------------------------------------------------------------
// ListUserPools
// ---------------------------------------------------------------------------

#[test]
fn list_user_pools_pages_through_every_pool_in_id_order() {
    let w = World::new();
    let mut ids = BTreeSet::new();
    for i in 0..5 {
        ids.insert(w.create_pool(&json!({"PoolName": format!("pool {i}")})));
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut body = json!({"MaxResults": 2});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let page = w.ok("ListUserPools", &body);
        pages += 1;
        for p in page["UserPools"].as_array().unwrap() {
            let keys: BTreeSet<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "Id",
                    "Name",
                    "LambdaConfig",
                    "CreationDate",
                    "LastModifiedDate"
                ])
            );
            assert_eq!(p["LambdaConfig"], json!({}));
            seen.push(p["Id"].as_str().unwrap().to_owned());
        }
        match page.get("NextToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids.into_iter().collect::<Vec<_>>());

    for bad in [
        json!({}),
        json!({"MaxResults": 0}),
        json!({"MaxResults": 61}),
    ] {
        let (code, _) = w.refused("ListUserPools", &bad);
        assert_eq!(code, "InvalidParameterException", "{bad}");
    }
    let (code, _) = w.refused(
        "ListUserPools",
        &json!({"MaxResults": 1, "NextToken": "garbage"}),
    );
    assert_eq!(code, "InvalidParameterException");
}
