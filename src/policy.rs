//! Password policy (HELPER A fills this in; interface fixed in the prompt).

/// One rule of a [`PasswordPolicy`] that a password breaks.
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
