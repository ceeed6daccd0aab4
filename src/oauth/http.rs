//! The HTTP shapes of the OAuth endpoints, without a socket: what a
//! request to a domain's endpoint carries ([`OAuthRequest`]) and what it is
//! answered ([`OAuthResponse`]). The server crate translates its own HTTP
//! types to and from these; a Rust backend mounting the endpoints in its
//! own router does the same with its framework's.

use std::fmt;

/// Where a domain's endpoints live, as the incoming request reached them
/// (cognito-oauth.md §1.6): every URL the endpoints emit (redirects, form
/// actions, links) is built from it, so the two routing modes never mix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    /// The base URL without a trailing slash:
    /// `http://127.0.0.1:9229/mydomain` in path mode,
    /// `https://mydomain.auth.us-east-1.amazoncognito.com` in Host mode.
    pub url: String,
    /// The `Path` of the cookies the endpoints set: `/mydomain/` in path
    /// mode, `/` in Host mode.
    pub cookie_path: String,
    /// Whether the request came over HTTPS: cookies are `Secure` and HSTS is
    /// sent only then (§13.6).
    pub secure: bool,
}

/// An HTTP request to one of a domain's endpoints.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthRequest {
    /// The method, upper case (`GET`, `POST`, `HEAD`, ...).
    pub method: String,
    /// The path below the domain's base, starting with `/`:
    /// `/oauth2/authorize`, `/login`, `/oauth2/token`, ...
    pub path: String,
    /// The raw query string, without `?` (empty when there is none),
    /// still percent-encoded: the endpoints decode it once.
    pub query: String,
    /// The request headers, names in any case; looked up case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The request body, as received.
    pub body: Vec<u8>,
    /// The base URL and cookie scope of the domain the request reached.
    pub base: Base,
}

impl OAuthRequest {
    /// The first header named `name` (case-insensitive), if any.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of the cookie `name` from the `Cookie` headers, if any.
    #[must_use]
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

impl fmt::Debug for OAuthRequest {
    // The body holds passwords and client secrets, the headers cookies and
    // credentials: neither is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("base", &self.base)
            .field("headers", &self.headers.len())
            .field("body", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The answer to an [`OAuthRequest`]: status, headers (`Set-Cookie` may
/// repeat) and body.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers, in order; a name may repeat.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl OAuthResponse {
    /// An empty answer with `status`.
    #[must_use]
    pub const fn new(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// A `200`/`400`/... JSON answer (`application/json;charset=UTF-8`)
    /// with the no-store headers of cognito-oauth.md §4.1.
    #[must_use]
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status)
            .with_header("Content-Type", "application/json;charset=UTF-8")
            .no_store()
            .with_body(body)
    }

    /// `302 Found` to `location`, with the no-store headers.
    #[must_use]
    pub fn redirect(location: impl Into<String>) -> Self {
        Self::new(302).with_header("Location", location).no_store()
    }

    /// Adds §4.1's caching and hardening headers: `Cache-Control`,
    /// `Pragma`, `Expires`, `X-Content-Type-Options`, `X-Frame-Options`,
    /// `X-XSS-Protection`.
    #[must_use]
    pub fn no_store(self) -> Self {
        self.with_header(
            "Cache-Control",
            "no-cache, no-store, max-age=0, must-revalidate",
        )
        .with_header("Pragma", "no-cache")
        .with_header("Expires", "0")
        .with_header("X-Content-Type-Options", "nosniff")
        .with_header("X-Frame-Options", "DENY")
        .with_header("X-XSS-Protection", "1; mode=block")
    }

    /// The first header named `name` (case-insensitive), if any.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for OAuthResponse {
    // Bodies carry tokens and codes, `Location` and `Set-Cookie` too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthResponse")
            .field("status", &self.status)
            .field("headers", &self.headers.len())
            .field("body", &self.body.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> OAuthRequest {
        OAuthRequest {
            method: "GET".into(),
            path: "/login".into(),
            query: String::new(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: b"password=secret".to_vec(),
            base: Base {
                url: "http://127.0.0.1:9229/d".into(),
                cookie_path: "/d/".into(),
                secure: false,
            },
        }
    }

    #[test]
    fn cookies_are_found_across_headers_and_by_exact_name() {
        let r = request(&[
            ("Cookie", "a=1; XSRF-TOKEN=x"),
            ("cookie", "cognito=sealed.value=; b=2"),
        ]);
        assert_eq!(r.cookie("XSRF-TOKEN"), Some("x"));
        assert_eq!(r.cookie("cognito"), Some("sealed.value="));
        assert_eq!(r.cookie("COGNITO"), None);
        assert_eq!(r.cookie("xsrf"), None);
        assert_eq!(r.header("COOKIE"), Some("a=1; XSRF-TOKEN=x"));
    }

    #[test]
    fn debug_shows_no_body_or_header_values() {
        let r = request(&[("Authorization", "Basic c2VjcmV0")]);
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("secret") && !shown.contains("c2VjcmV0"),
            "{shown}"
        );
        let a = OAuthResponse::redirect("https://app/cb?code=abc");
        assert!(!format!("{a:?}").contains("abc"));
        assert_eq!(a.status, 302);
        assert_eq!(a.header("location"), Some("https://app/cb?code=abc"));
        assert_eq!(a.header("x-frame-options"), Some("DENY"));
    }
}
