//! The ThingsBoard ingest pipeline: this adapter owns it from the request's credentials to the
//! commit. An edge (the HTTP handler) hands over the credentials, routing headers and raw body;
//! the pipeline authenticates the integration (cached), parses the body, routes the points
//! through cached device routes and records them with the group committer, answering only
//! after the commit that holds them.

mod credentials;
mod error;
mod group_commit;
mod quarantine_sweep;
mod units;

pub use credentials::IngestCredentials;
pub use error::IngestError;
pub use group_commit::{CommitError, GroupCommitter, IngestJob};
pub use quarantine_sweep::sweep_quarantine;
pub use units::{IngestTx, IngestUnits};

use crate::ingest::{forget_tenant, route_batch, RouteCache};
use crate::payload::{parse_thingsboard, IngestContext, Skipped, TimeLimits};
use chrono::{DateTime, Utc};
use mgc_eventing::UnitOfWork;
use mgc_iam::{IngestAuthError, Integration, IntegrationRepository, SignedRequest, TenantGate};
use mgc_kernel::{IntegrationId, RepoError, SharedClock, TenantId, TtlCache};
use mgc_telemetry::{BatchInput, BatchReport};
use std::sync::Arc;
use std::time::Duration;

/// Settings of the ingest pipeline (`[ingest]` in the configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct IngestConfig {
    /// How long a gathered group waits for more requests after the first one (0 = only what is
    /// already queued).
    pub group_commit_linger: Duration,
    /// A group is committed once it holds this many points.
    pub group_commit_max_points: usize,
    /// Transactions in flight at once; 1 where the database has a single writer (SQLite).
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

/// One telemetry request as the edge received it.
#[derive(Debug, Clone, Copy)]
pub struct TelemetryRequest<'a> {
    /// Integration credentials.
    pub credentials: IngestCredentials<'a>,
    /// What the signature covers: method, path, the routing headers `X-Device-Name` (device of
    /// flat bodies), `X-Device-Type` and `X-Ts` (epoch ms of flat bodies), and the raw body.
    pub request: SignedRequest<'a>,
}

/// What a recorded telemetry request did.
#[derive(Debug, Clone, PartialEq)]
pub struct TelemetryReceipt {
    /// Counts of the committed batch.
    pub report: BatchReport,
    /// Entries of the body that were skipped, with path and reason.
    pub skipped: Vec<Skipped>,
}

/// Caches and committer of the ingest path over the storage `U`; one per process.
pub struct IngestService<U: IngestUnits> {
    units: U,
    clock: SharedClock,
    routes: RouteCache,
    integrations: TtlCache<IntegrationId, Integration>,
    tenants: Arc<TenantGate>,
    committer: GroupCommitter,
}

impl<U: IngestUnits> IngestService<U> {
    /// Starts the committer workers on the current tokio runtime; `tenants` refuses the
    /// integrations of disabled tenants (shared with the HTTP authentication).
    pub fn start(units: U, clock: SharedClock, config: &IngestConfig, tenants: Arc<TenantGate>) -> Self {
        let ttl = chrono::Duration::from_std(config.cache_ttl).unwrap_or_else(|_| chrono::Duration::zero());
        Self {
            routes: RouteCache::new(ttl, 100_000, clock.clone()),
            integrations: TtlCache::new(ttl, 10_000, clock.clone()),
            tenants,
            committer: GroupCommitter::start(units.clone(), config),
            units,
            clock,
        }
    }

    /// Authenticates a request of any `/ingest/thingsboard/*` endpoint: the integration and the
    /// signature to remember (signed mode). A cached integration that does not verify is looked
    /// up again (its secret may have been rotated on another instance) before refusing.
    pub async fn authenticate(
        &self,
        credentials: &IngestCredentials<'_>,
        request: &SignedRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<(Integration, Option<String>), IngestError> {
        let id = credentials.integration()?;
        let mut fresh = false;
        loop {
            let integration = self.integration(id, fresh).await?.ok_or(IngestAuthError::UnknownIntegration)?;
            match credentials.verify(&integration, request, now) {
                Ok(signature) => {
                    if self.tenants.check(&self.units, &integration.tenant).await?.is_err() {
                        return Err(IngestAuthError::TenantDisabled.into());
                    }
                    return Ok((integration, signature));
                }
                Err(e) if fresh || matches!(e, IngestAuthError::MissingCredentials) => return Err(e.into()),
                Err(_) => fresh = true,
            }
        }
    }

    /// Authenticates like [`Self::authenticate`] and records the signature in the replay log
    /// (shared by every endpoint of the integration), for requests that are not telemetry:
    /// a signature seen before is refused as replayed.
    pub async fn authenticate_once(
        &self,
        credentials: &IngestCredentials<'_>,
        request: &SignedRequest<'_>,
        now: DateTime<Utc>,
    ) -> Result<Integration, IngestError> {
        let (integration, signature) = self.authenticate(credentials, request, now).await?;
        if let Some(signature) = signature {
            let mut uow = self.units.begin().await?;
            let fresh = uow.remember_signatures(&[(integration.id, signature.as_str())], now).await?;
            if !fresh.first().copied().unwrap_or(false) {
                return Err(IngestAuthError::Replayed.into());
            }
            uow.commit().await?;
        }
        Ok(integration)
    }

    /// The integration `credentials` name, when it exists (cached): the owner of a refused
    /// request, for the audit log.
    pub async fn known_integration(&self, credentials: &IngestCredentials<'_>) -> Option<Integration> {
        self.integration(credentials.integration().ok()?, false).await.ok()?
    }

    /// Authenticates, parses, routes and durably records one telemetry request; returns after
    /// the commit that holds it.
    pub async fn ingest_telemetry(&self, request: TelemetryRequest<'_>) -> Result<TelemetryReceipt, IngestError> {
        let now = self.clock.now();
        let signed = &request.request;
        let (integration, signature) = self.authenticate(&request.credentials, signed, now).await?;
        let ctx = IngestContext {
            device_name: signed.header("x-device-name").map(str::to_owned),
            device_type: signed.header("x-device-type").map(str::to_owned),
            ts: signed.header("x-ts").map(str::to_owned),
            received_at: now,
        };
        let batch = parse_thingsboard(signed.body, &ctx, &TimeLimits::default())?;
        let skipped = batch.skipped.clone();
        let routed = route_batch(&self.units, &self.routes, &integration.tenant, batch).await?;
        let job = IngestJob {
            integration: integration.id,
            signature,
            batch: BatchInput {
                tenant: integration.tenant.clone(),
                points: routed.stored,
                unrouted: routed.unrouted,
                received_at: now,
            },
        };
        let report = self.committer.submit(job).await.map_err(|e| match e {
            CommitError::Replayed => IngestError::Auth(IngestAuthError::Replayed),
            CommitError::Store(e) => IngestError::Storage(e),
            CommitError::Unavailable => IngestError::ShuttingDown,
        })?;
        metrics::counter!("mgc_ingest_points_total", "outcome" => "new").increment(report.stored.new);
        metrics::counter!("mgc_ingest_points_total", "outcome" => "changed").increment(report.stored.changed);
        metrics::counter!("mgc_ingest_points_total", "outcome" => "duplicate").increment(report.stored.duplicate);
        metrics::counter!("mgc_ingest_points_total", "outcome" => "quarantined").increment(report.quarantined);
        Ok(TelemetryReceipt { report, skipped })
    }

    /// Records points an adapter of this process pulled itself (no integration, no signature):
    /// routed through the same device cache and point mappings, unknown devices quarantined,
    /// committed by the same group committer (one `TelemetryReceived` per commit with news);
    /// a disabled tenant's points are refused as its integrations' are.
    /// Returns the batch's counts and how its points were routed (stored in the order given,
    /// mapped; or quarantined), after the commit.
    pub async fn record_pulled(
        &self,
        tenant: &TenantId,
        batch: crate::payload::ParsedBatch,
        received_at: DateTime<Utc>,
    ) -> Result<(BatchReport, crate::routing::RoutedBatch), IngestError> {
        if self.tenants.check(&self.units, tenant).await?.is_err() {
            return Err(IngestAuthError::TenantDisabled.into());
        }
        let routed = route_batch(&self.units, &self.routes, tenant, batch).await?;
        let job = IngestJob {
            integration: IntegrationId::from_uuid(mgc_kernel::uuid::Uuid::nil()),
            signature: None,
            batch: BatchInput {
                tenant: tenant.clone(),
                points: routed.stored.clone(),
                unrouted: routed.unrouted.clone(),
                received_at,
            },
        };
        let report = self.committer.submit(job).await.map_err(|e| match e {
            CommitError::Replayed | CommitError::Unavailable => IngestError::ShuttingDown,
            CommitError::Store(e) => IngestError::Storage(e),
        })?;
        Ok((report, routed))
    }

    /// Moves quarantined points of devices that exist by now into their telemetry.
    pub async fn sweep_quarantine(&self) -> Result<usize, RepoError> {
        sweep_quarantine(&self.units, self.clock.now()).await
    }

    /// Forgets what is cached of `tenant` after its devices, mappings, integrations or state
    /// changed.
    pub fn forget_tenant(&self, tenant: &TenantId) {
        self.tenants.forget(tenant);
        forget_tenant(&self.routes, tenant);
        self.integrations.forget_where(|_, i| i.tenant == *tenant);
    }

    /// The integration `id` (any tenant), from the cache unless `fresh` is asked for.
    async fn integration(&self, id: IntegrationId, fresh: bool) -> Result<Option<Integration>, RepoError> {
        if !fresh {
            if let Some(hit) = self.integrations.get(&id) {
                return Ok(Some(hit));
            }
        }
        let found = self.units.find_integration(id).await?;
        match &found {
            Some(i) => self.integrations.put(id, i.clone()),
            None => self.integrations.forget_where(|k, _| *k == id),
        }
        Ok(found)
    }
}
