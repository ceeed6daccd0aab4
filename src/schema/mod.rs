//! The attribute schema: Cognito's standard (OIDC) attributes and a pool's
//! custom attributes, and the validation of every write against them.
//!
//! Attribute names are the API names: standard attributes by their OIDC name
//! (`email`, `family_name`), custom ones with the `custom:` prefix
//! (`custom:tenant_id`), developer-only ones as `dev:custom:<name>`
//! (cognito-protocol.md §7.2). All values are strings, as on the wire.

mod standard;
#[cfg_attr(not(feature = "internals"), allow(unreachable_pub))]
pub(crate) mod update;
mod validate;

#[cfg(test)]
mod prop_tests;

pub use standard::{STANDARD_ATTRIBUTES, StandardAttributeInfo, standard_attribute};
pub(crate) use update::{AttributeUpdate, Attributes, Writer};

/// One attribute name and value, as a request carries it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attribute {
    /// API name: `email`, `custom:tenant_id`, ...
    pub name: String,
    /// The value. An empty value in an update deletes the attribute.
    pub value: String,
}

impl Attribute {
    /// An attribute from its API name and value.
    #[must_use]
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// The data type of an attribute (Cognito's `AttributeDataType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttributeDataType {
    /// A string, optionally bounded in length.
    String,
    /// An integer, optionally bounded in value.
    Number,
    /// A date-time: an RFC 3339 date-time (`2022-01-01T10:00:00Z`) or a
    /// `YYYY-MM-DD` calendar date. Cognito does not document its parser.
    DateTime,
    /// `true` or `false`.
    Boolean,
}

impl AttributeDataType {
    /// Cognito's name for the type (`String`, `Number`, `DateTime`, `Boolean`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Number => "Number",
            Self::DateTime => "DateTime",
            Self::Boolean => "Boolean",
        }
    }
}

/// A custom attribute definition (Cognito's `SchemaAttributeType` for a
/// `custom:` attribute). Built with [`CustomAttribute::string`] and friends.
///
/// Custom attributes are mutable unless made [`immutable`](Self::immutable),
/// can never be required (Cognito refuses it; so does
/// [`PoolConfig`](crate::config::PoolConfig) construction), and cannot be
/// changed or removed once the pool exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomAttribute {
    pub(crate) name: String,
    pub(crate) data_type: AttributeDataType,
    pub(crate) mutable: bool,
    pub(crate) required: bool,
    pub(crate) developer_only: bool,
    pub(crate) min_length: Option<u32>,
    pub(crate) max_length: Option<u32>,
    pub(crate) min_value: Option<i64>,
    pub(crate) max_value: Option<i64>,
}

impl CustomAttribute {
    fn new(name: impl Into<String>, data_type: AttributeDataType) -> Self {
        Self {
            name: name.into(),
            data_type,
            mutable: true,
            required: false,
            developer_only: false,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
        }
    }

    /// A `String` attribute named `name` (without the `custom:` prefix).
    #[must_use]
    pub fn string(name: impl Into<String>) -> Self {
        Self::new(name, AttributeDataType::String)
    }

    /// A `Number` attribute (integers) named `name`.
    #[must_use]
    pub fn number(name: impl Into<String>) -> Self {
        Self::new(name, AttributeDataType::Number)
    }

    /// A `DateTime` attribute named `name`.
    #[must_use]
    pub fn date_time(name: impl Into<String>) -> Self {
        Self::new(name, AttributeDataType::DateTime)
    }

    /// A `Boolean` attribute named `name`.
    #[must_use]
    pub fn boolean(name: impl Into<String>) -> Self {
        Self::new(name, AttributeDataType::Boolean)
    }

    /// Bounds a `String` attribute's length, in characters (inclusive).
    /// Cognito's `StringAttributeConstraints`.
    #[must_use]
    pub fn length(mut self, min: u32, max: u32) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self
    }

    /// Bounds a `Number` attribute's value (inclusive).
    /// Cognito's `NumberAttributeConstraints`.
    #[must_use]
    pub fn range(mut self, min: i64, max: i64) -> Self {
        self.min_value = Some(min);
        self.max_value = Some(max);
        self
    }

    /// Makes the attribute writable only when the user is created.
    #[must_use]
    pub fn immutable(mut self) -> Self {
        self.mutable = false;
        self
    }

    /// Marks the attribute required. Cognito does not support required custom
    /// attributes, so a pool configured with one is refused at construction.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Makes it a developer-only attribute (`dev:custom:<name>`): written only
    /// by admin operations, never readable by clients or present in tokens.
    #[must_use]
    pub fn developer_only(mut self) -> Self {
        self.developer_only = true;
        self
    }

    /// The name without prefix, as configured.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name as the API spells it: `custom:<name>`, or `dev:custom:<name>`
    /// for developer-only attributes.
    #[must_use]
    pub fn api_name(&self) -> String {
        if self.developer_only {
            format!("dev:custom:{}", self.name)
        } else {
            format!("custom:{}", self.name)
        }
    }

    /// The data type.
    #[must_use]
    pub fn data_type(&self) -> AttributeDataType {
        self.data_type
    }

    /// Whether the attribute can change after the user is created.
    #[must_use]
    pub fn is_mutable(&self) -> bool {
        self.mutable
    }
}

/// How a pool treats one standard attribute: required at creation, and
/// whether it can change afterwards. Every standard attribute not configured
/// is optional and mutable, as in Cognito.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StandardAttribute {
    pub(crate) name: String,
    pub(crate) required: bool,
    pub(crate) mutable: bool,
}

impl StandardAttribute {
    /// The standard attribute `name` (`family_name`, `address`, ...), optional and mutable.
    #[must_use]
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            required: false,
            mutable: true,
        }
    }

    /// Requires the attribute when a user is created.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Makes the attribute writable only when the user is created.
    #[must_use]
    pub fn immutable(mut self) -> Self {
        self.mutable = false;
        self
    }

    /// The attribute's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A validated schema: the standard attribute settings plus the custom attributes.
///
/// Built once by [`PoolConfig`](crate::config::PoolConfig); its validation
/// methods are pure functions of their arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    standard: Vec<StandardAttribute>,
    custom: Vec<CustomAttribute>,
}
