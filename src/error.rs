//! The one public error type and the Cognito exception names it maps to.
//!
//! Every fallible operation returns [`Error`]. Callers branch on
//! [`Error::code`]; the [`ErrorCode::as_str`] of a code is exactly the
//! `__type` Amazon Cognito puts on the wire (`NotAuthorizedException`, ...),
//! and [`Error::message`] follows the live service's wording where
//! `cognito-protocol.md` §5.2 records it.

use std::fmt;

use crate::policy::PolicyViolation;

/// The Cognito exception an [`Error`] stands for.
///
/// The mapping from error to exception name lives in one exhaustive `match`
/// ([`ErrorCode::as_str`]), so a new variant cannot be added without naming it.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A request parameter, attribute or configuration value is invalid.
    InvalidParameter,
    /// A password does not satisfy the pool's password policy.
    InvalidPassword,
    /// Wrong credentials, a refused state transition, a disabled user, a bad token.
    NotAuthorized,
    /// The user does not exist.
    UserNotFound,
    /// The username (or, in email/phone-as-username pools, the email or phone) is taken.
    UsernameExists,
    /// An alias (email, phone, preferred username) is already verified on another user.
    AliasExists,
    /// The user has not confirmed their sign-up.
    UserNotConfirmed,
    /// The user must reset their password before signing in.
    PasswordResetRequired,
    /// A verification or confirmation code does not match.
    CodeMismatch,
    /// A code has expired, was already used, or was never issued.
    ExpiredCode,
    /// Too many wrong codes were submitted.
    TooManyFailedAttempts,
    /// A per-user limit was reached.
    LimitExceeded,
    /// Too many requests.
    TooManyRequests,
    /// The pool, app client or group does not exist.
    ResourceNotFound,
    /// The group already exists.
    GroupExists,
    /// The password was used recently (`PasswordHistorySize`).
    PasswordHistoryPolicyViolation,
    /// The message sender failed to deliver a code.
    CodeDeliveryFailure,
    /// The token is not of a type the operation accepts.
    UnsupportedTokenType,
    /// The operation is not enabled for this app client.
    UnsupportedOperation,
    /// The client is not authorised for this operation.
    Unauthorized,
    /// A rotated refresh token was used again.
    RefreshTokenReuse,
    /// The pool's configuration does not allow the operation.
    InvalidUserPoolConfiguration,
    /// The user is in a state that does not allow the operation.
    UnsupportedUserState,
    /// A store or system failure. The only code that maps to HTTP 500.
    InternalError,
    /// The request body is not the JSON the operation takes (wire adapter).
    Serialization,
    /// The `X-Amz-Target` names no operation (wire adapter).
    UnknownOperation,
}

impl ErrorCode {
    /// The Cognito exception name, exactly as it appears in `__type` on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidParameter => "InvalidParameterException",
            Self::InvalidPassword => "InvalidPasswordException",
            Self::NotAuthorized => "NotAuthorizedException",
            Self::UserNotFound => "UserNotFoundException",
            Self::UsernameExists => "UsernameExistsException",
            Self::AliasExists => "AliasExistsException",
            Self::UserNotConfirmed => "UserNotConfirmedException",
            Self::PasswordResetRequired => "PasswordResetRequiredException",
            Self::CodeMismatch => "CodeMismatchException",
            Self::ExpiredCode => "ExpiredCodeException",
            Self::TooManyFailedAttempts => "TooManyFailedAttemptsException",
            Self::LimitExceeded => "LimitExceededException",
            Self::TooManyRequests => "TooManyRequestsException",
            Self::ResourceNotFound => "ResourceNotFoundException",
            Self::GroupExists => "GroupExistsException",
            Self::PasswordHistoryPolicyViolation => "PasswordHistoryPolicyViolationException",
            Self::CodeDeliveryFailure => "CodeDeliveryFailureException",
            Self::UnsupportedTokenType => "UnsupportedTokenTypeException",
            Self::UnsupportedOperation => "UnsupportedOperationException",
            Self::Unauthorized => "UnauthorizedException",
            Self::RefreshTokenReuse => "RefreshTokenReuseException",
            Self::InvalidUserPoolConfiguration => "InvalidUserPoolConfigurationException",
            Self::UnsupportedUserState => "UnsupportedUserStateException",
            Self::InternalError => "InternalErrorException",
            Self::Serialization => "SerializationException",
            Self::UnknownOperation => "UnknownOperationException",
        }
    }

    /// The HTTP status Cognito answers with: 500 for [`ErrorCode::InternalError`],
    /// 400 for every other exception (`cognito-protocol.md` §3.4).
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            Self::InternalError => 500,
            _ => 400,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from any `userpool` operation: a Cognito exception name and a message.
///
/// Messages never contain secrets (passwords, codes, tokens).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Error {
    code: ErrorCode,
    message: String,
    violations: Vec<PolicyViolation>,
}

impl Error {
    /// Builds an error from a code and a message.
    #[must_use]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            violations: Vec::new(),
        }
    }

    /// The Cognito exception this error stands for.
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message, in Cognito's wording where it is known.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For [`ErrorCode::InvalidPassword`]: every rule of the policy the password
    /// broke, in the policy's order. Empty for every other error.
    ///
    /// The message itself names only the first, as Cognito does.
    #[must_use]
    pub fn password_violations(&self) -> &[PolicyViolation] {
        &self.violations
    }

    pub(crate) fn with_violations(mut self, violations: Vec<PolicyViolation>) -> Self {
        self.violations = violations;
        self
    }

    pub(crate) fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    pub(crate) fn not_authorized(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotAuthorized, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InternalError, message)
    }

    pub(crate) fn user_not_found() -> Self {
        Self::new(ErrorCode::UserNotFound, "User does not exist.")
    }

    /// `UserNotFoundException` as the client-scoped operations word it
    /// (ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ...).
    pub(crate) fn user_not_found_for_client() -> Self {
        Self::new(
            ErrorCode::UserNotFound,
            "Username/client id combination not found.",
        )
    }

    /// A wrong confirmation or reset code.
    pub(crate) fn code_mismatch() -> Self {
        Self::new(
            ErrorCode::CodeMismatch,
            "Invalid verification code provided, please try again.",
        )
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Error");
        s.field("code", &self.code).field("message", &self.message);
        if !self.violations.is_empty() {
            s.field("violations", &self.violations);
        }
        s.finish()
    }
}

/// Shorthand for `Result<T, userpool::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_internal_error_is_a_server_error() {
        assert_eq!(ErrorCode::InternalError.http_status(), 500);
        assert_eq!(ErrorCode::NotAuthorized.http_status(), 400);
        assert_eq!(ErrorCode::TooManyRequests.http_status(), 400);
    }

    #[test]
    fn display_puts_the_exception_name_first() {
        let e = Error::not_authorized("Incorrect username or password.");
        assert_eq!(
            e.to_string(),
            "NotAuthorizedException: Incorrect username or password."
        );
    }
}
