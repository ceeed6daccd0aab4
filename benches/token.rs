//! Token benchmarks against their floors (`ARCHITECTURE.md`, performance floors).
//!
//! * `token/issue_triple`: what a sign-in adds for its tokens — `sign_access`
//!   + `sign_id` + `new_refresh_token`. Goal: at most 1.1 × two raw signatures.
//! * `token/verify_access`: a full access-token verification. Goal: at most
//!   1.2 × one raw verification.
//! * `token/floor_raw_sign`: ring's RSA-2048 PKCS#1 v1.5 SHA-256 signature
//!   with an already-parsed `RsaKeyPair`, over a message the size of a
//!   token's signing input.
//! * `token/floor_raw_verify`: ring's verification of that signature.
//!
//! The keys are generated once, before measuring. The run stays well under a minute.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ring::rand::SystemRandom;
use ring::signature::{
    KeyPair as _, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, UnparsedPublicKey,
};
use userpool::Timestamp;
use userpool::internals::schema::Attributes;
use userpool::internals::token::{
    GroupInfo, SCOPE_USER_ADMIN, group_claims, id_token_attributes, new_refresh_token,
};
use userpool::token::{AccessClaims, IdClaims, KeySet, TokenUse};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_tK1PT2XHw";
const CLIENT: &str = "5015ncg0dvmsd4vbmskke3j1tv";
const SUB: &str = "f81d4fae-7dec-41d0-a765-00a0c91e6bf6";
const IAT: i64 = 1_700_000_000;

/// Claims the size of a real sign-in's: two groups, a handful of attributes.
fn claims() -> (AccessClaims, IdClaims) {
    let (groups, roles, preferred) = group_claims(&[
        GroupInfo {
            name: "admins".to_owned(),
            precedence: Some(1),
            role_arn: Some("arn:aws:iam::123456789012:role/admins".to_owned()),
        },
        GroupInfo {
            name: "users".to_owned(),
            precedence: Some(10),
            role_arn: None,
        },
    ]);
    let attributes: Attributes = [
        ("sub", SUB),
        ("email", "jane@example.com"),
        ("email_verified", "true"),
        ("given_name", "Jane"),
        ("family_name", "Doe"),
        ("address", "1 Main St, Springfield"),
        ("custom:tenant_id", "acme-corp-01"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let access = AccessClaims {
        sub: SUB.to_owned(),
        cognito_groups: groups.clone(),
        iss: ISSUER.to_owned(),
        client_id: CLIENT.to_owned(),
        origin_jti: Some("0d7ab3c4-0b3e-4a27-9b43-6a3c7d0e9f11".to_owned()),
        event_id: "4a3a1e6c-1d0e-4c5e-9b0f-2f0e2d1c3b4a".to_owned(),
        token_use: TokenUse::Access,
        scope: SCOPE_USER_ADMIN.to_owned(),
        auth_time: IAT,
        exp: IAT + 3600,
        iat: IAT,
        jti: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
        username: "jane".to_owned(),
        device_key: None,
        extra: std::collections::BTreeMap::new(),
    };
    let id = IdClaims {
        sub: SUB.to_owned(),
        aud: CLIENT.to_owned(),
        iss: ISSUER.to_owned(),
        token_use: TokenUse::Id,
        auth_time: IAT,
        exp: IAT + 3600,
        iat: IAT,
        jti: "1b8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
        origin_jti: access.origin_jti.clone(),
        event_id: access.event_id.clone(),
        cognito_username: "jane".to_owned(),
        cognito_groups: groups,
        cognito_roles: roles,
        cognito_preferred_role: preferred,
        attributes: id_token_attributes(&attributes, &|_| true),
    };
    (access, id)
}

fn tokens(c: &mut Criterion) {
    let Ok(keys) = KeySet::generate() else {
        eprintln!("key generation failed; skipping the token benchmarks");
        return;
    };
    let (access_claims, id_claims) = claims();
    let Ok(access_token) = keys.sign_access(&access_claims) else {
        eprintln!("signing failed; skipping the token benchmarks");
        return;
    };
    let verifier = keys.verifier(ISSUER);
    let now = Timestamp::from_unix_seconds(IAT + 60);
    if verifier
        .verify_access(&access_token, Some(CLIENT), now)
        .is_err()
    {
        eprintln!("the signed token does not verify; skipping the token benchmarks");
        return;
    }

    // The floors: ring alone, the key parsed once, the same message size.
    let (access_pkcs8, _) = keys.export_pkcs8();
    let Ok(raw_key) = RsaKeyPair::from_pkcs8(&access_pkcs8) else {
        eprintln!("ring refused the exported key; skipping the token benchmarks");
        return;
    };
    let rng = SystemRandom::new();
    let signing_input = match access_token.rsplit_once('.') {
        Some((input, _)) => input.as_bytes().to_vec(),
        None => return,
    };
    let mut raw_signature = vec![0u8; raw_key.public().modulus_len()];
    if raw_key
        .sign(&RSA_PKCS1_SHA256, &rng, &signing_input, &mut raw_signature)
        .is_err()
    {
        eprintln!("raw signing failed; skipping the token benchmarks");
        return;
    }
    let raw_public = UnparsedPublicKey::new(
        &RSA_PKCS1_2048_8192_SHA256,
        raw_key.public_key().as_ref().to_vec(),
    );

    let mut group = c.benchmark_group("token");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));

    group.bench_function("issue_triple", |b| {
        b.iter(|| {
            let access = keys.sign_access(black_box(&access_claims));
            let id = keys.sign_id(black_box(&id_claims));
            let refresh = new_refresh_token();
            (access, id, refresh)
        });
    });
    group.bench_function("verify_access", |b| {
        b.iter(|| verifier.verify_access(black_box(&access_token), Some(CLIENT), now));
    });
    group.bench_function("floor_raw_sign", |b| {
        let mut signature = vec![0u8; raw_key.public().modulus_len()];
        b.iter(|| {
            raw_key
                .sign(
                    &RSA_PKCS1_SHA256,
                    &rng,
                    black_box(&signing_input),
                    &mut signature,
                )
                .is_ok()
        });
    });
    group.bench_function("floor_raw_verify", |b| {
        b.iter(|| {
            raw_public
                .verify(black_box(&signing_input), black_box(&raw_signature))
                .is_ok()
        });
    });
    group.finish();
}

criterion_group!(benches, tokens);
criterion_main!(benches);
