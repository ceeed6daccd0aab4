//! [`MemoryStore`]: everything in one mutex-guarded map. For tests, examples
//! and single-process use; nothing survives the process.
//!
//! It holds any key or value and checks no limits itself: the
//! [`Limited`](super::Limited) layer every pool and registry puts in front
//! of it refuses what PostgreSQL could not hold, so code tested here meets
//! the same limits in production.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{
    ClientRecord, CodePurpose, CodeRecord, CodeStore, ConflictKey, GroupRecord, GroupStore,
    IndexKey, OnceId, PoolRecord, PoolStore, RefreshTokenRecord, StoreError, StoreResult,
    TokenStore, UserRecord, UserStore,
};
use crate::clock::Timestamp;

type PoolUser = (String, String);

#[derive(Debug, Default)]
struct State {
    /// (pool, username) → record, ordered for pagination.
    users: BTreeMap<PoolUser, UserRecord>,
    /// (pool, index key) → username.
    keys: HashMap<(String, IndexKey), String>,
    /// (pool, username) → the index keys it owns.
    user_keys: HashMap<PoolUser, Vec<IndexKey>>,
    /// (pool, username, purpose) → pending code.
    codes: HashMap<(String, String, CodePurpose), CodeRecord>,
    /// (pool, digest) → refresh token.
    refresh: HashMap<(String, [u8; 32]), RefreshTokenRecord>,
    /// (pool, origin_jti or event_id) of revoked families.
    revoked_families: HashSet<(String, String)>,
    /// (pool, one-time id) → when it may be forgotten.
    used_once: HashMap<(String, OnceId), Timestamp>,
    /// (pool, group name) → group.
    groups: BTreeMap<(String, String), GroupRecord>,
    /// (pool, group name, username) memberships.
    members: BTreeSet<(String, String, String)>,
    /// pool id → pool.
    pools: BTreeMap<String, PoolRecord>,
    /// (pool, client id) → client, ordered for listing.
    clients: BTreeMap<(String, String), ClientRecord>,
    /// client id → its pool (client ids are unique across pools).
    client_pools: HashMap<String, String>,
}

impl State {
    /// `UserStore::update_user` under the lock.
    fn update_user(
        &mut self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
    ) -> StoreResult<()> {
        let st = self;
        let id = pool_user(pool_id, &user.username);
        let current = st.users.get(&id).ok_or(StoreError::NotFound)?;
        if current.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        if let Some(k) = keys.iter().find(|k| {
            st.key_owner(pool_id, k)
                .is_some_and(|owner| *owner != user.username)
        }) {
            return Err(StoreError::Conflict(ConflictKey::Index(k.clone())));
        }
        let mut stored = user.clone();
        stored.version = expected_version + 1;
        st.unindex(pool_id, &user.username);
        st.index(pool_id, &user.username, keys);
        st.users.insert(id, stored);
        Ok(())
    }

    fn key_owner(&self, pool_id: &str, key: &IndexKey) -> Option<&String> {
        self.keys.get(&(pool_id.to_owned(), key.clone()))
    }

    fn unindex(&mut self, pool_id: &str, username: &str) {
        if let Some(old) = self
            .user_keys
            .remove(&(pool_id.to_owned(), username.to_owned()))
        {
            for k in old {
                self.keys.remove(&(pool_id.to_owned(), k));
            }
        }
    }

    fn index(&mut self, pool_id: &str, username: &str, keys: &[IndexKey]) {
        for k in keys {
            self.keys
                .insert((pool_id.to_owned(), k.clone()), username.to_owned());
        }
        self.user_keys
            .insert((pool_id.to_owned(), username.to_owned()), keys.to_vec());
    }
}

/// An in-memory [`Store`](super::Store): one mutex over all state, so every
/// operation is trivially atomic. Cheap to create; not shared between
/// processes.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Critical sections below never panic, so a poisoned lock still
        // guards consistent state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn pool_user(pool_id: &str, username: &str) -> PoolUser {
    (pool_id.to_owned(), username.to_owned())
}

/// The entries of `pool_id` in `map` (keyed by pool, then name) in name
/// order, strictly after `after` when given.
fn pool_page<'a, V>(
    map: &'a BTreeMap<PoolUser, V>,
    pool_id: &'a str,
    after: Option<&str>,
) -> impl Iterator<Item = (&'a PoolUser, &'a V)> {
    let start = match after {
        Some(a) => Bound::Excluded(pool_user(pool_id, a)),
        None => Bound::Included(pool_user(pool_id, "")),
    };
    map.range((start, Bound::Unbounded))
        .take_while(move |((p, _), _)| p == pool_id)
}

impl UserStore for MemoryStore {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[IndexKey]) -> StoreResult<()> {
        let mut st = self.lock();
        if st.users.contains_key(&pool_user(pool_id, &user.username)) {
            return Err(StoreError::Conflict(ConflictKey::Username));
        }
        if let Some(k) = keys.iter().find(|k| st.key_owner(pool_id, k).is_some()) {
            return Err(StoreError::Conflict(ConflictKey::Index(k.clone())));
        }
        let mut stored = user.clone();
        stored.version = 1;
        st.index(pool_id, &user.username, keys);
        st.users.insert(pool_user(pool_id, &user.username), stored);
        Ok(())
    }

    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>> {
        Ok(self
            .lock()
            .users
            .get(&pool_user(pool_id, username))
            .cloned())
    }

    fn find_user(&self, pool_id: &str, key: &IndexKey) -> StoreResult<Option<UserRecord>> {
        let st = self.lock();
        Ok(st
            .key_owner(pool_id, key)
            .and_then(|u| st.users.get(&pool_user(pool_id, u)))
            .cloned())
    }

    fn update_user(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
    ) -> StoreResult<()> {
        self.lock()
            .update_user(pool_id, user, expected_version, keys)
    }

    fn update_user_taking_code(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<bool> {
        let mut st = self.lock();
        let code = (pool_id.to_owned(), user.username.clone(), purpose);
        if st.codes.get(&code).is_none_or(|c| c.id != code_id) {
            return Ok(false);
        }
        st.update_user(pool_id, user, expected_version, keys)?;
        st.codes.remove(&code);
        Ok(true)
    }

    fn delete_user(&self, pool_id: &str, username: &str, expected_version: u64) -> StoreResult<()> {
        let mut st = self.lock();
        let id = pool_user(pool_id, username);
        let current = st.users.get(&id).ok_or(StoreError::NotFound)?;
        if current.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        st.users.remove(&id);
        st.unindex(pool_id, username);
        st.codes
            .retain(|(p, u, _), _| !(p == pool_id && u == username));
        st.members
            .retain(|(p, _, u)| !(p == pool_id && u == username));
        st.refresh
            .retain(|(p, _), r| !(p == pool_id && r.username == username));
        Ok(())
    }

    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        let st = self.lock();
        Ok(pool_page(&st.users, pool_id, after)
            .take(limit)
            .map(|(_, u)| u.clone())
            .collect())
    }

    /// No index: a walk of the pool in username order, but one that clones
    /// only the matches (the default clones every user it reads).
    fn list_users_by_attribute_prefix(
        &self,
        pool_id: &str,
        attribute: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        let st = self.lock();
        Ok(pool_page(&st.users, pool_id, after)
            .filter(|(_, u)| u.attribute_starts_with(attribute, prefix))
            .take(limit)
            .map(|(_, u)| u.clone())
            .collect())
    }
}

impl CodeStore for MemoryStore {
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        self.lock().codes.insert(
            (pool_id.to_owned(), username.to_owned(), purpose),
            code.clone(),
        );
        Ok(())
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        Ok(self
            .lock()
            .codes
            .get(&(pool_id.to_owned(), username.to_owned(), purpose))
            .cloned())
    }

    fn record_code_attempt(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>> {
        let mut st = self.lock();
        Ok(st
            .codes
            .get_mut(&(pool_id.to_owned(), username.to_owned(), purpose))
            .filter(|c| c.id == code_id)
            .map(|c| {
                c.attempts = c.attempts.saturating_add(1);
                c.window_attempts = c.window_attempts.saturating_add(1);
                c.attempts
            }))
    }

    fn take_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<CodeRecord>> {
        let mut st = self.lock();
        let k = (pool_id.to_owned(), username.to_owned(), purpose);
        if st.codes.get(&k).is_some_and(|c| c.id == code_id) {
            Ok(st.codes.remove(&k))
        } else {
            Ok(None)
        }
    }
}

impl TokenStore for MemoryStore {
    fn put_refresh_token(&self, pool_id: &str, token: &RefreshTokenRecord) -> StoreResult<()> {
        let mut st = self.lock();
        let k = (pool_id.to_owned(), token.digest);
        if st.refresh.contains_key(&k) {
            return Err(StoreError::Conflict(ConflictKey::RefreshToken));
        }
        st.refresh.insert(k, token.clone());
        Ok(())
    }

    fn get_refresh_token(
        &self,
        pool_id: &str,
        digest: &[u8; 32],
    ) -> StoreResult<Option<RefreshTokenRecord>> {
        let st = self.lock();
        Ok(st.refresh.get(&(pool_id.to_owned(), *digest)).map(|r| {
            let mut r = r.clone();
            r.revoked = st
                .revoked_families
                .contains(&(pool_id.to_owned(), r.origin_jti.clone()));
            r
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
            .refresh
            .get_mut(&(pool_id.to_owned(), *digest))
            .ok_or(StoreError::NotFound)?;
        if r.replaced_at.is_some() {
            return Ok(false);
        }
        r.replaced_at = Some(at);
        Ok(true)
    }

    fn revoke_token_family(&self, pool_id: &str, origin_jti: &str) -> StoreResult<()> {
        let mut st = self.lock();
        let events: Vec<String> = st
            .refresh
            .iter()
            .filter(|((p, _), r)| p == pool_id && r.origin_jti == origin_jti)
            .map(|(_, r)| r.event_id.clone())
            .collect();
        st.revoked_families
            .insert((pool_id.to_owned(), origin_jti.to_owned()));
        for e in events {
            st.revoked_families.insert((pool_id.to_owned(), e));
        }
        Ok(())
    }

    fn revoke_user_tokens(&self, pool_id: &str, username: &str) -> StoreResult<()> {
        let mut st = self.lock();
        let ids: Vec<String> = st
            .refresh
            .iter()
            .filter(|((p, _), r)| p == pool_id && r.username == username)
            .flat_map(|(_, r)| [r.origin_jti.clone(), r.event_id.clone()])
            .collect();
        for id in ids {
            st.revoked_families.insert((pool_id.to_owned(), id));
        }
        Ok(())
    }

    fn is_family_revoked(&self, pool_id: &str, id: &str) -> StoreResult<bool> {
        Ok(self
            .lock()
            .revoked_families
            .contains(&(pool_id.to_owned(), id.to_owned())))
    }

    fn consume_once(&self, pool_id: &str, id: &OnceId, expires_at: Timestamp) -> StoreResult<bool> {
        let mut st = self.lock();
        // Forget ids whose deadline passed long ago, so the set stays bounded.
        if st.used_once.len() > 4096 {
            let horizon = expires_at.saturating_sub(std::time::Duration::from_secs(3600));
            st.used_once.retain(|_, exp| *exp > horizon);
        }
        Ok(st
            .used_once
            .insert((pool_id.to_owned(), id.clone()), expires_at)
            .is_none())
    }
}

impl GroupStore for MemoryStore {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        let mut st = self.lock();
        let k = (pool_id.to_owned(), group.name.clone());
        if st.groups.contains_key(&k) {
            return Err(StoreError::Conflict(ConflictKey::GroupName));
        }
        st.groups.insert(k, group.clone());
        Ok(())
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        Ok(self
            .lock()
            .groups
            .get(&(pool_id.to_owned(), name.to_owned()))
            .cloned())
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        let mut st = self.lock();
        let slot = st
            .groups
            .get_mut(&(pool_id.to_owned(), group.name.clone()))
            .ok_or(StoreError::NotFound)?;
        *slot = group.clone();
        Ok(())
    }

    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        let mut st = self.lock();
        st.groups
            .remove(&(pool_id.to_owned(), name.to_owned()))
            .ok_or(StoreError::NotFound)?;
        st.members.retain(|(p, g, _)| !(p == pool_id && g == name));
        Ok(())
    }

    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        let st = self.lock();
        Ok(pool_page(&st.groups, pool_id, after)
            .take(limit)
            .map(|(_, g)| g.clone())
            .collect())
    }

    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        let mut st = self.lock();
        if !st.groups.contains_key(&pool_user(pool_id, group)) {
            return Err(StoreError::NotFound);
        }
        st.members
            .insert((pool_id.to_owned(), group.to_owned(), username.to_owned()));
        Ok(())
    }

    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        let mut st = self.lock();
        if !st.groups.contains_key(&pool_user(pool_id, group)) {
            return Err(StoreError::NotFound);
        }
        st.members
            .remove(&(pool_id.to_owned(), group.to_owned(), username.to_owned()));
        Ok(())
    }

    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>> {
        let st = self.lock();
        Ok(st
            .members
            .iter()
            .filter(|(p, _, u)| p == pool_id && u == username)
            .filter_map(|(p, g, _)| st.groups.get(&(p.clone(), g.clone())).cloned())
            .collect())
    }

    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        let st = self.lock();
        if !st.groups.contains_key(&pool_user(pool_id, group)) {
            return Err(StoreError::NotFound);
        }
        let start = (
            pool_id.to_owned(),
            group.to_owned(),
            after.unwrap_or("").to_owned(),
        );
        let lower = match after {
            Some(_) => Bound::Excluded(start),
            None => Bound::Included(start),
        };
        Ok(st
            .members
            .range((lower, Bound::Unbounded))
            .take_while(|(p, g, _)| p == pool_id && g == group)
            .take(limit)
            .map(|(_, _, u)| u.clone())
            .collect())
    }
}

impl PoolStore for MemoryStore {
    fn insert_pool(&self, pool: &PoolRecord) -> StoreResult<()> {
        let mut st = self.lock();
        if st.pools.contains_key(&pool.id) {
            return Err(StoreError::Conflict(ConflictKey::PoolId));
        }
        let mut stored = pool.clone();
        stored.version = 1;
        st.pools.insert(pool.id.clone(), stored);
        Ok(())
    }

    fn get_pool(&self, id: &str) -> StoreResult<Option<PoolRecord>> {
        Ok(self.lock().pools.get(id).cloned())
    }

    fn update_pool(&self, pool: &PoolRecord, expected_version: u64) -> StoreResult<()> {
        let mut st = self.lock();
        let slot = st.pools.get_mut(&pool.id).ok_or(StoreError::NotFound)?;
        if slot.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        *slot = pool.clone();
        slot.version = expected_version + 1;
        Ok(())
    }

    fn delete_pool(&self, id: &str) -> StoreResult<()> {
        let mut st = self.lock();
        st.pools.remove(id).ok_or(StoreError::NotFound)?;
        st.users.retain(|(p, _), _| p != id);
        st.keys.retain(|(p, _), _| p != id);
        st.user_keys.retain(|(p, _), _| p != id);
        st.codes.retain(|(p, _, _), _| p != id);
        st.refresh.retain(|(p, _), _| p != id);
        st.revoked_families.retain(|(p, _)| p != id);
        st.used_once.retain(|(p, _), _| p != id);
        st.groups.retain(|(p, _), _| p != id);
        st.members.retain(|(p, _, _)| p != id);
        st.clients.retain(|(p, _), _| p != id);
        st.client_pools.retain(|_, p| p != id);
        Ok(())
    }

    fn list_pools(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<PoolRecord>> {
        let st = self.lock();
        let start = match after {
            Some(a) => Bound::Excluded(a.to_owned()),
            None => Bound::Unbounded,
        };
        Ok(st
            .pools
            .range((start, Bound::Unbounded))
            .take(limit)
            .map(|(_, p)| p.clone())
            .collect())
    }

    fn insert_client(&self, pool_id: &str, client: &ClientRecord) -> StoreResult<()> {
        let mut st = self.lock();
        if st.client_pools.contains_key(&client.client_id) {
            return Err(StoreError::Conflict(ConflictKey::ClientId));
        }
        let mut stored = client.clone();
        stored.version = 1;
        st.client_pools
            .insert(client.client_id.clone(), pool_id.to_owned());
        st.clients
            .insert(pool_user(pool_id, &client.client_id), stored);
        Ok(())
    }

    fn get_client(&self, pool_id: &str, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        Ok(self
            .lock()
            .clients
            .get(&pool_user(pool_id, client_id))
            .cloned())
    }

    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>> {
        let st = self.lock();
        Ok(st.client_pools.get(client_id).and_then(|pool| {
            st.clients
                .get(&pool_user(pool, client_id))
                .map(|c| (pool.clone(), c.clone()))
        }))
    }

    fn update_client(
        &self,
        pool_id: &str,
        client: &ClientRecord,
        expected_version: u64,
    ) -> StoreResult<()> {
        let mut st = self.lock();
        let slot = st
            .clients
            .get_mut(&pool_user(pool_id, &client.client_id))
            .ok_or(StoreError::NotFound)?;
        if slot.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        *slot = client.clone();
        slot.version = expected_version + 1;
        Ok(())
    }

    fn delete_client(&self, pool_id: &str, client_id: &str) -> StoreResult<()> {
        let mut st = self.lock();
        st.clients
            .remove(&pool_user(pool_id, client_id))
            .ok_or(StoreError::NotFound)?;
        st.client_pools.remove(client_id);
        Ok(())
    }

    fn list_clients(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<ClientRecord>> {
        let st = self.lock();
        Ok(pool_page(&st.clients, pool_id, after)
            .take(limit)
            .map(|(_, c)| c.clone())
            .collect())
    }
}
