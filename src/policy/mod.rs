//! The pool's password policy: which passwords a user may set.
//!
//! A [`PasswordPolicy`] is Cognito's `Policies.PasswordPolicy`
//! (`cognito-protocol.md` §7.3). It is a validated parameter type: the only
//! ways to get one are [`PasswordPolicy::default`] (Cognito's API defaults)
//! and [`PasswordPolicy::builder`], which refuses out-of-range values with
//! Cognito's model-validation message, so every policy in the program is one
//! Cognito would accept.
//!
//! # What a password is checked against
//!
//! [`PasswordPolicy::validate`] runs two stages, in this order:
//!
//! 1. **Model constraints** ([`ErrorCode::InvalidParameter`]), which hold in
//!    every pool whatever its policy:
//!    * at most [`MAX_PASSWORD_CHARS`] (256) characters
//!      (`cognito-protocol.md` §7.3, model `PasswordType`);
//!    * no leading or trailing whitespace. Cognito's console rejects leading
//!      and trailing spaces (§7.3); we reject every Unicode whitespace
//!      character ([`char::is_whitespace`]) at either end, because an
//!      invisible trailing character is almost always a copy-and-paste
//!      accident that would lock the user out.
//!
//!    These messages never contain the password.
//! 2. **The policy** ([`ErrorCode::InvalidPassword`]): every rule is checked
//!    and *all* violations are kept ([`Error::password_violations`]), in a
//!    fixed order: [`PolicyViolation::TooShort`], `MissingUppercase`,
//!    `MissingLowercase`, `MissingNumber`, `MissingSymbol`. The message names
//!    only the first, as Cognito does (§5.2):
//!    `Password did not conform with policy: Password not long enough`.
//!
//! # Character classes
//!
//! As in Cognito's developer guide (§7.3), the classes are ASCII only:
//! uppercase is `A`–`Z`, lowercase `a`–`z`, numbers `0`–`9`, and symbols are
//! the 32 characters of [`SYMBOLS`] plus the space character. A letter outside
//! Basic Latin (`é`, `Ä`, `ß`, `Ж`) or a non-ASCII digit satisfies no class;
//! it still counts towards the length. Only U+0020 counts as a symbol, not
//! tabs or other spaces; since leading and trailing whitespace is refused, in
//! practice this is "an inner space is a symbol", as Cognito's console says.
//!
//! # How length is counted
//!
//! Cognito does not document its unit. Its Java service most likely counts
//! UTF-16 code units, which would make `😀` two characters. We count Unicode
//! scalar values ([`str::chars`]): `é` (U+00E9) is one character and
//! `ÄÖÜäöü1!` is eight, although it is fourteen bytes of UTF-8. Both
//! [`PasswordPolicy::minimum_length`] and [`MAX_PASSWORD_CHARS`] use this unit.
//! A decomposed `e` + U+0301 is two characters; we do not normalise.
//!
//! # Example
//!
//! ```
//! use userpool::config::PasswordPolicy;
//! use userpool::{Password, PolicyViolation};
//! use userpool::ErrorCode;
//!
//! # fn main() -> userpool::Result<()> {
//! let policy = PasswordPolicy::builder()
//!     .minimum_length(10)
//!     .require_symbols(false)
//!     .build()?;
//!
//! assert_eq!(
//!     policy.check("short"),
//!     [PolicyViolation::TooShort, PolicyViolation::MissingUppercase, PolicyViolation::MissingNumber],
//! );
//!
//! let err = policy.validate(&Password::new("short")).unwrap_err();
//! assert_eq!(err.code(), ErrorCode::InvalidPassword);
//! assert_eq!(err.message(), "Password did not conform with policy: Password not long enough");
//! assert_eq!(err.password_violations().len(), 3);
//!
//! policy.validate(&Password::new("Correct horse 9"))?;
//! # Ok(())
//! # }
//! ```
//!
//! [`ErrorCode::InvalidParameter`]: crate::ErrorCode::InvalidParameter
//! [`ErrorCode::InvalidPassword`]: crate::ErrorCode::InvalidPassword
//! [`Error::password_violations`]: crate::Error::password_violations

use zeroize::Zeroizing;

use crate::error::{Constraint, Error, PolicyViolation, Result, Shown, Violation};
use crate::secret::Password;

/// Cognito's password symbols, exactly the 32 ASCII characters of
/// `cognito-protocol.md` §7.3:
/// `` ^ $ * . [ ] { } ( ) ? " ! @ # % & / \ , > < ' : ; | _ ~ ` = + - ``.
///
/// The space character also satisfies [`PasswordPolicy::require_symbols`]
/// but is not in this string, because generated passwords never contain it.
pub(crate) const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";

/// The longest password, in characters ([`str::chars`]), that any operation
/// accepts: Cognito's model limit for `PasswordType` (`cognito-protocol.md` §7.3).
///
/// Longer passwords are refused before the policy check and before hashing,
/// so a huge request cannot make the server run the KDF over it.
pub const MAX_PASSWORD_CHARS: usize = 256;

const UPPERCASE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWERCASE: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const NUMBERS: &[u8] = b"0123456789";

/// The model path Cognito names in its validation messages for policy fields.
const POLICY_PATH: &str = "userPool.policies.passwordPolicy";

/// A pool's password policy (Cognito's `PasswordPolicyType`), always within
/// Cognito's ranges.
///
/// Build one with [`PasswordPolicy::builder`]; [`PasswordPolicy::default`] is
/// what Cognito's API uses when `PasswordPolicy` is omitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PasswordPolicy {
    minimum_length: u32,
    require_uppercase: bool,
    require_lowercase: bool,
    require_numbers: bool,
    require_symbols: bool,
    temporary_password_validity_days: u32,
    password_history_size: u32,
}

impl PasswordPolicy {
    /// Smallest allowed [`minimum_length`](Self::minimum_length).
    pub const MIN_MINIMUM_LENGTH: u32 = 6;
    /// Largest allowed [`minimum_length`](Self::minimum_length).
    pub const MAX_MINIMUM_LENGTH: u32 = 99;
    /// Default [`minimum_length`](Self::minimum_length).
    pub const DEFAULT_MINIMUM_LENGTH: u32 = 8;

    /// Largest allowed [`temporary_password_validity_days`](Self::temporary_password_validity_days).
    pub const MAX_TEMPORARY_PASSWORD_VALIDITY_DAYS: u32 = 365;
    /// Default [`temporary_password_validity_days`](Self::temporary_password_validity_days),
    /// also used when the builder is given `0`.
    pub const DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS: u32 = 7;

    /// Largest allowed [`password_history_size`](Self::password_history_size).
    pub const MAX_PASSWORD_HISTORY_SIZE: u32 = 24;

    /// The shortest password [`generate_temporary_password`](Self::generate_temporary_password)
    /// returns, whatever the policy's minimum length.
    pub const MIN_GENERATED_LENGTH: u32 = 12;

    /// Cognito's API defaults: at least 8 characters, all four character
    /// classes required, temporary passwords valid for 7 days, no history.
    pub const DEFAULT: Self = Self {
        minimum_length: Self::DEFAULT_MINIMUM_LENGTH,
        require_uppercase: true,
        require_lowercase: true,
        require_numbers: true,
        require_symbols: true,
        temporary_password_validity_days: Self::DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS,
        password_history_size: 0,
    };

    /// A builder that starts from [`PasswordPolicy::DEFAULT`].
    pub const fn builder() -> PasswordPolicyBuilder {
        PasswordPolicyBuilder::new()
    }

    /// The fewest characters ([`str::chars`]) a password may have.
    /// Between 6 and 99; defaults to 8.
    #[must_use]
    pub const fn minimum_length(&self) -> u32 {
        self.minimum_length
    }

    /// Whether a password needs an ASCII uppercase letter `A`–`Z`. Defaults to `true`.
    #[must_use]
    pub const fn require_uppercase(&self) -> bool {
        self.require_uppercase
    }

    /// Whether a password needs an ASCII lowercase letter `a`–`z`. Defaults to `true`.
    #[must_use]
    pub const fn require_lowercase(&self) -> bool {
        self.require_lowercase
    }

    /// Whether a password needs an ASCII digit `0`–`9`. Defaults to `true`.
    #[must_use]
    pub const fn require_numbers(&self) -> bool {
        self.require_numbers
    }

    /// Whether a password needs a character of `SYMBOLS` or a space. Defaults to `true`.
    #[must_use]
    pub const fn require_symbols(&self) -> bool {
        self.require_symbols
    }

    /// How many days a temporary password from `AdminCreateUser` stays usable.
    /// Between 1 and 365 (a configured `0` is stored as the default); defaults to 7.
    #[must_use]
    pub const fn temporary_password_validity_days(&self) -> u32 {
        self.temporary_password_validity_days
    }

    /// How many previous passwords a user may not reuse. Between 0 and 24;
    /// defaults to 0.
    ///
    /// Stored and reported only: the engine does not enforce password
    /// history yet.
    #[must_use]
    pub const fn password_history_size(&self) -> u32 {
        self.password_history_size
    }

    /// Every rule of this policy that `password` breaks, in the fixed order
    /// `TooShort`, `MissingUppercase`, `MissingLowercase`, `MissingNumber`,
    /// `MissingSymbol`. Empty when the password conforms.
    ///
    /// Length is counted in Unicode scalar values (see the module docs).
    /// This is the policy alone: the 256-character cap and the whitespace rule
    /// are checked by [`validate`](Self::validate).
    #[must_use]
    pub fn check(&self, password: &str) -> Vec<PolicyViolation> {
        let mut chars: usize = 0;
        let (mut upper, mut lower, mut number, mut symbol) = (false, false, false, false);
        for c in password.chars() {
            chars += 1;
            upper |= c.is_ascii_uppercase();
            lower |= c.is_ascii_lowercase();
            number |= c.is_ascii_digit();
            symbol |= is_symbol(c);
        }

        let too_short = chars < self.minimum_length as usize;
        [
            (too_short, PolicyViolation::TooShort),
            (
                self.require_uppercase && !upper,
                PolicyViolation::MissingUppercase,
            ),
            (
                self.require_lowercase && !lower,
                PolicyViolation::MissingLowercase,
            ),
            (
                self.require_numbers && !number,
                PolicyViolation::MissingNumber,
            ),
            (
                self.require_symbols && !symbol,
                PolicyViolation::MissingSymbol,
            ),
        ]
        .into_iter()
        .filter_map(|(broken, violation)| broken.then_some(violation))
        .collect()
    }

    /// Checks a password someone wants to set: the model constraints first,
    /// then this policy (see the module docs for the order and messages).
    ///
    /// # Errors
    ///
    /// * [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if the password has more than
    ///   [`MAX_PASSWORD_CHARS`] characters, or begins or ends with whitespace.
    ///   The message never contains the password.
    /// * [`ErrorCode::InvalidPassword`](crate::ErrorCode::InvalidPassword) if it breaks the policy. The message
    ///   names the first violation in Cognito's wording
    ///   (`Password did not conform with policy: Password not long enough`);
    ///   [`Error::password_violations`] lists all of them.
    pub fn validate(&self, password: &Password) -> Result<()> {
        let password = password.expose_secret();
        check_length_cap(password)?;
        // cognito-protocol.md §7.3: leading/trailing spaces are refused as a
        // model constraint, before the policy.
        if password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace) {
            return Err(Error::invalid_parameter(
                "Password must not begin or end with whitespace.",
            ));
        }

        let violations = self.check(password);
        match violations.first() {
            None => Ok(()),
            Some(_) => Err(Error::invalid_password(violations)),
        }
    }

    /// A fresh random password that satisfies this policy, for
    /// `AdminCreateUser` without a `TemporaryPassword`.
    ///
    /// It has `max(minimum_length, 12)` characters drawn from the ASCII
    /// letters, digits and `SYMBOLS` (never whitespace), and always contains
    /// at least one character of each class, whatever the policy requires.
    /// The positions of those guaranteed characters are shuffled
    /// (Fisher–Yates), so they leak nothing.
    ///
    /// `random_below(n)` must return a uniformly distributed integer in
    /// `0..n` from a cryptographically secure source; this function draws
    /// nothing itself, so tests can pass a deterministic source.
    ///
    /// # Errors
    ///
    /// Whatever `random_below` returns, and [`ErrorCode::InternalError`](crate::ErrorCode::InternalError) if it
    /// returns a value outside `0..n`.
    pub fn generate_temporary_password(
        &self,
        random_below: &mut dyn FnMut(u32) -> Result<u32>,
    ) -> Result<Password> {
        const CLASSES: [&[u8]; 4] = [UPPERCASE, LOWERCASE, NUMBERS, SYMBOLS.as_bytes()];

        let len = self.minimum_length.max(Self::MIN_GENERATED_LENGTH) as usize;
        // Zeroizing: an early return must not leave a half-built password in freed memory.
        // The capacity is exact, so the buffer never reallocates and leaves no copy behind.
        let mut buf = Zeroizing::new(Vec::with_capacity(len));
        for class in CLASSES {
            buf.push(pick(class, random_below)?);
        }
        while buf.len() < len {
            buf.push(pick_from_all(&CLASSES, random_below)?);
        }

        // Fisher–Yates: the first four characters were one of each class, in order.
        for i in (1..buf.len()).rev() {
            let j = draw_index(i + 1, random_below)?;
            buf.swap(i, j);
        }

        let bytes = std::mem::take(&mut *buf);
        String::from_utf8(bytes)
            .map(Password::from)
            .map_err(|_| Error::internal("A generated password was not valid UTF-8."))
    }
}

impl Default for PasswordPolicy {
    /// [`PasswordPolicy::DEFAULT`]: Cognito's API defaults.
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Builds a [`PasswordPolicy`], checking every value against Cognito's ranges.
///
/// Starts from [`PasswordPolicy::DEFAULT`]; each setter overrides one field.
///
/// ```
/// # fn main() -> userpool::Result<()> {
/// let policy = userpool::config::PasswordPolicy::builder()
///     .minimum_length(12)
///     .temporary_password_validity_days(0) // 0 means Cognito's default, 7
///     .build()?;
/// assert_eq!(policy.temporary_password_validity_days(), 7);
/// # Ok(())
/// # }
/// ```
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PasswordPolicyBuilder {
    minimum_length: u32,
    require_uppercase: bool,
    require_lowercase: bool,
    require_numbers: bool,
    require_symbols: bool,
    temporary_password_validity_days: u32,
    password_history_size: u32,
}

impl PasswordPolicyBuilder {
    /// A builder holding Cognito's defaults.
    pub const fn new() -> Self {
        let d = PasswordPolicy::DEFAULT;
        Self {
            minimum_length: d.minimum_length,
            require_uppercase: d.require_uppercase,
            require_lowercase: d.require_lowercase,
            require_numbers: d.require_numbers,
            require_symbols: d.require_symbols,
            temporary_password_validity_days: d.temporary_password_validity_days,
            password_history_size: d.password_history_size,
        }
    }

    /// `MinimumLength`: 6 to 99. Defaults to 8.
    pub const fn minimum_length(mut self, value: u32) -> Self {
        self.minimum_length = value;
        self
    }

    /// `RequireUppercase`. Defaults to `true`.
    pub const fn require_uppercase(mut self, value: bool) -> Self {
        self.require_uppercase = value;
        self
    }

    /// `RequireLowercase`. Defaults to `true`.
    pub const fn require_lowercase(mut self, value: bool) -> Self {
        self.require_lowercase = value;
        self
    }

    /// `RequireNumbers`. Defaults to `true`.
    pub const fn require_numbers(mut self, value: bool) -> Self {
        self.require_numbers = value;
        self
    }

    /// `RequireSymbols`. Defaults to `true`.
    pub const fn require_symbols(mut self, value: bool) -> Self {
        self.require_symbols = value;
        self
    }

    /// `TemporaryPasswordValidityDays`: 0 to 365, where 0 means the default.
    /// Defaults to 7.
    pub const fn temporary_password_validity_days(mut self, value: u32) -> Self {
        self.temporary_password_validity_days = value;
        self
    }

    /// `PasswordHistorySize`: 0 to 24. Defaults to 0. Not enforced yet.
    pub const fn password_history_size(mut self, value: u32) -> Self {
        self.password_history_size = value;
        self
    }

    /// The policy, if every value is in range.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) naming every out-of-range field in
    /// Cognito's model-validation wording, e.g.
    /// `1 validation error detected: Value '5' at
    /// 'userPool.policies.passwordPolicy.minimumLength' failed to satisfy
    /// constraint: Member must have value greater than or equal to 6`.
    /// Several errors are joined with `; ` after `N validation errors detected: `.
    pub fn build(self) -> Result<PasswordPolicy> {
        let mut problems = Vec::new();
        range_check(
            &mut problems,
            "minimumLength",
            self.minimum_length,
            PasswordPolicy::MIN_MINIMUM_LENGTH,
            PasswordPolicy::MAX_MINIMUM_LENGTH,
        );
        range_check(
            &mut problems,
            "temporaryPasswordValidityDays",
            self.temporary_password_validity_days,
            0,
            PasswordPolicy::MAX_TEMPORARY_PASSWORD_VALIDITY_DAYS,
        );
        range_check(
            &mut problems,
            "passwordHistorySize",
            self.password_history_size,
            0,
            PasswordPolicy::MAX_PASSWORD_HISTORY_SIZE,
        );
        if !problems.is_empty() {
            return Err(Error::validation(problems));
        }

        // cognito-protocol.md §7.3: TemporaryPasswordValidityDays 0 means the default (7).
        let temporary_password_validity_days = match self.temporary_password_validity_days {
            0 => PasswordPolicy::DEFAULT_TEMPORARY_PASSWORD_VALIDITY_DAYS,
            days => days,
        };
        Ok(PasswordPolicy {
            minimum_length: self.minimum_length,
            require_uppercase: self.require_uppercase,
            require_lowercase: self.require_lowercase,
            require_numbers: self.require_numbers,
            require_symbols: self.require_symbols,
            temporary_password_validity_days,
            password_history_size: self.password_history_size,
        })
    }
}

impl Default for PasswordPolicyBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `password` is over [`MAX_PASSWORD_CHARS`], without walking a huge
/// input: a string of more than 4 × 256 bytes cannot have 256 or fewer chars.
pub(crate) fn exceeds_length_cap(password: &str) -> bool {
    password.len() > MAX_PASSWORD_CHARS * 4 || password.chars().count() > MAX_PASSWORD_CHARS
}

/// The model-level length check shared by the policy and the hasher.
///
/// The message is Cognito's model-validation message for `password`, which
/// (unlike other members) leaves the value out.
pub(crate) fn check_length_cap(password: &str) -> Result<()> {
    if exceeds_length_cap(password) {
        return Err(Error::violation(
            "password",
            Shown::Hidden,
            Constraint::MaxLength(MAX_PASSWORD_CHARS as u64),
        ));
    }
    Ok(())
}

/// One bit per ASCII code point that satisfies `RequireSymbols`: the 32
/// [`SYMBOLS`] plus the (inner) space (cognito-protocol.md §7.3). Built from
/// `SYMBOLS` at compile time so the two cannot drift apart.
const SYMBOL_MASK: u128 = {
    let bytes = SYMBOLS.as_bytes();
    let mut mask = 1u128 << b' ';
    let mut i = 0;
    while i < bytes.len() {
        mask |= 1u128 << bytes[i];
        i += 1;
    }
    mask
};

/// Whether `c` satisfies `RequireSymbols`.
fn is_symbol(c: char) -> bool {
    let code = c as u32;
    code < 128 && SYMBOL_MASK & (1u128 << code) != 0
}

fn range_check(problems: &mut Vec<Violation>, member: &str, value: u32, min: u32, max: u32) {
    let constraint = if value < min {
        Constraint::MinValue(i64::from(min))
    } else if value > max {
        Constraint::MaxValue(i64::from(max))
    } else {
        return;
    };
    problems.push(Violation::new(
        format!("{POLICY_PATH}.{member}"),
        Shown::Value(value.to_string()),
        constraint,
    ));
}

/// A uniform index in `0..bound` from the caller's random source, checked.
fn draw_index(bound: usize, random_below: &mut dyn FnMut(u32) -> Result<u32>) -> Result<usize> {
    let bound32 = u32::try_from(bound)
        .map_err(|_| Error::internal("A random draw was requested over too large a range."))?;
    let i = random_below(bound32)? as usize;
    if i < bound {
        Ok(i)
    } else {
        Err(Error::internal(
            "The random source returned a value out of the requested range.",
        ))
    }
}

fn pick(set: &[u8], random_below: &mut dyn FnMut(u32) -> Result<u32>) -> Result<u8> {
    let i = draw_index(set.len(), random_below)?;
    set.get(i)
        .copied()
        .ok_or_else(|| Error::internal("A random index fell outside its alphabet."))
}

/// One character uniformly from the union of `classes` (which are disjoint).
fn pick_from_all(
    classes: &[&[u8]],
    random_below: &mut dyn FnMut(u32) -> Result<u32>,
) -> Result<u8> {
    let total = classes.iter().map(|c| c.len()).sum();
    let mut i = draw_index(total, random_below)?;
    for class in classes {
        match class.get(i) {
            Some(&c) => return Ok(c),
            None => i -= class.len(),
        }
    }
    Err(Error::internal("A random index fell outside its alphabet."))
}

#[cfg(test)]
mod prop_tests;

#[cfg(test)]
mod tests;
