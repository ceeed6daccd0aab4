//! Password sign-in: `USER_PASSWORD_AUTH` through `InitiateAuth` and
//! `ADMIN_USER_PASSWORD_AUTH` through `AdminInitiateAuth`, the client's flow
//! list, the user's state, `PreventUserExistenceErrors`, aliases and
//! `SECRET_HASH` (cognito-protocol.md §2, §4.5, §5.2, §5.3).

use userpool::client::{
    AppClient, AppClientConfig, AuthFlow, PreventUserExistenceErrors, secret_hash,
};
use userpool::{
    AuthResponse, ConfirmSignUpRequest, ErrorCode, InitiateAuthRequest, MessageAction, Parameters,
};

use super::common::{
    Harness, JANE, add_client, alias_pool, claims, confirmed, password_client,
    password_client_config, quickstart, refused, sign_in, sign_up, staff, staff_request,
};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, START, shared_keys};

const WRONG: &str = "Wrong1234^";

fn user_password(client: &str, username: &str, password: &str) -> InitiateAuthRequest {
    InitiateAuthRequest::user_password(client, username, password)
}

fn admin_password(client: &str, username: &str, password: &str) -> InitiateAuthRequest {
    InitiateAuthRequest::new(AuthFlow::AdminUserPasswordAuth, client)
        .param("USERNAME", username)
        .param("PASSWORD", password)
}

/// A quickstart pool with Jane confirmed and a password client.
fn jane() -> (Harness, String) {
    let h = quickstart();
    confirmed(&h, JANE);
    let client = password_client(&h);
    (h, client)
}

/// A client like [`password_client`] with `PreventUserExistenceErrors=ENABLED`.
fn preventing_client(h: &Harness) -> String {
    add_client(
        h,
        password_client_config("quiet")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled),
    )
    .id()
    .to_owned()
}

fn assert_tokens(response: &AuthResponse) {
    assert_eq!(response.challenge_name, None);
    assert_eq!(response.session, None);
    assert!(response.challenge_parameters.is_empty());
    let result = response
        .authentication_result
        .as_ref()
        .expect("tokens, not a challenge");
    assert_eq!(result.expires_in, 3600);
    assert_eq!(result.token_type, "Bearer");
    assert!(result.refresh_token.as_ref().is_some_and(|r| !r.is_empty()));
    assert_eq!(result.access_token.split('.').count(), 3);
    assert_eq!(result.id_token.split('.').count(), 3);
}

// ----- success -----

#[test]
fn user_password_auth_returns_bearer_tokens_for_an_hour_and_a_refresh_token() {
    let (h, client) = jane();
    let response = h
        .pool
        .initiate_auth(user_password(&client, JANE, PASSWORD))
        .unwrap();
    assert_tokens(&response);
}

#[test]
fn admin_user_password_auth_returns_the_same_tokens() {
    let (h, client) = jane();
    let response = h
        .pool
        .admin_initiate_auth(admin_password(&client, JANE, PASSWORD))
        .unwrap();
    assert_tokens(&response);
}

#[test]
fn the_legacy_flow_name_admin_no_srp_auth_allows_admin_sign_in() {
    let h = quickstart();
    confirmed(&h, JANE);
    let flows = AuthFlow::parse_list(&["ADMIN_NO_SRP_AUTH"]).unwrap();
    let client = add_client(
        &h,
        AppClientConfig::builder("legacy").explicit_auth_flows(flows),
    );
    let response = h
        .pool
        .admin_initiate_auth(admin_password(client.id(), JANE, PASSWORD))
        .unwrap();
    assert_tokens(&response);
}

#[test]
fn an_email_as_username_user_signs_in_by_email_and_is_named_by_sub() {
    let h = quickstart();
    let sub = confirmed(&h, JANE);
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    assert_eq!(claims(&tokens.access_token)["username"], sub.as_str());
    // The internal username works as well.
    let tokens = sign_in(&h, &client, &sub, PASSWORD);
    assert_eq!(claims(&tokens.id_token)["cognito:username"], sub.as_str());
}

#[test]
fn a_verified_email_alias_signs_in_as_the_username() {
    let h = alias_pool();
    let client = password_client(&h);
    h.pool
        .sign_up(
            userpool::SignUpRequest::new(h.client(), "alice", PASSWORD)
                .attribute("email", "alice@example.com"),
        )
        .unwrap();
    // Unverified, the email is no alias yet.
    let e = refused(
        h.pool
            .initiate_auth(user_password(&client, "alice@example.com", PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotFound, "User does not exist.")
    );
    h.pool
        .confirm_sign_up(ConfirmSignUpRequest::new(
            h.client(),
            "alice",
            h.code_for("alice"),
        ))
        .unwrap();
    let tokens = sign_in(&h, &client, "alice@example.com", PASSWORD);
    assert_eq!(claims(&tokens.access_token)["username"], "alice");
    sign_in(&h, &client, "alice", PASSWORD);
}

// ----- the client's flows -----

#[test]
fn user_password_auth_is_refused_when_the_client_does_not_allow_it() {
    let h = quickstart();
    confirmed(&h, JANE);
    let client = add_client(&h, AppClientConfig::builder("srp-only"));
    let e = refused(
        h.pool
            .initiate_auth(user_password(client.id(), JANE, PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "USER_PASSWORD_AUTH flow not enabled for this client"
        )
    );
    let e = refused(
        h.pool
            .admin_initiate_auth(admin_password(client.id(), JANE, PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Auth flow not enabled for this client"
        )
    );
}

#[test]
fn user_password_auth_through_admin_initiate_auth_is_not_supported() {
    let (h, client) = jane();
    let e = refused(
        h.pool
            .admin_initiate_auth(user_password(&client, JANE, PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Initiate Auth method not supported."
        )
    );
    let e = refused(
        h.pool
            .initiate_auth(admin_password(&client, JANE, PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Initiate Auth method not supported."
        )
    );
}

#[test]
fn missing_username_or_password_is_refused_by_name() {
    let (h, client) = jane();
    for (flow, admin) in [
        (AuthFlow::UserPasswordAuth, false),
        (AuthFlow::AdminUserPasswordAuth, true),
    ] {
        let call = |params: Parameters| {
            let mut request = InitiateAuthRequest::new(flow, &client);
            request.auth_parameters = params;
            if admin {
                h.pool.admin_initiate_auth(request)
            } else {
                h.pool.initiate_auth(request)
            }
        };
        let e = refused(call(Parameters::new().with("PASSWORD", PASSWORD)));
        assert_eq!(
            (e.code(), e.message()),
            (
                ErrorCode::InvalidParameter,
                "Missing required parameter USERNAME"
            )
        );
        let e = refused(call(Parameters::new().with("USERNAME", JANE)));
        assert_eq!(
            (e.code(), e.message()),
            (
                ErrorCode::InvalidParameter,
                "Missing required parameter PASSWORD"
            )
        );
    }
}

// ----- credentials and the user's state -----

#[test]
fn a_wrong_password_is_incorrect_username_or_password() {
    let (h, client) = jane();
    for response in [
        h.pool.initiate_auth(user_password(&client, JANE, WRONG)),
        h.pool
            .admin_initiate_auth(admin_password(&client, JANE, WRONG)),
    ] {
        let e = refused(response);
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "Incorrect username or password.")
        );
    }
}

#[test]
fn an_unknown_user_is_user_not_found_under_legacy() {
    let (h, client) = jane();
    for response in [
        h.pool
            .initiate_auth(user_password(&client, "nobody@example.com", PASSWORD)),
        h.pool
            .admin_initiate_auth(admin_password(&client, "nobody@example.com", PASSWORD)),
    ] {
        let e = refused(response);
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::UserNotFound, "User does not exist.")
        );
    }
}

#[test]
fn an_unknown_user_looks_like_a_wrong_password_when_existence_errors_are_prevented() {
    let (h, _) = jane();
    let client = preventing_client(&h);
    for response in [
        h.pool
            .initiate_auth(user_password(&client, "nobody@example.com", PASSWORD)),
        h.pool
            .admin_initiate_auth(admin_password(&client, "nobody@example.com", PASSWORD)),
    ] {
        let e = refused(response);
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "Incorrect username or password.")
        );
    }
}

#[test]
fn an_unconfirmed_user_is_refused_with_user_not_confirmed() {
    let h = quickstart();
    sign_up(&h, JANE);
    let client = password_client(&h);
    let e = refused(h.pool.initiate_auth(user_password(&client, JANE, PASSWORD)));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotConfirmed, "User is not confirmed.")
    );
}

#[test]
fn under_enabled_an_unconfirmed_user_is_told_so_only_with_the_right_password() {
    // Cognito answers UserNotConfirmedException before any password check
    // (kept under LEGACY, above); that would tell anyone the name exists.
    let h = quickstart();
    sign_up(&h, JANE);
    let quiet = preventing_client(&h);
    for response in [
        h.pool
            .initiate_auth(user_password(&quiet, JANE, "Wrong-passw0rd!")),
        h.pool
            .initiate_auth(user_password(&quiet, "nobody@example.com", PASSWORD)),
    ] {
        let e = refused(response);
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "Incorrect username or password.")
        );
    }
    let e = refused(h.pool.initiate_auth(user_password(&quiet, JANE, PASSWORD)));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::UserNotConfirmed, "User is not confirmed.")
    );
}

#[test]
fn a_disabled_user_is_refused_with_user_is_disabled() {
    let (h, client) = jane();
    h.pool.admin_disable_user(JANE).unwrap();
    for response in [
        h.pool.initiate_auth(user_password(&client, JANE, PASSWORD)),
        h.pool
            .admin_initiate_auth(admin_password(&client, JANE, PASSWORD)),
    ] {
        let e = refused(response);
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "User is disabled.")
        );
    }
    h.pool.admin_enable_user(JANE).unwrap();
    sign_in(&h, &client, JANE, PASSWORD);
}

#[test]
fn a_user_whose_password_was_reset_must_reset_it_under_legacy() {
    let (h, client) = jane();
    h.pool.admin_reset_user_password(JANE).unwrap();
    let e = refused(h.pool.initiate_auth(user_password(&client, JANE, PASSWORD)));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::PasswordResetRequired,
            "Password reset required for the user"
        )
    );
}

#[test]
fn a_user_whose_password_was_reset_gets_the_generic_refusal_when_existence_errors_are_prevented() {
    let (h, _) = jane();
    let client = preventing_client(&h);
    h.pool.admin_reset_user_password(JANE).unwrap();
    let e = refused(h.pool.initiate_auth(user_password(&client, JANE, PASSWORD)));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Incorrect username or password.")
    );
}

#[test]
fn an_admin_created_user_with_a_permanent_password_signs_in_directly() {
    let h = staff(true);
    let client = password_client(&h);
    let mut request = userpool::AdminCreateUserRequest::new("bob").attribute("given_name", "Bob");
    request.message_action = Some(MessageAction::Suppress);
    h.pool.admin_create_user(request).unwrap();
    h.pool
        .admin_set_user_password(
            userpool::AdminSetUserPasswordRequest::new("bob".to_owned(), PASSWORD).permanent(true),
        )
        .unwrap();
    sign_in(&h, &client, "bob", PASSWORD);
}

#[test]
fn a_case_sensitive_pool_signs_in_only_the_exact_username() {
    let h = staff(true);
    let client = password_client(&h);
    h.pool
        .sign_up(staff_request(&h, "alice", "alice@example.com"))
        .unwrap();
    h.pool.admin_confirm_sign_up("alice").unwrap();
    let e = refused(
        h.pool
            .initiate_auth(user_password(&client, "Alice", PASSWORD)),
    );
    assert_eq!(e.code(), ErrorCode::UserNotFound);
    sign_in(&h, &client, "alice", PASSWORD);
}

// ----- SECRET_HASH -----

/// A confidential password client on `h`, with a generated secret.
fn confidential(h: &Harness) -> AppClient {
    add_client(h, password_client_config("server").generate_secret(true))
}

#[test]
fn a_confidential_client_without_secret_hash_is_refused() {
    let (h, _) = jane();
    let client = confidential(&h);
    for response in [
        h.pool
            .initiate_auth(user_password(client.id(), JANE, PASSWORD)),
        h.pool
            .admin_initiate_auth(admin_password(client.id(), JANE, PASSWORD)),
    ] {
        let e = refused(response);
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
    }
}

#[test]
fn a_wrong_secret_hash_is_refused() {
    let (h, _) = jane();
    let client = confidential(&h);
    let secret = client.secret().unwrap();
    // A hash over another username, and one over the right username with another client id.
    for wrong in [
        secret_hash(secret, "john@example.com", client.id()),
        secret_hash(secret, JANE, "someotherclientid"),
        "garbage".to_owned(),
    ] {
        let e =
            refused(h.pool.initiate_auth(
                user_password(client.id(), JANE, PASSWORD).param("SECRET_HASH", wrong),
            ));
        assert_eq!(
            (e.code(), e.message()),
            (
                ErrorCode::NotAuthorized,
                format!("Unable to verify secret hash for client {}", client.id()).as_str()
            )
        );
    }
}

#[test]
fn the_right_secret_hash_over_the_username_sent_signs_in() {
    let (h, _) = jane();
    let client = confidential(&h);
    let hash = secret_hash(client.secret().unwrap(), JANE, client.id());
    let response = h
        .pool
        .initiate_auth(user_password(client.id(), JANE, PASSWORD).param("SECRET_HASH", &hash))
        .unwrap();
    assert_tokens(&response);
    let response = h
        .pool
        .admin_initiate_auth(admin_password(client.id(), JANE, PASSWORD).param("SECRET_HASH", hash))
        .unwrap();
    assert_tokens(&response);
}

#[test]
fn a_public_client_ignores_a_secret_hash() {
    let (h, client) = jane();
    let response = h
        .pool
        .initiate_auth(user_password(&client, JANE, PASSWORD).param("SECRET_HASH", "anything"))
        .unwrap();
    assert_tokens(&response);
}

// ----- secrets in Debug -----

#[test]
fn an_initiate_auth_request_never_shows_the_password() {
    let request = user_password("client", JANE, PASSWORD).param("SECRET_HASH", "c2VjcmV0aGFzaA==");
    let debug = format!("{request:?} {request:#?}");
    assert!(!debug.contains(PASSWORD), "{debug}");
    assert!(!debug.contains("c2VjcmV0aGFzaA=="), "{debug}");
    assert!(debug.contains("USERNAME") && debug.contains("PASSWORD"));
    let refresh = InitiateAuthRequest::refresh("client", "aaaa.bbbb.cccc.dddd.eeee");
    assert!(!format!("{refresh:?}").contains("aaaa.bbbb"));
}

#[test]
fn an_auth_response_never_shows_its_tokens() {
    let (h, client) = jane();
    let response = h
        .pool
        .initiate_auth(user_password(&client, JANE, PASSWORD))
        .unwrap();
    let result = response.authentication_result.clone().unwrap();
    let debug = format!("{response:?} {response:#?} {result:?} {result:#?}");
    let refresh = result.refresh_token.clone().unwrap();
    for secret in [&result.access_token, &result.id_token, &refresh] {
        assert!(!debug.contains(secret.as_str()), "{debug}");
        // Not even one segment of a token.
        for segment in secret.split('.').filter(|s| s.len() > 8) {
            assert!(!debug.contains(segment), "{debug}");
        }
    }
    assert!(debug.contains("Bearer") && debug.contains("3600"));
}

/// A clock that counts how often it is read.
#[derive(Debug)]
struct CountingClock {
    at: userpool::Timestamp,
    reads: std::sync::atomic::AtomicUsize,
}

impl userpool::Clock for CountingClock {
    fn now(&self) -> userpool::Timestamp {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.at
    }
}

/// `pool/mod.rs`: each operation reads the clock once and decides every
/// expiry, lockout and token time against that one instant.
#[test]
fn each_operation_reads_the_clock_once() {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    let clock = Arc::new(CountingClock {
        at: START,
        reads: Default::default(),
    });
    let outbox = userpool::Outbox::new();
    let pool = userpool::UserPool::builder(quickstart_config().build().unwrap())
        .store(Arc::new(userpool::store::MemoryStore::new()))
        .clock(clock.clone())
        .message_sender(Arc::new(outbox.clone()))
        .hashing(userpool::HashingParams::insecure_fast_for_tests())
        .keys(shared_keys())
        .build()
        .unwrap();
    let client = pool
        .create_user_pool_client(password_client_config("web").build().unwrap())
        .unwrap();
    let reads = || clock.reads.swap(0, Ordering::SeqCst);
    reads();

    pool.sign_up(super::common::sign_up_request_via(client.id(), JANE))
        .unwrap();
    assert_eq!(reads(), 1, "sign_up");
    let code = outbox.last_code_for(JANE).unwrap();
    pool.confirm_sign_up(ConfirmSignUpRequest::new(client.id(), JANE, code))
        .unwrap();
    assert_eq!(reads(), 1, "confirm_sign_up");
    let tokens = pool
        .initiate_auth(InitiateAuthRequest::user_password(
            client.id(),
            JANE,
            PASSWORD,
        ))
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(reads(), 1, "a password sign-in");
    pool.initiate_auth(InitiateAuthRequest::refresh(
        client.id(),
        tokens.refresh_token.unwrap(),
    ))
    .unwrap();
    assert_eq!(reads(), 1, "a refresh");
    pool.get_user(&tokens.access_token).unwrap();
    assert_eq!(reads(), 1, "get_user");
}
