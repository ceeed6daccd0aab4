//! Reading Cognito-shaped JSON objects: a request body, and the structures
//! nested in it (`Policies.PasswordPolicy`, `Schema[]`, ...), or a pool
//! definition stored or given by a caller.
//!
//! The rules are those of Cognito's AWS JSON 1.1 protocol: a member of the
//! wrong JSON type makes the input [`Failure::Malformed`] (the wire says
//! `SerializationException`), `null` means absent, and a member no reader
//! asked for is refused by name (`The parameter Policies.Foo is not
//! supported by this engine.`) — never silently ignored.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::error::{Constraint, Error, Shown, Violation};
use crate::schema::Attribute;

/// Why a JSON input was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Not JSON, not an object, or a member of the wrong JSON type.
    Malformed(String),
    /// Well-formed, and refused in Cognito's terms.
    Refused(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Self::Refused(e)
    }
}

/// What the readers return.
pub(crate) type Read<T> = std::result::Result<T, Failure>;

/// Members accepted by every operation that takes them, with no effect
/// (see the `wire` module docs).
const IGNORED_MEMBERS: [&str; 4] = [
    "ClientMetadata",
    "AnalyticsMetadata",
    "UserContextData",
    "ContextData",
];

/// `body` as a JSON object; an empty (or all-whitespace) body is `{}`.
pub(crate) fn parse_object(body: &[u8]) -> Read<Map<String, Value>> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::Malformed(
            "Start of list or value found where a structure was expected.".to_owned(),
        )),
        Err(_) => Err(Failure::Malformed(
            "The request body is not valid JSON.".to_owned(),
        )),
    }
}

/// One JSON object being read, at `path` (empty for a request body,
/// `Policies.PasswordPolicy` for a nested structure): typed getters, and a
/// record of the members read so [`Members::finish`] can refuse the rest.
pub(crate) struct Members<'a> {
    path: String,
    map: &'a Map<String, Value>,
    used: RefCell<BTreeSet<String>>,
}

impl<'a> Members<'a> {
    /// A request body (or a whole definition): the top level.
    pub(crate) fn top(map: &'a Map<String, Value>) -> Self {
        Self {
            path: String::new(),
            map,
            used: RefCell::new(BTreeSet::new()),
        }
    }

    /// The structure `value` found at `path`.
    pub(crate) fn new(path: impl Into<String>, value: &'a Value) -> Read<Self> {
        let path = path.into();
        match value {
            Value::Object(map) => Ok(Self {
                path,
                map,
                used: RefCell::new(BTreeSet::new()),
            }),
            _ => Err(wrong_type(&path, "structure")),
        }
    }

    /// The structure at `path`, if `value` is present.
    pub(crate) fn optional(path: &str, value: Option<&'a Value>) -> Read<Option<Self>> {
        value.map(|v| Self::new(path, v)).transpose()
    }

    /// The dotted path of `member` (`Policies.PasswordPolicy.MinimumLength`,
    /// or just `UserPoolId` at the top level).
    pub(crate) fn path_of(&self, member: &str) -> String {
        if self.path.is_empty() {
            member.to_owned()
        } else {
            format!("{}.{member}", self.path)
        }
    }

    /// The raw value of `member`, `None` when absent or `null`.
    pub(crate) fn value(&self, member: &str) -> Option<&'a Value> {
        self.used.borrow_mut().insert(member.to_owned());
        self.map.get(member).filter(|v| !v.is_null())
    }

    /// A required member is missing.
    pub(crate) fn missing(&self, member: &str) -> Failure {
        missing(&self.path_of(member))
    }

    /// An optional string member.
    pub(crate) fn opt_str(&self, member: &str) -> Read<Option<&'a str>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_type(&self.path_of(member), "string")),
        }
    }

    /// A required string member.
    pub(crate) fn str(&self, member: &str) -> Read<&'a str> {
        self.opt_str(member)?.ok_or_else(|| self.missing(member))
    }

    /// An optional boolean member.
    pub(crate) fn opt_bool(&self, member: &str) -> Read<Option<bool>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(wrong_type(&self.path_of(member), "boolean")),
        }
    }

    /// An optional integer member.
    pub(crate) fn opt_i64(&self, member: &str) -> Read<Option<i64>> {
        let path = self.path_of(member);
        match self.value(member) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong_type(&path, "integer")),
            Some(_) => Err(wrong_type(&path, "integer")),
        }
    }

    /// An optional non-negative integer member.
    pub(crate) fn opt_u32(&self, member: &str) -> Read<Option<u32>> {
        let path = self.path_of(member);
        self.opt_i64(member)?
            .map(|i| to_u32(&path, i).map_err(Failure::from))
            .transpose()
    }

    /// An optional integer member within the model's inclusive range.
    pub(crate) fn opt_u32_in(&self, member: &str, min: i64, max: i64) -> Read<Option<u32>> {
        let path = self.path_of(member);
        self.opt_i64(member)?
            .map(|i| in_range(&path, i, min, max).map_err(Failure::from))
            .transpose()
    }

    /// A required integer member within the model's inclusive range.
    pub(crate) fn u32_in(&self, member: &str, min: i64, max: i64) -> Read<u32> {
        self.opt_u32_in(member, min, max)?
            .ok_or_else(|| self.missing(member))
    }

    /// An optional list of strings.
    pub(crate) fn opt_str_list(&self, member: &str) -> Read<Option<Vec<&'a str>>> {
        str_list(&self.path_of(member), self.value(member))
    }

    /// An optional list of strings, owned.
    pub(crate) fn opt_string_list(&self, member: &str) -> Read<Option<Vec<String>>> {
        Ok(self
            .opt_str_list(member)?
            .map(|l| l.into_iter().map(str::to_owned).collect()))
    }

    /// A required list of strings, owned.
    pub(crate) fn string_list(&self, member: &str) -> Read<Vec<String>> {
        self.opt_string_list(member)?
            .ok_or_else(|| self.missing(member))
    }

    /// An optional string-to-string map (`AuthParameters`, ...).
    pub(crate) fn opt_str_map(&self, member: &str) -> Read<Option<BTreeMap<String, String>>> {
        let path = self.path_of(member);
        match self.value(member) {
            None => Ok(None),
            // A `null` value is an absent key: clients send `"DEVICE_KEY": null`
            // (cognito-mfa-devices-passwordless.md §0).
            Some(Value::Object(m)) => m
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    v.as_str()
                        .map(|s| (k.clone(), s.to_owned()))
                        .ok_or_else(|| wrong_type(&path, "map of strings"))
                })
                .collect::<Read<BTreeMap<_, _>>>()
                .map(Some),
            Some(_) => Err(wrong_type(&path, "map")),
        }
    }

    /// An optional list of `AttributeType` (`{"Name": ..., "Value": ...}`).
    pub(crate) fn opt_attributes(&self, member: &str) -> Read<Option<Vec<Attribute>>> {
        let path = self.path_of(member);
        let shape = || wrong_type(&path, "list of AttributeType");
        let Some(value) = self.value(member) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(wrong_type(&path, "list"));
        };
        items
            .iter()
            .map(|item| {
                let obj = item.as_object().ok_or_else(shape)?;
                let name = match obj.get("Name") {
                    Some(Value::String(s)) => s.clone(),
                    // Cognito's wording names the list member, camel-cased
                    // once at the front only (`userAttributes.member.Name`).
                    _ => {
                        return Err(Error::validation(vec![Violation::missing(camel(&format!(
                            "{path}.member.Name"
                        )))])
                        .into());
                    }
                };
                let value = match obj.get("Value") {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(_) => return Err(shape()),
                };
                if let Some(extra) = obj.keys().find(|k| *k != "Name" && *k != "Value") {
                    return Err(unsupported(&format!("{path}.{}", truncate(extra, 64))).into());
                }
                Ok(Attribute::new(name, value))
            })
            .collect::<Read<Vec<_>>>()
            .map(Some)
    }

    /// A required list of `AttributeType`.
    pub(crate) fn attributes(&self, member: &str) -> Read<Vec<Attribute>> {
        self.opt_attributes(member)?
            .ok_or_else(|| self.missing(member))
    }

    /// An optional nested structure.
    pub(crate) fn opt_obj(&self, member: &str) -> Read<Option<Members<'a>>> {
        Self::optional(&self.path_of(member), self.value(member))
    }

    /// Refuses any member present that no getter read (at the top level,
    /// except the members every operation accepts with no effect, which are
    /// only type-checked against the service model).
    pub(crate) fn finish(&self) -> Read<()> {
        if self.path.is_empty() {
            self.check_ignored_members()?;
        }
        let used = self.used.borrow();
        let top = self.path.is_empty();
        let accepted = |k: &str| used.contains(k) || (top && IGNORED_MEMBERS.contains(&k));
        match self
            .map
            .iter()
            .find(|(k, v)| !v.is_null() && !accepted(k.as_str()))
        {
            Some((k, _)) => Err(unsupported(&self.path_of(&truncate(k, 64))).into()),
            None => Ok(()),
        }
    }
}

impl Members<'_> {
    /// The members accepted with no effect ([`IGNORED_MEMBERS`]) still have
    /// the shapes of botocore's `cognito-idp` model: `ClientMetadataType`
    /// (a map of strings), `AnalyticsMetadataType`, `UserContextDataType`
    /// and `ContextDataType` (structures of strings, `ContextData` with
    /// four required members and a list of `HttpHeader`). A wrong type is
    /// malformed input, as everywhere; then a missing required member is
    /// refused in the model's wording, and an unknown one by name.
    fn check_ignored_members(&self) -> Read<()> {
        self.opt_str_map("ClientMetadata")?;
        if let Some(m) = self.opt_obj("AnalyticsMetadata")? {
            m.opt_str("AnalyticsEndpointId")?;
            m.finish()?;
        }
        if let Some(m) = self.opt_obj("UserContextData")? {
            m.opt_str("IpAddress")?;
            m.opt_str("EncodedData")?;
            m.finish()?;
        }
        if let Some(m) = self.opt_obj("ContextData")? {
            let required = ["IpAddress", "ServerName", "ServerPath"]
                .map(|member| m.opt_str(member).map(|v| (member, v.is_some())));
            let headers_path = m.path_of("HttpHeaders");
            let headers = obj_list(&headers_path, m.value("HttpHeaders"))?;
            for header in headers.iter().flatten() {
                header.opt_str("headerName")?;
                header.opt_str("headerValue")?;
            }
            m.opt_str("EncodedData")?;
            for present in required {
                let (member, present) = present?;
                if !present {
                    return Err(m.missing(member));
                }
            }
            let Some(headers) = headers else {
                return Err(m.missing("HttpHeaders"));
            };
            for header in &headers {
                header.finish()?;
            }
            m.finish()?;
        }
        Ok(())
    }
}

/// `value` as a list of strings, if present.
pub(crate) fn str_list<'a>(path: &str, value: Option<&'a Value>) -> Read<Option<Vec<&'a str>>> {
    match value {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| wrong_type(path, "list of strings"))
            })
            .collect::<Read<Vec<_>>>()
            .map(Some),
        Some(_) => Err(wrong_type(path, "list")),
    }
}

/// `value` as a list of structures, each read at `<path>.member`, if present.
pub(crate) fn obj_list<'a>(path: &str, value: Option<&'a Value>) -> Read<Option<Vec<Members<'a>>>> {
    match value {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| Members::new(format!("{path}.member"), v))
            .collect::<Read<Vec<_>>>()
            .map(Some),
        Some(_) => Err(wrong_type(path, "list")),
    }
}

/// A member of the wrong JSON type.
pub(crate) fn wrong_type(path: &str, expected: &str) -> Failure {
    Failure::Malformed(format!("Expected {expected} for {path}."))
}

/// A missing required member, in Cognito's model-validation wording.
pub(crate) fn missing(path: &str) -> Failure {
    Error::validation(vec![Violation::missing(model_path(path))]).into()
}

/// A JSON integer member as `u32`, refusing negative values in the model's wording.
pub(crate) fn to_u32(path: &str, value: i64) -> Result<u32, Error> {
    if value < 0 {
        return Err(out_of_range(path, value, Constraint::MinValue(0)));
    }
    u32::try_from(value)
        .map_err(|_| out_of_range(path, value, Constraint::MaxValue(i64::from(u32::MAX))))
}

/// An integer member checked against the model's inclusive range.
pub(crate) fn in_range(path: &str, value: i64, min: i64, max: i64) -> Result<u32, Error> {
    if value < min {
        return Err(out_of_range(path, value, Constraint::MinValue(min)));
    }
    if value > max {
        return Err(out_of_range(path, value, Constraint::MaxValue(max)));
    }
    to_u32(path, value)
}

fn out_of_range(path: &str, value: i64, constraint: Constraint) -> Error {
    Error::violation(
        model_path(path),
        Shown::Value(value.to_string()),
        constraint,
    )
}

/// A list shorter or longer than the model allows.
pub(crate) fn bad_length(path: &str, len: usize, min: usize, max: usize) -> Option<Error> {
    let constraint = if len < min {
        Constraint::MinLength(min as u64)
    } else if len > max {
        Constraint::MaxLength(max as u64)
    } else {
        return None;
    };
    Some(Error::violation(
        model_path(path),
        Shown::Hidden,
        constraint,
    ))
}

/// A value outside an enum of the model, in its validation wording.
pub(crate) fn not_in_enum(path: &str, value: &str, allowed: &[&'static str]) -> Error {
    Error::violation(
        model_path(path),
        Shown::Value(truncate(value, 64)),
        Constraint::OneOf(allowed.to_vec()),
    )
}

/// A member the engine does not implement, named by its path.
pub(crate) fn unsupported(path: &str) -> Error {
    Error::invalid_parameter(format!(
        "The parameter {path} is not supported by this engine."
    ))
}

/// Whether a member carries no setting at all: `null`, `false`, `""`, `[]`
/// or `{}` (the value a member takes when it turns nothing on).
pub(crate) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Number(_) => false,
    }
}

/// `Policies.PasswordPolicy.MinimumLength` as the model's validation
/// messages spell it: `policies.passwordPolicy.minimumLength`.
pub(crate) fn model_path(path: &str) -> String {
    path.split('.').map(camel).collect::<Vec<_>>().join(".")
}

/// `member`'s name in Cognito's validation messages: lower camel case.
pub(crate) fn camel(member: &str) -> String {
    let mut chars = member.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// At most `n` characters of `s`, for messages that repeat caller input.
pub(crate) fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    #[test]
    fn paths_are_camel_cased_per_segment() {
        assert_eq!(
            model_path("Policies.PasswordPolicy.MinimumLength"),
            "policies.passwordPolicy.minimumLength"
        );
    }

    #[test]
    fn unknown_nested_members_are_refused_by_path() {
        let v = json!({"MinimumLength": 8, "Extra": 1, "Gone": null});
        let m = Members::new("Policies.PasswordPolicy", &v).unwrap();
        assert_eq!(m.opt_u32("MinimumLength").unwrap(), Some(8));
        let Err(Failure::Refused(err)) = m.finish() else {
            panic!("an unread member must be refused");
        };
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert_eq!(
            err.message(),
            "The parameter Policies.PasswordPolicy.Extra is not supported by this engine."
        );
    }

    #[test]
    fn wrong_types_make_the_input_malformed() {
        let v = json!({"MinimumLength": "8"});
        let m = Members::new("P", &v).unwrap();
        assert_eq!(
            m.opt_u32("MinimumLength").err(),
            Some(Failure::Malformed(
                "Expected integer for P.MinimumLength.".into()
            ))
        );
        assert!(matches!(
            Members::new("P", &json!([])),
            Err(Failure::Malformed(_))
        ));
    }

    #[test]
    fn top_level_members_are_named_without_a_path_and_ignored_ones_pass() {
        let v = json!({"UserPoolId": 1, "ClientMetadata": {"a": "b"}, "Extra": true});
        let Value::Object(map) = &v else {
            panic!("an object");
        };
        let m = Members::top(map);
        assert_eq!(
            m.opt_str("UserPoolId").err(),
            Some(Failure::Malformed("Expected string for UserPoolId.".into()))
        );
        let Err(Failure::Refused(e)) = m.finish() else {
            panic!("Extra must be refused");
        };
        assert_eq!(
            e.message(),
            "The parameter Extra is not supported by this engine."
        );
        let Err(Failure::Refused(e)) = m.str("Missing") else {
            panic!("a missing member is refused");
        };
        assert_eq!(
            e.message(),
            "1 validation error detected: Value null at 'missing' failed to satisfy constraint: \
             Member must not be null"
        );
    }

    #[test]
    fn negative_integers_are_refused_in_model_wording() {
        let v = json!({"MinimumLength": -1});
        let Err(Failure::Refused(err)) = Members::new("Policies.PasswordPolicy", &v)
            .unwrap()
            .opt_u32("MinimumLength")
        else {
            panic!("a negative length must be refused");
        };
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert!(
            err.message()
                .contains("'policies.passwordPolicy.minimumLength'"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn emptiness() {
        for v in [json!(null), json!(false), json!(""), json!([]), json!({})] {
            assert!(is_empty(&v), "{v}");
        }
        for v in [
            json!(true),
            json!("x"),
            json!([1]),
            json!({"a": 1}),
            json!(0),
        ] {
            assert!(!is_empty(&v), "{v}");
        }
    }
}
