//! The `code` of a custom sender's event (cognito-triggers.md §2.8).
//!
//! Cognito encrypts the code or temporary password it hands to
//! CustomEmailSender and CustomSMSSender with the AWS Encryption SDK under
//! the pool's `KMSKeyID`, and the function decrypts it with KMS. A local
//! pool has no KMS: it asks a [`CodeEncryptor`] for the ciphertext, given
//! to [`UserPoolBuilder::code_encryptor`](crate::pool::UserPoolBuilder::code_encryptor).
//! A pool whose triggers include a custom sender is refused without one.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::error::TriggerError;

/// Encrypts the code a custom sender's event carries in `code`.
///
/// # Contract
///
/// * The result is what the function receives as `request.code`: in
///   Cognito, the base64 of an AWS Encryption SDK message under
///   `kms_key_id`, which the function hands to the Encryption SDK's
///   `decrypt` with a KMS keyring.
/// * `plaintext` is a secret (a verification code or a temporary
///   password): an implementation must not log it or keep it.
pub trait CodeEncryptor: Send + Sync + fmt::Debug {
    /// The ciphertext of `plaintext` under `kms_key_id` (the pool's
    /// `KMSKeyID`; empty when the pool has none, as with Rust hooks and no
    /// `LambdaConfig`).
    ///
    /// # Errors
    /// A [`TriggerError`] when the code cannot be encrypted: the message is
    /// then not delivered (custom senders are asynchronous in Cognito; their
    /// failures never fail the operation).
    fn encrypt(&self, kms_key_id: &str, plaintext: &[u8]) -> Result<String, TriggerError>;
}

/// **Not encryption.** The "ciphertext" is the plaintext in base64, so a
/// local pool can run custom senders without KMS.
///
/// Only for tests, and for local Lambda functions written to skip the
/// decryption step (decode the base64 instead of calling the Encryption
/// SDK). Anyone who reads an event (logs of a function, a proxy) reads the
/// code. Never configure it for a pool whose messages reach real users.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlaintextCodes;

impl CodeEncryptor for PlaintextCodes {
    fn encrypt(&self, _kms_key_id: &str, plaintext: &[u8]) -> Result<String, TriggerError> {
        Ok(STANDARD.encode(plaintext))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_codes_are_the_base64_of_the_code() {
        assert_eq!(
            PlaintextCodes.encrypt("arn:aws:kms:…", b"123456"),
            Ok("MTIzNDU2".to_owned())
        );
    }
}
