//! `CUSTOM_AUTH` with remembered devices (cognito-mfa-devices-passwordless.md
//! §3 step 0, §6.4): the last answer's `DEVICE_KEY` is checked, a sign-in
//! without one gets a new device, and a remembered device is asked for
//! device SRP after the custom challenge.

use std::sync::Arc;

use userpool::client::PreventUserExistenceErrors;
use userpool::config::DeviceConfiguration;
use userpool::srp::generate_device_secret;
use userpool::{ChallengeName, ConfirmDeviceRequest, ErrorCode, HashingParams, Outbox, UserPool};

use super::{JANE, Script, answer, assert_error, custom_client, start};
use crate::api::common::{Harness, claims, confirmed};
use crate::support::pools::quickstart_config;
use crate::support::{clock_at_start, shared_keys};

fn tracking_pool() -> (Harness, String) {
    let hooks = Arc::new(Script::standard());
    let clock = clock_at_start();
    let outbox = Outbox::new();
    let store = Arc::new(userpool::store::MemoryStore::new());
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
        .triggers(hooks)
        .build()
        .unwrap();
    let h = Harness::from_parts(pool, clock, outbox, store);
    let client = custom_client(&h, PreventUserExistenceErrors::Legacy);
    confirmed(&h, JANE);
    (h, client)
}

#[test]
fn the_last_answers_device_key_is_checked_and_a_remembered_device_gets_device_srp() {
    let (h, client) = tracking_pool();
    let challenge = h.pool.initiate_auth(start(&client, JANE)).unwrap();
    assert_error(
        h.pool
            .respond_to_auth_challenge(answer(&client, &challenge, JANE, "code-0").response(
                "DEVICE_KEY",
                "us-east-1_00000000-0000-4000-8000-000000000000",
            )),
        ErrorCode::ResourceNotFound,
        "Device does not exist.",
    );

    let challenge = h.pool.initiate_auth(start(&client, JANE)).unwrap();
    let tokens = h
        .pool
        .respond_to_auth_challenge(answer(&client, &challenge, JANE, "code-0"))
        .unwrap()
        .authentication_result
        .unwrap();
    let metadata = tokens.new_device_metadata.unwrap();
    assert_eq!(
        claims(&tokens.access_token)["device_key"],
        metadata.device_key.as_str()
    );
    let (_, verifier) =
        generate_device_secret(&metadata.device_group_key, &metadata.device_key).unwrap();
    h.pool
        .confirm_device(&ConfirmDeviceRequest::new(
            &tokens.access_token,
            &metadata.device_key,
            verifier,
        ))
        .unwrap();

    let challenge = h.pool.initiate_auth(start(&client, JANE)).unwrap();
    let next = h
        .pool
        .respond_to_auth_challenge(
            answer(&client, &challenge, JANE, "code-0")
                .response("DEVICE_KEY", &metadata.device_key),
        )
        .unwrap();
    assert_eq!(next.challenge_name, Some(ChallengeName::DeviceSrpAuth));
    assert!(next.session.is_some());
}
