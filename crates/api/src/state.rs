//! Shared state handed to every handler.

use metrics_exporter_prometheus::PrometheusHandle;
use mgc_iam::JwtVerifier;
use mgc_kernel::SharedClock;
use mgc_store::Store;
use std::sync::Arc;

/// Settings of the HTTP edge.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiConfig {
    /// `/readyz` fails when the outbox lag exceeds this many seconds.
    pub ready_max_outbox_lag_secs: f64,
    /// `/readyz` answers within this time: a check that has not finished by then failed.
    pub ready_timeout: std::time::Duration,
    /// `/readyz` fails once this many units of work in a row failed to begin or commit.
    pub ready_max_write_failures: u64,
    /// A request whose answer is not ready after this long gets 503 `request_timeout`.
    pub request_timeout: std::time::Duration,
    /// Window closing and energy rules.
    pub analytics: mgc_analytics::AnalyticsConfig,
    /// Command limits and method options.
    pub commands: mgc_commands::CommandSettings,
    /// When set, `/metrics` answers only `Authorization: Bearer <this token>`.
    pub metrics_token: Option<String>,
    /// Memory bound of the stats answer cache in bytes (0 = off).
    pub stats_cache_bytes: usize,
}

/// Default bound of the stats answer cache: 64 MiB.
pub const DEFAULT_STATS_CACHE_BYTES: usize = 64 << 20;

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            ready_max_outbox_lag_secs: 300.0,
            ready_timeout: std::time::Duration::from_millis(800),
            ready_max_write_failures: 3,
            request_timeout: std::time::Duration::from_secs(30),
            analytics: mgc_analytics::AnalyticsConfig::default(),
            commands: mgc_commands::CommandSettings::default(),
            metrics_token: None,
            stats_cache_bytes: DEFAULT_STATS_CACHE_BYTES,
        }
    }
}

/// Everything a handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Database.
    pub store: Store,
    /// Time source (injectable for tests).
    pub clock: SharedClock,
    /// Operator token verifier.
    pub jwt: Arc<JwtVerifier>,
    /// Prometheus exposition.
    pub metrics: PrometheusHandle,
    /// Edge settings (shared: every layer of every request clones the state).
    pub config: Arc<ApiConfig>,
    /// The ThingsBoard ingest pipeline (owned by its adapter).
    pub ingest: Arc<mgc_adapter_thingsboard::IngestService<Store>>,
    /// Wakes the background job runner when a job is queued.
    pub jobs_wakeup: Arc<tokio::sync::Notify>,
    /// Wakes the shadow-run runner when a run is queued.
    pub shadow_wakeup: Arc<tokio::sync::Notify>,
    /// Wakes the command dispatcher when a command is issued.
    pub commands_wakeup: Arc<tokio::sync::Notify>,
    /// The device adapters by protocol (the dispatcher's own), which check a command's method
    /// and parameters when it is issued.
    pub adapters: Arc<mgc_commands::AdapterRegistry>,
    /// Tenants that may act (exist and are not disabled), cached on the clock; shared with the
    /// ingest pipeline.
    pub tenants: Arc<mgc_iam::TenantGate>,
    /// Health of the pull collector's sources (empty when none is configured).
    pub collector: Arc<mgc_adapter_collector::CollectorStatus>,
    /// Per-tenant budget of audited authentication refusals.
    pub refusal_audit: Arc<crate::refusal_audit::RefusalAudit>,
    /// Serialized stats answers, served while the station's statistics revision stands.
    pub stats_cache: Arc<crate::stats_cache::StatsCache>,
}
