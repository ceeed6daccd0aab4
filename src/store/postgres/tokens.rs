//! [`TokenStore`] for [`PostgresStore`]: refresh tokens, revoked families
//! and one-time ids.

use std::time::Duration;

use super::PostgresStore;
use super::statements::{WITH_POOL_LOCK, or_conflict, storable};
use crate::clock::Timestamp;
use crate::store::sql::millis;
use crate::store::sql::records::{self, REFRESH_TOKEN_COLUMNS, RefreshTokenValues};
use crate::store::{ConflictKey, OnceId, RefreshTokenRecord, StoreError, StoreResult, TokenStore};

/// The refresh token of digest `$2` in pool `$1`.
const TOKEN_KEY: &str = "k = userpool_key2($1, encode($2, 'hex')) AND pool = $1 AND digest = $2";

impl TokenStore for PostgresStore {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
        let v = RefreshTokenValues::new(token);
        self.auto(|sql| {
            or_conflict(
                sql.execute(
                    &format!(
                        "{WITH_POOL_LOCK}, owner_lock AS MATERIALIZED (SELECT 1 FROM users \
                         WHERE k = userpool_key2($1, $4) AND pool = $1 AND username = $4 \
                         FOR KEY SHARE) \
                         INSERT INTO refresh_tokens (pool, digest, client_id, \
                         username, sub, origin_jti, event_id, auth_time, issued_at, expires_at, \
                         replaced_at, device_key, scope) \
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 \
                         FROM pool_lock LEFT JOIN owner_lock ON true"
                    ),
                    &[
                        &pool_id,
                        &v.digest,
                        &v.client_id,
                        &v.username,
                        &v.sub,
                        &v.origin_jti,
                        &v.event_id,
                        &v.auth_time,
                        &v.issued_at,
                        &v.expires_at,
                        &v.replaced_at,
                        &v.device_key,
                        &v.scope,
                    ],
                ),
                || ConflictKey::RefreshToken,
            )?;
            Ok(())
        })
    }

    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        if !storable(&[pool_id]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {REFRESH_TOKEN_COLUMNS}, \
                     EXISTS (SELECT 1 FROM revoked_families f \
                             WHERE f.k = userpool_key2(t.pool, t.origin_jti)) \
                     FROM refresh_tokens t \
                     WHERE t.k = userpool_key2($1, encode($2, 'hex')) AND t.pool = $1 \
                     AND t.digest = $2"
                ),
                &[&pool_id, &digest.as_slice()],
            )?;
            Ok(row.as_ref().map(records::refresh_token).transpose()?)
        })
    }

    fn mark_refresh_token_replaced(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
        at: Timestamp,
    ) -> StoreResult<bool> {
        if !storable(&[pool_id]) {
            return Err(StoreError::NotFound);
        }
        // One conditional statement: of concurrent rotations, the first
        // sets `replaced_at`; the others wait for its row lock, then see
        // it set and change nothing.
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE refresh_tokens SET replaced_at = $3 \
                     WHERE {TOKEN_KEY} AND replaced_at IS NULL"
                ),
                &[&pool_id, &digest.as_slice(), &millis(at)],
            )?;
            if changed == 1 {
                return Ok(true);
            }
            if sql.exists(
                &format!("SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE {TOKEN_KEY})"),
                &[&pool_id, &digest.as_slice()],
            )? {
                Ok(false)
            } else {
                Err(StoreError::NotFound.into())
            }
        })
    }

    /// Each name of the family remembers it and the latest expiry of its
    /// tokens, the earliest a sweep may delete the name.
    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        // One statement; `ORDER BY` makes concurrent revocations insert in
        // one order.
        self.auto(|sql| {
            sql.execute(
                &format!(
                    "{WITH_POOL_LOCK}, fam AS (SELECT COALESCE(max(t.expires_at), 0) AS e \
                     FROM refresh_tokens t \
                     WHERE userpool_key2(t.pool, t.origin_jti) = userpool_key2($1, $2) \
                     AND t.pool = $1 AND t.origin_jti = $2) \
                     INSERT INTO revoked_families (pool, id, family, expires_at) \
                     SELECT x.pool, x.id, $2::text, fam.e FROM pool_lock, fam, (\
                     SELECT $1::text AS pool, $2::text AS id \
                     UNION \
                     SELECT t.pool, t.event_id FROM refresh_tokens t \
                     WHERE userpool_key2(t.pool, t.origin_jti) = userpool_key2($1, $2) \
                     AND t.pool = $1 AND t.origin_jti = $2) x \
                     ORDER BY 2 \
                     ON CONFLICT ON CONSTRAINT revoked_families_pkey DO UPDATE \
                     SET expires_at = GREATEST(revoked_families.expires_at, EXCLUDED.expires_at)"
                ),
                &[&pool_id, &origin_jti],
            )?;
            Ok(())
        })
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        if !storable(&[pool_id, username]) {
            // No token can belong to it.
            return Ok(());
        }
        self.auto(|sql| {
            sql.execute(
                &format!(
                    "{WITH_POOL_LOCK} INSERT INTO revoked_families (pool, id, family, expires_at) \
                     SELECT $1, n.id, min(n.family), max(n.e) FROM pool_lock, (\
                     SELECT u.id, u.family, (SELECT max(f.expires_at) FROM refresh_tokens f \
                     WHERE userpool_key2(f.pool, f.origin_jti) = userpool_key2($1, u.family) \
                     AND f.pool = $1 AND f.origin_jti = u.family) AS e FROM (\
                     SELECT t.origin_jti AS id, t.origin_jti AS family FROM refresh_tokens t \
                     WHERE userpool_key2(t.pool, t.username) = userpool_key2($1, $2) \
                     AND t.pool = $1 AND t.username = $2 \
                     UNION \
                     SELECT t.event_id, t.origin_jti FROM refresh_tokens t \
                     WHERE userpool_key2(t.pool, t.username) = userpool_key2($1, $2) \
                     AND t.pool = $1 AND t.username = $2) u) n \
                     GROUP BY n.id \
                     ORDER BY 2 \
                     ON CONFLICT ON CONSTRAINT revoked_families_pkey DO UPDATE \
                     SET expires_at = GREATEST(revoked_families.expires_at, EXCLUDED.expires_at)"
                ),
                &[&pool_id, &username],
            )?;
            Ok(())
        })
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        if !storable(&[pool_id, id]) {
            return Ok(false);
        }
        self.auto(|sql| {
            sql.exists(
                "SELECT EXISTS (SELECT 1 FROM revoked_families \
                 WHERE k = userpool_key2($1, $2) AND pool = $1 AND id = $2)",
                &[&pool_id, &id],
            )
        })
    }

    fn consume_once(&self, pool_id: &str, id: &OnceId, expires_at: Timestamp) -> StoreResult<bool> {
        let id = id.encode();
        // Forget a few ids whose deadline passed long ago, so the table stays
        // bounded; rows another call is already deleting are skipped, so
        // this never waits.
        let horizon = expires_at.saturating_sub(Duration::from_secs(3600));
        self.auto(|sql| {
            sql.execute(
                "DELETE FROM used_once WHERE ctid = ANY (ARRAY( \
                 SELECT ctid FROM used_once WHERE expires_at < $1 \
                 LIMIT 64 FOR UPDATE SKIP LOCKED))",
                &[&millis(horizon)],
            )?;
            let inserted = sql.execute(
                &format!(
                    "{WITH_POOL_LOCK} INSERT INTO used_once (pool, id, expires_at) \
                     SELECT $1, $2, $3 FROM pool_lock ON CONFLICT DO NOTHING"
                ),
                &[&pool_id, &id, &millis(expires_at)],
            )?;
            Ok(inserted == 1)
        })
    }
}
