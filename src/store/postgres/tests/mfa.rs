//! Migration 6 (the MFA state of users, the device of refresh tokens)
//! and how a corrupt MFA state is reported.

use super::{TempSchema, unavailable, url};
use crate::store::postgres::migrations::MIGRATIONS;
use crate::store::{TokenStore, UserMfa, UserStore};

/// The number of migrations before the MFA state.
const BEFORE_MFA: usize = 5;

/// A database created by the migrations before 6, holding users and a
/// refresh token, is migrated on connect: its users read back with the
/// default MFA state and stay writable, its token with no device.
#[test]
fn users_written_before_migration_6_read_back_without_mfa() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "migration6");
    {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE SCHEMA {}", schema.name))
            .unwrap();
        let mut raw = schema.raw();
        let mut tx = raw.transaction().unwrap();
        tx.batch_execute("CREATE TABLE userpool_schema (version integer NOT NULL)")
            .unwrap();
        for sql in &MIGRATIONS[..BEFORE_MFA] {
            tx.batch_execute(sql).unwrap();
        }
        tx.execute("INSERT INTO userpool_schema (version) VALUES (5)", &[])
            .unwrap();
        tx.batch_execute(
            "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
             modified_at, failed_sign_ins, version, username_attribute) VALUES \
             ('p', 'alice', '{\"sub\":\"s-1\"}', 'CONFIRMED', true, 0, 0, 0, 3, NULL), \
             ('p', 'bob', '{\"sub\":\"s-2\"}', 'UNCONFIRMED', true, 0, 0, 0, 1, 'email'); \
             INSERT INTO refresh_tokens (pool, digest, client_id, username, sub, origin_jti, \
             event_id, auth_time, issued_at, expires_at) \
             VALUES ('p', '\\x0000000000000000000000000000000000000000000000000000000000000000', \
             'c', 'alice', 's-1', 'fam', 'ev', 0, 0, 1);",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let s = schema.store();
    let version: i32 = schema
        .raw()
        .query_one("SELECT version FROM userpool_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(usize::try_from(version).unwrap(), MIGRATIONS.len());
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
        created_at: crate::clock::Timestamp::from_unix_seconds(1_700_000_000),
    });
    s.update_user("p", &alice, 3, &[]).unwrap();
    assert_eq!(s.get_user("p", "alice").unwrap().unwrap().mfa, alice.mfa);
}

/// A stored MFA state that does not decode is `Unavailable`, naming the
/// column and quoting nothing of it; the default state is stored as NULL.
#[test]
fn a_corrupt_mfa_state_is_refused_without_quoting_it() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "mfacorrupt");
    let s = schema.store();
    let u = crate::store::conformance::sample_user("alice");
    s.insert_user("p", &u, &[]).unwrap();
    let mut raw = schema.raw();
    let stored: Option<String> = raw
        .query_one("SELECT mfa FROM users WHERE username = 'alice'", &[])
        .unwrap()
        .get(0);
    assert_eq!(stored, None, "the default state is NULL");

    raw.batch_execute(
        "UPDATE users SET mfa = '{\"enabled\":[\"SMS_MFA\"],\"token\":{\"secret\":\"s3cret' \
         WHERE username = 'alice'",
    )
    .unwrap();
    let message = unavailable(s.get_user("p", "alice"));
    assert!(
        message.starts_with("invalid stored mfa: not the JSON of an MFA state"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
    raw.batch_execute(
        "UPDATE users SET mfa = '{\"preferred\":\"VOICE\"}' WHERE username = 'alice'",
    )
    .unwrap();
    assert_eq!(
        unavailable(s.list_users("p", None, 1)),
        "invalid stored mfa: not an MFA factor"
    );
}
