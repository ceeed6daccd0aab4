//! `TagResource`, `UntagResource` and `ListTagsForResource` on a user
//! pool's ARN, `arn:aws:cognito-idp:<region>:<ACCOUNT_ID>:userpool/<id>`
//! (the `Arn` of `DescribeUserPool`). The tag rules are the
//! configuration's ([`check_tags`](crate::config::check_tags)); this
//! module reads members, finds the pool and shapes answers.
//!
//! An ARN that is not a user pool ARN is `InvalidParameterException`
//! `<arn> is not a valid user pool ARN.` (**Choice**: AWS does not
//! document the text); a well-formed ARN naming no pool of this account
//! and region is `ResourceNotFoundException` `User pool <id> does not
//! exist.`, as `DescribeUserPool` words it.

use serde_json::{Value, json};

use crate::config::{ACCOUNT_ID, check_tag_key};
use crate::error::{Error, ErrorCode};
use crate::json::{Failure, Members, Read, truncate};
use crate::registry::Registry;

/// The pool id `ResourceArn` names, checked against the pool's region (its
/// id's prefix) and the account.
fn pool_id(input: &Members<'_>) -> Read<String> {
    let arn = input.str("ResourceArn")?;
    let malformed = || {
        Failure::from(Error::invalid_parameter(format!(
            "{} is not a valid user pool ARN.",
            truncate(arn, 2048)
        )))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return Err(malformed());
    };
    let Some(id) = resource.strip_prefix("userpool/") else {
        return Err(malformed());
    };
    if prefix != "arn"
        || partition != "aws"
        || service != "cognito-idp"
        || region.is_empty()
        || account.is_empty()
        || id.is_empty()
    {
        return Err(malformed());
    }
    let id_region = id.split_once('_').map(|(r, _)| r);
    if account != ACCOUNT_ID || id_region != Some(region) {
        return Err(Error::new(
            ErrorCode::ResourceNotFound,
            format!("User pool {} does not exist.", truncate(id, 64)),
        )
        .into());
    }
    Ok(id.to_owned())
}

/// `TagResource`: `Tags` added to the pool's, a key given again taking
/// the new value.
pub(super) fn tag_resource(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = pool_id(input)?;
    let tags = input
        .opt_str_map("Tags")?
        .ok_or_else(|| input.missing("Tags"))?;
    input.finish()?;
    r.reconfigure(&id, |current| {
        let mut all = current.tags().clone();
        all.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        current.to_builder().tags(all).build()
    })?;
    Ok(json!({}))
}

/// `UntagResource`: the `TagKeys` removed (a key the pool does not have is
/// ignored).
pub(super) fn untag_resource(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = pool_id(input)?;
    let keys = input.string_list("TagKeys")?;
    for key in &keys {
        check_tag_key(key)?;
    }
    input.finish()?;
    r.reconfigure(&id, |current| {
        let mut all = current.tags().clone();
        for key in &keys {
            all.remove(key);
        }
        current.to_builder().tags(all).build()
    })?;
    Ok(json!({}))
}

/// `ListTagsForResource`: `{"Tags": {...}}`, `{}` for a pool without tags.
pub(super) fn list_tags_for_resource(r: &Registry, input: &Members<'_>) -> Read<Value> {
    let id = pool_id(input)?;
    input.finish()?;
    let pool = r.pool(&id)?;
    Ok(json!({"Tags": pool.config().tags()}))
}
