//! What the collector keeps in the database: per source and device, the energy counters and the
//! sample they end with (so counters survive restarts), which also names the devices a source
//! fed (so a failing source can mark them).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::{DeviceId, RepoError, TenantId};

/// One device of one source, as last checkpointed.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceCheckpoint {
    /// Tenant.
    pub tenant: TenantId,
    /// Source name.
    pub source: String,
    /// The masterdata device.
    pub device_id: DeviceId,
    /// Its reference in the source.
    pub reference: String,
    /// Energy consumed (Wh).
    pub import_wh: f64,
    /// Energy delivered (Wh).
    pub export_wh: f64,
    /// Last power sample integrated: time and value (W).
    pub last_sample: Option<(DateTime<Utc>, f64)>,
}

/// Storage of the checkpoints.
#[async_trait]
pub trait CollectorStore: Send + Sync {
    /// The checkpoints of one source of a tenant.
    async fn collector_checkpoints(&self, tenant: &TenantId, source: &str) -> Result<Vec<DeviceCheckpoint>, RepoError>;
    /// Inserts or replaces checkpoints.
    async fn save_collector_checkpoints(&self, rows: &[DeviceCheckpoint], at: DateTime<Utc>) -> Result<(), RepoError>;
}
