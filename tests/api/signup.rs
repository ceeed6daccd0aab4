//! `SignUp` in the quickstart pool, where the email is the username
//! (cognito-protocol.md §4.4, §7.4, §7.5).

use userpool::PolicyViolation;
use userpool::config::PoolConfig;
use userpool::{CodeDeliveryDetails, ErrorCode, SignUpRequest, UserStatus};
use userpool::{DeliveryMedium, MessageKind};

use super::common::{JANE, quickstart, refused, sign_up_request};
use crate::support::pools::{BODY_PREFIX, SUBJECT, quickstart_config};
use crate::support::{PASSWORD, START, is_uuid_v4};

#[test]
fn signing_up_by_email_makes_the_sub_the_internal_username() {
    let h = quickstart();
    let response = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    assert!(!response.user_confirmed);
    assert!(is_uuid_v4(&response.user_sub), "{}", response.user_sub);

    let user = h.user(JANE);
    assert_eq!(user.username, response.user_sub);
    assert_eq!(user.attribute("sub"), Some(response.user_sub.as_str()));
    assert_eq!(user.attribute("email"), Some(JANE));
    assert_eq!(user.attribute("email_verified"), None);
    assert_eq!(user.status, UserStatus::Unconfirmed);
    assert!(user.enabled);
    assert_eq!(user.created_at, START);
    assert_eq!(user.last_modified_at, START);
    // The sub is also the username the pool resolves.
    assert_eq!(h.user(&response.user_sub), user);
}

#[test]
fn sign_up_stores_every_given_attribute_with_sub_listed_first() {
    let h = quickstart();
    let sub = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap().user_sub;
    let listed: Vec<(String, String)> = h
        .user(JANE)
        .attributes
        .into_iter()
        .map(|a| (a.name, a.value))
        .collect();
    let expected: Vec<(String, String)> = [
        ("sub", sub.as_str()),
        ("address", "1 Main St"),
        ("custom:created_at", "2022-01-01"),
        ("custom:employee_id", "10"),
        ("custom:is_admin", "false"),
        ("custom:tenant_id", "1234567890"),
        ("email", JANE),
        ("family_name", "Foobar"),
    ]
    .iter()
    .map(|&(n, v)| (n.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(listed, expected);
}

#[test]
fn the_confirmation_code_is_emailed_with_a_masked_destination_and_the_pool_templates() {
    let h = quickstart();
    let response = h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    assert_eq!(
        response.code_delivery_details,
        Some(CodeDeliveryDetails::new(
            "j***@e***",
            DeliveryMedium::Email,
            "email"
        ))
    );

    let messages = h.outbox.messages();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message.destination, JANE);
    assert_eq!(message.username, response.user_sub);
    assert_eq!(message.pool_id, h.pool.id());
    assert_eq!(message.medium, DeliveryMedium::Email);
    assert_eq!(message.kind, MessageKind::SignUp);
    assert_eq!(message.subject.as_deref(), Some(SUBJECT));
    assert_eq!(message.sent_at, START);
    let code = message.code.expose_secret();
    assert_eq!(code.len(), crate::api::common::CODE_DIGITS);
    assert!(
        code.chars().all(|c| c.is_ascii_digit()),
        "{code:?} is not digits"
    );
    assert_eq!(message.body, format!("{BODY_PREFIX}{code}"));
}

#[test]
fn a_second_sign_up_with_the_same_email_is_refused() {
    let h = quickstart();
    h.pool.sign_up(sign_up_request(&h, JANE)).unwrap();
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UsernameExists,
            "An account with the given email already exists."
        )
    );
    assert_eq!(h.all_users().len(), 1);
    assert_eq!(
        h.outbox.messages().len(),
        1,
        "no code for the refused sign-up"
    );
}

#[test]
fn a_username_that_is_not_an_email_is_refused() {
    let h = quickstart();
    let e =
        refused(h.pool.sign_up(
            SignUpRequest::new(h.client(), "jane", PASSWORD).attribute("family_name", "Doe"),
        ));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::InvalidParameter, "Username should be an email.")
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn a_weak_password_is_refused_with_every_violation_listed() {
    let h = quickstart();
    let mut request = sign_up_request(&h, JANE);
    request.password = Some("pass".into());
    let e = refused(h.pool.sign_up(request));
    assert_eq!(e.code(), ErrorCode::InvalidPassword);
    assert_eq!(
        e.message(),
        "Password did not conform with policy: Password not long enough"
    );
    assert_eq!(
        e.password_violations(),
        [
            PolicyViolation::TooShort,
            PolicyViolation::MissingUppercase,
            PolicyViolation::MissingNumber,
            PolicyViolation::MissingSymbol,
        ]
    );
    assert!(h.all_users().is_empty());
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn a_missing_required_attribute_is_refused() {
    let h = quickstart();
    let e = refused(
        h.pool
            .sign_up(SignUpRequest::new(h.client(), JANE, PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Attributes did not conform to the schema: family_name: The attribute is required"
        )
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn an_unknown_attribute_is_refused() {
    let h = quickstart();
    let e = refused(
        h.pool
            .sign_up(sign_up_request(&h, JANE).attribute("custom:nickname", "JD")),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Attributes did not conform to the schema: custom:nickname: Attribute does not exist in the schema."
        )
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn sub_cannot_be_chosen_at_sign_up() {
    let h = quickstart();
    let chosen = "00000000-0000-4000-8000-000000000000";
    let e = refused(
        h.pool
            .sign_up(sign_up_request(&h, JANE).attribute("sub", chosen)),
    );
    // No app client may write `sub` (cognito-protocol.md §4.3).
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    assert_eq!(
        e.message(),
        "A client attempted to write unauthorized attribute"
    );
    assert!(h.all_users().is_empty());
    assert!(h.pool.admin_get_user(chosen).is_err());
}

#[test]
fn a_user_cannot_mark_their_own_email_verified_at_sign_up() {
    let h = quickstart();
    let e = refused(
        h.pool
            .sign_up(sign_up_request(&h, JANE).attribute("email_verified", "true")),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "A client attempted to write unauthorized attribute"
        )
    );
    assert!(h.all_users().is_empty());
}

#[test]
fn an_admin_create_only_pool_refuses_sign_up() {
    let config = quickstart_config()
        .allow_admin_create_user_only(true)
        .build()
        .unwrap();
    let h = super::common::Harness::new(config);
    let e = refused(h.pool.sign_up(sign_up_request(&h, JANE)));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    assert_eq!(e.message(), "SignUp is not permitted for this user pool");
    assert!(h.all_users().is_empty());
    assert!(h.outbox.messages().is_empty());
}

#[test]
fn a_pool_that_verifies_nothing_sends_no_code() {
    let config = PoolConfig::builder("quiet").build().unwrap();
    let h = super::common::Harness::new(config);
    let response = h
        .pool
        .sign_up(
            SignUpRequest::new(h.client(), "sam", PASSWORD).attribute("email", "sam@example.com"),
        )
        .unwrap();
    assert_eq!(response.code_delivery_details, None);
    assert!(h.outbox.messages().is_empty());
    assert_eq!(h.user("sam").status, UserStatus::Unconfirmed);
}
