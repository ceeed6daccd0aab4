//! Every row of §1.3's validation table, at the configuration level, with
//! Cognito's exact code and text; and what a definition keeps.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::config::{DeviceConfiguration, MfaFactor, PoolConfig};
use crate::error::ErrorCode;

fn pool() -> PoolConfig {
    PoolConfig::builder("mfa").build().unwrap()
}

fn totp_on() -> MfaConfigRequest {
    MfaConfigRequest {
        mode: Some(MfaMode::On),
        software_token: true,
        ..MfaConfigRequest::default()
    }
}

fn refused(config: &PoolConfig, request: &MfaConfigRequest) -> (ErrorCode, String) {
    let e = config.with_mfa_config(request).unwrap_err();
    (e.code(), e.message().to_owned())
}

fn invalid(message: &str) -> (ErrorCode, String) {
    (ErrorCode::InvalidParameter, message.to_owned())
}

#[test]
fn on_or_optional_without_a_factor_is_refused() {
    let text = "Invalid MFA configuration given, can't disable all MFAs with a required or \
                optional configuration.";
    for mode in [MfaMode::On, MfaMode::Optional] {
        let request = MfaConfigRequest {
            mode: Some(mode),
            ..MfaConfigRequest::default()
        };
        assert_eq!(refused(&pool(), &request), invalid(text), "{mode:?}");
    }
    // aws/aws-sdk-js#4186: the factors are replaced, so re-sending only the
    // mode of a pool whose factor is on turns that factor off: refused.
    let on = pool().with_mfa_config(&totp_on()).unwrap();
    let mode_only = MfaConfigRequest {
        mode: Some(MfaMode::Optional),
        ..MfaConfigRequest::default()
    };
    assert_eq!(refused(&on, &mode_only), invalid(text));
}

#[test]
fn off_with_a_factor_is_refused() {
    let text = "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.";
    let off = |f: fn(&mut MfaConfigRequest)| {
        let mut r = MfaConfigRequest {
            mode: Some(MfaMode::Off),
            ..MfaConfigRequest::default()
        };
        f(&mut r);
        r
    };
    for request in [
        off(|r| r.software_token = true),
        off(|r| r.sms = Some(SmsMfaConfig::default())),
        off(|r| r.email = Some(EmailMfa::default())),
    ] {
        assert_eq!(refused(&pool(), &request), invalid(text), "{request:?}");
    }
    // A mode left out is the pool's: OFF here.
    let keep = MfaConfigRequest {
        software_token: true,
        ..MfaConfigRequest::default()
    };
    assert_eq!(refused(&pool(), &keep), invalid(text));
    // OFF alone, or with a disabled TOTP block, configures nothing.
    let plain = pool().with_mfa_config(&off(|_| {})).unwrap();
    assert_eq!(plain.mfa(), &MfaSettings::default());
}

#[test]
fn a_factor_set_replaces_the_last_and_an_omitted_mode_keeps_the_stored_one() {
    let both = pool()
        .with_mfa_config(&MfaConfigRequest {
            mode: Some(MfaMode::Optional),
            sms: Some(SmsMfaConfig {
                message: Some("Code: {####}".into()),
                sms_configuration: Some(SmsConfiguration {
                    sns_caller_arn: Some("arn:aws:iam::123456789012:role/sms".into()),
                    external_id: Some("ext".into()),
                    sns_region: Some("us-east-1".into()),
                }),
            }),
            software_token: true,
            email: None,
        })
        .unwrap();
    assert_eq!(both.mfa().mode(), MfaMode::Optional);
    assert_eq!(
        both.mfa().factors(),
        [MfaFactor::Sms, MfaFactor::SoftwareToken]
    );
    assert_eq!(both.mfa().sms_message(), "Code: {####}");
    assert_eq!(both.sms_authentication_message(), Some("Code: {####}"));
    assert_eq!(
        both.sms_configuration().unwrap().sns_region.as_deref(),
        Some("us-east-1")
    );
    // No mode: OPTIONAL stays; no SMS block: SMS is off, its role and
    // message stay on the pool.
    let email = both
        .with_mfa_config(&MfaConfigRequest {
            email: Some(EmailMfa {
                message: Some("Sign-in code {####}".into()),
                subject: Some("Your code".into()),
            }),
            ..MfaConfigRequest::default()
        })
        .unwrap();
    assert_eq!(email.mfa().mode(), MfaMode::Optional);
    assert_eq!(email.mfa().factors(), [MfaFactor::Email]);
    assert_eq!(email.mfa().email_message(), "Sign-in code {####}");
    assert_eq!(email.mfa().email_subject(), "Your code");
    assert_eq!(email.sms_authentication_message(), Some("Code: {####}"));
    assert!(email.sms_configuration().is_some());
    // An SMS block without a message takes the pool's.
    let sms_again = email
        .with_mfa_config(&MfaConfigRequest {
            sms: Some(SmsMfaConfig::default()),
            ..MfaConfigRequest::default()
        })
        .unwrap();
    assert_eq!(sms_again.mfa().sms_message(), "Code: {####}");
    assert_eq!(sms_again.mfa().factors(), [MfaFactor::Sms]);
}

#[test]
fn templates_breaking_the_model_are_validation_errors() {
    let sms = |m: &str| MfaConfigRequest {
        mode: Some(MfaMode::On),
        sms: Some(SmsMfaConfig {
            message: Some(m.to_owned()),
            sms_configuration: None,
        }),
        ..MfaConfigRequest::default()
    };
    let at = "smsMfaConfiguration.smsAuthenticationMessage";
    assert_eq!(
        refused(&pool(), &sms("Your code")),
        invalid(&format!(
            "1 validation error detected: Value 'Your code' at '{at}' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: .*\\{{####\\}}.*"
        ))
    );
    assert_eq!(
        refused(&pool(), &sms("Code")),
        invalid(&format!(
            "2 validation errors detected: Value 'Code' at '{at}' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: .*\\{{####\\}}.*; \
             Value 'Code' at '{at}' failed to satisfy constraint: Member must have length \
             greater than or equal to 6"
        ))
    );
    let long = format!("{{####}}{}", "x".repeat(135));
    assert_eq!(
        refused(&pool(), &sms(&long)),
        invalid(&format!(
            "1 validation error detected: Value '{long}' at '{at}' failed to satisfy \
             constraint: Member must have length less than or equal to 140"
        ))
    );
    // Java's `.` takes no line break.
    assert_eq!(
        refused(&pool(), &sms("Code\n{####}")).1,
        format!(
            "1 validation error detected: Value 'Code\n{{####}}' at '{at}' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: .*\\{{####\\}}.*"
        )
    );
    assert!(pool().with_mfa_config(&sms(&long[..140])).is_ok());

    let email = |message: Option<&str>, subject: Option<&str>| MfaConfigRequest {
        mode: Some(MfaMode::On),
        email: Some(EmailMfa {
            message: message.map(str::to_owned),
            subject: subject.map(str::to_owned),
        }),
        ..MfaConfigRequest::default()
    };
    let message_pattern =
        "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*";
    assert_eq!(
        refused(&pool(), &email(Some("Your sign-in code"), None)),
        invalid(&format!(
            "1 validation error detected: Value 'Your sign-in code' at \
             'emailMfaConfiguration.message' failed to satisfy constraint: Member must satisfy \
             regular expression pattern: {message_pattern}"
        ))
    );
    assert_eq!(
        refused(&pool(), &email(None, Some(""))),
        invalid(
            "1 validation error detected: Value '' at 'emailMfaConfiguration.subject' failed \
             to satisfy constraint: Member must satisfy regular expression pattern: \
             [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+"
        )
    );
    assert_eq!(
        refused(&pool(), &email(None, Some("bell\u{7}"))).1,
        "1 validation error detected: Value 'bell\u{7}' at 'emailMfaConfiguration.subject' \
         failed to satisfy constraint: Member must satisfy regular expression pattern: \
         [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+"
    );
    let ok = pool()
        .with_mfa_config(&email(Some("Héllo {####}\n— ✓"), Some("Ton code")))
        .unwrap();
    assert_eq!(ok.mfa().email_message(), "Héllo {####}\n— ✓");
}

#[test]
fn an_sms_configuration_breaking_the_model_is_a_validation_error() {
    let with = |c: SmsConfiguration| MfaConfigRequest {
        mode: Some(MfaMode::On),
        sms: Some(SmsMfaConfig {
            message: None,
            sms_configuration: Some(c),
        }),
        ..MfaConfigRequest::default()
    };
    let (code, message) = refused(
        &pool(),
        &with(SmsConfiguration {
            sns_caller_arn: Some("not-an-arn".into()),
            ..SmsConfiguration::default()
        }),
    );
    assert_eq!(code, ErrorCode::InvalidParameter);
    assert!(
        message.starts_with(
            "1 validation error detected: Value 'not-an-arn' at \
             'smsMfaConfiguration.smsConfiguration.snsCallerArn' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: (arn:"
        ),
        "{message}"
    );
    assert_eq!(
        refused(
            &pool(),
            &with(SmsConfiguration {
                sns_region: Some("us".into()),
                ..SmsConfiguration::default()
            })
        ),
        invalid(
            "1 validation error detected: Value 'us' at \
             'smsMfaConfiguration.smsConfiguration.snsRegion' failed to satisfy constraint: \
             Member must have length greater than or equal to 5"
        )
    );
}

#[test]
fn email_mfa_is_unavailable_on_lite() {
    let lite = PoolConfig::builder("lite")
        .tier(UserPoolTier::Lite)
        .build()
        .unwrap();
    let request = MfaConfigRequest {
        mode: Some(MfaMode::Optional),
        email: Some(EmailMfa::default()),
        ..MfaConfigRequest::default()
    };
    assert_eq!(
        refused(&lite, &request),
        (
            ErrorCode::FeatureUnavailableInTier,
            "EmailMfaConfiguration is not available in the LITE feature plan.".to_owned()
        )
    );
    // TOTP is in every plan; the email factor in ESSENTIALS.
    assert!(lite.with_mfa_config(&totp_on()).is_ok());
    assert!(pool().with_mfa_config(&request).is_ok());
    // A plan change cannot strand the factor either.
    let with_email = pool().with_mfa_config(&request).unwrap();
    let e = with_email
        .to_builder()
        .tier(UserPoolTier::Lite)
        .build()
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::FeatureUnavailableInTier);
}

fn from_json(json: &str) -> Result<PoolConfig> {
    PoolConfig::from_create_user_pool_json(json).map_err(crate::config::DefinitionError::into_error)
}

#[test]
fn create_user_pool_with_mfa_needs_an_sms_configuration_which_turns_sms_on() {
    for mode in ["ON", "OPTIONAL"] {
        let e = from_json(&format!(
            r#"{{"PoolName": "p", "MfaConfiguration": "{mode}"}}"#
        ))
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParameter);
        assert_eq!(
            e.message(),
            "SMS configuration and Auto verification for phone_number are required when MFA \
             is required/optional"
        );
    }
    let config = from_json(
        r#"{"PoolName": "p", "MfaConfiguration": "ON",
            "SmsAuthenticationMessage": "Code {####}",
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms",
                                 "ExternalId": "x"}}"#,
    )
    .unwrap();
    assert_eq!(config.mfa().mode(), MfaMode::On);
    assert_eq!(config.mfa().factors(), [MfaFactor::Sms]);
    assert_eq!(config.mfa().sms_message(), "Code {####}");
    assert_eq!(
        config.sms_configuration(),
        Some(&SmsConfiguration {
            sns_caller_arn: Some("arn:aws:iam::123456789012:role/sms".into()),
            external_id: Some("x".into()),
            sns_region: None,
        })
    );
    // With MFA off the role and message are kept, and no factor is on.
    let off = from_json(
        r#"{"PoolName": "p", "SmsAuthenticationMessage": "Code {####}",
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}}"#,
    )
    .unwrap();
    assert_eq!(off.mfa(), &MfaSettings::default());
    assert_eq!(off.sms_authentication_message(), Some("Code {####}"));
}

#[test]
fn create_user_pool_refuses_bad_mfa_members_in_the_model_wording() {
    let e = from_json(r#"{"PoolName": "p", "MfaConfiguration": "MAYBE"}"#).unwrap_err();
    assert_eq!(
        e.message(),
        "1 validation error detected: Value 'MAYBE' at 'mfaConfiguration' failed to satisfy \
         constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]"
    );
    let e =
        from_json(r#"{"PoolName": "p", "SmsAuthenticationMessage": "Code 123456"}"#).unwrap_err();
    assert_eq!(
        e.message(),
        "1 validation error detected: Value 'Code 123456' at 'smsAuthenticationMessage' failed \
         to satisfy constraint: Member must satisfy regular expression pattern: \
         .*\\{####\\}.*"
    );
    let e = from_json(
        r#"{"PoolName": "p", "SmsConfiguration": {"EumsSms": {"CallerArn": "arn:aws:iam::1:role/r"}}}"#,
    )
    .unwrap_err();
    assert_eq!(
        e.message(),
        "The parameter SmsConfiguration.EumsSms is not supported by this engine."
    );
}

#[test]
fn device_configuration_null_is_absent_and_a_missing_boolean_is_false() {
    let device = |json: &str| {
        from_json(&format!(
            r#"{{"PoolName": "p", "DeviceConfiguration": {json}}}"#
        ))
        .unwrap()
        .device_configuration()
    };
    assert_eq!(device("null"), None);
    assert_eq!(device("{}"), Some(DeviceConfiguration::default()));
    assert_eq!(
        device(
            r#"{"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": null}"#
        ),
        Some(DeviceConfiguration {
            challenge_required_on_new_device: true,
            device_only_remembered_on_user_prompt: false,
        })
    );
}

#[test]
fn a_definition_keeps_factors_create_user_pool_cannot_describe() {
    let configs = [
        pool().with_mfa_config(&totp_on()).unwrap(),
        pool()
            .to_builder()
            .device_configuration(Some(DeviceConfiguration {
                challenge_required_on_new_device: true,
                device_only_remembered_on_user_prompt: true,
            }))
            .sms_configuration(Some(SmsConfiguration {
                sns_caller_arn: Some("arn:aws:iam::123456789012:role/sms".into()),
                external_id: None,
                sns_region: Some("eu-west-1".into()),
            }))
            .sms_authentication_message(Some("Code {####}".into()))
            .build()
            .unwrap()
            .with_mfa_config(&MfaConfigRequest {
                mode: Some(MfaMode::Optional),
                software_token: false,
                email: Some(EmailMfa {
                    message: Some("Code {####}".into()),
                    subject: None,
                }),
                sms: Some(SmsMfaConfig::default()),
            })
            .unwrap(),
    ];
    for config in configs {
        let json = config.to_create_user_pool_json();
        assert_eq!(from_json(&json).unwrap(), config, "{json}");
    }
    // A definition whose blocks contradict its mode is refused like the
    // operation.
    let e = from_json(r#"{"PoolName": "p", "SoftwareTokenMfaConfiguration": {"Enabled": true}}"#)
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Invalid MFA configuration given, can't turn off MFA and configure an MFA together."
    );
}
