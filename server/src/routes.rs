//! The HTTP shell: Cognito's routes over the engine.
//!
//! * `POST /`: the Cognito API. The operation is named by `X-Amz-Target`
//!   (`AWSCognitoIdentityProviderService.SignUp`), the body is the JSON
//!   input. The wire adapter is synchronous and CPU bound (Argon2id, SRP
//!   modular exponentiation), so every call runs in
//!   `tokio::task::spawn_blocking`, behind a semaphore sized to the cores.
//! * `OPTIONS /`: the CORS preflight browsers send for
//!   amazon-cognito-identity-js and Amplify.
//! * `GET /{poolId}/.well-known/jwks.json` and
//!   `GET /{poolId}/.well-known/openid-configuration` (its URLs under the
//!   configured public URL, never the request's `Host`; its OAuth
//!   endpoints those of the pool's domain, cognito-oauth.md §12).
//! * `GET /_outbox?pool_id=ID&username=NAME`: the messages a pool "sent";
//!   `pool_id` required, signed when access keys are configured, never to
//!   browsers.
//!
//! Every request body is read first, by [`read_body`]: bounded in size and
//! time, refused in Cognito's error format.
//! * `GET /_health`: `ok` once the server listens.
//! * `GET /`: a hint for people who open the endpoint in a browser.
//! * Any method on `/<domain>/…` for a registered user pool domain, and any
//!   request whose `Host` is a domain's host name: that domain's OAuth
//!   endpoints ([`crate::domains`]), before every other route.
//!
//! Anything else is a JSON 404, or an empty one when the first path
//! segment could be a domain name (cognito-oauth.md §1.6).
//!
//! # CORS: only where browsers belong
//!
//! Browsers call Cognito's public operations (`SignUp`, `InitiateAuth`,
//! `RespondToAuthChallenge`, ..., the unsigned ones of
//! [`userpool::wire::UNSIGNED_OPERATIONS`]) and read the public key
//! documents; admin operations belong to servers holding AWS credentials.
//! So:
//!
//! * the answer to a public operation carries Cognito's CORS headers
//!   (`Access-Control-Allow-Origin: *` and the exposed `x-amzn-*` headers),
//!   and so do the JWKS and OpenID documents; nothing else does (signed
//!   operations, `/_outbox`, `/_health`, 404s);
//! * the preflight cannot tell which operation follows: browsers send the
//!   `X-Amz-Target` *value* only with the real request, and list header
//!   names only. It is answered with CORS headers when it asks for `POST`
//!   and no header beyond those the public operations' browser clients
//!   send ([`BROWSER_HEADERS`]); a preflight asking for `authorization`,
//!   `x-amz-date`, `x-amz-security-token` (a SigV4-signed request) or
//!   anything else gets a 403 without them, and the browser sends nothing;
//! * a signed operation whose request carries `Origin` (only browsers send
//!   it) is refused without running, 403 `AccessDeniedException`: the page
//!   could not read the answer anyway, and without `--credentials` any web
//!   page a developer opens could otherwise change their local pools;
//! * signed operations and `/_outbox` are served only under the server's
//!   own host names ([`own_hosts`]): a page that rebinds its own name to
//!   127.0.0.1 (DNS rebinding) is same-origin with the server and sends no
//!   `Origin` on a `GET`, but its requests carry its own name as `Host`.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use userpool::wire::WireResponse;
use userpool::wire::{
    self,
    sigv4::{HttpRequest, Verifier},
};
use userpool::{Clock, Outbox, SystemClock};

use crate::storage::Engine;

/// The headers browsers send to Cognito's public (unsigned) operations:
/// amazon-cognito-identity-js and Amplify (`content-type`, `x-amz-target`,
/// `x-amz-user-agent`, `cache-control`), the AWS SDK for JavaScript v3
/// (`amz-sdk-invocation-id`, `amz-sdk-request`). The preflight allows
/// these and nothing more: no `authorization`, no `x-amz-date`.
const BROWSER_HEADERS: [&str; 6] = [
    "content-type",
    "x-amz-target",
    "x-amz-user-agent",
    "cache-control",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
];
const EXPOSE_HEADERS: &str = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date";
const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// What every handler shares.
#[derive(Clone, Debug)]
pub(crate) struct AppState {
    pub(crate) engine: Arc<Engine>,
    pub(crate) outbox: Outbox,
    /// Bounds the CPU-bound calls in flight (and the Argon2 memory they use).
    pub(crate) permits: Arc<Semaphore>,
    /// Checks the signature of signed operations; `None`: any credentials.
    pub(crate) verifier: Option<Arc<Verifier>>,
    /// The base URL documents name (`--public-url`), never the `Host`.
    pub(crate) public_url: Arc<str>,
    /// The `Host` values signed operations and `/_outbox` are served under
    /// (lowercase): the bound address, `localhost` with its port, and the
    /// public URL's authority.
    pub(crate) own_hosts: Arc<[String]>,
    /// How long a request body may take to arrive.
    pub(crate) body_timeout: Duration,
    /// Whether the listener serves HTTPS: domain cookies are `Secure` and
    /// HSTS is sent only then.
    pub(crate) tls: bool,
}

/// The most a request body may hold (axum's default limit, kept; Cognito's
/// largest inputs are far below it).
pub(crate) const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How much more than [`BODY_LIMIT`] is read and thrown away before the
/// 413 is sent, within the body timeout: a client still sending its body
/// then reads the answer instead of a reset connection (the "lingering
/// close" of HTTP servers). A body declared or found longer than both is
/// answered at once and the connection closed on it.
const DRAIN_LIMIT: u64 = 8 * 1024 * 1024;

/// What reading a request body gave.
enum ReadBody {
    /// The whole body, within the limit.
    Whole(Bytes),
    /// More than [`BODY_LIMIT`] bytes (the rest drained, up to
    /// [`DRAIN_LIMIT`]).
    TooLarge,
    /// The client broke the body off, or its chunked encoding.
    Broken,
}

/// Reads `body` whole if it fits in [`BODY_LIMIT`]; past it, keeps reading
/// and discarding up to [`DRAIN_LIMIT`] more.
async fn read_limited(mut body: Body) -> ReadBody {
    let limit = BODY_LIMIT as u64;
    let mut kept = Vec::new();
    let mut seen: u64 = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return if seen > limit {
                ReadBody::TooLarge
            } else {
                ReadBody::Broken
            };
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len() as u64);
        if seen > limit.saturating_add(DRAIN_LIMIT) {
            return ReadBody::TooLarge;
        }
        if seen > limit {
            kept = Vec::new();
        } else {
            kept.extend_from_slice(&data);
        }
    }
    if seen > limit {
        ReadBody::TooLarge
    } else {
        ReadBody::Whole(Bytes::from(kept))
    }
}

/// Every route, over `state`.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/", post(api).options(preflight).get(root))
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .route("/_outbox", get(outbox_messages))
        .route("/_health", get(|| async { "ok" }))
        .fallback(not_found)
        // The domains' endpoints come before every route, within the body
        // limits (crate::domains).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::domains::route,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            read_body,
        ))
        // read_body is the limit, answering in Cognito's error format.
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

/// Reads the whole request body before any handler runs: at most
/// [`BODY_LIMIT`] bytes (else 413 `RequestEntityTooLargeException`, an
/// AWS-style JSON error with `x-amzn-ErrorType`), within the body timeout
/// (else 408 `RequestTimeoutException` and the connection is closed).
async fn read_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let too_large = || {
        let message = format!("Request must be smaller than {BODY_LIMIT} bytes.");
        let body = json!({"__type": "RequestEntityTooLargeException", "message": message});
        let mut response = amz_response(
            413,
            body.to_string(),
            Some(("RequestEntityTooLargeException", &message)),
        );
        // The rest of the body may not have been read: the connection
        // cannot be reused.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        response
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > (BODY_LIMIT as u64).saturating_add(DRAIN_LIMIT)) {
        return too_large();
    }
    match tokio::time::timeout(state.body_timeout, read_limited(body)).await {
        Ok(ReadBody::Whole(bytes)) => {
            let request = Request::from_parts(parts, Body::from(bytes));
            next.run(request).await
        }
        Ok(ReadBody::TooLarge) => too_large(),
        // The client broke the body off (or its chunked encoding): nobody
        // is left to read an answer, but send one.
        Ok(ReadBody::Broken) => {
            let message = "The request body could not be read.";
            let body = json!({"__type": "SerializationException", "message": message});
            let mut response = amz_response(
                400,
                body.to_string(),
                Some(("SerializationException", message)),
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
        Err(_) => {
            let message = format!(
                "The request body was not received within {} ms.",
                state.body_timeout.as_millis()
            );
            let body = json!({"__type": "RequestTimeoutException", "message": message});
            let mut response = amz_response(
                408,
                body.to_string(),
                Some(("RequestTimeoutException", &message)),
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

/// The pool `id`, looked up off the async threads (a persistent registry
/// reads the store, which blocks).
async fn find_pool(state: &AppState, id: String) -> Option<userpool::UserPool> {
    let engine = Arc::clone(&state.engine);
    tokio::task::spawn_blocking(move || engine.pool(&id))
        .await
        .ok()
        .flatten()
}

/// Adds the CORS headers real Cognito sends with its public answers.
fn with_cors(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
    response
}

/// `OPTIONS /`: the browser's CORS preflight, allowed for `POST` with the
/// [`BROWSER_HEADERS`] only (see the module docs).
async fn preflight(headers: HeaderMap) -> Response {
    let method_ok = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .is_some_and(|m| m.as_bytes() == b"POST");
    let headers_ok = headers
        .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .iter()
        .all(|v| {
            v.to_str().is_ok_and(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .all(|h| BROWSER_HEADERS.iter().any(|b| b.eq_ignore_ascii_case(h)))
            })
        });
    if !(method_ok && headers_ok) {
        return json_response(
            StatusCode::FORBIDDEN,
            json!({"message": "CORS is allowed for POST / with the headers of Cognito's \
                public (unsigned) operations only."})
            .to_string(),
        );
    }
    let allowed = HeaderValue::from_str(&BROWSER_HEADERS.join(","))
        .unwrap_or(HeaderValue::from_static("content-type,x-amz-target"));
    (
        StatusCode::NO_CONTENT,
        [
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST"),
            ),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, allowed),
            (
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            ),
        ],
    )
        .into_response()
}

pub(crate) fn request_id() -> HeaderValue {
    HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).unwrap_or(HeaderValue::from_static(
        "00000000-0000-4000-8000-000000000000",
    ))
}

/// An `x-amzn-ErrorMessage` value: header values must be visible ASCII.
fn header_text(s: &str) -> HeaderValue {
    let cleaned: String = s
        .chars()
        .take(1024)
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect();
    HeaderValue::from_str(&cleaned).unwrap_or(HeaderValue::from_static(""))
}

fn amz_response(status: u16, body: String, error: Option<(&str, &str)>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
    h.insert(HeaderName::from_static("x-amzn-requestid"), request_id());
    if let Some((error_type, message)) = error {
        h.insert(
            HeaderName::from_static("x-amzn-errortype"),
            header_text(&format!("{error_type}:")),
        );
        h.insert(
            HeaderName::from_static("x-amzn-errormessage"),
            header_text(message),
        );
    }
    response
}

/// The request as the SigV4 verifier reads it: method, raw path and
/// query, every header (values as bytes, repeated names kept), the body.
struct RawRequest {
    method: Method,
    uri: Uri,
    headers: Vec<(String, Vec<u8>)>,
    body: Bytes,
}

impl RawRequest {
    fn new(method: Method, uri: Uri, headers: &HeaderMap, body: Bytes) -> Self {
        let headers = headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect();
        Self {
            method,
            uri,
            headers,
            body,
        }
    }

    /// Runs `check` on the [`HttpRequest`] view of this request.
    fn view<T>(&self, check: impl FnOnce(&HttpRequest<'_>) -> T) -> T {
        let headers: Vec<(&str, &[u8])> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        check(&HttpRequest {
            method: self.method.as_str(),
            path: self.uri.path(),
            query: self.uri.query().unwrap_or(""),
            headers: &headers,
            body: &self.body,
        })
    }
}

/// `POST /`: one Cognito API call. With access keys configured, a signed
/// operation runs only once its SigV4 signature verifies (the pure
/// verifier of `userpool::wire::sigv4`, on the raw request).
async fn api(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if !wire::is_signed(&target) {
        return with_cors(
            call_engine(&state, target, RawRequest::new(method, uri, &headers, body)).await,
        );
    }
    if headers.contains_key(header::ORIGIN) {
        let message = "Signed operations are not served to browsers: the request carries an \
                       Origin header.";
        return access_denied(message);
    }
    if let Some(refused) = foreign_host(&state, &headers) {
        return refused;
    }
    call_engine(&state, target, RawRequest::new(method, uri, &headers, body)).await
}

/// The server's own `Host` values for a server bound to `local` with
/// public URL `public_url`.
pub(crate) fn own_hosts(local: std::net::SocketAddr, public_url: &str) -> Arc<[String]> {
    let port = local.port();
    let mut hosts = vec![
        local.to_string(),
        format!("localhost:{port}"),
        // A default port is left out of `Host` by clients.
        local.ip().to_string(),
        "localhost".to_owned(),
    ];
    let authority = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !authority.is_empty() {
        hosts.push(authority);
    }
    hosts.into()
}

/// A 403 for a request whose `Host` is not one of the server's own names
/// (or that has none); `None` when it is.
fn foreign_host(state: &AppState, headers: &HeaderMap) -> Option<Response> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    if host.is_some_and(|h| state.own_hosts.contains(&h)) {
        return None;
    }
    let message = "Signed operations and the outbox are served only under the server's own \
                   host names (127.0.0.1, localhost, --public-url).";
    Some(access_denied(message))
}

/// 403 `AccessDeniedException` with `message`, in AWS's JSON error shape.
fn access_denied(message: &str) -> Response {
    let body = json!({"__type": "AccessDeniedException", "message": message}).to_string();
    amz_response(403, body, Some(("AccessDeniedException", message)))
}

/// Checks the signature of `request` when keys are configured, then runs
/// the operation `target` names, off the async threads.
async fn call_engine(state: &AppState, target: String, request: RawRequest) -> Response {
    let Ok(permit) = Arc::clone(&state.permits).acquire_owned().await else {
        return internal_error("the server is shutting down");
    };
    let engine = Arc::clone(&state.engine);
    let verifier = state.verifier.clone();
    let semaphore = Arc::clone(&state.permits);
    let joined = tokio::task::spawn_blocking(move || {
        // Held in the thread's slot: a Lambda invocation gives it back
        // while it waits (crate::permit).
        crate::permit::holding(permit, semaphore, || {
            let checked = verifier.map_or(Ok(None), |v| {
                request.view(|r| v.check_operation(&target, r, SystemClock.now()))
            });
            match checked {
                Ok(_) => engine.call(&target, &request.body),
                Err(refused) => refused.response(),
            }
        })
    })
    .await;
    match joined {
        Ok(r) => from_wire(&r),
        Err(_) => internal_error("The request failed inside the engine."),
    }
}

/// The HTTP answer for an engine's (or the verifier's) answer.
fn from_wire(r: &WireResponse) -> Response {
    let message = r.error_type.map(|_| {
        serde_json::from_str::<Value>(&r.body)
            .ok()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default()
    });
    let error = r.error_type.zip(message.as_deref());
    amz_response(r.status, r.body.clone(), error)
}

fn internal_error(message: &str) -> Response {
    let body = json!({"__type": "InternalErrorException", "message": message}).to_string();
    amz_response(500, body, Some(("InternalErrorException", message)))
}

/// `GET /`: a hint for people who open the endpoint in a browser.
async fn root() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "userpool local Cognito endpoint: POST the AWS JSON 1.1 API here \
         (X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>).\n",
    )
}

/// A JSON 404; but an empty one (cognito-oauth.md §1.6) when the first
/// path segment could be a domain name, which no domain has.
async fn not_found(uri: Uri) -> Response {
    let first = uri.path().trim_start_matches('/').split('/').next();
    if first.is_some_and(crate::domains::may_be_domain_name) {
        return crate::domains::empty(StatusCode::NOT_FOUND);
    }
    json_response(
        StatusCode::NOT_FOUND,
        json!({"message": "Not Found"}).to_string(),
    )
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn pool_not_found(pool_id: &str) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        json!({"message": format!("User pool {pool_id} not found.")}).to_string(),
    )
}

/// `GET /{poolId}/.well-known/jwks.json`.
async fn jwks(State(state): State<AppState>, Path(pool_id): Path<String>) -> Response {
    match find_pool(&state, pool_id.clone()).await {
        Some(pool) => with_cors(json_response(StatusCode::OK, pool.jwks_json())),
        None => pool_not_found(&pool_id),
    }
}

/// `GET /{poolId}/.well-known/openid-configuration` (cognito-oauth.md §12):
/// the live document's members, in its alphabetical order. The issuer is
/// the pool's own (Cognito's `https://cognito-idp.<region>.amazonaws.com/<id>`
/// by default, which aws-jwt-verify requires; `<public URL>/<id>` with
/// `--issuer-mode local`, which OpenID discovery clients require);
/// `jwks_uri` points at this server. The OAuth 2.0 endpoints are those of
/// the pool's domain, in path mode under `<public URL>/<domain>` (the
/// custom domain preferred over the prefix); a pool without a domain has
/// none, and its document leaves the five endpoint members out. Every URL
/// starts with the public URL (`--public-url`, by default the address the
/// server listens on), never the request's `Host`, which a client chooses.
async fn openid_configuration(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
) -> Response {
    let Some(pool) = find_pool(&state, pool_id.clone()).await else {
        return pool_not_found(&pool_id);
    };
    with_cors(json_response(
        StatusCode::OK,
        openid_document(&pool, &state.public_url),
    ))
}

/// The OpenID configuration of `pool` served under `public_url`, members
/// in the order of §12.
fn openid_document(pool: &userpool::UserPool, public_url: &str) -> String {
    // The pool exists, so its id is one the registry made, not the path's
    // arbitrary bytes; likewise its domains passed the domain rules.
    let config = pool.config();
    let base = config
        .custom_domain()
        .or_else(|| config.prefix_domain())
        .map(|d| format!("{public_url}/{}", d.domain));
    let endpoint = |path: &str| base.as_ref().map(|b| json!(format!("{b}{path}")));
    let members: [(&str, Option<Value>); 12] = [
        ("authorization_endpoint", endpoint("/oauth2/authorize")),
        ("end_session_endpoint", endpoint("/logout")),
        (
            "id_token_signing_alg_values_supported",
            Some(json!(["RS256"])),
        ),
        ("issuer", Some(json!(pool.issuer()))),
        (
            "jwks_uri",
            Some(json!(format!(
                "{public_url}/{}/.well-known/jwks.json",
                pool.id()
            ))),
        ),
        ("response_types_supported", Some(json!(["code", "token"]))),
        ("revocation_endpoint", endpoint("/oauth2/revoke")),
        (
            "scopes_supported",
            Some(json!(["openid", "email", "phone", "profile"])),
        ),
        ("subject_types_supported", Some(json!(["public"]))),
        ("token_endpoint", endpoint("/oauth2/token")),
        (
            "token_endpoint_auth_methods_supported",
            Some(json!(["client_secret_basic", "client_secret_post"])),
        ),
        ("userinfo_endpoint", endpoint("/oauth2/userInfo")),
    ];
    // Written member by member: the order is §12's whatever the JSON map.
    let body: Vec<String> = members
        .into_iter()
        .filter_map(|(name, value)| value.map(|v| format!("{}:{v}", json!(name))))
        .collect();
    format!("{{{}}}", body.join(","))
}

#[derive(Deserialize)]
struct OutboxQuery {
    pool_id: Option<String>,
    username: Option<String>,
}

/// `GET /_outbox?pool_id=ID&username=NAME`: the messages one pool sent,
/// oldest first (newest last). `username` (optional) matches the internal
/// username or the destination (so an email-as-username pool can be asked
/// by email).
///
/// The codes in it take over accounts, so: never to browsers (no CORS, and
/// a request with `Origin` is refused), a `pool_id` is required, and with
/// access keys configured the request must be SigV4-signed by one of them
/// as an admin call is (service `cognito-idp`, the server's region).
async fn outbox_messages(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    query: Result<Query<OutboxQuery>, QueryRejection>,
) -> Response {
    if headers.contains_key(header::ORIGIN) {
        let message = "The outbox is not served to browsers: the request carries an Origin \
                       header.";
        return access_denied(message);
    }
    if let Some(refused) = foreign_host(&state, &headers) {
        return refused;
    }
    if let Some(verifier) = &state.verifier {
        let request = RawRequest::new(method, uri, &headers, Bytes::new());
        if let Err(refused) = request.view(|r| verifier.verify(r, SystemClock.now())) {
            return from_wire(&refused.response());
        }
    }
    let q = match query {
        Ok(Query(q)) => q,
        Err(e) => return bad_outbox_request(&e.body_text()),
    };
    let Some(pool_id) = q.pool_id.filter(|p| !p.is_empty()) else {
        return bad_outbox_request("pool_id is required: GET /_outbox?pool_id=ID[&username=NAME]");
    };
    let messages: Vec<Value> = state
        .outbox
        .messages()
        .into_iter()
        .filter(|m| m.pool_id == pool_id)
        .filter(|m| {
            q.username
                .as_deref()
                .is_none_or(|u| m.username == u || m.destination == u)
        })
        .map(|m| {
            json!({
                "pool_id": m.pool_id,
                "username": m.username,
                "destination": m.destination,
                "medium": m.medium.as_str(),
                "from": m.from,
                "subject": m.subject,
                "body": m.body,
                "code": m.code.expose_secret(),
                "sent_at": m.sent_at.unix_millis() as f64 / 1000.0,
            })
        })
        .collect();
    json_response(StatusCode::OK, json!({ "messages": messages }).to_string())
}

fn bad_outbox_request(message: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        json!({"message": message}).to_string(),
    )
}
