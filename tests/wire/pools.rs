//! The pool and app-client operations of the wire adapter, driven through
//! `Registry::handle` with the bodies `aws cognito-idp ... --cli-input-json`
//! and boto3 send (cognito-protocol.md §4.2, §4.3, §7, Appendix A): the
//! quickstart pool created from JSON and described back field by field, the
//! same JSON as a `PoolConfig`, refused configurations, pagination,
//! `UpdateUserPool`, `AddCustomAttributes`, app-client CRUD, and deletion.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};
use userpool::config::DefinitionError;
use userpool::config::PoolConfig;
use userpool::config::RecoveryMechanism;
use userpool::{ErrorCode, SignUpRequest};

use crate::support::START;
use crate::support::pools::quickstart_json;
use crate::support::wire::{Calls as _, World};

/// The same pool through the builder, as `examples/quickstart.rs` has it:
/// the quickstart pool with recovery by verified email.
fn quickstart_config() -> PoolConfig {
    crate::support::pools::quickstart_config()
        .account_recovery(&[RecoveryMechanism::VerifiedEmail])
        .build()
        .unwrap()
}

/// `json` with `member` set to `value` (or removed, for `null`).
fn with(mut json: Value, member: &str, value: Value) -> Value {
    let map = json.as_object_mut().unwrap();
    if value.is_null() {
        map.remove(member);
    } else {
        map.insert(member.to_owned(), value);
    }
    json
}

fn schema_attribute<'a>(pool: &'a Value, name: &str) -> &'a Value {
    pool["SchemaAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == name)
        .unwrap_or_else(|| panic!("{name} is not in SchemaAttributes"))
}

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
                with(
                    with(quickstart_json(), "DeletionProtection", json!("INACTIVE")),
                    "UserPoolTier",
                    json!("ESSENTIALS"),
                ),
                "LambdaConfig",
                json!({}),
            ),
            "EmailConfiguration",
            json!({"EmailSendingAccount": "COGNITO_DEFAULT"}),
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
            "Lambda triggers",
            with(
                q(),
                "LambdaConfig",
                json!({"PreSignUp": "arn:aws:lambda:us-east-1:1:function:f"}),
            ),
            "The parameter LambdaConfig.PreSignUp is not supported by this engine.",
        ),
        (
            "SMS configuration",
            with(
                q(),
                "SmsConfiguration",
                json!({"SnsCallerArn": "arn:aws:iam::1:role/r"}),
            ),
            "The parameter SmsConfiguration is not supported by this engine.",
        ),
        (
            "device tracking",
            with(q(), "DeviceConfiguration", json!({})),
            "The parameter DeviceConfiguration is not supported by this engine.",
        ),
        (
            "a nested member the model lacks",
            nested,
            "The parameter Policies.PasswordPolicy.MaximumLength is not supported by this engine.",
        ),
        (
            "MFA on",
            with(q(), "MfaConfiguration", json!("ON")),
            "MFA is not supported by this engine.",
        ),
        (
            "MFA optional",
            with(q(), "MfaConfiguration", json!("OPTIONAL")),
            "MFA is not supported by this engine.",
        ),
        (
            "deletion protection",
            with(q(), "DeletionProtection", json!("ACTIVE")),
            "DeletionProtection ACTIVE",
        ),
        (
            "the Plus plan",
            with(q(), "UserPoolTier", json!("PLUS")),
            "UserPoolTier PLUS",
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

// ---------------------------------------------------------------------------
// UpdateUserPool
// ---------------------------------------------------------------------------

#[test]
fn update_user_pool_changes_the_policy_and_resets_what_it_leaves_out() {
    let w = World::new();
    let id = w.create_pool(&quickstart_json());
    w.clock.advance(Duration::from_secs(60));
    let out = w.ok(
        "UpdateUserPool",
        &json!({
            "UserPoolId": id,
            "Policies": {"PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": true,
                "RequireLowercase": true,
                "RequireNumbers": true,
                "RequireSymbols": false,
                "PasswordHistorySize": 0,
                "TemporaryPasswordValidityDays": 2
            }},
            "AutoVerifiedAttributes": ["email"],
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true}
        }),
    );
    assert_eq!(out, json!({}));
    let pool = w.describe(&id);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["MinimumLength"], 12);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["RequireSymbols"], false);
    assert_eq!(pool["Policies"]["PasswordPolicy"]["PasswordHistorySize"], 0);
    assert_eq!(
        pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"],
        true
    );
    assert_eq!(
        pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"],
        2
    );
    assert_eq!(pool["CreationDate"], json!(START.unix_seconds() as f64));
    assert_eq!(
        pool["LastModifiedDate"],
        json!((START.unix_seconds() + 60) as f64)
    );
    // Left out, so back to Cognito's defaults.
    assert_eq!(
        pool["VerificationMessageTemplate"]["EmailSubject"],
        "Your verification code"
    );
    assert!(pool.get("AccountRecoverySetting").is_none());
    // What UpdateUserPool cannot change stayed.
    assert_eq!(pool["UsernameAttributes"], json!(["email"]));
    assert_eq!(pool["SchemaAttributes"].as_array().unwrap().len(), 24);
    assert_eq!(pool["Name"], "quickstart");
    let config = w.registry.pool(&id).unwrap().config();
    assert_eq!(config.password_policy().minimum_length(), 12);
    assert!(config.allow_admin_create_user_only());

    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "PoolName": "renamed"}),
    );
    let pool = w.describe(&id);
    assert_eq!(pool["Name"], "renamed");
    assert_eq!(
        pool["Policies"]["PasswordPolicy"]["MinimumLength"], 8,
        "reset"
    );
    assert_eq!(pool["SchemaAttributes"].as_array().unwrap().len(), 24);
}

#[test]
fn update_user_pool_refuses_what_only_creation_sets() {
    let w = World::new();
    let id = w.create_pool(&quickstart_json());
    let before = w.describe(&id);
    let mut family_mutable = quickstart_json()["Schema"].clone();
    family_mutable[0]["Mutable"] = json!(true);
    for (member, value) in [
        ("UsernameAttributes", json!(["phone_number"])),
        ("AliasAttributes", json!(["preferred_username"])),
        ("UsernameConfiguration", json!({"CaseSensitive": false})),
        ("Schema", family_mutable),
    ] {
        let (code, message) = w.refused(
            "UpdateUserPool",
            &json!({"UserPoolId": id, member: value, "Policies": {"PasswordPolicy": {"MinimumLength": 20}}}),
        );
        assert_eq!(code, "InvalidParameterException");
        assert_eq!(
            message,
            format!("{member} cannot be changed after the user pool is created.")
        );
    }
    assert_eq!(w.describe(&id), before, "a refused update changes nothing");

    // Repeating them unchanged is harmless.
    w.ok(
        "UpdateUserPool",
        &json!({
            "UserPoolId": id,
            "UsernameAttributes": ["email"],
            "UsernameConfiguration": {"CaseSensitive": true},
            "Schema": before["SchemaAttributes"]
        }),
    );
    for (body, expected) in [
        (
            json!({"UserPoolId": id, "MfaConfiguration": "ON"}),
            "InvalidParameterException",
        ),
        (
            json!({"UserPoolId": id, "SmsAuthenticationMessage": "Code {####}"}),
            "InvalidParameterException",
        ),
        (
            json!({"UserPoolId": "us-east-1_Nope"}),
            "ResourceNotFoundException",
        ),
        (json!({}), "InvalidParameterException"),
    ] {
        assert_eq!(w.refused("UpdateUserPool", &body).0, expected, "{body}");
    }
}

// ---------------------------------------------------------------------------
// AddCustomAttributes
// ---------------------------------------------------------------------------

#[test]
fn add_custom_attributes_appends_and_never_replaces() {
    let w = World::new();
    let id = w.create_pool(&quickstart_json());
    w.clock.advance(Duration::from_secs(5));
    let out = w.ok(
        "AddCustomAttributes",
        &json!({
            "UserPoolId": id,
            "CustomAttributes": [
                {"Name": "plan", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "16"}},
                {"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": true},
                {"Name": "email", "AttributeDataType": "Number"}
            ]
        }),
    );
    assert_eq!(out, json!({}));
    let pool = w.describe(&id);
    assert_eq!(
        pool["LastModifiedDate"],
        json!((START.unix_seconds() + 5) as f64)
    );
    assert_eq!(
        schema_attribute(&pool, "custom:plan")["StringAttributeConstraints"],
        json!({"MaxLength": "16"})
    );
    assert_eq!(
        schema_attribute(&pool, "dev:custom:secret")["DeveloperOnlyAttribute"],
        true
    );
    assert_eq!(
        schema_attribute(&pool, "custom:email")["AttributeDataType"],
        "Number"
    );
    assert_eq!(
        schema_attribute(&pool, "email")["AttributeDataType"],
        "String"
    );

    let refusals = [
        (
            json!([{"Name": "tenant_id", "AttributeDataType": "Boolean"}]),
            "custom:tenant_id: Existing attribute already has name custom:tenant_id.",
        ),
        (
            json!([{"Name": "custom:vip", "AttributeDataType": "Boolean", "Required": true}]),
            "Required custom attributes are not supported currently.",
        ),
        (
            json!([{"Name": "nodatatype"}]),
            "custom:nodatatype: AttributeDataType is required for a custom attribute.",
        ),
        (
            json!([]),
            "Member must have length greater than or equal to 1",
        ),
    ];
    for (attrs, expected) in refusals {
        let (code, message) = w.refused(
            "AddCustomAttributes",
            &json!({"UserPoolId": id, "CustomAttributes": attrs}),
        );
        assert_eq!(code, "InvalidParameterException");
        assert!(message.contains(expected), "{message}");
    }
    let too_many: Vec<Value> = (0..26)
        .map(|i| json!({"Name": format!("a{i}"), "AttributeDataType": "String"}))
        .collect();
    let (_, message) = w.refused(
        "AddCustomAttributes",
        &json!({"UserPoolId": id, "CustomAttributes": too_many}),
    );
    assert!(message.contains("less than or equal to 25"), "{message}");
    assert_eq!(
        w.describe(&id)["SchemaAttributes"]
            .as_array()
            .unwrap()
            .len(),
        27
    );
}

// ---------------------------------------------------------------------------
// App clients
// ---------------------------------------------------------------------------

#[test]
fn app_client_crud_echoes_every_field() {
    let w = World::new();
    let pool_id = w.create_pool(&quickstart_json());
    w.clock.advance(Duration::from_secs(10));
    let created = w.ok(
        "CreateUserPoolClient",
        &json!({
            "UserPoolId": pool_id,
            "ClientName": "web",
            "GenerateSecret": true,
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
            "AccessTokenValidity": 15,
            "IdTokenValidity": 30,
            "RefreshTokenValidity": 7,
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
            "ReadAttributes": ["email", "email_verified", "custom:tenant_id"],
            "WriteAttributes": ["email", "family_name"],
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": false,
            "AuthSessionValidity": 5,
            "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10},
            "AllowedOAuthFlowsUserPoolClient": false,
            "CallbackURLs": []
        }),
    )["UserPoolClient"]
        .clone();
    let client_id = created["ClientId"].as_str().unwrap().to_owned();
    assert_eq!(client_id.len(), 26);
    let secret = created["ClientSecret"].as_str().unwrap();
    assert_eq!(secret.len(), 51, "GenerateSecret draws a secret");
    let expected = json!({
        "UserPoolId": pool_id,
        "ClientName": "web",
        "ClientId": client_id,
        "ClientSecret": secret,
        "LastModifiedDate": (START.unix_seconds() + 10) as f64,
        "CreationDate": (START.unix_seconds() + 10) as f64,
        "RefreshTokenValidity": 7,
        "AccessTokenValidity": 15,
        "IdTokenValidity": 30,
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        "ReadAttributes": ["email", "email_verified", "custom:tenant_id"],
        "WriteAttributes": ["email", "family_name"],
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "AllowedOAuthFlowsUserPoolClient": false,
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": false,
        "EnablePropagateAdditionalUserContextData": false,
        "AuthSessionValidity": 5,
        "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}
    });
    assert_eq!(created, expected);
    let described = w.ok(
        "DescribeUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": client_id}),
    );
    assert_eq!(described["UserPoolClient"], expected);

    // A client created with nothing but a name has Cognito's defaults, and
    // no secret and no attribute lists in its description.
    let plain = w.ok(
        "CreateUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientName": "mobile", "IdTokenValidity": 2, "TokenValidityUnits": {"IdToken": "hours"}}),
    )["UserPoolClient"]
        .clone();
    for absent in ["ClientSecret", "ReadAttributes", "WriteAttributes"] {
        assert!(plain.get(absent).is_none(), "{absent}");
    }
    assert_eq!(plain["AccessTokenValidity"], 60);
    assert_eq!(
        plain["IdTokenValidity"], 2,
        "reported in the unit it was given in"
    );
    assert_eq!(
        plain["TokenValidityUnits"],
        json!({"AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "days"})
    );
    assert_eq!(plain["RefreshTokenValidity"], 30);
    assert_eq!(
        plain["ExplicitAuthFlows"],
        json!([
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_CUSTOM_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH"
        ])
    );
    assert_eq!(plain["PreventUserExistenceErrors"], "LEGACY");
    assert_eq!(plain["EnableTokenRevocation"], true);
    assert_eq!(plain["AuthSessionValidity"], 3);
    let plain_id = plain["ClientId"].as_str().unwrap().to_owned();

    // ListUserPoolClients, one at a time.
    let mut listed = Vec::new();
    let mut body = json!({"UserPoolId": pool_id, "MaxResults": 1});
    loop {
        let page = w.ok("ListUserPoolClients", &body);
        for c in page["UserPoolClients"].as_array().unwrap() {
            assert_eq!(c["UserPoolId"], json!(pool_id));
            listed.push((
                c["ClientId"].as_str().unwrap().to_owned(),
                c["ClientName"].as_str().unwrap().to_owned(),
            ));
            assert_eq!(c.as_object().unwrap().len(), 3);
        }
        match page.get("NextToken") {
            Some(t) => body["NextToken"] = t.clone(),
            None => break,
        }
    }
    let mut expected_list = vec![
        (client_id.clone(), "web".to_owned()),
        (plain_id.clone(), "mobile".to_owned()),
    ];
    expected_list.sort();
    assert_eq!(listed, expected_list);

    // UpdateUserPoolClient: what is given changes, what is left out returns
    // to its default; the id, the secret and the creation date stay.
    w.clock.advance(Duration::from_secs(10));
    let updated = w.ok(
        "UpdateUserPoolClient",
        &json!({
            "UserPoolId": pool_id,
            "ClientId": client_id,
            "ClientName": "web v2",
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "AccessTokenValidity": 10,
            "TokenValidityUnits": {"AccessToken": "minutes"}
        }),
    )["UserPoolClient"]
        .clone();
    assert_eq!(updated["ClientName"], "web v2");
    assert_eq!(updated["ClientSecret"], json!(secret));
    assert_eq!(
        updated["CreationDate"],
        json!((START.unix_seconds() + 10) as f64)
    );
    assert_eq!(
        updated["LastModifiedDate"],
        json!((START.unix_seconds() + 20) as f64)
    );
    assert_eq!(updated["AccessTokenValidity"], 10);
    assert_eq!(updated["RefreshTokenValidity"], 30);
    assert_eq!(updated["PreventUserExistenceErrors"], "LEGACY");
    assert_eq!(updated["EnableTokenRevocation"], true);
    assert_eq!(updated["RefreshTokenRotation"]["Feature"], "DISABLED");
    assert!(updated.get("ReadAttributes").is_none());
    assert_eq!(
        w.ok(
            "DescribeUserPoolClient",
            &json!({"UserPoolId": pool_id, "ClientId": client_id})
        )["UserPoolClient"],
        updated
    );

    // DeleteUserPoolClient, then the client is gone.
    assert_eq!(
        w.ok(
            "DeleteUserPoolClient",
            &json!({"UserPoolId": pool_id, "ClientId": client_id})
        ),
        json!({})
    );
    for op in [
        "DescribeUserPoolClient",
        "DeleteUserPoolClient",
        "UpdateUserPoolClient",
    ] {
        let (code, message) = w.refused(op, &json!({"UserPoolId": pool_id, "ClientId": client_id}));
        assert_eq!(code, "ResourceNotFoundException", "{op}");
        assert_eq!(
            message,
            format!("User pool client {client_id} does not exist.")
        );
    }
    let (code, _) = w.refused(
        "DescribeUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": "unknownclientid0000000000"}),
    );
    assert_eq!(code, "ResourceNotFoundException");
}

#[test]
fn app_client_settings_the_engine_lacks_are_refused() {
    let w = World::new();
    let pool_id = w.create_pool(&quickstart_json());
    let base = json!({"UserPoolId": pool_id, "ClientName": "c"});
    let cases = [
        (
            "AllowedOAuthFlows",
            json!(["code"]),
            "The parameter AllowedOAuthFlows is not supported by this engine.",
        ),
        (
            "CallbackURLs",
            json!(["https://example.com/cb"]),
            "The parameter CallbackURLs is not supported",
        ),
        (
            "AllowedOAuthFlowsUserPoolClient",
            json!(true),
            "AllowedOAuthFlowsUserPoolClient",
        ),
        (
            "SupportedIdentityProviders",
            json!(["COGNITO"]),
            "SupportedIdentityProviders",
        ),
        (
            "AnalyticsConfiguration",
            json!({"ApplicationId": "abc"}),
            "AnalyticsConfiguration",
        ),
        (
            "ReadAttributes",
            json!(["custom:nope"]),
            "Invalid read attributes specified while creating a client",
        ),
        (
            "WriteAttributes",
            json!(["shoe_size"]),
            "Invalid write attributes specified while creating a client",
        ),
        (
            "ClientSecret",
            json!("s".repeat(30)),
            "GenerateSecret and ClientSecret cannot both be specified.",
        ),
        (
            "AccessTokenValidity",
            json!(25),
            "AccessTokenValidity must be between 5 minutes and 1 day, got 25 hours",
        ),
        ("AuthSessionValidity", json!(16), "'authSessionValidity'"),
        (
            "ExplicitAuthFlows",
            json!(["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"]),
            "cannot mix",
        ),
        (
            "PreventUserExistenceErrors",
            json!("MAYBE"),
            "enum value set: [LEGACY, ENABLED]",
        ),
    ];
    for (member, value, expected) in cases {
        let mut body = with(base.clone(), member, value);
        if member == "ClientSecret" {
            body["GenerateSecret"] = json!(true);
        }
        let (code, message) = w.refused("CreateUserPoolClient", &body);
        assert_eq!(code, "InvalidParameterException", "{member}");
        assert!(message.contains(expected), "{member}: {message}");
    }
    let listed = w.ok("ListUserPoolClients", &json!({"UserPoolId": pool_id}));
    assert_eq!(
        listed["UserPoolClients"],
        json!([]),
        "a refused request creates no client"
    );

    // An explicit secret is used as given.
    let secret = "abcdefghijklmnopqrstuvwxyz0123";
    let created = w.ok(
        "CreateUserPoolClient",
        &with(base.clone(), "ClientSecret", json!(secret)),
    );
    assert_eq!(created["UserPoolClient"]["ClientSecret"], secret);

    let (code, _) = w.refused(
        "CreateUserPoolClient",
        &json!({"UserPoolId": "us-east-1_Nope", "ClientName": "c"}),
    );
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = w.refused(
        "UpdateUserPoolClient",
        &json!({
            "UserPoolId": pool_id,
            "ClientId": created["UserPoolClient"]["ClientId"],
            "GenerateSecret": true
        }),
    );
    assert_eq!(
        code, "InvalidParameterException",
        "a secret is fixed at creation"
    );
}

// ---------------------------------------------------------------------------
// DeleteUserPool
// ---------------------------------------------------------------------------

#[test]
fn a_deleted_pool_is_not_found() {
    let w = World::new();
    let id = w.create_pool(&quickstart_json());
    assert_eq!(
        w.ok("DeleteUserPool", &json!({"UserPoolId": id})),
        json!({})
    );
    for op in ["DescribeUserPool", "DeleteUserPool", "ListUserPoolClients"] {
        let (code, message) = w.refused(op, &json!({"UserPoolId": id}));
        assert_eq!(code, "ResourceNotFoundException", "{op}");
        assert_eq!(message, format!("User pool {id} does not exist."));
    }
    assert_eq!(
        w.ok("ListUserPools", &json!({"MaxResults": 10}))["UserPools"],
        json!([])
    );
}
