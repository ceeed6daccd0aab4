//! `POST /oauth2/token` (cognito-oauth.md §7), `/oauth2/userInfo` (§9) and
//! `POST /oauth2/revoke` (§10) as HTTP translations of the pool's grants.
//!
//! The three answer CORS with `Access-Control-Allow-Origin: *` and no
//! credentials (§4.1: Amplify calls the token endpoint cross-origin), and
//! a preflight `OPTIONS` with `204`.

use super::OAuthError;
use super::client_auth::client_credentials;
use super::form::Form;
use super::http::{OAuthRequest, OAuthResponse};
use crate::UserPool;
use crate::error::ErrorCode;
use crate::pool::oauth::{GrantError, OAuthTokens, UserInfoError};
use crate::triggers::StringMap;

/// `WWW-Authenticate` of a malformed userInfo request (§9).
const USERINFO_BAD_REQUEST: &str =
    "error=\"invalid_request\", error_description=\"Bad OAuth2 request at UserInfo Endpoint\"";
/// `WWW-Authenticate` of a refused userInfo token (§9).
const USERINFO_INVALID_TOKEN: &str = "error=\"invalid_token\", error_description=\"Access token is expired, disabled, or deleted, or the user has globally signed out.\"";

/// Adds the CORS header of the token, userInfo and revoke endpoints.
fn cors(response: OAuthResponse) -> OAuthResponse {
    response.with_header("Access-Control-Allow-Origin", "*")
}

/// The request headers a preflight allows: client authentication, the form's
/// type, and `x-amz-user-agent`, which Amplify v6 sends with its token request
/// (`completeOAuthFlow`); without it a browser refuses Amplify's exchange.
const ALLOWED_HEADERS: &str = "authorization, content-type, x-amz-user-agent";

/// The answer to a CORS preflight of one of the three endpoints.
fn preflight(methods: &str) -> OAuthResponse {
    cors(OAuthResponse::new(204))
        .with_header("Access-Control-Allow-Methods", methods)
        .with_header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
        .with_header("Access-Control-Max-Age", "600")
}

/// `405` with `Allow`.
fn not_allowed(allow: &str) -> OAuthResponse {
    cors(OAuthResponse::new(405)).with_header("Allow", allow)
}

/// `{"error":"<code>"}` with `status` (§7.2).
fn error(status: u16, code: &str) -> OAuthResponse {
    cors(OAuthResponse::json(
        status,
        serde_json::json!({ "error": code }).to_string(),
    ))
}

/// The answer to an engine failure: `500 {"error":"server_error"}` for the
/// pool's own (its store), `400 {"error":"invalid_request"}` for the rest
/// (a PreTokenGeneration refusal).
fn engine_error(e: &crate::Error) -> OAuthResponse {
    if e.code() == ErrorCode::InternalError {
        error(500, "server_error")
    } else {
        error(400, "invalid_request")
    }
}

fn grant_error(e: &GrantError) -> OAuthResponse {
    match e {
        GrantError::OAuth(code) => error(400, code.as_str()),
        GrantError::Engine(e) => engine_error(e),
    }
}

/// The form of a token or revoke request: the body, which must be
/// `application/x-www-form-urlencoded`, merged with the query (§7.1's
/// choice), where `client_secret` and `code_verifier` may not appear.
fn request_form(request: &OAuthRequest) -> Result<Form, OAuthError> {
    let content_type = request.header("content-type").unwrap_or("");
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media != "application/x-www-form-urlencoded" {
        return Err(OAuthError::InvalidRequest);
    }
    let query = Form::parse(&request.query)?;
    if query.contains("client_secret") || query.contains("code_verifier") {
        return Err(OAuthError::InvalidRequest);
    }
    let body = std::str::from_utf8(&request.body).map_err(|_| OAuthError::InvalidRequest)?;
    let mut form = Form::parse(body)?;
    form.extend_from(&request.query)?;
    Ok(form)
}

/// A JSON object of `members` in the order given (serde_json's maps sort
/// their keys).
fn ordered_object(members: &[(&str, serde_json::Value)]) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::Value::from(*name).to_string());
        out.push(':');
        out.push_str(&value.to_string());
    }
    out.push('}');
    out
}

/// The JSON body of a successful token answer, members in §7.5's order.
fn token_body(tokens: &OAuthTokens) -> String {
    let mut members: Vec<(&str, serde_json::Value)> = Vec::with_capacity(5);
    if let Some(id) = &tokens.id_token {
        members.push(("id_token", id.as_str().into()));
    }
    members.push(("access_token", tokens.access_token.as_str().into()));
    if let Some(refresh) = &tokens.refresh_token {
        members.push(("refresh_token", refresh.as_str().into()));
    }
    members.push(("expires_in", tokens.expires_in.into()));
    members.push(("token_type", "Bearer".into()));
    ordered_object(&members)
}

/// `POST /oauth2/token` (§7): the `authorization_code`, `refresh_token`
/// and `client_credentials` grants, clients authenticated by HTTP Basic or
/// the body. Errors are `400 {"error":"<code>"}` (§7.2), a non-POST is
/// `405`, `OPTIONS` a CORS preflight.
#[must_use]
pub fn token(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    match request.method.as_str() {
        "POST" => {}
        "OPTIONS" => return preflight("POST, OPTIONS"),
        _ => return not_allowed("POST, OPTIONS"),
    }
    let form = match request_form(request) {
        Ok(f) => f,
        Err(e) => return error(400, e.as_str()),
    };
    let Some(grant_type) = form.non_empty("grant_type") else {
        return error(400, OAuthError::InvalidRequest.as_str());
    };
    if !matches!(
        grant_type,
        "authorization_code" | "refresh_token" | "client_credentials"
    ) {
        return error(400, OAuthError::UnsupportedGrantType.as_str());
    }
    let credentials = match client_credentials(request.header("authorization"), &form) {
        Ok(c) => c,
        Err(e) => return error(400, e.as_str()),
    };
    let result = match grant_type {
        "authorization_code" => pool.authorization_code_grant(
            &credentials,
            form.non_empty("code"),
            form.non_empty("redirect_uri"),
            form.non_empty("code_verifier"),
        ),
        "refresh_token" => pool.refresh_token_grant(&credentials, form.non_empty("refresh_token")),
        _ => match client_metadata(&form) {
            Ok(metadata) => pool.client_credentials_grant(
                &credentials,
                form.non_empty("scope"),
                metadata.as_ref(),
            ),
            Err(e) => Err(e.into()),
        },
    };
    match result {
        Ok(tokens) => cors(OAuthResponse::json(200, token_body(&tokens))),
        Err(e) => grant_error(&e),
    }
}

/// `aws_client_metadata`: the `ClientMetadata` of a token request, a JSON
/// object of strings, URL-encoded in the form; the PreTokenGeneration
/// function is told it. Anything else in it is `invalid_request`.
fn client_metadata(form: &Form) -> Result<Option<StringMap>, OAuthError> {
    form.non_empty("aws_client_metadata")
        .map(|json| serde_json::from_str::<StringMap>(json).map_err(|_| OAuthError::InvalidRequest))
        .transpose()
}

/// A userInfo error: `status`, `WWW-Authenticate` and a JSON body
/// mirroring it (§9's choice).
fn userinfo_error(status: u16, header: &str, code: &str, description: &str) -> OAuthResponse {
    cors(OAuthResponse::json(
        status,
        serde_json::json!({ "error": code, "error_description": description }).to_string(),
    ))
    .with_header("WWW-Authenticate", header)
}

/// `GET` or `POST /oauth2/userInfo` (and `/oauth2/userinfo`, §9): the
/// claims of the user of an OAuth access token with `openid`, by its
/// scopes, values as stored strings (`"true"`), with `sub` and `username`.
/// No bearer token is `400`, a refused token `401`, both with
/// `WWW-Authenticate`.
#[must_use]
pub fn user_info(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    match request.method.as_str() {
        "GET" | "POST" => {}
        "OPTIONS" => return preflight("GET, POST, OPTIONS"),
        _ => return not_allowed("GET, POST, OPTIONS"),
    }
    let bearer = request
        .header("authorization")
        .and_then(|h| h.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty());
    let Some(token) = bearer else {
        return userinfo_error(
            400,
            USERINFO_BAD_REQUEST,
            "invalid_request",
            "Bad OAuth2 request at UserInfo Endpoint",
        );
    };
    match pool.user_info(token) {
        Ok(claims) => {
            let members: Vec<(&str, serde_json::Value)> = claims
                .iter()
                .map(|(n, v)| (n.as_str(), serde_json::Value::from(v.as_str())))
                .collect();
            cors(OAuthResponse::json(200, ordered_object(&members)))
        }
        Err(UserInfoError::InvalidToken) => userinfo_error(
            401,
            USERINFO_INVALID_TOKEN,
            "invalid_token",
            "Access token is expired, disabled, or deleted, or the user has globally signed out.",
        ),
        Err(UserInfoError::Engine(e)) => engine_error(&e),
    }
}

/// `POST /oauth2/revoke` (§10): revokes a refresh token and its family.
/// `200` with an empty body on success and for unknown, revoked or other
/// clients' tokens; `400 invalid_request` without a token or with
/// revocation off; `400 unsupported_token_type` for anything but a
/// refresh token; `401 invalid_client`.
#[must_use]
pub fn revoke(pool: &UserPool, request: &OAuthRequest) -> OAuthResponse {
    match request.method.as_str() {
        "POST" => {}
        "OPTIONS" => return preflight("POST, OPTIONS"),
        _ => return not_allowed("POST, OPTIONS"),
    }
    let form = match request_form(request) {
        Ok(f) => f,
        Err(e) => return error(400, e.as_str()),
    };
    let credentials = match client_credentials(request.header("authorization"), &form) {
        Ok(c) => c,
        Err(e) => return error(401, e.as_str()),
    };
    match pool.oauth_revoke(&credentials, form.non_empty("token")) {
        Ok(()) => cors(OAuthResponse::new(200).no_store()),
        Err(GrantError::OAuth(OAuthError::InvalidClient)) => {
            error(401, OAuthError::InvalidClient.as_str())
        }
        Err(e) => grant_error(&e),
    }
}
