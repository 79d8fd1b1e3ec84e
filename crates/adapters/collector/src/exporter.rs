//! Prometheus series of the collector: per-device energy counters and power gauges (labelled
//! with tenant, station code and device name) and per-source health.

use crate::energy::DeviceEnergy;
use mgc_kernel::{DeviceId, RepoError, Scope, TenantId};
use mgc_masterdata::MasterdataQueries;
use std::collections::HashMap;
use std::time::Duration;

/// Station code and device name of devices, looked up once.
#[derive(Debug, Default)]
pub struct Labels {
    known: HashMap<DeviceId, (String, String)>,
}

impl Labels {
    /// The station code and device name of `device` (None when it no longer exists).
    pub async fn of<Q: MasterdataQueries>(
        &mut self,
        queries: &Q,
        tenant: &TenantId,
        device: DeviceId,
    ) -> Result<Option<(String, String)>, RepoError> {
        if let Some(hit) = self.known.get(&device) {
            return Ok(Some(hit.clone()));
        }
        let scope = Scope::tenant_wide(tenant.clone());
        let d = match queries.get_device(&scope, device).await {
            Ok(d) => d,
            Err(RepoError::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let station = queries.get_station(&scope, d.station_id).await?;
        let labels = (station.code, d.name);
        self.known.insert(device, labels.clone());
        Ok(Some(labels))
    }
}

/// Publishes a device's energy counters (whole Wh, never decreasing) and, when given, its power.
pub fn publish_energy(tenant: &TenantId, labels: &(String, String), energy: &DeviceEnergy, power_w: Option<f64>) {
    let (station, device) = labels;
    for (direction, wh) in [("import", energy.import_wh), ("export", energy.export_wh)] {
        let whole = if wh.is_finite() && wh > 0.0 { wh.floor() as u64 } else { 0 };
        metrics::counter!("mgc_device_energy_wh_total", "tenant" => tenant.to_string(), "station" => station.clone(),
            "device" => device.clone(), "direction" => direction)
        .absolute(whole);
    }
    if let Some(w) = power_w {
        metrics::gauge!("mgc_device_power_w", "tenant" => tenant.to_string(), "station" => station.clone(),
            "device" => device.clone())
        .set(w);
    }
}

/// Records one poll of `source`: its outcome, duration and, on success, its time and devices.
pub fn publish_poll(source: &str, ok: bool, duration: Duration, at_secs: f64, devices: usize) {
    let name = source.to_owned();
    metrics::histogram!("mgc_collector_poll_duration_seconds", "source" => name.clone()).record(duration.as_secs_f64());
    metrics::gauge!("mgc_collector_source_up", "source" => name.clone()).set(if ok { 1.0 } else { 0.0 });
    if ok {
        metrics::counter!("mgc_collector_polls_total", "source" => name.clone()).increment(1);
        metrics::gauge!("mgc_collector_last_success_timestamp_seconds", "source" => name.clone()).set(at_secs);
        metrics::gauge!("mgc_collector_devices", "source" => name).set(devices as f64);
    } else {
        metrics::counter!("mgc_collector_poll_errors_total", "source" => name).increment(1);
    }
}
