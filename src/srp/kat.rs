//! Intermediate values of the handshake, exposed for known-answer tests
//! (`vector_tests.rs`, `cognito-protocol.md` §1.16) and nothing else.
//!
//! These functions hand out secrets (`x`, `S`, `K`) in plain buffers: never
//! call them outside tests. They are hidden from the documentation and are
//! not part of the crate's stable API.

use super::client::SrpClient;
use super::hash;
use super::server::{HandshakeState, premaster_secret};
use crate::error::Result;

/// `H(UTF8(poolName ‖ userIdForSrp ‖ ":" ‖ password))` (§1.4 step 2).
#[must_use]
pub(crate) fn inner(pool_name: &str, user_id_for_srp: &str, password: &[u8]) -> [u8; 32] {
    *hash::inner(pool_name, user_id_for_srp, password)
}

/// `x = H(PAD(salt) ‖ inner)` (§1.4 step 3).
#[must_use]
pub(crate) fn x(pool_name: &str, user_id_for_srp: &str, password: &[u8], salt: &[u8]) -> [u8; 32] {
    *hash::private_x(pool_name, user_id_for_srp, password, salt)
}

/// `u = H(PAD(A) ‖ PAD(B))` for big-endian `A` and `B` (§1.6 step 3).
#[must_use]
pub(crate) fn u(a: &[u8], b: &[u8]) -> [u8; 32] {
    hash::scrambler(a, b)
}

/// The server's `S = (A · v^u)^b mod N`, 384 big-endian bytes (§1.7).
///
/// # Errors
///
/// `InternalErrorException` when `v` is not a verifier.
pub(crate) fn server_s(state: &HandshakeState, v: &[u8]) -> Result<Vec<u8>> {
    Ok(premaster_secret(state, v)?.to_vec())
}

/// The client's `S = (B − k·g^x)^(a + u·x) mod N`, 384 big-endian bytes (§1.6 step 5).
///
/// # Errors
///
/// As [`SrpClient::process_challenge`].
pub(crate) fn client_s(
    client: &SrpClient,
    pool_name: &str,
    user_id_for_srp: &str,
    password: &[u8],
    salt_hex: &str,
    srp_b_hex: &str,
) -> Result<Vec<u8>> {
    let (_, s) =
        client.premaster_secret(pool_name, user_id_for_srp, password, salt_hex, srp_b_hex)?;
    Ok(s.to_vec())
}

/// The HKDF pseudo-random key `HMAC(PAD(u), PAD(S))` (§1.7).
#[must_use]
pub(crate) fn prk(u: &[u8], s: &[u8]) -> [u8; 32] {
    *hash::prk(u, s)
}

/// The 16-byte key `K` (§1.7).
#[must_use]
pub(crate) fn session_key(u: &[u8], s: &[u8]) -> [u8; 16] {
    *hash::session_key(u, s)
}
