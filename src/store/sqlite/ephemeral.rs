//! [`EphemeralStore`] for [`SqliteStore`]: ephemeral records.

use rusqlite::params;

use super::SqliteStore;
use super::connection::{db, immediate, query_one};
use crate::clock::Timestamp;
use crate::store::sql::{SqlRow, expected_version, millis};
use crate::store::{EphemeralKey, EphemeralRecord, EphemeralStore, StoreResult};

impl EphemeralStore for SqliteStore {
    fn get_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
    ) -> StoreResult<Option<EphemeralRecord>> {
        query_one(
            &self.lock(),
            "SELECT data, expires_at, version FROM ephemeral WHERE pool = ?1 AND key = ?2",
            params![pool_id, key.encode()],
            |r| {
                Ok(EphemeralRecord {
                    data: r.bytes(0, "ephemeral data")?,
                    expires_at: r.timestamp(1, "ephemeral expires_at")?,
                    version: r.version(2, "ephemeral version")?,
                })
            },
        )
    }

    /// One `BEGIN IMMEDIATE` transaction: the next version from
    /// `ephemeral_versions`, then the conditional insert or update, both
    /// rolled back when the compare-and-swap fails.
    fn put_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
        data: &[u8],
        expires_at: Timestamp,
        expected: u64,
    ) -> StoreResult<bool> {
        let key = key.encode();
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let version: i64 = tx
            .query_row(
                "UPDATE ephemeral_versions SET last = last + 1 RETURNING last",
                [],
                |r| r.get(0),
            )
            .map_err(db)?;
        let written = if expected == 0 {
            tx.execute(
                "INSERT INTO ephemeral (pool, key, data, expires_at, version) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (pool, key) DO NOTHING",
                params![pool_id, key, data, millis(expires_at), version],
            )
        } else {
            tx.execute(
                "UPDATE ephemeral SET data = ?3, expires_at = ?4, version = ?5 \
                 WHERE pool = ?1 AND key = ?2 AND version = ?6",
                params![
                    pool_id,
                    key,
                    data,
                    millis(expires_at),
                    version,
                    expected_version(expected)
                ],
            )
        }
        .map_err(db)?;
        if written != 1 {
            // Dropped: rolled back, the version with it.
            return Ok(false);
        }
        tx.commit().map_err(db)?;
        Ok(true)
    }
}
