//! HTTPS for the listener (`--tls-cert FILE --tls-key FILE`): a PEM
//! certificate chain and private key, served by rustls on the ring
//! provider, HTTP/1.1 only (ALPN `http/1.1`).
//!
//! Amplify's redirect sign-in always uses `https://` and the live
//! service is HTTPS only (cognito-oauth.md §1.6), so a browser test needs
//! it; a self-signed certificate the test trusts is enough. Without TLS
//! the server speaks plain HTTP, and the hosted pages' cookies are not
//! `Secure` (browsers and Python's cookie jar would not send them back over
//! HTTP).

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;

use crate::error::{Error, ErrorKind};

/// The acceptor for the certificate chain in `cert` and the key in `key`
/// (PEM files).
///
/// # Errors
/// [`ErrorKind::Tls`] naming the file and the reason when a file cannot be
/// read, holds no certificate or key, or the key does not fit.
pub(crate) fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, Error> {
    let failed = |what: &Path, why: String| {
        Error::new(
            ErrorKind::Tls,
            format!("TLS: cannot use {}: {why}", what.display()),
        )
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|e| failed(cert, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| failed(cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(failed(cert, "no PEM certificate in it".to_owned()));
    }
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| failed(key, e.to_string()))?;
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| failed(cert, e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| failed(key, e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// rustls on ring, the crypto library already in the tree (its other
/// provider, aws-lc-rs, needs a C toolchain to build). rustls 0.23.48
/// deprecates ring's provider because ring has no post-quantum key
/// exchange, which a local test endpoint on loopback does not need; the
/// classical suites and groups it offers are rustls' defaults.
#[expect(
    deprecated,
    reason = "ring lacks post-quantum key exchange, not needed on a local endpoint"
)]
fn provider() -> tokio_rustls::rustls::crypto::CryptoProvider {
    ring::default_provider()
}
