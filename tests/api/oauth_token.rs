//! `/oauth2/token`, `/oauth2/userInfo` and `/oauth2/revoke` driven through
//! `userpool::oauth::handle` with `OAuthRequest`s (cognito-oauth.md §7–§10),
//! codes issued as the hosted sign-in issues them (`internals::oauth`), and
//! the OAuth tokens on the JSON API (§3.4). Token claims are checked with
//! `jsonwebtoken` against the pool's JWKS alone.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use userpool::client::{AppClientConfig, OAuthFlow};
use userpool::config::{ResourceServer, ResourceServerScope};
use userpool::internals::oauth::{Grant, issue_authorization_code};
use userpool::oauth::{Base, OAuthRequest, OAuthResponse, handle};
use userpool::{Clock, ErrorCode, GetTokensFromRefreshTokenRequest};

use super::common::{Harness, PASSWORD_FLOWS, add_client, confirmed, sign_in};
use crate::support::PASSWORD;
use crate::support::pools::quickstart_config;

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ApiTests1";
const REDIRECT: &str = "https://app.example.com/callback";
const FORM: &str = "application/x-www-form-urlencoded";

fn server(scopes: &[&str]) -> ResourceServer {
    ResourceServer {
        identifier: "api".to_owned(),
        name: "API".to_owned(),
        scopes: scopes
            .iter()
            .map(|s| ResourceServerScope {
                name: (*s).to_owned(),
                description: format!("{s} access"),
            })
            .collect(),
    }
}

/// A quickstart pool with the resource server `api` (read, write, gone),
/// an M2M client, a public web client using the code flow, and a user.
struct Fixture {
    h: Harness,
    m2m: String,
    m2m_secret: String,
    web: String,
    email: String,
}

fn fixture() -> Fixture {
    let h = Harness::new(
        quickstart_config()
            .resource_servers(vec![server(&["read", "write", "gone"])])
            .build()
            .unwrap(),
    );
    let m2m = add_client(
        &h,
        AppClientConfig::builder("backend")
            .generate_secret(true)
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::ClientCredentials])
            .allowed_oauth_scopes(["api/read", "api/write", "api/gone"]),
    );
    let web = add_client(
        &h,
        AppClientConfig::builder("web")
            .explicit_auth_flows(PASSWORD_FLOWS)
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes([
                "openid",
                "email",
                "profile",
                "phone",
                "aws.cognito.signin.user.admin",
                "api/read",
            ])
            .callback_urls([REDIRECT]),
    );
    // `api/gone` leaves its server: the clients keep it, inactive (§2.3).
    let next = h
        .pool
        .config()
        .with_updated_resource_server(h.pool.id(), server(&["read", "write"]))
        .unwrap();
    h.pool.update_config(next).unwrap();
    let email = "jane@example.com".to_owned();
    confirmed(&h, &email);
    Fixture {
        m2m: m2m.id().to_owned(),
        m2m_secret: m2m.secret().unwrap().expose_secret().to_owned(),
        web: web.id().to_owned(),
        email,
        h,
    }
}

fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> OAuthRequest {
    OAuthRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        query: String::new(),
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.as_bytes().to_vec(),
        base: Base {
            url: "http://127.0.0.1:9229/mydomain".to_owned(),
            cookie_path: "/mydomain/".to_owned(),
            secure: false,
        },
    }
}

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

fn body(r: &OAuthResponse) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// A `400 {"error":"<code>"}` answer, exactly.
fn assert_error(r: &OAuthResponse, status: u16, code: &str) {
    assert_eq!(
        (r.status, String::from_utf8_lossy(&r.body).into_owned()),
        (status, format!("{{\"error\":\"{code}\"}}"))
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
}

/// The claims of `token`, verified by `jsonwebtoken` with the pool's JWKS.
fn verified(f: &Fixture, token: &str, audience: Option<&str>) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    let kid = header.kid.unwrap();
    let jwks: Value = serde_json::from_str(&f.h.pool.jwks_json()).unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .unwrap()
        .clone();
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.set_issuer(&[ISSUER]);
    validation.set_required_spec_claims(&["iss"]);
    match audience {
        Some(aud) => validation.set_audience(&[aud]),
        None => validation.validate_aud = false,
    }
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap()
        .claims
}

impl Fixture {
    fn client_credentials(&self, body: &str) -> OAuthResponse {
        let auth = basic(&self.m2m, &self.m2m_secret);
        handle(
            &self.h.pool,
            &request(
                "POST",
                "/oauth2/token",
                &[("Authorization", &auth), ("Content-Type", FORM)],
                body,
            ),
        )
    }

    fn user(&self) -> (String, String) {
        let user = self.h.user(&self.email);
        let sub = user
            .attributes
            .iter()
            .find(|a| a.name == "sub")
            .unwrap()
            .value
            .clone();
        (user.username, sub)
    }

    fn code(&self, scopes: &[&str], nonce: Option<&str>) -> String {
        let (username, sub) = self.user();
        issue_authorization_code(
            &self.h.pool,
            Grant {
                client_id: self.web.clone(),
                redirect_uri: REDIRECT.to_owned(),
                redirect_defaulted: false,
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                nonce: nonce.map(str::to_owned),
                code_challenge: None,
                username,
                sub,
                auth_time: self.h.clock.now(),
            },
        )
        .unwrap()
    }

    fn post(&self, path: &str, body: &str) -> OAuthResponse {
        handle(
            &self.h.pool,
            &request("POST", path, &[("Content-Type", FORM)], body),
        )
    }

    /// The tokens of a code flow granting `scopes`.
    fn tokens(&self, scopes: &[&str]) -> Value {
        let code = self.code(scopes, Some("nonce-1"));
        let r = self.post(
            "/oauth2/token",
            &format!(
                "grant_type=authorization_code&client_id={}&code={code}&redirect_uri={}",
                self.web, "https%3A%2F%2Fapp.example.com%2Fcallback"
            ),
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        body(&r)
    }

    fn user_info(&self, method: &str, token: &str) -> OAuthResponse {
        let auth = format!("Bearer {token}");
        handle(
            &self.h.pool,
            &request(method, "/oauth2/userInfo", &[("Authorization", &auth)], ""),
        )
    }
}

#[test]
fn client_credentials_by_basic_and_by_post_mint_the_ten_claims_of_m2m_tokens() {
    let f = fixture();
    let by_basic = f.client_credentials("grant_type=client_credentials&scope=api%2Fread");
    let by_post = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=client_credentials&client_id={}&client_secret={}&scope=api/read",
            f.m2m, f.m2m_secret
        ),
    );
    for r in [&by_basic, &by_post] {
        assert_eq!(r.status, 200);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            r.header("cache-control"),
            Some("no-cache, no-store, max-age=0, must-revalidate")
        );
        let b = body(r);
        let members: Vec<&str> = b.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(members, ["access_token", "expires_in", "token_type"]);
        assert_eq!(
            (b["expires_in"].as_u64(), b["token_type"].as_str()),
            (Some(3600), Some("Bearer"))
        );
        let c = verified(&f, b["access_token"].as_str().unwrap(), None);
        let mut names: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "auth_time",
                "client_id",
                "exp",
                "iat",
                "iss",
                "jti",
                "scope",
                "sub",
                "token_use",
                "version"
            ]
        );
        assert_eq!(c["sub"], f.m2m.as_str());
        assert_eq!(c["client_id"], f.m2m.as_str());
        assert_eq!(c["token_use"], "access");
        assert_eq!(c["scope"], "api/read");
        assert_eq!(c["version"], 2);
        assert_eq!(c["auth_time"], c["iat"]);
        assert_eq!(c["iat"], f.h.clock.now().unix_seconds());
        assert_eq!(
            c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
            3600
        );
    }
}

#[test]
fn client_credentials_scopes_and_refusals() {
    let f = fixture();
    // No scope: every active custom scope; the inactive one is dropped.
    let r = f.client_credentials("grant_type=client_credentials");
    let c = verified(&f, body(&r)["access_token"].as_str().unwrap(), None);
    assert_eq!(c["scope"], "api/read api/write");
    let r = f.client_credentials("grant_type=client_credentials&scope=api/write+api/gone");
    let c = verified(&f, body(&r)["access_token"].as_str().unwrap(), None);
    assert_eq!(c["scope"], "api/write");
    for scope in ["api/admin", "openid", "api/gone", "other/read"] {
        let r = f.client_credentials(&format!("grant_type=client_credentials&scope={scope}"));
        assert_error(&r, 400, "invalid_scope");
    }
    // A wrong secret, or none, is invalid_client, with status 400 (§7.2).
    let wrong = basic(&f.m2m, "not-the-secret");
    let r = handle(
        &f.h.pool,
        &request(
            "POST",
            "/oauth2/token",
            &[("Authorization", &wrong), ("Content-Type", FORM)],
            "grant_type=client_credentials",
        ),
    );
    assert_error(&r, 400, "invalid_client");
    let r = f.post(
        "/oauth2/token",
        &format!("grant_type=client_credentials&client_id={}", f.m2m),
    );
    assert_error(&r, 400, "invalid_client");
    // A public client never gets an M2M token.
    let r = f.post(
        "/oauth2/token",
        &format!("grant_type=client_credentials&client_id={}", f.web),
    );
    assert_error(&r, 400, "unauthorized_client");
}

#[test]
fn client_credentials_with_the_switch_off_is_invalid_grant() {
    let f = fixture();
    let off = add_client(
        &f.h,
        AppClientConfig::builder("off")
            .generate_secret(true)
            .allowed_oauth_flows([OAuthFlow::ClientCredentials])
            .allowed_oauth_scopes(["api/read"]),
    );
    let auth = basic(off.id(), off.secret().unwrap().expose_secret());
    let r = handle(
        &f.h.pool,
        &request(
            "POST",
            "/oauth2/token",
            &[("Authorization", &auth), ("Content-Type", FORM)],
            "grant_type=client_credentials",
        ),
    );
    assert_error(&r, 400, "invalid_grant");
}

#[test]
fn malformed_token_requests() {
    let f = fixture();
    let r = handle(&f.h.pool, &request("GET", "/oauth2/token", &[], ""));
    assert_eq!(r.status, 405);
    let r = handle(
        &f.h.pool,
        &request(
            "POST",
            "/oauth2/token",
            &[("Content-Type", "application/json")],
            r#"{"grant_type":"client_credentials"}"#,
        ),
    );
    assert_error(&r, 400, "invalid_request");
    assert_error(&f.post("/oauth2/token", "scope=x"), 400, "invalid_request");
    assert_error(
        &f.post("/oauth2/token", "grant_type=password&client_id=x"),
        400,
        "unsupported_grant_type",
    );
    assert_error(
        &f.post(
            "/oauth2/token",
            "grant_type=client_credentials&grant_type=refresh_token",
        ),
        400,
        "invalid_request",
    );
    let r = handle(&f.h.pool, &request("OPTIONS", "/oauth2/token", &[], ""));
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        r.header("access-control-allow-methods"),
        Some("POST, OPTIONS")
    );
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("authorization, content-type, x-amz-user-agent")
    );
    assert_eq!(r.header("access-control-allow-credentials"), None);
    assert_eq!(
        handle(&f.h.pool, &request("POST", "/oauth2/nothing", &[], "")).status,
        404
    );
}

#[test]
fn a_code_exchange_answers_in_order_and_refresh_keeps_the_scopes() {
    let f = fixture();
    let code = f.code(&["openid", "email", "api/read"], Some("n-0S6"));
    let r = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=authorization_code&client_id={}&code={code}&redirect_uri={REDIRECT}",
            f.web
        ),
    );
    assert_eq!(r.status, 200);
    let text = String::from_utf8(r.body.clone()).unwrap();
    let order: Vec<usize> = [
        "\"id_token\"",
        "\"access_token\"",
        "\"refresh_token\"",
        "\"expires_in\"",
        "\"token_type\"",
    ]
    .iter()
    .map(|m| text.find(m).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let b = body(&r);
    let access = verified(&f, b["access_token"].as_str().unwrap(), None);
    assert_eq!(access["scope"], "openid email api/read");
    assert_eq!(access["version"], 2);
    assert!(access.get("origin_jti").is_some());
    assert!(access.get("device_key").is_none());
    let id = verified(&f, b["id_token"].as_str().unwrap(), Some(&f.web));
    assert_eq!(id["nonce"], "n-0S6");
    assert_eq!(id["email"], f.email.as_str());
    // The same code again: invalid_grant.
    let again = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=authorization_code&client_id={}&code={code}&redirect_uri={REDIRECT}",
            f.web
        ),
    );
    assert_error(&again, 400, "invalid_grant");

    f.h.clock.advance(std::time::Duration::from_secs(60));
    let refresh = b["refresh_token"].as_str().unwrap();
    let r = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=refresh_token&client_id={}&refresh_token={refresh}",
            f.web
        ),
    );
    assert_eq!(r.status, 200);
    let rb = body(&r);
    assert!(
        rb.get("refresh_token").is_none(),
        "no rotation, no new token"
    );
    let a2 = verified(&f, rb["access_token"].as_str().unwrap(), None);
    assert_eq!(a2["scope"], "openid email api/read");
    assert_eq!(a2["auth_time"], access["auth_time"]);
    assert_eq!(a2["origin_jti"], access["origin_jti"]);
    let id2 = verified(&f, rb["id_token"].as_str().unwrap(), Some(&f.web));
    assert!(id2.get("nonce").is_none());
    assert!(id2.get("at_hash").is_some());

    // The JSON API's refresh accepts it and keeps its scopes (§3.4).
    let json =
        f.h.pool
            .get_tokens_from_refresh_token(GetTokensFromRefreshTokenRequest::new(
                f.web.clone(),
                refresh.to_owned(),
            ))
            .unwrap();
    let a3 = verified(&f, &json.access_token, None);
    assert_eq!(a3["scope"], "openid email api/read");

    // Another client's token and a garbage token: invalid_grant.
    let r = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=refresh_token&client_id={}&refresh_token=abc",
            f.web
        ),
    );
    assert_error(&r, 400, "invalid_grant");
    let r = f.post(
        "/oauth2/token",
        &format!("grant_type=refresh_token&client_id={}", f.web),
    );
    assert_error(&r, 400, "invalid_request");
}

#[test]
fn a_code_without_openid_has_no_id_token_and_wrong_redirects_fail() {
    let f = fixture();
    let b = f.tokens(&["api/read"]);
    assert!(b.get("id_token").is_none());
    assert!(b.get("refresh_token").is_some());
    let code = f.code(&["openid"], None);
    let r = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=authorization_code&client_id={}&code={code}&redirect_uri={REDIRECT}/",
            f.web
        ),
    );
    assert_error(&r, 400, "invalid_grant");
    let r = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=authorization_code&client_id={}&redirect_uri={REDIRECT}",
            f.web
        ),
    );
    assert_error(&r, 400, "invalid_request");
    // The web client may not use client_credentials, nor the M2M client codes.
    let r = f.client_credentials(&format!(
        "grant_type=authorization_code&code={}&redirect_uri={REDIRECT}",
        f.code(&["openid"], None)
    ));
    assert_error(&r, 400, "unauthorized_client");
}

#[test]
fn user_info_releases_claims_by_scope() {
    let f = fixture();
    let (username, sub) = f.user();
    let pairs = |scopes: &[&str]| -> Value {
        let b = f.tokens(scopes);
        let r = f.user_info("GET", b["access_token"].as_str().unwrap());
        assert_eq!(r.status, 200);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        body(&r)
    };
    let all = pairs(&["openid"]);
    assert_eq!(all["sub"], sub.as_str());
    assert_eq!(all["username"], username.as_str());
    assert_eq!(all["email"], f.email.as_str());
    assert_eq!(all["email_verified"], "true");
    assert_eq!(all["family_name"], "Foobar");
    let email = pairs(&["openid", "email"]);
    let mut names: Vec<&str> = email
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "custom:created_at",
            "custom:employee_id",
            "custom:is_admin",
            "custom:tenant_id",
            "email",
            "email_verified",
            "family_name",
            "sub",
            "username"
        ]
    );
    assert_eq!(all["address"], "1 Main St");
    let text = f
        .user_info(
            "GET",
            f.tokens(&["openid"])["access_token"].as_str().unwrap(),
        )
        .body;
    let text = String::from_utf8(text).unwrap();
    assert!(text.starts_with("{\"sub\":"), "{text}");
    assert!(
        text.ends_with(&format!(",\"username\":\"{username}\"}}")),
        "{text}"
    );
    assert!(email.get("address").is_none());
    let profile = pairs(&["openid", "profile"]);
    assert!(profile.get("email").is_none());
    assert_eq!(profile["family_name"], "Foobar");
    let phone = pairs(&["openid", "phone"]);
    assert!(phone.get("email").is_none());
    // POST works too.
    let b = f.tokens(&["openid", "email"]);
    let r = f.user_info("POST", b["access_token"].as_str().unwrap());
    assert_eq!(r.status, 200);
}

#[test]
fn user_info_refusals() {
    let f = fixture();
    // No openid: 401.
    let b = f.tokens(&["api/read"]);
    let r = f.user_info("GET", b["access_token"].as_str().unwrap());
    assert_eq!(r.status, 401);
    assert_eq!(
        r.header("www-authenticate"),
        Some(
            "error=\"invalid_token\", error_description=\"Access token is expired, disabled, or deleted, or the user has globally signed out.\""
        )
    );
    assert_eq!(body(&r)["error"], "invalid_token");
    // A token of the JSON API: 401.
    let api = sign_in(&f.h, &f.web, &f.email, PASSWORD);
    assert_eq!(f.user_info("GET", &api.access_token).status, 401);
    // No bearer: 400.
    let r = handle(&f.h.pool, &request("GET", "/oauth2/userinfo", &[], ""));
    assert_eq!(r.status, 400);
    assert_eq!(
        r.header("www-authenticate"),
        Some(
            "error=\"invalid_request\", error_description=\"Bad OAuth2 request at UserInfo Endpoint\""
        )
    );
    assert_eq!(body(&r)["error"], "invalid_request");
    // Expired: 401.
    let b = f.tokens(&["openid"]);
    f.h.clock.advance(std::time::Duration::from_secs(3600));
    assert_eq!(
        f.user_info("GET", b["access_token"].as_str().unwrap())
            .status,
        401
    );
}

#[test]
fn revoke_follows_its_table() {
    let f = fixture();
    let b = f.tokens(&["openid", "email"]);
    let refresh = b["refresh_token"].as_str().unwrap();
    let access = b["access_token"].as_str().unwrap();
    let revoke = |body: &str| f.post("/oauth2/revoke", body);
    assert_error(
        &revoke(&format!("client_id={}", f.web)),
        400,
        "invalid_request",
    );
    assert_error(
        &revoke(&format!("client_id={}&token={access}", f.web)),
        400,
        "unsupported_token_type",
    );
    let wrong = basic(&f.m2m, "wrong");
    let r = handle(
        &f.h.pool,
        &request(
            "POST",
            "/oauth2/revoke",
            &[("Authorization", &wrong), ("Content-Type", FORM)],
            &format!("token={refresh}"),
        ),
    );
    assert_error(&r, 401, "invalid_client");
    // Another client's token: 200, nothing revoked.
    let auth = basic(&f.m2m, &f.m2m_secret);
    let r = handle(
        &f.h.pool,
        &request(
            "POST",
            "/oauth2/revoke",
            &[("Authorization", &auth), ("Content-Type", FORM)],
            &format!("token={refresh}"),
        ),
    );
    assert_eq!((r.status, r.body.len()), (200, 0));
    assert_eq!(f.user_info("GET", access).status, 200);
    // Its own client: 200, empty; then userInfo and refresh refuse.
    let r = revoke(&format!("client_id={}&token={refresh}", f.web));
    assert_eq!((r.status, r.body.len()), (200, 0));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(f.user_info("GET", access).status, 401);
    let r = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=refresh_token&client_id={}&refresh_token={refresh}",
            f.web
        ),
    );
    assert_error(&r, 400, "invalid_grant");
    // Already revoked: 200.
    assert_eq!(
        revoke(&format!("client_id={}&token={refresh}", f.web)).status,
        200
    );
}

#[test]
fn oauth_tokens_on_the_json_api() {
    let f = fixture();
    let without = f.tokens(&["openid", "email"]);
    let e =
        f.h.pool
            .get_user(without["access_token"].as_str().unwrap())
            .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "Access Token does not have required scopes"
        )
    );
    let with = f.tokens(&["openid", "aws.cognito.signin.user.admin"]);
    let user =
        f.h.pool
            .get_user(with["access_token"].as_str().unwrap())
            .unwrap();
    assert_eq!(user.username, f.user().0);
    let m2m = body(&f.client_credentials("grant_type=client_credentials"));
    let e =
        f.h.pool
            .get_user(m2m["access_token"].as_str().unwrap())
            .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Invalid Access Token")
    );
}

#[test]
fn pre_token_generation_sees_hosted_auth_then_refreshes_with_the_granted_scopes() {
    use super::triggers_auth::{Hooks, hooked};
    use userpool::triggers::{
        PreTokenGenerationResponse, PreTokenGenerationVersion, Trigger, TriggerSource,
    };
    let (h, hooks) = hooked(
        Hooks::new(&[Trigger::PreTokenGeneration])
            .version(PreTokenGenerationVersion::V2)
            .pre_token_generation(|_| Ok(PreTokenGenerationResponse::default())),
    );
    let web = add_client(
        &h,
        AppClientConfig::builder("web")
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes(["openid", "email"])
            .callback_urls([REDIRECT]),
    );
    let sub = confirmed(&h, "jane@example.com");
    let username = h.user("jane@example.com").username;
    hooks.clear();
    let code = issue_authorization_code(
        &h.pool,
        Grant {
            client_id: web.id().to_owned(),
            redirect_uri: REDIRECT.to_owned(),
            redirect_defaulted: false,
            scopes: vec!["openid".to_owned(), "email".to_owned()],
            nonce: None,
            code_challenge: Some(userpool::oauth::pkce::s256_challenge(
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            )),
            username,
            sub,
            auth_time: h.clock.now(),
        },
    )
    .unwrap();
    let exchange = |verifier: &str| {
        handle(
            &h.pool,
            &request(
                "POST",
                "/oauth2/token",
                &[("Content-Type", FORM)],
                &format!(
                    "grant_type=authorization_code&client_id={}&code={code}&redirect_uri={REDIRECT}&code_verifier={verifier}",
                    web.id()
                ),
            ),
        )
    };
    let r = exchange("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    assert_eq!(r.status, 200);
    let refresh = body(&r)["refresh_token"].as_str().unwrap().to_owned();
    let r = handle(
        &h.pool,
        &request(
            "POST",
            "/oauth2/token",
            &[("Content-Type", FORM)],
            &format!(
                "grant_type=refresh_token&client_id={}&refresh_token={refresh}",
                web.id()
            ),
        ),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        hooks.sources(),
        [
            TriggerSource::TokenGenerationHostedAuth,
            TriggerSource::TokenGenerationRefreshTokens
        ]
    );
    for e in hooks.pre_token_generations() {
        assert_eq!(e.request.scopes, ["openid", "email"]);
    }
}

#[test]
fn the_json_api_revokes_and_refreshes_oauth_refresh_tokens() {
    let f = fixture();
    let b = f.tokens(&["openid", "aws.cognito.signin.user.admin"]);
    let refresh = b["refresh_token"].as_str().unwrap();
    let r =
        f.h.pool
            .initiate_auth(userpool::InitiateAuthRequest::refresh(
                f.web.clone(),
                refresh.to_owned(),
            ))
            .unwrap()
            .authentication_result
            .unwrap();
    let c = verified(&f, &r.access_token, None);
    assert_eq!(c["scope"], "openid aws.cognito.signin.user.admin");
    f.h.pool
        .revoke_token(userpool::RevokeTokenRequest::new(
            f.web.clone(),
            refresh.to_owned(),
        ))
        .unwrap();
    let r = f.post(
        "/oauth2/token",
        &format!(
            "grant_type=refresh_token&client_id={}&refresh_token={refresh}",
            f.web
        ),
    );
    assert_error(&r, 400, "invalid_grant");
    assert_eq!(
        f.user_info("GET", b["access_token"].as_str().unwrap())
            .status,
        401
    );
}

#[test]
fn grant_parameters_may_come_in_the_query_but_secrets_and_verifiers_may_not() {
    let f = fixture();
    let mut r = request(
        "POST",
        "/oauth2/token",
        &[("Content-Type", FORM)],
        &format!("client_id={}&client_secret={}", f.m2m, f.m2m_secret),
    );
    r.query = "grant_type=client_credentials&scope=api%2Fread".to_owned();
    let answer = handle(&f.h.pool, &r);
    assert_eq!(answer.status, 200);
    r.query = format!(
        "grant_type=client_credentials&client_secret={}",
        f.m2m_secret
    );
    assert_error(&handle(&f.h.pool, &r), 400, "invalid_request");
    r.query = "grant_type=client_credentials&code_verifier=x".to_owned();
    assert_error(&handle(&f.h.pool, &r), 400, "invalid_request");
    // A query that contradicts the body is a conflicting duplicate.
    r.query = format!("client_id={}", f.web);
    r.body = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        f.m2m, f.m2m_secret
    )
    .into_bytes();
    assert_error(&handle(&f.h.pool, &r), 400, "invalid_request");
}

#[test]
fn a_client_that_cannot_read_what_email_releases_gets_no_tokens_for_it() {
    let f = fixture();
    let narrow = add_client(
        &f.h,
        AppClientConfig::builder("narrow")
            .read_attributes(["email"])
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes(["openid", "email"])
            .callback_urls([REDIRECT]),
    );
    let (username, sub) = f.user();
    let grant = |scopes: &[&str]| Grant {
        client_id: narrow.id().to_owned(),
        redirect_uri: REDIRECT.to_owned(),
        redirect_defaulted: false,
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        nonce: None,
        code_challenge: None,
        username: username.clone(),
        sub: sub.clone(),
        auth_time: f.h.clock.now(),
    };
    let exchange = |code: &str| {
        f.post(
            "/oauth2/token",
            &format!(
                "grant_type=authorization_code&client_id={}&code={code}&redirect_uri={REDIRECT}",
                narrow.id()
            ),
        )
    };
    let code = issue_authorization_code(&f.h.pool, grant(&["openid", "email"])).unwrap();
    assert_error(&exchange(&code), 400, "invalid_grant");
    let code = issue_authorization_code(&f.h.pool, grant(&["openid"])).unwrap();
    assert_eq!(exchange(&code).status, 200);
}

#[test]
fn during_a_secret_rotation_either_secret_authenticates_at_token_and_revoke() {
    let f = fixture();
    let new_secret = "rotatedSecret0123456789abcdef";
    let added =
        f.h.pool
            .add_user_pool_client_secret(&f.m2m, Some(new_secret.into()))
            .unwrap();
    let token_with = |secret: &str| {
        handle(
            &f.h.pool,
            &request(
                "POST",
                "/oauth2/token",
                &[
                    ("Authorization", &basic(&f.m2m, secret)),
                    ("Content-Type", FORM),
                ],
                "grant_type=client_credentials",
            ),
        )
    };
    let revoke_with = |secret: &str| {
        handle(
            &f.h.pool,
            &request(
                "POST",
                "/oauth2/revoke",
                &[
                    ("Authorization", &basic(&f.m2m, secret)),
                    ("Content-Type", FORM),
                ],
                "token=not-a-refresh-token",
            ),
        )
    };
    assert_eq!(token_with(&f.m2m_secret).status, 200);
    assert_eq!(token_with(new_secret).status, 200);
    assert_error(
        &token_with("wrongSecret0123456789abcdefg"),
        400,
        "invalid_client",
    );
    // Revoke authenticates the client first: a wrong secret is
    // invalid_client, either right one gets past it.
    assert_error(
        &revoke_with("wrongSecret0123456789abcdefg"),
        401,
        "invalid_client",
    );
    for secret in [f.m2m_secret.as_str(), new_secret] {
        let r = revoke_with(secret);
        assert_ne!(
            String::from_utf8_lossy(&r.body),
            "{\"error\":\"invalid_client\"}"
        );
    }
    // The original secret deleted: only the new one works.
    let original = f.h.pool.list_user_pool_client_secrets(&f.m2m).unwrap()[0]
        .id()
        .to_owned();
    assert_ne!(original, added.id());
    f.h.pool
        .delete_user_pool_client_secret(&f.m2m, &original)
        .unwrap();
    assert_error(&token_with(&f.m2m_secret), 400, "invalid_client");
    assert_eq!(token_with(new_secret).status, 200);
}
