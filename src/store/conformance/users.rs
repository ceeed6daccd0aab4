//! Users and their index keys: unique keys, compare-and-swap updates,
//! deletes, listings, attribute prefix searches.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{OTHER_POOL, POOL, THREADS, email, keys, sample_code, sample_user, username};
use crate::store::{CodePurpose, ConflictKey, IndexKey, Store, StoreError, UserStatus};

/// Insert stores the record at version 1, findable by username and every key.
pub fn insert_then_read_by_username_and_every_key(s: &Arc<dyn Store>) {
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
    assert!(s.find_user(POOL, &email("nobody")).unwrap().is_none());
}

/// A taken username or key is a conflict, and the failed insert leaves no trace.
pub fn insert_refuses_a_taken_username_or_key_and_stores_nothing(s: &Arc<dyn Store>) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    // Same username, fresh keys.
    let err = s
        .insert_user(
            POOL,
            &sample_user("alice"),
            &[IndexKey::Sub("fresh".to_owned())],
        )
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict(ConflictKey::Username),
        "a taken username is reported as the record's own username"
    );
    assert!(
        s.find_user(POOL, &IndexKey::Sub("fresh".to_owned()))
            .unwrap()
            .is_none(),
        "a refused insert must index nothing"
    );
    // New username, one taken key among fresh ones.
    let err = s
        .insert_user(
            POOL,
            &sample_user("mallory"),
            &[username("mallory"), email("alice@example.com")],
        )
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict(ConflictKey::Index(email("alice@example.com")))
    );
    assert!(s.get_user(POOL, "mallory").unwrap().is_none());
    assert!(s.find_user(POOL, &username("mallory")).unwrap().is_none());
    let owner = s
        .find_user(POOL, &email("alice@example.com"))
        .unwrap()
        .unwrap();
    assert_eq!(owner.username, "alice");
    // Another exact username whose username key is taken: a conflict on
    // that index key, not on the record.
    let err = s
        .insert_user(POOL, &sample_user("Alice"), &[username("alice")])
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict(ConflictKey::Index(username("alice")))
    );
    assert!(s.get_user(POOL, "Alice").unwrap().is_none());
}

/// Updates succeed only at the version read, and bump it by one.
pub fn update_is_a_compare_and_swap_on_version(s: &Arc<dyn Store>) {
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
pub fn update_replaces_index_keys_atomically(s: &Arc<dyn Store>) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    let u = s.get_user(POOL, "alice").unwrap().unwrap();
    let new_keys = vec![username("alice"), email("new@example.com")];
    s.update_user(POOL, &u, 1, &new_keys).unwrap();
    assert!(
        s.find_user(POOL, &email("alice@example.com"))
            .unwrap()
            .is_none(),
        "a dropped key must be released"
    );
    assert_eq!(
        s.find_user(POOL, &email("new@example.com"))
            .unwrap()
            .unwrap()
            .username,
        "alice"
    );
    // The released key is free for someone else.
    s.insert_user(
        POOL,
        &sample_user("bob"),
        &[username("bob"), email("alice@example.com")],
    )
    .unwrap();
}

/// An update that would take another user's key changes nothing.
pub fn update_refuses_a_key_owned_by_another_user(s: &Arc<dyn Store>) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.insert_user(POOL, &sample_user("bob"), &keys("bob"))
        .unwrap();
    let mut u = s.get_user(POOL, "alice").unwrap().unwrap();
    u.status = UserStatus::Confirmed;
    let err = s
        .update_user(POOL, &u, 1, &[username("alice"), email("bob@example.com")])
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict(ConflictKey::Index(email("bob@example.com")))
    );
    let got = s.get_user(POOL, "alice").unwrap().unwrap();
    assert_eq!(got.version, 1, "a refused update must not bump the version");
    assert_eq!(got.status, UserStatus::Unconfirmed);
    assert_eq!(
        s.find_user(POOL, &email("alice@example.com"))
            .unwrap()
            .unwrap()
            .username,
        "alice",
        "a refused update must keep the old keys"
    );
}

/// Delete is versioned and takes the keys and codes with it.
pub fn delete_removes_the_user_its_keys_and_its_codes(s: &Arc<dyn Store>) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.put_code(
        POOL,
        "alice",
        "sub-alice",
        CodePurpose::SignUp,
        &sample_code(7),
    )
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
pub fn list_pages_in_username_order_without_gaps(s: &Arc<dyn Store>) {
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
pub fn pools_are_isolated(s: &Arc<dyn Store>) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.insert_user(OTHER_POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.put_code(
        POOL,
        "alice",
        "sub-alice",
        CodePurpose::SignUp,
        &sample_code(1),
    )
    .unwrap();
    assert!(
        s.get_code(OTHER_POOL, "alice", CodePurpose::SignUp)
            .unwrap()
            .is_none()
    );
    assert_eq!(s.list_users(OTHER_POOL, None, 10).unwrap().len(), 1);
    s.delete_user(OTHER_POOL, "alice", 1).unwrap();
    assert!(s.get_user(POOL, "alice").unwrap().is_some());
    assert!(s.find_user(POOL, &username("alice")).unwrap().is_some());
}

/// Many threads insert users that share one email key: exactly one wins.
pub fn concurrent_inserts_of_one_key_admit_exactly_one(s: &Arc<dyn Store>) {
    let wins = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for i in 0..THREADS {
            let wins = &wins;
            sc.spawn(move || {
                let name = format!("user{i}");
                let k = vec![username(&name), email("same@example.com")];
                match s.insert_user(POOL, &sample_user(&name), &k) {
                    Ok(()) => {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(StoreError::Conflict(key)) => {
                        assert_eq!(key, ConflictKey::Index(email("same@example.com")));
                    }
                    Err(e) => panic!("unexpected {e:?}"),
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    let all = s.list_users(POOL, None, 100).unwrap();
    assert_eq!(all.len(), 1, "losers must leave no record");
    let owner = s
        .find_user(POOL, &email("same@example.com"))
        .unwrap()
        .unwrap();
    assert_eq!(owner.username, all[0].username);
}

/// Many threads update from the same version: exactly one succeeds.
pub fn concurrent_updates_of_one_version_admit_exactly_one(s: &Arc<dyn Store>) {
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

/// `list_users_by_attribute_prefix`: byte-wise, case-sensitive prefixes of
/// one attribute, users without it never listed, pages in username order.
pub fn users_are_found_by_attribute_prefix_in_username_order(s: &Arc<dyn Store>) {
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
        s.insert_user(POOL, &u, &[username(name)]).unwrap();
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
    s.update_user(POOL, &u3, 1, &[username("u3")]).unwrap();
    assert_eq!(find("email", "ali", None, 10), ["u3", "u4", "u8", "u9"]);
    s.delete_user(POOL, "u9", 1).unwrap();
    assert_eq!(find("email", "ali", None, 10), ["u3", "u4", "u8"]);
}

/// A fully populated [`UserMfa`](crate::store::UserMfa): every factor,
/// both software tokens (secrets holding NUL and high bytes), the largest
/// step; the state a TOTP verification writes.
fn full_mfa() -> crate::store::UserMfa {
    use crate::config::MfaFactor;
    use crate::store::{PendingSoftwareToken, SoftwareToken, UserMfa};
    UserMfa {
        enabled: vec![MfaFactor::Sms, MfaFactor::SoftwareToken, MfaFactor::Email],
        preferred: Some(MfaFactor::Email),
        software_token: Some(SoftwareToken {
            sealed_secret: vec![0, 0xff, 7, 0, 42],
            friendly_name: Some("Pixel 8 — travail".to_owned()),
            last_used_step: Some(u64::MAX),
            verified_at: crate::clock::Timestamp::from_unix_millis(1_700_000_000_123),
        }),
        pending_software_token: Some(PendingSoftwareToken {
            sealed_secret: (0..=255).collect(),
            created_at: crate::clock::Timestamp::from_unix_millis(-1),
        }),
        setup_grace: true,
    }
}

/// A user's MFA state round-trips through insert and update, and a
/// default state reads back as the default.
pub fn mfa_state_round_trips(s: &Arc<dyn Store>) {
    let mut u = sample_user("alice");
    u.mfa = full_mfa();
    s.insert_user(POOL, &u, &keys("alice")).unwrap();
    let got = s.get_user(POOL, "alice").unwrap().expect("inserted user");
    assert_eq!(got.mfa, full_mfa(), "insert must keep the MFA state");
    let by_key = s.find_user(POOL, &email("alice@example.com")).unwrap();
    assert_eq!(by_key.expect("by key").mfa, full_mfa());

    // Cleared by an update: back to the default.
    let mut cleared = got.clone();
    cleared.mfa = crate::store::UserMfa::default();
    s.update_user(POOL, &cleared, got.version, &keys("alice"))
        .unwrap();
    let got = s.get_user(POOL, "alice").unwrap().unwrap();
    assert_eq!(got.mfa, crate::store::UserMfa::default());

    // And set again by an update.
    let mut again = got.clone();
    again.mfa = full_mfa();
    again.mfa.pending_software_token = None;
    s.update_user(POOL, &again, got.version, &keys("alice"))
        .unwrap();
    let got = s.get_user(POOL, "alice").unwrap().unwrap();
    assert_eq!(got.mfa, again.mfa, "update must keep the MFA state");
    let listed = s.list_users(POOL, None, 10).unwrap();
    assert_eq!(listed[0].mfa, again.mfa, "listing reads the MFA state");

    // A user inserted without MFA reads back with the default state.
    s.insert_user(POOL, &sample_user("bob"), &keys("bob"))
        .unwrap();
    let bob = s.get_user(POOL, "bob").unwrap().unwrap();
    assert_eq!(bob.mfa, crate::store::UserMfa::default());
}

/// Concurrent verifications of one TOTP code: every verifier read the
/// same user and records the code's step as used with a compare-and-swap
/// at the version it read, so exactly one succeeds (the code is accepted
/// once) and the others get `VersionMismatch`.
pub fn concurrent_verifications_of_one_totp_code_admit_exactly_one(s: &Arc<dyn Store>) {
    let mut u = sample_user("alice");
    u.mfa = full_mfa();
    if let Some(t) = u.mfa.software_token.as_mut() {
        t.last_used_step = Some(56_666_665);
    }
    s.insert_user(POOL, &u, &keys("alice")).unwrap();
    let read = s.get_user(POOL, "alice").unwrap().unwrap();
    let step = 56_666_666_u64;
    let wins = AtomicUsize::new(0);
    let mismatches = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for _ in 0..THREADS {
            let (wins, mismatches, read) = (&wins, &mismatches, &read);
            sc.spawn(move || {
                let mut mine = read.clone();
                let token = mine.mfa.software_token.as_mut().expect("a software token");
                assert!(token.last_used_step < Some(step), "not a replay when read");
                token.last_used_step = Some(step);
                match s.update_user(POOL, &mine, read.version, &keys("alice")) {
                    Ok(()) => {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(StoreError::VersionMismatch) => {
                        mismatches.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(e) => panic!("unexpected {e:?}"),
                }
            });
        }
    });
    assert_eq!(
        wins.load(Ordering::SeqCst),
        1,
        "exactly one verification wins"
    );
    assert_eq!(mismatches.load(Ordering::SeqCst), THREADS - 1);
    let got = s.get_user(POOL, "alice").unwrap().unwrap();
    assert_eq!(got.version, read.version + 1);
    assert_eq!(
        got.mfa.software_token.and_then(|t| t.last_used_step),
        Some(step),
        "the winner's step is stored: the code is now a replay"
    );
}
