//! Password hashing and policy benchmarks.
//!
//! `hash` and `verify` at the OWASP parameters (the sign-in floor in
//! `ARCHITECTURE.md`, about 25 ms) and at the insecure test preset, and the
//! policy check on a typical password. The OWASP groups take 10 samples so
//! the whole run stays well under two minutes.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use userpool::HashingParams;
use userpool::Password;
use userpool::config::PasswordPolicy;
use userpool::internals::password::{hash_password, verify_password};

const SALT: [u8; 16] = *b"benchmark salt!!";

fn hashing(c: &mut Criterion) {
    let password = Password::new("Correct-Horse-Battery-9");
    for (name, params, samples) in [
        ("owasp", HashingParams::OWASP, 10),
        (
            "insecure_fast_for_tests",
            HashingParams::insecure_fast_for_tests(),
            50,
        ),
    ] {
        let Ok(stored) = hash_password(&params, &password, &SALT) else {
            eprintln!("hashing failed; skipping the {name} benchmarks");
            continue;
        };

        let mut group = c.benchmark_group(format!("password/{name}"));
        group
            .sample_size(samples)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3));
        group.bench_function("hash", |b| {
            b.iter(|| hash_password(black_box(&params), black_box(&password), &SALT));
        });
        group.bench_function("verify", |b| {
            b.iter(|| {
                verify_password(black_box(&params), black_box(&stored), black_box(&password))
            });
        });
        group.finish();
    }
}

fn policy(c: &mut Criterion) {
    let policy = PasswordPolicy::default();
    let mut group = c.benchmark_group("policy");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("check", |b| {
        b.iter(|| policy.check(black_box("Correct-Horse-Battery-9")));
    });
    group.bench_function("validate", |b| {
        let password = Password::new("Correct-Horse-Battery-9");
        b.iter(|| policy.validate(black_box(&password)));
    });
    group.finish();
}

criterion_group!(benches, hashing, policy);
criterion_main!(benches);
