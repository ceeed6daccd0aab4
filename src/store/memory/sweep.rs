//! [`SweepStore`] for [`MemoryStore`]: deleting what has expired, found
//! through the expiry indexes of `PoolData`, so a call visits only what
//! it deletes (and the revocations it finds still needed).

use super::{MemoryStore, PoolData};
use crate::clock::Timestamp;
use crate::store::{REFRESH_TOKEN_RETENTION, StoreResult, SweepReport, SweepStore};

impl SweepStore for MemoryStore {
    fn sweep_expired(
        &self,
        pool_id: &str,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<SweepReport> {
        let mut st = self.lock();
        let Some(data) = st.data.get_mut(pool_id) else {
            return Ok(SweepReport::default());
        };
        Ok(data.sweep(now, limit))
    }
}

/// `n` as a report count.
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl PoolData {
    /// `SweepStore::sweep_expired` under the lock.
    fn sweep(&mut self, now: Timestamp, limit: usize) -> SweepReport {
        let mut left = limit;
        let mut report = SweepReport::default();

        let codes: Vec<_> = self
            .codes_by_expiry
            .iter()
            .take_while(|(exp, _, _)| *exp <= now)
            .take(left)
            .map(|(_, user, purpose)| (user.clone(), *purpose))
            .collect();
        for k in &codes {
            self.remove_code(k);
        }
        left -= codes.len();
        report.codes = count(codes.len());

        let once: Vec<_> = self
            .once_by_expiry
            .iter()
            .take_while(|(exp, _)| *exp <= now)
            .take(left)
            .cloned()
            .collect();
        for entry in &once {
            self.once_by_expiry.remove(entry);
            self.used_once.remove(&entry.1);
        }
        left -= once.len();
        report.once_ids = count(once.len());

        let ephemeral: Vec<_> = self
            .ephemeral_by_expiry
            .iter()
            .take_while(|(exp, _)| *exp <= now)
            .take(left)
            .cloned()
            .collect();
        for entry in &ephemeral {
            self.ephemeral_by_expiry.remove(entry);
            self.unknown_by_expiry.remove(entry);
            self.ephemeral.remove(&entry.1);
        }
        left -= ephemeral.len();
        report.ephemeral = count(ephemeral.len());

        // Only unconfirmed devices expire; confirmed ones are not indexed.
        let devices: Vec<String> = self
            .devices_by_expiry
            .iter()
            .take_while(|(exp, _)| *exp <= now)
            .take(left)
            .map(|(_, key)| key.clone())
            .collect();
        for key in &devices {
            self.remove_device(key);
        }
        left -= devices.len();
        report.devices = count(devices.len());

        // Tokens and revocations are kept for the lifetime of the access
        // tokens their last refresh could sign.
        let cutoff = now.saturating_sub(REFRESH_TOKEN_RETENTION);
        let tokens: Vec<[u8; 32]> = self
            .refresh_by_expiry
            .iter()
            .take_while(|(exp, _)| *exp <= cutoff)
            .take(left)
            .map(|(_, digest)| *digest)
            .collect();
        for d in &tokens {
            self.remove_refresh_token(d);
        }
        left -= tokens.len();
        report.refresh_tokens = count(tokens.len());

        let revoked: Vec<_> = self
            .revoked_by_expiry
            .iter()
            .take_while(|(exp, _)| *exp <= cutoff)
            .take(left)
            .cloned()
            .collect();
        for (exp, name) in revoked {
            self.revoked_by_expiry.remove(&(exp, name.clone()));
            let Some(r) = self.revoked.remove(&name) else {
                continue;
            };
            // Every write under the one lock carries a revocation to the
            // tokens of its family, so this finds none; it is the
            // contract, checked where it is cheap.
            match self.family_expiry(&r.family).filter(|e| *e > cutoff) {
                Some(later) => self.revoke(&name, &r.family, later),
                None => report.revoked_families += 1,
            }
        }
        report
    }
}
