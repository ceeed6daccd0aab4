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

use super::{
    ClientRecord, CodePurpose, CodeRecord, GroupRecord, MAX_KEY_BYTES, MAX_VALUE_BYTES, PoolRecord,
    RefreshTokenRecord, Store, StoreError, UserRecord, UserStatus,
};
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
    refresh_tokens_are_found_by_digest_until_revoked(&*new_store());
    user_sign_out_revokes_every_family_of_that_user_only(&*new_store());
    concurrent_rotations_of_one_token_admit_exactly_one(&*new_store());
    one_time_ids_are_consumed_exactly_once(&*new_store());
    groups_and_memberships_follow_their_contract(&*new_store());
    deleting_a_user_drops_its_memberships_and_tokens(&*new_store());
    pools_are_versioned_listed_and_deleted_with_everything_under_them(&*new_store());
    clients_are_unique_across_pools_and_compare_and_swap(&*new_store());
    concurrent_pool_updates_of_one_version_admit_exactly_one(&*new_store());
    out_of_bounds_input_is_refused_and_nothing_is_written(&*new_store());
    the_largest_accepted_input_round_trips(&*new_store());
    users_are_found_by_attribute_prefix_in_username_order(&*new_store());
    a_code_and_the_change_it_confirms_are_one_step(&*new_store());
}

/// A user record for tests.
#[must_use]
pub fn sample_user(username: &str) -> UserRecord {
    let mut attributes = BTreeMap::new();
    attributes.insert("sub".to_owned(), format!("sub-{username}"));
    attributes.insert("email".to_owned(), format!("{username}@example.com"));
    let mut u = UserRecord::new(
        username.to_owned(),
        attributes,
        UserStatus::Unconfirmed,
        Timestamp::from_unix_seconds(1_700_000_000),
    );
    u.password_hash = Some("$argon2id$v=19$m=256,t=1,p=1$c2FsdA$aGFzaA".to_owned());
    u.version = 42;
    u
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
        destination: Some("alice@example.com".to_owned()),
        issued_at: Timestamp::from_unix_seconds(1_700_000_000),
        expires_at: Timestamp::from_unix_seconds(1_700_086_400),
        attempts: 0,
        window_started_at: Timestamp::from_unix_seconds(1_700_000_000),
        window_attempts: 0,
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
    let owner = s
        .find_user(POOL, "email:alice@example.com")
        .unwrap()
        .unwrap();
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
    let new_keys = vec![
        "username:alice".to_owned(),
        "email:new@example.com".to_owned(),
    ];
    s.update_user(POOL, &u, 1, &new_keys).unwrap();
    assert!(
        s.find_user(POOL, "email:alice@example.com")
            .unwrap()
            .is_none(),
        "a dropped key must be released"
    );
    assert_eq!(
        s.find_user(POOL, "email:new@example.com")
            .unwrap()
            .unwrap()
            .username,
        "alice"
    );
    // The released key is free for someone else.
    s.insert_user(
        POOL,
        &sample_user("bob"),
        &[
            "username:bob".to_owned(),
            "email:alice@example.com".to_owned(),
        ],
    )
    .unwrap();
}

/// An update that would take another user's key changes nothing.
pub fn update_refuses_a_key_owned_by_another_user(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.insert_user(POOL, &sample_user("bob"), &keys("bob"))
        .unwrap();
    let mut u = s.get_user(POOL, "alice").unwrap().unwrap();
    u.status = UserStatus::Confirmed;
    let err = s
        .update_user(
            POOL,
            &u,
            1,
            &[
                "username:alice".to_owned(),
                "email:bob@example.com".to_owned(),
            ],
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
        s.find_user(POOL, "email:alice@example.com")
            .unwrap()
            .unwrap()
            .username,
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
        s.get_code(POOL, "alice", CodePurpose::SignUp)
            .unwrap()
            .is_none(),
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
    assert_eq!(s.record_code_attempt(POOL, "alice", p, 1).unwrap(), Some(1));
    s.put_code(POOL, "alice", p, &sample_code(2)).unwrap();
    let got = s.get_code(POOL, "alice", p).unwrap().unwrap();
    assert_eq!(got.id, 2, "a put must replace the pending code");
    assert_eq!(got.attempts, 0);
    assert_eq!(
        s.record_code_attempt(POOL, "alice", p, 1).unwrap(),
        None,
        "an attempt aimed at a replaced code must not count"
    );
    assert_eq!(s.take_code(POOL, "alice", p, 1).unwrap(), None);
    assert_eq!(s.record_code_attempt(POOL, "alice", p, 2).unwrap(), Some(1));
    assert_eq!(
        s.get_code(POOL, "alice", p)
            .unwrap()
            .unwrap()
            .window_attempts,
        1,
        "an attempt must count in the window too"
    );
    let taken = s.take_code(POOL, "alice", p, 2).unwrap().unwrap();
    assert_eq!(taken.attempts, 1);
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
                let k = vec![
                    format!("username:{name}"),
                    "email:same@example.com".to_owned(),
                ];
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
    let owner = s
        .find_user(POOL, "email:same@example.com")
        .unwrap()
        .unwrap();
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
                s.record_code_attempt(POOL, "alice", CodePurpose::SignUp, 3)
                    .unwrap();
            });
        }
    });
    let c = s
        .get_code(POOL, "alice", CodePurpose::SignUp)
        .unwrap()
        .unwrap();
    assert_eq!(c.attempts as usize, THREADS);
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
                u.attributes
                    .insert("name".to_owned(), format!("writer {i}"));
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

fn sample_refresh(n: u8, username: &str, family: &str) -> RefreshTokenRecord {
    RefreshTokenRecord {
        digest: [n; 32],
        client_id: "client".to_owned(),
        username: username.to_owned(),
        sub: format!("sub-{username}"),
        origin_jti: family.to_owned(),
        event_id: format!("event-{family}"),
        auth_time: Timestamp::from_unix_seconds(1_700_000_000),
        issued_at: Timestamp::from_unix_seconds(1_700_000_000),
        expires_at: Timestamp::from_unix_seconds(1_702_592_000),
        replaced_at: None,
        revoked: false,
    }
}

/// A refresh token is found by digest; revoking its family marks its tokens
/// revoked and the family revoked under both its names.
pub fn refresh_tokens_are_found_by_digest_until_revoked(s: &dyn Store) {
    let t1 = sample_refresh(1, "alice", "fam-a");
    let t2 = sample_refresh(2, "alice", "fam-a");
    let t3 = sample_refresh(3, "alice", "fam-b");
    for t in [&t1, &t2, &t3] {
        s.put_refresh_token(POOL, t).unwrap();
    }
    assert!(matches!(
        s.put_refresh_token(POOL, &t1),
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(s.get_refresh_token(POOL, &[1; 32]).unwrap(), Some(t1));
    assert!(s.get_refresh_token(OTHER_POOL, &[1; 32]).unwrap().is_none());
    assert!(!s.is_family_revoked(POOL, "fam-a").unwrap());
    s.revoke_token_family(POOL, "fam-a").unwrap();
    assert!(s.is_family_revoked(POOL, "fam-a").unwrap());
    assert!(
        s.is_family_revoked(POOL, "event-fam-a").unwrap(),
        "a revoked family must be revoked by its event_id too"
    );
    for d in [[1u8; 32], [2; 32]] {
        assert!(
            s.get_refresh_token(POOL, &d).unwrap().unwrap().revoked,
            "a revoked family's tokens must be reported revoked"
        );
    }
    assert!(
        !s.get_refresh_token(POOL, &[3; 32])
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(!s.is_family_revoked(OTHER_POOL, "fam-a").unwrap());
}

/// Revoking a user's tokens revokes all their families and nobody else's.
pub fn user_sign_out_revokes_every_family_of_that_user_only(s: &dyn Store) {
    s.put_refresh_token(POOL, &sample_refresh(1, "alice", "fam-a"))
        .unwrap();
    s.put_refresh_token(POOL, &sample_refresh(2, "alice", "fam-b"))
        .unwrap();
    s.put_refresh_token(POOL, &sample_refresh(3, "bob", "fam-c"))
        .unwrap();
    s.revoke_user_tokens(POOL, "alice").unwrap();
    assert!(
        s.get_refresh_token(POOL, &[1; 32])
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(
        s.get_refresh_token(POOL, &[2; 32])
            .unwrap()
            .unwrap()
            .revoked
    );
    for id in ["fam-a", "fam-b", "event-fam-a", "event-fam-b"] {
        assert!(s.is_family_revoked(POOL, id).unwrap(), "{id}");
    }
    assert!(
        !s.get_refresh_token(POOL, &[3; 32])
            .unwrap()
            .unwrap()
            .revoked
    );
    assert!(!s.is_family_revoked(POOL, "fam-c").unwrap());
    assert!(!s.is_family_revoked(POOL, "event-fam-c").unwrap());
}

/// Of concurrent rotations of one refresh token, exactly one wins.
pub fn concurrent_rotations_of_one_token_admit_exactly_one(s: &dyn Store) {
    s.put_refresh_token(POOL, &sample_refresh(9, "alice", "fam"))
        .unwrap();
    let wins = AtomicUsize::new(0);
    let at = Timestamp::from_unix_seconds(1_700_000_100);
    std::thread::scope(|sc| {
        for _ in 0..THREADS {
            let wins = &wins;
            sc.spawn(move || {
                if s.mark_refresh_token_replaced(POOL, &[9; 32], at).unwrap() {
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    let r = s.get_refresh_token(POOL, &[9; 32]).unwrap().unwrap();
    assert_eq!(r.replaced_at, Some(at));
    assert_eq!(
        s.mark_refresh_token_replaced(POOL, &[8; 32], at),
        Err(StoreError::NotFound)
    );
}

/// A one-time id is accepted exactly once, even under concurrency, per pool.
pub fn one_time_ids_are_consumed_exactly_once(s: &dyn Store) {
    let exp = Timestamp::from_unix_seconds(1_700_000_180);
    let wins = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for _ in 0..THREADS {
            let wins = &wins;
            sc.spawn(move || {
                if s.consume_once(POOL, "session-1", exp).unwrap() {
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    assert!(s.consume_once(OTHER_POOL, "session-1", exp).unwrap());
    assert!(s.consume_once(POOL, "session-2", exp).unwrap());
}

fn group(name: &str, precedence: Option<u32>) -> GroupRecord {
    GroupRecord {
        name: name.to_owned(),
        description: Some(format!("{name} group")),
        role_arn: None,
        precedence,
        created_at: Timestamp::from_unix_seconds(1_700_000_000),
        modified_at: Timestamp::from_unix_seconds(1_700_000_000),
    }
}

/// Groups: unique names, ordered listing, idempotent membership, delete cascades.
pub fn groups_and_memberships_follow_their_contract(s: &dyn Store) {
    for g in ["readers", "admins", "writers"] {
        s.create_group(POOL, &group(g, None)).unwrap();
    }
    assert!(matches!(
        s.create_group(POOL, &group("admins", Some(1))),
        Err(StoreError::Conflict { .. })
    ));
    let names: Vec<String> = s
        .list_groups(POOL, None, 10)
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(names, ["admins", "readers", "writers"]);
    let page: Vec<String> = s
        .list_groups(POOL, Some("admins"), 1)
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(page, ["readers"]);
    assert!(s.list_groups(OTHER_POOL, None, 10).unwrap().is_empty());

    let mut updated = group("admins", Some(0));
    updated.role_arn = Some("arn:aws:iam::123456789012:role/Admin".to_owned());
    s.update_group(POOL, &updated).unwrap();
    assert_eq!(s.get_group(POOL, "admins").unwrap(), Some(updated));
    assert_eq!(
        s.update_group(POOL, &group("ghosts", None)),
        Err(StoreError::NotFound)
    );

    s.add_to_group(POOL, "admins", "alice").unwrap();
    s.add_to_group(POOL, "admins", "alice").unwrap();
    s.add_to_group(POOL, "readers", "alice").unwrap();
    s.add_to_group(POOL, "readers", "bob").unwrap();
    assert_eq!(
        s.add_to_group(POOL, "ghosts", "alice"),
        Err(StoreError::NotFound)
    );
    let of_alice: Vec<String> = s
        .groups_of_user(POOL, "alice")
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(of_alice, ["admins", "readers"]);
    assert_eq!(
        s.users_in_group(POOL, "readers", None, 10).unwrap(),
        ["alice", "bob"]
    );
    assert_eq!(
        s.users_in_group(POOL, "readers", Some("alice"), 10)
            .unwrap(),
        ["bob"]
    );
    s.remove_from_group(POOL, "readers", "alice").unwrap();
    s.remove_from_group(POOL, "readers", "alice").unwrap();
    assert_eq!(
        s.users_in_group(POOL, "readers", None, 10).unwrap(),
        ["bob"]
    );

    s.delete_group(POOL, "admins").unwrap();
    assert_eq!(s.delete_group(POOL, "admins"), Err(StoreError::NotFound));
    assert!(s.get_group(POOL, "admins").unwrap().is_none());
    s.create_group(POOL, &group("admins", None)).unwrap();
    assert!(
        s.users_in_group(POOL, "admins", None, 10)
            .unwrap()
            .is_empty(),
        "a re-created group must not inherit old members"
    );
}

/// Deleting a user drops its memberships and refresh tokens.
pub fn deleting_a_user_drops_its_memberships_and_tokens(s: &dyn Store) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.create_group(POOL, &group("admins", None)).unwrap();
    s.add_to_group(POOL, "admins", "alice").unwrap();
    s.put_refresh_token(POOL, &sample_refresh(1, "alice", "fam"))
        .unwrap();
    s.delete_user(POOL, "alice", 1).unwrap();
    assert!(s.groups_of_user(POOL, "alice").unwrap().is_empty());
    assert!(s.get_refresh_token(POOL, &[1; 32]).unwrap().is_none());
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    assert!(s.groups_of_user(POOL, "alice").unwrap().is_empty());
}

/// A pool record for tests.
#[must_use]
pub fn sample_pool(id: &str) -> PoolRecord {
    PoolRecord {
        id: id.to_owned(),
        definition: format!(r#"{{"PoolName":"{id}"}}"#),
        sealed_secrets: vec![1, 2, 3, 0, 255],
        sealing_key_id: "key-1".to_owned(),
        created_at: Timestamp::from_unix_seconds(1_700_000_000),
        modified_at: Timestamp::from_unix_seconds(1_700_000_001),
        version: 9,
    }
}

fn sample_client(id: &str, secret: bool) -> ClientRecord {
    ClientRecord {
        client_id: id.to_owned(),
        definition: format!(r#"{{"ClientName":"{id}"}}"#),
        sealed_secret: secret.then(|| vec![9, 8, 7, 0]),
        created_at: Timestamp::from_unix_seconds(1_700_000_000),
        modified_at: Timestamp::from_unix_seconds(1_700_000_002),
        version: 5,
    }
}

/// Pools: stored at version 1, compare-and-swap on update, listed in id
/// order, and deleting one removes everything stored under its id (and
/// nothing of another pool).
pub fn pools_are_versioned_listed_and_deleted_with_everything_under_them(s: &dyn Store) {
    let mut p = sample_pool(POOL);
    s.insert_pool(&p).unwrap();
    s.insert_pool(&sample_pool(OTHER_POOL)).unwrap();
    assert!(matches!(
        s.insert_pool(&sample_pool(POOL)),
        Err(StoreError::Conflict { .. })
    ));
    p.version = 1;
    assert_eq!(
        s.get_pool(POOL).unwrap(),
        Some(p.clone()),
        "insert sets version 1"
    );
    assert_eq!(s.get_pool("us-east-1_Missing").unwrap(), None);

    p.definition = r#"{"PoolName":"renamed"}"#.to_owned();
    p.sealing_key_id = "key-2".to_owned();
    assert_eq!(s.update_pool(&p, 7), Err(StoreError::VersionMismatch));
    s.update_pool(&p, 1).unwrap();
    p.version = 2;
    assert_eq!(s.get_pool(POOL).unwrap(), Some(p.clone()));
    let mut ghost = sample_pool("us-east-1_Ghost");
    ghost.version = 1;
    assert_eq!(s.update_pool(&ghost, 1), Err(StoreError::NotFound));

    let ids = |after: Option<&str>, limit| -> Vec<String> {
        s.list_pools(after, limit)
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    // Byte order: "eu-..." < "us-...".
    assert_eq!(ids(None, 10), [OTHER_POOL, POOL]);
    assert_eq!(ids(None, 1), [OTHER_POOL]);
    assert_eq!(ids(Some(OTHER_POOL), 10), [POOL]);
    assert!(ids(Some(POOL), 10).is_empty());

    // Fill both pools with one of everything, then delete one pool.
    for pool in [POOL, OTHER_POOL] {
        s.insert_user(pool, &sample_user("alice"), &keys("alice"))
            .unwrap();
        s.put_code(pool, "alice", CodePurpose::SignUp, &sample_code(1))
            .unwrap();
        s.put_refresh_token(pool, &sample_refresh(1, "alice", "fam"))
            .unwrap();
        s.revoke_token_family(pool, "fam").unwrap();
        assert!(
            s.consume_once(pool, "once", Timestamp::from_unix_seconds(1_800_000_000))
                .unwrap()
        );
        s.create_group(pool, &group("admins", None)).unwrap();
        s.add_to_group(pool, "admins", "alice").unwrap();
        let client = if pool == POOL { "client-a" } else { "client-b" };
        s.insert_client(pool, &sample_client(client, true)).unwrap();
    }
    s.delete_pool(POOL).unwrap();
    assert_eq!(s.delete_pool(POOL), Err(StoreError::NotFound));
    assert_eq!(s.get_pool(POOL).unwrap(), None);
    assert_eq!(s.get_user(POOL, "alice").unwrap(), None);
    assert_eq!(s.find_user(POOL, "username:alice").unwrap(), None);
    assert_eq!(
        s.get_code(POOL, "alice", CodePurpose::SignUp).unwrap(),
        None
    );
    assert_eq!(s.get_refresh_token(POOL, &[1; 32]).unwrap(), None);
    assert!(!s.is_family_revoked(POOL, "fam").unwrap());
    assert!(
        s.consume_once(POOL, "once", Timestamp::from_unix_seconds(1_800_000_000))
            .unwrap(),
        "a deleted pool's one-time ids are forgotten"
    );
    assert_eq!(s.get_group(POOL, "admins").unwrap(), None);
    assert!(s.groups_of_user(POOL, "alice").unwrap().is_empty());
    assert_eq!(s.get_client(POOL, "client-a").unwrap(), None);
    assert_eq!(s.find_client("client-a").unwrap(), None);
    assert!(s.list_clients(POOL, None, 10).unwrap().is_empty());
    // The other pool is untouched.
    assert!(s.get_pool(OTHER_POOL).unwrap().is_some());
    assert!(s.get_user(OTHER_POOL, "alice").unwrap().is_some());
    assert!(s.find_user(OTHER_POOL, "username:alice").unwrap().is_some());
    assert!(
        s.get_code(OTHER_POOL, "alice", CodePurpose::SignUp)
            .unwrap()
            .is_some()
    );
    assert!(s.get_refresh_token(OTHER_POOL, &[1; 32]).unwrap().is_some());
    assert!(s.is_family_revoked(OTHER_POOL, "fam").unwrap());
    assert_eq!(s.groups_of_user(OTHER_POOL, "alice").unwrap().len(), 1);
    assert_eq!(
        s.find_client("client-b").unwrap().map(|(pool, _)| pool),
        Some(OTHER_POOL.to_owned())
    );
}

/// Clients: ids unique across pools, found by id alone, compare-and-swap
/// on update, listed in id order. A pool without a stored record can have
/// clients (a pool built in code).
pub fn clients_are_unique_across_pools_and_compare_and_swap(s: &dyn Store) {
    for id in ["c2", "c1", "c3"] {
        s.insert_client(POOL, &sample_client(id, id == "c2"))
            .unwrap();
    }
    assert!(
        matches!(
            s.insert_client(OTHER_POOL, &sample_client("c1", false)),
            Err(StoreError::Conflict { .. })
        ),
        "client ids are unique across pools"
    );
    let mut c2 = sample_client("c2", true);
    c2.version = 1;
    assert_eq!(s.get_client(POOL, "c2").unwrap(), Some(c2.clone()));
    assert_eq!(s.get_client(OTHER_POOL, "c2").unwrap(), None);
    assert_eq!(
        s.find_client("c2").unwrap(),
        Some((POOL.to_owned(), c2.clone()))
    );
    assert_eq!(s.find_client("nope").unwrap(), None);

    c2.definition = r#"{"ClientName":"renamed"}"#.to_owned();
    c2.sealed_secret = None;
    assert_eq!(
        s.update_client(POOL, &c2, 3),
        Err(StoreError::VersionMismatch)
    );
    assert_eq!(
        s.update_client(OTHER_POOL, &c2, 1),
        Err(StoreError::NotFound),
        "a client is updated only in its own pool"
    );
    s.update_client(POOL, &c2, 1).unwrap();
    c2.version = 2;
    assert_eq!(s.get_client(POOL, "c2").unwrap(), Some(c2));

    let ids = |after: Option<&str>, limit| -> Vec<String> {
        s.list_clients(POOL, after, limit)
            .unwrap()
            .into_iter()
            .map(|c| c.client_id)
            .collect()
    };
    assert_eq!(ids(None, 10), ["c1", "c2", "c3"]);
    assert_eq!(ids(Some("c1"), 1), ["c2"]);
    assert!(s.list_clients(OTHER_POOL, None, 10).unwrap().is_empty());

    assert_eq!(s.delete_client(OTHER_POOL, "c1"), Err(StoreError::NotFound));
    s.delete_client(POOL, "c1").unwrap();
    assert_eq!(s.delete_client(POOL, "c1"), Err(StoreError::NotFound));
    assert_eq!(s.find_client("c1").unwrap(), None);
    // Its id is free again.
    s.insert_client(OTHER_POOL, &sample_client("c1", false))
        .unwrap();
}

/// Of concurrent updates of one pool version, exactly one wins.
pub fn concurrent_pool_updates_of_one_version_admit_exactly_one(s: &dyn Store) {
    s.insert_pool(&sample_pool(POOL)).unwrap();
    let wins = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for i in 0..8 {
            let wins = &wins;
            scope.spawn(move || {
                let mut p = sample_pool(POOL);
                p.definition = format!(r#"{{"PoolName":"writer-{i}"}}"#);
                match s.update_pool(&p, 1) {
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
    assert_eq!(s.get_pool(POOL).unwrap().unwrap().version, 2);
}

fn assert_invalid<T: std::fmt::Debug>(what: &str, r: Result<T, StoreError>) {
    assert!(
        matches!(r, Err(StoreError::InvalidInput(_))),
        "{what}: expected InvalidInput, got {r:?}"
    );
}

/// Keys longer than `MAX_KEY_BYTES` or containing NUL, and values longer
/// than `MAX_VALUE_BYTES`, are `InvalidInput` in every store, and the
/// refused write leaves nothing behind.
pub fn out_of_bounds_input_is_refused_and_nothing_is_written(s: &dyn Store) {
    let long_key = "k".repeat(MAX_KEY_BYTES + 1);
    let huge = "v".repeat(MAX_VALUE_BYTES + 1);

    let mut u = sample_user("alice");
    u.username = long_key.clone();
    assert_invalid("long username", s.insert_user(POOL, &u, &[]));
    u.username = "al\0ice".to_owned();
    assert_invalid("NUL in username", s.insert_user(POOL, &u, &[]));
    let u = sample_user("alice");
    assert_invalid(
        "long index key",
        s.insert_user(POOL, &u, &["username:alice".to_owned(), long_key.clone()]),
    );
    assert_invalid(
        "NUL in index key",
        s.insert_user(POOL, &u, &["email:a\0@b".to_owned()]),
    );
    assert_invalid("long pool id", s.insert_user(&long_key, &u, &[]));
    let mut big = sample_user("alice");
    big.attributes
        .insert("custom:blob".to_owned(), huge.clone());
    assert_invalid("huge attributes", s.insert_user(POOL, &big, &keys("alice")));
    assert_eq!(s.get_user(POOL, "alice").unwrap(), None, "nothing stored");
    assert_eq!(s.find_user(POOL, "username:alice").unwrap(), None);
    assert!(s.list_users(POOL, None, 10).unwrap().is_empty());

    // Updates are refused whole too.
    s.insert_user(POOL, &u, &keys("alice")).unwrap();
    assert_invalid(
        "huge attributes on update",
        s.update_user(POOL, &big, 1, &keys("alice")),
    );
    assert_invalid(
        "NUL key on update",
        s.update_user(POOL, &u, 1, &["x\0".to_owned()]),
    );
    let stored = s.get_user(POOL, "alice").unwrap().unwrap();
    assert_eq!(stored.version, 1, "a refused update changes nothing");
    assert_eq!(stored.attributes, u.attributes);
    assert!(
        s.find_user(POOL, "email:alice@example.com")
            .unwrap()
            .is_some()
    );

    let mut code = sample_code(1);
    code.destination = Some(long_key.clone());
    assert_invalid(
        "long code destination",
        s.put_code(POOL, "alice", CodePurpose::SignUp, &code),
    );
    assert_eq!(
        s.get_code(POOL, "alice", CodePurpose::SignUp).unwrap(),
        None
    );

    let mut t = sample_refresh(1, "alice", "fam");
    t.origin_jti = long_key.clone();
    assert_invalid("long origin_jti", s.put_refresh_token(POOL, &t));
    assert_eq!(s.get_refresh_token(POOL, &[1; 32]).unwrap(), None);
    assert_invalid(
        "NUL in one-time id",
        s.consume_once(POOL, "a\0b", Timestamp::from_unix_seconds(1)),
    );

    let mut g = group("admins", None);
    g.description = Some(huge.clone());
    assert_invalid("huge group description", s.create_group(POOL, &g));
    assert_eq!(s.get_group(POOL, "admins").unwrap(), None);
    assert_invalid(
        "long group name",
        s.create_group(POOL, &group(&long_key, None)),
    );

    let mut p = sample_pool(POOL);
    p.definition = huge.clone();
    assert_invalid("huge pool definition", s.insert_pool(&p));
    assert_eq!(s.get_pool(POOL).unwrap(), None);
    s.insert_pool(&sample_pool(POOL)).unwrap();
    assert_invalid("huge pool definition on update", s.update_pool(&p, 1));
    assert_eq!(s.get_pool(POOL).unwrap().unwrap().version, 1);
    let mut c = sample_client("c1", true);
    c.client_id = "c\0x".to_owned();
    assert_invalid("NUL in client id", s.insert_client(POOL, &c));
    let mut c = sample_client("c1", true);
    c.sealed_secret = Some(vec![0; MAX_VALUE_BYTES + 1]);
    assert_invalid("huge sealed client secret", s.insert_client(POOL, &c));
    assert!(s.list_clients(POOL, None, 10).unwrap().is_empty());
}

/// Keys of exactly `MAX_KEY_BYTES` (multi-byte characters included) and
/// attributes close to `MAX_VALUE_BYTES` are stored and read back exactly.
pub fn the_largest_accepted_input_round_trips(s: &dyn Store) {
    // 4-byte characters: the limit is in bytes, not characters.
    let name = "\u{1F600}".repeat(MAX_KEY_BYTES / 4);
    assert_eq!(name.len(), MAX_KEY_BYTES);
    let mut u = sample_user(&name);
    u.attributes.insert(
        "custom:blob".to_owned(),
        "é\"\\\n".repeat(MAX_VALUE_BYTES / 8),
    );
    let key = format!("username:{}", &name[..MAX_KEY_BYTES - 12]);
    s.insert_user(POOL, &u, std::slice::from_ref(&key)).unwrap();
    let got = s.get_user(POOL, &name).unwrap().expect("stored");
    assert_eq!(got.username, name);
    assert_eq!(got.attributes, u.attributes);
    assert_eq!(
        s.find_user(POOL, &key).unwrap().map(|u| u.username),
        Some(name)
    );
}

/// `list_users_by_attribute_prefix`: byte-wise, case-sensitive prefixes of
/// one attribute, users without it never listed, pages in username order.
pub fn users_are_found_by_attribute_prefix_in_username_order(s: &dyn Store) {
    // Usernames in the opposite order of their emails, so an answer in
    // attribute order is caught.
    let people: [(&str, Option<&str>); 9] = [
        ("u9", Some("ali@example.com")),
        ("u8", Some("alice@example.com")),
        ("u7", Some("ALI@example.com")),
        ("u6", Some("bob@example.com")),
        ("u5", None),
        ("u4", Some("ali\u{10FFFF}z")),
        ("u3", Some("alj")),
        ("u2", Some("été@example.com")),
        ("u1", Some("al")),
    ];
    for (name, email) in people {
        let mut u = sample_user(name);
        u.attributes.remove("email");
        if let Some(e) = email {
            u.attributes.insert("email".to_owned(), e.to_owned());
        }
        u.attributes
            .insert("custom:team".to_owned(), format!("team-{name}"));
        s.insert_user(POOL, &u, &[format!("username:{name}")])
            .unwrap();
    }
    let mut other = sample_user("u0");
    other
        .attributes
        .insert("email".to_owned(), "ali@other.example".to_owned());
    s.insert_user(OTHER_POOL, &other, &[]).unwrap();

    let find = |attribute: &str, prefix: &str, after: Option<&str>, limit| -> Vec<String> {
        s.list_users_by_attribute_prefix(POOL, attribute, prefix, after, limit)
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect()
    };
    assert_eq!(find("email", "ali", None, 10), ["u4", "u8", "u9"]);
    assert_eq!(find("email", "ali", Some("u4"), 10), ["u8", "u9"]);
    assert_eq!(find("email", "ali", Some("u8"), 10), ["u9"]);
    assert_eq!(find("email", "ali", None, 2), ["u4", "u8"]);
    assert_eq!(find("email", "ali@", None, 10), ["u9"]);
    assert_eq!(
        find("email", "al", None, 10),
        ["u1", "u3", "u4", "u8", "u9"]
    );
    assert_eq!(find("email", "ALI", None, 10), ["u7"], "case-sensitive");
    assert_eq!(find("email", "é", None, 10), ["u2"]);
    assert_eq!(find("email", "ali\u{10FFFF}", None, 10), ["u4"]);
    assert_eq!(
        find("email", "", None, 10),
        ["u1", "u2", "u3", "u4", "u6", "u7", "u8", "u9"],
        "an empty prefix lists every user with the attribute"
    );
    assert!(find("email", "zed", None, 10).is_empty());
    assert!(find("given_name", "", None, 10).is_empty());
    assert_eq!(find("custom:team", "team-u3", None, 10), ["u3"]);
    assert_eq!(find("sub", "sub-u6", None, 10), ["u6"]);
    // Changes are seen at once.
    let mut u3 = s.get_user(POOL, "u3").unwrap().unwrap();
    u3.attributes
        .insert("email".to_owned(), "alien@example.com".to_owned());
    s.update_user(POOL, &u3, 1, &["username:u3".to_owned()])
        .unwrap();
    assert_eq!(find("email", "ali", None, 10), ["u3", "u4", "u8", "u9"]);
    s.delete_user(POOL, "u9", 1).unwrap();
    assert_eq!(find("email", "ali", None, 10), ["u3", "u4", "u8"]);
}

/// `update_user_taking_code`: the user written and the code taken together,
/// or neither; of concurrent uses of one code exactly one succeeds.
pub fn a_code_and_the_change_it_confirms_are_one_step(s: &dyn Store) {
    let alice = sample_user("alice");
    s.insert_user(POOL, &alice, &keys("alice")).unwrap();
    s.insert_user(POOL, &sample_user("bob"), &keys("bob"))
        .unwrap();
    s.put_code(POOL, "alice", CodePurpose::ForgotPassword, &sample_code(7))
        .unwrap();
    let mut next = alice.clone();
    next.password_hash = Some("$argon2id$new".to_owned());
    let pending = || {
        s.get_code(POOL, "alice", CodePurpose::ForgotPassword)
            .unwrap()
            .map(|c| c.id)
    };
    let stored = || s.get_user(POOL, "alice").unwrap().unwrap();

    // Another code id, another purpose: nothing happens.
    assert_eq!(
        s.update_user_taking_code(
            POOL,
            &next,
            1,
            &keys("alice"),
            CodePurpose::ForgotPassword,
            8
        ),
        Ok(false)
    );
    assert_eq!(
        s.update_user_taking_code(POOL, &next, 1, &keys("alice"), CodePurpose::SignUp, 7),
        Ok(false)
    );
    assert_eq!(stored().version, 1);
    assert_eq!(pending(), Some(7));
    // A failed write leaves the code pending.
    assert_eq!(
        s.update_user_taking_code(
            POOL,
            &next,
            5,
            &keys("alice"),
            CodePurpose::ForgotPassword,
            7
        ),
        Err(StoreError::VersionMismatch)
    );
    let taken_key = vec![
        "username:alice".to_owned(),
        "email:bob@example.com".to_owned(),
    ];
    assert!(matches!(
        s.update_user_taking_code(POOL, &next, 1, &taken_key, CodePurpose::ForgotPassword, 7),
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(pending(), Some(7), "the code survives a failed write");
    assert_eq!(stored().password_hash, alice.password_hash);
    assert_eq!(
        s.find_user(POOL, "email:alice@example.com")
            .unwrap()
            .map(|u| u.username),
        Some("alice".to_owned()),
        "the keys are untouched"
    );
    // Together.
    assert_eq!(
        s.update_user_taking_code(
            POOL,
            &next,
            1,
            &keys("alice"),
            CodePurpose::ForgotPassword,
            7
        ),
        Ok(true)
    );
    assert_eq!(stored().version, 2);
    assert_eq!(stored().password_hash, next.password_hash);
    assert_eq!(pending(), None);
    assert_eq!(
        s.update_user_taking_code(
            POOL,
            &next,
            2,
            &keys("alice"),
            CodePurpose::ForgotPassword,
            7
        ),
        Ok(false),
        "a code works once"
    );

    // Concurrent uses of one code, each from the version it read.
    s.put_code(POOL, "alice", CodePurpose::ForgotPassword, &sample_code(9))
        .unwrap();
    let wins = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for i in 0..8 {
            let (wins, next) = (&wins, &next);
            scope.spawn(move || {
                let mut mine = next.clone();
                mine.password_hash = Some(format!("$argon2id${i}"));
                match s.update_user_taking_code(
                    POOL,
                    &mine,
                    2,
                    &keys("alice"),
                    CodePurpose::ForgotPassword,
                    9,
                ) {
                    Ok(true) => {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(false) | Err(StoreError::VersionMismatch) => {}
                    Err(e) => panic!("unexpected {e:?}"),
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    assert_eq!(stored().version, 3);
    assert_eq!(pending(), None);
}
