//! `LambdaConfig` and `UserPoolTier` as JSON members (cognito-triggers.md §5).

use serde_json::{Map, Value, json};

use crate::config::{LambdaConfig, LambdaVersion, UserPoolTier, VersionedLambda};
use crate::json::{Members, Read, not_in_enum};

/// The ARN-valued members, in the model's order.
const PLAIN: [&str; 10] = [
    "PreSignUp",
    "CustomMessage",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "PreTokenGeneration",
    "UserMigration",
];

/// The `{LambdaVersion, LambdaArn}` members and the versions the model
/// allows for each.
const VERSIONED: [(&str, &[&str]); 4] = [
    ("PreTokenGenerationConfig", &["V1_0", "V2_0", "V3_0"]),
    ("CustomSMSSender", &["V1_0"]),
    ("CustomEmailSender", &["V1_0"]),
    ("InboundFederation", &["V1_0"]),
];

fn plain_slot<'a>(config: &'a mut LambdaConfig, member: &str) -> Option<&'a mut Option<String>> {
    Some(match member {
        "PreSignUp" => &mut config.pre_sign_up,
        "CustomMessage" => &mut config.custom_message,
        "PostConfirmation" => &mut config.post_confirmation,
        "PreAuthentication" => &mut config.pre_authentication,
        "PostAuthentication" => &mut config.post_authentication,
        "DefineAuthChallenge" => &mut config.define_auth_challenge,
        "CreateAuthChallenge" => &mut config.create_auth_challenge,
        "VerifyAuthChallengeResponse" => &mut config.verify_auth_challenge_response,
        "PreTokenGeneration" => &mut config.pre_token_generation,
        "UserMigration" => &mut config.user_migration,
        _ => return None,
    })
}

fn versioned_slot<'a>(
    config: &'a mut LambdaConfig,
    member: &str,
) -> Option<&'a mut Option<VersionedLambda>> {
    Some(match member {
        "PreTokenGenerationConfig" => &mut config.pre_token_generation_config,
        "CustomSMSSender" => &mut config.custom_sms_sender,
        "CustomEmailSender" => &mut config.custom_email_sender,
        "InboundFederation" => &mut config.inbound_federation,
        _ => return None,
    })
}

/// The request's `LambdaConfig`; empty when it is left out (which, on
/// `UpdateUserPool`, removes every trigger). A member of the wrong JSON
/// type is malformed; a `LambdaVersion` outside the member's enum is the
/// model's violation; the values are validated by
/// [`PoolConfigBuilder::build`](crate::config::PoolConfigBuilder::build).
pub(super) fn read_lambda_config(input: &Members<'_>) -> Read<LambdaConfig> {
    let mut config = LambdaConfig::default();
    let Some(m) = Members::optional("LambdaConfig", input.value("LambdaConfig"))? else {
        return Ok(config);
    };
    for member in PLAIN {
        let value = m.opt_str(member)?.map(str::to_owned);
        if let Some(slot) = plain_slot(&mut config, member) {
            *slot = value;
        }
    }
    for (member, allowed) in VERSIONED {
        let Some(v) = m.opt_obj(member)? else {
            continue;
        };
        let name = v.str("LambdaVersion")?;
        let arn = v.str("LambdaArn")?;
        v.finish()?;
        // Any known version is read; one this member does not take is
        // refused with the same words by LambdaConfig's validation.
        let version = LambdaVersion::from_name(name)
            .ok_or_else(|| not_in_enum(&v.path_of("LambdaVersion"), name, allowed))?;
        if let Some(slot) = versioned_slot(&mut config, member) {
            *slot = Some(VersionedLambda::new(version, arn));
        }
    }
    config.kms_key_id = m.opt_str("KMSKeyID")?.map(str::to_owned);
    m.finish()?;
    Ok(config)
}

/// The request's `UserPoolTier`, if given.
pub(super) fn read_tier(input: &Members<'_>) -> Read<Option<UserPoolTier>> {
    const MEMBER: &str = "UserPoolTier";
    let Some(name) = input.opt_str(MEMBER)? else {
        return Ok(None);
    };
    UserPoolTier::from_name(name).map(Some).ok_or_else(|| {
        not_in_enum(MEMBER, name, &UserPoolTier::ALL.map(UserPoolTier::as_str)).into()
    })
}

/// `LambdaConfig` as `DescribeUserPool` reports it: the members set, `{}`
/// when none.
pub(crate) fn lambda_config_json(config: &LambdaConfig) -> Value {
    let mut out = Map::new();
    let mut copy = config.clone();
    for member in PLAIN {
        if let Some(Some(arn)) = plain_slot(&mut copy, member).map(|s| s.take()) {
            out.insert(member.into(), json!(arn));
        }
    }
    for (member, _) in VERSIONED {
        if let Some(Some(v)) = versioned_slot(&mut copy, member).map(|s| s.take()) {
            out.insert(
                member.into(),
                json!({"LambdaVersion": v.lambda_version.as_str(), "LambdaArn": v.lambda_arn}),
            );
        }
    }
    if let Some(key) = &config.kms_key_id {
        out.insert("KMSKeyID".into(), json!(key));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::read::update_config;
    use crate::config::{LambdaVersion, PoolConfig, UserPoolTier, VersionedLambda};
    use crate::json::{Members, parse_object};

    const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";
    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/k";

    /// A configuration holding triggers, which only the configuration layer
    /// can (the engine refuses it until it calls triggers).
    fn current() -> PoolConfig {
        PoolConfig::from_create_user_pool_json(
            &json!({
                "PoolName": "p",
                "UserPoolTier": "PLUS",
                "LambdaConfig": {
                    "PreSignUp": ARN,
                    "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": ARN},
                    "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": ARN},
                    "KMSKeyID": KEY,
                },
            })
            .to_string(),
        )
        .unwrap()
    }

    fn update(body: &serde_json::Value, current: &PoolConfig) -> PoolConfig {
        let map = parse_object(body.to_string().as_bytes()).unwrap();
        let members = Members::top(&map);
        update_config(&members, current).unwrap()
    }

    #[test]
    fn update_user_pool_replaces_the_lambda_config_and_keeps_the_plan() {
        let current = current();
        assert_eq!(current.lambda_config().triggers().len(), 4);

        let next = update(&json!({"UserPoolId": "x"}), &current);
        assert!(
            next.lambda_config().is_empty(),
            "omitted: every trigger goes"
        );
        assert_eq!(next.tier(), UserPoolTier::Plus, "omitted: the plan stays");

        let next = update(
            &json!({"UserPoolId": "x", "PoolName": "renamed",
                    "LambdaConfig": {"PreTokenGeneration": ARN}}),
            &current,
        );
        assert_eq!(next.tier(), UserPoolTier::Plus);
        let l = next.lambda_config();
        assert_eq!(l.pre_sign_up, None);
        assert_eq!(l.kms_key_id, None);
        assert_eq!(
            l.pre_token_generation_config,
            Some(VersionedLambda::new(LambdaVersion::V1_0, ARN))
        );

        // A downgrade to LITE with a V2_0 token trigger is refused.
        let map = parse_object(
            json!({"UserPoolId": "x", "UserPoolTier": "LITE",
                   "LambdaConfig": {"PreTokenGenerationConfig":
                       {"LambdaVersion": "V2_0", "LambdaArn": ARN}}})
            .to_string()
            .as_bytes(),
        )
        .unwrap();
        let refused = update_config(&Members::top(&map), &current);
        assert!(matches!(
            refused,
            Err(crate::json::Failure::Refused(e))
                if e.code() == crate::error::ErrorCode::FeatureUnavailableInTier
        ));
    }
}
