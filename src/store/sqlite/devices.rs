//! [`DeviceStore`] for [`SqliteStore`]: tracked devices (migration 8).

use rusqlite::params;

use super::SqliteStore;
use super::connection::{cas_failure, conflict_on, db, immediate, query_all, query_one};
use crate::store::sql::records::{self, DEVICE_COLUMNS, DeviceValues};
use crate::store::sql::{expected_version, next_version, sql_limit};
use crate::store::{ConflictKey, DeviceRecord, DeviceStore, StoreError, StoreResult};

impl DeviceStore for SqliteStore {
    fn insert_device(&self, pool_id: &str, device: &DeviceRecord) -> StoreResult<()> {
        let v = DeviceValues::new(device);
        // One statement: atomic on its own; the primary key refuses a
        // taken key.
        self.lock()
            .execute(
                "INSERT INTO devices (pool, key, username, sub, group_key, status, \
                 sealed_verifier, name, last_ip, created_at, modified_at, \
                 last_authenticated_at, expires_at, version) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)",
                params![
                    pool_id,
                    v.key,
                    v.username,
                    v.sub,
                    v.group_key,
                    v.status,
                    v.sealed_verifier,
                    v.name,
                    v.last_ip,
                    v.created_at,
                    v.modified_at,
                    v.last_authenticated_at,
                    v.expires_at,
                ],
            )
            .map_err(conflict_on(ConflictKey::DeviceKey))?;
        Ok(())
    }

    fn get_device(&self, pool_id: &str, key: &str) -> StoreResult<Option<DeviceRecord>> {
        query_one(
            &self.lock(),
            &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE pool = ?1 AND key = ?2"),
            params![pool_id, key],
            |r| records::device(r),
        )
    }

    fn update_device(
        &self,
        pool_id: &str,
        device: &DeviceRecord,
        expected: u64,
    ) -> StoreResult<()> {
        let v = DeviceValues::new(device);
        let next = next_version(expected)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let changed = tx
            .execute(
                "UPDATE devices SET username = ?3, sub = ?4, group_key = ?5, status = ?6, \
                 sealed_verifier = ?7, name = ?8, last_ip = ?9, created_at = ?10, \
                 modified_at = ?11, last_authenticated_at = ?12, expires_at = ?13, \
                 version = ?14 \
                 WHERE pool = ?1 AND key = ?2 AND version = ?15",
                params![
                    pool_id,
                    v.key,
                    v.username,
                    v.sub,
                    v.group_key,
                    v.status,
                    v.sealed_verifier,
                    v.name,
                    v.last_ip,
                    v.created_at,
                    v.modified_at,
                    v.last_authenticated_at,
                    v.expires_at,
                    next,
                    expected_version(expected),
                ],
            )
            .map_err(db)?;
        if changed != 1 {
            return Err(cas_failure(
                &tx,
                "SELECT EXISTS (SELECT 1 FROM devices WHERE pool = ?1 AND key = ?2)",
                params![pool_id, v.key],
            ));
        }
        tx.commit().map_err(db)
    }

    fn delete_device(&self, pool_id: &str, key: &str) -> StoreResult<()> {
        let deleted = self
            .lock()
            .execute(
                "DELETE FROM devices WHERE pool = ?1 AND key = ?2",
                params![pool_id, key],
            )
            .map_err(db)?;
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    fn list_devices(
        &self,
        pool_id: &str,
        username: &str,
        limit: usize,
    ) -> StoreResult<Vec<DeviceRecord>> {
        query_all(
            &self.lock(),
            &format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE pool = ?1 AND username = ?2 \
                 ORDER BY created_at DESC, key LIMIT ?3"
            ),
            params![pool_id, username, sql_limit(limit)],
            |r| records::device(r),
        )
    }
}
