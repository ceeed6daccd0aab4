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
//! Versioned by `PRAGMA user_version`: the migrations are an ordered list,
//! and opening a database applies the missing ones in one transaction. A
//! database written by a newer version of this crate is refused. Text keys
//! (pool ids, usernames, group names) are `TEXT` with SQLite's default
//! `BINARY` collation, which compares UTF-8 bytes: listings come out in byte
//! order, as from [`MemoryStore`](super::MemoryStore). Attributes are a JSON
//! object; timestamps are Unix milliseconds; digests and SRP verifiers are
//! blobs; `u64` ids are stored bit for bit as SQLite's signed 64-bit integers.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::types::FromSql;
use rusqlite::{
    Connection, ErrorCode, OptionalExtension, Row, Transaction, TransactionBehavior, params,
};

use super::{
    ClientRecord, CodePurpose, CodeRecord, CodeStore, GroupRecord, GroupStore, PoolRecord,
    PoolStore, RefreshTokenRecord, StoreError, StoreResult, TokenStore, UserRecord, UserStatus,
    UserStore, check_client, check_code, check_group, check_key, check_pool, check_refresh_token,
    check_user,
};
use crate::clock::Timestamp;
use crate::schema::Attributes;

/// How long a call waits for another process's lock before failing with
/// [`StoreError::Unavailable`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema migrations, in order; the database's `user_version` is the
/// number applied. Never edit a released entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    "
    CREATE TABLE users (
        pool TEXT NOT NULL,
        username TEXT NOT NULL,
        attributes TEXT NOT NULL,
        status TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        password_hash TEXT,
        srp_verifier BLOB,
        temporary_password_expires_at INTEGER,
        failed_sign_ins INTEGER NOT NULL,
        locked_until INTEGER,
        last_sign_in_attempt INTEGER,
        version INTEGER NOT NULL,
        PRIMARY KEY (pool, username)
    ) WITHOUT ROWID;

    CREATE TABLE user_keys (
        pool TEXT NOT NULL,
        key TEXT NOT NULL,
        username TEXT NOT NULL,
        PRIMARY KEY (pool, key),
        FOREIGN KEY (pool, username) REFERENCES users (pool, username) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX user_keys_by_owner ON user_keys (pool, username);

    CREATE TABLE codes (
        pool TEXT NOT NULL,
        username TEXT NOT NULL,
        purpose TEXT NOT NULL,
        id INTEGER NOT NULL,
        digest BLOB NOT NULL,
        attribute TEXT,
        destination TEXT,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        window_started_at INTEGER NOT NULL,
        window_attempts INTEGER NOT NULL,
        PRIMARY KEY (pool, username, purpose)
    ) WITHOUT ROWID;

    CREATE TABLE refresh_tokens (
        pool TEXT NOT NULL,
        digest BLOB NOT NULL,
        client_id TEXT NOT NULL,
        username TEXT NOT NULL,
        sub TEXT NOT NULL,
        origin_jti TEXT NOT NULL,
        event_id TEXT NOT NULL,
        auth_time INTEGER NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        replaced_at INTEGER,
        PRIMARY KEY (pool, digest)
    ) WITHOUT ROWID;
    CREATE INDEX refresh_tokens_by_user ON refresh_tokens (pool, username);
    CREATE INDEX refresh_tokens_by_family ON refresh_tokens (pool, origin_jti);

    -- Revoked families under both their names (origin_jti and event_id).
    CREATE TABLE revoked_families (
        pool TEXT NOT NULL,
        id TEXT NOT NULL,
        PRIMARY KEY (pool, id)
    ) WITHOUT ROWID;

    CREATE TABLE used_once (
        pool TEXT NOT NULL,
        id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (pool, id)
    ) WITHOUT ROWID;
    CREATE INDEX used_once_by_expiry ON used_once (expires_at);

    CREATE TABLE groups (
        pool TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT,
        role_arn TEXT,
        precedence INTEGER,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        PRIMARY KEY (pool, name)
    ) WITHOUT ROWID;

    CREATE TABLE memberships (
        pool TEXT NOT NULL,
        group_name TEXT NOT NULL,
        username TEXT NOT NULL,
        PRIMARY KEY (pool, group_name, username),
        FOREIGN KEY (pool, group_name) REFERENCES groups (pool, name) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX memberships_by_user ON memberships (pool, username);
    ",
    // 2: pools and app clients, so a restarted process serves the same ones.
    "
    CREATE TABLE pools (
        id TEXT NOT NULL PRIMARY KEY,
        definition TEXT NOT NULL,
        sealed_secrets BLOB NOT NULL,
        sealing_key_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        version INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- Client ids are unique across pools: the primary key is the id alone.
    CREATE TABLE clients (
        client_id TEXT NOT NULL PRIMARY KEY,
        pool TEXT NOT NULL,
        definition TEXT NOT NULL,
        sealed_secret BLOB,
        created_at INTEGER NOT NULL,
        modified_at INTEGER NOT NULL,
        version INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX clients_by_pool ON clients (pool, client_id);
    ",
    // 3: the attributes ListUsers filters search, by value, so a prefix
    // filter reads only the users it matches.
    "
    CREATE INDEX users_by_email ON users (pool, json_extract(attributes, '$.email'));
    CREATE INDEX users_by_phone_number ON users (pool, json_extract(attributes, '$.phone_number'));
    CREATE INDEX users_by_name ON users (pool, json_extract(attributes, '$.name'));
    CREATE INDEX users_by_given_name ON users (pool, json_extract(attributes, '$.given_name'));
    CREATE INDEX users_by_family_name ON users (pool, json_extract(attributes, '$.family_name'));
    CREATE INDEX users_by_preferred_username
        ON users (pool, json_extract(attributes, '$.preferred_username'));
    CREATE INDEX users_by_sub ON users (pool, json_extract(attributes, '$.sub'));
    ",
];

/// The attributes migration 3 indexes (`ListUsers`' searchable ones).
const INDEXED_ATTRIBUTES: [&str; 7] = [
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "sub",
];

/// The least string greater than every string that starts with `prefix`
/// (in UTF-8 byte order, which is code point order): `prefix` with its last
/// character replaced by the next one. `None` when there is none (an empty
/// prefix, or one of `U+10FFFF` only).
fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=0x10_FFFF).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

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
    /// [`StoreError::Unavailable`] when the file cannot be opened, a
    /// migration fails, or the database was written by a newer schema than
    /// this code knows.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(db)?;
        Self::init(conn, Some(path.to_owned()))
    }

    /// A fresh, private in-memory database (gone when the store is dropped).
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when SQLite cannot create it.
    pub fn open_in_memory() -> StoreResult<Self> {
        let conn = Connection::open_in_memory().map_err(db)?;
        Self::init(conn, None)
    }

    /// The schema version this code writes (the number of migrations).
    #[must_use]
    pub const fn schema_version() -> u32 {
        MIGRATIONS.len() as u32
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
        migrate(&mut conn)?;
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

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db)?;
    let current: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)?;
    let known = MIGRATIONS.len();
    let current = usize::try_from(current)
        .map_err(|_| StoreError::Unavailable(format!("invalid schema version {current}")))?;
    if current > known {
        return Err(StoreError::Unavailable(format!(
            "database schema version {current} is newer than this code supports ({known})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(sql)
            .map_err(|e| StoreError::Unavailable(format!("migration {}: {e}", i + 1)))?;
    }
    if current < known {
        tx.pragma_update(None, "user_version", known as i64)
            .map_err(db)?;
    }
    tx.commit().map_err(db)
}

/// A backend error as [`StoreError::Unavailable`]. SQLite's messages name
/// tables, columns and constraints, never bound values.
fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(format!("sqlite: {e}"))
}

fn is_constraint(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

/// Maps a failed insert: a constraint violation is a `Conflict` on `key`.
fn conflict_on(key: &str) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
    move |e| {
        if is_constraint(&e) {
            StoreError::Conflict {
                key: key.to_owned(),
            }
        } else {
            db(e)
        }
    }
}

/// The row `sql` selects with `params`, if any, converted.
fn query_one<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    convert: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(db)?;
    let rows = stmt.query(params).map_err(db)?;
    Ok(collect(rows, convert)?.pop())
}

fn immediate(conn: &mut Connection) -> StoreResult<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db)
}

/// Column `idx` of `row`, or `Unavailable` naming it.
fn col<T: FromSql>(row: &Row<'_>, idx: usize, name: &str) -> StoreResult<T> {
    row.get(idx)
        .map_err(|e| StoreError::Unavailable(format!("invalid stored {name}: {e}")))
}

fn ts(row: &Row<'_>, idx: usize, name: &str) -> StoreResult<Timestamp> {
    col::<i64>(row, idx, name).map(Timestamp::from_unix_millis)
}

fn opt_ts(row: &Row<'_>, idx: usize, name: &str) -> StoreResult<Option<Timestamp>> {
    Ok(col::<Option<i64>>(row, idx, name)?.map(Timestamp::from_unix_millis))
}

fn u32_col(row: &Row<'_>, idx: usize, name: &str) -> StoreResult<u32> {
    let v: i64 = col(row, idx, name)?;
    u32::try_from(v).map_err(|_| StoreError::Unavailable(format!("invalid stored {name}: {v}")))
}

fn digest_col(row: &Row<'_>, idx: usize, name: &str) -> StoreResult<[u8; 32]> {
    let v: Vec<u8> = col(row, idx, name)?;
    <[u8; 32]>::try_from(v.as_slice()).map_err(|_| {
        StoreError::Unavailable(format!(
            "invalid stored {name}: {} bytes, expected 32",
            v.len()
        ))
    })
}

fn millis(t: Timestamp) -> i64 {
    t.unix_millis()
}

fn opt_millis(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::unix_millis)
}

/// `limit` as an SQL `LIMIT` (saturating).
fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

fn version_param(v: u64) -> StoreResult<i64> {
    i64::try_from(v).map_err(|_| StoreError::Unavailable(format!("version {v} out of range")))
}

/// Runs a prepared query and converts every row.
fn collect<T>(
    mut rows: rusqlite::Rows<'_>,
    convert: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db)? {
        out.push(convert(row)?);
    }
    Ok(out)
}

/// One page of `select` (which filters on `pool = ?1`), in byte order of
/// `key`, strictly after `after` when given.
fn page<T>(
    conn: &Connection,
    select: &str,
    key: &str,
    (pool_id, after, limit): (&str, Option<&str>, usize),
    convert: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let cmp = if after.is_some() { ">" } else { ">=" };
    let mut stmt = conn
        .prepare_cached(&format!(
            "{select} AND {key} {cmp} ?2 ORDER BY {key} LIMIT ?3"
        ))
        .map_err(db)?;
    let rows = stmt
        .query(params![pool_id, after.unwrap_or(""), sql_limit(limit)])
        .map_err(db)?;
    collect(rows, convert)
}

// ---------------------------------------------------------------- users

const USER_COLS: &str = "u.username, u.attributes, u.status, u.enabled, u.created_at, \
     u.modified_at, u.password_hash, u.srp_verifier, u.temporary_password_expires_at, \
     u.failed_sign_ins, u.locked_until, u.last_sign_in_attempt, u.version";

fn user_from_row(row: &Row<'_>) -> StoreResult<UserRecord> {
    let attributes: String = col(row, 1, "attributes")?;
    let attributes: Attributes = serde_json::from_str(&attributes)
        .map_err(|e| StoreError::Unavailable(format!("invalid stored attributes: {e}")))?;
    let status: String = col(row, 2, "status")?;
    let status = UserStatus::parse(&status)
        .ok_or_else(|| StoreError::Unavailable(format!("invalid stored status {status:?}")))?;
    let version: i64 = col(row, 12, "version")?;
    let version = u64::try_from(version)
        .map_err(|_| StoreError::Unavailable(format!("invalid stored version {version}")))?;
    Ok(UserRecord {
        username: col(row, 0, "username")?,
        attributes,
        status,
        enabled: col(row, 3, "enabled")?,
        created_at: ts(row, 4, "created_at")?,
        modified_at: ts(row, 5, "modified_at")?,
        password_hash: col(row, 6, "password_hash")?,
        srp_verifier: col(row, 7, "srp_verifier")?,
        temporary_password_expires_at: opt_ts(row, 8, "temporary_password_expires_at")?,
        failed_sign_ins: u32_col(row, 9, "failed_sign_ins")?,
        locked_until: opt_ts(row, 10, "locked_until")?,
        last_sign_in_attempt: opt_ts(row, 11, "last_sign_in_attempt")?,
        version,
    })
}

fn attributes_json(user: &UserRecord) -> StoreResult<String> {
    serde_json::to_string(&user.attributes)
        .map_err(|e| StoreError::Unavailable(format!("cannot encode attributes: {e}")))
}

/// The username owning `key` in `pool_id`, if any.
fn key_owner(tx: &Transaction<'_>, pool_id: &str, key: &str) -> StoreResult<Option<String>> {
    let mut rows_stmt = tx
        .prepare_cached("SELECT username FROM user_keys WHERE pool = ?1 AND key = ?2")
        .map_err(db)?;
    let mut rows = rows_stmt.query(params![pool_id, key]).map_err(db)?;
    match rows.next().map_err(db)? {
        Some(row) => Ok(Some(col(row, 0, "username")?)),
        None => Ok(None),
    }
}

fn stored_version(tx: &Transaction<'_>, pool_id: &str, username: &str) -> StoreResult<Option<u64>> {
    let v: Option<i64> = tx
        .query_row(
            "SELECT version FROM users WHERE pool = ?1 AND username = ?2",
            params![pool_id, username],
            |r| r.get(0),
        )
        .optional()
        .map_err(db)?;
    v.map(|v| {
        u64::try_from(v).map_err(|_| StoreError::Unavailable(format!("invalid stored version {v}")))
    })
    .transpose()
}

fn index_keys(
    tx: &Transaction<'_>,
    pool_id: &str,
    username: &str,
    keys: &[String],
) -> StoreResult<()> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO user_keys (pool, key, username) VALUES (?1, ?2, ?3) \
             ON CONFLICT (pool, key) DO NOTHING",
        )
        .map_err(db)?;
    for k in keys {
        stmt.execute(params![pool_id, k, username]).map_err(db)?;
    }
    Ok(())
}

/// `UserStore::update_user` inside the caller's transaction.
fn update_user_in(
    tx: &Transaction<'_>,
    pool_id: &str,
    user: &UserRecord,
    expected_version: u64,
    keys: &[String],
) -> StoreResult<()> {
    match stored_version(tx, pool_id, &user.username)? {
        None => return Err(StoreError::NotFound),
        Some(v) if v != expected_version => return Err(StoreError::VersionMismatch),
        Some(_) => {}
    }
    for k in keys {
        if key_owner(tx, pool_id, k)?.is_some_and(|owner| owner != user.username) {
            return Err(StoreError::Conflict { key: k.clone() });
        }
    }
    let new_version = version_param(expected_version.saturating_add(1))?;
    let changed = tx
        .execute(
            "UPDATE users SET attributes = ?3, status = ?4, enabled = ?5, created_at = ?6, \
                 modified_at = ?7, password_hash = ?8, srp_verifier = ?9, \
                 temporary_password_expires_at = ?10, failed_sign_ins = ?11, \
                 locked_until = ?12, last_sign_in_attempt = ?13, version = ?14 \
                 WHERE pool = ?1 AND username = ?2 AND version = ?15",
            params![
                pool_id,
                user.username,
                attributes_json(user)?,
                user.status.as_str(),
                user.enabled,
                millis(user.created_at),
                millis(user.modified_at),
                user.password_hash,
                user.srp_verifier,
                opt_millis(user.temporary_password_expires_at),
                i64::from(user.failed_sign_ins),
                opt_millis(user.locked_until),
                opt_millis(user.last_sign_in_attempt),
                new_version,
                version_param(expected_version)?,
            ],
        )
        .map_err(db)?;
    if changed != 1 {
        return Err(StoreError::VersionMismatch);
    }
    tx.execute(
        "DELETE FROM user_keys WHERE pool = ?1 AND username = ?2",
        params![pool_id, user.username],
    )
    .map_err(db)?;
    index_keys(tx, pool_id, &user.username, keys)
}

impl UserStore for SqliteStore {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[String]) -> StoreResult<()> {
        check_user(pool_id, user, keys)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        if stored_version(&tx, pool_id, &user.username)?.is_some() {
            return Err(StoreError::Conflict {
                key: user.username.clone(),
            });
        }
        for k in keys {
            if key_owner(&tx, pool_id, k)?.is_some() {
                return Err(StoreError::Conflict { key: k.clone() });
            }
        }
        tx.execute(
            "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
             modified_at, password_hash, srp_verifier, temporary_password_expires_at, \
             failed_sign_ins, locked_until, last_sign_in_attempt, version) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)",
            params![
                pool_id,
                user.username,
                attributes_json(user)?,
                user.status.as_str(),
                user.enabled,
                millis(user.created_at),
                millis(user.modified_at),
                user.password_hash,
                user.srp_verifier,
                opt_millis(user.temporary_password_expires_at),
                i64::from(user.failed_sign_ins),
                opt_millis(user.locked_until),
                opt_millis(user.last_sign_in_attempt),
            ],
        )
        .map_err(conflict_on(&user.username))?;
        index_keys(&tx, pool_id, &user.username, keys)?;
        tx.commit().map_err(db)
    }

    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>> {
        query_one(
            &self.lock(),
            &format!("SELECT {USER_COLS} FROM users u WHERE u.pool = ?1 AND u.username = ?2"),
            params![pool_id, username],
            user_from_row,
        )
    }

    fn find_user(&self, pool_id: &str, key: &str) -> StoreResult<Option<UserRecord>> {
        query_one(
            &self.lock(),
            &format!(
                "SELECT {USER_COLS} FROM user_keys k \
                 JOIN users u ON u.pool = k.pool AND u.username = k.username \
                 WHERE k.pool = ?1 AND k.key = ?2"
            ),
            params![pool_id, key],
            user_from_row,
        )
    }

    fn update_user(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[String],
    ) -> StoreResult<()> {
        check_user(pool_id, user, keys)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        update_user_in(&tx, pool_id, user, expected_version, keys)?;
        tx.commit().map_err(db)
    }

    fn update_user_taking_code(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[String],
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<bool> {
        check_user(pool_id, user, keys)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let taken = tx
            .execute(
                "DELETE FROM codes WHERE pool = ?1 AND username = ?2 AND purpose = ?3 AND id = ?4",
                params![
                    pool_id,
                    user.username,
                    purpose.as_str(),
                    code_id.cast_signed()
                ],
            )
            .map_err(db)?;
        if taken != 1 {
            return Ok(false);
        }
        // On an error the transaction is dropped, rolled back: the code stays.
        update_user_in(&tx, pool_id, user, expected_version, keys)?;
        tx.commit().map_err(db)?;
        Ok(true)
    }

    fn delete_user(&self, pool_id: &str, username: &str, expected_version: u64) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        match stored_version(&tx, pool_id, username)? {
            None => return Err(StoreError::NotFound),
            Some(v) if v != expected_version => return Err(StoreError::VersionMismatch),
            Some(_) => {}
        }
        for sql in [
            "DELETE FROM user_keys WHERE pool = ?1 AND username = ?2",
            "DELETE FROM codes WHERE pool = ?1 AND username = ?2",
            "DELETE FROM memberships WHERE pool = ?1 AND username = ?2",
            "DELETE FROM refresh_tokens WHERE pool = ?1 AND username = ?2",
            "DELETE FROM users WHERE pool = ?1 AND username = ?2",
        ] {
            tx.execute(sql, params![pool_id, username]).map_err(db)?;
        }
        tx.commit().map_err(db)
    }

    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        let conn = self.lock();
        page(
            &conn,
            &format!("SELECT {USER_COLS} FROM users u WHERE u.pool = ?1"),
            "u.username",
            (pool_id, after, limit),
            user_from_row,
        )
    }

    fn list_users_by_attribute_prefix(
        &self,
        pool_id: &str,
        attribute: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        // Only the indexed attributes are named in the SQL text (the index
        // is used only when the expression matches it literally).
        let Some(attribute) = INDEXED_ATTRIBUTES.iter().find(|a| **a == attribute) else {
            return super::scan_users_by_attribute_prefix(
                self, pool_id, attribute, prefix, after, limit,
            );
        };
        let value = format!("json_extract(u.attributes, '$.{attribute}')");
        let upper = prefix_upper_bound(prefix);
        // Without ANALYZE statistics SQLite's planner prefers walking the
        // primary key in username order, evaluating json_extract on every
        // user of the pool (50 ms at 100 000 users); the attribute index
        // reads only the matches (0.2 ms). A non-empty prefix names the
        // index; an empty one matches every user that has the attribute,
        // where username order is the better walk.
        let hint = if prefix.is_empty() {
            String::new()
        } else {
            format!(" INDEXED BY users_by_{attribute}")
        };
        let mut sql = format!(
            "SELECT {USER_COLS} FROM users u{hint} WHERE u.pool = ?1 AND {value} >= ?2 \
             AND substr({value}, 1, length(?2)) = ?2 AND u.username > ?3"
        );
        if upper.is_some() {
            sql.push_str(&format!(" AND {value} < ?5"));
        }
        sql.push_str(" ORDER BY u.username LIMIT ?4");
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&sql).map_err(db)?;
        let after = after.unwrap_or("");
        let rows = match &upper {
            Some(upper) => stmt.query(params![pool_id, prefix, after, sql_limit(limit), upper]),
            None => stmt.query(params![pool_id, prefix, after, sql_limit(limit)]),
        }
        .map_err(db)?;
        collect(rows, user_from_row)
    }
}

// ---------------------------------------------------------------- codes

const CODE_COLS: &str = "id, digest, attribute, destination, issued_at, expires_at, attempts, \
     window_started_at, window_attempts";

fn code_from_row(row: &Row<'_>) -> StoreResult<CodeRecord> {
    Ok(CodeRecord {
        id: col::<i64>(row, 0, "code id")?.cast_unsigned(),
        digest: digest_col(row, 1, "code digest")?,
        attribute: col(row, 2, "code attribute")?,
        destination: col(row, 3, "code destination")?,
        issued_at: ts(row, 4, "code issued_at")?,
        expires_at: ts(row, 5, "code expires_at")?,
        attempts: u32_col(row, 6, "code attempts")?,
        window_started_at: ts(row, 7, "code window_started_at")?,
        window_attempts: u32_col(row, 8, "code window_attempts")?,
    })
}

impl CodeStore for SqliteStore {
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        check_code(pool_id, username, code)?;
        let conn = self.lock();
        conn.execute(
            "INSERT OR REPLACE INTO codes (pool, username, purpose, id, digest, attribute, \
             destination, issued_at, expires_at, attempts, window_started_at, window_attempts) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                pool_id,
                username,
                purpose.as_str(),
                code.id.cast_signed(),
                code.digest.as_slice(),
                code.attribute,
                code.destination,
                millis(code.issued_at),
                millis(code.expires_at),
                i64::from(code.attempts),
                millis(code.window_started_at),
                i64::from(code.window_attempts),
            ],
        )
        .map_err(db)?;
        Ok(())
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {CODE_COLS} FROM codes WHERE pool = ?1 AND username = ?2 AND purpose = ?3"
            ))
            .map_err(db)?;
        let rows = stmt
            .query(params![pool_id, username, purpose.as_str()])
            .map_err(db)?;
        Ok(collect(rows, code_from_row)?.pop())
    }

    fn record_code_attempt(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>> {
        // One statement: atomic on its own.
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "UPDATE codes SET attempts = MIN(attempts + 1, 4294967295), \
                 window_attempts = MIN(window_attempts + 1, 4294967295) \
                 WHERE pool = ?1 AND username = ?2 AND purpose = ?3 AND id = ?4 \
                 RETURNING attempts",
            )
            .map_err(db)?;
        let rows = stmt
            .query(params![
                pool_id,
                username,
                purpose.as_str(),
                code_id.cast_signed()
            ])
            .map_err(db)?;
        Ok(collect(rows, |r| u32_col(r, 0, "code attempts"))?.pop())
    }

    fn take_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<CodeRecord>> {
        // One statement: of concurrent takes, exactly one deletes the row.
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "DELETE FROM codes WHERE pool = ?1 AND username = ?2 AND purpose = ?3 \
                 AND id = ?4 RETURNING {CODE_COLS}"
            ))
            .map_err(db)?;
        let rows = stmt
            .query(params![
                pool_id,
                username,
                purpose.as_str(),
                code_id.cast_signed()
            ])
            .map_err(db)?;
        Ok(collect(rows, code_from_row)?.pop())
    }
}

// ---------------------------------------------------------------- tokens

fn refresh_from_row(row: &Row<'_>) -> StoreResult<RefreshTokenRecord> {
    Ok(RefreshTokenRecord {
        digest: digest_col(row, 0, "refresh token digest")?,
        client_id: col(row, 1, "refresh token client_id")?,
        username: col(row, 2, "refresh token username")?,
        sub: col(row, 3, "refresh token sub")?,
        origin_jti: col(row, 4, "refresh token origin_jti")?,
        event_id: col(row, 5, "refresh token event_id")?,
        auth_time: ts(row, 6, "refresh token auth_time")?,
        issued_at: ts(row, 7, "refresh token issued_at")?,
        expires_at: ts(row, 8, "refresh token expires_at")?,
        replaced_at: opt_ts(row, 9, "refresh token replaced_at")?,
        revoked: col(row, 10, "refresh token revoked")?,
    })
}

impl TokenStore for SqliteStore {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
        check_refresh_token(pool_id, token)?;
        let conn = self.lock();
        conn.execute(
            "INSERT INTO refresh_tokens (pool, digest, client_id, username, sub, origin_jti, \
             event_id, auth_time, issued_at, expires_at, replaced_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                pool_id,
                token.digest.as_slice(),
                token.client_id,
                token.username,
                token.sub,
                token.origin_jti,
                token.event_id,
                millis(token.auth_time),
                millis(token.issued_at),
                millis(token.expires_at),
                opt_millis(token.replaced_at),
            ],
        )
        .map_err(|e| {
            if is_constraint(&e) {
                StoreError::Conflict {
                    key: "refresh_token".to_owned(),
                }
            } else {
                db(e)
            }
        })?;
        Ok(())
    }

    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT t.digest, t.client_id, t.username, t.sub, t.origin_jti, t.event_id, \
                 t.auth_time, t.issued_at, t.expires_at, t.replaced_at, \
                 EXISTS (SELECT 1 FROM revoked_families f \
                         WHERE f.pool = t.pool AND f.id = t.origin_jti) \
                 FROM refresh_tokens t WHERE t.pool = ?1 AND t.digest = ?2",
            )
            .map_err(db)?;
        let rows = stmt
            .query(params![pool_id, digest.as_slice()])
            .map_err(db)?;
        Ok(collect(rows, refresh_from_row)?.pop())
    }

    fn mark_refresh_token_replaced(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
        at: Timestamp,
    ) -> StoreResult<bool> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let changed = tx
            .execute(
                "UPDATE refresh_tokens SET replaced_at = ?3 \
                 WHERE pool = ?1 AND digest = ?2 AND replaced_at IS NULL",
                params![pool_id, digest.as_slice(), millis(at)],
            )
            .map_err(db)?;
        if changed == 0 {
            let exists: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE pool = ?1 AND digest = ?2)",
                    params![pool_id, digest.as_slice()],
                    |r| r.get(0),
                )
                .map_err(db)?;
            return if exists {
                Ok(false)
            } else {
                Err(StoreError::NotFound)
            };
        }
        tx.commit().map_err(db)?;
        Ok(true)
    }

    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        tx.execute(
            "INSERT OR IGNORE INTO revoked_families (pool, id) VALUES (?1, ?2)",
            params![pool_id, origin_jti],
        )
        .map_err(db)?;
        tx.execute(
            "INSERT OR IGNORE INTO revoked_families (pool, id) \
             SELECT DISTINCT pool, event_id FROM refresh_tokens \
             WHERE pool = ?1 AND origin_jti = ?2",
            params![pool_id, origin_jti],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        tx.execute(
            "INSERT OR IGNORE INTO revoked_families (pool, id) \
             SELECT pool, origin_jti FROM refresh_tokens WHERE pool = ?1 AND username = ?2 \
             UNION \
             SELECT pool, event_id FROM refresh_tokens WHERE pool = ?1 AND username = ?2",
            params![pool_id, username],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        let conn = self.lock();
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM revoked_families WHERE pool = ?1 AND id = ?2)",
            params![pool_id, id],
            |r| r.get(0),
        )
        .map_err(db)
    }

    fn consume_once(&self, pool_id: &str, id: &str, expires_at: Timestamp) -> StoreResult<bool> {
        check_key("pool id", pool_id)?;
        check_key("one-time id", id)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        // Forget ids whose deadline passed long ago, so the table stays bounded.
        let horizon = expires_at.saturating_sub(Duration::from_secs(3600));
        tx.execute(
            "DELETE FROM used_once WHERE expires_at < ?1",
            params![millis(horizon)],
        )
        .map_err(db)?;
        let inserted = tx
            .execute(
                "INSERT OR IGNORE INTO used_once (pool, id, expires_at) VALUES (?1, ?2, ?3)",
                params![pool_id, id, millis(expires_at)],
            )
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(inserted == 1)
    }
}

// ---------------------------------------------------------------- groups

const GROUP_COLS: &str =
    "g.name, g.description, g.role_arn, g.precedence, g.created_at, g.modified_at";

fn group_from_row(row: &Row<'_>) -> StoreResult<GroupRecord> {
    let precedence: Option<i64> = col(row, 3, "group precedence")?;
    let precedence = precedence
        .map(|p| {
            u32::try_from(p).map_err(|_| {
                StoreError::Unavailable(format!("invalid stored group precedence {p}"))
            })
        })
        .transpose()?;
    Ok(GroupRecord {
        name: col(row, 0, "group name")?,
        description: col(row, 1, "group description")?,
        role_arn: col(row, 2, "group role_arn")?,
        precedence,
        created_at: ts(row, 4, "group created_at")?,
        modified_at: ts(row, 5, "group modified_at")?,
    })
}

fn group_exists(conn: &Connection, pool_id: &str, name: &str) -> StoreResult<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM groups WHERE pool = ?1 AND name = ?2)",
        params![pool_id, name],
        |r| r.get(0),
    )
    .map_err(db)
}

impl GroupStore for SqliteStore {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        check_group(pool_id, group)?;
        let conn = self.lock();
        conn.execute(
            "INSERT INTO groups (pool, name, description, role_arn, precedence, created_at, \
             modified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                pool_id,
                group.name,
                group.description,
                group.role_arn,
                group.precedence.map(i64::from),
                millis(group.created_at),
                millis(group.modified_at),
            ],
        )
        .map_err(conflict_on(&group.name))?;
        Ok(())
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        query_one(
            &self.lock(),
            &format!("SELECT {GROUP_COLS} FROM groups g WHERE g.pool = ?1 AND g.name = ?2"),
            params![pool_id, name],
            group_from_row,
        )
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        check_group(pool_id, group)?;
        let conn = self.lock();
        let changed = conn
            .execute(
                "UPDATE groups SET description = ?3, role_arn = ?4, precedence = ?5, \
                 created_at = ?6, modified_at = ?7 WHERE pool = ?1 AND name = ?2",
                params![
                    pool_id,
                    group.name,
                    group.description,
                    group.role_arn,
                    group.precedence.map(i64::from),
                    millis(group.created_at),
                    millis(group.modified_at),
                ],
            )
            .map_err(db)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        tx.execute(
            "DELETE FROM memberships WHERE pool = ?1 AND group_name = ?2",
            params![pool_id, name],
        )
        .map_err(db)?;
        let changed = tx
            .execute(
                "DELETE FROM groups WHERE pool = ?1 AND name = ?2",
                params![pool_id, name],
            )
            .map_err(db)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().map_err(db)
    }

    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        let conn = self.lock();
        page(
            &conn,
            &format!("SELECT {GROUP_COLS} FROM groups g WHERE g.pool = ?1"),
            "g.name",
            (pool_id, after, limit),
            group_from_row,
        )
    }

    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        check_key("username", username)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        if !group_exists(&tx, pool_id, group)? {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "INSERT OR IGNORE INTO memberships (pool, group_name, username) VALUES (?1, ?2, ?3)",
            params![pool_id, group, username],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        if !group_exists(&tx, pool_id, group)? {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "DELETE FROM memberships WHERE pool = ?1 AND group_name = ?2 AND username = ?3",
            params![pool_id, group, username],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {GROUP_COLS} FROM memberships m \
                 JOIN groups g ON g.pool = m.pool AND g.name = m.group_name \
                 WHERE m.pool = ?1 AND m.username = ?2 ORDER BY g.name"
            ))
            .map_err(db)?;
        let rows = stmt.query(params![pool_id, username]).map_err(db)?;
        collect(rows, group_from_row)
    }

    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        let mut conn = self.lock();
        // Deferred: a consistent snapshot for the existence check and the listing.
        let tx = conn.transaction().map_err(db)?;
        if !group_exists(&tx, pool_id, group)? {
            return Err(StoreError::NotFound);
        }
        let cmp = if after.is_some() { ">" } else { ">=" };
        let mut stmt = tx
            .prepare_cached(&format!(
                "SELECT username FROM memberships WHERE pool = ?1 AND group_name = ?2 \
                 AND username {cmp} ?3 ORDER BY username LIMIT ?4"
            ))
            .map_err(db)?;
        let rows = stmt
            .query(params![
                pool_id,
                group,
                after.unwrap_or(""),
                sql_limit(limit)
            ])
            .map_err(db)?;
        let users = collect(rows, |r| col(r, 0, "member username"))?;
        drop(stmt);
        tx.commit().map_err(db)?;
        Ok(users)
    }
}

// ---------------------------------------------------------------- pools and clients

const POOL_COLS: &str =
    "id, definition, sealed_secrets, sealing_key_id, created_at, modified_at, version";

fn version_col(row: &Row<'_>, idx: usize, name: &str) -> StoreResult<u64> {
    let v: i64 = col(row, idx, name)?;
    u64::try_from(v).map_err(|_| StoreError::Unavailable(format!("invalid stored {name} {v}")))
}

fn pool_from_row(row: &Row<'_>) -> StoreResult<PoolRecord> {
    Ok(PoolRecord {
        id: col(row, 0, "pool id")?,
        definition: col(row, 1, "pool definition")?,
        sealed_secrets: col(row, 2, "sealed pool secrets")?,
        sealing_key_id: col(row, 3, "sealing key id")?,
        created_at: ts(row, 4, "pool created_at")?,
        modified_at: ts(row, 5, "pool modified_at")?,
        version: version_col(row, 6, "pool version")?,
    })
}

const CLIENT_COLS: &str =
    "client_id, definition, sealed_secret, created_at, modified_at, version, pool";

fn client_from_row(row: &Row<'_>) -> StoreResult<ClientRecord> {
    Ok(ClientRecord {
        client_id: col(row, 0, "client id")?,
        definition: col(row, 1, "client definition")?,
        sealed_secret: col(row, 2, "sealed client secret")?,
        created_at: ts(row, 3, "client created_at")?,
        modified_at: ts(row, 4, "client modified_at")?,
        version: version_col(row, 5, "client version")?,
    })
}

/// After a compare-and-swap `UPDATE` changed no row: `NotFound` if the row
/// is gone, `VersionMismatch` if it is there with another version.
fn cas_failure(tx: &Transaction<'_>, exists_sql: &str, params: &[&str]) -> StoreResult<()> {
    let exists: bool = tx
        .query_row(exists_sql, rusqlite::params_from_iter(params), |r| r.get(0))
        .map_err(db)?;
    Err(if exists {
        StoreError::VersionMismatch
    } else {
        StoreError::NotFound
    })
}

impl PoolStore for SqliteStore {
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        check_pool(pool)?;
        let conn = self.lock();
        conn.execute(
            "INSERT INTO pools (id, definition, sealed_secrets, sealing_key_id, created_at, \
             modified_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
            params![
                pool.id,
                pool.definition,
                pool.sealed_secrets,
                pool.sealing_key_id,
                millis(pool.created_at),
                millis(pool.modified_at),
            ],
        )
        .map_err(conflict_on(&pool.id))?;
        Ok(())
    }

    fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!("SELECT {POOL_COLS} FROM pools WHERE id = ?1"))
            .map_err(db)?;
        let rows = stmt.query(params![id]).map_err(db)?;
        Ok(collect(rows, pool_from_row)?.pop())
    }

    fn update_pool(&self, pool: &PoolRecord, expected_version: u64) -> StoreResult<()> {
        check_pool(pool)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let changed = tx
            .execute(
                "UPDATE pools SET definition = ?2, sealed_secrets = ?3, sealing_key_id = ?4, \
                 created_at = ?5, modified_at = ?6, version = ?7 WHERE id = ?1 AND version = ?8",
                params![
                    pool.id,
                    pool.definition,
                    pool.sealed_secrets,
                    pool.sealing_key_id,
                    millis(pool.created_at),
                    millis(pool.modified_at),
                    version_param(expected_version.saturating_add(1))?,
                    version_param(expected_version)?,
                ],
            )
            .map_err(db)?;
        if changed != 1 {
            return cas_failure(
                &tx,
                "SELECT EXISTS (SELECT 1 FROM pools WHERE id = ?1)",
                &[&pool.id],
            );
        }
        tx.commit().map_err(db)
    }

    fn delete_pool(&self, id: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        for table in [
            "memberships",
            "groups",
            "used_once",
            "revoked_families",
            "refresh_tokens",
            "codes",
            "user_keys",
            "users",
            "clients",
        ] {
            tx.execute(&format!("DELETE FROM {table} WHERE pool = ?1"), params![id])
                .map_err(db)?;
        }
        let changed = tx
            .execute("DELETE FROM pools WHERE id = ?1", params![id])
            .map_err(db)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().map_err(db)
    }

    fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<PoolRecord>> {
        let conn = self.lock();
        let cmp = if after.is_some() { ">" } else { ">=" };
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {POOL_COLS} FROM pools WHERE id {cmp} ?1 ORDER BY id LIMIT ?2"
            ))
            .map_err(db)?;
        let rows = stmt
            .query(params![after.unwrap_or(""), sql_limit(limit)])
            .map_err(db)?;
        collect(rows, pool_from_row)
    }

    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
        check_client(pool_id, client)?;
        let conn = self.lock();
        conn.execute(
            "INSERT INTO clients (client_id, pool, definition, sealed_secret, created_at, \
             modified_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
            params![
                client.client_id,
                pool_id,
                client.definition,
                client.sealed_secret,
                millis(client.created_at),
                millis(client.modified_at),
            ],
        )
        .map_err(conflict_on(&client.client_id))?;
        Ok(())
    }

    fn get_client(&self, pool_id: &str, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        query_one(
            &self.lock(),
            &format!("SELECT {CLIENT_COLS} FROM clients WHERE client_id = ?1 AND pool = ?2"),
            params![client_id, pool_id],
            client_from_row,
        )
    }

    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {CLIENT_COLS} FROM clients WHERE client_id = ?1"
            ))
            .map_err(db)?;
        let rows = stmt.query(params![client_id]).map_err(db)?;
        let found = collect(rows, |r| {
            Ok((col(r, 6, "client pool")?, client_from_row(r)?))
        })?;
        Ok(found.into_iter().next())
    }

    fn update_client(
        &self,
        pool_id: &str,
        client: &ClientRecord,
        expected_version: u64,
    ) -> StoreResult<()> {
        check_client(pool_id, client)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let changed = tx
            .execute(
                "UPDATE clients SET definition = ?3, sealed_secret = ?4, created_at = ?5, \
                 modified_at = ?6, version = ?7 \
                 WHERE client_id = ?1 AND pool = ?2 AND version = ?8",
                params![
                    client.client_id,
                    pool_id,
                    client.definition,
                    client.sealed_secret,
                    millis(client.created_at),
                    millis(client.modified_at),
                    version_param(expected_version.saturating_add(1))?,
                    version_param(expected_version)?,
                ],
            )
            .map_err(db)?;
        if changed != 1 {
            return cas_failure(
                &tx,
                "SELECT EXISTS (SELECT 1 FROM clients WHERE client_id = ?1 AND pool = ?2)",
                &[&client.client_id, pool_id],
            );
        }
        tx.commit().map_err(db)
    }

    fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<()> {
        let conn = self.lock();
        let changed = conn
            .execute(
                "DELETE FROM clients WHERE client_id = ?1 AND pool = ?2",
                params![client_id, pool_id],
            )
            .map_err(db)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ClientRecord>> {
        let conn = self.lock();
        page(
            &conn,
            &format!("SELECT {CLIENT_COLS} FROM clients WHERE pool = ?1"),
            "client_id",
            (pool_id, after, limit),
            client_from_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::conformance;

    /// A unique path in the temp directory, deleted (with its WAL files) on drop.
    struct TempDb(PathBuf);

    impl TempDb {
        fn new(tag: &str) -> Self {
            use std::sync::atomic::{AtomicU64, Ordering};
            static N: AtomicU64 = AtomicU64::new(0);
            let n = N.fetch_add(1, Ordering::SeqCst);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            Self(std::env::temp_dir().join(format!(
                "userpool-sqlite-{tag}-{}-{nanos}-{n}.db",
                std::process::id()
            )))
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = self.0.clone().into_os_string();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
        }
    }

    #[test]
    fn in_memory_sqlite_store_passes_the_conformance_suite() {
        conformance::run_all(&|| Box::new(SqliteStore::open_in_memory().unwrap()));
    }

    #[test]
    fn file_sqlite_store_passes_the_conformance_suite() {
        let dbs = Mutex::new(Vec::new());
        conformance::run_all(&|| {
            let db = TempDb::new("conformance");
            let store = SqliteStore::open(&db.0).unwrap();
            dbs.lock().unwrap().push(db);
            Box::new(store)
        });
    }

    #[test]
    fn reopening_a_file_keeps_users_and_the_schema_version() {
        let db = TempDb::new("reopen");
        let alice = conformance::sample_user("alice");
        {
            let s = SqliteStore::open(&db.0).unwrap();
            s.insert_user("pool", &alice, &["username:alice".to_owned()])
                .unwrap();
        }
        let s = SqliteStore::open(&db.0).unwrap();
        let got = s.get_user("pool", "alice").unwrap().unwrap();
        assert_eq!(got.version, 1);
        assert_eq!(got.attributes, alice.attributes);
        assert_eq!(got.password_hash, alice.password_hash);
        assert_eq!(s.find_user("pool", "username:alice").unwrap().unwrap(), got);
        let v: i64 = s
            .lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, i64::from(SqliteStore::schema_version()));
    }

    #[test]
    fn every_user_field_round_trips() {
        let s = SqliteStore::open_in_memory().unwrap();
        let mut u = conformance::sample_user("bob");
        u.status = UserStatus::ForceChangePassword;
        u.enabled = false;
        u.srp_verifier = Some(vec![0, 1, 2, 255]);
        u.temporary_password_expires_at = Some(Timestamp::from_unix_millis(-5));
        u.failed_sign_ins = u32::MAX;
        u.locked_until = Some(Timestamp::from_unix_millis(i64::MAX));
        u.last_sign_in_attempt = Some(Timestamp::from_unix_millis(i64::MIN));
        s.insert_user("p", &u, &[]).unwrap();
        u.version = 1;
        assert_eq!(s.get_user("p", "bob").unwrap(), Some(u));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let db = TempDb::new("newer");
        {
            let s = SqliteStore::open(&db.0).unwrap();
            s.lock().pragma_update(None, "user_version", 999).unwrap();
        }
        match SqliteStore::open(&db.0) {
            Err(StoreError::Unavailable(msg)) => assert!(msg.contains("newer"), "{msg}"),
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }

    #[test]
    fn corrupt_rows_are_unavailable_not_panics() {
        let s = SqliteStore::open_in_memory().unwrap();
        s.insert_user("p", &conformance::sample_user("carol"), &["k".to_owned()])
            .unwrap();
        let corrupt = |sql: &str| {
            s.lock().execute(sql, []).unwrap();
        };
        let unavailable = |r: StoreResult<Option<UserRecord>>| {
            assert!(matches!(r, Err(StoreError::Unavailable(_))), "{r:?}");
        };

        corrupt("UPDATE users SET status = 'BOGUS'");
        unavailable(s.get_user("p", "carol"));
        unavailable(s.find_user("p", "k"));
        assert!(matches!(
            s.list_users("p", None, 10),
            Err(StoreError::Unavailable(_))
        ));

        // Malformed JSON cannot even be written (the attribute indexes parse
        // it); JSON of the wrong shape can.
        let conn = s.lock();
        assert!(
            conn.execute("UPDATE users SET attributes = '{not json'", [])
                .is_err()
        );
        drop(conn);
        corrupt("UPDATE users SET status = 'CONFIRMED', attributes = '{\"email\": 5}'");
        unavailable(s.get_user("p", "carol"));
        corrupt("UPDATE users SET attributes = '[]'");
        unavailable(s.get_user("p", "carol"));

        corrupt(
            "UPDATE users SET attributes = CAST(X'7B7D' AS TEXT), password_hash = CAST(X'FF' AS TEXT)",
        );
        unavailable(s.get_user("p", "carol"));

        corrupt("UPDATE users SET password_hash = NULL, version = -1");
        unavailable(s.get_user("p", "carol"));

        let code = CodeRecord {
            id: u64::MAX,
            digest: [7; 32],
            attribute: None,
            destination: None,
            issued_at: Timestamp::UNIX_EPOCH,
            expires_at: Timestamp::UNIX_EPOCH,
            attempts: 0,
            window_started_at: Timestamp::UNIX_EPOCH,
            window_attempts: 0,
        };
        s.put_code("p", "carol", CodePurpose::SignUp, &code)
            .unwrap();
        assert_eq!(
            s.get_code("p", "carol", CodePurpose::SignUp).unwrap(),
            Some(code)
        );
        corrupt("UPDATE codes SET digest = X'0102'");
        assert!(matches!(
            s.get_code("p", "carol", CodePurpose::SignUp),
            Err(StoreError::Unavailable(_))
        ));
    }
}
