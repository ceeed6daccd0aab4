#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use super::app_client::{ID_ALPHABET, generate_client_id, generate_client_secret};
use super::config::secret_format_problem;
use super::*;
use crate::clock::Timestamp;
use crate::error::ErrorCode;

const SECRET: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

fn confidential(id: &str) -> AppClient {
    let config = AppClientConfig::builder("web")
        .client_secret(ClientSecret::new(SECRET))
        .build()
        .unwrap();
    AppClient::from_parts(id, config, Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH).unwrap()
}

/// cognito-protocol.md §2, verified there with pycognito's `get_secret_hash`.
#[test]
fn secret_hash_known_answer() {
    assert_eq!(
        secret_hash(&ClientSecret::new(SECRET), "alice", "1example23456789"),
        "WozKlcsNn42vw+GNgYnkjUawOBKW3mhoGnHQ4vT3VxA="
    );
}

#[test]
fn generated_ids_and_secrets_have_cognitos_shape() {
    for _ in 0..20 {
        let id = generate_client_id().unwrap();
        assert_eq!(id.len(), 26);
        assert!(id.bytes().all(|b| ID_ALPHABET.contains(&b)));
        let secret = generate_client_secret().unwrap();
        assert_eq!(secret.expose_secret().len(), 51);
        assert!(
            secret
                .expose_secret()
                .bytes()
                .all(|b| ID_ALPHABET.contains(&b))
        );
        assert!(secret_format_problem(secret.expose_secret(), "clientSecret").is_none());
    }
    assert_ne!(generate_client_id().unwrap(), generate_client_id().unwrap());
}

#[test]
fn new_client_draws_a_secret_only_when_asked() {
    let now = Timestamp::from_unix_seconds(1_700_000_000);
    let public = AppClient::new(AppClientConfig::builder("a").build().unwrap(), now).unwrap();
    assert!(public.secret().is_none());
    assert_eq!(public.id().len(), 26);
    assert_eq!(public.created_at(), now);
    assert_eq!(public.modified_at(), now);

    let generated = AppClientConfig::builder("b")
        .generate_secret(true)
        .build()
        .unwrap();
    let c = AppClient::new(generated, now).unwrap();
    assert_eq!(c.secret().map(|s| s.expose_secret().len()), Some(51));

    let explicit = AppClientConfig::builder("c")
        .client_secret(ClientSecret::new(SECRET))
        .build()
        .unwrap();
    let c = AppClient::new(explicit, now).unwrap();
    assert_eq!(c.secret().map(ClientSecret::expose_secret), Some(SECRET));
    assert!(c.config().client_secret().is_none());
}

#[test]
fn public_client_ignores_secret_hash() {
    let config = AppClientConfig::builder("web").build().unwrap();
    let client =
        AppClient::from_parts("abc", config, Timestamp::UNIX_EPOCH, Timestamp::UNIX_EPOCH).unwrap();
    assert!(check_secret_hash(&client, "alice", None).is_ok());
    assert!(check_secret_hash(&client, "alice", Some("garbage")).is_ok());
    assert!(check_client_secret(&client, None));
    assert!(check_client_secret(&client, Some("anything")));
}

#[test]
fn secret_hash_errors_use_cognitos_messages() {
    let client = confidential("1example23456789");
    let missing = check_secret_hash(&client, "alice", None).unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotAuthorized);
    assert_eq!(
        missing.message(),
        "Client 1example23456789 is configured with secret but SECRET_HASH was not received"
    );
    for wrong in ["", "WozKlcsNn42vw+GNgYnkjUawOBKW3mhoGnHQ4vT3VxA", "x"] {
        let err = check_secret_hash(&client, "alice", Some(wrong)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotAuthorized);
        assert_eq!(
            err.message(),
            "Unable to verify secret hash for client 1example23456789"
        );
    }
    check_secret_hash(
        &client,
        "alice",
        Some("WozKlcsNn42vw+GNgYnkjUawOBKW3mhoGnHQ4vT3VxA="),
    )
    .unwrap();
}

#[test]
fn raw_client_secret_check() {
    let client = confidential("1example23456789");
    assert!(check_client_secret(&client, Some(SECRET)));
    assert!(!check_client_secret(&client, None));
    assert!(!check_client_secret(
        &client,
        Some("abcdefghijklmnopqrstuvwxyz012345678")
    ));
    assert!(!check_client_secret(&client, Some("")));
}

#[test]
fn secret_never_appears_in_debug_output() {
    let client = confidential("id");
    let printed = format!("{client:?}");
    assert!(printed.contains("ClientSecret([redacted])"));
    assert!(!printed.contains("abcdefghij"));
}

#[test]
fn client_secret_format_is_checked() {
    for bad in [
        "short",
        "has space in the middle of it",
        "ä23456789012345678901234",
    ] {
        let err = AppClientConfig::builder("web")
            .client_secret(ClientSecret::new(bad))
            .build()
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert!(!err.message().contains(bad));
    }
    let ok = "a_b+".repeat(6);
    assert!(
        AppClientConfig::builder("web")
            .client_secret(ClientSecret::new(ok))
            .build()
            .is_ok()
    );
    let too_long = "a".repeat(65);
    assert!(
        AppClientConfig::builder("web")
            .client_secret(ClientSecret::new(too_long))
            .build()
            .is_err()
    );
}

#[test]
fn both_secret_options_are_refused() {
    let err = AppClientConfig::builder("web")
        .generate_secret(true)
        .client_secret(ClientSecret::new(SECRET))
        .build()
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
}

#[test]
fn client_name_limits() {
    assert!(AppClientConfig::builder("").build().is_err());
    assert!(AppClientConfig::builder("a".repeat(128)).build().is_ok());
    assert!(AppClientConfig::builder("a".repeat(129)).build().is_err());
    assert!(
        AppClientConfig::builder("my app+1=2,3.4@5-6_7")
            .build()
            .is_ok()
    );
    assert!(AppClientConfig::builder("no/slashes").build().is_err());
}

#[test]
fn model_problems_are_reported_together() {
    let err = AppClientConfig::builder("")
        .auth_session_validity(16)
        .build()
        .unwrap_err();
    assert!(
        err.message().starts_with("2 validation errors detected: "),
        "{}",
        err.message()
    );
}

#[test]
fn client_id_format_is_checked() {
    let config = || AppClientConfig::builder("web").build().unwrap();
    let t = Timestamp::UNIX_EPOCH;
    assert!(AppClient::from_parts("", config(), t, t).is_err());
    assert!(AppClient::from_parts("a-b", config(), t, t).is_err());
    assert!(AppClient::from_parts("a".repeat(129), config(), t, t).is_err());
    assert!(AppClient::from_parts("a_b+C9", config(), t, t).is_ok());
}

#[test]
fn unit_amounts_read_naturally() {
    assert_eq!(TokenUnit::Minutes.amount(1), "1 minute");
    assert_eq!(TokenUnit::Days.amount(3651), "3651 days");
}

#[test]
fn attribute_names_in_lists_are_bounded() {
    assert!(
        AppClientConfig::builder("w")
            .read_attributes([""])
            .build()
            .is_err()
    );
    assert!(
        AppClientConfig::builder("w")
            .write_attributes(["x".repeat(2049)])
            .build()
            .is_err()
    );
}

#[test]
fn refresh_token_rotation_grace_period() {
    assert_eq!(
        RefreshTokenRotation::default(),
        RefreshTokenRotation::DISABLED
    );
    let r = RefreshTokenRotation::enabled(60).unwrap();
    assert!(r.is_enabled());
    assert_eq!(r.retry_grace_period(), Duration::from_secs(60));
    let err = RefreshTokenRotation::enabled(61).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidParameter);
}
