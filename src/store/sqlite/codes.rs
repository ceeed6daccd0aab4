//! [`CodeStore`] for [`SqliteStore`]: pending codes, one per user and
//! purpose.

use rusqlite::params;

use super::SqliteStore;
use super::connection::{db, query_one};
use crate::store::sql::id_param;
use crate::store::sql::records::{self, CODE_COLUMNS, CodeValues};
use crate::store::{CodePurpose, CodeRecord, CodeStore, StoreError, StoreResult};

impl CodeStore for SqliteStore {
    /// One statement, which inserts only when the user exists with that
    /// `sub`: atomic on its own, under the database's write lock that
    /// `delete_user`'s transaction holds too.
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        sub: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        let v = CodeValues::new(code);
        let inserted = self
            .lock()
            .execute(
                "INSERT OR REPLACE INTO codes (pool, username, purpose, id, digest, attribute, \
                 destination, issued_at, expires_at, attempts) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 \
                 WHERE EXISTS (SELECT 1 FROM users WHERE pool = ?1 AND username = ?2 \
                 AND json_extract(attributes, '$.sub') = ?11)",
                params![
                    pool_id,
                    username,
                    purpose.as_str(),
                    v.id,
                    v.digest,
                    v.attribute,
                    v.destination,
                    v.issued_at,
                    v.expires_at,
                    v.attempts,
                    sub,
                ],
            )
            .map_err(db)?;
        if inserted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        query_one(
            &self.lock(),
            &format!(
                "SELECT {CODE_COLUMNS} FROM codes \
                 WHERE pool = ?1 AND username = ?2 AND purpose = ?3"
            ),
            params![pool_id, username, purpose.as_str()],
            |r| records::code(r),
        )
    }

    fn record_code_attempt(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>> {
        // One statement: atomic on its own.
        query_one(
            &self.lock(),
            "UPDATE codes SET attempts = MIN(attempts + 1, 4294967295) \
             WHERE pool = ?1 AND username = ?2 AND purpose = ?3 AND id = ?4 \
             RETURNING attempts",
            params![pool_id, username, purpose.as_str(), id_param(code_id)],
            |r| crate::store::sql::SqlRow::counter(r, 0, "code attempts"),
        )
    }

    fn take_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<CodeRecord>> {
        // One statement: of concurrent takes, exactly one deletes the row.
        query_one(
            &self.lock(),
            &format!(
                "DELETE FROM codes WHERE pool = ?1 AND username = ?2 AND purpose = ?3 \
                 AND id = ?4 RETURNING {CODE_COLUMNS}"
            ),
            params![pool_id, username, purpose.as_str(), id_param(code_id)],
            |r| records::code(r),
        )
    }
}
