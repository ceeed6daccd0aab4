//! A pool as `DescribeUserPool` (`UserPoolType`) and `ListUserPools`
//! (`UserPoolDescriptionType`) report it (cognito-protocol.md §4.2, §7.1).
//!
//! Optional members the pool does not have (no aliases, no recovery
//! setting) are left out, as Cognito leaves them out.

use serde_json::{Map, Value, json};

use super::super::timestamp;
use crate::config::ACCOUNT_ID;
use crate::config::{config_members, lambda_config_json};
use crate::json::Read;
use crate::registry::Registry;
use crate::{ListUsersRequest, UserPool};

/// `UserPoolType` for `pool`.
pub(super) fn user_pool(registry: &Registry, pool: &UserPool) -> Read<Value> {
    let id = pool.id();
    let region = id
        .split_once('_')
        .map_or(registry.options().region.as_str(), |(region, _)| region);
    let (created, modified) = registry.pool_dates(id);
    let config = pool.config();
    let mut out = Map::new();
    out.insert("Id".into(), json!(id));
    out.insert("Name".into(), json!(config.name()));
    out.insert(
        "Arn".into(),
        json!(format!(
            "arn:aws:cognito-idp:{region}:{ACCOUNT_ID}:userpool/{id}"
        )),
    );
    out.insert("EstimatedNumberOfUsers".into(), json!(count_users(pool)?));
    out.insert("CreationDate".into(), timestamp(created));
    out.insert("LastModifiedDate".into(), timestamp(modified));
    out.extend(config_members(&config));
    // cognito-oauth.md §1.1: the prefix as `Domain`, the host name as
    // `CustomDomain`.
    if let Some(d) = config.prefix_domain() {
        out.insert("Domain".into(), json!(d.domain));
    }
    if let Some(d) = config.custom_domain() {
        out.insert("CustomDomain".into(), json!(d.domain));
    }
    Ok(Value::Object(out))
}

/// `UserPoolDescriptionType` for `pool`.
pub(super) fn description(registry: &Registry, pool: &UserPool) -> Value {
    let (created, modified) = registry.pool_dates(pool.id());
    let config = pool.config();
    json!({
        "Id": pool.id(),
        "Name": config.name(),
        "LambdaConfig": lambda_config_json(config.lambda_config()),
        "CreationDate": timestamp(created),
        "LastModifiedDate": timestamp(modified),
    })
}

/// Every user of the pool, one `ListUsers` page at a time.
fn count_users(pool: &UserPool) -> Read<usize> {
    let mut count = 0;
    let mut token = None;
    loop {
        let page = pool.list_users(ListUsersRequest {
            limit: Some(60),
            pagination_token: token,
            ..ListUsersRequest::default()
        })?;
        count += page.users.len();
        match page.pagination_token {
            Some(next) => token = Some(next),
            None => return Ok(count),
        }
    }
}
