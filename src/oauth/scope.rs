//! Which scopes a request is granted (cognito-oauth.md §5.5 for the
//! authorization endpoint, §7.4 for `client_credentials`).
//!
//! A custom scope (`<resource server identifier>/<name>`) is *active*
//! while its resource server still has it; an app client may keep an
//! inactive one, which is then silently dropped from grants (§2.3). The
//! callers pass that test in (`PoolConfig::has_custom_scope`).

use super::OAuthError;

pub use crate::client::{STANDARD_SCOPES, is_standard_scope as is_standard};

/// The scopes of a `scope` parameter: split on spaces, empties and
/// repeats dropped, in request order; `invalid_scope` for a name not in
/// `allowed`.
fn requested<'a>(scope: Option<&'a str>, allowed: &[String]) -> Result<Vec<&'a str>, OAuthError> {
    let mut out: Vec<&str> = Vec::new();
    for s in scope.unwrap_or("").split(' ').filter(|s| !s.is_empty()) {
        // Refused at the first scope the client is not allowed, before it
        // is compared with the others: `out` holds only allowed scopes, so
        // a request of many distinct names costs one pass, not a square.
        if !allowed.iter().any(|a| a == s) {
            return Err(OAuthError::InvalidScope);
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

/// The scopes an authorization request is granted (§5.5): those asked
/// for, each in the client's `allowed` list, inactive custom scopes
/// dropped; none asked for means every active allowed scope. In request
/// order (the allowed list's when none was asked for).
///
/// # Errors
/// [`OAuthError::InvalidScope`] for a scope the client is not allowed,
/// `email`, `phone` or `profile` without `openid`, or nothing left.
pub fn authorize_scopes(
    scope: Option<&str>,
    allowed: &[String],
    active: impl Fn(&str) -> bool,
) -> Result<Vec<String>, OAuthError> {
    let asked = requested(scope, allowed)?;
    let usable = |s: &str| is_standard(s) || active(s);
    let granted: Vec<String> = if asked.is_empty() {
        allowed.iter().filter(|s| usable(s)).cloned().collect()
    } else {
        asked
            .into_iter()
            .filter(|s| usable(s))
            .map(str::to_owned)
            .collect()
    };
    let has = |s: &str| granted.iter().any(|g| g == s);
    if ["email", "phone", "profile"].iter().any(|s| has(s)) && !has("openid") {
        return Err(OAuthError::InvalidScope);
    }
    if granted.is_empty() {
        return Err(OAuthError::InvalidScope);
    }
    Ok(granted)
}

/// The scopes a `client_credentials` request is granted (§7.4): custom
/// scopes only; none asked for means every active custom scope the client
/// is allowed.
///
/// # Errors
/// [`OAuthError::InvalidScope`] for a standard scope, a scope the client
/// is not allowed, or nothing left.
pub fn client_credentials_scopes(
    scope: Option<&str>,
    allowed: &[String],
    active: impl Fn(&str) -> bool,
) -> Result<Vec<String>, OAuthError> {
    let asked = requested(scope, allowed)?;
    let granted: Vec<String> = if asked.is_empty() {
        allowed
            .iter()
            .filter(|s| !is_standard(s) && active(s))
            .cloned()
            .collect()
    } else {
        if asked.iter().any(|s| is_standard(s)) {
            return Err(OAuthError::InvalidScope);
        }
        asked
            .into_iter()
            .filter(|s| active(s))
            .map(str::to_owned)
            .collect()
    };
    if granted.is_empty() {
        return Err(OAuthError::InvalidScope);
    }
    Ok(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        [
            "openid",
            "email",
            "api/read",
            "api/gone",
            "aws.cognito.signin.user.admin",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    }

    fn active(s: &str) -> bool {
        s == "api/read"
    }

    #[test]
    fn authorize_grants_the_request_in_its_order_without_inactive_scopes() {
        assert_eq!(
            authorize_scopes(
                Some("api/read  openid email openid api/gone"),
                &allowed(),
                active
            ),
            Ok(vec!["api/read".into(), "openid".into(), "email".into()])
        );
        assert_eq!(
            authorize_scopes(None, &allowed(), active),
            Ok(vec![
                "openid".into(),
                "email".into(),
                "api/read".into(),
                "aws.cognito.signin.user.admin".into()
            ])
        );
    }

    #[test]
    fn authorize_refusals() {
        let err = Err(OAuthError::InvalidScope);
        assert_eq!(
            authorize_scopes(Some("phone openid"), &allowed(), active),
            err
        );
        assert_eq!(authorize_scopes(Some("email"), &allowed(), active), err);
        assert_eq!(authorize_scopes(Some("api/gone"), &allowed(), active), err);
        assert_eq!(authorize_scopes(Some("other/x"), &allowed(), active), err);
    }

    #[test]
    fn client_credentials_grants_custom_scopes_only() {
        assert_eq!(
            client_credentials_scopes(None, &allowed(), active),
            Ok(vec!["api/read".into()])
        );
        assert_eq!(
            client_credentials_scopes(Some("api/read api/gone"), &allowed(), active),
            Ok(vec!["api/read".into()])
        );
        let err = Err(OAuthError::InvalidScope);
        assert_eq!(
            client_credentials_scopes(Some("openid"), &allowed(), active),
            err
        );
        assert_eq!(
            client_credentials_scopes(Some("api/write"), &allowed(), active),
            err
        );
        assert_eq!(
            client_credentials_scopes(Some("api/gone"), &allowed(), active),
            err
        );
        assert_eq!(
            client_credentials_scopes(None, &["openid".to_owned()], active),
            err
        );
    }

    /// Attack: a scope parameter of a hundred thousand distinct names
    /// (a long authorize query, a 2 MB token request body). Removing
    /// duplicates before refusing unknown names compared every name with
    /// every other one: seconds to minutes of a worker per request.
    #[test]
    fn many_distinct_unknown_scopes_are_refused_in_one_pass() {
        let many: Vec<String> = (0..100_000).map(|i| format!("x{i}")).collect();
        let scope = format!("openid {}", many.join(" "));
        let started = std::time::Instant::now();
        assert_eq!(
            authorize_scopes(Some(&scope), &allowed(), active),
            Err(OAuthError::InvalidScope)
        );
        assert_eq!(
            client_credentials_scopes(Some(&scope), &allowed(), active),
            Err(OAuthError::InvalidScope)
        );
        let repeated = vec!["api/read"; 100_000].join(" ");
        assert_eq!(
            client_credentials_scopes(Some(&repeated), &allowed(), active),
            Ok(vec!["api/read".into()])
        );
        let spent = started.elapsed();
        assert!(spent < std::time::Duration::from_secs(2), "{spent:?}");
    }
}
