//! Properties of the SRP handshake, the `SALT` encoding and the `TIMESTAMP`
//! format (`cognito-protocol.md` §1.4–§1.11).
//!
//! A full handshake costs about five 3072-bit exponentiations, so the
//! handshake properties run a few dozen cases each.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use crate::Timestamp;
use crate::srp::SrpClient;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;

/// The server side under one name, as these tests were written against it.
mod srp {
    pub(super) use crate::srp::server::*;
    pub(super) use crate::srp::timestamp::*;
    pub(super) use crate::srp::verifier::*;
}

/// One sign-in's inputs.
#[derive(Clone, Debug)]
struct Handshake {
    pool_name: String,
    user_id: String,
    password: String,
    salt: [u8; 16],
    a: [u8; 32],
    b: [u8; 32],
    secret_block: Vec<u8>,
    instant: Timestamp,
}

fn handshake() -> impl Strategy<Value = Handshake> {
    (
        "[A-Za-z0-9]{1,12}",
        "[a-z0-9._@+-]{1,24}|[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        "\\PC{1,32}",
        any::<[u8; 16]>(),
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
        proptest::collection::vec(any::<u8>(), 0..96),
        0i64..4_102_444_800,
    )
        .prop_map(
            |(pool_name, user_id, password, salt, a, b, secret_block, secs)| Handshake {
                pool_name,
                user_id,
                password,
                salt,
                a,
                b,
                secret_block,
                instant: Timestamp::from_unix_seconds(secs),
            },
        )
}

/// What the client may get wrong, or what may be changed between the two steps.
#[derive(Clone, Debug)]
enum Change {
    /// The client types a password with one character replaced.
    Password { index: usize, replacement: char },
    /// The client sees (or the server stored) a different salt: one bit flipped.
    Salt { bit: usize },
    /// The secret block the server checks differs from the one the client signed.
    SecretBlock { index: usize, xor: u8 },
    /// The server checks another timestamp than the client signed.
    Timestamp { seconds: i64 },
    /// The client signs with another `USER_ID_FOR_SRP`.
    UserId { suffix: char },
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        (any::<usize>(), any::<char>())
            .prop_map(|(index, replacement)| Change::Password { index, replacement }),
        (0usize..128).prop_map(|bit| Change::Salt { bit }),
        (any::<usize>(), 1u8..=255).prop_map(|(index, xor)| Change::SecretBlock { index, xor }),
        prop_oneof![-600i64..=-1, 1i64..=600].prop_map(|seconds| Change::Timestamp { seconds }),
        any::<char>().prop_map(|suffix| Change::UserId { suffix }),
    ]
}

/// Runs the handshake with `change` applied; returns whether the server accepts.
fn signs_in(h: &Handshake, change: Option<&Change>) -> bool {
    let verifier = srp::compute_verifier(&h.pool_name, &h.user_id, h.password.as_bytes(), &h.salt);

    let client = SrpClient::new(&h.a).unwrap();
    let challenge = srp::server_challenge(&verifier.v, &h.b, &client.srp_a())
        .unwrap()
        .expect("B and u are nonzero with overwhelming probability");
    // What the caller would seal; the server later checks the bytes the client echoes.
    let state = srp::HandshakeState::from_bytes(&challenge.state().to_bytes()).unwrap();

    let mut password = h.password.clone();
    let mut salt = h.salt;
    let mut checked_block = h.secret_block.clone();
    let signed_timestamp = srp::format_timestamp(h.instant);
    let mut checked_timestamp = signed_timestamp.clone();
    let mut client_user_id = h.user_id.clone();
    match change {
        None => {}
        Some(Change::Password { index, replacement }) => {
            let mut chars: Vec<char> = password.chars().collect();
            let i = index % chars.len();
            chars[i] = if chars[i] == *replacement {
                char::from_u32(u32::from(*replacement) ^ 1).unwrap_or('x')
            } else {
                *replacement
            };
            password = chars.into_iter().collect();
            assert_ne!(password, h.password);
        }
        Some(Change::Salt { bit }) => salt[bit / 8] ^= 1 << (bit % 8),
        Some(Change::SecretBlock { index, xor }) => {
            if checked_block.is_empty() {
                checked_block.push(*xor);
            } else {
                let i = index % checked_block.len();
                checked_block[i] ^= xor;
            }
        }
        Some(Change::Timestamp { seconds }) => {
            let shifted = Timestamp::from_unix_seconds(h.instant.unix_seconds() + seconds);
            checked_timestamp = srp::format_timestamp(shifted);
            assert_ne!(checked_timestamp, signed_timestamp);
        }
        Some(Change::UserId { suffix }) => client_user_id.push(*suffix),
    }

    let signature = client
        .process_challenge(
            &h.pool_name,
            &client_user_id,
            password.as_bytes(),
            &srp::salt_hex(&salt),
            &challenge.srp_b(),
            &STANDARD.encode(&h.secret_block),
            &signed_timestamp,
        )
        .unwrap();
    srp::verify_claim(
        &state,
        &verifier.v,
        &h.pool_name,
        &h.user_id,
        &checked_block,
        &checked_timestamp,
        &signature,
    )
    .unwrap()
}

/// Decodes minimal hex (odd length allowed) to big-endian bytes.
fn decode_minimal_hex(s: &str) -> Vec<u8> {
    let even = if s.len() % 2 == 1 {
        format!("0{s}")
    } else {
        s.to_owned()
    };
    (0..even.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&even[i..i + 2], 16).unwrap())
        .collect()
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn the_right_password_signs_in(h in handshake()) {
        prop_assert!(signs_in(&h, None));
    }

    #[test]
    fn any_change_to_the_inputs_fails_the_claim(h in handshake(), change in change()) {
        prop_assert!(!signs_in(&h, Some(&change)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn salt_hex_is_minimal_and_round_trips(salt in proptest::collection::vec(any::<u8>(), 0..33)) {
        let hex = srp::salt_hex(&salt);
        prop_assert!(hex == "0" || !hex.starts_with('0'), "{}", hex);
        prop_assert!(!hex.starts_with('-'));
        prop_assert!(hex.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        let back = decode_minimal_hex(&hex);
        prop_assert_eq!(strip_leading_zeros(&back), strip_leading_zeros(&salt));
        // Both client families derive the same PAD(salt) from it (§1.11).
        prop_assert_eq!(srp::pad(&back), srp::pad(&salt));
    }

    #[test]
    fn timestamps_round_trip_for_any_instant(millis in any::<i64>()) {
        let t = Timestamp::from_unix_millis(millis);
        let s = srp::format_timestamp(t);
        let back = srp::canonical_timestamp(&s).unwrap();
        prop_assert_eq!(back.map(Timestamp::unix_seconds), Some(t.unix_seconds()), "{}", s);
        prop_assert_eq!(srp::parse_timestamp(&s).unwrap().unix_seconds(), t.unix_seconds());
    }

    #[test]
    fn zero_padded_day_parses_but_is_not_canonical(secs in -62_135_596_800i64..253_402_300_799) {
        let t = Timestamp::from_unix_seconds(secs);
        let s = srp::format_timestamp(t);
        let fields: Vec<&str> = s.split(' ').collect();
        let padded = format!(
            "{} {} {:0>2} {}",
            fields[0], fields[1], fields[2], fields[3..].join(" ")
        );
        let day: u32 = fields[2].parse().unwrap();
        if day < 10 {
            prop_assert_ne!(&padded, &s);
            prop_assert_eq!(srp::parse_timestamp(&padded).unwrap(), t);
            prop_assert_eq!(srp::canonical_timestamp(&padded).unwrap(), None);
        } else {
            prop_assert_eq!(&padded, &s);
        }
    }
}
