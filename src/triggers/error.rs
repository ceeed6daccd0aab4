//! How a trigger fails, and the Cognito error each failure becomes
//! (cognito-triggers.md §4.1).

use std::fmt;

use crate::error::{Error, ErrorCode};

use super::source::Trigger;

/// `InvalidLambdaResponseException`'s message when the function's output
/// is not a JSON object (a handler that returned nothing sends `null`).
pub const INVALID_JSON: &str = "Invalid lambda function output : Invalid JSON";

/// `InvalidLambdaResponseException`'s message when the event's `response`
/// cannot be used (a member of the wrong type, an unknown enum value).
pub const UNRECOGNIZABLE_OUTPUT: &str = "Unrecognizable lambda output";

/// `UnexpectedLambdaException`'s reason after the last timed-out attempt.
pub const SOCKET_TIMEOUT: &str = "Socket timeout while invoking Lambda function.";

/// Why a trigger did not answer with a usable response.
///
/// A hook returns one of these; [`TriggerError::into_error`] turns it into
/// the error the operation fails with.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum TriggerError {
    /// The function ran and refused (a thrown error):
    /// `UserLambdaValidationException`, `<Trigger> failed with error <message>.`
    Rejected {
        /// The function's `errorMessage`, verbatim.
        message: String,
    },
    /// The function's output is unusable: `InvalidLambdaResponseException`
    /// with `message` as it stands ([`INVALID_JSON`], [`UNRECOGNIZABLE_OUTPUT`], …).
    InvalidResponse {
        /// The whole message.
        message: String,
    },
    /// The function could not be invoked: `UnexpectedLambdaException`,
    /// `<Trigger> invocation failed due to error <reason>`.
    Unavailable {
        /// [`SOCKET_TIMEOUT`], or the Lambda service's error name
        /// (`ResourceNotFoundException`, `AccessDeniedException`, …).
        reason: String,
    },
}

impl TriggerError {
    /// [`TriggerError::Rejected`] with this message.
    #[must_use]
    pub fn rejected(message: impl Into<String>) -> Self {
        Self::Rejected {
            message: message.into(),
        }
    }

    /// [`TriggerError::InvalidResponse`] with this message.
    #[must_use]
    pub fn invalid_response(message: impl Into<String>) -> Self {
        Self::InvalidResponse {
            message: message.into(),
        }
    }

    /// [`TriggerError::Unavailable`] for this reason.
    #[must_use]
    pub fn unavailable(reason: impl Into<String>) -> Self {
        Self::Unavailable {
            reason: reason.into(),
        }
    }

    /// The Cognito error an operation fails with when `trigger` failed
    /// this way: the one place the §4.1 texts are written.
    ///
    /// * `Rejected` → `UserLambdaValidationException`
    ///   `PreSignUp failed with error Domain not allowed.` The `.` is
    ///   always appended, even after a message that ends in one
    ///   (cognito-triggers.md §4.1, the recommended choice).
    /// * `InvalidResponse` → `InvalidLambdaResponseException` with the message as is.
    /// * `Unavailable` → `UnexpectedLambdaException`
    ///   `PreSignUp invocation failed due to error <reason>`.
    #[must_use]
    pub fn into_error(self, trigger: Trigger) -> Error {
        match self {
            Self::Rejected { message } => Error::new(
                ErrorCode::UserLambdaValidation,
                format!("{trigger} failed with error {message}."),
            ),
            Self::InvalidResponse { message } => {
                Error::new(ErrorCode::InvalidLambdaResponse, message)
            }
            Self::Unavailable { reason } => Error::new(
                ErrorCode::UnexpectedLambda,
                format!("{trigger} invocation failed due to error {reason}"),
            ),
        }
    }
}

impl fmt::Debug for TriggerError {
    // A function's error message is its author's text; it may quote the
    // event (attributes, a typed answer). Debug output ends up in logs, so
    // it shows the kind only; `into_error` carries the text to the caller,
    // as Cognito does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected { .. } => f.write_str("Rejected { .. }"),
            Self::InvalidResponse { message } => f
                .debug_struct("InvalidResponse")
                .field("message", message)
                .finish(),
            Self::Unavailable { reason } => f
                .debug_struct("Unavailable")
                .field("reason", reason)
                .finish(),
        }
    }
}

impl fmt::Display for TriggerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rejected { .. } => f.write_str("the trigger refused"),
            Self::InvalidResponse { message } => f.write_str(message),
            Self::Unavailable { reason } => write!(f, "the trigger is unavailable: {reason}"),
        }
    }
}

impl std::error::Error for TriggerError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_is_a_user_lambda_validation_exception_with_a_full_stop() {
        let e = TriggerError::rejected("Domain not allowed").into_error(Trigger::PreSignUp);
        assert_eq!(e.code(), ErrorCode::UserLambdaValidation);
        assert_eq!(e.code().as_str(), "UserLambdaValidationException");
        assert_eq!(
            e.message(),
            "PreSignUp failed with error Domain not allowed."
        );
        let e = TriggerError::rejected("Bad password.").into_error(Trigger::UserMigration);
        assert_eq!(
            e.message(),
            "UserMigration failed with error Bad password.."
        );
        let e = TriggerError::rejected("nope").into_error(Trigger::CustomSmsSender);
        assert_eq!(e.message(), "CustomSMSSender failed with error nope.");
    }

    #[test]
    fn an_unusable_response_keeps_its_message() {
        let e = TriggerError::invalid_response(INVALID_JSON).into_error(Trigger::PostConfirmation);
        assert_eq!(e.code().as_str(), "InvalidLambdaResponseException");
        assert_eq!(e.message(), "Invalid lambda function output : Invalid JSON");
        let e = TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT)
            .into_error(Trigger::DefineAuthChallenge);
        assert_eq!(e.message(), "Unrecognizable lambda output");
    }

    #[test]
    fn an_invocation_failure_is_an_unexpected_lambda_exception() {
        let e = TriggerError::unavailable(SOCKET_TIMEOUT).into_error(Trigger::PreTokenGeneration);
        assert_eq!(e.code().as_str(), "UnexpectedLambdaException");
        assert_eq!(
            e.message(),
            "PreTokenGeneration invocation failed due to error Socket timeout while invoking Lambda function."
        );
        let e = TriggerError::unavailable("ResourceNotFoundException")
            .into_error(Trigger::VerifyAuthChallengeResponse);
        assert_eq!(
            e.message(),
            "VerifyAuthChallengeResponse invocation failed due to error ResourceNotFoundException"
        );
    }

    #[test]
    fn all_three_are_client_errors() {
        for code in [
            ErrorCode::UserLambdaValidation,
            ErrorCode::InvalidLambdaResponse,
            ErrorCode::UnexpectedLambda,
        ] {
            assert_eq!(code.http_status(), 400);
        }
    }

    #[test]
    fn debug_does_not_repeat_a_functions_message() {
        let e = TriggerError::rejected("user 1234 typed secret");
        assert!(!format!("{e:?}").contains("secret"));
    }
}
