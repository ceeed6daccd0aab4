//! The schema, versioned by `PRAGMA user_version`: the migrations in
//! order, each an SQL file of `migrations/`.

use rusqlite::{Connection, TransactionBehavior};

use super::connection::{db, failed};
use crate::store::{StoreError, StoreResult};

/// The schema migrations, in order; the database's `user_version` is the
/// number applied. Never edit a released entry: append a new one.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_pools_and_clients.sql"),
    include_str!("migrations/003_attribute_indexes.sql"),
    include_str!("migrations/004_ephemeral.sql"),
    include_str!("migrations/005_expiry.sql"),
    include_str!("migrations/006_username_attribute.sql"),
    include_str!("migrations/007_user_mfa.sql"),
    include_str!("migrations/008_devices.sql"),
    include_str!("migrations/009_refresh_scope.sql"),
];

/// Applies the migrations `conn`'s database lacks, in one `BEGIN
/// IMMEDIATE` transaction, so processes opening one file together migrate
/// it once.
pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db)?;
    let current: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db)?;
    let known = MIGRATIONS.len();
    let current = usize::try_from(current)
        .map_err(|_| StoreError::unavailable(format!("invalid schema version {current}")))?;
    if current > known {
        return Err(StoreError::unavailable(format!(
            "database schema version {current} is newer than this code supports ({known})"
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(sql)
            .map_err(|e| failed(&format!("migration {}", i + 1), e))?;
    }
    if current < known {
        tx.pragma_update(None, "user_version", known as i64)
            .map_err(db)?;
    }
    tx.commit().map_err(db)
}
