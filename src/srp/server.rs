//! The server's two steps (`cognito-protocol.md` §1.5, §1.7–§1.9).
//!
//! ```text
//!  InitiateAuth (SRP_A)                      RespondToAuthChallenge (PASSWORD_VERIFIER)
//!  ────────────────────                      ─────────────────────────────────────────
//!  server_challenge(v, b, SRP_A)             HandshakeState::from_bytes(unsealed)
//!    parse A, refuse A mod N == 0              │
//!    B = k·v + g^b        (fixed-base table)   verify_claim(state, v, poolName, userIdForSrp,
//!    u = H(PAD(A) ‖ PAD(B))                                 secretBlockBytes, TIMESTAMP, signature)
//!    └─ ServerChallenge { B, HandshakeState {b, A, u} }       S = (A · v^u)^b       (two modexps)
//!          │                                                 K = HKDF(PAD(u), PAD(S))
//!          └─ state.to_bytes() → seal into SECRET_BLOCK ─────▶ HMAC(K, …) == signature ?
//! ```
//!
//! Step 1 does the cheap part (one fixed-base power, about a fifth of a
//! modular exponentiation), so a flood of `InitiateAuth` calls, including the
//! simulated ones for unknown users, costs little. Step 2 does the two full
//! exponentiations, and only for a secret block the server itself sealed.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::group::{ElementBytes, N_LEN, exponent, group, to_fixed_bytes};
use super::{hash, parse_hex_integer};
use crate::error::{Error, Result};

/// The shortest ephemeral secret `b` accepted, in bytes (256 bits).
pub(crate) const MIN_SECRET_LEN: usize = 32;

/// The longest ephemeral secret `b` accepted, in bytes (3072 bits).
pub(crate) const MAX_SECRET_LEN: usize = N_LEN;

/// The ephemeral secret length [`server_challenge_random`] draws: 256 bits,
/// the width the fixed-base table and crypto-bigint's `pow` are fastest at.
pub(crate) const SECRET_LEN: usize = MIN_SECRET_LEN;

/// Format version of [`HandshakeState::to_bytes`].
const STATE_VERSION: u8 = 1;

/// What step 1 hands to step 2: the ephemeral secret `b`, the client's `A`
/// and the scrambler `u`.
///
/// It holds `b`, so it must only ever leave the process sealed (AEAD under a
/// server key) inside the `SECRET_BLOCK`, together with whatever binds it to
/// its pool, app client, user and issue time. `B` is not kept: `u` is all
/// step 2 needs from it. The verifier `v` is not kept either: step 2 reads it
/// from the store again, so a password changed in between fails the claim.
///
/// `Debug` prints only public values; `b` zeroizes on drop.
#[derive(Clone)]
pub struct HandshakeState {
    b: Zeroizing<Vec<u8>>,
    /// `A` as the client sent it (minimal big-endian, not reduced mod N).
    a: Vec<u8>,
    u: [u8; 32],
}

impl fmt::Debug for HandshakeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandshakeState")
            .field("b", &"[redacted]")
            .field("a_len", &self.a.len())
            .field("u", &crate::hex::encode(&self.u))
            .finish()
    }
}

impl HandshakeState {
    /// The state as bytes, to be sealed into the `SECRET_BLOCK`:
    /// `0x01 ‖ u (32) ‖ len(b) (u16 big-endian) ‖ b ‖ A (minimal big-endian)`,
    /// at most 803 bytes.
    ///
    /// The result contains `b` in clear: seal it, never send it as is.
    #[must_use]
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(1 + 32 + 2 + self.b.len() + self.a.len()));
        out.push(STATE_VERSION);
        out.extend_from_slice(&self.u);
        // b is at most MAX_SECRET_LEN (384) bytes, so its length fits in two bytes.
        let b_len = u16::try_from(self.b.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&b_len.to_be_bytes());
        out.extend_from_slice(&self.b);
        out.extend_from_slice(&self.a);
        out
    }

    /// Parses what [`HandshakeState::to_bytes`] produced (after unsealing).
    ///
    /// # Errors
    ///
    /// `NotAuthorizedException` (`Incorrect username or password.`) for
    /// anything else: an unknown version, a wrong length, a `b` outside
    /// [`MIN_SECRET_LEN`]`..=`[`MAX_SECRET_LEN`] bytes, an `A` that is not
    /// minimal, longer than `N` or `0 mod N`, or `u == 0`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let malformed = || Error::not_authorized("Incorrect username or password.");
        let (&version, rest) = bytes.split_first().ok_or_else(malformed)?;
        if version != STATE_VERSION {
            return Err(malformed());
        }
        let (u, rest) = rest.split_first_chunk::<32>().ok_or_else(malformed)?;
        let (b_len, rest) = rest.split_first_chunk::<2>().ok_or_else(malformed)?;
        let b_len = usize::from(u16::from_be_bytes(*b_len));
        if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&b_len) || rest.len() < b_len {
            return Err(malformed());
        }
        let (b, a) = rest.split_at(b_len);
        let minimal = a.first().is_some_and(|&first| first != 0);
        if !minimal || a.len() > N_LEN || group().is_zero_mod_n_vartime(a) || u == &[0; 32] {
            return Err(malformed());
        }
        Ok(Self {
            b: Zeroizing::new(b.to_vec()),
            a: a.to_vec(),
            u: *u,
        })
    }

    /// The client's public value `A`, minimal big-endian, as it was sent.
    #[cfg(test)]
    pub(crate) fn public_a(&self) -> &[u8] {
        &self.a
    }

    /// The scrambler `u = H(PAD(A) ‖ PAD(B))`.
    #[cfg(test)]
    pub(crate) fn u(&self) -> &[u8; 32] {
        &self.u
    }
}

/// The result of step 1: the server's public value `B` for the challenge
/// parameters and the [`HandshakeState`] to seal into the `SECRET_BLOCK`.
#[derive(Clone, Debug)]
pub struct ServerChallenge {
    /// `B`, minimal big-endian.
    b_public: Vec<u8>,
    state: HandshakeState,
}

impl ServerChallenge {
    /// `SRP_B`: `hex(B)`, lowercase, no leading zeros, as Cognito sends it
    /// (`cognito-protocol.md` §1.11).
    #[must_use]
    pub fn srp_b(&self) -> String {
        super::minimal_hex(&self.b_public)
    }

    /// `B`, minimal big-endian.
    #[cfg(test)]
    pub(crate) fn public_b(&self) -> &[u8] {
        &self.b_public
    }

    /// The state step 2 needs.
    #[must_use]
    pub fn state(&self) -> &HandshakeState {
        &self.state
    }

    /// The state step 2 needs, by value.
    #[cfg(test)]
    pub(crate) fn into_state(self) -> HandshakeState {
        self.state
    }
}

/// Parses `SRP_A` (`cognito-protocol.md` §1.5 step 3, §1.12): hex in either
/// case, leading zeros allowed, at most 768 significant digits, and not
/// `0 mod N`. Returns `A` as minimal big-endian bytes.
///
/// # Errors
///
/// `InvalidParameterException` for an empty, non-hex or overlong value, and
/// for `A mod N == 0`.
pub(crate) fn parse_srp_a(srp_a: &str) -> Result<Vec<u8>> {
    let a = parse_hex_integer(srp_a, "SRP_A")?;
    // RFC 5054 §2.5.4 / cognito-protocol.md §1.5: refuse A ≡ 0 before any maths.
    if group().is_zero_mod_n_vartime(&a) {
        return Err(Error::invalid_parameter("SRP_A must not be 0 mod N."));
    }
    Ok(a)
}

/// Step 1 of `USER_SRP_AUTH`: parses `SRP_A`, computes `B = (k·v + g^b) mod N`
/// and `u`, and returns the challenge, or `None` in the negligible case
/// (`B mod N == 0` or `u == 0`) where the caller must draw a new `b` and call
/// again (`cognito-protocol.md` §1.5 step 5; clients refuse such a `B`).
///
/// `v` is the stored verifier (big-endian, as [`super::Verifier::v`]). `b` is
/// the ephemeral secret, `MIN_SECRET_LEN``..=``MAX_SECRET_LEN` random
/// bytes: pass 32 (a 256-bit `b` takes the fast fixed-base path); the §1.16
/// known-answer vector uses 128. [`server_challenge_random`] draws it for you.
///
/// # Errors
///
/// * `InvalidParameterException` when `SRP_A` is empty, not hex, longer than
///   `N` or `0 mod N` (checked first, before any arithmetic);
/// * `InternalErrorException` when `b` has the wrong length or `v` is not a
///   verifier (zero, or not below `N`).
pub fn server_challenge(v: &[u8], b: &[u8], srp_a: &str) -> Result<Option<ServerChallenge>> {
    let a = parse_srp_a(srp_a)?;
    if !(MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&b.len()) {
        return Err(Error::internal(
            "The SRP ephemeral secret has the wrong length.",
        ));
    }
    let grp = group();
    let v = verifier_element(v)?;
    let b_exp = Zeroizing::new(exponent(b));
    let g_b = Zeroizing::new(grp.pow_g(&b_exp));
    let big_b = grp.k().mul(&v).add(&g_b);
    let b_bytes = to_fixed_bytes(&big_b);
    let b_public = hash::trim(&b_bytes).to_vec();
    if b_public.is_empty() {
        return Ok(None);
    }
    let u = hash::scrambler(&a, &b_public);
    if u == [0; 32] {
        return Ok(None);
    }
    Ok(Some(ServerChallenge {
        b_public,
        state: HandshakeState {
            b: Zeroizing::new(b.to_vec()),
            a,
            u,
        },
    }))
}

/// [`server_challenge`] with a fresh 256-bit `b` from the operating system's
/// generator, drawn again in the negligible case that calls for it.
///
/// # Errors
///
/// As [`server_challenge`]; also `InternalErrorException` if the random
/// number generator fails.
pub fn server_challenge_random(v: &[u8], srp_a: &str) -> Result<ServerChallenge> {
    // Each retry has probability about 2^-256; eight failures mean a broken generator.
    for _ in 0..8 {
        let b = Zeroizing::new(crate::random::bytes::<SECRET_LEN>()?);
        if let Some(challenge) = server_challenge(v, &b[..], srp_a)? {
            return Ok(challenge);
        }
    }
    Err(Error::internal(
        "Could not draw a usable SRP ephemeral secret.",
    ))
}

/// Step 2: the `PASSWORD_CLAIM_SIGNATURE` the client must send, as raw bytes:
/// `S = (A · v^u mod N)^b mod N`, `K = HKDF-SHA256(salt = PAD(u), ikm = PAD(S),
/// "Caldera Derived Key", 16)`, then `HMAC-SHA256(K, poolName ‖ userIdForSrp ‖
/// secretBlock ‖ timestamp)` (`cognito-protocol.md` §1.7–§1.9).
///
/// `secret_block` is the base64-decoded `PASSWORD_CLAIM_SECRET_BLOCK`;
/// `timestamp` the `TIMESTAMP` string, already checked to be canonical
/// (see [`super::canonical_timestamp`]).
///
/// # Errors
///
/// `InternalErrorException` when `v` is not a verifier.
pub(crate) fn expected_signature(
    state: &HandshakeState,
    v: &[u8],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> Result<Zeroizing<[u8; 32]>> {
    let key = session_key(state, v)?;
    Ok(hash::claim_signature(
        &key,
        pool_name,
        user_id_for_srp,
        secret_block,
        timestamp,
    ))
}

/// Whose secret a handshake proves: the two names that enter `x` and the
/// claim signature (`cognito-protocol.md` §1.4, §1.8).
///
/// A user signs in as `(poolName, USER_ID_FOR_SRP)`; a remembered device as
/// `(DeviceGroupKey, DeviceKey)` (`cognito-mfa-devices-passwordless.md`
/// §6.3). The maths is the same; only the names differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SrpIdentity<'a> {
    name: &'a str,
    id: &'a str,
}

impl<'a> SrpIdentity<'a> {
    /// A user: `pool_name` is the part of the pool id after the `_`,
    /// `user_id_for_srp` the `USER_ID_FOR_SRP` the challenge carried.
    #[must_use]
    pub const fn user(pool_name: &'a str, user_id_for_srp: &'a str) -> Self {
        Self {
            name: pool_name,
            id: user_id_for_srp,
        }
    }

    /// A remembered device: its `DeviceGroupKey` and `DeviceKey`.
    #[must_use]
    pub const fn device(device_group_key: &'a str, device_key: &'a str) -> Self {
        Self {
            name: device_group_key,
            id: device_key,
        }
    }

    /// What stands for `poolName`: the pool name or the `DeviceGroupKey`.
    #[must_use]
    pub const fn name(&self) -> &'a str {
        self.name
    }

    /// What stands for `userIdForSrp`: `USER_ID_FOR_SRP` or the `DeviceKey`.
    #[must_use]
    pub const fn id(&self) -> &'a str {
        self.id
    }
}

/// Step 2: whether `signature_b64` (the `PASSWORD_CLAIM_SIGNATURE`, standard
/// base64) is the `expected_signature`, compared in constant time. Malformed
/// base64 or a wrong length is simply `false`.
///
/// For a user; [`verify_claim_as`] serves devices too.
///
/// # Errors
///
/// `InternalErrorException` when `v` is not a verifier.
pub fn verify_claim(
    state: &HandshakeState,
    v: &[u8],
    pool_name: &str,
    user_id_for_srp: &str,
    secret_block: &[u8],
    timestamp: &str,
    signature_b64: &str,
) -> Result<bool> {
    verify_claim_as(
        state,
        v,
        SrpIdentity::user(pool_name, user_id_for_srp),
        secret_block,
        timestamp,
        signature_b64,
    )
}

/// Step 2 for any [`SrpIdentity`], a user's or a device's
/// (`DEVICE_PASSWORD_VERIFIER`): whether `signature_b64` is the expected
/// signature, compared in constant time. Malformed base64 or a wrong length
/// is simply `false`.
///
/// # Errors
///
/// `InternalErrorException` when `v` is not a verifier.
pub fn verify_claim_as(
    state: &HandshakeState,
    v: &[u8],
    identity: SrpIdentity<'_>,
    secret_block: &[u8],
    timestamp: &str,
    signature_b64: &str,
) -> Result<bool> {
    // The caller's own input being malformed reveals nothing: skip the maths.
    let Ok(given) = STANDARD.decode(signature_b64) else {
        return Ok(false);
    };
    let expected = expected_signature(
        state,
        v,
        identity.name(),
        identity.id(),
        secret_block,
        timestamp,
    )?;
    Ok(bool::from(expected[..].ct_eq(&given[..])))
}

/// `S = (A · v^u)^b mod N`, 384 big-endian bytes.
pub(crate) fn premaster_secret(state: &HandshakeState, v: &[u8]) -> Result<ElementBytes> {
    let v = verifier_element(v)?;
    let a = group()
        .element(&state.a)
        .ok_or_else(|| Error::internal("The SRP handshake state is malformed."))?;
    let u = exponent(&state.u);
    let b = Zeroizing::new(exponent(&state.b));
    let base = Zeroizing::new(a.mul(&v.pow(&u)));
    let s = Zeroizing::new(base.pow(&b));
    Ok(to_fixed_bytes(&s))
}

/// `K` for a handshake.
fn session_key(state: &HandshakeState, v: &[u8]) -> Result<Zeroizing<[u8; hash::KEY_LEN]>> {
    let s = premaster_secret(state, v)?;
    Ok(hash::session_key(&state.u, &s))
}

/// The stored verifier as a group element: big-endian, nonzero, below `N`.
fn verifier_element(v: &[u8]) -> Result<crypto_bigint::modular::BoxedMontyForm> {
    let bad = || Error::internal("The stored SRP verifier is malformed.");
    let minimal = hash::trim(v);
    let below_n = minimal.len() < N_LEN || (minimal.len() == N_LEN && minimal < group().n_bytes());
    if minimal.is_empty() || !below_n {
        return Err(bad());
    }
    group().element(v).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::srp::{client::SrpClient, compute_verifier};

    fn verifier() -> Vec<u8> {
        compute_verifier("AbCdEf123", "alice", b"Passw0rd!", &[7; 16]).v
    }

    fn code<T: fmt::Debug>(r: Result<T>) -> ErrorCode {
        r.map(|_| ())
            .map_err(|e| e.code())
            .err()
            .unwrap_or(ErrorCode::InternalError)
    }

    #[test]
    fn a_equal_to_zero_mod_n_is_refused() {
        let v = verifier();
        let n = crate::hex::encode(group().n_bytes());
        let two_n = {
            // 2N: shift N left by one bit.
            let mut bytes = vec![0u8];
            bytes.extend_from_slice(group().n_bytes());
            let mut carry = 0u8;
            for byte in bytes.iter_mut().rev() {
                let next = *byte >> 7;
                *byte = (*byte << 1) | carry;
                carry = next;
            }
            crate::hex::encode(&bytes)
        };
        for a in [
            "0",
            "000",
            &n,
            &n.to_ascii_uppercase(),
            &format!("00{n}"),
            &two_n,
        ] {
            assert_eq!(
                code(server_challenge(&v, &[1; 32], a)),
                ErrorCode::InvalidParameter,
                "{a}"
            );
        }
    }

    #[test]
    fn malformed_a_is_refused() {
        let v = verifier();
        let too_long = format!("1{}", "0".repeat(768));
        for a in ["", "xyz", "0x12", "-12", " 12", "12 ", "１２", &too_long] {
            assert_eq!(
                code(server_challenge(&v, &[1; 32], a)),
                ErrorCode::InvalidParameter,
                "{a:?}"
            );
        }
        // 768 significant digits (N + 1 … 2^3072 − 1) are fine, leading zeros too.
        let max = "f".repeat(768);
        assert!(server_challenge(&v, &[1; 32], &max).is_ok());
        assert!(server_challenge(&v, &[1; 32], &format!("0000{max}")).is_ok());
        assert!(server_challenge(&v, &[1; 32], "ABCdef").is_ok());
    }

    #[test]
    fn wrong_secret_or_verifier_is_an_internal_error() {
        let v = verifier();
        assert_eq!(
            code(server_challenge(&v, &[1; 31], "02")),
            ErrorCode::InternalError
        );
        assert_eq!(
            code(server_challenge(&v, &[1; 385], "02")),
            ErrorCode::InternalError
        );
        assert_eq!(
            code(server_challenge(&[0; 384], &[1; 32], "02")),
            ErrorCode::InternalError
        );
        assert_eq!(
            code(server_challenge(group().n_bytes(), &[1; 32], "02")),
            ErrorCode::InternalError
        );
    }

    #[test]
    fn state_round_trips_and_refuses_garbage() {
        let v = verifier();
        let client = SrpClient::new(&[3; 32]).unwrap();
        let challenge = server_challenge(&v, &[9; 32], &client.srp_a())
            .unwrap()
            .unwrap();
        let bytes = challenge.state().to_bytes();
        let back = HandshakeState::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.public_a(), client.public_a());
        assert!(!format!("{back:?}").contains(&crate::hex::encode(&[9; 32])));
        for bad in [
            &bytes[..0],
            &bytes[..34],
            &bytes[..bytes.len() - client.public_a().len()],
        ] {
            assert_eq!(
                code(HandshakeState::from_bytes(bad)),
                ErrorCode::NotAuthorized
            );
        }
        let mut wrong_version = bytes.to_vec();
        wrong_version[0] = 2;
        assert_eq!(
            code(HandshakeState::from_bytes(&wrong_version)),
            ErrorCode::NotAuthorized
        );
        let mut zero_u = bytes.to_vec();
        zero_u[1..33].fill(0);
        assert_eq!(
            code(HandshakeState::from_bytes(&zero_u)),
            ErrorCode::NotAuthorized
        );
    }

    #[test]
    fn malformed_signature_is_simply_false() {
        let v = verifier();
        let client = SrpClient::new(&[3; 32]).unwrap();
        let challenge = server_challenge(&v, &[9; 32], &client.srp_a())
            .unwrap()
            .unwrap();
        for sig in [
            "",
            "not base64!",
            "AAAA",
            "Ily+9PQuR8l3tnke6963I+36hcv/H7Gpmuwtxwl9LEU",
        ] {
            assert_eq!(
                verify_claim(challenge.state(), &v, "p", "u", b"", "t", sig).ok(),
                Some(false)
            );
        }
    }
}
