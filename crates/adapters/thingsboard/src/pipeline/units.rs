//! What the ingest pipeline needs of storage, as ports: any store whose units of work can record
//! telemetry, remember signatures and read masterdata qualifies (the real store does).

use mgc_eventing::{OutboxStore, OutboxWriter, UnitOfWork};
use mgc_iam::{IntegrationLookup, IntegrationRepository, TenantDirectory};
use mgc_masterdata::{MasterdataQueries, MasterdataRepository};
use mgc_telemetry::domain::repository::{TelemetryQueries, TelemetryRepository};

/// A unit of work of the ingest pipeline: telemetry, replay log, masterdata, outbox.
pub trait IngestTx:
    UnitOfWork + TelemetryRepository + IntegrationRepository + MasterdataRepository + OutboxWriter + Send + 'static
{
}

impl<T> IngestTx for T where
    T: UnitOfWork + TelemetryRepository + IntegrationRepository + MasterdataRepository + OutboxWriter + Send + 'static
{
}

/// Storage of the ingest pipeline: begins units of work and answers the lookups of routing,
/// authentication (integrations and their tenants) and the quarantine sweep.
pub trait IngestUnits:
    OutboxStore<Tx: IngestTx> + IntegrationLookup + TenantDirectory + MasterdataQueries + TelemetryQueries + Clone + 'static
{
}

impl<S> IngestUnits for S where
    S: OutboxStore<Tx: IngestTx>
        + IntegrationLookup
        + TenantDirectory
        + MasterdataQueries
        + TelemetryQueries
        + Clone
        + 'static
{
}
