//! Computing station hours from raw samples, run by run of consecutive hours, each hour's
//! counters starting from the cycle highs the hour before ended with; when the hour after a run
//! was stored from other highs than the run now hands over, it is computed too, and so on.

use super::windows::{next_version, save_versions, SaveReport};
use crate::domain::carry::{highs_out, starts_stale, Carries, Highs};
use crate::domain::hour::{compute_hour, DeviceRef, EnergyRules, HourFigures, SeriesMap};
use crate::domain::repository::AnalyticsRepository;
use crate::domain::samples::{clean, Sample};
use crate::domain::statistic::{PointStat, StationStat};
use crate::domain::tracking::StationCursor;
use chrono::{DateTime, Duration, Utc};
use mgc_eventing::OutboxWriter;
use mgc_kernel::{DeviceId, Granularity, RepoError, Window};
use std::collections::{BTreeMap, BTreeSet};

/// Computes `hours` (and the later hours whose stored start went stale), saves the changed ones
/// as new versions with their carries; returns the days with a changed hour.
pub(super) async fn compute_hour_runs<Tx>(
    tx: &mut Tx,
    cursor: &StationCursor,
    hours: &[Window],
    rules: &EnergyRules,
    now: DateTime<Utc>,
    report: &mut SaveReport,
) -> Result<BTreeSet<Window>, RepoError>
where
    Tx: AnalyticsRepository + OutboxWriter + Send,
{
    let (tenant, station, tz) = (&cursor.tenant, cursor.station_id, cursor.tz);
    let mut todo: BTreeSet<Window> = hours.iter().copied().collect();
    let mut changed_days = BTreeSet::new();
    if todo.is_empty() {
        return Ok(changed_days);
    }
    let devices = tx.station_devices(tenant, station).await?;
    while let Some(run) = pop_run(&mut todo, cursor) {
        let handed = compute_run(tx, cursor, &devices, &run, rules, now, report, &mut changed_days).await?;
        let Some(last) = run.last() else { continue };
        let after = tz.next_window(*last, Granularity::Hour);
        if !todo.contains(&after) {
            let stored = tx.meter_carries(tenant, station, &after).await?;
            if stored.get(&after.start).is_some_and(|next| starts_stale(&handed, next)) {
                todo.insert(after);
            }
        }
    }
    Ok(changed_days)
}

/// Removes and returns the first run of consecutive hours of `todo`.
fn pop_run(todo: &mut BTreeSet<Window>, cursor: &StationCursor) -> Option<Vec<Window>> {
    let mut run = vec![todo.pop_first()?];
    while let Some(last) = run.last() {
        let next = cursor.tz.next_window(*last, Granularity::Hour);
        if !todo.remove(&next) {
            break;
        }
        run.push(next);
    }
    Some(run)
}

/// Computes one run of consecutive hours; returns the highs its last hour hands on.
#[allow(clippy::too_many_arguments)]
async fn compute_run<Tx>(
    tx: &mut Tx,
    cursor: &StationCursor,
    devices: &[DeviceRef],
    run: &[Window],
    rules: &EnergyRules,
    now: DateTime<Utc>,
    report: &mut SaveReport,
    changed_days: &mut BTreeSet<Window>,
) -> Result<Highs, RepoError>
where
    Tx: AnalyticsRepository + OutboxWriter + Send,
{
    let (tenant, station) = (&cursor.tenant, cursor.station_id);
    let (Some(first), Some(last)) = (run.first(), run.last()) else { return Ok(Highs::new()) };
    let range = Window { start: first.start, end: last.end };
    let ids: Vec<DeviceId> = devices.iter().map(|d| d.id).collect();
    let series = group(tx.samples_around(tenant, &ids, range.start, range.end).await?);
    let existing: BTreeMap<DateTime<Utc>, StationStat> = tx
        .current_stats(tenant, station, Granularity::Hour, &range, true)
        .await?
        .into_iter()
        .map(|s| (s.window.start, s))
        .collect();
    let mut existing_points: BTreeMap<DateTime<Utc>, Vec<PointStat>> = BTreeMap::new();
    for p in tx.current_point_stats(tenant, station, Granularity::Hour, &range).await? {
        existing_points.entry(p.window.start).or_default().push(p);
    }
    let before = cursor.tz.window_containing(Granularity::Hour, first.start - Duration::milliseconds(1));
    let mut highs =
        tx.meter_carries(tenant, station, &before).await?.get(&before.start).map(highs_out).unwrap_or_default();
    let mut versions = Vec::new();
    let mut carries: Vec<(DateTime<Utc>, Carries)> = Vec::with_capacity(run.len());
    for hour in run {
        let figures = compute_hour(hour, devices, &slice(&series, hour), rules, &highs);
        report.hours_computed += 1;
        highs = highs_out(&figures.carries);
        carries.push((hour.start, figures.carries.clone()));
        let (stat, points) = hour_stat(cursor, hour, figures, now);
        let old_points = existing_points.get(&hour.start).map_or(&[][..], Vec::as_slice);
        if let Some(version) = next_version(stat, points, existing.get(&hour.start), old_points) {
            changed_days.insert(cursor.tz.window_containing(Granularity::Day, hour.start));
            versions.push(version);
        }
    }
    report.hours_saved += versions.len() as u64;
    save_versions(tx, cursor, versions).await?;
    tx.save_meter_carries(tenant, station, &carries).await?;
    Ok(highs)
}

fn group(rows: Vec<(DeviceId, String, Sample)>) -> SeriesMap {
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
