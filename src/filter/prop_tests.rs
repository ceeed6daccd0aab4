//! The ListUsers `Filter`: the examples of
//! `cognito-protocol.md` §4.8, the refusals with their exact exception and
//! message, and properties of parsing, rendering and matching.

use crate::ErrorCode;
use crate::filter::{Filter, FilterAttribute, FilterOp, FilterTarget, MAX_FILTER_LEN};
use crate::schema::Attributes;
use proptest::prelude::*;

fn parse(s: &str) -> Result<Filter, String> {
    match Filter::parse(s) {
        Ok(Some(f)) => Ok(f),
        Ok(None) => Err(format!("{s:?} parsed as no filter")),
        Err(e) => Err(format!("{s:?} refused: {e}")),
    }
}

/// The code and message `s` is refused with, or `None` if it parses.
fn refusal(s: &str) -> Option<(ErrorCode, String)> {
    Filter::parse(s)
        .err()
        .map(|e| (e.code(), e.message().to_owned()))
}

fn attrs(pairs: &[(&str, &str)]) -> Attributes {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

const fn user(attributes: &Attributes) -> FilterTarget<'_> {
    FilterTarget {
        username: "jdoe",
        user_status: "CONFIRMED",
        enabled: true,
        attributes,
    }
}

#[test]
fn an_exact_email_filter_matches_only_that_email() -> Result<(), String> {
    let f = parse(r#"email = "a@b.c""#)?;
    assert_eq!(f.attribute(), FilterAttribute::Email);
    assert_eq!(f.op(), FilterOp::Equals);
    assert_eq!(f.value(), "a@b.c");
    assert!(f.matches(&user(&attrs(&[("email", "a@b.c")])), false));
    assert!(!f.matches(&user(&attrs(&[("email", "a@b.cd")])), false));
    assert!(!f.matches(&user(&attrs(&[("email", "A@B.C")])), false));
    assert!(!f.matches(&user(&Attributes::new()), false));
    Ok(())
}

#[test]
fn a_prefix_filter_matches_values_starting_with_it() -> Result<(), String> {
    let f = parse(r#"email ^= "a""#)?;
    assert_eq!(f.op(), FilterOp::StartsWith);
    assert!(f.matches(&user(&attrs(&[("email", "a@b.c")])), false));
    assert!(f.matches(&user(&attrs(&[("email", "a")])), false));
    assert!(!f.matches(&user(&attrs(&[("email", "ba@b.c")])), false));
    Ok(())
}

#[test]
fn escaped_quotes_in_the_value_are_literal_quotes() -> Result<(), String> {
    let f = parse(r#"family_name="Foo \"Bar\"""#)?;
    assert_eq!(f.attribute(), FilterAttribute::FamilyName);
    assert_eq!(f.value(), r#"Foo "Bar""#);
    assert!(f.matches(&user(&attrs(&[("family_name", r#"Foo "Bar""#)])), false));
    Ok(())
}

#[test]
fn user_status_filters_ignore_case() -> Result<(), String> {
    let f = parse(r#"cognito:user_status = "confirmed""#)?;
    assert_eq!(f.attribute(), FilterAttribute::UserStatus);
    let a = Attributes::new();
    assert!(f.matches(&user(&a), false));
    let unconfirmed = FilterTarget {
        user_status: "UNCONFIRMED",
        ..user(&a)
    };
    assert!(!f.matches(&unconfirmed, false));
    Ok(())
}

#[test]
fn status_filters_compare_with_enabled_or_disabled_case_sensitively() -> Result<(), String> {
    let a = Attributes::new();
    let enabled = user(&a);
    let disabled = FilterTarget {
        enabled: false,
        ..user(&a)
    };
    let f = parse(r#"status = "Enabled""#)?;
    assert!(f.matches(&enabled, false));
    assert!(!f.matches(&disabled, false));
    assert!(parse(r#"status = "Disabled""#)?.matches(&disabled, false));
    assert!(!parse(r#"status = "enabled""#)?.matches(&enabled, true));
    Ok(())
}

#[test]
fn a_case_insensitive_pool_folds_username_email_and_preferred_username() -> Result<(), String> {
    let a = attrs(&[("email", "JDoe@Example.com"), ("name", "John Doe")]);
    let u = user(&a);
    let by_email = parse(r#"email = "jdoe@example.com""#)?;
    assert!(!by_email.matches(&u, false));
    assert!(by_email.matches(&u, true));
    assert!(parse(r#"username ^= "JD""#)?.matches(&u, true));
    assert!(!parse(r#"name = "john doe""#)?.matches(&u, true));
    Ok(())
}

#[test]
fn an_empty_prefix_matches_every_user_that_has_the_attribute() -> Result<(), String> {
    let f = parse(r#"phone_number ^= """#)?;
    assert!(f.matches(&user(&attrs(&[("phone_number", "+15550100")])), false));
    assert!(!f.matches(&user(&Attributes::new()), false));
    Ok(())
}

#[test]
fn an_empty_filter_is_no_filter() {
    assert_eq!(Filter::parse(""), Ok(None));
    assert_eq!(Filter::parse("   "), Ok(None));
}

#[test]
fn an_unknown_attribute_is_refused_by_name() {
    assert_eq!(
        refusal(r#"nickname = "x""#),
        Some((
            ErrorCode::InvalidParameter,
            "Invalid search attribute: nickname".to_owned()
        ))
    );
}

#[test]
fn custom_attributes_are_not_searchable() {
    assert_eq!(
        refusal(r#"custom:tenant_id = "x""#),
        Some((
            ErrorCode::InvalidParameter,
            "Invalid search attribute: custom:tenant_id".to_owned()
        ))
    );
}

#[test]
fn malformed_filters_are_parse_errors() {
    for s in [
        r#"email = "a@b.c"#,               // missing closing quote
        r"email = a@b.c",                  // unquoted value
        r#"email = "a@b.c" x"#,            // trailing garbage
        r#"email = "a" name = "b""#,       // two attributes
        r#"email ~ "a""#,                  // unknown operator
        r#"email = "a@b.c\""#,             // escaped closing quote
        r#"custom:tenant_id = "x" extra"#, // syntax before attribute
    ] {
        let refused = refusal(s);
        assert!(
            matches!(
                &refused,
                Some((ErrorCode::InvalidParameter, message))
                    if message.starts_with("Error while parsing filter.")
            ),
            "{s}: {refused:?}"
        );
    }
}

#[test]
fn a_filter_of_257_characters_is_refused_and_256_accepted() {
    let value = |n: usize| "x".repeat(n - r#"name = """#.len());
    let at_limit = format!(r#"name = "{}""#, value(MAX_FILTER_LEN));
    assert_eq!(at_limit.chars().count(), 256);
    assert!(matches!(Filter::parse(&at_limit), Ok(Some(_))));

    let over = format!(r#"name = "{}""#, value(MAX_FILTER_LEN + 1));
    assert_eq!(over.chars().count(), 257);
    assert_eq!(
        refusal(&over).map(|(code, _)| code),
        Some(ErrorCode::InvalidParameter)
    );
}

/// Characters with a special meaning in the grammar, often, and any other
/// Unicode scalar value.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('"'),
        Just('\\'),
        Just(' '),
        Just('^'),
        Just('='),
        Just('Σ'),
        any::<char>(),
    ]
}

fn tricky_string(max_chars: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..=max_chars).prop_map(|cs| cs.into_iter().collect())
}

fn attribute() -> impl Strategy<Value = FilterAttribute> {
    prop::sample::select(FilterAttribute::ALL.to_vec())
}

fn op() -> impl Strategy<Value = FilterOp> {
    prop_oneof![Just(FilterOp::Equals), Just(FilterOp::StartsWith)]
}

/// A user whose `attribute` has the value `value` (`status` cannot be set
/// freely, so it is left as it is).
fn with_value<'a>(
    attribute: FilterAttribute,
    value: &'a str,
    attributes: &'a mut Attributes,
) -> FilterTarget<'a> {
    if !matches!(
        attribute,
        FilterAttribute::Username | FilterAttribute::UserStatus
    ) {
        attributes.insert(attribute.as_str().to_owned(), value.to_owned());
    }
    FilterTarget {
        username: if attribute == FilterAttribute::Username {
            value
        } else {
            "jdoe"
        },
        user_status: if attribute == FilterAttribute::UserStatus {
            value
        } else {
            "CONFIRMED"
        },
        enabled: true,
        attributes,
    }
}

/// The model of case-insensitive comparison: lower-case every character.
fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

proptest! {
    #[test]
    fn display_then_parse_round_trips(
        attribute in attribute(),
        op in op(),
        value in tricky_string(300),
    ) {
        let escaped_len = value.chars().count()
            + value.chars().filter(|&c| c == '"' || c == '\\').count();
        let canonical_len = attribute.as_str().len() + op.as_str().len() + 2 + escaped_len;
        match Filter::new(attribute, op, value.clone()) {
            Ok(f) => {
                prop_assert!(canonical_len <= MAX_FILTER_LEN);
                let rendered = f.to_string();
                prop_assert_eq!(rendered.chars().count(), canonical_len);
                prop_assert_eq!(Filter::parse(&rendered), Ok(Some(f.clone())));
                prop_assert_eq!(f.value(), value.as_str());
            }
            Err(e) => {
                prop_assert!(canonical_len > MAX_FILTER_LEN);
                prop_assert_eq!(e.code(), ErrorCode::InvalidParameter);
            }
        }
    }

    #[test]
    fn parse_ignores_white_space_around_name_and_operator(
        attribute in attribute(),
        op in op(),
        value in tricky_string(40),
        ws in prop::collection::vec(prop::sample::select(vec!["", " ", "\t", "\n", "  "]), 4),
    ) {
        let f = Filter::new(attribute, op, value).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let canonical = f.to_string();
        let quote = canonical.find('"').unwrap_or(0);
        let (head, quoted) = canonical.split_at(quote);
        let spaced = format!(
            "{}{}{}{}{}{}{}",
            ws[0], attribute.as_str(), ws[1], op.as_str(), ws[2], quoted, ws[3]
        );
        prop_assert_eq!(head, format!("{}{}", attribute.as_str(), op.as_str()));
        prop_assert_eq!(Filter::parse(&spaced), Ok(Some(f)));
    }

    #[test]
    fn a_prefix_of_the_value_always_matches(
        attribute in attribute().prop_filter("status is not free text", |a| *a != FilterAttribute::Status),
        value in tricky_string(60),
        cut in any::<prop::sample::Index>(),
        case_insensitive_pool in any::<bool>(),
    ) {
        let n = cut.index(value.chars().count() + 1);
        let prefix: String = value.chars().take(n).collect();
        let f = Filter::new(attribute, FilterOp::StartsWith, prefix)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut a = Attributes::new();
        prop_assert!(f.matches(&with_value(attribute, &value, &mut a), case_insensitive_pool));
    }

    #[test]
    fn equals_matches_iff_the_strings_are_equal(
        attribute in attribute().prop_filter("status is not free text", |a| *a != FilterAttribute::Status),
        wanted in tricky_string(40),
        other in tricky_string(40),
        // 0: the same string, 1: the same string upper-cased, 2: an unrelated one.
        how in 0..3u8,
        case_insensitive_pool in any::<bool>(),
    ) {
        let actual = match how {
            0 => wanted.clone(),
            1 => wanted.to_uppercase(),
            _ => other,
        };
        let f = Filter::new(attribute, FilterOp::Equals, wanted.clone())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut a = Attributes::new();
        let matched = f.matches(&with_value(attribute, &actual, &mut a), case_insensitive_pool);
        let model = if attribute.is_case_insensitive(case_insensitive_pool) {
            fold(&actual) == fold(&wanted)
        } else {
            actual == wanted
        };
        prop_assert_eq!(matched, model);
    }

    #[test]
    fn starts_with_agrees_with_the_model(
        attribute in attribute().prop_filter("status is not free text", |a| *a != FilterAttribute::Status),
        prefix in tricky_string(10),
        actual in tricky_string(20),
        case_insensitive_pool in any::<bool>(),
    ) {
        let f = Filter::new(attribute, FilterOp::StartsWith, prefix.clone())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut a = Attributes::new();
        let matched = f.matches(&with_value(attribute, &actual, &mut a), case_insensitive_pool);
        let model = if attribute.is_case_insensitive(case_insensitive_pool) {
            fold(&actual).starts_with(&fold(&prefix))
        } else {
            actual.starts_with(&prefix)
        };
        prop_assert_eq!(matched, model);
    }

    #[test]
    fn parse_never_panics_and_whatever_parses_round_trips(s in tricky_string(300)) {
        if let Ok(Some(f)) = Filter::parse(&s) {
            prop_assert_eq!(Filter::parse(&f.to_string()), Ok(Some(f)));
        }
    }
}
