//! Username pools: uniqueness, case sensitivity, and email aliases that
//! collide only at confirmation (cognito-protocol.md §4.4, §5.3, §7.4).

use userpool::schema::Attribute;
use userpool::{ConfirmSignUpRequest, ErrorCode, SignUpRequest, UserStatus};

use super::common::{Harness, alias_pool, refused, staff, staff_request};
use crate::support::PASSWORD;

#[test]
fn a_taken_username_is_refused_with_user_already_exists() {
    let h = staff(true);
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    let e = refused(
        h.pool
            .sign_up(staff_request(&h, "alice", "other@example.com")),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UsernameExists, "User already exists")
    );
    assert_eq!(h.all_users().len(), 1);
    assert_eq!(
        h.user("alice").attribute("email"),
        Some("alice@example.com")
    );
}

#[test]
fn a_case_insensitive_pool_treats_alice_and_lowercase_alice_as_one_user() {
    let h = staff(false);
    h.pool
        .sign_up(staff_request(&h, "Alice", "alice@example.com"))
        .unwrap();
    let e = refused(
        h.pool
            .sign_up(staff_request(&h, "alice", "other@example.com")),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UsernameExists, "User already exists")
    );
    // Lookups fold case, and the username keeps the form it was created with.
    assert_eq!(h.user("ALICE").username, "Alice");
    assert_eq!(h.user("alice").username, "Alice");
    assert_eq!(h.all_users().len(), 1);
}

#[test]
fn an_exact_duplicate_username_is_refused_in_a_case_insensitive_pool() {
    let h = staff(false);
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    let e = refused(
        h.pool
            .sign_up(staff_request(&h, "alice", "other@example.com")),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UsernameExists, "User already exists")
    );
}

#[test]
fn a_case_sensitive_pool_keeps_alice_and_lowercase_alice_apart() {
    let h = staff(true);
    h.pool
        .sign_up(staff_request(&h, "Alice", "alice@example.com"))
        .unwrap();
    h.pool
        .sign_up(staff_request(&h, "alice", "other@example.com"))
        .unwrap();
    assert_eq!(
        h.user("Alice").attribute("email"),
        Some("alice@example.com")
    );
    assert_eq!(
        h.user("alice").attribute("email"),
        Some("other@example.com")
    );
    let e = refused(h.pool.admin_get_user("ALICE"));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
    let names: Vec<String> = h.all_users().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["Alice", "alice"]);
}

#[test]
fn an_alias_pool_refuses_an_email_shaped_username() {
    let h = alias_pool();
    let e = refused(
        h.pool.sign_up(
            SignUpRequest::new(h.client(), "bob@example.com", PASSWORD)
                .attribute("email", "bob@example.com"),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Username cannot be of email format, since user pool is configured for email alias."
        )
    );
    assert!(h.all_users().is_empty());
}

const SHARED: &str = "shared@example.com";

/// An alias pool where `bob` and `carol` both signed up with [`SHARED`].
fn bob_and_carol_share_an_email() -> Harness {
    let h = alias_pool();
    for name in ["bob", "carol"] {
        h.pool
            .sign_up(SignUpRequest::new(h.client(), name, PASSWORD).attribute("email", SHARED))
            .unwrap_or_else(|e| panic!("sign_up({name}): {e}"));
    }
    h
}

#[test]
fn two_users_may_sign_up_with_the_same_email_in_an_alias_pool() {
    let h = bob_and_carol_share_an_email();
    for name in ["bob", "carol"] {
        let user = h.user(name);
        assert_eq!(user.status, UserStatus::Unconfirmed);
        assert_eq!(user.attribute("email"), Some(SHARED));
        assert_eq!(h.outbox.messages_for(name).len(), 1, "{name} got a code");
    }
    // An unverified email is not an alias yet.
    let e = refused(h.pool.admin_get_user(SHARED));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
}

#[test]
fn the_first_user_to_confirm_an_email_alias_owns_it() {
    let h = bob_and_carol_share_an_email();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "bob",
            h.code_for("bob"),
        ))
        .unwrap();
    let owner = h.user(SHARED);
    assert_eq!(owner.username, "bob");
    assert_eq!(owner.attribute("email_verified"), Some("true"));
}

#[test]
fn the_second_confirmation_of_a_verified_alias_is_refused_and_leaves_the_user_unconfirmed() {
    let h = bob_and_carol_share_an_email();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "bob",
            h.code_for("bob"),
        ))
        .unwrap();
    let e = refused(h.pool.confirm_sign_up(ConfirmSignUpRequest::new(
        h.client(),
        "carol",
        h.code_for("carol"),
    )));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::AliasExists,
            "An account with the email already exists."
        )
    );
    let carol = h.user("carol");
    assert_eq!(carol.status, UserStatus::Unconfirmed);
    assert_ne!(carol.attribute("email_verified"), Some("true"));
    assert_eq!(h.user(SHARED).username, "bob");
}

#[test]
fn a_code_refused_for_alias_collision_still_works_once_the_alias_is_free() {
    let h = bob_and_carol_share_an_email();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "bob",
            h.code_for("bob"),
        ))
        .unwrap();
    let carol_code = h.code_for("carol");
    assert_eq!(
        refused(h.pool.confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "carol",
            carol_code.clone()
        )))
        .code(),
        ErrorCode::AliasExists
    );

    // Bob moves to another address, which is not verified yet: the alias is free.
    h.pool
        .admin_update_user_attributes("bob", vec![Attribute::new("email", "bob@example.com")])
        .unwrap();
    assert_eq!(h.user("bob").attribute("email_verified"), Some("false"));
    assert_eq!(
        refused(h.pool.admin_get_user(SHARED)).code(),
        ErrorCode::UserNotFound
    );

    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(h.client(), "carol", carol_code))
        .unwrap();
    let carol = h.user(SHARED);
    assert_eq!(carol.username, "carol");
    assert_eq!(carol.status, UserStatus::Confirmed);
    assert_eq!(carol.attribute("email_verified"), Some("true"));
}

#[test]
fn the_alias_goes_to_the_first_to_confirm_not_the_first_to_sign_up() {
    let h = bob_and_carol_share_an_email();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "carol",
            h.code_for("carol"),
        ))
        .unwrap();
    assert_eq!(h.user(SHARED).username, "carol");
    let e = refused(h.pool.confirm_sign_up(ConfirmSignUpRequest::new(
        h.client(),
        "bob",
        h.code_for("bob"),
    )));
    assert_eq!(e.code(), ErrorCode::AliasExists);
    assert_eq!(h.user("bob").status, UserStatus::Unconfirmed);
}

#[test]
fn deleting_the_alias_owner_frees_the_alias_for_the_next_confirmation() {
    let h = bob_and_carol_share_an_email();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "bob",
            h.code_for("bob"),
        ))
        .unwrap();
    h.pool.admin_delete_user("bob").unwrap();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "carol",
            h.code_for("carol"),
        ))
        .unwrap();
    assert_eq!(h.user(SHARED).username, "carol");
}

#[test]
fn an_admin_cannot_verify_an_alias_another_user_holds() {
    let h = bob_and_carol_share_an_email();
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "bob",
            h.code_for("bob"),
        ))
        .unwrap();
    let e = refused(
        h.pool
            .admin_update_user_attributes("carol", vec![Attribute::new("email_verified", "true")]),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::AliasExists,
            "An account with the email already exists."
        )
    );
    assert_ne!(h.user("carol").attribute("email_verified"), Some("true"));
    assert_eq!(h.user(SHARED).username, "bob");
}

#[test]
fn a_case_insensitive_email_pool_treats_emails_differing_in_case_as_one() {
    let h = Harness::new(
        crate::support::pools::quickstart_config()
            .case_sensitive(false)
            .build()
            .unwrap(),
    );
    let mut first = super::common::sign_up_request(&h, "Jane.Doe@Example.com");
    first.password = Some(PASSWORD.into());
    let sub = h.pool.sign_up(first).unwrap().user_sub;
    let e = refused(
        h.pool
            .sign_up(super::common::sign_up_request(&h, "jane.doe@example.com")),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UsernameExists,
            "An account with the given email already exists."
        )
    );
    let user = h.user("JANE.DOE@EXAMPLE.COM");
    assert_eq!(user.username, sub);
    assert_eq!(user.attribute("email"), Some("Jane.Doe@Example.com"));
}

#[test]
fn a_username_with_whitespace_is_refused() {
    let h = staff(true);
    let e = refused(
        h.pool
            .sign_up(staff_request(&h, "al ice", "alice@example.com")),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert!(h.all_users().is_empty());
}

// ----- pools with both email and phone number as username attributes -----

const MALLORY: &str = "mallory@example.com";
const PHONE: &str = "+15555550100";

/// Users sign up with an email or a phone number as username; email
/// auto-verified; no other attribute required.
fn email_or_phone() -> Harness {
    Harness::new(
        userpool::config::PoolConfig::builder("either")
            .username_attributes(&[
                userpool::config::UsernameAttribute::Email,
                userpool::config::UsernameAttribute::PhoneNumber,
            ])
            .auto_verified_attributes(&[userpool::config::VerifiedAttribute::Email])
            .build()
            .expect("the pool is valid"),
    )
}

fn password_sign_in(h: &Harness, name: &str, password: &str) -> Result<String, userpool::Error> {
    let client = super::common::password_client(h);
    h.pool
        .initiate_auth(userpool::InitiateAuthRequest::user_password(
            &client, name, password,
        ))
        .map(|r| {
            let tokens = r.authentication_result.expect("tokens");
            super::common::claims(&tokens.id_token)["sub"]
                .as_str()
                .expect("a sub claim")
                .to_owned()
        })
}

/// Mallory signs up by email, confirmed, with `PHONE` as an unverified
/// second identifier; returns her `sub`.
fn mallory_claims_the_phone(h: &Harness) -> String {
    let sub = h
        .pool
        .sign_up(
            SignUpRequest::new(h.client(), MALLORY, "Mallory-pass1")
                .attribute("phone_number", PHONE),
        )
        .unwrap()
        .user_sub;
    h.pool.admin_confirm_sign_up(MALLORY).unwrap();
    sub
}

/// AWS: the username attribute "doesn't have to be verified"; an account's
/// second identifier is not its username, and an unverified one must not
/// take the number or address from its owner.
#[test]
fn an_unverified_second_identifier_neither_blocks_its_owner_nor_signs_in() {
    let h = email_or_phone();
    let mallory = mallory_claims_the_phone(&h);
    // Before the fix this was UsernameExistsException: Mallory held the
    // victim's number as a unique key.
    let victim = h
        .pool
        .sign_up(SignUpRequest::new(h.client(), PHONE, PASSWORD))
        .unwrap()
        .user_sub;
    h.pool.admin_confirm_sign_up(PHONE).unwrap();
    // The number signs the victim in, never Mallory.
    assert_eq!(password_sign_in(&h, PHONE, PASSWORD).unwrap(), victim);
    let e = refused(password_sign_in(&h, PHONE, "Mallory-pass1"));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Incorrect username or password.")
    );
    assert_eq!(
        password_sign_in(&h, MALLORY, "Mallory-pass1").unwrap(),
        mallory
    );
    assert_eq!(h.user(PHONE).attribute("sub"), Some(victim.as_str()));
    // Nor can an admin verify it for Mallory while the victim holds it.
    let e = refused(h.pool.admin_update_user_attributes(
        MALLORY,
        vec![Attribute::new("phone_number_verified", "true")],
    ));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::AliasExists,
            "An account with the phone_number already exists."
        )
    );
}

#[test]
fn a_verified_second_identifier_signs_in_and_is_unique() {
    let h = email_or_phone();
    let mallory = mallory_claims_the_phone(&h);
    assert_eq!(
        refused(password_sign_in(&h, PHONE, "Mallory-pass1")).code(),
        ErrorCode::UserNotFound
    );
    h.pool
        .admin_update_user_attributes(
            MALLORY,
            vec![Attribute::new("phone_number_verified", "true")],
        )
        .unwrap();
    assert_eq!(
        password_sign_in(&h, PHONE, "Mallory-pass1").unwrap(),
        mallory
    );
    // Now it is taken, as a username.
    let e = refused(
        h.pool
            .sign_up(SignUpRequest::new(h.client(), PHONE, PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UsernameExists,
            "An account with the given phone_number already exists."
        )
    );
}

#[test]
fn the_username_attribute_cannot_be_deleted_and_the_other_one_can() {
    let h = email_or_phone();
    mallory_claims_the_phone(&h);
    let e = refused(
        h.pool
            .admin_delete_user_attributes(MALLORY, vec!["email".to_owned()]),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "The email attribute is used as the username and cannot be deleted."
        )
    );
    h.pool
        .admin_delete_user_attributes(MALLORY, vec!["phone_number".to_owned()])
        .unwrap();
    assert_eq!(h.user(MALLORY).attribute("phone_number"), None);
    // A user who signed up by phone keeps the phone, and may drop an email.
    h.pool
        .sign_up(
            SignUpRequest::new(h.client(), PHONE, PASSWORD).attribute("email", "p@example.com"),
        )
        .unwrap();
    let e = refused(
        h.pool
            .admin_delete_user_attributes(PHONE, vec!["phone_number".to_owned()]),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    h.pool
        .admin_delete_user_attributes(PHONE, vec!["email".to_owned()])
        .unwrap();
}

/// A user stored before the username attribute was kept (no
/// `username_attribute`) who has only an email: adding an unverified phone
/// must not make it theirs either.
#[test]
fn a_user_stored_before_the_field_cannot_claim_a_number_unverified() {
    use userpool::store::{IndexKey, UserStore};
    let h = email_or_phone();
    mallory_claims_the_phone(&h);
    h.pool
        .admin_delete_user_attributes(MALLORY, vec!["phone_number".to_owned()])
        .unwrap();
    let mallory = h.user(MALLORY);
    let mut legacy = h.record(&mallory.username);
    legacy.username_attribute = None;
    let keys = [
        IndexKey::Username(legacy.username.clone()),
        IndexKey::Sub(legacy.username.clone()),
        IndexKey::Email(MALLORY.to_owned()),
    ];
    h.store
        .update_user(h.pool.id(), &legacy, legacy.version, &keys)
        .unwrap();
    h.pool
        .admin_update_user_attributes(MALLORY, vec![Attribute::new("phone_number", PHONE)])
        .unwrap();
    assert_eq!(
        h.record(&mallory.username).username_attribute.as_deref(),
        Some("email")
    );
    h.pool
        .sign_up(SignUpRequest::new(h.client(), PHONE, PASSWORD))
        .unwrap();
    h.pool.admin_confirm_sign_up(PHONE).unwrap();
    assert_ne!(
        password_sign_in(&h, PHONE, PASSWORD).unwrap(),
        mallory.attribute("sub").unwrap_or_default()
    );
}
