//! [`TokenStore`] for [`SqliteStore`]: refresh tokens, revoked families and
//! one-time ids.

use std::time::Duration;

use rusqlite::params;

use super::SqliteStore;
use super::connection::{conflict_on, db, exists, immediate, query_one};
use crate::clock::Timestamp;
use crate::store::sql::millis;
use crate::store::sql::records::{self, REFRESH_TOKEN_COLUMNS, RefreshTokenValues};
use crate::store::{ConflictKey, OnceId, RefreshTokenRecord, StoreError, StoreResult, TokenStore};

impl TokenStore for SqliteStore {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
        let v = RefreshTokenValues::new(token);
        self.lock()
            .execute(
                "INSERT INTO refresh_tokens (pool, digest, client_id, username, sub, origin_jti, \
                 event_id, auth_time, issued_at, expires_at, replaced_at, device_key, scope) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    pool_id,
                    v.digest,
                    v.client_id,
                    v.username,
                    v.sub,
                    v.origin_jti,
                    v.event_id,
                    v.auth_time,
                    v.issued_at,
                    v.expires_at,
                    v.replaced_at,
                    v.device_key,
                    v.scope,
                ],
            )
            .map_err(conflict_on(ConflictKey::RefreshToken))?;
        Ok(())
    }

    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        query_one(
            &self.lock(),
            &format!(
                "SELECT {REFRESH_TOKEN_COLUMNS}, \
                 EXISTS (SELECT 1 FROM revoked_families f \
                         WHERE f.pool = t.pool AND f.id = t.origin_jti) \
                 FROM refresh_tokens t WHERE t.pool = ?1 AND t.digest = ?2"
            ),
            params![pool_id, digest.as_slice()],
            |r| records::refresh_token(r),
        )
    }

    fn mark_refresh_token_replaced(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
        at: Timestamp,
    ) -> StoreResult<bool> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        let changed = tx
            .execute(
                "UPDATE refresh_tokens SET replaced_at = ?3 \
                 WHERE pool = ?1 AND digest = ?2 AND replaced_at IS NULL",
                params![pool_id, digest.as_slice(), millis(at)],
            )
            .map_err(db)?;
        if changed == 0 {
            return if exists(
                &tx,
                "SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE pool = ?1 AND digest = ?2)",
                params![pool_id, digest.as_slice()],
            )? {
                Ok(false)
            } else {
                Err(StoreError::NotFound)
            };
        }
        tx.commit().map_err(db)?;
        Ok(true)
    }

    /// Each name of the family remembers it and the latest expiry of its
    /// tokens, the earliest a sweep may delete the name.
    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        // One statement: atomic on its own.
        self.lock()
            .execute(
                "INSERT INTO revoked_families (pool, id, family, expires_at) \
                 SELECT ?1, id, ?2, COALESCE((SELECT max(expires_at) FROM refresh_tokens \
                 WHERE pool = ?1 AND origin_jti = ?2), 0) \
                 FROM (SELECT ?2 AS id UNION \
                 SELECT event_id FROM refresh_tokens WHERE pool = ?1 AND origin_jti = ?2) \
                 WHERE true \
                 ON CONFLICT (pool, id) DO UPDATE \
                 SET expires_at = max(expires_at, excluded.expires_at)",
                params![pool_id, origin_jti],
            )
            .map_err(db)?;
        Ok(())
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        // One statement: atomic on its own.
        self.lock()
            .execute(
                "INSERT INTO revoked_families (pool, id, family, expires_at) \
                 SELECT ?1, id, min(family), max(expires_at) FROM ( \
                 SELECT n.id, n.family, (SELECT max(f.expires_at) FROM refresh_tokens f \
                 WHERE f.pool = ?1 AND f.origin_jti = n.family) AS expires_at \
                 FROM (SELECT origin_jti AS id, origin_jti AS family FROM refresh_tokens \
                 WHERE pool = ?1 AND username = ?2 \
                 UNION \
                 SELECT event_id, origin_jti FROM refresh_tokens \
                 WHERE pool = ?1 AND username = ?2) n) \
                 GROUP BY id \
                 ON CONFLICT (pool, id) DO UPDATE \
                 SET expires_at = max(expires_at, excluded.expires_at)",
                params![pool_id, username],
            )
            .map_err(db)?;
        Ok(())
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        exists(
            &self.lock(),
            "SELECT EXISTS (SELECT 1 FROM revoked_families WHERE pool = ?1 AND id = ?2)",
            params![pool_id, id],
        )
    }

    fn consume_once(&self, pool_id: &str, id: &OnceId, expires_at: Timestamp) -> StoreResult<bool> {
        let id = id.encode();
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        // Forget ids whose deadline passed long ago, so the table stays bounded.
        let horizon = expires_at.saturating_sub(Duration::from_secs(3600));
        tx.execute(
            "DELETE FROM used_once WHERE expires_at < ?1",
            params![millis(horizon)],
        )
        .map_err(db)?;
        let inserted = tx
            .execute(
                "INSERT OR IGNORE INTO used_once (pool, id, expires_at) VALUES (?1, ?2, ?3)",
                params![pool_id, id, millis(expires_at)],
            )
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(inserted == 1)
    }
}
