//! `application/x-www-form-urlencoded` (the token request's body, the
//! authorize request's query): pairs split on `&` and the first `=`, `+`
//! read as a space, `%XX` decoded once, invalid UTF-8 refused.
//!
//! A name given twice with the same value is kept once; with two values
//! it is `invalid_request` (RFC 6749 §3.1: "Request and response
//! parameters MUST NOT be included more than once"; cognito-oauth.md
//! §7.1's choice for conflicting duplicates).

use std::collections::BTreeMap;

use super::OAuthError;

/// The most pairs a form may hold; longer forms are `invalid_request`.
pub const MAX_PAIRS: usize = 64;

/// Decodes one form component: `+` is a space, `%XX` a byte. `None` for a
/// `%` not followed by two hex digits, or bytes that are not UTF-8.
#[must_use]
pub fn decode_component(s: &str) -> Option<String> {
    percent_decode(s, true)
}

/// Decodes `%XX` escapes only (`+` stays `+`): the halves of an HTTP Basic
/// credential (RFC 6749 §2.3.1). `None` as for [`decode_component`].
#[must_use]
pub fn percent_decode_strict(s: &str) -> Option<String> {
    percent_decode(s, false)
}

fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = hex_value(*bytes.get(i + 1)?)?;
                let lo = hex_value(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Encodes `s` as one form component: unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) as they are, a space as `+`, every other byte
/// as `%XX`.
#[must_use]
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
    }
    out
}

/// A decoded form: each name once.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Form(BTreeMap<String, String>);

impl std::fmt::Debug for Form {
    /// Names only: values carry secrets, codes and tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Form {
    /// Parses `input` (a body, or a query without its `?`).
    ///
    /// # Errors
    /// [`OAuthError::InvalidRequest`] for an undecodable component, more
    /// than [`MAX_PAIRS`] pairs, or a name given twice with two values.
    pub fn parse(input: &str) -> Result<Self, OAuthError> {
        let mut form = Self::default();
        form.extend_from(input)?;
        Ok(form)
    }

    /// Adds the pairs of `input` to this form (the token endpoint merges
    /// the query into the body, §7.1), with the duplicate rule of
    /// [`Form::parse`].
    ///
    /// # Errors
    /// As [`Form::parse`].
    pub fn extend_from(&mut self, input: &str) -> Result<(), OAuthError> {
        for pair in input.split('&').filter(|p| !p.is_empty()) {
            if self.0.len() >= MAX_PAIRS {
                return Err(OAuthError::InvalidRequest);
            }
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode_component(name).ok_or(OAuthError::InvalidRequest)?;
            let value = decode_component(value).ok_or(OAuthError::InvalidRequest)?;
            match self.0.get(&name) {
                Some(existing) if *existing != value => return Err(OAuthError::InvalidRequest),
                Some(_) => {}
                None => {
                    self.0.insert(name, value);
                }
            }
        }
        Ok(())
    }

    /// The value of `name`, if given.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The value of `name`, treating an empty value as absent (a public
    /// client's `client_secret=""`, §7.1).
    #[must_use]
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// Whether `name` was given.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn pairs_decode_once_with_plus_as_space() {
        let f = Form::parse("a=1&scope=openid+email&state=%2541&e=&flag").unwrap();
        assert_eq!(f.get("a"), Some("1"));
        assert_eq!(f.get("scope"), Some("openid email"));
        // Decoded once: %2541 is "%41", not "A".
        assert_eq!(f.get("state"), Some("%41"));
        assert_eq!(f.get("e"), Some(""));
        assert_eq!(f.non_empty("e"), None);
        assert_eq!(f.get("flag"), Some(""));
        assert!(!f.contains("missing"));
    }

    #[test]
    fn conflicting_duplicates_and_bad_escapes_are_invalid_requests() {
        assert_eq!(Form::parse("a=1&a=2"), Err(OAuthError::InvalidRequest));
        assert_eq!(Form::parse("a=1&a=1").unwrap().get("a"), Some("1"));
        assert_eq!(Form::parse("a=%4"), Err(OAuthError::InvalidRequest));
        assert_eq!(Form::parse("a=%zz"), Err(OAuthError::InvalidRequest));
        assert_eq!(Form::parse("a=%ff"), Err(OAuthError::InvalidRequest));
        let many: Vec<String> = (0..=MAX_PAIRS).map(|i| format!("k{i}=v")).collect();
        assert_eq!(
            Form::parse(&many.join("&")),
            Err(OAuthError::InvalidRequest)
        );
        let mut f = Form::parse("grant_type=code").unwrap();
        assert_eq!(
            f.extend_from("grant_type=client_credentials"),
            Err(OAuthError::InvalidRequest)
        );
    }

    #[test]
    fn basic_halves_keep_plus() {
        assert_eq!(percent_decode_strict("a+b%2B").as_deref(), Some("a+b+"));
        assert_eq!(decode_component("a+b%2B").as_deref(), Some("a b+"));
    }

    #[test]
    fn debug_shows_names_only() {
        let f = Form::parse("client_secret=s3cr3t&code=abc").unwrap();
        let shown = format!("{f:?}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("abc"),
            "{shown}"
        );
    }

    proptest! {
        #[test]
        fn encoding_round_trips(s in "\\PC*") {
            prop_assert_eq!(decode_component(&encode_component(&s)), Some(s.clone()));
            let form = Form::parse(&format!("k={}", encode_component(&s))).unwrap();
            prop_assert_eq!(form.get("k"), Some(s.as_str()));
        }
    }
}
