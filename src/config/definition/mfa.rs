//! The MFA members of a pool definition (cognito-mfa-devices-passwordless.md
//! §1): `MfaConfiguration`, `SmsConfiguration`, `SmsAuthenticationMessage`
//! and `DeviceConfiguration` of `CreateUserPool` / `UpdateUserPool`, and
//! the factor blocks of `SetUserPoolMfaConfig`, which a stored definition
//! carries too.

use serde_json::{Map, Value, json};

use crate::config::mfa_rules::SMS_REQUIRED;
use crate::config::{
    DeviceConfiguration, EmailMfa, MfaConfigRequest, MfaMode, MfaSettings, PoolConfig,
    PoolConfigBuilder, SmsConfiguration, SmsMfa, SmsMfaConfig,
};
use crate::error::Error;
use crate::json::{Members, Read, not_in_enum};

/// The factor blocks of `SetUserPoolMfaConfig`.
const FACTOR_BLOCKS: [&str; 3] = [
    "SmsMfaConfiguration",
    "SoftwareTokenMfaConfiguration",
    "EmailMfaConfiguration",
];

/// `MfaConfiguration` (`None` when left out).
pub(crate) fn read_mode(input: &Members<'_>) -> Read<Option<MfaMode>> {
    const MEMBER: &str = "MfaConfiguration";
    match input.opt_str(MEMBER)? {
        None => Ok(None),
        Some(s) => MfaMode::parse(s)
            .map(Some)
            .ok_or_else(|| not_in_enum(MEMBER, s, &["OFF", "ON", "OPTIONAL"]).into()),
    }
}

/// A `SmsConfigurationType` structure. `EumsSms` (AWS End User Messaging)
/// is not a member this engine takes: [`Members::finish`] refuses it by
/// name.
pub(crate) fn read_sms_configuration(m: &Members<'_>) -> Read<SmsConfiguration> {
    let out = SmsConfiguration {
        sns_caller_arn: m.opt_str("SnsCallerArn")?.map(str::to_owned),
        external_id: m.opt_str("ExternalId")?.map(str::to_owned),
        sns_region: m.opt_str("SnsRegion")?.map(str::to_owned),
    };
    m.finish()?;
    Ok(out)
}

/// `SetUserPoolMfaConfig`'s factor blocks, with `mode` (the request's
/// `MfaConfiguration`). `SoftwareTokenMfaConfiguration` with `Enabled`
/// left out or `false` turns nothing on.
pub(crate) fn read_mfa_request(
    input: &Members<'_>,
    mode: Option<MfaMode>,
) -> Read<MfaConfigRequest> {
    let sms = match input.opt_obj("SmsMfaConfiguration")? {
        None => None,
        Some(m) => {
            let message = m.opt_str("SmsAuthenticationMessage")?.map(str::to_owned);
            let sms_configuration = match m.opt_obj("SmsConfiguration")? {
                None => None,
                Some(c) => Some(read_sms_configuration(&c)?),
            };
            m.finish()?;
            Some(SmsMfaConfig {
                message,
                sms_configuration,
            })
        }
    };
    let software_token = match input.opt_obj("SoftwareTokenMfaConfiguration")? {
        None => false,
        Some(m) => {
            let enabled = m.opt_bool("Enabled")?.unwrap_or(false);
            m.finish()?;
            enabled
        }
    };
    let email = match input.opt_obj("EmailMfaConfiguration")? {
        None => None,
        Some(m) => {
            let out = EmailMfa {
                message: m.opt_str("Message")?.map(str::to_owned),
                subject: m.opt_str("Subject")?.map(str::to_owned),
            };
            m.finish()?;
            Some(out)
        }
    };
    Ok(MfaConfigRequest {
        mode,
        sms,
        software_token,
        email,
    })
}

/// The MFA members of a `CreateUserPool` / `UpdateUserPool` request, or of
/// a stored definition.
pub(super) struct MfaMembers {
    mode: Option<MfaMode>,
    sms_configuration: Option<SmsConfiguration>,
    sms_message: Option<String>,
    device: Option<DeviceConfiguration>,
    /// A definition's `SetUserPoolMfaConfig` blocks, when it has any.
    factors: Option<MfaConfigRequest>,
}

impl MfaMembers {
    /// Reads the members; with `definition`, also the factor blocks (a
    /// request does not have them: [`Members::finish`] refuses them).
    pub(super) fn read(input: &Members<'_>, definition: bool) -> Read<Self> {
        let mode = read_mode(input)?;
        let sms_configuration = match input.opt_obj("SmsConfiguration")? {
            None => None,
            Some(m) => Some(read_sms_configuration(&m)?),
        };
        let sms_message = input
            .opt_str("SmsAuthenticationMessage")?
            .map(str::to_owned);
        // JSON null is absent (Members::value); a boolean left out of a
        // given structure is false.
        let device = match input.opt_obj("DeviceConfiguration")? {
            None => None,
            Some(m) => {
                let out = DeviceConfiguration {
                    challenge_required_on_new_device: m
                        .opt_bool("ChallengeRequiredOnNewDevice")?
                        .unwrap_or(false),
                    device_only_remembered_on_user_prompt: m
                        .opt_bool("DeviceOnlyRememberedOnUserPrompt")?
                        .unwrap_or(false),
                };
                m.finish()?;
                Some(out)
            }
        };
        let factors = if definition && FACTOR_BLOCKS.iter().any(|b| input.value(b).is_some()) {
            Some(read_mfa_request(input, mode)?)
        } else {
            None
        };
        Ok(Self {
            mode,
            sms_configuration,
            sms_message,
            device,
            factors,
        })
    }

    /// `builder` with these settings. `current` is the pool an
    /// `UpdateUserPool` changes (`None` for `CreateUserPool`).
    ///
    /// The factors:
    ///
    /// * A definition's factor blocks set them exactly, as
    ///   `SetUserPoolMfaConfig` does.
    /// * `MfaConfiguration` `OFF`, or left out (in `UpdateUserPool` too:
    ///   like every changeable member left out, it returns to its default),
    ///   turns every factor off.
    /// * `ON` / `OPTIONAL` keep the factors of `current` (an AWS CLI user
    ///   sends `MfaConfiguration` again with every `UpdateUserPool`, and a
    ///   pool whose factors `SetUserPoolMfaConfig` set, TOTP alone say,
    ///   must keep them). When that leaves no factor, a `SmsConfiguration`
    ///   turns SMS on (what `CreateUserPool` with MFA and an SMS role does
    ///   in Cognito); without one the request is refused with Cognito's
    ///   `SMS configuration and Auto verification for phone_number are
    ///   required when MFA is required/optional`.
    pub(super) fn apply(
        self,
        builder: PoolConfigBuilder,
        current: Option<&PoolConfig>,
    ) -> Read<PoolConfigBuilder> {
        let builder = builder
            .sms_configuration(self.sms_configuration.clone())
            .sms_authentication_message(self.sms_message)
            .device_configuration(self.device);
        let mode = self.mode.unwrap_or_default();
        let mfa = if let Some(f) = self.factors {
            MfaSettings {
                mode,
                sms: f.sms.map(|s| SmsMfa { message: s.message }),
                software_token: f.software_token,
                email: f.email,
            }
        } else if mode == MfaMode::Off {
            MfaSettings::default()
        } else {
            let mut mfa = current.map(|c| c.mfa().clone()).unwrap_or_default();
            mfa.mode = mode;
            if let Some(sms) = &mut mfa.sms {
                // The request's SmsAuthenticationMessage (or none) is the
                // SMS message now.
                sms.message = None;
            }
            if mfa.factors().is_empty() {
                if self.sms_configuration.is_none() {
                    return Err(Error::invalid_parameter(SMS_REQUIRED).into());
                }
                mfa.sms = Some(SmsMfa::default());
            }
            mfa
        };
        Ok(builder.mfa(mfa))
    }
}

/// `SmsConfigurationType` as given (members left out stay out).
pub(crate) fn sms_configuration_json(c: &SmsConfiguration) -> Value {
    let mut out = Map::new();
    if let Some(v) = &c.sns_caller_arn {
        out.insert("SnsCallerArn".into(), json!(v));
    }
    if let Some(v) = &c.external_id {
        out.insert("ExternalId".into(), json!(v));
    }
    if let Some(v) = &c.sns_region {
        out.insert("SnsRegion".into(), json!(v));
    }
    Value::Object(out)
}

/// The members of `UserPoolType` (and `CreateUserPool`) that come from the
/// MFA settings: `MfaConfiguration` always, the rest when set.
pub(super) fn mfa_members(config: &PoolConfig, out: &mut Map<String, Value>) {
    out.insert(
        "MfaConfiguration".into(),
        json!(config.mfa().mode().as_str()),
    );
    if let Some(c) = config.sms_configuration() {
        out.insert("SmsConfiguration".into(), sms_configuration_json(c));
    }
    if let Some(m) = config.sms_authentication_message() {
        out.insert("SmsAuthenticationMessage".into(), json!(m));
    }
    if let Some(d) = config.device_configuration() {
        out.insert(
            "DeviceConfiguration".into(),
            json!({
                "ChallengeRequiredOnNewDevice": d.challenge_required_on_new_device,
                "DeviceOnlyRememberedOnUserPrompt": d.device_only_remembered_on_user_prompt,
            }),
        );
    }
}

/// The factor blocks a stored definition carries when MFA is not `OFF`
/// (so it reads back with the same factors, which `CreateUserPool`'s
/// members alone cannot describe). The SMS block is empty: the message and
/// role are the top-level members.
pub(super) fn factor_blocks(config: &PoolConfig, out: &mut Map<String, Value>) {
    let mfa = config.mfa();
    if mfa.mode() == MfaMode::Off {
        return;
    }
    if mfa.sms.is_some() {
        out.insert("SmsMfaConfiguration".into(), json!({}));
    }
    out.insert(
        "SoftwareTokenMfaConfiguration".into(),
        json!({"Enabled": mfa.software_token}),
    );
    if let Some(email) = &mfa.email {
        out.insert("EmailMfaConfiguration".into(), email_mfa_json(email));
    }
}

/// `EmailMfaConfigType` as given.
pub(crate) fn email_mfa_json(email: &EmailMfa) -> Value {
    let mut out = Map::new();
    if let Some(m) = &email.message {
        out.insert("Message".into(), json!(m));
    }
    if let Some(s) = &email.subject {
        out.insert("Subject".into(), json!(s));
    }
    Value::Object(out)
}
