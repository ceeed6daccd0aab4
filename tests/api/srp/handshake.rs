//! The challenge and a correct answer through every pair of operations, the
//! answer's `USERNAME`, and `SECRET_HASH` at both steps.

use userpool::client::{ClientSecret, secret_hash};
use userpool::srp::SrpClient;
use userpool::{
    AdminSetUserPasswordRequest, ConfirmSignUpRequest, ErrorCode, InitiateAuthRequest, Password,
    SignUpRequest,
};

use crate::api::common::{Harness, JANE, add_client, alias_pool, claims, confirmed, quickstart};
use crate::support::{PASSWORD, is_uuid_v4};

use super::{
    Answer, Api, BOB, alice, assert_challenge_shape, assert_error, assert_incorrect,
    assert_tokens_of, jane, param, srp_client, srp_config, srp_request, srp_sign_in, start,
};

#[test]
fn an_email_pool_challenge_has_exactly_five_parameters_naming_the_sub_and_no_session() {
    let (h, client, sub) = jane();
    assert!(is_uuid_v4(&sub));
    let (_, challenge) = start(&h, &client, JANE);
    assert_challenge_shape(&challenge, &sub);
    // The same user gets the same salt, but a fresh B and block, every time.
    let (_, again) = start(&h, &client, JANE);
    assert_challenge_shape(&again, &sub);
    assert_eq!(param(&again, "SALT"), param(&challenge, "SALT"));
    assert_ne!(param(&again, "SRP_B"), param(&challenge, "SRP_B"));
    assert_ne!(
        param(&again, "SECRET_BLOCK"),
        param(&challenge, "SECRET_BLOCK")
    );
}

#[test]
fn a_username_pool_challenge_names_the_stored_username_whatever_case_was_typed() {
    let (h, client, username) = alice();
    for typed in ["Alice", "alice", "ALICE"] {
        let (_, challenge) = start(&h, &client, typed);
        assert_challenge_shape(&challenge, &username);
    }
}

#[test]
fn an_email_alias_in_a_username_pool_gets_the_username_for_srp() {
    let h = alias_pool();
    let client = srp_client(&h);
    h.pool
        .sign_up(SignUpRequest::new(h.client(), "carol", PASSWORD).attribute("email", BOB))
        .unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "carol",
            h.code_for(BOB),
        ))
        .unwrap();
    let sub = h.user("carol").attribute("sub").unwrap().to_owned();
    let (srp, challenge) = start(&h, &client, BOB);
    assert_challenge_shape(&challenge, "carol");
    let response = Answer::new(&h, &srp, &challenge, PASSWORD)
        .send(&h, &client)
        .unwrap();
    assert_tokens_of(&response, &client, "carol", &sub);
}

#[test]
fn salts_are_minimal_hex_for_every_password_set() {
    // Each AdminSetUserPassword draws a new 16-byte salt; one in sixteen
    // starts with a zero nibble and one in 256 with a zero byte, which must
    // never show as a leading "0" or "00" (§1.11).
    let (h, client, sub) = jane();
    let srp = SrpClient::new_random().unwrap();
    let mut salts = std::collections::BTreeSet::new();
    for i in 0..40 {
        h.pool
            .admin_set_user_password(
                AdminSetUserPasswordRequest::new(JANE, Password::new(format!("{PASSWORD}{i}")))
                    .permanent(true),
            )
            .unwrap();
        let challenge = h
            .pool
            .initiate_auth(srp_request(&client, JANE, &srp.srp_a()))
            .unwrap();
        assert_challenge_shape(&challenge, &sub);
        salts.insert(param(&challenge, "SALT").to_owned());
    }
    assert_eq!(salts.len(), 40, "every password gets a fresh salt");
}

#[test]
fn srp_signs_jane_in_through_every_pair_of_operations() {
    let (h, client, sub) = jane();
    for initiate in [Api::Public, Api::Admin] {
        for respond in [Api::Public, Api::Admin] {
            let srp = SrpClient::new_random().unwrap();
            let challenge = initiate
                .initiate(&h, srp_request(&client, JANE, &srp.srp_a()))
                .unwrap();
            assert_challenge_shape(&challenge, &sub);
            let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
            let response = respond.respond(&h, answer.request(&client)).unwrap();
            assert_tokens_of(&response, &client, &sub, &sub);
            let tokens = response.authentication_result.unwrap();
            let id = claims(&tokens.id_token);
            assert_eq!(id["email"], JANE, "{initiate:?}/{respond:?}");
            assert_eq!(id["family_name"], "Foobar");
        }
    }
}

#[test]
fn srp_signs_a_username_pool_user_in_through_every_pair_of_operations() {
    let (h, client, username) = alice();
    let sub = h.user("alice").attribute("sub").unwrap().to_owned();
    for initiate in [Api::Public, Api::Admin] {
        for respond in [Api::Public, Api::Admin] {
            let srp = SrpClient::new_random().unwrap();
            let challenge = initiate
                .initiate(&h, srp_request(&client, "ALICE", &srp.srp_a()))
                .unwrap();
            let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
            let response = respond.respond(&h, answer.request(&client)).unwrap();
            assert_tokens_of(&response, &client, &username, &sub);
            let id = claims(&response.authentication_result.unwrap().id_token);
            assert_eq!(id["given_name"], "Sam");
        }
    }
}

#[test]
fn srp_a_is_read_as_a_hex_integer_in_either_case_with_leading_zeros() {
    let (h, client, sub) = jane();
    let srp = SrpClient::new_random().unwrap();
    let sent = format!("000{}", srp.srp_a().to_uppercase());
    let challenge = h
        .pool
        .initiate_auth(srp_request(&client, JANE, &sent))
        .unwrap();
    let response = Answer::new(&h, &srp, &challenge, PASSWORD)
        .send(&h, &client)
        .unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
}

#[test]
fn the_tokens_of_an_srp_sign_in_refresh() {
    let (h, client, sub) = jane();
    let response = srp_sign_in(&h, &client, JANE, PASSWORD).unwrap();
    let refresh = response
        .authentication_result
        .unwrap()
        .refresh_token
        .unwrap();
    let refreshed = h
        .pool
        .initiate_auth(InitiateAuthRequest::refresh(&client, refresh))
        .unwrap();
    let access = claims(&refreshed.authentication_result.unwrap().access_token);
    assert_eq!(access["sub"], sub.as_str());
}

// ===== the answer's USERNAME =====

#[test]
fn the_answer_may_name_the_user_by_the_typed_email_or_the_internal_username() {
    let (h, client, sub) = jane();
    for username in [JANE.to_owned(), sub.clone()] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.username = username.clone();
        let response = answer
            .send(&h, &client)
            .unwrap_or_else(|e| panic!("USERNAME {username}: {e}"));
        assert_tokens_of(&response, &client, &sub, &sub);
    }
}

#[test]
fn the_answer_may_name_a_username_pool_user_as_typed() {
    let (h, client, username) = alice();
    let sub = h.user("alice").attribute("sub").unwrap().to_owned();
    for named in ["alice", "ALICE", "alice@example.com"] {
        let (srp, challenge) = start(&h, &client, "alice");
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.username = named.to_owned();
        if named.contains('@') {
            // Not an alias in the staff pool: names nobody.
            assert_incorrect(answer.send(&h, &client));
        } else {
            let response = answer.send(&h, &client).unwrap();
            assert_tokens_of(&response, &client, &username, &sub);
        }
    }
}

#[test]
fn an_answer_naming_another_user_is_incorrect() {
    let (h, client, _) = jane();
    let bob_sub = confirmed(&h, BOB);
    for other in [
        BOB.to_owned(),
        bob_sub.clone(),
        "nobody@example.com".to_owned(),
    ] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.username = other;
        assert_incorrect(answer.send(&h, &client));
    }
    // Bob is not charged a failure for Jane's proof, nor signed in.
    assert_eq!(h.record(&bob_sub).failed_sign_ins, 0);
}

// ===== SECRET_HASH =====

/// Jane and a confidential SRP client: `(harness, client id, secret, sub)`.
fn jane_confidential() -> (Harness, String, ClientSecret, String) {
    let h = quickstart();
    let client = add_client(&h, srp_config("server").generate_secret(true));
    let secret = client.secret().expect("a generated secret").clone();
    let sub = confirmed(&h, JANE);
    (h, client.id().to_owned(), secret, sub)
}

#[test]
fn step_one_needs_a_secret_hash_over_the_typed_username() {
    let (h, client, secret, sub) = jane_confidential();
    let srp = SrpClient::new_random().unwrap();
    assert_error(
        h.pool
            .initiate_auth(srp_request(&client, JANE, &srp.srp_a())),
        ErrorCode::NotAuthorized,
        &format!("Client {client} is configured with secret but SECRET_HASH was not received"),
    );
    let unable = format!("Unable to verify secret hash for client {client}");
    for wrong in [
        secret_hash(&secret, &sub, &client),
        secret_hash(&secret, "someone@example.com", &client),
        "not a hash".to_owned(),
    ] {
        assert_error(
            h.pool.initiate_auth(
                srp_request(&client, JANE, &srp.srp_a()).param("SECRET_HASH", wrong),
            ),
            ErrorCode::NotAuthorized,
            &unable,
        );
    }
    for api in [Api::Public, Api::Admin] {
        let challenge = api
            .initiate(
                &h,
                srp_request(&client, JANE, &srp.srp_a())
                    .param("SECRET_HASH", secret_hash(&secret, JANE, &client)),
            )
            .unwrap();
        assert_challenge_shape(&challenge, &sub);
    }
}

#[test]
fn step_two_needs_a_secret_hash_over_the_username_it_sends() {
    let (h, client, secret, sub) = jane_confidential();
    let challenge_for = || {
        let srp = SrpClient::new_random().unwrap();
        let challenge = h
            .pool
            .initiate_auth(
                srp_request(&client, JANE, &srp.srp_a())
                    .param("SECRET_HASH", secret_hash(&secret, JANE, &client)),
            )
            .unwrap();
        (srp, challenge)
    };
    // Consistent pairs: pycognito (internal name) and warrant (typed name).
    for username in [sub.as_str(), JANE] {
        for api in [Api::Public, Api::Admin] {
            let (srp, challenge) = challenge_for();
            let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
            answer.username = username.to_owned();
            answer.secret_hash = Some(secret_hash(&secret, username, &client));
            let response = api.respond(&h, answer.request(&client)).unwrap();
            assert_tokens_of(&response, &client, &sub, &sub);
        }
    }
    // Inconsistent pairs and a missing hash.
    let unable = format!("Unable to verify secret hash for client {client}");
    for (username, hashed) in [(sub.as_str(), JANE), (JANE, sub.as_str())] {
        let (srp, challenge) = challenge_for();
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.username = username.to_owned();
        answer.secret_hash = Some(secret_hash(&secret, hashed, &client));
        assert_error(answer.send(&h, &client), ErrorCode::NotAuthorized, &unable);
    }
    let (srp, challenge) = challenge_for();
    assert_error(
        Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &client),
        ErrorCode::NotAuthorized,
        &format!("Client {client} is configured with secret but SECRET_HASH was not received"),
    );
}
