//! The attributes the SQL stores index by value, and the bound of a
//! prefix range over an index.

use crate::filter::FilterAttribute;

/// The attributes the `users` table indexes by value, so that
/// [`UserStore::list_users_by_attribute_prefix`](crate::store::UserStore::list_users_by_attribute_prefix)
/// reads only the users a prefix matches: `ListUsers`' searchable
/// attributes that are user attributes ([`FilterAttribute::is_user_attribute`]).
/// `filter` is the one list; each backend's migrations create
/// `users_by_<attribute>` for every one (a unit test checks they do).
pub(crate) fn indexed() -> impl Iterator<Item = &'static str> {
    FilterAttribute::ALL
        .into_iter()
        .filter(|a| a.is_user_attribute())
        .map(FilterAttribute::as_str)
}

/// `name` as an indexed attribute, if it is one. The SQL text of a prefix
/// search names only these (an index serves only an expression that
/// spells it literally), never an attribute name a caller chose.
pub(crate) fn indexed_attribute(name: &str) -> Option<&'static str> {
    indexed().find(|a| *a == name)
}

/// The least string greater than every string that starts with `prefix`
/// (in UTF-8 byte order, which is code point order): `prefix` with its last
/// character replaced by the next one. `None` when there is none (an empty
/// prefix, or one of `U+10FFFF` only).
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=0x10_FFFF).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}
