//! User pool domains over real HTTP (cognito-oauth.md §1.6): which
//! requests the server hands to a domain's endpoints, in path mode
//! (`/<domain>/…`) and Host mode (`Host: <prefix>.auth.<region>.amazoncognito.com`
//! or a custom domain), and that every other route keeps working.
//!
//! A request that reached a domain is answered by `userpool::oauth::handle`
//! and carries `x-amz-cognito-request-id`; the server's own 404s do not.

// In a test a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::HeaderMap;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use userpool::config::{DomainKind, PoolConfig, PoolDomain};
use userpool_server::{Hashing, Server};

struct Reply {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn reached_a_domain(&self) -> bool {
        self.headers.contains_key("x-amz-cognito-request-id")
    }
}

/// Sends one request with `host` as its `Host` on a fresh connection.
async fn send(server: &Server, method: Method, path: &str, host: &str) -> Reply {
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", host)
        .body(Full::new(Bytes::new()))
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

/// A server with one pool that has the prefix domain `shop` and the custom
/// domain `auth.example.com`; the pool's id.
async fn server_with_domains() -> (Server, String) {
    let server = Server::builder()
        .hashing(Hashing::InsecureTest)
        .start()
        .await
        .unwrap();
    let registry = server.registry();
    let pool = registry
        .create_pool(PoolConfig::builder("web").build().unwrap())
        .unwrap();
    let id = pool.id().to_owned();
    registry
        .create_user_pool_domain(&id, PoolDomain::new("shop", DomainKind::Prefix, 1))
        .unwrap();
    let custom = DomainKind::Custom {
        certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/abc".into(),
        security_policy: None,
    };
    registry
        .create_user_pool_domain(&id, PoolDomain::new("auth.example.com", custom, 1))
        .unwrap();
    (server, id)
}

#[tokio::test]
async fn path_mode_reaches_registered_domains_only() {
    let (server, pool_id) = server_with_domains().await;
    let own = server.addr().to_string();
    for path in [
        "/shop/oauth2/token",
        "/shop/login?client_id=x",
        "/shop",
        "/auth.example.com/oauth2/authorize",
    ] {
        let reply = send(&server, Method::GET, path, &own).await;
        assert!(reply.reached_a_domain(), "{path}");
        assert!(!reply.headers.contains_key("strict-transport-security"));
    }
    // The endpoints answer: the token endpoint takes POST only (§7.1), a
    // path no endpoint has is handle's empty 404.
    let token = send(&server, Method::GET, "/shop/oauth2/token", &own).await;
    assert_eq!(token.status, 405);
    let none = send(&server, Method::GET, "/shop", &own).await;
    assert_eq!((none.status, none.body.as_str()), (404, ""));
    let reply = send(&server, Method::POST, "/shop/oauth2/token", &own).await;
    assert!(reply.reached_a_domain());

    // An unregistered name: the server's own empty 404.
    for path in ["/other/oauth2/token", "/shopping/login"] {
        let reply = send(&server, Method::GET, path, &own).await;
        assert!(!reply.reached_a_domain(), "{path}");
        assert_eq!((reply.status, reply.body.as_str()), (404, ""), "{path}");
    }
    // A registered name in another case is no domain name at all.
    let reply = send(&server, Method::GET, "/Shop/oauth2/token", &own).await;
    assert!(!reply.reached_a_domain());
    assert_eq!(reply.body, r#"{"message":"Not Found"}"#);
    // The server's own routes are untouched.
    let jwks = send(
        &server,
        Method::GET,
        &format!("/{pool_id}/.well-known/jwks.json"),
        &own,
    )
    .await;
    assert_eq!(jwks.status, 200);
    assert!(!jwks.reached_a_domain());
    let health = send(&server, Method::GET, "/_health", &own).await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    let json_404 = send(&server, Method::GET, "/No_such/route", &own).await;
    assert_eq!(json_404.status, 404);
    assert_eq!(json_404.body, r#"{"message":"Not Found"}"#);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn host_mode_sends_the_whole_request_to_the_domain() {
    let (server, _) = server_with_domains().await;
    for host in [
        "shop.auth.us-east-1.amazoncognito.com",
        "SHOP.auth.us-east-1.amazoncognito.com:9229",
        "auth.example.com",
        "Auth.Example.com:8443",
    ] {
        // Every path, the server's own included, belongs to the domain.
        for path in ["/oauth2/token", "/", "/_health"] {
            let reply = send(&server, Method::GET, path, host).await;
            assert!(reply.reached_a_domain(), "{host}{path}");
            let expected = if path == "/oauth2/token" { 405 } else { 404 };
            assert_eq!(reply.status, expected, "{host}{path}");
        }
    }
    // An amazoncognito.com name no pool has: an empty 404, nothing served.
    for host in [
        "other.auth.us-east-1.amazoncognito.com",
        "shop.auth.eu-west-1.amazoncognito.com",
    ] {
        let reply = send(&server, Method::GET, "/_health", host).await;
        assert!(!reply.reached_a_domain(), "{host}");
        assert_eq!((reply.status, reply.body.as_str()), (404, ""), "{host}");
    }
    // Any other host name is not a domain: the server's own routes answer.
    let reply = send(&server, Method::GET, "/_health", "elsewhere.example").await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_deleted_domain_is_no_longer_routed() {
    let (server, pool_id) = server_with_domains().await;
    let own = server.addr().to_string();
    assert!(
        send(&server, Method::GET, "/shop/login", &own)
            .await
            .reached_a_domain()
    );
    server
        .registry()
        .delete_user_pool_domain(&pool_id, "shop")
        .unwrap();
    let reply = send(&server, Method::GET, "/shop/login", &own).await;
    assert!(!reply.reached_a_domain());
    assert_eq!(reply.status, 404);
    let reply = send(
        &server,
        Method::GET,
        "/login",
        "shop.auth.us-east-1.amazoncognito.com",
    )
    .await;
    assert!(!reply.reached_a_domain());
    assert_eq!(reply.status, 404);
    server.shutdown().await.unwrap();
}

/// The discovery document of `pool_id`, as served: the raw body.
async fn discovery(server: &Server, pool_id: &str) -> String {
    let own = server.addr().to_string();
    let path = format!("/{pool_id}/.well-known/openid-configuration");
    let reply = send(server, Method::GET, &path, &own).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

#[tokio::test]
async fn discovery_lists_the_domain_endpoints_in_cognitos_order() {
    let server = Server::builder()
        .hashing(Hashing::InsecureTest)
        .start()
        .await
        .unwrap();
    let url = server.url().to_owned();
    let registry = server.registry();
    let id = registry
        .create_pool(PoolConfig::builder("web").build().unwrap())
        .unwrap()
        .id()
        .to_owned();
    let issuer = format!("https://cognito-idp.us-east-1.amazonaws.com/{id}");
    let common = |base: Option<&str>| {
        let endpoint = |path: &str| base.map(|b| format!("{b}{path}"));
        let mut members = Vec::new();
        let mut add = |name: &str, value: String| members.push(format!("\"{name}\":{value}"));
        let quoted = |s: String| format!("\"{s}\"");
        if let Some(e) = endpoint("/oauth2/authorize") {
            add("authorization_endpoint", quoted(e));
        }
        if let Some(e) = endpoint("/logout") {
            add("end_session_endpoint", quoted(e));
        }
        add(
            "id_token_signing_alg_values_supported",
            r#"["RS256"]"#.into(),
        );
        add("issuer", quoted(issuer.clone()));
        add(
            "jwks_uri",
            quoted(format!("{url}/{id}/.well-known/jwks.json")),
        );
        add("response_types_supported", r#"["code","token"]"#.into());
        if let Some(e) = endpoint("/oauth2/revoke") {
            add("revocation_endpoint", quoted(e));
        }
        add(
            "scopes_supported",
            r#"["openid","email","phone","profile"]"#.into(),
        );
        add("subject_types_supported", r#"["public"]"#.into());
        if let Some(e) = endpoint("/oauth2/token") {
            add("token_endpoint", quoted(e));
        }
        add(
            "token_endpoint_auth_methods_supported",
            r#"["client_secret_basic","client_secret_post"]"#.into(),
        );
        if let Some(e) = endpoint("/oauth2/userInfo") {
            add("userinfo_endpoint", quoted(e));
        }
        format!("{{{}}}", members.join(","))
    };
    // No domain: the five endpoint members are left out.
    assert_eq!(discovery(&server, &id).await, common(None));

    registry
        .create_user_pool_domain(&id, PoolDomain::new("shop", DomainKind::Prefix, 1))
        .unwrap();
    let prefix_base = format!("{url}/shop");
    assert_eq!(discovery(&server, &id).await, common(Some(&prefix_base)));
    // Every endpoint it names reaches the domain.
    let own = server.addr().to_string();
    let reply = send(&server, Method::GET, "/shop/oauth2/userInfo", &own).await;
    assert!(reply.reached_a_domain());

    // A custom domain is preferred.
    let custom = DomainKind::Custom {
        certificate_arn: "arn:aws:acm:us-east-1:123456789012:certificate/abc".into(),
        security_policy: None,
    };
    registry
        .create_user_pool_domain(&id, PoolDomain::new("auth.example.com", custom, 1))
        .unwrap();
    let custom_base = format!("{url}/auth.example.com");
    assert_eq!(discovery(&server, &id).await, common(Some(&custom_base)));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_local_issuer_is_the_discovery_url_prefix() {
    let server = Server::builder()
        .hashing(Hashing::InsecureTest)
        .local_issuer(true)
        .start()
        .await
        .unwrap();
    let pool = server
        .registry()
        .create_pool(PoolConfig::builder("web").build().unwrap())
        .unwrap();
    let expected = format!("{}/{}", server.url(), pool.id());
    assert_eq!(pool.issuer(), expected);
    let body = discovery(&server, pool.id()).await;
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["issuer"], expected.as_str());
    assert_eq!(
        doc["jwks_uri"],
        format!("{expected}/.well-known/jwks.json").as_str()
    );
    server.shutdown().await.unwrap();

    // Off by default: Cognito's issuer.
    let server = Server::builder()
        .hashing(Hashing::InsecureTest)
        .start()
        .await
        .unwrap();
    let pool = server
        .registry()
        .create_pool(PoolConfig::builder("web").build().unwrap())
        .unwrap();
    assert_eq!(
        pool.issuer(),
        format!("https://cognito-idp.us-east-1.amazonaws.com/{}", pool.id())
    );
    server.shutdown().await.unwrap();
}

/// Attack (on availability): another application on the same host left a
/// cookie whose value is UTF-8 (`lang=café`), so every `Cookie` header the
/// browser sends holds non-ASCII bytes. The server used to drop such a
/// header whole, so the hosted pages never saw their `XSRF-TOKEN` and
/// refused every sign-in with `403`: the header is kept, its other cookies
/// read as they are.
#[tokio::test]
async fn a_cookie_header_with_utf8_bytes_still_carries_the_csrf_token() {
    use userpool::client::{AppClientConfig, OAuthFlow};
    let (server, id) = server_with_domains().await;
    let pool = server.registry().pool(&id).unwrap();
    let client = pool
        .create_user_pool_client(
            AppClientConfig::builder("web")
                .allowed_oauth_flows_user_pool_client(true)
                .allowed_oauth_flows([OAuthFlow::Code])
                .allowed_oauth_scopes(["openid"])
                .callback_urls(["https://app.example.com/cb"])
                .supported_identity_providers(["COGNITO"])
                .build()
                .unwrap(),
        )
        .unwrap();
    let query = format!(
        "response_type=code&client_id={}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb",
        client.id()
    );
    let stream = TcpStream::connect(server.addr()).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/shop/login?{query}"))
        .header("host", "127.0.0.1")
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "cookie",
            hyper::header::HeaderValue::from_bytes("lang=caf\u{e9}; XSRF-TOKEN=tok".as_bytes())
                .unwrap(),
        )
        .body(Full::new(Bytes::from_static(
            b"_csrf=tok&username=nobody&password=Wr0ng%21pass",
        )))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8(body.to_vec()).unwrap();
    drop(sender);
    connection.await.unwrap().unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("<p id=\"loginErrorMessage\" class=\"error\">User does not exist.</p>"),
        "{body}"
    );
    server.shutdown().await.unwrap();
}

/// Behind a TLS proxy named by `--public-url https://…`, the browser speaks
/// HTTPS although this server does not: the hosted pages' URLs are the
/// public ones and their cookies `Secure`.
#[tokio::test]
async fn an_https_public_url_makes_the_hosted_cookies_secure() {
    use userpool::client::{AppClientConfig, OAuthFlow};
    for (public, secure) in [("https://id.example.com", true), ("", false)] {
        let mut builder = Server::builder().hashing(Hashing::InsecureTest);
        if !public.is_empty() {
            builder = builder.public_url(public);
        }
        let server = builder.start().await.unwrap();
        let registry = server.registry();
        let pool = registry
            .create_pool(PoolConfig::builder("web").build().unwrap())
            .unwrap();
        registry
            .create_user_pool_domain(pool.id(), PoolDomain::new("shop", DomainKind::Prefix, 1))
            .unwrap();
        let client = pool
            .create_user_pool_client(
                AppClientConfig::builder("web")
                    .allowed_oauth_flows_user_pool_client(true)
                    .allowed_oauth_flows([OAuthFlow::Code])
                    .allowed_oauth_scopes(["openid"])
                    .callback_urls(["https://app.example.com/cb"])
                    .supported_identity_providers(["COGNITO"])
                    .build()
                    .unwrap(),
            )
            .unwrap();
        let path = format!(
            "/shop/login?client_id={}&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb",
            client.id()
        );
        let own = server.addr().to_string();
        let reply = send(&server, Method::GET, &path, &own).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let cookie = reply
            .headers
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap()
            .to_owned();
        assert!(cookie.starts_with("XSRF-TOKEN="), "{cookie}");
        assert_eq!(cookie.contains("; Secure"), secure, "{public}: {cookie}");
        let base = if secure {
            format!("{public}/shop/login?")
        } else {
            format!("http://{own}/shop/login?")
        };
        assert!(
            reply.body.contains(&format!("action=\"{base}")),
            "{}",
            reply.body
        );
        server.shutdown().await.unwrap();
    }
}
