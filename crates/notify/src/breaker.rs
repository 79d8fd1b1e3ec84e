//! Circuit breaker per endpoint: opens after consecutive failures, lets one probe through
//! when the open period is over (half-open), closes on its success.

use chrono::{DateTime, Duration, Utc};

/// Breaker tuning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerConfig {
    /// Consecutive failures that open it.
    pub failures_to_open: u32,
    /// How long it stays open before a probe.
    pub open_for: Duration,
}

/// State for metrics and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    /// Sending normally.
    Closed,
    /// Not sending until the given time.
    Open,
    /// One probe in flight or allowed.
    HalfOpen,
}

/// Whether a send may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Send.
    Go,
    /// Do not send before this time.
    WaitUntil(DateTime<Utc>),
}

/// One endpoint's breaker.
#[derive(Debug, Clone, Default)]
pub struct Breaker {
    failures: u32,
    open_until: Option<DateTime<Utc>>,
    probing: bool,
}

impl Breaker {
    /// Current state at `now`.
    pub fn state(&self, now: DateTime<Utc>) -> BreakerState {
        match self.open_until {
            None => BreakerState::Closed,
            Some(until) if now < until => BreakerState::Open,
            Some(_) => BreakerState::HalfOpen,
        }
    }

    /// Asks to send at `now`; in half-open state only one probe is admitted at a time.
    pub fn admit(&mut self, now: DateTime<Utc>, cfg: &BreakerConfig) -> Admission {
        match self.state(now) {
            BreakerState::Closed => Admission::Go,
            BreakerState::Open => Admission::WaitUntil(self.open_until.unwrap_or(now)),
            BreakerState::HalfOpen if self.probing => Admission::WaitUntil(now + cfg.open_for),
            BreakerState::HalfOpen => {
                self.probing = true;
                Admission::Go
            }
        }
    }

    /// A send succeeded: close.
    pub fn on_success(&mut self) {
        *self = Breaker::default();
    }

    /// A send failed at `now`: count it; open (again) at the threshold or after a failed probe.
    pub fn on_failure(&mut self, now: DateTime<Utc>, cfg: &BreakerConfig) {
        self.failures = self.failures.saturating_add(1);
        if self.probing || self.failures >= cfg.failures_to_open {
            self.open_until = Some(now + cfg.open_for);
            self.probing = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn cfg() -> BreakerConfig {
        BreakerConfig { failures_to_open: 3, open_for: Duration::seconds(30) }
    }

    fn t(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::seconds(s)
    }

    #[test]
    fn given_consecutive_failures_then_opens_then_half_open_probe_closes_on_success() {
        let mut b = Breaker::default();
        for _ in 0..2 {
            assert_eq!(b.admit(t(0), &cfg()), Admission::Go);
            b.on_failure(t(0), &cfg());
        }
        assert_eq!(b.state(t(0)), BreakerState::Closed);
        b.on_failure(t(0), &cfg());
        assert_eq!(b.state(t(1)), BreakerState::Open);
        assert_eq!(b.admit(t(1), &cfg()), Admission::WaitUntil(t(30)));
        assert_eq!(b.admit(t(30), &cfg()), Admission::Go, "one probe");
        assert!(matches!(b.admit(t(30), &cfg()), Admission::WaitUntil(_)), "only one probe at a time");
        b.on_success();
        assert_eq!(b.state(t(30)), BreakerState::Closed);
    }

    #[test]
    fn given_failed_probe_then_opens_again() {
        let mut b = Breaker::default();
        (0..3).for_each(|_| b.on_failure(t(0), &cfg()));
        assert_eq!(b.admit(t(30), &cfg()), Admission::Go);
        b.on_failure(t(30), &cfg());
        assert_eq!(b.state(t(31)), BreakerState::Open);
        assert_eq!(b.admit(t(60), &cfg()), Admission::Go);
    }
}
