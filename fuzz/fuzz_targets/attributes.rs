//! Attribute validation on untrusted input: arbitrary name/value pairs through
//! `validate_create`, `validate_update` and `validate_delete` against the
//! quickstart schema must never panic; an accepted create stores only values
//! of at most 2048 characters, and an accepted update or delete never touches
//! an immutable attribute.
//!
//! Input layout: the first byte picks the writer (bit 0) and whether the
//! pairs also run as an update of the user the create produced (bit 1). The
//! rest is records separated by 0x00; in each, the name runs to the first
//! 0x01 and the value follows (lossy UTF-8). A name that is a single byte
//! 0x02..=0x1f picks one of the schema's names, so the fuzzer reaches real
//! attributes without guessing their spelling.

#![no_main]

use libfuzzer_sys::fuzz_target;
use userpool::internals::schema::{
    Attributes, Writer, validate_create, validate_delete, validate_update,
};
use userpool::schema::{Attribute, CustomAttribute, Schema, StandardAttribute};

const NAMES: [&str; 16] = [
    "family_name",
    "address",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "sub",
    "birthdate",
    "updated_at",
    "custom:tenant_id",
    "custom:created_at",
    "custom:employee_id",
    "custom:is_admin",
    "dev:tenant_id",
    "dev:custom:is_admin",
    "custom:",
];

const IMMUTABLE: [&str; 4] = [
    "family_name",
    "custom:tenant_id",
    "custom:employee_id",
    "sub",
];

fn quickstart() -> Schema {
    Schema::new(
        vec![
            StandardAttribute::new("family_name").required().immutable(),
            StandardAttribute::new("address"),
        ],
        vec![
            CustomAttribute::string("tenant_id")
                .length(10, 15)
                .immutable(),
            CustomAttribute::date_time("created_at"),
            CustomAttribute::number("employee_id")
                .range(1, 100)
                .immutable(),
            CustomAttribute::boolean("is_admin"),
        ],
    )
    .expect("the quickstart schema is valid")
}

fn existing_user(schema: &Schema) -> Attributes {
    let signup = [
        ("family_name", "Foobar"),
        ("custom:tenant_id", "1234567890"),
        ("custom:created_at", "2022-01-01"),
        ("custom:employee_id", "10"),
        ("custom:is_admin", "false"),
        ("email", "foobar@example.com"),
        ("email_verified", "true"),
    ]
    .map(|(n, v)| Attribute::new(n, v));
    let mut user = validate_create(schema, &signup, Writer::Admin).expect("the sign-up is valid");
    user.insert("sub".into(), "6c4d4c6e-7a1b-4f0e-9b52-0f4c1e2d3a4b".into());
    user
}

fn name(bytes: &[u8]) -> String {
    match bytes {
        [b @ 0x02..=0x1f] => NAMES[usize::from(*b) % NAMES.len()].to_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn pairs(data: &[u8]) -> Vec<Attribute> {
    data.split(|&b| b == 0x00)
        .map(|record| {
            let (n, v) = match record.iter().position(|&b| b == 0x01) {
                Some(at) => (&record[..at], &record[at + 1..]),
                None => (record, &[][..]),
            };
            Attribute::new(name(n), String::from_utf8_lossy(v))
        })
        .collect()
}

fn immutable_values(user: &Attributes) -> Vec<Option<&String>> {
    IMMUTABLE.iter().map(|n| user.get(*n)).collect()
}

fn assert_values_fit(user: &Attributes) {
    for (n, v) in user {
        assert!(
            v.chars().count() <= 2048,
            "{n} holds {} characters",
            v.chars().count()
        );
    }
}

fn check_update(schema: &Schema, user: &Attributes, changes: &[Attribute], writer: Writer) {
    if let Ok(update) = validate_update(schema, user, changes, writer) {
        assert_eq!(immutable_values(&update.attributes), immutable_values(user));
        assert_values_fit(&update.attributes);
    }
    let names: Vec<String> = changes.iter().map(|a| a.name.clone()).collect();
    if let Ok(update) = validate_delete(schema, user, &names, writer) {
        assert_eq!(immutable_values(&update.attributes), immutable_values(user));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let writer = if flags & 1 == 0 {
        Writer::Admin
    } else {
        Writer::User
    };
    let attrs = pairs(rest);
    let schema = quickstart();

    let created = validate_create(&schema, &attrs, writer);
    if let Ok(created) = &created {
        assert_values_fit(created);
        assert!(created.get("family_name").is_some_and(|v| !v.is_empty()));
        if flags & 2 != 0 {
            check_update(&schema, created, &attrs, writer);
        }
    }
    check_update(&schema, &existing_user(&schema), &attrs, writer);
});
