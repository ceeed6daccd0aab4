//! Pool MFA settings survive a restart: `SetUserPoolMfaConfig` on a
//! registry over a `SqliteStore`, then a new registry over the same file
//! answers `GetUserPoolMfaConfig` and `DescribeUserPool` the same.

use serde_json::json;
use userpool::config::{MfaConfigRequest, MfaFactor, MfaMode};

use crate::support::db::TempDb;
use crate::support::wire::{self, Calls as _};

const ROLE: &str = "arn:aws:iam::123456789012:role/cognito-sms";

use crate::support::wire::open_sqlite as open;

#[test]
fn a_restarted_registry_keeps_the_mfa_settings() {
    let db = TempDb::new("restart-mfa");
    let (pool, get_before, described_before) = {
        let r = open(&db);
        let pool = wire::Calls::create_pool(
            &r,
            &json!({
                "PoolName": "mfa",
                "SmsAuthenticationMessage": "Code {####}",
                "SmsConfiguration": {"SnsCallerArn": ROLE, "SnsRegion": "eu-west-1"},
                "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true,
                                        "DeviceOnlyRememberedOnUserPrompt": true}
            }),
        );
        let set = r.ok(
            "SetUserPoolMfaConfig",
            &json!({
                "UserPoolId": pool,
                "MfaConfiguration": "ON",
                "SoftwareTokenMfaConfiguration": {"Enabled": true},
                "EmailMfaConfiguration": {"Message": "Email code {####}"}
            }),
        );
        let get = r.ok("GetUserPoolMfaConfig", &json!({"UserPoolId": pool}));
        assert_eq!(get, set);
        (pool.clone(), get, r.describe(&pool))
    };
    assert_eq!(
        get_before,
        json!({
            "SoftwareTokenMfaConfiguration": {"Enabled": true},
            "EmailMfaConfiguration": {"Message": "Email code {####}"},
            "MfaConfiguration": "ON"
        })
    );
    assert_eq!(described_before["MfaConfiguration"], "ON");
    assert_eq!(
        described_before["SmsConfiguration"],
        json!({"SnsCallerArn": ROLE, "SnsRegion": "eu-west-1"})
    );

    let r = open(&db);
    assert_eq!(
        r.ok("GetUserPoolMfaConfig", &json!({"UserPoolId": pool})),
        get_before
    );
    assert_eq!(r.describe(&pool), described_before);
    let config = r.pool(&pool).unwrap().config();
    assert_eq!(
        config.mfa().factors(),
        [MfaFactor::SoftwareToken, MfaFactor::Email]
    );
    assert_eq!(config.sms_authentication_message(), Some("Code {####}"));
    assert!(
        config
            .device_configuration()
            .unwrap()
            .challenge_required_on_new_device
    );

    // The Rust operation is stored the same way.
    let changed = r
        .set_user_pool_mfa_config(
            &pool,
            &MfaConfigRequest {
                mode: Some(MfaMode::Optional),
                software_token: true,
                ..MfaConfigRequest::default()
            },
        )
        .unwrap();
    assert_eq!(changed.mfa().factors(), [MfaFactor::SoftwareToken]);
    let r = open(&db);
    assert_eq!(
        r.ok("GetUserPoolMfaConfig", &json!({"UserPoolId": pool})),
        json!({"SoftwareTokenMfaConfiguration": {"Enabled": true}, "MfaConfiguration": "OPTIONAL"})
    );
}
