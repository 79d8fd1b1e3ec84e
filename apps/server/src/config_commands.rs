//! The `[thingsboard]` (RPC client) and `[commands]` configuration sections.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How to reach ThingsBoard's REST API for server-side RPC.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThingsBoardConfig {
    /// Base URL, e.g. `https://tb.example.com`; empty = commands to ThingsBoard devices fail.
    pub url: String,
    /// Tenant administrator user.
    pub username: String,
    /// Its password (secret; also from `MGC_THINGSBOARD__PASSWORD`).
    pub password: String,
    /// Timeout of login/refresh calls and margin added to each RPC's own timeout.
    pub request_timeout_ms: u64,
}

impl Default for ThingsBoardConfig {
    fn default() -> Self {
        Self { url: String::new(), username: String::new(), password: String::new(), request_timeout_ms: 10_000 }
    }
}

/// Command limits, method options and background timing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommandsConfig {
    /// Polling interval of the dispatcher and the deadline scanner (ms).
    pub scan_interval_ms: u64,
    /// Largest `timeout_s` a client may ask for.
    pub max_timeout_s: u32,
    /// `timeout_s` when a client gives none.
    pub default_timeout_s: u32,
    /// Methods sent as one-way RPC.
    pub oneway_methods: Vec<String>,
    /// Methods that do not take the per-device lock.
    pub parallel_methods: Vec<String>,
    /// Methods sent as persistent RPC.
    pub persistent_methods: Vec<String>,
    /// First retry delay after a 5xx or network error (ms).
    pub retry_base_ms: u64,
    /// Longest retry delay (ms).
    pub retry_max_ms: u64,
    /// Seconds a persistent-RPC state message for a not yet stored RPC id is kept.
    pub early_rpc_ttl_s: u64,
    /// Most such messages kept per tenant.
    pub early_rpc_max_per_tenant: u32,
    /// Seconds a persistent command may stay `sent`/`delivered` without news before ThingsBoard
    /// is asked for its RPC state (and between two asks); 0 = never ask.
    pub rpc_check_after_s: u64,
}

impl Default for CommandsConfig {
    fn default() -> Self {
        Self {
            scan_interval_ms: 1000,
            max_timeout_s: 3600,
            default_timeout_s: 30,
            oneway_methods: Vec::new(),
            parallel_methods: Vec::new(),
            persistent_methods: Vec::new(),
            retry_base_ms: 1000,
            retry_max_ms: 30_000,
            early_rpc_ttl_s: 3600,
            early_rpc_max_per_tenant: 1000,
            rpc_check_after_s: 60,
        }
    }
}

impl ThingsBoardConfig {
    /// Problems with the settings, each naming the key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let web = self.url.starts_with("http://") || self.url.starts_with("https://");
        if !self.url.is_empty() && !web {
            problems.push(format!("thingsboard.url: '{}' must start with http:// or https://", self.url));
        }
        if !self.url.is_empty() && self.username.is_empty() {
            problems.push("thingsboard.username: required when thingsboard.url is set".to_owned());
        }
        if !(100..=600_000).contains(&self.request_timeout_ms) {
            problems.push("thingsboard.request_timeout_ms: must be between 100 and 600000".to_owned());
        }
        problems
    }

    /// The RPC client settings, or None when no URL is configured.
    pub fn to_settings(&self) -> Option<mgc_adapter_thingsboard::ThingsBoardSettings> {
        (!self.url.is_empty()).then(|| mgc_adapter_thingsboard::ThingsBoardSettings {
            url: self.url.clone(),
            username: self.username.clone(),
            password: self.password.clone(),
            request_timeout: Duration::from_millis(self.request_timeout_ms),
        })
    }
}

impl CommandsConfig {
    /// Problems with the settings, each naming the key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.scan_interval_ms == 0 {
            problems.push("commands.scan_interval_ms: must be greater than 0".to_owned());
        }
        if !(1..=86_400).contains(&self.max_timeout_s) {
            problems.push("commands.max_timeout_s: must be between 1 and 86400".to_owned());
        }
        if self.default_timeout_s == 0 || self.default_timeout_s > self.max_timeout_s {
            problems.push("commands.default_timeout_s: must be between 1 and commands.max_timeout_s".to_owned());
        }
        if self.retry_base_ms == 0 || self.retry_max_ms < self.retry_base_ms {
            problems.push("commands.retry_base_ms/retry_max_ms: need 0 < retry_base_ms <= retry_max_ms".to_owned());
        }
        if !(60..=86_400).contains(&self.early_rpc_ttl_s) {
            problems.push("commands.early_rpc_ttl_s: must be between 60 and 86400".to_owned());
        }
        if !(1..=1_000_000).contains(&self.early_rpc_max_per_tenant) {
            problems.push("commands.early_rpc_max_per_tenant: must be between 1 and 1000000".to_owned());
        }
        if self.rpc_check_after_s != 0 && !(5..=86_400).contains(&self.rpc_check_after_s) {
            problems.push("commands.rpc_check_after_s: must be 0 (never) or between 5 and 86400".to_owned());
        }
        for (key, list) in [
            ("oneway_methods", &self.oneway_methods),
            ("parallel_methods", &self.parallel_methods),
            ("persistent_methods", &self.persistent_methods),
        ] {
            if list.iter().any(|m| m.trim().is_empty() || m.len() > 100) {
                problems.push(format!("commands.{key}: method names must be 1 to 100 characters"));
            }
        }
        problems
    }

    /// The commands context's settings.
    pub fn to_settings(&self) -> mgc_commands::CommandSettings {
        mgc_commands::CommandSettings {
            max_timeout_s: self.max_timeout_s,
            default_timeout_s: self.default_timeout_s,
            oneway_methods: self.oneway_methods.clone(),
            parallel_methods: self.parallel_methods.clone(),
            persistent_methods: self.persistent_methods.clone(),
            backoff: mgc_eventing::Backoff {
                base: Duration::from_millis(self.retry_base_ms),
                max: Duration::from_millis(self.retry_max_ms),
            },
            early_rpc_ttl: Duration::from_secs(self.early_rpc_ttl_s),
            early_rpc_max_per_tenant: self.early_rpc_max_per_tenant,
            rpc_check_after: (self.rpc_check_after_s > 0).then(|| Duration::from_secs(self.rpc_check_after_s)),
            ..mgc_commands::CommandSettings::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_defaults_when_checked_then_valid_and_thingsboard_off() {
        assert!(ThingsBoardConfig::default().problems().is_empty());
        assert!(CommandsConfig::default().problems().is_empty());
        assert!(ThingsBoardConfig::default().to_settings().is_none());
    }

    #[test]
    fn given_bad_values_when_checked_then_each_key_named() {
        let tb = ThingsBoardConfig { url: "tb.local".into(), request_timeout_ms: 0, ..ThingsBoardConfig::default() };
        let p = tb.problems().join("\n");
        assert!(p.contains("thingsboard.url") && p.contains("thingsboard.username"), "{p}");
        assert!(p.contains("thingsboard.request_timeout_ms"), "{p}");
        let c = CommandsConfig {
            scan_interval_ms: 0,
            default_timeout_s: 7200,
            retry_base_ms: 10,
            retry_max_ms: 5,
            oneway_methods: vec![" ".into()],
            early_rpc_ttl_s: 0,
            early_rpc_max_per_tenant: 0,
            rpc_check_after_s: 2,
            ..CommandsConfig::default()
        };
        let p = c.problems().join("\n");
        for key in [
            "scan_interval_ms",
            "default_timeout_s",
            "retry_base_ms",
            "oneway_methods",
            "early_rpc_ttl_s",
            "early_rpc_max_per_tenant",
            "rpc_check_after_s",
        ] {
            assert!(p.contains(&format!("commands.{key}")), "{key}: {p}");
        }
    }

    #[test]
    fn given_method_lists_when_converted_then_settings_carry_them() {
        let c = CommandsConfig { persistent_methods: vec!["setMode".into()], ..CommandsConfig::default() };
        let s = c.to_settings();
        assert!(s.options_for("setMode").persistent);
        assert_eq!(s.backoff.base, Duration::from_millis(1000));
        assert_eq!((s.early_rpc_ttl, s.early_rpc_max_per_tenant), (Duration::from_secs(3600), 1000));
        assert_eq!(s.rpc_check_after, Some(Duration::from_secs(60)));
        assert_eq!(CommandsConfig { rpc_check_after_s: 0, ..c }.to_settings().rpc_check_after, None);
    }
}
