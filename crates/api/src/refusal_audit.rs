//! Audit entries for refused authentication of a known tenant (revoked API key, expired or
//! not-yet-valid but genuine JWT, ingest signature refused or replayed), at a bounded rate per
//! tenant so a flood cannot fill the audit table. Time comes from the injected clock.

use crate::{ApiError, AppState};
use axum::http::{header, HeaderMap};
use chrono::{DateTime, Utc};
use mgc_adapter_thingsboard::IngestError;
use mgc_iam::{ApiKeyLookup, AuditEntry, AuditLog, AuthError};
use mgc_kernel::{AuditId, TenantId};
use std::collections::HashMap;
use std::sync::Mutex;

/// Refusals of one tenant audited per minute (a token bucket of this size, refilled evenly).
pub const REFUSALS_AUDITED_PER_MINUTE: u32 = 10;

/// Per-tenant token buckets of audited refusals.
#[derive(Debug)]
pub struct RefusalAudit {
    per_minute: u32,
    buckets: Mutex<HashMap<TenantId, (f64, DateTime<Utc>)>>,
}

impl Default for RefusalAudit {
    fn default() -> Self {
        Self::new(REFUSALS_AUDITED_PER_MINUTE)
    }
}

impl RefusalAudit {
    /// Audits at most `per_minute` refusals of a tenant per minute (bursts up to that many).
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one refusal from `tenant`'s budget at `now`; false when it is spent.
    pub fn admit(&self, tenant: &TenantId, now: DateTime<Utc>) -> bool {
        let capacity = f64::from(self.per_minute);
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (tokens, at) = buckets.entry(tenant.clone()).or_insert((capacity, now));
        let elapsed = (now - *at).num_milliseconds().max(0) as f64 / 60_000.0;
        *tokens = (*tokens + elapsed * capacity).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// One refused request of a known tenant.
#[derive(Debug, Clone)]
pub struct Refusal<'a> {
    /// Tenant the credential belongs to.
    pub tenant: TenantId,
    /// The credential, e.g. `api-key:<id>` or `integration:<id>`.
    pub actor: String,
    /// `METHOD route`.
    pub action: String,
    /// The path.
    pub target: &'a str,
    /// The answer's status.
    pub status: u16,
    /// Request id of the logs.
    pub request_id: &'a str,
}

/// Writes the audit entry of `refusal` when the tenant's budget allows.
pub async fn record(state: &AppState, refusal: Refusal<'_>) {
    let now = state.clock.now();
    if !state.refusal_audit.admit(&refusal.tenant, now) {
        return;
    }
    let entry = AuditEntry {
        id: AuditId::new(),
        tenant: refusal.tenant,
        actor: refusal.actor,
        action: refusal.action,
        target: refusal.target.to_owned(),
        outcome: AuditEntry::outcome_for(refusal.status).to_owned(),
        status: refusal.status,
        request_id: refusal.request_id.to_owned(),
        at: now,
    };
    if let Err(e) = state.store.record(&entry).await {
        tracing::error!(error = %e, action = %entry.action, "audit entry of a refusal not written");
    }
}

/// Tenant and actor of refused credentials, when they are known for certain: a revoked API key
/// that matches, or a JWT whose signature verifies but whose `exp`/`nbf` refuse it.
pub async fn refused_owner(state: &AppState, headers: &HeaderMap, err: &AuthError) -> Option<(TenantId, String)> {
    let presented = |scheme: &str| {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (given, credential) = value.trim().split_once(' ')?;
        given.eq_ignore_ascii_case(scheme).then_some(credential.trim())
    };
    match err {
        AuthError::RevokedApiKey => {
            let key = match headers.get("x-api-key") {
                Some(key) => key.to_str().ok()?.trim(),
                None => presented("apikey")?,
            };
            let found = state.store.find_api_key_by_prefix(mgc_iam::api_key::prefix_of(key)?).await.ok()??;
            (found.matches(key) && found.revoked_at.is_some()).then(|| (found.tenant, format!("api-key:{}", found.id)))
        }
        AuthError::Expired | AuthError::NotYetValid => state.jwt.signed_owner(presented("bearer")?),
        _ => None,
    }
}

/// Maps an ingest failure to its answer; a refused authentication of a known integration is
/// audited in the integration's tenant first.
pub async fn ingest_refused(state: &AppState, headers: &HeaderMap, path: &str, e: IngestError) -> ApiError {
    let refused = matches!(e, IngestError::Auth(_));
    let error = ApiError::from(e);
    if refused {
        let credentials = crate::routes::ingest::credentials(headers);
        if let Some(integration) = state.ingest.known_integration(&credentials).await {
            let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
            let refusal = Refusal {
                tenant: integration.tenant,
                actor: format!("integration:{}", integration.id),
                action: format!("POST {path}"),
                target: path,
                status: error.status.as_u16(),
                request_id,
            };
            record(state, refusal).await;
        }
    }
    error
}
