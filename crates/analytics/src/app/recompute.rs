//! Recompute jobs: every hour of a range computed again (a new version only where a figure
//! changed), a local day per transaction, with progress and errors on the job.

use super::close::{close_range, CloseError};
use super::config::AnalyticsConfig;
use super::windows::SaveReport;
use crate::domain::repository::{AnalyticsRepository, AnalyticsScheduling, Job, JobState};
use chrono::{DateTime, Utc};
use mgc_eventing::{OutboxStore, OutboxWriter, UnitOfWork};
use mgc_kernel::{Granularity, JobId, RepoError, SharedClock, StationId, StationTz, TenantId};
use serde::{Deserialize, Serialize};

/// The job kind of recomputes.
pub const RECOMPUTE_JOB: &str = "analytics.recompute";

/// Parameters of a recompute job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecomputeParams {
    /// Station.
    pub station_id: StationId,
    /// Its zone when the job was asked for.
    pub time_zone: StationTz,
    /// Start of the range.
    pub from: DateTime<Utc>,
    /// End of the range.
    pub to: DateTime<Utc>,
}

/// Queues a recompute of `[from, to)` (ended hours only); refuses empty or too long ranges.
pub async fn queue_recompute<S: AnalyticsScheduling>(
    store: &S,
    tenant: &TenantId,
    params: RecomputeParams,
    by: &str,
    now: DateTime<Utc>,
    config: &AnalyticsConfig,
) -> Result<Job, CloseError> {
    if params.from >= params.to {
        return Err(CloseError::EmptyRange { from: params.from, to: params.to });
    }
    let to = params.to.min(now);
    if to - params.from > chrono::Duration::days(config.max_backfill_days) {
        return Err(CloseError::RangeTooLong { max_days: config.max_backfill_days });
    }
    let total =
        params.time_zone.windows_between(Granularity::Hour, params.from, to).iter().filter(|h| h.end <= now).count();
    if total == 0 {
        return Err(CloseError::NothingEnded { from: params.from, to: params.to, now });
    }
    let job = Job {
        id: JobId::new(),
        tenant: tenant.clone(),
        kind: RECOMPUTE_JOB.to_owned(),
        params: serde_json::to_value(&params).map_err(|e| RepoError::Backend(e.to_string()))?,
        state: JobState::Queued,
        done: 0,
        total: total as u64,
        errors: Vec::new(),
        result: None,
        created_by: by.to_owned(),
        created_at: now,
        started_at: None,
        finished_at: None,
    };
    store.save_job(&job).await?;
    Ok(job)
}

/// Runs queued recompute jobs until none is left; returns how many ran.
pub async fn run_jobs<S>(store: &S, clock: &SharedClock, config: &AnalyticsConfig) -> Result<u64, RepoError>
where
    S: OutboxStore + AnalyticsScheduling,
    S::Tx: AnalyticsRepository + OutboxWriter,
{
    let mut ran = 0;
    while let Some(mut job) = store.claim_job(RECOMPUTE_JOB, clock.now()).await? {
        ran += 1;
        match serde_json::from_value::<RecomputeParams>(job.params.clone()) {
            Ok(params) => run_recompute(store, &mut job, &params, clock, config).await?,
            Err(e) => job.errors.push(format!("unreadable parameters: {e}")),
        }
        job.state = if job.errors.is_empty() { JobState::Succeeded } else { JobState::Failed };
        job.finished_at = Some(clock.now());
        store.save_job(&job).await?;
    }
    Ok(ran)
}

async fn run_recompute<S>(
    store: &S,
    job: &mut Job,
    p: &RecomputeParams,
    clock: &SharedClock,
    config: &AnalyticsConfig,
) -> Result<(), RepoError>
where
    S: OutboxStore + AnalyticsScheduling,
    S::Tx: AnalyticsRepository + OutboxWriter,
{
    let mut saved = SaveReport::default();
    for day in p.time_zone.windows_between(Granularity::Day, p.from, p.to) {
        let (from, to) = (day.start.max(p.from), day.end.min(p.to));
        let now = clock.now();
        let hours = p.time_zone.windows_between(Granularity::Hour, from, to).iter().filter(|h| h.end <= now).count();
        if hours == 0 {
            continue;
        }
        let mut tx = store.begin().await?;
        match close_range(&mut tx, &job.tenant, p.station_id, p.time_zone, from, to, true, now, config).await {
            Ok(report) => {
                tx.commit().await?;
                saved.add(&report);
            }
            Err(e) => job.errors.push(format!("{}: {e}", p.time_zone.local_label(&day, Granularity::Day))),
        }
        job.done += hours as u64;
        store.save_job(job).await?;
    }
    job.result = serde_json::to_value(saved).ok();
    Ok(())
}
