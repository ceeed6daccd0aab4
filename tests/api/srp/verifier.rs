//! The verifier's life across every password change, its sealing, and
//! processes that share the pool secret or do not.

use std::sync::Arc;

use userpool::internals::srp;
use userpool::srp::SrpClient;
use userpool::store::MemoryStore;
use userpool::store::{IndexKey, UserStore as _};
use userpool::{
    AdminSetUserPasswordRequest, ChallengeName, ConfirmForgotPasswordRequest, ErrorCode,
    ForgotPasswordRequest, HashingParams, InitiateAuthRequest, ManualClock, Outbox, Password,
    UserPool,
};

use crate::api::common::{
    Harness, JANE, add_client, confirmed, password_client, quickstart, sign_in,
};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, START, shared_keys};

use super::{
    Answer, BOB, NEW_PASSWORD, POOL_NAME, TEMPORARY, WRONG, assert_challenge_shape, assert_error,
    assert_incorrect, assert_tokens_of, jane, param, salt_bytes, signs_in, srp_client, srp_config,
    srp_sign_in, start,
};

#[test]
fn after_change_password_srp_takes_the_new_password_only() {
    let (h, client, _) = jane();
    let tokens = srp_sign_in(&h, &client, JANE, PASSWORD)
        .unwrap()
        .authentication_result
        .unwrap();
    h.pool
        .change_password(userpool::ChangePasswordRequest::new(
            &tokens.access_token,
            PASSWORD,
            NEW_PASSWORD,
        ))
        .unwrap();
    assert!(signs_in(&h, &client, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &client, JANE, PASSWORD));
}

#[test]
fn after_admin_set_user_password_srp_takes_the_new_password_only() {
    let (h, client, _) = jane();
    h.pool
        .admin_set_user_password(
            AdminSetUserPasswordRequest::new(JANE, Password::new(NEW_PASSWORD)).permanent(true),
        )
        .unwrap();
    assert!(signs_in(&h, &client, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &client, JANE, PASSWORD));
    // A temporary password: proven over SRP, it leads to the new-password challenge.
    h.pool
        .admin_set_user_password(AdminSetUserPasswordRequest::new(
            JANE,
            Password::new(TEMPORARY),
        ))
        .unwrap();
    let next = srp_sign_in(&h, &client, JANE, TEMPORARY).unwrap();
    assert_eq!(
        next.challenge_name,
        Some(ChallengeName::NewPasswordRequired)
    );
    assert!(!signs_in(&h, &client, JANE, NEW_PASSWORD));
}

#[test]
fn after_confirm_forgot_password_srp_takes_the_new_password_only() {
    let (h, client, _) = jane();
    h.pool
        .forgot_password(ForgotPasswordRequest::new(&client, JANE))
        .unwrap();
    h.pool
        .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &client,
            JANE,
            h.code_for(JANE),
            NEW_PASSWORD,
        ))
        .unwrap();
    assert!(signs_in(&h, &client, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &client, JANE, PASSWORD));
}

#[test]
fn after_an_admin_reset_and_confirm_forgot_password_srp_takes_the_new_password() {
    let (h, client, sub) = jane();
    h.pool.admin_reset_user_password(JANE).unwrap();
    assert_eq!(h.record(&sub).srp_verifier, None);
    h.pool
        .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            &client,
            JANE,
            h.code_for(JANE),
            NEW_PASSWORD,
        ))
        .unwrap();
    assert!(signs_in(&h, &client, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &client, JANE, PASSWORD));
}

#[test]
fn a_pool_without_an_srp_client_stores_no_verifier_until_a_password_sign_in() {
    let h = quickstart();
    let web = password_client(&h);
    let sub = confirmed(&h, JANE);
    assert_eq!(h.record(&sub).srp_verifier, None);
    assert!(h.record(&sub).password_hash.is_some());
    let spa = srp_client(&h);
    // The challenge looks as usual but cannot succeed.
    let (srp, challenge) = start(&h, &spa, JANE);
    assert_challenge_shape(&challenge, &sub);
    assert_incorrect(Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &spa));
    assert!(!signs_in(&h, &spa, JANE, PASSWORD));
    assert_eq!(h.record(&sub).srp_verifier, None);
    // One password sign-in (through any client) stores the verifier.
    sign_in(&h, &web, JANE, PASSWORD);
    assert!(h.record(&sub).srp_verifier.is_some());
    let response = srp_sign_in(&h, &spa, JANE, PASSWORD).unwrap();
    assert_tokens_of(&response, &spa, &sub, &sub);
    assert!(!signs_in(&h, &spa, JANE, WRONG));
}

#[test]
fn a_wrong_password_sign_in_stores_no_verifier() {
    let h = quickstart();
    let web = password_client(&h);
    let sub = confirmed(&h, JANE);
    let spa = srp_client(&h);
    assert_incorrect(
        h.pool
            .initiate_auth(InitiateAuthRequest::user_password(&web, JANE, WRONG)),
    );
    assert_eq!(h.record(&sub).srp_verifier, None);
    assert!(!signs_in(&h, &spa, JANE, WRONG));
}

#[test]
fn a_password_changed_while_no_client_allows_srp_drops_the_old_verifier() {
    let (h, spa, sub) = jane();
    let web = password_client(&h);
    assert!(h.record(&sub).srp_verifier.is_some());
    h.pool.delete_user_pool_client(&spa).unwrap();
    h.pool
        .admin_set_user_password(
            AdminSetUserPasswordRequest::new(JANE, Password::new(NEW_PASSWORD)).permanent(true),
        )
        .unwrap();
    assert_eq!(
        h.record(&sub).srp_verifier,
        None,
        "the old verifier is gone"
    );
    let spa = srp_client(&h);
    // Neither the old password (stale verifier) nor the new (no verifier yet).
    assert!(!signs_in(&h, &spa, JANE, PASSWORD));
    assert!(!signs_in(&h, &spa, JANE, NEW_PASSWORD));
    sign_in(&h, &web, JANE, NEW_PASSWORD);
    assert!(signs_in(&h, &spa, JANE, NEW_PASSWORD));
    assert!(!signs_in(&h, &spa, JANE, PASSWORD));
}

#[test]
fn the_stored_verifier_is_sealed() {
    let (h, client, sub) = jane();
    let bob = confirmed(&h, BOB);
    let jane_sealed = h.record(&sub).srp_verifier.expect("Jane has a verifier");
    let bob_sealed = h.record(&bob).srp_verifier.expect("Bob has a verifier");
    assert!(jane_sealed.len() > 400, "{} bytes", jane_sealed.len());
    assert!(bob_sealed.len() > 400, "{} bytes", bob_sealed.len());
    assert_ne!(jane_sealed, bob_sealed, "same password, different blobs");
    // The challenge reveals the salt: the plain v computed from it is not
    // anywhere in the stored bytes, nor is any 32-byte piece of it.
    let (_, challenge) = start(&h, &client, JANE);
    let salt = salt_bytes(param(&challenge, "SALT"));
    let v = srp::compute_verifier(POOL_NAME, &sub, PASSWORD.as_bytes(), &salt).v;
    assert_eq!(v.len(), 384);
    // (That v is the real one: a handshake against it succeeds for a client
    // that knows only the challenge's SALT and the password.)
    let srp = SrpClient::new_random().unwrap();
    let local = srp::server_challenge_random(&v, &srp.srp_a()).unwrap();
    let signature = srp
        .process_challenge(
            POOL_NAME,
            &sub,
            PASSWORD.as_bytes(),
            param(&challenge, "SALT"),
            &local.srp_b(),
            "AAAA",
            "Tue Mar 5 07:08:09 UTC 2024",
        )
        .unwrap();
    assert!(
        srp::verify_claim(
            local.state(),
            &v,
            POOL_NAME,
            &sub,
            &[0, 0, 0],
            "Tue Mar 5 07:08:09 UTC 2024",
            &signature,
        )
        .unwrap()
    );
    assert!(
        !jane_sealed
            .windows(32)
            .any(|w| v.windows(32).any(|p| p == w)),
        "the stored verifier contains v in the clear"
    );
    // Re-setting the same password seals a different blob (fresh salt).
    h.pool
        .admin_set_user_password(
            AdminSetUserPasswordRequest::new(JANE, Password::new(PASSWORD)).permanent(true),
        )
        .unwrap();
    assert_ne!(h.record(&sub).srp_verifier.unwrap(), jane_sealed);
    assert!(signs_in(&h, &client, JANE, PASSWORD));
}

#[test]
fn a_verifier_moved_to_another_user_does_not_sign_them_in() {
    // The seal binds the verifier to its user: copying Jane's sealed
    // verifier onto Bob's record leaves Bob with no usable verifier.
    let (h, client, sub) = jane();
    let bob = confirmed(&h, BOB);
    let jane_sealed = h.record(&sub).srp_verifier.unwrap();
    let mut record = h.record(&bob);
    record.srp_verifier = Some(jane_sealed);
    let keys = [
        IndexKey::Username(bob.clone()),
        IndexKey::Sub(bob.clone()),
        IndexKey::Email(BOB.to_owned()),
    ];
    h.store
        .update_user(h.pool.id(), &record, record.version, &keys)
        .unwrap();
    assert_eq!(h.user(BOB).username, bob, "the index still finds Bob");
    assert!(!signs_in(&h, &client, BOB, PASSWORD));
    assert!(signs_in(&h, &client, JANE, PASSWORD));
}

/// Two pools over one store, one clock and one outbox, as two processes
/// serving the same pool: with the given pool secrets, Jane signed up and
/// confirmed through the first, and one SRP client known to both.
fn two_processes(secret_a: [u8; 32], secret_b: [u8; 32]) -> (Harness, Harness, String, String) {
    let store = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(START);
    let outbox = Outbox::new();
    let build = |secret: [u8; 32]| {
        Harness::from_parts(
            UserPool::builder(quickstart_config().build().unwrap())
                .pool_id("us-east-1_ApiTests1")
                .store(store.clone())
                .clock(Arc::new(clock.clone()))
                .message_sender(Arc::new(outbox.clone()))
                .hashing(HashingParams::insecure_fast_for_tests())
                .secret_key(secret)
                .keys(shared_keys())
                .build()
                .unwrap(),
            clock.clone(),
            outbox.clone(),
            store.clone(),
        )
    };
    let (a, b) = (build(secret_a), build(secret_b));
    let client = add_client(&a, srp_config("spa"));
    // Clients live in the shared store: B serves the client A created.
    assert_eq!(
        b.pool.describe_user_pool_client(client.id()).unwrap().id(),
        client.id()
    );
    let sub = confirmed(&a, JANE);
    (a, b, client.id().to_owned(), sub)
}

#[test]
fn a_challenge_from_one_process_is_answered_by_another_sharing_the_secret() {
    let (a, b, client, sub) = two_processes([7; 32], [7; 32]);
    let (srp, challenge) = start(&a, &client, JANE);
    let answer = Answer::new(&a, &srp, &challenge, PASSWORD);
    assert_tokens_of(&answer.send(&b, &client).unwrap(), &client, &sub, &sub);
    // Used up for both: the one-time mark lives in the shared store.
    let once = "Invalid session for the user, session can only be used once.";
    assert_error(answer.send(&a, &client), ErrorCode::NotAuthorized, once);
    assert_error(answer.send(&b, &client), ErrorCode::NotAuthorized, once);
}

#[test]
fn a_process_with_another_secret_can_neither_answer_nor_use_the_verifier() {
    let (a, b, client, _) = two_processes([7; 32], [8; 32]);
    let (srp, challenge) = start(&a, &client, JANE);
    let answer = Answer::new(&a, &srp, &challenge, PASSWORD);
    assert_incorrect(answer.send(&b, &client));
    // B cannot open the verifier A sealed: SRP through B fails...
    assert!(!signs_in(&b, &client, JANE, PASSWORD));
    // ...while A still signs Jane in, with the untouched challenge too.
    assert!(answer.send(&a, &client).is_ok());
    assert!(signs_in(&a, &client, JANE, PASSWORD));
}

#[test]
fn a_password_sign_in_repairs_a_verifier_sealed_under_a_lost_secret() {
    // A process restarts over a persistent store without a configured
    // secret (the default draws a random one): every stored verifier is now
    // unreadable. A password sign-in has the plaintext in hand and repairs a
    // *missing* verifier (above); an unreadable one is just as missing.
    let (old, restarted, client, sub) = two_processes([7; 32], [8; 32]);
    drop(old);
    let web = password_client(&restarted);
    assert!(restarted.record(&sub).srp_verifier.is_some());
    assert!(!signs_in(&restarted, &client, JANE, PASSWORD));
    sign_in(&restarted, &web, JANE, PASSWORD);
    assert!(
        signs_in(&restarted, &client, JANE, PASSWORD),
        "SRP still fails after a successful USER_PASSWORD_AUTH"
    );
}
