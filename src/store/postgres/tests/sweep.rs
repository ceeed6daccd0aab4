//! Sweeps find what has expired through indexes (migration 4).

use super::{TempSchema, url};
use crate::store::postgres::sweep;

/// Every sweep statement can be answered from an index: with sequential
/// scans disabled, no plan still reads a whole table.
#[test]
fn sweeps_read_expiry_indexes() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "sweep_plan");
    drop(schema.store());
    let mut raw = schema.raw();
    raw.batch_execute("SET enable_seqscan = off").unwrap();
    let mut statements: Vec<(String, String)> = sweep::KINDS
        .iter()
        .map(|(table, _)| ((*table).to_owned(), sweep::delete_expired(table)))
        .collect();
    statements.push((
        "revoked_families".to_owned(),
        sweep::REVOKED_CANDIDATES.to_owned(),
    ));
    for (table, sql) in statements {
        raw.batch_execute(&format!("PREPARE q (text, bigint, bigint) AS {sql}"))
            .unwrap();
        let plan = raw
            .simple_query("EXPLAIN EXECUTE q('p', 5, 10)")
            .unwrap()
            .into_iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!plan.contains("Seq Scan"), "{table}: {plan}");
        assert!(plan.contains("expiry on"), "{table}: {plan}");
        if sql == sweep::REVOKED_CANDIDATES {
            assert!(plan.contains("refresh_tokens_by_family"), "{plan}");
        }
        raw.batch_execute("DEALLOCATE q").unwrap();
    }
}

/// Migration 4 gives the names revoked before it their family and the
/// latest expiry of its tokens: a revoked family stays refused after the
/// upgrade until its tokens are gone, and then its names go.
#[test]
fn revocations_made_before_migration_4_are_kept_while_their_tokens_are() {
    use crate::clock::Timestamp;
    use crate::store::postgres::migrations::MIGRATIONS;
    use crate::store::{REFRESH_TOKEN_RETENTION, SweepStore, TokenStore};

    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "migration4");
    let expires = Timestamp::from_unix_seconds(1_700_003_600);
    {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE SCHEMA {}", schema.name))
            .unwrap();
        let mut raw = schema.raw();
        let mut tx = raw.transaction().unwrap();
        tx.batch_execute("CREATE TABLE userpool_schema (version integer NOT NULL)")
            .unwrap();
        for sql in &MIGRATIONS[..3] {
            tx.batch_execute(sql).unwrap();
        }
        tx.execute("INSERT INTO userpool_schema (version) VALUES (3)", &[])
            .unwrap();
        tx.execute(
            "INSERT INTO refresh_tokens (pool, digest, client_id, username, sub, origin_jti, \
             event_id, auth_time, issued_at, expires_at) \
             VALUES ('p', '\\x01', 'c', 'alice', 's', 'fam', 'ev', 0, 0, $1)",
            &[&expires.unix_millis()],
        )
        .unwrap();
        tx.batch_execute(
            "INSERT INTO revoked_families (pool, id) VALUES ('p', 'fam'), ('p', 'ev'), \
             ('p', 'orphan')",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let s = schema.store();
    let rows: Vec<(String, String, i64)> = schema
        .raw()
        .query(
            "SELECT id, family, expires_at FROM revoked_families ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
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

/// Migration 5 keeps every user and pending code written before it: users
/// get no username attribute (the engine infers it at their next change),
/// codes lose only the window columns.
#[test]
fn users_and_codes_written_before_migration_5_read_back() {
    use crate::store::postgres::migrations::MIGRATIONS;
    use crate::store::{CodePurpose, CodeStore, UserStore};

    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "migration5");
    {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE SCHEMA {}", schema.name))
            .unwrap();
        let mut raw = schema.raw();
        let mut tx = raw.transaction().unwrap();
        tx.batch_execute("CREATE TABLE userpool_schema (version integer NOT NULL)")
            .unwrap();
        for sql in &MIGRATIONS[..4] {
            tx.batch_execute(sql).unwrap();
        }
        tx.execute("INSERT INTO userpool_schema (version) VALUES (4)", &[])
            .unwrap();
        tx.batch_execute(
            "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
             modified_at, failed_sign_ins, version) \
             VALUES ('p', 'alice', '{\"sub\":\"s-1\"}', 'CONFIRMED', true, 0, 0, 0, 3); \
             INSERT INTO codes (pool, username, purpose, id, digest, attribute, destination, \
             issued_at, expires_at, attempts, window_started_at, window_attempts) \
             VALUES ('p', 'alice', 'forgot_password', 9, '\\x0000000000000000000000000000000000000000000000000000000000000000', \
             'email', 'a@example.com', 1, 2, 3, 1, 7);",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let s = schema.store();
    let user = s.get_user("p", "alice").unwrap().unwrap();
    assert_eq!((user.username_attribute, user.version), (None, 3));
    let code = s
        .get_code("p", "alice", CodePurpose::ForgotPassword)
        .unwrap()
        .unwrap();
    assert_eq!((code.id, code.attempts), (9, 3));
    assert_eq!(code.destination.as_deref(), Some("a@example.com"));
}
