//! The scheduler round: every enabled strategy whose slot is due is evaluated once per slot —
//! inputs from the latest values (and the tariff band now), the pure decision, the no-repeat
//! rule — and recorded as an execution; in the same unit of work its `CommandRequested`
//! events go to the outbox and the set-points sent become the new "last sent".

use crate::domain::execution::{plan, Execution, Outcome};
use crate::domain::params::StrategyParams;
use crate::domain::ports::TariffView;
use crate::domain::readings::assemble;
use crate::domain::repository::{
    setpoints_of, LastSent, LatestReadings, StrategyQueries, StrategyRepository, StrategyUnits,
};
use crate::domain::strategy::Strategy;
use crate::domain::targets::StationSite;
use crate::ExecutionId;
use chrono::{DateTime, Duration, TimeZone, Utc};
use mgc_contracts::CommandRequested;
use mgc_eventing::{emit, UnitOfWork};
use mgc_kernel::{RepoError, StationTz};
use std::collections::BTreeMap;

/// Settings of the scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// Length of an evaluation slot: each strategy is evaluated at most once per slot.
    pub interval: Duration,
    /// Readings older than this are not used (the input counts as missing).
    pub max_input_age: Duration,
    /// Most strategies evaluated per round.
    pub batch: u32,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self { interval: Duration::seconds(60), max_input_age: Duration::seconds(300), batch: 500 }
    }
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Executions recorded, per outcome.
    pub outcomes: BTreeMap<&'static str, usize>,
    /// Strategies another evaluation (or a change) claimed first.
    pub skipped: usize,
    /// Strategies whose evaluation failed (retried next round).
    pub errors: Vec<String>,
}

impl RoundReport {
    /// Executions recorded.
    #[must_use]
    pub fn executions(&self) -> usize {
        self.outcomes.values().sum()
    }
}

/// The start of the slot after the one containing `now`.
#[must_use]
pub fn next_slot(now: DateTime<Utc>, interval: Duration) -> DateTime<Utc> {
    let len = interval.num_seconds().max(1);
    let start = now.timestamp().div_euclid(len).saturating_add(1).saturating_mul(len);
    Utc.timestamp_opt(start, 0).single().unwrap_or(now + interval)
}

/// Evaluates every due strategy at `now`; each in its own unit of work.
pub async fn run_round<S>(store: &S, now: DateTime<Utc>, config: &SchedulerConfig) -> Result<RoundReport, RepoError>
where
    S: StrategyUnits + StrategyQueries + LatestReadings + TariffView,
{
    let mut report = RoundReport::default();
    for s in store.due_strategies(now, config.batch).await? {
        match evaluate(store, &s, now, config).await {
            Ok(Some(ex)) => {
                *report.outcomes.entry(ex.outcome.as_str()).or_default() += 1;
            }
            Ok(None) => report.skipped += 1,
            Err(e) => {
                tracing::warn!(strategy = %s.id, error = %e, "strategy evaluation failed; retried next round");
                report.errors.push(format!("strategy {}: {e}", s.id));
            }
        }
    }
    Ok(report)
}

/// The import band of the station's tariff at `now` (`None` without a tariff pricing today).
async fn band_now<S: TariffView>(store: &S, s: &Strategy, now: DateTime<Utc>) -> Result<Option<String>, RepoError> {
    let slot = Duration::minutes(15);
    let bands = store.import_bands(&s.tenant, s.station_id, now - slot, now + slot).await?.unwrap_or_default();
    Ok(bands.into_iter().filter(|(start, _)| *start <= now && now < *start + slot).map(|(_, b)| b).next_back())
}

/// Evaluates one strategy; `None` when its slot was claimed by someone else first.
pub async fn evaluate<S>(
    store: &S,
    s: &Strategy,
    now: DateTime<Utc>,
    config: &SchedulerConfig,
) -> Result<Option<Execution>, RepoError>
where
    S: StrategyUnits + StrategyQueries + LatestReadings + TariffView,
{
    // Reads first, outside the unit of work (on SQLite a unit of work holds the only writer).
    let site = store
        .site_of(&s.tenant, s.station_id)
        .await?
        .unwrap_or(StationSite { time_zone: StationTz(chrono_tz::UTC), devices: Vec::new() });
    let readings = store.latest_readings(&s.tenant, s.station_id).await?;
    let band = match s.params {
        StrategyParams::TouArbitrage(_) => band_now(store, s, now).await?,
        _ => None,
    };
    let local = now.with_timezone(&site.time_zone.0).naive_local();
    let inputs = assemble(&readings, now, local, band, config.max_input_age);

    let mut tx = store.begin_strategy_tx().await?;
    if !tx.claim_slot(&s.tenant, s.id, s.version, now, next_slot(now, config.interval)).await? {
        return Ok(None);
    }
    let last = tx.last_sent(&s.tenant, s.id).await?;
    let id = ExecutionId::new();
    let (ex, sent) = plan(s, id, inputs, &site, &setpoints_of(&last), config.max_input_age.num_seconds());
    tx.save_execution(&s.tenant, &ex).await?;
    for c in &ex.commands {
        let event = CommandRequested {
            strategy_id: s.id.as_uuid(),
            strategy_version: s.version,
            execution_id: id.as_uuid(),
            station_id: s.station_id,
            device_id: c.device_id,
            method: c.method.clone(),
            params: c.params.clone(),
            timeout_s: s.command_timeout_s,
            idempotency_key: c.idempotency_key.clone(),
        };
        emit(&mut tx, &s.tenant, &event, now).await?;
    }
    for sent in sent {
        let last = LastSent { actuator: sent.setpoint.actuator(), sent, execution_id: id };
        tx.save_last_sent(&s.tenant, s.id, &last, now).await?;
    }
    tx.commit().await?;
    if ex.outcome == Outcome::CommandsRequested {
        tracing::info!(strategy = %s.id, execution = %id, commands = ex.commands.len(), reason = %ex.decision.reason, "strategy requested commands");
    }
    Ok(Some(ex))
}
