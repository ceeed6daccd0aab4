//! `SetUserPoolMfaConfig` and `GetUserPoolMfaConfig`
//! (cognito-mfa-devices-passwordless.md §1.3): a pool's MFA mode and
//! factors, changed through [`Registry::set_user_pool_mfa_config`].

use serde_json::{Map, Value, json};

use crate::config::{
    PoolConfig, email_mfa_json, read_mfa_request, read_mode, sms_configuration_json,
};
use crate::error::Error;
use crate::json::{Members, Read};
use crate::registry::Registry;

/// `SetUserPoolMfaConfig`. `WebAuthnConfiguration` (passkeys) is refused:
/// this engine has no passkeys yet.
pub(super) fn set_user_pool_mfa_config(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    let mode = read_mode(input)?;
    let request = read_mfa_request(input, mode)?;
    if input.value("WebAuthnConfiguration").is_some() {
        return Err(Error::invalid_parameter(
            "WebAuthnConfiguration is not supported by this engine.",
        )
        .into());
    }
    input.finish()?;
    let config = r.set_user_pool_mfa_config(id, &request)?;
    Ok(mfa_config(&config))
}

/// `GetUserPoolMfaConfig`.
pub(super) fn get_user_pool_mfa_config(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    input.finish()?;
    Ok(mfa_config(&pool.config()))
}

/// The members both operations answer with, as stored: `MfaConfiguration`
/// and `SoftwareTokenMfaConfiguration.Enabled` always, the SMS and email
/// blocks when those factors are on (with only what was set).
fn mfa_config(config: &PoolConfig) -> Value {
    let mfa = config.mfa();
    let mut out = Map::new();
    if mfa.sms.is_some() {
        let mut sms = Map::new();
        if let Some(m) = config.sms_authentication_message() {
            sms.insert("SmsAuthenticationMessage".into(), json!(m));
        }
        if let Some(c) = config.sms_configuration() {
            sms.insert("SmsConfiguration".into(), sms_configuration_json(c));
        }
        out.insert("SmsMfaConfiguration".into(), Value::Object(sms));
    }
    out.insert(
        "SoftwareTokenMfaConfiguration".into(),
        json!({"Enabled": mfa.software_token}),
    );
    if let Some(email) = &mfa.email {
        out.insert("EmailMfaConfiguration".into(), email_mfa_json(email));
    }
    out.insert("MfaConfiguration".into(), json!(mfa.mode().as_str()));
    Value::Object(out)
}
