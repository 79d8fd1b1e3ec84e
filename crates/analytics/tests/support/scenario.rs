//! A station's data and the order it arrives in, replayed through the real consumer and
//! scheduler round against the in-memory store; and the same data computed all at once.

use super::memory::Memory;
use chrono::{DateTime, Duration, DurationRound, Utc};
use futures_util::FutureExt;
use mgc_analytics::app::close::close_station;
use mgc_analytics::app::late_data::TelemetryArrivals;
use mgc_analytics::domain::hour::DeviceRef;
use mgc_analytics::domain::statistic::{PointStat, StationStat};
use mgc_analytics::AnalyticsConfig;
use mgc_contracts::{DeviceSpan, EventEnvelope, TelemetryReceived};
use mgc_eventing::EventHandler;
use mgc_kernel::uuid::Uuid;
use mgc_kernel::{DeviceId, Granularity, StationId, StationTz, TenantId};
use std::collections::BTreeMap;

/// The devices of every scenario: a grid meter (counter and signed power) and a PV inverter.
pub fn devices() -> Vec<DeviceRef> {
    vec![
        DeviceRef { id: DeviceId::from_uuid(Uuid::from_u128(1)), kind: "meter".to_owned() },
        DeviceRef { id: DeviceId::from_uuid(Uuid::from_u128(2)), kind: "pv_inverter".to_owned() },
    ]
}

/// One sample and when it reaches the service.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Index into [`devices`].
    pub device: usize,
    /// Semantic point.
    pub point: &'static str,
    /// Measured at.
    pub ts: DateTime<Utc>,
    /// Value.
    pub value: f64,
    /// Stored (and announced) at.
    pub arrives: DateTime<Utc>,
}

/// A station's data and how it arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// IANA zone of the station.
    pub zone: &'static str,
    /// Counter modulus, when counters wrap.
    pub rollover_wh: Option<f64>,
    /// Every sample (no two of a series at the same instant).
    pub readings: Vec<Reading>,
    /// Per batch (in arrival order, cycling): whether the scheduler runs after the batch is
    /// stored but before it is announced (otherwise before it is stored).
    pub round_between: Vec<bool>,
    /// A batch is what arrives within the same this many minutes.
    pub batch_minutes: i64,
}

/// The current hour and day figures a store ended with (versions and times left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Hours and days: window, label, station figures and device point figures.
    pub windows: Vec<(StationStat, Vec<PointStat>)>,
}

impl Scenario {
    fn config(&self) -> AnalyticsConfig {
        AnalyticsConfig { meter_rollover_wh: self.rollover_wh, ..AnalyticsConfig::default() }
    }

    fn store(&self) -> Memory {
        let tz = StationTz::parse(self.zone).unwrap_or(StationTz::UTC);
        Memory::new(StationId::from_uuid(Uuid::from_u128(9)), tz, devices())
    }

    /// When everything has arrived and every hour (and day) of it has closed.
    fn end(&self) -> DateTime<Utc> {
        let tz = StationTz::parse(self.zone).unwrap_or(StationTz::UTC);
        let last = self.readings.iter().map(|r| r.arrives.max(r.ts)).max().unwrap_or(DateTime::UNIX_EPOCH);
        let measured = self.readings.iter().map(|r| r.ts).max().unwrap_or(DateTime::UNIX_EPOCH);
        last.max(tz.window_containing(Granularity::Day, measured).end) + Duration::hours(1)
    }

    /// Replays the arrivals batch by batch (a batch: what arrives within the same
    /// `batch_minutes`), with a scheduler round at every batch; then a last round once
    /// everything has closed.
    pub fn incremental(&self) -> Outcome {
        let mut store = self.store();
        let mut order: Vec<&Reading> = self.readings.iter().collect();
        order.sort_by_key(|r| (r.arrives, r.ts));
        let mut batches: BTreeMap<DateTime<Utc>, Vec<&Reading>> = BTreeMap::new();
        let step = Duration::minutes(self.batch_minutes.max(1));
        for r in order {
            let minute = r.arrives.duration_trunc(step).unwrap_or(r.arrives);
            batches.entry(minute).or_default().push(r);
        }
        for (i, (minute, batch)) in batches.into_iter().enumerate() {
            let now = minute + step - Duration::seconds(1);
            let between = self.round_between.get(i % self.round_between.len().max(1)).copied().unwrap_or(false);
            if !between {
                self.round(&mut store, now);
            }
            store_batch(&mut store, &batch);
            if between {
                self.round(&mut store, now);
            }
            self.announce(&mut store, &batch, now);
        }
        self.finish(store)
    }

    /// Stores everything, announces it once and closes every hour in one go.
    pub fn all_at_once(&self) -> Outcome {
        let mut store = self.store();
        let all: Vec<&Reading> = self.readings.iter().collect();
        store_batch(&mut store, &all);
        self.announce(&mut store, &all, self.end());
        self.finish(store)
    }

    fn finish(&self, mut store: Memory) -> Outcome {
        for _ in 0..10 {
            let report = self.round(&mut store, self.end());
            if report == 0 {
                break;
            }
        }
        let windows = [Granularity::Hour, Granularity::Day]
            .into_iter()
            .flat_map(|g| store.current(g).into_iter().cloned().collect::<Vec<_>>())
            .map(|(mut stat, mut points)| {
                (stat.version, stat.current, stat.calculated_at) = (0, true, DateTime::UNIX_EPOCH);
                stat.sources.clear();
                for p in &mut points {
                    p.version = 0;
                }
                (stat, points)
            })
            .collect();
        Outcome { windows }
    }

    /// One scheduler round for the station; returns how many hours it computed.
    fn round(&self, store: &mut Memory, now: DateTime<Utc>) -> u64 {
        let (tenant, station) = (tenant(), store.station);
        let report = close_station(store, &tenant, station, now, &self.config())
            .now_or_never()
            .expect("the in-memory store never waits")
            .expect("the in-memory store never fails");
        report.map_or(0, |r| r.hours_computed)
    }

    fn announce(&self, store: &mut Memory, batch: &[&Reading], now: DateTime<Utc>) {
        let devices = devices();
        let mut spans: BTreeMap<usize, DeviceSpan> = BTreeMap::new();
        for r in batch {
            let span = spans.entry(r.device).or_insert(DeviceSpan {
                device_id: devices[r.device].id,
                from: r.ts,
                to: r.ts,
                points: Vec::new(),
            });
            (span.from, span.to) = (span.from.min(r.ts), span.to.max(r.ts));
            if !span.points.iter().any(|p| p == r.point) {
                span.points.push(r.point.to_owned());
                span.points.sort();
            }
        }
        let spans: Vec<DeviceSpan> = spans.into_values().collect();
        let event = TelemetryReceived {
            device_ids: spans.iter().map(|s| s.device_id).collect(),
            points: Vec::new(),
            from: spans.iter().map(|s| s.from).min().unwrap_or(now),
            to: spans.iter().map(|s| s.to).max().unwrap_or(now),
            new_points: batch.len() as u64,
            changed_points: 0,
            spans,
        };
        let envelope = EventEnvelope::wrap(&tenant(), &event, now).expect("a telemetry event encodes");
        let handler = TelemetryArrivals { config: self.config() };
        handler
            .handle(store, &envelope)
            .now_or_never()
            .expect("the in-memory store never waits")
            .expect("the consumer accepts its events");
    }
}

fn tenant() -> TenantId {
    TenantId::parse("acme").expect("a valid tenant id")
}

fn store_batch(store: &mut Memory, batch: &[&Reading]) {
    let devices = devices();
    for r in batch {
        store.telemetry.entry((devices[r.device].id, r.point.to_owned())).or_default().insert(r.ts, r.value);
    }
}
