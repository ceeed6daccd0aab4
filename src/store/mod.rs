//! Storage: the contracts a backend must keep, and the in-memory backend.
//!
//! The pool never holds a lock while it hashes: it reads a record, computes,
//! then writes back with a compare-and-swap on the record's `version`. Every
//! method's documentation states what an implementation must guarantee and
//! what breaks if it does not. The traits are synchronous, object-safe, take
//! `&self` and return owned records, so `Arc<dyn Store>` works and a store
//! can be shared by many pools and threads.
//!
//! Every key is scoped by the pool id: one store can hold many pools.
//!
//! A backend proves it keeps these contracts by passing
//! [`conformance`] (behind the `test-util` feature), unchanged.

use std::fmt;

use crate::clock::Timestamp;
use crate::schema::Attributes;

mod memory;

#[cfg(any(test, feature = "test-util"))]
pub mod conformance;

pub use memory::MemoryStore;

/// Why a store operation failed.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// An index key (username or unique alias) already belongs to another user.
    #[error("index key {key:?} is already taken")]
    Conflict {
        /// The first key found taken, exactly as passed in.
        key: String,
    },
    /// The record's version is not the one the caller read: someone else wrote it first.
    #[error("the record was modified concurrently")]
    VersionMismatch,
    /// The record does not exist (any more).
    #[error("the record does not exist")]
    NotFound,
    /// The backend failed (I/O, connection, corruption). The message must not contain secrets.
    #[error("store unavailable: {0}")]
    Unavailable(String),
}

/// Shorthand for results of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// A user's status, with Cognito's names (`UserStatusType`).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserStatus {
    /// Signed up, not yet confirmed.
    Unconfirmed,
    /// Confirmed: can sign in.
    Confirmed,
    /// Must reset the password (`ForgotPassword` / `ConfirmForgotPassword`) before signing in.
    ResetRequired,
    /// Created by an admin with a temporary password that must be changed at first sign-in.
    ForceChangePassword,
    /// Signed in through a federated identity provider.
    ExternalProvider,
    /// No longer used by Cognito; kept so every wire value round-trips.
    Archived,
    /// No longer used by Cognito; kept so every wire value round-trips.
    Compromised,
    /// No longer used by Cognito; kept so every wire value round-trips.
    Unknown,
}

impl UserStatus {
    /// Cognito's name: `UNCONFIRMED`, `CONFIRMED`, `FORCE_CHANGE_PASSWORD`, ...
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ResetRequired => "RESET_REQUIRED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ExternalProvider => "EXTERNAL_PROVIDER",
            Self::Archived => "ARCHIVED",
            Self::Compromised => "COMPROMISED",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// Parses Cognito's name (exact, upper case).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "UNCONFIRMED" => Self::Unconfirmed,
            "CONFIRMED" => Self::Confirmed,
            "RESET_REQUIRED" => Self::ResetRequired,
            "FORCE_CHANGE_PASSWORD" => Self::ForceChangePassword,
            "EXTERNAL_PROVIDER" => Self::ExternalProvider,
            "ARCHIVED" => Self::Archived,
            "COMPROMISED" => Self::Compromised,
            "UNKNOWN" => Self::Unknown,
            _ => return None,
        })
    }
}

impl fmt::Display for UserStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored user.
///
/// `attributes` includes `sub`. `password_hash` is an Argon2id PHC string,
/// never a plaintext password.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The internal username: immutable, unique in the pool, in the exact form
    /// it was created with (for email/phone-as-username pools, the `sub` UUID).
    pub username: String,
    /// All attributes by API name, `sub` included.
    pub attributes: Attributes,
    /// The account status.
    pub status: UserStatus,
    /// `false` after `AdminDisableUser`.
    pub enabled: bool,
    /// When the user was created.
    pub created_at: Timestamp,
    /// When the user was last modified.
    pub modified_at: Timestamp,
    /// Argon2id PHC string of the current password, if the user has one.
    pub password_hash: Option<String>,
    /// When the temporary password of a `FORCE_CHANGE_PASSWORD` user stops working.
    pub temporary_password_expires_at: Option<Timestamp>,
    /// The version the store holds. Set by the store: 1 on insert, +1 on
    /// every successful update. Callers pass the version they read back to
    /// [`UserStore::update_user`] as the compare-and-swap guard.
    pub version: u64,
}

impl UserRecord {
    /// The user's `sub` attribute (empty if absent, which a pool never stores).
    #[must_use]
    pub fn sub(&self) -> &str {
        self.attributes.get("sub").map_or("", String::as_str)
    }
}

impl fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRecord")
            .field("username", &self.username)
            .field("attributes", &self.attributes)
            .field("status", &self.status)
            .field("enabled", &self.enabled)
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "temporary_password_expires_at",
                &self.temporary_password_expires_at,
            )
            .field("version", &self.version)
            .finish()
    }
}

/// Users and the unique index keys that find them.
///
/// An *index key* is an opaque string the pool derives from a user
/// (`username:<folded name>`, `sub:<uuid>`, `email:<folded address>` when the
/// address must be unique, ...). The store treats keys as plain strings: it
/// only promises that one key belongs to at most one user of a pool.
pub trait UserStore: Send + Sync + fmt::Debug {
    /// Inserts `user` with its index `keys`, atomically.
    ///
    /// Must fail with [`StoreError::Conflict`] naming a taken key — and store
    /// nothing — when any key already belongs to a user of `pool_id`, or when
    /// a user with the same `username` exists. Two concurrent inserts that
    /// share a key must not both succeed: otherwise two accounts own one email
    /// address and sign-in resolves to either. The stored record gets
    /// `version == 1` whatever `user.version` says.
    ///
    /// # Errors
    /// `Conflict` as above; `Unavailable` on backend failure.
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[String]) -> StoreResult<()>;

    /// The user whose internal username is exactly `username`.
    ///
    /// # Errors
    /// `Unavailable` on backend failure. A missing user is `Ok(None)`.
    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>>;

    /// The user an index key belongs to.
    ///
    /// # Errors
    /// `Unavailable` on backend failure. An unknown key is `Ok(None)`.
    fn find_user(&self, pool_id: &str, key: &str) -> StoreResult<Option<UserRecord>>;

    /// Replaces the user named `user.username` and its index keys with
    /// `user` and `keys`, if and only if its stored version is still
    /// `expected_version` (compare-and-swap). On success the stored version
    /// becomes `expected_version + 1`.
    ///
    /// Must be atomic: either the record and all its keys change, or nothing
    /// does. Without the version check, two processes that read the same user
    /// would silently lose one of their writes (a password change undone by a
    /// concurrent attribute update).
    ///
    /// # Errors
    /// `VersionMismatch` when the stored version differs; `NotFound` when the
    /// user is gone; `Conflict` when a key belongs to another user;
    /// `Unavailable` on backend failure.
    fn update_user(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[String],
    ) -> StoreResult<()>;

    /// Deletes the user, its index keys and all its pending codes, if its
    /// stored version is still `expected_version`.
    ///
    /// # Errors
    /// `VersionMismatch`, `NotFound`, `Unavailable` as for `update_user`.
    fn delete_user(&self, pool_id: &str, username: &str, expected_version: u64) -> StoreResult<()>;

    /// Up to `limit` users of the pool in ascending byte order of internal
    /// username, starting strictly after `after` when given. Used for
    /// `ListUsers` pagination: a user created or deleted during a listing may
    /// or may not appear, but no user that exists throughout is skipped or
    /// listed twice.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>>;
}

/// What a one-time code is for. One code per user and purpose is pending at a time.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodePurpose {
    /// Confirming a sign-up (`ConfirmSignUp`).
    SignUp,
    /// Verifying the `email` attribute (`VerifyUserAttribute`).
    VerifyEmail,
    /// Verifying the `phone_number` attribute (`VerifyUserAttribute`).
    VerifyPhoneNumber,
    /// Resetting a forgotten password (`ConfirmForgotPassword`).
    ForgotPassword,
}

impl CodePurpose {
    /// A stable name, usable as a storage key.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignUp => "sign_up",
            Self::VerifyEmail => "verify_email",
            Self::VerifyPhoneNumber => "verify_phone_number",
            Self::ForgotPassword => "forgot_password",
        }
    }
}

/// A pending one-time code. Only a keyed digest of the code is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// A random identifier of this issue of the code; a resend gets a new one,
    /// so a failure or a take aimed at an old code never touches the new one.
    pub id: u64,
    /// HMAC-SHA256 of the code under the pool's code key (see `code` module).
    pub digest: [u8; 32],
    /// The attribute the code was sent to (`email`, `phone_number`).
    pub attribute: Option<String>,
    /// When the code was issued.
    pub issued_at: Timestamp,
    /// When the code stops working.
    pub expires_at: Timestamp,
    /// Wrong guesses so far.
    pub failed_attempts: u32,
}

impl fmt::Debug for CodeRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeRecord")
            .field("id", &self.id)
            .field("digest", &"[redacted]")
            .field("attribute", &self.attribute)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("failed_attempts", &self.failed_attempts)
            .finish()
    }
}

/// Pending one-time codes, keyed by pool, internal username and purpose.
pub trait CodeStore: Send + Sync + fmt::Debug {
    /// Stores `code` as the pending code for (`username`, `purpose`),
    /// replacing any previous one: after a resend the old code must stop
    /// working.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()>;

    /// The pending code for (`username`, `purpose`), if any (expired ones included:
    /// the caller decides expiry against its clock).
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>>;

    /// Adds one to `failed_attempts` of the pending code if its id is still
    /// `code_id`, atomically, and returns the new count; `Ok(None)` if that
    /// code is no longer pending. Counting must not lose increments under
    /// concurrency, or the attempt limit can be outrun by parallel guesses.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn record_code_failure(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>>;

    /// Removes and returns the pending code if its id is `code_id`.
    ///
    /// Single use: of any number of concurrent calls for one code, exactly one
    /// gets `Some`. A store that lets two callers take the same code lets one
    /// code confirm or reset twice.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn take_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<CodeRecord>>;
}

/// Everything a [`UserPool`](crate::UserPool) needs from storage.
///
/// Implemented automatically for every type that implements the parts.
pub trait Store: UserStore + CodeStore {}

impl<T: UserStore + CodeStore + ?Sized> Store for T {}
