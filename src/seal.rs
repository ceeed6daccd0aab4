//! Sealing small state blobs (auth sessions, SRP secret blocks) with
//! AES-256-GCM under a key derived from the pool secret, and deriving the
//! pool's purpose-specific keys from that one secret with HKDF-SHA256.
//!
//! A sealed blob is `nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`; the
//! additional data binds it to its purpose and pool, so a blob sealed for one
//! use never opens for another.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::hkdf;

use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Length of the pool secret every key is derived from.
pub(crate) const POOL_SECRET_LEN: usize = 32;

struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

/// HKDF-SHA256(secret, info = `label`) → 32 bytes (RFC 5869, empty salt),
/// in a buffer wiped when dropped.
pub(crate) fn derive(secret: &[u8; POOL_SECRET_LEN], label: &str) -> Result<Zeroizing<[u8; 32]>> {
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, &[]).extract(secret);
    let info = [label.as_bytes()];
    let okm = prk
        .expand(&info, Len32)
        .map_err(|_| Error::internal("Key derivation failed."))?;
    let mut out = Zeroizing::new([0u8; 32]);
    okm.fill(&mut out[..])
        .map_err(|_| Error::internal("Key derivation failed."))?;
    Ok(out)
}

/// An AES-256-GCM key for sealing state.
pub(crate) struct SealKey(LessSafeKey);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey([redacted])")
    }
}

impl SealKey {
    pub(crate) fn new(key: &[u8; 32]) -> Result<Self> {
        let k = UnboundKey::new(&AES_256_GCM, key)
            .map_err(|_| Error::internal("Invalid sealing key."))?;
        Ok(Self(LessSafeKey::new(k)))
    }

    /// Seals `plaintext` with a fresh random `nonce` (passed in: pure).
    pub(crate) fn seal(
        &self,
        nonce: [u8; NONCE_LEN],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>> {
        let mut buf = plaintext.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut buf,
            )
            .map_err(|_| Error::internal("Sealing failed."))?;
        let mut out = Vec::with_capacity(NONCE_LEN + buf.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buf);
        Ok(out)
    }

    /// Opens a sealed blob; `None` if it was not sealed by this key for this `aad`.
    pub(crate) fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if sealed.len() < NONCE_LEN + AES_256_GCM.tag_len() {
            return None;
        }
        let (nonce, rest) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        // Decrypted in place in a buffer that is wiped when dropped: the
        // plaintexts are SRP secrets and verifiers.
        let mut buf = Zeroizing::new(rest.to_vec());
        let len = self
            .0
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .ok()?
            .len();
        buf.truncate(len);
        Some(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> SealKey {
        SealKey::new(&[b; 32]).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn sealed_state_opens_only_with_its_key_and_purpose() {
        let sealed = key(1)
            .seal([3; 12], b"session|pool", b"state")
            .unwrap_or_default();
        assert_eq!(
            key(1)
                .open(b"session|pool", &sealed)
                .as_deref()
                .map(Vec::as_slice),
            Some(&b"state"[..])
        );
        assert!(key(2).open(b"session|pool", &sealed).is_none());
        assert!(key(1).open(b"srp|pool", &sealed).is_none());
        let mut tampered = sealed.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert!(key(1).open(b"session|pool", &tampered).is_none());
        assert!(key(1).open(b"session|pool", &sealed[..10]).is_none());
    }

    #[test]
    fn derived_keys_differ_by_label() {
        let s = [9u8; 32];
        let a = derive(&s, "a").unwrap_or_default();
        let b = derive(&s, "b").unwrap_or_default();
        assert_ne!(*a, *b);
        assert_eq!(*a, *derive(&s, "a").unwrap_or_default());
    }
}
