//! [`CodeStore`] for [`PostgresStore`]: pending codes, one per user and
//! purpose.

use postgres::types::ToSql;

use super::PostgresStore;
use super::statements::{WITH_POOL_LOCK, exact_attribute, storable};
use crate::schema::Attributes;
use crate::store::sql::records::{self, CODE_COLUMNS, CodeValues};
use crate::store::sql::{SqlRow, id_param, redact};
use crate::store::{CodePurpose, CodeRecord, CodeStore, StoreError, StoreResult};

/// The code of user `$2` of pool `$1` for purpose `$3`.
pub(super) const CODE_KEY: &str =
    "k = userpool_key3($1, $2, $3) AND pool = $1 AND username = $2 AND purpose = $3";

/// Inserts the code of user `$2` of pool `$1` for purpose `$3` from the
/// values `$4` to `$10`, or replaces the pending one: the statement's tail
/// after its CTEs, `FROM` what the caller names.
fn insert_code(from: &str) -> String {
    format!(
        "INSERT INTO codes (pool, username, purpose, id, digest, attribute, destination, \
         issued_at, expires_at, attempts) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM {from} \
         ON CONFLICT (k) DO UPDATE SET id = EXCLUDED.id, digest = EXCLUDED.digest, \
         attribute = EXCLUDED.attribute, destination = EXCLUDED.destination, \
         issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at, \
         attempts = EXCLUDED.attempts"
    )
}

/// A CTE that locks the user `$2` of pool `$1` `FOR KEY SHARE` when its
/// `sub` attribute is `$11`, so that a statement selecting `FROM
/// pool_lock, owner_lock` adds nothing when that user is gone: a
/// concurrent `delete_user` either waits for the statement and deletes its
/// code too, or has committed first, and then the lock finds no row.
///
/// The `sub` is compared as the attribute indexes read it
/// (`userpool_attribute`), which is exact for the values
/// [`exact_attribute`] accepts.
const OWNER_WITH_SUB: &str = "owner_lock AS MATERIALIZED (SELECT 1 FROM users \
     WHERE k = userpool_key2($1, $2) AND pool = $1 AND username = $2 \
     AND userpool_attribute(attributes, 'sub') = $11 FOR KEY SHARE)";

impl CodeStore for PostgresStore {
    /// One statement that locks the user row when it holds that `sub` and
    /// inserts only then (`OWNER_WITH_SUB`); for a `sub` the attribute
    /// function cannot compare exactly, a transaction that locks the row,
    /// compares the decoded attribute and inserts.
    fn put_code(
        &self,
        pool_id: &str,
        username: &str,
        sub: &str,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()> {
        if !storable(&[pool_id, username, sub]) {
            return Err(StoreError::NotFound);
        }
        let v = CodeValues::new(code);
        let values: [&(dyn ToSql + Sync); 11] = [
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
            &sub,
        ];
        let inserted = if exact_attribute(sub) {
            let statement = format!(
                "{WITH_POOL_LOCK}, {OWNER_WITH_SUB} {}",
                insert_code("pool_lock, owner_lock")
            );
            self.auto(|sql| sql.execute(&statement, &values))?
        } else {
            let statement = format!("{WITH_POOL_LOCK} {}", insert_code("pool_lock"));
            self.tx(|sql| {
                let owner = sql.opt(
                    "SELECT attributes FROM users WHERE k = userpool_key2($1, $2) \
                     AND pool = $1 AND username = $2 FOR KEY SHARE",
                    &[&pool_id, &username],
                )?;
                let Some(owner) = owner else {
                    return Ok(0);
                };
                let attributes: Attributes = serde_json::from_str(&owner.text(0, "attributes")?)
                    .map_err(redact::invalid_attributes)?;
                if attributes.get("sub").is_none_or(|s| s != sub) {
                    return Ok(0);
                }
                sql.execute(&statement, &values[..10])
            })?
        };
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
                    "UPDATE codes SET attempts = LEAST(attempts + 1, 4294967295) \
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
