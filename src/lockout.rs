//! Cognito's sign-in lockout, as a pure state machine of time.
//!
//! Cognito documents its schedule (cognito-protocol.md §7.9, from the
//! developer guide's authentication-flow page): after **five** failed sign-in
//! attempts the user is locked out for 1 second, and each further failure
//! doubles the lockout, up to about 15 minutes. Attempts made *during* a
//! lockout are refused with `NotAuthorizedException: Password attempts
//! exceeded` and neither count nor extend it. The counter resets after 15
//! consecutive minutes without sign-in attempts.
//!
//! This module holds that policy and nothing else: a [`LockoutState`] per
//! user, and three pure functions of `(state, now)` — [`check`] before
//! verifying a credential, then [`record_failure`] or [`record_success`]
//! after. No clock is read and nothing is stored here; the caller persists the
//! returned state (for example with a compare-and-swap on the user record).
//!
//! ```text
//!           success, or RESET_AFTER (15 min) with no counted attempt
//!    +--------------------------------------------------------------+
//!    v                                                              |
//! +---------+  failure  +-------------------+  failure, n <= 4      |
//! |  Fresh  |---------->| Counting n = 1..4 |-----+                 |
//! |  n = 0  |           | check: Allowed    |<----+                 |
//! +---------+           +-------------------+-----------------------+
//!                           | failure, n = 5                        |
//!                           v                                       |
//!               +--------------------------------+                  |
//!       +------>| Locked until now + L(n)        |                  |
//!       |       |   L(n) = min(2^(n-5) s, 900 s) |                  |
//!       |       | check: Locked; attempts are    |                  |
//!       |       | not counted, lock not extended |                  |
//!       |       +--------------------------------+                  |
//!       |                   | now >= until                          |
//!       |                   v                                       |
//!       |       +--------------------------------+                  |
//!       +-------| Expired, n >= 5                |------------------+
//!    failure:   | check: Allowed                 |  (idle time counts
//!    n += 1     +--------------------------------+   from `until`)
//! ```
//!
//! # Decisions
//!
//! * **Where idle time starts.** "15 consecutive minutes without sign-in
//!   attempts" is measured from the later of the last counted attempt and the
//!   end of the current lock ([`RESET_AFTER`]). Time spent locked out is not
//!   idle time, because the user could not try. Measured from the last
//!   attempt alone, a capped lock (900 s) would end exactly when the counter
//!   resets, and a patient attacker would get four free guesses back after
//!   every lock instead of one guess per 15 minutes.
//! * **The cap.** "About 15 minutes" is taken as exactly [`MAX_LOCK`],
//!   900 s, first reached by the 15th failure (`2^10` s would be 1024 s).
//! * **Refused attempts leave no trace.** An attempt during a lock changes
//!   nothing, not even the idle timer, so [`check`] needs no state update.
//!   [`record_failure`] called during a lock (a caller that skipped `check`)
//!   returns the state unchanged.
//! * **Success resets everything**, to [`LockoutState::default`], so a store
//!   may drop the state of a user who signed in.
//!
//! The tests below step a clock through the schedule.

use std::time::Duration;

use crate::clock::Timestamp;
use crate::error::Error;

/// How many failures only count: the next one (the fifth) starts locking.
pub(crate) const FREE_FAILURES: u32 = 4;

/// The longest lock: 15 minutes, the cap of the doubling schedule.
pub(crate) const MAX_LOCK: Duration = Duration::from_secs(15 * 60);

/// Idle time after which the failure counter starts again from zero: 15
/// minutes, counted from the later of the last counted attempt and the end
/// of the lock.
pub(crate) const RESET_AFTER: Duration = Duration::from_secs(15 * 60);

/// Cognito's message for an attempt made during a lockout (cognito-protocol.md §5.2).
pub(crate) const LOCKED_MESSAGE: &str = "Password attempts exceeded";

/// One user's failed-sign-in record.
///
/// Plain data for the store to persist; only [`record_failure`] and
/// [`record_success`] should produce new values. The default is a user with
/// no failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct LockoutState {
    /// Failures counted since the last reset (success or idle period).
    pub failures: u32,
    /// End of the current or most recent lock, if the counter has reached
    /// [`FREE_FAILURES`] + 1 since the last reset.
    pub locked_until: Option<Timestamp>,
    /// When the last counted failure happened.
    pub last_attempt: Option<Timestamp>,
}

/// What [`check`] says about an attempt at `now`.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Verify the credential, then call [`record_failure`] or [`record_success`].
    Allowed,
    /// Refuse without verifying anything, with [`locked_error`]; record
    /// nothing.
    Locked {
        /// When attempts are allowed again.
        until: Timestamp,
    },
}

/// How long the `failures`-th failure locks: nothing for the first
/// [`FREE_FAILURES`], then `2^(failures − 5)` seconds, capped at [`MAX_LOCK`].
#[must_use]
pub(crate) fn lock_duration(failures: u32) -> Duration {
    if failures <= FREE_FAILURES {
        return Duration::ZERO;
    }
    let exponent = failures - (FREE_FAILURES + 1);
    // 2^10 s already exceeds the cap; larger exponents would overflow the shift.
    match 1u64.checked_shl(exponent) {
        Some(secs) if exponent < 10 => Duration::from_secs(secs).min(MAX_LOCK),
        _ => MAX_LOCK,
    }
}

/// Whether an attempt at `now` may go ahead.
///
/// A state idle for [`RESET_AFTER`] is treated as fresh, so this is
/// [`Decision::Allowed`] whenever `now` is at or past the lock's end.
pub(crate) fn check(state: &LockoutState, now: Timestamp) -> Decision {
    match current(state, now).locked_until {
        Some(until) if now < until => Decision::Locked { until },
        _ => Decision::Allowed,
    }
}

/// The state after a failed attempt at `now` (wrong password, wrong SRP
/// proof).
///
/// The failure is counted after the idle reset, and the fifth and later
/// counted failures lock for [`lock_duration`] from `now`. During a lock the
/// state is returned unchanged: such an attempt is not counted and does not
/// extend the lock.
#[must_use]
pub(crate) fn record_failure(state: &LockoutState, now: Timestamp) -> LockoutState {
    let s = current(state, now);
    if matches!(s.locked_until, Some(until) if now < until) {
        return s;
    }
    let failures = s.failures.saturating_add(1);
    let locked_until =
        (failures > FREE_FAILURES).then(|| now.saturating_add(lock_duration(failures)));
    LockoutState {
        failures,
        locked_until,
        last_attempt: Some(now),
    }
}

/// The state after a successful sign-in: no failures, no lock.
///
/// `_now` is taken for symmetry with [`record_failure`]; a success resets
/// everything whatever the time. Callers must [`check`] first, so a
/// credential is never verified during a lock.
#[must_use]
pub(crate) fn record_success(_state: &LockoutState, _now: Timestamp) -> LockoutState {
    LockoutState::default()
}

/// The error for an attempt refused by [`Decision::Locked`]:
/// `NotAuthorizedException: Password attempts exceeded` (cognito-protocol.md §7.9).
#[must_use]
pub(crate) fn locked_error() -> Error {
    Error::not_authorized(LOCKED_MESSAGE)
}

/// `state` as it stands at `now`: fresh if it has been idle for [`RESET_AFTER`].
fn current(state: &LockoutState, now: Timestamp) -> LockoutState {
    let idle_since = match (state.last_attempt, state.locked_until) {
        (None, None) => return *state,
        (Some(t), None) | (None, Some(t)) => t,
        (Some(a), Some(b)) => a.max(b),
    };
    if now >= idle_since && now.duration_since(idle_since) >= RESET_AFTER {
        LockoutState::default()
    } else {
        *state
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use proptest::prelude::*;

    use super::*;

    const T0: Timestamp = Timestamp::from_unix_seconds(1_700_000_000);

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// `n` failures starting at `start`, each one checked first and each made
    /// the moment the previous lock ends. Returns the state and the time of
    /// the last failure.
    fn fail_n(mut state: LockoutState, n: u32, start: Timestamp) -> (LockoutState, Timestamp) {
        let mut now = start;
        for i in 0..n {
            if i > 0
                && let Some(until) = state.locked_until
            {
                now = now.max(until);
            }
            assert_eq!(check(&state, now), Decision::Allowed);
            state = record_failure(&state, now);
        }
        (state, now)
    }

    #[test]
    fn four_failures_only_count() {
        let mut state = LockoutState::default();
        let mut now = T0;
        for n in 1..=4 {
            assert_eq!(check(&state, now), Decision::Allowed);
            state = record_failure(&state, now);
            assert_eq!(state.failures, n);
            assert_eq!(state.locked_until, None);
            now = now.saturating_add(secs(1));
        }
        assert_eq!(check(&state, now), Decision::Allowed);
    }

    #[test]
    fn fifth_failure_locks_for_one_second() {
        let (state, t) = fail_n(LockoutState::default(), 5, T0);
        assert_eq!(t, T0);
        let until = T0.saturating_add(secs(1));
        assert_eq!(state.locked_until, Some(until));
        assert_eq!(check(&state, T0), Decision::Locked { until });
        let just_before = until.saturating_sub(Duration::from_millis(1));
        assert_eq!(check(&state, just_before), Decision::Locked { until });
        assert_eq!(check(&state, until), Decision::Allowed);
    }

    #[test]
    fn attempts_during_a_lock_are_not_counted_and_do_not_extend_it() {
        let (state, t) = fail_n(LockoutState::default(), 6, T0); // 2 s lock
        let until = t.saturating_add(secs(2));
        for ms in [0, 500, 1999] {
            let now = t.saturating_add(Duration::from_millis(ms));
            assert_eq!(check(&state, now), Decision::Locked { until });
            assert_eq!(record_failure(&state, now), state);
        }
        assert_eq!(check(&state, until), Decision::Allowed);
    }

    #[test]
    fn each_failure_after_the_lock_doubles_it_up_to_the_cap() {
        let (mut state, mut now) = fail_n(LockoutState::default(), 4, T0);
        let expected = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900];
        for (i, &lock) in expected.iter().enumerate() {
            assert_eq!(check(&state, now), Decision::Allowed, "failure {}", i + 5);
            state = record_failure(&state, now);
            assert_eq!(state.failures, 5 + i as u32);
            let until = now.saturating_add(secs(lock));
            assert_eq!(check(&state, now), Decision::Locked { until });
            // Try again the moment the lock ends.
            now = until;
        }
    }

    #[test]
    fn the_cap_is_held_however_many_failures() {
        assert_eq!(lock_duration(14), secs(512));
        assert_eq!(lock_duration(15), MAX_LOCK);
        assert_eq!(lock_duration(1000), MAX_LOCK);
        assert_eq!(lock_duration(u32::MAX), MAX_LOCK);
        let mut state = LockoutState {
            failures: u32::MAX - 1,
            locked_until: None,
            last_attempt: Some(T0),
        };
        for _ in 0..3 {
            state = record_failure(&state, T0.saturating_add(secs(1)));
            assert_eq!(state.failures, u32::MAX);
            assert_eq!(state.locked_until, Some(T0.saturating_add(secs(1 + 900))));
        }
    }

    #[test]
    fn lock_schedule_starts_at_the_fifth_failure() {
        for n in 0..=4 {
            assert_eq!(lock_duration(n), Duration::ZERO);
        }
        assert_eq!(lock_duration(5), secs(1));
        assert_eq!(lock_duration(6), secs(2));
        assert_eq!(lock_duration(7), secs(4));
    }

    #[test]
    fn fifteen_idle_minutes_reset_the_counter() {
        let (state, _) = fail_n(LockoutState::default(), 4, T0);
        let almost = T0.saturating_add(RESET_AFTER - Duration::from_millis(1));
        // One more failure just before the reset locks.
        let locked = record_failure(&state, almost);
        assert_eq!(locked.failures, 5);
        assert!(matches!(check(&locked, almost), Decision::Locked { .. }));
        // At the reset it counts as the first failure again.
        let reset_at = T0.saturating_add(RESET_AFTER);
        let fresh = record_failure(&state, reset_at);
        assert_eq!(fresh.failures, 1);
        assert_eq!(fresh.locked_until, None);
        assert_eq!(fail_n(fresh, 3, reset_at).0.failures, 4);
    }

    #[test]
    fn idle_time_starts_when_the_lock_ends() {
        let (state, t) = fail_n(LockoutState::default(), 15, T0); // 900 s lock
        let until = t.saturating_add(MAX_LOCK);
        assert_eq!(state.locked_until, Some(until));
        // The lock ending is not a reset: the next failure is the 16th.
        assert_eq!(record_failure(&state, until).failures, 16);
        let almost = until.saturating_add(RESET_AFTER - Duration::from_millis(1));
        assert_eq!(record_failure(&state, almost).failures, 16);
        // Fifteen minutes after the lock ended, the user starts again.
        let later = until.saturating_add(RESET_AFTER);
        assert_eq!(check(&state, later), Decision::Allowed);
        assert_eq!(record_failure(&state, later).failures, 1);
    }

    #[test]
    fn success_resets_everything() {
        let (state, _) = fail_n(LockoutState::default(), 7, T0);
        let after = state.locked_until.unwrap();
        let state = record_success(&state, after);
        assert_eq!(state, LockoutState::default());
        assert_eq!(fail_n(state, 4, after).0.locked_until, None);
    }

    #[test]
    fn locked_error_is_cognitos() {
        let e = locked_error();
        assert_eq!(e.code(), crate::ErrorCode::NotAuthorized);
        assert_eq!(e.message(), "Password attempts exceeded");
    }

    #[test]
    fn a_clock_going_backwards_does_not_reset_or_unlock() {
        let (state, _) = fail_n(LockoutState::default(), 5, T0);
        let earlier = T0.saturating_sub(RESET_AFTER + secs(60));
        assert_eq!(current(&state, earlier), state);
    }

    #[derive(Clone, Debug)]
    enum Event {
        Failure,
        Success,
    }

    fn events() -> impl Strategy<Value = Vec<(u64, Event)>> {
        // Advances from nothing to well past the reset period, in milliseconds.
        let advance = prop_oneof![0u64..2_000, 0u64..(2 * 900_000)];
        let event = prop_oneof![4 => Just(Event::Failure), 1 => Just(Event::Success)];
        prop::collection::vec((advance, event), 0..200)
    }

    proptest! {
        #[test]
        fn lock_never_exceeds_the_cap_and_always_ends(events in events()) {
            let mut state = LockoutState::default();
            let mut now = T0;
            for (advance, event) in events {
                now = now.saturating_add(Duration::from_millis(advance));
                let before = state;
                let decision = check(&state, now);
                state = match event {
                    Event::Failure => record_failure(&state, now),
                    Event::Success => record_success(&state, now),
                };
                if let Decision::Locked { until } = decision {
                    prop_assert!(now < until);
                    prop_assert!(until.duration_since(now) <= MAX_LOCK);
                    if matches!(event, Event::Failure) {
                        prop_assert_eq!(state, before, "a refused attempt changed the state");
                    }
                }
                if let Some(until) = state.locked_until {
                    let started = state.last_attempt.unwrap_or(until);
                    prop_assert!(until.duration_since(started) <= MAX_LOCK);
                    prop_assert_eq!(check(&state, until), Decision::Allowed);
                    prop_assert_eq!(
                        check(&state, until.saturating_add(Duration::from_millis(advance))),
                        Decision::Allowed
                    );
                }
                if state.failures <= FREE_FAILURES {
                    prop_assert_eq!(check(&state, now), Decision::Allowed);
                }
            }
        }
    }

    #[test]
    fn five_failures_lock_for_a_second_and_a_success_resets() {
        use crate::Timestamp;
        use crate::lockout::{self, Decision, LockoutState};
        use std::time::Duration;

        let mut now = Timestamp::from_unix_seconds(1_700_000_000);
        let mut state = LockoutState::default();
        for _ in 0..4 {
            assert_eq!(lockout::check(&state, now), Decision::Allowed);
            state = lockout::record_failure(&state, now);
        }
        // The fifth failure locks for one second.
        state = lockout::record_failure(&state, now);
        let until = now.saturating_add(Duration::from_secs(1));
        assert_eq!(lockout::check(&state, now), Decision::Locked { until });

        now = until;
        assert_eq!(lockout::check(&state, now), Decision::Allowed);
        state = lockout::record_success(&state, now);
        assert_eq!(state, LockoutState::default());
    }
}
