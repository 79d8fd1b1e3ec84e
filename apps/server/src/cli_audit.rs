//! Audit entries of command-line mutations: written in the mutation's own unit of work, with
//! the actor `cli` (the operator who runs `mgc` on the host) and status 200.

use chrono::Utc;
use mgc_iam::{AuditEntry, AuditRecorder};
use mgc_kernel::{AuditId, TenantId};

/// Appends the audit entry of a CLI mutation `action` on `target` to `uow` (committed with it).
pub async fn append(uow: &mut impl AuditRecorder, tenant: &TenantId, action: &str, target: &str) -> Result<(), String> {
    let entry = AuditEntry {
        id: AuditId::new(),
        tenant: tenant.clone(),
        actor: "cli".into(),
        action: format!("CLI {action}"),
        target: target.to_owned(),
        outcome: "success".into(),
        status: 200,
        request_id: String::new(),
        at: Utc::now(),
    };
    uow.append_audit(&entry).await.map_err(|e| format!("cannot write the audit entry: {e}"))
}
