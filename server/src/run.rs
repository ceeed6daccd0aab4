//! The binary's life: start, report, wait for Ctrl-C or SIGTERM, stop.

use crate::error::{Error, ErrorKind};
use crate::server::ServerBuilder;

/// Runs the server `builder` describes as the `userpool-server` binary does:
/// on a multi-threaded tokio runtime of its own, printing the start-up lines
/// on stdout (the first of them, `userpool-server listening on
/// http://127.0.0.1:PORT (...)`, is what scripts read the port from), until
/// Ctrl-C or SIGTERM; then it stops accepting, lets the requests in flight
/// finish, closes the store and prints `userpool-server stopped`.
///
/// Blocks the calling thread, which must not be one of a tokio runtime's.
///
/// # Errors
/// Those of [`ServerBuilder::start`] and [`Server::shutdown`](crate::Server::shutdown),
/// and [`ErrorKind::Runtime`] when the runtime cannot be built.
pub fn run(builder: ServerBuilder) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(ErrorKind::Runtime, format!("cannot start tokio: {e}")))?;
    let served = runtime.block_on(async {
        // Listening for SIGTERM before the start-up lines are printed: a
        // script that reads them and stops the server at once stops it
        // gracefully.
        let stop = Stop::listen();
        let server = builder.start().await?;
        let about = &server.about;
        if let Some((id, file)) = &about.created_key {
            println!(
                "created master key {id} in {} (keep it apart from the database in production)",
                file.display()
            );
        }
        println!(
            "userpool-server listening on {} (hashing: {}, region: {}, {} worker permits, {})",
            server.url(),
            about.hashing,
            about.region,
            about.worker_permits,
            about.lambda,
        );
        println!("{}", about.auth);
        println!("{}.", about.state);
        stop.requested().await;
        println!("shutting down");
        server.shutdown().await
    });
    drop(runtime);
    if served.is_ok() {
        println!("userpool-server stopped");
    }
    served
}

/// Ctrl-C or SIGTERM.
struct Stop {
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Stop {
    /// Starts listening for SIGTERM (Ctrl-C is listened for once awaited).
    fn listen() -> Self {
        Self {
            #[cfg(unix)]
            terminate: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .ok(),
        }
    }

    /// Resolves on Ctrl-C or SIGTERM.
    async fn requested(self) {
        let ctrl_c = async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let terminate = async {
            match self.terminate {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {},
            () = terminate => {},
        }
    }
}
