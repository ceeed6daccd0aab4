//! Pool MFA settings on the wire (cognito-mfa-devices-passwordless.md §1):
//! `SetUserPoolMfaConfig` / `GetUserPoolMfaConfig` and their refusals, and
//! the MFA members of `CreateUserPool`, `UpdateUserPool` and
//! `DescribeUserPool`.

use serde_json::{Value, json};

use crate::support::wire::{Calls as _, World};

const NO_FACTOR: &str = "Invalid MFA configuration given, can't disable all MFAs with a required \
                         or optional configuration.";
const OFF_WITH_FACTOR: &str =
    "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.";
const SMS_REQUIRED: &str = "SMS configuration and Auto verification for phone_number are \
                            required when MFA is required/optional";
const ROLE: &str = "arn:aws:iam::123456789012:role/cognito-sms";

fn plain_pool(w: &World) -> String {
    w.create_pool(&json!({"PoolName": "mfa"}))
}

fn get(w: &World, id: &str) -> Value {
    w.ok("GetUserPoolMfaConfig", &json!({"UserPoolId": id}))
}

#[test]
fn set_then_get_reports_the_factors_as_stored_and_describe_the_mode() {
    let w = World::new();
    let id = plain_pool(&w);
    assert_eq!(
        get(&w, &id),
        json!({"SoftwareTokenMfaConfiguration": {"Enabled": false}, "MfaConfiguration": "OFF"})
    );
    let out = w.ok(
        "SetUserPoolMfaConfig",
        &json!({
            "UserPoolId": id,
            "SoftwareTokenMfaConfiguration": {"Enabled": true},
            "EmailMfaConfiguration": {"Message": "Your code is {####}", "Subject": "Sign-in code"},
            "SmsMfaConfiguration": null,
            "MfaConfiguration": "OPTIONAL"
        }),
    );
    let expected = json!({
        "SoftwareTokenMfaConfiguration": {"Enabled": true},
        "EmailMfaConfiguration": {"Message": "Your code is {####}", "Subject": "Sign-in code"},
        "MfaConfiguration": "OPTIONAL"
    });
    assert_eq!(out, expected);
    assert_eq!(get(&w, &id), expected);
    let described = w.describe(&id);
    assert_eq!(described["MfaConfiguration"], "OPTIONAL");
    assert!(described.get("SmsConfiguration").is_none());
    let config = w.registry.pool(&id).unwrap().config();
    assert_eq!(config.mfa().email_subject(), "Sign-in code");

    // The factor set is replaced, and a mode left out is kept.
    let out = w.ok(
        "SetUserPoolMfaConfig",
        &json!({
            "UserPoolId": id,
            "SmsMfaConfiguration": {
                "SmsAuthenticationMessage": "Code {####}",
                "SmsConfiguration": {"SnsCallerArn": ROLE, "ExternalId": "ext", "SnsRegion": "us-east-1"}
            }
        }),
    );
    let expected = json!({
        "SmsMfaConfiguration": {
            "SmsAuthenticationMessage": "Code {####}",
            "SmsConfiguration": {"SnsCallerArn": ROLE, "ExternalId": "ext", "SnsRegion": "us-east-1"}
        },
        "SoftwareTokenMfaConfiguration": {"Enabled": false},
        "MfaConfiguration": "OPTIONAL"
    });
    assert_eq!(out, expected);
    assert_eq!(get(&w, &id), expected);
    let described = w.describe(&id);
    assert_eq!(described["SmsAuthenticationMessage"], "Code {####}");
    assert_eq!(
        described["SmsConfiguration"],
        json!({"SnsCallerArn": ROLE, "ExternalId": "ext", "SnsRegion": "us-east-1"})
    );

    // OFF with no block turns every factor off.
    let out = w.ok(
        "SetUserPoolMfaConfig",
        &json!({"UserPoolId": id, "MfaConfiguration": "OFF"}),
    );
    assert_eq!(
        out,
        json!({"SoftwareTokenMfaConfiguration": {"Enabled": false}, "MfaConfiguration": "OFF"})
    );
    assert!(
        w.registry
            .pool(&id)
            .unwrap()
            .config()
            .mfa()
            .factors()
            .is_empty()
    );
}

#[test]
fn set_user_pool_mfa_config_refusals_name_cognitos_exception_and_text() {
    let w = World::new();
    let id = plain_pool(&w);
    let lite = w.create_pool(&json!({"PoolName": "lite", "UserPoolTier": "LITE"}));
    let cases = [
        (
            json!({"UserPoolId": id, "MfaConfiguration": "ON"}),
            "InvalidParameterException",
            NO_FACTOR.to_owned(),
        ),
        (
            json!({"UserPoolId": id, "MfaConfiguration": "OPTIONAL",
                   "SoftwareTokenMfaConfiguration": {"Enabled": false}}),
            "InvalidParameterException",
            NO_FACTOR.to_owned(),
        ),
        (
            json!({"UserPoolId": id, "MfaConfiguration": "OFF",
                   "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
            "InvalidParameterException",
            OFF_WITH_FACTOR.to_owned(),
        ),
        (
            // The pool is OFF, and a mode left out keeps it.
            json!({"UserPoolId": id, "EmailMfaConfiguration": {}}),
            "InvalidParameterException",
            OFF_WITH_FACTOR.to_owned(),
        ),
        (
            json!({"UserPoolId": id, "MfaConfiguration": "ON",
                   "SmsMfaConfiguration": {"SmsAuthenticationMessage": "no code"}}),
            "InvalidParameterException",
            "1 validation error detected: Value 'no code' at \
             'smsMfaConfiguration.smsAuthenticationMessage' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: .*\\{####\\}.*"
                .to_owned(),
        ),
        (
            json!({"UserPoolId": id, "MfaConfiguration": "ALWAYS"}),
            "InvalidParameterException",
            "1 validation error detected: Value 'ALWAYS' at 'mfaConfiguration' failed to \
             satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]"
                .to_owned(),
        ),
        (
            json!({"UserPoolId": id, "MfaConfiguration": "OFF",
                   "WebAuthnConfiguration": {"RelyingPartyId": "example.com"}}),
            "InvalidParameterException",
            "WebAuthnConfiguration is not supported by this engine.".to_owned(),
        ),
        (
            json!({"UserPoolId": lite, "MfaConfiguration": "ON", "EmailMfaConfiguration": {}}),
            "FeatureUnavailableInTierException",
            "EmailMfaConfiguration is not available in the LITE feature plan.".to_owned(),
        ),
        (
            json!({"UserPoolId": "us-east-1_Nope", "MfaConfiguration": "ON",
                   "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
            "ResourceNotFoundException",
            "User pool us-east-1_Nope does not exist.".to_owned(),
        ),
        (
            json!({"MfaConfiguration": "OFF"}),
            "InvalidParameterException",
            "1 validation error detected: Value null at 'userPoolId' failed to satisfy \
             constraint: Member must not be null"
                .to_owned(),
        ),
        (
            json!({"UserPoolId": id, "MfaConfiguration": "ON",
                   "SoftwareTokenMfaConfiguration": {"Enabled": true, "Preferred": true}}),
            "InvalidParameterException",
            "The parameter SoftwareTokenMfaConfiguration.Preferred is not supported by this \
             engine."
                .to_owned(),
        ),
    ];
    for (body, code, message) in cases {
        assert_eq!(
            w.refused("SetUserPoolMfaConfig", &body),
            (code.to_owned(), message),
            "{body}"
        );
    }
    // Nothing refused changed anything.
    for pool in [&id, &lite] {
        assert_eq!(get(&w, pool)["MfaConfiguration"], "OFF");
    }
    assert_eq!(
        w.refused(
            "GetUserPoolMfaConfig",
            &json!({"UserPoolId": "us-east-1_Nope"})
        ),
        (
            "ResourceNotFoundException".to_owned(),
            "User pool us-east-1_Nope does not exist.".to_owned()
        )
    );
    // Both are admin operations, signed with SigV4.
    assert!(userpool::wire::is_signed("SetUserPoolMfaConfig"));
    assert!(userpool::wire::is_signed("GetUserPoolMfaConfig"));
}

#[test]
fn create_user_pool_takes_and_describe_echoes_the_mfa_members() {
    let w = World::new();
    let (code, message) = w.refused(
        "CreateUserPool",
        &json!({"PoolName": "p", "MfaConfiguration": "OPTIONAL"}),
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("InvalidParameterException", SMS_REQUIRED)
    );
    // Not a member of CreateUserPool: the factor blocks.
    assert_eq!(
        w.refused(
            "CreateUserPool",
            &json!({"PoolName": "p", "MfaConfiguration": "ON",
                    "SmsConfiguration": {"SnsCallerArn": ROLE},
                    "SoftwareTokenMfaConfiguration": {"Enabled": true}})
        )
        .1,
        "The parameter SoftwareTokenMfaConfiguration is not supported by this engine."
    );
    let id = w.create_pool(&json!({
        "PoolName": "p",
        "MfaConfiguration": "ON",
        "SmsAuthenticationMessage": "Your code: {####}",
        "SmsConfiguration": {"SnsCallerArn": ROLE, "ExternalId": "abc"},
        "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true}
    }));
    let pool = w.describe(&id);
    assert_eq!(pool["MfaConfiguration"], "ON");
    assert_eq!(pool["SmsAuthenticationMessage"], "Your code: {####}");
    assert_eq!(
        pool["SmsConfiguration"],
        json!({"SnsCallerArn": ROLE, "ExternalId": "abc"})
    );
    assert_eq!(
        pool["DeviceConfiguration"],
        json!({"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false})
    );
    assert_eq!(
        get(&w, &id),
        json!({
            "SmsMfaConfiguration": {
                "SmsAuthenticationMessage": "Your code: {####}",
                "SmsConfiguration": {"SnsCallerArn": ROLE, "ExternalId": "abc"}
            },
            "SoftwareTokenMfaConfiguration": {"Enabled": false},
            "MfaConfiguration": "ON"
        })
    );
    // A pool without them describes none of them, and MFA OFF.
    let plain = w.describe(&plain_pool(&w));
    assert_eq!(plain["MfaConfiguration"], "OFF");
    for member in [
        "SmsAuthenticationMessage",
        "SmsConfiguration",
        "DeviceConfiguration",
    ] {
        assert!(plain.get(member).is_none(), "{member}");
    }
}

#[test]
fn update_user_pool_keeps_factors_when_the_mode_is_sent_again_and_resets_when_left_out() {
    let w = World::new();
    let id = plain_pool(&w);
    w.ok(
        "SetUserPoolMfaConfig",
        &json!({"UserPoolId": id, "MfaConfiguration": "ON",
                "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
    );
    // An AWS CLI user re-sends MfaConfiguration with every update: the
    // TOTP-only pool needs no SMS configuration.
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "MfaConfiguration": "OPTIONAL",
                "DeviceConfiguration": {"DeviceOnlyRememberedOnUserPrompt": true}}),
    );
    assert_eq!(
        get(&w, &id),
        json!({"SoftwareTokenMfaConfiguration": {"Enabled": true}, "MfaConfiguration": "OPTIONAL"})
    );
    assert_eq!(
        w.describe(&id)["DeviceConfiguration"],
        json!({"ChallengeRequiredOnNewDevice": false, "DeviceOnlyRememberedOnUserPrompt": true})
    );
    // Left out, like every changeable member: back to the default, OFF,
    // with no factor and no device tracking.
    w.ok("UpdateUserPool", &json!({"UserPoolId": id}));
    assert_eq!(
        get(&w, &id),
        json!({"SoftwareTokenMfaConfiguration": {"Enabled": false}, "MfaConfiguration": "OFF"})
    );
    assert!(w.describe(&id).get("DeviceConfiguration").is_none());
    // From OFF, ON needs a factor: an SMS configuration gives it one.
    assert_eq!(
        w.refused(
            "UpdateUserPool",
            &json!({"UserPoolId": id, "MfaConfiguration": "ON"})
        ),
        (
            "InvalidParameterException".to_owned(),
            SMS_REQUIRED.to_owned()
        )
    );
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "MfaConfiguration": "ON",
                "SmsConfiguration": {"SnsCallerArn": ROLE}}),
    );
    assert_eq!(
        get(&w, &id),
        json!({
            "SmsMfaConfiguration": {"SmsConfiguration": {"SnsCallerArn": ROLE}},
            "SoftwareTokenMfaConfiguration": {"Enabled": false},
            "MfaConfiguration": "ON"
        })
    );
}
