//! [`CodeStore`] for [`MemoryStore`]: pending codes, one per user and
//! purpose.

use super::MemoryStore;
use crate::store::{CodePurpose, CodeRecord, CodeStore, StoreError, StoreResult};

impl CodeStore for MemoryStore {
    /// The user's existence and the write under one lock, which
    /// `delete_user` takes too.
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        sub: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        let mut st = self.lock();
        let data = st
            .data
            .get_mut(pool_id)
            .filter(|d| {
                d.users
                    .get(username)
                    .is_some_and(|u| u.attributes.get("sub").is_some_and(|s| s == sub))
            })
            .ok_or(StoreError::NotFound)?;
        data.insert_code((username.to_owned(), purpose), code.clone());
        Ok(())
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        Ok(self.read(pool_id, None, |d| {
            d.codes.get(&(username.to_owned(), purpose)).cloned()
        }))
    }

    fn record_code_attempt(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>> {
        let mut st = self.lock();
        let Some(data) = st.data.get_mut(pool_id) else {
            return Ok(None);
        };
        Ok(data
            .codes
            .get_mut(&(username.to_owned(), purpose))
            .filter(|c| c.id == code_id)
            .map(|c| {
                c.attempts = c.attempts.saturating_add(1);
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
        let Some(data) = st.data.get_mut(pool_id) else {
            return Ok(None);
        };
        let k = (username.to_owned(), purpose);
        if data.codes.get(&k).is_some_and(|c| c.id == code_id) {
            Ok(data.remove_code(&k))
        } else {
            Ok(None)
        }
    }
}
