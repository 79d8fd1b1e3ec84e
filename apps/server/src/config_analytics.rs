//! The `[analytics]` configuration section: window closing and energy rules.

use serde::{Deserialize, Serialize};

/// Window closing and energy rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyticsSettings {
    /// Seconds after an hour ends before the scheduler closes it.
    pub grace_secs: i64,
    /// Longest gap (seconds) between two power samples that is still integrated.
    pub max_gap_secs: i64,
    /// Value at which cumulative meters wrap (Wh); 0 = unknown (a big drop is a reset).
    pub meter_rollover_wh: f64,
    /// Data older than this many days before it arrives is stored but not analysed.
    pub max_backfill_days: i64,
    /// Seconds between scheduler rounds.
    pub tick_secs: u64,
    /// Stations closed concurrently in a round.
    pub concurrency: usize,
    /// Memory (MiB) of the `GET /api/v1/stats` answer cache; 0 turns it off.
    pub stats_cache_mib: usize,
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        Self {
            grace_secs: 300,
            max_gap_secs: 300,
            meter_rollover_wh: 0.0,
            max_backfill_days: 400,
            tick_secs: 30,
            concurrency: 4,
            stats_cache_mib: 64,
        }
    }
}

impl AnalyticsSettings {
    /// Problems with the settings, each naming the key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !(0..=86_400).contains(&self.grace_secs) {
            problems.push("analytics.grace_secs: must be between 0 and 86400".to_owned());
        }
        if !(1..=86_400).contains(&self.max_gap_secs) {
            problems.push("analytics.max_gap_secs: must be between 1 and 86400".to_owned());
        }
        if !self.meter_rollover_wh.is_finite() || self.meter_rollover_wh < 0.0 {
            problems.push("analytics.meter_rollover_wh: must be 0 (unknown) or a positive number".to_owned());
        }
        if !(1..=3660).contains(&self.max_backfill_days) {
            problems.push("analytics.max_backfill_days: must be between 1 and 3660".to_owned());
        }
        if self.tick_secs == 0 {
            problems.push("analytics.tick_secs: must be greater than 0".to_owned());
        }
        if !(1..=64).contains(&self.concurrency) {
            problems.push("analytics.concurrency: must be between 1 and 64".to_owned());
        }
        if self.stats_cache_mib > 65_536 {
            problems.push("analytics.stats_cache_mib: must be between 0 and 65536".to_owned());
        }
        problems
    }

    /// The stats answer cache's bound in bytes.
    pub fn stats_cache_bytes(&self) -> usize {
        self.stats_cache_mib.saturating_mul(1 << 20)
    }

    /// The analytics context's configuration.
    pub fn to_config(&self) -> mgc_analytics::AnalyticsConfig {
        mgc_analytics::AnalyticsConfig {
            grace: chrono::Duration::seconds(self.grace_secs),
            max_gap: chrono::Duration::seconds(self.max_gap_secs),
            meter_rollover_wh: (self.meter_rollover_wh > 0.0).then_some(self.meter_rollover_wh),
            max_backfill_days: self.max_backfill_days,
            concurrency: self.concurrency,
            ..mgc_analytics::AnalyticsConfig::default()
        }
    }
}
