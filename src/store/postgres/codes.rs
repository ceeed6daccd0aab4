//! [`CodeStore`] for [`PostgresStore`]: pending codes, one per user and
//! purpose.

use super::PostgresStore;
use super::statements::{OWNER_LOCK, WITH_POOL_LOCK, storable};
use crate::store::sql::records::{self, CODE_COLUMNS, CodeValues};
use crate::store::sql::{SqlRow, id_param};
use crate::store::{CodePurpose, CodeRecord, CodeStore, StoreResult};

/// The code of user `$2` of pool `$1` for purpose `$3`.
pub(super) const CODE_KEY: &str =
    "k = userpool_key3($1, $2, $3) AND pool = $1 AND username = $2 AND purpose = $3";

impl CodeStore for PostgresStore {
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        let v = CodeValues::new(code);
        self.auto(|sql| {
            sql.execute(
                &format!(
                    "{WITH_POOL_LOCK}, {OWNER_LOCK} \
                     INSERT INTO codes (pool, username, purpose, id, digest, \
                     attribute, destination, issued_at, expires_at, attempts, \
                     window_started_at, window_attempts) \
                     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 \
                     FROM pool_lock LEFT JOIN owner_lock ON true \
                     ON CONFLICT (k) DO UPDATE SET id = EXCLUDED.id, digest = EXCLUDED.digest, \
                     attribute = EXCLUDED.attribute, destination = EXCLUDED.destination, \
                     issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at, \
                     attempts = EXCLUDED.attempts, \
                     window_started_at = EXCLUDED.window_started_at, \
                     window_attempts = EXCLUDED.window_attempts"
                ),
                &[
                    &pool_id,
                    &username,
                    &purpose.as_str(),
                    &v.id,
                    &v.digest,
                    &v.attribute,
                    &v.destination,
                    &v.issued_at,
                    &v.expires_at,
                    &v.attempts,
                    &v.window_started_at,
                    &v.window_attempts,
                ],
            )?;
            Ok(())
        })
    }

    fn get_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>> {
        if !storable(&[pool_id, username]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!("SELECT {CODE_COLUMNS} FROM codes WHERE {CODE_KEY}"),
                &[&pool_id, &username, &purpose.as_str()],
            )?;
            Ok(row.as_ref().map(records::code).transpose()?)
        })
    }

    fn record_code_attempt(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<u32>> {
        if !storable(&[pool_id, username]) {
            return Ok(None);
        }
        // One statement: a concurrent attempt waits for the row lock, then
        // adds to the value this one wrote.
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "UPDATE codes SET attempts = LEAST(attempts + 1, 4294967295), \
                     window_attempts = LEAST(window_attempts + 1, 4294967295) \
                     WHERE {CODE_KEY} AND id = $4 RETURNING attempts"
                ),
                &[&pool_id, &username, &purpose.as_str(), &id_param(code_id)],
            )?;
            Ok(row
                .as_ref()
                .map(|r| r.counter(0, "code attempts"))
                .transpose()?)
        })
    }

    fn take_code(
        &self,
        pool_id: &str,
        username: &str,
        purpose: CodePurpose,
        code_id: u64,
    ) -> StoreResult<Option<CodeRecord>> {
        if !storable(&[pool_id, username]) {
            return Ok(None);
        }
        // One statement: of concurrent takes, one deletes the row; the
        // others wait for it, then find nothing.
        self.auto(|sql| {
            let row = sql.opt(
                &format!("DELETE FROM codes WHERE {CODE_KEY} AND id = $4 RETURNING {CODE_COLUMNS}"),
                &[&pool_id, &username, &purpose.as_str(), &id_param(code_id)],
            )?;
            Ok(row.as_ref().map(records::code).transpose()?)
        })
    }
}
