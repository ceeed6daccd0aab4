//! The four user pool domain operations (cognito-oauth.md §1.2–§1.4):
//! `CreateUserPoolDomain`, `DescribeUserPoolDomain`, `UpdateUserPoolDomain`
//! and `DeleteUserPoolDomain`. The rules are the engine's
//! ([`Registry::create_user_pool_domain`] and its siblings,
//! [`PoolDomain::validate`](crate::config::PoolDomain::validate)); this
//! module reads members and shapes answers.

use serde_json::{Map, Value, json};

use crate::config::ACCOUNT_ID;
use crate::config::{
    DomainKind, PoolDomain, custom_domain_config_json, managed_login_version,
    read_custom_domain_config,
};
use crate::json::{Members, Read};
use crate::registry::Registry;

/// The CloudFront distribution of prefix domains in us-east-1, observed
/// unchanged from 2017 to 2025 (§1.3).
const US_EAST_1_DISTRIBUTION: &str = "d3oia8etllorh5.cloudfront.net";

/// `S3Bucket` of prefix domains in the three regions where it was observed
/// (§1.3); elsewhere the member is left out.
fn s3_bucket(region: &str) -> Option<&'static str> {
    match region {
        "us-east-1" => Some("aws-cognito-prod-iad-assets"),
        "us-west-2" => Some("aws-cognito-prod-pdx-assets"),
        "ap-northeast-1" => Some("aws-cognito-prod-nrt-assets"),
        _ => None,
    }
}

/// A stable `d<13 characters>.cloudfront.net` derived from `seed`
/// (**Choice**, §1.3).
fn derived_distribution(seed: &str) -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let digest = ring::digest::digest(&ring::digest::SHA256, seed.as_bytes());
    let name: String = digest
        .as_ref()
        .iter()
        .take(13)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("d{name}.cloudfront.net")
}

/// The CloudFront host name of `domain` in `region`: the observed constant
/// for prefix domains in us-east-1, else derived from the region (prefix
/// domains share one distribution per region) or the custom host name.
fn cloudfront(domain: &PoolDomain, region: &str) -> String {
    match (&domain.kind, region) {
        (DomainKind::Prefix, "us-east-1") => US_EAST_1_DISTRIBUTION.to_owned(),
        (DomainKind::Prefix, _) => derived_distribution(&format!("prefix:{region}")),
        (DomainKind::Custom { .. }, _) => {
            derived_distribution(&format!("custom:{}", domain.domain))
        }
    }
}

/// The region of pool `id` (its id's prefix), or the registry's.
fn region<'a>(r: &'a Registry, id: &'a str) -> &'a str {
    id.split_once('_')
        .map_or(r.options().region.as_str(), |(region, _)| region)
}

/// What Create and Update answer: `ManagedLoginVersion`, and
/// `CloudFrontDomain` for a custom domain.
fn changed(r: &Registry, id: &str, domain: &PoolDomain) -> Value {
    let mut out = Map::new();
    out.insert(
        "ManagedLoginVersion".into(),
        json!(domain.managed_login_version),
    );
    if domain.is_custom() {
        out.insert(
            "CloudFrontDomain".into(),
            json!(cloudfront(domain, region(r, id))),
        );
    }
    Value::Object(out)
}

/// `ManagedLoginVersion` and `CustomDomainConfig` of a request.
fn read_settings(input: &Members<'_>) -> Read<(Option<u8>, Option<DomainKind>)> {
    let version = input
        .opt_i64("ManagedLoginVersion")?
        .map(managed_login_version)
        .transpose()?;
    let custom = input
        .opt_obj("CustomDomainConfig")?
        .map(|m| read_custom_domain_config(&m))
        .transpose()?;
    Ok((version, custom))
}

/// `CreateUserPoolDomain`: a prefix, or with `CustomDomainConfig` a
/// custom host name.
pub(super) fn create_user_pool_domain(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let name = input.str("Domain")?;
    let id = input.str("UserPoolId")?;
    let (version, custom) = read_settings(input)?;
    input.finish()?;
    let domain = PoolDomain::new(
        name,
        custom.unwrap_or(DomainKind::Prefix),
        version.unwrap_or(1),
    );
    let created = r.create_user_pool_domain(id, domain)?;
    Ok(changed(r, id, &created))
}

/// `UpdateUserPoolDomain`: the branding version and, for a custom domain,
/// the certificate.
pub(super) fn update_user_pool_domain(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let name = input.str("Domain")?;
    let id = input.str("UserPoolId")?;
    let (version, custom) = read_settings(input)?;
    input.finish()?;
    let updated = r.update_user_pool_domain(id, name, version, custom)?;
    Ok(changed(r, id, &updated))
}

/// `DeleteUserPoolDomain`.
pub(super) fn delete_user_pool_domain(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let name = input.str("Domain")?;
    let id = input.str("UserPoolId")?;
    input.finish()?;
    r.delete_user_pool_domain(id, name)?;
    Ok(json!({}))
}

/// `DescribeUserPoolDomain`: `{"DomainDescription": {}}` for a name no
/// pool has (**Choice**, §1.3, as MOTO: tools use the call as an
/// availability check).
pub(super) fn describe_user_pool_domain(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let name = input.str("Domain")?;
    input.finish()?;
    let Some((pool, domain)) = r.pool_of_domain(name)? else {
        return Ok(json!({"DomainDescription": {}}));
    };
    let id = pool.id();
    let region = region(r, id);
    let mut out = Map::new();
    out.insert("UserPoolId".into(), json!(id));
    // §1.3 chose the documentation's example account; the pool ARNs have
    // always used `ACCOUNT_ID`, and one account in every answer matters more.
    out.insert("AWSAccountId".into(), json!(ACCOUNT_ID));
    out.insert("Domain".into(), json!(domain.domain));
    if let Some(bucket) = s3_bucket(region) {
        out.insert("S3Bucket".into(), json!(bucket));
    }
    out.insert(
        "CloudFrontDistribution".into(),
        json!(cloudfront(&domain, region)),
    );
    out.insert("Version".into(), json!(domain.version));
    out.insert("Status".into(), json!("ACTIVE"));
    out.insert(
        "CustomDomainConfig".into(),
        custom_domain_config_json(&domain),
    );
    out.insert(
        "ManagedLoginVersion".into(),
        json!(domain.managed_login_version),
    );
    Ok(json!({"DomainDescription": Value::Object(out)}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_distributions_are_stable_and_well_formed() {
        let a = derived_distribution("custom:auth.example.com");
        assert_eq!(a, derived_distribution("custom:auth.example.com"));
        assert_ne!(a, derived_distribution("custom:auth.example.org"));
        let name = a.strip_suffix(".cloudfront.net").unwrap();
        assert_eq!(name.len(), 14);
        assert!(name.starts_with('d'));
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
    }
}
