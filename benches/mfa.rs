//! Sign-in with a TOTP second factor beside its floors, measured in the
//! same run (issue 13 item 10; docs/PERFORMANCE.md records the ratios).
//!
//! * `mfa/answer_software_token/test_preset`: the `SOFTWARE_TOKEN_MFA`
//!   answer alone (session opened and used up, lockout bookkeeping, the
//!   sealed secret opened, three TOTP candidates, the step recorded by
//!   compare-and-swap, then the token triple) against
//!   `mfa/floor/answer`: two raw RSA-2048 signatures, three HMAC-SHA1
//!   tags and one store read.
//! * `mfa/sign_in/{password,password+totp}/{test_preset,owasp}`: a whole
//!   sign-in without and with the second factor at each preset; the
//!   difference is held against the second step's floor, three HMAC-SHA1
//!   tags and one store read (`mfa/floor/totp_check`), and against what any
//!   second step must do (`mfa/floor/second_step`: open a sealed session,
//!   read the user, the three tags, one compare-and-swap write, one
//!   one-time id used up).
//!
//! * `device/srp_answers/test_preset`: a remembered device's sign-in after
//!   the password, the server's part only (the `DEVICE_SRP_AUTH` and
//!   `DEVICE_PASSWORD_VERIFIER` answers, timed around the two calls; the
//!   client's maths between them is not), against `device/floor`: three
//!   constant-time 3072-bit modular exponentiations with 256-bit exponents
//!   (the SRP floor) plus the two signatures of the token triple.
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
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};
use ring::hmac;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use std::sync::atomic::Ordering;
use userpool::client::{AppClientConfig, AuthFlow};
use userpool::config::DeviceConfiguration;
use userpool::config::{MfaFactor, MfaMode, MfaSettings, PoolConfig, UsernameAttribute};
use userpool::internals::srp::N_HEX;
use userpool::internals::totp::{TotpKey, code_at};
use userpool::srp::{SrpClient, format_timestamp, generate_device_secret};

use userpool::store::{MemoryStore, OnceId, Store};
use userpool::token::KeySet;
use userpool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, AuthResponse, ChallengeName, Clock,
    ConfirmDeviceRequest, HashingParams, InitiateAuthRequest, ManualClock, MessageAction,
    MfaCaller, MfaPreference, MfaPreferences, RespondToAuthChallengeRequest, Timestamp, UserPool,
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
    fixture_with(hashing, keys, totp, None)
}

fn fixture_with(
    hashing: HashingParams,
    keys: &KeySet,
    totp: bool,
    devices: Option<DeviceConfiguration>,
) -> Fixture {
    let clock = ManualClock::new(Timestamp::from_unix_seconds(1_700_000_000));
    let config = PoolConfig::builder("bench")
        .username_attributes(&[UsernameAttribute::Email])
        .mfa(MfaSettings {
            mode: MfaMode::Optional,
            sms: None,
            software_token: true,
            email: None,
        })
        .device_configuration(devices)
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
    // What a second step cannot avoid: open its sealed session (AEAD over
    // about 300 bytes), read the user, three HMAC-SHA1 tags, record the
    // step (a compare-and-swap write) and use the session up (one-time id).
    let aead = ring::aead::LessSafeKey::new(
        ring::aead::UnboundKey::new(&ring::aead::AES_256_GCM, &[3u8; 32])
            .unwrap_or_else(|e| panic!("aead: {e}")),
    );
    let mut sealed = vec![0x42u8; 300];
    aead.seal_in_place_append_tag(
        ring::aead::Nonce::assume_unique_for_key([0; 12]),
        ring::aead::Aad::empty(),
        &mut sealed,
    )
    .unwrap_or_else(|e| panic!("seal: {e}"));
    let once = std::sync::atomic::AtomicU64::new(0);
    let later = Timestamp::from_unix_seconds(4_000_000_000);
    g.bench_function("floor/second_step", |b| {
        b.iter(|| {
            let mut buf = sealed.clone();
            black_box(
                aead.open_in_place(
                    ring::aead::Nonce::assume_unique_for_key([0; 12]),
                    ring::aead::Aad::empty(),
                    &mut buf,
                )
                .is_ok(),
            );
            let user = store
                .get_user(&pool_id, black_box(&username))
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("user"));
            three_hmacs(black_box(&secret), 56_666_666);
            let _ = store.update_user(&pool_id, &user, user.version, &[]);
            let id = OnceId::Session(once.fetch_add(1, Ordering::Relaxed).to_string());
            black_box(store.consume_once(&pool_id, &id, later).ok());
        });
    });
    g.bench_function("floor/totp_check", |b| {
        b.iter(|| {
            black_box(store.get_user(&pool_id, black_box(&username)).ok());
            three_hmacs(black_box(&secret), 56_666_666);
        });
    });

    for (preset, hashing) in [
        ("test_preset", HashingParams::insecure_fast_for_tests()),
        ("owasp", HashingParams::OWASP),
    ] {
        sign_in_pair(&mut g, preset, hashing, &keys);
    }
    g.finish();
    device_benches(c, &keys);
}

/// A whole sign-in without and with the TOTP step, at one hashing preset.
fn sign_in_pair(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    preset: &str,
    hashing: HashingParams,
    keys: &KeySet,
) {
    let plain = fixture(hashing, keys, false);
    g.bench_function(format!("sign_in/password/{preset}"), |b| {
        b.iter(|| sign_in(&plain));
    });
    let totp = fixture(hashing, keys, true);
    g.bench_function(format!("sign_in/password+totp/{preset}"), |b| {
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
}

/// A remembered device: its key, group key and password.
struct Device {
    key: String,
    group_key: String,
    password: String,
}

fn remember(f: &Fixture) -> Device {
    let tokens = sign_in(f)
        .authentication_result
        .unwrap_or_else(|| panic!("tokens"));
    let meta = tokens
        .new_device_metadata
        .unwrap_or_else(|| panic!("a new device"));
    let (password, verifier) = generate_device_secret(&meta.device_group_key, &meta.device_key)
        .unwrap_or_else(|e| panic!("device secret: {e}"));
    f.pool
        .confirm_device(&ConfirmDeviceRequest::new(
            &tokens.access_token,
            &meta.device_key,
            verifier,
        ))
        .unwrap_or_else(|e| panic!("confirm: {e}"));
    Device {
        key: meta.device_key,
        group_key: meta.device_group_key,
        password: password.to_string(),
    }
}

/// The server's time for one device sign-in after the password.
fn device_sign_in(f: &Fixture, device: &Device) -> Duration {
    let challenge = f
        .pool
        .initiate_auth(
            InitiateAuthRequest::user_password(&f.client, EMAIL, PASSWORD)
                .param("DEVICE_KEY", &device.key),
        )
        .unwrap_or_else(|e| panic!("sign-in: {e}"));
    assert_eq!(challenge.challenge_name, Some(ChallengeName::DeviceSrpAuth));
    let srp = SrpClient::new_random().unwrap_or_else(|e| panic!("client: {e}"));
    let srp_a = srp.srp_a();
    let started = std::time::Instant::now();
    let verifier = f
        .pool
        .respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                &f.client,
                ChallengeName::DeviceSrpAuth,
                challenge.session.clone(),
            )
            .response("USERNAME", EMAIL)
            .response("DEVICE_KEY", &device.key)
            .response("SRP_A", srp_a),
        )
        .unwrap_or_else(|e| panic!("DEVICE_SRP_AUTH: {e}"));
    let first = started.elapsed();
    let p = |k: &str| verifier.challenge_parameters[k].clone();
    let timestamp = format_timestamp(f.clock.now());
    let signature = srp
        .process_device_challenge(
            &device.group_key,
            &device.key,
            &device.password,
            &p("SALT"),
            &p("SRP_B"),
            &p("SECRET_BLOCK"),
            &timestamp,
        )
        .unwrap_or_else(|e| panic!("claim: {e}"));
    let answer = RespondToAuthChallengeRequest::new(
        &f.client,
        ChallengeName::DevicePasswordVerifier,
        verifier.session.clone(),
    )
    .response("USERNAME", p("USERNAME"))
    .response("DEVICE_KEY", &device.key)
    .response("PASSWORD_CLAIM_SECRET_BLOCK", p("SECRET_BLOCK"))
    .response("PASSWORD_CLAIM_SIGNATURE", signature)
    .response("TIMESTAMP", timestamp);
    let started = std::time::Instant::now();
    let done = f
        .pool
        .respond_to_auth_challenge(answer)
        .unwrap_or_else(|e| panic!("DEVICE_PASSWORD_VERIFIER: {e}"));
    let second = started.elapsed();
    assert!(done.authentication_result.is_some());
    first + second
}

fn device_benches(c: &mut Criterion, keys: &KeySet) {
    let mut g = c.benchmark_group("device");
    g.sample_size(30).measurement_time(Duration::from_secs(8));
    let f = fixture_with(
        HashingParams::insecure_fast_for_tests(),
        keys,
        false,
        Some(DeviceConfiguration {
            challenge_required_on_new_device: true,
            device_only_remembered_on_user_prompt: false,
        }),
    );
    let device = remember(&f);
    g.bench_function("srp_answers/test_preset", |b| {
        b.iter_custom(|n| (0..n).map(|_| device_sign_in(&f, &device)).sum());
    });
    let Some(n) = BoxedUint::from_be_hex(N_HEX, 3072).into_option() else {
        return;
    };
    let Some(n) = Odd::new(n).into_option() else {
        return;
    };
    let params = BoxedMontyParams::new(n);
    let base = BoxedMontyForm::new(
        BoxedUint::from_be_slice_truncated(&[0x5a; 384], 3072),
        &params,
    );
    let exponent = BoxedUint::from_be_slice_truncated(&[0xc3; 32], 256);
    let (der, _) = keys.export_pkcs8();
    let pair = RsaKeyPair::from_pkcs8(&der).unwrap_or_else(|e| panic!("key: {e}"));
    let rng = SystemRandom::new();
    let message = vec![b'x'; 900];
    let mut sig = vec![0u8; pair.public().modulus_len()];
    g.bench_function("floor", |b| {
        b.iter(|| {
            for _ in 0..3 {
                black_box(black_box(&base).pow(black_box(&exponent)));
            }
            for _ in 0..2 {
                pair.sign(&RSA_PKCS1_SHA256, &rng, black_box(&message), &mut sig)
                    .unwrap_or_else(|e| panic!("sign: {e}"));
            }
        });
    });
    g.finish();
}

criterion_group!(mfa_benches, benches);
criterion_main!(mfa_benches);
