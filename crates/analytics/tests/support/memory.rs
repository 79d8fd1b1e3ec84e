//! An in-memory analytics repository for one station: telemetry, cursor, dirty hours, versioned
//! statistics and counter carries, with the semantics of the SQL store (no database).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_analytics::domain::carry::Carries;
use mgc_analytics::domain::hour::DeviceRef;
use mgc_analytics::domain::point_stats::PointKind;
use mgc_analytics::domain::samples::Sample;
use mgc_analytics::domain::statistic::{NewVersion, PointStat, StationStat};
use mgc_analytics::domain::tracking::StationCursor;
use mgc_analytics::AnalyticsRepository;
use mgc_contracts::EventEnvelope;
use mgc_eventing::OutboxWriter;
use mgc_kernel::{DeviceId, Granularity, RepoError, StationId, StationTz, TenantId, Window};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound::{Excluded, Unbounded};

/// Samples of each (device, point), by time.
pub type Telemetry = BTreeMap<(DeviceId, String), BTreeMap<DateTime<Utc>, f64>>;

/// Every version of a window: station figures and device point figures, oldest first.
pub type Versions = Vec<(StationStat, Vec<PointStat>)>;

/// One station's analytics state.
pub struct Memory {
    pub station: StationId,
    pub tz: StationTz,
    pub devices: Vec<DeviceRef>,
    pub telemetry: Telemetry,
    pub cursor: Option<StationCursor>,
    pub dirty: BTreeSet<DateTime<Utc>>,
    /// Every version of every window, oldest first (the last one is current).
    pub stats: BTreeMap<(Granularity, DateTime<Utc>), Versions>,
    pub carries: BTreeMap<DateTime<Utc>, Carries>,
    pub events: usize,
}

impl Memory {
    /// An empty station with `devices`.
    pub fn new(station: StationId, tz: StationTz, devices: Vec<DeviceRef>) -> Memory {
        Memory {
            station,
            tz,
            devices,
            telemetry: Telemetry::new(),
            cursor: None,
            dirty: BTreeSet::new(),
            stats: BTreeMap::new(),
            carries: BTreeMap::new(),
            events: 0,
        }
    }

    /// The current version of every window of `granularity`, in time order.
    pub fn current(&self, granularity: Granularity) -> Vec<&(StationStat, Vec<PointStat>)> {
        self.stats.iter().filter(|((g, _), _)| *g == granularity).filter_map(|(_, v)| v.last()).collect()
    }

    fn current_in(&self, granularity: Granularity, range: &Window) -> Vec<&(StationStat, Vec<PointStat>)> {
        self.stats
            .range((granularity, range.start)..(granularity, range.end))
            .filter_map(|(_, versions)| versions.last())
            .collect()
    }
}

#[async_trait]
impl AnalyticsRepository for Memory {
    async fn cursor(&mut self, _: &TenantId, _: StationId) -> Result<Option<StationCursor>, RepoError> {
        Ok(self.cursor.clone())
    }

    async fn save_cursor(&mut self, cursor: &StationCursor, _: DateTime<Utc>) -> Result<(), RepoError> {
        self.cursor = Some(cursor.clone());
        Ok(())
    }

    async fn stations_of(
        &mut self,
        _: &TenantId,
        devices: &[DeviceId],
    ) -> Result<Vec<(DeviceId, StationId, StationTz)>, RepoError> {
        Ok(devices
            .iter()
            .filter(|d| self.devices.iter().any(|known| known.id == **d))
            .map(|d| (*d, self.station, self.tz))
            .collect())
    }

    async fn station_devices(&mut self, _: &TenantId, _: StationId) -> Result<Vec<DeviceRef>, RepoError> {
        Ok(self.devices.clone())
    }

    async fn samples_around(
        &mut self,
        _: &TenantId,
        devices: &[DeviceId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DeviceId, String, Sample)>, RepoError> {
        let mut out = Vec::new();
        for ((device, point), samples) in &self.telemetry {
            if !devices.contains(device) || PointKind::of(point).is_none() {
                continue;
            }
            let before = samples.range(..from).next_back();
            let inside = samples.range(from..to);
            let after = samples.range(to..).next();
            for (ts, v) in before.into_iter().chain(inside).chain(after) {
                out.push((*device, point.clone(), Sample::new(*ts, *v)));
            }
        }
        Ok(out)
    }

    async fn samples_beside(
        &mut self,
        _: &TenantId,
        device: DeviceId,
        points: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(String, Option<DateTime<Utc>>, Option<DateTime<Utc>>)>, RepoError> {
        Ok(points
            .iter()
            .map(|point| {
                let samples = self.telemetry.get(&(device, point.clone()));
                let prev = samples.and_then(|s| s.range(..from).next_back().map(|(ts, _)| *ts));
                let next = samples.and_then(|s| s.range((Excluded(to), Unbounded)).next().map(|(ts, _)| *ts));
                (point.clone(), prev, next)
            })
            .collect())
    }

    async fn meter_carries(
        &mut self,
        _: &TenantId,
        _: StationId,
        range: &Window,
    ) -> Result<BTreeMap<DateTime<Utc>, Carries>, RepoError> {
        Ok(self.carries.range(range.start..range.end).map(|(k, v)| (*k, v.clone())).collect())
    }

    async fn save_meter_carries(
        &mut self,
        _: &TenantId,
        _: StationId,
        hours: &[(DateTime<Utc>, Carries)],
    ) -> Result<(), RepoError> {
        for (hour, carries) in hours {
            self.carries.insert(*hour, carries.clone());
        }
        Ok(())
    }

    async fn mark_dirty(
        &mut self,
        _: &TenantId,
        _: StationId,
        hours: &[DateTime<Utc>],
        _: DateTime<Utc>,
    ) -> Result<(), RepoError> {
        self.dirty.extend(hours.iter().copied());
        Ok(())
    }

    async fn take_dirty(
        &mut self,
        _: &TenantId,
        _: StationId,
        before: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, RepoError> {
        let later = self.dirty.split_off(&before);
        Ok(std::mem::replace(&mut self.dirty, later).into_iter().collect())
    }

    async fn current_stats(
        &mut self,
        _: &TenantId,
        _: StationId,
        granularity: Granularity,
        range: &Window,
        with_slots: bool,
    ) -> Result<Vec<StationStat>, RepoError> {
        Ok(self
            .current_in(granularity, range)
            .into_iter()
            .map(|(s, _)| {
                let mut s = s.clone();
                if !with_slots {
                    s.slots = Vec::new();
                }
                s
            })
            .collect())
    }

    async fn current_point_stats(
        &mut self,
        _: &TenantId,
        _: StationId,
        granularity: Granularity,
        range: &Window,
    ) -> Result<Vec<PointStat>, RepoError> {
        let mut points: Vec<PointStat> =
            self.current_in(granularity, range).into_iter().flat_map(|(_, p)| p.iter().cloned()).collect();
        points.sort_by(|a, b| (a.window.start, a.device_id, &a.point).cmp(&(b.window.start, b.device_id, &b.point)));
        Ok(points)
    }

    async fn save_stats(&mut self, versions: &[NewVersion]) -> Result<(), RepoError> {
        for v in versions {
            let key = (v.stat.granularity, v.stat.window.start);
            let list = self.stats.entry(key).or_default();
            if let Some((last, _)) = list.last_mut() {
                last.current = false;
            }
            list.push((v.stat.clone(), v.points.clone()));
        }
        Ok(())
    }

    async fn forget_station(&mut self, _: &TenantId, _: StationId) -> Result<(), RepoError> {
        self.cursor = None;
        self.dirty.clear();
        self.carries.clear();
        Ok(())
    }
}

#[async_trait]
impl OutboxWriter for Memory {
    async fn append(&mut self, _: EventEnvelope) -> Result<(), RepoError> {
        self.events += 1;
        Ok(())
    }
}
