//! [`EphemeralStore`] for [`MemoryStore`]: ephemeral records.

use super::MemoryStore;

/// The most ephemeral records [`MemoryStore`] keeps per pool, expired or
/// not: any client can create them (a sign-in with a name no user has),
/// and a process's memory is not a database's disk. Past it the record
/// that expires first is dropped.
pub(crate) const MAX_EPHEMERAL_PER_POOL: usize = 100_000;
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
        if expected_version == 0 && pool.ephemeral.len() >= MAX_EPHEMERAL_PER_POOL {
            // Full: the record that expires first makes room. A flood of
            // names no user has writes records that expire within
            // minutes, sooner than the hourly windows of real users.
            if let Some((_, first)) = pool.ephemeral_by_expiry.pop_first() {
                pool.ephemeral.remove(&first);
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(n: usize) -> EphemeralKey {
        let mut digest = [0u8; 32];
        digest[..8].copy_from_slice(&(n as u64).to_be_bytes());
        EphemeralKey::UnknownSignIn { digest }
    }

    #[test]
    fn a_full_pool_drops_the_record_that_expires_first() -> StoreResult<()> {
        let store = MemoryStore::new();
        let at = |n: usize| Timestamp::from_unix_millis(1_000 + n as i64);
        // The first record expires last; the second first.
        assert!(store.put_ephemeral("p", &unknown(0), b"x", at(10_000_000), 0)?);
        for n in 1..MAX_EPHEMERAL_PER_POOL {
            assert!(store.put_ephemeral("p", &unknown(n), b"x", at(n), 0)?);
        }
        assert!(store.get_ephemeral("p", &unknown(1))?.is_some());
        let extra = unknown(MAX_EPHEMERAL_PER_POOL);
        assert!(store.put_ephemeral("p", &extra, b"x", at(5), 0)?);
        assert!(store.get_ephemeral("p", &unknown(1))?.is_none());
        assert!(store.get_ephemeral("p", &unknown(0))?.is_some());
        assert!(store.get_ephemeral("p", &extra)?.is_some());
        // Replacing a record makes no room and drops nothing.
        let kept = store
            .get_ephemeral("p", &unknown(2))?
            .map_or(0, |r| r.version);
        assert!(store.put_ephemeral("p", &unknown(2), b"y", at(2), kept)?);
        assert!(store.get_ephemeral("p", &unknown(3))?.is_some());
        // Another pool has its own room.
        assert!(store.put_ephemeral("q", &unknown(1), b"x", at(1), 0)?);
        assert!(store.get_ephemeral("p", &unknown(3))?.is_some());
        Ok(())
    }
}
