//! Values as PostgreSQL holds them: every field round-trips, corrupt rows
//! are reported by column and never by value, names `text` cannot hold
//! find nothing, the largest keys are stored, listings keep byte order.

use std::error::Error as _;

use super::*;
use crate::clock::Timestamp;
use crate::store::{
    ClientRecord, CodePurpose, CodeRecord, CodeStore, ConflictKey, GroupRecord, GroupStore,
    MAX_KEY_BYTES, OnceId, PoolStore, RefreshTokenRecord, TokenStore, UserStatus, UserStore,
    conformance,
};

#[test]
fn every_field_round_trips() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "fields");
    let s = schema.store();
    let mut u = conformance::sample_user("bob");
    u.status = UserStatus::ForceChangePassword;
    u.enabled = false;
    u.srp_verifier = Some(vec![0, 1, 2, 255]);
    u.password_hash = Some("hash with \0 NUL".to_owned());
    u.temporary_password_expires_at = Some(Timestamp::from_unix_millis(-5));
    u.failed_sign_ins = u32::MAX;
    u.created_at = Timestamp::from_unix_millis(i64::MIN);
    u.modified_at = Timestamp::from_unix_millis(i64::MAX);
    u.locked_until = Some(Timestamp::from_unix_millis(i64::MAX));
    u.last_sign_in_attempt = Some(Timestamp::from_unix_millis(i64::MIN));
    u.username_attribute = Some("phone_number".to_owned());
    u.attributes
        .insert("custom:nul".to_owned(), "a\0b \u{1F600}".to_owned());
    s.insert_user("p", &u, &[]).unwrap();
    u.version = 1;
    assert_eq!(s.get_user("p", "bob").unwrap(), Some(u.clone()));
    for status in [
        UserStatus::Unconfirmed,
        UserStatus::Confirmed,
        UserStatus::ResetRequired,
        UserStatus::ExternalProvider,
        UserStatus::Archived,
        UserStatus::Compromised,
        UserStatus::Unknown,
    ] {
        u.status = status;
        u.password_hash = None;
        u.srp_verifier = None;
        s.update_user("p", &u, u.version, &[]).unwrap();
        u.version += 1;
        assert_eq!(s.get_user("p", "bob").unwrap(), Some(u.clone()));
    }

    let code = CodeRecord {
        id: u64::MAX,
        digest: [0xAB; 32],
        attribute: None,
        destination: Some("+15555550100".to_owned()),
        issued_at: Timestamp::from_unix_millis(i64::MIN),
        expires_at: Timestamp::from_unix_millis(i64::MAX),
        attempts: u32::MAX,
    };
    s.put_code("p", "bob", "sub-bob", CodePurpose::VerifyPhoneNumber, &code)
        .unwrap();
    assert_eq!(
        s.get_code("p", "bob", CodePurpose::VerifyPhoneNumber)
            .unwrap(),
        Some(code.clone())
    );
    // The counters saturate instead of overflowing u32.
    assert_eq!(
        s.record_code_attempt("p", "bob", CodePurpose::VerifyPhoneNumber, u64::MAX)
            .unwrap(),
        Some(u32::MAX)
    );
    let taken = s
        .take_code("p", "bob", CodePurpose::VerifyPhoneNumber, u64::MAX)
        .unwrap()
        .unwrap();
    assert_eq!(taken.attempts, u32::MAX);

    let token = RefreshTokenRecord {
        digest: [0; 32],
        client_id: "c".to_owned(),
        username: "bob".to_owned(),
        sub: "sub-bob".to_owned(),
        origin_jti: "o".to_owned(),
        event_id: "e".to_owned(),
        auth_time: Timestamp::from_unix_millis(i64::MIN),
        issued_at: Timestamp::from_unix_millis(0),
        expires_at: Timestamp::from_unix_millis(i64::MAX),
        replaced_at: Some(Timestamp::from_unix_millis(-1)),
        revoked: false,
        device_key: None,
        scope: None,
    };
    s.put_refresh_token("p", &token).unwrap();
    assert_eq!(s.get_refresh_token("p", &[0; 32]).unwrap(), Some(token));

    let g = GroupRecord {
        name: "g".to_owned(),
        description: Some("nul \0 inside".to_owned()),
        role_arn: Some(String::new()),
        precedence: Some(u32::MAX),
        created_at: Timestamp::from_unix_millis(i64::MIN),
        modified_at: Timestamp::from_unix_millis(i64::MAX),
    };
    s.create_group("p", &g).unwrap();
    assert_eq!(s.get_group("p", "g").unwrap(), Some(g));

    let mut pool = conformance::sample_pool("p");
    pool.definition = "{\"x\":\"\0\"}".to_owned();
    pool.sealed_secrets = Vec::new();
    s.insert_pool(&pool).unwrap();
    pool.version = 1;
    assert_eq!(s.get_pool("p").unwrap(), Some(pool));
    let client = ClientRecord {
        client_id: "client".to_owned(),
        definition: String::new(),
        sealed_secret: Some(Vec::new()),
        created_at: Timestamp::from_unix_millis(i64::MIN),
        modified_at: Timestamp::from_unix_millis(i64::MAX),
        version: 0,
    };
    s.insert_client("p", &client).unwrap();
    let (pool_id, got) = s.find_client("client").unwrap().unwrap();
    assert_eq!(pool_id, "p");
    assert_eq!(got.sealed_secret, Some(Vec::new()));
    assert_eq!(got.created_at, client.created_at);
    assert_eq!(got.version, 1);
}

#[test]
fn corrupt_rows_are_unavailable_not_panics() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "corrupt");
    let s = schema.store();
    let key = username_key("k");
    s.insert_user(
        "p",
        &conformance::sample_user("carol"),
        std::slice::from_ref(&key),
    )
    .unwrap();
    let mut raw = schema.raw();
    let mut corrupt = |sql: &str| raw.batch_execute(sql).unwrap();
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

    // Malformed JSON cannot even be written (the attribute indexes parse
    // it); JSON of the wrong shape can.
    assert!(
        schema
            .raw()
            .batch_execute("UPDATE users SET attributes = '{not json'")
            .is_err()
    );
    corrupt(r#"UPDATE users SET status = 'CONFIRMED', attributes = '{"email": 5}'"#);
    user_unavailable("attributes");
    // The message tells where the JSON broke, never what it says; serde's
    // own message, which quotes the value, is the error's source.
    corrupt(r#"UPDATE users SET attributes = '"s3cret value"'"#);
    let e = s.get_user("p", "carol").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("attributes") && !msg.contains("s3cret"),
        "{msg}"
    );
    assert!(!format!("{e:?}").contains("s3cret"), "{e:?}");
    let source = e.source().expect("the decoder's error is kept");
    assert!(source.to_string().contains("s3cret"), "{source}");

    corrupt(r"UPDATE users SET attributes = '{}', password_hash = '\xff'::bytea");
    user_unavailable("password_hash");

    corrupt("UPDATE users SET password_hash = NULL, version = -1");
    user_unavailable("version");

    corrupt("UPDATE users SET version = 1, failed_sign_ins = 4294967296");
    user_unavailable("failed_sign_ins");
    let msg = unavailable(s.get_user("p", "carol"));
    assert!(
        !msg.contains("4294967296"),
        "the stored value is not quoted: {msg}"
    );
    corrupt("UPDATE users SET failed_sign_ins = -1");
    user_unavailable("failed_sign_ins");
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
    corrupt(r"UPDATE codes SET digest = '\x0102'::bytea");
    let msg = unavailable(s.get_code("p", "carol", CodePurpose::SignUp));
    assert!(msg.contains("code digest"), "{msg}");
    corrupt("UPDATE codes SET digest = decode(repeat('07', 32), 'hex'), attempts = 4294967295");
    // A saturated counter stays in range; a stored -1 is corrupt.
    assert_eq!(
        s.record_code_attempt("p", "carol", CodePurpose::SignUp, u64::MAX)
            .unwrap(),
        Some(u32::MAX)
    );
    corrupt("UPDATE codes SET attempts = -1");
    let msg = unavailable(s.take_code("p", "carol", CodePurpose::SignUp, u64::MAX));
    assert!(msg.contains("code attempts"), "{msg}");

    s.create_group(
        "p",
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
    corrupt(r"UPDATE groups SET description = '\xc3'::bytea");
    let msg = unavailable(s.get_group("p", "g"));
    assert!(msg.contains("group description"), "{msg}");
    corrupt("UPDATE groups SET description = NULL, precedence = -1");
    let msg = unavailable(s.list_groups("p", None, 10));
    assert!(msg.contains("group precedence"), "{msg}");

    s.insert_pool(&conformance::sample_pool("p")).unwrap();
    corrupt(r"UPDATE pools SET definition = '\xfe'::bytea");
    let msg = unavailable(s.get_pool("p"));
    assert!(msg.contains("pool definition"), "{msg}");
    corrupt("UPDATE pools SET definition = '', version = -5");
    let msg = unavailable(s.list_pools(None, 10));
    assert!(msg.contains("pool version"), "{msg}");

    // A column of the wrong type: the store that had prepared its
    // statements and a fresh one both report it.
    corrupt("ALTER TABLE users ALTER COLUMN enabled TYPE text");
    // The stale prepared statement is dropped with its connection, and
    // the call run again on a fresh one.
    let e = s.get_user("p", "carol").unwrap_err();
    assert!(e.to_string().contains("enabled"), "{e}");
    assert!(
        e.source()
            .and_then(|c| c.downcast_ref::<postgres::Error>())
            .is_some(),
        "the driver's error is kept: {e:?}"
    );
    let fresh = schema.store();
    let msg = unavailable(fresh.get_user("p", "carol"));
    assert!(msg.contains("enabled"), "{msg}");
    // The store still works for everything else.
    assert!(fresh.get_group("p", "nope").unwrap().is_none());
}

/// Connection settings out of bounds are refused before connecting.
#[test]
fn unacceptable_connection_settings_are_invalid_input() {
    let Some(url) = url() else { return };
    invalid(PostgresStore::connect_with(&url, 0));
    for bad in ["", "Upper", "1abc", "a-b", "a b", "x\"y", &"a".repeat(64)] {
        invalid(PostgresStore::connect_in_schema(&url, bad));
    }
}

/// The store checks no limits itself (the `Limited` layer does, see
/// `store::limits`): a NUL it is handed anyway reaches PostgreSQL, which
/// refuses it, and the transaction writes nothing.
#[test]
fn a_nul_past_the_limits_layer_is_unavailable_and_writes_nothing() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "rawnul");
    let s = schema.store();
    let mut u = conformance::sample_user("alice");
    u.username = "al\0ice".to_owned();
    let msg = unavailable(s.insert_user("p", &u, &[username_key("alice")]));
    assert!(msg.starts_with("postgres: "), "{msg}");
    let u = conformance::sample_user("alice");
    unavailable(s.insert_user("p", &u, &[username_key("al\0ice")]));
    assert!(s.list_users("p", None, 10).unwrap().is_empty());
    assert_eq!(s.find_user("p", &username_key("alice")).unwrap(), None);
    // The connection survives: the next call works.
    s.insert_user("p", &u, &[username_key("alice")]).unwrap();
}

#[test]
fn lookups_by_unstorable_names_find_nothing() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "nul");
    let s = schema.store();
    for n in ["a", "b"] {
        s.insert_user("p", &conformance::sample_user(n), &[username_key(n)])
            .unwrap();
    }
    let nul = "a\0";
    assert_eq!(s.get_user("p", nul).unwrap(), None);
    assert_eq!(s.get_user(nul, "a").unwrap(), None);
    assert_eq!(s.find_user("p", &username_key(nul)).unwrap(), None);
    assert_eq!(s.delete_user("p", nul, 1), Err(StoreError::NotFound));
    assert!(s.list_users(nul, None, 10).unwrap().is_empty());
    // Every storable name after "a\0" is after "a".
    let after: Vec<String> = s
        .list_users("p", Some(nul), 10)
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(after, ["b"]);
    assert_eq!(s.get_code("p", nul, CodePurpose::SignUp).unwrap(), None);
    assert_eq!(
        s.record_code_attempt("p", nul, CodePurpose::SignUp, 1)
            .unwrap(),
        None
    );
    assert_eq!(s.take_code("p", nul, CodePurpose::SignUp, 1).unwrap(), None);
    assert_eq!(s.get_refresh_token(nul, &[0; 32]).unwrap(), None);
    assert_eq!(
        s.mark_refresh_token_replaced(nul, &[0; 32], Timestamp::UNIX_EPOCH),
        Err(StoreError::NotFound)
    );
    s.revoke_user_tokens("p", nul).unwrap();
    assert!(!s.is_family_revoked("p", nul).unwrap());
    assert_eq!(s.get_group("p", nul).unwrap(), None);
    assert_eq!(s.delete_group("p", nul), Err(StoreError::NotFound));
    assert_eq!(s.add_to_group("p", nul, "a"), Err(StoreError::NotFound));
    assert_eq!(
        s.remove_from_group("p", nul, "a"),
        Err(StoreError::NotFound)
    );
    assert_eq!(
        s.users_in_group("p", nul, None, 1),
        Err(StoreError::NotFound)
    );
    assert!(s.groups_of_user("p", nul).unwrap().is_empty());
    assert_eq!(s.get_pool(nul).unwrap(), None);
    assert_eq!(s.delete_pool(nul), Err(StoreError::NotFound));
    assert_eq!(s.find_client(nul).unwrap(), None);
    assert_eq!(s.get_client("p", nul).unwrap(), None);
    assert_eq!(s.delete_client("p", nul), Err(StoreError::NotFound));
    assert!(s.list_clients(nul, None, 1).unwrap().is_empty());
}

/// A B-tree cannot index 4 kB of incompressible text: the row keys are
/// hashes, so the largest keys the contract allows are stored anyway.
#[test]
fn the_largest_incompressible_keys_are_stored() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "big");
    let s = schema.store();
    let pool_id = incompressible(1, MAX_KEY_BYTES);
    let username = incompressible(2, MAX_KEY_BYTES);
    let key = username_key(&incompressible(3, MAX_KEY_BYTES - "username:".len()));
    let group_name = incompressible(4, MAX_KEY_BYTES);
    let client_id = incompressible(5, MAX_KEY_BYTES);
    let once = OnceId::Session(incompressible(7, MAX_KEY_BYTES - "session:".len()));
    for k in [
        &pool_id,
        &username,
        &key.encode(),
        &group_name,
        &client_id,
        &once.encode(),
    ] {
        assert_eq!(k.len(), MAX_KEY_BYTES);
    }
    s.insert_pool(&conformance::sample_pool(&pool_id)).unwrap();
    let u = conformance::sample_user(&username);
    s.insert_user(&pool_id, &u, std::slice::from_ref(&key))
        .unwrap();
    assert!(matches!(
        s.insert_user(&pool_id, &conformance::sample_user("other"), std::slice::from_ref(&key)),
        Err(StoreError::Conflict(ConflictKey::Index(k))) if k == key
    ));
    assert_eq!(
        s.find_user(&pool_id, &key).unwrap().unwrap().username,
        username
    );
    assert_eq!(s.list_users(&pool_id, None, 10).unwrap().len(), 1);
    s.create_group(
        &pool_id,
        &GroupRecord {
            name: group_name.clone(),
            description: Some(incompressible(6, 100_000)),
            role_arn: None,
            precedence: None,
            created_at: Timestamp::UNIX_EPOCH,
            modified_at: Timestamp::UNIX_EPOCH,
        },
    )
    .unwrap();
    s.add_to_group(&pool_id, &group_name, &username).unwrap();
    assert_eq!(
        s.users_in_group(&pool_id, &group_name, None, 10).unwrap(),
        std::slice::from_ref(&username)
    );
    assert_eq!(s.groups_of_user(&pool_id, &username).unwrap().len(), 1);
    let mut client = ClientRecord {
        client_id: client_id.clone(),
        definition: "{}".to_owned(),
        sealed_secret: None,
        created_at: Timestamp::UNIX_EPOCH,
        modified_at: Timestamp::UNIX_EPOCH,
        version: 0,
    };
    s.insert_client(&pool_id, &client).unwrap();
    client.version = 1;
    assert_eq!(
        s.find_client(&client_id).unwrap(),
        Some((pool_id.clone(), client))
    );
    assert!(
        s.consume_once(&pool_id, &once, Timestamp::UNIX_EPOCH)
            .unwrap()
    );
    assert!(
        !s.consume_once(&pool_id, &once, Timestamp::UNIX_EPOCH)
            .unwrap()
    );
    s.delete_pool(&pool_id).unwrap();
    assert_eq!(s.get_user(&pool_id, &username).unwrap(), None);
    assert_eq!(s.find_client(&client_id).unwrap(), None);
}

/// Listings stay in byte order when names share more than the 128
/// characters the ordering indexes hold.
#[test]
fn listings_are_in_byte_order_past_the_indexed_prefix() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "order");
    let s = schema.store();
    let prefix = "é".repeat(127) + "x";
    let mut names: Vec<String> = ["b", "a", "", "Z", "\u{1F600}", "é", "aa"]
        .iter()
        .map(|suffix| format!("{prefix}{suffix}"))
        .collect();
    names.extend(["é".to_owned(), "zz".to_owned(), prefix[..20].to_owned()]);
    names.push(format!("{prefix}a{}", "0".repeat(300)));
    names.push(incompressible(9, MAX_KEY_BYTES - 1));
    s.insert_pool(&conformance::sample_pool("p")).unwrap();
    s.create_group(
        "p",
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
    for n in &names {
        s.insert_user("p", &conformance::sample_user(n), &[])
            .unwrap();
        s.add_to_group("p", "g", n).unwrap();
        s.create_group(
            "p",
            &GroupRecord {
                name: format!("{n}/"),
                description: None,
                role_arn: None,
                precedence: None,
                created_at: Timestamp::UNIX_EPOCH,
                modified_at: Timestamp::UNIX_EPOCH,
            },
        )
        .unwrap();
        s.insert_pool(&conformance::sample_pool(&format!("{n}#")))
            .unwrap();
        s.insert_client(
            "p",
            &ClientRecord {
                client_id: n.clone(),
                definition: String::new(),
                sealed_secret: None,
                created_at: Timestamp::UNIX_EPOCH,
                modified_at: Timestamp::UNIX_EPOCH,
                version: 0,
            },
        )
        .unwrap();
    }
    let mut expected = names.clone();
    expected.sort_unstable();

    let walk = |page: &dyn Fn(Option<&str>) -> Vec<String>| {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let got = page(after.as_deref());
            assert!(got.len() <= 2);
            let Some(last) = got.last() else { break };
            after = Some(last.clone());
            seen.extend(got);
        }
        seen
    };
    let users = walk(&|a| {
        s.list_users("p", a, 2)
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect()
    });
    assert_eq!(users, expected);
    let members = walk(&|a| s.users_in_group("p", "g", a, 2).unwrap());
    assert_eq!(members, expected);
    let clients = walk(&|a| {
        s.list_clients("p", a, 2)
            .unwrap()
            .into_iter()
            .map(|c| c.client_id)
            .collect()
    });
    assert_eq!(clients, expected);

    let mut expected_groups: Vec<String> = names.iter().map(|n| format!("{n}/")).collect();
    expected_groups.push("g".to_owned());
    expected_groups.sort_unstable();
    let groups = walk(&|a| {
        s.list_groups("p", a, 2)
            .unwrap()
            .into_iter()
            .map(|g| g.name)
            .collect()
    });
    assert_eq!(groups, expected_groups);
    let mut expected_pools: Vec<String> = names.iter().map(|n| format!("{n}#")).collect();
    expected_pools.push("p".to_owned());
    expected_pools.sort_unstable();
    let pools = walk(&|a| {
        s.list_pools(a, 2)
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect()
    });
    assert_eq!(pools, expected_pools);
}
