//! [`MemoryStore`]: everything in one mutex-guarded map. For tests, examples
//! and single-process use; nothing survives the process.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::{
    CodePurpose, CodeRecord, CodeStore, StoreError, StoreResult, UserRecord, UserStore,
};

type PoolUser = (String, String);

#[derive(Debug, Default)]
struct State {
    /// (pool, username) → record, ordered for pagination.
    users: BTreeMap<PoolUser, UserRecord>,
    /// (pool, index key) → username.
    keys: HashMap<(String, String), String>,
    /// (pool, username) → the index keys it owns.
    user_keys: HashMap<PoolUser, Vec<String>>,
    /// (pool, username, purpose) → pending code.
    codes: HashMap<(String, String, CodePurpose), CodeRecord>,
}

impl State {
    fn key_owner(&self, pool_id: &str, key: &str) -> Option<&String> {
        self.keys.get(&(pool_id.to_owned(), key.to_owned()))
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

    fn index(&mut self, pool_id: &str, username: &str, keys: &[String]) {
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

impl UserStore for MemoryStore {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[String]) -> StoreResult<()> {
        let mut st = self.lock();
        if st.users.contains_key(&pool_user(pool_id, &user.username)) {
            return Err(StoreError::Conflict {
                key: user.username.clone(),
            });
        }
        if let Some(k) = keys.iter().find(|k| st.key_owner(pool_id, k).is_some()) {
            return Err(StoreError::Conflict { key: k.clone() });
        }
        let mut stored = user.clone();
        stored.version = 1;
        st.index(pool_id, &user.username, keys);
        st.users.insert(pool_user(pool_id, &user.username), stored);
        Ok(())
    }

    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>> {
        Ok(self.lock().users.get(&pool_user(pool_id, username)).cloned())
    }

    fn find_user(&self, pool_id: &str, key: &str) -> StoreResult<Option<UserRecord>> {
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
        keys: &[String],
    ) -> StoreResult<()> {
        let mut st = self.lock();
        let id = pool_user(pool_id, &user.username);
        let current = st.users.get(&id).ok_or(StoreError::NotFound)?;
        if current.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        if let Some(k) = keys.iter().find(|k| {
            st.key_owner(pool_id, k)
                .is_some_and(|owner| *owner != user.username)
        }) {
            return Err(StoreError::Conflict { key: k.clone() });
        }
        let mut stored = user.clone();
        stored.version = expected_version + 1;
        st.unindex(pool_id, &user.username);
        st.index(pool_id, &user.username, keys);
        st.users.insert(id, stored);
        Ok(())
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
        Ok(())
    }

    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        let st = self.lock();
        let start = match after {
            Some(a) => Bound::Excluded(pool_user(pool_id, a)),
            None => Bound::Included(pool_user(pool_id, "")),
        };
        Ok(st
            .users
            .range((start, Bound::Unbounded))
            .take_while(|((p, _), _)| p == pool_id)
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

    fn record_code_failure(
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
                c.failed_attempts = c.failed_attempts.saturating_add(1);
                c.failed_attempts
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_passes_the_conformance_suite() {
        crate::store::conformance::run_all(&|| Box::new(MemoryStore::new()));
    }
}
