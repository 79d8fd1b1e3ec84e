//! One scheduler round: close every station's due hours and recompute its dirty ones, each
//! station in its own transaction, a few stations at a time.

use super::close::close_station;
use super::config::AnalyticsConfig;
use super::windows::SaveReport;
use crate::domain::repository::{AnalyticsRepository, AnalyticsScheduling};
use crate::domain::tracking::due_hours;
use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use mgc_eventing::{OutboxStore, OutboxWriter, UnitOfWork};
use mgc_kernel::{RepoError, StationId, TenantId};
use serde::Serialize;
use std::collections::BTreeSet;

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RoundReport {
    /// Stations that had work.
    pub stations: u64,
    /// Saved versions.
    pub saved: SaveReport,
    /// Stations that failed (retried next round), with the reason.
    pub errors: Vec<String>,
}

/// Runs one round at `now`.
pub async fn run_round<S>(store: &S, now: DateTime<Utc>, config: &AnalyticsConfig) -> Result<RoundReport, RepoError>
where
    S: OutboxStore + AnalyticsScheduling,
    S::Tx: AnalyticsRepository + OutboxWriter,
{
    let dirty: BTreeSet<(TenantId, StationId)> =
        store.stations_with_dirty_hours().await?.into_iter().map(|s| (s.tenant, s.station_id)).collect();
    let work: Vec<(TenantId, StationId)> = store
        .tracked_stations()
        .await?
        .into_iter()
        .filter(|c| dirty.contains(&(c.tenant.clone(), c.station_id)) || !due_hours(c, now, config.grace, 1).is_empty())
        .map(|c| (c.tenant, c.station_id))
        .collect();
    let mut report = RoundReport { stations: work.len() as u64, ..RoundReport::default() };
    let results: Vec<Result<SaveReport, String>> = stream::iter(work)
        .map(|(tenant, station)| async move {
            close_one(store, &tenant, station, now, config)
                .await
                .map_err(|e| format!("station {station} of {tenant}: {e}"))
        })
        .buffer_unordered(config.concurrency.max(1))
        .collect()
        .await;
    for result in results {
        match result {
            Ok(saved) => report.saved.add(&saved),
            Err(e) => {
                tracing::warn!(error = %e, "closing statistics failed; retried next round");
                report.errors.push(e);
            }
        }
    }
    Ok(report)
}

async fn close_one<S>(
    store: &S,
    tenant: &TenantId,
    station: StationId,
    now: DateTime<Utc>,
    config: &AnalyticsConfig,
) -> Result<SaveReport, RepoError>
where
    S: OutboxStore,
    S::Tx: AnalyticsRepository + OutboxWriter,
{
    let mut tx = store.begin().await?;
    let report = close_station(&mut tx, tenant, station, now, config).await?.unwrap_or_default();
    tx.commit().await?;
    Ok(report)
}
