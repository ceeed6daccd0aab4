//! Ephemeral records: inserted when absent, replaced by compare-and-swap
//! on a version that never repeats, isolated by pool and key, kept when
//! their user is deleted, gone with their pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{OTHER_POOL, POOL, THREADS, keys, sample_pool, sample_user};
use crate::clock::Timestamp;
use crate::store::{CodePurpose, EphemeralKey, EphemeralRecord, Store};

fn guesses(username: &str) -> EphemeralKey {
    EphemeralKey::CodeGuesses {
        username: username.to_owned(),
        purpose: CodePurpose::SignUp,
    }
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_700_000_000 + seconds)
}

/// An absent record is written by a put expecting version 0, and only
/// then; a stored one, expired or not, is replaced only by a put
/// expecting its version, which each write changes to one never seen.
pub fn an_absent_record_is_inserted_with_zero_and_replaced_by_its_version(s: &Arc<dyn Store>) {
    let key = guesses("alice");
    assert_eq!(s.get_ephemeral(POOL, &key).unwrap(), None);
    assert!(
        !s.put_ephemeral(POOL, &key, b"x", at(60), 1).unwrap(),
        "a version is expected of an absent record"
    );
    assert_eq!(s.get_ephemeral(POOL, &key).unwrap(), None);
    assert!(s.put_ephemeral(POOL, &key, b"one", at(60), 0).unwrap());
    let first = s.get_ephemeral(POOL, &key).unwrap().expect("stored");
    assert_eq!(
        (first.data.as_slice(), first.expires_at),
        (&b"one"[..], at(60))
    );
    assert_ne!(first.version, 0);
    assert!(
        !s.put_ephemeral(POOL, &key, b"two", at(60), 0).unwrap(),
        "0 means absent: a stored record is not overwritten"
    );
    assert!(
        !s.put_ephemeral(POOL, &key, b"two", at(60), first.version + 1)
            .unwrap()
    );
    assert_eq!(s.get_ephemeral(POOL, &key).unwrap(), Some(first.clone()));

    // Expired by every clock: still read, and replaced by its version.
    assert!(
        s.put_ephemeral(POOL, &key, b"", Timestamp::UNIX_EPOCH, first.version)
            .unwrap()
    );
    let second = s.get_ephemeral(POOL, &key).unwrap().expect("stored");
    assert_eq!(second.data, b"");
    assert_eq!(second.expires_at, Timestamp::UNIX_EPOCH);
    assert_ne!(second.version, first.version);
    assert!(
        !s.put_ephemeral(POOL, &key, b"late", at(60), first.version)
            .unwrap(),
        "a write computed from a replaced version fails"
    );
    assert!(
        s.put_ephemeral(POOL, &key, &[0, 255], at(120), second.version)
            .unwrap()
    );
    let third = s.get_ephemeral(POOL, &key).unwrap().expect("stored");
    assert_eq!(
        third,
        EphemeralRecord {
            data: vec![0, 255],
            expires_at: at(120),
            version: third.version,
        }
    );
    assert!(![0, first.version, second.version].contains(&third.version));
}

/// Of concurrent writers of one version, exactly one succeeds, whether
/// they insert (version 0) or replace; and a counter kept by a
/// compare-and-swap loop loses no increment.
pub fn concurrent_writers_of_one_version_admit_exactly_one(s: &Arc<dyn Store>) {
    let key = guesses("alice");
    for round in 0..2 {
        let expected = s
            .get_ephemeral(POOL, &key)
            .unwrap()
            .map_or(0, |r| r.version);
        let wins = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for i in 0..THREADS {
                let (wins, key) = (&wins, &key);
                scope.spawn(move || {
                    let data = format!("{round}/{i}");
                    if s.put_ephemeral(POOL, key, data.as_bytes(), at(60), expected)
                        .unwrap()
                    {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert_eq!(wins.load(Ordering::SeqCst), 1, "round {round}");
    }

    // A count within a window, as the pool keeps one: read, add one, write
    // back with the version read, again on a lost race.
    const INCREMENTS: usize = 10;
    let counter = guesses("counted");
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            let counter = &counter;
            scope.spawn(move || {
                for _ in 0..INCREMENTS {
                    loop {
                        let current = s.get_ephemeral(POOL, counter).unwrap();
                        let (n, version) = current.map_or((0, 0), |r| (count(&r.data), r.version));
                        let next = (n + 1).to_be_bytes();
                        if s.put_ephemeral(POOL, counter, &next, at(3600), version)
                            .unwrap()
                        {
                            break;
                        }
                    }
                }
            });
        }
    });
    let stored = s.get_ephemeral(POOL, &counter).unwrap().expect("stored");
    assert_eq!(count(&stored.data), (THREADS * INCREMENTS) as u64);
}

fn count(data: &[u8]) -> u64 {
    u64::from_be_bytes(data.try_into().expect("a counter of 8 bytes"))
}

/// Records of different pools, kinds, purposes and names are distinct;
/// deleting a user keeps the records that name it (a limit must not reset
/// by deleting and re-creating a user); deleting a pool removes its
/// records and no other pool's.
pub fn ephemeral_records_are_isolated_kept_by_user_deletion_and_gone_with_their_pool(
    s: &Arc<dyn Store>,
) {
    let keys_of = |name: &str| {
        [
            guesses(name),
            EphemeralKey::CodeGuesses {
                username: name.to_owned(),
                purpose: CodePurpose::ForgotPassword,
            },
            EphemeralKey::CodeSends {
                username: name.to_owned(),
                purpose: CodePurpose::SignUp,
            },
        ]
    };
    let unknown = EphemeralKey::UnknownSignIn { digest: [7; 32] };
    for pool in [POOL, OTHER_POOL] {
        s.insert_pool(&sample_pool(pool)).unwrap();
        s.insert_user(pool, &sample_user("alice"), &keys("alice"))
            .unwrap();
        for (i, key) in keys_of("alice").iter().chain([&unknown]).enumerate() {
            let data = format!("{pool}/{i}");
            assert!(
                s.put_ephemeral(pool, key, data.as_bytes(), at(60), 0)
                    .unwrap()
            );
        }
    }
    for pool in [POOL, OTHER_POOL] {
        for (i, key) in keys_of("alice").iter().chain([&unknown]).enumerate() {
            let data = s.get_ephemeral(pool, key).unwrap().expect("stored").data;
            assert_eq!(data, format!("{pool}/{i}").into_bytes(), "{key:?}");
        }
        for key in keys_of("bob") {
            assert_eq!(s.get_ephemeral(pool, &key).unwrap(), None);
        }
        assert_eq!(
            s.get_ephemeral(pool, &EphemeralKey::UnknownSignIn { digest: [8; 32] })
                .unwrap(),
            None
        );
    }
    s.delete_user(POOL, "alice", 1).unwrap();
    for key in keys_of("alice") {
        assert!(
            s.get_ephemeral(POOL, &key).unwrap().is_some(),
            "deleting the user keeps {key:?}"
        );
    }
    s.delete_pool(POOL).unwrap();
    for key in keys_of("alice").iter().chain([&unknown]) {
        assert_eq!(s.get_ephemeral(POOL, key).unwrap(), None, "{key:?}");
        assert!(s.get_ephemeral(OTHER_POOL, key).unwrap().is_some());
    }
    assert!(
        s.put_ephemeral(POOL, &unknown, b"again", at(60), 0)
            .unwrap(),
        "a deleted pool's keys are free"
    );
}
