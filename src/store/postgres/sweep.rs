//! [`SweepStore`] for [`PostgresStore`]: deleting what has expired, in
//! one transaction of a bounded number of rows, each kind found through
//! its `(left(pool, 128), expires_at)` index (migration 4; migration 7 for
//! devices, of which only the unconfirmed have an expiry). Rows another
//! transaction holds are skipped, so a sweep never waits on a request.

use super::PostgresStore;
use super::statements::storable;
use crate::clock::Timestamp;
use crate::store::sql::{SqlRow, millis, sql_limit};
use crate::store::{REFRESH_TOKEN_RETENTION, StoreResult, SweepReport, SweepStore};

/// The kinds deleted by their own expiry alone, and whether the retention
/// of refresh tokens applies.
pub(super) const KINDS: [(&str, bool); 5] = [
    ("codes", false),
    ("used_once", false),
    ("ephemeral", false),
    ("devices", false),
    ("refresh_tokens", true),
];

impl SweepStore for PostgresStore {
    fn sweep_expired(
        &self,
        pool_id: &str,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<SweepReport> {
        if limit == 0 || !storable(&[pool_id]) {
            return Ok(SweepReport::default());
        }
        let cutoff = now.saturating_sub(REFRESH_TOKEN_RETENTION);
        self.tx(|sql| {
            let mut report = SweepReport::default();
            let mut left = u64::try_from(limit).unwrap_or(u64::MAX);
            for (table, retained) in KINDS {
                let before = if retained { cutoff } else { now };
                let deleted = sql.execute(
                    &delete_expired(table),
                    &[&pool_id, &millis(before), &sql_limit_u64(left)],
                )?;
                left = left.saturating_sub(deleted);
                match table {
                    "codes" => report.codes = deleted,
                    "used_once" => report.once_ids = deleted,
                    "ephemeral" => report.ephemeral = deleted,
                    "devices" => report.devices = deleted,
                    _ => report.refresh_tokens = deleted,
                }
            }
            // Names of revoked families whose recorded expiry has passed:
            // deleted when no token of the family expires later, moved to
            // the latest such token's expiry otherwise (one stored after
            // the revocation), and looked at again then.
            let mut deleted = 0u64;
            while deleted < left {
                let rows = sql.query(
                    REVOKED_CANDIDATES,
                    &[&pool_id, &millis(cutoff), &sql_limit_u64(left - deleted)],
                )?;
                let mut rearmed = false;
                for row in &rows {
                    let id = row.text(0, "id")?;
                    match row.opt_int(1, "expires_at")? {
                        Some(later) => {
                            rearmed = true;
                            sql.execute(
                                "UPDATE revoked_families SET expires_at = $3 \
                                 WHERE k = userpool_key2($1, $2) AND pool = $1 AND id = $2",
                                &[&pool_id, &id, &later],
                            )?;
                        }
                        None => {
                            deleted += sql.execute(
                                "DELETE FROM revoked_families \
                                 WHERE k = userpool_key2($1, $2) AND pool = $1 AND id = $2",
                                &[&pool_id, &id],
                            )?;
                        }
                    }
                }
                if !rearmed || rows.is_empty() {
                    break;
                }
            }
            report.revoked_families = deleted;
            Ok(report)
        })
    }
}

/// The statement that deletes up to `$3` rows of `table` of the pool `$1`
/// expired at `$2`, skipping rows another transaction holds.
pub(super) fn delete_expired(table: &str) -> String {
    format!(
        "DELETE FROM {table} WHERE ctid = ANY (ARRAY( \
         SELECT ctid FROM {table} \
         WHERE left(pool, 128) = left($1, 128) AND pool = $1 AND expires_at <= $2 \
         LIMIT $3 FOR UPDATE SKIP LOCKED))"
    )
}

/// The statement that selects, and locks, up to `$3` names of revoked
/// families of the pool `$1` whose recorded expiry is at or before `$2`,
/// each with the latest expiry after `$2` of its family's tokens, if any.
pub(super) const REVOKED_CANDIDATES: &str = "SELECT r.id, \
     (SELECT max(t.expires_at) FROM refresh_tokens t \
     WHERE userpool_key2(t.pool, t.origin_jti) = userpool_key2(r.pool, r.family) \
     AND t.pool = r.pool AND t.origin_jti = r.family AND t.expires_at > $2) \
     FROM revoked_families r \
     WHERE left(r.pool, 128) = left($1, 128) AND r.pool = $1 AND r.expires_at <= $2 \
     ORDER BY r.expires_at LIMIT $3 FOR UPDATE OF r SKIP LOCKED";

/// `n` as an SQL `LIMIT`.
fn sql_limit_u64(n: u64) -> i64 {
    sql_limit(usize::try_from(n).unwrap_or(usize::MAX))
}
