//! The `[outbox]` configuration section: how the dispatcher claims, retries and purges events.

use mgc_eventing::{Backoff, DispatcherConfig};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Outbox dispatcher settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    /// Events claimed per round.
    pub batch_size: u32,
    /// Attempts before an event goes to the dead-letter table.
    pub max_attempts: u32,
    /// First retry delay (ms); doubles per attempt, with jitter.
    pub backoff_base_ms: u64,
    /// Longest retry delay (ms).
    pub backoff_max_ms: u64,
    /// Claim lease (s): another instance may take an event after it.
    pub lease_secs: u64,
    /// This instance's id; a restart with the same id releases its dead predecessor's claims at
    /// once. Empty: `<host name>:<absolute data dir>`. Never share one between live processes.
    pub instance_id: String,
    /// Polling fallback when no wake-up arrives (ms).
    pub poll_interval_ms: u64,
    /// `/readyz` fails above this outbox lag (s).
    pub ready_max_lag_secs: f64,
    /// Hours delivered events are kept before they are purged.
    pub retention_hours: u64,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        Self {
            batch_size: 100,
            max_attempts: 10,
            backoff_base_ms: 500,
            backoff_max_ms: 300_000,
            lease_secs: 60,
            instance_id: String::new(),
            poll_interval_ms: 1000,
            ready_max_lag_secs: 300.0,
            retention_hours: 168,
        }
    }
}

impl OutboxConfig {
    /// What is wrong with these settings, each naming its key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, v) in [
            ("batch_size", u64::from(self.batch_size)),
            ("max_attempts", u64::from(self.max_attempts)),
            ("backoff_base_ms", self.backoff_base_ms),
            ("lease_secs", self.lease_secs),
            ("poll_interval_ms", self.poll_interval_ms),
            ("retention_hours", self.retention_hours),
        ] {
            if v == 0 {
                problems.push(format!("outbox.{name}: must be greater than 0"));
            }
        }
        if self.backoff_max_ms < self.backoff_base_ms {
            problems.push("outbox.backoff_max_ms: must be at least backoff_base_ms".into());
        }
        if !self.ready_max_lag_secs.is_finite() || self.ready_max_lag_secs <= 0.0 {
            problems.push("outbox.ready_max_lag_secs: must be positive".into());
        }
        problems
    }

    /// Dispatcher tuning from these settings.
    pub fn dispatcher(&self) -> DispatcherConfig {
        DispatcherConfig {
            batch_size: self.batch_size,
            max_attempts: self.max_attempts,
            lease: Duration::from_secs(self.lease_secs),
            backoff: Backoff {
                base: Duration::from_millis(self.backoff_base_ms),
                max: Duration::from_millis(self.backoff_max_ms),
            },
            poll_interval: Duration::from_millis(self.poll_interval_ms),
            retention: Duration::from_secs(self.retention_hours.saturating_mul(3600)),
        }
    }
}
