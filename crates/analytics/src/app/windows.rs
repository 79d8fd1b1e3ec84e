//! Computing hours from raw samples and cascading to day, month and year, inside one unit of
//! work: a window gets a new version only when its figures change, and every new version is
//! announced with `StatisticCalculated` in the same transaction.

use crate::domain::hour::{compute_hour, EnergyRules, HourFigures, SeriesMap};
use crate::domain::repository::AnalyticsRepository;
use crate::domain::rollup::{roll_up_points, roll_up_station};
use crate::domain::samples::{clean, Sample};
use crate::domain::statistic::{NewVersion, PointStat, StationStat};
use crate::domain::tracking::StationCursor;
use chrono::{DateTime, Utc};
use mgc_contracts::{EnergySlot, EventEnvelope, IntegrationEvent, StatisticCalculated};
use mgc_eventing::OutboxWriter;
use mgc_kernel::{Granularity, RepoError, Window};
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

/// Computes `hours` of the cursor's station from raw samples, saves what changed and rolls
/// the changes up into their days, months and years.
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
    let (Some(first), Some(last)) = (hours.iter().map(|h| h.start).min(), hours.iter().map(|h| h.end).max()) else {
        return Ok(report);
    };
    let (tenant, station) = (&cursor.tenant, cursor.station_id);
    let devices = tx.station_devices(tenant, station).await?;
    let ids: Vec<_> = devices.iter().map(|d| d.id).collect();
    let series = group(tx.samples_around(tenant, &ids, first, last).await?);
    let range = Window { start: first, end: last };
    let existing: BTreeMap<DateTime<Utc>, StationStat> = tx
        .current_stats(tenant, station, Granularity::Hour, &range, true)
        .await?
        .into_iter()
        .map(|s| (s.window.start, s))
        .collect();
    let mut changed_days = BTreeSet::new();
    let mut versions = Vec::new();
    for hour in hours {
        let sliced = slice(&series, hour);
        let figures = compute_hour(hour, &devices, &sliced, rules);
        report.hours_computed += 1;
        let (stat, points) = hour_stat(cursor, hour, figures, now);
        if let Some(version) = next_version(stat, points, existing.get(&hour.start)) {
            changed_days.insert(cursor.tz.window_containing(Granularity::Day, hour.start));
            versions.push(version);
        }
    }
    report.hours_saved = versions.len() as u64;
    save_versions(tx, cursor, versions).await?;
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

fn group(rows: Vec<(mgc_kernel::DeviceId, String, Sample)>) -> SeriesMap {
    let mut map: SeriesMap = BTreeMap::new();
    for (device, point, sample) in rows {
        map.entry((device, point)).or_default().push(sample);
    }
    map.into_iter().map(|(k, v)| (k, clean(v))).collect()
}

/// Each series cut to the samples inside `w` plus one on either side.
fn slice(series: &SeriesMap, w: &Window) -> SeriesMap {
    series
        .iter()
        .map(|(k, v)| {
            let lo = v.partition_point(|s| s.ts < w.start).saturating_sub(1);
            let hi = (v.partition_point(|s| s.ts < w.end) + 1).min(v.len());
            (k.clone(), v[lo..hi.max(lo)].to_vec())
        })
        .collect()
}

fn hour_stat(
    cursor: &StationCursor,
    hour: &Window,
    f: HourFigures,
    now: DateTime<Utc>,
) -> (StationStat, Vec<PointStat>) {
    let period = cursor.tz.local_label(hour, Granularity::Hour);
    let points = f
        .points
        .into_iter()
        .map(|(device_id, point, figures)| PointStat {
            device_id,
            point,
            granularity: Granularity::Hour,
            period: period.clone(),
            window: *hour,
            version: 0,
            figures,
        })
        .collect();
    let stat = StationStat {
        tenant: cursor.tenant.clone(),
        station_id: cursor.station_id,
        granularity: Granularity::Hour,
        period,
        window: *hour,
        version: 0,
        current: true,
        energy: f.energy,
        coverage: f.coverage,
        quality: f.quality,
        slots: f.slots,
        sources: Vec::new(),
        calculated_at: now,
    };
    (stat, points)
}

/// `stat` as the next version, unless `existing` has the same figures.
fn next_version(
    mut stat: StationStat,
    mut points: Vec<PointStat>,
    existing: Option<&StationStat>,
) -> Option<NewVersion> {
    if existing.is_some_and(|e| e.same_figures(&stat) && e.sources == stat.sources) {
        return None;
    }
    stat.version = existing.map_or(1, |e| e.version + 1);
    for p in &mut points {
        p.version = stat.version;
    }
    Some(NewVersion { stat, points, replaces: existing.is_some() })
}

/// Saves `versions` and announces each with `StatisticCalculated`, in the caller's transaction.
async fn save_versions<Tx>(tx: &mut Tx, cursor: &StationCursor, versions: Vec<NewVersion>) -> Result<(), RepoError>
where
    Tx: AnalyticsRepository + OutboxWriter + Send,
{
    if versions.is_empty() {
        return Ok(());
    }
    tx.save_stats(&versions).await?;
    let mut events = Vec::with_capacity(versions.len());
    for NewVersion { stat, .. } in &versions {
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
    let Some(version) = next_version(stat, points, existing.first()) else {
        return Ok(false);
    };
    save_versions(tx, cursor, vec![version]).await?;
    Ok(true)
}
