//! The pool's public API end to end, one area per module: sign-up in an
//! email-as-username pool, username and alias rules, `ConfirmSignUp` and its
//! codes, the admin operations, `ListUsers`, concurrent callers, invariants
//! checked with proptest, and that no secret leaks through `Debug`
//! (cognito-protocol.md §4.4, §4.7, §4.8, §4.9, §5.2, §7.4, §7.5); then app
//! clients, password sign-in and its challenge sessions, the tokens and their
//! refresh, the access-token operations, recovery, lockout and groups
//! (§2, §4.3, §4.5, §4.6, §4.10, §4.11, §5.3, §6, §7.9).
//!
//! Every pool hashes with `HashingParams::insecure_fast_for_tests()`, reads
//! time from a `ManualClock` and delivers into an `Outbox` the test reads.
//! Refusals assert the exact `ErrorCode`, and the message wherever
//! cognito-protocol.md §5.2 records the live service's wording.

// In a test a panic is the failure report: unwrap, expect and panic! say where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod api {
    mod admin;
    mod auth;
    mod clients;
    mod common;
    mod concurrency;
    mod confirm;
    mod custom_auth;
    mod devices;
    mod domains;
    mod groups;
    mod hooks_json;
    mod hooks_messages;
    mod hooks_migration;
    mod hooks_senders;
    mod hooks_signup;
    mod hooks_support;
    mod limits;
    mod list;
    mod lockout;
    mod mfa;
    mod oauth_hosted;
    mod oauth_m2m_hooks;
    mod oauth_token;
    mod properties;
    mod recovery;
    mod refresh;
    mod resource_servers;
    mod secrets;
    mod sessions;
    mod signup;
    mod srp;
    mod sweep;
    mod tokens;
    mod triggers_auth;
    mod triggers_tokens;
    mod user_ops;
    mod usernames;
}
