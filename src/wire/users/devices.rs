//! Remembered devices (cognito-mfa-devices-passwordless.md §6.2, §6.5):
//! `ConfirmDevice`, `UpdateDeviceStatus`, `ListDevices`, `GetDevice`,
//! `ForgetDevice` and their admin forms.
//!
//! `GetDevice` and `ForgetDevice` take an optional `AccessToken` in the
//! model; without one they are `NotAuthorizedException` `Invalid Access
//! Token` (the spec's choice), as is `UpdateDeviceStatus` without a
//! `DeviceRememberedStatus` `InvalidParameterException`.

use serde_json::{Value, json};

use super::{attributes_json, empty, limit, not_in_enum};
use crate::error::{Constraint, Error, Shown};
use crate::json::{Members, Read, truncate};
use crate::registry::Registry;
use crate::srp::DeviceVerifierConfig;
use crate::{ConfirmDeviceRequest, Device, DevicePage, RememberedStatus};

/// The model's `DeviceRememberedStatusType`.
const REMEMBERED_STATUSES: [&str; 2] = ["remembered", "not_remembered"];

/// `DeviceKeyType`: 1–55 characters of `[\w-]+_[0-9a-f-]+`.
const DEVICE_KEY_PATTERN: &str = "[\\w-]+_[0-9a-f-]+";

fn is_device_key(key: &str) -> bool {
    let Some((region, id)) = key.rsplit_once('_') else {
        return false;
    };
    !region.is_empty()
        && !id.is_empty()
        && region
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == '-')
}

/// `DeviceKey`, checked against the model.
fn device_key<'a>(input: &Members<'a>) -> Read<&'a str> {
    let key = input.str("DeviceKey")?;
    if key.chars().count() > 55 || !is_device_key(key) {
        return Err(Error::violation(
            "deviceKey",
            Shown::Value(truncate(key, 128)),
            Constraint::Pattern {
                pattern: DEVICE_KEY_PATTERN,
                length: Some((1, 55)),
            },
        )
        .into());
    }
    Ok(key)
}

/// `DeviceRememberedStatus`, required here.
fn remembered_status(input: &Members<'_>) -> Read<RememberedStatus> {
    let value = input.opt_str("DeviceRememberedStatus")?.ok_or_else(|| {
        Error::invalid_parameter("Missing required parameter DeviceRememberedStatus")
    })?;
    RememberedStatus::parse(value)
        .ok_or_else(|| not_in_enum("DeviceRememberedStatus", value, &REMEMBERED_STATUSES).into())
}

/// An `AccessToken` the model leaves optional, required here.
fn access_token<'a>(input: &Members<'a>) -> Read<&'a str> {
    Ok(input
        .opt_str("AccessToken")?
        .ok_or_else(|| Error::not_authorized("Invalid Access Token"))?)
}

/// `DeviceType`.
fn device_json(d: &Device) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("DeviceKey".into(), json!(d.device_key));
    m.insert("DeviceAttributes".into(), attributes_json(&d.attributes));
    m.insert(
        "DeviceCreateDate".into(),
        crate::wire::timestamp(d.created_at),
    );
    m.insert(
        "DeviceLastModifiedDate".into(),
        crate::wire::timestamp(d.last_modified_at),
    );
    if let Some(t) = d.last_authenticated_at {
        m.insert(
            "DeviceLastAuthenticatedDate".into(),
            crate::wire::timestamp(t),
        );
    }
    Value::Object(m)
}

/// `ListDevices`' and `AdminListDevices`' output.
fn page_json(page: &DevicePage) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(
        "Devices".into(),
        Value::Array(page.devices.iter().map(device_json).collect()),
    );
    if let Some(t) = &page.pagination_token {
        m.insert("PaginationToken".into(), json!(t));
    }
    Value::Object(m)
}

/// `ConfirmDevice`.
pub(super) fn confirm_device(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = input.str("AccessToken")?;
    let key = device_key(input)?;
    let verifier = match input.opt_obj("DeviceSecretVerifierConfig")? {
        Some(m) => {
            let config = DeviceVerifierConfig {
                password_verifier: m.opt_str("PasswordVerifier")?.unwrap_or("").to_owned(),
                salt: m.opt_str("Salt")?.unwrap_or("").to_owned(),
            };
            m.finish()?;
            Some(config)
        }
        None => None,
    };
    let name = input.opt_str("DeviceName")?;
    input.finish()?;
    let pool = registry.pool_of_access_token(token)?;
    let request = ConfirmDeviceRequest {
        access_token: token.to_owned(),
        device_key: key.to_owned(),
        verifier,
        device_name: name.map(str::to_owned),
    };
    let necessary = pool.confirm_device(&request)?;
    Ok(json!({ "UserConfirmationNecessary": necessary }))
}

/// `UpdateDeviceStatus`.
pub(super) fn update_device_status(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = input.str("AccessToken")?;
    let key = device_key(input)?;
    let status = remembered_status(input)?;
    input.finish()?;
    registry
        .pool_of_access_token(token)?
        .update_device_status(token, key, status)?;
    Ok(empty())
}

/// `AdminUpdateDeviceStatus`.
pub(super) fn admin_update_device_status(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let key = device_key(input)?;
    let status = remembered_status(input)?;
    input.finish()?;
    registry
        .pool(pool_id)?
        .admin_update_device_status(username, key, status)?;
    Ok(empty())
}

/// `ListDevices`.
pub(super) fn list_devices(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = input.str("AccessToken")?;
    let limit = limit(input)?;
    let pagination = input.opt_str("PaginationToken")?;
    input.finish()?;
    let page = registry
        .pool_of_access_token(token)?
        .list_devices(token, limit, pagination)?;
    Ok(page_json(&page))
}

/// `AdminListDevices`.
pub(super) fn admin_list_devices(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let limit = limit(input)?;
    let pagination = input.opt_str("PaginationToken")?;
    input.finish()?;
    let page = registry
        .pool(pool_id)?
        .admin_list_devices(username, limit, pagination)?;
    Ok(page_json(&page))
}

/// `GetDevice`.
pub(super) fn get_device(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let key = device_key(input)?;
    let token = access_token(input)?;
    input.finish()?;
    let device = registry
        .pool_of_access_token(token)?
        .get_device(token, key)?;
    Ok(json!({ "Device": device_json(&device) }))
}

/// `AdminGetDevice`.
pub(super) fn admin_get_device(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let key = device_key(input)?;
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    input.finish()?;
    let device = registry.pool(pool_id)?.admin_get_device(username, key)?;
    Ok(json!({ "Device": device_json(&device) }))
}

/// `ForgetDevice`.
pub(super) fn forget_device(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = access_token(input)?;
    let key = device_key(input)?;
    input.finish()?;
    registry
        .pool_of_access_token(token)?
        .forget_device(token, key)?;
    Ok(empty())
}

/// `AdminForgetDevice`.
pub(super) fn admin_forget_device(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let key = device_key(input)?;
    input.finish()?;
    registry.pool(pool_id)?.admin_forget_device(username, key)?;
    Ok(empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_keys_follow_the_model_pattern() {
        for ok in [
            "us-east-1_3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            "eu-west-2_abc",
            "a_0",
        ] {
            assert!(is_device_key(ok), "{ok}");
        }
        for bad in [
            "",
            "nounderscore",
            "_abc",
            "us-east-1_",
            "us-east-1_XYZ",
            "a b_0",
        ] {
            assert!(!is_device_key(bad), "{bad}");
        }
    }
}
