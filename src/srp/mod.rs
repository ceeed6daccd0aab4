//! Cognito's SRP-6a variant ("Caldera"), as pure functions: no store, no pool,
//! no clock; secrets and salts are passed in (`cognito-protocol.md` §1).
//!
//! * Group: the RFC 5054 3072-bit prime [`N_HEX`], generator [`G`] `= 2`,
//!   multiplier `k = H(PAD(N) ‖ PAD(g))` ([`multiplier_k`]); SHA-256 throughout.
//! * At every password set the server stores a [`Verifier`]
//!   ([`compute_verifier`]): a 16-byte salt and `v = g^x`,
//!   `x = H(PAD(salt) ‖ H(poolName ‖ userIdForSrp ‖ ":" ‖ password))`.
//! * `InitiateAuth` (`USER_SRP_AUTH`): [`server_challenge`] parses `SRP_A`
//!   and computes `B`; the caller seals [`HandshakeState::to_bytes`] into the
//!   `SECRET_BLOCK` and answers `SALT` = [`salt_hex`], `SRP_B` =
//!   [`ServerChallenge::srp_b`].
//! * `RespondToAuthChallenge` (`PASSWORD_VERIFIER`): the caller unseals the
//!   block, [`HandshakeState::from_bytes`], checks the `TIMESTAMP` with
//!   [`canonical_timestamp`] and its skew, then [`verify_claim`] recomputes
//!   `S`, `K` and the HMAC and compares in constant time.
//! * Unknown users under `PreventUserExistenceErrors=ENABLED` get a stable
//!   simulated identity from [`fake_user`] (§1.13).
//! * [`client`] is the client side, for tests, benchmarks and examples.
//!
//! Arithmetic is constant time (crypto-bigint's `BoxedMontyForm`); secrets
//! (`b`, `x`, `S`, `K`) live in zeroizing buffers and no `Debug` prints them.

pub mod client;
mod group;
mod hash;
#[doc(hidden)]
pub mod kat;
mod server;
mod timestamp;

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod vector_tests;

use std::fmt;

use subtle::ConstantTimeEq as _;

pub use group::{G, N_HEX};
pub use server::{
    HandshakeState, MAX_SECRET_LEN, MIN_SECRET_LEN, SECRET_LEN, ServerChallenge,
    expected_signature, parse_srp_a, server_challenge, server_challenge_random, verify_claim,
};
pub use timestamp::{
    TIMESTAMP_FORMAT_MESSAGE, canonical_timestamp, format_timestamp, parse_timestamp,
};

use crate::error::{Error, Result};
use group::{N_LEN, exponent, group, to_fixed_bytes};

/// The salt length Cognito uses, in bytes (128 bits; `cognito-protocol.md` §1.4).
pub const SALT_LEN: usize = 16;

/// The most significant hex digits accepted in `SRP_A`, `SRP_B` or `SALT`:
/// the 768 digits of `N`.
pub const MAX_HEX_DIGITS: usize = 2 * N_LEN;

/// What the server stores for SRP: the salt and the verifier `v = g^x mod N`.
///
/// `v` is as good as a password hash made with one round of SHA-256: keep it
/// secret (sealed at rest). `Debug` shows the salt and redacts `v`.
#[derive(Clone)]
pub struct Verifier {
    /// The salt, big-endian bytes of the salt integer (16 random bytes).
    pub salt: Vec<u8>,
    /// `v = g^x mod N`, big-endian, always 384 bytes.
    pub v: Vec<u8>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("salt", &salt_hex(&self.salt))
            .field("v", &"[redacted]")
            .finish()
    }
}

/// The verifier for a password (`cognito-protocol.md` §1.4):
/// `x = H(PAD(salt) ‖ H(UTF8(poolName ‖ userIdForSrp ‖ ":" ‖ password)))`,
/// `v = g^x mod N`.
///
/// `pool_name` is the part of the pool id after the `_`; `user_id_for_srp`
/// the exact string the server will return as `USER_ID_FOR_SRP` (the internal
/// username), byte for byte; `salt` fresh random bytes ([`random_salt`]).
#[must_use]
pub fn compute_verifier(
    pool_name: &str,
    user_id_for_srp: &str,
    password: &[u8],
    salt: &[u8],
) -> Verifier {
    let x = hash::private_x(pool_name, user_id_for_srp, password, salt);
    Verifier {
        salt: salt.to_vec(),
        v: verifier_from_x(&x),
    }
}

/// Whether `password` is the one `verifier` was computed from (for
/// `USER_PASSWORD_AUTH`-style checks against the SRP verifier): recomputes
/// `v` with the stored salt and compares in constant time.
#[must_use]
pub fn check_password(
    verifier: &Verifier,
    pool_name: &str,
    user_id_for_srp: &str,
    password: &[u8],
) -> bool {
    let candidate = compute_verifier(pool_name, user_id_for_srp, password, &verifier.salt);
    let stored = hash::trim(&verifier.v);
    let mut fixed = vec![0u8; N_LEN.saturating_sub(stored.len())];
    fixed.extend_from_slice(stored);
    bool::from(candidate.v.ct_eq(&fixed))
}

/// A fresh random salt of [`SALT_LEN`] bytes.
///
/// # Errors
///
/// `InternalErrorException` if the random number generator fails.
pub fn random_salt() -> Result<[u8; SALT_LEN]> {
    crate::random::bytes::<SALT_LEN>()
}

/// `SALT` as the challenge must carry it: `hex(salt)`, lowercase, with no
/// leading zeros at all (Java's `BigInteger.toString(16)`), `"0"` for zero.
///
/// Any other form (a leading `00`, say) makes amazon-cognito-identity-js and
/// pycognito derive different `x` (`cognito-protocol.md` §1.11). Never negative.
///
/// ```
/// assert_eq!(userpool::srp::salt_hex(&[0x00, 0x0a, 0xbc]), "abc");
/// assert_eq!(userpool::srp::salt_hex(&[0xf0, 0x01]), "f001");
/// assert_eq!(userpool::srp::salt_hex(&[0, 0]), "0");
/// ```
#[must_use]
pub fn salt_hex(salt: &[u8]) -> String {
    minimal_hex(salt)
}

/// `PAD(n)` (`cognito-protocol.md` §1.2) for the non-negative big-endian
/// integer `n`: its minimal big-endian bytes (at least one), with a leading
/// `0x00` when the first byte is `0x80` or more.
///
/// ```
/// use userpool::srp::pad;
/// assert_eq!(pad(&[0x14]), [0x14]);
/// assert_eq!(pad(&[0xec]), [0x00, 0xec]);
/// assert_eq!(pad(&[0x00, 0x0f]), [0x0f]);
/// ```
#[must_use]
pub fn pad(n: &[u8]) -> Vec<u8> {
    hash::pad(n)
}

/// The multiplier `k = H(PAD(N) ‖ PAD(g))` as 32 big-endian bytes:
/// `538282c4…9ee6` (`cognito-protocol.md` §1.1).
#[must_use]
pub fn multiplier_k() -> [u8; 32] {
    group().k_bytes()
}

/// The simulated identity for a user that does not exist, under
/// `PreventUserExistenceErrors=ENABLED` (`cognito-protocol.md` §1.13):
/// `(USER_ID_FOR_SRP as a v4-shaped UUID, 16-byte salt, verifier v)`.
///
/// Deterministic: `seed = HMAC-SHA256(secret_key, poolId ‖ 0x00 ‖ username)`,
/// the UUID from its first 16 bytes, the salt from the last 16, and
/// `v = g^x` with `x = HMAC-SHA256(seed, "userpool fake SRP verifier")`; so the
/// same username always gets the same id and salt, and `B` looks like any
/// other. Pass the username in the form the pool looks users up by (after
/// case folding), and a key used for nothing else.
#[must_use]
pub fn fake_user(
    secret_key: &[u8; 32],
    pool_id: &str,
    username: &str,
) -> (String, Vec<u8>, Vec<u8>) {
    let seed = hash::hmac_sha256(secret_key, &[pool_id.as_bytes(), &[0], username.as_bytes()]);
    let (id, salt) = seed.split_at(16);
    let mut id_bytes = [0u8; 16];
    id_bytes.copy_from_slice(id);
    let x = hash::hmac_sha256(&seed[..], &[b"userpool fake SRP verifier"]);
    (
        crate::random::format_uuid_v4(id_bytes),
        salt.to_vec(),
        verifier_from_x(&x),
    )
}

/// `g^x mod N`, 384 big-endian bytes, for a 32-byte `x`.
fn verifier_from_x(x: &[u8; 32]) -> Vec<u8> {
    let x = zeroize::Zeroizing::new(exponent(x));
    to_fixed_bytes(&group().pow_g(&x)).to_vec()
}

/// Lowercase hex of the big-endian integer `be` with no leading zero digit
/// (`"0"` for zero): Java's `BigInteger.toString(16)`.
pub(crate) fn minimal_hex(be: &[u8]) -> String {
    let digits = crate::hex::encode(hash::trim(be));
    match digits.strip_prefix('0') {
        Some(rest) => rest.to_owned(),
        None if digits.is_empty() => "0".to_owned(),
        None => digits,
    }
}

/// Parses a hex integer from the wire (`SRP_A`, `SRP_B`, `SALT`): either case,
/// leading zeros allowed, odd length allowed, at most [`MAX_HEX_DIGITS`]
/// significant digits. Returns minimal big-endian bytes (empty for zero).
pub(crate) fn parse_hex_integer(s: &str, name: &str) -> Result<Vec<u8>> {
    if s.is_empty() {
        return Err(Error::invalid_parameter(format!(
            "Missing required parameter {name}"
        )));
    }
    if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::invalid_parameter(format!(
            "{name} is not a hexadecimal integer."
        )));
    }
    let digits = s.trim_start_matches('0');
    if digits.len() > MAX_HEX_DIGITS {
        return Err(Error::invalid_parameter(format!(
            "{name} is larger than the group modulus."
        )));
    }
    let even = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_owned()
    };
    crate::hex::decode(&even)
        .ok_or_else(|| Error::invalid_parameter(format!("{name} is not a hexadecimal integer.")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn salt_hex_is_minimal() {
        assert_eq!(salt_hex(&[0x21, 0xc6]), "21c6");
        assert_eq!(salt_hex(&[0x00, 0x21, 0xc6]), "21c6");
        assert_eq!(salt_hex(&[0x0f, 0xff]), "fff");
        assert_eq!(salt_hex(&[0xa2, 0x44]), "a244");
        assert_eq!(salt_hex(&[]), "0");
        assert_eq!(salt_hex(&[0]), "0");
    }

    #[test]
    fn hex_integers_parse_leniently_but_bounded() {
        assert_eq!(parse_hex_integer("fff", "X").unwrap(), [0x0f, 0xff]);
        assert_eq!(parse_hex_integer("00FfF", "X").unwrap(), [0x0f, 0xff]);
        assert!(parse_hex_integer("0", "X").unwrap().is_empty());
        let e = parse_hex_integer("", "SRP_A").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParameter);
        assert_eq!(e.message(), "Missing required parameter SRP_A");
        for bad in ["g", "0x1", "+1", "1 ", "é"] {
            assert_eq!(
                parse_hex_integer(bad, "X").unwrap_err().code(),
                ErrorCode::InvalidParameter
            );
        }
        assert!(parse_hex_integer(&"f".repeat(768), "X").is_ok());
        assert!(parse_hex_integer(&format!("000{}", "f".repeat(768)), "X").is_ok());
        assert!(parse_hex_integer(&"f".repeat(769), "X").is_err());
    }

    #[test]
    fn verifier_checks_the_password_and_hides_v() {
        let verifier = compute_verifier("Pool", "bob", b"secret", &[1; 16]);
        assert_eq!(verifier.v.len(), N_LEN);
        assert!(check_password(&verifier, "Pool", "bob", b"secret"));
        assert!(!check_password(&verifier, "Pool", "bob", b"secreT"));
        assert!(!check_password(&verifier, "Pool", "Bob", b"secret"));
        assert!(!check_password(&verifier, "Pool2", "bob", b"secret"));
        let shown = format!("{verifier:?}");
        assert!(shown.contains("[redacted]"));
        assert!(!shown.contains(&crate::hex::encode(&verifier.v[..8])));
    }

    #[test]
    fn fake_users_are_stable_and_distinct() {
        let key = [42u8; 32];
        let (id, salt, v) = fake_user(&key, "us-east-1_AbC", "ghost");
        assert_eq!(
            fake_user(&key, "us-east-1_AbC", "ghost"),
            (id.clone(), salt.clone(), v.clone())
        );
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(salt.len(), SALT_LEN);
        assert_eq!(v.len(), N_LEN);
        let other = fake_user(&key, "us-east-1_AbC", "ghost2");
        assert_ne!(other.0, id);
        assert_ne!(other.1, salt);
        // The separator keeps (pool, user) pairs apart.
        assert_ne!(fake_user(&key, "us-east-1_AbCg", "host").0, id);
        assert_ne!(fake_user(&[43; 32], "us-east-1_AbC", "ghost").0, id);
        // A fake verifier works like any other: B is computable.
        assert!(server_challenge(&v, &[5; 32], "02").unwrap().is_some());
    }
}
