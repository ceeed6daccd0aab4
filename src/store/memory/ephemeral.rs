//! [`EphemeralStore`] for [`MemoryStore`]: ephemeral records.

use super::MemoryStore;
use crate::clock::Timestamp;
use crate::store::{EphemeralKey, EphemeralRecord, EphemeralStore, StoreResult};

impl EphemeralStore for MemoryStore {
    fn get_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
    ) -> StoreResult<Option<EphemeralRecord>> {
        Ok(self.read(pool_id, None, |d| d.ephemeral.get(key).cloned()))
    }

    fn put_ephemeral(
        &self,
        pool_id: &str,
        key: &EphemeralKey,
        data: &[u8],
        expires_at: Timestamp,
        expected_version: u64,
    ) -> StoreResult<bool> {
        let mut st = self.lock();
        let stored = st
            .pool(pool_id)
            .and_then(|d| d.ephemeral.get(key))
            .map_or(0, |r| r.version);
        if stored != expected_version {
            return Ok(false);
        }
        st.ephemeral_version += 1;
        let version = st.ephemeral_version;
        let pool = st.pool_mut(pool_id);
        if let Some(old) = pool.ephemeral.insert(
            key.clone(),
            EphemeralRecord {
                data: data.to_vec(),
                expires_at,
                version,
            },
        ) {
            pool.ephemeral_by_expiry
                .remove(&(old.expires_at, key.clone()));
        }
        pool.ephemeral_by_expiry.insert((expires_at, key.clone()));
        Ok(true)
    }
}
