//! PreTokenGeneration as a Rust hook and through `JsonTriggers`
//! (cognito-triggers.md §2.5, §7.3): the event, V1 and V2 edits seen in the
//! decoded tokens (which still verify, with the pool's verifier and with
//! `jsonwebtoken` from the JWKS alone), group overrides, protected claims,
//! scopes, refreshes, and no-op hooks that change nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use userpool::client::PreventUserExistenceErrors;
use userpool::store::MemoryStore;
use userpool::triggers::{
    AccessTokenGeneration, ClaimValue, ClaimsAndScopeOverrideDetails, ClaimsOverrideDetails,
    FunctionRef, GroupConfiguration, IdTokenGeneration, Invoke, InvokeOutcome, JsonTriggers,
    PreTokenGenerationResponse, PreTokenGenerationVersion, Trigger, TriggerError, TriggerFunctions,
    TriggerSource,
};
use userpool::{
    AuthenticationResult, ErrorCode, GetTokensFromRefreshTokenRequest, GroupRequest,
    InitiateAuthRequest, Outbox, UserPool,
};

use super::common::{Harness, JANE, claims, confirmed, refresh_token, refused, sign_in};
use super::triggers_auth::{Hooks, client_of, hooked, map, pool_with};
use crate::support::{PASSWORD, clock_at_start};

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_ApiTests1";

/// A quickstart pool with `hooks`, a client, and Jane confirmed:
/// `(harness, hooks, client, Jane's sub)`.
fn jane(hooks: Hooks) -> (Harness, Arc<Hooks>, String, String) {
    let (h, hooks) = hooked(hooks);
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let sub = confirmed(&h, JANE);
    (h, hooks, client, sub)
}

/// Both tokens' claims, after checking that both verify with the pool's
/// verifier and with `jsonwebtoken` from the JWKS alone.
fn verified(h: &Harness, client: &str, tokens: &AuthenticationResult) -> (Value, Value) {
    let verifier = h.pool.token_verifier();
    let now = h.clock_now();
    verifier
        .verify_access(&tokens.access_token, Some(client), now)
        .expect("the pool verifies the access token");
    verifier
        .verify_id(&tokens.id_token, Some(client), now)
        .expect("the pool verifies the ID token");
    let jwks: Value = serde_json::from_str(&h.pool.jwks_json()).unwrap();
    let decode = |token: &str, audience: Option<&str>| -> Value {
        let kid = jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
        let jwk = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"] == kid.as_str())
            .unwrap();
        let key = DecodingKey::from_rsa_components(
            jwk["n"].as_str().unwrap(),
            jwk["e"].as_str().unwrap(),
        )
        .unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.set_issuer(&[ISSUER]);
        match audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        jsonwebtoken::decode::<Value>(token, &key, &validation)
            .expect("jsonwebtoken accepts the token")
            .claims
    };
    let access = decode(&tokens.access_token, None);
    let id = decode(&tokens.id_token, Some(client));
    assert_eq!(access, claims(&tokens.access_token));
    (access, id)
}

trait ClockNow {
    fn clock_now(&self) -> userpool::Timestamp;
}

impl ClockNow for Harness {
    fn clock_now(&self) -> userpool::Timestamp {
        use userpool::Clock as _;
        self.clock.now()
    }
}

fn v1(details: ClaimsOverrideDetails) -> PreTokenGenerationResponse {
    let mut response = PreTokenGenerationResponse::default();
    response.claims_override_details = Some(details);
    response
}

fn v2(details: ClaimsAndScopeOverrideDetails) -> PreTokenGenerationResponse {
    let mut response = PreTokenGenerationResponse::default();
    response.claims_and_scope_override_details = Some(details);
    response
}

/// The claims of a token without those every issue draws anew.
fn stable(mut claims: Value) -> Value {
    for drawn in ["jti", "iat", "exp", "auth_time", "origin_jti", "event_id"] {
        claims.as_object_mut().unwrap().remove(drawn);
    }
    claims
}

// ----- V1 -----

#[test]
fn v1_adds_and_suppresses_id_claims_and_never_touches_protected_ones() {
    let (h, hooks, client, sub) = jane(
        Hooks::new(&[Trigger::PreTokenGeneration]).pre_token_generation(|_| {
            let mut details = ClaimsOverrideDetails::default();
            for (k, v) in [
                ("tenant", "acme"),
                ("x", "both"),
                ("sub", "forged"),
                ("cognito:username", "forged"),
                ("dev:secret", "x"),
                ("family_name", "Overridden"),
            ] {
                details
                    .claims_to_add_or_override
                    .insert(k.to_owned(), v.to_owned());
            }
            details.claims_to_suppress = ["email", "x", "iss", "token_use"]
                .map(String::from)
                .to_vec();
            Ok(v1(details))
        }),
    );
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = verified(&h, &client, &tokens);
    assert_eq!(id["tenant"], "acme");
    assert_eq!(id["family_name"], "Overridden");
    assert!(id.get("email").is_none());
    assert!(id.get("x").is_none(), "added and suppressed is suppressed");
    assert!(id.get("dev:secret").is_none());
    assert_eq!(id["sub"], sub.as_str());
    assert_eq!(id["cognito:username"], sub.as_str());
    assert_eq!(id["iss"], ISSUER);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["email_verified"], true, "other claims as they were");
    // V1 leaves the access token as it would be without the hook.
    let names: Vec<&String> = access.as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "auth_time",
            "client_id",
            "event_id",
            "exp",
            "iat",
            "iss",
            "jti",
            "origin_jti",
            "scope",
            "sub",
            "token_use",
            "username"
        ]
    );
    let e = &hooks.pre_token_generations()[0];
    assert_eq!(e.version, "1");
    assert_eq!(e.trigger_source.as_str(), "TokenGeneration_Authentication");
    assert!(e.request.scopes.is_empty(), "V1 events carry no scopes");
    assert_eq!(
        e.request.user_attributes["cognito:user_status"],
        "CONFIRMED"
    );
    assert_eq!(
        e.request.group_configuration,
        GroupConfiguration::new(vec![], vec![], None)
    );
}

fn in_two_groups(h: &Harness) {
    h.pool
        .create_group(
            GroupRequest::new("readers")
                .precedence(5)
                .role_arn("arn:aws:iam::123456789012:role/readers"),
        )
        .unwrap();
    h.pool
        .create_group(
            GroupRequest::new("admins")
                .precedence(1)
                .role_arn("arn:aws:iam::123456789012:role/admins"),
        )
        .unwrap();
    h.pool.admin_add_user_to_group(JANE, "readers").unwrap();
    h.pool.admin_add_user_to_group(JANE, "admins").unwrap();
}

#[test]
fn v1_an_empty_group_override_removes_the_groups_from_both_tokens() {
    let (h, hooks, client, _) = jane(
        Hooks::new(&[Trigger::PreTokenGeneration]).pre_token_generation(|_| {
            let mut details = ClaimsOverrideDetails::default();
            // What the bridge reads an explicit `"groupOverrideDetails": null` as.
            details.group_override_details = Some(GroupConfiguration::default());
            Ok(v1(details))
        }),
    );
    in_two_groups(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = verified(&h, &client, &tokens);
    for claim in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        assert!(id.get(claim).is_none(), "{claim} in the ID token");
        assert!(access.get(claim).is_none(), "{claim} in the access token");
    }
    assert_eq!(
        hooks.pre_token_generations()[0].request.group_configuration,
        GroupConfiguration::new(
            vec!["admins".to_owned(), "readers".to_owned()],
            vec![
                "arn:aws:iam::123456789012:role/admins".to_owned(),
                "arn:aws:iam::123456789012:role/readers".to_owned()
            ],
            Some("arn:aws:iam::123456789012:role/admins".to_owned()),
        )
    );
}

#[test]
fn v1_a_group_override_replaces_the_groups_and_suppressing_them_drops_the_roles() {
    let (h, _, client, _) = jane(
        Hooks::new(&[Trigger::PreTokenGeneration]).pre_token_generation(|_| {
            let mut details = ClaimsOverrideDetails::default();
            details.group_override_details = Some(GroupConfiguration::new(
                vec!["override".to_owned()],
                vec!["arn:aws:iam::123456789012:role/o".to_owned()],
                Some("arn:aws:iam::123456789012:role/o".to_owned()),
            ));
            details
                .claims_to_add_or_override
                .insert("cognito:groups".to_owned(), "forged".to_owned());
            Ok(v1(details))
        }),
    );
    in_two_groups(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = verified(&h, &client, &tokens);
    assert_eq!(access["cognito:groups"], json!(["override"]));
    assert_eq!(id["cognito:groups"], json!(["override"]));
    assert_eq!(
        id["cognito:roles"],
        json!(["arn:aws:iam::123456789012:role/o"])
    );
    assert_eq!(
        id["cognito:preferred_role"],
        "arn:aws:iam::123456789012:role/o"
    );

    let (h, _, client, _) = jane(
        Hooks::new(&[Trigger::PreTokenGeneration]).pre_token_generation(|_| {
            let mut details = ClaimsOverrideDetails::default();
            details.claims_to_suppress = vec!["cognito:groups".to_owned()];
            Ok(v1(details))
        }),
    );
    in_two_groups(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = verified(&h, &client, &tokens);
    for claim in ["cognito:groups", "cognito:roles", "cognito:preferred_role"] {
        assert!(id.get(claim).is_none(), "{claim} suppressed");
    }
    assert_eq!(
        access["cognito:groups"],
        json!(["admins", "readers"]),
        "V1 suppresses in the ID token only"
    );
}

// ----- V2 -----

fn v2_answer() -> PreTokenGenerationResponse {
    let mut id_gen = IdTokenGeneration::default();
    id_gen
        .claims_to_add_or_override
        .insert("tier".to_owned(), ClaimValue::Integer(3));
    id_gen
        .claims_to_add_or_override
        .insert("email_verified".to_owned(), ClaimValue::Array(vec![]));
    id_gen.claims_to_suppress = vec!["address".to_owned()];
    let mut access_gen = AccessTokenGeneration::default();
    let claims = &mut access_gen.claims_to_add_or_override;
    claims.insert("n".to_owned(), ClaimValue::Integer(42));
    claims.insert("ratio".to_owned(), ClaimValue::Float(0.5));
    claims.insert("flag".to_owned(), ClaimValue::Bool(true));
    claims.insert(
        "list".to_owned(),
        ClaimValue::Array(vec![ClaimValue::from("a"), ClaimValue::Integer(1)]),
    );
    claims.insert(
        "obj".to_owned(),
        ClaimValue::Object(BTreeMap::from([("k".to_owned(), ClaimValue::from("v"))])),
    );
    claims.insert("gone".to_owned(), ClaimValue::from("x"));
    for forged in [
        "client_id",
        "username",
        "sub",
        "cognito:x",
        "scope",
        "version",
    ] {
        claims.insert(forged.to_owned(), ClaimValue::from("forged"));
    }
    access_gen.claims_to_suppress = vec!["gone".to_owned(), "client_id".to_owned()];
    access_gen.scopes_to_add = vec!["orders/read".to_owned(), "orders/write".to_owned()];
    access_gen.scopes_to_suppress = vec![
        "aws.cognito.signin.user.admin".to_owned(),
        "orders/write".to_owned(),
    ];
    let mut details = ClaimsAndScopeOverrideDetails::default();
    details.id_token_generation = Some(id_gen);
    details.access_token_generation = Some(access_gen);
    v2(details)
}

#[test]
fn v2_edits_both_tokens_with_typed_claims_and_scopes() {
    let (h, hooks, client, sub) = jane(
        Hooks::new(&[Trigger::PreTokenGeneration])
            .version(PreTokenGenerationVersion::V2)
            .pre_token_generation(|_| Ok(v2_answer())),
    );
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    let (access, id) = verified(&h, &client, &tokens);
    assert_eq!(access["n"], json!(42));
    assert_eq!(access["ratio"], json!(0.5));
    assert_eq!(access["flag"], json!(true));
    assert_eq!(access["list"], json!(["a", 1]));
    assert_eq!(access["obj"], json!({"k": "v"}));
    assert!(access.get("gone").is_none());
    assert_eq!(access["client_id"], client.as_str());
    assert_eq!(access["username"], sub.as_str());
    assert_eq!(access["sub"], sub.as_str());
    assert!(access.get("cognito:x").is_none());
    assert!(access.get("version").is_none());
    assert_eq!(access["scope"], "orders/read");
    // Without aws.cognito.signin.user.admin the self-service API refuses it.
    let e = refused(h.pool.get_user(&tokens.access_token));
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::NotAuthorized,
            "Access Token does not have required scopes"
        )
    );
    assert_eq!(id["tier"], json!(3));
    assert_eq!(id["email_verified"], true, "simple claims stay simple");
    assert!(id.get("address").is_none());
    let e = &hooks.pre_token_generations()[0];
    assert_eq!(e.version, "2");
    assert_eq!(e.request.scopes, ["aws.cognito.signin.user.admin"]);
}

#[test]
fn v2_may_add_the_client_as_the_access_tokens_audience_only() {
    for own_client in [true, false] {
        let (h, hooks, client, _) = jane(
            Hooks::new(&[Trigger::PreTokenGeneration])
                .version(PreTokenGenerationVersion::V3)
                .pre_token_generation(move |e| {
                    let aud = if own_client {
                        e.caller_context.client_id.clone()
                    } else {
                        "someone-else".to_owned()
                    };
                    let mut access_gen = AccessTokenGeneration::default();
                    access_gen
                        .claims_to_add_or_override
                        .insert("aud".to_owned(), ClaimValue::from(aud));
                    let mut id_gen = IdTokenGeneration::default();
                    id_gen
                        .claims_to_add_or_override
                        .insert("aud".to_owned(), ClaimValue::from("someone-else"));
                    let mut details = ClaimsAndScopeOverrideDetails::default();
                    details.access_token_generation = Some(access_gen);
                    details.id_token_generation = Some(id_gen);
                    Ok(v2(details))
                }),
        );
        let tokens = sign_in(&h, &client, JANE, PASSWORD);
        let (access, id) = verified(&h, &client, &tokens);
        if own_client {
            assert_eq!(access["aud"], client.as_str());
        } else {
            assert!(access.get("aud").is_none());
        }
        assert_eq!(
            id["aud"],
            client.as_str(),
            "the ID token's aud is protected"
        );
        assert_eq!(hooks.pre_token_generations()[0].version, "3");
    }
}

#[test]
fn a_throwing_pre_token_generation_issues_no_tokens() {
    let (h, _, client, _) = jane(
        Hooks::new(&[Trigger::PreTokenGeneration])
            .pre_token_generation(|_| Err(TriggerError::rejected("no tokens today"))),
    );
    let e = refused(
        h.pool
            .initiate_auth(InitiateAuthRequest::user_password(&client, JANE, PASSWORD)),
    );
    assert_eq!(
        (e.code(), e.message()),
        (
            ErrorCode::UserLambdaValidation,
            "PreTokenGeneration failed with error no tokens today."
        )
    );
}

// ----- refresh -----

#[test]
fn refreshes_fire_only_token_generation_with_the_refresh_source() {
    let (h, hooks, client, _) = jane(Hooks::new(&[
        Trigger::PreAuthentication,
        Trigger::PostAuthentication,
        Trigger::PreTokenGeneration,
    ]));
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    hooks.clear();
    h.pool
        .initiate_auth(
            InitiateAuthRequest::refresh(&client, refresh_token(&tokens))
                .client_metadata(map(&[("initiate", "1")])),
        )
        .unwrap();
    h.pool
        .get_tokens_from_refresh_token(
            GetTokensFromRefreshTokenRequest::new(&client, refresh_token(&tokens))
                .client_metadata(map(&[("refresh", "2")])),
        )
        .unwrap();
    assert_eq!(
        hooks.sources(),
        [
            TriggerSource::TokenGenerationRefreshTokens,
            TriggerSource::TokenGenerationRefreshTokens,
        ]
    );
    let events = hooks.pre_token_generations();
    assert_eq!(
        events[0].trigger_source.as_str(),
        "TokenGeneration_RefreshTokens"
    );
    assert_eq!(
        events[0].request.client_metadata, None,
        "InitiateAuth metadata stays out"
    );
    assert_eq!(
        events[1].request.client_metadata,
        Some(map(&[("refresh", "2")]))
    );
}

#[test]
fn refreshed_tokens_carry_the_edits_and_a_refusal_refreshes_nothing() {
    let refuse = Arc::new(Mutex::new(false));
    let flag = refuse.clone();
    let (h, _, client, _) = jane(
        Hooks::new(&[Trigger::PreTokenGeneration]).pre_token_generation(move |e| {
            if *flag.lock().unwrap() {
                return Err(TriggerError::rejected("stop"));
            }
            let mut details = ClaimsOverrideDetails::default();
            details
                .claims_to_add_or_override
                .insert("source".to_owned(), e.trigger_source.as_str().to_owned());
            Ok(v1(details))
        }),
    );
    let tokens = sign_in(&h, &client, JANE, PASSWORD);
    assert_eq!(
        claims(&tokens.id_token)["source"],
        "TokenGeneration_Authentication"
    );
    let refreshed = h
        .pool
        .initiate_auth(InitiateAuthRequest::refresh(
            &client,
            refresh_token(&tokens),
        ))
        .unwrap()
        .authentication_result
        .unwrap();
    let (_, id) = verified(&h, &client, &refreshed);
    assert_eq!(id["source"], "TokenGeneration_RefreshTokens");
    *refuse.lock().unwrap() = true;
    let e = refused(h.pool.initiate_auth(InitiateAuthRequest::refresh(
        &client,
        refresh_token(&tokens),
    )));
    assert_eq!(e.message(), "PreTokenGeneration failed with error stop.");
}

// ----- no-op hooks -----

#[test]
fn no_op_hooks_issue_the_same_claims_as_a_pool_without_hooks() {
    let store = Arc::new(MemoryStore::new());
    let clock = clock_at_start();
    let outbox = Outbox::new();
    let plain = pool_with(store.clone(), &clock, &outbox, None);
    let hooks = Arc::new(Hooks::new(&[
        Trigger::PreAuthentication,
        Trigger::PostAuthentication,
        Trigger::PreTokenGeneration,
        Trigger::UserMigration,
    ]));
    let with_hooks: UserPool = pool_with(store.clone(), &clock, &outbox, Some(hooks.clone()));
    let h = Harness::from_parts(plain, clock.clone(), outbox.clone(), store.clone());
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    confirmed(&h, JANE);
    in_two_groups(&h);
    let hooked_h = Harness::from_parts(with_hooks, clock, outbox, store);
    let a = sign_in(&h, &client, JANE, PASSWORD);
    let b = sign_in(&hooked_h, &client, JANE, PASSWORD);
    assert_eq!(
        stable(claims(&a.access_token)),
        stable(claims(&b.access_token))
    );
    assert_eq!(stable(claims(&a.id_token)), stable(claims(&b.id_token)));
    assert!(claims(&b.id_token).get("cognito:groups").is_some());
    assert!(b.refresh_token.is_some());
    assert_eq!(hooks.pre_token_generations().len(), 1, "the hooks did run");
}

#[test]
fn no_op_v2_hooks_issue_the_same_claims_too() {
    let store = Arc::new(MemoryStore::new());
    let clock = clock_at_start();
    let outbox = Outbox::new();
    let plain = pool_with(store.clone(), &clock, &outbox, None);
    let hooks =
        Arc::new(Hooks::new(&[Trigger::PreTokenGeneration]).version(PreTokenGenerationVersion::V2));
    let with_hooks = pool_with(store.clone(), &clock, &outbox, Some(hooks.clone()));
    let h = Harness::from_parts(plain, clock.clone(), outbox.clone(), store.clone());
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    confirmed(&h, JANE);
    let hooked_h = Harness::from_parts(with_hooks, clock, outbox, store);
    let a = sign_in(&h, &client, JANE, PASSWORD);
    let b = sign_in(&hooked_h, &client, JANE, PASSWORD);
    assert_eq!(
        stable(claims(&a.access_token)),
        stable(claims(&b.access_token))
    );
    assert_eq!(stable(claims(&a.id_token)), stable(claims(&b.id_token)));
    assert_eq!(hooks.pre_token_generations()[0].version, "2");
}

#[test]
fn v2_and_v3_hooks_need_the_essentials_or_plus_plan_as_a_lambda_config_does() {
    for version in [PreTokenGenerationVersion::V2, PreTokenGenerationVersion::V3] {
        let hooks: Arc<dyn userpool::triggers::Triggers> =
            Arc::new(Hooks::new(&[Trigger::PreTokenGeneration]).version(version));
        let lite = || {
            crate::support::pools::quickstart_config()
                .tier(userpool::config::UserPoolTier::Lite)
                .build()
                .unwrap()
        };
        let e = refused(
            userpool::UserPool::builder(lite())
                .keys(crate::support::shared_keys())
                .triggers(Arc::clone(&hooks))
                .build(),
        );
        assert_eq!(e.code(), userpool::ErrorCode::FeatureUnavailableInTier);
        assert_eq!(
            e.message(),
            format!(
                "PreTokenGenerationConfig.LambdaVersion {} is not available in the LITE \
                 feature plan.",
                version.as_str()
            )
        );
    }
    // V1 hooks are fine on LITE.
    let v1: Arc<dyn userpool::triggers::Triggers> =
        Arc::new(Hooks::new(&[Trigger::PreTokenGeneration]));
    userpool::UserPool::builder(
        crate::support::pools::quickstart_config()
            .tier(userpool::config::UserPoolTier::Lite)
            .build()
            .unwrap(),
    )
    .keys(crate::support::shared_keys())
    .triggers(v1)
    .build()
    .unwrap();
}

// ----- through JsonTriggers -----

/// An in-process Lambda: records the event JSON it is given and answers
/// with `answer(event)`.
struct Lambda {
    events: Mutex<Vec<Value>>,
    answer: Box<dyn Fn(&Value) -> Value + Send + Sync>,
}

impl fmt::Debug for Lambda {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lambda")
    }
}

impl Invoke for Lambda {
    fn invoke(&self, function: &FunctionRef, event: &[u8]) -> InvokeOutcome {
        assert_eq!(function.name(), "pre-token");
        let event: Value = serde_json::from_slice(event).unwrap();
        self.events.lock().unwrap().push(event.clone());
        InvokeOutcome::Returned(serde_json::to_vec(&(self.answer)(&event)).unwrap())
    }
}

#[test]
fn a_v2_function_behind_json_triggers_sees_cognitos_event_and_edits_the_tokens() {
    let lambda = Arc::new(Lambda {
        events: Mutex::new(Vec::new()),
        answer: Box::new(|event| {
            let mut out = event.clone();
            out["response"] = json!({
                "claimsAndScopeOverrideDetails": {
                    "idTokenGeneration": {
                        "claimsToAddOrOverride": {"plan": "gold", "sub": "forged"},
                        "claimsToSuppress": ["family_name"]
                    },
                    "accessTokenGeneration": {
                        "claimsToAddOrOverride": {"roles": ["a", "b"], "level": 7},
                        "scopesToAdd": ["api/read"]
                    },
                    "groupOverrideDetails": null
                }
            });
            out
        }),
    });
    let functions = TriggerFunctions::new()
        .with(
            Trigger::PreTokenGeneration,
            FunctionRef::parse("arn:aws:lambda:us-east-1:123456789012:function:pre-token").unwrap(),
        )
        .with_pre_token_generation_version(PreTokenGenerationVersion::V2);
    let bridge = JsonTriggers::new(functions, lambda.clone());
    let store = Arc::new(MemoryStore::new());
    let clock = clock_at_start();
    let outbox = Outbox::new();
    let pool = pool_with(store.clone(), &clock, &outbox, Some(Arc::new(bridge)));
    let h = Harness::from_parts(pool, clock, outbox, store);
    let client = client_of(&h, PreventUserExistenceErrors::Legacy);
    let sub = confirmed(&h, JANE);
    in_two_groups(&h);
    let tokens = sign_in(&h, &client, JANE, PASSWORD);

    let events = lambda.events.lock().unwrap().clone();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0],
        json!({
            "version": "2",
            "triggerSource": "TokenGeneration_Authentication",
            "region": "us-east-1",
            "userPoolId": "us-east-1_ApiTests1",
            "userName": sub,
            "callerContext": {
                "awsSdkVersion": "aws-sdk-unknown-unknown",
                "clientId": client,
            },
            "request": {
                "userAttributes": {
                    "sub": sub,
                    "email": JANE,
                    "email_verified": "true",
                    "family_name": "Foobar",
                    "address": "1 Main St",
                    "custom:tenant_id": "1234567890",
                    "custom:created_at": "2022-01-01",
                    "custom:employee_id": "10",
                    "custom:is_admin": "false",
                    "cognito:user_status": "CONFIRMED",
                    "cognito:email_alias": JANE,
                },
                "groupConfiguration": {
                    "groupsToOverride": ["admins", "readers"],
                    "iamRolesToOverride": [
                        "arn:aws:iam::123456789012:role/admins",
                        "arn:aws:iam::123456789012:role/readers",
                    ],
                    "preferredRole": "arn:aws:iam::123456789012:role/admins",
                },
                "scopes": ["aws.cognito.signin.user.admin"],
            },
            "response": {"claimsAndScopeOverrideDetails": null},
        })
    );

    let (access, id) = verified(&h, &client, &tokens);
    assert_eq!(id["plan"], "gold");
    assert_eq!(id["sub"], sub.as_str());
    assert!(id.get("family_name").is_none());
    assert!(
        id.get("cognito:groups").is_none(),
        "null removes the groups"
    );
    assert!(access.get("cognito:groups").is_none());
    assert_eq!(access["roles"], json!(["a", "b"]));
    assert_eq!(access["level"], json!(7));
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin api/read");
    assert_eq!(h.pool.get_user(&tokens.access_token).unwrap().username, sub);
}
