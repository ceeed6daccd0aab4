//! The schema, its migrations, the connections and the connection URL.

use super::*;
use crate::clock::Timestamp;
use crate::store::{OnceId, PoolStore, TokenStore, UserStore, conformance};

#[test]
fn reopening_keeps_data_and_the_schema_version() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "reopen");
    let alice = conformance::sample_user("alice");
    {
        let s = schema.store();
        s.insert_user("pool", &alice, &[username_key("alice")])
            .unwrap();
    }
    let s = schema.store();
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
    // Stored in the encoding the pool used before keys were typed.
    let key: String = schema
        .raw()
        .query_one("SELECT key FROM user_keys", &[])
        .unwrap()
        .get(0);
    assert_eq!(key, "username:alice");
    let rows = schema
        .raw()
        .query("SELECT version FROM userpool_schema", &[])
        .unwrap();
    assert_eq!(rows.len(), 1);
    let v: i32 = rows[0].get(0);
    assert_eq!(i64::from(v), i64::from(PostgresStore::schema_version()));
}

#[test]
fn processes_starting_together_migrate_once() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "race");
    std::thread::scope(|sc| {
        for _ in 0..6 {
            sc.spawn(|| schema.store());
        }
    });
    let n: i64 = schema
        .raw()
        .query_one("SELECT count(*) FROM userpool_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    schema
        .store()
        .insert_pool(&conformance::sample_pool("p"))
        .unwrap();
}

#[test]
fn a_newer_schema_is_refused() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "newer");
    drop(schema.store());
    schema
        .raw()
        .batch_execute("UPDATE userpool_schema SET version = 999")
        .unwrap();
    let msg = unavailable(PostgresStore::connect_in_schema(&url, &schema.name));
    assert!(msg.contains("newer"), "{msg}");
    assert!(msg.contains("999"), "{msg}");
    assert!(
        msg.contains(&format!("({})", PostgresStore::schema_version())),
        "{msg}"
    );
    schema
        .raw()
        .batch_execute(
            "UPDATE userpool_schema SET version = 1; INSERT INTO userpool_schema VALUES (1)",
        )
        .unwrap();
    let msg = unavailable(PostgresStore::connect_in_schema(&url, &schema.name));
    assert!(msg.contains("userpool_schema"), "{msg}");
}

#[test]
fn the_password_in_the_url_stays_out_of_debug_and_errors() {
    let Some(url) = url() else { return };
    let secret = "s3cr3t-pw";
    // Trust authentication ignores a password: connect with one.
    let with_password = match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((user, host)) if !user.contains(':') => {
                Some(format!("{scheme}://{user}:{secret}@{host}"))
            }
            _ => None,
        },
        None => None,
    };
    if let Some(u) = with_password {
        let schema = TempSchema::new(&url, "secret");
        if let Ok(s) = PostgresStore::connect_in_schema(&u, &schema.name) {
            let debug = format!("{s:?}");
            assert!(!debug.contains(secret), "{debug}");
            assert!(debug.contains(&schema.name), "{debug}");
        }
    }
    let msg = unavailable(PostgresStore::connect(&format!(
        "postgres://someone:{secret}@127.0.0.1:1/db?connect_timeout=2"
    )));
    assert!(!msg.contains(secret), "{msg}");
    let msg = invalid(PostgresStore::connect(&format!(
        "postgres://someone:{secret}@127.0.0.1:port{secret}/db"
    )));
    assert!(!msg.contains(secret), "{msg}");
}

#[test]
fn a_one_connection_pool_serves_many_threads() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "cap");
    let s = PostgresStore::connect_in_schema_with(&url, &schema.name, 1).unwrap();
    std::thread::scope(|sc| {
        for i in 0..8 {
            let s = &s;
            sc.spawn(move || {
                for j in 0..10 {
                    let id = OnceId::Session(format!("{i}-{j}"));
                    assert!(s.consume_once("p", &id, Timestamp::UNIX_EPOCH).unwrap());
                }
            });
        }
    });
    assert_eq!(s.connections.open(), 1);
}
