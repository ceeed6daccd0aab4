//! Several stores on one schema, as several processes: the database
//! arbitrates their writes, and deletes wait for the writes in flight.

use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;
use std::time::{Duration, Instant};

use super::*;
use crate::clock::Timestamp;
use crate::store::postgres::statements::POOL_LOCK_SHARED;
use crate::store::{
    ClientRecord, CodePurpose, CodeRecord, CodeStore, ConflictKey, GroupRecord, GroupStore, OnceId,
    PoolStore, TokenStore, UserStore, conformance,
};

/// Two stores with their own connection pools, as two processes would
/// have, on one schema: the database arbitrates between them.
#[test]
fn two_stores_on_one_schema_admit_exactly_one_of_concurrent_writes() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "twoproc");
    let stores = [schema.store(), schema.store()];
    let wins = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for i in 0..16 {
            let (s, wins) = (&stores[i % 2], &wins);
            sc.spawn(move || {
                let name = format!("user{i}");
                let keys = [username_key(&name), email_key("same@example.com")];
                match s.insert_user("p", &conformance::sample_user(&name), &keys) {
                    Ok(()) => {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(StoreError::Conflict(key)) => {
                        assert_eq!(key, ConflictKey::Index(email_key("same@example.com")));
                    }
                    Err(e) => panic!("unexpected {e:?}"),
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    let all = stores[1].list_users("p", None, 100).unwrap();
    assert_eq!(all.len(), 1, "losers must leave no record");
    let owner = stores[0]
        .find_user("p", &email_key("same@example.com"))
        .unwrap()
        .unwrap();
    assert_eq!(owner.username, all[0].username);

    // Compare-and-swap, single-use codes and one-time ids across both.
    let name = owner.username.clone();
    let wins = AtomicUsize::new(0);
    let fresh = AtomicUsize::new(0);
    stores[0]
        .put_code(
            "p",
            &name,
            owner.sub(),
            CodePurpose::SignUp,
            &CodeRecord {
                id: 42,
                digest: [4; 32],
                attribute: None,
                destination: None,
                issued_at: Timestamp::UNIX_EPOCH,
                expires_at: Timestamp::UNIX_EPOCH,
                attempts: 0,
            },
        )
        .unwrap();
    std::thread::scope(|sc| {
        for i in 0..16 {
            let s = &stores[i % 2];
            let (owner, name, wins, fresh) = (&owner, &name, &wins, &fresh);
            sc.spawn(move || {
                let mut u = owner.clone();
                u.attributes
                    .insert("name".to_owned(), format!("writer {i}"));
                match s.update_user("p", &u, 1, &[username_key(name)]) {
                    Ok(()) => {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(StoreError::VersionMismatch) => {}
                    Err(e) => panic!("unexpected {e:?}"),
                }
                s.record_code_attempt("p", name, CodePurpose::SignUp, 42)
                    .unwrap();
                if s.consume_once(
                    "p",
                    &OnceId::Session("once".to_owned()),
                    Timestamp::UNIX_EPOCH,
                )
                .unwrap()
                {
                    fresh.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    let code = stores[1]
        .get_code("p", &name, CodePurpose::SignUp)
        .unwrap()
        .unwrap();
    assert_eq!(code.attempts, 16, "every attempt is counted");
    let taken = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for i in 0..16 {
            let (s, name, taken) = (&stores[i % 2], &name, &taken);
            sc.spawn(move || {
                if s.take_code("p", name, CodePurpose::SignUp, 42)
                    .unwrap()
                    .is_some()
                {
                    taken.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), 1);
    assert_eq!(taken.load(Ordering::SeqCst), 1);
    assert_eq!(fresh.load(Ordering::SeqCst), 1);
    let u = stores[1].get_user("p", &name).unwrap().unwrap();
    assert_eq!(u.version, 2);
    // The key dropped by the winning update is free in both stores.
    assert!(
        stores[1]
            .find_user("p", &email_key("same@example.com"))
            .unwrap()
            .is_none()
    );
}

/// Deleting a group or a pool while members or clients are being added
/// leaves no member behind, and no client whose insert had returned
/// before the delete began.
#[test]
fn deletes_race_cleanly_with_adds() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "cascade");
    let stores = [schema.store(), schema.store()];
    for round in 0..5 {
        let pool_id = format!("pool{round}");
        stores[0]
            .insert_pool(&conformance::sample_pool(&pool_id))
            .unwrap();
        stores[0]
            .create_group(
                &pool_id,
                &GroupRecord {
                    name: "g".to_owned(),
                    description: None,
                    role_arn: None,
                    precedence: None,
                    created_at: Timestamp::UNIX_EPOCH,
                    modified_at: Timestamp::UNIX_EPOCH,
                },
            )
            .unwrap();
        let delete_started = Mutex::new(None::<Instant>);
        let inserted = Mutex::new(Vec::new());
        std::thread::scope(|sc| {
            for i in 0..8 {
                let (s, pool_id, inserted) = (&stores[i % 2], &pool_id, &inserted);
                sc.spawn(move || {
                    for j in 0..5 {
                        match s.add_to_group(pool_id, "g", &format!("u{i}-{j}")) {
                            Ok(()) | Err(StoreError::NotFound) => {}
                            Err(e) => panic!("unexpected {e:?}"),
                        }
                        let client = ClientRecord {
                            client_id: format!("{pool_id}-c{i}-{j}"),
                            definition: String::new(),
                            sealed_secret: None,
                            created_at: Timestamp::UNIX_EPOCH,
                            modified_at: Timestamp::UNIX_EPOCH,
                            version: 0,
                        };
                        s.insert_client(pool_id, &client).unwrap();
                        inserted
                            .lock()
                            .unwrap()
                            .push((client.client_id, Instant::now()));
                    }
                });
            }
            let (s, pool_id, delete_started) = (&stores[1], &pool_id, &delete_started);
            sc.spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                s.delete_group(pool_id, "g").unwrap();
                *delete_started.lock().unwrap() = Some(Instant::now());
                s.delete_pool(pool_id).unwrap();
            });
        });
        let mut raw = schema.raw();
        let members: i64 = raw
            .query_one(
                "SELECT count(*) FROM memberships WHERE pool = $1",
                &[&pool_id],
            )
            .unwrap()
            .get(0);
        assert_eq!(members, 0, "round {round}");
        let started = delete_started.lock().unwrap().unwrap();
        for (client_id, done) in inserted.lock().unwrap().iter() {
            if *done < started {
                assert_eq!(
                    stores[0].find_client(client_id).unwrap(),
                    None,
                    "round {round}: {client_id} was inserted before the delete"
                );
            }
        }
    }
}

/// `delete_pool` waits for a call that is adding rows to the pool (it
/// holds the pool lock shared) and deletes what that call added.
#[test]
fn delete_pool_waits_for_writes_in_flight() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "inflight");
    let s = schema.store();
    s.insert_pool(&conformance::sample_pool("p")).unwrap();
    let mut raw = schema.raw();
    let mut writer = raw.transaction().unwrap();
    writer.execute(POOL_LOCK_SHARED, &[&"p"]).unwrap();
    let deleted = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|sc| {
        let (s, deleted) = (&s, &deleted);
        sc.spawn(move || {
            s.delete_pool("p").unwrap();
            deleted.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            !deleted.load(Ordering::SeqCst),
            "delete_pool must wait for the writer"
        );
        writer
            .execute(
                "INSERT INTO used_once (pool, id, expires_at) VALUES ('p', 'session:late', 0)",
                &[],
            )
            .unwrap();
        writer.commit().unwrap();
    });
    assert!(deleted.load(Ordering::SeqCst));
    assert!(
        s.consume_once(
            "p",
            &OnceId::Session("late".to_owned()),
            Timestamp::UNIX_EPOCH
        )
        .unwrap(),
        "the writer's row went with the pool"
    );
}

/// `delete_user` waits for a call that is adding a membership, code or
/// token of that user (it holds the user row `FOR KEY SHARE`) and
/// deletes what that call added: a user later created under the same
/// name inherits nothing.
#[test]
fn delete_user_waits_for_writes_in_flight() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "owner");
    let s = schema.store();
    s.insert_user("p", &conformance::sample_user("alice"), &[])
        .unwrap();
    s.create_group(
        "p",
        &GroupRecord {
            name: "admins".to_owned(),
            description: None,
            role_arn: None,
            precedence: None,
            created_at: Timestamp::UNIX_EPOCH,
            modified_at: Timestamp::UNIX_EPOCH,
        },
    )
    .unwrap();
    let mut raw = schema.raw();
    let mut writer = raw.transaction().unwrap();
    writer
        .execute(
            "SELECT 1 FROM users WHERE pool = 'p' AND username = 'alice' FOR KEY SHARE",
            &[],
        )
        .unwrap();
    let deleted = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|sc| {
        let (s, deleted) = (&s, &deleted);
        sc.spawn(move || {
            s.delete_user("p", "alice", 1).unwrap();
            deleted.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(!deleted.load(Ordering::SeqCst), "delete_user must wait");
        writer
            .execute(
                "INSERT INTO memberships (pool, group_name, username) \
                 VALUES ('p', 'admins', 'alice')",
                &[],
            )
            .unwrap();
        writer.commit().unwrap();
    });
    s.insert_user("p", &conformance::sample_user("alice"), &[])
        .unwrap();
    assert!(s.groups_of_user("p", "alice").unwrap().is_empty());

    // And the store's own writes wait for a delete in flight.
    let mut deleter = raw.transaction().unwrap();
    deleter
        .execute(
            "DELETE FROM users WHERE pool = 'p' AND username = 'alice'",
            &[],
        )
        .unwrap();
    let added = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|sc| {
        let (s, added) = (&s, &added);
        sc.spawn(move || {
            s.add_to_group("p", "admins", "alice").unwrap();
            added.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(!added.load(Ordering::SeqCst), "add_to_group must wait");
        deleter.commit().unwrap();
    });
    assert!(added.load(Ordering::SeqCst));
}
