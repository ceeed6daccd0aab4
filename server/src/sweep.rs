//! The periodic sweep of what the stores keep past its use: expired codes,
//! one-time ids, limit records, refresh tokens and revocations
//! ([`Registry::sweep_expired`](userpool::registry::Registry::sweep_expired)).
//!
//! It runs on a blocking thread, in short batches the store deletes through
//! its expiry indexes, so requests are served meanwhile. The task holds the
//! engine weakly: it never keeps a stopped server's store open, and it is
//! aborted with the server.

use std::sync::Weak;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::storage::Engine;

/// Aborts the sweeping task when dropped, with the server.
#[derive(Debug)]
pub(crate) struct Sweeper(Option<JoinHandle<()>>);

impl Drop for Sweeper {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}

/// Sweeps every `every` (the first time one interval after the start);
/// a zero interval sweeps never.
pub(crate) fn spawn(engine: Weak<Engine>, every: Duration) -> Sweeper {
    if every.is_zero() {
        return Sweeper(None);
    }
    Sweeper(Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        // A sweep that overran its interval is not followed by a burst.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let Some(engine) = engine.upgrade() else {
                return;
            };
            let swept =
                tokio::task::spawn_blocking(move || engine.registry().sweep_expired()).await;
            if let Ok(Err(e)) = swept {
                // Not fatal: what was not deleted now is deleted next time.
                eprintln!("userpool-server: sweeping expired records failed: {e}");
            }
        }
    })))
}
