//! Pool and app-client operations: `CreateUserPool`, `DescribeUserPool`,
//! `ListUserPools`, `UpdateUserPool`, `DeleteUserPool`, `AddCustomAttributes`,
//! `SetUserPoolMfaConfig`, `GetUserPoolMfaConfig`, the five app-client operations, the five resource-server operations (cognito-oauth.md §2.2) and the four user pool domain operations (§1.2–§1.4), the three tagging operations on a pool's ARN (cognito-protocol.md §4.2, §4.3, §7,
//! Appendix A).
//!
//! Every handler reads every member it implements, then calls
//! [`Input::finish`] itself before it changes anything, so a request with a
//! member the engine does not implement is refused whole.
//!
//! The request ↔ [`PoolConfig`](crate::config::PoolConfig) mapping is in `config`,
//! and public as [`pool_config_from_create_user_pool`], for Rust callers
//! who keep their pool definition in the JSON `aws cognito-idp
//! create-user-pool --cli-input-json` takes.

use serde_json::{Map, Value, json};

use super::Handler;
use crate::config::{create_config, update_config, with_custom_attributes};
use crate::error::Error;
use crate::json::{Failure, Members, Read, in_range};
use crate::registry::Registry;

mod clients;
mod describe;
mod domains;
mod mfa;
mod resource_servers;
mod tags;

/// The operations of this module.
pub(super) static HANDLERS: &[(&str, Handler)] = &[
    ("CreateUserPool", create_user_pool),
    ("DescribeUserPool", describe_user_pool),
    ("ListUserPools", list_user_pools),
    ("UpdateUserPool", update_user_pool),
    ("DeleteUserPool", delete_user_pool),
    ("AddCustomAttributes", add_custom_attributes),
    ("SetUserPoolMfaConfig", mfa::set_user_pool_mfa_config),
    ("GetUserPoolMfaConfig", mfa::get_user_pool_mfa_config),
    ("CreateUserPoolClient", clients::create_user_pool_client),
    ("DescribeUserPoolClient", clients::describe_user_pool_client),
    ("ListUserPoolClients", clients::list_user_pool_clients),
    ("UpdateUserPoolClient", clients::update_user_pool_client),
    ("DeleteUserPoolClient", clients::delete_user_pool_client),
    (
        "AddUserPoolClientSecret",
        clients::add_user_pool_client_secret,
    ),
    (
        "ListUserPoolClientSecrets",
        clients::list_user_pool_client_secrets,
    ),
    (
        "DeleteUserPoolClientSecret",
        clients::delete_user_pool_client_secret,
    ),
    (
        "CreateResourceServer",
        resource_servers::create_resource_server,
    ),
    (
        "DescribeResourceServer",
        resource_servers::describe_resource_server,
    ),
    (
        "ListResourceServers",
        resource_servers::list_resource_servers,
    ),
    (
        "UpdateResourceServer",
        resource_servers::update_resource_server,
    ),
    (
        "DeleteResourceServer",
        resource_servers::delete_resource_server,
    ),
    ("CreateUserPoolDomain", domains::create_user_pool_domain),
    ("DescribeUserPoolDomain", domains::describe_user_pool_domain),
    ("UpdateUserPoolDomain", domains::update_user_pool_domain),
    ("DeleteUserPoolDomain", domains::delete_user_pool_domain),
    ("TagResource", tags::tag_resource),
    ("UntagResource", tags::untag_resource),
    ("ListTagsForResource", tags::list_tags_for_resource),
];

/// The largest page `ListUserPools` returns (model `PoolQueryLimitType`).
const MAX_POOLS_PAGE: i64 = 60;

fn create_user_pool(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let config = create_config(input)?;
    input.finish()?;
    let pool = r.create_pool(config)?;
    Ok(json!({"UserPool": describe::user_pool(r, &pool)?}))
}

fn describe_user_pool(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    Ok(json!({"UserPool": describe::user_pool(r, &pool)?}))
}

/// `ListUserPools`: pools in id order, `MaxResults` (required, 1–60) at a time.
fn list_user_pools(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let limit = input
        .opt_i64("MaxResults")?
        .ok_or_else(|| input.missing("MaxResults"))?;
    let limit = in_range("MaxResults", limit, 1, MAX_POOLS_PAGE)? as usize;
    let after = input.opt_str("NextToken")?.map(resume_after).transpose()?;
    let mut pools: Vec<_> = r
        .pools()?
        .into_iter()
        .filter(|p| after.as_deref().is_none_or(|a| p.id() > a))
        .take(limit + 1)
        .collect();
    let more = pools.len() > limit;
    pools.truncate(limit);
    let mut out = Map::new();
    out.insert(
        "UserPools".into(),
        pools.iter().map(|p| describe::description(r, p)).collect(),
    );
    if more && let Some(last) = pools.last() {
        out.insert("NextToken".into(), json!(page_token(last.id())));
    }
    Ok(Value::Object(out))
}

/// `UpdateUserPool`: see [`config::update_config`] for what changes (every
/// changeable member left out returns to its default, as in Cognito).
fn update_user_pool(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    r.reconfigure(id, |current| {
        let next = update_config(input, current)?;
        input.finish()?;
        Ok::<_, Failure>(next)
    })?;
    Ok(json!({}))
}

/// `DeleteUserPool`: refused while deletion protection is `ACTIVE` or
/// the pool has a domain (see [`Registry::delete_pool`]).
fn delete_user_pool(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    input.finish()?;
    r.delete_pool(id)?;
    Ok(json!({}))
}

fn add_custom_attributes(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    r.reconfigure(id, |current| {
        let next = with_custom_attributes(input, current)?;
        input.finish()?;
        Ok::<_, Failure>(next)
    })?;
    Ok(json!({}))
}

/// The pagination token of a listing that stopped after `last` (an id).
fn page_token(last: &str) -> String {
    format!("{TOKEN_PREFIX}{}", crate::hex::encode(last.as_bytes()))
}

/// The id a pagination token resumes after.
fn resume_after(token: &str) -> Result<String, Error> {
    token
        .strip_prefix(TOKEN_PREFIX)
        .and_then(crate::hex::decode)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Error::invalid_parameter("Invalid pagination token."))
}

const TOKEN_PREFIX: &str = "p1.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip_and_refuse_garbage() {
        assert_eq!(
            resume_after(&page_token("us-east-1_Ab")).ok().as_deref(),
            Some("us-east-1_Ab")
        );
        for bad in ["", "p1.zz", "x", "p1.f"] {
            assert!(resume_after(bad).is_err(), "{bad}");
        }
    }
}
