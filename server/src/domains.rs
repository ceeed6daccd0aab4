//! The OAuth 2.0 endpoints of user pool domains (cognito-oauth.md §1.6,
//! §4): which requests belong to a domain, and their translation to and
//! from [`userpool::oauth::handle`], which answers them.
//!
//! * **Path mode** (canonical): `/<domain>/<rest>`, where `<domain>` is a
//!   prefix or custom domain exactly as registered, reaches the endpoint
//!   `/<rest>` of that domain's pool, with the base URL
//!   `<public URL>/<domain>` and cookies scoped to `/<domain>/`. Pool ids
//!   contain `_` and domain names never do, so `/<poolId>/.well-known/…`,
//!   `/_outbox` and `/_health` are never taken for a domain.
//! * **Host mode** (an extra): a request whose `Host` (port left out,
//!   case ignored) is a registered domain's host name,
//!   `<prefix>.auth.<region>.amazoncognito.com` or a custom domain, goes
//!   whole to that domain, with the base URL `<scheme>://<Host as sent>`
//!   and cookies scoped to `/`. Nothing else is served under such a name
//!   (in AWS the JSON API lives on another host). An unknown
//!   `*.amazoncognito.com` host is a 404 with an empty body.
//!
//! Every domain answer carries `x-amz-cognito-request-id`, and over TLS
//! `Strict-Transport-Security` (§4.1). The endpoints hash passwords: they
//! run off the async threads, behind the semaphore of the JSON API.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use userpool::UserPool;
use userpool::oauth::{Base, OAuthRequest, OAuthResponse};

use crate::routes::AppState;

/// `Strict-Transport-Security` as Cognito sends it (§4.1), over TLS only.
const HSTS: &str = "max-age=31536000 ; includeSubDomains";

/// Where a request to a domain goes: its pool, the base it reached, and the
/// endpoint path below the base.
struct Target {
    pool: UserPool,
    base: Base,
    path: String,
}

/// Routes the requests of user pool domains to their endpoints; every
/// other request goes on to the server's own routes.
pub(crate) async fn route(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let path = request.uri().path().to_owned();
    match target(&state, host, path).await {
        Found::Domain(target) => serve(&state, target, request).await,
        Found::UnknownDomainHost => empty(StatusCode::NOT_FOUND),
        Found::Nothing => next.run(request).await,
    }
}

enum Found {
    Domain(Box<Target>),
    UnknownDomainHost,
    Nothing,
}

/// The domain a request with `host` and `path` is for, if any (Host
/// mode first).
async fn target(state: &AppState, host: String, path: String) -> Found {
    // Over this server's own TLS, or behind a TLS proxy that `--public-url
    // https://…` names: the browser speaks HTTPS, so cookies are `Secure`.
    let secure = state.tls || state.public_url.starts_with("https://");
    let scheme = if secure { "https" } else { "http" };
    if may_be_domain_host(state, &host) {
        let wanted = host.clone();
        let found = lookup(state, move |r| r.pool_of_host(&wanted)).await;
        if let Some(pool) = found {
            return Found::Domain(Box::new(Target {
                pool,
                base: Base {
                    url: format!("{scheme}://{host}"),
                    cookie_path: "/".to_owned(),
                    secure,
                },
                path,
            }));
        }
        if is_cognito_host(&host) {
            return Found::UnknownDomainHost;
        }
    }
    let rest = path.strip_prefix('/').unwrap_or(&path);
    let (segment, below) = rest.split_once('/').unwrap_or((rest, ""));
    if !may_be_domain_name(segment) {
        return Found::Nothing;
    }
    let name = segment.to_owned();
    let wanted = name.clone();
    match lookup(state, move |r| r.pool_of_domain(&wanted)).await {
        Some(pool) => Found::Domain(Box::new(Target {
            pool,
            base: Base {
                url: format!("{}/{name}", state.public_url),
                cookie_path: format!("/{name}/"),
                secure,
            },
            path: format!("/{below}"),
        })),
        None => Found::Nothing,
    }
}

/// Runs a registry lookup off the async threads (a persistent registry
/// reads the store); a failing store is "no domain".
async fn lookup(
    state: &AppState,
    find: impl FnOnce(
        &userpool::registry::Registry,
    ) -> userpool::Result<Option<(UserPool, userpool::config::PoolDomain)>>
    + Send
    + 'static,
) -> Option<UserPool> {
    let engine = Arc::clone(&state.engine);
    tokio::task::spawn_blocking(move || find(engine.registry()))
        .await
        .ok()
        .and_then(Result::ok)
        .flatten()
        .map(|(pool, _)| pool)
}

/// Whether `name` could be a registered domain: a prefix
/// (`[a-z0-9-]`, 1–63) or a host name of such labels. Anything else (the
/// empty first segment of `/`, pool ids with `_`, `_outbox`) is not looked
/// up at all.
pub(crate) fn may_be_domain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// Whether a `Host` value may name a domain: not one of the server's own
/// names (the JSON API's), a host name with a dot, and only the characters
/// of a host name and port, so that the base URL built from it is safe.
fn may_be_domain_host(state: &AppState, host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    if state.own_hosts.contains(&lower) {
        return false;
    }
    let (name, port) = lower.rsplit_once(':').unwrap_or((&lower, ""));
    port.bytes().all(|b| b.is_ascii_digit())
        && name.contains('.')
        && name.parse::<std::net::Ipv4Addr>().is_err()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// Whether `host` is under `amazoncognito.com`, where every name is a
/// domain's.
fn is_cognito_host(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    let name = lower.rsplit_once(':').map_or(lower.as_str(), |(n, _)| n);
    name.trim_end_matches('.').ends_with(".amazoncognito.com")
}

/// Answers `request` at `target`'s endpoint.
async fn serve(state: &AppState, target: Box<Target>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // The body was read whole, within the limits, by `routes::read_body`.
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => return finish(OAuthResponse::new(400), state.tls),
    };
    // Values are read as UTF-8, an invalid byte replaced rather than the
    // header dropped: a browser sends another application's non-ASCII
    // cookie in the same `Cookie` header as the domain's own cookies, and
    // dropping the header would lose those.
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let Target { pool, base, path } = *target;
    let oauth = OAuthRequest {
        method: parts.method.as_str().to_owned(),
        path,
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers,
        body,
        base,
    };
    let Ok(permit) = Arc::clone(&state.permits).acquire_owned().await else {
        return finish(OAuthResponse::new(503), state.tls);
    };
    let semaphore = Arc::clone(&state.permits);
    let answered = tokio::task::spawn_blocking(move || {
        crate::permit::holding(permit, semaphore, || userpool::oauth::handle(&pool, &oauth))
    })
    .await;
    finish(
        answered.unwrap_or_else(|_| OAuthResponse::new(500)),
        state.tls,
    )
}

/// The HTTP answer for `answer`, with the headers every domain answer
/// carries. A header the endpoint made that HTTP cannot carry is dropped.
fn finish(answer: OAuthResponse, tls: bool) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = status;
    let h = response.headers_mut();
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            h.append(name, value);
        }
    }
    h.insert(
        HeaderName::from_static("x-amz-cognito-request-id"),
        crate::routes::request_id(),
    );
    if tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// An answer with `status` and an empty body.
pub(crate) fn empty(status: StatusCode) -> Response {
    status.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_a_domain_can_have_are_looked_up() {
        for name in ["my-app", "auth.example.com", "a", "favicon.ico"] {
            assert!(may_be_domain_name(name), "{name}");
        }
        for name in ["", "us-east-1_abc", "_outbox", "_health", "My-App", "a..b"] {
            assert!(!may_be_domain_name(name), "{name}");
        }
    }

    #[test]
    fn cognito_hosts_are_recognised_with_a_port_and_any_case() {
        assert!(is_cognito_host("x.auth.us-east-1.amazoncognito.com"));
        assert!(is_cognito_host("X.Auth.US-EAST-1.AmazonCognito.com:8443"));
        assert!(!is_cognito_host("amazoncognito.com.evil.example"));
        assert!(!is_cognito_host("auth.example.com"));
    }

    #[test]
    fn answers_keep_repeated_cookies_and_add_the_request_id() {
        let answer = OAuthResponse::new(302)
            .with_header("Location", "https://app.example.com/cb?code=x")
            .with_header("Set-Cookie", "a=1; Path=/")
            .with_header("Set-Cookie", "b=2; Path=/")
            .with_header("Bad Name", "dropped");
        let plain = finish(answer.clone(), false);
        assert_eq!(plain.status(), StatusCode::FOUND);
        let cookies: Vec<_> = plain.headers().get_all(header::SET_COOKIE).iter().collect();
        assert_eq!(cookies, ["a=1; Path=/", "b=2; Path=/"]);
        assert!(plain.headers().contains_key("x-amz-cognito-request-id"));
        assert!(
            !plain
                .headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY)
        );
        let tls = finish(answer, true);
        assert_eq!(
            tls.headers()[header::STRICT_TRANSPORT_SECURITY],
            "max-age=31536000 ; includeSubDomains"
        );
    }
}
