//! The OAuth members of an app client on the wire (cognito-oauth.md §3):
//! `CreateUserPoolClient`, `UpdateUserPoolClient` and
//! `DescribeUserPoolClient` accept, echo and persist them; the §3.2 rules
//! answer with Cognito's `__type` and message; `UpdateUserPoolClient`
//! resets omitted members.

use serde_json::{Value, json};

use crate::support::db::TempDb;
use crate::support::pools::quickstart_json;
use crate::support::wire::{self, Calls as _, World};

const CB: &str = "https://app.example.com/cb";

/// Every OAuth member, for a code-flow web client.
fn web_client(pool_id: &str) -> Value {
    json!({
        "UserPoolId": pool_id,
        "ClientName": "web",
        "AllowedOAuthFlowsUserPoolClient": true,
        "AllowedOAuthFlows": ["code", "implicit"],
        "AllowedOAuthScopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
        "CallbackURLs": [CB, "http://localhost:3000/cb", "myapp://cb"],
        "LogoutURLs": ["https://app.example.com/bye"],
        "DefaultRedirectURI": CB,
        "SupportedIdentityProviders": ["COGNITO"]
    })
}

/// The OAuth members of a `UserPoolClientType`, as given in `web_client`.
fn oauth_members(client: &Value) -> Value {
    let keys = [
        "AllowedOAuthFlowsUserPoolClient",
        "AllowedOAuthFlows",
        "AllowedOAuthScopes",
        "CallbackURLs",
        "LogoutURLs",
        "DefaultRedirectURI",
        "SupportedIdentityProviders",
    ];
    let map = client.as_object().unwrap();
    Value::Object(
        keys.iter()
            .filter_map(|k| map.get(*k).map(|v| ((*k).to_owned(), v.clone())))
            .collect(),
    )
}

#[test]
fn every_oauth_member_is_echoed_by_create_and_describe() {
    let w = World::new();
    let pool_id = w.create_pool(&quickstart_json());
    let created = w.ok("CreateUserPoolClient", &web_client(&pool_id))["UserPoolClient"].clone();
    let expected = json!({
        "AllowedOAuthFlowsUserPoolClient": true,
        "AllowedOAuthFlows": ["code", "implicit"],
        "AllowedOAuthScopes": ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
        "CallbackURLs": [CB, "http://localhost:3000/cb", "myapp://cb"],
        "LogoutURLs": ["https://app.example.com/bye"],
        "DefaultRedirectURI": CB,
        "SupportedIdentityProviders": ["COGNITO"]
    });
    assert_eq!(oauth_members(&created), expected);
    let described = w.ok(
        "DescribeUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": created["ClientId"]}),
    )["UserPoolClient"]
        .clone();
    assert_eq!(described, created);
}

#[test]
fn settings_are_stored_and_echoed_while_the_switch_is_off() {
    let w = World::new();
    let pool_id = w.create_pool(&quickstart_json());
    let mut body = web_client(&pool_id);
    body["AllowedOAuthFlowsUserPoolClient"] = json!(false);
    let created = w.ok("CreateUserPoolClient", &body)["UserPoolClient"].clone();
    assert_eq!(created["AllowedOAuthFlowsUserPoolClient"], json!(false));
    assert_eq!(created["AllowedOAuthFlows"], json!(["code", "implicit"]));
    assert_eq!(created["DefaultRedirectURI"], json!(CB));
}

#[test]
fn update_resets_omitted_oauth_members() {
    let w = World::new();
    let pool_id = w.create_pool(&quickstart_json());
    let id =
        w.ok("CreateUserPoolClient", &web_client(&pool_id))["UserPoolClient"]["ClientId"].clone();
    let updated = w.ok(
        "UpdateUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": id, "AllowedOAuthScopes": ["openid"]}),
    )["UserPoolClient"]
        .clone();
    assert_eq!(
        oauth_members(&updated),
        json!({"AllowedOAuthFlowsUserPoolClient": false, "AllowedOAuthScopes": ["openid"]})
    );
    // Omitting the callbacks of a code client is V6.
    let (code, message) = w.refused(
        "UpdateUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": id, "AllowedOAuthFlows": ["code"],
                "AllowedOAuthScopes": ["openid"]}),
    );
    assert_eq!(code, "InvalidOAuthFlowException");
    assert_eq!(
        message,
        "CallbackUrls can not be empty when code flow or implicit flow is selected"
    );
    let described = w.ok(
        "DescribeUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": id}),
    )["UserPoolClient"]
        .clone();
    assert_eq!(described, updated, "a refused update changes nothing");
}

#[test]
fn the_rules_answer_with_cognitos_types_and_messages() {
    let w = World::new();
    let pool_id = w.create_pool(&quickstart_json());
    let base = json!({"UserPoolId": pool_id, "ClientName": "m2m"});
    let with = |pairs: Value| {
        let mut body = base.clone();
        for (k, v) in pairs.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (
            json!({"AllowedOAuthFlows": ["code", "token"]}),
            "InvalidParameterException",
            "1 validation error detected: Value '[code, token]' at 'allowedOAuthFlows' failed to \
             satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value \
             set: [implicit, client_credentials, code]]",
        ),
        (
            json!({"AllowedOAuthFlowsUserPoolClient": true}),
            "InvalidParameterException",
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is \
             allowed to use OAuth flows.",
        ),
        (
            json!({"AllowedOAuthFlows": ["client_credentials", "code"], "CallbackURLs": [CB],
                   "GenerateSecret": true}),
            "InvalidOAuthFlowException",
            "client_credentials flow can not be selected along with code flow or implicit flow.",
        ),
        (
            json!({"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["x/y"]}),
            "InvalidOAuthFlowException",
            "client_credentials flow can not be selected if client does not have a client secret.",
        ),
        (
            json!({"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["openid"],
                   "GenerateSecret": true}),
            "InvalidOAuthFlowException",
            "openid is not supported with client_credentials flow",
        ),
        (
            json!({"AllowedOAuthScopes": ["openid", "https://api.example.com/read"]}),
            "ScopeDoesNotExistException",
            "Invalid scope requested: https://api.example.com/read",
        ),
        (
            json!({"CallbackURLs": ["http://app.example.com/cb"]}),
            "InvalidParameterException",
            "Invalid redirect URI: http://app.example.com/cb",
        ),
        (
            json!({"CallbackURLs": [CB], "DefaultRedirectURI": "https://app.example.com/x"}),
            "InvalidParameterException",
            "DefaultRedirectURI must be one of the CallbackURLs.",
        ),
        (
            json!({"SupportedIdentityProviders": ["COGNITO", "Facebook"]}),
            "InvalidParameterException",
            &*format!("The provider Facebook does not exist for User Pool {pool_id}"),
        ),
    ];
    for (members, kind, text) in cases {
        let (code, message) = w.refused("CreateUserPoolClient", &with(members.clone()));
        assert_eq!((code.as_str(), message.as_str()), (kind, text), "{members}");
    }
    let listed = w.ok("ListUserPoolClients", &json!({"UserPoolId": pool_id}));
    assert_eq!(listed["UserPoolClients"], json!([]));

    // With a secret (and the switch off, so no scopes are needed),
    // client_credentials alone is accepted.
    let m2m = w.ok(
        "CreateUserPoolClient",
        &with(json!({"AllowedOAuthFlows": ["client_credentials"], "GenerateSecret": true})),
    )["UserPoolClient"]
        .clone();
    assert_eq!(m2m["AllowedOAuthFlows"], json!(["client_credentials"]));
    // The update keeps the generated secret, so V4 still passes.
    let updated = w.ok(
        "UpdateUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": m2m["ClientId"],
                "AllowedOAuthFlows": ["client_credentials"]}),
    )["UserPoolClient"]
        .clone();
    assert_eq!(updated["ClientSecret"], m2m["ClientSecret"]);
}

use crate::support::wire::open_sqlite as open;

#[test]
fn a_restarted_registry_keeps_the_oauth_members() {
    let db = TempDb::new("restart-oauth-client");
    let (pool_id, client) = {
        let r = open(&db);
        let pool_id = wire::Calls::create_pool(&r, &quickstart_json());
        let client = r.ok("CreateUserPoolClient", &web_client(&pool_id))["UserPoolClient"].clone();
        (pool_id, client)
    };
    let r = open(&db);
    let described = r.ok(
        "DescribeUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": client["ClientId"]}),
    )["UserPoolClient"]
        .clone();
    assert_eq!(described, client);
    let config = r
        .pool(&pool_id)
        .unwrap()
        .describe_user_pool_client(client["ClientId"].as_str().unwrap())
        .unwrap()
        .config()
        .clone();
    assert_eq!(config.default_redirect_uri(), Some(CB));
    assert_eq!(config.logout_urls(), ["https://app.example.com/bye"]);
}
