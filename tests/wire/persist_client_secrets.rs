//! Client secret rotation (`AddUserPoolClientSecret`,
//! `ListUserPoolClientSecrets`, `DeleteUserPoolClientSecret`) on the wire:
//! its rules and messages, `SECRET_HASH` under either secret during a
//! rotation, and the secrets surviving a restart of a registry over a
//! `SqliteStore`.

use serde_json::{Value, json};
use userpool::client::{ClientSecret, secret_hash};

use crate::support::PASSWORD;
use crate::support::db::TempDb;
use crate::support::wire::open_sqlite as open;
use crate::support::wire::{self, Calls as _};

const CUSTOM: &str = "myOwnSecret_0123456789+abcdef";

/// A pool with a confidential password client and a public one, and a
/// confirmed user `alice`: (pool, confidential id, its secret, public id).
fn setup(r: &userpool::registry::Registry) -> (String, String, String, String) {
    let pool = wire::Calls::create_pool(r, &json!({"PoolName": "rotation"}));
    let client = r.ok(
        "CreateUserPoolClient",
        &json!({"UserPoolId": pool, "ClientName": "server", "GenerateSecret": true,
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )["UserPoolClient"]
        .clone();
    let public = r.ok(
        "CreateUserPoolClient",
        &json!({"UserPoolId": pool, "ClientName": "browser"}),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    r.ok(
        "AdminCreateUser",
        &json!({"UserPoolId": pool, "Username": "alice", "MessageAction": "SUPPRESS"}),
    );
    r.ok(
        "AdminSetUserPassword",
        &json!({"UserPoolId": pool, "Username": "alice", "Password": PASSWORD, "Permanent": true}),
    );
    (
        pool,
        client["ClientId"].as_str().unwrap().to_owned(),
        client["ClientSecret"].as_str().unwrap().to_owned(),
        public,
    )
}

fn sign_in(r: &userpool::registry::Registry, client: &str, secret: &str) -> (u16, Value) {
    let hash = secret_hash(&ClientSecret::new(secret), "alice", client);
    r.call(
        "InitiateAuth",
        &json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": hash}}),
    )
}

fn ids(list: &Value) -> Vec<String> {
    list["ClientSecrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ClientSecretId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn rotation_rules_and_messages() {
    let db = TempDb::new("secret-rules");
    let r = open(&db);
    let (pool, client, original, public) = setup(&r);
    let target = json!({"UserPoolId": pool, "ClientId": client});

    // One secret at first, listed without its value, id `<client>--<millis>`.
    let list = r.ok("ListUserPoolClientSecrets", &target);
    let first = &list["ClientSecrets"][0];
    assert_eq!(list["ClientSecrets"].as_array().unwrap().len(), 1);
    assert_eq!(
        first.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["ClientSecretCreateDate", "ClientSecretId"]
    );
    let described = r.ok("DescribeUserPoolClient", &target)["UserPoolClient"].clone();
    assert_eq!(first["ClientSecretCreateDate"], described["CreationDate"]);
    assert!(
        first["ClientSecretId"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{client}--"))
    );

    // Its only secret cannot be deleted; an unknown one is not found.
    let (kind, message) = r.refused(
        "DeleteUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": first["ClientSecretId"]}),
    );
    assert_eq!(kind, "InvalidParameterException");
    assert_eq!(
        message,
        "The last client secret of an app client cannot be deleted."
    );
    let (kind, message) = r.refused(
        "DeleteUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": "nope--1"}),
    );
    assert_eq!(kind, "ResourceNotFoundException");
    assert_eq!(message, "Client secret nope--1 does not exist.");

    // A malformed custom secret fails model validation, its value hidden.
    let (kind, message) = r.refused(
        "AddUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": client, "ClientSecret": "short"}),
    );
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("'clientSecret'"), "{message}");
    assert!(!message.contains("short"), "{message}");

    // A public client has nothing to rotate.
    let (kind, message) = r.refused(
        "AddUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": public}),
    );
    assert_eq!(kind, "InvalidParameterException");
    assert_eq!(
        message,
        format!("Client {public} is not configured with a secret.")
    );
    assert_eq!(
        r.ok(
            "ListUserPoolClientSecrets",
            &json!({"UserPoolId": pool, "ClientId": public})
        ),
        json!({"ClientSecrets": []})
    );
    let (kind, message) = r.refused(
        "AddUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": "unknownclient"}),
    );
    assert_eq!(kind, "ResourceNotFoundException");
    assert_eq!(message, "User pool client unknownclient does not exist.");

    // A generated second secret: its value in the answer only.
    let added = r.ok("AddUserPoolClientSecret", &target)["ClientSecretDescriptor"].clone();
    let generated = added["ClientSecretValue"].as_str().unwrap().to_owned();
    assert_eq!(generated.len(), 51);
    assert_ne!(generated, original);
    assert_ne!(added["ClientSecretId"], first["ClientSecretId"]);
    let list = r.ok("ListUserPoolClientSecrets", &target);
    assert_eq!(
        ids(&list),
        [
            first["ClientSecretId"].as_str().unwrap(),
            added["ClientSecretId"].as_str().unwrap()
        ]
    );
    assert!(
        list["ClientSecrets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("ClientSecretValue").is_none())
    );
    // A third is over the limit.
    let (kind, message) = r.refused(
        "AddUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": client, "ClientSecret": CUSTOM}),
    );
    assert_eq!(kind, "LimitExceededException");
    assert_eq!(message, "An app client can have at most 2 client secrets.");
    // Describe still shows the older secret.
    assert_eq!(
        r.ok("DescribeUserPoolClient", &target)["UserPoolClient"]["ClientSecret"],
        original.as_str()
    );

    // Both sign in; after the original is deleted only the new one does,
    // and Describe shows the one left.
    assert_eq!(sign_in(&r, &client, &original).0, 200);
    assert_eq!(sign_in(&r, &client, &generated).0, 200);
    r.ok(
        "DeleteUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": first["ClientSecretId"]}),
    );
    let (status, out) = sign_in(&r, &client, &original);
    assert_eq!(status, 400);
    assert_eq!(out["__type"], "NotAuthorizedException");
    assert_eq!(
        out["message"],
        format!("Unable to verify secret hash for client {client}")
    );
    assert_eq!(sign_in(&r, &client, &generated).0, 200);
    assert_eq!(
        r.ok("DescribeUserPoolClient", &target)["UserPoolClient"]["ClientSecret"],
        generated.as_str()
    );

    // A custom secret's value is not echoed.
    let custom = r.ok(
        "AddUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": client, "ClientSecret": CUSTOM}),
    )["ClientSecretDescriptor"]
        .clone();
    assert!(custom.get("ClientSecretValue").is_none(), "{custom}");
    assert!(custom["ClientSecretCreateDate"].is_number());
    assert_eq!(sign_in(&r, &client, CUSTOM).0, 200);
}

#[test]
fn a_restarted_registry_keeps_both_secrets() {
    let db = TempDb::new("restart-secrets");
    let (pool, client, original, listed) = {
        let r = open(&db);
        let (pool, client, original, _) = setup(&r);
        r.ok(
            "AddUserPoolClientSecret",
            &json!({"UserPoolId": pool, "ClientId": client, "ClientSecret": CUSTOM}),
        );
        let listed = r.ok(
            "ListUserPoolClientSecrets",
            &json!({"UserPoolId": pool, "ClientId": client}),
        );
        (pool, client, original, listed)
    };
    let r = open(&db);
    let target = json!({"UserPoolId": pool, "ClientId": client});
    assert_eq!(r.ok("ListUserPoolClientSecrets", &target), listed);
    assert_eq!(sign_in(&r, &client, &original).0, 200);
    assert_eq!(sign_in(&r, &client, CUSTOM).0, 200);
    // Neither secret shows in the client's Debug form.
    let opened = r
        .pool(&pool)
        .unwrap()
        .describe_user_pool_client(&client)
        .unwrap();
    assert_eq!(opened.secrets().len(), 2);
    let debug = format!("{opened:?}");
    assert!(
        !debug.contains(CUSTOM) && !debug.contains(&original),
        "{debug}"
    );
    // Deleting the original after the restart leaves the custom one, which
    // a third process still finds.
    let first = ids(&listed)[0].clone();
    r.ok(
        "DeleteUserPoolClientSecret",
        &json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": first}),
    );
    drop(r);
    let r = open(&db);
    assert_eq!(
        ids(&r.ok("ListUserPoolClientSecrets", &target)),
        [ids(&listed)[1].clone()]
    );
    assert_eq!(sign_in(&r, &client, &original).0, 400);
    assert_eq!(sign_in(&r, &client, CUSTOM).0, 200);
    assert_eq!(
        r.ok("DescribeUserPoolClient", &target)["UserPoolClient"]["ClientSecret"],
        CUSTOM
    );
}

#[test]
fn a_pool_secret_rotation_reseals_both_client_secrets() {
    let db = TempDb::new("reseal-secrets");
    let (pool, client, original) = {
        let r = open(&db);
        let (pool, client, original, _) = setup(&r);
        r.ok(
            "AddUserPoolClientSecret",
            &json!({"UserPoolId": pool, "ClientId": client, "ClientSecret": CUSTOM}),
        );
        let report = r.rotate_pool_secret(&pool).unwrap();
        // One record holds both secrets, re-sealed together.
        assert_eq!(report.client_secrets, 1, "{report:?}");
        (pool, client, original)
    };
    let r = open(&db);
    assert_eq!(sign_in(&r, &client, &original).0, 200);
    assert_eq!(sign_in(&r, &client, CUSTOM).0, 200);
    assert_eq!(
        ids(&r.ok(
            "ListUserPoolClientSecrets",
            &json!({"UserPoolId": pool, "ClientId": client})
        ))
        .len(),
        2
    );
}
