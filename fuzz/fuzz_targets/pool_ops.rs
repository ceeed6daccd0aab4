//! Model-based fuzzing of [`UserPool`]: a random sequence of operations runs
//! against a fresh pool and against a plain model written here (maps of
//! users and groups), and after every step the two must agree. The shape is
//! redb's `fuzz_redb` (a `BTreeMap` beside the real thing); the rules are
//! Cognito's, as `docs/cognito-protocol.md` and the engine's documentation
//! state them, written out again here without calling any engine helper.
//!
//! # The pool
//!
//! Chosen to keep the model exact: plain usernames (no username or alias
//! attributes, so email is not unique), case-sensitive usernames, `email`
//! auto-verified, the default schema, Cognito's default password policy
//! (8 characters, upper, lower, digit, symbol) with temporary passwords
//! valid 7 days. One public app client (no secret) with `USER_PASSWORD_AUTH`,
//! `PreventUserExistenceErrors=LEGACY`, 60-minute access tokens and 3-minute
//! auth sessions. A `MemoryStore`, a `ManualClock` that starts on a whole
//! second and moves in whole seconds, and an `Outbox`. The RSA keys are
//! generated once per process; hashing uses the insecure test preset.
//!
//! # Operations
//!
//! Drawn from a small universe so that they collide often: the usernames
//! `alice`, `Alice`, `bob` and the malformed `no spaces`; three passwords
//! that meet the policy and one that does not; the groups `admins`,
//! `Admins`, `staff`; attribute writes of `email` (two addresses, empty, or
//! malformed), `email_verified` (`true`, `false`, empty, or malformed),
//! `name`, and the refused `sub` and unknown `custom:nope`.
//!
//! `SignUp` (through the client), `ConfirmSignUp` with the code read from
//! the outbox or a wrong one (one to eight times in a row),
//! `ResendConfirmationCode`, `AdminCreateUser` (invitation suppressed,
//! temporary password given), `AdminUpdateUserAttributes`,
//! `AdminDeleteUserAttributes`, `AdminDeleteUser`, `AdminDisableUser`,
//! `AdminEnableUser`, `AdminSetUserPassword` (permanent or not),
//! `AdminConfirmSignUp`, `CreateGroup`, `DeleteGroup`, `AdminAddUserToGroup`,
//! `AdminRemoveUserFromGroup`, `InitiateAuth` (`USER_PASSWORD_AUTH`, right or
//! wrong password, one to eight times in a row), the `NEW_PASSWORD_REQUIRED`
//! answer, `GetUser`, `ChangePassword`, `GlobalSignOut` (with tokens the run
//! obtained), `AdminUserGlobalSignOut`, and advancing the clock (1 s to 7
//! days).
//!
//! # What is modelled exactly, and checked
//!
//! * Every result: success, or the exact `ErrorCode` (and, where it is the
//!   only thing that tells causes apart, the exact `NotAuthorizedException`
//!   message: wrong password, disabled, locked out, expired temporary
//!   password, expired or revoked access token, expired or used session).
//! * After every step: `ListUsers` (the set of usernames, each user's status,
//!   enabled flag, creation date, `sub` and every attribute), `AdminGetUser` of every name
//!   of the universe, `ListGroups`, `AdminListGroupsForUser` of every user,
//!   `ListUsersInGroup` of every group name.
//! * The messages each step sends (kind, recipient, destination): sign-up
//!   codes, and the verification code `AdminUpdateUserAttributes` sends for
//!   a new unverified email.
//! * `email_verified`: set to `true` only by `ConfirmSignUp` when the code
//!   went to the current email, reset to `false` when an admin changes the
//!   email without setting the flag, removed with the email.
//! * The lockout schedule (cognito-protocol.md §7.9, as the engine documents
//!   it in `src/lockout.rs`): the fifth and later counted failures lock for
//!   1 s doubling to 900 s; attempts during a lock are refused and not
//!   counted; the counter resets after 15 idle minutes counted from the later
//!   of the last failure and the end of the lock; a right password resets it
//!   (even for a disabled user, who is then refused). `ChangePassword`
//!   counts towards it too. No limit on wrong guesses is imposed: the
//!   schedule is modelled, not avoided.
//! * Sign-up codes: 24 h validity, 5 tries per code and 15 per hour across
//!   re-sent codes (the engine's documented rule in `src/code.rs`, stricter
//!   than Cognito's per-hour limits; a re-sent code inherits the hour's
//!   window, and every try in time counts, even a refused one), the code
//!   consumed by a successful confirmation, by `AdminConfirmSignUp` and by
//!   deletion of the user.
//! * Access tokens: expiry (`now >= iat + 3600`), revocation by global
//!   sign-out, admin global sign-out and disabling (tokens issued later are
//!   not affected), a deleted or re-created user (`UserNotFoundException`,
//!   after the revocation check).
//! * `NEW_PASSWORD_REQUIRED` sessions: 3-minute validity, single use (used
//!   up once the new password passes the policy, whatever follows).
//! * Temporary passwords: 7 days from `AdminCreateUser` or a non-permanent
//!   `AdminSetUserPassword`; past that, sign-in is refused.
//!
//! # Deliberately not modelled
//!
//! SRP, refresh tokens and `GetTokensFromRefreshToken`, `ForgotPassword`,
//! `AdminResetUserPassword` (so `RESET_REQUIRED` never occurs), user-side
//! attribute writes and `VerifyUserAttribute` (attribute verification codes
//! are only checked as sent), aliases and email/phone usernames,
//! `PreventUserExistenceErrors=ENABLED`, invitations, triggers, token and ID
//! token claims beyond the username, the last-modified date (the engine
//! also moves it when a sign-in attempt updates the lockout counter),
//! pagination (the universe fits one page), error messages other than those
//! listed above, concurrency, and stores other than `MemoryStore`.
//!
//! # Input
//!
//! The bytes decode (with `arbitrary`) into at most [`MAX_OPS`] operations;
//! after them every remaining user signs in with the model's password, so
//! each run ends by checking that outcome too. That check is not made after
//! every step: a sign-in is not a pure observation (a right password resets
//! the lockout counter and writes the user), so it would erase the very
//! state the lockout model is there to test. A divergence or an engine
//! panic is a crash whose message lists the operations up to that step.
//! Each choice takes one input byte. Deep states such as a lock that
//! outlasts the idle reset are found much sooner with
//! `-use_value_profile=1`, which rewards the model's and the engine's
//! comparisons moving towards their thresholds. The hourly window of code
//! tries across re-sent codes needs 16 tries and a re-send within the hour:
//! modelled, but rarely reached by the fuzzer on its own.
#![no_main]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::{Arc, Once, OnceLock};
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use userpool::client::{
    AppClientConfig, AuthFlow, PreventUserExistenceErrors, TokenUnit, TokenValidity,
};
use userpool::config::{PasswordPolicy, PoolConfig, VerifiedAttribute};
use userpool::store::MemoryStore;
use userpool::token::KeySet;
use userpool::{
    AdminCreateUserRequest, AdminSetUserPasswordRequest, AuthenticationResult, ChallengeName,
    ChangePasswordRequest, Code, ConfirmSignUpRequest, Error, ErrorCode, HashingParams,
    InitiateAuthRequest, ListUsersRequest, ManualClock, MessageAction, MessageKind, Outbox,
    Password, ResendConfirmationCodeRequest, RespondToAuthChallengeRequest, SignUpRequest,
    Timestamp, User, UserPool,
};

/// The most operations one input decodes into.
const MAX_OPS: usize = 48;
/// The most tokens and sessions the run keeps to reuse (the oldest go first).
const MAX_KEPT: usize = 8;
const POOL_ID: &str = "us-east-1_PoolOps1";
const START_SECS: i64 = 1_700_000_000;

// The model's constants: the configuration chosen in `Run::new`, and
// Cognito's fixed rules (cognito-protocol.md §7.5, §7.9).
const TEMPORARY_PASSWORD_MS: i64 = 7 * 86_400 * 1000;
const ACCESS_TOKEN_SECS: i64 = 3600;
const SESSION_MS: i64 = 3 * 60 * 1000;
const SIGN_UP_CODE_MS: i64 = 24 * 3600 * 1000;
const TRIES_PER_CODE: u32 = 5;
const TRIES_PER_WINDOW: u32 = 15;
const TRY_WINDOW_MS: i64 = 3600 * 1000;
const FAILURES_BEFORE_LOCK: u32 = 4;
const FIRST_LOCK_MS: i64 = 1000;
const LONGEST_LOCK_MS: i64 = 900 * 1000;
const IDLE_RESET_MS: i64 = 900 * 1000;

// NotAuthorizedException messages the model tells apart.
const INCORRECT: &str = "Incorrect username or password.";
const DISABLED: &str = "User is disabled.";
const LOCKED: &str = "Password attempts exceeded";
const TEMPORARY_EXPIRED: &str =
    "Temporary password has expired and must be reset by an administrator.";
const TOKEN_EXPIRED: &str = "Access Token has expired";
const TOKEN_REVOKED: &str = "Access Token has been revoked";
const TOKEN_INVALID: &str = "Invalid Access Token";
const SESSION_INVALID: &str = "Invalid session for the user.";
const SESSION_EXPIRED: &str = "Invalid session for the user, session is expired.";
const SESSION_USED: &str = "Invalid session for the user, session can only be used once.";

// ----- the universe -----

/// `Arbitrary` for a fieldless enum from one input byte (the derive reads
/// four per choice), so that short inputs hold long sequences.
macro_rules! one_byte_choice {
    ($t:ident: $($v:ident),+ $(,)?) => {
        impl<'a> Arbitrary<'a> for $t {
            fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
                Ok(*u.choose(&[$($t::$v),+])?)
            }
        }
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Name {
    Alice,
    AliceUpper,
    Bob,
    Malformed,
}

const NAMES: [Name; 4] = [Name::Alice, Name::AliceUpper, Name::Bob, Name::Malformed];
one_byte_choice!(Name: Alice, AliceUpper, Bob, Malformed);

impl Name {
    fn as_str(self) -> &'static str {
        match self {
            Self::Alice => "alice",
            Self::AliceUpper => "Alice",
            Self::Bob => "bob",
            Self::Malformed => "no spaces",
        }
    }

    /// Whether Cognito accepts it as a new username (no whitespace).
    fn well_formed(self) -> bool {
        self != Self::Malformed
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pw {
    One,
    Two,
    Three,
    Weak,
}
one_byte_choice!(Pw: One, Two, Three, Weak);

impl Pw {
    fn as_str(self) -> &'static str {
        match self {
            Self::One => "Passw0rd!",
            Self::Two => "S3cond#pass",
            Self::Three => "Th1rd$word",
            Self::Weak => "password",
        }
    }

    /// Whether it meets the pool's policy (by construction of the values).
    fn meets_policy(self) -> bool {
        self != Self::Weak
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum GroupName {
    Admins,
    AdminsUpper,
    Staff,
}

const GROUPS: [GroupName; 3] = [GroupName::Admins, GroupName::AdminsUpper, GroupName::Staff];
one_byte_choice!(GroupName: Admins, AdminsUpper, Staff);

impl GroupName {
    fn as_str(self) -> &'static str {
        match self {
            Self::Admins => "admins",
            Self::AdminsUpper => "Admins",
            Self::Staff => "staff",
        }
    }
}

/// An attribute name of the universe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AttrName {
    Email,
    EmailVerified,
    GivenName,
    Sub,
    Unknown,
}
one_byte_choice!(AttrName: Email, EmailVerified, GivenName, Sub, Unknown);

impl AttrName {
    fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::EmailVerified => "email_verified",
            Self::GivenName => "name",
            Self::Sub => "sub",
            Self::Unknown => "custom:nope",
        }
    }
}

/// One attribute write of the universe. Most are well formed; the last four
/// are refused by every writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Write {
    EmailAnn,
    EmailBob,
    ClearEmail,
    VerifiedTrue,
    VerifiedFalse,
    ClearVerified,
    NameAnn,
    NameBob,
    ClearName,
    MalformedEmail,
    MalformedFlag,
    Sub,
    Unknown,
}
one_byte_choice!(
    Write: EmailAnn,
    EmailBob,
    ClearEmail,
    VerifiedTrue,
    VerifiedFalse,
    ClearVerified,
    NameAnn,
    NameBob,
    ClearName,
    MalformedEmail,
    MalformedFlag,
    Sub,
    Unknown,
);

impl Write {
    fn name(self) -> AttrName {
        match self {
            Self::EmailAnn | Self::EmailBob | Self::ClearEmail | Self::MalformedEmail => {
                AttrName::Email
            }
            Self::VerifiedTrue
            | Self::VerifiedFalse
            | Self::ClearVerified
            | Self::MalformedFlag => AttrName::EmailVerified,
            Self::NameAnn | Self::NameBob | Self::ClearName => AttrName::GivenName,
            Self::Sub => AttrName::Sub,
            Self::Unknown => AttrName::Unknown,
        }
    }

    fn value(self) -> &'static str {
        match self {
            Self::EmailAnn => "ann@example.com",
            Self::EmailBob => "bob@example.com",
            Self::VerifiedTrue => "true",
            Self::VerifiedFalse => "false",
            Self::NameAnn => "Ann",
            Self::NameBob => "Bob",
            Self::MalformedEmail => "not-an-email",
            Self::MalformedFlag => "yes",
            Self::Sub => "00000000-0000-4000-8000-000000000000",
            Self::Unknown => "x",
            Self::ClearEmail | Self::ClearVerified | Self::ClearName => "",
        }
    }

    /// Refused whoever writes it and whatever else the request holds: an
    /// unknown name, `sub`, or a value of the wrong format.
    fn always_refused(self) -> bool {
        matches!(
            self,
            Self::MalformedEmail | Self::MalformedFlag | Self::Sub | Self::Unknown
        )
    }
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Second,
    Minute,
    SessionLifetime,
    QuarterHour,
    Hour,
    Day,
    Week,
}
one_byte_choice!(Step: Second, Minute, SessionLifetime, QuarterHour, Hour, Day, Week);

impl Step {
    fn seconds(self) -> i64 {
        match self {
            Self::Second => 1,
            Self::Minute => 60,
            Self::SessionLifetime => 180,
            Self::QuarterHour => 900,
            Self::Hour => 3600,
            Self::Day => 86_400,
            Self::Week => 7 * 86_400,
        }
    }
}

/// Up to three items.
#[derive(Clone, PartialEq, Eq)]
struct Few<T>(Vec<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Few<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=3)?;
        (0..n)
            .map(|_| T::arbitrary(u))
            .collect::<arbitrary::Result<_>>()
            .map(Few)
    }
}

impl<T: fmt::Debug> fmt::Debug for Few<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Clone, Debug)]
enum Op {
    SignUp {
        user: Name,
        password: Pw,
        attributes: Few<Write>,
    },
    /// Repeated `times` (1 to 8) times, so that attempt limits are in reach.
    ConfirmSignUp {
        user: Name,
        right_code: bool,
        times: u8,
    },
    ResendConfirmationCode {
        user: Name,
    },
    AdminCreateUser {
        user: Name,
        temporary_password: Pw,
        attributes: Few<Write>,
    },
    AdminUpdateUserAttributes {
        user: Name,
        attributes: Few<Write>,
    },
    AdminDeleteUserAttributes {
        user: Name,
        names: Few<AttrName>,
    },
    AdminDeleteUser {
        user: Name,
    },
    AdminDisableUser {
        user: Name,
    },
    AdminEnableUser {
        user: Name,
    },
    AdminSetUserPassword {
        user: Name,
        password: Pw,
        permanent: bool,
    },
    AdminConfirmSignUp {
        user: Name,
    },
    CreateGroup {
        group: GroupName,
    },
    DeleteGroup {
        group: GroupName,
    },
    AdminAddUserToGroup {
        user: Name,
        group: GroupName,
    },
    AdminRemoveUserFromGroup {
        user: Name,
        group: GroupName,
    },
    /// Repeated `times` (1 to 8) times, so that the lockout is in reach.
    SignIn {
        user: Name,
        password: Pw,
        times: u8,
    },
    AnswerNewPassword {
        session: u8,
        password: Pw,
    },
    GetUser {
        token: u8,
    },
    ChangePassword {
        token: u8,
        previous: Pw,
        proposed: Pw,
    },
    GlobalSignOut {
        token: u8,
    },
    AdminUserGlobalSignOut {
        user: Name,
    },
    AdvanceClock {
        by: Step,
    },
}

impl<'a> Arbitrary<'a> for Op {
    /// One byte picks the operation, one byte each of its fields.
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.int_in_range(0..=21u8)? {
            0 => Self::SignUp {
                user: u.arbitrary()?,
                password: u.arbitrary()?,
                attributes: u.arbitrary()?,
            },
            1 => Self::ConfirmSignUp {
                user: u.arbitrary()?,
                right_code: u.arbitrary()?,
                times: u.int_in_range(1..=8)?,
            },
            2 => Self::ResendConfirmationCode {
                user: u.arbitrary()?,
            },
            3 => Self::AdminCreateUser {
                user: u.arbitrary()?,
                temporary_password: u.arbitrary()?,
                attributes: u.arbitrary()?,
            },
            4 => Self::AdminUpdateUserAttributes {
                user: u.arbitrary()?,
                attributes: u.arbitrary()?,
            },
            5 => Self::AdminDeleteUserAttributes {
                user: u.arbitrary()?,
                names: u.arbitrary()?,
            },
            6 => Self::AdminDeleteUser {
                user: u.arbitrary()?,
            },
            7 => Self::AdminDisableUser {
                user: u.arbitrary()?,
            },
            8 => Self::AdminEnableUser {
                user: u.arbitrary()?,
            },
            9 => Self::AdminSetUserPassword {
                user: u.arbitrary()?,
                password: u.arbitrary()?,
                permanent: u.arbitrary()?,
            },
            10 => Self::AdminConfirmSignUp {
                user: u.arbitrary()?,
            },
            11 => Self::CreateGroup {
                group: u.arbitrary()?,
            },
            12 => Self::DeleteGroup {
                group: u.arbitrary()?,
            },
            13 => Self::AdminAddUserToGroup {
                user: u.arbitrary()?,
                group: u.arbitrary()?,
            },
            14 => Self::AdminRemoveUserFromGroup {
                user: u.arbitrary()?,
                group: u.arbitrary()?,
            },
            15 => Self::SignIn {
                user: u.arbitrary()?,
                password: u.arbitrary()?,
                times: u.int_in_range(1..=8)?,
            },
            16 => Self::AnswerNewPassword {
                session: u.arbitrary()?,
                password: u.arbitrary()?,
            },
            17 => Self::GetUser {
                token: u.arbitrary()?,
            },
            18 => Self::ChangePassword {
                token: u.arbitrary()?,
                previous: u.arbitrary()?,
                proposed: u.arbitrary()?,
            },
            19 => Self::GlobalSignOut {
                token: u.arbitrary()?,
            },
            20 => Self::AdminUserGlobalSignOut {
                user: u.arbitrary()?,
            },
            _ => Self::AdvanceClock { by: u.arbitrary()? },
        })
    }
}

// ----- the model -----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Unconfirmed,
    Confirmed,
    ForceChangePassword,
}

impl Status {
    fn wire_name(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
        }
    }
}

/// Failed sign-ins, as Cognito's lockout counts them. Times in Unix ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Lockout {
    failures: u32,
    locked_until: Option<i64>,
    last_failure: Option<i64>,
}

impl Lockout {
    /// The record as it stands at `now`: forgotten after 15 idle minutes,
    /// idle time counting from the later of the last failure and the lock's end.
    fn at(self, now: i64) -> Self {
        match self.last_failure.max(self.locked_until) {
            Some(idle_from) if now - idle_from >= IDLE_RESET_MS => Self::default(),
            _ => self,
        }
    }

    fn is_locked(self, now: i64) -> bool {
        self.at(now).locked_until.is_some_and(|until| now < until)
    }

    /// Counts a failure at `now` (only called when not locked).
    fn fail(&mut self, now: i64) {
        let failures = self.at(now).failures + 1;
        let locked_until = (failures > FAILURES_BEFORE_LOCK).then(|| {
            let mut lock = FIRST_LOCK_MS;
            for _ in FAILURES_BEFORE_LOCK + 1..failures {
                lock = (lock * 2).min(LONGEST_LOCK_MS);
            }
            now + lock
        });
        *self = Self {
            failures,
            locked_until,
            last_failure: Some(now),
        };
    }
}

/// The pending sign-up code of a user, as the outbox delivered it.
#[derive(Clone, Debug)]
struct PendingCode {
    code: String,
    destination: String,
    expires_at: i64,
    tries: u32,
    window_start: i64,
    window_tries: u32,
}

#[derive(Clone, Debug)]
struct ModelUser {
    /// The `sub` the engine assigned at creation (engine output, recorded).
    sub: String,
    /// When it was created, Unix ms.
    created_at: i64,
    status: Status,
    enabled: bool,
    password: Pw,
    temporary_until: Option<i64>,
    /// Every attribute but `sub`.
    attributes: BTreeMap<String, String>,
    groups: BTreeSet<GroupName>,
    lockout: Lockout,
    sign_up_code: Option<PendingCode>,
}

impl ModelUser {
    fn new(
        sub: String,
        created_at: i64,
        status: Status,
        password: Pw,
        attributes: BTreeMap<String, String>,
    ) -> Self {
        Self {
            sub,
            created_at,
            status,
            enabled: true,
            password,
            temporary_until: None,
            attributes,
            groups: BTreeSet::new(),
            lockout: Lockout::default(),
            sign_up_code: None,
        }
    }

    fn email(&self) -> Option<&str> {
        self.attributes.get("email").map(String::as_str)
    }

    fn email_verified(&self) -> bool {
        self.attributes
            .get("email_verified")
            .is_some_and(|v| v == "true")
    }
}

/// An access token the run obtained, with what the model knows about it.
#[derive(Clone, Debug)]
struct Token {
    access: String,
    username: &'static str,
    sub: String,
    expires_at_secs: i64,
    revoked: bool,
}

/// A `NEW_PASSWORD_REQUIRED` session the run obtained.
#[derive(Clone, Debug)]
struct Session {
    session: String,
    username: &'static str,
    sub: String,
    expires_at: i64,
    used: bool,
}

#[derive(Default)]
struct Model {
    now: i64,
    users: BTreeMap<&'static str, ModelUser>,
    groups: BTreeSet<GroupName>,
    tokens: Vec<Token>,
    sessions: Vec<Session>,
}

/// A predicted refusal: the code, and the message where the model knows it.
type Refusal = (ErrorCode, Option<&'static str>);

fn refuse(code: ErrorCode) -> Refusal {
    (code, None)
}

fn not_authorized(message: &'static str) -> Refusal {
    (ErrorCode::NotAuthorized, Some(message))
}

/// Duplicated attribute names in one write request.
fn has_duplicates(names: impl Iterator<Item = AttrName>) -> bool {
    let mut seen = Vec::new();
    for n in names {
        if seen.contains(&n) {
            return true;
        }
        seen.push(n);
    }
    false
}

/// The attributes a new user gets from `writes`, or why they are refused
/// (after the writer-permission checks, which the callers make).
fn model_create(writes: &[Write]) -> Result<BTreeMap<String, String>, Refusal> {
    if writes.iter().any(|w| w.always_refused()) || has_duplicates(writes.iter().map(|w| w.name()))
    {
        return Err(refuse(ErrorCode::InvalidParameter));
    }
    let attributes: BTreeMap<String, String> = writes
        .iter()
        .filter(|w| !w.value().is_empty())
        .map(|w| (w.name().as_str().to_owned(), w.value().to_owned()))
        .collect();
    if writes.contains(&Write::VerifiedTrue) && !attributes.contains_key("email") {
        return Err(refuse(ErrorCode::InvalidParameter));
    }
    Ok(attributes)
}

/// The attributes after an admin update, or why it is refused.
fn model_update(
    current: &BTreeMap<String, String>,
    writes: &[Write],
) -> Result<BTreeMap<String, String>, Refusal> {
    if writes.iter().any(|w| w.always_refused()) || has_duplicates(writes.iter().map(|w| w.name()))
    {
        return Err(refuse(ErrorCode::InvalidParameter));
    }
    let mut next = current.clone();
    for w in writes {
        let name = w.name().as_str().to_owned();
        if w.value().is_empty() {
            next.remove(&name);
        } else {
            next.insert(name, w.value().to_owned());
        }
    }
    let wrote = |n: AttrName| writes.iter().any(|w| w.name() == n);
    // A new email is unverified unless the same request says otherwise; a
    // removed email takes its flag with it.
    if wrote(AttrName::Email) && !wrote(AttrName::EmailVerified) {
        match next.get("email") {
            None => {
                next.remove("email_verified");
            }
            Some(email) if current.get("email") != Some(email) => {
                if let Some(flag) = next.get_mut("email_verified") {
                    "false".clone_into(flag);
                }
            }
            Some(_) => {}
        }
    }
    if writes.contains(&Write::VerifiedTrue) && !next.contains_key("email") {
        return Err(refuse(ErrorCode::InvalidParameter));
    }
    Ok(next)
}

/// The right code with its last digit changed.
fn wrong_code(code: &str) -> String {
    let mut s: Vec<char> = code.chars().collect();
    if let Some(last) = s.last_mut() {
        *last = if *last == '9' { '0' } else { '9' };
    }
    s.into_iter().collect()
}

fn shared_keys() -> KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| KeySet::generate().expect("key generation"))
        .clone()
}

const DIVERGENCE: &str = "pool_ops divergence";

thread_local! {
    /// The operations of the current input so far, for crash reports.
    static TRACE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The operations so far, one per line.
fn trace_listing() -> String {
    TRACE.with_borrow(|t| {
        t.iter()
            .enumerate()
            .map(|(i, op)| format!("\n  {i:>2}: {op}"))
            .collect()
    })
}

/// Makes a panic inside the engine name the operations that led to it, as a
/// divergence does, before libFuzzer's own hook reports it and aborts.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours = info
                .payload()
                .downcast_ref::<String>()
                .is_some_and(|m| m.starts_with(DIVERGENCE));
            if !ours {
                eprintln!("pool_ops: panic after the operations:{}", trace_listing());
            }
            previous(info);
        }));
    });
}

/// A message the model predicts: kind, recipient, destination.
type Sent = (MessageKind, &'static str, String);

struct Run {
    pool: UserPool,
    client_id: String,
    clock: ManualClock,
    outbox: Outbox,
    model: Model,
    /// Messages the current step is predicted to send.
    expected_sent: Vec<Sent>,
    /// Messages already checked.
    delivered: usize,
}

impl Run {
    fn new() -> Self {
        let policy = PasswordPolicy::builder()
            .minimum_length(8)
            .require_uppercase(true)
            .require_lowercase(true)
            .require_numbers(true)
            .require_symbols(true)
            .temporary_password_validity_days(7)
            .build()
            .expect("policy");
        let config = PoolConfig::builder("pool-ops")
            .auto_verified_attributes(&[VerifiedAttribute::Email])
            .case_sensitive(true)
            .password_policy(policy)
            .build()
            .expect("pool config");
        let clock = ManualClock::new(Timestamp::from_unix_seconds(START_SECS));
        let outbox = Outbox::new();
        let pool = UserPool::builder(config)
            .pool_id(POOL_ID)
            .store(Arc::new(MemoryStore::new()))
            .clock(Arc::new(clock.clone()))
            .message_sender(Arc::new(outbox.clone()))
            .hashing(HashingParams::insecure_fast_for_tests())
            .secret_key([0x5a; 32])
            .keys(shared_keys())
            .build()
            .expect("pool");
        let validity = TokenValidity::builder()
            .access_token(60, TokenUnit::Minutes)
            .build()
            .expect("token validity");
        let client = pool
            .create_user_pool_client(
                AppClientConfig::builder("pool-ops")
                    .explicit_auth_flows([AuthFlow::UserPasswordAuth, AuthFlow::RefreshTokenAuth])
                    .prevent_user_existence_errors(PreventUserExistenceErrors::Legacy)
                    .token_validity(validity)
                    .auth_session_validity(3)
                    .build()
                    .expect("client config"),
            )
            .expect("client");
        Self {
            pool,
            client_id: client.id().to_owned(),
            clock,
            outbox,
            model: Model {
                now: START_SECS * 1000,
                ..Model::default()
            },
            expected_sent: Vec::new(),
            delivered: 0,
        }
    }

    fn fail(&self, what: fmt::Arguments<'_>) -> ! {
        panic!("{DIVERGENCE}: {what}\noperations:{}", trace_listing());
    }

    /// Compares a result with the prediction; returns the value on agreed success.
    fn check<T: fmt::Debug>(
        &self,
        actual: Result<T, Error>,
        expected: Result<(), Refusal>,
    ) -> Option<T> {
        match (actual, expected) {
            (Ok(v), Ok(())) => Some(v),
            (Err(e), Err((code, message))) => {
                if e.code() != code || message.is_some_and(|m| m != e.message()) {
                    self.fail(format_args!(
                        "expected {} {:?}, got {} {:?}",
                        code.as_str(),
                        message.unwrap_or("(any message)"),
                        e.code().as_str(),
                        e.message()
                    ));
                }
                None
            }
            (Ok(v), Err((code, message))) => self.fail(format_args!(
                "expected {} {:?}, got success {v:?}",
                code.as_str(),
                message.unwrap_or("(any message)")
            )),
            (Err(e), Ok(())) => self.fail(format_args!(
                "expected success, got {} {:?}",
                e.code().as_str(),
                e.message()
            )),
        }
    }

    fn user(&self, name: Name) -> Option<&ModelUser> {
        self.model.users.get(name.as_str())
    }

    fn user_mut(&mut self, name: Name) -> Option<&mut ModelUser> {
        self.model.users.get_mut(name.as_str())
    }

    /// Applies `op` (each repetition of it) and checks the pool after each.
    fn apply(&mut self, op: &Op) {
        let times = match *op {
            Op::ConfirmSignUp { times, .. } | Op::SignIn { times, .. } => times,
            _ => 1,
        };
        for i in 1..=times {
            TRACE.with_borrow_mut(|t| {
                t.push(if times == 1 {
                    format!("{op:?}")
                } else {
                    format!("{op:?} (repetition {i})")
                });
            });
            self.step(op);
            self.check_messages();
            self.check_state();
        }
    }

    fn step(&mut self, op: &Op) {
        match *op {
            Op::SignUp {
                user,
                password,
                ref attributes,
            } => self.sign_up(user, password, &attributes.0),
            Op::ConfirmSignUp {
                user, right_code, ..
            } => self.confirm_sign_up(user, right_code),
            Op::ResendConfirmationCode { user } => self.resend_code(user),
            Op::AdminCreateUser {
                user,
                temporary_password,
                ref attributes,
            } => self.admin_create_user(user, temporary_password, &attributes.0),
            Op::AdminUpdateUserAttributes {
                user,
                ref attributes,
            } => self.admin_update_attributes(user, &attributes.0),
            Op::AdminDeleteUserAttributes { user, ref names } => {
                self.admin_delete_attributes(user, &names.0);
            }
            Op::AdminDeleteUser { user } => self.admin_delete_user(user),
            Op::AdminDisableUser { user } => self.set_enabled(user, false),
            Op::AdminEnableUser { user } => self.set_enabled(user, true),
            Op::AdminSetUserPassword {
                user,
                password,
                permanent,
            } => self.admin_set_password(user, password, permanent),
            Op::AdminConfirmSignUp { user } => self.admin_confirm(user),
            Op::CreateGroup { group } => self.create_group(group),
            Op::DeleteGroup { group } => self.delete_group(group),
            Op::AdminAddUserToGroup { user, group } => self.membership(user, group, true),
            Op::AdminRemoveUserFromGroup { user, group } => self.membership(user, group, false),
            Op::SignIn { user, password, .. } => self.sign_in(user, password),
            Op::AnswerNewPassword { session, password } => {
                self.answer_new_password(session, password);
            }
            Op::GetUser { token } => self.get_user(token),
            Op::ChangePassword {
                token,
                previous,
                proposed,
            } => self.change_password(token, previous, proposed),
            Op::GlobalSignOut { token } => self.global_sign_out(token),
            Op::AdminUserGlobalSignOut { user } => self.admin_global_sign_out(user),
            Op::AdvanceClock { by } => {
                self.clock
                    .advance(Duration::from_secs(by.seconds().unsigned_abs()));
                self.model.now += by.seconds() * 1000;
            }
        }
    }

    // ----- sign-up -----

    fn sign_up(&mut self, user: Name, password: Pw, writes: &[Write]) {
        let username = user.as_str();
        // The client may not write the verified flag or `sub`; then the
        // username, the attributes, the policy, and existence, in that order.
        let expected = if writes
            .iter()
            .any(|w| matches!(w.name(), AttrName::EmailVerified | AttrName::Sub))
        {
            Err(not_authorized(
                "A client attempted to write unauthorized attribute",
            ))
        } else if !user.well_formed() {
            Err(refuse(ErrorCode::InvalidParameter))
        } else {
            match model_create(writes) {
                Err(r) => Err(r),
                Ok(_) if !password.meets_policy() => Err(refuse(ErrorCode::InvalidPassword)),
                Ok(_) if self.user(user).is_some() => Err(refuse(ErrorCode::UsernameExists)),
                Ok(attributes) => Ok(attributes),
            }
        };
        let mut request = SignUpRequest::new(self.client_id.clone(), username, password.as_str());
        for w in writes {
            request = request.attribute(w.name().as_str(), w.value());
        }
        let actual = self.pool.sign_up(request);
        let Some(response) = self.check(actual, expected.as_ref().map(|_| ()).map_err(|r| *r))
        else {
            return;
        };
        let Ok(attributes) = expected else {
            return;
        };
        if response.user_confirmed {
            self.fail(format_args!("SignUp answered UserConfirmed=true"));
        }
        let email = attributes.get("email").cloned();
        if response.code_delivery_details.is_some() != email.is_some() {
            self.fail(format_args!(
                "SignUp CodeDeliveryDetails {:?} for email {email:?}",
                response.code_delivery_details
            ));
        }
        let now = self.model.now;
        let mut new = ModelUser::new(
            response.user_sub,
            now,
            Status::Unconfirmed,
            password,
            attributes,
        );
        if let Some(email) = email {
            self.expected_sent
                .push((MessageKind::SignUp, username, email.clone()));
            new.sign_up_code = Some(self.new_code(None, email, now));
        }
        self.model.users.insert(username, new);
    }

    /// A sign-up code just delivered to `username`'s `destination`: its value
    /// comes from the outbox (checked by `check_messages` after the step);
    /// its attempt window continues `previous`'s within the hour.
    fn new_code(
        &self,
        previous: Option<&PendingCode>,
        destination: String,
        now: i64,
    ) -> PendingCode {
        let code = self
            .outbox
            .messages()
            .last()
            .map(|m| m.code.expose_secret().to_owned())
            .unwrap_or_default();
        let (window_start, window_tries) = match previous {
            Some(p) if now < p.window_start + TRY_WINDOW_MS => (p.window_start, p.window_tries),
            _ => (now, 0),
        };
        PendingCode {
            code,
            destination,
            expires_at: now + SIGN_UP_CODE_MS,
            tries: 0,
            window_start,
            window_tries,
        }
    }

    fn confirm_sign_up(&mut self, user: Name, right_code: bool) {
        let now = self.model.now;
        let submitted = match self.user(user).and_then(|u| u.sign_up_code.as_ref()) {
            Some(p) if right_code => p.code.clone(),
            Some(p) => wrong_code(&p.code),
            None => "123456".to_owned(),
        };
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) if u.status != Status::Unconfirmed => Err(refuse(ErrorCode::NotAuthorized)),
            Some(u) => {
                let verdict = match &mut u.sign_up_code {
                    None => Err(refuse(ErrorCode::ExpiredCode)),
                    Some(p) if now >= p.expires_at => Err(refuse(ErrorCode::ExpiredCode)),
                    Some(p) => {
                        // Every try in time counts, right or wrong.
                        let (tries, window_tries) = (p.tries, p.window_tries);
                        p.tries += 1;
                        p.window_tries += 1;
                        if tries >= TRIES_PER_CODE || window_tries >= TRIES_PER_WINDOW {
                            Err(refuse(ErrorCode::LimitExceeded))
                        } else if submitted != p.code {
                            Err(refuse(ErrorCode::CodeMismatch))
                        } else {
                            Ok(p.destination.clone())
                        }
                    }
                };
                verdict.map(|destination| {
                    // The code proves the address it went to, if the user
                    // still has it; it is used up.
                    if u.email() == Some(destination.as_str()) {
                        u.attributes
                            .insert("email_verified".to_owned(), "true".to_owned());
                    }
                    u.sign_up_code = None;
                    u.status = Status::Confirmed;
                })
            }
        };
        let actual = self.pool.confirm_sign_up(ConfirmSignUpRequest::new(
            self.client_id.clone(),
            user.as_str(),
            Code::new(submitted),
        ));
        self.check(actual, expected);
    }

    fn resend_code(&mut self, user: Name) {
        let expected = match self.user(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) if u.status != Status::Unconfirmed => Err(refuse(ErrorCode::InvalidParameter)),
            Some(u) if u.email().is_none() => Err(refuse(ErrorCode::InvalidParameter)),
            Some(_) => Ok(()),
        };
        let actual = self
            .pool
            .resend_confirmation_code(ResendConfirmationCodeRequest::new(
                self.client_id.clone(),
                user.as_str(),
            ));
        if self.check(actual, expected).is_none() {
            return;
        }
        let now = self.model.now;
        let Some(u) = self.user(user) else { return };
        let email = u.email().unwrap_or_default().to_owned();
        let code = self.new_code(u.sign_up_code.as_ref(), email.clone(), now);
        self.expected_sent
            .push((MessageKind::ResendCode, user.as_str(), email));
        if let Some(u) = self.user_mut(user) {
            u.sign_up_code = Some(code);
        }
    }

    fn admin_confirm(&mut self, user: Name) {
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) if u.status != Status::Unconfirmed => Err(refuse(ErrorCode::NotAuthorized)),
            Some(u) => {
                // Verifies nothing, and discards the pending code.
                u.status = Status::Confirmed;
                u.sign_up_code = None;
                Ok(())
            }
        };
        let actual = self.pool.admin_confirm_sign_up(user.as_str());
        self.check(actual, expected);
    }

    // ----- admin operations on users -----

    fn admin_create_user(&mut self, user: Name, password: Pw, writes: &[Write]) {
        let username = user.as_str();
        let expected = if !password.meets_policy() {
            Err(refuse(ErrorCode::InvalidPassword))
        } else if !user.well_formed() {
            Err(refuse(ErrorCode::InvalidParameter))
        } else {
            match model_create(writes) {
                Err(r) => Err(r),
                Ok(_) if self.user(user).is_some() => Err(refuse(ErrorCode::UsernameExists)),
                Ok(attributes) => Ok(attributes),
            }
        };
        let mut request = AdminCreateUserRequest::new(username)
            .temporary_password(password.as_str())
            .message_action(MessageAction::Suppress);
        for w in writes {
            request = request.attribute(w.name().as_str(), w.value());
        }
        let actual = self.pool.admin_create_user(request);
        let Some(created) = self.check(actual, expected.as_ref().map(|_| ()).map_err(|r| *r))
        else {
            return;
        };
        let Ok(attributes) = expected else { return };
        let sub = created.attribute("sub").unwrap_or_default().to_owned();
        let now = self.model.now;
        let mut new = ModelUser::new(sub, now, Status::ForceChangePassword, password, attributes);
        new.temporary_until = Some(now + TEMPORARY_PASSWORD_MS);
        self.check_user(&created, &new);
        self.model.users.insert(username, new);
    }

    fn admin_update_attributes(&mut self, user: Name, writes: &[Write]) {
        let mut sent = None;
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) => model_update(&u.attributes, writes).map(|next| {
                let email_changed = u.attributes.get("email") != next.get("email");
                u.attributes = next;
                // A new, unverified email gets a verification code.
                if email_changed && !u.email_verified() {
                    sent = u.email().map(str::to_owned);
                }
            }),
        };
        let attributes = writes
            .iter()
            .map(|w| userpool::schema::Attribute::new(w.name().as_str(), w.value()))
            .collect();
        let actual = self
            .pool
            .admin_update_user_attributes(user.as_str(), attributes);
        if self.check(actual, expected).is_some()
            && let Some(email) = sent
        {
            self.expected_sent
                .push((MessageKind::UpdateUserAttribute, user.as_str(), email));
        }
    }

    fn admin_delete_attributes(&mut self, user: Name, names: &[AttrName]) {
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_)
                if names
                    .iter()
                    .any(|n| matches!(n, AttrName::Sub | AttrName::Unknown)) =>
            {
                Err(refuse(ErrorCode::InvalidParameter))
            }
            Some(u) => {
                for n in names {
                    u.attributes.remove(n.as_str());
                    if *n == AttrName::Email {
                        u.attributes.remove("email_verified");
                    }
                }
                Ok(())
            }
        };
        let names = names.iter().map(|n| n.as_str().to_owned()).collect();
        let actual = self.pool.admin_delete_user_attributes(user.as_str(), names);
        self.check(actual, expected);
    }

    fn admin_delete_user(&mut self, user: Name) {
        let expected = match self.model.users.remove(user.as_str()) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_) => Ok(()),
        };
        let actual = self.pool.admin_delete_user(user.as_str());
        self.check(actual, expected);
    }

    /// Revokes every token the user holds now (later ones are not affected).
    fn revoke_tokens_of(&mut self, user: Name) {
        let Some(sub) = self.user(user).map(|u| u.sub.clone()) else {
            return;
        };
        for t in &mut self.model.tokens {
            if t.username == user.as_str() && t.sub == sub {
                t.revoked = true;
            }
        }
    }

    fn set_enabled(&mut self, user: Name, enabled: bool) {
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(u) => {
                u.enabled = enabled;
                Ok(())
            }
        };
        if expected.is_ok() && !enabled {
            self.revoke_tokens_of(user);
        }
        let actual = if enabled {
            self.pool.admin_enable_user(user.as_str())
        } else {
            self.pool.admin_disable_user(user.as_str())
        };
        self.check(actual, expected);
    }

    fn admin_set_password(&mut self, user: Name, password: Pw, permanent: bool) {
        let now = self.model.now;
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_) if !password.meets_policy() => Err(refuse(ErrorCode::InvalidPassword)),
            Some(u) => {
                u.password = password;
                if permanent {
                    u.status = Status::Confirmed;
                    u.temporary_until = None;
                } else {
                    u.status = Status::ForceChangePassword;
                    u.temporary_until = Some(now + TEMPORARY_PASSWORD_MS);
                }
                Ok(())
            }
        };
        let actual = self.pool.admin_set_user_password(
            AdminSetUserPasswordRequest::new(user.as_str(), Password::new(password.as_str()))
                .permanent(permanent),
        );
        self.check(actual, expected);
    }

    fn admin_global_sign_out(&mut self, user: Name) {
        let expected = match self.user(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_) => Ok(()),
        };
        self.revoke_tokens_of(user);
        let actual = self.pool.admin_user_global_sign_out(user.as_str());
        self.check(actual, expected);
    }

    // ----- groups -----

    fn create_group(&mut self, group: GroupName) {
        let expected = if self.model.groups.insert(group) {
            Ok(())
        } else {
            Err(refuse(ErrorCode::GroupExists))
        };
        let actual = self
            .pool
            .create_group(userpool::GroupRequest::new(group.as_str()));
        self.check(actual, expected);
    }

    fn delete_group(&mut self, group: GroupName) {
        let expected = if self.model.groups.remove(&group) {
            for u in self.model.users.values_mut() {
                u.groups.remove(&group);
            }
            Ok(())
        } else {
            Err(refuse(ErrorCode::ResourceNotFound))
        };
        let actual = self.pool.delete_group(group.as_str());
        self.check(actual, expected);
    }

    fn membership(&mut self, user: Name, group: GroupName, add: bool) {
        let group_exists = self.model.groups.contains(&group);
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            Some(_) if !group_exists => Err(refuse(ErrorCode::ResourceNotFound)),
            Some(u) => {
                if add {
                    u.groups.insert(group);
                } else {
                    u.groups.remove(&group);
                }
                Ok(())
            }
        };
        let actual = if add {
            self.pool
                .admin_add_user_to_group(user.as_str(), group.as_str())
        } else {
            self.pool
                .admin_remove_user_from_group(user.as_str(), group.as_str())
        };
        self.check(actual, expected);
    }

    // ----- sign-in and tokens -----

    /// Keeps the access token of a sign-in that just succeeded.
    fn keep_token(&mut self, tokens: AuthenticationResult, user: Name) {
        if tokens.expires_in != ACCESS_TOKEN_SECS.unsigned_abs() || tokens.token_type != "Bearer" {
            self.fail(format_args!(
                "tokens of type {} expire in {} s",
                tokens.token_type, tokens.expires_in
            ));
        }
        let Some(sub) = self.user(user).map(|u| u.sub.clone()) else {
            return;
        };
        let access = tokens.access_token;
        if self.model.tokens.len() == MAX_KEPT {
            self.model.tokens.remove(0);
        }
        self.model.tokens.push(Token {
            access,
            username: user.as_str(),
            sub,
            expires_at_secs: self.model.now / 1000 + ACCESS_TOKEN_SECS,
            revoked: false,
        });
    }

    fn sign_in(&mut self, user: Name, password: Pw) {
        #[derive(Debug)]
        enum Next {
            Tokens,
            NewPasswordRequired,
        }
        let now = self.model.now;
        let expected = match self.user_mut(user) {
            None => Err(refuse(ErrorCode::UserNotFound)),
            // Refused before the password is looked at.
            Some(u) if u.status == Status::Unconfirmed => Err(refuse(ErrorCode::UserNotConfirmed)),
            Some(u) if u.lockout.is_locked(now) => Err(not_authorized(LOCKED)),
            Some(u) => {
                u.lockout.fail(now);
                if u.password != password {
                    Err(not_authorized(INCORRECT))
                } else {
                    u.lockout = Lockout::default();
                    if !u.enabled {
                        Err(not_authorized(DISABLED))
                    } else if u.status == Status::ForceChangePassword {
                        if u.temporary_until.is_some_and(|t| now >= t) {
                            Err(not_authorized(TEMPORARY_EXPIRED))
                        } else {
                            Ok(Next::NewPasswordRequired)
                        }
                    } else {
                        Ok(Next::Tokens)
                    }
                }
            }
        };
        let actual = self.pool.initiate_auth(InitiateAuthRequest::user_password(
            self.client_id.clone(),
            user.as_str(),
            password.as_str(),
        ));
        let Some(response) = self.check(actual, expected.as_ref().map(|_| ()).map_err(|r| *r))
        else {
            return;
        };
        match expected {
            Ok(Next::Tokens) => match (response.challenge_name, response.authentication_result) {
                (None, Some(tokens)) => self.keep_token(tokens, user),
                (challenge, _) => {
                    self.fail(format_args!("expected tokens, got challenge {challenge:?}"))
                }
            },
            Ok(Next::NewPasswordRequired) => {
                match (
                    response.challenge_name,
                    response.session,
                    &response.authentication_result,
                ) {
                    (Some(ChallengeName::NewPasswordRequired), Some(session), None) => {
                        let srp_id = response.challenge_parameters.get("USER_ID_FOR_SRP");
                        if srp_id.map(String::as_str) != Some(user.as_str()) {
                            self.fail(format_args!(
                                "NEW_PASSWORD_REQUIRED with USER_ID_FOR_SRP {srp_id:?}"
                            ));
                        }
                        let Some(sub) = self.user(user).map(|u| u.sub.clone()) else {
                            return;
                        };
                        if self.model.sessions.len() == MAX_KEPT {
                            self.model.sessions.remove(0);
                        }
                        self.model.sessions.push(Session {
                            session,
                            username: user.as_str(),
                            sub,
                            expires_at: now + SESSION_MS,
                            used: false,
                        });
                    }
                    (challenge, _, tokens) => self.fail(format_args!(
                        "expected NEW_PASSWORD_REQUIRED, got challenge {challenge:?} tokens {}",
                        tokens.is_some()
                    )),
                }
            }
            Err(_) => {}
        }
    }

    fn answer_new_password(&mut self, pick: u8, password: Pw) {
        let now = self.model.now;
        let index = (!self.model.sessions.is_empty())
            .then(|| usize::from(pick) % self.model.sessions.len());
        let Some(index) = index else {
            // No session yet: a made-up one is refused.
            let actual = self.pool.respond_to_auth_challenge(
                RespondToAuthChallengeRequest::new(
                    self.client_id.clone(),
                    ChallengeName::NewPasswordRequired,
                    Some("bm90IGEgc2Vzc2lvbg".to_owned()),
                )
                .response("USERNAME", "alice")
                .response("NEW_PASSWORD", password.as_str()),
            );
            self.check(actual, Err(not_authorized(SESSION_INVALID)));
            return;
        };
        let session = self.model.sessions[index].clone();
        let user = self
            .model
            .users
            .get_mut(session.username)
            .filter(|u| u.sub == session.sub);
        let expected = if now >= session.expires_at {
            Err(not_authorized(SESSION_EXPIRED))
        } else {
            match user {
                None => Err(not_authorized(SESSION_INVALID)),
                Some(_) if !password.meets_policy() => Err(refuse(ErrorCode::InvalidPassword)),
                Some(_) if session.used => Err(not_authorized(SESSION_USED)),
                Some(u) => {
                    // The session is used up from here on, whatever follows.
                    self.model.sessions[index].used = true;
                    if u.status != Status::ForceChangePassword {
                        Err(not_authorized(SESSION_INVALID))
                    } else if !u.enabled {
                        Err(not_authorized(DISABLED))
                    } else if u.temporary_until.is_some_and(|t| now >= t) {
                        Err(not_authorized(TEMPORARY_EXPIRED))
                    } else {
                        u.password = password;
                        u.status = Status::Confirmed;
                        u.temporary_until = None;
                        Ok(())
                    }
                }
            }
        };
        let actual = self.pool.respond_to_auth_challenge(
            RespondToAuthChallengeRequest::new(
                self.client_id.clone(),
                ChallengeName::NewPasswordRequired,
                Some(session.session.clone()),
            )
            .response("USERNAME", session.username)
            .response("NEW_PASSWORD", password.as_str()),
        );
        let Some(response) = self.check(actual, expected) else {
            return;
        };
        match (response.challenge_name, response.authentication_result) {
            (None, Some(tokens)) => {
                let name = NAMES
                    .into_iter()
                    .find(|n| n.as_str() == session.username)
                    .unwrap_or(Name::Malformed);
                self.keep_token(tokens, name);
            }
            (challenge, _) => self.fail(format_args!(
                "expected tokens after NEW_PASSWORD_REQUIRED, got {challenge:?}"
            )),
        }
    }

    /// The token `pick` names, or `None` when the run has none.
    fn token(&self, pick: u8) -> Option<Token> {
        (!self.model.tokens.is_empty())
            .then(|| self.model.tokens[usize::from(pick) % self.model.tokens.len()].clone())
    }

    /// What an operation authorised by `token` meets before its own work:
    /// `Ok` with the model user's key, or the refusal.
    fn authorize(&self, token: Option<&Token>) -> Result<&'static str, Refusal> {
        let Some(t) = token else {
            return Err(not_authorized(TOKEN_INVALID));
        };
        if self.model.now / 1000 >= t.expires_at_secs {
            return Err(not_authorized(TOKEN_EXPIRED));
        }
        if t.revoked {
            return Err(not_authorized(TOKEN_REVOKED));
        }
        match self.model.users.get(t.username) {
            Some(u) if u.sub == t.sub => {
                if !u.enabled {
                    Err(not_authorized(TOKEN_REVOKED))
                } else if u.status == Status::Unconfirmed {
                    Err(refuse(ErrorCode::UserNotConfirmed))
                } else {
                    Ok(t.username)
                }
            }
            // Deleted, or deleted and created again: another user.
            _ => Err(refuse(ErrorCode::UserNotFound)),
        }
    }

    fn access(token: Option<&Token>) -> &str {
        token.map_or("not-a-token", |t| t.access.as_str())
    }

    fn get_user(&mut self, pick: u8) {
        let token = self.token(pick);
        let expected = self.authorize(token.as_ref());
        let actual = self.pool.get_user(Self::access(token.as_ref()));
        let Some(response) = self.check(actual, expected.map(|_| ())) else {
            return;
        };
        let Some(u) = expected.ok().and_then(|name| self.model.users.get(name)) else {
            return;
        };
        let attributes: Vec<(String, String)> = response
            .user_attributes
            .into_iter()
            .map(|a| (a.name, a.value))
            .collect();
        let mut wanted = vec![("sub".to_owned(), u.sub.clone())];
        wanted.extend(u.attributes.clone());
        if response.username != expected.unwrap_or_default() || attributes != wanted {
            self.fail(format_args!(
                "GetUser answered {} {attributes:?}, model has {wanted:?}",
                response.username
            ));
        }
    }

    fn change_password(&mut self, pick: u8, previous: Pw, proposed: Pw) {
        let now = self.model.now;
        let token = self.token(pick);
        let authorized = self.authorize(token.as_ref());
        let expected = match authorized {
            Err(r) => Err(r),
            Ok(_) if !proposed.meets_policy() => Err(refuse(ErrorCode::InvalidPassword)),
            Ok(name) => match self.model.users.get_mut(name) {
                None => Err(refuse(ErrorCode::UserNotFound)),
                Some(u) if u.lockout.is_locked(now) => Err(not_authorized(LOCKED)),
                Some(u) => {
                    u.lockout.fail(now);
                    if u.password == previous {
                        // Status and temporary deadline are left as they are.
                        u.password = proposed;
                        u.lockout = Lockout::default();
                        Ok(())
                    } else {
                        Err(not_authorized(INCORRECT))
                    }
                }
            },
        };
        let actual = self.pool.change_password(ChangePasswordRequest::new(
            Self::access(token.as_ref()),
            previous.as_str(),
            proposed.as_str(),
        ));
        self.check(actual, expected);
    }

    fn global_sign_out(&mut self, pick: u8) {
        let token = self.token(pick);
        let expected = self.authorize(token.as_ref());
        if let Ok(name) = expected
            && let Some(user) = NAMES.into_iter().find(|n| n.as_str() == name)
        {
            self.revoke_tokens_of(user);
        }
        let actual = self.pool.global_sign_out(Self::access(token.as_ref()));
        self.check(actual, expected.map(|_| ()));
    }

    // ----- observations -----

    /// The messages sent since the last step are exactly those predicted.
    fn check_messages(&mut self) {
        let all = self.outbox.messages();
        let sent: Vec<Sent> = all[self.delivered..]
            .iter()
            .map(|m| {
                let who = NAMES
                    .into_iter()
                    .map(Name::as_str)
                    .find(|n| *n == m.username)
                    .unwrap_or("(unknown)");
                (m.kind, who, m.destination.clone())
            })
            .collect();
        if sent != self.expected_sent {
            self.fail(format_args!(
                "messages sent {sent:?}, model expected {:?}",
                self.expected_sent
            ));
        }
        self.delivered = all.len();
        self.expected_sent.clear();
    }

    fn check_user(&self, actual: &User, model: &ModelUser) {
        let mut attributes = actual
            .attributes
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()));
        let sub = attributes.next();
        let rest: BTreeMap<String, String> = attributes
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        if actual.status.as_str() != model.status.wire_name()
            || actual.enabled != model.enabled
            || actual.created_at.unix_millis() != model.created_at
            || sub != Some(("sub", model.sub.as_str()))
            || rest != model.attributes
        {
            self.fail(format_args!(
                "user {}: engine has {} enabled={} created={} sub={sub:?} {rest:?}; \
                 model has {} enabled={} created={} sub={} {:?}",
                actual.username,
                actual.status.as_str(),
                actual.enabled,
                actual.created_at.unix_millis(),
                model.status.wire_name(),
                model.enabled,
                model.created_at,
                model.sub,
                model.attributes
            ));
        }
    }

    fn check_state(&self) {
        let listed = self
            .pool
            .list_users(ListUsersRequest::default())
            .unwrap_or_else(|e| self.fail(format_args!("ListUsers failed: {e:?}")));
        let names: Vec<&str> = listed.users.iter().map(|u| u.username.as_str()).collect();
        let model_names: Vec<&str> = self.model.users.keys().copied().collect();
        if names != model_names || listed.pagination_token.is_some() {
            self.fail(format_args!(
                "ListUsers has {names:?}, model has {model_names:?}"
            ));
        }
        for u in &listed.users {
            if let Some(m) = self.model.users.get(u.username.as_str()) {
                self.check_user(u, m);
            }
        }
        for name in NAMES {
            let got = self.pool.admin_get_user(name.as_str());
            match (got, self.user(name)) {
                (Ok(u), Some(m)) => self.check_user(&u, m),
                (Err(e), None) if e.code() == ErrorCode::UserNotFound => {}
                (got, m) => self.fail(format_args!(
                    "AdminGetUser {}: engine {:?}, model has the user: {}",
                    name.as_str(),
                    got.map(|u| u.username).map_err(|e| e.code()),
                    m.is_some()
                )),
            }
        }

        let groups = self
            .pool
            .list_groups(None, None)
            .unwrap_or_else(|e| self.fail(format_args!("ListGroups failed: {e:?}")));
        let names: Vec<&str> = groups.groups.iter().map(|g| g.name.as_str()).collect();
        let mut model_groups: Vec<&str> = self.model.groups.iter().map(|g| g.as_str()).collect();
        model_groups.sort_unstable();
        if names != model_groups || groups.next_token.is_some() {
            self.fail(format_args!(
                "ListGroups has {names:?}, model has {model_groups:?}"
            ));
        }
        for (username, m) in &self.model.users {
            let page = self
                .pool
                .admin_list_groups_for_user(username, None, None)
                .unwrap_or_else(|e| {
                    self.fail(format_args!("AdminListGroupsForUser {username}: {e:?}"))
                });
            let names: Vec<&str> = page.groups.iter().map(|g| g.name.as_str()).collect();
            let mut wanted: Vec<&str> = m.groups.iter().map(|g| g.as_str()).collect();
            wanted.sort_unstable();
            if names != wanted {
                self.fail(format_args!(
                    "AdminListGroupsForUser {username}: {names:?}, model has {wanted:?}"
                ));
            }
        }
        for group in GROUPS {
            let got = self.pool.list_users_in_group(group.as_str(), None, None);
            match got {
                Ok(page) if self.model.groups.contains(&group) => {
                    let names: Vec<&str> = page.users.iter().map(|u| u.username.as_str()).collect();
                    let wanted: Vec<&str> = self
                        .model
                        .users
                        .iter()
                        .filter(|(_, u)| u.groups.contains(&group))
                        .map(|(n, _)| *n)
                        .collect();
                    if names != wanted {
                        self.fail(format_args!(
                            "ListUsersInGroup {}: {names:?}, model has {wanted:?}",
                            group.as_str()
                        ));
                    }
                }
                Err(e)
                    if !self.model.groups.contains(&group)
                        && e.code() == ErrorCode::ResourceNotFound => {}
                got => self.fail(format_args!(
                    "ListUsersInGroup {}: engine {:?}, model has the group: {}",
                    group.as_str(),
                    got.map(|p| p.users.len()).map_err(|e| e.code()),
                    self.model.groups.contains(&group)
                )),
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut ops = Vec::new();
    while ops.len() < MAX_OPS && !u.is_empty() {
        match Op::arbitrary(&mut u) {
            Ok(op) => ops.push(op),
            Err(_) => break,
        }
    }
    install_panic_hook();
    TRACE.with_borrow_mut(Vec::clear);
    let mut run = Run::new();
    for op in &ops {
        run.apply(op);
    }
    // Every remaining user signs in with the password the model holds.
    for user in NAMES {
        if let Some(password) = run.user(user).map(|u| u.password) {
            run.apply(&Op::SignIn {
                user,
                password,
                times: 1,
            });
        }
    }
});
