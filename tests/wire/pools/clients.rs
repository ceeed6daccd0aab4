//! App-client CRUD, every field echoed, and the settings the engine lacks
//! refused.

use std::time::Duration;

use serde_json::json;

use crate::support::START;
use crate::support::pools::quickstart_json;
use crate::support::wire::{Calls as _, World};

use super::with;

#[test]
fn app_client_crud_echoes_every_field() {
    let w = World::new();
    let pool_id = w.create_pool(&quickstart_json());
    w.clock.advance(Duration::from_secs(10));
    let created = w.ok(
        "CreateUserPoolClient",
        &json!({
            "UserPoolId": pool_id,
            "ClientName": "web",
            "GenerateSecret": true,
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
            "AccessTokenValidity": 15,
            "IdTokenValidity": 30,
            "RefreshTokenValidity": 7,
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
            "ReadAttributes": ["email", "email_verified", "custom:tenant_id"],
            "WriteAttributes": ["email", "family_name"],
            "PreventUserExistenceErrors": "ENABLED",
            "EnableTokenRevocation": false,
            "AuthSessionValidity": 5,
            "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10},
            "AllowedOAuthFlowsUserPoolClient": false,
            "CallbackURLs": []
        }),
    )["UserPoolClient"]
        .clone();
    let client_id = created["ClientId"].as_str().unwrap().to_owned();
    assert_eq!(client_id.len(), 26);
    let secret = created["ClientSecret"].as_str().unwrap();
    assert_eq!(secret.len(), 51, "GenerateSecret draws a secret");
    let expected = json!({
        "UserPoolId": pool_id,
        "ClientName": "web",
        "ClientId": client_id,
        "ClientSecret": secret,
        "LastModifiedDate": (START.unix_seconds() + 10) as f64,
        "CreationDate": (START.unix_seconds() + 10) as f64,
        "RefreshTokenValidity": 7,
        "AccessTokenValidity": 15,
        "IdTokenValidity": 30,
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        "ReadAttributes": ["email", "email_verified", "custom:tenant_id"],
        "WriteAttributes": ["email", "family_name"],
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "AllowedOAuthFlowsUserPoolClient": false,
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": false,
        "EnablePropagateAdditionalUserContextData": false,
        "AuthSessionValidity": 5,
        "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}
    });
    assert_eq!(created, expected);
    let described = w.ok(
        "DescribeUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": client_id}),
    );
    assert_eq!(described["UserPoolClient"], expected);

    // A client created with nothing but a name has Cognito's defaults, and
    // no secret and no attribute lists in its description.
    let plain = w.ok(
        "CreateUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientName": "mobile", "IdTokenValidity": 2, "TokenValidityUnits": {"IdToken": "hours"}}),
    )["UserPoolClient"]
        .clone();
    for absent in ["ClientSecret", "ReadAttributes", "WriteAttributes"] {
        assert!(plain.get(absent).is_none(), "{absent}");
    }
    assert_eq!(plain["AccessTokenValidity"], 60);
    assert_eq!(
        plain["IdTokenValidity"], 2,
        "reported in the unit it was given in"
    );
    assert_eq!(
        plain["TokenValidityUnits"],
        json!({"AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "days"})
    );
    assert_eq!(plain["RefreshTokenValidity"], 30);
    assert_eq!(
        plain["ExplicitAuthFlows"],
        json!([
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_CUSTOM_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH"
        ])
    );
    assert_eq!(plain["PreventUserExistenceErrors"], "LEGACY");
    assert_eq!(plain["EnableTokenRevocation"], true);
    assert_eq!(plain["AuthSessionValidity"], 3);
    let plain_id = plain["ClientId"].as_str().unwrap().to_owned();

    // ListUserPoolClients, one at a time.
    let mut listed = Vec::new();
    let mut body = json!({"UserPoolId": pool_id, "MaxResults": 1});
    loop {
        let page = w.ok("ListUserPoolClients", &body);
        for c in page["UserPoolClients"].as_array().unwrap() {
            assert_eq!(c["UserPoolId"], json!(pool_id));
            listed.push((
                c["ClientId"].as_str().unwrap().to_owned(),
                c["ClientName"].as_str().unwrap().to_owned(),
            ));
            assert_eq!(c.as_object().unwrap().len(), 3);
        }
        match page.get("NextToken") {
            Some(t) => body["NextToken"] = t.clone(),
            None => break,
        }
    }
    let mut expected_list = vec![
        (client_id.clone(), "web".to_owned()),
        (plain_id.clone(), "mobile".to_owned()),
    ];
    expected_list.sort();
    assert_eq!(listed, expected_list);

    // UpdateUserPoolClient: what is given changes, what is left out returns
    // to its default; the id, the secret and the creation date stay.
    w.clock.advance(Duration::from_secs(10));
    let updated = w.ok(
        "UpdateUserPoolClient",
        &json!({
            "UserPoolId": pool_id,
            "ClientId": client_id,
            "ClientName": "web v2",
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "AccessTokenValidity": 10,
            "TokenValidityUnits": {"AccessToken": "minutes"}
        }),
    )["UserPoolClient"]
        .clone();
    assert_eq!(updated["ClientName"], "web v2");
    assert_eq!(updated["ClientSecret"], json!(secret));
    assert_eq!(
        updated["CreationDate"],
        json!((START.unix_seconds() + 10) as f64)
    );
    assert_eq!(
        updated["LastModifiedDate"],
        json!((START.unix_seconds() + 20) as f64)
    );
    assert_eq!(updated["AccessTokenValidity"], 10);
    assert_eq!(updated["RefreshTokenValidity"], 30);
    assert_eq!(updated["PreventUserExistenceErrors"], "LEGACY");
    assert_eq!(updated["EnableTokenRevocation"], true);
    assert_eq!(updated["RefreshTokenRotation"]["Feature"], "DISABLED");
    assert!(updated.get("ReadAttributes").is_none());
    assert_eq!(
        w.ok(
            "DescribeUserPoolClient",
            &json!({"UserPoolId": pool_id, "ClientId": client_id})
        )["UserPoolClient"],
        updated
    );

    // DeleteUserPoolClient, then the client is gone.
    assert_eq!(
        w.ok(
            "DeleteUserPoolClient",
            &json!({"UserPoolId": pool_id, "ClientId": client_id})
        ),
        json!({})
    );
    for op in [
        "DescribeUserPoolClient",
        "DeleteUserPoolClient",
        "UpdateUserPoolClient",
    ] {
        let (code, message) = w.refused(op, &json!({"UserPoolId": pool_id, "ClientId": client_id}));
        assert_eq!(code, "ResourceNotFoundException", "{op}");
        assert_eq!(
            message,
            format!("User pool client {client_id} does not exist.")
        );
    }
    let (code, _) = w.refused(
        "DescribeUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientId": "unknownclientid0000000000"}),
    );
    assert_eq!(code, "ResourceNotFoundException");
}

#[test]
fn app_client_settings_the_engine_lacks_are_refused() {
    let w = World::new();
    let pool_id = w.create_pool(&quickstart_json());
    let base = json!({"UserPoolId": pool_id, "ClientName": "c"});
    let cases = [
        (
            "AnalyticsConfiguration",
            json!({"ApplicationId": "abc"}),
            "AnalyticsConfiguration",
        ),
        (
            "ReadAttributes",
            json!(["custom:nope"]),
            "Invalid read attributes specified while creating a client",
        ),
        (
            "WriteAttributes",
            json!(["shoe_size"]),
            "Invalid write attributes specified while creating a client",
        ),
        (
            "ClientSecret",
            json!("s".repeat(30)),
            "GenerateSecret and ClientSecret cannot both be specified.",
        ),
        (
            "AccessTokenValidity",
            json!(25),
            "AccessTokenValidity must be between 5 minutes and 1 day, got 25 hours",
        ),
        ("AuthSessionValidity", json!(16), "'authSessionValidity'"),
        (
            "ExplicitAuthFlows",
            json!(["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"]),
            "cannot mix",
        ),
        (
            "PreventUserExistenceErrors",
            json!("MAYBE"),
            "enum value set: [LEGACY, ENABLED]",
        ),
    ];
    for (member, value, expected) in cases {
        let mut body = with(base.clone(), member, value);
        if member == "ClientSecret" {
            body["GenerateSecret"] = json!(true);
        }
        let (code, message) = w.refused("CreateUserPoolClient", &body);
        assert_eq!(code, "InvalidParameterException", "{member}");
        assert!(message.contains(expected), "{member}: {message}");
    }
    let listed = w.ok("ListUserPoolClients", &json!({"UserPoolId": pool_id}));
    assert_eq!(
        listed["UserPoolClients"],
        json!([]),
        "a refused request creates no client"
    );

    // An explicit secret is used as given.
    let secret = "abcdefghijklmnopqrstuvwxyz0123";
    let created = w.ok(
        "CreateUserPoolClient",
        &with(base.clone(), "ClientSecret", json!(secret)),
    );
    assert_eq!(created["UserPoolClient"]["ClientSecret"], secret);

    let (code, _) = w.refused(
        "CreateUserPoolClient",
        &json!({"UserPoolId": "us-east-1_Nope", "ClientName": "c"}),
    );
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = w.refused(
        "UpdateUserPoolClient",
        &json!({
            "UserPoolId": pool_id,
            "ClientId": created["UserPoolClient"]["ClientId"],
            "GenerateSecret": true
        }),
    );
    assert_eq!(
        code, "InvalidParameterException",
        "a secret is fixed at creation"
    );
}
