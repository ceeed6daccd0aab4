#![allow(clippy::panic)]
//! Sign-up + confirm through the whole pool with the test hashing preset,
//! beside its floor measured in the same run: one Argon2id hash at the same
//! preset. The ratio is what docs/PERFORMANCE.md records.
//!
//! `cargo bench --bench pool`

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use userpool::config::{UsernameAttribute, VerifiedAttribute};
use userpool::password::{HashingParams, hash_password};
use userpool::schema::StandardAttribute;
use userpool::{ConfirmSignUpRequest, Outbox, Password, PoolConfig, SignUpRequest, UserPool};

fn pool(outbox: &Outbox) -> UserPool {
    let config = PoolConfig::builder("bench")
        .username_attributes(&[UsernameAttribute::Email])
        .auto_verified_attributes(&[VerifiedAttribute::Email])
        .standard_attribute(StandardAttribute::new("family_name").required())
        .build()
        .unwrap_or_else(|e| panic!("config: {e}"));
    UserPool::builder(config)
        .message_sender(Arc::new(outbox.clone()))
        .hashing(HashingParams::insecure_fast_for_tests())
        .build()
        .unwrap_or_else(|e| panic!("pool: {e}"))
}

fn sign_up_and_confirm(c: &mut Criterion) {
    let outbox = Outbox::new();
    let pool = pool(&outbox);
    let n = AtomicU64::new(0);
    let mut g = c.benchmark_group("pool");
    g.bench_function("sign_up+confirm/test_preset", |b| {
        b.iter(|| {
            let email = format!("user{}@example.com", n.fetch_add(1, Ordering::Relaxed));
            pool.sign_up(
                SignUpRequest::new(email.clone(), "1234Abcd^").attribute("family_name", "Bench"),
            )
            .unwrap_or_else(|e| panic!("sign_up: {e}"));
            let code = outbox
                .last_code_for(&email)
                .unwrap_or_else(|| panic!("no code"));
            pool.confirm_sign_up(ConfirmSignUpRequest::new(email, code))
                .unwrap_or_else(|e| panic!("confirm: {e}"));
            // Keep the outbox from growing without bound across iterations.
            outbox.clear();
        });
    });
    let params = HashingParams::insecure_fast_for_tests();
    let password = Password::new("1234Abcd^");
    g.bench_function("floor/argon2id_hash/test_preset", |b| {
        b.iter(|| hash_password(&params, black_box(&password), black_box(&[7u8; 16])));
    });
    g.finish();
}

criterion_group!(benches, sign_up_and_confirm);
criterion_main!(benches);
