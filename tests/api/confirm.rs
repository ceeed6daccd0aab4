//! `ConfirmSignUp` and `ResendConfirmationCode`: single-use codes, the
//! 24-hour validity, the attempt limit, and the refusals
//! (cognito-protocol.md §4.4, §5.2, §7.5).

use std::time::Duration;

use crate::api::common::{MAX_ATTEMPTS, SIGN_UP_CODE_VALIDITY};
use userpool::schema::Attribute;
use userpool::{Code, CodeDeliveryDetails, ConfirmSignUpRequest, ErrorCode, UserStatus};
use userpool::{DeliveryMedium, MessageKind};

use super::common::{Harness, JANE, quickstart, refused, sign_up, wrong_code};

fn confirm(h: &Harness, who: &str, code: Code) -> userpool::Result<()> {
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), who, code))
}

/// Resends until the new code differs from `old` (a repeat has odds of one
/// in a million, but would make "the old code fails" flaky).
fn resend_a_different_code(h: &Harness, who: &str, old: &Code) -> Code {
    for _ in 0..5 {
        h.pool
            .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(
                h.client(),
                who,
            ))
            .unwrap();
        let new = h.code_for(who);
        if new.expose_secret() != old.expose_secret() {
            return new;
        }
    }
    panic!("five resends repeated the old code");
}

#[test]
fn the_right_code_confirms_the_user_and_verifies_the_email() {
    let h = quickstart();
    sign_up(&h, JANE);
    confirm(&h, JANE, h.code_for(JANE)).unwrap();
    let user = h.user(JANE);
    assert_eq!(user.status, UserStatus::Confirmed);
    assert_eq!(user.attribute("email_verified"), Some("true"));
}

#[test]
fn the_sub_confirms_as_well_as_the_email() {
    let h = quickstart();
    let sub = sign_up(&h, JANE);
    confirm(&h, &sub, h.code_for(JANE)).unwrap();
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

#[test]
fn a_wrong_code_is_a_code_mismatch() {
    let h = quickstart();
    sign_up(&h, JANE);
    let e = refused(confirm(&h, JANE, wrong_code(&h.code_for(JANE))));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::CodeMismatch,
            "Invalid verification code provided, please try again."
        )
    );
    let user = h.user(JANE);
    assert_eq!(user.status, UserStatus::Unconfirmed);
    assert_eq!(user.attribute("email_verified"), None);
    // A wrong guess does not use the code up.
    confirm(&h, JANE, h.code_for(JANE)).unwrap();
}

#[test]
fn a_code_works_only_once() {
    let h = quickstart();
    sign_up(&h, JANE);
    let code = h.code_for(JANE);
    confirm(&h, JANE, code.clone()).unwrap();
    let e = refused(confirm(&h, JANE, code));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "User cannot be confirmed. Current status is CONFIRMED"
        )
    );
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

#[test]
fn a_code_still_works_a_millisecond_before_24_hours() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.clock
        .advance(SIGN_UP_CODE_VALIDITY - Duration::from_millis(1));
    confirm(&h, JANE, h.code_for(JANE)).unwrap();
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

#[test]
fn a_code_expires_at_exactly_24_hours() {
    let h = quickstart();
    sign_up(&h, JANE);
    assert_eq!(SIGN_UP_CODE_VALIDITY, Duration::from_secs(24 * 3600));
    h.clock.advance(SIGN_UP_CODE_VALIDITY);
    let e = refused(confirm(&h, JANE, h.code_for(JANE)));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::ExpiredCode,
            "Invalid code provided, please request a code again."
        )
    );
    assert_eq!(h.user(JANE).status, UserStatus::Unconfirmed);
}

#[test]
fn a_resent_code_restarts_the_24_hours() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.clock.advance(SIGN_UP_CODE_VALIDITY);
    let old = h.code_for(JANE);
    let new = resend_a_different_code(&h, JANE, &old);
    h.clock
        .advance(SIGN_UP_CODE_VALIDITY - Duration::from_millis(1));
    confirm(&h, JANE, new).unwrap();
}

#[test]
fn after_the_attempt_limit_even_the_right_code_is_refused() {
    let h = quickstart();
    sign_up(&h, JANE);
    let right = h.code_for(JANE);
    let wrong = wrong_code(&right);
    for attempt in 1..=MAX_ATTEMPTS {
        let e = refused(confirm(&h, JANE, wrong.clone()));
        assert_eq!(e.code(), ErrorCode::CodeMismatch, "attempt {attempt}");
    }
    let e = refused(confirm(&h, JANE, right));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::LimitExceeded,
            "Attempt limit exceeded, please try after some time."
        )
    );
    assert_eq!(h.user(JANE).status, UserStatus::Unconfirmed);
}

#[test]
fn a_resent_code_works_after_the_attempt_limit_was_reached() {
    let h = quickstart();
    sign_up(&h, JANE);
    let old = h.code_for(JANE);
    for _ in 0..MAX_ATTEMPTS {
        assert_eq!(
            refused(confirm(&h, JANE, wrong_code(&old))).code(),
            ErrorCode::CodeMismatch
        );
    }
    let new = resend_a_different_code(&h, JANE, &old);
    confirm(&h, JANE, new).unwrap();
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

#[test]
fn a_resent_code_replaces_the_old_one() {
    let h = quickstart();
    sign_up(&h, JANE);
    let old = h.code_for(JANE);
    let new = resend_a_different_code(&h, JANE, &old);
    let e = refused(confirm(&h, JANE, old));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::CodeMismatch,
            "Invalid verification code provided, please try again."
        )
    );
    confirm(&h, JANE, new).unwrap();
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

#[test]
fn resending_reports_the_masked_destination_and_sends_a_resend_message() {
    let h = quickstart();
    sign_up(&h, JANE);
    let details = h
        .pool
        .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(
            h.client(),
            JANE,
        ))
        .unwrap();
    assert_eq!(
        details,
        CodeDeliveryDetails::new("j***@e***", DeliveryMedium::Email, "email")
    );
    let messages = h.outbox.messages_for(JANE);
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1].kind, MessageKind::ResendCode);
}

#[test]
fn resending_to_a_confirmed_user_is_refused() {
    let h = quickstart();
    sign_up(&h, JANE);
    confirm(&h, JANE, h.code_for(JANE)).unwrap();
    let e = refused(
        h.pool
            .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(
                h.client(),
                JANE,
            )),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::InvalidParameter, "User is already confirmed.")
    );
    assert_eq!(h.outbox.messages().len(), 1);
}

#[test]
fn confirming_an_unknown_user_is_refused() {
    let h = quickstart();
    let e = refused(confirm(&h, JANE, Code::new("123456")));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UserNotFound,
            "Username/client id combination not found."
        )
    );
}

#[test]
fn resending_to_an_unknown_user_is_refused() {
    let h = quickstart();
    let e = refused(
        h.pool
            .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(
                h.client(),
                JANE,
            )),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UserNotFound,
            "Username/client id combination not found."
        )
    );
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn force_alias_creation_is_refused_where_an_alias_would_move() {
    let h = crate::api::common::alias_pool();
    h.pool
        .sign_up(
            userpool::SignUpRequest::new(h.client(), "alice", crate::support::PASSWORD)
                .attribute("email", "a@example.com"),
        )
        .unwrap();
    let mut request = ConfirmSignUpRequest::new(h.client(), "alice", h.code_for("alice"));
    request.force_alias_creation = true;
    let e = refused(h.pool.confirm_sign_up(request));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(h.user("alice").status, UserStatus::Unconfirmed);
}

/// amazon-cognito-identity-js always sends ForceAliasCreation; with no alias
/// attributes there is nothing to move and it must not get in the way.
#[test]
fn force_alias_creation_has_no_effect_without_alias_attributes() {
    let h = quickstart();
    sign_up(&h, JANE);
    let mut request = ConfirmSignUpRequest::new(h.client(), JANE, h.code_for(JANE));
    request.force_alias_creation = true;
    h.pool.confirm_sign_up(request).unwrap();
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

/// The sign-up code went to the old address. Confirming with it after an
/// admin changed the email must not mark the new, never-contacted address
/// verified (cognito-protocol.md §4.4: ConfirmSignUp "marks the
/// delivered-to attribute verified"; §4.7: a changed email is unverified).
#[test]
fn a_sign_up_code_does_not_verify_an_address_it_was_not_sent_to() {
    let h = quickstart();
    sign_up(&h, JANE);
    let code_sent_to_jane = h.code_for(JANE);
    let other = "mallory@example.org";
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("email", other)])
        .unwrap();
    let _ = confirm(&h, other, code_sent_to_jane);
    let user = h.user(other);
    assert_eq!(user.attribute("email"), Some(other));
    assert_ne!(
        user.attribute("email_verified"),
        Some("true"),
        "{other} never received a code but is marked verified"
    );
}

/// Re-sending a code must not restore the budget of guesses: at most
/// `MAX_WINDOW_ATTEMPTS` codes are compared per hour, across re-sent codes,
/// or ResendConfirmationCode would make a six-digit code brute-forceable.
#[test]
fn resending_does_not_reset_the_hourly_budget_of_guesses() {
    use crate::api::common::{ATTEMPT_WINDOW, MAX_WINDOW_ATTEMPTS};
    let h = quickstart();
    sign_up(&h, JANE);
    let mut guesses = 0;
    while guesses < MAX_WINDOW_ATTEMPTS {
        let code = h.code_for(JANE);
        for _ in 0..MAX_ATTEMPTS.min(MAX_WINDOW_ATTEMPTS - guesses) {
            let e = refused(confirm(&h, JANE, wrong_code(&code)));
            assert_eq!(e.code(), ErrorCode::CodeMismatch);
            guesses += 1;
        }
        h.pool
            .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(
                h.client(),
                JANE,
            ))
            .unwrap();
    }
    // The window is spent: even the right, freshly sent code is refused.
    let e = refused(confirm(&h, JANE, h.code_for(JANE)));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::LimitExceeded,
            "Attempt limit exceeded, please try after some time."
        )
    );
    // A new window opens an hour after the first one began.
    h.clock.advance(ATTEMPT_WINDOW);
    h.pool
        .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(
            h.client(),
            JANE,
        ))
        .unwrap();
    confirm(&h, JANE, h.code_for(JANE)).unwrap();
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

// ----- the app client's rules: SECRET_HASH and PreventUserExistenceErrors -----

/// A confidential client on `h` (a generated secret, password flows) and
/// the `SECRET_HASH` function for it.
fn confidential(h: &Harness) -> (String, impl Fn(&str) -> String) {
    let client = crate::api::common::add_client(
        h,
        crate::api::common::password_client_config("server").generate_secret(true),
    );
    let id = client.id().to_owned();
    let secret = client.secret().expect("a generated secret").clone();
    let for_id = id.clone();
    (id, move |user: &str| {
        userpool::client::secret_hash(&secret, user, &for_id)
    })
}

#[test]
fn a_confidential_client_needs_the_secret_hash_for_every_sign_up_step() {
    let h = quickstart();
    let (client, hash) = confidential(&h);
    let request = || crate::api::common::sign_up_request_via(&client, JANE);

    let e = refused(h.pool.sign_up(request()));
    assert_eq!(
        (e.code(), e.message().to_owned()),
        (
            ErrorCode::NotAuthorized,
            format!("Client {client} is configured with secret but SECRET_HASH was not received")
        )
    );
    let e = refused(h.pool.sign_up(request().secret_hash(hash("someone"))));
    assert_eq!(
        (e.code(), e.message().to_owned()),
        (
            ErrorCode::NotAuthorized,
            format!("Unable to verify secret hash for client {client}")
        )
    );
    assert!(h.all_users().is_empty(), "a refused sign-up stores nothing");
    h.pool.sign_up(request().secret_hash(hash(JANE))).unwrap();

    let resend = userpool::ResendConfirmationCodeRequest::new(&client, JANE);
    let e = refused(h.pool.resend_confirmation_code(resend.clone()));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    assert_eq!(h.outbox.messages().len(), 1, "nothing was re-sent");
    h.pool
        .resend_confirmation_code(resend.secret_hash(hash(JANE)))
        .unwrap();

    let code = h.code_for(JANE);
    let confirm = ConfirmSignUpRequest::new(&client, JANE, code);
    for wrong in [None, Some(hash("x"))] {
        let mut request = confirm.clone();
        request.secret_hash = wrong;
        let e = refused(h.pool.confirm_sign_up(request));
        assert_eq!(e.code(), ErrorCode::NotAuthorized);
    }
    assert_eq!(h.user(JANE).status, UserStatus::Unconfirmed);
    h.pool
        .confirm_sign_up(confirm.secret_hash(hash(JANE)))
        .unwrap();
    assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
}

#[test]
fn an_unknown_app_client_is_not_found_before_anything_else() {
    let h = quickstart();
    let e = refused(h.pool.confirm_sign_up(ConfirmSignUpRequest::new(
        "nosuchclient",
        JANE,
        "123456",
    )));
    assert_eq!(e.code(), ErrorCode::ResourceNotFound);
    let e = refused(h.pool.sign_up(crate::api::common::sign_up_request_via(
        "nosuchclient",
        JANE,
    )));
    assert_eq!(e.code(), ErrorCode::ResourceNotFound);
    assert!(h.all_users().is_empty());
}

/// A public client on `h` with `PreventUserExistenceErrors=ENABLED`.
fn discreet(h: &Harness) -> String {
    crate::api::common::add_client(
        h,
        crate::api::common::password_client_config("discreet")
            .prevent_user_existence_errors(userpool::client::PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned()
}

#[test]
fn a_discreet_client_answers_an_unknown_user_like_a_wrong_code() {
    let h = quickstart();
    let client = discreet(&h);
    let unknown = refused(
        h.pool
            .confirm_sign_up(ConfirmSignUpRequest::new(&client, JANE, "123456")),
    );
    sign_up(&h, JANE);
    let wrong = wrong_code(&h.code_for(JANE));
    let known = refused(
        h.pool
            .confirm_sign_up(ConfirmSignUpRequest::new(&client, JANE, wrong)),
    );
    // cognito-protocol.md §5.3: the two answers cannot be told apart.
    assert_eq!(
        (unknown.code(), unknown.message()),
        (known.code(), known.message())
    );
    assert_eq!(unknown.code(), ErrorCode::CodeMismatch);
}

#[test]
fn a_discreet_client_resends_to_an_unknown_user_without_sending_anything() {
    let h = quickstart();
    let client = discreet(&h);
    let request = userpool::ResendConfirmationCodeRequest::new(&client, "nobody@example.com");
    let details = h.pool.resend_confirmation_code(request.clone()).unwrap();
    assert_eq!(details.attribute_name, "email");
    assert_eq!(details.delivery_medium, DeliveryMedium::Email);
    assert!(
        details.destination.starts_with("n***@") && details.destination.ends_with("***"),
        "{}",
        details.destination
    );
    // The same answer every time for the same name, and no message at all.
    assert_eq!(h.pool.resend_confirmation_code(request).unwrap(), details);
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn force_alias_creation_is_refused_for_admin_created_users_too() {
    let h = crate::api::common::alias_pool();
    let request = userpool::AdminCreateUserRequest::new("alice")
        .attribute("email", "alice@example.com")
        .message_action(userpool::MessageAction::Suppress);
    let e = refused(
        h.pool
            .admin_create_user(request.clone().force_alias_creation(true)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "ForceAliasCreation=true is not supported by this engine in pools with alias attributes."
        )
    );
    assert!(h.all_users().is_empty());
    h.pool.admin_create_user(request).unwrap();
}

#[test]
fn a_discreet_client_simulates_an_sms_where_the_pool_verifies_phone_numbers() {
    let h = Harness::new(
        userpool::config::PoolConfig::builder("sms")
            .auto_verified_attributes(&[userpool::config::VerifiedAttribute::PhoneNumber])
            .build()
            .unwrap(),
    );
    let client = discreet(&h);
    let details = h
        .pool
        .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(
            &client, "nobody",
        ))
        .unwrap();
    assert_eq!(
        (details.delivery_medium, details.attribute_name.as_str()),
        (DeliveryMedium::Sms, "phone_number")
    );
    assert!(
        details.destination.starts_with('+'),
        "{}",
        details.destination
    );
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn under_enabled_resending_answers_every_name_alike_and_sends_only_to_real_enabled_users() {
    use userpool::ResendConfirmationCodeRequest as Resend;
    use userpool::client::PreventUserExistenceErrors;
    let h = quickstart();
    let quiet = crate::api::common::add_client(
        &h,
        crate::api::common::password_client_config("quiet")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned();
    sign_up(&h, JANE);
    sign_up(&h, "joe@example.com");
    h.pool.admin_disable_user("joe@example.com").unwrap();
    h.outbox.clear();
    let resend = |who: &str| {
        h.pool
            .resend_confirmation_code(Resend::new(&quiet, who))
            .unwrap()
    };
    let email = |d: &str| CodeDeliveryDetails::new(d, DeliveryMedium::Email, "email");
    assert_eq!(resend(JANE), email("j***@e***"));
    assert_eq!(h.outbox.messages().len(), 1);
    // An unknown address, a disabled user: the same shape, nothing sent.
    assert_eq!(resend("jim@example.com"), email("j***@e***"));
    assert_eq!(resend("joe@example.com"), email("j***@e***"));
    assert_eq!(resend("x@gmail.com"), email("x***@g***"));
    assert_eq!(h.outbox.messages().len(), 1);
}
