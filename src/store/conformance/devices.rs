//! Tracked devices ([`DeviceStore`](crate::store::DeviceStore)): unique
//! keys, compare-and-swap updates, deletes that take effect at once,
//! listings by owner, and their end with their user, their pool, or (when
//! never confirmed) their expiry.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{OTHER_POOL, POOL, THREADS, keys, sample_pool, sample_user};
use crate::clock::Timestamp;
use crate::store::{ConflictKey, DeviceRecord, DeviceStatus, Store, StoreError, SweepReport};

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(1_700_000_000 + seconds)
}

/// An unconfirmed device of `username` issued at `at(created)`, expiring
/// a day later.
fn device(key: &str, username: &str, created: i64) -> DeviceRecord {
    DeviceRecord {
        key: key.to_owned(),
        username: username.to_owned(),
        sub: format!("sub-{username}"),
        group_key: format!("-group-{key}"),
        status: DeviceStatus::Unconfirmed,
        sealed_verifier: None,
        name: None,
        last_ip: Some("192.0.2.1".to_owned()),
        created_at: at(created),
        modified_at: at(created),
        last_authenticated_at: None,
        expires_at: Some(at(created + 86_400)),
        version: 7,
    }
}

/// `d` as `ConfirmDevice` leaves it: remembered, with a verifier, named,
/// no longer expiring.
fn confirmed(d: &DeviceRecord) -> DeviceRecord {
    DeviceRecord {
        status: DeviceStatus::Remembered,
        sealed_verifier: Some(vec![0, 1, 2, 0xff, 0]),
        name: Some("Firefox — laptop".to_owned()),
        modified_at: d
            .modified_at
            .saturating_add(std::time::Duration::from_secs(5)),
        last_authenticated_at: Some(d.created_at),
        expires_at: None,
        ..d.clone()
    }
}

/// `d` with the version the store should hold.
fn at_version(d: &DeviceRecord, version: u64) -> DeviceRecord {
    DeviceRecord {
        version,
        ..d.clone()
    }
}

fn listed_keys(s: &Arc<dyn Store>, pool: &str, username: &str, limit: usize) -> Vec<String> {
    s.list_devices(pool, username, limit)
        .unwrap()
        .into_iter()
        .map(|d| d.key)
        .collect()
}

/// Insert stores the record at version 1, every field as given; a taken
/// key is a `Conflict` that changes nothing; keys are scoped by pool.
pub fn insert_then_get_and_a_taken_key_conflicts(s: &Arc<dyn Store>) {
    let d = device("us-east-1_aaaa", "alice", 0);
    s.insert_device(POOL, &d).unwrap();
    assert_eq!(
        s.get_device(POOL, &d.key).unwrap(),
        Some(at_version(&d, 1)),
        "insert must keep every field and set version 1"
    );
    let full = confirmed(&device("us-east-1_bbbb", "alice", 1));
    s.insert_device(POOL, &full).unwrap();
    assert_eq!(
        s.get_device(POOL, &full.key).unwrap(),
        Some(at_version(&full, 1))
    );

    let mut other = device("us-east-1_aaaa", "bob", 9);
    other.group_key = "another".to_owned();
    assert_eq!(
        s.insert_device(POOL, &other),
        Err(StoreError::Conflict(ConflictKey::DeviceKey))
    );
    assert_eq!(
        s.get_device(POOL, &d.key).unwrap(),
        Some(at_version(&d, 1)),
        "a refused insert changes nothing"
    );
    assert!(
        listed_keys(s, POOL, "bob", 10).is_empty(),
        "a refused insert lists nothing"
    );

    assert_eq!(s.get_device(OTHER_POOL, &d.key).unwrap(), None);
    s.insert_device(OTHER_POOL, &other).unwrap();
    assert_eq!(
        s.get_device(OTHER_POOL, &d.key).unwrap(),
        Some(at_version(&other, 1)),
        "device keys are scoped by pool"
    );
    assert_eq!(
        s.get_device(POOL, "us-east-1_AAAA").unwrap(),
        None,
        "exact key"
    );
    assert_eq!(s.get_device(POOL, "us-east-1_zzzz").unwrap(), None);
}

/// Update is a compare-and-swap on version: the stored version becomes
/// `expected + 1`; a stale version is `VersionMismatch` and changes
/// nothing; an absent device is `NotFound`.
pub fn update_is_a_compare_and_swap_on_version(s: &Arc<dyn Store>) {
    let d = device("us-east-1_aaaa", "alice", 0);
    s.insert_device(POOL, &d).unwrap();
    let c = confirmed(&d);
    s.update_device(POOL, &c, 1).unwrap();
    assert_eq!(s.get_device(POOL, &d.key).unwrap(), Some(at_version(&c, 2)));

    let mut stale = c.clone();
    stale.status = DeviceStatus::NotRemembered;
    assert_eq!(
        s.update_device(POOL, &stale, 1),
        Err(StoreError::VersionMismatch)
    );
    assert_eq!(
        s.get_device(POOL, &d.key).unwrap(),
        Some(at_version(&c, 2)),
        "a refused update changes nothing"
    );
    s.update_device(POOL, &stale, 2).unwrap();
    let got = s.get_device(POOL, &d.key).unwrap().unwrap();
    assert_eq!((got.status, got.version), (DeviceStatus::NotRemembered, 3));

    let absent = device("us-east-1_none", "alice", 0);
    assert_eq!(s.update_device(POOL, &absent, 1), Err(StoreError::NotFound));
    assert_eq!(
        s.update_device(OTHER_POOL, &c, 3),
        Err(StoreError::NotFound),
        "updates are scoped by pool"
    );
    assert_eq!(s.get_device(POOL, "us-east-1_none").unwrap(), None);
}

/// Two `ConfirmDevice` calls racing on one key: of concurrent updates of
/// one version, exactly one succeeds; the others get `VersionMismatch`.
pub fn concurrent_updates_of_one_version_admit_exactly_one(s: &Arc<dyn Store>) {
    let d = device("us-east-1_aaaa", "alice", 0);
    s.insert_device(POOL, &d).unwrap();
    let wins = AtomicUsize::new(0);
    let mismatches = AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for i in 0..THREADS {
            let (wins, mismatches, d) = (&wins, &mismatches, &d);
            sc.spawn(move || {
                let mut mine = confirmed(d);
                mine.name = Some(format!("writer {i}"));
                match s.update_device(POOL, &mine, 1) {
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
        "exactly one confirmation wins"
    );
    assert_eq!(mismatches.load(Ordering::SeqCst), THREADS - 1);
    let got = s.get_device(POOL, &d.key).unwrap().unwrap();
    assert_eq!(got.version, 2);
    assert!(got.name.is_some_and(|n| n.starts_with("writer ")));
}

/// A deleted device is gone at once: not found, not listed, not
/// updatable; deleting it again, or an absent one, is `NotFound`.
pub fn a_deleted_device_is_gone_at_once(s: &Arc<dyn Store>) {
    let d = confirmed(&device("us-east-1_aaaa", "alice", 0));
    let kept = device("us-east-1_bbbb", "alice", 1);
    s.insert_device(POOL, &d).unwrap();
    s.insert_device(POOL, &kept).unwrap();
    s.insert_device(OTHER_POOL, &d).unwrap();
    s.delete_device(POOL, &d.key).unwrap();
    assert_eq!(s.get_device(POOL, &d.key).unwrap(), None);
    assert_eq!(listed_keys(s, POOL, "alice", 10), [kept.key.as_str()]);
    assert_eq!(s.update_device(POOL, &d, 1), Err(StoreError::NotFound));
    assert_eq!(s.delete_device(POOL, &d.key), Err(StoreError::NotFound));
    assert_eq!(
        s.delete_device(POOL, "us-east-1_none"),
        Err(StoreError::NotFound)
    );
    assert!(
        s.get_device(OTHER_POOL, &d.key).unwrap().is_some(),
        "a delete is scoped by pool"
    );
    // The key may be issued again.
    s.insert_device(POOL, &d).unwrap();
    assert_eq!(
        s.get_device(POOL, &d.key).unwrap().map(|d| d.version),
        Some(1)
    );
}

/// A user's devices, whatever their status, newest first (`created_at`
/// descending, then key ascending), at most `limit`; never another
/// user's or another pool's.
pub fn devices_are_listed_newest_first_by_user_and_pool(s: &Arc<dyn Store>) {
    let alice = [
        device("us-east-1_c", "alice", 10),
        confirmed(&device("us-east-1_a", "alice", 30)),
        device("us-east-1_d", "alice", 20),
        device("us-east-1_b", "alice", 20),
        confirmed(&device("us-east-1_e", "alice", -5)),
    ];
    for d in &alice {
        s.insert_device(POOL, d).unwrap();
    }
    s.insert_device(POOL, &device("us-east-1_f", "bob", 40))
        .unwrap();
    s.insert_device(POOL, &device("us-east-1_g", "alice2", 50))
        .unwrap();
    s.insert_device(OTHER_POOL, &device("us-east-1_h", "alice", 60))
        .unwrap();

    let all = s.list_devices(POOL, "alice", 100).unwrap();
    let order: Vec<&str> = all.iter().map(|d| d.key.as_str()).collect();
    assert_eq!(
        order,
        [
            "us-east-1_a",
            "us-east-1_b",
            "us-east-1_d",
            "us-east-1_c",
            "us-east-1_e"
        ],
        "newest first, ties by key"
    );
    assert_eq!(all[0], at_version(&alice[1], 1), "listed with every field");
    assert_eq!(
        listed_keys(s, POOL, "alice", 2),
        ["us-east-1_a", "us-east-1_b"]
    );
    assert!(listed_keys(s, POOL, "alice", 0).is_empty());
    assert_eq!(listed_keys(s, POOL, "bob", 100), ["us-east-1_f"]);
    assert_eq!(listed_keys(s, OTHER_POOL, "alice", 100), ["us-east-1_h"]);
    assert!(listed_keys(s, POOL, "carol", 100).is_empty());
    assert!(listed_keys(s, "us-west-2_Empty", "alice", 100).is_empty());
}

/// Deleting a user deletes its devices, and only its: a user later
/// created under the same name inherits none.
pub fn deleting_a_user_deletes_its_devices(s: &Arc<dyn Store>) {
    for name in ["alice", "bob"] {
        s.insert_user(POOL, &sample_user(name), &keys(name))
            .unwrap();
    }
    s.insert_device(POOL, &device("us-east-1_a", "alice", 0))
        .unwrap();
    s.insert_device(POOL, &confirmed(&device("us-east-1_b", "alice", 1)))
        .unwrap();
    s.insert_device(POOL, &device("us-east-1_c", "bob", 2))
        .unwrap();
    s.insert_device(OTHER_POOL, &device("us-east-1_d", "alice", 3))
        .unwrap();
    s.delete_user(POOL, "alice", 1).unwrap();
    assert_eq!(s.get_device(POOL, "us-east-1_a").unwrap(), None);
    assert_eq!(s.get_device(POOL, "us-east-1_b").unwrap(), None);
    assert!(s.get_device(POOL, "us-east-1_c").unwrap().is_some());
    assert!(
        s.get_device(OTHER_POOL, "us-east-1_d").unwrap().is_some(),
        "another pool's alice keeps hers"
    );
    s.insert_user(POOL, &sample_user("alice"), &keys("alice"))
        .unwrap();
    assert!(
        listed_keys(s, POOL, "alice", 10).is_empty(),
        "a user re-created under the name inherits no device"
    );
    assert_eq!(listed_keys(s, POOL, "bob", 10), ["us-east-1_c"]);
}

/// Deleting a pool deletes its devices, and no other pool's.
pub fn deleting_a_pool_deletes_its_devices(s: &Arc<dyn Store>) {
    for pool in [POOL, OTHER_POOL] {
        s.insert_pool(&sample_pool(pool)).unwrap();
        s.insert_device(pool, &confirmed(&device("us-east-1_a", "alice", 0)))
            .unwrap();
    }
    s.delete_pool(POOL).unwrap();
    assert_eq!(s.get_device(POOL, "us-east-1_a").unwrap(), None);
    assert!(listed_keys(s, POOL, "alice", 10).is_empty());
    assert_eq!(listed_keys(s, OTHER_POOL, "alice", 10), ["us-east-1_a"]);
}

/// A sweep deletes the unconfirmed devices whose `expires_at <= now`, in
/// its bounded batches, counted as devices; never a confirmed device
/// (which has no expiry, even one confirmed after it was issued), one not
/// yet expired, or another pool's.
pub fn a_sweep_deletes_expired_unconfirmed_devices_only(s: &Arc<dyn Store>) {
    // Expiring at at(86_400 + created).
    for (key, created) in [("us-east-1_a", 0), ("us-east-1_b", 1), ("us-east-1_c", 2)] {
        s.insert_device(POOL, &device(key, "alice", created))
            .unwrap();
    }
    s.insert_device(POOL, &device("us-east-1_later", "alice", 100))
        .unwrap();
    s.insert_device(POOL, &confirmed(&device("us-east-1_conf", "alice", -10)))
        .unwrap();
    // Issued unconfirmed, then confirmed: its old expiry no longer counts.
    let issued = device("us-east-1_then", "alice", -20);
    s.insert_device(POOL, &issued).unwrap();
    s.update_device(POOL, &confirmed(&issued), 1).unwrap();
    s.insert_device(OTHER_POOL, &device("us-east-1_a", "alice", 0))
        .unwrap();

    let now = at(86_402);
    assert_eq!(
        s.sweep_expired(POOL, now, 0).unwrap(),
        SweepReport::default()
    );
    let first = s.sweep_expired(POOL, now, 2).unwrap();
    assert_eq!(
        first,
        SweepReport {
            devices: 2,
            ..SweepReport::default()
        },
        "a sweep deletes at most its limit"
    );
    let second = s.sweep_expired(POOL, now, 100).unwrap();
    assert_eq!(
        second,
        SweepReport {
            devices: 1,
            ..SweepReport::default()
        }
    );
    for key in ["us-east-1_a", "us-east-1_b", "us-east-1_c"] {
        assert_eq!(s.get_device(POOL, key).unwrap(), None, "{key} expired");
    }
    assert_eq!(
        listed_keys(s, POOL, "alice", 10),
        ["us-east-1_later", "us-east-1_conf", "us-east-1_then"]
    );
    assert!(s.get_device(OTHER_POOL, "us-east-1_a").unwrap().is_some());
    assert_eq!(
        s.sweep_expired(POOL, now, 100).unwrap(),
        SweepReport::default()
    );
    // Much later: only the unconfirmed one goes.
    let report = s.sweep_expired(POOL, at(10_000_000), 100).unwrap();
    assert_eq!(report.devices, 1);
    assert_eq!(
        listed_keys(s, POOL, "alice", 10),
        ["us-east-1_conf", "us-east-1_then"]
    );
}

/// The largest device, MFA state and device-bound refresh token the
/// limits layer lets through (keys and names of exactly `MAX_KEY_BYTES`,
/// multi-byte characters included; sealed blobs of `MAX_VALUE_BYTES`) are
/// stored by the store itself and read back exactly.
pub fn the_largest_accepted_device_and_mfa_state_round_trip(s: &Arc<dyn Store>) {
    use crate::config::MfaFactor;
    use crate::store::{MAX_KEY_BYTES, MAX_VALUE_BYTES, PendingSoftwareToken, SoftwareToken};

    let widest = "\u{1F600}".repeat(MAX_KEY_BYTES / 4);
    assert_eq!(widest.len(), MAX_KEY_BYTES);
    let d = DeviceRecord {
        key: format!("k{}", "é".repeat((MAX_KEY_BYTES - 2) / 2)),
        username: widest.clone(),
        sub: "s".repeat(MAX_KEY_BYTES),
        group_key: "g".repeat(MAX_KEY_BYTES),
        name: Some(widest.clone()),
        last_ip: Some("i".repeat(MAX_KEY_BYTES)),
        sealed_verifier: Some(vec![0xA5; MAX_VALUE_BYTES]),
        ..confirmed(&device("unused", "unused", 0))
    };
    assert!(d.key.len() > MAX_KEY_BYTES - 2);
    s.insert_device(POOL, &d).unwrap();
    assert_eq!(s.get_device(POOL, &d.key).unwrap(), Some(at_version(&d, 1)));
    assert_eq!(
        s.list_devices(POOL, &widest, 10).unwrap(),
        [at_version(&d, 1)]
    );
    s.update_device(POOL, &d, 1).unwrap();
    assert_eq!(s.get_device(POOL, &d.key).unwrap(), Some(at_version(&d, 2)));

    let mut u = sample_user(&widest);
    u.mfa.enabled = MfaFactor::ALL.to_vec();
    u.mfa.preferred = Some(MfaFactor::SoftwareToken);
    u.mfa.software_token = Some(SoftwareToken {
        sealed_secret: (0..MAX_VALUE_BYTES).map(|i| i as u8).collect(),
        friendly_name: Some(widest.clone()),
        last_used_step: Some(u64::MAX),
        verified_at: at(1),
    });
    u.mfa.pending_software_token = Some(PendingSoftwareToken {
        sealed_secret: vec![0; MAX_VALUE_BYTES],
        created_at: at(2),
    });
    s.insert_user(POOL, &u, &[]).unwrap();
    let got = s.get_user(POOL, &widest).unwrap().expect("stored");
    assert_eq!(got.mfa, u.mfa);

    let mut t = super::sample_refresh(1, &widest, "fam");
    t.sub = d.sub.clone();
    t.device_key = Some(d.key.clone());
    s.put_refresh_token(POOL, &t).unwrap();
    assert_eq!(s.get_refresh_token(POOL, &[1; 32]).unwrap(), Some(t));
}
