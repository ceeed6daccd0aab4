//! Pools and their app clients: versions, listings, deletion of
//! everything under a pool, client ids unique across pools.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{
    OTHER_POOL, POOL, group, keys, sample_client, sample_code, sample_pool, sample_refresh,
    sample_user, username,
};
use crate::clock::Timestamp;
use crate::store::{CodePurpose, ConflictKey, OnceId, Store, StoreError};

/// Pools: stored at version 1, compare-and-swap on update, listed in id
/// order, and deleting one removes everything stored under its id (and
/// nothing of another pool).
pub fn pools_are_versioned_listed_and_deleted_with_everything_under_them(s: &Arc<dyn Store>) {
    let mut p = sample_pool(POOL);
    s.insert_pool(&p).unwrap();
    s.insert_pool(&sample_pool(OTHER_POOL)).unwrap();
    assert_eq!(
        s.insert_pool(&sample_pool(POOL)),
        Err(StoreError::Conflict(ConflictKey::PoolId))
    );
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
    let once = OnceId::Session("once".to_owned());
    for pool in [POOL, OTHER_POOL] {
        s.insert_user(pool, &sample_user("alice"), &keys("alice"))
            .unwrap();
        s.put_code(
            pool,
            "alice",
            "sub-alice",
            CodePurpose::SignUp,
            &sample_code(1),
        )
        .unwrap();
        s.put_refresh_token(pool, &sample_refresh(1, "alice", "fam"))
            .unwrap();
        s.revoke_token_family(pool, "fam").unwrap();
        assert!(
            s.consume_once(pool, &once, Timestamp::from_unix_seconds(1_800_000_000))
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
    assert_eq!(s.find_user(POOL, &username("alice")).unwrap(), None);
    assert_eq!(
        s.get_code(POOL, "alice", CodePurpose::SignUp).unwrap(),
        None
    );
    assert_eq!(s.get_refresh_token(POOL, &[1; 32]).unwrap(), None);
    assert!(!s.is_family_revoked(POOL, "fam").unwrap());
    assert!(
        s.consume_once(POOL, &once, Timestamp::from_unix_seconds(1_800_000_000))
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
    assert!(
        s.find_user(OTHER_POOL, &username("alice"))
            .unwrap()
            .is_some()
    );
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
pub fn clients_are_unique_across_pools_and_compare_and_swap(s: &Arc<dyn Store>) {
    for id in ["c2", "c1", "c3"] {
        s.insert_client(POOL, &sample_client(id, id == "c2"))
            .unwrap();
    }
    assert_eq!(
        s.insert_client(OTHER_POOL, &sample_client("c1", false)),
        Err(StoreError::Conflict(ConflictKey::ClientId)),
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
pub fn concurrent_pool_updates_of_one_version_admit_exactly_one(s: &Arc<dyn Store>) {
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
