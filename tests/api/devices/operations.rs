//! `ConfirmDevice`, `UpdateDeviceStatus`, `ListDevices`, `GetDevice`,
//! `ForgetDevice` and their admin forms: effects and refusals.

use userpool::config::DeviceConfiguration;
use userpool::srp::{DeviceVerifierConfig, generate_device_secret};
use userpool::{ConfirmDeviceRequest, ErrorCode, RememberedStatus};

use super::super::common::{JANE, refused};
use super::{DEVICE_DOES_NOT_EXIST, fixture, pool_with};

fn names(device: &userpool::Device) -> Vec<&str> {
    device.attributes.iter().map(|a| a.name.as_str()).collect()
}

fn value<'a>(device: &'a userpool::Device, name: &str) -> Option<&'a str> {
    device
        .attributes
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.as_str())
}

#[test]
fn confirm_device_remembers_the_device_and_stores_its_verifier_sealed() {
    let f = fixture();
    let (tokens, device) = f.remembered_device();
    let got =
        f.h.pool
            .get_device(&tokens.access_token, &device.key)
            .unwrap();
    assert_eq!(got.device_key, device.key);
    assert_eq!(
        names(&got),
        [
            "device_status",
            "device_name",
            "dev:device_arn",
            "dev:device_owner",
            "dev:device_remembered_status",
            "dev:device_sdk",
        ]
    );
    let username = f.h.user(JANE).username;
    let owner = format!("{username}.us-east-1_ApiTests1");
    assert_eq!(value(&got, "device_status"), Some("valid"));
    assert_eq!(value(&got, "device_name"), Some("phone"));
    assert_eq!(value(&got, "dev:device_owner"), Some(owner.as_str()));
    assert_eq!(
        value(&got, "dev:device_arn"),
        Some(
            format!(
                "arn:aws:cognito-idp:us-east-1:000000000000:owner/{owner}/device/{}",
                device.key
            )
            .as_str()
        )
    );
    assert_eq!(
        value(&got, "dev:device_remembered_status"),
        Some("remembered")
    );
    assert_eq!(value(&got, "dev:device_sdk"), Some("aws-sdk"));
}

#[test]
fn confirming_twice_is_device_key_exists() {
    let f = fixture();
    let (tokens, device) = f.remembered_device();
    let (_, verifier) = generate_device_secret(&device.group_key, &device.key).unwrap();
    let e = refused(f.h.pool.confirm_device(&ConfirmDeviceRequest::new(
        &tokens.access_token,
        &device.key,
        verifier,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::DeviceKeyExists, "Device key already exists.")
    );
}

#[test]
fn confirming_an_unknown_key_is_device_does_not_exist() {
    let f = fixture();
    let (tokens, _) = f.sign_in_with_totp();
    let key = "us-east-1_00000000-0000-4000-8000-000000000000";
    let (_, verifier) = generate_device_secret("-AbCdEfGh", key).unwrap();
    let e = refused(f.h.pool.confirm_device(&ConfirmDeviceRequest::new(
        &tokens.access_token,
        key,
        verifier,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::ResourceNotFound, DEVICE_DOES_NOT_EXIST)
    );
}

#[test]
fn a_negative_or_missing_verifier_is_refused_and_leaves_the_device_unconfirmed() {
    let f = fixture();
    let (tokens, metadata) = f.sign_in_with_totp();
    let negative = DeviceVerifierConfig {
        password_verifier: "/w==".to_owned(),
        salt: "AJpLHC0+T1BhcoOUpbbH2Ok=".to_owned(),
    };
    let e = refused(f.h.pool.confirm_device(&ConfirmDeviceRequest::new(
        &tokens.access_token,
        &metadata.device_key,
        negative,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "DeviceSecretVerifierConfig.PasswordVerifier must be a positive integer."
        )
    );
    let mut missing =
        ConfirmDeviceRequest::new(&tokens.access_token, &metadata.device_key, negative_clone());
    missing.verifier = None;
    let e = refused(f.h.pool.confirm_device(&missing));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Missing required parameter DeviceSecretVerifierConfig"
        )
    );
    assert!(
        f.h.pool
            .admin_list_devices(JANE, None, None)
            .unwrap()
            .devices
            .is_empty()
    );
}

fn negative_clone() -> DeviceVerifierConfig {
    DeviceVerifierConfig {
        password_verifier: String::new(),
        salt: String::new(),
    }
}

#[test]
fn confirm_device_without_tracking_is_an_invalid_pool_configuration() {
    let h = super::super::common::quickstart();
    let client = super::super::common::password_client(&h);
    super::super::common::confirmed(&h, JANE);
    let tokens = super::super::common::sign_in(&h, &client, JANE, crate::support::PASSWORD);
    assert_eq!(tokens.new_device_metadata, None);
    assert!(
        super::super::common::claims(&tokens.access_token)
            .get("device_key")
            .is_none()
    );
    let key = "us-east-1_00000000-0000-4000-8000-000000000000";
    let (_, verifier) = generate_device_secret("-AbCdEfGh", key).unwrap();
    let e = refused(h.pool.confirm_device(&ConfirmDeviceRequest::new(
        &tokens.access_token,
        key,
        verifier,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidUserPoolConfiguration,
            "Device tracking is not enabled for the user pool."
        )
    );
}

#[test]
fn on_user_prompt_a_confirmed_device_is_not_remembered_until_updated() {
    let f = pool_with(DeviceConfiguration {
        challenge_required_on_new_device: true,
        device_only_remembered_on_user_prompt: true,
    });
    let (tokens, metadata) = f.sign_in_with_totp();
    let (_, verifier) =
        generate_device_secret(&metadata.device_group_key, &metadata.device_key).unwrap();
    let necessary =
        f.h.pool
            .confirm_device(&ConfirmDeviceRequest::new(
                &tokens.access_token,
                &metadata.device_key,
                verifier,
            ))
            .unwrap();
    assert!(necessary);
    let key = metadata.device_key.as_str();
    // Hidden from the user's own calls, shown to the admin's.
    assert!(
        f.h.pool
            .list_devices(&tokens.access_token, None, None)
            .unwrap()
            .devices
            .is_empty()
    );
    let e = refused(f.h.pool.get_device(&tokens.access_token, key));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::ResourceNotFound, DEVICE_DOES_NOT_EXIST)
    );
    let admin = f.h.pool.admin_get_device(JANE, key).unwrap();
    assert_eq!(
        value(&admin, "dev:device_remembered_status"),
        Some("not_remembered")
    );
    assert_eq!(
        f.h.pool
            .admin_list_devices(JANE, None, None)
            .unwrap()
            .devices
            .len(),
        1
    );
    f.h.pool
        .update_device_status(&tokens.access_token, key, RememberedStatus::Remembered)
        .unwrap();
    let listed =
        f.h.pool
            .list_devices(&tokens.access_token, None, None)
            .unwrap();
    assert_eq!(listed.devices.len(), 1);
    assert_eq!(names(&listed.devices[0]), ["device_status"]);
    f.h.pool
        .admin_update_device_status(JANE, key, RememberedStatus::NotRemembered)
        .unwrap();
    assert!(
        f.h.pool
            .list_devices(&tokens.access_token, None, None)
            .unwrap()
            .devices
            .is_empty()
    );
}

#[test]
fn listings_are_newest_first_and_page_by_limit() {
    let f = fixture();
    let mut keys = Vec::new();
    let mut token = String::new();
    for _ in 0..3 {
        let (tokens, device) = f.remembered_device();
        keys.push(device.key);
        token = tokens.access_token;
    }
    keys.reverse();
    let first = f.h.pool.list_devices(&token, Some(2), None).unwrap();
    let got: Vec<&str> = first
        .devices
        .iter()
        .map(|d| d.device_key.as_str())
        .collect();
    assert_eq!(got, [keys[0].as_str(), keys[1].as_str()]);
    let next =
        f.h.pool
            .admin_list_devices(JANE, Some(2), first.pagination_token.as_deref())
            .unwrap();
    let got: Vec<&str> = next.devices.iter().map(|d| d.device_key.as_str()).collect();
    assert_eq!(got, [keys[2].as_str()]);
    assert_eq!(next.pagination_token, None);
    let all = f.h.pool.list_devices(&token, Some(0), None).unwrap();
    assert_eq!(all.devices.len(), 3);
    let e = refused(f.h.pool.list_devices(&token, Some(61), None));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    let e = refused(f.h.pool.list_devices(&token, None, Some("not-a-token")));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::InvalidParameter, "Invalid pagination token.")
    );
}

#[test]
fn forgotten_devices_do_not_exist_for_any_operation() {
    let f = fixture();
    let (tokens, device) = f.remembered_device();
    f.h.pool.admin_forget_device(JANE, &device.key).unwrap();
    let not_found = |e: userpool::Error| {
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::ResourceNotFound, DEVICE_DOES_NOT_EXIST)
        );
    };
    not_found(refused(
        f.h.pool.forget_device(&tokens.access_token, &device.key),
    ));
    not_found(refused(f.h.pool.admin_forget_device(JANE, &device.key)));
    not_found(refused(
        f.h.pool.get_device(&tokens.access_token, &device.key),
    ));
    not_found(refused(f.h.pool.admin_get_device(JANE, &device.key)));
    not_found(refused(f.h.pool.update_device_status(
        &tokens.access_token,
        &device.key,
        RememberedStatus::Remembered,
    )));
    not_found(refused(f.h.pool.admin_update_device_status(
        JANE,
        &device.key,
        RememberedStatus::Remembered,
    )));
    assert!(
        f.h.pool
            .admin_list_devices(JANE, None, None)
            .unwrap()
            .devices
            .is_empty()
    );
}

#[test]
fn admin_device_operations_of_an_unknown_user_are_user_not_found() {
    let f = fixture();
    let e = refused(
        f.h.pool
            .admin_list_devices("nobody@example.com", None, None),
    );
    assert_eq!(e.code(), ErrorCode::UserNotFound);
    let e = refused(
        f.h.pool
            .admin_get_device("nobody@example.com", "us-east-1_0"),
    );
    assert_eq!(e.code(), ErrorCode::UserNotFound);
}

#[test]
fn debug_of_a_confirm_request_shows_no_token_or_verifier() {
    let key = "us-east-1_00000000-0000-4000-8000-000000000000";
    let (_, verifier) = generate_device_secret("-AbCdEfGh", key).unwrap();
    let secret = verifier.password_verifier.clone();
    let request = ConfirmDeviceRequest::new("eyJ.secret.token", key, verifier);
    let shown = format!("{request:?}");
    assert!(!shown.contains("eyJ.secret.token"));
    assert!(!shown.contains(&secret[..40]));
}
