//! The MFA operations of a user: `AssociateSoftwareToken`,
//! `VerifySoftwareToken`, `SetUserMFAPreference`,
//! `AdminSetUserMFAPreference`, `SetUserSettings`, `AdminSetUserSettings`,
//! `AdminDeleteSoftwareToken` (cognito-mfa-devices-passwordless.md §2, §4).

use serde_json::{Value, json};

use super::empty;
use crate::config::MfaFactor;
use crate::error::{Constraint, Error, Shown};
use crate::json::{Members, Read, obj_list};
use crate::registry::Registry;
use crate::{MfaCaller, MfaPreference, MfaPreferences, UserPool};

/// The pool of a call made with an access token or an `MFA_SETUP` session.
fn caller_pool<'a>(
    registry: &Registry,
    access_token: Option<&'a str>,
    session: Option<&'a str>,
) -> Read<(UserPool, MfaCaller<'a>)> {
    let caller = MfaCaller::from_parts(access_token, session)?;
    let pool = match caller {
        MfaCaller::AccessToken(token) => registry.pool_of_access_token(token)?,
        MfaCaller::Session(session) => registry.pool_of_session(session)?,
    };
    Ok((pool, caller))
}

/// `Session` is 20–2048 characters in the model.
fn session_member<'a>(input: &Members<'a>) -> Read<Option<&'a str>> {
    let session = input.opt_str("Session")?;
    if let Some(s) = session {
        let n = s.chars().count();
        if !(20..=2048).contains(&n) {
            return Err(Error::violation(
                "session",
                Shown::Hidden,
                Constraint::LengthBetween(20, 2048),
            )
            .into());
        }
    }
    Ok(session)
}

/// `AssociateSoftwareToken`.
pub(super) fn associate_software_token(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let access_token = input.opt_str("AccessToken")?;
    let session = session_member(input)?;
    input.finish()?;
    let (pool, caller) = caller_pool(registry, access_token, session)?;
    let out = pool.associate_software_token(caller)?;
    let mut m = serde_json::Map::new();
    m.insert("SecretCode".into(), json!(out.secret_code.expose_secret()));
    if let Some(s) = out.session {
        m.insert("Session".into(), json!(s));
    }
    Ok(Value::Object(m))
}

/// `VerifySoftwareToken`: `UserCode` is six digits (the model's
/// `SoftwareTokenMFAUserCodeType`).
pub(super) fn verify_software_token(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let access_token = input.opt_str("AccessToken")?;
    let session = session_member(input)?;
    let code = input.str("UserCode")?;
    let name = input.opt_str("FriendlyDeviceName")?;
    input.finish()?;
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::violation(
            "userCode",
            Shown::Hidden,
            Constraint::Pattern {
                pattern: "[0-9]+",
                length: Some((6, 6)),
            },
        )
        .into());
    }
    let (pool, caller) = caller_pool(registry, access_token, session)?;
    let out = pool.verify_software_token(caller, code, name)?;
    let mut m = serde_json::Map::new();
    m.insert("Status".into(), json!("SUCCESS"));
    if let Some(s) = out.session {
        m.insert("Session".into(), json!(s));
    }
    Ok(Value::Object(m))
}

/// The factor blocks of `(Admin)SetUserMFAPreference`; `null` blocks are
/// absent (amazon-cognito-identity-js sends them). `WebAuthnMfaSettings`
/// is refused by name: passkeys are not simulated.
fn preferences(input: &Members<'_>) -> Read<MfaPreferences> {
    let mut out = MfaPreferences::new();
    for (member, factor) in [
        ("SMSMfaSettings", MfaFactor::Sms),
        ("SoftwareTokenMfaSettings", MfaFactor::SoftwareToken),
        ("EmailMfaSettings", MfaFactor::Email),
    ] {
        if let Some(block) = input.opt_obj(member)? {
            let enabled = block.opt_bool("Enabled")?.unwrap_or(false);
            let preferred = block.opt_bool("PreferredMfa")?.unwrap_or(false);
            block.finish()?;
            out = out.with(factor, MfaPreference::new(enabled, preferred));
        }
    }
    Ok(out)
}

/// `SetUserMFAPreference`.
pub(super) fn set_user_mfa_preference(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = input.str("AccessToken")?;
    let prefs = preferences(input)?;
    input.finish()?;
    registry
        .pool_of_access_token(token)?
        .set_user_mfa_preference(token, prefs)?;
    Ok(empty())
}

/// `AdminSetUserMFAPreference`.
pub(super) fn admin_set_user_mfa_preference(
    registry: &Registry,
    input: &Members<'_>,
) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let prefs = preferences(input)?;
    input.finish()?;
    registry
        .pool(pool_id)?
        .admin_set_user_mfa_preference(username, prefs)?;
    Ok(empty())
}

/// `MFAOptions` of `(Admin)SetUserSettings`: only SMS to `phone_number`
/// exists; a non-empty list turns SMS MFA on, `[]` off.
fn mfa_options(input: &Members<'_>) -> Read<bool> {
    let list = obj_list(&input.path_of("MFAOptions"), input.value("MFAOptions"))?
        .ok_or_else(|| input.missing("MFAOptions"))?;
    for option in &list {
        let medium = option.opt_str("DeliveryMedium")?;
        let attribute = option.opt_str("AttributeName")?;
        option.finish()?;
        if medium != Some("SMS") || attribute.is_some_and(|a| a != "phone_number") {
            return Err(Error::invalid_parameter(
                "Only SMS to phone_number can be set in MFAOptions.",
            )
            .into());
        }
    }
    Ok(!list.is_empty())
}

/// `SetUserSettings`.
pub(super) fn set_user_settings(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = input.str("AccessToken")?;
    let sms = mfa_options(input)?;
    input.finish()?;
    registry
        .pool_of_access_token(token)?
        .set_user_settings(token, sms)?;
    Ok(empty())
}

/// `AdminSetUserSettings`.
pub(super) fn admin_set_user_settings(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let sms = mfa_options(input)?;
    input.finish()?;
    registry
        .pool(pool_id)?
        .admin_set_user_settings(username, sms)?;
    Ok(empty())
}

/// `AdminDeleteSoftwareToken`.
pub(super) fn admin_delete_software_token(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    input.finish()?;
    registry
        .pool(pool_id)?
        .admin_delete_software_token(username)?;
    Ok(empty())
}

/// The MFA members of `GetUser` and `AdminGetUser` (§2.2): each omitted
/// when empty; the legacy `MFAOptions` when SMS is on.
pub(super) fn mfa_members(
    out: &mut serde_json::Map<String, Value>,
    enabled: &[MfaFactor],
    preferred: Option<MfaFactor>,
) {
    if enabled.contains(&MfaFactor::Sms) {
        out.insert(
            "MFAOptions".into(),
            json!([{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]),
        );
    }
    if let Some(p) = preferred {
        out.insert("PreferredMfaSetting".into(), json!(p.as_str()));
    }
    if !enabled.is_empty() {
        let names: Vec<&str> = enabled.iter().map(|f| f.as_str()).collect();
        out.insert("UserMFASettingList".into(), json!(names));
    }
}
