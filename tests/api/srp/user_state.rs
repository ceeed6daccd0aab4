//! The user's state: unknown (with and without `PreventUserExistenceErrors`),
//! unconfirmed, disabled, invited with a temporary password, reset required.

use std::time::Duration;

use userpool::client::PreventUserExistenceErrors;
use userpool::srp::SrpClient;
use userpool::{
    AdminCreateUserRequest, ChallengeName, ErrorCode, MessageAction, RespondToAuthChallengeRequest,
    UserStatus,
};

use crate::api::common::{
    Harness, JANE, add_client, alias_pool, quickstart, sign_up, staff, staff_request,
};
use crate::support::{PASSWORD, is_uuid_v4};

use super::{
    Answer, Api, NEW_PASSWORD, TEMPORARY, WRONG, assert_challenge_shape, assert_error,
    assert_incorrect, assert_tokens_of, jane, param, signs_in, srp_client, srp_config, srp_request,
    srp_sign_in, start, start_with,
};

#[test]
fn an_unknown_user_under_legacy_is_not_found_at_step_one() {
    let (h, client, _) = jane();
    let srp = SrpClient::new_random().unwrap();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(&h, srp_request(&client, "nobody@example.com", &srp.srp_a())),
            ErrorCode::UserNotFound,
            "User does not exist.",
        );
    }
}

/// A client like [`srp_client`] with `PreventUserExistenceErrors=ENABLED`.
fn preventing_client(h: &Harness) -> String {
    add_client(
        h,
        srp_config("quiet").prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned()
}

#[test]
fn an_unknown_user_under_enabled_gets_a_stable_simulated_challenge_that_never_succeeds() {
    let (h, _, _) = jane();
    let client = preventing_client(&h);
    let ghost = "ghost@example.com";
    let (srp, first) = start(&h, &client, ghost);
    let fake_id = param(&first, "USER_ID_FOR_SRP").to_owned();
    assert!(is_uuid_v4(&fake_id), "{fake_id}");
    assert_challenge_shape(&first, &fake_id);
    let (_, second) = start(&h, &client, ghost);
    assert_challenge_shape(&second, &fake_id);
    assert_eq!(param(&second, "SALT"), param(&first, "SALT"));
    assert_ne!(param(&second, "SRP_B"), param(&first, "SRP_B"));
    // The same through the admin operation.
    let challenge = h
        .pool
        .admin_initiate_auth(srp_request(&client, ghost, &srp.srp_a()))
        .unwrap();
    assert_eq!(param(&challenge, "USER_ID_FOR_SRP"), fake_id);
    assert_eq!(param(&challenge, "SALT"), param(&first, "SALT"));
    // Another name, another identity.
    let (_, other) = start(&h, &client, "phantom@example.com");
    assert_ne!(param(&other, "USER_ID_FOR_SRP"), fake_id);
    assert_ne!(param(&other, "SALT"), param(&first, "SALT"));
    // Step two fails like a wrong password, whatever is answered.
    for (username, password) in [
        (fake_id.as_str(), PASSWORD),
        (ghost, PASSWORD),
        (fake_id.as_str(), WRONG),
    ] {
        let (srp, challenge) = start(&h, &client, ghost);
        let mut answer = Answer::new(&h, &srp, &challenge, password);
        answer.username = username.to_owned();
        assert_incorrect(answer.send(&h, &client));
    }
    assert_incorrect(Answer::new(&h, &srp, &first, PASSWORD).send(&h, &client));
}

#[test]
fn a_case_insensitive_pool_simulates_one_identity_per_folded_name() {
    let h = staff(false);
    let client = preventing_client(&h);
    let (_, lower) = start(&h, &client, "ghost");
    let (_, upper) = start(&h, &client, "GHOST");
    assert_eq!(param(&lower, "USER_ID_FOR_SRP"), "ghost");
    assert_eq!(param(&upper, "USER_ID_FOR_SRP"), "ghost");
    assert_eq!(param(&lower, "SALT"), param(&upper, "SALT"));
    // In a case-sensitive pool they are two names.
    let (h, _, _) = jane();
    let client = preventing_client(&h);
    let (_, lower) = start(&h, &client, "ghost@example.com");
    let (_, upper) = start(&h, &client, "GHOST@example.com");
    assert_ne!(
        param(&lower, "USER_ID_FOR_SRP"),
        param(&upper, "USER_ID_FOR_SRP")
    );
}

#[test]
fn in_a_username_pool_an_unknown_name_comes_back_as_typed_like_a_real_one() {
    // Cognito answers a UUID for every unknown name, and the username for
    // a real user: in a pool where people sign in by username that alone
    // tells who exists. Here both come back as typed.
    let h = staff(true);
    let quiet = preventing_client(&h);
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    h.pool.admin_confirm_sign_up("alice").unwrap();
    let (srp, real) = start(&h, &quiet, "alice");
    let ghost = start_with(&h, &quiet, "ghost", &srp);
    assert_challenge_shape(&real, "alice");
    assert_challenge_shape(&ghost, "ghost");
    assert_eq!(
        param(&real, "SECRET_BLOCK").len(),
        param(&ghost, "SECRET_BLOCK").len(),
        "real and simulated SECRET_BLOCKs differ in length"
    );
    // A name shaped like an alias the pool accepts resolves to another
    // username, so it gets a UUID.
    let h = alias_pool();
    let quiet = preventing_client(&h);
    let (_, ghost) = start(&h, &quiet, "ghost@example.com");
    assert!(is_uuid_v4(param(&ghost, "USER_ID_FOR_SRP")));
    let (_, plain) = start(&h, &quiet, "ghost");
    assert_eq!(param(&plain, "USER_ID_FOR_SRP"), "ghost");
}

#[test]
fn an_unknown_users_secret_block_is_as_long_as_a_real_users() {
    // In an email-as-username pool USER_ID_FOR_SRP is a UUID for both, so
    // nothing in the challenge may tell a real user from an unknown one:
    // the sealed block must not be shorter for the simulated challenge.
    let (h, _, _) = jane();
    let client = preventing_client(&h);
    let (srp, real) = start(&h, &client, JANE);
    let fake = start_with(&h, &client, "ghost@example.com", &srp);
    assert_eq!(
        param(&real, "USER_ID_FOR_SRP").len(),
        param(&fake, "USER_ID_FOR_SRP").len()
    );
    assert_eq!(
        param(&real, "SECRET_BLOCK").len(),
        param(&fake, "SECRET_BLOCK").len(),
        "real and simulated SECRET_BLOCKs differ in length"
    );
}

#[test]
fn an_unconfirmed_user_is_refused_at_step_one_under_legacy() {
    let h = quickstart();
    let client = srp_client(&h);
    sign_up(&h, JANE);
    let srp = SrpClient::new_random().unwrap();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(&h, srp_request(&client, JANE, &srp.srp_a())),
            ErrorCode::UserNotConfirmed,
            "User is not confirmed.",
        );
    }
}

#[test]
fn under_enabled_an_unconfirmed_user_is_told_so_only_after_a_correct_proof() {
    let h = quickstart();
    let quiet = preventing_client(&h);
    sign_up(&h, JANE);
    // A wrong proof reads as for anyone else.
    let (srp, challenge) = start(&h, &quiet, JANE);
    assert_incorrect(Answer::new(&h, &srp, &challenge, WRONG).send(&h, &quiet));
    for api in [Api::Public, Api::Admin] {
        let (srp, challenge) = start(&h, &quiet, JANE);
        let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        assert_error(
            api.respond(&h, answer.request(&quiet)),
            ErrorCode::UserNotConfirmed,
            "User is not confirmed.",
        );
    }
}

#[test]
fn a_disabled_user_is_refused_only_after_a_correct_proof() {
    let (h, client, sub) = jane();
    h.pool.admin_disable_user(JANE).unwrap();
    let (srp, challenge) = start(&h, &client, JANE);
    assert_challenge_shape(&challenge, &sub);
    let wrong = Answer::new(&h, &srp, &challenge, WRONG);
    assert_incorrect(wrong.send(&h, &client));
    for api in [Api::Public, Api::Admin] {
        let (srp, challenge) = start(&h, &client, JANE);
        let answer = Answer::new(&h, &srp, &challenge, PASSWORD);
        assert_error(
            api.respond(&h, answer.request(&client)),
            ErrorCode::NotAuthorized,
            "User is disabled.",
        );
    }
    h.pool.admin_enable_user(JANE).unwrap();
    assert!(signs_in(&h, &client, JANE, PASSWORD));
}

/// A staff pool with an SRP client and `alice` invited with [`TEMPORARY`].
fn invited() -> (Harness, String) {
    let h = staff(true);
    let client = srp_client(&h);
    let mut request = AdminCreateUserRequest::new("alice")
        .attribute("given_name", "Al")
        .attribute("email", "alice@example.com");
    request.temporary_password = Some(TEMPORARY.into());
    request.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(request).unwrap();
    (h, client)
}

#[test]
fn an_admin_created_user_proves_the_temporary_password_then_sets_a_new_one() {
    let (h, client) = invited();
    let sub = h.user("alice").attribute("sub").unwrap().to_owned();
    for api in [Api::Public, Api::Admin] {
        let (srp, challenge) = start(&h, &client, "alice");
        assert_challenge_shape(&challenge, "alice");
        let answer = Answer::new(&h, &srp, &challenge, TEMPORARY);
        let next = api.respond(&h, answer.request(&client)).unwrap();
        assert_eq!(
            next.challenge_name,
            Some(ChallengeName::NewPasswordRequired)
        );
        assert!(next.session.as_ref().is_some_and(|s| !s.is_empty()));
        assert!(next.authentication_result.is_none());
        let keys: Vec<&str> = next
            .challenge_parameters
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["USER_ID_FOR_SRP", "requiredAttributes", "userAttributes"]
        );
        assert_eq!(param(&next, "USER_ID_FOR_SRP"), "alice");
        assert_eq!(param(&next, "requiredAttributes"), "[]");
        let attributes: serde_json::Value =
            serde_json::from_str(param(&next, "userAttributes")).unwrap();
        assert_eq!(attributes["given_name"], "Al");
    }
    // A wrong temporary password is simply incorrect.
    assert_incorrect(srp_sign_in(&h, &client, "alice", WRONG));
    // Answer the new-password challenge of a fresh SRP proof.
    let (srp, challenge) = start(&h, &client, "alice");
    let next = Answer::new(&h, &srp, &challenge, TEMPORARY)
        .send(&h, &client)
        .unwrap();
    let response = h
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &client,
                ChallengeName::NewPasswordRequired,
                next.session.clone(),
            )
            .response("USERNAME", "alice")
            .response("NEW_PASSWORD", NEW_PASSWORD),
        )
        .unwrap();
    assert_tokens_of(&response, &client, "alice", &sub);
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
    // SRP now knows the new password, and only it.
    assert!(signs_in(&h, &client, "alice", NEW_PASSWORD));
    assert!(!signs_in(&h, &client, "alice", TEMPORARY));
}

#[test]
fn an_expired_temporary_password_is_refused_after_a_correct_proof() {
    let (h, client) = invited();
    h.clock.advance(Duration::from_secs(8 * 86_400));
    let (srp, challenge) = start(&h, &client, "alice");
    assert_error(
        Answer::new(&h, &srp, &challenge, TEMPORARY).send(&h, &client),
        ErrorCode::NotAuthorized,
        "Temporary password has expired and must be reset by an administrator.",
    );
}

#[test]
fn a_reset_required_user_is_refused_at_step_one() {
    let (h, client, _) = jane();
    h.pool.admin_reset_user_password(JANE).unwrap();
    let srp = SrpClient::new_random().unwrap();
    for api in [Api::Public, Api::Admin] {
        assert_error(
            api.initiate(&h, srp_request(&client, JANE, &srp.srp_a())),
            ErrorCode::PasswordResetRequired,
            "Password reset required for the user",
        );
    }
    // Under ENABLED it looks like any user, and the old password fails.
    let quiet = preventing_client(&h);
    assert!(!signs_in(&h, &quiet, JANE, PASSWORD));
}
