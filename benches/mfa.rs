//! Sign-in with a TOTP second factor beside its floors, measured in the
//! same run (issue 13 item 10; docs/PERFORMANCE.md records the ratios).
//!
//! * `mfa/answer_software_token/test_preset`: the `SOFTWARE_TOKEN_MFA`
//!   answer alone (session opened and used up, lockout bookkeeping, the
//!   sealed secret opened, three TOTP candidates, the step recorded by
//!   compare-and-swap, then the token triple) against
//!   `mfa/floor/answer`: two raw RSA-2048 signatures, three HMAC-SHA1
//!   tags and one store read.
//! * `mfa/sign_in/{password,password+totp}/owasp`: a whole sign-in
//!   without and with the second factor at the OWASP preset; the
//!   difference is held against the second step's floor, three HMAC-SHA1
//!   tags and one store read (`mfa/floor/totp_check`).
//!
//! Every iteration's clock is 30 s later than the last, so each code is of
//! a fresh time step (a code is accepted once).
//!
//! `cargo bench --bench mfa`
#![allow(clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ring::hmac;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::{MfaFactor, MfaMode, MfaSettings, PoolConfig, UsernameAttribute};
use userpool::internals::totp::{TotpKey, code_at};
use userpool::store::{MemoryStore, Store};
use userpool::token::KeySet;
use userpool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, AuthResponse, ChallengeName, Clock,
    HashingParams, InitiateAuthRequest, ManualClock, MessageAction, MfaCaller, MfaPreference,
    MfaPreferences, RespondToAuthChallengeRequest, Timestamp, UserPool,
};

const EMAIL: &str = "mfa@example.com";
const PASSWORD: &str = "1234Abcd^";
const STEP: Duration = Duration::from_secs(30);

struct Fixture {
    pool: UserPool,
    store: Arc<dyn Store>,
    clock: ManualClock,
    client: String,
    key: Option<TotpKey>,
}

fn fixture(hashing: HashingParams, keys: &KeySet, totp: bool) -> Fixture {
    let clock = ManualClock::new(Timestamp::from_unix_seconds(1_700_000_000));
    let config = PoolConfig::builder("bench")
        .username_attributes(&[UsernameAttribute::Email])
        .mfa(MfaSettings {
            mode: MfaMode::Optional,
            sms: None,
            software_token: true,
            email: None,
        })
        .build()
        .unwrap_or_else(|e| panic!("config: {e}"));
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let pool = UserPool::builder(config)
        .store(store.clone())
        .clock(Arc::new(clock.clone()))
        .hashing(hashing)
        .keys(keys.clone())
        .build()
        .unwrap_or_else(|e| panic!("pool: {e}"));
    let client = pool
        .create_user_pool_client(
            AppClientConfig::builder("bench")
                .explicit_auth_flows([AuthFlow::UserPasswordAuth])
                .build()
                .unwrap_or_else(|e| panic!("client: {e}")),
        )
        .unwrap_or_else(|e| panic!("client: {e}"))
        .id()
        .to_owned();
    let mut create = AdminCreateUserRequest::new(EMAIL);
    create.message_action = Some(MessageAction::Suppress);
    pool.admin_create_user(create)
        .unwrap_or_else(|e| panic!("user: {e}"));
    pool.admin_set_user_password(AdminSetUserPasswordRequest::new(EMAIL, PASSWORD).permanent(true))
        .unwrap_or_else(|e| panic!("password: {e}"));
    let mut f = Fixture {
        pool,
        store,
        clock,
        client,
        key: None,
    };
    if totp {
        let access = sign_in(&f)
            .authentication_result
            .unwrap_or_else(|| panic!("tokens"))
            .access_token;
        let out = f
            .pool
            .associate_software_token(MfaCaller::AccessToken(&access))
            .unwrap_or_else(|e| panic!("associate: {e}"));
        let key = TotpKey::from_secret_code(out.secret_code.expose_secret())
            .unwrap_or_else(|| panic!("base32"));
        f.pool
            .verify_software_token(MfaCaller::AccessToken(&access), &code(&f, &key), None)
            .unwrap_or_else(|e| panic!("verify: {e}"));
        f.pool
            .admin_set_user_mfa_preference(
                EMAIL,
                MfaPreferences::new()
                    .with(MfaFactor::SoftwareToken, MfaPreference::new(true, true)),
            )
            .unwrap_or_else(|e| panic!("prefer: {e}"));
        f.key = Some(key);
    }
    f
}

fn sign_in(f: &Fixture) -> AuthResponse {
    f.pool
        .initiate_auth(InitiateAuthRequest::user_password(
            &f.client, EMAIL, PASSWORD,
        ))
        .unwrap_or_else(|e| panic!("sign-in: {e}"))
}

fn code(f: &Fixture, key: &TotpKey) -> String {
    let secs = u64::try_from(f.clock.now().unix_seconds()).unwrap_or(0);
    String::from_utf8(code_at(key.expose_secret(), secs).to_vec()).unwrap_or_default()
}

fn answer(f: &Fixture, challenge: &AuthResponse, code: &str) -> AuthResponse {
    f.pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &f.client,
                ChallengeName::SoftwareTokenMfa,
                challenge.session.clone(),
            )
            .response("USERNAME", EMAIL)
            .response("SOFTWARE_TOKEN_MFA_CODE", code),
        )
        .unwrap_or_else(|e| panic!("answer: {e}"))
}

/// A fresh challenge and the code of its step, 30 s after the last.
fn next_challenge(f: &Fixture) -> (AuthResponse, String) {
    f.clock.advance(STEP);
    let challenge = sign_in(f);
    let key = f.key.as_ref().unwrap_or_else(|| panic!("no key"));
    (challenge, code(f, key))
}

fn three_hmacs(key: &[u8], step: u64) {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key);
    for s in [step - 1, step, step + 1] {
        black_box(hmac::sign(&key, &s.to_be_bytes()));
    }
}

fn benches(c: &mut Criterion) {
    let keys = KeySet::generate().unwrap_or_else(|e| panic!("keys: {e}"));
    let mut g = c.benchmark_group("mfa");
    g.sample_size(30).measurement_time(Duration::from_secs(6));

    let fast = fixture(HashingParams::insecure_fast_for_tests(), &keys, true);
    g.bench_function("answer_software_token/test_preset", |b| {
        b.iter_batched(
            || next_challenge(&fast),
            |(challenge, code)| answer(&fast, &challenge, &code),
            BatchSize::PerIteration,
        );
    });

    // The floors read the enrolled user's record from the pool's store.
    let username = fast
        .pool
        .admin_get_user(EMAIL)
        .unwrap_or_else(|e| panic!("user: {e}"))
        .username;
    let (store, pool_id) = (&fast.store, fast.pool.id().to_owned());
    let (der, _) = keys.export_pkcs8();
    let pair = RsaKeyPair::from_pkcs8(&der).unwrap_or_else(|e| panic!("key: {e}"));
    let rng = SystemRandom::new();
    let message = vec![b'x'; 900];
    let mut sig = vec![0u8; pair.public().modulus_len()];
    let secret = [7u8; 32];
    g.bench_function("floor/answer", |b| {
        b.iter(|| {
            black_box(store.get_user(&pool_id, black_box(&username)).ok());
            three_hmacs(black_box(&secret), 56_666_666);
            for _ in 0..2 {
                pair.sign(&RSA_PKCS1_SHA256, &rng, black_box(&message), &mut sig)
                    .unwrap_or_else(|e| panic!("sign: {e}"));
            }
        });
    });
    g.bench_function("floor/totp_check", |b| {
        b.iter(|| {
            black_box(store.get_user(&pool_id, black_box(&username)).ok());
            three_hmacs(black_box(&secret), 56_666_666);
        });
    });

    let plain = fixture(HashingParams::OWASP, &keys, false);
    g.bench_function("sign_in/password/owasp", |b| {
        b.iter(|| sign_in(&plain));
    });
    let totp = fixture(HashingParams::OWASP, &keys, true);
    g.bench_function("sign_in/password+totp/owasp", |b| {
        b.iter_batched(
            || {
                totp.clock.advance(STEP);
                let key = totp.key.as_ref().unwrap_or_else(|| panic!("no key"));
                code(&totp, key)
            },
            |code| {
                let challenge = sign_in(&totp);
                answer(&totp, &challenge, &code)
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(mfa_benches, benches);
criterion_main!(mfa_benches);
