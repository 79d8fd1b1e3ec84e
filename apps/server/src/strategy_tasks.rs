//! The strategy scheduler task and its `[strategy]` settings: every few seconds, evaluate the
//! strategies whose slot (`interval_secs` long) is due; count executions by outcome.

use mgc_kernel::SharedClock;
use mgc_store::Store;
use mgc_strategy::SchedulerConfig;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::sync::watch;

/// `[strategy]`: the scheduler.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StrategySettings {
    /// Length of an evaluation slot (s): each enabled strategy is evaluated once per slot.
    pub interval_secs: u64,
    /// Readings older than this (s) count as missing.
    pub max_input_age_secs: u64,
    /// Run the scheduler in this instance.
    pub enabled: bool,
}

impl Default for StrategySettings {
    fn default() -> Self {
        Self { interval_secs: 60, max_input_age_secs: 300, enabled: true }
    }
}

impl StrategySettings {
    /// Messages naming each bad setting.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !(1..=86_400).contains(&self.interval_secs) {
            p.push("strategy.interval_secs: must be between 1 and 86400".to_owned());
        }
        if !(1..=86_400).contains(&self.max_input_age_secs) {
            p.push("strategy.max_input_age_secs: must be between 1 and 86400".to_owned());
        }
        p
    }

    /// The scheduler's configuration.
    pub fn to_config(&self) -> SchedulerConfig {
        let secs = |s: u64| chrono::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000));
        SchedulerConfig {
            interval: secs(self.interval_secs),
            max_input_age: secs(self.max_input_age_secs),
            ..SchedulerConfig::default()
        }
    }
}

/// One round at the clock's time; failures are logged and retried next round.
pub async fn round(store: &Store, clock: &SharedClock, config: &SchedulerConfig) {
    match mgc_strategy::run_round(store, clock.now(), config).await {
        Ok(report) => {
            for (outcome, n) in &report.outcomes {
                metrics::counter!("mgc_strategy_executions_total", "outcome" => *outcome).increment(*n as u64);
            }
            if !report.errors.is_empty() {
                metrics::counter!("mgc_strategy_executions_total", "outcome" => "error")
                    .increment(report.errors.len() as u64);
            }
            if report.executions() > 0 {
                tracing::debug!(outcomes = ?report.outcomes, skipped = report.skipped, "strategy round");
            }
        }
        Err(e) => tracing::warn!(error = %e, "strategy round failed; retried next round"),
    }
}

/// Runs rounds until `stop` turns true (nothing when the scheduler is disabled here). Rounds
/// come every few seconds; the slots keep each strategy to one evaluation per interval.
pub async fn run(store: Store, clock: SharedClock, settings: StrategySettings, mut stop: watch::Receiver<bool>) {
    if !settings.enabled {
        tracing::info!("strategy scheduler disabled in this instance");
        return;
    }
    let config = settings.to_config();
    let poll = Duration::from_secs(settings.interval_secs.clamp(1, 5));
    loop {
        round(&store, &clock, &config).await;
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = stop.changed() => break,
        }
    }
}
