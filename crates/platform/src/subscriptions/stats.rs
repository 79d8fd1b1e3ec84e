//! A subscription's delivery statistics: counts by state, success rate and latency percentiles.

use crate::subscriptions::domain::SubscriptionId;
use crate::subscriptions::ports::DeliveryFigures;
use serde::Serialize;

/// Latency percentiles (nearest rank) of delivered notifications, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Latency {
    /// Deliveries measured.
    pub count: usize,
    /// Median.
    pub p50_ms: Option<i64>,
    /// 95th percentile.
    pub p95_ms: Option<i64>,
    /// 99th percentile.
    pub p99_ms: Option<i64>,
    /// Slowest.
    pub max_ms: Option<i64>,
}

/// What `GET /api/v1/subscriptions/{id}/stats` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscriptionStats {
    /// The subscription.
    pub subscription_id: SubscriptionId,
    /// Accepted by the receiver.
    pub delivered: i64,
    /// Waiting for a first attempt.
    pub pending: i64,
    /// Failed, another attempt scheduled.
    pub retrying: i64,
    /// Given up (dead letter, replayable).
    pub dead: i64,
    /// Attempts made.
    pub attempts: i64,
    /// Attempts that failed (attempts − delivered).
    pub failed_attempts: i64,
    /// delivered / (delivered + dead); none before any delivery finished.
    pub success_rate: Option<f64>,
    /// From queueing to acceptance.
    pub latency: Latency,
}

fn nearest_rank(sorted: &[i64], pct: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (pct * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The statistics of `figures`.
pub fn stats_of(id: SubscriptionId, figures: DeliveryFigures) -> SubscriptionStats {
    let mut l = figures.latencies_ms;
    l.sort_unstable();
    let finished = figures.delivered + figures.dead;
    SubscriptionStats {
        subscription_id: id,
        delivered: figures.delivered,
        pending: figures.pending,
        retrying: figures.retrying,
        dead: figures.dead,
        attempts: figures.attempts,
        failed_attempts: (figures.attempts - figures.delivered).max(0),
        success_rate: (finished > 0).then(|| figures.delivered as f64 / finished as f64),
        latency: Latency {
            count: l.len(),
            p50_ms: nearest_rank(&l, 50),
            p95_ms: nearest_rank(&l, 95),
            p99_ms: nearest_rank(&l, 99),
            max_ms: l.last().copied(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_hundred_latencies_then_nearest_rank_percentiles() {
        let figures = DeliveryFigures {
            delivered: 100,
            dead: 1,
            attempts: 104,
            latencies_ms: (1..=100).rev().collect(),
            ..DeliveryFigures::default()
        };
        let s = stats_of(SubscriptionId::new(), figures);
        assert_eq!(
            (s.latency.p50_ms, s.latency.p95_ms, s.latency.p99_ms, s.latency.max_ms),
            (Some(50), Some(95), Some(99), Some(100))
        );
        assert_eq!(s.failed_attempts, 4);
        assert_eq!(s.success_rate, Some(100.0 / 101.0));
        let empty = stats_of(SubscriptionId::new(), DeliveryFigures::default());
        assert_eq!((empty.success_rate, empty.latency.p50_ms), (None, None));
    }
}
