//! Groups and memberships.

use std::sync::Arc;

use super::{OTHER_POOL, POOL, group, keys, sample_refresh, sample_user};
use crate::store::{ConflictKey, Store, StoreError};

/// Groups: unique names, ordered listing, idempotent membership, delete cascades.
pub fn groups_and_memberships_follow_their_contract(s: &Arc<dyn Store>) {
    for g in ["readers", "admins", "writers"] {
        s.create_group(POOL, &group(g, None)).unwrap();
    }
    assert_eq!(
        s.create_group(POOL, &group("admins", Some(1))),
        Err(StoreError::Conflict(ConflictKey::GroupName))
    );
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
pub fn deleting_a_user_drops_its_memberships_and_tokens(s: &Arc<dyn Store>) {
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
