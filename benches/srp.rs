//! SRP benchmarks against their floor (`ARCHITECTURE.md`, performance floors).
//!
//! * `srp/server_step1`: `InitiateAuth`'s maths — parse `SRP_A`, refuse
//!   `A mod N == 0`, `B = k·v + g^b` with a 256-bit `b` (one fixed-base power
//!   through the precomputed table, one modular multiplication), `u`.
//!   Expected: well under one floor.
//! * `srp/server_step2`: `PASSWORD_VERIFIER`'s maths — `S = (A · v^u)^b`,
//!   HKDF, HMAC and the constant-time compare. Expected: about two floors.
//! * `srp/client_handshake`: a client's whole sign-in — `A = g^a`, `x`,
//!   `g^x`, `S = (B − k·g^x)^(a + u·x)` with a 576-bit exponent, signature.
//! * `srp/compute_verifier`: a password set — one fixed-base power `g^x`.
//! * `srp/floor_modexp_256`: the floor — one constant-time 3072-bit modular
//!   exponentiation with a 256-bit exponent of an arbitrary base through
//!   crypto-bigint (`BoxedMontyForm::pow`), the modulus parsed once.
//!
//! The run stays well under a minute.

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, criterion_group, criterion_main};
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};
use userpool::internals::srp;
use userpool::srp::SrpClient;

const POOL_NAME: &str = "tK1PT2XHw";
const USER_ID: &str = "f81d4fae-7dec-41d0-a765-00a0c91e6bf6";
const PASSWORD: &[u8] = b"correct horse battery staple 1!";
const TIMESTAMP: &str = "Tue Mar 5 07:08:09 UTC 2024";
/// The size of a real sealed secret block (`cognito-protocol.md` §1.11: ~1.3 KB).
const SECRET_BLOCK_LEN: usize = 1300;

fn srp_benches(c: &mut Criterion) {
    let salt = [0x5c; 16];
    let verifier = srp::compute_verifier(POOL_NAME, USER_ID, PASSWORD, &salt);
    let Ok(client) = SrpClient::new(&[0x3a; 32]) else {
        eprintln!("client setup failed; skipping the SRP benchmarks");
        return;
    };
    let srp_a = client.srp_a();
    let b = [0xb7; 32];
    let Ok(Some(challenge)) = srp::server_challenge(&verifier.v, &b, &srp_a) else {
        eprintln!("server challenge failed; skipping the SRP benchmarks");
        return;
    };
    let secret_block = vec![0xa5; SECRET_BLOCK_LEN];
    let secret_block_b64 = STANDARD.encode(&secret_block);
    let salt_hex = srp::salt_hex(&salt);
    let srp_b = challenge.srp_b();
    let Ok(signature) = client.process_challenge(
        POOL_NAME,
        USER_ID,
        PASSWORD,
        &salt_hex,
        &srp_b,
        &secret_block_b64,
        TIMESTAMP,
    ) else {
        eprintln!("client signature failed; skipping the SRP benchmarks");
        return;
    };
    let verify = || {
        srp::verify_claim(
            challenge.state(),
            &verifier.v,
            POOL_NAME,
            USER_ID,
            black_box(&secret_block),
            TIMESTAMP,
            black_box(&signature),
        )
    };
    if !matches!(verify(), Ok(true)) {
        eprintln!("the client's signature does not verify; skipping the SRP benchmarks");
        return;
    }

    // The floor: crypto-bigint alone, modulus parsed once, 256-bit exponent.
    let Some(n) = BoxedUint::from_be_hex(srp::N_HEX, 3072).into_option() else {
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

    let mut group = c.benchmark_group("srp");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));

    group.bench_function("server_step1", |bench| {
        bench.iter(|| srp::server_challenge(&verifier.v, black_box(&b), black_box(&srp_a)));
    });
    group.bench_function("server_step2", |bench| {
        bench.iter(verify);
    });
    group.bench_function("client_handshake", |bench| {
        bench.iter(|| {
            let client = SrpClient::new(black_box(&[0x3a; 32]))?;
            client.process_challenge(
                POOL_NAME,
                USER_ID,
                PASSWORD,
                &salt_hex,
                black_box(&srp_b),
                &secret_block_b64,
                TIMESTAMP,
            )
        });
    });
    group.bench_function("compute_verifier", |bench| {
        bench.iter(|| srp::compute_verifier(POOL_NAME, USER_ID, black_box(PASSWORD), &salt));
    });
    group.bench_function("floor_modexp_256", |bench| {
        bench.iter(|| black_box(&base).pow(black_box(&exponent)));
    });
    group.finish();
}

criterion_group!(benches, srp_benches);
criterion_main!(benches);
