//! A shadow run: what was asked (station, strategy, local days, step, battery model), where it
//! stands (queued → running → succeeded | failed, days done of days in all) and its report.

use super::battery::BatteryModel;
use super::report::ShadowReport;
use crate::domain::params::StrategyParams;
use chrono::{DateTime, NaiveDate, Utc};
use mgc_kernel::{JobId, StationId, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

mgc_kernel::define_id!(
    /// Identifies a shadow run.
    ShadowRunId
);

/// Kind of the run's row in the generic jobs table.
pub const JOB_KIND: &str = "shadow_run";
/// Event name of the completion notification.
pub const COMPLETED_EVENT: &str = "shadow_run.completed";
/// Longest run (local days).
pub const MAX_DAYS: i64 = 92;
/// Default step (s).
pub const DEFAULT_STEP_S: u32 = 60;

/// Where a run stands (the same words as the jobs table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// Waiting for the runner.
    Queued,
    /// Being replayed.
    Running,
    /// Finished with a report.
    Succeeded,
    /// Finished without a report (see `error`).
    Failed,
}

impl RunState {
    /// The stored word.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Queued => "queued",
            RunState::Running => "running",
            RunState::Succeeded => "succeeded",
            RunState::Failed => "failed",
        }
    }

    /// Parses a stored word.
    #[must_use]
    pub fn parse(s: &str) -> Option<RunState> {
        Some(match s {
            "queued" => RunState::Queued,
            "running" => RunState::Running,
            "succeeded" => RunState::Succeeded,
            "failed" => RunState::Failed,
            _ => return None,
        })
    }

    /// True once the run ended.
    #[must_use]
    pub fn is_finished(self) -> bool {
        matches!(self, RunState::Succeeded | RunState::Failed)
    }
}

/// A saved strategy as it was when a run was queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedStrategyRef {
    /// The strategy.
    pub id: Uuid,
    /// Its version whose parameters are replayed.
    pub version: i64,
}

/// What an operator asks to replay (validated by [`ShadowRunSpec::validate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShadowRunSpec {
    /// Station.
    pub station_id: StationId,
    /// Strategy type and parameters.
    pub strategy: StrategyParams,
    /// The saved strategy and version the parameters were taken from (`None`: given inline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy_ref: Option<SavedStrategyRef>,
    /// First local day.
    pub from: NaiveDate,
    /// Last local day (inclusive).
    pub to: NaiveDate,
    /// Simulation step (s): a divisor of 900 between 10 and 900.
    pub step_s: u32,
    /// The simulated battery.
    pub battery: BatteryModel,
    /// Notification channel told when the run finishes.
    pub notify_channel_id: Option<Uuid>,
}

impl ShadowRunSpec {
    /// Checks every field against the station's local `today` (only ended days can be
    /// replayed); the message names the field.
    pub fn validate(&self, today: NaiveDate) -> Result<(), String> {
        if self.to < self.from {
            return Err(format!("to: {} is before from {}", self.to, self.from));
        }
        let days = (self.to - self.from).num_days() + 1;
        if days > MAX_DAYS {
            return Err(format!("to: a run covers at most {MAX_DAYS} days, {} to {} is {days}", self.from, self.to));
        }
        if self.to >= today {
            return Err(format!("to: {} has not ended yet in the station's time zone (today is {today})", self.to));
        }
        if !(10..=900).contains(&self.step_s) || 900 % self.step_s != 0 {
            return Err(format!("step_s: must divide 900 and be at least 10, got {}", self.step_s));
        }
        self.strategy.validate().map_err(|e| format!("strategy.{e}"))?;
        self.battery.validate()
    }

    /// Number of local days.
    #[must_use]
    pub fn days(&self) -> u32 {
        u32::try_from((self.to - self.from).num_days() + 1).unwrap_or(0)
    }
}

/// A run and its state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShadowRun {
    /// Id.
    pub id: ShadowRunId,
    /// Tenant.
    #[serde(skip)]
    pub tenant: TenantId,
    /// Its row in the jobs table (progress at `/api/v1/jobs/{id}`).
    pub job_id: JobId,
    /// What was asked.
    #[serde(flatten)]
    pub spec: ShadowRunSpec,
    /// Where it stands.
    pub state: RunState,
    /// Local days replayed.
    pub days_done: u32,
    /// Local days in all.
    pub days_total: u32,
    /// Why it failed.
    pub error: Option<String>,
    /// The report, once succeeded (served at `report.json`).
    #[serde(skip)]
    pub report: Option<ShadowReport>,
    /// Who asked.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When the runner started it (last time).
    pub started_at: Option<DateTime<Utc>>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
}

impl ShadowRun {
    /// A new queued run.
    #[must_use]
    pub fn queued(tenant: TenantId, spec: ShadowRunSpec, created_by: &str, at: DateTime<Utc>) -> ShadowRun {
        ShadowRun {
            id: ShadowRunId::new(),
            tenant,
            job_id: JobId::new(),
            days_total: spec.days(),
            spec,
            state: RunState::Queued,
            days_done: 0,
            error: None,
            report: None,
            created_by: created_by.to_owned(),
            created_at: at,
            started_at: None,
            finished_at: None,
        }
    }

    /// The parameters shown on the run's job.
    #[must_use]
    pub fn job_params(&self) -> Value {
        json!({"shadow_run_id": self.id, "station_id": self.spec.station_id, "from": self.spec.from,
            "to": self.spec.to, "strategy": self.spec.strategy.type_name()})
    }

    /// The notification to queue when the run finished and names a channel.
    #[must_use]
    pub fn completion_notice(&self) -> Option<RunNotice> {
        let channel_id = self.spec.notify_channel_id?;
        let strategy = self.spec.strategy.type_name();
        let (title, text) = match (&self.report, &self.error) {
            (Some(r), _) => {
                let t = &r.totals;
                let cur = t.currency.as_deref().unwrap_or("");
                (
                    format!("Shadow run {} succeeded", self.id),
                    format!(
                        "{strategy} on station {} from {} to {}: savings {} {cur} (minor units), peak reduction {} W, {} battery cycles, {} unpriced days.",
                        self.spec.station_id, self.spec.from, self.spec.to, t.savings_minor, t.peak_reduction_w,
                        t.battery.cycles, t.unpriced_days
                    ),
                )
            }
            (None, error) => (
                format!("Shadow run {} failed", self.id),
                format!(
                    "{strategy} on station {} from {} to {} failed: {}",
                    self.spec.station_id,
                    self.spec.from,
                    self.spec.to,
                    error.as_deref().unwrap_or("unknown error")
                ),
            ),
        };
        let payload = json!({"shadow_run_id": self.id, "job_id": self.job_id, "station_id": self.spec.station_id,
            "strategy": strategy, "from": self.spec.from, "to": self.spec.to, "state": self.state,
            "error": self.error, "totals": self.report.as_ref().map(|r| &r.totals)});
        Some(RunNotice { channel_id, event: COMPLETED_EVENT.to_owned(), title, text, payload })
    }
}

/// A notification to queue on a channel, in the transaction that finishes the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunNotice {
    /// Channel.
    pub channel_id: Uuid,
    /// Event name (`shadow_run.completed`).
    pub event: String,
    /// Short title.
    pub title: String,
    /// Summary text.
    pub text: String,
    /// JSON payload (ids, state, totals).
    pub payload: Value,
}
