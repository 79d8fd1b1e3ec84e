//! `[cluster]`: several `mgc serve` processes on one PostgreSQL database.

use serde::{Deserialize, Serialize};

/// Leases of the processes sharing a database (`[cluster]` in the configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClusterSettings {
    /// Seconds a process stays alive in the eyes of the others without renewing its lease
    /// (renewed every third of it). After it, another instance releases the dead process's
    /// device connections and claims; its charge points are served wherever they reconnect.
    pub lease_secs: u32,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        Self { lease_secs: 15 }
    }
}

impl ClusterSettings {
    /// Names the first invalid setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.lease_secs < mgc_commands::InstanceLease::MIN_SECS {
            return Err(format!("cluster.lease_secs: must be at least {}", mgc_commands::InstanceLease::MIN_SECS));
        }
        Ok(())
    }

    /// The lease of this process.
    pub fn lease(&self) -> mgc_commands::InstanceLease {
        mgc_commands::InstanceLease::from_secs(self.lease_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_a_lease_under_the_minimum_then_it_is_refused_and_the_default_passes() {
        let short = ClusterSettings { lease_secs: 2 };
        assert_eq!(short.validate(), Err("cluster.lease_secs: must be at least 3".to_owned()));
        assert_eq!(ClusterSettings::default().validate(), Ok(()));
        assert_eq!(ClusterSettings::default().lease().renew_every(), std::time::Duration::from_secs(5));
    }
}
