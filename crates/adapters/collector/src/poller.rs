//! One source's poll: make sure the source's own device exists, log in, list, read, record
//! through the ingest pipeline (with `collector_ok = 1` on the source's device), integrate
//! energy, checkpoint; on failure back off, make sure the alarm rule exists and mark the
//! source's own device and the devices it fed with `collector_ok = 0`. `poll_once(now)` takes the time from the caller, so tests drive it with a manual clock.

use crate::alarm::{ensure_rule, ensure_source_device, HEALTH_POINT};
use crate::energy::{DeviceEnergy, POWER_POINT};
use crate::exporter::{publish_energy, publish_poll, Labels};
use crate::health::{SourceHealth, SourceState};
use crate::ports::DeviceCheckpoint;
use crate::settings::SourceSettings;
use crate::source::{PullSource, SourceDevice, SourceError};
use crate::CollectorUnits;
use chrono::{DateTime, Duration, Utc};
use mgc_adapter_thingsboard::payload::ParsedBatch;
use mgc_adapter_thingsboard::IngestService;
use mgc_analytics::domain::samples::Sample;
use mgc_kernel::DeviceId;
use mgc_telemetry::{RawPoint, RawValue};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// Device type given to the quarantined readings of devices not provisioned yet.
pub const DEVICE_TYPE: &str = "ups";

/// The poller of one source.
pub struct SourcePoller<U: CollectorUnits> {
    settings: SourceSettings,
    source: Box<dyn PullSource>,
    units: U,
    ingest: Arc<IngestService<U>>,
    max_gap: Duration,
    health: SourceHealth,
    energy: HashMap<DeviceId, (String, DeviceEnergy)>,
    labels: Labels,
    rule_ensured: bool,
}

impl<U: CollectorUnits> SourcePoller<U> {
    /// A poller of `source`; `max_gap` is the analytics maximum gap between power samples.
    pub fn new(
        settings: SourceSettings,
        source: Box<dyn PullSource>,
        units: U,
        ingest: Arc<IngestService<U>>,
        max_gap: Duration,
    ) -> Self {
        let health = SourceHealth {
            name: settings.name.clone(),
            kind: settings.kind.as_str(),
            tenant: settings.tenant.clone(),
            url: settings.url.clone(),
            state: SourceState::Pending,
            last_success_at: None,
            last_attempt_at: None,
            last_duration_ms: None,
            error_count: 0,
            consecutive_failures: 0,
            last_error_code: None,
            last_error: None,
            next_poll_at: None,
            devices: Vec::new(),
            unknown_devices: Vec::new(),
            alarm_device: None,
            alarm_device_error: None,
        };
        Self {
            settings,
            source,
            units,
            ingest,
            max_gap,
            health,
            energy: HashMap::new(),
            labels: Labels::default(),
            rule_ensured: false,
        }
    }

    /// The source's health now.
    pub fn health(&self) -> &SourceHealth {
        &self.health
    }

    /// The source's settings.
    pub fn settings(&self) -> &SourceSettings {
        &self.settings
    }

    /// Loads the source's checkpoints and publishes their counters (call once before polling).
    pub async fn restore(&mut self) -> Result<usize, String> {
        let rows = self
            .units
            .collector_checkpoints(&self.settings.tenant, &self.settings.name)
            .await
            .map_err(|e| e.to_string())?;
        for row in &rows {
            let energy = DeviceEnergy {
                import_wh: row.import_wh,
                export_wh: row.export_wh,
                last: row.last_sample.map(|(ts, v)| Sample::new(ts, v)),
            };
            self.energy.insert(row.device_id, (row.reference.clone(), energy));
            self.publish(row.device_id, None).await;
        }
        Ok(rows.len())
    }

    /// Polls when due at `now`; returns None when not due, else how the poll went.
    pub async fn poll_once(&mut self, now: DateTime<Utc>) -> Option<Result<usize, SourceError>> {
        if self.health.next_poll_at.is_some_and(|due| now < due) {
            return None;
        }
        self.ensure_source_device(now).await;
        let started = std::time::Instant::now();
        let result = self.poll(now).await;
        let elapsed = started.elapsed();
        self.health.last_attempt_at = Some(now);
        self.health.last_duration_ms = Some(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX));
        let at_secs = now.timestamp_millis() as f64 / 1000.0;
        match &result {
            Ok(_) => {
                self.health.state = SourceState::Ok;
                self.health.last_success_at = Some(now);
                self.health.consecutive_failures = 0;
                publish_poll(&self.settings.name, true, elapsed, at_secs, self.health.devices.len());
            }
            Err(e) => {
                self.health.state = SourceState::Failing;
                self.health.error_count += 1;
                self.health.consecutive_failures = self.health.consecutive_failures.saturating_add(1);
                self.health.last_error_code = Some(e.code());
                self.health.last_error = Some(e.to_string());
                publish_poll(&self.settings.name, false, elapsed, at_secs, 0);
                tracing::warn!(source = %self.settings.name, code = e.code(), error = %e,
                    failures = self.health.consecutive_failures, "collector poll failed");
                self.mark_failing(now).await;
            }
        }
        let wait = self.settings.delay_after(self.health.consecutive_failures);
        self.health.next_poll_at = Some(now + Duration::from_std(wait).unwrap_or_else(|_| Duration::hours(1)));
        Some(result)
    }

    /// Creates the source's own device unless it is known to exist; a refusal (no such
    /// station, name taken) is shown in the health and retried at the next attempt.
    async fn ensure_source_device(&mut self, now: DateTime<Utc>) {
        if self.health.alarm_device.is_some() {
            return;
        }
        match ensure_source_device(&self.units, &self.settings, now).await {
            Ok((name, _)) => {
                self.health.alarm_device = Some(name);
                self.health.alarm_device_error = None;
            }
            Err(e) => {
                tracing::warn!(source = %self.settings.name, station = %self.settings.station, error = %e,
                    "the collector source has no device of its own: its failures raise no alarm of their own");
                self.health.alarm_device_error = Some(e);
            }
        }
    }

    /// `collector_ok = value` on the source's own device, when it exists.
    fn source_health_point(&self, now: DateTime<Utc>, value: f64) -> Option<RawPoint> {
        self.health.alarm_device.as_ref().map(|name| RawPoint {
            device: name.clone(),
            ts: now,
            key: HEALTH_POINT.into(),
            value: RawValue::Number(value),
        })
    }

    async fn poll(&mut self, now: DateTime<Utc>) -> Result<usize, SourceError> {
        self.source.login(now).await?;
        let devices = self.source.list_devices(now).await?;
        let mut points = Vec::new();
        let mut counts = Vec::with_capacity(devices.len());
        for d in &devices {
            let before = points.len();
            for r in self.source.read_device(d, now).await? {
                points.push(RawPoint { device: d.reference.clone(), ts: now, key: r.key, value: r.value });
            }
            points.push(RawPoint {
                device: d.reference.clone(),
                ts: now,
                key: HEALTH_POINT.into(),
                value: RawValue::Number(1.0),
            });
            counts.push(points.len() - before);
        }
        let device_types: BTreeMap<String, String> =
            devices.iter().map(|d| (d.reference.clone(), DEVICE_TYPE.into())).collect();
        let n = points.len();
        // After the devices' points, so the walk below is not shifted by it.
        points.extend(self.source_health_point(now, 1.0));
        let batch = ParsedBatch { points, skipped: Vec::new(), device_types };
        let (_, routed) = self
            .ingest
            .record_pulled(&self.settings.tenant, batch, now)
            .await
            .map_err(|e| SourceError::Storage(e.to_string()))?;
        let unknown: BTreeSet<&str> = routed.unrouted.iter().map(|p| p.device.as_str()).collect();
        self.health.devices = devices.iter().map(|d| d.reference.clone()).collect();
        self.health.unknown_devices = unknown.iter().map(|s| (*s).to_owned()).collect();
        // Points of known devices are stored in the order they were given: walk them per device.
        let mut at = 0;
        let mut checkpoints = Vec::new();
        for (d, count) in devices.iter().zip(counts) {
            if unknown.contains(d.reference.as_str()) {
                continue;
            }
            let Some(mine) = routed.stored.get(at..at + count) else { break };
            at += count;
            let Some(first) = mine.first() else { continue };
            let power = mine.iter().find(|p| p.point == POWER_POINT).and_then(|p| p.num_value);
            checkpoints.push(self.account(d, first.device_id, power, now).await);
        }
        if !checkpoints.is_empty() {
            self.units
                .save_collector_checkpoints(&checkpoints, now)
                .await
                .map_err(|e| SourceError::Storage(e.to_string()))?;
        }
        Ok(n)
    }

    /// Integrates the device's power sample and publishes its series; returns its checkpoint.
    async fn account(
        &mut self,
        d: &SourceDevice,
        id: DeviceId,
        power: Option<f64>,
        now: DateTime<Utc>,
    ) -> DeviceCheckpoint {
        let entry = self.energy.entry(id).or_insert_with(|| (d.reference.clone(), DeviceEnergy::default()));
        entry.0 = d.reference.clone();
        if let Some(w) = power {
            entry.1.add(Sample::new(now, w), self.max_gap);
        }
        let energy = entry.1;
        self.publish(id, power).await;
        DeviceCheckpoint {
            tenant: self.settings.tenant.clone(),
            source: self.settings.name.clone(),
            device_id: id,
            reference: d.reference.clone(),
            import_wh: energy.import_wh,
            export_wh: energy.export_wh,
            last_sample: energy.last.map(|s| (s.ts, s.value)),
        }
    }

    async fn publish(&mut self, id: DeviceId, power: Option<f64>) {
        let Some((_, energy)) = self.energy.get(&id).cloned() else { return };
        match self.labels.of(&self.units, &self.settings.tenant, id).await {
            Ok(Some(labels)) => publish_energy(&self.settings.tenant, &labels, &energy, power),
            Ok(None) => {}
            Err(e) => tracing::warn!(source = %self.settings.name, error = %e, "cannot label a device's energy series"),
        }
    }

    /// After a failed poll: the tenant's alarm rule exists, and the source's own device and
    /// every device the source fed get `collector_ok = 0` (which raises the alarm).
    async fn mark_failing(&mut self, now: DateTime<Utc>) {
        let own = self.source_health_point(now, 0.0);
        if self.energy.is_empty() && own.is_none() {
            return;
        }
        if !self.rule_ensured {
            match ensure_rule(&self.units, &self.settings.tenant, now).await {
                Ok(_) => self.rule_ensured = true,
                Err(e) => {
                    tracing::warn!(source = %self.settings.name, error = %e, "cannot create the collector alarm rule")
                }
            }
        }
        let points = self
            .energy
            .keys()
            .map(|id| RawPoint {
                device: id.to_string(),
                ts: now,
                key: HEALTH_POINT.into(),
                value: RawValue::Number(0.0),
            })
            .chain(own)
            .collect();
        let batch = ParsedBatch { points, skipped: Vec::new(), device_types: BTreeMap::new() };
        if let Err(e) = self.ingest.record_pulled(&self.settings.tenant, batch, now).await {
            tracing::warn!(source = %self.settings.name, error = %e, "cannot mark the devices of a failing source");
        }
    }
}
