//! Storage: the contracts a backend must keep, and three backends:
//! [`MemoryStore`], `SqliteStore` (feature `sqlite`) and `PostgresStore`
//! (feature `postgres`). The README's "Choosing a store" compares them.
//!
//! The pool never holds a lock while it hashes: it reads a record, computes,
//! then writes back with a compare-and-swap on the record's `version`. Every
//! method's documentation states what an implementation must guarantee and
//! what breaks if it does not. The traits are synchronous, object-safe, take
//! `&self` and return owned records, so `Arc<dyn Store>` works and a store
//! can be shared by many pools and threads.
//!
//! Every key is scoped by the pool id: one store can hold many pools, and
//! [`PoolStore`] keeps the pools themselves and their app clients.
//!
//! Every store refuses, with [`StoreError::InvalidInput`] and before writing
//! anything, keys over [`MAX_KEY_BYTES`] or containing NUL and values over
//! [`MAX_VALUE_BYTES`] (the `check_*` functions), so an application tested
//! against [`MemoryStore`] meets the limits of PostgreSQL in production.
//!
//! A backend proves it keeps these contracts by passing
//! [`conformance`] (behind the `test-util` feature), unchanged.

use std::fmt;

use crate::clock::Timestamp;
pub use crate::code::{CodePurpose, CodeRecord};
use crate::schema::Attributes;

mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(any(test, feature = "test-util"))]
pub mod conformance;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

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
    /// A value the store cannot hold faithfully: a key or name longer than
    /// [`MAX_KEY_BYTES`] or containing NUL, a value longer than
    /// [`MAX_VALUE_BYTES`], a number out of the backend's range. Nothing was
    /// written. The message names the field, never its content.
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

/// The longest key or name a store must accept, in UTF-8 bytes: pool ids,
/// usernames, index keys, group names, client ids, token family ids. Longer
/// ones are [`StoreError::InvalidInput`] in every store, so an application
/// tested against [`MemoryStore`] meets the same limit in production.
pub const MAX_KEY_BYTES: usize = 4096;

/// The longest value a store must accept, in bytes: a user's attributes as
/// JSON, a pool or client definition, a sealed blob, a description.
pub const MAX_VALUE_BYTES: usize = 1 << 20;

/// Checks a key or name against the limits every store enforces: at most
/// [`MAX_KEY_BYTES`] bytes and no NUL (which PostgreSQL's `text` cannot
/// hold). Store implementations call it before writing.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming `field`.
pub fn check_key(field: &str, value: &str) -> StoreResult<()> {
    if value.len() > MAX_KEY_BYTES {
        return Err(StoreError::InvalidInput(format!(
            "{field} is {} bytes long, more than {MAX_KEY_BYTES}",
            value.len()
        )));
    }
    if value.contains('\0') {
        return Err(StoreError::InvalidInput(format!("{field} contains NUL")));
    }
    Ok(())
}

/// Checks a value's length against [`MAX_VALUE_BYTES`]. Store
/// implementations call it before writing.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming `field`.
pub fn check_value(field: &str, len: usize) -> StoreResult<()> {
    if len > MAX_VALUE_BYTES {
        return Err(StoreError::InvalidInput(format!(
            "{field} is {len} bytes long, more than {MAX_VALUE_BYTES}"
        )));
    }
    Ok(())
}

/// Shorthand for results of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Checks everything [`UserStore::insert_user`] and [`UserStore::update_user`]
/// write against the limits: the pool id, username and keys by
/// [`check_key`], the attributes (names and values together) and the
/// password hash and verifier by [`check_value`].
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the first field out of bounds.
pub fn check_user(pool_id: &str, user: &UserRecord, keys: &[String]) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("username", &user.username)?;
    for k in keys {
        check_key("index key", k)?;
    }
    let attributes: usize = user
        .attributes
        .iter()
        .map(|(name, value)| name.len() + value.len())
        .sum();
    check_value("attributes", attributes)?;
    check_value(
        "password hash",
        user.password_hash.as_ref().map_or(0, String::len),
    )?;
    check_value(
        "SRP verifier",
        user.srp_verifier.as_ref().map_or(0, Vec::len),
    )
}

/// Checks a group against the limits: its name by [`check_key`], its
/// description and role by [`check_value`].
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the first field out of bounds.
pub fn check_group(pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("group name", &group.name)?;
    check_value(
        "group description",
        group.description.as_ref().map_or(0, String::len),
    )?;
    check_value("group role", group.role_arn.as_ref().map_or(0, String::len))
}

/// Checks what [`CodeStore::put_code`] writes against [`check_key`]: the
/// pool id, the username, the code's attribute and destination.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the first field out of bounds.
pub fn check_code(pool_id: &str, username: &str, code: &CodeRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("username", username)?;
    check_key("code attribute", code.attribute.as_deref().unwrap_or(""))?;
    check_key(
        "code destination",
        code.destination.as_deref().unwrap_or(""),
    )
}

/// Checks a refresh token's names against [`check_key`].
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the first field out of bounds.
pub fn check_refresh_token(pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("client id", &token.client_id)?;
    check_key("username", &token.username)?;
    check_key("sub", &token.sub)?;
    check_key("origin_jti", &token.origin_jti)?;
    check_key("event_id", &token.event_id)
}

/// Checks a pool record against the limits.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the first field out of bounds.
pub fn check_pool(pool: &PoolRecord) -> StoreResult<()> {
    check_key("pool id", &pool.id)?;
    check_key("sealing key id", &pool.sealing_key_id)?;
    check_value("pool definition", pool.definition.len())?;
    check_value("sealed pool secrets", pool.sealed_secrets.len())
}

/// Checks a client record against the limits.
///
/// # Errors
/// [`StoreError::InvalidInput`] naming the first field out of bounds.
pub fn check_client(pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
    check_key("pool id", pool_id)?;
    check_key("client id", &client.client_id)?;
    check_value("client definition", client.definition.len())?;
    check_value(
        "sealed client secret",
        client.sealed_secret.as_ref().map_or(0, Vec::len),
    )
}

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
    /// The SRP verifier `(salt, v)` of the current password, sealed with a
    /// key derived from the pool secret (never stored beside it): `v` is a
    /// fast hash of the password and must not be readable from the store.
    /// `None` when the pool had no SRP client when the password was set.
    pub srp_verifier: Option<Vec<u8>>,
    /// When the temporary password of a `FORCE_CHANGE_PASSWORD` user stops working.
    pub temporary_password_expires_at: Option<Timestamp>,
    /// Consecutive failed sign-ins counted by the lockout rules (`lockout` module).
    pub failed_sign_ins: u32,
    /// Sign-in is refused until this instant (`Password attempts exceeded`).
    pub locked_until: Option<Timestamp>,
    /// The last sign-in attempt, right or wrong (the lockout counter resets
    /// after 15 idle minutes).
    pub last_sign_in_attempt: Option<Timestamp>,
    /// The version the store holds. Set by the store: 1 on insert, +1 on
    /// every successful update. Callers pass the version they read back to
    /// [`UserStore::update_user`] as the compare-and-swap guard.
    pub version: u64,
}

impl UserRecord {
    /// A new, enabled record created at `now`, with no password and no
    /// sign-in history. The store assigns the version.
    #[must_use]
    pub fn new(
        username: String,
        attributes: Attributes,
        status: UserStatus,
        now: Timestamp,
    ) -> Self {
        Self {
            username,
            attributes,
            status,
            enabled: true,
            created_at: now,
            modified_at: now,
            password_hash: None,
            srp_verifier: None,
            temporary_password_expires_at: None,
            failed_sign_ins: 0,
            locked_until: None,
            last_sign_in_attempt: None,
            version: 0,
        }
    }

    /// Whether the attribute `name` is present and starts with `prefix`,
    /// byte for byte: the match of
    /// [`UserStore::list_users_by_attribute_prefix`].
    #[must_use]
    pub fn attribute_starts_with(&self, name: &str, prefix: &str) -> bool {
        self.attributes
            .get(name)
            .is_some_and(|v| v.starts_with(prefix))
    }

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
                "srp_verifier",
                &self.srp_verifier.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "temporary_password_expires_at",
                &self.temporary_password_expires_at,
            )
            .field("failed_sign_ins", &self.failed_sign_ins)
            .field("locked_until", &self.locked_until)
            .field("last_sign_in_attempt", &self.last_sign_in_attempt)
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

    /// [`update_user`](Self::update_user) and, in the same atomic step,
    /// taking (deleting) the pending code for (`user.username`, `purpose`)
    /// if its id is still `code_id`. Returns `Ok(false)`, and changes
    /// nothing, when that code is no longer pending; on any error the code
    /// stays pending and the user unchanged.
    ///
    /// What a code confirms (an account, an address, a new password) and
    /// the code's use must happen together: taken first and the user write
    /// failing (a crash, a lost race), the user holds a used code and no
    /// change; the user written first, the same code could confirm twice.
    ///
    /// # Errors
    /// As [`update_user`](Self::update_user).
    fn update_user_taking_code(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[String],
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<bool>;

    /// Deletes the user, its index keys, its pending codes, its group
    /// memberships and its refresh tokens, if its stored version is still
    /// `expected_version`. A user later created with the same username must
    /// not inherit any of them.
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

    /// Up to `limit` users of the pool whose attribute `attribute` (a key of
    /// [`UserRecord::attributes`]) starts with `prefix`, byte for byte (an
    /// empty prefix matches every user that has the attribute), in ascending
    /// byte order of internal username, strictly after `after` when given.
    ///
    /// `ListUsers` uses it for case-sensitive filters on the searchable
    /// attributes (`email ^= "ali"`), so a store that indexes them answers
    /// without reading every user. The default pages through
    /// [`list_users`](Self::list_users) and filters: correct for any store,
    /// and as slow as reading every user.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn list_users_by_attribute_prefix(
        &self,
        pool_id: &str,
        attribute: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        scan_users_by_attribute_prefix(self, pool_id, attribute, prefix, after, limit)
    }
}

/// [`UserStore::list_users_by_attribute_prefix`] by reading every user
/// through [`UserStore::list_users`]: the default, and the fallback of
/// stores for attributes they do not index.
///
/// # Errors
/// What `list_users` returns.
pub fn scan_users_by_attribute_prefix<S: UserStore + ?Sized>(
    store: &S,
    pool_id: &str,
    attribute: &str,
    prefix: &str,
    after: Option<&str>,
    limit: usize,
) -> StoreResult<Vec<UserRecord>> {
    const BATCH: usize = 256;
    let mut out = Vec::new();
    let mut cursor = after.map(str::to_owned);
    while out.len() < limit {
        let batch = store.list_users(pool_id, cursor.as_deref(), BATCH)?;
        let exhausted = batch.len() < BATCH;
        cursor = batch.last().map(|u| u.username.clone());
        out.extend(
            batch
                .into_iter()
                .filter(|u| u.attribute_starts_with(attribute, prefix)),
        );
        if exhausted {
            break;
        }
    }
    out.truncate(limit);
    Ok(out)
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

    /// Adds one to `attempts` and to `window_attempts` of the pending code if its id is still
    /// `code_id`, atomically, and returns the new count; `Ok(None)` if that
    /// code is no longer pending. The pool calls it *before* comparing a
    /// submitted code, so every comparison is counted: a store that loses
    /// increments under concurrency lets parallel guesses outrun the limit.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn record_code_attempt(
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

/// A stored refresh token. Only its SHA-256 digest is kept: the token has
/// at least 256 random bits, so the digest cannot be inverted.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    /// SHA-256 of the token string; the lookup key.
    pub digest: [u8; 32],
    /// The app client it was issued to; it works with no other.
    pub client_id: String,
    /// The internal username of its owner.
    pub username: String,
    /// The owner's `sub`: a user later created under the same username is
    /// someone else and must not be able to use this token.
    pub sub: String,
    /// The `origin_jti` shared by every token of the authentication it came
    /// from, rotated refresh tokens included (its "family").
    pub origin_jti: String,
    /// When the user originally authenticated (`auth_time`, carried over on refresh).
    pub auth_time: Timestamp,
    /// When this token was issued.
    pub issued_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// The `event_id` of every token of the family: a second name for the
    /// family, by which access tokens that carry no `origin_jti` (clients
    /// with token revocation disabled) are still revoked by sign-out.
    pub event_id: String,
    /// When a rotation replaced it; it keeps working for the client's grace
    /// period after that, then its use is reuse.
    pub replaced_at: Option<Timestamp>,
    /// Whether its family was revoked. Set by the store on read; ignored on write.
    pub revoked: bool,
}

impl fmt::Debug for RefreshTokenRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshTokenRecord")
            .field("digest", &"[redacted]")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("sub", &self.sub)
            .field("origin_jti", &self.origin_jti)
            .field("event_id", &self.event_id)
            .field("auth_time", &self.auth_time)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("replaced_at", &self.replaced_at)
            .field("revoked", &self.revoked)
            .finish()
    }
}

/// Refresh tokens and revocation, keyed by pool.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Stores a new refresh token.
    ///
    /// # Errors
    /// `Conflict` if the digest exists (a 256-bit collision: never in
    /// practice); `Unavailable` on backend failure.
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()>;

    /// The refresh token with this digest, if stored, with `revoked` set when
    /// its family was revoked. The store must report revocation faithfully and
    /// callers must refuse a revoked token: that is what makes revocation and
    /// sign-out effective in every process that shares the store.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>>;

    /// Marks the token replaced at `at` if it has not been replaced yet, and
    /// returns whether this call did it. Of concurrent rotations of one token
    /// exactly one must win, or one token could fork into two live families.
    ///
    /// # Errors
    /// `NotFound` if the token is not stored; `Unavailable` on backend failure.
    fn mark_refresh_token_replaced(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
        at: Timestamp,
    ) -> StoreResult<bool>;

    /// Revokes every refresh token of the family `origin_jti` and remembers
    /// the family, and the `event_id` of its tokens, as revoked, so access
    /// tokens carrying either are refused.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()>;

    /// Revokes every refresh token family of the user, by `origin_jti` and
    /// `event_id` (global sign-out, disabling).
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()>;

    /// Whether the family named `id` (an `origin_jti` or an `event_id`) was revoked.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool>;

    /// Records the one-time id `id` as used and returns `true` if it was not
    /// used before; `false` on every later call. Used for sessions and SRP
    /// secret blocks: without it a captured challenge answer could be replayed.
    /// The store may forget ids after `expires_at` (the caller refuses expired
    /// ones itself). Callers give ids at most one hour of validity (sessions
    /// and secret blocks live 3 to 15 minutes), so a store may forget an id
    /// once an id consumed later expires more than an hour after it: the
    /// first has expired by then. Without a clock of its own, that is how a
    /// store keeps the set bounded.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn consume_once(&self, pool_id: &str, id: &str, expires_at: Timestamp) -> StoreResult<bool>;
}

/// A group of users (Cognito's `GroupType`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRecord {
    /// The group's name, unique in the pool.
    pub name: String,
    /// A free-text description (at most 2048 characters).
    pub description: Option<String>,
    /// An IAM role ARN carried into `cognito:roles`.
    pub role_arn: Option<String>,
    /// Lower is higher priority; `None` is lowest.
    pub precedence: Option<u32>,
    /// When the group was created.
    pub created_at: Timestamp,
    /// When the group was last modified.
    pub modified_at: Timestamp,
}

/// Groups and memberships, keyed by pool.
pub trait GroupStore: Send + Sync + fmt::Debug {
    /// Creates a group.
    ///
    /// # Errors
    /// `Conflict` when a group of that name exists; `Unavailable` on backend failure.
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()>;

    /// The group named `name`.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>>;

    /// Replaces the group's description, role and precedence.
    ///
    /// # Errors
    /// `NotFound` when the group does not exist; `Unavailable` on backend failure.
    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()>;

    /// Deletes the group and every membership in it.
    ///
    /// # Errors
    /// `NotFound` when the group does not exist; `Unavailable` on backend failure.
    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()>;

    /// Up to `limit` groups in byte order of name, strictly after `after`.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>>;

    /// Adds the user (internal username) to the group; adding twice is a no-op.
    ///
    /// # Errors
    /// `NotFound` when the group does not exist; `Unavailable` on backend failure.
    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()>;

    /// Removes the user from the group; removing a non-member is a no-op.
    ///
    /// # Errors
    /// `NotFound` when the group does not exist; `Unavailable` on backend failure.
    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()>;

    /// Every group the user belongs to, in name order.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>>;

    /// Up to `limit` members of the group in byte order of username, strictly after `after`.
    ///
    /// # Errors
    /// `NotFound` when the group does not exist; `Unavailable` on backend failure.
    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>>;
}

/// A persisted pool: what a restarted process needs to serve it again.
///
/// The store treats `definition` and `sealed_secrets` as opaque: the
/// registry writes the configuration as the JSON of a `CreateUserPool`
/// request, and the pool secret and signing keys sealed (AES-256-GCM) under
/// the master key whose identifier is `sealing_key_id`. No key appears in
/// plain text in a store.
#[derive(Clone, PartialEq, Eq)]
pub struct PoolRecord {
    /// The pool id, `<region>_<alphanumerics>`.
    pub id: String,
    /// The configuration (the JSON of a `CreateUserPool` request).
    pub definition: String,
    /// The pool secret and signing keys, sealed.
    pub sealed_secrets: Vec<u8>,
    /// Which master key sealed `sealed_secrets` (not the key itself).
    pub sealing_key_id: String,
    /// When the pool was created.
    pub created_at: Timestamp,
    /// When the pool was last modified.
    pub modified_at: Timestamp,
    /// Set by the store: 1 on insert, +1 on every update (compare-and-swap guard).
    pub version: u64,
}

impl fmt::Debug for PoolRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolRecord")
            .field("id", &self.id)
            .field("definition", &self.definition)
            .field("sealed_secrets", &"[redacted]")
            .field("sealing_key_id", &self.sealing_key_id)
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .field("version", &self.version)
            .finish()
    }
}

/// A persisted app client. Client ids are unique across every pool of a
/// store (they are 26 random characters), so a request that names only a
/// client finds its pool.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientRecord {
    /// The client id.
    pub client_id: String,
    /// The client's settings as JSON (opaque to the store).
    pub definition: String,
    /// The client secret, sealed under a key derived from the pool secret;
    /// `None` for a public client.
    pub sealed_secret: Option<Vec<u8>>,
    /// When the client was created.
    pub created_at: Timestamp,
    /// When the client was last modified.
    pub modified_at: Timestamp,
    /// Set by the store: 1 on insert, +1 on every update (compare-and-swap guard).
    pub version: u64,
}

impl fmt::Debug for ClientRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRecord")
            .field("client_id", &self.client_id)
            .field("definition", &self.definition)
            .field(
                "sealed_secret",
                &self.sealed_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("created_at", &self.created_at)
            .field("modified_at", &self.modified_at)
            .field("version", &self.version)
            .finish()
    }
}

/// Pools and their app clients: what lets a restarted process, or another
/// process sharing the store, serve the same pools and clients.
pub trait PoolStore: Send + Sync + fmt::Debug {
    /// Stores a new pool; its stored version becomes 1.
    ///
    /// # Errors
    /// `Conflict` when a pool with that id exists (nothing is written);
    /// `InvalidInput` beyond the limits; `Unavailable` on backend failure.
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()>;

    /// The pool `id`.
    ///
    /// # Errors
    /// `Unavailable` on backend failure. An unknown pool is `Ok(None)`.
    fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>>;

    /// Replaces the pool `pool.id` if its stored version is still
    /// `expected_version`; the stored version becomes `expected_version + 1`.
    /// Without the check, two processes updating one pool would silently
    /// lose one configuration change.
    ///
    /// # Errors
    /// `VersionMismatch`, `NotFound`, `InvalidInput`, `Unavailable`.
    fn update_pool(&self, pool: &PoolRecord, expected_version: u64) -> StoreResult<()>;

    /// Deletes the pool and everything stored under its id, atomically:
    /// clients, users and their index keys, codes, refresh tokens and
    /// revocations, one-time ids, groups and memberships. Nothing of a
    /// deleted pool may remain readable.
    ///
    /// # Errors
    /// `NotFound` when no such pool is stored; `Unavailable` on backend failure.
    fn delete_pool(&self, id: &str) -> StoreResult<()>;

    /// Up to `limit` pools in byte order of id, strictly after `after`.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<PoolRecord>>;

    /// Stores a new app client of the pool; its stored version becomes 1.
    /// The pool need not have a [`PoolRecord`]: a [`UserPool`](crate::UserPool)
    /// built in code keeps its clients here too.
    ///
    /// # Errors
    /// `Conflict` when a client with that id exists in any pool;
    /// `InvalidInput`; `Unavailable`.
    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()>;

    /// The client `client_id` of the pool.
    ///
    /// # Errors
    /// `Unavailable` on backend failure. An unknown client is `Ok(None)`.
    fn get_client(&self, pool_id: &str, client_id: &str) -> StoreResult<Option<ClientRecord>>;

    /// The pool id and record of the client `client_id`, whatever its pool.
    ///
    /// # Errors
    /// `Unavailable` on backend failure. An unknown client is `Ok(None)`.
    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>>;

    /// Replaces the client `client.client_id` of the pool if its stored
    /// version is still `expected_version` (compare-and-swap).
    ///
    /// # Errors
    /// `VersionMismatch`, `NotFound`, `InvalidInput`, `Unavailable`.
    fn update_client(
        &self,
        pool_id: &str,
        client: &ClientRecord,
        expected_version: u64,
    ) -> StoreResult<()>;

    /// Deletes the client.
    ///
    /// # Errors
    /// `NotFound` when the pool has no such client; `Unavailable`.
    fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<()>;

    /// Up to `limit` clients of the pool in byte order of id, strictly after `after`.
    ///
    /// # Errors
    /// `Unavailable` on backend failure.
    fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ClientRecord>>;
}

/// Everything a [`UserPool`](crate::UserPool) needs from storage.
///
/// Implemented automatically for every type that implements the parts.
pub trait Store: UserStore + CodeStore + TokenStore + GroupStore + PoolStore {}

impl<T: UserStore + CodeStore + TokenStore + GroupStore + PoolStore + ?Sized> Store for T {}
