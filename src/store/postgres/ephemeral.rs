//! [`EphemeralStore`] for [`PostgresStore`]: ephemeral records.

use super::PostgresStore;
use super::statements::{WITH_POOL_LOCK, storable};
use crate::clock::Timestamp;
use crate::store::sql::{SqlRow, expected_version, millis};
use crate::store::{EphemeralKey, EphemeralRecord, EphemeralStore, StoreResult};

/// The record of key `$2` in pool `$1`.
const EPHEMERAL_KEY: &str = "k = userpool_key2($1, $2) AND pool = $1 AND key = $2";

impl EphemeralStore for PostgresStore {
    fn get_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
    ) -> StoreResult<Option<EphemeralRecord>> {
        let key = key.encode();
        if !storable(&[pool_id, &key]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!("SELECT data, expires_at, version FROM ephemeral WHERE {EPHEMERAL_KEY}"),
                &[&pool_id, &key],
            )?;
            Ok(row
                .map(|r| {
                    Ok::<_, crate::store::StoreError>(EphemeralRecord {
                        data: r.bytes(0, "ephemeral data")?,
                        expires_at: r.timestamp(1, "ephemeral expires_at")?,
                        version: r.version(2, "ephemeral version")?,
                    })
                })
                .transpose()?)
        })
    }

    /// One statement. An insert (`expected_version` 0) that meets a stored
    /// record waits for the transaction that wrote it and then does
    /// nothing; an update re-checks the version against the newest
    /// committed row after waiting for its lock, so of concurrent writers
    /// of one version exactly one changes the row. The new version is the
    /// next value of the sequence `ephemeral_versions`, which never gives
    /// one twice. An insert holds the pool lock shared, like every call
    /// that adds rows to a pool (see the module docs).
    fn put_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
        data: &[u8],
        expires_at: Timestamp,
        expected: u64,
    ) -> StoreResult<bool> {
        let key = key.encode();
        let expires_at = millis(expires_at);
        let written = if expected == 0 {
            self.auto(|sql| {
                sql.execute(
                    &format!(
                        "{WITH_POOL_LOCK} INSERT INTO ephemeral (pool, key, data, expires_at, \
                         version) SELECT $1, $2, $3, $4, nextval('ephemeral_versions') \
                         FROM pool_lock ON CONFLICT (k) DO NOTHING"
                    ),
                    &[&pool_id, &key, &data, &expires_at],
                )
            })?
        } else {
            if !storable(&[pool_id, &key]) {
                return Ok(false);
            }
            let expected = expected_version(expected);
            self.auto(|sql| {
                sql.execute(
                    &format!(
                        "UPDATE ephemeral SET data = $3, expires_at = $4, \
                         version = nextval('ephemeral_versions') \
                         WHERE {EPHEMERAL_KEY} AND version = $5"
                    ),
                    &[&pool_id, &key, &data, &expires_at, &expected],
                )
            })?
        };
        Ok(written == 1)
    }
}
