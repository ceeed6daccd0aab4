//! Whole-pool flows beside their floors, measured in the same run
//! (ARCHITECTURE.md, performance floors). docs/PERFORMANCE.md records the ratios.
//!
//! * `pool/sign_up+confirm/test_preset` (with an SRP client, so the sign-up
//!   also computes the SRP verifier) against its floor: one Argon2id hash at
//!   the test preset plus one fixed-base verifier exponentiation.
//! * `login/user_password_auth/owasp` (USER_PASSWORD_AUTH to the token
//!   triple, OWASP Argon2id) against its floor `login/floor/owasp`: one
//!   Argon2id verify at the same parameters plus two raw RSA-2048 signatures.
//!
//! * `login/user_password_auth/test_preset`, the same sign-in at the test
//!   preset, where the two signatures, not the hash, dominate;
//! * each with no-op hooks for every trigger they fire
//!   (`…/noop_hooks`): the cost of building the events and calling the
//!   hooks, which issue 12 bounds at 1.03× of the hook-less run.
//!
//! `cargo bench --bench pool`
#![allow(clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
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

/// Hooks for every trigger sign-up, confirmation and password sign-in
/// fire, each answering Cognito's pass-through default.
#[derive(Debug)]
struct NoopHooks;

impl Triggers for NoopHooks {
    fn configured(&self) -> TriggerSet {
        TriggerSet::of(&[
            Trigger::PreSignUp,
            Trigger::PostConfirmation,
            Trigger::CustomMessage,
            Trigger::PreAuthentication,
            Trigger::PostAuthentication,
            Trigger::PreTokenGeneration,
        ])
    }
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
    let mut g = c.benchmark_group("pool");
    // A second pool in the same process runs on the heap the first one's
    // users grew, and measures a few per cent slower whichever it is:
    // docs/PERFORMANCE.md records both orders.
    for (name, hooks) in [
        (
            "sign_up+confirm/test_preset/noop_hooks",
            Some(Arc::new(NoopHooks) as Arc<dyn Triggers>),
        ),
        ("sign_up+confirm/test_preset", None),
    ] {
        sign_up_variant(&mut g, name, keys, hooks);
    }
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

fn sign_up_variant(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    keys: &KeySet,
    hooks: Option<Arc<dyn Triggers>>,
) {
    let outbox = Outbox::new();
    let pool = pool_with(
        &outbox,
        HashingParams::insecure_fast_for_tests(),
        keys.clone(),
        hooks,
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
    g.bench_function(name, |b| {
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
}

fn login_password(c: &mut Criterion, keys: &KeySet) {
    let mut g = c.benchmark_group("login");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    let noop = || Some(Arc::new(NoopHooks) as Arc<dyn Triggers>);
    let owasp = HashingParams::OWASP;
    // At the test preset the hash no longer drowns what the hooks cost.
    let test = HashingParams::insecure_fast_for_tests();
    for (name, hashing, hooks) in [
        ("user_password_auth/owasp", owasp, None),
        ("user_password_auth/owasp/noop_hooks", owasp, noop()),
        ("user_password_auth/test_preset", test, None),
        ("user_password_auth/test_preset/noop_hooks", test, noop()),
    ] {
        login_variant(&mut g, name, hashing, keys, hooks);
    }
    login_floor(&mut g, keys);
    g.finish();
}

fn login_variant(
    g: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    hashing: HashingParams,
    keys: &KeySet,
    hooks: Option<Arc<dyn Triggers>>,
) {
    let outbox = Outbox::new();
    let pool = pool_with(&outbox, hashing, keys.clone(), hooks);
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

    g.bench_function(name, |b| {
        b.iter(|| {
            pool.initiate_auth(InitiateAuthRequest::user_password(
                client.id(),
                email,
                "1234Abcd^",
            ))
            .unwrap_or_else(|e| panic!("sign-in: {e}"))
        });
    });
}

fn login_floor(g: &mut BenchmarkGroup<'_, WallTime>, keys: &KeySet) {
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
}

fn benches(c: &mut Criterion) {
    let keys = KeySet::generate().unwrap_or_else(|e| panic!("keys: {e}"));
    sign_up_and_confirm(c, &keys);
    login_password(c, &keys);
}

criterion_group!(pool_benches, benches);
criterion_main!(pool_benches);
