//! The five resource-server operations (cognito-oauth.md §2.2):
//! `CreateResourceServer`, `DescribeResourceServer`, `ListResourceServers`,
//! `UpdateResourceServer` and `DeleteResourceServer`. The rules are the
//! configuration's ([`PoolConfig::with_new_resource_server`] and its
//! siblings); this module reads members and shapes answers.
//!
//! [`PoolConfig::with_new_resource_server`]: crate::config::PoolConfig::with_new_resource_server

use serde_json::{Map, Value, json};

use crate::config::{read_resource_server, resource_server_json};
use crate::error::Error;
use crate::json::{Members, Read, in_range};
use crate::registry::Registry;

/// The largest page `ListResourceServers` returns (model
/// `ListResourceServersLimitType`).
const MAX_PAGE: i64 = 50;

/// `{"ResourceServer": …}` for `identifier` of pool `id`, as stored now.
fn answer(r: &Registry, id: &str, identifier: &str) -> Read<Value> {
    let config = r.pool(id)?.config();
    let server = config.find_resource_server(id, identifier)?;
    Ok(json!({"ResourceServer": resource_server_json(id, server)}))
}

/// `CreateResourceServer`.
pub(super) fn create_resource_server(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    let server = read_resource_server(input)?;
    input.finish()?;
    r.create_resource_server(id, &server)?;
    answer(r, id, &server.identifier)
}

/// `UpdateResourceServer`: name and whole scope list replaced.
pub(super) fn update_resource_server(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    let server = read_resource_server(input)?;
    input.finish()?;
    r.update_resource_server(id, &server)?;
    answer(r, id, &server.identifier)
}

/// `DescribeResourceServer`.
pub(super) fn describe_resource_server(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    let identifier = input.str("Identifier")?;
    input.finish()?;
    answer(r, id, identifier)
}

/// `DeleteResourceServer`.
pub(super) fn delete_resource_server(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    let identifier = input.str("Identifier")?;
    input.finish()?;
    r.delete_resource_server(id, identifier)?;
    Ok(json!({}))
}

/// `ListResourceServers`: `MaxResults` (required, 1–50) at a time.
/// **Choice** (Cognito's order is unpublished): identifier order, the
/// token naming the last identifier shown, so a page never repeats or
/// skips a server created or deleted between calls.
pub(super) fn list_resource_servers(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = input.str("UserPoolId")?;
    let limit = input
        .opt_i64("MaxResults")?
        .ok_or_else(|| input.missing("MaxResults"))?;
    let limit = in_range("MaxResults", limit, 1, MAX_PAGE)? as usize;
    let after = input.opt_str("NextToken")?.map(resume_after).transpose()?;
    input.finish()?;
    let config = r.pool(id)?.config();
    let mut servers: Vec<_> = config
        .resource_servers()
        .iter()
        .filter(|s| after.as_deref().is_none_or(|a| s.identifier.as_str() > a))
        .collect();
    servers.sort_by(|a, b| a.identifier.cmp(&b.identifier));
    let more = servers.len() > limit;
    servers.truncate(limit);
    let mut out = Map::new();
    out.insert(
        "ResourceServers".into(),
        servers
            .iter()
            .map(|s| resource_server_json(id, s))
            .collect(),
    );
    if more && let Some(last) = servers.last() {
        out.insert("NextToken".into(), json!(page_token(&last.identifier)));
    }
    Ok(Value::Object(out))
}

const TOKEN_PREFIX: &str = "rs1.";

fn page_token(last: &str) -> String {
    format!("{TOKEN_PREFIX}{}", crate::hex::encode(last.as_bytes()))
}

/// The identifier a pagination token resumes after.
fn resume_after(token: &str) -> Result<String, Error> {
    token
        .strip_prefix(TOKEN_PREFIX)
        .and_then(crate::hex::decode)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Error::invalid_parameter("Invalid pagination token."))
}
