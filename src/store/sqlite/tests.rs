//! What the conformance suite (`tests/store.rs`) cannot see: the file and
//! its schema, the stored encodings, and how corrupt rows are reported.

use std::error::Error as _;
use std::path::PathBuf;

use super::*;
use crate::clock::Timestamp;
use crate::store::sql::attributes;
use crate::store::{
    CodePurpose, CodeRecord, CodeStore, IndexKey, StoreError, TokenStore, UserStatus, UserStore,
    conformance,
};

/// A unique path in the temp directory, deleted (with its WAL files) on drop.
pub(super) struct TempDb(pub(super) PathBuf);

impl TempDb {
    pub(super) fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Self(std::env::temp_dir().join(format!(
            "userpool-sqlite-{tag}-{}-{nanos}-{n}.db",
            std::process::id()
        )))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

fn username_key(name: &str) -> IndexKey {
    IndexKey::Username(name.to_owned())
}

/// The message of an `Unavailable` error, or a panic naming what came instead.
fn unavailable<T: std::fmt::Debug>(r: StoreResult<T>) -> String {
    match r {
        Err(StoreError::Unavailable { message, .. }) => message,
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn reopening_a_file_keeps_users_and_the_schema_version() {
    let db = TempDb::new("reopen");
    let alice = conformance::sample_user("alice");
    {
        let s = SqliteStore::open(&db.0).unwrap();
        s.insert_user("pool", &alice, &[username_key("alice")])
            .unwrap();
    }
    let s = SqliteStore::open(&db.0).unwrap();
    let got = s.get_user("pool", "alice").unwrap().unwrap();
    assert_eq!(got.version, 1);
    assert_eq!(got.attributes, alice.attributes);
    assert_eq!(got.password_hash, alice.password_hash);
    assert_eq!(
        s.find_user("pool", &username_key("alice"))
            .unwrap()
            .unwrap(),
        got
    );
    let v: i64 = s
        .lock()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, i64::from(SqliteStore::schema_version()));
}

/// Keys are stored as the strings the pool wrote before they were typed:
/// a row written then finds its user, and a typed key is stored as that
/// string.
#[test]
fn keys_are_stored_in_the_encoding_of_before() {
    let s = SqliteStore::open_in_memory().unwrap();
    s.insert_user(
        "p",
        &conformance::sample_user("alice"),
        &[IndexKey::Email("alice@example.com".to_owned())],
    )
    .unwrap();
    s.insert_user("p", &conformance::sample_user("bob"), &[])
        .unwrap();
    s.lock()
        .execute(
            "INSERT INTO user_keys (pool, key, username) VALUES ('p', 'phone_number:+1555', 'bob')",
            [],
        )
        .unwrap();
    let stored: String = s
        .lock()
        .query_row(
            "SELECT key FROM user_keys WHERE username = 'alice'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "email:alice@example.com");
    let bob = s
        .find_user("p", &IndexKey::PhoneNumber("+1555".to_owned()))
        .unwrap()
        .unwrap();
    assert_eq!(bob.username, "bob");
    let once = crate::store::OnceId::SrpBlock([0xAB; 16]);
    assert!(s.consume_once("p", &once, Timestamp::UNIX_EPOCH).unwrap());
    let stored: String = s
        .lock()
        .query_row("SELECT id FROM used_once", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, format!("srp:{}", "ab".repeat(16)));
}

/// Migration 3 indexes every attribute the shared core says is indexed
/// (the prefix search names `users_by_<attribute>` in its SQL).
#[test]
fn every_indexed_attribute_has_its_index() {
    let s = SqliteStore::open_in_memory().unwrap();
    for a in attributes::indexed() {
        let found: bool = s
            .lock()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1)",
                [format!("users_by_{a}")],
                |r| r.get(0),
            )
            .unwrap();
        assert!(found, "users_by_{a}");
    }
}

#[test]
fn every_user_field_round_trips() {
    let s = SqliteStore::open_in_memory().unwrap();
    let mut u = conformance::sample_user("bob");
    u.status = UserStatus::ForceChangePassword;
    u.enabled = false;
    u.srp_verifier = Some(vec![0, 1, 2, 255]);
    u.temporary_password_expires_at = Some(Timestamp::from_unix_millis(-5));
    u.failed_sign_ins = u32::MAX;
    u.locked_until = Some(Timestamp::from_unix_millis(i64::MAX));
    u.last_sign_in_attempt = Some(Timestamp::from_unix_millis(i64::MIN));
    u.username_attribute = Some("phone_number".to_owned());
    s.insert_user("p", &u, &[]).unwrap();
    u.version = 1;
    assert_eq!(s.get_user("p", "bob").unwrap(), Some(u));
}

#[test]
fn a_newer_schema_is_refused() {
    let db = TempDb::new("newer");
    {
        let s = SqliteStore::open(&db.0).unwrap();
        s.lock().pragma_update(None, "user_version", 999).unwrap();
    }
    let msg = unavailable(SqliteStore::open(&db.0));
    assert!(msg.contains("newer"), "{msg}");
}

#[test]
fn corrupt_rows_are_unavailable_not_panics() {
    let s = SqliteStore::open_in_memory().unwrap();
    let key = username_key("carol");
    s.insert_user(
        "p",
        &conformance::sample_user("carol"),
        std::slice::from_ref(&key),
    )
    .unwrap();
    let corrupt = |sql: &str| {
        s.lock().execute(sql, []).unwrap();
    };
    let user_unavailable = |column: &str| {
        for msg in [
            unavailable(s.get_user("p", "carol")),
            unavailable(s.find_user("p", &key)),
            unavailable(s.list_users("p", None, 10)),
        ] {
            assert!(msg.contains(column), "{column}: {msg}");
        }
    };

    corrupt("UPDATE users SET status = 'BOGUS'");
    user_unavailable("status");
    let msg = unavailable(s.get_user("p", "carol"));
    assert!(
        !msg.contains("BOGUS"),
        "the stored value is not quoted: {msg}"
    );

    // Malformed JSON cannot even be written (the attribute indexes parse
    // it); JSON of the wrong shape can.
    let conn = s.lock();
    assert!(
        conn.execute("UPDATE users SET attributes = '{not json'", [])
            .is_err()
    );
    drop(conn);
    corrupt("UPDATE users SET status = 'CONFIRMED', attributes = '{\"email\": 5}'");
    user_unavailable("attributes");
    corrupt("UPDATE users SET attributes = '[]'");
    user_unavailable("attributes");
    // The message tells where the JSON broke, never what it says; serde's
    // own message, which quotes the value, is the error's source.
    corrupt(r#"UPDATE users SET attributes = '"s3cret value"'"#);
    let e = s.get_user("p", "carol").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("attributes") && msg.contains("line 1") && !msg.contains("s3cret"),
        "{msg}"
    );
    assert!(!format!("{e:?}").contains("s3cret"), "{e:?}");
    let source = e.source().expect("the decoder's error is kept");
    assert!(source.downcast_ref::<serde_json::Error>().is_some());
    assert!(source.to_string().contains("s3cret"), "{source}");

    corrupt(
        "UPDATE users SET attributes = CAST(X'7B7D' AS TEXT), password_hash = CAST(X'FF' AS TEXT)",
    );
    user_unavailable("password_hash");
    let e = s.get_user("p", "carol").unwrap_err();
    assert!(
        e.source()
            .and_then(|s| s.downcast_ref::<rusqlite::Error>())
            .is_some(),
        "the driver's error is kept: {e:?}"
    );

    corrupt("UPDATE users SET password_hash = NULL, version = -1");
    user_unavailable("version");
    corrupt("UPDATE users SET version = 1, failed_sign_ins = 4294967296");
    user_unavailable("failed_sign_ins");
    let msg = unavailable(s.get_user("p", "carol"));
    assert!(!msg.contains("4294967296"), "{msg}");
    corrupt("UPDATE users SET failed_sign_ins = 0");
    assert!(s.get_user("p", "carol").unwrap().is_some());

    let code = CodeRecord {
        id: u64::MAX,
        digest: [7; 32],
        attribute: None,
        destination: None,
        issued_at: Timestamp::UNIX_EPOCH,
        expires_at: Timestamp::UNIX_EPOCH,
        attempts: 0,
    };
    corrupt(r#"UPDATE users SET attributes = '{"sub": "sub-carol"}'"#);
    s.put_code("p", "carol", "sub-carol", CodePurpose::SignUp, &code)
        .unwrap();
    assert_eq!(
        s.get_code("p", "carol", CodePurpose::SignUp).unwrap(),
        Some(code)
    );
    corrupt("UPDATE codes SET digest = X'0102'");
    let msg = unavailable(s.get_code("p", "carol", CodePurpose::SignUp));
    assert_eq!(msg, "invalid stored code digest: 2 bytes, expected 32");
}

/// A backend failure says what failed, in SQLite's words, and keeps the
/// driver's error as its source.
#[test]
fn backend_failures_keep_their_cause() {
    let s = SqliteStore::open_in_memory().unwrap();
    s.lock().execute_batch("DROP TABLE codes").unwrap();
    let e = s.get_code("p", "carol", CodePurpose::SignUp).unwrap_err();
    let StoreError::Unavailable { message, .. } = &e else {
        panic!("expected Unavailable, got {e:?}");
    };
    assert_eq!(message, "sqlite: no such table: codes");
    let cause = e.source().and_then(|c| c.downcast_ref::<rusqlite::Error>());
    assert!(cause.is_some(), "{e:?}");
}

/// Migration 5 gives the names revoked before it their family and the
/// latest expiry of its tokens: a revoked family stays refused after the
/// upgrade until its tokens are gone, and then its names go.
#[test]
fn revocations_made_before_migration_5_are_kept_while_their_tokens_are() {
    use crate::store::{REFRESH_TOKEN_RETENTION, SweepStore};
    let db = TempDb::new("migration5");
    let expires = Timestamp::from_unix_seconds(1_700_003_600);
    {
        let mut conn = Connection::open(&db.0).unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &migrations::MIGRATIONS[..4] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 4).unwrap();
        tx.execute(
            "INSERT INTO refresh_tokens (pool, digest, client_id, username, sub, origin_jti, \
             event_id, auth_time, issued_at, expires_at) \
             VALUES ('p', x'01', 'c', 'alice', 's', 'fam', 'ev', 0, 0, ?1)",
            [expires.unix_millis()],
        )
        .unwrap();
        tx.execute_batch(
            "INSERT INTO revoked_families (pool, id) VALUES ('p', 'fam'), ('p', 'ev'), \
             ('p', 'orphan')",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let s = SqliteStore::open(&db.0).unwrap();
    let rows: Vec<(String, String, i64)> = s
        .lock()
        .prepare("SELECT id, family, expires_at FROM revoked_families ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let e = expires.unix_millis();
    assert_eq!(
        rows,
        [
            ("ev".to_owned(), "fam".to_owned(), e),
            ("fam".to_owned(), "fam".to_owned(), e),
            ("orphan".to_owned(), "orphan".to_owned(), 0),
        ]
    );
    let r = s.sweep_expired("p", expires, 100).unwrap();
    assert_eq!(r.revoked_families, 1, "only the name of no token goes");
    assert!(s.is_family_revoked("p", "fam").unwrap());
    assert!(s.is_family_revoked("p", "ev").unwrap());
    let later = expires.saturating_add(REFRESH_TOKEN_RETENTION);
    let r = s.sweep_expired("p", later, 100).unwrap();
    assert_eq!((r.refresh_tokens, r.revoked_families), (1, 2));
    assert!(!s.is_family_revoked("p", "fam").unwrap());
}

/// Migration 6 keeps every user and pending code of a database written
/// before it: users get no username attribute (the engine's rule for them
/// is in `UserPool::index_keys`), codes lose only the window columns.
#[test]
fn users_and_codes_written_before_migration_6_read_back() {
    let db = TempDb::new("migration6");
    {
        let mut conn = Connection::open(&db.0).unwrap();
        let tx = conn.transaction().unwrap();
        for sql in &migrations::MIGRATIONS[..5] {
            tx.execute_batch(sql).unwrap();
        }
        tx.pragma_update(None, "user_version", 5).unwrap();
        tx.execute_batch(
            "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
             modified_at, failed_sign_ins, version) \
             VALUES ('p', 'alice', '{\"sub\":\"s-1\"}', 'CONFIRMED', 1, 0, 0, 0, 3); \
             INSERT INTO codes (pool, username, purpose, id, digest, attribute, destination, \
             issued_at, expires_at, attempts, window_started_at, window_attempts) \
             VALUES ('p', 'alice', 'forgot_password', 9, zeroblob(32), 'email', \
             'a@example.com', 1, 2, 3, 1, 7);",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let s = SqliteStore::open(&db.0).unwrap();
    let user = s.get_user("p", "alice").unwrap().unwrap();
    assert_eq!((user.username_attribute, user.version), (None, 3));
    let code = s
        .get_code("p", "alice", CodePurpose::ForgotPassword)
        .unwrap()
        .unwrap();
    assert_eq!((code.id, code.attempts), (9, 3));
    assert_eq!(code.destination.as_deref(), Some("a@example.com"));
}

/// Every sweep statement finds its rows through an index, never by
/// reading a table.
#[test]
fn sweeps_read_expiry_indexes() {
    let s = SqliteStore::open_in_memory().unwrap();
    let conn = s.lock();
    let plan = |sql: &str| -> Vec<String> {
        conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(rusqlite::params!["p", 5, 10], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    for (table, key, _) in sweep::KINDS {
        let p = plan(&sweep::delete_expired(table, key));
        assert!(
            p.iter()
                .any(|l| l.contains(&format!("{table}_by")) && l.contains("expir"))
                && !p.iter().any(|l| l.starts_with("SCAN")),
            "{table}: {p:?}"
        );
    }
    let p = plan(sweep::REVOKED_CANDIDATES);
    assert!(
        p.iter().any(|l| l.contains("revoked_families_by_expiry"))
            && p.iter().any(|l| l.contains("refresh_tokens_by_family"))
            && !p.iter().any(|l| l.starts_with("SCAN")),
        "{p:?}"
    );
}
