//! The admin operations: confirming, creating with a temporary password and
//! an invitation, attribute updates and deletes, disabling, deleting, and
//! setting passwords (cognito-protocol.md §4.4, §4.7, §4.9, §5.2).

use std::time::Duration;

use userpool::PolicyViolation;
use userpool::config::PasswordPolicy;
use userpool::schema::Attribute;
use userpool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, ConfirmSignUpRequest, ErrorCode,
    MessageAction, UserStatus,
};
use userpool::{DeliveryMedium, MessageKind};

use super::common::{
    Harness, JANE, quickstart, refused, sign_up, sign_up_request, staff, staff_request,
};
use crate::support::{PASSWORD, START};

const PHONE: &str = "+14325551212";

// ----- AdminConfirmSignUp -----

#[test]
fn admin_confirm_sign_up_confirms_without_verifying_the_email() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.pool.admin_confirm_sign_up(JANE).unwrap();
    let user = h.user(JANE);
    assert_eq!(user.status, UserStatus::Confirmed);
    assert_eq!(user.attribute("email_verified"), None);
}

#[test]
fn admin_confirm_sign_up_twice_is_refused() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.pool.admin_confirm_sign_up(JANE).unwrap();
    let e = refused(h.pool.admin_confirm_sign_up(JANE));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "User cannot be confirmed. Current status is CONFIRMED"
        )
    );
}

#[test]
fn admin_confirm_sign_up_discards_the_pending_code() {
    let h = quickstart();
    sign_up(&h, JANE);
    let code = h.code_for(JANE);
    h.pool.admin_confirm_sign_up(JANE).unwrap();
    let e = refused(
        h.pool
            .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, code)),
    );
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    assert_eq!(h.user(JANE).attribute("email_verified"), None);
}

#[test]
fn admin_confirm_sign_up_of_an_unknown_user_is_refused() {
    let h = quickstart();
    let e = refused(h.pool.admin_confirm_sign_up(JANE));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
}

// ----- AdminCreateUser -----

fn invite(username: &str) -> AdminCreateUserRequest {
    AdminCreateUserRequest::new(username)
        .attribute("given_name", "Al")
        .attribute("phone_number", PHONE)
}

#[test]
fn admin_create_user_generates_a_temporary_password_that_satisfies_the_policy() {
    let h = staff(true);
    let user = h.pool.admin_create_user(invite("alice")).unwrap();
    assert_eq!(user.username, "alice");
    assert_eq!(user.status, UserStatus::ForceChangePassword);
    assert!(user.enabled);
    assert!(user.attribute("sub").is_some());
    assert_eq!(user, h.user("alice"));

    let message = h.outbox.last_message_for("alice").unwrap();
    let temporary = message.code.expose_secret();
    assert_eq!(
        h.pool.config().password_policy().check(temporary),
        Vec::<PolicyViolation>::new()
    );
    assert!(
        h.pool
            .config()
            .password_policy()
            .validate(&message.code.expose_secret().into())
            .is_ok()
    );
    assert!(temporary.chars().count() >= PasswordPolicy::MIN_GENERATED_LENGTH as usize);
    assert!(h.has_password("alice", temporary));
}

#[test]
fn the_invitation_goes_by_sms_by_default_and_carries_username_and_temporary_password() {
    let h = staff(true);
    h.pool.admin_create_user(invite("alice")).unwrap();
    let messages = h.outbox.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.kind, MessageKind::AdminCreateUser);
    assert_eq!(message.medium, DeliveryMedium::Sms);
    assert_eq!(message.destination, PHONE);
    assert_eq!(message.subject, None);
    let temporary = message.code.expose_secret();
    assert!(message.body.contains("alice"), "{}", message.body);
    assert!(message.body.contains(temporary));
    assert_eq!(
        message.body,
        format!("Your username is alice and temporary password is {temporary}. ")
    );
}

#[test]
fn admin_create_user_emails_the_invitation_when_asked() {
    let h = staff(true);
    let mut request = AdminCreateUserRequest::new("alice")
        .attribute("given_name", "Al")
        .attribute("email", "alice@example.com");
    request.desired_delivery_mediums = vec![DeliveryMedium::Email];
    h.pool.admin_create_user(request).unwrap();
    let message = h.outbox.last_message_for("alice").unwrap();
    assert_eq!(message.medium, DeliveryMedium::Email);
    assert_eq!(message.destination, "alice@example.com");
    assert_eq!(message.subject.as_deref(), Some("Your temporary password"));
}

#[test]
fn admin_create_user_keeps_a_given_temporary_password() {
    let h = staff(true);
    let mut request = invite("alice");
    request.temporary_password = Some("Temp0rary!".into());
    h.pool.admin_create_user(request).unwrap();
    assert_eq!(h.code_for("alice").expose_secret(), "Temp0rary!");
    assert!(h.has_password("alice", "Temp0rary!"));
}

#[test]
fn a_weak_given_temporary_password_is_refused() {
    let h = staff(true);
    let mut request = invite("alice");
    request.temporary_password = Some("temporary".into());
    let e = refused(h.pool.admin_create_user(request));
    assert_eq!(e.code(), ErrorCode::InvalidPassword);
    assert_eq!(
        e.message(),
        "Password did not conform with password policy: Password must have uppercase characters"
    );
    assert_eq!(
        e.password_violations(),
        [
            PolicyViolation::MissingUppercase,
            PolicyViolation::MissingNumber,
            PolicyViolation::MissingSymbol,
        ]
    );
    assert!(h.all_users().is_empty());
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn admin_create_user_of_an_existing_user_is_refused() {
    let h = staff(true);
    h.pool.admin_create_user(invite("alice")).unwrap();
    let e = refused(h.pool.admin_create_user(invite("alice")));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UsernameExists, "User account already exists")
    );
    assert_eq!(h.outbox.messages().len(), 1);
}

#[test]
fn admin_create_user_with_an_email_taken_by_a_signed_up_user_is_refused() {
    let h = quickstart();
    sign_up(&h, JANE);
    let mut request = AdminCreateUserRequest::new(JANE).attribute("family_name", "Other");
    request.desired_delivery_mediums = vec![DeliveryMedium::Email];
    let e = refused(h.pool.admin_create_user(request));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UsernameExists,
            "An account with the given email already exists."
        )
    );
    assert_eq!(h.all_users().len(), 1);
}

#[test]
fn suppressing_the_invitation_sends_nothing() {
    let h = staff(true);
    let mut request = invite("alice");
    request.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(request).unwrap();
    assert!(h.outbox.messages().is_empty());
    assert_eq!(h.user("alice").status, UserStatus::ForceChangePassword);
}

#[test]
fn resend_issues_a_new_temporary_password_to_a_force_change_password_user() {
    let h = staff(true);
    h.pool.admin_create_user(invite("alice")).unwrap();
    let first = h.code_for("alice").expose_secret().to_owned();

    let mut request = AdminCreateUserRequest::new("alice");
    request.message_action = Some(MessageAction::Resend);
    let user = h.pool.admin_create_user(request).unwrap();
    assert_eq!(user.status, UserStatus::ForceChangePassword);

    let messages = h.outbox.messages_for("alice");
    assert_eq!(messages.len(), 2);
    let second = messages[1].code.expose_secret();
    assert_ne!(second, first);
    assert!(messages[1].body.contains(second));
    assert!(h.has_password("alice", second));
    assert!(!h.has_password("alice", &first));
    assert_eq!(h.all_users().len(), 1);
}

#[test]
fn resend_to_a_confirmed_user_is_refused() {
    let h = staff(true);
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    h.pool.admin_confirm_sign_up("alice").unwrap();
    let before = h.outbox.messages().len();

    let mut request = AdminCreateUserRequest::new("alice");
    request.message_action = Some(MessageAction::Resend);
    request.desired_delivery_mediums = vec![DeliveryMedium::Email];
    let e = refused(h.pool.admin_create_user(request));
    assert_eq!(e.code(), ErrorCode::UnsupportedUserState);
    assert_eq!(h.outbox.messages().len(), before);
    assert!(h.has_password("alice", PASSWORD));
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
}

#[test]
fn resend_to_an_unknown_user_is_refused() {
    let h = staff(true);
    let mut request = AdminCreateUserRequest::new("nobody");
    request.message_action = Some(MessageAction::Resend);
    let e = refused(h.pool.admin_create_user(request));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn the_default_sms_invitation_without_a_phone_number_is_refused_and_nothing_is_stored() {
    let h = staff(true);
    let request = AdminCreateUserRequest::new("carol")
        .attribute("given_name", "Carol")
        .attribute("email", "carol@example.com");
    let e = refused(h.pool.admin_create_user(request));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        refused(h.pool.admin_get_user("carol")).code(),
        ErrorCode::UserNotFound
    );
    assert!(h.all_users().is_empty());
    assert!(h.outbox.messages().is_empty());
}

// ----- AdminUpdateUserAttributes / AdminDeleteUserAttributes -----

#[test]
fn an_admin_can_mark_the_email_verified() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("email_verified", "true")])
        .unwrap();
    assert_eq!(h.user(JANE).attribute("email_verified"), Some("true"));
}

#[test]
fn changing_the_email_unverifies_it_and_sends_a_verification_code() {
    let h = quickstart();
    let sub = sign_up(&h, JANE);
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            JANE,
            h.code_for(JANE),
        ))
        .unwrap();
    let new = "jane@example.org";
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("email", new)])
        .unwrap();

    let user = h.user(new);
    assert_eq!(user.username, sub);
    assert_eq!(user.attribute("email"), Some(new));
    assert_eq!(user.attribute("email_verified"), Some("false"));
    assert_eq!(
        refused(h.pool.admin_get_user(JANE)).code(),
        ErrorCode::UserNotFound,
        "the old address no longer names the user"
    );

    let message = h.outbox.last_message_for(new).unwrap();
    assert_eq!(message.kind, MessageKind::UpdateUserAttribute);
    assert_eq!(message.medium, DeliveryMedium::Email);
    assert_eq!(message.username, sub);
    let code = message.code.expose_secret();
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()));
}

#[test]
fn the_old_email_is_free_once_a_user_changed_theirs() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("email", "jane@example.org")])
        .unwrap();
    sign_up(&h, JANE);
    assert_eq!(h.all_users().len(), 2);
}

#[test]
fn changing_the_email_to_one_another_user_holds_is_refused() {
    let h = quickstart();
    sign_up(&h, JANE);
    sign_up(&h, "john@example.com");
    let e = refused(
        h.pool
            .admin_update_user_attributes("john@example.com", vec![Attribute::new("email", JANE)]),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UsernameExists,
            "An account with the given email already exists."
        )
    );
    assert_eq!(
        h.user("john@example.com").attribute("email"),
        Some("john@example.com")
    );
}

#[test]
fn an_immutable_attribute_cannot_be_updated() {
    let h = quickstart();
    sign_up(&h, JANE);
    let before = h.user(JANE);
    let e = refused(h.pool.admin_update_user_attributes(
        JANE,
        vec![
            Attribute::new("address", "2 Side St"),
            Attribute::new("family_name", "Changed"),
        ],
    ));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "user.family_name: Attribute cannot be updated."
        )
    );
    assert_eq!(
        h.user(JANE),
        before,
        "nothing of a refused update is applied"
    );
}

#[test]
fn an_empty_value_deletes_an_optional_attribute() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("address", "")])
        .unwrap();
    assert_eq!(h.user(JANE).attribute("address"), None);
}

#[test]
fn an_update_moves_last_modified_but_not_created() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.clock.advance(Duration::from_secs(60));
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("custom:is_admin", "true")])
        .unwrap();
    let user = h.user(JANE);
    assert_eq!(user.attribute("custom:is_admin"), Some("true"));
    assert_eq!(user.created_at, START);
    assert_eq!(
        user.last_modified_at,
        START.saturating_add(Duration::from_secs(60))
    );
}

#[test]
fn updating_an_unknown_user_is_refused() {
    let h = quickstart();
    let e = refused(
        h.pool
            .admin_update_user_attributes(JANE, vec![Attribute::new("address", "x")]),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
}

#[test]
fn deleting_an_optional_attribute_removes_it() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.pool
        .admin_delete_user_attributes(JANE, vec!["address".into(), "custom:is_admin".into()])
        .unwrap();
    let user = h.user(JANE);
    assert_eq!(user.attribute("address"), None);
    assert_eq!(user.attribute("custom:is_admin"), None);
    assert_eq!(user.attribute("family_name"), Some("Foobar"));
}

#[test]
fn deleting_a_required_attribute_is_refused() {
    let h = staff(true);
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    let e = refused(
        h.pool
            .admin_delete_user_attributes("alice", vec!["given_name".into()]),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Attributes did not conform to the schema: given_name: The attribute is required"
        )
    );
    assert_eq!(h.user("alice").attribute("given_name"), Some("Sam"));
}

#[test]
fn deleting_a_required_immutable_attribute_is_refused() {
    let h = quickstart();
    sign_up(&h, JANE);
    let e = refused(
        h.pool
            .admin_delete_user_attributes(JANE, vec!["family_name".into()]),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(h.user(JANE).attribute("family_name"), Some("Foobar"));
}

#[test]
fn the_email_that_serves_as_username_cannot_be_deleted() {
    let h = quickstart();
    sign_up(&h, JANE);
    let e = refused(
        h.pool
            .admin_delete_user_attributes(JANE, vec!["email".into()]),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(h.user(JANE).attribute("email"), Some(JANE));
}

// ----- AdminDisableUser / AdminEnableUser -----

#[test]
fn disabling_and_enabling_flip_the_enabled_flag() {
    let h = quickstart();
    sign_up(&h, JANE);
    h.pool.admin_disable_user(JANE).unwrap();
    assert!(!h.user(JANE).enabled);
    h.pool.admin_disable_user(JANE).unwrap();
    assert!(!h.user(JANE).enabled, "disabling twice is harmless");
    assert_eq!(h.all_users().len(), 1, "a disabled user is still listed");
    h.pool.admin_enable_user(JANE).unwrap();
    let user = h.user(JANE);
    assert!(user.enabled);
    assert_eq!(
        user.status,
        UserStatus::Unconfirmed,
        "the status is untouched"
    );
}

#[test]
fn disabling_an_unknown_user_is_refused() {
    let h = quickstart();
    for e in [
        refused(h.pool.admin_disable_user(JANE)),
        refused(h.pool.admin_enable_user(JANE)),
    ] {
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::UserNotFound, "User does not exist.")
        );
    }
}

// ----- AdminDeleteUser -----

#[test]
fn a_deleted_user_does_not_exist_and_frees_the_email() {
    let h = quickstart();
    let old_sub = sign_up(&h, JANE);
    h.pool.admin_delete_user(JANE).unwrap();
    for name in [JANE, old_sub.as_str()] {
        let e = refused(h.pool.admin_get_user(name));
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::UserNotFound, "User does not exist.")
        );
    }
    assert!(h.all_users().is_empty());

    let response = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    assert_ne!(response.user_sub, old_sub);
    assert_eq!(h.user(JANE).username, response.user_sub);
}

#[test]
fn deleting_an_unknown_user_is_refused() {
    let h = quickstart();
    let e = refused(h.pool.admin_delete_user(JANE));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
}

#[test]
fn a_deleted_users_pending_code_does_not_confirm_a_new_user_of_the_same_email() {
    let h = quickstart();
    sign_up(&h, JANE);
    let old_code = h.code_for(JANE);
    h.pool.admin_delete_user(JANE).unwrap();
    sign_up(&h, JANE);
    let new_code = h.code_for(JANE);
    if old_code.expose_secret() != new_code.expose_secret() {
        let e = refused(h.pool.confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            JANE,
            old_code,
        )));
        assert_eq!(e.code(), ErrorCode::CodeMismatch);
    }
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, new_code))
        .unwrap();
}

// ----- AdminSetUserPassword -----

fn set_password(
    h: &Harness,
    username: &str,
    password: &str,
    permanent: bool,
) -> userpool::Result<()> {
    h.pool.admin_set_user_password(
        AdminSetUserPasswordRequest::new(username.to_owned(), password).permanent(permanent),
    )
}

#[test]
fn a_permanent_password_confirms_a_force_change_password_user() {
    let h = staff(true);
    h.pool.admin_create_user(invite("alice")).unwrap();
    set_password(&h, "alice", "Perm4nent!", true).unwrap();
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
    assert!(h.has_password("alice", "Perm4nent!"));
    assert_eq!(h.record("alice").temporary_password_expires_at, None);
}

#[test]
fn a_temporary_password_forces_a_confirmed_user_to_change_it() {
    let h = quickstart();
    let sub = sign_up(&h, JANE);
    h.pool.admin_confirm_sign_up(JANE).unwrap();
    h.clock.advance(Duration::from_secs(3600));
    set_password(&h, JANE, "Temp0rary!", false).unwrap();
    assert_eq!(h.user(JANE).status, UserStatus::ForceChangePassword);
    assert!(h.has_password(&sub, "Temp0rary!"));
    assert!(!h.has_password(&sub, PASSWORD));
    let days = u64::from(
        h.pool
            .config()
            .password_policy()
            .temporary_password_validity_days(),
    );
    assert_eq!(
        h.record(&sub).temporary_password_expires_at,
        Some(
            START
                .saturating_add(Duration::from_secs(3600))
                .saturating_add(Duration::from_secs(days * 86_400))
        ),
        "a fresh validity window from now"
    );
}

#[test]
fn a_weak_password_set_by_an_admin_is_refused() {
    let h = quickstart();
    let sub = sign_up(&h, JANE);
    let e = refused(set_password(&h, JANE, "short", true));
    assert_eq!(e.code(), ErrorCode::InvalidPassword);
    assert!(
        e.message()
            .starts_with("Password did not conform with password policy: "),
        "{}",
        e.message()
    );
    assert_eq!(h.user(JANE).status, UserStatus::Unconfirmed);
    assert!(h.has_password(&sub, PASSWORD));
}

#[test]
fn setting_the_password_of_an_unknown_user_is_refused() {
    let h = quickstart();
    let e = refused(set_password(&h, JANE, "Perm4nent!", true));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
}
