//! App-client operations: `CreateUserPoolClient`, `DescribeUserPoolClient`,
//! `ListUserPoolClients`, `UpdateUserPoolClient`, `DeleteUserPoolClient`
//! (cognito-protocol.md §4.3, Appendix A).
//!
//! The OAuth members (cognito-oauth.md §3.1) are read here and checked by
//! the engine (`AppClientConfigBuilder::build` and the pool, §3.2); the
//! analytics members are accepted only empty or `false`, and any other
//! value is refused by name.

use std::time::Duration;

use serde_json::{Map, Value, json};

use super::super::timestamp;
use super::{page_token, resume_after};
use crate::client::{
    AppClient, AppClientConfig, AppClientConfigBuilder, AuthFlow, ClientSecret,
    ClientSecretDescriptor, OAuthFlow, PreventUserExistenceErrors, RefreshTokenRotation, TokenUnit,
    TokenValidity, TokenValidityUnits,
};
use crate::json::{Failure, Members, Read, in_range, is_empty, not_in_enum, unsupported};
use crate::registry::Registry;

/// Members that only configure analytics and context-data propagation,
/// accepted only when they turn nothing on.
const UNSUPPORTED_MEMBERS: [&str; 2] = [
    "AnalyticsConfiguration",
    "EnablePropagateAdditionalUserContextData",
];

/// The largest page `ListUserPoolClients` returns (model `QueryLimit`).
const MAX_PAGE: i64 = 60;

pub(super) fn create_user_pool_client(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    let mut builder = AppClientConfig::builder(input.str("ClientName")?);
    if let Some(yes) = input.opt_bool("GenerateSecret")? {
        builder = builder.generate_secret(yes);
    }
    if let Some(secret) = input.opt_str("ClientSecret")? {
        builder = builder.client_secret(ClientSecret::new(secret));
    }
    let config = settings(builder, input)?.build()?;
    input.finish()?;
    let client = pool.create_user_pool_client(config)?;
    Ok(json!({"UserPoolClient": client_json(pool.id(), &client)}))
}

pub(super) fn describe_user_pool_client(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    let client = pool.describe_user_pool_client(input.str("ClientId")?)?;
    Ok(json!({"UserPoolClient": client_json(pool.id(), &client)}))
}

pub(super) fn list_user_pool_clients(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    let limit = match input.opt_i64("MaxResults")? {
        Some(n) => in_range("MaxResults", n, 1, MAX_PAGE)? as usize,
        None => MAX_PAGE as usize,
    };
    let after = input.opt_str("NextToken")?.map(resume_after).transpose()?;
    let mut clients: Vec<AppClient> = pool
        .list_user_pool_clients()?
        .into_iter()
        .filter(|c| after.as_deref().is_none_or(|a| c.id() > a))
        .take(limit + 1)
        .collect();
    let more = clients.len() > limit;
    clients.truncate(limit);
    let mut out = Map::new();
    out.insert(
        "UserPoolClients".into(),
        clients
            .iter()
            .map(|c| {
                json!({
                    "ClientId": c.id(),
                    "UserPoolId": pool.id(),
                    "ClientName": c.config().name(),
                })
            })
            .collect(),
    );
    if more && let Some(last) = clients.last() {
        out.insert("NextToken".into(), json!(page_token(last.id())));
    }
    Ok(Value::Object(out))
}

/// `UpdateUserPoolClient`. As in Cognito, a setting left out returns to its
/// default; the id, the secret and the creation date stay, and so does the
/// name unless `ClientName` is given.
pub(super) fn update_user_pool_client(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    let id = input.str("ClientId")?;
    let current = pool.describe_user_pool_client(id)?;
    let name = input
        .opt_str("ClientName")?
        .unwrap_or(current.config().name());
    let builder =
        AppClientConfig::builder(name).generate_secret(current.config().generate_secret());
    let config = settings(builder, input)?.build()?;
    input.finish()?;
    let client = pool.update_user_pool_client(id, config)?;
    Ok(json!({"UserPoolClient": client_json(pool.id(), &client)}))
}

pub(super) fn delete_user_pool_client(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    let id = input.str("ClientId")?;
    input.finish()?;
    pool.delete_user_pool_client(id)?;
    Ok(json!({}))
}

/// `AddUserPoolClientSecret`. As the model documents, `ClientSecretValue`
/// is in the answer only when the secret was generated here, not when the
/// caller gave it.
pub(super) fn add_user_pool_client_secret(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    let id = input.str("ClientId")?;
    let given = input.opt_str("ClientSecret")?.map(ClientSecret::new);
    input.finish()?;
    let generated = given.is_none();
    let added = pool.add_user_pool_client_secret(id, given)?;
    let mut out = secret_json(&added);
    if generated && let Value::Object(m) = &mut out {
        m.insert(
            "ClientSecretValue".into(),
            json!(added.secret().expose_secret()),
        );
    }
    Ok(json!({"ClientSecretDescriptor": out}))
}

/// `ListUserPoolClientSecrets`: every secret's id and creation date, never
/// its value. A client has at most two, so there is one page and no
/// `NextToken` in the answer; a `NextToken` given is accepted and ignored.
pub(super) fn list_user_pool_client_secrets(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    let id = input.str("ClientId")?;
    let _ = input.opt_str("NextToken")?;
    input.finish()?;
    let secrets = pool.list_user_pool_client_secrets(id)?;
    Ok(json!({"ClientSecrets": secrets.iter().map(secret_json).collect::<Vec<_>>()}))
}

/// `DeleteUserPoolClientSecret`.
pub(super) fn delete_user_pool_client_secret(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool = r.pool(input.str("UserPoolId")?)?;
    let id = input.str("ClientId")?;
    let secret_id = input.str("ClientSecretId")?;
    input.finish()?;
    pool.delete_user_pool_client_secret(id, secret_id)?;
    Ok(json!({}))
}

/// A `ClientSecretDescriptorType` without its value.
fn secret_json(s: &ClientSecretDescriptor) -> Value {
    json!({
        "ClientSecretId": s.id(),
        "ClientSecretCreateDate": timestamp(s.created_at()),
    })
}

/// The members `CreateUserPoolClient` and `UpdateUserPoolClient` share.
fn settings(
    mut builder: AppClientConfigBuilder,
    input: &Members<'_>,
) -> Read<AppClientConfigBuilder> {
    for member in UNSUPPORTED_MEMBERS {
        if input.value(member).is_some_and(|v| !is_empty(v)) {
            return Err(unsupported(member).into());
        }
    }
    if let Some(flows) = input.opt_str_list("ExplicitAuthFlows")? {
        builder = builder.explicit_auth_flows(AuthFlow::parse_list(&flows)?);
    }
    builder = builder.token_validity(token_validity(input)?);
    if let Some(names) = input.opt_str_list("ReadAttributes")? {
        builder = builder.read_attributes(names);
    }
    if let Some(names) = input.opt_str_list("WriteAttributes")? {
        builder = builder.write_attributes(names);
    }
    if let Some(value) = input.opt_str("PreventUserExistenceErrors")? {
        builder = builder.prevent_user_existence_errors(PreventUserExistenceErrors::parse(value)?);
    }
    if let Some(yes) = input.opt_bool("EnableTokenRevocation")? {
        builder = builder.enable_token_revocation(yes);
    }
    if let Some(minutes) = input.opt_i64("AuthSessionValidity")? {
        builder = builder.auth_session_validity(in_range("AuthSessionValidity", minutes, 3, 15)?);
    }
    if let Some(yes) = input.opt_bool("AllowedOAuthFlowsUserPoolClient")? {
        builder = builder.allowed_oauth_flows_user_pool_client(yes);
    }
    if let Some(flows) = input.opt_str_list("AllowedOAuthFlows")? {
        builder = builder.allowed_oauth_flows(OAuthFlow::parse_list(&flows)?);
    }
    if let Some(scopes) = input.opt_string_list("AllowedOAuthScopes")? {
        builder = builder.allowed_oauth_scopes(scopes);
    }
    if let Some(urls) = input.opt_string_list("CallbackURLs")? {
        builder = builder.callback_urls(urls);
    }
    if let Some(urls) = input.opt_string_list("LogoutURLs")? {
        builder = builder.logout_urls(urls);
    }
    if let Some(url) = input.opt_str("DefaultRedirectURI")? {
        builder = builder.default_redirect_uri(url);
    }
    if let Some(names) = input.opt_string_list("SupportedIdentityProviders")? {
        builder = builder.supported_identity_providers(names);
    }
    if let Some(value) = input.value("RefreshTokenRotation") {
        let m = Members::new("RefreshTokenRotation", value)?;
        let enabled = match m.str("Feature")? {
            "ENABLED" => true,
            "DISABLED" => false,
            other => {
                return Err(not_in_enum(
                    "RefreshTokenRotation.Feature",
                    other,
                    &["ENABLED", "DISABLED"],
                )
                .into());
            }
        };
        let grace = m.opt_u32("RetryGracePeriodSeconds")?.unwrap_or(0);
        m.finish()?;
        builder = builder.refresh_token_rotation(RefreshTokenRotation::new(enabled, grace)?);
    }
    Ok(builder)
}

/// The three validity members and their units.
fn token_validity(input: &Members<'_>) -> Read<TokenValidity> {
    let value = |member: &str, min: i64| -> Read<Option<u32>> {
        input
            .opt_i64(member)?
            .map(|v| in_range(member, v, min, i64::from(u32::MAX)))
            .transpose()
            .map_err(Failure::from)
    };
    let access = value("AccessTokenValidity", 1)?;
    let id = value("IdTokenValidity", 1)?;
    let refresh = value("RefreshTokenValidity", 0)?;
    let mut units = TokenValidityUnits::default();
    if let Some(value) = input.value("TokenValidityUnits") {
        let m = Members::new("TokenValidityUnits", value)?;
        let unit = |member: &str| -> Read<Option<TokenUnit>> {
            Ok(m.opt_str(member)?.map(TokenUnit::parse).transpose()?)
        };
        units.access_token = unit("AccessToken")?;
        units.id_token = unit("IdToken")?;
        units.refresh_token = unit("RefreshToken")?;
        m.finish()?;
    }
    Ok(TokenValidity::from_api(access, id, refresh, units)?)
}

/// `UserPoolClientType`.
///
/// The OAuth lists and `DefaultRedirectURI` are left out when empty, as
/// Cognito leaves out absent members; `AllowedOAuthFlowsUserPoolClient` is
/// always there. They are echoed whether the switch is on or off.
///
/// Validities are reported in the units they were given in (minutes for
/// access and ID tokens, days for refresh tokens when none was given), with
/// the matching `TokenValidityUnits`.
pub(super) fn client_json(pool_id: &str, client: &AppClient) -> Value {
    let config = client.config();
    let validity = config.token_validity();
    let units = validity.units();
    let (access, access_unit) = in_unit(
        validity.access_token(),
        units.access_token.unwrap_or(TokenUnit::Minutes),
    );
    let (id, id_unit) = in_unit(
        validity.id_token(),
        units.id_token.unwrap_or(TokenUnit::Minutes),
    );
    let (refresh, refresh_unit) = in_unit(
        validity.refresh_token(),
        units.refresh_token.unwrap_or(TokenUnit::Days),
    );
    let rotation = config.refresh_token_rotation();
    let mut out = Map::new();
    out.insert("UserPoolId".into(), json!(pool_id));
    out.insert("ClientName".into(), json!(config.name()));
    out.insert("ClientId".into(), json!(client.id()));
    if let Some(secret) = client.secret() {
        out.insert("ClientSecret".into(), json!(secret.expose_secret()));
    }
    out.insert("LastModifiedDate".into(), timestamp(client.modified_at()));
    out.insert("CreationDate".into(), timestamp(client.created_at()));
    out.insert("RefreshTokenValidity".into(), json!(refresh));
    out.insert("AccessTokenValidity".into(), json!(access));
    out.insert("IdTokenValidity".into(), json!(id));
    out.insert(
        "TokenValidityUnits".into(),
        json!({
            "AccessToken": access_unit.as_str(),
            "IdToken": id_unit.as_str(),
            "RefreshToken": refresh_unit.as_str(),
        }),
    );
    if let Some(names) = config.read_attributes() {
        out.insert("ReadAttributes".into(), json!(names));
    }
    if let Some(names) = config.write_attributes() {
        out.insert("WriteAttributes".into(), json!(names));
    }
    out.insert(
        "ExplicitAuthFlows".into(),
        config
            .explicit_auth_flows()
            .iter()
            .map(|f| json!(f.as_str()))
            .collect(),
    );
    for (member, list) in [
        (
            "SupportedIdentityProviders",
            config.supported_identity_providers(),
        ),
        ("CallbackURLs", config.callback_urls()),
        ("LogoutURLs", config.logout_urls()),
    ] {
        if !list.is_empty() {
            out.insert(member.into(), json!(list));
        }
    }
    if let Some(url) = config.default_redirect_uri() {
        out.insert("DefaultRedirectURI".into(), json!(url));
    }
    if !config.allowed_oauth_flows().is_empty() {
        out.insert(
            "AllowedOAuthFlows".into(),
            config
                .allowed_oauth_flows()
                .iter()
                .map(|f| json!(f.as_str()))
                .collect(),
        );
    }
    if !config.allowed_oauth_scopes().is_empty() {
        out.insert(
            "AllowedOAuthScopes".into(),
            json!(config.allowed_oauth_scopes()),
        );
    }
    out.insert(
        "AllowedOAuthFlowsUserPoolClient".into(),
        json!(config.allowed_oauth_flows_user_pool_client()),
    );
    out.insert(
        "PreventUserExistenceErrors".into(),
        json!(config.prevent_user_existence_errors().as_str()),
    );
    out.insert(
        "EnableTokenRevocation".into(),
        json!(config.enable_token_revocation()),
    );
    out.insert(
        "EnablePropagateAdditionalUserContextData".into(),
        json!(false),
    );
    out.insert(
        "AuthSessionValidity".into(),
        json!(config.auth_session_validity_minutes()),
    );
    out.insert(
        "RefreshTokenRotation".into(),
        json!({
            "Feature": if rotation.is_enabled() { "ENABLED" } else { "DISABLED" },
            "RetryGracePeriodSeconds": rotation.retry_grace_period().as_secs(),
        }),
    );
    Value::Object(out)
}

/// `d` as a whole number of `preferred` units, or of the largest smaller
/// unit that expresses it exactly.
fn in_unit(d: Duration, preferred: TokenUnit) -> (u64, TokenUnit) {
    const LARGEST_FIRST: [TokenUnit; 4] = [
        TokenUnit::Days,
        TokenUnit::Hours,
        TokenUnit::Minutes,
        TokenUnit::Seconds,
    ];
    let secs = d.as_secs();
    LARGEST_FIRST
        .into_iter()
        .skip_while(|u| *u != preferred)
        .map(|u| (u, u.duration(1).as_secs()))
        .find(|(_, unit)| secs.is_multiple_of(*unit))
        .map_or((secs, TokenUnit::Seconds), |(u, unit)| (secs / unit, u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validities_keep_the_preferred_unit_when_exact() {
        let m = |n: u64| Duration::from_secs(n * 60);
        assert_eq!(in_unit(m(60), TokenUnit::Minutes), (60, TokenUnit::Minutes));
        assert_eq!(
            in_unit(Duration::from_secs(301), TokenUnit::Minutes),
            (301, TokenUnit::Seconds)
        );
        assert_eq!(
            in_unit(m(30 * 1440), TokenUnit::Days),
            (30, TokenUnit::Days)
        );
        assert_eq!(in_unit(m(60), TokenUnit::Days), (1, TokenUnit::Hours));
        assert_eq!(in_unit(m(90), TokenUnit::Days), (90, TokenUnit::Minutes));
    }
}
