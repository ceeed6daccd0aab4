//! [`UserStore`] for [`PostgresStore`]: users, their index keys, and the
//! prefix search over the attribute indexes.

use postgres::types::ToSql;
use postgres::{GenericClient, Transaction};

use super::PostgresStore;
use super::statements::{
    Fail, POOL_LOCK_SHARED, Sql, cas_failure, or_conflict, page_bound, storable,
};
use crate::store::sql::attributes::{indexed_attribute, prefix_upper_bound};
use crate::store::sql::records::{self, USER_COLUMNS, UserValues};
use crate::store::sql::{expected_version, id_param, next_version, sql_limit};
use crate::store::{
    CodePurpose, ConflictKey, IndexKey, StoreError, StoreResult, UserRecord, UserStore,
    scan_users_by_attribute_prefix,
};

const USER_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM users \
     WHERE k = userpool_key2($1, $2) AND pool = $1 AND username = $2)";

/// `keys` as stored, without repeats, in byte order: concurrent calls then
/// take the key rows in one order, which keeps them from deadlocking.
fn sorted_keys(keys: &[IndexKey]) -> Vec<(String, &IndexKey)> {
    let mut k: Vec<(String, &IndexKey)> = keys.iter().map(|k| (k.encode(), k)).collect();
    k.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    k.dedup_by(|a, b| a.0 == b.0);
    k
}

/// Indexes `keys` for `username`; a key of another user is a `Conflict`.
fn index_keys<C: GenericClient>(
    sql: &mut Sql<'_, C>,
    pool_id: &str,
    username: &str,
    keys: &[(String, &IndexKey)],
) -> Result<(), Fail> {
    for (k, key) in keys {
        or_conflict(
            sql.execute(
                "INSERT INTO user_keys (pool, key, username) VALUES ($1, $2, $3)",
                &[&pool_id, k, &username],
            ),
            || ConflictKey::Index((*key).clone()),
        )?;
    }
    Ok(())
}

/// What `update_user` writes, computed before the transaction.
struct UserRow<'a> {
    values: UserValues<'a>,
    keys: Vec<(String, &'a IndexKey)>,
    expected: i64,
    next: i64,
}

impl<'a> UserRow<'a> {
    fn new(user: &'a UserRecord, expected: u64, keys: &'a [IndexKey]) -> StoreResult<Self> {
        Ok(Self {
            values: UserValues::new(user)?,
            keys: sorted_keys(keys),
            expected: expected_version(expected),
            next: next_version(expected)?,
        })
    }
}

/// `UserStore::update_user` inside the caller's transaction.
fn update_user_in(
    sql: &mut Sql<'_, Transaction<'_>>,
    pool_id: &str,
    user: &UserRecord,
    row: &UserRow<'_>,
) -> Result<(), Fail> {
    let v = &row.values;
    let changed = sql.execute(
        "UPDATE users SET attributes = $3, status = $4, enabled = $5, created_at = $6, \
         modified_at = $7, password_hash = $8, srp_verifier = $9, \
         temporary_password_expires_at = $10, failed_sign_ins = $11, \
         locked_until = $12, last_sign_in_attempt = $13, version = $14, \
         username_attribute = $16, mfa = $17 \
         WHERE k = userpool_key2($1, $2) AND pool = $1 AND username = $2 \
         AND version = $15",
        &[
            &pool_id,
            &user.username,
            &v.attributes,
            &v.status,
            &v.enabled,
            &v.created_at,
            &v.modified_at,
            &v.password_hash.map(str::as_bytes),
            &v.srp_verifier,
            &v.temporary_password_expires_at,
            &v.failed_sign_ins,
            &v.locked_until,
            &v.last_sign_in_attempt,
            &row.next,
            &row.expected,
            &v.username_attribute,
            &v.mfa,
        ],
    )?;
    if changed != 1 {
        return Err(cas_failure(
            sql.exists(USER_EXISTS, &[&pool_id, &user.username])?,
        ));
    }
    sql.execute(
        "DELETE FROM user_keys WHERE userpool_key2(pool, username) = userpool_key2($1, $2) \
         AND pool = $1 AND username = $2",
        &[&pool_id, &user.username],
    )?;
    index_keys(sql, pool_id, &user.username, &row.keys)
}

impl UserStore for PostgresStore {
    fn insert_user(&self, pool_id: &str, user: &UserRecord, keys: &[IndexKey]) -> StoreResult<()> {
        let v = UserValues::new(user)?;
        let keys = sorted_keys(keys);
        self.tx(|sql| {
            sql.execute(POOL_LOCK_SHARED, &[&pool_id])?;
            or_conflict(
                sql.execute(
                    "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
                     modified_at, password_hash, srp_verifier, temporary_password_expires_at, \
                     failed_sign_ins, locked_until, last_sign_in_attempt, version, \
                     username_attribute, mfa) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, \
                     $15)",
                    &[
                        &pool_id,
                        &user.username,
                        &v.attributes,
                        &v.status,
                        &v.enabled,
                        &v.created_at,
                        &v.modified_at,
                        &v.password_hash.map(str::as_bytes),
                        &v.srp_verifier,
                        &v.temporary_password_expires_at,
                        &v.failed_sign_ins,
                        &v.locked_until,
                        &v.last_sign_in_attempt,
                        &v.username_attribute,
                        &v.mfa,
                    ],
                ),
                || ConflictKey::Username,
            )?;
            index_keys(sql, pool_id, &user.username, &keys)
        })
    }

    fn get_user(&self, pool_id: &str, username: &str) -> StoreResult<Option<UserRecord>> {
        if !storable(&[pool_id, username]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {USER_COLUMNS} FROM users u \
                     WHERE u.k = userpool_key2($1, $2) AND u.pool = $1 AND u.username = $2"
                ),
                &[&pool_id, &username],
            )?;
            Ok(row.as_ref().map(records::user).transpose()?)
        })
    }

    fn find_user(&self, pool_id: &str, key: &IndexKey) -> StoreResult<Option<UserRecord>> {
        let key = key.encode();
        if !storable(&[pool_id, &key]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {USER_COLUMNS} FROM user_keys x \
                     JOIN users u ON u.k = userpool_key2(x.pool, x.username) \
                     WHERE x.k = userpool_key2($1, $2) AND x.pool = $1 AND x.key = $2"
                ),
                &[&pool_id, &key],
            )?;
            Ok(row.as_ref().map(records::user).transpose()?)
        })
    }

    fn update_user(
        &self,
        pool_id: &str,
        user: &UserRecord,
        expected_version: u64,
        keys: &[IndexKey],
    ) -> StoreResult<()> {
        let row = UserRow::new(user, expected_version, keys)?;
        self.tx(|sql| update_user_in(sql, pool_id, user, &row))
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
        let row = UserRow::new(user, expected_version, keys)?;
        // Any error rolls the transaction back: the code stays pending.
        self.tx(|sql| {
            let taken = sql.execute(
                &format!(
                    "DELETE FROM codes WHERE {} AND id = $4",
                    super::codes::CODE_KEY
                ),
                &[
                    &pool_id,
                    &user.username,
                    &purpose.as_str(),
                    &id_param(code_id),
                ],
            )?;
            if taken != 1 {
                return Ok(false);
            }
            update_user_in(sql, pool_id, user, &row)?;
            Ok(true)
        })
    }

    fn delete_user(&self, pool_id: &str, username: &str, expected: u64) -> StoreResult<()> {
        if !storable(&[pool_id, username]) {
            return Err(StoreError::NotFound);
        }
        let expected = expected_version(expected);
        self.tx(|sql| {
            let deleted = sql.execute(
                "DELETE FROM users WHERE k = userpool_key2($1, $2) AND pool = $1 \
                 AND username = $2 AND version = $3",
                &[&pool_id, &username, &expected],
            )?;
            if deleted != 1 {
                return Err(cas_failure(
                    sql.exists(USER_EXISTS, &[&pool_id, &username])?,
                ));
            }
            for table in [
                "user_keys",
                "codes",
                "memberships",
                "refresh_tokens",
                "devices",
            ] {
                sql.execute(
                    &format!(
                        "DELETE FROM {table} WHERE userpool_key2(pool, username) = \
                         userpool_key2($1, $2) AND pool = $1 AND username = $2"
                    ),
                    &[&pool_id, &username],
                )?;
            }
            Ok(())
        })
    }

    fn list_users(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        self.pool_page(
            &format!("SELECT {USER_COLUMNS} FROM users u"),
            ("u.pool", "u.username"),
            (pool_id, after, limit),
            records::user,
        )
    }

    /// Reads the attribute indexes (see the module docs) for the
    /// attributes they cover, and scans
    /// ([`scan_users_by_attribute_prefix`]) for the others and for a prefix
    /// with NUL.
    fn list_users_by_attribute_prefix(
        &self,
        pool_id: &str,
        attribute: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<UserRecord>> {
        // Only the indexed attributes are named in the SQL text (an index
        // serves only an expression that matches it literally). No indexed
        // form holds NUL: a prefix with one is left to the scan.
        //
        // The index holds the first 128 characters of each value's
        // `indexed_form`: the query finds every user whose value starts
        // with the prefix, and a rare few more (the indexed form does not
        // tell NUL from U+0001), told apart here; so a page is read again
        // after its last user until `limit` users match or none are left.
        let indexed = indexed_attribute(attribute);
        let Some(attribute) = indexed.filter(|_| !prefix.contains('\0')) else {
            return scan_users_by_attribute_prefix(self, pool_id, attribute, prefix, after, limit);
        };
        if !storable(&[pool_id]) || limit == 0 {
            return Ok(Vec::new());
        }
        let whole = indexed_form(prefix);
        let head: String = whole.chars().take(128).collect();
        let long = head.len() < whole.len();
        let upper = prefix_upper_bound(&head);
        self.auto(|sql| {
            let mut out = Vec::new();
            let mut cursor = after.map(str::to_owned);
            loop {
                let want = limit - out.len();
                let (cmp, bound) = page_bound(cursor.as_deref());
                let query = prefix_query(attribute, cmp, upper.is_some(), long);
                let limit_param = sql_limit(want);
                let mut params: Vec<&(dyn ToSql + Sync)> = vec![&pool_id, &head, &bound];
                if let Some(upper) = &upper {
                    params.push(upper);
                }
                if long {
                    params.push(&whole);
                }
                params.push(&limit_param);
                let rows = sql.query(&query, &params)?;
                let read = rows.len();
                for row in &rows {
                    let user = records::user(row)?;
                    cursor = Some(user.username.clone());
                    if user.attribute_starts_with(attribute, prefix) {
                        out.push(user);
                    }
                }
                if read < want || out.len() >= limit {
                    return Ok(out);
                }
            }
        })
    }
}

/// `s` as `userpool_attribute` (migration 2) reads it from the stored
/// JSON: NUL turned into U+0001 and the characters `\u0000` into `\u0001`.
/// A value starts with a prefix only if its indexed form starts with the
/// prefix's indexed form.
fn indexed_form(s: &str) -> String {
    s.replace('\0', "\u{1}").replace("\\u0000", "\\u0001")
}

/// The query of one page of [`UserStore::list_users_by_attribute_prefix`]
/// for an indexed `attribute`. Its parameters: the pool, the first 128
/// characters of the prefix's [`indexed_form`], the page bound (compared
/// with `cmp`, as from [`page_bound`]), when `upper` the
/// [`prefix_upper_bound`] of those 128 characters, when `long` the whole
/// indexed form (longer than 128 characters), and the limit.
///
/// The range finds the users whose first 128 indexed characters start with
/// the prefix's, from the attribute's index (`users_by_<attribute>`) when
/// few do, or in username order when many do (the planner knows which
/// from the index's statistics); `starts_with` checks the rest of a long
/// prefix.
pub(super) fn prefix_query(attribute: &str, cmp: &str, upper: bool, long: bool) -> String {
    let value = format!("userpool_attribute(u.attributes, '{attribute}')");
    let indexed = format!("(left({value}, 128) COLLATE \"C\")");
    let mut sql = format!(
        "SELECT {USER_COLUMNS} FROM users u \
         WHERE left(u.pool, 128) = left($1, 128) AND u.pool = $1 AND {indexed} >= $2 \
         AND left(u.username, 128) >= left($3, 128) AND u.username {cmp} $3"
    );
    let mut next = 4;
    if upper {
        sql.push_str(&format!(" AND {indexed} < ${next}"));
        next += 1;
    }
    if long {
        sql.push_str(&format!(
            " AND pg_catalog.starts_with({value} COLLATE \"C\", ${next})"
        ));
        next += 1;
    }
    sql.push_str(&format!(
        " ORDER BY left(u.username, 128), u.username LIMIT ${next}"
    ));
    sql
}
