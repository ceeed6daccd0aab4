//! [`StoreError`]: why a store operation failed, in words that quote no
//! stored value, with the backend's own error kept as its
//! [`source`](std::error::Error::source).

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use super::IndexKey;

/// Shorthand for results of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Which unique key a write found already taken
/// ([`StoreError::Conflict`]).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConflictKey {
    /// A user with the record's own internal username exists (the record's
    /// primary key, compared exactly), as opposed to
    /// [`IndexKey::Username`], the folded username another user may own.
    Username,
    /// The index key belongs to another user of the pool.
    Index(IndexKey),
    /// A pool with that id exists.
    PoolId,
    /// A client with that id exists, in this pool or another.
    ClientId,
    /// A group with that name exists in the pool.
    GroupName,
    /// A refresh token with that digest exists.
    RefreshToken,
    /// A device with that key exists in the pool.
    DeviceKey,
}

impl fmt::Display for ConflictKey {
    /// Names the kind of key, never its value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Username => f.write_str("the username"),
            Self::Index(key) => write!(f, "the {} index key", key.kind()),
            Self::PoolId => f.write_str("the pool id"),
            Self::ClientId => f.write_str("the client id"),
            Self::GroupName => f.write_str("the group name"),
            Self::RefreshToken => f.write_str("the refresh token digest"),
            Self::DeviceKey => f.write_str("the device key"),
        }
    }
}

/// Why a store operation failed.
///
/// `Display` never quotes a stored value or a key: an error may be logged
/// or reach an API caller's message, and a value in it (an email address,
/// a password hash) would leak there. The backend's own error, which may
/// quote values (PostgreSQL's `DETAIL`, serde's message), stays reachable
/// through [`source`](std::error::Error::source) for a diagnosis that
/// chooses to read it; `Debug` does not print it either.
#[non_exhaustive]
#[derive(Clone)]
pub enum StoreError {
    /// A unique key is already taken: the username, an index key (username
    /// or unique alias), a pool id, client id, group name or refresh token.
    Conflict(ConflictKey),
    /// The record's version is not the one the caller read: someone else wrote it first.
    VersionMismatch,
    /// The record does not exist (any more).
    NotFound,
    /// The backend failed (I/O, connection, corruption).
    Unavailable {
        /// What failed, naming tables, columns or operations, never a
        /// stored value or a secret.
        message: String,
        /// The backend's own error, when there is one: what
        /// [`source`](std::error::Error::source) returns. It may quote
        /// stored values.
        source: Option<Arc<dyn StdError + Send + Sync>>,
    },
    /// A value the store cannot hold faithfully: a key or name longer than
    /// [`MAX_KEY_BYTES`](super::MAX_KEY_BYTES) or containing NUL, a value
    /// longer than [`MAX_VALUE_BYTES`](super::MAX_VALUE_BYTES), a number out
    /// of the backend's range. Nothing was written. The message names the
    /// field, never its content.
    InvalidInput(String),
}

impl StoreError {
    /// [`StoreError::Unavailable`] with `message` and no underlying error.
    #[must_use]
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::Unavailable {
            message: message.into(),
            source: None,
        }
    }

    /// [`StoreError::Unavailable`] with `message`, keeping `source` (the
    /// backend's error) reachable through
    /// [`source`](std::error::Error::source).
    #[must_use]
    pub fn unavailable_because(
        message: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self::Unavailable {
            message: message.into(),
            source: Some(Arc::from(source.into())),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Conflict(key) => write!(f, "{key} is already taken"),
            Self::VersionMismatch => f.write_str("the record was modified concurrently"),
            Self::NotFound => f.write_str("the record does not exist"),
            Self::Unavailable { message, .. } => write!(f, "store unavailable: {message}"),
            Self::InvalidInput(what) => write!(f, "invalid input: {what}"),
        }
    }
}

impl fmt::Debug for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Conflict(key) => f.debug_tuple("Conflict").field(key).finish(),
            Self::VersionMismatch => f.write_str("VersionMismatch"),
            Self::NotFound => f.write_str("NotFound"),
            Self::Unavailable { message, source } => f
                .debug_struct("Unavailable")
                .field("message", message)
                .field("source", &source.as_ref().map(|_| "[see Error::source]"))
                .finish(),
            Self::InvalidInput(what) => f.debug_tuple("InvalidInput").field(what).finish(),
        }
    }
}

/// Equal when of the same kind with the same key or message; the sources
/// of two `Unavailable` errors are not compared.
impl PartialEq for StoreError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Conflict(a), Self::Conflict(b)) => a == b,
            (Self::VersionMismatch, Self::VersionMismatch) | (Self::NotFound, Self::NotFound) => {
                true
            }
            (Self::Unavailable { message: a, .. }, Self::Unavailable { message: b, .. })
            | (Self::InvalidInput(a), Self::InvalidInput(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for StoreError {}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Unavailable {
                source: Some(source),
                ..
            } => Some(&**source),
            _ => None,
        }
    }
}
