//! `CUSTOM_AUTH` as the first factor of a pool with MFA
//! (cognito-mfa-devices-passwordless.md §3): when DefineAuthChallenge
//! issues tokens, the second factor comes first, in a session of its own.

use std::sync::Arc;

use userpool::client::PreventUserExistenceErrors;
use userpool::config::{MfaMode, MfaSettings, SmsMfa};
use userpool::schema::Attribute;
use userpool::{ChallengeName, HashingParams, Outbox, RespondToAuthChallengeRequest, UserPool};

use super::{JANE, Script, answer, custom_client, start};
use crate::api::common::{Harness, confirmed};
use crate::support::pools::quickstart_config;
use crate::support::{clock_at_start, shared_keys};

#[test]
fn a_custom_challenge_passed_leads_to_the_sms_code_then_tokens() {
    let clock = clock_at_start();
    let outbox = Outbox::new();
    let store = Arc::new(userpool::store::MemoryStore::new());
    let config = quickstart_config()
        .mfa(MfaSettings {
            mode: MfaMode::On,
            sms: Some(SmsMfa::default()),
            software_token: false,
            email: None,
        })
        .build()
        .unwrap();
    let pool = UserPool::builder(config)
        .pool_id("us-east-1_ApiTests1")
        .store(store.clone())
        .clock(Arc::new(clock.clone()))
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys())
        .triggers(Arc::new(Script::standard()))
        .build()
        .unwrap();
    let h = Harness::from_parts(pool, clock, outbox, store);
    let client = custom_client(&h, PreventUserExistenceErrors::Legacy);
    confirmed(&h, JANE);
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("phone_number", "+14325551212")])
        .unwrap();

    let challenge = h.pool.initiate_auth(start(&client, JANE)).unwrap();
    let mfa = h
        .pool
        .respond_to_auth_challenge(answer(&client, &challenge, JANE, "code-0"))
        .unwrap();
    assert_eq!(mfa.challenge_name, Some(ChallengeName::SmsMfa));
    assert!(mfa.authentication_result.is_none());
    let code = h.outbox.last_code_for("+14325551212").unwrap();
    let done = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(&client, ChallengeName::SmsMfa, mfa.session)
                .response("USERNAME", JANE)
                .response("SMS_MFA_CODE", code.expose_secret()),
        )
        .unwrap();
    assert!(done.authentication_result.is_some());
}
