//! The prefix search over the attribute indexes: it agrees with a scan on
//! values the indexes cannot hold as they are, and a selective prefix is
//! read from the index.

use super::*;
use crate::store::postgres::users::prefix_query;
use crate::store::sql::attributes;
use crate::store::{UserStore, conformance, scan_users_by_attribute_prefix};

/// Values the attribute indexes cannot hold whole or as they are —
/// longer than their 128 characters, with NUL, U+0001 or the characters
/// `\u0000` — are stored, and a prefix search finds exactly the users a
/// scan finds, page after page.
#[test]
fn attribute_prefix_search_agrees_with_a_scan_on_awkward_values() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "prefix");
    let s = schema.store();
    let long = "é".repeat(127) + "x";
    let emails = [
        "a\0b".to_owned(),
        "a\u{1}b".to_owned(),
        "a\0".to_owned(),
        "a\\u0000b".to_owned(),
        "a\\u0001b".to_owned(),
        "a\\\0".to_owned(),
        format!("{long}a"),
        format!("{long}b"),
        format!("{long}ab"),
        long.clone(),
        incompressible(11, 2048),
        incompressible(12, 100_000),
        "\u{10FFFF}\u{10FFFF}".to_owned(),
        "\u{10FFFF}a".to_owned(),
        String::new(),
    ];
    for (i, email) in emails.iter().enumerate() {
        let mut u = conformance::sample_user(&format!("u{:02}", 99 - i));
        for a in attributes::indexed() {
            u.attributes.insert(a.to_owned(), email.clone());
        }
        s.insert_user("p", &u, &[]).unwrap();
    }
    s.insert_user("p", &conformance::sample_user("plain"), &[])
        .unwrap();
    let mut prefixes: Vec<String> = [
        "",
        "a",
        "a\0",
        "a\u{1}",
        "a\\u0000",
        "a\\u0001",
        "a\\",
        "\u{10FFFF}",
        "\u{10FFFF}\u{10FFFF}",
        "é",
        "plain",
        "z",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    prefixes.extend([
        long.clone(),
        format!("{long}a"),
        format!("{long}b"),
        emails[10].clone(),
        emails[11][..1000].to_owned(),
    ]);
    for attribute in attributes::indexed().chain(["custom:none"]) {
        for prefix in &prefixes {
            let expected: Vec<String> =
                scan_users_by_attribute_prefix(&s, "p", attribute, prefix, None, 100)
                    .unwrap()
                    .into_iter()
                    .map(|u| u.username)
                    .collect();
            for page in [1, 2, 100] {
                let mut got = Vec::new();
                let mut after: Option<String> = None;
                loop {
                    let batch = s
                        .list_users_by_attribute_prefix(
                            "p",
                            attribute,
                            prefix,
                            after.as_deref(),
                            page,
                        )
                        .unwrap();
                    assert!(batch.len() <= page);
                    let Some(last) = batch.last() else { break };
                    after = Some(last.username.clone());
                    got.extend(batch.into_iter().map(|u| u.username));
                }
                assert_eq!(got, expected, "{attribute} ^= {prefix:?}, pages of {page}");
            }
        }
    }
    let found = |prefix: &str| {
        s.list_users_by_attribute_prefix("p", "email", prefix, None, 100)
            .unwrap()
            .len()
    };
    assert_eq!(found("a\0"), 2, "a\\0b and a\\0");
    assert_eq!(found(&format!("{long}a")), 2);
    assert_eq!(found(""), emails.len() + 1);
}

/// A selective prefix is answered from the attribute's index, not by
/// reading the pool.
#[test]
fn a_selective_prefix_is_read_from_the_index() {
    let Some(url) = url() else { return };
    let schema = TempSchema::new(&url, "explain");
    let s = schema.store();
    s.insert_user("p", &conformance::sample_user("first"), &[])
        .unwrap();
    let mut raw = schema.raw();
    raw.batch_execute(
        "INSERT INTO users (pool, username, attributes, status, enabled, created_at, \
         modified_at, failed_sign_ins, version) \
         SELECT 'p', 'user' || i, pg_catalog.json_build_object('sub', 'sub-' || i, \
         'email', 'user' || pg_catalog.lpad(i::text, 5, '0') || '@example.com')::text, \
         'CONFIRMED', true, 0, 0, 0, 1 FROM pg_catalog.generate_series(1, 5000) i; \
         ANALYZE users",
    )
    .unwrap();
    for cmp in [">=", ">"] {
        let sql = prefix_query("email", cmp, true, false);
        raw.batch_execute(&format!("PREPARE q AS {sql}")).unwrap();
        let plan: String = raw
            .simple_query("EXPLAIN EXECUTE q('p', 'user0424', '', 'user0425', 60)")
            .unwrap()
            .into_iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(plan.contains("users_by_email"), "{plan}");
        raw.batch_execute("DEALLOCATE q").unwrap();
    }
    let got = s
        .list_users_by_attribute_prefix("p", "email", "user0424", None, 60)
        .unwrap();
    assert_eq!(got.len(), 10);
    assert!(got.windows(2).all(|w| w[0].username < w[1].username));
}
