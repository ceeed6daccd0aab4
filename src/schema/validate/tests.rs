#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::ErrorCode;

fn quickstart() -> Schema {
    let schema = Schema::new(
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
            CustomAttribute::string("secret").developer_only(),
        ],
    );
    assert!(schema.is_ok(), "{schema:?}");
    schema.unwrap_or_default()
}

fn attrs(pairs: &[(&str, &str)]) -> Vec<Attribute> {
    pairs.iter().map(|(n, v)| Attribute::new(*n, *v)).collect()
}

fn created(schema: &Schema) -> Attributes {
    let result = schema.validate_create(
        &attrs(&[
            ("family_name", "Foobar"),
            ("email", "foo@example.com"),
            ("email_verified", "true"),
            ("phone_number", "+14325551212"),
            ("phone_number_verified", "true"),
            ("custom:tenant_id", "1234567890"),
            ("custom:employee_id", "10"),
        ]),
        Writer::Admin,
    );
    assert!(result.is_ok(), "{result:?}");
    result.unwrap_or_default()
}

fn err_message<T: std::fmt::Debug>(r: Result<T>) -> (ErrorCode, String) {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => (e.code(), e.message().to_owned()),
    }
}

#[test]
fn email_format() {
    for ok in ["a@b.c", "first.last+tag@sub.example.co.uk", "ü@exämple.de"] {
        assert!(is_valid_email(ok), "{ok}");
    }
    for bad in [
        "",
        "a",
        "@b.c",
        "a@",
        "a@b",
        "a@.b",
        "a@b.",
        "a@@b.c",
        "a@b@c.d",
        "a b@c.d",
        "a@b\t.c",
        "a\u{0}@b.c",
    ] {
        assert!(!is_valid_email(bad), "{bad:?}");
    }
}

#[test]
fn phone_format() {
    assert!(is_valid_phone("+14325551212"));
    assert!(is_valid_phone("+1"));
    assert!(is_valid_phone("+123456789012345"));
    for bad in [
        "",
        "+",
        "14325551212",
        "+1234567890123456",
        "+1 432",
        "+1-432",
        "++1",
        "+١٢",
    ] {
        assert!(!is_valid_phone(bad), "{bad:?}");
    }
}

#[test]
fn calendar_dates() {
    assert!(parse_calendar_date("2022-01-01").is_some());
    assert!(parse_calendar_date("2024-02-29").is_some());
    for bad in [
        "2023-02-29",
        "2022-13-01",
        "2022-00-10",
        "2022-01-32",
        "2022-1-01",
        "22-01-01",
        "2022/01/01",
        "+202-01-01",
        "2022-01-01T00:00:00Z",
    ] {
        assert!(parse_calendar_date(bad).is_none(), "{bad:?}");
    }
}

#[test]
fn integers() {
    assert_eq!(parse_integer("10"), Some(10));
    assert_eq!(parse_integer("-7"), Some(-7));
    assert_eq!(parse_integer("007"), Some(7));
    for bad in [
        "",
        "-",
        "+5",
        "1.0",
        "1e3",
        " 1",
        "ten",
        "9223372036854775808",
    ] {
        assert_eq!(parse_integer(bad), None, "{bad:?}");
    }
}

#[test]
fn date_time_accepts_rfc3339_and_calendar_dates() {
    assert!(check_date_time("x", "2022-01-01").is_ok());
    assert!(check_date_time("x", "2022-01-01T10:20:30Z").is_ok());
    assert!(check_date_time("x", "2022-01-01T10:20:30.5+02:00").is_ok());
    assert!(check_date_time("x", "2022-01-01 10:20").is_err());
    assert!(check_date_time("x", "1641031200").is_err());
}

#[test]
fn name_characters() {
    for ok in ['a', 'Z', '0', '_', '-', ':', 'é', '€', '日', '\u{0301}'] {
        assert!(is_name_char(ok), "{ok:?}");
    }
    for bad in [
        ' ', '\t', '\n', '\u{A0}', '\u{2028}', '\u{200B}', '\u{FEFF}', '\u{E000}', '\u{FFFF}',
        '\u{7F}',
    ] {
        assert!(!is_name_char(bad), "{bad:?}");
    }
}

#[test]
fn dev_names_are_normalised_and_exact_match_wins() {
    let schema = quickstart();
    assert_eq!(
        schema.canonical_name("dev:secret").as_deref(),
        Some("dev:custom:secret")
    );
    assert_eq!(
        schema.canonical_name("dev:custom:secret").as_deref(),
        Some("dev:custom:secret")
    );
    assert_eq!(schema.canonical_name("custom:secret"), None);
    assert_eq!(schema.canonical_name("dev:tenant_id"), None);

    let tricky = Schema::new(
        vec![],
        vec![
            CustomAttribute::string("x").developer_only(),
            CustomAttribute::string("custom:x").developer_only(),
        ],
    );
    let tricky = tricky.unwrap_or_default();
    assert_eq!(
        tricky.canonical_name("dev:custom:x").as_deref(),
        Some("dev:custom:x")
    );
    assert_eq!(
        tricky.canonical_name("dev:custom:custom:x").as_deref(),
        Some("dev:custom:custom:x")
    );
}

#[test]
fn getters_describe_the_schema() {
    let schema = quickstart();
    assert_eq!(schema.required_attributes(), vec!["family_name".to_owned()]);
    assert!(!schema.is_mutable("family_name"));
    assert!(schema.is_mutable("address"));
    assert!(schema.is_mutable("given_name"));
    assert!(!schema.is_mutable("sub"));
    assert!(schema.is_mutable("email_verified"));
    assert!(!schema.is_mutable("custom:tenant_id"));
    assert!(schema.is_mutable("custom:is_admin"));
    assert!(!schema.is_mutable("custom:nope"));
    assert_eq!(
        schema.data_type("updated_at"),
        Some(AttributeDataType::Number)
    );
    assert_eq!(
        schema.data_type("custom:created_at"),
        Some(AttributeDataType::DateTime)
    );
    assert_eq!(
        schema.data_type("dev:secret"),
        Some(AttributeDataType::String)
    );
    assert_eq!(schema.data_type("tenant_id"), None);
    assert!(schema.is_known("sub"));
    assert!(!schema.is_known("custom:sub"));
    assert_eq!(schema.standard().len(), 2);
    assert_eq!(schema.custom().len(), 5);
}

#[test]
fn construction_rules() {
    let code = |r: Result<Schema>| r.err().map(|e| e.code());
    let invalid = Some(ErrorCode::InvalidParameter);
    assert_eq!(
        code(Schema::new(
            vec![StandardAttribute::new("nickname")],
            vec![]
        )),
        None
    );
    assert_eq!(
        code(Schema::new(
            vec![StandardAttribute::new("tenant_id")],
            vec![]
        )),
        invalid
    );
    for system in ["sub", "email_verified", "phone_number_verified"] {
        assert_eq!(
            code(Schema::new(vec![StandardAttribute::new(system)], vec![])),
            invalid
        );
    }
    assert_eq!(
        code(Schema::new(
            vec![
                StandardAttribute::new("email"),
                StandardAttribute::new("email").required()
            ],
            vec![]
        )),
        invalid
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![
                CustomAttribute::string("a"),
                CustomAttribute::number("a").developer_only()
            ]
        )),
        invalid
    );
    assert_eq!(
        code(Schema::new(vec![], vec![CustomAttribute::string("")])),
        invalid
    );
    assert_eq!(
        code(Schema::new(vec![], vec![CustomAttribute::string("a b")])),
        invalid
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![CustomAttribute::string("é".repeat(20))]
        )),
        None
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![CustomAttribute::string("é".repeat(21))]
        )),
        invalid
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![CustomAttribute::number("n").length(1, 2)]
        )),
        invalid
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![CustomAttribute::string("s").range(1, 2)]
        )),
        invalid
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![CustomAttribute::string("s").length(3, 2)]
        )),
        invalid
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![CustomAttribute::number("n").range(3, 2)]
        )),
        invalid
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![CustomAttribute::string("s").length(0, 2049)]
        )),
        invalid
    );
    assert_eq!(
        code(Schema::new(
            vec![],
            vec![CustomAttribute::string("s").length(0, 2048)]
        )),
        None
    );

    let required = Schema::new(vec![], vec![CustomAttribute::boolean("b").required()]);
    assert_eq!(
        err_message(required),
        (
            ErrorCode::InvalidParameter,
            "Required custom attributes are not supported currently.".to_owned()
        )
    );

    let fifty: Vec<_> = (0..50)
        .map(|i| CustomAttribute::string(format!("a{i}")))
        .collect();
    let schema = Schema::new(vec![], fifty);
    assert!(schema.is_ok());
    let schema = schema.unwrap_or_default();
    assert_eq!(
        code(schema.add_custom_attributes(vec![CustomAttribute::string("one_more")])),
        invalid
    );
    assert_eq!(
        code(schema.add_custom_attributes(vec![CustomAttribute::string("a0")])),
        invalid
    );
}

#[test]
fn create_drops_empty_values_and_normalises_dev_names() {
    let schema = quickstart();
    let result = schema.validate_create(
        &attrs(&[
            ("family_name", "Foobar"),
            ("address", ""),
            ("dev:secret", "s3"),
        ]),
        Writer::Admin,
    );
    let stored = result.unwrap_or_default();
    assert_eq!(
        stored.get("dev:custom:secret").map(String::as_str),
        Some("s3")
    );
    assert!(!stored.contains_key("address"));
    assert!(!stored.contains_key("sub"));
}

#[test]
fn create_lists_every_unknown_name_and_every_missing_required_one() {
    let schema = quickstart();
    assert_eq!(
        err_message(schema.validate_create(&attrs(&[("custom:a", "1"), ("b", "2")]), Writer::Admin)),
        (
            ErrorCode::InvalidParameter,
            "Attributes did not conform to the schema: custom:a: Attribute does not exist in the schema. \
             b: Attribute does not exist in the schema."
                .to_owned()
        )
    );
    let two = Schema::new(
        vec![
            StandardAttribute::new("family_name").required(),
            StandardAttribute::new("email").required(),
        ],
        vec![],
    )
    .unwrap_or_default();
    assert_eq!(
        err_message(two.validate_create(&attrs(&[("family_name", "")]), Writer::User)),
        (
            ErrorCode::InvalidParameter,
            "Attributes did not conform to the schema: family_name: The attribute is required \
             email: The attribute is required"
                .to_owned()
        )
    );
}

#[test]
fn create_refuses_duplicates_even_through_the_dev_alias() {
    let schema = quickstart();
    let r = schema.validate_create(
        &attrs(&[
            ("family_name", "F"),
            ("dev:secret", "a"),
            ("dev:custom:secret", "b"),
        ]),
        Writer::Admin,
    );
    assert_eq!(
        err_message(r),
        (
            ErrorCode::InvalidParameter,
            "Attributes did not conform to the schema: dev:custom:secret: Attribute is listed more than once."
                .to_owned()
        )
    );
}

#[test]
fn value_length_uses_the_request_model_message() {
    let schema = quickstart();
    let long = "x".repeat(2049);
    let r = schema.validate_create(
        &attrs(&[("family_name", "F"), ("address", &long)]),
        Writer::Admin,
    );
    assert_eq!(
        err_message(r).1,
        "1 validation error detected: Value at 'userAttributes.2.member.value' failed to satisfy \
         constraint: Member must have length less than or equal to 2048"
    );
    let exact = "é".repeat(2048);
    assert!(
        schema
            .validate_create(
                &attrs(&[("family_name", "F"), ("address", &exact)]),
                Writer::Admin
            )
            .is_ok()
    );
    let r = schema.validate_update(
        &created(&schema),
        &attrs(&[("address", &long), ("name", &long)]),
        Writer::Admin,
    );
    assert!(
        err_message(r)
            .1
            .starts_with("2 validation errors detected: ")
    );
}

#[test]
fn standard_types_are_checked() {
    let schema = quickstart();
    let check = |name: &str, value: &str| {
        schema
            .validate_create(
                &attrs(&[("family_name", "F"), (name, value)]),
                Writer::Admin,
            )
            .err()
            .map(|e| e.message().to_owned())
    };
    assert_eq!(check("updated_at", "1700000000"), None);
    assert!(
        check("updated_at", "-1")
            .is_some_and(|m| m.ends_with("updated_at: Number must be no less than 0"))
    );
    assert!(check("updated_at", "soon").is_some());
    assert_eq!(check("birthdate", "1990-12-31"), None);
    assert!(check("birthdate", "1990-02-30").is_some());
    assert_eq!(check("email_verified", "false"), None);
    assert!(check("email_verified", "True").is_some());
    assert_eq!(check("gender", "any text at all"), None);
    assert_eq!(
        check("email", "nope").as_deref(),
        Some("Invalid email address format.")
    );
    assert_eq!(
        check("phone_number", "555").as_deref(),
        Some("Invalid phone number format.")
    );
}

#[test]
fn verified_flags_need_their_attribute_and_an_admin() {
    let schema = quickstart();
    let r = schema.validate_create(
        &attrs(&[("family_name", "F"), ("phone_number_verified", "true")]),
        Writer::Admin,
    );
    assert_eq!(
        err_message(r).1,
        "Attributes did not conform to the schema: phone_number_verified: Cannot be true without a value for phone_number"
    );
    let r = schema.validate_create(
        &attrs(&[("family_name", "F"), ("email_verified", "false")]),
        Writer::Admin,
    );
    assert!(r.is_ok());
    let r = schema.validate_create(
        &attrs(&[
            ("family_name", "F"),
            ("email", "a@b.co"),
            ("email_verified", "true"),
        ]),
        Writer::User,
    );
    assert_eq!(
        err_message(r),
        (
            ErrorCode::NotAuthorized,
            "A client attempted to write unauthorized attribute".to_owned()
        )
    );
    let r = schema.validate_create(
        &attrs(&[("family_name", "F"), ("dev:secret", "")]),
        Writer::User,
    );
    assert_eq!(err_message(r).0, ErrorCode::NotAuthorized);
}

#[test]
fn sub_is_never_writable() {
    let schema = quickstart();
    let r = schema.validate_create(&attrs(&[("family_name", "F"), ("sub", "x")]), Writer::Admin);
    assert_eq!(
        err_message(r).1,
        "Attributes did not conform to the schema: sub: Attribute cannot be written."
    );
    let user = created(&schema);
    let r = schema.validate_update(&user, &attrs(&[("sub", "x")]), Writer::Admin);
    assert_eq!(err_message(r).1, "user.sub: Attribute cannot be updated.");
    let r = schema.validate_delete(&user, &["sub".to_owned()], Writer::Admin);
    assert_eq!(err_message(r).1, "user.sub: Attribute cannot be updated.");
}

#[test]
fn immutable_attributes_refuse_every_later_write() {
    let schema = quickstart();
    let user = created(&schema);
    for (name, value) in [
        ("family_name", "Foobar"),
        ("family_name", "Other"),
        ("family_name", ""),
        ("custom:tenant_id", "1234567890"),
        ("custom:employee_id", "11"),
    ] {
        let r = schema.validate_update(&user, &attrs(&[(name, value)]), Writer::Admin);
        assert_eq!(
            err_message(r),
            (
                ErrorCode::InvalidParameter,
                format!("user.{name}: Attribute cannot be updated.")
            )
        );
    }
    // Absent at creation does not make it writable later.
    let r = schema.validate_update(
        &Attributes::new(),
        &attrs(&[("custom:tenant_id", "1234567890")]),
        Writer::Admin,
    );
    assert_eq!(err_message(r).0, ErrorCode::InvalidParameter);
    let r = schema.validate_delete(&user, &["custom:employee_id".to_owned()], Writer::Admin);
    assert_eq!(
        err_message(r).1,
        "user.custom:employee_id: Attribute cannot be updated."
    );
}

#[test]
fn update_changes_and_resets_verification() {
    let schema = quickstart();
    let user = created(&schema);
    let update = schema.validate_update(
        &user,
        &attrs(&[
            ("email", "new@example.com"),
            ("address", "1 Main St"),
            ("custom:is_admin", "true"),
        ]),
        Writer::User,
    );
    let update = update.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        update.attributes.get("email_verified").map(String::as_str),
        Some("false")
    );
    assert_eq!(
        update
            .attributes
            .get("phone_number_verified")
            .map(String::as_str),
        Some("true")
    );
    assert_eq!(
        update.changed,
        vec!["address", "custom:is_admin", "email", "email_verified"]
    );

    // Same value: nothing changes, the flag stays.
    let same = schema.validate_update(&user, &attrs(&[("email", "foo@example.com")]), Writer::User);
    let same = same.unwrap_or_else(|e| panic!("{e}"));
    assert!(same.changed.is_empty());
    assert_eq!(same.attributes, user);

    // An admin may set the flag in the same request.
    let admin = schema.validate_update(
        &user,
        &attrs(&[
            ("phone_number", "+15550001111"),
            ("phone_number_verified", "true"),
        ]),
        Writer::Admin,
    );
    let admin = admin.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(admin.changed, vec!["phone_number"]);

    // Deleting the address takes the flag with it.
    let gone = schema.validate_update(&user, &attrs(&[("email", "")]), Writer::User);
    let gone = gone.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(gone.changed, vec!["email", "email_verified"]);
    assert!(!gone.attributes.contains_key("email_verified"));

    let r = schema.validate_update(
        &user,
        &attrs(&[("email", ""), ("email_verified", "true")]),
        Writer::Admin,
    );
    assert_eq!(err_message(r).0, ErrorCode::InvalidParameter);
}

#[test]
fn update_is_all_or_nothing_and_reports_unknown_names_per_user() {
    let schema = quickstart();
    let user = created(&schema);
    let r = schema.validate_update(
        &user,
        &attrs(&[("address", "ok"), ("custom:is_admin", "yes")]),
        Writer::Admin,
    );
    assert_eq!(
        err_message(r).1,
        "Attributes did not conform to the schema: custom:is_admin: Boolean must be true or false"
    );
    let r = schema.validate_update(&user, &attrs(&[("custom:nope", "1")]), Writer::Admin);
    assert_eq!(
        err_message(r).1,
        "user.custom:nope: Attribute does not exist in the schema."
    );
}

#[test]
fn delete_rules() {
    let schema = Schema::new(
        vec![StandardAttribute::new("name").required()],
        vec![CustomAttribute::string("secret").developer_only()],
    )
    .unwrap_or_default();
    let mut user = Attributes::new();
    for (n, v) in [
        ("name", "N"),
        ("email", "a@b.co"),
        ("email_verified", "true"),
        ("dev:custom:secret", "s"),
    ] {
        user.insert(n.to_owned(), v.to_owned());
    }
    let del = |names: &[&str], writer| {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        schema.validate_delete(&user, &names, writer)
    };
    let ok = del(&["email", "email", "address"], Writer::User).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.changed, vec!["email", "email_verified"]);
    assert_eq!(ok.attributes.len(), 2);
    assert_eq!(
        err_message(del(&["name"], Writer::Admin)).1,
        "Attributes did not conform to the schema: name: The attribute is required"
    );
    assert_eq!(
        err_message(del(&["dev:secret"], Writer::User)).0,
        ErrorCode::NotAuthorized
    );
    assert_eq!(
        err_message(del(&["email_verified"], Writer::User)).0,
        ErrorCode::NotAuthorized
    );
    let admin = del(&["dev:secret"], Writer::Admin).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(admin.changed, vec!["dev:custom:secret"]);
    assert_eq!(
        err_message(del(&["bogus"], Writer::Admin)).1,
        "user.bogus: Attribute does not exist in the schema."
    );
    let nothing = del(&[], Writer::User).unwrap_or_else(|e| panic!("{e}"));
    assert!(nothing.changed.is_empty());
}

#[test]
fn changed_names_is_a_symmetric_difference_of_values() {
    let mut a = Attributes::new();
    a.insert("x".into(), "1".into());
    a.insert("y".into(), "2".into());
    let mut b = Attributes::new();
    b.insert("y".into(), "3".into());
    b.insert("z".into(), "4".into());
    assert_eq!(changed_names(&a, &b), vec!["x", "y", "z"]);
    assert!(changed_names(&a, &a).is_empty());
}
