//! Building a [`Schema`] and validating every attribute write against it.
//!
//! Three writes exist, each a pure function of its arguments that returns the
//! complete attribute set to store, or an error and nothing else (all or
//! nothing):
//!
//! * [`Schema::validate_create`] — `SignUp`, `AdminCreateUser`: any known
//!   attribute, immutable ones included; required attributes must be present.
//! * [`Schema::validate_update`] — `UpdateUserAttributes`,
//!   `AdminUpdateUserAttributes`: only mutable attributes; an empty value
//!   deletes; changing `email` / `phone_number` resets its `_verified` flag.
//! * [`Schema::validate_delete`] — `DeleteUserAttributes`,
//!   `AdminDeleteUserAttributes`.
//!
//! The rules, and the exact message of every refusal, are documented on
//! [`Schema::validate_create`]; the other two writes share them.

use std::collections::BTreeSet;

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime};

use super::standard::{MAX_VALUE_CHARS, StandardAttributeInfo, standard_attribute};
use super::{
    Attribute, AttributeDataType, AttributeUpdate, Attributes, CustomAttribute, Schema,
    StandardAttribute, Writer,
};
use crate::error::{Constraint, Error, Result, Shown, Violation};

const NONCONFORMING: &str = "Attributes did not conform to the schema: ";
const UNAUTHORIZED_WRITE: &str = "A client attempted to write unauthorized attribute";
const REQUIRED: &str = "The attribute is required";
const DOES_NOT_EXIST: &str = "Attribute does not exist in the schema.";

/// Which write is being validated: it decides immutability and some wording.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Create,
    Update,
    Delete,
}

/// What a resolved name refers to.
#[derive(Clone, Copy)]
enum Def<'a> {
    Standard {
        info: &'static StandardAttributeInfo,
        config: Option<&'a StandardAttribute>,
    },
    Custom(&'a CustomAttribute),
}

impl Def<'_> {
    fn required(self) -> bool {
        match self {
            Self::Standard { config, .. } => config.is_some_and(|c| c.required),
            Self::Custom(c) => c.required,
        }
    }

    fn mutable(self) -> bool {
        match self {
            Self::Standard { info, config } => {
                info.is_writable() && config.is_none_or(|c| c.mutable)
            }
            Self::Custom(c) => c.mutable,
        }
    }

    fn data_type(self) -> AttributeDataType {
        match self {
            Self::Standard { info, .. } => info.data_type(),
            Self::Custom(c) => c.data_type,
        }
    }

    /// Only admin (IAM-authorised) writers may write it.
    fn admin_only(self) -> bool {
        match self {
            Self::Standard { info, .. } => info.verifies().is_some(),
            Self::Custom(c) => c.developer_only,
        }
    }

    fn writable(self) -> bool {
        match self {
            Self::Standard { info, .. } => info.is_writable(),
            Self::Custom(_) => true,
        }
    }
}

/// One request attribute whose name is in the schema.
struct Resolved<'s, 'r> {
    /// The canonical API name (`dev:<n>` already rewritten).
    name: String,
    def: Def<'s>,
    value: &'r str,
}

impl Schema {
    /// The most custom attributes a pool can have (cognito-protocol.md §7.2).
    pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;

    /// The longest custom attribute name, in characters, without the
    /// `custom:` prefix (`CustomAttributeNameType`).
    pub const MAX_CUSTOM_NAME_LENGTH: usize = 20;

    /// The longest attribute value, in characters (`AttributeValueType`).
    pub const MAX_VALUE_LENGTH: usize = MAX_VALUE_CHARS as usize;

    /// A schema from the pool's standard-attribute settings and its custom
    /// attributes. Standard attributes not listed stay optional and mutable.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) if
    /// * a [`StandardAttribute`] is not one of the 17 configurable standard
    ///   attributes (`sub`, `email_verified` and `phone_number_verified`
    ///   belong to the pool and cannot be configured), or is listed twice;
    /// * there are more than [`Schema::MAX_CUSTOM_ATTRIBUTES`] custom attributes;
    /// * a custom name is empty, longer than [`Schema::MAX_CUSTOM_NAME_LENGTH`]
    ///   characters, contains whitespace, control or format characters, or is
    ///   used twice (developer-only or not);
    /// * a custom attribute is required (`Required custom attributes are not
    ///   supported currently.`, as Cognito answers);
    /// * a length bound is set on a non-`String` or a value bound on a
    ///   non-`Number` attribute, a minimum exceeds its maximum, or a `String`
    ///   bound exceeds 2048.
    pub fn new(standard: Vec<StandardAttribute>, custom: Vec<CustomAttribute>) -> Result<Schema> {
        let mut seen = BTreeSet::new();
        for s in &standard {
            let Some(info) = standard_attribute(&s.name) else {
                return Err(Error::invalid_parameter(format!(
                    "{}: Not a standard attribute; configure custom attributes as CustomAttribute.",
                    s.name
                )));
            };
            if info.is_system() {
                return Err(Error::invalid_parameter(format!(
                    "{}: The user pool maintains this attribute; it cannot be configured.",
                    s.name
                )));
            }
            if !seen.insert(s.name.as_str()) {
                return Err(Error::invalid_parameter(format!(
                    "{}: Attribute is configured more than once.",
                    s.name
                )));
            }
        }

        if custom.len() > Self::MAX_CUSTOM_ATTRIBUTES {
            return Err(Error::invalid_parameter(format!(
                "Too many custom attributes: {} configured, at most {} are allowed.",
                custom.len(),
                Self::MAX_CUSTOM_ATTRIBUTES
            )));
        }
        let mut seen = BTreeSet::new();
        for c in &custom {
            check_custom_attribute(c)?;
            if !seen.insert(c.name.as_str()) {
                return Err(Error::invalid_parameter(format!(
                    "custom:{}: Attribute is configured more than once.",
                    c.name
                )));
            }
        }
        Ok(Schema { standard, custom })
    }

    /// This schema with `added` custom attributes appended, as
    /// `AddCustomAttributes` does. Existing attributes never change.
    ///
    /// # Errors
    ///
    /// As [`Schema::new`] for the combined list: in particular a name already
    /// in use, or more than [`Schema::MAX_CUSTOM_ATTRIBUTES`] in total.
    pub fn add_custom_attributes(&self, added: Vec<CustomAttribute>) -> Result<Schema> {
        let mut custom = self.custom.clone();
        custom.extend(added);
        Schema::new(self.standard.clone(), custom)
    }

    /// The standard attributes the pool configured (required or immutable),
    /// in configuration order.
    #[must_use]
    pub fn standard(&self) -> &[StandardAttribute] {
        &self.standard
    }

    /// The custom attributes, in configuration order.
    #[must_use]
    pub fn custom(&self) -> &[CustomAttribute] {
        &self.custom
    }

    /// API names of the attributes a user must have at creation, in
    /// configuration order. Only standard attributes can be required; `sub`,
    /// which the pool assigns itself, is not listed.
    #[must_use]
    pub fn required_attributes(&self) -> Vec<String> {
        self.standard
            .iter()
            .filter(|s| s.required)
            .map(|s| s.name.clone())
            .collect()
    }

    /// Whether the attribute can be written after the user is created.
    /// `false` for immutable and unknown attributes and for `sub`.
    #[must_use]
    pub fn is_mutable(&self, api_name: &str) -> bool {
        self.resolve(api_name).is_some_and(|(_, def)| def.mutable())
    }

    /// The attribute's data type, or `None` if the schema has no such attribute.
    #[must_use]
    pub fn data_type(&self, api_name: &str) -> Option<AttributeDataType> {
        self.resolve(api_name).map(|(_, def)| def.data_type())
    }

    /// Whether `api_name` names an attribute of this schema: any standard
    /// attribute (system ones included), `custom:<name>`, or
    /// `dev:custom:<name>` / `dev:<name>` for developer-only ones.
    #[must_use]
    pub fn is_known(&self, api_name: &str) -> bool {
        self.resolve(api_name).is_some()
    }

    /// The name under which the attribute is stored: `name` itself, except
    /// `dev:<name>` which becomes `dev:custom:<name>`. `None` if unknown.
    #[must_use]
    pub fn canonical_name(&self, name: &str) -> Option<String> {
        self.resolve(name).map(|(canonical, _)| canonical)
    }

    /// Validates the attributes of a new user (`SignUp`, `AdminCreateUser`)
    /// and returns the set to store, keyed by canonical API name. Empty values
    /// are dropped. Immutable attributes may be written here and only here.
    /// `sub` is not added: the pool assigns it.
    ///
    /// # Checks, in order
    ///
    /// 1. Value length (request model): no value over 2048 characters.
    /// 2. Names: every name must be in the schema (`dev:<name>` is accepted and
    ///    stored as `dev:custom:<name>`, cognito-protocol.md §7.2 and §10.3); a
    ///    name may appear only once per request.
    /// 3. Per attribute, in request order: `sub` is never writable; a
    ///    [`Writer::User`] may not write `dev:` attributes or the `_verified`
    ///    flags; after creation, immutable attributes cannot be written at all,
    ///    not even with their current value; then the value's type and format.
    /// 4. Whole set: a `_verified` flag set to `true` needs its attribute; at
    ///    creation, every required attribute must be present.
    ///
    /// # Values
    ///
    /// * An empty value means "no value": at creation it is not stored, in an
    ///   update it deletes the attribute. Required attributes are therefore never
    ///   satisfied by an empty value.
    /// * Lengths are counted in characters (Unicode scalar values), not bytes.
    /// * `email`: one `@`, non-empty local and domain parts, a `.` inside the
    ///   domain (not first or last), no whitespace or control characters. This is
    ///   deliberately pragmatic, not RFC 5322.
    /// * `phone_number`: `+` then 1–15 ASCII digits (E.164).
    /// * `birthdate`: a valid calendar date written `YYYY-MM-DD`.
    /// * `Number` (`updated_at`, custom): an integer (`-?[0-9]+`) that fits `i64`,
    ///   within the attribute's bounds (`updated_at` ≥ 0).
    /// * `Boolean`: exactly `true` or `false`.
    /// * `DateTime` (custom): an RFC 3339 date-time (`2022-01-01T10:00:00Z`) or a
    ///   calendar date `YYYY-MM-DD`. Cognito documents no format for this type;
    ///   these two are what clients send in practice.
    ///
    /// # Messages
    ///
    /// All are `InvalidParameterException` except the write-permission one.
    /// Wording follows the live service where it is known (cognito-protocol.md
    /// §5.2 and the sources named below); the others keep its
    /// `Attributes did not conform to the schema: <name>: <reason>` shape.
    ///
    /// | Case | Message |
    /// |---|---|
    /// | Value over 2048 characters | `1 validation error detected: Value at 'userAttributes.<i>.member.value' failed to satisfy constraint: Member must have length less than or equal to 2048` (request-model wording, `<i>` 1-based; `N validation errors detected: …; …` for several) |
    /// | Unknown name, create | `Attributes did not conform to the schema: <name>: Attribute does not exist in the schema.` (§5.2) |
    /// | Unknown name, update/delete | `user.<name>: Attribute does not exist in the schema.` (§5.2) |
    /// | Duplicate name | `Attributes did not conform to the schema: <name>: Attribute is listed more than once.` (chosen) |
    /// | `sub` at creation | `Attributes did not conform to the schema: sub: Attribute cannot be written.` (chosen) |
    /// | Immutable after creation (and `sub`) | `user.<name>: Attribute cannot be updated.` (live service, quoted in `aws-amplify/amplify-swift#3981` and `aws-amplify/amplify-js#3526`) |
    /// | Unauthorised writer | `NotAuthorizedException` `A client attempted to write unauthorized attribute` |
    /// | Bad email / phone | `Invalid email address format.` / `Invalid phone number format.` (§5.2) |
    /// | String length | `…: <name>: String must be no shorter than <min> characters` / `… no longer than <max> characters` (chosen) |
    /// | Number | `…: <name>: Number must be an integer` / `… no less than <min>` / `… no greater than <max>` (chosen) |
    /// | Boolean | `…: <name>: Boolean must be true or false` (chosen) |
    /// | Date / DateTime | `…: <name>: Date must be a valid date written YYYY-MM-DD` / `…: <name>: DateTime must be an RFC 3339 date-time or a YYYY-MM-DD date` (chosen) |
    /// | `_verified` true without its attribute | `…: email_verified: Cannot be true without a value for email` (chosen) |
    /// | Required missing or deleted | `Attributes did not conform to the schema: <name>: The attribute is required` (§5.2) |
    ///
    /// When several names are unknown, or several required attributes missing,
    /// each `<name>: <reason>` is listed after the single prefix, separated by one
    /// space, e.g. `Attributes did not conform to the schema: family_name: The
    /// attribute is required email: The attribute is required` (required ones in
    /// the order the schema configures them). The live service separates them
    /// with newlines instead (`aws-amplify/amplify-flutter#509`); clients match on
    /// the exception name, not the text.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) for
    /// a value over 2048 characters, an unknown or repeated name, `sub`, a
    /// value of the wrong type or format, a `_verified` flag set to `true`
    /// without its attribute, or a missing required attribute (see *Messages*
    /// above);
    /// [`ErrorCode::NotAuthorized`](crate::ErrorCode::NotAuthorized) when a
    /// [`Writer::User`] writes a `dev:` attribute or a `_verified` flag.
    pub(crate) fn validate_create(
        &self,
        attrs: &[Attribute],
        writer: Writer,
    ) -> Result<Attributes> {
        check_value_lengths(attrs)?;
        let resolved = self.resolve_request(attrs, Op::Create)?;
        let mut out = Attributes::new();
        let mut written = BTreeSet::new();
        for r in &resolved {
            check_write(r.def, &r.name, writer, Op::Create)?;
            written.insert(r.name.as_str());
            if !r.value.is_empty() {
                check_value(r)?;
                out.insert(r.name.clone(), r.value.to_owned());
            }
        }
        check_verified_flags(&out, &written)?;

        let missing: Vec<String> = self
            .required_attributes()
            .into_iter()
            .filter(|name| !out.contains_key(name))
            .collect();
        if !missing.is_empty() {
            return Err(required_error(&missing));
        }
        Ok(out)
    }

    /// Validates an update of an existing user's attributes
    /// (`UpdateUserAttributes`, `AdminUpdateUserAttributes`) and returns the
    /// complete new set plus the names whose stored value changed.
    ///
    /// An empty value deletes the attribute. When `email` gets a different
    /// value and the request does not itself set `email_verified`, a present
    /// `email_verified` becomes `false`; deleting `email` removes it (likewise
    /// `phone_number` / `phone_number_verified`). `changed` includes such
    /// flags. Writing an attribute with its current value is not a change.
    ///
    /// # Errors
    ///
    /// As [`Schema::validate_create`], except that unknown names read
    /// `user.<name>: Attribute does not exist in the schema.`, and also
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter)
    /// `user.<name>: Attribute cannot be updated.` for any write to an
    /// immutable attribute or `sub` (even with the current value), and
    /// `Attributes did not conform to the schema: <name>: The attribute is
    /// required` for an empty value on a required attribute. On error nothing
    /// is changed.
    pub(crate) fn validate_update(
        &self,
        current: &Attributes,
        changes: &[Attribute],
        writer: Writer,
    ) -> Result<AttributeUpdate> {
        check_value_lengths(changes)?;
        let resolved = self.resolve_request(changes, Op::Update)?;
        let mut next = current.clone();
        let mut written = BTreeSet::new();
        for r in &resolved {
            check_write(r.def, &r.name, writer, Op::Update)?;
            written.insert(r.name.as_str());
            if r.value.is_empty() {
                if r.def.required() {
                    return Err(required_error(std::slice::from_ref(&r.name)));
                }
                next.remove(&r.name);
            } else {
                check_value(r)?;
                next.insert(r.name.clone(), r.value.to_owned());
            }
        }

        // A new address has not been verified (cognito-protocol.md §4.7:
        // changing email/phone resets its `_verified` to false), and a flag
        // without its attribute means nothing.
        for (attribute, flag) in verified_pairs() {
            if !written.contains(attribute) || written.contains(flag) {
                continue;
            }
            match next.get(attribute) {
                None => {
                    next.remove(flag);
                }
                Some(value) if current.get(attribute) != Some(value) => {
                    if let Some(state) = next.get_mut(flag) {
                        *state = "false".to_owned();
                    }
                }
                Some(_) => {}
            }
        }
        check_verified_flags(&next, &written)?;

        let changed = changed_names(current, &next);
        Ok(AttributeUpdate {
            attributes: next,
            changed,
        })
    }

    /// Validates removing attributes from an existing user
    /// (`DeleteUserAttributes`, `AdminDeleteUserAttributes`). Deleting `email`
    /// also removes `email_verified` (likewise `phone_number`); deleting an
    /// absent attribute is a no-op, and a name may be listed more than once.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`](crate::ErrorCode::InvalidParameter) for
    /// an unknown name (`user.<name>: Attribute does not exist in the
    /// schema.`), `sub` or an immutable attribute (`user.<name>: Attribute
    /// cannot be updated.`, whether or not the user has it), or a required
    /// attribute; [`ErrorCode::NotAuthorized`](crate::ErrorCode::NotAuthorized)
    /// when a [`Writer::User`] deletes a `dev:` attribute or a `_verified` flag.
    pub(crate) fn validate_delete(
        &self,
        current: &Attributes,
        names: &[String],
        writer: Writer,
    ) -> Result<AttributeUpdate> {
        let resolved = self.resolve_names(names.iter().map(String::as_str), Op::Delete)?;
        let mut next = current.clone();
        for (name, def) in &resolved {
            check_write(*def, name, writer, Op::Delete)?;
            if def.required() {
                return Err(required_error(std::slice::from_ref(name)));
            }
            next.remove(name);
            if let Def::Standard { info, .. } = def
                && let Some(flag) = info.verified_flag()
            {
                next.remove(flag);
            }
        }
        let changed = changed_names(current, &next);
        Ok(AttributeUpdate {
            attributes: next,
            changed,
        })
    }

    /// The canonical name and definition `name` refers to.
    fn resolve(&self, name: &str) -> Option<(String, Def<'_>)> {
        if let Some(info) = standard_attribute(name) {
            let config = self.standard.iter().find(|s| s.name == name);
            return Some((name.to_owned(), Def::Standard { info, config }));
        }
        let exact = |developer_only: bool, bare: &str| {
            self.custom
                .iter()
                .find(|c| c.developer_only == developer_only && c.name == bare)
        };
        let found = if let Some(bare) = name.strip_prefix("dev:custom:") {
            exact(true, bare)
        } else if let Some(bare) = name.strip_prefix("custom:") {
            exact(false, bare)
        } else {
            None
        };
        // `dev:<name>` is the form the API field documentation gives
        // (cognito-protocol.md §7.2); an exact `dev:custom:` match wins.
        let found = found.or_else(|| name.strip_prefix("dev:").and_then(|bare| exact(true, bare)));
        found.map(|c| (c.api_name(), Def::Custom(c)))
    }

    /// Resolves every name of a request; refuses unknown names (all listed)
    /// and, for writes, names that appear twice.
    fn resolve_names<'n>(
        &self,
        names: impl Iterator<Item = &'n str>,
        op: Op,
    ) -> Result<Vec<(String, Def<'_>)>> {
        let mut unknown = Vec::new();
        let mut resolved = Vec::new();
        for name in names {
            match self.resolve(name) {
                Some(found) => resolved.push(found),
                None => unknown.push(name),
            }
        }
        if !unknown.is_empty() {
            let listed: Vec<String> = unknown
                .iter()
                .map(|name| match op {
                    Op::Create => format!("{name}: {DOES_NOT_EXIST}"),
                    Op::Update | Op::Delete => format!("user.{name}: {DOES_NOT_EXIST}"),
                })
                .collect();
            let prefix = if op == Op::Create { NONCONFORMING } else { "" };
            return Err(Error::invalid_parameter(format!(
                "{prefix}{}",
                listed.join(" ")
            )));
        }
        if op != Op::Delete {
            let mut seen = BTreeSet::new();
            for (name, _) in &resolved {
                if !seen.insert(name.as_str()) {
                    return Err(nonconforming(name, "Attribute is listed more than once."));
                }
            }
        }
        Ok(resolved)
    }

    fn resolve_request<'r>(&self, attrs: &'r [Attribute], op: Op) -> Result<Vec<Resolved<'_, 'r>>> {
        let names = self.resolve_names(attrs.iter().map(|a| a.name.as_str()), op)?;
        Ok(names
            .into_iter()
            .zip(attrs)
            .map(|((name, def), attr)| Resolved {
                name,
                def,
                value: &attr.value,
            })
            .collect())
    }
}

impl Default for Schema {
    /// The schema of a pool that configures nothing: every standard attribute
    /// optional and mutable, no custom attributes.
    fn default() -> Self {
        Schema {
            standard: Vec::new(),
            custom: Vec::new(),
        }
    }
}

/// The configuration rules for one custom attribute (cognito-protocol.md §7.2).
fn check_custom_attribute(c: &CustomAttribute) -> Result<()> {
    let invalid = |reason: String| {
        Err(Error::invalid_parameter(format!(
            "custom:{}: {reason}",
            c.name
        )))
    };
    if c.name.is_empty() {
        return Err(Error::invalid_parameter(
            "Custom attribute names must have at least 1 character.",
        ));
    }
    if c.name.chars().count() > Schema::MAX_CUSTOM_NAME_LENGTH {
        return invalid(format!(
            "Custom attribute names must have at most {} characters.",
            Schema::MAX_CUSTOM_NAME_LENGTH
        ));
    }
    if !c.name.chars().all(is_name_char) {
        return invalid(
            "Custom attribute names must not contain whitespace, control or format characters."
                .to_owned(),
        );
    }
    if c.required {
        return Err(Error::invalid_parameter(
            "Required custom attributes are not supported currently.",
        ));
    }
    let is_string = c.data_type == AttributeDataType::String;
    let is_number = c.data_type == AttributeDataType::Number;
    if !is_string && (c.min_length.is_some() || c.max_length.is_some()) {
        return invalid(format!(
            "Length constraints apply only to String attributes, not {}.",
            c.data_type.as_str()
        ));
    }
    if !is_number && (c.min_value.is_some() || c.max_value.is_some()) {
        return invalid(format!(
            "Value constraints apply only to Number attributes, not {}.",
            c.data_type.as_str()
        ));
    }
    if is_string {
        let min = c.min_length.unwrap_or(0);
        let max = c.max_length.unwrap_or(MAX_VALUE_CHARS);
        if max > MAX_VALUE_CHARS || min > MAX_VALUE_CHARS {
            return invalid(format!(
                "Length constraints must be at most {MAX_VALUE_CHARS}."
            ));
        }
        if min > max {
            return invalid(format!(
                "Minimum length {min} is greater than maximum length {max}."
            ));
        }
    }
    if let (Some(min), Some(max)) = (c.min_value, c.max_value)
        && min > max
    {
        return invalid(format!(
            "Minimum value {min} is greater than maximum value {max}."
        ));
    }
    Ok(())
}

/// `[\p{L}\p{M}\p{S}\p{N}\p{P}]` as far as the standard library can tell:
/// everything except separators (all of which are `White_Space`), controls,
/// format characters, private-use code points and noncharacters. Unassigned
/// code points cannot be told apart without Unicode tables and are accepted.
fn is_name_char(c: char) -> bool {
    if c.is_whitespace() || c.is_control() {
        return false;
    }
    let cp = u32::from(c);
    let format = matches!(
        cp,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    );
    let private_use = matches!(cp, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let noncharacter = matches!(cp, 0xFDD0..=0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    !(format || private_use || noncharacter)
}

/// The request model's `AttributeValueType` limit, checked before anything
/// else as the service does. Values are sensitive, so the message omits them.
fn check_value_lengths(attrs: &[Attribute]) -> Result<()> {
    let too_long: Vec<Violation> = attrs
        .iter()
        .enumerate()
        .filter(|(_, a)| a.value.chars().count() > Schema::MAX_VALUE_LENGTH)
        .map(|(i, _)| {
            Violation::new(
                format!("userAttributes.{}.member.value", i + 1),
                Shown::Hidden,
                Constraint::MaxLength(u64::from(MAX_VALUE_CHARS)),
            )
        })
        .collect();
    if too_long.is_empty() {
        Ok(())
    } else {
        Err(Error::validation(too_long))
    }
}

/// Who may write the attribute, and when.
fn check_write(def: Def<'_>, name: &str, writer: Writer, op: Op) -> Result<()> {
    if !def.writable() && op == Op::Create {
        return Err(nonconforming(name, "Attribute cannot be written."));
    }
    if writer == Writer::User && def.admin_only() {
        return Err(Error::not_authorized(UNAUTHORIZED_WRITE));
    }
    if op != Op::Create && !def.mutable() {
        return Err(Error::invalid_parameter(format!(
            "user.{name}: Attribute cannot be updated."
        )));
    }
    Ok(())
}

/// Type and format of a non-empty value.
fn check_value(r: &Resolved<'_, '_>) -> Result<()> {
    let (name, value) = (r.name.as_str(), r.value);
    match r.def {
        Def::Standard { info, .. } => match info.name() {
            "email" if !is_valid_email(value) => {
                Err(Error::invalid_parameter("Invalid email address format."))
            }
            "phone_number" if !is_valid_phone(value) => {
                Err(Error::invalid_parameter("Invalid phone number format."))
            }
            "birthdate" if parse_calendar_date(value).is_none() => Err(nonconforming(
                name,
                "Date must be a valid date written YYYY-MM-DD",
            )),
            _ => match info.data_type() {
                AttributeDataType::String => {
                    check_length(name, value, info.min_length(), info.max_length())
                }
                AttributeDataType::Number => check_number(name, value, info.min_value(), None),
                AttributeDataType::Boolean => check_boolean(name, value),
                AttributeDataType::DateTime => check_date_time(name, value),
            },
        },
        Def::Custom(c) => match c.data_type {
            AttributeDataType::String => check_length(name, value, c.min_length, c.max_length),
            AttributeDataType::Number => check_number(name, value, c.min_value, c.max_value),
            AttributeDataType::Boolean => check_boolean(name, value),
            AttributeDataType::DateTime => check_date_time(name, value),
        },
    }
}

fn check_length(name: &str, value: &str, min: Option<u32>, max: Option<u32>) -> Result<()> {
    let len = value.chars().count();
    if let Some(min) = min
        && len < min as usize
    {
        return Err(nonconforming(
            name,
            &format!("String must be no shorter than {min} characters"),
        ));
    }
    if let Some(max) = max
        && len > max as usize
    {
        return Err(nonconforming(
            name,
            &format!("String must be no longer than {max} characters"),
        ));
    }
    Ok(())
}

fn check_number(name: &str, value: &str, min: Option<i64>, max: Option<i64>) -> Result<()> {
    let Some(n) = parse_integer(value) else {
        return Err(nonconforming(name, "Number must be an integer"));
    };
    if let Some(min) = min
        && n < min
    {
        return Err(nonconforming(
            name,
            &format!("Number must be no less than {min}"),
        ));
    }
    if let Some(max) = max
        && n > max
    {
        return Err(nonconforming(
            name,
            &format!("Number must be no greater than {max}"),
        ));
    }
    Ok(())
}

fn check_boolean(name: &str, value: &str) -> Result<()> {
    match value {
        "true" | "false" => Ok(()),
        _ => Err(nonconforming(name, "Boolean must be true or false")),
    }
}

fn check_date_time(name: &str, value: &str) -> Result<()> {
    if parse_calendar_date(value).is_some() || OffsetDateTime::parse(value, &Rfc3339).is_ok() {
        Ok(())
    } else {
        Err(nonconforming(
            name,
            "DateTime must be an RFC 3339 date-time or a YYYY-MM-DD date",
        ))
    }
}

/// `-?[0-9]+` within `i64`; no `+`, spaces, decimals or exponents.
fn parse_integer(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// A calendar date written exactly `YYYY-MM-DD`.
fn parse_calendar_date(value: &str) -> Option<Date> {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u16> {
        bytes.get(range)?.iter().try_fold(0u16, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u16::from(b - b'0'))
        })
    };
    let year = i32::from(number(0..4)?);
    let month = Month::try_from(u8::try_from(number(5..7)?).ok()?).ok()?;
    let day = u8::try_from(number(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Pragmatic address check (see `Schema::validate_create`), not RFC 5322.
fn is_valid_email(value: &str) -> bool {
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let mut parts = value.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

/// E.164: `+` and 1 to 15 digits (cognito-protocol.md §7.1).
fn is_valid_phone(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|digits| {
        (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `(attribute, flag)` for each verifiable standard attribute.
fn verified_pairs() -> impl Iterator<Item = (&'static str, &'static str)> {
    super::STANDARD_ATTRIBUTES
        .iter()
        .filter_map(|info| Some((info.name(), info.verified_flag()?)))
}

/// A flag written `true` in this request needs its attribute in the result
/// (cognito-protocol.md §4.7: setting `email_verified` requires `email`).
fn check_verified_flags(attrs: &Attributes, written: &BTreeSet<&str>) -> Result<()> {
    for (attribute, flag) in verified_pairs() {
        if written.contains(flag)
            && attrs.get(flag).is_some_and(|v| v == "true")
            && !attrs.contains_key(attribute)
        {
            return Err(nonconforming(
                flag,
                &format!("Cannot be true without a value for {attribute}"),
            ));
        }
    }
    Ok(())
}

/// Names whose value differs between `before` and `after`, in name order.
fn changed_names(before: &Attributes, after: &Attributes) -> Vec<String> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter(|name| before.get(*name) != after.get(*name))
        .cloned()
        .collect()
}

fn nonconforming(name: &str, reason: &str) -> Error {
    Error::invalid_parameter(format!("{NONCONFORMING}{name}: {reason}"))
}

fn required_error(names: &[String]) -> Error {
    let listed: Vec<String> = names.iter().map(|n| format!("{n}: {REQUIRED}")).collect();
    Error::invalid_parameter(format!("{NONCONFORMING}{}", listed.join(" ")))
}

#[cfg(test)]
mod tests;
