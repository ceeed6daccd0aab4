//! The triggers of device sign-ins: PostAuthentication's `newDeviceUsed`
//! and PreTokenGeneration's `TokenGeneration_AuthenticateDevice`.

use std::sync::Arc;

use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::DeviceConfiguration;
use userpool::srp::generate_device_secret;
use userpool::store::MemoryStore;
use userpool::triggers::{Trigger, TriggerSource};
use userpool::{ConfirmDeviceRequest, HashingParams, Outbox, UserPool};

use super::super::common::{Harness, JANE, add_client, confirmed};
use super::super::triggers_auth::Hooks;
use super::{RememberedDevice, device_srp, password_sign_in};
use crate::support::pools::quickstart_config;
use crate::support::{clock_at_start, shared_keys};

#[test]
fn a_new_device_is_used_and_a_device_sign_in_generates_tokens_as_authenticate_device() {
    let hooks = Arc::new(Hooks::new(&[
        Trigger::PostAuthentication,
        Trigger::PreTokenGeneration,
    ]));
    let store = Arc::new(MemoryStore::new());
    let clock = clock_at_start();
    let outbox = Outbox::new();
    let config = quickstart_config()
        .device_configuration(Some(DeviceConfiguration {
            challenge_required_on_new_device: true,
            device_only_remembered_on_user_prompt: false,
        }))
        .build()
        .unwrap();
    let pool = UserPool::builder(config)
        .pool_id("us-east-1_ApiTests1")
        .store(store.clone())
        .clock(Arc::new(clock.clone()))
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys())
        .triggers(hooks.clone())
        .build()
        .unwrap();
    let h = Harness::from_parts(pool, clock, outbox, store);
    let client = add_client(
        &h,
        AppClientConfig::builder("spa").explicit_auth_flows([AuthFlow::UserPasswordAuth]),
    )
    .id()
    .to_owned();
    confirmed(&h, JANE);
    hooks.clear();

    let tokens = password_sign_in(&h, &client, None)
        .authentication_result
        .unwrap();
    let posts = hooks.post_authentications();
    assert_eq!(posts.len(), 1);
    assert!(posts[0].request.new_device_used);
    assert_eq!(
        hooks.sources(),
        [
            TriggerSource::PostAuthenticationAuthentication,
            TriggerSource::TokenGenerationAuthentication,
        ]
    );

    let metadata = tokens.new_device_metadata.unwrap();
    let (password, verifier) =
        generate_device_secret(&metadata.device_group_key, &metadata.device_key).unwrap();
    h.pool
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
    hooks.clear();
    let challenge = password_sign_in(&h, &client, Some(&device.key));
    // The device step comes before PostAuthentication (§3 step 7).
    assert!(hooks.sources().is_empty());
    let (result, _) = device_srp(&h, &client, &challenge, &device, &device.password);
    assert!(result.unwrap().authentication_result.is_some());
    let posts = hooks.post_authentications();
    assert_eq!(posts.len(), 1);
    assert!(!posts[0].request.new_device_used);
    assert_eq!(
        hooks.sources(),
        [
            TriggerSource::PostAuthenticationAuthentication,
            TriggerSource::TokenGenerationAuthenticateDevice,
        ]
    );
}
