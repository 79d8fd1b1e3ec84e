//! The `[collector]` configuration section: pull sources (WinPower G2 web APIs) polled on a
//! schedule; each `[[collector.sources]]` entry is one source.

use mgc_adapter_collector::{Secret, SourceKind, SourceSettings};
use mgc_kernel::TenantId;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::time::Duration;

/// The pull collector (off while `sources` is empty).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CollectorConfig {
    /// The sources polled.
    pub sources: Vec<SourceConfig>,
}

/// One pull source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourceConfig {
    /// Unique name: label of its metrics and its entry at `/api/v1/collector/sources`.
    pub name: String,
    /// `winpower` (WinPower G2 web API).
    pub kind: String,
    /// Base URL of the web API, e.g. `http://10.0.0.5:8081`.
    pub url: String,
    /// Login user.
    pub username: String,
    /// Its password (secret; `check-config` shows `***`; may be sealed, `enc1:…`).
    pub password: String,
    /// Tenant the devices belong to; empty = the bootstrap tenant.
    pub tenant: String,
    /// Code of the tenant's station the source's own device (`collector:<name>`) is created in.
    pub station: String,
    /// Seconds between two polls while healthy.
    pub interval_s: u64,
    /// Time limit of each request (ms).
    pub timeout_ms: u64,
    /// Longest wait between two attempts while failing (s); the wait doubles from `interval_s`.
    pub max_backoff_s: u64,
}

impl Default for SourceConfig {
    fn default() -> Self {
        Self {
            name: String::new(),
            kind: "winpower".into(),
            url: String::new(),
            username: String::new(),
            password: String::new(),
            tenant: String::new(),
            station: String::new(),
            interval_s: 30,
            timeout_ms: 5_000,
            max_backoff_s: 600,
        }
    }
}

impl CollectorConfig {
    /// Every bad setting, named (`collector.sources[i].key`).
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let mut names = HashSet::new();
        for (i, s) in self.sources.iter().enumerate() {
            let at = format!("collector.sources[{i}]");
            let valid_name = !s.name.is_empty()
                && s.name.len() <= 64
                && s.name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if !valid_name {
                p.push(format!("{at}.name: '{}' must be 1-64 of A-Z a-z 0-9 - _ .", s.name));
            } else if !names.insert(s.name.as_str()) {
                p.push(format!("{at}.name: '{}' is used by another source", s.name));
            }
            if let Err(e) = SourceKind::parse(&s.kind) {
                p.push(format!("{at}.kind: {e}"));
            }
            if !(s.url.starts_with("http://") || s.url.starts_with("https://")) {
                p.push(format!("{at}.url: '{}' must start with http:// or https://", s.url));
            }
            if s.username.is_empty() {
                p.push(format!("{at}.username: required"));
            }
            if s.station.trim().is_empty() || s.station.len() > 100 {
                p.push(format!("{at}.station: required, the code of the station the source's own device belongs in"));
            }
            if !s.tenant.is_empty() && TenantId::parse(&s.tenant).is_err() {
                p.push(format!("{at}.tenant: '{}' is not a tenant id", s.tenant));
            }
            if !(1..=86_400).contains(&s.interval_s) {
                p.push(format!("{at}.interval_s: must be between 1 and 86400"));
            }
            if !(100..=600_000).contains(&s.timeout_ms) {
                p.push(format!("{at}.timeout_ms: must be between 100 and 600000"));
            }
            if s.max_backoff_s < s.interval_s || s.max_backoff_s > 86_400 {
                p.push(format!("{at}.max_backoff_s: must be between interval_s and 86400"));
            }
        }
        p
    }

    /// The sources' settings; `bootstrap` is the tenant of sources that name none.
    pub fn to_settings(&self, bootstrap: &TenantId) -> Result<Vec<SourceSettings>, String> {
        self.sources
            .iter()
            .map(|s| {
                let tenant = if s.tenant.is_empty() {
                    bootstrap.clone()
                } else {
                    TenantId::parse(&s.tenant).map_err(|e| format!("collector source '{}': {e}", s.name))?
                };
                Ok(SourceSettings {
                    name: s.name.clone(),
                    kind: SourceKind::parse(&s.kind)?,
                    url: s.url.clone(),
                    username: s.username.clone(),
                    password: Secret::new(s.password.clone()),
                    tenant,
                    station: s.station.trim().to_owned(),
                    interval: Duration::from_secs(s.interval_s),
                    timeout: Duration::from_millis(s.timeout_ms),
                    max_backoff: Duration::from_secs(s.max_backoff_s),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_bad_sources_then_each_problem_is_named() {
        let good = SourceConfig {
            name: "ups-1".into(),
            url: "http://wp:8081".into(),
            username: "admin".into(),
            station: "ups-room".into(),
            ..Default::default()
        };
        let c = CollectorConfig {
            sources: vec![
                good.clone(),
                good.clone(),
                SourceConfig {
                    name: "bad name".into(),
                    kind: "modbus".into(),
                    url: "wp".into(),
                    timeout_ms: 1,
                    ..Default::default()
                },
            ],
        };
        let all = c.problems().join("\n");
        for needle in [
            "sources[1].name",
            "sources[2].name",
            "sources[2].kind",
            "sources[2].url",
            "sources[2].username",
            "sources[2].station",
            "sources[2].timeout_ms",
        ] {
            assert!(all.contains(needle), "{needle} missing in {all}");
        }
        let settings =
            CollectorConfig { sources: vec![good] }.to_settings(&TenantId::parse("default").unwrap()).unwrap();
        assert_eq!(settings[0].interval, Duration::from_secs(30));
    }
}
