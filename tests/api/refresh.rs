//! Refresh tokens: `REFRESH_TOKEN_AUTH` through `InitiateAuth` and
//! `AdminInitiateAuth`, `GetTokensFromRefreshToken`, expiry, revocation by
//! sign-out, `RevokeToken` and disabling, `SECRET_HASH` over the internal
//! username, and rotation with its grace period and reuse detection
//! (cognito-protocol.md §2, §4.5, §4.10, §6.5).

use std::time::Duration;

use userpool::client::{AuthFlow, RefreshTokenRotation, secret_hash};
use userpool::{
    AuthenticationResult, Clock, ErrorCode, GetTokensFromRefreshTokenRequest, InitiateAuthRequest,
    RevokeTokenRequest,
};

use super::common::{
    Harness, JANE, add_client, claims, confirmed, password_client, password_client_config,
    quickstart, refresh_token, refused, sign_in,
};
use crate::support::{PASSWORD, START};

fn jane() -> (Harness, String, String) {
    let h = quickstart();
    let sub = confirmed(&h, JANE);
    let client = password_client(&h);
    (h, sub, client)
}

/// `REFRESH_TOKEN_AUTH` through `InitiateAuth`, which must succeed.
fn refreshed(h: &Harness, client: &str, token: &str) -> AuthenticationResult {
    h.pool
        .initiate_auth(InitiateAuthRequest::refresh(client, token))
        .unwrap()
        .authentication_result
        .unwrap()
}

fn refresh_refused(h: &Harness, client: &str, token: &str) -> userpool::Error {
    refused(
        h.pool
            .initiate_auth(InitiateAuthRequest::refresh(client, token)),
    )
}

fn get_tokens(client: &str, token: &str) -> GetTokensFromRefreshTokenRequest {
    GetTokensFromRefreshTokenRequest::new(client.to_owned(), token.to_owned())
}

fn assert_invalid(e: &userpool::Error) {
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid Refresh Token")
    );
}

fn assert_revoked(e: &userpool::Error) {
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Refresh Token has been revoked")
    );
}

// ----- REFRESH_TOKEN_AUTH -----

#[test]
fn refresh_token_auth_returns_new_access_and_id_tokens_but_no_refresh_token() {
    let (h, sub, client) = jane();
    let first = sign_in(&h, &client, JANE, PASSWORD);
    h.clock.advance(Duration::from_secs(600));
    let response = h
        .pool
        .initiate_auth(InitiateAuthRequest::refresh(&client, refresh_token(&first)))
        .unwrap();
    assert_eq!(response.challenge_name, None);
    let next = response.authentication_result.unwrap();
    assert_eq!(next.refresh_token, None);
    assert_eq!(next.expires_in, 3600);
    assert_eq!(next.token_type, "Bearer");
    let (old, new) = (claims(&first.access_token), claims(&next.access_token));
    assert_eq!(
        new["auth_time"],
        START.unix_seconds(),
        "auth_time carries over"
    );
    assert_eq!(new["iat"], h.clock.now().unix_seconds());
    assert_eq!(new["exp"], h.clock.now().unix_seconds() + 3600);
    assert_eq!(new["origin_jti"], old["origin_jti"]);
    assert_ne!(new["jti"], old["jti"]);
    assert_eq!(new["username"], sub.as_str());
    let (old_id, new_id) = (claims(&first.id_token), claims(&next.id_token));
    assert_eq!(new_id["auth_time"], START.unix_seconds());
    assert_eq!(new_id["origin_jti"], old_id["origin_jti"]);
    assert_ne!(new_id["jti"], old_id["jti"]);
    assert_eq!(new_id["email"], JANE);
    // The new access token works, and the refresh token can be used again.
    assert_eq!(h.pool.get_user(&next.access_token).unwrap().username, sub);
    refreshed(&h, &client, &refresh_token(&first));
}

#[test]
fn admin_initiate_auth_refreshes_too() {
    let (h, _, client) = jane();
    let first = sign_in(&h, &client, JANE, PASSWORD);
    let next = h
        .pool
        .admin_initiate_auth(InitiateAuthRequest::refresh(&client, refresh_token(&first)))
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(next.refresh_token, None);
}

#[test]
fn a_refresh_reflects_attribute_changes() {
    let (h, _, client) = jane();
    let first = sign_in(&h, &client, JANE, PASSWORD);
    h.pool
        .admin_update_user_attributes(
            JANE,
            vec![userpool::schema::Attribute::new("custom:is_admin", "true")],
        )
        .unwrap();
    let next = refreshed(&h, &client, &refresh_token(&first));
    assert_eq!(claims(&next.id_token)["custom:is_admin"], "true");
}

#[test]
fn refresh_is_refused_when_the_client_does_not_allow_it() {
    let (h, _, client) = jane();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    h.pool
        .update_user_pool_client(
            &client,
            userpool::client::AppClientConfig::builder("web")
                .explicit_auth_flows([AuthFlow::UserPasswordAuth])
                .build()
                .unwrap(),
        )
        .unwrap();
    let e = refresh_refused(&h, &client, &refresh_token(&tokens));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
}

#[test]
fn a_missing_refresh_token_is_refused_by_name() {
    let (h, _, client) = jane();
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::new(
        AuthFlow::RefreshTokenAuth,
        &client,
    )));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Missing required parameter REFRESH_TOKEN"
        )
    );
}

#[test]
fn a_refresh_token_works_only_with_its_own_client() {
    let (h, _, client) = jane();
    let other = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    assert_invalid(&refresh_refused(&h, &other, &refresh_token(&tokens)));
    assert_invalid(&refused(h.pool.get_tokens_from_refresh_token(get_tokens(
        &other,
        &refresh_token(&tokens),
    ))));
    refreshed(&h, &client, &refresh_token(&tokens));
}

#[test]
fn a_garbage_refresh_token_is_invalid() {
    let (h, _, client) = jane();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let real = refresh_token(&tokens);
    let mut altered = real.clone().into_bytes();
    let i = altered.len() / 2;
    altered[i] = if altered[i] == b'x' { b'y' } else { b'x' };
    let altered = String::from_utf8(altered).unwrap();
    for garbage in [
        "",
        "garbage",
        "a.b.c.d.e",
        tokens.access_token.as_str(),
        tokens.id_token.as_str(),
        altered.as_str(),
        &*"x".repeat(10_000),
    ] {
        assert_invalid(&refresh_refused(&h, &client, garbage));
    }
}

#[test]
fn a_refresh_token_expires_after_thirty_days() {
    let (h, _, client) = jane();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    h.clock.advance(Duration::from_secs(30 * 86_400 - 1));
    refreshed(&h, &client, &refresh_token(&tokens));
    h.clock.advance(Duration::from_secs(1));
    let e = refresh_refused(&h, &client, &refresh_token(&tokens));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Refresh Token has expired")
    );
    let e = refused(
        h.pool
            .get_tokens_from_refresh_token(get_tokens(&client, &refresh_token(&tokens))),
    );
    assert_eq!(e.message(), "Refresh Token has expired");
}

// ----- revocation -----

#[test]
fn global_sign_out_ends_every_refresh_token_of_the_user() {
    let (h, _, client) = jane();
    let a = sign_in(&h, &client, JANE, PASSWORD);
    let b = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.global_sign_out(&a.access_token).unwrap();
    for tokens in [&a, &b] {
        let e = refresh_refused(&h, &client, &refresh_token(tokens));
        assert_eq!(e.code(), ErrorCode::NotAuthorized);
    }
    // A new sign-in gets a working refresh token.
    let c = sign_in(&h, &client, JANE, PASSWORD);
    refreshed(&h, &client, &refresh_token(&c));
}

#[test]
fn admin_user_global_sign_out_ends_every_refresh_token_of_the_user() {
    let (h, _, client) = jane();
    let a = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.admin_user_global_sign_out(JANE).unwrap();
    let e = refresh_refused(&h, &client, &refresh_token(&a));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
}

#[test]
fn a_revoked_refresh_token_stops_working_and_its_sibling_does_not() {
    let (h, _, client) = jane();
    let a = sign_in(&h, &client, JANE, PASSWORD);
    let b = sign_in(&h, &client, JANE, PASSWORD);
    h.pool
        .revoke_token(RevokeTokenRequest::new(client.clone(), refresh_token(&a)))
        .unwrap();
    let e = refresh_refused(&h, &client, &refresh_token(&a));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    refreshed(&h, &client, &refresh_token(&b));
}

#[test]
fn disabling_a_user_ends_their_refresh_tokens_for_good() {
    let (h, _, client) = jane();
    let a = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.admin_disable_user(JANE).unwrap();
    let e = refresh_refused(&h, &client, &refresh_token(&a));
    assert_eq!(e.code(), ErrorCode::NotAuthorized);
    h.pool.admin_enable_user(JANE).unwrap();
    let e = refresh_refused(&h, &client, &refresh_token(&a));
    assert_eq!(
        e.code(),
        ErrorCode::NotAuthorized,
        "re-enabling revives nothing"
    );
}

#[test]
fn a_user_reset_by_an_admin_cannot_refresh() {
    let (h, _, client) = jane();
    let a = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.admin_reset_user_password(JANE).unwrap();
    let e = refresh_refused(&h, &client, &refresh_token(&a));
    assert_eq!(e.code(), ErrorCode::PasswordResetRequired);
}

#[test]
fn a_deleted_user_cannot_refresh() {
    let (h, _, client) = jane();
    let a = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.admin_delete_user(JANE).unwrap();
    let e = refresh_refused(&h, &client, &refresh_token(&a));
    assert!(
        matches!(e.code(), ErrorCode::NotAuthorized | ErrorCode::UserNotFound),
        "{e}"
    );
}

/// cognito-protocol.md §4.5 and §5.2: a signed-out or revoked refresh token
/// is `Refresh Token has been revoked`, distinct from a malformed one.
#[test]
fn a_revoked_refresh_token_says_it_has_been_revoked() {
    let (h, _, client) = jane();
    let a = sign_in(&h, &client, JANE, PASSWORD);
    let b = sign_in(&h, &client, JANE, PASSWORD);
    h.pool
        .revoke_token(RevokeTokenRequest::new(client.clone(), refresh_token(&a)))
        .unwrap();
    h.pool.admin_user_global_sign_out(JANE).unwrap();
    for tokens in [&a, &b] {
        let e = refresh_refused(&h, &client, &refresh_token(tokens));
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "Refresh Token has been revoked")
        );
    }
}

// ----- confidential clients -----

#[test]
fn refresh_through_a_confidential_client_needs_the_secret_hash_of_the_internal_username() {
    let h = quickstart();
    let sub = confirmed(&h, JANE);
    let client = add_client(&h, password_client_config("server").generate_secret(true));
    let secret = client.secret().unwrap();
    let id = client.id();
    let tokens = h
        .pool
        .initiate_auth(
            InitiateAuthRequest::user_password(id, JANE, PASSWORD)
                .param("SECRET_HASH", secret_hash(secret, JANE, id)),
        )
        .unwrap()
        .authentication_result
        .unwrap();
    let refresh = refresh_token(&tokens);

    let e = refresh_refused(&h, id, &refresh);
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            format!("Client {id} is configured with secret but SECRET_HASH was not received")
                .as_str()
        )
    );
    // A hash over the email (the username sent at sign-in) is wrong here.
    let e = refused(
        h.pool.initiate_auth(
            InitiateAuthRequest::refresh(id, &refresh)
                .param("SECRET_HASH", secret_hash(secret, JANE, id)),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            format!("Unable to verify secret hash for client {id}").as_str()
        )
    );
    let next = h
        .pool
        .initiate_auth(
            InitiateAuthRequest::refresh(id, &refresh)
                .param("SECRET_HASH", secret_hash(secret, &sub, id)),
        )
        .unwrap()
        .authentication_result
        .unwrap();
    assert_eq!(claims(&next.access_token)["username"], sub.as_str());
}

#[test]
fn get_tokens_from_refresh_token_needs_the_raw_client_secret() {
    let h = quickstart();
    confirmed(&h, JANE);
    let client = add_client(&h, password_client_config("server").generate_secret(true));
    let secret = client.secret().unwrap().expose_secret().to_owned();
    let id = client.id();
    let tokens = h
        .pool
        .initiate_auth(
            InitiateAuthRequest::user_password(id, JANE, PASSWORD).param(
                "SECRET_HASH",
                secret_hash(client.secret().unwrap(), JANE, id),
            ),
        )
        .unwrap()
        .authentication_result
        .unwrap();
    let refresh = refresh_token(&tokens);
    for wrong in [None, Some("wrong".to_owned())] {
        let mut request = get_tokens(id, &refresh);
        request.client_secret = wrong;
        let e = refused(h.pool.get_tokens_from_refresh_token(request));
        assert_eq!(
            (e.code(), e.message()),
            (
                ErrorCode::NotAuthorized,
                format!("Unable to verify secret hash for client {id}").as_str()
            )
        );
    }
    let mut request = get_tokens(id, &refresh);
    request.client_secret = Some(secret);
    let next = h.pool.get_tokens_from_refresh_token(request).unwrap();
    assert_eq!(next.refresh_token, None, "no rotation on this client");
}

// ----- GetTokensFromRefreshToken and rotation -----

#[test]
fn get_tokens_from_refresh_token_without_rotation_returns_no_refresh_token() {
    let (h, _, client) = jane();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let next = h
        .pool
        .get_tokens_from_refresh_token(get_tokens(&client, &refresh_token(&tokens)))
        .unwrap();
    assert_eq!(next.refresh_token, None);
    assert_eq!(
        claims(&next.access_token)["origin_jti"],
        claims(&tokens.access_token)["origin_jti"]
    );
}

/// A client rotating refresh tokens with a 10-second grace period.
fn rotating(h: &Harness) -> String {
    add_client(
        h,
        password_client_config("rotating")
            .refresh_token_rotation(RefreshTokenRotation::enabled(10).unwrap()),
    )
    .id()
    .to_owned()
}

fn rotate(h: &Harness, client: &str, token: &str) -> userpool::Result<AuthenticationResult> {
    h.pool
        .get_tokens_from_refresh_token(get_tokens(client, token))
}

#[test]
fn a_rotating_client_returns_a_new_refresh_token_in_the_same_family() {
    let (h, _, _) = jane();
    let client = rotating(&h);
    let first = sign_in(&h, &client, JANE, PASSWORD);
    let r0 = refresh_token(&first);
    let second = rotate(&h, &client, &r0).unwrap();
    let r1 = refresh_token(&second);
    assert_ne!(r1, r0);
    let (a0, a1) = (claims(&first.access_token), claims(&second.access_token));
    assert_eq!(a1["origin_jti"], a0["origin_jti"]);
    assert_eq!(a1["auth_time"], a0["auth_time"]);
    // The new token rotates in turn.
    let third = rotate(&h, &client, &r1).unwrap();
    assert_ne!(refresh_token(&third), r1);
}

#[test]
fn a_rotated_out_token_works_within_the_grace_period() {
    let (h, _, _) = jane();
    let client = rotating(&h);
    let r0 = refresh_token(&sign_in(&h, &client, JANE, PASSWORD));
    let r1 = refresh_token(&rotate(&h, &client, &r0).unwrap());
    h.clock.advance(Duration::from_secs(9));
    let retry = rotate(&h, &client, &r0).unwrap();
    assert!(retry.refresh_token.is_some());
    rotate(&h, &client, &r1).unwrap();
}

#[test]
fn a_rotated_out_token_after_the_grace_period_is_reuse_and_revokes_the_family() {
    let (h, _, _) = jane();
    let client = rotating(&h);
    let first = sign_in(&h, &client, JANE, PASSWORD);
    let r0 = refresh_token(&first);
    let second = rotate(&h, &client, &r0).unwrap();
    let r1 = refresh_token(&second);
    h.clock.advance(Duration::from_secs(10));
    let e = refused(rotate(&h, &client, &r0));
    assert_eq!(e.code(), ErrorCode::RefreshTokenReuse);
    // The whole family is gone: the new refresh token and the access tokens.
    assert_revoked(&refused(rotate(&h, &client, &r1)));
    assert_revoked(&refused(rotate(&h, &client, &r0)));
    for access in [&first.access_token, &second.access_token] {
        let e = refused(h.pool.get_user(access));
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "Access Token has been revoked")
        );
    }
    // Another sign-in is unaffected.
    let fresh = sign_in(&h, &client, JANE, PASSWORD);
    rotate(&h, &client, &refresh_token(&fresh)).unwrap();
}

#[test]
fn with_no_grace_period_a_second_use_is_reuse_at_once() {
    let (h, _, _) = jane();
    let client = add_client(
        &h,
        password_client_config("strict")
            .refresh_token_rotation(RefreshTokenRotation::enabled(0).unwrap()),
    )
    .id()
    .to_owned();
    let r0 = refresh_token(&sign_in(&h, &client, JANE, PASSWORD));
    let r1 = refresh_token(&rotate(&h, &client, &r0).unwrap());
    let e = refused(rotate(&h, &client, &r0));
    assert_eq!(e.code(), ErrorCode::RefreshTokenReuse);
    assert_revoked(&refused(rotate(&h, &client, &r1)));
}

#[test]
fn refresh_token_auth_is_refused_on_a_rotating_client() {
    let (h, _, _) = jane();
    let client = rotating(&h);
    let r0 = refresh_token(&sign_in(&h, &client, JANE, PASSWORD));
    let e = refresh_refused(&h, &client, &r0);
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    let e = refused(
        h.pool
            .admin_initiate_auth(InitiateAuthRequest::refresh(&client, &r0)),
    );
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    // The refusal did not spend the token.
    rotate(&h, &client, &r0).unwrap();
}

// ----- secrets in Debug -----

#[test]
fn a_get_tokens_request_never_shows_the_token_or_the_secret() {
    let (h, _, client) = jane();
    let token = refresh_token(&sign_in(&h, &client, JANE, PASSWORD));
    let mut request = get_tokens(&client, &token);
    request.client_secret = Some("the-client-secret-value".to_owned());
    let debug = format!("{request:?} {request:#?}");
    assert!(!debug.contains(&token), "{debug}");
    for segment in token.split('.').skip(1).filter(|s| s.len() > 8) {
        assert!(!debug.contains(segment), "{debug}");
    }
    assert!(!debug.contains("the-client-secret-value"), "{debug}");
    assert!(debug.contains(&client));
}
