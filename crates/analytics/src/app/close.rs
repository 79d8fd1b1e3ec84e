//! Closing a station's hours: the scheduler's round for one station, and the manual close.

use super::config::AnalyticsConfig;
use super::windows::{compute_hours, SaveReport};
use crate::domain::repository::AnalyticsRepository;
use crate::domain::tracking::{due_hours, StationCursor};
use chrono::{DateTime, Utc};
use mgc_eventing::{OutboxWriter, UnitOfWork};
use mgc_kernel::{Granularity, RepoError, StationId, StationTz, TenantId, Window};

/// Closes the station's due hours and recomputes its dirty ones, advancing the cursor.
/// Returns `None` when the station is not tracked.
pub async fn close_station<Tx>(
    tx: &mut Tx,
    tenant: &TenantId,
    station: StationId,
    now: DateTime<Utc>,
    config: &AnalyticsConfig,
) -> Result<Option<SaveReport>, RepoError>
where
    Tx: AnalyticsRepository + OutboxWriter + Send,
{
    let Some(mut cursor) = tx.cursor(tenant, station).await? else {
        return Ok(None);
    };
    let due = due_hours(&cursor, now, config.grace, config.max_hours_per_round);
    let dirty = tx.take_dirty(tenant, station, cursor.closed_until).await?;
    let mut hours: Vec<Window> =
        dirty.iter().map(|start| cursor.tz.window_containing(Granularity::Hour, *start)).collect();
    hours.extend(due.iter().copied());
    hours.sort();
    hours.dedup();
    if hours.is_empty() {
        return Ok(Some(SaveReport::default()));
    }
    let report = compute_hours(tx, &cursor, &hours, &config.rules(), now).await?;
    if let Some(last) = due.last() {
        cursor.closed_until = last.end;
        tx.save_cursor(&cursor, now).await?;
    }
    Ok(Some(report))
}

/// Why a manual close was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloseError {
    /// The station does not exist in the tenant.
    #[error("station {0} not found")]
    StationNotFound(StationId),
    /// `from` is not before `to`.
    #[error("'from' ({from}) must be before 'to' ({to})")]
    EmptyRange {
        /// Start asked for.
        from: DateTime<Utc>,
        /// End asked for.
        to: DateTime<Utc>,
    },
    /// The range is longer than a manual close may cover.
    #[error("range longer than {max_days} days")]
    RangeTooLong {
        /// The longest range, in days.
        max_days: i64,
    },
    /// No hour of the range has ended yet.
    #[error("no hour of [{from}, {to}) has ended yet (now {now})")]
    NothingEnded {
        /// Start asked for.
        from: DateTime<Utc>,
        /// End asked for.
        to: DateTime<Utc>,
        /// The time of the request.
        now: DateTime<Utc>,
    },
    /// Storage failed.
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl CloseError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::StationNotFound(_) => "station_not_found",
            Self::EmptyRange { .. } | Self::NothingEnded { .. } | Self::RangeTooLong { .. } => "invalid_range",
            Self::Repo(_) => "storage_error",
        }
    }
}

/// A manual close: the station's hours of `[from, to)` in its zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CloseRequest {
    /// Station.
    pub station: StationId,
    /// Its time zone.
    pub tz: StationTz,
    /// Start (inclusive).
    pub from: DateTime<Utc>,
    /// End (exclusive).
    pub to: DateTime<Utc>,
    /// Recompute hours already closed too.
    pub recalculate: bool,
}

/// [`close_range`] in a unit of work of its own, committed when it succeeded (what the API calls).
pub async fn close_range_now<Tx>(
    mut tx: Tx,
    tenant: &TenantId,
    req: CloseRequest,
    now: DateTime<Utc>,
    config: &AnalyticsConfig,
) -> Result<SaveReport, CloseError>
where
    Tx: AnalyticsRepository + OutboxWriter + UnitOfWork + Send,
{
    let CloseRequest { station, tz, from, to, recalculate } = req;
    let report = close_range(&mut tx, tenant, station, tz, from, to, recalculate, now, config).await?;
    tx.commit().await?;
    Ok(report)
}

/// Closes (or with `recalculate` recomputes) every ended hour of `[from, to)` of a station,
/// whether or not the scheduler reached it; hours already closed are only recomputed when
/// asked. Starts tracking the station if it was not tracked.
#[allow(clippy::too_many_arguments)]
pub async fn close_range<Tx>(
    tx: &mut Tx,
    tenant: &TenantId,
    station: StationId,
    tz: StationTz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    recalculate: bool,
    now: DateTime<Utc>,
    config: &AnalyticsConfig,
) -> Result<SaveReport, CloseError>
where
    Tx: AnalyticsRepository + OutboxWriter + Send,
{
    if from >= to {
        return Err(CloseError::EmptyRange { from, to });
    }
    let max_span = chrono::Duration::days(config.max_backfill_days);
    if to - from > max_span {
        return Err(CloseError::RangeTooLong { max_days: config.max_backfill_days });
    }
    let hours: Vec<Window> = tz
        .windows_between(Granularity::Hour, from, to)
        .into_iter()
        .filter(|h| h.end <= now && h.start >= from)
        .collect();
    if hours.is_empty() {
        return Err(CloseError::NothingEnded { from, to, now });
    }
    let cursor = match tx.cursor(tenant, station).await? {
        Some(mut c) => {
            let day_start = c.tz.window_containing(Granularity::Day, from).start;
            if day_start < c.tracked_from {
                c.tracked_from = day_start;
                tx.save_cursor(&c, now).await?;
            }
            c
        }
        None => {
            let day_start = tz.window_containing(Granularity::Day, from).start;
            let c = StationCursor {
                tenant: tenant.clone(),
                station_id: station,
                tz,
                tracked_from: day_start,
                closed_until: day_start,
            };
            tx.save_cursor(&c, now).await?;
            c
        }
    };
    let todo = if recalculate {
        hours
    } else {
        let range = Window { start: hours[0].start, end: hours[hours.len() - 1].end };
        let closed: Vec<_> = tx
            .current_stats(tenant, station, Granularity::Hour, &range, false)
            .await?
            .into_iter()
            .map(|s| s.window.start)
            .collect();
        hours.into_iter().filter(|h| !closed.contains(&h.start)).collect()
    };
    Ok(compute_hours(tx, &cursor, &todo, &config.rules(), now).await?)
}
