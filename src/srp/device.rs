//! Remembered devices' SRP (`cognito-mfa-devices-passwordless.md` §6.2,
//! §6.3): exactly the user handshake of `cognito-protocol.md` §1, with
//! `poolName` := `DeviceGroupKey` and `userIdForSrp` := `DeviceKey`.
//!
//! The client draws a device password (base64 of 40 random bytes) and a
//! 16-byte salt, computes `v_dev = g^x_dev mod N` with
//! `x_dev = H(PAD(salt) ‖ H(UTF8(DeviceGroupKey ‖ DeviceKey ‖ ":" ‖ password)))`,
//! and sends `ConfirmDevice` the `DeviceSecretVerifierConfig`: `PasswordVerifier`
//! and `Salt`, each the standard base64 of the integer's `PAD` form (big-endian
//! two's complement of a positive integer). The server keeps `(salt, v_dev)`
//! and later runs the ordinary server steps against it, with the device's
//! names ([`SrpIdentity::device`](super::server::SrpIdentity::device)).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::group::{N_LEN, group};
use super::hash;
use super::verifier::{SALT_LEN, Verifier, compute_verifier};
use crate::error::{Error, Result};

/// Random bytes in a device password: 40, sent as 56 base64 characters, as
/// amazon-cognito-identity-js draws it (§6.3).
pub const DEVICE_PASSWORD_RANDOM_LEN: usize = 40;

/// The longest salt accepted from `ConfirmDevice`, in magnitude bytes.
///
/// Clients draw 16 bytes; Cognito's own bound is undocumented. 64 bytes
/// (512 bits) leaves room for any client while keeping stored salts small.
pub const MAX_DEVICE_SALT_LEN: usize = 64;

/// What `ConfirmDevice` carries in `DeviceSecretVerifierConfig`: standard
/// base64 (with padding) of `PAD(v_dev)` and of `PAD(salt)`.
///
/// `PasswordVerifier` is as good as a password hash: `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceVerifierConfig {
    /// `PasswordVerifier`: base64 of `PAD(v_dev)` (512 or 516 characters).
    pub password_verifier: String,
    /// `Salt`: base64 of `PAD(salt)`.
    pub salt: String,
}

impl fmt::Debug for DeviceVerifierConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceVerifierConfig")
            .field("password_verifier", &"[redacted]")
            .field("salt", &self.salt)
            .finish()
    }
}

/// The `DeviceSecretVerifierConfig` a client sends for a device password
/// and salt (client side, §6.3): `x_dev`, `v_dev = g^x_dev mod N`, both
/// values base64-encoded in their `PAD` form.
///
/// `salt` is the big-endian salt integer (16 random bytes in real clients).
#[must_use]
pub fn device_verifier_config(
    device_group_key: &str,
    device_key: &str,
    device_password: &str,
    salt: &[u8],
) -> DeviceVerifierConfig {
    let verifier = compute_verifier(
        device_group_key,
        device_key,
        device_password.as_bytes(),
        salt,
    );
    let padded_v = Zeroizing::new(hash::pad(&verifier.v));
    DeviceVerifierConfig {
        password_verifier: STANDARD.encode(&padded_v[..]),
        salt: STANDARD.encode(hash::pad(salt)),
    }
}

/// A fresh device secret, as a client makes one after a sign-in returns
/// `NewDeviceMetadata`: the device password (base64 of
/// [`DEVICE_PASSWORD_RANDOM_LEN`] random bytes), kept by the client, and the
/// [`DeviceVerifierConfig`] (with a random 16-byte salt) to send `ConfirmDevice`.
///
/// # Errors
///
/// `InternalErrorException` if the random number generator fails.
pub fn generate_device_secret(
    device_group_key: &str,
    device_key: &str,
) -> Result<(Zeroizing<String>, DeviceVerifierConfig)> {
    let random = Zeroizing::new(crate::random::bytes::<DEVICE_PASSWORD_RANDOM_LEN>()?);
    let password = Zeroizing::new(STANDARD.encode(&random[..]));
    let salt = crate::random::bytes::<SALT_LEN>()?;
    let config = device_verifier_config(device_group_key, device_key, &password, &salt);
    Ok((password, config))
}

/// Parses `DeviceSecretVerifierConfig` from `ConfirmDevice` (server side,
/// §6.2) into the [`Verifier`] to store: `salt` minimal big-endian, `v` 384
/// bytes.
///
/// Each value must be padded standard base64 of a big-endian two's-complement
/// integer that is positive: `Salt` of at most [`MAX_DEVICE_SALT_LEN`]
/// magnitude bytes, `PasswordVerifier` below `N` (so never `0 mod N`).
/// At most one leading sign byte is allowed beyond the magnitude.
///
/// # Errors
///
/// `InvalidParameterException` when either value is empty, not padded
/// standard base64, too long, negative, zero, or (the verifier) not below `N`.
pub fn parse_device_verifier(password_verifier: &str, salt: &str) -> Result<Verifier> {
    let v = Zeroizing::new(decode_positive(
        password_verifier,
        "DeviceSecretVerifierConfig.PasswordVerifier",
        N_LEN,
    )?);
    let below_n = v.len() < N_LEN || (v.len() == N_LEN && v[..] < *group().n_bytes());
    if !below_n {
        return Err(Error::invalid_parameter(
            "DeviceSecretVerifierConfig.PasswordVerifier is larger than the group modulus.",
        ));
    }
    let salt = decode_positive(salt, "DeviceSecretVerifierConfig.Salt", MAX_DEVICE_SALT_LEN)?;
    let mut fixed = vec![0u8; N_LEN - v.len()];
    fixed.extend_from_slice(&v);
    Ok(Verifier { salt, v: fixed })
}

/// A positive integer from padded standard base64 of its big-endian two's
/// complement, at most `max_len` magnitude bytes; minimal big-endian bytes.
fn decode_positive(b64: &str, name: &str, max_len: usize) -> Result<Vec<u8>> {
    if b64.is_empty() {
        return Err(Error::invalid_parameter(format!(
            "Missing required parameter {name}"
        )));
    }
    // One sign byte beyond the magnitude, in padded base64: bound the work first.
    let max_encoded = (max_len + 1).div_ceil(3) * 4;
    if b64.len() > max_encoded {
        return Err(Error::invalid_parameter(format!("{name} is too long.")));
    }
    let bytes = Zeroizing::new(
        STANDARD
            .decode(b64)
            .map_err(|_| Error::invalid_parameter(format!("{name} is not valid base64.")))?,
    );
    if bytes.first().is_none_or(|&first| first >= 0x80) {
        return Err(Error::invalid_parameter(format!(
            "{name} must be a positive integer."
        )));
    }
    let minimal = hash::trim(&bytes);
    if minimal.is_empty() {
        return Err(Error::invalid_parameter(format!(
            "{name} must be a positive integer."
        )));
    }
    if minimal.len() > max_len || bytes.len() > max_len + 1 {
        return Err(Error::invalid_parameter(format!("{name} is too long.")));
    }
    Ok(minimal.to_vec())
}
