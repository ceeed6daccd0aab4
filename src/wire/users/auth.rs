//! Sign-in, challenges, refresh, sign-out and revocation.

use serde_json::{Value, json};

use super::{auth_response_json, authentication_result_json, empty, not_in_enum};
use crate::client::AuthFlow;
use crate::json::{Members, Read};
use crate::registry::Registry;
use crate::{
    ChallengeName, GetTokensFromRefreshTokenRequest, InitiateAuthRequest, Parameters,
    RespondToAuthChallengeRequest, RevokeTokenRequest,
};

/// The model's `AuthFlowType`, in its order, and the flow each value runs.
/// `REFRESH_TOKEN` and `ADMIN_NO_SRP_AUTH` are the legacy synonyms.
const AUTH_FLOWS: [(&str, AuthFlow); 8] = [
    ("USER_SRP_AUTH", AuthFlow::UserSrpAuth),
    ("REFRESH_TOKEN_AUTH", AuthFlow::RefreshTokenAuth),
    ("REFRESH_TOKEN", AuthFlow::RefreshTokenAuth),
    ("CUSTOM_AUTH", AuthFlow::CustomAuth),
    ("ADMIN_NO_SRP_AUTH", AuthFlow::AdminUserPasswordAuth),
    ("USER_PASSWORD_AUTH", AuthFlow::UserPasswordAuth),
    ("ADMIN_USER_PASSWORD_AUTH", AuthFlow::AdminUserPasswordAuth),
    ("USER_AUTH", AuthFlow::UserAuth),
];

/// The model's `ChallengeNameType`, in its order.
const CHALLENGE_NAMES: [&str; 16] = [
    "SMS_MFA",
    "EMAIL_OTP",
    "SOFTWARE_TOKEN_MFA",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SELECT_CHALLENGE",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "ADMIN_NO_SRP_AUTH",
    "NEW_PASSWORD_REQUIRED",
    "SMS_OTP",
    "PASSWORD",
    "WEB_AUTHN",
    "PASSWORD_SRP",
];

/// `AuthFlow`: a model value maps to its flow (the pool refuses the ones it
/// does not simulate or that the operation does not take); anything else is
/// a model-validation error.
fn auth_flow(input: &Members<'_>) -> Read<AuthFlow> {
    let value = input.str("AuthFlow")?;
    AUTH_FLOWS
        .iter()
        .find(|(name, _)| *name == value)
        .map(|(_, flow)| *flow)
        .ok_or_else(|| not_in_enum("AuthFlow", value, &AUTH_FLOWS.map(|(name, _)| name)).into())
}

/// `ChallengeName`: outside the model's enum, a model-validation error; in
/// it but not simulated, the pool's refusal.
fn challenge_name(input: &Members<'_>) -> Read<ChallengeName> {
    let value = input.str("ChallengeName")?;
    if !CHALLENGE_NAMES.contains(&value) {
        return Err(not_in_enum("ChallengeName", value, &CHALLENGE_NAMES).into());
    }
    Ok(ChallengeName::parse(value)?)
}

/// A string map member, empty when absent.
fn parameters(input: &Members<'_>, member: &str) -> Read<Parameters> {
    Ok(Parameters::from(
        input.opt_str_map(member)?.unwrap_or_default(),
    ))
}

/// `InitiateAuth`. `Session` is not read: it only continues `USER_AUTH`.
pub(super) fn initiate_auth(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let flow = auth_flow(input)?;
    let params = parameters(input, "AuthParameters")?;
    let client_id = input.str("ClientId")?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    input.finish()?;
    let pool = registry.pool_of_client(client_id)?;
    let mut request = InitiateAuthRequest::new(flow, client_id);
    request.auth_parameters = params;
    request.client_metadata = client_metadata;
    Ok(auth_response_json(&pool.initiate_auth(request)?))
}

/// `AdminInitiateAuth`: the client must belong to `UserPoolId`. `Session`
/// is not read, as for `InitiateAuth`.
pub(super) fn admin_initiate_auth(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let client_id = input.str("ClientId")?;
    let flow = auth_flow(input)?;
    let params = parameters(input, "AuthParameters")?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    input.finish()?;
    let pool = registry.pool(pool_id)?;
    let mut request = InitiateAuthRequest::new(flow, client_id);
    request.auth_parameters = params;
    request.client_metadata = client_metadata;
    Ok(auth_response_json(&pool.admin_initiate_auth(request)?))
}

/// The request both challenge operations carry.
fn challenge_request(input: &Members<'_>) -> Read<RespondToAuthChallengeRequest> {
    let client_id = input.str("ClientId")?;
    let challenge = challenge_name(input)?;
    let session = input.opt_str("Session")?.map(str::to_owned);
    let mut request = RespondToAuthChallengeRequest::new(client_id, challenge, session);
    request.challenge_responses = parameters(input, "ChallengeResponses")?;
    request.client_metadata = input.opt_str_map("ClientMetadata")?;
    Ok(request)
}

/// `RespondToAuthChallenge`.
pub(super) fn respond_to_auth_challenge(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let request = challenge_request(input)?;
    input.finish()?;
    let pool = registry.pool_of_client(&request.client_id)?;
    Ok(auth_response_json(
        &pool.respond_to_auth_challenge(request)?,
    ))
}

/// `AdminRespondToAuthChallenge`: the client must belong to `UserPoolId`.
pub(super) fn admin_respond_to_auth_challenge(
    registry: &Registry,
    input: &Members<'_>,
) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let request = challenge_request(input)?;
    input.finish()?;
    let pool = registry.pool(pool_id)?;
    Ok(auth_response_json(
        &pool.admin_respond_to_auth_challenge(request)?,
    ))
}

/// `GetTokensFromRefreshToken`, with `DeviceKey` for a refresh token bound
/// to a device.
pub(super) fn get_tokens_from_refresh_token(
    registry: &Registry,
    input: &Members<'_>,
) -> Read<Value> {
    let refresh_token = input.str("RefreshToken")?;
    let client_id = input.str("ClientId")?;
    let client_secret = input.opt_str("ClientSecret")?;
    let client_metadata = input.opt_str_map("ClientMetadata")?;
    let device_key = input.opt_str("DeviceKey")?;
    input.finish()?;
    let pool = registry.pool_of_client(client_id)?;
    let result = pool.get_tokens_from_refresh_token(GetTokensFromRefreshTokenRequest {
        refresh_token: refresh_token.to_owned(),
        client_id: client_id.to_owned(),
        client_secret: client_secret.map(str::to_owned),
        client_metadata,
        device_key: device_key.map(str::to_owned),
    })?;
    Ok(json!({ "AuthenticationResult": authentication_result_json(&result) }))
}

/// `GlobalSignOut`.
pub(super) fn global_sign_out(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = input.str("AccessToken")?;
    input.finish()?;
    registry
        .pool_of_access_token(token)?
        .global_sign_out(token)?;
    Ok(empty())
}

/// `AdminUserGlobalSignOut`.
pub(super) fn admin_user_global_sign_out(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let pool_id = input.str("UserPoolId")?;
    let username = input.str("Username")?;
    input.finish()?;
    registry
        .pool(pool_id)?
        .admin_user_global_sign_out(username)?;
    Ok(empty())
}

/// `RevokeToken`: `{}` on success.
pub(super) fn revoke_token(registry: &Registry, input: &Members<'_>) -> Read<Value> {
    let token = input.str("Token")?;
    let client_id = input.str("ClientId")?;
    let client_secret = input.opt_str("ClientSecret")?;
    input.finish()?;
    let pool = registry.pool_of_client(client_id)?;
    pool.revoke_token(RevokeTokenRequest {
        token: token.to_owned(),
        client_id: client_id.to_owned(),
        client_secret: client_secret.map(str::to_owned),
    })?;
    Ok(empty())
}
