//! Persisting the registry's pools: the master key, and the sealed form of
//! a pool's secrets.
//!
//! A pool is stored as a [`PoolRecord`]: its configuration as the JSON of a
//! `CreateUserPool` request, and its 32-byte pool secret and RSA signing
//! keys (current and, after a rotation, previous) sealed with AES-256-GCM
//! under a key derived (HKDF-SHA256) from a [`MasterKey`] that never enters
//! the store. The record names the master key by its [`MasterKey::id`], a
//! fingerprint from which the key cannot be recovered, so a process started
//! with the wrong key says which one it needs instead of failing to decrypt.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ring::hmac;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::hex;
use crate::random;
use crate::seal::{self, POOL_SECRET_LEN, SealKey};
use crate::store::PoolRecord;
use crate::token::KeySet;

/// The key that seals every persisted pool's secrets: 32 bytes kept outside
/// the store (a secrets manager, an environment variable, a file readable by
/// the service alone). Losing it makes the persisted pools unreadable;
/// leaking it together with the database leaks every pool's signing keys.
///
/// `Debug` shows the [`id`](Self::id) only.
#[derive(Clone)]
pub struct MasterKey {
    key: Zeroizing<[u8; 32]>,
    id: String,
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl MasterKey {
    /// The key made of these 32 bytes.
    ///
    /// # Errors
    /// `InternalErrorException` if the key's fingerprint cannot be computed
    /// (never in practice).
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self> {
        let fingerprint = hmac::sign(
            &hmac::Key::new(hmac::HMAC_SHA256, &bytes),
            b"userpool/v1/master-key-id",
        );
        let id = format!("mk1-{}", hex::encode(&fingerprint.as_ref()[..8]));
        Ok(Self {
            key: Zeroizing::new(bytes),
            id,
        })
    }

    /// The key written as 64 hexadecimal digits (surrounding whitespace,
    /// such as a file's final newline, is ignored).
    ///
    /// # Errors
    /// `InvalidParameterException` for anything else; the message never
    /// contains the input.
    pub fn from_hex(text: &str) -> Result<Self> {
        let text = text.trim();
        let bytes = Zeroizing::new(hex::decode(text).unwrap_or_default());
        let key = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
            Error::invalid_parameter("A master key is 64 hexadecimal digits (32 bytes).")
        })?;
        Self::from_bytes(key)
    }

    /// A fresh key from the operating system's CSPRNG.
    ///
    /// # Errors
    /// `InternalErrorException` if the system RNG fails.
    pub fn generate() -> Result<Self> {
        Self::from_bytes(random::bytes::<32>()?)
    }

    /// The key as 64 lowercase hexadecimal digits, to store it somewhere safe.
    #[must_use]
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(&self.key[..]))
    }

    /// The key's public name, `mk1-` and 16 hexadecimal digits of an HMAC of
    /// a fixed label under the key. Stored beside what the key seals.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    fn seal_key(&self) -> Result<SealKey> {
        SealKey::new(&*seal::derive(&self.key, "userpool/v1/pool-secrets")?)
    }
}

/// What is sealed in a pool record.
pub(super) struct PoolSecrets {
    pub(super) secret: Zeroizing<[u8; POOL_SECRET_LEN]>,
    pub(super) keys: KeySet,
    /// The secret `secret` replaced, and when (see
    /// [`UserPoolBuilder::previous_secret_key`](crate::UserPoolBuilder::previous_secret_key)).
    pub(super) previous: Option<(Zeroizing<[u8; POOL_SECRET_LEN]>, Timestamp)>,
    /// The key of simulated answers, once a rotation has fixed it; `None`
    /// for a pool never rotated (derived from `secret`).
    pub(super) simulation: Option<Zeroizing<[u8; 32]>>,
}

impl PoolSecrets {
    /// A new pool's secrets: no previous secret, no fixed simulation key.
    pub(super) fn new(secret: Zeroizing<[u8; POOL_SECRET_LEN]>, keys: KeySet) -> Self {
        Self {
            secret,
            keys,
            previous: None,
            simulation: None,
        }
    }
}

/// The plaintext layout, base64 strings inside JSON inside a wiped buffer.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SealedLayout {
    v: u32,
    secret: String,
    access: String,
    id: String,
    previous: Option<[String; 2]>,
    /// The pool secret replaced by the last rotation (absent before one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    previous_secret: Option<String>,
    /// When that rotation happened, in Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rotated_at_ms: Option<i64>,
    /// The key of simulated answers, fixed at the first rotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    simulation: Option<String>,
}

impl Drop for SealedLayout {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.secret.zeroize();
        self.access.zeroize();
        self.id.zeroize();
        if let Some([a, b]) = &mut self.previous {
            a.zeroize();
            b.zeroize();
        }
        for s in [&mut self.previous_secret, &mut self.simulation]
            .into_iter()
            .flatten()
        {
            s.zeroize();
        }
    }
}

fn aad(pool_id: &str) -> Vec<u8> {
    format!("userpool/pool-secrets|{pool_id}").into_bytes()
}

fn unreadable(pool_id: &str, why: &str) -> Error {
    Error::internal(format!(
        "The stored secrets of user pool {pool_id} cannot be read: {why}."
    ))
}

/// Seals `secrets` for the pool `pool_id` under `master`.
pub(super) fn seal_secrets(
    master: &MasterKey,
    pool_id: &str,
    secrets: &PoolSecrets,
) -> Result<Vec<u8>> {
    let (access, id) = secrets.keys.export_pkcs8();
    let layout = SealedLayout {
        v: 1,
        secret: B64.encode(&secrets.secret[..]),
        access: B64.encode(&access[..]),
        id: B64.encode(&id[..]),
        previous: secrets
            .keys
            .export_previous_pkcs8()
            .map(|(a, i)| [B64.encode(&a[..]), B64.encode(&i[..])]),
        previous_secret: secrets.previous.as_ref().map(|(s, _)| B64.encode(&s[..])),
        rotated_at_ms: secrets.previous.as_ref().map(|(_, at)| at.unix_millis()),
        simulation: secrets.simulation.as_ref().map(|k| B64.encode(&k[..])),
    };
    let plain = Zeroizing::new(
        serde_json::to_vec(&layout)
            .map_err(|_| Error::internal("Cannot encode a pool's secrets."))?,
    );
    master
        .seal_key()?
        .seal(random::bytes::<12>()?, &aad(pool_id), &plain)
}

/// Opens the secrets of `record` with whichever of `masters` sealed them.
pub(super) fn open_secrets(masters: &[MasterKey], record: &PoolRecord) -> Result<PoolSecrets> {
    let id = &record.id;
    let master = masters
        .iter()
        .find(|m| m.id() == record.sealing_key_id)
        .ok_or_else(|| {
            unreadable(
                id,
                &format!(
                    "they were sealed with master key {}, which this process was not given",
                    record.sealing_key_id
                ),
            )
        })?;
    let plain = master
        .seal_key()?
        .open(&aad(id), &record.sealed_secrets)
        .ok_or_else(|| unreadable(id, "the sealed blob does not open (tampered or corrupt)"))?;
    let layout: SealedLayout =
        serde_json::from_slice(&plain).map_err(|_| unreadable(id, "unknown layout"))?;
    if layout.v != 1 {
        return Err(unreadable(id, "unknown layout version"));
    }
    let decode = |s: &str| {
        B64.decode(s)
            .map(Zeroizing::new)
            .map_err(|_| unreadable(id, "invalid base64"))
    };
    let key32 = |s: &str, what: &str| {
        let bytes = decode(s)?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map(Zeroizing::new)
            .map_err(|_| unreadable(id, &format!("the {what} has the wrong length")))
    };
    let secret = key32(&layout.secret, "pool secret")?;
    let previous = match (&layout.previous_secret, layout.rotated_at_ms) {
        (Some(s), Some(ms)) => Some((
            key32(s, "previous pool secret")?,
            Timestamp::from_unix_millis(ms),
        )),
        (None, None) => None,
        _ => {
            return Err(unreadable(
                id,
                "a previous secret without its rotation time",
            ));
        }
    };
    let simulation = layout
        .simulation
        .as_deref()
        .map(|s| key32(s, "simulation key"))
        .transpose()?;
    let current = KeySet::from_pkcs8(&decode(&layout.access)?, &decode(&layout.id)?)
        .map_err(|_| unreadable(id, "invalid signing key"))?;
    let keys = match &layout.previous {
        Some([a, i]) => {
            let mut keys = KeySet::from_pkcs8(&decode(a)?, &decode(i)?)
                .map_err(|_| unreadable(id, "invalid previous signing key"))?;
            keys.rotate(current);
            keys
        }
        None => current,
    };
    Ok(PoolSecrets {
        secret,
        keys,
        previous,
        simulation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;

    fn keys() -> KeySet {
        crate::token::shared_keys()[0].clone()
    }

    fn record(master: &MasterKey, secrets: &PoolSecrets) -> PoolRecord {
        PoolRecord {
            id: "us-east-1_Sealed".to_owned(),
            definition: "{}".to_owned(),
            sealed_secrets: seal_secrets(master, "us-east-1_Sealed", secrets).unwrap(),
            sealing_key_id: master.id().to_owned(),
            created_at: Timestamp::UNIX_EPOCH,
            modified_at: Timestamp::UNIX_EPOCH,
            version: 1,
        }
    }

    #[test]
    fn secrets_round_trip_and_never_appear_in_the_blob() {
        let master = MasterKey::generate().unwrap();
        let secrets = PoolSecrets::new(Zeroizing::new([7; 32]), keys());
        let r = record(&master, &secrets);
        let (access, _) = secrets.keys.export_pkcs8();
        assert!(
            !r.sealed_secrets
                .windows(32)
                .any(|w| access.windows(32).any(|a| a == w)),
            "no 32-byte run of the private key appears in the sealed blob"
        );
        let back = open_secrets(std::slice::from_ref(&master), &r).unwrap();
        assert_eq!(*back.secret, [7; 32]);
        assert_eq!(back.keys.access_kid(), secrets.keys.access_kid());
        assert_eq!(back.keys.id_kid(), secrets.keys.id_kid());
        assert_eq!(back.keys.previous_kids(), None);
    }

    #[test]
    fn a_rotated_pool_secret_round_trips_with_its_predecessor_and_simulation_key() {
        let master = MasterKey::generate().unwrap();
        let mut secrets = PoolSecrets::new(Zeroizing::new([3; 32]), keys());
        secrets.previous = Some((Zeroizing::new([4; 32]), Timestamp::from_unix_millis(1234)));
        secrets.simulation = Some(Zeroizing::new([5; 32]));
        let back = open_secrets(std::slice::from_ref(&master), &record(&master, &secrets)).unwrap();
        assert_eq!(*back.secret, [3; 32]);
        let (old, at) = back.previous.unwrap();
        assert_eq!((*old, at), ([4; 32], Timestamp::from_unix_millis(1234)));
        assert_eq!(back.simulation.map(|k| *k), Some([5; 32]));
        // A pool never rotated has neither (and its layout has no such fields).
        let plain = PoolSecrets::new(Zeroizing::new([3; 32]), keys());
        let back = open_secrets(std::slice::from_ref(&master), &record(&master, &plain)).unwrap();
        assert!(back.previous.is_none() && back.simulation.is_none());
    }

    #[test]
    fn a_rotated_key_set_keeps_its_previous_generation() {
        let master = MasterKey::generate().unwrap();
        let shared = crate::token::shared_keys();
        let mut rotated = shared[0].clone();
        rotated.rotate(shared[1].clone());
        let secrets = PoolSecrets::new(Zeroizing::new([1; 32]), rotated);
        let back = open_secrets(std::slice::from_ref(&master), &record(&master, &secrets)).unwrap();
        assert_eq!(back.keys.access_kid(), shared[1].access_kid());
        assert_eq!(
            back.keys.previous_kids(),
            Some((shared[0].access_kid(), shared[0].id_kid()))
        );
    }

    #[test]
    fn the_wrong_master_key_or_a_tampered_record_is_a_clear_error() {
        let master = MasterKey::generate().unwrap();
        let other = MasterKey::generate().unwrap();
        let secrets = PoolSecrets::new(Zeroizing::new([2; 32]), keys());
        let r = record(&master, &secrets);
        let e = open_secrets(std::slice::from_ref(&other), &r)
            .err()
            .unwrap();
        assert_eq!(e.code(), crate::ErrorCode::InternalError);
        assert!(e.message().contains(master.id()), "{}", e.message());

        // An impostor key claiming the right id still cannot open it.
        let mut impostor = other.clone();
        impostor.id = master.id().to_owned();
        let e = open_secrets(&[impostor], &r).err().unwrap();
        assert!(e.message().contains("does not open"), "{}", e.message());

        let mut tampered = r.clone();
        if let Some(b) = tampered.sealed_secrets.last_mut() {
            *b ^= 1;
        }
        assert!(open_secrets(std::slice::from_ref(&master), &tampered).is_err());
        // Bound to its pool: another pool's record cannot borrow it.
        let mut moved = r.clone();
        moved.id = "us-east-1_Other".to_owned();
        assert!(open_secrets(std::slice::from_ref(&master), &moved).is_err());
    }

    #[test]
    fn master_keys_parse_from_hex_and_keep_their_id() {
        let k = MasterKey::generate().unwrap();
        let again = MasterKey::from_hex(&format!("  {}\n", k.to_hex().as_str())).unwrap();
        assert_eq!(again.id(), k.id());
        assert!(k.id().starts_with("mk1-") && k.id().len() == 20);
        for bad in ["", "abc", &"g".repeat(64), &"0".repeat(66)] {
            let e = MasterKey::from_hex(bad).unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::InvalidParameter);
        }
        let debug = format!("{k:?}");
        assert!(debug.contains(k.id()) && !debug.contains(k.to_hex().as_str()));
    }
}
