//! Remembered devices through the wire (cognito-mfa-devices-passwordless.md
//! §6): `NewDeviceMetadata` on `AuthenticationResult`, the `null`
//! `DEVICE_KEY` clients send, `ConfirmDevice`, device SRP, refresh with
//! `DeviceKey`, and the shapes and refusals of every device operation.

use serde_json::{Value, json};
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::{DeviceConfiguration, PoolConfig, VerifiedAttribute};
use userpool::srp::{SrpClient, format_timestamp, generate_device_secret};
use userpool::{Clock, UserPool};

use crate::support::PASSWORD;
use crate::support::wire::{Calls, World};

use super::{keys_of, set};

const DEVICE_DOES_NOT_EXIST: &str = "Device does not exist.";

/// A pool tracking devices (remembered at once) with one public client.
struct DevicePool {
    world: World,
    pool: UserPool,
    client_id: String,
}

impl Calls for DevicePool {
    fn registry(&self) -> &userpool::registry::Registry {
        &self.world.registry
    }
}

impl DevicePool {
    fn new() -> Self {
        let world = World::new();
        let pool = world
            .registry
            .create_pool(
                PoolConfig::builder("devices")
                    .auto_verified_attributes(&[VerifiedAttribute::Email])
                    .device_configuration(Some(DeviceConfiguration {
                        challenge_required_on_new_device: true,
                        device_only_remembered_on_user_prompt: false,
                    }))
                    .build()
                    .unwrap(),
            )
            .unwrap();
        let client = pool
            .create_user_pool_client(
                AppClientConfig::builder("web")
                    .explicit_auth_flows([
                        AuthFlow::UserSrpAuth,
                        AuthFlow::UserPasswordAuth,
                        AuthFlow::RefreshTokenAuth,
                    ])
                    .build()
                    .unwrap(),
            )
            .unwrap();
        let w = Self {
            world,
            pool,
            client_id: client.id().to_owned(),
        };
        w.ok(
            "SignUp",
            &json!({
                "ClientId": w.client_id,
                "Username": "alice",
                "Password": PASSWORD,
                "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            }),
        );
        let code = w
            .world
            .outbox
            .last_code_for("alice@example.com")
            .unwrap()
            .expose_secret()
            .to_owned();
        w.ok(
            "ConfirmSignUp",
            &json!({"ClientId": w.client_id, "Username": "alice", "ConfirmationCode": code}),
        );
        w
    }

    /// `USER_PASSWORD_AUTH` with `DEVICE_KEY` (JSON `null` when `None`, as
    /// amazon-cognito-identity-js sends it).
    fn sign_in(&self, device_key: Option<&str>) -> Value {
        self.ok(
            "InitiateAuth",
            &json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": self.client_id,
                "AuthParameters": {
                    "USERNAME": "alice",
                    "PASSWORD": PASSWORD,
                    "DEVICE_KEY": device_key,
                },
            }),
        )
    }

    /// A new device, confirmed: the sign-in's result, key, group key and
    /// device password.
    fn confirmed_device(&self) -> (Value, String, String, String) {
        let result = self.sign_in(None)["AuthenticationResult"].clone();
        let metadata = &result["NewDeviceMetadata"];
        assert_eq!(keys_of(metadata), set(&["DeviceKey", "DeviceGroupKey"]));
        let key = metadata["DeviceKey"].as_str().unwrap().to_owned();
        let group = metadata["DeviceGroupKey"].as_str().unwrap().to_owned();
        let (password, verifier) = generate_device_secret(&group, &key).unwrap();
        let out = self.ok(
            "ConfirmDevice",
            &json!({
                "AccessToken": result["AccessToken"],
                "DeviceKey": key,
                "DeviceSecretVerifierConfig": {
                    "PasswordVerifier": verifier.password_verifier,
                    "Salt": verifier.salt,
                },
                "DeviceName": "Mozilla/5.0 (X11; Linux x86_64)",
            }),
        );
        assert_eq!(out, json!({"UserConfirmationNecessary": false}));
        (result, key, group, password.to_string())
    }

    fn token(result: &Value) -> &str {
        result["AccessToken"].as_str().unwrap()
    }
}

fn is_epoch_seconds(v: &Value) -> bool {
    v.as_f64().is_some_and(|s| s > 1.0e9)
}

#[test]
fn a_sign_in_returns_new_device_metadata_and_confirm_device_answers_its_shape() {
    let w = DevicePool::new();
    let (result, key, group, _) = w.confirmed_device();
    assert_eq!(
        keys_of(&result),
        set(&[
            "AccessToken",
            "ExpiresIn",
            "TokenType",
            "RefreshToken",
            "IdToken",
            "NewDeviceMetadata",
        ])
    );
    assert!(key.starts_with("us-east-1_"));
    assert!(group.starts_with('-'));
}

#[test]
fn get_and_list_devices_have_the_model_shapes() {
    let w = DevicePool::new();
    let (result, key, _, _) = w.confirmed_device();
    let token = DevicePool::token(&result);
    let out = w.ok(
        "GetDevice",
        &json!({"AccessToken": token, "DeviceKey": key}),
    );
    assert_eq!(keys_of(&out), set(&["Device"]));
    let device = &out["Device"];
    assert_eq!(
        keys_of(device),
        set(&[
            "DeviceKey",
            "DeviceAttributes",
            "DeviceCreateDate",
            "DeviceLastModifiedDate",
            "DeviceLastAuthenticatedDate",
        ])
    );
    assert_eq!(device["DeviceKey"], key.as_str());
    for date in [
        "DeviceCreateDate",
        "DeviceLastModifiedDate",
        "DeviceLastAuthenticatedDate",
    ] {
        assert!(is_epoch_seconds(&device[date]), "{date}: {}", device[date]);
    }
    let names: Vec<&str> = device["DeviceAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "device_status",
            "device_name",
            "dev:device_arn",
            "dev:device_owner",
            "dev:device_remembered_status",
            "dev:device_sdk",
        ]
    );
    assert_eq!(
        device["DeviceAttributes"][1],
        json!({"Name": "device_name", "Value": "Mozilla/5.0 (X11; Linux x86_64)"})
    );
    let admin = w.ok(
        "AdminGetDevice",
        &json!({"UserPoolId": w.pool.id(), "Username": "alice", "DeviceKey": key}),
    );
    assert_eq!(admin, out);

    let listed = w.ok("ListDevices", &json!({"AccessToken": token, "Limit": 60}));
    assert_eq!(keys_of(&listed), set(&["Devices"]));
    assert_eq!(listed["Devices"].as_array().unwrap().len(), 1);
    assert_eq!(
        listed["Devices"][0]["DeviceAttributes"],
        json!([
            {"Name": "device_status", "Value": "valid"},
            {"Name": "device_name", "Value": "Mozilla/5.0 (X11; Linux x86_64)"},
        ])
    );
    let second = w.confirmed_device().1;
    let page = w.ok(
        "AdminListDevices",
        &json!({"UserPoolId": w.pool.id(), "Username": "alice", "Limit": 1}),
    );
    assert_eq!(keys_of(&page), set(&["Devices", "PaginationToken"]));
    assert_eq!(page["Devices"][0]["DeviceKey"], second.as_str());
    let rest = w.ok(
        "AdminListDevices",
        &json!({
            "UserPoolId": w.pool.id(),
            "Username": "alice",
            "Limit": 1,
            "PaginationToken": page["PaginationToken"],
        }),
    );
    assert_eq!(keys_of(&rest), set(&["Devices"]));
    assert_eq!(rest["Devices"][0]["DeviceKey"], key.as_str());
    let (t, m) = w.refused("ListDevices", &json!({"AccessToken": token, "Limit": 61}));
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    );
}

#[test]
fn a_remembered_device_signs_in_with_device_srp_and_refreshes_with_its_key() {
    let w = DevicePool::new();
    let (_, key, group, password) = w.confirmed_device();
    let challenge = w.sign_in(Some(&key));
    assert_eq!(challenge["ChallengeName"], "DEVICE_SRP_AUTH");
    assert_eq!(
        keys_of(&challenge["ChallengeParameters"]),
        set(&["USERNAME"])
    );
    let srp = SrpClient::new_random().unwrap();
    let verifier = w.ok(
        "RespondToAuthChallenge",
        &json!({
            "ClientId": w.client_id,
            "ChallengeName": "DEVICE_SRP_AUTH",
            "Session": challenge["Session"],
            "ChallengeResponses": {"USERNAME": "alice", "DEVICE_KEY": key, "SRP_A": srp.srp_a()},
        }),
    );
    assert_eq!(verifier["ChallengeName"], "DEVICE_PASSWORD_VERIFIER");
    assert!(verifier["Session"].is_string());
    let p = &verifier["ChallengeParameters"];
    assert_eq!(
        keys_of(p),
        set(&["SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "DEVICE_KEY"])
    );
    assert_eq!(p["DEVICE_KEY"], key.as_str());
    let s = |k: &str| p[k].as_str().unwrap().to_owned();
    let timestamp = format_timestamp(w.world.clock.now());
    let signature = srp
        .process_device_challenge(
            &group,
            &key,
            &password,
            &s("SALT"),
            &s("SRP_B"),
            &s("SECRET_BLOCK"),
            &timestamp,
        )
        .unwrap();
    let out = w.ok(
        "RespondToAuthChallenge",
        &json!({
            "ClientId": w.client_id,
            "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
            "Session": verifier["Session"],
            "ChallengeResponses": {
                "USERNAME": s("USERNAME"),
                "DEVICE_KEY": key,
                "PASSWORD_CLAIM_SECRET_BLOCK": s("SECRET_BLOCK"),
                "PASSWORD_CLAIM_SIGNATURE": signature,
                "TIMESTAMP": timestamp,
            },
        }),
    );
    let result = &out["AuthenticationResult"];
    assert_eq!(
        keys_of(result),
        set(&[
            "AccessToken",
            "ExpiresIn",
            "TokenType",
            "RefreshToken",
            "IdToken"
        ])
    );
    let refresh = result["RefreshToken"].as_str().unwrap();
    let (t, m) = w.refused(
        "GetTokensFromRefreshToken",
        &json!({"ClientId": w.client_id, "RefreshToken": refresh}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Invalid Refresh Token")
    );
    let out = w.ok(
        "GetTokensFromRefreshToken",
        &json!({"ClientId": w.client_id, "RefreshToken": refresh, "DeviceKey": key}),
    );
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());
    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"REFRESH_TOKEN": refresh, "DEVICE_KEY": key},
        }),
    );
    assert!(
        out["AuthenticationResult"]
            .get("NewDeviceMetadata")
            .is_none()
    );
}

#[test]
fn update_device_status_needs_a_known_status() {
    let w = DevicePool::new();
    let (result, key, _, _) = w.confirmed_device();
    let token = DevicePool::token(&result);
    let (t, m) = w.refused(
        "UpdateDeviceStatus",
        &json!({"AccessToken": token, "DeviceKey": key}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "Missing required parameter DeviceRememberedStatus"
        )
    );
    let (t, m) = w.refused(
        "UpdateDeviceStatus",
        &json!({"AccessToken": token, "DeviceKey": key, "DeviceRememberedStatus": "forever"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value 'forever' at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]"
    );
    let out = w.ok(
        "UpdateDeviceStatus",
        &json!({"AccessToken": token, "DeviceKey": key, "DeviceRememberedStatus": "not_remembered"}),
    );
    assert_eq!(out, json!({}));
    let (t, m) = w.refused(
        "GetDevice",
        &json!({"AccessToken": token, "DeviceKey": key}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("ResourceNotFoundException", DEVICE_DOES_NOT_EXIST)
    );
    let out = w.ok(
        "AdminUpdateDeviceStatus",
        &json!({
            "UserPoolId": w.pool.id(),
            "Username": "alice",
            "DeviceKey": key,
            "DeviceRememberedStatus": "remembered",
        }),
    );
    assert_eq!(out, json!({}));
    w.ok(
        "GetDevice",
        &json!({"AccessToken": token, "DeviceKey": key}),
    );
}

#[test]
fn device_keys_and_access_tokens_are_checked_before_the_pool_is_asked() {
    let w = DevicePool::new();
    let (result, key, _, _) = w.confirmed_device();
    let (t, m) = w.refused("GetDevice", &json!({"DeviceKey": key}));
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Invalid Access Token")
    );
    let (t, m) = w.refused("ForgetDevice", &json!({"DeviceKey": key}));
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Invalid Access Token")
    );
    let (t, m) = w.refused(
        "GetDevice",
        &json!({"AccessToken": DevicePool::token(&result), "DeviceKey": "no key"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert!(m.contains("'no key' at 'deviceKey'"), "{m}");
}

#[test]
fn forget_device_deletes_it_and_a_sign_in_with_its_key_is_refused() {
    let w = DevicePool::new();
    let (result, key, _, _) = w.confirmed_device();
    let (_, other, _, _) = w.confirmed_device();
    let out = w.ok(
        "ForgetDevice",
        &json!({"AccessToken": DevicePool::token(&result), "DeviceKey": key}),
    );
    assert_eq!(out, json!({}));
    let out = w.ok(
        "AdminForgetDevice",
        &json!({"UserPoolId": w.pool.id(), "Username": "alice", "DeviceKey": other}),
    );
    assert_eq!(out, json!({}));
    let (t, m) = w.refused(
        "AdminForgetDevice",
        &json!({"UserPoolId": w.pool.id(), "Username": "alice", "DeviceKey": key}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("ResourceNotFoundException", DEVICE_DOES_NOT_EXIST)
    );
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD, "DEVICE_KEY": key},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("ResourceNotFoundException", DEVICE_DOES_NOT_EXIST)
    );
}

#[test]
fn confirm_device_in_a_pool_without_tracking_is_refused() {
    let w = super::OnePool::new();
    w.confirmed_user("bob", "bob@example.com");
    let result = w.sign_in("bob", PASSWORD);
    assert!(result.get("NewDeviceMetadata").is_none());
    let (_, verifier) = generate_device_secret("-AbCdEfGh", "us-east-1_0a").unwrap();
    let (t, m) = w.refused(
        "ConfirmDevice",
        &json!({
            "AccessToken": result["AccessToken"],
            "DeviceKey": "us-east-1_0a",
            "DeviceSecretVerifierConfig": {
                "PasswordVerifier": verifier.password_verifier,
                "Salt": verifier.salt,
            },
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidUserPoolConfigurationException",
            "Device tracking is not enabled for the user pool."
        )
    );
}
