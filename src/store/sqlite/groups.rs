//! [`GroupStore`] for [`SqliteStore`]: groups and memberships.

use rusqlite::{Connection, params};

use super::SqliteStore;
use super::connection::{collect, conflict_on, db, exists, immediate, page, query_all, query_one};
use crate::store::sql::records::{self, GROUP_COLUMNS, GroupValues};
use crate::store::sql::{SqlRow, sql_limit};
use crate::store::{ConflictKey, GroupRecord, GroupStore, StoreError, StoreResult};

fn group_exists(conn: &Connection, pool_id: &str, name: &str) -> StoreResult<bool> {
    exists(
        conn,
        "SELECT EXISTS (SELECT 1 FROM groups WHERE pool = ?1 AND name = ?2)",
        params![pool_id, name],
    )
}

impl GroupStore for SqliteStore {
    fn create_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        let v = GroupValues::new(group);
        self.lock()
            .execute(
                "INSERT INTO groups (pool, name, description, role_arn, precedence, created_at, \
                 modified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    pool_id,
                    v.name,
                    v.description,
                    v.role_arn,
                    v.precedence,
                    v.created_at,
                    v.modified_at,
                ],
            )
            .map_err(conflict_on(ConflictKey::GroupName))?;
        Ok(())
    }

    fn get_group(&self, pool_id: &str, name: &str) -> StoreResult<Option<GroupRecord>> {
        query_one(
            &self.lock(),
            &format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool = ?1 AND g.name = ?2"),
            params![pool_id, name],
            |r| records::group(r),
        )
    }

    fn update_group(&self, pool_id: &str, group: &GroupRecord) -> StoreResult<()> {
        let v = GroupValues::new(group);
        let changed = self
            .lock()
            .execute(
                "UPDATE groups SET description = ?3, role_arn = ?4, precedence = ?5, \
                 created_at = ?6, modified_at = ?7 WHERE pool = ?1 AND name = ?2",
                params![
                    pool_id,
                    v.name,
                    v.description,
                    v.role_arn,
                    v.precedence,
                    v.created_at,
                    v.modified_at,
                ],
            )
            .map_err(db)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    fn delete_group(&self, pool_id: &str, name: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        tx.execute(
            "DELETE FROM memberships WHERE pool = ?1 AND group_name = ?2",
            params![pool_id, name],
        )
        .map_err(db)?;
        let changed = tx
            .execute(
                "DELETE FROM groups WHERE pool = ?1 AND name = ?2",
                params![pool_id, name],
            )
            .map_err(db)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().map_err(db)
    }

    fn list_groups(
        &self,
        pool_id: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<GroupRecord>> {
        page(
            &self.lock(),
            &format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.pool = ?1"),
            "g.name",
            (pool_id, after, limit),
            |r| records::group(r),
        )
    }

    fn add_to_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        if !group_exists(&tx, pool_id, group)? {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "INSERT OR IGNORE INTO memberships (pool, group_name, username) VALUES (?1, ?2, ?3)",
            params![pool_id, group, username],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn remove_from_group(&self, pool_id: &str, group: &str, username: &str) -> StoreResult<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        if !group_exists(&tx, pool_id, group)? {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "DELETE FROM memberships WHERE pool = ?1 AND group_name = ?2 AND username = ?3",
            params![pool_id, group, username],
        )
        .map_err(db)?;
        tx.commit().map_err(db)
    }

    fn groups_of_user(&self, pool_id: &str, username: &str) -> StoreResult<Vec<GroupRecord>> {
        query_all(
            &self.lock(),
            &format!(
                "SELECT {GROUP_COLUMNS} FROM memberships m \
                 JOIN groups g ON g.pool = m.pool AND g.name = m.group_name \
                 WHERE m.pool = ?1 AND m.username = ?2 ORDER BY g.name"
            ),
            params![pool_id, username],
            |r| records::group(r),
        )
    }

    fn users_in_group(
        &self,
        pool_id: &str,
        group: &str,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        let mut conn = self.lock();
        // Deferred: a consistent snapshot for the existence check and the listing.
        let tx = conn.transaction().map_err(db)?;
        if !group_exists(&tx, pool_id, group)? {
            return Err(StoreError::NotFound);
        }
        let cmp = if after.is_some() { ">" } else { ">=" };
        let mut stmt = tx
            .prepare_cached(&format!(
                "SELECT username FROM memberships WHERE pool = ?1 AND group_name = ?2 \
                 AND username {cmp} ?3 ORDER BY username LIMIT ?4"
            ))
            .map_err(db)?;
        let rows = stmt
            .query(params![
                pool_id,
                group,
                after.unwrap_or(""),
                sql_limit(limit)
            ])
            .map_err(db)?;
        let users = collect(rows, |r| r.text(0, "member username"))?;
        drop(stmt);
        tx.commit().map_err(db)?;
        Ok(users)
    }
}
