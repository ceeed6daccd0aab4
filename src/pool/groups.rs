//! Groups: `CreateGroup`, `GetGroup`, `ListGroups`, `UpdateGroup`,
//! `DeleteGroup`, `AdminAddUserToGroup`, `AdminRemoveUserFromGroup`,
//! `AdminListGroupsForUser`, `ListUsersInGroup`.

use super::list::{decode_token, encode_token, page_limit};
use super::{NAME_PATTERN, User, UserPool, store_error};
use crate::clock::Timestamp;
use crate::error::{Constraint, Error, ErrorCode, Result, Shown};
use crate::store::{GroupRecord, StoreError};

/// Cognito's quota of groups one user can belong to (cognito-protocol.md §4.11).
pub(crate) const MAX_GROUPS_PER_USER: usize = 100;

/// `CreateGroup` and `UpdateGroup`.
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupRequest {
    /// The group's name (1–128 characters, no whitespace).
    pub group_name: String,
    /// A description, at most 2048 characters.
    pub description: Option<String>,
    /// An IAM role ARN (20–2048 characters, `arn:` prefix) for `cognito:roles`.
    pub role_arn: Option<String>,
    /// Lower is higher priority; `None` is lowest.
    pub precedence: Option<u32>,
}

impl GroupRequest {
    /// A group named `name` with no description, role or precedence.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            group_name: name.into(),
            ..Self::default()
        }
    }

    /// With this description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// With this IAM role ARN.
    #[must_use]
    pub fn role_arn(mut self, arn: impl Into<String>) -> Self {
        self.role_arn = Some(arn.into());
        self
    }

    /// With this precedence (lower wins).
    #[must_use]
    pub fn precedence(mut self, precedence: u32) -> Self {
        self.precedence = Some(precedence);
        self
    }
}

/// A group as the group operations return it (Cognito's `GroupType`).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The group's name, unique in the pool.
    pub name: String,
    /// A free-text description.
    pub description: Option<String>,
    /// An IAM role ARN carried into `cognito:roles`.
    pub role_arn: Option<String>,
    /// Lower is higher priority; `None` is lowest.
    pub precedence: Option<u32>,
    /// When the group was created.
    pub created_at: Timestamp,
    /// When the group was last modified.
    pub modified_at: Timestamp,
}

impl Group {
    /// A group named `name` with no description, role or precedence,
    /// created (and last modified) at `created_at`: for programs that stand
    /// in for a pool in their own tests.
    #[must_use]
    pub fn new(name: impl Into<String>, created_at: Timestamp) -> Self {
        Self {
            name: name.into(),
            description: None,
            role_arn: None,
            precedence: None,
            created_at,
            modified_at: created_at,
        }
    }
}

impl From<GroupRecord> for Group {
    fn from(r: GroupRecord) -> Self {
        Self {
            name: r.name,
            description: r.description,
            role_arn: r.role_arn,
            precedence: r.precedence,
            created_at: r.created_at,
            modified_at: r.modified_at,
        }
    }
}

/// A page of groups.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct GroupPage {
    /// The groups, by name.
    pub groups: Vec<Group>,
    /// Pass back for the next page; `None` on the last one.
    pub next_token: Option<String>,
}

/// A page of users.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct UserPage {
    /// The users, by internal username.
    pub users: Vec<User>,
    /// Pass back for the next page; `None` on the last one.
    pub next_token: Option<String>,
}

fn group_not_found() -> Error {
    Error::new(ErrorCode::ResourceNotFound, "Group not found.")
}

fn validate(req: &GroupRequest) -> Result<()> {
    let n = req.group_name.chars().count();
    if n == 0
        || n > 128
        || req
            .group_name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Error::violation(
            "groupName",
            Shown::Hidden,
            Constraint::Pattern {
                pattern: NAME_PATTERN,
                length: Some((1, 128)),
            },
        ));
    }
    if req
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 2048)
    {
        return Err(Error::violation(
            "description",
            Shown::Hidden,
            Constraint::MaxLength(2048),
        ));
    }
    if let Some(arn) = &req.role_arn {
        let len = arn.chars().count();
        if !(20..=2048).contains(&len) || !arn.starts_with("arn:") {
            return Err(Error::violation(
                "roleArn",
                Shown::Value(arn.clone()),
                Constraint::Other("be an IAM role ARN of 20 to 2048 characters"),
            ));
        }
    }
    Ok(())
}

/// Splits one extra look-ahead item off a page to decide whether a next token is due.
fn paginate<T>(
    mut items: Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> &str,
) -> (Vec<T>, Option<String>) {
    let more = items.len() > limit;
    items.truncate(limit);
    let token = if more {
        items.last().map(|i| encode_token(key(i)))
    } else {
        None
    };
    (items, token)
}

impl UserPool {
    /// `CreateGroup`.
    ///
    /// # Errors
    /// `InvalidParameterException` for a malformed name, description or role;
    /// `GroupExistsException` when the name is taken.
    pub fn create_group(&self, request: GroupRequest) -> Result<Group> {
        validate(&request)?;
        let now = self.now();
        let group = GroupRecord {
            name: request.group_name,
            description: request.description,
            role_arn: request.role_arn,
            precedence: request.precedence,
            created_at: now,
            modified_at: now,
        };
        match self.store().create_group(self.id(), &group) {
            Ok(()) => Ok(group.into()),
            Err(StoreError::Conflict { .. }) => Err(Error::new(
                ErrorCode::GroupExists,
                format!("A group with the name {} already exists.", group.name),
            )),
            Err(e) => Err(store_error(e)),
        }
    }

    /// `GetGroup`.
    ///
    /// # Errors
    /// `ResourceNotFoundException` (`Group not found.`).
    pub fn get_group(&self, name: &str) -> Result<Group> {
        self.group_record(name).map(Group::from)
    }

    fn group_record(&self, name: &str) -> Result<GroupRecord> {
        self.store()
            .get_group(self.id(), name)
            .map_err(store_error)?
            .ok_or_else(group_not_found)
    }

    /// `ListGroups`: groups by name, a page at a time.
    ///
    /// # Errors
    /// `InvalidParameterException` for a limit over 60 or a malformed token.
    pub fn list_groups(&self, limit: Option<u32>, next_token: Option<&str>) -> Result<GroupPage> {
        let limit = page_limit(limit)?;
        let after = next_token.map(decode_token).transpose()?;
        let items = self
            .store()
            .list_groups(self.id(), after.as_deref(), limit + 1)
            .map_err(store_error)?;
        let (groups, next_token) = paginate(items, limit, |g| g.name.as_str());
        Ok(GroupPage {
            groups: groups.into_iter().map(Group::from).collect(),
            next_token,
        })
    }

    /// `UpdateGroup`: as in Cognito, every field not given is reset to its default.
    ///
    /// # Errors
    /// `InvalidParameterException` for malformed fields;
    /// `ResourceNotFoundException` when the group does not exist.
    pub fn update_group(&self, request: GroupRequest) -> Result<Group> {
        validate(&request)?;
        let current = self.group_record(&request.group_name)?;
        let group = GroupRecord {
            name: current.name,
            description: request.description,
            role_arn: request.role_arn,
            precedence: request.precedence,
            created_at: current.created_at,
            modified_at: self.now(),
        };
        match self.store().update_group(self.id(), &group) {
            Ok(()) => Ok(group.into()),
            Err(StoreError::NotFound) => Err(group_not_found()),
            Err(e) => Err(store_error(e)),
        }
    }

    /// `DeleteGroup`: the group and every membership in it.
    ///
    /// # Errors
    /// `ResourceNotFoundException` when the group does not exist.
    pub fn delete_group(&self, name: &str) -> Result<()> {
        match self.store().delete_group(self.id(), name) {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(group_not_found()),
            Err(e) => Err(store_error(e)),
        }
    }

    /// `AdminAddUserToGroup` (adding a member twice is a no-op).
    ///
    /// # Errors
    /// `UserNotFoundException`; `ResourceNotFoundException` for an unknown
    /// group; `LimitExceededException` past 100 groups for one user.
    pub fn admin_add_user_to_group(&self, username: &str, group: &str) -> Result<()> {
        let user = self.resolve_existing(username)?;
        self.group_record(group)?;
        let current = self
            .store()
            .groups_of_user(self.id(), &user.username)
            .map_err(store_error)?;
        if current.len() >= MAX_GROUPS_PER_USER && !current.iter().any(|g| g.name == group) {
            return Err(Error::new(
                ErrorCode::LimitExceeded,
                format!("A user can belong to at most {MAX_GROUPS_PER_USER} groups."),
            ));
        }
        match self.store().add_to_group(self.id(), group, &user.username) {
            Ok(()) => {}
            Err(StoreError::NotFound) => return Err(group_not_found()),
            Err(e) => return Err(store_error(e)),
        }
        // A user deleted meanwhile must not leave a membership for a later
        // user of the same name.
        if !self.still_exists(&user)? {
            let _ = self
                .store()
                .remove_from_group(self.id(), group, &user.username);
            return Err(Error::user_not_found());
        }
        Ok(())
    }

    /// `AdminRemoveUserFromGroup` (removing a non-member is a no-op).
    ///
    /// # Errors
    /// `UserNotFoundException`; `ResourceNotFoundException` for an unknown group.
    pub fn admin_remove_user_from_group(&self, username: &str, group: &str) -> Result<()> {
        let user = self.resolve_existing(username)?;
        match self
            .store()
            .remove_from_group(self.id(), group, &user.username)
        {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(group_not_found()),
            Err(e) => Err(store_error(e)),
        }
    }

    /// `AdminListGroupsForUser`: the user's groups by name, a page at a time.
    ///
    /// # Errors
    /// `UserNotFoundException`; `InvalidParameterException` for a bad limit or token.
    pub fn admin_list_groups_for_user(
        &self,
        username: &str,
        limit: Option<u32>,
        next_token: Option<&str>,
    ) -> Result<GroupPage> {
        let limit = page_limit(limit)?;
        let after = next_token.map(decode_token).transpose()?;
        let user = self.resolve_existing(username)?;
        let items: Vec<GroupRecord> = self
            .store()
            .groups_of_user(self.id(), &user.username)
            .map_err(store_error)?
            .into_iter()
            .filter(|g| after.as_deref().is_none_or(|a| g.name.as_str() > a))
            .take(limit + 1)
            .collect();
        let (groups, next_token) = paginate(items, limit, |g| g.name.as_str());
        Ok(GroupPage {
            groups: groups.into_iter().map(Group::from).collect(),
            next_token,
        })
    }

    /// `ListUsersInGroup`: members by internal username, a page at a time.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown group; `InvalidParameterException`
    /// for a bad limit or token.
    pub fn list_users_in_group(
        &self,
        group: &str,
        limit: Option<u32>,
        next_token: Option<&str>,
    ) -> Result<UserPage> {
        let limit = page_limit(limit)?;
        let after = next_token.map(decode_token).transpose()?;
        let names = match self
            .store()
            .users_in_group(self.id(), group, after.as_deref(), limit + 1)
        {
            Ok(n) => n,
            Err(StoreError::NotFound) => return Err(group_not_found()),
            Err(e) => return Err(store_error(e)),
        };
        let (names, next_token) = paginate(names, limit, String::as_str);
        let mut users = Vec::with_capacity(names.len());
        for n in names {
            // A member deleted meanwhile is simply skipped.
            if let Some(r) = self.store().get_user(self.id(), &n).map_err(store_error)? {
                users.push(User::from_record(&r, None));
            }
        }
        Ok(UserPage { users, next_token })
    }
}
