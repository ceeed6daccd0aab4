//! One-time codes: generation, keyed digests, checks, message templates and
//! Cognito's masking of delivery destinations.
//!
//! A code is six decimal digits drawn uniformly from the OS CSPRNG. Only an
//! HMAC-SHA256 of it is stored, keyed by a per-pool secret that is never
//! stored beside it: a million possible codes would fall to a plain hash in
//! microseconds. The digest binds the pool, the user (name and `sub`), the
//! purpose and the issue id, so a code can never be replayed for another
//! user or purpose, nor for a later user created under the same name.
//!
//! Validity (cognito-protocol.md §7.5): sign-up and attribute verification
//! 24 hours, forgot-password 1 hour. A code can be tried at most
//! [`MAX_ATTEMPTS`] times; after that it stops working, even the right value,
//! until a new one is requested (Cognito's documented limits are per hour; a
//! per-code limit is the stricter, simpler rule). Each attempt is counted in
//! the store *before* the comparison, so parallel guesses cannot outrun it.
//! Re-sending a code does not restore the budget: at most
//! [`MAX_WINDOW_ATTEMPTS`] codes can be tried per user and purpose per hour,
//! counted in a record of its own (the pool's `windows` module) by
//! compare-and-swap, so no concurrent guess is lost.

use std::fmt;
use std::time::Duration;

use ring::hmac;
use subtle::ConstantTimeEq;

use crate::clock::Timestamp;
use crate::error::Result;
use crate::secret::Code;

/// What a one-time code is for. One code per user and purpose is pending at a time.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodePurpose {
    /// Confirming a sign-up (`ConfirmSignUp`).
    SignUp,
    /// Verifying the `email` attribute (`VerifyUserAttribute`).
    VerifyEmail,
    /// Verifying the `phone_number` attribute (`VerifyUserAttribute`).
    VerifyPhoneNumber,
    /// Resetting a forgotten password (`ConfirmForgotPassword`).
    ForgotPassword,
    /// A second factor sent at sign-in (`SMS_MFA`, `EMAIL_OTP`). Its
    /// record lives as long as the sign-in's session; the pool sets
    /// `expires_at` from the app client's `AuthSessionValidity`.
    Authentication,
}

impl CodePurpose {
    /// A stable name, usable as a storage key.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignUp => "sign_up",
            Self::VerifyEmail => "verify_email",
            Self::VerifyPhoneNumber => "verify_phone_number",
            Self::ForgotPassword => "forgot_password",
            Self::Authentication => "authentication",
        }
    }
}

/// A pending one-time code. Only a keyed digest of the code is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// A random identifier of this issue of the code; a resend gets a new one,
    /// so a failure or a take aimed at an old code never touches the new one.
    pub id: u64,
    /// HMAC-SHA256 of the code under the pool's code key (see `code` module).
    pub digest: [u8; 32],
    /// The attribute the code was sent to (`email`, `phone_number`).
    pub attribute: Option<String>,
    /// The address or number it was sent to. A code proves possession of
    /// this destination only: if the attribute has changed since, it
    /// verifies nothing.
    pub destination: Option<String>,
    /// When the code was issued.
    pub issued_at: Timestamp,
    /// When the code stops working.
    pub expires_at: Timestamp,
    /// Codes submitted against it so far, right or wrong.
    pub attempts: u32,
}

impl fmt::Debug for CodeRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeRecord")
            .field("id", &self.id)
            .field("digest", &"[redacted]")
            .field("attribute", &self.attribute)
            .field("destination", &self.destination)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// How long a sign-up confirmation code works: 24 hours.
pub(crate) const SIGN_UP_CODE_VALIDITY: Duration = Duration::from_secs(24 * 3600);
/// How long an attribute verification code works: 24 hours.
pub(crate) const ATTRIBUTE_CODE_VALIDITY: Duration = Duration::from_secs(24 * 3600);
/// How long a forgot-password code works: 1 hour.
pub(crate) const FORGOT_PASSWORD_CODE_VALIDITY: Duration = Duration::from_secs(3600);
/// How many times one code can be tried, right or wrong.
pub(crate) const MAX_ATTEMPTS: u32 = 5;
/// How many codes can be tried per user and purpose within [`ATTEMPT_WINDOW`],
/// across re-sent codes (Cognito's per-hour limits, cognito-protocol.md §7.5).
pub(crate) const MAX_WINDOW_ATTEMPTS: u32 = 15;
/// The window of [`MAX_WINDOW_ATTEMPTS`].
pub(crate) const ATTEMPT_WINDOW: Duration = Duration::from_secs(3600);
/// The number of digits in a code (Cognito's `{####}`).
pub(crate) const CODE_DIGITS: usize = 6;

/// The validity of a code issued for `purpose`.
#[must_use]
pub(crate) const fn validity(purpose: CodePurpose) -> Duration {
    match purpose {
        CodePurpose::ForgotPassword => FORGOT_PASSWORD_CODE_VALIDITY,
        CodePurpose::SignUp => SIGN_UP_CODE_VALIDITY,
        CodePurpose::VerifyEmail | CodePurpose::VerifyPhoneNumber => ATTRIBUTE_CODE_VALIDITY,
        // The longest `AuthSessionValidity`; the pool sets the client's.
        CodePurpose::Authentication => Duration::from_secs(15 * 60),
    }
}

/// A fresh code: [`CODE_DIGITS`] digits, each from `random_below(10)`.
pub(crate) fn generate(random_below: &mut dyn FnMut(u32) -> Result<u32>) -> Result<Code> {
    let mut s = String::with_capacity(CODE_DIGITS);
    for _ in 0..CODE_DIGITS {
        let d = random_below(10)?;
        s.push(char::from_digit(d, 10).unwrap_or('0'));
    }
    Ok(Code::new(s))
}

/// What binds a digest: everything but the code itself.
pub(crate) struct CodeContext<'a> {
    pub(crate) pool_id: &'a str,
    pub(crate) username: &'a str,
    /// The user's `sub`: a code issued to one user is worthless to a later
    /// user created under the same name.
    pub(crate) sub: &'a str,
    pub(crate) purpose: CodePurpose,
    pub(crate) code_id: u64,
}

/// HMAC-SHA256(key, pool ‖ 0 ‖ username ‖ 0 ‖ sub ‖ 0 ‖ purpose ‖ 0 ‖ id ‖ code).
pub(crate) fn digest(key: &hmac::Key, ctx: &CodeContext<'_>, code: &str) -> [u8; 32] {
    let mut c = hmac::Context::with_key(key);
    c.update(ctx.pool_id.as_bytes());
    c.update(&[0]);
    c.update(ctx.username.as_bytes());
    c.update(&[0]);
    c.update(ctx.sub.as_bytes());
    c.update(&[0]);
    c.update(ctx.purpose.as_str().as_bytes());
    c.update(&[0]);
    c.update(&ctx.code_id.to_be_bytes());
    c.update(code.as_bytes());
    let tag = c.sign();
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// The verdict on a submitted code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Right code, in time, attempts left.
    Valid,
    /// Wrong code.
    Mismatch,
    /// No pending code, or past its expiry.
    Expired,
    /// Too many wrong guesses on this code.
    Exhausted,
}

/// Decides a submitted code against the pending record at `now`, where
/// `record.attempts` counts the attempts *before* this one.
///
/// The digest comparison is constant-time. The order matters: an exhausted
/// code refuses even the right value, so guessing cannot continue.
pub(crate) fn check(
    key: &hmac::Key,
    ctx: &CodeContext<'_>,
    record: Option<&CodeRecord>,
    submitted: &Code,
    now: Timestamp,
) -> Verdict {
    let Some(record) = record else {
        return Verdict::Expired;
    };
    if record.attempts >= MAX_ATTEMPTS {
        return Verdict::Exhausted;
    }
    if now >= record.expires_at {
        return Verdict::Expired;
    }
    let expected = digest(key, ctx, submitted.expose_secret());
    if bool::from(expected.ct_eq(&record.digest)) {
        Verdict::Valid
    } else {
        Verdict::Mismatch
    }
}

/// Replaces `{####}` with the code and `{username}` with the username.
#[must_use]
pub(crate) fn render(template: &str, code: &str, username: &str) -> String {
    template
        .replace("{####}", code)
        .replace("{username}", username)
}

/// Masks an email as Cognito does: first character of the local part and of
/// the domain, the rest hidden (`jane@example.com` → `j***@e***`).
#[must_use]
pub(crate) fn mask_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    format!("{}***@{}***", first(local), first(domain))
}

/// Masks a phone number as Cognito does: the leading `+`, then one `*` per
/// hidden digit, then the last four digits (`+14325551212` → `+*******1212`).
#[must_use]
pub(crate) fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let shown = digits.len().min(4);
    let hidden = digits.len() - shown;
    let mut out = String::from("+");
    out.extend(std::iter::repeat_n('*', hidden));
    out.extend(&digits[hidden..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, &[7u8; 32])
    }

    fn ctx(code_id: u64) -> CodeContext<'static> {
        CodeContext {
            pool_id: "us-east-1_AbCdEf123",
            username: "alice",
            sub: "5b1c4a2e-0000-4000-8000-000000000001",
            purpose: CodePurpose::SignUp,
            code_id,
        }
    }

    fn record(code: &str, attempts: u32) -> CodeRecord {
        CodeRecord {
            id: 1,
            digest: digest(&key(), &ctx(1), code),
            attribute: Some("email".into()),
            destination: Some("a@example.com".into()),
            issued_at: Timestamp::from_unix_seconds(0),
            expires_at: Timestamp::from_unix_seconds(100),
            attempts,
        }
    }

    #[test]
    fn the_right_code_in_time_is_valid() {
        let r = record("123456", 0);
        let v = check(
            &key(),
            &ctx(1),
            Some(&r),
            &Code::new("123456"),
            Timestamp::from_unix_seconds(99),
        );
        assert_eq!(v, Verdict::Valid);
    }

    #[test]
    fn a_wrong_code_is_a_mismatch() {
        let r = record("123456", 0);
        let v = check(
            &key(),
            &ctx(1),
            Some(&r),
            &Code::new("123457"),
            Timestamp::from_unix_seconds(1),
        );
        assert_eq!(v, Verdict::Mismatch);
    }

    #[test]
    fn a_code_expires_at_its_deadline() {
        let r = record("123456", 0);
        let v = check(
            &key(),
            &ctx(1),
            Some(&r),
            &Code::new("123456"),
            Timestamp::from_unix_seconds(100),
        );
        assert_eq!(v, Verdict::Expired);
        assert_eq!(
            check(
                &key(),
                &ctx(1),
                None,
                &Code::new("1"),
                Timestamp::UNIX_EPOCH
            ),
            Verdict::Expired
        );
    }

    #[test]
    fn an_exhausted_code_refuses_even_the_right_value() {
        let r = record("123456", MAX_ATTEMPTS);
        let v = check(
            &key(),
            &ctx(1),
            Some(&r),
            &Code::new("123456"),
            Timestamp::from_unix_seconds(1),
        );
        assert_eq!(v, Verdict::Exhausted);
    }

    #[test]
    fn digests_bind_user_sub_purpose_and_issue() {
        let base = digest(&key(), &ctx(1), "123456");
        assert_ne!(base, digest(&key(), &ctx(2), "123456"));
        let mut other = ctx(1);
        other.username = "bob";
        assert_ne!(base, digest(&key(), &other, "123456"));
        // The same name, re-created: another sub, another digest.
        let mut other = ctx(1);
        other.sub = "5b1c4a2e-0000-4000-8000-000000000002";
        assert_ne!(base, digest(&key(), &other, "123456"));
        let mut other = ctx(1);
        other.purpose = CodePurpose::ForgotPassword;
        assert_ne!(base, digest(&key(), &other, "123456"));
    }

    #[test]
    fn generated_codes_are_six_digits() {
        let mut n = 0u32;
        let mut rng = |bound: u32| -> Result<u32> {
            n += 3;
            Ok(n % bound)
        };
        let c = generate(&mut rng).unwrap_or_else(|_| Code::new(""));
        assert_eq!(c.expose_secret(), "369258");
    }

    #[test]
    fn templates_fill_code_and_username() {
        assert_eq!(
            render("Hi {username}, code {####}. {####}", "042042", "bob"),
            "Hi bob, code 042042. 042042"
        );
    }

    #[test]
    fn destinations_are_masked_like_cognito() {
        assert_eq!(mask_email("jane@example.com"), "j***@e***");
        assert_eq!(mask_email("b@g.co"), "b***@g***");
        assert_eq!(mask_phone("+14325551212"), "+*******1212");
        assert_eq!(mask_phone("+123"), "+123");
    }
}
