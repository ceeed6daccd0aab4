//! The periodic sweep of what the stores keep past its use: expired codes,
//! one-time ids, limit records, refresh tokens and revocations
//! ([`Registry::sweep_expired`](userpool::registry::Registry::sweep_expired)).
//!
//! It runs on a blocking thread, in short batches the store deletes through
//! its expiry indexes, so requests are served meanwhile. The task holds the
//! engine weakly: it never keeps a stopped server's store open, and it is
//! aborted with the server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::storage::Engine;

/// Stops the sweeping when dropped, with the server: the task is aborted
/// and a sweep running on a blocking thread stops at its next batch, so
/// shutting down never waits for a long sweep.
#[derive(Debug)]
pub(crate) struct Sweeper {
    task: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Sweeps every `every` (the first time one interval after the start);
/// a zero interval sweeps never.
pub(crate) fn spawn(engine: Weak<Engine>, every: Duration) -> Sweeper {
    let stop = Arc::new(AtomicBool::new(false));
    if every.is_zero() {
        return Sweeper { task: None, stop };
    }
    let stopped = Arc::clone(&stop);
    let task = tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        // A sweep that overran its interval is not followed by a burst.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(engine) = engine.upgrade() else {
                return;
            };
            let stopped = Arc::clone(&stopped);
            let swept = tokio::task::spawn_blocking(move || {
                engine
                    .registry()
                    .sweep_expired_while(&|| !stopped.load(Ordering::Relaxed))
            })
            .await;
            if let Ok(Err(e)) = swept {
                // Not fatal: what was not deleted now is deleted next time.
                eprintln!("userpool-server: sweeping expired records failed: {e}");
            }
        }
    });
    Sweeper {
        task: Some(task),
        stop,
    }
}
