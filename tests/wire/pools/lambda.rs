//! `LambdaConfig` and `UserPoolTier` (cognito-triggers.md §5): every member
//! read, validated with Cognito's exceptions, echoed and written back; the
//! plan accepted, echoed and kept. The engine does not call triggers yet,
//! so a pool naming one is refused in one place (the pool builder and its
//! configuration changes); the full round trip is tested on `PoolConfig`.

use serde_json::{Value, json};
use userpool::config::{
    DefinitionError, LambdaConfig, LambdaVersion, PoolConfig, UserPoolTier, VersionedLambda,
};
use userpool::{ErrorCode, UserPool};

use crate::support::pools::quickstart_json;
use crate::support::wire::{Calls, World};

use super::with;

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:";
const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef";
const PATTERN: &str = "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?";

fn arn(name: &str) -> String {
    format!("{ARN}{name}")
}

/// Every member of the model's `LambdaConfigType`, set.
fn full_lambda_config() -> Value {
    json!({
        "PreSignUp": arn("pre-sign-up"),
        "CustomMessage": arn("custom-message"),
        "PostConfirmation": arn("post-confirmation"),
        "PreAuthentication": arn("pre-auth"),
        "PostAuthentication": arn("post-auth"),
        "DefineAuthChallenge": arn("define"),
        "CreateAuthChallenge": arn("create"),
        "VerifyAuthChallengeResponse": arn("verify"),
        "PreTokenGeneration": arn("tokens:live"),
        "UserMigration": arn("migrate"),
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("tokens:live")},
        "CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("sms")},
        "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("email")},
        "KMSKeyID": KEY,
        "InboundFederation": {"LambdaVersion": "V1_0", "LambdaArn": arn("federation")},
    })
}

fn definition(lambda: Value) -> Value {
    json!({"PoolName": "triggers", "LambdaConfig": lambda})
}

fn config_of(body: &Value) -> Result<PoolConfig, DefinitionError> {
    PoolConfig::from_create_user_pool_json(&body.to_string())
}

/// The error a well-formed definition is refused with.
fn refusal(body: &Value) -> userpool::Error {
    match config_of(body) {
        Err(DefinitionError::Invalid(e)) => e,
        other => panic!("{body}: expected a refusal, got {other:?}"),
    }
}

fn stored_lambda_config(config: &PoolConfig) -> Value {
    let stored: Value = serde_json::from_str(&config.to_create_user_pool_json()).unwrap();
    stored["LambdaConfig"].clone()
}

// ---------------------------------------------------------------------------
// The definition: every member, read and written back
// ---------------------------------------------------------------------------

#[test]
fn every_member_round_trips_through_the_definition_json() {
    let config = config_of(&definition(full_lambda_config())).unwrap();
    let l = config.lambda_config();
    assert_eq!(l.pre_sign_up.as_deref(), Some(arn("pre-sign-up").as_str()));
    assert_eq!(
        l.custom_message.as_deref(),
        Some(arn("custom-message").as_str())
    );
    assert_eq!(
        l.post_confirmation.as_deref(),
        Some(arn("post-confirmation").as_str())
    );
    assert_eq!(
        l.pre_authentication.as_deref(),
        Some(arn("pre-auth").as_str())
    );
    assert_eq!(
        l.post_authentication.as_deref(),
        Some(arn("post-auth").as_str())
    );
    assert_eq!(
        l.define_auth_challenge.as_deref(),
        Some(arn("define").as_str())
    );
    assert_eq!(
        l.create_auth_challenge.as_deref(),
        Some(arn("create").as_str())
    );
    assert_eq!(
        l.verify_auth_challenge_response.as_deref(),
        Some(arn("verify").as_str())
    );
    assert_eq!(
        l.pre_token_generation.as_deref(),
        Some(arn("tokens:live").as_str())
    );
    assert_eq!(l.user_migration.as_deref(), Some(arn("migrate").as_str()));
    assert_eq!(
        l.pre_token_generation_config,
        Some(VersionedLambda::new(
            LambdaVersion::V2_0,
            arn("tokens:live")
        ))
    );
    assert_eq!(
        l.custom_sms_sender,
        Some(VersionedLambda::new(LambdaVersion::V1_0, arn("sms")))
    );
    assert_eq!(
        l.custom_email_sender,
        Some(VersionedLambda::new(LambdaVersion::V1_0, arn("email")))
    );
    assert_eq!(l.kms_key_id.as_deref(), Some(KEY));
    assert_eq!(
        l.inbound_federation,
        Some(VersionedLambda::new(LambdaVersion::V1_0, arn("federation")))
    );
    assert_eq!(l.triggers().len(), 14, "every member but KMSKeyID");
    assert_eq!(config.tier(), UserPoolTier::Essentials);

    // Written back exactly as given, and read back equal.
    assert_eq!(stored_lambda_config(&config), full_lambda_config());
    let again = PoolConfig::from_create_user_pool_json(&config.to_create_user_pool_json()).unwrap();
    assert_eq!(again, config);

    // The builder makes the same configuration.
    let mut lambda = LambdaConfig::default();
    lambda.pre_sign_up = Some(arn("pre-sign-up"));
    lambda.custom_message = Some(arn("custom-message"));
    lambda.post_confirmation = Some(arn("post-confirmation"));
    lambda.pre_authentication = Some(arn("pre-auth"));
    lambda.post_authentication = Some(arn("post-auth"));
    lambda.define_auth_challenge = Some(arn("define"));
    lambda.create_auth_challenge = Some(arn("create"));
    lambda.verify_auth_challenge_response = Some(arn("verify"));
    lambda.user_migration = Some(arn("migrate"));
    lambda.pre_token_generation_config = Some(VersionedLambda::new(
        LambdaVersion::V2_0,
        arn("tokens:live"),
    ));
    lambda.custom_sms_sender = Some(VersionedLambda::new(LambdaVersion::V1_0, arn("sms")));
    lambda.custom_email_sender = Some(VersionedLambda::new(LambdaVersion::V1_0, arn("email")));
    lambda.kms_key_id = Some(KEY.to_owned());
    lambda.inbound_federation = Some(VersionedLambda::new(LambdaVersion::V1_0, arn("federation")));
    let built = PoolConfig::builder("triggers")
        .lambda_config(lambda)
        .build()
        .unwrap();
    assert_eq!(built, config);
}

#[test]
fn both_pre_token_generation_forms_are_kept_whenever_one_is_given() {
    // Legacy only: the versioned form is V1_0 of the same function.
    let config = config_of(&definition(json!({"PreTokenGeneration": arn("t")}))).unwrap();
    assert_eq!(
        stored_lambda_config(&config),
        json!({
            "PreTokenGeneration": arn("t"),
            "PreTokenGenerationConfig": {"LambdaVersion": "V1_0", "LambdaArn": arn("t")},
        })
    );
    // Versioned only: the legacy form names its function.
    let config = config_of(&definition(json!({
        "PreTokenGenerationConfig": {"LambdaVersion": "V3_0", "LambdaArn": arn("t")}
    })))
    .unwrap();
    assert_eq!(
        stored_lambda_config(&config),
        json!({
            "PreTokenGeneration": arn("t"),
            "PreTokenGenerationConfig": {"LambdaVersion": "V3_0", "LambdaArn": arn("t")},
        })
    );
    // Two different functions are refused.
    let e = refusal(&definition(json!({
        "PreTokenGeneration": arn("one"),
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("two")}
    })));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        e.message(),
        "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same function."
    );
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

#[test]
fn arns_are_checked_against_the_model_with_its_message() {
    let e = refusal(&definition(json!({"PreSignUp": "arn:x"})));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        e.message(),
        format!(
            "2 validation errors detected: Value 'arn:x' at 'lambdaConfig.preSignUp' failed to \
             satisfy constraint: Member must satisfy regular expression pattern: {PATTERN}; \
             Value 'arn:x' at 'lambdaConfig.preSignUp' failed to satisfy constraint: Member \
             must have length greater than or equal to 20"
        )
    );

    // Long enough, wrong shape (no account); nested members and KMSKeyID
    // are named by their model paths, every broken member listed.
    let bad = "arn:aws:lambda:us-east-1::function:f";
    let e = refusal(&definition(json!({
        "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": bad},
        "KMSKeyID": "arn:aws:kms:us-east-1:1:key/k k",
    })));
    assert_eq!(
        e.message(),
        format!(
            "2 validation errors detected: Value '{bad}' at \
             'lambdaConfig.customEmailSender.lambdaArn' failed to satisfy constraint: Member \
             must satisfy regular expression pattern: {PATTERN}; Value \
             'arn:aws:kms:us-east-1:1:key/k k' at 'lambdaConfig.kMSKeyID' failed to satisfy \
             constraint: Member must satisfy regular expression pattern: {PATTERN}"
        )
    );
    assert_eq!(e.violations().len(), 2);

    // Over 2048 characters: the value is not repeated.
    let long = format!("{ARN}{}", "f".repeat(2049));
    let e = refusal(&definition(json!({"UserMigration": long})));
    assert_eq!(
        e.message(),
        "1 validation error detected: Value at 'lambdaConfig.userMigration' failed to satisfy \
         constraint: Member must have length less than or equal to 2048"
    );

    // An alias or version suffix, and other partitions, are fine.
    for good in [
        arn("f:live"),
        arn("f:7"),
        "arn:aws-cn:lambda:cn-north-1:123456789012:function:f".to_owned(),
    ] {
        config_of(&definition(json!({"PostAuthentication": good}))).unwrap();
    }
}

#[test]
fn lambda_versions_are_the_models() {
    let e = refusal(&definition(json!({
        "CustomSMSSender": {"LambdaVersion": "V2_0", "LambdaArn": arn("sms")},
        "KMSKeyID": KEY,
    })));
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert_eq!(
        e.message(),
        "1 validation error detected: Value 'V2_0' at 'lambdaConfig.customSMSSender.lambdaVersion' \
         failed to satisfy constraint: Member must satisfy enum value set: [V1_0]"
    );
    let e = refusal(&definition(json!({
        "PreTokenGenerationConfig": {"LambdaVersion": "V4_0", "LambdaArn": arn("t")},
    })));
    assert_eq!(
        e.message(),
        "1 validation error detected: Value 'V4_0' at \
         'lambdaConfig.preTokenGenerationConfig.lambdaVersion' failed to satisfy constraint: \
         Member must satisfy enum value set: [V1_0, V2_0, V3_0]"
    );
    // Both members are required.
    let e = refusal(&definition(json!({
        "InboundFederation": {"LambdaVersion": "V1_0"},
    })));
    assert_eq!(
        e.message(),
        "1 validation error detected: Value null at 'lambdaConfig.inboundFederation.lambdaArn' \
         failed to satisfy constraint: Member must not be null"
    );
    // The typed API refuses a sender version the same way.
    let mut lambda = LambdaConfig::default();
    lambda.inbound_federation = Some(VersionedLambda::new(LambdaVersion::V3_0, arn("f")));
    let e = PoolConfig::builder("p")
        .lambda_config(lambda)
        .build()
        .unwrap_err();
    assert_eq!(
        e.message(),
        "1 validation error detected: Value 'V3_0' at 'lambdaConfig.inboundFederation.lambdaVersion' \
         failed to satisfy constraint: Member must satisfy enum value set: [V1_0]"
    );
}

#[test]
fn custom_senders_need_a_kms_key() {
    for sender in ["CustomSMSSender", "CustomEmailSender"] {
        let mut lambda = json!({});
        lambda[sender] = json!({"LambdaVersion": "V1_0", "LambdaArn": arn("s")});
        let e = refusal(&definition(lambda.clone()));
        assert_eq!(e.code(), ErrorCode::InvalidParameter, "{sender}");
        assert_eq!(
            e.message(),
            "KMSKeyID is required when CustomEmailSender or CustomSMSSender is set.",
            "{sender}"
        );
        lambda["KMSKeyID"] = json!(KEY);
        config_of(&definition(lambda)).unwrap();
    }
}

#[test]
fn v2_and_v3_token_events_need_the_essentials_or_plus_plan() {
    for version in ["V2_0", "V3_0"] {
        let body = with(
            definition(json!({
                "PreTokenGenerationConfig": {"LambdaVersion": version, "LambdaArn": arn("t")},
            })),
            "UserPoolTier",
            json!("LITE"),
        );
        let e = refusal(&body);
        assert_eq!(e.code(), ErrorCode::FeatureUnavailableInTier, "{version}");
        assert_eq!(e.code().as_str(), "FeatureUnavailableInTierException");
        assert_eq!(
            e.message(),
            format!(
                "PreTokenGenerationConfig.LambdaVersion {version} is not available in the LITE \
                 feature plan."
            )
        );
        // Through the wire, with its exception name.
        let (code, message) = World::new().refused("CreateUserPool", &body);
        assert_eq!(code, "FeatureUnavailableInTierException");
        assert_eq!(message, e.message());
        for tier in ["ESSENTIALS", "PLUS"] {
            config_of(&with(body.clone(), "UserPoolTier", json!(tier))).unwrap();
        }
    }
    let v1 = with(
        definition(json!({"PreTokenGeneration": arn("t")})),
        "UserPoolTier",
        json!("LITE"),
    );
    assert_eq!(config_of(&v1).unwrap().tier(), UserPoolTier::Lite);
}

#[test]
fn wrong_json_types_are_serialization_errors() {
    let w = World::new();
    for lambda in [
        json!("arn"),
        json!({"PreSignUp": 5}),
        json!({"PreTokenGenerationConfig": "V2_0"}),
        json!({"CustomSMSSender": {"LambdaVersion": 1, "LambdaArn": arn("s")}}),
        json!({"KMSKeyID": [KEY]}),
    ] {
        let body = with(quickstart_json(), "LambdaConfig", lambda.clone());
        let (code, _) = w.refused("CreateUserPool", &body);
        assert_eq!(code, "SerializationException", "{lambda}");
        assert!(
            matches!(config_of(&body), Err(DefinitionError::Malformed(_))),
            "{lambda}"
        );
    }
    let (code, _) = w.refused(
        "CreateUserPool",
        &with(quickstart_json(), "UserPoolTier", json!(1)),
    );
    assert_eq!(code, "SerializationException");
    // A member the model lacks is refused by name.
    let (code, message) = w.refused(
        "CreateUserPool",
        &with(
            quickstart_json(),
            "LambdaConfig",
            json!({"PreSignIn": arn("f")}),
        ),
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "The parameter LambdaConfig.PreSignIn is not supported by this engine."
    );
}

// ---------------------------------------------------------------------------
// The engine: every trigger it calls accepted; what it cannot run refused
// ---------------------------------------------------------------------------

#[test]
fn every_trigger_but_inbound_federation_is_accepted_by_the_engine() {
    // Custom senders too, without a code encryptor: only sending through
    // one fails (tests/api/hooks_senders.rs).
    let w = World::new();
    let full = full_lambda_config();
    let mut members: Vec<&str> = full
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|m| *m != "KMSKeyID")
        .collect();
    members.sort_unstable();
    assert_eq!(members.len(), 14);
    for member in members {
        let mut lambda = json!({"KMSKeyID": KEY});
        lambda[member] = full[member].clone();
        let body = with(quickstart_json(), "LambdaConfig", lambda);
        let config = config_of(&body).unwrap();
        if member == "InboundFederation" {
            // Federation is not simulated: refused by name, in both ways in.
            let expected = "The parameter LambdaConfig.InboundFederation is not supported by \
                            this engine: federation is not simulated.";
            let e = UserPool::builder(config).build().unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidParameter);
            assert_eq!(e.message(), expected);
            let (code, message) = w.refused("CreateUserPool", &body);
            assert_eq!(code, "InvalidParameterException");
            assert_eq!(message, expected);
            continue;
        }
        UserPool::builder(config)
            .keys(crate::support::shared_keys())
            .build()
            .unwrap_or_else(|e| panic!("{member}: {e}"));
        let id = w.create_pool(&body);
        assert_eq!(
            w.describe(&id)["LambdaConfig"][member],
            full[member],
            "{member} is echoed"
        );
    }
}

#[test]
fn an_arn_that_names_no_lambda_function_is_refused_by_member() {
    let w = World::new();
    let id = w.create_pool(&quickstart_json());
    let before = w.describe(&id);
    // A valid ArnType, but an SNS topic: nothing could invoke it.
    let topic = "arn:aws:sns:us-east-1:123456789012:not-a-function";
    let (code, message) = w.refused(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "LambdaConfig": {"PreSignUp": topic}}),
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "LambdaConfig.PreSignUp must be a Lambda function ARN \
         (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])."
    );
    assert_eq!(w.describe(&id), before, "the pool keeps its configuration");
    // Nor through UserPool::update_config.
    let pool = w.registry().pool(&id).unwrap();
    let mut lambda = LambdaConfig::default();
    lambda.custom_message = Some(topic.to_owned());
    let next = pool
        .config()
        .to_builder()
        .lambda_config(lambda)
        .build()
        .unwrap();
    let e = pool.update_config(next).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParameter);
    assert!(
        e.message()
            .starts_with("LambdaConfig.CustomMessage must be")
    );
}

#[test]
fn a_kms_key_alone_is_stored_echoed_and_removed_by_an_update_without_it() {
    let w = World::new();
    let id = w.create_pool(&with(
        quickstart_json(),
        "LambdaConfig",
        json!({"KMSKeyID": KEY}),
    ));
    assert_eq!(w.describe(&id)["LambdaConfig"], json!({"KMSKeyID": KEY}));
    let listed = w.ok("ListUserPools", &json!({"MaxResults": 60}));
    assert_eq!(
        listed["UserPools"][0]["LambdaConfig"],
        json!({"KMSKeyID": KEY})
    );
    // Given again: kept.
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "LambdaConfig": {"KMSKeyID": KEY}}),
    );
    assert_eq!(w.describe(&id)["LambdaConfig"], json!({"KMSKeyID": KEY}));
    // Left out: UpdateUserPool replaces the configuration, so it is gone.
    w.ok("UpdateUserPool", &json!({"UserPoolId": id}));
    assert_eq!(w.describe(&id)["LambdaConfig"], json!({}));
    let listed = w.ok("ListUserPools", &json!({"MaxResults": 60}));
    assert_eq!(listed["UserPools"][0]["LambdaConfig"], json!({}));
}

#[test]
fn the_feature_plan_is_accepted_echoed_and_kept_by_updates_that_omit_it() {
    let w = World::new();
    let id = w.create_pool(&quickstart_json());
    assert_eq!(
        w.describe(&id)["UserPoolTier"],
        "ESSENTIALS",
        "Cognito's default"
    );
    for tier in ["LITE", "ESSENTIALS", "PLUS"] {
        let id = w.create_pool(&with(quickstart_json(), "UserPoolTier", json!(tier)));
        assert_eq!(w.describe(&id)["UserPoolTier"], tier);
        assert_eq!(
            config_of(&with(json!({"PoolName": "p"}), "UserPoolTier", json!(tier)))
                .unwrap()
                .tier()
                .as_str(),
            tier
        );
    }
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "UserPoolTier": "PLUS"}),
    );
    assert_eq!(w.describe(&id)["UserPoolTier"], "PLUS");
    // An update that does not name the plan keeps it, renamed or not.
    w.ok("UpdateUserPool", &json!({"UserPoolId": id}));
    assert_eq!(w.describe(&id)["UserPoolTier"], "PLUS");
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "PoolName": "renamed"}),
    );
    assert_eq!(w.describe(&id)["UserPoolTier"], "PLUS");
    w.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": id, "UserPoolTier": "LITE"}),
    );
    assert_eq!(w.describe(&id)["UserPoolTier"], "LITE");

    let (code, message) = w.refused(
        "CreateUserPool",
        &with(quickstart_json(), "UserPoolTier", json!("GOLD")),
    );
    assert_eq!(code, "InvalidParameterException");
    assert_eq!(
        message,
        "1 validation error detected: Value 'GOLD' at 'userPoolTier' failed to satisfy \
         constraint: Member must satisfy enum value set: [LITE, ESSENTIALS, PLUS]"
    );
    // ListUserPools' UserPoolDescriptionType has no plan.
    let listed = w.ok("ListUserPools", &json!({"MaxResults": 60}));
    assert!(listed["UserPools"][0].get("UserPoolTier").is_none());
}
