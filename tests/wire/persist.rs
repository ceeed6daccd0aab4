//! A persistent registry (`RegistryOptions::master_keys`): pools, app
//! clients, users and tokens survive a restart over the same store; two
//! registries sharing one store (two processes) see each other's pools,
//! changes and deletions; the master key is checked, rotated and never
//! optional for reading what it sealed; the stored configuration is the
//! `CreateUserPool` request that recreates the pool exactly.

use std::sync::{Arc, Barrier, OnceLock};

use serde_json::{Value, json};
use userpool::client::{ClientSecret, secret_hash};
use userpool::config::PoolConfig;
use userpool::registry::{MasterKey, Registry, RegistryOptions};
use userpool::store::{MemoryStore, SqliteStore, Store};
use userpool::token::KeySet;
use userpool::{ErrorCode, HashingParams, Outbox};

use crate::support::db::{NO_POSTGRES, TempDb, TempSchema, postgres_url};
use crate::support::wire::{self, Calls as _};
use crate::support::{clock_at_start, shared_keys};

/// A password the persisted pool's policy (10 characters, a symbol) accepts.
const PASSWORD: &str = "Correct-Horse-9";
/// A Lambda function's ARN.
const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:trigger:live";
/// A KMS key's ARN (`LambdaConfig.KMSKeyID`).
const KMS_KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef";

fn master() -> MasterKey {
    static KEY: OnceLock<MasterKey> = OnceLock::new();
    KEY.get_or_init(|| MasterKey::generate().unwrap()).clone()
}

/// A process's registry on `store`, sealing pools under `master_keys`
/// (the first seals, all open), with a clock of its own.
fn options(store: Arc<dyn Store>, master_keys: Vec<MasterKey>) -> RegistryOptions {
    RegistryOptions {
        store,
        master_keys,
        ..wire::options(&clock_at_start(), &Outbox::new())
    }
}

/// A pool with email as username, a custom `tenant` attribute and a
/// 10-character policy; its id.
fn create_persisted_pool(r: &Registry) -> String {
    let out = r.ok(
        "CreateUserPool",
        &json!({
            "PoolName": "persisted",
            "UsernameAttributes": ["email"],
            "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "tenant", "AttributeDataType": "String",
                        "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "36"}}],
            "Policies": {"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": true}},
        }),
    );
    out["UserPool"]["Id"].as_str().unwrap().to_owned()
}

/// A confidential client allowing password sign-in and refresh: (id, secret).
fn create_client(r: &Registry, pool: &str) -> (String, String) {
    let out = r.ok(
        "CreateUserPoolClient",
        &json!({
            "UserPoolId": pool,
            "ClientName": "web",
            "GenerateSecret": true,
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "AccessTokenValidity": 2,
            "TokenValidityUnits": {"AccessToken": "hours"},
        }),
    );
    let c = &out["UserPoolClient"];
    (
        c["ClientId"].as_str().unwrap().to_owned(),
        c["ClientSecret"].as_str().unwrap().to_owned(),
    )
}

/// A confirmed user with a permanent password; returns its `sub`.
fn confirmed_user(r: &Registry, pool: &str, email: &str) -> String {
    let out = r.ok(
        "AdminCreateUser",
        &json!({"UserPoolId": pool, "Username": email, "MessageAction": "SUPPRESS",
                "UserAttributes": [{"Name": "email", "Value": email},
                                   {"Name": "custom:tenant", "Value": "acme"}]}),
    );
    r.ok(
        "AdminSetUserPassword",
        &json!({"UserPoolId": pool, "Username": email, "Password": PASSWORD, "Permanent": true}),
    );
    out["User"]["Username"].as_str().unwrap().to_owned()
}

fn sign_in(r: &Registry, client: &(String, String), email: &str) -> Value {
    let hash = secret_hash(&ClientSecret::new(client.1.clone()), email, &client.0);
    r.ok(
        "InitiateAuth",
        &json!({"ClientId": client.0, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD, "SECRET_HASH": hash}}),
    )["AuthenticationResult"]
        .clone()
}

#[test]
fn the_stored_configuration_recreates_the_pool_exactly() {
    let requests = [
        json!({"PoolName": "bare"}),
        json!({
            "PoolName": "aliases",
            "AliasAttributes": ["email", "preferred_username"],
            "UsernameConfiguration": {"CaseSensitive": true},
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true,
                "InviteMessageTemplate": {"EmailSubject": "Welcome",
                    "EmailMessage": "Hi {username}, your password is {####}"}},
            "AccountRecoverySetting": {"RecoveryMechanisms": [
                {"Priority": 1, "Name": "verified_phone_number"},
                {"Priority": 2, "Name": "verified_email"}]},
            "Schema": [
                {"Name": "name", "AttributeDataType": "String", "Required": true},
                {"Name": "level", "AttributeDataType": "Number",
                 "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "9"}},
                {"Name": "joined", "AttributeDataType": "DateTime", "Mutable": false},
                {"Name": "vip", "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": true}],
            "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireUppercase": true,
                "RequireLowercase": true, "RequireNumbers": false, "RequireSymbols": true,
                "TemporaryPasswordValidityDays": 3}},
        }),
        json!({
            "PoolName": "phones",
            "UsernameAttributes": ["phone_number", "email"],
            "AutoVerifiedAttributes": ["phone_number"],
            "VerificationMessageTemplate": {"SmsMessage": "Code {####}",
                "EmailSubject": "Verify", "EmailMessage": "Your code: {####}"},
        }),
        // Every LambdaConfig member and a plan (held by the configuration;
        // the engine refuses such a pool until it calls triggers).
        json!({
            "PoolName": "triggers",
            "UserPoolTier": "PLUS",
            "LambdaConfig": {
                "PreSignUp": LAMBDA, "CustomMessage": LAMBDA, "PostConfirmation": LAMBDA,
                "PreAuthentication": LAMBDA, "PostAuthentication": LAMBDA,
                "DefineAuthChallenge": LAMBDA, "CreateAuthChallenge": LAMBDA,
                "VerifyAuthChallengeResponse": LAMBDA, "UserMigration": LAMBDA,
                "PreTokenGenerationConfig": {"LambdaVersion": "V3_0", "LambdaArn": LAMBDA},
                "CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": LAMBDA},
                "CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": LAMBDA},
                "InboundFederation": {"LambdaVersion": "V1_0", "LambdaArn": LAMBDA},
                "KMSKeyID": KMS_KEY,
            },
        }),
        json!({"PoolName": "lite", "UserPoolTier": "LITE",
               "LambdaConfig": {"PreTokenGeneration": LAMBDA}}),
    ];
    for request in requests {
        let config = PoolConfig::from_create_user_pool_json(&request.to_string()).unwrap();
        let stored = config.to_create_user_pool_json();
        assert_eq!(
            PoolConfig::from_create_user_pool_json(&stored).unwrap(),
            config,
            "{stored}"
        );
    }
}

#[test]
fn a_restarted_registry_serves_the_same_pools_clients_users_and_tokens() {
    let db = TempDb::new("restart");
    let (pool, client, tokens, before) = {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db.path()).unwrap());
        let r = Registry::open(options(store, vec![master()])).unwrap();
        let pool = create_persisted_pool(&r);
        let client = create_client(&r, &pool);
        confirmed_user(&r, &pool, "jane@example.com");
        r.ok(
            "CreateGroup",
            &json!({"UserPoolId": pool, "GroupName": "admins", "Precedence": 1}),
        );
        r.ok(
            "AdminAddUserToGroup",
            &json!({"UserPoolId": pool, "Username": "jane@example.com", "GroupName": "admins"}),
        );
        let tokens = sign_in(&r, &client, "jane@example.com");
        let before = (
            r.describe(&pool),
            r.ok(
                "DescribeUserPoolClient",
                &json!({"UserPoolId": pool, "ClientId": client.0}),
            ),
            r.ok(
                "AdminGetUser",
                &json!({"UserPoolId": pool, "Username": "jane@example.com"}),
            ),
            r.pool(&pool).unwrap().jwks_json(),
        );
        (pool, client, tokens, before)
    };

    // A new process: a fresh connection, a fresh registry, the same key.
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db.path()).unwrap());
    let r = Registry::open(options(store, vec![master()])).unwrap();
    assert_eq!(r.describe(&pool), before.0);
    assert_eq!(
        r.ok(
            "DescribeUserPoolClient",
            &json!({"UserPoolId": pool, "ClientId": client.0})
        ),
        before.1,
        "same settings and the same ClientSecret"
    );
    assert_eq!(
        r.ok(
            "AdminGetUser",
            &json!({"UserPoolId": pool, "Username": "jane@example.com"})
        ),
        before.2
    );
    assert_eq!(
        r.pool(&pool).unwrap().jwks_json(),
        before.3,
        "same signing keys"
    );
    let listed = r.ok("ListUserPools", &json!({"MaxResults": 10}));
    assert_eq!(listed["UserPools"][0]["Id"], json!(pool));

    // Tokens issued before the restart still work, and refresh.
    let access = tokens["AccessToken"].as_str().unwrap();
    let me = r.ok("GetUser", &json!({"AccessToken": access}));
    assert_eq!(me["Username"], before.2["Username"]);
    let refreshed = r.ok(
        "InitiateAuth",
        &json!({"ClientId": client.0, "AuthFlow": "REFRESH_TOKEN_AUTH",
                "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"],
                    "SECRET_HASH": secret_hash(&ClientSecret::new(client.1.clone()),
                        before.2["Username"].as_str().unwrap(), &client.0)}}),
    );
    assert!(refreshed["AuthenticationResult"]["AccessToken"].is_string());
    let groups = r.ok(
        "AdminListGroupsForUser",
        &json!({"UserPoolId": pool, "Username": "jane@example.com"}),
    );
    assert_eq!(groups["Groups"][0]["GroupName"], "admins");
    // And a fresh sign-in.
    assert!(sign_in(&r, &client, "jane@example.com")["IdToken"].is_string());
}

#[test]
fn a_restarted_registry_keeps_the_plan_and_the_lambda_config() {
    let db = TempDb::new("restart-lambda");
    let (pool, before) = {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db.path()).unwrap());
        let r = Registry::open(options(store, vec![master()])).unwrap();
        let pool = wire::Calls::create_pool(
            &r,
            &json!({
            "PoolName": "plan",
            "UserPoolTier": "LITE",
            "LambdaConfig": {"KMSKeyID": KMS_KEY},
            }),
        );
        r.ok(
            "UpdateUserPool",
            &json!({"UserPoolId": pool, "UserPoolTier": "PLUS",
                    "LambdaConfig": {"KMSKeyID": KMS_KEY}}),
        );
        (pool.clone(), r.describe(&pool))
    };
    assert_eq!(before["UserPoolTier"], "PLUS");
    assert_eq!(before["LambdaConfig"], json!({"KMSKeyID": KMS_KEY}));

    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db.path()).unwrap());
    let r = Registry::open(options(store, vec![master()])).unwrap();
    assert_eq!(r.describe(&pool), before);
    let listed = r.ok("ListUserPools", &json!({"MaxResults": 10}));
    assert_eq!(
        listed["UserPools"][0]["LambdaConfig"],
        json!({"KMSKeyID": KMS_KEY})
    );
    let config = r.pool(&pool).unwrap().config();
    assert_eq!(config.tier(), userpool::config::UserPoolTier::Plus);
    assert_eq!(config.lambda_config().kms_key_id.as_deref(), Some(KMS_KEY));

    // An update without LambdaConfig removes it, and that is stored too.
    r.ok("UpdateUserPool", &json!({"UserPoolId": pool}));
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db.path()).unwrap());
    let r = Registry::open(options(store, vec![master()])).unwrap();
    let after = r.describe(&pool);
    assert_eq!(after["LambdaConfig"], json!({}));
    assert_eq!(after["UserPoolTier"], "PLUS", "the plan stays");
}

#[test]
fn the_wrong_master_key_is_refused_by_its_id_and_changes_nothing() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let first = Registry::open(options(Arc::clone(&store), vec![master()])).unwrap();
    let pool = create_persisted_pool(&first);
    let record = store.get_pool(&pool).unwrap().unwrap();

    let other = MasterKey::generate().unwrap();
    let e = Registry::open(options(Arc::clone(&store), vec![other])).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InternalError);
    assert!(e.message().contains(master().id()), "{}", e.message());
    assert!(e.message().contains(&pool), "{}", e.message());
    assert_eq!(store.get_pool(&pool).unwrap().unwrap(), record);
    // A registry that cannot open the pool answers with an error, not a panic.
    let lazy = Registry::new(options(
        Arc::clone(&store),
        vec![MasterKey::generate().unwrap()],
    ));
    let (status, kind, _) = lazy.failed("DescribeUserPool", &json!({"UserPoolId": pool}));
    assert_eq!(status, 500);
    assert_eq!(kind, "InternalErrorException");
}

#[test]
fn a_rotated_master_key_reseals_what_the_old_one_sealed() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let old = MasterKey::generate().unwrap();
    let new = MasterKey::generate().unwrap();
    let pool = create_persisted_pool(
        &Registry::open(options(Arc::clone(&store), vec![old.clone()])).unwrap(),
    );
    let sealed_by_old = store.get_pool(&pool).unwrap().unwrap();
    assert_eq!(sealed_by_old.sealing_key_id, old.id());

    let r = Registry::open(options(Arc::clone(&store), vec![new.clone(), old])).unwrap();
    let resealed = store.get_pool(&pool).unwrap().unwrap();
    assert_eq!(resealed.sealing_key_id, new.id());
    assert_eq!(resealed.definition, sealed_by_old.definition);
    assert_ne!(resealed.sealed_secrets, sealed_by_old.sealed_secrets);
    let jwks = r.pool(&pool).unwrap().jwks_json();

    // The old key can be retired now.
    let r = Registry::open(options(store, vec![new])).unwrap();
    assert_eq!(r.pool(&pool).unwrap().jwks_json(), jwks);
}

#[test]
fn a_corrupt_stored_pool_is_an_internal_error_naming_it() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let r = Registry::open(options(Arc::clone(&store), vec![master()])).unwrap();
    let pool = create_persisted_pool(&r);
    let mut record = store.get_pool(&pool).unwrap().unwrap();
    record.definition = r#"{"PoolName": 7}"#.to_owned();
    store.update_pool(&record, record.version).unwrap();
    let (status, kind, message) = r.failed("DescribeUserPool", &json!({"UserPoolId": pool}));
    assert_eq!(status, 500);
    assert_eq!(kind, "InternalErrorException");
    assert!(message.contains(&pool), "{message}");
    let e = Registry::open(options(store, vec![master()])).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InternalError);
}

#[test]
fn two_registries_on_one_store_share_pools_clients_changes_and_deletions() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let a = Registry::open(options(Arc::clone(&store), vec![master()])).unwrap();
    let b = Registry::open(options(Arc::clone(&store), vec![master()])).unwrap();
    let pool = create_persisted_pool(&a);
    assert_eq!(b.describe(&pool)["Id"], json!(pool), "B serves A's pool");

    // A client made through B signs in a user made through A, through A.
    let client = create_client(&b, &pool);
    confirmed_user(&a, &pool, "max@example.com");
    let tokens = sign_in(&a, &client, "max@example.com");
    // An access token issued by A is accepted by B.
    b.ok("GetUser", &json!({"AccessToken": tokens["AccessToken"]}));

    // A change through A is seen by B at its next request.
    a.ok(
        "UpdateUserPool",
        &json!({"UserPoolId": pool, "AutoVerifiedAttributes": ["email"],
                "Policies": {"PasswordPolicy": {"MinimumLength": 16}}}),
    );
    assert_eq!(
        b.describe(&pool)["Policies"]["PasswordPolicy"]["MinimumLength"],
        json!(16)
    );

    // Deleted through B: gone for A too, with its users and clients.
    b.ok("DeleteUserPool", &json!({"UserPoolId": pool}));
    let (kind, message) = a.refused("DescribeUserPool", &json!({"UserPoolId": pool}));
    assert_eq!(kind, "ResourceNotFoundException");
    assert_eq!(message, format!("User pool {pool} does not exist."));
    let (kind, _) = a.refused(
        "InitiateAuth",
        &json!({"ClientId": client.0, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "max@example.com", "PASSWORD": PASSWORD}}),
    );
    assert_eq!(kind, "ResourceNotFoundException");
    assert!(
        a.ok("ListUserPools", &json!({"MaxResults": 10}))["UserPools"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(store.list_users(&pool, None, 10).unwrap().is_empty());
}

#[test]
fn concurrent_changes_through_two_registries_are_all_kept() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let registries = [
        Registry::open(options(Arc::clone(&store), vec![master()])).unwrap(),
        Registry::open(options(Arc::clone(&store), vec![master()])).unwrap(),
    ];
    let pool = create_persisted_pool(&registries[0]);
    registries[1].describe(&pool);
    let barrier = Barrier::new(8);
    std::thread::scope(|s| {
        for i in 0..8 {
            let (r, barrier, pool) = (&registries[i % 2], &barrier, &pool);
            s.spawn(move || {
                barrier.wait();
                r.ok(
                    "AddCustomAttributes",
                    &json!({"UserPoolId": pool, "CustomAttributes": [
                        {"Name": format!("attr{i}"), "AttributeDataType": "String"}]}),
                );
            });
        }
    });
    for r in &registries {
        let names: Vec<String> = r.describe(&pool)["SchemaAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["Name"].as_str().unwrap().to_owned())
            .filter(|n| n.starts_with("custom:attr"))
            .collect();
        assert_eq!(names.len(), 8, "every concurrent change is kept: {names:?}");
    }
}

#[test]
fn a_registry_without_a_master_key_persists_no_pool() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let r = Registry::open(options(Arc::clone(&store), Vec::new())).unwrap();
    let pool = create_persisted_pool(&r);
    assert_eq!(store.get_pool(&pool).unwrap(), None);
    assert!(store.list_pools(None, 10).unwrap().is_empty());
    // Its clients are in the store all the same (the pool reads them there).
    let client = create_client(&r, &pool);
    assert!(store.get_client(&pool, &client.0).unwrap().is_some());
}

/// `ListUsers` reads attribute-prefix filters through the store's index
/// (`list_users_by_attribute_prefix`); every store must give the same pages
/// as a plain scan of `MemoryStore`.
#[test]
fn list_users_filters_give_the_same_pages_in_every_store() {
    use userpool::config::PoolConfig;
    use userpool::{AdminCreateUserRequest, ListUsersRequest, MessageAction, UserPool};
    let db = TempDb::new("filters");
    let mut stores: Vec<(&str, Arc<dyn Store>)> = vec![
        ("memory", Arc::new(MemoryStore::new())),
        ("sqlite", Arc::new(SqliteStore::open(db.path()).unwrap())),
    ];
    // And PostgreSQL when there is one, in a schema dropped when the test ends.
    let schema = postgres_url().map(|url| {
        let schema = TempSchema::reserve(&url, "filters");
        let store = userpool::store::PostgresStore::connect_in_schema(&url, schema.name()).unwrap();
        stores.push(("postgres", Arc::new(store)));
        schema
    });
    if schema.is_none() {
        eprintln!("PostgreSQL left out: {NO_POSTGRES}");
    }
    let names = [
        ("zed", "ali@example.com", "Ali"),
        ("yan", "alice@example.com", "Alice"),
        ("xu", "ALICE@example.com", "alice"),
        ("wes", "bob@example.com", "Bob"),
        ("vic", "alix@example.com", "Ali"),
        ("uma", "élodie@example.com", "Élodie"),
    ];
    let filters = [
        r#"email ^= "ali""#,
        r#"email ^= "ALI""#,
        r#"email = "ali@example.com""#,
        r#"email ^= "é""#,
        r#"given_name ^= "Ali""#,
        r#"given_name = "Ali""#,
        r#"username ^= "x""#,
        r#"cognito:user_status = "force_change_password""#,
        r#"email ^= """#,
        r#"family_name ^= "a""#,
    ];
    let mut answers: Vec<(&str, Vec<Vec<String>>)> = Vec::new();
    for (kind, store) in &stores {
        let pool = UserPool::builder(
            PoolConfig::builder("filters")
                .standard_attribute(userpool::schema::StandardAttribute::new("given_name"))
                .build()
                .unwrap(),
        )
        .pool_id(format!("us-east-1_Filters{}", std::process::id()))
        .store(Arc::clone(store))
        .hashing(HashingParams::insecure_fast_for_tests())
        .keys(shared_keys())
        .build()
        .unwrap();
        for (name, email, given) in names {
            let mut request = AdminCreateUserRequest::new(name)
                .attribute("email", email)
                .attribute("given_name", given);
            request.message_action = Some(MessageAction::Suppress);
            pool.admin_create_user(request).unwrap();
        }
        let mut pages_per_filter = Vec::new();
        for filter in filters {
            // Two users a page, so pagination through the index is covered.
            let mut all = Vec::new();
            let mut token = None;
            loop {
                let page = pool
                    .list_users({
                        let mut r = ListUsersRequest::new().filter(filter).limit(2);
                        r.pagination_token = token;
                        r
                    })
                    .unwrap();
                all.push(
                    page.users
                        .iter()
                        .map(|u| u.username.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                );
                match page.pagination_token {
                    Some(t) => token = Some(t),
                    None => break,
                }
            }
            pages_per_filter.push(all);
        }
        answers.push((kind, pages_per_filter));
    }
    let (_, expected) = &answers[0];
    assert_eq!(expected[0], ["vic,yan", "zed"], "email ^= \"ali\"");
    assert_eq!(expected[1], ["xu"], "case-sensitive pool: only ALICE@");
    for (kind, got) in &answers[1..] {
        for (i, filter) in filters.iter().enumerate() {
            assert_eq!(&got[i], &expected[i], "{kind}: {filter}");
        }
    }
}

#[test]
fn rotated_signing_keys_are_persisted_and_old_tokens_still_verify() {
    let db = TempDb::new("rotate");
    let open = || {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db.path()).unwrap());
        Registry::open(options(store, vec![master()])).unwrap()
    };
    let r = open();
    let pool = create_persisted_pool(&r);
    let client = create_client(&r, &pool);
    confirmed_user(&r, &pool, "kim@example.com");
    let before = sign_in(&r, &client, "kim@example.com");
    let next = KeySet::generate().unwrap();
    r.rotate_keys(&pool, next.clone()).unwrap();
    let after = sign_in(&r, &client, "kim@example.com");
    drop(r);

    let r = open();
    let p = r.pool(&pool).unwrap();
    let jwks: Value = serde_json::from_str(&p.jwks_json()).unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert_eq!(kids.len(), 4, "current and previous generation: {kids:?}");
    assert!(kids.contains(&next.access_kid()) && kids.contains(&shared_keys().access_kid()));
    let header_kid = |token: &Value| {
        use base64::Engine as _;
        let head = token.as_str().unwrap().split('.').next().unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(head)
            .unwrap();
        serde_json::from_slice::<Value>(&bytes).unwrap()["kid"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        header_kid(&before["AccessToken"]),
        shared_keys().access_kid()
    );
    assert_eq!(header_kid(&after["AccessToken"]), next.access_kid());
    for tokens in [&before, &after] {
        r.ok("GetUser", &json!({"AccessToken": tokens["AccessToken"]}));
    }
    let fresh = sign_in(&r, &client, "kim@example.com");
    assert_eq!(header_kid(&fresh["IdToken"]), next.id_kid());
}

#[test]
fn a_rotated_pool_secret_is_persisted_and_a_restart_serves_everything_with_the_new_one() {
    let db = TempDb::new("rotate-secret");
    let open = || {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(db.path()).unwrap());
        Registry::open(options(store, vec![master()])).unwrap()
    };
    let r = open();
    let pool = create_persisted_pool(&r);
    let client = create_client(&r, &pool);
    confirmed_user(&r, &pool, "kim@example.com");
    let before = r.pool(&pool).unwrap().simulation_key();
    let sealed_before = r
        .options()
        .store
        .get_pool(&pool)
        .unwrap()
        .unwrap()
        .sealed_secrets;
    let report = r.rotate_pool_secret(&pool).unwrap();
    assert_eq!(report.client_secrets, 1, "{report:?}");
    let sealed_after = r
        .options()
        .store
        .get_pool(&pool)
        .unwrap()
        .unwrap()
        .sealed_secrets;
    assert_ne!(sealed_before, sealed_after);
    drop(r);

    // A restarted process: the client's secret, the user's password and
    // the simulation key all work; nothing asks for the old secret.
    let r = open();
    sign_in(&r, &client, "kim@example.com");
    assert_eq!(*r.pool(&pool).unwrap().simulation_key(), *before);
    assert_eq!(
        r.rotate_pool_secret("us-east-1_Nope12345")
            .unwrap_err()
            .code(),
        ErrorCode::ResourceNotFound
    );
    // A registry that does not persist its pools cannot rotate one.
    let memory = Registry::new(options(Arc::new(MemoryStore::new()), Vec::new()));
    let id = create_persisted_pool(&memory);
    assert_eq!(
        memory.rotate_pool_secret(&id).unwrap_err().code(),
        ErrorCode::InvalidParameter
    );
}
