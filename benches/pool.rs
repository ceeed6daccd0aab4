//! Whole-pool flows beside their floors, measured in the same run
//! (ARCHITECTURE.md, performance floors). docs/PERFORMANCE.md records the ratios.
//!
//! * `pool/sign_up+confirm/test_preset` (with an SRP client, so the sign-up
//!   also computes the SRP verifier) against its floor: one Argon2id hash at
//!   the test preset plus one fixed-base verifier exponentiation.
//! * `login/user_password_auth/owasp` (USER_PASSWORD_AUTH to the token
//!   triple, OWASP Argon2id) against its floor `login/floor/owasp`: one
//!   Argon2id verify at the same parameters plus two raw RSA-2048 signatures.
//! * `login/user_password_auth+noop_hooks/owasp`: the same sign-in in a pool
//!   whose PreAuthentication, PostAuthentication and PreTokenGeneration are
//!   configured no-op Rust hooks, so the hooks' own cost (events built,
//!   hooks called, no edits) shows against `login/user_password_auth/owasp`.
//!
//! `cargo bench --bench pool`
#![allow(clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use userpool::HashingParams;
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::PoolConfig;
use userpool::config::{UsernameAttribute, VerifiedAttribute};
use userpool::internals::password::{hash_password, verify_password};
use userpool::internals::srp::compute_verifier;
use userpool::schema::StandardAttribute;
use userpool::token::KeySet;
use userpool::triggers::{Trigger, TriggerSet, Triggers};
use userpool::{
    ConfirmSignUpRequest, InitiateAuthRequest, Outbox, Password, SignUpRequest, UserPool,
};

/// Hooks that are configured and do nothing: their cost is the pool's.
#[derive(Debug)]
struct NoOpHooks;

impl Triggers for NoOpHooks {
    fn configured(&self) -> TriggerSet {
        TriggerSet::of(&[
            Trigger::PreAuthentication,
            Trigger::PostAuthentication,
            Trigger::PreTokenGeneration,
        ])
    }
}

fn pool(outbox: &Outbox, hashing: HashingParams, keys: KeySet) -> UserPool {
    pool_with(outbox, hashing, keys, None)
}

fn pool_with(
    outbox: &Outbox,
    hashing: HashingParams,
    keys: KeySet,
    hooks: Option<Arc<dyn Triggers>>,
) -> UserPool {
    let config = PoolConfig::builder("bench")
        .username_attributes(&[UsernameAttribute::Email])
        .auto_verified_attributes(&[VerifiedAttribute::Email])
        .standard_attribute(StandardAttribute::new("family_name").required())
        .build()
        .unwrap_or_else(|e| panic!("config: {e}"));
    let builder = UserPool::builder(config)
        .message_sender(Arc::new(outbox.clone()))
        .hashing(hashing)
        .keys(keys);
    match hooks {
        Some(hooks) => builder.triggers(hooks),
        None => builder,
    }
    .build()
    .unwrap_or_else(|e| panic!("pool: {e}"))
}

fn sign_up_and_confirm(c: &mut Criterion, keys: &KeySet) {
    let outbox = Outbox::new();
    let pool = pool(
        &outbox,
        HashingParams::insecure_fast_for_tests(),
        keys.clone(),
    );
    // A client with Cognito's default flows (SRP among them), so every
    // sign-up also computes and seals the SRP verifier, as in a real pool.
    let client = pool
        .create_user_pool_client(
            AppClientConfig::builder("default")
                .build()
                .unwrap_or_else(|e| panic!("client: {e}")),
        )
        .unwrap_or_else(|e| panic!("client: {e}"));
    let n = AtomicU64::new(0);
    let mut g = c.benchmark_group("pool");
    g.bench_function("sign_up+confirm/test_preset", |b| {
        b.iter(|| {
            let email = format!("user{}@example.com", n.fetch_add(1, Ordering::Relaxed));
            pool.sign_up(
                SignUpRequest::new(client.id(), email.clone(), "1234Abcd^")
                    .attribute("family_name", "Bench"),
            )
            .unwrap_or_else(|e| panic!("sign_up: {e}"));
            let code = outbox
                .last_code_for(&email)
                .unwrap_or_else(|| panic!("no code"));
            pool.confirm_sign_up(ConfirmSignUpRequest::new(client.id(), email, code))
                .unwrap_or_else(|e| panic!("confirm: {e}"));
            // Keep the outbox from growing without bound across iterations.
            outbox.clear();
        });
    });
    let params = HashingParams::insecure_fast_for_tests();
    let password = Password::new("1234Abcd^");
    g.bench_function("floor/argon2id_hash+verifier/test_preset", |b| {
        b.iter(|| {
            let h = hash_password(&params, black_box(&password), black_box(&[7u8; 16]));
            let v = compute_verifier("Bench", "user", black_box(b"1234Abcd^"), &[7u8; 16]);
            (h, v)
        });
    });
    g.finish();
}

/// A pool with one confirmed user and a password client: `(pool, client id)`.
fn login_pool(keys: &KeySet, hooks: Option<Arc<dyn Triggers>>) -> (UserPool, String) {
    let outbox = Outbox::new();
    let pool = pool_with(&outbox, HashingParams::OWASP, keys.clone(), hooks);
    let client = pool
        .create_user_pool_client(
            AppClientConfig::builder("bench")
                .explicit_auth_flows([AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth])
                .build()
                .unwrap_or_else(|e| panic!("client: {e}")),
        )
        .unwrap_or_else(|e| panic!("client: {e}"));
    let email = "login@example.com";
    pool.sign_up(
        SignUpRequest::new(client.id(), email, "1234Abcd^").attribute("family_name", "Bench"),
    )
    .unwrap_or_else(|e| panic!("sign_up: {e}"));
    pool.admin_confirm_sign_up(email)
        .unwrap_or_else(|e| panic!("confirm: {e}"));
    (pool, client.id().to_owned())
}

fn login_password(c: &mut Criterion, keys: &KeySet) {
    let email = "login@example.com";
    let (pool, client) = login_pool(keys, None);
    let (hooked, hooked_client) = login_pool(keys, Some(Arc::new(NoOpHooks)));

    let mut g = c.benchmark_group("login");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("user_password_auth/owasp", |b| {
        b.iter(|| {
            pool.initiate_auth(InitiateAuthRequest::user_password(
                &client,
                email,
                "1234Abcd^",
            ))
            .unwrap_or_else(|e| panic!("sign-in: {e}"))
        });
    });
    g.bench_function("user_password_auth+noop_hooks/owasp", |b| {
        b.iter(|| {
            hooked
                .initiate_auth(InitiateAuthRequest::user_password(
                    &hooked_client,
                    email,
                    "1234Abcd^",
                ))
                .unwrap_or_else(|e| panic!("sign-in: {e}"))
        });
    });

    // The floor: what no implementation can avoid.
    let password = Password::new("1234Abcd^");
    let stored = hash_password(&HashingParams::OWASP, &password, &[9u8; 16])
        .unwrap_or_else(|e| panic!("hash: {e}"));
    let (access_der, _) = keys.export_pkcs8();
    let pair = RsaKeyPair::from_pkcs8(&access_der).unwrap_or_else(|e| panic!("key: {e}"));
    let rng = SystemRandom::new();
    let message = vec![b'x'; 900];
    let mut sig = vec![0u8; pair.public().modulus_len()];
    g.bench_function("floor/owasp", |b| {
        b.iter(|| {
            let ok = verify_password(&HashingParams::OWASP, &stored, black_box(&password))
                .unwrap_or_else(|e| panic!("verify: {e}"));
            for _ in 0..2 {
                pair.sign(&RSA_PKCS1_SHA256, &rng, black_box(&message), &mut sig)
                    .unwrap_or_else(|e| panic!("sign: {e}"));
            }
            ok
        });
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let keys = KeySet::generate().unwrap_or_else(|e| panic!("keys: {e}"));
    sign_up_and_confirm(c, &keys);
    login_password(c, &keys);
}

criterion_group!(pool_benches, benches);
criterion_main!(pool_benches);
