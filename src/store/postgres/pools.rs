//! [`PoolStore`] for [`PostgresStore`]: pools and their app clients.

use super::PostgresStore;
use super::statements::{POOL_LOCK_CLASS, cas_failure, or_conflict, page_bound, storable};
use crate::store::sql::records::{self, CLIENT_COLUMNS, ClientValues, POOL_COLUMNS, PoolValues};
use crate::store::sql::{expected_version, next_version, sql_limit};
use crate::store::{ClientRecord, ConflictKey, PoolRecord, PoolStore, StoreError, StoreResult};

/// The pool `$1`.
const POOL_KEY: &str = "k = userpool_key1($1) AND id = $1";

/// The client `$1` of pool `$2`.
const CLIENT_KEY: &str = "k = userpool_key1($1) AND client_id = $1 AND pool = $2";

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
    "devices",
    "revoked_families",
    "used_once",
    "ephemeral",
];

impl PoolStore for PostgresStore {
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        let v = PoolValues::new(pool);
        self.auto(|sql| {
            or_conflict(
                sql.execute(
                    "INSERT INTO pools (id, definition, sealed_secrets, sealing_key_id, \
                     created_at, modified_at, version) VALUES ($1, $2, $3, $4, $5, $6, 1)",
                    &[
                        &v.id,
                        &v.definition.as_bytes(),
                        &v.sealed_secrets,
                        &v.sealing_key_id,
                        &v.created_at,
                        &v.modified_at,
                    ],
                ),
                || ConflictKey::PoolId,
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
                &format!("SELECT {POOL_COLUMNS} FROM pools WHERE {POOL_KEY}"),
                &[&id],
            )?;
            Ok(row.as_ref().map(records::pool).transpose()?)
        })
    }

    fn update_pool(&self, pool: &PoolRecord, expected: u64) -> StoreResult<()> {
        let v = PoolValues::new(pool);
        let next = next_version(expected)?;
        let expected = expected_version(expected);
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE pools SET definition = $2, sealed_secrets = $3, \
                     sealing_key_id = $4, created_at = $5, modified_at = $6, version = $7 \
                     WHERE {POOL_KEY} AND version = $8"
                ),
                &[
                    &v.id,
                    &v.definition.as_bytes(),
                    &v.sealed_secrets,
                    &v.sealing_key_id,
                    &v.created_at,
                    &v.modified_at,
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
                    "SELECT {POOL_COLUMNS} FROM pools \
                     WHERE left(id, 128) >= left($1, 128) AND id {cmp} $1 \
                     ORDER BY left(id, 128), id LIMIT $2"
                ),
                &[&bound, &sql_limit(limit)],
            )?;
            Ok(rows
                .iter()
                .map(records::pool)
                .collect::<StoreResult<Vec<_>>>()?)
        })
    }

    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
        let v = ClientValues::new(client);
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
                        &v.client_id,
                        &pool_id,
                        &v.definition.as_bytes(),
                        &v.sealed_secret,
                        &v.created_at,
                        &v.modified_at,
                    ],
                ),
                || ConflictKey::ClientId,
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
                &format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE {CLIENT_KEY}"),
                &[&client_id, &pool_id],
            )?;
            Ok(row.as_ref().map(records::client).transpose()?)
        })
    }

    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>> {
        if !storable(&[client_id]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {CLIENT_COLUMNS} FROM clients \
                     WHERE k = userpool_key1($1) AND client_id = $1"
                ),
                &[&client_id],
            )?;
            Ok(row.as_ref().map(records::client_of_pool).transpose()?)
        })
    }

    fn update_client(
        &self,
        pool_id: &str,
        client: &ClientRecord,
        expected: u64,
    ) -> StoreResult<()> {
        let v = ClientValues::new(client);
        let next = next_version(expected)?;
        let expected = expected_version(expected);
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE clients SET definition = $3, sealed_secret = $4, created_at = $5, \
                     modified_at = $6, version = $7 WHERE {CLIENT_KEY} AND version = $8"
                ),
                &[
                    &v.client_id,
                    &pool_id,
                    &v.definition.as_bytes(),
                    &v.sealed_secret,
                    &v.created_at,
                    &v.modified_at,
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
            &format!("SELECT {CLIENT_COLUMNS} FROM clients"),
            ("pool", "client_id"),
            (pool_id, after, limit),
            records::client,
        )
    }
}
