//! The `[database]` configuration section: pool size, how long storage may keep a request
//! waiting, and when readiness turns red.

use mgc_store::StoreOptions;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Connection pool, storage timeouts and readiness settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Pool size (SQLite: readers; writes use one connection).
    pub max_connections: u32,
    /// Longest wait for a database connection (ms) before a request gets 503 `storage_unavailable`.
    pub acquire_timeout_ms: u64,
    /// SQLite: longest wait (ms) for a lock another process holds before 503 `storage_unavailable`.
    pub sqlite_busy_timeout_ms: u64,
    /// `/readyz` answers within this time (ms); a check still running then counts as failed.
    pub ready_timeout_ms: u64,
    /// `/readyz` is 503 once this many units of work in a row failed to begin or commit.
    pub ready_max_write_failures: u64,
    /// Deadline of one HTTP request (ms): past it the answer is 503 `request_timeout`.
    pub request_timeout_ms: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout_ms: 2_000,
            sqlite_busy_timeout_ms: 5_000,
            ready_timeout_ms: 800,
            ready_max_write_failures: 3,
            request_timeout_ms: 30_000,
        }
    }
}

impl DatabaseConfig {
    /// What is wrong with these settings, each naming its key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.max_connections == 0 {
            problems.push("database.max_connections: must be greater than 0".into());
        }
        let ranges = [
            ("acquire_timeout_ms", self.acquire_timeout_ms, 10, 600_000),
            ("sqlite_busy_timeout_ms", self.sqlite_busy_timeout_ms, 0, 600_000),
            ("ready_timeout_ms", self.ready_timeout_ms, 10, 60_000),
            ("ready_max_write_failures", self.ready_max_write_failures, 1, 1_000_000),
            ("request_timeout_ms", self.request_timeout_ms, 100, 3_600_000),
        ];
        for (key, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                problems.push(format!("database.{key}: {value} must be between {min} and {max}"));
            }
        }
        problems
    }

    /// The store's pool and timeout options.
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            max_connections: self.max_connections,
            acquire_timeout: Duration::from_millis(self.acquire_timeout_ms),
            sqlite_busy_timeout: Duration::from_millis(self.sqlite_busy_timeout_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseConfig;

    #[test]
    fn given_defaults_when_checked_then_no_problem() {
        assert!(DatabaseConfig::default().problems().is_empty());
    }

    #[test]
    fn given_a_zero_acquire_timeout_when_checked_then_the_key_is_named() {
        let config = DatabaseConfig { acquire_timeout_ms: 0, ..DatabaseConfig::default() };
        assert_eq!(config.problems(), vec!["database.acquire_timeout_ms: 0 must be between 10 and 600000".to_owned()]);
    }
}
