//! Admin-created users (`NEW_PASSWORD_REQUIRED`, `AdminCreateUser`'s options)
//! and `ListUsers` filters and pages.

use serde_json::json;

use crate::support::wire::Calls;
use crate::support::{PASSWORD, START};

use super::{NEW_PASSWORD, OnePool, attr, keys_of, set};

#[test]
fn admin_created_user_answers_new_password_required() {
    let w = OnePool::new();
    let out = w.admin_user("carol", "carol@example.com");
    assert_eq!(keys_of(&out), set(&["User"]));
    let user = &out["User"];
    assert_eq!(
        keys_of(user),
        set(&[
            "Username",
            "Attributes",
            "UserCreateDate",
            "UserLastModifiedDate",
            "Enabled",
            "UserStatus"
        ])
    );
    assert_eq!(user["Username"], "carol");
    assert_eq!(user["Enabled"], true);
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(
        user["UserCreateDate"].as_f64(),
        Some(START.unix_seconds() as f64)
    );
    assert_eq!(user["Attributes"][0]["Name"], "sub");
    assert!(
        w.world.outbox.messages().is_empty(),
        "SUPPRESS sends nothing"
    );

    let out = w.ok(
        "AdminInitiateAuth",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": PASSWORD},
            "ContextData": {"IpAddress": "127.0.0.1", "ServerName": "x", "ServerPath": "/", "HttpHeaders": []},
        }),
    );
    assert_eq!(
        keys_of(&out),
        set(&["ChallengeName", "Session", "ChallengeParameters"])
    );
    assert_eq!(out["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let session = out["Session"].as_str().expect("Session").to_owned();
    assert!(session.len() >= 20);
    let params = &out["ChallengeParameters"];
    assert_eq!(params["USER_ID_FOR_SRP"], "carol");
    assert!(params["requiredAttributes"].is_string());
    assert!(params["userAttributes"].is_string());

    // The legacy name ADMIN_NO_SRP_AUTH is the same flow.
    let again = w.ok(
        "AdminInitiateAuth",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "AuthFlow": "ADMIN_NO_SRP_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(again["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    let (t, _) = w.refused(
        "AdminRespondToAuthChallenge",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeResponses": {"USERNAME": "carol", "NEW_PASSWORD": "short"},
        }),
    );
    assert_eq!(t, "InvalidPasswordException");

    let out = w.ok(
        "AdminRespondToAuthChallenge",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": again["Session"],
            "ChallengeResponses": {"USERNAME": "carol", "NEW_PASSWORD": NEW_PASSWORD},
        }),
    );
    assert_eq!(
        keys_of(&out),
        set(&["ChallengeParameters", "AuthenticationResult"])
    );
    assert_eq!(out["ChallengeParameters"], json!({}));

    let out = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "carol"}),
    );
    assert_eq!(
        keys_of(&out),
        set(&[
            "Username",
            "UserAttributes",
            "UserCreateDate",
            "UserLastModifiedDate",
            "Enabled",
            "UserStatus"
        ])
    );
    assert_eq!(out["UserStatus"], "CONFIRMED");
    assert_eq!(
        attr(&out["UserAttributes"], "email"),
        Some("carol@example.com")
    );
    assert!(w.sign_in("carol", NEW_PASSWORD).is_object());

    // USER_PASSWORD_AUTH is not an AdminInitiateAuth flow, and the other way round.
    let (t, m) = w.refused(
        "AdminInitiateAuth",
        &json!({
            "UserPoolId": w.pool_id(),
            "ClientId": w.client_id,
            "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": NEW_PASSWORD},
        }),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(m, "Initiate Auth method not supported.");
    let (t, _) = w.refused(
        "InitiateAuth",
        &json!({
            "ClientId": w.client_id,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": NEW_PASSWORD},
        }),
    );
    assert_eq!(t, "InvalidParameterException");
}

#[test]
fn admin_create_user_options() {
    let w = OnePool::new();
    let out = w.ok(
        "AdminCreateUser",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "dave",
            "UserAttributes": [
                {"Name": "email", "Value": "dave@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
            "DesiredDeliveryMediums": ["EMAIL"],
            "ForceAliasCreation": false,
        }),
    );
    assert_eq!(out["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let temporary = w.code_for("dave@example.com");
    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "dave", "PASSWORD": temporary},
        }),
    );
    assert_eq!(out["ChallengeName"], "NEW_PASSWORD_REQUIRED");

    // RESEND issues a new temporary password.
    let out = w.ok(
        "AdminCreateUser",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "dave",
            "MessageAction": "RESEND",
            "DesiredDeliveryMediums": ["EMAIL"],
        }),
    );
    assert_eq!(out["User"]["Username"], "dave");
    assert_eq!(w.world.outbox.messages_for("dave").len(), 2);

    let (t, m) = w.refused(
        "AdminCreateUser",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "dave",
            "TemporaryPassword": PASSWORD,
            "MessageAction": "SUPPRESS",
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("UsernameExistsException", "User account already exists")
    );

    let (t, m) = w.refused(
        "AdminCreateUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "erin", "MessageAction": "SHOUT"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value 'SHOUT' at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]"
    );
    let (t, m) = w.refused(
        "AdminCreateUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "erin", "DesiredDeliveryMediums": ["EMAIL", "PIGEON"]}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value '[EMAIL, PIGEON]' at 'desiredDeliveryMediums' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [SMS, EMAIL]]"
    );
    let (t, m) = w.refused(
        "AdminCreateUser",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "erin",
            "MessageAction": "SUPPRESS",
            "PreferredChallenge": "EMAIL_OTP",
        }),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "The parameter PreferredChallenge is not supported by this engine."
    );
    let (t, _) = w.refused(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "erin"}),
    );
    assert_eq!(
        t, "UserNotFoundException",
        "a refused request creates nothing"
    );
}

// ----- ListUsers -----

#[test]
fn list_users_filters_and_paginates() {
    let w = OnePool::new();
    for (name, email) in [
        ("ann", "ann@example.com"),
        ("abe", "abe@example.org"),
        ("amy", "amy@example.com"),
        ("ben", "ben@example.com"),
        ("cat", "cat@example.com"),
    ] {
        w.admin_user(name, email);
    }

    let out = w.ok("ListUsers", &json!({"UserPoolId": w.pool_id()}));
    assert_eq!(keys_of(&out), set(&["Users"]));
    let users = out["Users"].as_array().unwrap();
    assert_eq!(users.len(), 5);
    assert_eq!(
        keys_of(&users[0]),
        set(&[
            "Username",
            "Attributes",
            "UserCreateDate",
            "UserLastModifiedDate",
            "Enabled",
            "UserStatus"
        ])
    );

    let out = w.ok(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Filter": "email ^= \"a\""}),
    );
    let names: Vec<&str> = out["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["abe", "amy", "ann"]);

    let out = w.ok(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Filter": "email = \"ben@example.com\"", "AttributesToGet": ["email"]}),
    );
    assert_eq!(
        out["Users"][0]["Attributes"],
        json!([{"Name": "email", "Value": "ben@example.com"}])
    );

    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut body = json!({"UserPoolId": w.pool_id(), "Limit": 2});
        if let Some(t) = &token {
            body["PaginationToken"] = json!(t);
        }
        let out = w.ok("ListUsers", &body);
        let page = out["Users"].as_array().unwrap();
        assert!(page.len() <= 2);
        seen.extend(
            page.iter()
                .map(|u| u["Username"].as_str().unwrap().to_owned()),
        );
        match out.get("PaginationToken") {
            Some(t) => token = Some(t.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["abe", "amy", "ann", "ben", "cat"]);

    let (t, m) = w.refused(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Limit": 61}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"
    );
    let (t, _) = w.refused(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Limit": -1}),
    );
    assert_eq!(t, "InvalidParameterException");
    let (t, _) = w.refused(
        "ListUsers",
        &json!({"UserPoolId": w.pool_id(), "Filter": "custom:x = \"y\""}),
    );
    assert_eq!(t, "InvalidParameterException");
}
