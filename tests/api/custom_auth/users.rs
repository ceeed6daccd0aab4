//! Unknown, disabled, unconfirmed and temporary-password users; throwing triggers.

use super::*;

// ---------------------------------------------------------------------------
// §7.3: unknown users and the user's state
// ---------------------------------------------------------------------------

#[test]
fn an_unknown_user_under_legacy_is_user_not_found_and_no_trigger_runs() {
    let w = world();
    assert_error(
        w.initiate(start(&w.client, "nobody@example.com")),
        ErrorCode::UserNotFound,
        "User does not exist.",
    );
    assert!(w.hooks.seen().is_empty());
}

#[test]
fn an_unknown_user_under_enabled_runs_the_triggers_and_never_gets_tokens() {
    // Define issues tokens as soon as an answer is "right": still no tokens.
    let w = world();
    let client = custom_client(&w.h, PreventUserExistenceErrors::Enabled);
    let ghost = "Nobody@Example.com";
    let r = w.initiate(start(&client, ghost)).unwrap();
    assert_eq!(r.challenge_name, Some(ChallengeName::CustomChallenge));
    let shown = r.challenge_parameters["USERNAME"].clone();
    assert!(crate::support::is_uuid_v4(&shown), "{shown}");
    // The same id every time for the same name.
    let again = w.initiate(start(&client, ghost)).unwrap();
    assert_eq!(again.challenge_parameters["USERNAME"], shown);
    assert_error(
        w.respond(answer(&client, &r, &shown, "code-0")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    for e in w.hooks.seen() {
        let (attrs, not_found, name) = match &e {
            Seen::Finish(_) => panic!("an unknown user reached the tokens"),
            Seen::PreAuthentication(e) => (
                &e.request.user_attributes,
                e.request.user_not_found,
                &e.user_name,
            ),
            Seen::Define(e) => (
                &e.request.user_attributes,
                e.request.user_not_found,
                &e.user_name,
            ),
            Seen::Create(e) => (
                &e.request.user_attributes,
                e.request.user_not_found,
                &e.user_name,
            ),
            Seen::Verify(e) => (
                &e.request.user_attributes,
                e.request.user_not_found,
                &e.user_name,
            ),
        };
        assert!(attrs.is_empty());
        assert_eq!(not_found, Some(true));
        assert_eq!(
            name, ghost,
            "the name as typed (the pool is case-sensitive)"
        );
    }
    assert_eq!(
        w.hooks.sources()[..5],
        [
            "PreAuthentication_Authentication",
            "DefineAuthChallenge_Authentication",
            "CreateAuthChallenge_Authentication",
            "PreAuthentication_Authentication",
            "DefineAuthChallenge_Authentication",
        ]
    );
    // The typed name answers too; a known user's name does not.
    assert_error(
        w.respond(answer(&client, &again, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
    assert_error(
        w.respond(answer(&client, &again, ghost, "code-0")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    // A known user through the same client sees userNotFound: false.
    w.hooks.clear();
    w.initiate(start(&client, JANE)).unwrap();
    assert_eq!(w.hooks.defines()[0].request.user_not_found, Some(false));
}

#[test]
fn under_enabled_a_session_is_as_long_for_a_name_no_user_has_as_for_a_user() {
    let w = world();
    let client = custom_client(&w.h, PreventUserExistenceErrors::Enabled);
    // Names of the same length: one is Jane's, the other nobody's.
    let ghost = "john.roe@example.com";
    assert_eq!(ghost.len(), JANE.len());
    let real = w.initiate(start(&client, JANE)).unwrap();
    let fake = w.initiate(start(&client, ghost)).unwrap();
    let len = |r: &AuthResponse| r.session.as_deref().unwrap().len();
    assert_eq!(len(&real), len(&fake));
    // And after a (wrong) round, too.
    let real = w
        .respond(answer(
            &client,
            &real,
            &real.challenge_parameters["USERNAME"],
            "no",
        ))
        .unwrap();
    let fake = w
        .respond(answer(
            &client,
            &fake,
            &fake.challenge_parameters["USERNAME"],
            "no",
        ))
        .unwrap();
    assert_eq!(len(&real), len(&fake));
}

#[test]
fn an_unknown_name_under_enabled_is_locked_out_by_wrong_answers() {
    let w = world_with(Script::standard().with_define(|_| challenge()));
    let client = custom_client(&w.h, PreventUserExistenceErrors::Enabled);
    let mut r = w.initiate(start(&client, "ghost@example.com")).unwrap();
    for _ in 0..5 {
        r = w
            .respond(answer(&client, &r, "ghost@example.com", "nope"))
            .unwrap();
    }
    assert_error(
        w.respond(answer(&client, &r, "ghost@example.com", "nope")),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    assert_error(
        w.initiate(start(&client, "ghost@example.com")),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
}

#[test]
fn disabled_and_unconfirmed_users_are_refused_before_any_trigger() {
    let w = world();
    w.h.pool.admin_disable_user(JANE).unwrap();
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::NotAuthorized,
        "User is disabled.",
    );
    w.h.pool.admin_enable_user(JANE).unwrap();
    w.h.pool
        .sign_up(crate::api::common::sign_up_request(&w.h, "new@example.com"))
        .unwrap();
    assert_error(
        w.initiate(start(&w.client, "new@example.com")),
        ErrorCode::UserNotConfirmed,
        "User is not confirmed.",
    );
    assert!(w.hooks.seen().is_empty());
}

#[test]
fn a_user_disabled_during_the_flow_gets_no_tokens() {
    let w = world();
    let r = w.challenge();
    w.h.pool.admin_disable_user(JANE).unwrap();
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "User is disabled.",
    );
}

// ---------------------------------------------------------------------------
// FORCE_CHANGE_PASSWORD
// ---------------------------------------------------------------------------

#[test]
fn a_user_with_a_temporary_password_sets_one_after_the_custom_rounds() {
    let w = world();
    w.h.pool
        .admin_create_user(
            userpool::AdminCreateUserRequest::new("temp@example.com")
                .attribute("family_name", "Temp")
                .temporary_password("Temp0rary!")
                .message_action(userpool::MessageAction::Suppress),
        )
        .unwrap();
    let r = w.initiate(start(&w.client, "temp@example.com")).unwrap();
    let sub = r.challenge_parameters["USERNAME"].clone();
    let next = w
        .respond(answer(&w.client, &r, "temp@example.com", "code-0"))
        .unwrap();
    assert_eq!(
        next.challenge_name,
        Some(ChallengeName::NewPasswordRequired)
    );
    let done = w
        .respond(RespondToAuthChallengeRequest::new_password(
            &w.client,
            next.session.clone().unwrap(),
            &sub,
            "N3w-Passw0rd!",
        ))
        .unwrap();
    assert!(done.authentication_result.is_some());
}

// ---------------------------------------------------------------------------
// Failing triggers
// ---------------------------------------------------------------------------

#[test]
fn a_throwing_trigger_fails_the_step_with_its_message() {
    let w = world_with(Script::standard().rejecting(Trigger::PreAuthentication));
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::UserLambdaValidation,
        "PreAuthentication failed with error nope.",
    );
    assert_eq!(w.hooks.sources(), ["PreAuthentication_Authentication"]);
    assert_eq!(
        w.h.record(&w.jane).failed_sign_ins,
        0,
        "a refusal counts nothing"
    );

    let w = world_with(Script::standard().rejecting(Trigger::DefineAuthChallenge));
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::UserLambdaValidation,
        "DefineAuthChallenge failed with error nope.",
    );

    let w = world_with(Script::standard().rejecting(Trigger::CreateAuthChallenge));
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::UserLambdaValidation,
        "CreateAuthChallenge failed with error nope.",
    );

    let w = world_with(Script::standard().rejecting(Trigger::VerifyAuthChallengeResponse));
    let r = w.challenge();
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-0")),
        ErrorCode::UserLambdaValidation,
        "VerifyAuthChallengeResponse failed with error nope.",
    );
    // The session was used up by that answer.
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session can only be used once.",
    );
}
