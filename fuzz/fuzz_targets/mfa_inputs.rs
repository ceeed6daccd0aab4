//! The second-factor and device inputs a client controls, on untrusted
//! bytes: a TOTP `SecretCode` (base32), a submitted code, the clock and the
//! last step used, and a `DeviceSecretVerifierConfig` (`PasswordVerifier`,
//! `Salt`). None may panic, and each answer keeps its contract:
//!
//! * base32: whatever decodes re-encodes to the same text once
//!   upper-cased and unpadded, and every key's `SecretCode` decodes back;
//! * `totp::verify` accepts only six ASCII digits equal to the code of step
//!   t−1, t or t+1 (recomputed here with `code_at`), returns that step, and
//!   never a step at or before `last_used_step`;
//! * `parse_device_verifier` accepts only what it documents: a salt of at
//!   most `MAX_DEVICE_SALT_LEN` bytes without a leading zero and a
//!   verifier padded to the group's 384 bytes; a refusal is
//!   `InvalidParameterException`.
//!
//! Input layout: 8 bytes of clock, 1 byte choosing `last_used_step`, then
//! `secret ‖ 0xff ‖ code ‖ 0xff ‖ verifier ‖ 0xff ‖ salt` (lossy UTF-8).
#![no_main]

use libfuzzer_sys::fuzz_target;
use userpool::ErrorCode;
use userpool::internals::srp::{MAX_DEVICE_SALT_LEN, parse_device_verifier};
use userpool::internals::totp::{
    TotpKey, base32_decode, base32_encode, code_at, time_step, verify,
};

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let (clock, rest) = data.split_at(8);
    let now = u64::from_be_bytes(clock.try_into().unwrap_or([0; 8])) % (1 << 40);
    let (&last_sel, rest) = rest.split_first().unwrap_or((&0, &[]));
    let mut fields = rest.splitn(4, |&b| b == 0xff);
    let secret = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
    let submitted = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
    let verifier = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();
    let salt = String::from_utf8_lossy(fields.next().unwrap_or_default()).into_owned();

    // Base32 round trip.
    if let Some(bytes) = base32_decode(&secret) {
        let canonical = secret.trim_end_matches('=').to_ascii_uppercase();
        if base32_encode(&bytes) == canonical {
            assert_eq!(base32_decode(&base32_encode(&bytes)), Some(bytes.clone()));
        }
    }
    let key = TotpKey::from_secret_code(&secret)
        .map(|k| k.expose_secret().to_vec())
        .unwrap_or_else(|| secret.as_bytes().to_vec());

    // TOTP: accepted only as documented.
    let step = time_step(now);
    let last = match last_sel % 4 {
        0 => None,
        1 => step.checked_sub(1),
        2 => Some(step),
        _ => step.checked_add(1),
    };
    match verify(&key, &submitted, now, last) {
        Some(matched) => {
            assert!(submitted.len() == 6 && submitted.bytes().all(|b| b.is_ascii_digit()));
            assert!(
                matched + 1 >= step && matched <= step + 1,
                "{matched} vs {step}"
            );
            assert!(last.is_none_or(|l| matched > l));
            let expected = code_at(&key, matched * 30);
            assert_eq!(submitted.as_bytes(), &expected[..]);
        }
        None => {
            // The right code of a fresh step is never refused.
            if last.is_none() && submitted.as_bytes() == &code_at(&key, now)[..] {
                panic!("the current code was refused");
            }
        }
    }

    // Device verifiers.
    match parse_device_verifier(&verifier, &salt) {
        Ok(v) => {
            assert_eq!(v.v.len(), 384);
            assert!(!v.salt.is_empty() && v.salt.len() <= MAX_DEVICE_SALT_LEN);
            assert_ne!(v.salt[0], 0, "salt is minimal");
        }
        Err(e) => assert_eq!(e.code(), ErrorCode::InvalidParameter),
    }
});
