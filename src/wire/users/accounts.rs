//! Sign-up, profiles, admin user operations, `ListUsers` and passwords.

use serde_json::{Value, json};

use super::{attributes_json, delivery_json, empty, limit, not_in_enum, user_type};
use crate::error::{Constraint, Error, Shown};
use crate::json::{Members, Read, truncate};
use crate::message::DeliveryMedium;
use crate::registry::Registry;
use crate::secret::{Code, Password};
use crate::wire::timestamp;
use crate::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, ChangePasswordRequest,
    ConfirmForgotPasswordRequest, ConfirmSignUpRequest, ForgotPasswordRequest, ListUsersRequest,
    MessageAction, ResendConfirmationCodeRequest, SignUpRequest, UserPool,
};

/// `ForceAliasCreation`, `false` when absent.
fn force_alias_creation(input: &Members<'_>) -> Read<bool> {
    Ok(input.opt_bool("ForceAliasCreation")? == Some(true))
}

// ----- sign-up family -----

/// `ValidationData` (a list of `AttributeType`) as PreSignUp's
/// `validationData` map; a name given twice keeps its last value.
fn validation_data(input: &Members<'_>) -> Read<Option<crate::triggers::StringMap>> {
    Ok(input
        .opt_attributes("ValidationData")?
        .map(|list| list.into_iter().map(|a| (a.name, a.value)).collect()))
}

/// `SignUp`. `ValidationData` and `ClientMetadata` feed the triggers.
pub(super) fn sign_up(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let client_id = input.str("ClientId")?;
    let secret_hash = input.opt_str("SecretHash")?;
    let username = input.str("Username")?;
    let password = input.opt_str("Password")?;
    let attributes = input.opt_attributes("UserAttributes")?.unwrap_or_default();
    let validation_data = validation_data(input)?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    input.finish()?;
    let request = SignUpRequest {
        client_id: client_id.to_owned(),
        username: username.to_owned(),
        password: password.map(Password::new),
        user_attributes: attributes,
        secret_hash: secret_hash.map(str::to_owned),
        client_metadata,
        validation_data,
    };
    request.validate()?;
    let response = registry.pool_of_client(client_id)?.sign_up(request)?;
    let mut out = json!({
        "UserConfirmed": response.user_confirmed,
        "UserSub": response.user_sub,
    });
    if let Some(d) = &response.code_delivery_details {
        out["CodeDeliveryDetails"] = delivery_json(d);
    }
    Ok(out)
}

/// `ConfirmSignUp`. `Session` is not read: it only serves `USER_AUTH` auto
/// sign-in.
pub(super) fn confirm_sign_up(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let client_id = input.str("ClientId")?;
    let secret_hash = input.opt_str("SecretHash")?;
    let username = input.str("Username")?;
    let code = input.str("ConfirmationCode")?;
    let force = force_alias_creation(input)?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    input.finish()?;
    let request = ConfirmSignUpRequest {
        client_id: client_id.to_owned(),
        username: username.to_owned(),
        confirmation_code: Code::new(code),
        force_alias_creation: force,
        secret_hash: secret_hash.map(str::to_owned),
        client_metadata,
    };
    registry
        .pool_of_client(client_id)?
        .confirm_sign_up(request)?;
    Ok(empty())
}

/// `ResendConfirmationCode`.
pub(super) fn resend_confirmation_code(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let client_id = input.str("ClientId")?;
    let secret_hash = input.opt_str("SecretHash")?;
    let username = input.str("Username")?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    input.finish()?;
    let request = ResendConfirmationCodeRequest {
        client_id: client_id.to_owned(),
        username: username.to_owned(),
        secret_hash: secret_hash.map(str::to_owned),
        client_metadata,
    };
    let details = registry
        .pool_of_client(client_id)?
        .resend_confirmation_code(request)?;
    Ok(json!({ "CodeDeliveryDetails": delivery_json(&details) }))
}

/// The pool and user of an admin operation that takes only those two.
fn admin_user<'a>(registry: &Registry, input: &Members<'a>) -> Read<(UserPool, &'a str)> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    input.finish()?;
    Ok((registry.pool(pool_id)?, username))
}

/// `AdminConfirmSignUp`.
pub(super) fn admin_confirm_sign_up(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, username) = admin_user(registry, input)?;
    pool.admin_confirm_sign_up(username)?;
    Ok(empty())
}

// ----- profiles -----

const MESSAGE_ACTIONS: [&str; 2] = ["RESEND", "SUPPRESS"];
const DELIVERY_MEDIUMS: [&str; 2] = ["SMS", "EMAIL"];

fn message_action(value: &str) -> Read<MessageAction> {
    match value {
        "RESEND" => Ok(MessageAction::Resend),
        "SUPPRESS" => Ok(MessageAction::Suppress),
        other => Err(not_in_enum("MessageAction", other, &MESSAGE_ACTIONS).into()),
    }
}

fn delivery_mediums(values: &[String]) -> Read<Vec<DeliveryMedium>> {
    let parse = |v: &str| match v {
        "SMS" => Some(DeliveryMedium::Sms),
        "EMAIL" => Some(DeliveryMedium::Email),
        _ => None,
    };
    values
        .iter()
        .map(|v| parse(v))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            let shown: Vec<String> = values.iter().map(|v| truncate(v, 64)).collect();
            Error::violation(
                "desiredDeliveryMediums",
                Shown::Value(format!("[{}]", truncate(&shown.join(", "), 256))),
                Constraint::EachOneOf(DELIVERY_MEDIUMS.to_vec()),
            )
            .into()
        })
}

/// `AdminCreateUser`.
pub(super) fn admin_create_user(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let attributes = input.opt_attributes("UserAttributes")?.unwrap_or_default();
    let temporary_password = input.opt_str("TemporaryPassword")?;
    let force = force_alias_creation(input)?;
    let action = input
        .opt_str("MessageAction")?
        .map(message_action)
        .transpose()?;
    let mediums = match input.opt_string_list("DesiredDeliveryMediums")? {
        Some(values) => delivery_mediums(&values)?,
        None => Vec::new(),
    };
    let validation_data = validation_data(input)?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    input.finish()?;
    let mut request = AdminCreateUserRequest::new(username).force_alias_creation(force);
    request.validation_data = validation_data;
    request.client_metadata = client_metadata;
    request.user_attributes = attributes;
    request.temporary_password = temporary_password.map(Password::new);
    request.message_action = action;
    request.desired_delivery_mediums = mediums;
    let user = registry.pool(pool_id)?.admin_create_user(request)?;
    Ok(json!({ "User": user_type(&user) }))
}

/// `AdminGetUser`: `UserAttributes`, not `Attributes` (cognito-protocol.md §4.1).
pub(super) fn admin_get_user(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, username) = admin_user(registry, input)?;
    let u = pool.admin_get_user(username)?;
    let mut out = serde_json::Map::new();
    out.insert("Username".into(), json!(u.username));
    out.insert("UserAttributes".into(), attributes_json(&u.attributes));
    out.insert("UserCreateDate".into(), timestamp(u.created_at));
    out.insert("UserLastModifiedDate".into(), timestamp(u.last_modified_at));
    out.insert("Enabled".into(), json!(u.enabled));
    out.insert("UserStatus".into(), json!(u.status.as_str()));
    super::mfa::mfa_members(&mut out, &u.mfa_enabled, u.preferred_mfa);
    Ok(Value::Object(out))
}

/// The pool of an access-token operation and the token.
fn token_user<'a>(registry: &Registry, input: &Members<'a>) -> Read<(UserPool, &'a str)> {
    let token = input.str("AccessToken")?;
    input.finish()?;
    Ok((registry.pool_of_access_token(token)?, token))
}

/// `GetUser`.
pub(super) fn get_user(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, token) = token_user(registry, input)?;
    let u = pool.get_user(token)?;
    let mut out = serde_json::Map::new();
    out.insert("Username".into(), json!(u.username));
    out.insert("UserAttributes".into(), attributes_json(&u.user_attributes));
    super::mfa::mfa_members(&mut out, &u.mfa_enabled, u.preferred_mfa);
    Ok(Value::Object(out))
}

/// `AdminUpdateUserAttributes`.
pub(super) fn admin_update_user_attributes(
    registry: &Registry,
    input: &Members<'_>,
) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let attributes = input.attributes("UserAttributes")?;
    input.finish()?;
    registry
        .pool(pool_id)?
        .admin_update_user_attributes(username, attributes)?;
    Ok(empty())
}

/// `UpdateUserAttributes`: `CodeDeliveryDetailsList` always present (empty
/// when no code was sent), so clients may iterate it unconditionally.
pub(super) fn update_user_attributes(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let attributes = input.attributes("UserAttributes")?;
    let token = input.str("AccessToken")?;
    input.finish()?;
    let sent = registry
        .pool_of_access_token(token)?
        .update_user_attributes(token, attributes)?;
    Ok(json!({
        "CodeDeliveryDetailsList": sent.iter().map(delivery_json).collect::<Vec<_>>(),
    }))
}

/// `AdminDeleteUserAttributes`.
pub(super) fn admin_delete_user_attributes(
    registry: &Registry,
    input: &Members<'_>,
) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let names = input.string_list("UserAttributeNames")?;
    input.finish()?;
    registry
        .pool(pool_id)?
        .admin_delete_user_attributes(username, names)?;
    Ok(empty())
}

/// `DeleteUserAttributes`.
pub(super) fn delete_user_attributes(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let names = input.string_list("UserAttributeNames")?;
    let token = input.str("AccessToken")?;
    input.finish()?;
    registry
        .pool_of_access_token(token)?
        .delete_user_attributes(token, names)?;
    Ok(empty())
}

/// `VerifyUserAttribute`.
pub(super) fn verify_user_attribute(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = input.str("AccessToken")?;
    let name = input.str("AttributeName")?;
    let code = input.str("Code")?;
    input.finish()?;
    registry
        .pool_of_access_token(token)?
        .verify_user_attribute(token, name, &Code::new(code))?;
    Ok(empty())
}

/// `GetUserAttributeVerificationCode`.
pub(super) fn get_user_attribute_verification_code(
    registry: &Registry,
    input: &Members<'_>,
) -> Read<Value> {
    let token = input.str("AccessToken")?;
    let name = input.str("AttributeName")?;
    input.finish()?;
    let details = registry
        .pool_of_access_token(token)?
        .get_user_attribute_verification_code(token, name)?;
    Ok(json!({ "CodeDeliveryDetails": delivery_json(&details) }))
}

/// `AdminDeleteUser`.
pub(super) fn admin_delete_user(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, username) = admin_user(registry, input)?;
    pool.admin_delete_user(username)?;
    Ok(empty())
}

/// `DeleteUser`.
pub(super) fn delete_user(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, token) = token_user(registry, input)?;
    pool.delete_user(token)?;
    Ok(empty())
}

/// `AdminDisableUser`.
pub(super) fn admin_disable_user(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, username) = admin_user(registry, input)?;
    pool.admin_disable_user(username)?;
    Ok(empty())
}

/// `AdminEnableUser`.
pub(super) fn admin_enable_user(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, username) = admin_user(registry, input)?;
    pool.admin_enable_user(username)?;
    Ok(empty())
}

/// `ListUsers`: `Users` always, `PaginationToken` when there is a next page.
pub(super) fn list_users(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let request = ListUsersRequest {
        attributes_to_get: input.opt_string_list("AttributesToGet")?,
        limit: limit(input)?,
        pagination_token: input.opt_str("PaginationToken")?.map(str::to_owned),
        filter: input.opt_str("Filter")?.map(str::to_owned),
    };
    input.finish()?;
    let page = registry.pool(pool_id)?.list_users(request)?;
    let mut out = json!({ "Users": page.users.iter().map(user_type).collect::<Vec<_>>() });
    if let Some(t) = page.pagination_token {
        out["PaginationToken"] = json!(t);
    }
    Ok(out)
}

// ----- passwords -----

/// `AdminSetUserPassword`.
pub(super) fn admin_set_user_password(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    let password = input.str("Password")?;
    let permanent = input.opt_bool("Permanent")?.unwrap_or(false);
    input.finish()?;
    registry
        .pool(pool_id)?
        .admin_set_user_password(AdminSetUserPasswordRequest {
            username: username.to_owned(),
            password: Password::new(password),
            permanent,
        })?;
    Ok(empty())
}

/// `AdminResetUserPassword`.
pub(super) fn admin_reset_user_password(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let (pool, username) = admin_user(registry, input)?;
    pool.admin_reset_user_password(username)?;
    Ok(empty())
}

/// `ForgotPassword` (the pool checks the secret hash itself).
pub(super) fn forgot_password(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let client_id = input.str("ClientId")?;
    let secret_hash = input.opt_str("SecretHash")?;
    let username = input.str("Username")?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    input.finish()?;
    let request = ForgotPasswordRequest {
        client_id: client_id.to_owned(),
        username: username.to_owned(),
        secret_hash: secret_hash.map(str::to_owned),
        client_metadata,
    };
    let details = registry
        .pool_of_client(client_id)?
        .forgot_password(request)?;
    Ok(json!({ "CodeDeliveryDetails": delivery_json(&details) }))
}

/// `ConfirmForgotPassword` (the pool checks the secret hash itself).
pub(super) fn confirm_forgot_password(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let client_id = input.str("ClientId")?;
    let secret_hash = input.opt_str("SecretHash")?;
    let username = input.str("Username")?;
    let code = input.str("ConfirmationCode")?;
    let password = input.str("Password")?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    input.finish()?;
    let request = ConfirmForgotPasswordRequest {
        client_id: client_id.to_owned(),
        username: username.to_owned(),
        confirmation_code: Code::new(code),
        password: Password::new(password),
        secret_hash: secret_hash.map(str::to_owned),
        client_metadata,
    };
    registry
        .pool_of_client(client_id)?
        .confirm_forgot_password(request)?;
    Ok(empty())
}

/// `ChangePassword`. `PreviousPassword` is optional in the model, for
/// passwordless users; the pool decides whether it may be left out.
pub(super) fn change_password(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let previous = input.opt_str("PreviousPassword")?;
    let proposed = input.str("ProposedPassword")?;
    let token = input.str("AccessToken")?;
    input.finish()?;
    let request = ChangePasswordRequest {
        access_token: token.to_owned(),
        previous_password: previous.map(Password::new),
        proposed_password: Password::new(proposed),
    };
    request.validate()?;
    registry
        .pool_of_access_token(token)?
        .change_password(request)?;
    Ok(empty())
}
