//! Groups and memberships.

use serde_json::{Value, json};

use super::{below_minimum, empty, group_type, limit, user_type};
use crate::GroupRequest;
use crate::json::{Members, Read, wrong_type};
use crate::registry::Registry;

/// `Precedence`: an integer from 0 (the model's `PrecedenceType`).
fn precedence(input: &Members<'_>) -> Read<Option<u32>> {
    match input.opt_i64("Precedence")? {
        None => Ok(None),
        Some(n) if n < 0 => Err(below_minimum("Precedence", n, 0).into()),
        Some(n) => i32::try_from(n)
            .ok()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| wrong_type("Precedence", "integer")),
    }
}

/// The members `CreateGroup` and `UpdateGroup` share, and the pool id.
fn group_request<'a>(input: &Members<'a>) -> Read<(&'a str, GroupRequest)> {
    let name = input.str("GroupName")?;
    let pool_id = input.str("UserPoolId")?;
    let request = GroupRequest {
        group_name: name.to_owned(),
        description: input.opt_str("Description")?.map(str::to_owned),
        role_arn: input.opt_str("RoleArn")?.map(str::to_owned),
        precedence: precedence(input)?,
    };
    input.finish()?;
    Ok((pool_id, request))
}

/// `CreateGroup`.
pub(super) fn create_group(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool_id, request) = group_request(input)?;
    let pool = registry.pool(pool_id)?;
    let group = pool.create_group(request)?;
    Ok(json!({ "Group": group_type(pool.id(), &group) }))
}

/// `UpdateGroup` (fields not given are reset, as in Cognito).
pub(super) fn update_group(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool_id, request) = group_request(input)?;
    let pool = registry.pool(pool_id)?;
    let group = pool.update_group(request)?;
    Ok(json!({ "Group": group_type(pool.id(), &group) }))
}

/// The pool and group name of an operation that takes only those two.
fn pool_group<'a>(registry: &Registry, input: &Members<'a>) -> Read<(crate::UserPool, &'a str)> {
    let name = input.str("GroupName")?;
    let pool_id = input.str("UserPoolId")?;
    input.finish()?;
    Ok((registry.pool(pool_id)?, name))
}

/// `GetGroup`.
pub(super) fn get_group(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, name) = pool_group(registry, input)?;
    let group = pool.get_group(name)?;
    Ok(json!({ "Group": group_type(pool.id(), &group) }))
}

/// `DeleteGroup`.
pub(super) fn delete_group(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, name) = pool_group(registry, input)?;
    pool.delete_group(name)?;
    Ok(empty())
}

/// A page of groups: `Groups` always, `NextToken` when there is more.
fn groups_page(pool: &crate::UserPool, page: crate::GroupPage) -> Value {
    let mut out = json!({
        "Groups": page
            .groups
            .iter()
            .map(|g| group_type(pool.id(), g))
            .collect::<Vec<_>>(),
    });
    if let Some(t) = page.next_token {
        out["NextToken"] = json!(t);
    }
    out
}

/// `ListGroups`.
pub(super) fn list_groups(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let limit = limit(input)?;
    let next_token = input.opt_str("NextToken")?;
    input.finish()?;
    let pool = registry.pool(pool_id)?;
    let page = pool.list_groups(limit, next_token)?;
    Ok(groups_page(&pool, page))
}

/// The members of the two membership operations.
fn membership<'a>(
    registry: &Registry,
    input: &Members<'a>,
) -> Read<(crate::UserPool, &'a str, &'a str)> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let group = input.str("GroupName")?;
    input.finish()?;
    Ok((registry.pool(pool_id)?, username, group))
}

/// `AdminAddUserToGroup`.
pub(super) fn admin_add_user_to_group(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, username, group) = membership(registry, input)?;
    pool.admin_add_user_to_group(username, group)?;
    Ok(empty())
}

/// `AdminRemoveUserFromGroup`.
pub(super) fn admin_remove_user_from_group(
    registry: &Registry,
    input: &Members<'_>,
) -> Read<Value> {
    let (pool, username, group) = membership(registry, input)?;
    pool.admin_remove_user_from_group(username, group)?;
    Ok(empty())
}

/// `AdminListGroupsForUser`.
pub(super) fn admin_list_groups_for_user(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let username = input.str("Username")?;
    let pool_id = input.str("UserPoolId")?;
    let limit = limit(input)?;
    let next_token = input.opt_str("NextToken")?;
    input.finish()?;
    let pool = registry.pool(pool_id)?;
    let page = pool.admin_list_groups_for_user(username, limit, next_token)?;
    Ok(groups_page(&pool, page))
}

/// `ListUsersInGroup`: `Users` (`UserType`) always, `NextToken` when there is more.
pub(super) fn list_users_in_group(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let group = input.str("GroupName")?;
    let limit = limit(input)?;
    let next_token = input.opt_str("NextToken")?;
    input.finish()?;
    let page = registry
        .pool(pool_id)?
        .list_users_in_group(group, limit, next_token)?;
    let mut out = json!({ "Users": page.users.iter().map(user_type).collect::<Vec<_>>() });
    if let Some(t) = page.next_token {
        out["NextToken"] = json!(t);
    }
    Ok(out)
}
