//! Exponential backoff with jitter for failed deliveries.

use std::time::Duration;

/// Exponential backoff: `base * 2^(attempt-1)` capped at `max`, with "equal jitter"
/// (half of the delay fixed, the other half random) so retries of many events spread out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Delay before the first retry (before jitter).
    pub base: Duration,
    /// Upper bound of any delay.
    pub max: Duration,
}

impl Backoff {
    /// Delay before retry number `attempt` (1 = after the first failure); `unit` is a random
    /// number in `[0, 1)` so the function stays pure and testable.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let raw = self.base.saturating_mul(1u32 << exp).min(self.max);
        let half = raw / 2;
        let unit = if unit.is_finite() { unit.clamp(0.0, 1.0) } else { 0.0 };
        half + half.mul_f64(unit)
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self { base: Duration::from_millis(500), max: Duration::from_secs(300) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff() -> Backoff {
        Backoff { base: Duration::from_secs(1), max: Duration::from_secs(60) }
    }

    #[test]
    fn given_successive_attempts_when_no_jitter_then_delay_doubles() {
        let b = backoff();
        let d: Vec<_> = (1..=4).map(|a| b.delay(a, 1.0)).collect();
        assert_eq!(
            d,
            vec![Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4), Duration::from_secs(8)]
        );
    }

    #[test]
    fn given_many_attempts_when_delay_then_capped_at_max() {
        assert_eq!(backoff().delay(40, 1.0), Duration::from_secs(60));
        assert_eq!(backoff().delay(u32::MAX, 1.0), Duration::from_secs(60));
    }

    #[test]
    fn given_jitter_when_delay_then_between_half_and_full() {
        let b = backoff();
        assert_eq!(b.delay(3, 0.0), Duration::from_secs(2));
        let mid = b.delay(3, 0.5);
        assert!(mid > Duration::from_secs(2) && mid < Duration::from_secs(4));
        assert_eq!(b.delay(3, f64::NAN), Duration::from_secs(2));
    }
}
