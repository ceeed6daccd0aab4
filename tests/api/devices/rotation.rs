//! Pool-secret rotation re-seals device verifiers, so a remembered device
//! keeps signing in once the old secret is gone.

use std::sync::Arc;

use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::DeviceConfiguration;
use userpool::srp::generate_device_secret;
use userpool::store::MemoryStore;
use userpool::{ConfirmDeviceRequest, HashingParams, ManualClock, Outbox, UserPool};

use super::super::common::{Harness, JANE, add_client, confirmed};
use super::{RememberedDevice, device_srp, password_sign_in};
use crate::support::pools::quickstart_config;
use crate::support::{START, shared_keys};

const OLD: [u8; 32] = [1; 32];
const NEW: [u8; 32] = [2; 32];

fn process(
    store: &Arc<MemoryStore>,
    clock: &ManualClock,
    secrets: impl FnOnce(userpool::UserPoolBuilder) -> userpool::UserPoolBuilder,
) -> Harness {
    let config = quickstart_config()
        .device_configuration(Some(DeviceConfiguration {
            challenge_required_on_new_device: true,
            device_only_remembered_on_user_prompt: false,
        }))
        .build()
        .unwrap();
    let outbox = Outbox::new();
    let builder = UserPool::builder(config)
        .pool_id("us-east-1_ApiTests1")
        .store(store.clone())
        .clock(Arc::new(clock.clone()))
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys());
    Harness::from_parts(
        secrets(builder).build().unwrap(),
        clock.clone(),
        outbox,
        store.clone(),
    )
}

#[test]
fn reseal_secrets_reseals_device_verifiers_so_devices_outlive_the_old_secret() {
    let store = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(START);
    let before = process(&store, &clock, |b| b.secret_key(OLD));
    let client = add_client(
        &before,
        AppClientConfig::builder("spa")
            .explicit_auth_flows([AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth]),
    )
    .id()
    .to_owned();
    confirmed(&before, JANE);
    let tokens = password_sign_in(&before, &client, None)
        .authentication_result
        .unwrap();
    let metadata = tokens.new_device_metadata.unwrap();
    let (password, verifier) =
        generate_device_secret(&metadata.device_group_key, &metadata.device_key).unwrap();
    before
        .pool
        .confirm_device(&ConfirmDeviceRequest::new(
            &tokens.access_token,
            &metadata.device_key,
            verifier,
        ))
        .unwrap();
    let device = RememberedDevice {
        key: metadata.device_key,
        group_key: metadata.device_group_key,
        password: password.to_string(),
    };

    let rotated = process(&store, &clock, |b| {
        b.secret_key(NEW).previous_secret_key(OLD, START)
    });
    assert_eq!(rotated.pool.reseal_secrets().unwrap().devices, 1);
    assert_eq!(rotated.pool.reseal_secrets().unwrap().devices, 0);

    // A process that no longer knows the old secret.
    let after = process(&store, &clock, |b| b.secret_key(NEW));
    let challenge = password_sign_in(&after, &client, Some(&device.key));
    let (result, _) = device_srp(&after, &client, &challenge, &device, &device.password);
    assert!(result.unwrap().authentication_result.is_some());
}

#[test]
fn without_a_reseal_a_device_sealed_under_a_forgotten_secret_is_refused() {
    let store = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(START);
    let before = process(&store, &clock, |b| b.secret_key(OLD));
    let client = add_client(
        &before,
        AppClientConfig::builder("spa").explicit_auth_flows([AuthFlow::UserPasswordAuth]),
    )
    .id()
    .to_owned();
    confirmed(&before, JANE);
    let tokens = password_sign_in(&before, &client, None)
        .authentication_result
        .unwrap();
    let metadata = tokens.new_device_metadata.unwrap();
    let (_, verifier) =
        generate_device_secret(&metadata.device_group_key, &metadata.device_key).unwrap();
    before
        .pool
        .confirm_device(&ConfirmDeviceRequest::new(
            &tokens.access_token,
            &metadata.device_key,
            verifier,
        ))
        .unwrap();
    let after = process(&store, &clock, |b| b.secret_key(NEW));
    let challenge = password_sign_in(&after, &client, Some(&metadata.device_key));
    let e = super::super::common::refused(
        after.pool.respond_to_auth_challenge(
            userpool::RespondToAuthChallengeRequest::new(
                &client,
                userpool::ChallengeName::DeviceSrpAuth,
                challenge.session,
            )
            .response("USERNAME", JANE)
            .response("DEVICE_KEY", &metadata.device_key)
            .response(
                "SRP_A",
                userpool::srp::SrpClient::new_random().unwrap().srp_a(),
            ),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (userpool::ErrorCode::NotAuthorized, super::INCORRECT)
    );
}
