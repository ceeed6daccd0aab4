//! What a PreTokenGeneration answer does to the token pair
//! (cognito-triggers.md §2.5): the one place the claim rules live. The
//! token module signs what it is given; this module decides what that is.
//!
//! # The rules
//!
//! * `V1_0` (`claimsOverrideDetails`) edits the ID token; its
//!   `groupOverrideDetails` also rewrites `cognito:groups` in the access
//!   token. `V2_0`/`V3_0` (`claimsAndScopeOverrideDetails`) edit both tokens
//!   and the access token's `scope`. The member of the other version is
//!   ignored.
//! * `groupOverrideDetails` replaces the group data: `groupsToOverride` →
//!   `cognito:groups` (both tokens), `iamRolesToOverride` → `cognito:roles`,
//!   `preferredRole` → `cognito:preferred_role` (ID token); an empty list or
//!   `null` removes the claim. An explicit `null` or `{}` therefore removes
//!   the groups; an absent member leaves them unchanged.
//! * Within one token: the group override first, then the added claims, then
//!   the suppressed ones — so a claim both added and suppressed is
//!   suppressed. Suppressing `cognito:groups` also removes `cognito:roles`
//!   and `cognito:preferred_role`.
//! * Protected claims are never added, changed or suppressed; a response
//!   naming one is not an error, the name is dropped silently
//!   (cognito-triggers.md §2.5, the recommended choice, as Cognito is
//!   reported to do): `acr amr aud at_hash auth_time azp cognito:username exp
//!   iat identities iss jti nbf nonce origin_jti sub token_use`, in the
//!   access token also `username client_id event_id device_key version`, and
//!   every other `cognito:` claim (the group claims change only through
//!   `groupOverrideDetails`; `cognito:groups` may be suppressed). The one
//!   exception: `aud` may be added to the access token when its value is
//!   the app client's id.
//! * Choices where Cognito is silent: `event_id` is protected in the ID
//!   token too, and `scope` is protected as a claim in both tokens — the
//!   access token's scopes change through `scopesToAdd` / `scopesToSuppress`
//!   only.
//! * `dev:` attributes never appear in a token; a response may only
//!   suppress them (which changes nothing), never add them.
//! * Values: `V1_0` claims are strings (the bridge refuses anything else).
//!   `V2_0`/`V3_0` claims keep their JSON type (string, number, boolean,
//!   array, object); a top-level `null` or a number JSON cannot hold is
//!   dropped. In the ID token `email_verified`, `phone_number_verified`,
//!   `updated_at` and `address` stay simple: an array or object for one of
//!   them is dropped.
//! * `scopesToAdd` are appended to `scope` in order, each once; an item that
//!   is empty or contains whitespace makes the response unusable
//!   (`InvalidLambdaResponseException` `Unrecognizable lambda output`: it
//!   would be read as several scopes). `scopesToSuppress` are removed, added
//!   ones included. With every scope suppressed, the token has no `scope`.

use std::collections::BTreeMap;

use serde_json::{Number, Value};

use crate::token::{AccessClaims, IdClaims};
use crate::triggers::{
    ClaimValue, ClaimsAndScopeOverrideDetails, ClaimsOverrideDetails, GroupConfiguration,
    PreTokenGenerationResponse, PreTokenGenerationVersion, TriggerError, UNRECOGNIZABLE_OUTPUT,
};

/// Claims no response may add, change or suppress, in either token.
const PROTECTED: [&str; 19] = [
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "cognito:username",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "sub",
    "token_use",
    // Choices (module docs): protected in both tokens.
    "event_id",
    "scope",
];

/// Further claims protected in the access token.
const ACCESS_PROTECTED: [&str; 4] = ["username", "client_id", "device_key", "version"];

/// The group claim a response may suppress (never add).
const GROUPS: &str = "cognito:groups";

/// ID-token claims that take simple values only.
const SIMPLE_IN_ID: [&str; 4] = [
    "email_verified",
    "phone_number_verified",
    "updated_at",
    "address",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Access,
    Id,
}

/// Whether a response may name `name` in `token` at all (add or suppress),
/// the group claim aside.
fn editable(name: &str, token: Token) -> bool {
    !(PROTECTED.contains(&name)
        || name.starts_with("cognito:")
        || (token == Token::Access && ACCESS_PROTECTED.contains(&name)))
}

/// Applies `response`, answered by a function of `version`, to the claims
/// of one pair. `client_id` is the app client's id (for `aud`).
///
/// # Errors
/// `InvalidResponse` (`Unrecognizable lambda output`) for a scope to add
/// that is empty or holds whitespace.
pub(super) fn apply(
    version: PreTokenGenerationVersion,
    response: &PreTokenGenerationResponse,
    access: &mut AccessClaims,
    id: &mut IdClaims,
    client_id: &str,
) -> Result<(), TriggerError> {
    match version {
        PreTokenGenerationVersion::V1 => {
            if let Some(details) = &response.claims_override_details {
                apply_v1(details, access, id);
            }
            Ok(())
        }
        _ => match &response.claims_and_scope_override_details {
            Some(details) => apply_v2(details, access, id, client_id),
            None => Ok(()),
        },
    }
}

/// Applies a `V3_0` function's `response` to a machine-to-machine token
/// (`TokenGeneration_ClientCredentials`): its `accessTokenGeneration`
/// only, by the access token's rules (protected claims untouched, `dev:`
/// never added), to the token's `scope` and added claims. There is no ID
/// token and no group to override.
///
/// # Errors
/// `InvalidResponse` (`Unrecognizable lambda output`) for a scope to add
/// that is empty or holds whitespace.
pub(in crate::pool) fn apply_client_credentials(
    response: &PreTokenGenerationResponse,
    scope: &mut String,
    extra: &mut BTreeMap<String, Value>,
) -> Result<(), TriggerError> {
    let Some(gen_access) = response
        .claims_and_scope_override_details
        .as_ref()
        .and_then(|d| d.access_token_generation.as_ref())
    else {
        return Ok(());
    };
    if gen_access.scopes_to_add.iter().any(|s| !is_scope_token(s)) {
        return Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT));
    }
    for (name, value) in &gen_access.claims_to_add_or_override {
        if editable(name, Token::Access)
            && !name.starts_with("dev:")
            && let Some(v) = json(value)
        {
            extra.insert(name.clone(), v);
        }
    }
    for name in &gen_access.claims_to_suppress {
        extra.remove(name);
    }
    edit_scope(
        scope,
        &gen_access.scopes_to_add,
        &gen_access.scopes_to_suppress,
    );
    Ok(())
}

fn apply_v1(details: &ClaimsOverrideDetails, access: &mut AccessClaims, id: &mut IdClaims) {
    if let Some(groups) = &details.group_override_details {
        override_groups(groups, access, id);
    }
    for (name, value) in &details.claims_to_add_or_override {
        if editable(name, Token::Id) && !name.starts_with("dev:") {
            id.attributes
                .insert(name.clone(), Value::String(value.clone()));
        }
    }
    suppress_id(&details.claims_to_suppress, id);
}

fn apply_v2(
    details: &ClaimsAndScopeOverrideDetails,
    access: &mut AccessClaims,
    id: &mut IdClaims,
    client_id: &str,
) -> Result<(), TriggerError> {
    if details
        .access_token_generation
        .as_ref()
        .is_some_and(|a| a.scopes_to_add.iter().any(|s| !is_scope_token(s)))
    {
        return Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT));
    }
    if let Some(groups) = &details.group_override_details {
        override_groups(groups, access, id);
    }
    if let Some(gen_id) = &details.id_token_generation {
        for (name, value) in &gen_id.claims_to_add_or_override {
            if !editable(name, Token::Id) || name.starts_with("dev:") {
                continue;
            }
            let simple_only = SIMPLE_IN_ID.contains(&name.as_str());
            if simple_only && matches!(value, ClaimValue::Array(_) | ClaimValue::Object(_)) {
                continue;
            }
            if let Some(v) = json(value) {
                id.attributes.insert(name.clone(), v);
            }
        }
        suppress_id(&gen_id.claims_to_suppress, id);
    }
    if let Some(gen_access) = &details.access_token_generation {
        for (name, value) in &gen_access.claims_to_add_or_override {
            let aud_for_client =
                name == "aud" && matches!(value, ClaimValue::String(s) if s == client_id);
            if !(aud_for_client || editable(name, Token::Access) && !name.starts_with("dev:")) {
                continue;
            }
            if let Some(v) = json(value) {
                access.extra.insert(name.clone(), v);
            }
        }
        for name in &gen_access.claims_to_suppress {
            if name == GROUPS {
                access.cognito_groups = None;
            } else if editable(name, Token::Access) {
                access.extra.remove(name);
            }
        }
        edit_scope(
            &mut access.scope,
            &gen_access.scopes_to_add,
            &gen_access.scopes_to_suppress,
        );
    }
    Ok(())
}

/// `groupOverrideDetails`: replaces the group claims of both tokens.
fn override_groups(groups: &GroupConfiguration, access: &mut AccessClaims, id: &mut IdClaims) {
    let names = non_empty(&groups.groups_to_override);
    access.cognito_groups.clone_from(&names);
    id.cognito_groups = names;
    id.cognito_roles = non_empty(&groups.iam_roles_to_override);
    id.cognito_preferred_role.clone_from(&groups.preferred_role);
}

fn suppress_id(names: &[String], id: &mut IdClaims) {
    for name in names {
        if name == GROUPS {
            id.cognito_groups = None;
            id.cognito_roles = None;
            id.cognito_preferred_role = None;
        } else if editable(name, Token::Id) {
            id.attributes.remove(name);
        }
    }
}

fn non_empty(list: &[String]) -> Option<Vec<String>> {
    (!list.is_empty()).then(|| list.to_vec())
}

/// One scope: non-empty, of RFC 6749's `scope-token` characters
/// (`%x21 / %x23-5B / %x5D-7E`: printable ASCII but space, `"` and `\`).
fn is_scope_token(scope: &str) -> bool {
    !scope.is_empty()
        && scope
            .bytes()
            .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

fn edit_scope(scope: &mut String, add: &[String], suppress: &[String]) {
    let mut scopes: Vec<String> = scope.split_whitespace().map(str::to_owned).collect();
    for s in add {
        if !scopes.contains(s) {
            scopes.push(s.clone());
        }
    }
    scopes.retain(|s| !suppress.contains(s));
    *scope = scopes.join(" ");
}

/// A claim value as JSON; `None` for a top-level `null` or a float JSON
/// cannot hold (NaN, infinities).
fn json(value: &ClaimValue) -> Option<Value> {
    match value {
        ClaimValue::Null => None,
        ClaimValue::Float(f) => Number::from_f64(*f).map(Value::Number),
        other => Some(nested(other)),
    }
}

fn nested(value: &ClaimValue) -> Value {
    match value {
        ClaimValue::String(s) => Value::String(s.clone()),
        ClaimValue::Integer(i) => Value::from(*i),
        ClaimValue::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        ClaimValue::Bool(b) => Value::Bool(*b),
        ClaimValue::Array(items) => Value::Array(items.iter().map(nested).collect()),
        ClaimValue::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), nested(v)))
                .collect::<serde_json::Map<_, _>>(),
        ),
        ClaimValue::Null => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Claims = std::collections::BTreeMap<String, Value>;
    use crate::token::TokenUse;
    use crate::triggers::{AccessTokenGeneration, IdTokenGeneration};

    fn pair() -> (AccessClaims, IdClaims) {
        let access = AccessClaims {
            sub: "s".to_owned(),
            cognito_groups: Some(vec!["g".to_owned()]),
            iss: "i".to_owned(),
            client_id: "c".to_owned(),
            origin_jti: None,
            event_id: "e".to_owned(),
            token_use: TokenUse::Access,
            scope: "aws.cognito.signin.user.admin".to_owned(),
            auth_time: 1,
            exp: 2,
            iat: 1,
            jti: "j".to_owned(),
            username: "u".to_owned(),
            device_key: None,
            extra: Claims::new(),
        };
        let mut attributes = Claims::new();
        attributes.insert("email".to_owned(), Value::from("a@b.c"));
        let id = IdClaims {
            sub: "s".to_owned(),
            aud: "c".to_owned(),
            iss: "i".to_owned(),
            token_use: TokenUse::Id,
            auth_time: 1,
            exp: 2,
            iat: 1,
            jti: "j".to_owned(),
            origin_jti: None,
            event_id: "e".to_owned(),
            cognito_username: "u".to_owned(),
            cognito_groups: Some(vec!["g".to_owned()]),
            cognito_roles: Some(vec!["arn:r".to_owned()]),
            cognito_preferred_role: Some("arn:r".to_owned()),
            attributes,
        };
        (access, id)
    }

    #[test]
    fn the_access_aud_is_kept_only_when_it_names_the_client() {
        for (aud, kept) in [("c", true), ("other", false)] {
            let (mut access, mut id) = pair();
            let mut gen_access = AccessTokenGeneration::default();
            gen_access
                .claims_to_add_or_override
                .insert("aud".to_owned(), ClaimValue::from(aud));
            let details = ClaimsAndScopeOverrideDetails {
                access_token_generation: Some(gen_access),
                ..ClaimsAndScopeOverrideDetails::default()
            };
            let response = PreTokenGenerationResponse {
                claims_and_scope_override_details: Some(details),
                ..PreTokenGenerationResponse::default()
            };
            apply(
                PreTokenGenerationVersion::V2,
                &response,
                &mut access,
                &mut id,
                "c",
            )
            .unwrap();
            assert_eq!(access.extra.contains_key("aud"), kept, "aud {aud}");
            assert_eq!(id.aud, "c");
        }
    }

    #[test]
    fn simple_id_claims_refuse_arrays_and_objects_but_take_scalars() {
        let (mut access, mut id) = pair();
        let mut gen_id = IdTokenGeneration::default();
        let claims = &mut gen_id.claims_to_add_or_override;
        claims.insert(
            "address".to_owned(),
            ClaimValue::Array(vec![ClaimValue::from("x")]),
        );
        claims.insert("email_verified".to_owned(), ClaimValue::from(false));
        claims.insert("updated_at".to_owned(), ClaimValue::Float(f64::NAN));
        let response = PreTokenGenerationResponse {
            claims_and_scope_override_details: Some(ClaimsAndScopeOverrideDetails {
                id_token_generation: Some(gen_id),
                ..ClaimsAndScopeOverrideDetails::default()
            }),
            ..PreTokenGenerationResponse::default()
        };
        apply(
            PreTokenGenerationVersion::V3,
            &response,
            &mut access,
            &mut id,
            "c",
        )
        .unwrap();
        assert!(!id.attributes.contains_key("address"));
        assert_eq!(
            id.attributes.get("email_verified"),
            Some(&Value::Bool(false))
        );
        // A NaN is no JSON number: the claim is dropped.
        assert!(!id.attributes.contains_key("updated_at"));
    }

    #[test]
    fn a_v1_answer_read_as_v2_changes_nothing() {
        let (mut access, mut id) = pair();
        let before = (access.clone(), id.clone());
        let mut details = ClaimsOverrideDetails::default();
        details
            .claims_to_add_or_override
            .insert("tenant".to_owned(), "acme".to_owned());
        let response = PreTokenGenerationResponse {
            claims_override_details: Some(details),
            ..PreTokenGenerationResponse::default()
        };
        apply(
            PreTokenGenerationVersion::V2,
            &response,
            &mut access,
            &mut id,
            "c",
        )
        .unwrap();
        assert_eq!((access, id), before);
    }

    #[test]
    fn scopes_are_added_once_in_order_and_suppressed_even_when_added() {
        let mut scope = "aws.cognito.signin.user.admin".to_owned();
        let add = ["b", "a", "b", "c"].map(String::from);
        edit_scope(&mut scope, &add, &["c".to_owned()]);
        assert_eq!(scope, "aws.cognito.signin.user.admin b a");
        edit_scope(
            &mut scope,
            &[],
            &["aws.cognito.signin.user.admin", "a", "b"].map(String::from),
        );
        assert_eq!(scope, "");
    }

    #[test]
    fn scope_tokens_are_rfc_6749s() {
        for good in [
            "a",
            "https://api.example.com/read",
            "x:y!#$%&'()*+,-./[]^_`{|}~",
        ] {
            assert!(is_scope_token(good), "{good}");
        }
        for bad in ["", "a b", "a\tb", "a\"b", "a\\b", "caf\u{e9}", "a\u{0}"] {
            assert!(!is_scope_token(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_scope_with_whitespace_is_unrecognizable() {
        let (mut access, mut id) = pair();
        let gen_access = AccessTokenGeneration {
            scopes_to_add: vec!["a b".to_owned()],
            ..AccessTokenGeneration::default()
        };
        let response = PreTokenGenerationResponse {
            claims_and_scope_override_details: Some(ClaimsAndScopeOverrideDetails {
                access_token_generation: Some(gen_access),
                ..ClaimsAndScopeOverrideDetails::default()
            }),
            ..PreTokenGenerationResponse::default()
        };
        assert_eq!(
            apply(
                PreTokenGenerationVersion::V2,
                &response,
                &mut access,
                &mut id,
                "c"
            ),
            Err(TriggerError::invalid_response(UNRECOGNIZABLE_OUTPUT))
        );
    }
}
