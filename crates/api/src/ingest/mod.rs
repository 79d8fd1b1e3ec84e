//! The ingest pipeline behind `POST /ingest/thingsboard/telemetry`: short-lived caches of
//! integrations and device routes, and the group committer that records batches durably.

mod group_commit;
mod quarantine_sweep;

pub use group_commit::{CommitError, GroupCommitter, IngestJob};
pub use quarantine_sweep::sweep_quarantine;

use mgc_adapter_thingsboard::RouteCache;
use mgc_iam::{Integration, IntegrationLookup};
use mgc_kernel::{IntegrationId, RepoError, SharedClock, TenantId, TtlCache};
use mgc_store::Store;
use std::time::Duration;

/// Settings of the ingest pipeline (`[ingest]` in the configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct IngestConfig {
    /// How long a gathered group waits for more requests after the first one (0 = only what is
    /// already queued).
    pub group_commit_linger: Duration,
    /// A group is committed once it holds this many points.
    pub group_commit_max_points: usize,
    /// Transactions in flight at once (PostgreSQL; SQLite has one writer and uses one).
    pub group_commit_workers: usize,
    /// Time to live of cached integrations and device routes (0 = no cache).
    pub cache_ttl: Duration,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            group_commit_linger: Duration::from_millis(2),
            group_commit_max_points: 20_000,
            group_commit_workers: 2,
            cache_ttl: Duration::from_secs(5),
        }
    }
}

/// Caches and committer of the ingest path; one per process.
pub struct IngestPipeline {
    /// Device routes by reference.
    pub routes: RouteCache,
    integrations: TtlCache<IntegrationId, Integration>,
    /// Durable recording of batches.
    pub committer: GroupCommitter,
}

impl IngestPipeline {
    /// Starts the committer workers on the current tokio runtime.
    pub fn start(store: Store, clock: SharedClock, config: &IngestConfig) -> Self {
        let ttl = chrono::Duration::from_std(config.cache_ttl).unwrap_or_else(|_| chrono::Duration::zero());
        Self {
            routes: RouteCache::new(ttl, 100_000, clock.clone()),
            integrations: TtlCache::new(ttl, 10_000, clock),
            committer: GroupCommitter::start(store, config),
        }
    }

    /// The integration `id` (any tenant), from the cache unless `fresh` is asked for.
    pub async fn integration(
        &self,
        store: &Store,
        id: IntegrationId,
        fresh: bool,
    ) -> Result<Option<Integration>, RepoError> {
        if !fresh {
            if let Some(hit) = self.integrations.get(&id) {
                return Ok(Some(hit));
            }
        }
        let found = store.find_integration(id).await?;
        match &found {
            Some(i) => self.integrations.put(id, i.clone()),
            None => self.integrations.forget_where(|k, _| *k == id),
        }
        Ok(found)
    }

    /// Forgets what is cached of `tenant` after its devices, mappings or integrations changed.
    pub fn forget_tenant(&self, tenant: &TenantId) {
        mgc_adapter_thingsboard::forget_tenant(&self.routes, tenant);
        self.integrations.forget_where(|_, i| i.tenant == *tenant);
    }
}
