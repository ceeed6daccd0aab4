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
    /// Oldest first; empty for a public client, at most
    /// [`AppClient::MAX_SECRETS`] (`AddUserPoolClientSecret`).
    secrets: Vec<ClientSecretDescriptor>,
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
    /// The most secrets a client holds at once (two, for rotation without
    /// downtime: `AddUserPoolClientSecret`).
    pub const MAX_SECRETS: usize = 2;

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
        let secrets = Self::original_secret(&id, secret, now);
        Ok(Self {
            id,
            secrets,
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
        let secrets = Self::original_secret(&id, config.client_secret.take(), created_at);
        Ok(Self {
            id,
            secrets,
            config,
            created_at,
            modified_at,
        })
    }

    /// A client read back from a store: its parts are already validated.
    pub(crate) const fn restore(
        id: String,
        secrets: Vec<ClientSecretDescriptor>,
        config: AppClientConfig,
        created_at: Timestamp,
        modified_at: Timestamp,
    ) -> Self {
        Self {
            id,
            secrets,
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
            secrets: self.secrets.clone(),
            config,
            created_at: self.created_at,
            modified_at: now,
        }
    }

    /// The client's first secret, if it has one, as a descriptor created
    /// with the client.
    pub(crate) fn original_secret(
        client_id: &str,
        secret: Option<ClientSecret>,
        created_at: Timestamp,
    ) -> Vec<ClientSecretDescriptor> {
        secret
            .map(|value| ClientSecretDescriptor {
                id: secret_id(client_id, created_at.unix_millis()),
                value,
                created_at,
            })
            .into_iter()
            .collect()
    }

    /// The client id (`ClientId`).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client secret, if the client is confidential: during a rotation
    /// (two secrets), the older one. This is the `ClientSecret`
    /// `DescribeUserPoolClient` shows and the hosted pages use; every secret
    /// in [`secrets`](Self::secrets) is accepted wherever one is checked.
    #[must_use]
    pub fn secret(&self) -> Option<&ClientSecret> {
        self.secrets.first().map(ClientSecretDescriptor::secret)
    }

    /// Every secret of the client, oldest first: none for a public client,
    /// at most [`MAX_SECRETS`](Self::MAX_SECRETS).
    #[must_use]
    pub fn secrets(&self) -> &[ClientSecretDescriptor] {
        &self.secrets
    }

    /// This client with one more secret, created at `now`: `value`, or a
    /// fresh generated one (`AddUserPoolClientSecret`). The secret's id is
    /// `<client id>--<creation time in epoch milliseconds>`, the time moved
    /// on by a millisecond if a secret of the client already has that id.
    ///
    /// A `value` that is not 24–64 characters of `[\w+]` is refused first,
    /// as model validation (`InvalidParameterException`, value hidden).
    /// Messages chosen here (Cognito documents the exceptions, not their
    /// texts): a client without a secret is refused with
    /// `InvalidParameterException` `Client <id> is not configured with a
    /// secret.`; a third secret with `LimitExceededException` `An app client
    /// can have at most 2 client secrets.`
    pub(crate) fn with_added_secret(
        &self,
        value: Option<ClientSecret>,
        now: Timestamp,
    ) -> Result<(Self, ClientSecretDescriptor)> {
        if let Some(v) = &value
            && let Some(problem) =
                super::config::secret_format_problem(v.expose_secret(), "clientSecret")
        {
            return Err(Error::validation(vec![problem]));
        }
        if self.secrets.is_empty() {
            return Err(Error::invalid_parameter(format!(
                "Client {} is not configured with a secret.",
                self.id
            )));
        }
        if self.secrets.len() >= Self::MAX_SECRETS {
            return Err(Error::new(
                crate::ErrorCode::LimitExceeded,
                format!(
                    "An app client can have at most {} client secrets.",
                    Self::MAX_SECRETS
                ),
            ));
        }
        let value = match value {
            Some(v) => v,
            None => generate_client_secret()?,
        };
        let mut millis = now.unix_millis();
        while self
            .secrets
            .iter()
            .any(|s| s.id == secret_id(&self.id, millis))
        {
            millis = millis.saturating_add(1);
        }
        let added = ClientSecretDescriptor {
            id: secret_id(&self.id, millis),
            value,
            created_at: Timestamp::from_unix_millis(millis),
        };
        let mut next = self.clone();
        next.secrets.push(added.clone());
        next.modified_at = now;
        Ok((next, added))
    }

    /// This client without the secret `secret_id`
    /// (`DeleteUserPoolClientSecret`).
    ///
    /// Messages chosen here (undocumented by Cognito): an unknown id is
    /// `ResourceNotFoundException` `Client secret <id> does not exist.`;
    /// the client's only secret is `InvalidParameterException` `The last
    /// client secret of an app client cannot be deleted.`
    pub(crate) fn without_secret(&self, secret_id: &str, now: Timestamp) -> Result<Self> {
        let Some(at) = self.secrets.iter().position(|s| s.id == secret_id) else {
            return Err(Error::new(
                crate::ErrorCode::ResourceNotFound,
                format!("Client secret {secret_id} does not exist."),
            ));
        };
        if self.secrets.len() == 1 {
            return Err(Error::invalid_parameter(
                "The last client secret of an app client cannot be deleted.",
            ));
        }
        let mut next = self.clone();
        next.secrets.remove(at);
        next.modified_at = now;
        Ok(next)
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

/// The id of a client secret created at `unix_millis`
/// (`<client id>--<epoch create time>`, model `ClientSecretDescriptorType`).
pub(crate) fn secret_id(client_id: &str, unix_millis: i64) -> String {
    format!("{client_id}--{unix_millis}")
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
