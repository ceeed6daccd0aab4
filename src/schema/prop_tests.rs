//! The attribute schema on the quickstart pool's
//! schema: creation, type and format checks, permissions, immutability,
//! verification-flag resets, construction limits (cognito-protocol.md §7.1,
//! §7.2, §4.7, §5.2), and the invariant that an immutable attribute never
//! changes after creation, whatever sequence of updates and deletes follows.

use crate::ErrorCode;
use crate::schema::{
    Attribute, AttributeDataType, AttributeUpdate, Attributes, CustomAttribute, Schema,
    StandardAttribute, Writer,
};
use proptest::prelude::*;

/// The quickstart pool: `family_name` required and immutable, `address`
/// optional; custom `tenant_id` (String 10..15, immutable), `created_at`
/// (DateTime), `employee_id` (Number 1..100, immutable), `is_admin` (Boolean).
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
    .unwrap_or_else(|e| unreachable!("the quickstart schema is valid: {e}"))
}

/// Every attribute that can never change after creation in [`quickstart`].
const IMMUTABLE: [&str; 4] = [
    "family_name",
    "custom:tenant_id",
    "custom:employee_id",
    "sub",
];

fn attrs(pairs: &[(&str, &str)]) -> Vec<Attribute> {
    pairs.iter().map(|&(n, v)| Attribute::new(n, v)).collect()
}

fn valid_signup() -> Vec<Attribute> {
    attrs(&[
        ("family_name", "Foobar"),
        ("custom:tenant_id", "1234567890"),
        ("custom:created_at", "2022-01-01"),
        ("custom:employee_id", "10"),
        ("custom:is_admin", "false"),
        ("email", "foobar@example.com"),
    ])
}

/// A stored user as the pool keeps it: the validated attributes plus `sub`.
fn stored_user(schema: &Schema) -> Attributes {
    let mut user = schema
        .validate_create(&valid_signup(), Writer::User)
        .unwrap_or_else(|e| unreachable!("valid sign-up refused: {e}"));
    user.insert("sub".into(), "6c4d4c6e-7a1b-4f0e-9b52-0f4c1e2d3a4b".into());
    user.insert("email_verified".into(), "true".into());
    user
}

/// The code and message of a create with `extra` added to the valid sign-up.
fn create_refusal(extra: &[(&str, &str)], writer: Writer) -> Option<(ErrorCode, String)> {
    let schema = quickstart();
    let mut request = valid_signup();
    for (name, value) in extra {
        request.retain(|a| a.name != *name);
        request.push(Attribute::new(*name, *value));
    }
    schema
        .validate_create(&request, writer)
        .err()
        .map(|e| (e.code(), e.message().to_owned()))
}

fn invalid(message: &str) -> Option<(ErrorCode, String)> {
    Some((ErrorCode::InvalidParameter, message.to_owned()))
}

#[test]
fn a_valid_sign_up_is_stored_as_given() {
    let stored = quickstart().validate_create(&valid_signup(), Writer::User);
    let expected: Attributes = valid_signup()
        .into_iter()
        .map(|a| (a.name, a.value))
        .collect();
    assert_eq!(stored, Ok(expected));
}

#[test]
fn a_tenant_id_shorter_than_its_minimum_is_refused() {
    assert_eq!(
        create_refusal(&[("custom:tenant_id", "123456789")], Writer::User),
        invalid(
            "Attributes did not conform to the schema: custom:tenant_id: \
             String must be no shorter than 10 characters"
        )
    );
    assert_eq!(
        create_refusal(&[("custom:tenant_id", "1234567890123456")], Writer::User),
        invalid(
            "Attributes did not conform to the schema: custom:tenant_id: \
             String must be no longer than 15 characters"
        )
    );
    // Lengths are characters, not bytes.
    assert_eq!(
        create_refusal(&[("custom:tenant_id", "ééééééééééééééé")], Writer::User),
        None
    );
}

#[test]
fn an_employee_id_outside_its_range_or_not_a_number_is_refused() {
    let prefix = "Attributes did not conform to the schema: custom:employee_id: ";
    assert_eq!(
        create_refusal(&[("custom:employee_id", "0")], Writer::User),
        invalid(&format!("{prefix}Number must be no less than 1"))
    );
    assert_eq!(
        create_refusal(&[("custom:employee_id", "101")], Writer::User),
        invalid(&format!("{prefix}Number must be no greater than 100"))
    );
    assert_eq!(
        create_refusal(&[("custom:employee_id", "ten")], Writer::User),
        invalid(&format!("{prefix}Number must be an integer"))
    );
    for edge in ["1", "100"] {
        assert_eq!(
            create_refusal(&[("custom:employee_id", edge)], Writer::User),
            None
        );
    }
}

#[test]
fn a_boolean_must_be_true_or_false() {
    assert_eq!(
        create_refusal(&[("custom:is_admin", "yes")], Writer::User),
        invalid(
            "Attributes did not conform to the schema: custom:is_admin: \
             Boolean must be true or false"
        )
    );
}

#[test]
fn a_date_time_takes_a_date_or_an_rfc3339_timestamp() {
    assert_eq!(
        create_refusal(
            &[("custom:created_at", "2022-01-01T09:30:00Z")],
            Writer::User
        ),
        None
    );
    assert_eq!(
        create_refusal(&[("custom:created_at", "yesterday")], Writer::User).map(|e| e.0),
        Some(ErrorCode::InvalidParameter)
    );
}

#[test]
fn an_unknown_attribute_is_refused() {
    assert_eq!(
        create_refusal(&[("custom:department", "sales")], Writer::User),
        invalid(
            "Attributes did not conform to the schema: custom:department: \
             Attribute does not exist in the schema."
        )
    );
}

#[test]
fn a_missing_required_attribute_is_refused() {
    let mut request = valid_signup();
    request.retain(|a| a.name != "family_name");
    assert_eq!(
        quickstart()
            .validate_create(&request, Writer::Admin)
            .map_err(|e| (e.code(), e.message().to_owned())),
        Err((
            ErrorCode::InvalidParameter,
            "Attributes did not conform to the schema: family_name: The attribute is required"
                .to_owned()
        ))
    );
    // An empty value does not satisfy it.
    assert_eq!(
        create_refusal(&[("family_name", "")], Writer::Admin),
        invalid("Attributes did not conform to the schema: family_name: The attribute is required")
    );
}

#[test]
fn sub_cannot_be_written() {
    assert_eq!(
        create_refusal(&[("sub", "my-own-id")], Writer::Admin),
        invalid("Attributes did not conform to the schema: sub: Attribute cannot be written.")
    );
}

#[test]
fn a_value_over_2048_characters_is_refused() {
    let long = "a".repeat(2049);
    assert_eq!(
        create_refusal(&[("address", &long)], Writer::Admin),
        invalid(
            "1 validation error detected: Value at 'userAttributes.7.member.value' failed to \
             satisfy constraint: Member must have length less than or equal to 2048"
        )
    );
    assert_eq!(
        create_refusal(&[("address", &long[1..])], Writer::Admin),
        None
    );
}

#[test]
fn a_malformed_email_or_phone_number_is_refused() {
    assert_eq!(
        create_refusal(&[("email", "foobar.example.com")], Writer::User),
        invalid("Invalid email address format.")
    );
    assert_eq!(
        create_refusal(&[("phone_number", "4325551212")], Writer::User),
        invalid("Invalid phone number format.")
    );
    assert_eq!(
        create_refusal(&[("phone_number", "+14325551212")], Writer::User),
        None
    );
}

#[test]
fn updating_family_name_is_refused_because_it_is_immutable() {
    let schema = quickstart();
    let user = stored_user(&schema);
    for value in ["Other", "Foobar", ""] {
        let result =
            schema.validate_update(&user, &attrs(&[("family_name", value)]), Writer::Admin);
        assert_eq!(
            result.map_err(|e| (e.code(), e.message().to_owned())),
            Err((
                ErrorCode::InvalidParameter,
                "user.family_name: Attribute cannot be updated.".to_owned()
            ))
        );
    }
    let deleted = schema.validate_delete(&user, &["family_name".to_owned()], Writer::Admin);
    assert_eq!(
        deleted.map_err(|e| e.code()),
        Err(ErrorCode::InvalidParameter)
    );
}

#[test]
fn changing_the_email_resets_email_verified() {
    let schema = quickstart();
    let user = stored_user(&schema);
    let update = schema.validate_update(
        &user,
        &attrs(&[("email", "new@example.com"), ("custom:is_admin", "true")]),
        Writer::User,
    );
    let mut expected = user.clone();
    expected.insert("email".into(), "new@example.com".into());
    expected.insert("email_verified".into(), "false".into());
    expected.insert("custom:is_admin".into(), "true".into());
    assert_eq!(
        update,
        Ok(AttributeUpdate {
            attributes: expected,
            changed: vec![
                "custom:is_admin".to_owned(),
                "email".to_owned(),
                "email_verified".to_owned()
            ],
        })
    );
}

#[test]
fn a_user_cannot_write_email_verified() {
    let schema = quickstart();
    let user = stored_user(&schema);
    let update = schema.validate_update(&user, &attrs(&[("email_verified", "true")]), Writer::User);
    assert_eq!(
        update.map_err(|e| (e.code(), e.message().to_owned())),
        Err((
            ErrorCode::NotAuthorized,
            "A client attempted to write unauthorized attribute".to_owned()
        ))
    );
    assert!(
        schema
            .validate_update(&user, &attrs(&[("email_verified", "true")]), Writer::Admin)
            .is_ok()
    );
}

#[test]
fn deleting_the_email_also_deletes_its_verification() {
    let schema = quickstart();
    let user = stored_user(&schema);
    let update = schema
        .validate_delete(
            &user,
            &["email".to_owned(), "address".to_owned()],
            Writer::User,
        )
        .map(|u| u.changed);
    assert_eq!(
        update,
        Ok(vec!["email".to_owned(), "email_verified".to_owned()])
    );
}

#[test]
fn the_schema_answers_questions_about_its_attributes() {
    let schema = quickstart();
    assert_eq!(schema.required_attributes(), vec!["family_name".to_owned()]);
    assert!(schema.is_known("custom:is_admin"));
    assert!(!schema.is_known("is_admin"));
    assert!(!schema.is_mutable("custom:tenant_id"));
    assert!(schema.is_mutable("custom:created_at"));
    assert_eq!(
        schema.data_type("custom:employee_id"),
        Some(AttributeDataType::Number)
    );
    assert_eq!(
        schema.data_type("email_verified"),
        Some(AttributeDataType::Boolean)
    );
}

#[test]
fn fifty_one_custom_attributes_are_refused() {
    let custom = |n: usize| {
        (0..n)
            .map(|i| CustomAttribute::string(format!("attr{i}")))
            .collect::<Vec<_>>()
    };
    assert!(Schema::new(vec![], custom(50)).is_ok());
    assert_eq!(
        Schema::new(vec![], custom(51)).map_err(|e| e.code()),
        Err(ErrorCode::InvalidParameter)
    );
}

#[test]
fn a_custom_attribute_name_over_20_characters_is_refused() {
    assert!(Schema::new(vec![], vec![CustomAttribute::string("a".repeat(20))]).is_ok());
    assert_eq!(
        Schema::new(vec![], vec![CustomAttribute::string("a".repeat(21))]).map_err(|e| e.code()),
        Err(ErrorCode::InvalidParameter)
    );
}

#[test]
fn a_required_custom_attribute_is_refused() {
    assert_eq!(
        Schema::new(
            vec![],
            vec![CustomAttribute::string("tenant_id").required()]
        )
        .map_err(|e| (e.code(), e.message().to_owned())),
        Err((
            ErrorCode::InvalidParameter,
            "Required custom attributes are not supported currently.".to_owned()
        ))
    );
}

#[derive(Clone, Debug)]
enum Change {
    Update(Vec<Attribute>, Writer),
    Delete(Vec<String>, Writer),
}

/// Names of the schema, aliases, system attributes and junk.
fn any_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "family_name", "address", "email", "email_verified", "phone_number",
            "phone_number_verified", "sub", "updated_at", "birthdate", "given_name",
            "custom:tenant_id", "custom:created_at", "custom:employee_id", "custom:is_admin",
            "tenant_id", "dev:tenant_id", "dev:custom:employee_id", "custom:nope",
        ])
        .prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ]
}

/// Values that pass some attribute's checks, plus arbitrary text.
fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "", "Foobar", "Other", "1234567890", "0987654321", "2022-01-01", "1990-05-17",
            "10", "50", "1700000000", "true", "false", "new@example.com", "+15550001111",
        ])
        .prop_map(str::to_owned),
        1 => "\\PC{0,20}",
    ]
}

fn any_writer() -> impl Strategy<Value = Writer> {
    prop_oneof![Just(Writer::Admin), Just(Writer::User)]
}

fn any_change() -> impl Strategy<Value = Change> {
    prop_oneof![
        3 => (
            prop::collection::vec((any_name(), any_value()), 1..4),
            any_writer()
        )
            .prop_map(|(pairs, writer)| Change::Update(
                pairs.into_iter().map(|(n, v)| Attribute::new(n, v)).collect(),
                writer
            )),
        1 => (prop::collection::vec(any_name(), 1..3), any_writer())
            .prop_map(|(names, writer)| Change::Delete(names, writer)),
    ]
}

fn immutable_values(user: &Attributes) -> Vec<Option<String>> {
    IMMUTABLE
        .iter()
        .map(|name| user.get(*name).cloned())
        .collect()
}

proptest! {
    /// cognito-protocol.md §7.2: an immutable attribute can only be written
    /// when the user is created. Whatever follows — updates, deletes, by the
    /// user or an admin, valid or not — every accepted result keeps each
    /// immutable attribute exactly as it was, present or absent.
    #[test]
    fn immutable_attributes_never_change(
        without_employee_id in any::<bool>(),
        changes in prop::collection::vec(any_change(), 1..24),
    ) {
        let schema = quickstart();
        let mut user = stored_user(&schema);
        if without_employee_id {
            user.remove("custom:employee_id");
        }
        let frozen = immutable_values(&user);
        for change in changes {
            let result = match &change {
                Change::Update(attrs, writer) => schema.validate_update(&user, attrs, *writer),
                Change::Delete(names, writer) => schema.validate_delete(&user, names, *writer),
            };
            if let Ok(update) = result {
                prop_assert_eq!(immutable_values(&update.attributes), frozen.clone(), "{:?}", change);
                let expected_changed: Vec<String> = user
                    .keys()
                    .chain(update.attributes.keys())
                    .filter(|k| user.get(*k) != update.attributes.get(*k))
                    .cloned()
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                prop_assert_eq!(&update.changed, &expected_changed);
                user = update.attributes;
            }
        }
    }

    /// Whatever a sign-up carries, an accepted one has the required attribute,
    /// no empty values and no value over 2048 characters.
    #[test]
    fn accepted_sign_ups_are_well_formed(
        pairs in prop::collection::vec((any_name(), any_value()), 0..8),
        writer in any_writer(),
    ) {
        let request: Vec<Attribute> = pairs.into_iter().map(|(n, v)| Attribute::new(n, v)).collect();
        if let Ok(stored) = quickstart().validate_create(&request, writer) {
            prop_assert!(stored.get("family_name").is_some_and(|v| !v.is_empty()));
            prop_assert!(stored.values().all(|v| !v.is_empty() && v.chars().count() <= 2048));
            prop_assert!(!stored.contains_key("sub"));
        }
    }
}
