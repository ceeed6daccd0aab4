//! Time as an injected dependency.
//!
//! Every expiry in the crate (codes, temporary passwords, lockouts, tokens)
//! is decided against a [`Clock`] the pool was built with, never the system
//! clock directly, so tests step time with a [`ManualClock`] instead of
//! sleeping.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An instant, in milliseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    unix_millis: i64,
}

impl Timestamp {
    /// The Unix epoch, 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: Self = Self { unix_millis: 0 };

    /// The instant `unix_millis` milliseconds after the Unix epoch.
    #[must_use]
    pub const fn from_unix_millis(unix_millis: i64) -> Self {
        Self { unix_millis }
    }

    /// The instant `unix_seconds` seconds after the Unix epoch (saturating).
    #[must_use]
    pub const fn from_unix_seconds(unix_seconds: i64) -> Self {
        Self {
            unix_millis: unix_seconds.saturating_mul(1000),
        }
    }

    /// Milliseconds since the Unix epoch.
    #[must_use]
    pub const fn unix_millis(self) -> i64 {
        self.unix_millis
    }

    /// Whole seconds since the Unix epoch (rounded towards negative infinity),
    /// the unit of Cognito's wire timestamps and JWT claims.
    #[must_use]
    pub const fn unix_seconds(self) -> i64 {
        self.unix_millis.div_euclid(1000)
    }

    /// `self + d`, saturating at the largest representable instant.
    #[must_use]
    pub fn saturating_add(self, d: Duration) -> Self {
        let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        Self {
            unix_millis: self.unix_millis.saturating_add(ms),
        }
    }

    /// `self - d`, saturating at the smallest representable instant.
    #[must_use]
    pub fn saturating_sub(self, d: Duration) -> Self {
        let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        Self {
            unix_millis: self.unix_millis.saturating_sub(ms),
        }
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    #[must_use]
    pub fn duration_since(self, earlier: Self) -> Duration {
        let diff = self.unix_millis.saturating_sub(earlier.unix_millis);
        Duration::from_millis(u64::try_from(diff).unwrap_or(0))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({} ms)", self.unix_millis)
    }
}

/// A source of the current time.
///
/// Implementations must be cheap to call and must never go backwards by more
/// than the system clock does; the pool reads the clock once per operation.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_unix_millis(ms)
    }
}

/// A clock that only moves when told to. Clones share the same time, so a
/// test keeps one handle and gives another to the pool.
#[derive(Clone, Debug)]
pub struct ManualClock {
    unix_millis: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock stopped at `start`.
    #[must_use]
    pub fn new(start: Timestamp) -> Self {
        Self {
            unix_millis: Arc::new(AtomicI64::new(start.unix_millis())),
        }
    }

    /// Moves the clock forward by `d`.
    pub fn advance(&self, d: Duration) {
        let ms = i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        // A saturating add expressed as an atomic update.
        let _ = self
            .unix_millis
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(ms))
            });
    }

    /// Sets the clock to `t` (which may be earlier than now).
    pub fn set(&self, t: Timestamp) {
        self.unix_millis.store(t.unix_millis(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix_millis(self.unix_millis.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_clones_share_time() {
        let a = ManualClock::new(Timestamp::from_unix_seconds(1_700_000_000));
        let b = a.clone();
        a.advance(Duration::from_secs(90));
        assert_eq!(b.now().unix_seconds(), 1_700_000_090);
        b.set(Timestamp::UNIX_EPOCH);
        assert_eq!(a.now(), Timestamp::UNIX_EPOCH);
    }

    #[test]
    fn seconds_round_towards_negative_infinity() {
        assert_eq!(Timestamp::from_unix_millis(-1).unix_seconds(), -1);
        assert_eq!(Timestamp::from_unix_millis(1999).unix_seconds(), 1);
    }

    #[test]
    fn duration_since_is_zero_when_reversed() {
        let t = Timestamp::from_unix_seconds(10);
        assert_eq!(Timestamp::UNIX_EPOCH.duration_since(t), Duration::ZERO);
        assert_eq!(
            t.duration_since(Timestamp::UNIX_EPOCH),
            Duration::from_secs(10)
        );
    }
}
