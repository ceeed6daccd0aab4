//! The sign-in lockout through the pool: five failures lock for a second,
//! each further failure doubles the lock, attempts during a lock are refused
//! with `Password attempts exceeded` even with the right password, a success
//! resets the count, and the state lives in the store, so every process
//! sharing it agrees (cognito-protocol.md §5.2, §7.9).

use std::sync::Arc;
use std::time::Duration;

use userpool::client::AuthFlow;
use userpool::store::MemoryStore;
use userpool::{ErrorCode, HashingParams, InitiateAuthRequest, ManualClock, Outbox, UserPool};

use super::common::{Harness, JANE, confirmed, password_client, quickstart, refused, sign_in};
use crate::support::pools::quickstart_config;
use crate::support::{PASSWORD, START, shared_keys};

const WRONG: &str = "Wrong1234^";

fn jane() -> (Harness, String) {
    let h = quickstart();
    confirmed(&h, JANE);
    let client = password_client(&h);
    (h, client)
}

fn attempt(pool: &UserPool, client: &str, password: &str) -> userpool::Result<()> {
    pool.initiate_auth(InitiateAuthRequest::user_password(client, JANE, password))
        .map(|_| ())
}

fn fail(pool: &UserPool, client: &str) {
    let e = refused(attempt(pool, client, WRONG));
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Incorrect username or password.")
    );
}

fn assert_locked(pool: &UserPool, client: &str) {
    for password in [PASSWORD, WRONG] {
        let e = refused(attempt(pool, client, password));
        assert_eq!(
            (e.code(), e.message()),
            (ErrorCode::NotAuthorized, "Password attempts exceeded")
        );
    }
}

fn seconds(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn four_failures_do_not_lock() {
    let (h, client) = jane();
    for _ in 0..4 {
        fail(&h.pool, &client);
    }
    sign_in(&h, &client, JANE, PASSWORD);
}

#[test]
fn the_fifth_failure_locks_for_one_second_even_against_the_right_password() {
    let (h, client) = jane();
    for _ in 0..5 {
        fail(&h.pool, &client);
    }
    assert_locked(&h.pool, &client);
    h.clock.advance(Duration::from_millis(999));
    assert_locked(&h.pool, &client);
    h.clock.advance(Duration::from_millis(1));
    sign_in(&h, &client, JANE, PASSWORD);
}

#[test]
fn a_success_after_the_lock_resets_the_count() {
    let (h, client) = jane();
    for _ in 0..5 {
        fail(&h.pool, &client);
    }
    h.clock.advance(seconds(1));
    sign_in(&h, &client, JANE, PASSWORD);
    // Four fresh failures are free again.
    for _ in 0..4 {
        fail(&h.pool, &client);
    }
    sign_in(&h, &client, JANE, PASSWORD);
}

#[test]
fn each_further_failure_doubles_the_lock() {
    let (h, client) = jane();
    for _ in 0..5 {
        fail(&h.pool, &client);
    }
    for lock in [2, 4, 8, 16] {
        h.clock.advance(seconds(lock / 2));
        fail(&h.pool, &client);
        h.clock.advance(seconds(lock - 1));
        assert_locked(&h.pool, &client);
        h.clock.advance(seconds(1));
    }
    sign_in(&h, &client, JANE, PASSWORD);
}

#[test]
fn attempts_during_a_lock_neither_count_nor_extend_it() {
    let (h, client) = jane();
    for _ in 0..5 {
        fail(&h.pool, &client);
    }
    for _ in 0..10 {
        assert_locked(&h.pool, &client);
    }
    h.clock.advance(seconds(1));
    // The next failure is the sixth, locking for two seconds, not more.
    fail(&h.pool, &client);
    h.clock.advance(seconds(2));
    sign_in(&h, &client, JANE, PASSWORD);
}

#[test]
fn the_count_resets_after_fifteen_idle_minutes() {
    let (h, client) = jane();
    for _ in 0..4 {
        fail(&h.pool, &client);
    }
    h.clock.advance(seconds(15 * 60));
    fail(&h.pool, &client);
    sign_in(&h, &client, JANE, PASSWORD);
}

#[test]
fn admin_sign_in_shares_the_lockout() {
    let (h, client) = jane();
    for _ in 0..5 {
        fail(&h.pool, &client);
    }
    let e = refused(
        h.pool.admin_initiate_auth(
            InitiateAuthRequest::new(AuthFlow::AdminUserPasswordAuth, &client)
                .param("USERNAME", JANE)
                .param("PASSWORD", PASSWORD),
        ),
    );
    assert_eq!(
        (e.code(), e.message()),
        (ErrorCode::NotAuthorized, "Password attempts exceeded")
    );
}

#[test]
fn wrong_previous_passwords_in_change_password_count_too() {
    let (h, client) = jane();
    let access = sign_in(&h, &client, JANE, PASSWORD).access_token;
    for _ in 0..5 {
        let e = refused(h.pool.change_password(userpool::ChangePasswordRequest::new(
            &access,
            WRONG,
            "N3w-password",
        )));
        assert_eq!(e.message(), "Incorrect username or password.");
    }
    assert_locked(&h.pool, &client);
    let e = refused(h.pool.change_password(userpool::ChangePasswordRequest::new(
        &access,
        PASSWORD,
        "N3w-password",
    )));
    assert_eq!(e.message(), "Password attempts exceeded");
}

#[test]
fn one_users_lock_does_not_lock_another() {
    let (h, client) = jane();
    confirmed(&h, "john@example.com");
    for _ in 0..5 {
        fail(&h.pool, &client);
    }
    assert_locked(&h.pool, &client);
    sign_in(&h, &client, "john@example.com", PASSWORD);
}

/// Two pools, as two processes would run them: one id, one secret, one
/// store, one clock, one client.
fn two_processes() -> (UserPool, UserPool, ManualClock, String) {
    let store = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(START);
    let outbox = Outbox::new();
    let build = || {
        UserPool::builder(quickstart_config().build().unwrap())
            .pool_id("us-east-1_ApiTests1")
            .store(store.clone())
            .clock(Arc::new(clock.clone()))
            .message_sender(Arc::new(outbox.clone()))
            .hashing(HashingParams::insecure_fast_for_tests())
            .secret_key([7; 32])
            .keys(shared_keys())
            .build()
            .unwrap()
    };
    let (a, b) = (build(), build());
    let client = a
        .create_user_pool_client(
            super::common::password_client_config("web")
                .build()
                .unwrap(),
        )
        .unwrap();
    // Clients live in the shared store: B serves the client A created.
    assert_eq!(
        b.describe_user_pool_client(client.id()).unwrap().id(),
        client.id()
    );
    a.sign_up(super::common::sign_up_request_via(client.id(), JANE))
        .unwrap();
    // The code sent by one process confirms through the other.
    let code = outbox.last_code_for(JANE).unwrap();
    b.confirm_sign_up(userpool::ConfirmSignUpRequest::new(client.id(), JANE, code))
        .unwrap();
    (a, b, clock, client.id().to_owned())
}

#[test]
fn failures_through_two_pools_over_one_store_add_up() {
    let (a, b, clock, client) = two_processes();
    for _ in 0..3 {
        fail(&a, &client);
    }
    for _ in 0..2 {
        fail(&b, &client);
    }
    assert_locked(&a, &client);
    assert_locked(&b, &client);
    clock.advance(seconds(1));
    attempt(&b, &client, PASSWORD).unwrap();
    // The success through b reset the count a sees.
    for _ in 0..4 {
        fail(&a, &client);
    }
    attempt(&a, &client, PASSWORD).unwrap();
}
