//! Consumers: `TelemetryReceived` starts tracking a station or marks closed hours dirty;
//! `StationRemoved` stops tracking it.

use super::config::AnalyticsConfig;
use crate::domain::repository::AnalyticsRepository;
use crate::domain::tracking::on_data;
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use mgc_contracts::{EventEnvelope, IntegrationEvent, StationRemoved, TelemetryReceived};
use mgc_eventing::{EventHandler, HandlerError};
use mgc_kernel::{DeviceId, StationId, StationTz};
use std::collections::{BTreeMap, HashMap};

/// Reacts to stored telemetry (idempotent: cursors and dirty marks are natural upserts).
#[derive(Debug, Clone)]
pub struct TelemetryArrivals {
    /// Settings (backfill limit).
    pub config: AnalyticsConfig,
}

#[async_trait]
impl<Tx> EventHandler<Tx> for TelemetryArrivals
where
    Tx: AnalyticsRepository + Send,
{
    fn consumer(&self) -> &'static str {
        "analytics.telemetry_arrivals"
    }

    fn event_types(&self) -> Vec<&'static str> {
        vec![TelemetryReceived::TYPE, StationRemoved::TYPE]
    }

    async fn handle(&self, tx: &mut Tx, event: &EventEnvelope) -> Result<(), HandlerError> {
        let tenant = &event.tenant_id;
        if event.event_type == StationRemoved::TYPE {
            let ev: StationRemoved = event.decode().map_err(HandlerError::new)?;
            return tx.forget_station(tenant, ev.station_id).await.map_err(HandlerError::new);
        }
        let ev: TelemetryReceived = event.decode().map_err(HandlerError::new)?;
        let spans: Vec<(DeviceId, DateTime<Utc>, DateTime<Utc>)> = if ev.spans.is_empty() {
            ev.device_ids.iter().map(|d| (*d, ev.from, ev.to)).collect()
        } else {
            ev.spans.iter().map(|s| (s.device_id, s.from, s.to)).collect()
        };
        let devices: Vec<DeviceId> = spans.iter().map(|s| s.0).collect();
        let located: HashMap<DeviceId, (StationId, StationTz)> = tx
            .stations_of(tenant, &devices)
            .await
            .map_err(HandlerError::new)?
            .into_iter()
            .map(|(device, station, tz)| (device, (station, tz)))
            .collect();
        let mut per_station: BTreeMap<StationId, (StationTz, DateTime<Utc>, DateTime<Utc>)> = BTreeMap::new();
        for (device, from, to) in spans {
            let Some((station, tz)) = located.get(&device) else { continue };
            let entry = per_station.entry(*station).or_insert((*tz, from, to));
            entry.1 = entry.1.min(from);
            entry.2 = entry.2.max(to);
        }
        let oldest = event.occurred_at - Duration::days(self.config.max_backfill_days);
        for (station, (tz, from, to)) in per_station {
            let cursor = tx.cursor(tenant, station).await.map_err(HandlerError::new)?;
            let Some(arrival) = on_data(tenant, station, tz, cursor, from, to, oldest) else { continue };
            if arrival.changed {
                tx.save_cursor(&arrival.cursor, event.occurred_at).await.map_err(HandlerError::new)?;
            }
            if !arrival.dirty_hours.is_empty() {
                let starts: Vec<_> = arrival.dirty_hours.iter().map(|h| h.start).collect();
                tx.mark_dirty(tenant, station, &starts, event.occurred_at).await.map_err(HandlerError::new)?;
            }
        }
        Ok(())
    }
}
