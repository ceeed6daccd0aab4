//! The OAuth endpoints (cognito-oauth.md §4–§11) on untrusted requests:
//! whatever arrives at `/oauth2/authorize`, `/login`, `/oauth2/token`,
//! `/oauth2/userInfo`, `/oauth2/revoke`, `/logout`, the hosted pages or any
//! other path of a domain, `userpool::oauth::handle` must answer without
//! panicking, and every answer keeps the endpoints' security contract
//! (§13):
//!
//! * no open redirect: a `Location` points under the domain's base URL or
//!   at a URL registered on one of the pool's clients (§13.1);
//! * no script ever: the hosted pages have none, so a page that contains
//!   `<script` reflected something unescaped (§13.10);
//! * a JSON answer parses as JSON, and an error body is exactly
//!   `{"error": "<code>"}` (§7.2) or carries `error` and
//!   `error_description` (§9);
//! * a status is one HTTP knows, and nothing but a redirect has `Location`;
//! * no header value holds a control character (no CR/LF splitting).
//!
//! The pool holds a confirmed user, a public `code`/`implicit` client and
//! a confidential `client_credentials` client with a custom scope, so that
//! requests can reach past the first checks.
//!
//! Input layout: `method ‖ path ‖ 0xff ‖ query ‖ 0xff ‖ authorization ‖
//! 0xff ‖ cookie ‖ 0xff ‖ content type ‖ 0xff ‖ body`, where `method` is
//! one byte (an index into a list) and `path` is a byte indexing a list of
//! the endpoints' paths, or any bytes after 0xfe. The placeholders `@C`,
//! `@M`, `@S`, `@R` and `@L` become the public client's id, the M2M
//! client's id and secret, its callback URL and its logout URL.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use userpool::client::{AppClientConfig, OAuthFlow};
use userpool::config::{PoolConfig, ResourceServer, ResourceServerScope};
use userpool::oauth::{Base, OAuthRequest, handle};
use userpool::store::MemoryStore;
use userpool::token::KeySet;
use userpool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, HashingParams, ManualClock,
    MessageAction, Outbox, Timestamp, UserPool,
};

const BASE: &str = "http://127.0.0.1:9229/fuzzdomain";
const CALLBACK: &str = "https://app.example.com/callback";
const LOGOUT: &str = "https://app.example.com/signed-out";
const METHODS: [&str; 5] = ["GET", "POST", "HEAD", "OPTIONS", "PUT"];
const PATHS: [&str; 16] = [
    "/oauth2/authorize",
    "/login",
    "/oauth2/token",
    "/oauth2/userInfo",
    "/oauth2/userinfo",
    "/oauth2/revoke",
    "/logout",
    "/error",
    "/signup",
    "/confirm",
    "/forgotPassword",
    "/confirmForgotPassword",
    "/forceChangePassword",
    "/mfa",
    "/",
    "/oauth2/../login",
];

struct Fixture {
    pool: UserPool,
    public: String,
    m2m: String,
    secret: String,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server = ResourceServer {
            identifier: "api".to_owned(),
            name: "api".to_owned(),
            scopes: vec![ResourceServerScope {
                name: "read".to_owned(),
                description: "read".to_owned(),
            }],
        };
        let config = PoolConfig::builder("oauth-fuzz")
            .resource_servers(vec![server])
            .build()
            .expect("pool config");
        let pool = UserPool::builder(config)
            .store(Arc::new(MemoryStore::new()))
            .clock(Arc::new(ManualClock::new(Timestamp::from_unix_seconds(
                1_800_000_000,
            ))))
            .message_sender(Arc::new(Outbox::new()))
            .hashing(HashingParams::insecure_fast_for_tests())
            .secret_key([0x17; 32])
            .keys(KeySet::generate().expect("keys"))
            .build()
            .expect("pool");
        let public = pool
            .create_user_pool_client(
                AppClientConfig::builder("web")
                    .allowed_oauth_flows_user_pool_client(true)
                    .allowed_oauth_flows([OAuthFlow::Code, OAuthFlow::Implicit])
                    .allowed_oauth_scopes(["openid", "email", "profile", "api/read"])
                    .callback_urls([CALLBACK])
                    .logout_urls([LOGOUT])
                    .supported_identity_providers(["COGNITO"])
                    .build()
                    .expect("public client"),
            )
            .expect("public client");
        let m2m = pool
            .create_user_pool_client(
                AppClientConfig::builder("backend")
                    .generate_secret(true)
                    .allowed_oauth_flows_user_pool_client(true)
                    .allowed_oauth_flows([OAuthFlow::ClientCredentials])
                    .allowed_oauth_scopes(["api/read"])
                    .build()
                    .expect("m2m client"),
            )
            .expect("m2m client");
        let mut create =
            AdminCreateUserRequest::new("fuzzer").attribute("email", "f@example.com");
        create.message_action = Some(MessageAction::Suppress);
        pool.admin_create_user(create).expect("user");
        pool.admin_set_user_password(
            AdminSetUserPasswordRequest::new("fuzzer", "1234Abcd^").permanent(true),
        )
        .expect("password");
        Fixture {
            public: public.id().to_owned(),
            m2m: m2m.id().to_owned(),
            secret: m2m.secret().map(|s| s.expose_secret().to_owned()).unwrap_or_default(),
            pool,
        }
    })
}

fn substitute(bytes: &[u8], f: &Fixture) -> String {
    String::from_utf8_lossy(bytes)
        .replace("@C", &f.public)
        .replace("@M", &f.m2m)
        .replace("@S", &f.secret)
        .replace("@R", CALLBACK)
        .replace("@L", LOGOUT)
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let Some((&method, rest)) = data.split_first() else {
        return;
    };
    let Some((&path, rest)) = rest.split_first() else {
        return;
    };
    let mut fields = rest.splitn(6, |&b| b == 0xff);
    let mut next = || substitute(fields.next().unwrap_or_default(), f);
    let path = match PATHS.get(usize::from(path)) {
        Some(p) => (*p).to_owned(),
        None => format!("/{}", next()),
    };
    let query = next();
    let mut headers = Vec::new();
    for name in ["Authorization", "Cookie", "Content-Type"] {
        let value = next();
        if !value.is_empty() {
            headers.push((name.to_owned(), value));
        }
    }
    let body = next().into_bytes();
    let request = OAuthRequest {
        method: METHODS[usize::from(method) % METHODS.len()].to_owned(),
        path,
        query,
        headers,
        body,
        base: Base {
            url: BASE.to_owned(),
            cookie_path: "/fuzzdomain/".to_owned(),
            secure: method & 0x80 != 0,
        },
    };
    let response = handle(&f.pool, &request);

    assert!((100..600).contains(&response.status), "{}", response.status);
    for (name, value) in &response.headers {
        assert!(
            !value.chars().any(char::is_control),
            "a control character in the {name} header"
        );
    }
    let location = response.header("Location");
    assert_eq!(
        location.is_some(),
        (300..400).contains(&response.status),
        "Location on a {} answer",
        response.status
    );
    if let Some(to) = location {
        let registered = [CALLBACK, LOGOUT]
            .iter()
            .any(|u| to == *u || to.starts_with(&format!("{u}?")) || to.starts_with(&format!("{u}#")));
        assert!(
            registered || to.starts_with(&format!("{BASE}/")),
            "open redirect to {to}"
        );
    }
    // A HEAD answer keeps the GET answer's headers without its body.
    let content_type = if request.method == "HEAD" {
        assert!(response.body.is_empty(), "a body on a HEAD answer");
        ""
    } else {
        response.header("Content-Type").unwrap_or_default()
    };
    if content_type.starts_with("application/json") {
        let value: serde_json::Value =
            serde_json::from_slice(&response.body).expect("a JSON answer parses");
        if response.status >= 400 {
            assert!(value.get("error").is_some_and(serde_json::Value::is_string));
        }
    }
    if content_type.starts_with("text/html") {
        let page = String::from_utf8_lossy(&response.body).to_ascii_lowercase();
        assert!(!page.contains("<script"), "a script on a hosted page");
    }
});
