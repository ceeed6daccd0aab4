//! Statements on one connection: the statement cache ([`Sql`]), how a
//! PostgreSQL error becomes a [`StoreError`] that quotes no value or is
//! retried ([`Fail`]), a row as the shared decoders read it, and the
//! locks the writes that add rows to a pool take.

use std::collections::HashMap;

use postgres::error::{Severity, SqlState};
use postgres::types::{FromSql, ToSql};
use postgres::{GenericClient, Row, Statement};

use crate::store::sql::{SqlRow, redact};
use crate::store::{ConflictKey, StoreError, StoreResult};

/// The first half of the advisory lock of a pool id (ASCII "upol"); the
/// second is `hashtext(pool id)`. Writes that add rows to a pool hold it
/// shared, `delete_pool` exclusively.
pub(super) const POOL_LOCK_CLASS: i32 = 0x7570_6f6c;

/// Takes the pool lock of `$1` shared, until the end of the transaction.
pub(super) const POOL_LOCK_SHARED: &str =
    "SELECT pg_catalog.pg_advisory_xact_lock_shared(1970302828, pg_catalog.hashtext($1))";

/// [`POOL_LOCK_SHARED`] as a CTE, for a single statement that adds rows
/// (which then selects `FROM pool_lock`).
pub(super) const WITH_POOL_LOCK: &str = "WITH pool_lock AS MATERIALIZED (SELECT \
     pg_catalog.pg_advisory_xact_lock_shared(1970302828, pg_catalog.hashtext($1)))";

/// Whether `userpool_attribute` (migration 2) compares `value` exactly:
/// it reads every NUL of a stored value as U+0001 and the characters
/// `\u0000` as `\u0001`, so a value holding neither `\` nor U+0001 is
/// equal to a stored one if and only if their read forms are.
pub(super) fn exact_attribute(value: &str) -> bool {
    !value.contains(['\\', '\u{1}'])
}

// ---------------------------------------------------------------- errors

/// Why a closure run by `PostgresStore::run` failed: a final answer, or
/// a PostgreSQL error that may be retried.
pub(super) enum Fail {
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
pub(super) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{} (SQLSTATE {})", db.message(), db.code().code());
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

/// A PostgreSQL error as [`StoreError::Unavailable`], the error itself
/// kept as the source.
pub(super) fn pg_error(e: postgres::Error) -> StoreError {
    redact::backend("postgres", describe(&e), e)
}

pub(super) fn is_retryable(e: &postgres::Error) -> bool {
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
pub(super) fn breaks_connection(e: &postgres::Error) -> bool {
    e.is_closed()
        || e.as_db_error().is_none_or(|db| {
            matches!(
                db.parsed_severity(),
                Some(Severity::Fatal | Severity::Panic)
            ) || db.code().code().starts_with("08")
                || is_stale_statement(db.code())
        })
}

/// `r`, with a unique violation turned into [`StoreError::Conflict`] on `key`.
pub(super) fn or_conflict<T>(
    r: Result<T, Fail>,
    key: impl FnOnce() -> ConflictKey,
) -> Result<T, Fail> {
    match r {
        Err(Fail::Pg(e)) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            Err(StoreError::Conflict(key()).into())
        }
        other => other,
    }
}

/// After a compare-and-swap changed no row: `NotFound` if the row is gone,
/// `VersionMismatch` if it is there with another version.
pub(super) fn cas_failure(exists: bool) -> Fail {
    Fail::Store(if exists {
        StoreError::VersionMismatch
    } else {
        StoreError::NotFound
    })
}

// ---------------------------------------------------------------- statements

/// A client or transaction and the statement cache of its connection.
pub(super) struct Sql<'a, C> {
    pub(super) c: &'a mut C,
    pub(super) stmts: &'a mut HashMap<String, Statement>,
}

pub(super) type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<C: GenericClient> Sql<'_, C> {
    fn statement(&mut self, sql: &str) -> Result<Statement, Fail> {
        if let Some(s) = self.stmts.get(sql) {
            return Ok(s.clone());
        }
        let s = self.c.prepare(sql)?;
        self.stmts.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    pub(super) fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<Row>, Fail> {
        let s = self.statement(sql)?;
        Ok(self.c.query(&s, params)?)
    }

    /// The first row, if any.
    pub(super) fn opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<Row>, Fail> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    pub(super) fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64, Fail> {
        let s = self.statement(sql)?;
        Ok(self.c.execute(&s, params)?)
    }

    /// The boolean of a `SELECT EXISTS (...)`.
    pub(super) fn exists(&mut self, sql: &str, params: Params<'_>) -> Result<bool, Fail> {
        match self.opt(sql, params)? {
            Some(row) => Ok(row.boolean(0, "exists")?),
            None => Ok(false),
        }
    }
}

// ---------------------------------------------------------------- values

/// Whether every part can be stored: text in PostgreSQL cannot hold NUL,
/// so a lookup by a key with NUL finds nothing (without asking).
pub(super) fn storable(parts: &[&str]) -> bool {
    !parts.iter().any(|p| p.contains('\0'))
}

/// The comparison and bound of a page "strictly after `after`", or from
/// the start. Text cannot hold NUL: every storable string greater than
/// `a\0…` is greater than `a`, so the bound is cut at its first NUL.
pub(super) fn page_bound(after: Option<&str>) -> (&'static str, &str) {
    match after {
        Some(a) => (">", a.split('\0').next().unwrap_or("")),
        None => (">=", ""),
    }
}

/// A column, or `Unavailable` naming it.
fn get<'a, T: FromSql<'a>>(row: &'a Row, idx: usize, name: &str) -> StoreResult<T> {
    row.try_get(idx)
        .map_err(|e| redact::invalid_stored(name, e))
}

/// UTF-8 text held in `bytea`.
fn utf8(v: Vec<u8>, name: &str) -> StoreResult<String> {
    String::from_utf8(v).map_err(|e| redact::invalid_stored(name, e))
}

impl SqlRow for Row {
    fn text(&self, idx: usize, name: &str) -> StoreResult<String> {
        get(self, idx, name)
    }

    fn opt_text(&self, idx: usize, name: &str) -> StoreResult<Option<String>> {
        get(self, idx, name)
    }

    /// `bytea` holding UTF-8 (which may hold NUL, unlike `text`).
    fn value(&self, idx: usize, name: &str) -> StoreResult<String> {
        utf8(get(self, idx, name)?, name)
    }

    fn opt_value(&self, idx: usize, name: &str) -> StoreResult<Option<String>> {
        get::<Option<Vec<u8>>>(self, idx, name)?
            .map(|v| utf8(v, name))
            .transpose()
    }

    fn int(&self, idx: usize, name: &str) -> StoreResult<i64> {
        get(self, idx, name)
    }

    fn opt_int(&self, idx: usize, name: &str) -> StoreResult<Option<i64>> {
        get(self, idx, name)
    }

    fn boolean(&self, idx: usize, name: &str) -> StoreResult<bool> {
        get(self, idx, name)
    }

    fn bytes(&self, idx: usize, name: &str) -> StoreResult<Vec<u8>> {
        get(self, idx, name)
    }

    fn opt_bytes(&self, idx: usize, name: &str) -> StoreResult<Option<Vec<u8>>> {
        get(self, idx, name)
    }
}
