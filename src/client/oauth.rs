//! An app client's OAuth settings (cognito-oauth.md §3.1) and the rules
//! Cognito checks on them when a client is created or updated (§3.2).
//!
//! The rules that need nothing but the client's own settings (V1–V3, V5,
//! V6, V8, V9, V12) run in [`AppClientConfigBuilder::build`](super::AppClientConfigBuilder::build);
//! the ones that need the pool or the client's secret (V4, V7, V10) run in
//! `UserPool::create_user_pool_client` / `update_user_pool_client`
//! ([`check_against_pool`]).

use crate::config::PoolConfig;
use crate::error::{Constraint, Error, ErrorCode, Result, Shown, Violation};

use super::AppClientConfig;

/// One of `AllowedOAuthFlows`: a grant the OAuth endpoints allow the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OAuthFlow {
    /// `code`: the authorization-code grant.
    Code,
    /// `implicit`: tokens straight from the authorize endpoint.
    Implicit,
    /// `client_credentials`: machine-to-machine tokens for a confidential client.
    ClientCredentials,
}

impl OAuthFlow {
    /// Every flow, in the order Cognito's enum lists them.
    pub const ALL: [Self; 3] = [Self::Implicit, Self::ClientCredentials, Self::Code];

    /// The wire name: `code`, `implicit` or `client_credentials`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Implicit => "implicit",
            Self::ClientCredentials => "client_credentials",
        }
    }

    /// Parses a whole `AllowedOAuthFlows` list (rule V1). Duplicates are
    /// kept once, in the order given.
    ///
    /// # Errors
    ///
    /// [`ErrorCode::InvalidParameter`] when any value is not a flow, with
    /// Cognito's model message, which quotes the whole list:
    /// `1 validation error detected: Value '[code, token]' at
    /// 'allowedOAuthFlows' failed to satisfy constraint: Member must satisfy
    /// constraint: [Member must satisfy enum value set: [implicit,
    /// client_credentials, code]]`.
    pub fn parse_list<S: AsRef<str>>(values: &[S]) -> Result<Vec<Self>> {
        let mut flows: Vec<Self> = Vec::with_capacity(values.len());
        for value in values {
            let Some(flow) = Self::ALL.into_iter().find(|f| f.as_str() == value.as_ref()) else {
                let listed: Vec<&str> = values.iter().map(AsRef::as_ref).collect();
                return Err(Error::violation(
                    "allowedOAuthFlows",
                    Shown::Value(format!("[{}]", listed.join(", "))),
                    Constraint::EachOneOf(Self::ALL.iter().map(|f| f.as_str()).collect()),
                ));
            };
            if !flows.contains(&flow) {
                flows.push(flow);
            }
        }
        Ok(flows)
    }
}

/// The OpenID Connect and Cognito scopes every pool has, besides the custom
/// scopes of its resource servers.
pub const STANDARD_SCOPES: [&str; 5] = [
    "openid",
    "email",
    "phone",
    "profile",
    "aws.cognito.signin.user.admin",
];

/// Most scopes in `AllowedOAuthScopes` (model).
pub const MAX_SCOPES: usize = 50;
/// Most URLs in `CallbackURLs`, and in `LogoutURLs` (model).
pub const MAX_URLS: usize = 100;
/// Longest scope string, in characters (model).
const MAX_SCOPE_CHARS: u64 = 256;
/// Longest redirect URL, in characters (model).
const MAX_URL_CHARS: u64 = 1024;
/// Longest identity-provider name, in characters (model).
const MAX_PROVIDER_CHARS: u64 = 32;
/// The model pattern of a URL and of a provider name: printable, no spaces.
const PRINTABLE: &str = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+";
/// The model pattern of a scope.
const SCOPE_PATTERN: &str = "[\\x21\\x23-\\x5B\\x5D-\\x7E]+";

/// Whether `scope` is one of [`STANDARD_SCOPES`].
#[must_use]
pub fn is_standard_scope(scope: &str) -> bool {
    STANDARD_SCOPES.contains(&scope)
}

fn printable(s: &str) -> bool {
    s.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

fn scope_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
}

/// The model problems of the OAuth members (rule V12): list maxima, element
/// lengths and patterns, in Cognito's `N validation errors detected` form.
pub(super) fn model_problems(config: &AppClientConfig, problems: &mut Vec<Violation>) {
    let mut list = |member: &str,
                    values: &[String],
                    max_items: Option<usize>,
                    max_chars: u64,
                    pattern: &'static str,
                    ok: fn(&str) -> bool| {
        if let Some(max) = max_items
            && values.len() > max
        {
            problems.push(Violation::new(
                member,
                Shown::Hidden,
                Constraint::MaxLength(max as u64),
            ));
        }
        for (i, v) in values.iter().enumerate() {
            let n = v.chars().count() as u64;
            if !(1..=max_chars).contains(&n) || !ok(v) {
                problems.push(Violation::new(
                    format!("{member}.{}.member", i + 1),
                    Shown::Value(v.clone()),
                    Constraint::Pattern {
                        pattern,
                        length: Some((1, max_chars)),
                    },
                ));
            }
        }
    };
    list(
        "allowedOAuthScopes",
        &config.allowed_oauth_scopes,
        Some(MAX_SCOPES),
        MAX_SCOPE_CHARS,
        SCOPE_PATTERN,
        scope_chars,
    );
    list(
        "callbackURLs",
        &config.callback_urls,
        Some(MAX_URLS),
        MAX_URL_CHARS,
        PRINTABLE,
        printable,
    );
    list(
        "logoutURLs",
        &config.logout_urls,
        Some(MAX_URLS),
        MAX_URL_CHARS,
        PRINTABLE,
        printable,
    );
    list(
        "supportedIdentityProviders",
        &config.supported_identity_providers,
        None,
        MAX_PROVIDER_CHARS,
        PRINTABLE,
        printable,
    );
    if let Some(url) = &config.default_redirect_uri {
        let n = url.chars().count() as u64;
        if !(1..=MAX_URL_CHARS).contains(&n) || !printable(url) {
            problems.push(Violation::new(
                "defaultRedirectURI",
                Shown::Value(url.clone()),
                Constraint::Pattern {
                    pattern: PRINTABLE,
                    length: Some((1, MAX_URL_CHARS)),
                },
            ));
        }
    }
}

fn invalid_flow(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidOAuthFlow, message)
}

/// The rules of §3.2 that need only the client's own settings, in this
/// order: V2, V3, V5, V6, V8 (callback URLs, then logout URLs, then the
/// default), V9. The first broken rule is reported.
///
/// Choices (cognito-oauth.md §3.2, §15):
/// * V5 (`<scope> is not supported with client_credentials flow`) is an
///   `InvalidOAuthFlowException` naming the first standard scope in the
///   list; the live service's type for it is undocumented.
/// * V8 refuses with `InvalidParameterException` `Invalid redirect URI:
///   <url>` a URL that is not absolute (no `scheme:`), that has a fragment,
///   or that is `http` to a host other than `localhost`, `127.0.0.1` or
///   `[::1]` (any port). `https` and app schemes (`myapp://cb`) pass.
/// * V9's message is `DefaultRedirectURI must be one of the CallbackURLs.`
/// * V11: `email`, `phone` or `profile` without `openid` is accepted here;
///   the authorize endpoint enforces it per request.
pub(super) fn check_settings(config: &AppClientConfig) -> Result<()> {
    if config.allowed_oauth_flows_user_pool_client
        && (config.allowed_oauth_flows.is_empty() || config.allowed_oauth_scopes.is_empty())
    {
        return Err(Error::invalid_parameter(
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is \
             allowed to use OAuth flows.",
        ));
    }
    let flows = &config.allowed_oauth_flows;
    let has = |f: OAuthFlow| flows.contains(&f);
    if has(OAuthFlow::ClientCredentials) {
        if has(OAuthFlow::Code) || has(OAuthFlow::Implicit) {
            return Err(invalid_flow(
                "client_credentials flow can not be selected along with code flow or implicit \
                 flow.",
            ));
        }
        if let Some(scope) = config
            .allowed_oauth_scopes
            .iter()
            .find(|s| is_standard_scope(s))
        {
            return Err(invalid_flow(format!(
                "{scope} is not supported with client_credentials flow"
            )));
        }
    }
    if (has(OAuthFlow::Code) || has(OAuthFlow::Implicit)) && config.callback_urls.is_empty() {
        return Err(invalid_flow(
            "CallbackUrls can not be empty when code flow or implicit flow is selected",
        ));
    }
    for url in config
        .callback_urls
        .iter()
        .chain(&config.logout_urls)
        .chain(&config.default_redirect_uri)
    {
        if !is_acceptable_redirect(url) {
            return Err(Error::invalid_parameter(format!(
                "Invalid redirect URI: {url}"
            )));
        }
    }
    if let Some(default) = &config.default_redirect_uri
        && !config.callback_urls.contains(default)
    {
        return Err(Error::invalid_parameter(
            "DefaultRedirectURI must be one of the CallbackURLs.",
        ));
    }
    Ok(())
}

/// Rule V8 (see [`check_settings`]).
fn is_acceptable_redirect(url: &str) -> bool {
    if url.contains('#') {
        return false;
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return true;
    }
    let Some(after) = rest.strip_prefix("//") else {
        return false;
    };
    let authority = after.split(['/', '?']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return false;
    }
    if scheme == "https" {
        return true;
    }
    let host = if authority.starts_with('[') {
        authority
            .find(']')
            .map_or(authority, |end| &authority[..=end])
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let port = &authority[host.len()..];
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok && (host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "[::1]")
}

/// The rules of §3.2 that need the pool or the client's secret, run by
/// the pool after [`check_settings`]: V4, then V7, then V10.
///
/// * V4: `client_credentials` without a secret →
///   `InvalidOAuthFlowException` `client_credentials flow can not be
///   selected if client does not have a client secret.` (`has_secret` is
///   whether the client has or will get one).
/// * V7: a scope that is neither standard nor a custom scope of one of the
///   pool's resource servers → `ScopeDoesNotExistException` `Invalid scope
///   requested: <scope>` (the first such scope).
/// * V10 (choice, cognito-oauth.md §3.2): the pool has no identity
///   providers yet, so any `SupportedIdentityProviders` entry other than
///   `COGNITO` → `InvalidParameterException` `The provider <name> does not
///   exist for User Pool <poolId>`.
pub(crate) fn check_against_pool(
    config: &AppClientConfig,
    has_secret: bool,
    pool_id: &str,
    pool: &PoolConfig,
) -> Result<()> {
    if config
        .allowed_oauth_flows
        .contains(&OAuthFlow::ClientCredentials)
        && !has_secret
    {
        return Err(invalid_flow(
            "client_credentials flow can not be selected if client does not have a client \
             secret.",
        ));
    }
    if let Some(scope) = config
        .allowed_oauth_scopes
        .iter()
        .find(|s| !is_standard_scope(s) && !pool.has_custom_scope(s))
    {
        return Err(Error::new(
            ErrorCode::ScopeDoesNotExist,
            format!("Invalid scope requested: {scope}"),
        ));
    }
    if let Some(name) = config
        .supported_identity_providers
        .iter()
        .find(|p| p.as_str() != "COGNITO")
    {
        return Err(Error::invalid_parameter(format!(
            "The provider {name} does not exist for User Pool {pool_id}"
        )));
    }
    Ok(())
}
