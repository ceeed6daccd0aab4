//! The pool's public API end to end, one area per module: sign-up in an
//! email-as-username pool, username and alias rules, `ConfirmSignUp` and its
//! codes, the admin operations, `ListUsers`, concurrent callers, invariants
//! checked with proptest, and that no secret leaks through `Debug`
//! (cognito-protocol.md §4.4, §4.7, §4.8, §4.9, §5.2, §7.4, §7.5).
//!
//! Every pool hashes with `HashingParams::insecure_fast_for_tests()`, reads
//! time from a `ManualClock` and delivers into an `Outbox` the test reads.
//! Refusals assert the exact `ErrorCode`, and the message wherever
//! cognito-protocol.md §5.2 records the live service's wording.

// In a test a panic is the failure report: unwrap, expect and panic! say where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api {
    mod admin;
    mod common;
    mod concurrency;
    mod confirm;
    mod list;
    mod properties;
    mod secrets;
    mod signup;
    mod usernames;
}
