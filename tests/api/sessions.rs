//! The `NEW_PASSWORD_REQUIRED` challenge of admin-created users: its
//! parameters, the answer through `RespondToAuthChallenge` and
//! `AdminRespondToAuthChallenge`, required attributes, and the `Session`:
//! single use, the client's `AuthSessionValidity`, and tamper-proof; and the
//! temporary password's own validity (cognito-protocol.md §1.9 step 7, §4.6,
//! §4.7, §5.2).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use userpool::client::secret_hash;
use userpool::config::PasswordPolicy;
use userpool::config::PoolConfig;
use userpool::config::VerifiedAttribute;
use userpool::schema::StandardAttribute;
use userpool::store::MemoryStore;
use userpool::{
    AdminCreateUserRequest, AuthResponse, ChallengeName, ErrorCode, InitiateAuthRequest,
    MessageAction, RespondToAuthChallengeRequest, UserStatus,
};

use super::common::{
    Harness, add_client, claims, password_client, password_client_config, refused, sign_in, staff,
};
use crate::support::PASSWORD;

const TEMPORARY: &str = "Temp0rary!";
const NEW: &str = "N3w-password";

/// Creates `username` (given name Al, an email) with [`TEMPORARY`] as its
/// temporary password and no invitation.
fn invite(h: &Harness, username: &str) {
    let mut request = AdminCreateUserRequest::new(username)
        .attribute("given_name", "Al")
        .attribute("email", format!("{username}@example.com"));
    request.temporary_password = Some(TEMPORARY.into());
    request.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(request).unwrap();
}

/// A staff pool with alice invited and a password client.
fn invited() -> (Harness, String) {
    let h = staff(true);
    invite(&h, "alice");
    let client = password_client(&h);
    (h, client)
}

/// Signs `username` in with the temporary password; the challenge it gets.
fn challenge(h: &Harness, client: &str, username: &str) -> AuthResponse {
    let response = h
        .pool
        .initiate_auth(InitiateAuthRequest::user_password(
            client, username, TEMPORARY,
        ))
        .unwrap();
    assert_eq!(
        response.challenge_name,
        Some(ChallengeName::NewPasswordRequired)
    );
    response
}

fn answer(
    client: &str,
    session: Option<&str>,
    username: &str,
    password: &str,
) -> RespondToAuthChallengeRequest {
    RespondToAuthChallengeRequest::new(
        client,
        ChallengeName::NewPasswordRequired,
        session.map(str::to_owned),
    )
    .response("USERNAME", username)
    .response("NEW_PASSWORD", password)
}

fn assert_refused_session(e: &userpool::Error, message: &str) {
    assert_eq!((e.code(), e.message()), (ErrorCode::NotAuthorized, message));
}

// ----- the challenge -----

#[test]
fn a_temporary_password_leads_to_new_password_required_with_its_parameters() {
    let (h, client) = invited();
    let response = challenge(&h, &client, "alice");
    assert!(response.authentication_result.is_none());
    assert!(response.session.as_ref().is_some_and(|s| !s.is_empty()));
    let p = &response.challenge_parameters;
    assert_eq!(
        p.keys().map(String::as_str).collect::<Vec<_>>(),
        ["USER_ID_FOR_SRP", "requiredAttributes", "userAttributes"]
    );
    assert_eq!(p["USER_ID_FOR_SRP"], "alice");
    assert_eq!(p["requiredAttributes"], "[]");
    let attributes: Value = serde_json::from_str(&p["userAttributes"]).unwrap();
    assert_eq!(
        attributes,
        json!({"email": "alice@example.com", "given_name": "Al"}),
        "a JSON object of strings, without sub"
    );
}

#[test]
fn admin_initiate_auth_puts_the_same_challenge() {
    let (h, client) = invited();
    let response = h
        .pool
        .admin_initiate_auth(
            InitiateAuthRequest::new(userpool::client::AuthFlow::AdminUserPasswordAuth, &client)
                .param("USERNAME", "alice")
                .param("PASSWORD", TEMPORARY),
        )
        .unwrap();
    assert_eq!(
        response.challenge_name,
        Some(ChallengeName::NewPasswordRequired)
    );
    let tokens = h
        .pool
        .admin_respond_to_auth_challenge(answer(&client, response.session.as_deref(), "alice", NEW))
        .unwrap();
    assert!(tokens.authentication_result.is_some());
}

#[test]
fn a_wrong_temporary_password_is_incorrect() {
    let (h, client) = invited();
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::user_password(
        &client,
        "alice",
        "Wrong0ne!",
    )));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Incorrect username or password.")
    );
}

// ----- the answer -----

#[test]
fn a_good_new_password_gives_tokens_and_confirms_the_user() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    let response = h
        .pool
        .respond_to_auth_challenge(answer(&client, session.as_deref(), "alice", NEW))
        .unwrap();
    assert_eq!(response.challenge_name, None);
    assert_eq!(response.session, None);
    let tokens = response.authentication_result.unwrap();
    assert_eq!(tokens.expires_in, 3600);
    assert_eq!(tokens.token_type, "Bearer");
    assert!(tokens.refresh_token.is_some());
    assert_eq!(claims(&tokens.access_token)["username"], "alice");
    assert_eq!(h.user("alice").status, UserStatus::Confirmed);
    assert!(h.has_password("alice", NEW));
    assert!(h.record("alice").temporary_password_expires_at.is_none());
    sign_in(&h, &client, "alice", NEW);
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::user_password(
        &client, "alice", TEMPORARY,
    )));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
}

#[test]
fn a_weak_new_password_is_refused_and_the_session_stays_usable() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        &client,
        session.as_deref(),
        "alice",
        "weak",
    )));
    assert_eq!(e.code(), ErrorCode::InvalidPassword);
    assert!(
        e.message()
            .starts_with("Password did not conform with policy: "),
        "{}",
        e.message()
    );
    assert_eq!(h.user("alice").status, UserStatus::ForceChangePassword);
    h.pool
        .respond_to_auth_challenge(answer(&client, session.as_deref(), "alice", NEW))
        .unwrap();
}

#[test]
fn a_missing_new_password_is_refused_by_name() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    let request =
        RespondToAuthChallengeRequest::new(&client, ChallengeName::NewPasswordRequired, session)
            .response("USERNAME", "alice");
    let e = refused(h.pool.respond_to_auth_challenge(request));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Missing required parameter NEW_PASSWORD"
        )
    );
}

/// The session's user is checked before the new password is looked for:
/// another user's name is an invalid session even without `NEW_PASSWORD`.
#[test]
fn another_users_name_is_refused_before_a_missing_new_password() {
    let (h, client) = invited();
    invite(&h, "bob");
    let session = challenge(&h, &client, "alice").session;
    let request =
        RespondToAuthChallengeRequest::new(&client, ChallengeName::NewPasswordRequired, session)
            .response("USERNAME", "bob");
    let e = refused(h.pool.respond_to_auth_challenge(request));
    assert_refused_session(&e, "Invalid session for the user.");
}

#[test]
fn the_answer_may_set_writable_attributes_but_not_unauthorized_ones() {
    let h = staff(true);
    invite(&h, "alice");
    let client = password_client(&h);
    let limited = add_client(
        &h,
        password_client_config("limited").write_attributes(["given_name"]),
    )
    .id()
    .to_owned();
    let session = challenge(&h, &limited, "alice").session;
    let e = refused(
        h.pool.respond_to_auth_challenge(
            answer(&limited, session.as_deref(), "alice", NEW)
                .response("userAttributes.nickname", "Ally"),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "A client attempted to write unauthorized attribute"
        )
    );
    let session = challenge(&h, &client, "alice").session;
    h.pool
        .respond_to_auth_challenge(
            answer(&client, session.as_deref(), "alice", NEW)
                .response("userAttributes.nickname", "Ally"),
        )
        .unwrap();
    assert_eq!(h.user("alice").attribute("nickname"), Some("Ally"));
}

/// Two pools over one store, the second requiring `family_name`: a user
/// created before the requirement lacks it, as admin-created users may.
fn missing_family_name() -> (Harness, String) {
    let store = Arc::new(MemoryStore::new());
    let before = Harness::with_store(
        PoolConfig::builder("staff")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .build()
            .unwrap(),
        store.clone(),
    );
    let mut request = AdminCreateUserRequest::new("alice").attribute("email", "alice@example.com");
    request.temporary_password = Some(TEMPORARY.into());
    request.message_action = Some(MessageAction::Suppress);
    before.pool.admin_create_user(request).unwrap();
    let after = Harness::with_store(
        PoolConfig::builder("staff")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .standard_attribute(StandardAttribute::new("family_name").required())
            .build()
            .unwrap(),
        store,
    );
    let client = password_client(&after);
    (after, client)
}

#[test]
fn a_missing_required_attribute_is_listed_with_the_user_attributes_prefix() {
    let (h, client) = missing_family_name();
    let response = challenge(&h, &client, "alice");
    let required: Value =
        serde_json::from_str(&response.challenge_parameters["requiredAttributes"]).unwrap();
    assert_eq!(required, json!(["userAttributes.family_name"]));
}

#[test]
fn a_missing_required_attribute_must_be_supplied_with_the_new_password() {
    let (h, client) = missing_family_name();
    let session = challenge(&h, &client, "alice").session;
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        &client,
        session.as_deref(),
        "alice",
        NEW,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Attributes did not conform to the schema: family_name: The attribute is required"
        )
    );
    assert_eq!(h.user("alice").status, UserStatus::ForceChangePassword);
    // The refusal did not use the session up.
    let response = h
        .pool
        .respond_to_auth_challenge(
            answer(&client, session.as_deref(), "alice", NEW)
                .response("userAttributes.family_name", "Smith"),
        )
        .unwrap();
    assert!(response.authentication_result.is_some());
    let user = h.user("alice");
    assert_eq!(user.status, UserStatus::Confirmed);
    assert_eq!(user.attribute("family_name"), Some("Smith"));
}

/// cognito-protocol.md §4.6: the answer "cannot overwrite a required
/// attribute that already has a value".
#[test]
fn the_answer_cannot_overwrite_a_required_attribute_that_has_a_value() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    let e = refused(
        h.pool.respond_to_auth_challenge(
            answer(&client, session.as_deref(), "alice", NEW)
                .response("userAttributes.given_name", "Bob"),
        ),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(h.user("alice").attribute("given_name"), Some("Al"));
}

// ----- the session -----

#[test]
fn a_session_can_only_be_used_once() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    h.pool
        .respond_to_auth_challenge(answer(&client, session.as_deref(), "alice", NEW))
        .unwrap();
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        &client,
        session.as_deref(),
        "alice",
        "An0ther-password",
    )));
    assert_refused_session(
        &e,
        "Invalid session for the user, session can only be used once.",
    );
    assert!(h.has_password("alice", NEW));
}

#[test]
fn a_session_expires_after_three_minutes_by_default() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    h.clock.advance(Duration::from_secs(3 * 60));
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        &client,
        session.as_deref(),
        "alice",
        NEW,
    )));
    assert_refused_session(&e, "Invalid session for the user, session is expired.");
    assert_eq!(h.user("alice").status, UserStatus::ForceChangePassword);
}

#[test]
fn a_session_works_until_just_before_three_minutes() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    h.clock.advance(Duration::from_secs(3 * 60 - 1));
    h.pool
        .respond_to_auth_challenge(answer(&client, session.as_deref(), "alice", NEW))
        .unwrap();
}

#[test]
fn a_session_lives_as_long_as_the_clients_auth_session_validity() {
    let h = staff(true);
    invite(&h, "alice");
    let client = add_client(&h, password_client_config("slow").auth_session_validity(5))
        .id()
        .to_owned();
    let session = challenge(&h, &client, "alice").session;
    h.clock.advance(Duration::from_secs(5 * 60));
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        &client,
        session.as_deref(),
        "alice",
        NEW,
    )));
    assert_refused_session(&e, "Invalid session for the user, session is expired.");

    let session = challenge(&h, &client, "alice").session;
    h.clock.advance(Duration::from_secs(4 * 60));
    h.pool
        .respond_to_auth_challenge(answer(&client, session.as_deref(), "alice", NEW))
        .unwrap();
}

#[test]
fn a_garbage_or_missing_session_is_invalid() {
    let (h, client) = invited();
    let real = challenge(&h, &client, "alice").session.unwrap();
    let mut tampered = real.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for session in [
        None,
        Some(""),
        Some("garbage"),
        Some("!!!not base64!!!"),
        Some(tampered.as_str()),
        Some(&*"A".repeat(5000)),
    ] {
        let e = refused(
            h.pool
                .respond_to_auth_challenge(answer(&client, session, "alice", NEW)),
        );
        assert_refused_session(&e, "Invalid session for the user.");
    }
    // None of that used the real session up.
    h.pool
        .respond_to_auth_challenge(answer(&client, Some(&real), "alice", NEW))
        .unwrap();
}

#[test]
fn a_session_is_bound_to_its_client_and_its_user() {
    let (h, client) = invited();
    invite(&h, "bob");
    let other = password_client(&h);
    let session = challenge(&h, &client, "alice").session;
    let e =
        refused(
            h.pool
                .respond_to_auth_challenge(answer(&other, session.as_deref(), "alice", NEW)),
        );
    assert_refused_session(&e, "Invalid session for the user.");
    let e =
        refused(
            h.pool
                .respond_to_auth_challenge(answer(&client, session.as_deref(), "bob", NEW)),
        );
    assert_refused_session(&e, "Invalid session for the user.");
    assert_eq!(h.user("bob").status, UserStatus::ForceChangePassword);
    h.pool
        .respond_to_auth_challenge(answer(&client, session.as_deref(), "alice", NEW))
        .unwrap();
}

#[test]
fn a_session_of_another_pool_is_invalid() {
    let (h, client) = invited();
    let (other, other_client) = invited();
    let foreign = challenge(&other, &other_client, "alice").session;
    let _ = challenge(&h, &client, "alice");
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        &client,
        foreign.as_deref(),
        "alice",
        NEW,
    )));
    assert_refused_session(&e, "Invalid session for the user.");
}

#[test]
fn a_confidential_client_needs_the_secret_hash_in_the_answer_too() {
    let h = staff(true);
    invite(&h, "alice");
    let client = add_client(&h, password_client_config("server").generate_secret(true));
    let hash = secret_hash(client.secret().unwrap(), "alice", client.id());
    let response = h
        .pool
        .initiate_auth(
            InitiateAuthRequest::user_password(client.id(), "alice", TEMPORARY)
                .param("SECRET_HASH", &hash),
        )
        .unwrap();
    let session = response.session;
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        client.id(),
        session.as_deref(),
        "alice",
        NEW,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            format!(
                "Client {} is configured with secret but SECRET_HASH was not received",
                client.id()
            )
            .as_str()
        )
    );
    h.pool
        .respond_to_auth_challenge(
            answer(client.id(), session.as_deref(), "alice", NEW).response("SECRET_HASH", hash),
        )
        .unwrap();
}

/// The session names the user by username only, not by `sub`.
#[test]
fn a_session_does_not_carry_over_to_a_new_user_of_the_same_name() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    h.pool.admin_delete_user("alice").unwrap();
    let mut request = AdminCreateUserRequest::new("alice")
        .attribute("given_name", "Another")
        .attribute("email", "another@example.com");
    request.temporary_password = Some("0ther-Temp!".into());
    request.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(request).unwrap();
    let result =
        h.pool
            .respond_to_auth_challenge(answer(&client, session.as_deref(), "alice", NEW));
    assert!(
        !h.has_password("alice", NEW),
        "the old session set the new user's password"
    );
    let e = refused(result);
    assert_refused_session(&e, "Invalid session for the user.");
    assert_eq!(h.user("alice").status, UserStatus::ForceChangePassword);
}

#[test]
fn a_user_disabled_during_the_challenge_is_refused_without_any_change() {
    let (h, client) = invited();
    let session = challenge(&h, &client, "alice").session;
    h.pool.admin_disable_user("alice").unwrap();
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        &client,
        session.as_deref(),
        "alice",
        NEW,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "User is disabled.")
    );
    assert_eq!(h.user("alice").status, UserStatus::ForceChangePassword);
    assert!(h.has_password("alice", TEMPORARY));
    assert!(!h.has_password("alice", NEW));
}

// ----- the temporary password's validity -----

#[test]
fn an_expired_temporary_password_must_be_reset_by_an_administrator() {
    let (h, client) = invited();
    h.clock.advance(Duration::from_secs(7 * 86_400));
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::user_password(
        &client, "alice", TEMPORARY,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "Temporary password has expired and must be reset by an administrator."
        )
    );
}

#[test]
fn a_temporary_password_works_until_just_before_its_validity_ends() {
    let (h, client) = invited();
    h.clock.advance(Duration::from_secs(7 * 86_400 - 1));
    challenge(&h, &client, "alice");
}

#[test]
fn the_temporary_password_validity_follows_the_policy() {
    let h = Harness::new(
        PoolConfig::builder("short")
            .password_policy(
                PasswordPolicy::builder()
                    .temporary_password_validity_days(1)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap(),
    );
    let mut request = AdminCreateUserRequest::new("alice");
    request.temporary_password = Some(TEMPORARY.into());
    request.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(request).unwrap();
    let client = password_client(&h);
    h.clock.advance(Duration::from_secs(86_400 - 1));
    challenge(&h, &client, "alice");
    h.clock.advance(Duration::from_secs(1));
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::user_password(
        &client, "alice", TEMPORARY,
    )));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    assert_eq!(
        e.message(),
        "Temporary password has expired and must be reset by an administrator."
    );
}

#[test]
fn a_temporary_password_expiring_during_the_challenge_refuses_the_answer() {
    let (h, client) = invited();
    h.clock.advance(Duration::from_secs(7 * 86_400 - 60));
    let session = challenge(&h, &client, "alice").session;
    h.clock.advance(Duration::from_secs(90));
    let e = refused(h.pool.respond_to_auth_challenge(answer(
        &client,
        session.as_deref(),
        "alice",
        NEW,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "Temporary password has expired and must be reset by an administrator."
        )
    );
    assert_eq!(h.user("alice").status, UserStatus::ForceChangePassword);
}

#[test]
fn an_admin_can_issue_a_fresh_temporary_password_after_expiry() {
    let (h, client) = invited();
    h.clock.advance(Duration::from_secs(8 * 86_400));
    h.pool
        .admin_set_user_password(userpool::AdminSetUserPasswordRequest::new(
            "alice", TEMPORARY,
        ))
        .unwrap();
    let session = challenge(&h, &client, "alice").session;
    h.pool
        .respond_to_auth_challenge(answer(&client, session.as_deref(), "alice", PASSWORD))
        .unwrap();
    sign_in(&h, &client, "alice", PASSWORD);
}

// ----- secrets in Debug -----

#[test]
fn a_challenge_answer_never_shows_the_new_password() {
    let request = answer("client", Some("c2Vzc2lvbg"), "alice", NEW);
    let debug = format!("{request:?} {request:#?}");
    assert!(!debug.contains(NEW), "{debug}");
    assert!(debug.contains("NEW_PASSWORD"), "{debug}");
}

/// A `Session` lets its holder set the user's password for minutes: a
/// bearer secret like a token, which the crate's other `Debug`s redact.
#[test]
fn a_challenge_session_never_shows_in_debug() {
    let (h, client) = invited();
    let response = challenge(&h, &client, "alice");
    let session = response.session.clone().unwrap();
    let request = answer(&client, Some(&session), "alice", NEW);
    let debug = format!("{response:?} {request:?}");
    assert!(!debug.contains(&session), "{debug}");
}
