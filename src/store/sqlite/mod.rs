//! [`SqliteStore`]: a persistent [`Store`](super::Store) in one SQLite database
//! file (the SQLite library is compiled in: the `bundled` feature of `rusqlite`).
//!
//! # Durability
//!
//! The database runs in WAL mode with `synchronous=FULL`: every committed
//! transaction is fsynced to the write-ahead log before the call returns, so
//! nothing a method acknowledged is lost on a power failure (`NORMAL` would
//! be faster but could drop the last commits). Foreign keys are enforced and
//! a busy timeout of 10 seconds lets several processes share one file.
//!
//! # Concurrency
//!
//! One [`rusqlite::Connection`] behind a [`Mutex`]: SQLite serialises writers
//! anyway, and one connection per store keeps in-memory databases coherent.
//! Every operation that runs more than one statement does so in one
//! `BEGIN IMMEDIATE` transaction, which takes the database's write lock at
//! its start, so compare-and-swap checks and the writes they guard are atomic
//! also against other processes that open the same file.
//!
//! # Schema
//!
//! Versioned by `PRAGMA user_version`: the migrations are an ordered list
//! of SQL files (`migrations/`), and opening a database applies the missing
//! ones in one transaction. A
//! database written by a newer version of this crate is refused. Text keys
//! (pool ids, usernames, group names) are `TEXT` with SQLite's default
//! `BINARY` collation, which compares UTF-8 bytes: listings come out in byte
//! order, as from [`MemoryStore`](super::MemoryStore). Attributes are a JSON
//! object, and so is a user's MFA state (NULL for none, as every user
//! stored before migration 7 has; its sealed secrets in base64);
//! timestamps are Unix milliseconds; digests, SRP verifiers and sealed
//! device verifiers are blobs; `u64` ids are stored bit for bit as SQLite's signed 64-bit integers
//! (the encodings of the shared SQL core, `store::sql`, which also decodes
//! every record).
//!
//! # Limits
//!
//! The store checks no limits itself: the [`Limited`](super::Limited)
//! layer every pool and registry puts in front of it does. SQLite holds
//! what the layer lets through, and more.
//!
//! # Layout
//!
//! One module per record family (`users`, `codes`, `tokens`, `ephemeral`,
//! `groups`, `devices`, `pools` with the app clients), `sweep` for what has expired, the connection and its query helpers in
//! `connection`, the schema in `migrations`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

use super::StoreResult;

mod codes;
mod connection;
mod devices;
mod ephemeral;
mod groups;
mod migrations;
mod pools;
mod sweep;
mod tokens;
mod users;

use connection::{BUSY_TIMEOUT, db};

/// A [`Store`](super::Store) in an SQLite database. See the module docs for
/// durability, concurrency and schema.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The file, or `None` for an in-memory database.
    path: Option<PathBuf>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`](super::StoreError::Unavailable) when the
    /// file cannot be opened, a migration fails, or the database was
    /// written by a newer schema than this code knows.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(db)?;
        Self::init(conn, Some(path.to_owned()))
    }

    /// A fresh, private in-memory database (gone when the store is dropped).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`](super::StoreError::Unavailable) when
    /// SQLite cannot create it.
    pub fn open_in_memory() -> StoreResult<Self> {
        let conn = Connection::open_in_memory().map_err(db)?;
        Self::init(conn, None)
    }

    /// The schema version this code writes (the number of migrations).
    #[must_use]
    pub const fn schema_version() -> u32 {
        migrations::MIGRATIONS.len() as u32
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> StoreResult<Self> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        // In-memory databases answer "memory": fine, they have no file.
        let _mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(db)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db)?;
        migrations::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held dropped its transaction, which
        // rolled back: the database is consistent.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod mfa_tests;
#[cfg(test)]
mod tests;
