//! Computing hours from raw samples and cascading to day, month and year, inside one unit of
//! work: a window gets a new version only when its figures change, and every new day, month
//! and year version is announced with `StatisticCalculated` in the same transaction. Hour
//! versions are not announced: nothing consumes them (settlement prices days), and they were
//! 24 of every 27 events of a station-day, each appended, claimed and marked for nothing.

use super::hours::compute_hour_runs;
use crate::domain::hour::EnergyRules;
use crate::domain::point_stats::PointFigures;
use crate::domain::repository::AnalyticsRepository;
use crate::domain::rollup::{roll_up_points, roll_up_station};
use crate::domain::statistic::{NewVersion, PointStat, StationStat};
use crate::domain::tracking::StationCursor;
use chrono::{DateTime, Utc};
use mgc_contracts::{EnergySlot, EventEnvelope, IntegrationEvent, StatisticCalculated};
use mgc_eventing::OutboxWriter;
use mgc_kernel::{DeviceId, Granularity, RepoError, Window};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// New versions saved, per granularity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SaveReport {
    /// Hours computed.
    pub hours_computed: u64,
    /// Hour versions saved (new or changed).
    pub hours_saved: u64,
    /// Day versions saved.
    pub days_saved: u64,
    /// Month versions saved.
    pub months_saved: u64,
    /// Year versions saved.
    pub years_saved: u64,
}

impl SaveReport {
    /// Adds `other` to this report.
    pub fn add(&mut self, other: &SaveReport) {
        self.hours_computed += other.hours_computed;
        self.hours_saved += other.hours_saved;
        self.days_saved += other.days_saved;
        self.months_saved += other.months_saved;
        self.years_saved += other.years_saved;
    }
}

/// Computes `hours` of the cursor's station from raw samples (and every later hour that
/// started from a stale counter state, see `super::hours`), saves what changed and rolls the
/// changes up into their days, months and years.
pub async fn compute_hours<Tx>(
    tx: &mut Tx,
    cursor: &StationCursor,
    hours: &[Window],
    rules: &EnergyRules,
    now: DateTime<Utc>,
) -> Result<SaveReport, RepoError>
where
    Tx: AnalyticsRepository + OutboxWriter + Send,
{
    let mut report = SaveReport::default();
    let changed_days = compute_hour_runs(tx, cursor, hours, rules, now, &mut report).await?;
    let mut changed_months = BTreeSet::new();
    for day in changed_days {
        if roll_up(tx, cursor, Granularity::Day, &day, now).await? {
            report.days_saved += 1;
            changed_months.insert(cursor.tz.window_containing(Granularity::Month, day.start));
        }
    }
    let mut changed_years = BTreeSet::new();
    for month in changed_months {
        if roll_up(tx, cursor, Granularity::Month, &month, now).await? {
            report.months_saved += 1;
            changed_years.insert(cursor.tz.window_containing(Granularity::Year, month.start));
        }
    }
    for year in changed_years {
        if roll_up(tx, cursor, Granularity::Year, &year, now).await? {
            report.years_saved += 1;
        }
    }
    Ok(report)
}

/// `stat` as the next version, unless `existing` (with `existing_points`, its device point
/// figures) has the same station and point figures.
pub(super) fn next_version(
    mut stat: StationStat,
    mut points: Vec<PointStat>,
    existing: Option<&StationStat>,
    existing_points: &[PointStat],
) -> Option<NewVersion> {
    let figures = |ps: &[PointStat]| -> BTreeMap<(DeviceId, String), PointFigures> {
        ps.iter().map(|p| ((p.device_id, p.point.clone()), p.figures.clone())).collect()
    };
    if existing.is_some_and(|e| e.same_figures(&stat) && e.sources == stat.sources)
        && figures(&points) == figures(existing_points)
    {
        return None;
    }
    stat.version = existing.map_or(1, |e| e.version + 1);
    for p in &mut points {
        p.version = stat.version;
    }
    Some(NewVersion { stat, points, replaces: existing.is_some() })
}

/// Saves `versions` and announces each that is not an hour with `StatisticCalculated`, in the
/// caller's transaction.
pub(super) async fn save_versions<Tx>(
    tx: &mut Tx,
    cursor: &StationCursor,
    versions: Vec<NewVersion>,
) -> Result<(), RepoError>
where
    Tx: AnalyticsRepository + OutboxWriter + Send,
{
    if versions.is_empty() {
        return Ok(());
    }
    tx.save_stats(&versions).await?;
    let mut events = Vec::new();
    for NewVersion { stat, .. } in versions.iter().filter(|v| announced(v.stat.granularity)) {
        let event = StatisticCalculated {
            station_id: stat.station_id,
            time_zone: cursor.tz.name().to_owned(),
            granularity: stat.granularity,
            period: stat.period.clone(),
            start: stat.window.start,
            end: stat.window.end,
            version: stat.version,
            figures: stat.energy,
            coverage: stat.coverage,
            slots: stat.slots.clone(),
            sources: stat.sources.clone(),
        };
        let envelope = EventEnvelope::wrap(&stat.tenant, &event, stat.calculated_at)
            .map_err(|e| RepoError::Backend(format!("cannot encode {}: {e}", StatisticCalculated::TYPE)))?;
        events.push(envelope);
    }
    tx.append_all(events).await
}

/// Whether new versions of this granularity are announced (hours are not: no consumer).
fn announced(granularity: Granularity) -> bool {
    granularity != Granularity::Hour
}

/// Rolls the children of `window` up when its last child exists; true when a version was saved.
async fn roll_up<Tx>(
    tx: &mut Tx,
    cursor: &StationCursor,
    granularity: Granularity,
    window: &Window,
    now: DateTime<Utc>,
) -> Result<bool, RepoError>
where
    Tx: AnalyticsRepository + OutboxWriter + Send,
{
    let child = match granularity {
        Granularity::Day => Granularity::Hour,
        Granularity::Month => Granularity::Day,
        Granularity::Year => Granularity::Month,
        Granularity::Hour => return Ok(false),
    };
    let (tenant, station) = (&cursor.tenant, cursor.station_id);
    let with_slots = granularity == Granularity::Day;
    let children = tx.current_stats(tenant, station, child, window, with_slots).await?;
    let last_child = cursor.tz.window_containing(child, window.end - chrono::Duration::milliseconds(1));
    let complete = match child {
        // A day closes when every one of its hours is closed.
        Granularity::Hour => children.len() == cursor.tz.windows_between(child, window.start, window.end).len(),
        // A month (year) closes when its last day (month) is closed.
        _ => children.iter().any(|c| c.window.start == last_child.start),
    };
    if !complete {
        return Ok(false);
    }
    let rolled = roll_up_station(window, &children);
    let period = cursor.tz.local_label(window, granularity);
    let slots: Vec<EnergySlot> =
        if with_slots { children.iter().flat_map(|c| c.slots.clone()).collect() } else { Vec::new() };
    let child_points = tx.current_point_stats(tenant, station, child, window).await?;
    let points = roll_up_points(window, &child_points)
        .into_iter()
        .map(|(device_id, point, figures)| PointStat {
            device_id,
            point,
            granularity,
            period: period.clone(),
            window: *window,
            version: 0,
            figures,
        })
        .collect();
    let stat = StationStat {
        tenant: tenant.clone(),
        station_id: station,
        granularity,
        period,
        window: *window,
        version: 0,
        current: true,
        energy: rolled.energy,
        coverage: rolled.coverage,
        quality: rolled.quality,
        slots,
        sources: rolled.sources,
        calculated_at: now,
    };
    let key = Window { start: window.start, end: window.start + chrono::Duration::milliseconds(1) };
    let existing = tx.current_stats(tenant, station, granularity, &key, with_slots).await?;
    let existing_points = tx.current_point_stats(tenant, station, granularity, &key).await?;
    let Some(version) = next_version(stat, points, existing.first(), &existing_points) else {
        return Ok(false);
    };
    save_versions(tx, cursor, vec![version]).await?;
    Ok(true)
}
