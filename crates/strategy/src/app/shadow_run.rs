//! Shadow runs as a job: queue a validated run, and run queued runs one local day at a time
//! (progress saved per day), pricing both sides with the station's tariff; the finished run,
//! its job and its completion notification are saved together.

use crate::domain::ports::TariffView;
use crate::domain::shadow::battery::SimBattery;
use crate::domain::shadow::ports::{HistoryReader, ShadowRunStore};
use crate::domain::shadow::replay::{DayInput, Replayer};
use crate::domain::shadow::report::{day_report, totals, DayReport, ShadowReport};
use crate::domain::shadow::run::{RunState, ShadowRun, ShadowRunSpec};
use crate::StrategyParams;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use mgc_kernel::{Granularity, RepoError, SharedClock, StationTz, TenantId, Window};

/// How runs are replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct ShadowSettings {
    /// A sample is held at most this long; older, its input is unknown (a gap).
    pub max_sample_age: Duration,
    /// A running run is leased this long, renewed after every day; a runner that stops leaves
    /// the run to be claimed again once the lease ran out.
    pub lease: Duration,
}

impl Default for ShadowSettings {
    fn default() -> Self {
        ShadowSettings { max_sample_age: Duration::minutes(5), lease: Duration::minutes(2) }
    }
}

/// Why a run could not be queued.
#[derive(Debug, thiserror::Error)]
pub enum ShadowError {
    /// A field is wrong (the message names it).
    #[error("{0}")]
    Invalid(String),
    /// The station does not exist for the tenant.
    #[error("station {0} not found")]
    StationNotFound(String),
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// Validates `spec` (against the station's local today) and queues the run with its job.
pub async fn queue_run<S>(
    store: &S,
    tenant: &TenantId,
    spec: ShadowRunSpec,
    by: &str,
    now: DateTime<Utc>,
) -> Result<ShadowRun, ShadowError>
where
    S: ShadowRunStore + HistoryReader,
{
    let tz = store
        .station_zone(tenant, spec.station_id)
        .await?
        .ok_or_else(|| ShadowError::StationNotFound(spec.station_id.to_string()))?;
    let today = tz.0.from_utc_datetime(&now.naive_utc()).date_naive();
    spec.validate(today).map_err(ShadowError::Invalid)?;
    if let Some(channel) = spec.notify_channel_id {
        if !store.notify_channel_exists(tenant, channel).await? {
            return Err(ShadowError::Invalid(format!("notify_channel_id: no notification channel {channel}")));
        }
    }
    let run = ShadowRun::queued(tenant.clone(), spec, by, now);
    store.queue_run(&run).await?;
    Ok(run)
}

/// Claims and runs queued runs until none is left; returns how many ran.
pub async fn run_queued<S>(store: &S, clock: &SharedClock, settings: &ShadowSettings) -> Result<usize, RepoError>
where
    S: ShadowRunStore + HistoryReader + TariffView,
{
    let mut ran = 0;
    loop {
        let now = clock.now();
        let Some(run) = store.claim_run(now, now + settings.lease).await? else { break };
        match run_one(store, clock, settings, run).await {
            Err(RepoError::Conflict(why)) => tracing::warn!(%why, "shadow run taken over by another runner"),
            other => other?,
        }
        ran += 1;
    }
    Ok(ran)
}

/// Runs one claimed run to its end (succeeded or failed) and saves it; `RepoError::Conflict`
/// (nothing saved) when another runner claimed it meanwhile.
pub async fn run_one<S>(
    store: &S,
    clock: &SharedClock,
    settings: &ShadowSettings,
    mut run: ShadowRun,
) -> Result<(), RepoError>
where
    S: ShadowRunStore + HistoryReader + TariffView,
{
    run.days_done = 0;
    match replay(store, clock, settings, &mut run).await {
        Err(RepoError::Conflict(why)) => return Err(RepoError::Conflict(why)),
        Ok(report) => {
            run.state = RunState::Succeeded;
            run.report = Some(report);
            run.error = None;
        }
        Err(e) => {
            tracing::warn!(run = %run.id, error = %e, "shadow run failed");
            run.state = RunState::Failed;
            run.report = None;
            run.error = Some(e.to_string());
        }
    }
    run.finished_at = Some(clock.now());
    let notice = run.completion_notice();
    store.finish_run(&run, notice.as_ref()).await
}

/// The UTC window of local `day` in `tz`.
fn day_window(tz: StationTz, day: NaiveDate) -> Result<Window, RepoError> {
    let noon = day.and_hms_opt(12, 0, 0).ok_or_else(|| RepoError::Invalid(format!("day {day}")))?;
    let at = tz.0.from_local_datetime(&noon).earliest().ok_or_else(|| RepoError::Invalid(format!("day {day}")))?;
    Ok(tz.window_containing(Granularity::Day, at.with_timezone(&Utc)))
}

async fn replay<S>(
    store: &S,
    clock: &SharedClock,
    settings: &ShadowSettings,
    run: &mut ShadowRun,
) -> Result<ShadowReport, RepoError>
where
    S: ShadowRunStore + HistoryReader + TariffView,
{
    let (tenant, station) = (run.tenant.clone(), run.spec.station_id);
    let tz = store
        .station_zone(&tenant, station)
        .await?
        .ok_or_else(|| RepoError::NotFound { what: "station", id: station.to_string() })?;
    let capacity = run.spec.battery.capacity_wh;
    let battery = SimBattery::new(run.spec.battery.clone());
    let uses_bands = matches!(run.spec.strategy, StrategyParams::TouArbitrage(_));
    let mut replayer = Replayer::new(run.spec.strategy.clone(), battery, run.spec.step_s, settings.max_sample_age);
    let mut days: Vec<DayReport> = Vec::new();
    let mut currency: Option<String> = None;
    for day in run.spec.from.iter_days().take_while(|d| *d <= run.spec.to) {
        let w = day_window(tz, day)?;
        let readings = store.history(&tenant, station, w.start - settings.max_sample_age, w.end).await?;
        let bands = if uses_bands {
            store.import_bands(&tenant, station, w.start, w.end).await?.unwrap_or_default()
        } else {
            Vec::new()
        };
        let sim =
            replayer.day(&DayInput { day, start: w.start, end: w.end, tz: tz.0, readings: &readings, bands: &bands });
        let baseline = store.price_day(&tenant, station, day, &sim.baseline).await?;
        let strategy = store.price_day(&tenant, station, day, &sim.strategy).await?;
        let costs = baseline.zip(strategy);
        if let Some((b, _)) = &costs {
            match &currency {
                None => currency = Some(b.currency.clone()),
                Some(c) if *c != b.currency => {
                    return Err(RepoError::Invalid(format!(
                        "the tariff currency changes from {c} to {} on {day}; run the two periods separately",
                        b.currency
                    )))
                }
                Some(_) => {}
            }
        }
        days.push(day_report(&sim, costs, capacity));
        run.days_done += 1;
        store.save_progress(run, clock.now() + settings.lease).await?;
    }
    Ok(ShadowReport { totals: totals(&days, currency, capacity), days })
}
