//! Password recovery: `ForgotPassword`, `ConfirmForgotPassword` and
//! `AdminResetUserPassword`: where the code goes, how long it lives, the
//! policy check before the code is spent, the attempt limit, the account
//! recovery setting, `PreventUserExistenceErrors`, and the user's status
//! (cognito-protocol.md §4.9, §5.2, §5.3, §7.6).

use std::time::Duration;

use crate::api::common::MAX_ATTEMPTS;
use userpool::client::{PreventUserExistenceErrors, secret_hash};
use userpool::config::PoolConfig;
use userpool::config::{RecoveryMechanism, VerifiedAttribute};
use userpool::schema::StandardAttribute;
use userpool::{
    AdminCreateUserRequest, Code, CodeDeliveryDetails, ConfirmForgotPasswordRequest,
    ConfirmSignUpRequest, ErrorCode, ForgotPasswordRequest, InitiateAuthRequest, MessageAction,
    UserStatus,
};
use userpool::{DeliveryMedium, MessageKind};

use super::common::{
    Harness, add_client, password_client, password_client_config, refused, sign_in, staff,
    staff_request, wrong_code,
};
use crate::support::PASSWORD;

const NEW: &str = "N3w-password";
const EMAIL: &str = "alice@example.com";

/// alice in a staff pool, confirmed with her email verified.
fn confirm_alice(h: &Harness) {
    h.pool.sign_up(staff_request(h, "alice", EMAIL)).unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "alice",
            h.code_for("alice"),
        ))
        .unwrap();
}

fn alice() -> (Harness, String) {
    let h = staff(true);
    confirm_alice(&h);
    let client = password_client(&h);
    (h, client)
}

fn forgot(h: &Harness, client: &str, username: &str) -> userpool::Result<CodeDeliveryDetails> {
    h.pool
        .forgot_password(ForgotPasswordRequest::new(client, username))
}

fn confirm(
    h: &Harness,
    client: &str,
    username: &str,
    code: &Code,
    password: &str,
) -> userpool::Result<()> {
    h.pool
        .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
            client,
            username,
            code.clone(),
            password,
        ))
}

fn sign_in_refused(h: &Harness, client: &str, username: &str, password: &str) -> userpool::Error {
    refused(h.pool.initiate_auth(InitiateAuthRequest::user_password(
        client, username, password,
    )))
}

fn assert_incorrect(e: &userpool::Error) {
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Incorrect username or password.")
    );
}

fn assert_expired(e: &userpool::Error) {
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::ExpiredCode,
            "Invalid code provided, please request a code again."
        )
    );
}

// ----- ForgotPassword -----

#[test]
fn forgot_password_sends_a_code_to_the_verified_email_and_masks_it() {
    let (h, client) = alice();
    let details = forgot(&h, &client, "alice").unwrap();
    assert_eq!(
        details,
        CodeDeliveryDetails::new("a***@e***", DeliveryMedium::Email, "email")
    );
    let message = h.outbox.last_message_for("alice").unwrap();
    assert_eq!(message.kind, MessageKind::ForgotPassword);
    assert_eq!(message.destination, EMAIL);
    assert_eq!(message.medium, DeliveryMedium::Email);
    assert!(message.body.contains(message.code.expose_secret()));
}

#[test]
fn forgot_password_accepts_an_alias() {
    let h = super::common::alias_pool();
    let client = password_client(&h);
    h.pool
        .sign_up(
            userpool::SignUpRequest::new(h.client(), "alice", PASSWORD).attribute("email", EMAIL),
        )
        .unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "alice",
            h.code_for("alice"),
        ))
        .unwrap();
    forgot(&h, &client, EMAIL).unwrap();
    confirm(&h, &client, EMAIL, &h.code_for("alice"), NEW).unwrap();
    sign_in(&h, &client, "alice", NEW);
}

#[test]
fn forgot_password_with_an_unverified_email_is_refused() {
    let h = staff(true);
    h.pool.sign_up(staff_request(&h, "alice", EMAIL)).unwrap();
    h.pool.admin_confirm_sign_up("alice").unwrap();
    let client = password_client(&h);
    let before = h.outbox.messages().len();
    let e = refused(forgot(&h, &client, "alice"));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Cannot reset password for the user as there is no registered/verified email or phone_number"
        )
    );
    assert_eq!(h.outbox.messages().len(), before);
}

#[test]
fn forgot_password_with_admin_only_recovery_sends_the_user_to_an_administrator() {
    let h = Harness::new(
        PoolConfig::builder("admin-only")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .standard_attribute(StandardAttribute::new("given_name").required())
            .account_recovery(&[RecoveryMechanism::AdminOnly])
            .build()
            .unwrap(),
    );
    confirm_alice(&h);
    let client = password_client(&h);
    let e = refused(forgot(&h, &client, "alice"));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "Contact administrator to reset password."
        )
    );
    // An administrator still can.
    h.pool.admin_reset_user_password("alice").unwrap();
    assert_eq!(h.user("alice").status, UserStatus::ResetRequired);
}

#[test]
fn forgot_password_for_an_unknown_user_is_user_not_found_under_legacy() {
    let (h, client) = alice();
    let e = refused(forgot(&h, &client, "nobody"));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UserNotFound,
            "Username/client id combination not found."
        )
    );
}

#[test]
fn forgot_password_for_an_unknown_user_looks_normal_when_existence_errors_are_prevented() {
    let (h, _) = alice();
    let client = add_client(
        &h,
        password_client_config("quiet")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned();
    h.outbox.clear();
    let details = forgot(&h, &client, "nobody").unwrap();
    assert_eq!(details.delivery_medium, DeliveryMedium::Email);
    assert_eq!(details.attribute_name, "email");
    let (local, domain) = details.destination.split_once('@').unwrap();
    assert!(
        local.ends_with("***") && domain.ends_with("***"),
        "{details:?}"
    );
    assert_eq!(details, forgot(&h, &client, "nobody").unwrap(), "stable");
    assert!(h.outbox.messages().is_empty());
    // An unverified user gets the same kind of answer and no message.
    h.pool
        .sign_up(staff_request(&h, "bob", "bob@example.com"))
        .unwrap();
    h.pool.admin_confirm_sign_up("bob").unwrap();
    h.outbox.clear();
    let details = forgot(&h, &client, "bob").unwrap();
    assert_eq!(details.delivery_medium, DeliveryMedium::Email);
    assert!(h.outbox.messages().is_empty());
    // A real user still gets a real code.
    forgot(&h, &client, "alice").unwrap();
    assert_eq!(h.outbox.messages().len(), 1);
}

#[test]
fn forgot_password_of_a_user_who_never_set_a_password_is_refused() {
    let h = staff(true);
    let client = password_client(&h);
    let mut request = AdminCreateUserRequest::new("alice")
        .attribute("given_name", "Al")
        .attribute("email", EMAIL)
        .attribute("email_verified", "true");
    request.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(request).unwrap();
    let e = refused(forgot(&h, &client, "alice"));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "User password cannot be reset in the current state."
        )
    );
}

#[test]
fn forgot_password_of_a_disabled_user_is_refused() {
    let (h, client) = alice();
    h.pool.admin_disable_user("alice").unwrap();
    let e = refused(forgot(&h, &client, "alice"));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
}

#[test]
fn forgot_password_through_a_confidential_client_needs_the_secret_hash() {
    let (h, _) = alice();
    let client = add_client(&h, password_client_config("server").generate_secret(true));
    let id = client.id();
    let e = refused(forgot(&h, id, "alice"));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    let mut request = ForgotPasswordRequest::new(id, "alice");
    request.secret_hash = Some(secret_hash(client.secret().unwrap(), "alice", id));
    h.pool.forgot_password(request).unwrap();
    let code = h.code_for("alice");
    let e = refused(confirm(&h, id, "alice", &code, NEW));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    let mut request = ConfirmForgotPasswordRequest::new(id, "alice", code, NEW);
    request.secret_hash = Some(secret_hash(client.secret().unwrap(), "alice", id));
    h.pool.confirm_forgot_password(request).unwrap();
}

// ----- ConfirmForgotPassword -----

#[test]
fn confirm_forgot_password_sets_the_new_password() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    confirm(&h, &client, "alice", &h.code_for("alice"), NEW).unwrap();
    sign_in(&h, &client, "alice", NEW);
    assert_incorrect(&sign_in_refused(&h, &client, "alice", PASSWORD));
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
}

#[test]
fn a_reset_code_works_once() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    let code = h.code_for("alice");
    confirm(&h, &client, "alice", &code, NEW).unwrap();
    assert_expired(&refused(confirm(
        &h,
        &client,
        "alice",
        &code,
        "An0ther-password",
    )));
    sign_in(&h, &client, "alice", NEW);
}

#[test]
fn a_reset_code_is_valid_for_one_hour() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    let code = h.code_for("alice");
    h.clock.advance(Duration::from_secs(3599));
    confirm(&h, &client, "alice", &code, NEW).unwrap();
}

#[test]
fn a_reset_code_expires_after_exactly_one_hour() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    let code = h.code_for("alice");
    h.clock.advance(Duration::from_secs(3600));
    assert_expired(&refused(confirm(&h, &client, "alice", &code, NEW)));
    sign_in(&h, &client, "alice", PASSWORD);
}

#[test]
fn a_new_code_replaces_the_old_one() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    let first = h.code_for("alice");
    forgot(&h, &client, "alice").unwrap();
    let second = h.code_for("alice");
    if first.expose_secret() != second.expose_secret() {
        let e = refused(confirm(&h, &client, "alice", &first, NEW));
        assert_eq!(e.code(), ErrorCode::CodeMismatch);
    }
    confirm(&h, &client, "alice", &second, NEW).unwrap();
}

#[test]
fn without_a_requested_code_confirmation_is_expired() {
    let (h, client) = alice();
    assert_expired(&refused(confirm(
        &h,
        &client,
        "alice",
        &Code::new("123456"),
        NEW,
    )));
}

#[test]
fn the_policy_is_checked_before_the_code_is_spent() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    let code = h.code_for("alice");
    let e = refused(confirm(&h, &client, "alice", &code, "weak"));
    assert_eq!(e.code(), ErrorCode::InvalidPassword);
    sign_in(&h, &client, "alice", PASSWORD);
    confirm(&h, &client, "alice", &code, NEW).unwrap();
    sign_in(&h, &client, "alice", NEW);
}

#[test]
fn a_wrong_code_is_a_mismatch_and_changes_nothing() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    let code = h.code_for("alice");
    let e = refused(confirm(&h, &client, "alice", &wrong_code(&code), NEW));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::CodeMismatch,
            "Invalid verification code provided, please try again."
        )
    );
    sign_in(&h, &client, "alice", PASSWORD);
    confirm(&h, &client, "alice", &code, NEW).unwrap();
}

#[test]
fn too_many_wrong_codes_exhaust_the_code() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    let code = h.code_for("alice");
    for _ in 0..MAX_ATTEMPTS {
        let e = refused(confirm(&h, &client, "alice", &wrong_code(&code), NEW));
        assert_eq!(e.code(), ErrorCode::CodeMismatch);
    }
    let e = refused(confirm(&h, &client, "alice", &code, NEW));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::LimitExceeded,
            "Attempt limit exceeded, please try after some time."
        )
    );
    sign_in(&h, &client, "alice", PASSWORD);
    // A new code works.
    forgot(&h, &client, "alice").unwrap();
    confirm(&h, &client, "alice", &h.code_for("alice"), NEW).unwrap();
}

#[test]
fn confirming_for_an_unknown_user_depends_on_prevent_user_existence_errors() {
    let (h, client) = alice();
    let e = refused(confirm(&h, &client, "nobody", &Code::new("123456"), NEW));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UserNotFound,
            "Username/client id combination not found."
        )
    );
    let quiet = add_client(
        &h,
        password_client_config("quiet")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned();
    let e = refused(confirm(&h, &quiet, "nobody", &Code::new("123456"), NEW));
    assert_eq!(e.code(), ErrorCode::CodeMismatch);
}

/// cognito-protocol.md §5.3: with `PreventUserExistenceErrors=ENABLED`,
/// `ConfirmForgotPassword` for a disabled user is `CodeMismatchException`.
#[test]
fn a_user_disabled_after_asking_for_a_code_cannot_reset_when_existence_errors_are_prevented() {
    let (h, _) = alice();
    let quiet = add_client(
        &h,
        password_client_config("quiet")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned();
    forgot(&h, &quiet, "alice").unwrap();
    h.pool.admin_disable_user("alice").unwrap();
    let result = confirm(&h, &quiet, "alice", &h.code_for("alice"), NEW);
    assert!(
        h.has_password("alice", PASSWORD),
        "a disabled user's password was reset"
    );
    assert_eq!(refused(result).code(), ErrorCode::CodeMismatch);
}

#[test]
fn a_user_disabled_after_asking_for_a_code_cannot_reset() {
    let (h, client) = alice();
    forgot(&h, &client, "alice").unwrap();
    h.pool.admin_disable_user("alice").unwrap();
    let result = confirm(&h, &client, "alice", &h.code_for("alice"), NEW);
    assert!(
        h.has_password("alice", PASSWORD),
        "a disabled user's password was reset"
    );
    assert_eq!(refused(result).code(), ErrorCode::NotAuthorized);
}

// ----- AdminResetUserPassword -----

#[test]
fn admin_reset_requires_a_reset_before_sign_in() {
    let (h, client) = alice();
    h.pool.admin_reset_user_password("alice").unwrap();
    assert_eq!(h.user("alice").status, UserStatus::ResetRequired);
    let message = h.outbox.last_message_for("alice").unwrap();
    assert_eq!(message.kind, MessageKind::ForgotPassword);
    assert_eq!(message.destination, EMAIL);
    let e = sign_in_refused(&h, &client, "alice", PASSWORD);
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::PasswordResetRequired,
            "Password reset required for the user"
        )
    );
    confirm(&h, &client, "alice", &message.code, NEW).unwrap();
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
    sign_in(&h, &client, "alice", NEW);
    assert_incorrect(&sign_in_refused(&h, &client, "alice", PASSWORD));
}

#[test]
fn a_user_in_reset_required_can_ask_for_a_new_code() {
    let (h, client) = alice();
    h.pool.admin_reset_user_password("alice").unwrap();
    forgot(&h, &client, "alice").unwrap();
    confirm(&h, &client, "alice", &h.code_for("alice"), NEW).unwrap();
    sign_in(&h, &client, "alice", NEW);
}

#[test]
fn admin_reset_of_an_unverified_user_is_refused() {
    let h = staff(true);
    h.pool.sign_up(staff_request(&h, "alice", EMAIL)).unwrap();
    h.pool.admin_confirm_sign_up("alice").unwrap();
    let e = refused(h.pool.admin_reset_user_password("alice"));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
}

#[test]
fn admin_reset_of_an_unconfirmed_or_unknown_user_is_refused() {
    let h = staff(true);
    h.pool.sign_up(staff_request(&h, "alice", EMAIL)).unwrap();
    let e = refused(h.pool.admin_reset_user_password("alice"));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "User password cannot be reset in the current state."
        )
    );
    let e = refused(h.pool.admin_reset_user_password("nobody"));
    assert_eq!(e.code(), ErrorCode::UserNotFound);
}

// ----- lockout -----

#[test]
fn a_reset_lifts_a_lockout() {
    let (h, client) = alice();
    for _ in 0..5 {
        assert_incorrect(&sign_in_refused(&h, &client, "alice", "Wrong1234^"));
    }
    let e = sign_in_refused(&h, &client, "alice", PASSWORD);
    assert_eq!(e.message(), "Password attempts exceeded");
    forgot(&h, &client, "alice").unwrap();
    confirm(&h, &client, "alice", &h.code_for("alice"), NEW).unwrap();
    // The same instant: the lock is gone.
    sign_in(&h, &client, "alice", NEW);
}

#[test]
fn an_admin_reset_then_confirmation_lifts_a_lockout() {
    let (h, client) = alice();
    for _ in 0..6 {
        let _ = sign_in_refused(&h, &client, "alice", "Wrong1234^");
    }
    h.pool.admin_reset_user_password("alice").unwrap();
    confirm(&h, &client, "alice", &h.code_for("alice"), NEW).unwrap();
    sign_in(&h, &client, "alice", NEW);
}

// ----- secrets in Debug -----

#[test]
fn recovery_requests_never_show_the_code_the_password_or_the_hash() {
    let mut forgot = ForgotPasswordRequest::new("client", "alice");
    forgot.secret_hash = Some("c2VjcmV0aGFzaA==".to_owned());
    let mut confirm = ConfirmForgotPasswordRequest::new("client", "alice", "493817", NEW);
    confirm.secret_hash = Some("c2VjcmV0aGFzaA==".to_owned());
    let debug = format!("{forgot:?} {forgot:#?} {confirm:?} {confirm:#?}");
    for secret in ["493817", NEW, "c2VjcmV0aGFzaA=="] {
        assert!(!debug.contains(secret), "{debug}");
    }
    assert!(debug.contains("alice"), "{debug}");
}

/// cognito-protocol.md §5.3: under `PreventUserExistenceErrors=ENABLED` a
/// weak new password is refused the same way for a user who exists, one
/// who is disabled, and one who does not.
#[test]
fn a_weak_new_password_tells_nothing_about_the_user_when_existence_errors_are_prevented() {
    let (h, _) = alice();
    let quiet = add_client(
        &h,
        password_client_config("quiet")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned();
    forgot(&h, &quiet, "alice").unwrap();
    let code = h.code_for("alice");
    let known = refused(confirm(&h, &quiet, "alice", &code, "weak"));
    let unknown = refused(confirm(&h, &quiet, "nobody", &code, "weak"));
    h.pool.admin_disable_user("alice").unwrap();
    let disabled = refused(confirm(&h, &quiet, "alice", &code, "weak"));
    assert_eq!(known.code(), ErrorCode::InvalidPassword);
    assert_eq!(unknown, known);
    assert_eq!(disabled, known);
}

// ----- PreventUserExistenceErrors: every name answered alike -----

/// A client of `h` that prevents user-existence errors.
fn quiet_client(h: &Harness) -> String {
    add_client(
        h,
        password_client_config("quiet")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned()
}

#[test]
fn under_enabled_a_typed_email_is_masked_alike_for_real_and_unknown_users() {
    // Email as username, case-insensitive: Jane is stored in lower case.
    let h = Harness::new(
        crate::support::pools::quickstart_config()
            .case_sensitive(false)
            .build()
            .unwrap(),
    );
    super::common::confirmed(&h, super::common::JANE);
    let quiet = quiet_client(&h);
    let email = |d: &str| CodeDeliveryDetails::new(d, DeliveryMedium::Email, "email");
    h.outbox.clear();
    // Typed in capitals, the real user's stored address and the unknown
    // one's typed address look the same.
    assert_eq!(
        forgot(&h, &quiet, "JANE.DOE@EXAMPLE.COM").unwrap(),
        email("j***@e***")
    );
    assert_eq!(h.outbox.messages().len(), 1, "the real user got a code");
    assert_eq!(
        forgot(&h, &quiet, "JOHN.ROE@EXAMPLE.COM").unwrap(),
        email("j***@e***")
    );
    // An unknown address at another domain shows that domain, as a real
    // user with it would.
    assert_eq!(
        forgot(&h, &quiet, "x@gmail.com").unwrap(),
        email("x***@g***")
    );
    assert_eq!(h.outbox.messages().len(), 1, "no message for unknown names");
}

#[test]
fn under_enabled_a_disabled_or_invited_user_is_shown_their_destination_and_sent_nothing() {
    let (h, _) = alice();
    let quiet = quiet_client(&h);
    let mut invite = AdminCreateUserRequest::new("carol")
        .attribute("given_name", "Carol")
        .attribute("email", "carol@example.com")
        .attribute("email_verified", "true");
    invite.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(invite).unwrap();
    h.pool.admin_disable_user("alice").unwrap();
    h.outbox.clear();
    let email = |d: &str| CodeDeliveryDetails::new(d, DeliveryMedium::Email, "email");
    assert_eq!(forgot(&h, &quiet, "alice").unwrap(), email("a***@e***"));
    assert_eq!(forgot(&h, &quiet, "carol").unwrap(), email("c***@e***"));
    assert!(h.outbox.messages().is_empty());
    // Under LEGACY both are refused by name.
    let (e1, e2) = (
        refused(forgot(&h, &password_client(&h), "alice")),
        refused(forgot(&h, &password_client(&h), "carol")),
    );
    assert_eq!(e1.message(), "User is disabled.");
    assert_eq!(
        e2.message(),
        "User password cannot be reset in the current state."
    );
}
