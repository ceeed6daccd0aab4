//! Tags on a user pool (`UserPoolTags`, `TagResource`, `UntagResource`,
//! `ListTagsForResource`) and AWS's tag rules. Tags are stored and
//! reported; nothing in the engine depends on them.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// The most tags a user pool may carry.
pub const MAX_TAGS: usize = 50;
/// The longest tag key, in characters.
pub const MAX_TAG_KEY_LENGTH: usize = 128;
/// The longest tag value, in characters.
pub const MAX_TAG_VALUE_LENGTH: usize = 256;
/// The prefix AWS reserves for its own tag keys.
const RESERVED_PREFIX: &str = "aws:";

/// Checks a pool's tag set with AWS's tag rules: at most [`MAX_TAGS`]
/// tags, each key 1–[`MAX_TAG_KEY_LENGTH`] characters and not beginning
/// with `aws:` (reserved; compared without regard to case), each value at
/// most [`MAX_TAG_VALUE_LENGTH`] characters, keys and values made of the
/// characters of `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` (Unicode letters,
/// separators and numbers, and `_ . : / = + - @`).
///
/// The messages are this engine's own (AWS does not document Cognito's
/// wording for these refusals).
///
/// # Errors
///
/// `InvalidParameterException`:
/// * `A user pool can have at most 50 tags.`
/// * `Tag keys must be 1 to 128 characters long.`
/// * `Tag values must be at most 256 characters long.`
/// * `Tag keys and values may contain only Unicode letters, digits, white
///   space and _ . : / = + - @.`
/// * `Tag keys beginning with aws: are reserved for AWS use.`
pub fn check_tags(tags: &BTreeMap<String, String>) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(Error::invalid_parameter(
            "A user pool can have at most 50 tags.",
        ));
    }
    for (key, value) in tags {
        check_tag_key(key)?;
        if value.chars().count() > MAX_TAG_VALUE_LENGTH {
            return Err(Error::invalid_parameter(
                "Tag values must be at most 256 characters long.",
            ));
        }
        check_characters(value)?;
    }
    Ok(())
}

/// Checks one tag key (see [`check_tags`]).
pub(crate) fn check_tag_key(key: &str) -> Result<()> {
    let len = key.chars().count();
    if len == 0 || len > MAX_TAG_KEY_LENGTH {
        return Err(Error::invalid_parameter(
            "Tag keys must be 1 to 128 characters long.",
        ));
    }
    check_characters(key)?;
    if key
        .get(..RESERVED_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(RESERVED_PREFIX))
    {
        return Err(Error::invalid_parameter(
            "Tag keys beginning with aws: are reserved for AWS use.",
        ));
    }
    Ok(())
}

fn check_characters(s: &str) -> Result<()> {
    if s.chars().all(allowed) {
        Ok(())
    } else {
        Err(Error::invalid_parameter(
            "Tag keys and values may contain only Unicode letters, digits, white space and \
             _ . : / = + - @.",
        ))
    }
}

/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`. `char::is_alphabetic` stands for `\p{L}`
/// and `char::is_numeric` for `\p{N}`; `\p{Z}` is white space that is not a
/// control character (tab and line breaks are control characters, not
/// separators).
fn allowed(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(k: &str, v: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(k.to_owned(), v.to_owned())])
    }

    #[test]
    fn the_rules() {
        assert!(check_tags(&one("env", "")).is_ok());
        assert!(check_tags(&one("Ünï cödé 9 _.:/=+-@", "välue x")).is_ok());
        assert!(check_tags(&one("", "v")).is_err());
        assert!(check_tags(&one(&"k".repeat(128), &"v".repeat(256))).is_ok());
        assert!(check_tags(&one(&"k".repeat(129), "v")).is_err());
        assert!(check_tags(&one("k", &"v".repeat(257))).is_err());
        assert!(check_tags(&one("a*b", "v")).is_err());
        assert!(check_tags(&one("k", "tab\there")).is_err());
        assert!(check_tags(&one("AWS:x", "v")).is_err());
        assert!(check_tags(&one("awsx", "v")).is_ok());
        let many: BTreeMap<_, _> = (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(check_tags(&many).is_err());
    }
}
