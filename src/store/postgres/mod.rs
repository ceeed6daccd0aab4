//! [`PostgresStore`]: a [`Store`](super::Store) in PostgreSQL (12 or later),
//! shared by any number of processes, through the synchronous `postgres`
//! client (no async runtime is exposed; each connection drives itself).
//!
//! # Concurrency
//!
//! Several processes, each with its own `PostgresStore`, may share one
//! database; every guarantee of the store traits holds between them. The
//! database does the guarding, never a lock in this process:
//!
//! - **Uniqueness** of pool ids, usernames, index keys, group names, client
//!   ids, refresh token digests and one-time ids is a `PRIMARY KEY` of each
//!   table. A concurrent insert of a taken key waits for the other
//!   transaction and then fails with `unique_violation` (SQLSTATE 23505),
//!   reported as [`StoreError::Conflict`] naming the key.
//! - **Compare-and-swap** is `UPDATE … WHERE version = $expected`; when it
//!   changes no row, a second look tells [`StoreError::NotFound`] from
//!   [`StoreError::VersionMismatch`].
//! - **Single statements** carry the atomic operations: `record_code_attempt`
//!   is one `UPDATE … RETURNING`, `take_code` one `DELETE … RETURNING`,
//!   `consume_once` one `INSERT … ON CONFLICT DO NOTHING`,
//!   `mark_refresh_token_replaced` one conditional `UPDATE`, and
//!   `put_ephemeral` one `INSERT … ON CONFLICT DO NOTHING` (version 0) or
//!   one `UPDATE … WHERE version = $expected`, whose new version is the
//!   next value of a sequence, which never gives one twice.
//! - **Transactions** wrap every call that writes more than one row
//!   (inserting or updating a user with its keys, deleting a user, a group
//!   or a pool with everything under it). They run at `READ COMMITTED`, which
//!   re-checks an `UPDATE`'s or `DELETE`'s condition against the newest
//!   committed row after waiting for its lock, with explicit row locks where
//!   a check guards a later write: adding a member first locks the group
//!   row `FOR KEY SHARE`, so a concurrent `delete_group` either waits for
//!   the insert (and deletes it too) or makes it fail with `NotFound`;
//!   adding a client locks the pool row the same way when the pool is
//!   stored, and adding a membership, refresh token or device of a user locks
//!   that user's row when it exists, so that `delete_user` never leaves one
//!   behind for a user later created under the same name. A code is added
//!   only through that lock: `put_code` locks the user row, if it holds the
//!   given `sub`, in the statement that inserts the code, and inserts
//!   nothing when it finds none, so a code never outlives its user, even
//!   with `delete_user` running in another process.
//! - **Deleting a pool** races with calls that add rows under its id to
//!   tables it has no row lock on (users, codes, refresh tokens,
//!   revocations, one-time ids, ephemeral records, groups, devices). Those calls hold a
//!   transaction-scoped advisory lock on the pool id (`hashtext` of it)
//!   shared; `delete_pool` takes it exclusively before deleting anything.
//!   So it waits for the additions in flight and deletes them too, and an
//!   addition that starts meanwhile waits for its commit: nothing added
//!   before `delete_pool` commits survives it.
//! - **Retries**: a transaction or statement that PostgreSQL aborts with
//!   `serialization_failure` (40001, only under a database whose default
//!   isolation is stricter) or `deadlock_detected` (40P01, possible when two
//!   calls take the same keys in different orders) is rolled back and run
//!   again, up to 5 times with a short growing pause; after that the call
//!   fails with [`StoreError::Unavailable`]. Nothing else is retried: after
//!   a lost connection the outcome of the last statement is unknown.
//!
//! # Connections
//!
//! `postgres::Client` needs `&mut` access, so the store keeps its own
//! connections (a `ConnectionPool`, not to be confused with a user pool):
//! idle connections are reused (most recently used first), a new one is
//! opened when none is idle, up to `max_connections` (8 by default, see
//! [`PostgresStore::connect_with`]); a call that finds them all busy waits
//! for one, at most 30 seconds. A connection that reports itself closed or
//! whose call failed with anything but an ordinary SQL error is dropped, and
//! one idle for more than 30 seconds is checked before reuse. Each
//! connection caches its prepared statements.
//!
//! Connections are unencrypted (`NoTls`): use a local socket, a private
//! network or a TLS-terminating proxy. The connection URL may hold a
//! password: it appears in no `Debug` output and no error message.
//!
//! # Schema
//!
//! The tables live in the first schema of the connection's `search_path`,
//! or in the schema named to [`PostgresStore::connect_in_schema`], which
//! lets several applications (or test runs) share one database. The schema
//! is versioned in the one-row table `userpool_schema`: [`PostgresStore::connect`]
//! applies the missing migrations of an ordered list in one transaction,
//! holding a transaction-scoped advisory lock so that processes starting
//! together migrate once, and refuses a database written by a newer version
//! of this crate with [`StoreError::Unavailable`]. The database must use the
//! `UTF8` encoding.
//!
//! Text keys are `text COLLATE "C"`: listings come out in byte order, as
//! from [`MemoryStore`](super::MemoryStore), whatever the database's default
//! collation. A PostgreSQL B-tree cannot index a row of more than about
//! 2.7 kB, less than the [`MAX_KEY_BYTES`](super::MAX_KEY_BYTES) the store
//! must accept, so each primary key is the SHA-256 of the row's key fields
//! (a generated column `k`, computed by the `userpool_key*` functions) and
//! the indexes that order listings hold the first 128 characters of each
//! field, the rest of the order being settled by sorting the few rows that
//! share such a prefix.
//!
//! Attributes are a JSON object in `text`; free-form text values (password
//! hashes, group descriptions and roles, pool and client definitions) are
//! `bytea` holding UTF-8, so that they may contain NUL like in the other
//! stores; timestamps are Unix milliseconds; `u64` ids and versions are
//! stored bit for bit in `bigint`, `u32` counters in `bigint`. Reading a
//! row that breaks these rules fails with [`StoreError::Unavailable`] naming
//! the column, never its value (the shared SQL core, `store::sql`, decodes
//! every record and words every failure). PostgreSQL's `text` cannot hold
//! NUL: the [`Limited`](super::Limited) layer every pool and registry puts
//! in front of a store refuses keys with NUL before they are written (the
//! store checks no limits itself; called directly with one, it fails with
//! [`StoreError::Unavailable`]), and a lookup by one finds nothing without
//! asking the server.
//!
//! The attributes `ListUsers` searches (`email`, `phone_number`, `name`,
//! `given_name`, `family_name`, `preferred_username`, `sub`) are indexed
//! by value, the first 128 characters of each in byte order (migration 2),
//! so that [`list_users_by_attribute_prefix`](super::UserStore::list_users_by_attribute_prefix)
//! reads only the users a prefix matches. The indexed expression parses the
//! JSON with every `\u0000` escape read as `\u0001` (`jsonb` refuses NUL),
//! so no value, however long and whatever it holds, makes a write fail;
//! the store checks every match against the real value. JSON that does not
//! parse cannot be written at all. A user's MFA state is one more JSON
//! value in `text` (NULL for none, as every user stored before migration
//! 6 has), its sealed secrets in base64.
//!
//! # Layout
//!
//! One module per record family (`users`, `codes`, `tokens`, `ephemeral`,
//! `groups`, `devices`, `pools` with the app clients); the connections in `connections`; the
//! statement cache, the errors and their retries in `statements`; the
//! schema in `migrations`, one SQL file per migration.

use std::fmt;
use std::time::Duration;

use postgres::{Client, Config, IsolationLevel, Row, Transaction};

use super::{StoreError, StoreResult};
use crate::store::sql::sql_limit;

mod codes;
mod connections;
mod devices;
mod ephemeral;
mod groups;
mod migrations;
mod pools;
mod statements;
pub(super) mod sweep;
mod tokens;
mod users;

use connections::{CONNECT_TIMEOUT, Conn, ConnectionPool};
use statements::{Fail, Sql, breaks_connection, is_retryable, page_bound, pg_error, storable};

/// Connections a store opens at most unless told otherwise.
const DEFAULT_MAX_CONNECTIONS: usize = 8;

/// Runs of one call, the first included, when PostgreSQL aborts it with a
/// serialization failure or a deadlock.
const MAX_ATTEMPTS: u32 = 5;

/// Longest schema name PostgreSQL keeps (NAMEDATALEN - 1).
const MAX_SCHEMA_NAME: usize = 63;

/// A [`Store`](super::Store) in a PostgreSQL database, shared safely by
/// many processes. See the module docs for concurrency, connections and
/// schema.
pub struct PostgresStore {
    connections: ConnectionPool,
    /// `host:port/dbname`, for `Debug` (never the user or password).
    target: String,
    schema: Option<String>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("target", &self.target)
            .field("schema", &self.schema)
            .field("max_connections", &self.connections.max())
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url` (a `postgres://` URL or a
    /// `key=value` connection string, without TLS), with at most 8
    /// connections, and brings the schema in the first schema of the
    /// connection's `search_path` up to date.
    ///
    /// # Errors
    /// [`StoreError::InvalidInput`] when `url` cannot be parsed;
    /// [`StoreError::Unavailable`] when the server cannot be reached, the
    /// database is not `UTF8`, a migration fails, or the database was
    /// written by a newer schema than this code knows.
    pub fn connect(url: &str) -> StoreResult<Self> {
        Self::open(url, None, DEFAULT_MAX_CONNECTIONS)
    }

    /// Like [`connect`](Self::connect), with at most `max_connections`
    /// connections open at once (calls beyond that wait for a free one).
    ///
    /// # Errors
    /// As for [`connect`](Self::connect); [`StoreError::InvalidInput`] when
    /// `max_connections` is 0.
    pub fn connect_with(url: &str, max_connections: usize) -> StoreResult<Self> {
        Self::open(url, None, max_connections)
    }

    /// Like [`connect`](Self::connect), keeping every table in the schema
    /// `schema` (created if missing; every connection's `search_path` is
    /// set to it alone), so that several applications or test runs can
    /// share one database without seeing each other's data. The name must
    /// be 1 to 63 characters among `a-z`, `0-9` and `_`, not starting with
    /// a digit.
    ///
    /// # Errors
    /// As for [`connect`](Self::connect); [`StoreError::InvalidInput`] for
    /// an unacceptable schema name.
    pub fn connect_in_schema(url: &str, schema: &str) -> StoreResult<Self> {
        Self::open(url, Some(schema), DEFAULT_MAX_CONNECTIONS)
    }

    /// [`connect_in_schema`](Self::connect_in_schema) with at most
    /// `max_connections` connections.
    ///
    /// # Errors
    /// As for [`connect_in_schema`](Self::connect_in_schema) and
    /// [`connect_with`](Self::connect_with).
    pub fn connect_in_schema_with(
        url: &str,
        schema: &str,
        max_connections: usize,
    ) -> StoreResult<Self> {
        Self::open(url, Some(schema), max_connections)
    }

    /// The schema version this code writes (the number of migrations).
    #[must_use]
    pub const fn schema_version() -> u32 {
        migrations::MIGRATIONS.len() as u32
    }

    fn open(url: &str, schema: Option<&str>, max_connections: usize) -> StoreResult<Self> {
        if max_connections == 0 {
            return Err(StoreError::InvalidInput(
                "max_connections must be at least 1".to_owned(),
            ));
        }
        if let Some(s) = schema {
            check_schema_name(s)?;
        }
        // The parser's messages may quote the URL: say nothing of it.
        let mut config: Config = url.parse().map_err(|_| {
            StoreError::InvalidInput("the PostgreSQL connection URL cannot be parsed".to_owned())
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if let Some(s) = schema {
            let options = match config.get_options() {
                Some(o) if !o.trim().is_empty() => format!("{o} -c search_path={s}"),
                _ => format!("-c search_path={s}"),
            };
            config.options(&options);
        }
        let target = describe_target(&config);
        let store = Self {
            connections: ConnectionPool::new(config, max_connections),
            target,
            schema: schema.map(str::to_owned),
        };
        store.run(|conn| migrations::migrate(&mut conn.client, schema))?;
        Ok(store)
    }

    /// Runs `op` on one of the store's connections, again on serialization
    /// failures and deadlocks (up to [`MAX_ATTEMPTS`] runs in all).
    fn run<T>(&self, mut op: impl FnMut(&mut Conn) -> Result<T, Fail>) -> StoreResult<T> {
        let mut attempt = 1;
        loop {
            let mut checkout = self.connections.checkout()?;
            let result = match checkout.conn.as_mut() {
                Some(conn) => op(conn),
                None => return Err(StoreError::unavailable("no connection")),
            };
            match result {
                Ok(v) => return Ok(v),
                Err(Fail::Store(e)) => return Err(e),
                Err(Fail::Pg(e)) => {
                    if breaks_connection(&e) {
                        checkout.conn = None;
                    }
                    drop(checkout);
                    if is_retryable(&e) && attempt < MAX_ATTEMPTS {
                        std::thread::sleep(Duration::from_millis(5 << attempt));
                        attempt += 1;
                        continue;
                    }
                    return Err(pg_error(e));
                }
            }
        }
    }

    /// Runs `f` outside any explicit transaction: each statement commits
    /// on its own.
    fn auto<T>(
        &self,
        mut f: impl FnMut(&mut Sql<'_, Client>) -> Result<T, Fail>,
    ) -> StoreResult<T> {
        self.run(|conn| {
            f(&mut Sql {
                c: &mut conn.client,
                stmts: &mut conn.stmts,
            })
        })
    }

    /// Runs `f` in one `READ COMMITTED` transaction, committed when `f`
    /// returns `Ok` and rolled back otherwise.
    fn tx<T>(
        &self,
        f: impl FnMut(&mut Sql<'_, Transaction<'_>>) -> Result<T, Fail>,
    ) -> StoreResult<T> {
        self.tx_with(IsolationLevel::ReadCommitted, false, f)
    }

    /// Runs `f` in one read-only `REPEATABLE READ` transaction: one
    /// snapshot for several queries.
    fn snapshot<T>(
        &self,
        f: impl FnMut(&mut Sql<'_, Transaction<'_>>) -> Result<T, Fail>,
    ) -> StoreResult<T> {
        self.tx_with(IsolationLevel::RepeatableRead, true, f)
    }

    fn tx_with<T>(
        &self,
        level: IsolationLevel,
        read_only: bool,
        mut f: impl FnMut(&mut Sql<'_, Transaction<'_>>) -> Result<T, Fail>,
    ) -> StoreResult<T> {
        self.run(|conn| {
            let mut t = conn
                .client
                .build_transaction()
                .isolation_level(level)
                .read_only(read_only)
                .start()?;
            let v = f(&mut Sql {
                c: &mut t,
                stmts: &mut conn.stmts,
            })?;
            t.commit()?;
            Ok(v)
        })
    }

    /// One page of `select` (`SELECT … FROM <table>`) for the pool
    /// `pool_id` in `pool_col`, in byte order of `key_col`, strictly after
    /// `after` when given. The `left(…, 128)` terms are those the listing
    /// indexes hold (see the module docs).
    fn pool_page<T>(
        &self,
        select: &str,
        (pool_col, key_col): (&str, &str),
        (pool_id, after, limit): (&str, Option<&str>, usize),
        convert: fn(&Row) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        if !storable(&[pool_id]) {
            return Ok(Vec::new());
        }
        let (cmp, bound) = page_bound(after);
        let query = format!(
            "{select} WHERE left({pool_col}, 128) = left($1, 128) AND {pool_col} = $1 \
             AND left({key_col}, 128) >= left($2, 128) AND {key_col} {cmp} $2 \
             ORDER BY left({key_col}, 128), {key_col} LIMIT $3"
        );
        self.auto(|sql| {
            let rows = sql.query(&query, &[&pool_id, &bound, &sql_limit(limit)])?;
            Ok(rows.iter().map(convert).collect::<StoreResult<Vec<_>>>()?)
        })
    }
}

fn check_schema_name(s: &str) -> StoreResult<()> {
    let ok = !s.is_empty()
        && s.len() <= MAX_SCHEMA_NAME
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(())
    } else {
        Err(StoreError::InvalidInput(format!(
            "a schema name must be 1 to {MAX_SCHEMA_NAME} characters among a-z, 0-9 and _, \
             not starting with a digit"
        )))
    }
}

/// `host:port/dbname` of the first host, for `Debug`.
fn describe_target(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().unwrap_or("");
    format!("{host}:{port}/{db}")
}

#[cfg(test)]
mod tests;
