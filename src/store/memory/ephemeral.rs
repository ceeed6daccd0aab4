//! [`EphemeralStore`] for [`MemoryStore`]: ephemeral records.

use super::MemoryStore;

/// The most ephemeral records of names no user has (keys without a
/// username) [`MemoryStore`] keeps per pool, expired or not: any client can
/// create them, and a process's memory is not a database's disk. Past it
/// the one that expires first is dropped; a user's records never are.
pub(crate) const MAX_UNKNOWN_PER_POOL: usize = 100_000;
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
        let unknown = key.username().is_none();
        if unknown && expected_version == 0 && pool.unknown_by_expiry.len() >= MAX_UNKNOWN_PER_POOL
        {
            // Full: the record of a name no user has that expires first
            // makes room. A user's records are never dropped: a flood of
            // invented names must not reset a real user's limits.
            if let Some((at, first)) = pool.unknown_by_expiry.pop_first() {
                pool.ephemeral.remove(&first);
                pool.ephemeral_by_expiry.remove(&(at, first));
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
            pool.unknown_by_expiry
                .remove(&(old.expires_at, key.clone()));
        }
        pool.ephemeral_by_expiry.insert((expires_at, key.clone()));
        if unknown {
            pool.unknown_by_expiry.insert((expires_at, key.clone()));
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CodePurpose;

    fn unknown(n: usize) -> EphemeralKey {
        let mut digest = [0u8; 32];
        digest[..8].copy_from_slice(&(n as u64).to_be_bytes());
        EphemeralKey::UnknownSignIn { digest }
    }

    #[test]
    fn past_the_bound_an_unknown_name_makes_room_never_a_user() -> StoreResult<()> {
        let store = MemoryStore::new();
        let at = |n: usize| Timestamp::from_unix_millis(1_000 + n as i64);
        // A user's window, expiring before every flood record.
        let user = EphemeralKey::CodeGuesses {
            username: "alice".to_owned(),
            purpose: CodePurpose::ForgotPassword,
        };
        assert!(store.put_ephemeral("p", &user, b"u", at(0), 0)?);
        // The first unknown record expires last; the second first.
        assert!(store.put_ephemeral("p", &unknown(0), b"x", at(10_000_000), 0)?);
        for n in 1..MAX_UNKNOWN_PER_POOL {
            assert!(store.put_ephemeral("p", &unknown(n), b"x", at(n), 0)?);
        }
        assert!(store.get_ephemeral("p", &unknown(1))?.is_some());
        let extra = unknown(MAX_UNKNOWN_PER_POOL);
        assert!(store.put_ephemeral("p", &extra, b"x", at(5), 0)?);
        assert!(store.get_ephemeral("p", &unknown(1))?.is_none());
        assert!(store.get_ephemeral("p", &unknown(0))?.is_some());
        assert!(store.get_ephemeral("p", &extra)?.is_some());
        assert!(
            store.get_ephemeral("p", &user)?.is_some(),
            "a flood of unknown names dropped a user's window"
        );
        // Users' records are not counted against the bound.
        let bob = EphemeralKey::CodeSends {
            username: "bob".to_owned(),
            purpose: CodePurpose::SignUp,
        };
        assert!(store.put_ephemeral("p", &bob, b"b", at(1), 0)?);
        assert!(store.get_ephemeral("p", &unknown(2))?.is_some());
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
