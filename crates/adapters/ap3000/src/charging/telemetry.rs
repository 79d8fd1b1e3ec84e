//! Power heartbeats as telemetry of the pile's masterdata device (beside the session's meter
//! values): port 1 gives the device's semantic points (`active_power_w`, `charge_power_w`,
//! `voltage_v`, `current_a`) as OCPP's connector 1 does; other ports and the per-order energy
//! (a session counter, not a register: it restarts with every order, so it is never
//! `energy_import_wh`) are kept under `ap3000.c{port}.…`. Written through the telemetry context
//! (`record_in`: idempotent upsert, latest values, one `TelemetryReceived`) in a unit of work that
//! commits before the charging service runs, as the OCPP pipeline does.

use super::{identity, ChargingHandler};
use crate::messages::PowerHeartbeat;
use crate::PhysicalId;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargingError, ChargingUnits, RegistrationStatus};
use mgc_eventing::UnitOfWork;
use mgc_kernel::DeviceId;
use mgc_telemetry::domain::repository::TelemetryRepository;
use mgc_telemetry::domain::stored::StoredPoint;
use mgc_telemetry::RawValue;

/// Counter of power heartbeats not written as telemetry because the pile is linked to no device.
pub const UNLINKED_COUNTER: &str = "mgc_ap3000_power_points_unlinked_total";

/// Units of work of the gateway: the charging ones, which can also record telemetry.
pub trait PileUnits: ChargingUnits<Tx: TelemetryRepository> {}

impl<U: ChargingUnits<Tx: TelemetryRepository>> PileUnits for U {}

/// The points of heartbeat `p` of the pile that is device `device`, at `at`.
pub fn power_points(device: DeviceId, p: &PowerHeartbeat, at: DateTime<Utc>) -> Vec<StoredPoint> {
    let connector = u32::from(p.port) + 1;
    let mut out = Vec::new();
    let mut push = |semantic: Option<&str>, raw: &str, v: f64| {
        let point = match semantic {
            Some(name) if connector == 1 => name.to_owned(),
            _ => format!("ap3000.c{connector}.{raw}"),
        };
        let raw_key = format!("c{connector}/{raw}");
        out.push(StoredPoint {
            device_id: device,
            point,
            ts: at,
            num_value: Some(v),
            value: RawValue::Number(v),
            raw_key,
        });
    };
    let watts = f64::from(p.power_dw) / 10.0;
    push(Some("active_power_w"), "power_w", watts);
    push(Some("charge_power_w"), "charge_power_w", watts);
    push(None, "order_energy_wh", p.energy_wh() as f64);
    if let Some(dv) = p.voltage_dv {
        push(Some("voltage_v"), "voltage_v", f64::from(dv) / 10.0);
    }
    if let Some(ma) = p.current_ma {
        push(Some("current_a"), "current_a", f64::from(ma) / 1000.0);
    }
    out
}

impl<U: PileUnits + 'static> ChargingHandler<U> {
    /// Records heartbeat `p` of `pile` as telemetry of its device and commits; nothing for a
    /// pile that is unknown, not accepted, or linked to no device (counted).
    pub(super) async fn record_power(
        &self,
        pile: PhysicalId,
        p: &PowerHeartbeat,
        now: DateTime<Utc>,
    ) -> Result<usize, ChargingError> {
        let tenant = &self.inner.tenant;
        let Some(cp) = self.inner.units.find_charge_point(tenant, &identity(pile)?).await? else { return Ok(0) };
        if cp.registration != RegistrationStatus::Accepted {
            return Ok(0);
        }
        let Some(device) = cp.device_id else {
            metrics::counter!(UNLINKED_COUNTER).increment(1);
            return Ok(0);
        };
        let points = power_points(device, p, now);
        let n = points.len();
        let mut tx = self.inner.units.begin_charging_tx().await?;
        mgc_telemetry::record_in(&mut tx, tenant, points, Vec::new(), now).await?;
        tx.commit().await?;
        Ok(n)
    }
}
