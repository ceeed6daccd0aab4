use std::error::Error as _;

use super::attributes::{indexed, indexed_attribute, prefix_upper_bound};
use super::{expected_version, next_version, redact};
use crate::store::StoreError;

#[test]
fn the_prefix_bound_is_the_next_string_past_every_extension() {
    assert_eq!(prefix_upper_bound("abc").as_deref(), Some("abd"));
    assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
    assert_eq!(prefix_upper_bound("\u{10FFFF}\u{10FFFF}"), None);
    assert_eq!(prefix_upper_bound(""), None);
    // The surrogate gap is skipped: U+D7FF is followed by U+E000.
    assert_eq!(
        prefix_upper_bound("x\u{D7FF}").as_deref(),
        Some("x\u{E000}")
    );
    for prefix in ["abc", "é", "a\u{10FFFF}", "x\u{D7FF}"] {
        let upper = prefix_upper_bound(prefix).unwrap_or_default();
        for extension in ["", "\u{0}", "zzz", "\u{10FFFF}"] {
            assert!(format!("{prefix}{extension}") < upper, "{prefix:?}");
        }
    }
}

/// The indexed attributes are `filter`'s searchable user attributes: the
/// seven both backends' migrations created an index for.
#[test]
fn the_indexed_attributes_are_the_searchable_user_attributes() {
    let all: Vec<&str> = indexed().collect();
    assert_eq!(
        all,
        [
            "email",
            "phone_number",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "sub"
        ]
    );
    assert_eq!(indexed_attribute("email"), Some("email"));
    for not_indexed in [
        "username",
        "status",
        "cognito:user_status",
        "custom:x",
        "Email",
    ] {
        assert_eq!(indexed_attribute(not_indexed), None, "{not_indexed}");
    }
}

/// Each backend's migrations create `users_by_<attribute>` for every
/// indexed attribute: the prefix searches name those indexes.
#[test]
fn every_backend_indexes_every_indexed_attribute() {
    let migrations = [
        #[cfg(feature = "sqlite")]
        include_str!("../sqlite/migrations/003_attribute_indexes.sql"),
        #[cfg(feature = "postgres")]
        include_str!("../postgres/migrations/002_attribute_indexes.sql"),
    ];
    for sql in migrations {
        let created: Vec<&str> = sql
            .split("CREATE INDEX ")
            .skip(1)
            .filter_map(|rest| rest.split_whitespace().next())
            .collect();
        for a in indexed() {
            let name = format!("users_by_{a}");
            assert!(created.contains(&name.as_str()), "{name} in {created:?}");
        }
    }
}

#[test]
fn versions_beyond_i64_are_never_stored() {
    assert_eq!(expected_version(7), 7);
    assert_eq!(expected_version(u64::MAX), -1, "matches no row");
    assert_eq!(next_version(7), Ok(8));
    assert!(matches!(
        next_version(i64::MAX as u64),
        Err(StoreError::InvalidInput(_))
    ));
}

/// A decoding error names the column, never the value, and keeps the
/// decoder's own message (which quotes it) as the source.
#[test]
fn decoding_errors_name_the_column_and_keep_their_cause() {
    let Err(json) = serde_json::from_str::<crate::schema::Attributes>(r#"{"email": "s3cret"#)
    else {
        panic!("malformed JSON parsed");
    };
    let e = redact::invalid_attributes(json);
    assert_eq!(
        e.to_string(),
        "store unavailable: invalid stored attributes: not a JSON object of strings \
         (line 1, column 17)"
    );
    assert!(e.source().is_some_and(|s| s.is::<serde_json::Error>()));

    let Err(range) = u32::try_from(-1_i64) else {
        panic!("-1 fits u32");
    };
    let e = redact::invalid_stored("failed_sign_ins", range);
    assert_eq!(
        e.to_string(),
        "store unavailable: invalid stored failed_sign_ins"
    );
    assert!(e.source().is_some());
}
