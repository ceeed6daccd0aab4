//! Cognito's SRP-6a variant ("Caldera") (`cognito-protocol.md` §1).
//!
//! The server side is the engine's own, and runs inside the pool, as pure
//! functions of their inputs (no store, no pool, no clock; secrets and salts
//! are passed in):
//!
//! * Group: the RFC 5054 3072-bit prime `N`, generator `g = 2`, multiplier
//!   `k = H(PAD(N) ‖ PAD(g))`; SHA-256 throughout.
//! * At every password set the server stores a verifier: a 16-byte salt and
//!   `v = g^x`, `x = H(PAD(salt) ‖ H(poolName ‖ userIdForSrp ‖ ":" ‖ password))`.
//! * `InitiateAuth` (`USER_SRP_AUTH`): the server parses `SRP_A`, computes
//!   `B`, seals the handshake state into the `SECRET_BLOCK` and answers
//!   `SALT` (minimal hex, §1.11) and `SRP_B`.
//! * `RespondToAuthChallenge` (`PASSWORD_VERIFIER`): it unseals the block,
//!   checks the `TIMESTAMP` and its skew, then recomputes `S`, `K` and the
//!   HMAC and compares in constant time.
//! * Unknown users under `PreventUserExistenceErrors=ENABLED` get a stable
//!   simulated identity (§1.13).
//!
//! What this module offers callers is the client side, for tests,
//! benchmarks and examples: [`SrpClient`] computes `SRP_A` and, from the
//! challenge, the `PASSWORD_VERIFIER` answer, and [`format_timestamp`]
//! writes its `TIMESTAMP`. For remembered devices (the same handshake
//! with `DeviceGroupKey` and `DeviceKey` for the pool name and user id,
//! `cognito-mfa-devices-passwordless.md` §6.3), [`generate_device_secret`]
//! and [`device_verifier_config`] make what `ConfirmDevice` carries, and
//! [`SrpClient::process_device_challenge`] answers `DEVICE_PASSWORD_VERIFIER`.
//!
//! Arithmetic is constant time (crypto-bigint's `BoxedMontyForm`); secrets
//! (`b`, `x`, `S`, `K`) live in zeroizing buffers and no `Debug` prints them.

mod client;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
pub(crate) mod device;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
pub(crate) mod group;
mod hash;
#[cfg(test)]
mod kat;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
pub(crate) mod server;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
pub(crate) mod timestamp;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
pub(crate) mod verifier;

#[cfg(test)]
mod device_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vector_tests;

pub use client::{RANDOM_SECRET_LEN, SrpClient};
pub use device::{
    DEVICE_PASSWORD_RANDOM_LEN, DeviceVerifierConfig, device_verifier_config,
    generate_device_secret,
};
pub use timestamp::format_timestamp;

pub(crate) use server::{HandshakeState, parse_srp_a, server_challenge_random, verify_claim};
pub(crate) use timestamp::canonical_timestamp;
pub(crate) use verifier::{
    SALT_LEN, Verifier, compute_verifier, fake_user, minimal_hex, parse_hex_integer, random_salt,
    salt_hex,
};
