//! What the server keeps and computes outside the handshake: the salt and
//! verifier of a password (`cognito-protocol.md` §1.4), `SALT`'s hex form
//! (§1.11), `PAD` and `k` (§1.1, §1.2), and the stable simulated identity of
//! a user that does not exist (§1.13).

use std::fmt;

use super::group::{N_LEN, exponent, group, to_fixed_bytes};
use super::hash;
use crate::error::{Error, Result};

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
/// username), byte for byte; `salt` fresh random bytes (`random_salt`).
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
#[cfg(test)]
pub(crate) fn check_password(
    verifier: &Verifier,
    pool_name: &str,
    user_id_for_srp: &str,
    password: &[u8],
) -> bool {
    use subtle::ConstantTimeEq as _;
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
pub(crate) fn random_salt() -> Result<[u8; SALT_LEN]> {
    crate::random::bytes::<SALT_LEN>()
}

/// `SALT` as the challenge must carry it: `hex(salt)`, lowercase, with no
/// leading zeros at all (Java's `BigInteger.toString(16)`), `"0"` for zero.
///
/// Any other form (a leading `00`, say) makes amazon-cognito-identity-js and
/// pycognito derive different `x` (`cognito-protocol.md` §1.11). Never negative.
///
#[must_use]
pub fn salt_hex(salt: &[u8]) -> String {
    minimal_hex(salt)
}

/// `PAD(n)` (`cognito-protocol.md` §1.2) for the non-negative big-endian
/// integer `n`: its minimal big-endian bytes (at least one), with a leading
/// `0x00` when the first byte is `0x80` or more.
#[cfg(test)]
pub(crate) fn pad(n: &[u8]) -> Vec<u8> {
    hash::pad(n)
}

/// The multiplier `k = H(PAD(N) ‖ PAD(g))` as 32 big-endian bytes:
/// `538282c4…9ee6` (`cognito-protocol.md` §1.1), computed on its own for the
/// known-answer test of the one the group uses.
#[cfg(test)]
pub(crate) fn multiplier_k() -> [u8; 32] {
    let n = crate::hex::decode(super::group::N_HEX).unwrap_or_default();
    hash::sha256(&[&hash::pad(&n), &hash::pad(&[super::group::G])])
}

/// The simulated identity for a user that does not exist, under
/// `PreventUserExistenceErrors=ENABLED` (`cognito-protocol.md` §1.13):
/// `(USER_ID_FOR_SRP as a v4-shaped UUID, 16-byte salt, verifier v)`.
///
/// Deterministic: `seed = HMAC-SHA256(secret_key, poolId ‖ 0x00 ‖ username)`,
/// the UUID from its first 16 bytes, the salt from the last 16, and `v` a
/// group element expanded from the seed (HMAC-SHA256 in counter mode to 384
/// bytes, reduced mod N); so the same username always gets the same id and
/// salt, and `B = k·v + g^b` looks like any other. `v` is never shown and no
/// password leads to it, so it need not be a power of `g`: drawing it from a
/// hash costs microseconds, where `g^x` would cost an exponentiation a real
/// user's step does not pay, and time would tell the two apart. Pass the
/// username in the form the pool looks users up by (after case folding),
/// and a key used for nothing else.
#[must_use]
pub(crate) fn fake_user(
    secret_key: &[u8; 32],
    pool_id: &str,
    username: &str,
) -> (String, Vec<u8>, Vec<u8>) {
    let seed = hash::hmac_sha256(secret_key, &[pool_id.as_bytes(), &[0], username.as_bytes()]);
    let (id, salt) = seed.split_at(16);
    let mut id_bytes = [0u8; 16];
    id_bytes.copy_from_slice(id);
    (
        crate::random::format_uuid_v4(id_bytes),
        salt.to_vec(),
        fake_verifier(&seed[..]),
    )
}

/// 384 pseudo-random bytes from `seed`, reduced mod N.
fn fake_verifier(seed: &[u8]) -> Vec<u8> {
    let mut wide = zeroize::Zeroizing::new(Vec::with_capacity(N_LEN + 32));
    let mut counter = 0u8;
    while wide.len() < N_LEN {
        wide.extend_from_slice(&*hash::hmac_sha256(
            seed,
            &[b"userpool fake SRP verifier", &[counter]],
        ));
        counter = counter.wrapping_add(1);
    }
    wide.truncate(N_LEN);
    // 384 bytes are below 2^3072, so `element` always reduces them.
    group()
        .element(&wide)
        .map_or_else(|| wide.to_vec(), |e| to_fixed_bytes(&e).to_vec())
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
