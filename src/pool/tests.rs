use super::builder::{generate_pool_id, validate_pool_id};
use super::*;

#[test]
fn store_failures_map_to_cognito_exceptions() {
    let cases = [
        (
            StoreError::InvalidInput("username contains NUL".to_owned()),
            ErrorCode::InvalidParameter,
        ),
        (
            StoreError::unavailable("sqlite: disk I/O error"),
            ErrorCode::InternalError,
        ),
        (StoreError::VersionMismatch, ErrorCode::InternalError),
    ];
    for (e, code) in cases {
        let shown = format!("{e}");
        let mapped = store_error(e);
        assert_eq!(mapped.code(), code, "{shown}");
    }
    // The store's own message (which may name a backend) is not leaked,
    // except the name of the field that is out of bounds.
    let e = store_error(StoreError::unavailable("sqlite: secret detail"));
    assert!(!e.message().contains("secret detail"));
    assert!(!format!("{e} {e:?}").contains("secret detail"));
    // ...but the operator can still reach it, as the error's source.
    let source = std::error::Error::source(&e).map(ToString::to_string);
    assert!(
        source
            .as_deref()
            .is_some_and(|s| s.contains("secret detail")),
        "{source:?}"
    );
    let e = store_error(StoreError::InvalidInput("username contains NUL".to_owned()));
    assert_eq!(
        e.message(),
        "The user store cannot hold this value: username contains NUL."
    );
}

#[test]
fn pool_ids_must_look_like_cognitos() {
    assert!(validate_pool_id("us-east-1_AbCdEf123").is_ok());
    assert!(validate_pool_id("us-gov-west-1_x").is_ok());
    for bad in [
        "useast1_abc",
        "us-east-1_",
        "us-east-1_ab-c",
        "US-east-1_a",
        "x",
        "us-east-12_a",
    ] {
        assert_eq!(
            validate_pool_id(bad).map_err(|e| e.code()),
            Err(ErrorCode::InvalidParameter),
            "{bad}"
        );
    }
}

#[test]
fn generated_pool_ids_validate() {
    for _ in 0..20 {
        let id = generate_pool_id("eu-west-2").unwrap_or_default();
        assert!(validate_pool_id(&id).is_ok(), "{id}");
    }
}
