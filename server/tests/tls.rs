//! HTTPS (`ServerBuilder::tls`, the binary's `--tls-cert`/`--tls-key`): a
//! server started with the throwaway self-signed certificate of
//! `tests/fixtures` answers over TLS a client that trusts that certificate,
//! sends HSTS on domain answers, still closes a connection that never
//! finishes its handshake, and refuses unusable certificate files.

// In a test a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use userpool::config::{DomainKind, PoolConfig, PoolDomain};
use userpool_server::{ErrorKind, Hashing, Server, ServerBuilder};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn tls_builder() -> ServerBuilder {
    Server::builder()
        .hashing(Hashing::InsecureTest)
        .tls(fixture("tls-cert.pem"), fixture("tls-key.pem"))
}

#[expect(
    deprecated,
    reason = "the server's provider: ring, see server/src/tls.rs"
)]
fn provider() -> tokio_rustls::rustls::crypto::CryptoProvider {
    tokio_rustls::rustls::crypto::ring::default_provider()
}

/// A TLS client that trusts the fixture certificate only.
fn connector() -> TlsConnector {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(fixture("tls-cert.pem")).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    let config = ClientConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// `GET path` over TLS to `server`, with `host` as `Host`, verifying the
/// certificate for `name`: status, HSTS header, body.
async fn get(server: &Server, name: &str, host: &str, path: &str) -> (u16, Option<String>, String) {
    let tcp = TcpStream::connect(server.addr()).await.unwrap();
    let stream = connector()
        .connect(ServerName::try_from(name.to_owned()).unwrap(), tcp)
        .await
        .unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    let connection = tokio::spawn(connection);
    let request = Request::builder()
        .uri(path)
        .header("host", host)
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status().as_u16();
    let hsts = response
        .headers()
        .get("strict-transport-security")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    drop(sender);
    let _ = connection.await;
    (status, hsts, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_tls_server_answers_https_and_sends_hsts_on_domain_answers() {
    let server = tls_builder().start().await.unwrap();
    let authority = server.addr().to_string();
    assert_eq!(server.url(), format!("https://{authority}"));
    let (status, hsts, body) = get(&server, "127.0.0.1", &authority, "/_health").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    assert_eq!(hsts, None, "HSTS is for the domains' endpoints");

    let pool = server
        .registry()
        .create_pool(PoolConfig::builder("web").build().unwrap())
        .unwrap();
    server
        .registry()
        .create_user_pool_domain(pool.id(), PoolDomain::new("shop", DomainKind::Prefix, 1))
        .unwrap();
    let hsts_value = Some("max-age=31536000 ; includeSubDomains".to_owned());
    // Path mode, and Host mode under the domain's real name (a GET to the
    // token endpoint is its 405, §7.1).
    let (status, hsts, _) = get(&server, "localhost", &authority, "/shop/oauth2/token").await;
    assert_eq!((status, hsts), (405, hsts_value.clone()));
    let name = "shop.auth.us-east-1.amazoncognito.com";
    let (status, hsts, _) = get(&server, name, name, "/oauth2/token").await;
    assert_eq!((status, hsts), (405, hsts_value));

    // The discovery document names https:// URLs.
    let path = format!("/{}/.well-known/openid-configuration", pool.id());
    let (status, _, body) = get(&server, "127.0.0.1", &authority, &path).await;
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        doc["token_endpoint"],
        format!("https://{authority}/shop/oauth2/token").as_str()
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_stalled_handshake_is_closed_and_does_not_hold_a_shutdown() {
    let server = tls_builder()
        .request_timeouts(Duration::from_millis(300), Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    // A client that connects and never starts the handshake.
    let mut idle = TcpStream::connect(server.addr()).await.unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), idle.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the stalled connection was not closed");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(buf.is_empty());
    // The server still serves TLS clients.
    let authority = server.addr().to_string();
    let (status, _, _) = get(&server, "127.0.0.1", &authority, "/_health").await;
    assert_eq!(status, 200);
    // Shutdown does not wait on a connection stuck in its handshake.
    let _stuck = TcpStream::connect(server.addr()).await.unwrap();
    let started = Instant::now();
    server.shutdown().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn unusable_certificate_files_do_not_start_a_server() {
    let missing = Server::builder()
        .tls(fixture("no-such-cert.pem"), fixture("tls-key.pem"))
        .start()
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Tls);
    assert!(
        missing.to_string().contains("no-such-cert.pem"),
        "{missing}"
    );
    // The key where the certificate should be, and the other way round.
    let swapped = Server::builder()
        .tls(fixture("tls-key.pem"), fixture("tls-cert.pem"))
        .start()
        .await
        .unwrap_err();
    assert_eq!(swapped.kind(), ErrorKind::Tls);
    assert!(swapped.to_string().contains("tls-key.pem"), "{swapped}");
}
