//! Sweeping: deleting from the store what of this pool has expired (codes,
//! one-time ids, ephemeral records, refresh tokens and revoked families),
//! so that a long-running store does not grow without bound.

use super::{UserPool, store_error};
use crate::error::Result;
use crate::store::SweepReport;

/// How many items one store call deletes at most: each call holds the
/// store's lock (or one transaction) for about this many deletions, so
/// requests wait on a sweep for no longer than that.
const BATCH: usize = 256;

impl UserPool {
    /// Deletes from the store everything of this pool that has expired by
    /// the pool's clock: pending codes past their expiry, used one-time ids
    /// (challenge sessions, SRP secret blocks), ephemeral records (the
    /// hourly limits, the lockout of unknown names), and refresh tokens and
    /// revoked token families a day after their last token expired (see
    /// [`SweepStore::sweep_expired`](crate::store::SweepStore::sweep_expired)
    /// for what each store guarantees). Nothing that still works, or could
    /// still be refused, is deleted: a revoked family stays revoked for as
    /// long as any token it signed could otherwise be used.
    ///
    /// Works in batches of a few hundred items, one short store call each,
    /// until a batch comes back short, so requests keep being served while
    /// it runs. Safe to run from several processes at once, and at any
    /// interval: an application typically runs it every few minutes. It
    /// returns what it deleted, by kind.
    ///
    /// # Errors
    /// `InternalErrorException` if the store fails; what earlier batches
    /// deleted stays deleted, and the next run carries on.
    pub fn sweep_expired(&self) -> Result<SweepReport> {
        self.sweep_expired_while(&|| true)
    }

    /// [`UserPool::sweep_expired`], stopping between two batches once
    /// `go_on` says no: a server shutting down does not wait for a long
    /// sweep. What is left is deleted by the next run.
    ///
    /// # Errors
    /// As [`UserPool::sweep_expired`].
    pub fn sweep_expired_while(&self, go_on: &dyn Fn() -> bool) -> Result<SweepReport> {
        let now = self.now();
        let mut report = SweepReport::default();
        while go_on() {
            let batch = self
                .store()
                .sweep_expired(self.id(), now, BATCH)
                .map_err(store_error)?;
            report += batch;
            if batch.total() < BATCH as u64 {
                break;
            }
        }
        Ok(report)
    }
}
