//! [`SweepStore`] for [`SqliteStore`]: deleting what has expired, in one
//! `BEGIN IMMEDIATE` transaction of a bounded number of rows, each kind
//! found through its `(pool, expires_at)` index (migration 5; migration 8
//! for devices, of which only the unconfirmed have an expiry).

use rusqlite::{Transaction, params};

use super::SqliteStore;
use super::connection::{db, immediate, query_all};
use crate::clock::Timestamp;
use crate::store::sql::{millis, sql_limit};
use crate::store::{REFRESH_TOKEN_RETENTION, StoreResult, SweepReport, SweepStore};

/// The kinds deleted by their own expiry alone: the table, the columns
/// after `pool` of its primary key, and whether the retention of refresh
/// tokens applies.
pub(super) const KINDS: [(&str, &str, bool); 5] = [
    ("codes", "username, purpose", false),
    ("used_once", "id", false),
    ("ephemeral", "key", false),
    ("devices", "key", false),
    ("refresh_tokens", "digest", true),
];

impl SweepStore for SqliteStore {
    fn sweep_expired(
        &self,
        pool_id: &str,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<SweepReport> {
        let mut report = SweepReport::default();
        if limit == 0 {
            return Ok(report);
        }
        let cutoff = now.saturating_sub(REFRESH_TOKEN_RETENTION);
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let mut left = limit;
        for (table, key, retained) in KINDS {
            let before = if retained { cutoff } else { now };
            let deleted = tx
                .execute(
                    &delete_expired(table, key),
                    params![pool_id, millis(before), sql_limit(left)],
                )
                .map_err(db)?;
            left = left.saturating_sub(deleted);
            let deleted = u64::try_from(deleted).unwrap_or(u64::MAX);
            match table {
                "codes" => report.codes = deleted,
                "used_once" => report.once_ids = deleted,
                "ephemeral" => report.ephemeral = deleted,
                "devices" => report.devices = deleted,
                _ => report.refresh_tokens = deleted,
            }
        }
        report.revoked_families = sweep_revocations(&tx, pool_id, cutoff, left)?;
        tx.commit().map_err(db)?;
        Ok(report)
    }
}

/// The statement that deletes up to `?3` rows of `table` (whose primary
/// key is `pool` and `key`) of the pool `?1` expired at `?2`.
pub(super) fn delete_expired(table: &str, key: &str) -> String {
    format!(
        "DELETE FROM {table} WHERE (pool, {key}) IN \
         (SELECT pool, {key} FROM {table} \
         WHERE pool = ?1 AND expires_at <= ?2 LIMIT ?3)"
    )
}

/// The statement that selects up to `?3` names of revoked families of the
/// pool `?1` whose recorded expiry is at or before `?2`, each with the
/// latest expiry after `?2` of its family's tokens, if any: found through
/// the family (a few tokens), never through the expiry index (every token
/// of the pool not expired yet), whatever the planner estimates.
pub(super) const REVOKED_CANDIDATES: &str = "SELECT r.id, r.family, \
     (SELECT max(t.expires_at) FROM refresh_tokens t INDEXED BY refresh_tokens_by_family \
     WHERE t.pool = r.pool AND t.origin_jti = r.family AND t.expires_at > ?2) \
     FROM revoked_families r WHERE r.pool = ?1 AND r.expires_at <= ?2 \
     ORDER BY r.expires_at LIMIT ?3";

/// Deletes up to `limit` names of revoked families whose recorded expiry
/// is at or before `cutoff` and whose family has no token expiring after
/// it; a name whose family does (a token stored after the revocation)
/// gets that token's expiry instead, and is looked at again then.
fn sweep_revocations(
    tx: &Transaction<'_>,
    pool_id: &str,
    cutoff: Timestamp,
    limit: usize,
) -> StoreResult<u64> {
    let mut deleted = 0usize;
    while deleted < limit {
        let candidates: Vec<(String, String, Option<i64>)> = query_all(
            tx,
            REVOKED_CANDIDATES,
            params![pool_id, millis(cutoff), sql_limit(limit - deleted)],
            |r| {
                Ok((
                    r.get(0).map_err(db)?,
                    r.get(1).map_err(db)?,
                    r.get(2).map_err(db)?,
                ))
            },
        )?;
        let found = candidates.len();
        let mut rearmed = false;
        for (id, _family, later) in candidates {
            match later {
                Some(expires_at) => {
                    rearmed = true;
                    tx.execute(
                        "UPDATE revoked_families SET expires_at = ?3 WHERE pool = ?1 AND id = ?2",
                        params![pool_id, id, expires_at],
                    )
                    .map_err(db)?;
                }
                None => {
                    deleted += tx
                        .execute(
                            "DELETE FROM revoked_families WHERE pool = ?1 AND id = ?2",
                            params![pool_id, id],
                        )
                        .map_err(db)?;
                }
            }
        }
        // Without a name moved forward, every candidate went: a full batch
        // was the limit, a short one the last.
        if !rearmed || found == 0 {
            break;
        }
    }
    Ok(u64::try_from(deleted).unwrap_or(u64::MAX))
}
