//! TOTP verification against its floor (issue 13 item 10).
//!
//! `verify` computes three HMAC-SHA1 codes (steps t−1, t, t+1) over an
//! 8-byte counter and compares them in constant time. Its floors, measured
//! in the same run: three independent HMAC-SHA1 computations (key schedule
//! each time), and one key schedule shared by three tags, which is the least
//! work `verify` can do. The store read it will add comes later.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ring::hmac;
use userpool::internals::totp::{code_at, time_step, verify};

/// RFC 6238 Appendix B's SHA-1 seed.
const KEY: &[u8] = b"12345678901234567890";
const NOW: u64 = 1_234_567_890;

fn totp(c: &mut Criterion) {
    let step = time_step(NOW);
    let code = code_at(KEY, NOW);
    let code = std::str::from_utf8(&code).unwrap_or("000000").to_owned();
    let wrong = "000000";
    let mut group = c.benchmark_group("totp");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("verify/match", |b| {
        b.iter(|| verify(black_box(KEY), black_box(&code), black_box(NOW), None));
    });
    group.bench_function("verify/mismatch", |b| {
        b.iter(|| verify(black_box(KEY), black_box(wrong), black_box(NOW), None));
    });
    group.bench_function("floor/three_hmac_sha1", |b| {
        b.iter(|| {
            for s in [step - 1, step, step + 1] {
                let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, black_box(KEY));
                black_box(hmac::sign(&key, &black_box(s).to_be_bytes()));
            }
        });
    });
    group.bench_function("floor/three_hmac_sha1_one_key", |b| {
        b.iter(|| {
            let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, black_box(KEY));
            for s in [step - 1, step, step + 1] {
                black_box(hmac::sign(&key, &black_box(s).to_be_bytes()));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, totp);
criterion_main!(benches);
