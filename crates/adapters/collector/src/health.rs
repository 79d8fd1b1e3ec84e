//! Health of every source, shared between the pollers and the HTTP edge.

use chrono::{DateTime, Utc};
use mgc_kernel::TenantId;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::RwLock;

/// State of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    /// Not polled yet.
    Pending,
    /// Last poll succeeded.
    Ok,
    /// Last poll failed; the next attempt waits longer (backoff).
    Failing,
}

/// Health of one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceHealth {
    /// Source name.
    pub name: String,
    /// Source kind (`winpower`).
    pub kind: &'static str,
    /// Tenant it feeds.
    #[serde(skip)]
    pub tenant: TenantId,
    /// Base URL polled.
    pub url: String,
    /// Pending, ok or failing.
    pub state: SourceState,
    /// When the last poll succeeded.
    pub last_success_at: Option<DateTime<Utc>>,
    /// When the last poll ran.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// How long the last poll took (ms).
    pub last_duration_ms: Option<u64>,
    /// Failed polls since start.
    pub error_count: u64,
    /// Failed polls in a row (0 when healthy).
    pub consecutive_failures: u32,
    /// Code of the last failure (`collector_timeout`, `collector_credentials_refused`, ...).
    pub last_error_code: Option<&'static str>,
    /// Message of the last failure.
    pub last_error: Option<String>,
    /// When the next poll is due.
    pub next_poll_at: Option<DateTime<Utc>>,
    /// Devices listed by the last successful poll (references in the source).
    pub devices: Vec<String>,
    /// Of those, the ones with no device in the tenant (their readings wait in quarantine).
    pub unknown_devices: Vec<String>,
    /// The source's own device (`collector:<name>` in its station), once it exists.
    pub alarm_device: Option<String>,
    /// Why the source's own device could not be made (no such station, name taken), if so.
    pub alarm_device_error: Option<String>,
}

/// Health of every source of this process.
#[derive(Debug, Default)]
pub struct CollectorStatus {
    sources: RwLock<BTreeMap<String, SourceHealth>>,
}

impl CollectorStatus {
    /// Replaces the health of one source.
    pub fn set(&self, health: SourceHealth) {
        if let Ok(mut map) = self.sources.write() {
            map.insert(health.name.clone(), health);
        }
    }

    /// The health of `tenant`'s sources, by name.
    pub fn of_tenant(&self, tenant: &TenantId) -> Vec<SourceHealth> {
        self.sources.read().map(|m| m.values().filter(|h| h.tenant == *tenant).cloned().collect()).unwrap_or_default()
    }
}
