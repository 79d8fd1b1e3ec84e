//! Injectable time source: production code asks a [`Clock`], tests drive a [`ManualClock`].

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// A source of the current UTC time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// A clock shared across components and threads.
pub type SharedClock = Arc<dyn Clock>;

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl SystemClock {
    /// Wraps the system clock as a [`SharedClock`].
    #[must_use]
    pub fn shared() -> SharedClock {
        Arc::new(SystemClock)
    }
}

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock standing at `at`.
    #[must_use]
    pub fn new(at: DateTime<Utc>) -> Self {
        Self { now: Arc::new(Mutex::new(at)) }
    }

    /// Moves the clock (and all its clones) to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.lock() = at;
    }

    /// Moves the clock by `by` (may be negative); saturates at chrono's representable range.
    pub fn advance(&self, by: Duration) {
        let mut now = self.lock();
        *now = now.checked_add_signed(by).unwrap_or(if by < Duration::zero() {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        });
    }

    /// A [`SharedClock`] handle that shares time with this clock.
    #[must_use]
    pub fn shared(&self) -> SharedClock {
        Arc::new(self.clone())
    }

    fn lock(&self) -> MutexGuard<'_, DateTime<Utc>> {
        self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 8, 6, 0, 0).unwrap()
    }

    #[test]
    fn given_manual_clock_when_advanced_then_now_moves() {
        let clock = ManualClock::new(t0());
        clock.advance(Duration::minutes(90));
        assert_eq!(clock.now(), t0() + Duration::minutes(90));
        clock.advance(Duration::minutes(-30));
        assert_eq!(clock.now(), t0() + Duration::hours(1));
    }

    #[test]
    fn given_clones_when_one_is_set_then_all_see_it() {
        let clock = ManualClock::new(t0());
        let shared: SharedClock = clock.shared();
        let later = t0() + Duration::days(2);
        clock.clone().set(later);
        assert_eq!(shared.now(), later);
        assert_eq!(clock.now(), later);
    }

    #[test]
    fn given_huge_advance_then_saturates_instead_of_panicking() {
        let clock = ManualClock::new(t0());
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), DateTime::<Utc>::MAX_UTC);
        clock.advance(Duration::MIN);
        clock.advance(Duration::MIN);
        assert_eq!(clock.now(), DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn given_poisoned_mutex_then_clock_still_works() {
        let clock = ManualClock::new(t0());
        let poisoner = clock.clone();
        let _ = std::thread::spawn(move || {
            let _guard = poisoner.now.lock();
            panic!("poison the clock");
        })
        .join();
        assert!(clock.now.is_poisoned());
        clock.advance(Duration::seconds(1));
        assert_eq!(clock.now(), t0() + Duration::seconds(1));
    }

    #[test]
    fn given_system_clock_then_now_is_recent() {
        let clock = SystemClock::shared();
        assert!(clock.now() > Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap());
    }
}
