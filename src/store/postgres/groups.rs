//! [`GroupStore`] for [`PostgresStore`]: groups and memberships.

use super::PostgresStore;
use super::statements::{WITH_POOL_LOCK, or_conflict, page_bound, storable};
use crate::store::sql::records::{self, GROUP_COLUMNS, GroupValues};
use crate::store::sql::{SqlRow, sql_limit};
use crate::store::{ConflictKey, GroupRecord, GroupStore, StoreError, StoreResult};

/// The group `$2` of pool `$1`.
const GROUP_KEY: &str = "k = userpool_key2($1, $2) AND pool = $1 AND name = $2";

impl GroupStore for PostgresStore {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        let v = GroupValues::new(group);
        self.auto(|sql| {
            or_conflict(
                sql.execute(
                    &format!(
                        "{WITH_POOL_LOCK} INSERT INTO groups (pool, name, description, \
                         role_arn, precedence, created_at, modified_at) \
                         SELECT $1, $2, $3, $4, $5, $6, $7 FROM pool_lock"
                    ),
                    &[
                        &pool_id,
                        &v.name,
                        &v.description.map(str::as_bytes),
                        &v.role_arn.map(str::as_bytes),
                        &v.precedence,
                        &v.created_at,
                        &v.modified_at,
                    ],
                ),
                || ConflictKey::GroupName,
            )?;
            Ok(())
        })
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        if !storable(&[pool_id, name]) {
            return Ok(None);
        }
        self.auto(|sql| {
            let row = sql.opt(
                &format!(
                    "SELECT {GROUP_COLUMNS} FROM groups g \
                     WHERE g.k = userpool_key2($1, $2) AND g.pool = $1 AND g.name = $2"
                ),
                &[&pool_id, &name],
            )?;
            Ok(row.as_ref().map(records::group).transpose()?)
        })
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        let v = GroupValues::new(group);
        self.auto(|sql| {
            let changed = sql.execute(
                &format!(
                    "UPDATE groups SET description = $3, role_arn = $4, precedence = $5, \
                     created_at = $6, modified_at = $7 WHERE {GROUP_KEY}"
                ),
                &[
                    &pool_id,
                    &v.name,
                    &v.description.map(str::as_bytes),
                    &v.role_arn.map(str::as_bytes),
                    &v.precedence,
                    &v.created_at,
                    &v.modified_at,
                ],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound.into());
            }
            Ok(())
        })
    }

    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        if !storable(&[pool_id, name]) {
            return Err(StoreError::NotFound);
        }
        self.tx(|sql| {
            // The group row first: a concurrent `add_to_group` holds it
            // `FOR KEY SHARE` until its membership is committed, so that
            // membership is deleted below.
            let deleted = sql.execute(
                &format!("DELETE FROM groups WHERE {GROUP_KEY}"),
                &[&pool_id, &name],
            )?;
            if deleted == 0 {
                return Err(StoreError::NotFound.into());
            }
            sql.execute(
                "DELETE FROM memberships WHERE left(pool, 128) = left($1, 128) \
                 AND left(group_name, 128) = left($2, 128) AND pool = $1 AND group_name = $2",
                &[&pool_id, &name],
            )?;
            Ok(())
        })
    }

    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        self.pool_page(
            &format!("SELECT {GROUP_COLUMNS} FROM groups g"),
            ("g.pool", "g.name"),
            (pool_id, after, limit),
            records::group,
        )
    }

    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        if !storable(&[group]) {
            return Err(StoreError::NotFound);
        }
        self.tx(|sql| {
            // Held until commit: a concurrent delete of the group waits,
            // then deletes this membership with it.
            let found = sql.opt(
                &format!("SELECT 1 FROM groups WHERE {GROUP_KEY} FOR KEY SHARE"),
                &[&pool_id, &group],
            )?;
            if found.is_none() {
                return Err(StoreError::NotFound.into());
            }
            // The user, if stored, likewise: a concurrent `delete_user`
            // deletes this membership or has committed first.
            sql.execute(
                "SELECT 1 FROM users WHERE k = userpool_key2($1, $2) AND pool = $1 \
                 AND username = $2 FOR KEY SHARE",
                &[&pool_id, &username],
            )?;
            sql.execute(
                "INSERT INTO memberships (pool, group_name, username) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
                &[&pool_id, &group, &username],
            )?;
            Ok(())
        })
    }

    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        if !storable(&[pool_id, group]) {
            return Err(StoreError::NotFound);
        }
        let member = storable(&[username]);
        self.tx(|sql| {
            if !sql.exists(
                &format!("SELECT EXISTS (SELECT 1 FROM groups WHERE {GROUP_KEY})"),
                &[&pool_id, &group],
            )? {
                return Err(StoreError::NotFound.into());
            }
            if member {
                sql.execute(
                    "DELETE FROM memberships WHERE k = userpool_key3($1, $2, $3) \
                     AND pool = $1 AND group_name = $2 AND username = $3",
                    &[&pool_id, &group, &username],
                )?;
            }
            Ok(())
        })
    }

    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>> {
        if !storable(&[pool_id, username]) {
            return Ok(Vec::new());
        }
        self.auto(|sql| {
            let rows = sql.query(
                &format!(
                    "SELECT {GROUP_COLUMNS} FROM memberships m \
                     JOIN groups g ON g.k = userpool_key2(m.pool, m.group_name) \
                     WHERE userpool_key2(m.pool, m.username) = userpool_key2($1, $2) \
                     AND m.pool = $1 AND m.username = $2 ORDER BY g.name"
                ),
                &[&pool_id, &username],
            )?;
            Ok(rows
                .iter()
                .map(records::group)
                .collect::<StoreResult<Vec<_>>>()?)
        })
    }

    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        if !storable(&[pool_id, group]) {
            return Err(StoreError::NotFound);
        }
        let (cmp, bound) = page_bound(after);
        // One snapshot for the existence check and the listing.
        self.snapshot(|sql| {
            if !sql.exists(
                &format!("SELECT EXISTS (SELECT 1 FROM groups WHERE {GROUP_KEY})"),
                &[&pool_id, &group],
            )? {
                return Err(StoreError::NotFound.into());
            }
            let rows = sql.query(
                &format!(
                    "SELECT m.username FROM memberships m \
                     WHERE left(m.pool, 128) = left($1, 128) \
                     AND left(m.group_name, 128) = left($2, 128) \
                     AND m.pool = $1 AND m.group_name = $2 \
                     AND left(m.username, 128) >= left($3, 128) AND m.username {cmp} $3 \
                     ORDER BY left(m.username, 128), m.username LIMIT $4"
                ),
                &[&pool_id, &group, &bound, &sql_limit(limit)],
            )?;
            Ok(rows
                .iter()
                .map(|r| r.text(0, "member username"))
                .collect::<StoreResult<Vec<String>>>()?)
        })
    }
}
