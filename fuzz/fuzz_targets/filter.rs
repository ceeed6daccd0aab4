//! ListUsers `Filter` parsing: arbitrary input never panics, whatever parses
//! renders to a canonical string that parses back to the same filter, and
//! matching agrees with direct string comparison on a fixed user.
#![no_main]

use libfuzzer_sys::fuzz_target;
use userpool::internals::filter::{
    Filter, FilterAttribute, FilterOp, FilterTarget, MAX_FILTER_LEN,
};
use userpool::internals::schema::Attributes;

/// The fixed user's value for `attribute`, or `None` where the user lacks it.
/// Values include quotes, a backslash and non-ASCII case pairs.
fn model_value(attribute: FilterAttribute) -> Option<&'static str> {
    match attribute {
        FilterAttribute::Username => Some("Alice"),
        FilterAttribute::UserStatus => Some("CONFIRMED"),
        FilterAttribute::Status => Some("Enabled"),
        FilterAttribute::Email => Some("Alice@Example.com"),
        FilterAttribute::Name => Some("Alice \"Al\" \\ Liddell"),
        FilterAttribute::FamilyName => Some("ΛΙΔΔΕΛΣ"),
        FilterAttribute::Sub => Some("0f8fad5b-d9cb-469f-a165-70867728950e"),
        _ => None, // phone_number, given_name, preferred_username: absent
    }
}

fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let Ok(Some(filter)) = Filter::parse(&input) else {
        return;
    };

    let rendered = filter.to_string();
    assert!(rendered.chars().count() <= MAX_FILTER_LEN);
    assert_eq!(Filter::parse(&rendered), Ok(Some(filter.clone())));

    let mut attributes = Attributes::new();
    for a in FilterAttribute::ALL {
        let stored = !matches!(
            a,
            FilterAttribute::Username | FilterAttribute::UserStatus | FilterAttribute::Status
        );
        if let (true, Some(v)) = (stored, model_value(a)) {
            attributes.insert(a.as_str().to_owned(), v.to_owned());
        }
    }
    let user = FilterTarget {
        username: "Alice",
        user_status: "CONFIRMED",
        enabled: true,
        attributes: &attributes,
    };

    for case_insensitive_pool in [false, true] {
        let expected = model_value(filter.attribute()).is_some_and(|actual| {
            let (actual, wanted) = if filter
                .attribute()
                .is_case_insensitive(case_insensitive_pool)
            {
                (fold(actual), fold(filter.value()))
            } else {
                (actual.to_owned(), filter.value().to_owned())
            };
            match filter.op() {
                FilterOp::Equals => actual == wanted,
                FilterOp::StartsWith => actual.starts_with(&wanted),
            }
        });
        assert_eq!(filter.matches(&user, case_insensitive_pool), expected);
    }
});
