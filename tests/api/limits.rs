//! The per-user limits every process sharing a store keeps alike (the
//! engine's `pool::windows`): five codes sent per user and purpose per hour
//! (ResendConfirmationCode; ForgotPassword and AdminResetUserPassword
//! together; GetUserAttributeVerificationCode per attribute), fifteen codes
//! compared per user and purpose per hour across re-sent codes, and, under
//! `PreventUserExistenceErrors=ENABLED`, names no user has counted and
//! locked out exactly as users are, so no limit tells them apart
//! (cognito-protocol.md §5.2, §5.3, §7.5, §7.9). Last, codes bound to the
//! `sub` of the user they were issued to.
//!
//! Every answer is compared as `(ErrorCode, message)`.

use std::fmt::Debug;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use userpool::client::{AppClientConfig, AppClientConfigBuilder, AuthFlow};
use userpool::client::{PreventUserExistenceErrors, PreventUserExistenceErrors::Enabled};
use userpool::schema::Attribute;
use userpool::srp::{SrpClient, format_timestamp};
use userpool::store::{CodePurpose, CodeStore, MemoryStore, StoreError};
use userpool::{
    AdminCreateUserRequest, ChallengeName, Clock, Code, ConfirmForgotPasswordRequest,
    ConfirmSignUpRequest, DeliveryMedium, ErrorCode, ForgotPasswordRequest, HashingParams,
    InitiateAuthRequest, ManualClock, MessageAction, Outbox, ResendConfirmationCodeRequest,
    RespondToAuthChallengeRequest, UserPool, UserStatus,
};

use super::common::{
    ATTEMPT_WINDOW, Harness, MAX_ATTEMPTS, MAX_WINDOW_ATTEMPTS, add_client, refused, sign_in,
    staff, staff_request, wrong_code,
};
use crate::support::{PASSWORD, START, shared_keys};

/// Codes sent per user and purpose per hour.
const SENDS_PER_HOUR: usize = 5;
const HOUR: Duration = Duration::from_secs(3600);
const MS: Duration = Duration::from_millis(1);

const NEW: &str = "N3w-password";
const WRONG: &str = "Wrong1234^";
const ALICE_EMAIL: &str = "alice@example.com";
/// A name no user of any pool here has.
const NOBODY: &str = "nobody";

type Answer = (ErrorCode, String);

fn limit() -> Answer {
    (
        ErrorCode::LimitExceeded,
        "Attempt limit exceeded, please try after some time.".to_owned(),
    )
}

fn mismatch() -> Answer {
    (
        ErrorCode::CodeMismatch,
        "Invalid verification code provided, please try again.".to_owned(),
    )
}

fn expired() -> Answer {
    (
        ErrorCode::ExpiredCode,
        "Invalid code provided, please request a code again.".to_owned(),
    )
}

fn incorrect() -> Answer {
    (
        ErrorCode::NotAuthorized,
        "Incorrect username or password.".to_owned(),
    )
}

fn locked() -> Answer {
    (
        ErrorCode::NotAuthorized,
        "Password attempts exceeded".to_owned(),
    )
}

/// The refusal `result` holds as `(code, message)`; panics on success.
fn err<T: Debug>(result: userpool::Result<T>) -> Answer {
    let e = refused(result);
    (e.code(), e.message().to_owned())
}

/// `Ok(())` or the refusal, to compare whole sequences of answers.
fn outcome<T>(result: userpool::Result<T>) -> Result<(), Answer> {
    result
        .map(|_| ())
        .map_err(|e| (e.code(), e.message().to_owned()))
}

/// `n` successes, then `tail`.
fn oks_then(n: usize, tail: &[Answer]) -> Vec<Result<(), Answer>> {
    (0..n)
        .map(|_| Ok(()))
        .chain(tail.iter().cloned().map(Err))
        .collect()
}

/// Every flow the clients here allow.
const FLOWS: [AuthFlow; 3] = [
    AuthFlow::UserSrpAuth,
    AuthFlow::UserPasswordAuth,
    AuthFlow::RefreshTokenAuth,
];

fn client_config(name: &str, prevent: PreventUserExistenceErrors) -> AppClientConfigBuilder {
    AppClientConfig::builder(name)
        .explicit_auth_flows(FLOWS)
        .prevent_user_existence_errors(prevent)
}

/// A case-sensitive staff pool (email auto-verified, no recovery setting)
/// with a `LEGACY` and an `ENABLED` client allowing SRP, created before any
/// user so every password gets a verifier, and alice confirmed with her
/// email verified. The outbox is empty.
struct Pool {
    h: Harness,
    legacy: String,
    quiet: String,
}

fn pool() -> Pool {
    let h = staff(true);
    let legacy = add_client(
        &h,
        client_config("legacy", PreventUserExistenceErrors::Legacy),
    )
    .id()
    .to_owned();
    let quiet = add_client(&h, client_config("quiet", Enabled))
        .id()
        .to_owned();
    confirm_user(&h, "alice", ALICE_EMAIL);
    h.outbox.clear();
    Pool { h, legacy, quiet }
}

/// Signs `username` up to a staff harness and confirms it with its code.
fn confirm_user(h: &Harness, username: &str, email: &str) {
    h.pool.sign_up(staff_request(h, username, email)).unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            username,
            h.code_for(username),
        ))
        .unwrap();
}

fn resend(pool: &UserPool, client: &str, name: &str) -> userpool::Result<()> {
    pool.resend_confirmation_code(ResendConfirmationCodeRequest::new(client, name))
        .map(|_| ())
}

fn forgot(pool: &UserPool, client: &str, name: &str) -> userpool::Result<()> {
    pool.forgot_password(ForgotPasswordRequest::new(client, name))
        .map(|_| ())
}

fn confirm_sign_up(pool: &UserPool, client: &str, name: &str, code: &Code) -> userpool::Result<()> {
    pool.confirm_sign_up(ConfirmSignUpRequest::new(client, name, code.clone()))
}

fn confirm_forgot(
    pool: &UserPool,
    client: &str,
    name: &str,
    code: &Code,
    password: &str,
) -> userpool::Result<()> {
    pool.confirm_forgot_password(ConfirmForgotPasswordRequest::new(
        client,
        name,
        code.clone(),
        password,
    ))
}

fn password_sign_in(h: &Harness, client: &str, name: &str, password: &str) -> userpool::Result<()> {
    h.pool
        .initiate_auth(InitiateAuthRequest::user_password(client, name, password))
        .map(|_| ())
}

/// `USER_SRP_AUTH` then `PASSWORD_VERIFIER` with `password`, both at the
/// pool's current time, answering with the challenge's `USERNAME` as
/// amazon-cognito-identity-js does. Step one must give the challenge, for
/// real and unknown names alike.
fn srp_sign_in(h: &Harness, client: &str, name: &str, password: &str) -> userpool::Result<()> {
    let srp = SrpClient::new_random().unwrap();
    let challenge = h
        .pool
        .initiate_auth(
            InitiateAuthRequest::new(AuthFlow::UserSrpAuth, client)
                .param("USERNAME", name)
                .param("SRP_A", srp.srp_a()),
        )
        .unwrap_or_else(|e| panic!("USER_SRP_AUTH of {name}: {e}"));
    assert_eq!(
        challenge.challenge_name,
        Some(ChallengeName::PasswordVerifier)
    );
    let p = |key: &str| challenge.challenge_parameters[key].clone();
    let timestamp = format_timestamp(h.clock.now());
    let signature = srp
        .process_challenge(
            "ApiTests1",
            &p("USER_ID_FOR_SRP"),
            password.as_bytes(),
            &p("SALT"),
            &p("SRP_B"),
            &p("SECRET_BLOCK"),
            &timestamp,
        )
        .unwrap();
    h.pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(client, ChallengeName::PasswordVerifier, None)
                .response("USERNAME", p("USERNAME"))
                .response("PASSWORD_CLAIM_SECRET_BLOCK", p("SECRET_BLOCK"))
                .response("PASSWORD_CLAIM_SIGNATURE", signature)
                .response("TIMESTAMP", timestamp),
        )
        .map(|_| ())
}

// ----- codes sent: five per user and purpose per hour -----

#[test]
fn resend_confirmation_code_sends_five_codes_an_hour_from_the_first_then_refuses_and_sends_nothing()
{
    let Pool { h, legacy, .. } = pool();
    h.pool
        .sign_up(staff_request(&h, "bob", "bob@example.com"))
        .unwrap();
    assert_eq!(h.outbox.messages().len(), 1, "SignUp's own code");
    // SignUp's code is not counted: five re-sends follow it.
    h.clock.advance(Duration::from_secs(600));
    resend(&h.pool, &legacy, "bob").unwrap();
    h.clock.advance(Duration::from_secs(1200));
    for _ in 1..SENDS_PER_HOUR {
        resend(&h.pool, &legacy, "bob").unwrap();
    }
    assert_eq!(h.outbox.messages().len(), 1 + SENDS_PER_HOUR);
    let newest = h.code_for("bob");
    assert_eq!(err(resend(&h.pool, &legacy, "bob")), limit());
    assert_eq!(
        h.outbox.messages().len(),
        1 + SENDS_PER_HOUR,
        "nothing sent"
    );
    // The window is an hour from its first send, not from the last one.
    h.clock.advance(HOUR - Duration::from_secs(1200) - MS);
    assert_eq!(err(resend(&h.pool, &legacy, "bob")), limit());
    assert_eq!(h.outbox.messages().len(), 1 + SENDS_PER_HOUR);
    h.clock.advance(MS);
    resend(&h.pool, &legacy, "bob").unwrap();
    assert_eq!(h.outbox.messages().len(), 2 + SENDS_PER_HOUR);
    let fresh = h.code_for("bob");
    if fresh.expose_secret() != newest.expose_secret() {
        assert_eq!(
            err(confirm_sign_up(&h.pool, &legacy, "bob", &newest)),
            mismatch()
        );
    }
    confirm_sign_up(&h.pool, &legacy, "bob", &fresh).unwrap();
    assert_eq!(h.user("bob").status, UserStatus::Confirmed);
}

#[test]
fn a_refused_resend_keeps_the_pending_code() {
    let Pool { h, legacy, .. } = pool();
    h.pool
        .sign_up(staff_request(&h, "bob", "bob@example.com"))
        .unwrap();
    for _ in 0..SENDS_PER_HOUR {
        resend(&h.pool, &legacy, "bob").unwrap();
    }
    let newest = h.code_for("bob");
    assert_eq!(err(resend(&h.pool, &legacy, "bob")), limit());
    confirm_sign_up(&h.pool, &legacy, "bob", &newest).unwrap();
    assert_eq!(h.user("bob").status, UserStatus::Confirmed);
}

#[test]
fn forgot_password_and_admin_reset_share_five_reset_codes_an_hour() {
    let Pool { h, legacy, .. } = pool();
    for _ in 0..3 {
        forgot(&h.pool, &legacy, "alice").unwrap();
    }
    for _ in 3..SENDS_PER_HOUR {
        h.pool.admin_reset_user_password("alice").unwrap();
    }
    assert_eq!(h.outbox.messages().len(), SENDS_PER_HOUR);
    assert_eq!(err(forgot(&h.pool, &legacy, "alice")), limit());
    assert_eq!(err(h.pool.admin_reset_user_password("alice")), limit());
    assert_eq!(h.outbox.messages().len(), SENDS_PER_HOUR, "nothing sent");
    let newest = h.code_for("alice");
    h.clock.advance(HOUR - MS);
    assert_eq!(err(forgot(&h.pool, &legacy, "alice")), limit());
    h.clock.advance(MS);
    forgot(&h.pool, &legacy, "alice").unwrap();
    assert_eq!(h.outbox.messages().len(), SENDS_PER_HOUR + 1);
    let fresh = h.code_for("alice");
    if fresh.expose_secret() != newest.expose_secret() {
        assert_eq!(
            err(confirm_forgot(&h.pool, &legacy, "alice", &newest, NEW)),
            mismatch(),
            "the new code replaced the old one"
        );
    }
    confirm_forgot(&h.pool, &legacy, "alice", &fresh, NEW).unwrap();
    sign_in(&h, &legacy, "alice", NEW);
}

#[test]
fn attribute_changes_share_the_verification_window_and_each_purpose_has_its_own() {
    let Pool { h, legacy, .. } = pool();
    let access = sign_in(&h, &legacy, "alice", PASSWORD).access_token;
    // UpdateUserAttributes sends a code for each new email, counted with
    // GetUserAttributeVerificationCode's: past five the change stands and
    // no code goes, or changing an address back and forth would flood it.
    for i in 0..SENDS_PER_HOUR {
        let sent = h
            .pool
            .update_user_attributes(
                &access,
                vec![Attribute::new("email", format!("alice{i}@example.com"))],
            )
            .unwrap();
        assert_eq!(sent.len(), 1, "a code for the new email");
    }
    let sent = h
        .pool
        .update_user_attributes(
            &access,
            vec![Attribute::new("email", "alice-last@example.com")],
        )
        .unwrap();
    assert!(sent.is_empty(), "a sixth code went out: {sent:?}");
    assert_eq!(
        h.user("alice").attribute("email"),
        Some("alice-last@example.com")
    );
    assert_eq!(h.outbox.messages().len(), SENDS_PER_HOUR);
    assert_eq!(
        err(h
            .pool
            .get_user_attribute_verification_code(&access, "email")),
        limit(),
        "the updates spent the email window"
    );
    h.pool
        .update_user_attributes(
            &access,
            vec![Attribute::new("phone_number", "+15555550100")],
        )
        .unwrap();
    let before = h.outbox.messages().len();
    for _ in 0..SENDS_PER_HOUR {
        h.pool
            .get_user_attribute_verification_code(&access, "phone_number")
            .unwrap_or_else(|e| panic!("code for phone_number: {e}"));
    }
    assert_eq!(
        err(h
            .pool
            .get_user_attribute_verification_code(&access, "phone_number")),
        limit()
    );
    assert_eq!(h.outbox.messages().len(), before + SENDS_PER_HOUR);
    // Reset codes are another purpose: five more.
    h.pool
        .admin_update_user_attributes("alice", vec![Attribute::new("email_verified", "true")])
        .unwrap();
    for _ in 0..SENDS_PER_HOUR {
        forgot(&h.pool, &legacy, "alice").unwrap();
    }
    assert_eq!(err(forgot(&h.pool, &legacy, "alice")), limit());
    assert_eq!(h.outbox.messages().len(), before + 2 * SENDS_PER_HOUR);
}

#[test]
fn admin_create_user_invitations_are_not_counted() {
    let h = staff(true);
    let request = AdminCreateUserRequest::new("carol")
        .attribute("given_name", "Carol")
        .attribute("email", "carol@example.com")
        .attribute("email_verified", "true")
        .desired_delivery_mediums([DeliveryMedium::Email]);
    h.pool.admin_create_user(request.clone()).unwrap();
    for _ in 0..=SENDS_PER_HOUR {
        h.pool
            .admin_create_user(request.clone().message_action(MessageAction::Resend))
            .unwrap();
    }
    assert_eq!(h.outbox.messages().len(), SENDS_PER_HOUR + 2);
}

#[test]
fn under_enabled_pretended_resends_count_like_real_ones() {
    let Pool { h, quiet, .. } = pool();
    h.pool
        .sign_up(staff_request(&h, "bob", "bob@example.com"))
        .unwrap();
    h.pool
        .sign_up(staff_request(&h, "carol", "carol@example.com"))
        .unwrap();
    h.pool.admin_disable_user("carol").unwrap();
    h.outbox.clear();
    let expected = oks_then(SENDS_PER_HOUR, &[limit(), limit()]);
    for name in ["bob", NOBODY, "carol"] {
        let answers: Vec<_> = (0..SENDS_PER_HOUR + 2)
            .map(|_| outcome(resend(&h.pool, &quiet, name)))
            .collect();
        assert_eq!(answers, expected, "{name}");
    }
    assert_eq!(
        h.outbox.messages().len(),
        SENDS_PER_HOUR,
        "only bob was sent codes"
    );
    // Names are counted apart: another unknown name has its five.
    for _ in 0..SENDS_PER_HOUR {
        resend(&h.pool, &quiet, "somebody-else").unwrap();
    }
    h.clock.advance(HOUR);
    for name in ["bob", NOBODY, "carol"] {
        resend(&h.pool, &quiet, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(h.outbox.messages().len(), SENDS_PER_HOUR + 1);
}

#[test]
fn under_enabled_pretended_reset_codes_count_like_real_ones() {
    let Pool { h, quiet, .. } = pool();
    confirm_user(&h, "dave", "dave@example.com");
    h.pool.admin_disable_user("dave").unwrap();
    // erin never verified her email: a pretended send too.
    h.pool
        .sign_up(staff_request(&h, "erin", "erin@example.com"))
        .unwrap();
    h.pool.admin_confirm_sign_up("erin").unwrap();
    h.outbox.clear();
    let expected = oks_then(SENDS_PER_HOUR, &[limit(), limit()]);
    for name in ["alice", NOBODY, "dave", "erin"] {
        let answers: Vec<_> = (0..SENDS_PER_HOUR + 2)
            .map(|_| outcome(forgot(&h.pool, &quiet, name)))
            .collect();
        assert_eq!(answers, expected, "{name}");
    }
    assert_eq!(
        h.outbox.messages().len(),
        SENDS_PER_HOUR,
        "only alice was sent codes"
    );
    h.clock.advance(HOUR);
    for name in ["alice", NOBODY, "dave", "erin"] {
        forgot(&h.pool, &quiet, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(h.outbox.messages().len(), SENDS_PER_HOUR + 1);
}

/// Two pools as two processes run them: one id, one secret, one store,
/// one clock, one outbox.
fn two_processes() -> (UserPool, UserPool, ManualClock, Outbox) {
    let store = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(START);
    let outbox = Outbox::new();
    let build = || {
        UserPool::builder(
            userpool::config::PoolConfig::builder("staff")
                .case_sensitive(true)
                .auto_verified_attributes(&[userpool::config::VerifiedAttribute::Email])
                .build()
                .unwrap(),
        )
        .pool_id("us-east-1_ApiTests1")
        .store(store.clone())
        .clock(Arc::new(clock.clone()))
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .secret_key([7; 32])
        .keys(shared_keys())
        .build()
        .unwrap()
    };
    (build(), build(), clock, outbox)
}

#[test]
fn two_pools_over_one_store_share_the_send_and_guess_windows() {
    let (a, b, clock, outbox) = two_processes();
    let legacy = a
        .create_user_pool_client(
            client_config("legacy", PreventUserExistenceErrors::Legacy)
                .build()
                .unwrap(),
        )
        .unwrap()
        .id()
        .to_owned();
    let quiet = a
        .create_user_pool_client(client_config("quiet", Enabled).build().unwrap())
        .unwrap()
        .id()
        .to_owned();
    b.sign_up(
        userpool::SignUpRequest::new(&legacy, "bob", PASSWORD)
            .attribute("email", "bob@example.com"),
    )
    .unwrap();
    // Sends of a user, and pretended sends of an unknown name.
    for (client, name) in [(&legacy, "bob"), (&quiet, NOBODY)] {
        for _ in 0..3 {
            resend(&a, client, name).unwrap();
        }
        for _ in 3..SENDS_PER_HOUR {
            resend(&b, client, name).unwrap();
        }
        assert_eq!(err(resend(&a, client, name)), limit(), "{name} through a");
        assert_eq!(err(resend(&b, client, name)), limit(), "{name} through b");
    }
    assert_eq!(outbox.messages().len(), 1 + SENDS_PER_HOUR);
    // Guesses of an unknown name: eight through a, seven through b.
    for (pool, n) in [(&a, 8), (&b, MAX_WINDOW_ATTEMPTS - 8)] {
        for _ in 0..n {
            let e = err(confirm_sign_up(pool, &quiet, NOBODY, &Code::new("123456")));
            assert_eq!(e, mismatch());
        }
    }
    for pool in [&a, &b] {
        let e = err(confirm_sign_up(pool, &quiet, NOBODY, &Code::new("123456")));
        assert_eq!(e, limit());
    }
    clock.advance(HOUR);
    resend(&b, &legacy, "bob").unwrap();
    let code = outbox.last_code_for("bob").unwrap();
    confirm_sign_up(&a, &legacy, "bob", &code).unwrap();
}

// ----- codes compared: fifteen per user and purpose per hour -----

/// A code wrong in every digit for the newest code sent to `name`, or any
/// code when none was (a name no user has).
fn wrong_for(h: &Harness, name: &str) -> Code {
    h.outbox
        .last_code_for(name)
        .map_or_else(|| Code::new("123456"), |c| wrong_code(&c))
}

#[test]
fn racing_wrong_guesses_and_resends_get_at_most_fifteen_verdicts_an_hour() {
    const GUESSERS: usize = 6;
    const GUESSES_EACH: usize = 6;
    let Pool { h, legacy, .. } = pool();
    h.pool
        .sign_up(staff_request(&h, "bob", "bob@example.com"))
        .unwrap();
    let start = Barrier::new(GUESSERS + 1);
    let (guesses, resends): (Vec<Answer>, Vec<Result<(), Answer>>) = thread::scope(|s| {
        let guessers: Vec<_> = (0..GUESSERS)
            .map(|_| {
                let (h, legacy, start) = (&h, &legacy, &start);
                s.spawn(move || {
                    start.wait();
                    (0..GUESSES_EACH)
                        .map(|_| {
                            // Wrong for the newest code in every digit.
                            let guess = wrong_code(&h.code_for("bob"));
                            err(confirm_sign_up(&h.pool, legacy, "bob", &guess))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let resender = {
            let (h, legacy, start) = (&h, &legacy, &start);
            s.spawn(move || {
                start.wait();
                (0..=SENDS_PER_HOUR)
                    .map(|_| {
                        thread::yield_now();
                        outcome(resend(&h.pool, legacy, "bob"))
                    })
                    .collect::<Vec<_>>()
            })
        };
        (
            guessers
                .into_iter()
                .flat_map(|t| t.join().unwrap())
                .collect(),
            resender.join().unwrap(),
        )
    });
    assert_eq!(resends, oks_then(SENDS_PER_HOUR, &[limit()]));
    assert_eq!(guesses.len(), GUESSERS * GUESSES_EACH);
    for answer in &guesses {
        assert!(
            [mismatch(), expired(), limit()].contains(answer),
            "{answer:?}"
        );
    }
    let verdicts = guesses
        .iter()
        .filter(|a| **a == mismatch() || **a == expired())
        .count();
    assert!(
        verdicts <= MAX_WINDOW_ATTEMPTS as usize,
        "{verdicts} guesses were judged in one hour; the limit is {MAX_WINDOW_ATTEMPTS}"
    );
    // The window is spent: even the right, newest code is refused.
    let newest = h.code_for("bob");
    assert_eq!(
        err(confirm_sign_up(&h.pool, &legacy, "bob", &newest)),
        limit()
    );
    assert_eq!(h.user("bob").status, UserStatus::Unconfirmed);
    h.clock.advance(ATTEMPT_WINDOW);
    resend(&h.pool, &legacy, "bob").unwrap();
    confirm_sign_up(&h.pool, &legacy, "bob", &h.code_for("bob")).unwrap();
}

#[test]
fn under_enabled_unknown_names_guess_like_a_user_in_confirm_sign_up() {
    let Pool { h, quiet, .. } = pool();
    h.pool
        .sign_up(staff_request(&h, "bob", "bob@example.com"))
        .unwrap();
    // The same requests for both names: a code re-sent after every five
    // guesses (pretended for the unknown name), twenty guesses, an hour,
    // one more.
    let run = |name: &str| {
        let mut answers = Vec::new();
        for i in 0..20 {
            if i > 0 && i % MAX_ATTEMPTS == 0 {
                resend(&h.pool, &quiet, name).unwrap();
            }
            let e = err(confirm_sign_up(&h.pool, &quiet, name, &wrong_for(&h, name)));
            answers.push(e);
        }
        answers
    };
    let bob = run("bob");
    let nobody = run(NOBODY);
    let expected: Vec<Answer> = (0..MAX_WINDOW_ATTEMPTS)
        .map(|_| mismatch())
        .chain((0..5).map(|_| limit()))
        .collect();
    assert_eq!(bob, expected, "bob");
    assert_eq!(nobody, bob, "an unknown name answers as a user does");
    assert_eq!(
        err(confirm_sign_up(&h.pool, &quiet, "bob", &h.code_for("bob"))),
        limit(),
        "even the right code"
    );
    h.clock.advance(ATTEMPT_WINDOW);
    for name in ["bob", NOBODY] {
        let e = err(confirm_sign_up(&h.pool, &quiet, name, &wrong_for(&h, name)));
        assert_eq!(e, mismatch(), "{name} after an hour");
    }
    confirm_sign_up(&h.pool, &quiet, "bob", &h.code_for("bob")).unwrap();
}

#[test]
fn under_enabled_unknown_and_disabled_names_guess_like_a_user_in_confirm_forgot_password() {
    let Pool { h, quiet, .. } = pool();
    confirm_user(&h, "dave", "dave@example.com");
    forgot(&h.pool, &quiet, "alice").unwrap();
    forgot(&h.pool, &quiet, "dave").unwrap();
    let alice_code = h.code_for("alice");
    h.pool.admin_disable_user("dave").unwrap();
    let run = |name: &str, code: &Code| -> Vec<Answer> {
        (0..20)
            .map(|_| err(confirm_forgot(&h.pool, &quiet, name, code, NEW)))
            .collect()
    };
    let wrong = wrong_code(&alice_code);
    let alice = run("alice", &wrong);
    let expected: Vec<Answer> = (0..MAX_WINDOW_ATTEMPTS)
        .map(|_| mismatch())
        .chain((0..5).map(|_| limit()))
        .collect();
    assert_eq!(alice, expected, "alice");
    assert_eq!(run(NOBODY, &wrong), alice, "an unknown name");
    assert_eq!(run("dave", &h.code_for("dave")), alice, "a disabled user");
    assert_eq!(
        err(confirm_forgot(&h.pool, &quiet, "alice", &alice_code, NEW)),
        limit()
    );
    assert!(h.has_password("alice", PASSWORD));
    // An hour on, every window is open again (alice's code has expired: a
    // wrong code under ENABLED, as for the others).
    h.clock.advance(ATTEMPT_WINDOW);
    for name in ["alice", NOBODY, "dave"] {
        let e = err(confirm_forgot(&h.pool, &quiet, name, &alice_code, NEW));
        assert_eq!(e, mismatch(), "{name}");
    }
    assert!(h.has_password("alice", PASSWORD));
}

// ----- ConfirmForgotPassword under ENABLED hides the code's state -----

/// Alice's answers through `client` for a reset code in each dead state:
/// none pending, the right code expired, the right code after
/// `MAX_ATTEMPTS` wrong ones. Her password is unchanged after each.
fn dead_code_answers(h: &Harness, client: &str) -> Vec<(ErrorCode, String)> {
    let mut answers = vec![err(confirm_forgot(
        &h.pool,
        client,
        "alice",
        &Code::new("123456"),
        NEW,
    ))];
    forgot(&h.pool, client, "alice").unwrap();
    let first = h.code_for("alice");
    h.clock.advance(HOUR);
    answers.push(err(confirm_forgot(&h.pool, client, "alice", &first, NEW)));
    forgot(&h.pool, client, "alice").unwrap();
    let second = h.code_for("alice");
    for _ in 0..MAX_ATTEMPTS {
        let e = err(confirm_forgot(
            &h.pool,
            client,
            "alice",
            &wrong_code(&second),
            NEW,
        ));
        assert_eq!(e, mismatch());
    }
    answers.push(err(confirm_forgot(&h.pool, client, "alice", &second, NEW)));
    assert!(h.has_password("alice", PASSWORD));
    answers
}

#[test]
fn under_enabled_a_missing_expired_or_exhausted_reset_code_is_a_wrong_code() {
    let Pool { h, quiet, legacy } = pool();
    assert_eq!(dead_code_answers(&h, &quiet), vec![mismatch(); 3]);
    sign_in(&h, &legacy, "alice", PASSWORD);
    // A fresh code still works through the same client.
    forgot(&h.pool, &quiet, "alice").unwrap();
    confirm_forgot(&h.pool, &quiet, "alice", &h.code_for("alice"), NEW).unwrap();
    sign_in(&h, &legacy, "alice", NEW);
}

#[test]
fn under_legacy_a_missing_expired_or_exhausted_reset_code_still_says_so() {
    let Pool { h, legacy, .. } = pool();
    assert_eq!(
        dead_code_answers(&h, &legacy),
        vec![expired(), expired(), limit()]
    );
}

#[test]
fn under_enabled_a_weak_password_is_refused_alike_for_every_name_before_any_guess() {
    let Pool { h, quiet, .. } = pool();
    confirm_user(&h, "dave", "dave@example.com");
    h.pool.admin_disable_user("dave").unwrap();
    forgot(&h.pool, &quiet, "alice").unwrap();
    let code = h.code_for("alice");
    let weak = (
        ErrorCode::InvalidPassword,
        "Password did not conform with policy: Password not long enough".to_owned(),
    );
    for name in ["alice", NOBODY, "dave"] {
        for _ in 0..=MAX_WINDOW_ATTEMPTS {
            assert_eq!(
                err(confirm_forgot(&h.pool, &quiet, name, &code, "weak")),
                weak,
                "{name}"
            );
        }
    }
    // Sixteen refusals counted no guess: the code and the window are whole.
    confirm_forgot(&h.pool, &quiet, "alice", &code, NEW).unwrap();
    assert!(h.has_password("alice", NEW));
    for _ in 0..MAX_WINDOW_ATTEMPTS {
        let e = err(confirm_forgot(&h.pool, &quiet, NOBODY, &code, NEW));
        assert_eq!(e, mismatch());
    }
    assert_eq!(
        err(confirm_forgot(&h.pool, &quiet, NOBODY, &code, NEW)),
        limit()
    );
}

// ----- sign-in lockout of names no user has, under ENABLED -----

#[derive(Clone, Copy, Debug)]
enum Step {
    /// One failed attempt (wrong password) for each name.
    Try,
    /// The clock moves on.
    Wait(Duration),
}

/// Runs `steps` for each name of `names` side by side on one clock,
/// signing in with `sign_in_wrong`; the answers per name.
fn lockout_run(
    h: &Harness,
    names: &[&str],
    steps: &[Step],
    sign_in_wrong: impl Fn(&str) -> userpool::Result<()>,
) -> Vec<Vec<Answer>> {
    let mut answers = vec![Vec::new(); names.len()];
    for step in steps {
        match step {
            Step::Try => {
                for (name, out) in names.iter().zip(&mut answers) {
                    out.push(err(sign_in_wrong(name)));
                }
            }
            Step::Wait(d) => h.clock.advance(*d),
        }
    }
    answers
}

/// Five failures lock for a second, the sixth for two; attempts during a
/// lock are refused and not counted; fifteen idle minutes start afresh.
fn lockout_script() -> (Vec<Step>, Vec<Answer>) {
    use Step::{Try, Wait};
    let s = Duration::from_secs;
    let steps = vec![
        Try,
        Try,
        Try,
        Try,
        Try, // the fifth failure: locked for 1 s
        Try, // refused
        Wait(Duration::from_millis(999)),
        Try, // still refused
        Wait(MS),
        Try, // the sixth failure: locked for 2 s
        Wait(s(1)),
        Try, // refused
        Wait(s(1)),
        Try, // the seventh failure: locked for 4 s
        Wait(s(4) + s(15 * 60)),
        Try,
        Try,
        Try,
        Try, // four fresh failures do not lock
        Try, // the fifth does
        Try, // refused
    ];
    let i = incorrect;
    let l = locked;
    let expected = vec![
        i(),
        i(),
        i(),
        i(),
        i(),
        l(),
        l(),
        i(),
        l(),
        i(),
        i(),
        i(),
        i(),
        i(),
        i(),
        l(),
    ];
    (steps, expected)
}

#[test]
fn under_enabled_an_unknown_name_locks_out_like_a_user_in_the_password_flow() {
    let Pool { h, quiet, legacy } = pool();
    let (steps, expected) = lockout_script();
    let answers = lockout_run(&h, &["alice", NOBODY], &steps, |name| {
        password_sign_in(&h, &quiet, name, WRONG)
    });
    assert_eq!(answers[0], expected, "alice");
    assert_eq!(answers[1], answers[0], "an unknown name");
    // During the lock even the right password is refused; after it, alice
    // signs in, and the unknown name is merely wrong again.
    assert_eq!(
        err(password_sign_in(&h, &quiet, "alice", PASSWORD)),
        locked()
    );
    h.clock.advance(Duration::from_secs(1));
    sign_in(&h, &legacy, "alice", PASSWORD);
    assert_eq!(
        err(password_sign_in(&h, &quiet, NOBODY, PASSWORD)),
        incorrect()
    );
}

#[test]
fn under_enabled_an_unknown_name_locks_out_like_a_user_in_srp() {
    let Pool { h, quiet, .. } = pool();
    let (steps, expected) = lockout_script();
    let answers = lockout_run(&h, &["alice", NOBODY], &steps, |name| {
        srp_sign_in(&h, &quiet, name, WRONG)
    });
    assert_eq!(answers[0], expected, "alice");
    assert_eq!(answers[1], answers[0], "an unknown name");
    assert_eq!(err(srp_sign_in(&h, &quiet, "alice", PASSWORD)), locked());
    h.clock.advance(Duration::from_secs(1));
    srp_sign_in(&h, &quiet, "alice", PASSWORD).unwrap();
    assert_eq!(err(srp_sign_in(&h, &quiet, NOBODY, WRONG)), incorrect());
}

#[test]
fn under_enabled_one_lock_per_name_across_the_password_and_srp_flows() {
    let Pool { h, quiet, .. } = pool();
    for name in ["alice", NOBODY] {
        for _ in 0..3 {
            assert_eq!(err(password_sign_in(&h, &quiet, name, WRONG)), incorrect());
        }
        for _ in 3..5 {
            assert_eq!(err(srp_sign_in(&h, &quiet, name, WRONG)), incorrect());
        }
        assert_eq!(
            err(password_sign_in(&h, &quiet, name, WRONG)),
            locked(),
            "{name}: password flow"
        );
        assert_eq!(
            err(srp_sign_in(&h, &quiet, name, WRONG)),
            locked(),
            "{name}: SRP step two"
        );
    }
    // The lock (1 s from alice's fifth failure, a little later for the
    // unknown name's: the clock has not moved) ends for both.
    h.clock.advance(Duration::from_secs(1));
    for name in ["alice", NOBODY] {
        // The sixth failure, by SRP, locks the password flow for 2 s.
        assert_eq!(err(srp_sign_in(&h, &quiet, name, WRONG)), incorrect());
        assert_eq!(err(password_sign_in(&h, &quiet, name, WRONG)), locked());
    }
    // Another unknown name is not locked by this one's failures.
    assert_eq!(
        err(password_sign_in(&h, &quiet, "somebody-else", WRONG)),
        incorrect()
    );
    h.clock.advance(Duration::from_secs(2));
    srp_sign_in(&h, &quiet, "alice", PASSWORD).unwrap();
    assert_eq!(
        err(password_sign_in(&h, &quiet, NOBODY, WRONG)),
        incorrect()
    );
}

#[test]
fn under_legacy_unknown_names_are_not_found_and_never_locked() {
    let Pool { h, quiet, legacy } = pool();
    // Even once the name is locked under ENABLED.
    for _ in 0..5 {
        assert_eq!(
            err(password_sign_in(&h, &quiet, NOBODY, WRONG)),
            incorrect()
        );
    }
    assert_eq!(err(password_sign_in(&h, &quiet, NOBODY, WRONG)), locked());
    let not_found = (ErrorCode::UserNotFound, "User does not exist.".to_owned());
    for _ in 0..10 {
        assert_eq!(err(password_sign_in(&h, &legacy, NOBODY, WRONG)), not_found);
        let srp = SrpClient::new_random().unwrap();
        let e = err(h.pool.initiate_auth(
            InitiateAuthRequest::new(AuthFlow::UserSrpAuth, &legacy)
                .param("USERNAME", NOBODY)
                .param("SRP_A", srp.srp_a()),
        ));
        assert_eq!(e, not_found);
    }
}

// ----- codes bound to the user's sub -----

#[test]
fn a_reset_code_of_a_deleted_user_does_not_serve_the_next_user_of_the_name() {
    let Pool { h, legacy, quiet } = pool();
    let pool_id = h.pool.id().to_owned();
    let old_sub = h.record("alice").sub().to_owned();
    forgot(&h.pool, &legacy, "alice").unwrap();
    let code = h.code_for("alice");
    let old_record = h
        .store
        .get_code(&pool_id, "alice", CodePurpose::ForgotPassword)
        .unwrap()
        .expect("alice's reset code is stored");
    h.pool.admin_delete_user("alice").unwrap();
    assert_eq!(
        h.store
            .get_code(&pool_id, "alice", CodePurpose::ForgotPassword)
            .unwrap(),
        None,
        "deleting alice removed her code"
    );
    confirm_user(&h, "alice", ALICE_EMAIL);
    let new_sub = h.record("alice").sub().to_owned();
    assert_ne!(new_sub, old_sub);
    // The store refuses a code for the deleted user's sub...
    let refused_put = h.store.put_code(
        &pool_id,
        "alice",
        &old_sub,
        CodePurpose::ForgotPassword,
        &old_record,
    );
    assert!(
        matches!(refused_put, Err(StoreError::NotFound)),
        "{refused_put:?}"
    );
    assert!(
        h.store
            .get_code(&pool_id, "alice", CodePurpose::ForgotPassword)
            .unwrap()
            .is_none(),
        "nothing stored"
    );
    // ...and the old record written for the new alice (the race the store
    // refuses) does not reset her password: the digest binds the old sub.
    h.store
        .put_code(
            &pool_id,
            "alice",
            &new_sub,
            CodePurpose::ForgotPassword,
            &old_record,
        )
        .unwrap();
    assert_eq!(
        err(confirm_forgot(&h.pool, &legacy, "alice", &code, NEW)),
        mismatch()
    );
    assert_eq!(
        err(confirm_forgot(&h.pool, &quiet, "alice", &code, NEW)),
        mismatch()
    );
    assert!(h.has_password("alice", PASSWORD));
    assert!(!h.has_password("alice", NEW));
    // The new alice's own code works.
    forgot(&h.pool, &legacy, "alice").unwrap();
    confirm_forgot(&h.pool, &legacy, "alice", &h.code_for("alice"), NEW).unwrap();
    assert!(h.has_password("alice", NEW));
}

// ----- a refusal changes nothing -----

/// BUG (src/pool/recovery.rs, `UserPool::admin_reset_user_password`): the
/// user is moved to `RESET_REQUIRED` and their password removed by
/// `modify_user` *before* `issue_code` counts the send, so an
/// AdminResetUserPassword refused with `LimitExceededException` has already
/// reset the user: their password stops working, no code is sent, and
/// ForgotPassword is refused for the rest of the hour. A refused request
/// should leave the user as it was.
#[test]
fn a_refused_admin_reset_leaves_the_user_as_it_was() {
    let Pool { h, legacy, .. } = pool();
    for _ in 0..SENDS_PER_HOUR {
        forgot(&h.pool, &legacy, "alice").unwrap();
    }
    confirm_forgot(&h.pool, &legacy, "alice", &h.code_for("alice"), NEW).unwrap();
    let before = h.outbox.messages().len();
    assert_eq!(err(h.pool.admin_reset_user_password("alice")), limit());
    assert_eq!(h.outbox.messages().len(), before, "nothing sent");
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
    sign_in(&h, &legacy, "alice", NEW);
}
