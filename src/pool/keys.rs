//! The pool's keys: those derived from the pool secret, those of the secret
//! it replaced during a rotation, and the key of simulated answers.
//!
//! Every key but the token-signing keys is derived (HKDF-SHA256) from one
//! 32-byte pool secret. Rotating that secret re-keys everything derived from
//! it; the previous secret's keys stay usable only for what they sealed
//! before the rotation, and only as long as that can live
//! ([`PREVIOUS_SECRET_LIFETIME`]): codes (24 hours at most), auth sessions
//! and SRP secret blocks (15 minutes at most), and the verifiers and client
//! secrets [`UserPool::reseal_secrets`](super::UserPool::reseal_secrets)
//! has not yet re-sealed. Past that, a copy of the old secret opens and
//! forges nothing.
//!
//! The key of simulated answers (fake SRP identities, simulated delivery
//! destinations, the sign-in counters of unknown names) is not rotated with
//! the secret: if it changed, every simulated salt would change at once
//! while real users' stayed, and a rotation would tell anyone who asked
//! before and after which names are real. Knowing it reveals no credential.
//!
//! Raw key bytes live in wiped buffers ([`Zeroizing`]) and are dropped as
//! soon as the keys are built; the keys themselves are `ring` objects, which
//! do not wipe their key schedules on drop (`ring` offers no way to).

use std::time::Duration;

use ring::hmac;
use zeroize::Zeroizing;

use crate::clock::Timestamp;
use crate::error::Result;
use crate::seal::{self, POOL_SECRET_LEN, SealKey};

/// How long the previous secret's keys are accepted after a rotation: the
/// longest life of anything they sealed or digested (a sign-up or
/// attribute verification code, 24 hours).
pub(crate) const PREVIOUS_SECRET_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// What a sealed blob is for, so it is opened with the right key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sealed {
    /// `NEW_PASSWORD_REQUIRED` sessions (at most 15 minutes).
    Session,
    /// SRP verifiers in user records (until re-sealed).
    Verifier,
    /// SRP `SECRET_BLOCK`s (at most 15 minutes).
    SecretBlock,
    /// App client secrets in client records (until re-sealed).
    ClientSecret,
    /// TOTP secrets in user records (until re-sealed).
    TotpSecret,
    /// Device SRP verifiers in device records (until re-sealed).
    #[allow(dead_code)] // Until ConfirmDevice lands.
    DeviceVerifier,
    /// Hosted sign-in cookies and pending hosted logins (at most 1 hour).
    Hosted,
}

/// The keys derived from one pool secret.
struct Derived {
    code: hmac::Key,
    session: SealKey,
    verifier: SealKey,
    secret_block: SealKey,
    client_secret: SealKey,
    totp_secret: SealKey,
    device_verifier: SealKey,
    hosted: SealKey,
}

impl Derived {
    fn from_secret(secret: &[u8; POOL_SECRET_LEN]) -> Result<Self> {
        let key = |label: &str| seal::derive(secret, label);
        Ok(Self {
            code: hmac::Key::new(hmac::HMAC_SHA256, &key("userpool/v1/code-digests")?[..]),
            session: SealKey::new(&*key("userpool/v1/sessions")?)?,
            verifier: SealKey::new(&*key("userpool/v1/srp-verifiers")?)?,
            secret_block: SealKey::new(&*key("userpool/v1/srp-secret-blocks")?)?,
            client_secret: SealKey::new(&*key("userpool/v1/client-secrets")?)?,
            totp_secret: SealKey::new(&*key("userpool/v1/totp-secrets")?)?,
            device_verifier: SealKey::new(&*key("userpool/v1/device-verifiers")?)?,
            hosted: SealKey::new(&*key("userpool/v1/hosted-sign-in")?)?,
        })
    }

    fn sealer(&self, what: Sealed) -> &SealKey {
        match what {
            Sealed::Session => &self.session,
            Sealed::Verifier => &self.verifier,
            Sealed::SecretBlock => &self.secret_block,
            Sealed::ClientSecret => &self.client_secret,
            Sealed::TotpSecret => &self.totp_secret,
            Sealed::DeviceVerifier => &self.device_verifier,
            Sealed::Hosted => &self.hosted,
        }
    }
}

/// The secrets a pool is built from: the current secret, the one it
/// replaced (with when), and the key of simulated answers.
pub(super) struct PoolKeys {
    current: Derived,
    previous: Option<(Derived, Timestamp)>,
    simulation: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for PoolKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolKeys")
            .field("rotated_at", &self.previous.as_ref().map(|(_, at)| at))
            .finish_non_exhaustive()
    }
}

/// The key of simulated answers a pool built from `secret` alone uses.
pub(crate) fn simulation_key_of(secret: &[u8; POOL_SECRET_LEN]) -> Result<Zeroizing<[u8; 32]>> {
    seal::derive(secret, "userpool/v1/srp-fake-users")
}

impl PoolKeys {
    /// Keys from `secret`; `previous` is the secret it replaced and when;
    /// `simulation` the key of simulated answers (by default the one
    /// `secret`, or `previous` when given, would have had alone).
    pub(super) fn new(
        secret: &[u8; POOL_SECRET_LEN],
        previous: Option<(&[u8; POOL_SECRET_LEN], Timestamp)>,
        simulation: Option<&[u8; 32]>,
    ) -> Result<Self> {
        let simulation = match (simulation, previous) {
            (Some(key), _) => Zeroizing::new(*key),
            (None, Some((old, _))) => simulation_key_of(old)?,
            (None, None) => simulation_key_of(secret)?,
        };
        Ok(Self {
            current: Derived::from_secret(secret)?,
            previous: previous
                .map(|(old, at)| Derived::from_secret(old).map(|d| (d, at)))
                .transpose()?,
            simulation,
        })
    }

    /// The previous secret's keys, while they may still be needed at `now`.
    fn previous(&self, now: Timestamp) -> Option<&Derived> {
        self.previous
            .as_ref()
            .filter(|(_, at)| now < at.saturating_add(PREVIOUS_SECRET_LIFETIME))
            .map(|(keys, _)| keys)
    }

    /// The key new code digests are made with.
    pub(super) fn code(&self) -> &hmac::Key {
        &self.current.code
    }

    /// The keys a stored code digest may have been made with at `now`: the
    /// current one, then the previous secret's while it lives (a code
    /// issued before the rotation, here or by a process that had not yet
    /// seen it).
    pub(super) fn code_candidates(&self, now: Timestamp) -> impl Iterator<Item = &hmac::Key> {
        std::iter::once(&self.current.code).chain(self.previous(now).map(|d| &d.code))
    }

    /// Seals with the current key for `what`.
    pub(super) fn seal(
        &self,
        what: Sealed,
        nonce: [u8; 12],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>> {
        self.current.sealer(what).seal(nonce, aad, plaintext)
    }

    /// Opens what the current key sealed, or the previous secret's while it
    /// lives; the flag says which (`true`: the previous one, so the caller
    /// should re-seal what it keeps).
    pub(super) fn open(
        &self,
        what: Sealed,
        aad: &[u8],
        sealed: &[u8],
        now: Timestamp,
    ) -> Option<(Zeroizing<Vec<u8>>, bool)> {
        if let Some(plain) = self.current.sealer(what).open(aad, sealed) {
            return Some((plain, false));
        }
        self.previous(now)?
            .sealer(what)
            .open(aad, sealed)
            .map(|plain| (plain, true))
    }

    /// The key of simulated answers.
    pub(super) fn simulation(&self) -> &[u8; 32] {
        &self.simulation
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: i64 = 1_700_000_000_000;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_unix_millis(ms)
    }

    #[test]
    fn the_previous_secret_opens_only_for_its_lifetime() {
        let old = PoolKeys::new(&[1; 32], None, None).unwrap_or_else(|_| unreachable!());
        let sealed = old
            .seal(Sealed::Session, [0; 12], b"aad", b"state")
            .unwrap_or_default();
        let new = PoolKeys::new(&[2; 32], Some((&[1; 32], at(AT))), None)
            .unwrap_or_else(|_| unreachable!());
        let opened = new.open(Sealed::Session, b"aad", &sealed, at(AT + 1000));
        assert!(opened.is_some_and(|(plain, previous)| *plain == b"state" && previous));
        let late = at(AT).saturating_add(PREVIOUS_SECRET_LIFETIME);
        assert!(new.open(Sealed::Session, b"aad", &sealed, late).is_none());
        // A key for one purpose never opens another's blobs.
        assert!(
            new.open(Sealed::Verifier, b"aad", &sealed, at(AT + 1000))
                .is_none()
        );
        // New blobs are sealed with the new key only.
        let fresh = new
            .seal(Sealed::Session, [0; 12], b"aad", b"x")
            .unwrap_or_default();
        assert!(old.open(Sealed::Session, b"aad", &fresh, at(AT)).is_none());
        assert!(
            new.open(Sealed::Session, b"aad", &fresh, late)
                .is_some_and(|(_, previous)| !previous)
        );
    }

    #[test]
    fn code_keys_include_the_previous_only_while_it_lives() {
        let new = PoolKeys::new(&[2; 32], Some((&[1; 32], at(AT))), None)
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(new.code_candidates(at(AT)).count(), 2);
        let late = at(AT).saturating_add(PREVIOUS_SECRET_LIFETIME);
        assert_eq!(new.code_candidates(late).count(), 1);
    }

    #[test]
    fn the_simulation_key_survives_a_rotation() {
        let before = PoolKeys::new(&[1; 32], None, None).unwrap_or_else(|_| unreachable!());
        let after = PoolKeys::new(&[2; 32], Some((&[1; 32], at(AT))), None)
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(before.simulation(), after.simulation());
        let explicit = PoolKeys::new(&[3; 32], None, Some(before.simulation()))
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(explicit.simulation(), before.simulation());
        assert!(!format!("{after:?}").contains("simulation"));
    }
}
