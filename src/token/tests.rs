//! Tokens (`crate::token`): what [`KeySet`] signs is
//! checked by an independent JWT implementation (`jsonwebtoken`, RustCrypto
//! backend) from the JWKS document alone, as a backend or `aws-jwt-verify`
//! would (cognito-protocol.md §6.1–§6.4, §6.7); then [`TokenVerifier`]'s
//! refusals, each with its exact error code and Cognito message; rotation;
//! and the invariant that no string other than a token we signed verifies.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use crate::schema::Attributes;
use crate::token::{
    AccessClaims, GroupInfo, IdClaims, KeySet, SCOPE_USER_ADMIN, TokenUse, TokenVerifier,
    group_claims, id_token_attributes, new_refresh_token, parse_refresh_token_shape,
    refresh_token_digest,
};
use crate::{ErrorCode, Timestamp};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use proptest::prelude::*;
use serde_json::{Value, json};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_tK1PT2XHw";
const CLIENT: &str = "5015ncg0dvmsd4vbmskke3j1tv";
const SUB: &str = "f81d4fae-7dec-41d0-a765-00a0c91e6bf6";
/// Issue time of every test token; `validate_exp` is off in `jsonwebtoken`
/// and our verifier is given explicit times around it.
const IAT: i64 = 1_700_000_000;
const EXP: i64 = IAT + 3600;

/// Three independent key sets, generated once per test process.
fn keys() -> &'static [KeySet; 3] {
    static KEYS: OnceLock<[KeySet; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        std::thread::scope(|s| {
            [0, 1, 2]
                .map(|_| s.spawn(|| KeySet::generate().expect("key generation")))
                .map(|h| h.join().expect("key generation thread"))
        })
    })
}

fn pool_keys() -> &'static KeySet {
    &keys()[0]
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(seconds)
}

fn minimal_access_claims() -> AccessClaims {
    AccessClaims {
        sub: SUB.to_owned(),
        cognito_groups: None,
        iss: ISSUER.to_owned(),
        client_id: CLIENT.to_owned(),
        origin_jti: None,
        event_id: "4a3a1e6c-1d0e-4c5e-9b0f-2f0e2d1c3b4a".to_owned(),
        token_use: TokenUse::Access,
        scope: SCOPE_USER_ADMIN.to_owned(),
        auth_time: IAT - 60,
        exp: EXP,
        iat: IAT,
        jti: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
        username: "jane".to_owned(),
        device_key: None,
        extra: std::collections::BTreeMap::new(),
    }
}

fn full_access_claims() -> AccessClaims {
    AccessClaims {
        cognito_groups: Some(vec!["admins".to_owned(), "users".to_owned()]),
        origin_jti: Some("0d7ab3c4-0b3e-4a27-9b43-6a3c7d0e9f11".to_owned()),
        device_key: Some("us-east-1_0f3c9e5e-6a9b-4b8e-9c61-0b8e5f6a7d21".to_owned()),
        extra: std::collections::BTreeMap::new(),
        ..minimal_access_claims()
    }
}

fn stored_attributes() -> Attributes {
    [
        ("sub", SUB),
        ("email", "jane@example.com"),
        ("email_verified", "true"),
        ("phone_number", "+15555550100"),
        ("phone_number_verified", "false"),
        ("address", "1 Main St, Springfield"),
        ("given_name", "Jane"),
        ("updated_at", "1699999000"),
        ("custom:employee_id", "42"),
        ("custom:is_admin", "true"),
        ("custom:hidden", "not readable"),
        ("dev:custom:internal", "never"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn minimal_id_claims() -> IdClaims {
    IdClaims {
        sub: SUB.to_owned(),
        aud: CLIENT.to_owned(),
        iss: ISSUER.to_owned(),
        token_use: TokenUse::Id,
        auth_time: IAT - 60,
        exp: EXP,
        iat: IAT,
        jti: "1b8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
        origin_jti: None,
        event_id: "4a3a1e6c-1d0e-4c5e-9b0f-2f0e2d1c3b4a".to_owned(),
        cognito_username: "jane".to_owned(),
        cognito_groups: None,
        cognito_roles: None,
        cognito_preferred_role: None,
        attributes: BTreeMap::new(),
    }
}

fn full_id_claims() -> IdClaims {
    let (groups, roles, preferred) = group_claims(&[
        GroupInfo {
            name: "users".to_owned(),
            precedence: Some(10),
            role_arn: Some("arn:aws:iam::123456789012:role/users".to_owned()),
        },
        GroupInfo {
            name: "admins".to_owned(),
            precedence: Some(1),
            role_arn: Some("arn:aws:iam::123456789012:role/admins".to_owned()),
        },
    ]);
    IdClaims {
        origin_jti: Some("0d7ab3c4-0b3e-4a27-9b43-6a3c7d0e9f11".to_owned()),
        cognito_groups: groups,
        cognito_roles: roles,
        cognito_preferred_role: preferred,
        attributes: id_token_attributes(&stored_attributes(), &|name| name != "custom:hidden"),
        ..minimal_id_claims()
    }
}

/// The token's JOSE header exactly as its bytes read.
fn raw_header(token: &str) -> String {
    let segment = token.split('.').next().unwrap();
    String::from_utf8(URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

/// Decodes and checks `token` with `jsonwebtoken`, using only the JWKS document:
/// the key is the JWK whose `kid` the token's header names.
fn decode_with_jwks(token: &str, jwks: &str, audience: Option<&str>) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let kid = header.kid.expect("a kid in the header");
    let jwks: Value = serde_json::from_str(jwks).unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the token's kid is in the JWKS");
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["use"], "sig");
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();

    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.set_issuer(&[ISSUER]);
    match audience {
        Some(aud) => validation.set_audience(&[aud]),
        None => validation.validate_aud = false,
    }
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("jsonwebtoken accepts the token")
        .claims
}

fn member_names(claims: &Value) -> HashSet<&str> {
    claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn assert_not_authorized(result: Result<impl std::fmt::Debug, crate::Error>, message: &str) {
    let err = result.expect_err("the token must be refused");
    assert_eq!(err.code(), ErrorCode::NotAuthorized);
    assert_eq!(err.message(), message);
}

// ---------------------------------------------------------------------------
// Signing, checked by jsonwebtoken from the JWKS alone

#[test]
fn an_access_token_decodes_from_the_jwks_with_every_claim() {
    let token = pool_keys().sign_access(&full_access_claims()).unwrap();
    let claims = decode_with_jwks(&token, &pool_keys().jwks_json(), None);
    assert_eq!(
        claims,
        json!({
            "sub": SUB,
            "cognito:groups": ["admins", "users"],
            "iss": ISSUER,
            "client_id": CLIENT,
            "origin_jti": "0d7ab3c4-0b3e-4a27-9b43-6a3c7d0e9f11",
            "event_id": "4a3a1e6c-1d0e-4c5e-9b0f-2f0e2d1c3b4a",
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": IAT - 60,
            "exp": EXP,
            "iat": IAT,
            "jti": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            "username": "jane",
            "device_key": "us-east-1_0f3c9e5e-6a9b-4b8e-9c61-0b8e5f6a7d21",
        })
    );
    assert!(!member_names(&claims).contains("aud"));
}

#[test]
fn an_access_token_omits_absent_optional_claims() {
    let token = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    let claims = decode_with_jwks(&token, &pool_keys().jwks_json(), None);
    let names = member_names(&claims);
    for absent in [
        "cognito:groups",
        "origin_jti",
        "device_key",
        "aud",
        "version",
    ] {
        assert!(!names.contains(absent), "{absent} must be omitted");
    }
    assert!(!claims.to_string().contains("null"));
}

#[test]
fn an_id_token_decodes_from_the_jwks_with_typed_attributes() {
    let token = pool_keys().sign_id(&full_id_claims()).unwrap();
    let claims = decode_with_jwks(&token, &pool_keys().jwks_json(), Some(CLIENT));
    assert_eq!(
        claims,
        json!({
            "sub": SUB,
            "aud": CLIENT,
            "iss": ISSUER,
            "token_use": "id",
            "auth_time": IAT - 60,
            "exp": EXP,
            "iat": IAT,
            "jti": "1b8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            "origin_jti": "0d7ab3c4-0b3e-4a27-9b43-6a3c7d0e9f11",
            "event_id": "4a3a1e6c-1d0e-4c5e-9b0f-2f0e2d1c3b4a",
            "cognito:username": "jane",
            "cognito:groups": ["admins", "users"],
            "cognito:roles": [
                "arn:aws:iam::123456789012:role/admins",
                "arn:aws:iam::123456789012:role/users",
            ],
            "cognito:preferred_role": "arn:aws:iam::123456789012:role/admins",
            "email": "jane@example.com",
            "email_verified": true,
            "phone_number": "+15555550100",
            "phone_number_verified": false,
            "address": {"formatted": "1 Main St, Springfield"},
            "given_name": "Jane",
            "updated_at": 1_699_999_000,
            "custom:employee_id": "42",
            "custom:is_admin": "true",
        })
    );
    assert!(claims["email_verified"].is_boolean());
    assert!(claims["address"].is_object());
    assert!(claims["custom:employee_id"].is_string());
    assert!(!member_names(&claims).contains("client_id"));
}

#[test]
fn an_id_token_omits_absent_optional_claims() {
    let token = pool_keys().sign_id(&minimal_id_claims()).unwrap();
    let claims = decode_with_jwks(&token, &pool_keys().jwks_json(), Some(CLIENT));
    let names = member_names(&claims);
    for absent in [
        "origin_jti",
        "cognito:groups",
        "cognito:roles",
        "cognito:preferred_role",
        "client_id",
    ] {
        assert!(!names.contains(absent), "{absent} must be omitted");
    }
    assert!(!claims.to_string().contains("null"));
}

#[test]
fn headers_are_kid_then_alg_and_the_two_tokens_use_different_kids() {
    let keys = pool_keys();
    let access = keys.sign_access(&minimal_access_claims()).unwrap();
    let id = keys.sign_id(&minimal_id_claims()).unwrap();
    assert_eq!(
        raw_header(&access),
        format!(r#"{{"kid":"{}","alg":"RS256"}}"#, keys.access_kid())
    );
    assert_eq!(
        raw_header(&id),
        format!(r#"{{"kid":"{}","alg":"RS256"}}"#, keys.id_kid())
    );
    assert_ne!(keys.access_kid(), keys.id_kid());
    for token in [&access, &id] {
        assert_eq!(token.split('.').count(), 3);
        assert!(!token.contains('='));
    }
}

#[test]
fn kids_look_like_cognito_kids() {
    for kid in [pool_keys().access_kid(), pool_keys().id_kid()] {
        assert_eq!(kid.len(), 44, "{kid}");
        assert!(kid.ends_with('='));
        assert!(
            kid.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
    }
}

#[test]
fn the_jwks_has_cognitos_shape() {
    let jwks = pool_keys().jwks_json();
    let doc: Value = serde_json::from_str(&jwks).unwrap();
    let keys = doc["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for (key, kid) in keys
        .iter()
        .zip([pool_keys().access_kid(), pool_keys().id_kid()])
    {
        let n = key["n"].as_str().unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(n).unwrap().len(), 256);
        let expected = format!(
            r#"{{"alg":"RS256","e":"AQAB","kid":"{kid}","kty":"RSA","n":"{n}","use":"sig"}}"#
        );
        assert!(jwks.contains(&expected), "{jwks}");
    }
}

#[test]
fn a_verifier_built_from_the_jwks_alone_verifies_both_tokens() {
    let verifier = TokenVerifier::from_jwks(&pool_keys().jwks_json(), ISSUER).unwrap();
    let access = pool_keys().sign_access(&full_access_claims()).unwrap();
    let id = pool_keys().sign_id(&full_id_claims()).unwrap();
    assert_eq!(
        verifier
            .verify_access(&access, Some(CLIENT), at(IAT))
            .unwrap(),
        full_access_claims()
    );
    assert_eq!(
        verifier.verify_id(&id, Some(CLIENT), at(IAT)).unwrap(),
        full_id_claims()
    );
}

#[test]
fn persisted_keys_reload_with_the_same_kids_and_verify_old_tokens() {
    let (access, id) = pool_keys().export_pkcs8();
    let reloaded = KeySet::from_pkcs8(&access, &id).unwrap();
    assert_eq!(reloaded.access_kid(), pool_keys().access_kid());
    assert_eq!(reloaded.id_kid(), pool_keys().id_kid());
    let token = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    assert!(
        reloaded
            .verifier(ISSUER)
            .verify_access(&token, None, at(IAT))
            .is_ok()
    );
}

// ---------------------------------------------------------------------------
// Verifier refusals

#[test]
fn an_expired_access_token_is_reported_as_expired() {
    let token = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    let verifier = pool_keys().verifier(ISSUER);
    assert!(verifier.verify_access(&token, None, at(EXP - 1)).is_ok());
    assert_not_authorized(
        verifier.verify_access(&token, None, at(EXP)),
        "Access Token has expired",
    );
    assert_not_authorized(
        verifier.verify_access(&token, None, at(EXP + 86_400)),
        "Access Token has expired",
    );
}

#[test]
fn an_expired_id_token_is_reported_as_expired() {
    let token = pool_keys().sign_id(&minimal_id_claims()).unwrap();
    let verifier = pool_keys().verifier(ISSUER);
    assert!(verifier.verify_id(&token, None, at(EXP - 1)).is_ok());
    assert_not_authorized(
        verifier.verify_id(&token, Some(CLIENT), at(EXP)),
        "ID Token has expired",
    );
}

#[test]
fn another_issuer_is_invalid() {
    let access = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    let id = pool_keys().sign_id(&minimal_id_claims()).unwrap();
    let other =
        pool_keys().verifier("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other0000");
    assert_not_authorized(
        other.verify_access(&access, None, at(IAT)),
        "Invalid Access Token",
    );
    assert_not_authorized(other.verify_id(&id, None, at(IAT)), "Invalid ID Token");
}

#[test]
fn another_client_is_invalid() {
    let access = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    let id = pool_keys().sign_id(&minimal_id_claims()).unwrap();
    let verifier = pool_keys().verifier(ISSUER);
    assert_not_authorized(
        verifier.verify_access(&access, Some("someotherclient0000000000a"), at(IAT)),
        "Invalid Access Token",
    );
    assert_not_authorized(
        verifier.verify_id(&id, Some("someotherclient0000000000a"), at(IAT)),
        "Invalid ID Token",
    );
}

#[test]
fn an_invalid_token_is_invalid_even_when_also_expired() {
    let token = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    assert_not_authorized(
        pool_keys()
            .verifier(ISSUER)
            .verify_access(&token, Some("wrong"), at(EXP + 10)),
        "Invalid Access Token",
    );
}

#[test]
fn a_tampered_payload_is_invalid() {
    let token = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    let [header, _, signature]: [&str; 3] =
        token.split('.').collect::<Vec<_>>().try_into().unwrap();
    let mut claims = serde_json::to_value(minimal_access_claims()).unwrap();
    claims["username"] = json!("admin");
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let forged = format!("{header}.{payload}.{signature}");
    assert_not_authorized(
        pool_keys()
            .verifier(ISSUER)
            .verify_access(&forged, None, at(IAT)),
        "Invalid Access Token",
    );
}

#[test]
fn a_tampered_signature_is_invalid() {
    let token = pool_keys().sign_id(&minimal_id_claims()).unwrap();
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[100] ^= 0x01;
    let forged = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(bytes));
    assert_not_authorized(
        pool_keys()
            .verifier(ISSUER)
            .verify_id(&forged, None, at(IAT)),
        "Invalid ID Token",
    );
    assert_not_authorized(
        pool_keys()
            .verifier(ISSUER)
            .verify_id(&format!("{signed}."), None, at(IAT)),
        "Invalid ID Token",
    );
}

#[test]
fn a_token_from_another_pools_keys_is_invalid() {
    let foreign = keys()[1].sign_access(&minimal_access_claims()).unwrap();
    assert_not_authorized(
        pool_keys()
            .verifier(ISSUER)
            .verify_access(&foreign, None, at(IAT)),
        "Invalid Access Token",
    );
}

#[test]
fn a_known_kid_with_another_keys_signature_is_invalid() {
    // Signed by a foreign key but claiming our kid.
    let foreign = keys()[1].sign_access(&minimal_access_claims()).unwrap();
    let (_, rest) = foreign.split_once('.').unwrap();
    let header = format!(r#"{{"kid":"{}","alg":"RS256"}}"#, pool_keys().access_kid());
    let forged = format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header));
    assert_not_authorized(
        pool_keys()
            .verifier(ISSUER)
            .verify_access(&forged, None, at(IAT)),
        "Invalid Access Token",
    );
}

#[test]
fn alg_none_and_hs256_headers_are_invalid() {
    let keys = pool_keys();
    let verifier = keys.verifier(ISSUER);
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&minimal_access_claims()).unwrap());

    // alg "none", with and without a signature segment.
    let none = URL_SAFE_NO_PAD.encode(format!(r#"{{"kid":"{}","alg":"none"}}"#, keys.access_kid()));
    assert_not_authorized(
        verifier.verify_access(&format!("{none}.{payload}."), None, at(IAT)),
        "Invalid Access Token",
    );
    assert_not_authorized(
        verifier.verify_access(&format!("{none}.{payload}"), None, at(IAT)),
        "Invalid Access Token",
    );

    // HS256 keyed with the public modulus: the classic algorithm confusion.
    let jwks: Value = serde_json::from_str(&keys.jwks_json()).unwrap();
    let n = jwks["keys"][0]["n"].as_str().unwrap().to_owned();
    let hs = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"kid":"{}","alg":"HS256"}}"#,
        keys.access_kid()
    ));
    let signing_input = format!("{hs}.{payload}");
    for secret in [n.as_bytes().to_vec(), URL_SAFE_NO_PAD.decode(&n).unwrap()] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret);
        let tag = ring::hmac::sign(&key, signing_input.as_bytes());
        let forged = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag));
        assert_not_authorized(
            verifier.verify_access(&forged, None, at(IAT)),
            "Invalid Access Token",
        );
    }

    // A valid signature under a header that is not exactly RS256.
    let token = keys.sign_access(&minimal_access_claims()).unwrap();
    let (_, rest) = token.split_once('.').unwrap();
    for alg in ["rs256", "RS512", "PS256"] {
        let header = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"kid":"{}","alg":"{alg}"}}"#,
            keys.access_kid()
        ));
        assert_not_authorized(
            verifier.verify_access(&format!("{header}.{rest}"), None, at(IAT)),
            "Invalid Access Token",
        );
    }
}

#[test]
fn a_header_without_a_string_kid_is_invalid() {
    let token = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    let (_, rest) = token.split_once('.').unwrap();
    for header in [
        r#"{"alg":"RS256"}"#,
        r#"{"kid":7,"alg":"RS256"}"#,
        r#"{"kid":null,"alg":"RS256"}"#,
    ] {
        let forged = format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header));
        assert_not_authorized(
            pool_keys()
                .verifier(ISSUER)
                .verify_access(&forged, None, at(IAT)),
            "Invalid Access Token",
        );
    }
}

#[test]
fn an_id_token_is_not_an_access_token_and_vice_versa() {
    let verifier = pool_keys().verifier(ISSUER);
    let id = pool_keys().sign_id(&minimal_id_claims()).unwrap();
    let access = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    assert_not_authorized(
        verifier.verify_access(&id, Some(CLIENT), at(IAT)),
        "Invalid Access Token",
    );
    assert_not_authorized(
        verifier.verify_id(&access, Some(CLIENT), at(IAT)),
        "Invalid ID Token",
    );
}

#[test]
fn padded_or_malformed_shapes_are_invalid() {
    let token = pool_keys().sign_access(&minimal_access_claims()).unwrap();
    let verifier = pool_keys().verifier(ISSUER);
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let padded = format!(
        "{signed}.{}",
        base64::engine::general_purpose::URL_SAFE
            .encode(URL_SAFE_NO_PAD.decode(signature).unwrap())
    );
    let standard = format!(
        "{signed}.{}",
        base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(URL_SAFE_NO_PAD.decode(signature).unwrap())
    );
    let overlong = format!("{token}{}", "A".repeat(16 * 1024));
    for bad in [
        "",
        ".",
        "..",
        "a.b.c",
        &format!("{token}."),
        &format!("{token}.x.y"),
        &format!(" {token}"),
        &padded,
        &overlong,
    ] {
        assert_not_authorized(
            verifier.verify_access(bad, None, at(IAT)),
            "Invalid Access Token",
        );
    }
    if standard != token {
        assert_not_authorized(
            verifier.verify_access(&standard, None, at(IAT)),
            "Invalid Access Token",
        );
    }
}

// ---------------------------------------------------------------------------
// Rotation

#[test]
fn tokens_survive_one_rotation_but_not_two() {
    let [a, b, c] = keys();
    let mut rotating = a.clone();
    let access = rotating.sign_access(&minimal_access_claims()).unwrap();
    let id = rotating.sign_id(&minimal_id_claims()).unwrap();

    rotating.rotate(b.clone());
    assert_eq!(rotating.access_kid(), b.access_kid());
    let verifier = rotating.verifier(ISSUER);
    assert!(
        verifier
            .verify_access(&access, Some(CLIENT), at(IAT))
            .is_ok()
    );
    assert!(verifier.verify_id(&id, Some(CLIENT), at(IAT)).is_ok());
    // New tokens are signed with the new keys, and the JWKS has four keys.
    let fresh = rotating.sign_access(&minimal_access_claims()).unwrap();
    assert!(raw_header(&fresh).contains(b.access_kid()));
    let jwks = rotating.jwks_json();
    assert_eq!(
        serde_json::from_str::<Value>(&jwks).unwrap()["keys"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    decode_with_jwks(&access, &jwks, None);
    assert!(
        TokenVerifier::from_jwks(&jwks, ISSUER)
            .unwrap()
            .verify_id(&id, None, at(IAT))
            .is_ok()
    );

    rotating.rotate(c.clone());
    let verifier = rotating.verifier(ISSUER);
    assert_not_authorized(
        verifier.verify_access(&access, Some(CLIENT), at(IAT)),
        "Invalid Access Token",
    );
    assert_not_authorized(
        verifier.verify_id(&id, Some(CLIENT), at(IAT)),
        "Invalid ID Token",
    );
    assert!(
        verifier
            .verify_access(&fresh, Some(CLIENT), at(IAT))
            .is_ok()
    );
}

#[test]
fn a_rotated_set_restores_from_its_exported_keys() {
    let [a, b, _] = keys();
    let mut rotated = a.clone();
    rotated.rotate(b.clone());
    let (prev_access, prev_id) = rotated.export_previous_pkcs8().unwrap();
    let (cur_access, cur_id) = rotated.export_pkcs8();
    let mut restored = KeySet::from_pkcs8(&prev_access, &prev_id).unwrap();
    restored.rotate(KeySet::from_pkcs8(&cur_access, &cur_id).unwrap());
    assert_eq!(restored.jwks_json(), rotated.jwks_json());
}

// ---------------------------------------------------------------------------
// Refresh tokens

#[test]
fn refresh_tokens_are_jwe_shaped_and_stored_by_digest() {
    let (token, digest) = new_refresh_token().unwrap();
    let segments: Vec<&str> = token.split('.').collect();
    assert_eq!(segments.len(), 5);
    assert_eq!(
        URL_SAFE_NO_PAD.decode(segments[0]).unwrap(),
        br#"{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}"#
    );
    let random_bytes: usize = segments[1..]
        .iter()
        .map(|s| URL_SAFE_NO_PAD.decode(s).unwrap().len())
        .sum();
    assert!(random_bytes * 8 >= 256);
    assert_eq!(digest, refresh_token_digest(&token));
    assert!(parse_refresh_token_shape(&token));
    assert!(!parse_refresh_token_shape(&format!(
        "{token}{}",
        "A".repeat(8 * 1024)
    )));
}

// ---------------------------------------------------------------------------
// Nothing but our tokens verifies

fn valid_access_token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| pool_keys().sign_access(&full_access_claims()).unwrap())
}

fn verifier() -> &'static TokenVerifier {
    static VERIFIER: OnceLock<TokenVerifier> = OnceLock::new();
    VERIFIER.get_or_init(|| pool_keys().verifier(ISSUER))
}

fn never_verifies(candidate: &str) {
    assert!(verifier().verify_access(candidate, None, at(IAT)).is_err());
    assert!(verifier().verify_id(candidate, None, at(IAT)).is_err());
}

proptest! {
    #[test]
    fn arbitrary_strings_never_verify(s in ".{0,2048}") {
        never_verifies(&s);
    }

    #[test]
    fn arbitrary_three_segment_strings_never_verify(
        h in "[A-Za-z0-9_-]{0,64}",
        p in "[A-Za-z0-9_-]{0,256}",
        s in "[A-Za-z0-9_-]{0,400}",
    ) {
        never_verifies(&format!("{h}.{p}.{s}"));
    }

    #[test]
    fn a_flipped_byte_never_verifies(index in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let mut bytes = valid_access_token().as_bytes().to_vec();
        let i = index.index(bytes.len());
        bytes[i] ^= mask;
        never_verifies(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn a_truncated_token_never_verifies(index in any::<prop::sample::Index>()) {
        let token = valid_access_token();
        let cut = index.index(token.len());
        never_verifies(&token[..cut]);
    }

    #[test]
    fn swapped_segments_never_verify(order in Just([0usize, 1, 2]).prop_shuffle()) {
        prop_assume!(order != [0, 1, 2]);
        let segments: Vec<&str> = valid_access_token().split('.').collect();
        let shuffled = order.iter().map(|&i| segments[i]).collect::<Vec<_>>().join(".");
        never_verifies(&shuffled);
    }

    #[test]
    fn an_inserted_or_removed_character_never_verifies(
        index in any::<prop::sample::Index>(),
        c in "[A-Za-z0-9_.=-]",
        remove in any::<bool>(),
    ) {
        let mut token = valid_access_token().to_owned();
        let i = index.index(token.len());
        if remove {
            token.remove(i);
        } else {
            token.insert_str(i, &c);
        }
        never_verifies(&token);
    }
}
