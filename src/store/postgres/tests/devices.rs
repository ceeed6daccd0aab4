//! Devices between processes: `delete_user` and `insert_device` wait for
//! each other through the owner's row, as for refresh tokens, and
//! `delete_pool` waits for a device insert holding the pool lock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{TempSchema, url};
use crate::clock::Timestamp;
use crate::store::postgres::statements::POOL_LOCK_SHARED;
use crate::store::{DeviceRecord, DeviceStatus, DeviceStore, PoolStore, UserStore, conformance};

fn device(key: &str) -> DeviceRecord {
    DeviceRecord {
        key: key.to_owned(),
        username: "alice".to_owned(),
        sub: "sub-alice".to_owned(),
        group_key: "-group".to_owned(),
        status: DeviceStatus::Unconfirmed,
        sealed_verifier: None,
        name: None,
        last_ip: None,
        created_at: Timestamp::UNIX_EPOCH,
        modified_at: Timestamp::UNIX_EPOCH,
        last_authenticated_at: None,
        expires_at: Some(Timestamp::from_unix_seconds(60)),
        version: 0,
    }
}

const RAW_INSERT: &str = "INSERT INTO devices (pool, key, username, sub, group_key, status, \
     created_at, modified_at, version) \
     VALUES ('p', 'us-east-1_raw', 'alice', 'sub-alice', '-g', 'unconfirmed', 0, 0, 1)";

/// `delete_user` waits for a transaction adding a device of that user
/// (holding the user row `FOR KEY SHARE`, as `insert_device` does) and
/// deletes the device it added; and `insert_device` waits for a delete
/// of its owner in flight.
#[test]
fn delete_user_and_insert_device_wait_for_each_other() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "devowner");
    let s = schema.store();
    s.insert_user("p", &conformance::sample_user("alice"), &[])
        .unwrap();
    let mut raw = schema.raw();
    let mut writer = raw.transaction().unwrap();
    writer
        .execute(
            "SELECT 1 FROM users WHERE pool = 'p' AND username = 'alice' FOR KEY SHARE",
            &[],
        )
        .unwrap();
    let deleted = AtomicBool::new(false);
    std::thread::scope(|sc| {
        let (s, deleted) = (&s, &deleted);
        sc.spawn(move || {
            s.delete_user("p", "alice", 1).unwrap();
            deleted.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(!deleted.load(Ordering::SeqCst), "delete_user must wait");
        writer.execute(RAW_INSERT, &[]).unwrap();
        writer.commit().unwrap();
    });
    assert!(deleted.load(Ordering::SeqCst));
    assert_eq!(s.get_device("p", "us-east-1_raw").unwrap(), None);

    s.insert_user("p", &conformance::sample_user("alice"), &[])
        .unwrap();
    let mut deleter = raw.transaction().unwrap();
    deleter
        .execute(
            "DELETE FROM users WHERE pool = 'p' AND username = 'alice'",
            &[],
        )
        .unwrap();
    let added = AtomicBool::new(false);
    std::thread::scope(|sc| {
        let (s, added) = (&s, &added);
        sc.spawn(move || {
            s.insert_device("p", &device("us-east-1_late")).unwrap();
            added.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(!added.load(Ordering::SeqCst), "insert_device must wait");
        deleter.commit().unwrap();
    });
    assert!(added.load(Ordering::SeqCst));
}

/// `delete_pool` waits for a transaction adding a device to the pool
/// (holding the pool lock shared, as `insert_device` does) and deletes
/// the device it added.
#[test]
fn delete_pool_waits_for_a_device_insert_in_flight() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "devpool");
    let s = schema.store();
    s.insert_pool(&conformance::sample_pool("p")).unwrap();
    let mut raw = schema.raw();
    let mut writer = raw.transaction().unwrap();
    writer.execute(POOL_LOCK_SHARED, &[&"p"]).unwrap();
    let deleted = AtomicBool::new(false);
    std::thread::scope(|sc| {
        let (s, deleted) = (&s, &deleted);
        sc.spawn(move || {
            s.delete_pool("p").unwrap();
            deleted.store(true, Ordering::SeqCst);
        });
        std::thread::sleep(Duration::from_millis(300));
        assert!(!deleted.load(Ordering::SeqCst), "delete_pool must wait");
        writer.execute(RAW_INSERT, &[]).unwrap();
        writer.commit().unwrap();
    });
    assert!(deleted.load(Ordering::SeqCst));
    assert_eq!(s.get_device("p", "us-east-1_raw").unwrap(), None);
}
