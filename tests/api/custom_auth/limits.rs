//! Session expiry, the round cap, and wrong answers counted toward lockout.

use super::*;

// ---------------------------------------------------------------------------
// §7.3: expired session
// ---------------------------------------------------------------------------

#[test]
fn a_session_older_than_auth_session_validity_is_expired() {
    let w = world();
    let r = w.challenge();
    w.h.clock.advance(Duration::from_secs(3 * 60));
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-0")),
        ErrorCode::NotAuthorized,
        "Invalid session for the user, session is expired.",
    );
    assert!(w.hooks.verifies().is_empty());
    // Just inside the validity it is answered.
    let w = world();
    let r = w.challenge();
    w.h.clock.advance(Duration::from_secs(3 * 60 - 1));
    assert_jane_tokens(
        &w,
        &w.respond(answer(&w.client, &r, JANE, "code-0")).unwrap(),
    );
}

// ---------------------------------------------------------------------------
// §7.3: round cap
// ---------------------------------------------------------------------------

#[test]
fn ten_custom_rounds_at_most() {
    // Define never stops asking; every answer is right.
    let w = world_with(Script::standard().with_define(|_| challenge()));
    let mut r = w.challenge();
    for round in 1..10 {
        let code = format!("code-{}", round - 1);
        r = w.respond(answer(&w.client, &r, JANE, &code)).unwrap();
        assert_eq!(
            r.challenge_name,
            Some(ChallengeName::CustomChallenge),
            "round {round}"
        );
    }
    assert_eq!(w.hooks.creates().len(), 10);
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-9")),
        ErrorCode::NotAuthorized,
        INCORRECT,
    );
    assert_eq!(w.hooks.creates().len(), 10, "no eleventh challenge");
    assert_eq!(w.hooks.defines().last().unwrap().request.session.len(), 10);
}

// ---------------------------------------------------------------------------
// §7.3 / §3.6: wrong answers count toward lockout
// ---------------------------------------------------------------------------

#[test]
fn wrong_answers_lock_the_user_out_and_a_right_one_resets_the_count() {
    let w = world_with(Script::standard().with_define(|r| match r.session.last() {
        Some(e) if e.challenge_result => decision(None, true, false),
        _ => challenge(),
    }));
    let mut r = w.challenge();
    for n in 1..=5 {
        r = w.respond(answer(&w.client, &r, JANE, "nope")).unwrap();
        assert_eq!(w.h.record(&w.jane).failed_sign_ins, n);
    }
    // The fifth failure locks for one second: the next answer is refused
    // without reaching Verify, and so is a new start.
    let verifies = w.hooks.verifies().len();
    assert_error(
        w.respond(answer(&w.client, &r, JANE, "code-5")),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    assert_eq!(w.hooks.verifies().len(), verifies);
    assert_error(
        w.initiate(start(&w.client, JANE)),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    // Password sign-in is locked by the same counter.
    assert_error(
        w.initiate(InitiateAuthRequest::user_password(
            &w.client, JANE, PASSWORD,
        )),
        ErrorCode::NotAuthorized,
        "Password attempts exceeded",
    );
    w.h.clock.advance(Duration::from_secs(2));
    let r = w.challenge();
    let done = w.respond(answer(&w.client, &r, JANE, "code-0")).unwrap();
    assert_jane_tokens(&w, &done);
    assert_eq!(w.h.record(&w.jane).failed_sign_ins, 0);
}

#[test]
fn fail_authentication_alone_counts_nothing() {
    let w = world_with(Script::standard().with_define(|_| decision(None, false, true)));
    for _ in 0..6 {
        assert_error(
            w.initiate(start(&w.client, JANE)),
            ErrorCode::NotAuthorized,
            INCORRECT,
        );
    }
    assert_eq!(w.h.record(&w.jane).failed_sign_ins, 0);
}
