//! The token endpoint beside its floors, measured in the same run (issue 14
//! item 8; docs/PERFORMANCE.md records the ratios).
//!
//! * `oauth/client_credentials`: a whole `POST /oauth2/token` with
//!   `grant_type=client_credentials` through `oauth::handle` (form parsed,
//!   Basic credentials decoded, client read and its secret compared, scopes
//!   resolved, the M2M token signed, the JSON answer written) against
//!   `oauth/floor/one_signature`: one raw RSA-2048 signature.
//! * `oauth/authorization_code`: a whole code exchange (the code taken by
//!   compare-and-swap, client, redirect and PKCE checked, user and groups
//!   read, access and ID token signed, refresh token stored) against
//!   `oauth/floor/two_signatures`: its two raw RSA-2048 signatures. The
//!   code is issued outside the timed part.
//!
//! Each subject and its floor are measured interleaved (every iteration
//! runs both and times one), so that both see the same machine load.
//!
//! `cargo bench --bench oauth`
#![allow(clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, criterion_group, criterion_main};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use userpool::client::{AppClientConfig, OAuthFlow};
use userpool::config::{PoolConfig, ResourceServer, ResourceServerScope};
use userpool::internals::oauth::{Grant, issue_authorization_code};
use userpool::oauth::pkce::s256_challenge;
use userpool::oauth::{Base, OAuthRequest, handle};
use userpool::store::MemoryStore;
use userpool::token::KeySet;
use userpool::{
    AdminCreateUserRequest, Clock, HashingParams, ManualClock, MessageAction, Timestamp, UserPool,
};

const REDIRECT: &str = "https://app.example.com/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn request(headers: Vec<(String, String)>, body: String) -> OAuthRequest {
    OAuthRequest {
        method: "POST".to_owned(),
        path: "/oauth2/token".to_owned(),
        query: String::new(),
        headers,
        body: body.into_bytes(),
        base: Base {
            url: "http://127.0.0.1:9229/bench".to_owned(),
            cookie_path: "/bench/".to_owned(),
            secure: false,
        },
    }
}

fn benches(c: &mut Criterion) {
    let keys = KeySet::generate().unwrap_or_else(|e| panic!("keys: {e}"));
    let clock = ManualClock::new(Timestamp::from_unix_seconds(1_700_000_000));
    let config = PoolConfig::builder("bench")
        .resource_servers(vec![ResourceServer {
            identifier: "api".to_owned(),
            name: "API".to_owned(),
            scopes: vec![ResourceServerScope {
                name: "read".to_owned(),
                description: "read".to_owned(),
            }],
        }])
        .build()
        .unwrap_or_else(|e| panic!("config: {e}"));
    let pool = UserPool::builder(config)
        .pool_id("us-east-1_OAuthBench")
        .store(Arc::new(MemoryStore::new()))
        .clock(Arc::new(clock.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(keys.clone())
        .build()
        .unwrap_or_else(|e| panic!("pool: {e}"));
    let m2m = pool
        .create_user_pool_client(
            AppClientConfig::builder("backend")
                .generate_secret(true)
                .allowed_oauth_flows_user_pool_client(true)
                .allowed_oauth_flows([OAuthFlow::ClientCredentials])
                .allowed_oauth_scopes(["api/read"])
                .build()
                .unwrap_or_else(|e| panic!("client: {e}")),
        )
        .unwrap_or_else(|e| panic!("client: {e}"));
    let web = pool
        .create_user_pool_client(
            AppClientConfig::builder("web")
                .allowed_oauth_flows_user_pool_client(true)
                .allowed_oauth_flows([OAuthFlow::Code])
                .allowed_oauth_scopes(["openid", "email", "api/read"])
                .callback_urls([REDIRECT])
                .build()
                .unwrap_or_else(|e| panic!("client: {e}")),
        )
        .unwrap_or_else(|e| panic!("client: {e}"));
    let user = pool
        .admin_create_user(
            AdminCreateUserRequest::new("bench-user").message_action(MessageAction::Suppress),
        )
        .unwrap_or_else(|e| panic!("user: {e}"));
    let sub = user
        .attributes
        .iter()
        .find(|a| a.name == "sub")
        .map(|a| a.value.clone())
        .unwrap_or_else(|| panic!("no sub"));
    let secret = m2m
        .secret()
        .map(|s| s.expose_secret().to_owned())
        .unwrap_or_else(|| panic!("no secret"));
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{secret}", m2m.id()))
    );
    let form = "application/x-www-form-urlencoded".to_owned();

    let (der, _) = keys.export_pkcs8();
    let pair = RsaKeyPair::from_pkcs8(&der).unwrap_or_else(|e| panic!("key: {e}"));
    let rng = SystemRandom::new();
    let message = vec![b'x'; 700];
    let mut sig = vec![0u8; pair.public().modulus_len()];
    let mut signatures = |n: usize| {
        for _ in 0..n {
            pair.sign(&RSA_PKCS1_SHA256, &rng, black_box(&message), &mut sig)
                .unwrap_or_else(|e| panic!("sign: {e}"));
        }
    };
    let m2m_request = request(
        vec![
            ("Authorization".to_owned(), basic),
            ("Content-Type".to_owned(), form.clone()),
        ],
        "grant_type=client_credentials&scope=api%2Fread".to_owned(),
    );
    let client_credentials = || {
        let r = handle(black_box(&pool), black_box(&m2m_request));
        assert_eq!(r.status, 200);
    };
    let challenge = s256_challenge(VERIFIER);
    let code_request = || {
        let code = issue_authorization_code(
            &pool,
            Grant {
                client_id: web.id().to_owned(),
                redirect_uri: REDIRECT.to_owned(),
                redirect_defaulted: false,
                scopes: vec!["openid".to_owned(), "email".to_owned()],
                nonce: Some("nonce".to_owned()),
                code_challenge: Some(challenge.clone()),
                username: "bench-user".to_owned(),
                sub: sub.clone(),
                auth_time: clock.now(),
            },
        )
        .unwrap_or_else(|e| panic!("code: {e}"));
        request(
            vec![("Content-Type".to_owned(), form.clone())],
            format!(
                "grant_type=authorization_code&client_id={}&code={code}\
                 &redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback\
                 &code_verifier={VERIFIER}",
                web.id()
            ),
        )
    };
    let exchange = |req: &OAuthRequest| {
        let r = handle(black_box(&pool), black_box(req));
        assert_eq!(r.status, 200);
    };

    // Each pair of benches is measured interleaved: every iteration runs
    // the subject and its floor one after the other and times only its
    // own, so both see the same machine load (the shared VM's load moves
    // far more between runs than the ratio does).
    let mut g = c.benchmark_group("oauth");
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    g.bench_function("client_credentials", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                signatures(1);
                let start = Instant::now();
                client_credentials();
                timed += start.elapsed();
            }
            timed
        });
    });
    g.bench_function("floor/one_signature", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                client_credentials();
                let start = Instant::now();
                signatures(1);
                timed += start.elapsed();
            }
            timed
        });
    });
    g.bench_function("authorization_code", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let req = code_request();
                signatures(2);
                let start = Instant::now();
                exchange(&req);
                timed += start.elapsed();
            }
            timed
        });
    });
    g.bench_function("floor/two_signatures", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let req = code_request();
                exchange(&req);
                let start = Instant::now();
                signatures(2);
                timed += start.elapsed();
            }
            timed
        });
    });
    g.finish();
}

criterion_group!(oauth_benches, benches);
criterion_main!(oauth_benches);
