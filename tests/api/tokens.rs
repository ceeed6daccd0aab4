//! The tokens a sign-in issues, checked by an independent JWT implementation
//! (`jsonwebtoken`, RustCrypto backend) from the pool's JWKS document alone:
//! headers, every claim of the access and ID tokens, group and role claims,
//! the client's read list, `EnableTokenRevocation`, per-client validity; and
//! the pool's own offline verifier (cognito-protocol.md §6.1–§6.4, §6.6, §6.7).

use std::collections::BTreeSet;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use userpool::client::{TokenUnit, TokenValidity};
use userpool::schema::{Attribute, CustomAttribute};
use userpool::{AuthenticationResult, Clock, ErrorCode, GroupRequest, InitiateAuthRequest};

use super::common::{
    Harness, JANE, add_client, confirmed, password_client, password_client_config, refused, sign_in,
};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, START, is_uuid_v4};

const POOL_ID: &str = "us-east-1_ApiTests1";
const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ApiTests1";

/// The quickstart pool plus a developer-only attribute, with Jane confirmed
/// (email verified), given a verified phone number and a `dev:` value.
fn jane() -> (Harness, String) {
    let h = Harness::new(
        quickstart_config()
            .custom_attribute(CustomAttribute::string("clearance").developer_only())
            .build()
            .unwrap(),
    );
    let sub = confirmed(&h, JANE);
    h.pool
        .admin_update_user_attributes(
            JANE,
            vec![
                Attribute::new("phone_number", "+14325551212"),
                Attribute::new("phone_number_verified", "true"),
                Attribute::new("dev:custom:clearance", "top"),
            ],
        )
        .unwrap();
    assert_eq!(h.user(JANE).attribute("dev:custom:clearance"), Some("top"));
    (h, sub)
}

/// A decoded token: the raw header JSON, its `kid`, and the verified claims.
struct Decoded {
    header: String,
    kid: String,
    claims: Value,
}

/// Decodes `token` with `jsonwebtoken`, using only `jwks` (the JWK whose `kid`
/// the header names), checking RS256, the issuer and, for ID tokens, the
/// audience. Expiry is checked by the tests against the `ManualClock`.
fn decode(token: &str, jwks: &str, audience: Option<&str>) -> Decoded {
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
    assert_eq!(
        (jwk["alg"].as_str(), jwk["kty"].as_str()),
        (Some("RS256"), Some("RSA"))
    );
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
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("jsonwebtoken accepts the token")
        .claims;
    let raw = URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    Decoded {
        header: String::from_utf8(raw).unwrap(),
        kid,
        claims,
    }
}

/// Both tokens of `tokens`, decoded against the pool's JWKS.
fn decode_pair(h: &Harness, client: &str, tokens: &AuthenticationResult) -> (Decoded, Decoded) {
    let jwks = h.pool.jwks_json();
    (
        decode(&tokens.access_token, &jwks, None),
        decode(&tokens.id_token, &jwks, Some(client)),
    )
}

fn names(claims: &Value) -> BTreeSet<&str> {
    claims
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

const ACCESS_CLAIMS: [&str; 12] = [
    "sub",
    "iss",
    "client_id",
    "origin_jti",
    "event_id",
    "token_use",
    "scope",
    "auth_time",
    "exp",
    "iat",
    "jti",
    "username",
];

const ID_REGISTERED_CLAIMS: [&str; 11] = [
    "sub",
    "aud",
    "iss",
    "token_use",
    "auth_time",
    "exp",
    "iat",
    "jti",
    "origin_jti",
    "event_id",
    "cognito:username",
];

// ----- headers and keys -----

#[test]
fn both_tokens_verify_from_the_jwks_alone_with_different_kids() {
    let (h, _) = jane();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = decode_pair(&h, &client, &tokens);
    assert_ne!(
        access.kid, id.kid,
        "access and ID tokens use different keys"
    );
    let jwks: Value = serde_json::from_str(&h.pool.jwks_json()).unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
}

#[test]
fn the_header_is_kid_then_alg_exactly() {
    let (h, _) = jane();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = decode_pair(&h, &client, &tokens);
    for d in [access, id] {
        assert_eq!(d.header, format!(r#"{{"kid":"{}","alg":"RS256"}}"#, d.kid));
        assert_eq!(d.kid.len(), 44, "a kid shaped like Cognito's: {}", d.kid);
        assert!(d.kid.ends_with('='));
    }
}

// ----- the access token -----

#[test]
fn the_access_token_carries_exactly_cognitos_claims() {
    let (h, sub) = jane();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, _) = decode_pair(&h, &client, &tokens);
    let c = &access.claims;
    assert_eq!(names(c), set(&ACCESS_CLAIMS), "no aud, no groups: {c}");
    assert_eq!(c["sub"], sub.as_str());
    assert_eq!(c["iss"], ISSUER);
    assert!(ISSUER.ends_with(POOL_ID));
    assert_eq!(h.pool.issuer(), ISSUER);
    assert_eq!(c["client_id"], client.as_str());
    assert!(is_uuid_v4(c["origin_jti"].as_str().unwrap()));
    assert!(is_uuid_v4(c["event_id"].as_str().unwrap()));
    assert!(is_uuid_v4(c["jti"].as_str().unwrap()));
    assert_eq!(c["token_use"], "access");
    assert_eq!(c["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(c["auth_time"], START.unix_seconds());
    assert_eq!(c["iat"], START.unix_seconds());
    assert_eq!(c["exp"], START.unix_seconds() + 3600);
    // The internal username: in an email-as-username pool, the sub.
    assert_eq!(c["username"], sub.as_str());
}

#[test]
fn timestamps_follow_the_clock() {
    let (h, _) = jane();
    let client = password_client(&h);
    h.clock.advance(Duration::from_millis(12_345_678));
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = decode_pair(&h, &client, &tokens);
    let now = h.clock.now().unix_seconds();
    for c in [&access.claims, &id.claims] {
        assert_eq!(c["iat"], now);
        assert_eq!(c["auth_time"], now);
        assert_eq!(c["exp"], now + 3600);
    }
}

// ----- the ID token -----

#[test]
fn the_id_token_carries_the_readable_attributes_typed_as_cognito_types_them() {
    let (h, sub) = jane();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = decode_pair(&h, &client, &tokens);
    let c = &id.claims;
    let mut expected = set(&ID_REGISTERED_CLAIMS);
    expected.extend([
        "email",
        "email_verified",
        "phone_number",
        "phone_number_verified",
        "family_name",
        "address",
        "custom:tenant_id",
        "custom:created_at",
        "custom:employee_id",
        "custom:is_admin",
    ]);
    assert_eq!(names(c), expected, "no client_id, no dev: attribute: {c}");
    assert_eq!(c["sub"], sub.as_str());
    assert_eq!(c["aud"], client.as_str());
    assert_eq!(c["iss"], ISSUER);
    assert_eq!(c["token_use"], "id");
    assert_eq!(c["cognito:username"], sub.as_str());
    assert_eq!(c["auth_time"], START.unix_seconds());
    assert_eq!(c["iat"], START.unix_seconds());
    assert_eq!(c["exp"], START.unix_seconds() + 3600);
    assert_eq!(c["email"], JANE);
    assert_eq!(c["email_verified"], json!(true), "a JSON boolean");
    assert_eq!(c["phone_number"], "+14325551212");
    assert_eq!(c["phone_number_verified"], json!(true));
    assert_eq!(c["family_name"], "Foobar");
    assert_eq!(c["address"], json!({"formatted": "1 Main St"}));
    assert_eq!(c["custom:tenant_id"], "1234567890");
    assert_eq!(c["custom:created_at"], "2022-01-01");
    assert_eq!(c["custom:employee_id"], "10", "custom numbers stay strings");
    assert_eq!(
        c["custom:is_admin"], "false",
        "custom booleans stay strings"
    );

    let a = &access.claims;
    assert!(is_uuid_v4(c["jti"].as_str().unwrap()));
    assert_ne!(c["jti"], a["jti"]);
    assert_eq!(c["origin_jti"], a["origin_jti"]);
    assert_eq!(c["event_id"], a["event_id"]);
}

#[test]
fn an_unverified_email_is_false_in_the_id_token() {
    let h = Harness::new(quickstart_config().build().unwrap());
    super::common::sign_up(&h, JANE);
    h.pool.admin_confirm_sign_up(JANE).unwrap();
    h.pool
        .admin_update_user_attributes(JANE, vec![Attribute::new("email_verified", "false")])
        .unwrap();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (_, id) = decode_pair(&h, &client, &tokens);
    assert_eq!(id.claims["email_verified"], json!(false));
}

#[test]
fn the_clients_read_list_limits_the_id_token_attributes() {
    let (h, _) = jane();
    let client = add_client(
        &h,
        password_client_config("narrow").read_attributes(["email", "custom:tenant_id"]),
    )
    .id()
    .to_owned();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = decode_pair(&h, &client, &tokens);
    let mut expected = set(&ID_REGISTERED_CLAIMS);
    expected.extend(["email", "custom:tenant_id"]);
    assert_eq!(names(&id.claims), expected);
    assert_eq!(names(&access.claims), set(&ACCESS_CLAIMS));
}

#[test]
fn without_token_revocation_the_tokens_carry_no_origin_jti() {
    let (h, _) = jane();
    let client = add_client(
        &h,
        password_client_config("no-revocation").enable_token_revocation(false),
    )
    .id()
    .to_owned();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = decode_pair(&h, &client, &tokens);
    let mut expected = set(&ACCESS_CLAIMS);
    expected.remove("origin_jti");
    assert_eq!(names(&access.claims), expected);
    assert!(id.claims.get("origin_jti").is_none());
    assert_eq!(id.claims["event_id"], access.claims["event_id"]);
    assert!(tokens.refresh_token.is_some());
}

// ----- validity -----

#[test]
fn per_client_validity_applies_in_its_units() {
    let (h, _) = jane();
    let validity = TokenValidity::builder()
        .access_token(5, TokenUnit::Minutes)
        .id_token(2, TokenUnit::Hours)
        .refresh_token(1, TokenUnit::Days)
        .build()
        .unwrap();
    let client = add_client(&h, password_client_config("short").token_validity(validity))
        .id()
        .to_owned();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    assert_eq!(tokens.expires_in, 300);
    let (access, id) = decode_pair(&h, &client, &tokens);
    let lifetime = |c: &Value| c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap();
    assert_eq!(lifetime(&access.claims), 300);
    assert_eq!(lifetime(&id.claims), 7200);

    // The refresh token lives one day.
    let refresh = tokens.refresh_token.clone().unwrap();
    h.clock.advance(Duration::from_secs(86_400 - 1));
    h.pool
        .initiate_auth(InitiateAuthRequest::refresh(&client, &refresh))
        .unwrap();
    h.clock.advance(Duration::from_secs(1));
    let e = refused(
        h.pool
            .initiate_auth(InitiateAuthRequest::refresh(&client, &refresh)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Refresh Token has expired")
    );
}

#[test]
fn validity_in_seconds_is_honoured() {
    let (h, _) = jane();
    let validity = TokenValidity::builder()
        .access_token(900, TokenUnit::Seconds)
        .id_token(86_400, TokenUnit::Seconds)
        .build()
        .unwrap();
    let client = add_client(&h, password_client_config("secs").token_validity(validity))
        .id()
        .to_owned();
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    assert_eq!(tokens.expires_in, 900);
    let (access, id) = decode_pair(&h, &client, &tokens);
    assert_eq!(access.claims["exp"], START.unix_seconds() + 900);
    assert_eq!(id.claims["exp"], START.unix_seconds() + 86_400);
}

// ----- groups and roles -----

fn group(h: &Harness, name: &str, precedence: Option<u32>, role: Option<&str>) {
    h.pool
        .create_group({
            let mut r = GroupRequest::new(name.to_owned());
            r.role_arn = role.map(str::to_owned);
            r.precedence = precedence;
            r
        })
        .unwrap();
    h.pool.admin_add_user_to_group(JANE, name).unwrap();
}

const ADMIN_ROLE: &str = "arn:aws:iam::123456789012:role/Admin";
const EDITOR_ROLE: &str = "arn:aws:iam::123456789012:role/Editor";
const READER_ROLE: &str = "arn:aws:iam::123456789012:role/Reader";

#[test]
fn groups_are_listed_by_precedence_in_both_tokens_and_roles_in_the_id_token() {
    let (h, _) = jane();
    let client = password_client(&h);
    group(&h, "readers", None, Some(READER_ROLE));
    group(&h, "editors", Some(5), Some(EDITOR_ROLE));
    group(&h, "admins", Some(1), Some(ADMIN_ROLE));
    group(&h, "beta", Some(3), None);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = decode_pair(&h, &client, &tokens);
    let groups = json!(["admins", "beta", "editors", "readers"]);
    assert_eq!(access.claims["cognito:groups"], groups);
    assert_eq!(id.claims["cognito:groups"], groups);
    assert_eq!(
        id.claims["cognito:roles"],
        json!([ADMIN_ROLE, EDITOR_ROLE, READER_ROLE])
    );
    assert_eq!(id.claims["cognito:preferred_role"], ADMIN_ROLE);
    let mut expected = set(&ACCESS_CLAIMS);
    expected.insert("cognito:groups");
    assert_eq!(
        names(&access.claims),
        expected,
        "roles only in the ID token"
    );
}

#[test]
fn a_precedence_tie_between_different_roles_omits_the_preferred_role() {
    let (h, _) = jane();
    let client = password_client(&h);
    group(&h, "editors", Some(2), Some(EDITOR_ROLE));
    group(&h, "admins", Some(2), Some(ADMIN_ROLE));
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (_, id) = decode_pair(&h, &client, &tokens);
    assert_eq!(id.claims["cognito:groups"], json!(["admins", "editors"]));
    assert_eq!(id.claims["cognito:roles"], json!([ADMIN_ROLE, EDITOR_ROLE]));
    assert!(id.claims.get("cognito:preferred_role").is_none());
}

#[test]
fn a_precedence_tie_with_the_same_role_keeps_the_preferred_role() {
    let (h, _) = jane();
    let client = password_client(&h);
    group(&h, "editors", Some(2), Some(EDITOR_ROLE));
    group(&h, "writers", Some(2), Some(EDITOR_ROLE));
    group(&h, "readers", Some(7), Some(READER_ROLE));
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (_, id) = decode_pair(&h, &client, &tokens);
    assert_eq!(
        id.claims["cognito:roles"],
        json!([EDITOR_ROLE, READER_ROLE])
    );
    assert_eq!(id.claims["cognito:preferred_role"], EDITOR_ROLE);
}

#[test]
fn groups_without_roles_give_no_role_claims() {
    let (h, _) = jane();
    let client = password_client(&h);
    group(&h, "beta", None, None);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (_, id) = decode_pair(&h, &client, &tokens);
    assert_eq!(id.claims["cognito:groups"], json!(["beta"]));
    assert!(id.claims.get("cognito:roles").is_none());
    assert!(id.claims.get("cognito:preferred_role").is_none());
}

// ----- the pool's verifier -----

#[test]
fn the_pools_verifier_accepts_both_tokens_for_their_client() {
    let (h, sub) = jane();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let verifier = h.pool.token_verifier();
    let now = h.clock.now();
    let access = verifier
        .verify_access(&tokens.access_token, Some(&client), now)
        .unwrap();
    assert_eq!(
        (access.sub.as_str(), access.client_id.as_str()),
        (sub.as_str(), client.as_str())
    );
    let id = verifier
        .verify_id(&tokens.id_token, Some(&client), now)
        .unwrap();
    assert_eq!(id.aud, client);
    assert_eq!(id.attributes["email"], JANE);
}

#[test]
fn the_pools_verifier_refuses_another_client_and_the_wrong_token_type() {
    let (h, _) = jane();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let verifier = h.pool.token_verifier();
    let now = h.clock.now();
    for e in [
        verifier
            .verify_access(&tokens.access_token, Some("anotherclient"), now)
            .unwrap_err(),
        verifier
            .verify_access(&tokens.id_token, Some(&client), now)
            .unwrap_err(),
    ] {
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "Invalid Access Token")
        );
    }
    let e = verifier
        .verify_id(&tokens.access_token, Some(&client), now)
        .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid ID Token")
    );
}

#[test]
fn the_pools_verifier_refuses_expired_tokens() {
    let (h, _) = jane();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let verifier = h.pool.token_verifier();
    h.clock.advance(Duration::from_secs(3599));
    verifier
        .verify_access(&tokens.access_token, Some(&client), h.clock.now())
        .unwrap();
    h.clock.advance(Duration::from_secs(1));
    let e = verifier
        .verify_access(&tokens.access_token, Some(&client), h.clock.now())
        .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Access Token has expired")
    );
    let e = verifier
        .verify_id(&tokens.id_token, Some(&client), h.clock.now())
        .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "ID Token has expired")
    );
}

#[test]
fn the_pools_verifier_can_be_rebuilt_from_the_published_jwks() {
    let (h, _) = jane();
    let client = password_client(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let verifier = userpool::token::TokenVerifier::from_jwks(&h.pool.jwks_json(), ISSUER).unwrap();
    verifier
        .verify_access(&tokens.access_token, Some(&client), h.clock.now())
        .unwrap();
    verifier
        .verify_id(&tokens.id_token, Some(&client), h.clock.now())
        .unwrap();
    let wrong_issuer = userpool::token::TokenVerifier::from_jwks(
        &h.pool.jwks_json(),
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other",
    )
    .unwrap();
    let e = wrong_issuer
        .verify_access(&tokens.access_token, None, h.clock.now())
        .unwrap_err();
    assert_eq!(e.message(), "Invalid Access Token");
}
