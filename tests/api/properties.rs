//! Invariants over arbitrary inputs: a code works once and never after
//! expiry; immutable attributes never change through any update path; and
//! valid values round-trip through validation, the store and the read path.
//! Case counts are modest because every case hashes a password.

use std::time::Duration;

use crate::api::common::SIGN_UP_CODE_VALIDITY;
use proptest::prelude::*;
use userpool::schema::Attribute;
use userpool::{ConfirmSignUpRequest, ErrorCode, ListUsersRequest, SignUpRequest, UserStatus};

use super::common::{JANE, quickstart, sign_up};
use crate::support::PASSWORD;

const DAY_MS: u64 = 24 * 3600 * 1000;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// An advance of the clock: anywhere in two days, or within two seconds of
/// the 24-hour deadline.
fn advance() -> impl Strategy<Value = Duration> {
    prop_oneof![
        0..=2 * DAY_MS,
        DAY_MS - 2000..=DAY_MS + 2000,
        Just(DAY_MS - 1),
        Just(DAY_MS),
    ]
    .prop_map(Duration::from_millis)
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn a_code_works_once_and_never_after_expiry(advance in advance()) {
        prop_assert_eq!(SIGN_UP_CODE_VALIDITY.as_millis(), u128::from(DAY_MS));
        let h = quickstart();
        sign_up(&h, JANE);
        let code = h.code_for(JANE);
        h.clock.advance(advance);

        let first = h.pool.confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, code.clone()));
        if advance < SIGN_UP_CODE_VALIDITY {
            prop_assert!(first.is_ok(), "{:?} after {:?}", first, advance);
            prop_assert_eq!(h.user(JANE).status, UserStatus::Confirmed);
        } else {
            let e = first.err().map(|e| (e.code(), e.message().to_owned()));
            prop_assert_eq!(
                e,
                Some((
                    ErrorCode::ExpiredCode,
                    "Invalid code provided, please request a code again.".to_owned()
                ))
            );
            prop_assert_eq!(h.user(JANE).status, UserStatus::Unconfirmed);
        }

        let second = h.pool.confirm_sign_up(ConfirmSignUpRequest::new(h.client(), JANE, code));
        prop_assert!(second.is_err(), "a code confirmed twice");
    }
}

/// The attributes no update path may ever change, with their sign-up values.
const IMMUTABLE: [(&str, &str); 3] = [
    ("family_name", "Foobar"),
    ("custom:tenant_id", "1234567890"),
    ("custom:employee_id", "10"),
];

fn attribute_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "family_name",
            "custom:tenant_id",
            "custom:employee_id",
            "dev:custom:employee_id",
            "sub",
            "address",
            "custom:is_admin",
            "custom:created_at",
            "email",
            "email_verified",
            "given_name",
            "phone_number",
        ])
        .prop_map(str::to_owned),
        1 => "[a-z_:]{1,16}",
    ]
}

fn attribute_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        prop::sample::select(vec![
            "Foobar",
            "Changed",
            "1234567890",
            "0987654321",
            "10",
            "11",
            "true",
            "false",
            "2022-01-01",
            "x@example.com",
            "+14325551212",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,12}",
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Update(Vec<(String, String)>),
    Delete(Vec<String>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::collection::vec((attribute_name(), attribute_value()), 1..4).prop_map(Op::Update),
        prop::collection::vec(attribute_name(), 1..4).prop_map(Op::Delete),
    ]
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn an_immutable_attribute_never_changes_through_any_update_path(
        ops in prop::collection::vec(op(), 1..10)
    ) {
        let h = quickstart();
        let sub = sign_up(&h, JANE);
        for op in ops {
            let before = h.user(&sub);
            let result = match &op {
                Op::Update(pairs) => h.pool.admin_update_user_attributes(
                    &sub,
                    pairs.iter().map(|(n, v)| Attribute::new(n.as_str(), v.as_str())).collect(),
                ),
                Op::Delete(names) => h.pool.admin_delete_user_attributes(&sub, names.clone()),
            };
            let after = h.user(&sub);
            for (name, value) in IMMUTABLE {
                prop_assert_eq!(after.attribute(name), Some(value), "after {:?}", op);
            }
            prop_assert_eq!(after.attribute("sub"), Some(sub.as_str()), "after {:?}", op);
            if result.is_err() {
                prop_assert_eq!(&after, &before, "a refused {:?} changed the user", op);
            }
        }
    }
}

fn address() -> impl Strategy<Value = String> {
    prop_oneof![
        "(?s).{1,200}",
        "[0-9]{1,4} [A-Z][a-z]+ (St|Ave|Rd)\n[A-Z][a-z]+, [A-Z]{2} [0-9]{5}",
    ]
}

fn employee_id() -> impl Strategy<Value = String> {
    (1i64..=100, 0usize..3).prop_map(|(n, zeros)| format!("{}{n}", "0".repeat(zeros)))
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn valid_values_round_trip_from_sign_up_to_admin_get_user(
        address in address(),
        is_admin in prop::bool::ANY,
        employee_id in employee_id(),
    ) {
        let h = quickstart();
        let is_admin = is_admin.to_string();
        let request = SignUpRequest::new(h.client(), JANE, PASSWORD)
            .attribute("family_name", "Foobar")
            .attribute("address", address.as_str())
            .attribute("custom:is_admin", is_admin.as_str())
            .attribute("custom:employee_id", employee_id.as_str());
        let signed_up = h.pool.sign_up(request);
        prop_assert!(signed_up.is_ok(), "{:?}", signed_up);

        let user = h.user(JANE);
        prop_assert_eq!(user.attribute("address"), Some(address.as_str()));
        prop_assert_eq!(user.attribute("custom:is_admin"), Some(is_admin.as_str()));
        prop_assert_eq!(user.attribute("custom:employee_id"), Some(employee_id.as_str()));

        let listed = h.pool.list_users(ListUsersRequest::default());
        prop_assert!(listed.is_ok());
        let listed = listed.map(|r| r.users).unwrap_or_default();
        prop_assert_eq!(listed.len(), 1);
        prop_assert_eq!(&listed[0], &user);
    }
}
