//! The MFA operations on the wire, with the bodies boto3 and
//! amazon-cognito-identity-js send (JSON `null` for absent blocks): exact
//! output members, `__type`s and messages, and a TOTP sign-in end to end.

use std::time::Duration;

use serde_json::{Value, json};
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::{MfaMode, MfaSettings, PoolConfig, SmsMfa, VerifiedAttribute};
use userpool::internals::totp::{TotpKey, code_at};
use userpool::{Clock, UserPool};

use super::{keys_of, set};
use crate::support::PASSWORD;
use crate::support::wire::{Calls, World};

struct MfaPool {
    world: World,
    pool: UserPool,
    client_id: String,
}

impl Calls for MfaPool {
    fn registry(&self) -> &userpool::registry::Registry {
        &self.world.registry
    }
}

impl MfaPool {
    fn new() -> Self {
        let world = World::new();
        let pool = world
            .registry
            .create_pool(
                PoolConfig::builder("wire-mfa")
                    .auto_verified_attributes(&[VerifiedAttribute::Email])
                    .mfa(MfaSettings {
                        mode: MfaMode::Optional,
                        sms: Some(SmsMfa::default()),
                        software_token: true,
                        email: None,
                    })
                    .build()
                    .unwrap(),
            )
            .unwrap();
        let client_id = pool
            .create_user_pool_client(
                AppClientConfig::builder("web")
                    .explicit_auth_flows([AuthFlow::UserPasswordAuth])
                    .build()
                    .unwrap(),
            )
            .unwrap()
            .id()
            .to_owned();
        Self {
            world,
            pool,
            client_id,
        }
    }

    fn initiate(&self) -> Value {
        self.ok(
            "InitiateAuth",
            &json!({
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": self.client_id,
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
            }),
        )
    }

    fn code(&self, key: &TotpKey) -> String {
        let now = u64::try_from(self.world.clock.now().unix_seconds()).unwrap();
        String::from_utf8(code_at(key.expose_secret(), now).to_vec()).unwrap()
    }
}

#[test]
fn totp_enrolment_preference_and_challenge_have_cognitos_shapes() {
    let w = MfaPool::new();
    w.ok(
        "SignUp",
        &json!({"ClientId": w.client_id, "Username": "alice", "Password": PASSWORD,
                "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}]}),
    );
    let code = w.world.outbox.last_code_for("alice@example.com").unwrap();
    w.ok(
        "ConfirmSignUp",
        &json!({"ClientId": w.client_id, "Username": "alice",
                "ConfirmationCode": code.expose_secret()}),
    );
    let access = w.initiate()["AuthenticationResult"]["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    // Exactly one of AccessToken and Session.
    let (t, _) = w.refused("AssociateSoftwareToken", &json!({}));
    assert_eq!(t, "InvalidParameterException");
    let (t, m) = w.refused(
        "AssociateSoftwareToken",
        &json!({"Session": "us-east-1_Nope.AAAAAAAAAAAAAAAAAAAAAAAAAA"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Invalid session for the user.")
    );
    let out = w.ok("AssociateSoftwareToken", &json!({"AccessToken": access}));
    assert_eq!(keys_of(&out), set(&["SecretCode"]));
    let secret = out["SecretCode"].as_str().unwrap();
    assert_eq!(secret.len(), 52);
    let key = TotpKey::from_secret_code(secret).unwrap();

    let (t, m) = w.refused(
        "VerifySoftwareToken",
        &json!({"AccessToken": access, "UserCode": "12a456"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert!(
        m.starts_with("1 validation error detected: Value at 'userCode'"),
        "{m}"
    );
    let right = w.code(&key);
    let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
    let (t, m) = w.refused(
        "VerifySoftwareToken",
        &json!({"AccessToken": access, "UserCode": wrong}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "EnableSoftwareTokenMFAException",
            "Code mismatch and fail enable Software Token MFA"
        )
    );
    let out = w.ok(
        "VerifySoftwareToken",
        &json!({"AccessToken": access, "UserCode": right, "FriendlyDeviceName": "phone", "Session": null}),
    );
    assert_eq!(out, json!({"Status": "SUCCESS"}));

    let user = w.ok("GetUser", &json!({"AccessToken": access}));
    assert_eq!(user["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert!(user.get("PreferredMfaSetting").is_none());
    assert!(user.get("MFAOptions").is_none());
    // amazon-cognito-identity-js sends null for the blocks it leaves alone.
    let out = w.ok(
        "SetUserMFAPreference",
        &json!({"AccessToken": access, "SMSMfaSettings": null,
                "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    );
    assert_eq!(out, json!({}));
    let (t, m) = w.refused(
        "SetUserMFAPreference",
        &json!({"AccessToken": access, "SMSMfaSettings": {"Enabled": true}}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "User does not have a phone_number set to turn on SMS MFA"
        )
    );
    let admin = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool.id(), "Username": "alice"}),
    );
    assert_eq!(admin["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(admin["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));

    let challenge = w.initiate();
    assert_eq!(
        keys_of(&challenge),
        set(&["ChallengeName", "ChallengeParameters", "Session"])
    );
    assert_eq!(challenge["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(
        challenge["ChallengeParameters"]["FRIENDLY_DEVICE_NAME"],
        "phone"
    );
    assert_eq!(challenge["ChallengeParameters"]["USER_ID_FOR_SRP"], "alice");
    let respond = |code: &str| {
        json!({"ClientId": w.client_id, "ChallengeName": "SOFTWARE_TOKEN_MFA",
               "Session": challenge["Session"],
               "ChallengeResponses": {"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": code,
                                      "SMS_MFA_CODE": code, "DEVICE_KEY": null}})
    };
    let (t, m) = w.refused("RespondToAuthChallenge", &respond(&w.code(&key)));
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "ExpiredCodeException",
            "Your software token has already been used once."
        )
    );
    w.world.clock.advance(Duration::from_secs(30));
    let out = w.ok("RespondToAuthChallenge", &respond(&w.code(&key)));
    assert!(out["AuthenticationResult"]["AccessToken"].is_string());
    assert_eq!(out["ChallengeParameters"], json!({}));

    let (t, _) = w.refused(
        "SetUserSettings",
        &json!({"AccessToken": access, "MFAOptions": [{"DeliveryMedium": "EMAIL", "AttributeName": "email"}]}),
    );
    assert_eq!(t, "InvalidParameterException");
    let out = w.ok(
        "AdminDeleteSoftwareToken",
        &json!({"UserPoolId": w.pool.id(), "Username": "alice"}),
    );
    assert_eq!(out, json!({}));
    let user = w.ok("GetUser", &json!({"AccessToken": access}));
    assert!(user.get("UserMFASettingList").is_none());
    assert!(w.initiate()["AuthenticationResult"].is_object());
}
