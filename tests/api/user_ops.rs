//! What a signed-in user does with an access token: `GetUser`,
//! `UpdateUserAttributes`, `GetUserAttributeVerificationCode`,
//! `VerifyUserAttribute`, `DeleteUserAttributes`, `DeleteUser`,
//! `ChangePassword`; sign-out and revocation (`GlobalSignOut`,
//! `AdminUserGlobalSignOut`, `RevokeToken`, `AdminDisableUser`); and the
//! token errors (cognito-protocol.md §4.7, §4.9, §4.10, §5.2).

use std::time::Duration;

use userpool::config::PoolConfig;
use userpool::schema::Attribute;
use userpool::{
    CodeDeliveryDetails, ConfirmSignUpRequest, ErrorCode, InitiateAuthRequest, RevokeTokenRequest,
    SignUpRequest,
};
use userpool::{DeliveryMedium, MessageKind};

use super::common::{
    Harness, JANE, add_client, confirmed, password_client, password_client_config, quickstart,
    refresh_token, refused, sign_in, staff, staff_request, wrong_code,
};
use crate::support::PASSWORD;

const NEW_PASSWORD: &str = "N3w-password";

/// A quickstart pool with Jane confirmed, a password client, and Jane's tokens.
fn jane() -> (Harness, String, String, userpool::AuthenticationResult) {
    let h = quickstart();
    let sub = confirmed(&h, JANE);
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    (h, sub, client, tokens)
}

/// A staff pool with alice confirmed (email verified), a password client,
/// and alice's access token.
fn alice() -> (Harness, String, String) {
    let h = staff(true);
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "alice",
            h.code_for("alice"),
        ))
        .unwrap();
    let client = password_client(&h);
    let access = sign_in(&h, &client, "alice", PASSWORD).access_token;
    (h, client, access)
}

fn attribute<'a>(attributes: &'a [Attribute], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.value.as_str())
}

fn assert_not_authorized(e: &userpool::Error, message: &str) {
    assert_eq!((e.code(), e.message()), (ErrorCode::NotAuthorized, message));
}

fn revoke(client: &str, token: &str) -> RevokeTokenRequest {
    RevokeTokenRequest::new(client.to_owned(), token.to_owned())
}

// ----- GetUser -----

#[test]
fn get_user_lists_sub_first_then_the_readable_attributes() {
    let (h, sub, _, tokens) = jane();
    let user = h.pool.get_user(&tokens.access_token).unwrap();
    assert_eq!(user.username, sub);
    assert_eq!(user.user_attributes[0], Attribute::new("sub", sub.as_str()));
    let names: Vec<&str> = user
        .user_attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "sub",
            "address",
            "custom:created_at",
            "custom:employee_id",
            "custom:is_admin",
            "custom:tenant_id",
            "email",
            "email_verified",
            "family_name",
        ]
    );
    assert_eq!(attribute(&user.user_attributes, "email"), Some(JANE));
    assert_eq!(
        attribute(&user.user_attributes, "email_verified"),
        Some("true"),
        "booleans as strings"
    );
}

#[test]
fn get_user_shows_only_what_the_client_may_read() {
    let (h, sub, _, _) = jane();
    let narrow = add_client(
        &h,
        password_client_config("narrow").read_attributes(["email"]),
    )
    .id()
    .to_owned();
    let access = sign_in(&h, &narrow, JANE, PASSWORD).access_token;
    let user = h.pool.get_user(&access).unwrap();
    assert_eq!(
        user.user_attributes,
        [Attribute::new("sub", sub), Attribute::new("email", JANE)]
    );
}

// ----- UpdateUserAttributes and verification -----

#[test]
fn update_user_attributes_writes_what_the_client_may_write() {
    let (h, _, _, tokens) = jane();
    let sent = h
        .pool
        .update_user_attributes(
            &tokens.access_token,
            vec![
                Attribute::new("address", "2 High St"),
                Attribute::new("custom:is_admin", "true"),
            ],
        )
        .unwrap();
    assert!(sent.is_empty(), "no verified attribute changed");
    let user = h.user(JANE);
    assert_eq!(user.attribute("address"), Some("2 High St"));
    assert_eq!(user.attribute("custom:is_admin"), Some("true"));
}

#[test]
fn update_user_attributes_refuses_an_attribute_outside_the_write_list() {
    let (h, _, _, _) = jane();
    let limited = add_client(
        &h,
        password_client_config("limited").write_attributes(["address"]),
    )
    .id()
    .to_owned();
    let access = sign_in(&h, &limited, JANE, PASSWORD).access_token;
    let e = refused(h.pool.update_user_attributes(
        &access,
        vec![
            Attribute::new("address", "2 High St"),
            Attribute::new("custom:is_admin", "true"),
        ],
    ));
    assert_not_authorized(&e, "A client attempted to write unauthorized attribute");
    assert_eq!(h.user(JANE).attribute("address"), Some("1 Main St"));
    h.pool
        .update_user_attributes(&access, vec![Attribute::new("address", "2 High St")])
        .unwrap();
    assert_eq!(h.user(JANE).attribute("address"), Some("2 High St"));
}

#[test]
fn a_user_cannot_verify_their_own_email_by_writing_the_flag() {
    let (h, _, _, tokens) = jane();
    let e = refused(h.pool.update_user_attributes(
        &tokens.access_token,
        vec![Attribute::new("email_verified", "true")],
    ));
    assert_not_authorized(&e, "A client attempted to write unauthorized attribute");
}

#[test]
fn changing_the_email_unverifies_it_and_sends_a_code_to_the_new_address() {
    let (h, _, access) = alice();
    let sent = h
        .pool
        .update_user_attributes(&access, vec![Attribute::new("email", "new@example.com")])
        .unwrap();
    assert_eq!(
        sent,
        [CodeDeliveryDetails::new(
            "n***@e***",
            DeliveryMedium::Email,
            "email"
        )]
    );
    let message = h.outbox.last_message_for("new@example.com").unwrap();
    assert_eq!(message.kind, MessageKind::UpdateUserAttribute);
    let user = h.user("alice");
    assert_eq!(user.attribute("email"), Some("new@example.com"));
    assert_eq!(user.attribute("email_verified"), Some("false"));

    h.pool
        .verify_user_attribute(&access, "email", &message.code)
        .unwrap();
    assert_eq!(h.user("alice").attribute("email_verified"), Some("true"));
    // The code is used up.
    let e = refused(
        h.pool
            .verify_user_attribute(&access, "email", &message.code),
    );
    assert_eq!(e.code(), ErrorCode::ExpiredCode);
}

#[test]
fn a_wrong_verification_code_is_a_mismatch() {
    let (h, _, access) = alice();
    h.pool
        .update_user_attributes(&access, vec![Attribute::new("email", "new@example.com")])
        .unwrap();
    let code = h.code_for("new@example.com");
    let e = refused(
        h.pool
            .verify_user_attribute(&access, "email", &wrong_code(&code)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::CodeMismatch,
            "Invalid verification code provided, please try again."
        )
    );
    assert_eq!(h.user("alice").attribute("email_verified"), Some("false"));
    h.pool
        .verify_user_attribute(&access, "email", &code)
        .unwrap();
}

/// A pool that verifies nothing automatically, with bob confirmed by an
/// admin (email unverified), a password client, and bob's access token.
fn unverified_bob() -> (Harness, String) {
    let h = Harness::new(PoolConfig::builder("plain").build().unwrap());
    h.pool
        .sign_up(
            SignUpRequest::new(h.client(), "bob", PASSWORD).attribute("email", "bob@example.com"),
        )
        .unwrap();
    h.pool.admin_confirm_sign_up("bob").unwrap();
    let client = password_client(&h);
    let access = sign_in(&h, &client, "bob", PASSWORD).access_token;
    (h, access)
}

#[test]
fn get_user_attribute_verification_code_sends_a_code_that_verifies() {
    let (h, access) = unverified_bob();
    assert!(h.outbox.messages().is_empty());
    let details = h
        .pool
        .get_user_attribute_verification_code(&access, "email")
        .unwrap();
    assert_eq!(details.destination, "b***@e***");
    assert_eq!(details.delivery_medium, DeliveryMedium::Email);
    assert_eq!(details.attribute_name, "email");
    let message = h.outbox.last_message_for("bob@example.com").unwrap();
    assert_eq!(message.kind, MessageKind::VerifyUserAttribute);
    h.pool
        .verify_user_attribute(&access, "email", &message.code)
        .unwrap();
    assert_eq!(h.user("bob").attribute("email_verified"), Some("true"));
}

#[test]
fn only_email_and_phone_number_can_be_verified() {
    let (h, access) = unverified_bob();
    let e = refused(h.pool.get_user_attribute_verification_code(&access, "name"));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    // bob has no phone number to send a code to.
    let e = refused(
        h.pool
            .get_user_attribute_verification_code(&access, "phone_number"),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
}

#[test]
fn a_code_for_an_address_changed_since_is_expired() {
    let (h, access) = unverified_bob();
    h.pool
        .get_user_attribute_verification_code(&access, "email")
        .unwrap();
    let code = h.code_for("bob@example.com");
    let sent = h
        .pool
        .update_user_attributes(&access, vec![Attribute::new("email", "robert@example.com")])
        .unwrap();
    assert!(sent.is_empty(), "email is not auto-verified in this pool");
    let e = refused(h.pool.verify_user_attribute(&access, "email", &code));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::ExpiredCode,
            "Invalid code provided, please request a code again."
        )
    );
    let user = h.user("bob");
    assert_eq!(user.attribute("email"), Some("robert@example.com"));
    assert_ne!(user.attribute("email_verified"), Some("true"));
}

#[test]
fn a_verification_code_expires_after_a_day() {
    let (h, access) = unverified_bob();
    h.pool
        .get_user_attribute_verification_code(&access, "email")
        .unwrap();
    let code = h.code_for("bob@example.com");
    // Keep a fresh access token; the first one expires after an hour.
    h.clock.advance(Duration::from_secs(86_400));
    let client = h.pool.list_user_pool_clients().unwrap()[0].id().to_owned();
    let access = sign_in(&h, &client, "bob", PASSWORD).access_token;
    let e = refused(h.pool.verify_user_attribute(&access, "email", &code));
    assert_eq!(e.code(), ErrorCode::ExpiredCode);
}

// ----- DeleteUserAttributes, DeleteUser -----

#[test]
fn delete_user_attributes_removes_what_the_client_may_write() {
    let (h, _, _, tokens) = jane();
    h.pool
        .delete_user_attributes(&tokens.access_token, vec!["address".to_owned()])
        .unwrap();
    assert_eq!(h.user(JANE).attribute("address"), None);
    let e = refused(
        h.pool
            .delete_user_attributes(&tokens.access_token, vec!["family_name".to_owned()]),
    );
    assert_eq!(
        e.code(),
        ErrorCode::InvalidParameter,
        "required and immutable"
    );
    assert_eq!(h.user(JANE).attribute("family_name"), Some("Foobar"));
}

#[test]
fn delete_user_attributes_refuses_an_attribute_outside_the_write_list() {
    let (h, _, _, _) = jane();
    let limited = add_client(
        &h,
        password_client_config("limited").write_attributes(["address"]),
    )
    .id()
    .to_owned();
    let access = sign_in(&h, &limited, JANE, PASSWORD).access_token;
    let e = refused(
        h.pool
            .delete_user_attributes(&access, vec!["custom:is_admin".to_owned()]),
    );
    assert_not_authorized(&e, "A client attempted to write unauthorized attribute");
    assert_eq!(h.user(JANE).attribute("custom:is_admin"), Some("false"));
}

#[test]
fn delete_user_removes_the_account_and_its_tokens() {
    let (h, _, client, tokens) = jane();
    h.pool.delete_user(&tokens.access_token).unwrap();
    let e = refused(
        h.pool
            .initiate_auth(InitiateAuthRequest::user_password(&client, JANE, PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
    assert!(h.pool.get_user(&tokens.access_token).is_err());
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::refresh(
        &client,
        refresh_token(&tokens),
    )));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    assert!(h.all_users().is_empty());
}

#[test]
fn a_token_of_a_deleted_user_does_not_work_for_a_new_user_of_the_same_name() {
    let h = staff(true);
    let client = password_client(&h);
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    h.pool.admin_confirm_sign_up("alice").unwrap();
    let old = sign_in(&h, &client, "alice", PASSWORD).access_token;
    h.pool.admin_delete_user("alice").unwrap();
    h.pool
        .sign_up(staff_request(&h, "alice", "alice2@example.com"))
        .unwrap();
    h.pool.admin_confirm_sign_up("alice").unwrap();
    let e = refused(h.pool.get_user(&old));
    assert_ne!(e.code(), ErrorCode::InternalError);
    assert!(
        matches!(e.code(), ErrorCode::NotAuthorized | ErrorCode::UserNotFound),
        "{e}"
    );
}

// ----- ChangePassword -----

#[test]
fn change_password_needs_the_previous_password() {
    let (h, _, _, tokens) = jane();
    let e = refused(h.pool.change_password(userpool::ChangePasswordRequest::new(
        &tokens.access_token,
        "Wrong1234^",
        NEW_PASSWORD,
    )));
    assert_not_authorized(&e, "Incorrect username or password.");
}

#[test]
fn change_password_checks_the_policy() {
    let (h, _, client, tokens) = jane();
    let e = refused(h.pool.change_password(userpool::ChangePasswordRequest::new(
        &tokens.access_token,
        PASSWORD,
        "weak",
    )));
    assert_eq!(e.code(), ErrorCode::InvalidPassword);
    sign_in(&h, &client, JANE, PASSWORD);
}

#[test]
fn after_change_password_the_new_password_signs_in_and_the_old_does_not() {
    let (h, _, client, tokens) = jane();
    h.pool
        .change_password(userpool::ChangePasswordRequest::new(
            &tokens.access_token,
            PASSWORD,
            NEW_PASSWORD,
        ))
        .unwrap();
    sign_in(&h, &client, JANE, NEW_PASSWORD);
    let e = refused(
        h.pool
            .initiate_auth(InitiateAuthRequest::user_password(&client, JANE, PASSWORD)),
    );
    assert_not_authorized(&e, "Incorrect username or password.");
    // Existing tokens keep working, as in Cognito.
    h.pool.get_user(&tokens.access_token).unwrap();
}

// ----- GlobalSignOut, AdminUserGlobalSignOut -----

#[test]
fn global_sign_out_revokes_every_access_token_of_the_user() {
    let (h, _, client, tokens) = jane();
    let other = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.global_sign_out(&tokens.access_token).unwrap();
    for access in [&tokens.access_token, &other.access_token] {
        let e = refused(h.pool.get_user(access));
        assert_not_authorized(&e, "Access Token has been revoked");
    }
    let e = refused(h.pool.global_sign_out(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has been revoked");
}

#[test]
fn signed_out_tokens_still_verify_offline_until_they_expire() {
    let (h, _, client, tokens) = jane();
    h.pool.global_sign_out(&tokens.access_token).unwrap();
    let verifier = h.pool.token_verifier();
    let now = userpool::Clock::now(&h.clock);
    verifier
        .verify_access(&tokens.access_token, Some(&client), now)
        .unwrap();
    verifier
        .verify_id(&tokens.id_token, Some(&client), now)
        .unwrap();
}

#[test]
fn a_new_sign_in_after_global_sign_out_works_at_once() {
    let (h, _, client, tokens) = jane();
    h.pool.global_sign_out(&tokens.access_token).unwrap();
    // The same ManualClock instant.
    let fresh = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.get_user(&fresh.access_token).unwrap();
    h.pool
        .initiate_auth(InitiateAuthRequest::refresh(&client, refresh_token(&fresh)))
        .unwrap();
}

#[test]
fn admin_user_global_sign_out_revokes_the_users_access_tokens() {
    let (h, _, client, tokens) = jane();
    h.pool.admin_user_global_sign_out(JANE).unwrap();
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has been revoked");
    let fresh = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.get_user(&fresh.access_token).unwrap();
    let e = refused(h.pool.admin_user_global_sign_out("nobody@example.com"));
    assert_eq!(e.code(), ErrorCode::UserNotFound);
}

#[test]
fn global_sign_out_leaves_other_users_signed_in() {
    let (h, _, client, tokens) = jane();
    confirmed(&h, "john@example.com");
    let john = sign_in(&h, &client, "john@example.com", PASSWORD);
    h.pool.global_sign_out(&tokens.access_token).unwrap();
    h.pool.get_user(&john.access_token).unwrap();
}

/// A client without token revocation, and Jane's tokens from it.
fn no_revocation(h: &Harness) -> (String, userpool::AuthenticationResult) {
    let client = add_client(
        h,
        password_client_config("no-revocation").enable_token_revocation(false),
    )
    .id()
    .to_owned();
    let tokens = sign_in(h, &client, JANE, PASSWORD);
    (client, tokens)
}

#[test]
fn global_sign_out_revokes_tokens_without_origin_jti_too() {
    let (h, _, _, _) = jane();
    let (_, tokens) = no_revocation(&h);
    h.pool.global_sign_out(&tokens.access_token).unwrap();
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has been revoked");
    // A second later a new sign-in works.
    h.clock.advance(Duration::from_secs(1));
    let (_, fresh) = no_revocation(&h);
    h.pool.get_user(&fresh.access_token).unwrap();
}

#[test]
fn a_new_sign_in_right_after_global_sign_out_works_without_token_revocation() {
    let (h, _, _, _) = jane();
    let (_, tokens) = no_revocation(&h);
    h.pool.global_sign_out(&tokens.access_token).unwrap();
    // The same ManualClock instant.
    let (_, fresh) = no_revocation(&h);
    h.pool.get_user(&fresh.access_token).unwrap();
}

// ----- RevokeToken -----

#[test]
fn revoke_token_revokes_the_access_tokens_of_its_family_only() {
    let (h, _, client, a) = jane();
    let b = sign_in(&h, &client, JANE, PASSWORD);
    // An access token minted from a's refresh token belongs to a's family.
    let a2 = h
        .pool
        .initiate_auth(InitiateAuthRequest::refresh(&client, refresh_token(&a)))
        .unwrap()
        .authentication_result
        .unwrap();
    h.pool
        .revoke_token(revoke(&client, &refresh_token(&a)))
        .unwrap();
    for access in [&a.access_token, &a2.access_token] {
        let e = refused(h.pool.get_user(access));
        assert_not_authorized(&e, "Access Token has been revoked");
    }
    h.pool.get_user(&b.access_token).unwrap();
    h.pool
        .initiate_auth(InitiateAuthRequest::refresh(&client, refresh_token(&b)))
        .unwrap();
    // Revoking again, or an unknown token, succeeds (RFC 7009 §2.2).
    h.pool
        .revoke_token(revoke(&client, &refresh_token(&a)))
        .unwrap();
}

#[test]
fn revoke_token_refuses_an_access_or_id_token() {
    let (h, _, client, tokens) = jane();
    for token in [&tokens.access_token, &tokens.id_token] {
        let e = refused(h.pool.revoke_token(revoke(&client, token)));
        assert_eq!(e.code(), ErrorCode::UnsupportedTokenType);
    }
    h.pool.get_user(&tokens.access_token).unwrap();
}

#[test]
fn revoke_token_refuses_garbage() {
    let (h, _, client, _) = jane();
    let e = refused(h.pool.revoke_token(revoke(&client, "not a token")));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
}

#[test]
fn revoke_token_refuses_a_token_of_another_client() {
    let (h, _, client, tokens) = jane();
    let other = password_client(&h);
    let e = refused(h.pool.revoke_token(revoke(&other, &refresh_token(&tokens))));
    assert_eq!(e.code(), ErrorCode::Unauthorized);
    h.pool.get_user(&tokens.access_token).unwrap();
    h.pool
        .initiate_auth(InitiateAuthRequest::refresh(
            &client,
            refresh_token(&tokens),
        ))
        .unwrap();
}

#[test]
fn revoke_token_through_a_confidential_client_needs_its_secret() {
    let (h, _, _, _) = jane();
    let client = add_client(&h, password_client_config("server").generate_secret(true));
    let id = client.id();
    let secret = client.secret().unwrap().expose_secret().to_owned();
    let hash = userpool::client::secret_hash(client.secret().unwrap(), JANE, id);
    let tokens = h
        .pool
        .initiate_auth(
            InitiateAuthRequest::user_password(id, JANE, PASSWORD).param("SECRET_HASH", hash),
        )
        .unwrap()
        .authentication_result
        .unwrap();
    for wrong in [None, Some("wrong-secret".to_owned())] {
        let mut request = revoke(id, &refresh_token(&tokens));
        request.client_secret = wrong;
        let e = refused(h.pool.revoke_token(request));
        assert_eq!(e.code(), ErrorCode::Unauthorized);
    }
    h.pool.get_user(&tokens.access_token).unwrap();
    let mut request = revoke(id, &refresh_token(&tokens));
    request.client_secret = Some(secret);
    h.pool.revoke_token(request).unwrap();
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has been revoked");
}

#[test]
fn revoke_token_is_unsupported_when_the_client_disables_revocation() {
    let (h, _, _, _) = jane();
    let (client, tokens) = no_revocation(&h);
    let e = refused(
        h.pool
            .revoke_token(revoke(&client, &refresh_token(&tokens))),
    );
    assert_eq!(e.code(), ErrorCode::UnsupportedOperation);
    h.pool.get_user(&tokens.access_token).unwrap();
}

// ----- AdminDisableUser -----

#[test]
fn disabling_a_user_revokes_their_access_tokens_for_good() {
    let (h, _, client, tokens) = jane();
    h.pool.admin_disable_user(JANE).unwrap();
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has been revoked");
    h.pool.admin_enable_user(JANE).unwrap();
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has been revoked");
    let fresh = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.get_user(&fresh.access_token).unwrap();
}

#[test]
fn disabling_a_user_revokes_tokens_without_origin_jti_for_good() {
    let (h, _, _, _) = jane();
    let (_, tokens) = no_revocation(&h);
    h.pool.admin_disable_user(JANE).unwrap();
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has been revoked");
    h.pool.admin_enable_user(JANE).unwrap();
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has been revoked");
}

// ----- token errors -----

#[test]
fn an_expired_access_token_is_refused() {
    let (h, _, _, tokens) = jane();
    h.clock.advance(Duration::from_secs(3599));
    h.pool.get_user(&tokens.access_token).unwrap();
    h.clock.advance(Duration::from_secs(1));
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_not_authorized(&e, "Access Token has expired");
}

#[test]
fn an_id_token_or_garbage_is_not_an_access_token() {
    let (h, _, _, tokens) = jane();
    let mut tampered = tokens.access_token.clone().into_bytes();
    let i = tampered.len() - 5;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for token in [
        tokens.id_token.as_str(),
        "garbage",
        "",
        "a.b.c",
        tampered.as_str(),
        refresh_token(&tokens).as_str(),
    ] {
        let e = refused(h.pool.get_user(token));
        assert_not_authorized(&e, "Invalid Access Token");
    }
}

#[test]
fn every_access_token_operation_refuses_a_revoked_token() {
    let (h, _, _, tokens) = jane();
    h.pool.global_sign_out(&tokens.access_token).unwrap();
    let t = tokens.access_token.as_str();
    let code = userpool::Code::new("123456");
    let results = [
        h.pool.get_user(t).map(|_| ()),
        h.pool
            .update_user_attributes(t, vec![Attribute::new("address", "x")])
            .map(|_| ()),
        h.pool
            .get_user_attribute_verification_code(t, "email")
            .map(|_| ()),
        h.pool.verify_user_attribute(t, "email", &code),
        h.pool.delete_user_attributes(t, vec!["address".to_owned()]),
        h.pool.change_password(userpool::ChangePasswordRequest::new(
            t,
            PASSWORD,
            NEW_PASSWORD,
        )),
        h.pool.global_sign_out(t),
        h.pool.delete_user(t),
    ];
    for result in results {
        let e = refused(result);
        assert_not_authorized(&e, "Access Token has been revoked");
    }
    assert_eq!(h.all_users().len(), 1);
    assert_eq!(h.user(JANE).attribute("address"), Some("1 Main St"));
}

// ----- secrets in Debug -----

#[test]
fn a_revoke_token_request_never_shows_the_token_or_the_secret() {
    let (_, _, client, tokens) = jane();
    let token = refresh_token(&tokens);
    let mut request = revoke(&client, &token);
    request.client_secret = Some("the-client-secret-value".to_owned());
    let debug = format!("{request:?} {request:#?}");
    assert!(!debug.contains(&token), "{debug}");
    for segment in token.split('.').skip(1).filter(|s| s.len() > 8) {
        assert!(!debug.contains(segment), "{debug}");
    }
    assert!(!debug.contains("the-client-secret-value"), "{debug}");
    assert!(debug.contains(&client));
}
