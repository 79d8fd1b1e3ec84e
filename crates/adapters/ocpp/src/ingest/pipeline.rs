//! The OCPP ingest pipeline: meter readings of a charge point written as telemetry of its
//! masterdata device through the telemetry context (`record_in`: idempotent upsert, latest
//! values, one `TelemetryReceived` per message with news), in a unit of work of its own that
//! commits before the charging service runs (see [`crate::csms::handle_call`] for the order).

use super::points::meter_points;
use crate::csms::Caller;
use crate::messages::types::MeterValue;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_charging::{ChargingTx, ChargingUnits, RegistrationStatus, SessionRepository, TransactionId};
use mgc_eventing::UnitOfWork;
use mgc_kernel::RepoError;
use mgc_telemetry::domain::repository::TelemetryRepository;

/// Counter of meter points not written because the charge point is linked to no device.
pub const UNLINKED_COUNTER: &str = "mgc_ocpp_meter_points_unlinked_total";

/// Units of work of the CSMS: the charging ones, which can also record telemetry.
#[async_trait]
pub trait CsmsUnits: ChargingUnits {
    /// A unit of work with the charging repositories and the telemetry repository.
    type IngestTx: ChargingTx + TelemetryRepository;
    /// Starts one.
    async fn begin_ingest_tx(&self) -> Result<Self::IngestTx, RepoError>;
}

#[async_trait]
impl<U> CsmsUnits for U
where
    U: ChargingUnits,
    U::Tx: TelemetryRepository,
{
    type IngestTx = U::Tx;

    async fn begin_ingest_tx(&self) -> Result<U::Tx, RepoError> {
        self.begin_charging_tx().await
    }
}

/// Where readings were measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasuredOn {
    /// On this connector (MeterValues, StartTransaction).
    Connector(u32),
    /// On the connector of this transaction (StopTransaction).
    Transaction(TransactionId),
}

/// What the pipeline did with one message's readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    /// Recorded this many points on the device (duplicates of a retried message included).
    Recorded(usize),
    /// The charge point is linked to no device: this many points not written (counted).
    Unlinked(usize),
    /// Nothing to write: no readings, an unknown charge point or one not accepted (the
    /// charging service answers that), or a transaction that is not the charge point's.
    Skipped,
}

/// Records `values` of `caller`, measured `on`, received at `now`, and commits.
pub async fn ingest_readings<U: CsmsUnits>(
    units: &U,
    caller: &Caller,
    on: MeasuredOn,
    values: &[MeterValue],
    now: DateTime<Utc>,
) -> Result<IngestOutcome, RepoError> {
    if values.is_empty() {
        return Ok(IngestOutcome::Skipped);
    }
    let Some(cp) = units.find_charge_point(&caller.tenant, &caller.identity).await? else {
        return Ok(IngestOutcome::Skipped);
    };
    // Only an accepted charge point's readings are data: a pending one is not adopted yet.
    if cp.registration != RegistrationStatus::Accepted {
        return Ok(IngestOutcome::Skipped);
    }
    let Some(device) = cp.device_id else {
        let n: usize = values.iter().map(|v| v.sampled_value.len()).sum();
        metrics::counter!(UNLINKED_COUNTER).increment(n as u64);
        tracing::debug!(identity = %caller.identity, points = n, "meter values of a charge point without device: not written as telemetry");
        return Ok(IngestOutcome::Unlinked(n));
    };
    let mut tx = units.begin_ingest_tx().await?;
    let connector = match on {
        MeasuredOn::Connector(n) => n,
        MeasuredOn::Transaction(id) => {
            match tx.session_by_transaction(&caller.tenant, id).await?.filter(|s| s.charge_point_id == cp.id) {
                Some(session) => session.connector,
                None => return Ok(IngestOutcome::Skipped),
            }
        }
    };
    let points = meter_points(device, connector, values);
    let n = points.len();
    mgc_telemetry::record_in(&mut tx, &caller.tenant, points, Vec::new(), now).await?;
    tx.commit().await?;
    Ok(IngestOutcome::Recorded(n))
}
