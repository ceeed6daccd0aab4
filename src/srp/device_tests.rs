//! Remembered devices' SRP: the known-answer vector, the `ConfirmDevice`
//! parser, and whole handshakes.
//!
//! Source of the vector: `cognito-mfa-devices-passwordless.md` §6.3
//! ("Known answer (ours; ACIJS and PYCOG agree)"). The spec gives the
//! `PasswordVerifier` by its length, its first 44 characters and the SHA-256
//! of `PAD(v_dev)`; this test checks exactly those.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;

use super::device::{
    DEVICE_PASSWORD_RANDOM_LEN, MAX_DEVICE_SALT_LEN, device_verifier_config,
    generate_device_secret, parse_device_verifier,
};
use super::group::{N_LEN, group};
use super::server::{SrpIdentity, server_challenge, server_challenge_random, verify_claim_as};
use super::{SrpClient, hash, kat, salt_hex};
use crate::error::ErrorCode;

const GROUP_KEY: &str = "-AbCdEfGh";
const DEVICE_KEY: &str = "us-east-1_3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const PASSWORD: &str = "ZGV2aWNlLXBhc3N3b3JkLWZvci10ZXN0LXZlY3Rvci0xMjM0NTY3OA==";
const SALT: &str = "9a4b1c2d3e4f5061728394a5b6c7d8e9";
const PAD_SALT: &str = "009a4b1c2d3e4f5061728394a5b6c7d8e9";
const SALT_B64: &str = "AJpLHC0+T1BhcoOUpbbH2Ok=";
const INNER: &str = "c53bf9452886c8c1917e82a67a2b90ee7d7fd05ef72fc233f10056e8f6921b6d";
const X_DEV: &str = "8cf1244f1235dab8350a0548ba786de1f3be88b7197b60048d5263453f2cafe8";
const VERIFIER_PREFIX: &str = "c/wlg8KmkiXUK6Jp8GQCmnQ2/CPcsWmbWVLorhyd92RT";
const PAD_V_SHA256: &str = "3a229ab3ab352a8f1866bf0c8433231555aa0d0f77c9deccea49c2d1cdac2bca";

const SECRET_BLOCK: &str = "ZXhhbXBsZS1zZWNyZXQtYmxvY2stYnl0ZXM=";
const TIMESTAMP: &str = "Tue Mar 5 07:08:09 UTC 2024";

fn salt() -> Vec<u8> {
    crate::hex::decode(SALT).unwrap()
}

fn code<T: std::fmt::Debug>(r: crate::Result<T>) -> ErrorCode {
    r.map(|_| ())
        .map_err(|e| e.code())
        .err()
        .unwrap_or(ErrorCode::InternalError)
}

#[test]
fn vector_inner_hash_and_x_dev() {
    assert_eq!(
        crate::hex::encode(&kat::inner(GROUP_KEY, DEVICE_KEY, PASSWORD.as_bytes())),
        INNER
    );
    assert_eq!(
        crate::hex::encode(&kat::x(GROUP_KEY, DEVICE_KEY, PASSWORD.as_bytes(), &salt())),
        X_DEV
    );
}

#[test]
fn vector_salt_encodings() {
    assert_eq!(crate::hex::encode(&hash::pad(&salt())), PAD_SALT);
    let config = device_verifier_config(GROUP_KEY, DEVICE_KEY, PASSWORD, &salt());
    assert_eq!(config.salt, SALT_B64);
}

#[test]
fn vector_password_verifier() {
    let config = device_verifier_config(GROUP_KEY, DEVICE_KEY, PASSWORD, &salt());
    assert_eq!(config.password_verifier.len(), 512);
    assert!(config.password_verifier.starts_with(VERIFIER_PREFIX));
    let padded_v = STANDARD.decode(&config.password_verifier).unwrap();
    assert_eq!(
        crate::hex::encode(&hash::sha256(&[&padded_v])),
        PAD_V_SHA256
    );
    assert!(!format!("{config:?}").contains(VERIFIER_PREFIX));
}

#[test]
fn vector_parses_back_to_the_same_verifier() {
    let config = device_verifier_config(GROUP_KEY, DEVICE_KEY, PASSWORD, &salt());
    let verifier = parse_device_verifier(&config.password_verifier, &config.salt).unwrap();
    assert_eq!(verifier.salt, salt());
    assert_eq!(salt_hex(&verifier.salt), SALT);
    assert_eq!(verifier.v.len(), N_LEN);
    assert_eq!(
        crate::hex::encode(&hash::sha256(&[&hash::pad(&verifier.v)])),
        PAD_V_SHA256
    );
    // The same verifier the user-side code computes under the device's names.
    let direct = super::compute_verifier(GROUP_KEY, DEVICE_KEY, PASSWORD.as_bytes(), &salt());
    assert_eq!(verifier.v, direct.v);
}

/// One device handshake: the server's verdict on the client's answer.
fn handshake(
    group_key: &str,
    device_key: &str,
    stored_password: &str,
    typed_password: &str,
) -> bool {
    let salt = crate::random::bytes::<16>().unwrap();
    let config = device_verifier_config(group_key, device_key, stored_password, &salt);
    let verifier = parse_device_verifier(&config.password_verifier, &config.salt).unwrap();
    let client = SrpClient::new_random().unwrap();
    let challenge = server_challenge_random(&verifier.v, &client.srp_a()).unwrap();
    let block = STANDARD.decode(SECRET_BLOCK).unwrap();
    let signature = client
        .process_device_challenge(
            group_key,
            device_key,
            typed_password,
            &salt_hex(&verifier.salt),
            &challenge.srp_b(),
            SECRET_BLOCK,
            TIMESTAMP,
        )
        .unwrap();
    verify_claim_as(
        challenge.state(),
        &verifier.v,
        SrpIdentity::device(group_key, device_key),
        &block,
        TIMESTAMP,
        &signature,
    )
    .unwrap()
}

#[test]
fn a_random_device_completes_the_handshake() {
    let uuid = crate::random::format_uuid_v4(crate::random::bytes::<16>().unwrap());
    let device_key = format!("us-east-1_{uuid}");
    let (password, config) = generate_device_secret("-nNwnPidS", &device_key).unwrap();
    assert_eq!(password.len(), DEVICE_PASSWORD_RANDOM_LEN.div_ceil(3) * 4);
    let verifier = parse_device_verifier(&config.password_verifier, &config.salt).unwrap();
    let client = SrpClient::new_random().unwrap();
    let challenge = server_challenge_random(&verifier.v, &client.srp_a()).unwrap();
    let signature = client
        .process_device_challenge(
            "-nNwnPidS",
            &device_key,
            &password,
            &salt_hex(&verifier.salt),
            &challenge.srp_b(),
            SECRET_BLOCK,
            TIMESTAMP,
        )
        .unwrap();
    let block = STANDARD.decode(SECRET_BLOCK).unwrap();
    let verify = |identity| {
        verify_claim_as(
            challenge.state(),
            &verifier.v,
            identity,
            &block,
            TIMESTAMP,
            &signature,
        )
        .unwrap()
    };
    assert!(verify(SrpIdentity::device("-nNwnPidS", &device_key)));
    // The names enter the signature: swapped or another group's, it fails.
    assert!(!verify(SrpIdentity::device(&device_key, "-nNwnPidS")));
    assert!(!verify(SrpIdentity::device("-cgSNKCRd", &device_key)));
}

#[test]
fn a_wrong_device_password_fails() {
    assert!(handshake(GROUP_KEY, DEVICE_KEY, PASSWORD, PASSWORD));
    let mut wrong = PASSWORD.to_owned();
    wrong.replace_range(0..1, "A");
    assert!(!handshake(GROUP_KEY, DEVICE_KEY, PASSWORD, &wrong));
    assert!(!handshake(GROUP_KEY, "us-east-1_other", PASSWORD, "")); // empty password
}

#[test]
fn user_and_device_identities_are_the_same_maths() {
    // verify_claim (user) and verify_claim_as(device) agree when the names do:
    // one server code path, byte for byte.
    let v = super::compute_verifier(GROUP_KEY, DEVICE_KEY, PASSWORD.as_bytes(), &salt()).v;
    let client = SrpClient::new(&[5; 32]).unwrap();
    let challenge = server_challenge(&v, &[6; 32], &client.srp_a())
        .unwrap()
        .unwrap();
    let signature = client
        .process_challenge(
            GROUP_KEY,
            DEVICE_KEY,
            PASSWORD.as_bytes(),
            SALT,
            &challenge.srp_b(),
            SECRET_BLOCK,
            TIMESTAMP,
        )
        .unwrap();
    let block = STANDARD.decode(SECRET_BLOCK).unwrap();
    let as_user = super::verify_claim(
        challenge.state(),
        &v,
        GROUP_KEY,
        DEVICE_KEY,
        &block,
        TIMESTAMP,
        &signature,
    );
    let as_device = verify_claim_as(
        challenge.state(),
        &v,
        SrpIdentity::device(GROUP_KEY, DEVICE_KEY),
        &block,
        TIMESTAMP,
        &signature,
    );
    assert!(as_user.unwrap());
    assert!(as_device.unwrap());
    assert_eq!(
        SrpIdentity::user(GROUP_KEY, DEVICE_KEY),
        SrpIdentity::device(GROUP_KEY, DEVICE_KEY)
    );
}

fn b64_of_n_plus(delta: i8) -> String {
    // PAD(N + delta) for a small delta: N ends in 0xff…ff.
    let mut n = group().n_bytes().to_vec();
    let last = n.len() - 1;
    n[last] = n[last].wrapping_add_signed(delta);
    STANDARD.encode(hash::pad(&n))
}

#[test]
fn parser_refuses_malformed_configs() {
    let good_v = device_verifier_config(GROUP_KEY, DEVICE_KEY, PASSWORD, &salt()).password_verifier;
    let parse = |v: &str, s: &str| code(parse_device_verifier(v, s));
    let bad_v = [
        String::new(),
        "AA==".to_owned(),                                            // zero
        "AAAA".to_owned(),                                            // zero, three bytes
        "gA==".to_owned(),                                            // 0x80: negative
        "/w==".to_owned(),                                            // -1
        "not base64!".to_owned(),                                     // not base64
        "AQ".to_owned(),                                              // unpadded
        format!(" {good_v}"),                                         // whitespace
        b64_of_n_plus(0),                                             // N ≡ 0 mod N
        b64_of_n_plus(-1).replace('=', ""),                           // unpadded N − 1
        STANDARD.encode([0xff; N_LEN]),                               // negative, 384 bytes
        STANDARD.encode([0x7f; N_LEN + 1]),                           // 385 magnitude bytes
        STANDARD.encode([[0u8; 2].as_slice(), &[1; N_LEN]].concat()), // two sign bytes
    ];
    for v in &bad_v {
        assert_eq!(parse(v, SALT_B64), ErrorCode::InvalidParameter, "{v:?}");
    }
    // N − 1 is the largest verifier, and a 0 sign byte is fine.
    assert!(parse_device_verifier(&b64_of_n_plus(-1), SALT_B64).is_ok());
    assert!(parse_device_verifier("AQ==", SALT_B64).is_ok());
    assert!(parse_device_verifier("AAE=", SALT_B64).is_ok());
    let bad_salt = [
        String::new(),
        "AA==".to_owned(),
        "mkscLT5PUGFyg5SltsfY6Q==".to_owned(), // the salt without its sign byte: negative
        "AJpLHC0+T1BhcoOUpbbH2Ok".to_owned(),
        STANDARD.encode([1; MAX_DEVICE_SALT_LEN + 1]),
    ];
    for s in &bad_salt {
        assert_eq!(parse(&good_v, s), ErrorCode::InvalidParameter, "{s:?}");
    }
    assert!(parse_device_verifier(&good_v, &STANDARD.encode([1; MAX_DEVICE_SALT_LEN])).is_ok());
    assert!(
        parse_device_verifier(
            &good_v,
            &STANDARD.encode([[0].as_slice(), &[0xff; MAX_DEVICE_SALT_LEN]].concat())
        )
        .is_ok()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any base64 of any bytes, or any string: an answer, never a panic;
    /// and what is accepted is a positive verifier below N with a positive salt.
    #[test]
    fn parser_never_panics(
        v_bytes in proptest::collection::vec(any::<u8>(), 0..400),
        s_bytes in proptest::collection::vec(any::<u8>(), 0..80),
        junk in "\\PC{0,64}",
    ) {
        let v_b64 = STANDARD.encode(&v_bytes);
        let s_b64 = STANDARD.encode(&s_bytes);
        for (v, s) in [(&v_b64, &s_b64), (&junk, &s_b64), (&v_b64, &junk)] {
            if let Ok(verifier) = parse_device_verifier(v, s) {
                prop_assert_eq!(verifier.v.len(), N_LEN);
                prop_assert!(!group().is_zero_mod_n_vartime(&verifier.v));
                prop_assert!(verifier.v[..] < *group().n_bytes());
                prop_assert!(!verifier.salt.is_empty() && verifier.salt.len() <= MAX_DEVICE_SALT_LEN);
                prop_assert_eq!(hash::trim(&verifier.salt), &verifier.salt[..]);
            }
        }
        let accepted = parse_device_verifier(&v_b64, &s_b64).is_ok();
        let positive = |b: &[u8], max: usize| {
            b.first().is_some_and(|&f| f < 0x80)
                && !hash::trim(b).is_empty()
                && hash::trim(b).len() <= max
                && b.len() <= max + 1
        };
        let below_n = {
            let t = hash::trim(&v_bytes);
            t.len() < N_LEN || (t.len() == N_LEN && t < group().n_bytes())
        };
        prop_assert_eq!(
            accepted,
            positive(&v_bytes, N_LEN) && below_n && positive(&s_bytes, MAX_DEVICE_SALT_LEN)
        );
    }

    /// What a client encodes, the server parses back to the same (salt, v).
    #[test]
    fn client_encoding_round_trips(salt in any::<[u8; 16]>(), password in "[A-Za-z0-9+/]{56}") {
        let config = device_verifier_config(GROUP_KEY, DEVICE_KEY, &password, &salt);
        let verifier = parse_device_verifier(&config.password_verifier, &config.salt).unwrap();
        let direct = super::compute_verifier(GROUP_KEY, DEVICE_KEY, password.as_bytes(), &salt);
        prop_assert_eq!(verifier.v, direct.v);
        prop_assert_eq!(&verifier.salt[..], hash::trim(&salt));
    }
}
