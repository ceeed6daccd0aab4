//! [`TokenStore`] for [`MemoryStore`]: refresh tokens, revoked families and
//! one-time ids.

use std::collections::BTreeSet;

use super::MemoryStore;
use crate::clock::Timestamp;
use crate::store::{ConflictKey, OnceId, RefreshTokenRecord, StoreError, StoreResult, TokenStore};

impl TokenStore for MemoryStore {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.pool_mut(pool_id);
        if data.refresh.contains_key(&token.digest) {
            return Err(StoreError::Conflict(ConflictKey::RefreshToken));
        }
        data.insert_refresh_token(token.clone());
        Ok(())
    }

    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        Ok(self.read(pool_id, None, |d| {
            d.refresh.get(digest).map(|r| {
                let mut r = r.clone();
                r.revoked = d.revoked.contains_key(&r.origin_jti);
                r
            })
        }))
    }

    fn mark_refresh_token_replaced(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
        at: Timestamp,
    ) -> StoreResult<bool> {
        let mut st = self.lock();
        let r = st
            .data
            .get_mut(pool_id)
            .and_then(|d| d.refresh.get_mut(digest))
            .ok_or(StoreError::NotFound)?;
        if r.replaced_at.is_some() {
            return Ok(false);
        }
        r.replaced_at = Some(at);
        Ok(true)
    }

    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.pool_mut(pool_id);
        let expires_at = data
            .family_expiry(origin_jti)
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let events: BTreeSet<String> = data
            .families
            .get(origin_jti)
            .into_iter()
            .flatten()
            .filter_map(|d| data.refresh.get(d))
            .map(|r| r.event_id.clone())
            .collect();
        data.revoke(origin_jti, origin_jti, expires_at);
        for event in events {
            data.revoke(&event, origin_jti, expires_at);
        }
        Ok(())
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        let mut st = self.lock();
        let Some(data) = st.data.get_mut(pool_id) else {
            return Ok(());
        };
        let names: BTreeSet<(String, String)> = data
            .user_tokens
            .get(username)
            .into_iter()
            .flatten()
            .filter_map(|d| data.refresh.get(d))
            .map(|r| (r.origin_jti.clone(), r.event_id.clone()))
            .collect();
        for (origin_jti, event_id) in names {
            let expires_at = data
                .family_expiry(&origin_jti)
                .unwrap_or(Timestamp::UNIX_EPOCH);
            data.revoke(&origin_jti, &origin_jti, expires_at);
            data.revoke(&event_id, &origin_jti, expires_at);
        }
        Ok(())
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        Ok(self.read(pool_id, false, |d| d.revoked.contains_key(id)))
    }

    fn consume_once(&self, pool_id: &str, id: &OnceId, expires_at: Timestamp) -> StoreResult<bool> {
        let mut st = self.lock();
        let data = st.pool_mut(pool_id);
        // Forget ids whose deadline passed long ago, so the set stays bounded.
        let horizon = expires_at.saturating_sub(std::time::Duration::from_secs(3600));
        while let Some((exp, old)) = data.once_by_expiry.first().cloned() {
            if exp > horizon {
                break;
            }
            data.once_by_expiry.pop_first();
            data.used_once.remove(&old);
        }
        if data.used_once.contains_key(id) {
            return Ok(false);
        }
        data.used_once.insert(id.clone(), expires_at);
        data.once_by_expiry.insert((expires_at, id.clone()));
        Ok(true)
    }
}
