//! Pending codes: replaced by a new one, attempts counted, taken once,
//! and taken together with the change they confirm.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{POOL, THREADS, email, keys, sample_code, sample_user, username};
use crate::store::{CodePurpose, ConflictKey, Store, StoreError};

/// Codes: a put replaces, failures count only against the current id, a take works once.
pub fn codes_are_replaced_counted_and_taken_once(s: &Arc<dyn Store>) {
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

/// Many threads take one code: exactly one gets it.
pub fn concurrent_takes_of_one_code_admit_exactly_one(s: &Arc<dyn Store>) {
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
pub fn concurrent_failures_are_all_counted(s: &Arc<dyn Store>) {
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

/// `update_user_taking_code`: the user written and the code taken together,
/// or neither; of concurrent uses of one code exactly one succeeds.
pub fn a_code_and_the_change_it_confirms_are_one_step(s: &Arc<dyn Store>) {
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
