//! The AWS JSON 1.1 adapter: Cognito's wire protocol as a codec.
//!
//! [`handle`] takes the operation named by the `X-Amz-Target` header
//! (`AWSCognitoIdentityProviderService.SignUp`, or just `SignUp`) and the
//! JSON body, decodes the body into the pool's request types, calls the
//! [`UserPool`](crate::UserPool) (or the [`Registry`], for the pool
//! operations) and encodes the answer: the JSON response, or Cognito's error
//! body `{"__type": "...", "message": "..."}` with its HTTP status
//! (cognito-protocol.md §3). No sockets: the HTTP shell is the
//! `userpool-server` crate. No Cognito rule lives here: every decision is
//! the pool's, so a Rust caller and an HTTP client see the same behaviour.
//!
//! Field names, shapes and timestamps (epoch seconds) follow botocore's
//! service model. Malformed JSON or a member of the wrong type is a
//! `SerializationException` and an unknown operation an
//! `UnknownOperationException` ([`ProtocolError`]: errors of the protocol,
//! not Cognito exceptions); a member the engine does not implement is an
//! `InvalidParameterException` that names it — never silently ignored. The
//! exceptions are members that only feed features this engine does not have
//! and whose absence Cognito itself tolerates: `AnalyticsMetadata`
//! (Pinpoint), `UserContextData` / `ContextData` (advanced security); they
//! are type-checked against the service model like any member, and have no
//! effect. `ClientMetadata` is accepted everywhere the model has it and read
//! where an operation fires triggers (cognito-triggers.md §1.3); elsewhere it
//! feeds nothing.
//!
//! Which operations AWS's clients sign with SigV4 is a fact of the wire
//! ([`is_signed`], [`UNSIGNED_OPERATIONS`]); [`sigv4`] verifies those
//! signatures as a pure function of the raw request and the time, for an
//! HTTP shell that is asked to check them.

use std::fmt;

use serde_json::{Value, json};

use crate::clock::Timestamp;
use crate::error::Error;
use crate::json::{Failure, Members, Read, parse_object, truncate};
use crate::registry::Registry;

mod pools;
pub mod sigv4;
mod users;

/// The prefix of every `X-Amz-Target` of the service.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// An HTTP answer: status, JSON body, and for errors the `x-amzn-ErrorType`.
///
/// `Debug` shows the status and the error type only: bodies carry tokens,
/// client secrets and temporary passwords.
#[derive(Clone, PartialEq, Eq)]
pub struct WireResponse {
    /// 200, 400, or 500 for `InternalErrorException`.
    pub status: u16,
    /// The JSON body.
    pub body: String,
    /// The exception name for error responses (`x-amzn-ErrorType`).
    pub error_type: Option<&'static str>,
}

impl fmt::Debug for WireResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WireResponse")
            .field("status", &self.status)
            .field("error_type", &self.error_type)
            .finish_non_exhaustive()
    }
}

/// The errors of the protocol itself: the request never reached an
/// operation, so they are not Cognito exceptions of any operation.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProtocolError {
    /// The body is not JSON, not an object, or a member has the wrong JSON type.
    Serialization,
    /// The `X-Amz-Target` names no operation.
    UnknownOperation,
    /// A signed operation without an `Authorization` header
    /// ([`sigv4`]).
    MissingAuthenticationToken,
    /// An `Authorization` header whose access key is not configured.
    UnrecognizedClient,
    /// A signature that does not match, a credential scope of another
    /// date, region or service, or an `X-Amz-Date` outside the clock-skew
    /// window.
    InvalidSignature,
    /// An `Authorization` header that is not a complete SigV4 one, or a
    /// missing `X-Amz-Date`.
    IncompleteSignature,
}

impl ProtocolError {
    /// The `__type` AWS answers with.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Serialization => "SerializationException",
            Self::UnknownOperation => "UnknownOperationException",
            Self::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            Self::UnrecognizedClient => "UnrecognizedClientException",
            Self::InvalidSignature => "InvalidSignatureException",
            Self::IncompleteSignature => "IncompleteSignatureException",
        }
    }
}

/// The operations Cognito serves without SigV4: those whose model entry
/// has `"authtype": "none"` (`auth: ["smithy.api#noAuth"]`), which botocore
/// sends unsigned. They authorise with an `AccessToken` member, or a
/// `ClientId` (and secret hash). The list of cognito-protocol.md §3.2, plus
/// `ListUserSessions` and `RevokeUserSession`, which botocore 1.44's model
/// marks the same way. Every other operation is signed.
pub const UNSIGNED_OPERATIONS: [&str; 34] = [
    "AssociateSoftwareToken",
    "ChangePassword",
    "CompleteWebAuthnRegistration",
    "ConfirmDevice",
    "ConfirmForgotPassword",
    "ConfirmSignUp",
    "DeleteUser",
    "DeleteUserAttributes",
    "DeleteWebAuthnCredential",
    "ForgetDevice",
    "ForgotPassword",
    "GetDevice",
    "GetTokensFromRefreshToken",
    "GetUser",
    "GetUserAttributeVerificationCode",
    "GetUserAuthFactors",
    "GlobalSignOut",
    "InitiateAuth",
    "ListDevices",
    "ListUserSessions",
    "ListWebAuthnCredentials",
    "ResendConfirmationCode",
    "RespondToAuthChallenge",
    "RevokeToken",
    "RevokeUserSession",
    "SetUserMFAPreference",
    "SetUserSettings",
    "SignUp",
    "StartWebAuthnRegistration",
    "UpdateAuthEventFeedback",
    "UpdateDeviceStatus",
    "UpdateUserAttributes",
    "VerifySoftwareToken",
    "VerifyUserAttribute",
];

/// Whether the operation `target` names (the `X-Amz-Target` value, with or
/// without the service prefix) is signed with SigV4 by AWS's clients:
/// every operation but the [`UNSIGNED_OPERATIONS`], unknown names included.
#[must_use]
pub fn is_signed(target: &str) -> bool {
    let op = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
    !UNSIGNED_OPERATIONS.contains(&op)
}

/// One operation: its handler decodes the input, calls the engine, and
/// encodes the output.
type Handler = fn(&Registry, &Members<'_>) -> Read<Value>;

/// Handles one request against the pools of `registry`: `target` is the
/// `X-Amz-Target` value (with or without the service prefix), `body` the
/// JSON request body. Never panics; every failure is a well-formed error
/// response.
#[must_use]
pub fn handle(registry: &Registry, target: &str, body: &[u8]) -> WireResponse {
    let op = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
    let Some(handler) = pools::HANDLERS
        .iter()
        .chain(users::HANDLERS.iter())
        .find(|(name, _)| *name == op)
        .map(|(_, h)| *h)
    else {
        return protocol_error(
            ProtocolError::UnknownOperation,
            &format!("Unknown operation: {}", truncate(op, 64)),
        );
    };
    let result = parse_object(body).and_then(|map| {
        let input = Members::top(&map);
        let out = handler(registry, &input)?;
        input.finish()?;
        Ok(out)
    });
    match result {
        Ok(value) => WireResponse {
            status: 200,
            body: value.to_string(),
            error_type: None,
        },
        Err(Failure::Malformed(message)) => protocol_error(ProtocolError::Serialization, &message),
        Err(Failure::Refused(e)) => error_response(&e),
    }
}

/// Cognito's error body and status for `e` (cognito-protocol.md §3.4).
#[must_use]
pub fn error_response(e: &Error) -> WireResponse {
    WireResponse {
        status: e.code().http_status(),
        body: json!({"__type": e.code().as_str(), "message": e.message()}).to_string(),
        error_type: Some(e.code().as_str()),
    }
}

/// The error body and status (400) for an error of the protocol.
#[must_use]
pub fn protocol_error(error: ProtocolError, message: &str) -> WireResponse {
    WireResponse {
        status: 400,
        body: json!({"__type": error.as_str(), "message": message}).to_string(),
        error_type: Some(error.as_str()),
    }
}

/// A timestamp as the JSON protocol sends it: epoch seconds, with a fraction.
#[must_use]
fn timestamp(t: Timestamp) -> Value {
    json!(t.unix_millis() as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::RegistryOptions;

    #[test]
    fn unknown_operations_and_bad_bodies_are_well_formed_errors() {
        let r = Registry::new(RegistryOptions::default());
        let resp = handle(&r, "AWSCognitoIdentityProviderService.Nope", b"{}");
        assert_eq!(resp.status, 400);
        assert_eq!(resp.error_type, Some("UnknownOperationException"));
        let body: Value = serde_json::from_str(&resp.body).unwrap_or(Value::Null);
        assert_eq!(body["__type"], "UnknownOperationException");
        let resp = handle(&r, "ListUserPools", b"[1]");
        assert_eq!(resp.error_type, Some("SerializationException"));
        assert_eq!(resp.status, 400);
    }

    #[test]
    fn debug_shows_the_status_and_error_type_never_the_body() {
        let ok = WireResponse {
            status: 200,
            body: r#"{"AuthenticationResult":{"AccessToken":"eyJsecret"}}"#.to_owned(),
            error_type: None,
        };
        assert_eq!(
            format!("{ok:?}"),
            "WireResponse { status: 200, error_type: None, .. }"
        );
        let refused = protocol_error(ProtocolError::Serialization, "Expected string for X.");
        assert_eq!(
            format!("{refused:?}"),
            "WireResponse { status: 400, error_type: Some(\"SerializationException\"), .. }"
        );
    }

    #[test]
    fn the_unsigned_list_is_sorted_and_names_public_operations_only() {
        assert!(UNSIGNED_OPERATIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            UNSIGNED_OPERATIONS
                .iter()
                .all(|op| !op.starts_with("Admin"))
        );
        for op in [
            "SignUp",
            "InitiateAuth",
            "RespondToAuthChallenge",
            "GetUser",
        ] {
            assert!(!is_signed(op), "{op}");
            assert!(!is_signed(&format!("{TARGET_PREFIX}{op}")), "{op}");
        }
        for op in [
            "AdminGetUser",
            "CreateUserPool",
            "ListUsers",
            "Nope",
            "signUp",
            "",
        ] {
            assert!(is_signed(op), "{op}");
        }
        // Every handled operation is classified as the model has it: the
        // public ones by ClientId or AccessToken, the rest signed.
        for (op, _) in pools::HANDLERS.iter().chain(users::HANDLERS.iter()) {
            let public = [
                "SignUp",
                "ConfirmSignUp",
                "ResendConfirmationCode",
                "GetUser",
                "UpdateUserAttributes",
                "DeleteUserAttributes",
                "VerifyUserAttribute",
                "GetUserAttributeVerificationCode",
                "DeleteUser",
                "ForgotPassword",
                "ConfirmForgotPassword",
                "ChangePassword",
                "InitiateAuth",
                "RespondToAuthChallenge",
                "GetTokensFromRefreshToken",
                "GlobalSignOut",
                "RevokeToken",
                "AssociateSoftwareToken",
                "VerifySoftwareToken",
                "SetUserMFAPreference",
                "SetUserSettings",
                "ConfirmDevice",
                "UpdateDeviceStatus",
                "ListDevices",
                "GetDevice",
                "ForgetDevice",
            ];
            assert_eq!(is_signed(op), !public.contains(op), "{op}");
        }
    }
}
