//! The one public error type and the Cognito exception names it maps to.
//!
//! Every fallible operation returns [`Error`]. Callers branch on
//! [`Error::code`]; the [`ErrorCode::as_str`] of a code is exactly the
//! `__type` Amazon Cognito puts on the wire (`NotAuthorizedException`, ...),
//! and [`Error::message`] follows the live service's wording where
//! `cognito-protocol.md` §5.2 records it.
//!
//! Two kinds of refusal carry structure besides their message, so a caller
//! need not parse text:
//!
//! * a request member that breaks Cognito's request model is a
//!   [`Violation`] (the member's path and the [`Constraint`] it broke);
//!   [`Error::validation`] renders any number of them into Cognito's one
//!   message, `N validation errors detected: …; …`, in one place;
//! * a password the pool's policy refuses lists every rule it broke as
//!   [`PolicyViolation`]s ([`Error::password_violations`]).
//!
//! This module knows nothing of the domain: the domain modules build their
//! errors from the vocabulary here.

use std::fmt;
use std::sync::Arc;

/// The Cognito exception an [`Error`] stands for.
///
/// The mapping from error to exception name lives in one exhaustive `match`
/// ([`ErrorCode::as_str`]), so a new variant cannot be added without naming it.
/// Errors of the HTTP protocol itself (a body that is not JSON, an unknown
/// operation) are not Cognito exceptions and belong to the wire adapter.
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
    /// The pool's feature plan (`UserPoolTier`) lacks a feature the request
    /// asks for.
    FeatureUnavailableInTier,
    /// A Lambda trigger ran and reported an error (`<Trigger> failed with error …`).
    UserLambdaValidation,
    /// A Lambda trigger's output could not be used.
    InvalidLambdaResponse,
    /// A Lambda trigger could not be invoked (timeout, missing function, refusal).
    UnexpectedLambda,
    /// The user has no authenticator app of the kind the call needs, or the
    /// pool does not offer TOTP MFA.
    SoftwareTokenMfaNotFound,
    /// A code given to verify a new authenticator app is wrong.
    EnableSoftwareTokenMfa,
    /// The factor chosen cannot be used (no destination for the code).
    MfaMethodNotFound,
    /// The device is already confirmed.
    DeviceKeyExists,
    /// An app client's `AllowedOAuthFlows` cannot be combined as asked
    /// (cognito-oauth.md §3.2).
    InvalidOAuthFlow,
    /// An app client names an OAuth scope the pool does not have.
    ScopeDoesNotExist,
    /// A store or system failure. The only code that maps to HTTP 500.
    InternalError,
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
            Self::FeatureUnavailableInTier => "FeatureUnavailableInTierException",
            Self::SoftwareTokenMfaNotFound => "SoftwareTokenMFANotFoundException",
            Self::EnableSoftwareTokenMfa => "EnableSoftwareTokenMFAException",
            Self::MfaMethodNotFound => "MFAMethodNotFoundException",
            Self::DeviceKeyExists => "DeviceKeyExistsException",
            Self::InvalidOAuthFlow => "InvalidOAuthFlowException",
            Self::ScopeDoesNotExist => "ScopeDoesNotExistException",
            Self::UserLambdaValidation => "UserLambdaValidationException",
            Self::InvalidLambdaResponse => "InvalidLambdaResponseException",
            Self::UnexpectedLambda => "UnexpectedLambdaException",
            Self::InternalError => "InternalErrorException",
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

/// One rule of a password policy that a password breaks.
///
/// The policy reports violations in declaration order.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyViolation {
    /// Shorter than the policy's minimum length.
    TooShort,
    /// No uppercase Basic-Latin letter.
    MissingUppercase,
    /// No lowercase Basic-Latin letter.
    MissingLowercase,
    /// No decimal digit.
    MissingNumber,
    /// No character from Cognito's symbol set.
    MissingSymbol,
}

impl PolicyViolation {
    /// Cognito's reason string for this violation, as it appears after
    /// `Password did not conform with policy: ` (`cognito-protocol.md` §5.2).
    #[must_use]
    pub const fn message(&self) -> &'static str {
        match self {
            Self::TooShort => "Password not long enough",
            Self::MissingUppercase => "Password must have uppercase characters",
            Self::MissingLowercase => "Password must have lowercase characters",
            Self::MissingNumber => "Password must have numeric characters",
            Self::MissingSymbol => "Password must have symbol characters",
        }
    }
}

/// What a [`Violation`]'s message shows of the offending value.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    /// `Value '<value>' at …`: the value, as Cognito quotes it.
    Value(String),
    /// `Value at …`: the value is left out (passwords, attribute values,
    /// anything sensitive or too long to repeat).
    Hidden,
    /// `Value null at …`: a required member is missing.
    Null,
}

/// The constraint of Cognito's request model a member broke.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// `Member must not be null`.
    NotNull,
    /// `Member must have length less than or equal to N`.
    MaxLength(u64),
    /// `Member must have length greater than or equal to N`.
    MinLength(u64),
    /// `Member must have length between MIN and MAX`.
    LengthBetween(u64, u64),
    /// `Member must have value less than or equal to N`.
    MaxValue(i64),
    /// `Member must have value greater than or equal to N`.
    MinValue(i64),
    /// `Member must satisfy enum value set: [A, B]`.
    OneOf(Vec<&'static str>),
    /// `Member must satisfy constraint: [Member must satisfy enum value set: [A, B]]`:
    /// every element of a list must be one of these.
    EachOneOf(Vec<&'static str>),
    /// `Member must satisfy regular expression pattern: P`, optionally
    /// followed by ` and have length between MIN and MAX` as Cognito words
    /// some members.
    Pattern {
        /// The pattern, as Cognito's model writes it.
        pattern: &'static str,
        /// The length range Cognito names with the pattern, if it does.
        length: Option<(u64, u64)>,
    },
    /// A constraint in Cognito's words that fits none of the forms above,
    /// the text after `Member must `.
    Other(&'static str),
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotNull => f.write_str("Member must not be null"),
            Self::MaxLength(n) => write!(f, "Member must have length less than or equal to {n}"),
            Self::MinLength(n) => {
                write!(f, "Member must have length greater than or equal to {n}")
            }
            Self::LengthBetween(min, max) => {
                write!(f, "Member must have length between {min} and {max}")
            }
            Self::MaxValue(n) => write!(f, "Member must have value less than or equal to {n}"),
            Self::MinValue(n) => write!(f, "Member must have value greater than or equal to {n}"),
            Self::OneOf(values) => {
                write!(
                    f,
                    "Member must satisfy enum value set: [{}]",
                    values.join(", ")
                )
            }
            Self::EachOneOf(values) => write!(
                f,
                "Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
                values.join(", ")
            ),
            Self::Pattern { pattern, length } => {
                write!(
                    f,
                    "Member must satisfy regular expression pattern: {pattern}"
                )?;
                match length {
                    Some((min, max)) => write!(f, " and have length between {min} and {max}"),
                    None => Ok(()),
                }
            }
            Self::Other(text) => write!(f, "Member must {text}"),
        }
    }
}

/// One member of a request that broke Cognito's request model: where, what
/// of its value the message may show, and the constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    member: String,
    shown: Shown,
    constraint: Constraint,
}

impl Violation {
    /// The member at the model path `member` (lower camel case, as Cognito
    /// names it: `userPool.policies.passwordPolicy.minimumLength`), whose
    /// value `shown` broke `constraint`.
    #[must_use]
    pub fn new(member: impl Into<String>, shown: Shown, constraint: Constraint) -> Self {
        Self {
            member: member.into(),
            shown,
            constraint,
        }
    }

    /// A required member that is missing (`Value null at …: Member must not be null`).
    #[must_use]
    pub fn missing(member: impl Into<String>) -> Self {
        Self::new(member, Shown::Null, Constraint::NotNull)
    }

    /// The model path of the member.
    #[must_use]
    pub fn member(&self) -> &str {
        &self.member
    }

    /// What the message shows of the value.
    #[must_use]
    pub fn shown(&self) -> &Shown {
        &self.shown
    }

    /// The constraint the value broke.
    #[must_use]
    pub fn constraint(&self) -> &Constraint {
        &self.constraint
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.shown {
            Shown::Value(v) => write!(f, "Value '{v}'")?,
            Shown::Hidden => f.write_str("Value")?,
            Shown::Null => f.write_str("Value null")?,
        }
        write!(
            f,
            " at '{}' failed to satisfy constraint: {}",
            self.member, self.constraint
        )
    }
}

/// Structure an [`Error`] carries besides its message.
#[derive(Clone, PartialEq, Eq)]
enum Detail {
    None,
    Validation(Vec<Violation>),
    Password(Vec<PolicyViolation>),
}

/// What went wrong underneath an [`Error`]: a store's or the system's own
/// error, for the operator's eyes (`std::error::Error::source`), never in
/// the message an API caller sees.
type Cause = Arc<dyn std::error::Error + Send + Sync>;

/// An error from any `userpool` operation: a Cognito exception name and a message.
///
/// Messages never contain secrets (passwords, codes, tokens). An
/// `InternalErrorException` from a failing store keeps the store's error as
/// its [`source`](std::error::Error::source), for logs; the message an API
/// caller sees does not repeat it. Two errors are equal when their code,
/// message and structure are; the cause is not compared.
#[derive(Clone)]
pub struct Error {
    code: ErrorCode,
    message: String,
    detail: Detail,
    cause: Option<Cause>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code && self.message == other.message && self.detail == other.detail
    }
}

impl Eq for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl Error {
    /// Builds an error from a code and a message.
    #[must_use]
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: Detail::None,
            cause: None,
        }
    }

    /// `InvalidParameterException` for members that broke Cognito's request
    /// model, with Cognito's message: `1 validation error detected: <one>` or
    /// `N validation errors detected: <one>; <two>; …`.
    #[must_use]
    pub fn validation(violations: Vec<Violation>) -> Self {
        let n = violations.len();
        let plural = if n == 1 { "error" } else { "errors" };
        let listed: Vec<String> = violations.iter().map(Violation::to_string).collect();
        Self {
            code: ErrorCode::InvalidParameter,
            message: format!("{n} validation {plural} detected: {}", listed.join("; ")),
            detail: Detail::Validation(violations),
            cause: None,
        }
    }

    /// `InvalidPasswordException` with Cognito's message, which names the
    /// first rule broken, and every rule in [`Error::password_violations`].
    #[must_use]
    pub fn invalid_password(violations: Vec<PolicyViolation>) -> Self {
        Self::password_refused("policy", violations)
    }

    /// [`Error::invalid_password`] for a password an administrator sets,
    /// which Cognito words `did not conform with password policy`
    /// (cognito-protocol.md §5.2).
    pub(crate) fn invalid_admin_password(violations: Vec<PolicyViolation>) -> Self {
        Self::password_refused("password policy", violations)
    }

    fn password_refused(policy: &str, violations: Vec<PolicyViolation>) -> Self {
        let first = violations.first().map_or("", PolicyViolation::message);
        Self {
            code: ErrorCode::InvalidPassword,
            message: format!("Password did not conform with {policy}: {first}"),
            detail: Detail::Password(violations),
            cause: None,
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
        match &self.detail {
            Detail::Password(v) => v,
            _ => &[],
        }
    }

    /// For a refusal by Cognito's request model ([`Error::validation`]):
    /// every member that broke it. Empty for every other error.
    #[must_use]
    pub fn violations(&self) -> &[Violation] {
        match &self.detail {
            Detail::Validation(v) => v,
            _ => &[],
        }
    }

    /// This error, caused by `cause` (kept for [`source`](std::error::Error::source)).
    pub(crate) fn caused_by(
        mut self,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.cause = Some(Arc::new(cause));
        self
    }

    pub(crate) fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidParameter, message)
    }

    /// [`Error::validation`] of one violation.
    pub(crate) fn violation(
        member: impl Into<String>,
        shown: Shown,
        constraint: Constraint,
    ) -> Self {
        Self::validation(vec![Violation::new(member, shown, constraint)])
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
        match &self.detail {
            Detail::None => {}
            Detail::Validation(v) => {
                s.field("violations", v);
            }
            Detail::Password(v) => {
                s.field("password_violations", v);
            }
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

    #[test]
    fn one_violation_is_rendered_in_cognitos_words() {
        let e = Error::violation("limit", Shown::Value("61".into()), Constraint::MaxValue(60));
        assert_eq!(e.code(), ErrorCode::InvalidParameter);
        assert_eq!(
            e.message(),
            "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: \
             Member must have value less than or equal to 60"
        );
        assert_eq!(e.violations().len(), 1);
        assert_eq!(e.violations()[0].member(), "limit");
        assert!(e.password_violations().is_empty());
    }

    #[test]
    fn several_violations_are_counted_and_joined() {
        let e = Error::validation(vec![
            Violation::missing("userPoolId"),
            Violation::new("password", Shown::Hidden, Constraint::MaxLength(256)),
            Violation::new(
                "explicitAuthFlows",
                Shown::Value("[X]".into()),
                Constraint::EachOneOf(vec!["A", "B"]),
            ),
        ]);
        assert_eq!(
            e.message(),
            "3 validation errors detected: \
             Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; \
             Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256; \
             Value '[X]' at 'explicitAuthFlows' failed to satisfy constraint: Member must satisfy constraint: \
             [Member must satisfy enum value set: [A, B]]"
        );
    }

    #[test]
    fn patterns_name_their_length_range_when_cognito_does() {
        let c = Constraint::Pattern {
            pattern: "[\\w+]+",
            length: Some((1, 128)),
        };
        assert_eq!(
            c.to_string(),
            "Member must satisfy regular expression pattern: [\\w+]+ and have length between 1 and 128"
        );
        let c = Constraint::Pattern {
            pattern: "[\\w+]+",
            length: None,
        };
        assert_eq!(
            c.to_string(),
            "Member must satisfy regular expression pattern: [\\w+]+"
        );
    }

    #[test]
    fn a_refused_password_names_its_first_violation_and_keeps_all() {
        let e = Error::invalid_password(vec![
            PolicyViolation::TooShort,
            PolicyViolation::MissingSymbol,
        ]);
        assert_eq!(e.code(), ErrorCode::InvalidPassword);
        assert_eq!(
            e.message(),
            "Password did not conform with policy: Password not long enough"
        );
        assert_eq!(
            e.password_violations(),
            [PolicyViolation::TooShort, PolicyViolation::MissingSymbol]
        );
        assert!(e.violations().is_empty());
    }
}
