//! Settings of the analytics context.

use crate::domain::hour::EnergyRules;
use chrono::Duration;

/// How windows are closed and energy is calculated.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticsConfig {
    /// An hour closes this long after it ended (late data inside it needs no recompute).
    pub grace: Duration,
    /// Longest gap between two samples that is still integrated.
    pub max_gap: Duration,
    /// Modulus at which cumulative meters wrap, when known.
    pub meter_rollover_wh: Option<f64>,
    /// Data older than this many days before its arrival is stored but not analysed.
    pub max_backfill_days: i64,
    /// Hours one station closes per scheduler round at most (catch-up is spread over rounds).
    pub max_hours_per_round: usize,
    /// Stations closed concurrently.
    pub concurrency: usize,
}

impl Default for AnalyticsConfig {
    fn default() -> Self {
        Self {
            grace: Duration::minutes(5),
            max_gap: Duration::minutes(5),
            meter_rollover_wh: None,
            max_backfill_days: 400,
            max_hours_per_round: 24 * 7,
            concurrency: 4,
        }
    }
}

impl AnalyticsConfig {
    /// The energy rules these settings imply.
    #[must_use]
    pub fn rules(&self) -> EnergyRules {
        EnergyRules { max_gap: self.max_gap, rollover_wh: self.meter_rollover_wh }
    }
}
