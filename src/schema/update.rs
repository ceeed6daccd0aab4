//! The vocabulary of attribute writes the engine validates against a
//! [`Schema`](super::Schema): who writes, the attributes a user has, and what
//! a validated update leaves.

use std::collections::BTreeMap;

/// A user's attributes, by API name (`email`, `custom:tenant_id`), in name order.
pub type Attributes = BTreeMap<String, String>;

/// Who is writing attributes: it decides which attributes are writable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Writer {
    /// An admin (IAM-authorised) operation: may write `dev:` attributes and
    /// the `email_verified` / `phone_number_verified` flags.
    Admin,
    /// The user through an app client (sign-up, `UpdateUserAttributes`).
    User,
}

/// The outcome of validating an update: the attributes to store and which
/// names changed value (so the pool can reset `_verified` flags and send codes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeUpdate {
    /// The complete attribute set after the update.
    pub attributes: Attributes,
    /// Names whose value was added, changed or removed, in name order.
    pub changed: Vec<String>,
}
