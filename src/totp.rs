//! Time-based one-time passwords for software-token MFA
//! (cognito-mfa-devices-passwordless.md §4.1, §4.2).
//!
//! RFC 6238 with Cognito's parameters: HMAC-SHA1, a 30-second step counted
//! from the Unix epoch (T0 = 0), six digits, RFC 4226 dynamic truncation.
//! A submitted code is accepted at the current step or one step either side
//! ("within 30 seconds before or after"), and [`verify`] returns the step it
//! matched so the caller can store it and refuse that step, or an earlier
//! one, next time: a code is good once.
//!
//! The shared secret is 32 bytes from the OS CSPRNG, handed to the user once
//! as its RFC 4648 base32 form, the `SecretCode` (upper case, no padding,
//! 52 characters). Both forms live in wrappers that print as `[redacted]` and
//! zeroize their memory on drop.
//!
//! SHA-1 is what every authenticator app implements for TOTP; HMAC-SHA1 is
//! not weakened by SHA-1's collision attacks.

use std::fmt;

use ring::hmac;
use subtle::{Choice, ConditionallySelectable as _, ConstantTimeEq as _, CtOption};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::Result;

/// Seconds per time step (RFC 6238 X).
pub const STEP_SECONDS: u64 = 30;

/// Digits in a code.
pub const DIGITS: usize = 6;

/// Bytes of a generated secret: 256 bits, 52 base32 characters.
pub const SECRET_LEN: usize = 32;

/// A TOTP shared secret: the raw HMAC key. Prints as `[redacted]`, zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TotpKey(Vec<u8>);

impl TotpKey {
    /// A fresh [`SECRET_LEN`]-byte secret from the OS CSPRNG.
    ///
    /// # Errors
    /// `InternalErrorException` if the system random number generator fails.
    pub fn generate() -> Result<Self> {
        let bytes = Zeroizing::new(crate::random::bytes::<SECRET_LEN>()?);
        Ok(Self(bytes.to_vec()))
    }

    /// Wraps raw key bytes.
    #[must_use]
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The key behind a `SecretCode` as a client may send it back: RFC 4648
    /// base32, upper or lower case, with or without its `=` padding. `None`
    /// for anything else (see [`base32_decode`]).
    #[must_use]
    pub fn from_secret_code(code: &str) -> Option<Self> {
        base32_decode(code).map(Self)
    }

    /// The `SecretCode` a client is shown: base32, upper case, unpadded.
    #[must_use]
    pub fn secret_code(&self) -> SecretCode {
        SecretCode(base32_encode(&self.0))
    }

    /// The key bytes. Never log or print the result.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpKey([redacted])")
    }
}

/// A TOTP secret in its base32 form, as `AssociateSoftwareToken` returns it.
/// Prints as `[redacted]`, zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretCode(String);

impl SecretCode {
    /// The base32 text. Never log or print the result.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretCode([redacted])")
    }
}

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 §6 base32 of `bytes`: upper case, without `=` padding.
#[must_use]
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &b in bytes {
        buffer = (buffer << 8) | u16::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[usize::from((buffer >> bits) & 0x1f)],
            ));
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[usize::from((buffer << (5 - bits)) & 0x1f)],
        ));
    }
    out
}

/// The 5-bit value of one base32 character, either case.
fn base32_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a'),
        b'2'..=b'7' => Some(c - b'2' + 26),
        _ => None,
    }
}

/// Decodes RFC 4648 §6 base32, upper or lower case. Padding is optional but,
/// when present, must be exactly what the encoder would have written (the
/// text is then a multiple of 8 characters). Refused (`None`): any other
/// character (spaces and hyphens included), a length no encoder produces
/// (1, 3 or 6 characters in the last group) and non-zero unused bits in the
/// last character, so every accepted text is the one encoding of its bytes
/// up to case and padding.
#[must_use]
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let data_len = bytes.len() - bytes.iter().rev().take_while(|&&c| c == b'=').count();
    let (data, padding) = bytes.split_at(data_len);
    let tail = data.len() % 8;
    // An encoder ends a group after 2, 4, 5, 7 or 8 characters (1 to 5 bytes).
    if matches!(tail, 1 | 3 | 6) {
        return None;
    }
    if !padding.is_empty() && (tail == 0 || padding.len() != 8 - tail) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 5 / 8);
    let mut buffer: u16 = 0;
    let mut bits = 0u32;
    for &c in data {
        buffer = (buffer << 5) | u16::from(base32_value(c)?);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            // Truncation to the top byte is the point.
            #[allow(clippy::cast_possible_truncation)]
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    if buffer != 0 {
        out.zeroize();
        return None;
    }
    Some(out)
}

/// The RFC 6238 time step of a Unix time.
#[must_use]
pub const fn time_step(unix_seconds: u64) -> u64 {
    unix_seconds / STEP_SECONDS
}

/// RFC 4226 HOTP of `counter`: HMAC, dynamic truncation, `digits` decimal digits.
fn hotp(key: &hmac::Key, counter: u64, digits: u32) -> u32 {
    let tag = hmac::sign(key, &counter.to_be_bytes());
    let mac = tag.as_ref();
    // SHA-1 gives 20 bytes: the offset (0..=15) leaves four in range.
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        mac[offset] & 0x7f,
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// Six ASCII digits, zero-padded.
fn digits6(mut value: u32) -> [u8; DIGITS] {
    let mut out = [b'0'; DIGITS];
    for slot in out.iter_mut().rev() {
        // `value % 10` is a single digit.
        #[allow(clippy::cast_possible_truncation)]
        {
            *slot = b'0' + (value % 10) as u8;
        }
        value /= 10;
    }
    out
}

fn hmac_key(key: &[u8]) -> hmac::Key {
    hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key)
}

/// The code for the step holding `unix_seconds`, as six ASCII digits.
#[must_use]
pub fn code_at(key: &[u8], unix_seconds: u64) -> [u8; DIGITS] {
    digits6(hotp(&hmac_key(key), time_step(unix_seconds), 6))
}

/// Checks a submitted code at `now_seconds` and returns the time step it
/// matched, or `None`.
///
/// Accepted: exactly six ASCII digits (no sign, space or non-ASCII digit)
/// equal to the code of step t−1, t or t+1, where t is the step of
/// `now_seconds`, and greater than `last_used_step`, the step this key last
/// matched (`None` if it never has). The caller stores the returned step as
/// the new `last_used_step`, so a code cannot be used twice, nor can an
/// earlier step's code be used once a later one has been; that store update
/// must be a compare-and-swap so that two concurrent uses of one code do not
/// both win.
///
/// All three candidates are computed and compared in constant time, without
/// an early exit, so the time taken does not tell which step matched or
/// whether one did. Should two of them match (one chance in a million),
/// the later step is returned.
#[must_use]
pub fn verify(
    key: &[u8],
    submitted: &str,
    now_seconds: u64,
    last_used_step: Option<u64>,
) -> Option<u64> {
    let submitted = submitted.as_bytes();
    if submitted.len() != DIGITS || !submitted.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let key = hmac_key(key);
    let now = time_step(now_seconds);
    let mut matched = CtOption::new(0u64, Choice::from(0));
    for step in [now.checked_sub(1), Some(now), now.checked_add(1)] {
        // Steps before the epoch or past u64 do not exist; that is public.
        let Some(step) = step else { continue };
        let code = digits6(hotp(&key, step, 6));
        let fresh = Choice::from(u8::from(last_used_step.is_none_or(|last| step > last)));
        let hit = code.ct_eq(submitted) & fresh;
        matched = CtOption::new(
            u64::conditional_select(&matched.unwrap_or(0), &step, hit),
            matched.is_some() | hit,
        );
    }
    matched.into()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// RFC 6238 Appendix B's SHA-1 seed, "12345678901234567890" in ASCII.
    const RFC_KEY: &[u8] = b"12345678901234567890";

    fn code_str(key: &[u8], t: u64) -> String {
        String::from_utf8_lossy(&code_at(key, t)).into_owned()
    }

    /// RFC 6238 Appendix B, the SHA-1 rows: eight digits.
    #[test]
    fn rfc6238_appendix_b_sha1_eight_digits() {
        let key = hmac_key(RFC_KEY);
        for (t, expected) in [
            (59u64, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(hotp(&key, time_step(t), 8), expected, "T = {t}");
        }
    }

    /// cognito-mfa-devices-passwordless.md §4.1: the same rows at six digits.
    #[test]
    fn six_digit_vectors_from_the_spec() {
        for (t, expected) in [
            (59u64, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_str(RFC_KEY, t), expected, "T = {t}");
        }
    }

    /// The spec's base32 form of the RFC key (§4.1).
    #[test]
    fn rfc_key_from_its_secret_code() {
        let key = TotpKey::from_secret_code("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(key.as_ref().map(TotpKey::expose_secret), Some(RFC_KEY));
        assert_eq!(base32_encode(RFC_KEY), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }

    /// RFC 4648 §10 base32 vectors (padded there; we encode unpadded).
    #[test]
    fn rfc4648_section10_vectors() {
        for (plain, padded) in [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            let unpadded = padded.trim_end_matches('=');
            assert_eq!(base32_encode(plain.as_bytes()), unpadded);
            for text in [
                padded.to_owned(),
                unpadded.to_owned(),
                padded.to_lowercase(),
            ] {
                assert_eq!(
                    base32_decode(&text).as_deref(),
                    Some(plain.as_bytes()),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn base32_refuses_malformed_text() {
        for text in [
            "M",                // 1 character in the last group
            "MZX",              // 3
            "MZXW6Y",           // 6
            "MY=====",          // short padding
            "MY=======",        // long padding
            "MZXW6YTB========", // padding on a full group
            "=",
            "MY==MY==",  // padding inside
            "MZ",        // non-zero unused bits ("f" is "MY")
            "MZXW 6YTB", // space
            "MZXW-6YTB", // hyphen
            "MZXW1YTB",  // 1 is not in the alphabet
            "MZXW8YTB",  // nor 8
            "MZXW0YTB",  // nor 0
            "MZXWÉYTB",  // non-ASCII
        ] {
            assert_eq!(base32_decode(text), None, "{text:?}");
        }
    }

    #[test]
    fn generated_secrets_are_52_upper_case_characters() {
        let Ok(key) = TotpKey::generate() else {
            panic!("the OS RNG failed");
        };
        assert_eq!(key.expose_secret().len(), SECRET_LEN);
        let code = key.secret_code();
        assert_eq!(code.expose_secret().len(), 52);
        assert!(
            code.expose_secret()
                .bytes()
                .all(|c| c.is_ascii_uppercase() || (b'2'..=b'7').contains(&c))
        );
        let Ok(other) = TotpKey::generate() else {
            panic!("the OS RNG failed");
        };
        assert_ne!(key.expose_secret(), other.expose_secret());
    }

    #[test]
    fn debug_shows_nothing_of_the_secret() {
        let key = TotpKey::from_bytes(RFC_KEY.to_vec());
        assert_eq!(format!("{key:?}"), "TotpKey([redacted])");
        assert_eq!(format!("{:?}", key.secret_code()), "SecretCode([redacted])");
    }

    #[test]
    fn window_is_one_step_either_side() {
        let now = 1_234_567_890; // step 41_152_263
        let t = time_step(now);
        for (offset, accepted) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let at = now.wrapping_add_signed(offset * 30);
            let code = code_str(RFC_KEY, at);
            let expected = accepted.then(|| t.wrapping_add_signed(offset));
            assert_eq!(
                verify(RFC_KEY, &code, now, None),
                expected,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn window_edges_in_seconds() {
        // Step 2 is [60, 90): its code works from 30 s to 119 s.
        let code = code_str(RFC_KEY, 60);
        assert_eq!(verify(RFC_KEY, &code, 29, None), None);
        assert_eq!(verify(RFC_KEY, &code, 30, None), Some(2));
        assert_eq!(verify(RFC_KEY, &code, 119, None), Some(2));
        assert_eq!(verify(RFC_KEY, &code, 120, None), None);
    }

    #[test]
    fn step_zero_has_no_previous_step() {
        let code = code_str(RFC_KEY, 0);
        assert_eq!(verify(RFC_KEY, &code, 0, None), Some(0));
        assert_eq!(verify(RFC_KEY, &code_str(RFC_KEY, 30), 0, None), Some(1));
        assert_eq!(verify(RFC_KEY, &code_str(RFC_KEY, 60), 0, None), None);
    }

    #[test]
    fn the_last_steps_of_time_are_checked_without_overflow() {
        let now = u64::MAX;
        let t = time_step(now);
        let code = code_str(RFC_KEY, now);
        assert_eq!(verify(RFC_KEY, &code, now, None), Some(t));
        assert_eq!(verify(RFC_KEY, &code, now, Some(t)), None);
    }

    #[test]
    fn a_used_step_and_earlier_ones_are_refused() {
        let now = 2_000_000_000;
        let t = time_step(now);
        let current = code_str(RFC_KEY, now);
        let previous = code_str(RFC_KEY, now - 30);
        let next = code_str(RFC_KEY, now + 30);
        assert_eq!(verify(RFC_KEY, &current, now, None), Some(t));
        // The same code again: refused.
        assert_eq!(verify(RFC_KEY, &current, now, Some(t)), None);
        // An earlier step's code, still inside the window: refused.
        assert_eq!(verify(RFC_KEY, &previous, now, Some(t)), None);
        // A later one: accepted.
        assert_eq!(verify(RFC_KEY, &next, now, Some(t)), Some(t + 1));
        // A used t−1 leaves t and t+1 open.
        assert_eq!(verify(RFC_KEY, &previous, now, Some(t - 1)), None);
        assert_eq!(verify(RFC_KEY, &current, now, Some(t - 1)), Some(t));
        // A last step far in the past changes nothing.
        assert_eq!(verify(RFC_KEY, &current, now, Some(0)), Some(t));
    }

    #[test]
    fn malformed_codes_are_refused() {
        let now = 59;
        assert_eq!(verify(RFC_KEY, "287082", now, None), Some(1));
        for code in [
            "",
            "28708",
            "2870820",
            "94287082",
            " 287082",
            "287082 ",
            "28708a",
            "+87082",
            "-87082",
            "２８７０８２",
            "٢٨٧٠٨٢",
            "28708\u{0662}",
            "287 082",
        ] {
            assert_eq!(verify(RFC_KEY, code, now, None), None, "{code:?}");
        }
    }

    #[test]
    fn a_wrong_code_is_refused() {
        assert_eq!(verify(RFC_KEY, "287083", 59, None), None);
        assert_eq!(verify(b"another key", "287082", 59, None), None);
    }

    proptest! {
        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let text = base32_encode(&bytes);
            prop_assert_eq!(text.len(), (bytes.len() * 8).div_ceil(5));
            prop_assert_eq!(base32_decode(&text), Some(bytes.clone()));
            prop_assert_eq!(base32_decode(&text.to_lowercase()), Some(bytes.clone()));
            let padded = format!("{text}{}", "=".repeat((8 - text.len() % 8) % 8));
            prop_assert_eq!(base32_decode(&padded), Some(bytes));
        }

        #[test]
        fn base32_decode_never_panics(text in "\\PC{0,40}") {
            if let Some(bytes) = base32_decode(&text) {
                prop_assert_eq!(
                    base32_encode(&bytes),
                    text.trim_end_matches('=').to_ascii_uppercase()
                );
            }
        }

        #[test]
        fn a_code_verifies_at_its_own_time(
            key in proptest::collection::vec(any::<u8>(), 1..64),
            now in any::<u64>(),
        ) {
            let code = code_at(&key, now);
            prop_assert!(code.iter().all(u8::is_ascii_digit));
            let Ok(code) = std::str::from_utf8(&code) else {
                return Err(TestCaseError::fail("not UTF-8"));
            };
            let t = time_step(now);
            // A collision with a neighbouring step (one in a million) may match it first.
            let matched = verify(&key, code, now, None);
            prop_assert!(matched.is_some_and(|s| s.abs_diff(t) <= 1));
            prop_assert_eq!(verify(&key, code, now, matched), None);
        }
    }
}
