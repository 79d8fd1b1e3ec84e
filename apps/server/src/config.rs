//! Configuration: defaults that run on a laptop, then a TOML file, then `MGC_*` variables,
//! then command-line flags; validated with messages that name the bad setting.

use crate::cli::GlobalOpts;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use mgc_eventing::DispatcherConfig;
use mgc_kernel::TenantId;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Top-level keys that `MGC_*` variables may set (others, like `MGC_REQUIRE_POSTGRES`, are not config).
const ENV_KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "database_url",
    "log_format",
    "log_level",
    "bootstrap_tenant",
    "auth",
    "outbox",
    "database",
    "telemetry",
    "ingest",
    "analytics",
    "settlement",
    "alarms",
    "notify",
    "strategy",
    "thingsboard",
    "commands",
    "ocpp",
    "charging",
    "ap3000",
    "collector",
    "http",
    "cluster",
];

/// The whole configuration of `mgc`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: String,
    /// Directory for the embedded database and generated secrets.
    pub data_dir: PathBuf,
    /// Database URL; empty = `sqlite://<data_dir>/mgc.db`.
    pub database_url: String,
    /// `text` or `json`.
    pub log_format: String,
    /// tracing filter, e.g. `info` or `mgc_api=debug,info` (RUST_LOG wins when set).
    pub log_level: String,
    /// Tenant created at start-up so a fresh install is usable at once.
    pub bootstrap_tenant: String,
    /// Authentication.
    pub auth: AuthConfig,
    /// Outbox dispatcher.
    pub outbox: OutboxConfig,
    /// Connection pool.
    pub database: DatabaseConfig,
    /// Telemetry storage housekeeping.
    pub telemetry: TelemetryConfig,
    /// Ingest group commit and caches.
    pub ingest: IngestSettings,
    /// Window closing and energy rules.
    pub analytics: crate::config_analytics::AnalyticsSettings,
    /// Daily settlement.
    pub settlement: SettlementConfig,
    /// Alarm rule evaluation.
    pub alarms: crate::alarm_tasks::AlarmSettings,
    /// Notification delivery.
    pub notify: crate::alarm_tasks::NotifySettings,
    /// Strategy scheduler.
    pub strategy: crate::strategy_tasks::StrategySettings,
    /// ThingsBoard REST API for server-side RPC.
    pub thingsboard: crate::config_commands::ThingsBoardConfig,
    /// Command limits and method options.
    pub commands: crate::config_commands::CommandsConfig,
    /// OCPP 1.6J endpoint for chargers.
    pub ocpp: crate::config_ocpp::OcppConfig,
    /// Charging audit trail retention.
    pub charging: crate::config_charging::ChargingConfig,
    /// AP3000 TCP gateway for charging piles.
    pub ap3000: crate::config_ap3000::Ap3000Config,
    /// Pull collector sources (WinPower G2).
    pub collector: crate::config_collector::CollectorConfig,
    /// HTTP connection limits.
    pub http: crate::config_http::HttpSettings,
    /// Leases of the processes sharing one database.
    pub cluster: crate::config_cluster::ClusterSettings,
}

/// Daily settlement.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SettlementConfig {
    /// Days after a local day ends before its calculated settlement freezes automatically.
    pub freeze_after_days: u32,
    /// Seconds between runs of the auto-freeze task.
    pub freeze_check_interval_secs: u64,
}

impl Default for SettlementConfig {
    fn default() -> Self {
        Self { freeze_after_days: 3, freeze_check_interval_secs: 300 }
    }
}

/// Ingest group commit and caches.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestSettings {
    /// How long (ms) a group of concurrent requests waits for more before it commits; 0 = only
    /// what is already queued.
    pub group_commit_linger_ms: u64,
    /// A group commits once it holds this many points.
    pub group_commit_max_points: usize,
    /// Group transactions in flight at once on PostgreSQL (SQLite always uses one).
    pub group_commit_workers: usize,
    /// Seconds integrations and device routes are cached; 0 = no cache. A change made through
    /// another instance is seen after at most this long.
    pub cache_ttl_secs: u64,
}

impl Default for IngestSettings {
    fn default() -> Self {
        Self { group_commit_linger_ms: 2, group_commit_max_points: 20_000, group_commit_workers: 2, cache_ttl_secs: 5 }
    }
}

/// Telemetry storage housekeeping.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    /// Days of raw telemetry kept; 0 keeps everything.
    pub retention_days: u32,
    /// Daily PostgreSQL partitions created ahead of today.
    pub partitions_ahead_days: u32,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self { retention_days: 0, partitions_ahead_days: 7 }
    }
}

/// Operator authentication settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// HS256 secret (at least 32 bytes). Empty = read or generate `jwt_secret_file`.
    pub jwt_secret: String,
    /// File holding the HS256 secret; empty = `<data_dir>/jwt-secret` (generated with mode 0600).
    pub jwt_secret_file: String,
    /// PEM file with an RS256 public key; when set, tokens are verified with it instead.
    pub jwt_public_key_file: String,
    /// Seconds of clock skew tolerated on `exp`.
    pub jwt_leeway_secs: i64,
    /// Default lifetime of tokens minted by `mgc token`.
    pub token_ttl_secs: i64,
}

pub use crate::config_database::DatabaseConfig;
pub use crate::config_outbox::OutboxConfig;

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            log_format: "text".into(),
            log_level: "info".into(),
            bootstrap_tenant: "default".into(),
            auth: AuthConfig::default(),
            outbox: OutboxConfig::default(),
            database: DatabaseConfig::default(),
            telemetry: TelemetryConfig::default(),
            ingest: IngestSettings::default(),
            analytics: crate::config_analytics::AnalyticsSettings::default(),
            settlement: SettlementConfig::default(),
            alarms: Default::default(),
            notify: Default::default(),
            strategy: Default::default(),
            thingsboard: Default::default(),
            commands: Default::default(),
            ocpp: Default::default(),
            charging: Default::default(),
            ap3000: Default::default(),
            collector: Default::default(),
            http: Default::default(),
            cluster: Default::default(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: String::new(),
            jwt_secret_file: String::new(),
            jwt_public_key_file: String::new(),
            jwt_leeway_secs: 30,
            token_ttl_secs: 3600,
        }
    }
}

impl Config {
    /// Loads defaults ← file ← `MGC_*` ← flags, then validates.
    pub fn load(opts: &GlobalOpts, listen: Option<&str>) -> Result<Self, String> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = &opts.config {
            if !path.is_file() {
                return Err(format!("config file {} does not exist", path.display()));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let env = Env::prefixed("MGC_").split("__").filter(|key| {
            let key = key.as_str().to_ascii_lowercase();
            ENV_KEYS.iter().any(|k| key == *k || key.starts_with(&format!("{k}.")))
        });
        figment = figment.merge(env);
        let defaults = figment::value::Value::serialize(Config::default()).map_err(|e| e.to_string())?;
        let (mut config, mut problems) = crate::config_errors::extract_all::<Config>(&figment, &defaults)?;
        // Flags win over file and environment; their keys are not located in the file.
        let mut from_flags = Vec::new();
        if let Some(d) = &opts.data_dir {
            config.data_dir = d.clone();
            from_flags.push("data_dir");
        }
        if let Some(u) = &opts.database_url {
            config.database_url = u.clone();
            from_flags.push("database_url");
        }
        if let Some(f) = &opts.log_format {
            config.log_format = f.clone();
            from_flags.push("log_format");
        }
        if let Some(l) = listen {
            config.listen = l.to_owned();
            from_flags.push("listen");
        }
        let settings = config.problems().into_iter().map(|p| crate::config_errors::locate(&figment, &from_flags, p));
        problems.extend(settings);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(format!("invalid configuration:\n  - {}", problems.join("\n  - ")))
        }
    }

    /// What is wrong with the settings, each message starting with the key it is about.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = self.listen_addr() {
            problems.push(e);
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log_level) {
            problems.push(format!("log_level: '{}' is not a tracing filter: {e}", self.log_level));
        }
        if !matches!(self.log_format.as_str(), "text" | "json") {
            problems.push(format!("log_format: '{}' must be text or json", self.log_format));
        }
        if let Err(e) = TenantId::parse(&self.bootstrap_tenant) {
            problems.push(format!("bootstrap_tenant: {e}"));
        }
        let url = self.database_url();
        if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            problems.push(format!(
                "database_url: '{}' must start with sqlite:, postgres:// or postgresql://",
                mgc_store::redact(&url)
            ));
        }
        if let Err(e) = self.charging.retention() {
            problems.push(e);
        }
        if let Err(e) = self.http.validate().and(self.cluster.validate()) {
            problems.push(e);
        }
        if self.ingest.group_commit_linger_ms > 1000 {
            problems.push("ingest.group_commit_linger_ms: must be at most 1000 (every request waits for it)".into());
        }
        if !(1..=64).contains(&self.ingest.group_commit_workers) {
            problems.push("ingest.group_commit_workers: must be between 1 and 64".into());
        }
        if self.ingest.group_commit_max_points == 0 {
            problems.push("ingest.group_commit_max_points: must be at least 1".into());
        }
        if !self.auth.jwt_secret.is_empty() && self.auth.jwt_secret.len() < 32 {
            problems.push("auth.jwt_secret: must be at least 32 bytes".into());
        }
        let hs256_set = !self.auth.jwt_secret.is_empty() || !self.auth.jwt_secret_file.is_empty();
        if hs256_set && !self.auth.jwt_public_key_file.is_empty() {
            problems.push(
                "auth: set either jwt_secret/jwt_secret_file (HS256) or jwt_public_key_file (RS256), not both".into(),
            );
        }
        if !self.auth.jwt_public_key_file.is_empty() && !std::path::Path::new(&self.auth.jwt_public_key_file).is_file()
        {
            problems.push(format!("auth.jwt_public_key_file: {} does not exist", self.auth.jwt_public_key_file));
        }
        if self.auth.jwt_leeway_secs < 0 {
            problems.push("auth.jwt_leeway_secs: must not be negative".into());
        }
        if self.auth.token_ttl_secs <= 0 {
            problems.push("auth.token_ttl_secs: must be positive".into());
        }
        problems.extend(self.outbox.problems());
        problems.extend(self.analytics.problems());
        if self.settlement.freeze_check_interval_secs == 0 {
            problems.push("settlement.freeze_check_interval_secs: must be greater than 0".into());
        }
        if self.settlement.freeze_after_days > 366 {
            problems.push("settlement.freeze_after_days: must be at most 366".into());
        }
        problems.extend(self.notify.problems(&self.alarms));
        problems.extend(self.strategy.problems());
        problems.extend(self.thingsboard.problems());
        problems.extend(self.commands.problems());
        problems.extend(self.ocpp.problems());
        problems.extend(self.ap3000.problems());
        problems.extend(self.collector.problems());
        problems.extend(self.database.problems());
        problems
    }

    /// The effective database URL.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}/mgc.db", self.data_dir.display())
        } else {
            self.database_url.clone()
        }
    }

    /// The listen address; host names such as `localhost:8080` are resolved.
    pub fn listen_addr(&self) -> Result<SocketAddr, String> {
        use std::net::ToSocketAddrs;
        let invalid = || format!("listen: '{}' is not ADDR:PORT (e.g. 127.0.0.1:8080)", self.listen);
        self.listen.to_socket_addrs().map_err(|_| invalid())?.next().ok_or_else(invalid)
    }

    /// The bootstrap tenant (validated).
    pub fn bootstrap_tenant(&self) -> Result<TenantId, String> {
        TenantId::parse(&self.bootstrap_tenant).map_err(|e| e.to_string())
    }

    /// Ingest pipeline settings from the ingest section; `single_writer` (SQLite) runs one
    /// group-commit worker whatever is configured.
    pub fn ingest(&self, single_writer: bool) -> mgc_api::IngestConfig {
        let i = &self.ingest;
        mgc_api::IngestConfig {
            group_commit_linger: Duration::from_millis(i.group_commit_linger_ms),
            group_commit_max_points: i.group_commit_max_points,
            group_commit_workers: if single_writer { 1 } else { i.group_commit_workers },
            cache_ttl: Duration::from_secs(i.cache_ttl_secs),
        }
    }

    /// Analytics settings from the analytics section.
    pub fn analytics(&self) -> mgc_analytics::AnalyticsConfig {
        self.analytics.to_config()
    }

    /// This instance's id for outbox claims: `outbox.instance_id`, or `<host>:<absolute data dir>`.
    pub fn instance_id(&self) -> String {
        if !self.outbox.instance_id.is_empty() {
            return self.outbox.instance_id.clone();
        }
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        let dir = std::path::absolute(&self.data_dir).unwrap_or_else(|_| self.data_dir.clone());
        format!("{host}:{}", dir.display())
    }

    /// Dispatcher tuning from the outbox settings.
    pub fn dispatcher(&self) -> DispatcherConfig {
        self.outbox.dispatcher()
    }

    /// The configuration as TOML with secrets hidden (for `check-config`).
    pub fn redacted_toml(&self) -> String {
        let mut shown = self.clone();
        if !shown.auth.jwt_secret.is_empty() {
            shown.auth.jwt_secret = "***".into();
        }
        if !shown.http.metrics_token.is_empty() {
            shown.http.metrics_token = "***".into();
        }
        if !shown.thingsboard.password.is_empty() {
            shown.thingsboard.password = "***".into();
        }
        for source in shown.collector.sources.iter_mut().filter(|s| !s.password.is_empty()) {
            source.password = "***".into();
        }
        shown.database_url = mgc_store::redact(&self.database_url());
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render configuration: {e}\n"))
    }
}
