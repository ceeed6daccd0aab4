//! Every refusal of a wrong, tampered, foreign, reused, expired or badly
//! timed answer, with its exact `ErrorCode` and message.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::internals::srp;
use userpool::srp::{SrpClient, format_timestamp};
use userpool::{AuthResponse, Clock, ErrorCode, InitiateAuthRequest, Timestamp};

use crate::api::common::{JANE, add_client, confirmed, password_client, quickstart, refused};
use crate::support::PASSWORD;

use super::{
    Answer, Api, POOL_NAME, WRONG, assert_error, assert_incorrect, assert_tokens_of, jane,
    now_timestamp, param, signs_in, srp_config, srp_request, srp_sign_in, start,
};

#[test]
fn a_wrong_password_is_incorrect() {
    let (h, client, sub) = jane();
    for api in [Api::Public, Api::Admin] {
        let (srp, challenge) = start(&h, &client, JANE);
        let answer = Answer::new(&h, &srp, &challenge, WRONG);
        assert_incorrect(api.respond(&h, answer.request(&client)));
    }
    assert_eq!(h.record(&sub).failed_sign_ins, 2);
}

#[test]
fn five_wrong_proofs_lock_the_user_out_even_with_the_right_one() {
    let (h, client, sub) = jane();
    for _ in 0..5 {
        assert_incorrect(srp_sign_in(&h, &client, JANE, WRONG));
    }
    assert_eq!(h.record(&sub).failed_sign_ins, 5);
    for password in [PASSWORD, WRONG] {
        assert_error(
            srp_sign_in(&h, &client, JANE, password),
            ErrorCode::NotAuthorized,
            "Password attempts exceeded",
        );
    }
    // The password flow shares the lock.
    assert_error(
        h.pool
            .initiate_auth(InitiateAuthRequest::user_password(&client, JANE, PASSWORD)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    // The first lock lasts a second; then the right proof signs in.
    h.clock.advance(Duration::from_secs(1));
    let response = srp_sign_in(&h, &client, JANE, PASSWORD).unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
    assert_eq!(h.record(&sub).failed_sign_ins, 0);
}

#[test]
fn srp_and_password_failures_count_together() {
    let (h, client, _) = jane();
    for _ in 0..3 {
        assert_incorrect(srp_sign_in(&h, &client, JANE, WRONG));
    }
    for _ in 0..2 {
        assert_incorrect(
            h.pool
                .initiate_auth(InitiateAuthRequest::user_password(&client, JANE, WRONG)),
        );
    }
    assert_error(
        srp_sign_in(&h, &client, JANE, PASSWORD),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
}

#[test]
fn a_tampered_secret_block_is_incorrect_and_does_not_use_the_challenge_up() {
    let (h, client, sub) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let good = Answer::new(&h, &srp, &challenge, PASSWORD);
    let bytes = STANDARD.decode(&good.secret_block).unwrap();
    for i in [0, bytes.len() / 2, bytes.len() - 1] {
        let mut spoiled = bytes.clone();
        spoiled[i] ^= 0x01;
        let mut answer = good.clone();
        answer.secret_block = STANDARD.encode(&spoiled);
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        assert_incorrect(answer.send(&h, &client));
    }
    // Truncated and extended blocks.
    for spoiled in [
        bytes[..bytes.len() - 1].to_vec(),
        [&bytes[..], &[0]].concat(),
    ] {
        let mut answer = good.clone();
        answer.secret_block = STANDARD.encode(&spoiled);
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        assert_incorrect(answer.send(&h, &client));
    }
    // A forgery neither counts against the user nor burns the real challenge.
    assert_eq!(h.record(&sub).failed_sign_ins, 0);
    let response = good.send(&h, &client).unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
}

#[test]
fn a_secret_block_that_is_not_base64_is_incorrect() {
    let (h, client, _) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let good = Answer::new(&h, &srp, &challenge, PASSWORD);
    let unpadded = good.secret_block.trim_end_matches('=').to_owned();
    let url_safe = good.secret_block.replace('+', "-").replace('/', "_");
    for garbage in [
        "not base64!".to_owned(),
        "%%%%".to_owned(),
        String::new(),
        format!("{}*", good.secret_block),
        unpadded,
        url_safe,
    ] {
        if garbage == good.secret_block {
            continue; // no padding / no '+' or '/' to spoil
        }
        let mut answer = good.clone();
        answer.secret_block = garbage;
        assert_incorrect(answer.send(&h, &client));
    }
}

#[test]
fn a_secret_block_from_another_client_is_incorrect() {
    let (h, client, _) = jane();
    let other = add_client(&h, srp_config("mobile")).id().to_owned();
    let (srp, challenge) = start(&h, &other, JANE);
    // A perfectly signed answer to the other client's challenge, sent here.
    let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    assert_incorrect(answer.send(&h, &client));
    // It still works where it was issued.
    assert!(
        answer
            .send(&h, &other)
            .unwrap()
            .authentication_result
            .is_some()
    );
}

#[test]
fn a_secret_block_from_another_pool_is_incorrect() {
    // Same pool id, same user, same password: only the pool's secret differs.
    let (h, client, _) = jane();
    let (h2, client2, _) = jane();
    let (srp, challenge) = start(&h2, &client2, JANE);
    let mut answer = Answer::new(&h2, &srp, &challenge, PASSWORD);
    // The other pool's block, through a client id this pool knows.
    assert_incorrect(answer.clone().send(&h, &client));
    answer.username = JANE.to_owned();
    assert_incorrect(answer.send(&h, &client));
}

#[test]
fn a_secret_block_answers_once() {
    let (h, client, sub) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    assert_tokens_of(&answer.send(&h, &client).unwrap(), &client, &sub, &sub);
    let once = "Invalid session for the user, session can only be used once.";
    assert_error(answer.send(&h, &client), ErrorCode::NotAuthorized, once);
    // A later second, freshly signed: still used up.
    h.clock.advance(Duration::from_secs(1));
    let again = Answer::new(&h, &srp, &challenge, PASSWORD);
    assert_error(
        h.pool
            .admin_respond_to_auth_challenge(again.request(&client)),
        ErrorCode::NotAuthorized,
        once,
    );
    // A wrong answer uses the block up too: no second guess on one challenge.
    let (srp, challenge) = start(&h, &client, JANE);
    assert_incorrect(Answer::new(&h, &srp, &challenge, WRONG).send(&h, &client));
    assert_error(
        Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &client),
        ErrorCode::NotAuthorized,
        once,
    );
}

#[test]
fn a_secret_block_expires_with_the_clients_auth_session_validity() {
    let (h, client, sub) = jane();
    let expired = "Invalid session for the user, session is expired.";
    // Default: 3 minutes.
    let (srp, challenge) = start(&h, &client, JANE);
    h.clock.advance(Duration::from_secs(179));
    let response = Answer::new(&h, &srp, &challenge, PASSWORD)
        .send(&h, &client)
        .unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
    let (srp, challenge) = start(&h, &client, JANE);
    h.clock.advance(Duration::from_secs(181));
    assert_error(
        Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &client),
        ErrorCode::NotAuthorized,
        expired,
    );
    // A 15-minute client keeps its challenges for 15 minutes.
    let long = add_client(&h, srp_config("slow").auth_session_validity(15))
        .id()
        .to_owned();
    let (srp, challenge) = start(&h, &long, JANE);
    h.clock.advance(Duration::from_secs(14 * 60));
    assert!(
        Answer::new(&h, &srp, &challenge, PASSWORD)
            .send(&h, &long)
            .unwrap()
            .authentication_result
            .is_some()
    );
    let (srp, challenge) = start(&h, &long, JANE);
    h.clock.advance(Duration::from_secs(15 * 60 + 1));
    assert_error(
        Answer::new(&h, &srp, &challenge, PASSWORD).send(&h, &long),
        ErrorCode::NotAuthorized,
        expired,
    );
}

#[test]
fn an_unparseable_timestamp_is_an_invalid_parameter() {
    let (h, client, _) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let good = Answer::new(&h, &srp, &challenge, PASSWORD);
    for timestamp in [
        "",
        "2023-11-14T22:13:20Z",
        "Tue Nov 14 22:13:20 2023",
        "Tue Nov 14 22:13:20 PST 2023",
        "Dienstag Nov 14 22:13:20 UTC 2023",
        "Tue Novembre 14 22:13:20 UTC 2023",
        "Tue  Nov 14 22:13:20 UTC 2023",
        " Tue Nov 14 22:13:20 UTC 2023",
        "Tue Nov 14 22:13 UTC 2023",
        "1700000000",
    ] {
        let mut answer = good.clone();
        answer.timestamp = timestamp.to_owned();
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        assert_error(
            answer.send(&h, &client),
            ErrorCode::InvalidParameter,
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        );
    }
}

#[test]
fn a_zero_padded_day_or_a_wrong_weekday_is_incorrect() {
    let (h, client, sub) = jane();
    // Tue Mar 5 07:08:09 UTC 2024: a single-digit day.
    h.clock.set(Timestamp::from_unix_seconds(1_709_622_489));
    assert_eq!(now_timestamp(&h), "Tue Mar 5 07:08:09 UTC 2024");
    for timestamp in [
        "Tue Mar 05 07:08:09 UTC 2024",
        "Wed Mar 5 07:08:09 UTC 2024",
        "Tue Mar 5 7:08:09 UTC 2024",
        "Tue Mar 5 07:08:09 GMT 2024",
        "tue mar 5 07:08:09 UTC 2024",
    ] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.timestamp = timestamp.to_owned();
        // Signed over exactly what is sent: only the form is wrong.
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        assert_incorrect(answer.send(&h, &client));
    }
    let response = srp_sign_in(&h, &client, JANE, PASSWORD).unwrap();
    assert_tokens_of(&response, &client, &sub, &sub);
}

#[test]
fn a_timestamp_more_than_five_minutes_off_is_incorrect() {
    let (h, client, sub) = jane();
    let now = h.clock.now();
    let five = Duration::from_secs(300);
    let one = Duration::from_secs(1);
    for (at, accepted) in [
        (now.saturating_sub(five + one), false),
        (now.saturating_add(five + one), false),
        (now.saturating_sub(Duration::from_secs(3600)), false),
        (now.saturating_add(Duration::from_secs(86_400)), false),
        (now.saturating_sub(five - one), true),
        (now.saturating_add(five - one), true),
    ] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.timestamp = format_timestamp(at);
        let answer = answer.resign(&srp, &challenge, PASSWORD);
        let result = answer.send(&h, &client);
        if accepted {
            assert_tokens_of(&result.unwrap(), &client, &sub, &sub);
        } else {
            assert_incorrect(result);
        }
    }
}

#[test]
fn a_missing_or_malformed_srp_a_is_an_invalid_parameter() {
    let (h, client, _) = jane();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(
                &h,
                InitiateAuthRequest::new(AuthFlow::UserSrpAuth, &client).param("USERNAME", JANE),
            ),
            ErrorCode::InvalidParameter,
            "Missing required parameter SRP_A",
        );
    }
    let n_times_2_plus = format!("1{}", "0".repeat(768));
    for bad in [
        "0".to_owned(),
        "0000".to_owned(),
        srp::N_HEX.to_owned(),
        srp::N_HEX.to_lowercase(),
        format!("00{}", srp::N_HEX),
        "zz".to_owned(),
        "0x1234".to_owned(),
        "-1".to_owned(),
        "12 34".to_owned(),
        "f".repeat(769),
        n_times_2_plus,
    ] {
        // Refused before the user is looked up: an unknown user gets the same.
        for username in [JANE, "nobody@example.com"] {
            let e = refused(h.pool.initiate_auth(srp_request(&client, username, &bad)));
            assert_eq!(e.code(), ErrorCode::InvalidParameter, "SRP_A {bad}: {e}");
            assert!(!e.message().is_empty());
        }
    }
}

#[test]
fn a_client_that_does_not_allow_srp_refuses_it() {
    let h = quickstart();
    let client = password_client(&h);
    confirmed(&h, JANE);
    let srp = SrpClient::new_random().unwrap();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(&h, srp_request(&client, JANE, &srp.srp_a())),
            ErrorCode::InvalidParameter,
            "USER_SRP_AUTH is not enabled for the client.",
        );
    }
    // The default flows include it.
    let default = add_client(&h, AppClientConfig::builder("defaults"))
        .id()
        .to_owned();
    assert!(
        h.pool
            .initiate_auth(srp_request(&default, JANE, &srp.srp_a()))
            .is_ok()
    );
}

#[test]
fn a_missing_answer_field_is_an_invalid_parameter() {
    let (h, client, _) = jane();
    let (srp, challenge) = start(&h, &client, JANE);
    let good = Answer::new(&h, &srp, &challenge, PASSWORD);
    for key in [
        "USERNAME",
        "PASSWORD_CLAIM_SECRET_BLOCK",
        "PASSWORD_CLAIM_SIGNATURE",
        "TIMESTAMP",
    ] {
        let mut request = good.request(&client);
        request.challenge_responses.remove(key);
        assert_error(
            h.pool.respond_to_auth_challenge(request),
            ErrorCode::InvalidParameter,
            &format!("Missing required parameter {key}"),
        );
    }
    // None of those used the challenge up.
    assert!(good.send(&h, &client).is_ok());
}

#[test]
fn a_malformed_signature_is_incorrect() {
    let (h, client, _) = jane();
    for signature in ["", "!!", "AAAA", &STANDARD.encode([0u8; 32])] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.signature = signature.to_owned();
        assert_incorrect(answer.send(&h, &client));
    }
}

#[test]
fn the_signature_binds_the_pool_name_the_user_id_the_block_the_timestamp_and_a() {
    let (h, client, sub) = jane();
    let sign_as = |srp: &SrpClient, challenge: &AuthResponse, pool: &str, user: &str, ts: &str| {
        srp.process_challenge(
            pool,
            user,
            PASSWORD.as_bytes(),
            param(challenge, "SALT"),
            param(challenge, "SRP_B"),
            param(challenge, "SECRET_BLOCK"),
            ts,
        )
        .unwrap()
    };
    // The full pool id, or the typed email, where the maths wants poolName
    // and USER_ID_FOR_SRP.
    for (pool, user) in [("us-east-1_ApiTests1", sub.as_str()), (POOL_NAME, JANE)] {
        let (srp, challenge) = start(&h, &client, JANE);
        let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        answer.signature = sign_as(&srp, &challenge, pool, user, &answer.timestamp);
        assert_incorrect(answer.send(&h, &client));
    }
    // Signed for one second, sent with the next (both canonical, both in the window).
    let (srp, challenge) = start(&h, &client, JANE);
    let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    answer.timestamp = format_timestamp(h.clock.now().saturating_add(Duration::from_secs(1)));
    assert_incorrect(answer.send(&h, &client));
    // Signed with another secret a than the one whose A was sent.
    let (_, challenge) = start(&h, &client, JANE);
    let impostor = SrpClient::new_random().unwrap();
    assert_incorrect(Answer::new(&h, &impostor, &challenge, PASSWORD).send(&h, &client));
    // Signed over another challenge's block.
    let (srp, challenge) = start(&h, &client, JANE);
    let (_, other) = start(&h, &client, JANE);
    let mut answer = Answer::new(&h, &srp, &challenge, PASSWORD);
    answer.secret_block = param(&other, "SECRET_BLOCK").to_owned();
    assert_incorrect(answer.send(&h, &client));
    // Five failures: once the one-second lock has passed, the right inputs work.
    h.clock.advance(Duration::from_secs(1));
    assert!(signs_in(&h, &client, JANE, PASSWORD));
}
