//! The audit log: who did what to which target in which tenant, and how it ended.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use mgc_kernel::page::{Page, PageRequest};
use mgc_kernel::{AuditId, RepoError, TenantId};
use serde::Serialize;

/// One audited request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Id (time-ordered).
    pub id: AuditId,
    /// Tenant acted in.
    pub tenant: TenantId,
    /// Who acted (subject of the principal).
    pub actor: String,
    /// What was done, e.g. `POST /api/v1/api-keys`.
    pub action: String,
    /// The path acted on.
    pub target: String,
    /// `success`, `denied` or `failed`.
    pub outcome: String,
    /// HTTP status returned.
    pub status: u16,
    /// Request id for correlation with logs.
    pub request_id: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl AuditEntry {
    /// Outcome name for an HTTP status: 2xx/3xx success, 401/403 denied, otherwise failed.
    pub fn outcome_for(status: u16) -> &'static str {
        match status {
            200..=399 => "success",
            401 | 403 => "denied",
            _ => "failed",
        }
    }
}

/// Where audit entries are written and read.
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an entry durably.
    async fn record(&self, entry: &AuditEntry) -> Result<(), RepoError>;
    /// Entries of `tenant`, newest first.
    async fn list_audit(&self, tenant: &TenantId, page: &PageRequest) -> Result<Page<AuditEntry>, RepoError>;
}

/// Audit entries written inside a unit of work, so the entry commits (or rolls back) with the
/// mutation it describes.
#[async_trait]
pub trait AuditRecorder: Send {
    /// Appends `entry` in this unit of work.
    async fn append_audit(&mut self, entry: &AuditEntry) -> Result<(), RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_statuses_when_classified_then_outcomes() {
        assert_eq!(AuditEntry::outcome_for(201), "success");
        assert_eq!(AuditEntry::outcome_for(403), "denied");
        assert_eq!(AuditEntry::outcome_for(401), "denied");
        assert_eq!(AuditEntry::outcome_for(422), "failed");
        assert_eq!(AuditEntry::outcome_for(500), "failed");
    }
}
