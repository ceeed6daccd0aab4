//! The server over real HTTP: each test starts one in-process with
//! `Server::builder()` on a free 127.0.0.1 port and talks to it with hyper's
//! HTTP/1.1 client (one connection a request), or with raw TCP where the
//! test needs to hold a request open. Hashing uses the insecure test preset.

// In a test a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The library's test fixtures: temporary files and schemas, and whether
// the PostgreSQL tests run.
#[path = "../../tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::HeaderMap;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use userpool::store::{EphemeralKey, EphemeralStore, SqliteStore};
use userpool::token::{TokenUse, TokenVerifier};
use userpool::{Clock, ErrorCode, SystemClock};
use userpool_server::{ErrorKind, Hashing, Server, ServerBuilder, Storage};

use support::PASSWORD;
use support::db::{NO_POSTGRES, TempDir, TempSchema, postgres_url};
use support::sigv4::Signer;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// A test server: in memory, cheap hashing, a free port.
fn builder() -> ServerBuilder {
    Server::builder().hashing(Hashing::InsecureTest)
}

/// One HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// The `host:port` of `server.url()`.
fn authority(server: &Server) -> &str {
    server.url().strip_prefix("http://").unwrap()
}

/// Sends one request on a fresh connection and reads the whole answer.
async fn send(
    server: &Server,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let stream = TcpStream::connect(authority(server)).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", authority(server));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    drop(sender);
    connection.await.unwrap().unwrap();
    Reply {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    }
}

async fn get(server: &Server, path: &str) -> Reply {
    send(server, Method::GET, path, &[], "").await
}

/// One Cognito API call, as the AWS SDKs send it.
async fn call(server: &Server, op: &str, input: &Value) -> Reply {
    let target = format!("{TARGET_PREFIX}{op}");
    let headers = [
        ("content-type", AMZ_JSON),
        ("x-amz-target", target.as_str()),
    ];
    send(server, Method::POST, "/", &headers, &input.to_string()).await
}

/// The output of a call that must succeed.
async fn ok(server: &Server, op: &str, input: Value) -> Value {
    let reply = call(server, op, &input).await;
    assert_eq!(reply.status, 200, "{op} failed: {}", reply.body);
    assert_eq!(reply.header("content-type"), Some(AMZ_JSON));
    assert_eq!(reply.header("x-amzn-errortype"), None);
    reply.json()
}

/// Whether a TCP connection to `authority` is refused: nothing listens.
async fn refused(authority: &str) -> bool {
    match TcpStream::connect(authority).await {
        Ok(_) => false,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => true,
        // A connection the closing listener had queued but never accepted.
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => false,
        Err(e) => panic!("connecting to {authority}: {e}"),
    }
}

/// Waits (at most 10 s) until connections to `authority` are refused.
async fn wait_refused(authority: &str) {
    for _ in 0..200 {
        if refused(authority).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{authority} still accepts connections after 10 s");
}

/// A pool with email auto-verified and a `USER_PASSWORD_AUTH` client:
/// `(pool id, client id)`.
async fn pool_and_client(server: &Server, name: &str) -> (String, String) {
    let pool = ok(
        server,
        "CreateUserPool",
        json!({"PoolName": name, "AutoVerifiedAttributes": ["email"]}),
    )
    .await;
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_owned();
    let client = ok(
        server,
        "CreateUserPoolClient",
        json!({
            "UserPoolId": pool_id,
            "ClientName": "web",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    (pool_id, client_id)
}

// ----- the main flow -----

#[tokio::test]
async fn sign_up_confirm_and_sign_in_over_http_give_a_token_the_jwks_route_verifies() {
    let server = builder().region("eu-west-1").start().await.unwrap();
    let port = server.addr().port();
    assert_ne!(port, 0);
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}"));

    let (pool_id, client_id) = pool_and_client(&server, "flow").await;
    assert!(pool_id.starts_with("eu-west-1_"), "{pool_id}");

    let signed_up = ok(
        &server,
        "SignUp",
        json!({
            "ClientId": client_id,
            "Username": "jane",
            "Password": PASSWORD,
            "UserAttributes": [{"Name": "email", "Value": "jane@example.com"}],
        }),
    )
    .await;
    assert_eq!(signed_up["UserConfirmed"], false);
    assert_eq!(
        signed_up["CodeDeliveryDetails"],
        json!({"Destination": "j***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"})
    );
    let sub = signed_up["UserSub"].as_str().unwrap().to_owned();

    // The code, as scripts read it: by pool and username.
    let outbox = get(
        &server,
        &format!("/_outbox?pool_id={pool_id}&username=jane"),
    )
    .await;
    assert_eq!(outbox.status, 200);
    assert_eq!(outbox.header("content-type"), Some("application/json"));
    let messages = outbox.json()["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    let message = &messages[0];
    assert_eq!(message["pool_id"], pool_id.as_str());
    assert_eq!(message["username"], "jane");
    assert_eq!(message["destination"], "jane@example.com");
    assert_eq!(message["medium"], "EMAIL");
    // A pool without EmailConfiguration sends from Cognito's address.
    assert_eq!(message["from"], "no-reply@verificationemail.com");
    let code = message["code"].as_str().unwrap().to_owned();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    // The handle reads the same outbox.
    let in_process = server.outbox().last_code_for("jane").unwrap();
    assert_eq!(in_process.expose_secret(), code);
    // The filters filter.
    let other = get(&server, "/_outbox?pool_id=eu-west-1_nope&username=jane").await;
    assert_eq!(other.json(), json!({"messages": []}));

    let confirmed = ok(
        &server,
        "ConfirmSignUp",
        json!({"ClientId": client_id, "Username": "jane", "ConfirmationCode": code}),
    )
    .await;
    assert_eq!(confirmed, json!({}));

    let signed_in = ok(
        &server,
        "InitiateAuth",
        json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": client_id,
            "AuthParameters": {"USERNAME": "jane", "PASSWORD": PASSWORD},
        }),
    )
    .await;
    let result = &signed_in["AuthenticationResult"];
    assert_eq!(result["TokenType"], "Bearer");
    assert_eq!(result["ExpiresIn"], 3600);
    let access = result["AccessToken"].as_str().unwrap();

    // Discovery names Cognito's issuer and this server's JWKS route.
    let issuer = format!("https://cognito-idp.eu-west-1.amazonaws.com/{pool_id}");
    let discovery = get(
        &server,
        &format!("/{pool_id}/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(discovery.status, 200);
    let discovery = discovery.json();
    assert_eq!(discovery["issuer"], issuer.as_str());
    let jwks_path = format!("/{pool_id}/.well-known/jwks.json");
    assert_eq!(
        discovery["jwks_uri"],
        format!("{}{jwks_path}", server.url()).as_str()
    );

    // The access token verifies against the JWKS document alone.
    let jwks = get(&server, &jwks_path).await;
    assert_eq!(jwks.status, 200);
    assert_eq!(jwks.header("content-type"), Some("application/json"));
    let verifier = TokenVerifier::from_jwks(&jwks.body, issuer.clone()).unwrap();
    let claims = verifier
        .verify_access(access, Some(&client_id), SystemClock.now())
        .unwrap();
    assert_eq!(claims.sub, sub);
    assert_eq!(claims.username, "jane");
    assert_eq!(claims.client_id, client_id);
    assert_eq!(claims.iss, issuer);
    assert_eq!(claims.token_use, TokenUse::Access);

    // ...and not against another pool's keys.
    let (other_pool, _) = pool_and_client(&server, "other").await;
    let other_jwks = get(&server, &format!("/{other_pool}/.well-known/jwks.json")).await;
    let stranger = TokenVerifier::from_jwks(&other_jwks.body, issuer).unwrap();
    let rejected = stranger
        .verify_access(access, Some(&client_id), SystemClock.now())
        .unwrap_err();
    assert_eq!(rejected.code(), ErrorCode::NotAuthorized);

    server.shutdown().await.unwrap();
}

// ----- the HTTP shell -----

#[tokio::test]
async fn the_outbox_shows_the_sender_of_a_developer_email_configuration() {
    let server = builder().start().await.unwrap();
    let pool = ok(
        &server,
        "CreateUserPool",
        json!({"PoolName": "ses", "AutoVerifiedAttributes": ["email"],
               "EmailConfiguration": {
                   "EmailSendingAccount": "DEVELOPER",
                   "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
                   "From": "Example <no-reply@example.com>"}}),
    )
    .await;
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_owned();
    let client = ok(
        &server,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "web"}),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"].as_str().unwrap();
    ok(
        &server,
        "SignUp",
        json!({"ClientId": client_id, "Username": "jane", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "jane@example.com"}]}),
    )
    .await;
    let outbox = get(&server, &format!("/_outbox?pool_id={pool_id}")).await;
    let messages = outbox.json()["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["from"], "Example <no-reply@example.com>");
}

#[tokio::test]
async fn an_unknown_operation_is_cognitos_error_body_with_its_headers() {
    let server = builder().start().await.unwrap();
    let reply = call(&server, "NoSuchOperation", &json!({})).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json(),
        json!({
            "__type": "UnknownOperationException",
            "message": "Unknown operation: NoSuchOperation",
        })
    );
    assert_eq!(reply.header("content-type"), Some(AMZ_JSON));
    assert_eq!(
        reply.header("x-amzn-errortype"),
        Some("UnknownOperationException:")
    );
    assert_eq!(
        reply.header("x-amzn-errormessage"),
        Some("Unknown operation: NoSuchOperation")
    );
    let request_id = reply.header("x-amzn-requestid").unwrap();
    assert_eq!(request_id.len(), 36, "{request_id}");
    // An unknown operation is no public one: no CORS.
    assert_eq!(reply.header("access-control-allow-origin"), None);
    server.shutdown().await.unwrap();
}

// ----- CORS -----

const BROWSER: &str = "http://localhost:3000";

/// The preflight a browser sends before a cross-origin `POST /` with
/// the headers `asked`.
async fn preflight(server: &Server, method: &str, asked: &str) -> Reply {
    send(
        server,
        Method::OPTIONS,
        "/",
        &[
            ("origin", BROWSER),
            ("access-control-request-method", method),
            ("access-control-request-headers", asked),
        ],
        "",
    )
    .await
}

/// One Cognito API call as a browser sends it (with `Origin`).
async fn browser_call(server: &Server, op: &str, input: &Value) -> Reply {
    let target = format!("{TARGET_PREFIX}{op}");
    let headers = [
        ("origin", BROWSER),
        ("content-type", AMZ_JSON),
        ("x-amz-target", target.as_str()),
        ("x-amz-user-agent", "aws-amplify/6.0.0 js"),
    ];
    send(server, Method::POST, "/", &headers, &input.to_string()).await
}

#[tokio::test]
async fn the_preflight_allows_what_public_operations_need_and_nothing_else() {
    let server = builder().start().await.unwrap();
    // amazon-cognito-identity-js, Amplify and the AWS SDK v3's unsigned calls.
    for asked in [
        "content-type,x-amz-target,x-amz-user-agent,cache-control",
        "Content-Type, X-Amz-Target",
        "amz-sdk-invocation-id,amz-sdk-request,content-type,x-amz-target,x-amz-user-agent",
        "",
    ] {
        let reply = preflight(&server, "POST", asked).await;
        assert_eq!(reply.status, 204, "{asked}");
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("*"),
            "{asked}"
        );
        assert_eq!(reply.header("access-control-allow-methods"), Some("POST"));
        assert_eq!(
            reply.header("access-control-allow-headers"),
            Some(
                "content-type,x-amz-target,x-amz-user-agent,cache-control,\
                 amz-sdk-invocation-id,amz-sdk-request"
            )
        );
        assert_eq!(reply.header("access-control-max-age"), Some("86400"));
    }
    // What only a signed request sends, anything unknown, another method.
    for (method, asked) in [
        ("POST", "authorization,content-type,x-amz-date,x-amz-target"),
        ("POST", "content-type,x-amz-security-token,x-amz-target"),
        ("POST", "content-type,x-amz-content-sha256"),
        ("POST", "x-evil;\""),
        ("PUT", "content-type"),
        ("GET", "content-type"),
    ] {
        let reply = preflight(&server, method, asked).await;
        assert_eq!(reply.status, 403, "{method} {asked}");
        for h in [
            "access-control-allow-origin",
            "access-control-allow-headers",
            "access-control-allow-methods",
        ] {
            assert_eq!(reply.header(h), None, "{method} {asked}: {h}");
        }
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn cors_headers_come_with_public_operations_only() {
    let server = builder().start().await.unwrap();
    let (pool_id, client_id) = pool_and_client(&server, "cors").await;

    // A public operation, answered or refused: CORS, as Cognito sends it.
    for input in [
        json!({"ClientId": client_id, "Username": "jane", "Password": PASSWORD}),
        json!({"ClientId": "nosuchclient", "Username": "jane", "Password": PASSWORD}),
    ] {
        let reply = browser_call(&server, "SignUp", &input).await;
        assert_eq!(
            reply.header("access-control-allow-origin"),
            Some("*"),
            "{}",
            reply.body
        );
        assert_eq!(
            reply.header("access-control-expose-headers"),
            Some("x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date")
        );
    }
    // A signed operation from a non-browser client: answered, no CORS.
    let reply = call(&server, "ListUserPools", &json!({"MaxResults": 10})).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), None);
    assert_eq!(reply.header("access-control-expose-headers"), None);

    // A signed operation from a browser is not run at all: its answer
    // could not be read, and without --credentials any page could send it.
    let reply = browser_call(
        &server,
        "AdminDeleteUser",
        &json!({"UserPoolId": pool_id, "Username": "jane"}),
    )
    .await;
    assert_eq!(
        refusal(&reply),
        (
            403,
            "AccessDeniedException".to_owned(),
            "Signed operations are not served to browsers: the request carries an Origin header."
                .to_owned()
        )
    );
    assert_eq!(reply.header("access-control-allow-origin"), None);
    let user = ok(
        &server,
        "AdminGetUser",
        json!({"UserPoolId": pool_id, "Username": "jane"}),
    )
    .await;
    assert_eq!(user["Username"], "jane", "the refused call deleted nothing");

    // The keys are public documents; the outbox, the health check and
    // unknown routes are not for browsers.
    let jwks = get(&server, &format!("/{pool_id}/.well-known/jwks.json")).await;
    assert_eq!(jwks.header("access-control-allow-origin"), Some("*"));
    let discovery = get(
        &server,
        &format!("/{pool_id}/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(discovery.header("access-control-allow-origin"), Some("*"));
    for path in [
        format!("/_outbox?pool_id={pool_id}"),
        "/_health".to_owned(),
        "/no/such/route".to_owned(),
    ] {
        let reply = get(&server, &path).await;
        assert_eq!(reply.header("access-control-allow-origin"), None, "{path}");
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_routes_and_pools_are_json_404s() {
    let server = builder().start().await.unwrap();
    let reply = get(&server, "/No_such/route").await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.json(), json!({"message": "Not Found"}));
    // A first segment that could be a domain, which no pool has: an empty
    // 404 (cognito-oauth.md §1.6).
    let reply = get(&server, "/no/such/route").await;
    assert_eq!((reply.status, reply.body.as_str()), (404, ""));

    for path in [
        "/us-east-1_nope/.well-known/jwks.json",
        "/us-east-1_nope/.well-known/openid-configuration",
    ] {
        let reply = get(&server, path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(
            reply.json(),
            json!({"message": "User pool us-east-1_nope not found."}),
            "{path}"
        );
    }

    let health = get(&server, "/_health").await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    server.shutdown().await.unwrap();
}

// ----- SigV4 -----

const ACCESS_KEY_ID: &str = "AKIDUSERPOOLTEST";
const SECRET: &str = "userpool/test+SECRET";

/// Signs as the key the SigV4 tests configure, for us-east-1.
const SIGNER: Signer<'static> = Signer {
    access_key_id: ACCESS_KEY_ID,
    secret: SECRET,
    region: "us-east-1",
    service: "cognito-idp",
};

fn now_seconds() -> i64 {
    SystemClock.now().unix_seconds()
}

/// One Cognito API call signed by `signer` at `at` (Unix seconds), as
/// botocore signs it: every header it sends is signed.
async fn signed_call(
    server: &Server,
    signer: &Signer<'_>,
    op: &str,
    input: &Value,
    at: i64,
) -> Reply {
    let target = format!("{TARGET_PREFIX}{op}");
    let body = input.to_string();
    let mut headers = vec![
        ("host".to_owned(), authority(server).to_owned()),
        ("content-type".to_owned(), AMZ_JSON.to_owned()),
        ("x-amz-target".to_owned(), target),
    ];
    signer.sign("POST", "/", "", &mut headers, body.as_bytes(), at);
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(n, _)| n != "host")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    send(server, Method::POST, "/", &headers, &body).await
}

/// `(status, __type, message)` of an error answer, checking the headers
/// carry the same type.
fn refusal(reply: &Reply) -> (u16, String, String) {
    let body = reply.json();
    let kind = body["__type"].as_str().unwrap().to_owned();
    assert_eq!(
        reply.header("x-amzn-errortype"),
        Some(format!("{kind}:").as_str())
    );
    (
        reply.status,
        kind,
        body["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn with_credentials_admin_calls_need_a_valid_signature_and_public_ones_do_not() {
    let server = builder()
        .access_key("AKIDOTHER", "other-secret")
        .access_key(ACCESS_KEY_ID, SECRET)
        .start()
        .await
        .unwrap();
    let create = json!({"PoolName": "signed"});

    let unsigned = call(&server, "CreateUserPool", &create).await;
    assert_eq!(
        refusal(&unsigned),
        (
            400,
            "MissingAuthenticationTokenException".to_owned(),
            "Missing Authentication Token".to_owned()
        )
    );
    let stranger = Signer {
        access_key_id: "AKIDSTRANGER",
        ..SIGNER
    };
    let reply = signed_call(&server, &stranger, "CreateUserPool", &create, now_seconds()).await;
    assert_eq!(
        refusal(&reply),
        (
            400,
            "UnrecognizedClientException".to_owned(),
            "The security token included in the request is invalid.".to_owned()
        )
    );
    let wrong_secret = Signer {
        secret: "not-the-secret",
        ..SIGNER
    };
    let reply = signed_call(
        &server,
        &wrong_secret,
        "CreateUserPool",
        &create,
        now_seconds(),
    )
    .await;
    assert_eq!(
        refusal(&reply),
        (
            400,
            "InvalidSignatureException".to_owned(),
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details."
                .to_owned()
        )
    );
    let stale = signed_call(
        &server,
        &SIGNER,
        "CreateUserPool",
        &create,
        now_seconds() - 600,
    )
    .await;
    let (status, kind, message) = refusal(&stale);
    assert_eq!((status, kind.as_str()), (400, "InvalidSignatureException"));
    assert!(message.starts_with("Signature expired: "), "{message}");
    assert!(message.ends_with(" - 5 min.)"), "{message}");
    let other_region = Signer {
        region: "eu-west-1",
        ..SIGNER
    };
    let reply = signed_call(
        &server,
        &other_region,
        "CreateUserPool",
        &create,
        now_seconds(),
    )
    .await;
    assert_eq!(refusal(&reply).1, "InvalidSignatureException");
    // Nothing refused ran.
    let listed = signed_call(
        &server,
        &SIGNER,
        "ListUserPools",
        &json!({"MaxResults": 10}),
        now_seconds(),
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.json(), json!({"UserPools": []}));

    // The right key: the call runs.
    let created = signed_call(&server, &SIGNER, "CreateUserPool", &create, now_seconds()).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let pool_id = created.json()["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = signed_call(
        &server,
        &SIGNER,
        "CreateUserPoolClient",
        &json!({"UserPoolId": pool_id, "ClientName": "web"}),
        now_seconds(),
    )
    .await;
    assert_eq!(client.status, 200, "{}", client.body);
    let client_id = client.json()["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();

    // Public operations need no signature.
    ok(
        &server,
        "SignUp",
        json!({"ClientId": client_id, "Username": "jane", "Password": PASSWORD}),
    )
    .await;
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_malformed_access_key_does_not_start_a_server() {
    for (id, secret) in [
        ("AK-ID", "secret"),
        ("", "secret"),
        ("AKID", ""),
        ("AKID", "two words"),
    ] {
        let refused = builder().access_key(id, secret).start().await.unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::Credentials, "{id}");
        assert!(!refused.message().contains("words"), "{refused}");
    }
}

// ----- stopping -----

/// Shutdown stops accepting at once, answers the request already in flight,
/// then returns; the port is closed.
#[tokio::test]
async fn shutdown_finishes_the_request_in_flight_and_closes_the_port() {
    let server = builder().start().await.unwrap();
    let authority = authority(&server).to_owned();

    // A request whose body is held back: `100 Continue` proves the server
    // has read its head and is waiting for the body.
    let body = br#"{"MaxResults": 10}"#;
    let mut held = TcpStream::connect(&authority).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {authority}\r\ncontent-type: {AMZ_JSON}\r\n\
         x-amz-target: {TARGET_PREFIX}ListUserPools\r\ncontent-length: {}\r\n\
         expect: 100-continue\r\n\r\n",
        body.len()
    );
    held.write_all(head.as_bytes()).await.unwrap();
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        let mut byte = [0];
        assert_eq!(held.read(&mut byte).await.unwrap(), 1, "closed early");
        interim.push(byte[0]);
    }
    assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");

    let stopping = tokio::spawn(server.shutdown());
    wait_refused(&authority).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        !stopping.is_finished(),
        "shutdown returned with a request in flight"
    );

    held.write_all(body).await.unwrap();
    let mut answer = String::new();
    held.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n{\"UserPools\":[]}"), "{answer}");

    tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .expect("shutdown returns once the request is answered")
        .unwrap()
        .unwrap();
    assert!(refused(&authority).await);
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = builder().start().await.unwrap();
    let authority = authority(&server).to_owned();
    assert_eq!(get(&server, "/_health").await.status, 200);
    assert!(!refused(&authority).await);
    drop(server);
    wait_refused(&authority).await;
}

// ----- storage -----

/// Writes a master key file: 64 hexadecimal digits of `digit`.
fn key_file(dir: &Path, name: &str, digit: char) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, format!("{}\n", String::from(digit).repeat(64))).unwrap();
    file
}

/// The pool ids `ListUserPools` returns.
async fn pool_ids(server: &Server) -> BTreeSet<String> {
    ok(server, "ListUserPools", json!({"MaxResults": 60})).await["UserPools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_sqlite_data_dir_keeps_pools_across_restarts_under_the_same_master_key() {
    let tmp = TempDir::new("sqlite");
    let data = tmp.path().join("data");
    let sqlite = || builder().storage(Storage::SqliteDir(data.clone()));

    // No key given: one is created in DIR/master.key, owner-only.
    let server = sqlite().start().await.unwrap();
    let (pool_id, _) = pool_and_client(&server, "kept").await;
    server.shutdown().await.unwrap();
    let created = data.join("master.key");
    let key = std::fs::read_to_string(&created).unwrap();
    assert_eq!(key.len(), 64, "{key}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&created).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(data.join("userpool.sqlite3").is_file());

    // Started again, the same key (read back from the file) opens the pool.
    let server = sqlite().start().await.unwrap();
    assert_eq!(pool_ids(&server).await, BTreeSet::from([pool_id.clone()]));
    server.shutdown().await.unwrap();

    // A given key file replaces DIR/master.key: this one opens nothing.
    let wrong = key_file(tmp.path(), "wrong.key", '7');
    let refused = sqlite().master_key_file(&wrong).start().await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::LoadPools, "{refused}");
    assert!(
        refused
            .message()
            .starts_with("cannot load the stored pools: "),
        "{refused}"
    );

    // A file that is not a key is refused before anything is opened.
    let bad = tmp.path().join("bad.key");
    std::fs::write(&bad, "not a key").unwrap();
    let refused = sqlite().master_key_file(&bad).start().await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::MasterKey);
    assert_eq!(
        refused.message(),
        format!(
            "master key from {}: A master key is 64 hexadecimal digits (32 bytes).",
            bad.display()
        )
    );

    // The right key given explicitly works as well as the file beside the data.
    let copy = tmp.path().join("copy.key");
    std::fs::write(&copy, &key).unwrap();
    let server = sqlite().master_key_file(&copy).start().await.unwrap();
    assert_eq!(pool_ids(&server).await, BTreeSet::from([pool_id]));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_unreachable_postgres_is_a_storage_error() {
    let refused = builder()
        .storage(Storage::Postgres(
            "postgres://nobody@127.0.0.1:1/none".to_owned(),
        ))
        .start()
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Storage, "{refused}");
    assert!(refused.message().starts_with("PostgreSQL: "), "{refused}");
}

#[test]
fn postgres_storage_keeps_pools_across_restarts_and_closes_off_the_async_threads() {
    let Some(url) = postgres_url() else {
        eprintln!("skipped: {NO_POSTGRES}");
        return;
    };
    let schema = TempSchema::create(&url, "restart");
    let tmp = TempDir::new("postgres");
    let key = key_file(tmp.path(), "master.key", 'a');
    let postgres = || {
        builder()
            .storage(Storage::Postgres(schema.url()))
            .master_key_file(&key)
    };
    // A current-thread runtime, as `#[tokio::test]` has: the store must be
    // opened and closed off its only thread.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let refused = runtime
        .block_on(builder().storage(Storage::Postgres(schema.url())).start())
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::MissingMasterKey, "{refused}");

    let pool_id = runtime.block_on(async {
        let server = postgres().start().await.unwrap();
        let (pool_id, _) = pool_and_client(&server, "shared").await;
        server.shutdown().await.unwrap();
        pool_id
    });
    runtime.block_on(async {
        let server = postgres().start().await.unwrap();
        assert_eq!(pool_ids(&server).await, BTreeSet::from([pool_id]));
        // Dropped, not shut down, on the runtime's thread.
        let authority = authority(&server).to_owned();
        drop(server);
        wait_refused(&authority).await;
    });
    drop(runtime);
    drop(schema);
}

// ----- hostile clients -----

/// Reads from `stream` until the server closes it (or resets it), and
/// returns what it sent.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// A connection that sent the start of a request head and stalls.
async fn half_sent_head(authority: &str) -> TcpStream {
    let mut stream = TcpStream::connect(authority).await.unwrap();
    stream
        .write_all(format!("POST / HTTP/1.1\r\nhost: {authority}\r\ncontent-ty").as_bytes())
        .await
        .unwrap();
    stream
}

/// A connection that sent a whole head and half the body, and stalls.
async fn half_sent_body(authority: &str) -> TcpStream {
    let mut stream = TcpStream::connect(authority).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {authority}\r\ncontent-type: {AMZ_JSON}\r\n\
         x-amz-target: {TARGET_PREFIX}ListUserPools\r\ncontent-length: 40\r\n\r\n{{\"MaxRes"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// With the default timeouts, a request whose head or body stops halfway
/// is closed within 10 s; the body's is first answered 408 in AWS's error
/// format.
#[tokio::test]
async fn a_half_sent_request_is_closed_within_10_seconds() {
    let server = builder().start().await.unwrap();
    let authority = authority(&server).to_owned();
    let started = std::time::Instant::now();
    let mut head = half_sent_head(&authority).await;
    let mut body = half_sent_body(&authority).await;
    let limit = Duration::from_secs(10);
    let (head_answer, body_answer) = tokio::time::timeout(limit, async {
        tokio::join!(read_until_closed(&mut head), read_until_closed(&mut body))
    })
    .await
    .expect("a half-sent request was still open after 10 s");
    assert!(started.elapsed() < limit);
    assert!(
        head_answer.is_empty() || head_answer.starts_with("HTTP/1.1 408"),
        "{head_answer}"
    );
    assert!(
        body_answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{body_answer}"
    );
    let lower = body_answer.to_ascii_lowercase();
    assert!(
        lower.contains("x-amzn-errortype: requesttimeoutexception:"),
        "{body_answer}"
    );
    assert!(lower.contains("connection: close"), "{body_answer}");
    // The server still serves.
    assert_eq!(get(&server, "/_health").await.status, 200);
    server.shutdown().await.unwrap();
}

/// Shutdown answers what is in flight but does not wait on stalled
/// requests beyond its grace.
#[tokio::test]
async fn shutdown_does_not_wait_on_stalled_requests() {
    let server = builder().start().await.unwrap();
    let authority = authority(&server).to_owned();
    let _head = half_sent_head(&authority).await;
    let _body = half_sent_body(&authority).await;
    let _idle = TcpStream::connect(&authority).await.unwrap();
    // Let the server accept them.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("shutdown waited on stalled connections")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(refused(&authority).await);
}

/// The binary: SIGTERM stops it within 5 s while a request is stalled.
#[cfg(unix)]
#[tokio::test]
async fn sigterm_stops_the_binary_within_5_seconds_with_a_stalled_request_open() {
    use std::process::Stdio;
    use tokio::io::AsyncBufReadExt;

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_userpool-server"))
        .args(["--port", "0", "--hashing", "test"])
        .env_remove("USERPOOL_CREDENTIALS")
        .env_remove("USERPOOL_MASTER_KEY")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("{first}"));
    let authority = url.strip_prefix("http://").unwrap().to_owned();
    let _stalled = half_sent_head(&authority).await;
    let _body = half_sent_body(&authority).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().unwrap().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect("the server was still running 5 s after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let mut rest = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push(line);
    }
    assert_eq!(
        rest.last().map(String::as_str),
        Some("userpool-server stopped")
    );
}

/// 300 slow clients (half a request head each) do not keep a normal
/// request waiting: it is answered in under a second.
#[tokio::test]
async fn three_hundred_slow_connections_do_not_starve_a_normal_request() {
    let server = builder().start().await.unwrap();
    let authority = authority(&server).to_owned();
    let mut slow = Vec::new();
    for _ in 0..300 {
        slow.push(half_sent_head(&authority).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    let reply = tokio::time::timeout(
        Duration::from_secs(1),
        call(&server, "ListUserPools", &json!({"MaxResults": 10})),
    )
    .await
    .expect("not answered within a second");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(started.elapsed() < Duration::from_secs(1));
    drop(slow);
    server.shutdown().await.unwrap();
}

/// Past the connection cap, a new connection waits until one closes.
#[tokio::test]
async fn connections_beyond_the_cap_wait_for_one_to_close() {
    let server = builder().max_connections(2).start().await.unwrap();
    let authority = authority(&server).to_owned();
    let first = half_sent_head(&authority).await;
    let _second = half_sent_head(&authority).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let waiting = tokio::spawn({
        let authority = authority.clone();
        async move {
            let mut stream = TcpStream::connect(&authority).await.unwrap();
            let request = format!("GET /_health HTTP/1.1\r\nhost: {authority}\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut answer = [0; 12];
            stream.read_exact(&mut answer).await.unwrap();
            answer
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "served beyond the cap");
    drop(first);
    let answer = tokio::time::timeout(Duration::from_secs(2), waiting)
        .await
        .expect("not served once a connection closed")
        .unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    server.shutdown().await.unwrap();
}

/// A body over the limit is an AWS-style JSON error, not plain text.
#[tokio::test]
async fn a_body_over_the_limit_is_an_aws_json_error() {
    let server = builder().start().await.unwrap();
    let big = format!(
        "{{\"MaxResults\": 10, \"x\": \"{}\"}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let target = format!("{TARGET_PREFIX}ListUserPools");
    let headers = [
        ("content-type", AMZ_JSON),
        ("x-amz-target", target.as_str()),
    ];
    let reply = send(&server, Method::POST, "/", &headers, &big).await;
    assert_eq!(
        refusal(&reply),
        (
            413,
            "RequestEntityTooLargeException".to_owned(),
            "Request must be smaller than 2097152 bytes.".to_owned()
        )
    );
    assert_eq!(reply.header("content-type"), Some(AMZ_JSON));
    // A body just under it is read (and refused by the model, not the
    // limit).
    let fits = format!("{{\"MaxResults\": 10, \"x\": \"{}\"}}", "a".repeat(1024));
    let reply = send(&server, Method::POST, "/", &headers, &fits).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_ne!(refusal(&reply).1, "RequestEntityTooLargeException");
    server.shutdown().await.unwrap();
}

// ----- what the documents name -----

/// The OpenID document names the public URL, never the request's Host.
#[tokio::test]
async fn the_openid_document_never_reflects_the_host_header() {
    for (public_url, expected_base) in [
        (None, None),
        (
            Some("https://cognito.test.example/"),
            Some("https://cognito.test.example"),
        ),
    ] {
        let mut b = builder();
        if let Some(url) = public_url {
            b = b.public_url(url);
        }
        let server = b.start().await.unwrap();
        let (pool_id, _) = pool_and_client(&server, "oidc").await;
        let base = expected_base.map_or_else(|| server.url().to_owned(), str::to_owned);
        let path = format!("/{pool_id}/.well-known/openid-configuration");
        for host in ["evil.example", "127.0.0.1:1", "attacker.example:443"] {
            let reply = send(&server, Method::GET, &path, &[("host", host)], "").await;
            assert_eq!(reply.status, 200);
            assert!(!reply.body.contains("evil"), "{}", reply.body);
            assert!(!reply.body.contains("attacker"), "{}", reply.body);
            let doc = reply.json();
            assert_eq!(
                doc["jwks_uri"],
                format!("{base}/{pool_id}/.well-known/jwks.json").as_str()
            );
            // No domain: no OAuth endpoints (cognito-oauth.md §12).
            assert!(doc.get("token_endpoint").is_none(), "{doc}");
        }
        server.shutdown().await.unwrap();
    }
    for bad in [
        "ftp://x",
        "cognito.example",
        "http://",
        "http://x/?a=b",
        "http://a b",
    ] {
        let refused = builder().public_url(bad).start().await.unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::PublicUrl, "{bad}");
    }
}

// ----- the outbox -----

/// A `GET /_outbox?{query}` signed by `signer`.
async fn signed_get(server: &Server, signer: &Signer<'_>, path: &str, query: &str) -> Reply {
    let mut headers = vec![("host".to_owned(), authority(server).to_owned())];
    signer.sign("GET", path, query, &mut headers, b"", now_seconds());
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(n, _)| n != "host")
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    send(
        server,
        Method::GET,
        &format!("{path}?{query}"),
        &headers,
        "",
    )
    .await
}

#[tokio::test]
async fn the_outbox_needs_a_pool_id_and_is_never_served_to_browsers() {
    let server = builder().start().await.unwrap();
    let (pool_id, client_id) = pool_and_client(&server, "outbox").await;
    ok(
        &server,
        "SignUp",
        json!({"ClientId": client_id, "Username": "jane", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "jane@example.com"}]}),
    )
    .await;
    for path in ["/_outbox", "/_outbox?username=jane", "/_outbox?pool_id="] {
        let reply = get(&server, path).await;
        assert_eq!(reply.status, 400, "{path}");
        assert!(
            reply.json()["message"]
                .as_str()
                .unwrap()
                .starts_with("pool_id is required"),
            "{}",
            reply.body
        );
    }
    let path = format!("/_outbox?pool_id={pool_id}");
    let reply = get(&server, &path).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["messages"].as_array().unwrap().len(), 1);
    assert_eq!(reply.header("access-control-allow-origin"), None);
    let reply = send(&server, Method::GET, &path, &[("origin", BROWSER)], "").await;
    assert_eq!(refusal(&reply).0, 403);
    assert!(!reply.body.contains("jane"), "{}", reply.body);
    assert_eq!(reply.header("access-control-allow-origin"), None);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_credentials_the_outbox_needs_a_valid_signature() {
    let server = builder()
        .access_key(ACCESS_KEY_ID, SECRET)
        .start()
        .await
        .unwrap();
    let query = "pool_id=us-east-1_nope&username=jane";
    let unsigned = get(&server, &format!("/_outbox?{query}")).await;
    assert_eq!(refusal(&unsigned).1, "MissingAuthenticationTokenException");
    let wrong = Signer {
        secret: "not-the-secret",
        ..SIGNER
    };
    let reply = signed_get(&server, &wrong, "/_outbox", query).await;
    assert_eq!(refusal(&reply).1, "InvalidSignatureException");
    let reply = signed_get(&server, &SIGNER, "/_outbox", query).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json(), json!({"messages": []}));
    server.shutdown().await.unwrap();
}

/// The issue's first "done": with credentials, an unsigned
/// AdminSetUserPassword changes nothing.
#[tokio::test]
async fn with_credentials_an_unsigned_admin_set_user_password_leaves_the_password() {
    let server = builder()
        .access_key(ACCESS_KEY_ID, SECRET)
        .start()
        .await
        .unwrap();
    let signed_ok = |op: &'static str, input: Value| {
        let server = &server;
        async move {
            let reply = signed_call(server, &SIGNER, op, &input, now_seconds()).await;
            assert_eq!(reply.status, 200, "{op}: {}", reply.body);
            reply.json()
        }
    };
    let pool = signed_ok("CreateUserPool", json!({"PoolName": "victims"})).await;
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_owned();
    let client = signed_ok(
        "CreateUserPoolClient",
        json!({"UserPoolId": pool_id, "ClientName": "web",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )
    .await;
    let client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    signed_ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool_id, "Username": "victim", "MessageAction": "SUPPRESS"}),
    )
    .await;
    signed_ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool_id, "Username": "victim", "Password": PASSWORD,
               "Permanent": true}),
    )
    .await;

    let attack = json!({"UserPoolId": pool_id, "Username": "victim",
                        "Password": "Attacker-chosen-1", "Permanent": true});
    let reply = call(&server, "AdminSetUserPassword", &attack).await;
    assert_eq!(refusal(&reply).1, "MissingAuthenticationTokenException");
    // A browser page cannot send it either.
    let reply = browser_call(&server, "AdminSetUserPassword", &attack).await;
    assert_eq!(refusal(&reply).0, 403);

    let sign_in = |password: &str| {
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client_id,
               "AuthParameters": {"USERNAME": "victim", "PASSWORD": password}})
    };
    let reply = call(&server, "InitiateAuth", &sign_in("Attacker-chosen-1")).await;
    assert_eq!(refusal(&reply).1, "NotAuthorizedException");
    let signed_in = ok(&server, "InitiateAuth", sign_in(PASSWORD)).await;
    assert!(signed_in["AuthenticationResult"]["AccessToken"].is_string());
    server.shutdown().await.unwrap();
}

/// An expired ephemeral record, written straight into the server's SQLite
/// file as another process sharing it would, and whether it is still there.
fn plant_expired(path: &Path, pool_id: &str) -> EphemeralKey {
    let store = SqliteStore::open(path).unwrap();
    let key = EphemeralKey::UnknownSignIn { digest: [7; 32] };
    let long_ago = userpool::Timestamp::from_unix_seconds(1_000_000_000);
    assert!(
        store
            .put_ephemeral(pool_id, &key, b"state", long_ago, 0)
            .unwrap()
    );
    key
}

fn still_stored(path: &Path, pool_id: &str, key: &EphemeralKey) -> bool {
    SqliteStore::open(path)
        .unwrap()
        .get_ephemeral(pool_id, key)
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn the_server_sweeps_expired_records_on_its_interval_and_never_with_zero() {
    let tmp = TempDir::new("sweep");
    let data = tmp.path().join("data");
    let file = data.join("userpool.sqlite3");
    let sqlite = |every: Duration| {
        builder()
            .storage(Storage::SqliteDir(data.clone()))
            .sweep_interval(every)
    };

    // Never: the expired record outlives several would-be intervals.
    let server = sqlite(Duration::ZERO).start().await.unwrap();
    let (pool_id, _) = pool_and_client(&server, "swept").await;
    let key = plant_expired(&file, &pool_id);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(still_stored(&file, &pool_id, &key));
    server.shutdown().await.unwrap();

    // Every 100 ms: gone within a few seconds, while requests are served.
    let server = sqlite(Duration::from_millis(100)).start().await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while still_stored(&file, &pool_id, &key) {
        assert!(
            std::time::Instant::now() < deadline,
            "the expired record was never swept"
        );
        assert_eq!(get(&server, "/_health").await.status, 200);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.shutdown().await.unwrap();
}

/// One request written byte for byte (a single `Host` of our choosing),
/// answered on a connection the server then closes.
async fn raw_request(server: &Server, head: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(authority(server)).await.unwrap();
    let request = format!(
        "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    read_until_closed(&mut stream).await
}

/// DNS rebinding: a page whose own name now resolves to 127.0.0.1 is
/// same-origin with the server and sends no `Origin` on a `GET`; its
/// requests still name its host. The outbox and signed operations answer
/// only under the server's own names.
#[tokio::test]
async fn the_outbox_and_admin_calls_answer_only_under_the_servers_own_host_names() {
    let server = builder()
        .public_url("https://cognito.test.example")
        .start()
        .await
        .unwrap();
    let (pool_id, _) = pool_and_client(&server, "rebind").await;
    let port = server.addr().port();
    let outbox = |host: &str| format!("GET /_outbox?pool_id={pool_id} HTTP/1.1\r\nHost: {host}");
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_owned(),
        format!("127.0.0.2:{port}"),
    ] {
        let answer = raw_request(&server, &outbox(&host), "").await;
        assert!(answer.starts_with("HTTP/1.1 403"), "{host}: {answer}");
        assert!(answer.contains("AccessDeniedException"), "{host}: {answer}");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("LOCALHOST:{port}"),
        "cognito.test.example".to_owned(),
    ] {
        let answer = raw_request(&server, &outbox(&host), "").await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer}");
    }
    let admin = |host: &str| {
        format!(
            "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: {AMZ_JSON}\r\n\
             X-Amz-Target: {TARGET_PREFIX}DeleteUserPool"
        )
    };
    let body = json!({ "UserPoolId": pool_id }).to_string();
    let answer = raw_request(&server, &admin(&format!("evil.example:{port}")), &body).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    // Public operations are for anyone, under any name.
    let public = format!(
        "POST / HTTP/1.1\r\nHost: evil.example:{port}\r\nContent-Type: {AMZ_JSON}\r\n\
         X-Amz-Target: {TARGET_PREFIX}SignUp"
    );
    let answer = raw_request(&server, &public, "{}").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(!answer.contains("AccessDenied"), "{answer}");
    // The pool is still there.
    let answer = raw_request(&server, &admin(&format!("127.0.0.1:{port}")), &body).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    server.shutdown().await.unwrap();
}
