//! [`UserStore`] for [`MemoryStore`]: users and their index keys.

use super::{MemoryStore, page};
use crate::store::{
    CodePurpose, ConflictKey, IndexKey, StoreError, StoreResult, UserRecord, UserStore,
};

impl UserStore for MemoryStore {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[IndexKey]) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.pool_mut(pool_id);
        if data.users.contains_key(&user.username) {
            return Err(StoreError::Conflict(ConflictKey::Username));
        }
        if let Some(k) = keys.iter().find(|k| data.keys.contains_key(*k)) {
            return Err(StoreError::Conflict(ConflictKey::Index(k.clone())));
        }
        let mut stored = user.clone();
        stored.version = 1;
        data.index(&user.username, keys);
        data.users.insert(user.username.clone(), stored);
        Ok(())
    }

    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>> {
        Ok(self.read(pool_id, None, |d| d.users.get(username).cloned()))
    }

    fn find_user(&self, pool_id: &str, key: &IndexKey) -> StoreResult<Option<UserRecord>> {
        Ok(self.read(pool_id, None, |d| {
            d.keys.get(key).and_then(|u| d.users.get(u)).cloned()
        }))
    }

    fn update_user(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
    ) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.data.get_mut(pool_id).ok_or(StoreError::NotFound)?;
        data.update_user(user, expected_version, keys)
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
        let Some(data) = st.data.get_mut(pool_id) else {
            return Ok(false);
        };
        let code = (user.username.clone(), purpose);
        if data.codes.get(&code).is_none_or(|c| c.id != code_id) {
            return Ok(false);
        }
        data.update_user(user, expected_version, keys)?;
        data.remove_code(&code);
        Ok(true)
    }

    fn delete_user(&self, pool_id: &str, username: &str, expected_version: u64) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.data.get_mut(pool_id).ok_or(StoreError::NotFound)?;
        let current = data.users.get(username).ok_or(StoreError::NotFound)?;
        if current.version != expected_version {
            return Err(StoreError::VersionMismatch);
        }
        data.users.remove(username);
        data.unindex(username);
        data.remove_user_data(username);
        Ok(())
    }

    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        Ok(self.read(pool_id, Vec::new(), |d| {
            page(&d.users, after)
                .take(limit)
                .map(|(_, u)| u.clone())
                .collect()
        }))
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
        Ok(self.read(pool_id, Vec::new(), |d| {
            page(&d.users, after)
                .filter(|(_, u)| u.attribute_starts_with(attribute, prefix))
                .take(limit)
                .map(|(_, u)| u.clone())
                .collect()
        }))
    }
}
