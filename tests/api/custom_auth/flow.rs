//! The Define/Create/Verify loop, the challenge the client sees and the answer.

use super::*;

// ---------------------------------------------------------------------------
// §7.3: passwordless, right answer
// ---------------------------------------------------------------------------

#[test]
fn passwordless_right_answer_runs_define_create_verify_define_and_issues_tokens() {
    let w = world();
    let start_meta = map(&[("from", "initiate")]);
    let respond_meta = map(&[("from", "respond")]);
    let first = w
        .initiate(start(&w.client, JANE).client_metadata(start_meta.clone()))
        .unwrap();
    assert_eq!(first.challenge_name, Some(ChallengeName::CustomChallenge));
    let done = w
        .respond(answer(&w.client, &first, &w.jane, "code-0").client_metadata(respond_meta.clone()))
        .unwrap();
    assert_jane_tokens(&w, &done);
    assert_eq!(
        w.hooks.sources(),
        sequence(&[
            "PreAuthentication_Authentication",
            "DefineAuthChallenge_Authentication",
            "CreateAuthChallenge_Authentication",
            "VerifyAuthChallengeResponse_Authentication",
            "DefineAuthChallenge_Authentication",
        ])
    );
    // PreAuthentication: once, with the InitiateAuth metadata as validationData.
    let pre = w.hooks.pre_authentications();
    assert_eq!(pre[0].request.validation_data, Some(start_meta.clone()));
    assert_eq!(pre[0].request.user_not_found, None);
    assert_eq!(pre[0].user_name, w.jane);
    let defines = w.hooks.defines();
    // Define([]) without InitiateAuth's metadata, then Define with one merged entry.
    assert_eq!(defines[0].request.session, vec![]);
    assert_eq!(defines[0].request.client_metadata, None);
    assert_eq!(
        defines[1].request.session,
        vec![entry("CUSTOM_CHALLENGE", true, Some("CODE-0"))]
    );
    assert_eq!(
        defines[1].request.client_metadata,
        Some(respond_meta.clone())
    );
    let creates = w.hooks.creates();
    assert_eq!(creates[0].request.session, vec![]);
    assert_eq!(creates[0].request.challenge_name, "CUSTOM_CHALLENGE");
    assert_eq!(creates[0].request.client_metadata, None);
    let verify = &w.hooks.verifies()[0];
    assert_eq!(verify.request.challenge_answer, "code-0");
    assert_eq!(
        verify.request.private_challenge_parameters,
        map(&[("answer", "code-0")])
    );
    assert_eq!(verify.request.client_metadata, Some(respond_meta));
    for e in w.hooks.seen() {
        let (name, client, attrs, not_found) = match &e {
            Seen::Finish(_) => continue,
            Seen::PreAuthentication(e) => (
                &e.user_name,
                &e.caller_context.client_id,
                &e.request.user_attributes,
                e.request.user_not_found,
            ),
            Seen::Define(e) => (
                &e.user_name,
                &e.caller_context.client_id,
                &e.request.user_attributes,
                e.request.user_not_found,
            ),
            Seen::Create(e) => (
                &e.user_name,
                &e.caller_context.client_id,
                &e.request.user_attributes,
                e.request.user_not_found,
            ),
            Seen::Verify(e) => (
                &e.user_name,
                &e.caller_context.client_id,
                &e.request.user_attributes,
                e.request.user_not_found,
            ),
        };
        assert_eq!(name, &w.jane);
        assert_eq!(client, &w.client);
        assert_eq!(attrs.get("email").map(String::as_str), Some(JANE));
        assert_eq!(attrs.get("sub"), Some(&w.jane));
        assert_eq!(
            attrs.get("cognito:user_status").map(String::as_str),
            Some("CONFIRMED")
        );
        // LEGACY client: userNotFound is not sent.
        assert_eq!(not_found, None);
        // InitiateAuth metadata reaches only PreAuthentication.
        if !matches!(e, Seen::PreAuthentication(_)) {
            let meta = match &e {
                Seen::Define(e) => e.request.client_metadata.clone(),
                Seen::Create(e) => e.request.client_metadata.clone(),
                Seen::Verify(e) => e.request.client_metadata.clone(),
                Seen::PreAuthentication(_) | Seen::Finish(_) => None,
            };
            assert_ne!(meta, Some(start_meta.clone()));
        }
    }
}

#[test]
fn the_admin_operations_run_the_same_flow() {
    let w = world();
    let first =
        w.h.pool
            .admin_initiate_auth(start(&w.client, JANE))
            .unwrap();
    assert_eq!(first.challenge_name, Some(ChallengeName::CustomChallenge));
    let done =
        w.h.pool
            .admin_respond_to_auth_challenge(RespondToAuthChallengeRequest::custom_challenge(
                &w.client,
                first.session.clone().unwrap(),
                JANE,
                "code-0",
            ))
            .unwrap();
    assert_jane_tokens(&w, &done);
}

// ---------------------------------------------------------------------------
// §7.3: wrong then right; the old session is refused
// ---------------------------------------------------------------------------

#[test]
fn a_wrong_answer_gets_a_new_challenge_and_the_old_session_is_used_up() {
    let w = world();
    let first = w.challenge();
    let second = w
        .respond(answer(&w.client, &first, &w.jane, "nope"))
        .unwrap();
    assert_eq!(second.challenge_name, Some(ChallengeName::CustomChallenge));
    assert!(second.session.is_some());
    assert_ne!(second.session, first.session);
    assert_error(
        w.respond(answer(&w.client, &first, &w.jane, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session can only be used once.",
    );
    // Create ran again, seeing the failed round.
    let creates = w.hooks.creates();
    assert_eq!(
        creates[1].request.session,
        vec![entry("CUSTOM_CHALLENGE", false, Some("CODE-0"))]
    );
    let done = w
        .respond(answer(&w.client, &second, &w.jane, "code-1"))
        .unwrap();
    assert_jane_tokens(&w, &done);
    let last = w.hooks.defines().pop().unwrap();
    assert_eq!(
        last.request.session,
        vec![
            entry("CUSTOM_CHALLENGE", false, Some("CODE-0")),
            entry("CUSTOM_CHALLENGE", true, Some("CODE-1")),
        ]
    );
    // The session of a finished sign-in cannot be replayed either.
    assert_error(
        w.respond(answer(&w.client, &second, &w.jane, "code-1")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session can only be used once.",
    );
}

// ---------------------------------------------------------------------------
// §7.3: failAuthentication, precedence, unusable decisions
// ---------------------------------------------------------------------------

#[test]
fn fail_authentication_is_incorrect_username_or_password() {
    let w = world();
    let mut r = w.challenge();
    for round in 0..2 {
        r = w.respond(answer(&w.client, &r, &w.jane, "nope")).unwrap();
        assert_eq!(
            r.challenge_name,
            Some(ChallengeName::CustomChallenge),
            "{round}"
        );
    }
    assert_error(
        w.respond(answer(&w.client, &r, &w.jane, "nope")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert_eq!(w.hooks.defines().last().unwrap().request.session.len(), 3);
}

#[test]
fn fail_wins_over_issue_which_wins_over_a_challenge() {
    let w = world_with(
        Script::standard().with_define(|_| decision(Some("CUSTOM_CHALLENGE"), true, true)),
    );
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    // issueTokens on the very first call, with a challenge named too: tokens.
    let w = world_with(
        Script::standard().with_define(|_| decision(Some("CUSTOM_CHALLENGE"), true, false)),
    );
    let r = w.initiate(start(&w.client, JANE)).unwrap();
    assert_jane_tokens(&w, &r);
    assert!(w.hooks.creates().is_empty());
}

#[test]
fn a_decision_the_pool_cannot_act_on_is_unrecognizable_lambda_output() {
    for name in [
        None,
        Some("PASSWORD_VERIFIER"),
        Some("SMS_MFA"),
        Some("custom_challenge"),
    ] {
        let w = world_with(Script::standard().with_define(move |_| decision(name, false, false)));
        assert_error(
            w.initiate(start(&w.client, JANE)),
            ErrorCode::InvalidLambdaResponse,
            "Unrecognizable lambda output",
        );
        assert!(w.hooks.creates().is_empty(), "{name:?}");
    }
}

// ---------------------------------------------------------------------------
// §7.3: no Define configured; ALLOW_CUSTOM_AUTH
// ---------------------------------------------------------------------------

#[test]
fn without_define_custom_auth_is_refused_before_anything() {
    let w = world_with(Script::standard().without(Trigger::DefineAuthChallenge));
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::InvalidParameter,
        NOT_CONFIGURED,
    );
    assert_error(
        w.initiate(start(&w.client, "nobody@example.com")),
        ErrorCode::InvalidParameter,
        NOT_CONFIGURED,
    );
    assert!(w.hooks.seen().is_empty());
}

#[test]
fn without_create_or_verify_a_challenge_is_refused_the_same_way() {
    for missing in [
        Trigger::CreateAuthChallenge,
        Trigger::VerifyAuthChallengeResponse,
    ] {
        let w = world_with(Script::standard().without(missing));
        assert_error(
            w.initiate(start(&w.client, JANE)),
            ErrorCode::InvalidParameter,
            NOT_CONFIGURED,
        );
    }
}

#[test]
fn a_client_without_allow_custom_auth_is_refused() {
    let w = world();
    let other = add_client(
        &w.h,
        AppClientConfig::builder("no-custom").explicit_auth_flows([AuthFlow::UserSrpAuth]),
    )
    .id()
    .to_owned();
    assert_error(
        w.initiate(start(&other, JANE)),
        ErrorCode::InvalidParameter,
        "CUSTOM_AUTH is not enabled for the client.",
    );
    assert!(w.hooks.seen().is_empty());
}

// ---------------------------------------------------------------------------
// §7.3: public parameters; private ones stay in the pool
// ---------------------------------------------------------------------------

#[test]
fn the_client_gets_public_parameters_and_the_internal_username_only() {
    const SECRET: &str = "private-answer-7f3a";
    let mut script = Script::standard();
    script.create = Box::new(|_| {
        let mut out = CreateAuthChallengeResponse::default();
        out.public_challenge_parameters =
            map(&[("hint", "look at your phone"), ("USERNAME", "forged")]);
        out.private_challenge_parameters = map(&[("answer", SECRET)]);
        out.challenge_metadata = Some("META-SECRET".into());
        out
    });
    let w = world_with(script);
    let r = w.challenge();
    let expected: BTreeMap<String, String> =
        map(&[("hint", "look at your phone"), ("USERNAME", &w.jane)]);
    assert_eq!(r.challenge_parameters, expected);
    assert!(r.authentication_result.is_none());
    let session = r.session.clone().unwrap();
    assert!((20..=2048).contains(&session.len()));
    assert!(!session.contains(SECRET) && !session.contains("META-SECRET"));
    assert!(!format!("{r:?}").contains(SECRET));
    // The private parameters reach Verify all the same.
    let done = w.respond(answer(&w.client, &r, JANE, SECRET)).unwrap();
    assert_jane_tokens(&w, &done);
    assert_eq!(
        w.hooks.defines().last().unwrap().request.session,
        vec![entry("CUSTOM_CHALLENGE", true, Some("META-SECRET"))]
    );
}

#[test]
fn private_parameters_too_large_for_a_session_are_refused() {
    let mut script = Script::standard();
    script.create = Box::new(|_| {
        let mut out = CreateAuthChallengeResponse::default();
        out.private_challenge_parameters = map(&[("blob", &"x".repeat(1600))]);
        out
    });
    let w = world_with(script);
    let e = refused(w.initiate(start(&w.client, JANE)));
    assert_eq!(e.code(), ErrorCode::InvalidLambdaResponse);
    assert!(
        e.message().contains("2048-character Session"),
        "{}",
        e.message()
    );
    // A realistic signed link (1 KB) fits.
    let mut script = Script::standard();
    script.create = Box::new(|_| {
        let mut out = CreateAuthChallengeResponse::default();
        out.private_challenge_parameters = map(&[("link", &"y".repeat(1000))]);
        out.challenge_metadata = Some("MAGIC_LINK".into());
        out
    });
    let w = world_with(script);
    let r = w.challenge();
    assert!(r.session.unwrap().len() <= 2048);
}

// ---------------------------------------------------------------------------
// The answer: USERNAME, ANSWER, SECRET_HASH
// ---------------------------------------------------------------------------

#[test]
fn the_answer_must_name_the_sessions_user_and_carry_an_answer() {
    let w = world();
    confirmed(&w.h, "bob@example.com");
    let r = w.challenge();
    assert_error(
        w.respond(answer(&w.client, &r, "bob@example.com", "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
    let no_answer = RespondToAuthChallengeRequest::new(
        &w.client,
        ChallengeName::CustomChallenge,
        r.session.clone(),
    )
    .response("USERNAME", JANE);
    assert_error(
        w.respond(no_answer),
        ErrorCode::InvalidParameter,
        "Missing required parameter ANSWER",
    );
    assert_error(
        w.respond(answer(&w.client, &AuthResponse::default(), JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
    let mut garbage = AuthResponse::default();
    garbage.session = Some("A".repeat(200));
    assert_error(
        w.respond(answer(&w.client, &garbage, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
    // None of those used the session up: the alias answers it.
    let done = w.respond(answer(&w.client, &r, JANE, "code-0")).unwrap();
    assert_jane_tokens(&w, &done);
}

#[test]
fn a_session_is_bound_to_its_client() {
    let w = world();
    let other = custom_client(&w.h, PreventUserExistenceErrors::Legacy);
    let r = w.challenge();
    assert_error(
        w.respond(answer(&other, &r, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user.",
    );
}

#[test]
fn a_client_with_a_secret_needs_the_secret_hash() {
    let w = world();
    let app = add_client(
        &w.h,
        AppClientConfig::builder("confidential")
            .explicit_auth_flows(FLOWS)
            .generate_secret(true),
    );
    assert_error(
        w.initiate(start(app.id(), JANE)),
        ErrorCode::NotAuthorized,
        &format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            app.id()
        ),
    );
    assert!(w.hooks.seen().is_empty());
    let secret = app.secret().unwrap();
    let r = w
        .initiate(start(app.id(), JANE).secret_hash(secret_hash(secret, JANE, app.id())))
        .unwrap();
    // The answer's hash covers the USERNAME it sends.
    let unhashed = answer(app.id(), &r, &w.jane, "code-0");
    assert_error(
        w.respond(unhashed),
        ErrorCode::NotAuthorized,
        &format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            app.id()
        ),
    );
    let done = w
        .respond(
            answer(app.id(), &r, &w.jane, "code-0").secret_hash(secret_hash(
                secret,
                &w.jane,
                app.id(),
            )),
        )
        .unwrap();
    assert!(done.authentication_result.is_some());
}

// ---------------------------------------------------------------------------
// §7.3: a one-time code
// ---------------------------------------------------------------------------

#[test]
fn a_one_time_code_flow_signs_in_with_the_code_and_refuses_a_wrong_one() {
    // Create draws a random code, "sends" it (the test reads the outbox of
    // the script), and keeps it in the private parameters; Verify compares.
    let sent: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let outbox = Arc::clone(&sent);
    let mut script = Script::standard();
    script.create = Box::new(move |_| {
        let code = format!("{:06}", rand_code());
        outbox.lock().unwrap().push(code.clone());
        let mut out = CreateAuthChallengeResponse::default();
        out.public_challenge_parameters = map(&[("delivery", "EMAIL")]);
        out.private_challenge_parameters = map(&[("code", &code)]);
        out.challenge_metadata = Some("OTP".into());
        out
    });
    script.verify =
        Box::new(|r| r.private_challenge_parameters.get("code") == Some(&r.challenge_answer));
    let w = world_with(script);
    let first = w.challenge();
    let code = sent.lock().unwrap()[0].clone();
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let second = w.respond(answer(&w.client, &first, JANE, &wrong)).unwrap();
    assert_eq!(second.challenge_name, Some(ChallengeName::CustomChallenge));
    // A new code for the new round; the old one no longer works.
    let fresh = sent.lock().unwrap()[1].clone();
    if fresh != code {
        let third = w.respond(answer(&w.client, &second, JANE, &code)).unwrap();
        assert_eq!(third.challenge_name, Some(ChallengeName::CustomChallenge));
        let code3 = sent.lock().unwrap()[2].clone();
        assert_jane_tokens(
            &w,
            &w.respond(answer(&w.client, &third, JANE, &code3)).unwrap(),
        );
    } else {
        assert_jane_tokens(
            &w,
            &w.respond(answer(&w.client, &second, JANE, &fresh)).unwrap(),
        );
    }
    assert_eq!(
        w.hooks.defines().last().unwrap().request.session.last(),
        Some(&entry("CUSTOM_CHALLENGE", true, Some("OTP")))
    );
}

/// A random number below 1 000 000, from the process's hasher seeds.
fn rand_code() -> u32 {
    use std::hash::{BuildHasher, RandomState};
    (RandomState::new().hash_one(0u8) % 1_000_000) as u32
}

#[test]
fn custom_auth_start_parameters_are_checked() {
    let w = world();
    assert_error(
        w.initiate(InitiateAuthRequest::new(AuthFlow::CustomAuth, &w.client)),
        ErrorCode::InvalidParameter,
        "Missing required parameter USERNAME",
    );
    assert_error(
        w.initiate(start(&w.client, JANE).param("CHALLENGE_NAME", "SRP_A")),
        ErrorCode::InvalidParameter,
        "Missing required parameter SRP_A",
    );
    assert_error(
        w.initiate(start(&w.client, JANE).param("CHALLENGE_NAME", "PASSWORD")),
        ErrorCode::InvalidParameter,
        "CHALLENGE_NAME PASSWORD cannot start CUSTOM_AUTH; only SRP_A can.",
    );
    let e = refused(w.initiate(start(&w.client, JANE).param("SRP_A", "0")));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert!(w.hooks.seen().is_empty());
}

#[test]
fn a_challenge_name_the_session_does_not_expect_is_an_invalid_parameter() {
    let w = world();
    let r = w.challenge();
    let mut wrong = answer(&w.client, &r, JANE, "code-0");
    wrong.challenge_name = ChallengeName::PasswordVerifier;
    let wrong = wrong
        .response("PASSWORD_CLAIM_SECRET_BLOCK", "AAAA")
        .response("PASSWORD_CLAIM_SIGNATURE", "AAAA")
        .response("TIMESTAMP", "Mon Dec 7 20:00:00 UTC 2026");
    assert_error(
        w.respond(wrong),
        ErrorCode::InvalidParameter,
        "The session expects an answer to CUSTOM_CHALLENGE, not to PASSWORD_VERIFIER.",
    );
    let npr = RespondToAuthChallengeRequest::new_password(
        &w.client,
        r.session.clone().unwrap(),
        JANE,
        "N3w-Passw0rd!",
    );
    assert_error(
        w.respond(npr),
        ErrorCode::InvalidParameter,
        "The session expects an answer to CUSTOM_CHALLENGE, not to NEW_PASSWORD_REQUIRED.",
    );
    assert!(w.hooks.verifies().is_empty());
    // Neither used the session up.
    assert_jane_tokens(
        &w,
        &w.respond(answer(&w.client, &r, JANE, "code-0")).unwrap(),
    );
}
