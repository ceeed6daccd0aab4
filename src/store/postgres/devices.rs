//! [`DeviceStore`] for [`PostgresStore`]: tracked devices (migration 7).

use super::PostgresStore;
use super::statements::{WITH_POOL_LOCK, cas_failure, or_conflict, storable};
use crate::store::sql::records::{self, DEVICE_COLUMNS, DeviceValues};
use crate::store::sql::{expected_version, next_version, sql_limit};
use crate::store::{ConflictKey, DeviceRecord, DeviceStore, StoreError, StoreResult};

/// The device of key `$2` in pool `$1`.
const DEVICE_KEY: &str = "k = userpool_key2($1, $2) AND pool = $1 AND key = $2";

impl DeviceStore for PostgresStore {
    /// One statement, holding the pool lock shared (as every call that
    /// adds rows to a pool) and the owner's row `FOR KEY SHARE` when it
    /// exists, so that a concurrent `delete_user` deletes the device too.
    fn insert_device(&self, pool_id: &str, device: &DeviceRecord) -> StoreResult<()> {
        let v = DeviceValues::new(device);
        self.auto(|sql| {
            or_conflict(
                sql.execute(
                    &format!(
                        "{WITH_POOL_LOCK}, owner_lock AS MATERIALIZED (SELECT 1 FROM users \
                         WHERE k = userpool_key2($1, $3) AND pool = $1 AND username = $3 \
                         FOR KEY SHARE) \
                         INSERT INTO devices (pool, key, username, sub, group_key, status, \
                         sealed_verifier, name, last_ip, created_at, modified_at, \
                         last_authenticated_at, expires_at, version) \
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1 \
                         FROM pool_lock LEFT JOIN owner_lock ON true"
                    ),
                    &[
                        &pool_id,
                        &v.key,
                        &v.username,
                        &v.sub,
                        &v.group_key,
                        &v.status,
                        &v.sealed_verifier,
                        &v.name,
                        &v.last_ip,
                        &v.created_at,
                        &v.modified_at,
                        &v.last_authenticated_at,
                        &v.expires_at,
                    ],
                ),
                || ConflictKey::DeviceKey,
            )?;
            Ok(())
        })
    }

    fn get_device(&self, pool_id: &str, key: &str) -> StoreResult<Option<DeviceRecord>> {
        if !storable(&[pool_id, key]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE {DEVICE_KEY}"),
                &[&pool_id, &key],
            )?;
            Ok(row.as_ref().map(records::device).transpose()?)
        })
    }

    /// One conditional `UPDATE`: at `READ COMMITTED` it re-checks the
    /// version against the newest committed row after waiting for its
    /// lock, so of concurrent updates of one version exactly one changes
    /// the row.
    fn update_device(
        &self,
        pool_id: &str,
        device: &DeviceRecord,
        expected: u64,
    ) -> StoreResult<()> {
        if !storable(&[pool_id, &device.key]) {
            return Err(StoreError::NotFound);
        }
        let v = DeviceValues::new(device);
        let next = next_version(expected)?;
        let expected = expected_version(expected);
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE devices SET username = $3, sub = $4, group_key = $5, status = $6, \
                     sealed_verifier = $7, name = $8, last_ip = $9, created_at = $10, \
                     modified_at = $11, last_authenticated_at = $12, expires_at = $13, \
                     version = $14 WHERE {DEVICE_KEY} AND version = $15"
                ),
                &[
                    &pool_id,
                    &v.key,
                    &v.username,
                    &v.sub,
                    &v.group_key,
                    &v.status,
                    &v.sealed_verifier,
                    &v.name,
                    &v.last_ip,
                    &v.created_at,
                    &v.modified_at,
                    &v.last_authenticated_at,
                    &v.expires_at,
                    &next,
                    &expected,
                ],
            )?;
            if changed != 1 {
                return Err(cas_failure(sql.exists(
                    &format!("SELECT EXISTS (SELECT 1 FROM devices WHERE {DEVICE_KEY})"),
                    &[&pool_id, &v.key],
                )?));
            }
            Ok(())
        })
    }

    fn delete_device(&self, pool_id: &str, key: &str) -> StoreResult<()> {
        if !storable(&[pool_id, key]) {
            return Err(StoreError::NotFound);
        }
        let deleted = self.auto(|sql| {
            sql.execute(
                &format!("DELETE FROM devices WHERE {DEVICE_KEY}"),
                &[&pool_id, &key],
            )
        })?;
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
        if !storable(&[pool_id, username]) {
            return Ok(Vec::new());
        }
        self.auto(|sql| {
            let rows = sql.query(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices \
                     WHERE userpool_key2(pool, username) = userpool_key2($1, $2) \
                     AND pool = $1 AND username = $2 \
                     ORDER BY created_at DESC, key LIMIT $3"
                ),
                &[&pool_id, &username, &sql_limit(limit)],
            )?;
            Ok(rows
                .iter()
                .map(records::device)
                .collect::<StoreResult<Vec<_>>>()?)
        })
    }
}
