//! The conformance suite every [`Store`] implementation must pass, unchanged.
//!
//! Enabled by the `test-util` feature. Call [`run_all`] from a test with a
//! factory that returns a fresh, empty store each time:
//!
//! ```
//! # #[cfg(feature = "test-util")] {
//! use userpool::store::{MemoryStore, conformance};
//! conformance::run_all(&|| Box::new(MemoryStore::new()));
//! # }
//! ```
//!
//! Each check panics with a message naming the broken contract.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{CodePurpose, CodeRecord, Store, StoreError, UserRecord, UserStatus};
use crate::clock::Timestamp;

const POOL: &str = "us-east-1_Conform01";
const OTHER_POOL: &str = "eu-west-1_Conform02";

/// Runs every check against fresh stores from `new_store`.
pub fn run_all(new_store: &dyn Fn() -> Box<dyn Store>) {
    insert_then_read_by_username_and_every_key(&*new_store());
    insert_refuses_a_taken_username_or_key_and_stores_nothing(&*new_store());
    update_is_a_compare_and_swap_on_version(&*new_store());
    update_replaces_index_keys_atomically(&*new_store());
    update_refuses_a_key_owned_by_another_user(&*new_store());
    delete_removes_the_user_its_keys_and_its_codes(&*new_store());
    list_pages_in_username_order_without_gaps(&*new_store());
    pools_are_isolated(&*new_store());
    codes_are_replaced_counted_and_taken_once(&*new_store());
    concurrent_inserts_of_one_key_admit_exactly_one(&*new_store());
    concurrent_takes_of_one_code_admit_exactly_one(&*new_store());
    concurrent_failures_are_all_counted(&*new_store());
    concurrent_updates_of_one_version_admit_exactly_one(&*new_store());
}

/// A user record for tests.
#[must_use]
pub fn sample_user(username: &str) -> UserRecord {
    let mut attributes = BTreeMap::new();
    attributes.insert("sub".to_owned(), format!("sub-{username}"));
    attributes.insert("email".to_owned(), format!("{username}@example.com"));
    UserRecord {
        username: username.to_owned(),
        attributes,
        status: UserStatus::Unconfirmed,
        enabled: true,
        created_at: Timestamp::from_unix_seconds(1_700_000_000),
        modified_at: Timestamp::from_unix_seconds(1_700_000_000),
        password_hash: Some("$argon2id$v=19$m=256,t=1,p=1$c2FsdA$aGFzaA".to_owned()),
        temporary_password_expires_at: None,
        version: 42,
    }
}

fn keys(username: &str) -> Vec<String> {
    vec![
        format!("username:{username}"),
        format!("email:{username}@example.com"),
    ]
}

fn sample_code(id: u64) -> CodeRecord {
    CodeRecord {
        id,
        digest: [id as u8; 32],
        attribute: Some("email".to_owned()),
        issued_at: Timestamp::from_unix_seconds(1_700_000_000),
        expires_at: Timestamp::from_unix_seconds(1_700_086_400),
        failed_attempts: 0,
    }
}

/// Insert stores the record at version 1, findable by username and every key.
pub fn insert_then_read_by_username_and_every_key(s: &dyn Store) {
    let u = sample_user("alice");
    s.insert_user(POOL, &u, &keys("alice")).unwrap();
    let got = s.get_user(POOL, "alice").unwrap().expect("inserted user");
    assert_eq!(got.version, 1, "insert must set version 1");
    assert_eq!(got.attributes, u.attributes);
    assert_eq!(got.password_hash, u.password_hash);
    for k in keys("alice") {
        let found = s.find_user(POOL, &k).unwrap().expect("user by key");
        assert_eq!(found.username, "alice");
    }
    assert!(s.get_user(POOL, "bob").unwrap().is_none());
    assert!(s.find_user(POOL, "email:nobody").unwrap().is_none());
}

/// A taken username or key is a conflict, and the failed insert leaves no trace.
pub fn insert_refuses_a_taken_username_or_key_and_stores_nothing(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    // Same username, fresh keys.
    let err = s
        .insert_user(POOL, &sample_user("alice"), &["sub:fresh".to_owned()])
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert!(
        s.find_user(POOL, "sub:fresh").unwrap().is_none(),
        "a refused insert must index nothing"
    );
    // New username, one taken key among fresh ones.
    let err = s
        .insert_user(
            POOL,
            &sample_user("mallory"),
            &[
                "username:mallory".to_owned(),
                "email:alice@example.com".to_owned(),
            ],
        )
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            key: "email:alice@example.com".to_owned()
        }
    );
    assert!(s.get_user(POOL, "mallory").unwrap().is_none());
    assert!(s.find_user(POOL, "username:mallory").unwrap().is_none());
    let owner = s.find_user(POOL, "email:alice@example.com").unwrap().unwrap();
    assert_eq!(owner.username, "alice");
}

/// Updates succeed only at the version read, and bump it by one.
pub fn update_is_a_compare_and_swap_on_version(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    let mut u = s.get_user(POOL, "alice").unwrap().unwrap();
    u.status = UserStatus::Confirmed;
    s.update_user(POOL, &u, 1, &keys("alice")).unwrap();
    let got = s.get_user(POOL, "alice").unwrap().unwrap();
    assert_eq!(got.version, 2);
    assert_eq!(got.status, UserStatus::Confirmed);

    u.enabled = false;
    assert_eq!(
        s.update_user(POOL, &u, 1, &keys("alice")),
        Err(StoreError::VersionMismatch),
        "a stale version must be refused"
    );
    assert!(s.get_user(POOL, "alice").unwrap().unwrap().enabled);
    assert_eq!(
        s.update_user(POOL, &sample_user("ghost"), 1, &keys("ghost")),
        Err(StoreError::NotFound)
    );
}

/// Keys dropped by an update stop finding the user; added ones start.
pub fn update_replaces_index_keys_atomically(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    let u = s.get_user(POOL, "alice").unwrap().unwrap();
    let new_keys = vec!["username:alice".to_owned(), "email:new@example.com".to_owned()];
    s.update_user(POOL, &u, 1, &new_keys).unwrap();
    assert!(
        s.find_user(POOL, "email:alice@example.com").unwrap().is_none(),
        "a dropped key must be released"
    );
    assert_eq!(
        s.find_user(POOL, "email:new@example.com").unwrap().unwrap().username,
        "alice"
    );
    // The released key is free for someone else.
    s.insert_user(
        POOL,
        &sample_user("bob"),
        &["username:bob".to_owned(), "email:alice@example.com".to_owned()],
    )
    .unwrap();
}

/// An update that would take another user's key changes nothing.
pub fn update_refuses_a_key_owned_by_another_user(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.insert_user(POOL, &sample_user("bob"), &keys("bob")).unwrap();
    let mut u = s.get_user(POOL, "alice").unwrap().unwrap();
    u.status = UserStatus::Confirmed;
    let err = s
        .update_user(
            POOL,
            &u,
            1,
            &["username:alice".to_owned(), "email:bob@example.com".to_owned()],
        )
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            key: "email:bob@example.com".to_owned()
        }
    );
    let got = s.get_user(POOL, "alice").unwrap().unwrap();
    assert_eq!(got.version, 1, "a refused update must not bump the version");
    assert_eq!(got.status, UserStatus::Unconfirmed);
    assert_eq!(
        s.find_user(POOL, "email:alice@example.com").unwrap().unwrap().username,
        "alice",
        "a refused update must keep the old keys"
    );
}

/// Delete is versioned and takes the keys and codes with it.
pub fn delete_removes_the_user_its_keys_and_its_codes(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.put_code(POOL, "alice", CodePurpose::SignUp, &sample_code(7))
        .unwrap();
    assert_eq!(
        s.delete_user(POOL, "alice", 9),
        Err(StoreError::VersionMismatch)
    );
    s.delete_user(POOL, "alice", 1).unwrap();
    assert!(s.get_user(POOL, "alice").unwrap().is_none());
    for k in keys("alice") {
        assert!(s.find_user(POOL, &k).unwrap().is_none());
    }
    assert!(
        s.get_code(POOL, "alice", CodePurpose::SignUp).unwrap().is_none(),
        "codes must not outlive their user"
    );
    assert_eq!(s.delete_user(POOL, "alice", 1), Err(StoreError::NotFound));
    // The name is free again.
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
}

/// Listing walks usernames in byte order, page by page, with no gaps or repeats.
pub fn list_pages_in_username_order_without_gaps(s: &dyn Store) {
    let names = ["carol", "Alice", "bob", "alice", "dave", "émile", "zed"];
    for n in names {
        s.insert_user(POOL, &sample_user(n), &keys(n)).unwrap();
    }
    let mut expected: Vec<&str> = names.to_vec();
    expected.sort_unstable();
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = s.list_users(POOL, after.as_deref(), 3).unwrap();
        assert!(page.len() <= 3);
        if page.is_empty() {
            break;
        }
        after = page.last().map(|u| u.username.clone());
        seen.extend(page.into_iter().map(|u| u.username));
    }
    assert_eq!(seen, expected);
}

/// Users, keys and codes of one pool are invisible to another.
pub fn pools_are_isolated(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.insert_user(OTHER_POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.put_code(POOL, "alice", CodePurpose::SignUp, &sample_code(1))
        .unwrap();
    assert!(
        s.get_code(OTHER_POOL, "alice", CodePurpose::SignUp)
            .unwrap()
            .is_none()
    );
    assert_eq!(s.list_users(OTHER_POOL, None, 10).unwrap().len(), 1);
    s.delete_user(OTHER_POOL, "alice", 1).unwrap();
    assert!(s.get_user(POOL, "alice").unwrap().is_some());
    assert!(s.find_user(POOL, "username:alice").unwrap().is_some());
}

/// Codes: a put replaces, failures count only against the current id, a take works once.
pub fn codes_are_replaced_counted_and_taken_once(s: &dyn Store) {
    let p = CodePurpose::SignUp;
    s.put_code(POOL, "alice", p, &sample_code(1)).unwrap();
    s.put_code(POOL, "alice", CodePurpose::ForgotPassword, &sample_code(5))
        .unwrap();
    assert_eq!(
        s.record_code_failure(POOL, "alice", p, 1).unwrap(),
        Some(1)
    );
    s.put_code(POOL, "alice", p, &sample_code(2)).unwrap();
    let got = s.get_code(POOL, "alice", p).unwrap().unwrap();
    assert_eq!(got.id, 2, "a put must replace the pending code");
    assert_eq!(got.failed_attempts, 0);
    assert_eq!(
        s.record_code_failure(POOL, "alice", p, 1).unwrap(),
        None,
        "a failure aimed at a replaced code must not count"
    );
    assert_eq!(s.take_code(POOL, "alice", p, 1).unwrap(), None);
    assert_eq!(
        s.record_code_failure(POOL, "alice", p, 2).unwrap(),
        Some(1)
    );
    let taken = s.take_code(POOL, "alice", p, 2).unwrap().unwrap();
    assert_eq!(taken.failed_attempts, 1);
    assert_eq!(s.take_code(POOL, "alice", p, 2).unwrap(), None);
    assert!(s.get_code(POOL, "alice", p).unwrap().is_none());
    assert_eq!(
        s.get_code(POOL, "alice", CodePurpose::ForgotPassword)
            .unwrap()
            .unwrap()
            .id,
        5,
        "purposes are independent"
    );
}

const THREADS: usize = 16;

/// Many threads insert users that share one email key: exactly one wins.
pub fn concurrent_inserts_of_one_key_admit_exactly_one(s: &dyn Store) {
    let wins = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for i in 0..THREADS {
            let wins = &wins;
            sc.spawn(move || {
                let name = format!("user{i}");
                let k = vec![format!("username:{name}"), "email:same@example.com".to_owned()];
                match s.insert_user(POOL, &sample_user(&name), &k) {
                    Ok(()) => {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(StoreError::Conflict { .. }) => {}
                    Err(e) => panic!("unexpected {e:?}"),
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    let all = s.list_users(POOL, None, 100).unwrap();
    assert_eq!(all.len(), 1, "losers must leave no record");
    let owner = s.find_user(POOL, "email:same@example.com").unwrap().unwrap();
    assert_eq!(owner.username, all[0].username);
}

/// Many threads take one code: exactly one gets it.
pub fn concurrent_takes_of_one_code_admit_exactly_one(s: &dyn Store) {
    s.put_code(POOL, "alice", CodePurpose::SignUp, &sample_code(9))
        .unwrap();
    let wins = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for _ in 0..THREADS {
            let wins = &wins;
            sc.spawn(move || {
                if s.take_code(POOL, "alice", CodePurpose::SignUp, 9)
                    .unwrap()
                    .is_some()
                {
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
}

/// Concurrent failures on one code are all counted.
pub fn concurrent_failures_are_all_counted(s: &dyn Store) {
    s.put_code(POOL, "alice", CodePurpose::SignUp, &sample_code(3))
        .unwrap();
    std::thread::scope(|sc| {
        for _ in 0..THREADS {
            sc.spawn(move || {
                s.record_code_failure(POOL, "alice", CodePurpose::SignUp, 3)
                    .unwrap();
            });
        }
    });
    let c = s.get_code(POOL, "alice", CodePurpose::SignUp).unwrap().unwrap();
    assert_eq!(c.failed_attempts as usize, THREADS);
}

/// Many threads update from the same version: exactly one succeeds.
pub fn concurrent_updates_of_one_version_admit_exactly_one(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    let wins = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for i in 0..THREADS {
            let wins = &wins;
            sc.spawn(move || {
                let mut u = sample_user("alice");
                u.attributes.insert("name".to_owned(), format!("writer {i}"));
                match s.update_user(POOL, &u, 1, &keys("alice")) {
                    Ok(()) => {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(StoreError::VersionMismatch) => {}
                    Err(e) => panic!("unexpected {e:?}"),
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    assert_eq!(s.get_user(POOL, "alice").unwrap().unwrap().version, 2);
}
