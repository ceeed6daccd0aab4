//! User, auth, token, recovery and group operations: JSON in, the pool's
//! API, JSON out (cognito-protocol.md §3, §4, Appendix A).
//!
//! Every handler first reads every member it implements, then calls
//! [`Input::finish`] itself, *before* touching the pool: a request carrying a
//! member the engine does not implement (a `Session` on `InitiateAuth`,
//! ...) is refused by name and changes nothing. Members the
//! model lists but no handler reads are exactly the unimplemented ones.
//!
//! Public operations find their pool by `ClientId` or by `AccessToken`;
//! admin operations by `UserPoolId`.

use serde_json::{Map, Value, json};

use super::Handler;
use crate::error::{Constraint, Error, Shown};
use crate::json::{Members, Read, camel, truncate};
use crate::schema::Attribute;
use crate::{AuthResponse, AuthenticationResult, CodeDeliveryDetails, Group, User};

mod accounts;
mod auth;
mod devices;
mod groups;
mod mfa;

/// The operations of this module.
pub(super) static HANDLERS: &[(&str, Handler)] = &[
    // Sign-up family.
    ("SignUp", accounts::sign_up),
    ("ConfirmSignUp", accounts::confirm_sign_up),
    ("ResendConfirmationCode", accounts::resend_confirmation_code),
    ("AdminConfirmSignUp", accounts::admin_confirm_sign_up),
    // Profiles.
    ("AdminCreateUser", accounts::admin_create_user),
    ("AdminGetUser", accounts::admin_get_user),
    ("GetUser", accounts::get_user),
    (
        "AdminUpdateUserAttributes",
        accounts::admin_update_user_attributes,
    ),
    ("UpdateUserAttributes", accounts::update_user_attributes),
    (
        "AdminDeleteUserAttributes",
        accounts::admin_delete_user_attributes,
    ),
    ("DeleteUserAttributes", accounts::delete_user_attributes),
    ("VerifyUserAttribute", accounts::verify_user_attribute),
    (
        "GetUserAttributeVerificationCode",
        accounts::get_user_attribute_verification_code,
    ),
    ("AdminDeleteUser", accounts::admin_delete_user),
    ("DeleteUser", accounts::delete_user),
    ("AdminDisableUser", accounts::admin_disable_user),
    ("AdminEnableUser", accounts::admin_enable_user),
    ("ListUsers", accounts::list_users),
    // Passwords.
    ("AdminSetUserPassword", accounts::admin_set_user_password),
    (
        "AdminResetUserPassword",
        accounts::admin_reset_user_password,
    ),
    ("ForgotPassword", accounts::forgot_password),
    ("ConfirmForgotPassword", accounts::confirm_forgot_password),
    ("ChangePassword", accounts::change_password),
    // Sign-in, tokens, sign-out.
    ("InitiateAuth", auth::initiate_auth),
    ("AdminInitiateAuth", auth::admin_initiate_auth),
    ("RespondToAuthChallenge", auth::respond_to_auth_challenge),
    (
        "AdminRespondToAuthChallenge",
        auth::admin_respond_to_auth_challenge,
    ),
    (
        "GetTokensFromRefreshToken",
        auth::get_tokens_from_refresh_token,
    ),
    ("GlobalSignOut", auth::global_sign_out),
    ("AdminUserGlobalSignOut", auth::admin_user_global_sign_out),
    ("RevokeToken", auth::revoke_token),
    // Second factors.
    ("AssociateSoftwareToken", mfa::associate_software_token),
    ("VerifySoftwareToken", mfa::verify_software_token),
    ("SetUserMFAPreference", mfa::set_user_mfa_preference),
    (
        "AdminSetUserMFAPreference",
        mfa::admin_set_user_mfa_preference,
    ),
    ("SetUserSettings", mfa::set_user_settings),
    ("AdminSetUserSettings", mfa::admin_set_user_settings),
    ("AdminDeleteSoftwareToken", mfa::admin_delete_software_token),
    // Remembered devices.
    ("ConfirmDevice", devices::confirm_device),
    ("UpdateDeviceStatus", devices::update_device_status),
    (
        "AdminUpdateDeviceStatus",
        devices::admin_update_device_status,
    ),
    ("ListDevices", devices::list_devices),
    ("AdminListDevices", devices::admin_list_devices),
    ("GetDevice", devices::get_device),
    ("AdminGetDevice", devices::admin_get_device),
    ("ForgetDevice", devices::forget_device),
    ("AdminForgetDevice", devices::admin_forget_device),
    // Groups.
    ("CreateGroup", groups::create_group),
    ("GetGroup", groups::get_group),
    ("ListGroups", groups::list_groups),
    ("UpdateGroup", groups::update_group),
    ("DeleteGroup", groups::delete_group),
    ("AdminAddUserToGroup", groups::admin_add_user_to_group),
    (
        "AdminRemoveUserFromGroup",
        groups::admin_remove_user_from_group,
    ),
    ("AdminListGroupsForUser", groups::admin_list_groups_for_user),
    ("ListUsersInGroup", groups::list_users_in_group),
];

/// The model's ceiling for every `Limit` (`QueryLimitType`, 0–60).
const MAX_LIMIT: i64 = 60;

/// The output of operations without output members.
fn empty() -> Value {
    Value::Object(Map::new())
}

/// An `InvalidParameterException` for `value` outside the model's enum of
/// `member`, in the model-validation wording.
fn not_in_enum(member: &str, value: &str, allowed: &[&'static str]) -> Error {
    Error::violation(
        camel(member),
        Shown::Value(truncate(value, 128)),
        Constraint::OneOf(allowed.to_vec()),
    )
}

/// An `InvalidParameterException` for a number below the model's minimum.
fn below_minimum(member: &str, value: i64, min: i64) -> Error {
    Error::violation(
        camel(member),
        Shown::Value(value.to_string()),
        Constraint::MinValue(min),
    )
}

/// An optional page size (`Limit`, 0–60; 0 means the default page).
fn limit(input: &Members<'_>) -> Read<Option<u32>> {
    match input.opt_i64("Limit")? {
        None => Ok(None),
        Some(n) if n < 0 => Err(below_minimum("Limit", n, 0).into()),
        Some(n) if n > MAX_LIMIT => Err(Error::violation(
            "limit",
            Shown::Value(n.to_string()),
            Constraint::MaxValue(MAX_LIMIT),
        )
        .into()),
        Some(n) => Ok(u32::try_from(n).ok()),
    }
}

/// A list of `AttributeType`.
fn attributes_json(attributes: &[Attribute]) -> Value {
    Value::Array(
        attributes
            .iter()
            .map(|a| json!({"Name": a.name, "Value": a.value}))
            .collect(),
    )
}

/// `UserType` (`Attributes`, not `UserAttributes`; cognito-protocol.md §4.1).
fn user_type(u: &User) -> Value {
    json!({
        "Username": u.username,
        "Attributes": attributes_json(&u.attributes),
        "UserCreateDate": super::timestamp(u.created_at),
        "UserLastModifiedDate": super::timestamp(u.last_modified_at),
        "Enabled": u.enabled,
        "UserStatus": u.status.as_str(),
    })
}

/// `CodeDeliveryDetailsType`.
fn delivery_json(d: &CodeDeliveryDetails) -> Value {
    json!({
        "Destination": d.destination,
        "DeliveryMedium": d.delivery_medium.as_str(),
        "AttributeName": d.attribute_name,
    })
}

/// `GroupType`, optional members omitted when unset.
fn group_type(pool_id: &str, g: &Group) -> Value {
    let mut m = Map::new();
    m.insert("GroupName".into(), json!(g.name));
    m.insert("UserPoolId".into(), json!(pool_id));
    if let Some(d) = &g.description {
        m.insert("Description".into(), json!(d));
    }
    if let Some(r) = &g.role_arn {
        m.insert("RoleArn".into(), json!(r));
    }
    if let Some(p) = g.precedence {
        m.insert("Precedence".into(), json!(p));
    }
    m.insert("LastModifiedDate".into(), super::timestamp(g.modified_at));
    m.insert("CreationDate".into(), super::timestamp(g.created_at));
    Value::Object(m)
}

/// `AuthenticationResultType`; `RefreshToken` only when one was issued.
fn authentication_result_json(r: &AuthenticationResult) -> Value {
    let mut m = Map::new();
    m.insert("AccessToken".into(), json!(r.access_token));
    m.insert("ExpiresIn".into(), json!(r.expires_in));
    m.insert("TokenType".into(), json!(r.token_type));
    if let Some(t) = &r.refresh_token {
        m.insert("RefreshToken".into(), json!(t));
    }
    // A refresh of an OAuth token granted without `openid` has no ID token.
    if !r.id_token.is_empty() {
        m.insert("IdToken".into(), json!(r.id_token));
    }
    if let Some(d) = &r.new_device_metadata {
        m.insert(
            "NewDeviceMetadata".into(),
            json!({"DeviceKey": d.device_key, "DeviceGroupKey": d.device_group_key}),
        );
    }
    Value::Object(m)
}

/// The output of the sign-in operations: `ChallengeName` and `Session` when
/// present, `ChallengeParameters` always (`{}` with tokens,
/// cognito-protocol.md §1.9), `AuthenticationResult` when signed in.
fn auth_response_json(r: &AuthResponse) -> Value {
    let mut m = Map::new();
    if let Some(c) = r.challenge_name {
        m.insert("ChallengeName".into(), json!(c.as_str()));
    }
    if let Some(s) = &r.session {
        m.insert("Session".into(), json!(s));
    }
    m.insert(
        "ChallengeParameters".into(),
        Value::Object(
            r.challenge_parameters
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect(),
        ),
    );
    if let Some(a) = &r.authentication_result {
        m.insert("AuthenticationResult".into(), authentication_result_json(a));
    }
    Value::Object(m)
}
