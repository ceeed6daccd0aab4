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
//!   `mark_refresh_token_replaced` one conditional `UPDATE`.
//! - **Transactions** wrap every call that writes more than one row
//!   (inserting or updating a user with its keys, deleting a user, a group
//!   or a pool with everything under it). They run at `READ COMMITTED`, which
//!   re-checks an `UPDATE`'s or `DELETE`'s condition against the newest
//!   committed row after waiting for its lock, with explicit row locks where
//!   a check guards a later write: adding a member first locks the group
//!   row `FOR KEY SHARE`, so a concurrent `delete_group` either waits for
//!   the insert (and deletes it too) or makes it fail with `NotFound`;
//!   adding a client locks the pool row the same way when the pool is
//!   stored, and adding a membership, code or refresh token of a user locks
//!   that user's row when it exists, so that `delete_user` never leaves one
//!   behind for a user later created under the same name.
//! - **Deleting a pool** races with calls that add rows under its id to
//!   tables it has no row lock on (users, codes, refresh tokens,
//!   revocations, one-time ids, groups). Those calls hold a
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
//! `postgres::Client` needs `&mut` access, so the store keeps a small pool:
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
//! the column. PostgreSQL's `text` cannot hold NUL: keys with NUL are
//! refused on write ([`check_key`](super::check_key)), and a lookup by one
//! finds nothing without asking the server.
//!
//! The attributes `ListUsers` searches (`email`, `phone_number`, `name`,
//! `given_name`, `family_name`, `preferred_username`, `sub`) are indexed
//! by value, the first 128 characters of each in byte order (migration 2),
//! so that [`list_users_by_attribute_prefix`](UserStore::list_users_by_attribute_prefix)
//! reads only the users a prefix matches. The indexed expression parses the
//! JSON with every `\u0000` escape read as `\u0001` (`jsonb` refuses NUL),
//! so no value, however long and whatever it holds, makes a write fail;
//! the store checks every match against the real value. JSON that does not
//! parse cannot be written at all.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use postgres::error::{Severity, SqlState};
use postgres::types::{FromSql, ToSql};
use postgres::{Client, Config, GenericClient, IsolationLevel, NoTls, Row, Statement, Transaction};

use super::{
    ClientRecord, CodePurpose, CodeRecord, CodeStore, GroupRecord, GroupStore, PoolRecord,
    PoolStore, RefreshTokenRecord, StoreError, StoreResult, TokenStore, UserRecord, UserStatus,
    UserStore, check_client, check_code, check_group, check_key, check_pool, check_refresh_token,
    check_user,
};
use crate::clock::Timestamp;
use crate::schema::Attributes;

/// Connections a store opens at most unless told otherwise.
const DEFAULT_MAX_CONNECTIONS: usize = 8;

/// How long a call waits for a free connection when all are busy.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(30);

/// An idle connection older than this is checked before reuse.
const VALIDATE_IDLE_AFTER: Duration = Duration::from_secs(30);

/// How long opening a connection may take, unless the URL says otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs of one call, the first included, when PostgreSQL aborts it with a
/// serialization failure or a deadlock.
const MAX_ATTEMPTS: u32 = 5;

/// The advisory lock that serialises migrations (ASCII "userpool").
const MIGRATION_LOCK: i64 = 0x7573_6572_706f_6f6c;

/// The first half of the advisory lock of a pool id (ASCII "upol"); the
/// second is `hashtext(pool id)`. Writes that add rows to a pool hold it
/// shared, `delete_pool` exclusively.
const POOL_LOCK_CLASS: i32 = 0x7570_6f6c;

/// Takes the pool lock of `$1` shared, until the end of the transaction.
const POOL_LOCK_SHARED: &str =
    "SELECT pg_catalog.pg_advisory_xact_lock_shared(1970302828, pg_catalog.hashtext($1))";

/// [`POOL_LOCK_SHARED`] as a CTE, for a single statement that adds rows
/// (which then selects `FROM pool_lock`).
const WITH_POOL_LOCK: &str = "WITH pool_lock AS MATERIALIZED (SELECT \
     pg_catalog.pg_advisory_xact_lock_shared(1970302828, pg_catalog.hashtext($1)))";

/// A CTE that locks the user `$2` of pool `$1` `FOR KEY SHARE` if it
/// exists, for a statement that adds a row belonging to that user (which
/// then selects `FROM pool_lock LEFT JOIN owner_lock ON true`): a
/// concurrent `delete_user` either waits for the statement and deletes its
/// row too, or has committed first.
const OWNER_LOCK: &str = "owner_lock AS MATERIALIZED (SELECT 1 FROM users \
     WHERE k = userpool_key2($1, $2) AND pool = $1 AND username = $2 FOR KEY SHARE)";

/// Longest schema name PostgreSQL keeps (NAMEDATALEN - 1).
const MAX_SCHEMA_NAME: usize = 63;

/// The schema migrations, in order; `userpool_schema.version` is the number
/// applied. Never edit a released entry: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    r#"
    -- Row keys: SHA-256 of the key fields, each but the last prefixed by its
    -- length, so that no two field lists share one (text never holds NUL,
    -- and the database is UTF8, so convert_to is deterministic).
    CREATE FUNCTION userpool_key1(a text) RETURNS bytea
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.sha256(pg_catalog.convert_to(a, 'UTF8')) $$;
    CREATE FUNCTION userpool_key2(a text, b text) RETURNS bytea
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.sha256(pg_catalog.convert_to(
            pg_catalog.concat(pg_catalog.octet_length(a), ':', a, b), 'UTF8')) $$;
    CREATE FUNCTION userpool_key3(a text, b text, c text) RETURNS bytea
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.sha256(pg_catalog.convert_to(pg_catalog.concat(
            pg_catalog.octet_length(a), ':', a, pg_catalog.octet_length(b), ':', b, c),
            'UTF8')) $$;

    CREATE TABLE users (
        pool text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        attributes text NOT NULL,
        status text NOT NULL,
        enabled boolean NOT NULL,
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        password_hash bytea,
        srp_verifier bytea,
        temporary_password_expires_at bigint,
        failed_sign_ins bigint NOT NULL,
        locked_until bigint,
        last_sign_in_attempt bigint,
        version bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, username)) STORED PRIMARY KEY
    );
    CREATE INDEX users_order ON users (left(pool, 128), left(username, 128));

    CREATE TABLE user_keys (
        pool text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, key)) STORED PRIMARY KEY
    );
    CREATE INDEX user_keys_by_owner ON user_keys (userpool_key2(pool, username));
    CREATE INDEX user_keys_by_pool ON user_keys (left(pool, 128));

    CREATE TABLE codes (
        pool text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        purpose text COLLATE "C" NOT NULL,
        id bigint NOT NULL,
        digest bytea NOT NULL,
        attribute text,
        destination text,
        issued_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        attempts bigint NOT NULL,
        window_started_at bigint NOT NULL,
        window_attempts bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key3(pool, username, purpose)) STORED PRIMARY KEY
    );
    CREATE INDEX codes_by_owner ON codes (userpool_key2(pool, username));
    CREATE INDEX codes_by_pool ON codes (left(pool, 128));

    CREATE TABLE refresh_tokens (
        pool text COLLATE "C" NOT NULL,
        digest bytea NOT NULL,
        client_id text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        sub text COLLATE "C" NOT NULL,
        origin_jti text COLLATE "C" NOT NULL,
        event_id text COLLATE "C" NOT NULL,
        auth_time bigint NOT NULL,
        issued_at bigint NOT NULL,
        expires_at bigint NOT NULL,
        replaced_at bigint,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, encode(digest, 'hex'))) STORED
            PRIMARY KEY
    );
    CREATE INDEX refresh_tokens_by_user ON refresh_tokens (userpool_key2(pool, username));
    CREATE INDEX refresh_tokens_by_family ON refresh_tokens (userpool_key2(pool, origin_jti));
    CREATE INDEX refresh_tokens_by_pool ON refresh_tokens (left(pool, 128));

    -- Revoked families under both their names (origin_jti and event_id).
    CREATE TABLE revoked_families (
        pool text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, id)) STORED PRIMARY KEY
    );
    CREATE INDEX revoked_families_by_pool ON revoked_families (left(pool, 128));

    CREATE TABLE used_once (
        pool text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        expires_at bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, id)) STORED PRIMARY KEY
    );
    CREATE INDEX used_once_by_expiry ON used_once (expires_at);
    CREATE INDEX used_once_by_pool ON used_once (left(pool, 128));

    CREATE TABLE groups (
        pool text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        description bytea,
        role_arn bytea,
        precedence bigint,
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key2(pool, name)) STORED PRIMARY KEY
    );
    CREATE INDEX groups_order ON groups (left(pool, 128), left(name, 128));

    CREATE TABLE memberships (
        pool text COLLATE "C" NOT NULL,
        group_name text COLLATE "C" NOT NULL,
        username text COLLATE "C" NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key3(pool, group_name, username)) STORED
            PRIMARY KEY
    );
    CREATE INDEX memberships_order
        ON memberships (left(pool, 128), left(group_name, 128), left(username, 128));
    CREATE INDEX memberships_by_user ON memberships (userpool_key2(pool, username));

    CREATE TABLE pools (
        id text COLLATE "C" NOT NULL,
        definition bytea NOT NULL,
        sealed_secrets bytea NOT NULL,
        sealing_key_id text COLLATE "C" NOT NULL,
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        version bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key1(id)) STORED PRIMARY KEY
    );
    CREATE INDEX pools_order ON pools (left(id, 128));

    -- Client ids are unique across pools: the key is the id alone.
    CREATE TABLE clients (
        client_id text COLLATE "C" NOT NULL,
        pool text COLLATE "C" NOT NULL,
        definition bytea NOT NULL,
        sealed_secret bytea,
        created_at bigint NOT NULL,
        modified_at bigint NOT NULL,
        version bigint NOT NULL,
        k bytea GENERATED ALWAYS AS (userpool_key1(client_id)) STORED PRIMARY KEY
    );
    CREATE INDEX clients_order ON clients (left(pool, 128), left(client_id, 128));
    "#,
    // 2: the attributes ListUsers filters search, by value, so that a
    // prefix filter reads only the users it matches.
    r#"
    -- The value of one attribute, as the attribute indexes hold it. text
    -- cannot hold NUL, so jsonb refuses the escape \u0000: every \u0000 of
    -- the JSON becomes \u0001 before it is parsed. Only the last character
    -- of the six changes, so the JSON stays valid whether the backslash
    -- starts an escape or ends an escaped backslash: NUL becomes U+0001 and
    -- the characters `\u0000` become `\u0001`. That makes a few false
    -- matches, which the store filters out, and never a failed write.
    CREATE FUNCTION userpool_attribute(attributes text, attribute text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT pg_catalog.jsonb_object_field_text(pg_catalog.replace(
            attributes, E'\\u0000', E'\\u0001')::pg_catalog.jsonb, attribute) $$;

    -- The first 128 characters of each value (a B-tree row must stay under
    -- about 2.7 kB; values may be far longer), compared byte by byte. Not
    -- partial, though users without the attribute then have an entry too:
    -- the planner uses the statistics ANALYZE gathers on the expressions of
    -- full indexes only, and without them it cannot tell a prefix most users
    -- share (read the pool in username order) from a rare one (read the
    -- index).
    CREATE INDEX users_by_email ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'email'), 128) COLLATE "C"));
    CREATE INDEX users_by_phone_number ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'phone_number'), 128) COLLATE "C"));
    CREATE INDEX users_by_name ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'name'), 128) COLLATE "C"));
    CREATE INDEX users_by_given_name ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'given_name'), 128) COLLATE "C"));
    CREATE INDEX users_by_family_name ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'family_name'), 128) COLLATE "C"));
    CREATE INDEX users_by_preferred_username ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'preferred_username'), 128) COLLATE "C"));
    CREATE INDEX users_by_sub ON users (left(pool, 128),
        (left(userpool_attribute(attributes, 'sub'), 128) COLLATE "C"));
    "#,
];

/// The attributes migration 2 indexes (`ListUsers`' searchable ones).
const INDEXED_ATTRIBUTES: [&str; 7] = [
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "sub",
];

/// A [`Store`](super::Store) in a PostgreSQL database, shared safely by
/// many processes. See the module docs for concurrency, connections and
/// schema.
pub struct PostgresStore {
    pool: Pool,
    /// `host:port/dbname`, for `Debug` (never the user or password).
    target: String,
    schema: Option<String>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("target", &self.target)
            .field("schema", &self.schema)
            .field("max_connections", &self.pool.max)
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
        MIGRATIONS.len() as u32
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
            pool: Pool {
                config,
                max: max_connections,
                state: Mutex::new(PoolState {
                    idle: Vec::new(),
                    open: 0,
                }),
                freed: Condvar::new(),
            },
            target,
            schema: schema.map(str::to_owned),
        };
        store.run(|conn| migrate(&mut conn.client, schema))?;
        Ok(store)
    }

    /// Runs `op` on a pooled connection, again on serialization failures
    /// and deadlocks (up to [`MAX_ATTEMPTS`] runs in all).
    fn run<T>(&self, mut op: impl FnMut(&mut Conn) -> Result<T, Fail>) -> StoreResult<T> {
        let mut attempt = 1;
        loop {
            let mut checkout = self.pool.checkout()?;
            let result = match checkout.conn.as_mut() {
                Some(conn) => op(conn),
                None => return Err(StoreError::Unavailable("no connection".to_owned())),
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
                    return Err(pg_error(&e));
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

fn migrate(client: &mut Client, schema: Option<&str>) -> Result<(), Fail> {
    let encoding: String = col(
        &client.query_one("SELECT pg_catalog.current_setting('server_encoding')", &[])?,
        0,
        "server_encoding",
    )?;
    if encoding != "UTF8" {
        return Err(StoreError::Unavailable(format!(
            "the database encoding is {encoding}; userpool needs UTF8"
        ))
        .into());
    }
    let mut tx = client.transaction()?;
    tx.execute(
        "SELECT pg_catalog.pg_advisory_xact_lock($1)",
        &[&MIGRATION_LOCK],
    )?;
    if let Some(s) = schema {
        let exists = !tx
            .query(
                "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                &[&s],
            )?
            .is_empty();
        if !exists {
            // `s` is checked to be [a-z_][a-z0-9_]*: no quoting needed.
            tx.batch_execute(&format!("CREATE SCHEMA {s}"))?;
        }
    }
    tx.batch_execute("CREATE TABLE IF NOT EXISTS userpool_schema (version integer NOT NULL)")?;
    let rows = tx.query("SELECT version FROM userpool_schema", &[])?;
    let known = MIGRATIONS.len();
    let current = match rows.as_slice() {
        [] => 0,
        [row] => {
            let v: i32 = col(row, 0, "userpool_schema.version")?;
            usize::try_from(v).map_err(|_| {
                StoreError::Unavailable(format!("invalid stored schema version {v}"))
            })?
        }
        more => {
            return Err(StoreError::Unavailable(format!(
                "userpool_schema holds {} rows instead of one",
                more.len()
            ))
            .into());
        }
    };
    if current > known {
        return Err(StoreError::Unavailable(format!(
            "database schema version {current} is newer than this code supports ({known})"
        ))
        .into());
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(sql).map_err(|e| {
            StoreError::Unavailable(format!("migration {}: {}", i + 1, describe(&e)))
        })?;
    }
    if current < known {
        let v = i32::try_from(known)
            .map_err(|_| StoreError::Unavailable("too many migrations".to_owned()))?;
        if rows.is_empty() {
            tx.execute("INSERT INTO userpool_schema (version) VALUES ($1)", &[&v])?;
        } else {
            tx.execute("UPDATE userpool_schema SET version = $1", &[&v])?;
        }
    }
    tx.commit()?;
    Ok(())
}

// ---------------------------------------------------------------- connection pool

/// One connection and its prepared statements.
struct Conn {
    client: Client,
    stmts: HashMap<String, Statement>,
}

struct Idle {
    conn: Conn,
    since: Instant,
}

struct PoolState {
    idle: Vec<Idle>,
    /// Connections open, idle or checked out.
    open: usize,
}

struct Pool {
    config: Config,
    max: usize,
    state: Mutex<PoolState>,
    /// Signalled when a connection is returned or closed.
    freed: Condvar,
}

/// A connection taken from the pool; returned on drop, or closed if
/// `conn` was set to `None`.
struct Checkout<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Drop for Checkout<'_> {
    fn drop(&mut self) {
        self.pool.give_back(self.conn.take());
    }
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        // The state is a list and a count, consistent between statements.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn checkout(&self) -> StoreResult<Checkout<'_>> {
        let deadline = Instant::now() + CHECKOUT_TIMEOUT;
        let mut st = self.lock();
        loop {
            if let Some(idle) = st.idle.pop() {
                drop(st);
                let mut conn = idle.conn;
                let healthy = !conn.client.is_closed()
                    && (idle.since.elapsed() < VALIDATE_IDLE_AFTER
                        || conn.client.is_valid(CONNECT_TIMEOUT).is_ok());
                if healthy {
                    return Ok(Checkout {
                        pool: self,
                        conn: Some(conn),
                    });
                }
                self.give_back(None);
                st = self.lock();
                continue;
            }
            if st.open < self.max {
                st.open += 1;
                drop(st);
                return match self.config.connect(NoTls) {
                    Ok(client) => Ok(Checkout {
                        pool: self,
                        conn: Some(Conn {
                            client,
                            stmts: HashMap::new(),
                        }),
                    }),
                    Err(e) => {
                        self.give_back(None);
                        Err(pg_error(&e))
                    }
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(StoreError::Unavailable(format!(
                    "all {} PostgreSQL connections stayed busy for {} s",
                    self.max,
                    CHECKOUT_TIMEOUT.as_secs()
                )));
            }
            st = self
                .freed
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Returns a connection to the idle list, or, given `None` or a closed
    /// connection, forgets its slot.
    fn give_back(&self, conn: Option<Conn>) {
        let conn = conn.filter(|c| !c.client.is_closed());
        let mut st = self.lock();
        match conn {
            Some(conn) => st.idle.push(Idle {
                conn,
                since: Instant::now(),
            }),
            None => st.open = st.open.saturating_sub(1),
        }
        drop(st);
        self.freed.notify_one();
    }
}

// ---------------------------------------------------------------- errors

/// Why a closure run by [`PostgresStore::run`] failed: a final answer, or
/// a PostgreSQL error that may be retried.
enum Fail {
    Store(StoreError),
    Pg(postgres::Error),
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<postgres::Error> for Fail {
    fn from(e: postgres::Error) -> Self {
        Self::Pg(e)
    }
}

/// A PostgreSQL error in words that hold no bound value: the server's
/// message and SQLSTATE (never its `DETAIL`, which can quote a row), or
/// the client's own description.
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} (SQLSTATE {})", db.message(), db.code().code());
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

fn pg_error(e: &postgres::Error) -> StoreError {
    StoreError::Unavailable(format!("postgres: {}", describe(e)))
}

fn is_retryable(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::T_R_DEADLOCK_DETECTED
            || is_stale_statement(c)
    )
}

/// `cached plan must not change result type`: a prepared statement of
/// this connection outlived a change of a column's type (a migration run
/// by a newer process). The statement did not run; a fresh connection
/// prepares it anew.
fn is_stale_statement(code: &SqlState) -> bool {
    *code == SqlState::FEATURE_NOT_SUPPORTED
}

/// Whether the connection that returned `e` must not be reused: anything
/// but an ordinary SQL error (I/O, protocol, a closed connection), a fatal
/// one or a connection exception (the server is ending the session), or a
/// stale prepared statement.
fn breaks_connection(e: &postgres::Error) -> bool {
    e.is_closed()
        || e.as_db_error().is_none_or(|db| {
            matches!(
                db.parsed_severity(),
                Some(Severity::Fatal | Severity::Panic)
            ) || db.code().code().starts_with("08")
                || is_stale_statement(db.code())
        })
}

fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// `r`, with a unique violation turned into [`StoreError::Conflict`] on `key`.
fn or_conflict<T>(r: Result<T, Fail>, key: &str) -> Result<T, Fail> {
    match r {
        Err(Fail::Pg(e)) if is_unique_violation(&e) => Err(StoreError::Conflict {
            key: key.to_owned(),
        }
        .into()),
        other => other,
    }
}

// ---------------------------------------------------------------- statements

/// A client or transaction and the statement cache of its connection.
struct Sql<'a, C> {
    c: &'a mut C,
    stmts: &'a mut HashMap<String, Statement>,
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<C: GenericClient> Sql<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<Statement, Fail> {
        if let Some(s) = self.stmts.get(sql) {
            return Ok(s.clone());
        }
        let s = self.c.prepare(sql)?;
        self.stmts.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Fail> {
        let s = self.statement(sql)?;
        Ok(self.c.query(&s, params)?)
    }

    /// The first row, if any.
    fn opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, Fail> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Fail> {
        let s = self.statement(sql)?;
        Ok(self.c.execute(&s, params)?)
    }

    /// The boolean of a `SELECT EXISTS (...)`.
    fn exists(&mut self, sql: &str, params: Params<'_>) -> Result<bool, Fail> {
        match self.opt(sql, params)? {
            Some(row) => Ok(col(&row, 0, "exists")?),
            None => Ok(false),
        }
    }
}

// ---------------------------------------------------------------- values

/// Whether every part can be stored: text in PostgreSQL cannot hold NUL,
/// so a lookup by a key with NUL finds nothing (without asking).
fn storable(parts: &[&str]) -> bool {
    !parts.iter().any(|p| p.contains('\0'))
}

/// Column `idx` of `row`, or `Unavailable` naming it.
fn col<'a, T: FromSql<'a>>(row: &'a Row, idx: usize, name: &str) -> StoreResult<T> {
    row.try_get(idx)
        .map_err(|e| StoreError::Unavailable(format!("invalid stored {name}: {}", describe(&e))))
}

fn ts(row: &Row, idx: usize, name: &str) -> StoreResult<Timestamp> {
    col::<i64>(row, idx, name).map(Timestamp::from_unix_millis)
}

fn opt_ts(row: &Row, idx: usize, name: &str) -> StoreResult<Option<Timestamp>> {
    Ok(col::<Option<i64>>(row, idx, name)?.map(Timestamp::from_unix_millis))
}

fn u32_col(row: &Row, idx: usize, name: &str) -> StoreResult<u32> {
    let v: i64 = col(row, idx, name)?;
    u32::try_from(v).map_err(|_| StoreError::Unavailable(format!("invalid stored {name}: {v}")))
}

fn version_col(row: &Row, idx: usize, name: &str) -> StoreResult<u64> {
    let v: i64 = col(row, idx, name)?;
    u64::try_from(v).map_err(|_| StoreError::Unavailable(format!("invalid stored {name}: {v}")))
}

fn digest_col(row: &Row, idx: usize, name: &str) -> StoreResult<[u8; 32]> {
    let v: Vec<u8> = col(row, idx, name)?;
    <[u8; 32]>::try_from(v.as_slice()).map_err(|_| {
        StoreError::Unavailable(format!(
            "invalid stored {name}: {} bytes, expected 32",
            v.len()
        ))
    })
}

/// A `bytea` column holding UTF-8 text.
fn utf8_col(row: &Row, idx: usize, name: &str) -> StoreResult<String> {
    let v: Vec<u8> = col(row, idx, name)?;
    String::from_utf8(v)
        .map_err(|_| StoreError::Unavailable(format!("invalid stored {name}: not UTF-8")))
}

fn opt_utf8_col(row: &Row, idx: usize, name: &str) -> StoreResult<Option<String>> {
    let v: Option<Vec<u8>> = col(row, idx, name)?;
    v.map(|v| {
        String::from_utf8(v)
            .map_err(|_| StoreError::Unavailable(format!("invalid stored {name}: not UTF-8")))
    })
    .transpose()
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

/// The stored form of an expected version. A version beyond `i64::MAX` was
/// never stored: it becomes -1, which matches no row.
fn expected_param(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(-1)
}

/// The stored form of the version after `expected`.
fn next_version(expected: u64) -> StoreResult<i64> {
    expected
        .checked_add(1)
        .and_then(|v| i64::try_from(v).ok())
        .ok_or_else(|| StoreError::InvalidInput(format!("version {expected} out of range")))
}

/// The comparison and bound of a page "strictly after `after`", or from
/// the start. Text cannot hold NUL: every storable string greater than
/// `a\0…` is greater than `a`, so the bound is cut at its first NUL.
fn page_bound(after: Option<&str>) -> (&'static str, &str) {
    match after {
        Some(a) => (">", a.split('\0').next().unwrap_or("")),
        None => (">=", ""),
    }
}

impl PostgresStore {
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

// ---------------------------------------------------------------- users

const USER_COLS: &str = "u.username, u.attributes, u.status, u.enabled, u.created_at, \
     u.modified_at, u.password_hash, u.srp_verifier, u.temporary_password_expires_at, \
     u.failed_sign_ins, u.locked_until, u.last_sign_in_attempt, u.version";

fn user_from_row(row: &Row) -> StoreResult<UserRecord> {
    let attributes: String = col(row, 1, "attributes")?;
    let attributes: Attributes = serde_json::from_str(&attributes).map_err(|e| {
        // serde's message can quote the value: give only where it broke.
        StoreError::Unavailable(format!(
            "invalid stored attributes: not a JSON object of strings (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    let status: String = col(row, 2, "status")?;
    let status = UserStatus::parse(&status).ok_or_else(|| {
        StoreError::Unavailable("invalid stored status: not a user status".to_owned())
    })?;
    Ok(UserRecord {
        username: col(row, 0, "username")?,
        attributes,
        status,
        enabled: col(row, 3, "enabled")?,
        created_at: ts(row, 4, "created_at")?,
        modified_at: ts(row, 5, "modified_at")?,
        password_hash: opt_utf8_col(row, 6, "password_hash")?,
        srp_verifier: col(row, 7, "srp_verifier")?,
        temporary_password_expires_at: opt_ts(row, 8, "temporary_password_expires_at")?,
        failed_sign_ins: u32_col(row, 9, "failed_sign_ins")?,
        locked_until: opt_ts(row, 10, "locked_until")?,
        last_sign_in_attempt: opt_ts(row, 11, "last_sign_in_attempt")?,
        version: version_col(row, 12, "version")?,
    })
}

fn attributes_json(user: &UserRecord) -> StoreResult<String> {
    serde_json::to_string(&user.attributes)
        .map_err(|_| StoreError::Unavailable("cannot encode attributes".to_owned()))
}

/// `keys` without repeats, in byte order: concurrent calls then take the
/// key rows in one order, which keeps them from deadlocking.
fn sorted_keys(keys: &[String]) -> Vec<&str> {
    let mut k: Vec<&str> = keys.iter().map(String::as_str).collect();
    k.sort_unstable();
    k.dedup();
    k
}

/// Indexes `keys` for `username`; a key of another user is a `Conflict`.
fn index_keys<C: GenericClient>(
    sql: &mut Sql<'_, C>,
    pool_id: &str,
    username: &str,
    keys: &[&str],
) -> Result<(), Fail> {
    for k in keys {
        or_conflict(
            sql.execute(
                "INSERT INTO user_keys (pool, key, username) VALUES ($1, $2, $3)",
                &[&pool_id, k, &username],
            ),
            k,
        )?;
    }
    Ok(())
}

/// What `update_user` writes besides the record itself, computed before
/// the transaction.
struct UserRow<'a> {
    attributes: String,
    keys: Vec<&'a str>,
    expected: i64,
    next: i64,
}

impl<'a> UserRow<'a> {
    fn new(user: &UserRecord, expected_version: u64, keys: &'a [String]) -> StoreResult<Self> {
        Ok(Self {
            attributes: attributes_json(user)?,
            keys: sorted_keys(keys),
            expected: expected_param(expected_version),
            next: next_version(expected_version)?,
        })
    }
}

/// `UserStore::update_user` inside the caller's transaction.
fn update_user_in(
    sql: &mut Sql<'_, Transaction<'_>>,
    pool_id: &str,
    user: &UserRecord,
    row: &UserRow<'_>,
) -> Result<(), Fail> {
    let UserRow {
        attributes,
        keys,
        expected,
        next,
    } = row;
    let changed = sql.execute(
        "UPDATE users SET attributes = $3, status = $4, enabled = $5, created_at = $6, \
             modified_at = $7, password_hash = $8, srp_verifier = $9, \
             temporary_password_expires_at = $10, failed_sign_ins = $11, \
             locked_until = $12, last_sign_in_attempt = $13, version = $14 \
             WHERE k = userpool_key2($1, $2) AND pool = $1 AND username = $2 \
             AND version = $15",
        &[
            &pool_id,
            &user.username,
            &attributes,
            &user.status.as_str(),
            &user.enabled,
            &millis(user.created_at),
            &millis(user.modified_at),
            &user.password_hash.as_deref().map(str::as_bytes),
            &user.srp_verifier,
            &opt_millis(user.temporary_password_expires_at),
            &i64::from(user.failed_sign_ins),
            &opt_millis(user.locked_until),
            &opt_millis(user.last_sign_in_attempt),
            &next,
            &expected,
        ],
    )?;
    if changed != 1 {
        return Err(cas_failure(
            sql.exists(USER_EXISTS, &[&pool_id, &user.username])?,
        ));
    }
    sql.execute(
        "DELETE FROM user_keys WHERE userpool_key2(pool, username) = userpool_key2($1, $2) \
             AND pool = $1 AND username = $2",
        &[&pool_id, &user.username],
    )?;
    index_keys(sql, pool_id, &user.username, keys)
}

const USER_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM users \
     WHERE k = userpool_key2($1, $2) AND pool = $1 AND username = $2)";

impl UserStore for PostgresStore {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[String]) -> StoreResult<()> {
        check_user(pool_id, user, keys)?;
        let attributes = attributes_json(user)?;
        let keys = sorted_keys(keys);
        self.tx(|sql| {
            sql.execute(POOL_LOCK_SHARED, &[&pool_id])?;
            or_conflict(
                sql.execute(
                    "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
                     modified_at, password_hash, srp_verifier, temporary_password_expires_at, \
                     failed_sign_ins, locked_until, last_sign_in_attempt, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)",
                    &[
                        &pool_id,
                        &user.username,
                        &attributes,
                        &user.status.as_str(),
                        &user.enabled,
                        &millis(user.created_at),
                        &millis(user.modified_at),
                        &user.password_hash.as_deref().map(str::as_bytes),
                        &user.srp_verifier,
                        &opt_millis(user.temporary_password_expires_at),
                        &i64::from(user.failed_sign_ins),
                        &opt_millis(user.locked_until),
                        &opt_millis(user.last_sign_in_attempt),
                    ],
                ),
                &user.username,
            )?;
            index_keys(sql, pool_id, &user.username, &keys)
        })
    }

    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>> {
        if !storable(&[pool_id, username]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {USER_COLS} FROM users u \
                     WHERE u.k = userpool_key2($1, $2) AND u.pool = $1 AND u.username = $2"
                ),
                &[&pool_id, &username],
            )?;
            Ok(row.as_ref().map(user_from_row).transpose()?)
        })
    }

    fn find_user(&self, pool_id: &str, key: &str) -> StoreResult<Option<UserRecord>> {
        if !storable(&[pool_id, key]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {USER_COLS} FROM user_keys x \
                     JOIN users u ON u.k = userpool_key2(x.pool, x.username) \
                     WHERE x.k = userpool_key2($1, $2) AND x.pool = $1 AND x.key = $2"
                ),
                &[&pool_id, &key],
            )?;
            Ok(row.as_ref().map(user_from_row).transpose()?)
        })
    }

    fn update_user(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[String],
    ) -> StoreResult<()> {
        check_user(pool_id, user, keys)?;
        let row = UserRow::new(user, expected_version, keys)?;
        self.tx(|sql| update_user_in(sql, pool_id, user, &row))
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
        let row = UserRow::new(user, expected_version, keys)?;
        // Any error rolls the transaction back: the code stays pending.
        self.tx(|sql| {
            let taken = sql.execute(
                &format!("DELETE FROM codes WHERE {CODE_KEY} AND id = $4"),
                &[
                    &pool_id,
                    &user.username,
                    &purpose.as_str(),
                    &code_id.cast_signed(),
                ],
            )?;
            if taken != 1 {
                return Ok(false);
            }
            update_user_in(sql, pool_id, user, &row)?;
            Ok(true)
        })
    }

    fn delete_user(&self, pool_id: &str, username: &str, expected_version: u64) -> StoreResult<()> {
        if !storable(&[pool_id, username]) {
            return Err(StoreError::NotFound);
        }
        let expected = expected_param(expected_version);
        self.tx(|sql| {
            let deleted = sql.execute(
                "DELETE FROM users WHERE k = userpool_key2($1, $2) AND pool = $1 \
                 AND username = $2 AND version = $3",
                &[&pool_id, &username, &expected],
            )?;
            if deleted != 1 {
                return Err(cas_failure(
                    sql.exists(USER_EXISTS, &[&pool_id, &username])?,
                ));
            }
            for table in ["user_keys", "codes", "memberships", "refresh_tokens"] {
                sql.execute(
                    &format!(
                        "DELETE FROM {table} WHERE userpool_key2(pool, username) = \
                         userpool_key2($1, $2) AND pool = $1 AND username = $2"
                    ),
                    &[&pool_id, &username],
                )?;
            }
            Ok(())
        })
    }

    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        self.pool_page(
            &format!("SELECT {USER_COLS} FROM users u"),
            ("u.pool", "u.username"),
            (pool_id, after, limit),
            user_from_row,
        )
    }

    /// Reads the attribute indexes (see the module docs) for the
    /// attributes they cover, and scans
    /// ([`scan_users_by_attribute_prefix`](super::scan_users_by_attribute_prefix))
    /// for the others and for a prefix with NUL.
    fn list_users_by_attribute_prefix(
        &self,
        pool_id: &str,
        attribute: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        // Only the indexed attributes are named in the SQL text (an index
        // serves only an expression that matches it literally). No indexed
        // form holds NUL: a prefix with one is left to the scan.
        //
        // The index holds the first 128 characters of each value's
        // `indexed_form`: the query finds every user whose value starts
        // with the prefix, and a rare few more (the indexed form does not
        // tell NUL from U+0001), told apart here; so a page is read again
        // after its last user until `limit` users match or none are left.
        let indexed = INDEXED_ATTRIBUTES.iter().find(|a| **a == attribute);
        let Some(attribute) = indexed.filter(|_| !prefix.contains('\0')) else {
            return super::scan_users_by_attribute_prefix(
                self, pool_id, attribute, prefix, after, limit,
            );
        };
        if !storable(&[pool_id]) || limit == 0 {
            return Ok(Vec::new());
        }
        let whole = indexed_form(prefix);
        let head: String = whole.chars().take(128).collect();
        let long = head.len() < whole.len();
        let upper = prefix_upper_bound(&head);
        self.auto(|sql| {
            let mut out = Vec::new();
            let mut cursor = after.map(str::to_owned);
            loop {
                let want = limit - out.len();
                let (cmp, bound) = page_bound(cursor.as_deref());
                let query = prefix_query(attribute, cmp, upper.is_some(), long);
                let limit_param = sql_limit(want);
                let mut params: Vec<&(dyn ToSql + Sync)> = vec![&pool_id, &head, &bound];
                if let Some(upper) = &upper {
                    params.push(upper);
                }
                if long {
                    params.push(&whole);
                }
                params.push(&limit_param);
                let rows = sql.query(&query, &params)?;
                let read = rows.len();
                for row in &rows {
                    let user = user_from_row(row)?;
                    cursor = Some(user.username.clone());
                    if user.attribute_starts_with(attribute, prefix) {
                        out.push(user);
                    }
                }
                if read < want || out.len() >= limit {
                    return Ok(out);
                }
            }
        })
    }
}

/// `s` as `userpool_attribute` (migration 2) reads it from the stored
/// JSON: NUL turned into U+0001 and the characters `\u0000` into `\u0001`.
/// A value starts with a prefix only if its indexed form starts with the
/// prefix's indexed form.
fn indexed_form(s: &str) -> String {
    s.replace('\0', "\u{1}").replace("\\u0000", "\\u0001")
}

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

/// The query of one page of [`UserStore::list_users_by_attribute_prefix`]
/// for an indexed `attribute`. Its parameters: the pool, the first 128
/// characters of the prefix's [`indexed_form`], the page bound (compared
/// with `cmp`, as from [`page_bound`]), when `upper` the
/// [`prefix_upper_bound`] of those 128 characters, when `long` the whole
/// indexed form (longer than 128 characters), and the limit.
///
/// The range finds the users whose first 128 indexed characters start with
/// the prefix's, from the attribute's index (`users_by_<attribute>`) when
/// few do, or in username order when many do (the planner knows which
/// from the index's statistics); `starts_with` checks the rest of a long
/// prefix.
fn prefix_query(attribute: &str, cmp: &str, upper: bool, long: bool) -> String {
    let value = format!("userpool_attribute(u.attributes, '{attribute}')");
    let indexed = format!("(left({value}, 128) COLLATE \"C\")");
    let mut sql = format!(
        "SELECT {USER_COLS} FROM users u \
         WHERE left(u.pool, 128) = left($1, 128) AND u.pool = $1 AND {indexed} >= $2 \
         AND left(u.username, 128) >= left($3, 128) AND u.username {cmp} $3"
    );
    let mut next = 4;
    if upper {
        sql.push_str(&format!(" AND {indexed} < ${next}"));
        next += 1;
    }
    if long {
        sql.push_str(&format!(
            " AND pg_catalog.starts_with({value} COLLATE \"C\", ${next})"
        ));
        next += 1;
    }
    sql.push_str(&format!(
        " ORDER BY left(u.username, 128), u.username LIMIT ${next}"
    ));
    sql
}

/// After a compare-and-swap changed no row: `NotFound` if the row is gone,
/// `VersionMismatch` if it is there with another version.
fn cas_failure(exists: bool) -> Fail {
    Fail::Store(if exists {
        StoreError::VersionMismatch
    } else {
        StoreError::NotFound
    })
}

// ---------------------------------------------------------------- codes

const CODE_COLS: &str = "id, digest, attribute, destination, issued_at, expires_at, attempts, \
     window_started_at, window_attempts";

const CODE_KEY: &str =
    "k = userpool_key3($1, $2, $3) AND pool = $1 AND username = $2 AND purpose = $3";

fn code_from_row(row: &Row) -> StoreResult<CodeRecord> {
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

impl CodeStore for PostgresStore {
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        check_code(pool_id, username, code)?;
        self.auto(|sql| {
            sql.execute(
                &format!(
                    "{WITH_POOL_LOCK}, {OWNER_LOCK} \
                     INSERT INTO codes (pool, username, purpose, id, digest, \
                     attribute, destination, issued_at, expires_at, attempts, \
                     window_started_at, window_attempts) \
                     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 \
                     FROM pool_lock LEFT JOIN owner_lock ON true \
                         ON CONFLICT (k) DO UPDATE SET id = EXCLUDED.id, digest = EXCLUDED.digest, \
                     attribute = EXCLUDED.attribute, destination = EXCLUDED.destination, \
                     issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at, \
                     attempts = EXCLUDED.attempts, \
                     window_started_at = EXCLUDED.window_started_at, \
                     window_attempts = EXCLUDED.window_attempts"
                ),
                &[
                    &pool_id,
                    &username,
                    &purpose.as_str(),
                    &code.id.cast_signed(),
                    &code.digest.as_slice(),
                    &code.attribute,
                    &code.destination,
                    &millis(code.issued_at),
                    &millis(code.expires_at),
                    &i64::from(code.attempts),
                    &millis(code.window_started_at),
                    &i64::from(code.window_attempts),
                ],
            )?;
            Ok(())
        })
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        if !storable(&[pool_id, username]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!("SELECT {CODE_COLS} FROM codes WHERE {CODE_KEY}"),
                &[&pool_id, &username, &purpose.as_str()],
            )?;
            Ok(row.as_ref().map(code_from_row).transpose()?)
        })
    }

    fn record_code_attempt(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>> {
        if !storable(&[pool_id, username]) {
            return Ok(None);
        }
        // One statement: a concurrent attempt waits for the row lock, then
        // adds to the value this one wrote.
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "UPDATE codes SET attempts = LEAST(attempts + 1, 4294967295), \
                     window_attempts = LEAST(window_attempts + 1, 4294967295) \
                     WHERE {CODE_KEY} AND id = $4 RETURNING attempts"
                ),
                &[
                    &pool_id,
                    &username,
                    &purpose.as_str(),
                    &code_id.cast_signed(),
                ],
            )?;
            Ok(row
                .as_ref()
                .map(|r| u32_col(r, 0, "code attempts"))
                .transpose()?)
        })
    }

    fn take_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<CodeRecord>> {
        if !storable(&[pool_id, username]) {
            return Ok(None);
        }
        // One statement: of concurrent takes, one deletes the row; the
        // others wait for it, then find nothing.
        self.auto(|sql| {
            let row = sql.opt(
                &format!("DELETE FROM codes WHERE {CODE_KEY} AND id = $4 RETURNING {CODE_COLS}"),
                &[
                    &pool_id,
                    &username,
                    &purpose.as_str(),
                    &code_id.cast_signed(),
                ],
            )?;
            Ok(row.as_ref().map(code_from_row).transpose()?)
        })
    }
}

// ---------------------------------------------------------------- tokens

const TOKEN_KEY: &str = "k = userpool_key2($1, encode($2, 'hex')) AND pool = $1 AND digest = $2";

fn refresh_from_row(row: &Row) -> StoreResult<RefreshTokenRecord> {
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

impl TokenStore for PostgresStore {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
        check_refresh_token(pool_id, token)?;
        self.auto(|sql| {
            or_conflict(
                sql.execute(
                    &format!(
                        "{WITH_POOL_LOCK}, owner_lock AS MATERIALIZED (SELECT 1 FROM users \
                         WHERE k = userpool_key2($1, $4) AND pool = $1 AND username = $4 \
                         FOR KEY SHARE) \
                         INSERT INTO refresh_tokens (pool, digest, client_id, \
                         username, sub, origin_jti, event_id, auth_time, issued_at, expires_at, \
                         replaced_at) \
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
                         FROM pool_lock LEFT JOIN owner_lock ON true"
                    ),
                    &[
                        &pool_id,
                        &token.digest.as_slice(),
                        &token.client_id,
                        &token.username,
                        &token.sub,
                        &token.origin_jti,
                        &token.event_id,
                        &millis(token.auth_time),
                        &millis(token.issued_at),
                        &millis(token.expires_at),
                        &opt_millis(token.replaced_at),
                    ],
                ),
                "refresh_token",
            )?;
            Ok(())
        })
    }

    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        if !storable(&[pool_id]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                "SELECT t.digest, t.client_id, t.username, t.sub, t.origin_jti, t.event_id, \
                 t.auth_time, t.issued_at, t.expires_at, t.replaced_at, \
                 EXISTS (SELECT 1 FROM revoked_families f \
                         WHERE f.k = userpool_key2(t.pool, t.origin_jti)) \
                 FROM refresh_tokens t \
                 WHERE t.k = userpool_key2($1, encode($2, 'hex')) AND t.pool = $1 \
                 AND t.digest = $2",
                &[&pool_id, &digest.as_slice()],
            )?;
            Ok(row.as_ref().map(refresh_from_row).transpose()?)
        })
    }

    fn mark_refresh_token_replaced(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
        at: Timestamp,
    ) -> StoreResult<bool> {
        if !storable(&[pool_id]) {
            return Err(StoreError::NotFound);
        }
        // One conditional statement: of concurrent rotations, the first
        // sets `replaced_at`; the others wait for its row lock, then see
        // it set and change nothing.
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE refresh_tokens SET replaced_at = $3 \
                     WHERE {TOKEN_KEY} AND replaced_at IS NULL"
                ),
                &[&pool_id, &digest.as_slice(), &millis(at)],
            )?;
            if changed == 1 {
                return Ok(true);
            }
            if sql.exists(
                &format!("SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE {TOKEN_KEY})"),
                &[&pool_id, &digest.as_slice()],
            )? {
                Ok(false)
            } else {
                Err(StoreError::NotFound.into())
            }
        })
    }

    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        check_key("pool id", pool_id)?;
        check_key("origin_jti", origin_jti)?;
        // One statement; `ORDER BY` makes concurrent revocations insert in
        // one order.
        self.auto(|sql| {
            sql.execute(
                &format!(
                    "{WITH_POOL_LOCK} INSERT INTO revoked_families (pool, id) \
                     SELECT x.pool, x.id FROM pool_lock, (\
                     SELECT $1::text AS pool, $2::text AS id \
                     UNION \
                     SELECT t.pool, t.event_id FROM refresh_tokens t \
                     WHERE userpool_key2(t.pool, t.origin_jti) = userpool_key2($1, $2) \
                     AND t.pool = $1 AND t.origin_jti = $2) x \
                     ORDER BY 2 \
                     ON CONFLICT DO NOTHING"
                ),
                &[&pool_id, &origin_jti],
            )?;
            Ok(())
        })
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        if !storable(&[pool_id, username]) {
            // No token can belong to it.
            return Ok(());
        }
        self.auto(|sql| {
            sql.execute(
                &format!(
                    "{WITH_POOL_LOCK} INSERT INTO revoked_families (pool, id) \
                     SELECT x.pool, x.id FROM pool_lock, (\
                     SELECT t.pool, t.origin_jti AS id FROM refresh_tokens t \
                     WHERE userpool_key2(t.pool, t.username) = userpool_key2($1, $2) \
                     AND t.pool = $1 AND t.username = $2 \
                     UNION \
                     SELECT t.pool, t.event_id FROM refresh_tokens t \
                     WHERE userpool_key2(t.pool, t.username) = userpool_key2($1, $2) \
                     AND t.pool = $1 AND t.username = $2) x \
                     ORDER BY 2 \
                     ON CONFLICT DO NOTHING"
                ),
                &[&pool_id, &username],
            )?;
            Ok(())
        })
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        if !storable(&[pool_id, id]) {
            return Ok(false);
        }
        self.auto(|sql| {
            sql.exists(
                "SELECT EXISTS (SELECT 1 FROM revoked_families \
                 WHERE k = userpool_key2($1, $2) AND pool = $1 AND id = $2)",
                &[&pool_id, &id],
            )
        })
    }

    fn consume_once(&self, pool_id: &str, id: &str, expires_at: Timestamp) -> StoreResult<bool> {
        check_key("pool id", pool_id)?;
        check_key("one-time id", id)?;
        // Forget a few ids whose deadline passed long ago, so the table stays
        // bounded; rows another call is already deleting are skipped, so
        // this never waits.
        let horizon = expires_at.saturating_sub(Duration::from_secs(3600));
        self.auto(|sql| {
            sql.execute(
                "DELETE FROM used_once WHERE ctid = ANY (ARRAY( \
                 SELECT ctid FROM used_once WHERE expires_at < $1 \
                 LIMIT 64 FOR UPDATE SKIP LOCKED))",
                &[&millis(horizon)],
            )?;
            let inserted = sql.execute(
                &format!(
                    "{WITH_POOL_LOCK} INSERT INTO used_once (pool, id, expires_at) \
                     SELECT $1, $2, $3 FROM pool_lock ON CONFLICT DO NOTHING"
                ),
                &[&pool_id, &id, &millis(expires_at)],
            )?;
            Ok(inserted == 1)
        })
    }
}

// ---------------------------------------------------------------- groups

const GROUP_COLS: &str =
    "g.name, g.description, g.role_arn, g.precedence, g.created_at, g.modified_at";

const GROUP_KEY: &str = "k = userpool_key2($1, $2) AND pool = $1 AND name = $2";

fn group_from_row(row: &Row) -> StoreResult<GroupRecord> {
    let precedence: Option<i64> = col(row, 3, "group precedence")?;
    let precedence = precedence
        .map(|p| {
            u32::try_from(p).map_err(|_| {
                StoreError::Unavailable(format!("invalid stored group precedence: {p}"))
            })
        })
        .transpose()?;
    Ok(GroupRecord {
        name: col(row, 0, "group name")?,
        description: opt_utf8_col(row, 1, "group description")?,
        role_arn: opt_utf8_col(row, 2, "group role_arn")?,
        precedence,
        created_at: ts(row, 4, "group created_at")?,
        modified_at: ts(row, 5, "group modified_at")?,
    })
}

impl GroupStore for PostgresStore {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        check_group(pool_id, group)?;
        self.auto(|sql| {
            or_conflict(
                sql.execute(
                    &format!(
                        "{WITH_POOL_LOCK} INSERT INTO groups (pool, name, description, \
                         role_arn, precedence, created_at, modified_at) \
                         SELECT $1, $2, $3, $4, $5, $6, $7 FROM pool_lock"
                    ),
                    &[
                        &pool_id,
                        &group.name,
                        &group.description.as_deref().map(str::as_bytes),
                        &group.role_arn.as_deref().map(str::as_bytes),
                        &group.precedence.map(i64::from),
                        &millis(group.created_at),
                        &millis(group.modified_at),
                    ],
                ),
                &group.name,
            )?;
            Ok(())
        })
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        if !storable(&[pool_id, name]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {GROUP_COLS} FROM groups g \
                     WHERE g.k = userpool_key2($1, $2) AND g.pool = $1 AND g.name = $2"
                ),
                &[&pool_id, &name],
            )?;
            Ok(row.as_ref().map(group_from_row).transpose()?)
        })
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        check_group(pool_id, group)?;
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE groups SET description = $3, role_arn = $4, precedence = $5, \
                     created_at = $6, modified_at = $7 WHERE {GROUP_KEY}"
                ),
                &[
                    &pool_id,
                    &group.name,
                    &group.description.as_deref().map(str::as_bytes),
                    &group.role_arn.as_deref().map(str::as_bytes),
                    &group.precedence.map(i64::from),
                    &millis(group.created_at),
                    &millis(group.modified_at),
                ],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound.into());
            }
            Ok(())
        })
    }

    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        if !storable(&[pool_id, name]) {
            return Err(StoreError::NotFound);
        }
        self.tx(|sql| {
            // The group row first: a concurrent `add_to_group` holds it
            // `FOR KEY SHARE` until its membership is committed, so that
            // membership is deleted below.
            let deleted = sql.execute(
                &format!("DELETE FROM groups WHERE {GROUP_KEY}"),
                &[&pool_id, &name],
            )?;
            if deleted == 0 {
                return Err(StoreError::NotFound.into());
            }
            sql.execute(
                "DELETE FROM memberships WHERE left(pool, 128) = left($1, 128) \
                 AND left(group_name, 128) = left($2, 128) AND pool = $1 AND group_name = $2",
                &[&pool_id, &name],
            )?;
            Ok(())
        })
    }

    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        self.pool_page(
            &format!("SELECT {GROUP_COLS} FROM groups g"),
            ("g.pool", "g.name"),
            (pool_id, after, limit),
            group_from_row,
        )
    }

    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        check_key("pool id", pool_id)?;
        check_key("username", username)?;
        if !storable(&[group]) {
            return Err(StoreError::NotFound);
        }
        self.tx(|sql| {
            // Held until commit: a concurrent delete of the group waits,
            // then deletes this membership with it.
            let found = sql.opt(
                &format!("SELECT 1 FROM groups WHERE {GROUP_KEY} FOR KEY SHARE"),
                &[&pool_id, &group],
            )?;
            if found.is_none() {
                return Err(StoreError::NotFound.into());
            }
            // The user, if stored, likewise: a concurrent `delete_user`
            // deletes this membership or has committed first.
            sql.execute(
                "SELECT 1 FROM users WHERE k = userpool_key2($1, $2) AND pool = $1 \
                 AND username = $2 FOR KEY SHARE",
                &[&pool_id, &username],
            )?;
            sql.execute(
                "INSERT INTO memberships (pool, group_name, username) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
                &[&pool_id, &group, &username],
            )?;
            Ok(())
        })
    }

    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        if !storable(&[pool_id, group]) {
            return Err(StoreError::NotFound);
        }
        let member = storable(&[username]);
        self.tx(|sql| {
            if !sql.exists(
                &format!("SELECT EXISTS (SELECT 1 FROM groups WHERE {GROUP_KEY})"),
                &[&pool_id, &group],
            )? {
                return Err(StoreError::NotFound.into());
            }
            if member {
                sql.execute(
                    "DELETE FROM memberships WHERE k = userpool_key3($1, $2, $3) \
                     AND pool = $1 AND group_name = $2 AND username = $3",
                    &[&pool_id, &group, &username],
                )?;
            }
            Ok(())
        })
    }

    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>> {
        if !storable(&[pool_id, username]) {
            return Ok(Vec::new());
        }
        self.auto(|sql| {
            let rows = sql.query(
                &format!(
                    "SELECT {GROUP_COLS} FROM memberships m \
                     JOIN groups g ON g.k = userpool_key2(m.pool, m.group_name) \
                     WHERE userpool_key2(m.pool, m.username) = userpool_key2($1, $2) \
                     AND m.pool = $1 AND m.username = $2 ORDER BY g.name"
                ),
                &[&pool_id, &username],
            )?;
            Ok(rows
                .iter()
                .map(group_from_row)
                .collect::<StoreResult<Vec<_>>>()?)
        })
    }

    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        if !storable(&[pool_id, group]) {
            return Err(StoreError::NotFound);
        }
        let (cmp, bound) = page_bound(after);
        // One snapshot for the existence check and the listing.
        self.snapshot(|sql| {
            if !sql.exists(
                &format!("SELECT EXISTS (SELECT 1 FROM groups WHERE {GROUP_KEY})"),
                &[&pool_id, &group],
            )? {
                return Err(StoreError::NotFound.into());
            }
            let rows = sql.query(
                &format!(
                    "SELECT m.username FROM memberships m \
                     WHERE left(m.pool, 128) = left($1, 128) \
                     AND left(m.group_name, 128) = left($2, 128) \
                     AND m.pool = $1 AND m.group_name = $2 \
                     AND left(m.username, 128) >= left($3, 128) AND m.username {cmp} $3 \
                     ORDER BY left(m.username, 128), m.username LIMIT $4"
                ),
                &[&pool_id, &group, &bound, &sql_limit(limit)],
            )?;
            Ok(rows
                .iter()
                .map(|r| col(r, 0, "member username"))
                .collect::<StoreResult<Vec<String>>>()?)
        })
    }
}

// ---------------------------------------------------------------- pools and clients

const POOL_COLS: &str =
    "id, definition, sealed_secrets, sealing_key_id, created_at, modified_at, version";

const POOL_KEY: &str = "k = userpool_key1($1) AND id = $1";

fn pool_from_row(row: &Row) -> StoreResult<PoolRecord> {
    Ok(PoolRecord {
        id: col(row, 0, "pool id")?,
        definition: utf8_col(row, 1, "pool definition")?,
        sealed_secrets: col(row, 2, "sealed pool secrets")?,
        sealing_key_id: col(row, 3, "sealing key id")?,
        created_at: ts(row, 4, "pool created_at")?,
        modified_at: ts(row, 5, "pool modified_at")?,
        version: version_col(row, 6, "pool version")?,
    })
}

const CLIENT_COLS: &str =
    "client_id, definition, sealed_secret, created_at, modified_at, version, pool";

/// `$1` is the client id, `$2` the pool id.
const CLIENT_KEY: &str = "k = userpool_key1($1) AND client_id = $1 AND pool = $2";

fn client_from_row(row: &Row) -> StoreResult<ClientRecord> {
    Ok(ClientRecord {
        client_id: col(row, 0, "client id")?,
        definition: utf8_col(row, 1, "client definition")?,
        sealed_secret: col(row, 2, "sealed client secret")?,
        created_at: ts(row, 3, "client created_at")?,
        modified_at: ts(row, 4, "client modified_at")?,
        version: version_col(row, 5, "client version")?,
    })
}

/// Every table that holds rows of a pool besides `pools`, in the order
/// `delete_pool` empties them: the order the other calls lock rows in
/// (user before keys, codes, memberships and tokens; group before
/// memberships), so that it seldom deadlocks with them.
const POOL_TABLES: &[&str] = &[
    "clients",
    "users",
    "user_keys",
    "codes",
    "groups",
    "memberships",
    "refresh_tokens",
    "revoked_families",
    "used_once",
];

impl PoolStore for PostgresStore {
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        check_pool(pool)?;
        self.auto(|sql| {
            or_conflict(
                sql.execute(
                    "INSERT INTO pools (id, definition, sealed_secrets, sealing_key_id, \
                     created_at, modified_at, version) VALUES ($1, $2, $3, $4, $5, $6, 1)",
                    &[
                        &pool.id,
                        &pool.definition.as_bytes(),
                        &pool.sealed_secrets,
                        &pool.sealing_key_id,
                        &millis(pool.created_at),
                        &millis(pool.modified_at),
                    ],
                ),
                &pool.id,
            )?;
            Ok(())
        })
    }

    fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        if !storable(&[id]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!("SELECT {POOL_COLS} FROM pools WHERE {POOL_KEY}"),
                &[&id],
            )?;
            Ok(row.as_ref().map(pool_from_row).transpose()?)
        })
    }

    fn update_pool(&self, pool: &PoolRecord, expected_version: u64) -> StoreResult<()> {
        check_pool(pool)?;
        let expected = expected_param(expected_version);
        let next = next_version(expected_version)?;
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE pools SET definition = $2, sealed_secrets = $3, \
                     sealing_key_id = $4, created_at = $5, modified_at = $6, version = $7 \
                     WHERE {POOL_KEY} AND version = $8"
                ),
                &[
                    &pool.id,
                    &pool.definition.as_bytes(),
                    &pool.sealed_secrets,
                    &pool.sealing_key_id,
                    &millis(pool.created_at),
                    &millis(pool.modified_at),
                    &next,
                    &expected,
                ],
            )?;
            if changed != 1 {
                return Err(cas_failure(sql.exists(
                    &format!("SELECT EXISTS (SELECT 1 FROM pools WHERE {POOL_KEY})"),
                    &[&pool.id],
                )?));
            }
            Ok(())
        })
    }

    fn delete_pool(&self, id: &str) -> StoreResult<()> {
        if !storable(&[id]) {
            return Err(StoreError::NotFound);
        }
        self.tx(|sql| {
            // Waits for the calls adding rows to this pool, and makes the
            // ones that come later wait for the commit: none adds a row
            // that the deletes below do not see.
            sql.execute(
                "SELECT pg_catalog.pg_advisory_xact_lock($1, pg_catalog.hashtext($2))",
                &[&POOL_LOCK_CLASS, &id],
            )?;
            // The pool row first: a concurrent `insert_client` holds it
            // `FOR KEY SHARE` until its client is committed, so that client
            // is deleted below.
            let deleted = sql.execute(&format!("DELETE FROM pools WHERE {POOL_KEY}"), &[&id])?;
            if deleted == 0 {
                return Err(StoreError::NotFound.into());
            }
            for table in POOL_TABLES {
                sql.execute(
                    &format!(
                        "DELETE FROM {table} WHERE left(pool, 128) = left($1, 128) AND pool = $1"
                    ),
                    &[&id],
                )?;
            }
            Ok(())
        })
    }

    fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<PoolRecord>> {
        let (cmp, bound) = page_bound(after);
        self.auto(|sql| {
            let rows = sql.query(
                &format!(
                    "SELECT {POOL_COLS} FROM pools \
                     WHERE left(id, 128) >= left($1, 128) AND id {cmp} $1 \
                     ORDER BY left(id, 128), id LIMIT $2"
                ),
                &[&bound, &sql_limit(limit)],
            )?;
            Ok(rows
                .iter()
                .map(pool_from_row)
                .collect::<StoreResult<Vec<_>>>()?)
        })
    }

    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
        check_client(pool_id, client)?;
        self.tx(|sql| {
            // The pool need not be stored; if it is, its row is held until
            // commit: a concurrent delete of the pool waits, then deletes
            // this client with it.
            sql.execute(
                &format!("SELECT 1 FROM pools WHERE {POOL_KEY} FOR KEY SHARE"),
                &[&pool_id],
            )?;
            or_conflict(
                sql.execute(
                    "INSERT INTO clients (client_id, pool, definition, sealed_secret, \
                     created_at, modified_at, version) VALUES ($1, $2, $3, $4, $5, $6, 1)",
                    &[
                        &client.client_id,
                        &pool_id,
                        &client.definition.as_bytes(),
                        &client.sealed_secret,
                        &millis(client.created_at),
                        &millis(client.modified_at),
                    ],
                ),
                &client.client_id,
            )?;
            Ok(())
        })
    }

    fn get_client(&self, pool_id: &str, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        if !storable(&[pool_id, client_id]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!("SELECT {CLIENT_COLS} FROM clients WHERE {CLIENT_KEY}"),
                &[&client_id, &pool_id],
            )?;
            Ok(row.as_ref().map(client_from_row).transpose()?)
        })
    }

    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>> {
        if !storable(&[client_id]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {CLIENT_COLS} FROM clients \
                     WHERE k = userpool_key1($1) AND client_id = $1"
                ),
                &[&client_id],
            )?;
            Ok(row
                .as_ref()
                .map(|r| Ok::<_, StoreError>((col(r, 6, "client pool")?, client_from_row(r)?)))
                .transpose()?)
        })
    }

    fn update_client(
        &self,
        pool_id: &str,
        client: &ClientRecord,
        expected_version: u64,
    ) -> StoreResult<()> {
        check_client(pool_id, client)?;
        let expected = expected_param(expected_version);
        let next = next_version(expected_version)?;
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE clients SET definition = $3, sealed_secret = $4, created_at = $5, \
                     modified_at = $6, version = $7 WHERE {CLIENT_KEY} AND version = $8"
                ),
                &[
                    &client.client_id,
                    &pool_id,
                    &client.definition.as_bytes(),
                    &client.sealed_secret,
                    &millis(client.created_at),
                    &millis(client.modified_at),
                    &next,
                    &expected,
                ],
            )?;
            if changed != 1 {
                return Err(cas_failure(sql.exists(
                    &format!("SELECT EXISTS (SELECT 1 FROM clients WHERE {CLIENT_KEY})"),
                    &[&client.client_id, &pool_id],
                )?));
            }
            Ok(())
        })
    }

    fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<()> {
        if !storable(&[pool_id, client_id]) {
            return Err(StoreError::NotFound);
        }
        self.auto(|sql| {
            let deleted = sql.execute(
                &format!("DELETE FROM clients WHERE {CLIENT_KEY}"),
                &[&client_id, &pool_id],
            )?;
            if deleted == 0 {
                return Err(StoreError::NotFound.into());
            }
            Ok(())
        })
    }

    fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ClientRecord>> {
        self.pool_page(
            &format!("SELECT {CLIENT_COLS} FROM clients"),
            ("pool", "client_id"),
            (pool_id, after, limit),
            client_from_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

    use super::*;
    use crate::store::{MAX_KEY_BYTES, conformance};

    /// The test database, or `None` (after saying so) when none is configured.
    fn url() -> Option<String> {
        match std::env::var("USERPOOL_POSTGRES_URL") {
            Ok(u) if !u.trim().is_empty() => Some(u),
            _ => {
                assert!(
                    std::env::var("USERPOOL_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                    "USERPOOL_REQUIRE_POSTGRES=1 but USERPOOL_POSTGRES_URL is not set \
                     (bash .ci/postgres.sh starts a local server and prints it)"
                );
                eprintln!("skipped: set USERPOOL_POSTGRES_URL");
                None
            }
        }
    }

    /// A schema of its own for one test, dropped with everything in it on drop.
    struct TempSchema {
        url: String,
        name: String,
    }

    impl TempSchema {
        fn new(url: &str, tag: &str) -> Self {
            static N: AtomicU64 = AtomicU64::new(0);
            let n = N.fetch_add(1, Ordering::SeqCst);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            Self {
                url: url.to_owned(),
                name: format!("up_{tag}_{}_{nanos}_{n}", std::process::id()),
            }
        }

        fn store(&self) -> PostgresStore {
            PostgresStore::connect_in_schema(&self.url, &self.name).unwrap()
        }

        /// A plain connection with this schema on its `search_path`.
        fn raw(&self) -> Client {
            let mut c = Client::connect(&self.url, NoTls).unwrap();
            c.batch_execute(&format!("SET search_path TO {}", self.name))
                .unwrap();
            c
        }
    }

    impl Drop for TempSchema {
        fn drop(&mut self) {
            if let Ok(mut c) = Client::connect(&self.url, NoTls) {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
            }
        }
    }

    fn unavailable<T: fmt::Debug>(r: StoreResult<T>) -> String {
        match r {
            Err(StoreError::Unavailable(msg)) => msg,
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }

    fn invalid<T: fmt::Debug>(r: StoreResult<T>) -> String {
        match r {
            Err(StoreError::InvalidInput(msg)) => msg,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    /// `len` bytes of text that does not compress: pseudo-random ASCII and
    /// two-byte characters.
    fn incompressible(seed: u64, len: usize) -> String {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut s = String::with_capacity(len);
        while s.len() < len {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let r = (x >> 33) as u32;
            let c = if s.len() + 2 <= len && r.is_multiple_of(4) {
                char::from_u32(0xC0 + (r >> 8) % 0x180).unwrap()
            } else {
                char::from_u32(0x21 + (r >> 8) % 0x5E).unwrap()
            };
            s.push(c);
        }
        s
    }

    #[test]
    fn postgres_store_passes_the_conformance_suite() {
        let Some(url) = url() else { return };
        let schemas = Mutex::new(Vec::new());
        conformance::run_all(&|| {
            let schema = TempSchema::new(&url, "conf");
            let store = schema.store();
            schemas.lock().unwrap().push(schema);
            Box::new(store)
        });
    }

    #[test]
    fn reopening_keeps_data_and_the_schema_version() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "reopen");
        let alice = conformance::sample_user("alice");
        {
            let s = schema.store();
            s.insert_user("pool", &alice, &["username:alice".to_owned()])
                .unwrap();
        }
        let s = schema.store();
        let got = s.get_user("pool", "alice").unwrap().unwrap();
        assert_eq!(got.version, 1);
        assert_eq!(got.attributes, alice.attributes);
        assert_eq!(got.password_hash, alice.password_hash);
        assert_eq!(s.find_user("pool", "username:alice").unwrap().unwrap(), got);
        let rows = schema
            .raw()
            .query("SELECT version FROM userpool_schema", &[])
            .unwrap();
        assert_eq!(rows.len(), 1);
        let v: i32 = rows[0].get(0);
        assert_eq!(i64::from(v), i64::from(PostgresStore::schema_version()));
    }

    #[test]
    fn processes_starting_together_migrate_once() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "race");
        std::thread::scope(|sc| {
            for _ in 0..6 {
                sc.spawn(|| schema.store());
            }
        });
        let n: i64 = schema
            .raw()
            .query_one("SELECT count(*) FROM userpool_schema", &[])
            .unwrap()
            .get(0);
        assert_eq!(n, 1);
        schema
            .store()
            .insert_pool(&conformance::sample_pool("p"))
            .unwrap();
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "newer");
        drop(schema.store());
        schema
            .raw()
            .batch_execute("UPDATE userpool_schema SET version = 999")
            .unwrap();
        let msg = unavailable(PostgresStore::connect_in_schema(&url, &schema.name));
        assert!(msg.contains("newer"), "{msg}");
        assert!(msg.contains("999"), "{msg}");
        assert!(
            msg.contains(&format!("({})", PostgresStore::schema_version())),
            "{msg}"
        );
        schema
            .raw()
            .batch_execute(
                "UPDATE userpool_schema SET version = 1; INSERT INTO userpool_schema VALUES (1)",
            )
            .unwrap();
        let msg = unavailable(PostgresStore::connect_in_schema(&url, &schema.name));
        assert!(msg.contains("userpool_schema"), "{msg}");
    }

    #[test]
    fn every_field_round_trips() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "fields");
        let s = schema.store();
        let mut u = conformance::sample_user("bob");
        u.status = UserStatus::ForceChangePassword;
        u.enabled = false;
        u.srp_verifier = Some(vec![0, 1, 2, 255]);
        u.password_hash = Some("hash with \0 NUL".to_owned());
        u.temporary_password_expires_at = Some(Timestamp::from_unix_millis(-5));
        u.failed_sign_ins = u32::MAX;
        u.created_at = Timestamp::from_unix_millis(i64::MIN);
        u.modified_at = Timestamp::from_unix_millis(i64::MAX);
        u.locked_until = Some(Timestamp::from_unix_millis(i64::MAX));
        u.last_sign_in_attempt = Some(Timestamp::from_unix_millis(i64::MIN));
        u.attributes
            .insert("custom:nul".to_owned(), "a\0b \u{1F600}".to_owned());
        s.insert_user("p", &u, &[]).unwrap();
        u.version = 1;
        assert_eq!(s.get_user("p", "bob").unwrap(), Some(u.clone()));
        for status in [
            UserStatus::Unconfirmed,
            UserStatus::Confirmed,
            UserStatus::ResetRequired,
            UserStatus::ExternalProvider,
            UserStatus::Archived,
            UserStatus::Compromised,
            UserStatus::Unknown,
        ] {
            u.status = status;
            u.password_hash = None;
            u.srp_verifier = None;
            s.update_user("p", &u, u.version, &[]).unwrap();
            u.version += 1;
            assert_eq!(s.get_user("p", "bob").unwrap(), Some(u.clone()));
        }

        let code = CodeRecord {
            id: u64::MAX,
            digest: [0xAB; 32],
            attribute: None,
            destination: Some("+15555550100".to_owned()),
            issued_at: Timestamp::from_unix_millis(i64::MIN),
            expires_at: Timestamp::from_unix_millis(i64::MAX),
            attempts: u32::MAX,
            window_started_at: Timestamp::UNIX_EPOCH,
            window_attempts: u32::MAX - 1,
        };
        s.put_code("p", "bob", CodePurpose::VerifyPhoneNumber, &code)
            .unwrap();
        assert_eq!(
            s.get_code("p", "bob", CodePurpose::VerifyPhoneNumber)
                .unwrap(),
            Some(code.clone())
        );
        // The counters saturate instead of overflowing u32.
        assert_eq!(
            s.record_code_attempt("p", "bob", CodePurpose::VerifyPhoneNumber, u64::MAX)
                .unwrap(),
            Some(u32::MAX)
        );
        let taken = s
            .take_code("p", "bob", CodePurpose::VerifyPhoneNumber, u64::MAX)
            .unwrap()
            .unwrap();
        assert_eq!(taken.window_attempts, u32::MAX);

        let token = RefreshTokenRecord {
            digest: [0; 32],
            client_id: "c".to_owned(),
            username: "bob".to_owned(),
            sub: "sub-bob".to_owned(),
            origin_jti: "o".to_owned(),
            event_id: "e".to_owned(),
            auth_time: Timestamp::from_unix_millis(i64::MIN),
            issued_at: Timestamp::from_unix_millis(0),
            expires_at: Timestamp::from_unix_millis(i64::MAX),
            replaced_at: Some(Timestamp::from_unix_millis(-1)),
            revoked: false,
        };
        s.put_refresh_token("p", &token).unwrap();
        assert_eq!(s.get_refresh_token("p", &[0; 32]).unwrap(), Some(token));

        let g = GroupRecord {
            name: "g".to_owned(),
            description: Some("nul \0 inside".to_owned()),
            role_arn: Some(String::new()),
            precedence: Some(u32::MAX),
            created_at: Timestamp::from_unix_millis(i64::MIN),
            modified_at: Timestamp::from_unix_millis(i64::MAX),
        };
        s.create_group("p", &g).unwrap();
        assert_eq!(s.get_group("p", "g").unwrap(), Some(g));

        let mut pool = conformance::sample_pool("p");
        pool.definition = "{\"x\":\"\0\"}".to_owned();
        pool.sealed_secrets = Vec::new();
        s.insert_pool(&pool).unwrap();
        pool.version = 1;
        assert_eq!(s.get_pool("p").unwrap(), Some(pool));
        let client = ClientRecord {
            client_id: "client".to_owned(),
            definition: String::new(),
            sealed_secret: Some(Vec::new()),
            created_at: Timestamp::from_unix_millis(i64::MIN),
            modified_at: Timestamp::from_unix_millis(i64::MAX),
            version: 0,
        };
        s.insert_client("p", &client).unwrap();
        let (pool_id, got) = s.find_client("client").unwrap().unwrap();
        assert_eq!(pool_id, "p");
        assert_eq!(got.sealed_secret, Some(Vec::new()));
        assert_eq!(got.created_at, client.created_at);
        assert_eq!(got.version, 1);
    }

    #[test]
    fn corrupt_rows_are_unavailable_not_panics() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "corrupt");
        let s = schema.store();
        s.insert_user("p", &conformance::sample_user("carol"), &["k".to_owned()])
            .unwrap();
        let mut raw = schema.raw();
        let mut corrupt = |sql: &str| raw.batch_execute(sql).unwrap();
        let user_unavailable = |column: &str| {
            for msg in [
                unavailable(s.get_user("p", "carol")),
                unavailable(s.find_user("p", "k")),
                unavailable(s.list_users("p", None, 10)),
            ] {
                assert!(msg.contains(column), "{column}: {msg}");
            }
        };

        corrupt("UPDATE users SET status = 'BOGUS'");
        user_unavailable("status");

        // Malformed JSON cannot even be written (the attribute indexes parse
        // it); JSON of the wrong shape can.
        assert!(
            schema
                .raw()
                .batch_execute("UPDATE users SET attributes = '{not json'")
                .is_err()
        );
        corrupt(r#"UPDATE users SET status = 'CONFIRMED', attributes = '{"email": 5}'"#);
        user_unavailable("attributes");
        // The message tells where the JSON broke, never what it says.
        corrupt(r#"UPDATE users SET attributes = '"s3cret value"'"#);
        let msg = unavailable(s.get_user("p", "carol"));
        assert!(
            msg.contains("attributes") && !msg.contains("s3cret"),
            "{msg}"
        );

        corrupt(r"UPDATE users SET attributes = '{}', password_hash = '\xff'::bytea");
        user_unavailable("password_hash");

        corrupt("UPDATE users SET password_hash = NULL, version = -1");
        user_unavailable("version");

        corrupt("UPDATE users SET version = 1, failed_sign_ins = 4294967296");
        user_unavailable("failed_sign_ins");
        corrupt("UPDATE users SET failed_sign_ins = -1");
        user_unavailable("failed_sign_ins");
        corrupt("UPDATE users SET failed_sign_ins = 0");
        assert!(s.get_user("p", "carol").unwrap().is_some());

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
        corrupt(r"UPDATE codes SET digest = '\x0102'::bytea");
        let msg = unavailable(s.get_code("p", "carol", CodePurpose::SignUp));
        assert!(msg.contains("code digest"), "{msg}");
        corrupt("UPDATE codes SET digest = decode(repeat('07', 32), 'hex'), attempts = 4294967295");
        // A saturated counter stays in range; a stored -1 is corrupt.
        assert_eq!(
            s.record_code_attempt("p", "carol", CodePurpose::SignUp, u64::MAX)
                .unwrap(),
            Some(u32::MAX)
        );
        corrupt("UPDATE codes SET attempts = -1");
        let msg = unavailable(s.take_code("p", "carol", CodePurpose::SignUp, u64::MAX));
        assert!(msg.contains("code attempts"), "{msg}");

        s.create_group(
            "p",
            &GroupRecord {
                name: "g".to_owned(),
                description: None,
                role_arn: None,
                precedence: None,
                created_at: Timestamp::UNIX_EPOCH,
                modified_at: Timestamp::UNIX_EPOCH,
            },
        )
        .unwrap();
        corrupt(r"UPDATE groups SET description = '\xc3'::bytea");
        let msg = unavailable(s.get_group("p", "g"));
        assert!(msg.contains("group description"), "{msg}");
        corrupt("UPDATE groups SET description = NULL, precedence = -1");
        let msg = unavailable(s.list_groups("p", None, 10));
        assert!(msg.contains("group precedence"), "{msg}");

        s.insert_pool(&conformance::sample_pool("p")).unwrap();
        corrupt(r"UPDATE pools SET definition = '\xfe'::bytea");
        let msg = unavailable(s.get_pool("p"));
        assert!(msg.contains("pool definition"), "{msg}");
        corrupt("UPDATE pools SET definition = '', version = -5");
        let msg = unavailable(s.list_pools(None, 10));
        assert!(msg.contains("pool version"), "{msg}");

        // A column of the wrong type: the store that had prepared its
        // statements and a fresh one both report it.
        corrupt("ALTER TABLE users ALTER COLUMN enabled TYPE text");
        // The stale prepared statement is dropped with its connection, and
        // the call run again on a fresh one.
        let msg = unavailable(s.get_user("p", "carol"));
        assert!(msg.contains("enabled"), "{msg}");
        let fresh = schema.store();
        let msg = unavailable(fresh.get_user("p", "carol"));
        assert!(msg.contains("enabled"), "{msg}");
        // The store still works for everything else.
        assert!(fresh.get_group("p", "nope").unwrap().is_none());
    }

    #[test]
    fn out_of_bounds_input_is_refused_and_nothing_is_stored() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "bounds");
        let s = schema.store();
        let long = "k".repeat(MAX_KEY_BYTES + 1);
        let nul = "a\0b";

        let mut u = conformance::sample_user("alice");
        u.username = nul.to_owned();
        invalid(s.insert_user("p", &u, &[]));
        let u = conformance::sample_user("alice");
        invalid(s.insert_user(nul, &u, &[]));
        invalid(s.insert_user("p", &u, &["ok".to_owned(), nul.to_owned()]));
        invalid(s.insert_user("p", &u, std::slice::from_ref(&long)));
        assert!(s.list_users("p", None, 10).unwrap().is_empty());

        let mut c = CodeRecord {
            id: 1,
            digest: [1; 32],
            attribute: Some("em\0ail".to_owned()),
            destination: None,
            issued_at: Timestamp::UNIX_EPOCH,
            expires_at: Timestamp::UNIX_EPOCH,
            attempts: 0,
            window_started_at: Timestamp::UNIX_EPOCH,
            window_attempts: 0,
        };
        invalid(s.put_code("p", "alice", CodePurpose::SignUp, &c));
        c.attribute = None;
        invalid(s.put_code("p", nul, CodePurpose::SignUp, &c));
        assert!(
            s.get_code("p", "alice", CodePurpose::SignUp)
                .unwrap()
                .is_none()
        );

        invalid(s.revoke_token_family("p", nul));
        invalid(s.revoke_token_family(&long, "fam"));
        invalid(s.consume_once("p", &long, Timestamp::UNIX_EPOCH));

        s.create_group(
            "p",
            &GroupRecord {
                name: "g".to_owned(),
                description: None,
                role_arn: None,
                precedence: None,
                created_at: Timestamp::UNIX_EPOCH,
                modified_at: Timestamp::UNIX_EPOCH,
            },
        )
        .unwrap();
        invalid(s.add_to_group("p", "g", nul));
        invalid(s.add_to_group("p", "g", &long));
        assert!(s.users_in_group("p", "g", None, 10).unwrap().is_empty());

        let mut pool = conformance::sample_pool("p");
        pool.sealing_key_id = nul.to_owned();
        invalid(s.insert_pool(&pool));
        assert!(s.list_pools(None, 10).unwrap().is_empty());
        invalid(PostgresStore::connect_with(&url, 0));
        for bad in ["", "Upper", "1abc", "a-b", "a b", "x\"y", &"a".repeat(64)] {
            invalid(PostgresStore::connect_in_schema(&url, bad));
        }
    }

    #[test]
    fn lookups_by_unstorable_names_find_nothing() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "nul");
        let s = schema.store();
        for n in ["a", "b"] {
            s.insert_user("p", &conformance::sample_user(n), &[format!("k:{n}")])
                .unwrap();
        }
        let nul = "a\0";
        assert_eq!(s.get_user("p", nul).unwrap(), None);
        assert_eq!(s.get_user(nul, "a").unwrap(), None);
        assert_eq!(s.find_user("p", nul).unwrap(), None);
        assert_eq!(s.delete_user("p", nul, 1), Err(StoreError::NotFound));
        assert!(s.list_users(nul, None, 10).unwrap().is_empty());
        // Every storable name after "a\0" is after "a".
        let after: Vec<String> = s
            .list_users("p", Some(nul), 10)
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert_eq!(after, ["b"]);
        assert_eq!(s.get_code("p", nul, CodePurpose::SignUp).unwrap(), None);
        assert_eq!(
            s.record_code_attempt("p", nul, CodePurpose::SignUp, 1)
                .unwrap(),
            None
        );
        assert_eq!(s.take_code("p", nul, CodePurpose::SignUp, 1).unwrap(), None);
        assert_eq!(s.get_refresh_token(nul, &[0; 32]).unwrap(), None);
        assert_eq!(
            s.mark_refresh_token_replaced(nul, &[0; 32], Timestamp::UNIX_EPOCH),
            Err(StoreError::NotFound)
        );
        s.revoke_user_tokens("p", nul).unwrap();
        assert!(!s.is_family_revoked("p", nul).unwrap());
        assert_eq!(s.get_group("p", nul).unwrap(), None);
        assert_eq!(s.delete_group("p", nul), Err(StoreError::NotFound));
        assert_eq!(s.add_to_group("p", nul, "a"), Err(StoreError::NotFound));
        assert_eq!(
            s.remove_from_group("p", nul, "a"),
            Err(StoreError::NotFound)
        );
        assert_eq!(
            s.users_in_group("p", nul, None, 1),
            Err(StoreError::NotFound)
        );
        assert!(s.groups_of_user("p", nul).unwrap().is_empty());
        assert_eq!(s.get_pool(nul).unwrap(), None);
        assert_eq!(s.delete_pool(nul), Err(StoreError::NotFound));
        assert_eq!(s.find_client(nul).unwrap(), None);
        assert_eq!(s.get_client("p", nul).unwrap(), None);
        assert_eq!(s.delete_client("p", nul), Err(StoreError::NotFound));
        assert!(s.list_clients(nul, None, 1).unwrap().is_empty());
    }

    /// A B-tree cannot index 4 kB of incompressible text: the row keys are
    /// hashes, so the largest keys the contract allows are stored anyway.
    #[test]
    fn the_largest_incompressible_keys_are_stored() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "big");
        let s = schema.store();
        let pool_id = incompressible(1, MAX_KEY_BYTES);
        let username = incompressible(2, MAX_KEY_BYTES);
        let key = incompressible(3, MAX_KEY_BYTES);
        let group_name = incompressible(4, MAX_KEY_BYTES);
        let client_id = incompressible(5, MAX_KEY_BYTES);
        for k in [&pool_id, &username, &key, &group_name, &client_id] {
            assert_eq!(k.len(), MAX_KEY_BYTES);
        }
        s.insert_pool(&conformance::sample_pool(&pool_id)).unwrap();
        let u = conformance::sample_user(&username);
        s.insert_user(&pool_id, &u, std::slice::from_ref(&key))
            .unwrap();
        assert!(matches!(
            s.insert_user(&pool_id, &conformance::sample_user("other"), std::slice::from_ref(&key)),
            Err(StoreError::Conflict { key: k }) if k == key
        ));
        assert_eq!(
            s.find_user(&pool_id, &key).unwrap().unwrap().username,
            username
        );
        assert_eq!(s.list_users(&pool_id, None, 10).unwrap().len(), 1);
        s.create_group(
            &pool_id,
            &GroupRecord {
                name: group_name.clone(),
                description: Some(incompressible(6, 100_000)),
                role_arn: None,
                precedence: None,
                created_at: Timestamp::UNIX_EPOCH,
                modified_at: Timestamp::UNIX_EPOCH,
            },
        )
        .unwrap();
        s.add_to_group(&pool_id, &group_name, &username).unwrap();
        assert_eq!(
            s.users_in_group(&pool_id, &group_name, None, 10).unwrap(),
            std::slice::from_ref(&username)
        );
        assert_eq!(s.groups_of_user(&pool_id, &username).unwrap().len(), 1);
        let mut client = ClientRecord {
            client_id: client_id.clone(),
            definition: "{}".to_owned(),
            sealed_secret: None,
            created_at: Timestamp::UNIX_EPOCH,
            modified_at: Timestamp::UNIX_EPOCH,
            version: 0,
        };
        s.insert_client(&pool_id, &client).unwrap();
        client.version = 1;
        assert_eq!(
            s.find_client(&client_id).unwrap(),
            Some((pool_id.clone(), client))
        );
        assert!(
            s.consume_once(&pool_id, &key, Timestamp::UNIX_EPOCH)
                .unwrap()
        );
        assert!(
            !s.consume_once(&pool_id, &key, Timestamp::UNIX_EPOCH)
                .unwrap()
        );
        s.delete_pool(&pool_id).unwrap();
        assert_eq!(s.get_user(&pool_id, &username).unwrap(), None);
        assert_eq!(s.find_client(&client_id).unwrap(), None);
    }

    /// Listings stay in byte order when names share more than the 128
    /// characters the ordering indexes hold.
    #[test]
    fn listings_are_in_byte_order_past_the_indexed_prefix() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "order");
        let s = schema.store();
        let prefix = "é".repeat(127) + "x";
        let mut names: Vec<String> = ["b", "a", "", "Z", "\u{1F600}", "é", "aa"]
            .iter()
            .map(|suffix| format!("{prefix}{suffix}"))
            .collect();
        names.extend(["é".to_owned(), "zz".to_owned(), prefix[..20].to_owned()]);
        names.push(format!("{prefix}a{}", "0".repeat(300)));
        names.push(incompressible(9, MAX_KEY_BYTES - 1));
        s.insert_pool(&conformance::sample_pool("p")).unwrap();
        s.create_group(
            "p",
            &GroupRecord {
                name: "g".to_owned(),
                description: None,
                role_arn: None,
                precedence: None,
                created_at: Timestamp::UNIX_EPOCH,
                modified_at: Timestamp::UNIX_EPOCH,
            },
        )
        .unwrap();
        for n in &names {
            s.insert_user("p", &conformance::sample_user(n), &[])
                .unwrap();
            s.add_to_group("p", "g", n).unwrap();
            s.create_group(
                "p",
                &GroupRecord {
                    name: format!("{n}/"),
                    description: None,
                    role_arn: None,
                    precedence: None,
                    created_at: Timestamp::UNIX_EPOCH,
                    modified_at: Timestamp::UNIX_EPOCH,
                },
            )
            .unwrap();
            s.insert_pool(&conformance::sample_pool(&format!("{n}#")))
                .unwrap();
            s.insert_client(
                "p",
                &ClientRecord {
                    client_id: n.clone(),
                    definition: String::new(),
                    sealed_secret: None,
                    created_at: Timestamp::UNIX_EPOCH,
                    modified_at: Timestamp::UNIX_EPOCH,
                    version: 0,
                },
            )
            .unwrap();
        }
        let mut expected = names.clone();
        expected.sort_unstable();

        let walk = |page: &dyn Fn(Option<&str>) -> Vec<String>| {
            let mut seen = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let got = page(after.as_deref());
                assert!(got.len() <= 2);
                let Some(last) = got.last() else { break };
                after = Some(last.clone());
                seen.extend(got);
            }
            seen
        };
        let users = walk(&|a| {
            s.list_users("p", a, 2)
                .unwrap()
                .into_iter()
                .map(|u| u.username)
                .collect()
        });
        assert_eq!(users, expected);
        let members = walk(&|a| s.users_in_group("p", "g", a, 2).unwrap());
        assert_eq!(members, expected);
        let clients = walk(&|a| {
            s.list_clients("p", a, 2)
                .unwrap()
                .into_iter()
                .map(|c| c.client_id)
                .collect()
        });
        assert_eq!(clients, expected);

        let mut expected_groups: Vec<String> = names.iter().map(|n| format!("{n}/")).collect();
        expected_groups.push("g".to_owned());
        expected_groups.sort_unstable();
        let groups = walk(&|a| {
            s.list_groups("p", a, 2)
                .unwrap()
                .into_iter()
                .map(|g| g.name)
                .collect()
        });
        assert_eq!(groups, expected_groups);
        let mut expected_pools: Vec<String> = names.iter().map(|n| format!("{n}#")).collect();
        expected_pools.push("p".to_owned());
        expected_pools.sort_unstable();
        let pools = walk(&|a| {
            s.list_pools(a, 2)
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect()
        });
        assert_eq!(pools, expected_pools);
    }

    /// Two stores with their own connection pools, as two processes would
    /// have, on one schema: the database arbitrates between them.
    #[test]
    fn two_stores_on_one_schema_admit_exactly_one_of_concurrent_writes() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "twoproc");
        let stores = [schema.store(), schema.store()];
        let wins = AtomicUsize::new(0);
        std::thread::scope(|sc| {
            for i in 0..16 {
                let (s, wins) = (&stores[i % 2], &wins);
                sc.spawn(move || {
                    let name = format!("user{i}");
                    let keys = [
                        format!("username:{name}"),
                        "email:same@example.com".to_owned(),
                    ];
                    match s.insert_user("p", &conformance::sample_user(&name), &keys) {
                        Ok(()) => {
                            wins.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(StoreError::Conflict { key }) => {
                            assert_eq!(key, "email:same@example.com");
                        }
                        Err(e) => panic!("unexpected {e:?}"),
                    }
                });
            }
        });
        assert_eq!(wins.load(Ordering::SeqCst), 1);
        let all = stores[1].list_users("p", None, 100).unwrap();
        assert_eq!(all.len(), 1, "losers must leave no record");
        let owner = stores[0]
            .find_user("p", "email:same@example.com")
            .unwrap()
            .unwrap();
        assert_eq!(owner.username, all[0].username);

        // Compare-and-swap, single-use codes and one-time ids across both.
        let name = owner.username.clone();
        let wins = AtomicUsize::new(0);
        let fresh = AtomicUsize::new(0);
        stores[0]
            .put_code(
                "p",
                &name,
                CodePurpose::SignUp,
                &CodeRecord {
                    id: 42,
                    digest: [4; 32],
                    attribute: None,
                    destination: None,
                    issued_at: Timestamp::UNIX_EPOCH,
                    expires_at: Timestamp::UNIX_EPOCH,
                    attempts: 0,
                    window_started_at: Timestamp::UNIX_EPOCH,
                    window_attempts: 0,
                },
            )
            .unwrap();
        std::thread::scope(|sc| {
            for i in 0..16 {
                let s = &stores[i % 2];
                let (owner, name, wins, fresh) = (&owner, &name, &wins, &fresh);
                sc.spawn(move || {
                    let mut u = owner.clone();
                    u.attributes
                        .insert("name".to_owned(), format!("writer {i}"));
                    match s.update_user("p", &u, 1, &[format!("username:{name}")]) {
                        Ok(()) => {
                            wins.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(StoreError::VersionMismatch) => {}
                        Err(e) => panic!("unexpected {e:?}"),
                    }
                    s.record_code_attempt("p", name, CodePurpose::SignUp, 42)
                        .unwrap();
                    if s.consume_once("p", "once", Timestamp::UNIX_EPOCH).unwrap() {
                        fresh.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        let code = stores[1]
            .get_code("p", &name, CodePurpose::SignUp)
            .unwrap()
            .unwrap();
        assert_eq!(code.attempts, 16, "every attempt is counted");
        let taken = AtomicUsize::new(0);
        std::thread::scope(|sc| {
            for i in 0..16 {
                let (s, name, taken) = (&stores[i % 2], &name, &taken);
                sc.spawn(move || {
                    if s.take_code("p", name, CodePurpose::SignUp, 42)
                        .unwrap()
                        .is_some()
                    {
                        taken.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(wins.load(Ordering::SeqCst), 1);
        assert_eq!(taken.load(Ordering::SeqCst), 1);
        assert_eq!(fresh.load(Ordering::SeqCst), 1);
        let u = stores[1].get_user("p", &name).unwrap().unwrap();
        assert_eq!(u.version, 2);
        // The key dropped by the winning update is free in both stores.
        assert!(
            stores[1]
                .find_user("p", "email:same@example.com")
                .unwrap()
                .is_none()
        );
    }

    /// Deleting a group or a pool while members or clients are being added
    /// leaves no member behind, and no client whose insert had returned
    /// before the delete began.
    #[test]
    fn deletes_race_cleanly_with_adds() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "cascade");
        let stores = [schema.store(), schema.store()];
        for round in 0..5 {
            let pool_id = format!("pool{round}");
            stores[0]
                .insert_pool(&conformance::sample_pool(&pool_id))
                .unwrap();
            stores[0]
                .create_group(
                    &pool_id,
                    &GroupRecord {
                        name: "g".to_owned(),
                        description: None,
                        role_arn: None,
                        precedence: None,
                        created_at: Timestamp::UNIX_EPOCH,
                        modified_at: Timestamp::UNIX_EPOCH,
                    },
                )
                .unwrap();
            let delete_started = Mutex::new(None::<Instant>);
            let inserted = Mutex::new(Vec::new());
            std::thread::scope(|sc| {
                for i in 0..8 {
                    let (s, pool_id, inserted) = (&stores[i % 2], &pool_id, &inserted);
                    sc.spawn(move || {
                        for j in 0..5 {
                            match s.add_to_group(pool_id, "g", &format!("u{i}-{j}")) {
                                Ok(()) | Err(StoreError::NotFound) => {}
                                Err(e) => panic!("unexpected {e:?}"),
                            }
                            let client = ClientRecord {
                                client_id: format!("{pool_id}-c{i}-{j}"),
                                definition: String::new(),
                                sealed_secret: None,
                                created_at: Timestamp::UNIX_EPOCH,
                                modified_at: Timestamp::UNIX_EPOCH,
                                version: 0,
                            };
                            s.insert_client(pool_id, &client).unwrap();
                            inserted
                                .lock()
                                .unwrap()
                                .push((client.client_id, Instant::now()));
                        }
                    });
                }
                let (s, pool_id, delete_started) = (&stores[1], &pool_id, &delete_started);
                sc.spawn(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    s.delete_group(pool_id, "g").unwrap();
                    *delete_started.lock().unwrap() = Some(Instant::now());
                    s.delete_pool(pool_id).unwrap();
                });
            });
            let mut raw = schema.raw();
            let members: i64 = raw
                .query_one(
                    "SELECT count(*) FROM memberships WHERE pool = $1",
                    &[&pool_id],
                )
                .unwrap()
                .get(0);
            assert_eq!(members, 0, "round {round}");
            let started = delete_started.lock().unwrap().unwrap();
            for (client_id, done) in inserted.lock().unwrap().iter() {
                if *done < started {
                    assert_eq!(
                        stores[0].find_client(client_id).unwrap(),
                        None,
                        "round {round}: {client_id} was inserted before the delete"
                    );
                }
            }
        }
    }

    /// `delete_pool` waits for a call that is adding rows to the pool (it
    /// holds the pool lock shared) and deletes what that call added.
    #[test]
    fn delete_pool_waits_for_writes_in_flight() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "inflight");
        let s = schema.store();
        s.insert_pool(&conformance::sample_pool("p")).unwrap();
        let mut raw = schema.raw();
        let mut writer = raw.transaction().unwrap();
        writer.execute(POOL_LOCK_SHARED, &[&"p"]).unwrap();
        let deleted = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|sc| {
            let (s, deleted) = (&s, &deleted);
            sc.spawn(move || {
                s.delete_pool("p").unwrap();
                deleted.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(Duration::from_millis(300));
            assert!(
                !deleted.load(Ordering::SeqCst),
                "delete_pool must wait for the writer"
            );
            writer
                .execute(
                    "INSERT INTO used_once (pool, id, expires_at) VALUES ('p', 'late', 0)",
                    &[],
                )
                .unwrap();
            writer.commit().unwrap();
        });
        assert!(deleted.load(Ordering::SeqCst));
        assert!(
            s.consume_once("p", "late", Timestamp::UNIX_EPOCH).unwrap(),
            "the writer's row went with the pool"
        );
    }

    /// `delete_user` waits for a call that is adding a membership, code or
    /// token of that user (it holds the user row `FOR KEY SHARE`) and
    /// deletes what that call added: a user later created under the same
    /// name inherits nothing.
    #[test]
    fn delete_user_waits_for_writes_in_flight() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "owner");
        let s = schema.store();
        s.insert_user("p", &conformance::sample_user("alice"), &[])
            .unwrap();
        s.create_group(
            "p",
            &GroupRecord {
                name: "admins".to_owned(),
                description: None,
                role_arn: None,
                precedence: None,
                created_at: Timestamp::UNIX_EPOCH,
                modified_at: Timestamp::UNIX_EPOCH,
            },
        )
        .unwrap();
        let mut raw = schema.raw();
        let mut writer = raw.transaction().unwrap();
        writer
            .execute(
                "SELECT 1 FROM users WHERE pool = 'p' AND username = 'alice' FOR KEY SHARE",
                &[],
            )
            .unwrap();
        let deleted = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|sc| {
            let (s, deleted) = (&s, &deleted);
            sc.spawn(move || {
                s.delete_user("p", "alice", 1).unwrap();
                deleted.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(Duration::from_millis(300));
            assert!(!deleted.load(Ordering::SeqCst), "delete_user must wait");
            writer
                .execute(
                    "INSERT INTO memberships (pool, group_name, username) \
                     VALUES ('p', 'admins', 'alice')",
                    &[],
                )
                .unwrap();
            writer.commit().unwrap();
        });
        s.insert_user("p", &conformance::sample_user("alice"), &[])
            .unwrap();
        assert!(s.groups_of_user("p", "alice").unwrap().is_empty());

        // And the store's own writes wait for a delete in flight.
        let mut deleter = raw.transaction().unwrap();
        deleter
            .execute(
                "DELETE FROM users WHERE pool = 'p' AND username = 'alice'",
                &[],
            )
            .unwrap();
        let added = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|sc| {
            let (s, added) = (&s, &added);
            sc.spawn(move || {
                s.add_to_group("p", "admins", "alice").unwrap();
                added.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(Duration::from_millis(300));
            assert!(!added.load(Ordering::SeqCst), "add_to_group must wait");
            deleter.commit().unwrap();
        });
        assert!(added.load(Ordering::SeqCst));
    }

    /// Values the attribute indexes cannot hold whole or as they are —
    /// longer than their 128 characters, with NUL, U+0001 or the characters
    /// `\u0000` — are stored, and a prefix search finds exactly the users a
    /// scan finds, page after page.
    #[test]
    fn attribute_prefix_search_agrees_with_a_scan_on_awkward_values() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "prefix");
        let s = schema.store();
        let long = "é".repeat(127) + "x";
        let emails = [
            "a\0b".to_owned(),
            "a\u{1}b".to_owned(),
            "a\0".to_owned(),
            "a\\u0000b".to_owned(),
            "a\\u0001b".to_owned(),
            "a\\\0".to_owned(),
            format!("{long}a"),
            format!("{long}b"),
            format!("{long}ab"),
            long.clone(),
            incompressible(11, 2048),
            incompressible(12, 100_000),
            "\u{10FFFF}\u{10FFFF}".to_owned(),
            "\u{10FFFF}a".to_owned(),
            String::new(),
        ];
        for (i, email) in emails.iter().enumerate() {
            let mut u = conformance::sample_user(&format!("u{:02}", 99 - i));
            for a in INDEXED_ATTRIBUTES {
                u.attributes.insert(a.to_owned(), email.clone());
            }
            s.insert_user("p", &u, &[]).unwrap();
        }
        s.insert_user("p", &conformance::sample_user("plain"), &[])
            .unwrap();
        let mut prefixes: Vec<String> = [
            "",
            "a",
            "a\0",
            "a\u{1}",
            "a\\u0000",
            "a\\u0001",
            "a\\",
            "\u{10FFFF}",
            "\u{10FFFF}\u{10FFFF}",
            "é",
            "plain",
            "z",
        ]
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
        prefixes.extend([
            long.clone(),
            format!("{long}a"),
            format!("{long}b"),
            emails[10].clone(),
            emails[11][..1000].to_owned(),
        ]);
        for attribute in INDEXED_ATTRIBUTES.iter().chain(&["custom:none"]) {
            for prefix in &prefixes {
                let expected: Vec<String> = crate::store::scan_users_by_attribute_prefix(
                    &s, "p", attribute, prefix, None, 100,
                )
                .unwrap()
                .into_iter()
                .map(|u| u.username)
                .collect();
                for page in [1, 2, 100] {
                    let mut got = Vec::new();
                    let mut after: Option<String> = None;
                    loop {
                        let batch = s
                            .list_users_by_attribute_prefix(
                                "p",
                                attribute,
                                prefix,
                                after.as_deref(),
                                page,
                            )
                            .unwrap();
                        assert!(batch.len() <= page);
                        let Some(last) = batch.last() else { break };
                        after = Some(last.username.clone());
                        got.extend(batch.into_iter().map(|u| u.username));
                    }
                    assert_eq!(got, expected, "{attribute} ^= {prefix:?}, pages of {page}");
                }
            }
        }
        let found = |prefix: &str| {
            s.list_users_by_attribute_prefix("p", "email", prefix, None, 100)
                .unwrap()
                .len()
        };
        assert_eq!(found("a\0"), 2, "a\\0b and a\\0");
        assert_eq!(found(&format!("{long}a")), 2);
        assert_eq!(found(""), emails.len() + 1);
    }

    /// A selective prefix is answered from the attribute's index, not by
    /// reading the pool.
    #[test]
    fn a_selective_prefix_is_read_from_the_index() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "explain");
        let s = schema.store();
        s.insert_user("p", &conformance::sample_user("first"), &[])
            .unwrap();
        let mut raw = schema.raw();
        raw.batch_execute(
            "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
             modified_at, failed_sign_ins, version) \
             SELECT 'p', 'user' || i, pg_catalog.json_build_object('sub', 'sub-' || i, \
             'email', 'user' || pg_catalog.lpad(i::text, 5, '0') || '@example.com')::text, \
             'CONFIRMED', true, 0, 0, 0, 1 FROM pg_catalog.generate_series(1, 5000) i; \
             ANALYZE users",
        )
        .unwrap();
        for cmp in [">=", ">"] {
            let sql = prefix_query("email", cmp, true, false);
            raw.batch_execute(&format!("PREPARE q AS {sql}")).unwrap();
            let plan: String = raw
                .simple_query("EXPLAIN EXECUTE q('p', 'user0424', '', 'user0425', 60)")
                .unwrap()
                .into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n");
            assert!(plan.contains("users_by_email"), "{plan}");
            raw.batch_execute("DEALLOCATE q").unwrap();
        }
        let got = s
            .list_users_by_attribute_prefix("p", "email", "user0424", None, 60)
            .unwrap();
        assert_eq!(got.len(), 10);
        assert!(got.windows(2).all(|w| w[0].username < w[1].username));
    }

    #[test]
    fn a_one_connection_pool_serves_many_threads() {
        let Some(url) = url() else { return };
        let schema = TempSchema::new(&url, "cap");
        let s = PostgresStore::connect_in_schema_with(&url, &schema.name, 1).unwrap();
        std::thread::scope(|sc| {
            for i in 0..8 {
                let s = &s;
                sc.spawn(move || {
                    for j in 0..10 {
                        let id = format!("{i}-{j}");
                        assert!(s.consume_once("p", &id, Timestamp::UNIX_EPOCH).unwrap());
                    }
                });
            }
        });
        assert_eq!(s.pool.lock().open, 1);
    }

    #[test]
    fn the_password_in_the_url_stays_out_of_debug_and_errors() {
        let Some(url) = url() else { return };
        let secret = "s3cr3t-pw";
        // Trust authentication ignores a password: connect with one.
        let with_password = match url.split_once("://") {
            Some((scheme, rest)) => match rest.split_once('@') {
                Some((user, host)) if !user.contains(':') => {
                    Some(format!("{scheme}://{user}:{secret}@{host}"))
                }
                _ => None,
            },
            None => None,
        };
        if let Some(u) = with_password {
            let schema = TempSchema::new(&url, "secret");
            if let Ok(s) = PostgresStore::connect_in_schema(&u, &schema.name) {
                let debug = format!("{s:?}");
                assert!(!debug.contains(secret), "{debug}");
                assert!(debug.contains(&schema.name), "{debug}");
            }
        }
        let msg = unavailable(PostgresStore::connect(&format!(
            "postgres://someone:{secret}@127.0.0.1:1/db?connect_timeout=2"
        )));
        assert!(!msg.contains(secret), "{msg}");
        let msg = invalid(PostgresStore::connect(&format!(
            "postgres://someone:{secret}@127.0.0.1:port{secret}/db"
        )));
        assert!(!msg.contains(secret), "{msg}");
    }
}
