//! The claim sets of Cognito's access and ID tokens (`cognito-protocol.md`
//! §6.3, §6.4), and the pure helpers that derive the user-dependent claims:
//! typed attribute claims and the group / role claims.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::Attributes;

/// The `scope` of every access token issued through the API (sign-in by
/// password or SRP, refresh): `aws.cognito.signin.user.admin` (§6.3).
pub const SCOPE_USER_ADMIN: &str = "aws.cognito.signin.user.admin";

/// The `token_use` claim: which of the two JWTs a token is.
///
/// Verification decides a token's type from this claim alone, never from the
/// key that signed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenUse {
    /// `"access"`: an access token.
    Access,
    /// `"id"`: an ID token.
    Id,
}

/// The claims of an access token, in the order of a real Cognito payload (§6.3).
///
/// Optional claims that are `None` are omitted from the token, never `null`.
/// There is deliberately no `aud`: Cognito access tokens name their app
/// client in `client_id`. The `version` claim of OAuth-issued tokens is not
/// produced (API-issued tokens are observed without it); unknown claims are
/// ignored when a token is read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user's `sub` (a lowercase UUID).
    pub sub: String,
    /// The user's group names, by precedence (see [`group_claims`]); omitted
    /// when the user is in no group.
    #[serde(
        rename = "cognito:groups",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cognito_groups: Option<Vec<String>>,
    /// The issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>` by default.
    pub iss: String,
    /// The app client the token was issued to.
    pub client_id: String,
    /// A UUID shared by every token of one authentication (present when token
    /// revocation is enabled, Cognito's default); revocation keys on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_jti: Option<String>,
    /// A UUID of the authentication event.
    pub event_id: String,
    /// Always [`TokenUse::Access`]; [`KeySet::sign_access`](super::KeySet::sign_access)
    /// refuses anything else.
    pub token_use: TokenUse,
    /// Space-separated scopes; [`SCOPE_USER_ADMIN`] for API-issued tokens.
    /// Omitted when empty (a PreTokenGeneration function suppressed every
    /// scope).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// When the user authenticated (Unix seconds); unchanged by a refresh.
    pub auth_time: i64,
    /// Expiry (Unix seconds): `iat` plus the client's access-token validity.
    pub exp: i64,
    /// Issue time (Unix seconds).
    pub iat: i64,
    /// A UUID unique to this token.
    pub jti: String,
    /// The internal username (for pools that sign in by email or phone, the `sub`).
    pub username: String,
    /// The remembered device the session is bound to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
    /// Further claims, as a PreTokenGeneration `V2_0`/`V3_0` function adds
    /// them (the pool decides which are allowed); empty by default. A name
    /// that is one of the named claims above makes signing fail rather
    /// than emit a duplicate JSON member. When a token is read back, every
    /// claim that is not a named field lands here.
    #[serde(flatten, default)]
    pub extra: BTreeMap<String, Value>,
}

/// The claims of a machine-to-machine access token, issued by the
/// `client_credentials` grant (cognito-oauth.md §8.3): exactly these ten,
/// in this order, none about a user. `sub` is the app client's id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ClientCredentialsClaims {
    /// The app client's id.
    pub sub: String,
    /// Always [`TokenUse::Access`].
    pub token_use: TokenUse,
    /// The granted custom scopes, space-separated. Omitted when empty (a
    /// PreTokenGeneration function suppressed every scope).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scope: String,
    /// Equal to `iat`.
    pub auth_time: i64,
    /// The issuer.
    pub iss: String,
    /// Expiry (Unix seconds): `iat` plus the client's access-token validity.
    pub exp: i64,
    /// Issue time (Unix seconds).
    pub iat: i64,
    /// Always 2.
    pub version: u8,
    /// A UUID unique to this token.
    pub jti: String,
    /// The app client's id.
    pub client_id: String,
    /// Claims a `V3_0` PreTokenGeneration function added, after the ten.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// The claims of an ID token (§6.4).
///
/// Optional claims that are `None` are omitted, never `null`. There is
/// deliberately no `client_id`: an ID token names its app client in `aud`.
/// The user's readable attributes sit beside the registered claims, typed as
/// [`id_token_attributes`] produces them; when a token is read back, every
/// claim that is not a named field lands in [`attributes`](Self::attributes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdClaims {
    /// The user's `sub` (a lowercase UUID).
    pub sub: String,
    /// The app client the token was issued to (a single string, as Cognito emits it).
    pub aud: String,
    /// The issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>` by default.
    pub iss: String,
    /// Always [`TokenUse::Id`]; [`KeySet::sign_id`](super::KeySet::sign_id)
    /// refuses anything else.
    pub token_use: TokenUse,
    /// When the user authenticated (Unix seconds); unchanged by a refresh.
    pub auth_time: i64,
    /// Expiry (Unix seconds): `iat` plus the client's ID-token validity.
    pub exp: i64,
    /// Issue time (Unix seconds).
    pub iat: i64,
    /// A UUID unique to this token.
    pub jti: String,
    /// A UUID shared by every token of one authentication, when revocation is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_jti: Option<String>,
    /// A UUID of the authentication event.
    pub event_id: String,
    /// The internal username.
    #[serde(rename = "cognito:username")]
    pub cognito_username: String,
    /// The user's group names, by precedence; omitted when the user is in no group.
    #[serde(
        rename = "cognito:groups",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cognito_groups: Option<Vec<String>>,
    /// The IAM role ARNs of the user's groups, by group precedence; omitted
    /// when no group carries a role.
    #[serde(
        rename = "cognito:roles",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cognito_roles: Option<Vec<String>>,
    /// The role of the highest-precedence group that has one; omitted when
    /// two groups tie there with different roles (see [`group_claims`]).
    #[serde(
        rename = "cognito:preferred_role",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cognito_preferred_role: Option<String>,
    /// The user's readable attributes as typed claims (`email`,
    /// `email_verified: true`, `address: {"formatted": …}`, `custom:*`
    /// strings), usually built by [`id_token_attributes`]. A name that is one
    /// of the named claims above makes signing fail rather than emit a
    /// duplicate JSON member.
    #[serde(flatten)]
    pub attributes: BTreeMap<String, Value>,
}

/// The claim names [`IdClaims`] serialises itself; an attribute with one of
/// these names would duplicate a JSON member.
pub(super) const ID_NAMED_CLAIMS: [&str; 14] = [
    "sub",
    "aud",
    "iss",
    "token_use",
    "auth_time",
    "exp",
    "iat",
    "jti",
    "origin_jti",
    "event_id",
    "cognito:username",
    "cognito:groups",
    "cognito:roles",
    "cognito:preferred_role",
];

/// The claim names [`AccessClaims`] serialises itself; an extra claim with
/// one of these names would duplicate a JSON member.
pub(super) const ACCESS_NAMED_CLAIMS: [&str; 14] = [
    "sub",
    "cognito:groups",
    "iss",
    "client_id",
    "origin_jti",
    "event_id",
    "token_use",
    "scope",
    "auth_time",
    "exp",
    "iat",
    "jti",
    "username",
    "device_key",
];

/// Registered JWT and Cognito claim names that no attribute may shadow in an ID
/// token, beyond [`ID_NAMED_CLAIMS`].
const OTHER_RESERVED_CLAIMS: [&str; 9] = [
    "nbf",
    "client_id",
    "scope",
    "username",
    "device_key",
    "version",
    "at_hash",
    "nonce",
    "identities",
];

/// The attribute claims of an ID token, typed as Cognito types them (§6.4).
///
/// Takes the user's stored attributes (all strings, as on the wire) and the
/// app client's read permission, and returns the claims to put in
/// [`IdClaims::attributes`]:
///
/// * only names for which `readable(name)` is true;
/// * `sub` is left out (it is its own claim), as is every `dev:*` attribute
///   (developer-only, never in a token), every `cognito:*` name and every
///   registered claim name (`iss`, `exp`, `client_id`, …), so an attribute can
///   never shadow a claim;
/// * `email_verified` and `phone_number_verified` become JSON booleans
///   (`"true"`/`"false"`, ASCII case-insensitive; any other stored value is
///   kept as a string rather than guessed at);
/// * `address` becomes the OIDC address object `{"formatted": "<stored>"}`;
/// * `updated_at` becomes a JSON number when it parses as an integer
///   (Unix seconds), otherwise stays a string;
/// * every `custom:*` value stays a string, whatever its declared type;
/// * every other attribute stays a string.
#[must_use]
pub fn id_token_attributes(
    attributes: &Attributes,
    readable: &dyn Fn(&str) -> bool,
) -> BTreeMap<String, Value> {
    attributes
        .iter()
        .filter(|(name, _)| is_attribute_claim_name(name) && readable(name))
        .map(|(name, value)| (name.clone(), attribute_claim(name, value)))
        .collect()
}

fn is_attribute_claim_name(name: &str) -> bool {
    !(name.starts_with("dev:")
        || name.starts_with("cognito:")
        || ID_NAMED_CLAIMS.contains(&name)
        || OTHER_RESERVED_CLAIMS.contains(&name))
}

fn attribute_claim(name: &str, value: &str) -> Value {
    if name.starts_with("custom:") {
        return Value::String(value.to_owned());
    }
    match name {
        "email_verified" | "phone_number_verified" => {
            if value.eq_ignore_ascii_case("true") {
                Value::Bool(true)
            } else if value.eq_ignore_ascii_case("false") {
                Value::Bool(false)
            } else {
                Value::String(value.to_owned())
            }
        }
        "address" => {
            let mut address = serde_json::Map::new();
            address.insert("formatted".to_owned(), Value::String(value.to_owned()));
            Value::Object(address)
        }
        "updated_at" => value
            .parse::<i64>()
            .map_or_else(|_| Value::String(value.to_owned()), Value::from),
        _ => Value::String(value.to_owned()),
    }
}

/// One group a user belongs to, as the group claims need it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupInfo {
    /// The group's name.
    pub name: String,
    /// The group's `Precedence`: 0 is the highest; `None` ranks below every number.
    pub precedence: Option<u32>,
    /// The IAM role ARN attached to the group, if any.
    pub role_arn: Option<String>,
}

/// The group claims of a user: `(cognito:groups, cognito:roles, cognito:preferred_role)`.
///
/// * Groups are ordered by precedence: the lowest number first, groups
///   without a precedence last, ties by name. Cognito does not document the
///   order of `cognito:groups`; this one is stable and puts the group that
///   decides the preferred role first.
/// * Roles are the groups' role ARNs in that order, each once; `None` when no
///   group has a role.
/// * The preferred role is the role of the first group in that order that has
///   one, unless another group with a role has the same precedence (both
///   `None` counts as the same) and a different role: then it is omitted, as
///   Cognito omits it (§6.4).
/// * With no groups, all three are `None`, so the claims are omitted.
#[must_use]
pub fn group_claims(
    groups: &[GroupInfo],
) -> (Option<Vec<String>>, Option<Vec<String>>, Option<String>) {
    if groups.is_empty() {
        return (None, None, None);
    }
    let mut sorted: Vec<&GroupInfo> = groups.iter().collect();
    sorted.sort_by(|a, b| {
        (a.precedence.is_none(), a.precedence, &a.name).cmp(&(
            b.precedence.is_none(),
            b.precedence,
            &b.name,
        ))
    });

    let names: Vec<String> = sorted.iter().map(|g| g.name.clone()).collect();

    let mut roles: Vec<String> = Vec::new();
    for role in sorted.iter().filter_map(|g| g.role_arn.as_ref()) {
        if !roles.contains(role) {
            roles.push(role.clone());
        }
    }

    let with_role = || {
        sorted
            .iter()
            .filter_map(|g| g.role_arn.as_ref().map(|r| (g.precedence, r)))
    };
    let preferred = with_role().next().and_then(|(precedence, role)| {
        let tied_differently = with_role().any(|(p, r)| p == precedence && r != role);
        (!tied_differently).then(|| role.clone())
    });

    let roles = (!roles.is_empty()).then_some(roles);
    (Some(names), roles, preferred)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, precedence: Option<u32>, role: Option<&str>) -> GroupInfo {
        GroupInfo {
            name: name.to_owned(),
            precedence,
            role_arn: role.map(str::to_owned),
        }
    }

    fn attrs(pairs: &[(&str, &str)]) -> Attributes {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn no_groups_means_no_group_claims() {
        assert_eq!(group_claims(&[]), (None, None, None));
    }

    #[test]
    fn groups_are_ordered_by_precedence_then_name_with_none_last() {
        let (names, roles, preferred) = group_claims(&[
            group("zeta", None, None),
            group("beta", Some(5), None),
            group("alpha", Some(5), None),
            group("root", Some(0), None),
            group("able", None, None),
        ]);
        assert_eq!(
            names,
            Some(
                ["root", "alpha", "beta", "able", "zeta"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert_eq!(roles, None);
        assert_eq!(preferred, None);
    }

    #[test]
    fn preferred_role_is_the_role_of_the_highest_precedence_group_with_one() {
        let (_, roles, preferred) = group_claims(&[
            group("users", Some(10), Some("arn:users")),
            group("no-role", Some(0), None),
            group("admins", Some(1), Some("arn:admins")),
            group("again", Some(20), Some("arn:users")),
        ]);
        assert_eq!(
            roles,
            Some(vec!["arn:admins".to_owned(), "arn:users".to_owned()])
        );
        assert_eq!(preferred.as_deref(), Some("arn:admins"));
    }

    #[test]
    fn preferred_role_is_omitted_when_the_top_groups_tie_with_different_roles() {
        let (_, roles, preferred) = group_claims(&[
            group("a", Some(1), Some("arn:a")),
            group("b", Some(1), Some("arn:b")),
            group("c", Some(2), Some("arn:c")),
        ]);
        assert_eq!(roles.map(|r| r.len()), Some(3));
        assert_eq!(preferred, None);
    }

    #[test]
    fn a_tie_with_the_same_role_keeps_the_preferred_role() {
        let (_, roles, preferred) = group_claims(&[
            group("a", Some(1), Some("arn:same")),
            group("b", Some(1), Some("arn:same")),
        ]);
        assert_eq!(roles, Some(vec!["arn:same".to_owned()]));
        assert_eq!(preferred.as_deref(), Some("arn:same"));
    }

    #[test]
    fn groups_without_precedence_tie_among_themselves() {
        let (_, _, preferred) = group_claims(&[
            group("a", None, Some("arn:a")),
            group("b", None, Some("arn:b")),
        ]);
        assert_eq!(preferred, None);
        let (_, _, preferred) = group_claims(&[
            group("a", None, Some("arn:a")),
            group("b", Some(7), Some("arn:b")),
        ]);
        assert_eq!(preferred.as_deref(), Some("arn:b"));
    }

    #[test]
    fn attribute_claims_are_typed_as_cognito_types_them() {
        let stored = attrs(&[
            ("sub", "f81d4fae-7dec-41d0-a765-00a0c91e6bf6"),
            ("email", "jane@example.com"),
            ("email_verified", "true"),
            ("phone_number", "+15555550100"),
            ("phone_number_verified", "False"),
            ("address", "1 Main St\nSpringfield"),
            ("updated_at", "1700000000"),
            ("birthdate", "1990-01-01"),
            ("custom:employee_id", "42"),
            ("custom:is_admin", "true"),
            ("dev:custom:secret", "hidden"),
            ("cognito:user_status", "CONFIRMED"),
            ("given_name", "Jane"),
        ]);
        let claims = id_token_attributes(&stored, &|_| true);
        let json = serde_json::to_value(&claims).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({
                "email": "jane@example.com",
                "email_verified": true,
                "phone_number": "+15555550100",
                "phone_number_verified": false,
                "address": {"formatted": "1 Main St\nSpringfield"},
                "updated_at": 1_700_000_000,
                "birthdate": "1990-01-01",
                "custom:employee_id": "42",
                "custom:is_admin": "true",
                "given_name": "Jane",
            })
        );
    }

    #[test]
    fn only_readable_attributes_are_included() {
        let stored = attrs(&[
            ("email", "jane@example.com"),
            ("custom:tenant", "acme"),
            ("given_name", "Jane"),
        ]);
        let claims = id_token_attributes(&stored, &|name| name != "custom:tenant");
        assert_eq!(
            claims.keys().map(String::as_str).collect::<Vec<_>>(),
            ["email", "given_name"]
        );
    }

    #[test]
    fn odd_stored_values_stay_strings() {
        let stored = attrs(&[("email_verified", "yes"), ("updated_at", "yesterday")]);
        let claims = id_token_attributes(&stored, &|_| true);
        assert_eq!(claims.get("email_verified"), Some(&Value::from("yes")));
        assert_eq!(claims.get("updated_at"), Some(&Value::from("yesterday")));
    }

    #[test]
    fn attributes_never_shadow_registered_claims() {
        let stored = attrs(&[("iss", "evil"), ("exp", "9"), ("client_id", "x")]);
        assert!(id_token_attributes(&stored, &|_| true).is_empty());
    }

    #[test]
    fn token_use_serialises_lowercase() {
        assert_eq!(
            serde_json::to_string(&[TokenUse::Access, TokenUse::Id]).ok(),
            Some(r#"["access","id"]"#.to_owned())
        );
    }
}
