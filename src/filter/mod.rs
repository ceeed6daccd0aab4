//! The `Filter` parameter of ListUsers: its grammar, and the match of a parsed
//! filter against one user.
//!
//! This module is pure: it parses a string and compares strings. Finding the
//! users, sorting them and paginating are the caller's job.
//!
//! # Grammar
//!
//! `cognito-protocol.md` §4.8:
//!
//! ```text
//! filter    = *WS name *WS op *WS DQUOTE value DQUOTE *WS
//!           / *WS                      ; empty: no filter, every user
//! name      = 1*( any char except WS, "=", "^", DQUOTE )
//! op        = "=" / "^="               ; exact match / prefix match
//! value     = *( escape / any char except "\" and DQUOTE )
//! escape    = "\" DQUOTE / "\" "\"     ; a literal quote / backslash
//! ```
//!
//! `WS` is any Unicode white space ([`char::is_whitespace`]). A filter names
//! **one** attribute: anything but white space after the closing quote is an
//! error. A backslash followed by anything other than a quote or a backslash is
//! an error too, rather than a literal backslash, so that every value has
//! exactly one escaped spelling.
//!
//! # Errors
//!
//! Every refusal is [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter),
//! checked in this order:
//!
//! 1. longer than [`MAX_FILTER_LEN`] (256) characters, the API model's limit:
//!    `1 validation error detected: …` (§5.2's model-validation wording; the
//!    value itself is not echoed);
//! 2. malformed syntax: `Error while parsing filter.` followed by a detail;
//! 3. a well-formed filter on an attribute that is not searchable:
//!    `Invalid search attribute: <name>`.
//!
//! Syntax is checked before the attribute name, as moto does (§4.8).
//!
//! # Searchable attributes and case rules
//!
//! Exactly the ten [`FilterAttribute`]s. Custom (`custom:…`) and developer
//! attributes are not searchable. Where the sources disagree on case
//! sensitivity (`cognito-protocol.md` §10 point 6), the API reference wins:
//!
//! | attribute | compared with | case |
//! |---|---|---|
//! | `username` | the internal username (never an alias) | sensitive, unless the pool is case-insensitive |
//! | `email`, `preferred_username` | the attribute | sensitive, unless the pool is case-insensitive |
//! | `phone_number`, `name`, `given_name`, `family_name`, `sub` | the attribute | sensitive |
//! | `cognito:user_status` | the user status (`CONFIRMED`, …) | always insensitive |
//! | `status` | `Enabled` or `Disabled` | always sensitive |
//!
//! "The pool is case-insensitive" means `UsernameConfiguration.CaseSensitive`
//! is `false`; the pool then looks up `username`, `email` and
//! `preferred_username` without regard to case (§7.4), and its filters do the
//! same. The caller says which kind of pool it is through the
//! `case_insensitive_pool` argument of [`Filter::matches`].
//!
//! Case-insensitive comparison lower-cases both sides one character at a time
//! ([`char::to_lowercase`]). Unlike [`str::to_lowercase`], this never depends on
//! the neighbouring characters (Greek final sigma), so a prefix of a value stays
//! a prefix of it after folding.
//!
//! # Missing attributes and the empty prefix
//!
//! A user without the filtered attribute never matches, whatever the operator
//! and value. `^= ""` therefore matches exactly the users that *have* the
//! attribute: `email ^= ""` lists the users with an email. `username`,
//! `cognito:user_status` and `status` are present on every user.
//!
//! # Canonical form
//!
//! [`Filter`]'s `Display` renders `name op "value"` with no white space and only
//! the two mandatory escapes (`email^="a\"b"`). That is the shortest spelling
//! of a filter, so the rendering of any [`Filter`] is itself at most
//! [`MAX_FILTER_LEN`] characters and parses back to an equal `Filter`.

use std::fmt;

use crate::error::{Constraint, Error, Result, Shown};
use crate::schema::Attributes;

/// The longest filter ListUsers accepts, in characters (Unicode scalar values),
/// from the API model (`cognito-protocol.md` §4.8).
pub const MAX_FILTER_LEN: usize = 256;

/// The message prefix of every syntax error (moto's wording, §4.8).
const PARSE_ERROR: &str = "Error while parsing filter.";

/// An attribute ListUsers can filter on (`cognito-protocol.md` §4.8).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FilterAttribute {
    /// `username`: the user's internal username, not an alias.
    Username,
    /// `email`.
    Email,
    /// `phone_number`.
    PhoneNumber,
    /// `name`.
    Name,
    /// `given_name`.
    GivenName,
    /// `family_name`.
    FamilyName,
    /// `preferred_username`.
    PreferredUsername,
    /// `cognito:user_status`: the user status (`CONFIRMED`, `UNCONFIRMED`, …).
    UserStatus,
    /// `status`: `Enabled` or `Disabled`.
    Status,
    /// `sub`: the user's immutable unique identifier.
    Sub,
}

impl FilterAttribute {
    /// Every searchable attribute, in declaration order.
    pub const ALL: [Self; 10] = [
        Self::Username,
        Self::Email,
        Self::PhoneNumber,
        Self::Name,
        Self::GivenName,
        Self::FamilyName,
        Self::PreferredUsername,
        Self::UserStatus,
        Self::Status,
        Self::Sub,
    ];

    /// The name a filter spells this attribute with (`email`,
    /// `cognito:user_status`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Email => "email",
            Self::PhoneNumber => "phone_number",
            Self::Name => "name",
            Self::GivenName => "given_name",
            Self::FamilyName => "family_name",
            Self::PreferredUsername => "preferred_username",
            Self::UserStatus => "cognito:user_status",
            Self::Status => "status",
            Self::Sub => "sub",
        }
    }

    /// The searchable attribute spelled `name`, or `None` if `name` is not
    /// searchable. Names are case-sensitive: `Email` is not `email`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether values of this attribute are compared without regard to case;
    /// `case_insensitive_pool` is whether the pool was created with
    /// `UsernameConfiguration.CaseSensitive = false`. See the module docs.
    #[must_use]
    pub const fn is_case_insensitive(self, case_insensitive_pool: bool) -> bool {
        match self {
            // §4.8 / §10.6: the user status is always case-insensitive.
            Self::UserStatus => true,
            // §7.4: a case-insensitive pool looks these three up case-insensitively.
            Self::Username | Self::Email | Self::PreferredUsername => case_insensitive_pool,
            // §4.8: `status` is case-sensitive; the others have no documented
            // exception to the API reference's case-sensitive default.
            Self::Status
            | Self::PhoneNumber
            | Self::Name
            | Self::GivenName
            | Self::FamilyName
            | Self::Sub => false,
        }
    }

    /// Whether this is one of the user's attributes (a key of the stored
    /// attributes, as `email` is), rather than the username or a status.
    /// The SQL stores index these by value.
    #[must_use]
    #[cfg_attr(
        not(any(feature = "sqlite", feature = "postgres")),
        allow(dead_code, reason = "only the SQL stores need it")
    )]
    pub const fn is_user_attribute(self) -> bool {
        !matches!(self, Self::Username | Self::UserStatus | Self::Status)
    }

    /// This attribute's value on `user`, or `None` if the user lacks it.
    fn value_of<'a>(self, user: &FilterTarget<'a>) -> Option<&'a str> {
        match self {
            Self::Username => Some(user.username),
            Self::UserStatus => Some(user.user_status),
            Self::Status => Some(if user.enabled { "Enabled" } else { "Disabled" }),
            Self::Email
            | Self::PhoneNumber
            | Self::Name
            | Self::GivenName
            | Self::FamilyName
            | Self::PreferredUsername
            | Self::Sub => user.attributes.get(self.as_str()).map(String::as_str),
        }
    }
}

impl fmt::Display for FilterAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a filter compares its value with the user's (Cognito's `Filter-Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FilterOp {
    /// `=`: the whole value is equal.
    Equals,
    /// `^=`: the user's value starts with the filter's value.
    StartsWith,
}

impl FilterOp {
    /// The operator as a filter spells it: `=` or `^=`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Equals => "=",
            Self::StartsWith => "^=",
        }
    }
}

impl fmt::Display for FilterOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a [`Filter`] is matched against: the parts of one user it can read.
#[derive(Clone, Copy, Debug)]
pub struct FilterTarget<'a> {
    /// The internal username (not an alias), as stored.
    pub username: &'a str,
    /// The user status as Cognito spells it: `CONFIRMED`, `UNCONFIRMED`,
    /// `FORCE_CHANGE_PASSWORD`, ….
    pub user_status: &'a str,
    /// Whether the user is enabled; `status` compares against `Enabled` or
    /// `Disabled`.
    pub enabled: bool,
    /// The user's attributes by API name; `sub` is read from here too.
    pub attributes: &'a Attributes,
}

/// A parsed, valid ListUsers filter: one searchable attribute, an operator and
/// a value.
///
/// Every `Filter` renders (`Display`) to a canonical string of at most
/// [`MAX_FILTER_LEN`] characters that [`Filter::parse`] turns back into an
/// equal `Filter`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Filter {
    attribute: FilterAttribute,
    op: FilterOp,
    value: String,
}

impl Filter {
    /// Parses the `Filter` parameter of ListUsers. An empty or all-white-space
    /// filter is no filter: `Ok(None)`, and ListUsers lists every user.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// the filter is longer than [`MAX_FILTER_LEN`] characters, is not of the
    /// form `name = "value"` or `name ^= "value"` (message starting
    /// `Error while parsing filter.`), or names an attribute that is not
    /// searchable (`Invalid search attribute: <name>`). See the module docs.
    pub fn parse(filter: &str) -> Result<Option<Self>> {
        // Checked first, and without scanning past the limit, so an oversized
        // input costs no more than a maximal one.
        if filter.chars().nth(MAX_FILTER_LEN).is_some() {
            return Err(too_long());
        }
        let rest = filter.trim_start();
        if rest.is_empty() {
            return Ok(None);
        }

        let name_end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '^' | '"'))
            .unwrap_or(rest.len());
        let (name, rest) = rest.split_at(name_end);
        if name.is_empty() {
            return Err(syntax_error("Expected an attribute name."));
        }

        let rest = rest.trim_start();
        let (op, rest) = if let Some(rest) = rest.strip_prefix("^=") {
            (FilterOp::StartsWith, rest)
        } else if let Some(rest) = rest.strip_prefix('=') {
            (FilterOp::Equals, rest)
        } else {
            return Err(syntax_error(
                "Expected `=` or `^=` after the attribute name.",
            ));
        };

        let Some(rest) = rest.trim_start().strip_prefix('"') else {
            return Err(syntax_error("Expected a double-quoted value."));
        };
        let (value, rest) = unquote(rest)?;
        if !rest.trim_start().is_empty() {
            return Err(syntax_error(
                "Unexpected text after the value; a filter names one attribute only.",
            ));
        }

        let attribute = FilterAttribute::from_name(name)
            .ok_or_else(|| Error::invalid_parameter(format!("Invalid search attribute: {name}")))?;
        Ok(Some(Self {
            attribute,
            op,
            value,
        }))
    }

    /// A filter built from its parts rather than parsed.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// the filter's canonical rendering would be longer than
    /// [`MAX_FILTER_LEN`] characters, that is, if ListUsers could not be sent
    /// this filter.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))]
    pub fn new(attribute: FilterAttribute, op: FilterOp, value: impl Into<String>) -> Result<Self> {
        let filter = Self {
            attribute,
            op,
            value: value.into(),
        };
        if filter.canonical_len() > MAX_FILTER_LEN {
            return Err(too_long());
        }
        Ok(filter)
    }

    /// The attribute the filter searches.
    #[must_use]
    pub const fn attribute(&self) -> FilterAttribute {
        self.attribute
    }

    /// Exact or prefix match.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))]
    #[must_use]
    pub const fn op(&self) -> FilterOp {
        self.op
    }

    /// The value to compare with, escapes removed.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether `user` passes the filter. `case_insensitive_pool` is whether
    /// the pool was created with `UsernameConfiguration.CaseSensitive = false`;
    /// it makes `username`, `email` and `preferred_username` compare without
    /// regard to case (see the module docs for every attribute's rule).
    ///
    /// A user without the attribute never matches, even `^= ""`.
    #[must_use]
    pub fn matches(&self, user: &FilterTarget<'_>, case_insensitive_pool: bool) -> bool {
        let Some(actual) = self.attribute.value_of(user) else {
            return false;
        };
        let expected = self.value.as_str();
        match (
            self.op,
            self.attribute.is_case_insensitive(case_insensitive_pool),
        ) {
            (FilterOp::Equals, false) => actual == expected,
            (FilterOp::StartsWith, false) => actual.starts_with(expected),
            (FilterOp::Equals, true) => fold(actual).eq(fold(expected)),
            (FilterOp::StartsWith, true) => {
                let mut actual = fold(actual);
                fold(expected).all(|c| actual.next() == Some(c))
            }
        }
    }

    /// The length in characters of the `Display` rendering.
    #[cfg_attr(not(feature = "internals"), allow(dead_code))]
    fn canonical_len(&self) -> usize {
        let escapes = self.value.chars().filter(|&c| needs_escape(c)).count();
        self.attribute.as_str().len()
            + self.op.as_str().len()
            + 2 // the quotes
            + self.value.chars().count()
            + escapes
    }
}

impl fmt::Display for Filter {
    /// The canonical spelling: `name op "value"` with no white space, and
    /// `"` and `\` escaped in the value. Parses back to an equal filter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.attribute.as_str())?;
        f.write_str(self.op.as_str())?;
        f.write_str("\"")?;
        let mut rest = self.value.as_str();
        while let Some(i) = rest.find(needs_escape) {
            let (plain, special) = rest.split_at(i);
            f.write_str(plain)?;
            f.write_str("\\")?;
            // `special` starts with the one-byte ASCII char found above.
            let (c, tail) = special.split_at(1);
            f.write_str(c)?;
            rest = tail;
        }
        f.write_str(rest)?;
        f.write_str("\"")
    }
}

/// Reads a quoted value up to its closing quote (the opening one already
/// consumed); returns the unescaped value and what follows the closing quote.
fn unquote(quoted: &str) -> Result<(String, &str)> {
    let mut value = String::with_capacity(quoted.len());
    let mut chars = quoted.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &quoted[i + 1..])),
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                Some(_) => {
                    return Err(syntax_error(
                        "Only \\\" and \\\\ may follow a backslash in the value.",
                    ));
                }
                None => break,
            },
            c => value.push(c),
        }
    }
    Err(syntax_error("The value has no closing double quote."))
}

/// Whether `c` must be escaped inside a quoted value.
const fn needs_escape(c: char) -> bool {
    matches!(c, '"' | '\\')
}

/// Lower-cases one character at a time, so that folding preserves prefixes
/// (see "Case rules" in the module docs).
fn fold(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

fn syntax_error(detail: &str) -> Error {
    Error::invalid_parameter(format!("{PARSE_ERROR} {detail}"))
}

fn too_long() -> Error {
    // §5.2: model validation failures read like this. The value is left out:
    // it may be arbitrarily long.
    Error::violation(
        "filter",
        Shown::Hidden,
        Constraint::MaxLength(MAX_FILTER_LEN as u64),
    )
}

#[cfg(test)]
mod prop_tests;

#[cfg(test)]
#[allow(
    clippy::panic,
    reason = "a failed expectation in a test helper is a test failure"
)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn parse(s: &str) -> Filter {
        match Filter::parse(s) {
            Ok(Some(f)) => f,
            other => panic!("{s:?} should parse, got {other:?}"),
        }
    }

    fn parse_err(s: &str) -> Error {
        match Filter::parse(s) {
            Err(e) => e,
            Ok(f) => panic!("{s:?} should be refused, got {f:?}"),
        }
    }

    fn attrs(pairs: &[(&str, &str)]) -> Attributes {
        pairs
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn target(attributes: &Attributes) -> FilterTarget<'_> {
        FilterTarget {
            username: "Alice",
            user_status: "CONFIRMED",
            enabled: true,
            attributes,
        }
    }

    #[test]
    fn empty_and_blank_filters_are_no_filter() {
        for s in ["", " ", "\t\n ", "\u{3000}"] {
            assert_eq!(Filter::parse(s), Ok(None), "{s:?}");
        }
    }

    #[test]
    fn white_space_around_name_and_operator_is_optional() {
        let expected = Filter::new(FilterAttribute::Email, FilterOp::StartsWith, "a b")
            .unwrap_or_else(|e| panic!("{e}"));
        for s in [
            r#"email^="a b""#,
            r#"  email ^= "a b"  "#,
            "\temail\n^=\r\n\"a b\"\t",
        ] {
            assert_eq!(parse(s), expected, "{s:?}");
        }
    }

    #[test]
    fn escapes_are_removed_from_the_value() {
        assert_eq!(parse(r#"name = "a\"b\\c""#).value(), r#"a"b\c"#);
        assert_eq!(parse(r#"name = "\\""#).value(), "\\");
        assert_eq!(parse(r#"name = """#).value(), "");
    }

    /// The user attributes are exactly those whose value a filter reads
    /// from the user's attributes (what the SQL stores index).
    #[test]
    fn user_attributes_are_read_from_the_attributes() {
        for a in FilterAttribute::ALL {
            let stored = attrs(&[(a.as_str(), "from the attributes")]);
            let read = a.value_of(&target(&stored));
            assert_eq!(
                read == Some("from the attributes"),
                a.is_user_attribute(),
                "{a}"
            );
        }
    }

    #[test]
    fn every_searchable_name_parses_to_its_attribute() {
        for a in FilterAttribute::ALL {
            let f = parse(&format!("{} = \"x\"", a.as_str()));
            assert_eq!(f.attribute(), a);
            assert_eq!(FilterAttribute::from_name(a.as_str()), Some(a));
        }
    }

    #[test]
    fn syntax_errors_are_reported_before_unknown_attributes() {
        for s in [
            "email",
            "email =",
            "email = x",
            r#"email == "x""#,
            r#"email ^ = "x""#,
            r#"email = "x"#,
            r#"email = "x\""#,
            r#"email = "x\"#,
            r#"email = "\n""#,
            r#"email = "x" and name = "y""#,
            r#"email = "x""y""#,
            r#"= "x""#,
            r#""email" = "x""#,
            r#"bogus = "x" trailing"#,
        ] {
            let e = parse_err(s);
            assert_eq!(e.code(), ErrorCode::InvalidParameter, "{s:?}");
            assert!(e.message().starts_with(PARSE_ERROR), "{s:?}: {e}");
        }
    }

    #[test]
    fn attribute_names_are_case_sensitive_and_custom_ones_unsearchable() {
        for name in ["Email", "custom:tenant_id", "dev:custom:x", "updated_at"] {
            let e = parse_err(&format!("{name} = \"x\""));
            assert_eq!(e.code(), ErrorCode::InvalidParameter);
            assert_eq!(e.message(), format!("Invalid search attribute: {name}"));
        }
    }

    #[test]
    fn length_limit_counts_characters_not_bytes() {
        // "name=\"\"" is 7 characters; fill up to exactly 256 with 'é' (2 bytes).
        let at_limit = format!("name=\"{}\"", "é".repeat(MAX_FILTER_LEN - 7));
        assert_eq!(at_limit.chars().count(), MAX_FILTER_LEN);
        assert!(at_limit.len() > MAX_FILTER_LEN);
        assert_eq!(parse(&at_limit).value().chars().count(), MAX_FILTER_LEN - 7);

        let over = format!("name=\"{}\"", "é".repeat(MAX_FILTER_LEN - 6));
        let e = parse_err(&over);
        assert_eq!(e.code(), ErrorCode::InvalidParameter);
        assert!(e.message().starts_with("1 validation error detected"));
        // Even white space counts: the limit is on the raw parameter.
        assert!(Filter::parse(&" ".repeat(MAX_FILTER_LEN + 1)).is_err());
    }

    #[test]
    fn new_refuses_what_could_not_be_sent() {
        // `name="` + value + `"`: 7 characters around the value, escapes count double.
        let fits = "\"".repeat((MAX_FILTER_LEN - 7) / 2);
        let f = Filter::new(FilterAttribute::Name, FilterOp::Equals, fits.as_str())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(f.to_string().chars().count() <= MAX_FILTER_LEN);
        let too_many = format!("{fits}\"\"");
        let e = Filter::new(FilterAttribute::Name, FilterOp::Equals, too_many)
            .err()
            .map(|e| e.code());
        assert_eq!(e, Some(ErrorCode::InvalidParameter));
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        let f = parse(r#"  family_name   ^=  "Foo \"Bar\" \\ baz"  "#);
        assert_eq!(f.to_string(), r#"family_name^="Foo \"Bar\" \\ baz""#);
        assert_eq!(parse(&f.to_string()), f);
        let f = parse(r#"cognito:user_status = "confirmed""#);
        assert_eq!(f.to_string(), r#"cognito:user_status="confirmed""#);
    }

    #[test]
    fn user_status_is_always_case_insensitive() {
        let a = Attributes::new();
        let user = target(&a);
        for pool_ci in [false, true] {
            assert!(parse(r#"cognito:user_status = "confirmed""#).matches(&user, pool_ci));
            assert!(parse(r#"cognito:user_status ^= "conf""#).matches(&user, pool_ci));
            assert!(!parse(r#"cognito:user_status = "conf""#).matches(&user, pool_ci));
        }
    }

    #[test]
    fn status_is_always_case_sensitive() {
        let a = Attributes::new();
        let mut user = target(&a);
        for pool_ci in [false, true] {
            assert!(parse(r#"status = "Enabled""#).matches(&user, pool_ci));
            assert!(!parse(r#"status = "enabled""#).matches(&user, pool_ci));
            assert!(!parse(r#"status = "Disabled""#).matches(&user, pool_ci));
        }
        user.enabled = false;
        assert!(parse(r#"status = "Disabled""#).matches(&user, false));
        assert!(parse(r#"status ^= "Dis""#).matches(&user, false));
    }

    #[test]
    fn pool_case_setting_applies_to_username_email_and_preferred_username_only() {
        let a = attrs(&[
            ("email", "Alice@Example.com"),
            ("preferred_username", "Ally"),
            ("name", "Alice Liddell"),
            ("given_name", "Alice"),
        ]);
        let user = target(&a);
        for s in [
            r#"username = "alice""#,
            r#"email = "alice@example.com""#,
            r#"email ^= "ALICE@""#,
            r#"preferred_username = "ally""#,
        ] {
            let f = parse(s);
            assert!(!f.matches(&user, false), "{s} in a case-sensitive pool");
            assert!(f.matches(&user, true), "{s} in a case-insensitive pool");
        }
        for s in [r#"name = "alice liddell""#, r#"given_name ^= "al""#] {
            let f = parse(s);
            assert!(!f.matches(&user, false), "{s}");
            assert!(!f.matches(&user, true), "{s}");
        }
    }

    #[test]
    fn folding_keeps_prefixes_even_for_final_sigma() {
        // str::to_lowercase would give "ος" for the prefix but "οσα" for the value.
        let a = attrs(&[("email", "ΟΣΑ")]);
        assert!(parse(r#"email ^= "ΟΣ""#).matches(&target(&a), true));
        assert!(parse(r#"email = "οσα""#).matches(&target(&a), true));
    }

    #[test]
    fn empty_prefix_matches_exactly_the_users_with_the_attribute() {
        let with = attrs(&[("email", "a@b.c"), ("sub", "")]);
        let without = Attributes::new();
        let email = parse(r#"email ^= """#);
        assert!(email.matches(&target(&with), false));
        assert!(!email.matches(&target(&without), false));
        // Present-but-empty is present.
        assert!(parse(r#"sub ^= """#).matches(&target(&with), false));
        assert!(parse(r#"sub = """#).matches(&target(&with), false));
        assert!(!parse(r#"sub = """#).matches(&target(&without), false));
        // Always present.
        assert!(parse(r#"username ^= """#).matches(&target(&without), false));
    }

    #[test]
    fn sub_and_phone_number_are_read_from_the_attributes() {
        let a = attrs(&[("sub", "0f8fad5b-d9cb"), ("phone_number", "+15550100")]);
        assert!(parse(r#"sub = "0f8fad5b-d9cb""#).matches(&target(&a), false));
        assert!(parse(r#"phone_number ^= "+1555""#).matches(&target(&a), false));
        assert!(!parse(r#"sub ^= "0F8""#).matches(&target(&a), true));
    }

    #[test]
    fn case_rules_match_the_documented_table() {
        use FilterAttribute as A;
        for a in A::ALL {
            let always = matches!(a, A::UserStatus);
            let by_pool = matches!(a, A::Username | A::Email | A::PreferredUsername);
            assert_eq!(a.is_case_insensitive(false), always, "{a}");
            assert_eq!(a.is_case_insensitive(true), always || by_pool, "{a}");
        }
    }
}
