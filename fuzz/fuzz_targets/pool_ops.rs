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

#[path = "pool_ops/checks.rs"]
mod checks;
#[path = "pool_ops/model.rs"]
mod model;
#[path = "pool_ops/run.rs"]
mod run;
#[path = "pool_ops/sign_in.rs"]
mod sign_in;
#[path = "pool_ops/universe.rs"]
mod universe;

use model::*;
use run::*;
use universe::*;

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
