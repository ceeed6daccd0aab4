//! Pool and app-client operations: `CreateUserPool`, `DescribeUserPool`,
//! `ListUserPools`, `UpdateUserPool`, `DeleteUserPool`, `AddCustomAttributes`
//! and the five app-client operations (cognito-protocol.md §4.2, §4.3, §7,
//! Appendix A).
//!
//! Every handler reads every member it implements, then calls
//! [`Input::finish`] itself before it changes anything, so a request with a
//! member the engine does not implement is refused whole.
//!
//! The request ↔ [`PoolConfig`](crate::PoolConfig) mapping is in `config`,
//! and public as [`pool_config_from_create_user_pool`], for Rust callers
//! who keep their pool definition in the JSON `aws cognito-idp
//! create-user-pool --cli-input-json` takes.

use serde_json::{Map, Value, json};

use super::{Handler, Input, Registry};
use crate::error::Result;

mod clients;
mod config;
mod describe;
mod json;

pub use config::pool_config_from_create_user_pool;

/// The JSON of the `CreateUserPool` request that creates a pool configured
/// exactly as `config`: what [`pool_config_from_create_user_pool`] reads
/// back into an equal configuration. The registry persists pools in this
/// form.
#[must_use]
pub fn pool_config_to_create_user_pool(config: &crate::PoolConfig) -> String {
    describe::create_request(config).to_string()
}

/// The operations of this module.
pub(super) static HANDLERS: &[(&str, Handler)] = &[
    ("CreateUserPool", create_user_pool),
    ("DescribeUserPool", describe_user_pool),
    ("ListUserPools", list_user_pools),
    ("UpdateUserPool", update_user_pool),
    ("DeleteUserPool", delete_user_pool),
    ("AddCustomAttributes", add_custom_attributes),
    ("CreateUserPoolClient", clients::create_user_pool_client),
    ("DescribeUserPoolClient", clients::describe_user_pool_client),
    ("ListUserPoolClients", clients::list_user_pool_clients),
    ("UpdateUserPoolClient", clients::update_user_pool_client),
    ("DeleteUserPoolClient", clients::delete_user_pool_client),
];

/// The largest page `ListUserPools` returns (model `PoolQueryLimitType`).
const MAX_POOLS_PAGE: i64 = 60;

fn create_user_pool(r: &Registry, input: &Input<'_>) -> Result<Value> {
    let config = config::create_config(input)?;
    input.finish()?;
    let pool = r.create_pool(config)?;
    Ok(json!({"UserPool": describe::user_pool(r, &pool)?}))
}

fn describe_user_pool(r: &Registry, input: &Input<'_>) -> Result<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    Ok(json!({"UserPool": describe::user_pool(r, &pool)?}))
}

/// `ListUserPools`: pools in id order, `MaxResults` (required, 1–60) at a time.
fn list_user_pools(r: &Registry, input: &Input<'_>) -> Result<Value> {
    let limit = input
        .opt_i64("MaxResults")?
        .ok_or_else(|| super::missing("MaxResults"))?;
    let limit = json::in_range("MaxResults", limit, 1, MAX_POOLS_PAGE)? as usize;
    let after = input
        .opt_str("NextToken")?
        .map(json::resume_after)
        .transpose()?;
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
        out.insert("NextToken".into(), json!(json::page_token(last.id())));
    }
    Ok(Value::Object(out))
}

/// `UpdateUserPool`: see [`config::update_config`] for what changes (every
/// changeable member left out returns to its default, as in Cognito).
fn update_user_pool(r: &Registry, input: &Input<'_>) -> Result<Value> {
    let id = input.str("UserPoolId")?;
    r.reconfigure(id, |current| {
        let next = config::update_config(input, current)?;
        input.finish()?;
        Ok(next)
    })?;
    Ok(json!({}))
}

/// `DeleteUserPool`. Deletion protection is never on, so it always
/// proceeds; the users stay in the store (see [`Registry::delete_pool`]).
fn delete_user_pool(r: &Registry, input: &Input<'_>) -> Result<Value> {
    let id = input.str("UserPoolId")?;
    input.finish()?;
    r.delete_pool(id)?;
    Ok(json!({}))
}

fn add_custom_attributes(r: &Registry, input: &Input<'_>) -> Result<Value> {
    let id = input.str("UserPoolId")?;
    r.reconfigure(id, |current| {
        let next = config::with_custom_attributes(input, current)?;
        input.finish()?;
        Ok(next)
    })?;
    Ok(json!({}))
}
