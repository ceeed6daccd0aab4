//! Limits every process sharing a store keeps alike, each in an ephemeral
//! record updated by compare-and-swap ([`EphemeralStore`]):
//!
//! - counts in fixed windows: code guesses per user and purpose
//!   ([`GUESSES`], 15 an hour, Cognito's ConfirmSignUp and
//!   VerifyUserAttribute limit), and codes sent per user and purpose
//!   ([`SENDS`], 5 an hour, Cognito's ResendConfirmationCode and
//!   GetUserAttributeVerificationCode limit, which we apply to ForgotPassword
//!   and AdminResetUserPassword too: AWS documents none for them);
//! - the lockout of a name no user has, so that under
//!   `PreventUserExistenceErrors=ENABLED` it locks as a user would.
//!
//! Names no user has are keyed by an HMAC of the folded name under the
//! pool's simulation key, never by the name: whatever a client types is not
//! stored, and records expire with the state they keep.
//!
//! [`EphemeralStore`]: crate::store::EphemeralStore

use std::time::Duration;

use ring::hmac;

use super::{UserPool, store_error};
use crate::clock::Timestamp;
use crate::code;
use crate::error::{Error, ErrorCode, Result};
use crate::lockout::{self, Decision, LockoutState};
use crate::store::{CodePurpose, EphemeralKey, EphemeralRecord};

/// A fixed window: at most `max` events counted per `length`, from the
/// first event of the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Window {
    pub(super) max: u32,
    pub(super) length: Duration,
}

/// Codes compared per user and purpose per hour, across re-sent codes.
pub(super) const GUESSES: Window = Window {
    max: code::MAX_WINDOW_ATTEMPTS,
    length: code::ATTEMPT_WINDOW,
};

/// Codes sent per user and purpose per hour (cognito-protocol.md §7.5).
pub(super) const SENDS: Window = Window {
    max: 5,
    length: Duration::from_secs(3600),
};

/// The keyed digests of names no user has are cut to this many bits, so
/// that however many names a client invents, a pool keeps at most 2^20
/// records of each kind for them, in any store. Two unknown names may then
/// share a record (their limits count together); nobody can aim at that
/// without the pool's simulation key, and telling an unknown name by a
/// shared lock would take millions of requests within one lock's life.
const NAME_DIGEST_BITS: u32 = 20;

/// Cognito's answer to a request over a per-user limit.
pub(super) fn limit_exceeded() -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        "Attempt limit exceeded, please try after some time.",
    )
}

/// What a compare-and-swap round decided.
enum Step<R> {
    /// Write this state, then return `R`.
    Write(Vec<u8>, Timestamp, R),
    /// Write nothing and return `R`.
    Done(R),
}

/// A window's state: its start and the events counted in it.
fn decode_window(data: &[u8]) -> Option<(Timestamp, u32)> {
    let start: [u8; 8] = data.get(..8)?.try_into().ok()?;
    let count: [u8; 4] = data.get(8..12)?.try_into().ok()?;
    (data.len() == 12).then(|| {
        (
            Timestamp::from_unix_millis(i64::from_be_bytes(start)),
            u32::from_be_bytes(count),
        )
    })
}

fn encode_window(start: Timestamp, count: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(12);
    out.extend_from_slice(&start.unix_millis().to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out
}

const NONE_MS: i64 = i64::MIN;

fn decode_lockout(data: &[u8]) -> Option<LockoutState> {
    if data.len() != 20 {
        return None;
    }
    let failures = u32::from_be_bytes(data.get(..4)?.try_into().ok()?);
    let instant = |range: std::ops::Range<usize>| -> Option<Option<Timestamp>> {
        let ms = i64::from_be_bytes(data.get(range)?.try_into().ok()?);
        Some((ms != NONE_MS).then(|| Timestamp::from_unix_millis(ms)))
    };
    Some(LockoutState {
        failures,
        locked_until: instant(4..12)?,
        last_attempt: instant(12..20)?,
    })
}

fn encode_lockout(state: &LockoutState) -> Vec<u8> {
    let ms = |t: Option<Timestamp>| t.map_or(NONE_MS, Timestamp::unix_millis);
    let mut out = Vec::with_capacity(20);
    out.extend_from_slice(&state.failures.to_be_bytes());
    out.extend_from_slice(&ms(state.locked_until).to_be_bytes());
    out.extend_from_slice(&ms(state.last_attempt).to_be_bytes());
    out
}

/// What a name no user has is counted for: one digest per use, so the
/// records of one name are not linkable to each other by their keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NameUse {
    /// Failed sign-ins, across the password and SRP flows.
    SignIn,
    /// Codes compared.
    Guesses,
    /// Codes pretended sent.
    Sends,
}

impl NameUse {
    const fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::Guesses => "guesses",
            Self::Sends => "sends",
        }
    }
}

/// Who a per-user limit counts for: a user, or (under
/// `PreventUserExistenceErrors=ENABLED`) a name no user has, by its digest.
#[derive(Clone, Copy, Debug)]
pub(super) enum Subject<'a> {
    /// A user, by internal username.
    User(&'a str),
    /// A name no user has, by [`UserPool::name_digest`].
    Unknown(&'a [u8; 32]),
}

impl Subject<'_> {
    fn guesses(self, purpose: CodePurpose) -> EphemeralKey {
        match self {
            Self::User(username) => EphemeralKey::CodeGuesses {
                username: username.to_owned(),
                purpose,
            },
            Self::Unknown(digest) => EphemeralKey::UnknownCodeGuesses {
                digest: *digest,
                purpose,
            },
        }
    }

    fn sends(self, purpose: CodePurpose) -> EphemeralKey {
        match self {
            Self::User(username) => EphemeralKey::CodeSends {
                username: username.to_owned(),
                purpose,
            },
            Self::Unknown(digest) => EphemeralKey::UnknownCodeSends {
                digest: *digest,
                purpose,
            },
        }
    }
}

impl UserPool {
    /// A keyed digest of a name no user has: HMAC-SHA256 under the pool's
    /// simulation key of the use, a NUL and the name as the pool folds it
    /// (so one name typed in two cases is one name where the pool says so),
    /// cut to [`NAME_DIGEST_BITS`] bits.
    pub(super) fn name_digest(&self, purpose: NameUse, name: &str) -> [u8; 32] {
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.inner.keys.simulation());
        let mut c = hmac::Context::with_key(&key);
        c.update(b"userpool/v1/unknown-name/");
        c.update(purpose.as_str().as_bytes());
        c.update(&[0]);
        c.update(self.fold(name).as_bytes());
        let tag = c.sign();
        let full = tag.as_ref();
        // The first NAME_DIGEST_BITS bits, the rest zero.
        let bucket =
            u32::from_be_bytes([full[0], full[1], full[2], full[3]]) >> (32 - NAME_DIGEST_BITS);
        let mut out = [0u8; 32];
        out[..4].copy_from_slice(&bucket.to_be_bytes());
        out
    }

    /// Reads `key`, lets `step` decide from the record (expired or not),
    /// and writes by compare-and-swap, again from a fresh read whenever
    /// another writer got there first.
    fn update_ephemeral<R>(
        &self,
        key: &EphemeralKey,
        mut step: impl FnMut(Option<&EphemeralRecord>) -> Result<Step<R>>,
    ) -> Result<R> {
        let store = self.store();
        for _ in 0..super::MAX_CAS_RETRIES {
            let current = store.get_ephemeral(self.id(), key).map_err(store_error)?;
            match step(current.as_ref())? {
                Step::Done(r) => return Ok(r),
                Step::Write(data, expires_at, r) => {
                    let expected = current.as_ref().map_or(0, |c| c.version);
                    if store
                        .put_ephemeral(self.id(), key, &data, expires_at, expected)
                        .map_err(store_error)?
                    {
                        return Ok(r);
                    }
                }
            }
        }
        // As a user's record answers under the same contention.
        Err(super::contention())
    }

    /// Counts one event in `key`'s window at `now`; `Ok(false)`, with
    /// nothing written, when the window already holds `window.max`.
    fn count_in_window(&self, key: &EphemeralKey, window: Window, now: Timestamp) -> Result<bool> {
        self.update_ephemeral(key, |current| {
            let (start, count) = current
                .and_then(|r| decode_window(&r.data))
                .filter(|(start, _)| now >= *start && now < start.saturating_add(window.length))
                .unwrap_or((now, 0));
            if count >= window.max {
                return Ok(Step::Done(false));
            }
            let next = count.saturating_add(1);
            Ok(Step::Write(
                encode_window(start, next),
                start.saturating_add(window.length),
                true,
            ))
        })
    }

    /// Counts one code compared for `subject` and `purpose`: the hourly
    /// budget, kept apart from the code so that re-sending one restores
    /// no guesses.
    ///
    /// # Errors
    /// `LimitExceededException` once the window is full.
    pub(super) fn count_guess(
        &self,
        subject: Subject<'_>,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<()> {
        if self.count_in_window(&subject.guesses(purpose), GUESSES, now)? {
            Ok(())
        } else {
            Err(limit_exceeded())
        }
    }

    /// Counts one code sent (or, for a name no user has, pretended sent)
    /// for `subject` and `purpose`.
    ///
    /// # Errors
    /// `LimitExceededException` once the window is full: nothing is sent.
    pub(super) fn count_send(
        &self,
        subject: Subject<'_>,
        purpose: CodePurpose,
        now: Timestamp,
    ) -> Result<()> {
        if self.count_in_window(&subject.sends(purpose), SENDS, now)? {
            Ok(())
        } else {
            Err(limit_exceeded())
        }
    }

    /// Whether a name no user has is locked out now, without counting an
    /// attempt: `CUSTOM_AUTH` checks it before running any trigger.
    ///
    /// # Errors
    /// `NotAuthorizedException: Password attempts exceeded` during a lock.
    pub(super) fn check_unknown_locked(&self, digest: &[u8; 32], now: Timestamp) -> Result<()> {
        let key = EphemeralKey::UnknownSignIn { digest: *digest };
        let state = self
            .store()
            .get_ephemeral(self.id(), &key)
            .map_err(store_error)?
            .and_then(|r| decode_lockout(&r.data))
            .unwrap_or_default();
        match lockout::check(&state, now) {
            Decision::Locked { .. } => Err(lockout::locked_error()),
            Decision::Allowed => Ok(()),
        }
    }

    /// [`UserPool::begin_attempt`] for a name no user has, under
    /// `PreventUserExistenceErrors=ENABLED`: refused during a lock, counted
    /// as a failure otherwise, exactly as a user's attempt (the sign-in
    /// always fails, so no success ever resets it; idle time does). The
    /// record expires when the state would reset anyway.
    ///
    /// # Errors
    /// `NotAuthorizedException: Password attempts exceeded` during a lock.
    pub(super) fn begin_unknown_attempt(&self, digest: &[u8; 32], now: Timestamp) -> Result<()> {
        let key = EphemeralKey::UnknownSignIn { digest: *digest };
        self.update_ephemeral(&key, |current| {
            let state = current
                .and_then(|r| decode_lockout(&r.data))
                .unwrap_or_default();
            if let Decision::Locked { .. } = lockout::check(&state, now) {
                return Err(lockout::locked_error());
            }
            let next = lockout::record_failure(&state, now);
            let idle_from = next.locked_until.unwrap_or(now).max(now);
            Ok(Step::Write(
                encode_lockout(&next),
                idle_from.saturating_add(lockout::RESET_AFTER),
                (),
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_and_lockout_states_round_trip_and_refuse_other_lengths() {
        let t = Timestamp::from_unix_millis(1_700_000_000_123);
        assert_eq!(decode_window(&encode_window(t, 7)), Some((t, 7)));
        assert_eq!(decode_window(&[0; 11]), None);
        assert_eq!(decode_window(&[0; 13]), None);
        let states = [
            LockoutState::default(),
            LockoutState {
                failures: 6,
                locked_until: Some(t),
                last_attempt: Some(Timestamp::from_unix_millis(-5)),
            },
        ];
        for s in states {
            assert_eq!(decode_lockout(&encode_lockout(&s)), Some(s));
        }
        assert_eq!(decode_lockout(&[0; 19]), None);
    }
}
