//! [`TokenStore`] for [`MemoryStore`]: refresh tokens, revoked families and
//! one-time ids.

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
        data.families
            .entry(token.origin_jti.clone())
            .or_default()
            .insert(token.digest);
        data.user_tokens
            .entry(token.username.clone())
            .or_default()
            .insert(token.digest);
        data.refresh.insert(token.digest, token.clone());
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
                r.revoked = d.revoked.contains(&r.origin_jti);
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
        let events: Vec<String> = data
            .families
            .get(origin_jti)
            .into_iter()
            .flatten()
            .filter_map(|d| data.refresh.get(d))
            .map(|r| r.event_id.clone())
            .collect();
        data.revoked.insert(origin_jti.to_owned());
        data.revoked.extend(events);
        Ok(())
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        let mut st = self.lock();
        let Some(data) = st.data.get_mut(pool_id) else {
            return Ok(());
        };
        let ids: Vec<String> = data
            .user_tokens
            .get(username)
            .into_iter()
            .flatten()
            .filter_map(|d| data.refresh.get(d))
            .flat_map(|r| [r.origin_jti.clone(), r.event_id.clone()])
            .collect();
        data.revoked.extend(ids);
        Ok(())
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        Ok(self.read(pool_id, false, |d| d.revoked.contains(id)))
    }

    fn consume_once(&self, pool_id: &str, id: &OnceId, expires_at: Timestamp) -> StoreResult<bool> {
        let mut st = self.lock();
        let data = st.pool_mut(pool_id);
        // Forget ids whose deadline passed long ago, so the set stays bounded.
        if data.used_once.len() > 4096 {
            let horizon = expires_at.saturating_sub(std::time::Duration::from_secs(3600));
            data.used_once.retain(|_, exp| *exp > horizon);
        }
        Ok(data.used_once.insert(id.clone(), expires_at).is_none())
    }
}
