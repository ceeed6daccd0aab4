//! [`PoolStore`] for [`SqliteStore`]: pools and their app clients.

use rusqlite::params;

use super::SqliteStore;
use super::connection::{cas_failure, conflict_on, db, immediate, page, query_all, query_one};
use crate::store::sql::records::{self, CLIENT_COLUMNS, ClientValues, POOL_COLUMNS, PoolValues};
use crate::store::sql::{expected_version, next_version, sql_limit};
use crate::store::{ClientRecord, ConflictKey, PoolRecord, PoolStore, StoreError, StoreResult};

/// Every table that holds rows of a pool besides `pools`, emptied by
/// `delete_pool`.
const POOL_TABLES: [&str; 11] = [
    "ephemeral",
    "devices",
    "memberships",
    "groups",
    "used_once",
    "revoked_families",
    "refresh_tokens",
    "codes",
    "user_keys",
    "users",
    "clients",
];

impl PoolStore for SqliteStore {
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        let v = PoolValues::new(pool);
        self.lock()
            .execute(
                "INSERT INTO pools (id, definition, sealed_secrets, sealing_key_id, created_at, \
                 modified_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
                params![
                    v.id,
                    v.definition,
                    v.sealed_secrets,
                    v.sealing_key_id,
                    v.created_at,
                    v.modified_at,
                ],
            )
            .map_err(conflict_on(ConflictKey::PoolId))?;
        Ok(())
    }

    fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        query_one(
            &self.lock(),
            &format!("SELECT {POOL_COLUMNS} FROM pools WHERE id = ?1"),
            params![id],
            |r| records::pool(r),
        )
    }

    fn update_pool(&self, pool: &PoolRecord, expected: u64) -> StoreResult<()> {
        let v = PoolValues::new(pool);
        let next = next_version(expected)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let changed = tx
            .execute(
                "UPDATE pools SET definition = ?2, sealed_secrets = ?3, sealing_key_id = ?4, \
                 created_at = ?5, modified_at = ?6, version = ?7 WHERE id = ?1 AND version = ?8",
                params![
                    v.id,
                    v.definition,
                    v.sealed_secrets,
                    v.sealing_key_id,
                    v.created_at,
                    v.modified_at,
                    next,
                    expected_version(expected),
                ],
            )
            .map_err(db)?;
        if changed != 1 {
            return Err(cas_failure(
                &tx,
                "SELECT EXISTS (SELECT 1 FROM pools WHERE id = ?1)",
                params![v.id],
            ));
        }
        tx.commit().map_err(db)
    }

    fn delete_pool(&self, id: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        for table in POOL_TABLES {
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
        let cmp = if after.is_some() { ">" } else { ">=" };
        query_all(
            &self.lock(),
            &format!("SELECT {POOL_COLUMNS} FROM pools WHERE id {cmp} ?1 ORDER BY id LIMIT ?2"),
            params![after.unwrap_or(""), sql_limit(limit)],
            |r| records::pool(r),
        )
    }

    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
        let v = ClientValues::new(client);
        self.lock()
            .execute(
                "INSERT INTO clients (client_id, pool, definition, sealed_secret, created_at, \
                 modified_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
                params![
                    v.client_id,
                    pool_id,
                    v.definition,
                    v.sealed_secret,
                    v.created_at,
                    v.modified_at,
                ],
            )
            .map_err(conflict_on(ConflictKey::ClientId))?;
        Ok(())
    }

    fn get_client(&self, pool_id: &str, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        query_one(
            &self.lock(),
            &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE client_id = ?1 AND pool = ?2"),
            params![client_id, pool_id],
            |r| records::client(r),
        )
    }

    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>> {
        query_one(
            &self.lock(),
            &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE client_id = ?1"),
            params![client_id],
            |r| records::client_of_pool(r),
        )
    }

    fn update_client(
        &self,
        pool_id: &str,
        client: &ClientRecord,
        expected: u64,
    ) -> StoreResult<()> {
        let v = ClientValues::new(client);
        let next = next_version(expected)?;
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let changed = tx
            .execute(
                "UPDATE clients SET definition = ?3, sealed_secret = ?4, created_at = ?5, \
                 modified_at = ?6, version = ?7 \
                 WHERE client_id = ?1 AND pool = ?2 AND version = ?8",
                params![
                    v.client_id,
                    pool_id,
                    v.definition,
                    v.sealed_secret,
                    v.created_at,
                    v.modified_at,
                    next,
                    expected_version(expected),
                ],
            )
            .map_err(db)?;
        if changed != 1 {
            return Err(cas_failure(
                &tx,
                "SELECT EXISTS (SELECT 1 FROM clients WHERE client_id = ?1 AND pool = ?2)",
                params![v.client_id, pool_id],
            ));
        }
        tx.commit().map_err(db)
    }

    fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<()> {
        let changed = self
            .lock()
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
        page(
            &self.lock(),
            &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE pool = ?1"),
            "client_id",
            (pool_id, after, limit),
            |r| records::client(r),
        )
    }
}
