//! [`PoolStore`] for [`MemoryStore`]: pools and their app clients.

use std::ops::Bound;

use super::{MemoryStore, page};
use crate::store::{ClientRecord, ConflictKey, PoolRecord, PoolStore, StoreError, StoreResult};

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

    /// One removal of the pool's data: its clients are the only entries
    /// of the pool kept outside it (the client id index).
    fn delete_pool(&self, id: &str) -> StoreResult<()> {
        let mut st = self.lock();
        st.pools.remove(id).ok_or(StoreError::NotFound)?;
        if let Some(data) = st.data.remove(id) {
            for client_id in data.clients.keys() {
                st.client_pools.remove(client_id);
            }
        }
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
        st.pool_mut(pool_id)
            .clients
            .insert(client.client_id.clone(), stored);
        Ok(())
    }

    fn get_client(&self, pool_id: &str, client_id: &str) -> StoreResult<Option<ClientRecord>> {
        Ok(self.read(pool_id, None, |d| d.clients.get(client_id).cloned()))
    }

    fn find_client(&self, client_id: &str) -> StoreResult<Option<(String, ClientRecord)>> {
        let st = self.lock();
        Ok(st.client_pools.get(client_id).and_then(|pool| {
            st.pool(pool)
                .and_then(|d| d.clients.get(client_id))
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
            .data
            .get_mut(pool_id)
            .and_then(|d| d.clients.get_mut(&client.client_id))
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
        st.data
            .get_mut(pool_id)
            .and_then(|d| d.clients.remove(client_id))
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
        Ok(self.read(pool_id, Vec::new(), |d| {
            page(&d.clients, after)
                .take(limit)
                .map(|(_, c)| c.clone())
                .collect()
        }))
    }
}
