//! A user's profile, password and sessions: attribute updates, deletions
//! and verification, password changes and resets, re-sent codes, admin
//! confirmation, disabling, enabling and deletion, sign-out by an admin,
//! and token revocation.

use serde_json::json;

use crate::support::PASSWORD;
use crate::support::wire::Calls;

use super::{NEW_PASSWORD, OnePool, attr, keys_of, set};

#[test]
fn profile_operations() {
    let w = OnePool::new();
    w.confirmed_user("hal", "hal@example.com");
    let access = w.sign_in("hal", PASSWORD)["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let out = w.ok(
        "UpdateUserAttributes",
        &json!({
            "AccessToken": access,
            "UserAttributes": [
                {"Name": "email", "Value": "hal@example.org"},
                {"Name": "name", "Value": "Hal"},
            ],
        }),
    );
    let list = out["CodeDeliveryDetailsList"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["AttributeName"], "email");
    assert_eq!(list[0]["DeliveryMedium"], "EMAIL");

    let out = w.ok(
        "UpdateUserAttributes",
        &json!({"AccessToken": access, "UserAttributes": [{"Name": "name", "Value": "Hally"}]}),
    );
    assert_eq!(out, json!({"CodeDeliveryDetailsList": []}));

    let out = w.ok(
        "GetUserAttributeVerificationCode",
        &json!({"AccessToken": access, "AttributeName": "email"}),
    );
    assert_eq!(out["CodeDeliveryDetails"]["AttributeName"], "email");
    let out = w.ok(
        "VerifyUserAttribute",
        &json!({"AccessToken": access, "AttributeName": "email", "Code": w.code_for("hal@example.org")}),
    );
    assert_eq!(out, json!({}));
    let user = w.ok("GetUser", &json!({"AccessToken": access}));
    assert_eq!(
        attr(&user["UserAttributes"], "email"),
        Some("hal@example.org")
    );
    assert_eq!(
        attr(&user["UserAttributes"], "email_verified"),
        Some("true")
    );
    assert_eq!(attr(&user["UserAttributes"], "name"), Some("Hally"));

    w.ok(
        "DeleteUserAttributes",
        &json!({"AccessToken": access, "UserAttributeNames": ["name"]}),
    );
    w.ok(
        "AdminUpdateUserAttributes",
        &json!({
            "UserPoolId": w.pool_id(),
            "Username": "hal",
            "UserAttributes": [{"Name": "given_name", "Value": "H"}],
        }),
    );
    w.ok(
        "AdminDeleteUserAttributes",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal", "UserAttributeNames": ["given_name"]}),
    );
    let user = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    assert_eq!(attr(&user["UserAttributes"], "name"), None);
    assert_eq!(attr(&user["UserAttributes"], "given_name"), None);

    let (t, m) = w.refused(
        "AdminUpdateUserAttributes",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        m,
        "1 validation error detected: Value null at 'userAttributes' failed to satisfy constraint: Member must not be null"
    );

    // Disable / enable.
    w.ok(
        "AdminDisableUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    let (t, m) = w.refused("GetUser", &json!({"AccessToken": access}));
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Access Token has been revoked")
    );
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "hal", "PASSWORD": PASSWORD},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "User is disabled.")
    );
    w.ok(
        "AdminEnableUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    let access = w.sign_in("hal", PASSWORD)["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    // DeleteUser.
    assert_eq!(
        w.ok("DeleteUser", &json!({"AccessToken": access})),
        json!({})
    );
    let (t, _) = w.refused(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "hal"}),
    );
    assert_eq!(t, "UserNotFoundException");
}

#[test]
fn password_operations() {
    let w = OnePool::new();
    w.confirmed_user("ivy", "ivy@example.com");
    let access = w.sign_in("ivy", PASSWORD)["AccessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let (t, m) = w.refused(
        "ChangePassword",
        &json!({"AccessToken": access, "PreviousPassword": "Wrong123!", "ProposedPassword": NEW_PASSWORD}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
    let (t, _) = w.refused(
        "ChangePassword",
        &json!({"AccessToken": access, "ProposedPassword": NEW_PASSWORD}),
    );
    assert_eq!(t, "InvalidParameterException");
    assert_eq!(
        w.ok(
            "ChangePassword",
            &json!({"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": NEW_PASSWORD}),
        ),
        json!({})
    );
    w.sign_in("ivy", NEW_PASSWORD);

    // ForgotPassword / ConfirmForgotPassword.
    let out = w.ok(
        "ForgotPassword",
        &json!({"ClientId": w.client_id, "Username": "ivy"}),
    );
    assert_eq!(keys_of(&out), set(&["CodeDeliveryDetails"]));
    assert_eq!(out["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let code = w.code_for("ivy@example.com");
    let (t, _) = w.refused(
        "ConfirmForgotPassword",
        &json!({"ClientId": w.client_id, "Username": "ivy", "ConfirmationCode": code, "Password": "weak"}),
    );
    assert_eq!(t, "InvalidPasswordException");
    assert_eq!(
        w.ok(
            "ConfirmForgotPassword",
            &json!({"ClientId": w.client_id, "Username": "ivy", "ConfirmationCode": code, "Password": PASSWORD}),
        ),
        json!({})
    );
    w.sign_in("ivy", PASSWORD);

    // AdminSetUserPassword, temporary then permanent.
    w.ok(
        "AdminSetUserPassword",
        &json!({"UserPoolId": w.pool_id(), "Username": "ivy", "Password": NEW_PASSWORD}),
    );
    let user = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "ivy"}),
    );
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    w.ok(
        "AdminSetUserPassword",
        &json!({"UserPoolId": w.pool_id(), "Username": "ivy", "Password": NEW_PASSWORD, "Permanent": true}),
    );
    let user = w.ok(
        "AdminGetUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "ivy"}),
    );
    assert_eq!(user["UserStatus"], "CONFIRMED");

    // AdminResetUserPassword.
    assert_eq!(
        w.ok(
            "AdminResetUserPassword",
            &json!({"UserPoolId": w.pool_id(), "Username": "ivy"})
        ),
        json!({})
    );
    let (t, m) = w.refused(
        "InitiateAuth",
        &json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": w.client_id,
            "AuthParameters": {"USERNAME": "ivy", "PASSWORD": NEW_PASSWORD},
        }),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "PasswordResetRequiredException",
            "Password reset required for the user"
        )
    );
}

#[test]
fn resend_admin_confirm_and_sign_out_by_admin() {
    let w = OnePool::new();
    w.ok(
        "SignUp",
        &json!({
            "ClientId": w.client_id,
            "Username": "jo",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "jo@example.com"}],
        }),
    );
    let out = w.ok(
        "ResendConfirmationCode",
        &json!({"ClientId": w.client_id, "Username": "jo"}),
    );
    assert_eq!(out["CodeDeliveryDetails"]["AttributeName"], "email");
    assert_eq!(w.world.outbox.messages_for("jo").len(), 2);

    assert_eq!(
        w.ok(
            "AdminConfirmSignUp",
            &json!({"UserPoolId": w.pool_id(), "Username": "jo"})
        ),
        json!({})
    );
    let (t, m) = w.refused(
        "ResendConfirmationCode",
        &json!({"ClientId": w.client_id, "Username": "jo"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("InvalidParameterException", "User is already confirmed.")
    );

    let tokens = w.sign_in("jo", PASSWORD);
    assert_eq!(
        w.ok(
            "AdminUserGlobalSignOut",
            &json!({"UserPoolId": w.pool_id(), "Username": "jo"})
        ),
        json!({})
    );
    let (t, _) = w.refused("GetUser", &json!({"AccessToken": tokens["AccessToken"]}));
    assert_eq!(t, "NotAuthorizedException");

    // SignUp without an email: no code is sent, no CodeDeliveryDetails.
    let out = w.ok(
        "SignUp",
        &json!({"ClientId": w.client_id, "Username": "kim", "Password": PASSWORD}),
    );
    assert_eq!(keys_of(&out), set(&["UserConfirmed", "UserSub"]));

    // AdminDeleteUser.
    assert_eq!(
        w.ok(
            "AdminDeleteUser",
            &json!({"UserPoolId": w.pool_id(), "Username": "kim"})
        ),
        json!({})
    );
    let (t, m) = w.refused(
        "AdminDeleteUser",
        &json!({"UserPoolId": w.pool_id(), "Username": "kim"}),
    );
    assert_eq!(
        (t.as_str(), m.as_str()),
        ("UserNotFoundException", "User does not exist.")
    );
}

#[test]
fn revoke_token() {
    let w = OnePool::new();
    w.confirmed_user("lou", "lou@example.com");
    let tokens = w.sign_in("lou", PASSWORD);
    let out = w.ok(
        "RevokeToken",
        &json!({"Token": tokens["RefreshToken"], "ClientId": w.client_id}),
    );
    assert_eq!(out, json!({}));
    let (t, _) = w.refused("GetUser", &json!({"AccessToken": tokens["AccessToken"]}));
    assert_eq!(t, "NotAuthorizedException");
    let (t, _) = w.refused(
        "RevokeToken",
        &json!({"Token": tokens["AccessToken"], "ClientId": w.client_id}),
    );
    assert_eq!(t, "UnsupportedTokenTypeException");
}
