//! A pool's changes after creation: `UpdateUserPool`, `AddCustomAttributes`
//! and `DeleteUserPool`.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::START;
use crate::support::pools::quickstart_json;
use crate::support::wire::{Calls as _, World};

use super::schema_attribute;

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
            json!({"UserPoolId": id, "SmsAuthenticationMessage": "Code"}),
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
