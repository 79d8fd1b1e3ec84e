//! Consumers: `TelemetryReceived` starts tracking a station or marks closed hours dirty (every
//! closed hour the new samples reach, see [`crate::domain::tracking`]); `StationRemoved` stops
//! tracking it.

use super::config::AnalyticsConfig;
use crate::domain::point_stats::PointKind;
use crate::domain::repository::AnalyticsRepository;
use crate::domain::tracking::{on_data, SeriesArrival};
use async_trait::async_trait;
use chrono::Duration;
use mgc_contracts::{DeviceSpan, EventEnvelope, IntegrationEvent, StationRemoved, TelemetryReceived};
use mgc_eventing::{EventHandler, HandlerError};
use mgc_kernel::{DeviceId, RepoError, StationId, StationTz, TenantId};
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
        // Events from before per-device spans name points of the batch, not of each device.
        let legacy = ev.spans.is_empty();
        let spans: Vec<DeviceSpan> = if legacy {
            ev.device_ids
                .iter()
                .map(|d| DeviceSpan { device_id: *d, from: ev.from, to: ev.to, points: ev.points.clone() })
                .collect()
        } else {
            ev.spans
        };
        let devices: Vec<DeviceId> = spans.iter().map(|s| s.device_id).collect();
        let located: HashMap<DeviceId, (StationId, StationTz)> = tx
            .stations_of(tenant, &devices)
            .await
            .map_err(HandlerError::new)?
            .into_iter()
            .map(|(device, station, tz)| (device, (station, tz)))
            .collect();
        let mut per_station: BTreeMap<StationId, (StationTz, Vec<DeviceSpan>)> = BTreeMap::new();
        for span in spans {
            let Some((station, tz)) = located.get(&span.device_id) else { continue };
            per_station.entry(*station).or_insert((*tz, Vec::new())).1.push(span);
        }
        let oldest = event.occurred_at - Duration::days(self.config.max_backfill_days);
        for (station, (tz, spans)) in per_station {
            let cursor = tx.cursor(tenant, station).await.map_err(HandlerError::new)?;
            let arrivals = if cursor.is_some() && !legacy {
                arrivals(tx, tenant, &spans).await.map_err(HandlerError::new)?
            } else {
                spans.iter().map(|s| SeriesArrival::alone(s.from, s.to)).collect()
            };
            let Some(arrival) = on_data(tenant, station, tz, cursor, &arrivals, oldest) else { continue };
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

/// The series of `spans` with their stored neighbours; a span without points that have figures
/// reaches only its own hours (so do a station's first data and events without spans).
async fn arrivals<Tx: AnalyticsRepository + Send>(
    tx: &mut Tx,
    tenant: &TenantId,
    spans: &[DeviceSpan],
) -> Result<Vec<SeriesArrival>, RepoError> {
    let mut out = Vec::new();
    for span in spans {
        let points: Vec<String> = span.points.iter().filter(|p| PointKind::of(p).is_some()).cloned().collect();
        if points.is_empty() {
            out.push(SeriesArrival::alone(span.from, span.to));
            continue;
        }
        for (_, prev, next) in tx.samples_beside(tenant, span.device_id, &points, span.from, span.to).await? {
            out.push(SeriesArrival { from: span.from, to: span.to, prev, next });
        }
    }
    Ok(out)
}
