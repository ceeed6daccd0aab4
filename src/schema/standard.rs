//! Cognito's standard attributes: the OIDC set every pool has, plus the three
//! system attributes the pool itself maintains (cognito-protocol.md §7.1).
//!
//! The table records what `DescribeUserPool` reports for each one (data type
//! and constraints, as moto's `STANDARD_SCHEMA` mirrors them) and what the
//! validation in [`Schema`](super::Schema) needs to know beyond that: which
//! attributes can be verified, which flag records it, and which attributes a
//! pool may not configure or a request may not write.

use super::AttributeDataType;

/// The longest value any attribute can hold, in characters
/// (cognito-protocol.md §4.1, `AttributeValueType`).
pub(crate) const MAX_VALUE_CHARS: u32 = 2048;

/// One of Cognito's standard attributes, as [`STANDARD_ATTRIBUTES`] lists it.
///
/// Constraints are the ones Cognito reports in `DescribeUserPool`:
/// `String` attributes carry a length range in characters, `Number`
/// attributes a minimum value. A pool cannot change them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StandardAttributeInfo {
    name: &'static str,
    data_type: AttributeDataType,
    min_length: Option<u32>,
    max_length: Option<u32>,
    min_value: Option<i64>,
    system: bool,
    writable: bool,
    verified_flag: Option<&'static str>,
    verifies: Option<&'static str>,
}

impl StandardAttributeInfo {
    /// An ordinary OIDC `String` attribute of up to 2048 characters.
    const fn string(name: &'static str) -> Self {
        Self {
            name,
            data_type: AttributeDataType::String,
            min_length: Some(0),
            max_length: Some(MAX_VALUE_CHARS),
            min_value: None,
            system: false,
            writable: true,
            verified_flag: None,
            verifies: None,
        }
    }

    const fn lengths(mut self, min: u32, max: u32) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self
    }

    const fn number(name: &'static str, min_value: i64) -> Self {
        Self {
            name,
            data_type: AttributeDataType::Number,
            min_length: None,
            max_length: None,
            min_value: Some(min_value),
            system: false,
            writable: true,
            verified_flag: None,
            verifies: None,
        }
    }

    /// A Boolean `<attribute>_verified` flag, maintained by the pool.
    const fn flag(name: &'static str, verifies: &'static str) -> Self {
        Self {
            name,
            data_type: AttributeDataType::Boolean,
            min_length: None,
            max_length: None,
            min_value: None,
            system: true,
            writable: true,
            verified_flag: None,
            verifies: Some(verifies),
        }
    }

    const fn verified_by(mut self, flag: &'static str) -> Self {
        self.verified_flag = Some(flag);
        self
    }

    /// The attribute's API name (`email`, `updated_at`, `sub`).
    #[must_use]
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Its data type: `String` for most, `Number` for `updated_at`,
    /// `Boolean` for the `_verified` flags.
    #[must_use]
    pub const fn data_type(&self) -> AttributeDataType {
        self.data_type
    }

    /// For `String` attributes, the minimum length in characters
    /// (0, except `birthdate` 10 and `sub` 1). `None` for other types.
    #[must_use]
    pub const fn min_length(&self) -> Option<u32> {
        self.min_length
    }

    /// For `String` attributes, the maximum length in characters
    /// (2048, except `birthdate` 10). `None` for other types.
    #[must_use]
    pub const fn max_length(&self) -> Option<u32> {
        self.max_length
    }

    /// For `Number` attributes, the minimum value (`updated_at`: 0).
    /// `None` for other types. No standard attribute has a maximum.
    #[must_use]
    pub const fn min_value(&self) -> Option<i64> {
        self.min_value
    }

    /// Whether the attribute belongs to the pool rather than to the schema:
    /// `sub`, `email_verified` and `phone_number_verified`. A pool cannot
    /// configure them (required-ness or mutability) as a
    /// [`StandardAttribute`](super::StandardAttribute).
    #[must_use]
    pub const fn is_system(&self) -> bool {
        self.system
    }

    /// Whether any request may write the attribute. Only `sub`, which the pool
    /// assigns when it creates the user, is never writable.
    #[must_use]
    pub const fn is_writable(&self) -> bool {
        self.writable
    }

    /// Whether the attribute can be verified with a code: only `email` and
    /// `phone_number` (cognito-protocol.md §7.1).
    #[must_use]
    pub const fn is_verifiable(&self) -> bool {
        self.verified_flag.is_some()
    }

    /// For a verifiable attribute, the flag that records its verification:
    /// `email_verified` for `email`, `phone_number_verified` for `phone_number`.
    #[must_use]
    pub const fn verified_flag(&self) -> Option<&'static str> {
        self.verified_flag
    }

    /// For a `_verified` flag, the attribute it records the verification of:
    /// `email` for `email_verified`, `phone_number` for `phone_number_verified`.
    #[must_use]
    pub const fn verifies(&self) -> Option<&'static str> {
        self.verifies
    }
}

/// Every standard attribute of a Cognito user pool, in name order: the 17 OIDC
/// attributes a pool can configure, plus the system attributes `sub`,
/// `email_verified` and `phone_number_verified` (cognito-protocol.md §7.1).
///
/// Custom attributes are not listed here; they live in the pool's
/// [`Schema`](super::Schema).
pub static STANDARD_ATTRIBUTES: &[StandardAttributeInfo] = &[
    StandardAttributeInfo::string("address"),
    StandardAttributeInfo::string("birthdate").lengths(10, 10),
    StandardAttributeInfo::string("email").verified_by("email_verified"),
    StandardAttributeInfo::flag("email_verified", "email"),
    StandardAttributeInfo::string("family_name"),
    StandardAttributeInfo::string("gender"),
    StandardAttributeInfo::string("given_name"),
    StandardAttributeInfo::string("locale"),
    StandardAttributeInfo::string("middle_name"),
    StandardAttributeInfo::string("name"),
    StandardAttributeInfo::string("nickname"),
    StandardAttributeInfo::string("phone_number").verified_by("phone_number_verified"),
    StandardAttributeInfo::flag("phone_number_verified", "phone_number"),
    StandardAttributeInfo::string("picture"),
    StandardAttributeInfo::string("preferred_username"),
    StandardAttributeInfo::string("profile"),
    StandardAttributeInfo {
        system: true,
        writable: false,
        ..StandardAttributeInfo::string("sub").lengths(1, MAX_VALUE_CHARS)
    },
    StandardAttributeInfo::number("updated_at", 0),
    StandardAttributeInfo::string("website"),
    StandardAttributeInfo::string("zoneinfo"),
];

/// The standard attribute named `name` (its exact API name, case-sensitive),
/// or `None` if `name` is not one of [`STANDARD_ATTRIBUTES`].
#[must_use]
pub fn standard_attribute(name: &str) -> Option<&'static StandardAttributeInfo> {
    STANDARD_ATTRIBUTES.iter().find(|info| info.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OIDC: [&str; 17] = [
        "address",
        "birthdate",
        "email",
        "family_name",
        "gender",
        "given_name",
        "locale",
        "middle_name",
        "name",
        "nickname",
        "phone_number",
        "picture",
        "preferred_username",
        "profile",
        "updated_at",
        "website",
        "zoneinfo",
    ];

    #[test]
    fn table_is_in_strict_name_order() {
        for pair in STANDARD_ATTRIBUTES.windows(2) {
            assert!(
                pair[0].name < pair[1].name,
                "{} / {}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn table_holds_exactly_the_oidc_set_and_three_system_attributes() {
        assert_eq!(STANDARD_ATTRIBUTES.len(), OIDC.len() + 3);
        for name in OIDC {
            let info = standard_attribute(name);
            assert!(info.is_some_and(|i| !i.is_system()), "{name}");
        }
        for name in ["sub", "email_verified", "phone_number_verified"] {
            assert!(standard_attribute(name).is_some_and(StandardAttributeInfo::is_system));
        }
    }

    #[test]
    fn lookup_is_exact() {
        assert!(standard_attribute("Email").is_none());
        assert!(standard_attribute("custom:email").is_none());
        assert!(standard_attribute("").is_none());
    }

    #[test]
    fn constraints_match_describe_user_pool() {
        let birthdate = standard_attribute("birthdate");
        assert_eq!(birthdate.and_then(|i| i.min_length()), Some(10));
        assert_eq!(birthdate.and_then(|i| i.max_length()), Some(10));
        let updated_at = standard_attribute("updated_at");
        assert_eq!(
            updated_at.map(|i| i.data_type()),
            Some(AttributeDataType::Number)
        );
        assert_eq!(updated_at.and_then(|i| i.min_value()), Some(0));
        let sub = standard_attribute("sub");
        assert_eq!(sub.and_then(|i| i.min_length()), Some(1));
        assert!(sub.is_some_and(|i| !i.is_writable()));
        for info in STANDARD_ATTRIBUTES {
            if info.data_type() == AttributeDataType::String && info.name() != "birthdate" {
                assert_eq!(info.max_length(), Some(2048), "{}", info.name());
            }
        }
    }

    #[test]
    fn only_email_and_phone_are_verifiable_and_flags_point_back() {
        for info in STANDARD_ATTRIBUTES {
            match info.name() {
                "email" | "phone_number" => {
                    let flag = info.verified_flag().and_then(standard_attribute);
                    assert_eq!(flag.and_then(|f| f.verifies()), Some(info.name()));
                    assert_eq!(
                        flag.map(|f| f.data_type()),
                        Some(AttributeDataType::Boolean)
                    );
                }
                _ => assert!(!info.is_verifiable(), "{}", info.name()),
            }
        }
    }
}
