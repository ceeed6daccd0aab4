//! The main flow (sign-up, confirmation, password sign-in, refresh, global
//! sign-out), the target without its service prefix, and SRP sign-in.

use serde_json::{Value, json};
use userpool::srp::SrpClient;

use crate::support::wire::Calls;
use crate::support::{PASSWORD, is_uuid_v4};

use super::{OnePool, attr, keys_of, set};

#[test]
fn sign_up_confirm_sign_in_refresh_and_global_sign_out() {
    let w = OnePool::new();

    let out = w.ok(
        "SignUp",
        &json!({
            "ClientId": w.client_id,
            "Username": "alice",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}],
            "ClientMetadata": {"source": "test"},
        }),
    );
    assert_eq!(
        keys_of(&out),
        set(&["UserConfirmed", "UserSub", "CodeDeliveryDetails"])
    );
    assert_eq!(out["UserConfirmed"], false);
    let sub = out["UserSub"].as_str().expect("UserSub").to_owned();
    assert!(is_uuid_v4(&sub), "{sub}");
    let details = &out["CodeDeliveryDetails"];
    assert_eq!(
        keys_of(details),
        set(&["Destination", "DeliveryMedium", "AttributeName"])
    );
    assert_eq!(details["DeliveryMedium"], "EMAIL");
    assert_eq!(details["AttributeName"], "email");
    let destination = details["Destination"].as_str().expect("Destination");
    assert!(destination.contains('*') && !destination.contains("alice@"));

    // Not yet confirmed: refused before the password is checked.
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("UserNotConfirmedException", "User is not confirmed.")
    );

    let (t, m) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": w.client_id, "Username": "alice", "ConfirmationCode": "000000x"}),
    );
    assert_eq!(t, "CodeMismatchException");
    assert_eq!(m, "Invalid verification code provided, please try again.");

    let out = w.ok(
        "ConfirmSignUp",
        &json!({
            "ClientId": w.client_id,
            "Username": "alice",
            "ConfirmationCode": w.code_for("alice@example.com"),
            "ForceAliasCreation": false,
        }),
    );
    assert_eq!(out, json!({}));

    let (t, m) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": w.client_id, "Username": "alice", "ConfirmationCode": "123456"}),
    );
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, "User cannot be confirmed. Current status is CONFIRMED");

    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(
        keys_of(&out),
        set(&["ChallengeParameters", "AuthenticationResult"])
    );
    assert_eq!(out["ChallengeParameters"], json!({}));
    let tokens = &out["AuthenticationResult"];
    assert_eq!(
        keys_of(tokens),
        set(&[
            "AccessToken",
            "ExpiresIn",
            "TokenType",
            "RefreshToken",
            "IdToken"
        ])
    );
    assert_eq!(tokens["ExpiresIn"], 3600);
    assert_eq!(tokens["TokenType"], "Bearer");
    let access = tokens["AccessToken"]
        .as_str()
        .expect("AccessToken")
        .to_owned();
    let refresh = tokens["RefreshToken"]
        .as_str()
        .expect("RefreshToken")
        .to_owned();

    let out = w.ok("GetUser", &json!({"AccessToken": access}));
    assert_eq!(keys_of(&out), set(&["Username", "UserAttributes"]));
    assert_eq!(out["Username"], "alice");
    let attributes = &out["UserAttributes"];
    assert_eq!(attributes[0], json!({"Name": "sub", "Value": sub}));
    assert_eq!(attr(attributes, "email"), Some("alice@example.com"));
    assert_eq!(attr(attributes, "email_verified"), Some("true"));

    // Refresh with the legacy flow name: new access and ID tokens, no refresh token.
    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "REFRESH_TOKEN",
            "ClientId": w.client_id,
            "AuthParameters": {"REFRESH_TOKEN": refresh},
        }),
    );
    assert_eq!(out["ChallengeParameters"], json!({}));
    assert_eq!(
        keys_of(&out["AuthenticationResult"]),
        set(&["AccessToken", "ExpiresIn", "TokenType", "IdToken"])
    );
    let out = w.ok(
        "GetTokensFromRefreshToken",
        &json!({"RefreshToken": refresh, "ClientId": w.client_id}),
    );
    assert_eq!(keys_of(&out), set(&["AuthenticationResult"]));
    assert_eq!(out["AuthenticationResult"]["TokenType"], "Bearer");

    assert_eq!(
        w.ok("GlobalSignOut", &json!({"AccessToken": access})),
        json!({})
    );
    let (t, m) = w.refused("GetUser", &json!({"AccessToken": access}));
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, "Access Token has been revoked");
    let (t, _) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"REFRESH_TOKEN": refresh},
        }),
    );
    assert_eq!(t, "NotAuthorizedException");

    // Wrong password.
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Wrong123!"},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
}

#[test]
fn the_target_may_omit_the_service_prefix() {
    let w = OnePool::new();
    let resp = userpool::wire::handle(
        &w.world.registry,
        "AdminGetUser",
        json!({"UserPoolId": w.pool_id(), "Username": "nobody"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(resp.status, 400);
    assert_eq!(resp.error_type, Some("UserNotFoundException"));
    assert_eq!(
        serde_json::from_str::<Value>(&resp.body).unwrap(),
        json!({"__type": "UserNotFoundException", "message": "User does not exist."})
    );
}

// ----- SRP -----

#[test]
fn srp_sign_in_through_the_wire() {
    let w = OnePool::new();
    w.confirmed_user("bob", "bob@example.com");
    let pool_name = w
        .pool_id()
        .split_once('_')
        .expect("region_name")
        .1
        .to_owned();

    let attempt = |password: &str| -> (u16, Value) {
        let srp = SrpClient::new_random().expect("an SRP client");
        let out = w.ok(
            "InitiateAuth",
            &json!({
                "AuthFlow": "USER_SRP_AUTH",
                "ClientId": w.client_id,
                "AuthParameters": {"USERNAME": "bob", "SRP_A": srp.srp_a()},
                "ClientMetadata": {},
            }),
        );
        assert_eq!(
            keys_of(&out),
            set(&["ChallengeName", "ChallengeParameters"]),
            "no Session: real clients never echo one for PASSWORD_VERIFIER"
        );
        assert_eq!(out["ChallengeName"], "PASSWORD_VERIFIER");
        let p = &out["ChallengeParameters"];
        assert_eq!(
            keys_of(p),
            set(&[
                "SALT",
                "SECRET_BLOCK",
                "SRP_B",
                "USERNAME",
                "USER_ID_FOR_SRP"
            ])
        );
        assert_eq!(p["USER_ID_FOR_SRP"], "bob");
        let timestamp = userpool::srp::format_timestamp(userpool::Clock::now(&w.world.clock));
        let signature = srp
            .process_challenge(
                &pool_name,
                p["USER_ID_FOR_SRP"].as_str().unwrap(),
                password.as_bytes(),
                p["SALT"].as_str().unwrap(),
                p["SRP_B"].as_str().unwrap(),
                p["SECRET_BLOCK"].as_str().unwrap(),
                &timestamp,
            )
            .expect("the client answers the challenge");
        w.call(
            "RespondToAuthChallenge",
            &json!({
                "ClientId": w.client_id,
                "ChallengeName": "PASSWORD_VERIFIER",
                "ChallengeResponses": {
                    "PASSWORD_CLAIM_SIGNATURE": signature,
                    "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
                    "TIMESTAMP": timestamp,
                    "USERNAME": p["USER_ID_FOR_SRP"],
                },
            }),
        )
    };

    let (status, out) = attempt(PASSWORD);
    assert_eq!(status, 200, "{out}");
    assert_eq!(
        keys_of(&out),
        set(&["ChallengeParameters", "AuthenticationResult"])
    );
    assert_eq!(out["ChallengeParameters"], json!({}));
    assert_eq!(
        keys_of(&out["AuthenticationResult"]),
        set(&[
            "AccessToken",
            "ExpiresIn",
            "TokenType",
            "RefreshToken",
            "IdToken"
        ])
    );
    let access = out["AuthenticationResult"]["AccessToken"].as_str().unwrap();
    assert_eq!(
        w.ok("GetUser", &json!({"AccessToken": access}))["Username"],
        "bob"
    );

    let (status, out) = attempt("Wrong123!");
    assert_eq!(status, 400);
    assert_eq!(
        out,
        json!({"__type": "NotAuthorizedException", "message": "Incorrect username or password."})
    );
}
