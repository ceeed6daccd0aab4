//! Pool-secret rotation: re-sealing what is kept under the previous secret.
//!
//! A rotation (see [`UserPoolBuilder::previous_secret_key`]) re-keys
//! everything derived from the pool secret. Short-lived material (codes,
//! auth sessions, SRP secret blocks) is accepted under the previous secret
//! until it expires; what lives longer, the SRP verifiers in user records
//! and the app clients' secrets, is re-sealed here, so the previous secret
//! is needed for nothing once this has run and its lifetime has passed.
//!
//! [`UserPoolBuilder::previous_secret_key`]: super::UserPoolBuilder::previous_secret_key

use zeroize::Zeroizing;

use super::{MAX_CAS_RETRIES, UserPool, store_error};
use crate::error::Result;
use crate::store::StoreError;

/// How many records [`UserPool::reseal_secrets`] reads per store call.
const PAGE: usize = 100;

/// What [`UserPool::reseal_secrets`] re-sealed.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResealReport {
    /// Users whose SRP verifier was re-sealed.
    pub verifiers: usize,
    /// App clients whose secret was re-sealed.
    pub client_secrets: usize,
    /// Confirmed devices whose SRP verifier was re-sealed.
    pub devices: usize,
}

impl UserPool {
    /// Re-seals under the current pool secret every SRP verifier (users'
    /// and remembered devices') and app client secret still sealed under
    /// the previous one (see
    /// [`UserPoolBuilder::previous_secret_key`](super::UserPoolBuilder::previous_secret_key)),
    /// walking the pool's users and clients a page at a time. Safe to run
    /// from several processes at once and to run again: a record changed
    /// meanwhile is read again, and one already re-sealed is left alone.
    /// Users' `UserLastModifiedDate` does not change. A verifier left
    /// sealed under the previous secret past its lifetime stops opening,
    /// and the user's next password sign-in stores a new one.
    ///
    /// # Errors
    /// `InternalErrorException` if the store fails;
    /// `TooManyRequestsException` if a record keeps changing under it.
    pub fn reseal_secrets(&self) -> Result<ResealReport> {
        let pool = self.id();
        let mut report = ResealReport::default();
        // Clients first: a client secret that stops opening stops the
        // client, a verifier that does costs one password sign-in.
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store()
                .list_clients(pool, after.as_deref(), PAGE)
                .map_err(store_error)?;
            for record in &page {
                if self.reseal_client(&record.client_id)? {
                    report.client_secrets += 1;
                }
            }
            match page.last() {
                Some(last) if page.len() == PAGE => after = Some(last.client_id.clone()),
                _ => break,
            }
        }
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store()
                .list_users(pool, after.as_deref(), PAGE)
                .map_err(store_error)?;
            for user in &page {
                if self.reseal_user(&user.username)? {
                    report.verifiers += 1;
                }
                report.devices += self.reseal_devices(user)?;
            }
            match page.last() {
                Some(last) if page.len() == PAGE => after = Some(last.username.clone()),
                _ => break,
            }
        }
        Ok(report)
    }

    /// Re-seals one user's verifier; `false` when there was nothing to do.
    fn reseal_user(&self, username: &str) -> Result<bool> {
        for _ in 0..MAX_CAS_RETRIES {
            let Some(current) = self
                .store()
                .get_user(self.id(), username)
                .map_err(store_error)?
            else {
                return Ok(false);
            };
            let Some(resealed) = self.resealed_verifier(&current)? else {
                return Ok(false);
            };
            let mut next = current.clone();
            next.srp_verifier = Some(resealed);
            let keys = self.index_keys(&next);
            match self
                .store()
                .update_user(self.id(), &next, current.version, &keys)
            {
                Ok(()) => return Ok(true),
                Err(StoreError::VersionMismatch) => {}
                Err(StoreError::NotFound) => return Ok(false),
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(super::contention())
    }

    /// Re-seals one client's secret; `false` when there was nothing to do.
    pub(super) fn reseal_client(&self, client_id: &str) -> Result<bool> {
        for _ in 0..MAX_CAS_RETRIES {
            let Some(mut record) = self
                .store()
                .get_client(self.id(), client_id)
                .map_err(store_error)?
            else {
                return Ok(false);
            };
            let Some(resealed) = self.resealed_client_secret(&record)? else {
                return Ok(false);
            };
            let version = record.version;
            record.sealed_secret = Some(resealed);
            match self.store().update_client(self.id(), &record, version) {
                Ok(()) => return Ok(true),
                Err(StoreError::VersionMismatch) => {}
                Err(StoreError::NotFound) => return Ok(false),
                Err(e) => return Err(store_error(e)),
            }
        }
        Err(super::contention())
    }

    /// The key of the pool's simulated answers (see
    /// [`UserPoolBuilder::simulation_key`](super::UserPoolBuilder::simulation_key)),
    /// to keep it across pool-secret rotations. Treat it as a secret: it
    /// tells simulated answers from real ones.
    #[must_use]
    pub fn simulation_key(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(*self.inner.keys.simulation())
    }
}
