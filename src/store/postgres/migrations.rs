//! The schema, versioned in the one-row table `userpool_schema`: the
//! migrations in order, each an SQL file of `migrations/`, applied under an
//! advisory lock so that processes starting together migrate once.

use postgres::Client;

use super::statements::{Fail, describe};
use crate::store::StoreError;
use crate::store::sql::{SqlRow, redact};

/// The schema migrations, in order; `userpool_schema.version` is the number
/// applied. Never edit a released entry: append a new one.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_attribute_indexes.sql"),
    include_str!("migrations/003_ephemeral.sql"),
    include_str!("migrations/004_expiry.sql"),
    include_str!("migrations/005_username_attribute.sql"),
    include_str!("migrations/006_user_mfa.sql"),
    include_str!("migrations/007_devices.sql"),
    include_str!("migrations/008_refresh_scope.sql"),
];

/// The advisory lock that serialises migrations (ASCII "userpool").
const MIGRATION_LOCK: i64 = 0x7573_6572_706f_6f6c;

/// Brings the schema (`schema`, created if missing, or the first of the
/// `search_path`) up to date, in one transaction.
pub(super) fn migrate(client: &mut Client, schema: Option<&str>) -> Result<(), Fail> {
    let encoding = client
        .query_one("SELECT pg_catalog.current_setting('server_encoding')", &[])?
        .text(0, "server_encoding")?;
    if encoding != "UTF8" {
        return Err(StoreError::unavailable(format!(
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
            let v: i32 = row
                .try_get(0)
                .map_err(|e| redact::invalid_stored("userpool_schema.version", e))?;
            usize::try_from(v).map_err(|_| {
                StoreError::unavailable(format!("invalid stored schema version {v}"))
            })?
        }
        more => {
            return Err(StoreError::unavailable(format!(
                "userpool_schema holds {} rows instead of one",
                more.len()
            ))
            .into());
        }
    };
    if current > known {
        return Err(StoreError::unavailable(format!(
            "database schema version {current} is newer than this code supports ({known})"
        ))
        .into());
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(sql).map_err(|e| {
            StoreError::unavailable_because(format!("migration {}: {}", i + 1, describe(&e)), e)
        })?;
    }
    if current < known {
        let v = i32::try_from(known).map_err(|_| StoreError::unavailable("too many migrations"))?;
        if rows.is_empty() {
            tx.execute("INSERT INTO userpool_schema (version) VALUES ($1)", &[&v])?;
        } else {
            tx.execute("UPDATE userpool_schema SET version = $1", &[&v])?;
        }
    }
    tx.commit()?;
    Ok(())
}
