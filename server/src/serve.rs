//! The accept loop: HTTP/1.1 connections with a header-read timeout, a cap
//! on open connections, and a shutdown that does not wait on stalled ones.
//!
//! `axum::serve` gives none of these: it serves every connection it
//! accepts, without a timer (so hyper's header-read timeout never fires),
//! and its graceful shutdown waits for every connection to end, which a
//! client that sends half a request and stops never does. This loop is
//! hyper's own HTTP/1.1 connection (what `axum::serve` runs underneath)
//! with:
//!
//! * a cap on open connections ([`Limits::max_connections`]): once
//!   reached, the loop stops accepting until one closes, and new
//!   connections wait in the kernel's backlog;
//! * hyper's header-read timeout ([`Limits::header_timeout`]), with tokio's
//!   timer: a connection that has not sent a whole request head in time,
//!   including an idle keep-alive one, is closed. The body's own timeout is
//!   the router's (`routes::read_body`);
//! * on stop: no more accepting, idle connections closed, the requests in
//!   flight given [`Limits::shutdown_grace`] to finish, then every
//!   connection still open dropped;
//! * with TLS, the handshake runs in the connection's own task (a slow
//!   client never holds the accept loop), within the header-read timeout,
//!   and a stop abandons it at once; the connection is then served as a
//!   plain one is.

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot, watch};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// How long and how many: see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// From the moment a connection is ready for a request to its whole
    /// request head.
    pub(crate) header_timeout: Duration,
    /// From the request head to the whole body.
    pub(crate) body_timeout: Duration,
    /// Connections open at once.
    pub(crate) max_connections: usize,
    /// How long a stop waits for the requests in flight.
    pub(crate) shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(5),
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(3),
        }
    }
}

/// Serves `app` on `listener` until `stop` resolves (sent or dropped), then
/// stops as the module docs say.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (closing, closing_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            _ = &mut stop => break,
            permit = Arc::clone(&open).acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A connection reset before it was accepted, or no file
                // descriptor left: not the listener's end. Wait a little
                // so that running out of descriptors does not spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        // Forget the connections that ended.
        while connections.try_join_next().is_some() {}
        let service = TowerToHyperService::new(app.clone());
        let mut closing = closing_rx.clone();
        let tls = tls.clone();
        connections.spawn(async move {
            match tls {
                None => serve_connection(stream, service, limits, closing).await,
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(limits.header_timeout, acceptor.accept(stream));
                    tokio::select! {
                        done = handshake => {
                            if let Ok(Ok(stream)) = done {
                                serve_connection(stream, service, limits, closing).await;
                            }
                        }
                        _ = closing.changed() => {}
                    }
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = closing.send(true);
    let _ = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.shutdown().await;
}

/// Serves one connection (plain or TLS) until it ends, or until `closing`
/// says stop: then idle, it is closed at once; a request in flight is
/// answered first (the accept loop drops whatever is left after the grace).
async fn serve_connection<I>(
    io: I,
    service: TowerToHyperService<Router>,
    limits: Limits,
    mut closing: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut connection = pin!(builder.serve_connection(TokioIo::new(io), service));
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = closing.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
