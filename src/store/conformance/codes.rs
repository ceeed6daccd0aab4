//! Pending codes: stored only for a user that exists, gone with it,
//! replaced by a new one, attempts counted, taken once, and taken together
//! with the change they confirm.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{OTHER_POOL, POOL, THREADS, email, keys, sample_code, sample_user, username};
use crate::store::{CodePurpose, ConflictKey, Store, StoreError};

/// Codes: a put replaces, failures count only against the current id, a take works once.
pub fn codes_are_replaced_counted_and_taken_once(s: &Arc<dyn Store>) {
    let p = CodePurpose::SignUp;
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.put_code(POOL, "alice", "sub-alice", p, &sample_code(1))
        .unwrap();
    s.put_code(
        POOL,
        "alice",
        "sub-alice",
        CodePurpose::ForgotPassword,
        &sample_code(5),
    )
    .unwrap();
    assert_eq!(s.record_code_attempt(POOL, "alice", p, 1).unwrap(), Some(1));
    s.put_code(POOL, "alice", "sub-alice", p, &sample_code(2))
        .unwrap();
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

/// Many threads take one code: exactly one gets it.
pub fn concurrent_takes_of_one_code_admit_exactly_one(s: &Arc<dyn Store>) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.put_code(
        POOL,
        "alice",
        "sub-alice",
        CodePurpose::SignUp,
        &sample_code(9),
    )
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
pub fn concurrent_failures_are_all_counted(s: &Arc<dyn Store>) {
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.put_code(
        POOL,
        "alice",
        "sub-alice",
        CodePurpose::SignUp,
        &sample_code(3),
    )
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

/// `update_user_taking_code`: the user written and the code taken together,
/// or neither; of concurrent uses of one code exactly one succeeds.
pub fn a_code_and_the_change_it_confirms_are_one_step(s: &Arc<dyn Store>) {
    let alice = sample_user("alice");
    s.insert_user(POOL, &alice, &keys("alice")).unwrap();
    s.insert_user(POOL, &sample_user("bob"), &keys("bob"))
        .unwrap();
    s.put_code(
        POOL,
        "alice",
        "sub-alice",
        CodePurpose::ForgotPassword,
        &sample_code(7),
    )
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
    let taken_key = vec![username("alice"), email("bob@example.com")];
    assert_eq!(
        s.update_user_taking_code(POOL, &next, 1, &taken_key, CodePurpose::ForgotPassword, 7),
        Err(StoreError::Conflict(ConflictKey::Index(email(
            "bob@example.com"
        ))))
    );
    assert_eq!(pending(), Some(7), "the code survives a failed write");
    assert_eq!(stored().password_hash, alice.password_hash);
    assert_eq!(
        s.find_user(POOL, &email("alice@example.com"))
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
    s.put_code(
        POOL,
        "alice",
        "sub-alice",
        CodePurpose::ForgotPassword,
        &sample_code(9),
    )
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

/// `put_code` stores nothing, and says `NotFound`, unless the user exists
/// in that pool with exactly that `sub`; a user without a `sub` gets no
/// code either.
pub fn a_code_for_an_absent_user_or_another_sub_is_refused_and_nothing_is_stored(
    s: &Arc<dyn Store>,
) {
    let p = CodePurpose::SignUp;
    let refused = |pool: &str, name: &str, sub: &str| {
        assert_eq!(
            s.put_code(pool, name, sub, p, &sample_code(1)),
            Err(StoreError::NotFound),
            "a code for {name} ({sub}) in {pool}"
        );
        assert_eq!(s.get_code(pool, name, p).unwrap(), None, "nothing stored");
    };
    refused(POOL, "nobody", "sub-nobody");
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    refused(POOL, "alice", "sub-bob");
    refused(POOL, "alice", "");
    refused(POOL, "alice", "sub-alic");
    refused(OTHER_POOL, "alice", "sub-alice");
    refused(POOL, "Alice", "sub-alice");

    // Compared exactly, whatever the sub holds (JSON escapes included).
    let odd = "sub \\u0000 \u{1} \"é\" \\";
    let mut carol = sample_user("carol");
    carol.attributes.insert("sub".to_owned(), odd.to_owned());
    s.insert_user(POOL, &carol, &keys("carol")).unwrap();
    refused(POOL, "carol", "sub \\u0001 \u{1} \"é\" \\");
    refused(POOL, "carol", "sub \\u0000 \u{2} \"é\" \\");
    refused(POOL, "carol", "sub-carol");
    let mut dave = sample_user("dave");
    dave.attributes.remove("sub");
    s.insert_user(POOL, &dave, &keys("dave")).unwrap();
    refused(POOL, "dave", "");
    refused(POOL, "dave", "sub-dave");

    s.put_code(POOL, "carol", odd, p, &sample_code(2)).unwrap();
    s.put_code(POOL, "alice", "sub-alice", p, &sample_code(3))
        .unwrap();
    assert_eq!(s.get_code(POOL, "carol", p).unwrap(), Some(sample_code(2)));
    assert_eq!(s.get_code(POOL, "alice", p).unwrap(), Some(sample_code(3)));
}

/// A code stored for a user goes with the user, and once the user is
/// deleted no code can be stored for it, nor with its `sub` for a later
/// user of the same name.
pub fn a_code_put_then_its_user_deleted_leaves_no_code(s: &Arc<dyn Store>) {
    let p = CodePurpose::ForgotPassword;
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    s.put_code(POOL, "alice", "sub-alice", p, &sample_code(1))
        .unwrap();
    s.delete_user(POOL, "alice", 1).unwrap();
    assert_eq!(s.get_code(POOL, "alice", p).unwrap(), None);
    assert_eq!(
        s.put_code(POOL, "alice", "sub-alice", p, &sample_code(2)),
        Err(StoreError::NotFound),
        "no code for a deleted user"
    );
    let mut next = sample_user("alice");
    next.attributes
        .insert("sub".to_owned(), "sub-alice-2".to_owned());
    s.insert_user(POOL, &next, &keys("alice")).unwrap();
    assert_eq!(
        s.put_code(POOL, "alice", "sub-alice", p, &sample_code(3)),
        Err(StoreError::NotFound),
        "a code for the deleted user is not one for the next user of its name"
    );
    assert_eq!(s.get_code(POOL, "alice", p).unwrap(), None);
    s.put_code(POOL, "alice", "sub-alice-2", p, &sample_code(4))
        .unwrap();
    assert_eq!(s.get_code(POOL, "alice", p).unwrap().map(|c| c.id), Some(4));
}

/// Threads put codes while others delete users and create them again
/// under the same names with another `sub`: at the end no code is left
/// whose user does not exist, and every code left was put for the `sub`
/// of the user that exists.
pub fn racing_code_puts_and_user_deletes_leave_no_code_without_its_user(s: &Arc<dyn Store>) {
    const NAMES: [&str; 4] = ["u0", "u1", "u2", "u3"];
    const GENERATIONS: u64 = 10;
    const PUTS: u64 = 40;
    let p = CodePurpose::SignUp;
    // Generation `g` of user `name` has the sub `name/g`; its codes have id `g`.
    let sub = |name: &str, g: u64| format!("{name}/{g}");
    let generation = |name: &str, g: u64| {
        let mut u = sample_user(name);
        u.attributes.insert("sub".to_owned(), sub(name, g));
        u
    };
    for name in NAMES {
        s.insert_user(POOL, &generation(name, 0), &keys(name))
            .unwrap();
    }
    let stored = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for (i, name) in NAMES.into_iter().enumerate() {
            let generation = &generation;
            scope.spawn(move || {
                for g in 1..=GENERATIONS {
                    let current = s.get_user(POOL, name).unwrap().unwrap();
                    s.delete_user(POOL, name, current.version).unwrap();
                    // The odd names end deleted.
                    if g < GENERATIONS || i % 2 == 0 {
                        s.insert_user(POOL, &generation(name, g), &keys(name))
                            .unwrap();
                    }
                }
            });
        }
        for t in 0..THREADS {
            let (stored, sub) = (&stored, &sub);
            scope.spawn(move || {
                for n in 0..PUTS {
                    let name = NAMES[(t + n as usize) % NAMES.len()];
                    // The sub just read, or a stale one.
                    let g = match s.get_user(POOL, name).unwrap() {
                        Some(u) => u.sub().rsplit('/').next().unwrap().parse().unwrap(),
                        None => GENERATIONS,
                    };
                    let g = if n % 3 == 0 { g.saturating_sub(1) } else { g };
                    match s.put_code(POOL, name, &sub(name, g), p, &sample_code(g)) {
                        Ok(()) => {
                            stored.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(StoreError::NotFound) => {}
                        Err(e) => panic!("unexpected {e:?}"),
                    }
                }
            });
        }
    });
    assert!(stored.load(Ordering::SeqCst) > 0, "no put ever succeeded");
    for (i, name) in NAMES.into_iter().enumerate() {
        let user = s.get_user(POOL, name).unwrap();
        assert_eq!(user.is_some(), i % 2 == 0);
        match (s.get_code(POOL, name, p).unwrap(), user) {
            (Some(code), None) => panic!("{name}: code {} outlived its user", code.id),
            (Some(code), Some(u)) => assert_eq!(
                sub(name, code.id),
                u.sub(),
                "{name}: a code of an earlier user of the name survived"
            ),
            (None, _) => {}
        }
        assert_eq!(
            s.put_code(POOL, name, &sub(name, GENERATIONS - 1), p, &sample_code(0)),
            Err(StoreError::NotFound),
            "{name}: the sub of a deleted generation"
        );
    }
}
