//! What one pull source is: its kind, where it lives, its credentials and its schedule.

use mgc_kernel::TenantId;
use std::fmt;
use std::time::Duration;

/// A secret value that never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself (only for the request that needs it).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Kinds of device-management systems the collector speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// WinPower G2 web API (UPS management).
    WinPower,
}

impl SourceKind {
    /// The kinds by their configuration name.
    pub const ALL: [(&'static str, SourceKind); 1] = [("winpower", SourceKind::WinPower)];

    /// Configuration name.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::WinPower => "winpower",
        }
    }

    /// The kind named `name`, or a message listing the known ones.
    pub fn parse(name: &str) -> Result<Self, String> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, k)| *k).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
            format!("unknown source kind '{name}': expected one of {}", known.join(", "))
        })
    }
}

/// One configured source.
#[derive(Debug, Clone)]
pub struct SourceSettings {
    /// Unique name (label of its metrics and its health entry).
    pub name: String,
    /// What it is.
    pub kind: SourceKind,
    /// Base URL of its web API, e.g. `http://10.0.0.5:8081`.
    pub url: String,
    /// Login user.
    pub username: String,
    /// Login password.
    pub password: Secret,
    /// Tenant whose devices it feeds.
    pub tenant: TenantId,
    /// Code of the tenant's station the source's own device (`collector:<name>`, kind
    /// `gateway`) belongs in: the alarm engine's entity for the source itself.
    pub station: String,
    /// Time between two polls when healthy.
    pub interval: Duration,
    /// Time limit of each HTTP request.
    pub timeout: Duration,
    /// Longest wait between two attempts while failing (the wait doubles from `interval`).
    pub max_backoff: Duration,
}

impl SourceSettings {
    /// The wait before the next attempt after `failures` failures in a row (0 = healthy):
    /// `interval`, then doubling per failure, capped at `max_backoff`.
    pub fn delay_after(&self, failures: u32) -> Duration {
        let factor = 1u32.checked_shl(failures.min(20)).unwrap_or(u32::MAX);
        self.interval.saturating_mul(factor).min(self.max_backoff.max(self.interval))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_failures_when_delay_asked_then_doubles_and_caps() {
        let s = SourceSettings {
            name: "wp".into(),
            kind: SourceKind::WinPower,
            url: "http://x".into(),
            username: "u".into(),
            password: Secret::new("p"),
            tenant: TenantId::parse("acme").unwrap(),
            station: "room".into(),
            interval: Duration::from_secs(10),
            timeout: Duration::from_secs(5),
            max_backoff: Duration::from_secs(60),
        };
        let delays: Vec<u64> = (0..6).map(|f| s.delay_after(f).as_secs()).collect();
        assert_eq!(delays, vec![10, 20, 40, 60, 60, 60]);
        assert_eq!(format!("{:?}", s.password), "***");
        assert!(!format!("{s:?}").contains("\"p\""));
        assert!(SourceKind::parse("modbus").unwrap_err().contains("winpower"));
    }
}
