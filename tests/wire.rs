//! The wire adapter (`userpool::wire::handle` over a `Registry`), driven
//! with the JSON bodies the AWS CLI, boto3 and amazon-cognito-identity-js
//! send (cognito-protocol.md §3, §4, §7, Appendix A), one area per module:
//! the pool and app-client operations (`pools`), the user, auth, token,
//! recovery and group operations (`users`), and a registry that persists
//! its pools across restarts and processes (`persist`).
//!
//! Every registry hashes with `HashingParams::insecure_fast_for_tests()`,
//! shares one RSA key set per process, reads a `ManualClock` and delivers
//! into an `Outbox` the test reads codes from (`support::wire`). Every
//! answer is checked for its shape (a JSON object; an error body of
//! exactly `__type` and `message`, named by `x-amzn-ErrorType`), and
//! refusals assert the exact `__type`, message and HTTP status.

// In a test a panic is the failure report: unwrap, expect and panic! say where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod wire {
    mod custom_auth;
    mod hooks_metadata;
    mod persist;
    mod persist_client_secrets;
    mod persist_domains;
    mod persist_email;
    mod persist_mfa;
    mod persist_resource_servers;
    mod persist_tags;
    mod pools;
    mod users;
}
