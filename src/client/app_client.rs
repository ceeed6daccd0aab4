//! [`AppClient`](super::AppClient): an app client of a pool, with its id and secret.

use zeroize::Zeroizing;

use crate::clock::Timestamp;
use crate::error::{Constraint, Error, Result, Shown};
use crate::random;

use super::*;

/// The alphabet of generated client ids and secrets: what real Cognito ids
/// and secrets use (cognito-protocol.md §3.6).
pub(super) const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

// ---------------------------------------------------------------------------
// AppClient
// ---------------------------------------------------------------------------

/// An app client of a pool: its id, its secret if it is confidential, its
/// configuration, and when it was created and last modified.
#[derive(Clone, Debug)]
pub struct AppClient {
    id: String,
    secret: Option<ClientSecret>,
    config: AppClientConfig,
    created_at: Timestamp,
    modified_at: Timestamp,
}

impl AppClient {
    /// Length of a generated client id (cognito-protocol.md §3.6).
    pub const GENERATED_ID_CHARS: usize = 26;
    /// Length of a generated client secret (cognito-protocol.md §3.6).
    pub const GENERATED_SECRET_CHARS: usize = 51;
    /// Longest client id accepted by [`AppClient::from_parts`] (model `ClientIdType`).
    pub const MAX_ID_CHARS: usize = 128;

    /// A new client created at `now`: a fresh 26-character id, and a fresh
    /// 51-character secret if the configuration asks for one, both drawn from
    /// the operating system's CSPRNG. An explicit secret in `config` moves
    /// into the client.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if the
    /// system random number generator fails.
    pub fn new(mut config: AppClientConfig, now: Timestamp) -> Result<Self> {
        let id = generate_client_id()?;
        let secret = match config.client_secret.take() {
            Some(explicit) => Some(explicit),
            None if config.generate_secret => Some(generate_client_secret()?),
            None => None,
        };
        Ok(Self {
            id,
            secret,
            config,
            created_at: now,
            modified_at: now,
        })
    }

    /// A client with a known id, for restoring one from storage or for tests.
    /// Its secret is the configuration's explicit
    /// [`client_secret`](AppClientConfig::client_secret), which moves into the
    /// client; [`generate_secret`](AppClientConfig::generate_secret) is ignored
    /// here (nothing is drawn).
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// `id` is not 1–128 characters of `[\w+]` (model `ClientIdType`).
    pub fn from_parts(
        id: impl Into<String>,
        mut config: AppClientConfig,
        created_at: Timestamp,
        modified_at: Timestamp,
    ) -> Result<Self> {
        let id = id.into();
        let ok_chars = id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+');
        if id.is_empty() || id.len() > Self::MAX_ID_CHARS || !ok_chars {
            return Err(Error::violation(
                "clientId",
                Shown::Value(id),
                Constraint::Pattern {
                    pattern: "[\\w+]+",
                    length: Some((1, Self::MAX_ID_CHARS as u64)),
                },
            ));
        }
        let secret = config.client_secret.take();
        Ok(Self {
            id,
            secret,
            config,
            created_at,
            modified_at,
        })
    }

    /// A client read back from a store: its parts are already validated.
    pub(crate) const fn restore(
        id: String,
        secret: Option<ClientSecret>,
        config: AppClientConfig,
        created_at: Timestamp,
        modified_at: Timestamp,
    ) -> Self {
        Self {
            id,
            secret,
            config,
            created_at,
            modified_at,
        }
    }

    /// This client with a new configuration at `now`: the id, the secret and
    /// the creation time stay (`UpdateUserPoolClient` cannot change them).
    #[must_use]
    pub(crate) fn reconfigured(&self, mut config: AppClientConfig, now: Timestamp) -> Self {
        config.client_secret = None;
        Self {
            id: self.id.clone(),
            secret: self.secret.clone(),
            config,
            created_at: self.created_at,
            modified_at: now,
        }
    }

    /// The client id (`ClientId`).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client secret, if the client is confidential.
    #[must_use]
    pub const fn secret(&self) -> Option<&ClientSecret> {
        self.secret.as_ref()
    }

    /// The client's settings. Its [`client_secret`](AppClientConfig::client_secret)
    /// is always `None`; the secret is [`AppClient::secret`].
    #[must_use]
    pub const fn config(&self) -> &AppClientConfig {
        &self.config
    }

    /// When the client was created (`CreationDate`).
    #[must_use]
    pub const fn created_at(&self) -> Timestamp {
        self.created_at
    }

    /// When the client was last modified (`LastModifiedDate`).
    #[must_use]
    pub const fn modified_at(&self) -> Timestamp {
        self.modified_at
    }
}

/// A fresh client id: 26 characters from `[a-z0-9]`, each uniform
/// (cognito-protocol.md §3.6).
pub(crate) fn generate_client_id() -> Result<String> {
    let mut id = String::with_capacity(AppClient::GENERATED_ID_CHARS);
    for _ in 0..AppClient::GENERATED_ID_CHARS {
        id.push(random_id_char()?);
    }
    Ok(id)
}

/// A fresh client secret: 51 characters from `[a-z0-9]`, each uniform
/// (about 263 bits; cognito-protocol.md §3.6).
pub(crate) fn generate_client_secret() -> Result<ClientSecret> {
    // Zeroizing: an early return must not leave half a secret in freed memory.
    // The capacity is exact, so the buffer never reallocates and leaves no copy.
    let mut buf = Zeroizing::new(String::with_capacity(AppClient::GENERATED_SECRET_CHARS));
    for _ in 0..AppClient::GENERATED_SECRET_CHARS {
        buf.push(random_id_char()?);
    }
    Ok(ClientSecret(std::mem::take(&mut *buf)))
}

fn random_id_char() -> Result<char> {
    // ID_ALPHABET has 36 entries, so the cast and the index are in range.
    let i = random::below(ID_ALPHABET.len() as u32)? as usize;
    ID_ALPHABET
        .get(i)
        .map(|&b| char::from(b))
        .ok_or_else(|| Error::internal("A random index fell outside its alphabet."))
}
