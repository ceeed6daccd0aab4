//! The connection's query helpers: one row, all rows, one page, an
//! immediate transaction; a row as the shared decoders read it; and a
//! driver error as a [`StoreError`] that quotes no value.

use std::time::Duration;

use rusqlite::types::FromSql;
use rusqlite::{Connection, ErrorCode, Row, Transaction, TransactionBehavior, params};

use crate::store::sql::{SqlRow, redact, sql_limit};
use crate::store::{ConflictKey, StoreError, StoreResult};

/// How long a call waits for another process's lock before failing with
/// [`StoreError::Unavailable`].
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What a driver error says that quotes no bound or stored value: SQLite's
/// own message, which names tables, columns and constraints only, or for
/// the client's conversion errors (which can quote a number) their kind.
fn describe(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(message)) => message.clone(),
        rusqlite::Error::SqliteFailure(code, None) => code.to_string(),
        rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::ToSqlConversionFailure(..) => {
            "a value could not be converted".to_owned()
        }
        other => other.to_string(),
    }
}

/// A backend error as [`StoreError::Unavailable`], the driver's error kept
/// as its source.
pub(super) fn db(e: rusqlite::Error) -> StoreError {
    redact::backend("sqlite", describe(&e), e)
}

/// [`db`] for a failure of `what` (an operation the message names).
pub(super) fn failed(what: &str, e: rusqlite::Error) -> StoreError {
    redact::backend("sqlite", format!("{what}: {}", describe(&e)), e)
}

pub(super) fn is_constraint(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

/// Maps a failed insert: a constraint violation is a `Conflict` on `key`.
pub(super) fn conflict_on(key: ConflictKey) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| {
        if is_constraint(&e) {
            StoreError::Conflict(key)
        } else {
            db(e)
        }
    }
}

/// A column, or `Unavailable` naming it.
fn get<T: FromSql>(row: &Row<'_>, idx: usize, name: &str) -> StoreResult<T> {
    row.get(idx).map_err(|e| redact::invalid_stored(name, e))
}

impl SqlRow for Row<'_> {
    fn text(&self, idx: usize, name: &str) -> StoreResult<String> {
        get(self, idx, name)
    }

    fn opt_text(&self, idx: usize, name: &str) -> StoreResult<Option<String>> {
        get(self, idx, name)
    }

    /// `TEXT`, as keys are.
    fn value(&self, idx: usize, name: &str) -> StoreResult<String> {
        get(self, idx, name)
    }

    fn opt_value(&self, idx: usize, name: &str) -> StoreResult<Option<String>> {
        get(self, idx, name)
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

/// Every row of a prepared query, converted.
pub(super) fn collect<T>(
    mut rows: rusqlite::Rows<'_>,
    convert: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db)? {
        out.push(convert(row)?);
    }
    Ok(out)
}

/// The row `sql` selects with `params`, if any, converted.
pub(super) fn query_one<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    convert: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(db)?;
    let rows = stmt.query(params).map_err(db)?;
    Ok(collect(rows, convert)?.pop())
}

/// Every row `sql` selects with `params`, converted.
pub(super) fn query_all<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    convert: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(db)?;
    let rows = stmt.query(params).map_err(db)?;
    collect(rows, convert)
}

/// A `BEGIN IMMEDIATE` transaction: it takes the database's write lock at
/// its start, so the checks it makes hold until it commits.
pub(super) fn immediate(conn: &mut Connection) -> StoreResult<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db)
}

/// Whether `sql` (a `SELECT EXISTS (...)`) finds a row.
pub(super) fn exists(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> StoreResult<bool> {
    conn.query_row(sql, params, |r| r.get(0)).map_err(db)
}

/// One page of `select` (which filters on `pool = ?1`), in byte order of
/// `key`, strictly after `after` when given.
pub(super) fn page<T>(
    conn: &Connection,
    select: &str,
    key: &str,
    (pool_id, after, limit): (&str, Option<&str>, usize),
    convert: impl Fn(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let cmp = if after.is_some() { ">" } else { ">=" };
    query_all(
        conn,
        &format!("{select} AND {key} {cmp} ?2 ORDER BY {key} LIMIT ?3"),
        params![pool_id, after.unwrap_or(""), sql_limit(limit)],
        convert,
    )
}

/// After a compare-and-swap `UPDATE` changed no row: `NotFound` if the row
/// is gone, `VersionMismatch` if it is there with another version.
pub(super) fn cas_failure(
    conn: &Connection,
    exists_sql: &str,
    params: impl rusqlite::Params,
) -> StoreError {
    match exists(conn, exists_sql, params) {
        Ok(true) => StoreError::VersionMismatch,
        Ok(false) => StoreError::NotFound,
        Err(e) => e,
    }
}
