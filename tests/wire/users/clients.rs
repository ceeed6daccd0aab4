//! What the app client decides: `PreventUserExistenceErrors` on the sign-up
//! family, and the `SECRET_HASH` a confidential client requires.

use serde_json::json;
use userpool::client::{AppClientConfig, AuthFlow, PreventUserExistenceErrors, secret_hash};

use crate::support::PASSWORD;
use crate::support::wire::Calls;

use super::{NEW_PASSWORD, OnePool};

#[test]
fn a_discreet_client_hides_unknown_users_on_confirm_and_resend() {
    let w = OnePool::new();
    let id = w
        .pool
        .create_user_pool_client(
            AppClientConfig::builder("discreet")
                .prevent_user_existence_errors(PreventUserExistenceErrors::Enabled)
                .build()
                .unwrap(),
        )
        .unwrap()
        .id()
        .to_owned();
    let (t, m) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": id, "Username": "nobody", "ConfirmationCode": "123456"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "CodeMismatchException",
            "Invalid verification code provided, please try again."
        )
    );
    let out = w.ok(
        "ResendConfirmationCode",
        &json!({"ClientId": id, "Username": "nobody"}),
    );
    assert_eq!(out["CodeDeliveryDetails"]["AttributeName"], "email");
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert!(
        w.world.outbox.messages().is_empty(),
        "nothing is sent to nobody"
    );
    // The same pool through the Rust API gives the same answers.
    let direct = w
        .pool
        .resend_confirmation_code(userpool::ResendConfirmationCodeRequest::new(&id, "nobody"))
        .unwrap();
    assert_eq!(
        out["CodeDeliveryDetails"]["Destination"],
        json!(direct.destination)
    );
    // A LEGACY client tells the truth.
    let (t, _) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": w.client_id, "Username": "nobody", "ConfirmationCode": "123456"}),
    );
    assert_eq!(t, "UserNotFoundException");
}

// ----- secret hashes -----

#[test]
fn confidential_clients_require_the_secret_hash() {
    let w = OnePool::new();
    let client = w
        .pool
        .create_user_pool_client(
            AppClientConfig::builder("server")
                .generate_secret(true)
                .explicit_auth_flows([AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth])
                .build()
                .unwrap(),
        )
        .unwrap();
    let id = client.id().to_owned();
    let secret = client.secret().expect("a generated secret");
    let hash = |user: &str| secret_hash(secret, user, &id);
    let sign_up = json!({
        "ClientId": id,
        "Username": "max",
        "Password": PASSWORD,
        "UserAttributes": [{"Name": "email", "Value": "max@example.com"}],
    });

    let (t, m) = w.refused("SignUp", &sign_up);
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(
        m,
        format!("Client {id} is configured with secret but SECRET_HASH was not received")
    );
    let mut wrong = sign_up.clone();
    wrong["SecretHash"] = json!(hash("someone"));
    let (t, m) = w.refused("SignUp", &wrong);
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, format!("Unable to verify secret hash for client {id}"));

    let mut right = sign_up;
    right["SecretHash"] = json!(hash("max"));
    w.ok("SignUp", &right);

    let (t, _) = w.refused(
        "ResendConfirmationCode",
        &json!({"ClientId": id, "Username": "max"}),
    );
    assert_eq!(t, "NotAuthorizedException");
    w.ok(
        "ResendConfirmationCode",
        &json!({"ClientId": id, "Username": "max", "SecretHash": hash("max")}),
    );
    let code = w.code_for("max@example.com");
    let (t, _) = w.refused(
        "ConfirmSignUp",
        &json!({"ClientId": id, "Username": "max", "ConfirmationCode": code, "SecretHash": hash("x")}),
    );
    assert_eq!(t, "NotAuthorizedException");
    w.ok(
        "ConfirmSignUp",
        &json!({"ClientId": id, "Username": "max", "ConfirmationCode": code, "SecretHash": hash("max")}),
    );

    let (t, _) = w.refused(
        "ForgotPassword",
        &json!({"ClientId": id, "Username": "max"}),
    );
    assert_eq!(t, "NotAuthorizedException");
    w.ok(
        "ForgotPassword",
        &json!({"ClientId": id, "Username": "max", "SecretHash": hash("max")}),
    );
    let code = w.code_for("max@example.com");
    w.ok(
        "ConfirmForgotPassword",
        &json!({
            "ClientId": id,
            "Username": "max",
            "ConfirmationCode": code,
            "Password": NEW_PASSWORD,
            "SecretHash": hash("max"),
        }),
    );
    let out = w.ok(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": id,
            "AuthParameters": {"USERNAME": "max", "PASSWORD": NEW_PASSWORD, "SECRET_HASH": hash("max")},
        }),
    );
    let refresh = out["AuthenticationResult"]["RefreshToken"].clone();
    let (t, _) = w.refused(
        "GetTokensFromRefreshToken",
        &json!({"RefreshToken": refresh, "ClientId": id}),
    );
    assert_eq!(t, "NotAuthorizedException");
    w.ok(
        "GetTokensFromRefreshToken",
        &json!({"RefreshToken": refresh, "ClientId": id, "ClientSecret": secret.expose_secret()}),
    );
}
