//! Reading the nested structures of a request (`Policies.PasswordPolicy`,
//! `Schema[]`, `TokenValidityUnits`, ...) with the rules [`Input`] applies at
//! the top level: a member of the wrong JSON type is a
//! `SerializationException`, `null` means absent, and a member no reader
//! asked for is refused by name (`The parameter Policies.Foo is not
//! supported by this engine.`).
//!
//! [`Input`]: super::super::Input

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::super::{camel, missing, truncate, wrong_type};
use crate::error::{Error, Result};

/// One JSON object of a request, at `path` (`Policies.PasswordPolicy`).
pub(super) struct Members<'a> {
    path: String,
    map: &'a Map<String, Value>,
    used: RefCell<BTreeSet<String>>,
}

impl<'a> Members<'a> {
    /// The structure `value` found at `path`.
    pub(super) fn new(path: impl Into<String>, value: &'a Value) -> Result<Self> {
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
    pub(super) fn optional(path: &str, value: Option<&'a Value>) -> Result<Option<Self>> {
        value.map(|v| Self::new(path, v)).transpose()
    }

    /// The dotted path of `member` (`Policies.PasswordPolicy.MinimumLength`).
    pub(super) fn path_of(&self, member: &str) -> String {
        format!("{}.{member}", self.path)
    }

    /// The raw value of `member`, `None` when absent or `null`.
    pub(super) fn value(&self, member: &str) -> Option<&'a Value> {
        self.used.borrow_mut().insert(member.to_owned());
        self.map.get(member).filter(|v| !v.is_null())
    }

    /// An optional string member.
    pub(super) fn opt_str(&self, member: &str) -> Result<Option<&'a str>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(wrong_type(&self.path_of(member), "string")),
        }
    }

    /// A required string member.
    pub(super) fn str(&self, member: &str) -> Result<&'a str> {
        self.opt_str(member)?
            .ok_or_else(|| missing(&model_path(&self.path_of(member))))
    }

    /// An optional boolean member.
    pub(super) fn opt_bool(&self, member: &str) -> Result<Option<bool>> {
        match self.value(member) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(wrong_type(&self.path_of(member), "boolean")),
        }
    }

    /// An optional non-negative integer member.
    pub(super) fn opt_u32(&self, member: &str) -> Result<Option<u32>> {
        let path = self.path_of(member);
        match self.value(member) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => to_u32(&path, i).map(Some),
                None => Err(wrong_type(&path, "integer")),
            },
            Some(_) => Err(wrong_type(&path, "integer")),
        }
    }

    /// An optional integer member within the model's inclusive range.
    pub(super) fn opt_u32_in(&self, member: &str, min: i64, max: i64) -> Result<Option<u32>> {
        let path = self.path_of(member);
        match self.value(member) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => in_range(&path, i, min, max).map(Some),
                None => Err(wrong_type(&path, "integer")),
            },
            Some(_) => Err(wrong_type(&path, "integer")),
        }
    }

    /// A required integer member within the model's inclusive range.
    pub(super) fn u32_in(&self, member: &str, min: i64, max: i64) -> Result<u32> {
        self.opt_u32_in(member, min, max)?
            .ok_or_else(|| missing(&model_path(&self.path_of(member))))
    }

    /// An optional list of strings.
    pub(super) fn opt_str_list(&self, member: &str) -> Result<Option<Vec<&'a str>>> {
        let path = self.path_of(member);
        str_list(&path, self.value(member))
    }

    /// An optional nested structure.
    pub(super) fn opt_obj(&self, member: &str) -> Result<Option<Members<'a>>> {
        Self::optional(&self.path_of(member), self.value(member))
    }

    /// Refuses any member present that no getter read.
    pub(super) fn finish(&self) -> Result<()> {
        let used = self.used.borrow();
        match self
            .map
            .iter()
            .find(|(k, v)| !v.is_null() && !used.contains(k.as_str()))
        {
            Some((k, _)) => Err(unsupported(&self.path_of(&truncate(k, 64)))),
            None => Ok(()),
        }
    }
}

/// `value` as a list of strings, if present.
pub(super) fn str_list<'a>(path: &str, value: Option<&'a Value>) -> Result<Option<Vec<&'a str>>> {
    match value {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| wrong_type(path, "list of strings"))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(wrong_type(path, "list")),
    }
}

/// `value` as a list of structures, each read at `<path>.member`, if present.
pub(super) fn obj_list<'a>(
    path: &str,
    value: Option<&'a Value>,
) -> Result<Option<Vec<Members<'a>>>> {
    match value {
        None => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| Members::new(format!("{path}.member"), v))
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(wrong_type(path, "list")),
    }
}

/// A JSON integer member as `u32`, refusing negative values in the model's wording.
pub(super) fn to_u32(path: &str, value: i64) -> Result<u32> {
    if value < 0 {
        return Err(out_of_range(path, value, "greater than or equal to 0"));
    }
    u32::try_from(value)
        .map_err(|_| out_of_range(path, value, &format!("less than or equal to {}", u32::MAX)))
}

/// An integer member checked against the model's inclusive range.
pub(super) fn in_range(path: &str, value: i64, min: i64, max: i64) -> Result<u32> {
    if value < min {
        return Err(out_of_range(
            path,
            value,
            &format!("greater than or equal to {min}"),
        ));
    }
    if value > max {
        return Err(out_of_range(
            path,
            value,
            &format!("less than or equal to {max}"),
        ));
    }
    to_u32(path, value)
}

fn out_of_range(path: &str, value: i64, constraint: &str) -> Error {
    Error::invalid_parameter(format!(
        "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: \
         Member must have value {constraint}",
        model_path(path)
    ))
}

/// A list shorter or longer than the model allows.
pub(super) fn bad_length(path: &str, len: usize, min: usize, max: usize) -> Option<Error> {
    let constraint = if len < min {
        format!("greater than or equal to {min}")
    } else if len > max {
        format!("less than or equal to {max}")
    } else {
        return None;
    };
    Some(Error::invalid_parameter(format!(
        "1 validation error detected: Value at '{}' failed to satisfy constraint: \
         Member must have length {constraint}",
        model_path(path)
    )))
}

/// A value outside an enum of the model, in its validation wording.
pub(super) fn not_in_enum(path: &str, value: &str, allowed: &[&str]) -> Error {
    Error::invalid_parameter(format!(
        "1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: \
         Member must satisfy enum value set: [{}]",
        truncate(value, 64),
        model_path(path),
        allowed.join(", ")
    ))
}

/// A member the engine does not implement, named by its path.
pub(super) fn unsupported(path: &str) -> Error {
    Error::invalid_parameter(format!(
        "The parameter {path} is not supported by this engine."
    ))
}

/// Whether a member carries no setting at all: `null`, `false`, `""`, `[]`
/// or `{}` (the value a member takes when it turns nothing on).
pub(super) fn is_empty(value: &Value) -> bool {
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
pub(super) fn model_path(path: &str) -> String {
    path.split('.').map(camel).collect::<Vec<_>>().join(".")
}

/// The pagination token of a listing that stopped after `last` (an id).
pub(super) fn page_token(last: &str) -> String {
    format!("{TOKEN_PREFIX}{}", crate::hex::encode(last.as_bytes()))
}

/// The id a pagination token resumes after.
pub(super) fn resume_after(token: &str) -> Result<String> {
    token
        .strip_prefix(TOKEN_PREFIX)
        .and_then(crate::hex::decode)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Error::invalid_parameter("Invalid pagination token."))
}

const TOKEN_PREFIX: &str = "p1.";

#[cfg(test)]
mod tests {
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
        let err = m.finish().unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert_eq!(
            err.message(),
            "The parameter Policies.PasswordPolicy.Extra is not supported by this engine."
        );
    }

    #[test]
    fn wrong_types_are_serialization_errors() {
        let v = json!({"MinimumLength": "8"});
        let m = Members::new("P", &v).unwrap();
        assert_eq!(
            m.opt_u32("MinimumLength").unwrap_err().code(),
            ErrorCode::Serialization
        );
        assert_eq!(
            Members::new("P", &json!([])).err().map(|e| e.code()),
            Some(ErrorCode::Serialization)
        );
    }

    #[test]
    fn negative_integers_are_refused_in_model_wording() {
        let v = json!({"MinimumLength": -1});
        let err = Members::new("Policies.PasswordPolicy", &v)
            .unwrap()
            .opt_u32("MinimumLength")
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidParameter);
        assert!(
            err.message()
                .contains("'policies.passwordPolicy.minimumLength'"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn page_tokens_round_trip_and_refuse_garbage() {
        assert_eq!(
            resume_after(&page_token("us-east-1_Ab")).ok().as_deref(),
            Some("us-east-1_Ab")
        );
        for bad in ["", "p1.zz", "x", "p1.f"] {
            assert!(resume_after(bad).is_err(), "{bad}");
        }
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
