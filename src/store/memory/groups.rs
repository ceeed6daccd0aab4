//! [`GroupStore`] for [`MemoryStore`]: groups and memberships.

use super::{MemoryStore, page, second_of};
use crate::store::{ConflictKey, GroupRecord, GroupStore, StoreError, StoreResult};

impl GroupStore for MemoryStore {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.pool_mut(pool_id);
        if data.groups.contains_key(&group.name) {
            return Err(StoreError::Conflict(ConflictKey::GroupName));
        }
        data.groups.insert(group.name.clone(), group.clone());
        Ok(())
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        Ok(self.read(pool_id, None, |d| d.groups.get(name).cloned()))
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        let mut st = self.lock();
        let slot = st
            .data
            .get_mut(pool_id)
            .and_then(|d| d.groups.get_mut(&group.name))
            .ok_or(StoreError::NotFound)?;
        *slot = group.clone();
        Ok(())
    }

    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st.data.get_mut(pool_id).ok_or(StoreError::NotFound)?;
        data.groups.remove(name).ok_or(StoreError::NotFound)?;
        let users: Vec<String> = second_of(&data.members, name, None).cloned().collect();
        for u in users {
            data.members.remove(&(name.to_owned(), u.clone()));
            data.memberships.remove(&(u, name.to_owned()));
        }
        Ok(())
    }

    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        Ok(self.read(pool_id, Vec::new(), |d| {
            page(&d.groups, after)
                .take(limit)
                .map(|(_, g)| g.clone())
                .collect()
        }))
    }

    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st
            .data
            .get_mut(pool_id)
            .filter(|d| d.groups.contains_key(group))
            .ok_or(StoreError::NotFound)?;
        data.members.insert((group.to_owned(), username.to_owned()));
        data.memberships
            .insert((username.to_owned(), group.to_owned()));
        Ok(())
    }

    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st
            .data
            .get_mut(pool_id)
            .filter(|d| d.groups.contains_key(group))
            .ok_or(StoreError::NotFound)?;
        data.members
            .remove(&(group.to_owned(), username.to_owned()));
        data.memberships
            .remove(&(username.to_owned(), group.to_owned()));
        Ok(())
    }

    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>> {
        Ok(self.read(pool_id, Vec::new(), |d| {
            second_of(&d.memberships, username, None)
                .filter_map(|g| d.groups.get(g).cloned())
                .collect()
        }))
    }

    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        let st = self.lock();
        let data = st
            .pool(pool_id)
            .filter(|d| d.groups.contains_key(group))
            .ok_or(StoreError::NotFound)?;
        Ok(second_of(&data.members, group, after)
            .take(limit)
            .cloned()
            .collect())
    }
}
