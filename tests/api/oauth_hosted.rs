//! The browser side of a domain (cognito-oauth.md §4.2, §5, §6, §11),
//! driven through `userpool::oauth::handle`: `/oauth2/authorize`, the
//! hosted sign-in page and the pages after it, the hosted session cookie,
//! CSRF, `/logout` and `/error`.
//!
//! Codes come from a stand-in on this branch: only their shape (a UUID)
//! and the redirect around them are asserted.

use std::collections::BTreeMap;
use std::time::Duration;

use userpool::client::{AppClientConfig, OAuthFlow, PreventUserExistenceErrors};
use userpool::config::{EmailMfa, MfaFactor, MfaMode, MfaSettings, PoolConfig};
use userpool::internals::totp::{TotpKey, code_at};
use userpool::oauth::form::{Form, encode_component};
use userpool::oauth::{Base, OAuthRequest, OAuthResponse, handle};
use userpool::{
    AdminCreateUserRequest, Clock as _, MessageAction, MfaCaller, MfaPreference, MfaPreferences,
};

use super::common::{Harness, JANE, add_client, confirmed, quickstart};
use crate::support::PASSWORD;
use crate::support::pools::quickstart_config;

const CB: &str = "https://app.example.com/cb";
const BYE: &str = "https://app.example.com/bye";
const BASE: &str = "http://127.0.0.1:9229/mydomain";

fn base() -> Base {
    Base {
        url: BASE.to_owned(),
        cookie_path: "/mydomain/".to_owned(),
        secure: false,
    }
}

fn oauth_client(h: &Harness) -> String {
    add_client(
        h,
        AppClientConfig::builder("web")
            .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled)
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code, OAuthFlow::Implicit])
            .allowed_oauth_scopes(["openid", "email", "profile"])
            .callback_urls([CB, "https://app.example.com/other"])
            .logout_urls([BYE])
            .supported_identity_providers(["COGNITO"]),
    )
    .id()
    .to_owned()
}

/// A browser: its cookies, sent with every request, kept from every answer.
#[derive(Default)]
struct Browser {
    cookies: BTreeMap<String, String>,
    /// Whether it reaches the domain over HTTPS.
    secure: bool,
}

impl Browser {
    fn send(
        &mut self,
        h: &Harness,
        method: &str,
        path: &str,
        query: &str,
        body: &str,
    ) -> OAuthResponse {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut headers = vec![(
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        )];
        if !cookie.is_empty() {
            headers.push(("Cookie".to_owned(), cookie.join("; ")));
        }
        let answer = handle(
            &h.pool,
            &OAuthRequest {
                method: method.to_owned(),
                path: path.to_owned(),
                query: query.to_owned(),
                headers,
                body: body.as_bytes().to_vec(),
                base: Base {
                    secure: self.secure,
                    ..base()
                },
            },
        );
        for (name, value) in &answer.headers {
            if name.eq_ignore_ascii_case("set-cookie") {
                let pair = value.split(';').next().unwrap_or_default();
                let (k, v) = pair.split_once('=').expect("a cookie pair");
                if value.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        answer
    }

    fn get(&mut self, h: &Harness, path: &str, query: &str) -> OAuthResponse {
        self.send(h, "GET", path, query, "")
    }

    fn xsrf(&self) -> String {
        self.cookies.get("XSRF-TOKEN").cloned().unwrap_or_default()
    }

    /// Posts the sign-in form of the page just shown.
    fn sign_in(
        &mut self,
        h: &Harness,
        query: &str,
        username: &str,
        password: &str,
    ) -> OAuthResponse {
        let body = format!(
            "_csrf={}&username={}&password={}&cognitoAsfData=&signInSubmitButton=Sign+in",
            self.xsrf(),
            encode_component(username),
            encode_component(password)
        );
        self.send(h, "POST", "/login", query, &body)
    }
}

fn body(r: &OAuthResponse) -> String {
    String::from_utf8(r.body.clone()).expect("UTF-8")
}

fn location(r: &OAuthResponse) -> String {
    assert_eq!(r.status, 302, "{}", body(r));
    r.header("location").expect("a Location").to_owned()
}

fn set_cookie(r: &OAuthResponse, name: &str) -> Option<String> {
    r.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.clone())
        .find(|v| v.starts_with(&format!("{name}=")))
}

/// The query of a redirect to `prefix`, decoded.
fn redirect_query(r: &OAuthResponse, prefix: &str) -> Form {
    let loc = location(r);
    let rest = loc
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{loc} does not start with {prefix}"));
    Form::parse(rest.strip_prefix('?').unwrap_or(rest)).expect("a query")
}

fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

fn authorize_query(client: &str, extra: &str) -> String {
    format!(
        "response_type=code&client_id={client}&redirect_uri={}{extra}",
        encode_component(CB)
    )
}

/// Jane on the quickstart pool, confirmed, and the OAuth client.
fn setup() -> (Harness, String) {
    let h = quickstart();
    confirmed(&h, JANE);
    let client = oauth_client(&h);
    (h, client)
}

/// Signs Jane in through the form; returns the answer to the POST.
fn signed_in(h: &Harness, b: &mut Browser, query: &str) -> OAuthResponse {
    let page = b.get(h, "/login", query);
    assert_eq!(page.status, 200, "{}", body(&page));
    b.sign_in(h, query, JANE, PASSWORD)
}

#[test]
fn authorize_refuses_to_the_error_page_until_the_redirect_uri_is_trusted() {
    let h = quickstart();
    let client = oauth_client(&h);
    let off = add_client(
        &h,
        AppClientConfig::builder("off")
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes(["openid"])
            .callback_urls([CB]),
    );
    let mut b = Browser::default();
    let cases = [
        // 1. client missing or unknown.
        (
            format!("response_type=code&redirect_uri={CB}"),
            "error=invalid_request".to_owned(),
        ),
        (
            format!("response_type=code&client_id=nope&redirect_uri={CB}"),
            "error=invalid_request&client_id=nope".to_owned(),
        ),
        // 2. switch off.
        (
            format!(
                "response_type=code&client_id={}&redirect_uri={CB}",
                off.id()
            ),
            format!("error=unauthorized_client&client_id={}", off.id()),
        ),
        // 3. no redirect_uri and no default.
        (
            format!("response_type=code&client_id={client}"),
            format!(
                "error=Required+String+parameter+%27redirect_uri%27+is+not+present&client_id={client}"
            ),
        ),
        // 4. not byte-identical: trailing slash, case.
        (
            format!("response_type=code&client_id={client}&redirect_uri={CB}/"),
            format!("error=redirect_mismatch&client_id={client}"),
        ),
        (
            format!(
                "response_type=code&client_id={client}&redirect_uri=https://APP.example.com/cb"
            ),
            format!("error=redirect_mismatch&client_id={client}"),
        ),
        (
            format!(
                "response_type=code&client_id={client}&redirect_uri=https://evil.example/cb&state=x"
            ),
            format!("error=redirect_mismatch&client_id={client}"),
        ),
    ];
    for (query, expected) in cases {
        let r = b.get(&h, "/oauth2/authorize", &query);
        assert_eq!(location(&r), format!("{BASE}/error?{expected}"), "{query}");
    }
}

#[test]
fn authorize_refuses_to_the_client_with_the_state_from_step_five() {
    let h = quickstart();
    let client = oauth_client(&h);
    let m2m_less = add_client(
        &h,
        AppClientConfig::builder("code-only")
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes(["openid"])
            .callback_urls([CB])
            .supported_identity_providers(["COGNITO"]),
    );
    let mut b = Browser::default();
    let cb = encode_component(CB);
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let cases = [
        // 5. response type.
        (
            format!("client_id={client}&redirect_uri={cb}&state=s1"),
            "error=invalid_request&state=s1",
        ),
        (
            format!("response_type=id_token&client_id={client}&redirect_uri={cb}&state=s1"),
            "error=invalid_request&state=s1",
        ),
        // 6. not enabled.
        (
            format!(
                "response_type=token&client_id={}&redirect_uri={cb}&state=s1",
                m2m_less.id()
            ),
            "error=unauthorized_client&state=s1",
        ),
        // 7. PKCE.
        (
            format!(
                "response_type=code&client_id={client}&redirect_uri={cb}&code_challenge={challenge}"
            ),
            "error=invalid_request",
        ),
        (
            format!(
                "response_type=code&client_id={client}&redirect_uri={cb}&code_challenge={challenge}&code_challenge_method=plain"
            ),
            "error=invalid_request",
        ),
        (
            format!(
                "response_type=code&client_id={client}&redirect_uri={cb}&code_challenge=short&code_challenge_method=S256"
            ),
            "error=invalid_request",
        ),
        (
            format!(
                "response_type=code&client_id={client}&redirect_uri={cb}&code_challenge_method=S256"
            ),
            "error=invalid_request",
        ),
        // 8. scopes.
        (
            format!("response_type=code&client_id={client}&redirect_uri={cb}&scope=openid+phone"),
            "error=invalid_request&error_description=invalid_scope",
        ),
        (
            format!("response_type=code&client_id={client}&redirect_uri={cb}&scope=email"),
            "error=invalid_request&error_description=invalid_scope",
        ),
        // 9. identity providers.
        (
            format!(
                "response_type=code&client_id={client}&redirect_uri={cb}&identity_provider=Google&state=z"
            ),
            "error=invalid_request&error_description=unsupported+identity+provider&state=z",
        ),
        (
            format!("response_type=code&client_id={client}&redirect_uri={cb}&idp_identifier=corp"),
            "error=invalid_request&error_description=unsupported+identity+provider",
        ),
        // 10. prompt=none without a session.
        (
            format!("response_type=code&client_id={client}&redirect_uri={cb}&prompt=none&state=q"),
            "error=login_required&state=q",
        ),
    ];
    for (query, expected) in cases {
        let r = b.get(&h, "/oauth2/authorize", &query);
        assert_eq!(location(&r), format!("{CB}?{expected}"), "{query}");
    }
    // Valid PKCE and identity_provider=COGNITO go on to the sign-in page,
    // the query forwarded verbatim.
    let query = format!(
        "response_type=code&client_id={client}&redirect_uri={cb}&code_challenge={challenge}&code_challenge_method=S256&identity_provider=COGNITO&state=a%2Bb%3D"
    );
    let r = b.get(&h, "/oauth2/authorize", &query);
    assert_eq!(location(&r), format!("{BASE}/login?{query}"));
}

#[test]
fn authorize_answers_only_get_and_head() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    let post = b.send(&h, "POST", "/oauth2/authorize", &q, "");
    assert_eq!(post.status, 405);
    let head = b.send(&h, "HEAD", "/oauth2/authorize", &q, "");
    assert_eq!(location(&head), format!("{BASE}/login?{q}"));
    assert!(head.body.is_empty());
    let unknown = b.get(&h, "/oauth2/nothing", "");
    assert_eq!((unknown.status, unknown.body.len()), (404, 0));
}

#[test]
fn the_sign_in_page_carries_the_classic_names_a_fresh_csrf_token_and_strict_headers() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(
        &client,
        "&login_hint=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    );
    let page = b.get(&h, "/login", &q);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html;charset=UTF-8"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        page.header("cache-control"),
        Some("no-cache, no-store, max-age=0, must-revalidate")
    );
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(
        csp.contains("frame-ancestors 'none'") && !csp.contains("script"),
        "{csp}"
    );
    let html = body(&page);
    for needle in [
        "name=\"cognitoSignInForm\"",
        "method=\"post\"",
        "id=\"signInFormUsername\"",
        "name=\"username\"",
        "id=\"signInFormPassword\"",
        "type=\"password\"",
        "autocomplete=\"current-password\"",
        "autocomplete=\"username\"",
        "name=\"signInSubmitButton\" value=\"Sign in\"",
        "<meta name=\"viewport\"",
        "<label for=\"signInFormUsername\">",
    ] {
        assert!(html.contains(needle), "{needle} missing from {html}");
    }
    let action = format!("action=\"{BASE}/login?{}\"", q.replace('&', "&amp;"));
    assert!(html.contains(&action), "{action} missing from {html}");
    // login_hint pre-fills the user name, escaped.
    assert!(
        html.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");
    let cookie = set_cookie(&page, "XSRF-TOKEN").expect("an XSRF cookie");
    assert!(
        cookie.ends_with("; Path=/mydomain/; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(hidden_value(&html, "_csrf"), b.xsrf());
    assert!(is_uuid(&b.xsrf()));
    // A fresh token on every page.
    let first = b.xsrf();
    b.get(&h, "/login", &q);
    assert_ne!(b.xsrf(), first);
}

#[test]
fn a_right_password_opens_a_session_and_redirects_with_a_code_and_the_exact_state() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let state = "%3Cscript%3E%25%3D%26x+y";
    let q = authorize_query(&client, &format!("&state={state}&scope=openid+email"));
    let r = signed_in(&h, &mut b, &q);
    let loc = location(&r);
    let answer = redirect_query(&r, CB);
    assert!(is_uuid(answer.get("code").unwrap_or_default()), "{loc}");
    assert_eq!(answer.get("state"), Some("<script>%=&x y"));
    assert!(loc.ends_with("&state=%3Cscript%3E%25%3D%26x+y"), "{loc}");
    let cookie = set_cookie(&r, "cognito").expect("a session cookie");
    assert!(
        cookie.ends_with("; Max-Age=3600; Path=/mydomain/; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    // No state sent, none returned.
    let mut other = Browser::default();
    let r = signed_in(&h, &mut other, &authorize_query(&client, ""));
    assert!(!location(&r).contains("state="));
}

#[test]
fn a_wrong_password_shows_the_form_again_with_the_name_kept_and_escaped() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    b.get(&h, "/login", &q);
    let r = b.sign_in(&h, &q, JANE, "wrong-Password1");
    assert_eq!(r.status, 200);
    let html = body(&r);
    assert!(
        html.contains(
            "<p id=\"loginErrorMessage\" class=\"error\">Incorrect username or password.</p>"
        ),
        "{html}"
    );
    assert!(html.contains(&format!("value=\"{JANE}\"")), "{html}");
    assert!(set_cookie(&r, "cognito").is_none());
    // An unknown name, as the client prevents user-existence errors.
    let name = "\"><img src=x onerror=alert(1)>";
    let r = b.sign_in(&h, &q, name, "whatever");
    let html = body(&r);
    assert!(html.contains("Incorrect username or password."), "{html}");
    assert!(
        html.contains("value=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\""),
        "{html}"
    );
    assert!(!html.contains("<img"), "{html}");
}

#[test]
fn a_post_without_the_matching_csrf_token_is_forbidden_and_not_an_attempt() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    b.get(&h, "/login", &q);
    let jane = h.user(JANE).username;
    let before = h.record(&jane).failed_sign_ins;
    let wrong = format!("username={}&password=nope", encode_component(JANE));
    // Missing.
    let r = b.send(&h, "POST", "/login", &q, &wrong);
    assert_eq!(r.status, 403);
    // Mismatched.
    let r = b.send(&h, "POST", "/login", &q, &format!("_csrf=other&{wrong}"));
    assert_eq!(r.status, 403);
    // Without the cookie.
    let token = b.xsrf();
    b.cookies.clear();
    let r = b.send(&h, "POST", "/login", &q, &format!("_csrf={token}&{wrong}"));
    assert_eq!(r.status, 403);
    assert_eq!(h.record(&jane).failed_sign_ins, before);
    // With both, the attempt counts.
    b.get(&h, "/login", &q);
    b.sign_in(&h, &q, JANE, "nope");
    assert_eq!(h.record(&jane).failed_sign_ins, before + 1);
}

#[test]
fn repeated_wrong_passwords_lock_the_user_out() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    b.get(&h, "/login", &q);
    for _ in 0..5 {
        let r = b.sign_in(&h, &q, JANE, "nope");
        assert!(body(&r).contains("Incorrect username or password."));
    }
    let r = b.sign_in(&h, &q, JANE, PASSWORD);
    assert_eq!(r.status, 200);
    assert!(
        body(&r).contains(">Password attempts exceeded</p>"),
        "{}",
        body(&r)
    );
}

#[test]
fn unconfirmed_and_disabled_users_get_their_messages() {
    let (h, client) = setup();
    h.pool
        .sign_up(super::common::sign_up_request(&h, "new@example.com"))
        .expect("signed up");
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    b.get(&h, "/login", &q);
    let r = b.sign_in(&h, &q, "new@example.com", PASSWORD);
    assert!(
        body(&r).contains(">User is not confirmed.</p>"),
        "{}",
        body(&r)
    );
    h.pool.admin_disable_user(JANE).expect("disabled");
    let r = b.sign_in(&h, &q, JANE, PASSWORD);
    assert!(body(&r).contains(">User is disabled.</p>"), "{}", body(&r));
}

#[test]
fn the_session_signs_in_again_without_the_form_for_one_hour() {
    let (h, client) = setup();
    let mut b = Browser::default();
    signed_in(&h, &mut b, &authorize_query(&client, ""));
    // Another authorization, another redirect URI: a code at once.
    let q = format!(
        "response_type=code&client_id={client}&redirect_uri={}&state=again",
        encode_component("https://app.example.com/other")
    );
    let r = b.get(&h, "/oauth2/authorize", &q);
    let answer = redirect_query(&r, "https://app.example.com/other");
    assert!(is_uuid(answer.get("code").unwrap_or_default()));
    assert_eq!(answer.get("state"), Some("again"));
    // prompt=none works with the session; prompt=login ignores it.
    let r = b.get(&h, "/oauth2/authorize", &format!("{q}&prompt=none"));
    assert!(redirect_query(&r, "https://app.example.com/other").contains("code"));
    for prompt in ["login", "select_account"] {
        let r = b.get(&h, "/oauth2/authorize", &format!("{q}&prompt={prompt}"));
        assert_eq!(location(&r), format!("{BASE}/login?{q}&prompt={prompt}"));
        let page = body(&b.get(&h, "/login", &format!("{q}&prompt={prompt}")));
        assert!(page.contains("id=\"signInFormPassword\""), "{page}");
    }
    // The sign-in page offers to continue; the button issues a code.
    let page = b.get(&h, "/login", &q);
    let html = body(&page);
    assert!(
        html.contains("name=\"reuse_session\" value=\"true\""),
        "{html}"
    );
    assert!(html.contains("Sign in as a different user?"), "{html}");
    assert!(
        html.contains(&format!("value=\"Continue as {JANE}\"")),
        "{html}"
    );
    let r = b.send(
        &h,
        "POST",
        "/login",
        &q,
        &format!("_csrf={}&reuse_session=true", b.xsrf()),
    );
    assert!(redirect_query(&r, "https://app.example.com/other").contains("code"));
    assert!(set_cookie(&r, "cognito").is_none());
    // An hour later, the form again.
    h.clock.advance(Duration::from_secs(3600));
    let r = b.get(&h, "/oauth2/authorize", &q);
    assert_eq!(location(&r), format!("{BASE}/login?{q}"));
    let r = b.get(&h, "/oauth2/authorize", &format!("{q}&prompt=none"));
    assert_eq!(
        location(&r),
        format!("https://app.example.com/other?error=login_required&state=again")
    );
}

#[test]
fn logout_ends_the_session_and_the_old_cookie_no_longer_signs_in() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    signed_in(&h, &mut b, &q);
    let old = b.cookies.get("cognito").cloned().expect("a session");
    let r = b.get(
        &h,
        "/logout",
        &format!("client_id={client}&logout_uri={}", encode_component(BYE)),
    );
    assert_eq!(location(&r), BYE);
    let cleared = set_cookie(&r, "cognito").expect("cleared");
    assert_eq!(
        cleared,
        "cognito=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Path=/mydomain/; HttpOnly; SameSite=Lax"
    );
    assert!(!b.cookies.contains_key("cognito"));
    b.cookies.insert("cognito".to_owned(), old);
    let r = b.get(&h, "/oauth2/authorize", &q);
    assert_eq!(location(&r), format!("{BASE}/login?{q}"));
}

#[test]
fn logout_without_a_registered_logout_uri_goes_back_to_the_sign_in_page() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let cb = encode_component(CB);
    let r = b.get(
        &h,
        "/logout",
        &format!("client_id={client}&logout_uri=https://evil.example/&redirect_uri={cb}&response_type=code&state=s"),
    );
    assert_eq!(
        location(&r),
        format!(
            "{BASE}/login?client_id={client}&redirect_uri={cb}&response_type=code&scope=openid+email+profile&state=s"
        )
    );
    let cases = [
        (
            format!("logout_uri={BYE}"),
            "error=invalid_request".to_owned(),
        ),
        (
            format!("client_id={client}&logout_uri=https://evil.example/"),
            format!(
                "error=Required+String+parameter+%27redirect_uri%27+is+not+present&client_id={client}"
            ),
        ),
        (
            format!("client_id={client}&redirect_uri=https://evil.example/&response_type=code"),
            format!("error=redirect_mismatch&client_id={client}"),
        ),
    ];
    for (query, expected) in cases {
        let r = b.get(&h, "/logout", &query);
        assert_eq!(location(&r), format!("{BASE}/error?{expected}"), "{query}");
    }
}

#[test]
fn global_sign_out_and_disabling_end_the_session() {
    let (h, client) = setup();
    let q = authorize_query(&client, "");
    let mut b = Browser::default();
    signed_in(&h, &mut b, &q);
    h.pool.admin_user_global_sign_out(JANE).expect("signed out");
    let r = b.get(&h, "/oauth2/authorize", &q);
    assert_eq!(location(&r), format!("{BASE}/login?{q}"));
    let mut b = Browser::default();
    signed_in(&h, &mut b, &q);
    h.pool.admin_disable_user(JANE).expect("disabled");
    let r = b.get(&h, "/oauth2/authorize", &q);
    assert_eq!(location(&r), format!("{BASE}/login?{q}"));
}

#[test]
fn the_error_page_escapes_the_error_and_links_nowhere() {
    let h = quickstart();
    let mut b = Browser::default();
    let r = b.get(
        &h,
        "/error",
        "error=%3Cscript%3Ealert(1)%3C%2Fscript%3E&client_id=x",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), Some("text/html;charset=UTF-8"));
    let html = body(&r);
    assert!(html.contains("An error was encountered with the requested page."));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script") && !html.contains("<a "), "{html}");
}

#[test]
fn a_new_password_required_user_sets_one_on_the_page_and_gets_a_code() {
    let (h, client) = setup();
    h.pool
        .admin_create_user(
            AdminCreateUserRequest::new("sam@example.com")
                .temporary_password("Temp1234^")
                .attribute("family_name", "Sam")
                .message_action(MessageAction::Suppress),
        )
        .expect("created");
    let mut b = Browser::default();
    let q = authorize_query(&client, "&state=np");
    b.get(&h, "/login", &q);
    let page = b.sign_in(&h, &q, "sam@example.com", "Temp1234^");
    let html = body(&page);
    assert!(
        html.contains(&format!("action=\"{BASE}/forceChangePassword?")),
        "{html}"
    );
    assert!(html.contains("autocomplete=\"new-password\""), "{html}");
    assert!(html.contains("name=\"confirmPassword\""), "{html}");
    let pending = hidden_value(&html, "pending");
    let first_xsrf = b.xsrf();
    // Mismatched confirmation: the page again.
    let r = b.send(
        &h,
        "POST",
        "/forceChangePassword",
        &q,
        &format!(
            "_csrf={}&pending={pending}&password=New1234%5E&confirmPassword=Other",
            b.xsrf()
        ),
    );
    let html = body(&r);
    assert!(html.contains(">Passwords do not match.</p>"), "{html}");
    // The used pending token does not work twice, even with its own
    // CSRF token.
    let pending2 = hidden_value(&html, "pending");
    let second_xsrf = b.xsrf();
    b.cookies
        .insert("XSRF-TOKEN".to_owned(), first_xsrf.clone());
    let r = b.send(
        &h,
        "POST",
        "/forceChangePassword",
        &q,
        &format!(
            "_csrf={first_xsrf}&pending={pending}&password=New1234%5E&confirmPassword=New1234%5E"
        ),
    );
    assert!(
        body(&r).contains(">Invalid session for the user, session can only be used once.</p>"),
        "{}",
        body(&r)
    );
    b.cookies.insert("XSRF-TOKEN".to_owned(), second_xsrf);
    // A policy failure carries the engine's message.
    let r = b.send(
        &h,
        "POST",
        "/forceChangePassword",
        &q,
        &format!(
            "_csrf={}&pending={pending2}&password=short&confirmPassword=short",
            b.xsrf()
        ),
    );
    let html = body(&r);
    assert!(
        html.contains("Password did not conform with policy"),
        "{html}"
    );
    let pending3 = hidden_value(&html, "pending");
    let r = b.send(
        &h,
        "POST",
        "/forceChangePassword",
        &q,
        &format!(
            "_csrf={}&pending={pending3}&password=New1234%5E&confirmPassword=New1234%5E",
            b.xsrf()
        ),
    );
    let answer = redirect_query(&r, CB);
    assert!(is_uuid(answer.get("code").unwrap_or_default()));
    assert_eq!(answer.get("state"), Some("np"));
    assert!(set_cookie(&r, "cognito").is_some());
    assert!(h.has_password(&h.user("sam@example.com").username, "New1234^"));
}

fn totp_code(key: &TotpKey, h: &Harness) -> String {
    let secs = u64::try_from(h.clock.now().unix_seconds()).expect("after 1970");
    String::from_utf8(code_at(key.expose_secret(), secs).to_vec()).expect("digits")
}

#[test]
fn mfa_on_sets_up_an_authenticator_then_asks_its_code() {
    let config: PoolConfig = quickstart_config()
        .mfa(MfaSettings {
            mode: MfaMode::On,
            sms: None,
            software_token: true,
            email: None,
        })
        .build()
        .expect("valid");
    let h = Harness::new(config);
    confirmed(&h, JANE);
    let client = oauth_client(&h);
    let mut b = Browser::default();
    let q = authorize_query(&client, "&state=mfa");
    b.get(&h, "/login", &q);
    let page = b.sign_in(&h, &q, JANE, PASSWORD);
    let html = body(&page);
    assert!(html.contains(&format!("action=\"{BASE}/mfa?")), "{html}");
    assert!(html.contains("autocomplete=\"one-time-code\""), "{html}");
    let secret = html
        .split("<code id=\"totpSecret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the secret shown")
        .to_owned();
    assert!(
        html.contains("href=\"otpauth://totp/quickstart%3A"),
        "{html}"
    );
    assert!(
        html.contains(&format!("?secret={secret}&amp;issuer=quickstart\"")),
        "{html}"
    );
    let key = TotpKey::from_secret_code(&secret).expect("base32");
    let pending = hidden_value(&html, "pending");
    let r = b.send(
        &h,
        "POST",
        "/mfa",
        &q,
        &format!(
            "_csrf={}&pending={pending}&code={}",
            b.xsrf(),
            totp_code(&key, &h)
        ),
    );
    let answer = redirect_query(&r, CB);
    assert!(is_uuid(answer.get("code").unwrap_or_default()));
    assert_eq!(answer.get("state"), Some("mfa"));
    // The next sign-in asks the authenticator's code; a wrong one is
    // refused with the engine's message, the right one signs in.
    h.clock.advance(Duration::from_secs(30));
    let mut b = Browser::default();
    b.get(&h, "/login", &q);
    let html = body(&b.sign_in(&h, &q, JANE, PASSWORD));
    assert!(!html.contains("totpSecret"), "{html}");
    let pending = hidden_value(&html, "pending");
    let good = totp_code(&key, &h);
    let bad = if good == "000000" { "111111" } else { "000000" };
    let r = b.send(
        &h,
        "POST",
        "/mfa",
        &q,
        &format!("_csrf={}&pending={pending}&code={bad}", b.xsrf()),
    );
    let html = body(&r);
    assert!(
        html.contains(">Invalid code received for user</p>"),
        "{html}"
    );
    let pending = hidden_value(&html, "pending");
    let r = b.send(
        &h,
        "POST",
        "/mfa",
        &q,
        &format!("_csrf={}&pending={pending}&code={good}", b.xsrf()),
    );
    assert!(is_uuid(
        redirect_query(&r, CB).get("code").unwrap_or_default()
    ));
}

#[test]
fn a_pending_login_is_bound_to_its_csrf_token() {
    let config: PoolConfig = quickstart_config()
        .mfa(MfaSettings {
            mode: MfaMode::On,
            sms: None,
            software_token: true,
            email: None,
        })
        .build()
        .expect("valid");
    let h = Harness::new(config);
    confirmed(&h, JANE);
    let client = oauth_client(&h);
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    b.get(&h, "/login", &q);
    let html = body(&b.sign_in(&h, &q, JANE, PASSWORD));
    let pending = hidden_value(&html, "pending");
    // Another browser's own, consistent CSRF pair does not open it.
    let mut other = Browser::default();
    other.get(&h, "/login", &q);
    let r = other.send(
        &h,
        "POST",
        "/mfa",
        &q,
        &format!("_csrf={}&pending={pending}&code=123456", other.xsrf()),
    );
    assert!(
        body(&r).contains(">Invalid session for the user.</p>"),
        "{}",
        body(&r)
    );
    // Its own browser may use it for three minutes only.
    h.clock.advance(Duration::from_secs(180));
    let r = b.send(
        &h,
        "POST",
        "/mfa",
        &q,
        &format!("_csrf={}&pending={pending}&code=123456", b.xsrf()),
    );
    assert!(
        body(&r).contains(">Invalid session for the user, session is expired.</p>"),
        "{}",
        body(&r)
    );
}

#[test]
fn a_client_without_cognito_as_provider_has_no_sign_in_form() {
    let h = quickstart();
    let client = add_client(
        &h,
        AppClientConfig::builder("social")
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes(["openid"])
            .callback_urls([CB]),
    );
    let mut b = Browser::default();
    let r = b.get(&h, "/login", &authorize_query(client.id(), ""));
    assert_eq!(
        location(&r),
        format!(
            "{BASE}/error?error=unauthorized_client&client_id={}",
            client.id()
        )
    );
}

#[test]
fn the_json_api_sign_in_still_ends_in_tokens() {
    // The JSON API's sign-in still ends in tokens (the hosted flag is
    // never set outside the hosted page).
    let (h, _) = setup();
    let client = super::common::password_client(&h);
    let tokens = super::common::sign_in(&h, &client, JANE, PASSWORD);
    assert!(!tokens.access_token.is_empty());
}

#[test]
fn sign_up_then_confirm_with_the_emailed_code_then_sign_in() {
    let h = quickstart();
    let client = oauth_client(&h);
    let mut b = Browser::default();
    let q = authorize_query(&client, "&state=su");
    let login = body(&b.get(&h, "/login", &q));
    let signup_link = format!("href=\"{BASE}/signup?{}\"", q.replace('&', "&amp;"));
    assert!(
        login.contains(&format!("{signup_link}>Sign up</a>")),
        "{login}"
    );
    let forgot_link = format!("href=\"{BASE}/forgotPassword?{}\"", q.replace('&', "&amp;"));
    assert!(
        login.contains(&format!("{forgot_link}>Forgot your password?</a>")),
        "{login}"
    );
    let page = body(&b.get(&h, "/signup", &q));
    assert!(
        page.contains("type=\"email\" autocomplete=\"username\""),
        "{page}"
    );
    assert!(
        page.contains(
            "name=\"requiredAttributes[family_name]\" type=\"text\" autocomplete=\"family-name\""
        ),
        "{page}"
    );
    assert!(page.contains("autocomplete=\"new-password\""), "{page}");
    // The engine's refusal, with the values kept.
    let weak = format!(
        "_csrf={}&username=new%40example.com&requiredAttributes%5Bfamily_name%5D=%3Cb%3ENew&password=weak",
        b.xsrf()
    );
    let html = body(&b.send(&h, "POST", "/signup", &q, &weak));
    assert!(
        html.contains(">Password did not conform with policy"),
        "{html}"
    );
    assert!(html.contains("value=\"&lt;b&gt;New\""), "{html}");
    let good = format!(
        "_csrf={}&username=new%40example.com&requiredAttributes%5Bfamily_name%5D=New&password={}",
        b.xsrf(),
        encode_component(PASSWORD)
    );
    let html = body(&b.send(&h, "POST", "/signup", &q, &good));
    assert!(html.contains("autocomplete=\"one-time-code\""), "{html}");
    assert!(html.contains("name=\"resend\" value=\"true\""), "{html}");
    assert!(
        html.contains(&format!("action=\"{BASE}/confirm?")),
        "{html}"
    );
    // A new code on request; the latest one confirms.
    let r = b.send(
        &h,
        "POST",
        "/confirm",
        &q,
        &format!("_csrf={}&resend=true&username=new%40example.com", b.xsrf()),
    );
    assert!(body(&r).contains("We sent a new code to"), "{}", body(&r));
    let code = h.code_for("new@example.com");
    let r = b.send(
        &h,
        "POST",
        "/confirm",
        &q,
        &format!("_csrf={}&username=new%40example.com&code=000000x", b.xsrf()),
    );
    assert!(
        body(&r).contains("id=\"loginErrorMessage\""),
        "{}",
        body(&r)
    );
    let r = b.send(
        &h,
        "POST",
        "/confirm",
        &q,
        &format!(
            "_csrf={}&username=new%40example.com&code={}",
            b.xsrf(),
            code.expose_secret()
        ),
    );
    assert_eq!(location(&r), format!("{BASE}/login?{q}"));
    b.get(&h, "/login", &q);
    let r = b.sign_in(&h, &q, "new@example.com", PASSWORD);
    let answer = redirect_query(&r, CB);
    assert!(is_uuid(answer.get("code").unwrap_or_default()));
    assert_eq!(answer.get("state"), Some("su"));
}

#[test]
fn forgot_password_then_reset_with_the_code_then_sign_in() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    let page = body(&b.get(&h, "/forgotPassword", &q));
    assert!(page.contains("name=\"username\""), "{page}");
    let r = b.send(
        &h,
        "POST",
        "/forgotPassword",
        &q,
        &format!("_csrf={}&username={}", b.xsrf(), encode_component(JANE)),
    );
    let html = body(&r);
    assert!(
        html.contains(&format!("action=\"{BASE}/confirmForgotPassword?")),
        "{html}"
    );
    assert!(html.contains("autocomplete=\"one-time-code\""), "{html}");
    let code = h.code_for(JANE);
    let reset = |b: &mut Browser, code: &str, confirm: &str| {
        let body = format!(
            "_csrf={}&username={}&code={code}&password=Reset1234%5E&confirmPassword={confirm}",
            b.xsrf(),
            encode_component(JANE)
        );
        b.send(&h, "POST", "/confirmForgotPassword", &q, &body)
    };
    let r = reset(&mut b, code.expose_secret(), "Other");
    assert!(
        body(&r).contains(">Passwords do not match.</p>"),
        "{}",
        body(&r)
    );
    let r = reset(&mut b, "12", "Reset1234%5E");
    assert!(
        body(&r).contains("id=\"loginErrorMessage\""),
        "{}",
        body(&r)
    );
    let r = reset(&mut b, code.expose_secret(), "Reset1234%5E");
    assert_eq!(location(&r), format!("{BASE}/login?{q}"));
    b.get(&h, "/login", &q);
    let r = b.sign_in(&h, &q, JANE, "Reset1234^");
    assert!(is_uuid(
        redirect_query(&r, CB).get("code").unwrap_or_default()
    ));
}

#[test]
fn the_sign_up_and_recovery_pages_need_the_csrf_token_too() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(&client, "");
    b.get(&h, "/signup", &q);
    for path in [
        "/signup",
        "/confirm",
        "/forgotPassword",
        "/confirmForgotPassword",
    ] {
        let r = b.send(
            &h,
            "POST",
            path,
            &q,
            &format!("username={}", encode_component(JANE)),
        );
        assert_eq!(r.status, 403, "{path}");
    }
    assert_eq!(
        h.outbox.messages().len(),
        1,
        "only Jane's sign-up code was sent"
    );
}

#[test]
fn under_legacy_existence_errors_unknown_reset_and_unconfirmed_users_are_told_as_the_api_tells_them()
 {
    let h = quickstart();
    let client = add_client(
        &h,
        AppClientConfig::builder("legacy")
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes(["openid"])
            .callback_urls([CB])
            .supported_identity_providers(["COGNITO"]),
    );
    let mut b = Browser::default();
    let q = authorize_query(client.id(), "");
    b.get(&h, "/login", &q);
    let r = b.sign_in(&h, &q, "nobody@example.com", PASSWORD);
    assert!(
        body(&r).contains(">User does not exist.</p>"),
        "{}",
        body(&r)
    );
    // RESET_REQUIRED and UNCONFIRMED are told before the password is
    // checked, as USER_PASSWORD_AUTH does under LEGACY.
    confirmed(&h, JANE);
    h.pool.admin_reset_user_password(JANE).expect("reset");
    let r = b.sign_in(&h, &q, JANE, "anything");
    assert!(
        body(&r).contains(">Password reset required for the user</p>"),
        "{}",
        body(&r)
    );
    h.pool
        .sign_up(super::common::sign_up_request(&h, "new@example.com"))
        .expect("signed up");
    let r = b.sign_in(&h, &q, "new@example.com", "anything");
    assert!(
        body(&r).contains(">User is not confirmed.</p>"),
        "{}",
        body(&r)
    );
}

#[test]
fn an_emailed_sign_in_code_is_asked_on_the_mfa_page() {
    let config: PoolConfig = quickstart_config()
        .mfa(MfaSettings {
            mode: MfaMode::On,
            sms: None,
            software_token: false,
            email: Some(EmailMfa {
                message: Some("Sign-in code: {####}".to_owned()),
                subject: Some("Your sign-in code".to_owned()),
            }),
        })
        .build()
        .expect("valid");
    let h = Harness::new(config);
    confirmed(&h, JANE);
    let client = oauth_client(&h);
    let q = authorize_query(&client, "&state=otp");
    // The sign-up's confirmation was the first sign-in's second factor.
    let mut first = Browser::default();
    assert!(redirect_query(&signed_in(&h, &mut first, &q), CB).contains("code"));
    let mut b = Browser::default();
    let html = body(&signed_in(&h, &mut b, &q));
    assert!(html.contains(&format!("action=\"{BASE}/mfa?")), "{html}");
    assert!(html.contains("We sent a code to"), "{html}");
    assert!(html.contains("autocomplete=\"one-time-code\""), "{html}");
    let pending = hidden_value(&html, "pending");
    let code = h.code_for(JANE);
    let r = b.send(
        &h,
        "POST",
        "/mfa",
        &q,
        &format!(
            "_csrf={}&pending={pending}&code={}",
            b.xsrf(),
            code.expose_secret()
        ),
    );
    let answer = redirect_query(&r, CB);
    assert!(is_uuid(answer.get("code").unwrap_or_default()));
    assert_eq!(answer.get("state"), Some("otp"));
}

#[test]
fn over_https_the_cookies_are_secure_and_pages_send_hsts() {
    let (h, client) = setup();
    let mut b = Browser {
        secure: true,
        ..Browser::default()
    };
    let q = authorize_query(&client, "");
    let page = b.get(&h, "/login", &q);
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000 ; includeSubDomains")
    );
    let xsrf = set_cookie(&page, "XSRF-TOKEN").expect("an XSRF cookie");
    assert!(
        xsrf.ends_with("; Path=/mydomain/; Secure; HttpOnly; SameSite=Lax"),
        "{xsrf}"
    );
    let r = b.sign_in(&h, &q, JANE, PASSWORD);
    let session = set_cookie(&r, "cognito").expect("a session");
    assert!(
        session.ends_with("; Max-Age=3600; Path=/mydomain/; Secure; HttpOnly; SameSite=Lax"),
        "{session}"
    );
    // Over plain HTTP, neither.
    let mut plain = Browser::default();
    let page = plain.get(&h, "/login", &q);
    assert_eq!(page.header("strict-transport-security"), None);
}

#[test]
fn a_user_with_two_factors_chooses_one_then_answers_its_code() {
    let config: PoolConfig = quickstart_config()
        .mfa(MfaSettings {
            mode: MfaMode::Optional,
            sms: None,
            software_token: true,
            email: Some(EmailMfa {
                message: Some("Sign-in code: {####}".to_owned()),
                subject: Some("Your sign-in code".to_owned()),
            }),
        })
        .build()
        .expect("valid");
    let h = Harness::new(config);
    confirmed(&h, JANE);
    let api = super::common::password_client(&h);
    let tokens = super::common::sign_in(&h, &api, JANE, PASSWORD);
    let secret = h
        .pool
        .associate_software_token(MfaCaller::AccessToken(&tokens.access_token))
        .expect("associate")
        .secret_code
        .expose_secret()
        .to_owned();
    let key = TotpKey::from_secret_code(&secret).expect("base32");
    h.pool
        .verify_software_token(
            MfaCaller::AccessToken(&tokens.access_token),
            &totp_code(&key, &h),
            None,
        )
        .expect("verified");
    h.pool
        .admin_set_user_mfa_preference(
            JANE,
            MfaPreferences::new()
                .with(MfaFactor::SoftwareToken, MfaPreference::new(true, false))
                .with(MfaFactor::Email, MfaPreference::new(true, false)),
        )
        .expect("both on, none preferred");
    let client = oauth_client(&h);
    let q = authorize_query(&client, "");
    let mut b = Browser::default();
    let html = body(&signed_in(&h, &mut b, &q));
    assert!(html.contains("value=\"SOFTWARE_TOKEN_MFA\""), "{html}");
    assert!(html.contains("value=\"EMAIL_OTP\""), "{html}");
    let pending = hidden_value(&html, "pending");
    let r = b.send(
        &h,
        "POST",
        "/mfa",
        &q,
        &format!("_csrf={}&pending={pending}&answer=EMAIL_OTP", b.xsrf()),
    );
    let html = body(&r);
    assert!(html.contains("We sent a code to"), "{html}");
    let pending = hidden_value(&html, "pending");
    let code = h.code_for(JANE);
    let r = b.send(
        &h,
        "POST",
        "/mfa",
        &q,
        &format!(
            "_csrf={}&pending={pending}&code={}",
            b.xsrf(),
            code.expose_secret()
        ),
    );
    assert!(is_uuid(
        redirect_query(&r, CB).get("code").unwrap_or_default()
    ));
}

#[test]
fn a_raw_state_with_markup_is_escaped_in_the_page_and_kept_in_the_redirect() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let q = authorize_query(&client, "&state=\"><script>alert(1)</script>");
    let html = body(&b.get(&h, "/login", &q));
    assert!(!html.contains("<script"), "{html}");
    assert!(
        html.contains("state=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
        "{html}"
    );
    let r = b.sign_in(&h, &q, JANE, PASSWORD);
    assert_eq!(
        redirect_query(&r, CB).get("state"),
        Some("\"><script>alert(1)</script>")
    );
    assert!(location(&r).ends_with("&state=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"));
    // The continue page's links escape it too.
    let html = body(&b.get(&h, "/login", &q));
    assert!(html.contains("Sign in as a different user?"), "{html}");
    assert!(!html.contains("<script"), "{html}");
}

/// Attack: a session opened through a client whose users sign in with the
/// password form is replayed at `/oauth2/authorize` for another client of
/// the pool that does not offer the form (`COGNITO` missing from its
/// `SupportedIdentityProviders`, §3.3). The session must not sign the user
/// in there: that client never takes the pool's own users.
#[test]
fn a_session_does_not_sign_in_through_a_client_without_cognito_as_provider() {
    let (h, web) = setup();
    let social = add_client(
        &h,
        AppClientConfig::builder("social")
            .allowed_oauth_flows_user_pool_client(true)
            .allowed_oauth_flows([OAuthFlow::Code])
            .allowed_oauth_scopes(["openid"])
            .callback_urls([CB]),
    );
    let mut b = Browser::default();
    let r = signed_in(&h, &mut b, &authorize_query(&web, ""));
    assert!(location(&r).starts_with(&format!("{CB}?code=")));
    assert!(b.cookies.contains_key("cognito"));
    let query = authorize_query(social.id(), "");
    let r = b.get(&h, "/oauth2/authorize", &query);
    assert_eq!(location(&r), format!("{BASE}/login?{query}"));
    let r = b.get(&h, "/login", &query);
    assert_eq!(
        location(&r),
        format!(
            "{BASE}/error?error=unauthorized_client&client_id={}",
            social.id()
        )
    );
}

/// Attack: a raw query carrying bytes no URI may hold (CR/LF, a space,
/// `#`, non-ASCII) reaches the hosted endpoints through a router
/// that does not check them. The endpoints forward their query verbatim
/// into `Location` and form actions, so such a query would split a header
/// or cut a URL short: it is refused to the error page instead, and no
/// answer carries the byte.
#[test]
fn a_raw_query_with_bytes_no_uri_holds_is_refused_to_the_error_page() {
    let (h, client) = setup();
    for bad in [
        "&x=a\r\nSet-Cookie:+evil=1",
        "&x=a\nb",
        "&x=a b",
        "&x=a#b",
        "&x=caf\u{e9}",
    ] {
        let query = authorize_query(&client, bad);
        for path in ["/oauth2/authorize", "/login", "/signup", "/forgotPassword"] {
            let mut b = Browser::default();
            let r = b.get(&h, path, &query);
            assert_eq!(
                location(&r),
                format!("{BASE}/error?error=invalid_request"),
                "{path} {bad:?}"
            );
        }
    }
    // The same characters percent-encoded are ordinary values.
    let query = authorize_query(&client, "&state=a%0D%0Ab%23c+d%22");
    let mut b = Browser::default();
    let r = b.get(&h, "/oauth2/authorize", &query);
    assert_eq!(location(&r), format!("{BASE}/login?{query}"));
    let r = signed_in(&h, &mut b, &query);
    assert_eq!(redirect_query(&r, CB).get("state"), Some("a\r\nb#c d\""));
}

/// Attack: a copy of the `cognito` cookie taken before the browser's user
/// signed in again through the form (`prompt=login`, or after the session
/// went stale on another client) kept working for the rest of its hour,
/// though the browser had replaced it. A sign-in through the form now ends
/// the session the browser presented, so only the new cookie signs in.
#[test]
fn signing_in_again_through_the_form_ends_the_session_it_replaces() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let query = authorize_query(&client, "");
    signed_in(&h, &mut b, &query);
    let first = b.cookies.get("cognito").cloned().expect("a session");
    let login = format!("{query}&prompt=login");
    let r = signed_in(&h, &mut b, &login);
    assert!(location(&r).starts_with(&format!("{CB}?code=")));
    let second = b.cookies.get("cognito").cloned().expect("a session");
    assert_ne!(first, second);
    // The new cookie signs in without the form ...
    let r = b.get(&h, "/oauth2/authorize", &query);
    assert!(location(&r).starts_with(&format!("{CB}?code=")));
    // ... the copy of the old one no longer does.
    let mut thief = Browser::default();
    thief.cookies.insert("cognito".to_owned(), first);
    let r = thief.get(&h, "/oauth2/authorize", &query);
    assert_eq!(location(&r), format!("{BASE}/login?{query}"));
}

/// Attack: CSRF-token fixation. A page's `XSRF-TOKEN` stayed valid after
/// the sign-in it protected, so a token pair known before the sign-in (one
/// planted by a cookie-tossing sibling host, or read off an unattended
/// page) still passed the double-submit check on the signed-in session's
/// forms. The token is rotated when the session opens (§13.5): the sign-in
/// answer sets a fresh one, and the old pair no longer matches it.
#[test]
fn signing_in_rotates_the_csrf_token() {
    let (h, client) = setup();
    let mut b = Browser::default();
    let query = authorize_query(&client, "");
    let page = b.get(&h, "/login", &query);
    assert_eq!(page.status, 200, "{}", body(&page));
    let before = b.xsrf();
    let r = b.sign_in(&h, &query, JANE, PASSWORD);
    assert!(location(&r).starts_with(&format!("{CB}?code=")));
    let rotated = set_cookie(&r, "XSRF-TOKEN").expect("a new XSRF-TOKEN");
    assert_eq!(
        rotated,
        format!(
            "XSRF-TOKEN={}; Path=/mydomain/; HttpOnly; SameSite=Lax",
            b.xsrf()
        )
    );
    assert_ne!(b.xsrf(), before);
    // The old token against the browser's new cookie: refused.
    let r = b.send(
        &h,
        "POST",
        "/login",
        &query,
        &format!("_csrf={before}&reuse_session=true"),
    );
    assert_eq!(r.status, 403, "{}", body(&r));
}
