//! Migration 7 (the MFA state of users, the device of refresh tokens)
//! and how a corrupt MFA state is reported.

use rusqlite::Connection;

use super::tests::TempDb;
use super::{SqliteStore, migrations};
use crate::clock::Timestamp;
use crate::store::{StoreError, TokenStore, UserMfa, UserStore};

/// The number of migrations before the MFA state.
const BEFORE_MFA: usize = 6;

/// A database created by the migrations before 7, holding users and a
/// refresh token, is migrated on open: its users read back with the
/// default MFA state and stay writable, its token with no device.
#[test]
fn users_written_before_migration_7_read_back_without_mfa() {
    let db = TempDb::new("migration7");
    {
        let mut conn = Connection::open(&db.0).unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &migrations::MIGRATIONS[..BEFORE_MFA] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", BEFORE_MFA as i64)
            .unwrap();
        tx.execute_batch(
            "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
             modified_at, failed_sign_ins, version, username_attribute) VALUES \
             ('p', 'alice', '{\"sub\":\"s-1\"}', 'CONFIRMED', 1, 0, 0, 0, 3, NULL), \
             ('p', 'bob', '{\"sub\":\"s-2\"}', 'UNCONFIRMED', 1, 0, 0, 0, 1, 'email'); \
             INSERT INTO refresh_tokens (pool, digest, client_id, username, sub, origin_jti, \
             event_id, auth_time, issued_at, expires_at) \
             VALUES ('p', zeroblob(32), 'c', 'alice', 's-1', 'fam', 'ev', 0, 0, 1);",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let s = SqliteStore::open(&db.0).unwrap();
    let version: i64 = s
        .lock()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, i64::from(SqliteStore::schema_version()));
    let users = s.list_users("p", None, 10).unwrap();
    let read: Vec<(&str, u64, &UserMfa)> = users
        .iter()
        .map(|u| (u.username.as_str(), u.version, &u.mfa))
        .collect();
    let none = UserMfa::default();
    assert_eq!(read, [("alice", 3, &none), ("bob", 1, &none)]);
    let token = s.get_refresh_token("p", &[0; 32]).unwrap().unwrap();
    assert_eq!((token.username.as_str(), token.device_key), ("alice", None));

    // A migrated user takes an MFA state like any other.
    let mut alice = users[0].clone();
    alice.mfa.setup_grace = true;
    alice.mfa.pending_software_token = Some(crate::store::PendingSoftwareToken {
        sealed_secret: vec![1, 0, 2],
        created_at: Timestamp::from_unix_seconds(1_700_000_000),
    });
    s.update_user("p", &alice, 3, &[]).unwrap();
    assert_eq!(s.get_user("p", "alice").unwrap().unwrap().mfa, alice.mfa);
}

/// A stored MFA state that does not decode is `Unavailable`, naming the
/// column and quoting nothing of it; the default state is stored as NULL.
#[test]
fn a_corrupt_mfa_state_is_refused_without_quoting_it() {
    let s = SqliteStore::open_in_memory().unwrap();
    let u = crate::store::conformance::sample_user("alice");
    s.insert_user("p", &u, &[]).unwrap();
    let stored: Option<String> = s
        .lock()
        .query_row("SELECT mfa FROM users WHERE username = 'alice'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, None, "the default state is NULL");

    s.lock()
        .execute(
            "UPDATE users SET mfa = '{\"enabled\":[\"SMS_MFA\"],\"token\":{\"secret\":\"s3cret' \
             WHERE username = 'alice'",
            [],
        )
        .unwrap();
    match s.get_user("p", "alice") {
        Err(StoreError::Unavailable { message, .. }) => {
            assert!(
                message.starts_with("invalid stored mfa: not the JSON of an MFA state"),
                "{message}"
            );
            assert!(!message.contains("s3cret"), "{message}");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    s.lock()
        .execute(
            "UPDATE users SET mfa = '{\"preferred\":\"VOICE\"}' WHERE username = 'alice'",
            [],
        )
        .unwrap();
    match s.list_users("p", None, 1) {
        Err(StoreError::Unavailable { message, .. }) => {
            assert_eq!(message, "invalid stored mfa: not an MFA factor");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}
