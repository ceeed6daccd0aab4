//! The byte-level pieces of Cognito's SRP: `PAD`, `x`, `u`, the "Caldera"
//! HKDF and the claim signature (`cognito-protocol.md` §1.2–§1.8).

use ring::{digest, hmac};
use zeroize::Zeroizing;

/// The HKDF info string, followed by the counter byte of the single output block
/// (`cognito-protocol.md` §1.7).
const CALDERA_INFO: &[u8] = b"Caldera Derived Key\x01";

/// Length of the derived key `K`.
pub(crate) const KEY_LEN: usize = 16;

/// SHA-256 over the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for part in parts {
        ctx.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// HMAC-SHA256 with `key` over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    for part in parts {
        ctx.update(part);
    }
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(ctx.sign().as_ref());
    out
}

/// `be` without its leading zero bytes (empty for zero).
pub(crate) fn trim(be: &[u8]) -> &[u8] {
    let start = be.iter().position(|&b| b != 0).unwrap_or(be.len());
    be.get(start..).unwrap_or_default()
}

/// `PAD(n)` for the non-negative big-endian integer `be` (`cognito-protocol.md` §1.2):
/// the minimal big-endian magnitude (at least one byte), with a leading `0x00`
/// when the first byte is `0x80` or more — Java's `BigInteger.toByteArray()`.
pub(crate) fn pad(be: &[u8]) -> Vec<u8> {
    let minimal = trim(be);
    match minimal.first() {
        None => vec![0],
        Some(&first) if first >= 0x80 => {
            let mut out = Vec::with_capacity(minimal.len() + 1);
            out.push(0);
            out.extend_from_slice(minimal);
            out
        }
        Some(_) => minimal.to_vec(),
    }
}

/// `H(UTF8(poolName ‖ userIdForSrp ‖ ":" ‖ password))` (`cognito-protocol.md` §1.4 step 2).
pub(crate) fn inner(
    pool_name: &str,
    user_id_for_srp: &str,
    password: &[u8],
) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(sha256(&[
        pool_name.as_bytes(),
        user_id_for_srp.as_bytes(),
        b":",
        password,
    ]))
}

/// `x = H(PAD(salt) ‖ inner)` (`cognito-protocol.md` §1.4 step 3); `salt` is the
/// big-endian integer (leading zeros do not matter: PAD removes them).
pub(crate) fn private_x(
    pool_name: &str,
    user_id_for_srp: &str,
    password: &[u8],
    salt: &[u8],
) -> Zeroizing<[u8; 32]> {
    let inner = inner(pool_name, user_id_for_srp, password);
    Zeroizing::new(sha256(&[&pad(salt), &inner[..]]))
}

/// `u = H(PAD(A) ‖ PAD(B))` (`cognito-protocol.md` §1.6 step 3).
pub(crate) fn scrambler(a: &[u8], b: &[u8]) -> [u8; 32] {
    sha256(&[&pad(a), &pad(b)])
}

/// The HKDF-SHA256 pseudo-random key: `HMAC(key = PAD(u), msg = PAD(S))`
/// (`cognito-protocol.md` §1.7: the HKDF salt is `PAD(u)`, the input key material `PAD(S)`).
pub(crate) fn prk(u: &[u8], s: &[u8]) -> Zeroizing<[u8; 32]> {
    let padded_s = Zeroizing::new(pad(s));
    hmac_sha256(&pad(u), &[&padded_s])
}

/// `K`: the first 16 bytes of `HMAC(PRK, "Caldera Derived Key" ‖ 0x01)` (`cognito-protocol.md` §1.7).
pub(crate) fn session_key(u: &[u8], s: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
    let prk = prk(u, s);
    let okm = hmac_sha256(&prk[..], &[CALDERA_INFO]);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(&okm[..KEY_LEN]);
    key
}

/// `HMAC(K, poolName ‖ userIdForSrp ‖ secretBlockBytes ‖ TIMESTAMP)` (`cognito-protocol.md` §1.8).
pub(crate) fn claim_signature(
    key: &[u8; KEY_LEN],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> Zeroizing<[u8; 32]> {
    hmac_sha256(
        key,
        &[
            pool_name.as_bytes(),
            user_id_for_srp.as_bytes(),
            secret_block,
            timestamp.as_bytes(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_follows_the_acijs_examples() {
        // cognito-protocol.md §1.2, from ACIJS padHex's comments.
        assert_eq!(pad(&[0x14]), [0x14]);
        assert_eq!(pad(&[0xEC]), [0x00, 0xEC]);
        assert_eq!(pad(&[0x80]), [0x00, 0x80]);
        assert_eq!(pad(&[0x0F]), [0x0F]);
        assert_eq!(pad(&[0x38]), [0x38]);
        assert_eq!(pad(&[0xC8]), [0x00, 0xC8]);
    }

    #[test]
    fn pad_removes_leading_zeros_and_keeps_one_byte_for_zero() {
        assert_eq!(pad(&[0, 0, 0x14]), [0x14]);
        assert_eq!(pad(&[0, 0x80, 0]), [0x00, 0x80, 0x00]);
        assert_eq!(pad(&[]), [0x00]);
        assert_eq!(pad(&[0, 0]), [0x00]);
    }

    #[test]
    fn trim_strips_only_leading_zeros() {
        assert_eq!(trim(&[0, 0, 1, 0]), [1, 0]);
        assert!(trim(&[0, 0]).is_empty());
        assert!(trim(&[]).is_empty());
    }
}
