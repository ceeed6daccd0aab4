//! App clients: `CreateUserPoolClient`, `DescribeUserPoolClient`,
//! `ListUserPoolClients`, `UpdateUserPoolClient`, `DeleteUserPoolClient`, and
//! the refusal of an unknown client id by every operation that names one
//! (cognito-protocol.md §3.6, §4.3).

use std::time::Duration;

use userpool::client::{AppClient, AppClientConfig, AuthFlow};
use userpool::{
    ChallengeName, ConfirmForgotPasswordRequest, ErrorCode, ForgotPasswordRequest,
    GetTokensFromRefreshTokenRequest, InitiateAuthRequest, RespondToAuthChallengeRequest,
    RevokeTokenRequest,
};

use super::common::{
    JANE, add_client, confirmed, password_client, password_client_config, quickstart,
    refresh_token, refused, sign_in,
};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, START, shared_keys};

const UNKNOWN: &str = "0000000000000000000000000a";

/// The settings of `config` worth comparing (`AppClientConfig` has no `PartialEq`).
fn settings(config: &AppClientConfig) -> impl PartialEq + std::fmt::Debug + use<> {
    (
        config.name().to_owned(),
        config.explicit_auth_flows().to_vec(),
        config.token_validity(),
        config.read_attributes().map(<[String]>::to_vec),
        config.write_attributes().map(<[String]>::to_vec),
        config.prevent_user_existence_errors(),
        config.enable_token_revocation(),
        config.auth_session_validity(),
        config.refresh_token_rotation(),
    )
}

/// Whether `s` is `len` characters of `[a-z0-9]`, the shape of Cognito's
/// generated client ids and secrets.
fn is_lower_alnum(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

#[test]
fn a_new_client_gets_a_26_character_id_and_no_secret() {
    let h = quickstart();
    let client = add_client(&h, AppClientConfig::builder("web"));
    assert!(is_lower_alnum(client.id(), 26), "{}", client.id());
    assert!(client.secret().is_none());
    assert_eq!(client.config().name(), "web");
    assert_eq!(client.created_at(), START);
    assert_eq!(client.modified_at(), START);
    assert_eq!(
        client.config().explicit_auth_flows(),
        [
            AuthFlow::UserSrpAuth,
            AuthFlow::CustomAuth,
            AuthFlow::RefreshTokenAuth
        ]
    );
}

#[test]
fn generate_secret_gives_a_51_character_secret() {
    let h = quickstart();
    let client = add_client(&h, AppClientConfig::builder("server").generate_secret(true));
    let secret = client.secret().expect("a generated secret");
    assert!(is_lower_alnum(secret.expose_secret(), 51));
    assert!(client.config().client_secret().is_none());
    let other = add_client(&h, AppClientConfig::builder("server").generate_secret(true));
    assert_ne!(other.id(), client.id());
    assert_ne!(
        other.secret().unwrap().expose_secret(),
        secret.expose_secret()
    );
}

#[test]
fn describe_returns_the_client_as_created() {
    let h = quickstart();
    let client = add_client(&h, AppClientConfig::builder("server").generate_secret(true));
    let described = h.pool.describe_user_pool_client(client.id()).unwrap();
    assert_eq!(described.id(), client.id());
    assert_eq!(settings(described.config()), settings(client.config()));
    assert_eq!(
        described.secret().map(|s| s.expose_secret().to_owned()),
        client.secret().map(|s| s.expose_secret().to_owned())
    );
    assert_eq!(described.created_at(), client.created_at());
}

#[test]
fn list_returns_every_client_by_id() {
    let h = quickstart();
    assert!(h.pool.list_user_pool_clients().unwrap().is_empty());
    let mut ids: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|n| add_client(&h, AppClientConfig::builder(*n)).id().to_owned())
        .collect();
    ids.sort();
    let listed: Vec<String> = h
        .pool
        .list_user_pool_clients()
        .unwrap()
        .iter()
        .map(|c| c.id().to_owned())
        .collect();
    assert_eq!(listed, ids);
}

#[test]
fn update_replaces_the_settings_and_keeps_id_secret_and_creation_time() {
    let h = quickstart();
    let client = add_client(&h, AppClientConfig::builder("server").generate_secret(true));
    h.clock.advance(Duration::from_secs(60));
    let updated = h
        .pool
        .update_user_pool_client(
            client.id(),
            password_client_config("renamed").build().unwrap(),
        )
        .unwrap();
    assert_eq!(updated.id(), client.id());
    assert_eq!(
        updated.secret().unwrap().expose_secret(),
        client.secret().unwrap().expose_secret()
    );
    assert_eq!(updated.config().name(), "renamed");
    assert!(updated.config().allows(AuthFlow::UserPasswordAuth));
    assert_eq!(updated.created_at(), START);
    assert_eq!(
        updated.modified_at(),
        START.saturating_add(Duration::from_secs(60))
    );
    let described = h.pool.describe_user_pool_client(client.id()).unwrap();
    assert_eq!(settings(described.config()), settings(updated.config()));
    assert_eq!(described.modified_at(), updated.modified_at());
}

#[test]
fn an_updated_client_signs_in_with_its_new_flows() {
    let h = quickstart();
    confirmed(&h, JANE);
    let client = add_client(&h, AppClientConfig::builder("web"));
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::user_password(
        client.id(),
        JANE,
        PASSWORD,
    )));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    h.pool
        .update_user_pool_client(client.id(), password_client_config("web").build().unwrap())
        .unwrap();
    sign_in(&h, client.id(), JANE, PASSWORD);
}

#[test]
fn a_deleted_client_is_gone() {
    let h = quickstart();
    let client = add_client(&h, AppClientConfig::builder("web"));
    h.pool.delete_user_pool_client(client.id()).unwrap();
    let e = refused(h.pool.describe_user_pool_client(client.id()));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::ResourceNotFound,
            format!("User pool client {} does not exist.", client.id()).as_str()
        )
    );
    assert!(h.pool.list_user_pool_clients().unwrap().is_empty());
    let e = refused(h.pool.delete_user_pool_client(client.id()));
    assert_eq!(e.code(), ErrorCode::ResourceNotFound);
}

#[test]
fn tokens_of_a_deleted_client_stop_working() {
    let h = quickstart();
    confirmed(&h, JANE);
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    h.pool.delete_user_pool_client(&client).unwrap();
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid Access Token")
    );
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::refresh(
        &client,
        refresh_token(&tokens),
    )));
    assert_eq!(e.code(), ErrorCode::ResourceNotFound);
}

#[test]
fn an_inserted_client_keeps_its_id_and_a_duplicate_is_refused() {
    let h = quickstart();
    let config = || password_client_config("fixture").build().unwrap();
    let client = AppClient::from_parts("fixture1client", config(), START, START).unwrap();
    h.pool.insert_user_pool_client(client).unwrap();
    assert_eq!(
        h.pool
            .describe_user_pool_client("fixture1client")
            .unwrap()
            .config()
            .name(),
        "fixture"
    );
    let again = AppClient::from_parts("fixture1client", config(), START, START).unwrap();
    let e = refused(h.pool.insert_user_pool_client(again));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
}

#[test]
fn every_operation_that_names_a_client_refuses_an_unknown_one() {
    let h = quickstart();
    confirmed(&h, JANE);
    let known = password_client(&h);
    let tokens = sign_in(&h, &known, JANE, PASSWORD);
    let refresh = refresh_token(&tokens);
    let not_found = |e: userpool::Error, op: &str| {
        assert_eq!(
            (e.code(), e.message()),
            (
                ErrorCode::ResourceNotFound,
                format!("User pool client {UNKNOWN} does not exist.").as_str()
            ),
            "{op}"
        );
    };
    not_found(
        refused(
            h.pool
                .initiate_auth(InitiateAuthRequest::user_password(UNKNOWN, JANE, PASSWORD)),
        ),
        "initiate_auth",
    );
    not_found(
        refused(
            h.pool.admin_initiate_auth(
                InitiateAuthRequest::new(AuthFlow::AdminUserPasswordAuth, UNKNOWN)
                    .param("USERNAME", JANE)
                    .param("PASSWORD", PASSWORD),
            ),
        ),
        "admin_initiate_auth",
    );
    not_found(
        refused(
            h.pool
                .initiate_auth(InitiateAuthRequest::refresh(UNKNOWN, refresh.clone())),
        ),
        "REFRESH_TOKEN_AUTH",
    );
    let challenge = || {
        RespondToAuthChallengeRequest::new(
            UNKNOWN,
            ChallengeName::NewPasswordRequired,
            Some("session".to_owned()),
        )
        .response("USERNAME", JANE)
        .response("NEW_PASSWORD", PASSWORD)
    };
    not_found(
        refused(h.pool.respond_to_auth_challenge(challenge())),
        "respond_to_auth_challenge",
    );
    not_found(
        refused(h.pool.admin_respond_to_auth_challenge(challenge())),
        "admin_respond_to_auth_challenge",
    );
    not_found(
        refused(
            h.pool
                .get_tokens_from_refresh_token(GetTokensFromRefreshTokenRequest::new(
                    UNKNOWN.to_owned(),
                    refresh.clone(),
                )),
        ),
        "get_tokens_from_refresh_token",
    );
    not_found(
        refused(
            h.pool
                .revoke_token(RevokeTokenRequest::new(UNKNOWN.to_owned(), refresh)),
        ),
        "revoke_token",
    );
    not_found(
        refused(
            h.pool
                .forgot_password(ForgotPasswordRequest::new(UNKNOWN, JANE)),
        ),
        "forgot_password",
    );
    not_found(
        refused(
            h.pool
                .confirm_forgot_password(ConfirmForgotPasswordRequest::new(
                    UNKNOWN, JANE, "123456", PASSWORD,
                )),
        ),
        "confirm_forgot_password",
    );
    not_found(
        refused(h.pool.describe_user_pool_client(UNKNOWN)),
        "describe",
    );
    not_found(
        refused(
            h.pool
                .update_user_pool_client(UNKNOWN, AppClientConfig::builder("x").build().unwrap()),
        ),
        "update",
    );
    not_found(refused(h.pool.delete_user_pool_client(UNKNOWN)), "delete");
    // Nothing was sent and the known client still works.
    assert!(
        h.outbox.messages_for(JANE).len() == 1,
        "only the sign-up code"
    );
    sign_in(&h, &known, JANE, PASSWORD);
}

/// Two pool objects over one store, as two processes would have: a client
/// changed, deleted or replaced (same id, new settings) through one is what
/// the other serves at its next request, although each keeps decoded
/// clients to avoid parsing them on every call.
#[test]
fn another_process_sees_client_changes_at_its_next_request() {
    let a = quickstart();
    let b = super::common::build_pool(
        quickstart_config().build().unwrap(),
        a.store.clone(),
        &a.clock,
        &a.outbox,
    );
    confirmed(&a, JANE);
    let client = add_client(&a, password_client_config("web"));
    let id = client.id().to_owned();
    let through_b =
        |id: &str| b.initiate_auth(InitiateAuthRequest::user_password(id, JANE, PASSWORD));
    assert!(through_b(&id).is_ok(), "B decodes and caches the client");

    // Updated through A: B refuses the flow it no longer allows.
    a.pool
        .update_user_pool_client(
            &id,
            AppClientConfig::builder("web")
                .explicit_auth_flows([AuthFlow::UserSrpAuth])
                .build()
                .unwrap(),
        )
        .unwrap();
    let e = refused(through_b(&id));
    assert_eq!(e.code(), ErrorCode::InvalidParameter, "{e}");

    // Deleted and re-created under the same id (its version starts again
    // at 1): B serves the new settings, not the cached ones.
    a.pool.delete_user_pool_client(&id).unwrap();
    let e = refused(through_b(&id));
    assert_eq!(e.code(), ErrorCode::ResourceNotFound);
    let fixture = AppClient::from_parts(
        "fixture2client",
        password_client_config("x").build().unwrap(),
        START,
        START,
    )
    .unwrap();
    a.pool.insert_user_pool_client(fixture).unwrap();
    assert!(through_b("fixture2client").is_ok());
    a.pool.delete_user_pool_client("fixture2client").unwrap();
    let srp_only = AppClientConfig::builder("x")
        .explicit_auth_flows([AuthFlow::UserSrpAuth])
        .build()
        .unwrap();
    a.pool
        .insert_user_pool_client(
            AppClient::from_parts("fixture2client", srp_only, START, START).unwrap(),
        )
        .unwrap();
    let e = refused(through_b("fixture2client"));
    assert_eq!(e.code(), ErrorCode::InvalidParameter, "{e}");
}

/// A process whose pool secret differs from the one that sealed a client's
/// secret cannot use that client, and says why instead of failing silently.
#[test]
fn a_client_secret_sealed_under_another_pool_secret_is_an_internal_error() {
    let a = quickstart();
    let build = |secret: [u8; 32]| {
        userpool::UserPool::builder(quickstart_config().build().unwrap())
            .pool_id("us-east-1_ApiTests1")
            .store(a.store.clone())
            .hashing(userpool::HashingParams::insecure_fast_for_tests())
            .keys(shared_keys())
            .secret_key(secret)
            .build()
            .unwrap()
    };
    let sealer = build([1; 32]);
    let client = sealer
        .create_user_pool_client(
            password_client_config("web")
                .generate_secret(true)
                .build()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        build([1; 32])
            .describe_user_pool_client(client.id())
            .unwrap()
            .secret()
            .map(|s| s.expose_secret().to_owned()),
        client.secret().map(|s| s.expose_secret().to_owned()),
        "the same pool secret opens it"
    );
    let e = refused(build([2; 32]).describe_user_pool_client(client.id()));
    assert_eq!(e.code(), ErrorCode::InternalError);
    assert_eq!(
        e.message(),
        format!(
            "The secret of app client {} cannot be opened: the pool secret differs from the one that sealed it.",
            client.id()
        )
    );
}

#[test]
fn attribute_lists_must_name_attributes_of_the_pool() {
    let h = quickstart();
    let e = refused(
        h.pool.create_user_pool_client(
            AppClientConfig::builder("web")
                .write_attributes(["custom:nope"])
                .build()
                .unwrap(),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::InvalidParameter,
            "Invalid write attributes specified while creating a client"
        )
    );
    assert!(h.pool.list_user_pool_clients().unwrap().is_empty());
    let client = h
        .pool
        .create_user_pool_client(
            AppClientConfig::builder("web")
                .read_attributes(["email", "custom:tenant_id"])
                .build()
                .unwrap(),
        )
        .unwrap();
    let e = refused(
        h.pool.update_user_pool_client(
            client.id(),
            AppClientConfig::builder("web")
                .read_attributes(["shoe_size"])
                .build()
                .unwrap(),
        ),
    );
    assert_eq!(
        e.message(),
        "Invalid read attributes specified while updating a client"
    );
    assert_eq!(
        h.pool
            .describe_user_pool_client(client.id())
            .unwrap()
            .config()
            .read_attributes(),
        Some(["email".to_owned(), "custom:tenant_id".to_owned()].as_slice())
    );
}
